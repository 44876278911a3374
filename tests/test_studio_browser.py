"""The studio end to end in a real headless Chromium: the page a facilitator sees
follows the file on disk, keeps the last good map while it is broken, highlights
what a finding is about, takes people out, and shows the gates of a database.

One browser and one served folder for the whole module; every wait is bounded.
Screenshots of each view at 1280x720 (a projector) and 1920x1080 (a laptop) are
saved under the test's temporary folder, and also into ``$LIFECYCLE_SHOTS_DIR``
when it is set.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from studio_layout import layout_problems
from studio_live import NEXT_DEADLINE, LiveServer, chromium_path, tracked_two

from lifecycle.studio import create_app

playwright = pytest.importorskip("playwright.sync_api")
# One worker runs the module: one Chromium and one studio server for the whole run (pytest is
# held below 9.2 for this: see pyproject.toml).
pytestmark = pytest.mark.xdist_group("browser")

ROOT = Path(__file__).resolve().parent.parent
GO_TO = ROOT / "workflows" / "examples" / "go-to-escalation.yaml"
PAYER = ROOT / "workflows" / "payer-cbo-partnership.yaml"
WAIT_MS = 10_000
SIZES = [(1280, 720), (1920, 1080)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("studio-e2e")
    served = base / "served"
    served.mkdir()
    shutil.copy(GO_TO, served / "live.yaml")
    shutil.copy(PAYER, served / "payer.yaml")
    return served


@pytest.fixture(scope="module")
def studio(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = create_app(str(folder), db=str(tracked_two(tmp_path_factory)))
    with LiveServer(app) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright.Browser]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("no chromium: scripts/setup installs it with LIFECYCLE_WITH_CHROMIUM=1")
        pytest.skip("no chromium on this machine (scripts/test installs it)")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


def _tab(browser: playwright.Browser, *, strict: bool) -> Iterator[tuple[playwright.Page, list[str]]]:
    # Playwright evaluates wait_for_function's predicates as strings, which the
    # studio's policy forbids; the strict page runs under the policy as served.
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=not strict)
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    yield opened, problems
    context.close()


def _page(tab: tuple[playwright.Page, list[str]]) -> Iterator[playwright.Page]:
    # One tab for the module, not one per test: a new tab cost about 0.2 s and its
    # first page load twice a later one. Each test loads the studio afresh in it
    # (open_studio), so no page state outlives a test, and the studio keeps none
    # in the browser (no cookies, no storage, responses not cached).
    opened, problems = tab
    problems.clear()
    opened.set_viewport_size({"width": 1280, "height": 720})
    yield opened
    # Off the studio, so that the page hears nothing of the next test's saves.
    opened.goto("about:blank")
    assert problems == [], problems


@pytest.fixture(scope="module")
def _lenient_tab(browser: playwright.Browser) -> Iterator[tuple[playwright.Page, list[str]]]:
    yield from _tab(browser, strict=False)


@pytest.fixture(scope="module")
def _strict_tab(browser: playwright.Browser) -> Iterator[tuple[playwright.Page, list[str]]]:
    yield from _tab(browser, strict=True)


@pytest.fixture
def page(_lenient_tab: tuple[playwright.Page, list[str]]) -> Iterator[playwright.Page]:
    yield from _page(_lenient_tab)


@pytest.fixture
def strict_page(_strict_tab: tuple[playwright.Page, list[str]]) -> Iterator[playwright.Page]:
    yield from _page(_strict_tab)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("studio-shots")


def shoot(page: playwright.Page, shots: Path, name: str) -> None:
    size = page.viewport_size
    assert size is not None
    file = f"{name}-{size['width']}x{size['height']}.png"
    page.screenshot(path=str(shots / file))
    extra = os.environ.get("LIFECYCLE_SHOTS_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(shots / file, Path(extra) / file)


def open_studio(page: playwright.Page, url: str, file: str = "live.yaml") -> None:
    page.goto(f"{url}/?file={file}")
    page.wait_for_selector("#map svg")
    page.wait_for_selector("#live.on")


def save(path: Path, text: str) -> None:
    """Save as editors do: write a new file and rename it over the old."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def finding_codes(page: playwright.Page) -> list[str]:
    return page.locator("#findings .finding .code").all_inner_texts()


@pytest.fixture
def live(folder: Path) -> Iterator[Path]:
    """live.yaml, put back as shipped after each test."""
    path = folder / "live.yaml"
    yield path
    save(path, GO_TO.read_text(encoding="utf-8"))


def test_the_page_shows_the_map_and_the_findings_under_its_own_policy(
    strict_page: playwright.Page, studio: str
) -> None:
    page = strict_page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    open_studio(page, studio)
    assert (
        page.locator("#workflow-title").inner_text()
        == "A plan-CBO partnership that leans on an unofficial go-to person"
    )
    assert page.locator("#map svg #task-resolve-barriers").count() == 1
    assert finding_codes(page).count("SPF002") == 2
    assert page.locator("#findings .group.error h3").text_content() == "2 errors"
    assert page.locator("#score").inner_text() == "50"
    assert requests and all(url.startswith(studio) for url in requests)


def test_saving_the_file_updates_map_and_findings_without_a_reload(
    page: playwright.Page, studio: str, live: Path
) -> None:
    open_studio(page, studio)
    page.evaluate("window.kept = 'still the same page'")
    before = len(finding_codes(page))
    text = live.read_text(encoding="utf-8")
    text = text.replace("Resolve member barriers raised by navigators", "Clear member barriers together", 1)
    text = text.replace("held_by: jlee}", "held_by: jlee, backup: plan-sponsor}", 1)
    save(live, text)
    page.wait_for_function("document.querySelector('#map svg').textContent.includes('Clear member barriers')")
    page.wait_for_function(f"document.querySelectorAll('#findings .finding').length === {before - 1}")
    assert page.evaluate("window.kept") == "still the same page"


def test_a_broken_file_shows_its_error_while_the_last_good_map_stays(
    page: playwright.Page, studio: str, live: Path, shots: Path
) -> None:
    open_studio(page, studio)
    shown = page.locator("body").get_attribute("data-map-version")
    good = live.read_text(encoding="utf-8")
    save(live, good.replace("owner: plan-poc", "owner: plan-pco", 1))
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert "live.yaml:49:16: error E301" in error.inner_text()
    assert "did you mean 'plan-poc'" in error.inner_text()
    assert page.locator("#map svg #task-resolve-barriers").count() == 1
    assert page.locator("body").get_attribute("data-map-version") == shown
    assert finding_codes(page).count("SPF002") == 2
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        shoot(page, shots, "broken-file")
    save(live, good)
    error.wait_for(state="hidden")


def test_clicking_a_finding_highlights_its_element_and_shows_where_it_is(
    page: playwright.Page, studio: str, shots: Path
) -> None:
    open_studio(page, studio)
    page.locator("#findings .finding", has_text="role 'plan-poc'").first.click()
    page.wait_for_selector("#map svg g.hl")
    assert page.locator("#map svg g.hl").get_attribute("id") == "lanehead-plan-poc"
    assert page.locator("#selected").inner_text().startswith("live.yaml:36:3 SPF001")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        shoot(page, shots, "finding-highlighted")


def test_taking_a_person_out_drops_the_score_and_one_click_puts_them_back(
    page: playwright.Page, studio: str, shots: Path
) -> None:
    open_studio(page, studio)
    page.locator("#people .chip", has_text="Dana Morgan").click()
    page.wait_for_function("document.body.dataset.score === '0'")
    assert "Resilience 50 → 0" in page.locator("#score-change").inner_text()
    assert page.locator("#score").inner_text() == "50 → 0"
    added = page.locator("#added-list .finding .code").all_inner_texts()
    assert sorted(set(added)) == ["GAP011", "SPF003", "SPF008"]
    page.wait_for_function("document.body.dataset.mapKey.includes('without=person')")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        shoot(page, shots, "what-if")
    page.locator("#restore").click()
    page.wait_for_function("document.body.dataset.score === '50'")
    assert page.locator("#whatif-bar").is_hidden()


def test_the_gates_dashboard_shows_both_partnerships_and_a_gate_in_detail(
    page: playwright.Page, studio: str, shots: Path
) -> None:
    open_studio(page, studio, "payer.yaml")
    page.locator('#views [data-view="gates"]').click()
    page.wait_for_selector('#gates tr[data-partnership="riverside"]')
    assert page.locator("#gates tbody tr").count() == 2
    riverside = page.locator('#gates tr[data-partnership="riverside"] .gate').first
    lakeside = page.locator('#gates tr[data-partnership="lakeside"] .gate').first
    assert "met" in (riverside.get_attribute("class") or "").split()
    assert "open" in lakeside.inner_text()
    task, _due, date = NEXT_DEADLINE
    for name in ("riverside", "lakeside"):
        deadline = page.locator(f'#gates tr[data-partnership="{name}"] td').nth(3).inner_text()
        assert deadline.startswith(f"{task}: {date.isoformat()} (")
    verdict = page.locator("#gate-detail h2 span")
    riverside.click()
    page.wait_for_selector("#gate-detail h2")
    assert verdict.inner_text() == "met" and verdict.get_attribute("class") == "ok"
    assert "reviewed in the JOC" in page.locator("#gate-detail").inner_text()
    lakeside.click()
    page.wait_for_selector("#gate-detail h2:has-text('lakeside')")
    assert verdict.inner_text() == "not met" and verdict.get_attribute("class") == "bad"
    assert page.locator("#gate-detail").inner_text().count("No sign-offs recorded.") == 1
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        shoot(page, shots, "gates")


def test_every_view_at_projector_and_laptop_size(page: playwright.Page, studio: str, shots: Path) -> None:
    """Each view fits both windows as :mod:`studio_layout` says: nothing off-screen or
    cut off, the page never scrolls, the fitted map wholly in view."""
    open_studio(page, studio, "payer.yaml")
    problems: dict[str, list[str]] = {}

    def look(view: str) -> None:
        size = page.viewport_size
        assert size is not None
        shoot(page, shots, view)
        problems[f"{view} at {size['width']}x{size['height']}"] = layout_problems(page)

    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.select_option("#scope", "")
        page.wait_for_function("!document.body.dataset.mapKey.includes('phase=')")
        look("map-whole")
        page.select_option("#scope", "phase:pre-launch")
        page.wait_for_function("document.body.dataset.mapKey.includes('phase=pre-launch')")
        look("map-pre-launch")
        page.select_option("#scope", "journey:member")
        page.wait_for_function("document.body.dataset.mapKey.includes('journey=member')")
        look("map-journey")
        page.locator("#panel").click()
        assert page.locator("aside.side").is_hidden()
        look("map-journey-wide")
        page.locator("#panel").click()
        page.select_option("#scope", "overview")
        page.wait_for_function("document.body.dataset.mapKey.includes('overview=1')")
        look("map-overview")
        page.locator("#people .chip", has_text="Dana Morgan").click()
        page.wait_for_function("document.body.dataset.mapKey.includes('without=person')")
        look("map-what-if")
        page.locator("#restore").click()
        page.locator("#whatif-bar").wait_for(state="hidden")
        page.locator('#views [data-view="raci"]').click()
        page.wait_for_selector("#raci tbody tr")
        look("raci")
        page.locator('#views [data-view="gates"]').click()
        page.locator('#gates tr[data-partnership="lakeside"] .gate').first.click()
        page.wait_for_selector("#gate-detail h2")
        look("gates-detail")
        page.locator('#views [data-view="map"]').click()
    assert {view: found for view, found in problems.items() if found} == {}


def test_a_workflow_saved_into_the_folder_joins_the_file_list(
    page: playwright.Page, studio: str, folder: Path
) -> None:
    open_studio(page, studio)
    added = folder / "added.yaml"
    try:
        save(added, GO_TO.read_text(encoding="utf-8"))
        page.wait_for_selector('#file option[value="added.yaml"]', state="attached")
    finally:
        added.unlink()
    page.wait_for_selector('#file option[value="added.yaml"]', state="detached")


def test_a_finding_off_the_phase_shown_brings_back_the_whole_map(page: playwright.Page, studio: str) -> None:
    open_studio(page, studio)
    page.select_option("#scope", "overview")
    page.wait_for_function("document.body.dataset.mapKey.includes('overview=1')")
    page.locator("#findings .finding", has_text="role 'plan-poc'").first.click()
    page.wait_for_selector("#map svg g.hl")
    assert page.locator("#scope").input_value() == ""
    assert page.locator("#map svg g.hl").get_attribute("id") == "lanehead-plan-poc"

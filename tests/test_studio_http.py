"""The studio's HTTP surface (Starlette's TestClient, no browser): what each
address answers, and that malformed requests, unknown routes and path tricks get
proper errors without any file outside the served folder being read."""

from __future__ import annotations

import http.client
import io
import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from studio_live import LiveServer

from lifecycle.studio import create_app
from lifecycle.studio.events import Hub, TooManyListeners
from lifecycle.studio.guard import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parent.parent
GO_TO = ROOT / "workflows" / "examples" / "go-to-escalation.yaml"
PAYER = ROOT / "workflows" / "payer-cbo-partnership.yaml"
SECRET = "TOP-SECRET-OUTSIDE-THE-FOLDER"


def _ids(svg: str) -> set[str]:
    return {node.get("id", "") for node in ElementTree.fromstring(svg.encode()).iter()}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of two workflows, a non-workflow file, and symlinks leading out of it."""
    base = tmp_path_factory.mktemp("studio")
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"id: {SECRET}\n", encoding="utf-8")
    folder = base / "served"
    (folder / "examples").mkdir(parents=True)
    shutil.copy(GO_TO, folder / "examples" / "go-to.yaml")
    shutil.copy(PAYER, folder / "payer.yaml")
    (folder / "notes.txt").write_text(SECRET, encoding="utf-8")
    (folder / "escape.yaml").symlink_to(outside / "secret.yaml")
    (folder / "linked-folder").symlink_to(outside, target_is_directory=True)
    (folder / "alias.yaml").symlink_to(folder / "payer.yaml")
    return folder


@pytest.fixture(scope="module")
def client(served: Path) -> TestClient:
    return TestClient(create_app(str(served), watch_files=False), base_url="http://127.0.0.1")


def test_the_file_list_holds_the_workflows_and_no_path_out_of_the_folder(client: TestClient) -> None:
    answer = client.get("/api/files").json()
    assert answer["files"] == ["alias.yaml", "examples/go-to.yaml", "payer.yaml"]
    assert answer["gates"] is False


def test_the_page_and_its_assets_come_with_a_policy_that_allows_nothing_from_outside(
    client: TestClient,
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert page.headers["x-content-type-options"] == "nosniff"
    for asset, kind in [("studio.js", "javascript"), ("studio.css", "css"), ("favicon.svg", "svg")]:
        response = client.get(f"/assets/{asset}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
    # Nothing on the page points at another server.
    for text in (page.text, client.get("/assets/studio.js").text, client.get("/assets/studio.css").text):
        assert "http://" not in text and "https://" not in text and "//cdn" not in text


def test_a_workflow_answers_with_findings_grouped_by_severity_and_their_map_ids(client: TestClient) -> None:
    view = client.get("/api/workflow", params={"file": "examples/go-to.yaml"}).json()
    assert view["loaded"] and not view["errors"]
    groups = {g["severity"]: g["findings"] for g in view["findings"]}
    assert [g["severity"] for g in view["findings"]] == ["error", "warning", "info"]
    spf002 = next(f for f in groups["error"] if f["element"] == "stuck-authorization")
    assert spf002["where"] == "examples/go-to.yaml:62:5"
    assert "handoff-stuck-authorization" in spf002["targets"]
    assert view["resilience"]["score"] == 50
    assert view["resilience"]["losses"][0]["name"] == "Dana Morgan (dmorgan)"
    assert view["raci"]["rows"][0]["task"] == "resolve-barriers"


def test_the_map_is_an_svg_whose_elements_carry_the_ids_findings_point_at(client: TestClient) -> None:
    response = client.get("/api/map.svg", params={"file": "examples/go-to.yaml"})
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"
    assert {"lanehead-plan-poc", "task-resolve-barriers", "gate-implementation"} <= _ids(response.text)
    overview = client.get("/api/map.svg", params={"file": "payer.yaml", "overview": "1"})
    assert overview.status_code == 200 and "<svg" in overview.text
    phase = client.get("/api/map.svg", params={"file": "payer.yaml", "phase": "pre-launch"})
    assert "block-pre-launch" in _ids(phase.text) and "block-scoping" not in _ids(phase.text)


def test_whatif_reports_the_added_findings_and_the_score_before_and_after(client: TestClient) -> None:
    answer = client.get(
        "/api/whatif", params={"file": "examples/go-to.yaml", "without": "person:dmorgan"}
    ).json()
    assert (answer["before"]["score"], answer["after"]["score"]) == (50, 0)
    added = {f["code"] for g in answer["added"] for f in g["findings"]}
    assert added == {"GAP011", "SPF003", "SPF008"}
    both = client.get(
        "/api/whatif",
        params=[("file", "payer.yaml"), ("without", "person:jlee"), ("without", "role:plan-poc")],
    )
    assert both.json()["removed"] == ["person:jlee", "role:plan-poc"]


@pytest.mark.parametrize(
    ("what", "kind", "magic"),
    [
        ("map.svg", "image/svg+xml", b"<?xml"),
        ("map.png", "image/png", b"\x89PNG"),
        ("map.pdf", "application/pdf", b"%PDF"),
        ("book.pdf", "application/pdf", b"%PDF"),
        ("raci.xlsx", "spreadsheetml", b"PK"),
        ("findings.json", "application/json", b"{"),
        ("findings.sarif", "sarif", b"{"),
    ],
)
def test_exports_are_files_of_the_format_they_name(
    client: TestClient, what: str, kind: str, magic: bytes
) -> None:
    response = client.get(f"/export/{what}", params={"file": "examples/go-to.yaml"})
    assert response.status_code == 200
    assert kind in response.headers["content-type"]
    assert response.content.startswith(magic)
    assert 'filename="go-to.' in response.headers["content-disposition"]
    if what == "findings.sarif":
        assert json.loads(response.content)["version"] == "2.1.0"
    if what == "book.pdf":
        from pypdf import PdfReader

        pages = PdfReader(io.BytesIO(response.content)).pages
        assert len(pages) >= 3  # the overview, the phase, the RACI and the findings (one page when both fit)
        assert "SPF002" in "".join(page.extract_text() for page in pages)  # the findings page
    if what == "findings.json":
        assert {f["code"] for f in json.loads(response.content)["findings"]} >= {"SPF001", "SPF002"}


def test_a_phase_map_export_is_named_after_its_phase(client: TestClient) -> None:
    response = client.get("/export/map.svg", params={"file": "payer.yaml", "phase": "pre-launch"})
    assert 'filename="payer.phase-pre-launch.svg"' in response.headers["content-disposition"]


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        # Path tricks: none reaches a file outside the folder.
        ("/api/workflow", {"file": "../outside/secret.yaml"}, 400),
        ("/api/workflow", {"file": "examples/../../outside/secret.yaml"}, 400),
        ("/api/workflow", {"file": "/etc/passwd"}, 400),
        ("/api/workflow", {"file": "examples\\..\\payer.yaml"}, 400),
        ("/api/workflow", {"file": "./payer.yaml"}, 400),
        ("/api/workflow", {"file": "examples//go-to.yaml"}, 400),
        ("/api/workflow", {"file": "payer.yaml\x00.txt"}, 400),
        ("/api/workflow", {"file": "x" * 2000}, 400),
        ("/api/workflow", {"file": "escape.yaml"}, 404),
        ("/api/workflow", {"file": "linked-folder/secret.yaml"}, 404),
        ("/api/workflow", {"file": "notes.txt"}, 404),
        ("/api/workflow", {"file": "missing.yaml"}, 404),
        ("/api/map.svg", {"file": "../outside/secret.yaml"}, 400),
        ("/export/map.svg", {"file": "escape.yaml"}, 404),
        # Malformed requests.
        ("/api/workflow", {"file": "payer.yaml", "colour": "red"}, 400),
        ("/api/map.svg", {"file": "payer.yaml", "overview": "maybe"}, 400),
        ("/api/map.svg", {"file": "payer.yaml", "phase": "pre-launch", "overview": "1"}, 400),
        ("/api/map.svg", {"file": "payer.yaml", "phase": "no-such-phase"}, 404),
        ("/api/map.svg", {"file": "payer.yaml", "journey": "no-such-journey"}, 404),
        ("/api/map.svg", {"file": "payer.yaml", "without": "person:nobody"}, 404),
        ("/api/map.svg", {"file": "payer.yaml", "without": "pet:rex"}, 400),
        ("/api/whatif", {"file": "payer.yaml"}, 400),
        ("/api/whatif", {"file": "payer.yaml", "without": "person:nobody"}, 404),
        ("/export/map.gif", {"file": "payer.yaml"}, 404),
        ("/export/raci.pdf", {"file": "payer.yaml"}, 404),
        ("/export/secrets.json", {"file": "payer.yaml"}, 404),
        ("/api/gates", {}, 404),
        ("/api/gate", {"partnership": "x"}, 404),
        ("/assets/studio.js", {"v": "1"}, 400),
    ],
)
def test_malformed_requests_and_path_tricks_get_http_errors(
    client: TestClient, path: str, params: dict[str, str], status: int
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert SECRET not in response.text
    assert response.json()["error"]
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


# Sent byte for byte (http.client does not normalize a path, as TestClient's
# httpx does: it would send "/assets/../app.py" as "/app.py"), each aims at a file:
# the studio's own source beside its assets, /etc/passwd, or the secret outside
# the served folder.
RAW_PATHS = [
    "/assets/..%2Fapp.py",
    "/assets/%2e%2e%2fapp.py",
    "/assets/../app.py",
    "/assets/studio.js/../../app.py",
    "/assets/studio.js%2F..%2F..%2Fapp.py",
    "/assets/index.html",
    "/assets/",
    "/api/../../etc/passwd",
    "/export/map.svg/../../../etc/passwd",
    "/no/such/page",
    "/api/workflow%2F..%2F..%2Fetc%2Fpasswd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/../outside/secret.yaml",
    "/examples/../../outside/secret.yaml",
    "/%2e%2e/outside/secret.yaml",
    "/escape.yaml",
    "/linked-folder/secret.yaml",
    "/notes.txt",
]


def _source_lines(path: Path) -> set[str]:
    """The lines of ``path`` long enough that no error message holds one by chance."""
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 24}


def test_encoded_slashes_and_dot_segments_in_the_path_reach_nothing(served: Path) -> None:
    app_source = _source_lines(Path(create_app.__code__.co_filename))
    passwd = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    with LiveServer(create_app(str(served), watch_files=False)) as server:
        host, port = server.url.removeprefix("http://").split(":")
        for raw in RAW_PATHS:
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
            try:
                connection.request("GET", raw)
                response = connection.getresponse()
                body = response.read().decode("utf-8", "replace")
            finally:
                connection.close()
            assert response.status in (400, 404), (raw, response.status, body)
            assert SECRET not in body, raw
            assert passwd not in body and "root:" not in body, raw
            assert not [line for line in app_source if line in body], raw


def test_a_repeated_file_parameter_is_refused(client: TestClient) -> None:
    response = client.get("/api/workflow", params=[("file", "payer.yaml"), ("file", "examples/go-to.yaml")])
    assert response.status_code == 400


def test_only_get_is_allowed(client: TestClient) -> None:
    assert client.post("/api/workflow", params={"file": "payer.yaml"}).status_code == 405
    assert client.delete("/").status_code == 405


def test_a_foreign_host_name_is_refused_against_dns_rebinding(client: TestClient) -> None:
    response = client.get("/api/files", headers={"host": "attacker.example"})
    assert response.status_code == 400


SERVED = ("alias.yaml", "examples/go-to.yaml", "payer.yaml")
# What a name that tries to leave the folder is made of: the served folder's own
# names (and its symlinks out), separators, dot segments, their percent-encodings
# (which the server must not decode a second time), NUL, and home.
_PIECES = st.sampled_from(
    [
        *SERVED,
        "examples",
        "go-to.yaml",
        "notes.txt",
        "escape.yaml",
        "linked-folder",
        "outside",
        "secret.yaml",
        "../outside/secret.yaml",
        "linked-folder/secret.yaml",
        "..",
        ".",
        "/",
        "\\",
        "%2e",
        "%2f",
        "%2e%2e%2f",
        "\x00",
        "~",
    ]
)
FILE_NAMES = st.one_of(
    st.sampled_from(SERVED),
    st.lists(st.one_of(_PIECES, st.text(max_size=3)), min_size=1, max_size=8).map("".join),
    st.text(min_size=1, max_size=40),
)


@settings(max_examples=60, deadline=None)
@given(name=FILE_NAMES)
# An empty name once fell back to the default workflow, as a missing one does.
@example(name="")
@example(name="../outside/secret.yaml")
@example(name="linked-folder/secret.yaml")
@example(name="escape.yaml")
@example(name="notes.txt")
def test_no_file_name_reads_anything_but_a_served_workflow(client: TestClient, name: str) -> None:
    response = client.get("/api/workflow", params={"file": name})
    # Shown by --hypothesis-show-statistics: how often each answer came.
    event(f"answered {response.status_code}")
    event(
        "tried to leave the folder"
        if ".." in name or "linked-folder" in name or "escape" in name
        else "other"
    )
    if name in SERVED:
        assert response.status_code == 200
        assert response.json()["file"] == name and response.json()["loaded"]
    else:
        assert response.status_code in (400, 404)
        assert SECRET not in response.text


def test_text_from_the_workflow_is_escaped_in_the_map(tmp_path: Path) -> None:
    text = GO_TO.read_text(encoding="utf-8").replace(
        "title: A plan-CBO partnership", "title: <script>alert(1)</script> A plan-CBO partnership", 1
    )
    (tmp_path / "w.yaml").write_text(text, encoding="utf-8")
    client = TestClient(create_app(str(tmp_path / "w.yaml"), watch_files=False), base_url="http://127.0.0.1")
    view = client.get("/api/workflow", params={"file": "w.yaml"}).json()
    assert view["title"].startswith("<script>")  # data, shown with textContent by the page
    svg = client.get("/api/map.svg", params={"file": "w.yaml"}).text
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_a_broken_file_keeps_the_last_good_map_and_reports_where_it_broke(tmp_path: Path) -> None:
    path = tmp_path / "live.yaml"
    good = GO_TO.read_text(encoding="utf-8")
    path.write_text(good, encoding="utf-8")
    client = TestClient(create_app(str(path), watch_files=False), base_url="http://127.0.0.1")
    first = client.get("/api/workflow").json()
    assert first["file"] == "live.yaml" and first["loaded"]
    broken = good.replace("owner: plan-poc", "owner: plan-pco", 1)
    path.write_text(broken + "\n# edited\n", encoding="utf-8")
    view = client.get("/api/workflow").json()
    assert view["version"] == first["version"] + 1
    assert view["good_version"] == first["good_version"]
    error = view["errors"][0]
    assert error["where"].startswith("live.yaml:") and error["line"] > 0
    assert "plan-pco" in error["message"]
    assert view["findings"] == first["findings"]
    assert client.get("/api/map.svg").status_code == 200
    path.write_text("", encoding="utf-8")
    assert client.get("/api/workflow").json()["errors"][0]["code"] == "E107"


def test_a_file_that_never_loaded_has_no_map_yet(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("id: [\n", encoding="utf-8")
    client = TestClient(create_app(str(tmp_path), watch_files=False), base_url="http://127.0.0.1")
    view = client.get("/api/workflow").json()
    assert not view["loaded"] and view["errors"][0]["line"] >= 1
    response = client.get("/api/map.svg")
    assert response.status_code == 409 and "bad.yaml" in response.json()["error"]


def test_an_empty_folder_says_it_serves_nothing(tmp_path: Path) -> None:
    client = TestClient(create_app(str(tmp_path), watch_files=False), base_url="http://127.0.0.1")
    assert client.get("/api/files").json()["files"] == []
    assert client.get("/api/workflow").status_code == 404


def test_the_hub_refuses_listeners_past_its_limit_and_delivers_to_the_rest() -> None:
    hub = Hub(limit=2)
    first, second = hub.subscribe(), hub.subscribe()
    with pytest.raises(TooManyListeners):
        hub.subscribe()
    hub.publish({"file": "a.yaml", "version": 2})
    assert first.get_nowait() == second.get_nowait() == {"file": "a.yaml", "version": 2}
    hub.unsubscribe(first)
    assert hub.listeners == 1

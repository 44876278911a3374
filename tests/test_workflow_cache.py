"""The parsed-workflow cache: a hit gives the workflow the file would, and an
entry that cannot be trusted (damaged, holding other classes, in a folder or
file others may write) is ignored and rebuilt, never used."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecycle.loader import load
from lifecycle.tracking import workflows
from lifecycle.tracking.workflow_cache import CACHE_VARIABLE, cache_folder, cached_workflow, keep_workflow
from lifecycle.tracking.workflows import load_workflow

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "workflows").rglob("*.yaml"))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    monkeypatch.setattr(workflows, "_PARSED", {})
    folder = cache_folder()
    assert folder == tmp_path / "xdg" / "lifecycle" / "workflows"
    return folder


def _entry(folder: Path) -> Path:
    (entry,) = folder.glob("*.pickle")
    return entry


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_cached_workflow_is_the_one_the_file_gives(cache: Path, path: Path) -> None:
    loaded = load_workflow(path)
    assert _entry(cache).stat().st_mode & 0o077 == 0 and cache.stat().st_mode & 0o077 == 0
    again = cached_workflow(loaded.hash)
    assert again is not None and again is not loaded.workflow
    assert again == load(path).workflow


def _tracked_copy(cache: Path, tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "world.yaml"
    path.write_bytes(SHIPPED[0].read_bytes())
    return path, load_workflow(path).hash


def _damage(entry: Path, data: bytes) -> None:
    entry.write_bytes(data)
    entry.chmod(0o600)


@settings(max_examples=25, deadline=None)
@given(cut=st.integers(min_value=0, max_value=2000), flip=st.integers(min_value=0, max_value=255))
def test_a_damaged_entry_is_a_miss_and_is_rebuilt(tmp_path_factory, cut: int, flip: int) -> None:
    tmp_path = tmp_path_factory.mktemp("damaged")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        patch.delenv(CACHE_VARIABLE, raising=False)
        patch.setattr(workflows, "_PARSED", {})
        folder = cache_folder()
        assert folder is not None
        path, digest = _tracked_copy(folder, tmp_path)
        entry = _entry(folder)
        good = entry.read_bytes()
        changed = bytearray(good)
        changed[cut % len(changed)] ^= flip or 1
        for bad in (good[: cut % len(good)], bytes(changed)):
            _damage(entry, bad)
            assert cached_workflow(digest) is None
            patch.setattr(workflows, "_PARSED", {})
            assert load_workflow(path).workflow == load(path).workflow
            assert entry.read_bytes() == good


class Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch pwned",))


def test_an_entry_naming_any_other_callable_is_refused_without_running_it(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path, digest = _tracked_copy(cache, tmp_path)
    entry = _entry(cache)
    # A well-formed entry (right header and digest) whose payload calls os.system.
    payload = pickle.dumps(Boom())
    header = entry.read_bytes().split(b"\n", 1)[0] + b"\n"
    _damage(entry, header + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    assert cached_workflow(digest) is None
    assert not (tmp_path / "pwned").exists()
    # An entry that holds something other than a workflow is no workflow either.
    keep_workflow(digest, load(path).workflow.phases[next(iter(load(path).workflow.phases))])
    assert cached_workflow(digest) is None


def test_a_folder_or_entry_others_may_write_is_not_used(cache: Path, tmp_path: Path) -> None:
    _path, digest = _tracked_copy(cache, tmp_path)
    entry = _entry(cache)
    entry.chmod(0o622)
    assert cached_workflow(digest) is None
    entry.chmod(0o600)
    cache.chmod(0o777)
    assert cached_workflow(digest) is None
    cache.chmod(0o700)
    assert cached_workflow(digest) is not None


def test_the_cache_can_be_turned_off_and_a_missing_home_is_no_error(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_VARIABLE, "off")
    assert load_workflow(SHIPPED[0]).workflow == load(SHIPPED[0]).workflow
    assert not cache.exists()
    monkeypatch.delenv(CACHE_VARIABLE)
    monkeypatch.setattr(workflows, "_PARSED", {})
    (tmp_path / "xdg").write_text("a file where the cache folder would go")
    assert load_workflow(SHIPPED[0]).workflow == load(SHIPPED[0]).workflow


def test_only_the_newest_entries_are_kept(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lifecycle.tracking import workflow_cache

    monkeypatch.setattr(workflow_cache, "_KEPT", 3)
    workflow = load(SHIPPED[0]).workflow
    for number in range(5):
        keep_workflow(f"{number:064x}", workflow)
        entry = max(cache.glob("*.pickle"), key=lambda e: e.stat().st_mtime_ns)
        os.utime(entry, ns=(number * 10**9, number * 10**9))
    assert [cached_workflow(f"{n:064x}") is not None for n in range(5)] == [False, False, True, True, True]

"""Every kind of bad input gets one located line, exit 1 and no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_run import run_cli

from lifecycle.diagnostics import LoadError
from lifecycle.loader import load, loads
from lifecycle.safe_yaml import MAX_ALIAS_NODES

VALID = """\
id: demo
title: Demo partnership
organizations:
  plan: {name: Riverside Health Plan, kind: payer, point_of_contact: plan-poc}
  cbo: {name: Eastside Aging Services, kind: cbo}
people:
  jlee: {name: Jordan Lee, org: plan}
roles:
  plan-poc: {org: plan, title: Partnership point of contact, held_by: [jlee]}
phases:
  scoping:
    title: Scoping
    tasks:
      define-roles:
        title: Define roles by process mapping
        owner: plan-poc
"""


def problems(text: str) -> list[tuple[int, int, str, str]]:
    with pytest.raises(LoadError) as info:
        loads(text, "w.yaml")
    return [(d.location.line, d.location.column, d.code, d.message) for d in info.value.diagnostics]


def only(text: str) -> tuple[int, int, str, str]:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def test_valid_file_loads():
    doc = loads(VALID, "w.yaml")
    assert doc.workflow.tasks()["define-roles"].owner == ["plan-poc"]


def test_duplicate_key_points_at_second_key():
    text = VALID.replace("people:\n", "people:\n  jlee: {name: Jo, org: plan}\n")
    assert only(text) == (8, 3, "E102", "duplicate key 'jlee' (first defined on line 7)")


def test_unknown_role_reference_points_at_reference():
    text = VALID.replace("owner: plan-poc", "owner: plan-pco")
    line, column, code, message = only(text)
    assert (line, column, code) == (16, 16, "E301")
    assert message == "task 'define-roles': owner role 'plan-pco' is not a defined role"
    with pytest.raises(LoadError) as info:
        loads(text)
    assert info.value.diagnostics[0].hint == "did you mean 'plan-poc'?"


def test_unknown_predecessor_in_a_list():
    text = VALID + "        after: [define-roles, site-vist]\n"
    line, column, code, message = only(text)
    assert (line, column, code) == (17, 31, "E301")
    assert "predecessor task 'site-vist' is not a defined task" in message


def test_reference_to_the_wrong_kind_says_what_it_is():
    text = VALID.replace("owner: plan-poc", "owner: jlee")
    assert "owner role 'jlee' is a person, not a role" in only(text)[3]


def test_misspelled_field_suggests_the_right_one():
    text = VALID.replace("        title: Define", "        titel: Define")
    found = problems(text)
    assert (15, 9, "E201", "unknown field 'titel' in task 'define-roles'") in found
    assert (14, 7, "E203", "task 'define-roles' is missing required field 'title'") in found
    with pytest.raises(LoadError) as info:
        loads(text)
    hints = {d.code: d.hint for d in info.value.diagnostics}
    assert hints["E201"] == "did you mean 'title'?"


def test_wrong_type_points_at_value():
    text = VALID.replace("kind: payer", "kind: [payer]")
    line, column, code, message = only(text)
    assert (line, column, code) == (4, 45, "E202")
    assert message.startswith("organization 'plan': kind should be")


def test_bad_enum_value_suggests_the_closest():
    text = VALID.replace("kind: cbo", "kind: cbos")
    with pytest.raises(LoadError) as info:
        loads(text)
    (d,) = info.value.diagnostics
    assert (d.location.line, d.location.column, d.code) == (5, 46, "E202")
    assert d.hint == "did you mean 'cbo'?"


def test_yaml_typed_scalar_where_text_expected_hints_quotes():
    text = VALID.replace("title: Scoping", "title: 2024-01-01")
    with pytest.raises(LoadError) as info:
        loads(text)
    (d,) = info.value.diagnostics
    assert (d.location.line, d.location.column, d.code) == (12, 12, "E202")
    assert d.hint == "YAML read this as a non-text value; put it in quotes"


def test_invalid_id_points_at_key():
    text = VALID.replace("  jlee: {name", "  J Lee: {name")
    found = problems(text)
    assert found[0][:3] == (7, 3, "E204")


def test_tab_indentation():
    text = VALID.replace("    title: Scoping", "\ttitle: Scoping")
    assert only(text) == (12, 1, "E103", "tab character used for indentation")


def test_python_object_tag_is_refused():
    text = VALID + "summary: !!python/object/apply:os.system ['echo hacked']\n"
    line, column, code, message = only(text)
    assert (line, column, code) == (17, 10, "E104")
    assert "python/object/apply:os.system" in message


def test_alias_bomb_is_refused_as_soon_as_the_budget_is_spent():
    # Expanded, line 9 would be 9**9 (387 million) strings. The aliases on lines 2 to 5 add
    # 90, 819, 7,380 and 66,429 nodes: 74,718 in all. The first *e on line 6 adds 66,430 more
    # and crosses the 100,000-node budget, so that alias, and no later one, must be refused.
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    message = f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes"
    assert only("\n".join(lines) + "\n") == (6, 8, "E105", message)


def test_recursive_alias_is_refused():
    assert only("a: &x [1, *x]\n")[2] == "E105"


def test_merge_keys_are_refused():
    text = "base: &b {name: X}\norg:\n  <<: *b\n"
    assert only(text)[:3] == (3, 3, "E104")


def test_deep_nesting_is_refused_without_crashing():
    depth = 100_000
    line, _column, code, _ = only("[" * depth + "]" * depth)
    assert code == "E111" and line == 1


def test_empty_file(write):
    path = write("# only a comment\n")
    with pytest.raises(LoadError) as info:
        load(path)
    (d,) = info.value.diagnostics
    assert d.code == "E107" and d.location.file == str(path)


def test_binary_file(tmp_path):
    path = tmp_path / "image.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(LoadError) as info:
        load(path)
    (d,) = info.value.diagnostics
    assert (d.code, d.location.line) == ("E108", 3)


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: demo\ntitle: Se\xf1ora\n".encode("latin-1"))
    with pytest.raises(LoadError) as info:
        load(path)
    (d,) = info.value.diagnostics
    assert (d.code, d.location.line, d.location.column) == ("E109", 2, 10)


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    before = bytes_read()
    with pytest.raises(LoadError) as info:
        load(path)
    assert bytes_read() - before < 1024 * 1024  # not the 16 MB the limit would let a read take
    (d,) = info.value.diagnostics
    assert d.code == "E106" and d.message == "file is 50.0 MB, over the 16.0 MB limit"


def bytes_read() -> int:
    """Bytes this process has read through system calls so far (Linux's ``rchar``)."""
    found = re.search(r"^rchar: (\d+)$", Path("/proc/self/io").read_text(encoding="ascii"), re.M)
    assert found, "/proc/self/io has no rchar line"
    return int(found.group(1))


def test_top_level_list():
    assert only("- a\n- b\n")[:3] == (1, 1, "E110")


def test_syntax_error_is_located():
    line, _column, code, message = only("id: demo\ntitle: [unclosed\n")
    assert code == "E101" and line == 3
    assert message.startswith("YAML syntax error")


def test_missing_file_and_directory(tmp_path):
    for target in (tmp_path / "nope.yaml", tmp_path):
        with pytest.raises(LoadError) as info:
            load(target)
        assert info.value.diagnostics[0].code == "E100"


def test_duplicate_task_ids_across_phases():
    text = VALID + "  launch:\n    title: Pre-launch\n    tasks:\n      define-roles: {title: Again}\n"
    line, column, code, message = only(text)
    assert (line, column, code) == (20, 7, "E302")
    assert message == "task 'define-roles': task id 'define-roles' is used again in phase 'launch'"


@pytest.mark.parametrize(
    "content",
    [
        "id: demo\nid: again\n",
        "\tid: demo\n",
        "x: !!python/object:os.system {}\n",
        "",
        "id: [\n",
    ],
)
def test_cli_prints_one_line_per_problem_and_no_traceback(tmp_path, content):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    lines = out.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(str(path) + ":")


def test_size_limit_can_be_raised_for_big_networks(tmp_path, monkeypatch):
    path = tmp_path / "network.yaml"
    path.write_text(VALID + "summary: " + "x" * 2_000_000 + "\n", encoding="utf-8")
    monkeypatch.setenv("LIFECYCLE_MAX_MB", "1")
    with pytest.raises(LoadError) as info:
        load(path)
    (d,) = info.value.diagnostics
    assert d.code == "E106" and "over the 1.0 MB limit" in d.message
    assert d.hint == "for a workflow that big, raise the limit with LIFECYCLE_MAX_MB=<megabytes>"
    monkeypatch.setenv("LIFECYCLE_MAX_MB", "3")
    assert load(path).workflow.id == "demo"


def test_a_bad_size_limit_setting_is_one_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "w.yaml"
    path.write_text(VALID, encoding="utf-8")
    monkeypatch.setenv("LIFECYCLE_MAX_MB", "lots")
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "LIFECYCLE_MAX_MB: error E106: must be a positive number of megabytes, not 'lots'"
    )


@pytest.mark.parametrize("setting", ["inf", "-inf", "nan", "0", "-3"])
def test_a_size_limit_that_is_not_a_finite_positive_number_is_refused(tmp_path, monkeypatch, setting):
    path = tmp_path / "w.yaml"
    path.write_text(VALID, encoding="utf-8")
    monkeypatch.setenv("LIFECYCLE_MAX_MB", setting)
    with pytest.raises(LoadError, match=f"E106: must be a positive number of megabytes, not '{setting}'"):
        load(path)

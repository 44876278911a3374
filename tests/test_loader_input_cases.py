"""Input that once crashed the loader or was wrongly accepted: each gives one
located error and exit 1 (found by fuzzing the loader, issue 11)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecycle.cli import main
from lifecycle.diagnostics import Diagnostic, LoadError
from lifecycle.loader import loads

VALID = """\
id: demo
title: Demo partnership
organizations:
  plan: {name: Riverside Health Plan, kind: payer, point_of_contact: plan-poc}
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
escalations:
  member-issue: {title: Member issue, trigger: Unresolved, levels: [plan-poc], response_time: 2 days}
"""


def edit(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


def diagnostics(text: str) -> list[Diagnostic]:
    with pytest.raises(LoadError) as info:
        loads(text, "w.yaml")
    return info.value.diagnostics


def only(text: str) -> Diagnostic:
    (found,) = diagnostics(text)
    return found


def where(found: Diagnostic) -> tuple[int, int, str]:
    return found.location.line, found.location.column, found.code


CASES = {
    "bool tag on text": (edit("title: Demo partnership", "title: !!bool foo"), (2, 8, "E112")),
    "timestamp tag on text": (edit("title: Demo partnership", "title: !!timestamp x"), (2, 8, "E112")),
    "int tag on nothing": (edit("title: Demo partnership", "title: !!int ''"), (2, 8, "E112")),
    "int tag on a dash": (edit("title: Demo partnership", "title: {a: !!int -}"), (2, 12, "E112")),
    "float tag on nothing": (edit("title: Demo partnership", "title: !!float ''"), (2, 8, "E112")),
    "format true": ("format: true\n" + VALID, (1, 9, "E202")),
    "no organizations": (
        edit("  plan: {name: Riverside Health Plan, kind: payer, point_of_contact: plan-poc}\n", "").replace(
            "organizations:\n", "organizations: {}\n"
        ),
        (3, 16, "E202"),
    ),
    "blank title": (edit("title: Demo partnership", "title: '  '"), (2, 8, "E202")),
    "control character": (edit("title: Scoping", 'title: "Scop\\ting\\x07"'), (11, 12, "E202")),
    "reserved phase id": (edit("  scoping:\n", "  completed:\n"), (10, 3, "E303")),
    "comma in flow text": (
        edit("jlee: {name: Jordan Lee, org: plan}", "jlee: {name: Lee, Jordan, org: plan}"),
        (6, 21, "E201"),
    ),
    "bad due": (VALID.replace("owner: plan-poc", "owner: plan-poc\n        due: soon"), (16, 14, "E202")),
    "bad response time": (edit("response_time: 2 days", "response_time: fast"), (17, 95, "E202")),
    "boolean as id": (edit("owner: plan-poc", "owner: yes"), (15, 16, "E202")),
    "number as id in a list": (edit("held_by: [jlee]", "held_by: [12]"), (8, 72, "E202")),
    "date that does not exist": (edit("title: Scoping", "title: 2026-13-45"), (11, 12, "E112")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_is_one_located_error(case: str) -> None:
    text, expected = CASES[case]
    assert where(only(text)) == expected


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_exits_1_with_one_located_line(case: str, tmp_path, capsys) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(CASES[case][0], encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["validate", str(path)])
    assert exited.value.code == 1
    captured = capsys.readouterr()
    out = (captured.out + captured.err).strip().splitlines()
    line, column, code = CASES[case][1]
    assert len(out) == 1, out
    assert out[0].startswith(f"{path}:{line}:{column}: error {code}: ")
    assert "Traceback" not in captured.err


def test_numbers_and_booleans_as_keys_are_ids_not_duplicates() -> None:
    text = edit("people:\n", "people:\n  1: {name: Ana, org: plan}\n  true: {name: Ben, org: plan}\n")
    text = text.replace("  no: x\n", "")
    workflow = loads(text.replace("people:\n", "people:\n  no: {name: Noor, org: plan}\n", 1)).workflow
    assert {"1", "true", "no", "jlee"} == set(workflow.people)


def test_a_key_twice_as_text_is_still_a_duplicate() -> None:
    text = edit("people:\n", "people:\n  1: {name: Ana, org: plan}\n  '1': {name: Ben, org: plan}\n")
    found = only(text)
    assert where(found) == (7, 3, "E102")
    assert found.message == "duplicate key '1' (first defined on line 6)"


def test_explicit_tags_say_what_they_expect() -> None:
    found = only(edit("title: Demo partnership", "title: !!bool foo"))
    assert found.message == "'foo' is not a boolean, as its tag !!bool says"
    assert found.hint == "write true or false, or remove the tag"


def test_empty_organizations_say_one_is_needed() -> None:
    found = only(CASES["no organizations"][0])
    assert found.message == "workflow: organizations is empty; at least one organization is needed"


def test_format_true_is_not_version_1() -> None:
    found = only(CASES["format true"][0])
    assert found.message == "workflow: format should be the format version 1, not a boolean"
    assert found.hint == "write format: 1"


def test_blank_and_control_characters_are_named() -> None:
    assert only(CASES["blank title"][0]).message == "workflow: title is blank"
    found = only(CASES["control character"][0])
    assert found.message == "phase 'scoping': title contains the control character U+0007 at character 9"
    assert "tabs" in (found.hint or "")


def test_tabs_and_line_breaks_in_text_are_fine() -> None:
    text = edit("title: Scoping", 'title: "Scoping\\tand\\nagreeing"')
    assert loads(text).workflow.phases["scoping"].title == "Scoping\tand\nagreeing"


def test_a_comma_in_flow_text_gets_the_quoting_hint() -> None:
    found = only(CASES["comma in flow text"][0])
    assert found.message == "unknown field 'Jordan' in person 'jlee'"
    assert found.hint == 'a comma ends a value inside {...}: quote the whole text, name: "Lee, Jordan"'


def test_patterns_are_said_in_words_with_an_example() -> None:
    due = only(CASES["bad due"][0]).message
    assert due == (
        "task 'define-roles': due 'soon' is not a deadline: write a number of days, weeks or months "
        "before or after a milestone (partner identified, contract signed, contract start, launch, "
        "contract end, end of year N), 'at' a milestone, or a date YYYY-MM-DD, e.g. '120 days before "
        "contract end' or '2026-09-01'"
    )
    response = only(CASES["bad response time"][0]).message
    assert response == (
        "escalation path 'member-issue': response_time 'fast' is not a response time: a number of "
        "hours, days, business days or weeks, e.g. '2 business days'"
    )
    owner = only(edit("owner: plan-poc", "owner: Plan-POC"))
    assert "'Plan-POC' is not an id: lowercase letters" in owner.message
    assert "\\d" not in due + response + owner.message


def test_an_unquoted_date_as_due_is_an_absolute_deadline() -> None:
    text = VALID.replace("owner: plan-poc", "owner: plan-poc\n        due: 2026-09-01")
    task = loads(text, "w.yaml").workflow.tasks()["define-roles"]
    assert task.deadline is not None and str(task.deadline) == "2026-09-01"


def test_booleans_and_numbers_where_an_id_is_meant_get_the_quoting_hint() -> None:
    for case in ("boolean as id", "number as id in a list"):
        assert only(CASES[case][0]).hint == "YAML read this as a non-text value; put it in quotes"
    assert only(CASES["boolean as id"][0]).message == (
        "task 'define-roles': owner should be text, but YAML reads it as a boolean (true)"
    )
    assert only(CASES["number as id in a list"][0]).message == (
        "role 'plan-poc': held_by should be text, but YAML reads it as a number (12)"
    )


def test_a_field_left_empty_says_so() -> None:
    found = only(edit("title: Demo partnership", "title:"))
    assert (where(found), found.message) == ((2, 7, "E202"), "workflow: title has no value")


def test_an_invalid_id_key_is_described_and_a_fix_suggested() -> None:
    found = only(edit("  jlee: {name", "  J Lee: {name"))
    assert where(found) == (6, 3, "E204")
    assert found.message == "invalid id 'J Lee': it has characters an id cannot have"
    assert found.hint is not None and found.hint.endswith("for example 'j-lee'")


def test_a_raw_control_character_is_located() -> None:
    found = only(edit("title: Demo partnership", "title: Demo\x1fpartnership"))
    assert where(found) == (2, 12, "E101")
    assert found.message == "YAML does not allow the control character U+001F"


def test_the_reserved_phase_id_says_why() -> None:
    found = only(CASES["reserved phase id"][0])
    assert "reserved" in found.message and "after the last phase" in found.message


TAGS = st.sampled_from(
    ["!!bool", "!!int", "!!float", "!!null", "!!timestamp", "!!str", "!", "!local", "!!binary", "!!set"]
) | st.from_regex(r"!!?[a-z/:]{0,10}", fullmatch=True)
SCALAR_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
) | st.sampled_from(["", "-", "+", "_", ".", "0x", "0b", "0o", "1_", "1:2", "1e", "2026-13-45", "~", "yes"])


@settings(max_examples=300, deadline=None)
@given(tag=TAGS, value=SCALAR_TEXT, place=st.sampled_from(["value", "flow value", "key", "list item"]))
def test_arbitrary_tagged_scalars_never_crash(tag: str, value: str, place: str) -> None:
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    node = f"{tag} {quoted}"
    text = {
        "value": edit("title: Demo partnership", f"title: {node}"),
        "flow value": edit("title: Demo partnership", f"title: {{a: {node}}}"),
        "key": edit("people:\n", f"people:\n  {node}: {{name: Ana, org: plan}}\n"),
        "list item": edit("held_by: [jlee]", f"held_by: [jlee, {node}]"),
    }[place]
    try:
        loads(text, "w.yaml")
    except LoadError as error:
        assert error.diagnostics
        assert all(d.location.line >= 1 and d.code.startswith("E") for d in error.diagnostics)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("owner: plan-poc", "owner: plan-poc\n        due: 30", "due '30' is not a deadline"),
        ("response_time: 2 days", "response_time: 24", "response_time '24' is not a response time"),
    ],
)
def test_a_number_where_parsed_text_is_meant_is_not_told_to_add_quotes(
    old: str, new: str, message: str
) -> None:
    found = only(edit(old, new))
    assert message in found.message
    assert found.hint is None

"""``lifecycle import bpmn`` on bad input: one located line, exit 1, nothing written, and
no entity ever expanded or fetched."""

from __future__ import annotations

import tempfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecycle.cli import main
from lifecycle.diagnostics import LoadError
from lifecycle.interchange.bpmn_export import xml_safe
from lifecycle.interchange.bpmn_import import import_bpmn, workflow_yaml
from lifecycle.loader import loads
from lifecycle.model import without_control_characters

MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="p" name="Referral">
    <bpmn:startEvent id="s"/>
    <bpmn:userTask id="t" name="{name}"/>
    <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="t"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _import(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    source = tmp_path / "in.bpmn"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["import", "bpmn", str(source), "-o", str(tmp_path / "out.yaml")])
    out, err = capsys.readouterr()
    code = done.value.code
    assert isinstance(code, int)
    return code, out, err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "<definitions><process></definitions>",
            ":1:37: error B101: not well-formed XML: Opening and ending tag mismatch",
        ),
        (
            "<?xml version='1.0'?>\n\n<workflow/>",
            ":3:1: error B102: not a BPMN 2.0 file: the root element is 'workflow'",
        ),
        ("", ":1:1: error B101: not well-formed XML"),
        ("\x00\x01binary", "error B101: not well-formed XML"),
        (
            '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            + MINIMAL.split("\n", 1)[1].replace(
                '"{name}"/>', '"t"><bpmn:documentation>&x;</bpmn:documentation></bpmn:userTask>'
            ),
            ":1:1: error B103: a DOCTYPE is not allowed",
        ),
        (
            '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            + MINIMAL.split("\n", 1)[1].replace("{name}", "&x;"),
            ":5:36: error B101: not well-formed XML: Attribute references external entity 'x'",
        ),
        (
            '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
            + MINIMAL.split("\n", 1)[1].replace("{name}", "&c;"),
            ":1:1: error B103: a DOCTYPE is not allowed",
        ),
    ],
    ids=[
        "mismatched-tag",
        "not-bpmn",
        "empty",
        "binary",
        "external-entity",
        "entity-in-attribute",
        "expansion",
    ],
)
def test_bad_files_are_one_located_line_and_exit_1(
    text: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _import(tmp_path, text, capsys)
    assert code == 1
    assert err.strip().count("\n") == 0, err
    assert expected in err
    assert "root:" not in err and "Traceback" not in err
    assert not (tmp_path / "out.yaml").exists()


def test_missing_and_oversized_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(LoadError, match="E100: no such file"):
        import_bpmn(tmp_path / "nope.bpmn")
    monkeypatch.setenv("LIFECYCLE_MAX_MB", "0.0001")
    code, _, err = _import(tmp_path, MINIMAL.format(name="x" * 200), capsys)
    assert code == 1 and "E106" in err and "over the" in err


def test_a_single_process_without_pools_imports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _import(tmp_path, MINIMAL.format(name="Screen the member"), capsys)
    assert code == 0, out
    text = (tmp_path / "out.yaml").read_text(encoding="utf-8")
    assert "screen-the-member:" in text and "title: Screen the member" in text
    assert "wrote" in out and "1 task" in out
    assert "note: organization 'referral' (Referral): kind unknown" in out


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=40))
def test_any_task_name_imports_to_a_file_that_loads(name: str) -> None:
    text = MINIMAL.replace('"{name}"', quoteattr(xml_safe(name)))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.bpmn"
        source.write_text(text, encoding="utf-8")
        workflow = loads(workflow_yaml(import_bpmn(source), str(source))).workflow
    (task,) = workflow.tasks().values()
    # XML refuses some control characters, the workflow format more: both become U+FFFD;
    # a blank name is no name, and the task's id stands in.
    cleaned = without_control_characters(xml_safe(name))
    assert task.title == (cleaned if cleaned.strip() else next(iter(workflow.tasks())))


NESTED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:collaboration id="c1"><bpmn:participant id="p1" name="Hub" processRef="p" /></bpmn:collaboration>
  <bpmn:collaboration id="c2" />
  <bpmn:process id="p">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="ops" name="Operations">
        <bpmn:childLaneSet id="cls">
          <bpmn:lane id="intake" name="Intake"><bpmn:flowNodeRef>t</bpmn:flowNodeRef></bpmn:lane>
        </bpmn:childLaneSet>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:userTask id="t" name="Log the referral"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_nested_lanes_and_a_second_collaboration_are_said(tmp_path: Path) -> None:
    source = tmp_path / "nested.bpmn"
    source.write_text(NESTED, encoding="utf-8")
    imported = import_bpmn(source)
    assert [(s.element, s.kind, s.line) for s in imported.skipped] == [("c2", "bpmn:collaboration", 4)]
    assert any("lane ops (Operations) holds lanes" in note for note in imported.notes)
    assert imported.data["roles"] == {"intake": {"org": "hub", "title": "Intake"}}

"""Export to BPMN then import: any text the model accepts, tabs and line breaks
included, comes back as written. Regression: a task's source holding a line break
was not found again in the exported documentation, so the import lost the source
and put the whole documentation, ``Source:`` line and all, in the notes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from model_text import model_text
from test_bpmn_export import _hostile
from test_bpmn_roundtrip import _round_trip

from lifecycle.model import Workflow


def _texts(workflow: Workflow) -> dict[str, str | None]:
    task = workflow.tasks()["a"]
    return {
        "workflow title": workflow.title,
        "organization name": workflow.organizations["plan"].name,
        "role title": workflow.roles["poc"].title,
        "phase title": workflow.phases["p"].title,
        "task title": task.title,
        "handoff passes": workflow.handoffs["h"].passes,
        # The import trims a documentation's surrounding white space (modelers pad it).
        "task notes": task.notes.strip() if task.notes else None,
        "task source": task.source.strip() if task.source else None,
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(model_text(max_size=60))
def test_any_text_comes_back_from_a_bpmn_round_trip(tmp_path: Path, text: str) -> None:
    original = _hostile(text)
    assert _texts(_round_trip(original, tmp_path)) == _texts(original)


def test_a_source_over_several_lines_comes_back_as_the_source(tmp_path: Path) -> None:
    original = _hostile("Seed document §3,\n\npage 4")
    task = _round_trip(original, tmp_path).tasks()["a"]
    assert (task.notes, task.source) == ("Seed document §3,\n\npage 4", "Seed document §3,\n\npage 4")

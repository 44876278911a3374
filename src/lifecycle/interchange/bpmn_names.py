"""The names both directions of the BPMN mapping agree on: namespaces and id prefixes.

An exported element's id is its lifecycle id behind a prefix that names its kind
(``Task_co-design-referral``, ``Lane_plan-poc``), because BPMN ids share one
space and must be XML names, while lifecycle keeps tasks, roles and
organizations apart and lets an id start with a digit. The import strips the
prefix again, so ids survive a round trip.
"""

from __future__ import annotations

__all__ = [
    "BPMN",
    "BPMNDI",
    "DC",
    "DI",
    "LIFECYCLE",
    "NSMAP",
    "PREFIX",
    "XSI",
    "movers_from_text",
    "movers_text",
    "strip_prefix",
]

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LIFECYCLE = "urn:lifecycle:bpmn:1"
"""Extension elements for what BPMN has no word for: RACI, channels, phases, stages."""

NSMAP = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI, "lc": LIFECYCLE}

PREFIX = {
    "collaboration": "Collaboration_",
    "participant": "Participant_",
    "process": "Process_",
    "laneset": "LaneSet_",
    "lane": "Lane_",
    "task": "Task_",
    "exit": "Exit_",
    "start": "Start_",
    "end": "End_",
    "gate": "Gate_",
    "split": "Split_",
    "join": "Join_",
    "flow": "Flow_",
    "handoff": "Handoff_",
    "annotation": "Annotation_",
    "diagram": "Diagram_",
    "plane": "Plane_",
}
"""The id prefix of each kind of exported element."""


def strip_prefix(kind: str, element_id: str) -> str | None:
    """The lifecycle id inside ``element_id`` if it carries ``kind``'s prefix, else None.

    Examples
    --------
    >>> strip_prefix("task", "Task_co-design-referral")
    'co-design-referral'
    >>> strip_prefix("task", "Activity_0x1abc") is None
    True
    """
    prefix = PREFIX[kind]
    return element_id[len(prefix) :] if element_id.startswith(prefix) else None


def movers_text(moved_by: dict[str, list[str]]) -> str | None:
    """A step's or exit's ``moved_by`` as one ``lc:`` attribute value:
    ``cancelled:plan-referrer,cbo-intake failed:cbo-intake`` (ids hold none of
    ``:``, ``,`` or spaces); None when it names no movers.

    Examples
    --------
    >>> movers_text({"cancelled": ["plan", "cbo"], "failed": ["cbo"]})
    'cancelled:plan,cbo failed:cbo'
    >>> movers_from_text(movers_text({"cancelled": ["plan", "cbo"]}))
    {'cancelled': ['plan', 'cbo']}
    """
    if not moved_by:
        return None
    return " ".join(f"{target}:{','.join(actors)}" for target, actors in moved_by.items())


def movers_from_text(text: str | None) -> dict[str, list[str]]:
    """The ``moved_by`` mapping written by :func:`movers_text`."""
    found: dict[str, list[str]] = {}
    for part in (text or "").split():
        target, _, actors = part.partition(":")
        found[target] = [a for a in actors.split(",") if a]
    return found

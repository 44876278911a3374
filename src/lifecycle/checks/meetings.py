"""Standing meetings: the joint operating committee, case conferencing and how
each is prepared and led.

The seed: "all contracts should have designated meetings to work through
member-specific conversations", and of the JOC: "the parties should meet monthly
at a standing time"; "Shared leadership responsibilities from the payer and CBO
at JOC meetings underscores the collaborative nature and shared accountability
of the partnership."
"""

from __future__ import annotations

from collections.abc import Iterator

from lifecycle.checks.facts import Facts
from lifecycle.checks.registry import Finding, rule
from lifecycle.diagnostics import Severity
from lifecycle.model import Meeting, OrgKind, PhaseKind

__all__: list[str] = []

_PREPARED = frozenset({"joc", "case-conferencing", "partnership"})


def _jocs(facts: Facts) -> Iterator[tuple[str, Meeting]]:
    for mid, meeting in facts.workflow.meetings.items():
        if meeting.kind == "joc":
            yield mid, meeting


@rule(
    "DATA008",
    "joc-not-monthly",
    Severity.WARNING,
    hint="set cadence: monthly",
)
def joc_not_monthly(facts: Facts) -> Iterator[Finding]:
    """A joint operating committee does not meet monthly."""
    for mid, meeting in _jocs(facts):
        if meeting.cadence != "monthly":
            said = f"meets {meeting.cadence}" if meeting.cadence else "has no cadence"
            yield Finding(
                ("meetings", mid, "cadence") if meeting.cadence else ("meetings", mid),
                f"joint operating committee {mid!r} {said}; the seed's best practice is monthly",
                mid,
            )


@rule(
    "DATA009",
    "joc-chaired-by-one-party",
    Severity.WARNING,
    hint="add a chair from the other party: chair: [plan-role, cbo-role]",
)
def joc_chaired_by_one_party(facts: Facts) -> Iterator[Finding]:
    """A joint operating committee is chaired by one organization alone."""
    for mid, meeting in _jocs(facts):
        orgs = sorted({org for chair in meeting.chair if (org := facts.org_of(chair)) is not None})
        if len(orgs) < 2:
            who = f"only by {orgs[0]!r}" if orgs else "by nobody"
            yield Finding(
                ("meetings", mid, "chair") if meeting.chair else ("meetings", mid),
                f"joint operating committee {mid!r} is chaired {who}; leadership is not shared",
                mid,
            )


@rule(
    "DATA010",
    "joc-without-leaders",
    Severity.WARNING,
    hint="list the executive sponsors or other leaders who join under leaders:",
)
def joc_without_leaders(facts: Facts) -> Iterator[Finding]:
    """No leaders are expected at a joint operating committee."""
    for mid, meeting in _jocs(facts):
        if not meeting.leaders:
            yield Finding(
                ("meetings", mid), f"joint operating committee {mid!r} names no leaders who join it", mid
            )


@rule(
    "DATA011",
    "no-case-conferencing",
    Severity.WARNING,
    hint="add a meeting with kind: case-conferencing",
)
def no_case_conferencing(facts: Facts) -> Iterator[Finding]:
    """A partnership that serves members has no case-conferencing meeting."""
    workflow = facts.workflow
    kinds = {org.kind for org in workflow.organizations.values()}
    serves = workflow.journeys or any(p.kind is PhaseKind.IMPLEMENTATION for p in workflow.phases.values())
    contract = OrgKind.PAYER in kinds and kinds & {OrgKind.CBO, OrgKind.CCH}
    if serves and contract and not any(m.kind == "case-conferencing" for m in workflow.meetings.values()):
        yield Finding(
            ("meetings",),
            "the partnership has no case-conferencing meeting for member-specific conversations",
        )


@rule(
    "DATA012",
    "meeting-without-inputs",
    Severity.WARNING,
    hint="list what is prepared (member lists, unresolved issues) under inputs: as artifacts or handoffs",
)
def meeting_without_inputs(facts: Facts) -> Iterator[Finding]:
    """A partnership meeting names nothing to prepare before it."""
    for mid, meeting in facts.workflow.meetings.items():
        if meeting.kind in _PREPARED and not meeting.inputs:
            yield Finding(("meetings", mid), f"meeting {mid!r} names no inputs to prepare beforehand", mid)


@rule(
    "DATA017",
    "meeting-without-template",
    Severity.INFO,
    hint="name the artifact that gives its standard format under template:",
)
def meeting_without_template(facts: Facts) -> Iterator[Finding]:
    """A partnership meeting has no standard format (agenda, slide deck or report template)."""
    for mid, meeting in facts.workflow.meetings.items():
        if meeting.kind in _PREPARED and meeting.template is None:
            yield Finding(
                ("meetings", mid), f"meeting {mid!r} names no template artifact for its standard format", mid
            )

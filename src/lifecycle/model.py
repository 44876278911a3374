"""The workflow vocabulary: organizations, people, roles, phases, tasks, gates,
handoffs, member journeys, escalation paths, meetings and data exchanges.

These pydantic models are the single definition of the workflow file format.
They do no I/O: :mod:`lifecycle.loader` turns YAML into them and checks the
cross-references, and the JSON Schema they generate (``lifecycle schema``) lets
editors autocomplete and validate workflow files as a facilitator types.

Collections are mappings keyed by id, so a hand-written file reads like the
facilitator's notes::

    roles:
      plan-poc: {org: plan, title: Partnership point of contact, held_by: [jlee]}
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from lifecycle.machine import COMPLETED

__all__ = [
    "DUE_FORMS",
    "ID_PATTERN",
    "PATTERNS",
    "RESERVED_PHASE_IDS",
    "RESPONSE_TIME_PATTERN",
    "RULE_CODE_PATTERN",
    "SECURE_CHANNELS",
    "Artifact",
    "Body",
    "Channel",
    "Consent",
    "Criterion",
    "DataExchange",
    "DecisionRule",
    "Due",
    "EscalationPath",
    "ExitKind",
    "Gate",
    "Handoff",
    "HubFunction",
    "Journey",
    "JourneyExit",
    "JourneyKind",
    "JourneyStep",
    "Meeting",
    "Milestone",
    "OrgKind",
    "Organization",
    "Pattern",
    "Person",
    "Phase",
    "PhaseKind",
    "PlanFunction",
    "PortalUse",
    "ReadinessItem",
    "Recurrence",
    "Ref",
    "ReplacementRule",
    "Role",
    "Seat",
    "SeatKind",
    "SeatRule",
    "Stage",
    "Suppression",
    "Task",
    "TestedWorkflow",
    "Workflow",
    "without_control_characters",
]

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
"""Ids are lowercase words joined by hyphens or underscores (``plan-poc``)."""

RESPONSE_TIME_PATTERN = r"^\d{1,4}\s*(hours?|h|business days?|days?|d|weeks?)$"
"""An escalation level's response time: ``2 business days``, ``24 hours``."""

RULE_CODE_PATTERN = r"^[A-Z]+[0-9]+$"
"""A check rule's code: ``SPF002``."""


@dataclass(frozen=True)
class Pattern:
    """What a text pattern of the format asks for, in words, with an example."""

    words: str
    example: str


PATTERNS = {
    ID_PATTERN: Pattern(
        "an id: lowercase letters, digits, '-' and '_', starting with a letter or digit", "plan-poc"
    ),
    RESPONSE_TIME_PATTERN: Pattern(
        "a response time: a number of hours, days, business days or weeks", "2 business days"
    ),
    RULE_CODE_PATTERN: Pattern("a rule code: capital letters and digits", "SPF002"),
}
"""Each pattern of the format said in words, for error messages."""

RESERVED_PHASE_IDS = frozenset({COMPLETED})
"""Phase ids the lifecycle machine keeps for its own states."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters other than tab and line feed."""


def without_control_characters(text: str) -> str:
    """``text`` with every control character the format refuses replaced by U+FFFD,
    for text brought in from other tools (a BPMN file's names).

    Examples
    --------
    >>> without_control_characters("Screen\x7f the member")
    'Screen\ufffd the member'
    """
    return _CONTROL.sub("\ufffd", text)


def _no_control_characters(value: str) -> str:
    found = _CONTROL.search(value)
    if found is not None:
        raise PydanticCustomError(
            "control_character",
            "contains the control character U+{code} at character {position}",
            {"code": f"{ord(found.group()):04X}", "position": found.start() + 1},
        )
    return value


def _plain_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank_text", "is blank")
    return _no_control_characters(value)


class Ref:
    """Declares on a field that its value names other elements of the workflow by id::

        backup: Annotated[Id | None, Ref("role", what="backup")] = None

    The loader's reference checks and the rules that walk references
    (:func:`lifecycle.references.iter_references`) read these declarations, so a
    new reference field is declared here once and checked everywhere.

    Parameters
    ----------
    *kinds
        The kinds of element it may name: organization, person, role, artifact,
        task, handoff, phase; or, on a field of a journey, step and exit of that journey.
    what
        What messages call the reference ("owner role").
    duty
        For a reference that gives work to a role or person: what that actor
        does, a template with ``{item}`` (the id of the element holding the
        field), ``{parent}`` (the id of the element holding that one, such as a
        step's journey) and ``{position}`` (the place in a list, from 1).
    """

    __slots__ = ("duty", "kinds", "what")

    KINDS = frozenset(
        {"organization", "person", "role", "artifact", "task", "handoff", "phase", "body", "step", "exit"}
    )
    """Every kind of element a reference may name."""

    def __init__(self, *kinds: str, what: str, duty: str | None = None) -> None:
        unknown = set(kinds) - self.KINDS
        if not kinds or unknown:
            raise ValueError(f"Ref needs kinds from {sorted(self.KINDS)}, not {sorted(unknown) or 'none'}")
        if {"step", "exit"} & set(kinds) and not {"step", "exit"} >= set(kinds):
            raise ValueError(
                "a Ref names steps and exits of its journey, or elements of the workflow, not both"
            )
        self.kinds = kinds
        self.what = what
        self.duty = duty

    def __repr__(self) -> str:
        return f"Ref({', '.join(map(repr, self.kinds))}, what={self.what!r})"


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000), AfterValidator(_plain_text)]
"""Text that must say something: not blank, no control characters."""

Prose = Annotated[str, AfterValidator(_no_control_characters)]
"""Free-form text (notes, descriptions): line breaks and tabs, no other control characters."""


def _scalar_as_text(value: Any) -> Any:
    """For text the format parses (a deadline, a response time): YAML reads an
    unquoted ``2026-09-01`` or ``30`` as a date or a number, and quotes would not
    make it valid, so the parser's message should speak of the text instead."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _as_list(value: Any) -> Any:
    """Let a facilitator write ``owner: plan-poc`` for a one-item list."""
    if isinstance(value, str | bool | int | float | date):
        return [value]
    return value


def _one_or_many(item_schema: dict[str, Any]) -> Any:
    return WithJsonSchema({"anyOf": [item_schema, {"type": "array", "items": item_schema}]})


IdList = Annotated[
    list[Id], BeforeValidator(_as_list), _one_or_many({"type": "string", "pattern": ID_PATTERN})
]
"""A list of ids; a single id may be written without brackets."""

TextList = Annotated[list[Text], BeforeValidator(_as_list), _one_or_many({"type": "string"})]


class Item(BaseModel):
    """Base of every workflow item: unknown fields are errors, not surprises."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    source: Prose | None = None
    """Where this item comes from in the seed documents, e.g.
    ``"000 · Pre-launch activities › Establish effective communication pathways"``."""

    notes: Prose | None = None
    """Free-form notes from the facilitator."""


class OrgKind(StrEnum):
    """What kind of organization takes part in the partnership."""

    PAYER = "payer"
    HEALTH_SYSTEM = "health-system"
    CCH = "cch"
    CBO = "cbo"
    GOVERNMENT = "government"
    OTHER = "other"


class HubFunction(StrEnum):
    """The administrative functions the seed says community care hubs centralize."""

    BILLING = "billing"
    RECONCILIATION = "reconciliation"
    INCIDENT_ESCALATION = "incident-escalation"
    REFERRAL = "referral"
    DATA_SHARING = "data-sharing"
    CONTRACTING = "contracting"


class Organization(Item):
    """A party to the partnership: a health plan, a community care hub, a CBO."""

    name: Text
    """The organization's name as people say it."""

    kind: OrgKind
    """payer, health-system, cch (community care hub / network lead entity), cbo,
    government or other."""

    point_of_contact: Annotated[Id | None, Ref("role", what="point of contact")] = None
    """The role that is this organization's designated point of contact for the
    partnership. The seed asks for one point of contact from the health plan."""

    network: Annotated[Id | None, Ref("organization", what="network hub")] = None
    """For a CBO in a community care network: the hub (cch) it contracts through."""

    centralizes: list[HubFunction] | None = None
    """For a community care hub: the administrative functions it centralizes for
    its network (billing, reconciliation, incident-escalation, referral,
    data-sharing, contracting). Left out, a hub centralizes all of them, as the
    seed describes hubs."""


class Person(Item):
    """A named individual. People hold roles; an unofficial person holds none."""

    name: Text
    """The person's name (staff of a partner organization, never a member)."""

    org: Annotated[Id, Ref("organization", what="organization")]
    """The organization the person works for."""

    official: bool = True
    """False marks an informal "go-to" who is relied on without holding any
    designated role: a single point of failure the checks look for."""


class PlanFunction(StrEnum):
    """The health plan functions a partnership's work may intersect, as the seed
    names them."""

    ENROLLMENT = "enrollment"
    CARE_MANAGEMENT = "care-management"
    UTILIZATION_MANAGEMENT = "utilization-management"
    BILLING_AND_PAYMENT = "billing-and-payment"


class Role(Item):
    """A seat in an organization, held by one or more people."""

    org: Annotated[Id, Ref("organization", what="organization")]
    """The organization this role belongs to."""

    title: Text
    """The role's title, e.g. "Partnership point of contact"."""

    held_by: Annotated[IdList, Ref("person", what="holder")] = Field(default_factory=list)
    """The people who hold this role today."""

    backup: Annotated[Id | None, Ref("role", what="backup")] = None
    """The role that covers this seat: its holders (and those of its own backup,
    and so on) may act for this role at any time; the audit log records them as
    acting "as backup for" this role."""

    decision_authority: bool = False
    """True when people in this role can make binding decisions for their
    organization (an escalation path should end at such a role)."""

    description: Prose | None = None
    """What this role does in the partnership."""

    acts_for_anyone: bool = False
    """True for a role that may act in tracking for any other role (a
    partnership lead, a facilitator): its holders may start or finish anyone's
    task, move any member or escalation, but only with a stated reason, which
    the audit log keeps."""

    functions: list[PlanFunction] = Field(default_factory=list)
    """The health plan functions this role intersects: enrollment,
    care-management, utilization-management, billing-and-payment."""


class PhaseKind(StrEnum):
    """The six phases of a partnership's lifecycle named by the seed."""

    EXPLORATION = "exploration"
    SHARED_VISION = "shared-vision"
    SCOPING = "scoping"
    PRE_LAUNCH = "pre-launch"
    IMPLEMENTATION = "implementation"
    RENEWAL = "renewal"
    OTHER = "other"


class Stage(StrEnum):
    """The five stages of member interaction named by the seed."""

    IDENTIFICATION = "identification"
    ENGAGEMENT = "engagement"
    ENROLLMENT = "enrollment"
    SERVICE_PROVISION = "service-provision"
    SERVICE_COMPLETION = "service-completion"


class ReadinessItem(StrEnum):
    """The seed's pre-launch readiness items a launch gate should cover."""

    CREDENTIALING = "credentialing"
    STAFF_TRAINING = "staff-training"
    DATA_SECURITY_REVIEW = "data-security-review"
    TECHNOLOGY_ONBOARDING = "technology-onboarding"
    WORKFLOW_TESTING = "workflow-testing"
    PRE_PAYMENT_FUNDS = "pre-payment-funds"


class TestedWorkflow(StrEnum):
    """The workflows the seed asks to develop and test before launch: "workflows
    for referral, reporting and payment/billing"."""

    REFERRAL = "referral"
    REPORTING = "reporting"
    PAYMENT = "payment"


class Channel(StrEnum):
    """How work or information passes between roles or organizations."""

    PORTAL = "portal"
    SECURE_EMAIL = "secure-email"
    EMAIL = "email"
    SFTP = "sftp"
    API = "api"
    SPREADSHEET = "spreadsheet"
    ENCRYPTED_SPREADSHEET = "encrypted-spreadsheet"
    PHONE = "phone"
    FAX = "fax"
    MEETING = "meeting"
    MAIL = "mail"
    IN_PERSON = "in-person"


SECURE_CHANNELS = frozenset(
    {
        Channel.PORTAL,
        Channel.SECURE_EMAIL,
        Channel.SFTP,
        Channel.API,
        Channel.ENCRYPTED_SPREADSHEET,
        Channel.IN_PERSON,
    }
)
"""Channels fit to carry protected health information (PHI)."""


class Consent(StrEnum):
    """The decision on individual consent or authorization for a data exchange."""

    REQUIRED = "required"
    AUTHORIZATION = "authorization"
    NOT_REQUIRED = "not-required"


class Milestone(StrEnum):
    """The moments of a partnership a deadline can be anchored on, in the order
    they happen. ``end of year N`` (counted from contract start) is written with
    its number and is not listed here."""

    PARTNER_IDENTIFIED = "partner identified"
    CONTRACT_SIGNED = "contract signed"
    CONTRACT_START = "contract start"
    LAUNCH = "launch"
    CONTRACT_END = "contract end"


_MILESTONE_ORDER = {milestone: rank for rank, milestone in enumerate(Milestone)}

_DUE_RE = re.compile(
    r"^(?:(?P<n>\d{1,4})\s+(?P<unit>days?|weeks?|months?)\s+(?P<rel>before|after)\s+|(?:at|on)\s+)?"
    r"(?P<anchor>partner identified|contract signed|contract start|contract end|launch"
    r"|end of year (?P<year>[1-9]\d?))$"
)

DUE_FORMS = (
    "a number of days, weeks or months before or after a milestone (partner identified, contract "
    "signed, contract start, launch, contract end, end of year N), 'at' a milestone, or a date "
    "YYYY-MM-DD, e.g. '120 days before contract end' or '2026-09-01'"
)
"""The forms a ``due:`` may take, in words, for error messages and docs."""

_PER_UNIT = {"day": 1, "week": 7, "month": 30}
DueUnit = Literal["day", "week", "month"]
DueRelation = Literal["before", "after"]


@dataclass(frozen=True)
class Due:
    """A deadline: an offset from a milestone of the contract (``"120 days
    before contract end"``, ``"30 days after partner identified"``, ``"at end of
    year 1"``) or an absolute date (``2026-09-01``).

    A plain value, not a model: it is only ever built by :func:`parse_due` from
    text already matched, so there is nothing left to validate."""

    amount: int = 0
    unit: DueUnit = "day"
    relation: DueRelation = "after"
    anchor: Milestone | None = None
    """The milestone, or None for an absolute date."""
    year: int | None = None
    """For ``end of year N``: N (the anchor is then contract start)."""
    on: dt.date | None = None
    """The absolute date, when the deadline is one."""

    @property
    def days(self) -> int:
        """The offset in days from :attr:`anchor` (a month counts as 30 days, a
        contract year as 365), negative before it."""
        sign = -1 if self.relation == "before" else 1
        return sign * self.amount * _PER_UNIT[self.unit] + 365 * (self.year or 0)

    def surely_before(self, other: Due) -> bool:
        """Whether this deadline falls before ``other`` whatever the dates of the
        milestones: both absolute dates in that order, or an earlier-or-same
        milestone with a smaller offset."""
        if self.on is not None or other.on is not None:
            return self.on is not None and other.on is not None and self.on < other.on
        assert self.anchor is not None and other.anchor is not None
        return _MILESTONE_ORDER[self.anchor] <= _MILESTONE_ORDER[other.anchor] and self.days < other.days

    def date_from(self, milestones: Mapping[Milestone, dt.date | None]) -> dt.date | None:
        """The calendar date of this deadline given the dates of the milestones
        (None while its milestone has no date)."""
        if self.on is not None:
            return self.on
        assert self.anchor is not None
        start = milestones.get(self.anchor)
        return start + dt.timedelta(days=self.days) if start is not None else None

    def __str__(self) -> str:
        if self.on is not None:
            return self.on.isoformat()
        anchor = f"end of year {self.year}" if self.year else str(self.anchor)
        if not self.amount:
            return f"at {anchor}"
        plural = "" if self.amount == 1 else "s"
        return f"{self.amount} {self.unit}{plural} {self.relation} {anchor}"


def parse_due(text: str) -> Due:
    """Parse a deadline in one of the forms of :data:`DUE_FORMS`.

    Raises
    ------
    ValueError
        When ``text`` is in none of them.
    """
    cleaned = " ".join(text.strip().lower().split())
    try:
        return Due(on=dt.date.fromisoformat(cleaned))
    except ValueError:
        pass
    match = _DUE_RE.match(cleaned)
    if match is None:
        raise PydanticCustomError(
            "due_format",
            "{text} is not a deadline: write {forms}",
            {"text": repr(text), "forms": DUE_FORMS},
        )
    year = int(match["year"]) if match["year"] else None
    anchor = Milestone.CONTRACT_START if year else Milestone(match["anchor"])
    if match["n"] is None:
        return Due(anchor=anchor, year=year)
    return Due(
        amount=int(match["n"]),
        unit=cast(DueUnit, match["unit"].rstrip("s")),
        relation=cast(DueRelation, match["rel"]),
        anchor=anchor,
        year=year,
    )


DueText = Annotated[str, BeforeValidator(_scalar_as_text)]


class Recurrence(StrEnum):
    """How often a recurring task comes round again."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUALLY = "annually"


class Task(Item):
    """A piece of work in a phase, with RACI roles, order and artifacts."""

    title: Text
    """What the work is, as a short imperative ("Schedule a site visit")."""

    description: Prose | None = None
    """Longer explanation of the work."""

    owner: Annotated[IdList, Ref("role", what="owner role", duty="owns task {item!r}")] = Field(
        default_factory=list
    )
    """The accountable role (RACI "A"). Exactly one is expected; a list is
    accepted so a shared or missing owner shows up as a check finding."""

    responsible: Annotated[
        IdList, Ref("role", what="responsible role", duty="is responsible for task {item!r}")
    ] = Field(default_factory=list)
    """Roles that do the work (RACI "R")."""

    consulted: Annotated[IdList, Ref("role", what="consulted role")] = Field(default_factory=list)
    """Roles consulted before or during the work (RACI "C")."""

    informed: Annotated[IdList, Ref("role", what="informed role")] = Field(default_factory=list)
    """Roles kept informed of progress (RACI "I")."""

    after: Annotated[IdList, Ref("task", what="predecessor task")] = Field(default_factory=list)
    """Tasks (in this or an earlier phase) that must be done before this one starts."""

    produces: Annotated[IdList, Ref("artifact", what="artifact")] = Field(default_factory=list)
    """Artifacts this task produces."""

    needs: Annotated[IdList, Ref("artifact", what="artifact")] = Field(default_factory=list)
    """Artifacts this task needs before it can start."""

    stage: Stage | None = None
    """The stage of member interaction this task serves, when it serves one."""

    readiness: ReadinessItem | None = None
    """The pre-launch readiness item this task delivers, when it delivers one."""

    workflows: list[TestedWorkflow] = Field(default_factory=list)
    """For ``readiness: workflow-testing``: which workflows it develops and tests
    (referral, reporting, payment)."""

    due: DueText | None = None
    """A deadline: an offset from a milestone ("120 days before contract end",
    "30 days after partner identified", "at end of year 1") or a date
    (2026-09-01). A recurring task's first due date."""

    repeats: Recurrence | None = None
    """How often the task comes round again (weekly, monthly, quarterly,
    annually), e.g. an annual data security review; None for one-off work."""

    functions: list[PlanFunction] = Field(default_factory=list)
    """The health plan functions this task intersects: enrollment,
    care-management, utilization-management, billing-and-payment."""

    @field_validator("due")
    @classmethod
    def _due_parses(cls, value: str | None) -> str | None:
        if value is not None:
            parse_due(value)
        return value

    @property
    def deadline(self) -> Due | None:
        """The parsed :attr:`due` deadline."""
        return parse_due(self.due) if self.due else None


class Criterion(Item):
    """One readiness criterion of a gate: tasks done, artifacts present, sign-offs."""

    title: Text
    """What must be true, in the facilitator's words."""

    readiness: ReadinessItem | None = None
    """The seed's pre-launch readiness item this criterion covers, if any."""

    workflows: list[TestedWorkflow] = Field(default_factory=list)
    """For ``readiness: workflow-testing``: which workflows must be developed and
    tested (referral, reporting, payment); the seed names all three."""

    tasks: Annotated[IdList, Ref("task", what="task")] = Field(default_factory=list)
    """Tasks that must be done (or waived)."""

    artifacts: Annotated[IdList, Ref("artifact", what="artifact")] = Field(default_factory=list)
    """Artifacts that must exist, with evidence."""

    signoff: Annotated[IdList, Ref("role", what="sign-off role")] = Field(default_factory=list)
    """Roles that must sign off, each by a person who holds the role."""

    decided_by: Annotated[Id | None, Ref("body", what="deciding body")] = None
    """The governance body that decides this criterion, under its decision rule."""


class Gate(Item):
    """The exit gate of a phase: every criterion must be met before moving on."""

    title: Text
    """The gate's name, e.g. "Launch readiness"."""

    launch: bool = False
    """True for the gate before service launch: it should cover every
    pre-launch readiness item of the seed."""

    criteria: dict[Id, Criterion] = Field(default_factory=dict)
    """The readiness criteria, keyed by id."""

    not_applicable: dict[ReadinessItem, Text] = Field(default_factory=dict)
    """Readiness items this launch gate leaves out on purpose, with the reason."""


class Phase(Item):
    """A lifecycle phase: its tasks and the gate that ends it."""

    title: Text
    """The phase's name, e.g. "Pre-launch activities"."""

    kind: PhaseKind = PhaseKind.OTHER
    """Which of the seed's six lifecycle phases this is."""

    summary: Prose | None = None
    """What the phase is for."""

    tasks: dict[Id, Task] = Field(default_factory=dict)
    """The phase's tasks, keyed by id (ids are unique across the workflow)."""

    exit_gate: Gate | None = None
    """The readiness gate that must be met to leave this phase."""

    starts: DueText | None = None
    """When the phase starts, as a deadline is written ("at contract signed",
    2022-02-01); for a workplan with dates."""

    ends: DueText | None = None
    """When the phase ends, in the same forms as :attr:`starts`."""

    overlaps: Annotated[IdList, Ref("phase", what="overlapping phase")] = Field(default_factory=list)
    """Later phases that may run alongside this one, when the source says so
    (a task may then wait for their tasks)."""

    @field_validator("starts", "ends")
    @classmethod
    def _window_parses(cls, value: str | None) -> str | None:
        if value is not None:
            parse_due(value)
        return value


class Artifact(Item):
    """A document or record that tasks produce and need (a scope of work, a
    data-sharing agreement, a signed contract)."""

    title: Text
    """The artifact's name."""

    description: Prose | None = None
    """What the artifact contains."""


class Handoff(Item):
    """Work or information passing from one role (or person) to another."""

    from_: Annotated[Id, Ref("role", "person", what="sender", duty="hands off in {item!r}")] = Field(
        alias="from"
    )
    """The role (or person) handing off."""

    to: Annotated[Id, Ref("role", "person", what="receiver", duty="receives handoff {item!r}")]
    """The role (or person) receiving."""

    channel: Channel | None = None
    """How it passes: portal, secure-email, sftp, meeting, phone, ..."""

    passes: Text | None = None
    """What passes, in words ("member referral with member ID")."""

    artifacts: Annotated[IdList, Ref("artifact", what="artifact")] = Field(default_factory=list)
    """Artifacts that pass with it."""

    from_task: Annotated[Id | None, Ref("task", what="task")] = None
    """The task that ends with this handoff."""

    to_task: Annotated[Id | None, Ref("task", what="task")] = None
    """The task this handoff feeds."""

    phi: bool | None = None
    """Whether what passes carries protected health information (PHI)."""

    consent: Consent | None = None
    """Whether the member's consent or authorization is required for it to pass."""

    model_config = ConfigDict(populate_by_name=True)


class ExitKind(StrEnum):
    """How a journey ends. Each kind means something of its own, and the journey
    map draws each in its own style."""

    COMPLETED = "completed"
    """The work was done: services completed, the referral fulfilled."""
    DECLINED = "declined"
    """The member said no."""
    REJECTED = "rejected"
    """The organization asked to do the work said no before starting it."""
    CANCELLED = "cancelled"
    """Withdrawn before it was done, by whoever asked for it or was doing it."""
    FAILED = "failed"
    """Attempted, but it could not be completed."""
    UNREACHABLE = "unreachable"
    """The member could not be reached."""
    INELIGIBLE = "ineligible"
    """The member is not eligible for the program."""
    TRANSFERRED = "transferred"
    """Handed on to another program or organization."""
    ENTERED_IN_ERROR = "entered-in-error"
    """Void: it should never have existed, and is kept only for the record."""
    OTHER = "other"
    """None of the above."""


class JourneyKind(StrEnum):
    """What a journey's steps are."""

    MEMBER = "member"
    """A member's way through the five stages of member interaction: every step
    names its stage."""
    STATUS = "status"
    """The statuses of a record that two organizations update (a referral task
    in a referral platform or a FHIR server): a status is not a stage, so a step
    may leave ``stage`` out."""


class JourneyStep(Item):
    """A step of a journey, owned by a role; in a member journey, in one of the five stages."""

    title: Text
    """What happens to or with the member (or, in a status journey, what the status means)."""

    stage: Stage | None = None
    """identification, engagement, enrollment, service-provision or
    service-completion. Required in a member journey; a step of a status
    journey may leave it out (a status is not a stage)."""

    owner: Annotated[Id, Ref("role", "person", what="owner", duty="owns step {item!r} of journey {parent!r}")]
    """The role (or person) that carries this step."""

    next: Annotated[IdList, Ref("step", "exit", what="next step or exit")] = Field(default_factory=list)
    """Steps or exits that may follow this one."""

    moved_by: Annotated[
        dict[Id, IdList],
        Ref("role", "person", what="mover", duty="may move journey {parent!r} on from {item!r}"),
    ] = Field(default_factory=dict)
    """Who may make a move: for a step or exit of ``next``, the roles (or
    people) that may move the journey there from this step. A move left out is
    made by the owner of this step or of the step it leads to."""

    optional: bool = False
    """True when a journey may pass over this step: a move into it may go
    straight on to a step that follows it (a draft status that a referral may
    skip). Passing over it is then no skipped step in a conformance replay."""

    via: Annotated[Id | None, Ref("handoff", what="handoff")] = None
    """The handoff that brings the member to this step."""


class JourneyExit(Item):
    """A way a journey ends."""

    title: Text
    """The exit's name ("Member declined")."""

    kind: ExitKind
    """completed, declined, rejected, cancelled, failed, unreachable,
    ineligible, transferred, entered-in-error or other."""

    next: Annotated[IdList, Ref("step", "exit", what="next step or exit")] = Field(default_factory=list)
    """Where the journey may still go after ending here: an exit is final
    unless it lists moves out, such as a completed referral later found to be
    entered in error."""

    moved_by: Annotated[
        dict[Id, IdList],
        Ref("role", "person", what="mover", duty="may move journey {parent!r} on from {item!r}"),
    ] = Field(default_factory=dict)
    """Who may make each move out of this exit (see ``JourneyStep.moved_by``).
    An exit has no owner, so a move out of it that is left out here is made by
    the owner of the step it leads to, and by nobody when it leads to an exit."""


class Journey(Item):
    """How a member (or a record of them) moves: steps, and the exits where it ends."""

    title: Text
    """The journey's name."""

    kind: JourneyKind = JourneyKind.MEMBER
    """member (the default: steps through the five stages of member interaction)
    or status (the statuses of a shared record, such as a FHIR referral Task;
    steps need no stage)."""

    start: Annotated[Id, Ref("step", what="start step")]
    """The first step."""

    steps: dict[Id, JourneyStep]
    """The steps, keyed by id."""

    exits: dict[Id, JourneyExit] = Field(default_factory=dict)
    """The ways the journey ends, keyed by id."""

    opens_at: Annotated[Id | None, Ref("phase", what="phase")] = None
    """The phase from which members may be referred into this journey. Left
    out, referrals open once the launch gate is passed (or at once when the
    workflow has no launch gate)."""

    stages: list[Stage] = Field(default_factory=lambda: list(Stage))
    """The stages of member interaction this journey covers; all five
    (identification, engagement, enrollment, service-provision,
    service-completion) unless a journey maps only part of the way. A status
    journey covers no stages of its own."""

    def named_movers_at(self) -> list[tuple[tuple[str, str, str, str, int], str]]:
        """Every role or person a ``moved_by`` names, with its path in the journey
        (``("steps", "accepted", "moved_by", "cancelled", 0)``)."""
        items: list[tuple[str, str, JourneyStep | JourneyExit]] = [
            *(("steps", sid, step) for sid, step in self.steps.items()),
            *(("exits", xid, end) for xid, end in self.exits.items()),
        ]
        return [
            ((part, source, "moved_by", target, index), actor)
            for part, source, item in items
            for target, actors in item.moved_by.items()
            for index, actor in enumerate(actors)
        ]

    def declared_moves(self) -> list[tuple[str, str]]:
        """Every move a ``next`` names, as (from, to): the steps' in order, then the exits'."""
        items: list[tuple[str, JourneyStep | JourneyExit]] = [*self.steps.items(), *self.exits.items()]
        return [(source, target) for source, item in items for target in item.next]

    def moves_from(self, source: str) -> list[str]:
        """Where the journey may go from step or exit ``source``: its ``next``,
        and what follows each optional step it leads to (an optional step may be
        passed over).

        Examples
        --------
        >>> j = Journey.model_validate({"title": "T", "start": "a", "steps": {
        ...     "a": {"title": "A", "stage": "engagement", "owner": "r", "next": ["b"], "optional": True},
        ...     "b": {"title": "B", "stage": "engagement", "owner": "r", "next": ["done"]}},
        ...     "exits": {"done": {"title": "Done", "kind": "completed"}}})
        >>> j.moves_from("a"), j.moves_from("done")
        (['b'], [])
        """
        item = self.steps.get(source) or self.exits.get(source)
        if item is None:
            return []
        found: list[str] = []
        pending = list(item.next)
        while pending:
            target = pending.pop(0)
            if target in found:
                continue
            found.append(target)
            step = self.steps.get(target)
            if step is not None and step.optional:
                pending.extend(step.next)
        return found

    def first_steps(self) -> list[str]:
        """Where a journey may begin: its start, and, when the start is optional,
        what may follow it."""
        start = self.steps.get(self.start)
        return [self.start, *(self.moves_from(self.start) if start is not None and start.optional else [])]

    def movers(self, source: str, target: str) -> list[str]:
        """The roles (or people) that may move the journey from ``source`` to
        ``target``: those the move names in ``moved_by``, else the owners of the
        two steps (an exit has no owner), as the tracker has always allowed.

        Examples
        --------
        >>> j = Journey.model_validate({"title": "T", "start": "a", "steps": {
        ...     "a": {"title": "A", "stage": "engagement", "owner": "cbo", "next": ["done", "gone"],
        ...           "moved_by": {"gone": "plan"}}},
        ...     "exits": {"done": {"title": "Done", "kind": "completed"},
        ...               "gone": {"title": "Cancelled", "kind": "cancelled"}}})
        >>> j.movers("a", "done"), j.movers("a", "gone")
        (['cbo'], ['plan'])
        """
        item = self.steps.get(source) or self.exits.get(source)
        named = item.moved_by.get(target) if item is not None else None
        if named:
            return list(named)
        owners = [s.owner for s in (self.steps.get(source), self.steps.get(target)) if s is not None]
        return list(dict.fromkeys(owners))

    def named_movers(self, source: str, target: str) -> list[str] | None:
        """The roles ``moved_by`` names for the move, None when it names none."""
        item = self.steps.get(source) or self.exits.get(source)
        named = item.moved_by.get(target) if item is not None else None
        return list(named) if named else None


class EscalationPath(Item):
    """How a problem is elevated to higher authorities for prompt attention."""

    title: Text
    """The path's name."""

    trigger: Text
    """What starts an escalation ("member issue unresolved after 5 business days")."""

    levels: Annotated[
        IdList,
        Ref("role", "person", what="escalation level", duty="is level {position} of escalation {item!r}"),
    ]
    """The roles (or people) to escalate to, in order, lowest first."""

    response_time: Annotated[
        Annotated[str, StringConstraints(pattern=RESPONSE_TIME_PATTERN)] | None,
        BeforeValidator(_scalar_as_text),
    ] = None
    """How long each level has to respond ("2 business days", "24 hours")."""


class Meeting(Item):
    """A standing meeting: a joint operating committee, case conferencing, ..."""

    title: Text
    """The meeting's name."""

    kind: Literal["joc", "case-conferencing", "partnership", "leadership", "other"] = "other"
    """joc (joint operating committee), case-conferencing, partnership,
    leadership or other."""

    cadence: Literal["weekly", "biweekly", "monthly", "quarterly", "annually", "as-needed"] | None = None
    """How often it meets."""

    attendees: Annotated[IdList, Ref("role", "person", what="attendee")] = Field(default_factory=list)
    """Roles (or people) expected to attend."""

    chair: Annotated[IdList, Ref("role", what="chair", duty="chairs meeting {item!r}")] = Field(
        default_factory=list
    )
    """The role that runs the meeting, or the roles that run it together: the
    seed values "shared leadership responsibilities from the payer and CBO"."""

    follow_up_owner: Annotated[
        Id | None, Ref("role", what="follow-up owner", duty="owns the follow-up of meeting {item!r}")
    ] = None
    """The role that sends final slides and notes to the core team afterwards."""

    agenda: TextList = Field(default_factory=list)
    """Standing agenda items."""

    leaders: Annotated[IdList, Ref("role", "person", what="leader")] = Field(default_factory=list)
    """Leaders (executive sponsors, medical leadership, ...) who join the
    meeting: roles or people."""

    inputs: Annotated[IdList, Ref("artifact", "handoff", what="meeting input")] = Field(default_factory=list)
    """What is prepared before the meeting: artifacts (member lists, unresolved
    issues) or handoffs that bring them."""

    template: Annotated[Id | None, Ref("artifact", what="template")] = None
    """The artifact that gives the meeting its standard format (standing
    agenda, slide deck, report template)."""

    body: Annotated[Id | None, Ref("body", what="body")] = None
    """The governance body whose meetings these are."""

    max_per_month: int | None = Field(default=None, ge=1, le=31)
    """The most times a month the meeting may be held ("up to twice per month")."""

    runs_for_months: int | None = Field(default=None, ge=1, le=240)
    """How many months the meeting series runs ("for six months")."""


class PortalUse(StrEnum):
    """What a partner may do in the other's technology portal."""

    VIEW = "view"
    EXTRACT = "extract"
    REPORT = "report"


class DataExchange(Item):
    """Data passing from one organization to another."""

    from_: Annotated[Id, Ref("organization", what="sending organization")] = Field(alias="from")
    """The organization sending."""

    to: Annotated[Id, Ref("organization", what="receiving organization")]
    """The organization receiving."""

    elements: TextList = Field(default_factory=list)
    """The data elements exchanged."""

    frequency: (
        Literal["real-time", "daily", "weekly", "biweekly", "monthly", "quarterly", "per-event"] | None
    ) = None
    """How often the data moves."""

    channel: Channel | None = None
    """The means by which the data moves."""

    consent: Consent | None = None
    """Whether individual consent or authorization is required (the decision
    itself; leaving it out means it has not been made)."""

    phi: bool | None = None
    """Whether the exchange carries protected health information."""

    purpose: Prose | None = None
    """Why the data is exchanged."""

    portal_access: list[PortalUse] | None = None
    """Whether the receiving organization has access to the sending
    organization's technology portal for this data, and for what: view,
    extract, report. ``[]`` records the decision that it has none; leaving it
    out means the decision has not been made."""

    model_config = ConfigDict(populate_by_name=True)


class SeatKind(StrEnum):
    """What a seat on a governance body entitles its holder to."""

    CHAIR = "chair"
    VOTING = "voting"
    NON_VOTING = "non-voting"


class Seat(Item):
    """A seat on a governance body, held by a person on behalf of an organization."""

    kind: SeatKind = SeatKind.VOTING
    """chair (a voting seat that also leads the body), voting or non-voting
    (an advisor)."""

    person: Annotated[Id | None, Ref("person", what="seat holder")] = None
    """Who holds the seat; left out while it is vacant."""

    org: Annotated[Id | None, Ref("organization", what="organization")] = None
    """The organization the seat represents; the holder's organization when
    left out."""

    role: Annotated[Id | None, Ref("role", what="role")] = None
    """The role through which the seat's holder takes part in the workflow's
    tasks; the body's replacement rule then covers that role in place of a
    backup."""


class SeatRule(Item):
    """A composition rule: how many seats of a sort a body must have."""

    seats: list[SeatKind] = Field(default_factory=lambda: [SeatKind.CHAIR, SeatKind.VOTING])
    """Which seats the rule counts (chairs and voting seats unless told)."""

    min: int | None = Field(default=None, ge=0)
    """At least this many such seats."""

    max: int | None = Field(default=None, ge=0)
    """At most this many such seats."""

    from_kinds: list[OrgKind] = Field(default_factory=list)
    """Count only seats representing organizations of these kinds (``[cbo,
    cch]`` for "members who represent CBOs or networks of CBOs")."""

    also_on: Annotated[Id | None, Ref("body", what="body")] = None
    """Count only seats whose holder also sits on this other body."""


class DecisionRule(Item):
    """How a body decides: consensus first, else a vote."""

    method: Literal["consensus", "vote"] = "consensus"
    """consensus (a vote only where consensus does not exist) or vote."""

    vote_share: float | None = Field(default=None, gt=0, le=1)
    """The share of the voting members whose approval carries a vote (0.75
    for "at least seventy-five percent of the voting members")."""


class ReplacementRule(Item):
    """Who fills a seat when its holder can no longer serve, in place of a backup."""

    proposed_by: Literal["departing-member", "chairs", "body"] = "departing-member"
    """Who proposes the replacement."""

    like_for_like: bool = True
    """The replacement represents a similar position and experience."""

    else_selected_by: Annotated[Id | None, Ref("body", what="body")] = None
    """The body that selects a replacement when no one is proposed."""


class Body(Item):
    """A governance body (workgroup, committee): seats, composition rules, how it
    decides and how its seats are filled."""

    title: Text
    """The body's name."""

    kind: Literal["workgroup", "committee", "subcommittee", "board", "other"] = "committee"
    """workgroup, committee, subcommittee, board or other."""

    part_of: Annotated[Id | None, Ref("body", what="body")] = None
    """The body this one is a subcommittee of."""

    staffed_by: Annotated[Id | None, Ref("organization", what="organization")] = None
    """The organization that staffs the body."""

    seats: dict[Id, Seat] = Field(default_factory=dict)
    """The seats, keyed by id."""

    composition: list[SeatRule] = Field(default_factory=list)
    """Rules on how many seats of each sort the body must have."""

    decision: DecisionRule | None = None
    """How the body decides."""

    replacement: ReplacementRule | None = None
    """How a seat is filled when its holder can no longer serve."""

    members_approved_by: Annotated[Id | None, Ref("body", what="body")] = None
    """The body that approves the members."""

    advisors_approved_by: Annotated[Id | None, Ref("body", what="body")] = None
    """The body that approves the non-voting advisors."""

    reports_to: Annotated[Id | None, Ref("body", what="body")] = None
    """The body this one reports its progress to."""

    report_cadence: Literal["weekly", "biweekly", "monthly", "quarterly", "annually"] | None = None
    """How often it reports."""


class Suppression(Item):
    """A check finding this workflow accepts on purpose, with the reason."""

    rule: Annotated[str, StringConstraints(pattern=RULE_CODE_PATTERN)]
    """The rule code to suppress, e.g. ``SPF002``."""

    reason: Text
    """Why the finding is accepted."""

    element: str | None = None
    """Suppress only findings about this element id (all of them when left out)."""


class Workflow(Item):
    """A partnership workflow: who takes part, what they do in each phase, and how
    work, escalations and data move between them."""

    format: Literal[1] = 1
    """The workflow file format version."""

    @field_validator("format", mode="before")
    @classmethod
    def _format_is_a_number(cls, value: Any) -> Any:
        # True == 1 in Python, so the literal alone would accept format: true.
        if isinstance(value, bool):
            raise PydanticCustomError("format_version", "should be the format version 1, not a boolean")
        return value

    id: Id
    """The workflow's id."""

    title: Text
    """The workflow's name."""

    summary: Prose | None = None
    """What the workflow describes."""

    organizations: dict[Id, Organization] = Field(min_length=1)
    """The parties, keyed by id (at least one)."""

    people: dict[Id, Person] = Field(default_factory=dict)
    """Named individuals, keyed by id."""

    roles: dict[Id, Role] = Field(default_factory=dict)
    """Seats in the organizations, keyed by id."""

    artifacts: dict[Id, Artifact] = Field(default_factory=dict)
    """Documents and records the tasks produce and need, keyed by id."""

    phases: dict[Id, Phase] = Field(default_factory=dict)
    """The lifecycle phases in order, keyed by id."""

    handoffs: dict[Id, Handoff] = Field(default_factory=dict)
    """Handoffs between roles, keyed by id."""

    journeys: dict[Id, Journey] = Field(default_factory=dict)
    """Member-interaction processes, keyed by id."""

    escalations: dict[Id, EscalationPath] = Field(default_factory=dict)
    """Escalation pathways, keyed by id."""

    meetings: dict[Id, Meeting] = Field(default_factory=dict)
    """Standing meetings, keyed by id."""

    data_exchanges: dict[Id, DataExchange] = Field(default_factory=dict)
    """Data exchanges between organizations, keyed by id."""

    bodies: dict[Id, Body] = Field(default_factory=dict)
    """Governance bodies (workgroups, committees), keyed by id."""

    ignore: list[Suppression] = Field(default_factory=list)
    """Check findings accepted on purpose, each with a reason."""

    def tasks(self) -> dict[str, Task]:
        """Every task of every phase, keyed by id, in lifecycle order."""
        return {tid: task for phase in self.phases.values() for tid, task in phase.tasks.items()}

    def phase_of(self) -> dict[str, str]:
        """Map each task id to the id of the phase that holds it."""
        return {tid: pid for pid, phase in self.phases.items() for tid in phase.tasks}

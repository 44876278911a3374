"""Cross-reference checks: every id a workflow names must be defined.

A role that no one defined or a predecessor task that does not exist makes the
workflow meaningless, so these are load errors (``E3xx``), reported at the place
of the reference with a did-you-mean, not check findings. So are ids defined
twice and ids the state machines keep for themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, get_args

from pydantic import BaseModel

from lifecycle.model import RESERVED_PHASE_IDS, JourneyKind, Ref, Workflow
from lifecycle.words import did_you_mean

__all__ = ["Reference", "ReferenceProblem", "check_references", "iter_references", "reference_fields"]


@dataclass(frozen=True)
class ReferenceProblem:
    """A reference to nothing (or an id defined twice), at a path in the file."""

    path: tuple[Any, ...]
    code: str
    message: str
    hint: str | None = None
    element: str | None = None
    at_key: bool = False
    """Point at the key of ``path`` (for ids defined twice) rather than its value."""


class _Resolver:
    def __init__(self, workflow: Workflow) -> None:
        self.problems: list[ReferenceProblem] = []
        tasks: dict[str, tuple[str, ...]] = {}  # task id -> its path
        for pid, phase in workflow.phases.items():
            if pid in RESERVED_PHASE_IDS:
                self.problems.append(
                    ReferenceProblem(
                        ("phases", pid),
                        "E303",
                        f"the id is reserved: the tracker names the state after the last phase {pid!r}",
                        "give the phase another id",
                        pid,
                        at_key=True,
                    )
                )
            for tid in phase.tasks:
                if tid in tasks:
                    self.problems.append(
                        ReferenceProblem(
                            ("phases", pid, "tasks", tid),
                            "E302",
                            f"task id {tid!r} is used again in phase {pid!r}",
                            "task ids are unique across the workflow; it is first defined in phase "
                            f"{tasks[tid][1]!r}",
                            tid,
                            at_key=True,
                        )
                    )
                else:
                    tasks[tid] = ("phases", pid, "tasks", tid)
        self._scopes: dict[Ref, tuple[Mapping[str, Any], ...]] = {}
        self.kinds: dict[str, Mapping[str, Any]] = {
            "organization": workflow.organizations,
            "person": workflow.people,
            "role": workflow.roles,
            "artifact": workflow.artifacts,
            "task": tasks,
            "handoff": workflow.handoffs,
            "phase": workflow.phases,
            "body": workflow.bodies,
        }
        for pid in workflow.people:
            if pid in workflow.roles:
                self.problems.append(
                    ReferenceProblem(
                        ("people", pid),
                        "E302",
                        f"id {pid!r} names both a person and a role",
                        "give the person and the role different ids",
                        pid,
                        at_key=True,
                    )
                )

    def scopes(self, ref: Ref) -> tuple[Mapping[str, Any], ...]:
        """The ids a reference declared as ``ref`` may name, one mapping per kind."""
        found = self._scopes.get(ref)
        if found is None:
            found = self._scopes[ref] = tuple(self.kinds[kind] for kind in ref.kinds)
        return found

    def expect(
        self,
        path: tuple[Any, ...],
        value: str | list[str],
        scopes: tuple[Mapping[str, Any], ...],
        ref: Ref,
        kinds: tuple[str, ...],
    ) -> None:
        """Report each id of ``value`` (at ``path``) that is in none of ``scopes``;
        ``kinds`` names them for the message (none: ids of the journey)."""
        single = isinstance(value, str)
        for index, target in enumerate([value] if isinstance(value, str) else value):
            if not any(target in ids for ids in scopes):
                where = path if single else (*path, index)
                extra = None if kinds else {k: None for ids in scopes for k in ids}
                self.problems.append(self._missing(where, target, kinds, ref.what, extra))

    def _missing(
        self,
        path: tuple[Any, ...],
        value: str,
        kinds: tuple[str, ...],
        what: str,
        extra: Mapping[str, Any] | None,
    ) -> ReferenceProblem:
        candidates = [c for kind in kinds for c in self.kinds[kind]] + list(extra or ())
        hint = did_you_mean(value, candidates)
        other = next((k for k, ids in self.kinds.items() if k not in kinds and value in ids), None)
        expected = " or ".join(kinds)
        if not kinds:
            message = f"{what} {value!r} is not defined in this journey"
        elif other is not None:
            message = f"{what} {value!r} is {_article(other)} {other}, not {_article(expected)} {expected}"
        else:
            message = f"{what} {value!r} is not a defined {expected}"
        return ReferenceProblem(path, "E301", message, hint, value)


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


class Reference(NamedTuple):
    """One id that a workflow names in a field declared with :class:`~lifecycle.model.Ref`."""

    path: tuple[Any, ...]
    """Where the id is: the field's path, with the index for an item of a list."""

    target: str
    """The id named."""

    ref: Ref
    """The field's declaration: what it may name and what it is called."""

    holder: tuple[Any, ...]
    """The path of the element that holds the field (a task, a step ...)."""

    position: int | None
    """The index in the field's list, None for a single id."""

    def duty(self) -> str | None:
        """What the named actor does by this reference (see ``Ref.duty``), if anything."""
        if self.ref.duty is None:
            return None
        parent = self.holder[-3] if len(self.holder) >= 3 else None
        place = None if self.position is None else self.position + 1
        return self.ref.duty.format(item=self.holder[-1], parent=parent, position=place)


RefFilter = Callable[[Ref], bool]
"""Which declared references a walk wants (all of them by default)."""

# Per model class and filter: its wanted reference fields and its fields that
# hold models with wanted references further down, each as (attribute, key in
# the file); worked out once, so a walk skips whole subtrees with nothing wanted.
_Layout = tuple[tuple[tuple[str, str, Ref], ...], tuple[tuple[str, str], ...]]
_LAYOUTS: dict[tuple[type[BaseModel], RefFilter], _Layout] = {}


def _every(ref: Ref) -> bool:
    return True


def _layout(model: type[BaseModel], wanted: RefFilter) -> _Layout:
    found = _LAYOUTS.get((model, wanted))
    if found is None:
        refs, children = [], []
        for name, info in model.model_fields.items():
            key = info.alias or name
            ref = next((m for m in info.metadata if isinstance(m, Ref)), None)
            if ref is not None:
                if wanted(ref):
                    refs.append((name, key, ref))
            elif any(_wants(m, wanted) for m in _models_in(info.annotation)):
                children.append((name, key))
        found = _LAYOUTS[(model, wanted)] = (tuple(refs), tuple(children))
    return found


def _wants(model: type[BaseModel], wanted: RefFilter) -> bool:
    refs, children = _layout(model, wanted)
    return bool(refs or children)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def reference_fields(
    workflow: Workflow, wanted: RefFilter = _every
) -> Iterator[tuple[tuple[Any, ...], str, Ref, str | list[str]]]:
    """Every reference field the workflow fills, in file order, as (path of the
    element holding it, the field's key, its declaration, its id or ids).

    This is the fast walk under :func:`iter_references`: it builds no path per id.
    ``wanted`` picks the declarations to visit; pass the same function object
    each time, since the walk's plan is cached per function.
    """
    stack: list[tuple[BaseModel, tuple[Any, ...]]] = [(workflow, ())]
    while stack:
        item, holder = stack.pop()
        refs, children = _layout(type(item), wanted)
        for name, key, ref in refs:
            value = getattr(item, name)
            if value is not None:
                yield holder, key, ref, value
        nested: list[tuple[BaseModel, tuple[Any, ...]]] = []
        for name, key in children:
            value = getattr(item, name)
            if isinstance(value, BaseModel):
                nested.append((value, (*holder, key)))
            elif isinstance(value, dict):
                nested.extend((v, (*holder, key, k)) for k, v in value.items())
            elif isinstance(value, list):
                nested.extend((v, (*holder, key, i)) for i, v in enumerate(value))
        stack.extend(reversed(nested))


def iter_references(workflow: Workflow, wanted: RefFilter = _every) -> Iterator[Reference]:
    """Every id the workflow names in a reference field, in file order.

    Parameters
    ----------
    workflow
        A loaded workflow.
    wanted
        Which declarations to follow, e.g. ``lambda ref: ref.duty is not None``
        (define it once: the walk's plan is cached per function).

    Examples
    --------
    >>> from lifecycle.loader import load
    >>> workflow = load("workflows/payer-cbo-partnership.yaml").workflow  # doctest: +SKIP
    >>> {r.target for r in iter_references(workflow) if r.ref.what == "owner role"}  # doctest: +SKIP
    {'plan-poc', ...}
    """
    for holder, key, ref, value in reference_fields(workflow, wanted):
        if isinstance(value, str):
            yield Reference((*holder, key), value, ref, holder, None)
        else:
            for path, ids in _lists(value, (*holder, key)):
                for index, target in enumerate(ids):
                    yield Reference((*path, index), target, ref, holder, index)


def _lists(
    value: list[str] | dict[str, list[str]], path: tuple[Any, ...]
) -> Iterator[tuple[tuple[Any, ...], list[str]]]:
    """The lists of ids of a reference field, each with its path: the field's
    own list, or one list per key of a mapping (a step's ``moved_by``)."""
    if isinstance(value, dict):
        for name, ids in value.items():
            yield (*path, name), ids
    else:
        yield path, value


_JOURNEY_KINDS = frozenset({"step", "exit"})


def check_references(workflow: Workflow) -> list[ReferenceProblem]:
    """Find every reference in ``workflow`` to an id that is not defined.

    Returns
    -------
    list of ReferenceProblem
        Empty when every reference resolves.
    """
    r = _Resolver(workflow)
    for jid, journey in workflow.journeys.items():
        for xid in journey.exits:
            if xid in journey.steps:
                r.problems.append(
                    ReferenceProblem(
                        ("journeys", jid, "exits", xid),
                        "E302",
                        f"id {xid!r} names both a step and an exit of journey {jid!r}",
                        "give the exit its own id",
                        xid,
                        at_key=True,
                    )
                )
    local: dict[tuple[str, Ref], Mapping[str, Any]] = {}
    for holder, key, ref, value in reference_fields(workflow):
        if _JOURNEY_KINDS.issuperset(ref.kinds):
            # Steps and exits are ids within their journey, not the workflow.
            jid = holder[1]
            ids = local.get((jid, ref))
            if ids is None:
                journey = workflow.journeys[jid]
                ids = local[(jid, ref)] = {
                    **(journey.steps if "step" in ref.kinds else {}),
                    **(journey.exits if "exit" in ref.kinds else {}),
                }
            r.expect((*holder, key), value, (ids,), ref, ())
        elif isinstance(value, dict):
            for path, ids in _lists(value, (*holder, key)):
                r.expect(path, ids, r.scopes(ref), ref, ref.kinds)
        else:
            r.expect((*holder, key), value, r.scopes(ref), ref, ref.kinds)
    r.problems.extend(_journey_shapes(workflow))
    return r.problems


def _journey_shapes(workflow: Workflow) -> Iterator[ReferenceProblem]:
    """A member journey's step with no stage (E203), and a ``moved_by`` that
    names a move its step or exit does not have (E301)."""
    for jid, journey in workflow.journeys.items():
        if journey.kind is JourneyKind.MEMBER:
            for sid, step in journey.steps.items():
                if step.stage is None:
                    yield ReferenceProblem(
                        ("journeys", jid, "steps", sid),
                        "E203",
                        f"a step of member journey {jid!r} needs a stage",
                        "give it stage: identification, engagement, enrollment, service-provision or "
                        "service-completion; or make the journey kind: status, whose steps are statuses",
                        sid,
                    )
        for part, items in (("steps", journey.steps), ("exits", journey.exits)):
            for xid, item in items.items():
                for target in item.moved_by:
                    if target not in item.next:
                        moves = ", ".join(item.next) or "none"
                        yield ReferenceProblem(
                            ("journeys", jid, part, xid, "moved_by", target),
                            "E301",
                            f"moved_by names the move to {target!r}, which is not in next ({moves})",
                            f"add {target!r} to next, or remove it from moved_by",
                            xid,
                            at_key=True,
                        )

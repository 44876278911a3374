"""State machines built from a workflow with ``transitions``.

Four kinds of machine drive tracked work:

- the **lifecycle** machine: the workflow's phases in order; ``advance`` leaves a
  phase only when its exit gate is met;
- the **task** machine: todo, in-progress, done, blocked, waived; ``start`` waits
  for the task's predecessors;
- the **journey** machine: a member journey's steps and exits; ``move:<id>``
  follows one of the current step's ``next`` links;
- the **escalation** machine: the path's levels in order; ``escalate`` goes one
  level up, ``resolve`` closes it.

One machine definition serves every tracked instance of its kind: instances are
:class:`Tracked` models added to the shared machine (``Machine.add_model``), never
one machine per instance, which is the memory trap of pytransitions issue #146.
A refused transition raises a :class:`TransitionRefused` that says why.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from transitions import EventData, Machine, MachineError
from transitions.core import listify

from lifecycle.collector import collector_paused
from lifecycle.diagnostics import LifecycleError

if TYPE_CHECKING:
    from lifecycle.model import EscalationPath, Journey, Workflow

__all__ = [
    "BLOCKED",
    "COMPLETED",
    "DONE",
    "IN_PROGRESS",
    "RESOLVED",
    "TASK_STATES",
    "TODO",
    "WAIVED",
    "Guard",
    "LifecycleMachines",
    "SharedMachine",
    "Tracked",
    "TransitionRefused",
    "escalation_machine",
    "escalation_state",
    "journey_machine",
    "lifecycle_machine",
    "machines_for",
    "task_machine",
]

TODO, IN_PROGRESS, DONE, BLOCKED, WAIVED = "todo", "in-progress", "done", "blocked", "waived"
"""The names of the task states, defined here once."""

TASK_STATES = (TODO, IN_PROGRESS, DONE, BLOCKED, WAIVED)
"""The states of a tracked task, in display order."""

FINISHED_TASK_STATES = frozenset({DONE, WAIVED})
"""Task states that satisfy a predecessor or a gate criterion."""

COMPLETED = "completed"
"""The lifecycle state after the last phase's exit gate has been passed."""

RESOLVED = "resolved"
"""The escalation state once the issue is resolved."""

Guard = Callable[[str, str], list[str]]
"""``guard(trigger, destination) -> reasons``: an empty list allows the transition."""


class TransitionRefused(LifecycleError):
    """A transition is not allowed: from the current state, or by its guard.

    ``reasons`` lists every unmet condition (an unmet gate criterion, an
    unfinished predecessor), one line each.
    """

    def __init__(self, message: str, reasons: Sequence[str] = ()) -> None:
        self.reasons = list(reasons)
        lines = [message, *(f"  - {reason}" for reason in self.reasons)]
        super().__init__("\n".join(lines))


class Tracked:
    """One tracked instance (a partnership, a task, a member's journey, an
    escalation) as the shared machine sees it: a state and an optional guard."""

    def __init__(self, label: str, state: str, guard: Guard | None = None) -> None:
        self.label = label
        self.state = state
        self.guard = guard
        self.refusal: list[str] = []

    def allowed(self, event: EventData) -> bool:
        """The machines' condition: ask the guard, remember its reasons."""
        if self.guard is None:
            return True
        dest = event.transition.dest if event.transition is not None else None
        self.refusal = self.guard(event.event.name, str(dest))
        return not self.refusal


@dataclass
class SharedMachine:
    """A machine definition shared by many :class:`Tracked` models.

    Instances held in memory are attached (:meth:`attach`); rows read from the
    database are driven through :meth:`move`, which reuses one attached model,
    so reading a row costs no allocation on the machine.
    """

    kind: str
    machine: Machine
    _cursor: Tracked | None = None

    def attach(self, model: Tracked) -> Tracked:
        """Add ``model`` to the shared machine in its current state."""
        if model.state not in self.machine.states:
            raise TransitionRefused(f"{model.label}: unknown {self.kind} state {model.state!r}")
        self.machine.add_model(model, initial=model.state)
        return model

    def attach_all(self, models: Iterable[Tracked]) -> list[Tracked]:
        """Attach many models at once (see :meth:`attach`).

        With the cyclic collector running, its passes over the growing heap
        cost more than the attaching itself, so it is paused for the batch.
        """
        with collector_paused():
            return [self.attach(model) for model in models]

    def detach(self, model: Tracked) -> None:
        """Remove ``model`` from the shared machine (the machine stays small)."""
        self.machine.remove_model(model)

    def move(self, label: str, state: str, trigger: str, guard: Guard | None = None) -> str:
        """Fire ``trigger`` on an instance in ``state`` and return its new state
        (see :meth:`fire` for the refusals)."""
        cursor = self._cursor
        if cursor is None:
            cursor = self._cursor = self.attach(Tracked(label, state))
        if state not in self.machine.states:
            raise TransitionRefused(f"{label}: unknown {self.kind} state {state!r}")
        cursor.label, cursor.state, cursor.refusal = label, state, []
        cursor.guard = guard
        return self.fire(cursor, trigger)

    def triggers_from(self, state: str) -> list[str]:
        """The triggers defined from ``state``."""
        return sorted(self.machine.get_triggers(state))

    def fire(self, model: Tracked, trigger: str) -> str:
        """Run ``trigger`` on an attached ``model`` and return its new state.

        Raises
        ------
        TransitionRefused
            When ``trigger`` is not defined from the model's state, or its guard
            refuses (the exception lists the guard's reasons).
        """
        before = model.state
        action = trigger.replace(":", " ")
        if trigger not in self.machine.events:
            raise TransitionRefused(f"{model.label}: unknown {self.kind} action {action!r}")
        try:
            done = self.machine.events[trigger].trigger(model)
        except MachineError:
            allowed = ", ".join(t.replace(":", " ") for t in self.triggers_from(before)) or "none"
            raise TransitionRefused(
                f"{model.label}: cannot {action} from {self.kind} state {before!r} (allowed: {allowed})"
            ) from None
        if not done:
            raise TransitionRefused(f"{model.label}: cannot {action}", model.refusal)
        return model.state


class _SharedModelMachine(Machine):
    """A ``transitions`` machine that gives its models no methods of their own.

    ``Machine.add_model`` binds about fifteen callables to every model
    (``trigger``, ``is_<state>``, ``<trigger>``, ``may_<trigger>``), which was
    nine tenths of attaching 10,000 instances. lifecycle fires every event
    through the machine (:meth:`SharedMachine.fire`), so a model needs only its
    state and its place in the machine's model list; callbacks named by string
    (the ``allowed`` condition) are still looked up on the model.
    """

    def add_model(self, model: Any, initial: Any = None) -> None:
        for mod in listify(model):
            if mod not in self.models:
                self.set_state(initial if initial is not None else str(self.initial), model=mod)
                self.models.append(mod)


class _Models(list[Any]):
    """The machine's model list, with a constant-time ``in``.

    pytransitions checks ``model not in machine.models`` before attaching each
    model; on a plain list that scan makes attaching n models cost n² / 2
    comparisons (most of the 2.35 s that 10,000 took).
    """

    def __init__(self) -> None:
        super().__init__()
        self._ids: set[int] = set()

    def append(self, model: Any) -> None:
        self._ids.add(id(model))
        super().append(model)

    def remove(self, model: Any) -> None:
        super().remove(model)
        self._ids.discard(id(model))

    def __contains__(self, model: object) -> bool:
        return id(model) in self._ids


def _machine(states: list[str], transitions: list[dict[str, Any]], initial: str) -> Machine:
    machine = _SharedModelMachine(
        model=None,
        states=states,
        transitions=transitions,
        initial=initial,
        auto_transitions=False,
        send_event=True,
    )
    machine.models = _Models()
    return machine


def task_machine() -> SharedMachine:
    """The task machine: ``start``, ``done``, ``block``, ``waive``.

    ``start`` (from todo or blocked) is guarded: the guard refuses while a
    predecessor is unfinished. ``done`` needs the task started first.
    """
    transitions: list[dict[str, Any]] = [
        {"trigger": "start", "source": [TODO, BLOCKED], "dest": IN_PROGRESS, "conditions": "allowed"},
        {"trigger": "done", "source": IN_PROGRESS, "dest": DONE},
        {"trigger": "block", "source": [TODO, IN_PROGRESS], "dest": BLOCKED},
        {"trigger": "waive", "source": [TODO, IN_PROGRESS, BLOCKED], "dest": WAIVED},
    ]
    return SharedMachine("task", _machine(list(TASK_STATES), transitions, TODO))


def lifecycle_machine(workflow: Workflow) -> SharedMachine:
    """The lifecycle machine: each phase ``advance``\\ s to the next, the last to
    :data:`COMPLETED`; every ``advance`` is guarded by the phase's exit gate."""
    phases = list(workflow.phases)
    states = [*phases, COMPLETED]
    transitions = [
        {"trigger": "advance", "source": here, "dest": there, "conditions": "allowed"}
        for here, there in itertools.pairwise(states)
    ]
    return SharedMachine("lifecycle", _machine(states, transitions, states[0]))


def journey_machine(journey: Journey) -> SharedMachine:
    """A journey's machine: states are its steps and exits; the trigger
    ``move:<id>`` follows a move of the current step or exit
    (:meth:`~lifecycle.model.Journey.moves_from`). An exit is final unless it
    lists moves out."""
    states = [*journey.steps, *journey.exits]
    transitions = [
        {"trigger": f"move:{target}", "source": source, "dest": target}
        for source in states
        for target in journey.moves_from(source)
    ]
    return SharedMachine("journey", _machine(states, transitions, journey.start))


def escalation_state(level: int) -> str:
    """The state name of escalation level ``level`` (counted from 1)."""
    return f"level-{level}"


def escalation_machine(path: EscalationPath) -> SharedMachine:
    """An escalation path's machine: ``escalate`` from each level to the next,
    ``resolve`` from any level to :data:`RESOLVED`."""
    levels = [escalation_state(n) for n in range(1, len(path.levels) + 1)]
    transitions: list[dict[str, Any]] = [
        {"trigger": "escalate", "source": here, "dest": there} for here, there in itertools.pairwise(levels)
    ]
    transitions.append({"trigger": "resolve", "source": levels, "dest": RESOLVED})
    return SharedMachine("escalation", _machine([*levels, RESOLVED], transitions, levels[0]))


@dataclass
class LifecycleMachines:
    """Every machine of one workflow, built once and shared by its instances."""

    lifecycle: SharedMachine
    task: SharedMachine
    journeys: dict[str, SharedMachine]
    escalations: dict[str, SharedMachine]


_TASK_MACHINE: SharedMachine | None = None
_CACHE: dict[str, LifecycleMachines] = {}


def machines_for(workflow: Workflow, key: str) -> LifecycleMachines:
    """The shared machines of ``workflow``, built on first use and cached by
    ``key`` (the workflow file's content hash)."""
    global _TASK_MACHINE
    if _TASK_MACHINE is None:
        _TASK_MACHINE = task_machine()
    cached = _CACHE.get(key)
    if cached is None:
        cached = LifecycleMachines(
            lifecycle=lifecycle_machine(workflow),
            task=_TASK_MACHINE,
            journeys={jid: journey_machine(j) for jid, j in workflow.journeys.items() if j.steps},
            escalations={eid: escalation_machine(e) for eid, e in workflow.escalations.items() if e.levels},
        )
        _CACHE[key] = cached
    return cached

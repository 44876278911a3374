"""Generate event logs of a journey with known injected deviations.

    .venv/bin/python bench/generate_log.py OUT.csv [--events 1000000] [--seed 1]

Each case walks the journey from its first step to an exit, choosing among the
``next`` moves at random, every event recorded by a person holding the step's
owner role. Then at most one deviation is injected per case, each so that it
yields exactly one deviation of its kind and nothing else:

- ``unknown-activity``: an event of an activity the journey does not have;
- ``wrong-role``: a step recorded by someone who holds no role in the workflow;
- ``skipped-step``: an event left out where the journey has no direct move
  from the one before to the one after;
- ``out-of-order``: a step the case has passed, recorded again later where the
  journey cannot reach it;
- ``open-too-long``: the case stopped before its exit, more than the open limit
  before the log's end.

Events are written in time order, cases interleaved, as a referral platform's
export would be; within a case the timestamps rise strictly, so the file order
is the case's order.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lifecycle.interchange.conformance import DEFAULT_OPEN_LIMIT, DeviationKind
from lifecycle.interchange.journey_moves import BACK, SKIP, JourneyMoves
from lifecycle.loader import load

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "workflows" / "payer-cbo-partnership.yaml"
EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
INTRUDER = "temp-agency-caller"
UNKNOWN = "courtesy-call"


@dataclass
class Event:
    case: str
    activity: str
    minute: int
    """Minutes after :data:`EPOCH`."""
    resource: str


@dataclass
class GeneratedLog:
    """The events (in time order), the injected deviations by kind, and the
    moment the log is judged at."""

    events: list[Event]
    injected: dict[str, int] = field(default_factory=dict)
    as_of: dt.datetime = EPOCH

    def rows(self) -> Iterator[tuple[str, str, str, str]]:
        for event in self.events:
            stamp = (EPOCH + dt.timedelta(minutes=event.minute)).strftime("%Y-%m-%dT%H:%M:%SZ")
            yield event.case, event.activity, stamp, event.resource

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["case", "activity", "timestamp", "resource"])
            writer.writerows(self.rows())


def _walk(moves: JourneyMoves, rng: random.Random) -> list[int]:
    """A fitting path from the first step to an exit (loops taken at most twice)."""
    journey = moves.journey
    path = [moves.codes[journey.start]]
    while not moves.ends[path[-1]]:
        step = journey.steps[moves.names[path[-1]]]
        choices = [moves.codes[target] for target in step.next if path.count(moves.codes[target]) < 2]
        path.append(rng.choice(choices or [moves.codes[target] for target in step.next]))
    return path


def _holder(moves: JourneyMoves, code: int, rng: random.Random) -> str:
    owner = moves.owner(code)
    if owner is None:
        return ""
    role = moves.workflow.roles.get(owner)
    return rng.choice(role.held_by) if role is not None and role.held_by else owner


def generate(
    events: int,
    *,
    seed: int = 1,
    share: float = 0.1,
    workflow: Path = WORKFLOW,
    journey_id: str = "member",
    kinds: tuple[str, ...] = tuple(kind.value for kind in DeviationKind),
) -> GeneratedLog:
    """About ``events`` events; a ``share`` of the cases get one deviation each,
    of the ``kinds`` in turn (a kind a case cannot take is tried on the next)."""
    rng = random.Random(seed)
    moves = JourneyMoves.of(load(workflow).workflow, journey_id)
    limit_minutes = int(DEFAULT_OPEN_LIMIT / dt.timedelta(minutes=1))
    injected = {kind: 0 for kind in kinds}
    log: list[Event] = []
    number = 0
    turn = 0
    horizon = 0
    while len(log) < events:
        number += 1
        case = f"ref-{number:07d}"
        path = _walk(moves, rng)
        start = number * 3  # a new referral every 3 minutes
        minutes = list(np.cumsum([start] + [rng.randint(30, 2880) for _ in path[1:]]))
        trace = [
            Event(case, moves.names[c], int(m), _holder(moves, c, rng))
            for c, m in zip(path, minutes, strict=True)
        ]
        # "Now" is the end of the untouched timeline: a case moved back to be open
        # too long must not pull it back with it (when every case is moved).
        horizon = max(horizon, int(minutes[-1]))
        if rng.random() < share:
            for attempt in range(len(kinds)):
                kind = kinds[(turn + attempt) % len(kinds)]
                if _inject(kind, trace, path, moves, rng, limit_minutes):
                    injected[kind] += 1
                    turn += attempt + 1
                    break
        log.extend(trace)
    log.sort(key=lambda event: event.minute)
    last = max(horizon, *(event.minute for event in log))
    return GeneratedLog(log, injected, EPOCH + dt.timedelta(minutes=last))


def _inject(
    kind: str, trace: list[Event], path: list[int], moves: JourneyMoves, rng: random.Random, limit: int
) -> bool:
    """Change one case so it has exactly one deviation of ``kind``; False if it cannot."""
    if kind == DeviationKind.UNKNOWN_ACTIVITY:
        at = rng.randrange(1, len(trace))
        trace.insert(at, Event(trace[0].case, UNKNOWN, trace[at - 1].minute, "anyone"))
        _spread(trace, at)
        return True
    if kind == DeviationKind.WRONG_ROLE:
        steps = [i for i, code in enumerate(path) if moves.owner(code) is not None]
        trace[rng.choice(steps)].resource = INTRUDER
        return True
    if kind == DeviationKind.SKIPPED_STEP:
        gaps = [
            i
            for i in range(len(path) - 1)
            if moves.moves[path[i - 1] if i else moves.start, path[i + 1]] == SKIP
        ]
        if not gaps:
            return False
        del trace[rng.choice(gaps)]
        return True
    if kind == DeviationKind.OUT_OF_ORDER:
        pairs = [
            (i, j)
            for j in range(1, len(path))
            for i in range(j)
            if moves.owner(path[i]) is not None and moves.moves[path[j], path[i]] == BACK
        ]
        if not pairs:
            return False
        i, j = rng.choice(pairs)
        again = Event(trace[0].case, trace[i].activity, trace[j].minute, trace[i].resource)
        trace.insert(j + 1, again)
        _spread(trace, j + 1)
        return True
    if kind == DeviationKind.OPEN_TOO_LONG:
        # Cut before the exit and move the case back beyond the open limit.
        cut = rng.randrange(1, len(trace))
        del trace[cut:]
        for event in trace:
            event.minute -= 2 * limit
        return True
    raise ValueError(kind)


def _spread(trace: list[Event], at: int) -> None:
    """Keep a case's minutes strictly rising after inserting at ``at``."""
    for i in range(at, len(trace)):
        if trace[i].minute <= trace[i - 1].minute:
            trace[i].minute = trace[i - 1].minute + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    log = generate(args.events, seed=args.seed)
    log.write_csv(args.output)
    print(f"{len(log.events)} events, injected {log.injected}, as of {log.as_of.isoformat()}")


if __name__ == "__main__":
    main()

"""Status journeys: steps without a stage, exits that can be left, exit kinds
told apart, optional steps and per-move movers, as the loader, the checks, the
tracker, the conformance replay, the BPMN round trip and the journey map read
them; member journeys keep their meaning."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from backends import NewDatabase
from hypothesis import given, settings
from hypothesis import strategies as st
from svg_shapes import box, groups_by_id, inside
from tracked import started

from lifecycle.checks import check
from lifecycle.cli import main
from lifecycle.diagnostics import LoadError
from lifecycle.drawing.draw import draw_lane_map
from lifecycle.drawing.journey import EXITS, STATUSES, journey_map
from lifecycle.drawing.style import EXIT_LOOKS
from lifecycle.interchange.bpmn_export import export_bpmn
from lifecycle.interchange.bpmn_import import import_bpmn, workflow_yaml
from lifecycle.interchange.conformance import replay
from lifecycle.interchange.event_log import EventLogReader
from lifecycle.interchange.journey_moves import FIT, JourneyMoves
from lifecycle.loader import load, loads
from lifecycle.machine import TransitionRefused, journey_machine
from lifecycle.model import ExitKind, Journey, JourneyKind, Stage, Workflow
from lifecycle.tracking.authorize import ActionRefused

ROOT = Path(__file__).resolve().parent.parent
FHIR = ROOT / "workflows" / "fhir-referral-task.yaml"
MEMBER = ROOT / "workflows" / "payer-cbo-partnership.yaml"

HEAD = """\
id: demo
title: Demo partnership
organizations:
  plan: {name: Riverbend Health Plan, kind: payer, point_of_contact: plan-poc}
  hub: {name: Metro Community Care Hub, kind: cch, point_of_contact: hub-intake}
people:
  jlee: {name: Jordan Lee, org: plan}
  mgonzalez: {name: Maria Gonzalez, org: hub}
roles:
  plan-poc: {org: plan, title: Referral coordinator, held_by: jlee}
  hub-intake: {org: hub, title: Hub referral intake, held_by: mgonzalez}
  hub-vacant: {org: hub, title: Hub supervisor}
"""


def _errors(text: str) -> list[tuple[str, int, int, str]]:
    with pytest.raises(LoadError) as info:
        loads(HEAD + text, "demo.yaml")
    return [(d.code, d.location.line, d.location.column, d.message) for d in info.value.diagnostics]


# -- the format ---------------------------------------------------------------------------


def test_a_member_journey_step_needs_its_stage_where_a_status_does_not() -> None:
    member = """\
journeys:
  member:
    title: Member journey
    start: outreach
    steps:
      outreach: {title: Navigator reaches out, owner: hub-intake, next: done}
    exits:
      done: {title: Done, kind: completed}
"""
    [(code, line, column, message)] = _errors(member)
    assert (code, line, column) == ("E203", 18, 17)
    assert message == "step 'outreach': a step of member journey 'member' needs a stage"
    status = member.replace("title: Member journey", "title: Statuses\n    kind: status")
    journey = loads(HEAD + status).workflow.journeys["member"]
    assert journey.kind is JourneyKind.STATUS and journey.steps["outreach"].stage is None


def test_moved_by_may_name_only_moves_the_step_has_and_defined_roles() -> None:
    text = """\
journeys:
  task:
    title: Statuses
    kind: status
    start: requested
    steps:
      requested:
        title: Requested
        owner: hub-intake
        next: [done]
        moved_by: {gone: plan-poc, done: plan-pco}
    exits:
      done: {title: Done, kind: completed}
      gone: {title: Gone, kind: cancelled}
"""
    found = _errors(text)
    assert [f[:3] for f in found] == [("E301", 23, 20), ("E301", 23, 42)]
    assert "'plan-pco' is not a defined role or person" in found[1][3]
    moves = found[0]  # at the key 'gone', which is no move of 'requested'
    assert "moved_by names the move to 'gone', which is not in next (done)" in moves[3]


def test_a_bad_status_journey_is_one_line_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        HEAD
        + "journeys:\n  m:\n    title: M\n    start: a\n    steps:\n      a: {title: A, owner: plan-poc}\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as stopped:
        main(["check", str(path)])
    out, err = capsys.readouterr()
    assert stopped.value.code == 1
    assert "Traceback" not in out + err
    assert f"{path}:18:10: error E203: " in out + err


def test_every_member_journey_shipped_keeps_its_meaning() -> None:
    for path in sorted((ROOT / "workflows").rglob("*.yaml")):
        for journey in load(path).workflow.journeys.values():
            if journey.kind is JourneyKind.MEMBER:
                # Every step has its stage: the loader refuses one without (E203).
                assert all(not end.next and not end.moved_by for end in journey.exits.values())
                for sid, step in journey.steps.items():
                    for target in step.next:
                        owners = [s.owner for s in (step, journey.steps.get(target)) if s is not None]
                        assert journey.movers(sid, target) == list(dict.fromkeys(owners))


def test_exit_kinds_each_have_a_meaning_and_a_look_of_their_own() -> None:
    assert {k.value for k in ExitKind} >= {"completed", "rejected", "cancelled", "failed", "entered-in-error"}
    looks = [(EXIT_LOOKS[k].fill, EXIT_LOOKS[k].border) for k in ExitKind]
    assert len(set(looks)) == len(ExitKind)
    assert len({EXIT_LOOKS[k].words for k in ExitKind}) == len(ExitKind)


# -- the machine and the checks ------------------------------------------------------------


def test_an_exit_with_moves_out_can_be_left_and_a_final_one_cannot() -> None:
    journey = load(FHIR).workflow.journeys["referral-task"]
    machine = journey_machine(journey)
    assert machine.move("T-1", "completed", "move:entered-in-error", None) == "entered-in-error"
    with pytest.raises(TransitionRefused):
        machine.move("T-1", "entered-in-error", "move:completed", None)
    # An optional draft may be passed over, so draft leads straight on to what requested leads to.
    assert journey.moves_from("draft") == ["requested", "entered-in-error"]
    assert journey.first_steps() == ["draft", "requested", "entered-in-error"]


def test_gap013_leaves_status_journeys_alone_and_gap011_sees_movers_nobody_holds() -> None:
    text = """\
journeys:
  task:
    title: Statuses
    kind: status
    start: requested
    steps:
      requested: {title: Requested, owner: hub-intake, next: [done], moved_by: {done: hub-vacant}}
    exits:
      done: {title: Done, kind: completed}
"""
    document = loads(HEAD + text)
    assert check(document, select=["GAP013"]) == []
    [found] = check(document, select=["GAP011"])
    assert found.message.startswith("role 'hub-vacant' may move journey 'task' on from 'requested'")
    assert found.location.line == 19


# -- tracking ------------------------------------------------------------------------------


def test_the_tracker_lets_only_a_moves_movers_make_it_and_logs_refusals(
    new_db: NewDatabase,
) -> None:
    tracker = started(new_db(migrated=True), FHIR)
    tracker.start_journey("acme", "referral-task", "T-1", actor="jlee")
    # hub-intake owns 'requested', but the guide has the requester send the Task.
    with pytest.raises(ActionRefused, match="mgonzalez may not move member T-1 from 'draft' to 'requested'"):
        tracker.move_journey("acme", "referral-task", "T-1", "requested", actor="mgonzalez")
    tracker.move_journey("acme", "referral-task", "T-1", "requested", actor="jlee")
    with pytest.raises(ActionRefused, match="hold or back up none of hub-intake"):
        tracker.move_journey("acme", "referral-task", "T-1", "accepted", actor="jlee")
    for status in ("accepted", "in-progress", "completed"):
        tracker.move_journey("acme", "referral-task", "T-1", status, actor="mgonzalez")
    # Leaving an exit: only the requester voids a Task, and its backup may too.
    with pytest.raises(ActionRefused, match="none of plan-referrals"):
        tracker.move_journey("acme", "referral-task", "T-1", "entered-in-error", actor="mgonzalez")
    change = tracker.move_journey("acme", "referral-task", "T-1", "entered-in-error", actor="rchen")
    assert (change.before, change.after) == ("completed", "entered-in-error")
    with pytest.raises(TransitionRefused):
        tracker.move_journey("acme", "referral-task", "T-1", "completed", actor="jlee")
    entries = tracker.audit("acme", action="journey.move")
    refused = [(e.actor, e.outcome) for e in entries if e.outcome == "refused"]
    assert refused == [
        ("mgonzalez", "refused"),
        ("jlee", "refused"),
        ("mgonzalez", "refused"),
        ("jlee", "refused"),
    ]
    assert entries[-2].detail == "as backup for plan-referrals"


# -- conformance ---------------------------------------------------------------------------


def _replay_fhir(tmp_path: Path, lines: list[str]) -> list[tuple[str, str, str]]:
    path = tmp_path / "tasks.csv"
    path.write_text("case,activity,timestamp,resource\n" + "\n".join(lines) + "\n", encoding="utf-8")
    reader = EventLogReader(str(path))
    result = replay(load(FHIR).workflow, "referral-task", reader, open_limit=dt.timedelta(days=3650))
    return [(d.case, d.kind.value, d.detail) for d in result.deviations()]


def test_wrong_role_is_judged_by_the_move_made(tmp_path: Path) -> None:
    day = itertools.count(1)

    def at(case: str, status: str, who: str) -> str:
        return f"{case},{status},2026-03-{next(day):02d}T09:00:00Z,{who}"

    lines = [
        # Created already requested (draft is optional), completed, then voided by the requester.
        at("t1", "requested", "jlee"),
        at("t1", "accepted", "mgonzalez"),
        at("t1", "in-progress", "lromero"),
        at("t1", "completed", "mgonzalez"),
        at("t1", "entered-in-error", "jlee"),
        # Either side may cancel; the requester's backup role counts.
        at("t2", "requested", "jlee"),
        at("t2", "accepted", "mgonzalez"),
        at("t2", "cancelled", "rchen"),
        at("t3", "requested", "jlee"),
        at("t3", "accepted", "jlee"),
        at("t4", "draft", "jlee"),
        at("t4", "requested", "jlee"),
        at("t4", "rejected", "mgonzalez"),
        at("t4", "entered-in-error", "mgonzalez"),
    ]
    assert _replay_fhir(tmp_path, lines) == [
        ("t3", "wrong-role", "jlee does not act for hub-intake, the owner of accepted"),
        (
            "t4",
            "wrong-role",
            "mgonzalez does not act for plan-referrals, who may move a case to entered-in-error",
        ),
    ]


def test_a_case_that_leaves_a_final_exit_is_out_of_order(tmp_path: Path) -> None:
    lines = [
        "t1,requested,2026-03-01T09:00:00Z,jlee",
        "t1,rejected,2026-03-02T09:00:00Z,mgonzalez",
        "t1,entered-in-error,2026-03-03T09:00:00Z,jlee",
        "t1,requested,2026-03-04T09:00:00Z,jlee",
    ]
    assert _replay_fhir(tmp_path, lines) == [
        ("t1", "out-of-order", "after the case ended at entered-in-error")
    ]


@st.composite
def _journeys(draw: st.DrawFn) -> Journey:
    n = draw(st.integers(2, 6))
    names = [f"s{i}" for i in range(n)]
    ends = ["done", "void"]
    steps = {}
    for i, name in enumerate(names):
        later = names[i + 1 :] + ends
        nxt = draw(st.lists(st.sampled_from(later), min_size=1, max_size=3, unique=True))
        steps[name] = {"title": name, "owner": "r", "next": nxt, "optional": draw(st.booleans())}
    exits = {
        "done": {"title": "Done", "kind": "completed", "next": ["void"] if draw(st.booleans()) else []},
        "void": {"title": "Void", "kind": "entered-in-error"},
    }
    return Journey.model_validate(
        {"title": "T", "kind": "status", "start": "s0", "steps": steps, "exits": exits}
    )


@settings(max_examples=60, deadline=None)
@given(_journeys())
def test_the_tracker_and_the_replay_allow_the_same_moves(journey: Journey) -> None:
    machine = journey_machine(journey)
    moves = JourneyMoves.of(_workflow_with(journey), "j")
    for source in moves.names:
        allowed = set(journey.moves_from(source))
        for target in moves.names:
            fits = moves.moves[moves.codes[source], moves.codes[target]] == FIT
            try:
                machine.move("x", source, f"move:{target}", None)
                moved = True
            except TransitionRefused:
                moved = False
            assert fits == moved == (target in allowed)
    assert {moves.names[c] for c in moves.graph.successors(moves.start)} == set(journey.first_steps())


def _workflow_with(journey: Journey) -> Workflow:
    workflow = loads(
        "id: w\ntitle: W\norganizations: {o: {name: O, kind: cbo}}\n"
        "people: {p: {name: P, org: o}}\nroles: {r: {org: o, title: R, held_by: p}}\n"
    ).workflow
    return workflow.model_copy(update={"journeys": {"j": journey}})


# -- BPMN and the map ----------------------------------------------------------------------


def test_bpmn_keeps_the_kind_optional_steps_movers_and_exits_moves_out(tmp_path: Path) -> None:
    original = load(FHIR).workflow
    bpmn = tmp_path / "task.bpmn"
    bpmn.write_bytes(export_bpmn(original, journey="referral-task"))
    back = loads(workflow_yaml(import_bpmn(bpmn), str(bpmn)), "back.yaml").workflow
    journey, returned = original.journeys["referral-task"], back.journeys["referral-task"]
    assert returned.kind is JourneyKind.STATUS
    assert {s: (x.optional, x.moved_by, x.stage) for s, x in journey.steps.items()} == {
        s: (x.optional, x.moved_by, x.stage) for s, x in returned.steps.items()
    }
    assert {e: (x.next, x.moved_by) for e, x in journey.exits.items()} == {
        e: (x.next, x.moved_by) for e, x in returned.exits.items()
    }


def test_a_status_journey_map_has_no_stage_bands_and_draws_exits_apart() -> None:
    workflow = load(FHIR).workflow
    lane_map = journey_map(workflow, "referral-task")
    assert [b.key for b in lane_map.blocks] == [STATUSES, EXITS]
    exits = {c.key: c for c in lane_map.cards if c.kind == "exit"}
    assert {k: (c.fill, c.border) for k, c in exits.items()} == {
        k: (EXIT_LOOKS[end.kind].fill, EXIT_LOOKS[end.kind].border)
        for k, end in workflow.journeys["referral-task"].exits.items()
    }
    # Moves out of an exit are drawn; a move into a card that says who sets it has no label.
    assert {(link.tail, link.head) for link in lane_map.links} >= {("completed", "entered-in-error")}
    assert "Entered in error\nset by plan-referrals" in [c.label for c in lane_map.cards]
    assert all(link.label is None for link in lane_map.links if link.head == "entered-in-error")
    dot = str(draw_lane_map(lane_map))
    styles = {key: next(line for line in dot.splitlines() if f'id="exit-{key}"' in line) for key in exits}
    assert 'peripheries="2"' in styles["completed"]
    assert "dashed" in styles["cancelled"] and "dotted" in styles["entered-in-error"]
    legend = " ".join(lane_map.legend)
    for kind in ("completed", "failed", "rejected", "cancelled", "entered-in-error"):
        assert f"exit {kind}: " in legend


def test_a_member_journey_map_keeps_its_five_stage_bands() -> None:
    lane_map = journey_map(load(MEMBER).workflow, "member")
    assert [b.key for b in lane_map.blocks] == [*(s.value for s in Stage), EXITS]
    assert all(link.label is None or link.kind == "handoff" for link in lane_map.links)


def test_the_status_map_cards_sit_in_their_lanes_without_overlapping() -> None:
    import xml.etree.ElementTree as ET

    from lifecycle.drawing.maps import build_map

    document = load(FHIR)
    journey = document.workflow.journeys["referral-task"]
    drawn = groups_by_id(ET.fromstring(build_map(document, journey="referral-task").graph.pipe(format="svg")))
    # A step sits in its owner's lane; an exit in the lane the map gives it (who moves into it).
    lanes = {f"step-{sid}": step.owner for sid, step in journey.steps.items()}
    exits = {card.key: card.lane for card in journey_map(document.workflow, "referral-task").cards}
    lanes |= {f"exit-{key}": exits[key] for key in journey.exits}
    boxes = {gid: box(drawn[gid]) for gid in lanes}
    assert len(boxes) == 10
    for gid, lane in lanes.items():
        assert inside(boxes[gid], box(drawn[f"lane-{lane}"])), f"{gid} is outside lane {lane}"
    for (a, one), (b, other) in itertools.combinations(boxes.items(), 2):
        apart = one[2] <= other[0] or other[2] <= one[0] or one[3] <= other[1] or other[3] <= one[1]
        assert apart, f"{a} overlaps {b}"


def test_a_person_or_a_go_to_person_named_as_a_mover_is_reported_where_named() -> None:
    go_to = HEAD.replace("roles:\n", "  dmorgan: {name: Dana Morgan, org: hub, official: false}\nroles:\n")
    text = """\
journeys:
  task:
    title: Statuses
    kind: status
    start: requested
    steps:
      requested:
        title: Requested
        owner: hub-intake
        next: [done, gone]
        moved_by: {done: mgonzalez, gone: [hub-intake, dmorgan]}
    exits:
      done: {title: Done, kind: completed}
      gone: {title: Gone, kind: cancelled}
"""
    document = loads(go_to + text)
    [person] = check(document, select=["SPF011"])
    assert person.message == (
        "journey 'task': the move from 'requested' to 'done' is made by the person 'mgonzalez', not a role"
    )
    [unofficial] = check(document, select=["SPF002"])
    assert unofficial.message.startswith(
        "journey 'task': the move from 'requested' to 'gone' is made by 'dmorgan', an unofficial go-to person"
    )
    assert (person.location.line, unofficial.location.line) == (24, 24)
    assert unofficial.location.column > person.location.column


def test_the_replay_reports_of_a_status_journey_leave_out_the_stage_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "tasks.csv"
    log.write_text(
        "case,activity,timestamp\nt1,requested,2026-03-01T09:00:00Z\nt1,rejected,2026-03-02T09:00:00Z\n",
        encoding="utf-8",
    )
    for fmt in ("text", "html"):
        with pytest.raises(SystemExit) as stopped:
            main(["conformance", str(FHIR), "--journey", "referral-task", "--log", str(log), "--format", fmt])
        out = capsys.readouterr().out
        assert stopped.value.code in (0, None)
        assert "no stage to stage figures: the journey's steps are statuses without a stage" in out.replace(
            "&#x27;", "'"
        )
        assert "identification -> engagement" not in out
    with pytest.raises(SystemExit):
        main(["conformance", str(MEMBER), "--journey", "member", "--log", str(log)])
    assert "identification -> engagement" in capsys.readouterr().out

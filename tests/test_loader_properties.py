"""Property-based tests: generated valid workflows load, and survive a round trip."""

from __future__ import annotations

import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecycle.diagnostics import LoadError
from lifecycle.loader import loads
from lifecycle.model import Channel, OrgKind, Stage

ids = st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=12).filter(
    lambda s: s[0] != "-"
)
# Titles include characters YAML treats specially, to prove quoting round-trips.
titles = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s != ""
)


@st.composite
def workflows(draw: st.DrawFn) -> dict:
    org_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    names = draw(st.lists(ids, min_size=len(org_ids) + 4, max_size=len(org_ids) + 12, unique=True))
    person_ids, role_ids = names[: len(names) // 2], names[len(names) // 2 :]
    people = {p: {"name": draw(titles), "org": draw(st.sampled_from(org_ids))} for p in person_ids}
    roles = {
        r: {
            "org": draw(st.sampled_from(org_ids)),
            "title": draw(titles),
            "held_by": draw(st.lists(st.sampled_from(person_ids), max_size=2, unique=True)),
        }
        for r in role_ids
    }
    organizations = {
        o: {
            "name": draw(titles),
            "kind": draw(st.sampled_from([k.value for k in OrgKind])),
            "point_of_contact": draw(st.sampled_from(role_ids)),
        }
        for o in org_ids
    }
    task_ids = draw(st.lists(ids, min_size=1, max_size=8, unique=True))
    tasks = {}
    for i, tid in enumerate(task_ids):
        tasks[tid] = {
            "title": draw(titles),
            "owner": [draw(st.sampled_from(role_ids))],
            "after": draw(st.lists(st.sampled_from(task_ids[:i]), unique=True)) if i else [],
        }
    handoffs = {
        h: {
            "from": draw(st.sampled_from(role_ids + person_ids)),
            "to": draw(st.sampled_from(role_ids)),
            "channel": draw(st.sampled_from([c.value for c in Channel])),
        }
        for h in draw(st.lists(ids, max_size=3, unique=True))
    }
    steps = {
        "identify": {
            "title": "Identify",
            "stage": Stage.IDENTIFICATION.value,
            "owner": role_ids[0],
            "next": ["enroll", "declined"],
        },
        "enroll": {
            "title": "Enroll",
            "stage": Stage.ENROLLMENT.value,
            "owner": role_ids[-1],
            "next": ["done"],
        },
    }
    return {
        "id": draw(ids),
        "title": draw(titles),
        "organizations": organizations,
        "people": people,
        "roles": roles,
        "phases": {"scoping": {"title": "Scoping", "kind": "scoping", "tasks": tasks}},
        "handoffs": handoffs,
        "journeys": {
            "member": {
                "title": "Member journey",
                "start": "identify",
                "steps": steps,
                "exits": {
                    "declined": {"title": "Declined", "kind": "declined"},
                    "done": {"title": "Done", "kind": "completed"},
                },
            }
        },
    }


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(workflows())
def test_generated_workflows_load_and_round_trip(data):
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    document = loads(text, "generated.yaml")
    dumped = document.workflow.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    again = loads(yaml.safe_dump(dumped, allow_unicode=True, sort_keys=False), "again.yaml")
    assert again.workflow == document.workflow
    assert list(document.workflow.tasks()) == list(data["phases"]["scoping"]["tasks"])
    for rid, role in data["roles"].items():
        assert document.workflow.roles[rid].held_by == role["held_by"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(workflows(), st.data())
def test_a_broken_reference_is_always_reported_at_its_line(data, pick):
    tid = pick.draw(st.sampled_from(sorted(data["phases"]["scoping"]["tasks"])))
    data["phases"]["scoping"]["tasks"][tid]["owner"] = ["no-such-role-x"]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        loads(text, "generated.yaml")
    except LoadError as exc:
        (d,) = exc.diagnostics
        assert d.code == "E301"
        assert "no-such-role-x" in text.splitlines()[d.location.line - 1]
    else:
        raise AssertionError("the unknown owner was not reported")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes_the_loader(text):
    try:
        loads(text, "fuzz.yaml")
    except LoadError as exc:
        assert exc.diagnostics
        for d in exc.diagnostics:
            assert d.code.startswith("E")

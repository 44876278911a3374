"""Hypothesis: no rule, score or what-if crashes on any valid workflow, and
every finding points at a line of the file."""

from __future__ import annotations

import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecycle.checks import run_checks
from lifecycle.loader import loads
from lifecycle.model import Channel, Consent, ReadinessItem
from lifecycle.resilience import resilience_score, whatif

ids = st.text(string.ascii_lowercase, min_size=1, max_size=6)


@st.composite
def workflows(draw: st.DrawFn) -> dict:
    names = draw(st.lists(ids, min_size=12, max_size=30, unique=True))
    orgs, people, roles = names[:3], names[3:7], names[7:11]
    org_ids = draw(st.lists(st.sampled_from(orgs), min_size=1, max_size=3, unique=True))
    kinds = ["payer", "cch", "cbo"]
    data: dict = {"id": "w", "title": "W", "organizations": {}}
    role_ids = roles
    for oid in org_ids:
        org: dict = {"name": oid, "kind": draw(st.sampled_from(kinds))}
        if draw(st.booleans()):
            org["point_of_contact"] = draw(st.sampled_from(role_ids))
        if draw(st.booleans()):
            org["network"] = draw(st.sampled_from(org_ids))
        data["organizations"][oid] = org
    data["people"] = {
        p: {"name": p, "org": draw(st.sampled_from(org_ids)), "official": draw(st.booleans())} for p in people
    }
    data["roles"] = {}
    for rid in role_ids:
        role: dict = {
            "org": draw(st.sampled_from(org_ids)),
            "title": rid,
            "held_by": draw(st.lists(st.sampled_from(people), max_size=2, unique=True)),
            "decision_authority": draw(st.booleans()),
        }
        if draw(st.booleans()):
            role["backup"] = draw(st.sampled_from(role_ids))  # cycles and self-backups included
        data["roles"][rid] = role
    actors = role_ids + people
    task_ids = [f"t{i}" for i in range(draw(st.integers(0, 6)))]
    artifacts = ["a1", "a2"]
    data["artifacts"] = {a: {"title": a} for a in artifacts}
    tasks = {}
    for tid in task_ids:
        tasks[tid] = {
            "title": tid,
            "owner": draw(st.lists(st.sampled_from(role_ids), max_size=2, unique=True)),
            "responsible": draw(st.lists(st.sampled_from(role_ids), max_size=2, unique=True)),
            "after": draw(st.lists(st.sampled_from(task_ids), max_size=2, unique=True)),
            "produces": draw(st.lists(st.sampled_from(artifacts), max_size=1)),
            "needs": draw(st.lists(st.sampled_from(artifacts), max_size=1)),
        }
    split = draw(st.integers(0, len(task_ids)))
    gate = {
        "title": "G",
        "launch": draw(st.booleans()),
        "criteria": {
            "c": {
                "title": "C",
                "tasks": draw(st.lists(st.sampled_from(task_ids), max_size=2, unique=True))
                if task_ids
                else [],
                "artifacts": draw(st.lists(st.sampled_from(artifacts), max_size=1)),
                "signoff": draw(st.lists(st.sampled_from(role_ids), max_size=1)),
                "readiness": draw(st.sampled_from([None, *[r.value for r in ReadinessItem]])),
            }
        },
    }
    data["phases"] = {
        "one": {"title": "One", "tasks": {t: tasks[t] for t in task_ids[:split]}, "exit_gate": gate},
        "two": {"title": "Two", "tasks": {t: tasks[t] for t in task_ids[split:]}},
    }
    channels = [None, *[c.value for c in Channel]]
    data["handoffs"] = {
        f"h{i}": {
            "from": draw(st.sampled_from(actors)),
            "to": draw(st.sampled_from(actors)),
            **({"channel": c} if (c := draw(st.sampled_from(channels))) else {}),
        }
        for i in range(draw(st.integers(0, 4)))
    }
    steps = [f"s{i}" for i in range(draw(st.integers(1, 5)))]
    exits = [f"x{i}" for i in range(draw(st.integers(0, 2)))]
    data["journeys"] = {
        "j": {
            "title": "J",
            "start": steps[0],
            "steps": {
                s: {
                    "title": s,
                    "stage": "engagement",
                    "owner": draw(st.sampled_from(actors)),
                    "next": draw(st.lists(st.sampled_from(steps + exits), max_size=2, unique=True)),
                }
                for s in steps
            },
            "exits": {x: {"title": x, "kind": "completed"} for x in exits},
        }
    }
    data["escalations"] = {
        f"e{i}": {
            "title": "E",
            "trigger": "T",
            "levels": draw(st.lists(st.sampled_from(actors), min_size=1, max_size=3)),
        }
        for i in range(draw(st.integers(0, 2)))
    }
    data["meetings"] = {"m": {"title": "M", "attendees": draw(st.lists(st.sampled_from(actors), max_size=3))}}
    data["data_exchanges"] = {
        "d": {
            "from": draw(st.sampled_from(org_ids)),
            "to": draw(st.sampled_from(org_ids)),
            **({"channel": c} if (c := draw(st.sampled_from(channels))) else {}),
            **({"consent": c} if (c := draw(st.sampled_from([None, *[c.value for c in Consent]]))) else {}),
            **({"phi": p} if (p := draw(st.sampled_from([None, True, False]))) is not None else {}),
        }
    }
    data["ignore"] = [{"rule": "GAP003", "reason": "r"}] if draw(st.booleans()) else []
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workflows(), st.data())
def test_rules_score_and_whatif_never_crash(data, draw):
    document = loads(yaml.safe_dump(data, sort_keys=False), "w.yaml")
    report = run_checks(document)
    for finding in report.findings:
        assert finding.location.line > 0, finding
    score = resilience_score(document.workflow)
    assert 0 <= score.overall.score <= 100
    target = draw.draw(
        st.sampled_from([f"person:{p}" for p in data["people"]] + [f"role:{r}" for r in data["roles"]])
    )
    result = whatif(document, [target])
    assert result.after.overall.covered <= result.before.overall.covered

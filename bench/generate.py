"""Generate large, valid workflows for benchmarks: a health plan, a community
care hub and N CBOs in its network.

Each CBO brings 10 roles, 20 people, one phase of 100 tasks (with predecessors,
artifacts and an exit gate), 6 handoffs, an escalation path, a data exchange and
a case-conferencing meeting; the plan and the hub add a few roles, people, a
shared member journey and a launch gate. With ``cbos=100`` that is 10,000 CBO
tasks, 1,000 CBO roles and 2,000 CBO people.

Use it from other benchmarks::

    from bench.generate import generate_text
    text = generate_text(cbos=100)

or from the shell: ``python bench/generate.py 100 > big.yaml``.
"""

from __future__ import annotations

import random
import sys
from typing import Any

import yaml

TASKS_PER_CBO = 100
ROLES_PER_CBO = 10
PEOPLE_PER_CBO = 20

_READINESS = [
    "credentialing",
    "staff-training",
    "data-security-review",
    "technology-onboarding",
    "workflow-testing",
    "pre-payment-funds",
]


def _hub_and_plan(data: dict[str, Any]) -> None:
    data["organizations"].update(
        {
            "plan": {"name": "Riverbend Health Plan", "kind": "payer", "point_of_contact": "plan-poc"},
            "hub": {"name": "Valley Community Care Hub", "kind": "cch", "point_of_contact": "hub-lead"},
        }
    )
    people = {
        "plan-a": "plan",
        "plan-b": "plan",
        "plan-c": "plan",
        "hub-a": "hub",
        "hub-b": "hub",
        "hub-c": "hub",
        "hub-d": "hub",
    }
    for pid, org in people.items():
        data["people"][pid] = {"name": f"Staff {pid}", "org": org}
    data["roles"].update(
        {
            "plan-poc": {
                "org": "plan",
                "title": "Point of contact",
                "held_by": ["plan-a"],
                "backup": "plan-lead",
            },
            "plan-lead": {
                "org": "plan",
                "title": "Care management lead",
                "held_by": ["plan-b", "plan-c"],
                "decision_authority": True,
            },
            "hub-lead": {
                "org": "hub",
                "title": "Network lead",
                "held_by": ["hub-a"],
                "backup": "hub-director",
            },
            "hub-director": {
                "org": "hub",
                "title": "Hub director",
                "held_by": ["hub-b"],
                "backup": "hub-coordinator",
                "decision_authority": True,
            },
            "hub-coordinator": {"org": "hub", "title": "Referral coordinator", "held_by": ["hub-c", "hub-d"]},
        }
    )
    data["handoffs"]["plan-to-hub"] = {
        "from": "plan-poc",
        "to": "hub-coordinator",
        "channel": "portal",
        "passes": "member referrals",
    }
    data["meetings"]["joc"] = {
        "title": "Joint operating committee",
        "kind": "joc",
        "cadence": "monthly",
        "attendees": ["plan-poc", "plan-lead", "hub-lead", "hub-director"],
        "chair": ["plan-poc", "hub-lead"],
        "leaders": ["plan-lead", "hub-director"],
        "inputs": ["plan-to-hub"],
        "template": "joc-deck",
        "follow_up_owner": "hub-lead",
    }
    data["artifacts"]["joc-deck"] = {"title": "Joint Operating Committee Template slide deck"}
    data["journeys"]["member"] = {
        "title": "Member journey",
        "start": "identify",
        "steps": {
            "identify": {
                "title": "Identify",
                "stage": "identification",
                "owner": "plan-poc",
                "next": ["engage"],
            },
            "engage": {
                "title": "Engage",
                "stage": "engagement",
                "owner": "hub-coordinator",
                "via": "plan-to-hub",
                "next": ["enroll", "declined"],
            },
            "enroll": {
                "title": "Enroll",
                "stage": "enrollment",
                "owner": "hub-coordinator",
                "next": ["serve"],
            },
            "serve": {"title": "Serve", "stage": "service-provision", "owner": "hub-lead", "next": ["close"]},
            "close": {"title": "Close", "stage": "service-completion", "owner": "hub-lead", "next": ["done"]},
        },
        "exits": {
            "done": {"title": "Completed", "kind": "completed"},
            "declined": {"title": "Declined", "kind": "declined"},
        },
    }
    tasks = {
        f"launch-{item}": {
            "title": f"Complete {item}",
            "owner": "hub-lead",
            "responsible": ["hub-coordinator"],
            "readiness": item,
        }
        for item in _READINESS
    }
    tasks["launch-workflow-testing"]["workflows"] = ["referral", "reporting", "payment"]
    data["phases"]["pre-launch"] = {
        "title": "Pre-launch activities",
        "kind": "pre-launch",
        "tasks": tasks,
        "exit_gate": {
            "title": "Launch readiness",
            "launch": True,
            "criteria": {
                f"ready-{item}": {"title": f"{item} done", "readiness": item, "tasks": [f"launch-{item}"]}
                for item in _READINESS
            },
        },
    }


def _cbo(data: dict[str, Any], index: int, rng: random.Random) -> None:
    oid = f"cbo-{index}"
    role = [f"{oid}-r{k}" for k in range(ROLES_PER_CBO)]
    people = [f"{oid}-p{k}" for k in range(PEOPLE_PER_CBO)]
    data["organizations"][oid] = {
        "name": f"Community organization {index}",
        "kind": "cbo",
        "network": "hub",
        "point_of_contact": role[0],
    }
    for pid in people:
        data["people"][pid] = {"name": f"Staff {pid}", "org": oid}
    for k, rid in enumerate(role):
        data["roles"][rid] = {
            "org": oid,
            "title": f"Role {k}",
            "held_by": [people[2 * k], people[2 * k + 1]],
            "decision_authority": k == 1,
            **({"backup": role[1]} if k != 1 else {"backup": role[0]}),
        }
    tasks: dict[str, Any] = {}
    for k in range(TASKS_PER_CBO):
        tid = f"{oid}-t{k}"
        task: dict[str, Any] = {
            "title": f"Task {k} of {oid}",
            "owner": role[k % ROLES_PER_CBO],
            "responsible": [role[(k + 1) % ROLES_PER_CBO]],
            "consulted": [role[rng.randrange(ROLES_PER_CBO)]],
        }
        if k:
            task["after"] = [f"{oid}-t{k - 1}"] + ([f"{oid}-t{rng.randrange(k)}"] if k > 2 else [])
        if k % 10 == 0:
            task["produces"] = [f"{oid}-a{k // 10}"]
            data["artifacts"][f"{oid}-a{k // 10}"] = {"title": f"Artifact {k // 10} of {oid}"}
        if k % 10 == 5:
            task["needs"] = [f"{oid}-a{k // 10}"]
        tasks[tid] = task
    data["phases"][f"{oid}-onboarding"] = {
        "title": f"Onboarding {oid}",
        "kind": "implementation",
        "tasks": tasks,
        "exit_gate": {
            "title": f"{oid} onboarded",
            "criteria": {
                f"{oid}-done": {
                    "title": "Onboarding done",
                    "tasks": [f"{oid}-t{TASKS_PER_CBO - 1}"],
                    "artifacts": [f"{oid}-a0"],
                    "signoff": [role[1]],
                }
            },
        },
    }
    handoffs = [
        (role[0], "hub-coordinator", "portal"),
        ("hub-coordinator", role[0], "portal"),
        (role[2], role[0], None),
        (role[3], role[2], None),
        (role[0], "hub-lead", "secure-email"),
        (role[4], role[0], None),
    ]
    for k, (sender, receiver, channel) in enumerate(handoffs):
        handoff: dict[str, Any] = {"from": sender, "to": receiver, "passes": "member updates"}
        if channel:
            handoff["channel"] = channel
        data["handoffs"][f"{oid}-h{k}"] = handoff
    data["escalations"][f"{oid}-barrier"] = {
        "title": f"Member barrier at {oid}",
        "trigger": "member issue unresolved after 5 business days",
        "levels": [role[2], role[0], "hub-lead", "plan-poc", "plan-lead"],
        "response_time": "2 business days",
    }
    data["data_exchanges"][f"{oid}-encounters"] = {
        "from": oid,
        "to": "hub",
        "elements": ["member ID", "service date", "service code"],
        "frequency": "weekly",
        "channel": "sftp",
        "consent": "not-required",
        "phi": True,
        "portal_access": ["view"],
    }
    data["meetings"][f"{oid}-cases"] = {
        "title": f"Case conferencing at {oid}",
        "kind": "case-conferencing",
        "cadence": "biweekly",
        "attendees": [role[0], role[2], "hub-coordinator"],
        "follow_up_owner": role[0],
        "inputs": [f"{oid}-h0"],
        "template": "joc-deck",
    }


def generate(cbos: int, seed: int = 0) -> dict[str, Any]:
    """A valid workflow (as plain data) for a hub network of ``cbos`` CBOs."""
    rng = random.Random(seed)
    data: dict[str, Any] = {
        "format": 1,
        "id": f"hub-network-{cbos}",
        "title": f"Community care hub network of {cbos} CBOs",
        "organizations": {},
        "people": {},
        "roles": {},
        "artifacts": {},
        "phases": {},
        "handoffs": {},
        "journeys": {},
        "escalations": {},
        "meetings": {},
        "data_exchanges": {},
    }
    _hub_and_plan(data)
    for index in range(cbos):
        _cbo(data, index, rng)
    return data


def generate_text(cbos: int, seed: int = 0) -> str:
    """The workflow of :func:`generate` as YAML text."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(generate(cbos, seed), Dumper=dumper, sort_keys=False, width=120)


if __name__ == "__main__":
    sys.stdout.write(generate_text(int(sys.argv[1]) if len(sys.argv) > 1 else 10))

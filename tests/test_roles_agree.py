"""The checks and the tracker give one answer to "who can act for this role".

On generated workflows (roles with and without holders, backup chains, loops and
self-backups), the people whose gate sign-off the tracker accepts for a role are
exactly the people the checks count as able to carry it, and GATE002 ("a
sign-off role nobody holds") fires exactly when the tracker accepts nobody.
"""

from __future__ import annotations

import datetime as dt
import string
import tempfile
from pathlib import Path

import yaml
from backends import NewDatabase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecycle.checks import check
from lifecycle.checks.facts import Facts
from lifecycle.loader import load
from lifecycle.roles import authority
from lifecycle.store import open_store
from lifecycle.tracking import SignoffRefused, Tracker

ids = st.text(string.ascii_lowercase, min_size=2, max_size=6)


@st.composite
def role_workflows(draw: st.DrawFn) -> dict:
    names = draw(st.lists(ids, min_size=8, max_size=8, unique=True))
    people, roles = names[:4], names[4:]
    data: dict = {
        "id": "w",
        "title": "W",
        "organizations": {"plan": {"name": "Plan", "kind": "payer"}},
        "people": {p: {"name": p, "org": "plan"} for p in people},
        "roles": {},
    }
    for rid in roles:
        role: dict = {
            "org": "plan",
            "title": rid,
            "held_by": draw(st.lists(st.sampled_from(people), max_size=2, unique=True)),
        }
        if draw(st.booleans()):
            role["backup"] = draw(st.sampled_from(roles))  # loops and self-backups included
        data["roles"][rid] = role
    signing = draw(st.lists(st.sampled_from(roles), min_size=1, max_size=3, unique=True))
    data["phases"] = {
        "scoping": {
            "title": "Scoping",
            "exit_gate": {
                "title": "Ready",
                "criteria": {"ok": {"title": "Agreed", "signoff": signing}},
            },
        }
    }
    return data


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=role_workflows())
def test_tracker_accepts_exactly_whom_the_checks_count(new_db: NewDatabase, data: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        document = load(path)
        facts = Facts(document.workflow)
        unheld = {d.element for d in check(document, select=["GATE002"])}
        tracker = Tracker(open_store(new_db(migrated=True), create=True))
        try:
            first = next(iter(data["people"]))
            tracker.start_partnership("p", str(path), dt.date(2026, 1, 1), dt.date(2026, 12, 31), actor=first)
            signing = data["phases"]["scoping"]["exit_gate"]["criteria"]["ok"]["signoff"]
            for role in signing:
                accepted = set()
                for person in data["people"]:
                    try:
                        tracker.sign_off("p", "scoping", actor=person, evidence="ok", role=role)
                    except SignoffRefused:
                        continue
                    accepted.add(person)
                assert accepted == facts.carriers(role)
                assert (role in unheld) == (not accepted)
                for person in accepted:
                    power = authority(document.workflow, person, role)
                    assert power is not None
                    shown = {e.detail for e in tracker.audit("p", actor=person, action="gate.signoff")}
                    assert any(detail and detail.startswith(power.describe() + ":") for detail in shown)
        finally:
            tracker.close()

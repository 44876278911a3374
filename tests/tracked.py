"""A small partnership workflow for the tracking tests, and helpers to run it
on either backend (see ``backends.py``).

A health plan, a food bank and a hospital; the plan's point of contact has a
backup (the care-management lead); a facilitator may act for anyone, with a
reason; members may be referred once the launch gate is passed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cli_run import CliResult, run_cli

from lifecycle.store import open_store
from lifecycle.tracking import Tracker

WORLD = """\
id: world
title: Riverside and Eastside
organizations:
  plan: {name: Riverside Health Plan, kind: payer, point_of_contact: plan-poc}
  cbo: {name: Eastside Food Bank, kind: cbo, point_of_contact: cbo-pm}
  hospital: {name: Mercy Hospital, kind: health-system, point_of_contact: hosp-it}
people:
  jlee: {name: Jo Lee, org: plan}
  mbell: {name: Mo Bell, org: plan}
  fac: {name: Fay Cole, org: plan}
  mgo: {name: Mari Go, org: cbo}
  intake: {name: Ina Take, org: cbo}
  hit: {name: Hal Tran, org: hospital}
roles:
  plan-poc:
    {org: plan, title: Point of contact, held_by: [jlee], backup: plan-cm-lead, decision_authority: true}
  plan-cm-lead: {org: plan, title: Care management lead, held_by: [mbell]}
  facilitator: {org: plan, title: Partnership facilitator, held_by: [fac], acts_for_anyone: true}
  cbo-pm: {org: cbo, title: Program manager, held_by: [mgo], decision_authority: true}
  cbo-intake: {org: cbo, title: Intake coordinator, held_by: [intake]}
  hosp-it: {org: hospital, title: IT lead, held_by: [hit]}
artifacts:
  contract: {title: Signed contract}
  it-plan: {title: IT onboarding plan}
phases:
  scoping:
    title: Scoping
    kind: scoping
    tasks:
      write-scope: {title: Write the scope of work, owner: plan-poc, responsible: cbo-pm}
      sign-contract: {title: Sign the contract, owner: plan-poc, after: write-scope, produces: contract}
    exit_gate:
      title: Contract signed
      criteria:
        signed: {title: Contract signed, tasks: [sign-contract], artifacts: [contract], signoff: [plan-poc]}
  pre-launch:
    title: Pre-launch
    kind: pre-launch
    tasks:
      it-onboarding: {title: Onboard the hospital's IT, owner: hosp-it, produces: it-plan}
      train-intake: {title: Train intake staff, owner: cbo-pm, responsible: cbo-intake}
    exit_gate:
      title: Launch readiness
      launch: true
      criteria:
        it: {title: IT ready, tasks: [it-onboarding], artifacts: [it-plan], signoff: [hosp-it]}
        trained: {title: Intake trained, tasks: [train-intake], signoff: [cbo-pm]}
  implementation:
    title: Implementation
    kind: implementation
    tasks:
      review-quarter: {title: Review the first quarter, owner: plan-poc}
handoffs:
  referral: {from: plan-poc, to: cbo-intake, channel: portal, passes: member referral}
journeys:
  member:
    title: Member journey
    start: identify
    steps:
      identify: {title: Identify, stage: identification, owner: plan-poc, next: [intake]}
      intake: {title: Intake, stage: engagement, owner: cbo-intake, via: referral, next: [serve, declined]}
      serve: {title: Serve, stage: service-provision, owner: cbo-intake, next: [done]}
    exits:
      declined: {title: Declined, kind: declined}
      done: {title: Completed, kind: completed}
escalations:
  barrier:
    title: Member barrier
    trigger: unresolved after 5 business days
    levels: [cbo-intake, cbo-pm, plan-poc]
    response_time: 2 days
"""

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def world(folder: Path, text: str = WORLD) -> Path:
    """Write the workflow into ``folder`` and return its path."""
    path = folder / "world.yaml"
    path.write_text(text, encoding="utf-8")
    return path


_OPENED: list[Tracker] = []
"""The trackers :func:`opened` opened in the running test (see :func:`close_opened`)."""


def close_opened() -> None:
    """Close every tracker :func:`opened` opened: the conftest does it after each test,
    so a test's connections end with it, not whenever the collector finds them."""
    while _OPENED:
        _OPENED.pop().close()


def opened(url: str, *, create: bool = False) -> Tracker:
    """A tracker on ``url``, closed when the running test ends (see :func:`close_opened`)."""
    tracker = Tracker(open_store(url, create=create))
    _OPENED.append(tracker)
    return tracker


def started(url: str, workflow: Path, name: str = "acme", phase: str | None = None) -> Tracker:
    """A tracker on ``url`` with partnership ``name`` started by jlee."""
    tracker = opened(url, create=True)
    tracker.start_partnership(name, str(workflow), START, END, actor="jlee", phase=phase)
    return tracker


def launched(url: str, workflow: Path, name: str = "acme") -> Tracker:
    """A tracker with partnership ``name`` started at pre-launch and moved past
    its launch gate, every criterion met by the people entitled to."""
    tracker = started(url, workflow, name, phase="pre-launch")
    tracker.change_tasks(name, ["it-onboarding"], "start", actor="hit")
    tracker.change_tasks(name, ["it-onboarding"], "done", actor="hit", evidence="IT plan v1")
    tracker.change_tasks(name, ["train-intake"], "start", actor="intake")
    tracker.change_tasks(name, ["train-intake"], "done", actor="intake")
    tracker.sign_off(name, "pre-launch", actor="hit", evidence="IT verified")
    tracker.sign_off(name, "pre-launch", actor="mgo", evidence="training log")
    tracker.advance(name, actor="jlee")
    return tracker


def lifecycle(*args: str) -> CliResult:
    """Run the command line (in this process, as ``cli_run.run_cli`` does)."""
    return run_cli(*args)

"""Generated workflows that stress the maps: a referral journey with 12 steps, 5 exits
and 3 loops; a phase of 60 tasks over 25 roles of 4 organizations; a community care
hub with 10 CBOs. Shared by the rendering tests and ``bench/``."""

from __future__ import annotations

STAGES = ("identification", "engagement", "enrollment", "service-provision", "service-completion")
EXIT_KINDS = ("completed", "declined", "unreachable", "ineligible", "transferred")


def stress_journey() -> str:
    """A referral journey shaped like a FHIR referral Task's status lifecycle: 12 steps,
    5 exits reached from many steps, and 3 loops back to earlier steps."""
    roles = {
        "plan-cm": ("plan", "Care manager"),
        "hub-intake": ("hub", "Referral intake coordinator"),
        "cbo-nav": ("cbo", "Navigator"),
        "cbo-lead": ("cbo", "Program lead"),
    }
    steps = [
        ("draft", "Referral drafted", 0, "plan-cm", ["requested"]),
        ("requested", "Referral requested", 0, "plan-cm", ["received", "cancelled"]),
        ("received", "Hub receives the referral", 0, "hub-intake", ["accepted", "rejected"]),
        ("accepted", "Referral accepted", 1, "hub-intake", ["ready", "rejected", "cancelled"]),
        ("ready", "Assigned to a navigator", 1, "cbo-nav", ["in-progress", "unreachable"]),
        ("in-progress", "Navigator works the referral", 2, "cbo-nav", ["on-hold", "enrolled", "unreachable"]),
        (
            "on-hold",
            "On hold: waiting on the member",
            2,
            "cbo-nav",
            ["in-progress", "cancelled", "unreachable"],
        ),
        ("enrolled", "Member enrolled", 2, "cbo-lead", ["serving", "rejected"]),
        ("serving", "Services delivered", 3, "cbo-nav", ["barrier", "wrap-up", "cancelled"]),
        ("barrier", "Plan expedites a member barrier", 3, "plan-cm", ["serving", "transferred"]),
        ("wrap-up", "Services completed", 4, "cbo-nav", ["reported", "requested"]),
        ("reported", "Completion reported to the plan", 4, "cbo-lead", ["done"]),
    ]
    exits = {
        "done": ("Completed", "completed"),
        "rejected": ("Rejected: not eligible", "ineligible"),
        "cancelled": ("Cancelled by the member", "declined"),
        "unreachable": ("Member could not be reached", "unreachable"),
        "transferred": ("Transferred to another program", "transferred"),
    }
    out = [
        "id: stress-journey",
        "title: Referral journey stress test",
        "organizations:",
        "  plan: {name: Health plan, kind: payer}",
        "  hub: {name: Community care hub, kind: cch}",
        "  cbo: {name: Food bank, kind: cbo}",
        "roles:",
        *(f"  {rid}: {{org: {org}, title: {title}}}" for rid, (org, title) in roles.items()),
        "handoffs:",
        "  referral: {from: plan-cm, to: hub-intake, channel: portal, passes: Referral}",
        "  assignment: {from: hub-intake, to: cbo-nav, channel: portal, passes: Assignment}",
        "journeys:",
        "  referral:",
        "    title: Referral from request to completion",
        "    start: draft",
        "    steps:",
    ]
    for sid, title, stage, owner, nxt in steps:
        via = {"received": "referral", "ready": "assignment"}.get(sid)
        extra = f", via: {via}" if via else ""
        out.append(
            f"      {sid}: {{title: '{title}', stage: {STAGES[stage]}, owner: {owner}, "
            f"next: [{', '.join(nxt)}]{extra}}}"
        )
    out.append("    exits:")
    out.extend(f"      {eid}: {{title: '{t}', kind: {k}}}" for eid, (t, k) in exits.items())
    return "\n".join(out) + "\n"


def big_phase(tasks: int = 60, roles: int = 25, orgs: int = 4) -> str:
    """One phase of ``tasks`` tasks over ``roles`` roles of ``orgs`` organizations, with
    dependencies, responsible and consulted roles across organizations, and handoffs."""
    kinds = ("payer", "cch", "cbo", "health-system")
    out = ["id: big-phase", "title: A crowded pre-launch", "organizations:"]
    out += [f"  o{i}: {{name: Organization {i}, kind: {kinds[i % len(kinds)]}}}" for i in range(orgs)]
    out.append("roles:")
    out += [f"  r{i}: {{org: o{i % orgs}, title: Role {i} of organization {i % orgs}}}" for i in range(roles)]
    out += ["phases:", "  pre:", "    title: Pre-launch", "    tasks:"]
    for t in range(tasks):
        after = f", after: [t{t - 1 - (t % 3)}]" if t >= 3 else ""
        out.append(
            f"      t{t}: {{title: Task {t} of the crowded phase, owner: r{t % roles}, "
            f"responsible: r{(t * 7 + 3) % roles}, consulted: r{(t * 11 + 5) % roles}{after}}}"
        )
    out.append("handoffs:")
    for h in range(tasks // 4):
        a, b = h * 4, h * 4 + 3
        out.append(
            f"  h{h}: {{from: r{(a * 7 + 3) % roles}, to: r{(b * 7 + 3) % roles}, channel: portal, "
            f"passes: Packet {h}, from_task: t{a}, to_task: t{b}}}"
        )
    return "\n".join(out) + "\n"


def hub_network(cbos: int = 10) -> str:
    """A payer, a community care hub and ``cbos`` CBOs: the hub contracts, each CBO
    delivers, referrals and invoices pass between the hub and every CBO."""
    out = [
        "id: hub-network",
        "title: A hub network of community organizations",
        "organizations:",
        "  plan: {name: Health plan, kind: payer}",
        "  hub: {name: Community care hub, kind: cch}",
    ]
    out += [f"  cbo{i}: {{name: Community organization {i}, kind: cbo}}" for i in range(cbos)]
    out += [
        "roles:",
        "  plan-poc: {org: plan, title: Partnership point of contact}",
        "  hub-network: {org: hub, title: Network manager}",
        "  hub-billing: {org: hub, title: Billing lead}",
    ]
    out += [f"  cbo{i}-lead: {{org: cbo{i}, title: Program lead}}" for i in range(cbos)]
    out += [
        "phases:",
        "  launch:",
        "    title: Pre-launch",
        "    tasks:",
        "      contract: {title: Sign the hub contract, owner: plan-poc, responsible: hub-network}",
    ]
    for i in range(cbos):
        out.append(
            f"      onboard{i}: {{title: Onboard community organization {i}, owner: hub-network, "
            f"responsible: cbo{i}-lead, after: contract}}"
        )
        out.append(
            f"      invoice{i}: {{title: Invoice for services of organization {i}, owner: cbo{i}-lead, "
            f"informed: hub-billing, after: onboard{i}}}"
        )
    out.append("handoffs:")
    for i in range(cbos):
        out.append(
            f"  referral{i}: {{from: hub-network, to: cbo{i}-lead, channel: portal, passes: Referrals, "
            f"from_task: contract, to_task: onboard{i}}}"
        )
        out.append(
            f"  invoice{i}: {{from: cbo{i}-lead, to: hub-billing, channel: portal, passes: Invoice, "
            f"from_task: invoice{i}}}"
        )
    return "\n".join(out) + "\n"

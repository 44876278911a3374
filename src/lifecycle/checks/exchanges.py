"""Data exchanges in a hub contract and the decisions a data strategy session
should record.

The seed: "When payers contract through CCHs, hubs centralize administrative
functions such as billing, reconciliation, incident escalation, referral
processes, data-sharing, and other contracting activities", and "Parties should
also discuss and decide whether each will have access to the other's
technology portals for viewing, extracting or reporting information."
"""

from __future__ import annotations

from collections.abc import Iterator

from lifecycle.checks.facts import Facts
from lifecycle.checks.registry import Finding, rule
from lifecycle.diagnostics import Severity
from lifecycle.model import HubFunction, OrgKind

__all__: list[str] = []


def _hub_for(facts: Facts, one: str | None, other: str | None, function: HubFunction) -> str | None:
    """The hub that centralizes ``function`` between a payer and one of its
    network's CBOs, when ``one`` and ``other`` are such a pair."""
    orgs = facts.workflow.organizations
    if one is None or other is None or one not in orgs or other not in orgs:
        return None
    for payer, cbo in ((one, other), (other, one)):
        hub = orgs[cbo].network
        if orgs[payer].kind is OrgKind.PAYER and hub is not None and hub in orgs:
            centralized = orgs[hub].centralizes
            if centralized is None or function in centralized:
                return hub
    return None


@rule(
    "DATA013",
    "hub-bypassed",
    Severity.WARNING,
    hint="route it through the hub, or say the hub does not centralize it (centralizes: on the hub)",
)
def hub_bypassed(facts: Facts) -> Iterator[Finding]:
    """Data or an escalation passes between the plan and a network CBO around the hub that centralizes it."""
    for did, exchange in facts.workflow.data_exchanges.items():
        hub = _hub_for(facts, exchange.from_, exchange.to, HubFunction.DATA_SHARING)
        if hub is not None:
            yield Finding(
                ("data_exchanges", did),
                f"data exchange {did!r} passes from {exchange.from_!r} to {exchange.to!r} around the hub "
                f"{hub!r}, which centralizes data-sharing",
                did,
            )
    for eid, path in facts.workflow.escalations.items():
        for index in range(1, len(path.levels)):
            lower, upper = path.levels[index - 1], path.levels[index]
            hub = _hub_for(facts, facts.org_of(lower), facts.org_of(upper), HubFunction.INCIDENT_ESCALATION)
            if hub is not None:
                yield Finding(
                    ("escalations", eid, "levels", index),
                    f"escalation path {eid!r} goes from {lower!r} straight to {upper!r}, around the hub "
                    f"{hub!r}, which centralizes incident-escalation",
                    eid,
                )


@rule(
    "DATA014",
    "portal-access-undecided",
    Severity.WARNING,
    hint="set portal_access: to what the receiver may do (view, extract, report), or [] for no access",
)
def portal_access_undecided(facts: Facts) -> Iterator[Finding]:
    """A data exchange does not record whether the receiver has access to the sender's portal."""
    for did, exchange in facts.workflow.data_exchanges.items():
        if exchange.portal_access is None:
            yield Finding(
                ("data_exchanges", did),
                f"data exchange {did!r} does not record whether {exchange.to!r} has access to "
                f"{exchange.from_!r}'s technology portal",
                did,
            )


@rule(
    "DATA015",
    "exchange-without-elements",
    Severity.WARNING,
    hint="list the data elements under elements:",
)
def exchange_without_elements(facts: Facts) -> Iterator[Finding]:
    """A data exchange does not list the data elements it carries."""
    for did, exchange in facts.workflow.data_exchanges.items():
        if not exchange.elements:
            yield Finding(("data_exchanges", did), f"data exchange {did!r} lists no data elements", did)

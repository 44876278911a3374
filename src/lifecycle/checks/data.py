"""Data and communication: exchanges without the decisions the seed asks for,
handoffs with no channel, meetings with no one sending the notes.

The seed: parties should identify "the data elements that will be exchanged
between the two organizations, whether and when individual consent or
authorization is required and the frequency and secure means by which that
data will be exchanged."
"""

from __future__ import annotations

from collections.abc import Iterator

from lifecycle.checks.facts import Facts
from lifecycle.checks.registry import Finding, rule
from lifecycle.diagnostics import Severity
from lifecycle.model import SECURE_CHANNELS

__all__: list[str] = []

_SECURE = ", ".join(sorted(c.value for c in SECURE_CHANNELS))


@rule(
    "DATA001",
    "exchange-without-consent-decision",
    Severity.WARNING,
    hint="set consent: required, authorization or not-required",
)
def exchange_without_consent_decision(facts: Facts) -> Iterator[Finding]:
    """A data exchange, or a handoff carrying PHI, does not record whether consent or
    authorization is required."""
    for did, exchange in facts.workflow.data_exchanges.items():
        if exchange.consent is None:
            yield Finding(("data_exchanges", did), f"data exchange {did!r} has no decision on consent", did)
    for hid, handoff in facts.workflow.handoffs.items():
        if handoff.phi and handoff.consent is None:
            yield Finding(
                ("handoffs", hid), f"handoff {hid!r} carries PHI but has no decision on consent", hid
            )


@rule(
    "DATA002",
    "exchange-without-frequency",
    Severity.WARNING,
    hint="set frequency: real-time, daily, weekly, biweekly, monthly, quarterly or per-event",
)
def exchange_without_frequency(facts: Facts) -> Iterator[Finding]:
    """A data exchange does not say how often the data moves."""
    for did, exchange in facts.workflow.data_exchanges.items():
        if exchange.frequency is None:
            yield Finding(("data_exchanges", did), f"data exchange {did!r} has no frequency", did)


@rule(
    "DATA003",
    "exchange-without-secure-channel",
    Severity.WARNING,
    hint=f"set channel: to a secure one ({_SECURE})",
)
def exchange_without_secure_channel(facts: Facts) -> Iterator[Finding]:
    """A data exchange names no channel, or an insecure one without saying it carries no PHI."""
    for did, exchange in facts.workflow.data_exchanges.items():
        if exchange.channel is None:
            yield Finding(("data_exchanges", did), f"data exchange {did!r} names no channel", did)
        elif exchange.channel not in SECURE_CHANNELS and exchange.phi is None:
            yield Finding(
                ("data_exchanges", did, "channel"),
                f"data exchange {did!r} uses {exchange.channel.value}, which is not secure, "
                "and does not say whether it carries PHI",
                did,
                "say phi: false, or use a secure channel",
            )


@rule("DATA004", "phi-over-insecure-channel", Severity.ERROR, hint=f"use a secure channel ({_SECURE})")
def phi_over_insecure_channel(facts: Facts) -> Iterator[Finding]:
    """A data exchange or handoff carries PHI over a channel that is not secure."""
    for did, exchange in facts.workflow.data_exchanges.items():
        if exchange.phi and exchange.channel is not None and exchange.channel not in SECURE_CHANNELS:
            yield Finding(
                ("data_exchanges", did, "channel"),
                f"data exchange {did!r} carries PHI over {exchange.channel.value}, which is not secure",
                did,
            )
    for hid, handoff in facts.workflow.handoffs.items():
        if handoff.phi and handoff.channel is not None and handoff.channel not in SECURE_CHANNELS:
            yield Finding(
                ("handoffs", hid, "channel"),
                f"handoff {hid!r} carries PHI over {handoff.channel.value}, which is not secure",
                hid,
            )


@rule(
    "DATA005",
    "handoff-without-channel",
    Severity.WARNING,
    hint="set channel: portal, secure-email, sftp, phone, meeting, ...",
)
def handoff_without_channel(facts: Facts) -> Iterator[Finding]:
    """A handoff between organizations names no channel."""
    for hid, handoff in facts.workflow.handoffs.items():
        if handoff.channel is None and facts.crosses(handoff.from_, handoff.to):
            yield Finding(
                ("handoffs", hid),
                f"handoff {hid!r} from {handoff.from_!r} to {handoff.to!r} crosses organizations "
                "with no channel",
                hid,
            )


@rule("DATA006", "meeting-without-follow-up-owner", Severity.WARNING, hint="set follow_up_owner: <role>")
def meeting_without_follow_up_owner(facts: Facts) -> Iterator[Finding]:
    """A standing meeting has no one designated to send the follow-up notes."""
    for mid, meeting in facts.workflow.meetings.items():
        if meeting.follow_up_owner is None:
            yield Finding(("meetings", mid), f"meeting {mid!r} has no owner for its follow-up notes", mid)

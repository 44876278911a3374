"""Interchange with other tools: BPMN 2.0 collaborations both ways, event logs
(CSV, XES) out of the tracker, and conformance replay of real referrals.

:mod:`lifecycle.interchange.bpmn_export` writes a laid-out collaboration from a
workflow's lane map; :mod:`lifecycle.interchange.bpmn_import` reads one back
into a workflow file (``docs/interchange.md``). :mod:`lifecycle.interchange.history`
turns the audit trail into events and writes them as CSV or XES;
:mod:`lifecycle.interchange.conformance` replays a log against a journey
(``docs/conformance.md``).
"""

"""A conformance replay written out: as text for a terminal, JSON for tools,
and a self-contained HTML page for a JOC pack."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from lifecycle.interchange.conformance import Conformance, DeviationKind, StageStep
from lifecycle.interchange.event_log import BadRow
from lifecycle.interchange.journey_moves import NO_STAGES
from lifecycle.words import count

__all__ = ["as_dict", "as_html", "as_json", "as_text"]


def as_dict(result: Conformance, bad_rows: Sequence[BadRow] = (), bad_row_count: int = 0) -> dict[str, Any]:
    """Everything the replay found, JSON-ready.

    ``cases`` lists every case with its deviations; ``fitness`` is the share
    of cases that fit; ``deviations`` counts the deviations by kind. For a
    journey none of whose steps names a stage (a status journey), ``reached``
    and ``conversion`` are null and ``no_stage_figures`` says why; otherwise
    ``no_stage_figures`` is null.
    """
    staged = result.moves.has_stages
    return {
        "journey": result.moves.journey_id,
        "events": result.events,
        "case_count": result.cases,
        "fitting_cases": result.fitting_cases,
        "fitness": result.fitness,
        "event_fitness": result.event_fitness,
        "deviations": result.deviation_counts(),
        "open_limit_days": result.open_limit.total_seconds() / 86400,
        "no_stage_figures": None if staged else NO_STAGES,
        "reached": result.reached() if staged else None,
        "conversion": None
        if not staged
        else [
            {
                "from": step.source,
                "to": step.target,
                "reached": step.reached,
                "converted": step.converted,
                "rate": step.rate,
                "median_days": step.median_days,
                "p90_days": step.p90_days,
            }
            for step in result.conversion()
        ],
        "stalls": [
            {"at": stall.activity, "cases": stall.cases, "median_idle_days": stall.median_idle_days}
            for stall in result.stalls()
        ],
        "bad_rows": {
            "count": bad_row_count,
            "rows": [{"where": row.where, "message": row.message} for row in bad_rows],
        },
        "cases": result.case_table(),
    }


def as_json(result: Conformance, bad_rows: Sequence[BadRow] = (), bad_row_count: int = 0) -> str:
    """:func:`as_dict` as indented JSON."""
    return json.dumps(as_dict(result, bad_rows, bad_row_count), indent=2) + "\n"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} d"


_NO_STAGES = f"no stage to stage figures: {NO_STAGES}"


def _conversion_rows(steps: list[StageStep]) -> list[list[str]]:
    return [
        [
            f"{s.source} -> {s.target}",
            f"{s.converted} / {s.reached}",
            _percent(s.rate),
            _days(s.median_days),
            _days(s.p90_days),
        ]
        for s in steps
    ]


def as_text(result: Conformance, *, show: int = 20) -> str:
    """A terminal report: fitness, deviations by kind, conversion, stalls, and
    the deviations of the first ``show`` deviating cases."""
    lines = [
        f"journey {result.moves.journey_id}: {result.summary()}",
        f"event fitness {result.event_fitness:.3f}",
        "",
        "deviations by kind:",
    ]
    for kind, n in result.deviation_counts().items():
        lines.append(f"  {kind:<17} {n}")
    if result.moves.has_stages:
        lines += ["", f"  {'stage to stage':<40} {'converted':>13} {'rate':>7} {'median':>9} {'p90':>8}"]
        for cells in _conversion_rows(result.conversion()):
            lines.append(f"  {cells[0]:<40} {cells[1]:>13} {cells[2]:>7} {cells[3]:>9} {cells[4]:>8}")
    else:
        lines += ["", _NO_STAGES]
    stalls = result.stalls()
    lines += ["", "where open cases stand:" if stalls else "no open cases"]
    for stall in stalls:
        lines.append(
            f"  {stall.activity:<24} {count(stall.cases, 'case'):>12}, "
            f"median {stall.median_idle_days:.1f} days since their last event"
        )
    deviating = [row for row in result.case_table() if not row["fit"]]
    if deviating:
        lines += ["", f"{count(len(deviating), 'case')} with deviations:"]
        for row in deviating[:show]:
            events = count(row["events"], "event")
            lines.append(f"  {row['case']} ({events}, {row['status']} at {row['at']}):")
            for d in row["deviations"]:
                where = f"{d['where']}: " if d["where"] else ""
                lines.append(f"    {where}{d['kind']} {d['activity']}: {d['detail']}")
        if len(deviating) > show:
            more = count(len(deviating) - show, "more case")
            lines.append(f"  ... and {more} (--show N, or --format json)")
    return "\n".join(lines) + "\n"


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #111; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #888; padding: 0.25em 0.6em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td:first-child { white-space: nowrap; }
th { background: #eee; }
.fit { color: #555; }
"""


def _table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    out = ["<table>", "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
    for row in rows:
        cells = "".join(
            f'<td class="n">{html.escape(c)}</td>' if i >= numeric_from else f"<td>{html.escape(c)}</td>"
            for i, c in enumerate(row)
        )
        out.append(f"<tr>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def as_html(
    result: Conformance, bad_rows: Sequence[BadRow] = (), bad_row_count: int = 0, *, title: str = ""
) -> str:
    """A self-contained HTML page (no scripts, no external files)."""
    name = title or f"Conformance of journey {result.moves.journey_id}"
    counts = result.deviation_counts()
    kinds = [[kind.value, str(counts[kind.value])] for kind in DeviationKind]
    stalls = [[s.activity, str(s.cases), f"{s.median_idle_days:.1f}"] for s in result.stalls()]
    cases = []
    for row in result.case_table():
        for d in row["deviations"]:
            cases.append([row["case"], d["where"], d["kind"], d["activity"], d["detail"]])
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="en"><head><meta charset="utf-8"><title>{html.escape(name)}</title>',
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(name)}</h1>",
        f"<p>{html.escape(result.summary())}; event fitness {result.event_fitness:.3f}.</p>",
        "<h2>Deviations by kind</h2>",
        _table(["kind", "deviations"], kinds),
        "<h2>Stage to stage</h2>",
        _table(
            ["stages", "converted / reached", "rate", "median", "90th percentile"],
            _conversion_rows(result.conversion()),
        )
        if result.moves.has_stages
        else f"<p>{_NO_STAGES}.</p>",
        "<h2>Where open cases stand</h2>",
        _table(["step", "open cases", "median days since last event"], stalls)
        if stalls
        else "<p>No open cases.</p>",
        "<h2>Deviations by case</h2>",
        _table(["case", "where", "kind", "activity", "detail"], cases, numeric_from=5)
        if cases
        else '<p class="fit">Every case fits the journey.</p>',
    ]
    if bad_row_count:
        parts += [
            f"<h2>Malformed rows skipped: {bad_row_count}</h2>",
            _table(["where", "problem"], [[r.where, r.message] for r in bad_rows], numeric_from=2),
        ]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"

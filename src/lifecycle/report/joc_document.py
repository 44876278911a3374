"""The JOC report as one document: self-contained HTML or a PDF.

Both show the same sections in the same order, from :func:`sections`. The HTML
inlines its charts as SVG and makes no outside request. The PDF is written with
matplotlib's PdfPages, which the charts already need, so no second rendering
engine is added: a text page of readiness, then the referral charts two to a page.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import textwrap
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from lifecycle.interchange.journey_moves import NO_STAGES
from lifecycle.report.joc import JocReport
from lifecycle.report.joc_charts import (
    conversion_chart,
    deviation_chart,
    stage_time_chart,
    svg,
    volume_chart,
)
from lifecycle.words import count

__all__ = ["Section", "as_html", "as_pdf", "sections", "title"]


@dataclass(frozen=True)
class Section:
    """A heading and its lines of text (one fact each)."""

    heading: str
    lines: list[str]


def title(report: JocReport) -> str:
    """The document's title: partnership and date."""
    return f"JOC report: {report.status.partnership.name}, {report.as_of:%Y-%m-%d}"


def sections(report: JocReport) -> list[Section]:
    """The text sections: readiness, escalations, resilience, referrals in figures."""
    status = report.status
    p = status.partnership
    result = [
        Section(
            "Partnership",
            [
                f"phase: {status.phase_title} ({p.phase})",
                f"contract: {p.contract_start} to {p.contract_end}",
                *(
                    ["the workflow file changed since the partnership started"]
                    if status.workflow_changed
                    else []
                ),
            ],
        ),
    ]
    gates: list[str] = []
    for gate in status.gates:
        if gate.untracked is not None:
            continue
        marker = " (launch gate)" if gate.launch else ""
        gates.append(f"gate {gate.phase}{marker}: {gate.title}: {gate.state()}")
        if gate.phase != p.phase:
            continue  # later gates in one line: the meeting works on the current one
        for problem in gate.problems:
            gates.append(f"  - {problem}")
        for criterion in gate.criteria:
            if criterion.met:
                continue
            gates.append(f"  open criterion {criterion.id}: {criterion.title}")
            gates.extend(f"    - {reason}" for reason in criterion.unmet)
            gates.extend(f"    stale sign-off: {stale}" for stale in criterion.stale)
    result.append(Section("Gate readiness", gates or ["no gates tracked"]))
    escalations = []
    for line in status.escalations:
        escalations.append(
            f"#{line.number} {line.path} {line.subject}: level {line.level} with {line.describe_with()}, "
            f"{line.describe_due()}; next: {line.next or 'top level'}"
        )
    overdue = sum(1 for line in status.escalations if line.overdue is not None)
    heading = f"Escalations ({count(len(status.escalations), 'open')}, {overdue} overdue)"
    result.append(Section(heading, escalations or ["no open escalations"]))
    score = report.resilience
    resilience = [
        f"overall: {score.overall.score}/100 ({score.overall.after_worst} of {score.overall.work} "
        f"pieces of work stay covered after the worst single departure"
        + (f", {score.overall.worst})" if score.overall.worst else ")")
    ]
    resilience += [
        f"{org}: {org_score.score}/100" + (f" (worst loss: {org_score.worst})" if org_score.worst else "")
        for org, org_score in score.organizations.items()
    ]
    result.append(Section("Resilience score", resilience))
    referrals = report.referrals
    if referrals is not None:
        replay = referrals.replay
        figures = [
            f"log: {referrals.log}, journey {referrals.journey}",
            f"{count(replay.cases, 'referral')}, {count(replay.events, 'event')}; "
            f"{replay.fitting_cases:,} fit the map (fitness {replay.fitness:.1%})",
        ]
        if referrals.bad_rows:
            figures.append(f"{count(referrals.bad_rows, 'malformed row')} skipped")
        if not replay.moves.has_stages:
            figures.append(f"no stage to stage figures (funnel, time between stages): {NO_STAGES}")
        for step in replay.conversion() if replay.moves.has_stages else ():
            rate = f"{step.rate:.1%}" if step.rate is not None else "n/a"
            median = f"{step.median_days:.1f}" if step.median_days is not None else "n/a"
            p90 = f"{step.p90_days:.1f}" if step.p90_days is not None else "n/a"
            figures.append(
                f"{step.source} → {step.target}: {step.converted:,} of {step.reached:,} ({rate}); "
                f"median {median} days, 90th percentile {p90} days"
            )
        figures += [f"deviations {kind}: {n:,}" for kind, n in replay.deviation_counts().items()]
        figures += [
            f"stalled at {stall.activity}: {count(stall.cases, 'open case')}, "
            f"median idle {stall.median_idle_days:.1f} days"
            for stall in replay.stalls()[:5]
        ]
        result.append(Section("Referrals against the map", figures))
    return result


def _charts(report: JocReport) -> list[Figure]:
    if report.referrals is None:
        return []
    # A status journey has no stages: its funnel and stage times would be empty charts.
    staged = [conversion_chart(report.referrals), stage_time_chart(report.referrals)]
    return [
        *(staged if report.referrals.replay.moves.has_stages else []),
        volume_chart(report.referrals),
        deviation_chart(report.referrals),
    ]


_STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 1.5em auto; color: #000; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; border-bottom: 1px solid #000; }
ul { padding-left: 1.2em; } li { margin: 0.15em 0; } .indent { list-style: none; }
figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
@media print { figure { break-inside: avoid; } }
"""


def as_html(report: JocReport) -> str:
    """The report as one self-contained HTML page (charts inline as SVG)."""
    heading = html.escape(title(report))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{heading}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{heading}</h1>",
        f"<p>As of {report.as_of:%Y-%m-%d %H:%M} UTC.</p>",
    ]
    for section in sections(report):
        slug = section.heading.split(" (")[0].lower().replace(" ", "-")
        parts.append(f'<section id="{slug}"><h2>{html.escape(section.heading)}</h2><ul>')
        for line in section.lines:
            depth = (len(line) - len(line.lstrip())) // 2
            indented = f' class="indent" style="margin-left: {1.5 * depth}em"' if depth else ""
            parts.append(f"<li{indented}>{html.escape(line.strip())}</li>")
        parts.append("</ul></section>")
    charts = _charts(report)
    if charts:
        parts.append('<section id="charts"><h2>Charts</h2>')
        parts.extend(f"<figure>{svg(figure)}</figure>" for figure in charts)
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


_PAGE = (8.27, 11.69)  # A4 portrait, inches
_LINES_PER_PAGE = 58


def as_pdf(report: JocReport) -> bytes:
    """The report as a PDF: readiness text pages, then the charts two to a page."""
    buffer = io.BytesIO()
    lines: list[tuple[str, str]] = [
        ("title", title(report)),
        ("text", f"As of {report.as_of:%Y-%m-%d %H:%M} UTC."),
    ]
    for section in sections(report):
        lines.append(("heading", section.heading))
        for line in section.lines:
            indent = len(line) - len(line.lstrip())
            for k, piece in enumerate(textwrap.wrap(line.strip(), 100 - indent)):
                lines.append(("text", " " * (indent + (2 if k else 0)) + piece))
    with PdfPages(buffer, metadata={"Title": title(report), "Creator": "lifecycle report"}) as pdf:
        for start in range(0, len(lines), _LINES_PER_PAGE):
            pdf.savefig(_text_page(lines[start : start + _LINES_PER_PAGE]))
        charts = _charts(report)
        for start in range(0, len(charts), 2):
            pdf.savefig(_chart_page(charts[start : start + 2]))
        info = pdf.infodict()
        info["CreationDate"] = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # same report, same bytes
    return buffer.getvalue()


def _paged(lines: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Lines in pages; a heading never ends a page (it moves on with its first lines)."""
    pages: list[list[tuple[str, str]]] = [[]]
    for k, line in enumerate(lines):
        room = _LINES_PER_PAGE - len(pages[-1])
        if room == 0 or (line[0] == "heading" and room < 6 and k + 1 < len(lines)):
            pages.append([])
        pages[-1].append(line)
    return pages


def _text_page(lines: list[tuple[str, str]]) -> Figure:
    figure = plt.figure(figsize=_PAGE)
    y = 0.96
    for kind, text in lines:
        size, weight = {"title": (14, "bold"), "heading": (11, "bold"), "text": (8, "normal")}[kind]
        if kind == "heading":
            y -= 0.008
        figure.text(0.06, y, text, fontsize=size, fontweight=weight, family="DejaVu Sans", va="top")
        y -= 0.0145 if kind == "text" else 0.022
    plt.close(figure)
    return figure


def _chart_page(charts: list[Figure]) -> Figure:
    page = plt.figure(figsize=_PAGE)
    for k, chart in enumerate(charts):
        buffer = io.BytesIO()
        chart.savefig(buffer, format="png", dpi=200)
        plt.close(chart)
        buffer.seek(0)
        axes = page.add_axes((0.04, 0.52 - k * 0.47, 0.92, 0.44))
        axes.imshow(plt.imread(buffer))
        axes.set_axis_off()
    plt.close(page)
    return page

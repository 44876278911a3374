"""The JOC report's charts, drawn with matplotlib to read in black and white.

Bars are told apart by hatching and lines by markers, and every bar or point
carries its figure as a label, so a grey photocopy loses nothing.
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np

matplotlib.use("Agg")  # no display: charts are files

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from lifecycle.report.joc import Referrals

__all__ = ["conversion_chart", "deviation_chart", "stage_time_chart", "svg", "volume_chart"]

_SIZE = (7.5, 3.4)
_INK = "black"
_FILL = "0.85"
_CLEAR = {"facecolor": "white", "edgecolor": "none", "pad": 0.5}
"""Behind a label that may cross a line."""


def _figure() -> Figure:
    figure = plt.figure(figsize=_SIZE)
    return figure


def conversion_chart(referrals: Referrals) -> Figure:
    """The referral funnel: cases reaching each stage, with conversion from the one before."""
    reached = referrals.replay.reached()
    stages = list(reached)
    counts = [reached[s] for s in stages]
    figure = _figure()
    axes = figure.add_subplot()
    rows = list(range(len(stages)))[::-1]
    axes.barh(rows, counts, color=_FILL, edgecolor=_INK, hatch="//")
    top = max([1, *counts])
    for k, (row, value) in enumerate(zip(rows, counts, strict=True)):
        label = f"{value:,}"
        if k and counts[k - 1]:
            label += f"  ({value / counts[k - 1]:.0%} of {stages[k - 1]})"
        axes.text(value + top * 0.01, row, label, va="center", fontsize=8)
    axes.set_yticks(rows, stages)
    axes.set_xlim(0, top * 1.6)
    axes.set_xlabel("referrals reaching the stage")
    axes.set_title("Referral funnel: conversion by stage", fontsize=10)
    _tidy(axes)
    figure.tight_layout()
    return figure


def stage_time_chart(referrals: Referrals) -> Figure:
    """Days from each stage to the next: median (hatched) and 90th percentile (dotted)."""
    steps = referrals.replay.conversion()
    labels = [f"{s.source}\n→ {s.target}" for s in steps]
    medians = [s.median_days or 0.0 for s in steps]
    p90s = [s.p90_days or 0.0 for s in steps]
    figure = _figure()
    axes = figure.add_subplot()
    x = list(range(len(steps)))
    width = 0.38
    left = [i - width / 2 for i in x]
    right = [i + width / 2 for i in x]
    axes.bar(left, medians, width, color="white", edgecolor=_INK, hatch="xx", label="median")
    axes.bar(right, p90s, width, color="white", edgecolor=_INK, hatch="..", label="90th percentile")
    for positions, values, known in ((left, medians, steps), (right, p90s, steps)):
        for position, value, step in zip(positions, values, known, strict=True):
            text = f"{value:.1f}" if step.converted else "n/a"
            axes.text(position, value, text, ha="center", va="bottom", fontsize=7)
    axes.set_xticks(x, labels, fontsize=7)
    axes.set_ylabel("days")
    axes.set_title("Time between stages (cases reaching both)", fontsize=10)
    axes.legend(fontsize=7, frameon=False)
    _tidy(axes)
    figure.tight_layout()
    return figure


def volume_chart(referrals: Referrals) -> Figure:
    """Referrals started per week, each point labelled."""
    weeks = [week for week, _ in referrals.weekly]
    counts = [n for _, n in referrals.weekly]
    figure = _figure()
    axes = figure.add_subplot()
    days = np.array(weeks, dtype="datetime64[D]")
    axes.plot(days, counts, color=_INK, marker="o", markersize=3.5, linewidth=1)
    every = max(1, len(weeks) // 12)
    for k, (week, n) in enumerate(zip(weeks, counts, strict=True)):
        if k % every == 0 or k == len(weeks) - 1:
            axes.annotate(
                f"{n:,}",
                (week, n),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=7,
                bbox=_CLEAR,
            )
    axes.set_ylim(0, (max(counts) if counts else 1) * 1.2 + 1)
    axes.set_ylabel("new referrals")
    axes.set_title("Referrals per week (by week of first event, weeks from Monday)", fontsize=10)
    figure.autofmt_xdate()
    _tidy(axes)
    figure.tight_layout()
    return figure


def deviation_chart(referrals: Referrals) -> Figure:
    """Deviations from the map, by kind."""
    counted = referrals.replay.deviation_counts()
    kinds = list(counted)
    values = [counted[k] for k in kinds]
    figure = _figure()
    axes = figure.add_subplot()
    rows = list(range(len(kinds)))[::-1]
    hatches = ["//", "\\\\", "xx", "..", "oo", "--"]
    for row, value, hatch in zip(rows, values, hatches, strict=False):
        axes.barh(row, value, color="white", edgecolor=_INK, hatch=hatch)
    top = max([1, *values])
    for row, value in zip(rows, values, strict=True):
        axes.text(value + top * 0.01, row, f"{value:,}", va="center", fontsize=8)
    axes.set_yticks(rows, kinds)
    axes.set_xlim(0, top * 1.25)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # a few deviations: no 0.2 of one
    axes.set_xlabel("deviations")
    axes.set_title("Deviations from the map, by kind", fontsize=10)
    _tidy(axes)
    figure.tight_layout()
    return figure


def svg(figure: Figure) -> str:
    """The figure as an inline ``<svg>`` element (text kept as text), and closed."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _tidy(axes: Axes) -> None:
    axes.spines[["top", "right"]].set_visible(False)

"""``lifecycle render``: every format, every kind of map, the overlay, bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_run import run_cli as _run

from lifecycle.checks import run_checks
from lifecycle.diagnostics import Diagnostic, Location
from lifecycle.drawing.draw import draw_lane_map
from lifecycle.drawing.maps import mark_kind
from lifecycle.drawing.overlay import overlay_findings
from lifecycle.drawing.swimlane import swimlane_map
from lifecycle.loader import load

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "workflows" / "payer-cbo-partnership.yaml"
MAGIC = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF", "dot": b"digraph", "mermaid": b"flowchart"}


@pytest.mark.parametrize("fmt", sorted(MAGIC))
def test_each_format_is_written(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / "map.out"
    result = _run("render", str(SHIPPED), "--phase", "pre-launch", "--format", fmt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(MAGIC[fmt])


def test_journey_and_overview_maps(tmp_path: Path) -> None:
    assert _run("render", str(SHIPPED), "--journey", "member", "-o", str(tmp_path / "j.svg")).returncode == 0
    assert b'id="step&#45;outreach"' in (tmp_path / "j.svg").read_bytes()
    assert _run("render", str(SHIPPED), "--overview", "-o", str(tmp_path / "o.svg")).returncode == 0
    svg = (tmp_path / "o.svg").read_bytes()
    assert b'id="gate&#45;pre&#45;launch"' in svg and b"Launch readiness" in svg


def test_unknown_phase_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = _run("render", str(SHIPPED), "--phase", "nope", "-o", str(tmp_path / "x.svg"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "no phase 'nope'" in result.stderr
    assert not (tmp_path / "x.svg").exists()


def test_mixing_map_kinds_is_a_usage_error(tmp_path: Path) -> None:
    result = _run("render", str(SHIPPED), "--overview", "--journey", "member", "-o", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "Error: choose one of --phase, --journey, --overview, --all and --book" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_overlay_marks_findings_with_a_legend() -> None:
    document = load(SHIPPED)
    findings = [
        Diagnostic(Location("f"), "SPF001", "held by one person with no backup", element="plan-poc"),
        Diagnostic(Location("f"), "GAP001", "task has no owner", element="credential-staff"),
        Diagnostic(Location("f"), "DATA001", "about something else", element="nothing-here"),
    ]
    marked = overlay_findings(swimlane_map(document.workflow), findings, document.workflow, mark_kind)
    svg = draw_lane_map(marked).pipe(format="svg").decode()
    assert "⚠ SPF001" in svg and "⚠ GAP001" in svg
    assert "#b2182b" in svg and "#e08214" in svg
    assert "Findings marked on the map (2)" in svg and "Findings about elements not on this map (1)" in svg


def test_overlay_option_runs_the_checks(tmp_path: Path) -> None:
    example = ROOT / "workflows" / "examples" / "go-to-escalation.yaml"
    findings = run_checks(load(example)).findings
    result = _run("render", str(example), "--overlay", "-o", str(tmp_path / "x.svg"))
    assert result.returncode == 0, result.stderr
    svg = (tmp_path / "x.svg").read_text(encoding="utf-8")
    # Every finding of the checks is in the overlay's legend: marked on the map or listed apart.
    marked = re.search(r"Findings marked on the map \((\d+)\)", svg)
    apart = re.search(r"Findings about elements not on this map \((\d+)\)", svg)
    assert marked, "the overlay legend is missing"
    # Every element with a finding here is drawn, so nothing is listed apart.
    assert apart is None
    assert int(marked.group(1)) == len(findings) == 5
    assert "⚠ SPF001" in svg
    plain = _run("render", str(example), "-o", str(tmp_path / "plain.svg"))
    assert plain.returncode == 0, plain.stderr
    assert "⚠" not in (tmp_path / "plain.svg").read_text(encoding="utf-8")

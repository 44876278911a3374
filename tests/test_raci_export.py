"""The RACI matrix in every format, read back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from lifecycle.cli import cli
from lifecycle.drawing.raci import raci_matrix
from lifecycle.drawing.raci_export import raci_csv, raci_html, raci_markdown, raci_xlsx
from lifecycle.loader import loads

TEXT = """
id: r
title: RACI | test
organizations:
  plan: {name: Plan, kind: payer}
  cbo: {name: CBO, kind: cbo}
roles:
  cbo-lead: {org: cbo, title: CBO lead}
  poc: {org: plan, title: "Point <of> contact"}
phases:
  one:
    title: One
    tasks:
      t1: {title: "=SUM(A1) & co", owner: poc, responsible: [poc, cbo-lead], informed: cbo-lead}
      t2: {title: Nobody, consulted: poc}
"""


def test_cells_hold_each_roles_letters_in_org_order() -> None:
    m = raci_matrix(loads(TEXT).workflow)
    assert [r.key for r in m.roles] == ["poc", "cbo-lead"]
    assert [list(r.cells) for r in m.rows] == [["A/R", "R/I"], ["C", ""]]


def test_csv_and_markdown_and_html_round_trip() -> None:
    m = raci_matrix(loads(TEXT).workflow)
    rows = list(csv.reader(io.StringIO(raci_csv(m))))
    assert rows[0][3:] == ["Point <of> contact", "CBO lead"] and rows[1][3:] == ["A/R", "R/I"]
    md = raci_markdown(m)
    assert "RACI \\| test" in md and "| One | t1 | =SUM(A1) &amp; co | A/R | R/I |" in md
    page = raci_html(m)
    assert "Point &lt;of&gt; contact" in page and "&amp; co" in page


def test_xlsx_keeps_formula_like_titles_as_text(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(raci_xlsx(raci_matrix(loads(TEXT).workflow)))
    sheet = load_workbook(path).active
    assert sheet["C2"].value == "'=SUM(A1) & co" and sheet["C2"].data_type == "s"
    assert sheet["D2"].value == "A/R"


def test_raci_command_writes_each_format(runner, write, tmp_path: Path) -> None:
    source = write(TEXT)
    matrix = raci_matrix(loads(TEXT).workflow)
    for fmt in ("md", "csv", "xlsx", "html"):
        out = tmp_path / f"r.{fmt}"
        result = runner.invoke(cli, ["raci", str(source), "-o", str(out)])
        assert result.exit_code == 0, result.output
    # Each file in the format its suffix names, with the matrix the library makes.
    assert (tmp_path / "r.md").read_text(encoding="utf-8") == raci_markdown(matrix)
    assert (tmp_path / "r.csv").read_text(encoding="utf-8") == raci_csv(matrix)
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == raci_html(matrix)
    sheet = load_workbook(tmp_path / "r.xlsx").active
    assert sheet is not None and sheet["D2"].value == "A/R"
    printed = runner.invoke(cli, ["raci", str(source), "--format", "csv"])
    assert printed.output.startswith('"Phase","Task id","Task",')

"""Exports safe to open and output paths handled with care: spreadsheet cells never
run as formulas, Markdown never runs as HTML, line breaks and control characters
in titles never break a row, a file or crash an export, and writing a map or a
table never replaces a FIFO, a device or a symbolic link, nor changes a mode."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import stat
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from lifecycle.cli import main
from lifecycle.diagnostics import LoadError
from lifecycle.drawing.maps import build_map
from lifecycle.drawing.output import map_bytes
from lifecycle.drawing.raci import raci_matrix
from lifecycle.drawing.raci_export import raci_csv, raci_markdown, raci_xlsx
from lifecycle.loader import Document, loads
from lifecycle.safe_output import OutputError, spreadsheet_cell, write_file

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROLS_SHOWN = {c: "\ufffd" for c in [*range(9), 11, 12, *range(14, 32), 127]}
HOSTILE = """
id: h
title: "Hostile <script>alert(1)</script> | map"
organizations:
  plan: {name: Plan, kind: payer}
roles:
  poc: {org: plan, title: "=HYPERLINK(\\"http://x\\",\\"click\\")"}
  cmd: {org: plan, title: "+cmd|' /C calc'!A0"}
  sum: {org: plan, title: "@SUM(1+1)"}
  neg: {org: plan, title: "-2+3"}
  tab: {org: plan, title: "\\tTabbed"}
  ctl: {org: plan, title: "Bell and NUL here"}
phases:
  one:
    title: One
    tasks:
      t1: {title: "<svg onload=alert(1)>", owner: poc, responsible: cmd}
      t2: {title: "Line one line two", owner: sum, consulted: [neg, tab]}
      t3: {title: "Pipe | and\\nCRLF and\\nLF", owner: ctl}
"""


def _hostile() -> Document:
    """HOSTILE with control characters put back into three titles after loading.

    The loader and the model refuse control characters (tested below), so no
    workflow carries them today; the exports must stay safe if one ever does.
    """
    document = loads(HOSTILE)
    workflow = document.workflow
    phase = workflow.phases["one"]
    tasks = {
        **phase.tasks,
        "t2": phase.tasks["t2"].model_copy(update={"title": "Line one\rline two"}),
        "t3": phase.tasks["t3"].model_copy(update={"title": "Pipe | and\r\nCRLF and\nLF"}),
    }
    roles = {
        **workflow.roles,
        "ctl": workflow.roles["ctl"].model_copy(update={"title": "Bell\x07 and NUL\0 here"}),
    }
    changed = workflow.model_copy(
        update={"roles": roles, "phases": {"one": phase.model_copy(update={"tasks": tasks})}}
    )
    return dataclasses.replace(document, workflow=changed)


def test_control_characters_never_get_past_the_loader() -> None:
    text = HOSTILE.replace("Bell and", "Bell\\x07 and").replace("one line two", "one\\rline two")
    with pytest.raises(LoadError) as refused:
        loads(text)
    assert [d.code for d in refused.value.diagnostics] == ["E202", "E202"]


@pytest.fixture
def matrix():
    return raci_matrix(_hostile().workflow)


def test_csv_cells_are_neutralized_header_included_and_rows_stay_whole(matrix) -> None:
    rows = list(csv.reader(io.StringIO(raci_csv(matrix), newline="")))
    assert len(rows) == 1 + len(matrix.rows)
    assert all(len(row) == len(rows[0]) for row in rows)
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell
    assert '\'=HYPERLINK("http://x","click")' in rows[0]
    assert rows[2][2] == "Line one\rline two"


def test_xlsx_cells_are_text_neutralized_header_included_and_control_characters_do_not_crash(
    matrix, tmp_path: Path
) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(raci_xlsx(matrix))
    sheet = load_workbook(path).active
    assert sheet is not None
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None:
                assert cell.data_type == "s"
                assert not str(cell.value).startswith(FORMULA_START), cell.value
    header = [c.value for c in sheet[1]]
    assert "'+cmd|' /C calc'!A0" in header and "Bell\ufffd and NUL\ufffd here" in header


def test_markdown_escapes_html_and_pipes_and_line_breaks_never_end_a_row(matrix) -> None:
    md = raci_markdown(matrix)
    assert "<script>" not in md and "<svg" not in md
    assert "&lt;svg onload=alert(1)&gt;" in md
    table = [line for line in md.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(matrix.rows)
    assert all(line.endswith("|") for line in table)
    assert "Pipe \\| and<br>CRLF and<br>LF" in md
    assert "\r" not in md


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_control_characters_in_titles_draw_a_well_formed_map(fmt: str) -> None:
    figure = build_map(_hostile())
    data = map_bytes(figure, fmt)
    assert data.startswith({"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}[fmt])
    if fmt == "svg":
        root = ET.fromstring(data)  # well-formed XML, or this raises
        assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
        assert "Bell\ufffd and NUL\ufffd here" in "".join(root.itertext())


@given(st.text())
def test_a_neutralized_cell_never_starts_a_formula_nor_holds_a_control_character(text: str) -> None:
    cell = spreadsheet_cell(text)
    assert not cell.startswith(FORMULA_START)
    assert not any(ord(c) < 32 and c not in "\t\r\n" for c in cell)
    # The text itself, each control character shown as U+FFFD, behind a guard quote
    # exactly when it would start a formula.
    shown = text.translate(_CONTROLS_SHOWN)
    assert cell == ("'" + shown if shown.startswith(FORMULA_START) else shown)


def test_a_new_file_gets_the_umasks_mode_and_an_existing_file_keeps_its_own(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        new = tmp_path / "new.svg"
        write_file(new, b"one")
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
        kept = tmp_path / "kept.svg"
        kept.write_bytes(b"old")
        kept.chmod(0o640)
        write_file(kept, b"two")
        assert kept.read_bytes() == b"two" and stat.S_IMODE(kept.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_a_symbolic_link_stays_a_link_and_its_target_is_written(tmp_path: Path) -> None:
    target = tmp_path / "real.svg"
    target.write_bytes(b"old")
    link = tmp_path / "link.svg"
    link.symlink_to(target)
    write_file(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"


def test_a_fifo_is_written_through_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.svg"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_file(fifo, b"through the pipe")
    reader.join(timeout=10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_device_is_written_through_not_replaced() -> None:
    write_file("/dev/null", b"nothing")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a folder"):
        write_file(tmp_path, b"x")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    return int(stop.value.code or 0), capsys.readouterr().err


def test_render_all_onto_a_file_is_a_clean_error(tmp_path: Path, capsys) -> None:
    source = tmp_path / "h.yaml"
    source.write_text(HOSTILE)
    existing = tmp_path / "out.txt"
    existing.write_text("keep me")
    status, err = _cli(capsys, "render", str(source), "--all", "-o", str(existing))
    assert status == 1 and "is a file; --all writes every map into a folder" in err
    assert existing.read_text() == "keep me"


@pytest.mark.parametrize(("command", "name"), [("render", "map.jpg"), ("raci", "table.docx")])
def test_an_unknown_suffix_is_refused_with_the_list_of_formats(
    command: str, name: str, tmp_path: Path, capsys
) -> None:
    source = tmp_path / "h.yaml"
    source.write_text(HOSTILE)
    status, err = _cli(capsys, command, str(source), "-o", str(tmp_path / name))
    assert status == 1 and "cannot tell a" in err
    assert (".svg" if command == "render" else ".csv") in err
    assert not (tmp_path / name).exists()

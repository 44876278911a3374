"""The RACI matrix written as Markdown, CSV, XLSX or HTML.

Titles are typed in a room and may hold anything, so every format is safe to
open: spreadsheet cells (CSV and XLSX, header included) go through
:func:`lifecycle.safe_output.spreadsheet_cell` and XLSX cells are text, never
formulas; Markdown escapes HTML and pipes; a line break inside a value never
breaks a row.
"""

from __future__ import annotations

import html
import io
import re

from lifecycle.drawing.labels import html_text
from lifecycle.drawing.raci import RaciMatrix
from lifecycle.safe_output import printable, spreadsheet_cell, spreadsheet_csv

__all__ = ["RACI_FORMATS", "RACI_SUFFIXES", "raci_csv", "raci_html", "raci_markdown", "raci_xlsx"]

RACI_FORMATS = ("md", "csv", "xlsx", "html")

RACI_SUFFIXES = {"md": "md", "markdown": "md", "csv": "csv", "xlsx": "xlsx", "html": "html", "htm": "html"}
"""The file suffixes a RACI table can be written to, and the format each means."""

_BREAK = re.compile(r"\r\n|\r|\n")

_KEY = "A accountable, R responsible, C consulted, I informed"


def _md_cell(text: str) -> str:
    # HTML escaped (a title is text, never markup), pipes escaped, any line break a <br>.
    escaped = html.escape(printable(text), quote=False).replace("\\", "\\\\").replace("|", "\\|")
    return _BREAK.sub("<br>", escaped)


def raci_markdown(matrix: RaciMatrix) -> str:
    """A Markdown (GitHub) table with a title and the letters' key."""
    lines = [f"# RACI: {_md_cell(matrix.title)}", "", _KEY + ".", ""]
    lines.append("| " + " | ".join(_md_cell(h) for h in matrix.header) + " |")
    lines.append("|" + "|".join(["---"] * 3 + [":-:"] * len(matrix.roles)) + "|")
    lines.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in matrix.table())
    return "\n".join(lines) + "\n"


def raci_csv(matrix: RaciMatrix) -> str:
    """CSV with a header row; every cell neutralized and quoted, so neither a formula
    nor a line break inside a value can take effect."""
    return spreadsheet_csv(matrix.header, matrix.table())


def raci_html(matrix: RaciMatrix) -> str:
    """A standalone HTML page holding the table."""
    head = "".join(f"<th>{html_text(h)}</th>" for h in matrix.header)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html_text(c)}</td>" for c in row) + "</tr>" for row in matrix.table()
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>RACI: {html_text(matrix.title)}</title>\n<style>"
        "body{font-family:sans-serif}table{border-collapse:collapse}"
        "th,td{border:1px solid #999;padding:2px 6px}td:nth-child(n+4){text-align:center}"
        "</style></head><body>\n"
        f"<h1>RACI: {html_text(matrix.title)}</h1><p>{_KEY}.</p>\n"
        f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></body></html>\n"
    )


def raci_xlsx(matrix: RaciMatrix) -> bytes:
    """An Excel workbook: one sheet, frozen header and task columns, fixed widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "RACI"
    for row in [matrix.header, *matrix.table()]:
        sheet.append([spreadsheet_cell(c) for c in row])
        for cell in sheet[sheet.max_row]:
            # A title starting with "=" is text the facilitator typed, never a formula.
            cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "D2"
    for letter, width in zip("ABC", (24, 24, 48), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""Stored text is shown as written, never read as markup or terminal commands;
member keys stay opaque; free text that looks personal is flagged before it is
kept; the audit CSV is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from cli_run import run_cli
from test_tracking import SMALL

MARKUP = "see ticket [/note] in folder"
ESCAPE = "done \x1b[31mred\x1b[0m"


@pytest.fixture
def tracked(tmp_path: Path) -> list[str]:
    workflow = tmp_path / "small.yaml"
    workflow.write_text(SMALL, encoding="utf-8")
    db = ["--db", str(tmp_path / "t.db")]
    started = run_cli(
        "partnership", "start", "x[/y]", "--workflow", str(workflow),
        "--start", "2026-01-01", "--end", "2026-12-31", "--as", "jlee", *db,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    for action in ("start", "done"):
        run_cli("task", action, "x[/y]", "write-scope", "--as", "jlee", *db)
    run_cli("task", "start", "x[/y]", "sign-contract", "--as", "jlee", *db)
    done = run_cli("task", "done", "x[/y]", "sign-contract", "--as", "jlee", "--evidence", MARKUP, *db)
    assert done.returncode == 0, done.stderr
    signed = run_cli("gate", "signoff", "x[/y]", "scoping", "--as", "jlee", "--evidence", ESCAPE, *db)
    assert signed.returncode == 0, signed.stderr
    return db


def test_markup_and_escape_sequences_in_stored_text_are_shown_literally(tracked: list[str]) -> None:
    for command in (["status", "x[/y]"], ["gate", "check", "x[/y]", "scoping"], ["log", "x[/y]"]):
        result = run_cli(*command, *tracked)
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr and "MarkupError" not in result.stderr
        assert "\x1b" not in result.stdout, command
    status = run_cli("status", "x[/y]", *tracked).stdout
    assert "x[/y]" in status and MARKUP in status
    log = run_cli("log", "x[/y]", *tracked).stdout
    assert "done \\x1b[31mred\\x1b[0m" in log


@pytest.mark.parametrize(
    ("key", "reason"),
    [("JaneDoe", "reads like a name"), ("123-45-6789", "Social Security"), ("REF-1\n", "line breaks")],
)
def test_member_keys_that_are_not_opaque_are_refused(tracked: list[str], key: str, reason: str) -> None:
    result = run_cli("journey", "start", "x[/y]", "member", key, "--as", "jlee", *tracked)
    assert result.returncode == 1
    # One line that names the key as written (a line break shown as \n, not broken) and why.
    assert result.stderr.startswith(f"member key {key!r} ")
    assert reason in result.stderr
    assert result.stderr.count("\n") == 1


def test_free_text_that_looks_personal_is_flagged_before_it_is_kept(tmp_path: Path) -> None:
    workflow = tmp_path / "small.yaml"
    workflow.write_text(SMALL, encoding="utf-8")
    db = ["--db", str(tmp_path / "t.db")]
    run_cli(
        "partnership", "start", "acme", "--workflow", str(workflow),
        "--start", "2026-01-01", "--end", "2026-12-31", "--as", "jlee", *db,
    )  # fmt: skip
    note = ["--note", "Mrs Smith invoice"]
    result = run_cli("task", "start", "acme", "write-scope", "--as", "jlee", *note, *db)
    assert result.returncode == 0
    assert result.stderr.startswith("lifecycle: warning: note seems to hold a person's name ('Mrs Smith')")
    quiet = run_cli("task", "done", "acme", "write-scope", "--as", "jlee", "--note", "ticket T-18", *db)
    assert quiet.stderr == ""


def test_the_audit_csv_is_safe_to_open_in_a_spreadsheet(tmp_path: Path) -> None:
    workflow = tmp_path / "small.yaml"
    workflow.write_text(SMALL, encoding="utf-8")
    db = ["--db", str(tmp_path / "t.db")]
    run_cli(
        "partnership", "start", "acme", "--workflow", str(workflow),
        "--start", "2026-01-01", "--end", "2026-12-31", "--as", "jlee", *db,
    )  # fmt: skip
    formula = '=HYPERLINK("http://x","click")'
    run_cli("task", "start", "acme", "write-scope", "--as", "jlee", "--note", formula, *db)
    note = ["--note", "+cmd|' /C calc'!A0\nline two"]
    run_cli("task", "block", "acme", "write-scope", "--as", "jlee", *note, *db)
    rows = list(csv.reader(io.StringIO(run_cli("log", "acme", "--format", "csv", *db).stdout)))
    assert len(rows) == 4 and all(len(row) == len(rows[0]) for row in rows)
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_every_audit_csv_cell_is_neutralized_and_a_line_break_keeps_its_row() -> None:
    import datetime as dt

    from lifecycle.store.tables import AuditEntry
    from lifecycle.tracking.audit import audit_csv

    entry = AuditEntry(
        partnership_id=1, at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), actor="@jlee", action="task.start",
        subject="-write-scope", from_state="todo", to_state="in-progress", outcome="ok",
        detail='=HYPERLINK("http://x","click")\rsecond line',
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO(audit_csv([entry]))))
    assert len(rows) == 2
    assert rows[1][1] == "'@jlee" and rows[1][3] == "'-write-scope"
    assert rows[1][-1] == '\'=HYPERLINK("http://x","click")\rsecond line'

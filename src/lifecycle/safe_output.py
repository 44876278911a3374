"""Writing what users open: files written safely, and text made safe for spreadsheets.

Two ideas that every export shares, each defined once here:

- :func:`write_file` puts bytes at a path the way a careful editor saves: a
  regular file is replaced whole or not at all (a temporary file in the same
  folder, renamed into place) and gets the mode a new file would get under the
  umask, or keeps the mode it had; a symbolic link is followed, so the link stays
  a link; a FIFO or a device is written through, never replaced by a file.
- :func:`spreadsheet_cell` neutralizes text that a spreadsheet would run as a
  formula (OWASP's CSV-injection advice: a leading ``=``, ``+``, ``-``, ``@``,
  tab or carriage return is preceded by a quote) and replaces control characters
  that no spreadsheet or XML file can hold.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from lifecycle.diagnostics import LifecycleError

__all__ = ["NOT_XML", "OutputError", "printable", "spreadsheet_cell", "spreadsheet_csv", "write_file"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""A character outside XML 1.0's ``Char`` production: one no XML 1.0 file can
hold, not even as a character reference (most C0 controls, surrogates, U+FFFE, U+FFFF)."""


class OutputError(LifecycleError):
    """An output file cannot be written."""


def printable(text: str) -> str:
    """``text`` with control characters other than tab, LF and CR replaced by U+FFFD.

    XML 1.0 (SVG, XLSX) cannot hold them, and Graphviz stops at a NUL.

    >>> printable("a\\x00b\\tc")
    'a\\ufffdb\\tc'
    """
    return _CONTROL.sub("\ufffd", text)


def spreadsheet_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it, never run as a formula.

    Parameters
    ----------
    text
        A cell's value as written in the workflow.

    Returns
    -------
    str
        The value with control characters replaced (:func:`printable`) and, when it
        begins with ``=``, ``+``, ``-``, ``@``, tab or CR, a leading ``'``.

    Examples
    --------
    >>> spreadsheet_cell("=HYPERLINK(\\"x\\")")
    '\\'=HYPERLINK("x")'
    >>> spreadsheet_cell("A/R")
    'A/R'
    """
    text = printable(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _new_file_mode() -> int:
    # The umask can only be read by setting it; it is put straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` without ever leaving half a file or replacing a
    special file.

    Parameters
    ----------
    path
        The file to write. A symbolic link is followed to its target.
    data
        The whole content.

    Raises
    ------
    OutputError
        When the path is a folder, its folder does not exist, or writing fails.
    """
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"{path}: is a folder, not a file")
    if mode is not None and not stat.S_ISREG(mode):
        # A FIFO, a device or a socket: write into it as it is.
        try:
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, stat.S_IMODE(mode) if mode is not None else _new_file_mode())
        os.replace(tmp, target)
    except OSError as exc:
        os.unlink(tmp)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """CSV text with a header row, safe to open in a spreadsheet: every cell
    neutralized (:func:`spreadsheet_cell`) and quoted, so neither a formula nor a
    line break inside a value can take effect or end a row early."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow([spreadsheet_cell(cell) for cell in header])
    writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()

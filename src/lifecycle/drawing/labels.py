"""Text that renders as written: wrapping and escaping for DOT, HTML and Mermaid.

Titles come from workflow files typed in a room, so they may hold quotes, ``<``,
``>``, ``&``, braces, backslashes, newlines and any letters. Graphviz gives
backslashes a meaning (``\\n``, ``\\N``, ``\\G``) and the ``graphviz`` package
treats a value that looks like ``<...>`` as an HTML label, so every label goes
through :func:`dot_label`, which escapes both and wraps long lines.
"""

from __future__ import annotations

import html
import re
import textwrap

from graphviz import nohtml

from lifecycle.safe_output import printable

__all__ = ["dot_label", "html_text", "mermaid_text", "wrap"]


_NOT_PLAIN = re.compile(r"[^\S ]|  |^ | $|--|[^\d\W]-[^\d\W]")
"""What makes ``textwrap`` do more than break between words: white space other
than single inner spaces, and the dashes and hyphens (letter-letter) it may break at."""


def _words(paragraph: str, width: int) -> list[str] | None:
    """``textwrap.wrap(paragraph, width)`` for a plain paragraph, without its regular
    expression (most of the time of a large map's layout); None when not plain.

    Plain means single spaces between words, none longer than ``width``, and no
    hyphen or dash ``textwrap`` could break at: then its chunks are the words
    and it puts as many on each line as fit.
    """
    if _NOT_PLAIN.search(paragraph):
        return None
    words = paragraph.split(" ")
    if max(map(len, words)) > width:
        return None
    lines = []
    line = words[0]
    for word in words[1:]:
        if len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def wrap(text: str, width: int, *, max_lines: int | None = None) -> list[str]:
    """Break ``text`` into lines of at most ``width`` characters.

    The writer's own line breaks are kept; lines break between words or after a
    hyphen, and only a single word longer than ``width`` is split.
    With ``max_lines``, the last kept line ends with an ellipsis when text is cut.
    """
    lines: list[str] = []
    for paragraph in printable(text).splitlines() or [""]:
        plain = _words(paragraph, width) if paragraph else None
        lines.extend(plain or textwrap.wrap(paragraph, width) or [""])
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: width - 1] if len(last) >= width else last) + "…"
    return lines


def _escape_line(line: str) -> str:
    return printable(line).replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")


def dot_label(lines: str | list[str], *, justify: str = "center") -> str:
    """A DOT label showing ``lines`` as written, one per line.

    Parameters
    ----------
    lines
        The text (split at its own newlines) or the lines to show.
    justify
        ``"center"`` or ``"left"``: how Graphviz aligns each line.

    Returns
    -------
    str
        An escaped label, marked so the ``graphviz`` package never reads it as HTML.
    """
    parts = lines.splitlines() if isinstance(lines, str) else lines
    end = "\\l" if justify == "left" else "\\n"
    body = end.join(_escape_line(line) for line in parts)
    # Graphviz centers a label ending in \n on an extra empty line; \l must end the last line.
    label: str = nohtml(body + end if justify == "left" else body)
    return label


def html_text(text: str) -> str:
    """``text`` escaped for HTML (and HTML-like Graphviz labels), newlines as ``<br/>``."""
    return "<br/>".join(html.escape(line, quote=True) for line in printable(text).splitlines())


def mermaid_text(text: str) -> str:
    """``text`` for a quoted Mermaid label: entity codes for the characters Mermaid parses."""
    out = []
    for char in printable(text):
        if char == "\n":
            out.append("<br/>")
        elif char in '"#<>&{}[]()|\\`;':
            out.append(f"#{ord(char)};")
        else:
            out.append(char)
    return "".join(out)

"""Stored text on a terminal: shown literally, never read as markup or commands.

Evidence, names and subjects come from whoever typed them. Rich reads
``[bold]`` in a plain string as markup (and a stray ``[/note]`` crashes it),
and an escape character in evidence would move the cursor or recolour the
screen. Everything stored goes through :func:`shown` or :func:`literal`.
"""

from __future__ import annotations

import re

from rich.text import Text

__all__ = ["literal", "shown"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters other than tab and line feed: escape, carriage return, bell ..."""


def shown(text: str) -> str:
    """``text`` with every control character but tab and line feed written as ``\\xNN``.

    Examples
    --------
    >>> shown("see \\x1b[31mred\\x1b[0m")
    'see \\\\x1b[31mred\\\\x1b[0m'
    """
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def literal(text: str, style: str = "") -> Text:
    """``text`` as a Rich :class:`~rich.text.Text`: no markup read, control characters escaped.

    Examples
    --------
    >>> literal("see ticket [/note] in folder").plain
    'see ticket [/note] in folder'
    """
    return Text(shown(text), style=style)

"""DOT text written directly: the small part of the ``graphviz`` package's graph
builder that the lane maps use, without its per-attribute quoting cost.

A lane map of 10,000 tasks has about 25,000 nodes and edges with a dozen
attributes each; the ``graphviz`` package's ``Digraph`` spent more time quoting
them than Graphviz spends drawing the map. Labels arrive already escaped
(:func:`lifecycle.drawing.labels.dot_label`), so quoting here only wraps a value
in double quotes and escapes a double quote that is not escaped yet. The result
is a :class:`graphviz.Source`, which pipes and renders like a ``Digraph``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import graphviz

__all__ = ["DotGraph", "Html"]

_UNESCAPED_QUOTE = re.compile(r'(?<!\\)(?:\\\\)*"')


class Html(str):
    """An HTML-like label (``<...>``), written unquoted."""

    __slots__ = ()


def _quote(value: str) -> str:
    if isinstance(value, Html):
        return value
    if '"' not in value:
        # Almost every value: nothing to escape, so no regular expression to run.
        return f'"{value}"'
    return '"' + _UNESCAPED_QUOTE.sub(lambda m: m.group(0)[:-1] + '\\"', value) + '"'


def _attrs(attrs: dict[str, str]) -> str:
    # The plain case inline: a large map writes some 300,000 values.
    return " ".join(
        [
            f"{key}={_quote(value)}" if '"' in value or isinstance(value, Html) else f'{key}="{value}"'
            for key, value in attrs.items()
        ]
    )


class DotGraph:
    """A directed graph's DOT statements, in the order they are added."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self._indent = "\t"

    def attr(self, kind: str | None = None, **attrs: str) -> None:
        """Default attributes for ``kind`` (graph, node, edge), or the (sub)graph's own."""
        if kind is None:
            self.lines.extend(f"{self._indent}{key}={_quote(value)}" for key, value in attrs.items())
        else:
            self.lines.append(f"{self._indent}{kind} [{_attrs(attrs)}]")

    def node(self, name: str, label: str | None = None, **attrs: str) -> None:
        """Add a node; ``label`` first, as the ``graphviz`` package orders it."""
        if label is not None:
            attrs = {"label": label, **attrs}
        self.lines.append(f"{self._indent}{_quote(name)} [{_attrs(attrs)}]")

    def edge(self, tail: str, head: str, **attrs: str) -> None:
        """Add an edge from ``tail`` to ``head``."""
        self.lines.append(f"{self._indent}{_quote(tail)} -> {_quote(head)} [{_attrs(attrs)}]")

    @contextmanager
    def subgraph(self, name: str) -> Iterator[DotGraph]:
        """A subgraph (a cluster when ``name`` starts with ``cluster``) written in place."""
        self.lines.append(f"{self._indent}subgraph {_quote(name)} {{")
        self._indent += "\t"
        try:
            yield self
        finally:
            self._indent = self._indent[:-1]
            self.lines.append(f"{self._indent}}}")

    def source(self) -> graphviz.Source:
        """The whole graph as a :class:`graphviz.Source`."""
        body = "\n".join(self.lines)
        return graphviz.Source(f"digraph {_quote(self.name)} {{\n{body}\n}}\n")

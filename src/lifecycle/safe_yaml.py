"""Read YAML safely, with the position of every problem.

Plain ``yaml.safe_load`` keeps the last of two duplicate keys without a word,
expands aliases without bound, and the C parser crashes the interpreter on
deeply nested input. This module builds Python values straight from the parser's
event stream, iteratively, so it can refuse all of these with a line and column:

- duplicate keys, merge keys (``<<``) and non-scalar keys;
- explicit tags other than the plain YAML types (``!!python/object`` and friends),
  and plain types given to text that is not of that type (``!!bool foo``);
- aliases that would expand past a node budget ("billion laughs"), and recursive ones;
- nesting deeper than :data:`MAX_DEPTH`, files over a size limit, binary data,
  text that is not UTF-8, and tab characters used for indentation.

:class:`Locator` maps a path of keys and indexes (as pydantic reports them) back to
the line and column of that node, building its index only when first asked.

Plain mapping keys are read as text: a workflow's keys are field names and ids,
so ``no:`` is the id "no" (not false) and ``1:`` and ``true:`` are two keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml import events as ev

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "Locator",
    "YamlProblem",
    "decode",
    "parse",
]

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
"""Workflow files larger than this are refused before they are read."""

MAX_DEPTH = 64
"""Workflow files nest about eight levels deep; anything past this is hostile."""

MAX_ALIAS_NODES = 100_000
"""How many nodes aliases may add in all when they are expanded."""

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_IMPLICIT_STARTS = frozenset(c for c in yaml.resolver.Resolver.yaml_implicit_resolvers if c)
_TYPE_PATTERNS = {
    tag: pattern
    for resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.values()
    for tag, pattern in resolvers
}
"""Each plain type's pattern, as YAML uses it to read untagged values: an
explicitly tagged value must match it too, or PyYAML's constructors crash."""

_TYPE_WORDS = {
    "bool": ("a boolean", "write true or false"),
    "int": ("a whole number", "write a number such as 12"),
    "float": ("a number", "write a number such as 1.5"),
    "null": ("null", "write null or ~"),
    "timestamp": ("a date", "write a date such as 2026-09-01"),
}
_LEADING_TAB = re.compile(r"^( *)\t", re.MULTILINE)


@dataclass
class YamlProblem(Exception):
    """A problem in YAML text, at a 1-based line and column."""

    code: str
    message: str
    line: int = 0
    column: int = 0
    hint: str | None = None


def decode(data: bytes) -> str:
    """Decode workflow bytes as UTF-8, refusing binary and other encodings.

    Raises
    ------
    YamlProblem
        ``E108`` for binary data, ``E109`` for text that is not UTF-8.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem("E109", "file is UTF-16, not UTF-8", 1, 1, "save it as UTF-8")
    if b"\x00" in data:
        line, column = _position(data, data.index(b"\x00"))
        raise YamlProblem("E108", "file is binary (it contains NUL bytes), not YAML", line, column)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise YamlProblem(
            "E109",
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            line,
            column,
            "save it as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def parse(text: str, *, max_alias_nodes: int = MAX_ALIAS_NODES) -> Any:
    """Parse one YAML document into plain Python values (dicts, lists, scalars).

    Returns ``None`` for a document with no content.

    Raises
    ------
    YamlProblem
        For syntax errors and for every unsafe construct listed in the module docs.
    """
    # The substring test is a hundred times faster than the regex on big files.
    tab = _LEADING_TAB.search(text) if "\t" in text else None
    if tab is not None:
        line = text.count("\n", 0, tab.start()) + 1
        raise YamlProblem(
            "E103",
            "tab character used for indentation",
            line,
            len(tab.group(1)) + 1,
            "YAML indents with spaces only",
        )
    loader = _Loader(text)
    try:
        return _build(loader.get_event, max_alias_nodes)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_problem(text, exc) from None
    except yaml.YAMLError as exc:
        raise YamlProblem("E101", f"YAML syntax error: {exc}") from None
    finally:
        loader.dispose()


def _events(text: str) -> Iterator[ev.Event]:
    loader = _Loader(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


def _reader_problem(text: str, exc: yaml.reader.ReaderError) -> YamlProblem:
    """A character YAML does not allow anywhere (most control characters)."""
    line = text.count("\n", 0, exc.position) + 1
    column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
    code = ord(exc.character) if isinstance(exc.character, str) else exc.character
    return YamlProblem(
        "E101",
        f"YAML does not allow the control character U+{code:04X}",
        line,
        column,
        "remove it",
    )


def _syntax_problem(exc: yaml.MarkedYAMLError) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    parts = [p for p in (exc.context, exc.problem) if p]
    message = "YAML syntax error: " + ", ".join(parts) if parts else "YAML syntax error"
    if mark is None:
        return YamlProblem("E101", message)
    return YamlProblem("E101", message, mark.line + 1, mark.column + 1)


_NO_KEY = object()
"""The pending key of a mapping that waits for its next key."""

# Frame fields: an open container is a list [value, anchor, size, key, keys],
# where ``keys`` maps each key of a mapping to the event that wrote it (for the
# line of a duplicate) and is None for a sequence.
_VALUE, _ANCHOR, _SIZE, _KEY, _KEYS = range(5)


def _build(next_event: Callable[[], ev.Event], max_alias_nodes: int) -> Any:
    """Build the document's value from the parser's events, enforcing the safety rules.

    This is the loader's hot loop (one pass per event, hundreds of thousands
    for a large network), so it dispatches on the event class with ``is`` and
    keeps its state in local variables rather than in objects.
    """
    stack: list[list[Any]] = []
    anchors: dict[str, tuple[Any, int]] = {}
    open_anchors: set[str] = set()
    alias_nodes = 0
    documents = 0
    result: Any = None
    resolve = yaml.resolver.Resolver().resolve
    constructor = yaml.constructor.SafeConstructor()
    while True:
        event: Any = next_event()
        kind = event.__class__
        if kind is ev.ScalarEvent:
            tag = event.tag
            value = event.value
            if tag is None or tag == "!":
                # Most scalars are text whose first character no implicit type
                # (int, bool, null, date...) can start with: skip the resolver.
                # A plain mapping key stays text (see the module docs).
                if event.implicit[0] and (not value or value[0] in _IMPLICIT_STARTS):
                    tag = resolve(yaml.ScalarNode, value, event.implicit)  # type: ignore[no-untyped-call]
                    if tag == _MERGE_TAG or (tag != _STR_TAG and not (stack and stack[-1][_KEY] is _NO_KEY)):
                        value = _construct(constructor, event, tag)
            elif tag in _PLAIN_TAGS:
                if tag != _STR_TAG:
                    value = _construct_tagged(constructor, event, tag)
            else:
                raise _bad_tag(event)
            size = 1
            if event.anchor:
                anchors[event.anchor] = (value, 1)
        elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
            frame = stack.pop()
            value, size = frame[_VALUE], frame[_SIZE]
            if frame[_ANCHOR]:
                open_anchors.discard(frame[_ANCHOR])
                anchors[frame[_ANCHOR]] = (value, size)
        elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
            tag = event.tag
            if tag and tag != "!" and tag not in _PLAIN_TAGS:
                raise _bad_tag(event)
            if len(stack) >= MAX_DEPTH:
                raise _at(event, "E111", f"nesting deeper than {MAX_DEPTH} levels")
            if stack and stack[-1][_KEY] is _NO_KEY:
                raise _at(event, "E101", "a mapping key must be a plain value, not a list or mapping")
            if event.anchor:
                open_anchors.add(event.anchor)
            if kind is ev.MappingStartEvent:
                stack.append([{}, event.anchor, 1, _NO_KEY, {}])
            else:
                stack.append([[], event.anchor, 1, None, None])
            continue
        elif kind is ev.AliasEvent:
            name = event.anchor
            if name in open_anchors:
                raise _at(event, "E105", f"alias *{name} refers to its own anchor (recursive alias)")
            if name not in anchors:
                raise _at(event, "E101", f"alias *{name} refers to no anchor defined before it")
            value, size = anchors[name]
            alias_nodes += size
            if alias_nodes > max_alias_nodes:
                raise _at(
                    event,
                    "E105",
                    f"aliases expand to more than {max_alias_nodes:,} nodes",
                    "write the repeated parts out, or use fewer aliases",
                )
            if stack and stack[-1][_KEY] is _NO_KEY and isinstance(value, dict | list):
                raise _at(event, "E101", "a mapping key must be a plain value, not a list or mapping")
        elif kind is ev.StreamEndEvent:
            return result
        elif kind is ev.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _at(
                    event, "E101", "more than one YAML document in the file", "keep one workflow per file"
                )
            continue
        else:
            continue
        if not stack:
            result = value
            continue
        frame = stack[-1]
        frame[_SIZE] += size
        keys = frame[_KEYS]
        if keys is None:
            frame[_VALUE].append(value)
        elif frame[_KEY] is _NO_KEY:
            if value in keys:
                raise _at(
                    event,
                    "E102",
                    f"duplicate key {value!r} (first defined on line {_start(keys[value])[0]})",
                    "each key may appear once in a mapping; merge the two entries",
                )
            keys[value] = event
            frame[_KEY] = value
        else:
            frame[_VALUE][frame[_KEY]] = value
            frame[_KEY] = _NO_KEY


_CONSTRUCTOR_ERRORS = (
    yaml.YAMLError,
    ValueError,
    OverflowError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
)
"""What PyYAML's scalar constructors raise on text that is not of their type."""


def _construct(constructor: Any, event: ev.ScalarEvent, tag: str) -> Any:
    """The value of an untagged scalar that YAML reads as a plain, non-text type."""
    if tag == _MERGE_TAG:
        raise _at(event, "E104", "merge keys (<<) are not supported", "write the fields out")
    try:
        return constructor.construct_object(yaml.ScalarNode(tag, event.value, style=event.style))
    except _CONSTRUCTOR_ERRORS as exc:
        what, _ = _TYPE_WORDS.get(tag.rsplit(":", 1)[-1], ("a value", ""))
        raise _at(
            event,
            "E112",
            f"{event.value!r} looks like {what} but is not one ({exc})",
            "put it in quotes if it is meant as text",
        ) from None


def _construct_tagged(constructor: Any, event: ev.ScalarEvent, tag: str) -> Any:
    """The value of a scalar with an explicit plain tag (``!!int 12``)."""
    pattern = _TYPE_PATTERNS.get(tag)
    if pattern is not None and pattern.match(event.value) is None:
        name = tag.rsplit(":", 1)[-1]
        what, how = _TYPE_WORDS[name]
        raise _at(
            event,
            "E112",
            f"{event.value!r} is not {what}, as its tag !!{name} says",
            f"{how}, or remove the tag",
        )
    return _construct(constructor, event, tag)


def _bad_tag(event: ev.NodeEvent) -> YamlProblem:
    return _at(
        event,
        "E104",
        f"tag {getattr(event, 'tag', None)!r} is not allowed",
        "workflow files use plain YAML values only",
    )


def _start(event: ev.Event | None) -> tuple[int, int]:
    """The 1-based (line, column) where an event starts, (0, 0) when unknown."""
    mark = event.start_mark if event is not None else None
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _at(event: ev.Event | None, code: str, message: str, hint: str | None = None) -> YamlProblem:
    line, column = _start(event)
    return YamlProblem(code, message, line, column, hint)


Path = tuple[Any, ...]


class Locator:
    """Finds the line and column of a node from its path in the parsed document.

    Paths are tuples of mapping keys and sequence indexes, as in pydantic's
    error locations: ``("phases", "scoping", "tasks", "define-roles", "owner")``.
    The index is built on first use, so loading pays nothing for it.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._index: dict[Path, tuple[int, int, int, int]] | None = None

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The 1-based (line, column) of the node at ``path``, or of its key.

        Parts of the path that do not exist are dropped from the end, so a
        path into a value that is missing or of the wrong shape points at the
        nearest node that does exist. The empty path is the document's start.
        """
        index = self._build() if self._index is None else self._index
        for length in range(len(path), 0, -1):
            found = index.get(tuple(path[:length]))
            if found is not None:
                if key and length == len(path):
                    return found[0], found[1]
                return found[2], found[3]
        return 1, 1

    def _build(self) -> dict[Path, tuple[int, int, int, int]]:
        index: dict[Path, tuple[int, int, int, int]] = {}
        # Each open container: its path, whether it is a mapping, the next
        # sequence index, the pending key and where that key was.
        stack: list[list[Any]] = []
        skip = ev.StreamStartEvent | ev.StreamEndEvent | ev.DocumentStartEvent | ev.DocumentEndEvent
        try:
            for event in _events(self._text):
                if isinstance(event, skip):
                    continue
                if isinstance(event, ev.MappingEndEvent | ev.SequenceEndEvent):
                    stack.pop()
                    self._after_value(stack)
                    continue
                if stack and stack[-1][1] and stack[-1][3] is None:
                    if isinstance(event, ev.ScalarEvent):  # a mapping key
                        stack[-1][3] = event.value
                        stack[-1][4] = _start(event)
                    continue
                path: Path = ()
                if stack:
                    parent = stack[-1]
                    here = _start(event)
                    if parent[1]:
                        path, at_key = (*parent[0], parent[3]), parent[4]
                    else:
                        path, at_key = (*parent[0], parent[2]), here
                    index[path] = (*at_key, *here)
                if isinstance(event, ev.MappingStartEvent | ev.SequenceStartEvent):
                    stack.append([path, isinstance(event, ev.MappingStartEvent), 0, None, None])
                else:
                    self._after_value(stack)
        except yaml.YAMLError:
            pass
        self._index = index
        return index

    @staticmethod
    def _after_value(stack: list[list[Any]]) -> None:
        if not stack:
            return
        parent = stack[-1]
        if parent[1]:
            parent[3] = None
        else:
            parent[2] += 1

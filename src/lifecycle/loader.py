"""Load workflow files: YAML text to a checked :class:`~lifecycle.model.Workflow`.

Every problem becomes a :class:`~lifecycle.diagnostics.Diagnostic` that points at
the offending node (``FILE:LINE:COL``), with a did-you-mean for misspelled
fields and ids. All problems of a file are reported together, not just the first.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from lifecycle import model as model_module
from lifecycle import safe_yaml
from lifecycle.collector import collector_paused
from lifecycle.diagnostics import Diagnostic, LoadError, Location
from lifecycle.model import PATTERNS, Workflow
from lifecycle.references import check_references
from lifecycle.safe_yaml import DEFAULT_MAX_BYTES, Locator, YamlProblem
from lifecycle.words import did_you_mean

__all__ = ["Document", "describe", "load", "loads"]

MAX_REPORTED = 200
"""Past this many problems in one file, the rest are summarized in one line."""


@dataclass
class Document:
    """A loaded workflow and where it came from."""

    path: str
    """The file name as given (``<string>`` for text loaded from memory)."""

    workflow: Workflow
    """The validated workflow."""

    text: str = field(repr=False)
    """The file's text."""

    _locator: Locator | None = field(default=None, repr=False)

    def locate(self, path: tuple[Any, ...], *, key: bool = False) -> Location:
        """The location of the node at ``path`` (keys and indexes) in this file."""
        if self._locator is None:
            self._locator = Locator(self.text)
        line, column = self._locator.locate(path, key=key)
        return Location(self.path, line, column)


MAX_MB_VARIABLE = "LIFECYCLE_MAX_MB"
"""Environment variable that raises (or lowers) the file size limit, in megabytes."""


def max_file_bytes() -> int:
    """The file size limit: ``$LIFECYCLE_MAX_MB`` megabytes, else 16 MB.

    Raises
    ------
    LoadError
        When the variable is set but is not a positive number.
    """
    setting = os.environ.get(MAX_MB_VARIABLE)
    if not setting:
        return DEFAULT_MAX_BYTES
    try:
        megabytes = float(setting)
    except ValueError:
        megabytes = 0.0
    if not megabytes > 0:
        raise _error(MAX_MB_VARIABLE, "E106", f"must be a positive number of megabytes, not {setting!r}")
    return int(megabytes * 1024 * 1024)


def load(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> Document:
    """Load and validate the workflow file at ``path``.

    Parameters
    ----------
    path
        The workflow file (YAML).
    max_bytes
        Files larger than this are refused before they are read; by default
        :func:`max_file_bytes` (16 MB, or ``$LIFECYCLE_MAX_MB``).

    Returns
    -------
    Document
        The validated workflow with its source text.

    Raises
    ------
    LoadError
        With one diagnostic per problem, each at its line and column.

    Examples
    --------
    >>> doc = load("workflows/payer-cbo-partnership.yaml")  # doctest: +SKIP
    >>> sorted(doc.workflow.organizations)  # doctest: +SKIP
    ['cbo', 'plan']
    """
    name = os.fspath(path)
    if max_bytes is None:
        max_bytes = max_file_bytes()
    try:
        size = os.stat(name).st_size
        if size > max_bytes:
            raise _error(name, "E106", f"file is {_mb(size)}, over the {_mb(max_bytes)} limit", _SIZE_HINT)
        with open(name, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except IsADirectoryError:
        raise _error(name, "E100", "is a directory, not a workflow file") from None
    except FileNotFoundError:
        raise _error(name, "E100", "no such file") from None
    except OSError as exc:
        raise _error(name, "E100", f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise _error(name, "E106", f"file is over the {_mb(max_bytes)} limit", _SIZE_HINT)
    try:
        text = safe_yaml.decode(data)
    except YamlProblem as problem:
        raise LoadError([_from_problem(name, problem)]) from None
    return loads(text, name)


def loads(text: str, name: str = "<string>") -> Document:
    """Validate workflow YAML given as text; ``name`` is used in locations.

    Raises
    ------
    LoadError
        With one diagnostic per problem, each at its line and column.
    """
    with collector_paused():
        return _loads(text, name)


def _loads(text: str, name: str) -> Document:
    try:
        data = safe_yaml.parse(text)
    except YamlProblem as problem:
        raise LoadError([_from_problem(name, problem)]) from None
    if data is None:
        raise _error(name, "E107", "file is empty; a workflow needs at least id, title and organizations")
    if not isinstance(data, dict):
        raise LoadError(
            [
                Diagnostic(
                    Location(name, 1, 1),
                    "E110",
                    f"a workflow file must be a mapping of fields, not a {_kind(data)}",
                )
            ]
        )
    locator = Locator(text)
    try:
        workflow = Workflow.model_validate(data)
    except ValidationError as exc:
        raise LoadError(_cap(_schema_diagnostics(name, exc, data, locator))) from None
    document = Document(name, workflow, text, locator)
    problems = check_references(workflow)
    if problems:
        raise LoadError(
            _cap(
                [
                    Diagnostic(
                        document.locate(p.path, key=p.at_key),
                        p.code,
                        f"{describe(p.path)}: {p.message}",
                        hint=p.hint,
                        element=p.element,
                    )
                    for p in problems
                ]
            )
        )
    return document


_SIZE_HINT = f"for a workflow that big, raise the limit with {MAX_MB_VARIABLE}=<megabytes>"


def _error(name: str, code: str, message: str, hint: str | None = None) -> LoadError:
    return LoadError([Diagnostic(Location(name), code, message, hint=hint)])


def _from_problem(name: str, problem: YamlProblem) -> Diagnostic:
    return Diagnostic(
        Location(name, problem.line, problem.column), problem.code, problem.message, hint=problem.hint
    )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _cap(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    if len(diagnostics) <= MAX_REPORTED:
        return diagnostics
    ordered = sorted(diagnostics, key=lambda d: d.location)
    rest = len(ordered) - MAX_REPORTED
    last = ordered[MAX_REPORTED - 1].location
    return [
        *ordered[:MAX_REPORTED],
        Diagnostic(Location(last.file), "E199", f"{rest} more problems not shown"),
    ]


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "text value"
    return type(value).__name__


# Collection keys and the singular noun for their items, for messages.
_NOUNS = {
    "organizations": "organization",
    "people": "person",
    "roles": "role",
    "artifacts": "artifact",
    "phases": "phase",
    "tasks": "task",
    "criteria": "criterion",
    "handoffs": "handoff",
    "journeys": "journey",
    "steps": "step",
    "exits": "exit",
    "escalations": "escalation path",
    "meetings": "meeting",
    "data_exchanges": "data exchange",
    "ignore": "suppression",
}


def describe(path: tuple[Any, ...]) -> str:
    """Name the workflow element a path points into, e.g. ``task 'site-visit'``."""
    for i in range(len(path) - 2, -1, -1):
        noun = _NOUNS.get(path[i]) if isinstance(path[i], str) else None
        if noun is not None:
            return f"{noun} {path[i + 1]!r}" if noun != "suppression" else f"suppression #{path[i + 1]}"
        if path[i] == "exit_gate" and i >= 1:
            return f"exit gate of phase {path[i - 1]!r}"
    return "workflow"


def _schema_diagnostics(name: str, exc: ValidationError, data: Any, locator: Locator) -> list[Diagnostic]:
    diagnostics = []
    for error in exc.errors():
        path, model = _data_path(error["loc"], data)
        kind = error["type"]
        where = describe(path)
        hint: str | None = None
        if kind == "extra_forbidden":
            field_name = path[-1]
            where = describe(path[:-1])
            code, message, key = "E201", f"unknown field {field_name!r} in {where}", True
            if model is not None:
                hint = did_you_mean(field_name, _field_names(model)) or _comma_hint(path, data)
        elif kind == "missing":
            field_name = error["loc"][-1]
            code, message, key = "E203", f"{where} is missing required field {field_name!r}", True
            path = path if path and path[-1] != field_name else path[:-1]
        elif error["loc"] and error["loc"][-1] == "[key]":
            code, key = "E204", True
            message = f"invalid id {path[-1]!r}: {_id_problem(error)}"
            hint = "ids are lowercase letters, digits, '-' and '_', starting with a letter or digit"
            slug = re.sub(r"[^a-z0-9_-]+", "-", str(path[-1]).lower()).strip("-_")[:80]
            if slug:
                hint += f"; for example {slug!r}"
        else:
            code, key = "E202", False
            field_name = next((p for p in reversed(path) if isinstance(p, str)), "")
            message = f"{where}: {field_name} {_value_message(error, field_name)}"
            hint = _value_hint(error)
        line, column = locator.locate(path, key=key)
        diagnostics.append(Diagnostic(Location(name, line, column), code, message, hint=hint, element=None))
    return diagnostics


def _id_problem(error: Any) -> str:
    if error["type"] == "string_pattern_mismatch":
        return "it has characters an id cannot have"
    return _lower(error["msg"])


_YAML_TYPES = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    date: "a date",
    datetime: "a date and time",
}


def _value_message(error: Any, field_name: str) -> str:
    """What is wrong with a value, in words: patterns are described, not shown."""
    kind, value = error["type"], error.get("input")
    pattern = PATTERNS.get((error.get("ctx") or {}).get("pattern", ""))
    if kind == "string_pattern_mismatch" and pattern is not None:
        return f"{value!r} is not {pattern.words}, e.g. {pattern.example!r}"
    if kind == "too_short" and isinstance(value, dict | list):
        return f"is empty; at least one {_NOUNS.get(field_name, 'item')} is needed"
    if kind == "string_type" and value is None:
        return "has no value"
    if kind == "string_type" and type(value) in _YAML_TYPES:
        shown = str(value).lower() if isinstance(value, bool) else value
        return f"should be text, but YAML reads it as {_YAML_TYPES[type(value)]} ({shown})"
    return _lower(error["msg"])


def _comma_hint(path: tuple[Any, ...], data: Any) -> str | None:
    """For an unknown, valueless field that follows a text field in a flow
    mapping, the likely cause: a comma in the text ended the value early."""
    node = data
    for part in path[:-1]:
        node = node[part] if isinstance(node, dict | list) else None
    if not isinstance(node, dict) or node.get(path[-1], "") is not None:
        return None
    keys = list(node)
    before = keys[keys.index(path[-1]) - 1] if keys.index(path[-1]) > 0 else None
    if before is None or not isinstance(node[before], str):
        return None
    return (
        f'a comma ends a value inside {{...}}: quote the whole text, {before}: "{node[before]}, {path[-1]}"'
    )


def _lower(message: str) -> str:
    message = message.removeprefix("Input ").removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


_HINTS = {
    "blank_text": "write what it is in words",
    "control_character": "remove it: text may hold line breaks and tabs, but no other control characters",
    "format_version": "write format: 1",
}
"""Hints for the format's own kinds of value error."""


def _value_hint(error: Any) -> str | None:
    if error["type"] in _HINTS:
        return _HINTS[error["type"]]
    if error["type"] == "string_type" and error.get("input", "") is None:
        return "write it after the colon, or leave the field out if it is optional"
    value = error.get("input")
    expected = (error.get("ctx") or {}).get("expected")
    if expected and isinstance(value, str):
        options = [o.strip(" '") for o in expected.replace(" or ", ", ").split(",")]
        return did_you_mean(value, options)
    if (error["type"] == "string_type" and isinstance(value, bool | int | float)) or (
        error["type"] == "string_type" and value.__class__.__name__ in ("date", "datetime")
    ):
        return "YAML read this as a non-text value; put it in quotes"
    return None


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[tuple[Any, ...], type[BaseModel] | None]:
    """Turn a pydantic error location into a path through the data, dropping the
    parts pydantic adds for unions and validators; also return the model class
    that the path's parent node is validated against (for did-you-mean)."""
    path: list[Any] = []
    node = data
    for part in loc:
        if part == "[key]":
            break
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and part in _FIELD_NAMES:
            # A required field that is missing.
            path.append(part)
            node = None
    return tuple(path), _model_at(path[:-1])


def _model_at(path: list[Any]) -> type[BaseModel] | None:
    """The model class that validates the node at ``path``, if it is a model."""
    current: Any = Workflow
    for part in path:
        if isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or n: f for n, f in current.model_fields.items()}
            info = fields.get(part) if isinstance(part, str) else None
            if info is None:
                return None
            current = info.annotation
        else:
            # A dict or list of models: the key or index picks one item.
            args = [a for a in get_args(current) if a is not type(None)]
            current = args[-1] if args else None
        current = _strip_optional(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


_FIELD_NAMES = frozenset(
    name
    for item in vars(model_module).values()
    if isinstance(item, type) and issubclass(item, BaseModel)
    for name in _field_names(item)
)

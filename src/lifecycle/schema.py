"""The JSON Schema of the workflow file format, generated from the model.

The model's fields are documented by the docstring under each one. Pydantic can
read those itself (``use_attribute_docstrings``), but it does so by parsing the
source of every model class at import, which every command would pay for; they
are read here instead, only when the schema is asked for.
"""

from __future__ import annotations

import ast
import inspect
import json
from functools import cache
from typing import Any

from pydantic import BaseModel

from lifecycle import model
from lifecycle.model import Workflow

__all__ = ["SCHEMA_ID", "attribute_docstrings", "schema_json", "workflow_schema"]

SCHEMA_ID = "https://lifecycle.dev/schema/workflow-1.json"


def workflow_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that workflow files conform to."""
    schema = Workflow.model_json_schema(by_alias=True)
    _describe(Workflow, schema)
    for name, definition in schema.get("$defs", {}).items():
        cls = getattr(model, name, None)
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            _describe(cls, definition)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "lifecycle workflow",
    }


def schema_json() -> str:
    """The schema as stable, indented JSON text (ends with a newline)."""
    return json.dumps(workflow_schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def attribute_docstrings(cls: type[BaseModel]) -> dict[str, str]:
    """The docstring written under each field of ``cls`` and of the models it
    inherits from, by field name; a subclass's docstring wins."""
    found: dict[str, str] = {}
    for base in reversed(cls.__mro__):
        if isinstance(base, type) and issubclass(base, BaseModel) and base.__module__ == model.__name__:
            found.update(_class_docstrings().get(base.__name__, {}))
    return found


def _describe(cls: type[BaseModel], definition: dict[str, Any]) -> None:
    """Give each property of ``definition`` its field's docstring, keeping the
    keys in the sorted order the rest of the schema has."""
    properties = definition.get("properties", {})
    docs = attribute_docstrings(cls)
    for name, info in cls.model_fields.items():
        prop = properties.get(info.alias or name)
        if prop is None or "description" in prop or name not in docs:
            continue
        prop["description"] = docs[name]
        ordered = dict(sorted(prop.items()))
        prop.clear()
        prop.update(ordered)


@cache
def _class_docstrings() -> dict[str, dict[str, str]]:
    """Per class of :mod:`lifecycle.model`: a string statement directly under an
    annotated attribute is that attribute's docstring (PEP 257)."""
    tree = ast.parse(inspect.getsource(model))
    result: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        docs: dict[str, str] = {}
        for statement, following in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[statement.target.id] = inspect.cleandoc(following.value.value)
        result[node.name] = docs
    return result

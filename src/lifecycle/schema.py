"""The JSON Schema of the workflow file format, generated from the model."""

from __future__ import annotations

import json
from typing import Any

from lifecycle.model import Workflow

__all__ = ["SCHEMA_ID", "schema_json", "workflow_schema"]

SCHEMA_ID = "https://lifecycle.dev/schema/workflow-1.json"


def workflow_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that workflow files conform to."""
    schema = Workflow.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "lifecycle workflow",
    }


def schema_json() -> str:
    """The schema as stable, indented JSON text (ends with a newline)."""
    return json.dumps(workflow_schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"

"""The JSON Schema is a product feature: editors validate workflow files with it."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from conftest import ROOT, WORKFLOWS

from lifecycle.schema import schema_json, workflow_schema

SCHEMA_FILE = ROOT / "docs" / "workflow.schema.json"


def test_committed_schema_is_current():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_json(), (
        "docs/workflow.schema.json is stale: run `lifecycle schema -o docs/workflow.schema.json`"
    )


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(workflow_schema())


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_shipped_workflows_conform_to_the_schema(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(workflow_schema()).validate(data)


def test_schema_rejects_unknown_fields_and_documents_every_field():
    schema = workflow_schema()
    assert schema["$defs"]["Task"]["additionalProperties"] is False
    for definition, body in schema["$defs"].items():
        for name, prop in body.get("properties", {}).items():
            assert prop.get("description"), f"{definition}.{name} has no description"
    validator = jsonschema.Draft202012Validator(schema)
    bad = {"id": "x", "title": "X", "organizations": {}, "colour": "blue"}
    assert any("colour" in e.message for e in validator.iter_errors(bad))


def test_cli_prints_the_schema(runner):
    from lifecycle.cli import cli

    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["$id"].endswith("workflow-1.json")


def test_every_load_error_code_is_documented():
    import re

    used = set()
    for source in (ROOT / "src" / "lifecycle").rglob("*.py"):
        used |= set(re.findall(r'"(E[0-9]{3})"', source.read_text(encoding="utf-8")))
    documented = set(
        re.findall(r"^\| (E[0-9]{3}) \|", (ROOT / "docs" / "workflow-format.md").read_text(), re.M)
    )
    assert used and used == documented

"""The check, whatif and rules commands as a user runs them: lines, formats,
exit codes, SARIF valid against the official schema, shipped workflows clean."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from cli_run import run_cli as run

from lifecycle.checks import all_rules

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "workflows" / "examples" / "go-to-escalation.yaml"
SHIPPED = sorted((ROOT / "workflows").glob("*.yaml"))
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

NO_CONTACT = """\
id: demo
title: Demo
organizations:
  plan: {name: Plan, kind: payer}
"""


def test_check_prints_one_line_per_finding_grouped_by_severity():
    result = run("check", str(EXAMPLE))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "2 errors"
    assert lines[1].startswith(
        f"{EXAMPLE}:62:5: error SPF002: cross-organization handoff 'stuck-authorization'"
    )
    assert lines[3] == "3 warnings"
    assert lines[-1] == "1 file checked: 2 errors, 3 warnings"
    assert "\x1b[" not in result.stdout  # no colour in a pipe


@pytest.mark.parametrize(("fail_on", "status"), [("error", 0), ("warning", 1), ("never", 0)])
def test_fail_on_decides_the_exit_code(write, fail_on, status):
    path = write(NO_CONTACT)  # one warning (GAP009), no errors
    result = run("check", str(path), "--fail-on", fail_on)
    assert result.returncode == status
    assert (
        f"{path}:4:3: warning GAP009: organization 'plan' has no designated point of contact" in result.stdout
    )


def test_suppressions_are_honoured_and_reported(write):
    path = write(NO_CONTACT + "ignore:\n  - {rule: GAP009, reason: Contact named at kickoff}\n")
    result = run("check", str(path), "--fail-on", "warning")
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["1 file checked: no findings, 1 suppressed"]
    listed = run("check", str(path), "--fail-on", "warning", "--show-suppressed")
    assert f"{path}:6:5: suppressed 1 finding of GAP009: Contact named at kickoff" in listed.stdout
    assert listed.stdout.splitlines()[-1] == "1 file checked: no findings, 1 suppressed"


def test_unused_suppression_is_noted(write):
    path = write(NO_CONTACT + "ignore:\n  - {rule: SPF002, reason: Old}\n")
    assert "the suppression of SPF002 matched no finding" in run("check", str(path)).stdout


def test_invalid_file_exits_1_with_its_load_error(write):
    path = write(NO_CONTACT + "colour: blue\n")
    result = run("check", str(path))
    assert result.returncode == 1
    assert f"{path}:5:1: error E201: unknown field 'colour' in workflow" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_unknown_rule_is_a_usage_error():
    result = run("check", str(EXAMPLE), "--select", "SPF099")
    assert result.returncode == 2
    assert "unknown rule 'SPF099'" in result.stderr


def test_select_and_ignore_narrow_the_findings():
    only = run("check", str(EXAMPLE), "--select", "SPF002", "--format", "json")
    assert {f["code"] for f in json.loads(only.stdout)["findings"]} == {"SPF002"}
    rest = run("check", str(EXAMPLE), "--ignore", "SPF002,SPF001", "--format", "json")
    assert {f["code"] for f in json.loads(rest.stdout)["findings"]} == {"SPF004"}
    assert rest.returncode == 0  # only a warning is left


def test_json_output(write):
    path = write(NO_CONTACT)
    data = json.loads(run("check", str(path), str(EXAMPLE), "--format", "json").stdout)
    assert data["summary"] == {"error": 2, "warning": 4, "info": 0, "suppressed": 0}
    first = data["findings"][0]
    assert first["file"] == str(path) and (first["line"], first["column"]) == (4, 3)
    assert first["rule"] == "organization-without-point-of-contact"


def test_sarif_is_valid_and_keeps_suppressed_results(write):
    path = write(NO_CONTACT + "ignore:\n  - {rule: GAP009, reason: Contact named at kickoff}\n")
    bad = write(NO_CONTACT + "colour: blue\n", "bad.yaml")
    result = run("check", str(EXAMPLE), str(path), str(bad), "--format", "sarif")
    log = json.loads(result.stdout)
    jsonschema.validate(log, SCHEMA)
    run_ = log["runs"][0]
    assert {r["id"] for r in run_["tool"]["driver"]["rules"]} == set(all_rules())
    by_rule: dict[str, dict] = {}
    for r in run_["results"]:
        by_rule.setdefault(r["ruleId"], r)
    assert by_rule["GAP009"]["suppressions"][0]["justification"] == "Contact named at kickoff"
    assert by_rule["E201"]["level"] == "error"
    region = by_rule["SPF002"]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 62, "startColumn": 5}
    assert result.returncode == 1


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_workflows_pass_their_checks(path):
    result = run("check", str(path), "--fail-on", "warning")
    assert result.returncode == 0, result.stdout


def test_whatif_text_and_json():
    text = run("whatif", str(EXAMPLE), "--without", "person:dmorgan")
    assert text.returncode == 0
    assert "without person 'dmorgan':" in text.stdout
    assert "warning GAP011: person 'dmorgan' receives handoff 'stuck-authorization'" in text.stdout
    assert "resilience 50 -> 0" in text.stdout
    data = json.loads(run("whatif", str(EXAMPLE), "--without", "dmorgan", "--format", "json").stdout)
    assert data["without"] == ["person:dmorgan"]
    assert data["score"] == {"before": 50, "after": 0}
    failing = run("whatif", str(EXAMPLE), "--without", "role:plan-poc", "--fail-on", "warning")
    assert failing.returncode == 1


def test_whatif_unknown_person_is_one_line():
    result = run("whatif", str(EXAMPLE), "--without", "person:nobody")
    assert result.returncode == 1
    assert result.stderr.strip() == "--without 'person:nobody': the workflow has no person 'nobody'"


def test_rules_lists_the_catalogue():
    result = run("rules")
    assert result.returncode == 0
    for code, rule in all_rules().items():
        assert f"{code:<8}{rule.severity.value:<8} {rule.name}: {rule.summary}" in result.stdout
    assert len(json.loads(run("rules", "--format", "json").stdout)) == len(all_rules())


def test_check_resilience_flag_prints_the_score():
    result = run("check", str(EXAMPLE), "--resilience")
    assert "resilience 50/100: 2 of 4 tasks, handoffs and escalation paths stay covered" in result.stdout
    assert "  dmorgan: 1 escalation, 1 handoff" in result.stdout

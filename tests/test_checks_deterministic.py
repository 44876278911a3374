"""Findings do not depend on Python's hash seed: the same file gives the same
messages in every run."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

NETWORK = ROOT / "workflows" / "cbo-network-formation.yaml"
SCRIPT = (
    "import sys\n"
    "from lifecycle.checks import run_checks\n"
    "from lifecycle.loader import load\n"
    "report = run_checks(load(sys.argv[1]), select=['SPF003'])\n"
    "found = report.findings + [d for s in report.suppressions for d in s.findings]\n"
    "for d in found: print(d.location.line, d.message)\n"
)


def test_cut_points_name_the_same_organizations_whatever_the_hash_seed() -> None:
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(NETWORK)], capture_output=True, text=True, env=env, check=True
        )
        assert "only link between organizations" in result.stdout
        outputs.add(result.stdout)
    assert len(outputs) == 1, outputs

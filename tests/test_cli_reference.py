"""docs/cli.md is generated from --help: no command ships undocumented."""

from __future__ import annotations

from conftest import ROOT

from lifecycle.cli import COMMANDS
from lifecycle.cli.reference import reference


def test_cli_reference_is_current():
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == reference(), "docs/cli.md is stale: run scripts/cli-docs"


def test_every_command_has_a_section_with_its_options():
    page = reference()
    for name in COMMANDS:
        assert f"`lifecycle {name}`" in page
    assert "--fail-on [error|warning|never]" in page
    assert "#### `lifecycle gate signoff`" in page

"""The ``lifecycle`` command line: parse, call the library, print.

Commands live in small modules of this package and are imported only when run,
so ``lifecycle --help`` starts fast. Errors are handled once, in :func:`main`:

- exit 0: success; 1: invalid input or findings; 2: usage error;
- exit 3: an unexpected error, whose traceback goes to a log file, not the screen.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import time
import traceback

import click

from lifecycle import __version__
from lifecycle.diagnostics import LifecycleError

__all__ = ["cli", "main"]

# Command name -> "module:attribute", imported on first use.
COMMANDS: dict[str, str] = {
    "validate": "lifecycle.cli.validate:validate",
    "schema": "lifecycle.cli.schema:schema",
    "partnership": "lifecycle.cli.track:partnership",
    "task": "lifecycle.cli.track:task",
    "gate": "lifecycle.cli.track:gate",
    "advance": "lifecycle.cli.track:advance",
    "db": "lifecycle.cli.track:db",
    "status": "lifecycle.cli.track_status:status",
    "log": "lifecycle.cli.track_status:log",
    "journey": "lifecycle.cli.track_members:journey",
    "escalate": "lifecycle.cli.track_members:escalate",
    "check": "lifecycle.cli.check:check",
    "whatif": "lifecycle.cli.check:whatif",
    "rules": "lifecycle.cli.check:rules",
    "render": "lifecycle.cli.render:render",
    "raci": "lifecycle.cli.render:raci",
}

# Short help for the command list, so `--help` imports no command module.
SUMMARIES: dict[str, str] = {
    "validate": "Validate workflow files and summarize them.",
    "schema": "Print the JSON Schema of the workflow file format.",
    "partnership": "Start, list and rebase tracked partnerships.",
    "task": "Start, finish, block or waive a partnership's tasks.",
    "gate": "Check a readiness gate, or sign it off.",
    "advance": "Move a partnership to its next phase when the exit gate is met.",
    "db": "Create or upgrade the tracking database.",
    "status": "Show a partnership: phase, tasks, gates, blockers, deadlines.",
    "log": "Show or export (CSV) a partnership's audit trail.",
    "journey": "Move members through a journey by an opaque member key.",
    "escalate": "Open, escalate and resolve issues on an escalation path.",
    "check": "Check workflows for gaps, single points of failure and gate problems.",
    "whatif": "Show what breaks when people leave or roles fall vacant.",
    "rules": "List the check rules: code, severity, summary.",
    "render": "Draw swimlane, journey and lifecycle maps (SVG, PNG, PDF, DOT, Mermaid).",
    "raci": "Write the RACI matrix (tasks by roles) as Markdown, CSV, XLSX or HTML.",
}


class LazyGroup(click.Group):
    """A group whose commands are imported when they are invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, SUMMARIES.get(name, "")) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lifecycle")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors on screen.")
def cli(debug: bool) -> None:
    """Map, check, render and track health plan and community care partnerships.

    Workflow files (YAML) describe a partnership's lifecycle: phases, tasks,
    roles, handoffs, readiness gates, escalation paths, meetings and data
    exchanges.
    """


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with its status; the console script's entry point."""
    args = sys.argv[1:] if argv is None else argv
    try:
        status = cli.main(args=args, prog_name="lifecycle", standalone_mode=False)
    except click.exceptions.Exit as exc:
        status = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        status = exc.exit_code
    except click.Abort as exc:
        # click turns Ctrl-C inside a command into Abort; it must still exit 130, not 1 ("findings").
        if isinstance(exc.__cause__, KeyboardInterrupt):
            status = _interrupted()
        else:
            click.echo("aborted", err=True)
            status = 1
    except LifecycleError as exc:
        for line in str(exc).splitlines():
            click.echo(line, err=True)
        status = 1
    except KeyboardInterrupt:
        status = _interrupted()
    except Exception as exc:  # noqa: BLE001 - the one place unexpected errors are caught
        status = _crash(exc, debug="--debug" in args)
    sys.exit(status if isinstance(status, int) else 0)


def _interrupted() -> int:
    click.echo("interrupted", err=True)
    return 130


def _crash(exc: BaseException, *, debug: bool) -> int:
    if debug:
        traceback.print_exception(exc)
        return 3
    log = _crash_log(exc)
    click.echo(f"lifecycle: internal error: {type(exc).__name__}: {exc}", err=True)
    click.echo(f"lifecycle: the details are in {log}; please attach it to a bug report", err=True)
    return 3


def _crash_log(exc: BaseException) -> str:
    directory = os.environ.get("LIFECYCLE_LOG_DIR") or tempfile.gettempdir()
    path = os.path.join(directory, f"lifecycle-crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log")
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(f"lifecycle {__version__}, argv: {sys.argv!r}\n")
            handle.write("".join(traceback.format_exception(exc)))
    except OSError:
        return "(could not write a log file)"
    return path

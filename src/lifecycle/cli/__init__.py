"""The ``lifecycle`` command line: parse, call the library, print.

Commands live in small modules of this package and are imported only when run,
so ``lifecycle --help`` starts fast. Errors are handled once, in :func:`main`:

- exit 0: success; 1: invalid input or findings; 2: usage error;
- exit 3: an unexpected error, whose traceback goes to a log file, not the screen.
"""

from __future__ import annotations

import importlib
import sys

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
    "audit": "lifecycle.cli.audit:audit",
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
    "serve": "lifecycle.cli.serve:serve",
    "export": "lifecycle.cli.interchange:export",
    "import": "lifecycle.cli.interchange:import_",
    "conformance": "lifecycle.cli.conformance:conformance",
    "report": "lifecycle.cli.report:report",
}


class LazyGroup(click.Group):
    """A group whose command modules are imported when first needed.

    The command list in ``--help`` shows each command's own first help line, so
    the two cannot disagree; the command modules import only click at the top.
    """

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
        # click cuts summaries at 45 characters; show each command's first sentence whole.
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=200)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


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
    for number, arg in enumerate(args, start=1):
        if not _is_text(arg):
            # Python carries undecodable bytes as lone surrogates, which no
            # database, terminal or file format can store: refuse them up front.
            printed = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            click.echo(f"lifecycle: argument {number} ({printed}) is not UTF-8 text", err=True)
            sys.exit(2)
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
        from lifecycle.cli.terminal import shown

        for line in str(exc).splitlines():
            click.echo(shown(line), err=True)
        status = 1
    except KeyboardInterrupt:
        status = _interrupted()
    except Exception as exc:  # noqa: BLE001 - the one place unexpected errors are caught
        status = _crash(exc, args)
    sys.exit(status if isinstance(status, int) else 0)


def _interrupted() -> int:
    click.echo("interrupted", err=True)
    return 130


def _is_text(arg: str) -> bool:
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _crash(exc: BaseException, args: list[str]) -> int:
    import traceback

    if "--debug" in args:
        traceback.print_exception(exc)
        return 3
    log = _crash_log(exc, args)
    click.echo(f"lifecycle: internal error: {type(exc).__name__}: {exc}", err=True)
    click.echo(f"lifecycle: the details are in {log}; please attach it to a bug report", err=True)
    return 3


def _versions() -> str:
    """What a bug report needs: lifecycle, Python, the platform, every runtime
    dependency (as the installed package declares them) and Graphviz."""
    import platform
    import re
    import subprocess
    from importlib import metadata

    lines = [f"lifecycle {__version__}", f"Python {platform.python_version()} ({sys.executable})"]
    lines.append(f"platform {platform.platform()}")
    try:
        requirements = metadata.requires("lifecycle") or []
    except metadata.PackageNotFoundError:
        requirements = []
    for requirement in requirements:
        if "extra ==" in requirement:
            continue
        name = re.split(r"[^A-Za-z0-9._-]", requirement, maxsplit=1)[0]
        try:
            lines.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{name} (not installed)")
    try:
        dot = subprocess.run(["dot", "-V"], capture_output=True, text=True, timeout=5).stderr.strip()
    except (OSError, subprocess.SubprocessError):
        dot = "dot (not found)"
    lines.append(dot)
    return "\n".join(lines) + "\n"


def _crash_log(exc: BaseException, args: list[str]) -> str:
    # Imported here, as in _crash and _versions: only a crash needs them, and
    # every command's start-up would pay for them.
    import os
    import tempfile
    import time
    import traceback

    directory = os.environ.get("LIFECYCLE_LOG_DIR") or tempfile.gettempdir()
    path = os.path.join(directory, f"lifecycle-crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log")
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(_versions())
            handle.write(f"arguments: {args!r}\n\n")
            handle.write("".join(traceback.format_exception(exc)))
    except OSError:
        return "(could not write a log file)"
    return path

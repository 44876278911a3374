"""The command-line reference page, generated from the commands' own ``--help``.

``docs/cli.md`` is this module's output; a test fails when it is stale, so a
command cannot ship undocumented. Regenerate it with ``scripts/cli-docs``.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

from lifecycle.cli import cli

__all__ = ["reference"]

WIDTH = 88


def reference() -> str:
    """Markdown with the ``--help`` text of every command and subcommand."""
    lines = [
        "# Command-line reference",
        "",
        "Generated from each command's `--help` by `scripts/cli-docs`; do not edit by hand.",
        "Exit codes everywhere: 0 success, 1 invalid input or findings, 2 usage error,",
        "3 unexpected error (the traceback goes to a log file named on screen).",
        "",
    ]
    # A fixed width, so the page does not depend on the terminal it was made in.
    root = click.Context(
        cli, info_name="lifecycle", terminal_width=WIDTH, max_content_width=WIDTH, **cli.context_settings
    )
    for context in _walk(root):
        path = context.command_path
        heading = "#" * min(path.count(" ") + 2, 4)
        lines += [f"{heading} `{path}`", "", "```", context.command.get_help(context), "```", ""]
    return "\n".join(lines)


def _walk(context: click.Context) -> Iterator[click.Context]:
    """Every command below ``context``, each in a context whose parent is its
    group's, so it inherits the settings (``-h``) a real invocation would."""
    yield context
    command = context.command
    if isinstance(command, click.Group):
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None and not sub.hidden:
                yield from _walk(click.Context(sub, parent=context, info_name=name))

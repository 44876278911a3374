"""``lifecycle check``, ``lifecycle whatif`` and ``lifecycle rules``: parse, call
:mod:`lifecycle.checks` and :mod:`lifecycle.resilience`, print."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import click

from lifecycle.cli.output import load_all, print_diagnostics, print_grouped
from lifecycle.diagnostics import Diagnostic, Severity
from lifecycle.words import count

if TYPE_CHECKING:
    from click.decorators import FC

    from lifecycle.checks import CheckReport
    from lifecycle.resilience import Resilience

_FAIL_ON = {"error": {Severity.ERROR}, "warning": {Severity.ERROR, Severity.WARNING}, "never": set()}


def _codes(values: Sequence[str]) -> list[str] | None:
    """Codes from repeated and comma-separated options; None when none given."""
    codes = [c.strip() for value in values for c in value.split(",") if c.strip()]
    return codes or None


def _fails(diagnostics: Sequence[Diagnostic], fail_on: str) -> bool:
    return any(d.severity in _FAIL_ON[fail_on] for d in diagnostics)


def _print_suppressions(report: CheckReport, *, applied_too: bool) -> None:
    """Print suppressions that matched nothing (always: they are stale) and,
    with ``applied_too``, each one that silenced findings, with its reason."""
    for applied in report.suppressions:
        s = applied.suppression
        if applied.count and not applied_too:
            continue
        where = report.document.locate(("ignore", applied.index), key=True)
        scope = f" for {s.element!r}" if s.element else ""
        if applied.count:
            silenced = count(applied.count, "finding")
            click.echo(f"{where}: suppressed {silenced} of {s.rule}{scope}: {s.reason}")
        else:
            note = click.style("note", fg="blue", bold=True)
            click.echo(f"{where}: {note}: the suppression of {s.rule}{scope} matched no finding")


def _print_resilience(score: Resilience, top: int = 5) -> None:
    overall = score.overall
    click.echo(
        f"resilience {overall.score}/100: {overall.after_worst} of {overall.work} tasks, handoffs "
        f"and escalation paths stay covered after the worst single departure"
    )
    for oid, org in score.organizations.items():
        worst = f" (worst: {org.worst})" if org.worst else ""
        click.echo(f"  {oid}: {org.score}/100{worst}")
    if score.losses:
        click.echo("people whose loss hurts most:")
        for loss in score.losses[:top]:
            kinds = ", ".join(count(n, k) for k, n in sorted(loss.by_kind.items()))
            examples = ", ".join(loss.examples) + (", ..." if loss.lost > len(loss.examples) else "")
            click.echo(f"  {loss.person}: {kinds} ({examples})")


_select = click.option(
    "--select", multiple=True, metavar="CODE,...", help="Run only these rules (codes, prefixes or names)."
)
_ignore = click.option("--ignore", multiple=True, metavar="CODE,...", help="Leave these rules out.")


def _fail_on(default: str, help: str) -> Callable[[FC], FC]:
    return click.option(
        "--fail-on", type=click.Choice(list(_FAIL_ON)), default=default, show_default=True, help=help
    )


_max_seats = click.option(
    "--max-seats",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="SPF006: report people holding more roles than this.",
)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_select
@_ignore
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True
)
@_fail_on("error", "Exit 1 when findings of this severity or worse remain.")
@_max_seats
@click.option("--resilience", "show_score", is_flag=True, help="Also print the resilience score (text).")
@click.option(
    "--show-suppressed",
    is_flag=True,
    help="List each ignore: entry that silenced findings, with its reason (text; counted otherwise).",
)
def check(
    files: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str,
    fail_on: str,
    max_seats: int,
    show_score: bool,
    show_suppressed: bool,
) -> None:
    """Check workflow FILES for gaps, single points of failure, gate and data problems.

    Prints one line per finding (FILE:LINE:COL: severity CODE: message (hint)),
    grouped by severity, and how many findings the files' ignore: entries accept
    (--show-suppressed lists them; an entry that matches nothing is always shown).
    Exits 1 on invalid files or findings at or above --fail-on.
    """
    from lifecycle.checks import Settings, run_checks, selected_rules
    from lifecycle.checks.registry import UnknownRuleError

    try:
        selected_rules(_codes(select), _codes(ignore))  # fail on unknown codes before reading files
    except UnknownRuleError as exc:
        raise click.UsageError(str(exc)) from None
    settings = Settings(max_seats=max_seats)
    documents, invalid = load_all(files)
    reports = [run_checks(document, _codes(select), _codes(ignore), settings) for document in documents]
    findings = [d for r in reports for d in r.findings]
    if fmt == "json":
        from lifecycle.report.as_json import to_json

        click.echo(to_json(reports, invalid))
    elif fmt == "sarif":
        from lifecycle.report.sarif import to_sarif

        click.echo(to_sarif(reports, invalid))
    else:
        print_diagnostics(invalid, err=True)
        print_grouped(findings)
        for report in reports:
            _print_suppressions(report, applied_too=show_suppressed)
            if show_score:
                from lifecycle.resilience import resilience_score

                click.echo(f"{report.document.path}: ", nl=False)
                _print_resilience(resilience_score(report.document.workflow))
        suppressed = sum(r.suppressed for r in reports)
        counts = Counter(d.severity for d in findings)
        parts = [count(counts[s], s.noun) for s in Severity if counts[s]] or ["no findings"]
        if suppressed:
            parts.append(f"{suppressed} suppressed")
        bad = f", {count(len(files) - len(reports), 'invalid file')}" if invalid else ""
        click.echo(f"{count(len(files), 'file')} checked{bad}: {', '.join(parts)}")
    if invalid or _fails(findings, fail_on):
        raise click.exceptions.Exit(1)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--without",
    "targets",
    multiple=True,
    required=True,
    metavar="person:ID|role:ID",
    help="A person who leaves, or a role that falls vacant (repeatable).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_fail_on("never", "Exit 1 when the change adds findings of this severity or worse.")
@_max_seats
def whatif(file: str, targets: tuple[str, ...], fmt: str, fail_on: str, max_seats: int) -> None:
    """Show what breaks in FILE when people leave or roles fall vacant.

    Prints the findings the change adds to the baseline, those it resolves,
    and the resilience score before and after.
    """
    from lifecycle.checks import Settings
    from lifecycle.loader import load
    from lifecycle.resilience import whatif as run_whatif

    document = load(file)
    result = run_whatif(document, targets, Settings(max_seats=max_seats))
    if fmt == "json":
        import json

        from lifecycle.report.as_json import diagnostic_dict

        click.echo(
            json.dumps(
                {
                    "file": file,
                    "without": [f"{kind}:{ident}" for kind, ident in result.removed],
                    "new": [diagnostic_dict(d) for d in result.new],
                    "resolved": [diagnostic_dict(d) for d in result.resolved],
                    "score": {"before": result.before.overall.score, "after": result.after.overall.score},
                    "organizations": {
                        oid: {"before": org.score, "after": result.after.organizations[oid].score}
                        for oid, org in result.before.organizations.items()
                    },
                },
                indent=2,
            )
        )
    else:
        names = ", ".join(f"{kind} {ident!r}" for kind, ident in result.removed)
        click.echo(click.style(f"without {names}:", bold=True))
        if result.new:
            click.echo(f"{count(len(result.new), 'new finding')}:")
            print_grouped(result.new)
        else:
            click.echo("no new findings")
        if result.resolved:
            click.echo(f"{count(len(result.resolved), 'resolved finding')}:")
            print_diagnostics(result.resolved)
        before, after = result.before.overall.score, result.after.overall.score
        click.echo(f"resilience {before} -> {after}")
        for oid, org in result.before.organizations.items():
            now = result.after.organizations[oid].score
            if now != org.score:
                click.echo(f"  {oid}: {org.score} -> {now}")
    if _fails(result.new, fail_on):
        raise click.exceptions.Exit(1)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(fmt: str) -> None:
    """List every check rule: code, default severity, name and summary."""
    from lifecycle.checks import all_rules

    table = all_rules()
    if fmt == "json":
        import json

        click.echo(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "family": str(r.family),
                        "severity": str(r.severity),
                        "summary": r.summary,
                        "hint": r.hint,
                    }
                    for r in table.values()
                ],
                indent=2,
            )
        )
        return
    family = None
    for rule in table.values():
        if rule.family != family:
            family = rule.family
            click.echo(click.style(str(family), bold=True))
        click.echo(f"  {rule.code:<8}{rule.severity.value:<8} {rule.name}: {rule.summary}")

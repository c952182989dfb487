"""The `msheets` command: parse arguments, call the library, print, set the exit code.

Heavy modules are imported inside the commands, so `msheets --help` stays instant.
"""

from __future__ import annotations

import functools
import gc
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from milestone_sheets import __version__, contract, i18n
from milestone_sheets.errors import INTERNAL_ERROR_EXIT, MsheetsError

if TYPE_CHECKING:
    from milestone_sheets.model import Plan, WorkbookLayout

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class DateType(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A date typed on the command line: YYYY-MM-DD only, whatever the plan's date order
    (12/01/2026 would be 1 December to some and 12 January to others)."""

    name = "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if _ISO_DATE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        self.fail(f"{value!r} is not a date; use YYYY-MM-DD, for example 2026-12-01",
                  param, ctx)


DATE = DateType()
AS_OF = click.option("--as-of", type=DATE, default=None,
                     help="Evaluate the plan as of this date (YYYY-MM-DD). Default: the "
                          "Settings sheet's As-of date, else today.")


def exit_code_of(exc: Exception, lang: str = "en") -> int:
    """Print one line for an exception, in `lang` (the plan's language), and return the exit
    code of contract section 7: a MsheetsError's own code (1 refused or bad option, 2 not
    readable as a plan); 3 for anything else, a bug in msheets, `InternalError` included
    (MSHEETS_DEBUG=1 prints the traceback first)."""
    if isinstance(exc, MsheetsError):
        click.echo(i18n.say("cli_error", lang, message=exc.message), err=True)
        return exc.exit_code
    debug = bool(os.environ.get("MSHEETS_DEBUG"))
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())
    message = i18n.say("cli_internal", lang, version=__version__, detail=detail) + (
        "." if debug else i18n.word("cli_internal_debug", lang))
    click.echo(i18n.say("cli_error", lang, message=message), err=True)
    return INTERNAL_ERROR_EXIT


def _language_of(exc: Exception, options: dict[str, Any]) -> str:
    """The language to report a command's error in: the error's own, else the command's
    --lang, else that of the plan the command was given (read again, as far as it can be:
    this runs only when something went wrong), else English."""
    if isinstance(exc, MsheetsError) and exc.lang:
        return exc.lang
    if options.get("lang") in i18n.LANGUAGES:
        return str(options["lang"])
    path = options.get("path")
    if isinstance(path, Path) and path.is_file():
        from milestone_sheets.read.sheets import plan_language

        return plan_language(path) or "en"
    return "en"


def friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command: its errors become one line and their exit code (`exit_code_of`)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as exc:
            raise click.exceptions.Exit(exit_code_of(exc, _language_of(exc, kwargs))) from None

    return wrapper


def as_of_notice(plan: Plan, layout: WorkbookLayout, as_of_option: date | None,
                 what: str) -> str | None:
    """What `report` and `check` (`what`) say about the as-of date the workbook was last
    refreshed for (its Summary sheet), in the plan's language; None when it was never
    refreshed."""
    last = plan.refreshed_as_of
    if last is None:
        return None
    lang = plan.language
    this = i18n.word(f"cli_this_{what}", lang)
    if last == plan.as_of:
        return i18n.say("cli_refreshed_same", lang, last=last.isoformat(), what=this)
    source = ("--as-of" if as_of_option is not None
              else i18n.say("cli_source_settings", lang,
                            sheet=_title(plan, layout, "settings"))
              if plan.settings.as_of is not None else i18n.word("cli_source_today", lang))
    return i18n.say("cli_refreshed_other", lang, last=last.isoformat(), what=this,
                      date=plan.as_of.isoformat(), source=source,
                      summary=_title(plan, layout, "summary"))


def _title(plan: Plan, layout: WorkbookLayout, key: str) -> str:
    """The tab title of one of the plan's sheets (its default title when absent)."""
    return layout.titles.get(key) or contract.sheet_title(key, plan.language)


def _after_line(text: str, line: int, insert: str) -> str:
    """`text` with `insert` as a paragraph after its first `line` lines."""
    lines = text.split("\n")
    return "\n".join([*lines[:line], insert, *lines[line:]])


@contextmanager
def without_gc_pauses() -> Iterator[None]:
    """Hold the cyclic garbage collector while plans are read: their many small acyclic
    records cost it repeated passes, a third of reading a large plan. Restored after. (Here,
    not in the library: the collector is the process's.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(path: Path, as_of: date | None) -> tuple[Plan, WorkbookLayout]:
    from milestone_sheets.plans import load_workbook_plan

    with without_gc_pauses():
        return load_workbook_plan(path, as_of=as_of, today=date.today())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="msheets")
def cli() -> None:
    """Milestone charts that live in Excel and LibreOffice.

    \b
    msheets new plan.xlsx          write a new plan workbook to fill in
    msheets import tasks.xlsx -o plan.xlsx   or start from the task list you keep
    msheets check plan.xlsx        list every problem by sheet and cell
    msheets refresh plan.xlsx      write health, budget, workload ... back
    msheets report plan.xlsx       a summary (text, markdown, html, json)
    """


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--template", "-t", "template", default="blank", show_default=True,
              help="Preset to start from (see `msheets templates`).")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True,
              help="Language of sheet names, headers, dropdowns and guide.")
@click.option("--start", type=DATE, default=None,
              help="Date the preset's milestones count from (default: next Monday).")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@friendly
def new(path: Path, template: str, lang: str, start: date | None, force: bool) -> None:
    """Write a new milestone-chart workbook to fill in Excel or LibreOffice."""
    from milestone_sheets.write.new_workbook import new_workbook_message, write_new_workbook

    out = write_new_workbook(path, template=template, lang=lang, start=start, force=force,
                             today=date.today())
    click.echo(new_workbook_message(out, template, lang))


@cli.command()
@friendly
def templates() -> None:
    """List the presets `msheets new --template` accepts."""
    from milestone_sheets.write.new_workbook import list_presets

    presets = list_presets()
    pad = max(len(p.name) for p in presets)
    for p in presets:
        click.echo(f"{p.name.ljust(pad)}  {p.description}")


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the issues as a JSON list.")
@AS_OF
@friendly
def check(path: Path, as_json: bool, as_of: date | None) -> None:
    """Validate a plan; exit 0 when there is no error, 1 when there are errors, 2 when the file
    cannot be read as a plan."""
    from milestone_sheets.write.report.terminal import issues_table

    plan, layout = _load(path, as_of)
    notice = as_of_notice(plan, layout, as_of, "check")
    if as_json:
        from milestone_sheets.write.report.json import dumps

        click.echo(dumps([i.to_json() for i in plan.issues], indent=True))
    else:
        click.echo(issues_table(plan, color=sys.stdout.isatty()), nl=False)
    if notice:
        click.echo(notice, err=as_json)
    if plan.errors:
        sys.exit(1)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "html"]),
              default="text", show_default=True, help="Report format.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
@AS_OF
@friendly
def report(path: Path, fmt: str, output: Path | None, as_of: date | None) -> None:
    """Summarise a plan: health, budget, workload, metrics and the next review."""
    from milestone_sheets.rules.evaluation import evaluate
    from milestone_sheets.write.report.json import dumps, to_json
    from milestone_sheets.write.report.text import to_markdown, to_text

    plan, layout = _load(path, as_of)
    status = evaluate(plan, plan.as_of)
    # the text and markdown reports carry the refresh notice; json and html are for
    # programs and browsers: it goes to stderr
    notice = as_of_notice(plan, layout, as_of, "report")
    if fmt == "json":
        # Indented for a person at a terminal; compact for programs and files.
        pretty = output is None and sys.stdout.isatty()
        text = dumps(to_json(status), indent=pretty) + "\n"
    elif fmt == "markdown":
        text = to_markdown(status)
        if notice:
            text, notice = _after_line(text, 4, f"> {notice}\n"), None
    elif fmt == "html":
        from milestone_sheets.write.report.html import to_html

        text = to_html(status)
    elif output is None and sys.stdout.isatty():
        from milestone_sheets.write.report.terminal import print_rich_report

        print_rich_report(status)
        if notice:
            click.echo(notice)
        return
    else:
        text = to_text(status)
        if notice:
            text, notice = _after_line(text, 1, notice), None
    if notice:
        click.echo(notice, err=True)
    if output is not None:
        from milestone_sheets.write.files import write_text_atomic

        write_text_atomic(output, text)
        click.echo(i18n.say("cli_wrote", plan.language, path=output), err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Write the refreshed workbook here and leave PATH as it is.")
@AS_OF
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@friendly
def refresh(path: Path, output: Path | None, as_of: date | None, dry_run: bool) -> None:
    """Validate the plan and write health, budget, workload ... back into the workbook.

    In place by default, keeping the previous version as PATH.bak. Only msheets'
    cells, notes and sheets change: images, charts, pivot tables, comments, macros
    and every other part of yours stay as they are. Refuses while the file is open
    in Excel or LibreOffice. Exit code: 0 when written, 1 when refused to keep the file
    safe, 2 when the file cannot be read as a plan.
    """
    from milestone_sheets.write.refresh.pipeline import refresh_workbook

    with without_gc_pauses():
        result = refresh_workbook(path, output=output, as_of=as_of, today=date.today(),
                                  dry_run=dry_run)
    plan, status = result.plan, result.status
    lang = plan.language
    for line in result.changes:
        click.echo(i18n.say("cli_would_change", lang, change=line) if dry_run else line)
    warnings = len(plan.warnings)
    summary = i18n.say("cli_summary", lang, **status.totals, errors=len(plan.errors),
                         warnings=warnings, issues=_title(plan, result.layout, "issues"))
    if dry_run:
        click.echo(i18n.say("cli_dry_run", lang, date=plan.as_of.isoformat(),
                              summary=summary))
        return
    backup = (i18n.say("cli_backup", lang, name=result.backup.name) if result.backup
              else "")
    click.echo(i18n.say("cli_refreshed", lang, path=result.target,
                          date=plan.as_of.isoformat(), backup=backup, summary=summary))


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), required=True,
              help="The .ics file to write.")
@AS_OF
@friendly
def calendar(path: Path, output: Path, as_of: date | None) -> None:
    """Write milestones and plan reviews as an iCalendar (.ics) file."""
    from milestone_sheets.rules.evaluation import evaluate
    from milestone_sheets.write.files import atomic_path
    from milestone_sheets.write.ics import build_calendar

    plan, _ = _load(path, as_of)
    data = build_calendar(evaluate(plan, plan.as_of))
    with atomic_path(output) as tmp:
        tmp.write_bytes(data)
    click.echo(i18n.say("cli_calendar", plan.language, path=output,
                          n=data.count(b"BEGIN:VEVENT")))


@cli.command()
@click.argument("plans", nargs=-1, required=True)
@click.option("--output", "-o", type=click.Path(path_type=Path), required=True,
              help="The portfolio workbook to write.")
@AS_OF
@friendly
def rollup(plans: tuple[str, ...], output: Path, as_of: date | None) -> None:
    """Roll many plans (files, folders or globs) into one portfolio workbook."""
    from milestone_sheets.plans import collect_paths, read_plans
    from milestone_sheets.write.rollup import write_portfolio

    paths = [p for p in collect_paths(list(plans)) if p.resolve() != output.resolve()]
    with without_gc_pauses():
        result = read_plans(paths, as_of, date.today(), progress=sys.stderr.isatty())
    write_portfolio(result, output)
    for path, message in result.failures:
        click.echo(f"skipped {path}: {message}", err=True)
    totals = "; ".join(f"{cur} {t['planned']:,.2f} planned, {t['actual']:,.2f} spent"
                       for cur, t in sorted(result.portfolio.totals.items()))
    click.echo(f"Wrote {output}: {len(result.statuses)} plan(s) rolled up"
               f"{', ' + str(len(result.failures)) + ' skipped' if result.failures else ''}. "
               f"{totals}")
    if result.failures:
        sys.exit(1)


@cli.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), required=True,
              help="The new plan (.xlsx) to write.")
@click.option("--sheet", default=None,
              help="The tab to read (default: the one that looks most like a task list).")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
              help='Read FIELD from COLUMN (a header or a column letter), e.g. --map '
                   'due="End date"; FIELD= leaves the field empty. Repeatable.')
@click.option("--status-map", "status_maps", multiple=True, metavar="FROM=TO",
              help='Read the status word FROM as TO, e.g. --status-map "Backlog=Not started".'
                   " Repeatable.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default=None,
              help="Language of the new plan (default: the source's headers', else en).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@click.option("--dry-run", is_flag=True,
              help="Print the mapping and what would be imported; write nothing.")
@friendly
def import_cmd(source: Path, output: Path, sheet: str | None, maps: tuple[str, ...],
               status_maps: tuple[str, ...], lang: str | None, force: bool,
               dry_run: bool) -> None:
    """Start a plan from the task list you already keep.

    SOURCE: .xlsx, .xlsm, .xls, .ods, .csv, .tsv or MS Project XML. Prints the columns it
    read as which field, what it skipped and why. Exit code: 0 written (or dry run), 1 refused
    (the output exists), 2 when SOURCE holds no task list or cannot be read.
    """
    from milestone_sheets.importer import import_plan, parse_pairs, summary_lines

    result = import_plan(source, output, sheet=sheet,
                         maps={k: v or None for k, v in parse_pairs(maps, "--map").items()},
                         status_map=parse_pairs(status_maps, "--status-map"), lang=lang,
                         force=force, dry_run=dry_run, today=date.today())
    click.echo("\n".join(summary_lines(result)))


def main() -> None:
    """The `msheets` program: exit codes of contract section 7 (0 done; 1 refused, or
    `check` found errors; 2 not readable as a plan, or a bad option; 3 internal error)."""
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command in ("check", "report", "refresh", "calendar"):
        # One plan, then the process ends: nothing is freed by the cyclic garbage collector
        # that the exit would not free, and its passes over a large plan's records cost a
        # third of a report. (rollup reads many plans and keeps it.)
        gc.disable()
    try:
        cli(prog_name="msheets")
    except Exception as exc:  # raised outside a command's `friendly` guard
        sys.exit(exit_code_of(exc))


__all__ = ["MsheetsError", "cli", "main"]

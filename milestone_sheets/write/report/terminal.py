"""Terminal output: the issues list of `check`, and the rich version of `report`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from milestone_sheets import contract, i18n
from milestone_sheets.contract.vocab import Severity
from milestone_sheets.model import Issue, Plan
from milestone_sheets.write.report import cut

if TYPE_CHECKING:
    from milestone_sheets.rules.evaluation import PlanStatus

ISSUE_VALUE = 30  # characters of the value an issue quotes; longer ones end with "…"
_GROUP_TITLE = {Severity.ERROR: "cli_errors", Severity.WARNING: "cli_warnings",
                Severity.INFO: "cli_infos"}


def issues_table(plan: Plan, color: bool = False) -> str:
    """The plan's issues grouped by severity with Sheet!Cell references, the field's name and
    the message, then a one-line count: in the plan's language."""
    lang = plan.language
    labels: dict[tuple[str, str], str] = {}

    def field_label(issue: Issue) -> str:
        key = (issue.sheet, issue.field)
        if key not in labels:
            sheet = contract.find_sheet_key(issue.sheet)  # the key the reader found it by
            labels[key] = contract.field_label(sheet, issue.field, lang)
        return labels[key]

    lines: list[str] = []
    counts = {s: 0 for s in Severity}
    for sev in Severity:
        group = [i for i in plan.issues if i.severity == sev]
        counts[sev] = len(group)
        if not group:
            continue
        title = i18n.say(_GROUP_TITLE[sev], lang, n=len(group))
        lines.append(f"\x1b[1m{title}\x1b[0m" if color else title)
        fields = list(map(field_label, group))
        where_w = max(len(i.where) for i in group)
        field_w = max(map(len, fields))
        for i, field in zip(group, fields, strict=True):
            value = f"  [{cut(str(i.value), ISSUE_VALUE)}]" if i.value not in (None, "") else ""
            lines.append(f"  {i.where.ljust(where_w)}  {field.ljust(field_w)}  "
                         f"{i.message}{value}")
        lines.append("")
    lines.append(i18n.say("cli_counts", lang, errors=counts[Severity.ERROR],
                            warnings=counts[Severity.WARNING], infos=counts[Severity.INFO]))
    return "\n".join(lines) + "\n"


TERMINAL_CELL = 40  # characters of a cell on a terminal; longer ones end with "…"


def print_rich_report(status: PlanStatus, console: Any = None) -> None:
    """The text report as rich tables, for a terminal: long cells are cut with an ellipsis
    (the report written to a file or a pipe keeps them whole)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from milestone_sheets.write.report.common import headline, sections, word

    console = console or Console()
    console.print(f"[bold]{escape(status.plan.name)}[/bold] - "
                  f"{word(status, 'r_as_of_line', date=status.as_of.isoformat())}",
                  markup=True, highlight=False)
    grid = Table.grid(padding=(0, 2))
    for k, v in headline(status):
        grid.add_row(f"[bold]{escape(k)}[/bold]", escape(v))
    console.print(grid)
    for title, header, rows in sections(status):
        if not rows:
            continue
        table = Table(title=escape(title), title_justify="left", show_lines=False)
        for h in header:
            table.add_column(escape(h), overflow="ellipsis", no_wrap=True,
                             max_width=TERMINAL_CELL)
        for r in rows:
            table.add_row(*[escape(str(c)) for c in r])
        console.print(table)
    errors = len(status.plan.errors)
    warnings = len(status.plan.warnings)
    if errors or warnings:
        console.print(escape(word(status, "r_problems", errors=errors, warnings=warnings)),
                      highlight=False)

"""`msheets import`: a new plan from the task list people already keep.

    from milestone_sheets.importer import import_plan
    result = import_plan("tracker.xlsx", "plan.xlsx", maps={"due": "Deadline"})
    print("\\n".join(summary_lines(result)))

The stages: `sources` reads the file (workbook sheets, CSV, MS Project XML), `table` finds the
task list in a sheet and reads its columns as fields (`mapping` holds the header words and
value rules), `outline` tells headings from tasks, `build` makes the milestones, and
`write.new_workbook` writes them into the generator's workbook (dropdowns,
validation and the Guide included).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from milestone_sheets import contract, i18n
from milestone_sheets.contract.vocab import Status
from milestone_sheets.errors import MsheetsError, PlanError, RefusedError
from milestone_sheets.importer import mapping as mp
from milestone_sheets.importer.build import Options, build
from milestone_sheets.importer.model import (
    ColumnChoice,
    ImportedMilestone,
    ImportedPlan,
    ImportResult,
    Note,
)
from milestone_sheets.importer.sources import Source, read_source
from milestone_sheets.importer.table import Grid, NoHeader, Table, UnknownColumn, read_table

__all__ = ["ImportOptionError", "ImportResult", "ImportedMilestone", "ImportedPlan",
           "NoTaskList", "import_plan", "parse_pairs", "read_rows", "read_task_list",
           "summary_lines", "write_plan"]

TASK_HEADER_SCORE = 930  # Milestone, Task name, Task, Activity ...: a list of tasks for sure


class NoTaskList(PlanError):
    """The source holds no task list: exit 2, nothing written."""


class ImportOptionError(MsheetsError):
    """A --map, --status-map or --sheet that names nothing in the source: exit 2."""

    exit_code = 2


def parse_pairs(options: Sequence[str], option: str) -> dict[str, str]:
    """['due=End date', 'owner=C'] -> {'due': 'End date', 'owner': 'C'}."""
    out: dict[str, str] = {}
    for item in options:
        left, sep, right = item.partition("=")
        if not sep or not left.strip():
            example = 'due="End date"' if option == "--map" else '"Backlog=Not started"'
            raise ImportOptionError(f"{option} {item!r}: write it as "
                                    f"{'FIELD=COLUMN' if option == '--map' else 'FROM=TO'}, "
                                    f"for example {option} {example}")
        out[left.strip()] = right.strip()
    return out


def _field_maps(maps: Mapping[str, str | None]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name, column in maps.items():
        fld = mp.field_for_option(name)
        if fld is None:
            names = ", ".join([*mp.PLAN_FIELDS, *mp.ROLE_LABELS])
            raise ImportOptionError(f"--map {name}=...: {name!r} is not a field of the "
                                    f"Milestones sheet; use one of {names}")
        out[fld] = column or None
    return out


def _options(maps: Mapping[str, str | None] | None, status_map: Mapping[str, str] | None,
             lang: str | None) -> tuple[dict[str, str | None], dict[str, Status]]:
    """The options checked: fields of --map, statuses of --status-map, the language."""
    field_maps = _field_maps(maps or {})
    try:
        statuses = mp.status_map_index(dict(status_map or {}))
    except ValueError as exc:
        raise ImportOptionError(str(exc)) from None
    if lang is not None and lang not in i18n.LANGUAGES:
        raise ImportOptionError(f"unknown language {lang!r}; use en or fr")
    return field_maps, statuses


def read_task_list(source: str | Path, *, sheet: str | None = None,
                   maps: Mapping[str, str | None] | None = None,
                   status_map: Mapping[str, str] | None = None, lang: str | None = None,
                   today: date | None = None) -> ImportedPlan:
    """Read the task list of `source` as milestones (nothing is written). Raises NoTaskList
    when it holds none, ImportOptionError for an option that names nothing in it."""
    field_maps, statuses = _options(maps, status_map, lang)
    return _read(read_source(Path(source)), sheet, field_maps, statuses, lang,
                 today or date.today())


def read_rows(rows: Sequence[Sequence[Any]], name: str = "Sheet1", *,
              maps: Mapping[str, str | None] | None = None,
              status_map: Mapping[str, str] | None = None, lang: str | None = None,
              today: date | None = None) -> ImportedPlan:
    """The task list of a table already in memory (rows of cell values, as a sheet holds
    them: the header somewhere in the first 50 rows)."""
    field_maps, statuses = _options(maps, status_map, lang)
    grid = Grid(name, [[None if v == "" else v for v in row] for row in rows])
    src = Source(Path(name), "workbook", "rows", [grid])
    return _read(src, None, field_maps, statuses, lang, today or date.today())


def _read(src: Source, sheet: str | None, field_maps: dict[str, str | None],
          statuses: dict[str, Status], lang: str | None, today: date) -> ImportedPlan:
    path = src.path
    settings = dict(src.settings)
    notes: list[Note] = []
    if src.kind == "mspdi":
        rows, columns = src.tasks, src.columns
        description = f"{src.detail}, {len(rows)} tasks"
        user_columns = sorted({k for r in rows for k in r.extra})
        unused: list[str] = []
        table_lang = None
        if field_maps:
            notes.append(Note(None, "--map does not apply to MS Project XML: its fields "
                                    "are read as they are named"))
        if sheet:
            notes.append(Note(None, "--sheet does not apply to MS Project XML"))
        sheet_name, sheets, headers, delimiter = None, [], [], ""
    else:
        if sheet and src.kind == "csv":
            notes.append(Note(None, "--sheet does not apply to a CSV file"))
            sheet = None
        table = _choose_table(src, sheet, field_maps)
        rows, columns = table.rows, list(table.choices.values())
        user_columns = list(dict.fromkeys(table.user_columns.values()))
        unused = [f"{n} {what}" for n, what in ((table.empty_columns, "empty"),
                                                (table.timeline_columns, "timeline"))
                  if n]
        table_lang = table.lang
        sheet_name = table.grid.name if src.kind == "workbook" else None
        sheets = [g.name for g in src.grids] if src.kind == "workbook" else []
        headers = [t for t in table.titles if t]
        description = _describe(src, table)
        delimiter = src.detail
        name = _plan_name(table)
        if name and "plan_name" not in settings:
            settings["plan_name"] = name
    language = lang or table_lang or "en"
    order = "DMY" if language == "fr" or "semicolon" in delimiter else "MDY"
    titles = {c.field: c.title for c in columns}
    built = build(rows, Options(language, statuses, order, today.year,
                                titles.get("id", titles.get("wbs", "ID")),
                                titles.get("wbs", "WBS")))
    if not built.milestones:
        raise NoTaskList(f"{path.name}: the task list ({description}) holds no task: "
                         f"{len(built.sections)} heading(s), {len(built.skipped)} row(s) "
                         "skipped. Nothing was written.")
    for m in built.milestones:  # columns the build added: the source's IDs or WBS numbers
        for title in m.extra:
            if title not in user_columns:
                user_columns.append(title)
    return ImportedPlan(
        source=path, kind=src.kind, description=description, milestones=built.milestones,
        columns=columns, user_columns=user_columns, unused_columns=unused,
        sections=built.sections, skipped=built.skipped, warnings=notes + built.warnings,
        settings=settings, lang=language, sheet=sheet_name, sheets=sheets, headers=headers)


def _choose_table(src: Source, sheet: str | None, maps: dict[str, str | None]) -> Table:
    """The sheet's task list: the named sheet's, else the one most like a task list."""
    grids = [g for g in src.grids if g.name not in src.hidden] or src.grids
    if sheet is not None:
        wanted = [g for g in src.grids if g.name == sheet] or \
            [g for g in src.grids if i18n.normalize(g.name) == i18n.normalize(sheet)]
        if not wanted:
            raise ImportOptionError(f"{src.path.name} has no sheet {sheet!r}; its sheets are "
                                    f"{', '.join(repr(g.name) for g in src.grids)}")
        grids = wanted[:1]
    found: list[Table] = []
    seen: dict[str, list[str]] = {}
    longest: list[str] = []
    thin: list[Table] = []
    missing: list[tuple[str, UnknownColumn]] = []
    forced = "milestone" in maps and maps["milestone"] is not None
    for g in grids:
        try:
            t = read_table(g, maps)
        except NoHeader as e:
            seen[g.name] = e.seen
            longest += [e.longest] if e.longest else []
            continue
        except UnknownColumn as e:
            missing.append((g.name, e))
            continue
        if "milestone" not in t.choices:
            seen[g.name] = [x for x in t.titles if x]
            continue
        details = any(f in t.choices for f in (*mp.DATE_FIELDS, "status", "pct", "duration",
                                                "depends_on", "done_flag"))
        strong = forced or _task_header_score(t) >= TASK_HEADER_SCORE
        (found if details or strong else thin).append(t)
    if found:
        return max(found, key=lambda t: t.score)
    if missing and not thin:
        name, unknown = missing[0]
        where = f"sheet {name!r}" if src.kind == "workbook" else src.path.name
        raise ImportOptionError(f"--map {unknown.field}={unknown.option}: no column "
                                f"{unknown.option!r} in the header row of {where}; its columns are "
                                f"{', '.join(repr(t) for t in unknown.titles)}")
    raise NoTaskList(_no_task_list(src, seen, thin, longest[0] if longest else None))


def _task_header_score(t: Table) -> int:
    title = t.choices["milestone"].title
    return max((rank for fld, rank, _ in mp.header_matches(title) if fld == "milestone"),
               default=0)


def _no_task_list(src: Source, seen: dict[str, list[str]], thin: list[Table],
                  longest: str | None) -> str:
    where = "" if src.kind == "csv" else " of sheet " + ", ".join(
        repr(n) for n in [*seen, *(t.grid.name for t in thin)])
    if thin:
        t = thin[0]
        name = t.choices["milestone"].title
        columns = ", ".join(x for x in t.titles if x)
        return (f"{src.path.name} holds no task list: the column {name!r}{where} has no "
                f"dates, status or progress beside it (columns: {columns}). If it lists "
                f"tasks, say so: --map milestone=\"{name}\". Nothing was written.")
    headers = next((h for h in seen.values() if h), [])
    shown = f" (the headers there: {', '.join(headers)})" if headers else ""
    hint = (f" If one of those columns holds the tasks, name it: --map milestone=\""
            f"{longest}\"." if longest else "")
    return (f"{src.path.name} holds no task list: no column of task names (a header such as "
            f"Task, Task name, Activity, Milestone, Name or Summary) in the first 50 rows"
            f"{where}{shown}.{hint} Nothing was written.")


def _describe(src: Source, t: Table) -> str:
    first = t.rows[0].row if t.rows else t.first_row + 1
    last = t.rows[-1].row if t.rows else t.end_row
    where = f"sheet {t.grid.name!r}" if src.kind == "workbook" else src.detail
    return (f"{where}, header in row {t.header_row + 1}, rows {first}-{last} "
            f"(the table ends at {t.end_reason})")


_PLAN_NAME = re.compile(r"^\s*(?:project|plan|nom du projet|nom du plan|projet)(?:\s*name)?"
                        r"\s*:\s*(.+)$", re.IGNORECASE)


def _plan_name(t: Table) -> str | None:
    """The plan's name from a 'Project name' line above the header, or a column holding one
    value in every row (Jira's Project name)."""
    for row in t.grid.rows[: t.header_row]:
        cells = [(c, v) for c, v in enumerate(row) if isinstance(v, str) and v.strip()]
        for i, (_, v) in enumerate(cells):
            key = mp.header_key(v)
            if key in ("projectname", "planname", "nomduprojet", "nomduplan") and \
                    i + 1 < len(cells):
                return mp.text(cells[i + 1][1])
            m = _PLAN_NAME.match(v)
            if m and mp.text(m[1]):
                return mp.text(m[1])
    for title in t.user_columns.values():
        if mp.header_key(title) in ("projectname", "nomduprojet"):
            values = {mp.text(r.extra.get(title)) for r in t.rows}
            if len(values) == 1 and None not in values:
                return values.pop()
    return None


# --------------------------------------------------------------------------- writing


def write_plan(plan: ImportedPlan, output: str | Path, force: bool = False) -> Path:
    """Write the milestones into a new workbook of the generator (`msheets new`)."""
    from milestone_sheets.write.new_workbook import PlanContent, write_new_workbook

    lang = plan.lang
    status_label = {v.en: v(lang) for v in contract.CHOICES["status"].values}
    records: list[dict[str, Any]] = []
    owners: dict[str, str] = {}
    phases: dict[str, None] = {}
    for m in plan.milestones:
        records.append({
            "id": m.id, "milestone": m.name, "phase": m.phase, "strategy": m.strategy,
            "tactic": m.tactic, "owner": m.owner, "start": m.start, "due": m.due,
            "budget": m.budget, "actual": m.actual, "effort": m.effort, "pct": m.pct,
            "status": status_label.get(m.status) if m.status else None,
            "completed": m.completed, "deliverable": m.deliverable,
            "depends_on": ", ".join(m.depends_on) or None,
            "notes": "; ".join(m.notes) or None, "user": m.extra,
        })
        if m.owner:
            owners.setdefault(i18n.normalize(m.owner), m.owner)
        if m.phase:
            phases[m.phase] = None
    content = PlanContent(
        milestones=records, team=[{"owner": o} for o in owners.values()],
        user_columns=list(plan.user_columns), settings=dict(plan.settings),
        phases=list(phases)[: contract.LIST_ROWS])
    return write_new_workbook(Path(output), lang=lang, force=force, content=content)


def import_plan(source: str | Path, output: str | Path, *, sheet: str | None = None,
                maps: Mapping[str, str | None] | None = None,
                status_map: Mapping[str, str] | None = None, lang: str | None = None,
                force: bool = False, dry_run: bool = False,
                today: date | None = None) -> ImportResult:
    """Read `source` and write its tasks as a new plan at `output` (never over an existing
    file without `force`; nothing written with `dry_run`)."""
    source, output = Path(source), Path(output)
    _options(maps, status_map, lang)
    if output.suffix.lower() != ".xlsx":
        raise ImportOptionError(f"{output.name}: the new plan must be an .xlsx file")
    if output.exists() and source.exists() and output.resolve() == source.resolve():
        raise RefusedError(f"{output} is the source itself; write the plan to another file "
                           "(-o plan.xlsx). Nothing was written.")
    if output.exists() and not force and not dry_run:
        raise RefusedError(f"{output} already exists; use --force to overwrite it (or choose "
                           "another name). Nothing was written.")
    if output.exists() and not dry_run:
        from milestone_sheets.xlsx.guard import check_lock_files

        check_lock_files(output)  # open in Excel or LibreOffice: not overwritten
    plan = read_task_list(source, sheet=sheet, maps=maps, status_map=status_map, lang=lang,
                          today=today)
    if dry_run:
        return ImportResult(plan, output, written=False)
    write_plan(plan, output, force=force)
    return ImportResult(plan, output, written=True)


# --------------------------------------------------------------------------- summary


def _rows(notes: Sequence[Note], limit: int = 8) -> str:
    rows = [n.row for n in notes if n.row is not None]
    shown = ", ".join(map(str, rows[:limit]))
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def _grouped(notes: Sequence[Note]) -> list[str]:
    groups: dict[str, list[Note]] = {}
    for n in notes:
        groups.setdefault(n.message, []).append(n)
    out = []
    for message, items in groups.items():
        out.append(f"  {_rows(items)}: {message}" if items[0].row is not None else
                   f"  {message}")
    return out


def _column_line(c: ColumnChoice) -> str:
    how = {"header words": " (by the words of its header)", "values": " (by its values)",
           "--map": " (--map)", "group": " (untitled, beside the first task of each group; "
           "filled down)"}.get(c.how, "")
    where = "" if c.column < 0 else f"{mp.column_letter(c.column)} "
    return f"  {mp.field_label(c.field):<13} <- {where}{c.title!r}{how}"


def summary_lines(result: ImportResult) -> list[str]:
    """What `msheets import` prints: the mapping chosen, what was skipped and why, the
    warnings, and how to override."""
    plan = result.plan
    out = [f"Read {plan.source.name}: {plan.description}."]
    if plan.sheets and len(plan.sheets) > 1:
        out.append(f"  (sheets: {', '.join(plan.sheets)}; --sheet NAME reads another)")
    out.append("Columns read as msheets fields:")
    order = {f: i for i, f in enumerate((*mp.PLAN_FIELDS, *mp.ROLE_LABELS))}
    out += [_column_line(c) for c in sorted(plan.columns, key=lambda c: order.get(c.field, 99))]
    if plan.user_columns:
        out.append(f"Kept as your own columns, at the right of the Milestones sheet: "
                   f"{', '.join(plan.user_columns)}")
    if plan.unused_columns:
        out.append(f"Not read: {', '.join(plan.unused_columns)} column(s)")
    milestones = plan.milestones
    if plan.sections:
        shown = ", ".join(f"{n.message!r} (row {n.row})" for n in plan.sections[:12])
        more = f" and {len(plan.sections) - 12} more" if len(plan.sections) > 12 else ""
        out.append(f"Headings and summary rows, read as the Phase (and Tactic) of the rows "
                   f"under them, not as milestones: {shown}{more}")
    if plan.skipped:
        out.append("Skipped:")
        out += _grouped(plan.skipped)
    if plan.warnings:
        out.append(f"Warnings ({len(plan.warnings)}):")
        out += _grouped(plan.warnings)
    dated = sum(1 for m in milestones if m.due)
    done = sum(1 for m in milestones if m.status == Status.DONE)
    owners = len({i18n.normalize(m.owner) for m in milestones if m.owner})
    counts = (f"{len(milestones)} milestone(s) ({dated} with a due date, {done} done), "
              f"{owners} owner(s) listed in Team, language {plan.lang}")
    if result.written:
        out.append(f"Wrote {result.output}: {counts}.")
    else:
        out.append(f"Dry run: nothing was written. Would write {result.output}: {counts}.")
    out.append("To change a choice: --map FIELD=COLUMN (a header or a column letter; FIELD= "
               "leaves a field empty), --status-map \"WORD=STATUS\""
               + (", --sheet NAME" if plan.kind == "workbook" else "") + ".")
    if result.written:
        out.append(f"Next: msheets check {result.output.name}, then msheets refresh "
                   f"{result.output.name}")
    return out

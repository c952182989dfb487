"""`msheets refresh`: write status and summary sheets back into the user's workbook, safely.

The workbook is handled as a package of parts (`xlsx.opc`): msheets changes only what it
owns (the managed cells of the input sheets, its own notes, the managed sheets and the
entries that list them, appended styles); every other part goes out as the bytes it came
in as. The order: refuse while the file is open; read and check everything; build the
new parts in memory; write a temporary file beside the target; read it back and check
it; keep a backup; rename over the target.

A part of the user's package that is not as msheets expects (`PackageError`, raised by
`xlsx/`) stops the refresh with exit 2, nothing written; any other exception while the new
parts are made is a bug in msheets and goes up as it is (exit 3), as does a written file
that does not read back as it should (`InternalError`): the plan is not replaced then.
"""

from __future__ import annotations

import shutil
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from milestone_sheets import contract, i18n
from milestone_sheets.errors import InternalError, PackageError, PlanError
from milestone_sheets.model import Plan, SheetLayout, WorkbookLayout
from milestone_sheets.plans import load_workbook_plan
from milestone_sheets.read.sheets import plan_language
from milestone_sheets.rules.evaluation import PlanStatus, evaluate
from milestone_sheets.write.files import atomic_path, backup_path
from milestone_sheets.write.refresh.managed import (
    MANAGED_ORDER,
    Context,
    build_managed_book,
)
from milestone_sheets.xlsx.guard import check_lock_files, open_in
from milestone_sheets.xlsx.notes import Note, merge_notes
from milestone_sheets.xlsx.opc import Package
from milestone_sheets.xlsx.sheet_patch import PatchCell, patch_sheet
from milestone_sheets.xlsx.styles import CellStyle, StyleSheet
from milestone_sheets.xlsx.transplant import (
    Scratch,
    add_scratch_names,
    remove_tree,
    style_remap,
    transplant_sheet,
)
from milestone_sheets.xlsx.workbook import WorkbookPart, update_app_titles

STYLES = "xl/styles.xml"
HEADER_STYLE = CellStyle(bold=True, fill=contract.MANAGED_HEADER_GREY)
STALE_STYLE = CellStyle(fill=contract.STALE_GREY)
SLACK_STYLE = CellStyle(number_format="0")
SHARE_STYLE = CellStyle(number_format="0%")


@dataclass
class RefreshResult:
    """What a refresh did: the status, the changes, the backup."""

    plan: Plan
    status: PlanStatus
    target: Path
    written: bool
    backup: Path | None = None
    changes: list[str] = field(default_factory=list)
    changed_parts: list[str] = field(default_factory=list)
    layout: WorkbookLayout = field(default_factory=WorkbookLayout)  # where the plan's tables are


def refresh_workbook(path: str | Path, output: str | Path | None = None,
                     as_of: date | None = None, today: date | None = None,
                     dry_run: bool = False) -> RefreshResult:
    """Refresh a plan in place (or into `output`); see the module docstring for the order."""
    path = Path(path)
    target = Path(output) if output is not None else path
    in_place = output is None or (target.exists() and target.resolve() == path.resolve())
    if in_place:
        _refuse_while_open(path, path)
    elif target.exists():
        _refuse_while_open(target, path)
    plan, layout = load_workbook_plan(path, as_of=as_of, today=today)
    status = evaluate(plan, plan.as_of)
    result = RefreshResult(plan, status, target, written=False, layout=layout)
    pkg = Package.open(path)
    try:
        result.changes = apply(pkg, plan, layout, status)
        result.changed_parts = pkg.changed()
        if dry_run:
            return result
        if in_place:
            check_lock_files(path, plan.language)  # opened while we worked?
        with atomic_path(target) as tmp:
            pkg.save(tmp)  # reads the parts not read yet: a damaged one shows here
            pkg.close()  # the original is no longer read: it may be replaced
            verify(tmp, pkg, plan, layout, status)
            if in_place:
                result.backup = backup_path(path)
                shutil.copy2(path, result.backup)
    except PackageError as exc:
        raise PlanError(f"{path.name}: a part of the workbook is not as msheets expects "
                        f"({exc}). Nothing was written; re-save the file in Excel or "
                        "LibreOffice and try again.", lang=plan.language) from None
    finally:
        pkg.close()
    result.written = True
    return result


def _refuse_while_open(path: Path, plan: Path) -> None:
    """Refuse while `path` is open in Excel or LibreOffice, in the language of the plan at
    `plan` (read for that only when a lock file is there: it is not read yet)."""
    if open_in(path) is not None:
        check_lock_files(path, plan_language(plan) or "en")


def apply(pkg: Package, plan: Plan, layout: WorkbookLayout, status: PlanStatus) -> list[str]:
    """Make the refreshed parts in `pkg` (the workbook `plan` was read from, its tables
    where `layout` says); returns what changed, in the user's words."""
    workbook = WorkbookPart(pkg)
    styles = StyleSheet(pkg.part(STYLES))
    changes = _milestone_cells(pkg, workbook, styles, plan, layout, status)
    changes += _metric_cells(pkg, workbook, styles, plan, layout, status)
    changes += _notes(pkg, workbook, plan, layout)
    changes += _managed_sheets(pkg, workbook, styles, plan, layout, status)
    workbook.save()
    update_app_titles(pkg, [s.title for s in workbook.sheets if s.kind == "worksheet"])
    if styles.changed:
        pkg.put(STYLES, styles.to_bytes())
    return changes


# --------------------------------------------------------------------------- input sheets


def _columns(plan: Plan, layout: SheetLayout, sheet: str, keys: tuple[str, ...],
             cells: dict[int, dict[int, PatchCell]]) -> tuple[dict[str, int], list[str]]:
    """Column of each managed key; headers created at the right when missing."""
    cols = dict(layout.columns)
    next_col = max(layout.last_column, *cols.values()) + 1
    created = []
    for key in keys:
        if key in cols:
            continue
        label = contract.column(sheet, key).label(plan.language)
        cells.setdefault(layout.header_row, {})[next_col] = PatchCell(label, HEADER_STYLE)
        cols[key] = next_col
        created.append(label)
        next_col += 1
    return cols, [i18n.say("rf_added_columns", plan.language, sheet=layout.title,
                             columns=", ".join(created))] if created else []


def _patch(pkg: Package, workbook: WorkbookPart, styles: StyleSheet, plan: Plan,
           layout: SheetLayout, cells: dict[int, dict[int, PatchCell]],
           managed: dict[str, int], names: dict[str, str]) -> list[str]:
    part = workbook.worksheet_part(layout.title)
    patched = patch_sheet(pkg.parts[part], cells, styles.derive,
                          clear=(layout.header_row + 1, set(managed.values()), STALE_STYLE))
    pkg.put(part, patched.data)
    changes = []
    for key, col in managed.items():
        n = patched.changed.get(col, 0)
        if n and key in names:
            changes.append(i18n.say("rf_changed", plan.language, sheet=layout.title,
                                      column=names[key], n=n))
    return changes


def _milestone_cells(pkg: Package, workbook: WorkbookPart, styles: StyleSheet, plan: Plan,
                     book: WorkbookLayout, status: PlanStatus) -> list[str]:
    lang = plan.language
    layout = book.sheets["milestones"]
    cells: dict[int, dict[int, PatchCell]] = defaultdict(dict)
    keys = ("health", "slack", "flags") if "id" in layout.columns else (
        "id", "health", "slack", "flags")
    cols, changes = _columns(plan, layout, "milestones", keys, cells)
    filled = []
    for s in status.milestones:
        m, row = s.milestone, s.milestone.row
        if m.id_filled:
            cells[row][cols["id"]] = PatchCell(m.id)
            filled.append(i18n.say("rf_id_row", lang, id=m.id, row=row))
        cells[row][cols["health"]] = PatchCell(
            s.health.label(lang),
            CellStyle(font_colour=contract.HEALTH_FONT.get(s.health, contract.BLACK),
                      fill=contract.HEALTH_COLOURS[s.health]))
        cells[row][cols["slack"]] = PatchCell(s.slack, SLACK_STYLE)
        flags = "; ".join(f.label(lang) for f in s.flags) or None
        cells[row][cols["flags"]] = PatchCell(flags)
    managed = {k: cols[k] for k in ("health", "slack", "flags")}
    names = {k: contract.column("milestones", k).label(lang) for k in managed}
    changes += _patch(pkg, workbook, styles, plan, layout, cells, managed, names)
    if filled:
        changes.append(i18n.say("rf_filled_ids", lang, sheet=layout.title, n=len(filled),
                                  ids=", ".join(filled[:10]) + (" ..." if len(filled) > 10
                                                                else "")))
    return changes


def _metric_cells(pkg: Package, workbook: WorkbookPart, styles: StyleSheet, plan: Plan,
                  book: WorkbookLayout, status: PlanStatus) -> list[str]:
    layout = book.sheets.get("metrics")
    if layout is None:
        return []
    lang = plan.language
    cells: dict[int, dict[int, PatchCell]] = defaultdict(dict)
    keys = ("progress", "expected", "metric_status")
    cols, changes = _columns(plan, layout, "metrics", keys, cells)
    for ms in status.metrics:
        row = ms.metric.row
        cells[row][cols["progress"]] = PatchCell(ms.progress, SHARE_STYLE)
        cells[row][cols["expected"]] = PatchCell(ms.expected, SHARE_STYLE)
        cells[row][cols["metric_status"]] = PatchCell(
            ms.status.label(lang),
            CellStyle(font_colour=contract.METRIC_STATUS_FONT.get(ms.status, contract.BLACK),
                      fill=contract.METRIC_STATUS_COLOURS[ms.status]))
    managed = {k: cols[k] for k in keys}
    names = {k: contract.column("metrics", k).label(lang) for k in keys}
    return changes + _patch(pkg, workbook, styles, plan, layout, cells, managed, names)


def _notes(pkg: Package, workbook: WorkbookPart, plan: Plan, layout: WorkbookLayout) -> list[str]:
    """msheets' notes on the cells of the input sheets with errors and warnings."""
    by_sheet: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for i in plan.issues:
        if i.severity in ("error", "warning") and i.cell:
            by_sheet[i.sheet][i.cell].append(i18n.say(
                "rf_note", plan.language, severity=i18n.word(i.severity, plan.language),
                message=i.message))
    added = removed = 0
    for key in contract.INPUT_SHEETS:
        title = layout.titles.get(key)
        entry = workbook.sheet(title) if title else None
        if entry is None or entry.part is None or entry.kind != "worksheet":
            continue
        notes = [Note(ref, lines) for ref, lines in by_sheet.get(entry.title, {}).items()]
        done = merge_notes(pkg, entry.part, notes)
        added += done.added
        removed += done.removed
    if not (added or removed):
        return []
    return [i18n.say("rf_notes", plan.language, added=added, removed=removed)]


# --------------------------------------------------------------------------- managed sheets


def _managed_sheets(pkg: Package, workbook: WorkbookPart, styles: StyleSheet, plan: Plan,
                    layout: WorkbookLayout, status: PlanStatus) -> list[str]:
    lang = plan.language
    titles = {key: layout.titles.get(key) or contract.sheet_title(key, lang)
              for key in MANAGED_ORDER}
    book = build_managed_book(Context(plan, status, layout), titles,
                              date_1904=workbook.date_1904)
    scratch = Scratch(book.data)
    remap = style_remap(scratch.styles, styles)
    for key in MANAGED_ORDER:
        title = book.titles[key]
        entry = workbook.sheet(title)
        recorded = book.rows.pop(title, None)  # let each table go once it is written
        rows = (recorded.cells, recorded.links) if recorded is not None else None
        if entry is not None and entry.part is not None and entry.kind == "worksheet":
            workbook.drop_names_of(title)
            remove_tree(pkg, entry.part)
            part = transplant_sheet(scratch, title, pkg, styles, remap, name=entry.part,
                                    rows=rows)
            workbook.point_sheet_to(title, part)
            continue
        part = transplant_sheet(scratch, title, pkg, styles, remap, rows=rows)
        if key == "summary":
            guide = layout.titles.get("guide")
            position = workbook.index(guide) + 1 if guide and workbook.sheet(guide) else 0
        else:
            position = len(workbook.sheets)
        workbook.insert_sheet(title, part, position)
    add_scratch_names(workbook, scratch)
    history = "rf_history_replaced" if book.history_replaced else "rf_history_added"
    changes = [i18n.say("rf_rebuilt", lang,
                          sheets=", ".join(book.titles[k] for k in MANAGED_ORDER[:5])),
               i18n.say(history, lang, sheet=book.titles["history"],
                          date=status.as_of.isoformat())]
    if book.baseline_added:
        changes.append(i18n.say("rf_baseline", lang, sheet=book.titles["baseline"],
                                  n=len(book.baseline_added)))
    return changes


# --------------------------------------------------------------------------- read-back check


def verify(path: Path, pkg: Package, plan: Plan, book_layout: WorkbookLayout,
           status: PlanStatus) -> None:
    """Read the written file back before it replaces anything: every part of the user's
    is byte-identical (same CRC-32 and size as the original's, and every part inflates to
    its CRC), and the managed cells and sheets hold the results. When it does not, msheets
    wrote it wrong: InternalError (the temporary file goes, the plan is not replaced)."""
    import python_calamine as pc

    def fail(what: str) -> InternalError:
        return InternalError(f"the refreshed workbook did not read back as written ({what}); "
                             "nothing was replaced")

    try:
        with zipfile.ZipFile(path) as zf:
            written = {i.filename: i for i in zf.infolist()}
            for name, original in pkg.unchanged().items():
                out = written.get(name)
                if out is None or (out.CRC, out.file_size) != (original.CRC,
                                                               original.file_size):
                    raise fail(f"part {name} differs")
            bad = zf.testzip()  # every part inflates to its CRC
            if bad is not None:
                raise fail(f"part {bad} does not inflate to its CRC")
        book = pc.CalamineWorkbook.from_path(str(path))
        try:
            layout = book_layout.sheets["milestones"]
            sheet = book.get_sheet_by_name(layout.title)
            health_label = contract.column("milestones", "health").label(plan.language)
            expected = {s.milestone.row: s.health.label(plan.language)
                        for s in status.milestones}
            col = None
            for number, row in enumerate(sheet.iter_rows(), start=1):  # rows as they come
                if number == layout.header_row:
                    col = next((i for i, v in enumerate(row)
                                if i18n.normalize(v) == i18n.normalize(health_label)), None)
                    if col is None:
                        raise fail("no Health column")
                elif number in expected:
                    shown = row[col] if col is not None and col < len(row) else None
                    if shown != expected.pop(number):
                        raise fail(f"Health of row {number} reads {shown!r}")
            if expected:
                raise fail(f"no row {min(expected)} on {layout.title}")
            summary = book_layout.titles.get("summary") or contract.sheet_title(
                "summary", plan.language)
            top = book.get_sheet_by_name(summary).to_python(skip_empty_area=False)[:3]
            if not any(status.as_of in (v.date() if hasattr(v, "date") else v for v in r)
                       for r in top):
                raise fail("the Summary does not show the as-of date")
        finally:
            book.close()
    except InternalError:
        raise
    except Exception as exc:
        raise fail(f"{type(exc).__name__}: {exc}") from exc

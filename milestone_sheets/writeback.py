"""`msheets refresh`: write status and summary sheets back into the user's workbook, safely.

The order is: refuse while the file is open; read and check everything; find
parts a rewrite would lose (refuse in place); apply the changes through
openpyxl; put the computed values of the user's formulas back (openpyxl
drops them); write a temporary file beside the target; read it back; keep a
backup; rename over the target.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from . import managed_sheets as ms
from . import schema
from .errors import PlanError, RefusedError
from .model import Plan
from .package import Package, _sheet_parts, check_lock_files, lossy_parts
from .reader import Workbook, load_plan
from .rules import PlanStatus, evaluate
from .safe_write import atomic_path, backup_path
from .sheet_xml import save_workbook

NOTE_AUTHOR = "msheets"


@dataclass
class RefreshResult:
    """What a refresh did: the status, the changes, the backup."""

    plan: Plan
    status: PlanStatus
    target: Path
    written: bool
    backup: Path | None = None
    changes: list[str] = field(default_factory=list)
    missing_in_copy: list[str] = field(default_factory=list)


def refresh_workbook(path: str | Path, output: str | Path | None = None,
                     as_of: date | None = None, today: date | None = None,
                     dry_run: bool = False) -> RefreshResult:
    """Refresh a plan in place (or into `output`); see the module docstring for the order."""
    path = Path(path)
    target = Path(output) if output is not None else path
    in_place = output is None or (target.exists() and target.resolve() == path.resolve())
    if in_place:
        check_lock_files(path)
    elif target.exists():
        check_lock_files(target)
    plan = load_plan(path, as_of=as_of, today=today)
    status = evaluate(plan, plan.as_of)
    pkg: Package = plan.package
    managed_titles = {s.title for s in pkg.sheets
                      if (k := schema.find_sheet_key(s.title)) and schema.SHEETS[k].managed}
    lost = lossy_parts(path, pkg, managed_titles)
    if lost and in_place and not dry_run:
        raise RefusedError(
            f"{path.name} holds parts that msheets cannot write back: {'; '.join(lost)}. "
            f"Nothing was written. Use --output OTHER.xlsx to write a refreshed copy "
            f"(it will lack those parts) and keep this file as it is.")
    formula_values = _formula_values(path, pkg, managed_titles)
    wb = _open_for_writing(path, pkg.rich_text, _rebuilt_parts(plan, pkg))
    result = RefreshResult(plan, status, target, written=False, missing_in_copy=lost)
    ctx = ms.Context(plan, status, ms.Styles(plan.settings.currency))
    active = wb.active.title if wb.active is not None else None
    result.changes += _annotate_milestones(wb, ctx)
    result.changes += _annotate_metrics(wb, ctx)
    result.changes += _notes(wb, plan)
    result.changes += _managed_sheets(wb, ctx)
    _restore_active(wb, active)
    if dry_run:
        return result
    buffer = save_workbook(wb, ctx.st.buffers)
    if in_place:
        check_lock_files(path)  # opened while we worked?
    with atomic_path(target) as tmp:
        _finish_package(buffer, tmp, formula_values)
        _verify(tmp, plan)
        if in_place:
            result.backup = backup_path(path)
            shutil.copy2(path, result.backup)
    result.written = True
    return result


def read_plain_strings(source: Any) -> list[str]:
    """The shared strings as openpyxl's own reader returns them without rich text
    (`Text.content`: the text and the runs' text, not phonetic guides), built without
    its per-string objects, which cost more than the rest of reading a large plan."""
    from openpyxl.xml.functions import iterparse  # defusedxml's when installed

    si, t, r = (f"{{{_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))
    strings = []
    for _, node in iterparse(source):
        if node.tag != si:
            continue
        parts = []
        for child in node:
            if child.tag == t:
                if child.text is not None:
                    parts.append(child.text)
            elif child.tag == r:
                run = child.find(t)
                if run is not None and run.text is not None:
                    parts.append(run.text)
        node.clear()
        strings.append("".join(parts).replace("x005F_", ""))
    return strings


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _rebuilt_parts(plan: Plan, pkg: Package) -> set[str]:
    """The parts of the sheets refresh rebuilds: the first sheet of each kind, which the
    reader already found (plan.sheet_titles), as _managed_sheets does."""
    titles = plan.sheet_titles
    return {part for key in schema.REBUILT_SHEETS
            if key in titles and (part := pkg.part_of(titles[key])) is not None}


class _WithoutCells:
    """The package as openpyxl reads it, with the cells of some sheets left out."""

    def __init__(self, archive: zipfile.ZipFile, parts: set[str]) -> None:
        self._archive, self._parts = archive, parts

    def open(self, name: str, *args: Any, **kw: Any) -> Any:
        if name not in self._parts:
            return self._archive.open(name, *args, **kw)
        xml = self._archive.read(name)
        start = xml.find(b"<sheetData>")
        end = xml.find(b"</sheetData>", start)
        if start < 0 or end < 0:  # empty already, or a namespace prefix: read as it is
            return io.BytesIO(xml)
        return io.BytesIO(xml[:start] + b"<sheetData/>" + xml[end + len(b"</sheetData>"):])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._archive, name)


def _open_for_writing(path: Path, rich_text: bool, rebuilt: set[str]) -> Any:
    """The workbook as openpyxl edits it. Formatted runs of text are kept only when the
    package has some (`rich_text`): openpyxl keeps them only when asked, at a large cost.
    The cells of the sheets refresh rebuilds (parts `rebuilt`) are not read: on a plan
    refreshed before, they are as many as the user's own."""
    from openpyxl.reader.excel import ExcelReader

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_worksheets(self) -> None:
            archive, self.archive = self.archive, _WithoutCells(self.archive, rebuilt)
            try:
                super().read_worksheets()
            finally:
                self.archive = archive

        def read_strings(self) -> None:
            if self.rich_text:
                super().read_strings()
                return
            from openpyxl.xml.constants import SHARED_STRINGS

            ct = self.package.find(SHARED_STRINGS)
            if ct is not None:
                with self.archive.open(ct.PartName[1:]) as src:
                    self.shared_strings = read_plain_strings(src)

    try:
        reader = Reader(path, read_only=False, keep_vba=False, data_only=False,
                        keep_links=True, rich_text=rich_text)
        reader.read()
        return reader.wb
    except Exception as exc:
        raise PlanError(f"{path.name}: cannot be opened for writing ({type(exc).__name__}: "
                        f"{exc}). Nothing was written; re-save the file in Excel or "
                        "LibreOffice, or use --output.") from None


def _restore_active(wb: Any, title: str | None) -> None:
    if title is None or title not in wb.sheetnames:
        return
    active = wb[title]
    wb.active = wb.worksheets.index(active)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is active


# --------------------------------------------------------------------------- input sheets


def _managed_columns(ws: Any, plan: Plan, sheet: str, keys: tuple[str, ...],
                     st: ms.Styles) -> tuple[dict[str, int], list[str]]:
    """Column of each managed key; headers created at the right when missing."""
    layout = plan.layouts[sheet]
    cols = dict(layout.columns)
    header_cells = [c.column for c in ws[layout.header_row] if c.value not in (None, "")]
    next_col = max([layout.last_column, *header_cells]) + 1
    created = []
    for key in keys:
        if key in cols:
            continue
        label = schema.column(sheet, key).label(plan.language)
        st.put(ws, layout.header_row, next_col, label, font=st.bold,
               fill=st.managed_header_fill)
        cols[key] = next_col
        created.append(label)
        next_col += 1
    changes = [f"{layout.title}: added column(s) {', '.join(created)}"] if created else []
    return cols, changes


def _set(st: ms.Styles, ws: Any, row: int, col: int, value: Any, counter: dict[str, int],
         key: str, number_format: str | None = None, font: Any = None, fill: Any = None) -> None:
    cell = ws._cells.get((row, col))  # ws.cell() would create one
    if (cell.value if cell is not None else None) != value:
        counter[key] += 1
    st.put(ws, row, col, value, number_format, font, fill)


def _clear_stale(ws: Any, first_row: int, rows: set[int], cols: list[int],
                 st: ms.Styles) -> int:
    """Empty managed cells left on rows that no longer hold a record."""
    cleared = 0
    managed = set(cols)
    for (r, c), cell in ws._cells.items():
        if c in managed and r >= first_row and r not in rows and cell._value is not None:
            cell.value = None
            cell.fill = st.managed_fill
            cleared += 1
    return cleared


def _annotate_milestones(wb: Any, ctx: ms.Context) -> list[str]:
    plan, st, lang = ctx.plan, ctx.st, ctx.lang
    layout = plan.layouts["milestones"]
    ws = wb[layout.title]
    st.buffer(ws)
    keys = ("health", "slack", "flags") if "id" in layout.columns else (
        "id", "health", "slack", "flags")
    cols, changes = _managed_columns(ws, plan, "milestones", keys, st)
    counter: dict[str, int] = defaultdict(int)
    filled = []
    for s in ctx.status.milestones:
        m, r = s.milestone, s.milestone.row
        if m.id_filled:
            st.put(ws, r, cols["id"], m.id)
            filled.append(f"{m.id} (row {r})")
        _set(st, ws, r, cols["health"], schema.health_label(s.health, lang), counter, "Health",
             font=st.health_font[s.health], fill=st.health_fill[s.health])
        _set(st, ws, r, cols["slack"], s.slack, counter, "Slack", "0")
        flags = "; ".join(ms.flag_label(f, lang) for f in s.flags) or None
        _set(st, ws, r, cols["flags"], flags, counter, "Flags")
    rows = {s.milestone.row for s in ctx.status.milestones}
    _clear_stale(ws, layout.header_row + 1, rows,
                 [cols["health"], cols["slack"], cols["flags"]], st)
    if filled:
        changes.append(f"{layout.title}: filled {len(filled)} blank ID(s): "
                       f"{', '.join(filled[:10])}{' ...' if len(filled) > 10 else ''}")
    for key, n in counter.items():
        changes.append(f"{layout.title}: {key} changed in {n} row(s)")
    return changes


def _annotate_metrics(wb: Any, ctx: ms.Context) -> list[str]:
    plan, st = ctx.plan, ctx.st
    if "metrics" not in plan.layouts:
        return []
    layout = plan.layouts["metrics"]
    ws = wb[layout.title]
    st.buffer(ws)
    cols, changes = _managed_columns(ws, plan, "metrics",
                                     ("progress", "expected", "metric_status"), st)
    counter: dict[str, int] = defaultdict(int)
    for m in ctx.status.metrics:
        r = m.metric.row
        _set(st, ws, r, cols["progress"], m.progress, counter, "Progress", st.pct)
        _set(st, ws, r, cols["expected"], m.expected, counter, "Expected", st.pct)
        _set(st, ws, r, cols["metric_status"], schema.metric_status_label(m.status, ctx.lang),
             counter, "Metric status", font=st.metric_font[m.status],
             fill=st.metric_fill[m.status])
    _clear_stale(ws, layout.header_row + 1, {m.metric.row for m in ctx.status.metrics},
                 [cols["progress"], cols["expected"], cols["metric_status"]], st)
    return changes + [f"{layout.title}: {k} changed in {n} row(s)" for k, n in counter.items()]


def _notes(wb: Any, plan: Plan) -> list[str]:
    """Replace msheets' own notes on input sheets; the user's comments stay as they are."""
    from openpyxl.comments import Comment

    by_cell: dict[tuple[str, str], list[str]] = defaultdict(list)
    for i in plan.issues:
        if i.severity in ("error", "warning") and i.cell and i.sheet in wb.sheetnames:
            by_cell[(i.sheet, i.cell)].append(f"{i.severity}: {i.message}")
    removed = added = 0
    for key in schema.INPUT_SHEETS:
        title = plan.sheet_titles.get(key)
        if title is None:
            continue
        for cell in list(wb[title]._cells.values()):
            if cell.comment is not None and cell.comment.author == NOTE_AUTHOR:
                cell.comment = None
                removed += 1
    for (sheet, ref), messages in by_cell.items():
        cell = wb[sheet][ref]
        if cell.comment is not None:
            continue  # a user's comment: leave it; the Issues sheet lists the problem
        text = "msheets:\n" + "\n".join(f"- {m}" for m in messages)
        note = Comment(text, NOTE_AUTHOR, width=320, height=40 + 30 * len(messages))
        cell.comment = note
        added += 1
    return [f"notes: {added} cell(s) annotated"] if added or removed else []


# --------------------------------------------------------------------------- managed sheets


def _managed_sheets(wb: Any, ctx: ms.Context) -> list[str]:
    lang = ctx.lang
    existing = {}
    for title in wb.sheetnames:
        key = schema.find_sheet_key(title)
        if key and schema.SHEETS[key].managed and key not in existing:
            existing[key] = title
    history_rows = ms.read_history(wb[existing["history"]] if "history" in existing else None)

    def fresh(key: str) -> Any:
        if key in existing:
            old = wb[existing[key]]
            index = wb.worksheets.index(old)
            wb.remove(old)
            ws = wb.create_sheet(existing[key], index)
        elif key == "summary":
            guide = next((t for t in wb.sheetnames if schema.find_sheet_key(t) == "guide"), None)
            ws = wb.create_sheet(schema.sheet_title(key, lang),
                                 wb.sheetnames.index(guide) + 1 if guide else 0)
        else:
            ws = wb.create_sheet(schema.sheet_title(key, lang))
        ctx.st.buffer(ws)
        return ws

    ms.write_summary(ctx, fresh("summary"))
    ms.write_budget(ctx, fresh("budget"))
    ms.write_workload(ctx, fresh("workload"))
    ms.write_timeline(ctx, fresh("timeline"))
    ms.write_issues(ctx, fresh("issues"))
    row = ms.history_row(ctx.status)
    replaced = any(r["as_of"] == row["as_of"] for r in history_rows)
    history_rows = sorted([r for r in history_rows if r["as_of"] != row["as_of"]] + [row],
                          key=lambda r: r["as_of"])
    ms.write_history(ctx, fresh("history"), history_rows)
    if "baseline" in existing:
        baseline, new = wb[existing["baseline"]], False
    else:
        baseline, new = wb.create_sheet(schema.sheet_title("baseline", lang)), True
    ctx.st.buffer(baseline)  # rows are only appended, after the ones recorded before
    added = ms.append_baseline(ctx, baseline, new=new)
    changes = [f"rebuilt {', '.join(schema.sheet_title(k, lang) for k in schema.REBUILT_SHEETS)}",
               f"History: {'replaced' if replaced else 'added'} the row for "
               f"{row['as_of'].isoformat()}"]
    if added:
        changes.append(f"Baseline: recorded {len(added)} milestone(s)")
    return changes


# --------------------------------------------------------------------------- formulas


def _split_ref(ref: str) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)(\d+)$", ref)
    assert m
    col = 0
    for ch in m[1]:
        col = col * 26 + ord(ch) - 64
    return int(m[2]), col


def _formula_values(path: Path, pkg: Package, managed: set[str]) -> dict[str, dict[str, Any]]:
    """Computed values of the user's formula cells, by sheet title and cell."""
    out: dict[str, dict[str, Any]] = {}
    book = None
    try:
        for sheet in pkg.sheets:
            if sheet.title in managed or sheet.part not in pkg.names:
                continue
            with_formula, no_value = pkg.formulas.get(sheet.part, (set(), set()))
            if not with_formula:
                continue
            if book is None:
                book = Workbook(path, pkg)
            grid = book.grid(sheet.title)
            values = {}
            for ref in with_formula - no_value:
                v = grid.value(*_split_ref(ref))
                if v is not None:
                    values[ref] = v
            out[sheet.title] = values
    finally:
        if book is not None:
            book.close()
    return out


_EMPTY_FORMULA = re.compile(
    rb'<c r="([A-Z]+\d+)"([^>]*)>(<f(?:\s[^>]*)?>[^<]*</f>|<f(?:\s[^>]*)?/>)<v\s*/>'
    rb"</c>|<c r=\"([A-Z]+\d+)\"([^>]*)>(<f(?:\s[^>]*)?>[^<]*</f>|<f(?:\s[^>]*)?/>)<v></v></c>"
)


def _cached(value: Any) -> tuple[bytes | None, bytes]:
    """(type attribute, <v> text) of a computed value."""
    if isinstance(value, bool):
        return b"b", b"1" if value else b"0"
    if isinstance(value, (int, float)):
        return None, repr(float(value)).encode() if isinstance(value, float) else str(
            value).encode()
    if isinstance(value, datetime):
        delta = value - datetime(1899, 12, 30)
        return None, repr(delta.days + delta.seconds / 86400).encode()
    if isinstance(value, date):
        return None, str((value - date(1899, 12, 30)).days).encode()
    if isinstance(value, timedelta):
        return None, repr(value.total_seconds() / 86400).encode()
    if isinstance(value, time):
        return None, repr((value.hour * 3600 + value.minute * 60 + value.second) / 86400).encode()
    return b"str", escape(str(value)).encode("utf-8")


def _with_values(xml: bytes, values: dict[str, Any]) -> bytes:
    def repl(m: re.Match[bytes]) -> bytes:
        ref, attrs, formula = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
        value = values.get(ref.decode())
        if value is None:
            return m[0]
        t, v = _cached(value)
        attrs = re.sub(rb'\s+t="[^"]*"', b"", attrs)
        if t:
            attrs += b' t="' + t + b'"'
        return b'<c r="' + ref + b'"' + attrs + b">" + formula + b"<v>" + v + b"</v></c>"

    return _EMPTY_FORMULA.sub(repl, xml)


def _finish_package(buffer: io.BytesIO, target: Path,
                    formula_values: dict[str, dict[str, Any]]) -> None:
    """Copy openpyxl's package to `target`, putting formulas' computed values back."""
    if not any(formula_values.values()):
        target.write_bytes(buffer.getbuffer())
        return
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as src:
        parts = {s.title: s.part for s in _sheet_parts(target, src)}
        patch = {parts[t]: v for t, v in formula_values.items() if t in parts and v}
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename in patch:
                    data = _with_values(data, patch[info.filename])
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def _verify(tmp: Path, plan: Plan) -> None:
    """Read the written file back before it replaces anything."""
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(tmp))
        wb.get_sheet_by_name(plan.layouts["milestones"].title).to_python()
        wb.close()
    except Exception as exc:
        raise PlanError(f"the refreshed workbook could not be read back ({exc}); nothing was "
                        "replaced. Please report this.") from None

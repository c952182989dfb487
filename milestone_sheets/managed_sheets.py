"""The managed sheets refresh writes: Summary, Budget, Workload, Timeline, Issues,
History and Baseline. Values, not formulas, so every program shows the same.

All cell text goes through `put`, which stores text as text: a milestone named
'=HYPERLINK(...)' stays that literal string, never a formula.
"""

from __future__ import annotations

import math
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from . import schema
from .model import Plan
from .rules import MilestoneStatus, PlanStatus
from .sheet_xml import SheetBuffer, set_value

TIMELINE_MAX_ROWS = 1000
TIMELINE_MAX_WEEKS = 26
BAR_WIDTH = 10


def flag_label(flag: str, lang: str) -> str:
    """A flag in the workbook's language (the JSON report keeps the English)."""
    if lang != "fr":
        return flag
    fixed = {"over budget": "dépassement de budget", "behind schedule": "en retard sur le planning",
             "owner overloaded": "responsable surchargé", "unknown owner": "responsable inconnu",
             "no owner": "sans responsable"}
    if flag in fixed:
        return fixed[flag]
    if flag.startswith("blocked by "):
        return "bloqué par " + flag[len("blocked by "):]
    if flag.startswith("slipped "):
        return "glissement de " + flag[len("slipped "):].replace("days", "jours")
    return flag


class Styles:
    """openpyxl style objects, created once per refresh."""

    def __init__(self, currency: str) -> None:
        self.title = Font(bold=True, size=16, color="1F4E78")
        self.h2 = Font(bold=True, size=12, color="1F4E78")
        self.bold = Font(bold=True)
        self.header_font = Font(bold=True, color="FFFFFF")
        self.header_fill = PatternFill("solid", fgColor="1F4E78")
        self.managed_fill = PatternFill("solid", fgColor="EDEDED")
        self.managed_header_fill = PatternFill("solid", fgColor="A6A6A6")
        self.no_fill = PatternFill(fill_type=None)
        self.health_fill = {h: PatternFill("solid", fgColor=c)
                            for h, c in schema.HEALTH_COLOURS.items()}
        self.health_font = {h: Font(color=schema.HEALTH_FONT.get(h, "000000"))
                            for h in schema.HEALTH}
        self.metric_fill = {s: PatternFill("solid", fgColor=c)
                            for s, c in schema.METRIC_STATUS_COLOURS.items()}
        self.metric_font = {s: Font(color="FFFFFF" if s == "Achieved" else "000000")
                            for s in schema.METRIC_STATUS}
        self.overload_fill = PatternFill("solid", fgColor="FF7C80")
        self.today_fill = PatternFill("solid", fgColor="C00000")
        self.review_fill = PatternFill("solid", fgColor="7030A0")
        self.white = Font(bold=True, color="FFFFFF")
        self.link = Font(color="0563C1", underline="single")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.center = Alignment(horizontal="center")
        self.today_border = Border(left=Side(style="thin", color="C00000"),
                                   right=Side(style="thin", color="C00000"))
        self.money = schema.money_format(currency)
        self.date = schema.DATE_FORMAT
        self.pct = schema.PERCENT_FORMAT
        # (sheet's workbook, format, font, fill) -> the style array openpyxl built for them:
        # setting styles cell by cell is openpyxl's slowest path, so each is built once.
        self._styles: dict[tuple[int, str | None, int, int], Any] = {}
        self._style_ids: dict[tuple[Any, ...], int] = {}
        self._buffers: dict[int, SheetBuffer] = {}

    def buffer(self, ws: Worksheet) -> SheetBuffer:
        """Send the cells `put` writes to `ws` through the fast writer (see sheet_xml)."""
        self._buffers[id(ws)] = SheetBuffer(ws)
        return self._buffers[id(ws)]

    @property
    def buffers(self) -> list[SheetBuffer]:
        return list(self._buffers.values())

    def put(self, ws: Worksheet, row: int, col: int, value: Any,
            number_format: str | None = None, font: Font | None = None,
            fill: PatternFill | None = None) -> Any:
        """Write one cell; text is always stored as text (never a formula)."""
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        buffer = self._buffers.get(id(ws))
        if buffer is not None:
            existing = ws._cells.get((row, col))
            if existing is None or not (existing.comment or existing.hyperlink):
                if number_format is None and isinstance(value, date):  # as openpyxl does
                    number_format = ("yyyy-mm-dd h:mm:ss" if isinstance(value, datetime)
                                     else "yyyy-mm-dd")
                base = None
                if existing is not None:  # keep the user's borders, alignment ...
                    del ws._cells[(row, col)]
                    base = existing._style if existing.has_style else None
                styled = number_format or font is not None or fill is not None
                sid = (self._style_id(ws, number_format, font, fill, base)
                       if styled or base is not None else 0)
                buffer.put(row, col, value, sid)
                return None
        cell = ws.cell(row=row, column=col)
        set_value(cell, value)
        if number_format or font is not None or fill is not None:
            self.style(cell, number_format, font, fill)
        return cell

    def hyperlink(self, ws: Worksheet, row: int, col: int, location: str) -> None:
        """A hyperlink to a place in the workbook on a cell already put."""
        buffer = self._buffers.get(id(ws))
        if buffer is not None:
            buffer.link(row, col, location)
        else:
            cell = ws.cell(row=row, column=col)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location)

    def _style_id(self, ws: Worksheet, number_format: str | None, font: Font | None,
                  fill: PatternFill | None, base: Any = None) -> int:
        wb = ws.parent
        key = (id(wb), number_format, id(font), id(fill),
               tuple(base) if base is not None else None)
        sid = self._style_ids.get(key)
        if sid is None:
            scratch = Cell(ws)  # never added to the sheet: it only builds the style
            if base is not None:
                scratch._style = copy(base)
            self.style(scratch, number_format, font, fill)
            sid = self._style_ids[key] = wb._cell_styles.add(scratch._style)
        return sid

    def style(self, cell: Any, number_format: str | None = None, font: Font | None = None,
              fill: PatternFill | None = None) -> None:
        key = (id(cell.parent.parent), number_format, id(font), id(fill))
        cached = self._styles.get(key)
        if cached is not None and cell.has_style is False:
            cell._style = copy(cached)
            return
        if number_format:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if cached is None and not _other_style(cell, number_format, font, fill):
            self._styles[key] = copy(cell._style)


def _other_style(cell: Any, number_format: str | None, font: Any, fill: Any) -> bool:
    """Whether the cell carries style beyond what was just set (then it is not a template)."""
    s = cell._style
    return bool(s.borderId or s.alignmentId or s.protectionId or (s.fontId and font is None)
                or (s.fillId and fill is None) or (s.numFmtId and not number_format))


def header(ws: Worksheet, row: int, labels: list[str], st: Styles, col: int = 1) -> None:
    for i, label in enumerate(labels):
        st.put(ws, row, col + i, label, font=st.header_font, fill=st.header_fill)


def widths(ws: Worksheet, sizes: list[float]) -> None:
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def text_bar(share: float | None) -> str:
    """A progress bar that reads the same in every program: ██████░░░░."""
    if share is None or not math.isfinite(share):
        return ""
    filled = max(0, min(BAR_WIDTH, round(share * BAR_WIDTH)))
    return "█" * filled + "░" * (BAR_WIDTH - filled)


@dataclass
class Context:
    """What the managed sheets are written from: the plan, its status, the styles."""

    plan: Plan
    status: PlanStatus
    st: Styles

    @property
    def lang(self) -> str:
        return self.plan.language

    def w(self, key: str) -> str:
        return schema.word(key, self.lang)

    def health(self, h: str) -> str:
        return schema.health_label(h, self.lang)


def _health_cell(ctx: Context, ws: Worksheet, row: int, col: int, health: str) -> None:
    ctx.st.put(ws, row, col, ctx.health(health), font=ctx.st.health_font[health],
               fill=ctx.st.health_fill[health])


def _milestone_rows(ctx: Context, ws: Worksheet, row: int, items: list[MilestoneStatus]) -> int:
    st = ctx.st
    header(ws, row, [ctx.w("id"), ctx.w("milestone"), ctx.w("owner"), ctx.w("due"),
                     ctx.w("health"), ctx.w("flags")], st)
    for s in items:
        row += 1
        m = s.milestone
        st.put(ws, row, 1, m.id)
        st.put(ws, row, 2, m.name)
        st.put(ws, row, 3, m.owner or "")
        st.put(ws, row, 4, m.due, st.date)
        _health_cell(ctx, ws, row, 5, s.health)
        st.put(ws, row, 6, "; ".join(flag_label(f, ctx.lang) for f in s.flags))
    if not items:
        row += 1
        st.put(ws, row, 1, schema.word("none", ctx.lang))
    return row + 2


# --------------------------------------------------------------------------- Summary


def write_summary(ctx: Context, ws: Worksheet) -> None:
    st, status, plan = ctx.st, ctx.status, ctx.plan
    t = status.totals
    b = status.budget
    widths(ws, [26, 40, 18, 14, 16, 40])
    st.put(ws, 1, 1, plan.name, font=st.title)
    st.put(ws, 2, 1, ctx.w("as_of"), font=st.bold)
    st.put(ws, 2, 2, status.as_of, st.date)
    rows: list[tuple[str, Any, str | None]] = [
        (ctx.w("milestones"), t["milestones"], None), (ctx.w("done"), t["done"], None),
        (ctx.w("overdue"), t["overdue"], None), (ctx.w("at_risk"), t["at_risk"], None),
        (ctx.w("due_soon"), t["due_soon"], None),
        (ctx.w("planned"), b.totals.planned, st.money), (ctx.w("actual"), b.totals.actual,
                                                         st.money),
        (ctx.w("variance"), b.totals.variance, st.money),
        (ctx.w("earned_value"), b.totals.earned_value, st.money),
        (ctx.w("planned_value"), b.totals.planned_value, st.money),
        (ctx.w("cpi"), b.cpi, "0.00"), (ctx.w("spi"), b.spi, "0.00"),
        (ctx.w("percent_complete"), b.percent_complete, st.pct),
        (ctx.w("next_review"), status.review.next_review, st.date),
    ]
    r = 4
    for label, value, fmt in rows:
        st.put(ws, r, 1, label, font=st.bold)
        st.put(ws, r, 2, value if value is not None else "-", fmt)
        r += 1
    st.put(ws, r + 1, 1, ctx.w("percent_complete"), font=st.bold)
    st.put(ws, r + 1, 2, text_bar(b.percent_complete))
    r += 3

    st.put(ws, r, 1, ctx.w("health"), font=st.h2)
    r += 1
    header(ws, r, [ctx.w("health"), ctx.w("count")], st)
    for h, n in status.health_counts().items():
        r += 1
        _health_cell(ctx, ws, r, 1, h)
        st.put(ws, r, 2, n)
    r += 2

    st.put(ws, r, 1, ctx.w("budget_chart"), font=st.h2)
    r += 1
    chart_top = r
    header(ws, r, [ctx.w("key"), ctx.w("planned"), ctx.w("actual")], st)
    for g in b.rollups["by_phase"]:
        r += 1
        st.put(ws, r, 1, g.key)
        st.put(ws, r, 2, g.planned, st.money)
        st.put(ws, r, 3, g.actual, st.money)
    if r > chart_top:
        chart = BarChart()
        chart.title = ctx.w("budget_chart")
        chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=chart_top, max_row=r),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=chart_top + 1, max_row=r))
        chart.height, chart.width = 7.5, 13
        ws.add_chart(chart, "D3")  # beside the headline figures
    r += 2

    soon = [s for s in status.milestones if s.is_open and s.milestone.due
            and status.as_of <= s.milestone.due <= status.as_of + timedelta(days=14)]
    soon.sort(key=lambda s: (s.milestone.due, s.milestone.row))
    st.put(ws, r, 1, ctx.w("next_14"), font=st.h2)
    r = _milestone_rows(ctx, ws, r + 1, soon)

    overdue = sorted((s for s in status.milestones if s.health == "Overdue"),
                     key=lambda s: (s.milestone.due or date.max, s.milestone.row))
    st.put(ws, r, 1, ctx.w("overdue"), font=st.h2)
    r = _milestone_rows(ctx, ws, r + 1, overdue)

    st.put(ws, r, 1, ctx.w("overloaded"), font=st.h2)
    r += 1
    header(ws, r, [ctx.w("owner"), ctx.w("peak"), ctx.w("week"), ctx.w("open")], st)
    over = [w for w in status.workload if w.overloaded]
    for w in over:
        r += 1
        st.put(ws, r, 1, w.owner)
        st.put(ws, r, 2, w.peak_load, st.pct, fill=st.overload_fill)
        st.put(ws, r, 3, w.peak_week, st.date)
        st.put(ws, r, 4, w.open)
    if not over:
        r += 1
        st.put(ws, r, 1, schema.word("none", ctx.lang))
    r += 2

    st.put(ws, r, 1, ctx.w("metrics"), font=st.h2)
    r += 1
    header(ws, r, [ctx.w("metrics"), ctx.w("progress"), "", ctx.w("expected"),
                   ctx.w("status")], st)
    for ms in status.metrics:
        r += 1
        st.put(ws, r, 1, ms.metric.name)
        st.put(ws, r, 2, text_bar(ms.progress))
        st.put(ws, r, 3, ms.progress, st.pct)
        st.put(ws, r, 4, ms.expected, st.pct)
        st.put(ws, r, 5, schema.metric_status_label(ms.status, ctx.lang),
            font=st.metric_font[ms.status], fill=st.metric_fill[ms.status])
    r += 2

    rv = status.review
    st.put(ws, r, 1, f"{ctx.w('agenda')}", font=st.h2)
    st.put(ws, r, 2, rv.next_review if rv.next_review else "-", st.date)
    r = _milestone_rows(ctx, ws, r + 1, rv.agenda_milestones)
    for ms in rv.agenda_metrics:
        st.put(ws, r - 1, 1, ms.metric.name)
        st.put(ws, r - 1, 5, schema.metric_status_label(ms.status, ctx.lang),
            font=st.metric_font[ms.status], fill=st.metric_fill[ms.status])
        r += 1
    ws.sheet_view.showGridLines = False


# --------------------------------------------------------------------------- Budget


def write_budget(ctx: Context, ws: Worksheet) -> None:
    st, b = ctx.st, ctx.status.budget
    widths(ws, [30, 14, 14, 14, 14, 14, 8, 8])
    st.put(ws, 1, 1, schema.sheet_title("budget", ctx.lang), font=st.title)
    labels = [ctx.w("key"), ctx.w("planned"), ctx.w("actual"), ctx.w("variance"),
              ctx.w("earned_value"), ctx.w("planned_value"), ctx.w("cpi"), ctx.w("spi")]
    header(ws, 3, labels, st)
    r = 3

    def money_row(r: int, key: str, g: Any, font: Font | None = None) -> None:
        st.put(ws, r, 1, key, font=font)
        for c, v in enumerate((g.planned, g.actual, g.variance, g.earned_value,
                               g.planned_value), start=2):
            st.put(ws, r, c, v, st.money, font=font)
        st.put(ws, r, 7, g.earned_value / g.actual if g.actual else None, "0.00", font=font)
        st.put(ws, r, 8, g.earned_value / g.planned_value if g.planned_value else None, "0.00",
            font=font)

    money_row(4, "Total", b.totals, st.bold)
    st.put(ws, 5, 1, ctx.w("percent_complete"), font=st.bold)
    st.put(ws, 5, 2, b.percent_complete, st.pct)
    r = 7
    chart_rows = None
    for rollup in b.rollups:
        st.put(ws, r, 1, ctx.w(rollup), font=st.h2)
        r += 1
        header(ws, r, labels, st)
        first = r
        for g in b.rollups[rollup]:
            r += 1
            money_row(r, g.key, g)
        if rollup == "by_phase":
            chart_rows = (first, r)
        r += 2
    if chart_rows and chart_rows[1] > chart_rows[0]:
        chart = BarChart()
        chart.title = ctx.w("budget_chart")
        chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=chart_rows[0],
                                 max_row=chart_rows[1]), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=chart_rows[0] + 1,
                                       max_row=chart_rows[1]))
        chart.height, chart.width = 8, 16
        ws.add_chart(chart, "J3")
    ws.freeze_panes = "A4"


# --------------------------------------------------------------------------- Workload


def write_workload(ctx: Context, ws: Worksheet) -> None:
    st, status = ctx.st, ctx.status
    threshold = ctx.plan.settings.overload_threshold / 100
    st.put(ws, 1, 1, schema.sheet_title("workload", ctx.lang), font=st.title)
    labels = [ctx.w("owner"), ctx.w("capacity"), ctx.w("open"), ctx.w("overdue"),
              ctx.w("due_soon"), ctx.w("budget"), ctx.w("peak"), ctx.w("week"),
              ctx.w("overloaded")]
    header(ws, 3, labels, st)
    r = 3
    for w in status.workload:
        r += 1
        st.put(ws, r, 1, w.owner)
        st.put(ws, r, 2, w.capacity)
        st.put(ws, r, 3, w.open)
        st.put(ws, r, 4, w.overdue)
        st.put(ws, r, 5, w.due_soon)
        st.put(ws, r, 6, w.budget, st.money)
        st.put(ws, r, 7, w.peak_load, st.pct, fill=st.overload_fill if w.overloaded else None)
        st.put(ws, r, 8, w.peak_week, st.date)
        st.put(ws, r, 9, ("oui" if ctx.lang == "fr" else "yes") if w.overloaded else "")
    weeks = status.workload[0].weeks if status.workload else []
    for block, key in ((ctx.w("hours"), "hours"), (ctx.w("load"), "load")):
        r += 2
        st.put(ws, r, 1, block, font=st.h2)
        r += 1
        st.put(ws, r, 1, ctx.w("owner"), font=st.header_font, fill=st.header_fill)
        for i, wl in enumerate(weeks):
            st.put(ws, r, 2 + i, wl.week, "d mmm", font=st.header_font, fill=st.header_fill)
        for w in status.workload:
            r += 1
            st.put(ws, r, 1, w.owner)
            for i, wl in enumerate(w.weeks):
                if key == "hours":
                    st.put(ws, r, 2 + i, round(wl.hours, 2), "0.0")
                else:
                    over = wl.load is not None and wl.load > threshold + 1e-9
                    st.put(ws, r, 2 + i, wl.load, st.pct, fill=st.overload_fill if over else None)
    widths(ws, [24] + [12] * max(9, len(weeks) + 1))
    ws.freeze_panes = "B4"


# --------------------------------------------------------------------------- Timeline


def _periods(first: date, last: date) -> tuple[str, list[date]]:
    """Week starts (Mondays), or month starts for plans longer than TIMELINE_MAX_WEEKS."""
    start = first - timedelta(days=first.weekday())
    if (last - start).days // 7 + 1 <= TIMELINE_MAX_WEEKS:
        out, d = [], start
        while d <= last:
            out.append(d)
            d += timedelta(days=7)
        return "week", out
    out, y, m = [], first.year, first.month
    while date(y, m, 1) <= last and len(out) < 120:
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return "month", out


def _period_end(kind: str, p: date) -> date:
    if kind == "week":
        return p + timedelta(days=6)
    nxt = date(p.year + (p.month == 12), p.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def write_timeline(ctx: Context, ws: Worksheet) -> None:
    st, status = ctx.st, ctx.status
    items = [s for s in status.milestones if s.milestone.due is not None]
    items.sort(key=lambda s: (s.start or s.milestone.due, s.milestone.due, s.milestone.row))
    shown = items[:TIMELINE_MAX_ROWS]
    st.put(ws, 1, 1, schema.sheet_title("timeline", ctx.lang), font=st.title)
    if len(items) > len(shown):
        st.put(ws, 1, 3, f"{len(shown)} / {len(items)}")
    fixed = [ctx.w("id"), ctx.w("milestone"), ctx.w("owner"), ctx.w("start"), ctx.w("due"),
             ctx.w("health")]
    header(ws, 3, fixed, st)
    widths(ws, [8, 34, 16, 11, 11, 14])
    if not shown:
        return
    first = min(min(s.start or s.milestone.due for s in shown), status.as_of)  # type: ignore
    last = max(max(s.milestone.due for s in shown), status.as_of)  # type: ignore
    kind, periods = _periods(first, last)
    reviews = set(status.review.upcoming)
    c0 = len(fixed) + 1
    from openpyxl.utils import get_column_letter

    for i, p in enumerate(periods):
        col = c0 + i
        end = _period_end(kind, p)
        fill = st.header_fill
        if p <= status.as_of <= end:
            fill = st.today_fill
            st.put(ws, 2, col, ctx.w("today"), font=st.bold)
        elif any(p <= d <= end for d in reviews):
            fill = st.review_fill
            st.put(ws, 2, col, "R", font=st.bold)
        st.put(ws, 3, col, p, "d mmm" if kind == "week" else "mmm yy", font=st.header_font,
            fill=fill)
        ws.column_dimensions[get_column_letter(col)].width = 6 if kind == "week" else 7
    for r, s in enumerate(shown, start=4):
        m = s.milestone
        st.put(ws, r, 1, m.id)
        st.put(ws, r, 2, m.name)
        st.put(ws, r, 3, m.owner or "")
        st.put(ws, r, 4, s.start, st.date)
        st.put(ws, r, 5, m.due, st.date)
        _health_cell(ctx, ws, r, 6, s.health)
        bar_start = s.start or m.due
        fill = st.health_fill[s.health]
        for i, p in enumerate(periods):
            if p <= m.due and _period_end(kind, p) >= bar_start:  # type: ignore[operator]
                st.put(ws, r, c0 + i, None, fill=fill)
    st.put(ws, len(shown) + 5, 1, f"R = {ctx.w('review')}; {ctx.w('today')} = "
        f"{status.as_of.isoformat()}")
    ws.freeze_panes = f"{get_column_letter(c0)}4"


# --------------------------------------------------------------------------- Issues


def write_issues(ctx: Context, ws: Worksheet) -> None:
    st = ctx.st
    labels = [ctx.w("severity"), ctx.w("sheet"), ctx.w("cell"), ctx.w("field"),
              ctx.w("value"), ctx.w("message")]
    header(ws, 1, labels, st)
    widths(ws, [10, 16, 8, 14, 24, 80])
    order = {"error": 0, "warning": 1, "info": 2}
    issues = sorted(ctx.plan.issues, key=lambda i: order.get(i.severity, 3))
    fills = {"error": st.overload_fill, "warning": st.health_fill["Due soon"]}
    for r, i in enumerate(issues, start=2):
        st.put(ws, r, 1, i.severity, fill=fills.get(i.severity))
        st.put(ws, r, 2, i.sheet)
        st.put(ws, r, 3, i.cell, font=st.link if i.cell else None)
        if i.cell:
            st.hyperlink(ws, r, 3, f"'{i.sheet.replace(chr(39), chr(39) * 2)}'!{i.cell}")
        value = i.value
        if isinstance(value, datetime):
            value = value.isoformat(sep=" ")
        elif isinstance(value, date):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (int, float, str)):
            value = str(value)
        st.put(ws, r, 4, i.field)
        st.put(ws, r, 5, value)
        st.put(ws, r, 6, i.message)
    if not issues:
        st.put(ws, 2, 1, ctx.w("no_issues"))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:F{max(2, len(issues) + 1)}"


# --------------------------------------------------------------------------- History

HISTORY_KEYS = ("as_of", "milestones", "done", "overdue", "at_risk", "due_soon", "planned",
                "actual", "earned_value", "planned_value", "percent_complete", "cpi", "spi")


def history_row(status: PlanStatus) -> dict[str, Any]:
    t = status.totals
    return {"as_of": status.as_of, **{k: t[k] for k in HISTORY_KEYS[1:]}}


def _as_date(v: Any) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip()[:10])
        except ValueError:
            return None
    return None


def read_history(ws: Worksheet | None) -> list[dict[str, Any]]:
    """Rows of an existing History sheet (unknown rows are kept as they are)."""
    if ws is None:
        return []
    out = []
    for values in ws.iter_rows(min_row=2, values_only=True):
        if not values or all(v is None for v in values):
            continue
        d = _as_date(values[0])
        if d is None:
            continue
        out.append({"as_of": d, **{k: values[i] if i < len(values) else None
                                   for i, k in enumerate(HISTORY_KEYS) if i}})
    return out


def write_history(ctx: Context, ws: Worksheet, rows: list[dict[str, Any]]) -> None:
    st = ctx.st
    labels = [ctx.w("as_of"), ctx.w("milestones"), ctx.w("done"), ctx.w("overdue"),
              ctx.w("at_risk"), ctx.w("due_soon"), ctx.w("planned"), ctx.w("actual"),
              ctx.w("earned_value"), ctx.w("planned_value"), ctx.w("percent_complete"),
              ctx.w("cpi"), ctx.w("spi")]
    header(ws, 1, labels, st)
    widths(ws, [12] + [11] * 12)
    fmts = {"as_of": st.date, "planned": st.money, "actual": st.money,
            "earned_value": st.money, "planned_value": st.money, "percent_complete": st.pct,
            "cpi": "0.00", "spi": "0.00"}
    for r, row in enumerate(rows, start=2):
        for c, key in enumerate(HISTORY_KEYS, start=1):
            st.put(ws, r, c, row.get(key), fmts.get(key))
    if len(rows) >= 1:
        chart = LineChart()
        chart.title = ctx.w("trend")
        chart.add_data(Reference(ws, min_col=8, max_col=10, min_row=1, max_row=len(rows) + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(rows) + 1))
        chart.height, chart.width = 8, 18
        ws.add_chart(chart, "O2")
    ws.freeze_panes = "B2"


# --------------------------------------------------------------------------- Baseline


def baseline_headers(lang: str) -> list[str]:
    return [schema.word(k, lang) for k in ("id", "milestone", "due", "budget", "recorded")]


def append_baseline(ctx: Context, ws: Worksheet, new: bool) -> list[str]:
    """Record Due and Budget of milestones the Baseline has not seen; returns their IDs."""
    st = ctx.st
    if new:
        header(ws, 1, baseline_headers(ctx.lang), st)
        widths(ws, [10, 36, 12, 14, 12])
        ws.freeze_panes = "A2"
    known = set(ctx.plan.baseline)
    r = max(ws.max_row, 1)
    added = []
    for s in ctx.status.milestones:
        m = s.milestone
        if not m.id or m.id.casefold() in known:
            continue
        known.add(m.id.casefold())
        r += 1
        st.put(ws, r, 1, m.id)
        st.put(ws, r, 2, m.name)
        st.put(ws, r, 3, m.due, st.date)
        st.put(ws, r, 4, m.budget, st.money)
        st.put(ws, r, 5, ctx.status.as_of, st.date)
        added.append(m.id)
    return added

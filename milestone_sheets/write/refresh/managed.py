"""The managed sheets refresh writes: Summary, Budget, Workload, Timeline, Issues, History
and Baseline, built by XlsxWriter in a scratch workbook in memory. Refresh transplants that
workbook's sheets, charts and styles into the user's package (see writeback).

Values, not formulas, so every program shows the same. Text is always written as text: a
milestone named '=HYPERLINK(...)' stays that literal string, never a formula. Every sheet
prints one page wide, with its header rows repeated and a footer naming the plan, the
as-of date and the page.
"""

from __future__ import annotations

import io
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from milestone_sheets import contract, i18n
from milestone_sheets.model import HISTORY_KEYS, Plan
from milestone_sheets.rules.evaluation import PlanStatus
from milestone_sheets.rules.health import MilestoneStatus
from milestone_sheets.rules.metrics import MetricStatus
from milestone_sheets.xlsx.cells import CellValue, serial
from milestone_sheets.xlsx.opc import Package
from milestone_sheets.xlsx.transplant import add_rows
from milestone_sheets.xlsx.workbook import WorkbookPart

MANAGED_ORDER = ("summary", "budget", "workload", "timeline", "issues", "history", "baseline")
TIMELINE_MAX_ROWS = 1000
TIMELINE_MAX_WEEKS = 26
TIMELINE_MAX_MONTHS = 120
BAR_WIDTH = 10
# The Summary's lists of milestones show this many (then say how many more): the Summary
# prints on one page. One longer than SUMMARY_ONE_PAGE_ROWS (many phases, owners or metrics)
# prints one page wide and as tall as it needs: on one page it would be too small to read.
SUMMARY_LIST_MAX = 15
SUMMARY_ONE_PAGE_ROWS = 100
FONT = "Calibri"  # as the template's (XlsxWriter's default); named so no program falls back
HEADER_BLUE = "#1F4E78"
OVERLOAD_RED = "#FF7C80"
TODAY_RED = "#C00000"
REVIEW_PURPLE = "#7030A0"
LINK_BLUE = "#0563C1"
PLANNED_COLOUR = "#5B9BD5"
ACTUAL_COLOUR = "#ED7D31"
EARNED_COLOUR = "#70AD47"
NUMBER_FORMAT = "0.00"
HOURS_FORMAT = "0.0"
METRIC_PERCENT_FORMAT = "0.0%"
DATETIME_FORMAT = "d mmm yyyy hh:mm"
WEEK_FORMAT = "d mmm"
_PX_PER_DEFAULT_COLUMN, _PX_PER_DEFAULT_ROW = 64, 20
MAX_LINKS = 65_530  # hyperlinks Excel keeps on one sheet


def flag_label(flag: str, lang: str) -> str:
    """A flag in the workbook's language (the JSON report keeps the English): the fixed
    ones and the 'blocked by <ID>' and 'slipped N days' patterns come from i18n.WORDS."""
    if lang == "en":
        return flag
    for prefix, key in (("blocked by ", "flag_blocked_by"), ("slipped ", "flag_slipped")):
        if flag.startswith(prefix):
            return i18n.say(key, lang, rest=flag[len(prefix):].removesuffix(" days"))
    key = "flag_" + flag.replace(" ", "_")
    return i18n.word(key, lang) if key in i18n.WORDS else flag


def text_bar(share: float | None) -> str:
    """A progress bar that reads the same in every program: ██████░░░░."""
    if share is None or not math.isfinite(share):
        return ""
    filled = max(0, min(BAR_WIDTH, round(share * BAR_WIDTH)))
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def history_row(status: PlanStatus) -> dict[str, Any]:
    """This as-of date's row of the History sheet, by HISTORY_KEYS."""
    t = status.totals
    return {"as_of": status.as_of, **{k: t[k] for k in HISTORY_KEYS[1:]}}


def merge_history(rows: list[dict[str, Any]],
                  row: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """History rows with `row` put in, by date: it replaces the rows of its date, every other
    row is kept. Returns the rows and whether one was replaced."""
    day = row["as_of"]
    kept = [r for r in rows if _day(r.get("as_of")) != day]
    merged = sorted([*kept, row], key=lambda r: _day(r.get("as_of")) or date.min)
    return merged, len(kept) < len(rows)


def baseline_headers(lang: str) -> list[str]:
    """The Baseline sheet's headers, which the reader finds by these words."""
    return [i18n.word(k, lang) for k in ("id", "milestone", "due", "budget", "recorded")]


def short_date(d: date, lang: str) -> str:
    """'18 Nov 2026' ('18 nov. 2026' in French): for text such as the page footer."""
    return f"{d.day} {i18n.month_year(d, lang)}"


@dataclass
class Context:
    """What the managed sheets are written from: the plan and its status."""

    plan: Plan
    status: PlanStatus

    @property
    def lang(self) -> str:
        return self.plan.language

    def w(self, key: str) -> str:
        return i18n.word(key, self.lang)

    def health(self, h: str) -> str:
        return contract.health_label(h, self.lang)


@dataclass
class ManagedBook:
    """The scratch workbook refresh transplants, and what it recorded."""

    data: bytes  # the xlsx XlsxWriter wrote
    titles: dict[str, str]  # sheet key -> title used, in MANAGED_ORDER
    baseline_added: list[str] = field(default_factory=list)  # IDs recorded for the first time
    history_replaced: bool = False  # History already had a row for this as-of date
    # title -> the long tables' rows, written as XML into the sheet by the transplant
    rows: dict[str, SheetRows] = field(default_factory=dict)

    def complete(self) -> bytes:
        """The scratch workbook with the recorded rows written in: the whole managed
        sheets as one xlsx, for reading them on their own."""
        pkg = Package.open(io.BytesIO(self.data))
        book = WorkbookPart(pkg)
        for title, rows in self.rows.items():
            entry = book.sheet(title)
            if entry is not None and entry.part is not None:
                pkg.put(entry.part, add_rows(pkg.parts[entry.part], rows.cells, rows.links))
        out = io.BytesIO()
        pkg.save(out)
        return out.getvalue()


@dataclass
class SheetRows:
    """Cells and internal links recorded for a sheet instead of written by XlsxWriter,
    which costs ~15 microseconds a cell: the Issues and Baseline of a large plan hold
    100,000 and more. Rows and columns are 1-based; styles are XlsxWriter's cell format
    indexes in the scratch workbook."""

    cells: dict[int, dict[int, tuple[CellValue, int]]] = field(default_factory=dict)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (cell, location, shown)


class _Recorder:
    """Stands in for a Worksheet in the long tables: cells are recorded, not written. The
    first cell of each format is written by XlsxWriter, so that the format is in the
    scratch workbook; its index is known once the workbook is closed (`resolve`)."""

    def __init__(self, ws: Worksheet, rows: SheetRows, date_1904: bool) -> None:
        self.ws, self.rows, self.date_1904 = ws, rows, date_1904
        self.name = ws.name
        self._seen: set[int] = set()
        self._formats: dict[int, Format] = {}

    def _put(self, row: int, col: int, value: CellValue, fmt: Format | None) -> bool:
        if fmt is None:
            key = 0
        else:
            key = id(fmt)
            if key not in self._seen:
                self._seen.add(key)
                self._formats[key] = fmt
                return False
        cells = self.rows.cells.get(row + 1)
        if cells is None:
            cells = self.rows.cells[row + 1] = {}
        cells[col + 1] = (value, key)
        return True

    def resolve(self) -> None:
        """Put the formats' indexes in place of the formats (after the workbook is closed)."""
        index = {key: fmt.xf_index or 0 for key, fmt in self._formats.items()}
        index[0] = 0
        for cells in self.rows.cells.values():
            for col, (value, key) in cells.items():
                cells[col] = (value, index[key])

    def write_string(self, row: int, col: int, value: str, fmt: Format | None = None) -> int:
        if not self._put(row, col, value, fmt):
            return int(self.ws.write_string(row, col, value, fmt))
        return 0

    def write_number(self, row: int, col: int, value: float, fmt: Format | None = None) -> int:
        if not self._put(row, col, float(value), fmt):
            return int(self.ws.write_number(row, col, value, fmt))
        return 0

    def write_boolean(self, row: int, col: int, value: bool, fmt: Format | None = None) -> int:
        if not self._put(row, col, value, fmt):
            return int(self.ws.write_boolean(row, col, value, fmt))
        return 0

    def write_blank(self, row: int, col: int, value: None, fmt: Format | None = None) -> int:
        if fmt is None or not self._put(row, col, None, fmt):
            return int(self.ws.write_blank(row, col, value, fmt))
        return 0

    def write_datetime(self, row: int, col: int, value: date, fmt: Format | None = None) -> int:
        if not self._put(row, col, serial(value, self.date_1904), fmt):
            return int(self.ws.write_datetime(row, col, value, fmt))
        return 0

    def write_url(self, row: int, col: int, location: str, fmt: Format | None = None,
                  string: str | None = None) -> int:
        """An internal link ('internal:Sheet!A1') shown as `string`."""
        shown = string if string is not None else location.removeprefix("internal:")
        if len(self.rows.links) >= MAX_LINKS:  # Excel's limit per sheet: the text alone
            return self.write_string(row, col, shown)
        if not location.startswith("internal:") or not self._put(row, col, shown, fmt):
            return int(self.ws.write_url(row, col, location, fmt, string))
        self.rows.links.append((f"{xl_col_to_name(col)}{row + 1}",
                                location.removeprefix("internal:"), shown))
        return 0


def build_managed_book(ctx: Context, titles: dict[str, str], *,
                       date_1904: bool = False) -> ManagedBook:
    """The managed sheets, in MANAGED_ORDER, as an xlsx in memory.

    titles: key -> title of the existing managed sheet (kept); a key left out gets the
    default title in the plan's language (contract.sheet_title)."""
    used = {key: titles.get(key) or contract.sheet_title(key, ctx.lang) for key in MANAGED_ORDER}
    seen: dict[str, str] = {}
    for key, title in used.items():
        if title.casefold() in seen:
            raise ValueError(f"managed sheets {seen[title.casefold()]!r} and {key!r} both "
                             f"titled {title!r}")
        seen[title.casefold()] = key
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {
        "in_memory": True, "date_1904": date_1904, "strings_to_numbers": False,
        "strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": False})
    book = _Book(ctx, wb)
    sheets = {key: wb.add_worksheet(title) for key, title in used.items()}
    rows = {used[key]: SheetRows() for key in ("timeline", "issues", "baseline")}

    recorders: list[_Recorder] = []

    def recorder(key: str) -> _Recorder:
        recorders.append(_Recorder(sheets[key], rows[used[key]], date_1904))
        return recorders[-1]

    book.summary(sheets["summary"])
    book.budget(sheets["budget"])
    book.workload(sheets["workload"])
    book.timeline(sheets["timeline"], recorder("timeline"))
    book.issues(sheets["issues"], recorder("issues"))
    replaced = book.history(sheets["history"])
    added = book.baseline(sheets["baseline"], recorder("baseline"))
    wb.close()
    for r in recorders:
        r.resolve()
    return ManagedBook(out.getvalue(), used, added, replaced, rows)


# --------------------------------------------------------------------------- formats


class Formats:
    """XlsxWriter formats, each distinct one created once (a workbook holds few)."""

    def __init__(self, wb: xlsxwriter.Workbook, currency: str) -> None:
        self._wb = wb
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}
        self.money_code = contract.money_format(currency)
        self.title = self.get(bold=True, font_size=16, font_color=HEADER_BLUE)
        self.h2 = self.get(bold=True, font_size=12, font_color=HEADER_BLUE)
        self.bold = self.get(bold=True)
        self.header = self.get(bold=True, font_color="#FFFFFF", bg_color=HEADER_BLUE,
                               valign="vcenter")
        self.date = self.get(num_format=contract.DATE_FORMAT)
        self.datetime = self.get(num_format=DATETIME_FORMAT)
        self.money = self.get(num_format=self.money_code)
        self.pct = self.get(num_format=contract.PERCENT_FORMAT)
        self.metric_pct = self.get(num_format=METRIC_PERCENT_FORMAT)
        self.number = self.get(num_format=NUMBER_FORMAT)
        self.hours = self.get(num_format=HOURS_FORMAT)
        self.link = self.get(font_color=LINK_BLUE, underline=1)
        self.overload = self.get(bg_color=OVERLOAD_RED)
        self.health = {h: self.get(bg_color="#" + c,
                                   font_color="#" + contract.HEALTH_FONT.get(h, "000000"))
                       for h, c in contract.HEALTH_COLOURS.items()}
        self.metric = {s: self.get(bg_color="#" + c,
                                   font_color="#FFFFFF" if s == "Achieved" else "#000000")
                       for s, c in contract.METRIC_STATUS_COLOURS.items()}

    def get(self, **props: Any) -> Format:
        """The format with these XlsxWriter properties (and the named font)."""
        key = tuple(sorted(props.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._wb.add_format({"font_name": FONT, **props})
        return fmt


def _width(text: str, size: float = 11, bold: bool = False) -> float:
    """Column width (in Excel's character units) that shows `text` whole."""
    return len(text) * size / 11 * (1.1 if bold else 1.0) + 1.5


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


# Writes a text cell of the Summary and widens its column to show it: (row, col, text, format,
# font size, bold).
_Text = Callable[..., None]
_CELL = re.compile(r"\$?[A-Za-z]{1,3}\$?(\d+)$")


# --------------------------------------------------------------------------- the book


class _Book:
    """Writes each managed sheet of one scratch workbook."""

    def __init__(self, ctx: Context, wb: xlsxwriter.Workbook) -> None:
        self.ctx, self.wb = ctx, wb
        self.lang = ctx.lang
        self.f = Formats(wb, ctx.plan.settings.currency)
        plan = ctx.plan
        name = plan.name if len(plan.name) <= 80 else plan.name[:79] + "…"
        as_of = f"{ctx.w('as_of')} {short_date(ctx.status.as_of, self.lang)}"
        self.footer = (f"&L{_footer_text(name)}&C{_footer_text(as_of)}"
                       f"&R{_footer_text(ctx.w('page'))} &P / &N")
        layout = plan.layouts.get("milestones")
        self._link_sheet = plan.sheet_titles.get("milestones") or (layout.title if layout
                                                                   else None)
        col = (layout.columns.get("id") or layout.columns.get("milestone")) if layout else None
        self._link_col = xl_col_to_name(col - 1) if col else None

    # ----------------------------------------------------------------- helpers

    def put(self, ws: Worksheet, row: int, col: int, value: Any,
            fmt: Format | None = None) -> None:
        """One cell by the value's type; None, "", NaN and infinities are left blank."""
        if value is None or value == "":
            if fmt is not None:
                ws.write_blank(row, col, None, fmt)
        elif isinstance(value, str):
            ws.write_string(row, col, value, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, (int, float)):
            if math.isfinite(value):
                ws.write_number(row, col, value, fmt)
            elif fmt is not None:
                ws.write_blank(row, col, None, fmt)
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, fmt or self.f.datetime)
        elif isinstance(value, date):
            ws.write_datetime(row, col, value, fmt or self.f.date)
        else:
            ws.write_string(row, col, str(value), fmt)

    def header(self, ws: Worksheet, row: int, labels: Iterable[str], col: int = 0) -> None:
        for i, label in enumerate(labels):
            ws.write_string(row, col + i, label, self.f.header)

    def widths(self, ws: Worksheet, sizes: Iterable[float], first: int = 0) -> None:
        for i, size in enumerate(sizes, start=first):
            ws.set_column(i, i, round(size, 1))

    def print_setup(self, ws: Worksheet, *, landscape: bool, repeat: int | None,
                    tall: bool = True) -> None:
        """One page wide (and as tall as needed unless `tall` is False), the rows up to
        `repeat` repeated on every page, the footer."""
        if landscape:
            ws.set_landscape()
        ws.fit_to_pages(1, 0 if tall else 1)
        if repeat is not None:
            ws.repeat_rows(0, repeat)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
        ws.set_footer(self.footer)

    def print_area_with_chart(self, ws: Worksheet, last_row: int, last_col: int,
                              anchor: tuple[int, int], size: tuple[int, int]) -> None:
        """Print the cells and a chart placed beside them (over default-sized cells)."""
        row, col = anchor
        chart_cols = -(-size[0] // _PX_PER_DEFAULT_COLUMN)
        chart_rows = -(-size[1] // _PX_PER_DEFAULT_ROW)
        ws.print_area(0, 0, max(last_row, row + chart_rows), max(last_col, col + chart_cols))

    def milestone_link(self, ws: Worksheet, row: int, col: int, status: MilestoneStatus) -> None:
        """The milestone's ID, linked to its row on the Milestones sheet."""
        m = status.milestone
        if self._link_sheet and self._link_col and m.row:
            location = f"internal:{_quoted(self._link_sheet)}!{self._link_col}{m.row}"
            if ws.write_url(row, col, location, self.f.link, m.id) == 0:
                return
        ws.write_string(row, col, m.id)

    def health_cell(self, ws: Worksheet, row: int, col: int, health: str) -> None:
        ws.write_string(row, col, self.ctx.health(health), self.f.health[health])

    def chart_fonts(self, chart: Any, title: str, category_format: str | None = None) -> None:
        """Title, axes (money on the value axis) and legend, in the named font."""
        font = {"name": FONT, "size": 9}
        chart.set_title({"name": title, "name_font": {"name": FONT, "size": 12, "bold": True}})
        x_axis: dict[str, Any] = {"num_font": font}
        if category_format:
            x_axis["num_format"] = category_format
        chart.set_x_axis(x_axis)
        chart.set_y_axis({"num_font": font, "num_format": self.f.money_code})
        chart.set_legend({"position": "bottom", "font": font})

    def group_name(self, rollup: str, key: str) -> str:
        """A rollup group's name in the plan's language."""
        if key == i18n.word("none", "en"):
            return self.ctx.w("none")
        if rollup == "by_type":
            for label in contract.CHOICES["type"].values:
                if label.en == key:
                    return label(self.lang)
        if rollup == "by_month":
            try:
                return i18n.month_year(date.fromisoformat(key + "-01"), self.lang)
            except ValueError:
                return key
        return key

    def group_header(self, rollup: str) -> str:
        field = rollup.removeprefix("by_")
        if field == "month":
            return self.ctx.w("due_month")
        return contract.column("milestones", field).label(self.lang)

    # ----------------------------------------------------------------- Summary

    def summary(self, ws: Worksheet) -> None:
        ctx, f, status, plan = self.ctx, self.f, self.ctx.status, self.ctx.plan
        w = ctx.w
        t = status.totals
        b = status.budget
        used: dict[int, float] = {}

        def text(row: int, col: int, value: str, fmt: Format | None = None,
                 size: float = 11, bold: bool = False) -> None:
            ws.write_string(row, col, value, fmt)
            used[col] = max(used.get(col, 0), _width(value, size, bold))

        def heading(row: int, value: str, beside: bool = False) -> None:
            """A section title; it spills over the empty cells on its right unless `beside`
            (a value in the next column), so only then does it widen its column."""
            if beside:
                text(row, 0, value, f.h2, 12, True)
            else:
                ws.write_string(row, 0, value, f.h2)

        def head(row: int, labels: list[str]) -> None:
            for i, label in enumerate(labels):
                text(row, i, label, f.header, bold=True)

        ws.write_string(0, 0, plan.name, f.title)
        text(1, 0, w("as_of"), f.bold, bold=True)
        ws.write_datetime(1, 1, status.as_of, f.date)
        rows: list[tuple[str, Any, Format | None]] = [
            (w("milestones"), t["milestones"], None), (w("done"), t["done"], None),
            (w("overdue"), t["overdue"], None), (w("at_risk"), t["at_risk"], None),
            (w("due_soon"), t["due_soon"], None),
            (w("planned"), b.totals.planned, f.money), (w("actual"), b.totals.actual, f.money),
            (w("variance"), b.totals.variance, f.money),
            (w("earned_value"), b.totals.earned_value, f.money),
            (w("planned_value"), b.totals.planned_value, f.money),
            (w("cpi"), b.cpi, f.number), (w("spi"), b.spi, f.number),
            (w("percent_complete"), b.percent_complete, f.pct),
            (w("next_review"), status.review.next_review, f.date),
        ]
        r = 3
        for label, value, fmt in rows:
            text(r, 0, label, f.bold, bold=True)
            self.put(ws, r, 1, value if value is not None else "-", fmt)
            r += 1
        text(r + 1, 0, w("percent_complete"), f.bold, bold=True)
        ws.write_string(r + 1, 1, text_bar(b.percent_complete))
        r += 3

        heading(r, w("health"))
        r += 1
        head(r, [w("health"), w("count")])
        for h, n in status.health_counts().items():
            r += 1
            text(r, 0, ctx.health(h), f.health[h])
            ws.write_number(r, 1, n)
        r += 2

        heading(r, w("budget_chart"))
        r += 1
        chart_top = r
        head(r, [self.group_header("by_phase"), w("planned"), w("actual")])
        for g in b.rollups["by_phase"]:
            r += 1
            text(r, 0, self.group_name("by_phase", g.key))
            self.put(ws, r, 1, g.planned, f.money)
            self.put(ws, r, 2, g.actual, f.money)
        if r > chart_top:  # beside the headline figures
            chart = self.budget_chart(ws.name, chart_top, r)
            chart.set_size({"width": 490, "height": 280})
            ws.insert_chart(2, 3, chart, {"x_offset": 8, "y_offset": 4})
        r += 2

        soon = [s for s in status.milestones if s.is_open and s.milestone.due
                and status.as_of <= s.milestone.due <= status.as_of + timedelta(days=14)]
        soon.sort(key=lambda s: (s.milestone.due, s.milestone.row))
        heading(r, w("next_14"))
        r = self.milestone_rows(ws, r + 1, soon, text) + 2

        overdue = sorted((s for s in status.milestones if s.health == "Overdue"),
                         key=lambda s: (s.milestone.due or date.max, s.milestone.row))
        heading(r, w("overdue"))
        r = self.milestone_rows(ws, r + 1, overdue, text) + 2

        heading(r, w("overloaded"))
        r += 1
        head(r, [w("owner"), w("peak"), w("week"), w("open")])
        over = [o for o in status.workload if o.overloaded]
        for o in over:
            r += 1
            text(r, 0, o.owner)
            self.put(ws, r, 1, o.peak_load, f.get(num_format=contract.PERCENT_FORMAT,
                                                  bg_color=OVERLOAD_RED))
            self.put(ws, r, 2, o.peak_week, f.date)
            ws.write_number(r, 3, o.open)
        if not over:
            r += 1
            text(r, 0, w("none"))
        r += 2

        heading(r, w("metrics"))
        r += 1
        head(r, [w("metrics"), w("progress"), "", w("expected"), w("status"), w("current"),
                 w("target")])
        for m in status.metrics:
            r += 1
            self.metric_row(ws, r, m, text)
        r += 2

        rv = status.review
        heading(r, w("agenda"), beside=True)
        self.put(ws, r, 1, rv.next_review if rv.next_review else "-", f.date)
        r = self.milestone_rows(ws, r + 1, rv.agenda_milestones, text)
        for m in rv.agenda_metrics:
            r += 1
            self.metric_row(ws, r, m, text)
        last_row = r

        floor = [22, 34, 16, 15, 16, 36, 12]
        self.widths(ws, [min(60.0, max(floor[c], used.get(c, 0))) for c in range(7)])
        ws.hide_gridlines(2)
        self.print_setup(ws, landscape=False, repeat=None,
                         tall=last_row > SUMMARY_ONE_PAGE_ROWS)
        ws.center_horizontally()
        ws.print_area(0, 0, last_row, 6)

    def milestone_rows(self, ws: Worksheet, row: int, items: list[MilestoneStatus],
                       text: _Text) -> int:
        """A header and a row per milestone (at most SUMMARY_LIST_MAX, then how many more);
        returns the last row written."""
        w, f = self.ctx.w, self.f
        for i, label in enumerate([w("id"), w("milestone"), w("owner"), w("due"), w("health"),
                                   w("flags")]):
            text(row, i, label, f.header, bold=True)
        for s in items[:SUMMARY_LIST_MAX]:
            row += 1
            m = s.milestone
            self.milestone_link(ws, row, 0, s)
            text(row, 1, m.name)
            text(row, 2, m.owner or "")
            self.put(ws, row, 3, m.due, f.date)
            text(row, 4, self.ctx.health(s.health), f.health[s.health])
            text(row, 5, "; ".join(flag_label(x, self.lang) for x in s.flags))
        if not items:
            row += 1
            text(row, 0, w("none"))
        elif len(items) > SUMMARY_LIST_MAX:
            row += 1
            ws.write_string(row, 0, w("more_rows").format(
                n=len(items) - SUMMARY_LIST_MAX, column=contract.column(
                    "milestones", "health").label(self.lang), sheet=self._link_sheet or
                contract.sheet_title("milestones", self.lang)), f.get(italic=True))
        return row

    def metric_row(self, ws: Worksheet, row: int, m: MetricStatus, text: _Text) -> None:
        f = self.f
        text(row, 0, m.metric.name)
        ws.write_string(row, 1, text_bar(m.progress))
        self.put(ws, row, 2, m.progress, f.pct)
        self.put(ws, row, 3, m.expected, f.pct)
        text(row, 4, contract.metric_status_label(m.status, self.lang), f.metric[m.status])
        fmt = f.metric_pct if m.metric.is_percent else None
        self.put(ws, row, 5, m.current, fmt)
        self.put(ws, row, 6, m.metric.target, fmt)

    def budget_chart(self, sheet: str, header_row: int, last_row: int) -> Any:
        """Planned and actual by phase, from the table whose header is at `header_row`."""
        chart = self.wb.add_chart({"type": "column"})
        for col, colour in ((1, PLANNED_COLOUR), (2, ACTUAL_COLOUR)):
            chart.add_series({
                "name": [sheet, header_row, col],
                "categories": [sheet, header_row + 1, 0, last_row, 0],
                "values": [sheet, header_row + 1, col, last_row, col],
                "fill": {"color": colour}, "border": {"none": True}})
        self.chart_fonts(chart, self.ctx.w("budget_chart"))
        return chart

    # ----------------------------------------------------------------- Budget

    def budget(self, ws: Worksheet) -> None:
        ctx, f, b = self.ctx, self.f, self.ctx.status.budget
        w = ctx.w
        bold_money = f.get(bold=True, num_format=f.money_code)
        bold_number = f.get(bold=True, num_format=NUMBER_FORMAT)
        ws.write_string(0, 0, contract.sheet_title("budget", self.lang), f.title)
        labels = [w("planned"), w("actual"), w("variance"), w("earned_value"),
                  w("planned_value"), w("cpi"), w("spi")]
        self.header(ws, 2, ["", *labels])

        def money_row(r: int, key: str, g: Any, bold: bool = False) -> None:
            ws.write_string(r, 0, key, f.bold if bold else None)
            money, number = (bold_money, bold_number) if bold else (f.money, f.number)
            for c, v in enumerate((g.planned, g.actual, g.variance, g.earned_value,
                                   g.planned_value), start=1):
                self.put(ws, r, c, v, money)
            self.put(ws, r, 6, g.cpi, number)
            self.put(ws, r, 7, g.spi,
                     number)

        money_row(3, w("total"), b.totals, bold=True)
        ws.write_string(4, 0, w("percent_complete"), f.bold)
        self.put(ws, 4, 1, b.percent_complete, f.pct)
        first_width = max(_width(w("percent_complete"), bold=True), 24.0)
        r = 6
        chart_rows = None
        for rollup, groups in b.rollups.items():
            ws.write_string(r, 0, w(rollup), f.h2)  # spills over the empty cells beside
            r += 1
            self.header(ws, r, [self.group_header(rollup), *labels])
            first = r
            for g in groups:
                r += 1
                name = self.group_name(rollup, g.key)
                first_width = max(first_width, _width(name))
                money_row(r, name, g)
            if rollup == "by_phase":
                chart_rows = (first, r)
            r += 2
        money_width = max([14.0, *(_width(lb, bold=True) for lb in labels[:5]),
                           _width(f"{max(abs(b.totals.planned), abs(b.totals.actual)):,.0f}")
                           + 4])
        self.widths(ws, [min(first_width, 50.0)] + [money_width] * 5
                    + [max(8.0, _width(w("cpi"), bold=True))] * 2)
        ws.freeze_panes(3, 0)
        self.print_setup(ws, landscape=True, repeat=2)
        last_row, last_col = r - 2, 7
        if chart_rows and chart_rows[1] > chart_rows[0]:
            size = (600, 300)
            chart = self.budget_chart(ws.name, *chart_rows)
            chart.set_size({"width": size[0], "height": size[1]})
            ws.insert_chart(2, 9, chart)
            self.print_area_with_chart(ws, last_row, last_col, (2, 9), size)

    # ----------------------------------------------------------------- Workload

    def workload(self, ws: Worksheet) -> None:
        ctx, f, status = self.ctx, self.f, self.ctx.status
        w = ctx.w
        threshold = ctx.plan.settings.overload_threshold / 100
        overload_pct = f.get(num_format=contract.PERCENT_FORMAT, bg_color=OVERLOAD_RED)
        week_header = f.get(bold=True, font_color="#FFFFFF", bg_color=HEADER_BLUE,
                            valign="vcenter", num_format=WEEK_FORMAT, align="right")
        ws.write_string(0, 0, contract.sheet_title("workload", self.lang), f.title)
        labels = [w("owner"), w("capacity"), w("open"), w("overdue"), w("due_soon"), w("budget"),
                  w("peak"), w("week"), w("overloaded")]
        self.header(ws, 2, labels)
        yes = w("yes")
        r = 2
        for o in status.workload:
            r += 1
            ws.write_string(r, 0, o.owner)
            self.put(ws, r, 1, o.capacity)
            ws.write_number(r, 2, o.open)
            ws.write_number(r, 3, o.overdue)
            ws.write_number(r, 4, o.due_soon)
            self.put(ws, r, 5, o.budget, f.money)
            self.put(ws, r, 6, o.peak_load, overload_pct if o.overloaded else f.pct)
            self.put(ws, r, 7, o.peak_week, f.date)
            if o.overloaded:
                ws.write_string(r, 8, yes)
        weeks = status.workload[0].weeks if status.workload else []
        for block, key in ((w("hours"), "hours"), (w("load"), "load")):
            r += 2
            ws.write_string(r, 0, block, f.h2)
            r += 1
            ws.write_string(r, 0, w("owner"), f.header)
            for i, wl in enumerate(weeks):
                ws.write_datetime(r, 1 + i, wl.week, week_header)
            for o in status.workload:
                r += 1
                ws.write_string(r, 0, o.owner)
                for i, wl in enumerate(o.weeks):
                    if key == "hours":
                        self.put(ws, r, 1 + i, round(wl.hours, 2), f.hours)
                    else:
                        over = wl.load is not None and wl.load > threshold + 1e-9
                        self.put(ws, r, 1 + i, wl.load, overload_pct if over else f.pct)
        owner_width = max([24.0, *(_width(o.owner) for o in status.workload)])
        columns = max(len(labels) - 1, len(weeks))
        sizes = [max(12.0, _width(labels[i + 1], bold=True) if i + 1 < len(labels) else 0)
                 for i in range(columns)]
        top_budget = max((o.budget for o in status.workload), default=0.0)
        sizes[4] = max(sizes[4], _width(f"{top_budget:,.0f}") + 4)
        self.widths(ws, [min(owner_width, 50.0), *sizes])
        ws.freeze_panes(3, 1)
        self.print_setup(ws, landscape=True, repeat=2)

    # ----------------------------------------------------------------- Timeline

    def timeline(self, ws: Worksheet, rows: Any = None) -> None:
        """The milestones' bars over weeks or months; `rows` takes the milestone rows (a
        recorder, or the sheet itself)."""
        ctx, f, status = self.ctx, self.f, self.ctx.status
        w = ctx.w
        items = [(s, s.milestone.due) for s in status.milestones if s.milestone.due is not None]
        items.sort(key=lambda x: (x[0].start or x[1], x[1], x[0].milestone.row))
        shown = items[:TIMELINE_MAX_ROWS]
        ws.write_string(0, 0, contract.sheet_title("timeline", self.lang), f.title)
        if len(items) > len(shown):
            ws.write_string(0, 2, w("timeline_shown").format(shown=f"{len(shown):,}",
                                                             total=f"{len(items):,}"))
        fixed = [w("id"), w("milestone"), w("owner"), w("start"), w("due"), w("health")]
        self.header(ws, 2, fixed)
        self.widths(ws, [
            max([8.0, *(_width(s.milestone.id) for s, _ in shown)]),
            min(max([24.0, *(_width(s.milestone.name) for s, _ in shown)]), 45.0),
            min(max([14.0, *(_width(s.milestone.owner or "") for s, _ in shown)]), 30.0),
            15, 15, max(_width(ctx.health(h)) for h in contract.HEALTH)])
        c0 = len(fixed)
        ws.freeze_panes(3, c0)
        self.print_setup(ws, landscape=True, repeat=2)
        if not shown:
            return
        first = min([*(s.start or due for s, due in shown), status.as_of])
        last = max([*(due for _, due in shown), status.as_of])
        kind, periods = _periods(first, last)
        ends = [_period_end(kind, p) for p in periods]
        reviews = sorted(status.review.upcoming)
        # Headers are text in the plan's language: a date too wide for its column shows "###".
        small = {"font_size": 9, "bold": True, "font_color": "#FFFFFF", "align": "center",
                 "valign": "vcenter"}
        marks = {"today": f.get(font_size=9, bold=True, font_color=TODAY_RED, align="center"),
                 "review": f.get(font_size=9, bold=True, font_color=REVIEW_PURPLE,
                                 align="center")}
        fills = {"": f.get(bg_color=HEADER_BLUE, **small),
                 "today": f.get(bg_color=TODAY_RED, **small),
                 "review": f.get(bg_color=REVIEW_PURPLE, **small)}
        months = i18n.MONTHS_SHORT["fr" if self.lang == "fr" else "en"]
        for i, (p, end) in enumerate(zip(periods, ends, strict=True)):
            col = c0 + i
            mark = ""
            if p <= status.as_of <= end:
                mark = "today"
                ws.write_string(1, col, w("today"), marks["today"])
            elif any(p <= d <= end for d in reviews):
                mark = "review"
                ws.write_string(1, col, "R", marks["review"])
            label = (f"{p.day} {months[p.month - 1]}" if kind == "week"
                     else i18n.month_year(p, self.lang))
            ws.write_string(2, col, label, fills[mark])
        widest = ([f"30 {m}" for m in months] if kind == "week"
                  else [i18n.month_year(date(2000, m, 1), self.lang) for m in range(1, 13)])
        ws.set_column(c0, c0 + len(periods) - 1, round(max(_width(x, 9, True) for x in widest), 1))
        bar = {h: f.get(bg_color="#" + c) for h, c in contract.HEALTH_COLOURS.items()}
        out = rows if rows is not None else ws
        for r, (s, due) in enumerate(shown, start=3):
            m = s.milestone
            self.milestone_link(out, r, 0, s)
            out.write_string(r, 1, m.name)
            if m.owner:
                out.write_string(r, 2, m.owner)
            self.put(out, r, 3, s.start, f.date)
            out.write_datetime(r, 4, due, f.date)
            self.health_cell(out, r, 5, s.health)
            fill = bar[s.health]
            # the periods that overlap [start, due]
            for i in range(bisect_left(ends, s.start or due), bisect_right(periods, due)):
                out.write_blank(r, c0 + i, None, fill)
        ws.write_string(len(shown) + 4, 0, f"R = {w('review')}; {w('today')} = "
                        f"{short_date(status.as_of, self.lang)}")

    # ----------------------------------------------------------------- Issues

    def issues(self, ws: Worksheet, rows: Any = None) -> None:
        """One row per issue; `rows` takes them (a recorder, or the sheet itself)."""
        ctx, f, plan = self.ctx, self.f, self.ctx.plan
        sheet, ws = ws, rows if rows is not None else ws
        w = ctx.w
        labels = [w("severity"), w("sheet"), w("cell"), w("id"), w("milestone"), w("field"),
                  w("value"), w("message")]
        self.header(ws, 0, labels)
        order = {"error": 0, "warning": 1, "info": 2}
        issues = sorted(plan.issues, key=lambda i: order.get(i.severity, 3))
        severity = {s: (w(s), fmt) for s, fmt in (
            ("error", f.overload), ("warning", f.health["Due soon"]), ("info", None))}
        milestone_sheet = plan.sheet_titles.get("milestones")
        by_row = {m.row: m for m in plan.milestones}
        sheet_keys = {title: key for key, title in plan.sheet_titles.items()}
        field_labels: dict[tuple[str, str], str] = {}
        longest = ""
        for r, i in enumerate(issues, start=1):
            label, fmt = severity.get(i.severity, (i.severity, None))
            ws.write_string(r, 0, label, fmt)
            ws.write_string(r, 1, i.sheet)
            if i.cell:
                location = f"internal:{_quoted(i.sheet)}!{i.cell}"
                if ws.write_url(r, 2, location, f.link, i.cell) != 0:
                    ws.write_string(r, 2, i.cell)
                if i.sheet == milestone_sheet and (cell := _CELL.match(i.cell)):
                    m = by_row.get(int(cell[1]))
                    if m is not None:
                        ws.write_string(r, 3, m.id)
                        ws.write_string(r, 4, m.name)
                        longest = max(longest, m.name, key=len)
            if i.field:
                key = (i.sheet, i.field)
                if key not in field_labels:
                    field_labels[key] = contract.field_label(
                        sheet_keys.get(i.sheet) or contract.find_sheet_key(i.sheet), i.field,
                        self.lang)
                ws.write_string(r, 5, field_labels[key])
            self.put(ws, r, 6, i.value)
            ws.write_string(r, 7, i.message)
        if not issues:
            ws.write_string(1, 0, w("no_issues"))
        ws = sheet
        self.widths(ws, [max(_width(lb, bold=True) for lb in (labels[0], *(
            s for s, _ in severity.values()))) + 1,
            max(16.0, *(_width(t) for t in plan.sheet_titles.values())), 9, 10,
            min(45.0, max(24.0, _width(longest))),
            max([16.0, *(_width(x) for x in field_labels.values())]), 22, 90])
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(1, len(issues)), len(labels) - 1)
        self.print_setup(ws, landscape=True, repeat=0)

    # ----------------------------------------------------------------- History

    def history(self, ws: Worksheet) -> bool:
        """Previous rows with this as-of date's row put in (replacing one of the same date),
        by date. Returns whether a row was replaced."""
        ctx, f = self.ctx, self.f
        w = ctx.w
        rows, replaced = merge_history(ctx.plan.history, history_row(ctx.status))
        labels = [w(k) for k in HISTORY_KEYS]
        self.header(ws, 0, labels)
        fmts = {"as_of": f.date, "planned": f.money, "actual": f.money,
                "earned_value": f.money, "planned_value": f.money, "percent_complete": f.pct,
                "cpi": f.number, "spi": f.number}
        for r, values in enumerate(rows, start=1):
            for c, key in enumerate(HISTORY_KEYS):
                value = values.get(key)
                if key == "as_of":
                    value = _day(value) or value
                self.put(ws, r, c, value, fmts.get(key))
        self.widths(ws, [max(13.0, _width(lb, bold=True)) for lb in labels])
        ws.freeze_panes(1, 1)
        self.print_setup(ws, landscape=True, repeat=0)
        chart = self.wb.add_chart({"type": "line"})
        for key, colour in (("actual", ACTUAL_COLOUR), ("earned_value", EARNED_COLOUR),
                            ("planned_value", PLANNED_COLOUR)):
            col = HISTORY_KEYS.index(key)
            chart.add_series({
                "name": [ws.name, 0, col], "categories": [ws.name, 1, 0, len(rows), 0],
                "values": [ws.name, 1, col, len(rows), col],
                "line": {"color": colour, "width": 2.25},
                "marker": {"type": "circle", "size": 5, "fill": {"color": colour},
                           "border": {"color": colour}}})
        self.chart_fonts(chart, w("trend"), category_format=contract.DATE_FORMAT)
        size = (680, 300)
        chart.set_size({"width": size[0], "height": size[1]})
        anchor = (len(rows) + 2, 1)  # below the table, which grows a row per refresh
        ws.insert_chart(*anchor, chart)
        self.print_area_with_chart(ws, len(rows), len(HISTORY_KEYS) - 1, anchor, size)
        return replaced

    # ----------------------------------------------------------------- Baseline

    def baseline(self, ws: Worksheet, rows: Any = None) -> list[str]:
        """The entries recorded before, in their order, then the milestones not yet recorded
        (Due, Budget, this as-of date). Returns the IDs recorded now. `rows` takes the
        entries (a recorder, or the sheet itself)."""
        ctx, f = self.ctx, self.f
        sheet, ws = ws, rows if rows is not None else ws
        as_of = ctx.status.as_of
        labels = baseline_headers(self.lang)
        self.header(ws, 0, labels)
        r = 0
        longest = ""
        for entry in ctx.plan.baseline.values():
            r += 1
            ws.write_string(r, 0, entry.id)
            if entry.name:
                ws.write_string(r, 1, entry.name)
                longest = max(longest, entry.name, key=len)
            self.put(ws, r, 2, entry.due, f.date)
            self.put(ws, r, 3, entry.budget, f.money)
            self.put(ws, r, 4, entry.recorded, f.date)
        known = set(ctx.plan.baseline)
        added = []
        for s in ctx.status.milestones:
            m = s.milestone
            if not m.id or m.id.casefold() in known:
                continue
            known.add(m.id.casefold())
            r += 1
            ws.write_string(r, 0, m.id)
            ws.write_string(r, 1, m.name)
            longest = max(longest, m.name, key=len)
            self.put(ws, r, 2, m.due, f.date)
            self.put(ws, r, 3, m.budget, f.money)
            ws.write_datetime(r, 4, as_of, f.date)
            added.append(m.id)
        ws = sheet
        self.widths(ws, [12, min(45.0, max(30.0, _width(longest))), 14, 14,
                         max(14.0, _width(labels[4], bold=True))])
        ws.freeze_panes(1, 0)
        self.print_setup(ws, landscape=False, repeat=0)
        return added


# --------------------------------------------------------------------------- helpers


def _footer_text(text: str) -> str:
    """Text for a page header/footer section: '&' starts a code there."""
    return text.replace("&", "&&")


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


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
    while date(y, m, 1) <= last and len(out) < TIMELINE_MAX_MONTHS:
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return "month", out


def _period_end(kind: str, p: date) -> date:
    if kind == "week":
        return p + timedelta(days=6)
    nxt = date(p.year + (p.month == 12), p.month % 12 + 1, 1)
    return nxt - timedelta(days=1)

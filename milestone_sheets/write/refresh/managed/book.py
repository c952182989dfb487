"""What every managed sheet is written with: the plan's words (Context), the formats, and the
Book, which holds the scratch workbook and writes cells, links and the page setup the same
way on every sheet."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from milestone_sheets import contract, i18n
from milestone_sheets.contract.vocab import Health
from milestone_sheets.model import Plan, WorkbookLayout
from milestone_sheets.rules.evaluation import PlanStatus
from milestone_sheets.rules.health import MilestoneStatus

FONT = "Calibri"  # as the template's (XlsxWriter's default); named so no program falls back
HEADER_BLUE = "#" + contract.HEADER_BLUE
OVERLOAD_RED = "#" + contract.OVERLOAD_RED
LINK_BLUE = "#" + contract.LINK_BLUE
PLANNED_COLOUR = "#" + contract.PLANNED_BLUE
ACTUAL_COLOUR = "#" + contract.ACTUAL_ORANGE
EARNED_COLOUR = "#" + contract.EARNED_GREEN
WHITE = "#" + contract.WHITE
NUMBER_FORMAT = "0.00"
HOURS_FORMAT = "0.0"
METRIC_FRACTION_FORMAT = "0.0%"  # a % metric msheets has read as a fraction
DATETIME_FORMAT = "d mmm yyyy hh:mm"
_PX_PER_DEFAULT_COLUMN, _PX_PER_DEFAULT_ROW = 64, 20


def short_date(d: date, lang: str) -> str:
    """'18 Nov 2026' ('18 nov. 2026' in French): for text such as the page footer."""
    return f"{d.day} {i18n.month_year(d, lang)}"


def text_width(text: str, size: float = 11, bold: bool = False) -> float:
    """Column width (in Excel's character units) that shows `text` whole."""
    return len(text) * size / 11 * (1.1 if bold else 1.0) + 1.5


def quote_title(title: str) -> str:
    """A sheet title as a cell reference names it: 'It''s'."""
    return "'" + title.replace("'", "''") + "'"


def set_widths(ws: Worksheet, sizes: Iterable[float], first: int = 0) -> None:
    """The widths of the columns from `first` on."""
    for i, size in enumerate(sizes, start=first):
        ws.set_column(i, i, round(size, 1))


def print_area_with_chart(ws: Worksheet, last_row: int, last_col: int,
                          anchor: tuple[int, int], size: tuple[int, int]) -> None:
    """Print the cells and a chart placed beside them (over default-sized cells)."""
    row, col = anchor
    chart_cols = -(-size[0] // _PX_PER_DEFAULT_COLUMN)
    chart_rows = -(-size[1] // _PX_PER_DEFAULT_ROW)
    ws.print_area(0, 0, max(last_row, row + chart_rows), max(last_col, col + chart_cols))


def _footer_text(text: str) -> str:
    """Text for a page header/footer section: '&' starts a code there."""
    return text.replace("&", "&&")


@dataclass
class Context:
    """What the managed sheets are written from: the plan, its status and where its tables
    are in the workbook (for links to them and for sheet names)."""

    plan: Plan
    status: PlanStatus
    layout: WorkbookLayout

    @property
    def lang(self) -> str:
        return self.plan.language

    def w(self, key: str) -> str:
        return i18n.word(key, self.lang)

    def health(self, h: Health) -> str:
        return h.label(self.lang)


class Formats:
    """XlsxWriter formats, each distinct one created once (a workbook holds few)."""

    def __init__(self, wb: xlsxwriter.Workbook, currency: str) -> None:
        self._wb = wb
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}
        self.money_code = contract.money_format(currency)
        self.title = self.get(bold=True, font_size=16, font_color=HEADER_BLUE)
        self.h2 = self.get(bold=True, font_size=12, font_color=HEADER_BLUE)
        self.bold = self.get(bold=True)
        self.header = self.get(bold=True, font_color=WHITE, bg_color=HEADER_BLUE,
                               valign="vcenter")
        self.date = self.get(num_format=contract.DATE_FORMAT)
        self.datetime = self.get(num_format=DATETIME_FORMAT)
        self.money = self.get(num_format=self.money_code)
        self.pct = self.get(num_format=contract.PERCENT_FORMAT)
        self.metric_pct = self.get(num_format=METRIC_FRACTION_FORMAT)
        self.number = self.get(num_format=NUMBER_FORMAT)
        self.hours = self.get(num_format=HOURS_FORMAT)
        self.link = self.get(font_color=LINK_BLUE, underline=1)
        self.overload = self.get(bg_color=OVERLOAD_RED)
        self.health = {h: self.get(bg_color="#" + c,
                                   font_color="#" + contract.HEALTH_FONT.get(h, contract.BLACK))
                       for h, c in contract.HEALTH_COLOURS.items()}
        self.metric = {s: self.get(bg_color="#" + c,
                                   font_color="#" + contract.METRIC_STATUS_FONT.get(
                                       s, contract.BLACK))
                       for s, c in contract.METRIC_STATUS_COLOURS.items()}

    def get(self, **props: Any) -> Format:
        """The format with these XlsxWriter properties (and the named font)."""
        key = tuple(sorted(props.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._wb.add_format({"font_name": FONT, **props})
        return fmt


class Book:
    """One scratch workbook being written: its formats, the page footer and the milestones'
    link target that every sheet shares, and the cell helpers that use them.

    The helpers take the sheet to write to: a Worksheet, or a recorder standing in for one
    (see recorder.py)."""

    def __init__(self, ctx: Context, wb: xlsxwriter.Workbook) -> None:
        self.ctx, self.wb = ctx, wb
        self.lang = ctx.lang
        self.f = Formats(wb, ctx.plan.settings.currency)
        plan = ctx.plan
        name = plan.name if len(plan.name) <= 80 else plan.name[:79] + "…"
        as_of = f"{ctx.w('as_of')} {short_date(ctx.status.as_of, self.lang)}"
        self.footer = (f"&L{_footer_text(name)}&C{_footer_text(as_of)}"
                       f"&R{_footer_text(ctx.w('page'))} &P / &N")
        layout = ctx.layout.sheets.get("milestones")
        # the Milestones sheet and the column (ID, else name) a milestone's link goes to
        self.link_sheet = ctx.layout.titles.get("milestones") or (layout.title if layout
                                                                  else None)
        col = (layout.columns.get("id") or layout.columns.get("milestone")) if layout else None
        self.link_col = xl_col_to_name(col - 1) if col else None

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

    def milestone_link(self, ws: Worksheet, row: int, col: int, status: MilestoneStatus) -> None:
        """The milestone's ID, linked to its row on the Milestones sheet."""
        m = status.milestone
        if self.link_sheet and self.link_col and m.row:
            location = f"internal:{quote_title(self.link_sheet)}!{self.link_col}{m.row}"
            if ws.write_url(row, col, location, self.f.link, m.id) == 0:
                return
        ws.write_string(row, col, m.id)

    def health_cell(self, ws: Worksheet, row: int, col: int, health: Health) -> None:
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

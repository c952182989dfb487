"""The Budget sheet: the totals, then each rollup's groups (phase, type, ...), and a chart of
planned and actual by phase, which the Summary shows too."""

from __future__ import annotations

from typing import Any

from xlsxwriter.worksheet import Worksheet

from milestone_sheets import contract
from milestone_sheets.write.refresh.managed.book import (
    ACTUAL_COLOUR,
    NUMBER_FORMAT,
    PLANNED_COLOUR,
    Book,
    print_area_with_chart,
    set_widths,
    text_width,
)


def group_header(book: Book, rollup: str) -> str:
    """The header of a rollup's first column: the field it groups by."""
    field = rollup.removeprefix("by_")
    if field == "month":
        return book.ctx.w("due_month")
    return contract.column("milestones", field).label(book.lang)


def budget_chart(book: Book, sheet: str, header_row: int, last_row: int) -> Any:
    """Planned and actual by phase, from the table whose header is at `header_row`."""
    chart = book.wb.add_chart({"type": "column"})
    for col, colour in ((1, PLANNED_COLOUR), (2, ACTUAL_COLOUR)):
        chart.add_series({
            "name": [sheet, header_row, col],
            "categories": [sheet, header_row + 1, 0, last_row, 0],
            "values": [sheet, header_row + 1, col, last_row, col],
            "fill": {"color": colour}, "border": {"none": True}})
    book.chart_fonts(chart, book.ctx.w("budget_chart"))
    return chart


def write_budget(book: Book, ws: Worksheet) -> None:
    ctx, f, b = book.ctx, book.f, book.ctx.status.budget
    w = ctx.w
    bold_money = f.get(bold=True, num_format=f.money_code)
    bold_number = f.get(bold=True, num_format=NUMBER_FORMAT)
    ws.write_string(0, 0, contract.sheet_title("budget", book.lang), f.title)
    labels = [w("planned"), w("actual"), w("variance"), w("earned_value"),
              w("planned_value"), w("cpi"), w("spi")]
    book.header(ws, 2, ["", *labels])

    def money_row(r: int, key: str, g: Any, bold: bool = False) -> None:
        ws.write_string(r, 0, key, f.bold if bold else None)
        money, number = (bold_money, bold_number) if bold else (f.money, f.number)
        for c, v in enumerate((g.planned, g.actual, g.variance, g.earned_value,
                               g.planned_value), start=1):
            book.put(ws, r, c, v, money)
        book.put(ws, r, 6, g.cpi, number)
        book.put(ws, r, 7, g.spi, number)

    money_row(3, w("total"), b.totals, bold=True)
    ws.write_string(4, 0, w("percent_complete"), f.bold)
    book.put(ws, 4, 1, b.percent_complete, f.pct)
    first_width = max(text_width(w("percent_complete"), bold=True), 24.0)
    r = 6
    chart_rows = None
    for rollup, groups in b.rollups.items():
        ws.write_string(r, 0, w(rollup), f.h2)  # spills over the empty cells beside
        r += 1
        book.header(ws, r, [group_header(book, rollup), *labels])
        first = r
        for g in groups:
            r += 1
            name = contract.group_label(rollup, g.key, book.lang)
            first_width = max(first_width, text_width(name))
            money_row(r, name, g)
        if rollup == "by_phase":
            chart_rows = (first, r)
        r += 2
    money_width = max([14.0, *(text_width(lb, bold=True) for lb in labels[:5]),
                       text_width(f"{max(abs(b.totals.planned), abs(b.totals.actual)):,.0f}")
                       + 4])
    set_widths(ws, [min(first_width, 50.0)] + [money_width] * 5
               + [max(8.0, text_width(w("cpi"), bold=True))] * 2)
    ws.freeze_panes(3, 0)
    book.print_setup(ws, landscape=True, repeat=2)
    last_row, last_col = r - 2, 7
    if chart_rows and chart_rows[1] > chart_rows[0]:
        size = (600, 300)
        chart = budget_chart(book, ws.name, *chart_rows)
        chart.set_size({"width": size[0], "height": size[1]})
        ws.insert_chart(2, 9, chart)
        print_area_with_chart(ws, last_row, last_col, (2, 9), size)

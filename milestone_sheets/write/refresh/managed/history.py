"""The History sheet: a row of totals per as-of date, one added (or replaced) by each
refresh, and a chart of their trend."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from xlsxwriter.worksheet import Worksheet

from milestone_sheets import contract
from milestone_sheets.model import HISTORY_KEYS
from milestone_sheets.rules.evaluation import PlanStatus
from milestone_sheets.write.refresh.managed.book import (
    ACTUAL_COLOUR,
    EARNED_COLOUR,
    PLANNED_COLOUR,
    Book,
    print_area_with_chart,
    set_widths,
    text_width,
)


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


def write_history(book: Book, ws: Worksheet) -> bool:
    """Previous rows with this as-of date's row put in (replacing one of the same date),
    by date. Returns whether a row was replaced."""
    ctx, f = book.ctx, book.f
    w = ctx.w
    rows, replaced = merge_history(ctx.plan.history, history_row(ctx.status))
    labels = [w(k) for k in HISTORY_KEYS]
    book.header(ws, 0, labels)
    fmts = {"as_of": f.date, "planned": f.money, "actual": f.money,
            "earned_value": f.money, "planned_value": f.money, "percent_complete": f.pct,
            "cpi": f.number, "spi": f.number}
    for r, values in enumerate(rows, start=1):
        for c, key in enumerate(HISTORY_KEYS):
            value = values.get(key)
            if key == "as_of":
                value = _day(value) or value
            book.put(ws, r, c, value, fmts.get(key))
    set_widths(ws, [max(13.0, text_width(lb, bold=True)) for lb in labels])
    ws.freeze_panes(1, 1)
    book.print_setup(ws, landscape=True, repeat=0)
    chart = book.wb.add_chart({"type": "line"})
    for key, colour in (("actual", ACTUAL_COLOUR), ("earned_value", EARNED_COLOUR),
                        ("planned_value", PLANNED_COLOUR)):
        col = HISTORY_KEYS.index(key)
        chart.add_series({
            "name": [ws.name, 0, col], "categories": [ws.name, 1, 0, len(rows), 0],
            "values": [ws.name, 1, col, len(rows), col],
            "line": {"color": colour, "width": 2.25},
            "marker": {"type": "circle", "size": 5, "fill": {"color": colour},
                       "border": {"color": colour}}})
    book.chart_fonts(chart, w("trend"), category_format=contract.DATE_FORMAT)
    size = (680, 300)
    chart.set_size({"width": size[0], "height": size[1]})
    anchor = (len(rows) + 2, 1)  # below the table, which grows a row per refresh
    ws.insert_chart(*anchor, chart)
    print_area_with_chart(ws, len(rows), len(HISTORY_KEYS) - 1, anchor, size)
    return replaced


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None

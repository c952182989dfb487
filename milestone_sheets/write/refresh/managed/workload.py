"""The Workload sheet: each owner's capacity, open work, budget and peak load, then their
hours and load week by week (loads over the threshold in red)."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from milestone_sheets import contract
from milestone_sheets.write.refresh.managed.book import (
    HEADER_BLUE,
    OVERLOAD_RED,
    WHITE,
    Book,
    set_widths,
    text_width,
)

WEEK_FORMAT = "d mmm"


def write_workload(book: Book, ws: Worksheet) -> None:
    ctx, f, status = book.ctx, book.f, book.ctx.status
    w = ctx.w
    overload_pct = f.get(num_format=contract.PERCENT_FORMAT, bg_color=OVERLOAD_RED)
    week_header = f.get(bold=True, font_color=WHITE, bg_color=HEADER_BLUE,
                        valign="vcenter", num_format=WEEK_FORMAT, align="right")
    ws.write_string(0, 0, contract.sheet_title("workload", book.lang), f.title)
    labels = [w("owner"), w("capacity"), w("open"), w("overdue"), w("due_soon"), w("budget"),
              w("peak"), w("week"), w("overloaded")]
    book.header(ws, 2, labels)
    yes = w("yes")
    r = 2
    for o in status.workload:
        r += 1
        ws.write_string(r, 0, o.owner)
        book.put(ws, r, 1, o.capacity)
        ws.write_number(r, 2, o.open)
        ws.write_number(r, 3, o.overdue)
        ws.write_number(r, 4, o.due_soon)
        book.put(ws, r, 5, o.budget, f.money)
        book.put(ws, r, 6, o.peak_load, overload_pct if o.overloaded else f.pct)
        book.put(ws, r, 7, o.peak_week, f.date)
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
                    book.put(ws, r, 1 + i, round(wl.hours, 2), f.hours)
                else:
                    book.put(ws, r, 1 + i, wl.load, overload_pct if wl.overloaded else f.pct)
    owner_width = max([24.0, *(text_width(o.owner) for o in status.workload)])
    columns = max(len(labels) - 1, len(weeks))
    sizes = [max(12.0, text_width(labels[i + 1], bold=True) if i + 1 < len(labels) else 0)
             for i in range(columns)]
    top_budget = max((o.budget for o in status.workload), default=0.0)
    sizes[4] = max(sizes[4], text_width(f"{top_budget:,.0f}") + 4)
    set_widths(ws, [min(owner_width, 50.0), *sizes])
    ws.freeze_panes(3, 1)
    book.print_setup(ws, landscape=True, repeat=2)

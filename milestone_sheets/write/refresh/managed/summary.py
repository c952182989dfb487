"""The Summary sheet: the headline figures, health, budget by phase (with its chart), the
milestones due in the next 14 days and overdue, overloaded owners, metrics and the next
review's agenda, on one printed page."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from milestone_sheets import contract
from milestone_sheets.contract.vocab import Health
from milestone_sheets.rules.health import MilestoneStatus
from milestone_sheets.rules.metrics import MetricStatus
from milestone_sheets.write.refresh.managed.book import (
    OVERLOAD_RED,
    Book,
    set_widths,
    text_width,
)
from milestone_sheets.write.refresh.managed.budget import budget_chart, group_header

BAR_WIDTH = 10
# The Summary's lists of milestones show this many (then say how many more): the Summary
# prints on one page. One longer than SUMMARY_ONE_PAGE_ROWS (many phases, owners or metrics)
# prints one page wide and as tall as it needs: on one page it would be too small to read.
SUMMARY_LIST_MAX = 15
SUMMARY_ONE_PAGE_ROWS = 100

# Writes a text cell of the Summary and widens its column to show it: (row, col, text, format,
# font size, bold).
_Text = Callable[..., None]


def text_bar(share: float | None) -> str:
    """A progress bar that reads the same in every program: ██████░░░░."""
    if share is None or not math.isfinite(share):
        return ""
    filled = max(0, min(BAR_WIDTH, round(share * BAR_WIDTH)))
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def write_summary(book: Book, ws: Worksheet) -> None:
    ctx, f, status, plan = book.ctx, book.f, book.ctx.status, book.ctx.plan
    w = ctx.w
    t = status.totals
    b = status.budget
    used: dict[int, float] = {}

    def text(row: int, col: int, value: str, fmt: Format | None = None,
             size: float = 11, bold: bool = False) -> None:
        ws.write_string(row, col, value, fmt)
        used[col] = max(used.get(col, 0), text_width(value, size, bold))

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
        book.put(ws, r, 1, value if value is not None else "-", fmt)
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
    head(r, [group_header(book, "by_phase"), w("planned"), w("actual")])
    for g in b.rollups["by_phase"]:
        r += 1
        text(r, 0, contract.group_label("by_phase", g.key, book.lang))
        book.put(ws, r, 1, g.planned, f.money)
        book.put(ws, r, 2, g.actual, f.money)
    if r > chart_top:  # beside the headline figures
        chart = budget_chart(book, ws.name, chart_top, r)
        chart.set_size({"width": 490, "height": 280})
        ws.insert_chart(2, 3, chart, {"x_offset": 8, "y_offset": 4})
    r += 2

    heading(r, w("next_14"))
    r = _milestone_rows(book, ws, r + 1, status.due_next(), text) + 2

    overdue = sorted((s for s in status.milestones if s.health == Health.OVERDUE),
                     key=lambda s: (s.milestone.due or date.max, s.milestone.row))
    heading(r, w("overdue"))
    r = _milestone_rows(book, ws, r + 1, overdue, text) + 2

    heading(r, w("overloaded"))
    r += 1
    head(r, [w("owner"), w("peak"), w("week"), w("open")])
    over = [o for o in status.workload if o.overloaded]
    for o in over:
        r += 1
        text(r, 0, o.owner)
        book.put(ws, r, 1, o.peak_load, f.get(num_format=contract.PERCENT_FORMAT,
                                              bg_color=OVERLOAD_RED))
        book.put(ws, r, 2, o.peak_week, f.date)
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
        _metric_row(book, ws, r, m, text)
    r += 2

    rv = status.review
    heading(r, w("agenda"), beside=True)
    book.put(ws, r, 1, rv.next_review if rv.next_review else "-", f.date)
    r = _milestone_rows(book, ws, r + 1, rv.agenda_milestones, text)
    for m in rv.agenda_metrics:
        r += 1
        _metric_row(book, ws, r, m, text)
    last_row = r

    floor = [22, 34, 16, 15, 16, 36, 12]
    set_widths(ws, [min(60.0, max(floor[c], used.get(c, 0))) for c in range(7)])
    ws.hide_gridlines(2)
    book.print_setup(ws, landscape=False, repeat=None, tall=last_row > SUMMARY_ONE_PAGE_ROWS)
    ws.center_horizontally()
    ws.print_area(0, 0, last_row, 6)


def _milestone_rows(book: Book, ws: Worksheet, row: int, items: list[MilestoneStatus],
                    text: _Text) -> int:
    """A header and a row per milestone (at most SUMMARY_LIST_MAX, then how many more);
    returns the last row written."""
    w, f, lang = book.ctx.w, book.f, book.lang
    for i, label in enumerate([w("id"), w("milestone"), w("owner"), w("due"), w("health"),
                               w("flags")]):
        text(row, i, label, f.header, bold=True)
    for s in items[:SUMMARY_LIST_MAX]:
        row += 1
        m = s.milestone
        book.milestone_link(ws, row, 0, s)
        text(row, 1, m.name)
        text(row, 2, m.owner or "")
        book.put(ws, row, 3, m.due, f.date)
        text(row, 4, book.ctx.health(s.health), f.health[s.health])
        text(row, 5, "; ".join(x.label(lang) for x in s.flags))
    if not items:
        row += 1
        text(row, 0, w("none"))
    elif len(items) > SUMMARY_LIST_MAX:
        row += 1
        ws.write_string(row, 0, w("more_rows").format(
            n=len(items) - SUMMARY_LIST_MAX, column=contract.column(
                "milestones", "health").label(lang), sheet=book.link_sheet or
            contract.sheet_title("milestones", lang)), f.get(italic=True))
    return row


def _metric_row(book: Book, ws: Worksheet, row: int, m: MetricStatus, text: _Text) -> None:
    f = book.f
    text(row, 0, m.metric.name)
    ws.write_string(row, 1, text_bar(m.progress))
    book.put(ws, row, 2, m.progress, f.pct)
    book.put(ws, row, 3, m.expected, f.pct)
    text(row, 4, m.status.label(book.lang), f.metric[m.status])
    fmt = f.metric_pct if m.metric.is_percent else None
    book.put(ws, row, 5, m.current, fmt)
    book.put(ws, row, 6, m.metric.target, fmt)

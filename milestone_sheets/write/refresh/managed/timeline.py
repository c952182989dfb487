"""The Timeline sheet: each milestone's bar over weeks, or months for a longer plan, with
today and the coming reviews marked."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from typing import Any

from xlsxwriter.worksheet import Worksheet

from milestone_sheets import contract, i18n
from milestone_sheets.contract.vocab import Health
from milestone_sheets.write.refresh.managed.book import (
    HEADER_BLUE,
    WHITE,
    Book,
    set_widths,
    short_date,
    text_width,
)

TIMELINE_MAX_ROWS = 1000
TIMELINE_MAX_WEEKS = 26
TIMELINE_MAX_MONTHS = 120
TODAY_RED = "#" + contract.TODAY_RED
REVIEW_PURPLE = "#" + contract.REVIEW_PURPLE


def write_timeline(book: Book, ws: Worksheet, rows: Any = None) -> None:
    """The milestones' bars over weeks or months; `rows` takes the milestone rows (a
    recorder, or the sheet itself)."""
    ctx, f, status = book.ctx, book.f, book.ctx.status
    w = ctx.w
    items = [(s, s.milestone.due) for s in status.milestones if s.milestone.due is not None]
    items.sort(key=lambda x: (x[0].start or x[1], x[1], x[0].milestone.row))
    shown = items[:TIMELINE_MAX_ROWS]
    ws.write_string(0, 0, contract.sheet_title("timeline", book.lang), f.title)
    if len(items) > len(shown):
        ws.write_string(0, 2, w("timeline_shown").format(shown=f"{len(shown):,}",
                                                         total=f"{len(items):,}"))
    fixed = [w("id"), w("milestone"), w("owner"), w("start"), w("due"), w("health")]
    book.header(ws, 2, fixed)
    set_widths(ws, [
        max([8.0, *(text_width(s.milestone.id) for s, _ in shown)]),
        min(max([24.0, *(text_width(s.milestone.name) for s, _ in shown)]), 45.0),
        min(max([14.0, *(text_width(s.milestone.owner or "") for s, _ in shown)]), 30.0),
        15, 15, max(text_width(ctx.health(h)) for h in Health)])
    c0 = len(fixed)
    ws.freeze_panes(3, c0)
    book.print_setup(ws, landscape=True, repeat=2)
    if not shown:
        return
    first = min([*(s.start or due for s, due in shown), status.as_of])
    last = max([*(due for _, due in shown), status.as_of])
    kind, periods = _periods(first, last)
    ends = [_period_end(kind, p) for p in periods]
    reviews = sorted(status.review.upcoming)
    # Headers are text in the plan's language: a date too wide for its column shows "###".
    small = {"font_size": 9, "bold": True, "font_color": WHITE, "align": "center",
             "valign": "vcenter"}
    marks = {"today": f.get(font_size=9, bold=True, font_color=TODAY_RED, align="center"),
             "review": f.get(font_size=9, bold=True, font_color=REVIEW_PURPLE,
                             align="center")}
    fills = {"": f.get(bg_color=HEADER_BLUE, **small),
             "today": f.get(bg_color=TODAY_RED, **small),
             "review": f.get(bg_color=REVIEW_PURPLE, **small)}
    months = i18n.MONTHS_SHORT["fr" if book.lang == "fr" else "en"]
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
                 else i18n.month_year(p, book.lang))
        ws.write_string(2, col, label, fills[mark])
    widest = ([f"30 {m}" for m in months] if kind == "week"
              else [i18n.month_year(date(2000, m, 1), book.lang) for m in range(1, 13)])
    ws.set_column(c0, c0 + len(periods) - 1,
                  round(max(text_width(x, 9, True) for x in widest), 1))
    bar = {h: f.get(bg_color="#" + c) for h, c in contract.HEALTH_COLOURS.items()}
    out = rows if rows is not None else ws
    for r, (s, due) in enumerate(shown, start=3):
        m = s.milestone
        book.milestone_link(out, r, 0, s)
        out.write_string(r, 1, m.name)
        if m.owner:
            out.write_string(r, 2, m.owner)
        book.put(out, r, 3, s.start, f.date)
        out.write_datetime(r, 4, due, f.date)
        book.health_cell(out, r, 5, s.health)
        fill = bar[s.health]
        # the periods that overlap [start, due]
        for i in range(bisect_left(ends, s.start or due), bisect_right(periods, due)):
            out.write_blank(r, c0 + i, None, fill)
    ws.write_string(len(shown) + 4, 0, f"R = {w('review')}; {w('today')} = "
                    f"{short_date(status.as_of, book.lang)}")


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
    """The last day of the week or month that starts on `p`."""
    if kind == "week":
        return p + timedelta(days=6)
    nxt = date(p.year + (p.month == 12), p.month % 12 + 1, 1)
    return nxt - timedelta(days=1)

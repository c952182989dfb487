"""The Baseline sheet: each milestone's Due and Budget as first recorded, which later
refreshes keep and compare against."""

from __future__ import annotations

from typing import Any

from xlsxwriter.worksheet import Worksheet

from milestone_sheets import i18n
from milestone_sheets.write.refresh.managed.book import Book, set_widths, text_width


def baseline_headers(lang: str) -> list[str]:
    """The Baseline sheet's headers, which the reader finds by these words."""
    return [i18n.word(k, lang) for k in ("id", "milestone", "due", "budget", "recorded")]


def write_baseline(book: Book, ws: Worksheet, rows: Any = None) -> list[str]:
    """The entries recorded before, in their order, then the milestones not yet recorded
    (Due, Budget, this as-of date). Returns the IDs recorded now. `rows` takes the
    entries (a recorder, or the sheet itself)."""
    ctx, f = book.ctx, book.f
    sheet, ws = ws, rows if rows is not None else ws
    as_of = ctx.status.as_of
    labels = baseline_headers(book.lang)
    book.header(ws, 0, labels)
    r = 0
    longest = ""
    for entry in ctx.plan.baseline.values():
        r += 1
        ws.write_string(r, 0, entry.id)
        if entry.name:
            ws.write_string(r, 1, entry.name)
            longest = max(longest, entry.name, key=len)
        book.put(ws, r, 2, entry.due, f.date)
        book.put(ws, r, 3, entry.budget, f.money)
        book.put(ws, r, 4, entry.recorded, f.date)
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
        book.put(ws, r, 2, m.due, f.date)
        book.put(ws, r, 3, m.budget, f.money)
        ws.write_datetime(r, 4, as_of, f.date)
        added.append(m.id)
    ws = sheet
    set_widths(ws, [12, min(45.0, max(30.0, text_width(longest))), 14, 14,
                    max(14.0, text_width(labels[4], bold=True))])
    ws.freeze_panes(1, 0)
    book.print_setup(ws, landscape=False, repeat=0)
    return added

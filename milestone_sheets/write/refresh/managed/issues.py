"""The Issues sheet: one row per issue the reader found, errors first, each linked to its
cell."""

from __future__ import annotations

import re
from typing import Any

from xlsxwriter.worksheet import Worksheet

from milestone_sheets import contract
from milestone_sheets.contract.vocab import Health, Severity
from milestone_sheets.write.refresh.managed.book import (
    Book,
    quote_title,
    set_widths,
    text_width,
)

_CELL = re.compile(r"\$?[A-Za-z]{1,3}\$?(\d+)$")


def write_issues(book: Book, ws: Worksheet, rows: Any = None) -> None:
    """One row per issue; `rows` takes them (a recorder, or the sheet itself)."""
    ctx, f, plan = book.ctx, book.f, book.ctx.plan
    sheet, ws = ws, rows if rows is not None else ws
    w = ctx.w
    labels = [w("severity"), w("sheet"), w("cell"), w("id"), w("milestone"), w("field"),
              w("value"), w("message")]
    book.header(ws, 0, labels)
    order = list(Severity)
    issues = sorted(plan.issues, key=lambda i: order.index(i.severity))
    severity = {s: (w(s), fmt) for s, fmt in (
        (Severity.ERROR, f.overload), (Severity.WARNING, f.health[Health.DUE_SOON]),
        (Severity.INFO, None))}
    titles = ctx.layout.titles
    milestone_sheet = titles.get("milestones")
    by_row = {m.row: m for m in plan.milestones}
    sheet_keys = {title: key for key, title in titles.items()}
    field_labels: dict[tuple[str, str], str] = {}
    longest = ""
    for r, i in enumerate(issues, start=1):
        label, fmt = severity.get(i.severity, (i.severity, None))
        ws.write_string(r, 0, label, fmt)
        ws.write_string(r, 1, i.sheet)
        if i.cell:
            location = f"internal:{quote_title(i.sheet)}!{i.cell}"
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
                    book.lang)
            ws.write_string(r, 5, field_labels[key])
        book.put(ws, r, 6, i.value)
        ws.write_string(r, 7, i.message)
    if not issues:
        ws.write_string(1, 0, w("no_issues"))
    ws = sheet
    set_widths(ws, [max(text_width(lb, bold=True) for lb in (labels[0], *(
        s for s, _ in severity.values()))) + 1,
        max(16.0, *(text_width(t) for t in titles.values())), 9, 10,
        min(45.0, max(24.0, text_width(longest))),
        max([16.0, *(text_width(x) for x in field_labels.values())]), 22, 90])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(1, len(issues)), len(labels) - 1)
    book.print_setup(ws, landscape=True, repeat=0)

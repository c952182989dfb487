"""The scratch workbook: every managed sheet, in order, and what refresh needs of it."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import xlsxwriter

from milestone_sheets import contract
from milestone_sheets.write.refresh.managed.baseline import write_baseline
from milestone_sheets.write.refresh.managed.book import Book, Context
from milestone_sheets.write.refresh.managed.budget import write_budget
from milestone_sheets.write.refresh.managed.history import write_history
from milestone_sheets.write.refresh.managed.issues import write_issues
from milestone_sheets.write.refresh.managed.recorder import Recorder, SheetRows
from milestone_sheets.write.refresh.managed.summary import write_summary
from milestone_sheets.write.refresh.managed.timeline import write_timeline
from milestone_sheets.write.refresh.managed.workload import write_workload
from milestone_sheets.xlsx.opc import Package
from milestone_sheets.xlsx.transplant import add_rows
from milestone_sheets.xlsx.workbook import WorkbookPart

MANAGED_ORDER = ("summary", "budget", "workload", "timeline", "issues", "history", "baseline")


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
    book = Book(ctx, wb)  # its formats come first in the style sheet
    sheets = {key: wb.add_worksheet(title) for key, title in used.items()}
    rows = {used[key]: SheetRows() for key in ("timeline", "issues", "baseline")}

    recorders: list[Recorder] = []

    def recorder(key: str) -> Recorder:
        recorders.append(Recorder(sheets[key], rows[used[key]], date_1904))
        return recorders[-1]

    write_summary(book, sheets["summary"])
    write_budget(book, sheets["budget"])
    write_workload(book, sheets["workload"])
    write_timeline(book, sheets["timeline"], recorder("timeline"))
    write_issues(book, sheets["issues"], recorder("issues"))
    replaced = write_history(book, sheets["history"])
    added = write_baseline(book, sheets["baseline"], recorder("baseline"))
    wb.close()
    for r in recorders:
        r.resolve()
    return ManagedBook(out.getvalue(), used, added, replaced, rows)

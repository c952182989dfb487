"""The managed sheets refresh writes: Summary, Budget, Workload, Timeline, Issues, History
and Baseline, built by XlsxWriter in a scratch workbook in memory. Refresh transplants that
workbook's sheets, charts and styles into the user's package (see write.refresh.pipeline).

Values, not formulas, so every program shows the same. Text is always written as text: a
milestone named '=HYPERLINK(...)' stays that literal string, never a formula. Every sheet
prints one page wide, with its header rows repeated and a footer naming the plan, the
as-of date and the page.

- book.py: the plan's words (Context), the formats, and the Book every sheet writes with
- recorder.py: the long tables' rows, recorded for the transplant instead of written
- build.py: the scratch workbook, every sheet in MANAGED_ORDER (build_managed_book)
- summary.py, budget.py, workload.py, timeline.py, issues.py, history.py, baseline.py:
  one sheet each (write_<sheet>(book, ws))
"""

from milestone_sheets.write.refresh.managed.book import Context
from milestone_sheets.write.refresh.managed.build import (
    MANAGED_ORDER,
    ManagedBook,
    build_managed_book,
)
from milestone_sheets.write.refresh.managed.history import history_row, merge_history
from milestone_sheets.write.refresh.managed.summary import SUMMARY_LIST_MAX, text_bar
from milestone_sheets.write.refresh.managed.timeline import TIMELINE_MAX_ROWS

__all__ = [
    "MANAGED_ORDER",
    "SUMMARY_LIST_MAX",
    "TIMELINE_MAX_ROWS",
    "Context",
    "ManagedBook",
    "build_managed_book",
    "history_row",
    "merge_history",
    "text_bar",
]

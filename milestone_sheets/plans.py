"""Load a plan: read the workbook (`read.plan`) and check it against the contract
(`rules.validate`).

Reading gives the rows as typed with the issues of reading their cells; validation fills
blank IDs, matches owners and dependencies, expands "/month" budgets and adds the issues of
contract section 4. A plan loaded here carries every issue, in the order of the sheets.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from milestone_sheets.model import Plan, WorkbookLayout
from milestone_sheets.read.plan import read_plan
from milestone_sheets.rules.validate import validate


def load_workbook_plan(path: str | Path, as_of: date | None = None,
                       today: date | None = None) -> tuple[Plan, WorkbookLayout]:
    """The plan in the workbook at `path`, checked, and where its tables are (for writing
    back). Raises PlanError on structural errors.

    `as_of` (the --as-of option) wins over the Settings sheet's As-of date, which wins over
    `today` (default: the system date)."""
    plan, layout = read_plan(path, as_of=as_of, today=today)
    validate(plan, layout.sheets)
    return plan, layout


def load_plan(path: str | Path, as_of: date | None = None, today: date | None = None) -> Plan:
    """The plan in the workbook at `path`: records plus every issue (reading and contract).
    Raises PlanError on structural errors. `as_of` and `today`: see `load_workbook_plan`."""
    return load_workbook_plan(path, as_of=as_of, today=today)[0]

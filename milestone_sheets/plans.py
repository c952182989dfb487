"""Load a plan: read the workbook (`read.sheets`) and check it against the contract
(`rules.validate`).

Reading gives the rows as typed with the issues of reading their cells; validation fills
blank IDs, matches owners and dependencies, expands "/month" budgets and adds the issues of
contract section 4. A plan loaded here carries every issue, in the order of the sheets.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from milestone_sheets.errors import MsheetsError, PlanError
from milestone_sheets.model import Plan, WorkbookLayout
from milestone_sheets.read.sheets import read_plan
from milestone_sheets.rules.validate import validate

if TYPE_CHECKING:  # rollup's; reading one plan does not load the rules that evaluate it
    from milestone_sheets.rules.evaluation import PlanStatus
    from milestone_sheets.rules.portfolio import Portfolio


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


# --------------------------------------------------------------------------- many plans


@dataclass
class RollupResult:
    """The plans a rollup read and evaluated, and those it could not."""

    statuses: list[tuple[Path, PlanStatus]] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)

    @cached_property
    def portfolio(self) -> Portfolio:
        """The plans read, together (`rules.portfolio`); ask once every plan is read."""
        from milestone_sheets.rules.portfolio import portfolio

        return portfolio([s for _, s in self.statuses])


def collect_paths(items: list[str]) -> list[Path]:
    """Files, folders (their .xlsx files) and glob patterns, without backups or lock files."""
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(p.rglob("*.xlsx"))
        elif any(ch in item for ch in "*?["):
            found = sorted(Path(x) for x in glob.glob(item, recursive=True))
        else:
            found = [p]
        for f in found:
            if f.name.startswith(("~$", ".~lock.", ".")) and f not in (p,):
                continue
            if f not in out:
                out.append(f)
    if not out:
        raise MsheetsError("no plan files given (files, folders or patterns like plans/*.xlsx)")
    return out


def read_plans(paths: list[Path], as_of: date | None, today: date,
               progress: bool = False) -> RollupResult:
    """Load and evaluate each plan; failures are collected, not raised."""
    from milestone_sheets.rules.evaluation import evaluate

    result = RollupResult()

    def one(path: Path) -> None:
        try:
            plan = load_plan(path, as_of=as_of, today=today)
            result.statuses.append((path, evaluate(plan, plan.as_of)))
        except PlanError as exc:
            result.failures.append((path, exc.message))
        except Exception as exc:  # a bad file must not stop the portfolio
            result.failures.append((path, f"{type(exc).__name__}: {exc}"))

    if progress and len(paths) > 1:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("Reading plans", total=len(paths))
            for p in paths:
                one(p)
                bar.advance(task)
    else:
        for p in paths:
            one(p)
    return result

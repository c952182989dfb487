"""Typed records read from a workbook, and the issues found on the way."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from milestone_sheets.contract.vocab import Direction, MilestoneType, Severity, Status

# Units that make a metric a percentage (its values read on one scale, as fractions)
PERCENT_UNITS = frozenset({"%", "percent", "percentage", "pourcent", "pourcentage", "pct"})


@dataclass
class Issue:
    """A problem found in the workbook, at its sheet and cell."""

    severity: Severity
    sheet: str
    cell: str
    field: str
    value: Any
    message: str
    # the sheet row it is about (0: none), also when the sheet lacks the cell's column (cell
    # ""): the issues of a sheet go row by row
    row: int = dataclasses.field(default=0, compare=False, repr=False)  # `field`: a column

    def to_json(self) -> dict[str, Any]:
        v = self.value
        if isinstance(v, date):
            v = v.isoformat()
        elif v is not None and not isinstance(v, (int, float, str, bool)):
            v = str(v)
        return {"severity": self.severity, "sheet": self.sheet, "cell": self.cell,
                "field": self.field, "value": v, "message": self.message}

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet


@dataclass
class Milestone:
    """One row of the Milestones sheet, parsed."""

    row: int
    id: str
    name: str
    phase: str | None = None
    strategy: str | None = None
    tactic: str | None = None
    type: MilestoneType = MilestoneType.IMPLEMENTATION
    owner: str | None = None  # Team's spelling when matched, else as typed
    owner_known: bool = False
    start: date | None = None  # as typed (None when blank or invalid)
    due: date | None = None
    budget: float | None = None  # total for the milestone ("/month" expanded by validation)
    actual: float | None = None
    effort: float | None = None
    pct: float | None = None  # fraction 0..1
    status: Status = Status.NOT_STARTED
    completed: date | None = None
    deliverable: str | None = None
    depends_on: list[str] = field(default_factory=list)
    metric: str | None = None
    target_value: float | None = None
    notes: str | None = None
    id_filled: bool = False  # the ID cell was blank; refresh writes `id` there
    # the Budget cell said "/month": `budget` is the amount per month until validation
    # (rules.validate) multiplies it by the months the milestone touches
    budget_per_month: bool = False


@dataclass
class Metric:
    """One row of the Metrics sheet, parsed."""

    row: int
    name: str
    unit: str | None = None
    direction: Direction | None = None  # as typed, None = inferred
    baseline: float | None = None
    baseline_date: date | None = None
    target: float | None = None
    target_date: date | None = None
    current: float | None = None  # the Current cell
    owner: str | None = None
    notes: str | None = None

    @property
    def is_percent(self) -> bool:
        """Unit "%": baseline, target, current and readings are fractions (0.02 = 2%)."""
        return self.unit is not None and self.unit.strip().casefold() in PERCENT_UNITS


@dataclass
class Reading:
    """One row of the Metric log: a metric's value on a date."""

    row: int
    date: date
    metric: str
    value: float


@dataclass
class TeamMember:
    """One row of the Team sheet: an owner and their weekly capacity."""

    row: int
    name: str
    role: str | None = None
    email: str | None = None
    capacity: float | None = None


@dataclass
class Settings:
    """The Settings sheet, with the defaults for what it leaves blank."""

    plan_name: str = ""
    currency: str = "USD"
    as_of: date | None = None
    date_order: str = "MDY"
    due_soon: int = 14
    default_duration: int = 14
    default_effort: float = 8.0
    default_capacity: float = 40.0
    overload_threshold: float = 100.0
    workload_weeks: int = 8
    plan_review: str = "Monthly, 2nd Friday"
    language: str = "en"


@dataclass
class BaselineEntry:
    """A milestone's Due and Budget as the Baseline sheet recorded them."""

    id: str
    due: date | None
    budget: float | None
    recorded: date | None
    name: str | None = None


HISTORY_KEYS = ("as_of", "milestones", "done", "overdue", "at_risk", "due_soon", "planned",
                "actual", "earned_value", "planned_value", "percent_complete", "cpi", "spi")


@dataclass
class SheetLayout:
    """Where an input sheet's table is in the workbook (for write-back and for the issues'
    cells), and its data cells as typed (the issues quote a cell's value as typed)."""

    title: str
    header_row: int  # 1-based
    columns: dict[str, int]  # column key -> 1-based column index
    last_column: int
    last_row: int
    rows: list[int] = field(default_factory=list, repr=False)  # the data rows read, in order
    # column key -> each data row's value as typed (None when blank), in the order of `rows`
    typed: dict[str, list[Any]] = field(default_factory=dict, repr=False)


@dataclass
class WorkbookLayout:
    """Where a plan's tables are in its workbook: what write-back and the messages that name
    a sheet need beside the plan itself."""

    sheets: dict[str, SheetLayout] = field(default_factory=dict)  # input sheet key -> table
    titles: dict[str, str] = field(default_factory=dict)  # sheet key -> tab title


@dataclass
class Plan:
    """A plan: its records, settings and issues (where they sit in a workbook is the
    reader's `WorkbookLayout`)."""

    path: Path
    language: str
    settings: Settings
    as_of: date
    milestones: list[Milestone] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    team: list[TeamMember] = field(default_factory=list)
    baseline: dict[str, BaselineEntry] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)  # History rows, by HISTORY_KEYS
    refreshed_as_of: date | None = None  # the as-of date of the last refresh (Summary sheet)
    issues: list[Issue] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.settings.plan_name or self.path.stem

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == Severity.WARNING]

    def milestones_frame(self) -> Any:
        """The milestones as a pandas DataFrame, one row per milestone (for analysts)."""
        import pandas as pd

        rows = [asdict(m) for m in self.milestones]
        for r in rows:
            r["depends_on"] = ", ".join(r["depends_on"])
            del r["budget_per_month"]  # how the Budget was typed: not a column for analysts
            r["type"], r["status"] = str(r["type"]), str(r["status"])  # plain text columns
        return pd.DataFrame(rows)

"""What `msheets import` passes between its stages: source rows, choices made, milestones."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from milestone_sheets.contract.vocab import Status


@dataclass(frozen=True)
class Pred:
    """A predecessor as the source writes it: '2FS+3d' is Pred('2', 'FS', 3.0)."""

    ref: str
    type: str = "FS"  # FS, SS, FF or SF
    lag_days: float = 0.0

    def text(self, shown_ref: str) -> str:
        lag = ""
        if self.lag_days:
            days = f"{self.lag_days:+g}"
            lag = f"{days}d"
        return f"{shown_ref}{self.type}{lag}" if (self.type != "FS" or lag) else shown_ref


@dataclass
class TaskRow:
    """One row of the source's task list, before it becomes a milestone or a phase.

    `values` holds the raw cell of each mapped field (the task name excluded); `extra` the
    cells of the columns kept as the user's own, by title.
    """

    row: int  # 1-based: sheet row, CSV record (header = 1), or MS Project task ID
    name: str | None
    values: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    indent: int = 0  # leading spaces of the task name (indented outlines)
    label: str | None = None  # a heading written outside the task column (no task name)
    keys: list[str] = field(default_factory=list)  # how other rows refer to this one
    preds: list[Pred] | None = None  # MS Project XML: predecessors already structured


@dataclass(frozen=True)
class ColumnChoice:
    """A source column read as an msheets field, and why."""

    field: str
    column: int  # 0-based
    title: str
    how: str  # "header", "header words", "values" or "--map"


@dataclass(frozen=True)
class Note:
    """A warning or a skipped row, with the source row it is about (None: the whole file)."""

    row: int | None
    message: str


@dataclass
class ImportedMilestone:
    """A milestone as it will be written: typed values, English status names."""

    row: int
    name: str
    id: str = ""
    phase: str | None = None
    tactic: str | None = None
    strategy: str | None = None
    owner: str | None = None
    start: date | None = None
    due: date | None = None
    completed: date | None = None
    budget: float | str | None = None  # text only for "1,000/month"
    actual: float | None = None
    effort: float | None = None
    pct: float | None = None
    status: Status | None = None
    deliverable: str | None = None
    depends_on: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    source_id: str | None = None


@dataclass
class ImportedPlan:
    """Everything read from the source: the milestones and what was decided on the way."""

    source: Path
    kind: str  # "workbook", "csv" or "mspdi"
    description: str  # e.g. "sheet 'Plan', header in row 3, rows 4-40"
    milestones: list[ImportedMilestone]
    columns: list[ColumnChoice] = field(default_factory=list)
    user_columns: list[str] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)
    sections: list[Note] = field(default_factory=list)  # rows that became phases
    skipped: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # plan_name, currency
    lang: str = "en"
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # the header row, for --map help


@dataclass
class ImportResult:
    """The plan read, and where it was written (None for a dry run)."""

    plan: ImportedPlan
    output: Path
    written: bool

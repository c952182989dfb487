"""Budget rollups and earned value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from milestone_sheets import i18n
from milestone_sheets.contract.vocab import Health
from milestone_sheets.model import Plan
from milestone_sheets.rules.health import MilestoneStatus
from milestone_sheets.rules.workload import owner_key


@dataclass
class Money:
    """Planned, actual and earned amounts of a group of milestones."""

    key: str = ""
    planned: float = 0.0
    actual: float = 0.0
    earned_value: float = 0.0
    planned_value: float = 0.0

    @property
    def variance(self) -> float:
        return self.planned - self.actual

    @property
    def cpi(self) -> float | None:
        """Cost performance: earned value per unit spent (None when nothing was spent)."""
        return self.earned_value / self.actual if self.actual else None

    @property
    def spi(self) -> float | None:
        """Schedule performance: earned value per unit planned by now (None when none)."""
        return self.earned_value / self.planned_value if self.planned_value else None


def _amounts(st: MilestoneStatus) -> tuple[float, float, float, float]:
    """What a milestone adds to its groups: planned, actual, earned and planned value
    (a cancelled milestone's budget counts nowhere; what it spent still does)."""
    m = st.milestone
    if st.health == Health.CANCELLED:
        return 0.0, m.actual or 0.0, 0.0, 0.0
    budget = m.budget or 0.0
    return budget, m.actual or 0.0, budget * st.pct, budget * st.planned_share


def _group_sums(name: str, rows: list[int] | range,
                amounts: list[list[float]]) -> Money:
    """Money of the milestones at `rows`, added in plan order."""
    return Money(name, *(sum(map(column.__getitem__, rows), 0.0) for column in amounts))


def _rollup(names: list[str], keys: list[str], amounts: list[list[float]]) -> list[Money]:
    """Money per group: milestone i is in group keys[i], named by its first milestone."""
    members: dict[str, list[int]] = {}
    first: dict[str, str] = {}
    for i, key in enumerate(keys):
        if key not in members:
            members[key], first[key] = [], names[i]
        members[key].append(i)
    return [_group_sums(first[key], rows, amounts) for key, rows in members.items()]


ROLLUPS = ("by_phase", "by_owner", "by_strategy", "by_tactic", "by_type", "by_month")


@dataclass
class BudgetStatus:
    """Budget totals, earned-value indices and the rollups by group."""

    totals: Money
    cpi: float | None
    spi: float | None
    percent_complete: float
    rollups: dict[str, list[Money]]


def budget_status(statuses: list[MilestoneStatus], plan: Plan) -> BudgetStatus:
    none = i18n.word("none", "en")
    milestones = [st.milestone for st in statuses]
    # columns of planned, actual, earned and planned value, one entry per milestone
    amounts = [list(c) for c in zip(*map(_amounts, statuses), strict=True)] or [[], [], [], []]
    totals = _group_sums("total", range(len(milestones)), amounts)
    months: dict[date, str] = {}
    for m in milestones:
        if m.due is not None and m.due not in months:
            months[m.due] = m.due.strftime("%Y-%m")
    names = {
        "by_phase": [m.phase or none for m in milestones],
        "by_owner": [m.owner or none for m in milestones],
        "by_strategy": [m.strategy or none for m in milestones],
        "by_tactic": [m.tactic or none for m in milestones],
        "by_type": [m.type or none for m in milestones],
        "by_month": [months[m.due] if m.due is not None else none for m in milestones],
    }
    # owners group as one person (`owner_key`), under the first spelling; blank ones apart
    keys = {**names, "by_owner": [owner_key(m.owner) if m.owner else none
                                  for m in milestones]}
    cpi, spi = totals.cpi, totals.spi
    if totals.planned:
        pc = totals.earned_value / totals.planned
    else:
        live = [st.pct for st in statuses if st.health != Health.CANCELLED]
        pc = sum(live) / len(live) if live else 0.0
    rollups = {r: sorted(_rollup(names[r], keys[r], amounts),
                         key=lambda x: (x.key == none, x.key)) for r in ROLLUPS}
    return BudgetStatus(totals, cpi, spi, pc, rollups)

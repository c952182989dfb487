"""The rules of contract section 5: pure functions of a Plan and an as-of date.

Nothing here reads a file or the clock; `evaluate(plan, as_of)` returns a
`PlanStatus` that the writers and reports turn into cells and documents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from milestone_sheets import i18n
from milestone_sheets.contract.vocab import Flag, FlagKind, Health
from milestone_sheets.model import Plan, Reading
from milestone_sheets.rules.budget import BudgetStatus, budget_status
from milestone_sheets.rules.health import MilestoneStatus, milestone_health, refine_health
from milestone_sheets.rules.metrics import MetricStatus, metric_progress
from milestone_sheets.rules.next_review import ReviewStatus, review_status
from milestone_sheets.rules.workload import OwnerLoad, owner_key, owner_loads

NEXT_DAYS = 14  # the Summary's "next 14 days"


@dataclass
class PlanStatus:
    """Everything the rules computed for a plan as of a date."""

    plan: Plan
    as_of: date
    milestones: list[MilestoneStatus]
    budget: BudgetStatus
    workload: list[OwnerLoad]
    metrics: list[MetricStatus]
    review: ReviewStatus

    def count(self, *health: Health) -> int:
        return sum(1 for s in self.milestones if s.health in health)

    @property
    def totals(self) -> dict[str, object]:
        t = self.budget.totals
        return {
            "milestones": len(self.milestones),
            "done": self.count(Health.DONE, Health.DONE_LATE),
            "overdue": self.count(Health.OVERDUE),
            "at_risk": self.count(Health.AT_RISK),
            "due_soon": self.count(Health.DUE_SOON),
            "planned": t.planned, "actual": t.actual, "variance": t.variance,
            "earned_value": t.earned_value, "planned_value": t.planned_value,
            "cpi": self.budget.cpi, "spi": self.budget.spi,
            "percent_complete": self.budget.percent_complete,
        }

    def due_next(self, days: int = NEXT_DAYS) -> list[MilestoneStatus]:
        """Open milestones due from the as-of date to `days` days after it, by due date."""
        last = self.as_of + timedelta(days=days)
        soon = [s for s in self.milestones if s.is_open and s.milestone.due
                and self.as_of <= s.milestone.due <= last]
        soon.sort(key=lambda s: (s.milestone.due or date.max, s.milestone.row))
        return soon

    def health_counts(self) -> dict[Health, int]:
        counts = dict.fromkeys(Health, 0)
        for s in self.milestones:
            counts[s.health] += 1
        return counts


# --------------------------------------------------------------------------- evaluate


def evaluate(plan: Plan, as_of: date) -> PlanStatus:
    """Health, budget, workload, metrics and review of a plan as of a date."""
    s = plan.settings
    readings: dict[str, list[Reading]] = defaultdict(list)
    for r in plan.readings:
        readings[i18n.normalize(r.metric)].append(r)
    metrics = [metric_progress(m, readings, as_of) for m in plan.metrics]
    metric_by_name = {i18n.normalize(m.metric.name): m for m in metrics}

    statuses = [milestone_health(m, plan, as_of, metric_by_name) for m in plan.milestones]
    by_id = {st.milestone.id.casefold(): st for st in statuses}
    for st in statuses:
        refine_health(st, by_id, as_of, s.due_soon)
    workload = owner_loads(plan, statuses, as_of)
    overloaded = {owner_key(w.owner) for w in workload if w.overloaded}
    for st in statuses:
        m = st.milestone
        if st.is_open and m.owner and owner_key(m.owner) in overloaded:
            st.flags.append(Flag(FlagKind.OWNER_OVERLOADED))
        if m.owner is None:
            st.flags.append(Flag(FlagKind.NO_OWNER))
        elif not m.owner_known:
            st.flags.append(Flag(FlagKind.UNKNOWN_OWNER))
        if st.slip and st.slip > 0:
            st.flags.append(Flag(FlagKind.SLIPPED, st.slip))
    budget = budget_status(statuses, plan)
    review = review_status(plan, statuses, metrics, as_of)
    return PlanStatus(plan, as_of, statuses, budget, workload, metrics, review)

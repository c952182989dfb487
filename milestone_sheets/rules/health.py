"""A milestone's health and flags on the as-of date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from milestone_sheets import contract, i18n
from milestone_sheets.model import Milestone, Plan
from milestone_sheets.rules.metrics import MetricStatus, target_met

BEHIND_POINTS = 0.25


@dataclass
class MilestoneStatus:
    """A milestone's health, slack, slip and flags as of a date."""

    milestone: Milestone
    health: str
    start: date | None  # effective start: Start, or Due - default duration
    pct: float  # 1 for Done, else % Complete (blank = 0)
    slack: int | None
    slip: int | None
    flags: list[str] = field(default_factory=list)
    planned_share: float = 0.0

    @property
    def is_open(self) -> bool:
        return self.health not in contract.CLOSED_HEALTH


# --------------------------------------------------------------------------- helpers


def effective_start(m: Milestone, default_duration: int) -> date | None:
    if m.start is not None:
        return m.start
    return m.due - timedelta(days=default_duration) if m.due else None


def elapsed_share(start: date | None, due: date | None, as_of: date) -> float:
    """0 before Start, 1 on or after Due, else the elapsed fraction of [Start, Due]."""
    if start is None or due is None or as_of < start:
        return 0.0
    if as_of >= due:
        return 1.0
    return (as_of - start).days / (due - start).days


def milestone_health(m: Milestone, plan: Plan, as_of: date,
            metrics: dict[str, MetricStatus]) -> MilestoneStatus:
    s = plan.settings
    start = effective_start(m, s.default_duration)
    base = plan.baseline.get(m.id.casefold())
    slip = (m.due - base.due).days if (m.due and base and base.due) else (0 if m.due else None)
    metric = metrics.get(i18n.normalize(m.metric)) if m.metric else None
    if m.status == "Cancelled":
        health = "Cancelled"
    elif m.status == "On hold":
        health = "On hold"
    elif m.type == "Metric target" and metric is not None and target_met(
        metric.current, m.target_value, metric.direction
    ):
        health = "Done"
    elif m.status == "Done":
        health = "Done late" if (m.completed and m.due and m.completed > m.due) else "Done"
    elif m.due is None:
        health = "Unscheduled"
    elif m.due < as_of:
        health = "Overdue"
    else:
        health = "On track"  # refined by risk_flags
    done = health in contract.DONE_HEALTH
    pct = 1.0 if done else (m.pct or 0.0)
    slack = None
    if m.due is not None and health not in ("Done", "Done late", "Cancelled"):
        slack = (m.due - as_of).days
    st = MilestoneStatus(m, health, start, pct, slack, slip)
    st.planned_share = elapsed_share(start, m.due, as_of)
    if m.budget and m.budget > 0 and (m.actual or 0) > m.budget:
        st.flags.append("over budget")
    return st


def risk_flags(st: MilestoneStatus, by_id: dict[str, MilestoneStatus], as_of: date,
          due_soon: int) -> None:
    """Rules 6-7 for open scheduled milestones, and the flags that explain them."""
    m = st.milestone
    if st.health != "On track" and st.health != "Overdue":
        return
    blockers = []
    for dep_id in m.depends_on:
        dep = by_id.get(dep_id.casefold())
        if dep is None or dep.health in contract.DONE_HEALTH or dep.health == "Cancelled":
            continue
        if dep.health == "Overdue" or (dep.milestone.due and m.due and dep.milestone.due > m.due):
            blockers.append(dep.milestone.id)
    st.flags.extend(f"blocked by {b}" for b in blockers)
    behind = bool(st.start and m.due and st.start <= as_of
                  and st.pct < elapsed_share(st.start, m.due, as_of) - BEHIND_POINTS - 1e-9)
    if behind:
        st.flags.append("behind schedule")
    if st.health == "Overdue":
        return
    assert m.due is not None
    if "over budget" in st.flags or blockers or behind:
        st.health = "At risk"
    elif (m.due - as_of).days <= due_soon:
        st.health = "Due soon"

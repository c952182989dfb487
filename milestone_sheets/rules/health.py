"""A milestone's health and flags on the as-of date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from milestone_sheets import i18n
from milestone_sheets.contract.vocab import Flag, FlagKind, Health, MilestoneType, Status
from milestone_sheets.model import Milestone, Plan
from milestone_sheets.rules.metrics import MetricStatus, target_met

BEHIND_POINTS = 0.25


@dataclass
class MilestoneStatus:
    """A milestone's health, slack, slip and flags as of a date."""

    milestone: Milestone
    health: Health
    start: date | None  # effective start: Start, or Due - default duration
    pct: float  # 1 for Done, else % Complete (blank = 0)
    slack: int | None
    slip: int | None
    flags: list[Flag] = field(default_factory=list)
    planned_share: float = 0.0

    @property
    def is_open(self) -> bool:
        return self.health.is_open


# --------------------------------------------------------------------------- helpers


def effective_start(m: Milestone, default_duration: int) -> date | None:
    """Start, or Due - Default duration (days) when Start is blank."""
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
    health: Health
    if m.status == Status.CANCELLED:
        health = Health.CANCELLED
    elif m.status == Status.ON_HOLD:
        health = Health.ON_HOLD
    elif m.type == MilestoneType.METRIC_TARGET and metric is not None and target_met(
        metric.current, m.target_value, metric.direction
    ):
        health = Health.DONE
    elif m.status == Status.DONE:
        late = bool(m.completed and m.due and m.completed > m.due)
        health = Health.DONE_LATE if late else Health.DONE
    elif m.due is None:
        health = Health.UNSCHEDULED
    elif m.due < as_of:
        health = Health.OVERDUE
    else:
        health = Health.ON_TRACK  # refined by refine_health
    done = health.is_done
    pct = 1.0 if done else (m.pct or 0.0)
    slack = None
    if m.due is not None and not done and health != Health.CANCELLED:
        slack = (m.due - as_of).days
    st = MilestoneStatus(m, health, start, pct, slack, slip)
    st.planned_share = elapsed_share(start, m.due, as_of)
    if m.budget and m.budget > 0 and (m.actual or 0) > m.budget:
        st.flags.append(Flag(FlagKind.OVER_BUDGET))
    return st


def refine_health(st: MilestoneStatus, by_id: dict[str, MilestoneStatus], as_of: date,
                  due_soon: int) -> None:
    """Rules 6-7: an On track milestone becomes At risk or Due soon; an open scheduled one
    gets the flags that explain it (blocked by, behind schedule)."""
    m = st.milestone
    if st.health not in (Health.ON_TRACK, Health.OVERDUE):
        return
    blockers = []
    for dep_id in m.depends_on:
        dep = by_id.get(dep_id.casefold())
        if dep is None or dep.health.is_done or dep.health == Health.CANCELLED:
            continue
        later = bool(dep.milestone.due and m.due and dep.milestone.due > m.due)
        if dep.health == Health.OVERDUE or later:
            blockers.append(dep.milestone.id)
    st.flags.extend(Flag(FlagKind.BLOCKED_BY, b) for b in blockers)
    behind = bool(st.start and m.due and st.start <= as_of
                  and st.pct < elapsed_share(st.start, m.due, as_of) - BEHIND_POINTS - 1e-9)
    if behind:
        st.flags.append(Flag(FlagKind.BEHIND_SCHEDULE))
    if st.health == Health.OVERDUE:
        return
    assert m.due is not None
    if Flag(FlagKind.OVER_BUDGET) in st.flags or blockers or behind:
        st.health = Health.AT_RISK
    elif (m.due - as_of).days <= due_soon:
        st.health = Health.DUE_SOON

"""Owner workloads by week."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from milestone_sheets import i18n
from milestone_sheets.contract.vocab import Health
from milestone_sheets.model import Plan
from milestone_sheets.rules.health import MilestoneStatus


@dataclass
class WeekLoad:
    """An owner's hours in one week, that week's share of capacity and whether it is over
    the Overload threshold."""

    week: date
    hours: float
    load: float | None
    overloaded: bool = False


@dataclass
class OwnerLoad:
    """An owner's workload: open milestones, budget and weekly load."""

    owner: str
    known: bool
    capacity: float
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    budget: float = 0.0
    weeks: list[WeekLoad] = field(default_factory=list)
    peak_load: float = 0.0
    peak_week: date | None = None
    overloaded: bool = False


def workdays(first: date, last: date) -> int:
    """Mon-Fri days in [first, last]."""
    if last < first:
        return 0
    days = (last - first).days + 1
    full, rem = divmod(days, 7)
    wd = first.weekday()
    return full * 5 + sum(1 for i in range(rem) if (wd + i) % 7 < 5)


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def owner_key(name: str) -> str:
    """The key that makes two spellings of an owner the same person: case-, space-, accent-
    and punctuation-insensitive, as owners match the Team ("ana  lopez" = "Ana Lopez")."""
    return i18n.normalize(name)


def week_load(hours: float, capacity: float) -> float | None:
    """Hours as a share of capacity; with a capacity of 0, infinite when there are hours
    and None when there are none."""
    if capacity > 0:
        return hours / capacity
    return float("inf") if hours else None


def over_threshold(load: float | None, threshold: float) -> bool:
    """A load above the Overload threshold (a share: 1.0 = 100%)."""
    return load is not None and load > threshold + 1e-9


def owner_loads(plan: Plan, statuses: list[MilestoneStatus], as_of: date) -> list[OwnerLoad]:
    s = plan.settings
    week0 = monday(as_of)
    n_weeks = max(1, s.workload_weeks)
    horizon_end = week0 + timedelta(days=7 * n_weeks - 1)
    owners: dict[str, OwnerLoad] = {}
    for t in plan.team:
        cap = t.capacity if t.capacity is not None else s.default_capacity
        owners[owner_key(t.name)] = OwnerLoad(t.name, True, cap)
    hours: dict[str, list[float]] = defaultdict(lambda: [0.0] * n_weeks)
    for st in statuses:
        m = st.milestone
        if not m.owner:
            continue
        key = owner_key(m.owner)
        ol = owners.get(key)
        if ol is None:
            ol = owners[key] = OwnerLoad(m.owner, m.owner_known, s.default_capacity)
        if st.health != Health.CANCELLED:
            ol.budget += m.budget or 0.0
        if not st.is_open:
            continue
        ol.open += 1
        ol.overdue += st.health == Health.OVERDUE
        ol.due_soon += st.health == Health.DUE_SOON
        remaining = (m.effort if m.effort is not None else s.default_effort) * (1 - st.pct)
        if remaining <= 0:
            continue
        grid = hours[key]
        first = max(st.start, as_of) if st.start else as_of
        due = m.due
        days = workdays(first, due) if due else 0
        if due is None or days == 0:
            grid[0] += remaining
            continue
        per_day = remaining / days
        lo, hi = max(first, week0), min(due, horizon_end)
        w = monday(lo)
        while w <= hi:
            i = (w - week0).days // 7
            n = workdays(max(w, lo), min(w + timedelta(days=6), hi))
            grid[i] += per_day * n
            w += timedelta(days=7)
    threshold = s.overload_threshold / 100
    out = []
    for key, ol in owners.items():
        grid = hours.get(key, [0.0] * n_weeks)
        ol.weeks = []
        for i, h in enumerate(grid):
            load = week_load(h, ol.capacity)
            ol.weeks.append(WeekLoad(week0 + timedelta(days=7 * i), h, load,
                                     over_threshold(load, threshold)))
        peak = max(ol.weeks, key=lambda wl: wl.load if wl.load is not None else -1)
        ol.peak_load = peak.load or 0.0
        ol.peak_week = peak.week if peak.hours > 0 else None
        ol.overloaded = over_threshold(ol.peak_load, threshold)
        out.append(ol)
    return out

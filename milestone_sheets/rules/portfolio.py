"""Several evaluated plans together (`msheets rollup`): money totals per currency and the
same owner across plans. Pure: it combines `PlanStatus`es, each computed by its plan's rules.

An owner in several plans (the same `owner_key`) is one person whose weekly hours add up:
- capacity: from the first plan that has them in its Team, else from the first plan (its
  Default capacity); a capacity of 0 makes any hours an infinite load, as in a plan;
- overloaded past the strictest Overload threshold among their plans, in any week.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from milestone_sheets.rules.evaluation import PlanStatus
from milestone_sheets.rules.workload import WeekLoad, over_threshold, owner_key, week_load

MONEY_KEYS = ("planned", "actual", "variance", "earned_value", "planned_value")


@dataclass
class OwnerAcross:
    """One owner's work summed across the plans of a portfolio."""

    owner: str
    plans: list[str] = field(default_factory=list)
    capacity: float = 0.0
    threshold: float = float("inf")  # a share of capacity (1.0 = 100%)
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    weeks: list[WeekLoad] = field(default_factory=list)  # every week of the portfolio
    peak_load: float = 0.0
    overloaded: bool = False


@dataclass
class Portfolio:
    """The plans of a rollup, their money per currency and their owners."""

    plans: list[PlanStatus]
    totals: dict[str, dict[str, float]]
    weeks: list[date]
    owners: list[OwnerAcross]


def currency_totals(plans: list[PlanStatus]) -> dict[str, dict[str, float]]:
    """Money totals per currency (amounts in different currencies are never added)."""
    out: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(MONEY_KEYS, 0.0))
    for s in plans:
        t = s.totals
        for k in MONEY_KEYS:
            out[s.plan.settings.currency][k] += float(t[k])  # type: ignore[arg-type]  # money keys
    return dict(out)


def owners_across(plans: list[PlanStatus]) -> tuple[list[date], list[OwnerAcross]]:
    """The weeks of the plans' workload horizons, and each owner across the plans (the same
    `owner_key`, under their first spelling) with their hours and load in each of those
    weeks."""
    owners: dict[str, OwnerAcross] = {}
    in_team: set[str] = set()
    hours: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for s in plans:
        threshold = s.plan.settings.overload_threshold / 100
        for w in s.workload:
            key = owner_key(w.owner)
            o = owners.get(key)
            if o is None:
                o = owners[key] = OwnerAcross(w.owner, capacity=w.capacity)
            o.plans.append(s.plan.name)
            o.threshold = min(o.threshold, threshold)
            if w.known and key not in in_team:
                in_team.add(key)
                o.capacity = w.capacity
            o.open += w.open
            o.overdue += w.overdue
            o.due_soon += w.due_soon
            for wl in w.weeks:
                hours[key][wl.week] += wl.hours
    weeks = sorted({d for h in hours.values() for d in h})
    for key, o in owners.items():
        for d in weeks:
            h = hours[key].get(d, 0.0)
            load = week_load(h, o.capacity)
            o.weeks.append(WeekLoad(d, h, load, over_threshold(load, o.threshold)))
        o.peak_load = max((wl.load for wl in o.weeks if wl.load is not None), default=0.0)
        o.overloaded = over_threshold(o.peak_load, o.threshold)
    return weeks, sorted(owners.values(), key=lambda o: o.owner.casefold())


def portfolio(plans: list[PlanStatus]) -> Portfolio:
    """Totals per currency and owners across the plans, from each plan's evaluation."""
    weeks, owners = owners_across(plans)
    return Portfolio(plans, currency_totals(plans), weeks, owners)

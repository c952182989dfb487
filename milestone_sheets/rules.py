"""The rules of contract section 5: pure functions of a Plan and an as-of date.

Nothing here reads a file or the clock; `evaluate(plan, as_of)` returns a
`PlanStatus` that the writers and reports turn into cells and documents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import schema
from .model import Metric, Milestone, Plan, Reading
from .reviews import parse_review, review_dates

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
        return self.health not in schema.CLOSED_HEALTH


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
    if st.health == "Cancelled":
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


@dataclass
class WeekLoad:
    """An owner's hours in one week, and that week's share of capacity."""

    week: date
    hours: float
    load: float | None


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


@dataclass
class MetricStatus:
    """A metric's current value and progress against its target."""

    metric: Metric
    direction: str
    current: float | None
    progress: float | None
    expected: float | None
    status: str


@dataclass
class ReviewStatus:
    """The next plan reviews and what is on their agenda."""

    setting: str
    next_review: date | None
    following: date | None
    upcoming: list[date]
    agenda_milestones: list[MilestoneStatus]
    agenda_metrics: list[MetricStatus]


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

    def count(self, *health: str) -> int:
        return sum(1 for s in self.milestones if s.health in health)

    @property
    def totals(self) -> dict[str, object]:
        t = self.budget.totals
        return {
            "milestones": len(self.milestones),
            "done": self.count(*schema.DONE_HEALTH),
            "overdue": self.count("Overdue"),
            "at_risk": self.count("At risk"),
            "due_soon": self.count("Due soon"),
            "planned": t.planned, "actual": t.actual, "variance": t.variance,
            "earned_value": t.earned_value, "planned_value": t.planned_value,
            "cpi": self.budget.cpi, "spi": self.budget.spi,
            "percent_complete": self.budget.percent_complete,
        }

    def health_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(schema.HEALTH, 0)
        for s in self.milestones:
            counts[s.health] += 1
        return counts


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


def infer_direction(m: Metric) -> str:
    if m.direction:
        return m.direction
    if m.baseline is not None and m.target is not None and m.target < m.baseline:
        return "Decrease"
    return "Increase"


def target_met(value: float | None, target: float | None, direction: str) -> bool:
    if value is None or target is None:
        return False
    return value <= target if direction == "Decrease" else value >= target


def metric_current(m: Metric, readings_by_metric: dict[str, list[Reading]],
                   as_of: date) -> float | None:
    """Current, else the latest Metric log value dated on or before the as-of date."""
    if m.current is not None:
        return m.current
    best = None
    for r in readings_by_metric.get(schema.normalize(m.name), ()):
        if r.date <= as_of and (best is None or r.date >= best.date):
            best = r
    return best.value if best else None


# --------------------------------------------------------------------------- evaluate


def evaluate(plan: Plan, as_of: date) -> PlanStatus:
    """Health, budget, workload, metrics and review of a plan as of a date."""
    s = plan.settings
    readings: dict[str, list[Reading]] = defaultdict(list)
    for r in plan.readings:
        readings[schema.normalize(r.metric)].append(r)
    metrics = [_metric_status(m, readings, as_of) for m in plan.metrics]
    metric_by_name = {schema.normalize(ms.metric.name): ms for ms in metrics}

    statuses = [_health(m, plan, as_of, metric_by_name) for m in plan.milestones]
    by_id = {st.milestone.id.casefold(): st for st in statuses}
    for st in statuses:
        _risk(st, by_id, as_of, s.due_soon)
    workload = _workload(plan, statuses, as_of)
    overloaded = {w.owner.casefold() for w in workload if w.overloaded}
    for st in statuses:
        m = st.milestone
        if st.is_open and m.owner and _owner_key(m) in overloaded:
            st.flags.append("owner overloaded")
        if m.owner is None:
            st.flags.append("no owner")
        elif not m.owner_known:
            st.flags.append("unknown owner")
        if st.slip and st.slip > 0:
            st.flags.append(f"slipped {st.slip} days")
    budget = _budget(statuses, plan)
    review = _review(plan, statuses, metrics, as_of)
    return PlanStatus(plan, as_of, statuses, budget, workload, metrics, review)


def _metric_status(m: Metric, readings: dict[str, list[Reading]], as_of: date) -> MetricStatus:
    direction = infer_direction(m)
    current = metric_current(m, readings, as_of)
    progress = expected = None
    if current is not None and m.baseline is not None and m.target is not None \
            and m.target != m.baseline:
        progress = (current - m.baseline) / (m.target - m.baseline)
    if m.baseline_date and m.target_date:
        if m.target_date == m.baseline_date:
            expected = 1.0 if as_of >= m.target_date else 0.0
        else:
            raw = (as_of - m.baseline_date).days / (m.target_date - m.baseline_date).days
            expected = min(1.0, max(0.0, raw))
    if current is None:
        status = "No data"
    elif target_met(current, m.target, direction):
        status = "Achieved"
    elif m.target_date and as_of > m.target_date:
        status = "Missed"
    elif expected is None or progress is None:
        status = "In progress"
    elif progress >= expected - 0.10:
        status = "On track"
    elif progress >= expected - 0.25:
        status = "Behind"
    else:
        status = "Off track"
    return MetricStatus(m, direction, current, progress, expected, status)


def _health(m: Milestone, plan: Plan, as_of: date,
            metrics: dict[str, MetricStatus]) -> MilestoneStatus:
    s = plan.settings
    start = effective_start(m, s.default_duration)
    base = plan.baseline.get(m.id.casefold())
    slip = (m.due - base.due).days if (m.due and base and base.due) else (0 if m.due else None)
    metric = metrics.get(schema.normalize(m.metric)) if m.metric else None
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
        health = "On track"  # refined by _risk
    done = health in schema.DONE_HEALTH
    pct = 1.0 if done else (m.pct or 0.0)
    slack = None
    if m.due is not None and health not in ("Done", "Done late", "Cancelled"):
        slack = (m.due - as_of).days
    st = MilestoneStatus(m, health, start, pct, slack, slip)
    st.planned_share = elapsed_share(start, m.due, as_of)
    if m.budget and m.budget > 0 and (m.actual or 0) > m.budget:
        st.flags.append("over budget")
    return st


def _risk(st: MilestoneStatus, by_id: dict[str, MilestoneStatus], as_of: date,
          due_soon: int) -> None:
    """Rules 6-7 for open scheduled milestones, and the flags that explain them."""
    m = st.milestone
    if st.health != "On track" and st.health != "Overdue":
        return
    blockers = []
    for dep_id in m.depends_on:
        dep = by_id.get(dep_id.casefold())
        if dep is None or dep.health in schema.DONE_HEALTH or dep.health == "Cancelled":
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


def _owner_key(m: Milestone) -> str:
    return " ".join((m.owner or "").split()).casefold()


def _workload(plan: Plan, statuses: list[MilestoneStatus], as_of: date) -> list[OwnerLoad]:
    s = plan.settings
    week0 = monday(as_of)
    n_weeks = max(1, s.workload_weeks)
    horizon_end = week0 + timedelta(days=7 * n_weeks - 1)
    owners: dict[str, OwnerLoad] = {}
    for t in plan.team:
        cap = t.capacity if t.capacity is not None else s.default_capacity
        owners[" ".join(t.name.split()).casefold()] = OwnerLoad(t.name, True, cap)
    hours: dict[str, list[float]] = defaultdict(lambda: [0.0] * n_weeks)
    for st in statuses:
        m = st.milestone
        if not m.owner:
            continue
        key = _owner_key(m)
        ol = owners.get(key)
        if ol is None:
            ol = owners[key] = OwnerLoad(m.owner, m.owner_known, s.default_capacity)
        if st.health != "Cancelled":
            ol.budget += m.budget or 0.0
        if not st.is_open:
            continue
        ol.open += 1
        ol.overdue += st.health == "Overdue"
        ol.due_soon += st.health == "Due soon"
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
        ol.weeks = [WeekLoad(week0 + timedelta(days=7 * i), h,
                             (h / ol.capacity) if ol.capacity > 0 else (None if h == 0 else
                                                                        float("inf")))
                    for i, h in enumerate(grid)]
        peak = max(ol.weeks, key=lambda wl: wl.load if wl.load is not None else -1)
        ol.peak_load = peak.load or 0.0
        ol.peak_week = peak.week if peak.hours > 0 else None
        ol.overloaded = ol.peak_load > threshold + 1e-9
        out.append(ol)
    return out


def _budget(statuses: list[MilestoneStatus], plan: Plan) -> BudgetStatus:
    none = schema.word("none", "en")
    ms = [st.milestone for st in statuses]
    # columns of planned, actual, earned and planned value, one entry per milestone
    amounts = [list(c) for c in zip(*map(_amounts, statuses), strict=True)] or [[], [], [], []]
    totals = _group_sums("total", range(len(ms)), amounts)
    months: dict[date, str] = {}
    for m in ms:
        if m.due is not None and m.due not in months:
            months[m.due] = m.due.strftime("%Y-%m")
    names = {
        "by_phase": [m.phase or none for m in ms],
        "by_owner": [m.owner or none for m in ms],
        "by_strategy": [m.strategy or none for m in ms],
        "by_tactic": [m.tactic or none for m in ms],
        "by_type": [m.type or none for m in ms],
        "by_month": [months[m.due] if m.due is not None else none for m in ms],
    }
    # owners group case-insensitively, under the first spelling
    keys = {**names, "by_owner": [o.casefold() for o in names["by_owner"]]}
    cpi, spi = totals.cpi, totals.spi
    if totals.planned:
        pc = totals.earned_value / totals.planned
    else:
        live = [st.pct for st in statuses if st.health != "Cancelled"]
        pc = sum(live) / len(live) if live else 0.0
    rollups = {r: sorted(_rollup(names[r], keys[r], amounts),
                         key=lambda x: (x.key == none, x.key)) for r in ROLLUPS}
    return BudgetStatus(totals, cpi, spi, pc, rollups)


def _review(plan: Plan, statuses: list[MilestoneStatus], metrics: list[MetricStatus],
            as_of: date) -> ReviewStatus:
    setting = plan.settings.plan_review
    rule = parse_review(setting)
    if rule is None:
        return ReviewStatus(setting, None, None, [], [], [])
    anchor = min((d for st in statuses if (d := st.start or st.milestone.due) is not None),
                 default=as_of)
    upcoming = review_dates(rule, as_of, 6, min(anchor, as_of))
    nxt, following = upcoming[0], upcoming[1]
    agenda = [st for st in statuses
              if st.health in ("Overdue", "At risk")
              or (st.is_open and st.milestone.due is not None and st.milestone.due < following)]
    agenda.sort(key=lambda st: (st.milestone.due or date.max, st.milestone.row))
    behind = [ms for ms in metrics if ms.status in ("Behind", "Off track")]
    return ReviewStatus(setting, nxt, following, upcoming, agenda, behind)

"""The plan reviews: their dates, the next one and its agenda."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from milestone_sheets.contract.vocab import Health, MetricHealth, MilestoneType
from milestone_sheets.model import Plan
from milestone_sheets.rules.health import MilestoneStatus
from milestone_sheets.rules.metrics import MetricStatus
from milestone_sheets.rules.review_schedule import ReviewRule, parse_review, review_dates

REVIEW_HORIZON = timedelta(days=365)  # reviews of a plan without any due date: a year


@dataclass
class ReviewSeries:
    """The plan reviews as one recurring series: its schedule, its dates up to `until`, and
    the dates left out because a Plan review milestone stands for them."""

    rule: ReviewRule
    dates: list[date]
    left_out: list[date]
    until: date


@dataclass
class ReviewStatus:
    """The next plan reviews and what is on their agenda."""

    setting: str
    next_review: date | None
    following: date | None
    upcoming: list[date]
    agenda_milestones: list[MilestoneStatus]
    agenda_metrics: list[MetricStatus]
    series: ReviewSeries | None = None


def plan_begin(statuses: list[MilestoneStatus], as_of: date) -> date:
    """The plan's earliest Start or Due, or the as-of date if earlier: weekly cadences count
    from it, so they do not move with the as-of date."""
    return min([*(d for st in statuses for d in (st.start, st.milestone.due) if d), as_of])


def review_status(plan: Plan, statuses: list[MilestoneStatus], metrics: list[MetricStatus],
            as_of: date) -> ReviewStatus:
    setting = plan.settings.plan_review
    rule = parse_review(setting)
    if rule is None:
        return ReviewStatus(setting, None, None, [], [], [])
    begin = plan_begin(statuses, as_of)
    upcoming = review_dates(rule, as_of, 6, begin)
    nxt, following = upcoming[0], upcoming[1]
    agenda = [st for st in statuses
              if st.health in (Health.OVERDUE, Health.AT_RISK)
              or (st.is_open and st.milestone.due is not None and st.milestone.due < following)]
    agenda.sort(key=lambda st: (st.milestone.due or date.max, st.milestone.row))
    behind = [m for m in metrics if m.status in (MetricHealth.BEHIND, MetricHealth.OFF_TRACK)]
    return ReviewStatus(setting, nxt, following, upcoming, agenda, behind,
                        review_series(rule, statuses, as_of, begin))


def half_cadence(rule: ReviewRule) -> timedelta:
    """Half the time between two reviews (a month counts 30 days)."""
    days = 7 * rule.interval if not rule.months else 30 * rule.months
    return timedelta(days=days / 2)


def review_series(rule: ReviewRule, statuses: list[MilestoneStatus], as_of: date,
                  begin: date) -> ReviewSeries | None:
    """The reviews from the first on or after `begin` (`plan_begin`) to the plan's last due
    date, or a year after the as-of date when no milestone has a due date; None when there is
    none in that time.

    Each Plan review milestone takes out the occurrence nearest to it when within half a
    cadence (a month: 15 days): that milestone is the review of its period, perhaps moved a
    few days, and has an event of its own (or was cancelled).
    """
    dues = [st.milestone.due for st in statuses if st.milestone.due]
    until = max(dues) if dues else as_of + REVIEW_HORIZON
    dates: list[date] = []
    count = 64
    while True:
        dates = [d for d in review_dates(rule, begin, count, begin) if d <= until]
        if len(dates) < count:
            break
        count *= 4
    if not dates:
        return None
    reviews = [st.milestone.due for st in statuses
               if st.milestone.type == MilestoneType.PLAN_REVIEW and st.milestone.due]
    return ReviewSeries(rule, dates, reviews_left_out(dates, reviews, half_cadence(rule)),
                        until)


def reviews_left_out(occurrences: list[date], review_milestones: list[date],
                     half: timedelta) -> list[date]:
    """The occurrences a Plan review milestone stands for: for each milestone, the nearest
    occurrence (the earlier on a tie) when closer than `half`; sorted, without repeats."""
    left_out: set[date] = set()
    for r in review_milestones:
        near = min(occurrences, key=lambda d: (abs(r - d), d), default=None)
        if near is not None and abs(r - near) < half:
            left_out.add(near)
    return sorted(left_out)

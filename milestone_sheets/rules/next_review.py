"""The next plan review and its agenda."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from milestone_sheets.contract.vocab import Health, MetricHealth
from milestone_sheets.model import Plan
from milestone_sheets.rules.health import MilestoneStatus
from milestone_sheets.rules.metrics import MetricStatus
from milestone_sheets.rules.reviews import parse_review, review_dates


@dataclass
class ReviewStatus:
    """The next plan reviews and what is on their agenda."""

    setting: str
    next_review: date | None
    following: date | None
    upcoming: list[date]
    agenda_milestones: list[MilestoneStatus]
    agenda_metrics: list[MetricStatus]


def review_status(plan: Plan, statuses: list[MilestoneStatus], metrics: list[MetricStatus],
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
              if st.health in (Health.OVERDUE, Health.AT_RISK)
              or (st.is_open and st.milestone.due is not None and st.milestone.due < following)]
    agenda.sort(key=lambda st: (st.milestone.due or date.max, st.milestone.row))
    behind = [m for m in metrics if m.status in (MetricHealth.BEHIND, MetricHealth.OFF_TRACK)]
    return ReviewStatus(setting, nxt, following, upcoming, agenda, behind)

"""`msheets calendar`: milestones and plan reviews as an iCalendar (.ics) file.

UIDs are stable (plan name + milestone ID), so importing a newer file updates
events instead of duplicating them; DTSTAMP is the as-of date, so the same
plan and date give the same bytes.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from milestone_sheets import contract, i18n
from milestone_sheets.contract.vocab import Health, MilestoneType
from milestone_sheets.read.values import format_money
from milestone_sheets.rules.evaluation import PlanStatus
from milestone_sheets.rules.reviews import ReviewRule, parse_review, review_dates
from milestone_sheets.write.report.common import flags_text, word


def _choice_label(kind: str, english: str, lang: str) -> str:
    for v in contract.CHOICES[kind].values:
        if v.en == english:
            return v(lang)
    return english


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return s or "plan"


def build_calendar(status: PlanStatus) -> bytes:
    """The .ics document: an all-day event per scheduled, not cancelled milestone, and the
    plan reviews as one recurring event (`plan_review_event`)."""
    from icalendar import Calendar, Event

    plan = status.plan
    key = _slug(plan.name)
    stamp = datetime.combine(status.as_of, time(), tzinfo=UTC)
    cal = Calendar()
    cal.add("prodid", "-//msheets//milestone-sheets//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", plan.name)
    currency = plan.settings.currency
    lang = plan.language

    def label(key: str) -> str:
        return contract.column("milestones", key).label(lang)

    for st in status.milestones:
        m = st.milestone
        if m.due is None or st.health == Health.CANCELLED:
            continue
        ev = Event()
        ev.add("uid", f"{key}-{_slug(m.id)}@msheets")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", m.due)
        ev.add("dtend", m.due + timedelta(days=1))
        ev.add("summary", f"{m.id}: {m.name}")
        lines = [(label("owner"), m.owner or "-"),
                 (label("status"), _choice_label("status", m.status, lang)),
                 (i18n.word("health", lang), contract.health_label(st.health, lang))]
        if m.budget is not None:
            lines.append((label("budget"), format_money(m.budget, currency)))
        if m.deliverable:
            lines.append((label("deliverable"), m.deliverable))
        if m.phase:
            lines.append((label("phase"), m.phase))
        if st.flags:
            lines.append((i18n.word("flags", lang), flags_text(status, st.flags, "; ")))
        colon = " :" if lang == "fr" else ":"
        ev.add("description", "\n".join(f"{k}{colon} {v}" for k, v in lines))
        if m.phase:
            ev.add("categories", [m.phase])
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    review = plan_review_event(status, key, stamp)
    if review is not None:
        cal.add_component(review)
    return bytes(cal.to_ical())


REVIEW_HORIZON = timedelta(days=365)  # reviews of a plan without any due date: a year


def _half_cadence(rule: ReviewRule) -> timedelta:
    days = 7 * rule.interval if not rule.months else 30 * rule.months
    return timedelta(days=days / 2)


def review_occurrences(status: PlanStatus) -> tuple[list[date], list[date], date] | None:
    """(dates of the recurring review, those left out, its last day) or None without a
    schedule or a date to hold it.

    The reviews run from the first on or after the plan's start (its earliest Start or Due,
    or the as-of date if earlier) to its last due date, or a year after the as-of date when
    no milestone has a due date. Each Plan review milestone takes out the occurrence nearest
    to it when within half a cadence (a month: 15 days): that milestone is the review of its
    period, perhaps moved a few days, and has an event of its own (or was cancelled).
    """
    plan = status.plan
    rule = parse_review(plan.settings.plan_review)
    if rule is None:
        return None
    starts = [d for st in status.milestones for d in (st.start, st.milestone.due) if d]
    begin = min([*starts, status.as_of])
    dues = [st.milestone.due for st in status.milestones if st.milestone.due]
    until = max(dues) if dues else status.as_of + REVIEW_HORIZON
    dates: list[date] = []
    count = 64
    while True:
        dates = [d for d in review_dates(rule, begin, count, begin) if d <= until]
        if len(dates) < count:
            break
        count *= 4
    if not dates:
        return None
    reviews = [st.milestone.due for st in status.milestones
               if st.milestone.type == MilestoneType.PLAN_REVIEW and st.milestone.due]
    return dates, reviews_left_out(dates, reviews, _half_cadence(rule)), until


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


def plan_review_event(status: PlanStatus, key: str, stamp: datetime) -> Any:
    """The plan reviews as one recurring all-day event: RRULE from the Plan review setting,
    ending (UNTIL) on the plan's last due date, EXDATE where a Plan review milestone is; None
    when there is no review left to show."""
    from icalendar import Event

    found = review_occurrences(status)
    if found is None:
        return None
    dates, left_out, until = found
    if len(left_out) == len(dates):
        return None  # every review is a milestone of the plan
    plan = status.plan
    rule = parse_review(plan.settings.plan_review)
    assert rule is not None
    first = dates[0]
    ev = Event()
    ev.add("uid", f"{key}-plan-review@msheets")
    ev.add("dtstamp", stamp)
    ev.add("dtstart", first)
    ev.add("dtend", first + timedelta(days=1))
    ev.add("summary", word(status, "c_review", plan=plan.name))
    ev.add("description", word(status, "c_review_text", setting=plan.settings.plan_review))
    ev.add("rrule", {**rule.rrule(), "UNTIL": until})
    if left_out:
        ev.add("exdate", left_out)
    return ev

"""`msheets calendar`: milestones and plan reviews as an iCalendar (.ics) file.

UIDs are stable (plan name + milestone ID), so importing a newer file updates
events instead of duplicating them; DTSTAMP is the as-of date, so the same
plan and date give the same bytes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

from milestone_sheets import contract, i18n
from milestone_sheets.contract.formats import format_money
from milestone_sheets.contract.vocab import Health
from milestone_sheets.rules.evaluation import PlanStatus
from milestone_sheets.write.report.common import flags_text, word


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
                 (label("status"), contract.choice_label("status", m.status, lang)),
                 (i18n.word("health", lang), st.health.label(lang))]
        if m.budget is not None:
            lines.append((label("budget"), format_money(m.budget, currency, lang)))
        if m.deliverable:
            lines.append((label("deliverable"), m.deliverable))
        if m.phase:
            lines.append((label("phase"), m.phase))
        if st.flags:
            lines.append((i18n.word("flags", lang), flags_text(status, st.flags, "; ")))
        colon = i18n.word("colon", lang)
        ev.add("description", "\n".join(f"{k}{colon} {v}" for k, v in lines))
        if m.phase:
            ev.add("categories", [m.phase])
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    review = plan_review_event(status, key, stamp)
    if review is not None:
        cal.add_component(review)
    return bytes(cal.to_ical())


def plan_review_event(status: PlanStatus, key: str, stamp: datetime) -> Any:
    """The plan reviews as one recurring all-day event: RRULE from the Plan review setting,
    ending (UNTIL) on the plan's last due date, EXDATE where a Plan review milestone is; None
    when there is no review left to show."""
    from icalendar import Event

    series = status.review.series
    if series is None:
        return None
    if len(series.left_out) == len(series.dates):
        return None  # every review is a milestone of the plan
    plan = status.plan
    first = series.dates[0]
    ev = Event()
    ev.add("uid", f"{key}-plan-review@msheets")
    ev.add("dtstamp", stamp)
    ev.add("dtstart", first)
    ev.add("dtend", first + timedelta(days=1))
    ev.add("summary", word(status, "c_review", plan=plan.name))
    ev.add("description", word(status, "c_review_text", setting=plan.settings.plan_review))
    ev.add("rrule", {**series.rule.rrule(), "UNTIL": series.until})
    if series.left_out:
        ev.add("exdate", series.left_out)
    return ev

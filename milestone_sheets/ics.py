"""`msheets calendar`: milestones and plan reviews as an iCalendar (.ics) file.

UIDs are stable (plan name + milestone ID), so importing a newer file updates
events instead of duplicating them; DTSTAMP is the as-of date, so the same
plan and date give the same bytes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from .parsing import format_money
from .reviews import parse_review, review_dates
from .rules import PlanStatus


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return s or "plan"


def build_calendar(status: PlanStatus) -> bytes:
    """The .ics document: an all-day event per scheduled, not cancelled milestone, and the
    plan reviews as one recurring event."""
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
    for st in status.milestones:
        m = st.milestone
        if m.due is None or st.health == "Cancelled":
            continue
        ev = Event()
        ev.add("uid", f"{key}-{_slug(m.id)}@msheets")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", m.due)
        ev.add("dtend", m.due + timedelta(days=1))
        ev.add("summary", f"{m.id}: {m.name}")
        lines = [f"Owner: {m.owner or '-'}", f"Status: {m.status}", f"Health: {st.health}"]
        if m.budget is not None:
            lines.append(f"Budget: {format_money(m.budget, currency)}")
        if m.deliverable:
            lines.append(f"Deliverable: {m.deliverable}")
        if m.phase:
            lines.append(f"Phase: {m.phase}")
        if st.flags:
            lines.append("Flags: " + "; ".join(st.flags))
        ev.add("description", "\n".join(lines))
        if m.phase:
            ev.add("categories", [m.phase])
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    rule = parse_review(plan.settings.plan_review)
    if rule is not None:
        anchor = min((st.start or st.milestone.due for st in status.milestones
                      if st.start or st.milestone.due), default=status.as_of)
        first = review_dates(rule, min(anchor, status.as_of), 1,  # type: ignore[type-var]
                             min(anchor, status.as_of))[0]  # type: ignore[type-var]
        ev = Event()
        ev.add("uid", f"{key}-plan-review@msheets")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", first)
        ev.add("dtend", first + timedelta(days=1))
        ev.add("summary", f"Plan review: {plan.name}")
        ev.add("description", f"{plan.settings.plan_review}. Agenda: what is overdue, at "
                              "risk or due before the next review, and metrics behind pace.")
        ev.add("rrule", rule.rrule())
        cal.add_component(ev)
    return cal.to_ical()

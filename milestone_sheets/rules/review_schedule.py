"""Plan review schedules: 'Monthly, 2nd Friday', 'Every 2 weeks, Friday',
'Quarterly, 1st Monday', 'Mensuelle, 2e vendredi'. Pure functions."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from milestone_sheets.read.values import normalize_words

WEEKDAYS = {
    "monday": 0, "mon": 0, "lundi": 0,
    "tuesday": 1, "tue": 1, "tues": 1, "mardi": 1,
    "wednesday": 2, "wed": 2, "mercredi": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "jeudi": 3,
    "friday": 4, "fri": 4, "vendredi": 4,
    "saturday": 5, "sat": 5, "samedi": 5,
    "sunday": 6, "sun": 6, "dimanche": 6,
}
ORDINALS = {
    "1": 1, "1st": 1, "first": 1, "1er": 1, "1re": 1, "premier": 1, "premiere": 1,
    "2": 2, "2nd": 2, "second": 2, "2e": 2, "2eme": 2, "deuxieme": 2, "seconde": 2,
    "3": 3, "3rd": 3, "third": 3, "3e": 3, "3eme": 3, "troisieme": 3,
    "4": 4, "4th": 4, "fourth": 4, "4e": 4, "4eme": 4, "quatrieme": 4,
    "last": -1, "dernier": -1, "derniere": -1,
}
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class ReviewRule:
    """Reviews every `interval` weeks on `weekday`, or on the `nth` weekday of every
    `months` months (nth = -1: the last one)."""

    weekday: int
    months: int = 0  # 1 monthly, 3 quarterly; 0 = weekly
    nth: int = 1
    interval: int = 1  # weeks, when weekly

    def rrule(self) -> dict[str, object]:
        """The iCalendar RRULE (as icalendar's vRecur dict) of this schedule."""
        day = RRULE_DAYS[self.weekday]
        if self.months:
            rule: dict[str, object] = {"FREQ": "MONTHLY", "BYDAY": f"{self.nth}{day}"}
            if self.months > 1:
                rule["INTERVAL"] = self.months
            return rule
        rule = {"FREQ": "WEEKLY", "BYDAY": day}
        if self.interval > 1:
            rule["INTERVAL"] = self.interval
        return rule


def parse_review(text: str | None) -> ReviewRule | None:
    """The schedule a Plan review setting describes, or None when it says none."""
    if not text:
        return None
    s = normalize_words(text)
    words = [w for w in re.split(r"[\s,;:/\-]+", s) if w]
    weekday = next((WEEKDAYS[w] for w in words if w in WEEKDAYS), None)
    if weekday is None:
        return None
    nth = next((ORDINALS[w] for w in words if w in ORDINALS and not w.isdigit()), None)
    if any(w.startswith(("quarter", "trimest")) for w in words):
        return ReviewRule(weekday, months=3, nth=nth or 1)
    if any(w.startswith(("month", "mensuel", "mois")) for w in words):
        return ReviewRule(weekday, months=1, nth=nth or 1)
    if any(w in ("fortnightly", "biweekly", "quinzaine") for w in words):
        return ReviewRule(weekday, interval=2)
    m = re.search(r"(\d+)\s*(?:weeks|semaines)", s)
    if m:
        return ReviewRule(weekday, interval=max(1, int(m[1])))
    if any(w.startswith(("week", "hebdo", "semaine")) for w in words):
        return ReviewRule(weekday, interval=1)
    if nth is not None:
        return ReviewRule(weekday, months=1, nth=nth)
    return ReviewRule(weekday, interval=1)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth == -1:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    d = first + timedelta(days=(weekday - first.weekday()) % 7) + timedelta(weeks=nth - 1)
    if d.month != month:  # a 5th weekday that does not exist: use the last one
        return nth_weekday(year, month, weekday, -1)
    return d


def first_on_or_after(d: date, weekday: int) -> date:
    return d + timedelta(days=(weekday - d.weekday()) % 7)


def review_dates(rule: ReviewRule, start: date, count: int, anchor: date) -> list[date]:
    """The first `count` review dates on or after `start`.

    Monthly and quarterly reviews fall in calendar months (quarterly: January, April,
    July, October). Weekly cadences count from the first review on or after `anchor`.
    """
    out: list[date] = []
    if rule.months:
        y, m = start.year, start.month
        if rule.months == 3:
            m = ((m - 1) // 3) * 3 + 1
        while len(out) < count:
            d = nth_weekday(y, m, rule.weekday, rule.nth)
            if d >= start:
                out.append(d)
            m += rule.months
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        return out
    first = first_on_or_after(anchor, rule.weekday)
    step = 7 * rule.interval
    if first < start:
        periods = -(-(start - first).days // step)
        first += timedelta(days=periods * step)
    return [first + timedelta(days=i * step) for i in range(count)]

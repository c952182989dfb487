"""What the text, markdown, terminal and HTML reports share: the headline, the tables, and
how they show money, shares, metric values, health and rollup groups in the plan's
language. The JSON document is `json.py`."""

from __future__ import annotations

import functools
import math
from datetime import date

from milestone_sheets import i18n
from milestone_sheets.contract.formats import format_money
from milestone_sheets.contract.vocab import Flag, Health
from milestone_sheets.model import Metric
from milestone_sheets.rules.evaluation import PlanStatus
from milestone_sheets.write.report.json import iso_date

# The text, markdown and HTML reports speak the plan's language (i18n.WORDS); the JSON
# document keeps the English names of contract section 6.


def word(status: PlanStatus, key: str, **values: object) -> str:
    """A report word in the plan's language, its {placeholders} filled."""
    text = i18n.word(key, status.plan.language)
    return text.format(**values) if values else text


def percent(x: float | None, lang: str) -> str:
    """A share as a whole percentage: "42%", "42 %" in French; "-" when unknown."""
    if x is None or not math.isfinite(x):
        return "-"
    return i18n.format_number(x, ".0%", lang)


def _ratio(x: float | None, lang: str) -> str:
    return "-" if x is None else i18n.format_number(x, ".2f", lang)


def metric_value(x: float | None, metric: Metric, lang: str) -> str:
    """A metric's value as its sheet shows it: a % metric's fraction as a percentage
    (0.021 -> 2.1%), other values as typed."""
    if x is None:
        return "-"
    if not metric.is_percent:
        return i18n.format_number(x, "g", lang)
    points = f"{x * 100:.2f}".rstrip("0").rstrip(".")  # at most 2 decimals, none trailing
    return i18n.format_number(x, f".{len(points.partition('.')[2])}%", lang)


def flags_text(status: PlanStatus, flags: list[Flag], sep: str = ", ") -> str:
    return sep.join(f.label(status.plan.language) for f in flags)


def headline(status: PlanStatus) -> list[tuple[str, str]]:
    t, cur = status.budget.totals, status.plan.settings.currency
    counts = status.totals
    lang = status.plan.language
    review = status.review.next_review

    def money(x: float) -> str:
        return format_money(x, cur, lang)

    return [
        (word(status, "milestones"), word(
            status, "r_milestones_line", n=counts["milestones"], done=counts["done"],
            overdue=counts["overdue"], at_risk=counts["at_risk"], due_soon=counts["due_soon"])),
        (word(status, "budget"), word(
            status, "r_budget_line", planned=money(t.planned), actual=money(t.actual),
            variance=money(t.variance))),
        (word(status, "earned_value"), word(
            status, "r_ev_line", ev=money(t.earned_value), pv=money(t.planned_value),
            cpi=_ratio(status.budget.cpi, lang), spi=_ratio(status.budget.spi, lang))),
        (word(status, "r_complete"), percent(status.budget.percent_complete, lang)),
        (word(status, "r_next_review"), review.isoformat() if review
         else word(status, "r_none_scheduled")),
    ]


def sections(status: PlanStatus) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) tables shared by the text and markdown reports."""
    lang = status.plan.language
    w = functools.partial(word, status)
    out: list[tuple[str, list[str], list[list[str]]]] = []
    hc = [[h.label(lang), str(n)] for h, n in status.health_counts().items() if n]
    out.append((w("health"), [w("health"), w("milestones")], hc))
    order = (Health.OVERDUE, Health.AT_RISK, Health.DUE_SOON)
    late = [st for st in status.milestones if st.health in order]
    late.sort(key=lambda st: (order.index(st.health),
                              st.milestone.due or date.max))
    out.append((w("r_needs_attention"),
                [w("id"), w("milestone"), w("owner"), w("due"), w("health"), w("flags")],
                [[st.milestone.id, st.milestone.name, st.milestone.owner or "-",
                  iso_date(st.milestone.due) or "-", st.health.label(lang),
                  flags_text(status, st.flags)] for st in late]))
    over = [w_ for w_ in status.workload if w_.overloaded]
    out.append((w("overloaded"), [w("owner"), w("peak"), w("r_peak_week"), w("open")],
                [[o.owner, percent(o.peak_load, lang), iso_date(o.peak_week) or "-",
                  str(o.open)] for o in over]))
    out.append((w("metrics"), [w("r_metric"), w("current"), w("target"), w("progress"),
                               w("expected"), w("status")],
                [[ms.metric.name, metric_value(ms.current, ms.metric, lang),
                  metric_value(ms.metric.target, ms.metric, lang), percent(ms.progress, lang),
                  percent(ms.expected, lang), ms.status.label(lang)]
                 for ms in status.metrics]))
    r = status.review
    out.append((w("r_agenda_of", date=iso_date(r.next_review) or "-"),
                [w("r_item"), w("owner"), w("due"), w("health")],
                [[f"{st.milestone.id} {st.milestone.name}", st.milestone.owner or "-",
                  iso_date(st.milestone.due) or "-", st.health.label(lang)]
                 for st in r.agenda_milestones]
                + [[w("r_metric_item", name=ms.metric.name), ms.metric.owner or "-",
                    iso_date(ms.metric.target_date) or "-",
                    ms.status.label(lang)] for ms in r.agenda_metrics]))
    return out

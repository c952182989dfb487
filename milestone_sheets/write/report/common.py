"""Reports of a PlanStatus: the JSON document (contract section 6), text, markdown."""

from __future__ import annotations

import functools
import math
from datetime import date

from milestone_sheets import contract, i18n
from milestone_sheets.contract.vocab import Flag, Health
from milestone_sheets.model import Metric
from milestone_sheets.read.values import format_money
from milestone_sheets.rules.evaluation import PlanStatus
from milestone_sheets.write.report.json import iso_date

# --------------------------------------------------------------------------- text
# The text, markdown and HTML reports speak the plan's language (i18n.WORDS); the JSON
# document keeps the English names of contract section 6.


def word(status: PlanStatus, key: str, **values: object) -> str:
    """A report word in the plan's language, its {placeholders} filled."""
    text = i18n.word(key, status.plan.language)
    return text.format(**values) if values else text


def _pct(x: float | None, lang: str = "en") -> str:
    if x is None or not math.isfinite(x):
        return "-"
    return f"{x:.0%}".replace("%", " %") if lang == "fr" else f"{x:.0%}"


def _ratio(x: float | None, lang: str = "en") -> str:
    text = "-" if x is None else f"{x:.2f}"
    return text.replace(".", ",") if lang == "fr" else text


def metric_value(x: float | None, metric: Metric, lang: str = "en") -> str:
    """A metric's value as its sheet shows it: a % metric's fraction as a percentage
    (0.021 -> 2.1%), other values as typed."""
    if x is None:
        return "-"
    if metric.is_percent:
        text = f"{x * 100:.2f}".rstrip("0").rstrip(".") + "%"
    else:
        text = f"{x:g}"
    if lang == "fr":
        text = text.replace(".", ",").replace("%", " %")
    return text


def health_text(status: PlanStatus, health: str) -> str:
    return contract.health_label(health, status.plan.language)


def flags_text(status: PlanStatus, flags: list[Flag], sep: str = ", ") -> str:
    return sep.join(f.label(status.plan.language) for f in flags)


def headline(status: PlanStatus) -> list[tuple[str, str]]:
    t, cur = status.budget.totals, status.plan.settings.currency
    counts = status.totals
    lang = status.plan.language
    review = status.review.next_review
    return [
        (word(status, "milestones"), word(
            status, "r_milestones_line", n=counts["milestones"], done=counts["done"],
            overdue=counts["overdue"], at_risk=counts["at_risk"], due_soon=counts["due_soon"])),
        (word(status, "budget"), word(
            status, "r_budget_line", planned=format_money(t.planned, cur),
            actual=format_money(t.actual, cur), variance=format_money(t.variance, cur))),
        (word(status, "earned_value"), word(
            status, "r_ev_line", ev=format_money(t.earned_value, cur),
            pv=format_money(t.planned_value, cur), cpi=_ratio(status.budget.cpi, lang),
            spi=_ratio(status.budget.spi, lang))),
        (word(status, "r_complete"), _pct(status.budget.percent_complete, lang)),
        (word(status, "r_next_review"), review.isoformat() if review
         else word(status, "r_none_scheduled")),
    ]


def sections(status: PlanStatus) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) tables shared by the text and markdown reports."""
    lang = status.plan.language
    w = functools.partial(word, status)
    out: list[tuple[str, list[str], list[list[str]]]] = []
    hc = [[health_text(status, h), str(n)] for h, n in status.health_counts().items() if n]
    out.append((w("health"), [w("health"), w("milestones")], hc))
    order = (Health.OVERDUE, Health.AT_RISK, Health.DUE_SOON)
    late = [st for st in status.milestones if st.health in order]
    late.sort(key=lambda st: (order.index(st.health),
                              st.milestone.due or date.max))
    out.append((w("r_needs_attention"),
                [w("id"), w("milestone"), w("owner"), w("due"), w("health"), w("flags")],
                [[st.milestone.id, st.milestone.name, st.milestone.owner or "-",
                  iso_date(st.milestone.due) or "-", health_text(status, st.health),
                  flags_text(status, st.flags)] for st in late]))
    over = [w_ for w_ in status.workload if w_.overloaded]
    out.append((w("overloaded"), [w("owner"), w("peak"), w("r_peak_week"), w("open")],
                [[o.owner, _pct(o.peak_load, lang), iso_date(o.peak_week) or "-", str(o.open)]
                 for o in over]))
    out.append((w("metrics"), [w("r_metric"), w("current"), w("target"), w("progress"),
                               w("expected"), w("status")],
                [[ms.metric.name, metric_value(ms.current, ms.metric, lang),
                  metric_value(ms.metric.target, ms.metric, lang), _pct(ms.progress, lang),
                  _pct(ms.expected, lang), contract.metric_status_label(ms.status, lang)]
                 for ms in status.metrics]))
    r = status.review
    out.append((w("r_agenda_of", date=iso_date(r.next_review) or "-"),
                [w("r_item"), w("owner"), w("due"), w("health")],
                [[f"{st.milestone.id} {st.milestone.name}", st.milestone.owner or "-",
                  iso_date(st.milestone.due) or "-", health_text(status, st.health)]
                 for st in r.agenda_milestones]
                + [[w("r_metric_item", name=ms.metric.name), ms.metric.owner or "-",
                    iso_date(ms.metric.target_date) or "-",
                    contract.metric_status_label(ms.status, lang)] for ms in r.agenda_metrics]))
    return out


def cut(text: str, width: int | None) -> str:
    """`text` in at most `width` characters, cut with an ellipsis; whole when width is None."""
    if width is None or len(text) <= width:
        return text
    return text[:max(width - 1, 0)] + "…"

"""Reports of a PlanStatus: the JSON document (contract section 6), text, markdown."""

from __future__ import annotations

import functools
import math
from datetime import date
from typing import Any

from . import schema
from .model import Metric
from .parsing import format_money
from .rules import Money, PlanStatus


def _num(x: float | None, digits: int = 2) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    r = round(x, digits)
    return 0.0 if r == 0 else r


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _money_row(g: Money) -> dict[str, Any]:
    return {"key": g.key, "planned": _num(g.planned), "actual": _num(g.actual),
            "variance": _num(g.variance), "earned_value": _num(g.earned_value),
            "planned_value": _num(g.planned_value)}


def dumps(doc: Any, indent: bool) -> str:
    """JSON text of a report document: UTF-8 as is, NaN and infinity as null, indented by
    two spaces or compact. orjson writes a 10,000-milestone report five times faster than
    the standard library."""
    import orjson

    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 if indent else 0).decode()


def to_json(status: PlanStatus) -> dict[str, Any]:
    """The report document of contract section 6 (extra keys are additions)."""
    plan = status.plan
    b = status.budget
    totals = status.totals
    for k in ("planned", "actual", "variance", "earned_value", "planned_value"):
        totals[k] = _num(totals[k])  # type: ignore[arg-type]  # a money key: a number
    for k in ("cpi", "spi", "percent_complete"):
        totals[k] = _num(totals[k], 4)  # type: ignore[arg-type]  # a share: a number or None
    return {
        "plan": plan.name,
        "as_of": status.as_of.isoformat(),
        "currency": plan.settings.currency,
        "language": plan.language,
        "next_review": _iso(status.review.next_review),
        "totals": totals,
        "health_counts": status.health_counts(),
        "milestones": [
            {
                "id": st.milestone.id, "row": st.milestone.row, "name": st.milestone.name,
                "phase": st.milestone.phase, "strategy": st.milestone.strategy,
                "tactic": st.milestone.tactic, "type": st.milestone.type,
                "owner": st.milestone.owner, "start": _iso(st.milestone.start),
                "due": _iso(st.milestone.due), "status": st.milestone.status,
                "health": st.health, "slack_days": st.slack, "slip_days": st.slip,
                "budget": _num(st.milestone.budget), "actual": _num(st.milestone.actual),
                "percent_complete": _num(st.pct, 4), "deliverable": st.milestone.deliverable,
                "depends_on": st.milestone.depends_on, "flags": list(st.flags),
            }
            for st in status.milestones
        ],
        "budget": {k: [_money_row(g) for g in rows] for k, rows in b.rollups.items()},
        "workload": [
            {
                "owner": w.owner, "in_team": w.known, "capacity": _num(w.capacity),
                "open": w.open, "overdue": w.overdue, "due_soon": w.due_soon,
                "budget": _num(w.budget), "peak_load": _num(w.peak_load, 4),
                "peak_week": _iso(w.peak_week), "overloaded": w.overloaded,
                "weeks": [{"week": wl.week.isoformat(), "hours": _num(wl.hours),
                           "load": _num(wl.load, 4)} for wl in w.weeks],
            }
            for w in status.workload
        ],
        "metrics": [
            {
                "metric": ms.metric.name, "unit": ms.metric.unit, "direction": ms.direction,
                "baseline": ms.metric.baseline, "target": ms.metric.target,
                "target_date": _iso(ms.metric.target_date), "current": ms.current,
                "progress": _num(ms.progress, 4), "expected": _num(ms.expected, 4),
                "status": ms.status,
            }
            for ms in status.metrics
        ],
        "review": {
            "setting": status.review.setting,
            "next_review": _iso(status.review.next_review),
            "following_review": _iso(status.review.following),
            "agenda": [{"id": st.milestone.id, "name": st.milestone.name,
                        "owner": st.milestone.owner, "due": _iso(st.milestone.due),
                        "health": st.health} for st in status.review.agenda_milestones],
            "metrics": [ms.metric.name for ms in status.review.agenda_metrics],
        },
        "issues": [i.to_json() for i in plan.issues],
    }


# --------------------------------------------------------------------------- text
# The text, markdown and HTML reports speak the plan's language (schema.WORDS); the JSON
# document keeps the English names of contract section 6.


def word(status: PlanStatus, key: str, **values: object) -> str:
    """A report word in the plan's language, its {placeholders} filled."""
    text = schema.word(key, status.plan.language)
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
    return schema.health_label(health, status.plan.language)


def flags_text(status: PlanStatus, flags: list[str], sep: str = ", ") -> str:
    from .managed_sheets import flag_label

    return sep.join(flag_label(f, status.plan.language) for f in flags)


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
    late = [st for st in status.milestones if st.health in ("Overdue", "At risk", "Due soon")]
    late.sort(key=lambda st: (("Overdue", "At risk", "Due soon").index(st.health),
                              st.milestone.due or date.max))
    out.append((w("r_needs_attention"),
                [w("id"), w("milestone"), w("owner"), w("due"), w("health"), w("flags")],
                [[st.milestone.id, st.milestone.name, st.milestone.owner or "-",
                  _iso(st.milestone.due) or "-", health_text(status, st.health),
                  flags_text(status, st.flags)] for st in late]))
    over = [w_ for w_ in status.workload if w_.overloaded]
    out.append((w("overloaded"), [w("owner"), w("peak"), w("r_peak_week"), w("open")],
                [[o.owner, _pct(o.peak_load, lang), _iso(o.peak_week) or "-", str(o.open)]
                 for o in over]))
    out.append((w("metrics"), [w("r_metric"), w("current"), w("target"), w("progress"),
                               w("expected"), w("status")],
                [[ms.metric.name, metric_value(ms.current, ms.metric, lang),
                  metric_value(ms.metric.target, ms.metric, lang), _pct(ms.progress, lang),
                  _pct(ms.expected, lang), schema.metric_status_label(ms.status, lang)]
                 for ms in status.metrics]))
    r = status.review
    out.append((w("r_agenda_of", date=_iso(r.next_review) or "-"),
                [w("r_item"), w("owner"), w("due"), w("health")],
                [[f"{st.milestone.id} {st.milestone.name}", st.milestone.owner or "-",
                  _iso(st.milestone.due) or "-", health_text(status, st.health)]
                 for st in r.agenda_milestones]
                + [[w("r_metric_item", name=ms.metric.name), ms.metric.owner or "-",
                    _iso(ms.metric.target_date) or "-",
                    schema.metric_status_label(ms.status, lang)] for ms in r.agenda_metrics]))
    return out


def cut(text: str, width: int | None) -> str:
    """`text` in at most `width` characters, cut with an ellipsis; whole when width is None."""
    if width is None or len(text) <= width:
        return text
    return text[:max(width - 1, 0)] + "…"


def to_text(status: PlanStatus, width: int | None = None) -> str:
    """A plain-text summary a manager reads in ten seconds. Cells are whole (a file, a pipe)
    unless `width` caps them, with an ellipsis where cut."""
    lines = [word(status, "r_as_of", plan=status.plan.name, date=status.as_of.isoformat()), ""]
    pad = max(len(k) for k, _ in headline(status))
    lines += [f"{k.ljust(pad)}  {v}" for k, v in headline(status)]
    for title, header, rows in sections(status):
        if not rows:
            continue
        lines += ["", title]
        table = [[cut(str(c), width) for c in r] for r in [header, *rows]]
        widths = [max(len(x) for x in col) for col in zip(*table, strict=False)]
        for r in table:
            lines.append("  " + "  ".join(c.ljust(w) for c, w in
                                          zip(r, widths, strict=False)).rstrip())
    errors = len(status.plan.errors)
    warnings = sum(1 for i in status.plan.issues if i.severity == "warning")
    if errors or warnings:
        lines += ["", word(status, "r_problems", errors=errors, warnings=warnings)]
    return "\n".join(lines) + "\n"


def _md_escape(text: object) -> str:
    s = str(text)
    for ch in "\\`*_[]<>|#":
        s = s.replace(ch, "\\" + ch)
    return s.replace("\n", " ")


def to_markdown(status: PlanStatus) -> str:
    """A one-file stakeholder report in Markdown (cell text escaped)."""
    out = [f"# {_md_escape(status.plan.name)}", "",
           word(status, "r_as_of_line", date=status.as_of.isoformat()), ""]
    colon = " :" if status.plan.language == "fr" else ":"
    out += [f"- **{k}{colon}** {_md_escape(v)}" for k, v in headline(status)]
    for title, header, rows in sections(status):
        if not rows:
            continue
        out += ["", f"## {_md_escape(title)}", "",
                "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(_md_escape(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"

"""`msheets report --format html`: one self-contained file (inline CSS and SVG, no internet).

Every piece of cell text is escaped: a milestone named '<script>' shows as that text.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from html import escape

from milestone_sheets import contract, i18n
from milestone_sheets.contract.formats import format_money
from milestone_sheets.contract.vocab import Health, MetricHealth
from milestone_sheets.rules.evaluation import PlanStatus
from milestone_sheets.write.report import cut
from milestone_sheets.write.report.common import (
    flags_text,
    headline,
    metric_value,
    percent,
    word,
)

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,Arial,sans-serif;margin:0;
color:#1b1b1b;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;color:HEADER_BLUE}h2{color:HEADER_BLUE;margin-top:32px}
.muted{color:#666}.tiles{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}
.tile{background:#fff;border-radius:8px;padding:12px 16px;min-width:150px;
box-shadow:0 1px 2px rgba(0,0,0,.08)}
.tile b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:6px 8px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
th{background:HEADER_BLUE;color:#fff}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px}
svg text{font-size:11px;font-family:inherit}
@media (max-width:600px){main{padding:10px}.tile{min-width:120px}}
""".replace("HEADER_BLUE", "#" + contract.HEADER_BLUE)


def _pill(health: Health | MetricHealth, lang: str = "en") -> str:
    """A milestone's health or a metric's status on its colour, in the plan's language."""
    if isinstance(health, MetricHealth):
        bg = contract.METRIC_STATUS_COLOURS[health]
    else:
        bg = contract.HEALTH_COLOURS[health]
    label = health.label(lang)
    fg = "#fff" if health in (Health.DONE, MetricHealth.ACHIEVED) else "#000"
    return f'<span class="pill" style="background:#{bg};color:{fg}">{escape(label)}</span>'


def _health_bar(status: PlanStatus) -> str:
    lang = status.plan.language
    counts = [(h, n) for h, n in status.health_counts().items() if n]
    total = sum(n for _, n in counts) or 1
    x, parts, legend = 0.0, [], []
    for h, n in counts:
        w = 1000 * n / total
        parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="28" '
                     f'fill="#{contract.HEALTH_COLOURS[h]}"><title>'
                     f'{escape(h.label(lang))}: {n}</title></rect>')
        x += w
        legend.append(f"{_pill(h, lang)} {n}")
    return (f'<svg viewBox="0 0 1000 28" width="100%" height="28" role="img" '
            f'aria-label="{escape(word(status, "health"))}">{"".join(parts)}</svg>'
            f'<p>{" &nbsp; ".join(legend)}</p>')


def _budget_bars(status: PlanStatus) -> str:
    groups = status.budget.rollups["by_phase"]
    cur, lang = status.plan.settings.currency, status.plan.language
    top = max([max(g.planned, g.actual) for g in groups] + [1])
    rows, y = [], 0
    over, under = contract.TODAY_RED, contract.UNDER_BUDGET_GREEN
    for g in groups:
        wp, wa = 600 * g.planned / top, 600 * g.actual / top
        name = contract.group_label("by_phase", g.key, lang)
        rows.append(
            f'<text x="0" y="{y + 14}">{escape(name[:28])}</text>'
            f'<rect x="200" y="{y + 2}" width="{wp:.1f}" height="10" '
            f'fill="#{contract.PLANNED_BLUE}"/>'
            f'<rect x="200" y="{y + 14}" width="{wa:.1f}" height="10" '
            f'fill="#{over if g.actual > g.planned else under}"/>'
            f'<text x="{205 + max(wp, wa):.1f}" y="{y + 18}">'
            f'{escape(format_money(g.planned, cur, lang))} / '
            f'{escape(format_money(g.actual, cur, lang))}'
            f"</text>")
        y += 32
    return (f'<svg viewBox="0 0 1000 {max(y, 20)}" width="100%" role="img" '
            f'aria-label="{escape(word(status, "r_budget_by_phase"))}">{"".join(rows)}</svg>'
            f'<p class="muted">{escape(word(status, "r_budget_legend"))}</p>')


def _timeline(status: PlanStatus, limit: int = 60) -> str:
    dated = [(s.start or due, due, s) for s in status.milestones
             if (due := s.milestone.due) is not None]
    dated.sort(key=lambda t: (t[0], t[1]))
    dated = dated[:limit]
    items = [s for _, _, s in dated]
    if not items:
        return f"<p>{escape(word(status, 'r_no_scheduled'))}</p>"
    lang = status.plan.language
    first = min(min(start for start, _, _ in dated), status.as_of)
    last = max(max(due for _, due, _ in dated), status.as_of)
    span = max((last - first).days, 1)

    def x(d: date) -> float:
        return 260 + 720 * (d - first).days / span

    rows = []
    for i, (start, due, s) in enumerate(dated):
        m, y = s.milestone, 20 + i * 18
        x0, x1 = x(start), x(due)
        rows.append(f'<text x="0" y="{y + 10}">{escape(cut(m.id + " " + m.name, 40))}</text>'
                    f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 3):.1f}" height="12" '
                    f'rx="2" fill="#{contract.HEALTH_COLOURS[s.health]}"><title>'
                    f'{escape(m.name)}: {escape(s.health.label(lang))}, '
                    f'{escape(word(status, "r_due_on", date=m.due))}</title></rect>')
    h = 20 + len(items) * 18
    today = x(status.as_of)
    red = contract.TODAY_RED
    marks = [f'<line x1="{today:.1f}" x2="{today:.1f}" y1="0" y2="{h}" stroke="#{red}" '
             f'stroke-dasharray="4 3"/><text x="{today + 3:.1f}" y="10" fill="#{red}">'
             f'{escape(word(status, "today").lower())}</text>']
    for d in status.review.upcoming:
        if first <= d <= last:
            marks.append(f'<line x1="{x(d):.1f}" x2="{x(d):.1f}" y1="12" y2="{h}" '
                         f'stroke="#{contract.REVIEW_PURPLE}" stroke-width="0.6"/>')
    month = date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            # "Sep 2026": "Sep 26" reads as the 26th of September
            marks.append(f'<text x="{x(month):.1f}" y="{h + 12}" fill="#666">'
                         f"{escape(i18n.month_year(month, lang))}</text>")
        month = (month + timedelta(days=32)).replace(day=1)
    return (f'<svg viewBox="0 0 1000 {h + 16}" width="100%" role="img" '
            f'aria-label="{escape(word(status, "r_timeline"))}">'
            f'{"".join(rows)}{"".join(marks)}</svg>'
            f'<p class="muted">{escape(word(status, "r_timeline_legend"))}</p>')


def _progress(share: float | None, lang: str) -> str:
    if share is None or not math.isfinite(share):
        return "-"
    w = max(0.0, min(1.0, share)) * 120
    shown = escape(percent(share, lang))
    return (f'<svg width="124" height="12" role="img" aria-label="{shown}"><rect width="120" '
            f'height="12" fill="#eee"/><rect width="{w:.1f}" height="12" '
            f'fill="#{contract.PLANNED_BLUE}"/></svg> '
            f"{shown}")


def to_html(status: PlanStatus) -> str:
    """A one-file stakeholder report, in the plan's language."""
    plan = status.plan
    lang = plan.language

    def w(key: str, **values: object) -> str:
        return escape(word(status, key, **values))

    tiles = "".join(f'<div class="tile"><span class="muted">{escape(k)}</span><b>'
                    f"{escape(v.split(' (')[0])}</b><span class='muted'>"
                    f"{escape(v[len(v.split(' (')[0]):])}</span></div>"
                    for k, v in headline(status))
    attention = [s for s in status.milestones if s.health in (Health.OVERDUE, Health.AT_RISK)]
    attention.sort(key=lambda s: (s.health != Health.OVERDUE, s.milestone.due or date.max))
    rows = "".join(
        f"<tr><td>{escape(s.milestone.id)}</td><td>{escape(s.milestone.name)}</td>"
        f"<td>{escape(s.milestone.owner or '-')}</td><td>{s.milestone.due or '-'}</td>"
        f"<td>{_pill(s.health, lang)}</td><td>{escape(flags_text(status, s.flags, '; '))}</td>"
        "</tr>" for s in attention) or f'<tr><td colspan="6">{w("r_nothing_overdue")}</td></tr>'
    metrics = "".join(
        f"<tr><td>{escape(m.metric.name)}</td>"
        f"<td>{escape(metric_value(m.current, m.metric, lang))}</td>"
        f"<td>{escape(metric_value(m.metric.target, m.metric, lang))}</td>"
        f"<td>{_progress(m.progress, lang)}</td><td>{_progress(m.expected, lang)}</td>"
        f"<td>{_pill(m.status, lang)}</td></tr>" for m in status.metrics
    ) or f'<tr><td colspan="6">{w("r_no_metrics")}</td></tr>'
    r = status.review
    agenda = "".join(f"<li>{escape(s.milestone.id)} {escape(s.milestone.name)} "
                     f"({escape(s.milestone.owner or '-')}, "
                     f"{w('r_due_on', date=s.milestone.due)}) {_pill(s.health, lang)}</li>"
                     for s in r.agenda_milestones)
    agenda += "".join(f"<li>{w('r_metric_item', name=m.metric.name)} "
                      f"{_pill(m.status, lang)}</li>" for m in r.agenda_metrics)
    issues = len(plan.errors)
    errors = f" &middot; {w('r_errors_in_workbook', n=issues)}" if issues else ""
    review = r.next_review.isoformat() if r.next_review else word(status, "r_none_scheduled")
    th = "".join(f"<th>{w(k)}</th>" for k in ("id", "milestone", "owner", "due", "health",
                                               "flags"))
    mh = "".join(f"<th>{w(k)}</th>" for k in ("r_metric", "current", "target", "progress",
                                               "expected", "status"))
    return f"""<!doctype html>
<html lang="{escape(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(plan.name)}</title><style>{CSS}</style></head>
<body><main>
<h1>{escape(plan.name)}</h1>
<div class="muted">{w("r_as_of_line", date=status.as_of.isoformat())} &middot;
{escape(plan.settings.currency)}{errors}</div>
<div class="tiles">{tiles}</div>
<h2>{w("health")}</h2>{_health_bar(status)}
<h2>{w("r_budget_by_phase")}</h2>{_budget_bars(status)}
<h2>{w("r_timeline")}</h2>{_timeline(status)}
<h2>{w("r_overdue_at_risk")}</h2>
<table><tr>{th}</tr>{rows}</table>
<h2>{w("metrics")}</h2>
<table><tr>{mh}</tr>{metrics}</table>
<h2>{w("r_next_review_on", date=review)}</h2>
<ul>{agenda or f"<li>{w('r_nothing_on_agenda')}</li>"}</ul>
<p class="muted">{w("r_made_from", file=plan.path.name)}</p>
</main></body></html>
"""

"""`msheets report --format html`: one self-contained file (inline CSS and SVG, no internet).

Every piece of cell text is escaped: a milestone named '<script>' shows as that text.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from html import escape

from . import schema
from .parsing import format_money
from .report import headline
from .rules import PlanStatus

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,Arial,sans-serif;margin:0;
color:#1b1b1b;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;color:#1F4E78}h2{color:#1F4E78;margin-top:32px}
.muted{color:#666}.tiles{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}
.tile{background:#fff;border-radius:8px;padding:12px 16px;min-width:150px;
box-shadow:0 1px 2px rgba(0,0,0,.08)}
.tile b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:6px 8px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
th{background:#1F4E78;color:#fff}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px}
svg text{font-size:11px;font-family:inherit}
@media (max-width:600px){main{padding:10px}.tile{min-width:120px}}
"""


def _pill(health: str) -> str:
    bg = schema.HEALTH_COLOURS.get(health) or schema.METRIC_STATUS_COLOURS.get(health, "DDDDDD")
    fg = "#fff" if health in ("Done", "Achieved") else "#000"
    return f'<span class="pill" style="background:#{bg};color:{fg}">{escape(health)}</span>'


def _health_bar(status: PlanStatus) -> str:
    counts = [(h, n) for h, n in status.health_counts().items() if n]
    total = sum(n for _, n in counts) or 1
    x, parts, legend = 0.0, [], []
    for h, n in counts:
        w = 1000 * n / total
        parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="28" '
                     f'fill="#{schema.HEALTH_COLOURS[h]}"><title>{escape(h)}: {n}</title></rect>')
        x += w
        legend.append(f"{_pill(h)} {n}")
    return (f'<svg viewBox="0 0 1000 28" width="100%" height="28" role="img" '
            f'aria-label="health">{"".join(parts)}</svg><p>{" &nbsp; ".join(legend)}</p>')


def _budget_bars(status: PlanStatus) -> str:
    groups = status.budget.rollups["by_phase"]
    cur = status.plan.settings.currency
    top = max([max(g.planned, g.actual) for g in groups] + [1])
    rows, y = [], 0
    for g in groups:
        wp, wa = 600 * g.planned / top, 600 * g.actual / top
        rows.append(
            f'<text x="0" y="{y + 14}">{escape(g.key[:28])}</text>'
            f'<rect x="200" y="{y + 2}" width="{wp:.1f}" height="10" fill="#5B9BD5"/>'
            f'<rect x="200" y="{y + 14}" width="{wa:.1f}" height="10" '
            f'fill="{"#C00000" if g.actual > g.planned else "#A9D18E"}"/>'
            f'<text x="{205 + max(wp, wa):.1f}" y="{y + 18}">'
            f'{escape(format_money(g.planned, cur))} / {escape(format_money(g.actual, cur))}'
            f"</text>")
        y += 32
    return (f'<svg viewBox="0 0 1000 {max(y, 20)}" width="100%" role="img" '
            f'aria-label="budget by phase">{"".join(rows)}</svg>'
            '<p class="muted">Blue: planned; green: spent (red when over plan).</p>')


def _timeline(status: PlanStatus, limit: int = 60) -> str:
    items = [s for s in status.milestones if s.milestone.due]
    items.sort(key=lambda s: (s.start or s.milestone.due, s.milestone.due))
    items = items[:limit]
    if not items:
        return "<p>No scheduled milestones.</p>"
    first = min(min(s.start or s.milestone.due for s in items), status.as_of)  # type: ignore
    last = max(max(s.milestone.due for s in items), status.as_of)  # type: ignore
    span = max((last - first).days, 1)

    def x(d: date) -> float:
        return 260 + 720 * (d - first).days / span

    rows = []
    for i, s in enumerate(items):
        m, y = s.milestone, 20 + i * 18
        x0, x1 = x(s.start or m.due), x(m.due)  # type: ignore[arg-type]
        rows.append(f'<text x="0" y="{y + 10}">{escape((m.id + " " + m.name)[:40])}</text>'
                    f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 3):.1f}" height="12" '
                    f'rx="2" fill="#{schema.HEALTH_COLOURS[s.health]}"><title>'
                    f'{escape(m.name)}: {escape(s.health)}, due {m.due}</title></rect>')
    h = 20 + len(items) * 18
    today = x(status.as_of)
    marks = [f'<line x1="{today:.1f}" x2="{today:.1f}" y1="0" y2="{h}" stroke="#C00000" '
             f'stroke-dasharray="4 3"/><text x="{today + 3:.1f}" y="10" fill="#C00000">today'
             "</text>"]
    for d in status.review.upcoming:
        if first <= d <= last:
            marks.append(f'<line x1="{x(d):.1f}" x2="{x(d):.1f}" y1="12" y2="{h}" '
                         f'stroke="#7030A0" stroke-width="0.6"/>')
    month = date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            marks.append(f'<text x="{x(month):.1f}" y="{h + 12}" fill="#666">'
                         f'{month.strftime("%b %y")}</text>')
        month = (month + timedelta(days=32)).replace(day=1)
    return (f'<svg viewBox="0 0 1000 {h + 16}" width="100%" role="img" aria-label="timeline">'
            f'{"".join(rows)}{"".join(marks)}</svg>'
            '<p class="muted">Dashed red: today; purple: plan reviews.</p>')


def _progress(share: float | None) -> str:
    if share is None or not math.isfinite(share):
        return "-"
    w = max(0.0, min(1.0, share)) * 120
    return (f'<svg width="124" height="12" role="img" aria-label="{share:.0%}"><rect width="120" '
            f'height="12" fill="#eee"/><rect width="{w:.1f}" height="12" fill="#5B9BD5"/></svg> '
            f"{share:.0%}")


def to_html(status: PlanStatus) -> str:
    """A one-file stakeholder report."""
    plan = status.plan
    tiles = "".join(f'<div class="tile"><span class="muted">{escape(k)}</span><b>'
                    f"{escape(v.split(' (')[0])}</b><span class='muted'>"
                    f"{escape(v[len(v.split(' (')[0]):])}</span></div>"
                    for k, v in headline(status))
    attention = [s for s in status.milestones if s.health in ("Overdue", "At risk")]
    attention.sort(key=lambda s: (s.health != "Overdue", s.milestone.due or date.max))
    rows = "".join(
        f"<tr><td>{escape(s.milestone.id)}</td><td>{escape(s.milestone.name)}</td>"
        f"<td>{escape(s.milestone.owner or '-')}</td><td>{s.milestone.due or '-'}</td>"
        f"<td>{_pill(s.health)}</td><td>{escape('; '.join(s.flags))}</td></tr>"
        for s in attention) or '<tr><td colspan="6">Nothing overdue or at risk.</td></tr>'
    metrics = "".join(
        f"<tr><td>{escape(m.metric.name)}</td><td>{'' if m.current is None else m.current:}"
        f"</td><td>{'' if m.metric.target is None else m.metric.target}</td>"
        f"<td>{_progress(m.progress)}</td><td>{_progress(m.expected)}</td>"
        f"<td>{_pill(m.status)}</td></tr>" for m in status.metrics
    ) or '<tr><td colspan="6">No metrics.</td></tr>'
    r = status.review
    agenda = "".join(f"<li>{escape(s.milestone.id)} {escape(s.milestone.name)} "
                     f"({escape(s.milestone.owner or '-')}, due {s.milestone.due}) "
                     f"{_pill(s.health)}</li>" for s in r.agenda_milestones)
    agenda += "".join(f"<li>Metric {escape(m.metric.name)} {_pill(m.status)}</li>"
                      for m in r.agenda_metrics)
    issues = len(plan.errors)
    return f"""<!doctype html>
<html lang="{escape(plan.language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(plan.name)}</title><style>{CSS}</style></head>
<body><main>
<h1>{escape(plan.name)}</h1>
<div class="muted">As of {status.as_of.isoformat()} &middot; {escape(plan.settings.currency)}
{f" &middot; {issues} error(s) in the workbook" if issues else ""}</div>
<div class="tiles">{tiles}</div>
<h2>Health</h2>{_health_bar(status)}
<h2>Budget by phase</h2>{_budget_bars(status)}
<h2>Timeline</h2>{_timeline(status)}
<h2>Overdue and at risk</h2>
<table><tr><th>ID</th><th>Milestone</th><th>Owner</th><th>Due</th><th>Health</th><th>Flags</th>
</tr>{rows}</table>
<h2>Metrics</h2>
<table><tr><th>Metric</th><th>Current</th><th>Target</th><th>Progress</th><th>Expected</th>
<th>Status</th></tr>{metrics}</table>
<h2>Next plan review: {r.next_review or "none scheduled"}</h2>
<ul>{agenda or "<li>Nothing on the agenda.</li>"}</ul>
<p class="muted">Made by msheets from {escape(plan.path.name)}.</p>
</main></body></html>
"""

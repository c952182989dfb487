"""The report as plain text and as Markdown."""

from __future__ import annotations

from milestone_sheets.rules.evaluation import PlanStatus
from milestone_sheets.write.report import cut
from milestone_sheets.write.report.common import headline, sections, word


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
    warnings = len(status.plan.warnings)
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
    colon = word(status, "colon")
    out += [f"- **{k}{colon}** {_md_escape(v)}" for k, v in headline(status)]
    for title, header, rows in sections(status):
        if not rows:
            continue
        out += ["", f"## {_md_escape(title)}", "",
                "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(_md_escape(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"

"""`msheets rollup`: many plans in one portfolio workbook (XlsxWriter).

A file that cannot be read is reported and skipped; the rest still roll up.
"""

from __future__ import annotations

import glob
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from milestone_sheets import contract
from milestone_sheets.contract.vocab import Health, Severity
from milestone_sheets.errors import MsheetsError
from milestone_sheets.rules.evaluation import PlanStatus


@dataclass
class RollupResult:
    """The plans a rollup read, and those it could not."""

    statuses: list[tuple[Path, PlanStatus]] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)


def collect_paths(items: list[str]) -> list[Path]:
    """Files, folders (their .xlsx files) and glob patterns, without backups or lock files."""
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(p.rglob("*.xlsx"))
        elif any(ch in item for ch in "*?["):
            found = sorted(Path(x) for x in glob.glob(item, recursive=True))
        else:
            found = [p]
        for f in found:
            if f.name.startswith(("~$", ".~lock.", ".")) and f not in (p,):
                continue
            if f not in out:
                out.append(f)
    if not out:
        raise MsheetsError("no plan files given (files, folders or patterns like plans/*.xlsx)")
    return out


def read_plans(paths: list[Path], as_of: date | None, today: date,
               progress: bool = False) -> RollupResult:
    """Load and evaluate each plan; failures are collected, not raised."""
    from milestone_sheets.errors import PlanError
    from milestone_sheets.plans import load_plan
    from milestone_sheets.rules.evaluation import evaluate

    result = RollupResult()

    def one(path: Path) -> None:
        try:
            plan = load_plan(path, as_of=as_of, today=today)
            result.statuses.append((path, evaluate(plan, plan.as_of)))
        except PlanError as exc:
            result.failures.append((path, exc.message))
        except Exception as exc:  # a bad file must not stop the portfolio
            result.failures.append((path, f"{type(exc).__name__}: {exc}"))

    if progress and len(paths) > 1:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("Reading plans", total=len(paths))
            for p in paths:
                one(p)
                bar.advance(task)
    else:
        for p in paths:
            one(p)
    return result


PLAN_COLUMNS = ["Plan", "File", "Currency", "As of", "Milestones", "Done", "Overdue",
                "At risk", "Due soon", "On track", "On hold", "Cancelled", "Unscheduled",
                "Planned", "Actual", "Variance", "Earned value", "Planned value", "CPI", "SPI",
                "% complete", "Next review", "Errors", "Warnings"]
MONEY_KEYS = ("planned", "actual", "variance", "earned_value", "planned_value")


def portfolio_totals(result: RollupResult) -> dict[str, dict[str, float]]:
    """Money totals per currency (amounts in different currencies are never added)."""
    out: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(MONEY_KEYS, 0.0))
    for _, s in result.statuses:
        t = s.totals
        for k in MONEY_KEYS:
            out[s.plan.settings.currency][k] += float(t[k])  # type: ignore[arg-type]  # money keys
    return dict(out)


@dataclass
class OwnerAcross:
    """One owner's load summed across the plans of a rollup."""

    owner: str
    plans: list[str] = field(default_factory=list)
    capacity: float | None = None
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    hours: dict[date, float] = field(default_factory=lambda: defaultdict(float))
    # overloaded above this share of capacity: the strictest Overload threshold (%) setting
    # among the owner's plans
    threshold: float = math.inf

    def overloaded(self, load: float) -> bool:
        return load > self.threshold + 1e-9


def owners_across(result: RollupResult) -> list[OwnerAcross]:
    """The same person in several plans (matched case- and space-insensitively)."""
    owners: dict[str, OwnerAcross] = {}
    for _, s in result.statuses:
        for w in s.workload:
            key = " ".join(w.owner.split()).casefold()
            o = owners.setdefault(key, OwnerAcross(w.owner))
            o.plans.append(s.plan.name)
            o.threshold = min(o.threshold, s.plan.settings.overload_threshold / 100)
            if w.known and o.capacity is None:
                o.capacity = w.capacity
            o.open += w.open
            o.overdue += w.overdue
            o.due_soon += w.due_soon
            for wl in w.weeks:
                o.hours[wl.week] += wl.hours
    return sorted(owners.values(), key=lambda o: o.owner.casefold())


def write_portfolio(result: RollupResult, out: Path, default_capacity: float = 40.0) -> None:
    """Write the portfolio workbook: Plans, Owners, Attention and Problems sheets."""
    import xlsxwriter

    from milestone_sheets.write.files import atomic_path

    with atomic_path(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False,
                                            "strings_to_urls": False})
        head = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78"})
        money = wb.add_format({"num_format": "#,##0.00"})
        pct = wb.add_format({"num_format": "0%"})
        ratio = wb.add_format({"num_format": "0.00"})
        dfmt = wb.add_format({"num_format": contract.DATE_FORMAT})
        bold = wb.add_format({"bold": True})
        red = wb.add_format({"bg_color": "#FF7C80", "num_format": "0%"})
        fills = {h: wb.add_format({"bg_color": "#" + c,
                                   "font_color": "#" + contract.HEALTH_FONT.get(h, "000000")})
                 for h, c in contract.HEALTH_COLOURS.items()}

        widths: dict[tuple[str, int], float] = {}

        def cell(ws: Any, r: int, c: int, v: Any, fmt: Any = None) -> None:
            if v is None:
                ws.write_blank(r, c, None, fmt)
            elif isinstance(v, date):
                ws.write_datetime(r, c, v, fmt or dfmt)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(r, c, v, fmt)
            else:
                ws.write_string(r, c, str(v), fmt)
            key = (ws.get_name(), c)
            widths[key] = max(widths.get(key, 0.0), _shown_width(v, fmt is money))

        def header(ws: Any, titles: list[str]) -> None:
            for c, title in enumerate(titles):
                ws.write_string(0, c, title, head)
                # bold, and room for the filter button
                widths[ws.get_name(), c] = len(title) * 1.1 + 4.5

        def finish(ws: Any, rows: int, columns: int, cap: float = MAX_WIDTH) -> None:
            """Columns as wide as their header and text, a filter on the header row, and a
            print setup: landscape, one page wide, the header row on every page."""
            for c in range(columns):
                ws.set_column(c, c, min(widths.get((ws.get_name(), c), 8.0), cap))
            ws.autofilter(0, 0, max(1, rows), columns - 1)
            ws.freeze_panes(1, 1)
            ws.set_landscape()
            ws.fit_to_pages(1, 0)
            ws.repeat_rows(0)
            ws.set_footer("&L&F&C&A&RPage &P of &N")

        plans = wb.add_worksheet("Plans")
        header(plans, PLAN_COLUMNS)
        r = 0
        for path, s in result.statuses:
            r += 1
            t, hc = s.totals, s.health_counts()
            errors = len(s.plan.errors)
            warnings = sum(1 for i in s.plan.issues if i.severity == Severity.WARNING)
            row = [s.plan.name, str(path), s.plan.settings.currency, s.as_of, t["milestones"],
                   t["done"], t["overdue"], t["at_risk"], t["due_soon"], hc[Health.ON_TRACK],
                   hc[Health.ON_HOLD], hc[Health.CANCELLED], hc[Health.UNSCHEDULED], t["planned"],
                   t["actual"], t["variance"], t["earned_value"], t["planned_value"],
                   t["cpi"], t["spi"], t["percent_complete"], s.review.next_review, errors,
                   warnings]
            fmts = {13: money, 14: money, 15: money, 16: money, 17: money, 18: ratio,
                    19: ratio, 20: pct}
            for c, v in enumerate(row):
                cell(plans, r, c, v, fmts.get(c))
        for currency, tot in sorted(portfolio_totals(result).items()):
            r += 1
            cell(plans, r, 0, f"Total ({currency})", bold)
            cell(plans, r, 2, currency, bold)
            for k, c in zip(MONEY_KEYS, range(13, 18), strict=True):
                cell(plans, r, c, tot[k], money)
        finish(plans, r, len(PLAN_COLUMNS))

        owners = wb.add_worksheet("Owners")
        across = owners_across(result)
        weeks = sorted({w for o in across for w in o.hours})
        header(owners, ["Owner", "Plans", "Capacity (h/week)", "Open", "Overdue", "Due soon",
                        "Peak load", "Overloaded"])
        week_head = wb.add_format({"bold": True, "num_format": "d mmm", "font_color": "#FFFFFF",
                                   "bg_color": "#1F4E78"})
        for i, w in enumerate(weeks):
            cell(owners, 0, 8 + i, w, week_head)  # "30 Nov" fits: its width is a date's
        for r, o in enumerate(across, start=1):
            cap = o.capacity if o.capacity is not None else default_capacity
            loads = [o.hours[w] / cap if cap else 0.0 for w in weeks]
            peak = max(loads, default=0.0)
            row = [o.owner, ", ".join(o.plans), cap, o.open, o.overdue, o.due_soon]
            for c, v in enumerate(row):
                cell(owners, r, c, v)
            cell(owners, r, 6, peak, red if o.overloaded(peak) else pct)
            cell(owners, r, 7, "yes" if o.overloaded(peak) else "")
            for i, load in enumerate(loads):
                cell(owners, r, 8 + i, load, red if o.overloaded(load) else pct)
        finish(owners, len(across), 8 + len(weeks))

        attention = wb.add_worksheet("Attention")
        header(attention, ["Plan", "ID", "Milestone", "Owner", "Due", "Health", "Flags"])
        r = 0
        for _, s in result.statuses:
            for st in s.milestones:
                if st.health not in (Health.OVERDUE, Health.AT_RISK):
                    continue
                r += 1
                m = st.milestone
                for c, v in enumerate([s.plan.name, m.id, m.name, m.owner, m.due]):
                    cell(attention, r, c, v)
                cell(attention, r, 5, st.health, fills[st.health])
                cell(attention, r, 6, "; ".join(map(str, st.flags)))
        finish(attention, r, 7)

        problems = wb.add_worksheet("Problems")
        header(problems, ["File", "Problem"])
        for r, (path, message) in enumerate(result.failures, start=1):
            cell(problems, r, 0, str(path))
            cell(problems, r, 1, message)
        finish(problems, len(result.failures), 2, cap=100)
        wb.close()


MAX_WIDTH = 60  # wider text (long paths, flags) is cut on screen, whole in the cell


def _shown_width(value: Any, money: bool) -> float:
    """About how many digits wide a value shows (dates as "30 Sep 2026")."""
    if value is None:
        return 0.0
    if isinstance(value, date):
        return 13.0
    if isinstance(value, float | int) and not isinstance(value, bool):
        text = f"{value:,.2f}" if money else f"{value:,.2f}".rstrip("0").rstrip(".")
        return len(text) + 2.0
    return len(str(value)) * 1.0 + 2.0

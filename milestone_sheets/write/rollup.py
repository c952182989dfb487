"""`msheets rollup`: many plans in one portfolio workbook (XlsxWriter).

The plans are read by `plans.read_plans` and combined by `rules.portfolio`; this writes what
they computed. A file that could not be read is listed on the Problems sheet.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

from milestone_sheets import contract
from milestone_sheets.contract.vocab import Health
from milestone_sheets.plans import RollupResult
from milestone_sheets.rules.portfolio import MONEY_KEYS

PLAN_COLUMNS = ["Plan", "File", "Currency", "As of", "Milestones", "Done", "Overdue",
                "At risk", "Due soon", "On track", "On hold", "Cancelled", "Unscheduled",
                "Planned", "Actual", "Variance", "Earned value", "Planned value", "CPI", "SPI",
                "% complete", "Next review", "Errors", "Warnings"]
def write_portfolio(result: RollupResult, out: Path) -> None:
    """Write the portfolio workbook: Plans, Owners, Attention and Problems sheets."""
    import xlsxwriter

    from milestone_sheets.write.files import atomic_path

    with atomic_path(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False,
                                            "strings_to_urls": False})
        head = wb.add_format({"bold": True, "font_color": "#" + contract.WHITE,
                              "bg_color": "#" + contract.HEADER_BLUE})
        money = wb.add_format({"num_format": "#,##0.00"})
        pct = wb.add_format({"num_format": "0%"})
        ratio = wb.add_format({"num_format": "0.00"})
        dfmt = wb.add_format({"num_format": contract.DATE_FORMAT})
        bold = wb.add_format({"bold": True})
        red = wb.add_format({"bg_color": "#" + contract.OVERLOAD_RED, "num_format": "0%"})
        fills = {h: wb.add_format({"bg_color": "#" + c,
                                   "font_color": "#" + contract.HEALTH_FONT.get(h, contract.BLACK)})
                 for h, c in contract.HEALTH_COLOURS.items()}

        widths: dict[tuple[str, int], float] = {}

        def cell(ws: Any, r: int, c: int, v: Any, fmt: Any = None) -> None:
            if v is None or (isinstance(v, float) and not math.isfinite(v)):
                ws.write_blank(r, c, None, fmt)  # an infinite load: capacity 0
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
            warnings = len(s.plan.warnings)
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
        portfolio = result.portfolio
        for currency, tot in sorted(portfolio.totals.items()):
            r += 1
            cell(plans, r, 0, f"Total ({currency})", bold)
            cell(plans, r, 2, currency, bold)
            for k, c in zip(MONEY_KEYS, range(13, 18), strict=True):
                cell(plans, r, c, tot[k], money)
        finish(plans, r, len(PLAN_COLUMNS))

        owners = wb.add_worksheet("Owners")
        weeks = portfolio.weeks
        header(owners, ["Owner", "Plans", "Capacity (h/week)", "Open", "Overdue", "Due soon",
                        "Peak load", "Overloaded"])
        week_head = wb.add_format({"bold": True, "num_format": "d mmm",
                                   "font_color": "#" + contract.WHITE,
                                   "bg_color": "#" + contract.HEADER_BLUE})
        for i, w in enumerate(weeks):
            cell(owners, 0, 8 + i, w, week_head)  # "30 Nov" fits: its width is a date's
        for r, o in enumerate(portfolio.owners, start=1):
            row = [o.owner, ", ".join(o.plans), o.capacity, o.open, o.overdue, o.due_soon]
            for c, v in enumerate(row):
                cell(owners, r, c, v)
            cell(owners, r, 6, o.peak_load, red if o.overloaded else pct)
            cell(owners, r, 7, "yes" if o.overloaded else "")
            for i, wl in enumerate(o.weeks):
                cell(owners, r, 8 + i, wl.load, red if wl.overloaded else pct)
        finish(owners, len(portfolio.owners), 8 + len(weeks))

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

"""How msheets shows values: number formats, money as text, and its colours (RGB hex, no "#":
the workbook's styles take them so; XlsxWriter and HTML put "#" before)."""

from __future__ import annotations

from milestone_sheets import i18n
from milestone_sheets.contract.vocab import Health, MetricHealth, Status

# The palette of the workbooks, the portfolio and the HTML report.
HEADER_BLUE = "1F4E78"  # header rows, white bold text
WHITE = "FFFFFF"
BLACK = "000000"
MANAGED_HEADER_GREY = "A6A6A6"  # the header of a column msheets fills
STALE_GREY = "EDEDED"  # a managed cell whose value is older than the last edit
LINK_BLUE = "0563C1"
PLANNED_BLUE = "5B9BD5"  # budget charts and bars
ACTUAL_ORANGE = "ED7D31"
EARNED_GREEN = "70AD47"
UNDER_BUDGET_GREEN = "A9D18E"
TODAY_RED = "C00000"  # the as-of line of timelines; over-budget bars
REVIEW_PURPLE = "7030A0"  # plan review marks on timelines

# Fill colours of the Health cell (text always says the health too).
HEALTH_COLOURS = {
    Health.DONE: "1E7B34", Health.ON_TRACK: "C6EFCE", Health.DONE_LATE: "63BE7B",
    Health.DUE_SOON: "FFEB84", Health.AT_RISK: "F4B183", Health.OVERDUE: "FF7C80",
    Health.ON_HOLD: "D9D9D9", Health.CANCELLED: "D9D9D9", Health.UNSCHEDULED: "D9D9D9",
}
HEALTH_FONT = {Health.DONE: "FFFFFF"}  # white text on dark green
METRIC_STATUS_COLOURS = {
    MetricHealth.ACHIEVED: "1E7B34", MetricHealth.ON_TRACK: "C6EFCE",
    MetricHealth.BEHIND: "FFEB84", MetricHealth.OFF_TRACK: "FF7C80",
    MetricHealth.MISSED: "FF7C80", MetricHealth.IN_PROGRESS: "DDEBF7",
    MetricHealth.NO_DATA: "D9D9D9",
}
METRIC_STATUS_FONT = {MetricHealth.ACHIEVED: "FFFFFF"}  # white text on dark green
OVERLOAD_RED = HEALTH_COLOURS[Health.OVERDUE]  # an overloaded week, a milestone past due
# Fill of a Status cell in the Milestones sheet (before any refresh, a glance at what is open).
STATUS_COLOURS = {Status.IN_PROGRESS: "DDEBF7", Status.DONE: "C6EFCE", Status.ON_HOLD: "D9D9D9",
                  Status.CANCELLED: "D9D9D9"}


# --------------------------------------------------------------------------- formats

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CHF": "CHF", "CAD": "CA$",
                    "AUD": "A$"}


def _symbol(currency: str) -> tuple[str, bool]:
    """The symbol of a currency code and whether it follows the amount: "$" before, "€",
    "CHF" and codes without a symbol ("SEK") after, with a space."""
    cur = currency.upper()
    sym = CURRENCY_SYMBOLS.get(cur, cur)
    return sym, cur in ("EUR", "CHF") or sym == cur


def money_format(currency: str) -> str:
    """Excel number format for amounts in the plan currency.

    A symbol after the amount is written with its space inside the quotes (`#,##0" €"`):
    LibreOffice in a French locale reads an unquoted space after `0` as its thousands
    separator and saves `#,##0 "€"` as `#,##0,\\€`, which divides every amount by 1,000.
    """
    sym, after = _symbol(currency)
    if after:
        return f'#,##0" {sym}";-#,##0" {sym}"'
    return f'"{sym}"#,##0;-"{sym}"#,##0'


def format_money(value: float, currency: str, lang: str) -> str:
    """An amount as text, its symbol placed as `money_format` places it ("CA$1,234",
    "-$50", "1 234 €" in French): whole from 100 up, else to the cent."""
    sym, after = _symbol(currency)
    whole = abs(value) >= 100 or float(value).is_integer()
    amount = i18n.format_number(abs(value), ",.0f" if whole else ",.2f", lang)
    sign = "-" if value < 0 and amount.strip("0,. ") else ""
    return f"{sign}{amount} {sym}" if after else f"{sign}{sym}{amount}"


DATE_FORMAT = "d mmm yyyy"
PERCENT_FORMAT = "0%"
# % Complete as msheets reads it (contract section 3): a number up to 1 is a fraction, above 1
# percent points. Typing 25 in Calc shows 25% (a `0%` cell would show 2500%), 0.25 or 25% too.
COMPLETE_FORMAT = '[<=1]0%;0"%"'
# A value of a metric whose Unit is "%", on the same scale: 0.012 and 1.2 both show 1.2%.
METRIC_PERCENT_FORMAT = '[<=1]0.0%;0.0"%"'

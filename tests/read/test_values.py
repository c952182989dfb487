"""Every accepted value format of contract section 3, table-driven."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from milestone_sheets.read.values import (
    parse_date,
    parse_ids,
    parse_money,
    parse_number,
    parse_percent,
    parse_status,
    percent_metric_value,
)

DATES = [
    # (raw, date order, expected)
    (date(2026, 9, 30), "MDY", date(2026, 9, 30)),
    (datetime(2026, 9, 30, 15, 0), "MDY", date(2026, 9, 30)),
    (46295, "MDY", date(2026, 9, 30)),  # Excel serial
    (46295.0, "DMY", date(2026, 9, 30)),
    ("46295", "MDY", date(2026, 9, 30)),
    ("2026-09-30", "MDY", date(2026, 9, 30)),
    ("2026/09/30", "DMY", date(2026, 9, 30)),
    ("2026-09-30 00:00:00", "MDY", date(2026, 9, 30)),
    ("2026-09-30T10:00", "MDY", date(2026, 9, 30)),
    ("03/04/2026", "MDY", date(2026, 3, 4)),
    ("03/04/2026", "DMY", date(2026, 4, 3)),
    ("3.4.2026", "DMY", date(2026, 4, 3)),
    ("13/04/2026", "MDY", date(2026, 4, 13)),  # no 13th month: the other order
    ("30/09/26", "DMY", date(2026, 9, 30)),
    ("Sep 30, 2026", "DMY", date(2026, 9, 30)),
    ("September 30, 2026", "MDY", date(2026, 9, 30)),
    ("30 Sep 2026", "MDY", date(2026, 9, 30)),
    ("Wednesday, Sep 30, 2026", "MDY", date(2026, 9, 30)),
    ("30 sept. 2026", "DMY", date(2026, 9, 30)),
    ("30 septembre 2026", "DMY", date(2026, 9, 30)),
    ("1er octobre 2026", "DMY", date(2026, 10, 1)),
    ("mercredi 30 septembre 2026", "DMY", date(2026, 9, 30)),
    ("1 févr. 2027", "DMY", date(2027, 2, 1)),
    ("Sep 1st 2026", "MDY", date(2026, 9, 1)),
    ("Sep 2026", "MDY", date(2026, 9, 30)),
    ("September 2026", "MDY", date(2026, 9, 30)),
    ("sept. 2026", "DMY", date(2026, 9, 30)),
    ("février 2027", "DMY", date(2027, 2, 28)),
    ("2026-09", "MDY", date(2026, 9, 30)),
    ("Q3", "MDY", date(2026, 9, 30)),
    ("Q3 2026", "MDY", date(2026, 9, 30)),
    ("q4 2027", "MDY", date(2027, 12, 31)),
    ("2026-Q3", "MDY", date(2026, 9, 30)),
    ("end of Q3", "MDY", date(2026, 9, 30)),
    ("End of Q1 2027", "MDY", date(2027, 3, 31)),
    ("T3 2026", "DMY", date(2026, 9, 30)),
    ("fin T2", "DMY", date(2026, 6, 30)),
    ("Q2-26", "MDY", date(2026, 6, 30)),
]


@pytest.mark.parametrize(("raw", "order", "expected"), DATES)
def test_dates(raw, order, expected):
    p = parse_date(raw, order, default_year=2026)
    assert p.error is None
    assert p.value == expected
    assert p.interpreted == isinstance(raw, str)  # text dates say what they were read as


@pytest.mark.parametrize("raw", ["soon", "31/02/2026", "Q5", "2026-13-01", "next week", True,
                                 -5, 10**9, "Sep 31, 2026", "Smarch 2026"])
def test_bad_dates(raw):
    p = parse_date(raw, "MDY", default_year=2026)
    assert p.value is None and p.error


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank(raw):
    for parser in (partial(parse_date, default_year=2026), parse_money, parse_percent,
                   parse_number):
        p = parser(raw)
        assert p.value is None and p.error is None


MONEY = [
    (1200, 1200.0, False),
    (1200.5, 1200.5, False),
    ("1200", 1200.0, False),
    ("1,200.50", 1200.5, False),
    ("1 200,50", 1200.5, False),
    ("1.200,50 €", 1200.5, False),
    ("1\u202f200,50 €", 1200.5, False),
    ("$1,200", 1200.0, False),
    ("USD 1,200", 1200.0, False),
    ("1200 EUR", 1200.0, False),
    ("£950.00", 950.0, False),
    ("1.5k", 1500.0, False),
    ("1,5k €", 1500.0, False),
    ("$2K", 2000.0, False),
    ("1,234,567.89", 1234567.89, False),
    ("1.234.567,89", 1234567.89, False),
    ("12,5", 12.5, False),
    ("(500)", -500.0, False),
    ("1,000/month", 1000.0, True),
    ("1,000 / month", 1000.0, True),
    ("$1,000 per month", 1000.0, True),
    ("1 000 €/mois", 1000.0, True),
    ("1 000 € par mois", 1000.0, True),
    ("500/mo", 500.0, True),
    ("2.5k/month", 2500.0, True),
]


@pytest.mark.parametrize(("raw", "expected", "per_month"), MONEY)
def test_money(raw, expected, per_month):
    p = parse_money(raw)
    assert p.error is None, p.error
    assert p.value == pytest.approx(expected)
    assert p.per_month is per_month


@pytest.mark.parametrize("raw", ["lots", "1,2,3.4.5", "€", "12 apples", True,
                                 date(2026, 1, 1)])
def test_bad_money(raw):
    assert parse_money(raw).error


PERCENTS = [(0.5, 0.5), (50, 0.5), ("50%", 0.5), ("50 %", 0.5), ("50", 0.5), ("0.5", 0.5),
            (1, 1.0), (100, 1.0), ("100%", 1.0), ("12,5 %", 0.125), (0, 0.0), ("0.5%", 0.005)]


@pytest.mark.parametrize(("raw", "expected"), PERCENTS)
def test_percent(raw, expected):
    p = parse_percent(raw)
    assert p.error is None
    assert p.value == pytest.approx(expected)


@pytest.mark.parametrize(("raw", "message"), [(150, "above 100%"), ("120%", "above 100%"),
                                              (-0.1, "negative"), ("half", "cannot read")])
def test_bad_percent(raw, message):
    assert message in parse_percent(raw).error


def test_numbers():
    assert parse_number("8 h").value == 8
    assert parse_number("1,5").value == 1.5
    assert parse_number("2.5%").value == pytest.approx(0.025)
    assert parse_number("3k").value == 3000
    assert parse_number("many").error


# The dropdown's names, en and fr, read silently (case-, space- and accent-insensitively)
CANONICAL_STATUSES = [("Not started", "Not started"), ("non commence", "Not started"),
                      ("IN PROGRESS", "In progress"), ("En cours", "In progress"),
                      ("done", "Done"), ("Terminé", "Done"), ("On hold", "On hold"),
                      ("en pause", "On hold"), ("Cancelled", "Cancelled"),
                      ("Annulé", "Cancelled"), ("Canceled", "Cancelled")]
# Contract section 3: the synonyms, read with an info naming the status
SYNONYMS = {
    "On hold": ["Blocked", "Paused", "Waiting", "Deferred"],
    "Not started": ["Backlog", "To do", "Planned", "Scheduled", "Draft", "Not begun"],
    "In progress": ["Started", "WIP", "Ongoing", "In review", "Ready for review"],
    "Done": ["Complete", "Completed", "Closed", "Resolved", "Finished", "Delivered"],
    "Cancelled": ["Dropped", "Won't do", "Abandoned"],
}


@pytest.mark.parametrize(("raw", "expected"), CANONICAL_STATUSES)
def test_status_names(raw, expected):
    assert parse_status(raw) == (expected, None, False, False)


@pytest.mark.parametrize(("raw", "expected"),
                         [(w, status) for status, words in SYNONYMS.items() for w in words]
                         + [("wip", "In progress"), ("  won't   DO ", "Cancelled"),
                            ("Bloqué", "On hold"), ("fait", "Done")])
def test_status_synonyms(raw, expected):
    p = parse_status(raw)
    assert (p.value, p.error, p.interpreted) == (expected, None, True)


@pytest.mark.parametrize("raw", ["Finished-ish", "Maybe", "42", True])
def test_unknown_status(raw):
    p = parse_status(raw)
    assert p.value is None and p.error == f"unknown Status {str(raw)!r}"


def test_blank_status():
    assert parse_status("  ") == parse_status(None) == (None, None, False, False)


PERCENT_METRIC = [
    # (raw cell, the cell read as a number, expected fraction)
    (1.1, 1.1, 0.011),  # percent points
    ("1.1", 1.1, 0.011),
    (50, 50.0, 0.5),
    (-5, -5.0, -0.05),
    (0.02, 0.02, 0.02),  # a fraction: a %-formatted cell holding 2%
    (1, 1.0, 1.0),
    (0, 0.0, 0.0),
    ("2.5%", 0.025, 0.025),  # text with a % sign: read as a fraction already
    ("150 %", 1.5, 1.5),
    (None, None, None),
]


@pytest.mark.parametrize(("raw", "number", "expected"), PERCENT_METRIC)
def test_percent_metric_values(raw, number, expected):
    value = percent_metric_value(raw, number)
    assert value == pytest.approx(expected) if expected is not None else value is None


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_percent_metric_scale_is_one_scale(x):
    """Typed as percent points (above 1) or as a fraction (up to 1), the result is x% or x."""
    value = percent_metric_value(x, x)
    if abs(x) > 1:
        assert value == pytest.approx(x / 100)
        assert percent_metric_value(f"{x}%", x / 100) == pytest.approx(x / 100)
    else:
        assert value == x


def test_ids():
    assert parse_ids("M-001, M-002; M-003") == ["M-001", "M-002", "M-003"]
    assert parse_ids(None) == []


# --------------------------------------------------------------------------- properties

ANY_CELL = st.one_of(st.none(), st.text(max_size=40), st.integers(), st.booleans(),
                     st.floats(allow_nan=True, allow_infinity=True), st.dates(),
                     st.datetimes())


@settings(max_examples=300, deadline=None)
@given(ANY_CELL)
def test_parsers_never_raise(raw):
    for parser in (partial(parse_date, default_year=2026), parse_money, parse_percent,
                   parse_number):
        parser(raw)


def _fmt(value: float, thousands: str, decimal: str) -> str:
    s = f"{value:,.2f}"
    return s.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False,
                   allow_infinity=False),
       st.sampled_from([(",", "."), (" ", ","), (".", ","), ("\u00a0", ","), ("\u202f", ",")]))
def test_separator_conventions_round_trip(value, seps):
    x = float(value)
    text = _fmt(x, *seps)
    assert parse_money(text).value == pytest.approx(x)
    assert parse_money(text + " €").value == pytest.approx(x)
    assert parse_number(text).value == pytest.approx(x)

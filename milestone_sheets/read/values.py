"""Cell values to typed values (contract section 3). Pure functions, no I/O.

Every parser takes the raw cell value (what the spreadsheet stored: None,
str, float, int, bool, date or datetime) and returns a `Parsed` result:
the value, whether text had to be interpreted (so the reader can say what it
was read as), or an error message in the plan's language (`lang`, en by default).
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, NamedTuple, cast

from milestone_sheets import contract, i18n
from milestone_sheets.xlsx.cells import serial_to_date


class Parsed(NamedTuple):
    value: Any = None
    error: str | None = None
    interpreted: bool = False  # text that had to be read as something
    per_month: bool = False  # money only: "1,000/month"


BLANK = Parsed()


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


_SPACE_ODD = re.compile(r"[^\S ]")  # whitespace other than a plain space


def _has_odd_space(s: str) -> bool:
    """Rare whitespace (form feed, unicode spaces) that split() would fold."""
    return not s.isascii() and _SPACE_ODD.search(s) is not None


def clean_text(raw: object) -> str | None:
    """Trimmed text of a cell, None when blank; numbers print without '.0'."""
    if isinstance(raw, str):
        s = raw.strip()
        if not s:
            return None
        if "  " in s or "\n" in s or "\t" in s or "\r" in s or "\xa0" in s or _has_odd_space(s):
            return " ".join(s.split())
        return s
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return " ".join(str(raw).split())


# --------------------------------------------------------------------------- dates

MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        "january jan janvier janv",
        "february feb feb fevrier fevr fev",
        "march mar mars",
        "april apr avril avr",
        "may mai",
        "june jun juin",
        "july jul juillet juil",
        "august aug aout",
        "september sep sept septembre",
        "october oct octobre",
        "november nov novembre",
        "december dec decembre",
    ),
    start=1,
):
    for _n in _names.split():
        MONTHS[_n] = _i

WEEKDAY_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lun", "mer", "jeu", "ven", "sam", "dim",
}
FILLER_WORDS = {"end", "of", "the", "fin", "de", "du", "la", "le", "by", "in", "en", "au", "eom"}


def _year(y: str) -> int:
    n = int(y)
    return n + 2000 if len(y) <= 2 else n


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def quarter_end(y: int, q: int) -> date:
    return month_end(y, q * 3)


_ISO = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_QUARTER = [
    re.compile(r"^(?:q|t)([1-4])(?:[ \-/]*(\d{4}|\d{2}))?$"),
    re.compile(r"^(\d{4})[ \-/]*(?:q|t)([1-4])$"),
]


def normalize_words(text: str) -> str:
    """Lower-case, accent-free text keeping digits, letters, '-', '/', '.', ','."""
    import unicodedata

    s = unicodedata.normalize("NFKD", text).casefold()
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(s.split())


def _parse_text_date(text: str, order: str, default_year: int) -> date | None:
    s = normalize_words(text)
    s = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th|er|e)\b", r"\1", s)  # 1st, 1er, 2e
    m = _ISO.match(s)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    m = _NUMERIC.match(s)
    if m:
        a, b, y = int(m[1]), int(m[2]), _year(m[3])
        first = (b, a) if order == "DMY" else (a, b)
        return _make(y, first[0], first[1]) or _make(y, first[1], first[0])
    m = _YEAR_MONTH.match(s)
    if m and 1 <= int(m[2]) <= 12:
        return month_end(int(m[1]), int(m[2]))
    m = _MONTH_YEAR.match(s)
    if m and 1 <= int(m[1]) <= 12:
        return month_end(int(m[2]), int(m[1]))
    words = [w.strip(".") for w in re.split(r"[\s,]+", s)]
    words = [w for w in words if w and w not in FILLER_WORDS and w not in WEEKDAY_WORDS]
    if not words:
        return None
    compact = " ".join(words)
    for rx in _QUARTER:
        m = rx.match(compact)
        if m:
            if rx is _QUARTER[0]:
                q, y = int(m[1]), _year(m[2]) if m[2] else default_year
            else:
                y, q = int(m[1]), int(m[2])
            return quarter_end(y, q)
    # month names: "Sep 30 2026", "30 sept 2026", "September 2026", "sept. 2026"
    month = None
    numbers: list[str] = []
    for w in words:
        if w in MONTHS and month is None:
            month = MONTHS[w]
        elif w.isdigit():
            numbers.append(w)
        else:
            return None
    if month is None:
        return None
    if len(numbers) == 1:
        if len(numbers[0]) == 4:
            return month_end(int(numbers[0]), month)
        return _make(default_year, month, int(numbers[0]))
    if len(numbers) == 2:
        day, year = (numbers[0], numbers[1]) if len(numbers[1]) == 4 or len(numbers[0]) <= 2 \
            else (numbers[1], numbers[0])
        if len(day) > 2:
            return None
        return _make(_year(year), month, int(day))
    if not numbers:
        return month_end(default_year, month)
    return None


def parse_date(raw: object, order: str = "MDY", *, default_year: int, date_1904: bool = False,
               lang: str = "en") -> Parsed:
    """A date cell, serial number (in the workbook's date system) or text date (ISO, order,
    month names, quarters; `default_year` for one typed without a year, "Q3" or "Mar 3")."""
    kind = type(raw)
    if kind is date:
        return Parsed(raw)
    if kind is datetime:
        return Parsed(cast(datetime, raw).date())
    if is_blank(raw):
        return BLANK
    if isinstance(raw, datetime):
        return Parsed(raw.date())
    if isinstance(raw, date):
        return Parsed(raw)
    if isinstance(raw, bool):
        return _not(i18n.word("i_bool", lang), "i_a_date", lang)
    if isinstance(raw, (int, float)):
        d = serial_to_date(float(raw), date_1904)
        shown = repr(raw).replace(".", ",") if lang == "fr" else repr(raw)
        return Parsed(d) if d else Parsed(error=i18n.say("i_serial_not_date", lang,
                                                           value=shown))
    if isinstance(raw, (time, timedelta)):
        return _not(i18n.word("i_type_time", lang), "i_a_date", lang)
    text = str(raw).strip()
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        d = serial_to_date(float(text), date_1904)
        if d:
            return Parsed(d, interpreted=True)
    try:
        d = _parse_text_date(text, order.upper(), default_year)
    except (ValueError, OverflowError):
        d = None
    if d is None:
        return _cannot_read(text, "i_a_date", lang)
    return Parsed(d, interpreted=True)


def _not(kind: str, what: str, lang: str) -> Parsed:
    """The error "is <kind>, not <what>" (what: a catalogue key, i_a_number ...)."""
    return Parsed(error=i18n.say("i_not", lang, kind=kind, what=i18n.word(what, lang)))


_KINDS = ((bool, "bool"), (datetime, "datetime"), (date, "date"), (time, "time"),
          (timedelta, "timedelta"))


def _not_a(raw: object, what: str, lang: str) -> Parsed:
    """The error "is a <kind of raw>, not <what>": a date where a number was expected."""
    kind = next(name for kind, name in _KINDS if isinstance(raw, kind))
    return _not(i18n.word(f"i_type_{kind}", lang), what, lang)


def _cannot_read(text: str, what: str, lang: str) -> Parsed:
    return Parsed(error=i18n.say("i_cannot_read", lang, text=text,
                                   what=i18n.word(what, lang)))


# --------------------------------------------------------------------------- numbers

_PER_MONTH = re.compile(
    r"(?:/\s*|\bper\s+|\ba\s+|\bpar\s+|\bpm\b)?\b(?:months?|mo|mois|mensuel(?:le)?|monthly)\b\.?$"
    r"|\s*/\s*m$|\bpm$"
)
_CURRENCY = re.compile(
    r"[$€£¥₹₣]|\b(?:usd|eur|gbp|cad|aud|chf|jpy|nzd|sek|nok|dkk|inr|us\$|ca\$|au\$|euros?|dollars?)\b|\bfr\b|\bfrs\b",
)


def _number_text(s: str) -> float | None:
    """A number written with either separator convention: 1,200.50 / 1 200,50 / 1.200,50."""
    s = s.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("'", "")
    s = s.replace("\u2019", "").replace("\u2212", "-")
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1]
    if s.startswith("-"):
        neg, s = not neg, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    if s.endswith("-"):  # accounting "500-"
        neg, s = not neg, s[:-1]
    if not s or not re.fullmatch(r"[\d.,]+", s) or not re.search(r"\d", s):
        return None
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thou = "," if dec == "." else "."
        if s.count(dec) > 1:
            return None
        whole, frac = s.split(dec)
        if not re.fullmatch(r"\d{1,3}(?:" + re.escape(thou) + r"\d{3})*", whole):
            return None
        s = whole.replace(thou, "") + "." + frac
    elif dots > 1 or commas > 1:
        sep = "." if dots else ","
        if not re.fullmatch(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+", s):
            return None
        s = s.replace(sep, "")
    elif dots == 1 or commas == 1:
        sep = "." if dots else ","
        whole, frac = s.split(sep)
        if len(frac) == 3 and whole and whole != "0" and len(whole) <= 3:
            s = whole + frac  # 1,200 or 1.200: a thousands separator
        else:
            s = (whole or "0") + "." + frac
    if s.endswith("."):
        s = s[:-1]
    try:
        value = float(s)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return -value if neg else value


def _numeric_cell(raw: object) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        v = float(raw)
        return v if math.isfinite(v) else None
    return None


def _cell_amount(raw: object, what: str, lang: str) -> Parsed | None:
    """What a cell that needs no text reading holds (a number, a blank, a date where an
    amount was expected: `what`, a catalogue key), or None for text."""
    if isinstance(raw, float) and math.isfinite(raw):
        return Parsed(raw)
    if is_blank(raw):
        return BLANK
    v = _numeric_cell(raw)
    if v is not None:
        return Parsed(v)
    if isinstance(raw, (date, datetime, time, timedelta, bool)):
        return _not_a(raw, what, lang)
    return None


def parse_number(raw: object, lang: str = "en") -> Parsed:
    """A plain number: cell numbers, or text like '1,5', '8 h', '1.5k', '2.5%'."""
    cell = _cell_amount(raw, "i_a_number", lang)
    if cell is not None:
        return cell
    text = str(raw).strip()
    s = normalize_words(text)
    scale = 1.0
    s = re.sub(r"\s*(?:h|hrs?|hours?|heures?)\.?$", "", s)
    if s.endswith("%"):
        s, scale = s[:-1].strip(), 0.01
    elif re.search(r"\d\s*k$", s):
        s, scale = s[:-1].strip(), 1000.0
    n = _number_text(s)
    if n is None:
        return _cannot_read(text, "i_a_number", lang)
    value = n * scale
    return Parsed(value, interpreted=not re.fullmatch(r"-?\d+(?:\.\d+)?", text))


def parse_money(raw: object, lang: str = "en") -> Parsed:
    """Money: numbers, or text with symbols/codes, separators, 'k', and '/month'."""
    cell = _cell_amount(raw, "i_a_money", lang)
    if cell is not None:
        return cell
    text = str(raw).strip()
    s = normalize_words(text)
    per_month = False
    m = _PER_MONTH.search(s)
    if m and m.start() > 0:
        per_month, s = True, s[: m.start()].strip()
    s = _CURRENCY.sub(" ", s).strip()
    scale = 1.0
    m2 = re.fullmatch(r"(.*\d)\s*k", s)
    if m2:
        s, scale = m2[1], 1000.0
    n = _number_text(s.strip())
    if n is None:
        return _cannot_read(text, "i_a_money", lang)
    return Parsed(n * scale, interpreted=True, per_month=per_month)


def parse_percent(raw: object, lang: str = "en") -> Parsed:
    """0.5, 50, '50%' and '50 %' all mean 50%; above 100% is an error. Returns a fraction."""
    if is_blank(raw):
        return BLANK
    if isinstance(raw, bool):
        return _not(i18n.word("i_bool", lang), "i_a_percentage", lang)
    interpreted = False
    frac: float | None
    if isinstance(raw, (int, float)):
        n = float(raw)
        if not math.isfinite(n):
            return Parsed(error=i18n.word("i_not_finite", lang))
        frac = n if n <= 1 else n / 100
    elif isinstance(raw, (date, datetime, time, timedelta)):
        return _not_a(raw, "i_a_percentage", lang)
    else:
        text = normalize_words(str(raw).strip())
        interpreted = True
        if text.endswith("%"):
            n2 = _number_text(text[:-1].strip())
            frac = None if n2 is None else n2 / 100
        else:
            n2 = _number_text(text)
            frac = None if n2 is None else (n2 if n2 <= 1 else n2 / 100)
        if frac is None:
            return _cannot_read(str(raw).strip(), "i_a_percentage", lang)
    if frac < 0:
        return Parsed(error=i18n.word("i_negative_percent", lang))
    if frac > 1 + 1e-9:
        return Parsed(error=i18n.word("i_above_100", lang))
    return Parsed(min(frac, 1.0), interpreted=interpreted)


def parse_choice(raw: object, lookup: Callable[[str], StrEnum | None], what: str,
                 lang: str = "en") -> Parsed:
    """A dropdown value (English or French) to its enum member, whose value is the English
    name (`lookup`: the dropdown's `Choices.lookup`; `what`: the column's name, for the
    error)."""
    text = clean_text(raw)
    if text is None:
        return BLANK
    value = lookup(text)
    if value is None:
        return Parsed(error=i18n.say("i_unknown_choice", lang, what=what, text=text))
    return Parsed(value)


def parse_status(raw: object, lang: str = "en") -> Parsed:
    """A Status: a dropdown value (English or French) to its `Status`, silently; a word
    other trackers use ("Blocked", "WIP", "Closed") to the status it stands for, interpreted
    (the reader says what it was read as); any other word is an error."""
    text = clean_text(raw)
    if text is None:
        return BLANK
    value = contract.CHOICES["status"].lookup(text)
    if value is not None:
        return Parsed(value)
    value = contract.status_synonym(text)
    if value is not None:
        return Parsed(value, interpreted=True)
    what = contract.column("milestones", "status").label(lang)
    return Parsed(error=i18n.say("i_unknown_choice", lang, what=what, text=text))


def percent_metric_value(raw: object, value: float | None) -> float | None:
    """A value of a metric whose Unit is %, as a fraction. `value` is the cell read as a
    number: above 1 (or below -1) it is percent points (1.1 = 1.1% = 0.011); at most 1 it is
    a fraction already, like a %-formatted cell (2% is stored as 0.02) or text with a %
    sign ("2.5%" was read as 0.025)."""
    if value is None or abs(value) <= 1:
        return value
    if isinstance(raw, str) and raw.strip().endswith("%"):
        return value
    return value / 100


def parse_ids(raw: object) -> list[str]:
    """'M-001, M-002; M-003' -> ['M-001', 'M-002', 'M-003']."""
    text = clean_text(raw)
    if text is None:
        return []
    return [p.strip() for p in re.split(r"[,;\n]+", text) if p.strip()]

"""Cell references, serial dates and the XML of one cell, in one place."""

from __future__ import annotations

import functools
import math
import re
from datetime import date, datetime, timedelta

EPOCH_1900 = date(1899, 12, 30)  # serial 0 as Excel counts (its 1900 leap-year bug included)
EPOCH_1904 = date(1904, 1, 1)
MAX_SERIAL = 2958465  # 9999-12-31

# Characters XML 1.0 cannot hold.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")


@functools.cache  # the long tables ask for the same few columns again and again
def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def column_index(letters: str) -> int:
    """A -> 1, AA -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def cell_ref(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def split_ref(ref: str) -> tuple[int, int]:
    """'B7' -> (7, 2)."""
    m = _REF.match(ref.replace("$", ""))
    if m is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m[2]), column_index(m[1])


def serial(day: date, date_1904: bool = False) -> float:
    """The serial number a spreadsheet stores for a date (or date and time), in the
    workbook's date system."""
    epoch = EPOCH_1904 if date_1904 else EPOCH_1900
    if isinstance(day, datetime):
        delta = day - datetime.combine(epoch, datetime.min.time())
        return delta.days + delta.seconds / 86400
    return float((day - epoch).days)


def serial_to_date(number: float, date_1904: bool = False) -> date | None:
    """The date of a spreadsheet serial number, in the workbook's date system (None for a
    number no date has: below 1, past 9999-12-31, a bool, NaN)."""
    if isinstance(number, bool) or not math.isfinite(number) or not 1 <= number <= MAX_SERIAL:
        return None
    return (EPOCH_1904 if date_1904 else EPOCH_1900) + timedelta(days=int(number))


def xml_text(text: str) -> str:
    """Text as XML can hold it: characters it cannot are dropped."""
    return _ILLEGAL.sub("", text)


# One pass in C over a text: characters XML cannot hold dropped, & < > escaped.
_ESCAPE: dict[int, str | None] = {c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}
_ESCAPE.update({c: None for c in (0xFFFE, 0xFFFF, *range(0xD800, 0xE000))})
_ESCAPE.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"})


_ESCAPE_ATTR = {**_ESCAPE, ord('"'): "&quot;", 0x09: "&#9;", 0x0A: "&#10;", 0x0D: "&#13;"}


# Most texts need neither: a search in C tells, and spares them translate's lookup per character.
_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEEDS_ESCAPE_ATTR = re.compile('[&<>"\x00-\x1f\ud800-\udfff\ufffe\uffff]')


def escape_text(text: str) -> str:
    """Element text as XML holds it (`xml_text`, then escaped)."""
    return text if _NEEDS_ESCAPE.search(text) is None else text.translate(_ESCAPE)


def quote_attr(text: str) -> str:
    """An attribute value, quoted, as XML holds it."""
    if _NEEDS_ESCAPE_ATTR.search(text) is None:
        return '"' + text + '"'
    return '"' + text.translate(_ESCAPE_ATTR) + '"'


CellValue = str | int | float | bool | None


def cell_xml(ref: str, value: CellValue, style: int | None, prefix: str = "") -> str:
    """One <c> element. Text is an inline string (never a formula, never a shared string:
    the shared string table is not renumbered)."""
    s = f' s="{style}"' if style else ""
    c = f"{prefix}c"
    if value is None or value == "":
        return f'<{c} r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<{c} r="{ref}"{s} t="b"><{prefix}v>{int(value)}</{prefix}v></{c}>'
    if isinstance(value, int):
        return f'<{c} r="{ref}"{s}><{prefix}v>{value}</{prefix}v></{c}>'
    if isinstance(value, float):
        if not math.isfinite(value):
            return f'<{c} r="{ref}"{s}/>'
        number = int(value) if value.is_integer() and abs(value) < 1e15 else value
        return f'<{c} r="{ref}"{s}><{prefix}v>{number!r}</{prefix}v></{c}>'
    text = escape_text(str(value))
    return (f'<{c} r="{ref}"{s} t="inlineStr"><{prefix}is><{prefix}t xml:space="preserve">'
            f"{text}</{prefix}t></{prefix}is></{c}>")

"""Header rows found by their labels, and a sheet's columns parsed into values
plus issues.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from functools import partial
from operator import itemgetter
from typing import Any, TypeVar

from milestone_sheets import contract, i18n
from milestone_sheets.contract.vocab import Severity
from milestone_sheets.model import (
    Issue,
    SheetLayout,
)
from milestone_sheets.read.grid import NUMBER_TYPES, VALUE_OF, Grid
from milestone_sheets.read.values import (
    BLANK,
    Parsed,
    clean_text,
    parse_choice,
    parse_date,
    parse_ids,
    parse_money,
    parse_number,
    parse_percent,
    parse_status,
)
from milestone_sheets.xlsx.cells import cell_ref, column_letter

E = TypeVar("E", bound=StrEnum)

# --------------------------------------------------------------------------- tables

HEADER_SCAN_ROWS = 10  # a header row is looked for in the first rows of a sheet



def find_header(grid: Grid, sheet_key: str) -> tuple[int, dict[str, int]] | None:
    """(header row, column key -> column) of an input sheet, within the first rows."""
    index = contract.header_index(sheet_key)
    key_column = contract.KEY_COLUMN[sheet_key]
    for row in range(1, HEADER_SCAN_ROWS + 1):
        found: dict[str, int] = {}
        for col in range(grid.col0 + 1, grid.last_col + 1):
            v = grid.value(row, col)
            if isinstance(v, str) and v.strip():
                key = index.get(i18n.normalize(v))
                if key and key not in found:
                    found[key] = col
        if key_column in found:
            return row, found
    return None


def _blank_as_none(values: list[Any]) -> list[Any]:
    """Blank text (empty, or spaces only) as None, as an empty cell."""
    blanks = {v: None for v in set(values) if type(v) is str and (not v or v.isspace())}
    return list(map(blanks.get, values, values)) if blanks else values


def _by_value(values: list[Any], convert: Callable[[Any], Any]) -> tuple[list[Any], list[Any]]:
    """(convert(v) for each value, the distinct results). convert runs once per distinct
    value: a column of 10,000 cells holds a few dozen phases, owners or dates."""
    if values.count(None) == len(values):  # an empty column
        blank = convert(None)
        return [blank] * len(values), [blank]
    if len(set(map(type, values)) & NUMBER_TYPES) > 1:
        # 1, 1.0 and True are equal in Python: tell them apart by type
        keys = list(zip(map(type, values), values, strict=True))
        by_key = {k: convert(k[1]) for k in set(keys)}
        return list(map(by_key.__getitem__, keys)), list(by_key.values())
    table = {v: convert(v) for v in set(values)}
    return list(map(table.__getitem__, values)), list(table.values())


class IssueLog:
    """The issues found on an input sheet, each at its cell, quoting the value typed there
    unless told another: the reader's (`SheetReader`) and validation's alike. `rows` and
    `typed` are the sheet's data rows and their values as typed (`SheetLayout`)."""

    def __init__(self, title: str, columns: Mapping[str, int], lang: str,
                 rows: Sequence[int] = (), typed: Mapping[str, list[Any]] | None = None) -> None:
        self.title = title
        self.columns = columns
        self.lang = lang
        self.rows = rows
        self.typed_values = typed or {}
        self._index: dict[int, int] | None = None  # row -> index in `rows`, when first needed
        self.found: list[tuple[int, int, Issue]] = []  # (row, column, issue), as recorded

    def say(self, key: str, **values: object) -> str:
        """A message of the catalogue in the plan's language."""
        return i18n.say(key, self.lang, **values)

    def number(self, value: float, spec: str = "g") -> str:
        """A number as the plan's language writes it (1,234.50 or 1 234,50)."""
        return i18n.format_number(value, spec, self.lang)

    def ref(self, key: str, row: int) -> str:
        """Column `key`'s cell in `row` (A1), "" when the sheet has no such column."""
        col = self.columns.get(key)
        return cell_ref(row, col) if col else ""

    def typed(self, key: str, row: int) -> Any:
        """The value typed in column `key` of `row` (None when blank)."""
        values = self.typed_values.get(key)
        if values is None:
            return None
        if self._index is None:
            self._index = {r: i for i, r in enumerate(self.rows)}
        i = self._index.get(row)
        return None if i is None else values[i]

    def issue(self, severity: Severity, key: str, row: int, message: str,
              value: Any = None) -> None:
        """Record an issue at column `key` of `row` (value: the cell's as typed, by default)."""
        self.found.append((row, self.columns.get(key, 0), Issue(
            severity, self.title, self.ref(key, row), key,
            self.typed(key, row) if value is None else value, message, row)))

    def in_order(self) -> list[Issue]:
        """The issues recorded, row by row and left to right (in the order recorded within a
        cell)."""
        return [issue for _, _, issue in sorted(self.found, key=lambda t: (t[0], t[1]))]


class SheetReader:
    """The data rows of an input sheet, read column by column.

    Rows blank in every input column are left out; a blank cell is None. Each column is
    parsed in one pass, and each distinct raw value of a kind once (plans repeat phases,
    statuses, owners, dates and amounts; parsing is pure). Issues are recorded at their
    cells, in the plan's language, and handed over in the order of the sheet
    (`issues_in_order`).
    """

    def __init__(self, grid: Grid, layout: SheetLayout, sheet_key: str, date_order: str,
                 default_year: int, lang: str = "en") -> None:
        self.title = grid.title
        self.lang = lang
        self.columns = {k: c for k, c in layout.columns.items()
                        if not contract.column(sheet_key, k).managed}
        first = max(0, layout.header_row - grid.row0)  # index of the first data row
        rows = grid.rows[first:]
        narrowest = min(map(len, rows), default=0)
        cells: dict[str, list[Any]] = {}
        for key, col in self.columns.items():
            j = col - 1 - grid.col0
            if j < narrowest:  # calamine's rows are all as wide as the sheet
                values = list(map(itemgetter(j), rows))
            else:
                values = [r[j] if j < len(r) else None for r in rows]
            cells[key] = _blank_as_none(values)
        numbers = range(grid.row0 + first + 1, grid.row0 + first + 1 + len(rows))
        keep = {i for i, values in enumerate(zip(*cells.values(), strict=True))
                if values.count(None) != len(values)}
        by_ref = {column_letter(c): k for k, c in self.columns.items()}
        no_value: list[tuple[str, int]] = []  # (column key, row) of formulas without a value
        for ref in sorted(grid.no_value):
            letters = ref.rstrip("0123456789")
            at, number = by_ref.get(letters), int(ref[len(letters):])
            if at is not None and number in numbers:
                keep.add(number - numbers.start)
                no_value.append((at, number))
        if len(keep) < len(rows):
            kept = sorted(keep)
            cells = {k: [v[i] for i in kept] for k, v in cells.items()}
            self.rows = [numbers[i] for i in kept]
        else:
            self.rows = list(numbers)
        self.typed = cells
        self.log = IssueLog(self.title, self.columns, lang, self.rows, cells)
        for at, number in no_value:
            self.log.issue(Severity.WARNING, at, number, self.say("i_no_value"))
        self._parsers: dict[str, Callable[[Any], Parsed]] = {
            "date": lambda raw: parse_date(raw, date_order, default_year=default_year,
                                           date_1904=grid.date_1904, lang=lang),
            "number": partial(parse_number, lang=lang),
            "percent": partial(parse_percent, lang=lang),
            "money": partial(parse_money, lang=lang),
        }
        for kind, choices in contract.CHOICES.items():
            what = contract.column(_CHOICE_SHEET[kind], kind).label(lang)
            self._parsers[kind] = partial(parse_choice, lookup=choices.lookup, what=what,
                                          lang=lang)
        # with the synonyms of other trackers
        self._parsers["status"] = partial(parse_status, lang=lang)

    def __len__(self) -> int:
        return len(self.rows)

    def say(self, key: str, **values: object) -> str:
        return self.log.say(key, **values)

    def number(self, value: float, spec: str = "g") -> str:
        return self.log.number(value, spec)

    def ref(self, key: str, i: int) -> str:
        """Column `key`'s cell in data row `i` (A1), "" when the sheet has no such column."""
        return self.log.ref(key, self.rows[i])

    def raw(self, key: str, i: int) -> Any:
        """The raw value of column `key` in data row `i` (None when blank)."""
        values = self.typed.get(key)
        return None if values is None else values[i]

    def issue(self, severity: Severity, key: str, i: int, message: str,
              value: Any = None) -> None:
        """Record an issue at column `key` of data row `i` (value: the cell's, by default)."""
        self.log.issue(severity, key, self.rows[i], message, value)

    def issues_in_order(self) -> list[Issue]:
        """The issues recorded, row by row and left to right."""
        return self.log.in_order()

    def _column(self, key: str) -> list[Any]:
        values = self.typed.get(key)
        return [None] * len(self.rows) if values is None else values

    def texts(self, key: str) -> list[str | None]:
        """Clean text of each cell (read.values.clean_text)."""
        return _by_value(self._column(key), clean_text)[0]

    def parsed(self, kind: str, key: str) -> tuple[list[Parsed], bool]:
        """Each cell parsed as `kind` (date, number, percent, money or a dropdown's name),
        and whether any cell needs a word (an error, or text read as something)."""
        parse = self._parsers[kind]
        out, results = _by_value(self._column(key),
                                 lambda raw: BLANK if raw is None else parse(raw))
        return out, any(p.error or p.interpreted for p in results)

    def _values(self, kind: str, key: str, shown: Callable[[Any], str]) -> list[Any]:
        """Parsed values; an unreadable cell is an error and None, text read as something
        is an info saying what it was read as."""
        out, noted = self.parsed(kind, key)
        if noted:
            for i, p in enumerate(out):
                if p.error:
                    self.issue(Severity.ERROR, key, i, p.error)
                elif p.interpreted:
                    raw = str(self.raw(key, i)).strip()
                    self.issue(Severity.INFO, key, i, self.say("i_read_as", text=raw,
                                                        value=shown(p.value)))
        return list(map(VALUE_OF, out))

    def dates(self, key: str) -> list[date | None]:
        return self._values("date", key, lambda d: d.isoformat())

    def numbers(self, key: str) -> list[float | None]:
        return self._values("number", key, self.number)

    def percents(self, key: str) -> list[float | None]:
        return self._values("percent", key, lambda v: self.number(v, ".0%"))

    def money(self, key: str) -> list[Parsed]:
        """Parsed amounts (what was read is the caller's to say); unreadable ones are
        errors, and blank."""
        out, noted = self.parsed("money", key)
        for i, p in enumerate(out if noted else ()):
            if p.error:
                self.issue(Severity.ERROR, key, i, p.error)
                out[i] = BLANK
        return out

    def ids(self, key: str) -> list[list[str]]:
        """The IDs listed in each cell ('M-001, M-002')."""
        return [parse_ids(raw) for raw in self._column(key)]

    def choices(self, key: str, enum: type[E]) -> list[E | None]:
        """Dropdown values (of the contract.CHOICES whose enum is `enum`); unknown ones are
        errors, and a synonym ("Blocked" for On hold) is an info saying what it was read as."""
        kind = next(k for k, c in contract.CHOICES.items() if c.enum is enum)
        out, noted = self.parsed(kind, key)
        for i, p in enumerate(out if noted else ()):
            if p.error:
                self.issue(Severity.ERROR, key, i, self.say("i_pick_dropdown", error=p.error))
            elif p.interpreted:
                self.issue(Severity.INFO, key, i, self.say(
                    "i_read_as", text=clean_text(self.raw(key, i)),
                    value=contract.choice_label(kind, p.value, self.lang)))
        return list(map(VALUE_OF, out))


# The sheet whose column each dropdown (contract.CHOICES) fills, for the column's name.
_CHOICE_SHEET = {"type": "milestones", "status": "milestones", "direction": "metrics"}

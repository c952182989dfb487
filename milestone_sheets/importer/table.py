"""Find the task list in a sheet: its header row, its columns and where it ends.

The header row is searched in the first 50 rows (title and metadata blocks above it), with
merged header cells read as one title. The table ends at a blank row (unless more task rows
follow), a second header, or a legend; a timeline grid of day or week columns beside it is
left out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from milestone_sheets import contract, i18n
from milestone_sheets.importer import mapping as mp
from milestone_sheets.importer.model import ColumnChoice, TaskRow
from milestone_sheets.read.values import MONTHS, WEEKDAY_WORDS

HEADER_SCAN_ROWS = 50
Merge = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first col), (last row, last col))


@dataclass
class Grid:
    """A sheet's cells (0-based rows and columns, None when blank) and merged ranges."""

    name: str
    rows: list[list[Any]]
    merges: list[Merge] = field(default_factory=list)

    def cell(self, r: int, c: int) -> Any:
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                v = row[c]
                return None if v == "" else v
        return None

    @property
    def width(self) -> int:
        return max(map(len, self.rows), default=0)


@dataclass
class Table:
    """The task list found in a grid, its columns read as fields, and its rows."""

    grid: Grid
    header_row: int  # 0-based
    first_row: int  # 0-based, first data row
    end_row: int  # 0-based, exclusive
    end_reason: str
    titles: list[str]
    choices: dict[str, ColumnChoice]
    user_columns: dict[int, str]  # column -> title in the new plan
    timeline_columns: int
    empty_columns: int
    rows: list[TaskRow]
    lang: str | None = None

    @property
    def score(self) -> int:
        """How much this looks like a task list: rows with a name x fields found (dates
        count double)."""
        named = sum(1 for r in self.rows if r.name)
        fields = sum(2 if f in mp.DATE_FIELDS else 1 for f in self.choices)
        return named * fields


class NoHeader(Exception):
    """The grid has no row naming a column of tasks; `seen` is the likeliest header row,
    `longest` its header over the longest texts (the likeliest names of tasks)."""

    def __init__(self, seen: list[str], longest: str | None = None) -> None:
        super().__init__("no header")
        self.seen, self.longest = seen, longest


# --------------------------------------------------------------------------- header


def _text_cells(row: Sequence[Any]) -> Iterator[tuple[int, str]]:
    for c, v in enumerate(row):
        if isinstance(v, str) and v.strip():
            yield c, v


def find_header_row(grid: Grid, forced_titles: Sequence[str] = ()) -> int:
    """The 0-based header row: the row in the first 50 that names a task column and the
    most other fields. `forced_titles` (from --map) count as task columns."""
    forced = {mp.header_key(t) for t in forced_titles}
    best: tuple[float, int] | None = None
    likeliest: tuple[int, list[tuple[int, str]]] = (0, [])
    for r, row in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        cells = list(_text_cells(row))
        if len(cells) > len(likeliest[1]):
            likeliest = (r, cells)
        exact: set[str] = set()
        partial: set[str] = set()
        named = False
        for _, v in cells:
            for fld, _rank, _lang in mp.header_matches(v):
                exact.add(fld)
            partial.update(mp.pattern_fields(v))
            if mp.header_key(v) in forced:
                named = True
        if not (named or "milestone" in exact):
            continue
        score = len(exact) + 0.5 * len(partial - exact)
        if best is None or score > best[0]:
            best = (score, r)
    if best is None:
        r, cells = likeliest

        def length(c: int) -> float:
            texts = [v for x in range(r + 1, min(r + 51, len(grid.rows)))
                     if isinstance(v := grid.cell(x, c), str)]
            return sum(map(len, texts)) / len(texts) if texts else 0.0

        longest = max(cells, key=lambda cell: length(cell[0]))[1].strip() if cells else None
        raise NoHeader([v.strip() for _, v in cells], longest)
    return best[1]


def _header_block_end(grid: Grid, r: int) -> int:
    """Last row of a header whose cells are merged down over several rows."""
    end = r
    for (r0, _c0), (r1, _c1) in grid.merges:
        if r0 == r and r1 > end and r1 - r0 < 5:
            end = r1
    return end


def _merged_value(grid: Grid, r: int, c: int) -> Any:
    """A cell's value, or that of the merged range covering it."""
    v = grid.cell(r, c)
    if v is not None:
        return v
    for (r0, c0), (r1, c1) in grid.merges:
        if r0 <= r <= r1 and c0 <= c <= c1:
            return grid.cell(r0, c0)
    return None


def _is_timeline(parts: Sequence[Any]) -> bool:
    """A header of a Gantt grid column: a date, a day or week number, a weekday or month."""
    for v in parts:
        if isinstance(v, (date, int, float)) and not isinstance(v, bool):
            return True
        if isinstance(v, str):
            s = v.strip().casefold().rstrip(".")
            if s in WEEKDAY_WORDS or s in MONTHS or re.fullmatch(r"(w|wk|week|s|sem)\s*\d+", s):
                return True
    return False


def column_titles(grid: Grid, header_row: int, block_end: int) -> tuple[list[str], set[int]]:
    """Each column's title (merged header cells joined, a group title above prefixed where
    it names the field), and the columns of a timeline grid."""
    width = grid.width
    titles: list[str] = []
    timeline: set[int] = set()
    groups: dict[int, str] = {}
    if header_row > 0:
        header_width = sum(1 for _ in _text_cells(grid.rows[header_row]))
        for (r0, c0), (r1, c1) in grid.merges:
            if r0 == r1 == header_row - 1 and c1 > c0 and c1 - c0 + 1 < header_width:
                g = grid.cell(r0, c0)
                if isinstance(g, str) and g.strip():
                    for c in range(c0, c1 + 1):
                        groups[c] = g.strip()
    for c in range(width):
        parts = [_merged_value(grid, r, c) for r in range(header_row, block_end + 1)]
        if _is_timeline(parts):
            timeline.add(c)
        words = [mp.text(v) for v in parts if isinstance(v, str)]
        title = " ".join(dict.fromkeys(w for w in words if w))
        titles.append(title)
    plain = list(titles)
    for c, g in groups.items():
        if c < len(titles) and c not in timeline and titles[c]:
            grouped = f"{g} {titles[c]}"
            if mp.header_matches(grouped) or plain.count(titles[c]) > 1:
                titles[c] = grouped
    return titles, timeline


# --------------------------------------------------------------------------- table edges


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


_HEADER_KEYS = set(mp._INDEX)
_NEAR_KEYS = _HEADER_KEYS | {d for k in _HEADER_KEYS if len(k) >= 6 for d in _deletions(k)}


@functools.lru_cache(maxsize=65536)
def _like_header_word(value: str) -> bool:
    """A header word, or one typed with a letter too many, missing or wrong ('Activitiy')."""
    k = mp.header_key(value)
    if not k or len(value.split()) > 4:
        return False
    if k in _HEADER_KEYS:
        return True
    if len(k) < 6:
        return False
    return k in _NEAR_KEYS or any(d in _NEAR_KEYS for d in _deletions(k))


@functools.lru_cache(maxsize=65536)
def _is_date_text(value: str) -> bool:
    return mp.read_date(value, "MDY", 2000)[0] is not None


LEGEND_WORDS = {"legend", "legends", "legende", "legendes"}


class _Rows:
    """Row tests for one table, given its columns."""

    def __init__(self, grid: Grid, columns: Sequence[int], name_col: int | None,
                 choices: dict[str, mp.Candidate], titles: Sequence[str]) -> None:
        self.grid = grid
        self.columns = columns
        self.name_col = name_col
        self.choices = choices
        self.title_keys = {mp.header_key(t) for t in titles if t}
        self._cells: dict[int, list[tuple[int, Any]]] = {}

    def cells(self, r: int) -> list[tuple[int, Any]]:
        """The row's non-blank cells in the table's columns (computed once a row)."""
        if r in self._cells:
            return self._cells[r]
        row = self.grid.rows[r] if r < len(self.grid.rows) else []
        n = len(row)
        out = [(c, row[c]) for c in self.columns if c < n and row[c] is not None
               and row[c] != "" and not (isinstance(row[c], str) and not row[c].strip())]
        self._cells[r] = out
        return out

    def blank(self, r: int) -> bool:
        return not self.cells(r)

    def legend(self, r: int) -> bool:
        cells = self.cells(r)
        if not cells or not isinstance(cells[0][1], str):
            return False
        value = cells[0][1].strip().casefold()
        return mp.header_key(value.split(":")[0]) in LEGEND_WORDS or value.startswith("key:")

    def header_like(self, r: int) -> bool:
        """A second header under the table: text only, and a header word outside the task
        column (a status or yes/no word does not count)."""
        cells = self.cells(r)
        if len(cells) < 2:
            return False
        if any(not isinstance(v, str) for _, v in cells):
            return False
        if sum(1 for _, v in cells if mp.header_key(v) in self.title_keys) >= 2:
            return True  # the header repeated
        if not any(c != self.name_col and _like_header_word(v) and not mp.map_status(v, {})
                   and mp.parse_bool(v) is None for c, v in cells):
            return False
        return not any(_is_date_text(v) for _, v in cells)

    def task_like(self, r: int) -> bool:
        """A row that is surely a task: a name and a date, a status word or a percentage."""
        if self.name_col is None or mp.text(self.grid.cell(r, self.name_col)) is None:
            return False
        for fld in (*mp.DATE_FIELDS, "status", "pct"):
            c = self.choices.get(fld)
            if c is None:
                continue
            v = self.grid.cell(r, c.column)
            if v is None:
                continue
            if fld in mp.DATE_FIELDS and mp.read_date(v, "MDY", 2000)[0] is not None:
                return True
            if fld == "status" and mp.map_status(v, {}) is not None:
                return True
            if fld == "pct" and (isinstance(v, (int, float)) or str(v).strip().endswith("%")):
                return True
        return False


def find_end(rows: _Rows, start: int, stop: int) -> tuple[int, str]:
    """(end row, exclusive; why it ends there)."""
    seen_data = False
    r = start
    while r < stop:
        if rows.blank(r):
            if not seen_data:
                r += 1
                continue
            nxt = r
            while nxt < stop and rows.blank(nxt):
                nxt += 1
            if nxt >= stop:
                return r, "the end of the sheet"
            block_end = nxt
            while block_end < stop and not rows.blank(block_end):
                block_end += 1
            if rows.legend(nxt) or rows.header_like(nxt) or not any(
                    rows.task_like(x) for x in range(nxt, block_end)):
                return r, f"a blank row (row {r + 1})"
            r = nxt
            continue
        if seen_data and rows.legend(r):
            return r, f"a legend (row {r + 1})"
        if seen_data and rows.header_like(r):
            return r, f"a second header (row {r + 1})"
        seen_data = True
        r += 1
    return stop, "the end of the sheet"


# --------------------------------------------------------------------------- the table


def _guess(titles: Sequence[str], grid: Grid, data: Sequence[int], skip: set[int],
           forced: dict[str, int | None]) -> tuple[dict[str, mp.Candidate], list[mp.Profile]]:
    profiles = [mp.profile([grid.cell(r, c) for r in data]) for c in range(len(titles))]
    return mp.assign(mp.candidates(titles, profiles, skip), forced), profiles


def resolve_column(option: str, titles: Sequence[str]) -> int | None:
    """The column a --map COLUMN names: a header (any case, spacing or accents) or letters."""
    key = mp.header_key(option)
    for c, t in enumerate(titles):
        if t and mp.header_key(t) == key:
            return c
    letters = mp.column_index(option.strip())
    if letters is not None and letters < len(titles):
        return letters
    return None


class UnknownColumn(Exception):
    """A --map FIELD=COLUMN whose COLUMN is not in the header row."""

    def __init__(self, field: str, option: str, titles: list[str]) -> None:
        super().__init__(option)
        self.field, self.option, self.titles = field, option, titles


def read_table(grid: Grid, maps: dict[str, str | None]) -> Table:
    """The task list of a grid. Raises NoHeader, or UnknownColumn for a --map naming no
    column."""
    forced_titles = [t for f, t in maps.items() if f == "milestone" and t]
    header_row = find_header_row(grid, forced_titles)
    block_end = _header_block_end(grid, header_row)
    titles, timeline = column_titles(grid, header_row, block_end)
    forced: dict[str, int | None] = {}
    for fld, option in maps.items():
        if option is None:
            forced[fld] = None
            continue
        col = resolve_column(option, titles)
        if col is None:
            raise UnknownColumn(fld, option, [t for t in titles if t])
        forced[fld] = col
    columns = [c for c in range(len(titles)) if c not in timeline]
    stop = len(grid.rows)
    # A first guess from the rows down to the first blank one, to find where the table ends.
    probe = _Rows(grid, columns, None, {}, titles)
    first = block_end + 1
    while first < stop and probe.blank(first):
        first += 1
    block: list[int] = []
    r = first
    while r < stop and not probe.blank(r) and len(block) < 200:
        block.append(r)
        r += 1
    choices, _ = _guess(titles, grid, block, timeline, forced)
    name_col = choices["milestone"].column if "milestone" in choices else None
    rows_test = _Rows(grid, columns, name_col, choices, titles)
    end, reason = find_end(rows_test, block_end + 1, stop)
    data = [r for r in range(block_end + 1, end) if not rows_test.blank(r)]
    choices, profiles = _guess(titles, grid, data, timeline, forced)
    name_col = choices["milestone"].column if "milestone" in choices else None
    group_col = _group_column(titles, profiles, grid, data, choices, timeline, name_col)
    if group_col is not None:
        choices["phase"] = mp.Candidate("phase", group_col, 0, "group")
    lang = mp.detect_language(choices.values())
    chosen_cols = {c.column for c in choices.values()}
    user: dict[int, str] = {}
    empty = 0
    taken = contract.header_index("milestones")
    managed = {c for c in columns if (k := taken.get(i18n.normalize(titles[c]))) and
               contract.column("milestones", k).managed}
    if len(managed) < sum(1 for c in contract.COLUMNS["milestones"] if c.managed):
        managed = set()  # another tool's Health column is the user's: kept
    used: dict[str, str] = {}  # casefolded title -> title: a table's headers are unique
    for c in columns:
        if c in chosen_cols:
            continue
        if profiles[c].filled == 0 or c in managed:
            empty += 1  # nothing in it, or an msheets plan's Health, Slack, Flags: refresh
            continue    # computes them again
        title = titles[c][:200] or f"Column {mp.column_letter(c)}"  # Excel: 255 at most
        if i18n.normalize(title) in taken:
            title = f"{title} (source)"
        if used.get(title.casefold(), title) != title:  # 'Priority' and 'priority'
            n = 2
            while f"{title} ({n})".casefold() in used:
                n += 1
            title = f"{title} ({n})"
        used[title.casefold()] = title
        user[c] = title
    choice_out = {f: ColumnChoice(f, c.column, titles[c.column] or
                                  f"Column {mp.column_letter(c.column)}", c.how)
                  for f, c in choices.items()}
    table = Table(grid, header_row, block_end + 1, end, reason, titles, choice_out, user,
                  len(timeline), empty, [], lang)
    table.rows = list(_task_rows(table, data, choices, group_col))
    return table


def _group_column(titles: Sequence[str], profiles: Sequence[mp.Profile], grid: Grid,
                  data: Sequence[int], choices: dict[str, mp.Candidate], skip: set[int],
                  name_col: int | None) -> int | None:
    """An untitled column left of the task names, filled only on the first row of each
    group ('Session 1' beside the first of its tasks): read as Phase, filled down."""
    if "phase" in choices or name_col is None or not data:
        return None
    chosen = {c.column for c in choices.values()}
    for c in range(name_col):
        if c in skip or c in chosen or titles[c]:
            continue
        p = profiles[c]
        if p.texts and p.texts == p.filled and p.filled * 2 <= len(data) and \
                mp.text(grid.cell(data[0], c)) is not None:
            return c
    return None


def _task_rows(table: Table, data: Sequence[int], choices: dict[str, mp.Candidate],
               group_col: int | None) -> Iterator[TaskRow]:
    grid = table.grid
    name_col = choices["milestone"].column if "milestone" in choices else None
    fields = [(f, c.column) for f, c in choices.items() if f != "milestone"]
    group: Any = None
    for r in data:
        raw_name = grid.cell(r, name_col) if name_col is not None else None
        values: dict[str, Any] = {}
        for fld, c in fields:
            v = grid.cell(r, c)
            if c == group_col:
                group = v if mp.text(v) is not None else group
                v = group
            if v is not None and not (isinstance(v, str) and not v.strip()):
                values[fld] = v
        extra: dict[str, Any] = {}
        for c, title in table.user_columns.items():
            v = grid.cell(r, c)
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            if title in extra:  # repeated headers (Jira's Labels, Labels ...): one column
                extra[title] = f"{mp.text(extra[title])}, {mp.text(v)}"
            else:
                extra[title] = v
        name = mp.text(raw_name)
        label = None
        if name is None and not any(f in values for f in mp.DETAIL_FIELDS):
            texts = [mp.text(v) for v in extra.values() if isinstance(v, str)]
            texts += [mp.text(values[f]) for f in ("phase", "notes") if f in values]
            texts = [t for t in texts if t]
            if len(texts) == 1:
                label = texts[0]
        keys = [k for k in (mp.text(values.get("id")), wbs_key(values.get("wbs")),
                            mp.text(values.get("ref"))) if k]
        yield TaskRow(r + 1, name, values, extra, mp.leading_spaces(raw_name), label, keys)


def wbs_key(raw: object) -> str | None:
    """A WBS number as text: 1.0 is '1', '2.1.0' is '2.1'."""
    s = mp.text(raw)
    if s is None:
        return None
    while s.endswith(".0") and s.count(".") >= 1:
        s = s[:-2]
    return s

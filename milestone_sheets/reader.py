"""Read a filled workbook into a `Plan`: typed records plus every issue, by cell.

Values come from python-calamine (the computed values of formulas included);
the package has been checked for safety first (`package.open_package`).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from . import schema
from .errors import PlanError
from .model import (
    HISTORY_KEYS,
    BaselineEntry,
    Issue,
    Metric,
    Milestone,
    Plan,
    Reading,
    Settings,
    SheetLayout,
    TeamMember,
)
from .package import Package, open_package
from .parsing import (
    BLANK,
    Parsed,
    clean_text,
    is_blank,
    months_touched,
    parse_choice,
    parse_date,
    parse_ids,
    parse_money,
    parse_number,
    parse_percent,
    parse_status,
    percent_metric_value,
)
from .xlsx.cells import cell_ref, column_letter

HEADER_SCAN_ROWS = 10
SCALE_FACTOR = 50  # a % metric's value this many times off its Target: typed on another scale
ID_PATTERN = re.compile(r"^M-(\d+)$", re.IGNORECASE)


# --------------------------------------------------------------------------- grid


@dataclass
class Grid:
    """A sheet's used cells as rows; absolute 1-based positions via the offsets."""

    title: str
    rows: list[list[Any]]
    row0: int  # 0-based row of rows[0]
    col0: int
    no_value: set[str]  # formula cells without a computed value
    date_1904: bool = False  # serial numbers count from 1904
    width: int = field(init=False)  # the longest row

    def __post_init__(self) -> None:
        self.width = max(map(len, self.rows), default=0)

    def value(self, row: int, col: int) -> Any:
        r, c = row - 1 - self.row0, col - 1 - self.col0
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            v = self.rows[r][c]
            return None if v == "" else v
        return None

    @property
    def last_row(self) -> int:
        return self.row0 + len(self.rows)

    @property
    def last_col(self) -> int:
        return self.col0 + self.width


class Workbook:
    """Calamine access to the sheets of a checked package."""

    def __init__(self, path: Path, pkg: Package) -> None:
        import python_calamine as pc

        self.path, self.pkg = path, pkg
        try:
            self._wb = pc.CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own kinds, and password errors
            raise PlanError(f"{path.name}: cannot be read as a workbook ({exc}). "
                            "Re-save it as .xlsx in Excel or LibreOffice.") from None
        self.titles: list[str] = list(self._wb.sheet_names)

    def grid(self, title: str, nrows: int | None = None) -> Grid:
        """The sheet's cells (its first `nrows` used rows only, when given)."""
        try:
            sheet = self._wb.get_sheet_by_name(title)
            rows = sheet.to_python(skip_empty_area=True, nrows=nrows)
            start = sheet.start or (0, 0)
        except Exception as exc:
            raise PlanError(f"{self.path.name}: sheet {title!r} cannot be read ({exc}). "
                            "Re-save the file in Excel or LibreOffice.") from None
        part = self.pkg.part_of(title)
        no_value = self.pkg.formulas.get(part, (set(), set()))[1] if part else set()
        return Grid(title, rows, start[0], start[1], no_value, self.pkg.date_1904)

    def close(self) -> None:
        self._wb.close()


# --------------------------------------------------------------------------- tables


def find_header(grid: Grid, sheet_key: str) -> tuple[int, dict[str, int]] | None:
    """(header row, column key -> column) of an input sheet, within the first rows."""
    index = schema.header_index(sheet_key)
    key_column = schema.KEY_COLUMN[sheet_key]
    for row in range(1, HEADER_SCAN_ROWS + 1):
        found: dict[str, int] = {}
        for col in range(grid.col0 + 1, grid.last_col + 1):
            v = grid.value(row, col)
            if isinstance(v, str) and v.strip():
                key = index.get(schema.normalize(v))
                if key and key not in found:
                    found[key] = col
        if key_column in found:
            return row, found
    return None


_VALUE = attrgetter("value")
_NUMBER_TYPES = {bool, int, float}


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
    if len(set(map(type, values)) & _NUMBER_TYPES) > 1:
        # 1, 1.0 and True are equal in Python: tell them apart by type
        keys = list(zip(map(type, values), values, strict=True))
        by_key = {k: convert(k[1]) for k in set(keys)}
        return list(map(by_key.__getitem__, keys)), list(by_key.values())
    table = {v: convert(v) for v in set(values)}
    return list(map(table.__getitem__, values)), list(table.values())


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
        self._issues: list[tuple[int, int, Issue]] = []
        self.columns = {k: c for k, c in layout.columns.items()
                        if not schema.column(sheet_key, k).managed}
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
        for ref in sorted(grid.no_value):
            letters = ref.rstrip("0123456789")
            at, number = by_ref.get(letters), int(ref[len(letters):])
            if at is not None and number in numbers:
                keep.add(number - numbers.start)
                self._issues.append((number, self.columns[at], Issue(
                    "warning", self.title, ref, at, None, self.say("i_no_value"))))
        if len(keep) < len(rows):
            kept = sorted(keep)
            cells = {k: [v[i] for i in kept] for k, v in cells.items()}
            self.rows = [numbers[i] for i in kept]
        else:
            self.rows = list(numbers)
        self.cells = cells
        self._parsers: dict[str, Callable[[Any], Parsed]] = {
            "date": lambda raw: parse_date(raw, date_order, default_year, grid.date_1904,
                                           lang),
            "number": partial(parse_number, lang=lang),
            "percent": partial(parse_percent, lang=lang),
            "money": partial(parse_money, lang=lang),
        }
        for kind, choices in schema.CHOICES.items():
            what = schema.column(_CHOICE_SHEET[kind], kind).label(lang)
            self._parsers[kind] = partial(parse_choice, lookup=choices.lookup, what=what,
                                          lang=lang)
        # with the synonyms of other trackers
        self._parsers["status"] = partial(parse_status, lang=lang)

    def __len__(self) -> int:
        return len(self.rows)

    def say(self, key: str, **values: object) -> str:
        """A message of the catalogue in the plan's language."""
        return schema.say(key, self.lang, **values)

    def number(self, value: float, spec: str = "g") -> str:
        """A number as the plan's language writes it (1,234.50 or 1 234,50)."""
        return schema.format_number(value, spec, self.lang)

    def ref(self, key: str, i: int) -> str:
        col = self.columns.get(key)
        return cell_ref(self.rows[i], col) if col else ""

    def raw(self, key: str, i: int) -> Any:
        """The raw value of column `key` in data row `i` (None when blank)."""
        values = self.cells.get(key)
        return None if values is None else values[i]

    def issue(self, severity: str, key: str, i: int, message: str, value: Any = None) -> None:
        """Record an issue at column `key` of data row `i` (value: the cell's, by default)."""
        self._issues.append((self.rows[i], self.columns.get(key, 0), Issue(
            severity, self.title, self.ref(key, i), key,
            self.raw(key, i) if value is None else value, message)))

    def issues_in_order(self) -> list[Issue]:
        """The issues recorded, row by row and left to right."""
        return [issue for _, _, issue in sorted(self._issues, key=lambda t: (t[0], t[1]))]

    def _column(self, key: str) -> list[Any]:
        values = self.cells.get(key)
        return [None] * len(self.rows) if values is None else values

    def texts(self, key: str) -> list[str | None]:
        """Clean text of each cell (parsing.clean_text)."""
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
                    self.issue("error", key, i, p.error)
                elif p.interpreted:
                    raw = str(self.raw(key, i)).strip()
                    self.issue("info", key, i, self.say("i_read_as", text=raw,
                                                        value=shown(p.value)))
        return list(map(_VALUE, out))

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
                self.issue("error", key, i, p.error)
                out[i] = BLANK
        return out

    def ids(self, key: str) -> list[list[str]]:
        """The IDs listed in each cell ('M-001, M-002')."""
        return [parse_ids(raw) for raw in self._column(key)]

    def choices(self, key: str, kind: str) -> list[str | None]:
        """Dropdown values (schema.CHOICES[kind]) in English; unknown ones are errors, and a
        synonym ("Blocked" for On hold) is an info saying what it was read as."""
        out, noted = self.parsed(kind, key)
        for i, p in enumerate(out if noted else ()):
            if p.error:
                self.issue("error", key, i, self.say("i_pick_dropdown", error=p.error))
            elif p.interpreted:
                self.issue("info", key, i, self.say(
                    "i_read_as", text=clean_text(self.raw(key, i)),
                    value=schema.choice_label(kind, p.value, self.lang)))
        return list(map(_VALUE, out))


# The sheet whose column each dropdown (schema.CHOICES) fills, for the column's name.
_CHOICE_SHEET = {"type": "milestones", "status": "milestones", "direction": "metrics"}


# --------------------------------------------------------------------------- the plan


def load_plan(path: str | Path, as_of: date | None = None, today: date | None = None) -> Plan:
    """Read a plan workbook: records plus issues. Raises PlanError on structural errors.

    `as_of` (the --as-of option) wins over the Settings sheet's As-of date, which
    wins over `today` (default: the system date, read here and only here).
    """
    path = Path(path)
    pkg = open_package(path)
    book = Workbook(path, pkg)
    try:
        with without_gc_pauses():
            plan = _read(path, book, as_of, today or date.today())
    finally:
        book.close()
    plan.package = pkg
    return plan


def plan_language(path: str | Path) -> str | None:
    """The language of the plan at `path` (its Settings sheet's Language, else its Milestones
    tab's title), or None when the file cannot be read as a plan: for the messages about a
    plan a command could not go through with (open in Excel, say)."""
    try:
        pkg = open_package(Path(path))  # the same safety checks as for reading it
        book = Workbook(Path(path), pkg)
    except Exception:
        return None
    try:
        titles: dict[str, str] = {}
        for title in book.titles:
            key = schema.find_sheet_key(title)
            if key:
                titles.setdefault(key, title)
        if "milestones" not in titles:
            return None
        lang = _detect_language(titles)
        if "settings" in titles:
            grid = book.grid(titles["settings"])
            found = find_header(grid, "settings")
            columns = found[1] if found else {"setting": 1, "value": 2}
            for row in range(grid.row0 + 1, grid.last_row + 1):
                name = grid.value(row, columns["setting"])
                setting = schema.find_setting(str(name)) if name is not None else None
                if setting is not None and setting.key == "language":
                    lang = _language_value(grid.value(row, columns["value"])) or lang
        return lang
    except Exception:
        return None
    finally:
        book.close()


@contextmanager
def without_gc_pauses() -> Iterator[None]:
    """Hold the cyclic garbage collector while many small acyclic records are built: its
    repeated passes over them cost a third of reading a large plan. Restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(path: Path, book: Workbook, as_of: date | None, today: date) -> Plan:
    titles: dict[str, str] = {}
    for title in book.titles:
        key = schema.find_sheet_key(title)
        if key and key not in titles:
            titles[key] = title
    if "milestones" not in titles:
        raise PlanError(f"{path.name}: no Milestones sheet (fr: Jalons); sheets are "
                        f"{', '.join(book.titles) or 'none'}. Use a workbook made by "
                        "`msheets new`, or rename the milestone sheet to Milestones.")
    issues: list[Issue] = []
    grids = {k: book.grid(t) for k, t in titles.items()
             if k in schema.INPUT_SHEETS or k in ("baseline", "history")}
    if "summary" in titles:
        grids["summary"] = book.grid(titles["summary"], nrows=HEADER_SCAN_ROWS)
    layouts: dict[str, SheetLayout] = {}
    for key in schema.INPUT_SHEETS:
        if key not in grids:
            continue
        found = find_header(grids[key], key)
        if found is None:
            if key == "settings":
                found = (0, {"setting": 1, "value": 2})  # no header: Setting | Value in A:B
            else:
                label = schema.column(key, schema.KEY_COLUMN[key]).label
                raise PlanError(f"{path.name}: sheet {titles[key]!r} has no header row with "
                                f"{label.en!r} (fr: {label.fr!r}) in rows 1-{HEADER_SCAN_ROWS}. "
                                "Restore the header row.")
        header_row, columns = found
        missing = [c for c in schema.COLUMNS[key] if c.required and c.key not in columns]
        if missing:
            names = ", ".join(f"{c.label.en!r} (fr: {c.label.fr!r})" for c in missing)
            raise PlanError(f"{path.name}: sheet {titles[key]!r} is missing the required "
                            f"column {names} in header row {header_row}. Add it back.")
        layouts[key] = SheetLayout(titles[key], header_row, columns,
                                   grids[key].last_col, grids[key].last_row)

    settings, language = _read_settings(grids.get("settings"), layouts.get("settings"), titles,
                                        issues, today)
    if as_of is None:
        as_of = settings.as_of or today
    plan = Plan(path=path, language=language, settings=settings, as_of=as_of, issues=issues,
                layouts=layouts, sheet_titles=titles)
    if not settings.plan_name:
        settings.plan_name = path.stem
    year = as_of.year
    if "team" in grids:
        plan.team = _read_team(grids["team"], layouts["team"], issues, settings, year)
    if "metrics" in grids:
        plan.metrics = _read_metrics(grids["metrics"], layouts["metrics"], issues, settings, year)
    if "metric_log" in grids:
        plan.readings = _read_log(grids["metric_log"], layouts["metric_log"], plan, year)
    plan.milestones = _read_milestones(grids["milestones"], layouts["milestones"], plan, year)
    if "baseline" in grids:
        plan.baseline = _read_baseline(grids["baseline"])
    if "history" in grids:
        plan.history = _read_history(grids["history"])
    if "summary" in grids:
        plan.refreshed_as_of = _read_refreshed_as_of(grids["summary"])
    return plan


def _detect_language(titles: dict[str, str]) -> str:
    ms = titles.get("milestones", "")
    return "fr" if schema.normalize(ms) == schema.normalize("Jalons") else "en"


def _language_value(raw: Any) -> str | None:
    """The language a Language setting names (fr, French, français ...), or None."""
    text = clean_text(raw)
    n = schema.normalize(text) if text else ""
    return "fr" if n in ("fr", "francais", "french") else "en" if n in (
        "en", "english", "anglais") else None


def _read_settings(grid: Grid | None, layout: SheetLayout | None, titles: dict[str, str],
                   issues: list[Issue], today: date) -> tuple[Settings, str]:
    raw: dict[str, tuple[Any, str]] = {}
    if grid is not None and layout is not None:
        name_col, value_col = layout.columns["setting"], layout.columns["value"]
        for row in range(layout.header_row + 1, grid.last_row + 1):
            name = grid.value(row, name_col)
            if is_blank(name):
                continue
            setting = schema.find_setting(str(name))
            if setting is not None:
                raw[setting.key] = (grid.value(row, value_col), cell_ref(row, value_col))
    lang = _language_value(raw.get("language", (None, ""))[0]) or _detect_language(titles)
    s = Settings(language=lang, currency=str(schema.SETTINGS_BY_KEY["currency"].default(lang)),
                 date_order=str(schema.SETTINGS_BY_KEY["date_order"].default(lang)),
                 plan_review=str(schema.SETTINGS_BY_KEY["plan_review"].default(lang)))
    sheet = titles.get("settings", "Settings")

    def bad(key: str, value: Any, ref: str, message: str) -> None:
        issues.append(Issue("error", sheet, ref, key, value,
                            schema.say("i_default_used", lang, message=message)))

    order = raw.get("date_order")
    if order and not is_blank(order[0]):
        o = schema.normalize(order[0]).upper().replace("J", "D").replace("A", "Y")
        if o in ("MDY", "DMY", "YMD"):
            s.date_order = o
        else:
            bad("date_order", order[0], order[1], schema.word("i_date_order", lang))
    for key, (value, ref) in raw.items():
        if is_blank(value) or key in ("language", "date_order"):
            continue
        setting = schema.SETTINGS_BY_KEY[key]
        if setting.kind == "text":
            setattr(s, key, clean_text(value) or getattr(s, key))
        elif setting.kind == "date":
            p = parse_date(value, s.date_order, today.year, lang=lang)
            if p.error:
                bad(key, value, ref, p.error)
            else:
                setattr(s, key, p.value)
        else:
            p = parse_number(value, lang)
            if p.error or p.value is None or p.value < 0:
                bad(key, value, ref, p.error or schema.word("i_not_negative", lang))
            else:
                setattr(s, key, round(p.value) if setting.kind == "int" else p.value)
    s.currency = s.currency.upper()
    return s, lang


def _sheet(grid: Grid, layout: SheetLayout, sheet_key: str, settings: Settings,
           year: int) -> SheetReader:
    return SheetReader(grid, layout, sheet_key, settings.date_order, year, settings.language)


def _title(plan: Plan, key: str) -> str:
    """The tab title of a sheet of the plan (the default title in its language if absent),
    for the messages that name it."""
    return plan.sheet_titles.get(key) or schema.sheet_title(key, plan.language)


def _read_team(grid: Grid, layout: SheetLayout, issues: list[Issue], settings: Settings,
               year: int) -> list[TeamMember]:
    s = _sheet(grid, layout, "team", settings, year)
    team: list[TeamMember] = []
    seen: set[str] = set()
    capacities = s.numbers("capacity")
    for i, (name, role, email) in enumerate(zip(s.texts("owner"), s.texts("role"),
                                                s.texts("email"), strict=True)):
        if not name:
            s.issue("warning", "owner", i, s.say("i_team_no_name"))
            continue
        if schema.normalize(name) in seen:
            s.issue("warning", "owner", i, s.say("i_team_twice", name=name, sheet=grid.title))
            continue
        seen.add(schema.normalize(name))
        capacity = capacities[i]
        if capacity is not None and capacity < 0:
            s.issue("error", "capacity", i, s.say("i_capacity_negative"))
            capacity = None
        team.append(TeamMember(s.rows[i], name, role, email, capacity))
    issues += s.issues_in_order()
    return team


def _read_metrics(grid: Grid, layout: SheetLayout, issues: list[Issue], settings: Settings,
                  year: int) -> list[Metric]:
    s = _sheet(grid, layout, "metrics", settings, year)
    metrics: list[Metric] = []
    columns = zip(s.texts("metric"), s.texts("unit"), s.choices("direction", "direction"),
                  s.numbers("baseline"), s.dates("baseline_date"), s.numbers("target"),
                  s.dates("target_date"), s.numbers("current"), s.texts("owner"),
                  s.texts("notes"), strict=True)
    for i, (name, *fields) in enumerate(columns):
        if not name:
            s.issue("error", "metric", i, s.say("i_no_metric_name"))
            continue
        m = Metric(s.rows[i], name, *fields)
        if m.is_percent:
            m.target = percent_metric_value(s.raw("target", i), m.target)
            target_ref = s.ref("target", i)
            m.baseline = _percent_value(s, "baseline", i, m.baseline, m, target_ref)
            m.current = _percent_value(s, "current", i, m.current, m, target_ref)
        if m.baseline is not None and m.target is not None and (
            (m.direction == "Increase" and m.target < m.baseline)
            or (m.direction == "Decrease" and m.target > m.baseline)
        ):
            s.issue("warning", "target", i, s.say(
                "i_contradicts", target=s.number(m.target), baseline=s.number(m.baseline),
                direction=schema.choice_label("direction", m.direction, s.lang)))
        metrics.append(m)
    issues += s.issues_in_order()
    return metrics


def _read_log(grid: Grid, layout: SheetLayout, plan: Plan, year: int) -> list[Reading]:
    s = _sheet(grid, layout, "metric_log", plan.settings, year)
    known = {schema.normalize(m.name): m for m in plan.metrics}
    readings: list[Reading] = []
    for i, (when, name, value) in enumerate(zip(s.dates("date"), s.texts("metric"),
                                                s.numbers("value"), strict=True)):
        if when is None and s.raw("date", i) is None:
            s.issue("error", "date", i, s.say("i_reading_no_date"))
        metric = known.get(schema.normalize(name)) if name else None
        if not name:
            s.issue("error", "metric", i, s.say("i_reading_no_metric"))
        elif metric is None:
            s.issue("warning", "metric", i, s.say("i_not_in_metrics", name=name,
                                                  sheet=_title(plan, "metrics")))
        elif metric.is_percent:
            value = _percent_value(s, "value", i, value, metric, _target_ref(plan, metric))
        if when is not None and name and value is not None:
            readings.append(Reading(s.rows[i], when, metric.name if metric else name, value))
    plan.issues += s.issues_in_order()
    return readings


def _percent_value(s: SheetReader, key: str, i: int, value: float | None, metric: Metric,
                   target_ref: str) -> float | None:
    """A value of a % metric as a fraction (parsing.percent_metric_value), with a warning
    when it is more than SCALE_FACTOR times off the metric's Target: one of them was typed
    on the other scale (0.5 for 0.5%, say)."""
    value = percent_metric_value(s.raw(key, i), value)
    target = metric.target
    if value and target and max(abs(value / target), abs(target / value)) > SCALE_FACTOR:
        side = s.say("i_scale_more" if abs(value) > abs(target) else "i_scale_less",
                     n=SCALE_FACTOR)
        s.issue("warning", key, i, s.say(
            "i_scale", value=_as_percent(value, s.lang), side=side, metric=metric.name,
            target=_as_percent(target, s.lang), ref=target_ref))
    return value


def _as_percent(fraction: float, lang: str) -> str:
    return schema.format_number(fraction * 100, ".4g", lang) + ("%" if lang != "fr" else " %")


def _target_ref(plan: Plan, metric: Metric) -> str:
    """Where a metric's Target is, as Sheet!A1."""
    layout = plan.layouts["metrics"]
    col = layout.columns.get("target")
    return f"{layout.title}!{cell_ref(metric.row, col)}" if col else layout.title


def _read_milestones(grid: Grid, layout: SheetLayout, plan: Plan, year: int) -> list[Milestone]:
    settings = plan.settings
    s = _sheet(grid, layout, "milestones", settings, year)
    team = {schema.normalize(t.name): t.name for t in plan.team}
    metrics = {schema.normalize(m.name): m for m in plan.metrics}
    ids, names = s.texts("id"), s.texts("milestone")
    phases, strategies, tactics = s.texts("phase"), s.texts("strategy"), s.texts("tactic")
    types, statuses = s.choices("type", "type"), s.choices("status", "status")
    owners = s.texts("owner")
    starts, dues, completed = s.dates("start"), s.dates("due"), s.dates("completed")
    budgets, actuals = s.money("budget"), s.money("actual")
    efforts, pcts = s.numbers("effort"), s.percents("pct")
    deliverables, notes = s.texts("deliverable"), s.texts("notes")
    depends_on = s.ids("depends_on")
    metric_names, target_values = s.texts("metric"), s.numbers("target_value")
    owner_keys = {o: schema.normalize(o) for o in set(owners) if o is not None}
    team_title, metrics_title = _title(plan, "team"), _title(plan, "metrics")
    out: list[Milestone] = []
    for i in range(len(s)):
        name = names[i]
        if not name:
            s.issue("error", "milestone", i, s.say("i_no_milestone_text"), value="")
            name = ""
        m = Milestone(s.rows[i], ids[i] or "", name, phases[i], strategies[i], tactics[i],
                      types[i] or "Implementation", None, False, starts[i], dues[i],
                      status=statuses[i] or _blank_status(s, i, pcts[i], completed[i]),
                      completed=completed[i], deliverable=deliverables[i], notes=notes[i],
                      depends_on=depends_on[i])
        owner = owners[i]
        if owner is None:
            s.issue("warning", "owner", i, s.say("i_no_owner", sheet=team_title), value="")
        elif owner_keys[owner] in team:
            m.owner, m.owner_known = team[owner_keys[owner]], True
        else:
            m.owner = owner
            s.issue("warning", "owner", i, s.say("i_owner_unknown", owner=owner,
                                                 sheet=team_title))
        if m.due is None and s.raw("due", i) is None:
            s.issue("error", "due", i, s.say("i_missing_due"), value="")
        if m.start and m.due and m.due < m.start:
            s.issue("error", "due", i, s.say("i_due_before_start", due=m.due.isoformat(),
                                             start=m.start.isoformat()))
            m.start = None
        money = budgets[i]
        m.budget = money.value
        if money.interpreted and not money.per_month and money.value is not None:
            s.issue("info", "budget", i, s.say(
                "i_read_as", text=str(s.raw("budget", i)).strip(),
                value=s.number(money.value, ",.2f")))
        actual = actuals[i]
        m.actual = actual.value
        if actual.per_month:
            s.issue("warning", "actual", i, s.say("i_actual_per_month"))
        elif actual.interpreted and actual.value is not None:
            s.issue("info", "actual", i, s.say(
                "i_read_as", text=str(s.raw("actual", i)).strip(),
                value=s.number(actual.value, ",.2f")))
        m.effort = efforts[i]
        if m.effort is not None and m.effort < 0:
            s.issue("error", "effort", i, s.say("i_effort_negative"))
            m.effort = None
        m.pct = pcts[i]
        metric = metric_names[i]
        known_metric = metrics.get(schema.normalize(metric)) if metric else None
        if metric:
            m.metric = known_metric.name if known_metric else metric
        m.target_value = target_values[i]
        if known_metric is not None and known_metric.is_percent:
            m.target_value = _percent_value(s, "target_value", i, m.target_value, known_metric,
                                            _target_ref(plan, known_metric))
        if m.type == "Metric target":
            if not metric:
                s.issue("warning", "metric", i, s.say("i_target_no_metric"), value="")
            elif schema.normalize(metric) not in metrics:
                s.issue("warning", "metric", i, s.say("i_metric_unknown", metric=metric,
                                                      sheet=metrics_title))
            if m.target_value is None and s.raw("target_value", i) is None:
                s.issue("warning", "target_value", i, s.say("i_target_no_value"), value="")
        if m.status == "Done" and m.completed is None:
            s.issue("warning", "completed", i, s.say("i_done_no_date"), value="")
        if money.per_month and m.budget is not None:
            _per_month_budget(s, i, m, settings.default_duration)
        out.append(m)
    _check_ids(out, s)
    plan.issues += s.issues_in_order()
    return out


def _blank_status(s: SheetReader, i: int, pct: float | None, completed: date | None) -> str:
    """The status of a row whose Status is blank (or unreadable, hence treated as blank):
    Done when % Complete is 100% or Completed holds a date (an info says so), else Not
    started."""
    if pct is not None and pct >= 1:
        reason = s.say("i_done_by_pct")
    elif completed is not None:
        reason = s.say("i_done_by_date", date=completed.isoformat())
    else:
        return "Not started"
    blank = s.raw("status", i) is None
    s.issue("info", "status", i, s.say("i_blank_status_done" if blank else "i_status_done",
                                       reason=reason), value="" if blank else None)
    return "Done"


def _per_month_budget(s: SheetReader, i: int, m: Milestone, default_duration: int) -> None:
    """'1,000/month' times the calendar months the milestone touches."""
    assert m.budget is not None
    if m.due is None:
        s.issue("warning", "budget", i, s.say("i_month_needs_due"))
        return
    start = m.start or (m.due - timedelta(days=default_duration))
    months = months_touched(start, m.due)
    total = m.budget * months
    s.issue("info", "budget", i, s.say(
        "i_per_month", text=str(s.raw("budget", i)).strip(), amount=s.number(m.budget, ",.2f"),
        months=months, total=s.number(total, ",.2f")))
    m.budget = total


def _check_ids(milestones: list[Milestone], sheet: SheetReader) -> None:
    """Fill blank IDs, report duplicates, unknown dependencies and cycles (milestones[i]
    is the sheet's data row i)."""
    index = {m.row: i for i, m in enumerate(milestones)}

    def issue(m: Milestone, key: str, message: str, **values: object) -> None:
        """An error at column `key` of m's row: the catalogue's `message`, filled."""
        sheet.issue("error", key, index[m.row], sheet.say(message, **values))

    next_number = 1
    if any(not m.id for m in milestones):  # blank IDs are filled after the highest M-number
        numbers = [int(mm[1]) for m in milestones if (mm := ID_PATTERN.match(m.id))]
        next_number = max(numbers, default=0) + 1
    by_id: dict[str, Milestone] = {}
    for m in milestones:
        if not m.id:
            m.id, m.id_filled = f"M-{next_number:03d}", True
            next_number += 1
            continue
        key = m.id.casefold()
        if key in by_id:
            issue(m, "id", "i_duplicate_id", id=m.id, row=by_id[key].row)
        else:
            by_id[key] = m
    for m in milestones:
        if m.id_filled:
            by_id.setdefault(m.id.casefold(), m)
    for m in milestones:
        if not m.depends_on:
            continue
        kept = []
        for dep in m.depends_on:
            target = by_id.get(dep.casefold())
            if target is None:
                issue(m, "depends_on", "i_unknown_dependency", id=dep)
            elif target is m:
                issue(m, "depends_on", "i_self_dependency")
            else:
                kept.append(target.id)
        m.depends_on = kept
    for cycle in _cycles(milestones, by_id):
        path = " -> ".join([c.id for c in cycle] + [cycle[0].id])
        for c in cycle:
            issue(c, "depends_on", "i_cycle", path=path)
        members = {c.id for c in cycle}
        for c in cycle:
            c.depends_on = [d for d in c.depends_on if d not in members]


def _cycles(milestones: list[Milestone], by_id: dict[str, Milestone]) -> list[list[Milestone]]:
    """Strongly connected components with more than one milestone (Tarjan, iterative)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[Milestone] = []
    out: list[list[Milestone]] = []
    counter = 0
    # Milestones that depend on nothing cannot be on a cycle: they are left out of the walk.
    deps_of = {id(m): [dep for d in m.depends_on if (dep := by_id[d.casefold()]).depends_on]
               for m in milestones if m.depends_on}
    for root in milestones:
        if id(root) in index or not deps_of.get(id(root)):
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[id(node)] = low[id(node)] = counter
                counter += 1
                stack.append(node)
                on_stack.add(id(node))
            deps = deps_of[id(node)]
            if i < len(deps):
                work.append((node, i + 1))
                child = deps[i]
                if id(child) not in index:
                    work.append((child, 0))
                elif id(child) in on_stack:
                    low[id(node)] = min(low[id(node)], index[id(child)])
                continue
            if low[id(node)] == index[id(node)]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(id(w))
                    comp.append(w)
                    if w is node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp, key=lambda m: m.row))
            if work:
                parent = work[-1][0]
                low[id(parent)] = min(low[id(parent)], low[id(node)])
    return out


def _read_baseline(grid: Grid) -> dict[str, BaselineEntry]:
    """The Baseline sheet msheets wrote: ID | Milestone | Due | Budget | Recorded on."""
    heads = {schema.normalize(grid.value(1, c) or ""): c
             for c in range(grid.col0 + 1, grid.last_col + 1)}

    def col(key: str) -> int | None:
        return next((heads[k] for k in schema.WORDS[key].match_keys() if k in heads), None)

    id_col, due_col, budget_col, rec_col = col("id"), col("due"), col("budget"), col("recorded")
    name_col = col("milestone")
    out: dict[str, BaselineEntry] = {}
    if id_col is None:
        return out
    for row in range(2, grid.last_row + 1):
        mid = clean_text(grid.value(row, id_col))
        if not mid or mid.casefold() in out:
            continue
        budget = parse_money(grid.value(row, budget_col) if budget_col else None).value
        out[mid.casefold()] = BaselineEntry(
            mid, _date_at(grid, row, due_col), budget, _date_at(grid, row, rec_col),
            clean_text(grid.value(row, name_col)) if name_col else None)
    return out


def _read_refreshed_as_of(grid: Grid) -> date | None:
    """The as-of date of the last refresh: the date right of the "As of" label (fr "Au")
    in the first rows of the Summary sheet (msheets writes them in A2 and B2)."""
    labels = schema.WORDS["as_of"].match_keys()
    for row in range(grid.row0 + 1, min(grid.last_row, HEADER_SCAN_ROWS) + 1):
        for col in range(grid.col0 + 1, grid.last_col + 1):
            v = grid.value(row, col)
            if isinstance(v, str) and schema.normalize(v) in labels:
                found: date | None = parse_date(grid.value(row, col + 1), "YMD").value
                return found
    return None


def _date_at(grid: Grid, row: int, col: int | None) -> date | None:
    found: date | None = parse_date(grid.value(row, col) if col else None).value
    return found


def _read_history(grid: Grid) -> list[dict[str, Any]]:
    """The History sheet msheets wrote: one row per as-of date, columns in HISTORY_KEYS order
    (rows whose first cell is not a date are not msheets' and are left out)."""
    out = []
    for row in range(2, grid.last_row + 1):
        as_of = _date_at(grid, row, 1)
        if as_of is None:
            continue
        values: dict[str, Any] = {"as_of": as_of}
        for c, key in enumerate(HISTORY_KEYS[1:], start=2):
            values[key] = grid.value(row, c)
        out.append(values)
    return out

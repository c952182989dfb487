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
from pathlib import Path
from typing import Any

from . import schema
from .errors import PlanError
from .model import (
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
)

HEADER_SCAN_ROWS = 10
ID_PATTERN = re.compile(r"^M-(\d+)$", re.IGNORECASE)


def col_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(col: int, row: int) -> str:
    return f"{col_letter(col)}{row}"


# --------------------------------------------------------------------------- grid


@dataclass
class Grid:
    """A sheet's used cells as rows; absolute 1-based positions via the offsets."""

    title: str
    rows: list[list[Any]]
    row0: int  # 0-based row of rows[0]
    col0: int
    no_value: set[str]  # formula cells without a computed value
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

    def grid(self, title: str) -> Grid:
        try:
            sheet = self._wb.get_sheet_by_name(title)
            rows = sheet.to_python(skip_empty_area=True)
            start = sheet.start or (0, 0)
        except Exception as exc:
            raise PlanError(f"{self.path.name}: sheet {title!r} cannot be read ({exc}). "
                            "Re-save the file in Excel or LibreOffice.") from None
        part = self.pkg.part_of(title)
        no_value = self.pkg.formulas.get(part, (set(), set()))[1] if part else set()
        return Grid(title, rows, start[0], start[1], no_value)

    def close(self) -> None:
        self._wb.close()


# --------------------------------------------------------------------------- tables


@dataclass
class Row:
    """The raw values of one data row of an input sheet."""

    number: int
    cells: dict[str, Any]  # column key -> raw value (blank cells left out)
    columns: dict[str, int]  # column key -> 1-based column

    def ref(self, key: str) -> str:
        col = self.columns.get(key)
        return cell_ref(col, self.number) if col else ""


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


def table_rows(grid: Grid, header_row: int, columns: dict[str, int], sheet_key: str,
               issues: list[Issue]) -> Iterator[Row]:
    """Data rows below the header; rows blank in every input column are skipped."""
    input_cols = {k: c for k, c in columns.items()
                  if not schema.column(sheet_key, k).managed}
    # (key, index into a grid row) for each input column
    positions = [(k, c - 1 - grid.col0) for k, c in input_cols.items()]
    first = max(0, header_row - grid.row0)  # index of the first data row in grid.rows
    no_value = grid.no_value
    for i in range(first, len(grid.rows)):
        values = grid.rows[i]
        number = grid.row0 + i + 1
        cells = {}
        width = len(values)
        for key, j in positions:
            if j < width:
                v = values[j]
                if v == "" or v is None or (type(v) is str and v.isspace()):  # is_blank, inlined
                    continue
                cells[key] = v
        flagged = False
        if no_value:
            for key, col in input_cols.items():
                ref = cell_ref(col, number)
                if ref in no_value:
                    flagged = True
                    issues.append(Issue("warning", grid.title, ref, key, None,
                                        "formula has no computed value; open and save the file "
                                        "in Excel or LibreOffice so it is calculated (read as "
                                        "blank)"))
        if cells or flagged:
            yield Row(number, cells, input_cols)


class SheetParser:
    """What the rows of one sheet share: where issues go, how dates are read, and the
    values already parsed. Plans repeat phases, statuses, owners, dates and amounts, and
    parsing is pure, so each distinct raw value of a kind is parsed once."""

    def __init__(self, sheet: str, issues: list[Issue], date_order: str,
                 default_year: int) -> None:
        self.sheet, self.issues = sheet, issues
        self._memo: dict[tuple[str, type, Any], Parsed] = {}
        self._texts: dict[str, str | None] = {}
        self._parsers: dict[str, Callable[[Any], Parsed]] = {
            "date": lambda raw: parse_date(raw, date_order, default_year),
            "number": parse_number,
            "percent": parse_percent,
            "money": parse_money,
        }
        for kind, choices in schema.CHOICES.items():
            self._parsers[kind] = partial(parse_choice, lookup=choices.lookup,
                                          what=kind.capitalize())

    def parse(self, kind: str, raw: Any) -> Parsed:
        """`raw` parsed as `kind` (date, number, percent, money or a dropdown's name)."""
        key = (kind, type(raw), raw)  # the type keeps 1, 1.0 and True apart
        parsed = self._memo.get(key)
        if parsed is None:
            parsed = self._memo[key] = self._parsers[kind](raw)
        return parsed

    def text(self, raw: Any) -> str | None:
        """`raw` as clean text (parsing.clean_text)."""
        if type(raw) is not str:
            return clean_text(raw)
        try:
            return self._texts[raw]
        except KeyError:
            text = self._texts[raw] = clean_text(raw)
            return text

    def row(self, row: Row) -> RowReader:
        return RowReader(self, row)


class RowReader:
    """Parses the fields of one row, recording issues at their cells."""

    def __init__(self, sheet: SheetParser, row: Row) -> None:
        self.parser, self.row, self.cells = sheet, row, row.cells

    def ref(self, key: str) -> str:
        return self.row.ref(key)

    def raw(self, key: str) -> Any:
        return self.cells.get(key)

    def issue(self, severity: str, key: str, message: str, value: Any = None) -> None:
        self.parser.issues.append(Issue(severity, self.parser.sheet, self.ref(key), key,
                                        self.raw(key) if value is None else value, message))

    def _take(self, key: str, parsed: Parsed, shown: Callable[[Any], str]) -> Any:
        if parsed.error:
            self.issue("error", key, parsed.error)
            return None
        if parsed.interpreted:
            self.issue("info", key, f"read {str(self.raw(key)).strip()!r} as {shown(parsed.value)}")
        return parsed.value

    def _parsed(self, kind: str, key: str) -> Parsed:
        raw = self.cells.get(key)
        return BLANK if raw is None else self.parser.parse(kind, raw)

    def text(self, key: str) -> str | None:
        return self.parser.text(self.cells.get(key))

    def date(self, key: str) -> date | None:
        raw = self.cells.get(key)
        if raw is None:
            return None
        if type(raw) is date:  # a date cell: nothing to read
            return raw
        return self._take(key, self.parser.parse("date", raw), lambda d: d.isoformat())

    def number(self, key: str) -> float | None:
        return self._take(key, self._parsed("number", key), lambda v: f"{v:g}")

    def percent(self, key: str) -> float | None:
        return self._take(key, self._parsed("percent", key), lambda v: f"{v:.0%}")

    def money(self, key: str) -> Parsed:
        p = self._parsed("money", key)
        if p.error:
            self.issue("error", key, p.error)
            return BLANK
        return p

    def choice(self, key: str, kind: str) -> str | None:
        """A dropdown value (schema.CHOICES[kind]) in English."""
        p = self._parsed(kind, key)
        if p.error:
            self.issue("error", key, p.error + "; pick a value from the dropdown")
            return None
        return p.value


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
             if k in schema.INPUT_SHEETS or k == "baseline"}
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
        plan.readings = _read_log(grids["metric_log"], layouts["metric_log"], issues,
                                  settings, year, plan.metrics)
    plan.milestones = _read_milestones(grids["milestones"], layouts["milestones"], plan, year)
    if "baseline" in grids:
        plan.baseline = _read_baseline(grids["baseline"])
    return plan


def _detect_language(titles: dict[str, str]) -> str:
    ms = titles.get("milestones", "")
    return "fr" if schema.normalize(ms) == schema.normalize("Jalons") else "en"


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
                raw[setting.key] = (grid.value(row, value_col), cell_ref(value_col, row))
    lang_raw = clean_text(raw.get("language", (None, ""))[0])
    lang = _detect_language(titles)
    if lang_raw:
        n = schema.normalize(lang_raw)
        lang = "fr" if n in ("fr", "francais", "french") else "en" if n in (
            "en", "english", "anglais") else lang
    s = Settings(language=lang, currency=str(schema.SETTINGS_BY_KEY["currency"].default(lang)),
                 date_order=str(schema.SETTINGS_BY_KEY["date_order"].default(lang)),
                 plan_review=str(schema.SETTINGS_BY_KEY["plan_review"].default(lang)))
    sheet = titles.get("settings", "Settings")

    def bad(key: str, value: Any, ref: str, message: str) -> None:
        issues.append(Issue("error", sheet, ref, key, value,
                            f"{message}; the default is used"))

    order = raw.get("date_order")
    if order and not is_blank(order[0]):
        o = schema.normalize(order[0]).upper().replace("J", "D").replace("A", "Y")
        if o in ("MDY", "DMY", "YMD"):
            s.date_order = o
        else:
            bad("date_order", order[0], order[1], "Date order must be MDY, DMY or YMD")
    for key, (value, ref) in raw.items():
        if is_blank(value) or key in ("language", "date_order"):
            continue
        setting = schema.SETTINGS_BY_KEY[key]
        if setting.kind == "text":
            setattr(s, key, clean_text(value) or getattr(s, key))
        elif setting.kind == "date":
            p = parse_date(value, s.date_order, today.year)
            if p.error:
                bad(key, value, ref, p.error)
            else:
                setattr(s, key, p.value)
        else:
            p = parse_number(value)
            if p.error or p.value is None or p.value < 0:
                bad(key, value, ref, p.error or "must not be negative")
            else:
                setattr(s, key, round(p.value) if setting.kind == "int" else p.value)
    s.currency = s.currency.upper()
    return s, lang


def _sheet_parser(grid: Grid, issues: list[Issue], settings: Settings,
                  year: int) -> SheetParser:
    return SheetParser(grid.title, issues, settings.date_order, year)


def _read_team(grid: Grid, layout: SheetLayout, issues: list[Issue], settings: Settings,
               year: int) -> list[TeamMember]:
    team: list[TeamMember] = []
    sheet = _sheet_parser(grid, issues, settings, year)
    seen: set[str] = set()
    for row in table_rows(grid, layout.header_row, layout.columns, "team", issues):
        r = sheet.row(row)
        name = r.text("owner")
        if not name:
            r.issue("warning", "owner", "team row without a name is ignored")
            continue
        if schema.normalize(name) in seen:
            r.issue("warning", "owner", f"{name!r} is listed twice in Team; the first is used")
            continue
        seen.add(schema.normalize(name))
        capacity = r.number("capacity")
        if capacity is not None and capacity < 0:
            r.issue("error", "capacity", "capacity cannot be negative")
            capacity = None
        team.append(TeamMember(row.number, name, r.text("role"), r.text("email"), capacity))
    return team


def _read_metrics(grid: Grid, layout: SheetLayout, issues: list[Issue], settings: Settings,
                  year: int) -> list[Metric]:
    metrics: list[Metric] = []
    sheet = _sheet_parser(grid, issues, settings, year)
    for row in table_rows(grid, layout.header_row, layout.columns, "metrics", issues):
        r = sheet.row(row)
        name = r.text("metric")
        if not name:
            r.issue("error", "metric", "row has data but no Metric name")
            continue
        m = Metric(row.number, name, r.text("unit"), r.choice("direction", "direction"),
                   r.number("baseline"), r.date("baseline_date"), r.number("target"),
                   r.date("target_date"), r.number("current"), r.text("owner"), r.text("notes"))
        if m.baseline is not None and m.target is not None and (
            (m.direction == "Increase" and m.target < m.baseline)
            or (m.direction == "Decrease" and m.target > m.baseline)
        ):
            r.issue("warning", "target", f"target {m.target:g} contradicts Direction "
                        f"{m.direction} from baseline {m.baseline:g}")
        metrics.append(m)
    return metrics


def _read_log(grid: Grid, layout: SheetLayout, issues: list[Issue], settings: Settings,
              year: int, metrics: list[Metric]) -> list[Reading]:
    known = {schema.normalize(m.name): m.name for m in metrics}
    readings: list[Reading] = []
    sheet = _sheet_parser(grid, issues, settings, year)
    for row in table_rows(grid, layout.header_row, layout.columns, "metric_log", issues):
        r = sheet.row(row)
        when, name, value = r.date("date"), r.text("metric"), r.number("value")
        if when is None and "date" not in row.cells:
            r.issue("error", "date", "reading without a Date")
        if not name:
            r.issue("error", "metric", "reading without a Metric name")
        elif schema.normalize(name) not in known:
            r.issue("warning", "metric", f"{name!r} is not in the Metrics sheet")
        if when is not None and name and value is not None:
            readings.append(Reading(row.number, when, known.get(schema.normalize(name), name),
                                    value))
    return readings


def _read_milestones(grid: Grid, layout: SheetLayout, plan: Plan, year: int) -> list[Milestone]:
    issues, settings = plan.issues, plan.settings
    team = {schema.normalize(t.name): t.name for t in plan.team}
    metrics = {schema.normalize(m.name): m.name for m in plan.metrics}
    out: list[Milestone] = []
    sheet = _sheet_parser(grid, issues, settings, year)
    readers: dict[int, RowReader] = {}
    per_month: dict[int, Any] = {}
    for row in table_rows(grid, layout.header_row, layout.columns, "milestones", issues):
        r = sheet.row(row)
        name = r.text("milestone")
        if not name:
            r.issue("error", "milestone", "row has data but no Milestone text", value="")
            name = ""
        m = Milestone(row=row.number, id=r.text("id") or "", name=name)
        m.phase, m.strategy, m.tactic = r.text("phase"), r.text("strategy"), r.text("tactic")
        m.type = r.choice("type", "type") or "Implementation"
        m.status = r.choice("status", "status") or "Not started"
        owner = r.text("owner")
        if owner is None:
            r.issue("warning", "owner", "no owner: pick a name from the Team sheet", value="")
        elif schema.normalize(owner) in team:
            m.owner, m.owner_known = team[schema.normalize(owner)], True
        else:
            m.owner = owner
            r.issue("warning", "owner", f"owner {owner!r} is not in the Team sheet")
        m.start, m.due, m.completed = r.date("start"), r.date("due"), r.date("completed")
        if m.due is None and "due" not in row.cells:
            r.issue("error", "due", "missing Due date", value="")
        if m.start and m.due and m.due < m.start:
            r.issue("error", "due", f"Due {m.due.isoformat()} is before Start "
                    f"{m.start.isoformat()}; Start is ignored")
            m.start = None
        money = r.money("budget")
        m.budget = money.value
        if money.per_month:
            per_month[row.number] = money
        if money.interpreted and not money.per_month and money.value is not None:
            r.issue("info", "budget", f"read {str(r.raw('budget')).strip()!r} as "
                    f"{money.value:,.2f}")
        actual = r.money("actual")
        m.actual = actual.value
        if actual.per_month:
            r.issue("warning", "actual", "Actual is money spent to date; '/month' is ignored")
        elif actual.interpreted and actual.value is not None:
            r.issue("info", "actual", f"read {str(r.raw('actual')).strip()!r} as "
                    f"{actual.value:,.2f}")
        m.effort = r.number("effort")
        if m.effort is not None and m.effort < 0:
            r.issue("error", "effort", "effort cannot be negative")
            m.effort = None
        m.pct = r.percent("pct")
        m.deliverable, m.notes = r.text("deliverable"), r.text("notes")
        m.depends_on = parse_ids(r.raw("depends_on"))
        metric = r.text("metric")
        if metric:
            m.metric = metrics.get(schema.normalize(metric), metric)
        m.target_value = r.number("target_value")
        if m.type == "Metric target":
            if not metric:
                r.issue("warning", "metric", "Metric target milestone without a Metric",
                        value="")
            elif schema.normalize(metric) not in metrics:
                r.issue("warning", "metric", f"metric {metric!r} is not in the Metrics sheet")
            if m.target_value is None and "target_value" not in row.cells:
                r.issue("warning", "target_value", "Metric target milestone without a "
                        "Target value", value="")
        if m.status == "Done" and m.completed is None:
            r.issue("warning", "completed", "Done without a Completed date", value="")
        readers[row.number] = r
        out.append(m)
    for m in out:
        if m.row in per_month and m.budget is not None:
            r = readers[m.row]
            if m.due is None:
                r.issue("warning", "budget", "a per-month budget needs a Due date; "
                        "counted as one month")
                continue
            start = m.start or (m.due - timedelta(days=settings.default_duration))
            months = months_touched(start, m.due)
            total = m.budget * months
            r.issue("info", "budget", f"read {str(r.raw('budget')).strip()!r} as "
                    f"{m.budget:,.2f} x {months} month(s) = {total:,.2f}")
            m.budget = total
    _check_ids(out, readers)
    return out


def _check_ids(milestones: list[Milestone], readers: dict[int, RowReader]) -> None:
    """Fill blank IDs, report duplicates, unknown dependencies and cycles."""
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
            readers[m.row].issue("error", "id", f"duplicate ID {m.id!r} (also row "
                                 f"{by_id[key].row})")
        else:
            by_id[key] = m
    for m in milestones:
        if m.id_filled:
            by_id.setdefault(m.id.casefold(), m)
    for m in milestones:
        kept = []
        for dep in m.depends_on:
            target = by_id.get(dep.casefold())
            if target is None:
                readers[m.row].issue("error", "depends_on", f"depends on unknown ID {dep!r}")
            elif target is m:
                readers[m.row].issue("error", "depends_on", "a milestone cannot depend on itself")
            else:
                kept.append(target.id)
        m.depends_on = kept
    for cycle in _cycles(milestones, by_id):
        path = " -> ".join([c.id for c in cycle] + [cycle[0].id])
        for c in cycle:
            readers[c.row].issue("error", "depends_on", f"dependency cycle {path}")
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
    deps_of = {id(m): [by_id[d.casefold()] for d in m.depends_on] for m in milestones}
    for root in milestones:
        if id(root) in index or not deps_of[id(root)]:
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
    out: dict[str, BaselineEntry] = {}
    if id_col is None:
        return out
    for row in range(2, grid.last_row + 1):
        mid = clean_text(grid.value(row, id_col))
        if not mid or mid.casefold() in out:
            continue
        budget = parse_money(grid.value(row, budget_col) if budget_col else None).value
        out[mid.casefold()] = BaselineEntry(mid, _date_at(grid, row, due_col), budget,
                                            _date_at(grid, row, rec_col))
    return out


def _date_at(grid: Grid, row: int, col: int | None) -> date | None:
    return parse_date(grid.value(row, col) if col else None).value

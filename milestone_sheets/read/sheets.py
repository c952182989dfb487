"""Read a filled workbook into a `Plan` (typed records plus the issues of reading its cells,
contract section 3) and the `WorkbookLayout` that says where its tables are.

Checking the plan against the contract (section 4: IDs, dependencies, owners, dates ...)
is `rules.validate`'s; `plans.load_plan` does both. Values come from python-calamine (the
computed values of formulas included); the package has been checked for safety first
(`xlsx.guard.open_package`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from milestone_sheets import contract, i18n
from milestone_sheets.contract.vocab import Direction, MilestoneType, Severity, Status
from milestone_sheets.errors import PlanError
from milestone_sheets.model import (
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
    WorkbookLayout,
)
from milestone_sheets.read.columns import HEADER_SCAN_ROWS, SheetReader, find_header
from milestone_sheets.read.grid import Grid, Workbook
from milestone_sheets.read.values import (
    clean_text,
    is_blank,
    parse_date,
    parse_money,
    parse_number,
    percent_metric_value,
)
from milestone_sheets.xlsx.cells import cell_ref
from milestone_sheets.xlsx.guard import open_package

SCALE_FACTOR = 50  # a % metric's value this many times off its Target: typed on another scale

# --------------------------------------------------------------------------- the plan


def read_plan(path: str | Path, as_of: date | None = None,
              today: date | None = None) -> tuple[Plan, WorkbookLayout]:
    """Read a plan workbook: its records with the issues of reading them, and where its
    tables are. Raises PlanError on structural errors. Not yet checked against the contract
    (`rules.validate`; `plans.load_plan` reads and checks).

    `as_of` (the --as-of option) wins over the Settings sheet's As-of date, which
    wins over `today` (default: the system date, read here and only here). A date typed
    without a year ("Mar 3", "Q3") is in the as-of date's year.
    """
    path = Path(path)
    pkg = open_package(path)
    workbook = Workbook(path, pkg)
    try:
        return _read(path, workbook, as_of, today or date.today())
    finally:
        workbook.close()


def plan_language(path: str | Path) -> str | None:
    """The language of the plan at `path` (its Settings sheet's Language, else its Milestones
    tab's title), or None when the file cannot be read as a plan: for the messages about a
    plan a command could not go through with (open in Excel, say)."""
    try:
        pkg = open_package(Path(path))  # the same safety checks as for reading it
        workbook = Workbook(Path(path), pkg)
    except Exception:
        return None
    try:
        titles: dict[str, str] = {}
        for title in workbook.titles:
            key = contract.find_sheet_key(title)
            if key:
                titles.setdefault(key, title)
        if "milestones" not in titles:
            return None
        lang = _detect_language(titles)
        if "settings" in titles:
            grid = workbook.grid(titles["settings"])
            found = find_header(grid, "settings")
            columns = found[1] if found else {"setting": 1, "value": 2}
            for row in range(grid.row0 + 1, grid.last_row + 1):
                name = grid.value(row, columns["setting"])
                setting = contract.find_setting(str(name)) if name is not None else None
                if setting is not None and setting.key == "language":
                    lang = _language_value(grid.value(row, columns["value"])) or lang
        return lang
    except Exception:
        return None
    finally:
        workbook.close()


def _read(path: Path, workbook: Workbook, as_of: date | None,
          today: date) -> tuple[Plan, WorkbookLayout]:
    titles: dict[str, str] = {}
    for title in workbook.titles:
        key = contract.find_sheet_key(title)
        if key and key not in titles:
            titles[key] = title
    if "milestones" not in titles:
        raise PlanError(f"{path.name}: no Milestones sheet (fr: Jalons); sheets are "
                        f"{', '.join(workbook.titles) or 'none'}. Use a workbook made by "
                        "`msheets new`, or rename the milestone sheet to Milestones.")
    issues: list[Issue] = []
    grids = {k: workbook.grid(t) for k, t in titles.items()
             if k in contract.INPUT_SHEETS or k in ("baseline", "history")}
    if "summary" in titles:
        grids["summary"] = workbook.grid(titles["summary"], nrows=HEADER_SCAN_ROWS)
    layouts: dict[str, SheetLayout] = {}
    for key in contract.INPUT_SHEETS:
        if key not in grids:
            continue
        found = find_header(grids[key], key)
        if found is None:
            if key == "settings":
                found = (0, {"setting": 1, "value": 2})  # no header: Setting | Value in A:B
            else:
                label = contract.column(key, contract.KEY_COLUMN[key]).label
                raise PlanError(f"{path.name}: sheet {titles[key]!r} has no header row with "
                                f"{label.en!r} (fr: {label.fr!r}) in rows 1-{HEADER_SCAN_ROWS}. "
                                "Restore the header row.")
        header_row, columns = found
        missing = [c for c in contract.COLUMNS[key] if c.required and c.key not in columns]
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
    plan = Plan(path=path, language=language, settings=settings, as_of=as_of, issues=issues)
    layout = WorkbookLayout(layouts, titles)
    if not settings.plan_name:
        settings.plan_name = path.stem
    year = as_of.year
    if "team" in grids:
        plan.team = _read_team(grids["team"], layouts["team"], issues, settings, year)
    if "metrics" in grids:
        plan.metrics = _read_metrics(grids["metrics"], layouts["metrics"], issues, settings, year)
    if "metric_log" in grids:
        plan.readings = _read_log(grids["metric_log"], layout, plan, year)
    plan.milestones = _read_milestones(grids["milestones"], layout, plan, year)
    if "baseline" in grids:
        plan.baseline = _read_baseline(grids["baseline"], year)
    if "history" in grids:
        plan.history = _read_history(grids["history"], year)
    if "summary" in grids:
        plan.refreshed_as_of = _read_refreshed_as_of(grids["summary"], year)
    return plan, layout


def _detect_language(titles: dict[str, str]) -> str:
    milestones_title = titles.get("milestones", "")
    return "fr" if i18n.normalize(milestones_title) == i18n.normalize("Jalons") else "en"


def _language_value(raw: Any) -> str | None:
    """The language a Language setting names (fr, French, français ...), or None."""
    text = clean_text(raw)
    n = i18n.normalize(text) if text else ""
    return "fr" if n in ("fr", "francais", "french") else "en" if n in (
        "en", "english", "anglais") else None


def _read_settings(grid: Grid | None, layout: SheetLayout | None, titles: dict[str, str],
                   issues: list[Issue], today: date) -> tuple[Settings, str]:
    raw: dict[str, tuple[Any, int, int]] = {}  # setting -> (value, row, column)
    if grid is not None and layout is not None:
        name_col, value_col = layout.columns["setting"], layout.columns["value"]
        for row in range(layout.header_row + 1, grid.last_row + 1):
            name = grid.value(row, name_col)
            if is_blank(name):
                continue
            setting = contract.find_setting(str(name))
            if setting is not None:
                raw[setting.key] = (grid.value(row, value_col), row, value_col)
    lang = _language_value(raw.get("language", (None, 0, 0))[0]) or _detect_language(titles)
    s = Settings(language=lang, currency=str(contract.SETTINGS_BY_KEY["currency"].default(lang)),
                 date_order=str(contract.SETTINGS_BY_KEY["date_order"].default(lang)),
                 plan_review=str(contract.SETTINGS_BY_KEY["plan_review"].default(lang)))
    sheet = titles.get("settings", "Settings")

    def bad(key: str, value: Any, row: int, col: int, message: str) -> None:
        issues.append(Issue(Severity.ERROR, sheet, cell_ref(row, col), key, value,
                            i18n.say("i_default_used", lang, message=message), row))

    order = raw.get("date_order")
    if order and not is_blank(order[0]):
        o = i18n.normalize(order[0]).upper().replace("J", "D").replace("A", "Y")
        if o in ("MDY", "DMY", "YMD"):
            s.date_order = o
        else:
            bad("date_order", order[0], order[1], order[2], i18n.word("i_date_order", lang))
    for key, (value, row, col) in raw.items():
        if is_blank(value) or key in ("language", "date_order"):
            continue
        setting = contract.SETTINGS_BY_KEY[key]
        if setting.kind == "text":
            setattr(s, key, clean_text(value) or getattr(s, key))
        elif setting.kind == "date":
            p = parse_date(value, s.date_order, default_year=today.year, lang=lang)
            if p.error:
                bad(key, value, row, col, p.error)
            else:
                setattr(s, key, p.value)
        else:
            p = parse_number(value, lang)
            if p.error or p.value is None or p.value < 0:
                bad(key, value, row, col, p.error or i18n.word("i_not_negative", lang))
            else:
                setattr(s, key, round(p.value) if setting.kind == "int" else p.value)
    s.currency = s.currency.upper()
    return s, lang


def _sheet(grid: Grid, layout: SheetLayout, sheet_key: str, settings: Settings,
           year: int) -> SheetReader:
    return SheetReader(grid, layout, sheet_key, settings.date_order, year, settings.language)


def _done(s: SheetReader, layout: SheetLayout) -> list[Issue]:
    """A sheet read: its data rows and cells as typed kept in its layout (validation quotes
    them), its issues in the order of the sheet."""
    layout.rows, layout.typed = s.rows, s.typed
    return s.issues_in_order()


def _read_team(grid: Grid, layout: SheetLayout, issues: list[Issue], settings: Settings,
               year: int) -> list[TeamMember]:
    s = _sheet(grid, layout, "team", settings, year)
    team: list[TeamMember] = []
    seen: set[str] = set()
    capacities = s.numbers("capacity")
    for i, (name, role, email) in enumerate(zip(s.texts("owner"), s.texts("role"),
                                                s.texts("email"), strict=True)):
        if not name:
            s.issue(Severity.WARNING, "owner", i, s.say("i_team_no_name"))
            continue
        if i18n.normalize(name) in seen:
            s.issue(Severity.WARNING, "owner", i,
                    s.say("i_team_twice", name=name, sheet=grid.title))
            continue
        seen.add(i18n.normalize(name))
        capacity = capacities[i]
        if capacity is not None and capacity < 0:
            s.issue(Severity.ERROR, "capacity", i, s.say("i_capacity_negative"))
            capacity = None
        team.append(TeamMember(s.rows[i], name, role, email, capacity))
    issues += _done(s, layout)
    return team


def _read_metrics(grid: Grid, layout: SheetLayout, issues: list[Issue], settings: Settings,
                  year: int) -> list[Metric]:
    s = _sheet(grid, layout, "metrics", settings, year)
    metrics: list[Metric] = []
    columns = zip(s.texts("metric"), s.texts("unit"), s.choices("direction", Direction),
                  s.numbers("baseline"), s.dates("baseline_date"), s.numbers("target"),
                  s.dates("target_date"), s.numbers("current"), s.texts("owner"),
                  s.texts("notes"), strict=True)
    for i, (name, *fields) in enumerate(columns):
        if not name:
            s.issue(Severity.ERROR, "metric", i, s.say("i_no_metric_name"))
            continue
        m = Metric(s.rows[i], name, *fields)
        if m.is_percent:
            m.target = percent_metric_value(s.raw("target", i), m.target)
            target_ref = s.ref("target", i)
            m.baseline = _percent_value(s, "baseline", i, m.baseline, m, target_ref)
            m.current = _percent_value(s, "current", i, m.current, m, target_ref)
        metrics.append(m)
    issues += _done(s, layout)
    return metrics


def _read_log(grid: Grid, workbook: WorkbookLayout, plan: Plan, year: int) -> list[Reading]:
    layout = workbook.sheets["metric_log"]
    s = _sheet(grid, layout, "metric_log", plan.settings, year)
    metrics_title = workbook.titles.get("metrics") or contract.sheet_title("metrics", plan.language)
    known = {i18n.normalize(m.name): m for m in plan.metrics}
    readings: list[Reading] = []
    for i, (when, name, value) in enumerate(zip(s.dates("date"), s.texts("metric"),
                                                s.numbers("value"), strict=True)):
        if when is None and s.raw("date", i) is None:
            s.issue(Severity.ERROR, "date", i, s.say("i_reading_no_date"))
        metric = known.get(i18n.normalize(name)) if name else None
        if not name:
            s.issue(Severity.ERROR, "metric", i, s.say("i_reading_no_metric"))
        elif metric is None:
            # the metric is looked up to read the value on its scale: an unknown name is
            # found while reading the row (it is kept as typed)
            s.issue(Severity.WARNING, "metric", i, s.say("i_not_in_metrics", name=name,
                                                  sheet=metrics_title))
        elif metric.is_percent:
            value = _percent_value(s, "value", i, value, metric, _target_ref(workbook, metric))
        if when is not None and name and value is not None:
            readings.append(Reading(s.rows[i], when, metric.name if metric else name, value))
    plan.issues += _done(s, layout)
    return readings


def _percent_value(s: SheetReader, key: str, i: int, value: float | None, metric: Metric,
                   target_ref: str) -> float | None:
    """A value of a % metric as a fraction (values.percent_metric_value), with a warning
    when it is more than SCALE_FACTOR times off the metric's Target: one of them was typed
    on the other scale (0.5 for 0.5%, say). Contract section 3: how a value was typed, so
    every typed value is checked, a Metric log row without a date (no reading) included."""
    value = percent_metric_value(s.raw(key, i), value)
    target = metric.target
    if value and target and max(abs(value / target), abs(target / value)) > SCALE_FACTOR:
        side = s.say("i_scale_more" if abs(value) > abs(target) else "i_scale_less",
                     n=SCALE_FACTOR)
        s.issue(Severity.WARNING, key, i, s.say(
            "i_scale", value=_as_percent(value, s.lang), side=side, metric=metric.name,
            target=_as_percent(target, s.lang), ref=target_ref))
    return value


def _as_percent(fraction: float, lang: str) -> str:
    return i18n.format_number(fraction * 100, ".4g", lang) + ("%" if lang != "fr" else " %")


def _target_ref(workbook: WorkbookLayout, metric: Metric) -> str:
    """Where a metric's Target is, as Sheet!A1."""
    layout = workbook.sheets["metrics"]
    col = layout.columns.get("target")
    return f"{layout.title}!{cell_ref(metric.row, col)}" if col else layout.title


def _read_milestones(grid: Grid, workbook: WorkbookLayout, plan: Plan,
                     year: int) -> list[Milestone]:
    """The Milestones rows as typed: owners, IDs and dependencies are matched, and "/month"
    budgets expanded, by validation (rules.validate)."""
    layout = workbook.sheets["milestones"]
    settings = plan.settings
    s = _sheet(grid, layout, "milestones", settings, year)
    metrics = {i18n.normalize(m.name): m for m in plan.metrics}
    ids, names = s.texts("id"), s.texts("milestone")
    phases, strategies, tactics = s.texts("phase"), s.texts("strategy"), s.texts("tactic")
    types, statuses = s.choices("type", MilestoneType), s.choices("status", Status)
    owners = s.texts("owner")
    starts, dues, completed = s.dates("start"), s.dates("due"), s.dates("completed")
    budgets, actuals = s.money("budget"), s.money("actual")
    efforts, pcts = s.numbers("effort"), s.percents("pct")
    deliverables, notes = s.texts("deliverable"), s.texts("notes")
    depends_on = s.ids("depends_on")
    metric_names, target_values = s.texts("metric"), s.numbers("target_value")
    out: list[Milestone] = []
    for i in range(len(s)):
        name = names[i]
        if not name:
            s.issue(Severity.ERROR, "milestone", i, s.say("i_no_milestone_text"), value="")
            name = ""
        m = Milestone(s.rows[i], ids[i] or "", name, phases[i], strategies[i], tactics[i],
                      types[i] or MilestoneType.IMPLEMENTATION, owners[i], False, starts[i],
                      dues[i], status=statuses[i] or _blank_status(s, i, pcts[i], completed[i]),
                      completed=completed[i], deliverable=deliverables[i], notes=notes[i],
                      depends_on=depends_on[i])
        money = budgets[i]
        m.budget, m.budget_per_month = money.value, money.per_month and money.value is not None
        if money.interpreted and not money.per_month and money.value is not None:
            s.issue(Severity.INFO, "budget", i, s.say(
                "i_read_as", text=str(s.raw("budget", i)).strip(),
                value=s.number(money.value, ",.2f")))
        actual = actuals[i]
        m.actual = actual.value
        if actual.per_month:
            s.issue(Severity.WARNING, "actual", i, s.say("i_actual_per_month"))
        elif actual.interpreted and actual.value is not None:
            s.issue(Severity.INFO, "actual", i, s.say(
                "i_read_as", text=str(s.raw("actual", i)).strip(),
                value=s.number(actual.value, ",.2f")))
        m.effort = efforts[i]
        if m.effort is not None and m.effort < 0:
            s.issue(Severity.ERROR, "effort", i, s.say("i_effort_negative"))
            m.effort = None
        m.pct = pcts[i]
        metric = metric_names[i]
        known_metric = metrics.get(i18n.normalize(metric)) if metric else None
        if metric:
            m.metric = known_metric.name if known_metric else metric
        m.target_value = target_values[i]
        if known_metric is not None and known_metric.is_percent:
            m.target_value = _percent_value(s, "target_value", i, m.target_value, known_metric,
                                            _target_ref(workbook, known_metric))
        out.append(m)
    plan.issues += _done(s, layout)
    return out


def _blank_status(s: SheetReader, i: int, pct: float | None,
                  completed: date | None) -> Status:
    """The status of a row whose Status is blank (or unreadable, hence treated as blank):
    Done when % Complete is 100% or Completed holds a date (an info says so), else Not
    started. (Contract section 3: how a blank Status cell reads, from its own row.)"""
    if pct is not None and pct >= 1:
        reason = s.say("i_done_by_pct")
    elif completed is not None:
        reason = s.say("i_done_by_date", date=completed.isoformat())
    else:
        return Status.NOT_STARTED
    blank = s.raw("status", i) is None
    s.issue(Severity.INFO, "status", i, s.say("i_blank_status_done" if blank else "i_status_done",
                                       reason=reason), value="" if blank else None)
    return Status.DONE


def _read_baseline(grid: Grid, year: int) -> dict[str, BaselineEntry]:
    """The Baseline sheet msheets wrote: ID | Milestone | Due | Budget | Recorded on."""
    heads = {i18n.normalize(grid.value(1, c) or ""): c
             for c in range(grid.col0 + 1, grid.last_col + 1)}

    def col(key: str) -> int | None:
        return next((heads[k] for k in i18n.WORDS[key].match_keys() if k in heads), None)

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
            mid, _date_at(grid, row, due_col, year), budget, _date_at(grid, row, rec_col, year),
            clean_text(grid.value(row, name_col)) if name_col else None)
    return out


def _read_refreshed_as_of(grid: Grid, year: int) -> date | None:
    """The as-of date of the last refresh: the date right of the "As of" label (fr "Au")
    in the first rows of the Summary sheet (msheets writes them in A2 and B2)."""
    labels = i18n.WORDS["as_of"].match_keys()
    for row in range(grid.row0 + 1, min(grid.last_row, HEADER_SCAN_ROWS) + 1):
        for col in range(grid.col0 + 1, grid.last_col + 1):
            v = grid.value(row, col)
            if isinstance(v, str) and i18n.normalize(v) in labels:
                found: date | None = parse_date(grid.value(row, col + 1), "YMD",
                                                default_year=year).value
                return found
    return None


def _date_at(grid: Grid, row: int, col: int | None, year: int) -> date | None:
    found: date | None = parse_date(grid.value(row, col) if col else None,
                                    default_year=year).value
    return found


def _read_history(grid: Grid, year: int) -> list[dict[str, Any]]:
    """The History sheet msheets wrote: one row per as-of date, columns in HISTORY_KEYS order
    (rows whose first cell is not a date are not msheets' and are left out)."""
    out = []
    for row in range(2, grid.last_row + 1):
        as_of = _date_at(grid, row, 1, year)
        if as_of is None:
            continue
        values: dict[str, Any] = {"as_of": as_of}
        for c, key in enumerate(HISTORY_KEYS[1:], start=2):
            values[key] = grid.value(row, c)
        out.append(values)
    return out

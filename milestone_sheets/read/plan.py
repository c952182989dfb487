"""Read a filled workbook into a `Plan`: typed records plus every issue, by cell.

Values come from python-calamine (the computed values of formulas included);
the package has been checked for safety first (`package.open_package`).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from milestone_sheets import contract, i18n
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
)
from milestone_sheets.read.columns import HEADER_SCAN_ROWS, SheetReader, find_header
from milestone_sheets.read.grid import Grid, Workbook
from milestone_sheets.read.values import (
    clean_text,
    is_blank,
    months_touched,
    parse_date,
    parse_money,
    parse_number,
    percent_metric_value,
)
from milestone_sheets.xlsx.cells import cell_ref
from milestone_sheets.xlsx.guard import open_package

SCALE_FACTOR = 50  # a % metric's value this many times off its Target: typed on another scale
ID_PATTERN = re.compile(r"^M-(\d+)$", re.IGNORECASE)


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
            key = contract.find_sheet_key(title)
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
                setting = contract.find_setting(str(name)) if name is not None else None
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
        key = contract.find_sheet_key(title)
        if key and key not in titles:
            titles[key] = title
    if "milestones" not in titles:
        raise PlanError(f"{path.name}: no Milestones sheet (fr: Jalons); sheets are "
                        f"{', '.join(book.titles) or 'none'}. Use a workbook made by "
                        "`msheets new`, or rename the milestone sheet to Milestones.")
    issues: list[Issue] = []
    grids = {k: book.grid(t) for k, t in titles.items()
             if k in contract.INPUT_SHEETS or k in ("baseline", "history")}
    if "summary" in titles:
        grids["summary"] = book.grid(titles["summary"], nrows=HEADER_SCAN_ROWS)
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
    return "fr" if i18n.normalize(ms) == i18n.normalize("Jalons") else "en"


def _language_value(raw: Any) -> str | None:
    """The language a Language setting names (fr, French, français ...), or None."""
    text = clean_text(raw)
    n = i18n.normalize(text) if text else ""
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
            setting = contract.find_setting(str(name))
            if setting is not None:
                raw[setting.key] = (grid.value(row, value_col), cell_ref(row, value_col))
    lang = _language_value(raw.get("language", (None, ""))[0]) or _detect_language(titles)
    s = Settings(language=lang, currency=str(contract.SETTINGS_BY_KEY["currency"].default(lang)),
                 date_order=str(contract.SETTINGS_BY_KEY["date_order"].default(lang)),
                 plan_review=str(contract.SETTINGS_BY_KEY["plan_review"].default(lang)))
    sheet = titles.get("settings", "Settings")

    def bad(key: str, value: Any, ref: str, message: str) -> None:
        issues.append(Issue("error", sheet, ref, key, value,
                            i18n.say("i_default_used", lang, message=message)))

    order = raw.get("date_order")
    if order and not is_blank(order[0]):
        o = i18n.normalize(order[0]).upper().replace("J", "D").replace("A", "Y")
        if o in ("MDY", "DMY", "YMD"):
            s.date_order = o
        else:
            bad("date_order", order[0], order[1], i18n.word("i_date_order", lang))
    for key, (value, ref) in raw.items():
        if is_blank(value) or key in ("language", "date_order"):
            continue
        setting = contract.SETTINGS_BY_KEY[key]
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
                bad(key, value, ref, p.error or i18n.word("i_not_negative", lang))
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
    return plan.sheet_titles.get(key) or contract.sheet_title(key, plan.language)


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
        if i18n.normalize(name) in seen:
            s.issue("warning", "owner", i, s.say("i_team_twice", name=name, sheet=grid.title))
            continue
        seen.add(i18n.normalize(name))
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
                direction=contract.choice_label("direction", m.direction, s.lang)))
        metrics.append(m)
    issues += s.issues_in_order()
    return metrics


def _read_log(grid: Grid, layout: SheetLayout, plan: Plan, year: int) -> list[Reading]:
    s = _sheet(grid, layout, "metric_log", plan.settings, year)
    known = {i18n.normalize(m.name): m for m in plan.metrics}
    readings: list[Reading] = []
    for i, (when, name, value) in enumerate(zip(s.dates("date"), s.texts("metric"),
                                                s.numbers("value"), strict=True)):
        if when is None and s.raw("date", i) is None:
            s.issue("error", "date", i, s.say("i_reading_no_date"))
        metric = known.get(i18n.normalize(name)) if name else None
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
    return i18n.format_number(fraction * 100, ".4g", lang) + ("%" if lang != "fr" else " %")


def _target_ref(plan: Plan, metric: Metric) -> str:
    """Where a metric's Target is, as Sheet!A1."""
    layout = plan.layouts["metrics"]
    col = layout.columns.get("target")
    return f"{layout.title}!{cell_ref(metric.row, col)}" if col else layout.title


def _read_milestones(grid: Grid, layout: SheetLayout, plan: Plan, year: int) -> list[Milestone]:
    settings = plan.settings
    s = _sheet(grid, layout, "milestones", settings, year)
    team = {i18n.normalize(t.name): t.name for t in plan.team}
    metrics = {i18n.normalize(m.name): m for m in plan.metrics}
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
    owner_keys = {o: i18n.normalize(o) for o in set(owners) if o is not None}
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
        known_metric = metrics.get(i18n.normalize(metric)) if metric else None
        if metric:
            m.metric = known_metric.name if known_metric else metric
        m.target_value = target_values[i]
        if known_metric is not None and known_metric.is_percent:
            m.target_value = _percent_value(s, "target_value", i, m.target_value, known_metric,
                                            _target_ref(plan, known_metric))
        if m.type == "Metric target":
            if not metric:
                s.issue("warning", "metric", i, s.say("i_target_no_metric"), value="")
            elif i18n.normalize(metric) not in metrics:
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
            mid, _date_at(grid, row, due_col), budget, _date_at(grid, row, rec_col),
            clean_text(grid.value(row, name_col)) if name_col else None)
    return out


def _read_refreshed_as_of(grid: Grid) -> date | None:
    """The as-of date of the last refresh: the date right of the "As of" label (fr "Au")
    in the first rows of the Summary sheet (msheets writes them in A2 and B2)."""
    labels = i18n.WORDS["as_of"].match_keys()
    for row in range(grid.row0 + 1, min(grid.last_row, HEADER_SCAN_ROWS) + 1):
        for col in range(grid.col0 + 1, grid.last_col + 1):
            v = grid.value(row, col)
            if isinstance(v, str) and i18n.normalize(v) in labels:
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

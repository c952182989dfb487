"""Check a plan against the contract (section 4) and complete what its rules decide: pure
functions, no I/O.

The reader (`read.sheets`) gives the rows as typed with the issues of reading their cells;
`validate` then, in place: fills blank IDs (after the highest M-number), reports duplicate
IDs, matches Depends on to IDs (unknown, self and cycles reported and dropped), matches
owners to the Team, reports a missing Due and Due before Start (Start dropped), Done without
Completed, a Metric target without a known metric or a target value, a metric Target that
contradicts its Direction, and expands "1,000/month" budgets to the calendar months touched.
Its issues join the reader's in the order of the sheets: row by row, left to right, after
the reading issues of a cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from operator import itemgetter

from milestone_sheets import contract, i18n
from milestone_sheets.contract.vocab import Direction, MilestoneType, Severity, Status
from milestone_sheets.model import Issue, Metric, Milestone, Plan, SheetLayout
from milestone_sheets.read.columns import IssueLog
from milestone_sheets.rules.health import effective_start
from milestone_sheets.rules.workload import owner_key
from milestone_sheets.xlsx.cells import split_ref

ID_PATTERN = re.compile(r"^M-(\d+)$", re.IGNORECASE)
# The order the reader reports the input sheets' issues in.
SHEET_ORDER = ("settings", "team", "metrics", "metric_log", "milestones")

_Key = tuple[int, int, int]  # (sheet in SHEET_ORDER, row, column): where an issue sorts


def validate(plan: Plan, sheets: Mapping[str, SheetLayout]) -> None:
    """Check `plan` (as the reader gave it) against the contract, completing its records and
    adding the issues to `plan.issues`. `sheets`: the input sheets' layouts (titles, columns,
    cells as typed), for the issues' cells and values. Run it once per plan read."""
    lang = plan.language
    found = {key: _log(key, sheets.get(key), lang) for key in SHEET_ORDER}
    _check_metrics(plan.metrics, found["metrics"])
    _check_milestones(plan, found["milestones"], found["team"].title, found["metrics"].title)
    _check_ids(plan.milestones, found["milestones"])
    plan.issues = _in_sheet_order(plan.issues, list(found.values()))


# --------------------------------------------------------------------------- where issues go


def _log(key: str, layout: SheetLayout | None, lang: str) -> IssueLog:
    """Where validation records an input sheet's issues: at their cells, quoting the values
    typed there (as the reader does for a cell it reports on)."""
    if layout is None:
        return IssueLog(contract.sheet_title(key, lang), {}, lang)
    return IssueLog(layout.title, layout.columns, lang, layout.rows, layout.typed)


def _in_sheet_order(issues: list[Issue], sheets: Sequence[IssueLog]) -> list[Issue]:
    """`issues` (the reader's: sheet by sheet in SHEET_ORDER, each row by row and left to
    right) with the issues found on `sheets` (in SHEET_ORDER) placed among them in the same
    order, after the reader's of the same cell."""
    found = sorted((((rank, row, col), issue) for rank, s in enumerate(sheets)
                    for row, col, issue in s.found), key=itemgetter(0))
    if not found:
        return issues
    rank = {s.title: at for at, s in enumerate(sheets)}
    out: list[Issue] = []
    j = 0
    for issue in issues:
        key = _key(issue, rank)
        while key is not None and j < len(found) and found[j][0] < key:
            out.append(found[j][1])
            j += 1
        out.append(issue)
    out += (issue for _, issue in found[j:])
    return out


def _key(issue: Issue, rank: Mapping[str, int]) -> _Key | None:
    """Where one of the reader's issues sorts (None for one not on an input sheet's row,
    which then keeps its place)."""
    at = rank.get(issue.sheet)
    if at is None or not issue.row:
        return None
    try:
        column = split_ref(issue.cell)[1] if issue.cell else 0
    except ValueError:
        return None
    return (at, issue.row, column)


# --------------------------------------------------------------------------- metrics


def _check_metrics(metrics: list[Metric], sheet: IssueLog) -> None:
    """A Target that contradicts the metric's Direction (from its Baseline)."""
    for m in metrics:
        if m.baseline is not None and m.target is not None and (
            (m.direction == Direction.INCREASE and m.target < m.baseline)
            or (m.direction == Direction.DECREASE and m.target > m.baseline)
        ):
            sheet.issue(Severity.WARNING, "target", m.row, sheet.say(
                "i_contradicts", target=sheet.number(m.target),
                baseline=sheet.number(m.baseline),
                direction=contract.choice_label("direction", m.direction, sheet.lang)))


# --------------------------------------------------------------------------- milestones


def _check_milestones(plan: Plan, sheet: IssueLog, team_title: str, metrics_title: str) -> None:
    """Per milestone: owner, Due, Start, metric target, Completed, "/month" budget."""
    team = {owner_key(t.name): t.name for t in plan.team}
    metrics = {i18n.normalize(m.name) for m in plan.metrics}
    owner_keys: dict[str, str] = {}
    for m in plan.milestones:
        row = m.row
        if m.owner is None:
            sheet.issue(Severity.WARNING, "owner", row,
                        sheet.say("i_no_owner", sheet=team_title), value="")
        else:
            key = owner_keys.get(m.owner)
            if key is None:
                key = owner_keys[m.owner] = owner_key(m.owner)
            if key in team:
                m.owner, m.owner_known = team[key], True
            else:
                sheet.issue(Severity.WARNING, "owner", row, sheet.say(
                    "i_owner_unknown", owner=m.owner, sheet=team_title))
        if m.due is None and sheet.typed("due", row) is None:
            sheet.issue(Severity.ERROR, "due", row, sheet.say("i_missing_due"), value="")
        if m.start and m.due and m.due < m.start:
            sheet.issue(Severity.ERROR, "due", row, sheet.say(
                "i_due_before_start", due=m.due.isoformat(), start=m.start.isoformat()))
            m.start = None
        if m.type == MilestoneType.METRIC_TARGET:
            if not m.metric:
                sheet.issue(Severity.WARNING, "metric", row, sheet.say("i_target_no_metric"),
                            value="")
            elif i18n.normalize(m.metric) not in metrics:
                sheet.issue(Severity.WARNING, "metric", row, sheet.say(
                    "i_metric_unknown", metric=m.metric, sheet=metrics_title))
            if m.target_value is None and sheet.typed("target_value", row) is None:
                sheet.issue(Severity.WARNING, "target_value", row,
                            sheet.say("i_target_no_value"), value="")
        if m.status == Status.DONE and m.completed is None:
            sheet.issue(Severity.WARNING, "completed", row, sheet.say("i_done_no_date"),
                        value="")
        if m.budget_per_month and m.budget is not None:
            _per_month_budget(sheet, m, m.budget, plan.settings.default_duration)


def months_touched(start: date, due: date) -> int:
    """Calendar months touched by [start, due] (at least 1)."""
    if due < start:
        start, due = due, start
    return (due.year - start.year) * 12 + due.month - start.month + 1


def _per_month_budget(sheet: IssueLog, m: Milestone, monthly: float,
                      default_duration: int) -> None:
    """'1,000/month' (`monthly`) times the calendar months the milestone touches ([Start,
    Due], Start defaulting to Due - Default duration); a warning when it has no Due (its
    Budget is then left per month)."""
    if m.due is None:
        sheet.issue(Severity.WARNING, "budget", m.row, sheet.say("i_month_needs_due"))
        return
    start = effective_start(m, default_duration)
    assert start is not None  # m.due is set
    months = months_touched(start, m.due)
    total = monthly * months
    sheet.issue(Severity.INFO, "budget", m.row, sheet.say(
        "i_per_month", text=str(sheet.typed("budget", m.row)).strip(),
        amount=sheet.number(monthly, ",.2f"), months=months,
        total=sheet.number(total, ",.2f")))
    m.budget, m.budget_per_month = total, False


# --------------------------------------------------------------------------- IDs


def _check_ids(milestones: list[Milestone], sheet: IssueLog) -> None:
    """Fill blank IDs, report duplicates, unknown dependencies and cycles; Depends on is left
    holding the IDs (as the milestones spell them) of the dependencies that stand."""

    def issue(m: Milestone, key: str, message: str, **values: object) -> None:
        """An error at column `key` of m's row: the catalogue's `message`, filled."""
        sheet.issue(Severity.ERROR, key, m.row, sheet.say(message, **values))

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
    for cycle in cycles(milestones, by_id):
        path = " -> ".join([c.id for c in cycle] + [cycle[0].id])
        for c in cycle:
            issue(c, "depends_on", "i_cycle", path=path)
        members = {c.id for c in cycle}
        for c in cycle:
            c.depends_on = [d for d in c.depends_on if d not in members]


def cycles(milestones: list[Milestone], by_id: dict[str, Milestone]) -> list[list[Milestone]]:
    """Strongly connected components with more than one milestone (Tarjan, iterative), each
    in sheet order. `by_id`: casefolded ID -> milestone, for every ID in a Depends on."""
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

"""Validation (rules.validate): the plan checked against contract section 4, on records built
here (no workbook): each check's exact issue, at its cell, with the value as typed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from milestone_sheets import contract
from milestone_sheets.model import (
    Issue,
    Metric,
    Milestone,
    Plan,
    Settings,
    SheetLayout,
    TeamMember,
)
from milestone_sheets.rules.validate import cycles, months_touched, validate

AS_OF = date(2026, 11, 23)
DUE = date(2026, 12, 15)
# The Milestones columns of a workbook made by `msheets new`.
MILESTONE_COLUMNS = {"id": 1, "milestone": 2, "type": 6, "owner": 7, "start": 8, "due": 9,
                     "budget": 10, "pct": 13, "status": 14, "completed": 15, "depends_on": 17,
                     "metric": 18, "target_value": 19}
METRIC_COLUMNS = {"metric": 1, "unit": 2, "direction": 3, "baseline": 4, "target": 6}


def sheet(title: str, columns: dict[str, int], typed: dict[int, dict[str, Any]]) -> SheetLayout:
    """A sheet's layout: header in row 1, data rows `typed` (row -> column key -> value as
    typed in the cell)."""
    rows = sorted(typed)
    return SheetLayout(title, 1, columns, max(columns.values()), max(rows, default=1), rows,
                       {key: [typed[r].get(key) for r in rows] for key in columns})


def ms(row: int, id: str = "", owner: str | None = "Ana", due: date | None = DUE,
       **kw: Any) -> Milestone:
    """A milestone as the reader gives it (owner as typed, IDs not yet checked)."""
    return Milestone(row, id, f"Task {row}", owner=owner, due=due, **kw)


def check(milestones: list[Milestone], typed: dict[int, dict[str, Any]] | None = None, *,
          metrics: list[Metric] = (), metric_cells: dict[int, dict[str, Any]] | None = None,
          issues: list[Issue] = (), lang: str = "en",
          default_duration: int = 14) -> Plan:
    """The plan of `milestones` (and a Team of Ana and Bo Li), validated."""
    plan = Plan(path=Path("p.xlsx"), language=lang,
                settings=Settings(language=lang, default_duration=default_duration),
                as_of=AS_OF, milestones=milestones, metrics=list(metrics),
                team=[TeamMember(2, "Ana", capacity=40), TeamMember(3, "Bo Li")],
                issues=list(issues))
    typed = typed or {}
    sheets = {
        "milestones": sheet(contract.sheet_title("milestones", lang), MILESTONE_COLUMNS,
                            {m.row: typed.get(m.row, {}) for m in milestones}),
        "team": sheet(contract.sheet_title("team", lang), {"owner": 1, "capacity": 4},
                      {2: {"owner": "Ana"}, 3: {"owner": "Bo Li"}}),
        "metrics": sheet(contract.sheet_title("metrics", lang), METRIC_COLUMNS,
                         metric_cells or {}),
    }
    validate(plan, sheets)
    return plan


def only(plan: Plan) -> Issue:
    assert len(plan.issues) == 1, plan.issues
    return plan.issues[0]


# --------------------------------------------------------------------------- owners


def test_no_owner():
    plan = check([ms(2, "M-001", owner=None)])
    assert only(plan) == Issue("warning", "Milestones", "G2", "owner", "",
                               "no owner: pick a name from the Team sheet")
    assert only(plan).row == 2


def test_owner_not_in_team_quotes_the_cell_as_typed():
    plan = check([ms(2, "M-001", owner="Zed")], {2: {"owner": " Zed "}})
    assert only(plan) == Issue("warning", "Milestones", "G2", "owner", " Zed ",
                               "owner 'Zed' is not in the Team sheet")
    assert (plan.milestones[0].owner, plan.milestones[0].owner_known) == ("Zed", False)


def test_owner_matched_to_the_team_spelling():
    plan = check([ms(2, "M-001", owner="bo  LI")])
    assert plan.issues == []
    assert (plan.milestones[0].owner, plan.milestones[0].owner_known) == ("Bo Li", True)


def test_messages_in_the_plan_language_name_its_tabs():
    plan = check([ms(2, "M-001", owner=None)], lang="fr")
    assert only(plan) == Issue("warning", "Jalons", "G2", "owner", "",
                               "pas de responsable : choisissez un nom de la feuille Équipe")
    renamed = Plan(path=Path("p.xlsx"), language="fr", settings=Settings(language="fr"),
                   as_of=AS_OF, milestones=[ms(2, "M-001", owner="Zed")])
    validate(renamed, {"milestones": sheet("JALONS", MILESTONE_COLUMNS, {2: {"owner": "Zed"}}),
                       "team": sheet("équipe", {"owner": 1}, {})})
    assert only(renamed) == Issue("warning", "JALONS", "G2", "owner", "Zed",
                                  "le responsable « Zed » n'est pas dans la feuille équipe")


# --------------------------------------------------------------------------- dates


def test_missing_due():
    plan = check([ms(2, "M-001", due=None)])
    assert only(plan) == Issue("error", "Milestones", "I2", "due", "", "missing Due date")


def test_unreadable_due_is_not_missing():
    """An unreadable Due is the reader's error; it is not reported again as missing."""
    plan = check([ms(2, "M-001", due=None)], {2: {"due": "someday"}})
    assert plan.issues == []


def test_due_before_start_drops_the_start():
    plan = check([ms(2, "M-001", start=date(2026, 12, 20))], {2: {"due": "Dec 15, 2026"}})
    assert only(plan) == Issue("error", "Milestones", "I2", "due", "Dec 15, 2026",
                               "Due 2026-12-15 is before Start 2026-12-20; Start is ignored")
    assert plan.milestones[0].start is None


def test_done_without_completed():
    plan = check([ms(2, "M-001", status="Done")])
    assert only(plan) == Issue("warning", "Milestones", "O2", "completed", "",
                               "Done without a Completed date")
    assert check([ms(2, "M-001", status="Done", completed=date(2026, 11, 2))]).issues == []


# --------------------------------------------------------------------------- metrics


CTR = Metric(2, "CTR", direction="Increase", baseline=0.03, target=0.05)


def test_metric_target_without_metric_or_value():
    plan = check([ms(2, "M-001", type="Metric target")])
    assert plan.issues == [
        Issue("warning", "Milestones", "R2", "metric", "",
              "Metric target milestone without a Metric"),
        Issue("warning", "Milestones", "S2", "target_value", "",
              "Metric target milestone without a Target value")]


def test_metric_target_with_an_unknown_metric():
    plan = check([ms(2, "M-001", type="Metric target", metric="Nope", target_value=5)],
                 {2: {"metric": "Nope ", "target_value": 5}}, metrics=[CTR])
    assert only(plan) == Issue("warning", "Milestones", "R2", "metric", "Nope ",
                               "metric 'Nope' is not in the Metrics sheet")


def test_metric_target_with_a_known_metric():
    plan = check([ms(2, "M-001", type="Metric target", metric="CTR", target_value=0.04),
                  ms(3, "M-002", type="Metric target", metric=" ctr", target_value=0.04)],
                 metrics=[CTR])
    assert plan.issues == []  # names match case- and space-insensitively


def test_unreadable_target_value_is_not_missing():
    plan = check([ms(2, "M-001", type="Metric target", metric="CTR")],
                 {2: {"target_value": "lots"}}, metrics=[CTR])
    assert plan.issues == []


def test_target_contradicting_direction():
    down = Metric(2, "CTR", direction="Increase", baseline=0.03, target=0.02)
    plan = check([], metrics=[down], metric_cells={2: {"metric": "CTR", "target": "2%"}})
    assert only(plan) == Issue("warning", "Metrics", "F2", "target", "2%",
                               "target 0.02 contradicts Direction Increase from baseline 0.03")
    up = Metric(2, "CPL", direction="Decrease", baseline=100, target=120)
    assert only(check([], metrics=[up])).message == (
        "target 120 contradicts Direction Decrease from baseline 100")
    inferred = Metric(2, "CTR", baseline=0.03, target=0.02)  # blank Direction: inferred
    assert check([], metrics=[inferred]).issues == []


# --------------------------------------------------------------------------- budgets


def test_per_month_budget_times_the_months_touched():
    m = ms(2, "M-001", start=date(2026, 11, 1), budget=1000.0, budget_per_month=True)
    plan = check([m], {2: {"budget": " 1,000/month "}})
    assert only(plan) == Issue("info", "Milestones", "J2", "budget", " 1,000/month ",
                               "read '1,000/month' as 1,000.00 x 2 month(s) = 2,000.00")
    assert (m.budget, m.budget_per_month) == (2000.0, False)


def test_per_month_budget_without_start_counts_from_the_default_duration():
    m = ms(2, "M-001", due=date(2026, 12, 15), budget=500.0, budget_per_month=True)
    check([m], {2: {"budget": "500/month"}}, default_duration=60)  # from 2026-10-16
    assert m.budget == 1500.0


def test_per_month_budget_needs_a_due():
    m = ms(2, "M-001", due=None, budget=1000.0, budget_per_month=True)
    plan = check([m], {2: {"due": "someday", "budget": "1,000/month"}})
    assert only(plan) == Issue("warning", "Milestones", "J2", "budget", "1,000/month",
                               "a per-month budget needs a Due date; counted as one month")
    assert m.budget == 1000.0


def test_per_month_budget_counts_from_a_start_after_due_as_blank():
    """Due before Start drops the Start first: the months run from Due - default duration."""
    m = ms(2, "M-001", start=date(2027, 3, 1), due=date(2026, 12, 15), budget=100.0,
           budget_per_month=True)
    check([m], {2: {"budget": "100/month"}})
    assert m.budget == 100.0  # 2026-12-01 .. 2026-12-15: one month


def test_months_touched():
    assert months_touched(date(2026, 1, 31), date(2026, 3, 1)) == 3
    assert months_touched(date(2026, 1, 1), date(2026, 1, 31)) == 1
    assert months_touched(date(2026, 11, 15), date(2027, 2, 1)) == 4
    assert months_touched(date(2027, 2, 1), date(2026, 11, 15)) == 4


# --------------------------------------------------------------------------- IDs


def test_blank_ids_filled_after_the_highest():
    plan = check([ms(2), ms(3, "m-007"), ms(4), ms(5, "X-99")])
    assert [m.id for m in plan.milestones] == ["M-008", "m-007", "M-009", "X-99"]
    assert [m.id_filled for m in plan.milestones] == [True, False, True, False]
    assert plan.issues == []


def test_duplicate_id():
    plan = check([ms(2, "M-001"), ms(3, "m-001")], {3: {"id": "m-001"}})
    assert only(plan) == Issue("error", "Milestones", "A3", "id", "m-001",
                               "duplicate ID 'm-001' (also row 2)")


def test_dependencies_matched_to_the_ids_as_spelled():
    """Depends on holds the IDs as the milestones spell them, filled ones included."""
    plan = check([ms(2, "M-001"), ms(3, "M-002", depends_on=["m-001"]), ms(4),
                  ms(5, "M-004", depends_on=["m-005", "M-002"])])
    assert plan.issues == []
    assert [m.depends_on for m in plan.milestones] == [[], ["M-001"], [], ["M-005", "M-002"]]


def test_unknown_and_self_dependencies():
    plan = check([ms(2, "M-001", depends_on=["M-999", "M-001", "M-002"]), ms(3, "M-002")],
                 {2: {"depends_on": "M-999; M-001, M-002"}})
    assert plan.issues == [
        Issue("error", "Milestones", "Q2", "depends_on", "M-999; M-001, M-002",
              "depends on unknown ID 'M-999'"),
        Issue("error", "Milestones", "Q2", "depends_on", "M-999; M-001, M-002",
              "a milestone cannot depend on itself")]
    assert plan.milestones[0].depends_on == ["M-002"]


def test_cycle_reported_on_each_member_and_dropped():
    plan = check([ms(2, "M-001", depends_on=["M-003"]), ms(3, "M-002", depends_on=["M-001"]),
                  ms(4, "M-003", depends_on=["M-002"]), ms(5, "M-004", depends_on=["M-001"])],
                 {2: {"depends_on": "M-003"}, 3: {"depends_on": "M-001"},
                  4: {"depends_on": "M-002"}})
    path = "dependency cycle M-001 -> M-002 -> M-003 -> M-001"
    assert plan.issues == [
        Issue("error", "Milestones", "Q2", "depends_on", "M-003", path),
        Issue("error", "Milestones", "Q3", "depends_on", "M-001", path),
        Issue("error", "Milestones", "Q4", "depends_on", "M-002", path)]
    assert [m.depends_on for m in plan.milestones] == [[], [], [], ["M-001"]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 7), max_size=3), min_size=1, max_size=8))
def test_dependency_cycles_are_the_strongly_connected_groups(deps):
    """cycles finds exactly the groups of milestones that reach one another."""
    n = len(deps)
    edges = [{d for d in ds if d < n and d != i} for i, ds in enumerate(deps)]
    milestones = [Milestone(row=i + 2, id=f"M-{i}", name=f"m{i}",
                            depends_on=[f"M-{d}" for d in sorted(edges[i])]) for i in range(n)]
    by_id = {m.id.casefold(): m for m in milestones}
    reach = [set(e) for e in edges]
    for _ in range(n):  # transitive closure
        reach = [r.union(*(reach[j] for j in r)) for r in reach]
    expected = {frozenset(j for j in range(n) if j == i or (j in reach[i] and i in reach[j]))
                for i in range(n)}
    expected = {g for g in expected if len(g) > 1}
    found = {frozenset(m.row - 2 for m in c) for c in cycles(milestones, by_id)}
    assert found == expected


# --------------------------------------------------------------------------- order


def test_issues_join_the_readers_in_sheet_order():
    """Sheet by sheet as read (Settings, Team, Metrics, Metric log, Milestones), row by row,
    left to right; on one cell the reader's issue comes first; an issue at a column the sheet
    lacks (cell "") goes first in its row."""
    read = [
        Issue("warning", "Team", "A4", "owner", "ana", "twice", 4),
        Issue("info", "Metrics", "D2", "baseline", "3%", "read", 2),
        Issue("error", "Metric log", "A2", "date", "x", "no date", 2),
        Issue("error", "Milestones", "N2", "status", "Finished-ish", "unknown Status", 2),
        Issue("error", "Milestones", "O2", "completed", "someday", "cannot read", 2),
        Issue("info", "Milestones", "", "pct", "", "a reader's issue without a cell", 3),
        Issue("error", "Milestones", "B4", "milestone", "", "no text", 4),
    ]
    plan = check([ms(2, "M-001", owner=None, status="Done", budget=10.0, budget_per_month=True,
                     depends_on=["M-999"]),
                  ms(3, "M-001"), ms(4, "M-002")],
                 {2: {"budget": "10/month", "completed": "someday"}},
                 metrics=[Metric(2, "CTR", direction="Increase", baseline=0.03, target=0.02)],
                 issues=read)
    assert [(i.sheet, i.cell, i.message) for i in plan.issues] == [
        ("Team", "A4", "twice"),
        ("Metrics", "D2", "read"),
        ("Metrics", "F2", "target 0.02 contradicts Direction Increase from baseline 0.03"),
        ("Metric log", "A2", "no date"),
        ("Milestones", "G2", "no owner: pick a name from the Team sheet"),
        ("Milestones", "J2", "read '10/month' as 10.00 x 1 month(s) = 10.00"),
        ("Milestones", "N2", "unknown Status"),
        ("Milestones", "O2", "cannot read"),
        ("Milestones", "O2", "Done without a Completed date"),
        ("Milestones", "Q2", "depends on unknown ID 'M-999'"),
        ("Milestones", "", "a reader's issue without a cell"),
        ("Milestones", "A3", "duplicate ID 'M-001' (also row 2)"),
        ("Milestones", "B4", "no text"),
    ]


def test_an_issue_at_a_column_the_sheet_lacks_has_no_cell_but_its_row():
    columns = {k: c for k, c in MILESTONE_COLUMNS.items() if k != "completed"}
    plan = Plan(path=Path("p.xlsx"), language="en", settings=Settings(), as_of=AS_OF,
                milestones=[ms(2, "M-001", status="Done")], team=[TeamMember(2, "Ana")])
    validate(plan, {"milestones": sheet("Milestones", columns, {2: {}})})
    assert only(plan) == Issue("warning", "Milestones", "", "completed", "",
                               "Done without a Completed date")
    assert only(plan).row == 2

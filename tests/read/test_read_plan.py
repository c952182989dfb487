"""Loading a plan (read + validate): records from filled workbooks, and every issue of
contract sections 3 and 4 at its cell; and what the reader alone gives."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest
from helpers import fill_plan

from milestone_sheets import load_plan
from milestone_sheets.errors import PlanError
from milestone_sheets.plans import load_workbook_plan
from milestone_sheets.read.sheets import read_plan

TEAM = [{"owner": "Ana", "capacity": 40}, {"owner": "Bo Li", "capacity": 20}]
AS_OF = date(2026, 11, 23)


def ok(name="Task", **kw):
    return {"milestone": name, "owner": "Ana", "due": date(2026, 12, 15), **kw}


def issues_of(path, as_of=AS_OF):
    plan = load_plan(path, as_of=as_of)
    return plan, {(i.severity, i.cell): i for i in plan.issues}


# Milestones columns: A ID, B Milestone, G Owner, H Start, I Due, J Budget, K Actual,
# L Effort, M % Complete, N Status, O Completed, Q Depends on, R Metric, S Target value.
CASES = [
    ("unreadable date", ok(due="someday"), "error", "I2", "cannot read"),
    ("unreadable start", ok(start="whenever"), "error", "H2", "cannot read"),
    ("unreadable money", ok(budget="lots"), "error", "J2", "money"),
    ("unreadable actual", ok(actual="n/a"), "error", "K2", "money"),
    ("unreadable percent", ok(pct="half"), "error", "M2", "percentage"),
    ("percent over 100", ok(pct=150), "error", "M2", "above 100%"),
    ("unknown status", ok(status="Finished-ish"), "error", "N2", "unknown Status"),
    ("unknown type", ok(type="Party"), "error", "F2", "unknown Type"),
    ("due before start", ok(start=date(2026, 12, 20)), "error", "I2", "before Start"),
    ("missing due", {"milestone": "No date", "owner": "Ana"}, "error", "I2", "missing Due"),
    ("no milestone text", {"owner": "Ana", "due": date(2026, 12, 1)}, "error", "B2",
     "no Milestone"),
    ("unknown dependency", ok(depends_on="M-999"), "error", "Q2", "unknown ID"),
    ("no owner", {"milestone": "Orphan", "due": date(2026, 12, 1)}, "warning", "G2",
     "no owner"),
    ("owner not in team", ok(owner="Zed"), "warning", "G2", "not in the Team"),
    ("done without completed", ok(status="Done"), "warning", "O2", "Completed"),
    ("unknown metric", ok(type="Metric target", metric="Nope", target_value=5), "warning",
     "R2", "not in the Metrics"),
    ("text date info", ok(due="Sep 30, 2026"), "info", "I2", "as 2026-09-30"),
    ("per-month info", ok(budget="1,000/month", start=date(2026, 11, 1)), "info", "J2",
     "2 month(s) = 2,000.00"),
    ("status synonym info", ok(status="Blocked"), "info", "N2", "read 'Blocked' as On hold"),
    ("french status synonym", ok(status="en attente"), "info", "N2", "as On hold"),
    ("blank status done by pct", ok(pct=1), "info", "N2",
     "blank Status read as Done: % Complete is 100%"),
    ("blank status done by completed", ok(completed=date(2026, 11, 2)), "info", "N2",
     "blank Status read as Done: Completed holds a date (2026-11-02)"),
]


@pytest.mark.parametrize(("what", "row", "severity", "cell", "text"), CASES,
                         ids=[c[0] for c in CASES])
def test_issue_at_cell(tmp_path, what, row, severity, cell, text):
    path = fill_plan(tmp_path / "p.xlsx", milestones=[row], team=TEAM)
    _, found = issues_of(path)
    assert (severity, cell) in found, [i.to_json() for i in found.values()]
    issue = found[(severity, cell)]
    assert text in issue.message
    assert issue.sheet == "Milestones"


@pytest.mark.parametrize(("row", "status", "info"), [
    (ok(status="WIP"), "In progress", True), (ok(status="won't do"), "Cancelled", True),
    (ok(status="Not begun"), "Not started", True), (ok(status="En cours"), "In progress", False),
    (ok(pct=1), "Done", True), (ok(pct="100%"), "Done", True),
    (ok(completed=date(2026, 11, 2)), "Done", True),
    (ok(pct=0.99), "Not started", False), (ok(), "Not started", False),
    (ok(status="In progress", pct=1), "In progress", False),  # a status typed is kept
    (ok(status="Finished-ish", pct=1), "Done", True),  # unreadable: treated as blank
])
def test_statuses_read(tmp_path, row, status, info):
    path = fill_plan(tmp_path / "p.xlsx", milestones=[row], team=TEAM)
    plan, found = issues_of(path)
    assert plan.milestones[0].status == status
    assert (("info", "N2") in found) == info
    if info:
        assert status in found[("info", "N2")].message


def test_the_reader_alone_gives_rows_as_typed_and_reading_issues(tmp_path):
    """Reading issues only (section 3): IDs, owners, dependencies, dates and "/month" are
    validation's (rules.validate), which load_plan adds."""
    rows = [ok("A", owner=" zed ", status="Finished-ish", start=date(2026, 12, 20),
               budget="1,000/month", depends_on="M-999"),
            {"milestone": "B", "status": "Done", "pct": 1, "owner": "ana"}]
    path = fill_plan(tmp_path / "p.xlsx", milestones=rows, team=TEAM)
    plan, layout = read_plan(path, as_of=AS_OF)
    assert [(i.severity, i.cell) for i in plan.issues] == [("error", "N2")]  # unknown Status
    a, b = plan.milestones
    assert (a.id, a.owner, a.owner_known, a.start, a.depends_on) == (
        "", "zed", False, date(2026, 12, 20), ["M-999"])
    assert (a.budget, a.budget_per_month) == (1000, True)
    assert (b.id, b.owner, b.status) == ("", "ana", "Done")
    assert layout.sheets["milestones"].typed["owner"] == [" zed ", "ana"]
    loaded = load_plan(path, as_of=AS_OF)
    assert [(i.severity, i.cell) for i in loaded.issues] == [
        ("warning", "G2"), ("error", "I2"), ("info", "J2"), ("error", "N2"), ("error", "Q2"),
        ("error", "I3"), ("warning", "O3")]
    a, b = loaded.milestones
    assert (a.id, a.start, a.budget, a.depends_on) == ("M-001", None, 1000, [])
    assert (b.id, b.owner, b.owner_known) == ("M-002", "Ana", True)


def test_canonical_statuses_need_no_word(tmp_path):
    rows = [ok(str(i), status=s) for i, s in enumerate(
        ["Not started", "in progress", "DONE", "On hold", "Cancelled", "Terminé", "annule"])]
    rows[2]["completed"] = rows[5]["completed"] = date(2026, 11, 2)
    plan = load_plan(fill_plan(tmp_path / "p.xlsx", milestones=rows, team=TEAM), as_of=AS_OF)
    assert [m.status for m in plan.milestones] == [
        "Not started", "In progress", "Done", "On hold", "Cancelled", "Done", "Cancelled"]
    assert not [i for i in plan.issues if i.field == "status"]


def test_rows_with_errors_still_count(tmp_path):
    path = fill_plan(tmp_path / "p.xlsx", team=TEAM,
                     milestones=[ok(budget="lots", pct=150), ok("B")])
    plan = load_plan(path, as_of=AS_OF)
    assert len(plan.milestones) == 2
    assert plan.milestones[0].budget is None and plan.milestones[0].pct is None


def test_duplicate_id_and_cycle(tmp_path):
    path = fill_plan(tmp_path / "p.xlsx", team=TEAM, milestones=[
        ok("A", id="M-001", depends_on="M-002"), ok("B", id="M-002", depends_on="M-001"),
        ok("C", id="M-001")])
    _, found = issues_of(path)
    assert "duplicate ID" in found[("error", "A4")].message
    assert "cycle" in found[("error", "Q2")].message
    assert "cycle" in found[("error", "Q3")].message


def test_metric_warnings(tmp_path):
    path = fill_plan(tmp_path / "p.xlsx", team=TEAM, metrics=[
        {"metric": "CTR", "direction": "Increase", "baseline": 0.03, "target": 0.02}])
    _, found = issues_of(path)
    i = found[("warning", "F2")]  # Target column of Metrics
    assert i.sheet == "Metrics" and "contradicts" in i.message


def test_blank_ids_filled_after_highest(tmp_path):
    path = fill_plan(tmp_path / "p.xlsx", team=TEAM,
                     milestones=[ok("A"), ok("B", id="M-007"), ok("C")])
    plan = load_plan(path, as_of=AS_OF)
    assert [m.id for m in plan.milestones] == ["M-008", "M-007", "M-009"]
    assert [m.id_filled for m in plan.milestones] == [True, False, True]


def test_values_parsed(tmp_path):
    path = fill_plan(tmp_path / "p.xlsx", team=TEAM, settings={"date_order": "DMY"},
                     milestones=[ok("A", start="01/12/2026", due="end of Q4", budget="1.5k",
                                    actual="1 200,50 €", pct="80%", status="in progress",
                                    owner="  ana ", depends_on=None)])
    m = load_plan(path, as_of=AS_OF).milestones[0]
    assert (m.start, m.due) == (date(2026, 12, 1), date(2026, 12, 31))
    assert (m.budget, m.actual, m.pct) == (1500, 1200.5, 0.8)
    assert (m.status, m.owner, m.owner_known) == ("In progress", "Ana", True)


def test_blank_rows_skipped_and_title_rows_above(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Milestones"
    ws["A1"] = "Our marketing plan"
    ws["A3"] = "Notes from the team"
    # header on row 4, columns out of order, an extra user column
    for c, h in enumerate(["due date", "OWNER", "My column", "milestone", "Budget"], 1):
        ws.cell(4, c, h)
    ws.append([date(2026, 12, 1), "Ana", "keep me", "Launch", 100])
    ws.append([])
    ws.append([None, None, None, None, None])
    ws.append([date(2026, 12, 9), "Ana", None, "Ads", "2k"])
    path = tmp_path / "loose.xlsx"
    wb.save(path)
    plan, layout = load_workbook_plan(path, as_of=AS_OF)
    assert [m.name for m in plan.milestones] == ["Launch", "Ads"]
    assert [m.row for m in plan.milestones] == [5, 8]
    assert plan.milestones[1].budget == 2000
    assert layout.sheets["milestones"].header_row == 4
    assert layout.sheets["milestones"].rows == [5, 8]
    assert layout.sheets["milestones"].typed["budget"] == [100, "2k"]  # as typed


def test_french_twin_reads_the_same(tmp_path):
    rows_en = [ok("A", status="Done", completed=date(2026, 11, 1), type="Validation",
                  budget="1,000/month", start=date(2026, 10, 1)),
               ok("B", status="On hold", pct=0.5)]
    rows_fr = [ok("A", status="Terminé", completed=date(2026, 11, 1), type="Validation",
                  budget="1 000/mois", start=date(2026, 10, 1)),
               ok("B", status="En pause", pct=0.5)]
    en = load_plan(fill_plan(tmp_path / "en.xlsx", milestones=rows_en, team=TEAM), as_of=AS_OF)
    fr = load_plan(fill_plan(tmp_path / "fr.xlsx", milestones=rows_fr, team=TEAM, lang="fr"),
                   as_of=AS_OF)
    assert fr.language == "fr" and en.language == "en"
    assert fr.milestones == en.milestones
    assert fr.team == en.team
    assert fr.settings.currency == "EUR" and fr.settings.date_order == "DMY"


@pytest.mark.parametrize("sheet_missing", [True, False])
def test_structural_errors(tmp_path, sheet_missing):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Other" if sheet_missing else "Milestones"
    ws.append(["Milestone", "Owner"])  # no Due column
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(PlanError) as exc:
        load_plan(path)
    assert exc.value.exit_code == 2
    assert ("no Milestones sheet" if sheet_missing else "'Due'") in exc.value.message


def test_formula_values_used_and_missing_values_reported(tmp_path):
    path = fill_plan(tmp_path / "p.xlsx", team=TEAM, milestones=[ok("A", budget=100)])
    wb = openpyxl.load_workbook(path)
    ws = wb["Milestones"]
    ws["K2"] = "=J2/2"  # Actual as a formula, saved by openpyxl: no computed value
    wb.save(path)
    _, found = issues_of(path)
    assert "no computed value" in found[("warning", "K2")].message


def test_a_repeated_value_is_reported_at_every_cell(tmp_path):
    """Each distinct value is parsed once per sheet; its issues still land on every cell."""
    rows = [ok(f"T{i}", due="Sep 30, 2026", budget="1.5k", status="Finished-ish",
               pct=1 if i % 2 else True) for i in range(4)]
    path = fill_plan(tmp_path / "p.xlsx", milestones=rows, team=TEAM)
    plan, found = issues_of(path)
    for r in (2, 3, 4, 5):
        assert "as 2026-09-30" in found[("info", f"I{r}")].message
        assert "as 1,500.00" in found[("info", f"J{r}")].message
        assert "unknown Status 'Finished-ish'" in found[("error", f"N{r}")].message
    # TRUE and 1 are equal in Python; the memo keeps them apart
    assert [m.pct for m in plan.milestones] == [None, 1.0, None, 1.0]
    assert "TRUE/FALSE" in found[("error", "M2")].message
    assert ("error", "M3") not in found


# Metrics columns: A Metric, B Unit, C Direction, D Baseline, E Baseline date, F Target,
# G Target date, H Current. Metric log: A Date, B Metric, C Value.
def test_percent_metrics_read_on_one_scale(tmp_path):
    path = fill_plan(tmp_path / "p.xlsx", team=TEAM, metrics=[
        {"metric": "CTR", "unit": "%", "baseline": 1.1, "target": 0.02, "current": "2.5%"},
        {"metric": "Visits", "unit": "visits", "baseline": 1.1, "target": 50, "current": 3},
    ], log=[{"date": date(2026, 11, 2), "metric": "ctr", "value": 1.5},
            {"date": date(2026, 11, 3), "metric": "CTR", "value": 0.018},
            {"date": date(2026, 11, 3), "metric": "Visits", "value": 40}],
        milestones=[ok(type="Metric target", metric="CTR", target_value=3),
                    ok(type="Metric target", metric="Visits", target_value=45)])
    plan = load_plan(path, as_of=AS_OF)
    ctr, visits = plan.metrics
    assert (ctr.baseline, ctr.target, ctr.current) == pytest.approx((0.011, 0.02, 0.025))
    assert (visits.baseline, visits.target, visits.current) == (1.1, 50, 3)
    assert [r.value for r in plan.readings] == pytest.approx([0.015, 0.018, 40])
    assert [m.target_value for m in plan.milestones] == pytest.approx([0.03, 45])
    assert not [i for i in plan.issues if i.severity == "warning"]


@pytest.mark.parametrize(("unit", "warned"), [("%", True), (" % ", True), ("visits", False),
                                              (None, False)])
def test_percent_metric_far_from_target_is_warned(tmp_path, unit, warned):
    """Target typed as 0.5% (0.005), Current as 0.4 meaning 0.4% (read as 40%): 80 times."""
    path = fill_plan(tmp_path / "p.xlsx", team=TEAM, metrics=[
        {"metric": "Conv", "unit": unit, "baseline": 0.003, "target": "0.5%", "current": 0.4}],
        log=[{"date": date(2026, 11, 2), "metric": "Conv", "value": 0.45},
             {"date": date(2026, 11, 3), "metric": "Conv", "value": 0.0045}],
        milestones=[ok(type="Metric target", metric="Conv", target_value=0.00005)])
    _, found = issues_of(path)
    warnings = {(i.sheet, i.cell): i.message for i in found.values()
                if i.severity == "warning"}
    if not warned:
        assert warnings == {}
        return
    assert set(warnings) == {("Metrics", "H2"), ("Metric log", "C2"), ("Milestones", "S2")}
    assert warnings[("Metrics", "H2")].startswith(
        "40% is more than 50 times the Target of 'Conv' (0.5%, F2)")
    assert "(0.5%, Metrics!F2)" in warnings[("Metric log", "C2")]
    assert warnings[("Milestones", "S2")].startswith("0.005% is less than 1/50 of the Target")


def _summary(path, title="Summary", rows=(("Plan", "p"), ("As of", date(2026, 11, 30)))):
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(title)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


@pytest.mark.parametrize(("lang", "title", "rows", "expected"), [
    ("en", "Summary", [["Plan", "p"], ["As of", date(2026, 11, 30)]], date(2026, 11, 30)),
    ("fr", "Synthèse", [["Plan", "p"], ["Au", date(2026, 11, 30)]], date(2026, 11, 30)),
    ("en", "Summary", [[None], [None, None, "as of:", "2026-11-30"]], date(2026, 11, 30)),
    ("en", "Summary", [["Plan", "p"], ["As of", None]], None),
    ("en", "Summary", [["Plan", "p"], ["Today", date(2026, 11, 30)]], None),
    ("en", "Report", [["Plan", "p"], ["As of", date(2026, 11, 30)]], None),  # not the Summary
])
def test_refreshed_as_of_read_from_the_summary(tmp_path, lang, title, rows, expected):
    path = _summary(fill_plan(tmp_path / "p.xlsx", team=TEAM, milestones=[ok()], lang=lang),
                    title, rows)
    plan = load_plan(path, as_of=AS_OF)
    assert plan.refreshed_as_of == expected
    assert plan.as_of == AS_OF


def test_never_refreshed(tmp_path):
    plan = load_plan(fill_plan(tmp_path / "p.xlsx", team=TEAM, milestones=[ok()]), as_of=AS_OF)
    assert plan.refreshed_as_of is None


def test_serial_numbers_follow_the_1904_date_system(tmp_path):
    """A Due typed as a plain number is a serial in the workbook's date system; a date cell
    is read as the date it shows in both systems."""
    import xlsxwriter

    for date_1904, epoch in ((False, date(1899, 12, 30)), (True, date(1904, 1, 1))):
        path = tmp_path / f"plan-{int(date_1904)}.xlsx"
        book = xlsxwriter.Workbook(path, {"date_1904": date_1904})
        sheet = book.add_worksheet("Milestones")
        sheet.write_row(0, 0, ["Milestone", "Owner", "Due"])
        sheet.write_row(1, 0, ["Serial", "Ana"])
        sheet.write_number(1, 2, 45000)
        sheet.write_row(2, 0, ["Date cell", "Ana"])
        sheet.write_datetime(2, 2, date(2026, 9, 30), book.add_format({"num_format": "d mmm yyyy"}))
        book.close()
        plan = load_plan(path, as_of=date(2026, 11, 1))
        assert [m.due for m in plan.milestones] == [epoch + timedelta(days=45000),
                                                    date(2026, 9, 30)]

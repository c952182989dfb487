"""`msheets import` on the real plans of ../shared/corpus/real-plans (skipped without it).

The counts and milestones below were read off the files themselves (cells dumped with
python-calamine, the CSVs with the csv module, the XML with ElementTree), as a careful reader
counts them: a heading, a WBS parent, a Jira issue that others name as parent, or an MS
Project summary task is a phase, not a milestone; a legend or a second table under the task
list is not part of it.
"""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import ROOT, SHARED

from milestone_sheets.cli import cli
from milestone_sheets.importer import NoTaskList, read_task_list

CORPUS = SHARED / "corpus" / "real-plans"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(),
                                reason=f"the real-plans corpus is not at {CORPUS}")
AS_OF = "2026-11-23"

# file -> milestones a careful reader counts in it
COUNTS = {
    "06_simple_gantt.xlsx": 7,  # Task-1 .. Task-7
    "07_packt_tpm_project_plan.xlsx": 30,  # 39 rows, 9 of them headings of indented rows
    "10_project_tracker.xlsx": 3,  # Session 1's three; Sessions 2-5 are empty
    "12_milestones_sheet.xlsx": 39,  # rows 2-40; "Resource wise Plan" starts another table
    "13_pmo_project_schedule.xlsx": 20,  # 27 WBS rows, 7 of them parents (1-6, 8)
    "14_internee_content_calendar.xlsx": 22,  # one row per post, 11 May - 31 May
    "16_doordash_launch_plan.xlsx": 13,  # under 3 headings: 5 + 3 + 5
    "17_arif_gantt_chart.xlsx": 15,  # 5 headings of 3 tasks
    "20_jira_cloud_allfields.csv": 56,  # 68 issues, 12 of them parents of others
    "23_pandas_gantt_tasks.csv": 15,  # index 0-14
    "26_msproject_mspdi_sample.xml": 16,  # 19 tasks, 3 summary tasks
}


def plan_of(name: str):
    return read_task_list(CORPUS / name, today=date(2026, 11, 23))


def named(plan, name: str):
    found = [m for m in plan.milestones if m.name == name]
    assert len(found) == 1, f"{name!r}: {len(found)} milestones"
    return found[0]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_01_topics_as_columns_are_refused(tmp_path):
    out = tmp_path / "plan.xlsx"
    res = run("import", CORPUS / "01_vedika_content_calendar.xlsx", "-o", out)
    assert res.exit_code == 2
    assert "holds no task list" in res.output and "Blog Topics" in res.output
    assert res.output.count("\n") == 1 and "Traceback" not in res.output
    assert not out.exists() and list(tmp_path.iterdir()) == []
    with pytest.raises(NoTaskList):
        plan_of("01_vedika_content_calendar.xlsx")


def test_06_simple_gantt():
    plan = plan_of("06_simple_gantt.xlsx")
    assert len(plan.milestones) == COUNTS["06_simple_gantt.xlsx"]
    first, last = plan.milestones[0], plan.milestones[-1]
    assert (first.name, first.start, first.due) == ("Task-1", date(2022, 10, 29),
                                                    date(2022, 11, 23))
    assert (last.name, last.start, last.due) == ("Task-7", date(2023, 2, 15), date(2023, 2, 28))
    assert plan.user_columns == []  # the day grid beside the table is not kept


def test_07_indented_project_plan():
    plan = plan_of("07_packt_tpm_project_plan.xlsx")
    assert len(plan.milestones) == COUNTS["07_packt_tpm_project_plan.xlsx"]
    design = named(plan, "Design Network")
    assert (design.id, design.owner, design.start, design.due, design.phase) == (
        "2", "Arun", date(2023, 1, 2), date(2023, 2, 13), "Create P2P Network")
    relay = next(m for m in plan.milestones if m.id == "7")
    assert (relay.name, relay.owner, relay.phase, relay.tactic, relay.due) == (
        "Design", "Charley", "Relay Servers", "Setup Relay Servers", date(2023, 3, 27))
    build = next(m for m in plan.milestones if m.id == "8")
    assert (build.name, build.owner, build.depends_on) == ("Implement", "Charley", ["7"])
    assert "Also: Bex" in build.notes
    bex = named(plan, "Bex On-Call")
    assert (bex.owner, bex.phase, bex.start, bex.due) == ("Bex", None, date(2023, 3, 6),
                                                          date(2023, 3, 10))
    assert {n.message for n in plan.sections} >= {"Create P2P Network", "Setup Relay Servers",
                                                  "Message Library"}


def test_10_project_tracker():
    plan = plan_of("10_project_tracker.xlsx")
    assert len(plan.milestones) == COUNTS["10_project_tracker.xlsx"]
    guide = named(plan, "Leader's Guide")
    assert (guide.owner, guide.start, guide.due, guide.phase) == (
        "Mike", date(2021, 1, 11), date(2021, 1, 12), "Session 1")
    deck = named(plan, "Slide Deck")
    assert (deck.owner, deck.due, deck.phase) == ("John", date(2022, 1, 15), "Session 1")


def test_12_milestones_sheet_with_tables_stacked():
    plan = plan_of("12_milestones_sheet.xlsx")
    assert len(plan.milestones) == COUNTS["12_milestones_sheet.xlsx"]
    assert plan.milestones[-1].name == "Remaining-UI design"
    wire = named(plan, "Screen Mockups on WireFrames")
    assert (wire.owner, wire.due, wire.status, wire.pct) == ("Das", date(2015, 3, 13),
                                                             "In progress", 0.02)
    arch = named(plan, "Architecture Diagram")
    assert (arch.owner, arch.due, arch.status) == ("Vishal", None, "Not started")  # TBD, YTS
    assert "Also: Swami, Manoj" in arch.notes
    mysql = named(plan, "set up mysql with liferay portal")
    assert (mysql.owner, mysql.due, mysql.status, mysql.pct) == ("Amol", date(2015, 3, 19),
                                                                 "Done", 1.0)
    assert not any(m.name in ("Resource wise Plan", "Vishal", "AWS", "Legends")
                   for m in plan.milestones)


def test_13_pmo_schedule_with_wbs():
    plan = plan_of("13_pmo_project_schedule.xlsx")
    assert plan.sheet == "Sheet1"  # not the pivot on Sheet2
    assert len(plan.milestones) == COUNTS["13_pmo_project_schedule.xlsx"]
    kick = named(plan, "Kick-off & charter")
    assert (kick.id, kick.owner, kick.start, kick.due, kick.completed, kick.phase,
            kick.status) == ("1.1", "PM", date(2024, 4, 1), date(2024, 4, 2),
                             date(2024, 4, 2), "Initiation & Planning", "Done")
    perf = named(plan, "Performance & security testing")
    assert (perf.owner, perf.start, perf.due, perf.phase, perf.depends_on) == (
        "DE 2", date(2024, 9, 4), date(2024, 9, 18), "Functional & Non-functional Testing",
        ["8.1"])
    closure = named(plan, "Project Closure & Lessons Learned")
    assert (closure.id, closure.phase, closure.effort) == ("11", None, 32.0)
    assert [n.message for n in plan.sections][:2] == ["Initiation & Planning",
                                                      "Architecture & Solution Design"]


def test_14_content_calendar_row_per_post():
    plan = plan_of("14_internee_content_calendar.xlsx")
    assert len(plan.milestones) == COUNTS["14_internee_content_calendar.xlsx"]
    first, last = plan.milestones[0], plan.milestones[-1]
    assert (first.name, first.due, first.status, first.extra["Platform"]) == (
        "5 Reasons Why Pakistani Students Should Start Internships Early", date(2026, 5, 11),
        "Not started", "LinkedIn")
    assert (last.name, last.due) == ("Week 3 Recap: What I Learned So Far", date(2026, 5, 31))


def test_16_launch_plan_with_team_sections():
    plan = plan_of("16_doordash_launch_plan.xlsx")
    assert len(plan.milestones) == COUNTS["16_doordash_launch_plan.xlsx"]
    faq = plan.milestones[0]
    assert faq.name.startswith("To create a new FAQ section for Recommendation feature")
    assert (faq.owner, faq.start, faq.due, faq.status, faq.phase) == (
        "Charles L", date(2024, 5, 9), date(2015, 5, 14), "Done", "Internal business")
    video = next(m for m in plan.milestones if m.name.startswith("Media team to create"))
    assert (video.owner, video.phase, video.status) == ("Martin G.", "Marketing", "In progress")
    assert [n.message for n in plan.sections] == ["Internal business", "Internal tech",
                                                  "Marketing"]
    assert plan.settings["plan_name"] == "Launch plan for Recommendation"


def test_17_gantt_chart_with_title_block():
    plan = plan_of("17_arif_gantt_chart.xlsx")
    assert len(plan.milestones) == COUNTS["17_arif_gantt_chart.xlsx"]
    booking = named(plan, "Booking and Reservation System")
    assert (booking.owner, booking.start, booking.due, booking.phase, booking.status) == (
        "Arif Jewel", date(2024, 11, 14), date(2024, 11, 15), "Requirement Analysis", "Done")
    comp = named(plan, "Component Interaction")
    assert (comp.owner, comp.phase, comp.start, comp.due) == (
        "Arif Jewel", "Integration Testing", date(2024, 12, 5), date(2024, 12, 18))
    assert "Also: Fahad Muhammad" in comp.notes
    named(plan, "System Integration and Configuration")  # a zero-width space in the file
    assert plan.settings["plan_name"] == "Online PoS System for Railway Ticket"


def test_20_jira_export():
    plan = plan_of("20_jira_cloud_allfields.csv")
    assert len(plan.milestones) == COUNTS["20_jira_cloud_allfields.csv"]
    assert len(plan.sections) == 12
    clip = named(plan, "Evidence collection (screenshots + 1 short clip)")
    assert (clip.id, clip.owner, clip.due, clip.status, clip.phase, clip.tactic) == (
        "CS4483-61", "Bella", date(2026, 3, 24), "Not started",
        "Deliverable 2 — Mid-Project Report (Unity Prototype)",
        "Testing, Iteration & Documentation (D2)")
    items = named(plan, "Action Items Tracking (Owner + Due Date)")
    assert (items.id, items.status, items.completed, items.phase) == (
        "CS4483-12", "Done", date(2026, 2, 15), "Requirements & Scope")
    states = next(m for m in plan.milestones if m.id == "CS4483-23")
    assert (states.status, states.tactic) == (
        "In progress", "Implement playable core loop (start → play → fail/win → restart)")
    assert named(plan, "Save/Load & Data").phase is None  # an epic with nothing under it
    assert plan.settings["plan_name"] == "CS4483-TeamWorkFlow"


def test_23_pandas_task_csv():
    plan = plan_of("23_pandas_gantt_tasks.csv")
    assert len(plan.milestones) == COUNTS["23_pandas_gantt_tasks.csv"]
    srs = named(plan, "Creating the SRS")
    assert (srs.owner, srs.start, srs.due, srs.phase) == ("All", date(2021, 8, 28),
                                                          date(2021, 9, 6), "Documentation")
    uml = named(plan, "Making the UML Diagram")
    assert (uml.owner, uml.notes) == ("Arslan", ["Also: Aditya"])
    last = named(plan, "Integration of backend, frontend and database")
    assert (last.start, last.due, last.phase) == (date(2021, 12, 6), date(2021, 12, 13),
                                                  "WebDeb")


def test_26_ms_project_xml():
    plan = plan_of("26_msproject_mspdi_sample.xml")
    assert len(plan.milestones) == COUNTS["26_msproject_mspdi_sample.xml"]
    second = named(plan, "Second Task")
    assert (second.id, second.phase, second.owner, second.start, second.due,
            second.budget, second.effort) == ("2", "First Task", "First Resource",
                                              date(2003, 1, 7), date(2003, 3, 18), 3526.25,
                                              500.0)
    assert "Also: Second Resource" in second.notes
    lagged = named(plan, "Related Task 2b")
    assert (lagged.id, lagged.depends_on, lagged.phase) == ("11", ["10"], "Task Relationships")
    assert "Predecessors in the source: 10FS+1d" in lagged.notes
    assert named(plan, "Third task").extra["MS Project milestone"] == "Yes"
    assert plan.settings == {"plan_name": "sample", "currency": "GBP"}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_import_then_check_refresh_report(tmp_path, name):
    out = tmp_path / "plan.xlsx"
    res = run("import", CORPUS / name, "-o", out)
    assert res.exit_code == 0, res.output
    plan = plan_of(name)
    res = run("check", out, "--json", "--as-of", AS_OF)
    assert res.exit_code in (0, 1), res.output
    errors = [i for i in json.loads(res.output) if i["severity"] == "error"]
    # The only errors are the source's own: tasks without an end date, or ending before
    # they start (16 has End dates in 2015 for starts in 2024).
    gaps = sum(1 for m in plan.milestones if m.due is None or (m.start and m.due < m.start))
    assert [e["field"] for e in errors] == ["due"] * gaps, errors
    assert res.exit_code == (1 if gaps else 0)
    doc = json.loads(run("report", out, "--format", "json", "--as-of", AS_OF).output)
    assert doc["totals"]["milestones"] == COUNTS[name]
    refreshed = tmp_path / "refreshed.xlsx"
    res = run("refresh", out, "--output", refreshed, "--as-of", AS_OF)
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(refreshed, read_only=True)
    ws = wb["Milestones"]
    header = next(ws.iter_rows(max_row=1, values_only=True))
    health = header.index("Health")
    filled = sum(1 for row in ws.iter_rows(min_row=2, values_only=True) if row[health])
    assert filled == COUNTS[name]


def test_readme_shows_the_real_output(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "$ msheets import 16_doordash_launch_plan.xlsx -o launch-plan.xlsx\n"
    shown = readme.split(command)[1].split("```")[0]
    monkeypatch.chdir(tmp_path)
    res = run("import", CORPUS / "16_doordash_launch_plan.xlsx", "-o", "launch-plan.xlsx")
    assert res.exit_code == 0 and res.output == shown

"""`msheets import`: header guessing, table edges, section rows, values, sources, the CLI.

Tables are built in memory (`read_rows`) or as small files written by the test; the real
files of ../shared/corpus/real-plans are in test_import_corpus.py.
"""

from __future__ import annotations

import codecs
import json
import random
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milestone_sheets.cli import cli
from milestone_sheets.importer import (
    ImportOptionError,
    NoTaskList,
    import_plan,
    read_rows,
    read_task_list,
    summary_lines,
)
from milestone_sheets.importer import mapping as mp
from milestone_sheets.importer.model import Pred
from milestone_sheets.importer.sources import decode, sniff_delimiter

TODAY = date(2026, 11, 23)


def plan_of(rows, **kw):
    return read_rows(rows, today=TODAY, **kw)


def by_name(plan):
    return {m.name: m for m in plan.milestones}


def field_of(plan, title):
    """The field the column titled `title` was read as (None: not read as a field)."""
    return next((c.field for c in plan.columns if c.title == title), None)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


# --------------------------------------------------------------------------- header guessing


def test_task_name_beats_a_long_description():
    long = "A long description of what the work involves, written as prose. " * 3
    plan = plan_of([["Description", "Task Name", "Due"],
                    [long, "Write brief", date(2026, 12, 1)],
                    [long, "Review brief", date(2026, 12, 8)]])
    assert field_of(plan, "Task Name") == "milestone"
    assert [m.name for m in plan.milestones] == ["Write brief", "Review brief"]
    assert "Description (source)" in plan.user_columns  # kept, renamed: msheets reads
    assert plan.milestones[0].extra["Description (source)"] == long.strip()  # Description


def test_a_column_of_long_prose_is_not_the_task_name():
    prose = "To create a new FAQ section for the feature under the Help section, " * 2
    plan = plan_of([["Task", "Title", "Due"], [prose, "FAQ section", date(2026, 12, 1)]])
    assert field_of(plan, "Title") == "milestone" and plan.milestones[0].name == "FAQ section"


def test_description_names_the_tasks_when_nothing_better():
    plan = plan_of([["Description", "Deadline"], ["Launch site", date(2026, 12, 1)]])
    assert field_of(plan, "Description") == "milestone"


def test_a_true_false_column_never_becomes_a_date():
    plan = plan_of([["Task", "Due date", "Completed"],
                    ["A", date(2026, 12, 1), True],
                    ["B", date(2026, 12, 2), False],
                    ["C", date(2026, 12, 3), "TRUE"]])
    assert field_of(plan, "Completed") == "done_flag"
    ms = by_name(plan)
    assert ms["A"].completed is None and ms["A"].status == "Done"
    assert ms["B"].status is None and ms["C"].status == "Done"


def test_a_done_column_of_dates_is_the_completion_date_and_of_ticks_a_flag():
    plan = plan_of([["Task", "Due", "Done"], ["A", date(2026, 1, 1), date(2026, 1, 2)],
                    ["B", date(2026, 1, 5), None]])
    assert field_of(plan, "Done") == "completed"
    plan = plan_of([["Task", "Due", "Done"], ["A", date(2026, 1, 1), "x"],
                    ["B", date(2026, 1, 5), None]])
    assert field_of(plan, "Done") == "done_flag"
    assert [m.status for m in plan.milestones] == ["Done", None]


def test_completed_with_dates_is_the_completion_date():
    plan = plan_of([["Task", "Due", "Completed"], ["A", date(2026, 12, 1), date(2026, 12, 3)],
                    ["B", date(2026, 12, 5), None]])
    assert field_of(plan, "Completed") == "completed"
    assert by_name(plan)["A"].completed == date(2026, 12, 3)
    assert by_name(plan)["A"].status == "Done"  # inferred from the completion date


@pytest.mark.parametrize(("headers", "expected"), [
    (["Task", "Assignee", "Finish", "Start Date", "% Done", "Predecessors", "Epic"],
     {"Task": "milestone", "Assignee": "owner", "Finish": "due", "Start Date": "start",
      "% Done": "pct", "Predecessors": "depends_on", "Epic": "phase"}),
    (["Activity", "Assigned to", "Deadline", "Begin", "Progress", "Category"],
     {"Activity": "milestone", "Assigned to": "owner", "Deadline": "due", "Begin": "start",
      "Progress": "pct", "Category": "phase"}),
    (["Summary", "Task Owner", "due_on", "Resolved", "Cost"],
     {"Summary": "milestone", "Task Owner": "owner", "due_on": "due", "Resolved": "completed",
      "Cost": "budget"}),
    (["Name", "Resource", "End Date", "% Complete", "Section", "Actual Finish"],
     {"Name": "milestone", "Resource": "owner", "End Date": "due", "% Complete": "pct",
      "Section": "phase", "Actual Finish": "completed"}),
    (["Tâche", "Responsable", "Échéance", "Début", "% achevé", "Statut", "Prédécesseurs"],
     {"Tâche": "milestone", "Responsable": "owner", "Échéance": "due", "Début": "start",
      "% achevé": "pct", "Statut": "status", "Prédécesseurs": "depends_on"}),
    (["Summary", "Custom field (Start date)", "Due date", "Status"],
     {"Custom field (Start date)": "start", "Due date": "due"}),
    (["Activity", "Owner", "Intial Release Date", "Status % completion"],
     {"Intial Release Date": "due", "Status % completion": "pct"}),
])
def test_header_words(headers, expected):
    values = {"milestone": "Write brief", "owner": "Ana", "due": date(2026, 12, 1),
              "start": date(2026, 11, 20), "pct": 0.5, "depends_on": "1", "phase": "Launch",
              "completed": date(2026, 12, 2), "budget": 1200, "status": "In progress"}
    guess = {h: f for h, f in expected.items()}
    row = []
    for h in headers:
        f = guess.get(h) or next((f for f, *_ in mp.header_matches(h)), None) or \
            (mp.pattern_fields(h) or ["x"])[0]
        row.append(values.get(f, "x"))
    plan = plan_of([headers, row, row])
    for header, fld in expected.items():
        assert field_of(plan, header) == fld, header


def test_due_date_beats_end_date_and_an_empty_column_is_not_read():
    plan = plan_of([["Task", "End Date", "Deadline", "Predecessor", "Predecessors"],
                    ["A", date(2026, 12, 9), date(2026, 12, 1), None, None],
                    ["B", None, date(2026, 12, 2), None, "A"]])
    assert field_of(plan, "Deadline") == "due"
    assert field_of(plan, "Predecessors") == "depends_on"  # not the empty "Predecessor"
    assert "End Date" in plan.user_columns


def test_status_by_its_values_and_a_rag_column_is_no_status():
    plan = plan_of([["Task", "Detail", "Status_RAG", "Due"],
                    ["A", "Started", "Amber", date(2026, 12, 1)],
                    ["B", "YTS", "Green", date(2026, 12, 2)],
                    ["C", "Completed", "Red", date(2026, 12, 3)]])
    assert field_of(plan, "Detail") == "status"
    assert field_of(plan, "Status_RAG") is None
    assert [m.status for m in plan.milestones] == ["In progress", "Not started", "Done"]


def test_language_follows_the_headers_unless_asked():
    rows = [["Tâche", "Responsable", "Échéance"], ["Écrire", "Ana", "01/12/2026"]]
    assert plan_of(rows).lang == "fr"
    assert plan_of(rows).milestones[0].due == date(2026, 12, 1)  # day first in French
    assert plan_of(rows, lang="en").lang == "en"
    assert plan_of([["Task", "Owner", "Due"], ["A", "Ana", "12/01/2026"]]).lang == "en"


def test_map_overrides_a_guess_and_can_leave_a_field_empty():
    rows = [["Task", "Due", "Review date"], ["A", date(2026, 12, 1), date(2026, 12, 20)]]
    plan = plan_of(rows, maps={"due": "review date"})
    assert plan.milestones[0].due == date(2026, 12, 20)
    assert "Due (source)" in plan.user_columns  # renamed: the plan has its own Due
    plan = plan_of(rows, maps={"Échéance": "C"})  # French field name, column letter
    assert plan.milestones[0].due == date(2026, 12, 20)
    plan = plan_of(rows, maps={"due": None})
    assert plan.milestones[0].due is None
    with pytest.raises(ImportOptionError, match="no column 'Nope'"):
        plan_of(rows, maps={"due": "Nope"})
    with pytest.raises(ImportOptionError, match="not a field"):
        plan_of(rows, maps={"colour": "A"})


# --------------------------------------------------------------------------- table edges


def test_header_below_a_title_and_a_metadata_block():
    plan = plan_of([["Launch plan"], [], ["Project Name", "Summer launch"],
                    ["Project Manager", "Ana"], ["Start date", date(2026, 1, 1)], [],
                    [None, "Tasks", "Responsible", "Start", "End"],
                    [None, "Brief", "Ana", date(2026, 1, 5), date(2026, 1, 9)]])
    assert "header in row 7" in plan.description
    assert [m.name for m in plan.milestones] == ["Brief"]
    assert plan.settings["plan_name"] == "Summer launch"


def test_header_found_down_to_row_50_not_beyond():
    rows = [["note"]] * 49 + [["Task", "Due"], ["A", date(2026, 1, 1)]]
    assert len(plan_of(rows).milestones) == 1
    with pytest.raises(NoTaskList):
        plan_of([["note"]] * 50 + [["Task", "Due"], ["A", date(2026, 1, 1)]])


def test_a_blank_row_ends_the_table_and_a_legend_under_it_is_not_read():
    plan = plan_of([["Task", "Owner", "Status"], ["A", "Ana", "Done"], ["B", "Bo", "WIP"],
                    [], ["Legend", "Done = green"], ["WIP", "Work in progress"]])
    assert [m.name for m in plan.milestones] == ["A", "B"]
    assert "a blank row (row 4)" in plan.description


def test_a_legend_right_under_the_table_ends_it():
    plan = plan_of([["Task", "Owner", "Due"], ["A", "Ana", date(2026, 1, 1)],
                    ["Legend:", "TBD = to be decided"], ["YTS", "yet to start"]])
    assert [m.name for m in plan.milestones] == ["A"]
    assert "a legend (row 3)" in plan.description


def test_a_repeated_header_ends_the_table_and_the_first_is_the_header():
    plan = plan_of([["Task", "Owner", "Due"], ["A", "Ana", date(2026, 1, 1)],
                    ["Task", "Owner", "Due"], ["B", "Bo", date(2026, 1, 2)]])
    assert [m.name for m in plan.milestones] == ["A"]
    assert "header in row 1" in plan.description


def test_a_dropdown_source_list_under_the_table_is_not_read():
    plan = plan_of([["Task", "Due", "Status"], ["A", date(2026, 1, 1), "Done"], [],
                    [None, None, "Not started"], [None, None, "In progress"],
                    [None, None, "Done"]])
    assert [m.name for m in plan.milestones] == ["A"]


def test_more_tasks_after_a_blank_row_continue_the_table():
    plan = plan_of([["Task", "Due"], ["A", date(2026, 1, 1)], [], ["B", date(2026, 1, 2)],
                    [], [], ["C", "2026-01-03"]])
    assert [m.name for m in plan.milestones] == ["A", "B", "C"]


def test_a_second_header_ends_the_table_even_misspelt():
    plan = plan_of([["Activity", "Owner", "Status"], ["A", "Ana", "Started"],
                    ["B", "Bo", "Completed"], ["Resource wise plan", "Activitiy"],
                    ["Ana", "Cloud POC"]])
    assert [m.name for m in plan.milestones] == ["A", "B"]
    assert "a second header (row 4)" in plan.description


def test_a_status_word_in_a_row_is_no_second_header():
    plan = plan_of([["Task", "Owner", "State"], ["A", "Ana", "Completed"],
                    ["B", "Bo", "Closed"], ["C", "Cy", "Done"]])
    assert len(plan.milestones) == 3


def test_timeline_columns_of_a_gantt_are_left_out(tmp_path):
    header = ["Task", "Start", "End", *(["Mon", "Tue", "Wed", "Thu", "Fri"] * 4)]
    plan = plan_of([header, ["A", date(2026, 1, 5), date(2026, 1, 9), *[None] * 20]])
    assert plan.user_columns == []
    assert plan.unused_columns == ["20 timeline"]


def xlsx(path: Path, write) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Plan")
    write(wb, ws)
    wb.close()
    return path


def test_merged_header_cells(tmp_path):
    def write(wb, ws):
        d = wb.add_format({"num_format": "yyyy-mm-dd"})
        ws.merge_range("A1:F1", "Project plan")
        ws.merge_range("A2:A3", "Task")  # a header cell over two rows
        ws.merge_range("B2:B3", "Owner")
        ws.merge_range("C2:D2", "Planned")  # a group title over Start | End
        ws.write_row("C3", ["Start", "End"])
        ws.merge_range("E2:F2", "Actual")
        ws.write_row("E3", ["Start", "End"])
        ws.write_row("A4", ["Brief", "Ana"])
        ws.write_datetime("C4", datetime(2026, 1, 5), d)
        ws.write_datetime("D4", datetime(2026, 1, 9), d)
        ws.write_datetime("F4", datetime(2026, 1, 12), d)

    path = xlsx(tmp_path / "merged.xlsx", write)
    plan = read_task_list(path, today=TODAY)
    assert {c.title: c.field for c in plan.columns} == {
        "Task": "milestone", "Owner": "owner", "Planned Start": "start", "Planned End": "due",
        "Actual End": "completed"}
    m = plan.milestones[0]
    assert (m.start, m.due, m.completed) == (date(2026, 1, 5), date(2026, 1, 9),
                                             date(2026, 1, 12))


def test_a_group_title_row_above_the_header(tmp_path):
    def write(wb, ws):
        ws.merge_range("C1:D1", "Planned")
        ws.merge_range("E1:F1", "Actual")
        ws.write_row("A2", ["Task", "Owner", "Start", "End", "Start", "End"])
        ws.write_row("A3", ["Brief", "Ana", "2026-01-05", "2026-01-09", "2026-01-06",
                            "2026-01-12"])

    plan = read_task_list(xlsx(tmp_path / "groups.xlsx", write), today=TODAY)
    m = plan.milestones[0]
    assert (m.start, m.due, m.completed) == (date(2026, 1, 5), date(2026, 1, 9),
                                             date(2026, 1, 12))
    assert plan.user_columns == ["Actual Start"]


def test_the_sheet_most_like_a_task_list_is_read(tmp_path):
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    pivot = wb.add_worksheet("Pivot")
    pivot.write_row(0, 0, ["Owner", "Task name", "Sum of hours"])
    pivot.write_row(1, 0, ["Ana", "Brief", 4])
    tasks = wb.add_worksheet("Tasks")
    tasks.write_row(0, 0, ["Task", "Due", "Status"])
    tasks.write_row(1, 0, ["Brief", "2026-01-05", "Done"])
    tasks.write_row(2, 0, ["Launch", "2026-01-09", "To do"])
    old = wb.add_worksheet("Old tasks")  # hidden: read only when named
    for r in range(5):
        old.write_row(r, 0, ["Task", "Due", "Status", "Owner"] if r == 0 else
                      [f"Old {r}", "2025-01-05", "Done", "Ana"])
    old.hide()
    wb.close()
    assert read_task_list(path, today=TODAY).sheet == "Tasks"
    assert read_task_list(path, sheet="Old tasks", today=TODAY).sheet == "Old tasks"
    assert read_task_list(path, sheet="pivot", today=TODAY).sheet == "Pivot"
    with pytest.raises(ImportOptionError, match="no sheet 'Nope'"):
        read_task_list(path, sheet="Nope", today=TODAY)


def test_topics_as_columns_are_no_task_list():
    rows = [["Month", "Blog Topics", "Video Topics"],
            ["May", "Top 5 benefits of group loans", "What is a group loan?"]]
    with pytest.raises(NoTaskList, match='--map milestone="Blog Topics"'):
        plan_of(rows)
    assert len(plan_of(rows, maps={"milestone": "Blog Topics"}).milestones) == 1


def test_a_list_of_names_alone_is_no_task_list():
    with pytest.raises(NoTaskList, match="no dates, status or progress"):
        plan_of([["Name", "Email"], ["Ana", "ana@example.com"]])


# --------------------------------------------------------------------------- section rows


def test_heading_rows_become_the_phase_and_nested_ones_the_tactic():
    plan = plan_of([["Task", "Owner", "Due"],
                    ["Research", None, None],
                    ["Interviews", "Ana", date(2026, 1, 5)],
                    ["Survey", "Bo", date(2026, 1, 9)],
                    ["Launch", None, None],
                    ["Email", None, None],
                    ["Write email", "Ana", date(2026, 2, 1)],
                    ["Empty heading", None, None]])
    assert [(m.name, m.phase, m.tactic) for m in plan.milestones] == [
        ("Interviews", "Research", None), ("Survey", "Research", None),
        ("Write email", "Launch", "Email")]
    assert [n.message for n in plan.sections] == ["Research", "Launch", "Email"]
    assert "heading with no task" in plan.skipped[0].message and plan.skipped[0].row == 8


def test_a_heading_outside_the_task_column():
    plan = plan_of([[None, "Tasks", "Responsible", "End"], ["Internal"],
                    ["Support", "FAQ", "Ana", date(2026, 1, 5)],
                    ["Marketing"], ["PR", "Article", "Bo", date(2026, 1, 9)]])
    assert [(m.name, m.phase, m.extra["Column A"]) for m in plan.milestones] == [
        ("FAQ", "Internal", "Support"), ("Article", "Marketing", "PR")]


def test_mostly_bare_names_are_tasks_not_headings():
    plan = plan_of([["Task", "Due"], ["A", None], ["B", None], ["C", date(2026, 1, 5)]])
    assert [m.phase for m in plan.milestones] == [None, None, None]


def test_wbs_parents_are_phases_and_a_predecessor_naming_one_means_its_tasks():
    plan = plan_of([["WBS", "Task", "Start", "Finish", "Predecessors"],
                    [1.0, "Plan", date(2026, 1, 5), date(2026, 1, 9), None],
                    [1.1, "Brief", date(2026, 1, 5), date(2026, 1, 6), None],
                    [1.2, "Budget", date(2026, 1, 7), date(2026, 1, 9), 1.1],
                    ["2", "Build", date(2026, 1, 12), date(2026, 1, 30), 1],
                    ["2.1", "Site", date(2026, 1, 12), date(2026, 1, 30), "1"],
                    ["2.1.1", "Pages", date(2026, 1, 12), date(2026, 1, 20), None],
                    [3, "Go live", date(2026, 2, 2), date(2026, 2, 2), "2.1.1FS+2d"]])
    ms = by_name(plan)
    assert list(ms) == ["Brief", "Budget", "Pages", "Go live"]
    assert (ms["Brief"].id, ms["Pages"].id) == ("1.1", "2.1.1")  # WBS numbers as IDs
    assert (ms["Pages"].phase, ms["Pages"].tactic) == ("Build", "Site")
    assert ms["Budget"].depends_on == ["1.1"]
    assert ms["Go live"].depends_on == ["2.1.1"] and ms["Go live"].phase is None
    assert "Predecessors in the source: 2.1.1FS+2d" in ms["Go live"].notes


def test_indented_names_keep_their_hierarchy():
    plan = plan_of([["ID", "Task", "Resource", "Start Date", "End Date", "Predecessors"],
                    [1, "Network", None, None, None, None],
                    [2, "   Design", "Arun", date(2023, 1, 2), date(2023, 2, 13), None],
                    [3, "   Relay", None, None, None, None],
                    [4, "      Build", "Arun, Bex", date(2023, 2, 14), date(2023, 3, 1), "2fs"],
                    [5, "On-call", "Bex", date(2023, 3, 6), date(2023, 3, 10), "3"]])
    ms = by_name(plan)
    assert list(ms) == ["Design", "Build", "On-call"]
    assert (ms["Build"].phase, ms["Build"].tactic, ms["Build"].owner) == (
        "Network", "Relay", "Arun")
    assert ms["Build"].notes == ["Also: Bex"] and ms["Build"].depends_on == ["2"]
    assert ms["On-call"].phase is None and ms["On-call"].depends_on == ["4"]


def test_a_stray_leading_space_is_no_outline():
    plan = plan_of([["Task", "Due"], ["A", date(2026, 1, 1)], [" B", date(2026, 1, 2)],
                    ["C", date(2026, 1, 3)]])
    assert [(m.name, m.phase) for m in plan.milestones] == [("A", None), ("B", None),
                                                           ("C", None)]


def test_parent_column_like_jira():
    plan = plan_of([["Summary", "Issue key", "Issue id", "Status", "Parent", "Parent summary"],
                    ["Epic one", "P-1", 10, "To Do", None, None],
                    ["Story", "P-2", 11, "In Progress", 10, "Epic one"],
                    ["Sub-task", "P-3", 12, "To Do", 11, "Story"],
                    ["Task", "P-4", 13, "Done", 10, "Epic one"],
                    ["Orphan", "P-5", 14, "To Do", 99, "Epic elsewhere"]])
    ms = by_name(plan)
    assert list(ms) == ["Sub-task", "Task", "Orphan"]
    assert (ms["Sub-task"].phase, ms["Sub-task"].tactic, ms["Sub-task"].id) == (
        "Epic one", "Story", "P-3")
    assert ms["Task"].phase == "Epic one" and ms["Task"].status == "Done"
    assert ms["Orphan"].phase == "Epic elsewhere"


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(("word", "status"), [
    ("Blocked", "On hold"), ("Backlog", "Not started"), ("To do", "Not started"),
    ("Scheduled", "Not started"), ("Draft", "Not started"), ("YTS", "Not started"),
    ("Planned", "Not started"), ("In review", "In progress"),
    ("Ready for review", "In progress"), ("WIP", "In progress"), ("Ongoing", "In progress"),
    ("Complete", "Done"), ("Completed", "Done"), ("Closed", "Done"), ("Resolved", "Done"),
    ("Finished", "Done"), ("Won't do", "Cancelled"), ("Dropped", "Cancelled"),
    ("En cours", "In progress"), ("Terminé", "Done"), ("done", "Done"),
])
def test_status_words(word, status):
    assert mp.map_status(word, {}) == status


def test_unknown_status_goes_to_notes_and_status_map_overrides():
    rows = [["Task", "Status", "Due"], ["A", "Change is Needed", date(2026, 1, 5)],
            ["B", "Blocked", date(2026, 1, 6)]]
    plan = plan_of(rows)
    a = by_name(plan)["A"]
    assert a.status is None and a.notes == ["Status in the source: Change is Needed"]
    assert any("'Change is Needed' is not a status" in w.message and w.row == 2
               for w in plan.warnings)
    plan = plan_of(rows, status_map={"change is needed": "In progress", "Blocked": "Cancelled"})
    assert [m.status for m in plan.milestones] == ["In progress", "Cancelled"]
    assert plan.warnings == []
    with pytest.raises(ImportOptionError, match="'Late' is not a status"):
        plan_of(rows, status_map={"Blocked": "Late"})


def test_done_and_in_progress_inferred_from_percent():
    plan = plan_of([["Task", "Progress", "Due"], ["A", 1, date(2026, 1, 5)],
                    ["B", 0.4, date(2026, 1, 5)], ["C", 0, date(2026, 1, 5)]])
    assert [(m.pct, m.status) for m in plan.milestones] == [
        (1.0, "Done"), (0.4, "In progress"), (0.0, None)]


def test_a_percent_column_on_a_0_to_100_scale():
    plan = plan_of([["Task", "% Complete"], ["A", 100], ["B", 1], ["C", "50%"], ["D", 0.5]])
    assert [m.pct for m in plan.milestones] == [1.0, 0.01, 0.5, 0.005]
    plan = plan_of([["Task", "% Complete"], ["A", 0.5], ["B", 1], ["C", "-"]])
    assert [m.pct for m in plan.milestones] == [0.5, 1.0, None]  # fractions
    plan = plan_of([["Task", "Done %"], ["A", 150], ["B", 50]], maps={"pct": "Done %"})
    assert [m.pct for m in plan.milestones] == [None, 0.5]
    assert "% Complete in the source: 150" in plan.milestones[0].notes


@pytest.mark.parametrize(("raw", "expected"), [
    ("24/Mar/26 12:00 AM", date(2026, 3, 24)),
    ("15/Feb/26 4:37 PM", date(2026, 2, 15)),
    ("03-Sep-2026", date(2026, 9, 3)),
    ("2026-03-24T10:00:00+01:00", date(2026, 3, 24)),
    ("2026-03-24T23:30:00.000Z", date(2026, 3, 24)),
    ("2026-03-24 10:00:00 +0100", date(2026, 3, 24)),
    (46295, date(2026, 9, 30)),
    (datetime(2026, 9, 30, 15), date(2026, 9, 30)),
    ("Sep 30, 2026", date(2026, 9, 30)),
])
def test_dates(raw, expected):
    assert mp.read_date(raw, "MDY", 2026) == (expected, None)


@pytest.mark.parametrize("raw", ["TBD", "tbc", "N/A", "-", "?", "à définir"])
def test_unknown_dates_are_blank_with_a_warning(raw):
    assert mp.read_date(raw, "MDY", 2026) == (None, "tbd")
    plan = plan_of([["Task", "Due"], ["A", raw], ["B", date(2026, 1, 1)]])
    assert plan.milestones[0].due is None
    assert plan.warnings[0].message == f"Due {raw!r} read as blank"


def test_a_true_false_or_small_number_is_not_a_date():
    assert mp.read_date(True, "MDY", 2026)[0] is None and mp.read_date(12, "MDY", 2026)[0] is None


def test_the_date_order_a_column_proves():
    plan = plan_of([["Task", "Due"], ["A", "13/3/2015"], ["B", "02/03/2015"]])
    assert [m.due for m in plan.milestones] == [date(2015, 3, 13), date(2015, 3, 2)]
    plan = plan_of([["Task", "Due"], ["A", "1/15/2022"], ["B", "02/03/2022"]])
    assert [m.due for m in plan.milestones] == [date(2022, 1, 15), date(2022, 2, 3)]


@pytest.mark.parametrize(("raw", "days"), [
    (5, 5), ("5 days", 5), ("5d", 5), ("2 weeks", 10), ("2-3 days", 3), ("2 – 3 jours", 3),
    ("16h", 2), ("1 month", 20), ("PT40H0M0S", 5), ("P1DT4H", 1.5), ("3 wks", 15),
    ("soon", None), ("", None), (True, None),
])
def test_durations(raw, days):
    assert mp.parse_duration(raw) == days


def test_due_from_start_and_duration_in_working_days():
    assert mp.add_working_days(date(2026, 1, 5), 5) == date(2026, 1, 9)  # Mon -> Fri
    assert mp.add_working_days(date(2026, 1, 5), 6) == date(2026, 1, 12)  # over a weekend
    assert mp.add_working_days(date(2026, 1, 10), 1) == date(2026, 1, 12)  # Sat start
    assert mp.add_working_days(date(2026, 1, 7), 0) == date(2026, 1, 7)  # a milestone
    assert mp.add_working_days(date(2026, 1, 5), 2.5) == date(2026, 1, 7)
    plan = plan_of([["Task", "Start", "Duration", "Due"],
                    ["A", date(2026, 1, 5), "2 weeks", None],
                    ["B", date(2026, 1, 5), "2-3 days", date(2026, 2, 1)]])
    assert [m.due for m in plan.milestones] == [date(2026, 1, 16), date(2026, 2, 1)]
    assert "Due = Start + 2 weeks" in plan.warnings[0].message


@pytest.mark.parametrize(("item", "pred"), [
    ("2FS+3d", Pred("2", "FS", 3)), ("7fs", Pred("7", "FS", 0)), ("12", Pred("12")),
    ("3SS-1d", Pred("3", "SS", -1)), ("4FF", Pred("4", "FF")), ("5SF+1w", Pred("5", "SF", 5)),
    ("6FD+2j", Pred("6", "FS", 2)), ("8DD", Pred("8", "SS")), ("1.2.1FS", Pred("1.2.1")),
    ("9+2 days", Pred("9", "FS", 2)), ("CS-12", Pred("CS-12")),
    ("10 FS + 4h", Pred("10", "FS", 0.5)),
])
def test_predecessors(item, pred):
    assert mp.parse_pred(item) == pred


def test_predecessors_resolve_to_ids_and_unknown_ones_go_to_notes():
    plan = plan_of([["ID", "Task", "Due", "Depends on"],
                    ["A-1", "One", date(2026, 1, 5), None],
                    ["A-2", "Two", date(2026, 1, 6), "A-1"],
                    ["A-3", "Three", date(2026, 1, 7), "a-2; A-1SS, Z-9"]])
    three = by_name(plan)["Three"]
    assert three.depends_on == ["A-2", "A-1"]
    assert "Predecessors in the source: A-2, A-1SS, Z-9" in three.notes
    assert any("'Z-9' is not a row" in w.message for w in plan.warnings)


def test_predecessor_numbers_are_rows_when_there_are_no_ids():
    plan = plan_of([["Task", "Due", "Predecessors"], ["One", date(2026, 1, 5), None],
                    ["Two", date(2026, 1, 6), "1"], ["Three", date(2026, 1, 7), "1, 2"]])
    assert [m.depends_on for m in plan.milestones] == [[], ["M-001"], ["M-001", "M-002"]]


def test_several_owners_first_is_the_owner():
    assert mp.split_owners("Santosh/Amol/Das") == ["Santosh", "Amol", "Das"]
    assert mp.split_owners("Arif & Fahad and Jo; Ana, ana") == ["Arif", "Fahad", "Jo", "Ana"]
    assert mp.split_owners("Jacob S.") == ["Jacob S."]
    plan = plan_of([["Task", "Assignee", "Notes", "Due"],
                    ["A", "Arun, Bex, Cy", "Check first", date(2026, 1, 5)]])
    m = plan.milestones[0]
    assert m.owner == "Arun" and m.notes == ["Check first", "Also: Bex, Cy"]


def test_source_ids_kept_when_usable_else_generated():
    plan = plan_of([["ID", "Task", "Due"], [1, "A", date(2026, 1, 1)],
                    [2, "B", date(2026, 1, 2)]])
    assert [m.id for m in plan.milestones] == ["1", "2"]
    plan = plan_of([["ID", "Task", "Due"], [1, "A", date(2026, 1, 1)],
                    [1, "B", date(2026, 1, 2)]])
    assert [m.id for m in plan.milestones] == ["M-001", "M-002"]
    assert [m.extra["ID (source)"] for m in plan.milestones] == ["1", "1"]
    assert "ID (source)" in plan.user_columns


def test_zero_width_characters_are_dropped_from_names():
    plan = plan_of([["Task", "Due"], ["System\u200b Integration\u200b", date(2026, 1, 1)]])
    assert plan.milestones[0].name == "System Integration"


# --------------------------------------------------------------------------- sources


def test_french_csv_from_excel_semicolons_cp1252(tmp_path):
    path = tmp_path / "plan.csv"
    text = ("Tâche;Responsable;Début;Échéance;Statut;Coût\r\n"
            "Écrire l'annonce, relire;Zoé;02/03/2026;13/03/2026;En cours;1 200,50\r\n"
            "Lancer;Zoé;16/03/2026;20/03/2026;À faire;\r\n")
    path.write_bytes(text.encode("cp1252"))
    plan = read_task_list(path, today=TODAY)
    assert "semicolon-separated, Windows-1252" in plan.description
    assert plan.lang == "fr"
    m = plan.milestones[0]
    assert (m.name, m.owner, m.start, m.due, m.status, m.budget) == (
        "Écrire l'annonce, relire", "Zoé", date(2026, 3, 2), date(2026, 3, 13),
        "In progress", 1200.5)
    assert plan.milestones[1].status == "Not started"


@pytest.mark.parametrize(("encoding", "bom", "name"), [
    ("utf-8", b"", "UTF-8"), ("utf-8", codecs.BOM_UTF8, "UTF-8 with BOM"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"), ("cp1252", b"", "Windows-1252"),
])
def test_encodings(encoding, bom, name):
    text, found = decode(bom + "Tâche,Échéance\nCafé,2026-01-01\n".encode(encoding))
    assert found == name and text.startswith("Tâche")


@pytest.mark.parametrize(("text", "delimiter"), [
    ("a,b,c\n1,2,3\n", ","), ("a;b;c\n1,5;2;3\n", ";"), ("a\tb\tc\n1\t2\t3\n", "\t"),
    ("Name;Notes\nA;x, y, z\nB;p, q, r\n", ";"),  # the same count of fields on every line
    ('a,b\n"x, y",2\n"z",3\n', ","), ("a|b|c\n1|2|3\n", "|"),
])
def test_delimiters(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_tsv_and_jira_style_csv(tmp_path):
    path = tmp_path / "jira.tsv"
    path.write_text("Summary\tIssue key\tStatus\tDue date\tLabels\tLabels\n"
                    "Write\tP-1\tIn Review\t24/Mar/26 12:00 AM\tweb\tseo\n", encoding="utf-8")
    plan = read_task_list(path, today=TODAY)
    m = plan.milestones[0]
    assert (m.id, m.status, m.due) == ("P-1", "In progress", date(2026, 3, 24))
    assert m.extra == {"Labels": "web, seo"}  # repeated headers: one column


MSPDI = """<?xml version="1.0"?>
<Project xmlns="http://schemas.microsoft.com/project"><Title>Launch</Title>
<CurrencyCode>EUR</CurrencyCode><MinutesPerDay>480</MinutesPerDay>
<Tasks>
<Task><UID>0</UID><ID>0</ID><Name>Launch</Name><OutlineLevel>0</OutlineLevel><Summary>1</Summary></Task>
<Task><UID>1</UID><ID>1</ID><Name>Prepare</Name><OutlineLevel>1</OutlineLevel><Summary>1</Summary>
 <Start>2026-01-05T08:00:00</Start><Finish>2026-01-16T17:00:00</Finish></Task>
<Task><UID>7</UID><ID>2</ID><Name>Brief</Name><WBS>1.1</WBS><OutlineLevel>2</OutlineLevel><Summary>0</Summary>
 <Start>2026-01-05T08:00:00</Start><Finish>2026-01-09T17:00:00</Finish><PercentComplete>100</PercentComplete>
 <ActualFinish>2026-01-08T17:00:00</ActualFinish><Cost>150050</Cost><Work>PT24H0M0S</Work>
 <Notes>Ask legal</Notes></Task>
<Task><UID>8</UID><ID>3</ID><Name>Budget</Name><OutlineLevel>2</OutlineLevel><Summary>0</Summary>
 <Start>2026-01-12T08:00:00</Start><Finish>2026-01-16T17:00:00</Finish><PercentComplete>40</PercentComplete>
 <Milestone>1</Milestone>
 <PredecessorLink><PredecessorUID>7</PredecessorUID><Type>3</Type><LinkLag>9600</LinkLag></PredecessorLink></Task>
<Task><UID>9</UID><ID>4</ID><Name>Old idea</Name><OutlineLevel>1</OutlineLevel><Active>0</Active>
 <Finish>2026-02-02T17:00:00</Finish>
 <PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type></PredecessorLink></Task>
</Tasks>
<Resources><Resource><UID>1</UID><Name>Ana</Name></Resource><Resource><UID>2</UID><Name>Bo</Name></Resource></Resources>
<Assignments><Assignment><TaskUID>7</TaskUID><ResourceUID>2</ResourceUID></Assignment>
<Assignment><TaskUID>7</TaskUID><ResourceUID>1</ResourceUID></Assignment>
<Assignment><TaskUID>8</TaskUID><ResourceUID>-65535</ResourceUID></Assignment></Assignments>
</Project>"""


def test_ms_project_xml(tmp_path):
    path = tmp_path / "plan.xml"
    path.write_text(MSPDI, encoding="utf-8")
    plan = read_task_list(path, today=TODAY)
    assert plan.settings == {"plan_name": "Launch", "currency": "EUR"}
    brief, budget, old = plan.milestones
    assert (brief.id, brief.phase, brief.owner, brief.budget, brief.effort, brief.status,
            brief.completed, brief.pct) == ("2", "Prepare", "Bo", 1500.5, 24.0, "Done",
                                            date(2026, 1, 8), 1.0)
    assert brief.notes == ["Ask legal", "Also: Ana"] and brief.extra == {"WBS": "1.1"}
    assert (budget.owner, budget.status, budget.depends_on) == (None, "In progress", ["2"])
    assert budget.notes == ["Predecessors in the source: 2SS+2d"]  # 9600 tenths of minutes
    assert budget.extra == {"MS Project milestone": "Yes"}
    assert (old.status, old.phase, old.depends_on) == ("Cancelled", None, ["2", "3"])
    assert [n.message for n in plan.sections] == ["Prepare"]


@pytest.mark.parametrize(("content", "message"), [
    (b"<!DOCTYPE x [<!ENTITY a 'b'>]><Project/>", "not readable XML"),
    (b"<?xml version='1.0'?><Workbook/>", "Excel 2003 XML"),
    (b"<?xml version='1.0'?><rss/>", "not MS Project XML"),
    (b"\x00\x01\x02binary", "not a spreadsheet"),
    (b"", "is empty"),
])
def test_unreadable_sources_exit_2_and_write_nothing(tmp_path, content, message):
    src = tmp_path / ("x.xml" if content.startswith(b"<") else "x.bin")
    src.write_bytes(content)
    out = tmp_path / "plan.xlsx"
    res = run("import", src, "-o", out)
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output
    assert not out.exists()


def test_a_zip_that_is_no_workbook(tmp_path):
    import zipfile

    src = tmp_path / "x.xlsx"
    with zipfile.ZipFile(src, "w") as zf:
        zf.writestr("readme.txt", "hello")
    res = run("import", src, "-o", tmp_path / "plan.xlsx")
    assert res.exit_code == 2 and "not a workbook" in res.output


# --------------------------------------------------------------------------- writing, CLI


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


TRACKER = ("Task,Assignee,Start,Due date,Status,Priority,Predecessors\n"
           "Research,,,,,,\n"
           "Interviews,Ana,2026-11-02,2026-11-13,Done,High,\n"
           "Survey,Bo & Cy,2026-11-09,2026-11-27,WIP,Low,2\n"
           "Launch,,,,,,\n"
           "Landing page,Ana,2026-11-30,2026-12-11,Backlog,High,3FS+2d\n"
           "Ads,Bo,2026-12-01,TBD,Paused,,3\n")


def test_import_writes_the_generators_workbook(tmp_path):
    src = write_csv(tmp_path / "tracker.csv", TRACKER)
    out = tmp_path / "plan.xlsx"
    res = run("import", src, "-o", out)
    assert res.exit_code == 0, res.output
    for part in ("Milestone     <- A 'Task'", "Owner         <- B 'Assignee'",
                 "Kept as your own columns, at the right of the Milestones sheet: Priority",
                 "'Research' (row 2), 'Launch' (row 5)", "row 7: Due 'TBD' read as blank",
                 "Wrote ", "4 milestone(s)", "--map FIELD=COLUMN", "--status-map"):
        assert part in res.output, part
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["Guide", "Milestones"]
    ws = wb["Milestones"]
    header = [c.value for c in ws[1]]
    assert header[-1] == "Priority" and header.index("Flags") == len(header) - 2
    table = ws.tables["msheets_milestones"]
    assert table.ref.startswith("A1:X")  # the user column is inside the table
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_row=5)]
    col = {h: i for i, h in enumerate(header)}
    assert [r[col["Milestone"]] for r in rows] == ["Interviews", "Survey", "Landing page", "Ads"]
    assert [r[col["Status"]] for r in rows] == ["Done", "In progress", "Not started", "On hold"]
    assert [r[col["Phase"]] for r in rows] == ["Research", "Research", "Launch", "Launch"]
    assert rows[2][col["Depends on"]] == "M-002" and rows[1][col["Depends on"]] == "M-001"
    assert rows[1][col["Notes"]] == "Also: Cy"
    assert rows[0][col["Priority"]] == "High"
    status = next(dv for dv in ws.data_validations.dataValidation
                  if str(dv.sqref).startswith("N2:"))  # the Status dropdown is there
    assert status.type == "list" and status.formula1 == "msheets_status"
    assert [c.value for c in wb["Team"]["A"]] == ["Owner", "Ana", "Bo"]
    lists = wb["Lists"]
    assert [c.value for c in lists["D"][1:3]] == ["Research", "Launch"]


def test_import_then_check_refresh_report(tmp_path):
    src = write_csv(tmp_path / "tracker.csv", TRACKER)
    out = tmp_path / "plan.xlsx"
    assert run("import", src, "-o", out).exit_code == 0
    res = run("check", out, "--json", "--as-of", "2026-11-23")
    issues = json.loads(res.output)
    assert res.exit_code == 1  # the source's own gap: Ads has no due date
    assert [(i["severity"], i["cell"], i["message"]) for i in issues
            if i["severity"] == "error"] == [("error", "I5", "missing Due date")]
    doc = json.loads(run("report", out, "--format", "json", "--as-of", "2026-11-23").output)
    assert doc["totals"]["milestones"] == 4 and doc["totals"]["done"] == 1
    refreshed = tmp_path / "refreshed.xlsx"
    res = run("refresh", out, "--output", refreshed, "--as-of", "2026-11-23")
    assert res.exit_code == 0, res.output
    assert "Summary" in openpyxl.load_workbook(refreshed).sheetnames


def test_user_columns_differing_only_in_case_stay_apart(tmp_path):
    src = write_csv(tmp_path / "dup.csv", "Task,Due,Priority,priority,Health,Labels,Labels\n"
                                          "A,2026-01-01,High,x,ok,web,seo\n")
    out = tmp_path / "plan.xlsx"
    assert run("import", src, "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out)["Milestones"]
    header = [c.value for c in ws[1]]
    assert header[-4:] == ["Priority", "priority (2)", "Health (source)", "Labels"]
    assert [c.value for c in ws[2]][-4:] == ["High", "x", "ok", "web, seo"]
    assert run("check", out, "--as-of", "2026-11-23").exit_code == 0


def test_an_msheets_plan_imports_without_its_managed_columns(tmp_path):
    src = write_csv(tmp_path / "tracker.csv", TRACKER)
    first = tmp_path / "plan.xlsx"
    assert run("import", src, "-o", first).exit_code == 0
    assert run("refresh", first, "--as-of", "2026-11-23").exit_code == 0
    plan = read_task_list(first, today=TODAY)
    assert plan.sheet == "Milestones" and plan.user_columns == ["Priority"]
    assert [m.id for m in plan.milestones] == ["M-001", "M-002", "M-003", "M-004"]
    assert [m.phase for m in plan.milestones] == ["Research", "Research", "Launch", "Launch"]


def test_import_in_french(tmp_path):
    src = write_csv(tmp_path / "tracker.csv", TRACKER)
    out = tmp_path / "plan.xlsx"
    assert run("import", src, "-o", out, "--lang", "fr").exit_code == 0
    ws = openpyxl.load_workbook(out)["Jalons"]
    header = [c.value for c in ws[1]]
    assert [ws.cell(r, header.index("Statut") + 1).value for r in range(2, 6)] == [
        "Terminé", "En cours", "Non commencé", "En pause"]
    assert ws.cell(3, header.index("Notes") + 1).value == "Aussi : Cy"


def test_import_refuses_to_overwrite_and_dry_run_writes_nothing(tmp_path):
    src = write_csv(tmp_path / "tracker.csv", TRACKER)
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"mine")
    res = run("import", src, "-o", out)
    assert res.exit_code == 1 and "--force" in res.output and out.read_bytes() == b"mine"
    res = run("import", src, "-o", out, "--dry-run")
    assert res.exit_code == 0 and "Dry run: nothing was written" in res.output
    assert out.read_bytes() == b"mine"
    assert run("import", src, "-o", out, "--force").exit_code == 0
    assert out.read_bytes()[:2] == b"PK"
    res = run("import", src, "-o", src.with_suffix(".csv.xlsx"), "--map", "due")
    assert res.exit_code == 2 and "FIELD=COLUMN" in res.output


def test_force_does_not_overwrite_a_plan_open_in_excel(tmp_path):
    src = write_csv(tmp_path / "tracker.csv", TRACKER)
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"mine")
    (tmp_path / "~$plan.xlsx").write_bytes(b"lock")
    res = run("import", src, "-o", out, "--force")
    assert res.exit_code == 1 and "open in Excel" in res.output and out.read_bytes() == b"mine"


@pytest.mark.gnumeric
@pytest.mark.soffice
def test_xls_and_ods_sources(tmp_path):
    """.xls as Gnumeric writes it, .ods as LibreOffice does (python-calamine cannot read the
    indented XML of Gnumeric's .ods: that file is refused with exit 2, asking for .xlsx)."""
    from helpers import soffice_convert, ssconvert

    def write(wb, ws):
        ws.write_row("A1", ["Weekly marketing tracker"])
        ws.write_row("A3", ["Task", "Owner", "Due", "Status"])
        ws.write_row("A4", ["Newsletter", "Ana", "2026-01-09", "Done"])
        ws.write_row("A5", ["Webinar", "Bo", "2026-01-16", "Scheduled"])

    source = xlsx(tmp_path / "tracker.xlsx", write)
    expected = [(m.name, m.owner, m.due, m.status)
                for m in read_task_list(source, today=TODAY).milestones]
    assert expected == [("Newsletter", "Ana", date(2026, 1, 9), "Done"),
                        ("Webinar", "Bo", date(2026, 1, 16), "Not started")]
    ssconvert(source, tmp_path / "tracker.xls")
    [ods] = soffice_convert([source], "ods", tmp_path / "lo")
    for converted in (tmp_path / "tracker.xls", ods):
        plan = read_task_list(converted, today=TODAY)
        assert [(m.name, m.owner, m.due, m.status) for m in plan.milestones] == expected


def test_no_task_list_exit_2_one_line_nothing_written(tmp_path):
    src = write_csv(tmp_path / "calendar.csv", "Month,Blog Topics,Video Topics\n"
                                               "May,Loans,Story\nJune,Tips,Myths\n")
    out = tmp_path / "plan.xlsx"
    res = run("import", src, "-o", out)
    assert res.exit_code == 2 and not out.exists()
    assert res.output.count("\n") == 1 and "holds no task list" in res.output


def test_library_api(tmp_path):
    src = write_csv(tmp_path / "tracker.csv", TRACKER)
    result = import_plan(src, tmp_path / "plan.xlsx", maps={"due": "Start"}, today=TODAY)
    assert result.written and result.plan.milestones[0].due == date(2026, 11, 2)
    lines = summary_lines(result)
    assert lines[0].startswith("Read tracker.csv: CSV, comma-separated, UTF-8, header in row 1")
    assert "  Due           <- C 'Start' (--map)" in lines


# --------------------------------------------------------------------------- invariants

COLUMNS = {  # header -> values of a row, by task number; several compete for a field
    "Task": lambda i: f"Task {i}",
    "Description": lambda i: f"What task {i} is about, and why it matters to the launch",
    "Owner": lambda i: ["Ana", "Bo", "Cy"][i % 3],
    "Assigned to": lambda i: ["Di", "Ed"][i % 2],
    "Start": lambda i: date(2026, 1, 1 + i % 28),
    "Due": lambda i: date(2026, 2, 1 + i % 28),
    "End date": lambda i: date(2026, 3, 1 + i % 28),
    "Status": lambda i: ["Done", "WIP", "Backlog", "Blocked", None][i % 5],
    "% Complete": lambda i: [1.0, 0.5, 0.0, None][i % 4],
    "Notes": lambda i: None if i % 2 else f"note {i}",
    "Priority": lambda i: ["High", "Low"][i % 2],
}
TITLES = st.lists(st.sampled_from([
    ["Marketing plan 2026"], ["Prepared by", "Ana"], ["Version", 3], ["Updated", date(2026, 1, 1)],
    [], ["Budget holder", "Bo"], ["Confidential"]]), max_size=6)


def _as_dicts(plan):
    return [(m.id, m.name, m.owner, m.start, m.due, m.status, m.pct, tuple(m.notes),
             tuple(sorted(m.extra.items()))) for m in plan.milestones]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 12), order=st.randoms(use_true_random=False), titles=TITLES,
       others=st.sets(st.sampled_from(list(COLUMNS)[1:]), min_size=2))
def test_shuffled_columns_and_title_rows_change_nothing(n, order: random.Random, titles,
                                                        others):
    headers = [h for h in COLUMNS if h == "Task" or h in others]
    table = [headers] + [[COLUMNS[h](i) for h in headers] for i in range(n)]
    expected = _as_dicts(plan_of(table))
    shuffled = headers[:]
    order.shuffle(shuffled)
    moved = [[row[headers.index(h)] for h in shuffled] for row in table]
    assert _as_dicts(plan_of([*titles, [], *moved])) == expected

"""`msheets refresh` end to end: what it writes, what it keeps, when it refuses."""

from __future__ import annotations

import base64
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter
from click.testing import CliRunner
from helpers import HAND_AS_OF, hand_plan

from milestone_sheets import contract
from milestone_sheets.cli import cli
from milestone_sheets.write.refresh.pipeline import refresh_workbook

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def snapshot(path: Path) -> dict:
    """Every cell's value, number format, fill and font colour, per sheet."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = {
            c.coordinate: (c.value, c.number_format, c.fill.fgColor.rgb if c.fill else None,
                           c.font.color.rgb if c.font and c.font.color else None,
                           c.comment.text if c.comment else None)
            for row in ws.iter_rows() for c in row
            if c.value is not None or c.comment is not None}
    return out


@pytest.fixture
def refreshed(tmp_path):
    path = hand_plan(tmp_path / "plan.xlsx")
    result = run("refresh", path, "--as-of", HAND_AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    return path


def test_managed_columns_and_colours(refreshed):
    wb = openpyxl.load_workbook(refreshed)
    ws = wb["Milestones"]
    heads = {c.value: c.column for c in ws[1]}
    h, s, f = heads["Health"], heads["Slack (days)"], heads["Flags"]
    rows = {ws.cell(r, 1).value: r for r in range(2, 15)}
    health = ws.cell(rows["M-007"], h)
    assert health.value == "Overdue"
    assert health.fill.fgColor.rgb.endswith(contract.HEALTH_COLOURS["Overdue"])
    assert ws.cell(rows["M-007"], s).value == -8
    assert "owner overloaded" in ws.cell(rows["M-007"], f).value
    assert ws.cell(rows["M-008"], f).value == "blocked by M-007"
    assert ws.cell(rows["M-005"], h).fill.fgColor.rgb.endswith(contract.HEALTH_COLOURS["Done"])
    assert ws.cell(rows["M-012"], h).value == "On track"
    metrics = wb["Metrics"]
    mheads = {c.value: c.column for c in metrics[1]}
    assert metrics.cell(2, mheads["Metric status"]).value == "On track"
    assert metrics.cell(2, mheads["Progress"]).value == pytest.approx(0.5)
    for title in ("Summary", "Budget", "Workload", "Timeline", "Issues", "History",
                  "Baseline"):
        assert title in wb.sheetnames
    assert wb.sheetnames.index("Summary") == 1  # right after the Guide


def test_managed_sheets_content(refreshed):
    wb = openpyxl.load_workbook(refreshed)
    summary: dict = {}
    for r in wb["Summary"].iter_rows(values_only=True):
        if r and r[0]:
            summary.setdefault(r[0], r[1])  # headline figures come first
    assert summary["Milestones"] == 13 and summary["Overdue"] == 1
    assert summary["Planned"] == pytest.approx(5300)
    assert summary["Next plan review"].date() == date(2026, 12, 11)
    issues = wb["Issues"]
    links = [c.hyperlink.location for c in issues["C"][1:] if c.hyperlink]
    assert "'Milestones'!I7" in links  # M-006 has no Due
    history = list(wb["History"].iter_rows(min_row=2, values_only=True))
    assert len(history) == 1 and history[0][0].date() == HAND_AS_OF
    baseline = list(wb["Baseline"].iter_rows(min_row=2, values_only=True))
    assert len(baseline) == 13
    timeline = wb["Timeline"]
    assert timeline.cell(4, 1).value  # a bar row per milestone
    workload: dict = {}
    for r in wb["Workload"].iter_rows(min_row=4, values_only=True):
        if r[0]:
            workload.setdefault(r[0], r)  # the owner table comes before the week grids
    assert workload["Bo"][6] == pytest.approx(9 / 8)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_second_refresh_is_identical(refreshed, tmp_path):
    first = parts(refreshed)
    result = run("refresh", refreshed, "--as-of", HAND_AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    assert parts(refreshed) == first  # every part, byte for byte
    history = list(openpyxl.load_workbook(refreshed)["History"].iter_rows(min_row=2))
    assert len(history) == 1


def test_refresh_does_not_use_openpyxl(tmp_path, monkeypatch):
    """The refresh path reads with calamine and writes parts; openpyxl is not imported."""
    import sys

    path = hand_plan(tmp_path / "plan.xlsx")
    for name in [m for m in sys.modules if m == "openpyxl" or m.startswith("openpyxl.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # any import of it now fails
    result = refresh_workbook(path, as_of=HAND_AS_OF)
    assert result.written


def test_history_appends_and_baseline_reports_slip(refreshed):
    wb = openpyxl.load_workbook(refreshed)
    ws = wb["Milestones"]
    ws["I14"] = date(2026, 12, 30)  # M-013 slips 10 days
    baseline_before = [list(r) for r in wb["Baseline"].iter_rows(values_only=True)]
    new_row = ws.max_row + 1
    ws.cell(new_row, 2, "Added later")
    ws.cell(new_row, 9, date(2027, 1, 15))
    ws.cell(new_row, 10, 750)
    wb.save(refreshed)
    result = run("refresh", refreshed, "--as-of", "2026-11-25")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(refreshed)
    assert len(list(wb["History"].iter_rows(min_row=2))) == 2
    flags = wb["Milestones"]["W14"].value
    assert "slipped 10 days" in flags
    baseline = [list(r) for r in wb["Baseline"].iter_rows(values_only=True)]
    assert baseline[:len(baseline_before)] == baseline_before  # recorded rows never change
    added = baseline[len(baseline_before):]
    new_id = wb["Milestones"].cell(new_row, 1).value
    assert added == [[new_id, "Added later", datetime(2027, 1, 15), 750,
                      datetime(2026, 11, 25)]]
    report = run("report", refreshed, "--format", "json", "--as-of", "2026-11-25")
    import json
    doc = json.loads(report.stdout)
    m13 = next(m for m in doc["milestones"] if m["id"] == "M-013")
    assert m13["slip_days"] == 10


def _custom_workbook(path: Path) -> Path:
    """A user's own workbook: extra sheet and column, formulas with values, a comment,
    a defined name, a validation and formats."""
    wb = xlsxwriter.Workbook(path)
    bold = wb.add_format({"bold": True, "bg_color": "#FFFF00"})
    ms = wb.add_worksheet("Milestones")
    for c, h in enumerate(["Milestone", "Owner", "Due", "Budget", "Priority", "Status"]):
        ms.write(0, c, h, bold)
    ms.write(1, 0, "Launch")
    ms.write(1, 1, "Ana")
    ms.write_datetime(1, 2, date(2026, 12, 1), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ms.write_formula(1, 3, "=1000+500", None, 1500)
    ms.write(1, 4, "High", bold)
    ms.write_string(2, 0, '=HYPERLINK("http://example.com","click")')  # typed as text
    ms.write(2, 1, "Ana")
    ms.write(2, 2, "end of Q4")
    ms.write(2, 5, "Bogus")  # an error: unknown Status
    ms.write_comment(1, 4, "Ask the boss", {"author": "Ana"})
    ms.write_comment(2, 5, "My own note", {"author": "Ana"})
    ms.data_validation(1, 4, 50, 4, {"validate": "list", "source": ["High", "Low"]})
    ms.set_column(0, 0, 33)
    ms.freeze_panes(1, 1)
    team = wb.add_worksheet("Team")
    team.write_row(0, 0, ["Owner", "Capacity (h/week)"])
    team.write_row(1, 0, ["Ana", 30])
    notes = wb.add_worksheet("My notes")
    notes.write(0, 0, "Budget total")
    notes.write_formula(0, 1, "=SUM(Milestones!D2:D10)", None, 1500)
    wb.define_name("MyBudget", "='My notes'!$B$1")
    wb.close()
    return path


def test_user_content_survives(tmp_path):
    path = _custom_workbook(tmp_path / "mine.xlsx")
    result = run("refresh", path, "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(path)
    ms = wb["Milestones"]
    assert wb.sheetnames[:3] == ["Summary", "Milestones", "Team"] and "My notes" in wb.sheetnames
    assert [c.value for c in ms[1]][:6] == ["Milestone", "Owner", "Due", "Budget", "Priority",
                                            "Status"]
    assert [c.value for c in ms[1]][6:] == ["ID", "Health", "Slack (days)", "Flags"]
    assert ms["E2"].value == "High" and ms["E2"].font.bold
    assert ms["E2"].fill.fgColor.rgb.endswith("FFFF00")
    assert ms["E2"].comment.text.startswith("Ask the boss") and ms["E2"].comment.author == "Ana"
    assert ms["F3"].comment.author == "Ana"  # the user's comment is not replaced by a note
    assert ms["D2"].value == "=1000+500"
    assert ms["A3"].value == '=HYPERLINK("http://example.com","click")'
    assert ms["A3"].data_type == "s"
    assert ms.column_dimensions["A"].width == pytest.approx(33.7109375, abs=1)
    assert ms.freeze_panes == "B2"
    assert any("High" in (v.formula1 or "") for v in ms.data_validations.dataValidation)
    assert "MyBudget" in wb.defined_names
    assert wb["My notes"]["B1"].value == "=SUM(Milestones!D2:D10)"
    assert ms["G2"].value == "M-001" and ms["G3"].value == "M-002"
    # computed values of the user's formulas are still in the file
    cal = python_calamine.CalamineWorkbook.from_path(str(path))
    assert cal.get_sheet_by_name("My notes").to_python()[0][1] == 1500
    assert cal.get_sheet_by_name("Milestones").to_python()[1][3] == 1500
    # and a second refresh still reads them (budget 1500 in the report)
    from milestone_sheets import evaluate, load_plan
    plan = load_plan(path, as_of=date(2026, 11, 23))
    assert evaluate(plan, plan.as_of).totals["planned"] == 1500
    # names in issues and notes: a note on the Due text? no: only errors/warnings get notes
    assert ms["C3"].comment is None


def test_notes_are_replaced_not_piled_up(tmp_path):
    path = hand_plan(tmp_path / "plan.xlsx")
    refresh_workbook(path, as_of=HAND_AS_OF)
    ws = openpyxl.load_workbook(path)["Milestones"]
    assert ws["I7"].comment is not None and ws["I7"].comment.author == "msheets"
    wb = openpyxl.load_workbook(path)
    wb["Milestones"]["I7"] = date(2027, 3, 1)  # the user fixes the missing Due
    wb.save(path)
    refresh_workbook(path, as_of=HAND_AS_OF)
    assert openpyxl.load_workbook(path)["Milestones"]["I7"].comment is None


def test_output_and_dry_run_leave_the_original_alone(tmp_path):
    path = hand_plan(tmp_path / "plan.xlsx")
    before = path.read_bytes()
    result = run("refresh", path, "--dry-run", "--as-of", HAND_AS_OF.isoformat())
    assert result.exit_code == 0 and "would change" in result.output
    assert path.read_bytes() == before
    out = tmp_path / "copy.xlsx"
    result = run("refresh", path, "--output", out, "--as-of", HAND_AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before and "Summary" in openpyxl.load_workbook(out).sheetnames
    assert not (tmp_path / "plan.xlsx.bak").exists()


def test_backup_is_the_previous_version(tmp_path):
    path = hand_plan(tmp_path / "plan.xlsx")
    before = path.read_bytes()
    result = run("refresh", path, "--as-of", HAND_AS_OF.isoformat())
    assert "plan.xlsx.bak" in result.output
    assert (tmp_path / "plan.xlsx.bak").read_bytes() == before


@pytest.mark.parametrize("lock", ["~$plan.xlsx", ".~lock.plan.xlsx#"])
def test_refuses_while_open(tmp_path, lock):
    path = hand_plan(tmp_path / "plan.xlsx")
    (tmp_path / lock).write_text("locked")
    before = path.read_bytes()
    result = run("refresh", path)
    assert result.exit_code != 0
    assert "open in" in result.output and "Close it" in result.output
    assert path.read_bytes() == before


def _with_image(path: Path) -> Path:
    wb = xlsxwriter.Workbook(path)
    ms = wb.add_worksheet("Milestones")
    ms.write_row(0, 0, ["Milestone", "Owner", "Due"])
    ms.write_row(1, 0, ["Launch", "Ana", "2026-12-01"])
    pic = path.parent / "logo.png"
    pic.write_bytes(PNG)
    wb.add_worksheet("Branding").insert_image("B2", str(pic))
    wb.close()
    return path


def test_keeps_parts_it_does_not_own(tmp_path):
    """An image on a sheet of the user's: refresh in place writes, and the image, its
    drawing and the sheet holding it come out byte for byte."""
    path = _with_image(tmp_path / "img.xlsx")
    before = parts(path)
    result = run("refresh", path, "--as-of", HAND_AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    after = parts(path)
    for name in ("xl/media/image1.png", "xl/drawings/drawing1.xml",
                 "xl/drawings/_rels/drawing1.xml.rels", "xl/worksheets/sheet2.xml",
                 "xl/worksheets/_rels/sheet2.xml.rels", "xl/theme/theme1.xml",
                 "docProps/core.xml", "xl/sharedStrings.xml"):
        assert after[name] == before[name], name
    assert "Summary" in openpyxl.load_workbook(path).sheetnames


@pytest.mark.parametrize("kind", ["truncated", "text", "empty"])
def test_refuses_unreadable_files(tmp_path, kind):
    path = tmp_path / "bad.xlsx"
    good = hand_plan(tmp_path / "good.xlsx").read_bytes()
    path.write_bytes({"truncated": good[: len(good) // 2], "text": b"Milestone,Due\n",
                      "empty": b""}[kind])
    before = path.read_bytes()
    result = run("refresh", path)
    assert result.exit_code == 2
    assert "bad.xlsx" in result.output and "Traceback" not in result.output
    assert path.read_bytes() == before


def test_only_owned_parts_change(refreshed, tmp_path):
    """What a refresh of a refreshed plan may change: the sheets it patches or rebuilds and
    the entries that list them; the rest is the input's bytes."""
    path = hand_plan(tmp_path / "fresh.xlsx")
    before = parts(path)
    result = refresh_workbook(path, as_of=HAND_AS_OF)
    after = parts(path)
    owned = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
             "xl/styles.xml", "docProps/app.xml"}
    milestones_part = "xl/worksheets/sheet2.xml"  # Guide, then Milestones
    changed = {n for n in set(before) | set(after) if before.get(n) != after.get(n)}
    assert set(result.changed_parts) == changed
    unexpected = {n for n in changed if n not in owned and n in before}
    assert unexpected <= {milestones_part, "xl/worksheets/sheet3.xml",  # Milestones, Metrics
                          "xl/worksheets/_rels/sheet2.xml.rels"}  # its notes
    assert "Traceback" not in str(result.changes)


def test_formatted_runs_of_text_survive(tmp_path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    path = hand_plan(tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Milestones"]["AD2"] = CellRichText([TextBlock(InlineFont(b=True), "Bold"), " plain"])
    wb.save(path)
    result = run("refresh", path, "--as-of", HAND_AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    cell = openpyxl.load_workbook(path, rich_text=True)["Milestones"]["AD2"].value
    assert isinstance(cell, CellRichText) and str(cell) == "Bold plain"
    assert cell[0].font.b


# --------------------------------------------------------------------------- what fails how


def _refresh_failing(tmp_path: Path, monkeypatch) -> tuple[Path, bytes, set[str], object]:
    """A refresh of a plan, with whatever `monkeypatch` broke: the plan, its bytes and the
    folder's files before, and the CLI's result."""
    path = hand_plan(tmp_path / "plan.xlsx")
    before, files = path.read_bytes(), {p.name for p in tmp_path.iterdir()}
    monkeypatch.delenv("MSHEETS_DEBUG", raising=False)
    return path, before, files, run("refresh", path, "--as-of", HAND_AS_OF.isoformat())


def _boom(*args, **kwargs):
    raise KeyError("summary_row")


def test_a_bug_in_a_managed_sheet_writer_is_an_internal_error(tmp_path, monkeypatch):
    """A KeyError in msheets' own writer is a bug (exit 3), not the user's file (exit 2):
    the plan stays as it was, with no backup and no temporary file beside it."""
    import milestone_sheets.write.refresh.managed.build as build

    monkeypatch.setattr(build, "write_summary", _boom)
    path, before, files, result = _refresh_failing(tmp_path, monkeypatch)
    assert result.exit_code == 3, result.output
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert line.startswith("Error: internal error of msheets") and "KeyError" in line
    assert "bug in msheets" in line and "re-save" not in line
    assert path.read_bytes() == before
    assert {p.name for p in tmp_path.iterdir()} == files


def test_a_failed_read_back_is_an_internal_error(tmp_path, monkeypatch):
    """The written file does not read back as written (a part that does not inflate to its
    CRC): msheets' bug, exit 3, and the plan is not replaced."""
    monkeypatch.setattr(zipfile.ZipFile, "testzip", lambda self: "xl/styles.xml")
    path, before, files, result = _refresh_failing(tmp_path, monkeypatch)
    assert result.exit_code == 3, result.output
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert line.startswith("Error: internal error of msheets")
    assert "did not read back as written (part xl/styles.xml" in line
    assert path.read_bytes() == before
    assert {p.name for p in tmp_path.iterdir()} == files


def test_a_malformed_part_of_the_users_is_exit_2(tmp_path):
    """docProps/app.xml that is not XML (calamine never reads it; refresh edits it): the
    file cannot be refreshed as it is, exit 2 with one line, nothing written."""
    good = hand_plan(tmp_path / "good.xlsx")
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = zin.read(name)
            zout.writestr(name, data[:len(data) // 2] if name == "docProps/app.xml" else data)
    before = path.read_bytes()
    result = run("refresh", path, "--as-of", HAND_AS_OF.isoformat())
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert line.startswith("Error: plan.xlsx: a part of the workbook is not as msheets expects")
    assert "docProps/app.xml" in line and "re-save the file" in line
    assert path.read_bytes() == before
    assert not (tmp_path / "plan.xlsx.bak").exists()


def test_lock_file_refusal_in_the_plans_language(tmp_path):
    path = hand_plan(tmp_path / "plan.xlsx", lang="fr")
    (tmp_path / ".~lock.plan.xlsx#").write_text("verrou")
    before = path.read_bytes()
    result = run("refresh", path, "--as-of", HAND_AS_OF.isoformat())
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert text.startswith("Erreur : plan.xlsx est ouvert dans LibreOffice")
    assert "Fermez-le dans LibreOffice" in text
    assert "supprimez le fichier de verrou .~lock.plan.xlsx#" in text
    assert "is open in" not in text
    assert path.read_bytes() == before

"""The command line: help, version, exit codes, and no traceback for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import click
import openpyxl
import pytest
from click.testing import CliRunner
from helpers import HAND_AS_OF, fill_plan, hand_plan

from milestone_sheets import __version__
from milestone_sheets.cli import DATE, cli
from milestone_sheets.errors import MsheetsError, PlanError, RefusedError

COMMANDS = sorted(cli.commands)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_version():
    res = run("--version")
    assert res.exit_code == 0 and __version__ in res.output


@pytest.mark.parametrize("command", COMMANDS)
def test_help_on_every_command(command):
    res = run(command, "--help")
    assert res.exit_code == 0 and "Usage:" in res.output


def test_help_imports_nothing_heavy():
    code = ("import sys; from milestone_sheets.cli import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('pandas', 'openpyxl', 'xlsxwriter', 'python_calamine', "
            "'rich', 'icalendar') if m in sys.modules]\nprint('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert "HEAVY []" in out


def test_new_then_refuse_then_force(tmp_path):
    path = tmp_path / "plan.xlsx"
    res = run("new", path, "--template", "lean-plan", "--lang", "fr", "--start", "2026-11-02")
    assert res.exit_code == 0 and path.exists()
    before = path.read_bytes()
    res = run("new", path)
    assert res.exit_code == 1 and "--force" in res.output and path.read_bytes() == before
    assert run("new", path, "--force").exit_code == 0
    assert run("new", tmp_path / "x.xlsx", "--template", "nope").exit_code == 1


def test_templates_lists_presets():
    res = run("templates")
    assert res.exit_code == 0
    for name in ("blank", "lean-plan", "social-media", "digital-campaign"):
        assert name in res.output


def test_check_exit_codes(tmp_path):
    good = fill_plan(tmp_path / "good.xlsx", team=[{"owner": "Ana"}], milestones=[
        {"milestone": "A", "owner": "Ana", "due": date(2026, 12, 1)}])
    res = run("check", good, "--as-of", "2026-11-23")
    assert res.exit_code == 0 and "0 error(s)" in res.output
    bad = hand_plan(tmp_path / "bad.xlsx")  # M-006 has no Due
    res = run("check", bad, "--as-of", HAND_AS_OF.isoformat())
    assert res.exit_code == 1
    assert "ERRORS" in res.output and "Milestones!I7" in res.output
    res = run("check", bad, "--json")
    issues = json.loads(res.output)
    assert res.exit_code == 1
    assert {"severity": "error", "sheet": "Milestones", "cell": "I7", "field": "due",
            "value": "", "message": "missing Due date"} in issues
    res = run("check", tmp_path / "missing.xlsx")
    assert res.exit_code == 2 and "no such file" in res.output


def test_report_text_and_json(tmp_path):
    plan = hand_plan(tmp_path / "plan.xlsx")
    res = run("report", plan, "--as-of", HAND_AS_OF.isoformat())
    assert res.exit_code == 0
    for part in ("Milestones", "13 (3 done, 1 overdue, 3 at risk, 1 due soon)",
                 "Overloaded owners", "Bo", "2026-12-11"):
        assert part in res.output
    doc = json.loads(run("report", plan, "--format", "json", "--as-of", "2026-11-18").output)
    assert doc["totals"]["milestones"] == 13


def test_bad_date_option(tmp_path):
    res = run("report", tmp_path / "x.xlsx", "--as-of", "tomorrowish")
    assert res.exit_code == 2 and "not a date" in res.output


@pytest.mark.parametrize("text", ["12/01/2026", "01.12.2026", "2026/12/01", "1 Dec 2026",
                                  "2026-12-1", "2026-02-30", "46357", ""])
def test_as_of_only_iso(tmp_path, text):
    """Help says YYYY-MM-DD: 12/01/2026 is refused (1 December to some, 12 January to
    others), before the file is even looked at."""
    res = run("check", tmp_path / "x.xlsx", "--as-of", text)
    assert res.exit_code == 2
    assert f"{text!r} is not a date; use YYYY-MM-DD, for example 2026-12-01" in res.output
    assert "no such file" not in res.output


def test_as_of_iso_accepted():
    assert DATE.convert("2026-12-01", None, None) == date(2026, 12, 1)
    assert DATE.convert(" 2026-02-28 ", None, None) == date(2026, 2, 28)


def test_library_errors_are_plain_exceptions():
    """The library knows nothing of click; the command line gives them their exit codes."""
    for cls, code in ((MsheetsError, 1), (PlanError, 2), (RefusedError, 1)):
        assert not issubclass(cls, click.ClickException)
        err = cls("what is wrong; what to do")
        assert (err.exit_code, err.message, str(err)) == (code, "what is wrong; what to do",
                                                          "what is wrong; what to do")


def _boom(*a, **k):
    raise RuntimeError("kaboom")


def test_unexpected_errors_are_internal_errors(tmp_path, monkeypatch):
    plan = hand_plan(tmp_path / "plan.xlsx")
    import milestone_sheets.rules.evaluation as rules

    monkeypatch.delenv("MSHEETS_DEBUG", raising=False)
    monkeypatch.setattr(rules, "evaluate", _boom)
    res = run("report", plan)
    assert res.exit_code == 3
    assert res.stdout == ""
    line = res.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert line.startswith("Error: internal error of msheets")
    assert "RuntimeError: kaboom" in line and "bug in msheets" in line
    assert "report it" in line and "MSHEETS_DEBUG=1" in line


def test_internal_error_traceback_with_debug(tmp_path, monkeypatch):
    plan = hand_plan(tmp_path / "plan.xlsx")
    import milestone_sheets.rules.evaluation as rules

    monkeypatch.setenv("MSHEETS_DEBUG", "1")
    monkeypatch.setattr(rules, "evaluate", _boom)
    res = run("report", plan)
    assert res.exit_code == 3
    assert "Traceback (most recent call last)" in res.stderr and "_boom" in res.stderr
    assert res.stderr.strip().splitlines()[-1].startswith("Error: internal error of msheets")


def test_bad_input_is_still_exit_2_with_one_line(tmp_path):
    res = run("report", tmp_path / "missing.xlsx")
    assert res.exit_code == 2
    assert res.stderr == f"Error: {tmp_path / 'missing.xlsx'}: no such file. Check the path.\n"


MAIN = """
import sys
import click
from milestone_sheets import cli, errors
@cli.cli.command("raise")
@click.argument("kind")
def raise_(kind):  # a command without the friendly guard: main() maps what escapes
    raise {"plan": errors.PlanError("p.xlsx: not a plan. Do this."),
           "refused": errors.RefusedError("p.xlsx is open. Close it."),
           "bug": KeyError("oops")}[kind]
sys.argv = ["msheets", "raise", sys.argv[1]]
cli.main()
"""


@pytest.mark.parametrize(("kind", "code", "line"), [
    ("plan", 2, "Error: p.xlsx: not a plan. Do this."),
    ("refused", 1, "Error: p.xlsx is open. Close it."),
    ("bug", 3, "Error: internal error of msheets"),
])
def test_main_maps_exceptions_to_exit_codes(kind, code, line):
    env = {k: v for k, v in os.environ.items() if k != "MSHEETS_DEBUG"}
    proc = subprocess.run([sys.executable, "-c", MAIN, kind], capture_output=True, text=True,
                          env=env)
    assert proc.returncode == code, proc.stderr
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith(line)


# --------------------------------------------------------------------------- as-of notice


def _refreshed(path, as_of: date):
    """The workbook as refresh leaves it, as far as the as-of date goes: Summary A2:B2."""
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Summary")
    ws["A1"], ws["B1"], ws["A2"], ws["B2"] = "Plan", "plan", "As of", as_of
    wb.save(path)
    return path


def test_report_says_the_refresh_date_and_another_as_of(tmp_path):
    plan = _refreshed(hand_plan(tmp_path / "plan.xlsx"), date(2026, 11, 18))
    note = ("Note: workbook last refreshed for 2026-11-18; this report is as of 2026-11-25 "
            "(--as-of). Use --as-of 2026-11-18 to match the workbook's Summary sheet.")
    res = run("report", plan, "--as-of", "2026-11-25")
    assert res.exit_code == 0
    assert res.stdout.splitlines()[:2] == ["plan - as of 2026-11-25", note]
    md = run("report", plan, "--format", "markdown", "--as-of", "2026-11-25")
    assert md.stdout.split("\n")[:6] == ["# plan", "", "As of 2026-11-25", "", f"> {note}", ""]
    doc = run("report", plan, "--format", "json", "--as-of", "2026-11-25")
    assert json.loads(doc.stdout)["as_of"] == "2026-11-25"
    assert doc.stderr == note + "\n"
    same = run("report", plan, "--as-of", "2026-11-18")
    assert same.stdout.splitlines()[1] == ("Note: workbook last refreshed for 2026-11-18, "
                                           "the date this report is as of.")


def test_report_as_of_today_and_settings(tmp_path):
    plan = _refreshed(hand_plan(tmp_path / "plan.xlsx"), date(2026, 11, 18))
    today = date.today().isoformat()
    res = run("report", plan)
    assert (f"workbook last refreshed for 2026-11-18; this report is as of {today} (today)"
            in res.stdout)
    fill_plan(tmp_path / "s.xlsx", team=[{"owner": "Ana"}], settings={"as_of": "2026-12-02"},
              milestones=[{"milestone": "A", "owner": "Ana", "due": date(2026, 12, 1)}])
    res = run("report", _refreshed(tmp_path / "s.xlsx", date(2026, 11, 18)))
    assert ("this report is as of 2026-12-02 (the Settings sheet's As-of date)"
            in res.stdout)


def test_check_says_the_refresh_date(tmp_path):
    plan = _refreshed(hand_plan(tmp_path / "plan.xlsx"), date(2026, 11, 18))
    res = run("check", plan, "--as-of", "2026-11-20")
    assert res.exit_code == 1  # M-006 has no Due
    assert res.stdout.splitlines()[-1] == (
        "Note: workbook last refreshed for 2026-11-18; this check is as of 2026-11-20 "
        "(--as-of). Use --as-of 2026-11-18 to match the workbook's Summary sheet.")
    res = run("check", plan, "--json", "--as-of", "2026-11-20")
    assert json.loads(res.stdout) and "last refreshed for 2026-11-18" in res.stderr


def test_no_notice_for_a_workbook_never_refreshed(tmp_path):
    plan = hand_plan(tmp_path / "plan.xlsx")
    for args in (["report"], ["report", "--format", "json"], ["check"],
                 ["report", "--format", "markdown"]):
        res = run(*args[:1], plan, *args[1:], "--as-of", "2026-11-20")
        assert "refreshed" not in res.output


def test_refresh_then_report(tmp_path):
    """End to end: the date refresh writes on the Summary sheet is the one report reads."""
    plan = hand_plan(tmp_path / "plan.xlsx")
    assert run("refresh", plan, "--as-of", "2026-11-18").exit_code == 0
    res = run("report", plan, "--as-of", "2026-11-30")
    assert "workbook last refreshed for 2026-11-18; this report is as of 2026-11-30" in \
        res.stdout


def test_refresh_as_a_program(tmp_path):
    """`python -m milestone_sheets refresh`, as users run it: openpyxl loaded without numpy."""
    path = hand_plan(tmp_path / "plan.xlsx")
    proc = subprocess.run([sys.executable, "-m", "milestone_sheets", "refresh", str(path),
                           "--as-of", HAND_AS_OF.isoformat()], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    import openpyxl

    assert "Summary" in openpyxl.load_workbook(path).sheetnames

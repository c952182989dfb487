"""The command line: help, version, exit codes, and no traceback for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from click.testing import CliRunner
from helpers import HAND_AS_OF, fill_plan, hand_plan

from milestone_sheets import __version__
from milestone_sheets.cli import cli

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


def test_unexpected_errors_are_one_line(tmp_path, monkeypatch):
    plan = hand_plan(tmp_path / "plan.xlsx")
    import milestone_sheets.rules as rules

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(rules, "evaluate", boom)
    res = run("report", plan)
    assert res.exit_code == 2 and "kaboom" in res.output and "MSHEETS_DEBUG" in res.output


def test_refresh_as_a_program(tmp_path):
    """`python -m milestone_sheets refresh`, as users run it: openpyxl loaded without numpy."""
    path = hand_plan(tmp_path / "plan.xlsx")
    proc = subprocess.run([sys.executable, "-m", "milestone_sheets", "refresh", str(path),
                           "--as-of", HAND_AS_OF.isoformat()], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    import openpyxl

    assert "Summary" in openpyxl.load_workbook(path).sheetnames

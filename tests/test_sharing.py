"""Calendar, portfolio rollup and stakeholder reports (issue: sharing beyond the workbook)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import HAND_AS_OF, fill_plan, hand_plan
from icalendar import Calendar

from milestone_sheets import evaluate, load_plan
from milestone_sheets.cli import cli

AS_OF = HAND_AS_OF.isoformat()


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def events(path):
    cal = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


@pytest.mark.parametrize(("lang", "setting"), [("en", "Monthly, 2nd Friday"),
                                               ("fr", "Mensuelle, 2e vendredi")])
def test_calendar(tmp_path, lang, setting):
    plan = hand_plan(tmp_path / "plan.xlsx", lang=lang)
    out = tmp_path / "plan.ics"
    res = run("calendar", plan, "-o", out, "--as-of", AS_OF)
    assert res.exit_code == 0, res.output
    evs = events(out)
    review = evs[next(u for u in evs if u.endswith("plan-review@msheets"))]
    rrule = review["RRULE"]
    assert rrule["FREQ"] == ["MONTHLY"] and rrule["BYDAY"] == ["2FR"]
    assert review["DTSTART"].dt.weekday() == 4
    milestones = [e for u, e in evs.items() if not u.endswith("plan-review@msheets")]
    # 13 milestones: the cancelled one and the one without a Due date are left out
    assert len(milestones) == 11
    m8 = next(e for e in milestones if str(e["SUMMARY"]).startswith("M-008"))
    assert m8["DTSTART"].dt == date(2026, 12, 31)
    assert "Owner: Ana" in str(m8["DESCRIPTION"]) and "Budget:" in str(m8["DESCRIPTION"])
    # importing again: the same UIDs, so events are updated rather than duplicated
    again = tmp_path / "again.ics"
    run("calendar", plan, "-o", again, "--as-of", AS_OF)
    assert set(events(again)) == set(evs)
    merged = {**evs, **events(again)}
    assert len(merged) == len(evs)
    assert again.read_bytes() == out.read_bytes()


def test_calendar_biweekly_rule(tmp_path):
    plan = hand_plan(tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(plan)
    ws = wb["Settings"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "Plan review":
            row[1].value = "Every 2 weeks, Thursday"
    wb.save(plan)
    out = tmp_path / "p.ics"
    assert run("calendar", plan, "-o", out, "--as-of", AS_OF).exit_code == 0
    review = next(e for u, e in events(out).items() if u.endswith("plan-review@msheets"))
    assert review["RRULE"]["FREQ"] == ["WEEKLY"] and review["RRULE"]["INTERVAL"] == [2]
    assert review["RRULE"]["BYDAY"] == ["TH"]


def test_rollup_three_plans(tmp_path):
    fr = hand_plan(tmp_path / "fr.xlsx", lang="fr")
    errors = fill_plan(tmp_path / "errors.xlsx", team=[{"owner": "ana"}], milestones=[
        {"milestone": "Bad date", "owner": "ANA", "due": "someday", "budget": 100},
        {"milestone": "Fine", "owner": "Ana", "due": date(2026, 12, 1), "budget": "2k",
         "actual": 500}])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    out = tmp_path / "portfolio.xlsx"
    res = run("rollup", fr, errors, broken, "-o", out, "--as-of", AS_OF)
    assert res.exit_code == 1
    assert "broken.xlsx" in res.output
    wb = openpyxl.load_workbook(out)
    plans = list(wb["Plans"].iter_rows(min_row=2, values_only=True))
    heads = [c.value for c in wb["Plans"][1]]
    col = {h: i for i, h in enumerate(heads)}
    expected = {}
    for path in (fr, errors):
        plan = load_plan(path, as_of=HAND_AS_OF)
        expected[plan.name] = (plan.settings.currency, evaluate(plan, plan.as_of).totals)
    rows = {r[0]: r for r in plans if r[0] in expected}
    assert set(rows) == set(expected)
    for name, (_currency, totals) in expected.items():
        for key, head in (("planned", "Planned"), ("actual", "Actual"),
                          ("earned_value", "Earned value"), ("planned_value", "Planned value")):
            assert rows[name][col[head]] == pytest.approx(totals[key])
        assert rows[name][col["Milestones"]] == totals["milestones"]
    total_rows = {r[0]: r for r in plans if str(r[0]).startswith("Total")}
    assert total_rows["Total (EUR)"][col["Planned"]] == pytest.approx(
        expected["fr"][1]["planned"])
    # the row with a bad date still counts (section 4): 100 + 2k
    assert total_rows["Total (USD)"][col["Planned"]] == pytest.approx(2100)
    problems = list(wb["Problems"].iter_rows(min_row=2, values_only=True))
    assert problems[0][0].endswith("broken.xlsx") and "not" in problems[0][1]
    owners = {r[0]: r for r in wb["Owners"].iter_rows(min_row=2, values_only=True)}
    assert sorted(owners) == ["Ana", "Bo", "Zed"]  # 'ana' and 'Ana' are the same person
    assert "fr" in owners["Ana"][1] and "errors" in owners["Ana"][1]
    attention = list(wb["Attention"].iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in attention if r[0] == "fr"} == {"M-007", "M-008", "M-009", "M-010"}


def test_rollup_folder_and_glob(tmp_path):
    d = tmp_path / "plans"
    d.mkdir()
    hand_plan(d / "a.xlsx")
    hand_plan(d / "b.xlsx")
    (d / "~$a.xlsx").write_text("lock")
    res = run("rollup", d, "-o", tmp_path / "p1.xlsx", "--as-of", AS_OF)
    assert res.exit_code == 0 and "2 plan(s)" in res.output
    res = run("rollup", str(d / "*.xlsx"), "-o", tmp_path / "p2.xlsx", "--as-of", AS_OF)
    assert res.exit_code == 0 and "2 plan(s)" in res.output


def test_markdown_and_html(tmp_path):
    plan = hand_plan(tmp_path / "plan.xlsx")
    md = run("report", plan, "--format", "markdown", "--as-of", AS_OF)
    assert md.exit_code == 0 and md.output.startswith("# plan")
    assert "| M-007 | Late work | Bo |" in md.output
    out = tmp_path / "plan.html"
    res = run("report", plan, "--format", "html", "-o", out, "--as-of", AS_OF)
    assert res.exit_code == 0
    html = out.read_text()
    for part in ("<svg", "Health", "Budget by phase", "Timeline", "Overdue and at risk",
                 "Metrics", "2026-12-11"):
        assert part in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "<link" not in html


def test_json_report_shape(tmp_path):
    plan = hand_plan(tmp_path / "plan.xlsx")
    doc = json.loads(run("report", plan, "--format", "json", "--as-of", AS_OF).output)
    assert set(doc) >= {"plan", "as_of", "currency", "next_review", "totals", "milestones",
                        "budget", "workload", "metrics", "issues"}
    assert set(doc["totals"]) >= {"milestones", "done", "overdue", "at_risk", "due_soon",
                                  "planned", "actual", "variance", "earned_value",
                                  "planned_value", "cpi", "spi", "percent_complete"}
    m = doc["milestones"][0]
    assert set(m) >= {"id", "row", "name", "phase", "owner", "due", "status", "health",
                      "slack_days", "slip_days", "budget", "actual", "flags"}
    assert set(doc["budget"]) == {"by_phase", "by_owner", "by_strategy", "by_tactic",
                                  "by_type", "by_month"}
    w = doc["workload"][0]
    assert set(w) >= {"owner", "capacity", "open", "overdue", "due_soon", "budget",
                      "peak_load", "overloaded", "weeks"}
    assert set(w["weeks"][0]) == {"week", "hours", "load"}
    assert set(doc["metrics"][0]) >= {"metric", "unit", "baseline", "target", "current",
                                      "progress", "expected", "status"}
    assert set(doc["issues"][0]) == {"severity", "sheet", "cell", "field", "value", "message"}
    assert doc["as_of"] == AS_OF and doc["next_review"] == "2026-12-11"


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)  # type: ignore[return-value]
    pytest.skip("no headless Chromium")


@pytest.mark.chromium
def test_html_renders_in_chromium(tmp_path):
    browser = chromium()
    plan = hand_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "plan.html"
    run("report", plan, "--format", "html", "-o", out, "--as-of", AS_OF)
    shot = tmp_path / "shot.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    proc = subprocess.run([browser, *flags, f"--screenshot={shot}", "--window-size=1200,2400",
                           out.as_uri()], capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000, proc.stderr[-2000:]
    assert "CONSOLE" not in proc.stderr or "Uncaught" not in proc.stderr
    dom = subprocess.run([browser, *flags, "--dump-dom", out.as_uri()], capture_output=True,
                         text=True, timeout=120).stdout
    assert "Late work" in dom and "<svg" in dom

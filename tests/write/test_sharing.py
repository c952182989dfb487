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
from hypothesis import given
from hypothesis import strategies as st
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
    assert rrule["UNTIL"] == [date(2027, 2, 1)]  # the plan's last due date (M-012)
    assert "EXDATE" not in review  # no Plan review milestone
    assert review["DTSTART"].dt.weekday() == 4
    milestones = [e for u, e in evs.items() if not u.endswith("plan-review@msheets")]
    # 13 milestones: the cancelled one and the one without a Due date are left out
    assert len(milestones) == 11
    m8 = next(e for e in milestones if str(e["SUMMARY"]).startswith("M-008"))
    assert m8["DTSTART"].dt == date(2026, 12, 31)
    described = str(m8["DESCRIPTION"])
    if lang == "fr":  # in the plan's language
        assert "Responsable : Ana" in described and "Statut : Non commencé" in described
        assert "Santé : À risque" in described and "Alertes : bloqué par M-007" in described
        assert str(review["SUMMARY"]) == "Revue du plan : plan"
    else:
        assert "Owner: Ana" in described and "Budget: $2,000" in described
        assert "Health: At risk" in described and "Flags: blocked by M-007" in described
        assert str(review["SUMMARY"]) == "Plan review: plan"
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
    assert "Uncaught" not in proc.stderr, proc.stderr[-2000:]  # no script error on the page
    dom = subprocess.run([browser, *flags, "--dump-dom", out.as_uri()], capture_output=True,
                         text=True, timeout=120).stdout
    assert "Late work" in dom and "<svg" in dom


def test_calendar_reviews_end_with_the_plan_and_skip_review_milestones(tmp_path):
    """The recurring review stops at the plan's last due date (UNTIL) and leaves out the
    occurrences a Plan review milestone stands for (EXDATE): the one on the same day, the
    one a day after, and the nearest one, only, to a cancelled review between two."""
    plan = fill_plan(tmp_path / "plan.xlsx", team=[{"owner": "Ana"}], milestones=[
        {"milestone": "Kick-off", "owner": "Ana", "start": date(2026, 11, 2),
         "due": date(2026, 11, 20)},
        {"milestone": "December review", "owner": "Ana", "type": "Plan review",
         "due": date(2026, 12, 11)},  # the 2nd Friday
        {"milestone": "January review", "owner": "Ana", "type": "Plan review",
         "due": date(2027, 1, 7)},  # the Thursday before the 2nd Friday (8 Jan)
        {"milestone": "Mid-February review", "owner": "Ana", "type": "Plan review",
         "due": date(2027, 2, 26), "status": "Cancelled"},  # 14 days after 12 Feb
        {"milestone": "Wrap-up", "owner": "Ana", "due": date(2027, 3, 31)}])
    out = tmp_path / "plan.ics"
    assert run("calendar", plan, "-o", out, "--as-of", AS_OF).exit_code == 0
    evs = events(out)
    review = evs[next(u for u in evs if u.endswith("plan-review@msheets"))]
    assert review["DTSTART"].dt == date(2026, 11, 13)
    assert review["RRULE"]["UNTIL"] == [date(2027, 3, 31)]
    left_out = [d.dt for d in review["EXDATE"].dts]
    assert left_out == [date(2026, 12, 11), date(2027, 1, 8), date(2027, 2, 12)]
    assert b"EXDATE;VALUE=DATE:" in out.read_bytes()


def test_calendar_without_review_left_to_show(tmp_path):
    """The lean-plan preset lists every monthly review as a milestone: no recurring event."""
    plan = tmp_path / "lean.xlsx"
    assert run("new", plan, "--template", "lean-plan", "--start", "2026-11-02").exit_code == 0
    out = tmp_path / "lean.ics"
    assert run("calendar", plan, "-o", out, "--as-of", AS_OF).exit_code == 0
    evs = events(out)
    assert not [u for u in evs if u.endswith("plan-review@msheets")]
    reviews = [e for e in evs.values() if "plan review" in str(e["SUMMARY"])]
    assert len(reviews) == 6


@pytest.mark.parametrize(("lock", "app"), [("~$plan.xlsx", "Excel"),
                                           (".~lock.plan.xlsx#", "LibreOffice")])
def test_lock_file_refusal_says_what_to_do_after_a_crash(tmp_path, lock, app):
    plan = hand_plan(tmp_path / "plan.xlsx")
    (tmp_path / lock).write_text("left by a crash")
    res = run("refresh", plan, "--as-of", AS_OF)
    assert res.exit_code == 1
    text = " ".join(res.output.split())
    assert f"open in {app}" in text and f"Close it in {app}" in text
    assert f"delete the lock file {lock}" in text and str(tmp_path.resolve()) in text
    (tmp_path / lock).unlink()  # as the message says: then it works
    assert run("refresh", plan, "--as-of", AS_OF).exit_code == 0


def test_portfolio_columns_fit_their_headers_and_text(tmp_path):
    a = hand_plan(tmp_path / "a-rather-long-plan-name-for-the-portfolio.xlsx")
    b = hand_plan(tmp_path / "b.xlsx", lang="fr")
    out = tmp_path / "portfolio.xlsx"
    assert run("rollup", a, b, "-o", out, "--as-of", AS_OF).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Plans", "Owners", "Attention", "Problems"]
    for ws in wb.worksheets:
        widths = {i: d.width for d in ws.column_dimensions.values()
                  for i in range(d.min, d.max + 1)}
        for cell in ws[1]:
            if isinstance(cell.value, str):  # bold, beside the filter button
                assert widths[cell.column] >= len(cell.value) * 1.1 + 3, (ws.title, cell.value)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    assert widths[cell.column] >= min(len(cell.value), 60), (ws.title,
                                                                             cell.value)
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    # one language for a portfolio of English and French plans: English, as in the JSON
    heads = [c.value for c in wb["Attention"][1]]
    assert heads == ["Plan", "ID", "Milestone", "Owner", "Due", "Health", "Flags"]
    health = {r[5] for r in wb["Attention"].iter_rows(min_row=2, values_only=True)}
    assert health <= {"Overdue", "At risk"}


def _long_flags_plan(path, lang="en"):
    late = [{"id": f"M-00{i}", "milestone": f"Late {i}", "owner": "Ana",
             "due": date(2026, 11, 2 + i)} for i in range(1, 5)]
    return fill_plan(path, lang=lang, team=[{"owner": "Ana"}], metrics=[
        {"metric": "CTR", "unit": "%", "baseline": 0.01, "target": 0.03, "current": 0.021,
         "baseline_date": date(2026, 10, 1), "target_date": date(2026, 12, 31)}],
        milestones=[*late, {"id": "M-009", "milestone": "Waits for everything", "owner": "Ana",
                            "due": date(2026, 12, 15), "budget": 100, "actual": 150,
                            "depends_on": "M-001, M-002, M-003, M-004"}])


def test_text_report_cuts_nothing_in_a_file_and_uses_an_ellipsis_on_a_terminal(tmp_path):
    import io

    from rich.console import Console

    from milestone_sheets.write.report.terminal import print_rich_report
    from milestone_sheets.write.report.text import to_text

    plan = _long_flags_plan(tmp_path / "plan.xlsx")
    flags = ("over budget, blocked by M-001, blocked by M-002, blocked by M-003, "
             "blocked by M-004")
    out = tmp_path / "f.txt"
    assert run("report", plan, "--format", "text", "--output", out, "--as-of",
               AS_OF).exit_code == 0
    assert flags in out.read_text()
    piped = run("report", plan, "--format", "text", "--as-of", AS_OF)
    assert flags in piped.output
    status = evaluate(load_plan(plan, as_of=HAND_AS_OF), HAND_AS_OF)
    cut = to_text(status, width=40)
    assert flags not in cut and "over budget, blocked by M-001, blocked …" in cut
    screen = io.StringIO()
    print_rich_report(status, Console(file=screen, width=120, color_system=None))
    shown = screen.getvalue()
    assert flags not in shown and "…" in shown
    row = next(line for line in shown.splitlines() if "M-009" in line)
    assert "over budget, blocked by M-001, blocked … │" in row
    # a % metric shows as a percentage, as on its sheet (not 0.021 / 0.03)
    assert "2.1%" in out.read_text() and "3%" in out.read_text()


def test_reports_speak_the_plan_language(tmp_path):
    plan = _long_flags_plan(tmp_path / "plan.xlsx", lang="fr")
    text = run("report", plan, "--format", "text", "--as-of", AS_OF).output
    md = run("report", plan, "--format", "markdown", "--as-of", AS_OF).output
    out = tmp_path / "plan.html"
    assert run("report", plan, "--format", "html", "-o", out, "--as-of", AS_OF).exit_code == 0
    html = out.read_text()
    for doc in (text, md, html):
        for french in ("Jalons", "En retard", "bloqué par M-001", "dépassement de budget",
                       "2,1 %", "3 %", "Prochaine revue"):
            assert french in doc, french
        for english in ("as of", "As of", "Needs attention", "Overdue", "blocked by",
                        "over budget", "Next review", "Milestones", " done,", "error(s)"):
            assert english not in doc, english
    assert "À surveiller" in text and "À surveiller" in md
    assert "Chronologie" in html and "nov. 2026" in html and "déc. 2026" in html


def test_html_months_read_as_months(tmp_path):
    import re

    plan = hand_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "plan.html"
    assert run("report", plan, "--format", "html", "-o", out, "--as-of", AS_OF).exit_code == 0
    labels = re.findall(r'fill="#666">([^<]+)</text>', out.read_text())
    assert labels[:3] == ["Nov 2026", "Dec 2026", "Jan 2027"]  # "Nov 26" read as a day


@given(st.lists(st.dates(date(2026, 1, 1), date(2028, 12, 31)), max_size=40, unique=True),
       st.lists(st.dates(date(2025, 12, 1), date(2029, 1, 31)), max_size=15),
       st.integers(1, 60))
def test_each_review_milestone_takes_out_at_most_its_nearest_occurrence(occurrences, reviews,
                                                                        half_days):
    from datetime import timedelta

    from milestone_sheets.rules.next_review import reviews_left_out

    half = timedelta(days=half_days)
    occurrences.sort()
    out = reviews_left_out(occurrences, reviews, half)
    assert out == sorted(set(out)) and set(out) <= set(occurrences)
    assert len(out) <= len(reviews)
    for d in out:  # each left out for a milestone closer than half a cadence ...
        assert any(abs(r - d) < half for r in reviews)
    for r in reviews:  # ... and each milestone near an occurrence took out the nearest
        near = [d for d in occurrences if abs(r - d) < half]
        if near:
            assert min(near, key=lambda d: (abs(r - d), d)) in out


@given(st.text(max_size=80), st.integers(1, 60))
def test_cut_keeps_short_text_and_marks_what_it_cuts(text, width):
    from milestone_sheets.write.report import cut

    shown = cut(text, width)
    if len(text) <= width:
        assert shown == text
    else:
        assert len(shown) == width and shown.endswith("…") and text.startswith(shown[:-1])
    assert cut(text, None) == text


def test_rollup_overload_follows_each_plans_rules(tmp_path):
    """The Owners sheet says what the plans' rules say: Ana (capacity 0 in the Team) has an
    infinite load, Zed (not in the Team) 150% of the plan's Default capacity of 20."""
    days = [HAND_AS_OF, date(2026, 11, 20)]  # Wednesday to Friday
    path = fill_plan(tmp_path / "cap.xlsx", settings={"default_capacity": 20},
                     team=[{"owner": "Ana", "capacity": 0}], milestones=[
                         {"milestone": "Hers", "owner": "Ana", "start": days[0], "due": days[1],
                          "effort": 8},
                         {"milestone": "His", "owner": "Zed", "start": days[0], "due": days[1],
                          "effort": 30}])
    out = tmp_path / "portfolio.xlsx"
    assert run("rollup", path, "-o", out, "--as-of", AS_OF).exit_code == 0
    status = evaluate(load_plan(path, as_of=HAND_AS_OF), HAND_AS_OF)
    assert all(w.overloaded for w in status.workload)
    wb = openpyxl.load_workbook(out)
    heads = [c.value for c in wb["Owners"][1]]
    rows = {r[0]: dict(zip(heads, r, strict=True))
            for r in wb["Owners"].iter_rows(min_row=2, values_only=True)}
    assert rows["Ana"]["Capacity (h/week)"] == 0 and rows["Ana"]["Overloaded"] == "yes"
    assert rows["Ana"]["Peak load"] is None  # infinite: blank, in red
    assert rows["Zed"]["Capacity (h/week)"] == 20 and rows["Zed"]["Overloaded"] == "yes"
    assert rows["Zed"]["Peak load"] == pytest.approx(1.5)
    assert wb["Owners"]["G2"].fill.fgColor.rgb.endswith("FF7C80")

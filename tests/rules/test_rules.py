"""Contract section 5 on a hand-computed plan, and the rules' invariants."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from helpers import HAND_AS_OF, fill_plan, hand_plan
from hypothesis import given, settings
from hypothesis import strategies as st

from milestone_sheets import evaluate, load_plan
from milestone_sheets.contract.vocab import Flag, FlagKind
from milestone_sheets.model import Metric, Milestone, Plan, Settings, TeamMember
from milestone_sheets.rules.review_schedule import parse_review, review_dates
from milestone_sheets.rules.workload import workdays


@pytest.fixture(scope="module")
def status(tmp_path_factory):
    path = hand_plan(tmp_path_factory.mktemp("hand") / "hand.xlsx")
    plan = load_plan(path, as_of=HAND_AS_OF)
    return evaluate(plan, plan.as_of)


def by_id(status):
    return {s.milestone.id: s for s in status.milestones}


def test_health_of_every_branch(status):
    health = {k: s.health for k, s in by_id(status).items()}
    assert health == {
        "M-001": "Cancelled", "M-002": "On hold",
        "M-003": "Done",  # metric target met by a Metric log reading (1500 >= 1400)
        "M-004": "Done late", "M-005": "Done", "M-006": "Unscheduled", "M-007": "Overdue",
        "M-008": "At risk",  # depends on overdue M-007
        "M-009": "At risk",  # actual 150 > budget 100
        "M-010": "At risk",  # 10% done, 17/29 = 59% of the time elapsed
        "M-011": "Due soon", "M-012": "On track", "M-013": "On track",
    }


def test_slack_slip_and_flags(status):
    s = by_id(status)
    assert {k: v.slack for k, v in s.items()} == {
        "M-001": None, "M-002": 22, "M-003": None, "M-004": None, "M-005": None,
        "M-006": None, "M-007": -8, "M-008": 43, "M-009": 58, "M-010": 12, "M-011": 7,
        "M-012": 75, "M-013": 32}
    assert s["M-008"].flags == [Flag(FlagKind.BLOCKED_BY, "M-007")]
    assert s["M-009"].flags == [Flag(FlagKind.OVER_BUDGET)]
    assert s["M-010"].flags == [Flag(FlagKind.BEHIND_SCHEDULE)]
    assert s["M-013"].flags == [Flag(FlagKind.UNKNOWN_OWNER)]
    # Bo: 4 h (unscheduled) + 5 h (overdue) land in the week of the as-of date: 9/8 h
    overloaded = Flag(FlagKind.OWNER_OVERLOADED)
    assert overloaded in s["M-007"].flags and overloaded in s["M-006"].flags
    assert all(v.slip == 0 for v in s.values() if v.milestone.due)


def test_budget(status):
    t = status.totals
    # planned: 500 + 300 + 1000 + 2000 + 100 + 400 + 500/month x 2 months (Jan-Feb 2027)
    assert t["planned"] == pytest.approx(5300)
    assert t["actual"] == pytest.approx(1700)  # the cancelled 200 counts as spent
    assert t["variance"] == pytest.approx(3600)
    assert t["earned_value"] == pytest.approx(500 + 300 + 500 + 40)
    pv = 500 + 300 + 1000 + 400 * 17 / 29
    assert t["planned_value"] == pytest.approx(pv)
    assert t["cpi"] == pytest.approx(1340 / 1700)
    assert t["spi"] == pytest.approx(1340 / pv)
    assert t["percent_complete"] == pytest.approx(1340 / 5300)
    assert (t["milestones"], t["done"], t["overdue"], t["at_risk"], t["due_soon"]) == (
        13, 3, 1, 3, 1)
    phases = {g.key: g for g in status.budget.rollups["by_phase"]}
    assert phases["P1"].planned == 500 and phases["P1"].actual == 650
    months = {g.key for g in status.budget.rollups["by_month"]}
    assert "(none)" in months and "2027-02" in months


def test_workload(status):
    w = {o.owner: o for o in status.workload}
    bo, ana, zed = w["Bo"], w["Ana"], w["Zed"]
    assert bo.weeks[0].week == date(2026, 11, 16)
    assert bo.weeks[0].hours == pytest.approx(9)
    assert bo.peak_load == pytest.approx(9 / 8) and bo.overloaded
    assert (bo.open, bo.overdue) == (2, 1)
    # M-011: 10 h over Fri 20, Mon 23, Tue 24, Wed 25 Nov: the weekend carries nothing
    assert ana.weeks[0].hours == pytest.approx(2.5)
    assert ana.weeks[1].hours == pytest.approx(7.5)
    # M-008: 20 h over the 23 working days of December 2026
    assert ana.weeks[2].hours == pytest.approx(20 * 4 / 23)
    assert ana.weeks[3].hours == pytest.approx(20 * 5 / 23)
    assert not ana.overloaded and ana.due_soon == 1
    # Zed is not in Team: default effort 8 h and default capacity 40 h; Start = Due - 14 days
    assert not zed.known and zed.capacity == 40
    assert zed.weeks[3].hours == pytest.approx(4) and zed.weeks[4].hours == pytest.approx(4)


def test_metrics(status):
    m = {x.metric.name: x for x in status.metrics}
    assert m["Visitors"].current == 1500  # the latest log reading on or before the as-of date
    assert m["Visitors"].progress == pytest.approx(0.5)
    assert m["Visitors"].expected == pytest.approx(48 / 91)
    assert m["Visitors"].status == "On track"
    assert m["CPL"].direction == "Decrease"
    assert m["CPL"].progress == pytest.approx(0.7)
    assert m["CPL"].expected == pytest.approx(78 / 91)
    assert m["CPL"].status == "Behind"
    assert (m["Signups"].expected, m["Signups"].status) == (None, "In progress")
    assert m["Rank"].status == "No data" and m["Rank"].direction == "Decrease"
    assert m["Leads"].status == "Achieved"
    assert m["Old"].status == "Missed"


def test_review_and_agenda(status):
    r = status.review
    assert r.next_review == date(2026, 12, 11)  # second Friday of December
    assert r.following == date(2027, 1, 8)
    assert [s.milestone.id for s in r.agenda_milestones] == [
        "M-007", "M-011", "M-010", "M-013", "M-008", "M-009"]
    assert [m.metric.name for m in r.agenda_metrics] == ["CPL"]


def test_percent_metric_on_one_scale(tmp_path):
    """Issue 16: Target typed 2% (0.02 in a % cell), Current typed 1.1 meaning 1.1%: not
    Achieved, progress 10% of the way from 1% to 2%, and the milestone target not met."""
    path = fill_plan(tmp_path / "p.xlsx", team=[{"owner": "Ana"}], metrics=[
        {"metric": "CTR", "unit": "%", "direction": "Increase", "baseline": 0.01,
         "target": 0.02, "current": 1.1}],
        milestones=[{"milestone": "CTR 1.5%", "owner": "Ana", "type": "Metric target",
                     "metric": "CTR", "target_value": 1.5, "due": date(2026, 12, 31)},
                    {"milestone": "CTR 1%", "owner": "Ana", "type": "Metric target",
                     "metric": "CTR", "target_value": "1%", "due": date(2026, 12, 31)}])
    status = evaluate(load_plan(path, as_of=HAND_AS_OF), HAND_AS_OF)
    ctr = status.metrics[0]
    assert ctr.current == pytest.approx(0.011)
    assert ctr.progress == pytest.approx(0.1)
    assert ctr.status == "In progress"
    assert [s.health for s in status.milestones] == ["On track", "Done"]


@pytest.mark.parametrize(("setting", "as_of", "expected"), [
    ("Monthly, 2nd Friday", date(2026, 11, 13), date(2026, 11, 13)),
    ("Mensuelle, 2e vendredi", date(2026, 11, 14), date(2026, 12, 11)),
    ("Quarterly, 1st Monday", date(2026, 11, 14), date(2027, 1, 4)),
    ("Trimestrielle, 1er lundi", date(2026, 1, 5), date(2026, 1, 5)),
    ("Monthly, last Friday", date(2026, 11, 1), date(2026, 11, 27)),
    ("Every 2 weeks, Friday", date(2026, 11, 14), date(2026, 11, 20)),
    ("Toutes les 2 semaines, vendredi", date(2026, 11, 14), date(2026, 11, 20)),
    ("Weekly, Monday", date(2026, 11, 18), date(2026, 11, 23)),
])
def test_review_settings(setting, as_of, expected):
    rule = parse_review(setting)
    assert rule is not None
    assert review_dates(rule, as_of, 3, date(2026, 11, 6))[0] == expected


def test_workdays():
    assert workdays(date(2026, 11, 20), date(2026, 11, 25)) == 4
    assert workdays(date(2026, 11, 21), date(2026, 11, 22)) == 0
    assert workdays(date(2026, 12, 1), date(2026, 12, 31)) == 23


# --------------------------------------------------------------------------- properties

STATUSES = ["Not started", "In progress", "Done", "On hold", "Cancelled"]
OWNERS = ["Ana", "Bo", "Zed", None]
day = st.integers(min_value=-60, max_value=120).map(lambda d: date(2026, 11, 18)
                                                    + timedelta(days=d))


@st.composite
def plans(draw):
    n = draw(st.integers(min_value=0, max_value=12))
    ms = []
    for i in range(n):
        start, due = draw(st.one_of(st.none(), day)), draw(st.one_of(st.none(), day))
        if start and due and due < start:
            start, due = due, start
        ms.append(Milestone(
            row=i + 2, id=f"M-{i + 1:03d}", name=f"m{i}",
            phase=draw(st.sampled_from([None, "A", "B"])),
            owner=(o := draw(st.sampled_from(OWNERS))), owner_known=o in ("Ana", "Bo"),
            start=start, due=due, status=draw(st.sampled_from(STATUSES)),
            budget=draw(st.one_of(st.none(), st.floats(0, 1e5))),
            actual=draw(st.one_of(st.none(), st.floats(0, 1e5))),
            effort=draw(st.one_of(st.none(), st.floats(0, 200))),
            pct=draw(st.one_of(st.none(), st.floats(0, 1))),
            completed=draw(st.one_of(st.none(), day)),
            depends_on=[f"M-{j + 1:03d}" for j in range(i) if draw(st.booleans()) and j % 3],
        ))
    team = [TeamMember(2, "Ana", capacity=draw(st.floats(0, 60))), TeamMember(3, "Bo")]
    metrics = [Metric(2, "X", baseline=0, target=10, current=draw(st.floats(-5, 20)))]
    return Plan(path=__import__("pathlib").Path("p.xlsx"), language="en", settings=Settings(),
                as_of=date(2026, 11, 18), milestones=ms, team=team, metrics=metrics)


@settings(max_examples=150, deadline=None)
@given(plans(), day)
def test_invariants(plan, as_of):
    status = evaluate(plan, as_of)
    t = status.totals
    for rollup in status.budget.rollups.values():
        for key in ("planned", "actual", "earned_value", "planned_value"):
            assert sum(getattr(g, key) for g in rollup) == pytest.approx(t[key], abs=1e-6)
    for w in status.workload:
        assert all(wl.hours >= 0 and (wl.load is None or wl.load >= 0) for wl in w.weeks)
    for s in status.milestones:
        m = s.milestone
        if m.status == "Done":
            assert s.health in ("Done", "Done late")
        # Overdue exactly when an open milestone's Due has passed (no metric targets here)
        assert (s.health == "Overdue") == (
            m.status not in ("Done", "Cancelled", "On hold") and m.due is not None
            and m.due < as_of)
        if s.health == "Overdue":
            assert s.slack is not None and s.slack < 0
    assert evaluate(plan, as_of) == status  # depends only on the plan and the as-of date

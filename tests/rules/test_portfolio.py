"""Several plans together (`rules.portfolio`): each owner's load follows their plans' rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from milestone_sheets import evaluate
from milestone_sheets.model import Milestone, Plan, Settings, TeamMember
from milestone_sheets.rules.evaluation import PlanStatus
from milestone_sheets.rules.portfolio import currency_totals, portfolio
from milestone_sheets.rules.workload import owner_key

AS_OF = date(2026, 11, 23)  # a Monday
WEEK = date(2026, 11, 23)


def work(row: int, owner: str, hours: float, known: bool = False,
         budget: float | None = None) -> Milestone:
    """`hours` of work for `owner` in the week of the as-of date."""
    return Milestone(row, f"M-{row:03d}", f"Task {row}", owner=owner, owner_known=known,
                     start=AS_OF, due=date(2026, 11, 27), effort=hours, budget=budget)


def plan_status(name: str, milestones: list[Milestone], team: list[TeamMember] = (),  # type: ignore[assignment]
                **settings: object) -> PlanStatus:
    plan = Plan(path=Path(f"{name}.xlsx"), language="en",
                settings=Settings(plan_name=name, **settings),  # type: ignore[arg-type]
                as_of=AS_OF, milestones=milestones, team=list(team))
    return evaluate(plan, AS_OF)


def test_an_owner_overloaded_in_their_plan_is_overloaded_in_the_portfolio():
    """Default capacity 20; Ana has a capacity of 0 in the Team, Zed is not in the Team."""
    s = plan_status("p", [work(2, "Ana", 8, known=True), work(3, "Zed", 30)],
                    [TeamMember(2, "Ana", capacity=0)], default_capacity=20.0)
    plan_ana, plan_zed = sorted(s.workload, key=lambda w: w.owner)
    assert plan_ana.overloaded and plan_ana.weeks[0].load == float("inf")
    assert plan_zed.overloaded and plan_zed.peak_load == pytest.approx(1.5)
    p = portfolio([s])
    ana, zed = p.owners
    assert (ana.owner, ana.capacity, ana.overloaded) == ("Ana", 0.0, True)
    assert ana.peak_load == float("inf") and ana.weeks[0].overloaded
    assert (zed.owner, zed.capacity, zed.overloaded) == ("Zed", 20.0, True)
    assert zed.peak_load == pytest.approx(1.5)
    assert p.weeks[0] == WEEK and [w.week for w in zed.weeks] == p.weeks
    assert [w.load for w in ana.weeks[1:]] == [None] * (len(p.weeks) - 1)  # 0 h of 0


def test_the_same_owner_adds_up_across_plans_past_the_strictest_threshold():
    a = plan_status("a", [work(2, "Ana", 20, known=True)], [TeamMember(2, "Ana", capacity=40)])
    b = plan_status("b", [work(2, "ANA ", 14)], overload_threshold=80.0)
    [ana] = portfolio([a, b]).owners
    assert ana.plans == ["a", "b"] and ana.threshold == pytest.approx(0.8)
    assert ana.capacity == 40.0  # from the plan that has her in its Team
    assert ana.weeks[0].hours == pytest.approx(34) and ana.peak_load == pytest.approx(0.85)
    assert ana.overloaded and ana.weeks[0].overloaded and not ana.weeks[1].overloaded
    # in plan a alone (100%) and in plan b alone (14 h of the default 40) she is not
    assert not a.workload[0].overloaded and not b.workload[0].overloaded


def test_an_owner_in_no_team_takes_the_first_plans_default_capacity():
    a = plan_status("a", [work(2, "Zed", 10)], default_capacity=20.0)
    b = plan_status("b", [work(2, "zed", 10)], default_capacity=50.0)
    [zed] = portfolio([a, b]).owners
    assert zed.capacity == 20.0 and zed.peak_load == pytest.approx(1.0)
    assert not zed.overloaded  # 100% is not over a 100% threshold


def test_money_adds_up_per_currency():
    a = plan_status("a", [work(2, "Ana", 1, budget=100)])
    b = plan_status("b", [work(2, "Ana", 1, budget=50)])
    c = plan_status("c", [work(2, "Ana", 1, budget=70)], currency="EUR")
    totals = currency_totals([a, b, c])
    assert totals["USD"]["planned"] == 150 and totals["EUR"]["planned"] == 70
    assert portfolio([a, b, c]).totals == totals


def test_owner_key_matches_as_the_team_does():
    assert owner_key("Ana  Lopez") == owner_key("ana lopez") == owner_key(" ANA LOPEZ")
    assert owner_key("José") == owner_key("Jose")
    assert owner_key("Ana") != owner_key("Anna")

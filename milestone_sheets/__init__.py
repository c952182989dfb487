"""msheets: milestone charts that live in Excel and LibreOffice.

The library behind the `msheets` command:

    from milestone_sheets import load_plan, evaluate
    plan = load_plan("plan.xlsx")
    status = evaluate(plan, plan.as_of)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from milestone_sheets.model import Issue, Plan
    from milestone_sheets.plans import load_plan
    from milestone_sheets.rules.evaluation import PlanStatus, evaluate

__all__ = ["Issue", "Plan", "PlanStatus", "__version__", "evaluate", "load_plan"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `msheets --help` does not import the readers and writers.
    if name == "load_plan":
        from milestone_sheets.plans import load_plan

        return load_plan
    if name in ("evaluate", "PlanStatus"):
        from milestone_sheets.rules.evaluation import PlanStatus, evaluate

        return {"evaluate": evaluate, "PlanStatus": PlanStatus}[name]
    if name in ("Plan", "Issue"):
        from milestone_sheets import model

        return getattr(model, name)
    raise AttributeError(name)

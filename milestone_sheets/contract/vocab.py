"""The closed vocabularies of the contract: dropdown values, status
synonyms, health and metric status.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Generic, NamedTuple, TypeVar

from milestone_sheets.i18n import Label, month_year, normalize, say, text, word

# --------------------------------------------------------------------------- dropdowns
# The English names are the values: they are what the JSON report says and what a plan's
# cells hold in an English workbook; the words shown in French come from the catalogue.


class Status(StrEnum):
    """A milestone's Status (the dropdown of the Status column)."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    DONE = "Done"
    ON_HOLD = "On hold"
    CANCELLED = "Cancelled"


class MilestoneType(StrEnum):
    """A milestone's Type (the dropdown of the Type column)."""

    IMPLEMENTATION = "Implementation"
    VALIDATION = "Validation"
    PLAN_REVIEW = "Plan review"
    METRIC_TARGET = "Metric target"


class Direction(StrEnum):
    """Which way a metric should move."""

    INCREASE = "Increase"
    DECREASE = "Decrease"


# --------------------------------------------------------------------------- choices

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Choices(Generic[E]):
    """The values of a dropdown, in both languages; `enum` holds their English names."""

    enum: type[E]
    values: tuple[Label, ...]
    default: E | None = None

    def names(self, lang: str) -> list[str]:
        return [v(lang) for v in self.values]

    def lookup(self, text: str) -> E | None:
        """The value (its enum member) a typed value stands for, or None."""
        english = _choice_index(self).get(normalize(text))
        return None if english is None else self.enum(english)


@functools.cache
def _choice_index(choices: Choices[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in choices.values:
        for k in v.match_keys():
            out.setdefault(k, v.en)
    return out


CHOICES: dict[str, Choices[Any]] = {
    "type": Choices(
        MilestoneType,
        (
            Label("choices.type.implementation", ("Mise en oeuvre",)),
            Label("choices.type.validation"),
            Label("choices.type.plan_review", ("Review",)),
            Label("choices.type.metric_target", ("Metric", "Target")),
        ),
        default=MilestoneType.IMPLEMENTATION,
    ),
    "status": Choices(
        Status,
        (
            Label("choices.status.not_started"),  # "Not begun" is a synonym (with an info)
            Label("choices.status.in_progress"),
            Label("choices.status.done"),
            Label("choices.status.on_hold"),
            Label("choices.status.cancelled", ("Canceled",)),
        ),
        default=Status.NOT_STARTED,
    ),
    "direction": Choices(
        Direction,
        (Label("choices.direction.increase", ("Up", "Higher")),
         Label("choices.direction.decrease", ("Down", "Lower"))),
    ),
}

# Status words real trackers use (contract section 3), en and fr: read as the status they
# stand for, with an info issue saying so. The import command uses the same table.
STATUS_SYNONYMS: dict[Status, tuple[str, ...]] = {
    Status.ON_HOLD: ("Blocked", "Paused", "Waiting", "Deferred", "Bloqué", "En attente",
                     "Reporté", "Suspendu"),
    Status.NOT_STARTED: ("Backlog", "To do", "Todo", "Planned", "Scheduled", "Draft",
                         "Not begun", "Open", "New", "YTS", "Yet to start", "Not yet started",
                         "À faire", "Prévu", "Planifié", "Brouillon"),
    Status.IN_PROGRESS: ("Started", "WIP", "Ongoing", "In review", "Ready for review", "Active",
                         "Doing", "In development", "Commencé", "En revue",
                         "En cours de revue"),
    Status.DONE: ("Complete", "Completed", "Closed", "Resolved", "Finished", "Delivered", "Fait",
                  "Fini", "Livré", "Clos", "Fermé", "Résolu", "Achevé"),
    Status.CANCELLED: ("Dropped", "Won't do", "Wont do", "Abandoned", "Canceled", "Abandonné",
                       "Annulée"),
}


@functools.cache
def _status_synonym_index() -> dict[str, Status]:
    return {normalize(word): status for status, words in STATUS_SYNONYMS.items()
            for word in words}


def status_synonym(text: str) -> Status | None:
    """The status a tracker's word stands for ("Blocked" -> "On hold"), or None."""
    return _status_synonym_index().get(normalize(text))


def choice_label(kind: str, english: str, lang: str) -> str:
    """A dropdown value (its English name) in `lang`: "On hold" is "En pause" in French."""
    return next((v(lang) for v in CHOICES[kind].values if v.en == english), english)


def group_label(rollup: str, key: str, lang: str) -> str:
    """A budget rollup group's name in `lang`: its key ("(none)", a Type, a YYYY-MM month)
    as the plan's language says it; a phase, owner, strategy or tactic as typed."""
    if key == word("none", "en"):
        return word("none", lang)
    if rollup == "by_type":
        return choice_label("type", key, lang)
    if rollup == "by_month":
        try:
            return month_year(date.fromisoformat(key + "-01"), lang)
        except ValueError:
            return key
    return key


# --------------------------------------------------------------------------- health


class Health(StrEnum):
    """A milestone's health on the as-of date (contract section 5, first match wins)."""

    DONE = "Done"
    DONE_LATE = "Done late"
    ON_TRACK = "On track"
    DUE_SOON = "Due soon"
    AT_RISK = "At risk"
    OVERDUE = "Overdue"
    ON_HOLD = "On hold"
    CANCELLED = "Cancelled"
    UNSCHEDULED = "Unscheduled"

    def label(self, lang: str) -> str:
        return text(f"health.{self.name.lower()}", lang)

    @property
    def is_done(self) -> bool:
        """Done or Done late ("Done" in the contract's totals and budget)."""
        return self in _DONE

    @property
    def is_open(self) -> bool:
        """Any health but Done, Done late, Cancelled and On hold."""
        return self not in _CLOSED


# Sets rather than tuples of members: Python 3.11 reaches a member (Health.DONE) through
# EnumType.__getattr__, some 200 ns, and the rules ask these of every milestone several times.
_DONE = frozenset({Health.DONE, Health.DONE_LATE})
_CLOSED = _DONE | {Health.CANCELLED, Health.ON_HOLD}


class MetricHealth(StrEnum):
    """A metric's status against its target (contract section 5, Metrics)."""

    ACHIEVED = "Achieved"
    ON_TRACK = "On track"
    BEHIND = "Behind"
    OFF_TRACK = "Off track"
    MISSED = "Missed"
    IN_PROGRESS = "In progress"
    NO_DATA = "No data"

    def label(self, lang: str) -> str:
        return text(f"metric_status.{self.name.lower()}", lang)



class Severity(StrEnum):
    """How bad an issue is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class FlagKind(StrEnum):
    """A reason behind a milestone's health (contract section 5, Flags)."""

    OVER_BUDGET = "over budget"
    BLOCKED_BY = "blocked by"
    BEHIND_SCHEDULE = "behind schedule"
    OWNER_OVERLOADED = "owner overloaded"
    UNKNOWN_OWNER = "unknown owner"
    NO_OWNER = "no owner"
    SLIPPED = "slipped"


class Flag(NamedTuple):
    """A flag: its kind and, for "blocked by" and "slipped", the milestone ID or the days.
    (A tuple: a plan of 10,000 milestones makes as many, and a frozen dataclass is five times
    slower to build.)"""

    kind: FlagKind
    arg: str | int | None = None

    def __str__(self) -> str:
        """The English text the JSON report carries: "blocked by M-002", "slipped 5 days"."""
        if self.kind is FlagKind.SLIPPED:
            return f"slipped {self.arg} days"
        return f"{self.kind} {self.arg}" if self.arg is not None else str(self.kind)

    def label(self, lang: str) -> str:
        """The flag in `lang`, from the catalogue."""
        if self.kind in (FlagKind.BLOCKED_BY, FlagKind.SLIPPED):
            return say(f"flag_{self.kind.name.lower()}", lang, rest=self.arg)
        return word(f"flag_{self.kind.name.lower()}", lang)

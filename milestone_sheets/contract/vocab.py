"""The closed vocabularies of the contract: dropdown values, status
synonyms, health and metric status.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from milestone_sheets.i18n import Label, normalize

# --------------------------------------------------------------------------- choices


@dataclass(frozen=True)
class Choices:
    """The values of a dropdown, in both languages."""

    values: tuple[Label, ...]
    default: str | None = None

    def names(self, lang: str) -> list[str]:
        return [v(lang) for v in self.values]

    def lookup(self, text: str) -> str | None:
        """The English value a typed value stands for, or None."""
        return _choice_index(self).get(normalize(text))


@functools.cache
def _choice_index(choices: Choices) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in choices.values:
        for k in v.match_keys():
            out.setdefault(k, v.en)
    return out


CHOICES = {
    "type": Choices(
        (
            Label("Implementation", "Mise en œuvre", ("Mise en oeuvre",)),
            Label("Validation", "Validation"),
            Label("Plan review", "Revue du plan", ("Review",)),
            Label("Metric target", "Objectif de métrique", ("Metric", "Target")),
        ),
        default="Implementation",
    ),
    "status": Choices(
        (
            Label("Not started", "Non commencé"),  # "Not begun" is a synonym (with an info)
            Label("In progress", "En cours"),
            Label("Done", "Terminé"),
            Label("On hold", "En pause"),
            Label("Cancelled", "Annulé", ("Canceled",)),
        ),
        default="Not started",
    ),
    "direction": Choices(
        (Label("Increase", "Hausse", ("Up", "Higher")), Label("Decrease", "Baisse",
                                                              ("Down", "Lower"))),
    ),
}

# Status words real trackers use (contract section 3), en and fr: read as the status they
# stand for, with an info issue saying so. The import command uses the same table.
STATUS_SYNONYMS: dict[str, tuple[str, ...]] = {
    "On hold": ("Blocked", "Paused", "Waiting", "Deferred", "Bloqué", "En attente", "Reporté",
                "Suspendu"),
    "Not started": ("Backlog", "To do", "Todo", "Planned", "Scheduled", "Draft", "Not begun",
                    "Open", "New", "YTS", "Yet to start", "Not yet started", "À faire",
                    "Prévu", "Planifié", "Brouillon"),
    "In progress": ("Started", "WIP", "Ongoing", "In review", "Ready for review", "Active",
                    "Doing", "In development", "Commencé", "En revue", "En cours de revue"),
    "Done": ("Complete", "Completed", "Closed", "Resolved", "Finished", "Delivered", "Fait",
             "Fini", "Livré", "Clos", "Fermé", "Résolu", "Achevé"),
    "Cancelled": ("Dropped", "Won't do", "Wont do", "Abandoned", "Canceled", "Abandonné",
                  "Annulée"),
}


@functools.cache
def _status_synonym_index() -> dict[str, str]:
    return {normalize(word): status for status, words in STATUS_SYNONYMS.items()
            for word in words}


def status_synonym(text: str) -> str | None:
    """The status a tracker's word stands for ("Blocked" -> "On hold"), or None."""
    return _status_synonym_index().get(normalize(text))

# --------------------------------------------------------------------------- health

HEALTH = ("Done", "Done late", "On track", "Due soon", "At risk", "Overdue", "On hold",
          "Cancelled", "Unscheduled")
HEALTH_FR = {
    "Done": "Terminé", "Done late": "Terminé en retard", "On track": "En bonne voie",
    "Due soon": "Échéance proche", "At risk": "À risque", "Overdue": "En retard",
    "On hold": "En pause", "Cancelled": "Annulé", "Unscheduled": "Non planifié",
}
DONE_HEALTH = ("Done", "Done late")
CLOSED_HEALTH = ("Done", "Done late", "Cancelled", "On hold")

METRIC_STATUS = ("Achieved", "On track", "Behind", "Off track", "Missed", "In progress",
                 "No data")
METRIC_STATUS_FR = {
    "Achieved": "Atteint", "On track": "En bonne voie", "Behind": "En retard",
    "Off track": "Décroché", "Missed": "Manqué", "In progress": "En cours",
    "No data": "Pas de données",
}


def health_label(health: str, lang: str) -> str:
    return HEALTH_FR.get(health, health) if lang == "fr" else health


def metric_status_label(status: str, lang: str) -> str:
    return METRIC_STATUS_FR.get(status, status) if lang == "fr" else status


def choice_label(kind: str, english: str, lang: str) -> str:
    """A dropdown value (its English name) in `lang`: "On hold" is "En pause" in French."""
    return next((v(lang) for v in CHOICES[kind].values if v.en == english), english)

"""The workbook contract in one place: sheets, columns, labels, dropdown values.

The generator, the reader and the writers all take their names from here;
no header or sheet title is typed anywhere else.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

LANGUAGES = ("en", "fr")


@functools.lru_cache(maxsize=65536)
def _normalize(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).casefold()
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"[\W_]+", "", s)


def normalize(text: object) -> str:
    """Case-, accent-, space- and punctuation-insensitive key for matching labels."""
    return _normalize(str(text))


@dataclass(frozen=True)
class Label:
    """A name in English and French, with accepted aliases."""

    en: str
    fr: str
    aliases: tuple[str, ...] = ()

    def __call__(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en

    def match_keys(self) -> frozenset[str]:
        return _label_keys(self)


@functools.cache
def _label_keys(label: Label) -> frozenset[str]:
    return frozenset(normalize(x) for x in (label.en, label.fr, *label.aliases))


# --------------------------------------------------------------------------- sheets


@dataclass(frozen=True)
class Sheet:
    """A sheet of the workbook; managed sheets are rebuilt by refresh."""

    key: str
    label: Label
    managed: bool = False


SHEETS = {
    s.key: s
    for s in (
        Sheet("guide", Label("Guide", "Guide")),
        Sheet("milestones", Label("Milestones", "Jalons")),
        Sheet("metrics", Label("Metrics", "Métriques", ("Indicateurs",))),
        Sheet("metric_log", Label("Metric log", "Journal des métriques", ("Metrics log",))),
        Sheet("team", Label("Team", "Équipe")),
        Sheet("settings", Label("Settings", "Paramètres")),
        Sheet("lists", Label("Lists", "Listes")),
        Sheet("summary", Label("Summary", "Synthèse"), managed=True),
        Sheet("budget", Label("Budget", "Budget"), managed=True),
        Sheet("workload", Label("Workload", "Charge"), managed=True),
        Sheet("timeline", Label("Timeline", "Chronologie"), managed=True),
        Sheet("issues", Label("Issues", "Problèmes"), managed=True),
        Sheet("history", Label("History", "Historique"), managed=True),
        Sheet("baseline", Label("Baseline", "Base de référence"), managed=True),
    )
}
INPUT_SHEETS = ("milestones", "metrics", "metric_log", "team", "settings")
REBUILT_SHEETS = ("summary", "budget", "workload", "timeline", "issues")


def sheet_title(key: str, lang: str) -> str:
    return SHEETS[key].label(lang)


def find_sheet_key(title: str) -> str | None:
    """The sheet key a workbook tab title stands for, in either language."""
    n = normalize(title)
    for key, sheet in SHEETS.items():
        if n in sheet.label.match_keys():
            return key
    return None


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """A column of an input sheet: its label, kind and rules."""

    key: str
    label: Label
    kind: str  # text, date, money, percent, number, choice, ids
    required: bool = False
    managed: bool = False
    width: float = 14
    help: str = ""
    help_fr: str = ""
    choices: str | None = None  # key into CHOICES


def _cols(*cols: Column) -> tuple[Column, ...]:
    return cols


MILESTONE_COLUMNS = _cols(
    Column("id", Label("ID", "ID"), "text", width=8,
           help="Unique ID; leave blank and refresh fills it (M-001, M-002 ...).",
           help_fr="Identifiant unique ; laissez vide, refresh le remplit (M-001 ...)."),
    Column("milestone", Label("Milestone", "Jalon", ("Milestone name", "Description")), "text",
           required=True, width=36,
           help="What will be achieved: a short description of the milestone.",
           help_fr="Ce qui sera accompli : description courte du jalon."),
    Column("phase", Label("Phase", "Phase"), "text", width=14, choices="phase",
           help="Phase of the plan; pick from the list or type a new one.",
           help_fr="Phase du plan ; choisissez dans la liste ou saisissez-en une."),
    Column("strategy", Label("Strategy", "Stratégie"), "text", width=20,
           help="The strategy this milestone serves.", help_fr="La stratégie servie."),
    Column("tactic", Label("Tactic", "Tactique"), "text", width=20,
           help="The tactic (under the strategy) this milestone implements.",
           help_fr="La tactique (sous la stratégie) mise en œuvre."),
    Column("type", Label("Type", "Type"), "choice", width=16, choices="type",
           help="Implementation, Validation, Plan review or Metric target. Blank = Implementation.",
           help_fr="Mise en œuvre, Validation, Revue du plan ou Objectif de métrique."),
    Column("owner", Label("Owner", "Responsable", ("Responsible", "Owner name")), "text",
           required=True, width=16, choices="owner",
           help="Who is responsible: a name from the Team sheet.",
           help_fr="Le responsable : un nom de la feuille Équipe."),
    Column("start", Label("Start", "Début", ("Start date",)), "date", width=12,
           help="Start date. Blank = Due minus the default duration.",
           help_fr="Date de début. Vide = échéance moins la durée par défaut."),
    Column("due", Label("Due", "Échéance", ("Due date", "Deadline")), "date", required=True,
           width=12, help="Due date (required).", help_fr="Date d'échéance (obligatoire)."),
    Column("budget", Label("Budget", "Budget"), "money", width=13,
           help="Planned cost. '1,000/month' means per calendar month.",
           help_fr="Coût prévu. « 1 000/mois » = par mois calendaire."),
    Column("actual", Label("Actual", "Dépensé", ("Spent", "Actual cost")), "money", width=13,
           help="Money spent to date.", help_fr="Montant dépensé à ce jour."),
    Column("effort", Label("Effort (h)", "Effort (h)", ("Effort", "Hours")), "number", width=10,
           help="Hours of work planned.", help_fr="Heures de travail prévues."),
    Column("pct", Label("% Complete", "% achevé", ("Percent complete", "Progress %")), "percent",
           width=11, help="How far along: 0% to 100%.", help_fr="Avancement : 0 % à 100 %."),
    Column("status", Label("Status", "Statut"), "choice", width=13, choices="status",
           help="Not started, In progress, Done, On hold or Cancelled.",
           help_fr="Non commencé, En cours, Terminé, En pause ou Annulé."),
    Column("completed", Label("Completed", "Terminé le", ("Completed on", "Done on")), "date",
           width=12, help="Date it was completed (for Done).",
           help_fr="Date de fin réelle (pour Terminé)."),
    Column("deliverable", Label("Deliverable", "Livrable"), "text", width=24,
           help="The tangible output of the milestone.", help_fr="Le résultat tangible."),
    Column("depends_on", Label("Depends on", "Dépend de", ("Dependencies",)), "ids", width=12,
           help="IDs of milestones this one waits for, separated by commas.",
           help_fr="ID des jalons attendus, séparés par des virgules."),
    Column("metric", Label("Metric", "Métrique"), "text", width=16, choices="metric",
           help="For Metric target milestones: the metric (from the Metrics sheet).",
           help_fr="Pour les objectifs de métrique : la métrique."),
    Column("target_value", Label("Target value", "Valeur cible"), "number", width=11,
           help="For Metric target milestones: the value to reach.",
           help_fr="Pour les objectifs de métrique : la valeur à atteindre."),
    Column("notes", Label("Notes", "Notes"), "text", width=24, help="Anything else.",
           help_fr="Commentaires libres."),
    Column("health", Label("Health", "Santé"), "text", managed=True, width=12,
           help="Filled by msheets refresh.", help_fr="Rempli par msheets refresh."),
    Column("slack", Label("Slack (days)", "Marge (jours)"), "number", managed=True, width=10,
           help="Filled by msheets refresh.", help_fr="Rempli par msheets refresh."),
    Column("flags", Label("Flags", "Alertes"), "text", managed=True, width=30,
           help="Filled by msheets refresh.", help_fr="Rempli par msheets refresh."),
)

METRIC_COLUMNS = _cols(
    Column("metric", Label("Metric", "Métrique"), "text", required=True, width=30,
           help="Name of the metric (CTR, unique visitors ...).", help_fr="Nom de la métrique."),
    Column("unit", Label("Unit", "Unité"), "text", width=10, help="Unit: %, visits, leads ...",
           help_fr="Unité : %, visites, leads ..."),
    Column("direction", Label("Direction", "Sens"), "choice", width=11, choices="direction",
           help="Increase or Decrease. Blank = inferred from target vs baseline.",
           help_fr="Hausse ou Baisse. Vide = déduit de la cible."),
    Column("baseline", Label("Baseline", "Référence"), "number", width=11,
           help="Value at the start.", help_fr="Valeur de départ."),
    Column("baseline_date", Label("Baseline date", "Date de référence"), "date", width=12,
           help="Date of the baseline value.", help_fr="Date de la valeur de départ."),
    Column("target", Label("Target", "Cible"), "number", width=11, help="Value to reach.",
           help_fr="Valeur à atteindre."),
    Column("target_date", Label("Target date", "Date cible"), "date", width=12,
           help="When the target should be reached.", help_fr="Date d'atteinte visée."),
    Column("current", Label("Current", "Actuel"), "number", width=11,
           help="Latest value. Blank = latest reading in Metric log.",
           help_fr="Dernière valeur. Vide = dernière mesure du journal."),
    Column("owner", Label("Owner", "Responsable"), "text", width=16, choices="owner",
           help="Who reports this metric.", help_fr="Qui suit cette métrique."),
    Column("notes", Label("Notes", "Notes"), "text", width=24, help="Anything else.",
           help_fr="Commentaires libres."),
    Column("progress", Label("Progress", "Progression"), "percent", managed=True, width=11,
           help="Filled by msheets refresh.", help_fr="Rempli par msheets refresh."),
    Column("expected", Label("Expected", "Attendu"), "percent", managed=True, width=11,
           help="Filled by msheets refresh.", help_fr="Rempli par msheets refresh."),
    Column("metric_status", Label("Metric status", "État"), "text", managed=True, width=12,
           help="Filled by msheets refresh.", help_fr="Rempli par msheets refresh."),
)

METRIC_LOG_COLUMNS = _cols(
    Column("date", Label("Date", "Date"), "date", required=True, width=12,
           help="Date of the reading.", help_fr="Date de la mesure."),
    Column("metric", Label("Metric", "Métrique"), "text", required=True, width=30,
           choices="metric", help="Metric name, as in the Metrics sheet.",
           help_fr="Nom de la métrique."),
    Column("value", Label("Value", "Valeur"), "number", required=True, width=12,
           help="The value read on that date.", help_fr="Valeur mesurée."),
)

TEAM_COLUMNS = _cols(
    Column("owner", Label("Owner", "Responsable", ("Name", "Nom")), "text", required=True,
           width=20, help="Name, as used in the Owner column.", help_fr="Nom du responsable."),
    Column("role", Label("Role", "Rôle"), "text", width=20, help="Role in the team.",
           help_fr="Rôle dans l'équipe."),
    Column("email", Label("Email", "E-mail", ("E-mail", "Courriel")), "text", width=26,
           help="E-mail address.", help_fr="Adresse e-mail."),
    Column("capacity", Label("Capacity (h/week)", "Capacité (h/sem)", ("Capacity",)),
           "number", width=12, help="Hours a week available for this plan.",
           help_fr="Heures par semaine disponibles."),
    Column("notes", Label("Notes", "Notes"), "text", width=24, help="Anything else.",
           help_fr="Commentaires libres."),
)

SETTINGS_COLUMNS = _cols(
    Column("setting", Label("Setting", "Paramètre"), "text", required=True, width=28),
    Column("value", Label("Value", "Valeur"), "text", required=True, width=26),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "milestones": MILESTONE_COLUMNS,
    "metrics": METRIC_COLUMNS,
    "metric_log": METRIC_LOG_COLUMNS,
    "team": TEAM_COLUMNS,
    "settings": SETTINGS_COLUMNS,
}
# The column whose header identifies the header row of each input sheet.
KEY_COLUMN = {
    "milestones": "milestone",
    "metrics": "metric",
    "metric_log": "metric",
    "team": "owner",
    "settings": "setting",
}


def column(sheet: str, key: str) -> Column:
    for col in COLUMNS[sheet]:
        if col.key == key:
            return col
    raise KeyError(key)


@functools.cache
def header_index(sheet: str) -> dict[str, str]:
    """normalized header -> column key, for one input sheet."""
    out: dict[str, str] = {}
    for col in COLUMNS[sheet]:
        for k in col.label.match_keys():
            out.setdefault(k, col.key)
    return out


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


DEFAULT_PHASES = {
    "en": ["Research", "Planning", "Launch", "Growth", "Review"],
    "fr": ["Recherche", "Planification", "Lancement", "Croissance", "Bilan"],
}

# --------------------------------------------------------------------------- health

HEALTH = ("Done", "Done late", "On track", "Due soon", "At risk", "Overdue", "On hold",
          "Cancelled", "Unscheduled")
HEALTH_FR = {
    "Done": "Terminé", "Done late": "Terminé en retard", "On track": "En bonne voie",
    "Due soon": "Échéance proche", "At risk": "À risque", "Overdue": "En retard",
    "On hold": "En pause", "Cancelled": "Annulé", "Unscheduled": "Non planifié",
}
# Fill colours of the Health cell (text always says the health too).
HEALTH_COLOURS = {
    "Done": "1E7B34", "On track": "C6EFCE", "Done late": "63BE7B", "Due soon": "FFEB84",
    "At risk": "F4B183", "Overdue": "FF7C80", "On hold": "D9D9D9", "Cancelled": "D9D9D9",
    "Unscheduled": "D9D9D9",
}
HEALTH_FONT = {"Done": "FFFFFF"}  # white text on dark green
DONE_HEALTH = ("Done", "Done late")
CLOSED_HEALTH = ("Done", "Done late", "Cancelled", "On hold")

METRIC_STATUS = ("Achieved", "On track", "Behind", "Off track", "Missed", "In progress",
                 "No data")
METRIC_STATUS_FR = {
    "Achieved": "Atteint", "On track": "En bonne voie", "Behind": "En retard",
    "Off track": "Décroché", "Missed": "Manqué", "In progress": "En cours",
    "No data": "Pas de données",
}
METRIC_STATUS_COLOURS = {
    "Achieved": "1E7B34", "On track": "C6EFCE", "Behind": "FFEB84", "Off track": "FF7C80",
    "Missed": "FF7C80", "In progress": "DDEBF7", "No data": "D9D9D9",
}


def health_label(health: str, lang: str) -> str:
    return HEALTH_FR.get(health, health) if lang == "fr" else health


def metric_status_label(status: str, lang: str) -> str:
    return METRIC_STATUS_FR.get(status, status) if lang == "fr" else status


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Setting:
    """A row of the Settings sheet: its label, kind and default."""

    key: str
    label: Label
    kind: str  # text, date, int, number, choice
    default_en: object
    default_fr: object
    help: str = ""
    help_fr: str = ""

    def default(self, lang: str) -> object:
        return self.default_fr if lang == "fr" else self.default_en


SETTINGS = (
    Setting("plan_name", Label("Plan name", "Nom du plan"), "text", "", "",
            "Blank = the file name.", "Vide = le nom du fichier."),
    Setting("currency", Label("Currency", "Devise"), "text", "USD", "EUR",
            "ISO code of the plan currency.", "Code ISO de la devise du plan."),
    Setting("as_of", Label("As-of date", "Date d'arrêté", ("As of", "Date de situation")),
            "date", "", "", "Blank = today; --as-of overrides.",
            "Vide = aujourd'hui ; --as-of la remplace."),
    Setting("date_order", Label("Date order", "Ordre des dates"), "text", "MDY", "DMY",
            "MDY, DMY or YMD: how to read ambiguous text dates like 03/04/2026.",
            "MDY, DMY ou YMD : lecture des dates ambiguës comme 03/04/2026."),
    Setting("due_soon", Label("Due soon (days)", "Échéance proche (jours)"), "int", 14, 14,
            "Open milestones due within this many days are Due soon.",
            "Jalons ouverts dus dans ce nombre de jours."),
    Setting("default_duration", Label("Default duration (days)", "Durée par défaut (jours)"),
            "int", 14, 14, "Start = Due minus this when Start is blank.",
            "Début = échéance moins cette durée si Début est vide."),
    Setting("default_effort", Label("Default effort (h)", "Effort par défaut (h)"), "number",
            8, 8, "Hours assumed when Effort (h) is blank.", "Heures si Effort (h) est vide."),
    Setting("default_capacity",
            Label("Default capacity (h/week)", "Capacité par défaut (h/sem)"), "number",
            40, 40, "Weekly hours of an owner not in Team or without capacity.",
            "Heures par semaine d'un responsable sans capacité."),
    Setting("overload_threshold",
            Label("Overload threshold (%)", "Seuil de surcharge (%)"), "number", 100, 100,
            "Owners loaded above this in any week are overloaded.",
            "Au-delà de cette charge hebdomadaire, surcharge."),
    Setting("workload_weeks", Label("Workload weeks", "Semaines de charge"), "int", 8, 8,
            "How many weeks the workload grid covers.", "Nombre de semaines de la grille."),
    Setting("plan_review", Label("Plan review", "Revue du plan"), "text",
            "Monthly, 2nd Friday", "Mensuelle, 2e vendredi",
            "When the team reviews the plan.", "Quand l'équipe revoit le plan."),
    Setting("language", Label("Language", "Langue"), "text", "en", "fr",
            "en or fr: the language of the workbook.", "en ou fr : la langue du classeur."),
)
SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}


def find_setting(name: str) -> Setting | None:
    n = normalize(name)
    for s in SETTINGS:
        if n in s.label.match_keys():
            return s
    return None


# --------------------------------------------------------------------------- defined names

# Dropdown sources (on the hidden Lists sheet, or Team for owners).
LIST_NAMES = {
    "status": "msheets_status",
    "type": "msheets_type",
    "direction": "msheets_direction",
    "phase": "msheets_phase",
    "owner": "msheets_owner",
    "metric": "msheets_metric",
}
LIST_ROWS = 200  # rows reserved for user-extendable lists (phases, owners, metrics)


WORDS: dict[str, Label] = {
    k: Label(en, fr)
    for k, en, fr in (
        ("none", "(none)", "(aucun)"),
        ("filled_by_refresh", "filled by msheets refresh", "rempli par msheets refresh"),
        ("plan", "Plan", "Plan"),
        ("as_of", "As of", "Au"),
        ("milestones", "Milestones", "Jalons"),
        ("done", "Done", "Terminés"),
        ("overdue", "Overdue", "En retard"),
        ("at_risk", "At risk", "À risque"),
        ("due_soon", "Due soon", "Échéance proche"),
        ("planned", "Planned", "Prévu"),
        ("budget", "Budget", "Budget"),
        ("actual", "Actual", "Dépensé"),
        ("variance", "Variance", "Écart"),
        ("earned_value", "Earned value", "Valeur acquise"),
        ("planned_value", "Planned value", "Valeur planifiée"),
        ("cpi", "CPI", "IPC"),
        ("spi", "SPI", "IPD"),
        ("percent_complete", "% complete", "% achevé"),
        ("next_review", "Next plan review", "Prochaine revue du plan"),
        ("agenda", "Review agenda", "Ordre du jour de la revue"),
        ("health", "Health", "Santé"),
        ("count", "Count", "Nombre"),
        ("next_14", "Due in the next 14 days", "Échéances des 14 prochains jours"),
        ("overloaded", "Overloaded owners", "Responsables surchargés"),
        ("metrics", "Metrics", "Métriques"),
        ("owner", "Owner", "Responsable"),
        ("due", "Due", "Échéance"),
        ("id", "ID", "ID"),
        ("milestone", "Milestone", "Jalon"),
        ("flags", "Flags", "Alertes"),
        ("peak", "Peak load", "Charge max"),
        ("capacity", "Capacity (h/week)", "Capacité (h/sem)"),
        ("open", "Open", "Ouverts"),
        ("week", "Week", "Semaine"),
        ("hours", "Hours", "Heures"),
        ("load", "Load", "Charge"),
        ("severity", "Severity", "Gravité"),
        ("error", "error", "erreur"),
        ("flag_over_budget", "over budget", "dépassement de budget"),
        ("flag_behind_schedule", "behind schedule", "en retard sur le planning"),
        ("flag_owner_overloaded", "owner overloaded", "responsable surchargé"),
        ("flag_unknown_owner", "unknown owner", "responsable inconnu"),
        ("flag_no_owner", "no owner", "sans responsable"),
        ("flag_blocked_by", "blocked by {rest}", "bloqué par {rest}"),
        ("flag_slipped", "slipped {rest} days", "glissement de {rest} jours"),
        ("warning", "warning", "avertissement"),
        ("info", "info", "info"),
        ("sheet", "Sheet", "Feuille"),
        ("cell", "Cell", "Cellule"),
        ("field", "Field", "Champ"),
        ("value", "Value", "Valeur"),
        ("message", "Message", "Message"),
        ("progress", "Progress", "Progression"),
        ("expected", "Expected", "Attendu"),
        ("status", "Status", "État"),
        ("target", "Target", "Cible"),
        ("current", "Current", "Actuel"),
        ("baseline", "Baseline", "Référence"),
        ("recorded", "Recorded on", "Enregistré le"),
        ("key", "Group", "Groupe"),
        ("by_phase", "By phase", "Par phase"),
        ("by_owner", "By owner", "Par responsable"),
        ("by_strategy", "By strategy", "Par stratégie"),
        ("by_tactic", "By tactic", "Par tactique"),
        ("by_type", "By type", "Par type"),
        ("by_month", "By due month", "Par mois d'échéance"),
        ("today", "Today", "Aujourd'hui"),
        ("review", "Plan review", "Revue du plan"),
        ("no_issues", "No problems found.", "Aucun problème."),
        ("budget_chart", "Budget: planned vs actual", "Budget : prévu et dépensé"),
        ("trend", "Progress and spend", "Avancement et dépenses"),
        ("start", "Start", "Début"),
        ("slip", "Slip (days)", "Glissement (jours)"),
        # managed sheets (refresh)
        ("total", "Total", "Total"),
        ("yes", "yes", "oui"),
        ("due_month", "Due month", "Mois d'échéance"),
        ("page", "Page", "Page"),
        ("timeline_shown", "the first {shown} of {total} milestones",
         "les {shown} premiers jalons sur {total}"),
        ("more_rows", "… and {n} more: filter the {column} column of the {sheet} sheet",
         "… et {n} autres : filtrez la colonne {column} de la feuille {sheet}"),
        # msheets new: the workbook's own words, and what the command prints
        ("description", "Description", "Description"),
        # print footer: file name, sheet name, page number (Excel header/footer codes)
        ("footer", "&L&F&C&A&RPage &P of &N", "&L&F&C&A&RPage &P sur &N"),
        ("pick_from_list", "Pick a value from the list.", "Choisissez une valeur dans la liste."),
        ("not_in_list", "This value is not in the list. Keep it anyway?",
         "Cette valeur n'est pas dans la liste. La garder ?"),
        ("type_a_date", "Type a date, like 30 Sep 2026. msheets also reads text such as "
         "'end of Q3' or 'Q3 2026' (the last day of the quarter).",
         "Saisissez une date, par exemple 30/09/2026. msheets lit aussi un texte comme "
         "« T3 2026 » (le dernier jour du trimestre)."),
        ("type_a_number", "Type a positive number ('1,000/month' is fine for a budget).",
         "Saisissez un nombre positif (« 1 000/mois » est accepté pour un budget)."),
        ("type_a_percent", "From 0 to 100: 25 and 25% both mean a quarter done.",
         "De 0 à 100 : 25 et 25 % veulent dire un quart fait."),
        ("new_written", "Wrote {path} ({template}, {lang}). Open it, fill the {sheet} sheet, "
         "then run `msheets refresh {name}`.",
         "{path} écrit ({template}, {lang}). Ouvrez-le, remplissez la feuille {sheet}, puis "
         "lancez `msheets refresh {name}`."),
        ("new_exists", "{path} already exists; use --force to overwrite it (or choose another "
         "name)", "{path} existe déjà ; ajoutez --force pour le remplacer (ou choisissez un "
         "autre nom)"),
        ("new_is_folder", "{path} is a folder; give the path of an .xlsx file",
         "{path} est un dossier ; donnez le chemin d'un fichier .xlsx"),
        ("new_not_xlsx", "{name}: the plan must be an .xlsx file (Excel workbook)",
         "{name} : le plan doit être un fichier .xlsx (classeur Excel)"),
        ("unknown_template", "unknown template {name!r}; choose one of: {names} (see "
         "`msheets templates`)", "modèle {name!r} inconnu ; choisissez parmi : {names} (voir "
         "`msheets templates`)"),
        # reports (text, markdown, HTML) and the calendar, in the plan's language
        ("r_as_of", "{plan} - as of {date}", "{plan} - au {date}"),
        ("r_as_of_line", "As of {date}", "Au {date}"),
        ("r_milestones_line", "{n} ({done} done, {overdue} overdue, {at_risk} at risk, "
         "{due_soon} due soon)", "{n} ({done} terminés, {overdue} en retard, {at_risk} à "
         "risque, {due_soon} à échéance proche)"),
        ("r_budget_line", "{planned} planned, {actual} spent, variance {variance}",
         "{planned} prévus, {actual} dépensés, écart {variance}"),
        ("r_ev_line", "{ev} (PV {pv}), CPI {cpi}, SPI {spi}",
         "{ev} (VP {pv}), IPC {cpi}, IPD {spi}"),
        ("r_complete", "Complete", "Achevé"),
        ("r_next_review", "Next review", "Prochaine revue"),
        ("r_none_scheduled", "none scheduled", "aucune prévue"),
        ("r_needs_attention", "Needs attention", "À surveiller"),
        ("r_peak_week", "Peak week", "Semaine de pointe"),
        ("r_metric", "Metric", "Métrique"),
        ("r_agenda_of", "Agenda of the plan review on {date}",
         "Ordre du jour de la revue du plan du {date}"),
        ("r_item", "Item", "Point"),
        ("r_metric_item", "Metric: {name}", "Métrique : {name}"),
        ("r_problems", "{errors} error(s), {warnings} warning(s): run `msheets check` for the "
         "cells.", "{errors} erreur(s), {warnings} avertissement(s) : lancez `msheets check` "
         "pour les cellules."),
        ("r_errors_in_workbook", "{n} error(s) in the workbook", "{n} erreur(s) dans le classeur"),
        ("r_budget_by_phase", "Budget by phase", "Budget par phase"),
        ("r_budget_legend", "Blue: planned; green: spent (red when over plan).",
         "Bleu : prévu ; vert : dépensé (rouge au-delà du prévu)."),
        ("r_timeline", "Timeline", "Chronologie"),
        ("r_timeline_legend", "Dashed red: today; purple: plan reviews.",
         "Tirets rouges : aujourd'hui ; violet : revues du plan."),
        ("r_no_scheduled", "No scheduled milestones.", "Aucun jalon planifié."),
        ("r_overdue_at_risk", "Overdue and at risk", "En retard et à risque"),
        ("r_nothing_overdue", "Nothing overdue or at risk.", "Rien en retard ni à risque."),
        ("r_no_metrics", "No metrics.", "Aucune métrique."),
        ("r_next_review_on", "Next plan review: {date}", "Prochaine revue du plan : {date}"),
        ("r_nothing_on_agenda", "Nothing on the agenda.", "Rien à l'ordre du jour."),
        ("r_made_from", "Made by msheets from {file}.", "Produit par msheets à partir de {file}."),
        ("r_due_on", "due {date}", "échéance {date}"),
        ("c_review", "Plan review: {plan}", "Revue du plan : {plan}"),
        ("c_review_text", "{setting}. Agenda: what is overdue, at risk or due before the next "
         "review, and metrics behind pace.", "{setting}. Ordre du jour : ce qui est en retard, "
         "à risque ou dû avant la revue suivante, et les métriques en retard."),
        # issues the reader finds (Issues sheet, notes, `check`): {text!r} quotes what the
        # user typed, « text » in French; numbers come formatted (format_number)
        ("i_not", "is {kind}, not {what}", "est {kind}, pas {what}"),
        ("i_bool", "TRUE/FALSE", "VRAI/FAUX"),
        ("i_a_date", "a date", "une date"),
        ("i_a_number", "a number", "un nombre"),
        ("i_a_money", "an amount of money", "un montant"),
        ("i_a_percentage", "a percentage", "un pourcentage"),
        ("i_type_date", "a date", "une date"),
        ("i_type_datetime", "a datetime", "une date"),
        ("i_type_time", "a time", "une heure"),
        ("i_type_timedelta", "a timedelta", "une durée"),
        ("i_type_bool", "a bool", "VRAI/FAUX"),
        ("i_serial_not_date", "{value} is not a date", "{value} n'est pas une date"),
        ("i_cannot_read", "cannot read {text!r} as {what}",
         "impossible de lire « {text} » comme {what}"),
        ("i_not_finite", "is not a finite number", "n'est pas un nombre fini"),
        ("i_negative_percent", "is negative; use 0% to 100%",
         "est négatif ; utilisez 0 % à 100 %"),
        ("i_above_100", "is above 100%", "dépasse 100 %"),
        ("i_unknown_choice", "unknown {what} {text!r}", "{what} « {text} » inconnu"),
        ("i_pick_dropdown", "{error}; pick a value from the dropdown",
         "{error} ; choisissez une valeur dans la liste"),
        ("i_read_as", "read {text!r} as {value}", "« {text} » lu comme {value}"),
        ("i_no_value", "formula has no computed value; open and save the file in Excel or "
         "LibreOffice so it is calculated (read as blank)", "la formule n'a pas de valeur "
         "calculée ; ouvrez et enregistrez le fichier dans Excel ou LibreOffice pour qu'elle "
         "soit calculée (lue comme vide)"),
        ("i_default_used", "{message}; the default is used",
         "{message} ; la valeur par défaut est utilisée"),
        ("i_date_order", "Date order must be MDY, DMY or YMD",
         "l'ordre des dates doit être MDY, DMY ou YMD"),
        ("i_not_negative", "must not be negative", "ne doit pas être négatif"),
        ("i_team_no_name", "team row without a name is ignored",
         "ligne de l'équipe sans nom : ignorée"),
        ("i_team_twice", "{name!r} is listed twice in Team; the first is used",
         "« {name} » figure deux fois dans la feuille {sheet} ; la première ligne est utilisée"),
        ("i_capacity_negative", "capacity cannot be negative",
         "la capacité ne peut pas être négative"),
        ("i_no_metric_name", "row has data but no Metric name",
         "ligne remplie mais sans nom de métrique"),
        ("i_contradicts", "target {target} contradicts Direction {direction} from baseline "
         "{baseline}", "la cible {target} contredit le sens {direction} depuis la référence "
         "{baseline}"),
        ("i_reading_no_date", "reading without a Date", "mesure sans date"),
        ("i_reading_no_metric", "reading without a Metric name", "mesure sans nom de métrique"),
        ("i_not_in_metrics", "{name!r} is not in the Metrics sheet",
         "« {name} » n'est pas dans la feuille {sheet}"),
        ("i_scale_more", "more than {n} times", "plus de {n} fois"),
        ("i_scale_less", "less than 1/{n} of", "moins de 1/{n} de"),
        ("i_scale", "{value} is {side} the Target of {metric!r} ({target}, {ref}): was one of "
         "them typed on the other scale? With Unit %, a number above 1 is percent points "
         "(1.1 = 1.1%); a number up to 1, or a % cell, is a fraction (0.5 = 50%)",
         "{value} vaut {side} la cible de « {metric} » ({target}, {ref}) : l'une des deux "
         "valeurs a-t-elle été saisie sur l'autre échelle ? Avec l'unité %, un nombre "
         "au-dessus de 1 est en points de pourcentage (1,1 = 1,1 %) ; un nombre jusqu'à 1, ou "
         "une cellule en %, est une fraction (0,5 = 50 %)"),
        ("i_no_milestone_text", "row has data but no Milestone text",
         "ligne remplie mais sans texte de jalon"),
        ("i_no_owner", "no owner: pick a name from the Team sheet",
         "pas de responsable : choisissez un nom de la feuille {sheet}"),
        ("i_owner_unknown", "owner {owner!r} is not in the Team sheet",
         "le responsable « {owner} » n'est pas dans la feuille {sheet}"),
        ("i_missing_due", "missing Due date", "date d'échéance manquante"),
        ("i_due_before_start", "Due {due} is before Start {start}; Start is ignored",
         "l'échéance {due} précède le début {start} ; le début est ignoré"),
        ("i_actual_per_month", "Actual is money spent to date; '/month' is ignored",
         "Dépensé est le montant dépensé à ce jour ; « /mois » est ignoré"),
        ("i_effort_negative", "effort cannot be negative", "l'effort ne peut pas être négatif"),
        ("i_target_no_metric", "Metric target milestone without a Metric",
         "objectif de métrique sans métrique"),
        ("i_metric_unknown", "metric {metric!r} is not in the Metrics sheet",
         "la métrique « {metric} » n'est pas dans la feuille {sheet}"),
        ("i_target_no_value", "Metric target milestone without a Target value",
         "objectif de métrique sans valeur cible"),
        ("i_done_no_date", "Done without a Completed date",
         "terminé sans date dans la colonne Terminé le"),
        ("i_done_by_pct", "% Complete is 100%", "% achevé vaut 100 %"),
        ("i_done_by_date", "Completed holds a date ({date})",
         "Terminé le contient une date ({date})"),
        ("i_blank_status_done", "blank Status read as Done: {reason}",
         "Statut vide lu comme Terminé : {reason}"),
        ("i_status_done", "Status read as Done: {reason}", "Statut lu comme Terminé : {reason}"),
        ("i_month_needs_due", "a per-month budget needs a Due date; counted as one month",
         "un budget mensuel demande une échéance ; compté pour un mois"),
        ("i_per_month", "read {text!r} as {amount} x {months} month(s) = {total}",
         "« {text} » lu comme {amount} × {months} mois = {total}"),
        ("i_duplicate_id", "duplicate ID {id!r} (also row {row})",
         "ID « {id} » en double (aussi ligne {row})"),
        ("i_unknown_dependency", "depends on unknown ID {id!r}",
         "dépend de l'ID inconnu « {id} »"),
        ("i_self_dependency", "a milestone cannot depend on itself",
         "un jalon ne peut pas dépendre de lui-même"),
        ("i_cycle", "dependency cycle {path}", "cycle de dépendances {path}"),
        # what the command line prints about a plan, in the plan's language
        ("cli_error", "Error: {message}", "Erreur : {message}"),
        ("cli_internal", "internal error of msheets {version} ({detail}). This is a bug in "
         "msheets, not a problem with your file: please report it to the msheets maintainers "
         "with the command you ran", "erreur interne de msheets {version} ({detail}). C'est "
         "un bogue de msheets, pas un problème de votre fichier : signalez-le aux mainteneurs "
         "de msheets avec la commande lancée"),
        ("cli_internal_debug", " and what it prints with MSHEETS_DEBUG=1 set.",
         " et ce qu'elle affiche avec MSHEETS_DEBUG=1."),
        ("cli_errors", "ERRORS ({n})", "ERREURS ({n})"),
        ("cli_warnings", "WARNINGS ({n})", "AVERTISSEMENTS ({n})"),
        ("cli_infos", "INFOS ({n})", "INFOS ({n})"),
        ("cli_counts", "{errors} error(s), {warnings} warning(s), {infos} info",
         "{errors} erreur(s), {warnings} avertissement(s), {infos} info(s)"),
        ("cli_this_report", "report", "ce rapport"),
        ("cli_this_check", "check", "cette vérification"),
        ("cli_refreshed_same", "Note: workbook last refreshed for {last}, the date this {what} "
         "is as of.", "Remarque : classeur actualisé pour la dernière fois au {last}, la date "
         "de {what}."),
        ("cli_refreshed_other", "Note: workbook last refreshed for {last}; this {what} is as of "
         "{date} ({source}). Use --as-of {last} to match the workbook's Summary sheet.",
         "Remarque : classeur actualisé pour la dernière fois au {last} ; {what} est au "
         "{date} ({source}). Ajoutez --as-of {last} pour retrouver la feuille {summary} du "
         "classeur."),
        ("cli_source_settings", "the Settings sheet's As-of date",
         "la date d'arrêté de la feuille {sheet}"),
        ("cli_source_today", "today", "aujourd'hui"),
        ("cli_summary", "{milestones} milestones: {done} done, {overdue} overdue, {at_risk} at "
         "risk, {due_soon} due soon; {errors} error(s), {warnings} warning(s) (see the Issues "
         "sheet)", "{milestones} jalons : {done} terminés, {overdue} en retard, {at_risk} à "
         "risque, {due_soon} à échéance proche ; {errors} erreur(s), {warnings} "
         "avertissement(s) (voir la feuille {issues})"),
        ("cli_would_change", "would change: {change}", "changerait : {change}"),
        ("cli_dry_run", "Dry run as of {date}: nothing was written. {summary}",
         "Essai au {date} : rien n'a été écrit. {summary}"),
        ("cli_backup", " (previous version kept as {name})",
         " (version précédente gardée sous {name})"),
        ("cli_refreshed", "Refreshed {path} as of {date}{backup}. {summary}",
         "{path} actualisé au {date}{backup}. {summary}"),
        ("cli_wrote", "Wrote {path}", "{path} écrit"),
        ("cli_calendar", "Wrote {path}: {n} event(s). Import it again after changes: events "
         "are updated, not duplicated.", "{path} écrit : {n} événement(s). Importez-le de "
         "nouveau après des changements : les événements sont mis à jour, pas dupliqués."),
        # what refresh changed (`refresh` prints them)
        ("rf_added_columns", "{sheet}: added column(s) {columns}",
         "{sheet} : colonne(s) ajoutée(s) : {columns}"),
        ("rf_changed", "{sheet}: {column} changed in {n} cell(s)",
         "{sheet} : {n} cellule(s) modifiée(s) dans la colonne {column}"),
        ("rf_filled_ids", "{sheet}: filled {n} blank ID(s): {ids}",
         "{sheet} : {n} ID vide(s) rempli(s) : {ids}"),
        ("rf_id_row", "{id} (row {row})", "{id} (ligne {row})"),
        ("rf_notes", "notes: {added} cell(s) annotated, {removed} earlier note(s) removed",
         "notes : {added} cellule(s) annotée(s), {removed} note(s) précédente(s) retirée(s)"),
        ("rf_rebuilt", "rebuilt {sheets}", "feuilles reconstruites : {sheets}"),
        ("rf_history_added", "{sheet}: added the row for {date}",
         "{sheet} : ligne du {date} ajoutée"),
        ("rf_history_replaced", "{sheet}: replaced the row for {date}",
         "{sheet} : ligne du {date} remplacée"),
        ("rf_baseline", "{sheet}: recorded {n} milestone(s)",
         "{sheet} : {n} jalon(s) enregistré(s)"),
        # a line of msheets' note on a cell: "error: missing Due date"
        ("rf_note", "{severity}: {message}", "{severity} : {message}"),
    )
}


def word(key: str, lang: str) -> str:
    return WORDS[key](lang)


def say(key: str, lang: str, **values: object) -> str:
    """A sentence of the catalogue in `lang`, its {placeholders} filled."""
    return WORDS[key](lang).format(**values)


def format_number(value: float, spec: str, lang: str) -> str:
    """`format(value, spec)`, with French separators in French: 1 234,5 and 50 %."""
    text = format(value, spec)
    if lang != "fr":
        return text
    text = text.replace(",", " ").replace(".", ",")
    return text[:-1] + " %" if text.endswith("%") else text


def choice_label(kind: str, english: str, lang: str) -> str:
    """A dropdown value (its English name) in `lang`: "On hold" is "En pause" in French."""
    return next((v(lang) for v in CHOICES[kind].values if v.en == english), english)


def field_label(sheet_key: str | None, field_key: str, lang: str) -> str:
    """The label of an issue's field (a column, or a setting) in `lang`; the key when
    unknown."""
    if sheet_key in COLUMNS:
        try:
            return column(sheet_key, field_key).label(lang)
        except KeyError:
            pass
    if sheet_key == "settings" and field_key in SETTINGS_BY_KEY:
        return SETTINGS_BY_KEY[field_key].label(lang)
    return field_key


MONTHS_SHORT = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."),
}


def month_year(d: date, lang: str) -> str:
    """'Sep 2026' ('sept. 2026' in French): a month that cannot be read as a day."""
    return f"{MONTHS_SHORT['fr' if lang == 'fr' else 'en'][d.month - 1]} {d.year}"


# --------------------------------------------------------------------------- formats

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CHF": "CHF", "CAD": "CA$",
                    "AUD": "A$"}


def money_format(currency: str) -> str:
    """Excel number format for amounts in the plan currency.

    A symbol after the amount is written with its space inside the quotes (`#,##0" €"`):
    LibreOffice in a French locale reads an unquoted space after `0` as its thousands
    separator and saves `#,##0 "€"` as `#,##0,\\€`, which divides every amount by 1,000.
    """
    cur = currency.upper()
    sym = CURRENCY_SYMBOLS.get(cur, cur)
    if cur in ("EUR", "CHF") or sym == cur:
        return f'#,##0" {sym}";-#,##0" {sym}"'
    return f'"{sym}"#,##0;-"{sym}"#,##0'


DATE_FORMAT = "d mmm yyyy"
PERCENT_FORMAT = "0%"
# % Complete as msheets reads it (contract section 3): a number up to 1 is a fraction, above 1
# percent points. Typing 25 in Calc shows 25% (a `0%` cell would show 2500%), 0.25 or 25% too.
COMPLETE_FORMAT = '[<=1]0%;0"%"'
# A value of a metric whose Unit is "%", on the same scale: 0.012 and 1.2 both show 1.2%.
METRIC_PERCENT_FORMAT = '[<=1]0.0%;0.0"%"'

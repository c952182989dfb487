"""The workbook contract in one place: sheets, columns, labels, dropdown values.

The generator, the reader and the writers all take their names from here;
no header or sheet title is typed anywhere else.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from milestone_sheets.i18n import Label, normalize

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


DEFAULT_PHASES = {
    "en": ["Research", "Planning", "Launch", "Growth", "Review"],
    "fr": ["Recherche", "Planification", "Lancement", "Croissance", "Bilan"],
}


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

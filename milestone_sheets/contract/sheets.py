"""The workbook contract in one place: sheets, columns, labels, dropdown values.

The generator, the reader and the writers all take their names from here; no header or
sheet title is typed anywhere else. The words themselves (titles, headers, input messages)
are in the catalogue (`milestone_sheets.i18n`) under the keys given here; the aliases read
as them are here.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass

from milestone_sheets.i18n import Label, PerLanguage, catalogue, normalize, text

# --------------------------------------------------------------------------- sheets


@dataclass(frozen=True)
class Sheet:
    """A sheet of the workbook, titled sheets.<key> in the catalogue; managed sheets are
    rebuilt by refresh."""

    key: str
    aliases: tuple[str, ...] = ()  # more titles read as this sheet
    managed: bool = False

    @functools.cached_property
    def label(self) -> Label:
        return Label(f"sheets.{self.key}", self.aliases)


SHEETS = {
    s.key: s
    for s in (
        Sheet("guide"),
        Sheet("milestones"),
        Sheet("metrics", ("Indicateurs",)),
        Sheet("metric_log", ("Metrics log",)),
        Sheet("team"),
        Sheet("settings"),
        Sheet("lists"),
        Sheet("summary", managed=True),
        Sheet("budget", managed=True),
        Sheet("workload", managed=True),
        Sheet("timeline", managed=True),
        Sheet("issues", managed=True),
        Sheet("history", managed=True),
        Sheet("baseline", managed=True),
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
    """A column of an input sheet: its kind and rules. Its header and input message are in
    the catalogue: columns.<sheet>.<key> and column_help.<sheet>.<key>."""

    key: str
    kind: str  # text, date, money, percent, number, choice, ids
    aliases: tuple[str, ...] = ()  # more headers read as this column
    required: bool = False
    managed: bool = False
    width: float = 14
    choices: str | None = None  # key into CHOICES
    sheet: str = ""  # set by _cols

    @functools.cached_property
    def label(self) -> Label:
        return Label(f"columns.{self.sheet}.{self.key}", self.aliases)

    def hint(self, lang: str) -> str:
        """The input message in `lang` ("" for the Settings sheet's two columns)."""
        helps = catalogue("fr" if lang == "fr" else "en")["column_help"].get(self.sheet, {})
        return str(helps.get(self.key, ""))

    @property
    def help(self) -> str:
        return self.hint("en")

    @property
    def help_fr(self) -> str:
        return self.hint("fr")


def _cols(sheet: str, *cols: Column) -> tuple[Column, ...]:
    return tuple(dataclasses.replace(c, sheet=sheet) for c in cols)


MILESTONE_COLUMNS = _cols(
    "milestones",
    Column("id", "text", width=8),
    Column("milestone", "text", ("Milestone name", "Description"), required=True, width=36),
    Column("phase", "text", width=14, choices="phase"),
    Column("strategy", "text", width=20),
    Column("tactic", "text", width=20),
    Column("type", "choice", width=16, choices="type"),
    Column("owner", "text", ("Responsible", "Owner name"), required=True, width=16,
           choices="owner"),
    Column("start", "date", ("Start date",), width=12),
    Column("due", "date", ("Due date", "Deadline"), required=True, width=12),
    Column("budget", "money", width=13),
    Column("actual", "money", ("Spent", "Actual cost"), width=13),
    Column("effort", "number", ("Effort", "Hours"), width=10),
    Column("pct", "percent", ("Percent complete", "Progress %"), width=11),
    Column("status", "choice", width=13, choices="status"),
    Column("completed", "date", ("Completed on", "Done on"), width=12),
    Column("deliverable", "text", width=24),
    Column("depends_on", "ids", ("Dependencies",), width=12),
    Column("metric", "text", width=16, choices="metric"),
    Column("target_value", "number", width=11),
    Column("notes", "text", width=24),
    Column("health", "text", managed=True, width=12),
    Column("slack", "number", managed=True, width=10),
    Column("flags", "text", managed=True, width=30),
)

METRIC_COLUMNS = _cols(
    "metrics",
    Column("metric", "text", required=True, width=30),
    Column("unit", "text", width=10),
    Column("direction", "choice", width=11, choices="direction"),
    Column("baseline", "number", width=11),
    Column("baseline_date", "date", width=12),
    Column("target", "number", width=11),
    Column("target_date", "date", width=12),
    Column("current", "number", width=11),
    Column("owner", "text", width=16, choices="owner"),
    Column("notes", "text", width=24),
    Column("progress", "percent", managed=True, width=11),
    Column("expected", "percent", managed=True, width=11),
    Column("metric_status", "text", managed=True, width=12),
)

METRIC_LOG_COLUMNS = _cols(
    "metric_log",
    Column("date", "date", required=True, width=12),
    Column("metric", "text", required=True, width=30, choices="metric"),
    Column("value", "number", required=True, width=12),
)

TEAM_COLUMNS = _cols(
    "team",
    Column("owner", "text", ("Name", "Nom"), required=True, width=20),
    Column("role", "text", width=20),
    Column("email", "text", ("E-mail", "Courriel"), width=26),
    Column("capacity", "number", ("Capacity",), width=12),
    Column("notes", "text", width=24),
)

SETTINGS_COLUMNS = _cols(
    "settings",
    Column("setting", "text", required=True, width=28),
    Column("value", "text", required=True, width=26),
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


DEFAULT_PHASES: Mapping[str, list[str]] = PerLanguage(
    lambda lang: list(catalogue(lang)["phases"]["default"]))


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Setting:
    """A row of the Settings sheet: its kind and default. Its label and description are in
    the catalogue: settings.<key> and setting_help.<key>."""

    key: str
    kind: str  # text, date, int, number, choice
    default_en: object  # a code or a number; a default in words is a Label of the catalogue
    default_fr: object
    aliases: tuple[str, ...] = ()  # more labels read as this setting

    @functools.cached_property
    def label(self) -> Label:
        return Label(f"settings.{self.key}", self.aliases)

    def hint(self, lang: str) -> str:
        """The description of the setting in `lang`."""
        return text(f"setting_help.{self.key}", lang)

    @property
    def help(self) -> str:
        return self.hint("en")

    @property
    def help_fr(self) -> str:
        return self.hint("fr")

    def default(self, lang: str) -> object:
        value = self.default_fr if lang == "fr" else self.default_en
        return value(lang) if isinstance(value, Label) else value


_REVIEW_DEFAULT = Label("setting_defaults.plan_review")  # "Monthly, 2nd Friday"
SETTINGS = (
    Setting("plan_name", "text", "", ""),
    Setting("currency", "text", "USD", "EUR"),
    Setting("as_of", "date", "", "", ("As of", "Date de situation")),
    Setting("date_order", "text", "MDY", "DMY"),
    Setting("due_soon", "int", 14, 14),
    Setting("default_duration", "int", 14, 14),
    Setting("default_effort", "number", 8, 8),
    Setting("default_capacity", "number", 40, 40),
    Setting("overload_threshold", "number", 100, 100),
    Setting("workload_weeks", "int", 8, 8),
    Setting("plan_review", "text", _REVIEW_DEFAULT, _REVIEW_DEFAULT),
    Setting("language", "text", "en", "fr"),
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

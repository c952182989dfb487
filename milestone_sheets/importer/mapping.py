"""Other tools' task lists read as msheets fields: header words, column guessing, values.

One table (`HEADER_WORDS`) holds the header words real trackers, Gantt templates and exports
use, in English and French, best first: "Task name" beats "Description" for the milestone,
"Due date" beats "End date" for Due. A column is only taken for a field when its values fit
(a TRUE/FALSE column never becomes a date; a "Status_RAG" of Red/Amber/Green is no status).
The status vocabulary is the contract's (`contract.status_synonym`), not repeated here.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from milestone_sheets import contract, i18n
from milestone_sheets.contract.vocab import Status
from milestone_sheets.importer.model import Pred
from milestone_sheets.read.values import (
    MONTHS,
    clean_text,
    normalize_words,
    parse_date,
    parse_number,
)
from milestone_sheets.xlsx.cells import serial_to_date

# --------------------------------------------------------------------------- fields

# Fields of the Milestones sheet an import fills, then the roles that only guide the import.
PLAN_FIELDS = ("milestone", "id", "phase", "strategy", "tactic", "owner", "start", "due",
               "budget", "actual", "effort", "pct", "status", "completed", "deliverable",
               "depends_on", "notes")
ROLE_LABELS = {
    "wbs": "WBS", "level": "Outline level", "parent": "Parent", "parent_name": "Parent name",
    "ref": "Row key", "summary_flag": "Summary flag", "done_flag": "Done flag",
    "duration": "Duration",
}
DATE_FIELDS = ("start", "due", "completed")
# Fields whose value makes a row a task rather than a heading.
DETAIL_FIELDS = ("owner", "start", "due", "completed", "status", "pct", "budget", "actual",
                 "effort", "depends_on", "done_flag", "duration")


def field_label(key: str) -> str:
    """The English name of a field, as printed in the mapping."""
    if key in ROLE_LABELS:
        return ROLE_LABELS[key]
    return contract.column("milestones", key).label.en


def field_for_option(name: str) -> str | None:
    """The field a --map FIELD names: its key, its English or French label, or a role."""
    n = header_key(name)
    for key in PLAN_FIELDS:
        col = contract.column("milestones", key)
        if n in {header_key(key), *map(header_key, (col.label.en, col.label.fr,
                                                    *col.label.aliases))}:
            return key
    for key, label in ROLE_LABELS.items():
        if n in (header_key(key), header_key(label)):
            return key
    return None


# --------------------------------------------------------------------------- header words

# field -> (English words, French words), best first. Compared after `header_key`.
HEADER_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "milestone": (
        ("Milestone", "Milestone name", "Task name", "Task", "Tasks", "Activity",
         "Activities", "Activity name", "Summary", "Name", "Title", "Task title", "Item",
         "Work item", "Action item", "Action", "Subject", "Topic", "Post", "Post title",
         "Headline", "Caption", "Campaign", "Deliverable", "Description"),
        ("Jalon", "Nom du jalon", "Nom de la tâche", "Nom de tâche", "Tâche", "Tâches",
         "Activité", "Activités", "Nom", "Titre", "Intitulé", "Libellé", "Sujet", "Objet",
         "Livrable", "Description"),
    ),
    "id": (
        ("ID", "Task ID", "Task number", "Task #", "#", "No", "No.", "Nr", "Number",
         "Sr. No.", "S.No", "Sl. No.", "Issue key", "Key", "Ref", "Reference", "Item ID"),
        ("Identifiant", "N°", "Numéro", "Référence", "Réf"),
    ),
    "ref": (("Issue id", "Unique ID", "UID", "Task UID", "Row ID"), ("ID unique",)),
    "wbs": (("WBS", "WBS ID", "WBS code", "WBS number", "WBS No", "Outline number"),
            ("Code WBS", "Numéro WBS", "N° WBS", "Numéro hiérarchique")),
    "level": (("Outline level", "Level", "Indent level", "Hierarchy level"),
              ("Niveau", "Niveau hiérarchique")),
    "parent": (("Parent key", "Parent", "Parent ID", "Parent task ID", "Parent issue",
                "Parent issue key", "Epic link", "Parent task"),
               ("Tâche parente", "ID parent")),
    "parent_name": (("Parent summary", "Parent name", "Parent task name"),
                    ("Nom de la tâche parente",)),
    "summary_flag": (("Summary", "Summary task", "Is summary"),
                     ("Récapitulative", "Tâche récapitulative")),
    "done_flag": (("Done", "Completed", "Complete", "Is done", "Is completed", "Finished",
                   "Closed", "Checked"),
                  ("Terminé", "Fait", "Fini", "Achevé", "Réalisé")),
    "phase": (("Phase", "Epic", "Category", "Section", "Section/Column", "Stage", "Workstream",
               "Work stream", "Stream", "Group", "Theme", "Pillar"),
              ("Étape", "Catégorie", "Lot", "Chantier", "Groupe", "Thème")),
    "strategy": (("Strategy", "Goal", "Goals", "Objective"), ("Stratégie", "Objectif",
                                                             "Objectifs")),
    "tactic": (("Tactic", "Tactics", "Channel", "Channels"), ("Tactique", "Canal", "Canaux")),
    "owner": (
        ("Owner", "Task owner", "Owner name", "Assignee", "Assignees", "Assigned to", "Assigned",
         "Responsible", "Responsible person", "Resource names", "Resource name", "Resources",
         "Resource", "Resourcing", "Person", "People", "Who", "Lead", "Team member", "Member",
         "Members", "Developer", "Author", "Project lead"),
        ("Responsable", "Assigné à", "Attribué à", "Ressources", "Ressource", "Noms ressources",
         "Noms des ressources", "Porteur", "Pilote", "Qui", "Intervenant", "Acteur"),
    ),
    "start": (
        ("Start", "Start date", "Begin", "Begin date", "Starts", "Start on", "Planned start",
         "Planned start date", "Baseline start", "Target start", "Scheduled start", "From"),
        ("Début", "Date de début", "Date début", "Début prévu", "Du"),
    ),
    "due": (
        ("Due", "Due date", "Due on", "Deadline", "Due by", "End", "End date", "Finish",
         "Finish date", "Ends", "Planned end", "Planned finish", "Planned end date",
         "Baseline finish", "Baseline end", "Target end", "Target date", "Scheduled finish",
         "Go-live", "Go live date", "Launch date", "Release date", "Publish date",
         "Publication date", "Delivery date", "To", "Date"),
        ("Échéance", "Date d'échéance", "Date limite", "Fin", "Date de fin", "Date fin",
         "Fin prévue", "Date cible", "Livraison", "Date de livraison", "Date de publication",
         "Au"),
    ),
    "completed": (
        ("Completed", "Completed on", "Completed at", "Completion date", "Date completed",
         "Done on", "Actual finish", "Actual end", "Actual finish date", "Actual end date",
         "Resolved", "Resolution date", "Resolved on", "Closed on", "Closed at", "Date closed",
         "Finished on", "Delivered on", "Done"),
        ("Terminé le", "Fin réelle", "Date de fin réelle", "Achevé le", "Réalisé le",
         "Date de clôture", "Clôturé le", "Date de réalisation"),
    ),
    "pct": (
        ("% Complete", "Percent complete", "% Completed", "% Done", "Percent done",
         "% Work complete", "Progress", "Progress %", "% Progress", "Complete %", "Completion",
         "% Completion", "Completion %", "Done %"),
        ("% achevé", "% réalisé", "% terminé", "% d'avancement", "Avancement", "Avancement %",
         "Pourcentage achevé", "Progression"),
    ),
    "status": (("Status", "Task status", "State", "Progress status", "Status category"),
               ("Statut", "État", "Statut de la tâche")),
    "budget": (
        ("Budget", "Cost", "Costs", "Planned cost", "Budgeted cost", "Estimated cost",
         "Baseline cost", "Budget amount", "Amount"),
        ("Coût", "Coûts", "Coût prévu", "Budget prévu", "Montant"),
    ),
    "actual": (("Actual", "Actual cost", "Spent", "Spend", "Actual spend", "Cost to date"),
               ("Dépensé", "Coût réel", "Dépenses", "Réel")),
    "effort": (
        ("Effort (h)", "Effort", "Hours", "Estimated hours", "Planned hours", "Work",
         "Work (h)", "Baseline effort", "Baseline effort hrs", "Estimate (h)", "Est. hours",
         "Effort hours"),
        ("Heures", "Charge", "Charge (h)", "Travail"),
    ),
    "duration": (
        ("Duration", "Duration (days)", "Days", "Working days", "Work days", "Length",
         "Estimated duration", "Planned duration"),
        ("Durée", "Durée (jours)", "Jours", "Nb jours", "Nombre de jours"),
    ),
    "depends_on": (
        ("Depends on", "Predecessors", "Predecessor", "Predecessor(s)", "Dependencies",
         "Dependency", "Depends", "Blocked by", "Blocked by (dependencies)", "Waits for",
         "Inward issue link (Blocks)"),
        ("Dépend de", "Prédécesseurs", "Prédécesseur", "Antécédents", "Dépendances",
         "Dépendance"),
    ),
    "deliverable": (("Deliverable", "Deliverables", "Output", "Outputs"),
                    ("Livrable", "Livrables")),
    "notes": (("Notes", "Note", "Comments", "Comment", "Remarks", "Remark", "Observations"),
              ("Commentaires", "Commentaire", "Remarques")),
}

# Header words that only partly match ("Intial Release Date", "Status % completion",
# "Baseline_Effort_hrs"): (field, must match, must not match), searched in the header key.
HEADER_PATTERNS: tuple[tuple[str, str, str | None], ...] = (
    ("due", r"deadline|echeance|duedate|dueon|^due",
     r"actual|reel|start|begin|debut|creat|updat|modif|view|review|chang"),
    ("due", r"(end|finish|release|launch|publish|deliver|golive|target|livraison|"
            r"publication|cible|fin).*date|date.*(end|finish|fin|livraison|cible)",
     r"actual|reel|start|begin|debut|creat|updat|modif|view|review|chang"),
    ("start", r"start|begin|debut|kickoff", r"actual|reel"),
    ("completed", r"(actual|reel|reelle).*(finish|end|fin)|(complet|resolv|clos|finish|"
                  r"termin|achev|clotur).*(date|on|at|le)$|date.*(complet|clotur|realis)",
     None),
    ("pct", r"pct|percent|pourcent|progress|avancement|completion", None),
    ("status", r"status|statut|etat", None),
    ("effort", r"effort|hours|hrs|heures", r"actual|remain|var|reel|restant|spent"),
    ("owner", r"owner|assignee|assigned|responsib|responsable|resource|ressource", None),
    ("depends_on", r"predecess|predecesseur|depend|blockedby", None),
    ("notes", r"comment|remark|remarque", None),
    ("phase", r"^(epic|phase|category|categorie|section|stage|workstream)",
     r"colou?r|status|key|link|id$"),
    ("budget", r"cost|budget|cout", r"actual|reel|var|remain"),
)
_PATTERNS = [(f, re.compile(must), re.compile(never) if never else None)
             for f, must, never in HEADER_PATTERNS]

_JIRA_CUSTOM = re.compile(r"^\s*custom\s+field\s*\((.*)\)\s*$", re.IGNORECASE)


@functools.lru_cache(maxsize=65536)
def header_key(text: object) -> str:
    """Match key of a header: Jira's 'Custom field (Start date)' is 'Start date'; % and #
    count as words ('% Complete' is not 'Complete')."""
    s = str(text)
    m = _JIRA_CUSTOM.match(s)
    if m:
        s = m[1]
    return i18n.normalize(s.replace("%", " pct ").replace("#", " number "))


@dataclass(frozen=True)
class _Word:
    field: str
    rank: int  # higher is better
    lang: str  # "en", "fr" or "" (both)


def _build_index() -> dict[str, list[_Word]]:
    index: dict[str, list[_Word]] = {}
    for fld, (en, fr) in HEADER_WORDS.items():
        keys_en = [header_key(w) for w in en]
        keys_fr = [header_key(w) for w in fr]
        for lang, keys in (("en", keys_en), ("fr", keys_fr)):
            for pos, k in enumerate(keys):
                both = k in keys_en and k in keys_fr
                index.setdefault(k, []).append(_Word(fld, 1000 - 10 * pos,
                                                     "" if both else lang))
    return index


_INDEX = _build_index()


def header_matches(title: str) -> list[tuple[str, int, str]]:
    """(field, score, language) for each field a header's words name exactly."""
    best: dict[str, tuple[int, str]] = {}
    for w in _INDEX.get(header_key(title), ()):
        if w.field not in best or w.rank > best[w.field][0]:
            best[w.field] = (w.rank, w.lang)
    return [(f, r, lang) for f, (r, lang) in best.items()]


def pattern_fields(title: str) -> list[str]:
    key = header_key(title)
    out = []
    for fld, must, never in _PATTERNS:
        if must.search(key) and not (never and never.search(key)) and fld not in out:
            out.append(fld)
    return out


# --------------------------------------------------------------------------- cell values

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
BOOL_WORDS = {
    "true": True, "false": False, "yes": True, "no": False, "y": True, "n": False,
    "oui": True, "non": False, "vrai": True, "faux": False, "x": True, "✓": True, "✔": True,
    "☑": True, "✗": False, "☐": False,
}
TBD_WORDS = {"tbd", "tbc", "tba", "na", "none", "unknown", "tobedecided", "tobedefined",
             "tobeconfirmed", "tobedetermined", "adefinir", "adeterminer", "aconfirmer", "nc",
             "nd", "pending"}


def text(raw: object) -> str | None:
    """Trimmed text of a cell without zero-width characters; None when blank."""
    return clean_text(raw.translate(_ZERO_WIDTH) if isinstance(raw, str) else raw)


def leading_spaces(raw: object) -> int:
    """Indentation of a task name: leading spaces (a tab counts 4)."""
    if not isinstance(raw, str):
        return 0
    s = raw.translate(_ZERO_WIDTH).replace("\t", "    ").replace("\u00a0", " ")
    return len(s) - len(s.lstrip(" "))


def parse_bool(raw: object) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        return BOOL_WORDS.get(raw.strip().casefold())
    return None


def is_tbd(s: str) -> bool:
    """'TBD', 'N/A', '-', '?' ... : a date nobody knows yet."""
    return i18n.normalize(s) in TBD_WORDS or not i18n.normalize(s)


_JIRA_DATE = re.compile(
    r"^(\d{1,2})[-/ ]([^\W\d_]{3,9})\.?[-/ ](\d{4}|\d{2})"
    r"(?:\s+(\d{1,2}):(\d{2})(?::\d{2})?\s*([ap]m)?)?$", re.IGNORECASE)
_ISO_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[t ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})\b")
SERIAL_RANGE = (18264, 73415)  # 1950-01-01 .. 2100-12-31


def read_date(raw: object, order: str, default_year: int) -> tuple[date | None, str | None]:
    """(date, None), (None, None) for a blank, (None, 'tbd') for TBD/N/A, or (None, error);
    `default_year` for a date typed without a year ("Mar 3", "Q3").

    Also reads Jira's '24/Mar/26 12:00 AM' and ISO with time and zone (the date as written).
    """
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return None, "is TRUE/FALSE, not a date"
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            return None, "is not a date"
        if SERIAL_RANGE[0] <= raw <= SERIAL_RANGE[1]:
            return serial_to_date(float(raw)), None
        return None, f"{text(raw)} is a number, not a date"
    if isinstance(raw, (time, timedelta)):
        return None, "is a time, not a date"
    s = text(raw)
    if s is None:
        return None, None
    if is_tbd(s):
        return None, "tbd"
    m = _ISO_TIME.match(s)
    if m:
        return _safe_date(int(m[1]), int(m[2]), int(m[3])), None
    m = _JIRA_DATE.match(s)
    if m:
        month = MONTHS.get(normalize_words(m[2]).rstrip("."))
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        if month:
            d = _safe_date(year, month, int(m[1]))
            if d:
                return d, None
    p = parse_date(s, order, default_year=default_year)
    if p.error or p.value is None:
        return None, f"cannot read {s!r} as a date"
    return p.value, None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def date_order(values: Iterable[object], default: str) -> str:
    """DMY or MDY for a column's text dates like 13/3/2015: the order its values prove."""
    for v in values:
        if isinstance(v, str):
            m = _NUMERIC_DATE.match(v)
            if m:
                a, b = int(m[1]), int(m[2])
                if a > 12 >= b:
                    return "DMY"
                if b > 12 >= a:
                    return "MDY"
    return default


# --------------------------------------------------------------------------- durations

_DURATION = re.compile(
    r"^(\d+(?:[.,]\d+)?)(?:\s*(?:-|–|to|à|a)\s*(\d+(?:[.,]\d+)?))?\s*"
    r"(e?d|e?days?|days?\(s\)|j|jours?|jrs?|w|wks?|weeks?|semaines?|sem|h|hrs?|hours?|"
    r"heures?|mo|mons?|months?|mois)?\.?\??$", re.IGNORECASE)
_XSD_DURATION = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?"
                           r"(?:(\d+(?:\.\d+)?)S)?$")
HOURS_PER_DAY = 8
UNIT_DAYS = {"d": 1, "j": 1, "w": 5, "s": 5, "h": 1 / HOURS_PER_DAY, "m": 20}


def parse_duration(raw: object) -> float | None:
    """Working days of a duration: 5, '5 days', '2 weeks' (10), '2-3 days' (3, the upper
    bound), '16h' (2), 'PT40H0M0S' (MS Project, 5); None when unreadable."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, (int, float)):
        return float(raw) if math.isfinite(raw) and raw >= 0 else None
    if isinstance(raw, timedelta):
        return raw.total_seconds() / 86400
    s = text(raw)
    if s is None:
        return None
    m = _XSD_DURATION.match(s.upper())
    if m and any(m.groups()):
        days = float(m[1] or 0)
        hours = float(m[2] or 0) + float(m[3] or 0) / 60 + float(m[4] or 0) / 3600
        return days + hours / HOURS_PER_DAY
    m = _DURATION.match(s.strip())
    if not m:
        return None
    amount = float((m[2] or m[1]).replace(",", "."))
    unit = (m[3] or "d").lower().lstrip("e")
    if unit.startswith(("mo", "mois")):
        key = "m"
    elif unit.startswith("sem"):
        key = "s"
    else:
        key = unit[0]
    return amount * UNIT_DAYS.get(key, 1)


def add_working_days(start: date, days: float) -> date:
    """The last working day (Mon-Fri) of a task of `days` working days starting on `start`;
    a task of a day or less ends the day it starts."""
    n = max(1, math.ceil(days - 1e-9))
    d = start
    while d.weekday() >= 5:
        d += timedelta(days=1)
    n -= 1
    weeks, rest = divmod(n, 5)
    d += timedelta(weeks=weeks)
    while rest:
        d += timedelta(days=1)
        if d.weekday() < 5:
            rest -= 1
    return d


# --------------------------------------------------------------------------- predecessors

LINK_TYPES = {"fs": "FS", "ss": "SS", "ff": "FF", "sf": "SF",
              "fd": "FS", "dd": "SS", "df": "SF"}  # French MS Project: fin-début ...
_PRED_TYPED = re.compile(
    r"^(?P<ref>.+?)\s*(?P<type>fs|ss|ff|sf|fd|dd|df)"
    r"(?:\s*(?P<lag>[+-]\s*\d+(?:[.,]\d+)?)\s*(?P<unit>[a-z%]*)\.?)?$", re.IGNORECASE)
_PRED_LAG = re.compile(
    r"^(?P<ref>.+?)\s*(?P<lag>[+-]\s*\d+(?:[.,]\d+)?)\s*"
    r"(?P<unit>e?d|e?days?|j|jours?|w|wks?|weeks?|sem|h|hrs?|hours?|mo|months?|mois)\.?$",
    re.IGNORECASE)


def pred_items(raw: object) -> list[str]:
    """'2FS+3d, 7fs; 4' -> ['2FS+3d', '7fs', '4'] (a number cell is one item)."""
    s = text(raw)
    if s is None:
        return []
    return [p.strip() for p in re.split(r"[,;\n]+", s) if p.strip()]


def parse_pred(item: str) -> Pred:
    """One predecessor: '2FS+3d' -> Pred('2', 'FS', 3), '7fs' -> Pred('7', 'FS', 0)."""
    for rx in (_PRED_TYPED, _PRED_LAG):
        m = rx.match(item.strip())
        if m:
            kind = LINK_TYPES[m["type"].lower()] if "type" in m.groupdict() and m["type"] \
                else "FS"
            lag = 0.0
            if m["lag"]:
                unit = (m["unit"] or "d").lower().lstrip("e") or "d"
                key = "m" if unit.startswith("mo") else "s" if unit.startswith("sem") else \
                    unit[0]
                lag = float(m["lag"].replace(" ", "").replace(",", ".")) * (
                    0 if unit == "%" else UNIT_DAYS.get(key, 1))
            return Pred(m["ref"].strip(), kind, lag)
    return Pred(item.strip())


# --------------------------------------------------------------------------- owners, status

_OWNER_SPLIT = re.compile(r"\s*(?:[,;/&+\n|]|\band\b|\bet\b)\s*", re.IGNORECASE)


def split_owners(raw: object) -> list[str]:
    """'Arun, Bex' / 'Santosh/Amol' / 'Arif & Fahad' -> each name once, in order."""
    s = text(raw)
    if s is None:
        return []
    out: list[str] = []
    for name in _OWNER_SPLIT.split(s):
        name = name.strip()
        if name and i18n.normalize(name) not in map(i18n.normalize, out):
            out.append(name)
    return out


def status_map_index(pairs: dict[str, str]) -> dict[str, Status]:
    """--status-map FROM=TO pairs as normalized FROM -> status (TO checked)."""
    out: dict[str, Status] = {}
    for src, dst in pairs.items():
        status = contract.CHOICES["status"].lookup(dst) or contract.status_synonym(dst)
        if status is None:
            names = ", ".join(contract.CHOICES["status"].names("en"))
            raise ValueError(f"--status-map {src}={dst}: {dst!r} is not a status; use one of "
                             f"{names} (or their French names)")
        out[i18n.normalize(src)] = status
    return out


def map_status(raw: object, overrides: dict[str, Status]) -> Status | None:
    """The status a source's word stands for ('YTS' -> Not started), or None."""
    s = text(raw)
    if s is None:
        return None
    n = i18n.normalize(s)
    if n in overrides:
        return overrides[n]
    return contract.CHOICES["status"].lookup(s) or contract.status_synonym(s)


# --------------------------------------------------------------------------- column guessing


@dataclass
class Profile:
    """What a column holds, counted over its data rows (each distinct value classified once)."""

    filled: int = 0
    dates: int = 0
    serials: int = 0  # numbers that could be Excel date serials
    tbd: int = 0
    numbers: int = 0
    max_number: float = 0.0
    bools: int = 0
    statuses: int = 0
    texts: int = 0
    small_ints: int = 0
    wbs: int = 0
    durations: int = 0
    text_length: int = 0

    @property
    def avg_length(self) -> float:
        return self.text_length / self.texts if self.texts else 0.0


_WBS = re.compile(r"^\d+(?:\.\d+)*$")
_WORDY = re.compile(r"\w{5,}\s+\w")  # not a TBD word


def _month_word(s: str) -> bool:
    """Text starting with a month's name ('May', 'Sept. end'): it may be a date."""
    first = normalize_words(s.split(maxsplit=1)[0]).rstrip(".,")
    return first in MONTHS or first in ("q1", "q2", "q3", "q4", "t1", "t2", "t3", "t4", "end",
                                        "fin")


def profile(values: Sequence[object]) -> Profile:
    p = Profile()
    for raw, n in Counter(v for v in values if v is not None and v != "").items():
        s = text(raw)
        if s is None:
            continue
        p.filled += n
        if isinstance(raw, bool) or (isinstance(raw, str) and s.casefold() in BOOL_WORDS):
            p.bools += n
            continue
        if isinstance(raw, str) and (len(s) > 40 or s.count(" ") > 5 or (
                not any(ch.isdigit() for ch in s) and not _month_word(s))):
            # prose, or words without a digit: no date, number or duration
            if not _WORDY.search(s) and is_tbd(s):
                p.tbd += n
                continue
            p.texts += n
            p.text_length += len(s) * n
            if len(s) <= 40 and map_status(s, {}) is not None:
                p.statuses += n
            continue
        if _WBS.match(s):
            p.wbs += n
        if parse_duration(raw) is not None:
            p.durations += n
        if isinstance(raw, (date, datetime)):
            p.dates += n
            continue
        number: float | None = None
        if isinstance(raw, (int, float)):
            number = float(raw)
            if SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
                p.serials += n
        elif is_tbd(s):
            p.tbd += n
            continue
        else:
            num = parse_number(s)
            if num.error is None and num.value is not None:
                number = num.value * (100 if s.endswith("%") else 1)
        if number is not None and math.isfinite(number):
            p.numbers += n
            p.max_number = max(p.max_number, number)
            if number.is_integer() and 0 <= number <= 30:
                p.small_ints += n
            continue
        if read_date(s, "MDY", 2000)[0] is not None:
            p.dates += n
            continue
        p.texts += n
        p.text_length += len(s) * n
        if map_status(s, {}) is not None:
            p.statuses += n
    return p


def fits(fld: str, p: Profile, how: str) -> bool:
    """Whether a column's values can be `fld` (how: 'header', 'pattern' or 'values')."""
    if p.filled == 0:
        return False
    share = 1 / p.filled
    if fld in DATE_FIELDS:
        dates = p.dates + p.serials
        return dates >= 1 and (dates + p.tbd) * share >= 0.5 and p.bools * share < 0.5
    if fld == "pct":
        return p.numbers * share >= 0.6 and p.max_number <= 100 and p.dates == 0
    if fld in ("budget", "actual", "effort"):
        return p.numbers * share >= 0.6 and p.dates * share < 0.5
    if fld == "duration":
        return p.durations * share >= 0.6
    if fld in ("done_flag", "summary_flag"):
        return p.bools * share >= 0.8
    if fld == "level":
        return p.small_ints * share >= 0.8
    if fld == "wbs":
        return p.wbs * share >= 0.8
    if fld == "status":
        if how == "header":
            return p.texts * share >= 0.6
        return p.statuses * share >= 0.5 and p.statuses >= 2
    if fld == "owner":
        return p.texts * share >= 0.6 and p.avg_length <= 80
    if fld == "milestone":
        return (p.texts + p.numbers) * share >= 0.5 and p.bools * share < 0.5 and \
            p.dates * share < 0.5
    return True


@dataclass(frozen=True)
class Candidate:
    field: str
    column: int
    score: int
    how: str
    lang: str = ""


def candidates(titles: Sequence[str], profiles: Sequence[Profile],
               skip: set[int]) -> list[Candidate]:
    """Every (field, column) a header or its values suggest, best first."""
    out: list[Candidate] = []
    for col, (title, p) in enumerate(zip(titles, profiles, strict=True)):
        if col in skip:
            continue
        named: set[str] = set()
        if title:
            for fld, rank, lang in header_matches(title):
                named.add(fld)
                if fits(fld, p, "header"):
                    score = rank
                    if fld == "milestone" and p.avg_length > 100:
                        score -= 600  # a long description, not a task's name
                    out.append(Candidate(fld, col, score, "header", lang))
            for fld in pattern_fields(title):
                if fld not in named and fits(fld, p, "pattern"):
                    out.append(Candidate(fld, col, 500, "header words"))
                    named.add(fld)
        if "status" not in named and fits("status", p, "values"):
            out.append(Candidate("status", col, 100, "values"))
    out.sort(key=lambda c: (-c.score, -profiles[c.column].filled, c.column))
    return out


def assign(cands: Sequence[Candidate], forced: dict[str, int | None]) -> dict[str, Candidate]:
    """Each field its best column, each column one field; --map choices first. When no
    column is left for the milestone name, its best candidate is taken from the other field
    (a lone 'Deliverable' column names the tasks)."""
    chosen: dict[str, Candidate] = {}
    used: set[int] = set()
    for fld, col in forced.items():
        if col is not None:
            chosen[fld] = Candidate(fld, col, 10_000, "--map")
            used.add(col)
    for c in cands:
        if c.field in chosen or c.field in forced or c.column in used:
            continue
        chosen[c.field] = c
        used.add(c.column)
    if "milestone" not in chosen and "milestone" not in forced:
        for c in cands:
            if c.field == "milestone":
                for fld, other in list(chosen.items()):
                    if other.column == c.column and other.how != "--map":
                        del chosen[fld]
                        chosen["milestone"] = c
                        break
                if "milestone" in chosen:
                    break
    return chosen


def detect_language(chosen: Iterable[Candidate]) -> str | None:
    """'fr' or 'en' when the headers matched say so, else None."""
    votes = Counter(c.lang for c in chosen if c.lang)
    if not votes:
        return None
    return "fr" if votes["fr"] > votes["en"] else "en"


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def column_index(letters: str) -> int | None:
    """'A' -> 0, 'AA' -> 26; None when not column letters."""
    if not re.fullmatch(r"[A-Za-z]{1,3}", letters):
        return None
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1

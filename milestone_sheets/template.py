"""`msheets new`: write a structured milestone-chart workbook with XlsxWriter.

Every sheet title, header and dropdown value comes from `schema`; the presets
under templates/ are data (TOML) dated relative to a start date.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from . import schema
from .errors import MsheetsError
from .reviews import parse_review, review_dates
from .safe_write import atomic_path
from .schema import Column

TABLE_ROWS = 50  # rows in each input table, so that dropdowns and formats are there to fill
VALIDATED_ROWS = 1000  # rows that carry validation and conditional formats
GREY = "#EDEDED"
HEADER = "#1F4E78"


def templates_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise MsheetsError("the templates folder is missing from this installation; reinstall msheets")


@dataclass
class Preset:
    """A starter plan `msheets new --template` can fill in."""

    name: str
    description: str
    data: dict[str, Any]


def list_presets() -> list[Preset]:
    """Every preset under templates/, blank first."""
    out = []
    for p in sorted(templates_dir().glob("*.toml")):
        data = tomllib.loads(p.read_text(encoding="utf-8"))
        out.append(Preset(p.stem, data.get("description", ""), data))
    out.sort(key=lambda x: (x.name != "blank", x.name))
    return out


def load_preset(name: str) -> Preset:
    presets = {p.name: p for p in list_presets()}
    if name not in presets:
        raise MsheetsError(f"unknown template {name!r}; choose one of: {', '.join(presets)} "
                           "(see `msheets templates`)")
    return presets[name]


def next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def _loc(value: Any, lang: str) -> Any:
    if isinstance(value, dict) and "en" in value:
        return value.get(lang, value["en"])
    return value


def _choice(kind: str, english: str | None, lang: str) -> str | None:
    if english is None:
        return None
    for v in schema.CHOICES[kind].values:
        if v.en == english:
            return v(lang)
    raise MsheetsError(f"template: unknown {kind} {english!r}")


def preset_rows(preset: Preset, lang: str, start: date) -> dict[str, list[dict[str, Any]]]:
    """The preset's records in the workbook's language, dates resolved from `start`."""
    d = preset.data

    def day(offset: Any) -> date | None:
        return None if offset is None else start + timedelta(days=int(offset))

    milestones = []
    for m in d.get("milestones", []):
        milestones.append({
            "milestone": _loc(m["name"], lang), "phase": _loc(m.get("phase"), lang),
            "strategy": _loc(m.get("strategy"), lang), "tactic": _loc(m.get("tactic"), lang),
            "type": _choice("type", m.get("type", "Implementation"), lang),
            "owner": m.get("owner"), "start": day(m.get("start")), "due": day(m.get("due")),
            "budget": _loc(m.get("budget"), lang), "effort": m.get("effort"),
            "status": _choice("status", m.get("status", "Not started"), lang),
            "deliverable": _loc(m.get("deliverable"), lang),
            "depends_on": ", ".join(m.get("depends_on", [])) or None,
            "metric": _loc(m.get("metric"), lang), "target_value": m.get("target_value"),
        })
    reviews = d.get("reviews")
    if reviews:
        setting = str(schema.SETTINGS_BY_KEY["plan_review"].default(lang))
        rule = parse_review(setting)
        assert rule is not None
        for when in review_dates(rule, start, int(reviews.get("months", 6)), start):
            milestones.append({
                "milestone": _loc(reviews["name"], lang), "phase": _loc(reviews.get("phase"), lang),
                "type": _choice("type", "Plan review", lang), "owner": reviews.get("owner"),
                "start": when, "due": when, "effort": 2,
                "status": _choice("status", "Not started", lang),
                "deliverable": _loc(reviews.get("deliverable"), lang),
            })
    # IDs follow the preset's order (Depends on names them), reviews after; rows by due date.
    for i, r in enumerate(milestones, start=1):
        r["id"] = f"M-{i:03d}"
    milestones.sort(key=lambda r: (r["due"] or date.max, r["id"]))
    metrics = [{
        "metric": _loc(m["name"], lang), "unit": _loc(m.get("unit"), lang),
        "direction": _choice("direction", m.get("direction"), lang),
        "baseline": m.get("baseline"), "baseline_date": day(m.get("baseline_date")),
        "target": m.get("target"), "target_date": day(m.get("target_date")),
        "owner": m.get("owner"),
    } for m in d.get("metrics", [])]
    team = [{"owner": t["name"], "role": _loc(t.get("role"), lang), "email": t.get("email"),
             "capacity": t.get("capacity")} for t in d.get("team", [])]
    return {"milestones": milestones, "metrics": metrics, "team": team, "metric_log": []}


# --------------------------------------------------------------------------- writing


def write_new_workbook(path: str | Path, template: str = "blank", lang: str = "en",
                       start: date | None = None, force: bool = False,
                       today: date | None = None) -> Path:
    """Write a new plan workbook at `path` (refuses to overwrite unless `force`)."""
    path = Path(path)
    if lang not in schema.LANGUAGES:
        raise MsheetsError(f"unknown language {lang!r}; use en or fr")
    if path.suffix.lower() != ".xlsx":
        raise MsheetsError(f"{path.name}: the plan must be an .xlsx file (Excel workbook)")
    if path.exists() and not force:
        raise MsheetsError(f"{path} already exists; use --force to overwrite it "
                           "(or choose another name)")
    if path.is_dir():
        raise MsheetsError(f"{path} is a folder")
    preset = load_preset(template)
    start = start or next_monday(today or date.today())
    rows = preset_rows(preset, lang, start)
    plan_name = _loc(preset.data.get("plan_name"), lang) or ""
    phases = [_loc(p, lang) for p in preset.data.get("phases", [])] or \
        schema.DEFAULT_PHASES[lang]
    with atomic_path(path) as tmp:
        _write(tmp, lang, rows, plan_name, phases)
    return path


class _Formats:
    def __init__(self, wb: Any, currency: str) -> None:
        self.header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER,
                                     "text_wrap": True, "valign": "vcenter", "border": 1})
        self.managed_header = wb.add_format({"bold": True, "italic": True, "bg_color": "#A6A6A6",
                                             "text_wrap": True, "valign": "vcenter",
                                             "border": 1})
        self.date = wb.add_format({"num_format": schema.DATE_FORMAT})
        self.money = wb.add_format({"num_format": schema.money_format(currency)})
        self.percent = wb.add_format({"num_format": schema.PERCENT_FORMAT})
        self.number = wb.add_format({"num_format": "0.##"})
        self.managed = wb.add_format({"bg_color": GREY, "italic": True})
        self.past_due = wb.add_format({"bg_color": "#FF7C80", "bold": True})
        self.title = wb.add_format({"bold": True, "font_size": 16, "font_color": HEADER})
        self.h2 = wb.add_format({"bold": True, "font_size": 12, "font_color": HEADER})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.bold = wb.add_format({"bold": True, "valign": "top"})
        self.code = wb.add_format({"font_name": "Consolas", "valign": "top"})
        self._wb = wb
        self._fills: dict[str, Any] = {}
        self.health = {h: wb.add_format({"bg_color": "#" + c,
                                         "font_color": "#" + schema.HEALTH_FONT.get(h, "000000")})
                       for h, c in schema.HEALTH_COLOURS.items()}


    def fill(self, colour: str) -> Any:
        """A fill format for a hex colour ('C6EFCE' or '#C6EFCE'), created once."""
        colour = "#" + colour.lstrip("#")
        if colour not in self._fills:
            self._fills[colour] = self._wb.add_format({"bg_color": colour})
        return self._fills[colour]


def _col_format(col: Column, f: _Formats) -> Any:
    if col.managed:
        return f.managed
    return {"date": f.date, "money": f.money, "percent": f.percent, "number": f.number}.get(
        col.kind)


def _ref(sheet: str, first_row: int, col: int, last_row: int) -> str:
    from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

    a = xl_rowcol_to_cell(first_row, col, row_abs=True, col_abs=True)
    b = xl_rowcol_to_cell(last_row, col, row_abs=True, col_abs=True)
    return f"={quote_sheetname(sheet)}!{a}:{b}"


def _write(path: Path, lang: str, rows: dict[str, list[dict[str, Any]]], plan_name: str,
           phases: list[str]) -> None:
    import xlsxwriter

    currency = str(schema.SETTINGS_BY_KEY["currency"].default(lang))
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    f = _Formats(wb, currency)
    title = {k: schema.sheet_title(k, lang) for k in schema.SHEETS}
    guide = wb.add_worksheet(title["guide"])
    sheets = {k: wb.add_worksheet(title[k]) for k in schema.INPUT_SHEETS}
    lists = wb.add_worksheet(title["lists"])

    # Dropdown sources: the hidden Lists sheet, plus Team and Metrics names.
    list_cols = [("status", schema.CHOICES["status"].names(lang)),
                 ("type", schema.CHOICES["type"].names(lang)),
                 ("direction", schema.CHOICES["direction"].names(lang)),
                 ("phase", phases)]
    for c, (key, values) in enumerate(list_cols):
        lists.write_string(0, c, key.capitalize(), f.header)
        for r, v in enumerate(values, start=1):
            lists.write_string(r, c, v)
        last = schema.LIST_ROWS if key == "phase" else len(values)
        wb.define_name(schema.LIST_NAMES[key], _ref(title["lists"], 1, c, last))
        lists.set_column(c, c, 18)
    lists.hide()
    wb.define_name(schema.LIST_NAMES["owner"], _ref(title["team"], 1, 0, schema.LIST_ROWS))
    wb.define_name(schema.LIST_NAMES["metric"], _ref(title["metrics"], 1, 0, schema.LIST_ROWS))

    for key in ("milestones", "metrics", "metric_log", "team"):
        _write_table(sheets[key], key, lang, rows[key], f, currency)
    _write_settings(sheets["settings"], lang, plan_name, f)
    _write_guide(guide, lang, f)
    guide.activate()
    wb.close()


def _write_table(ws: Any, key: str, lang: str, records: list[dict[str, Any]], f: _Formats,
                 currency: str) -> None:
    cols = schema.COLUMNS[key]
    n = max(TABLE_ROWS, len(records) + 10)
    ws.add_table(0, 0, n, len(cols) - 1, {
        "name": "msheets_" + key,
        "style": "Table Style Light 9",
        "columns": [{"header": c.label(lang),
                     "header_format": f.managed_header if c.managed else f.header,
                     "format": _col_format(c, f)} for c in cols],
    })
    for r, rec in enumerate(records, start=1):
        for c, col in enumerate(cols):
            v = rec.get(col.key)
            if v is None:
                continue
            fmt = _col_format(col, f)
            if isinstance(v, date):
                ws.write_datetime(r, c, v, fmt)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(r, c, v, fmt)
            else:
                ws.write_string(r, c, str(v), fmt)
    for c, col in enumerate(cols):
        ws.set_column(c, c, col.width, _col_format(col, f))
        _validate(ws, c, col, lang)
    ws.set_row(0, 30)
    ws.freeze_panes(1, 2 if key == "milestones" else 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_paper(9 if lang == "fr" else 1)
    if key == "milestones":
        _milestone_formats(ws, lang, f)
    if key == "metrics":
        _status_colours(ws, _index(key, "metric_status"), schema.METRIC_STATUS_COLOURS,
                        lambda s: schema.metric_status_label(s, lang), f)
        ws.conditional_format(1, _index(key, "progress"), VALIDATED_ROWS,
                              _index(key, "expected"), {"type": "no_blanks",
                                                        "format": f.percent})


def _index(sheet: str, key: str) -> int:
    return [c.key for c in schema.COLUMNS[sheet]].index(key)


def _validate(ws: Any, c: int, col: Column, lang: str) -> None:
    help_text = (col.help_fr if lang == "fr" else col.help)[:255]
    title = col.label(lang)[:32]
    rng = (1, c, VALIDATED_ROWS, c)
    if col.managed:
        ws.data_validation(*rng, {"validate": "any", "input_title": title,
                                  "input_message": help_text})
        return
    base = {"input_title": title, "input_message": help_text}
    if col.choices in ("status", "type", "direction"):
        opts = {"validate": "list", "source": "=" + schema.LIST_NAMES[col.choices],
                "error_type": "stop", "error_title": title,
                "error_message": ("Choisissez une valeur dans la liste." if lang == "fr"
                                  else "Pick a value from the list.")}
    elif col.choices in ("phase", "owner", "metric"):
        opts = {"validate": "list", "source": "=" + schema.LIST_NAMES[col.choices],
                "error_type": "warning", "error_title": title,
                "error_message": ("Cette valeur n'est pas dans la liste. La garder ?"
                                  if lang == "fr" else
                                  "This value is not in the list. Keep it anyway?")}
    elif col.kind == "date":
        opts = {"validate": "date", "criteria": "between", "minimum": date(1990, 1, 1),
                "maximum": date(2100, 12, 31), "error_type": "warning", "error_title": title,
                "error_message": ("Saisissez une date (msheets lit aussi « sept. 2026 » "
                                  "ou « T3 2026 »)." if lang == "fr" else
                                  "Type a date (msheets also reads 'Sep 2026' or "
                                  "'end of Q3').")}
    elif col.kind in ("money", "number"):
        opts = {"validate": "decimal", "criteria": ">=", "value": 0,
                "error_type": "information" if col.kind == "money" else "warning",
                "error_title": title,
                "error_message": ("Saisissez un nombre positif (« 1 000/mois » est "
                                  "accepté pour un budget)." if lang == "fr" else
                                  "Type a positive number ('1,000/month' is fine for a "
                                  "budget).")}
    elif col.kind == "percent":
        opts = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
                "error_type": "warning", "error_title": title,
                "error_message": ("Entre 0 % et 100 %." if lang == "fr" else
                                  "Between 0% and 100%.")}
    else:
        opts = {"validate": "any"}
    ws.data_validation(*rng, {**base, **opts})


def _status_colours(ws: Any, c: int, colours: dict[str, str], label: Any, f: _Formats) -> None:
    for name, colour in colours.items():
        ws.conditional_format(1, c, VALIDATED_ROWS, c, {
            "type": "cell", "criteria": "==", "value": f'"{label(name)}"',
            "format": f.fill(colour)})


def _milestone_formats(ws: Any, lang: str, f: _Formats) -> None:
    from xlsxwriter.utility import xl_col_to_name

    status_col, due_col = _index("milestones", "status"), _index("milestones", "due")
    health_col = _index("milestones", "health")
    st = xl_col_to_name(status_col)
    du = xl_col_to_name(due_col)
    done = schema.CHOICES["status"].values[2](lang)
    cancelled = schema.CHOICES["status"].values[4](lang)
    status_colours = {
        schema.CHOICES["status"].values[1](lang): "#DDEBF7",
        done: "#C6EFCE",
        schema.CHOICES["status"].values[3](lang): "#D9D9D9",
        cancelled: "#D9D9D9",
    }
    for value, colour in status_colours.items():
        ws.conditional_format(1, status_col, VALIDATED_ROWS, status_col, {
            "type": "cell", "criteria": "==", "value": f'"{value}"', "format": f.fill(colour)})
    # Past due and still open: live, before any refresh.
    ws.conditional_format(1, due_col, VALIDATED_ROWS, due_col, {
        "type": "formula",
        "criteria": f'=AND(${du}2<>"",${du}2<TODAY(),${st}2<>"{done}",${st}2<>"{cancelled}")',
        "format": f.past_due})
    for health, fmt in f.health.items():
        ws.conditional_format(1, health_col, VALIDATED_ROWS, health_col, {
            "type": "cell", "criteria": "==", "value": f'"{schema.health_label(health, lang)}"',
            "format": fmt})


def _write_settings(ws: Any, lang: str, plan_name: str, f: _Formats) -> None:
    heads = [c.label(lang) for c in schema.SETTINGS_COLUMNS] + ["Description"]
    for c, h in enumerate(heads):
        ws.write_string(0, c, h, f.header)
    for r, s in enumerate(schema.SETTINGS, start=1):
        ws.write_string(r, 0, s.label(lang), f.bold)
        value = plan_name if s.key == "plan_name" else s.default(lang)
        if isinstance(value, (int, float)):
            ws.write_number(r, 1, value)
        elif value:
            ws.write_string(r, 1, str(value))
        ws.write_string(r, 2, s.help_fr if lang == "fr" else s.help, f.wrap)
    as_of = schema.SETTINGS_BY_KEY["as_of"]
    row = schema.SETTINGS.index(as_of) + 1
    ws.data_validation(row, 1, row, 1, {
        "validate": "date", "criteria": ">", "value": date(1990, 1, 1), "error_type": "warning",
        "input_title": as_of.label(lang)[:32],
        "input_message": as_of.help_fr if lang == "fr" else as_of.help})
    ws.write_blank(row, 1, None, f.date)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 60)
    ws.freeze_panes(1, 0)


GUIDE = {
    "en": {
        "title": "How to use this milestone chart",
        "intro": [
            "Plan in the Milestones sheet: one row per milestone. Each has a description, a "
            "due date, a budget and an owner, and ties to a strategy and a tactic "
            "(strategy -> tactic -> milestone).",
            "Dropdowns offer the allowed values; an input message says what to type in each "
            "column. Dates may also be typed as text like 'Sep 30, 2026', 'Sep 2026' or "
            "'end of Q3'; budgets as '1,500', '1.5k' or '1,000/month' (per calendar month).",
            "Grey columns (Health, Slack, Flags, Progress ...) are filled by `msheets refresh`: "
            "do not type in them.",
        ],
        "types": "Three kinds of milestones",
        "type_rows": [
            ("Implementation", "Doing the work: launch the website, run the ads."),
            ("Validation", "Testing an assumption before spending: interview 20 potential "
             "customers, research competitors' pricing, a preview landing page."),
            ("Plan review", "The team reviews the plan regularly (by default on the second "
             "Friday of each month): what is overdue, at risk or due before the next review, "
             "and the metrics behind pace."),
            ("Metric target", "A checkpoint met when a metric reaches its Target value "
             "(name the metric in the Metric column)."),
        ],
        "legend": "Health colours (set by msheets refresh)",
        "columns": "What each column means",
        "commands": "Commands",
        "command_rows": [
            ("msheets refresh plan.xlsx", "Checks the plan and writes Health, Slack, Flags and "
             "the Summary, Budget, Workload, Timeline, Issues and History sheets (a backup of the "
             "previous file is kept)."),
            ("msheets check plan.xlsx", "Lists every problem by sheet and cell."),
            ("msheets report plan.xlsx", "A summary for the terminal, markdown, HTML or JSON."),
            ("msheets calendar plan.xlsx -o plan.ics", "Milestones and plan reviews for your "
             "calendar."),
            ("msheets rollup a.xlsx b.xlsx -o portfolio.xlsx", "Many plans in one workbook."),
        ],
        "review": "The monthly plan review",
        "review_text": "Set the day in Settings (Plan review, e.g. 'Monthly, 2nd Friday'). "
                       "The Summary sheet shows the next review and its agenda.",
    },
    "fr": {
        "title": "Comment utiliser ce tableau de jalons",
        "intro": [
            "Planifiez dans la feuille Jalons : une ligne par jalon. Chacun a une description, "
            "une échéance, un budget et un responsable, et se rattache à une stratégie et une "
            "tactique (stratégie -> tactique -> jalon).",
            "Les listes déroulantes proposent les valeurs permises ; un message indique quoi "
            "saisir dans chaque colonne. Les dates peuvent aussi être écrites « 30 sept. 2026 », "
            "« sept. 2026 » ou « T3 2026 » ; les budgets « 1 500 », « 1,5k » ou « 1 000/mois ».",
            "Les colonnes grises (Santé, Marge, Alertes, Progression ...) sont remplies par "
            "`msheets refresh` : n'y saisissez rien.",
        ],
        "types": "Trois sortes de jalons",
        "type_rows": [
            ("Mise en œuvre", "Faire le travail : lancer le site, diffuser les annonces."),
            ("Validation", "Tester une hypothèse avant de dépenser : interviewer 20 clients "
             "potentiels, étudier les prix des concurrents, une page d'attente."),
            ("Revue du plan", "L'équipe revoit le plan régulièrement (par défaut le deuxième "
             "vendredi du mois) : ce qui est en retard, à risque ou dû avant la revue suivante, "
             "et les métriques en retard."),
            ("Objectif de métrique", "Un point d'étape atteint quand une métrique atteint sa "
             "valeur cible (indiquez la métrique dans la colonne Métrique)."),
        ],
        "legend": "Couleurs de santé (posées par msheets refresh)",
        "columns": "Signification des colonnes",
        "commands": "Commandes",
        "command_rows": [
            ("msheets refresh plan.xlsx", "Vérifie le plan et écrit Santé, Marge, Alertes et "
             "les feuilles Synthèse, Budget, Charge, Chronologie, Problèmes et Historique (une "
             "sauvegarde du fichier précédent est gardée)."),
            ("msheets check plan.xlsx", "Liste chaque problème par feuille et cellule."),
            ("msheets report plan.xlsx", "Un résumé : terminal, markdown, HTML ou JSON."),
            ("msheets calendar plan.xlsx -o plan.ics", "Jalons et revues dans votre agenda."),
            ("msheets rollup a.xlsx b.xlsx -o portefeuille.xlsx", "Plusieurs plans en un."),
        ],
        "review": "La revue mensuelle du plan",
        "review_text": "Réglez le jour dans Paramètres (Revue du plan, p. ex. « Mensuelle, 2e "
                       "vendredi »). La feuille Synthèse indique la prochaine revue et son ordre "
                       "du jour.",
    },
}


def _write_guide(ws: Any, lang: str, f: _Formats) -> None:
    g = GUIDE[lang]
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 90)
    ws.write_string(0, 0, g["title"], f.title)
    r = 2
    for para in g["intro"]:
        ws.merge_range(r, 0, r, 1, para, f.wrap)
        ws.set_row(r, 45)
        r += 1
    r += 1
    ws.write_string(r, 0, g["types"], f.h2)
    r += 1
    for name, text in g["type_rows"]:
        ws.write_string(r, 0, name, f.bold)
        ws.write_string(r, 1, text, f.wrap)
        ws.set_row(r, 32)
        r += 1
    r += 1
    ws.write_string(r, 0, g["legend"], f.h2)
    r += 1
    for health in schema.HEALTH:
        ws.write_string(r, 0, schema.health_label(health, lang), f.health[health])
        r += 1
    r += 1
    ws.write_string(r, 0, g["review"], f.h2)
    ws.merge_range(r + 1, 0, r + 1, 1, g["review_text"], f.wrap)
    ws.set_row(r + 1, 32)
    r += 3
    ws.write_string(r, 0, g["commands"], f.h2)
    r += 1
    for cmd, text in g["command_rows"]:
        ws.write_string(r, 0, cmd, f.code)
        ws.write_string(r, 1, text, f.wrap)
        ws.set_row(r, 30)
        r += 1
    r += 1
    ws.write_string(r, 0, g["columns"], f.h2)
    r += 1
    for key in ("milestones", "metrics", "team"):
        ws.write_string(r, 0, schema.sheet_title(key, lang), f.h2)
        r += 1
        for col in schema.COLUMNS[key]:
            ws.write_string(r, 0, col.label(lang), f.bold)
            ws.write_string(r, 1, col.help_fr if lang == "fr" else col.help, f.wrap)
            r += 1
        r += 1
    ws.hide_gridlines(2)

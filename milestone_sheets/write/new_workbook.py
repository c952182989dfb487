"""`msheets new`: write a structured milestone-chart workbook with XlsxWriter.

Every sheet title, header and dropdown value comes from `contract`, and every word from
the catalogue (`i18n`); the presets under templates/ are data (TOML) dated relative to a
start date.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from milestone_sheets import contract, i18n
from milestone_sheets.contract.sheets import Column
from milestone_sheets.contract.vocab import Health, MetricHealth, Status
from milestone_sheets.errors import MsheetsError
from milestone_sheets.rules.review_schedule import parse_review, review_dates
from milestone_sheets.write.files import atomic_path

TABLE_ROWS = 50  # rows in each input table, so that dropdowns and formats are there to fill
VALIDATED_ROWS = 1000  # rows that carry validation and conditional formats


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


def load_preset(name: str, lang: str = "en") -> Preset:
    presets = {p.name: p for p in list_presets()}
    if name not in presets:
        raise MsheetsError(i18n.word("unknown_template", lang).format(
            name=name, names=", ".join(presets)))
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
    for v in contract.CHOICES[kind].values:
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
        setting = str(contract.SETTINGS_BY_KEY["plan_review"].default(lang))
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


@dataclass
class PlanContent:
    """Rows to write instead of a preset's (`msheets import`): milestone records by column
    key, whose "user" dict holds the values of `user_columns`, appended at the right of the
    Milestones table; `settings` by setting key (plan_name, currency)."""

    milestones: list[dict[str, Any]]
    team: list[dict[str, Any]] = field(default_factory=list)
    user_columns: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    phases: list[str] = field(default_factory=list)


def write_new_workbook(path: str | Path, template: str = "blank", lang: str = "en",
                       start: date | None = None, force: bool = False,
                       today: date | None = None, *,
                       content: PlanContent | None = None) -> Path:
    """Write a new plan workbook at `path` (refuses to overwrite unless `force`); `content`
    replaces the preset's milestones and team."""
    path = Path(path)
    if lang not in i18n.LANGUAGES:
        raise MsheetsError(f"unknown language {lang!r}; use en or fr")
    if path.is_dir():
        raise MsheetsError(i18n.word("new_is_folder", lang).format(path=path))
    if path.suffix.lower() != ".xlsx":
        raise MsheetsError(i18n.word("new_not_xlsx", lang).format(name=path.name))
    if path.exists() and not force:
        raise MsheetsError(i18n.word("new_exists", lang).format(path=path))
    preset = load_preset(template, lang)
    start = start or next_monday(today or date.today())
    rows = preset_rows(preset, lang, start)
    plan_name = _loc(preset.data.get("plan_name"), lang) or ""
    phases = [_loc(p, lang) for p in preset.data.get("phases", [])] or \
        contract.DEFAULT_PHASES[lang]
    if content is not None:
        rows = {**rows, "milestones": content.milestones, "team": content.team}
        phases = content.phases or phases
        plan_name = str(content.settings.get("plan_name", plan_name))
    with atomic_path(path) as tmp:
        _write(tmp, lang, rows, plan_name, phases, content)
    return path


def new_workbook_message(path: Path, template: str, lang: str) -> str:
    """The line `msheets new` prints, in the workbook's language."""
    return i18n.word("new_written", lang).format(
        path=path, template=template, lang=lang, name=path.name,
        sheet=contract.sheet_title("milestones", lang))


class _Formats:
    """The cell formats of a new workbook. XlsxWriter names the font (Calibri) in every one,
    so LibreOffice never falls back to its default serif font."""

    def __init__(self, wb: Any, currency: str) -> None:
        self.header = wb.add_format({"bold": True, "font_color": "#" + contract.WHITE,
                                     "bg_color": "#" + contract.HEADER_BLUE,
                                     "text_wrap": True, "valign": "vcenter", "border": 1})
        self.managed_header = wb.add_format({"bold": True, "italic": True,
                                             "bg_color": "#" + contract.MANAGED_HEADER_GREY,
                                             "text_wrap": True, "valign": "vcenter",
                                             "border": 1})
        self.date = wb.add_format({"num_format": contract.DATE_FORMAT})
        self.money = wb.add_format({"num_format": contract.money_format(currency)})
        self.complete = wb.add_format({"num_format": contract.COMPLETE_FORMAT})
        self.share = wb.add_format({"num_format": contract.PERCENT_FORMAT})
        self.metric_percent = wb.add_format({"num_format": contract.METRIC_PERCENT_FORMAT})
        self.managed = wb.add_format({"bg_color": "#" + contract.STALE_GREY, "italic": True})
        self.past_due = wb.add_format({"bg_color": "#" + contract.OVERLOAD_RED, "bold": True})
        self.title = wb.add_format({"bold": True, "font_size": 16,
                                    "font_color": "#" + contract.HEADER_BLUE})
        self.h2 = wb.add_format({"bold": True, "font_size": 12,
                                 "font_color": "#" + contract.HEADER_BLUE})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.bold = wb.add_format({"bold": True, "valign": "top"})
        self.code = wb.add_format({"font_name": "Consolas", "valign": "top"})
        self._wb = wb
        self._fills: dict[str, Any] = {}
        self.health = {h: wb.add_format({
                           "bg_color": "#" + c, "valign": "top",
                           "font_color": "#" + contract.HEALTH_FONT.get(h, contract.BLACK)})
                       for h, c in contract.HEALTH_COLOURS.items()}
        self.setting = wb.add_format({"valign": "top", "align": "left"})

    def fill(self, colour: str) -> Any:
        """A fill format for a hex colour ('C6EFCE' or '#C6EFCE'), created once."""
        colour = "#" + colour.lstrip("#")
        if colour not in self._fills:
            self._fills[colour] = self._wb.add_format({"bg_color": colour})
        return self._fills[colour]


def _col_format(col: Column, f: _Formats) -> Any:
    """The column's cell format; numbers keep General, which shows what was typed (0.015 as
    0.015, 12 as 12) and lets Excel and Calc format a typed 2% as a percentage."""
    if col.managed:
        return f.managed
    return {"date": f.date, "money": f.money, "percent": f.complete}.get(col.kind)


# Column widths, in Excel's unit (the width of a digit). Letters are a little narrower than
# digits in Calibri and in the fonts LibreOffice uses in its place (Carlito, DejaVu Sans);
# bold is wider. A table header also holds the filter button, on its last line.
DATE_WIDTH = 14  # "30 sept. 2026" as French Excel and Calc show it
MAX_WIDTH = 45
FILTER_BUTTON = 3.0


def _text_width(text: str, bold: bool = False) -> float:
    return len(text) * (1.1 if bold else 1.0) + 1.5


def _header_width(header: str) -> float:
    """The narrowest width showing a bold header on at most two lines, the last beside the
    filter button."""
    words = header.split()
    best = _text_width(header, True) + FILTER_BUTTON
    for i in range(1, len(words)):
        first, last = " ".join(words[:i]), " ".join(words[i:])
        best = min(best, max(_text_width(first, True),
                             _text_width(last, True) + FILTER_BUTTON))
    return best


def _column_width(col: Column, header: str, values: list[Any]) -> float:
    """Wide enough for the header and the preset's values (text up to MAX_WIDTH)."""
    width = max(col.width, _header_width(header))
    for v in values:
        if isinstance(v, date):
            width = max(width, DATE_WIDTH)
        elif isinstance(v, str):
            width = max(width, min(_text_width(v), MAX_WIDTH))
    return round(width, 1)


def _ref(sheet: str, first_row: int, col: int, last_row: int) -> str:
    from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

    a = xl_rowcol_to_cell(first_row, col, row_abs=True, col_abs=True)
    b = xl_rowcol_to_cell(last_row, col, row_abs=True, col_abs=True)
    return f"={quote_sheetname(sheet)}!{a}:{b}"


# A landscape page shows about 130 columns' width at 100%; past about 220 the text of a sheet
# fitted to one page wide falls under 60% (under 7 points), too small to read on paper.
PAGE_WIDTH_READABLE = 220


def _print_setup(ws: Any, lang: str, landscape: bool, header_rows: int = 0,
                 pages_wide: int = 1, key_columns: int = 0) -> None:
    """Fitted to `pages_wide` pages wide and as many tall as needed, A4 (fr) or Letter (en),
    the header rows (and, across several pages, the key columns) on every page, and a
    footer with the file, the sheet and the page number."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9 if lang == "fr" else 1)
    ws.fit_to_pages(pages_wide, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    if pages_wide > 1 and key_columns:
        ws.repeat_columns(0, key_columns - 1)
    ws.set_footer(i18n.word("footer", lang))


def _wrapped_height(text: str, width: float) -> float:
    """Row height (points) that shows `text` wrapped in a column `width` wide. Calc does not
    fit rows to wrapped text when it opens a file, so the height is written."""
    per_line = max(1.0, (width - 1.5) / 0.85)  # a little short, for word breaks
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    return 15.0 * lines + 2


def _write(path: Path, lang: str, rows: dict[str, list[dict[str, Any]]], plan_name: str,
           phases: list[str], content: PlanContent | None = None) -> None:
    import xlsxwriter

    settings = content.settings if content else {}
    currency = str(settings.get("currency") or contract.SETTINGS_BY_KEY["currency"].default(lang))
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    f = _Formats(wb, currency)
    title = {k: contract.sheet_title(k, lang) for k in contract.SHEETS}
    guide = wb.add_worksheet(title["guide"])
    sheets = {k: wb.add_worksheet(title[k]) for k in contract.INPUT_SHEETS}
    lists = wb.add_worksheet(title["lists"])

    # Dropdown sources: the hidden Lists sheet, plus Team and Metrics names.
    list_cols = [("status", contract.column("milestones", "status"),
                  contract.CHOICES["status"].names(lang)),
                 ("type", contract.column("milestones", "type"),
                  contract.CHOICES["type"].names(lang)),
                 ("direction", contract.column("metrics", "direction"),
                  contract.CHOICES["direction"].names(lang)),
                 ("phase", contract.column("milestones", "phase"), phases)]
    for c, (key, col, values) in enumerate(list_cols):
        lists.write_string(0, c, col.label(lang), f.header)
        for r, v in enumerate(values, start=1):
            lists.write_string(r, c, v)
        last = contract.LIST_ROWS if key == "phase" else len(values)
        wb.define_name(contract.LIST_NAMES[key], _ref(title["lists"], 1, c, last))
        lists.set_column(c, c, max(18, *(_text_width(v) for v in values)))
    lists.hide()
    wb.define_name(contract.LIST_NAMES["owner"], _ref(title["team"], 1, 0, contract.LIST_ROWS))
    wb.define_name(contract.LIST_NAMES["metric"], _ref(title["metrics"], 1, 0, contract.LIST_ROWS))

    for key in ("milestones", "metrics", "metric_log", "team"):
        _write_table(sheets[key], key, lang, rows[key], f,
                     content.user_columns if content and key == "milestones" else [])
    _percent_metric_formats(sheets, title["metrics"], f)
    _write_settings(sheets["settings"], lang, plan_name, f, settings)
    _write_guide(guide, lang, f)
    guide.activate()
    wb.close()


def _write_table(ws: Any, key: str, lang: str, records: list[dict[str, Any]],
                 f: _Formats, user_columns: list[str] | None = None) -> None:
    cols = contract.COLUMNS[key]
    user_columns = user_columns or []
    n = max(TABLE_ROWS, len(records) + 10)
    ws.add_table(0, 0, n, len(cols) + len(user_columns) - 1, {
        "name": "msheets_" + key,
        "style": "Table Style Light 9",
        "columns": [{"header": c.label(lang),
                     "header_format": f.managed_header if c.managed else f.header,
                     "format": _col_format(c, f)} for c in cols]
        + [{"header": h, "header_format": f.header} for h in user_columns],
    })
    if user_columns:
        _write_user_columns(ws, len(cols), user_columns, records, f)
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
    total = 0.0
    for c, col in enumerate(cols):
        width = _column_width(col, col.label(lang), [rec.get(col.key) for rec in records])
        total += width
        ws.set_column(c, c, width, _col_format(col, f))
        _validate(ws, c, col, lang)
    ws.set_row(0, 30)
    key_columns = 2 if key == "milestones" else 1  # ID and Milestone, or the name
    ws.freeze_panes(1, key_columns)
    _print_setup(ws, lang, landscape=True, header_rows=1,
                 pages_wide=math.ceil(total / PAGE_WIDTH_READABLE), key_columns=key_columns)
    if key == "milestones":
        _milestone_formats(ws, lang, f)
    if key == "metrics":
        _status_colours(ws, _index(key, "metric_status"), contract.METRIC_STATUS_COLOURS,
                        lambda s: s.label(lang), f)
        ws.conditional_format(1, _index(key, "progress"), VALIDATED_ROWS,
                              _index(key, "expected"), {"type": "no_blanks",
                                                        "format": f.share})


def _index(sheet: str, key: str) -> int:
    return [c.key for c in contract.COLUMNS[sheet]].index(key)


def _write_user_columns(ws: Any, first: int, titles: list[str],
                        records: list[dict[str, Any]], f: _Formats) -> None:
    """The columns an import keeps from the source, right of the Milestones table's own."""
    for i, title in enumerate(titles):
        c = first + i
        values = [rec.get("user", {}).get(title) for rec in records]
        for r, v in enumerate(values, start=1):
            if v is None or v == "":
                continue
            if isinstance(v, date):
                ws.write_datetime(r, c, v, f.date)
            elif isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, (int, float)) and math.isfinite(v):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v)[:32767])
        dated = any(isinstance(v, date) for v in values)
        width = max(_header_width(title), DATE_WIDTH if dated else 0,
                    *(min(_text_width(str(v)), MAX_WIDTH) for v in values[:500]
                      if isinstance(v, str)))
        ws.set_column(c, c, round(width, 1), f.date if dated else None)


def _validate(ws: Any, c: int, col: Column, lang: str) -> None:
    help_text = col.hint(lang)[:255]
    title = col.label(lang)[:32]
    rng = (1, c, VALIDATED_ROWS, c)
    base: dict[str, Any] = {"input_title": title, "input_message": help_text}
    error = {"error_title": title}
    opts: dict[str, Any]
    if col.choices in ("status", "type", "direction"):
        opts = {"validate": "list", "source": "=" + contract.LIST_NAMES[col.choices],
                "error_type": "stop", "error_message": i18n.word("pick_from_list", lang)}
    elif col.choices in ("phase", "owner", "metric"):
        opts = {"validate": "list", "source": "=" + contract.LIST_NAMES[col.choices],
                "error_type": "warning", "error_message": i18n.word("not_in_list", lang)}
    elif col.managed or col.kind not in ("date", "money", "number", "percent"):
        # Only there for the input message. A validation of no type ("any") would do for
        # Excel and Calc, but Gnumeric then fails assertions on every such range (40 GLib
        # CRITICALs when it saves a new plan as .ods); a length no cell can exceed never fails.
        ws.data_validation(*rng, {**base, "validate": "length", "criteria": "<=",
                                  "value": 32767, "show_error": False})
        return
    elif col.kind == "date":
        opts = {"validate": "date", "criteria": "between", "minimum": date(1990, 1, 1),
                "maximum": date(2100, 12, 31), "error_type": "warning",
                "error_message": i18n.word("type_a_date", lang)}
    elif col.kind in ("money", "number"):
        opts = {"validate": "decimal", "criteria": ">=", "value": 0,
                "error_type": "information" if col.kind == "money" else "warning",
                "error_message": i18n.word("type_a_number", lang)}
    else:  # percent
        opts = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
                "error_type": "warning", "error_message": i18n.word("type_a_percent", lang)}
    ws.data_validation(*rng, {**base, **error, **opts})


def _status_colours(ws: Any, c: int, colours: Mapping[MetricHealth, str], label: Any,
                    f: _Formats) -> None:
    for name, colour in colours.items():
        ws.conditional_format(1, c, VALIDATED_ROWS, c, {
            "type": "cell", "criteria": "==", "value": f'"{label(name)}"',
            "format": f.fill(colour)})


def _percent_metric_formats(sheets: dict[str, Any], metrics_title: str, f: _Formats) -> None:
    """Values of metrics whose Unit is % show as percentages, on msheets' scale (0.012 and
    1.2 both show 1.2%), whichever way they were typed: Baseline, Target and Current on
    Metrics, the Metric log's Value and a Metric target's Target value."""
    from xlsxwriter.utility import quote_sheetname, xl_col_to_name

    unit = xl_col_to_name(_index("metrics", "unit"))
    for key in ("baseline", "target", "current"):
        c = _index("metrics", key)
        cell = f"{xl_col_to_name(c)}2"
        sheets["metrics"].conditional_format(1, c, VALIDATED_ROWS, c, {
            "type": "formula", "criteria": f'=AND(TRIM(${unit}2)="%",ISNUMBER({cell}))',
            "format": f.metric_percent})
    lookup_range = (f"{quote_sheetname(metrics_title)}!$A$2:${unit}${VALIDATED_ROWS + 1}")
    for sheet, name_key, value_key in (("metric_log", "metric", "value"),
                                       ("milestones", "metric", "target_value")):
        name = xl_col_to_name(_index(sheet, name_key))
        c = _index(sheet, value_key)
        cell = f"{xl_col_to_name(c)}2"
        unit_of = f'IFERROR(TRIM(VLOOKUP(${name}2,{lookup_range},{_index("metrics", "unit") + 1},'
        sheets[sheet].conditional_format(1, c, VALIDATED_ROWS, c, {
            "type": "formula",
            "criteria": f'=AND(ISNUMBER({cell}),{unit_of}FALSE)),"")="%")',
            "format": f.metric_percent})


def _milestone_formats(ws: Any, lang: str, f: _Formats) -> None:
    from xlsxwriter.utility import xl_col_to_name

    status_col, due_col = _index("milestones", "status"), _index("milestones", "due")
    health_col = _index("milestones", "health")
    status = xl_col_to_name(status_col)
    due = xl_col_to_name(due_col)
    done = contract.choice_label("status", Status.DONE, lang)
    cancelled = contract.choice_label("status", Status.CANCELLED, lang)
    status_colours = {contract.choice_label("status", s, lang): colour
                      for s, colour in contract.STATUS_COLOURS.items()}
    for value, colour in status_colours.items():
        ws.conditional_format(1, status_col, VALIDATED_ROWS, status_col, {
            "type": "cell", "criteria": "==", "value": f'"{value}"', "format": f.fill(colour)})
    # Past due and still open: live, before any refresh.
    ws.conditional_format(1, due_col, VALIDATED_ROWS, due_col, {
        "type": "formula",
        "criteria": (f'=AND(${due}2<>"",${due}2<TODAY(),'
                     f'${status}2<>"{done}",${status}2<>"{cancelled}")'),
        "format": f.past_due})
    for health, fmt in f.health.items():
        ws.conditional_format(1, health_col, VALIDATED_ROWS, health_col, {
            "type": "cell", "criteria": "==", "value": f'"{health.label(lang)}"',
            "format": fmt})


def _write_settings(ws: Any, lang: str, plan_name: str, f: _Formats,
                    given: dict[str, Any] | None = None) -> None:
    heads = [c.label(lang) for c in contract.SETTINGS_COLUMNS] + [i18n.word("description", lang)]
    for c, h in enumerate(heads):
        ws.write_string(0, c, h, f.header)
    values: list[Any] = []
    for r, s in enumerate(contract.SETTINGS, start=1):
        ws.write_string(r, 0, s.label(lang), f.bold)
        value = plan_name if s.key == "plan_name" else (given or {}).get(s.key,
                                                                          s.default(lang))
        values.append(value)
        if isinstance(value, (int, float)):
            ws.write_number(r, 1, value, f.setting)
        elif value:
            ws.write_string(r, 1, str(value), f.setting)
        text = s.hint(lang)
        ws.write_string(r, 2, text, f.wrap)
        ws.set_row(r, _wrapped_height(text, SETTINGS_DESCRIPTION_WIDTH))
    as_of = contract.SETTINGS_BY_KEY["as_of"]
    row = contract.SETTINGS.index(as_of) + 1
    ws.data_validation(row, 1, row, 1, {
        "validate": "date", "criteria": ">", "value": date(1990, 1, 1), "error_type": "warning",
        "input_title": as_of.label(lang)[:32],
        "input_message": as_of.hint(lang)})
    ws.write_blank(row, 1, None, f.date)
    ws.set_column(0, 0, max(30, *(_text_width(s.label(lang), True) for s in contract.SETTINGS)))
    ws.set_column(1, 1, max(26, *(_text_width(str(v)) for v in values)))
    ws.set_column(2, 2, SETTINGS_DESCRIPTION_WIDTH)
    ws.freeze_panes(1, 0)
    _print_setup(ws, lang, landscape=False, header_rows=1)


def _guide(lang: str) -> dict[str, Any]:
    """The Guide sheet's prose in `lang` ([guide] in the catalogue): headings, and rows of a
    name and its explanation (the four milestone types named as in their dropdown)."""
    g = i18n.catalogue(lang)["guide"]
    health = i18n.catalogue("en")["health"]
    return {
        "title": g["title"],
        "intro": [(row["name"], row["text"]) for row in g["intro"].values()],
        "types": g["types"],
        "type_rows": [(v(lang), g["type_rows"][v.key.rsplit(".", 1)[1]])
                      for v in contract.CHOICES["type"].values],
        "legend": g["legend"],
        "legend_rows": {health[key]: text for key, text in g["legend_rows"].items()},
        "columns": g["columns"],
        "commands": g["commands"],
        "command_rows": [(row["name"], row["command"], row["text"])
                         for row in g["command_rows"].values()],
        "review": g["review"],
        "review_text": g["review_text"],
    }


GUIDE: Mapping[str, dict[str, Any]] = i18n.PerLanguage(_guide)
GUIDE_WIDTHS = (28, 84)  # about 112 digits: one portrait page wide at about 90%
SETTINGS_DESCRIPTION_WIDTH = 60


def _write_guide(ws: Any, lang: str, f: _Formats) -> None:
    """Two columns, a name and its explanation, and no merged cells (Gnumeric fails an
    assertion for each merged range when it prints)."""
    g = GUIDE[lang]
    ws.set_column(0, 0, GUIDE_WIDTHS[0])
    ws.set_column(1, 1, GUIDE_WIDTHS[1])
    ws.set_row(0, 24)
    ws.write_string(0, 0, g["title"], f.title)

    def line(r: int, name: str | None, text: str, name_format: Any = f.bold,
             text_format: Any = f.wrap) -> int:
        if name is not None:
            ws.write_string(r, 0, name, name_format)
        ws.write_string(r, 1, text, text_format)
        if text_format is f.wrap:
            ws.set_row(r, _wrapped_height(text, GUIDE_WIDTHS[1]))
        return r + 1

    def heading(r: int, text: str) -> int:
        ws.write_string(r, 0, text, f.h2)
        ws.set_row(r, 18)
        return r + 1

    r = 2
    for name, text in g["intro"]:
        r = line(r, name, text)
    r = heading(r + 1, g["types"])
    for name, text in g["type_rows"]:
        r = line(r, name, text)
    r = heading(r + 1, g["legend"])
    for health in Health:
        r = line(r, health.label(lang), g["legend_rows"][health],
                 f.health[health])
    r = heading(r + 1, g["review"])
    r = line(r, None, g["review_text"])
    r = heading(r + 1, g["commands"])
    for name, cmd, text in g["command_rows"]:
        r = line(r, name, cmd, text_format=f.code)
        r = line(r, None, text)
    r = heading(r + 1, g["columns"])
    for key in ("milestones", "metrics", "team"):
        r = heading(r, contract.sheet_title(key, lang))
        for col in contract.COLUMNS[key]:
            r = line(r, col.label(lang), col.hint(lang))
        r += 1
    ws.hide_gridlines(2)
    _print_setup(ws, lang, landscape=False)

"""`msheets new`: the generated workbook read back with openpyxl."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from milestone_sheets import contract, i18n
from milestone_sheets.errors import MsheetsError
from milestone_sheets.write.new_workbook import list_presets, next_monday, write_new_workbook

PRESETS = [p.name for p in list_presets()]
START = date(2026, 11, 2)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    out = {}
    d = tmp_path_factory.mktemp("new")
    for name in PRESETS:
        for lang in ("en", "fr"):
            out[name, lang] = write_new_workbook(d / f"{name}-{lang}.xlsx", name, lang, START)
    return out


def test_presets_listed():
    assert {"blank", "lean-plan", "social-media", "digital-campaign"} <= set(PRESETS)
    assert all(p.description for p in list_presets())


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("name", PRESETS)
def test_structure(books, name, lang):
    wb = openpyxl.load_workbook(books[name, lang])
    titles = {k: contract.sheet_title(k, lang) for k in contract.SHEETS}
    assert wb.sheetnames == [titles[k] for k in ("guide", *contract.INPUT_SHEETS, "lists")]
    assert wb[titles["lists"]].sheet_state == "hidden"
    for key in ("milestones", "metrics", "metric_log", "team"):
        ws = wb[titles[key]]
        headers = [c.value for c in ws[1]]
        assert headers == [c.label(lang) for c in contract.COLUMNS[key]]
        assert ws.freeze_panes in ("B2", "C2")
        assert f"msheets_{key}" in ws.tables
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"
    ms = wb[titles["milestones"]]
    letter = {c.key: openpyxl.utils.get_column_letter(i)
              for i, c in enumerate(contract.MILESTONE_COLUMNS, start=1)}
    dv = {str(v.sqref).split(":")[0]: v for v in ms.data_validations.dataValidation}
    assert dv[f"{letter['status']}2"].formula1 == "msheets_status"
    assert dv[f"{letter['status']}2"].type == "list"
    assert dv[f"{letter['type']}2"].formula1 == "msheets_type"
    assert dv[f"{letter['owner']}2"].formula1 == "msheets_owner"
    assert dv[f"{letter['phase']}2"].formula1 == "msheets_phase"
    for key in ("start", "due", "completed"):
        assert dv[f"{letter[key]}2"].type == "date"
    for key in ("budget", "actual", "effort", "pct"):
        assert dv[f"{letter[key]}2"].type == "decimal"
    assert all(v.prompt for v in dv.values())  # input messages say what to type
    cf = {str(k.sqref): [r.type for r in v] for k, v in ms.conditional_formatting._cf_rules.items()}
    assert "expression" in cf[f"{letter['due']}2:{letter['due']}1001"]  # live past-due marking
    assert "TODAY()" in str([r.formula for v in ms.conditional_formatting._cf_rules.values()
                             for r in v])
    assert len(cf[f"{letter['status']}2:{letter['status']}1001"]) >= 4
    assert set(wb.defined_names) >= set(contract.LIST_NAMES.values())
    metrics = wb[titles["metrics"]]
    mdv = [v for v in metrics.data_validations.dataValidation if v.formula1 ==
           "msheets_direction"]
    assert mdv and str(mdv[0].sqref).startswith("C2")
    settings = wb[titles["settings"]]
    names = [settings.cell(r, 1).value for r in range(2, len(contract.SETTINGS) + 2)]
    assert names == [s.label(lang) for s in contract.SETTINGS]
    # managed columns are shaded and say refresh fills them
    health = ms[f"{letter['health']}1"]
    assert health.value == contract.column("milestones", "health").label(lang)
    assert dv[f"{letter['health']}2"].prompt and "refresh" in dv[f"{letter['health']}2"].prompt


def _cells(ws):
    return {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
            if c.value is not None}


@pytest.mark.parametrize("name", PRESETS)
def test_english_and_french_differ_only_in_labels(books, name):
    en = openpyxl.load_workbook(books[name, "en"])
    fr = openpyxl.load_workbook(books[name, "fr"])
    assert len(en.sheetnames) == len(fr.sheetnames)
    for a, b in zip(en.worksheets, fr.worksheets, strict=True):
        ca, cb = _cells(a), _cells(b)
        if a.title == "Guide":
            continue  # prose
        assert ca.keys() == cb.keys(), a.title
        for pos, va in ca.items():
            vb = cb[pos]
            if isinstance(va, (int, float, date, datetime)) and not isinstance(va, bool):
                assert va == vb, (a.title, pos)
            else:
                assert isinstance(vb, str), (a.title, pos)
        assert [str(v.sqref) for v in a.data_validations.dataValidation] == [
            str(v.sqref) for v in b.data_validations.dataValidation]
        assert a.freeze_panes == b.freeze_panes
        assert list(a.tables) == list(b.tables)
    assert set(en.defined_names) == set(fr.defined_names)


def test_presets_are_dated_from_start(books):
    wb = openpyxl.load_workbook(books["lean-plan", "en"])
    ws = wb["Milestones"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    names = [r[1] for r in rows if r[1]]
    assert "Interview 20 potential customers" in names
    reviews = [r for r in rows if r[5] == "Plan review"]
    assert [r[8].date() for r in reviews[:2]] == [date(2026, 11, 13), date(2026, 12, 11)]
    social = openpyxl.load_workbook(books["social-media", "en"])["Milestones"]
    assert "1,000/month" in [c.value for c in social["J"]]


def test_refuses_to_overwrite(tmp_path):
    p = write_new_workbook(tmp_path / "p.xlsx")
    before = p.read_bytes()
    with pytest.raises(MsheetsError, match="--force"):
        write_new_workbook(p)
    assert p.read_bytes() == before
    write_new_workbook(p, "lean-plan", force=True)
    assert p.read_bytes() != before


def test_unknown_template_and_suffix(tmp_path):
    with pytest.raises(MsheetsError, match="unknown template"):
        write_new_workbook(tmp_path / "p.xlsx", "nope")
    with pytest.raises(MsheetsError, match=r"\.xlsx"):
        write_new_workbook(tmp_path / "p.xls")


def test_next_monday():
    assert next_monday(date(2026, 11, 23)) == date(2026, 11, 30)  # a Monday: the next one
    assert next_monday(date(2026, 11, 25)) == date(2026, 11, 30)


# --------------------------------------------------------------------------- issue 16


def _parts(path):
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}


def _catalogue(lang):
    """Every text msheets may put in a new workbook in `lang`: labels, help, choices, words,
    the Guide's prose and the presets' data in that language."""
    from milestone_sheets.write.new_workbook import GUIDE, preset_rows

    def flat(x):
        if isinstance(x, str):
            yield x
        elif isinstance(x, dict):
            for v in x.values():
                yield from flat(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                yield from flat(v)

    out = set(flat(GUIDE[lang])) | set(contract.DEFAULT_PHASES[lang])
    out |= {s.label(lang) for s in contract.SHEETS.values()}
    for cols in (*contract.COLUMNS.values(), contract.SETTINGS_COLUMNS):
        for c in cols:
            out |= {c.label(lang), c.help_fr if lang == "fr" else c.help}
    for ch in contract.CHOICES.values():
        out |= set(ch.names(lang))
    out |= {h.label(lang) for h in contract.Health}
    out |= {m.label(lang) for m in contract.MetricHealth}
    for s in contract.SETTINGS:
        out |= {s.label(lang), s.help_fr if lang == "fr" else s.help, str(s.default(lang))}
    out |= {i18n.word(k, lang) for k in i18n.WORDS}
    for p in list_presets():
        out |= set(flat(preset_rows(p, lang, START)))
        for key in ("plan_name", "phases"):
            v = p.data.get(key)
            for item in (v if isinstance(v, list) else [v]):
                if isinstance(item, dict):
                    out.add(item[lang])
        out |= {t["name"] for t in p.data.get("team", [])}
    return {x for x in out if isinstance(x, str)}


def _strings(path):
    """Every text a person sees in the workbook: cells, sheet names, input and error
    messages of the validations, print footers."""
    import re
    from html import unescape

    wb = openpyxl.load_workbook(path)
    out = set(wb.sheetnames)
    for ws in wb.worksheets:
        out |= {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
        for v in ws.data_validations.dataValidation:
            out |= {x for x in (v.promptTitle, v.prompt, v.errorTitle, v.error) if x}
    for name, xml in _parts(path).items():
        if name.startswith("xl/worksheets/"):
            out |= {unescape(x) for x in re.findall(r"<oddFooter>(.*?)</oddFooter>", xml)}
    return out


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("name", PRESETS)
def test_every_word_comes_from_the_catalogue_in_the_workbook_language(books, name, lang):
    catalogue = _catalogue(lang)
    truncated = {x[:32] for x in catalogue}  # validation titles are cut at 32 characters
    stray = {s for s in _strings(books[name, lang]) if s not in catalogue | truncated}
    assert not stray, f"not in the {lang} catalogue: {sorted(stray)}"
    other = _catalogue("fr" if lang == "en" else "en") - catalogue
    assert not {s for s in _strings(books[name, lang]) if s in other}


def test_french_preset_budgets_are_french(books):
    ms = openpyxl.load_workbook(books["lean-plan", "fr"])["Jalons"]
    budgets = [c.value for c in ms["J"][1:] if isinstance(c.value, str)]
    assert budgets == ["50/mois"]
    from milestone_sheets.read.values import parse_money

    assert parse_money("50/mois").value is not None


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_number_formats(books, lang):
    wb = openpyxl.load_workbook(books["digital-campaign", lang])
    ms = wb[contract.sheet_title("milestones", lang)]
    letter = {c.key: openpyxl.utils.get_column_letter(i)
              for i, c in enumerate(contract.MILESTONE_COLUMNS, start=1)}
    budget = next(c for c in ms[letter["budget"]][1:] if isinstance(c.value, (int, float)))
    # the space before the euro sign inside the quotes: survives a French LibreOffice save
    expected = '#,##0" €";-#,##0" €"' if lang == "fr" else '"$"#,##0;-"$"#,##0'
    assert budget.number_format == expected == contract.money_format("EUR" if lang == "fr"
                                                                   else "USD")
    # % Complete: 0.25, 25 and 25% all show 25%, as msheets reads them
    assert ms.column_dimensions[letter["pct"]].number_format == '[<=1]0%;0"%"'
    # plain numbers in General: 0.015 shows 0.015, not "0.02" as `0.##` did
    effort = next(c for c in ms[letter["effort"]][1:] if isinstance(c.value, (int, float)))
    assert effort.number_format == "General"
    metrics = wb[contract.sheet_title("metrics", lang)]
    rules = {str(k.sqref): [(r.formula, r.dxf.numFmt.formatCode if r.dxf and r.dxf.numFmt
                             else None) for r in v]
             for k, v in metrics.conditional_formatting._cf_rules.items()}
    assert rules["F2:F1001"] == [(['AND(TRIM($B2)="%",ISNUMBER(F2))'], '[<=1]0.0%;0.0"%"')]
    ctr = metrics["D2"]
    assert metrics["B2"].value == "%" and ctr.value == 0.012 and ctr.number_format == "General"
    log = wb[contract.sheet_title("metric_log", lang)]
    (formula, fmt), = next(v for k, v in (
        (str(k.sqref), [(r.formula[0], r.dxf.numFmt.formatCode) for r in v])
        for k, v in log.conditional_formatting._cf_rules.items()) if k == "C2:C1001")
    assert "VLOOKUP($B2," in formula and fmt == contract.METRIC_PERCENT_FORMAT


def test_every_font_has_a_name(books):
    import re

    for path in books.values():
        styles = _parts(path)["xl/styles.xml"]
        fonts = re.search(r"<fonts[^>]*>(.*?)</fonts>", styles, re.S).group(1)
        for font in re.findall(r"<font>.*?</font>|<font/>", fonts, re.S):
            assert "<name " in font, font


def test_nothing_gnumeric_cannot_handle(books):
    """Gnumeric fails GLib assertions on validations of no type (saving as .ods) and on
    merged cells (printing): a new workbook has neither, and keeps its input messages."""
    import re

    for path in books.values():
        for name, xml in _parts(path).items():
            if not name.startswith("xl/worksheets/sheet"):
                continue
            assert "<mergeCell" not in xml
            for dv in re.findall(r"<dataValidation [^>]*>", xml):
                assert ' type="' in dv, dv
    ms = openpyxl.load_workbook(books["blank", "en"])["Milestones"]
    notes = {str(v.sqref).split(":")[0]: v for v in ms.data_validations.dataValidation}
    assert notes["B2"].type == "textLength" and notes["B2"].prompt == contract.column(
        "milestones", "milestone").help
    assert notes["B2"].showErrorMessage is False


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_print_setup(books, lang):
    wb = openpyxl.load_workbook(books["digital-campaign", lang])
    title = {k: contract.sheet_title(k, lang) for k in contract.SHEETS}
    footer = i18n.word("footer", lang)
    for key in ("guide", *contract.INPUT_SHEETS):
        ws = wb[title[key]]
        assert ws.sheet_properties.pageSetUpPr.fitToPage, key
        assert ws.page_setup.fitToHeight == 0, key
        assert ws.page_setup.paperSize == (9 if lang == "fr" else 1)
        assert "&F" in footer and "&P" in footer
        assert ws.oddFooter.right.text == footer.split("&R")[1]
    guide = wb[title["guide"]]
    assert guide.page_setup.orientation == "portrait" and guide.page_setup.fitToWidth in (1, None)
    ms = wb[title["milestones"]]
    # 23 columns: two landscape pages wide, ID and Milestone on each
    assert ms.page_setup.fitToWidth == 2 and ms.print_title_cols == "$A:$B"
    assert ms.print_title_rows == "$1:$1"
    team = wb[title["team"]]
    assert team.page_setup.fitToWidth in (1, None) and team.page_setup.orientation == "landscape"


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("name", PRESETS)
def test_columns_fit_headers_and_values(books, name, lang):
    from milestone_sheets.write.new_workbook import GUIDE, GUIDE_WIDTHS, MAX_WIDTH

    wb = openpyxl.load_workbook(books[name, lang])
    for key in ("milestones", "metrics", "metric_log", "team"):
        ws = wb[contract.sheet_title(key, lang)]
        widths = {i: d.width for d in ws.column_dimensions.values()
                  for i in range(d.min, d.max + 1)}
        for i, col in enumerate(contract.COLUMNS[key], start=1):
            letter = openpyxl.utils.get_column_letter(i)
            width = widths[i]
            header = col.label(lang)
            # bold, on two lines at most, the last beside the filter button
            need = min(max(len(" ".join(header.split()[:k])) * 1.1,
                           len(" ".join(header.split()[k:])) * 1.1 + 3)
                       for k in range(1, max(2, len(header.split()))))
            assert width >= need, (ws.title, header, width)
            for cell in ws[letter][1:]:
                if isinstance(cell.value, str):
                    assert width >= min(len(cell.value), MAX_WIDTH), (ws.title, cell.value)
                elif isinstance(cell.value, datetime):
                    assert width >= 14, (ws.title, header)  # "30 sept. 2026"
    guide = wb[contract.sheet_title("guide", lang)]
    assert guide.column_dimensions["B"].width >= GUIDE_WIDTHS[1]
    for _name, cmd, _text in GUIDE[lang]["command_rows"]:
        assert len(cmd) * 1.2 < GUIDE_WIDTHS[1]  # in a monospace font, on one line


def test_guide_date_examples_are_read_as_promised():
    """The Guide promises what msheets does with text that stays text in a spreadsheet."""
    from milestone_sheets.read.values import parse_date

    assert parse_date("Q3 2026", "MDY", default_year=2026).value == date(2026, 9, 30)
    assert parse_date("end of Q3", "MDY", default_year=2026).value == date(2026, 9, 30)
    assert (parse_date("Sep 2026", "MDY", default_year=2026).value
            == date(2026, 9, 30))  # typed as 'Sep 2026
    assert parse_date("sept. 2026", "DMY", default_year=2026).value == date(2026, 9, 30)
    assert parse_date("T3 2026", "DMY", default_year=2026).value == date(2026, 9, 30)
    from milestone_sheets.write.new_workbook import GUIDE

    dates_en = dict(GUIDE["en"]["intro"])["Dates"]
    assert "'Sep 2026', into its first day" in dates_en and "apostrophe" in dates_en


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_new_speaks_the_workbook_language(tmp_path, lang):
    from click.testing import CliRunner

    from milestone_sheets.cli import cli

    path = tmp_path / "plan.xlsx"
    res = CliRunner().invoke(cli, ["new", str(path), "--lang", lang])
    assert res.exit_code == 0
    sheet = contract.sheet_title("milestones", lang)
    assert res.output.strip() == i18n.word("new_written", lang).format(
        path=path, template="blank", lang=lang, name="plan.xlsx", sheet=sheet)
    assert f"feuille {sheet}" in res.output if lang == "fr" else "the Milestones sheet" in \
        res.output
    again = CliRunner().invoke(cli, ["new", str(path), "--lang", lang])
    assert again.exit_code == 1
    assert ("existe déjà" if lang == "fr" else "already exists") in again.output


@pytest.mark.parametrize("currency", [*contract.CURRENCY_SYMBOLS, "SEK"])
def test_money_text_puts_the_symbol_where_the_workbook_does(currency):
    from milestone_sheets.contract.formats import format_money

    code = contract.money_format(currency)
    sym = contract.CURRENCY_SYMBOLS.get(currency, currency)
    before = code.startswith(f'"{sym}"')
    for value, en, fr in ((12345, "12,345", "12 345"), (12.5, "12.50", "12,50")):
        for lang, amount in (("en", en), ("fr", fr)):
            assert format_money(value, currency, lang) == (
                f"{sym}{amount}" if before else f"{amount} {sym}")
    # the minus before the symbol, as `-"$"#,##0` shows it
    assert format_money(-50, currency, "en") == (f"-{sym}50" if before else f"-50 {sym}")


def test_reports_and_calendar_show_money_as_the_workbook_does(tmp_path):
    """A CAD plan: the workbook shows CA$2,000, and so do the text, markdown and HTML
    reports and the calendar (their own symbol table made it "2,000 CAD")."""
    from milestone_sheets import evaluate, load_plan
    from milestone_sheets.write.ics import build_calendar
    from milestone_sheets.write.new_workbook import PlanContent
    from milestone_sheets.write.report.html import to_html
    from milestone_sheets.write.report.text import to_markdown, to_text

    as_of = date(2026, 12, 1)
    path = write_new_workbook(tmp_path / "plan.xlsx", content=PlanContent(
        milestones=[{"milestone": "Launch", "owner": "Ana", "due": date(2026, 12, 15),
                     "budget": 2000}],
        team=[{"owner": "Ana"}], settings={"currency": "CAD"}))
    ms = openpyxl.load_workbook(path)[contract.sheet_title("milestones", "en")]
    budget = next(c for row in ms.iter_rows(min_row=2) for c in row if c.value == 2000)
    assert budget.number_format == '"CA$"#,##0;-"CA$"#,##0'
    status = evaluate(load_plan(path, as_of=as_of), as_of)
    calendar = build_calendar(status).decode().replace("\r\n ", "").replace("\\,", ",")
    for doc in (to_text(status), to_markdown(status), to_html(status), calendar):
        assert "CA$2,000" in doc and "2,000 CAD" not in doc

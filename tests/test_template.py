"""`msheets new`: the generated workbook read back with openpyxl."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from milestone_sheets import schema
from milestone_sheets.errors import MsheetsError
from milestone_sheets.template import list_presets, next_monday, write_new_workbook

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
    titles = {k: schema.sheet_title(k, lang) for k in schema.SHEETS}
    assert wb.sheetnames == [titles[k] for k in ("guide", *schema.INPUT_SHEETS, "lists")]
    assert wb[titles["lists"]].sheet_state == "hidden"
    for key in ("milestones", "metrics", "metric_log", "team"):
        ws = wb[titles[key]]
        headers = [c.value for c in ws[1]]
        assert headers == [c.label(lang) for c in schema.COLUMNS[key]]
        assert ws.freeze_panes in ("B2", "C2")
        assert f"msheets_{key}" in ws.tables
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"
    ms = wb[titles["milestones"]]
    letter = {c.key: openpyxl.utils.get_column_letter(i)
              for i, c in enumerate(schema.MILESTONE_COLUMNS, start=1)}
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
    assert set(wb.defined_names) >= set(schema.LIST_NAMES.values())
    metrics = wb[titles["metrics"]]
    mdv = [v for v in metrics.data_validations.dataValidation if v.formula1 ==
           "msheets_direction"]
    assert mdv and str(mdv[0].sqref).startswith("C2")
    settings = wb[titles["settings"]]
    names = [settings.cell(r, 1).value for r in range(2, len(schema.SETTINGS) + 2)]
    assert names == [s.label(lang) for s in schema.SETTINGS]
    # managed columns are shaded and say refresh fills them
    health = ms[f"{letter['health']}1"]
    assert health.value == schema.column("milestones", "health").label(lang)
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

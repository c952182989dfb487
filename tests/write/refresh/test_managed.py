"""The managed sheets (built by XlsxWriter in a scratch workbook in memory): what they hold,
how they print, their formats and their language."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers import HAND_AS_OF, fill_plan, hand_plan
from hypothesis import given, settings
from hypothesis import strategies as st

from milestone_sheets import contract, i18n
from milestone_sheets.contract.vocab import Flag, FlagKind
from milestone_sheets.model import HISTORY_KEYS, BaselineEntry, Issue, Metric, Plan
from milestone_sheets.plans import load_workbook_plan
from milestone_sheets.rules.evaluation import evaluate
from milestone_sheets.write.refresh.managed import (
    MANAGED_ORDER,
    SUMMARY_LIST_MAX,
    TIMELINE_MAX_ROWS,
    Context,
    ManagedBook,
    build_managed_book,
    history_row,
    merge_history,
    text_bar,
)

HEADER_FILL = "1F4E78"


class Built:
    """A plan, the book built from it, and that book opened by openpyxl and as a zip."""

    def __init__(self, plan: Plan, book: ManagedBook) -> None:
        self.plan, self.book = plan, book
        self.wb = openpyxl.load_workbook(io.BytesIO(book.complete()))
        self.zip = zipfile.ZipFile(io.BytesIO(book.complete()))

    def ws(self, key: str) -> Any:
        return self.wb[self.book.titles[key]]

    def xml(self, key: str) -> str:
        index = list(MANAGED_ORDER).index(key) + 1  # XlsxWriter numbers sheets in order
        return self.zip.read(f"xl/worksheets/sheet{index}.xml").decode()

    def rows(self, key: str, min_row: int = 1) -> list[tuple[Any, ...]]:
        return list(self.ws(key).iter_rows(min_row=min_row, values_only=True))


def build(path: Path, *, titles: dict[str, str] | None = None, date_1904: bool = False,
          change: Any = None, as_of: date = HAND_AS_OF) -> Built:
    """Read the plan at `path` (then let `change` edit it), evaluate it, build the book."""
    plan, layout = load_workbook_plan(path, as_of=as_of)
    if change is not None:
        change(plan)
    status = evaluate(plan, plan.as_of)
    return Built(plan, build_managed_book(Context(plan, status, layout), titles or {},
                                          date_1904=date_1904))


@pytest.fixture(scope="module")
def hand_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hand_plan(tmp_path_factory.mktemp("en") / "plan.xlsx")


@pytest.fixture(scope="module")
def hand_fr(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hand_plan(tmp_path_factory.mktemp("fr") / "plan.xlsx", lang="fr")


@pytest.fixture(scope="module")
def en(hand_en: Path) -> Built:
    return build(hand_en)


@pytest.fixture(scope="module")
def fr(hand_fr: Path) -> Built:
    return build(hand_fr)


def width_of(ws: Any, col: int) -> float:
    """The width of column `col` (1-based), from the <col> ranges openpyxl read."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= col <= dim.max:
            return float(dim.width)
    return 8.43


# --------------------------------------------------------------------------- the book


def test_sheets_in_order_with_default_titles(en, fr):
    assert en.wb.sheetnames == [contract.sheet_title(k, "en") for k in MANAGED_ORDER]
    assert list(en.book.titles) == list(MANAGED_ORDER)
    assert fr.wb.sheetnames == ["Synthèse", "Budget", "Charge", "Chronologie", "Problèmes",
                                "Historique", "Base de référence"]


def test_existing_titles_are_kept(hand_en):
    built = build(hand_en, titles={"summary": "Dashboard", "issues": "Problems"})
    assert built.book.titles["summary"] == "Dashboard"
    assert built.wb.sheetnames[0] == "Dashboard" and built.wb.sheetnames[4] == "Problems"
    assert built.book.titles["budget"] == "Budget"
    with pytest.raises(ValueError, match="both titled"):
        build(hand_en, titles={"summary": "Budget"})


def test_only_what_the_transplant_supports(en):
    """No tables, notes, images, validations or defined names of msheets' own: refresh
    transplants worksheets, drawings, charts, styles, strings and print/filter names."""
    names = en.zip.namelist()
    assert not [n for n in names if re.search(r"tables/|comments|vmlDrawing|media/|vba", n)]
    assert sum(n.startswith("xl/charts/chart") for n in names) == 3
    for key in MANAGED_ORDER:
        assert "<dataValidations" not in en.xml(key) and "<f>" not in en.xml(key)
    defined = re.findall(r'<definedName name="([^"]+)"', en.zip.read("xl/workbook.xml").decode())
    assert defined and all(n.startswith("_xlnm.") for n in defined)


# --------------------------------------------------------------------------- Summary


def test_summary_headline_figures(en):
    ws = en.ws("summary")
    assert ws["A2"].value == "As of" and ws["B2"].value == datetime(2026, 11, 18)
    figures: dict[str, Any] = {}
    for row in en.rows("summary", 4):
        if row[0]:
            figures.setdefault(row[0], row[1])
    assert figures["Milestones"] == 13 and figures["Overdue"] == 1
    assert figures["Planned"] == pytest.approx(5300)
    assert figures["Next plan review"] == datetime(2026, 12, 11)
    assert figures["% complete"] == pytest.approx(1340 / 5300)
    column_a = [c.value for c in en.ws("summary")["A"]]
    bo = column_a.index("Overloaded owners") + 3  # title, header, first owner (1-based)
    assert [c.value for c in en.ws("summary")[bo]][:4] == [
        "Bo", pytest.approx(9 / 8), datetime(2026, 11, 16), 2]
    health = {r[0]: r[1] for r in en.rows("summary") if r[0] in set(contract.Health)}
    assert health["At risk"] == 3 and health["Unscheduled"] == 1


def test_summary_lists_link_to_the_milestone_rows(en):
    ws = en.ws("summary")
    overdue = next(c for c in ws["A"] if c.value == "M-007")
    assert overdue.hyperlink.location == "'Milestones'!A8"
    assert ws.cell(overdue.row, 5).value == "Overdue"
    assert ws.cell(overdue.row, 5).fill.fgColor.rgb.endswith(contract.HEALTH_COLOURS["Overdue"])


def test_summary_chart_reads_the_budget_by_phase(en):
    rels = en.zip.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    drawing = re.search(r'Target="../drawings/(drawing\d+\.xml)"', rels)[1]
    drels = en.zip.read(f"xl/drawings/_rels/{drawing}.rels").decode()
    chart = en.zip.read("xl/charts/" + re.search(r"charts/(chart\d+\.xml)", drels)[1]).decode()
    header = next(c.row for c in en.ws("summary")["A"] if c.value == "Phase")
    assert f"<c:f>Summary!$B${header + 1}:$B${header + 3}</c:f>" in chart
    assert "Budget: planned vs actual" in chart and "<c:barDir val=\"col\"/>" in chart


def test_summary_lists_are_cut_and_say_how_many_more(tmp_path):
    late = [{"milestone": f"Late {i}", "owner": "Ana", "due": date(2026, 10, 1) + timedelta(i)}
            for i in range(SUMMARY_LIST_MAX + 5)]
    built = build(fill_plan(tmp_path / "p.xlsx", milestones=late,
                            team=[{"owner": "Ana", "capacity": 40}]))
    column_a = [c.value for c in built.ws("summary")["A"]]
    start = next(i for i, v in enumerate(column_a) if v == "Overdue" and column_a[i + 1] == "ID")
    ids = column_a[start + 2:start + 2 + SUMMARY_LIST_MAX]
    assert ids == [f"M-{i:03d}" for i in range(1, SUMMARY_LIST_MAX + 1)]
    assert column_a[start + 2 + SUMMARY_LIST_MAX] == (
        "… and 5 more: filter the Health column of the Milestones sheet")


def test_summary_prints_on_one_page_unless_very_long(en, hand_en):
    assert '<pageSetup orientation="portrait"/>' in en.xml("summary")  # fit 1 x 1
    assert en.ws("summary").sheet_properties.pageSetUpPr.fitToPage

    def many_metrics(plan: Plan) -> None:
        plan.metrics = [replace(plan.metrics[0], name=f"Metric {i}") for i in range(80)]

    long = build(hand_en, change=many_metrics)
    assert '<pageSetup fitToHeight="0" orientation="portrait"/>' in long.xml("summary")


def test_percent_metrics_show_as_percentages(hand_en):
    def percent_metric(plan: Plan) -> None:
        plan.metrics.append(Metric(row=99, name="CTR", unit="%", baseline=0.01, target=0.03,
                                   current=0.021))

    ws = build(hand_en, change=percent_metric).ws("summary")
    row = next(c.row for c in ws["A"] if c.value == "CTR")
    assert ws.cell(row, 6).value == pytest.approx(0.021)
    assert ws.cell(row, 6).number_format == "0.0%" == ws.cell(row, 7).number_format
    visitors = next(c.row for c in ws["A"] if c.value == "Visitors")
    assert ws.cell(visitors, 6).number_format == "General"


# --------------------------------------------------------------------------- Budget


def test_budget_sections_are_headed_by_their_rollup(en, fr):
    ws = en.ws("budget")
    titles = {c.value: c.row for c in ws["A"] if c.value in
              [i18n.word(r, "en") for r in ("by_phase", "by_owner", "by_strategy",
                                               "by_tactic", "by_type", "by_month")]}
    heads = {t: ws.cell(r + 1, 1).value for t, r in titles.items()}
    assert heads == {"By phase": "Phase", "By owner": "Owner", "By strategy": "Strategy",
                     "By tactic": "Tactic", "By type": "Type", "By due month": "Due month"}
    values = {c.value for row in ws.iter_rows() for c in row}
    assert "Group" not in values
    assert {"Nov 2026", "Feb 2027", "(none)", "Implementation", "Total"} <= values
    fr_values = {c.value for row in fr.ws("budget").iter_rows() for c in row}
    assert {"nov. 2026", "févr. 2027", "(aucun)", "Mise en œuvre", "Stratégie"} <= fr_values


def test_budget_totals(en):
    ws = en.ws("budget")
    assert [c.value for c in ws[4]][:6] == ["Total", 5300, 1700, 3600, 1340,
                                            pytest.approx(2034.48, abs=0.01)]
    assert ws["B4"].font.b and ws["B4"].number_format == contract.money_format("USD")


# --------------------------------------------------------------------------- Workload


def test_workload(en):
    owners: dict[str, Any] = {}
    for r in en.rows("workload", 4):  # the owner table comes before the week grids
        owners.setdefault(r[0], r)
    assert owners["Bo"][6] == pytest.approx(9 / 8) and owners["Bo"][8] == "yes"
    assert owners["Ana"][8] is None
    ws = en.ws("workload")
    assert ws["G5"].fill.fgColor.rgb.endswith("FF7C80")  # Bo's peak load is over capacity


# --------------------------------------------------------------------------- Timeline


def test_timeline_week_headers_are_text_that_fits(en, fr):
    ws = en.ws("timeline")
    heads = [c.value for c in ws[3]][6:]
    assert heads[0] == "19 Oct" and "16 Nov" in heads and heads[-1] == "1 Feb"
    today = heads.index("16 Nov") + 7
    assert ws.cell(2, today).value == "Today"
    assert ws.cell(3, today).fill.fgColor.rgb.endswith("C00000")
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", h) for h in heads)
    fr_heads = [c.value for c in fr.ws("timeline")[3]][6:]
    assert "16 nov." in fr_heads and "4 janv." in fr_heads and "1 févr." in fr_heads
    assert fr.ws("timeline").cell(2, today).value == "Aujourd'hui"


def test_timeline_rows(en):
    ws = en.ws("timeline")
    first = [c.value for c in ws[4]][:6]
    assert first == ["M-004", "Late but done", "Bo", datetime(2026, 10, 20),
                     datetime(2026, 11, 5), "Done late"]
    assert ws["A4"].hyperlink.location == "'Milestones'!A5"
    bar = [c.column for c in ws[4][6:] if c.fill.fgColor.rgb.endswith(
        contract.HEALTH_COLOURS["Done late"])]
    assert bar == [7, 8, 9]  # the weeks of 19 Oct, 26 Oct and 2 Nov
    assert ws.freeze_panes == "G4"


def test_timeline_months_for_long_plans(hand_en, hand_fr):
    def long(plan: Plan) -> None:
        plan.milestones[-1].due = date(2027, 9, 30)

    heads = [c.value for c in build(hand_en, change=long).ws("timeline")[3]][6:]
    assert heads[0] == "Oct 2026" and heads[-1] == "Sep 2027" and len(heads) == 12
    fr_heads = [c.value for c in build(hand_fr, change=long).ws("timeline")[3]][6:]
    assert fr_heads[0] == "oct. 2026" and "sept. 2027" in fr_heads


def test_timeline_shows_at_most_its_limit(hand_en):
    def many(plan: Plan) -> None:
        base = plan.milestones[3]
        plan.milestones = [replace(base, row=i + 2, id=f"X-{i:04d}", depends_on=[])
                           for i in range(TIMELINE_MAX_ROWS + 1)]
        plan.issues = []

    built = build(hand_en, change=many)
    ws = built.ws("timeline")
    assert ws["C1"].value == "the first 1,000 of 1,001 milestones"
    assert ws.cell(3 + TIMELINE_MAX_ROWS, 1).value == "X-0999"
    assert ws.cell(4 + TIMELINE_MAX_ROWS, 1).value is None
    assert len(built.rows("baseline", 2)) == TIMELINE_MAX_ROWS + 1


# --------------------------------------------------------------------------- Issues


def test_issues_name_the_milestone_and_the_field(en):
    ws = en.ws("issues")
    assert [c.value for c in ws[1]] == ["Severity", "Sheet", "Cell", "ID", "Milestone",
                                        "Field", "Value", "Message"]
    rows = en.rows("issues", 2)
    assert rows[0][:6] == ("error", "Milestones", "I7", "M-006", "Someday", "Due")
    zed = next(r for r in rows if r[3] == "M-013")
    assert zed[:7] == ("warning", "Milestones", "G14", "M-013", "Stranger's task", "Owner",
                       "Zed")
    assert [r[0] for r in rows] == sorted((r[0] for r in rows),
                                          key=["error", "warning", "info"].index)
    assert ws["C2"].hyperlink.location == "'Milestones'!I7"
    assert ws["A2"].fill.fgColor.rgb.endswith("FF7C80")
    assert ws.auto_filter.ref == f"A1:H{len(rows) + 1}" and ws.freeze_panes == "A2"


def test_issues_in_french(fr):
    rows = fr.rows("issues", 2)
    assert rows[0][:6] == ("erreur", "Jalons", "I7", "M-006", "Someday", "Échéance")
    assert {r[0] for r in rows} <= {"erreur", "avertissement", "info"}
    assert "Responsable" in {r[5] for r in rows}


def test_issue_values_keep_their_kind(hand_en):
    def odd_values(plan: Plan) -> None:
        plan.issues = [
            Issue("warning", "Milestones", "B2", "milestone", '=HYPERLINK("http://x","y")', "a"),
            Issue("warning", "Milestones", "C2", "phase", float("nan"), "b"),
            Issue("warning", "Milestones", "H2", "start", date(2026, 1, 2), "c"),
            Issue("warning", "Settings", "B5", "due_soon", 3.5, "d"),
            Issue("info", "Team", "", "", None, "e"),
        ]

    ws = build(hand_en, change=odd_values).ws("issues")
    assert ws["G2"].value == '=HYPERLINK("http://x","y")' and ws["G2"].data_type == "s"
    assert ws["G3"].value is None
    assert ws["G4"].value == datetime(2026, 1, 2) and ws["G4"].number_format == "d mmm yyyy"
    assert ws["G5"].value == 3.5 and ws["F5"].value == "Due soon (days)"
    assert ws["C6"].value is None and ws["F6"].value is None and ws["H6"].value == "e"


def test_no_issues(hand_en):
    def clean(plan: Plan) -> None:
        plan.issues = []

    ws = build(hand_en, change=clean).ws("issues")
    assert ws["A2"].value == "No problems found." and ws.auto_filter.ref == "A1:H2"


# --------------------------------------------------------------------------- History


def test_history_replaces_the_row_of_the_same_date(hand_en):
    older = {"as_of": date(2026, 10, 1), "milestones": 9, "planned": 100.0, "cpi": None}

    def with_history(plan: Plan) -> None:
        plan.history = [{"as_of": HAND_AS_OF, "milestones": 1}, older]

    built = build(hand_en, change=with_history)
    rows = built.rows("history", 2)
    assert [r[0] for r in rows] == [datetime(2026, 10, 1), datetime(2026, 11, 18)]
    assert rows[0][1] == 9 and rows[0][6] == 100 and rows[0][11] is None
    assert rows[1][1] == 13 and built.book.history_replaced
    assert [c.value for c in built.ws("history")[1]] == [
        i18n.word(k, "en") for k in HISTORY_KEYS]


def test_history_first_row(en):
    rows = en.rows("history", 2)
    assert len(rows) == 1 and rows[0][0] == datetime(2026, 11, 18) and rows[0][1] == 13
    assert not en.book.history_replaced


@settings(max_examples=60, deadline=None)
@given(old=st.lists(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=12),
       new=st.dates(date(2025, 1, 1), date(2027, 12, 31)))
def test_merge_history_keeps_every_other_row(old, new):
    rows = [{"as_of": d, "milestones": i} for i, d in enumerate(old)]
    merged, replaced = merge_history(rows, {"as_of": new, "milestones": -1})
    days = [r["as_of"] for r in merged]
    assert days == sorted(days)
    assert [r for r in merged if r["as_of"] == new] == [{"as_of": new, "milestones": -1}]
    assert all(r in merged for r in rows if r["as_of"] != new)
    assert len(merged) == len([d for d in old if d != new]) + 1
    assert replaced == (new in old)


# --------------------------------------------------------------------------- Baseline


def test_baseline_keeps_recorded_entries_then_adds_new_milestones(hand_en):
    recorded = {
        "m-002": BaselineEntry("M-002", date(2026, 12, 1), 50.0, date(2026, 10, 1), "Paused"),
        "gone-1": BaselineEntry("GONE-1", None, None, date(2026, 9, 1)),
    }

    def with_baseline(plan: Plan) -> None:
        plan.baseline = dict(recorded)

    built = build(hand_en, change=with_baseline)
    rows = built.rows("baseline")
    assert list(rows[0]) == ["ID", "Milestone", "Due", "Budget", "Recorded on"]
    assert rows[1] == ("M-002", "Paused", datetime(2026, 12, 1), 50, datetime(2026, 10, 1))
    assert rows[2] == ("GONE-1", None, None, None, datetime(2026, 9, 1))
    new_ids = [f"M-{i:03d}" for i in range(1, 14) if i != 2]
    assert [r[0] for r in rows[3:]] == new_ids == built.book.baseline_added
    assert rows[3][1:] == ("Cancelled work", datetime(2026, 12, 1), 1000, datetime(2026, 11, 18))


def test_building_again_from_what_was_recorded_gives_the_same_sheets(hand_en):
    """The next refresh on the same date reads History and Baseline back from the sheets:
    it must write the same sheets (widths included)."""
    long_name = "A milestone whose name is longer than the Baseline's column"

    def rename(plan: Plan) -> None:
        plan.milestones[0].name = long_name

    first = build(hand_en, change=rename)

    def read_back(plan: Plan) -> None:
        rename(plan)
        plan.baseline = {r[0].casefold(): BaselineEntry(r[0], r[2] and r[2].date(), r[3],
                                                        r[4].date(), r[1])
                         for r in first.rows("baseline", 2)}
        plan.history = [dict(zip(HISTORY_KEYS, (r[0].date(), *r[1:]), strict=True))
                        for r in first.rows("history", 2)]

    again = build(hand_en, change=read_back)
    assert again.book.baseline_added == [] and again.book.history_replaced
    for key in MANAGED_ORDER:
        assert again.xml(key) == first.xml(key), key


# --------------------------------------------------------------------------- print and formats


FOOTER = ("<headerFooter><oddFooter>&amp;Lplan&amp;CAs of 18 Nov 2026&amp;RPage &amp;P / "
          "&amp;N</oddFooter></headerFooter>")


@pytest.mark.parametrize(("key", "page_setup", "print_titles"), [
    ("summary", '<pageSetup orientation="portrait"/>', None),
    ("budget", '<pageSetup fitToHeight="0" orientation="landscape"/>', "$1:$3"),
    ("workload", '<pageSetup fitToHeight="0" orientation="landscape"/>', "$1:$3"),
    ("timeline", '<pageSetup fitToHeight="0" orientation="landscape"/>', "$1:$3"),
    ("issues", '<pageSetup fitToHeight="0" orientation="landscape"/>', "$1:$1"),
    ("history", '<pageSetup fitToHeight="0" orientation="landscape"/>', "$1:$1"),
    ("baseline", '<pageSetup fitToHeight="0" orientation="portrait"/>', "$1:$1"),
])
def test_every_sheet_prints_one_page_wide_with_a_footer(en, key, page_setup, print_titles):
    xml = en.xml(key)
    assert "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>" in xml
    assert page_setup in xml
    assert FOOTER in xml
    assert ('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.7" header="0.3" '
            'footer="0.3"/>') in xml
    assert en.ws(key).print_title_rows == print_titles


def test_print_and_filter_names(en):
    names = re.search(r"<definedNames>.*</definedNames>",
                      en.zip.read("xl/workbook.xml").decode())[0]
    assert names == (
        '<definedNames>'
        '<definedName name="_xlnm._FilterDatabase" localSheetId="4" hidden="1">'
        'Issues!$A$1:$H$4</definedName>'
        '<definedName name="_xlnm.Print_Area" localSheetId="1">Budget!$A$1:$T$38</definedName>'
        '<definedName name="_xlnm.Print_Area" localSheetId="5">History!$A$1:$M$19'
        '</definedName>'
        '<definedName name="_xlnm.Print_Area" localSheetId="0">Summary!$A$1:$G$69'
        '</definedName>'
        '<definedName name="_xlnm.Print_Titles" localSheetId="6">Baseline!$1:$1</definedName>'
        '<definedName name="_xlnm.Print_Titles" localSheetId="1">Budget!$1:$3</definedName>'
        '<definedName name="_xlnm.Print_Titles" localSheetId="5">History!$1:$1</definedName>'
        '<definedName name="_xlnm.Print_Titles" localSheetId="4">Issues!$1:$1</definedName>'
        '<definedName name="_xlnm.Print_Titles" localSheetId="3">Timeline!$1:$3</definedName>'
        '<definedName name="_xlnm.Print_Titles" localSheetId="2">Workload!$1:$3</definedName>'
        '</definedNames>')


def test_footer_in_french_and_with_an_ampersand(hand_fr):
    def rename(plan: Plan) -> None:
        plan.settings.plan_name = "R&D 2027"

    xml = build(hand_fr, change=rename).xml("timeline")
    assert ("<oddFooter>&amp;LR&amp;&amp;D 2027&amp;CAu 18 nov. 2026&amp;RPage &amp;P / "
            "&amp;N</oddFooter>") in xml


def test_every_font_has_a_name(en):
    styles = en.zip.read("xl/styles.xml").decode()
    fonts = re.findall(r"<font>.*?</font>", re.search(r"<fonts[^>]*>(.*)</fonts>", styles)[1])
    assert len(fonts) > 3 and all('<name val="Calibri"/>' in f for f in fonts)


def test_money_formats_survive_a_french_calc_save(fr):
    ws = fr.ws("budget")
    assert ws["B4"].number_format == '#,##0" €";-#,##0" €"'
    formats = re.findall(r'formatCode="([^"]*)"',
                         fr.zip.read("xl/styles.xml").decode().replace("&quot;", "'"))
    assert formats and not [f for f in formats if re.search(r"0 '", f)]


def test_headers_fit_their_columns(en, fr):
    for built in (en, fr):
        for ws in built.wb.worksheets:
            for row in ws.iter_rows(max_row=30):
                for c in row:
                    if isinstance(c.value, str) and c.fill.fgColor.rgb.endswith(HEADER_FILL):
                        size = c.font.sz or 11
                        assert width_of(ws, c.column) >= len(c.value) * size / 11, (
                            ws.title, c.coordinate, c.value)


def test_text_is_never_a_formula(hand_en):
    name = '=HYPERLINK("http://example.com","click")'

    def formula_like(plan: Plan) -> None:
        plan.milestones[0].name = name

    built = build(hand_en, change=formula_like)
    cell = next(c for c in built.ws("baseline")["B"] if c.value == name)
    assert cell.data_type == "s"
    assert all("<f>" not in built.xml(k) for k in MANAGED_ORDER)


@pytest.mark.parametrize(("date_1904", "serial"), [(False, 46344), (True, 44882)])
def test_dates_follow_the_workbook_date_system(hand_en, date_1904, serial):
    built = build(hand_en, date_1904=date_1904)
    assert ('date1904="1"' in built.zip.read("xl/workbook.xml").decode()) is date_1904
    assert re.search(r'<c r="B2" s="\d+"><v>(\d+)</v></c>', built.xml("summary"))[1] == str(
        serial)
    assert built.ws("summary")["B2"].value == datetime(2026, 11, 18)


# --------------------------------------------------------------------------- language


def _tokens(text: str) -> set[str]:
    return {t.casefold() for t in re.findall(r"[^\W\d_]{2,}", text)}


def _catalogue(lang: str) -> set[str]:
    """Every word msheets may write, in one language."""
    texts = [w(lang) for w in i18n.WORDS.values()]
    texts += [s.label(lang) for s in contract.SHEETS.values()]
    texts += [c.label(lang) for cols in contract.COLUMNS.values() for c in cols]
    texts += [v(lang) for ch in contract.CHOICES.values() for v in ch.values]
    texts += [h.label(lang) for h in contract.Health]
    texts += [s.label(lang) for s in contract.MetricHealth]
    texts += list(i18n.MONTHS_SHORT[lang])
    texts += [Flag(kind, "M-001" if kind is FlagKind.BLOCKED_BY else 3).label(lang)
              for kind in FlagKind]
    return set().union(*map(_tokens, texts))


def test_french_book_has_no_english_word(fr):
    english = _catalogue("en") - _catalogue("fr")
    plan = fr.plan
    typed = {x for m in plan.milestones for x in (m.id, m.name, m.owner, m.phase) if x}
    typed |= {m.name for m in plan.metrics} | {plan.name}
    found = []
    for ws in fr.wb.worksheets:
        issues = ws.title == fr.book.titles["issues"]
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str) or c.value in typed:
                    continue
                if issues and c.column in (5, 7, 8):  # milestone, value, reader's message
                    continue
                if english & _tokens(c.value):
                    found.append((ws.title, c.coordinate, c.value))
    charts = " ".join(fr.zip.read(n).decode() for n in fr.zip.namelist() if "charts/" in n)
    found += [("chart", t) for t in _tokens(" ".join(re.findall(r"<a:t>([^<]*)</a:t>", charts)))
              & english]
    assert not found
    assert english & {"today", "planned", "overdue"}  # the test can see English


def test_flags_and_bars():
    assert Flag(FlagKind.SLIPPED, 10).label("fr") == "glissement de 10 jours"
    assert str(Flag(FlagKind.SLIPPED, 10)) == Flag(FlagKind.SLIPPED, 10).label("en")
    assert str(Flag(FlagKind.SLIPPED, 10)) == "slipped 10 days"
    assert Flag(FlagKind.BLOCKED_BY, "M-007").label("fr") == "bloqué par M-007"
    over = Flag(FlagKind.OVER_BUDGET)
    assert over.label("en") == str(over) == "over budget"
    assert Flag(FlagKind.NO_OWNER).label("fr") == "sans responsable"
    assert text_bar(0.3) == "███░░░░░░░" and text_bar(None) == "" and text_bar(2) == "█" * 10


def test_history_row_has_every_key(en):
    status = evaluate(en.plan, HAND_AS_OF)
    assert tuple(history_row(status)) == HISTORY_KEYS


def test_recorded_rows_read_as_xlsxwriter_would_write_them(hand_en, monkeypatch):
    """The long tables' rows skip XlsxWriter's per-cell cost; written in by the transplant,
    they hold the same values, formats and links as XlsxWriter's own cells."""

    def snapshot(data: bytes) -> dict:
        wb = openpyxl.load_workbook(io.BytesIO(data))
        return {ws.title: {c.coordinate: (c.value, c.number_format, c.fill.fgColor.rgb,
                                          c.font.b, c.font.color.rgb if c.font.color else None,
                                          c.hyperlink.location if c.hyperlink else None)
                           for row in ws.iter_rows() for c in row if c.value is not None
                           or c.fill.fgColor.rgb != "00000000"}
                for ws in wb.worksheets}

    plan, layout = load_workbook_plan(hand_en, as_of=HAND_AS_OF)
    status = evaluate(plan, plan.as_of)
    book = build_managed_book(Context(plan, status, layout), {})
    assert sum(len(r.cells) for r in book.rows.values()) > 10  # the recorder was used
    assert any(r.links for r in book.rows.values())
    from milestone_sheets.write.refresh.managed.recorder import Recorder

    monkeypatch.setattr(Recorder, "_put", lambda *args: False)
    direct = build_managed_book(Context(plan, status, layout), {})
    assert not any(r.cells for r in direct.rows.values())
    assert snapshot(book.complete()) == snapshot(direct.complete())

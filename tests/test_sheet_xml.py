"""The fast writer for managed sheets: what it writes reads back as openpyxl would have
written it, beside cells openpyxl writes itself."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import python_calamine
from openpyxl.styles import Font, PatternFill

from milestone_sheets.managed_sheets import Styles
from milestone_sheets.sheet_xml import save_workbook


def _save(wb, st, tmp_path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(save_workbook(wb, st.buffers).getvalue())
    return path


def test_values_styles_and_links_read_back(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    st = Styles("EUR")
    st.buffer(ws)
    red = PatternFill("solid", fgColor="FF0000")
    bold = Font(bold=True)
    st.put(ws, 3, 2, "=HYPERLINK(\"http://example.com\",\"click\")")  # text stays text
    st.put(ws, 1, 1, "a < b & c > d", font=bold)
    st.put(ws, 1, 3, 12.5, st.money)
    st.put(ws, 2, 1, date(2026, 11, 23), st.date, fill=red)
    st.put(ws, 2, 2, datetime(2026, 11, 23, 12, 0))
    st.put(ws, 2, 3, True)
    st.put(ws, 2, 4, 7)
    st.put(ws, 3, 1, "bell\x07 and tab\t kept")
    st.put(ws, 4, 1, None, fill=red)
    st.put(ws, 5, 1, float("nan"))
    st.put(ws, 5, 2, "  padded  ")
    st.hyperlink(ws, 1, 1, "'It''s'!B5")
    path = _save(wb, st, tmp_path)

    back = openpyxl.load_workbook(path)["Plan"]
    assert back["A1"].value == "a < b & c > d" and back["A1"].font.b
    assert back["B3"].value == '=HYPERLINK("http://example.com","click")'
    assert back["B3"].data_type == "s"
    assert back["C1"].value == 12.5 and back["C1"].number_format == st.money
    assert back["A2"].value == datetime(2026, 11, 23)
    assert back["A2"].fill.fgColor.rgb == "00FF0000"
    assert back["B2"].value == datetime(2026, 11, 23, 12, 0)
    assert back["C2"].value is True and back["D2"].value == 7
    assert back["A3"].value == "bell and tab\t kept"
    assert back["A4"].value is None and back["A4"].fill.fgColor.rgb == "00FF0000"
    assert back["A5"].value is None
    assert back["B5"].value == "  padded  "
    assert back["A1"].hyperlink.location == "'It''s'!B5"
    assert back.dimensions == "A1:D5"
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        "Plan").to_python()
    assert rows[0][0] == "a < b & c > d"


def test_rows_after_existing_cells_are_appended(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "ID", "Due"
    ws["A2"] = "M-001"
    st = Styles("USD")
    st.buffer(ws)
    st.put(ws, 3, 1, "M-002")
    st.put(ws, 3, 2, date(2026, 1, 2), st.date)
    back = openpyxl.load_workbook(_save(wb, st, tmp_path)).active
    assert [[c.value for c in row] for row in back.iter_rows()] == [
        ["ID", "Due"], ["M-001", None], ["M-002", datetime(2026, 1, 2)]]


def test_overlapping_rows_fall_back_to_openpyxl(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A5"] = "user"
    ws.row_dimensions[2].height = 30
    st = Styles("USD")
    st.buffer(ws)
    st.put(ws, 2, 1, "two", font=Font(italic=True))
    st.put(ws, 5, 2, "five")
    st.hyperlink(ws, 5, 2, "Sheet!A1")
    back = openpyxl.load_workbook(_save(wb, st, tmp_path)).active
    assert back["A2"].value == "two" and back["A2"].font.i
    assert back["A5"].value == "user" and back["B5"].value == "five"
    assert back["B5"].hyperlink.location == "Sheet!A1"
    assert back.row_dimensions[2].height == 30


def test_cells_merge_into_the_users_rows_keeping_their_style(tmp_path):
    from openpyxl.comments import Comment
    from openpyxl.styles import Border, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    thin = Border(left=Side(style="thin"))
    for c, v in enumerate(["ID", "Milestone", "Health", "Note"], start=1):
        ws.cell(1, c, v)
    ws.cell(2, 1, "M-1")
    ws.cell(2, 4, "user column after the managed one")
    ws.cell(2, 3, "old").border = thin
    ws.cell(3, 3, "commented").comment = Comment("mine", "Ana")
    st = Styles("USD")
    st.buffer(ws)
    green = PatternFill("solid", fgColor="00B050")
    st.put(ws, 2, 3, "On track", fill=green)
    st.put(ws, 2, 2, "Launch")
    st.put(ws, 3, 3, "Overdue", fill=green)  # a user's comment: openpyxl writes that cell
    st.put(ws, 4, 3, "late")
    ws.cell(4, 3).comment = Comment("added after the put", "msheets")
    st.put(ws, 6, 1, "M-9")
    back = openpyxl.load_workbook(_save(wb, st, tmp_path)).active
    assert [[c.value for c in row] for row in back.iter_rows()] == [
        ["ID", "Milestone", "Health", "Note"],
        ["M-1", "Launch", "On track", "user column after the managed one"],
        [None, None, "Overdue", None], [None, None, "late", None], [None] * 4,
        ["M-9", None, None, None]]
    assert back["C2"].border.left.style == "thin"
    assert back["C2"].fill.fgColor.rgb == "0000B050"
    assert back["C3"].comment.text == "mine" and back["C3"].fill.fgColor.rgb == "0000B050"
    assert back["C4"].comment.text == "added after the put"


def test_plain_shared_strings_read_as_openpyxl_reads_them():
    import io

    from openpyxl.reader.strings import read_string_table

    from milestone_sheets.writeback import read_plain_strings

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = (f'<sst xmlns="{ns}" count="7" uniqueCount="7">'
           '<si><t>Launch</t></si>'
           '<si><t xml:space="preserve">  padded  </t></si>'
           '<si><t/></si>'
           '<si><r><rPr><b/></rPr><t>bold</t></r><r><t xml:space="preserve"> and plain</t></r>'
           '</si>'
           '<si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="1"/></si>'
           '<si><t>a &amp; b &lt;c&gt; x005F_x000D_</t></si>'
           '<si><t>line\nbreak</t></si></sst>').encode()
    assert read_plain_strings(io.BytesIO(xml)) == list(read_string_table(io.BytesIO(xml)))

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

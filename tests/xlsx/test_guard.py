"""The package scans: formulas without a value and formatted runs, whatever the namespace
prefix a spreadsheet program chose for the sheet XML."""

from __future__ import annotations

import pytest

from milestone_sheets.xlsx.guard import _scanner

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_xml(prefix: str, declare: str) -> bytes:
    p = f"{prefix}:" if prefix else ""
    return (
        f'<?xml version="1.0"?><{p}worksheet {declare}><{p}sheetData><{p}row r="2">'
        f'<{p}c r="A2"><{p}f>1+1</{p}f><{p}v></{p}v></{p}c>'
        f'<{p}c r="B2"><{p}f>2*2</{p}f><{p}v>4</{p}v></{p}c>'
        f'<{p}c r="C2" t="s"><{p}v>0</{p}v></{p}c>'
        f'<{p}c r="D2" t="inlineStr"><{p}is><{p}r><{p}t>bold</{p}t></{p}r></{p}is></{p}c>'
        f"</{p}row></{p}sheetData></{p}worksheet>"
    ).encode()


@pytest.mark.parametrize("prefix, declare, scanned_as", [
    ("", f'xmlns="{MAIN}"', b""),  # Excel, LibreOffice, openpyxl
    ("x", f'xmlns:x="{MAIN}"', b"x:"),  # some generators (.NET Open XML SDK)
    ("s", 'xmlns:s="http://purl.oclc.org/ooxml/spreadsheetml/main"', None),  # strict: any
])
def test_formulas_and_runs_found_under_any_prefix(prefix, declare, scanned_as):
    data = sheet_xml(prefix, declare)
    scan = _scanner(data)
    assert scan.prefix == scanned_as
    assert scan.formula_cells(data) == ({"A2", "B2"}, {"A2"})
    assert scan.has_rich_run(data)
    plain = data.replace(f"<{prefix + ':' if prefix else ''}r>".encode(), b"<run>")
    assert not scan.has_rich_run(plain)


def test_validation_formulas_are_not_cell_formulas():
    data = (f'<worksheet xmlns="{MAIN}"><sheetData/><dataValidations><dataValidation>'
            "<formula1>$A$1:$A$3</formula1></dataValidation></dataValidations></worksheet>"
            ).encode()
    assert _scanner(data).formula_cells(data) == (set(), set())

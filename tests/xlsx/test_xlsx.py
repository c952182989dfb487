"""Golden tests for the package layer (milestone_sheets.xlsx): small parts in, the exact
XML out, in the manner of XlsxWriter's own tests."""

from __future__ import annotations

import io
import zipfile

import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from milestone_sheets.xlsx.notes import NOTE_MARK, Note, merge_notes
from milestone_sheets.xlsx.opc import Package
from milestone_sheets.xlsx.sheet_patch import PatchCell, patch_sheet
from milestone_sheets.xlsx.styles import CellStyle, StyleSheet
from milestone_sheets.xlsx.transplant import Scratch, style_remap, transplant_sheet
from milestone_sheets.xlsx.workbook import WorkbookPart

DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STYLES = (f'{DECL}<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/>'
          '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill '
          'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border/></borders><cellXfs count="2"><xf numFmtId="0" '
          'fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="0" fillId="0" '
          'borderId="0" xfId="0" applyAlignment="1"><alignment wrapText="1"/></xf></cellXfs>'
          "</styleSheet>").encode()

SHEET = (
    f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{REL}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
    '<dimension ref="A1:C4"/><sheetData>'
    '<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c>'
    '<c r="C1" s="1" t="s"><v>1</v></c></row>'
    '<row r="2" spans="1:3"><c r="A2"><f t="shared" ref="A2:A3" si="0">B2*2</f><v>4</v></c>'
    '<c r="B2"><v>2</v></c><c r="C2" s="1" t="s"><v>2</v></c></row>'
    '<row r="4"><c r="A4"><v>1</v></c><c r="C4" s="1"><v>7</v></c></row></sheetData>'
    '<conditionalFormatting sqref="B2:B3"><cfRule type="dataBar" priority="1"><dataBar>'
    '<cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/></dataBar></cfRule>'
    "</conditionalFormatting><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" "
    'bottom="0.75" header="0.3" footer="0.3"/><tableParts count="1"><tablePart r:id="rId1"/>'
    "</tableParts></worksheet>").encode()


def test_patch_sheet_touches_only_the_managed_cells() -> None:
    styles = StyleSheet(STYLES)
    result = patch_sheet(
        SHEET,
        {1: {4: PatchCell("Health", CellStyle(bold=True, fill="A6A6A6"))},
         2: {3: PatchCell("On track", CellStyle(fill="C6EFCE")),
             4: PatchCell(12.0, CellStyle(number_format="0"))},
         3: {3: PatchCell("=HYPERLINK(\"x\") & <b>")}},
        styles.derive, clear=(2, {3, 4}, CellStyle(fill="EDEDED")))
    expected = SHEET.replace(b'<dimension ref="A1:C4"/>', b'<dimension ref="A1:D4"/>').replace(
        b'<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c>'
        b'<c r="C1" s="1" t="s"><v>1</v></c></row>',
        b'<row r="1" spans="1:4" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c>'
        b'<c r="C1" s="1" t="s"><v>1</v></c><c r="D1" s="2" t="inlineStr"><is>'
        b'<t xml:space="preserve">Health</t></is></c></row>').replace(
        b'<row r="2" spans="1:3">', b'<row r="2" spans="1:4">').replace(
        b'<c r="C2" s="1" t="s"><v>2</v></c></row>',
        b'<c r="C2" s="3" t="inlineStr"><is><t xml:space="preserve">On track</t></is></c>'
        b'<c r="D2" s="4"><v>12</v></c></row><row r="3"><c r="C3" t="inlineStr"><is>'
        b'<t xml:space="preserve">=HYPERLINK("x") &amp; &lt;b&gt;</t></is></c></row>').replace(
        b'<c r="C4" s="1"><v>7</v></c>', b'<c r="C4" s="5"/>')
    assert result.data == expected
    assert result.changed == {4: 2, 3: 3}


def test_patch_sheet_with_a_namespace_prefix_and_cells_without_references() -> None:
    sheet = (f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row><x:c><x:v>1</x:v></x:c>'
             "<x:c><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>").encode()
    out = patch_sheet(sheet, {1: {2: PatchCell(5), 3: PatchCell("ok")}},
                      StyleSheet(STYLES).derive).data
    assert out == (f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row><x:c><x:v>1</x:v>'
                   '</x:c><x:c r="B1"><x:v>5</x:v></x:c><x:c r="C1" t="inlineStr"><x:is>'
                   '<x:t xml:space="preserve">ok</x:t></x:is></x:c></x:row></x:sheetData>'
                   "</x:worksheet>").encode()


def test_patch_sheet_puts_a_missing_cell_between_the_users() -> None:
    sheet = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="3"><c r="A3" s="1"><v>1</v></c>'
             '<c r="C3"><v>3</v></c></row></sheetData></worksheet>').encode()
    out = patch_sheet(sheet, {3: {2: PatchCell(2), 3: PatchCell(None)}},
                      StyleSheet(STYLES).derive)
    assert out.data == (f'<worksheet xmlns="{MAIN}"><sheetData><row r="3"><c r="A3" s="1">'
                        '<v>1</v></c><c r="B3"><v>2</v></c><c r="C3"/></row></sheetData>'
                        "</worksheet>").encode()
    assert out.changed == {2: 1, 3: 1}


def test_styles_are_appended_and_reused() -> None:
    styles = StyleSheet(STYLES)
    first = styles.derive(1, CellStyle(font_colour="FFFFFF", fill="1E7B34"))
    assert first == 2
    assert styles.derive(1, CellStyle(font_colour="FFFFFF", fill="1E7B34")) == 2
    data = styles.to_bytes()
    assert data.startswith(STYLES[:STYLES.index(b"<fonts")])
    assert (b'<font><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font>'
            in data)
    assert (b'<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" '
            b'applyAlignment="1" applyFont="1" applyFill="1"><alignment wrapText="1"/></xf>'
            in data)
    again = StyleSheet(data)  # the next refresh finds what the last one appended
    assert again.derive(1, CellStyle(font_colour="FFFFFF", fill="1E7B34")) == 2
    assert not again.changed
    assert again.number_format_id('#,##0" €"') == 164
    assert again.number_format_id("0%") == 9


def _package(parts: dict[str, bytes]) -> Package:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    buffer.seek(0)
    return Package.open(buffer)


CONTENT_TYPES = (f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="xml" ContentType="application/xml"/>'
                 "</Types>").encode()
USER_COMMENTS = (f'{DECL}<comments xmlns="{MAIN}"><authors><author>Pat</author>'
                 '<author>Someone else</author></authors><commentList>'
                 '<comment ref="A1" authorId="0"><text><t>Pat\'s own note</t></text></comment>'
                 '<comment ref="B2" authorId="1"><text><r><t>msheets:</t></r><r><t>\n- error: '
                 "old</t></r></text></comment></commentList></comments>").encode()
USER_VML = (
    b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:'
    b'office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
    b'<o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202"/>'
    b'<v:shape id="_x0000_s1025" type="#_x0000_t202"><x:ClientData ObjectType="Note">'
    b"<x:Anchor>1, 15, 0, 2, 3, 15, 4, 4</x:Anchor><x:Row>0</x:Row><x:Column>0</x:Column>"
    b'</x:ClientData></v:shape><v:shape id="_x0000_s1026" type="#_x0000_t202">'
    b'<x:ClientData ObjectType="Note"><x:Row>1</x:Row><x:Column>1</x:Column></x:ClientData>'
    b"</v:shape></xml>")
SHEET_RELS = (f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
              f'relationships"><Relationship Id="rId1" Type="{REL}/comments" '
              f'Target="../comments1.xml"/><Relationship Id="rId2" Type="{REL}/vmlDrawing" '
              'Target="../drawings/vmlDrawing1.vml"/></Relationships>').encode()


def test_notes_merge_beside_the_users_and_recognise_ours_by_text() -> None:
    pkg = _package({"[Content_Types].xml": CONTENT_TYPES, "xl/worksheets/sheet1.xml": SHEET,
                    "xl/worksheets/_rels/sheet1.xml.rels": SHEET_RELS,
                    "xl/comments1.xml": USER_COMMENTS,
                    "xl/drawings/vmlDrawing1.vml": USER_VML})
    result = merge_notes(pkg, "xl/worksheets/sheet1.xml",
                         [Note("A1", ["error: on the user's noted cell"]),
                          Note("C3", ["warning: owner missing"])])
    assert (result.added, result.removed, result.skipped) == (1, 1, ["A1"])
    comments = pkg.parts["xl/comments1.xml"]
    assert comments == (
        f'{DECL}<comments xmlns="{MAIN}"><authors><author>Pat</author><author>Someone else'
        '</author><author>msheets</author></authors><commentList><comment ref="A1" '
        'authorId="0"><text><t>Pat\'s own note</t></text></comment><comment ref="C3" '
        'authorId="2"><text><r><rPr><sz val="9"/><rFont val="Calibri"/><family val="2"/>'
        f'</rPr><t xml:space="preserve">{NOTE_MARK}\n- warning: owner missing</t></r></text>'
        "</comment></commentList></comments>").encode()
    vml = pkg.parts["xl/drawings/vmlDrawing1.vml"]
    user_box = USER_VML[USER_VML.index(b'<v:shape id="_x0000_s1025"'):
                        USER_VML.index(b'<v:shape id="_x0000_s1026"')]
    assert user_box in vml  # the user's box, byte for byte
    assert b"<x:Row>1</x:Row><x:Column>1</x:Column>" not in vml  # ours on B2 is gone
    assert b'id="_x0000_s1026"' in vml and b"<x:Row>2</x:Row><x:Column>2</x:Column>" in vml
    assert pkg.parts["xl/worksheets/sheet1.xml"] == SHEET  # legacyDrawing was there already


def test_notes_on_a_sheet_without_any_create_the_parts_and_remove_them_again() -> None:
    pkg = _package({"[Content_Types].xml": CONTENT_TYPES, "xl/worksheets/sheet1.xml": SHEET})
    merge_notes(pkg, "xl/worksheets/sheet1.xml", [Note("B2", ["error: bad date"])])
    assert pkg.parts["xl/worksheets/sheet1.xml"] == SHEET.replace(
        b"<tableParts", b'<legacyDrawing r:id="rId2"/><tableParts')
    assert {"xl/comments1.xml", "xl/drawings/vmlDrawing1.vml",
            "xl/worksheets/_rels/sheet1.xml.rels"} <= set(pkg.parts)
    pkg.flush()
    types = pkg.parts["[Content_Types].xml"]
    assert b'<Default Extension="vml"' in types and b'PartName="/xl/comments1.xml"' in types
    merge_notes(pkg, "xl/worksheets/sheet1.xml", [])  # the cell was fixed
    assert pkg.parts["xl/worksheets/sheet1.xml"] == SHEET
    assert "xl/comments1.xml" not in pkg.parts
    assert "xl/drawings/vmlDrawing1.vml" not in pkg.parts
    pkg.flush()
    assert b"comments1" not in pkg.parts["[Content_Types].xml"]


def test_notes_declare_the_relationships_namespace_on_the_root() -> None:
    """openpyxl declares xmlns:r only on a sheet's tablePart, near its end: the new
    legacyDrawing needs the root to declare it (else Excel and openpyxl refuse the file)."""
    sheet = (f'<worksheet xmlns="{MAIN}"><sheetData/><tableParts count="1">'
             f'<tablePart xmlns:r="{REL}" r:id="rId1"/></tableParts></worksheet>').encode()
    pkg = _package({"[Content_Types].xml": CONTENT_TYPES, "xl/worksheets/sheet1.xml": sheet})
    merge_notes(pkg, "xl/worksheets/sheet1.xml", [Note("A1", ["error: x"])])
    assert pkg.parts["xl/worksheets/sheet1.xml"] == (
        f'<worksheet xmlns:r="{REL}" xmlns="{MAIN}"><sheetData/><legacyDrawing r:id="rId2"/>'
        f'<tableParts count="1"><tablePart xmlns:r="{REL}" r:id="rId1"/></tableParts>'
        "</worksheet>").encode()


def test_threaded_comment_cells_get_no_note() -> None:
    rels = SHEET_RELS.replace(b"</Relationships>", (
        b'<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2017/10/'
        b'relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/>'
        b"</Relationships>"))
    threaded = (b'<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/'
                b'2018/threadedcomments"><threadedComment ref="C3" id="{1}"><text>Why?</text>'
                b"</threadedComment></ThreadedComments>")
    pkg = _package({"[Content_Types].xml": CONTENT_TYPES, "xl/worksheets/sheet1.xml": SHEET,
                    "xl/worksheets/_rels/sheet1.xml.rels": rels,
                    "xl/comments1.xml": USER_COMMENTS, "xl/drawings/vmlDrawing1.vml": USER_VML,
                    "xl/threadedComments/threadedComment1.xml": threaded})
    result = merge_notes(pkg, "xl/worksheets/sheet1.xml", [Note("C3", ["error: x"])])
    assert result.skipped == ["C3"] and result.added == 0
    assert b'ref="C3"' not in pkg.parts["xl/comments1.xml"]


WORKBOOK = (f'{DECL}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView '
            'activeTab="2"/></bookViews><sheets><sheet name="Guide" sheetId="1" r:id="rId1"/>'
            '<sheet name="Chart1" sheetId="2" r:id="rId2"/><sheet name="Milestones" sheetId="3" '
            'r:id="rId3"/></sheets><definedNames><definedName name="_xlnm.Print_Area" '
            'localSheetId="2">Milestones!$A$1:$T$40</definedName><definedName name="local" '
            'localSheetId="1">Chart1!$A$1</definedName></definedNames><calcPr calcId="1"/>'
            "</workbook>").encode()
WORKBOOK_RELS = (
    f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/chartsheet" Target="chartsheets/sheet1.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/worksheet" Target="worksheets/sheet2.xml"/>'
    "</Relationships>").encode()


def test_inserting_a_sheet_renumbers_sheet_scoped_names_and_the_active_tab() -> None:
    pkg = _package({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": WORKBOOK,
                    "xl/_rels/workbook.xml.rels": WORKBOOK_RELS})
    wb = WorkbookPart(pkg)
    assert [s.kind for s in wb.sheets] == ["worksheet", "chartsheet", "worksheet"]
    wb.insert_sheet("Summary", "xl/worksheets/sheet3.xml", 1)
    wb.save()
    assert pkg.parts["xl/workbook.xml"] == (
        f'{DECL}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView '
        'activeTab="3"/></bookViews><sheets><sheet name="Guide" sheetId="1" r:id="rId1"/>'
        '<sheet name="Summary" sheetId="4" r:id="rId4"/><sheet name="Chart1" sheetId="2" '
        'r:id="rId2"/><sheet name="Milestones" sheetId="3" r:id="rId3"/></sheets><definedNames>'
        '<definedName name="_xlnm.Print_Area" localSheetId="3">Milestones!$A$1:$T$40'
        '</definedName><definedName name="local" localSheetId="2">Chart1!$A$1</definedName>'
        '</definedNames><calcPr calcId="1"/></workbook>').encode()
    assert (f'<Relationship Id="rId4" Type="{REL}/worksheet" Target="worksheets/sheet3.xml"/>'
            ).encode() in pkg.parts["xl/_rels/workbook.xml.rels"]


def test_transplant_turns_shared_strings_inline_and_remaps_styles() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Summary")
    bold = book.add_format({"bold": True, "num_format": '#,##0" €"'})
    sheet.write_string(0, 0, "Plan & <co>", bold)
    sheet.write_number(1, 0, 3.5, bold)
    chart = book.add_chart({"type": "bar"})
    chart.add_series({"values": "=Summary!$A$2:$A$2"})
    sheet.insert_chart("C3", chart)
    book.close()
    scratch = Scratch(buffer.getvalue())
    pkg = _package({"[Content_Types].xml": CONTENT_TYPES, "xl/styles.xml": STYLES,
                    "xl/drawings/drawing1.xml": b"<user's drawing/>"})
    styles = StyleSheet(STYLES)
    part = transplant_sheet(scratch, "Summary", pkg, styles, style_remap(scratch.styles, styles))
    assert part == "xl/worksheets/sheet1.xml"
    data = pkg.parts[part]
    assert (b'<c r="A1" s="3" t="inlineStr"><is><t xml:space="preserve">Plan &amp; &lt;co&gt;'
            b"</t></is></c>") in data
    assert b'<c r="A2" s="3"><v>3.5</v></c>' in data
    assert b"tabSelected" not in data
    assert pkg.parts["xl/drawings/drawing1.xml"] == b"<user's drawing/>"  # not overwritten
    assert b"drawing2.xml" in pkg.parts["xl/worksheets/_rels/sheet1.xml.rels"]
    assert "xl/charts/chart1.xml" in pkg.parts
    assert ('<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0&quot; €&quot;"/>'
            "</numFmts>").encode() in styles.to_bytes()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_escapes_to_itself(text: str) -> None:
    """Escaped as element text or as an attribute, any text parses back as itself, less the
    characters XML cannot hold."""
    from lxml import etree

    from milestone_sheets.xlsx.cells import escape_text, quote_attr, xml_text

    kept = xml_text(text)
    el = etree.fromstring(f"<t a={quote_attr(text)}>{escape_text(text)}</t>".encode())
    assert (el.text or "") == kept.replace("\r\n", "\n").replace("\r", "\n")
    assert el.get("a") == kept

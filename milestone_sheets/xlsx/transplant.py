"""Sheets written by XlsxWriter in a scratch workbook, moved into the user's package.

Their worksheet parts, drawings and charts are copied under names no part has; their
cell formats are appended to the user's style sheet and the `s=` indexes remapped; their
shared strings become inline strings (the user's shared string table is not touched);
their defined names (print titles, filters) are added scoped to the same sheets.
"""

from __future__ import annotations

import copy
import io
import math
import re
from collections.abc import Callable

from lxml import etree

from milestone_sheets.xlsx.cells import CellValue, cell_xml, column_letter, escape_text, quote_attr
from milestone_sheets.xlsx.opc import NS_MAIN, Package
from milestone_sheets.xlsx.sheet_patch import (
    PatchCell,
    child_position,
    children_after,
    patch_sheet,
    widen_dimension,
)
from milestone_sheets.xlsx.styles import StyleSheet
from milestone_sheets.xlsx.workbook import WorkbookPart

_M = f"{{{NS_MAIN}}}"
_SI = re.compile(rb"<si>(.*?)</si>", re.S)
_T = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_SHARED_CELL = re.compile(rb'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="s"><v>(\d+)</v></c>')
_CELL_STYLE = re.compile(rb'(<c r="[A-Z]+\d+" s=")(\d+)"')
_ROW_STYLE = re.compile(rb'(<row [^>]*?\bs=")(\d+)"')
_COL_STYLE = re.compile(rb'(<col [^>]*?\bstyle=")(\d+)"')
_DXF = re.compile(rb'(\bdxfId=")(\d+)"')
_NUMBERED = re.compile(r"^(.*?)(\d*)(\.\w+)$")


class Scratch:
    """A workbook XlsxWriter wrote, read for transplanting."""

    def __init__(self, data: bytes) -> None:
        self.pkg = Package.open(io.BytesIO(data))
        self.workbook = WorkbookPart(self.pkg)
        strings = self.pkg.get("xl/sharedStrings.xml") or b""
        self.strings = [b"".join(t[1] for t in _T.finditer(si[1])) for si in
                        _SI.finditer(strings)]
        self.styles = StyleSheet(self.pkg.parts["xl/styles.xml"])

    def sheet_part(self, title: str) -> str:
        entry = self.workbook.sheet(title)
        assert entry is not None and entry.part is not None
        return entry.part


def style_remap(source: StyleSheet, target: StyleSheet) -> tuple[list[int], list[int]]:
    """Where each of `source`'s cell formats and dxfs lands in `target` (appended there,
    or an equal one reused)."""
    num_fmts = {el.get("numFmtId"): el.get("formatCode", "") for el in source.items("numFmts")}

    def mapped(name: str) -> Callable[[int], int]:
        items = source.items(name)
        cache: dict[int, int] = {}

        def get(i: int) -> int:
            if i not in cache:
                cache[i] = target.add(name, copy.deepcopy(items[i])) if i < len(items) else 0
            return cache[i]
        return get

    font, fill, border = mapped("fonts"), mapped("fills"), mapped("borders")
    xfs: list[int] = []
    for xf in source.items("cellXfs"):
        new = copy.deepcopy(xf)
        new.set("fontId", str(font(int(xf.get("fontId", "0")))))
        new.set("fillId", str(fill(int(xf.get("fillId", "0")))))
        new.set("borderId", str(border(int(xf.get("borderId", "0")))))
        fmt = xf.get("numFmtId", "0")
        if fmt in num_fmts:
            new.set("numFmtId", str(target.number_format_id(num_fmts[fmt])))
        new.set("xfId", "0")
        xfs.append(target.add("cellXfs", new))
    dxfs = [target.add("dxfs", copy.deepcopy(d)) for d in source.items("dxfs")]
    return xfs, dxfs


def _inline(strings: list[bytes]) -> Callable[[re.Match[bytes]], bytes]:
    def repl(m: re.Match[bytes]) -> bytes:
        text = strings[int(m[3])]
        return (b'<c r="' + m[1] + b'"' + m[2] + b' t="inlineStr"><is><t xml:space="preserve">'
                + text + b"</t></is></c>")
    return repl


def sheet_xml(data: bytes, strings: list[bytes], xfs: list[int], dxfs: list[int]) -> bytes:
    """A scratch worksheet's XML as it goes into the user's package."""
    data = _SHARED_CELL.sub(_inline(strings), data)

    def style(m: re.Match[bytes]) -> bytes:
        return m[1] + str(xfs[int(m[2])]).encode() + b'"'

    data = _CELL_STYLE.sub(style, data)
    data = _ROW_STYLE.sub(style, data)
    data = _COL_STYLE.sub(style, data)
    data = _DXF.sub(lambda m: m[1] + str(dxfs[int(m[2])]).encode() + b'"', data)
    return data.replace(b' tabSelected="1"', b"")


def numbered_pattern(part: str) -> str:
    """xl/charts/chart3.xml -> xl/charts/chart{}.xml."""
    m = _NUMBERED.match(part)
    assert m is not None
    return m[1].replace("{", "{{").replace("}", "}}") + "{}" + m[3]


def copy_tree(src: Package, part: str, dst: Package, name: str | None = None) -> str:
    """Copy `part` and every part it points to (drawings, charts ...) from `src` into `dst`
    under free names; returns the new name of `part`."""
    new = name or dst.free_name(numbered_pattern(part))
    dst.put(new, src.parts[part])
    ctype = src.content_type(part)
    if ctype:
        dst.set_content_type(new, ctype)
    rels = src.rels(part)
    if rels.items:
        out = dst.rels(new)
        out.items = []
        for rel in rels.items:
            r = copy.copy(rel)
            if not rel.external:
                target = copy_tree(src, rels.target_part(rel), dst)
                r.target = out.relative(target)
            out.items.append(r)
        dst.save_rels(new)
    return new


def remove_tree(pkg: Package, part: str) -> None:
    """Remove `part` and the parts only it points to (a rebuilt sheet's drawing, charts,
    notes)."""
    doomed: list[str] = []

    def walk(p: str) -> None:
        if p in doomed or p not in pkg:
            return
        doomed.append(p)
        rels = pkg.rels(p)
        for rel in rels.items:
            if not rel.external:
                walk(rels.target_part(rel))

    walk(part)
    elsewhere: set[str] = set()
    for name in list(pkg.parts):
        if not name.endswith(".rels"):
            continue
        source = _source_of(name)
        if source in doomed:
            continue
        rels = pkg.rels(source)
        elsewhere.update(rels.target_part(r) for r in rels.items if not r.external)
    for p in doomed:
        if p == part or p not in elsewhere:
            pkg.delete(p)
            pkg.remove_content_type(p)


def _source_of(rels_part: str) -> str:
    folder, _, name = rels_part.rpartition("/_rels/")
    if not _:
        folder, name = "", rels_part.removeprefix("_rels/")
    source = name.removesuffix(".rels")
    return f"{folder}/{source}" if folder else source


# Worksheet children that follow <hyperlinks> (ECMA-376 CT_Worksheet order).


def add_rows(data: bytes, cells: dict[int, dict[int, tuple[CellValue, int]]],
             links: list[tuple[str, str, str]], formats: list[int] | None = None) -> bytes:
    """A scratch worksheet with more cells (row -> column -> (value, cell format index in
    the scratch workbook, or where `formats` maps it)) and internal hyperlinks (cell,
    location, text shown)."""
    existing = {int(r) for r in _ROW_NUMBER.findall(data)}
    shared = {r: {c: PatchCell(v, formats[s] if formats and s else s)
                  for c, (v, s) in row.items()}
              for r, row in cells.items() if r in existing}
    if shared:  # rows XlsxWriter wrote cells on too: merged cell by cell
        data = patch_sheet(data, shared, lambda base, style: base).data
    return _insert_rows(data, cells, existing, formats, links)


def _with_links(tail: bytes, links: list[tuple[str, str, str]]) -> bytes:
    """The worksheet's part from </sheetData> on, with `links` among its hyperlinks."""
    if not links:
        return tail
    xml = "".join(f'<hyperlink ref="{ref}" location={quote_attr(loc)} '
                  f"display={quote_attr(shown)}/>" for ref, loc, shown in links).encode()
    end = tail.find(b"</hyperlinks>")
    if end >= 0:
        return tail[:end] + xml + tail[end:]
    at = child_position(tail, "", children_after("hyperlinks"))
    return tail[:at] + b"<hyperlinks>" + xml + b"</hyperlinks>" + tail[at:]


_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')


def _insert_rows(data: bytes, rows: dict[int, dict[int, tuple[CellValue, int]]],
                 existing: set[int], formats: list[int] | None,
                 links: list[tuple[str, str, str]]) -> bytes:
    """New <row> elements (`rows` but the `existing` ones) put in order among XlsxWriter's
    (which have no prefix), and the `links`."""
    numbers = sorted(r for r in rows if r not in existing)
    start = data.find(b"<sheetData")
    end = data.find(b"</sheetData>")
    if end < 0:  # <sheetData/>
        close = data.find(b"/>", start)
        data = data[:close] + b"></sheetData>" + data[close + 2:]
        end = data.find(b"</sheetData>")
    body_at = data.find(b">", start) + 1
    marks = [(int(m[1]), m.start()) for m in _ROW_NUMBER.finditer(data, body_at, end)]
    head = data[:body_at]
    if numbers:
        head = widen_dimension(head, max(max(rows[r]) for r in numbers), numbers[-1])
    # written into one buffer, whose value is then handed over without a copy: the Issues
    # of a large plan are tens of MB
    out = io.BytesIO()
    out.write(head)
    at = body_at
    k = 0
    for r in numbers:
        while k < len(marks) and marks[k][0] < r:
            k += 1
        where = marks[k][1] if k < len(marks) else end
        out.write(data[at:where])
        at = where
        out.write(_row_xml(r, rows[r], formats).encode("utf-8"))
    out.write(data[at:end])
    out.write(_with_links(data[end:], links))
    return out.getvalue()


def _row_xml(row: int, cells: dict[int, tuple[CellValue, int]],
             formats: list[int] | None) -> str:
    """A <row> of new cells: `cell_xml`, inlined for the common kinds (the long tables
    hold 100,000 cells and more)."""
    number = str(row)
    out = [f'<row r="{number}">']
    add = out.append
    for col in sorted(cells):
        value, style = cells[col]
        if formats and style:
            style = formats[style]
        ref = column_letter(col) + number
        s = f' s="{style}"' if style else ""
        if isinstance(value, str) and value:
            add(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">'
                f"{escape_text(value)}</t></is></c>")
        elif isinstance(value, float) and math.isfinite(value):
            add(f'<c r="{ref}"{s}><v>{value!r}</v></c>')
        else:
            add(cell_xml(ref, value, style))
    out.append("</row>")
    return "".join(out)


def transplant_sheet(scratch: Scratch, title: str, pkg: Package, styles: StyleSheet,
                     remap: tuple[list[int], list[int]], name: str | None = None,
                     rows: tuple[dict[int, dict[int, tuple[CellValue, int]]],
                                 list[tuple[str, str, str]]] | None = None) -> str:
    """Copy the scratch sheet `title` (with `rows`: cells and links to add) into `pkg`;
    returns its part name there."""
    src_part = scratch.sheet_part(title)
    xfs, dxfs = remap
    data = sheet_xml(scratch.pkg.parts[src_part], scratch.strings, xfs, dxfs)
    if rows is not None:  # their formats mapped here, not by a pass over the whole sheet
        data = add_rows(data, *rows, formats=xfs)
    scratch.pkg.put(src_part, data)
    return copy_tree(scratch.pkg, src_part, pkg, name)


def scratch_names(scratch: Scratch) -> list[tuple[etree._Element, str | None]]:
    """The scratch workbook's defined names with the title of the sheet each is scoped to."""
    out: list[tuple[etree._Element, str | None]] = []
    for el in scratch.workbook.root.iter(_M + "definedName"):
        local = el.get("localSheetId")
        scope = scratch.workbook.sheets[int(local)].title if local is not None else None
        out.append((el, scope))
    return out


def add_scratch_names(wb: WorkbookPart, scratch: Scratch) -> None:
    for el, scope in scratch_names(scratch):
        new = copy.deepcopy(el)
        if "localSheetId" in new.attrib:
            del new.attrib["localSheetId"]
        wb.add_name(new, scope)

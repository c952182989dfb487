"""Managed sheets written straight to worksheet XML at save time.

openpyxl spends about 20 microseconds per cell building and serialising cell
objects; a refresh of a large plan writes as many managed cells as the user's
own sheets hold. Managed sheets are plain tables of values with a handful of
styles, so their cells are kept here as (value, style id) and serialised with
string formatting when openpyxl writes the sheet's part. Everything else about
the sheet (widths, panes, charts, filters) stays with openpyxl. Strings are
inline strings, as openpyxl itself writes them.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from copy import copy
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

# Characters XML 1.0 cannot hold (openpyxl refuses them in cell values).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Elements that follow <hyperlinks> in a worksheet (ECMA-376 CT_Worksheet order).
_AFTER_HYPERLINKS = re.compile(
    r"<(?:printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|"
    r"customProperties|cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|"
    r"legacyDrawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst)[\s/>]"
    r"|</worksheet>")


def xml_text(value: str) -> str:
    """Text as it can be stored in XML: characters XML cannot hold are dropped."""
    return _ILLEGAL.sub("", value)


def set_value(cell: Any, value: Any) -> None:
    """An openpyxl cell's value, text always stored as text (never read as a formula)."""
    if isinstance(value, str):
        cell.value = xml_text(value)
        cell.data_type = "s"
    else:
        cell.value = value


class SheetBuffer:
    """The cells of one managed sheet: (row, column) -> (value, style id or 0)."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.cells: dict[tuple[int, int], tuple[Any, int]] = {}
        self.links: list[tuple[str, str]] = []  # (cell, location inside the workbook)

    def put(self, row: int, col: int, value: Any, style_id: int) -> None:
        self.cells[(row, col)] = (value, style_id)

    def link(self, row: int, col: int, location: str) -> None:
        self.links.append((f"{get_column_letter(col)}{row}", location))

    def hand_collisions_to_openpyxl(self) -> None:
        """Cells openpyxl also holds (a note added after the put, say) are written by
        openpyxl, with the buffered value and style."""
        wb, real = self.ws.parent, self.ws._cells
        for key in [k for k in self.cells if k in real]:
            value, sid = self.cells.pop(key)
            cell = real[key]
            set_value(cell, value)
            if sid:
                cell._style = copy(wb._cell_styles[sid])

    def _cells_by_row(self, epoch: datetime) -> dict[int, list[tuple[int, str]]]:
        by_row: dict[int, list[tuple[int, str]]] = {}
        for (r, c), (value, sid) in self.cells.items():
            by_row.setdefault(r, []).append(
                (c, _cell_xml(f"{get_column_letter(c)}{r}", value, sid, epoch)))
        for cells in by_row.values():
            cells.sort(key=lambda t: t[0])
        return by_row

    def dimension(self) -> str | None:
        refs = list(self.cells) + [(r, c) for (r, c) in self.ws._cells]
        if not refs:
            return None
        rows = [r for r, _ in refs]
        cols = [c for _, c in refs]
        return (f"{get_column_letter(min(cols))}{min(rows)}:"
                f"{get_column_letter(max(cols))}{max(rows)}")

    def patch(self, xml: str, epoch: datetime) -> str:
        """The worksheet XML openpyxl wrote, with the buffered cells and links merged in."""
        extra = self._cells_by_row(epoch)
        m = re.search(r"<sheetData\s*/>|<sheetData>(.*?)</sheetData>", xml, re.S)
        if m is None:
            raise ValueError(f"no sheetData in the part of {self.ws.title!r}")
        rows = _merge_rows(m[1] or "", extra)
        xml = f"{xml[:m.start()]}<sheetData>{rows}</sheetData>{xml[m.end():]}"
        dim = self.dimension()
        if dim:
            xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dim}" />', xml,
                         count=1)
        if self.links:
            links = "".join(f"<hyperlink ref=\"{ref}\" location={quoteattr(xml_text(loc))} />"
                            for ref, loc in self.links)
            if "</hyperlinks>" in xml:
                xml = xml.replace("</hyperlinks>", links + "</hyperlinks>", 1)
            else:
                at = _AFTER_HYPERLINKS.search(xml)
                assert at is not None
                xml = f"{xml[:at.start()]}<hyperlinks>{links}</hyperlinks>{xml[at.start():]}"
        return xml


_ROW = re.compile(r'<row r="(\d+)"([^>]*?)\s*(?:/>|>(.*?)</row>)', re.S)
_CELL_COLUMN = re.compile(r'<c r="([A-Z]+)\d+"')


def _merge_rows(written: str, extra: dict[int, list[tuple[int, str]]]) -> str:
    """openpyxl's <row> elements with the extra cells put in place (rows and cells in order,
    as the file format requires)."""
    out: list[str] = []
    pending = sorted(extra)
    i = covered = 0
    for m in _ROW.finditer(written):
        covered += len(m[0])
        r = int(m[1])
        while i < len(pending) and pending[i] < r:
            out.append(f'<row r="{pending[i]}">{_merge_cells("", extra[pending[i]])}</row>')
            i += 1
        if i < len(pending) and pending[i] == r:
            out.append(f'<row r="{r}"{m[2]}>{_merge_cells(m[3] or "", extra[r])}</row>')
            i += 1
        else:
            out.append(m[0])
    if covered != len(written):
        raise ValueError("unexpected content between rows")
    out.extend(f'<row r="{r}">{_merge_cells("", extra[r])}</row>' for r in pending[i:])
    return "".join(out)


def _merge_cells(body: str, cells: list[tuple[int, str]]) -> str:
    """A row's cells (`body`) with `cells` (column, XML), sorted by column, put in order."""
    last = _CELL_COLUMN.match(body, body.rfind('<c r="'))
    if last is None or column_index_from_string(last[1]) < cells[0][0]:
        # the usual case: managed columns right of the user's cells
        return body + "".join(x for _, x in cells)
    parts, at, k = [], 0, 0
    for c in _CELL_COLUMN.finditer(body):
        col = column_index_from_string(c[1])
        while k < len(cells) and cells[k][0] < col:
            parts.append(body[at:c.start()] + cells[k][1])
            at = c.start()
            k += 1
    parts.append(body[at:])
    parts.extend(x for _, x in cells[k:])
    return "".join(parts)


def _cell_xml(ref: str, value: Any, sid: int, epoch: datetime) -> str:
    s = f' s="{sid}"' if sid else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s} />'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{s} t="n"><v>{value}</v></c>'
    if isinstance(value, (float, Decimal)):
        number = float(value)
        if not math.isfinite(number):
            return f'<c r="{ref}"{s} />'
        return f'<c r="{ref}"{s} t="n"><v>{number!r}</v></c>'
    if isinstance(value, (datetime, date, time, timedelta)):
        serial = to_excel(value, epoch)
        if isinstance(serial, float) and serial.is_integer():
            serial = int(serial)
        return f'<c r="{ref}"{s} t="n"><v>{serial!r}</v></c>'
    text = escape(xml_text(str(value)))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


class _PatchingArchive:
    """The zip openpyxl writes into; worksheet parts of buffered sheets are patched on the
    way in. Everything else passes through to the real archive."""

    def __init__(self, archive: zipfile.ZipFile, buffers: list[SheetBuffer]) -> None:
        self._archive = archive
        self._buffers = buffers

    def write(self, filename: str, arcname: str | None = None, *args: Any, **kw: Any) -> None:
        buffer = next((b for b in self._buffers
                       if arcname is not None and b.ws.path[1:] == arcname), None)
        if buffer is None:
            self._archive.write(filename, arcname, *args, **kw)
            return
        xml = Path(filename).read_text("utf-8")
        self._archive.writestr(arcname, buffer.patch(xml, buffer.ws.parent.epoch))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._archive, name)


def save_workbook(wb: Any, buffers: list[SheetBuffer]) -> io.BytesIO:
    """Save an openpyxl workbook to memory, writing buffered sheets' cells directly."""
    live = []
    for buffer in buffers:
        if buffer.ws not in wb.worksheets or not (buffer.cells or buffer.links):
            continue
        buffer.hand_collisions_to_openpyxl()
        live.append(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, _PatchingArchive(archive, live)).save()
    return out

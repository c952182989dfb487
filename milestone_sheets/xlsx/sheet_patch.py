"""Managed cells patched into a worksheet's XML, every other byte of the sheet left alone.

Only the <row> elements that hold a managed cell are rebuilt, and inside them only the
managed cells: the user's cells, shared formulas, conditional formats and their x14 twins,
validations, sparklines, `mc:AlternateContent` and every attribute stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from milestone_sheets.errors import PackageError
from milestone_sheets.xlsx.cells import CellValue, cell_ref, cell_xml, column_index, column_letter
from milestone_sheets.xlsx.opc import main_prefix
from milestone_sheets.xlsx.styles import CellStyle


@dataclass
class PatchCell:
    """What goes into one managed cell: its value and msheets' style (None keeps the
    cell's own format, as for a filled ID; an int is a cell format index as it is)."""

    value: CellValue
    style: CellStyle | int | None = None


@dataclass
class PatchResult:
    data: bytes
    changed: dict[int, int] = field(default_factory=dict)  # column -> cells changed


class _Patterns:
    def __init__(self, prefix: str) -> None:
        p = re.escape(prefix.encode())
        self.cell = re.compile(rb"<" + p + rb"c\b([^>]*?)(?:/>|>(.*?)</" + p + rb"c>)", re.S)
        self.dimension = re.compile(rb"<" + p + rb'dimension ref="([^"]*)"')
        self.cols = re.compile(rb"<" + p + rb"col\b([^>]*?)/?>")


_R = re.compile(rb'\br="([A-Z]*)(\d*)"')
_S = re.compile(rb'\bs="(\d+)"')
_SPANS = re.compile(rb'\bspans="(\d+):(\d+)"')
_ATTR = re.compile(rb'\b(min|max|style)="(\d+)"')


def patch_sheet(data: bytes, cells: dict[int, dict[int, PatchCell]],
                derive: Callable[[int, CellStyle], int],
                clear: tuple[int, set[int], CellStyle | None] | None = None) -> PatchResult:
    """`data` with `cells` (row -> column -> PatchCell) written in.

    `derive(base_style, style)` gives the cell format for msheets' style on a cell whose
    own format is `base_style`. `clear` = (first row, columns, style): managed cells of
    those columns on rows at or below `first row` that `cells` does not name are emptied
    (a milestone row that was deleted leaves no stale Health behind).
    """
    prefix = main_prefix(data)
    pat = _Patterns(prefix)
    span = _sheet_data(data, prefix)
    if span is None:
        raise PackageError("a worksheet has no sheetData")
    data_start, body_start, body_end, data_end = span
    col_styles = _column_styles(data[:data_start], pat)
    result = PatchResult(b"")
    view = memoryview(data)  # slices of it copy nothing: a large plan's sheet is tens of MB
    out: list[bytes | memoryview] = []
    pending = sorted(cells)
    i = 0
    at = body_start
    last_row = 0
    max_col = 0
    for rm in _rows(data, prefix, body_start, body_end):
        r_attr = _R.search(rm.attrs)
        row = int(r_attr[2]) if r_attr and r_attr[2] else last_row + 1
        last_row = row
        while i < len(pending) and pending[i] < row:  # rows that hold no element yet
            out.append(view[at:rm.start])
            at = rm.start
            out.append(_new_row(pending[i], cells[pending[i]], prefix, col_styles, derive,
                                result))
            max_col = max(max_col, *cells[pending[i]])
            i += 1
        wanted: dict[int, PatchCell] | None = None
        if i < len(pending) and pending[i] == row:
            wanted = cells[row]
            i += 1
        elif clear is not None and row >= clear[0] and rm.body:
            wanted = _stale(rm.body, row, clear, pat)
        if not wanted:
            continue
        max_col = max(max_col, *wanted)
        out.append(view[at:rm.start])
        out.append(_patch_row(rm, row, wanted, prefix, pat, col_styles, derive, result))
        at = rm.end
    out.append(view[at:body_end])
    for row in pending[i:]:
        out.append(_new_row(row, cells[row], prefix, col_styles, derive, result))
        max_col = max(max_col, *cells[row])
    head = data[:data_start]
    if max_col:
        head = _widen_dimension(head, pat, max_col, max(last_row, *pending) if pending
                                else last_row)
    p = prefix.encode()
    result.data = b"".join([head, b"<" + p + b"sheetData>", *out, b"</" + p + b"sheetData>",
                            view[data_end:]])
    return result


def _sheet_data(data: bytes, prefix: str) -> tuple[int, int, int, int] | None:
    """(start of <sheetData>, start of its content, end of its content, end of the
    element); an empty <sheetData/> has no content."""
    p = prefix.encode()
    start = data.find(b"<" + p + b"sheetData")
    if start < 0:
        return None
    close = data.find(b">", start)
    if data[close - 1:close] == b"/":
        return start, close + 1, close + 1, close + 1
    end = data.rfind(b"</" + p + b"sheetData>")
    if end < 0:
        return None
    return start, close + 1, end, end + len(b"</" + p + b"sheetData>")


class _Row(NamedTuple):
    """One <row> element found in sheetData: where it is, its attributes and its content
    (None for an empty <row/>)."""

    start: int
    end: int
    attrs: bytes
    body: bytes | None


def _rows(body: bytes, prefix: str, at: int, stop: int) -> Iterator[_Row]:
    """The <row> elements between `at` and `stop` (sheetData's content), found with plain
    searches (a regex with a lazy body costs a second per 10,000 rows)."""
    p = prefix.encode()
    open_tag, close_tag = b"<" + p + b"row", b"</" + p + b"row>"
    name_len = len(open_tag)
    while True:
        start = body.find(open_tag, at, stop)
        if start < 0:
            return
        after = body[start + name_len:start + name_len + 1]
        if after not in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
            at = start + name_len
            continue
        gt = body.find(b">", start)
        if body[gt - 1:gt] == b"/":
            yield _Row(start, gt + 1, body[start + name_len:gt - 1], None)
            at = gt + 1
            continue
        end = body.find(close_tag, gt, stop)
        if end < 0:
            raise PackageError("a row of a worksheet is not closed")
        after_row = end + len(close_tag)
        yield _Row(start, after_row, body[start + name_len:gt], body[gt + 1:end])
        at = after_row


def _column_styles(head: bytes, pat: _Patterns) -> dict[int, int]:
    """Column -> the style of its empty cells (<col style>), for cells msheets creates."""
    out: dict[int, int] = {}
    for cm in pat.cols.finditer(head):
        attrs = {k.decode(): int(v) for k, v in _ATTR.findall(cm[1])}
        if attrs.get("style"):
            for c in range(attrs.get("min", 1), min(attrs.get("max", 1), 16384) + 1):
                out[c] = attrs["style"]
    return out


def _stale(body: bytes, row: int, clear: tuple[int, set[int], CellStyle | None],
           pat: _Patterns) -> dict[int, PatchCell]:
    out: dict[int, PatchCell] = {}
    col = 0
    for cm in pat.cell.finditer(body):
        r_attr = _R.search(cm[1])
        col = column_index(r_attr[1].decode()) if r_attr and r_attr[1] else col + 1
        if col in clear[1] and cm[2]:  # a managed cell with a value
            out[col] = PatchCell(None, clear[2])
    return out


def _patch_row(rm: _Row, row: int, wanted: dict[int, PatchCell], prefix: str,
               pat: _Patterns, col_styles: dict[int, int],
               derive: Callable[[int, CellStyle], int], result: PatchResult) -> bytes:
    body = rm.body or b""
    row_style = _row_style(rm.attrs)

    def cell(col: int, own: int | None, old: bytes | None) -> bytes:
        return _cell(row, col, wanted[col], own, row_style, col_styles, derive, prefix,
                     result, old)

    todo = sorted(wanted)
    found = _locate(body, row, todo, prefix, pat)
    pieces: list[bytes] = []
    if found is not None:  # the usual row: cells found by their reference
        at = 0
        for col, (start, end) in found:
            pieces.append(body[at:start])
            if end > start:
                old = body[start:end]
                s = _S.search(old[:old.find(b">")])
                pieces.append(cell(col, int(s[1]) if s else 0, old))
            else:
                pieces.append(cell(col, None, None))
            at = end
        pieces.append(body[at:])
    else:  # cells without references, or managed cells among the user's: walk them all
        k = at = col = 0
        for cm in pat.cell.finditer(body):
            r_attr = _R.search(cm[1])
            col = column_index(r_attr[1].decode()) if r_attr and r_attr[1] else col + 1
            while k < len(todo) and todo[k] < col:
                pieces.append(body[at:cm.start()])
                at = cm.start()
                pieces.append(cell(todo[k], None, None))
                k += 1
            if k < len(todo) and todo[k] == col:
                s = _S.search(cm[1])
                pieces.append(body[at:cm.start()])
                pieces.append(cell(col, int(s[1]) if s else 0, cm[0]))
                at = cm.end()
                k += 1
        pieces.append(body[at:])
        pieces.extend(cell(c, None, None) for c in todo[k:])
    attrs = _widen_spans(rm.attrs, todo[-1])
    p = prefix.encode()
    return b"<" + p + b"row" + attrs + b">" + b"".join(pieces) + b"</" + p + b"row>"


def _locate(body: bytes, row: int, todo: list[int], prefix: str,
            pat: _Patterns) -> list[tuple[int, tuple[int, int]]] | None:
    """(column, (start, end)) of each wanted cell in `body`, in order; start == end is
    where a missing cell goes. None when that cannot be told without walking every cell."""
    open_tag = b"<" + prefix.encode() + b"c"
    if body.count(b' r="') < body.count(open_tag):  # some cell has no reference
        return None
    last = body.rfind(open_tag)
    last_col = 0
    if last >= 0:
        m = _R.search(body, last, body.find(b">", last))
        if m is None or not m[1]:
            return None
        last_col = column_index(m[1].decode())
    out: list[tuple[int, tuple[int, int]]] = []
    previous_end = 0
    for col in todo:
        at = body.find(b' r="' + f"{column_letter(col)}{row}".encode() + b'"')
        if at >= 0:
            start = body.rfind(open_tag, 0, at)
            m = pat.cell.match(body, start)
            if m is None or start < previous_end:
                return None
            out.append((col, (start, m.end())))
            previous_end = m.end()
        elif col > last_col:
            tail = pat.cell.match(body, last) if last >= 0 else None
            if last >= 0 and tail is None:
                return None
            end = tail.end() if tail is not None else len(body)
            out.append((col, (end, end)))
            previous_end = end
        else:
            return None
    return out


def _new_row(row: int, wanted: dict[int, PatchCell], prefix: str, col_styles: dict[int, int],
             derive: Callable[[int, CellStyle], int], result: PatchResult) -> bytes:
    cells = b"".join(_cell(row, c, wanted[c], None, None, col_styles, derive, prefix, result,
                           None) for c in sorted(wanted))
    p = prefix.encode()
    return b"<" + p + b'row r="' + str(row).encode() + b'">' + cells + b"</" + p + b"row>"


def _row_style(attrs: bytes) -> int | None:
    if b'customFormat="1"' in attrs or b'customFormat="true"' in attrs:
        s = _S.search(attrs)
        return int(s[1]) if s else None
    return None


def _cell(row: int, col: int, want: PatchCell, own: int | None, row_style: int | None,
          col_styles: dict[int, int], derive: Callable[[int, CellStyle], int], prefix: str,
          result: PatchResult, old: bytes | None) -> bytes:
    base = own if own is not None else (row_style if row_style is not None
                                        else col_styles.get(col, 0))
    if isinstance(want.style, int):
        style = want.style
    else:
        style = derive(base, want.style) if want.style is not None else base
    xml = cell_xml(cell_ref(row, col), want.value, style, prefix).encode("utf-8")
    if xml != old:
        result.changed[col] = result.changed.get(col, 0) + 1
    return xml


def _widen_spans(attrs: bytes, col: int) -> bytes:
    m = _SPANS.search(attrs)
    if m is None or int(m[2]) >= col:
        return attrs
    return attrs[:m.start()] + f'spans="{int(m[1])}:{col}"'.encode() + attrs[m.end():]


def widen_dimension(data: bytes, col: int, row: int, prefix: str = "") -> bytes:
    """The worksheet with its <dimension> covering column `col` and row `row`."""
    return _widen_dimension(data, _Patterns(prefix), col, row)


def _widen_dimension(head: bytes, pat: _Patterns, col: int, row: int) -> bytes:
    m = pat.dimension.search(head[:4096])
    if m is None:
        return head
    ref = m[1].decode()
    first, _, last = ref.partition(":")
    last = last or first
    lm = re.match(r"([A-Z]+)(\d+)$", last)
    fm = re.match(r"([A-Z]+)(\d+)$", first)
    if lm is None or fm is None:
        return head
    new_col = max(column_index(lm[1]), col)
    new_row = max(int(lm[2]), row)
    if (new_col, new_row) == (column_index(lm[1]), int(lm[2])):
        return head
    new = f"{first}:{column_letter(new_col)}{new_row}".encode()
    return head[:m.start(1)] + new + head[m.end(1):]


# The children of <worksheet>, in the order the schema requires (ECMA-376 CT_Worksheet).
WORKSHEET_CHILDREN = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst")


def children_after(name: str) -> tuple[str, ...]:
    """The worksheet children that come after `name` in the schema's order."""
    return WORKSHEET_CHILDREN[WORKSHEET_CHILDREN.index(name) + 1:]


_TAG = re.compile(rb"<(/?)([\w:.-]+)[^>]*?(/?)>")


def child_position(sheet: bytes, prefix: str, names: tuple[str, ...]) -> int:
    """Where a worksheet child goes that must precede the first of `names` (children of
    <worksheet>, not the elements of the same name inside an extLst or a cfRule)."""
    p = prefix.encode()
    end_data = sheet.find(b"</" + p + b"sheetData>")
    at = end_data if end_data >= 0 else sheet.find(b"<" + p + b"sheetData")
    wanted = {p + n.encode() for n in names}
    depth = 0
    for m in _TAG.finditer(sheet, max(at, 0)):
        if m[1]:  # a closing tag
            if depth == 0:  # </sheetData> itself, or </worksheet>
                if m[2] == p + b"worksheet":
                    return m.start()
                continue
            depth -= 1
            continue
        if depth == 0 and m[2] in wanted:
            return m.start()
        if depth == 0 and m[2].endswith(b"AlternateContent"):
            # Excel wraps controls and OLE objects in mc:AlternateContent: it stands where
            # the element it wraps would
            close = sheet.find(b"AlternateContent>", m.end())
            inner = {t[2] for t in _TAG.finditer(sheet, m.end(), close)}
            if inner & wanted:
                return m.start()
        if not m[3]:
            depth += 1
    return sheet.rfind(b"</" + p + b"worksheet>")

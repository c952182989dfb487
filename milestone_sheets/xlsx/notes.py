"""msheets' notes (legacy comments) merged into a sheet's comments part and VML drawing.

The user's notes are left as they are, their boxes included. msheets' own notes are
recognised by their text, which starts with NOTE_MARK: Excel and LibreOffice keep the
text when they save a file, but LibreOffice rewrites the author.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from milestone_sheets.errors import PackageError
from milestone_sheets.xlsx.cells import split_ref, xml_text
from milestone_sheets.xlsx.opc import CT_COMMENTS, CT_VML, NS_MAIN, Package, main_prefix
from milestone_sheets.xlsx.sheet_patch import child_position, children_after

NOTE_MARK = "msheets:"
AUTHOR = "msheets"

_COMMENT = re.compile(rb"<(\w+:)?comment\b([^>]*?)(?:/>|>(.*?)</\1?comment>)", re.S)
_T = re.compile(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)
_REF = re.compile(rb'\bref="([^"]+)"')
_AUTHORS = re.compile(rb"<(\w+:)?authors\s*/>|<(\w+:)?authors>(.*?)</\2?authors>", re.S)
_AUTHOR = re.compile(rb"<(?:\w+:)?author>(.*?)</(?:\w+:)?author>", re.S)
_COMMENT_LIST = re.compile(rb"<(\w+:)?commentList\s*/>|</(\w+:)?commentList>")
_ROW = re.compile(rb"<x:Row>\s*(\d+)\s*</x:Row>")
_COL = re.compile(rb"<x:Column>\s*(\d+)\s*</x:Column>")
_SHAPE_ID = re.compile(rb"_x0000_s(\d+)")
_IDMAP = re.compile(rb'<o:idmap\b[^>]*\bdata="([\d,\s]*)"')


@dataclass
class Note:
    """A note msheets puts on a cell: the lines of its text (after NOTE_MARK)."""

    ref: str
    lines: list[str]

    @property
    def text(self) -> str:
        return NOTE_MARK + "\n" + "\n".join(f"- {line}" for line in self.lines)


@dataclass
class NotesResult:
    added: int = 0
    removed: int = 0
    skipped: list[str] | None = None  # cells with the user's note or a threaded comment


def comment_text(block: bytes) -> str:
    """The plain text of a <comment> element's runs."""
    return "".join(html.unescape(m[1].decode("utf-8")) for m in _T.finditer(block) if m[1])


def threaded_cells(pkg: Package, sheet_part: str) -> set[str]:
    """Cells holding an Excel 365 threaded comment."""
    out: set[str] = set()
    for part in pkg.related(sheet_part, "threadedComment"):
        data = pkg.get(part) or b""
        out.update(m[1].decode() for m in _REF.finditer(data))
    return out


def merge_notes(pkg: Package, sheet_part: str, notes: list[Note]) -> NotesResult:
    """Replace msheets' notes on a sheet with `notes`; the user's notes stay untouched.
    A cell that holds a user's note or a threaded comment gets no msheets note."""
    result = NotesResult(skipped=[])
    rels = pkg.rels(sheet_part)
    comment_parts = pkg.related(sheet_part, "comments")
    vml_rels = rels.of_kind("vmlDrawing")
    comments_part = comment_parts[0] if comment_parts else None
    vml_part = rels.target_part(vml_rels[0]) if vml_rels else None
    if comments_part is None and not notes:
        return result
    comments = pkg.get(comments_part) if comments_part else None
    taken = threaded_cells(pkg, sheet_part)
    ours: set[str] = set()
    if comments is not None:
        comments, ours, users = _drop_ours(comments)
        taken |= users
        result.removed = len(ours)
    keep = [n for n in notes if n.ref not in taken]
    result.skipped = sorted((n.ref for n in notes if n.ref in taken), key=split_ref)
    result.added = len(keep)
    if comments is None:
        comments = _new_comments()
    comments = _add_comments(comments, keep)
    vml = pkg.get(vml_part) if vml_part else None
    if vml is not None:
        vml = _drop_shapes(vml, {_cell_of(r, comments_part) for r in ours})
    else:
        vml = _new_vml(_free_idmap_block(pkg))
    vml = _add_shapes(vml, keep)

    if not _COMMENT.search(comments) and next(_shapes(vml), None) is None:
        _remove_all(pkg, sheet_part, comments_part, vml_part)
        return result
    if comments_part is None:
        comments_part = pkg.free_name("xl/comments{}.xml")
        rels.add("comments", comments_part)
        pkg.set_content_type(comments_part, CT_COMMENTS)
    pkg.put(comments_part, comments)
    if vml_part is None:
        vml_part = pkg.free_name("xl/drawings/vmlDrawing{}.vml")
        rel = rels.add("vmlDrawing", vml_part)
        pkg.set_content_type(vml_part, CT_VML)
        pkg.put(sheet_part, _add_legacy_drawing(pkg.parts[sheet_part], rel.id))
    pkg.put(vml_part, vml)
    pkg.save_rels(sheet_part)
    return result


def _cell_of(ref: str, part: str | None) -> tuple[int, int]:
    """(row, column) of a note's cell as the comments part gives it."""
    try:
        return split_ref(ref)
    except ValueError:
        raise PackageError(f"part {part} has a note on {ref!r}, which is not a cell "
                           "reference") from None


def _drop_ours(comments: bytes) -> tuple[bytes, set[str], set[str]]:
    ours: set[str] = set()
    users: set[str] = set()
    out: list[bytes] = []
    at = 0
    for m in _COMMENT.finditer(comments):
        ref = _REF.search(m[2])
        if ref is None:
            continue
        if comment_text(m[3] or b"").lstrip().startswith(NOTE_MARK):
            ours.add(ref[1].decode())
            out.append(comments[at:m.start()])
            at = m.end()
        else:
            users.add(ref[1].decode())
    out.append(comments[at:])
    return b"".join(out), ours, users


def _new_comments() -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<comments xmlns="{NS_MAIN}"><authors><author>{AUTHOR}</author></authors>'
            "<commentList/></comments>").encode()


def _author_id(comments: bytes) -> tuple[bytes, int]:
    """The comments part with AUTHOR among its authors (appended: no id moves), and its id."""
    m = _AUTHORS.search(comments)
    prefix = main_prefix(comments)
    if m is None:
        return comments, 0
    names = [html.unescape(a[1].decode()) for a in _AUTHOR.finditer(m[3] or b"")]
    if AUTHOR in names:
        return comments, names.index(AUTHOR)
    tag = f"<{prefix}author>{AUTHOR}</{prefix}author>".encode()
    inner = (m[3] or b"") + tag
    p = prefix.encode()
    new = b"<" + p + b"authors>" + inner + b"</" + p + b"authors>"
    return comments[:m.start()] + new + comments[m.end():], len(names)


def _add_comments(comments: bytes, notes: list[Note]) -> bytes:
    if not notes:
        return comments
    comments, author = _author_id(comments)
    p = main_prefix(comments)
    blocks = "".join(
        f'<{p}comment ref="{n.ref}" authorId="{author}"><{p}text><{p}r><{p}rPr><{p}sz val="9"/>'
        f'<{p}rFont val="Calibri"/><{p}family val="2"/></{p}rPr>'
        f'<{p}t xml:space="preserve">{html.escape(xml_text(n.text), quote=False)}</{p}t>'
        f"</{p}r></{p}text></{p}comment>" for n in notes).encode("utf-8")
    m = _COMMENT_LIST.search(comments)
    if m is None:
        raise PackageError("a comments part has no commentList")
    if m[0].endswith(b"/>"):
        tag = (m[1] or b"") + b"commentList"
        return (comments[:m.start()] + b"<" + tag + b">" + blocks + b"</" + tag + b">"
                + comments[m.end():])
    return comments[:m.start()] + blocks + comments[m.start():]


def _shapes(vml: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each <v:shape> element (not <v:shapetype>)."""
    at = 0
    while True:
        start = vml.find(b"<v:shape", at)
        if start < 0:
            return
        after = vml[start + 8:start + 9]
        end = vml.find(b"</v:shape>", start)
        if after not in (b" ", b">", b"\n", b"\r", b"\t") or end < 0:
            at = start + 8
            continue
        yield start, end + len(b"</v:shape>")
        at = end


def _drop_shapes(vml: bytes, cells: set[tuple[int, int]]) -> bytes:
    """The VML without the note boxes of `cells` (row, column; 1-based)."""
    if not cells:
        return vml
    out: list[bytes] = []
    at = 0
    for start, end in _shapes(vml):
        shape = vml[start:end]
        if b'ObjectType="Note"' not in shape:
            continue
        row, col = _ROW.search(shape), _COL.search(shape)
        if row and col and (int(row[1]) + 1, int(col[1]) + 1) in cells:
            out.append(vml[at:start])
            at = end
    out.append(vml[at:])
    return b"".join(out)


def _free_idmap_block(pkg: Package) -> int:
    """A VML shape-id block (o:idmap) no VML drawing of the workbook uses."""
    used = {0}
    for name, data in pkg.parts.items():
        if name.endswith(".vml"):
            for m in _IDMAP.finditer(data):
                used.update(int(x) for x in re.findall(rb"\d+", m[1]))
    return max(used) + 1


_SHAPETYPE = (
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
    'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')


def _new_vml(block: int) -> bytes:
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/>'
            f"</o:shapelayout>{_SHAPETYPE}</xml>").encode()


def _add_shapes(vml: bytes, notes: list[Note]) -> bytes:
    if not notes:
        return vml
    if b'id="_x0000_t202"' not in vml:
        end = _end_of_xml(vml)
        vml = vml[:end] + _SHAPETYPE.encode() + vml[end:]
    ids = [int(x) for x in _SHAPE_ID.findall(vml)]
    block = _IDMAP.search(vml)
    numbers = re.findall(rb"\d+", block[1]) if block else []
    first_block = int(numbers[0]) if numbers else 1
    next_id = max([first_block * 1024, *ids]) + 1
    shapes = []
    for i, n in enumerate(notes):
        row, col = split_ref(n.ref)
        height = 2 + 2 * len(n.lines)
        anchor = f"{col}, 15, {max(row - 2, 0)}, 10, {col + 4}, 15, {max(row - 2, 0) + height}, 4"
        shapes.append(
            f'<v:shape id="_x0000_s{next_id + i}" type="#_x0000_t202" '
            "style='position:absolute;margin-left:80pt;margin-top:2pt;width:240pt;"
            f"height:{30 + 24 * len(n.lines)}pt;z-index:{i + 1};visibility:hidden' "
            'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            "<v:textbox style='mso-direction-alt:auto'><div style='text-align:left'></div>"
            '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{anchor}</x:Anchor><x:AutoFill>False</x:AutoFill>"
            f"<x:Row>{row - 1}</x:Row><x:Column>{col - 1}</x:Column></x:ClientData>"
            "</v:shape>")
    end = _end_of_xml(vml)
    return vml[:end] + "".join(shapes).encode("utf-8") + vml[end:]


def _end_of_xml(vml: bytes) -> int:
    """Where the VML drawing's root element closes."""
    end = vml.rfind(b"</xml>")
    if end < 0:
        raise PackageError("a VML drawing has no closing </xml>")
    return end


def _add_legacy_drawing(sheet: bytes, rid: str) -> bytes:
    """The worksheet XML with <legacyDrawing r:id> in its place in the schema order."""
    p = main_prefix(sheet)
    rel_prefix = _rel_prefix(sheet)
    if rel_prefix is None:  # declare the relationships namespace on the root
        root = re.search(rb"<" + re.escape(p.encode()) + rb"worksheet\b", sheet)
        if root is None:
            raise PackageError("a worksheet part has no worksheet element")
        at = root.end()
        sheet = (sheet[:at] + b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                 b'2006/relationships"' + sheet[at:])
        rel_prefix = "r"
    el = f'<{p}legacyDrawing {rel_prefix}:id="{rid}"/>'.encode()
    at = child_position(sheet, p, children_after("legacyDrawing"))
    return sheet[:at] + el + sheet[at:]


def _rel_prefix(sheet: bytes) -> str | None:
    """The prefix the worksheet's root element binds to the relationships namespace (a
    declaration further down, on a tablePart say, does not reach a new element)."""
    root = re.search(rb"<(?:\w+:)?worksheet\b[^>]*>", sheet)
    if root is None:
        return None
    m = re.search(rb'xmlns:(\w+)="http://schemas\.openxmlformats\.org/officeDocument/2006/'
                  rb'relationships"', root[0])
    return m[1].decode() if m else None


def _remove_all(pkg: Package, sheet_part: str, comments_part: str | None,
                vml_part: str | None) -> None:
    """No note left at all: the comments part and VML drawing go, with what points to them."""
    rels = pkg.rels(sheet_part)
    for part in (comments_part, vml_part):
        if part is None:
            continue
        for r in list(rels.items):
            if not r.external and rels.target_part(r) == part:
                rels.remove(r.id)
                if r.kind == "vmlDrawing":
                    pkg.put(sheet_part, re.sub(
                        rb"<(?:\w+:)?legacyDrawing\b[^>]*?" + re.escape(r.id.encode())
                        + rb'"[^>]*/>', b"", pkg.parts[sheet_part], count=1))
        pkg.delete(part)
        pkg.remove_content_type(part)
    pkg.save_rels(sheet_part)

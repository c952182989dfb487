"""Enriched plans for the fidelity tests: a filled plan with parts that real Excel wrote.

Everything here works at the package level: the workbook is read as parts (bytes), a few
parts are parsed with lxml and edited, every other part is carried over untouched. A plan
made by `msheets new` (template lean-plan) is given a few problems first (an owner not in
Team, an unreadable Due, a blank ID), then one Excel feature from one file of
../shared/corpus/excel-made/ is transplanted into it: the corpus parts are copied under
names that collide with nothing, their relationships, style indexes, shared strings, table
ids and sheet ids are made to fit the plan, and the elements that point to them are added
to the plan's workbook and sheets in schema order.

`build_all(out_dir, corpus)` writes one plan per name in FEATURES and returns what each
holds (`EnrichedPlan`), for tests to check what a refresh keeps.
"""

from __future__ import annotations

import copy
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from milestone_sheets.write.new_workbook import write_new_workbook

# --------------------------------------------------------------------------- namespaces

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
X15 = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
TC = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CHARTSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml"
XLSM_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_CT = "application/vnd.ms-office.vbaProject"

Element = Any  # lxml elements (lxml ships no type hints)


def q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def parse_xml(data: bytes) -> Element:
    """Parse a part; entities are never resolved, nothing is fetched."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def serialize(root: Element) -> bytes:
    """A part as Excel writes it: the declaration in double quotes, then the root."""
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            + bytes(etree.tostring(root, encoding="UTF-8")))


def col_letter(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def split_ref(ref: str) -> tuple[int, int]:
    """(row, column), both 1-based, of an A1 reference."""
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)", ref)
    if m is None:
        raise ValueError(ref)
    col = 0
    for ch in m[1]:
        col = col * 26 + ord(ch) - 64
    return int(m[2]), col


# --------------------------------------------------------------------------- the package


@dataclass(frozen=True)
class Rel:
    """A relationship: id, type, and the target part (absolute name) or external URL."""

    id: str
    type: str
    target: str
    external: bool = False


@dataclass(frozen=True)
class SheetRef:
    """A sheet as <sheets> lists it, with the part its relationship points to."""

    name: str
    sheet_id: int
    rid: str
    part: str
    kind: str  # worksheet | chartsheet | ...
    state: str  # visible | hidden | veryHidden


class Package:
    """A workbook as parts (bytes), in their zip order."""

    def __init__(self, parts: dict[str, bytes]) -> None:
        self.parts = parts

    @classmethod
    def read(cls, path: Path) -> Package:
        with zipfile.ZipFile(path) as z:
            return cls({i.filename: z.read(i.filename) for i in z.infolist()
                        if not i.is_dir()})

    def write(self, path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.parts.items():
                z.writestr(name, data)

    def xml(self, name: str) -> Element:
        return parse_xml(self.parts[name])

    def put(self, name: str, root: Element) -> None:
        self.parts[name] = serialize(root)

    # ---------------------------------------------------------------- content types

    def content_type(self, name: str) -> str | None:
        types = self.xml("[Content_Types].xml")
        for o in types.iter(q(CT, "Override")):
            if o.get("PartName", "").lstrip("/").lower() == name.lower():
                return str(o.get("ContentType"))
        ext = name.rsplit(".", 1)[-1].lower()
        for d in types.iter(q(CT, "Default")):
            if d.get("Extension", "").lower() == ext:
                return str(d.get("ContentType"))
        return None

    def set_content_type(self, name: str, content_type: str) -> None:
        """Give a part its content type: by its extension's Default when that says the same,
        else by an Override."""
        types = self.xml("[Content_Types].xml")
        for o in list(types.iter(q(CT, "Override"))):
            if o.get("PartName", "").lstrip("/").lower() == name.lower():
                types.remove(o)
        ext = name.rsplit(".", 1)[-1].lower()
        default = next((d for d in types.iter(q(CT, "Default"))
                        if d.get("Extension", "").lower() == ext), None)
        if default is None and ext not in ("xml",):
            el = etree.SubElement(types, q(CT, "Default"))
            el.set("Extension", ext)
            el.set("ContentType", content_type)
            types.insert(0, el)
        elif default is None or default.get("ContentType") != content_type:
            el = etree.SubElement(types, q(CT, "Override"))
            el.set("PartName", "/" + name)
            el.set("ContentType", content_type)
        self.put("[Content_Types].xml", types)

    # ---------------------------------------------------------------- relationships

    @staticmethod
    def rels_part(source: str) -> str:
        folder, base = posixpath.split(source)
        return posixpath.join(folder, "_rels", base + ".rels")

    def rels(self, source: str) -> list[Rel]:
        name = self.rels_part(source)
        if name not in self.parts:
            return []
        out = []
        for el in self.xml(name):
            external = el.get("TargetMode") == "External"
            target = str(el.get("Target"))
            if not external:
                target = resolve(source, target)
            out.append(Rel(str(el.get("Id")), str(el.get("Type")), target, external))
        return out

    def add_rel(self, source: str, rel_type: str, target: str, external: bool = False) -> str:
        """A new relationship from `source`; its id collides with none there."""
        name = self.rels_part(source)
        root = (self.xml(name) if name in self.parts
                else etree.Element(q(PKG_RELS, "Relationships"), nsmap={None: PKG_RELS}))
        used = {el.get("Id") for el in root}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        rid = f"rId{n}"
        el = etree.SubElement(root, q(PKG_RELS, "Relationship"))
        el.set("Id", rid)
        el.set("Type", rel_type)
        el.set("Target", target if external else relative(source, target))
        if external:
            el.set("TargetMode", "External")
        self.put(name, root)
        return rid

    def related(self, source: str, type_suffix: str) -> list[str]:
        return [r.target for r in self.rels(source)
                if not r.external and r.type.endswith("/" + type_suffix)]

    def free_name(self, like: str) -> str:
        """A part name like `like` (same folder and pattern) that no part has."""
        taken = {n.lower() for n in self.parts}
        if like.lower() not in taken:
            return like
        m = re.fullmatch(r"(.*?)(\d*)(\.[^./]+)", like)
        assert m is not None, like
        n = 1
        while f"{m[1]}{n}{m[3]}".lower() in taken:
            n += 1
        return f"{m[1]}{n}{m[3]}"

    # ---------------------------------------------------------------- workbook

    @property
    def workbook_part(self) -> str:
        return next(r.target for r in self.rels("")
                    if r.type.endswith("/officeDocument"))

    def workbook(self) -> Element:
        return self.xml(self.workbook_part)

    def sheets(self) -> list[SheetRef]:
        rels = {r.id: r for r in self.rels(self.workbook_part)}
        out = []
        for el in self.workbook().iter(q(MAIN, "sheet")):
            rel = rels[str(el.get(q(R, "id")))]
            out.append(SheetRef(str(el.get("name")), int(el.get("sheetId")),
                                rel.id, rel.target, rel.type.rsplit("/", 1)[-1],
                                el.get("state", "visible")))
        return out

    def sheet_part(self, name: str) -> str:
        return next(s.part for s in self.sheets() if s.name == name)

    def add_sheet(self, name: str, part: str, index: int | None = None,
                  kind: str = "worksheet", state: str | None = None) -> int:
        """List a sheet part in the workbook at `index`; sheet-scoped names, the active tab
        and the first visible tab keep pointing at the sheets they pointed at."""
        wb_part = self.workbook_part
        rid = self.add_rel(wb_part, RT + kind, part)
        root = self.workbook()
        sheets = root.find(q(MAIN, "sheets"))
        count = len(sheets)
        index = count if index is None else index
        sheet_id = max([int(s.get("sheetId")) for s in sheets] + [0]) + 1
        el = etree.Element(q(MAIN, "sheet"))
        el.set("name", name)
        el.set("sheetId", str(sheet_id))
        if state:
            el.set("state", state)
        el.set(q(R, "id"), rid)
        sheets.insert(index, el)
        for dn in root.iter(q(MAIN, "definedName")):
            scope = dn.get("localSheetId")
            if scope is not None and int(scope) >= index:
                dn.set("localSheetId", str(int(scope) + 1))
        for view in root.iter(q(MAIN, "workbookView")):
            for attr in ("activeTab", "firstSheet"):
                v = view.get(attr)
                if v is not None and int(v) >= index and index < count:
                    view.set(attr, str(int(v) + 1))
        self.put(wb_part, root)
        self.set_content_type(part, CHARTSHEET_CT if kind == "chartsheet" else WORKSHEET_CT)
        return sheet_id

    def add_defined_name(self, name: str, text: str, local_sheet: str | None = None,
                         **attrs: str) -> None:
        root = self.workbook()
        names = root.find(q(MAIN, "definedNames"))
        if names is None:
            names = etree.Element(q(MAIN, "definedNames"))
            insert_ordered(root, names, WORKBOOK_ORDER)
        el = etree.SubElement(names, q(MAIN, "definedName"))
        el.set("name", name)
        if local_sheet is not None:
            index = [s.name for s in self.sheets()].index(local_sheet)
            el.set("localSheetId", str(index))
        for k, v in attrs.items():
            el.set(k, v)
        el.text = text
        self.put(self.workbook_part, root)


def resolve(source: str, target: str) -> str:
    """The part a relationship target names, from the part `source` (package root: '')."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


# --------------------------------------------------------------------------- element order

WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst")
WORKBOOK_ORDER = (
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
    "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize",
    "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
    "fileRecoveryPr", "webPublishObjects", "extLst")
STYLES_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
                "dxfs", "tableStyles", "colors", "extLst")


def local(el: Element) -> str:
    return str(etree.QName(el).localname) if isinstance(el.tag, str) else ""


def insert_ordered(parent: Element, el: Element, order: tuple[str, ...]) -> Element:
    """Insert `el` where the schema sequence `order` puts it (after its own kind)."""
    rank = order.index(local(el))
    position = len(parent)
    for i, child in enumerate(parent):
        name = local(child)
        if name in order and order.index(name) > rank and child.nsmap.get(
                child.prefix) in (MAIN, None):
            position = i
            break
    parent.insert(position, el)
    return el


def add_child(sheet: Element, el: Element, replace: bool = False) -> Element:
    """Add an element to a worksheet in schema order. Only conditionalFormatting repeats:
    another kind already there is replaced when asked, else that is a mistake here."""
    existing = sheet.find(el.tag)
    if existing is not None and local(el) != "conditionalFormatting":
        assert replace, f"the sheet already has a {local(el)}"
        sheet.remove(existing)
    return insert_ordered(sheet, el, WORKSHEET_ORDER)


def next_priority(sheet: Element) -> int:
    """A conditional format priority after every one the sheet has (x14 rules included)."""
    return max([int(r.get("priority", "0")) for r in sheet.iter("{*}cfRule")] + [0]) + 1


def main_el(tag: str, **attrs: str) -> Element:
    el = etree.Element(q(MAIN, tag))
    for k, v in attrs.items():
        el.set(k, v)
    return el


def with_namespaces(root: Element, nsmap: dict[str | None, str]) -> Element:
    """The root element, rebuilt with more namespace declarations (lxml cannot add them)."""
    merged = dict(root.nsmap)
    for prefix, uri in nsmap.items():
        merged.setdefault(prefix, uri)
    if merged == root.nsmap:
        return root
    new = etree.Element(root.tag, nsmap=merged)
    for k, v in root.attrib.items():
        new.set(k, v)
    new.text = root.text
    for child in list(root):
        new.append(child)
    return new


def ignorable(root: Element, *prefixes: str) -> None:
    tokens = root.get(q(MC, "Ignorable"), "").split()
    for p in prefixes:
        if p not in tokens:
            tokens.append(p)
    root.set(q(MC, "Ignorable"), " ".join(tokens))


def add_ext(root: Element, uri: str, content: Element, order: tuple[str, ...],
            nsmap: dict[str | None, str] | None = None) -> None:
    """Append an <ext uri=...> holding `content` to the root's extLst."""
    ext_lst = root.find(q(MAIN, "extLst"))
    if ext_lst is None:
        ext_lst = insert_ordered(root, main_el("extLst"), order)
    ext = etree.SubElement(ext_lst, q(MAIN, "ext"), nsmap=nsmap or {})
    ext.set("uri", uri)
    ext.append(content)


def excel_2010_sheet(root: Element) -> Element:
    """A sheet as Excel 2010+ writes it: mc:Ignorable x14ac and x14ac:dyDescent on rows."""
    root = with_namespaces(root, {"mc": MC, "x14ac": X14AC})
    ignorable(root, "x14ac")
    fmt = root.find(q(MAIN, "sheetFormatPr"))
    if fmt is not None:
        fmt.set(q(X14AC, "dyDescent"), "0.25")
    for row in root.iter(q(MAIN, "row")):
        row.set(q(X14AC, "dyDescent"), "0.25")
    return root


# --------------------------------------------------------------------------- cells


class SharedStrings:
    """The package's shared strings, appended to (existing indexes never move)."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        parts = pkg.related(pkg.workbook_part, "sharedStrings")
        if parts:
            self.part = parts[0]
            self.root = pkg.xml(self.part)
        else:
            self.part = "xl/sharedStrings.xml"
            self.root = etree.Element(q(MAIN, "sst"), nsmap={None: MAIN})
            pkg.add_rel(pkg.workbook_part, RT + "sharedStrings", self.part)
            pkg.set_content_type(
                self.part,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
        self.added = 0

    def append(self, si: Element) -> int:
        self.root.append(si)
        self.added += 1
        return len(self.root) - 1

    def add(self, text: str) -> int:
        si = etree.Element(q(MAIN, "si"))
        t = etree.SubElement(si, q(MAIN, "t"))
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return self.append(si)

    def flush(self) -> None:
        self.root.set("uniqueCount", str(len(self.root)))
        self.root.set("count", str(int(self.root.get("count", "0")) + self.added))
        self.added = 0
        self.pkg.put(self.part, self.root)


def plain_text(si: Element) -> str:
    """The text of a shared string (runs joined, phonetic guides left out)."""
    return "".join(t.text or "" for t in si.iter(q(MAIN, "t")) if local(t.getparent()) != "rPh")


def find_row(sheet: Element, r: int, create: bool = True) -> Element | None:
    data = sheet.find(q(MAIN, "sheetData"))
    for row in data:
        n = int(row.get("r"))
        if n == r:
            return row
        if n > r:
            if not create:
                return None
            new = main_el("row", r=str(r))
            row.addprevious(new)
            return new
    if not create:
        return None
    return etree.SubElement(data, q(MAIN, "row"), r=str(r))


def find_cell(sheet: Element, ref: str, create: bool = True) -> Element | None:
    r, c = split_ref(ref)
    row = find_row(sheet, r, create)
    if row is None:
        return None
    for cell in row:
        rc = split_ref(cell.get("r"))[1]
        if rc == c:
            return cell
        if rc > c:
            if not create:
                return None
            new = main_el("c", r=ref)
            cell.addprevious(new)
            return new
    if not create:
        return None
    return etree.SubElement(row, q(MAIN, "c"), r=ref)


def set_cell(sheet: Element, ref: str, value: object, strings: SharedStrings | None = None,
             style: int | None = None, formula: str | None = None) -> Element:
    """Type a value into a cell as Excel stores it (text as a shared string); keeps its style
    unless `style` is given."""
    cell = find_cell(sheet, ref)
    assert cell is not None
    for child in list(cell):
        cell.remove(child)
    cell.attrib.pop("t", None)
    if style is not None:
        cell.set("s", str(style))
    if formula is not None:
        etree.SubElement(cell, q(MAIN, "f")).text = formula
    if value is None:
        return cell
    v = etree.SubElement(cell, q(MAIN, "v"))
    if isinstance(value, str) and formula is None:
        assert strings is not None
        cell.set("t", "s")
        v.text = str(strings.add(value))
    elif isinstance(value, str):
        cell.set("t", "e" if value.startswith("#") else "str")
        v.text = value
    elif isinstance(value, bool):
        cell.set("t", "b")
        v.text = "1" if value else "0"
    else:
        v.text = repr(value) if isinstance(value, float) else str(value)
    # the cell now sits before its <f>: <f> must come first
    if formula is not None:
        f = cell.find(q(MAIN, "f"))
        cell.remove(f)
        cell.insert(0, f)
    return cell


def cell_value(sheet: Element, ref: str) -> str | None:
    cell = find_cell(sheet, ref, create=False)
    if cell is None:
        return None
    v = cell.find(q(MAIN, "v"))
    return None if v is None else v.text


# --------------------------------------------------------------------------- styles


_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))


def is_date_format(code: str) -> bool:
    """Whether a number format shows a date (quoted text, [colour] and escapes ignored)."""
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", code)
    return bool(re.search(r"[dmyhs]", code, re.I)) and not re.fullmatch(r"[#0.,%\s]*", code)


class StyleMerger:
    """Style indexes of a corpus workbook, as indexes of the plan's styles.xml: the fonts,
    fills, borders, number formats, cell formats and dxfs they use are appended (or found,
    when the plan already has the same)."""

    def __init__(self, dst: Package, src: Package) -> None:
        self.dst = dst
        self.part = dst.related(dst.workbook_part, "styles")[0]
        self.root = dst.xml(self.part)
        src_parts = src.related(src.workbook_part, "styles")
        self.src = src.xml(src_parts[0]) if src_parts else None
        self.cache: dict[tuple[str, int], int] = {}

    def _section(self, root: Element, tag: str) -> Element:
        el = root.find(q(MAIN, tag))
        if el is None:
            el = insert_ordered(root, main_el(tag, count="0"), STYLES_ORDER)
        return el

    def _copy(self, tag: str, index: int, fix: Callable[[Element], None] | None = None) -> int:
        key = (tag, index)
        if key in self.cache:
            return self.cache[key]
        assert self.src is not None
        item = copy.deepcopy(self._section(self.src, tag)[index])
        if fix is not None:
            fix(item)
        section = self._section(self.root, tag)
        canon = etree.tostring(item, method="c14n")
        for i, existing in enumerate(section):
            if etree.tostring(existing, method="c14n") == canon:
                self.cache[key] = i
                return i
        section.append(item)
        section.set("count", str(len(section)))
        self.cache[key] = len(section) - 1
        return len(section) - 1

    def num_fmt(self, fmt_id: int) -> int:
        if fmt_id < 164:
            return fmt_id
        assert self.src is not None
        code = next(str(n.get("formatCode")) for n in self.src.iter(q(MAIN, "numFmt"))
                    if int(n.get("numFmtId")) == fmt_id)
        return self.add_num_fmt(code)

    def add_num_fmt(self, code: str) -> int:
        section = self._section(self.root, "numFmts")
        for n in section:
            if n.get("formatCode") == code:
                return int(n.get("numFmtId"))
        new_id = max([163] + [int(n.get("numFmtId")) for n in section]) + 1
        section.append(main_el("numFmt", numFmtId=str(new_id), formatCode=code))
        section.set("count", str(len(section)))
        return new_id

    def xf(self, index: int) -> int:
        def fix(xf: Element) -> None:
            xf.set("numFmtId", str(self.num_fmt(int(xf.get("numFmtId", "0")))))
            for attr, tag in (("fontId", "fonts"), ("fillId", "fills"),
                              ("borderId", "borders")):
                xf.set(attr, str(self._copy(tag, int(xf.get(attr, "0")))))
            xf.set("xfId", "0")  # the Normal cell style; named styles are not copied
        return self._copy("cellXfs", index, fix)

    def dxf(self, index: int) -> int:
        return self._copy("dxfs", index)

    def derived_xf(self, index: int, **attrs: str) -> int:
        """A cell format of the plan's own, with some attributes changed (appended)."""
        section = self._section(self.root, "cellXfs")
        item = copy.deepcopy(section[index])
        for k, v in attrs.items():
            item.set(k, v)
        section.append(item)
        section.set("count", str(len(section)))
        return len(section) - 1

    def date_xfs(self) -> set[int]:
        codes = {int(n.get("numFmtId")): str(n.get("formatCode"))
                 for n in self.root.iter(q(MAIN, "numFmt"))}
        out = set()
        for i, xf in enumerate(self._section(self.root, "cellXfs")):
            fmt = int(xf.get("numFmtId", "0"))
            if fmt in _DATE_FORMATS or (fmt in codes and is_date_format(codes[fmt])):
                out.add(i)
        return out

    def flush(self) -> None:
        self.dst.put(self.part, self.root)


# --------------------------------------------------------------------------- transplant


class Transplant:
    """Copies parts of a corpus workbook (`src`) into a plan (`dst`): part names,
    relationship targets, style indexes, shared strings, table ids and sheet ids are made to
    fit the plan; relationship ids inside a copied part are kept (its .rels is new)."""

    def __init__(self, dst: Package, src: Package, renames: dict[str, str] | None = None,
                 strings: SharedStrings | None = None) -> None:
        self.dst, self.src = dst, src
        self.copied: dict[str, str] = {}
        self.styles = StyleMerger(dst, src)
        self.strings = strings or SharedStrings(dst)
        src_sst = src.related(src.workbook_part, "sharedStrings")
        self.src_strings = list(src.xml(src_sst[0])) if src_sst else []
        self.string_map: dict[int, int] = {}
        self.renames = renames or {}
        self.table_ids: dict[int, int] = {}
        self.sheet_ids: dict[int, int] = {}  # corpus sheetId -> plan sheetId
        self.sheet_names: dict[str, str] = {}  # corpus sheet name -> plan sheet name

    # ---------------------------------------------------------------- parts

    def part(self, name: str) -> str:
        """Copy a part and (recursively) what it relates to; the plan's name for it."""
        if name in self.copied:
            return self.copied[name]
        new = self.dst.free_name(name)
        self.copied[name] = new
        self.dst.parts[new] = b""  # reserve the name while its relationships are copied
        content_type = self.src.content_type(name)
        assert content_type is not None, name
        rels_name = Package.rels_part(name)
        if rels_name in self.src.parts:
            root = self.src.xml(rels_name)
            for el in root:
                if el.get("TargetMode") == "External":
                    continue
                target = self.part(resolve(name, str(el.get("Target"))))
                el.set("Target", relative(new, target))
            self.dst.put(Package.rels_part(new), root)
        self.dst.parts[new] = self._adapt(content_type, self.src.parts[name])
        self.dst.set_content_type(new, content_type)
        return new

    def _adapt(self, content_type: str, data: bytes) -> bytes:
        kind = content_type.rsplit(".", 1)[-1].split("+")[0]
        if kind in ("worksheet", "chartsheet"):
            return serialize(self._sheet(parse_xml(data)))
        if kind == "table":
            return serialize(self._table(parse_xml(data)))
        if kind in ("chart", "pivotCacheDefinition"):
            text = data.decode("utf-8")
            for old, new in self.renames.items():
                text = text.replace(f"{old}!", f"{quote_sheet(new)}!")
                text = text.replace(f'sheet="{old}"', f'sheet="{new}"')
            return text.encode("utf-8")
        return data

    def _sheet(self, root: Element) -> Element:
        for view in root.iter(q(MAIN, "sheetView")):
            view.attrib.pop("tabSelected", None)  # the plan's own active tab stays
        for cell in root.iter(q(MAIN, "c")):
            s = cell.get("s")
            if s is not None:
                cell.set("s", str(self.styles.xf(int(s))))
            if cell.get("t") == "s":
                v = cell.find(q(MAIN, "v"))
                v.text = str(self.string(int(v.text)))
        for row in root.iter(q(MAIN, "row")):
            if row.get("s") is not None:
                row.set("s", str(self.styles.xf(int(row.get("s")))))
        for col in root.iter(q(MAIN, "col")):
            if col.get("style") is not None:
                col.set("style", str(self.styles.xf(int(col.get("style")))))
        for rule in root.iter(q(MAIN, "cfRule")):
            if rule.get("dxfId") is not None:
                rule.set("dxfId", str(self.styles.dxf(int(rule.get("dxfId")))))
        return root

    def string(self, index: int) -> int:
        if index not in self.string_map:
            self.string_map[index] = self.strings.append(
                copy.deepcopy(self.src_strings[index]))
        return self.string_map[index]

    def _table(self, root: Element) -> Element:
        used = set()
        names = set()
        for part in self.dst.parts:
            if part.startswith("xl/tables/") and part.endswith(".xml") and self.dst.parts[part]:
                t = self.dst.xml(part)
                used.add(int(t.get("id")))
                names.add(str(t.get("name")).lower())
        old = int(root.get("id"))
        new = max(used | {0}) + 1
        self.table_ids[old] = new
        root.set("id", str(new))
        assert str(root.get("name")).lower() not in names, root.get("name")
        for el in root.iter():
            for attr in ("dxfId", "dataDxfId", "headerRowDxfId", "totalsRowDxfId",
                         "tableBorderDxfId", "headerRowBorderDxfId", "totalsRowBorderDxfId"):
                if el.get(attr) is not None:
                    el.set(attr, str(self.styles.dxf(int(el.get(attr)))))
        return root

    # ---------------------------------------------------------------- sheets and names

    def sheet(self, name: str, index: int | None = None, new_name: str | None = None,
              state: str | None = None) -> str:
        """Copy a corpus sheet (with everything it relates to) and list it in the plan."""
        ref = next(s for s in self.src.sheets() if s.name == name)
        new_name = new_name or name
        if new_name != name:
            self.renames[name] = new_name
        part = self.part(ref.part)
        sheet_id = self.dst.add_sheet(new_name, part, index, ref.kind,
                                      state or (None if ref.state == "visible" else ref.state))
        self.sheet_ids[ref.sheet_id] = sheet_id
        self.sheet_names[name] = new_name
        return part

    def workbook_part(self, name: str, rel_type: str) -> str:
        """Copy a workbook-level part and relate the plan's workbook to it: the new rId."""
        return self.dst.add_rel(self.dst.workbook_part, rel_type, self.part(name))

    def defined_names(self, keep: Callable[[Element], bool] = lambda el: True) -> None:
        """Copy the corpus' defined names whose sheet was copied (sheet-scoped names get
        the plan's index of that sheet)."""
        src_sheets = [s.name for s in self.src.sheets()]
        for el in self.src.workbook().iter(q(MAIN, "definedName")):
            if not keep(el):
                continue
            text = str(el.text or "")
            for old, new in self.renames.items():
                text = text.replace(f"{quote_sheet(old)}!", f"{quote_sheet(new)}!")
            local_id = el.get("localSheetId")
            scope = None
            if local_id is not None:
                scope = self.sheet_names.get(src_sheets[int(local_id)])
                if scope is None:
                    continue
            attrs = {k: v for k, v in el.attrib.items() if k not in ("name", "localSheetId")}
            self.dst.add_defined_name(str(el.get("name")), text, scope, **attrs)

    def calc_chain(self) -> None:
        """Carry the corpus' calculation chain entries of the copied sheets over."""
        parts = self.src.related(self.src.workbook_part, "calcChain")
        if not parts:
            return
        entries = []
        current = None
        for c in self.src.xml(parts[0]):
            current = int(c.get("i", current if current is not None else 0))
            if current in self.sheet_ids:
                new = copy.deepcopy(c)
                new.set("i", str(self.sheet_ids[current]))
                entries.append(new)
        if not entries:
            return
        existing = self.dst.related(self.dst.workbook_part, "calcChain")
        if existing:
            name = existing[0]
            root = self.dst.xml(name)
        else:
            name = "xl/calcChain.xml"
            root = etree.Element(q(MAIN, "calcChain"), nsmap={None: MAIN})
            self.dst.add_rel(self.dst.workbook_part, RT + "calcChain", name)
            self.dst.set_content_type(
                name, "application/vnd.openxmlformats-officedocument.spreadsheetml."
                "calcChain+xml")
        root.extend(entries)
        self.dst.put(name, root)

    def excel_2013_workbook(self) -> None:
        """Give the plan's workbook.xml what Excel 2013+ writes there: namespaces,
        mc:Ignorable, the mc:AlternateContent holding absPath, xr:revisionPtr and the
        extLst's workbookPr."""
        src = self.src.workbook()
        root = with_namespaces(self.dst.workbook(), {
            k: v for k, v in src.nsmap.items() if k is not None})
        tokens = src.get(q(MC, "Ignorable"), "").split()
        if tokens:
            ignorable(root, *tokens)
        anchor = root.find(q(MAIN, "workbookPr"))
        for el in src:
            if local(el) in ("AlternateContent", "revisionPtr"):
                anchor.addnext(copy.deepcopy(el))
                anchor = anchor.getnext()
        for ext in src.iter(q(MAIN, "ext")):
            if ext.find(q(X15, "workbookPr")) is not None:
                add_ext(root, str(ext.get("uri")), copy.deepcopy(ext[0]), WORKBOOK_ORDER,
                        {"x15": X15})
        self.dst.put(self.dst.workbook_part, root)

    def finish(self) -> None:
        self.styles.flush()
        self.strings.flush()


def quote_sheet(name: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name):
        return name
    return "'" + name.replace("'", "''") + "'"


# --------------------------------------------------------------------------- the plan


AS_OF = date(2026, 11, 18)
START = date(2026, 11, 2)
BAD_DUE = "I5"  # "soonish": an unreadable date (error)
STRANGER = "G4"  # owner "Zed", not in Team (warning)
BLANK_ID = "A6"  # filled by refresh
NOTE_CELL = "B3"  # where the user's own note goes
EPOCH_1904_SHIFT = 1462  # days between the 1900 and 1904 date systems' serial numbers


def base_plan(path: Path) -> Path:
    """A lean-plan made by `msheets new`, edited as a user would at the XML level (text as
    shared strings, as Excel writes it): problems on some milestones, a metric's current
    value, and the Milestones tab active."""
    made = path.with_name(path.stem + ".new.xlsx")
    write_new_workbook(made, template="lean-plan", start=START, force=True)
    pkg = Package.read(made)
    made.unlink()
    strings = SharedStrings(pkg)
    ms_part = pkg.sheet_part("Milestones")
    ms = pkg.xml(ms_part)
    texts = [plain_text(si) for si in strings.root]
    heads = {}
    for ref in ("A1", "B1", "G1", "I1", "K1", "M1", "N1"):
        cell, v = find_cell(ms, ref, create=False), cell_value(ms, ref)
        heads[ref] = texts[int(v)] if cell is not None and cell.get("t") == "s" and v else v
    assert heads == {"A1": "ID", "B1": "Milestone", "G1": "Owner", "I1": "Due",
                     "K1": "Actual", "M1": "% Complete", "N1": "Status"}, (
        f"the lean-plan template's columns moved: {heads}; update base_plan")
    set_cell(ms, STRANGER, "Zed", strings)
    set_cell(ms, BAD_DUE, "soonish", strings)
    set_cell(ms, BLANK_ID, None)
    set_cell(ms, "M3", 0.5)
    set_cell(ms, "N3", "In progress", strings)
    set_cell(ms, "K8", 3500)  # Launch website: over budget
    for view in ms.iter(q(MAIN, "sheetView")):
        view.set("tabSelected", "1")
    pkg.put(ms_part, ms)
    metrics_part = pkg.sheet_part("Metrics")
    metrics = pkg.xml(metrics_part)
    set_cell(metrics, "H2", 40)
    pkg.put(metrics_part, metrics)
    guide_part = pkg.sheet_part("Guide")
    guide = pkg.xml(guide_part)
    for view in guide.iter(q(MAIN, "sheetView")):
        view.attrib.pop("tabSelected", None)
    pkg.put(guide_part, guide)
    wb = pkg.workbook()
    wb.find(f"{q(MAIN, 'bookViews')}/{q(MAIN, 'workbookView')}").set("activeTab", "1")
    pkg.put(pkg.workbook_part, wb)
    strings.flush()
    pkg.write(path)
    return path


@dataclass(frozen=True)
class EnrichedPlan:
    """A plan with one Excel feature transplanted: where it is and what it holds."""

    name: str
    path: Path
    source: str | None  # the corpus file the feature comes from
    what: str  # what was put where


@dataclass
class _Work:
    """A plan being enriched: its package, shared strings and Milestones sheet (parsed)."""

    pkg: Package
    corpus: Path
    strings: SharedStrings
    ms_part: str
    ms: Element

    def src(self, name: str) -> Package:
        return Package.read(self.corpus / name)

    def transplant(self, src: Package | str) -> Transplant:
        if isinstance(src, str):
            src = self.src(src)
        return Transplant(self.pkg, src, strings=self.strings)

    def save_milestones(self) -> None:
        self.pkg.put(self.ms_part, self.ms)

    def ms_rel(self, rel_type: str, target: str, external: bool = False) -> str:
        return self.pkg.add_rel(self.ms_part, rel_type, target, external)

    def ms_add(self, el: Element, replace: bool = False) -> Element:
        return add_child(self.ms, el, replace)

    def index_of(self, sheet: str) -> int:
        return [s.name for s in self.pkg.sheets()].index(sheet)


def _r_el(tag: str, rid: str) -> Element:
    el = main_el(tag)
    el.set(q(R, "id"), rid)
    return el


def _move_vml(vml: str, moves: dict[tuple[int, int], tuple[int, int]]) -> str:
    """Move VML note boxes: (row, column) 0-based of a note -> new cell, anchor shifted."""
    def shape(m: re.Match[str]) -> str:
        text = m[0]
        row = int(re.search(r"<x:Row>(\d+)</x:Row>", text)[1])  # type: ignore[index]
        col = int(re.search(r"<x:Column>(\d+)</x:Column>", text)[1])  # type: ignore[index]
        if (row, col) not in moves:
            return text
        new_row, new_col = moves[(row, col)]
        dr, dc = new_row - row, new_col - col

        def anchor(a: re.Match[str]) -> str:
            n = [int(x) for x in a[1].split(",")]
            n[0] += dc
            n[2] += dr
            n[4] += dc
            n[6] += dr
            return f"<x:Anchor>\n    {', '.join(map(str, n))}</x:Anchor>"

        text = re.sub(r"<x:Anchor>\s*([\d,\s]+?)</x:Anchor>", anchor, text)
        text = text.replace(f"<x:Row>{row}</x:Row>", f"<x:Row>{new_row}</x:Row>")
        return text.replace(f"<x:Column>{col}</x:Column>", f"<x:Column>{new_col}</x:Column>")

    return re.sub(r"<v:shape .*?</v:shape>", shape, vml, flags=re.S)


def _notes_from(w: _Work, src: Package, src_sheet: str, moves: dict[str, str]) -> None:
    """Transplant a corpus sheet's notes (comments part, VML, threaded comments) to the
    Milestones sheet, each note moved from its corpus cell to a Milestones cell."""
    sheet_part = src.sheet_part(src_sheet)
    t = w.transplant(src)
    vml_moves = {}
    for old, new in moves.items():
        (r0, c0), (r1, c1) = split_ref(old), split_ref(new)
        vml_moves[(r0 - 1, c0 - 1)] = (r1 - 1, c1 - 1)
    for rel in src.rels(sheet_part):
        kind = rel.type.rsplit("/", 1)[-1]
        if kind not in ("comments", "vmlDrawing", "threadedComment"):
            continue
        new = t.part(rel.target)
        data = w.pkg.parts[new].decode("utf-8")
        if kind == "vmlDrawing":
            data = _move_vml(data, vml_moves)
        else:
            data = re.sub(r'ref="([A-Z]+\d+)"',
                          lambda m: f'ref="{moves.get(m[1], m[1])}"', data)
        w.pkg.parts[new] = data.encode("utf-8")
        rid = w.ms_rel(rel.type, new)
        if kind == "vmlDrawing":
            w.ms_add(_r_el("legacyDrawing", rid))
    for rel in src.rels(src.workbook_part):
        if rel.type.endswith("/person"):
            t.workbook_part(rel.target, rel.type)
    t.finish()


# --------------------------------------------------------------------------- features


def _plain(w: _Work) -> str:
    return "nothing added: the plan with its problems, as a control"


def _chartsheet(w: _Work) -> str:
    t = w.transplant("xlsxwriter-chartsheet01.xlsx")
    t.sheet("Chart1", index=0)  # before Guide, so before where Summary goes
    t.sheet("Sheet1")  # the chart's data, after Lists
    t.finish()
    w.pkg.add_defined_name("ChartFirst", "Sheet1!$A$1:$C$1", local_sheet="Sheet1")
    w.pkg.add_defined_name("TeamLead", "Team!$A$2", local_sheet="Team")
    w.pkg.add_defined_name("Owners", "Team!$A$2:$A$4")
    return ("chart sheet 'Chart1' first (before Guide), its data sheet last; sheet-scoped "
            "names on Team and on the data sheet")


def _embedded_chart(w: _Work) -> str:
    t = w.transplant("xlsxwriter-chart_bar01.xlsx")
    t.sheet("Sheet1", index=w.index_of("Milestones") + 1, new_name="Dashboard")
    t.finish()
    return "user sheet 'Dashboard' with an embedded bar chart, right after Milestones"


def _image(w: _Work) -> str:
    src = w.src("xlsxwriter-image01.xlsx")
    t = w.transplant(src)
    drawing = t.part(src.related(src.sheet_part("Sheet1"), "drawing")[0])
    t.finish()
    guide_part = w.pkg.sheet_part("Guide")
    rid = w.pkg.add_rel(guide_part, RT + "drawing", drawing)
    guide = w.pkg.xml(guide_part)
    add_child(guide, _r_el("drawing", rid))
    w.pkg.put(guide_part, guide)
    return "a PNG logo in a drawing on the Guide sheet"


def _textbox(w: _Work) -> str:
    src = w.src("xlsxwriter-textbox01.xlsx")
    t = w.transplant(src)
    drawing = t.part(src.related(src.sheet_part("Sheet1"), "drawing")[0])
    t.finish()
    w.ms_add(_r_el("drawing", w.ms_rel(RT + "drawing", drawing)))
    return "a text box (drawing) on the Milestones sheet"


def _comment(w: _Work) -> str:
    _notes_from(w, w.src("xlsxwriter-comment01.xlsx"), "Sheet1", {"B2": NOTE_CELL})
    return f"the user's legacy note (author John) on Milestones!{NOTE_CELL}"


def _icon_set(w: _Work) -> str:
    src = w.src("xlsxwriter-cond_format17.xlsx")
    cf = copy.deepcopy(src.xml(src.sheet_part("Sheet1")).find(q(MAIN, "conditionalFormatting")))
    cf.set("sqref", "M2:M13")
    cf.find(q(MAIN, "cfRule")).set("priority", str(next_priority(w.ms)))
    w.ms_add(cf)
    return "classic 3Arrows icon set on Milestones % Complete (M2:M13)"


def _table_totals(w: _Work) -> str:
    t = w.transplant("xlsxwriter-table08.xlsx")
    t.sheet("Sheet1")
    t.calc_chain()
    t.finish()
    return "user sheet with a table with a totals row (SUBTOTAL formula, calcChain entry)"


def _macros(w: _Work) -> str:
    src = w.src("xlsxwriter-macro01.xlsm")
    t = w.transplant(src)
    vba = next(r for r in src.rels(src.workbook_part) if r.type.endswith("/vbaProject"))
    t.workbook_part(vba.target, vba.type)
    t.finish()
    w.pkg.set_content_type(w.pkg.workbook_part, XLSM_CT)
    wb = w.pkg.workbook()
    src_wb = src.workbook()
    wb.find(q(MAIN, "fileVersion")).set(
        "codeName", str(src_wb.find(q(MAIN, "fileVersion")).get("codeName")))
    wb.find(q(MAIN, "workbookPr")).set("codeName", "ThisWorkbook")
    w.pkg.put(w.pkg.workbook_part, wb)
    pr = w.ms.find(q(MAIN, "sheetPr"))
    if pr is None:
        pr = w.ms_add(main_el("sheetPr"))
    pr.set("codeName", "Sheet1")  # the module of vbaProject.bin's Sheet1
    return ".xlsm: vbaProject.bin, macroEnabled content type, codeName on workbook and Milestones"


def _hyperlinks(w: _Work) -> str:
    src = w.src("xlsxwriter-hyperlink03.xlsx")
    sheet1 = src.sheet_part("Sheet1")
    rels = {r.id: r for r in src.rels(sheet1)}
    links = main_el("hyperlinks")
    for i, link in enumerate(src.xml(sheet1).iter(q(MAIN, "hyperlink"))):
        rel = rels[str(link.get(q(R, "id")))]
        el = main_el("hyperlink", ref=f"B{8 + i}")
        el.set(q(R, "id"), w.ms_rel(rel.type, rel.target, external=True))
        links.append(el)
    w.ms_add(links)
    t = w.transplant(src)
    t.sheet("Sheet2")
    t.finish()
    return "external hyperlinks on Milestones B8:B12, and a user sheet with hyperlinks"


def _defined_names(w: _Work) -> str:
    t = w.transplant("xlsxwriter-defined_name01.xlsx")
    for name in ("Sheet1", "Sheet2", "Sheet 3"):
        t.sheet(name)
    t.defined_names()
    t.finish()
    w.pkg.add_defined_name("MilestoneNames", "Milestones!$B$2:$B$13")
    w.pkg.add_defined_name("Scoped", "Milestones!$I$2", local_sheet="Milestones")
    return ("three user sheets with global, sheet-scoped, constant, Print_Area and "
            "_FilterDatabase names; names on Milestones")


def _hidden(w: _Work) -> str:
    t = w.transplant("xlsxwriter-hide01.xlsx")
    at = w.index_of("Milestones") + 1
    for i, name in enumerate(("Sheet1", "Sheet2", "Sheet3")):
        t.sheet(name, index=at + i)
    t.finish()
    return "three user sheets after Milestones, the middle one hidden"


def _outline(w: _Work) -> str:
    t = w.transplant("xlsxwriter-outline01.xlsx")
    t.sheet("Outlined Rows")
    t.calc_chain()
    t.finish()
    fmt = w.ms.find(q(MAIN, "sheetFormatPr"))
    fmt.set("outlineLevelRow", "1")
    fmt.set("outlineLevelCol", "1")
    for col in w.ms.iter(q(MAIN, "col")):
        if col.get("min") == "4":  # Strategy and Tactic, grouped
            col.set("outlineLevel", "1")
    for r in (3, 4, 5):
        row = find_row(w.ms, r)
        assert row is not None
        row.set("outlineLevel", "1")
    return ("row grouping with SUBTOTAL rows on a user sheet; outline on Milestones "
            "(rows 3-5, columns D:E, outlineLevelRow/outlineLevelCol)")


def _print_settings(w: _Work) -> str:
    src = w.src("xlsxwriter-print_options01.xlsx")
    sheet1 = src.sheet_part("Sheet1")
    s = src.xml(sheet1)
    t = w.transplant(src)
    bin_part = t.part(src.related(sheet1, "printerSettings")[0])
    t.finish()
    for tag in ("printOptions", "pageMargins", "pageSetup"):
        new = copy.deepcopy(s.find(q(MAIN, tag)))
        if tag == "pageSetup":
            new.set(q(R, "id"), w.ms_rel(RT + "printerSettings", bin_part))
        w.ms_add(new, replace=True)
    return "Milestones print settings: gridlines, paper size, DPI, printerSettings1.bin"


def _header_footer(w: _Work) -> str:
    src = w.src("xlsxwriter-header01.xlsx")
    hf = src.xml(src.sheet_part("Sheet1")).find(q(MAIN, "headerFooter"))
    w.ms_add(copy.deepcopy(hf), replace=True)
    return "Milestones print header (headerFooter &L&P), in place of the template's footer"


def _sparklines(w: _Work) -> str:
    src = w.src("closedxml-sparkline-themes.xlsx")
    sheet = src.xml(src.sheet_part("Accent"))
    groups = copy.deepcopy(sheet.find(f".//{q(X14, 'sparklineGroups')}"))
    for sparkline in groups.iter(q(X14, "sparkline")):
        m = re.search(r"\d+$", sparkline.find(q(XM, "sqref")).text)
        assert m is not None
        row = int(m[0]) + 1
        sparkline.find(q(XM, "f")).text = f"Milestones!J{row}:K{row}"
        sparkline.find(q(XM, "sqref")).text = f"X{row}"
    w.ms = excel_2010_sheet(w.ms)
    set_cell(w.ms, "X1", "Spend trend", w.strings)
    add_ext(w.ms, "{05C60535-1F16-4fd2-B633-F4F36F0B64E0}", groups, WORKSHEET_ORDER,
            {"x14": X14})
    return "sparklines (x14 sparklineGroups) in a user column X of Milestones; x14ac rows"


def _data_bars(w: _Work) -> str:
    src = w.src("poi-NewStyleConditionalFormattings.xlsx")
    sheet = src.xml(src.sheet_part("CF"))
    cols = dict(zip("CDEFGHIJKLMNOPQRSTU", "JJKJKLLLLMMMMLMSSSS", strict=True))

    def move(text: str) -> str:
        return re.sub(r"\b([C-U])(\$?)(2|17|5)\b",
                      lambda m: cols[m[1]] + m[2] + {"2": "2", "17": "13", "5": "5"}[m[3]],
                      text)

    t = w.transplant(src)
    top = next_priority(w.ms) - 1
    for cf in sheet.findall(q(MAIN, "conditionalFormatting")):
        cf = copy.deepcopy(cf)
        cf.set("sqref", move(str(cf.get("sqref"))))
        for rule in cf.iter(q(MAIN, "cfRule")):
            rule.set("priority", str(int(rule.get("priority")) + top))
            if rule.get("dxfId") is not None:
                rule.set("dxfId", str(t.styles.dxf(int(rule.get("dxfId")))))
            for f in rule.iter(q(MAIN, "formula")):
                f.text = move(f.text)
        for cfvo in cf.iter(q(MAIN, "cfvo")):
            if cfvo.get("val"):
                cfvo.set("val", move(str(cfvo.get("val"))))
        w.ms_add(cf)
    t.finish()
    x14_cf = copy.deepcopy(sheet.find(f".//{q(X14, 'conditionalFormattings')}"))
    for sqref in x14_cf.iter(q(XM, "sqref")):
        sqref.text = move(sqref.text)
    for rule in x14_cf.iter(q(X14, "cfRule")):
        if rule.get("priority"):
            rule.set("priority", str(int(rule.get("priority")) + top))
    w.ms = excel_2010_sheet(w.ms)
    add_ext(w.ms, "{78C0D931-6437-407d-A8EE-F0AAD7539E65}", x14_cf, WORKSHEET_ORDER,
            {"x14": X14})
    return ("data bars with x14 twins, colour scales, icon sets incl. x14-only 3Stars and a "
            "custom x14 icon set, dxf rules, on Milestones money/effort/% columns")


def _threaded(w: _Work) -> str:
    src = w.src("poi-64759-threaded-comment.xlsx")
    _notes_from(w, src, "File", {"C2": BAD_DUE, "B3": NOTE_CELL})
    w.transplant(src).excel_2013_workbook()
    return (f"threaded comment (Excel 365) on the bad Due Milestones!{BAD_DUE}, a legacy note "
            f"on {NOTE_CELL}, persons part, Excel 2016 workbook.xml (absPath, revisionPtr)")


def _pivot(w: _Work) -> str:
    src = w.src("poi-54436-pivot.xlsx")
    t = w.transplant(src)
    t.sheet("Sheet1")
    wb = src.workbook()
    cache = wb.find(f"{q(MAIN, 'pivotCaches')}/{q(MAIN, 'pivotCache')}")
    cache_rel = next(r for r in src.rels(src.workbook_part) if r.id == cache.get(q(R, "id")))
    rid = t.workbook_part(cache_rel.target, cache_rel.type)
    t.calc_chain()
    t.finish()
    root = w.pkg.workbook()
    caches = insert_ordered(root, main_el("pivotCaches"), WORKBOOK_ORDER)
    el = etree.SubElement(caches, q(MAIN, "pivotCache"), cacheId=str(cache.get("cacheId")))
    el.set(q(R, "id"), rid)
    w.pkg.put(w.pkg.workbook_part, root)
    return "user sheet with a pivot table, its cache definition and records (Excel 2010)"


def _slicer(w: _Work) -> str:
    src = w.src("openxlsx-data-table_slicer.xlsx")
    sheet1 = src.sheet_part("Sheet 1")
    rels = {r.type.rsplit("/", 1)[-1]: r for r in src.rels(sheet1)}
    t = w.transplant(src)
    drawing = t.part(rels["drawing"].target)
    slicer = t.part(rels["slicer"].target)
    cache_rel = next(r for r in src.rels(src.workbook_part) if r.type.endswith("/slicerCache"))
    cache_rid = t.workbook_part(cache_rel.target, cache_rel.type)
    cache = t.copied[cache_rel.target]
    t.finish()
    ms_table = w.pkg.xml(w.pkg.related(w.ms_part, "table")[0])
    status = next(c for c in ms_table.iter(q(MAIN, "tableColumn")) if c.get("name") == "Status")
    for part, pairs in (
            (drawing, [('name="cyl"', 'name="Status"')]),
            (slicer, [('name="cyl"', 'name="Status"'), ('"Slicer_cyl"', '"Slicer_Status"'),
                      ('caption="cyl"', 'caption="Status"')]),
            (cache, [('"Slicer_cyl"', '"Slicer_Status"'), ('sourceName="cyl"',
                                                           'sourceName="Status"'),
                     ('tableId="1"', f'tableId="{ms_table.get("id")}"'),
                     ('column="2"', f'column="{status.get("id")}"')])):
        text = w.pkg.parts[part].decode("utf-8")
        for old, new in pairs:
            assert old in text, (part, old)
            text = text.replace(old, new)
        w.pkg.parts[part] = text.encode("utf-8")
    w.ms_add(_r_el("drawing", w.ms_rel(RT + "drawing", drawing)))
    slicer_rid = w.ms_rel(rels["slicer"].type, slicer)
    w.ms = excel_2010_sheet(w.ms)
    slicer_list = etree.Element(q(X14, "slicerList"), nsmap={"x14": X14})
    etree.SubElement(slicer_list, q(X14, "slicer")).set(q(R, "id"), slicer_rid)
    add_ext(w.ms, "{3A4CF648-6AED-40f4-86FF-DC5316D8AED3}", slicer_list, WORKSHEET_ORDER,
            {"x15": X15})
    w.pkg.add_defined_name("Slicer_Status", "#N/A")
    w.transplant(src).excel_2013_workbook()
    root = w.pkg.workbook()
    caches = etree.Element(q(X15, "slicerCaches"), nsmap={"x14": X14})
    etree.SubElement(caches, q(X14, "slicerCache")).set(q(R, "id"), cache_rid)
    add_ext(root, "{46BE6895-7355-4a93-B00E-2C351335B9C9}", caches, WORKBOOK_ORDER,
            {"x15": X15})
    w.pkg.put(w.pkg.workbook_part, root)
    return ("table slicer on the Milestones table's Status column: slicerCache, slicer, "
            "slicer drawing with fallback shape (mc:AlternateContent), x14/x15 extLst entries")


def _timeline(w: _Work) -> str:
    src = w.src("openxlsx-data-timeline.xlsx")
    t = w.transplant(src)
    t.sheet("Sheet 1")
    t.sheet("Sheet 2")
    wb = src.workbook()
    rels = {r.id: r for r in src.rels(src.workbook_part)}
    cache = wb.find(f"{q(MAIN, 'pivotCaches')}/{q(MAIN, 'pivotCache')}")
    cache_rid = t.workbook_part(rels[cache.get(q(R, "id"))].target, RT + "pivotCacheDefinition")
    timeline_rel = next(r for r in rels.values() if r.type.endswith("/timelineCache"))
    timeline_rid = t.workbook_part(timeline_rel.target, timeline_rel.type)
    t.defined_names()
    t.finish()
    tl_cache = t.copied[timeline_rel.target]
    old_tab = next(s.sheet_id for s in src.sheets() if s.name == "Sheet 2")
    text = w.pkg.parts[tl_cache].decode("utf-8")
    text = text.replace(f'tabId="{old_tab}"', f'tabId="{t.sheet_ids[old_tab]}"')
    w.pkg.parts[tl_cache] = text.encode("utf-8")
    w.transplant(src).excel_2013_workbook()
    root = w.pkg.workbook()
    caches = insert_ordered(root, main_el("pivotCaches"), WORKBOOK_ORDER)
    el = etree.SubElement(caches, q(MAIN, "pivotCache"), cacheId=str(cache.get("cacheId")))
    el.set(q(R, "id"), cache_rid)
    refs = etree.Element(q(X15, "timelineCacheRefs"), nsmap={"x15": X15})
    etree.SubElement(refs, q(X15, "timelineCacheRef")).set(q(R, "id"), timeline_rid)
    add_ext(root, "{D0CA8CA8-9F24-4464-BF8E-62219DCF47F9}", refs, WORKBOOK_ORDER,
            {"x15": X15})
    w.pkg.put(w.pkg.workbook_part, root)
    return "two user sheets: data, and a pivot table with a timeline (timelineCache, timeline)"


def _external_link(w: _Work) -> str:
    src = w.src("poi-63934-external-link.xlsx")
    t = w.transplant(src)
    t.sheet("Sheet1")
    t.sheet("Sheet2")
    link = next(r for r in src.rels(src.workbook_part) if r.type.endswith("/externalLink"))
    rid = t.workbook_part(link.target, link.type)
    t.defined_names()
    t.calc_chain()
    t.finish()
    w.transplant(src).excel_2013_workbook()
    root = w.pkg.workbook()
    refs = insert_ordered(root, main_el("externalReferences"), WORKBOOK_ORDER)
    etree.SubElement(refs, q(MAIN, "externalReference")).set(q(R, "id"), rid)
    w.pkg.put(w.pkg.workbook_part, root)
    return ("external link to a budget workbook (externalLink part, externalLinkPath, name "
            "[1]Inputs!$E$13) and two user sheets with tables")


def _x14_validation(w: _Work) -> str:
    src = w.src("poi-61652-x14-validation.xlsx")
    t = w.transplant(src)
    for name in ("IRPPCalc", "Model"):
        t.sheet(name)
    t.defined_names()
    t.calc_chain()
    t.finish()
    sheet = src.xml(src.sheet_part("IRPPCalc"))
    dvs = copy.deepcopy(sheet.find(f".//{q(X14, 'dataValidations')}"))
    dvs.find(f".//{q(XM, 'f')}").text = "Team!$A$2:$A$20"
    dvs.find(f".//{q(XM, 'sqref')}").text = "Y2:Y13"
    w.ms = excel_2010_sheet(w.ms)
    set_cell(w.ms, "Y1", "Reviewer", w.strings)
    add_ext(w.ms, "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}", dvs, WORKSHEET_ORDER,
            {"x14": X14})
    return ("x14 list validation from the Team sheet in a user column Y of Milestones; the "
            "corpus' two sheets (25 names, many styles) as user sheets")


def _number_formats(w: _Work) -> str:
    t = w.transplant("poi-FormatKM.xlsx")
    t.sheet("Sheet1")
    t.calc_chain()
    km = t.styles.add_num_fmt('[>999999]#,,"M";[>999]#,"K";#')
    restyled: dict[int, int] = {}
    for r in range(2, 14):
        cell = find_cell(w.ms, f"J{r}", create=False)
        if cell is None or cell.get("s") is None:
            continue
        s = int(cell.get("s"))
        if s not in restyled:
            restyled[s] = t.styles.derived_xf(s, numFmtId=str(km), applyNumberFormat="1")
        cell.set("s", str(restyled[s]))
    t.finish()
    return ("custom number formats (thousands/millions) on a user sheet and on Milestones "
            "Budget cells")


def _date1904(w: _Work) -> str:
    root = w.pkg.workbook()
    root.find(q(MAIN, "workbookPr")).set("date1904", "1")
    w.pkg.put(w.pkg.workbook_part, root)
    styles = StyleMerger(w.pkg, w.pkg)
    dates = styles.date_xfs()
    date_style = next(iter(sorted(dates)))
    for sheet in w.pkg.sheets():
        xml = w.ms if sheet.part == w.ms_part else w.pkg.xml(sheet.part)
        _shift_dates(xml, dates)
        if sheet.part != w.ms_part:
            w.pkg.put(sheet.part, xml)
    set_cell(w.ms, "X1", "Review by", w.strings)
    for r in range(2, 14):
        due = cell_value(w.ms, f"I{r}")
        cell = find_cell(w.ms, f"I{r}", create=False)
        if due is not None and cell is not None and cell.get("t") is None:
            set_cell(w.ms, f"X{r}", int(due) + 7, style=date_style, formula=f"I{r}+7")
        else:
            set_cell(w.ms, f"X{r}", "#VALUE!", style=date_style, formula=f"I{r}+7")
    return ("1904 date system (workbookPr date1904), every date shifted; a user formula "
            "column X (Due + 7) with cached 1904 serials")


def _shift_dates(sheet: Element, date_xfs: set[int]) -> None:
    for cell in sheet.iter(q(MAIN, "c")):
        v = cell.find(q(MAIN, "v"))
        if (v is not None and cell.get("t") in (None, "n") and cell.get("s") is not None
                and int(cell.get("s")) in date_xfs):
            v.text = str(int(float(v.text)) - EPOCH_1904_SHIFT)
    for dv in sheet.iter(q(MAIN, "dataValidation")):
        if dv.get("type") == "date":
            for f in dv:
                if f.text and f.text.isdigit():
                    f.text = str(int(f.text) - EPOCH_1904_SHIFT)


# name -> (corpus file, builder)
FEATURES: dict[str, tuple[str | None, Callable[[_Work], str]]] = {
    "plain": (None, _plain),
    "chartsheet": ("xlsxwriter-chartsheet01.xlsx", _chartsheet),
    "embedded-chart": ("xlsxwriter-chart_bar01.xlsx", _embedded_chart),
    "image": ("xlsxwriter-image01.xlsx", _image),
    "textbox": ("xlsxwriter-textbox01.xlsx", _textbox),
    "note": ("xlsxwriter-comment01.xlsx", _comment),
    "icon-set": ("xlsxwriter-cond_format17.xlsx", _icon_set),
    "table-totals": ("xlsxwriter-table08.xlsx", _table_totals),
    "xlsm": ("xlsxwriter-macro01.xlsm", _macros),
    "hyperlinks": ("xlsxwriter-hyperlink03.xlsx", _hyperlinks),
    "defined-names": ("xlsxwriter-defined_name01.xlsx", _defined_names),
    "hidden-sheet": ("xlsxwriter-hide01.xlsx", _hidden),
    "outline": ("xlsxwriter-outline01.xlsx", _outline),
    "print-settings": ("xlsxwriter-print_options01.xlsx", _print_settings),
    "header-footer": ("xlsxwriter-header01.xlsx", _header_footer),
    "sparklines": ("closedxml-sparkline-themes.xlsx", _sparklines),
    "data-bars": ("poi-NewStyleConditionalFormattings.xlsx", _data_bars),
    "threaded-comment": ("poi-64759-threaded-comment.xlsx", _threaded),
    "pivot": ("poi-54436-pivot.xlsx", _pivot),
    "slicer": ("openxlsx-data-table_slicer.xlsx", _slicer),
    "timeline": ("openxlsx-data-timeline.xlsx", _timeline),
    "external-link": ("poi-63934-external-link.xlsx", _external_link),
    "x14-validation": ("poi-61652-x14-validation.xlsx", _x14_validation),
    "number-formats": ("poi-FormatKM.xlsx", _number_formats),
    "date1904": (None, _date1904),
}


def build(name: str, out_dir: Path, corpus: Path) -> EnrichedPlan:
    """Write the plan enriched with feature `name` into `out_dir`."""
    source, builder = FEATURES[name]
    suffix = ".xlsm" if name == "xlsm" else ".xlsx"
    path = out_dir / f"{name}{suffix}"
    base_plan(path)
    pkg = Package.read(path)
    ms_part = pkg.sheet_part("Milestones")
    w = _Work(pkg, corpus, SharedStrings(pkg), ms_part, pkg.xml(ms_part))
    what = builder(w)
    w.save_milestones()
    w.strings.flush()
    pkg.write(path)
    return EnrichedPlan(name, path, source, what)


def build_all(out_dir: Path, corpus: Path, names: Iterable[str] = FEATURES) -> dict[
        str, EnrichedPlan]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return {name: build(name, out_dir, corpus) for name in names}


# --------------------------------------------------------------------------- reading back


def canon(el: Element, rels: dict[str, str] | None = None) -> bytes:
    """Canonical XML (exclusive c14n) of an element, relationship ids replaced by what they
    point to (`rels`: id -> description), since a patched part may number them anew."""
    el = copy.deepcopy(el)
    if rels:
        for node in el.iter():
            for attr, value in node.attrib.items():
                if attr.startswith(f"{{{R}}}") and value in rels:
                    node.set(attr, rels[value])
    return bytes(etree.tostring(el, method="c14n", exclusive=True, with_comments=False))


@dataclass(frozen=True)
class Note:
    """A legacy note (comment) of a cell."""

    author: str
    text: bytes  # canonical <text>, formatted runs included
    plain: str


def notes(pkg: Package, sheet_part: str) -> dict[str, Note]:
    """The legacy notes of a sheet, by cell."""
    parts = pkg.related(sheet_part, "comments")
    if not parts:
        return {}
    root = pkg.xml(parts[0])
    authors = [a.text or "" for a in root.iter(q(MAIN, "author"))]
    out = {}
    for c in root.iter(q(MAIN, "comment")):
        text = c.find(q(MAIN, "text"))
        out[str(c.get("ref"))] = Note(authors[int(c.get("authorId"))], canon(text),
                                      plain_text(text))
    return out


VML = "urn:schemas-microsoft-com:vml"
VML_EXCEL = "urn:schemas-microsoft-com:office:excel"


def vml_boxes(pkg: Package, sheet_part: str) -> dict[str, list[bytes]]:
    """The VML boxes of a sheet's notes (canonical v:shape), by the cell they belong to."""
    parts = pkg.related(sheet_part, "vmlDrawing")
    if not parts:
        return {}
    # VML from old Excel versions is not always well-formed XML
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(pkg.parts[parts[0]], parser)
    out: dict[str, list[bytes]] = {}
    for shape in root.iter(q(VML, "shape")):
        data = shape.find(q(VML_EXCEL, "ClientData"))
        if data is None or data.get("ObjectType") != "Note":
            continue
        row = int(str(data.findtext(q(VML_EXCEL, "Row"))))
        col = int(str(data.findtext(q(VML_EXCEL, "Column"))))
        out.setdefault(f"{col_letter(col + 1)}{row + 1}", []).append(canon(shape))
    return out


def threaded_refs(pkg: Package, sheet_part: str) -> list[str]:
    """Cells of a sheet that hold a threaded comment (Excel 365)."""
    return sorted(str(t.get("ref")) for part in pkg.related(sheet_part, "threadedComment")
                  for t in pkg.xml(part).iter(q(TC, "threadedComment")))

"""The style sheet (xl/styles.xml), append-only: new fonts, fills, borders, number formats,
cell formats and dxfs go after the existing ones, so no index a cell uses ever moves.

An entry equal to one already there (the same canonical XML) is reused, so refreshing
again adds nothing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from milestone_sheets.errors import PackageError
from milestone_sheets.xlsx.opc import NS_MAIN, parse_xml, serialize_xml

_M = f"{{{NS_MAIN}}}"
STYLES = "xl/styles.xml"
_NSMAP = {None: NS_MAIN}
# CT_Stylesheet child order (ECMA-376 18.8.39), for inserting a missing collection.
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
          "dxfs", "tableStyles", "colors", "extLst")
# CT_Font child order, for putting a colour into a copied font.
_FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign",
               "sz", "color", "name", "family", "charset", "scheme")
# Built-in number formats msheets uses (ECMA-376 18.8.30).
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9,
                   "0.00%": 10}


Key = tuple[str, tuple[tuple[str, str], ...], str, tuple[object, ...]]


def _key(el: etree._Element) -> Key:
    """What makes two entries the same: names, attributes, text and children (not the
    namespace prefixes or the order of attributes)."""
    return (str(el.tag), tuple(sorted((str(k), str(v)) for k, v in el.attrib.items())),
            (el.text or "").strip(),
            tuple(_key(c) for c in el if isinstance(c.tag, str)))


@dataclass(frozen=True)
class CellStyle:
    """What msheets sets on a managed cell: a font colour, a solid fill, a number format,
    bold (None leaves that aspect as the base style has it)."""

    font_colour: str | None = None  # RRGGBB
    bold: bool | None = None
    fill: str | None = None  # RRGGBB, solid
    number_format: str | None = None


class StyleSheet:
    """xl/styles.xml opened for appending."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.root = parse_xml(data, STYLES)
        self.changed = False
        self._index: dict[tuple[str, Key], int] = {}
        self._indexed: set[str] = set()
        self._derived: dict[tuple[int, CellStyle], int] = {}

    # ---------------------------------------------------------------- collections

    def collection(self, name: str) -> etree._Element:
        el = self.root.find(_M + name)
        if el is None:
            el = etree.Element(_M + name, nsmap=_NSMAP)
            el.set("count", "0")
            after = _ORDER.index(name)
            for i, child in enumerate(self.root):
                tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
                if tag in _ORDER and _ORDER.index(tag) > after:
                    self.root.insert(i, el)
                    break
            else:
                self.root.append(el)
        return el

    def items(self, name: str) -> list[etree._Element]:
        el = self.root.find(_M + name)
        return [] if el is None else [c for c in el if isinstance(c.tag, str)]

    def add(self, name: str, item: etree._Element) -> int:
        """Index of `item` in collection `name`: an equal existing one, else appended."""
        key = (name, _key(item))
        if name not in self._indexed:
            self._indexed.add(name)
            for i, existing in enumerate(self.items(name)):
                self._index.setdefault((name, _key(existing)), i)
        found = self._index.get(key)
        if found is not None:
            return found
        coll = self.collection(name)
        coll.append(item)
        n = len([c for c in coll if isinstance(c.tag, str)])
        coll.set("count", str(n))
        self._index[key] = n - 1
        self.changed = True
        return n - 1

    # ---------------------------------------------------------------- number formats

    def number_format_id(self, code: str) -> int:
        if code in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[code]
        existing = self.items("numFmts")
        for el in existing:
            if el.get("formatCode") == code:
                return number(el, "numFmtId")
        new_id = max([163, *(number(el, "numFmtId") for el in existing)]) + 1
        el = etree.Element(_M + "numFmt", nsmap=_NSMAP)
        el.set("numFmtId", str(new_id))
        el.set("formatCode", code)
        coll = self.collection("numFmts")
        coll.append(el)
        coll.set("count", str(len(self.items("numFmts"))))
        self.changed = True
        return new_id

    # ---------------------------------------------------------------- cell formats

    def derive(self, base: int, style: CellStyle) -> int:
        """A cell format like `base` (the cell's own: borders, alignment ... kept) with
        msheets' font colour, fill and number format."""
        cached = self._derived.get((base, style))
        if cached is not None:
            return cached
        xfs = self.items("cellXfs")
        xf = (copy.deepcopy(xfs[base]) if 0 <= base < len(xfs)
              else etree.Element(_M + "xf", nsmap=_NSMAP))
        for attr, default in (("numFmtId", "0"), ("fontId", "0"), ("fillId", "0"),
                              ("borderId", "0")):
            xf.set(attr, xf.get(attr, default))
        if "xfId" not in xf.attrib:
            xf.set("xfId", "0")
        if style.font_colour is not None or style.bold is not None:
            fonts = self.items("fonts")
            font_id = number(xf, "fontId")
            font = (copy.deepcopy(fonts[font_id]) if font_id < len(fonts)
                    else etree.Element(_M + "font", nsmap=_NSMAP))
            if style.font_colour is not None:
                _set_font_child(font, "color", rgb="FF" + style.font_colour)
            if style.bold is not None:
                _set_font_child(font, "b", on=style.bold)
            xf.set("fontId", str(self.add("fonts", font)))
            xf.set("applyFont", "1")
        if style.fill is not None:
            xf.set("fillId", str(self.add("fills", solid_fill(style.fill))))
            xf.set("applyFill", "1")
        if style.number_format is not None:
            xf.set("numFmtId", str(self.number_format_id(style.number_format)))
            xf.set("applyNumberFormat", "1")
        index = self.add("cellXfs", xf)
        self._derived[(base, style)] = index
        return index

    def to_bytes(self) -> bytes:
        return serialize_xml(self.root) if self.changed else self._data


def number(el: etree._Element, attr: str) -> int:
    """An index attribute of a style entry (0 when absent; PackageError when it is not a
    number: the style sheet is not as Excel writes it)."""
    text = el.get(attr, "0")
    try:
        return int(text)
    except ValueError:
        raise PackageError(f"part {STYLES} has a {etree.QName(el).localname} whose {attr} "
                           f"is not a number: {text!r}") from None


def solid_fill(rgb: str) -> etree._Element:
    fill = etree.Element(_M + "fill", nsmap=_NSMAP)
    pattern = etree.SubElement(fill, _M + "patternFill")
    pattern.set("patternType", "solid")
    etree.SubElement(pattern, _M + "fgColor").set("rgb", "FF" + rgb)
    etree.SubElement(pattern, _M + "bgColor").set("indexed", "64")
    return fill


def _set_font_child(font: etree._Element, tag: str, rgb: str | None = None,
                    on: bool = True) -> None:
    old = font.find(_M + tag)
    if old is not None:
        font.remove(old)
    if not on:
        return
    el = etree.Element(_M + tag, nsmap=_NSMAP)
    if rgb is not None:
        el.set("rgb", rgb)
    rank = _FONT_ORDER.index(tag)
    for i, child in enumerate(font):
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if name in _FONT_ORDER and _FONT_ORDER.index(name) > rank:
            font.insert(i, el)
            return
    font.append(el)

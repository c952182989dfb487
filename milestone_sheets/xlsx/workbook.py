"""xl/workbook.xml as msheets edits it: the sheet list, defined names and the active tab.

Sheets are numbered by their position in <sheets>, chart sheets counted, as Excel does for
`localSheetId` and `activeTab`; inserting a sheet renumbers every later one.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from milestone_sheets.errors import PackageError
from milestone_sheets.xlsx.opc import NS_MAIN, NS_REL, Package, parse_xml, serialize_xml

_M = f"{{{NS_MAIN}}}"
_NSMAP = {None: NS_MAIN}
_RID = f"{{{NS_REL}}}id"
WORKBOOK = "xl/workbook.xml"
# CT_Workbook child order, for inserting <definedNames> when there is none.
_AFTER_DEFINED_NAMES = ("calcPr", "oleSize", "customWorkbookViews", "pivotCaches",
                        "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr",
                        "webPublishObjects", "extLst")


@dataclass
class SheetEntry:
    """One <sheet> of the workbook, with the part it points to."""

    title: str
    element: etree._Element
    part: str | None
    kind: str  # worksheet, chartsheet, dialogsheet ...
    original_index: int | None  # position before msheets' edits; None for a new sheet


class WorkbookPart:
    """The workbook's sheet list and defined names, opened for editing."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.root = parse_xml(pkg.part(WORKBOOK), WORKBOOK)
        self.rels = pkg.rels(WORKBOOK)
        self.changed = False
        pr = self.root.find(_M + "workbookPr")
        self.date_1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        self._sheets_el = self.root.find(_M + "sheets")
        if self._sheets_el is None:
            raise PackageError(f"part {WORKBOOK} has no sheet list")
        self.sheets: list[SheetEntry] = []
        for i, el in enumerate(self._sheets_el.findall(_M + "sheet")):
            rel = self.rels.by_id(el.get(_RID, ""))
            part = self.rels.target_part(rel) if rel and not rel.external else None
            self.sheets.append(SheetEntry(el.get("name", ""), el, part,
                                          rel.kind if rel else "", i))
        self._new_names: list[tuple[etree._Element, str]] = []

    def index(self, title: str) -> int:
        return next(i for i, s in enumerate(self.sheets) if s.title == title)

    def sheet(self, title: str) -> SheetEntry | None:
        return next((s for s in self.sheets if s.title == title), None)

    def worksheet_part(self, title: str) -> str:
        """The part of worksheet `title`, which the package must have (PackageError when the
        workbook lists no such worksheet or its relationship names no part there is)."""
        entry = self.sheet(title)
        if entry is None or entry.part is None or entry.kind != "worksheet":
            raise PackageError(f"part {WORKBOOK} lists no worksheet part for sheet {title!r}")
        if entry.part not in self.pkg:
            raise PackageError(f"part {entry.part} of sheet {title!r} is missing")
        return entry.part

    # ---------------------------------------------------------------- sheets

    def point_sheet_to(self, title: str, part: str) -> None:
        """Make an existing sheet use another worksheet part (same tab, id and position)."""
        entry = self.sheet(title)
        assert entry is not None
        rel = self.rels.by_id(entry.element.get(_RID, ""))
        assert rel is not None
        rel.target = self.rels.relative(part)
        entry.part = part
        self.changed = True

    def insert_sheet(self, title: str, part: str, position: int) -> None:
        """A new worksheet tab at `position` (0 = first)."""
        rel = self.rels.add("worksheet", part)
        el = etree.Element(_M + "sheet", nsmap=_NSMAP)
        el.set("name", title)
        ids = [_number(s.element.get("sheetId", "0"), "sheetId") for s in self.sheets]
        el.set("sheetId", str(max(ids, default=0) + 1))
        el.set(_RID, rel.id)
        position = max(0, min(position, len(self.sheets)))
        if position < len(self.sheets):
            self.sheets[position].element.addprevious(el)
        else:
            self._sheets_el.append(el)
        self.sheets.insert(position, SheetEntry(title, el, part, "worksheet", None))
        self.changed = True

    # ---------------------------------------------------------------- defined names

    def drop_names_of(self, title: str) -> None:
        """Remove the defined names scoped to sheet `title` (msheets rebuilds that sheet)."""
        entry = self.sheet(title)
        names = self.root.find(_M + "definedNames")
        if entry is None or entry.original_index is None or names is None:
            return
        for el in list(names):
            if el.get("localSheetId") == str(entry.original_index):
                names.remove(el)
                self.changed = True

    def add_name(self, element: etree._Element, scope: str | None) -> None:
        """A defined name to add, scoped to sheet `scope` (its localSheetId set on saving)."""
        self._new_names.append((copy.deepcopy(element), scope or ""))
        self.changed = True

    def _defined_names(self) -> etree._Element:
        names = self.root.find(_M + "definedNames")
        if names is None:
            names = etree.Element(_M + "definedNames", nsmap=_NSMAP)
            for child in self.root:
                if isinstance(child.tag, str) and etree.QName(child).localname in \
                        _AFTER_DEFINED_NAMES:
                    child.addprevious(names)
                    break
            else:
                self.root.append(names)
        return names

    # ---------------------------------------------------------------- saving

    def save(self) -> None:
        if not self.changed:
            return
        moved = {s.original_index: i for i, s in enumerate(self.sheets)
                 if s.original_index is not None}
        if any(old != new for old, new in moved.items()):
            for el in self.root.iter(_M + "definedName"):
                old = el.get("localSheetId")
                if old is not None and old.isdigit() and int(old) in moved:
                    el.set("localSheetId", str(moved[int(old)]))
            for view in self.root.iter(_M + "workbookView"):
                for attr in ("activeTab", "firstSheet"):
                    old = view.get(attr)
                    if old is not None and old.isdigit() and int(old) in moved:
                        view.set(attr, str(moved[int(old)]))
        if self._new_names:
            names = self._defined_names()
            for el, scope in self._new_names:
                if scope:
                    el.set("localSheetId", str(self.index(scope)))
                names.append(el)
            self._new_names = []
        self.pkg.put(WORKBOOK, serialize_xml(self.root))
        self.pkg.save_rels(WORKBOOK)
        self.changed = False


def _number(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise PackageError(f"part {WORKBOOK} has a {what} that is not a number: "
                           f"{text!r}") from None


def update_app_titles(pkg: Package, worksheet_titles: list[str]) -> None:
    """docProps/app.xml's list of worksheet titles, when it has one msheets can recognise."""
    name = "docProps/app.xml"
    data = pkg.get(name)
    if data is None:
        return
    root = parse_xml(data, name)
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    ep = root.nsmap.get(None, "")
    pairs = root.find(f"{{{ep}}}HeadingPairs/{{{vt}}}vector")
    titles = root.find(f"{{{ep}}}TitlesOfParts/{{{vt}}}vector")
    if pairs is None or titles is None:
        return
    variants = list(pairs)
    groups: list[tuple[etree._Element, int]] = []
    for i in range(0, len(variants) - 1, 2):
        label, count = variants[i].find(f"{{{vt}}}lpstr"), variants[i + 1].find(f"{{{vt}}}i4")
        if label is None or count is None or not (count.text or "").strip().isdigit():
            return
        groups.append((count, int((count.text or "0").strip())))
    entries = list(titles)
    if sum(n for _, n in groups) != len(entries):
        return
    wanted = set(worksheet_titles)
    start = 0
    for count_el, n in groups:
        names = [e.text or "" for e in entries[start:start + n]]
        if names and sum(x in wanted for x in names) * 2 > len(names):
            if names == worksheet_titles:
                return
            for e in entries[start:start + n]:
                titles.remove(e)
            anchor = start
            for k, title in enumerate(worksheet_titles):
                e = etree.Element(f"{{{vt}}}lpstr")
                e.text = title
                titles.insert(anchor + k, e)
            count_el.text = str(len(worksheet_titles))
            titles.set("size", str(len(titles)))
            pkg.put(name, serialize_xml(root))
            return
        start += n

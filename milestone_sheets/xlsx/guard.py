"""The xlsx package (a zip) before any parser sees it: safety checks and parts.

Files travel by e-mail; this module refuses what no real plan looks like
(zip bombs, XML with DTDs, absurd sheet dimensions, encrypted or legacy
workbooks; macro workbooks are read, their macros never run) and finds what a
rewrite would lose.
"""

from __future__ import annotations

import functools
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET

from milestone_sheets import i18n
from milestone_sheets.errors import PlanError, RefusedError
from milestone_sheets.xlsx.opc import parse_rels, rels_name

MAX_PARTS = 5_000
MAX_PART_BYTES = 600 * 1024**2
MAX_TOTAL_BYTES = 1536 * 1024**2
MAX_RATIO = 400  # uncompressed / compressed, for parts above RATIO_MIN_BYTES
RATIO_MIN_BYTES = 20 * 1024**2
MAX_CELLS = 40_000_000  # rows x columns a sheet may claim
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class SheetPart:
    """A sheet of the package: its title and the XML part that holds it."""

    title: str
    part: str  # e.g. xl/worksheets/sheet1.xml
    state: str = "visible"


@dataclass
class Package:
    """What the package check learned about the file."""

    path: Path
    sheets: list[SheetPart] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    # sheet part -> (cells holding a formula, those without a computed value)
    formulas: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    # whether any cell text has formatted runs (bold words ...), in a sheet or shared string
    rich_text: bool = False
    date_1904: bool = False  # the workbook counts serial dates from 1904 (old Mac Excel)

    def part_of(self, title: str) -> str | None:
        for s in self.sheets:
            if s.title == title:
                return s.part
        return None


def _fail(path: Path, what: str, todo: str) -> PlanError:
    return PlanError(f"{path.name}: {what}. {todo}")


def open_in(path: Path) -> tuple[str, str] | None:
    """(lock file, program) when Excel (~$name) or LibreOffice (.~lock.name#) has the file
    open (or left its lock file behind), else None."""
    for lock, app in ((f"~${path.name}", "Excel"), (f".~lock.{path.name}#", "LibreOffice")):
        if (path.parent / lock).exists():
            return lock, app
    return None


def check_lock_files(path: Path, lang: str = "en") -> None:
    """Refuse while Excel or LibreOffice has the file open, saying (in `lang`, the plan's
    language) what to do when the program crashed and left its lock file behind."""
    found = open_in(path)
    if found is None:
        return
    lock, app = found
    values = {"name": path.name, "app": app, "lock": lock, "folder": path.parent.resolve()}
    raise RefusedError(" ".join(i18n.say(key, lang, **values) for key in
                                ("lock_open", "lock_close", "lock_crashed")), lang=lang)


def open_package(path: Path) -> Package:
    """Check that `path` is a readable, plausible xlsx workbook and list its sheets."""
    path = Path(path)
    if not path.exists():
        raise PlanError(f"{path}: no such file. Check the path.")
    if path.is_dir():
        raise PlanError(f"{path}: is a folder, not a workbook. Give the path of an .xlsx file.")
    if not os.access(path, os.R_OK):
        raise _fail(path, "cannot be read (permission denied)", "Check the file's permissions.")
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror})", "Check the file.") from None
    if not head:
        raise _fail(path, "is empty (0 bytes)", "Save the plan again from Excel or LibreOffice, "
                    "or make a new one with `msheets new`.")
    if head == OLE_MAGIC:
        raise _fail(path, "is password-protected or an old-style .xls workbook",
                    "Remove the password (or Save As .xlsx) in Excel or LibreOffice, then retry.")
    if not zipfile.is_zipfile(path):
        raise _fail(path, "is not an xlsx workbook", "Save it as Excel Workbook (.xlsx).")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _fail(path, f"is a damaged zip/xlsx file ({exc})",
                    "Restore it from a backup.") from None
    with zf:
        return _inspect(path, zf)


def _inspect(path: Path, zf: zipfile.ZipFile) -> Package:
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if "mimetype" in names and "content.xml" in names:
        raise _fail(path, "is an OpenDocument spreadsheet (.ods)",
                    "Open it in LibreOffice and Save As Excel 2007-365 (.xlsx).")
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise _fail(path, "is password-protected", "Remove the password, then retry.")
    if "xl/workbook.xml" not in names and "xl/workbook.bin" in names:
        raise _fail(path, "is a binary workbook (.xlsb)", "Save it as Excel Workbook (.xlsx).")
    if "xl/workbook.xml" not in names:
        raise _fail(path, "is a zip file but not an xlsx workbook (no xl/workbook.xml)",
                    "Give the path of an .xlsx plan.")
    if len(infos) > MAX_PARTS:
        raise _fail(path, f"has {len(infos)} parts, far more than any plan",
                    "This file is not a plan msheets can safely read.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or (
            info.file_size > RATIO_MIN_BYTES
            and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise _fail(path, f"part {info.filename} unpacks to {info.file_size:,} bytes "
                        f"(a zip bomb?)", "This file is not a plan msheets can safely read.")
    if total > MAX_TOTAL_BYTES:
        raise _fail(path, f"unpacks to {total:,} bytes", "This file is too large to be a plan.")
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            _check_no_dtd(path, zf, info.filename)
    pkg = Package(path, names=names)
    pkg.sheets, pkg.date_1904 = _sheet_parts(path, zf)
    for sheet in pkg.sheets:
        if sheet.part in names:
            data = zf.read(sheet.part)
            _check_dimensions(path, data, sheet)
            scan = _scanner(data)
            pkg.formulas[sheet.part] = scan.formula_cells(data)
            pkg.rich_text = pkg.rich_text or scan.has_rich_run(data)
    if not pkg.rich_text and SHARED_STRINGS in names:
        data = zf.read(SHARED_STRINGS)
        pkg.rich_text = _scanner(data).has_rich_run(data)
    return pkg


def _check_no_dtd(path: Path, zf: zipfile.ZipFile, name: str) -> None:
    with zf.open(name) as fh:
        head = fh.read(4096)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _fail(path, f"part {name} declares a DTD or entities (no spreadsheet program "
                    "writes that: an entity-expansion or external-entity attack?)",
                    "This file is not a plan msheets can safely read.")


def _parse_xml(path: Path, zf: zipfile.ZipFile, name: str) -> Any:
    try:
        return SafeET.fromstring(zf.read(name))
    except Exception as exc:  # defusedxml raises several kinds
        raise _fail(path, f"part {name} is not valid XML ({type(exc).__name__})",
                    "Restore the file from a backup or re-save it in Excel.") from None


def _rels(path: Path, zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """relationship id -> (type suffix, target part) of a part."""
    name = rels_name(part)
    if name not in zf.namelist():
        return {}
    try:
        rels = parse_rels(part, zf.read(name))
    except Exception as exc:  # lxml raises several kinds
        raise _fail(path, f"part {name} is not valid XML ({type(exc).__name__})",
                    "Restore the file from a backup or re-save it in Excel.") from None
    return {r.id: (r.kind, r.target if r.external else rels.target_part(r))
            for r in rels.items}


def _sheet_parts(path: Path, zf: zipfile.ZipFile) -> tuple[list[SheetPart], bool]:
    """The worksheets (title, part, state) and whether the 1904 date system is on."""
    root = _parse_xml(path, zf, "xl/workbook.xml")
    pr = root.find(f"{{{NS_MAIN}}}workbookPr")
    date_1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
    rels = _rels(path, zf, "xl/workbook.xml")
    out = []
    sheets = root.find(f"{{{NS_MAIN}}}sheets")
    for el in sheets if sheets is not None else []:
        rid = el.get(f"{{{NS_REL}}}id", "")
        kind, target = rels.get(rid, ("", ""))
        if kind == "worksheet":
            out.append(SheetPart(el.get("name", ""), target, el.get("state", "visible")))
    return out, date_1904


_DIM = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]*)(\d*)(?::([A-Z]+)(\d+))?"')
_ROW = re.compile(rb'<(?:\w+:)?row [^>]*?r="(\d+)"')
SHARED_STRINGS = "xl/sharedStrings.xml"
# ` r="` is only a cell's (rows' are digits only); far faster than matching the element
# name, whose namespace prefix varies
_WIDE_CELL = re.compile(rb' r="([A-Z]{3})\d')


def _col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def _check_dimensions(path: Path, data: bytes, sheet: SheetPart) -> None:
    """Refuse sheets whose claimed or real extent is far beyond any plan."""
    m = _DIM.search(data[:2048])
    if m and m[3]:
        rows = int(m[4]) - int(m[2] or 1) + 1
        cols = _col_number(m[3]) - _col_number(m[1] or b"A") + 1
        if rows * cols > MAX_CELLS:
            raise _fail(path, f"sheet {sheet.title!r} claims {rows:,} x {cols:,} cells",
                        "This file is not a plan msheets can safely read.")
    # The claim can lie: look at the real extent (last row; any column past ZZ).
    last_row = 0
    tail = data[-65536:]
    for r in _ROW.finditer(tail):
        last_row = max(last_row, int(r[1]))
    wide = max((_col_number(c[1]) for c in _WIDE_CELL.finditer(data)), default=0)
    if last_row and wide and last_row * wide > MAX_CELLS:
        raise _fail(path, f"sheet {sheet.title!r} has cells out to row {last_row:,} and "
                    f"column {wide:,}", "This file is not a plan msheets can safely read.")


_MAIN_NS = re.compile(
    rb'xmlns(?::(\w+))?="http://schemas\.openxmlformats\.org/spreadsheetml/2006/main"')


class _Scanner:
    """Regex scans of one part's XML for cells in the main namespace. Patterns that begin
    with a literal (`<c r="`) run several times faster than ones opening with an optional
    namespace prefix, so they are built for the prefix the part declares."""

    def __init__(self, prefix: bytes | None) -> None:
        p = rb"(?:\w+:)?" if prefix is None else re.escape(prefix)
        self.prefix = prefix
        self.rich_run = re.compile(rb"<" + p + rb"r>")  # a formatted run of text
        self.any_formula = re.compile(rb"<" + p + rb"f[\s>/]")
        self.formula_cell = re.compile(rb"<" + p + rb'c r="([A-Z]+\d+)"[^>]*>\s*<' + p + rb"f\b")
        self.formula_no_value = re.compile(
            rb"<" + p + rb'c r="([A-Z]+\d+)"[^>]*>\s*<' + p + rb"f\b[^>]*?(?:/>|>[^<]*</" + p
            + rb"f>)\s*(?:<" + p + rb"v\s*/>|<" + p + rb"v>\s*</" + p + rb"v>)?\s*</" + p
            + rb"c>")

    def has_rich_run(self, data: bytes) -> bool:
        if self.prefix is not None:  # a plain find is faster still than a literal regex
            return b"<" + self.prefix + b"r>" in data
        return self.rich_run.search(data) is not None

    def formula_cells(self, data: bytes) -> tuple[set[str], set[str]]:
        """(cells holding a formula, those of them with no computed value)."""
        if not self.any_formula.search(data):  # <formula1> of validations does not count
            return set(), set()
        with_formula = {m[1].decode() for m in self.formula_cell.finditer(data)}
        no_value = {m[1].decode() for m in self.formula_no_value.finditer(data)}
        return with_formula, no_value


@functools.cache
def _scanner_for(prefix: bytes | None) -> _Scanner:
    return _Scanner(prefix)


def _scanner(data: bytes) -> _Scanner:
    """The scanner for the one prefix `data` binds the main namespace to (b"" when it is the
    default namespace); any prefix when there are several or none (strict OOXML)."""
    found = {m[1] + b":" if m[1] else b"" for m in _MAIN_NS.finditer(data)}
    return _scanner_for(found.pop() if len(found) == 1 else None)

"""Read a source file: workbook sheets (xlsx, xlsm, xls, ods via python-calamine), CSV/TSV
(delimiter and encoding sniffed) or MS Project XML (MSPDI, via defusedxml).

Files come from anywhere: a zip whose parts claim absurd sizes, XML with entities or a DTD,
and sheets claiming billions of cells are refused before any parser runs.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from milestone_sheets.contract.vocab import Status
from milestone_sheets.errors import PlanError
from milestone_sheets.importer import mapping as mp
from milestone_sheets.importer.model import ColumnChoice, Pred, TaskRow
from milestone_sheets.importer.table import Grid

MAX_SOURCE_BYTES = 256 * 1024**2
MAX_ZIP_ENTRIES = 10_000
MAX_UNZIPPED_BYTES = 1024**3
MAX_ZIP_RATIO = 400
ZIP_RATIO_FROM = 20 * 1024**2
MAX_CELLS = 20_000_000  # rows x columns of a sheet's used range
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _refuse(path: Path, what: str, todo: str = "") -> PlanError:
    return PlanError(f"{path.name}: {what}.{' ' + todo if todo else ''} Nothing was written.")


@dataclass
class Source:
    """A source read: sheets as grids, or MS Project's tasks already as rows."""

    path: Path
    kind: str  # "workbook", "csv" or "mspdi"
    detail: str  # how it was read, for the summary
    grids: list[Grid] = field(default_factory=list)
    hidden: set[str] = field(default_factory=set)
    tasks: list[TaskRow] = field(default_factory=list)  # MS Project XML
    columns: list[ColumnChoice] = field(default_factory=list)  # MS Project XML
    settings: dict[str, Any] = field(default_factory=dict)


def read_source(path: Path) -> Source:
    """Open any supported source, by its content (the extension only breaks ties)."""
    if not path.exists():
        raise PlanError(f"{path}: no such file. Check the path.")
    if path.is_dir():
        raise PlanError(f"{path}: is a folder. Give the path of a file.")
    size = path.stat().st_size
    if size == 0:
        raise _refuse(path, "is empty (0 bytes)")
    if size > MAX_SOURCE_BYTES:
        raise _refuse(path, f"is {size / 1024**2:.0f} MB, more than a task list holds")
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise _refuse(path, f"cannot be read ({exc.strerror})") from None
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        _check_zip(path)
        return _workbook(path)
    if head.startswith(OLE_MAGIC):
        return _workbook(path)  # .xls (an encrypted xlsx is refused by calamine)
    body = head.lstrip(codecs.BOM_UTF8).lstrip()
    if suffix == ".xml" or (body.startswith(b"<") and suffix not in (".csv", ".tsv", ".txt")):
        return read_mspdi(path)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _refuse(path, "is not a spreadsheet, a CSV file or MS Project XML",
                      "Export the task list as .xlsx or .csv.")
    return read_csv(path)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(path, f"is a damaged zip file ({exc})") from None
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_ZIP_ENTRIES or total > MAX_UNZIPPED_BYTES or any(
            i.file_size > ZIP_RATIO_FROM and i.file_size > MAX_ZIP_RATIO * max(1, i.compress_size)
            for i in infos):
        raise _refuse(path, "unpacks to far more data than a workbook holds (a zip bomb?)")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names and \
            "content.xml" not in names:
        raise _refuse(path, "is a zip file but not a workbook",
                      "Export the task list as .xlsx or .csv.")


# --------------------------------------------------------------------------- workbooks


def _workbook(path: Path) -> Source:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own kinds, and password errors
        raise _refuse(path, f"cannot be read as a workbook ({exc})",
                      "If it is password-protected, remove the password; else re-save it "
                      "as .xlsx in Excel or LibreOffice.") from None
    grids: list[Grid] = []
    hidden: set[str] = set()
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            if meta.visible != pc.SheetVisibleEnum.Visible:
                hidden.add(meta.name)
            try:
                sheet = wb.get_sheet_by_name(meta.name)
                cells = (sheet.height or 0) * (sheet.width or 0)
                if cells > MAX_CELLS:
                    raise _refuse(path, f"sheet {meta.name!r} claims {cells:,} cells")
                rows = sheet.to_python(skip_empty_area=False)
                merges = list(sheet.merged_cell_ranges or [])
            except PlanError:
                raise
            except Exception as exc:
                raise _refuse(path, f"sheet {meta.name!r} cannot be read ({exc})",
                              "Re-save the file in Excel or LibreOffice.") from None
            grids.append(Grid(meta.name, [[None if v == "" else v for v in row]
                                          for row in rows], merges))
    finally:
        wb.close()
    kind = {".xls": "Excel 97-2003 workbook", ".ods": "OpenDocument spreadsheet",
            ".xlsm": "macro-enabled workbook", ".xlsb": "binary workbook"}.get(
        path.suffix.lower(), "workbook")
    return Source(path, "workbook", kind, grids, hidden)


# --------------------------------------------------------------------------- CSV


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252
    (what Excel writes for 'CSV' in western locales), else Latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def sniff_delimiter(text: str, suffix: str = "") -> str:
    """The delimiter that splits the first lines into the same number of fields, most often
    and into the most fields: ',' ';' (Excel in French locales), tab or '|'."""
    if suffix == ".tsv":
        return "\t"
    sample = text[:65536]
    if len(text) > len(sample):
        sample = sample[: sample.rfind("\n") + 1] or sample
    best: tuple[float, int, str] | None = None
    for d in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=d))[:100]
        except csv.Error:
            continue
        widths = [len(r) for r in rows if any(c.strip() for c in r)]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        key = (round(count / len(widths), 2), width, d)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else ","


def read_csv(path: Path) -> Source:
    data = path.read_bytes()
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text, path.suffix.lower())
    try:
        rows = [[c if c.strip() else None for c in row]
                for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise _refuse(path, f"cannot be read as CSV ({exc})") from None
    detail = f"CSV, {DELIMITERS[delimiter]}-separated, {encoding}"
    return Source(path, "csv", detail, [Grid(path.name, rows)])


# --------------------------------------------------------------------------- MS Project XML

LINK_TYPES = {"0": "FF", "1": "FS", "2": "SF", "3": "SS"}  # MSPDI PredecessorLink/Type
CURRENCIES = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY"}
NO_RESOURCE = "-65535"
MSPDI_COLUMNS = (
    ("milestone", "Name"), ("id", "ID"), ("start", "Start"), ("due", "Finish"),
    ("pct", "PercentComplete"), ("completed", "ActualFinish"), ("owner", "Assignments"),
    ("budget", "Cost"), ("actual", "ActualCost"), ("effort", "Work"),
    ("depends_on", "PredecessorLink"), ("notes", "Notes"), ("level", "OutlineLevel"),
    ("status", "Active (inactive tasks: Cancelled)"),
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(elem: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in elem:
        out.setdefault(_local(child.tag), child)
    return out


def _val(fields: dict[str, Any], name: str) -> str | None:
    e = fields.get(name)
    if e is None or e.text is None:
        return None
    return e.text.strip() or None


def _number(s: str | None) -> float | None:
    try:
        return float(s) if s else None
    except ValueError:
        return None


def _xml_date(s: str | None) -> date | None:
    if not s:
        return None
    try:
        return datetime.fromisoformat(s).date()
    except ValueError:
        return None


def read_mspdi(path: Path) -> Source:
    """MS Project XML: tasks with outline level, summary flag, dates, % complete, milestone
    flag, cost (stored in cents), work, resources through assignments, predecessors with
    link type and lag (stored in tenths of minutes), notes."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, parse

    try:
        root = parse(str(path), forbid_dtd=True).getroot()
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise _refuse(path, f"is not readable XML ({exc})",
                      "Export the task list as .xlsx, .csv or MS Project XML.") from None
    if _local(root.tag) != "Project":
        what = "an Excel 2003 XML workbook" if _local(root.tag) == "Workbook" else \
            f"XML but not MS Project XML (its root is <{_local(root.tag)}>)"
        raise _refuse(path, f"is {what}", "Save it as .xlsx, or export MS Project XML.")
    top = _children(root)
    minutes_per_day = _number(_val(top, "MinutesPerDay")) or 480.0
    settings: dict[str, Any] = {}
    title = _val(top, "Title") or _val(top, "Name")
    if title:
        settings["plan_name"] = re.sub(r"\.xml$", "", title, flags=re.IGNORECASE)
    code = _val(top, "CurrencyCode") or CURRENCIES.get(_val(top, "CurrencySymbol") or "")
    if code:
        settings["currency"] = code
    resources: dict[str, str] = {}
    if "Resources" in top:
        for res in top["Resources"]:
            f = _children(res)
            uid, name = _val(f, "UID"), _val(f, "Name")
            if uid and name:
                resources[uid] = name
    owners: dict[str, list[str]] = {}
    if "Assignments" in top:
        for a in top["Assignments"]:
            f = _children(a)
            task, res = _val(f, "TaskUID"), _val(f, "ResourceUID")
            if task and res and res != NO_RESOURCE and res in resources:
                owners.setdefault(task, []).append(resources[res])
    rows: list[TaskRow] = []
    for task in top.get("Tasks", []):
        row = _mspdi_task(task, owners, minutes_per_day)
        if row is not None:
            rows.append(row)
    columns = [ColumnChoice(f, -1, title, "MS Project") for f, title in MSPDI_COLUMNS]
    return Source(path, "mspdi", "MS Project XML", tasks=rows, columns=columns,
                  settings=settings)


def _mspdi_task(task: Any, owners: dict[str, list[str]],
                minutes_per_day: float) -> TaskRow | None:
    f = _children(task)
    uid, name = _val(f, "UID"), _val(f, "Name")
    level = _val(f, "OutlineLevel")
    if uid is None or _val(f, "IsNull") == "1" or level == "0" or (level is None and
                                                                   uid == "0"):
        return None  # the project's own summary task, or a blank row
    task_id = _val(f, "ID") or uid
    values: dict[str, Any] = {"id": task_id, "level": level or "1"}
    for fld, tag in (("start", "Start"), ("due", "Finish"), ("completed", "ActualFinish")):
        d = _xml_date(_val(f, tag))
        if d:
            values[fld] = d
    pct = _val(f, "PercentComplete")
    if pct is not None:
        values["pct"] = f"{pct}%"
    for fld, tag in (("budget", "Cost"), ("actual", "ActualCost")):
        amount = _number(_val(f, tag))
        if amount:
            values[fld] = amount / 100
    work = mp.parse_duration(_val(f, "Work"))
    if work:
        values["effort"] = round(work * mp.HOURS_PER_DAY, 2)
    if _val(f, "Summary") is not None:
        values["summary_flag"] = _val(f, "Summary") == "1"
    if _val(f, "Active") == "0":
        values["status"] = Status.CANCELLED
    if uid in owners:
        values["owner"] = owners[uid]
    notes = _val(f, "Notes")
    if notes:
        values["notes"] = notes
    preds = []
    for link in task:
        if _local(link.tag) != "PredecessorLink":
            continue
        lf = _children(link)
        ref = _val(lf, "PredecessorUID")
        if ref is None:
            continue
        lag = (_number(_val(lf, "LinkLag")) or 0) / 10 / minutes_per_day  # tenths of minutes
        preds.append(Pred(f"uid:{ref}", LINK_TYPES.get(_val(lf, "Type") or "1", "FS"),
                          round(lag, 2)))
    extra: dict[str, Any] = {}
    wbs = _val(f, "WBS")
    if wbs:
        extra["WBS"] = wbs
    if _val(f, "Milestone") == "1":
        extra["MS Project milestone"] = "Yes"
    return TaskRow(int(task_id) if task_id.isdigit() else 0, name, values, extra,
                   keys=[task_id, f"uid:{uid}"], preds=preds)

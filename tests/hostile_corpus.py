"""Make a corpus of hostile and broken workbooks (nothing is downloaded).

    python tests/hostile_corpus.py OUTDIR

Each maker writes one file and returns its path; the test suite runs every one.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from milestone_sheets.write.new_workbook import write_new_workbook

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


def _plan_parts(tmp: Path) -> dict[str, bytes]:
    src = write_new_workbook(tmp / "_base.xlsx", force=True)
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    src.unlink()
    return parts


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _sheet(parts: dict[str, bytes]) -> str:
    return "xl/worksheets/sheet2.xml"  # Milestones (the Guide is sheet1)


def zip_bomb(d: Path) -> Path:
    parts = _plan_parts(d)
    parts["xl/worksheets/sheet2.xml"] = b"<x>" + b" " * (64 * 1024**2) + b"</x>"
    return _zip(d / "zip-bomb.xlsx", parts)


def billion_laughs(d: Path) -> Path:
    parts = _plan_parts(d)
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0"?><!DOCTYPE lolz [' + "".join(lol) + ']>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&lol9;</t></si></sst>").encode()
    return _zip(d / "billion-laughs.xlsx", parts)


def external_entity(d: Path) -> Path:
    parts = _plan_parts(d)
    wb = parts["xl/workbook.xml"].decode()
    wb = wb.replace("?>", '?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1)
    parts["xl/workbook.xml"] = wb.encode()
    return _zip(d / "external-entity.xlsx", parts)


def huge_dimension(d: Path) -> Path:
    parts = _plan_parts(d)
    xml = parts[_sheet(parts)].decode()
    i, j = xml.index("<dimension"), xml.index("/>", xml.index("<dimension")) + 2
    parts[_sheet(parts)] = (xml[:i] + '<dimension ref="A1:XFD1048576"/>' + xml[j:]).encode()
    return _zip(d / "huge-dimension.xlsx", parts)


def far_cell(d: Path) -> Path:
    """A small dimension claim, but a cell out at XFD1048576."""
    parts = _plan_parts(d)
    xml = parts[_sheet(parts)].decode()
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    parts[_sheet(parts)] = xml.replace("</sheetData>", far + "</sheetData>").encode()
    return _zip(d / "far-cell.xlsx", parts)


def many_parts(d: Path) -> Path:
    parts = _plan_parts(d)
    for i in range(6000):
        parts[f"xl/media/junk{i}.bin"] = b"x"
    return _zip(d / "many-parts.xlsx", parts)


def encrypted(d: Path) -> Path:
    (p := d / "encrypted.xlsx").write_bytes(OLE)
    return p


def legacy_xls(d: Path) -> Path:
    (p := d / "legacy.xls").write_bytes(OLE)
    return p


def ods(d: Path) -> Path:
    return _zip(d / "plan.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                 "content.xml": b"<office:document-content/>"})


def macros(d: Path) -> Path:
    parts = _plan_parts(d)
    parts["xl/vbaProject.bin"] = OLE
    return _zip(d / "macros.xlsm", parts)


def random_bytes(d: Path) -> Path:
    (p := d / "random.xlsx").write_bytes(os.urandom(4096))
    return p


def not_a_workbook_zip(d: Path) -> Path:
    return _zip(d / "notes.xlsx", {"readme.txt": b"hello"})


def empty(d: Path) -> Path:
    (p := d / "empty.xlsx").write_bytes(b"")
    return p


def truncated(d: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in _plan_parts(d).items():
            z.writestr(name, data)
    data = buf.getvalue()
    (p := d / "truncated.xlsx").write_bytes(data[: len(data) * 2 // 3])
    return p


def pdf(d: Path) -> Path:
    (p := d / "report.xlsx").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
    return p


def folder(d: Path) -> Path:
    (p := d / "folder.xlsx").mkdir(exist_ok=True)
    return p


MAKERS: dict[str, Callable[[Path], Path]] = {
    f.__name__: f for f in (zip_bomb, billion_laughs, external_entity, huge_dimension, far_cell,
                            many_parts, encrypted, legacy_xls, ods, macros, random_bytes,
                            not_a_workbook_zip, empty, truncated, pdf, folder)
}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
    out.mkdir(parents=True, exist_ok=True)
    for name, make in MAKERS.items():
        print(name, make(out))

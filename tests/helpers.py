"""Test helpers: fill plans made by `msheets new`, and convert files with real office programs."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from milestone_sheets import contract, i18n
from milestone_sheets.write.new_workbook import write_new_workbook

ROOT = Path(__file__).resolve().parents[1]  # the project
SHARED = ROOT.parent / "shared"  # the contract and corpora handed to us (absent: tests skip)

REQUIRE_OFFICE = bool(os.environ.get("MSHEETS_REQUIRE_OFFICE") or os.environ.get("CI"))


def need(program: str) -> str:
    """The program's path; skip the test when missing, except in CI (then fail)."""
    path = shutil.which(program)
    if path is None:
        if REQUIRE_OFFICE:
            pytest.fail(f"{program} is required in CI but is not installed")
        pytest.skip(f"{program} not installed")
    return path


LO_LOCALE_SETTING = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>{locale}</value></prop></item>
</oor:items>
"""
# CSV "as shown" (token 9), UTF-8 (76), comma-separated, every sheet to its own file (-1).
CSV_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def soffice_convert(files: list[Path], fmt: str, outdir: Path,
                    locale: str | None = None) -> list[Path]:
    """Convert many files in one LibreOffice start, with a private profile.

    `locale` ("fr-FR") is LibreOffice's own locale setting (Tools > Options > Language
    Settings > Locale setting), written into the fresh profile: it decides number and date
    formats, whatever the system's locales are (LANG=fr_FR needs the glibc locale installed,
    the profile setting does not). With fmt CSV_AS_SHOWN the outputs are one file per
    sheet, FILE-SHEET.csv; the list returned holds the files' first sheets."""
    soffice = need("soffice")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        if locale:
            (Path(profile) / "user").mkdir()
            (Path(profile) / "user" / "registrymodifications.xcu").write_text(
                LO_LOCALE_SETTING.format(locale=locale), encoding="utf-8")
        proc = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)],
            capture_output=True, text=True, timeout=240)
    ext = fmt.split(":")[0]
    out = [outdir / (f.stem + "." + ext) for f in files]
    if fmt == CSV_AS_SHOWN:
        out = [min(outdir.glob(f"{f.stem}-*.csv"), default=outdir / f"{f.stem}-*.csv")
               for f in files]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"soffice did not write {missing}: {proc.stdout} {proc.stderr}"
    return out


def read_as_shown(outdir: Path, stem: str) -> dict[str, list[list[str]]]:
    """Sheet title -> rows of the CSV_AS_SHOWN export of one file, spaces normalised (Calc
    writes French thousands separators as no-break spaces)."""
    import csv

    out = {}
    for path in outdir.glob(f"{stem}-*.csv"):
        text = path.read_text(encoding="utf-8").replace("\u00a0", " ").replace("\u202f", " ")
        out[path.stem[len(stem) + 1:]] = list(csv.reader(text.splitlines()))
    return out


def pdf_pages(path: Path) -> list[tuple[float, float]]:
    """(width, height) in points of each page of a PDF LibreOffice wrote."""
    import re

    data = path.read_bytes()
    pages = []
    for obj in re.findall(rb"\d+ 0 obj(.*?)endobj", data, re.S):
        if re.search(rb"/Type\s*/Page(?![s\w])", obj):
            box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", obj)
            assert box, obj[:200]
            x0, y0, x1, y1 = (float(v) for v in box.groups())
            pages.append((x1 - x0, y1 - y0))
    return pages


def pdf_characters(path: Path) -> set[str]:
    """Every character drawn in a PDF LibreOffice wrote, from its fonts' ToUnicode maps (it
    embeds only the glyphs it draws): '#' among them means a cell showed '###'."""
    import re
    import zlib

    data = path.read_bytes()
    chars: set[str] = set()
    for m in re.finditer(rb"stream\r?\n", data):
        raw = data[m.end():data.find(b"endstream", m.end())]
        try:
            stream = zlib.decompress(raw)
        except zlib.error:
            stream = raw
        if b"begincmap" not in stream:
            continue
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for dst in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", block):
                chars.add(bytes.fromhex(dst.decode()).decode("utf-16-be"))
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            for a, b, dst in re.findall(
                    rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                first = int(dst, 16)
                chars.update(chr(first + i) for i in range(int(b, 16) - int(a, 16) + 1))
    return chars


def pdf_fonts(path: Path) -> set[str]:
    """The names of the fonts a PDF uses, without the subset prefix (ABCDEF+)."""
    import re

    return {re.sub(r"^[A-Z]{6}\+", "", m.decode())
            for m in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", path.read_bytes())}


def only_sheets_visible(src: Path, dst: Path, titles: set[str]) -> Path:
    """A copy of a workbook where only `titles` are visible: LibreOffice prints (and exports
    to PDF) the visible sheets only, so the PDF's pages are those sheets' pages."""
    import re
    import zipfile
    from xml.sax.saxutils import quoteattr

    keep = {f"name={quoteattr(t)}" for t in titles}
    kept: list[int] = []

    def hide(m: re.Match[str]) -> str:
        tag = re.sub(r'\sstate="\w+"', "", m.group(0))
        index = hide.count  # type: ignore[attr-defined]
        hide.count += 1  # type: ignore[attr-defined]
        if any(k in tag for k in keep):
            kept.append(index)
            return tag
        return tag.replace("<sheet ", '<sheet state="hidden" ', 1)

    hide.count = 0  # type: ignore[attr-defined]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                text = re.sub(r"<sheet\s[^>]*>", hide, data.decode("utf-8"))
                assert kept, f"none of {titles} in {src.name}"
                # the active sheet shows even when hidden: make a kept one active
                text = re.sub(r'\s(activeTab|firstSheet)="\d+"', "", text)
                text = text.replace("<workbookView ", f'<workbookView activeTab="{kept[0]}" '
                                    f'firstSheet="{kept[0]}" ', 1)
                # LibreOffice prints a hidden sheet that has a print area: drop those
                text = re.sub(r'<definedName name="_xlnm.Print_Area" localSheetId="(\d+)"'
                              r"[^>]*>[^<]*</definedName>",
                              lambda m: m[0] if int(m[1]) in kept else "", text)
                data = text.encode("utf-8")
            elif info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b' tabSelected="1"', b"")
            zout.writestr(info, data)
    return dst


def ssconvert(src: Path, dst: Path) -> subprocess.CompletedProcess[str]:
    prog = need("ssconvert")
    proc = subprocess.run([prog, str(src), str(dst)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert dst.exists() and dst.stat().st_size > 0
    return proc


def header_columns(ws: Any, sheet: str) -> tuple[int, dict[str, int]]:
    """(header row, column key -> column) of an input sheet, found by label."""
    index = contract.header_index(sheet)
    for row in ws.iter_rows(min_row=1, max_row=10):
        found = {index[i18n.normalize(c.value)]: c.column for c in row
                 if isinstance(c.value, str) and i18n.normalize(c.value) in index}
        if contract.KEY_COLUMN[sheet] in found:
            return row[0].row, found
    raise AssertionError(f"no header in {ws.title}")


def fill_plan(path: Path, milestones: list[dict[str, Any]] = (),  # type: ignore[assignment]
              team: list[dict[str, Any]] = (),  # type: ignore[assignment]
              metrics: list[dict[str, Any]] = (),  # type: ignore[assignment]
              log: list[dict[str, Any]] = (),  # type: ignore[assignment]
              settings: dict[str, Any] | None = None, lang: str = "en",
              template: str = "blank") -> Path:
    """A plan made by `msheets new`, filled like a user would (values by column key)."""
    write_new_workbook(path, template=template, lang=lang, start=date(2026, 11, 2), force=True)
    wb = openpyxl.load_workbook(path)
    for key, records in (("milestones", milestones), ("team", team), ("metrics", metrics),
                         ("metric_log", log)):
        if not records:
            continue
        ws = wb[contract.sheet_title(key, lang)]
        hr, cols = header_columns(ws, key)
        first = hr + 1
        while any(ws.cell(first, c).value is not None for c in cols.values()):
            first += 1
        for i, rec in enumerate(records):
            for k, v in rec.items():
                cell = ws.cell(first + i, cols[k])
                cell.value = v
                if isinstance(v, str):
                    cell.data_type = "s"
    if settings:
        ws = wb[contract.sheet_title("settings", lang)]
        for key, value in settings.items():
            label = contract.SETTINGS_BY_KEY[key].label(lang)
            for row in ws.iter_rows(min_row=2):
                if row[0].value == label:
                    row[1].value = value
                    break
    wb.save(path)
    return path


# --------------------------------------------------------------------------- the hand plan
# As of Wednesday 2026-11-18. Every expected number in tests/rules/test_rules.py is computed by hand
# from these rows (see the comments there).
HAND_AS_OF = date(2026, 11, 18)
HAND_TEAM = [{"owner": "Ana", "capacity": 40, "role": "Lead"},
             {"owner": "Bo", "capacity": 8, "role": "Designer"}]
HAND_METRICS = [
    {"metric": "Visitors", "direction": "Increase", "baseline": 1000,
     "baseline_date": date(2026, 10, 1), "target": 2000, "target_date": date(2026, 12, 31)},
    {"metric": "CPL", "direction": "Decrease", "baseline": 100,
     "baseline_date": date(2026, 9, 1), "target": 50, "target_date": date(2026, 12, 1),
     "current": 65},
    {"metric": "Signups", "baseline": 0, "target": 100, "current": 30},
    {"metric": "Rank", "baseline": 10, "target": 3},
    {"metric": "Leads", "baseline": 10, "target": 50, "current": 55,
     "baseline_date": date(2026, 10, 1), "target_date": date(2026, 12, 31)},
    {"metric": "Old", "baseline": 0, "target": 10, "current": 5,
     "baseline_date": date(2026, 9, 1), "target_date": date(2026, 11, 1)},
]
HAND_LOG = [
    {"date": date(2026, 11, 1), "metric": "Visitors", "value": 1200},
    {"date": date(2026, 11, 15), "metric": "Visitors", "value": 1500},
    {"date": date(2026, 11, 20), "metric": "Visitors", "value": 1900},  # after the as-of date
]
HAND_MILESTONES = [
    {"id": "M-001", "milestone": "Cancelled work", "owner": "Ana", "status": "Cancelled",
     "due": date(2026, 12, 1), "budget": 1000, "actual": 200, "phase": "P1"},
    {"id": "M-002", "milestone": "Paused", "owner": "Ana", "status": "On hold",
     "due": date(2026, 12, 10), "budget": 0, "phase": "P1"},
    {"id": "M-003", "milestone": "Reach 1,400 visitors", "owner": "Ana",
     "type": "Metric target", "metric": "Visitors", "target_value": 1400,
     "status": "In progress", "due": date(2026, 12, 20), "budget": 0, "phase": "P1"},
    {"id": "M-004", "milestone": "Late but done", "owner": "Bo", "status": "Done",
     "start": date(2026, 10, 20), "due": date(2026, 11, 5), "completed": date(2026, 11, 10),
     "budget": 500, "actual": 450, "phase": "P1"},
    {"id": "M-005", "milestone": "Done on time", "owner": "Bo", "status": "Done",
     "start": date(2026, 10, 20), "due": date(2026, 11, 5), "completed": date(2026, 11, 1),
     "budget": 300, "actual": 300, "phase": "P2"},
    {"id": "M-006", "milestone": "Someday", "owner": "Bo", "effort": 4, "phase": "P2"},
    {"id": "M-007", "milestone": "Late work", "owner": "Bo", "status": "In progress",
     "start": date(2026, 11, 1), "due": date(2026, 11, 10), "pct": 0.5, "effort": 10,
     "budget": 1000, "actual": 600, "phase": "P2"},
    {"id": "M-008", "milestone": "Waits for late work", "owner": "Ana", "depends_on": "M-007",
     "start": date(2026, 12, 1), "due": date(2026, 12, 31), "effort": 20, "budget": 2000,
     "phase": "P2"},
    {"id": "M-009", "milestone": "Overspent", "owner": "Ana", "due": date(2027, 1, 15),
     "budget": 100, "actual": 150, "effort": 0, "phase": "P3"},
    {"id": "M-010", "milestone": "Behind", "owner": "Ana", "start": date(2026, 11, 1),
     "due": date(2026, 11, 30), "pct": 0.1, "effort": 0, "budget": 400, "phase": "P3"},
    {"id": "M-011", "milestone": "Soon", "owner": "Ana", "start": date(2026, 11, 20),
     "due": date(2026, 11, 25), "effort": 10, "phase": "P3"},
    {"id": "M-012", "milestone": "Later", "owner": "Ana", "due": date(2027, 2, 1),
     "budget": "500/month", "effort": 0, "phase": "P3"},
    {"id": "M-013", "milestone": "Stranger's task", "owner": "Zed", "due": date(2026, 12, 20),
     "phase": "P3"},
]


def hand_plan(path: Path, lang: str = "en") -> Path:
    return fill_plan(path, milestones=HAND_MILESTONES, team=HAND_TEAM, metrics=HAND_METRICS,
                     log=HAND_LOG, lang=lang)

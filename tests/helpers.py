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

from milestone_sheets import schema
from milestone_sheets.template import write_new_workbook

REQUIRE_OFFICE = bool(os.environ.get("MSHEETS_REQUIRE_OFFICE") or os.environ.get("CI"))


def need(program: str) -> str:
    """The program's path; skip the test when missing, except in CI (then fail)."""
    path = shutil.which(program)
    if path is None:
        if REQUIRE_OFFICE:
            pytest.fail(f"{program} is required in CI but is not installed")
        pytest.skip(f"{program} not installed")
    return path


def soffice_convert(files: list[Path], fmt: str, outdir: Path) -> list[Path]:
    """Convert many files in one LibreOffice start, with a private profile."""
    soffice = need("soffice")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        proc = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)],
            capture_output=True, text=True, timeout=240)
    ext = fmt.split(":")[0]
    out = [outdir / (f.stem + "." + ext) for f in files]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"soffice did not write {missing}: {proc.stdout} {proc.stderr}"
    return out


def ssconvert(src: Path, dst: Path) -> subprocess.CompletedProcess[str]:
    prog = need("ssconvert")
    proc = subprocess.run([prog, str(src), str(dst)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert dst.exists() and dst.stat().st_size > 0
    return proc


def header_columns(ws: Any, sheet: str) -> tuple[int, dict[str, int]]:
    """(header row, column key -> column) of an input sheet, found by label."""
    index = schema.header_index(sheet)
    for row in ws.iter_rows(min_row=1, max_row=10):
        found = {index[schema.normalize(c.value)]: c.column for c in row
                 if isinstance(c.value, str) and schema.normalize(c.value) in index}
        if schema.KEY_COLUMN[sheet] in found:
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
        ws = wb[schema.sheet_title(key, lang)]
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
        ws = wb[schema.sheet_title("settings", lang)]
        for key, value in settings.items():
            label = schema.SETTINGS_BY_KEY[key].label(lang)
            for row in ws.iter_rows(min_row=2):
                if row[0].value == label:
                    row[1].value = value
                    break
    wb.save(path)
    return path


# --------------------------------------------------------------------------- the hand plan
# As of Wednesday 2026-11-18. Every expected number in test_rules.py is computed by hand
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

"""msheets' notes after a LibreOffice save (issue 13 must-show).

LibreOffice re-saves every note with a blank author, so msheets must know its own notes
by their text: refresh, save in LibreOffice, fix the bad cell, refresh again: the note is
gone from the fixed cell, the cell still wrong keeps exactly one note, and the user's own
note is still there.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from enrich import (
    AS_OF,
    BAD_DUE,
    MAIN,
    NOTE_CELL,
    STRANGER,
    Package,
    build,
    find_cell,
    notes,
    q,
    set_cell,
)
from helpers import SHARED, soffice_convert

from milestone_sheets import load_plan
from milestone_sheets.write.refresh.pipeline import refresh_workbook

CORPUS = SHARED / "corpus" / "excel-made"
pytestmark = [
    pytest.mark.soffice,
    pytest.mark.skipif(not CORPUS.is_dir(),
                       reason=f"{CORPUS} is absent: the Excel-made corpus sits beside the "
                              "repository (../shared/corpus/excel-made), as in CI"),
]
FIXED_DUE = date(2026, 11, 30)
USER_TEXT = "Some text"  # the user's note (author John), from xlsxwriter-comment01.xlsx


def milestone_notes(path: Path) -> dict[str, str]:
    pkg = Package.read(path)
    return {ref: n.plain for ref, n in notes(pkg, pkg.sheet_part("Milestones")).items()}


def messages(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for i in load_plan(path, as_of=AS_OF).issues:
        if i.severity in ("error", "warning") and i.sheet == "Milestones":
            out.setdefault(i.cell, []).append(i.message)
    return out


def fix_due(src: Path, dst: Path) -> None:
    """Type a real date into the bad Due cell, with the date format of the Due above it,
    at the XML level (nothing else of LibreOffice's file changes)."""
    pkg = Package.read(src)
    part = pkg.sheet_part("Milestones")
    sheet = pkg.xml(part)
    above = find_cell(sheet, f"I{int(BAD_DUE[1:]) - 1}", create=False)
    assert above is not None and above.find(q(MAIN, "v")) is not None
    set_cell(sheet, BAD_DUE, (FIXED_DUE - date(1899, 12, 30)).days,
             style=int(above.get("s", "0")))
    pkg.put(part, sheet)
    pkg.write(dst)


@pytest.fixture(scope="module")
def resaved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the plan refreshed once, the same plan as LibreOffice saved it)."""
    root = tmp_path_factory.mktemp("notes")
    plan = build("note", root / "enriched", CORPUS)
    path = root / "plan.xlsx"
    shutil.copy(plan.path, path)
    assert refresh_workbook(path, as_of=AS_OF).written
    return path, soffice_convert([path], "xlsx", root / "libreoffice")[0]


def test_libreoffice_keeps_the_notes_it_was_given(resaved):
    """The round trip shows something only if LibreOffice kept every note (author blanked)."""
    refreshed, lo = resaved
    first = milestone_notes(refreshed)
    assert set(first) == {NOTE_CELL, BAD_DUE, STRANGER}
    assert milestone_notes(lo) == first
    pkg = Package.read(lo)
    assert {n.author.strip() for n in notes(pkg, pkg.sheet_part("Milestones")).values()} == {""}


def test_fixed_cell_loses_its_note_and_the_users_note_stays(resaved, tmp_path):
    _, lo = resaved
    path = tmp_path / "plan.xlsx"
    fix_due(lo, path)
    assert BAD_DUE not in messages(path)
    result = refresh_workbook(path, as_of=AS_OF)
    assert result.written
    after = milestone_notes(path)
    assert BAD_DUE not in after, f"stale note on the fixed {BAD_DUE}: {after.get(BAD_DUE)!r}"
    assert after[NOTE_CELL] == USER_TEXT
    # the cell still wrong has one note, saying its problem once
    (warning,) = messages(path)[STRANGER]
    assert after[STRANGER].count(warning) == 1
    assert set(after) == {NOTE_CELL, STRANGER}


def test_refresh_after_libreoffice_replaces_its_notes_not_piles_them(resaved, tmp_path):
    _, lo = resaved
    path = tmp_path / "plan.xlsx"
    shutil.copy(lo, path)
    assert refresh_workbook(path, as_of=AS_OF).written
    after = milestone_notes(path)
    assert set(after) == {NOTE_CELL, BAD_DUE, STRANGER}
    assert after[NOTE_CELL] == USER_TEXT
    for ref, found in messages(path).items():
        for message in found:
            assert after[ref].count(message) == 1, (ref, after[ref])

"""Round trips through real spreadsheet programs: LibreOffice headless and Gnumeric.

Skipped locally when a program is missing; in CI (MSHEETS_REQUIRE_OFFICE=1) they fail
instead. soffice starts are batched: one start converts many files.
"""

from __future__ import annotations

import json
import shutil
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import HAND_AS_OF, hand_plan, soffice_convert, ssconvert

from milestone_sheets import evaluate, load_plan, schema
from milestone_sheets.cli import cli
from milestone_sheets.report import to_json
from milestone_sheets.template import list_presets, write_new_workbook
from milestone_sheets.writeback import refresh_workbook

pytestmark = [pytest.mark.soffice, pytest.mark.gnumeric]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """Generate every file once and convert them in as few soffice starts as possible."""
    d = tmp_path_factory.mktemp("office")
    presets = [write_new_workbook(d / f"{p.name}-{lang}.xlsx", p.name, lang, date(2026, 11, 2))
               for p in list_presets() for lang in ("en", "fr")]
    hand_en = hand_plan(d / "hand-en.xlsx")
    hand_fr = hand_plan(d / "hand-fr.xlsx", lang="fr")
    refreshed = hand_plan(d / "refreshed.xlsx")
    refresh_workbook(refreshed, as_of=HAND_AS_OF)
    refreshed_fr = hand_plan(d / "refreshed-fr.xlsx", lang="fr")
    refresh_workbook(refreshed_fr, as_of=HAND_AS_OF)
    roundtrip = soffice_convert([hand_en, hand_fr, refreshed, refreshed_fr], "xlsx",
                                d / "lo")
    pdfs = soffice_convert([*presets, refreshed, refreshed_fr], "pdf", d / "pdf")
    csvs = soffice_convert(presets, "csv", d / "csv")
    return {"dir": d, "presets": presets, "hand_en": hand_en, "hand_fr": hand_fr,
            "refreshed": refreshed, "roundtrip": roundtrip, "pdfs": pdfs, "csvs": csvs}


def test_presets_open_in_libreoffice(work):
    for pdf in work["pdfs"]:
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000
    for csv in work["csvs"]:
        assert csv.stat().st_size > 0


def test_presets_open_in_gnumeric(work):
    out = work["dir"] / "gnumeric"
    out.mkdir(exist_ok=True)
    for src in work["presets"]:
        ssconvert(src, out / (src.stem + ".csv"))


def test_libreoffice_round_trip_reads_the_same_records(work):
    for original, resaved in zip((work["hand_en"], work["hand_fr"]), work["roundtrip"][:2],
                                 strict=True):
        before = load_plan(original, as_of=HAND_AS_OF)
        after = load_plan(resaved, as_of=HAND_AS_OF)
        assert after.milestones == before.milestones
        assert after.metrics == before.metrics
        assert after.readings == before.readings
        assert after.team == before.team
        assert after.settings == before.settings
        a = to_json(evaluate(after, HAND_AS_OF))
        b = to_json(evaluate(before, HAND_AS_OF))
        a.pop("plan"), b.pop("plan")  # the file name differs: the plan is named after it
        assert a == b


def test_report_json_survives_libreoffice(work):
    runner = CliRunner()
    docs = []
    for path in (work["hand_en"], work["roundtrip"][0]):
        res = runner.invoke(cli, ["report", str(path), "--format", "json", "--as-of",
                                  HAND_AS_OF.isoformat()])
        assert res.exit_code == 0, res.output
        docs.append(json.loads(res.output))
    assert docs[0] == docs[1]


def test_refreshed_workbook_opens_everywhere(work):
    assert work["pdfs"][-2].read_bytes().startswith(b"%PDF")
    out = work["dir"] / "refreshed-gnumeric.xlsx"
    ssconvert(work["refreshed"], out)
    assert "Summary" in openpyxl.load_workbook(out).sheetnames


def test_workbook_resaved_by_libreoffice_refreshes_cleanly(work, tmp_path):
    for resaved in work["roundtrip"][2:]:
        path = tmp_path / resaved.name
        shutil.copy(resaved, path)
        before = load_plan(path, as_of=HAND_AS_OF)
        result = refresh_workbook(path, as_of=HAND_AS_OF)
        assert result.written and result.backup is not None
        after = load_plan(path, as_of=HAND_AS_OF)
        assert after.milestones == before.milestones
        wb = openpyxl.load_workbook(path)
        history = next(t for t in wb.sheetnames if schema.find_sheet_key(t) == "history")
        assert len(list(wb[history].iter_rows(min_row=2))) == 1

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
from helpers import HAND_AS_OF, ROOT, hand_plan, soffice_convert, ssconvert

from milestone_sheets import contract, evaluate, load_plan
from milestone_sheets.cli import cli
from milestone_sheets.write.new_workbook import list_presets, write_new_workbook
from milestone_sheets.write.refresh.pipeline import refresh_workbook
from milestone_sheets.write.report.json import to_json

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
        history = next(t for t in wb.sheetnames if contract.find_sheet_key(t) == "history")
        assert len(list(wb[history].iter_rows(min_row=2))) == 1


# --------------------------------------------------------------------------- issue 16
# A new plan as a user of LibreOffice sees, saves and prints it, in English and in French.
# LibreOffice's locale comes from its profile (helpers.soffice_convert(locale=...)), so the
# French run needs no French system locale.


def _amount(value: float, lang: str) -> str:
    text = f"{value:,.0f}"
    return text.replace(",", " ") + " €" if lang == "fr" else text + " €"


@pytest.fixture(scope="module")
def shown(tmp_path_factory):
    """Fresh plans (all presets, both languages) and a filled French plan: saved by
    LibreOffice in the plan's locale, exported "as shown" to CSV, and printed to PDF."""
    from helpers import CSV_AS_SHOWN, fill_plan, only_sheets_visible

    d = tmp_path_factory.mktemp("shown")
    new = {(p.name, lang): write_new_workbook(d / f"{p.name}-{lang}.xlsx", p.name, lang,
                                              date(2026, 11, 2))
           for p in list_presets() for lang in ("en", "fr")}
    filled = fill_plan(d / "filled-fr.xlsx", lang="fr", template="lean-plan", milestones=[
        {"milestone": "Quart", "owner": "Sam Lee", "due": date(2026, 12, 1), "pct": 25,
         "budget": 1234567, "actual": 2500},
        {"milestone": "Moitié", "owner": "Sam Lee", "due": date(2026, 12, 1), "pct": 0.5,
         "budget": 999.4}])
    guides, sheets = {}, {}
    for lang in ("en", "fr"):  # the Guide is the same in every preset; the widest plan
        path = new["digital-campaign", lang]
        guides["guide", lang] = only_sheets_visible(
            path, d / f"guide-{lang}.xlsx", {contract.sheet_title("guide", lang)})
        for key in ("milestones", "metrics", "team"):
            sheets[key, lang] = only_sheets_visible(
                path, d / f"{key}-{lang}.xlsx", {contract.sheet_title(key, lang)})
    out = {"dir": d, "new": new, "filled": filled}
    fr = [p for (_n, lang), p in new.items() if lang == "fr"] + [filled]
    en = [p for (_n, lang), p in new.items() if lang == "en"]
    out["saved_fr"] = soffice_convert(fr, "xlsx", d / "saved-fr", locale="fr-FR")
    out["saved_en"] = soffice_convert(en, "xlsx", d / "saved-en", locale="en-US")
    soffice_convert(out["saved_fr"], CSV_AS_SHOWN, d / "csv-fr", locale="fr-FR")
    soffice_convert(out["saved_en"], CSV_AS_SHOWN, d / "csv-en", locale="en-US")
    for lang, locale in (("fr", "fr-FR"), ("en", "en-US")):
        files = [p for k, p in [*new.items(), *guides.items(), *sheets.items()] if k[1] == lang]
        for pdf in soffice_convert(files, "pdf", d / f"pdf-{lang}", locale=locale):
            out[pdf.stem] = pdf
    return out


def _column(rows, header):
    i = rows[0].index(header)
    return [r[i] for r in rows[1:] if len(r) > i and r[i]]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_money_survives_a_libreoffice_save_in_its_locale(shown, lang):
    from helpers import read_as_shown

    budget = contract.column("milestones", "budget").label(lang)
    for name in (p.name for p in list_presets()):
        csv = read_as_shown(shown["dir"] / f"csv-{lang}", f"{name}-{lang}")
        rows = csv[contract.sheet_title("milestones", lang)]
        original = openpyxl.load_workbook(shown["new"][name, lang])[
            contract.sheet_title("milestones", lang)]
        col = [c.value for c in original[1]].index(budget)
        amounts = [r[col].value for r in original.iter_rows(min_row=2)
                   if isinstance(r[col].value, (int, float))]
        money = [s for s in _column(rows, budget) if not s.endswith(("/month", "/mois"))]
        if lang == "fr":
            assert money == [_amount(v, "fr") for v in amounts], name
        else:
            assert money == [f"${v:,.0f}" for v in amounts], name


def test_french_libreoffice_save_keeps_euros_and_percentages(shown):
    """Calc in French rewrote `#,##0 "€"` as `#,##0,\\€` (divided by 1,000) and showed a
    typed 25 in a `0%` cell as 2500%."""
    from helpers import read_as_shown

    saved = shown["saved_fr"][-1]
    assert load_plan(saved).milestones[-2].budget == 1234567
    rows = read_as_shown(shown["dir"] / "csv-fr", saved.stem)["Jalons"]
    head = rows[0]
    mine = {r[head.index("Jalon")]: r for r in rows[1:] if r[head.index("Jalon")] in
            ("Quart", "Moitié")}
    assert mine["Quart"][head.index("Budget")] == "1 234 567 €"
    assert mine["Quart"][head.index("Dépensé")] == "2 500 €"
    assert mine["Moitié"][head.index("Budget")] == "999 €"
    assert mine["Quart"][head.index("% achevé")] == "25%"
    assert mine["Moitié"][head.index("% achevé")] == "50%"
    import zipfile

    styles = zipfile.ZipFile(saved).read("xl/styles.xml").decode()
    assert ",\\€" not in styles and '" €"' in styles.replace("&quot;", '"')


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_nothing_shows_hash_marks_and_no_serif_font(shown, lang):
    """A cell too narrow for its number shows ###; LibreOffice then draws '#', and the PDF's
    fonts hold the glyph. Cells carry named fonts, so no serif fallback either."""
    from helpers import pdf_characters, pdf_fonts

    for name in (p.name for p in list_presets()):
        pdf = shown[f"{name}-{lang}"]
        chars = pdf_characters(pdf)
        assert "#" not in chars, name
        assert "€" in chars or lang == "en" or name == "blank"
        fonts = pdf_fonts(pdf)
        assert fonts and not [f for f in fonts if "serif" in f.casefold().replace("sans", "")
                              or "times" in f.casefold()], fonts


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_printed_pages(shown, lang):
    """The Guide one page wide (portrait), the input sheets landscape: Milestones two pages
    wide, Metrics and Team one."""
    from helpers import pdf_pages

    letter, a4 = (612.0, 792.0), (595.3, 841.9)
    size = a4 if lang == "fr" else letter
    guide = pdf_pages(shown[f"guide-{lang}"])
    # about 70 rows of the Guide fill two pages; printed at 100% it would be two pages wide
    assert len(guide) == 2, guide
    assert all(abs(w - size[0]) < 1 and abs(h - size[1]) < 1 for w, h in guide)
    for key, count in (("milestones", 2), ("metrics", 1), ("team", 1)):
        pages = pdf_pages(shown[f"{key}-{lang}"])
        assert len(pages) == count, (key, pages)
        assert all(w > h for w, h in pages), key


def test_gnumeric_reads_a_new_workbook_without_assertions(shown, tmp_path):
    """ssconvert printed ~40 GLib-CRITICAL lines saving a new plan as .ods (validations of
    no type) and more printing it (merged cells in the Guide)."""
    import subprocess

    from helpers import need

    prog = need("ssconvert")
    for name, lang in (("blank", "en"), ("digital-campaign", "fr")):
        path = shown["new"][name, lang]
        for ext in ("ods", "pdf"):
            proc = subprocess.run([prog, str(path), str(tmp_path / f"{name}-{lang}.{ext}")],
                                  capture_output=True, text=True, timeout=120)
            assert proc.returncode == 0, proc.stderr
            assert "CRITICAL" not in proc.stderr, (name, lang, ext, proc.stderr[:500])


@pytest.fixture(scope="module")
def managed_pdfs(tmp_path_factory):
    """The bundled sample plans refreshed, each managed sheet printed alone to PDF by
    LibreOffice in the plan's locale."""

    from helpers import only_sheets_visible

    from milestone_sheets.write.refresh.managed import MANAGED_ORDER
    from milestone_sheets.write.refresh.pipeline import refresh_workbook

    d = tmp_path_factory.mktemp("managed")
    samples = ROOT / "sample_workbooks"
    out = {}
    for lang, name, locale in (("en", "lean-plan-en", "en-US"),
                               ("fr", "campagne-digitale-fr", "fr-FR")):
        plan = shutil.copy(samples / f"{name}.xlsx", d / f"{name}.xlsx")
        refresh_workbook(plan, as_of=date(2026, 12, 15))
        files = [only_sheets_visible(plan, d / f"{key}-{lang}.xlsx",
                                     {contract.sheet_title(key, lang)}) for key in MANAGED_ORDER]
        for pdf in soffice_convert(files, "pdf", d / f"pdf-{lang}", locale=locale):
            out[pdf.stem] = pdf
    return out


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_managed_sheets_print_well(managed_pdfs, lang):
    """Printed by LibreOffice: the Summary on one page (it printed on 6, its chart cut), every
    other managed sheet on as few pages as its rows need (one page wide), no '###', no serif
    fallback font."""
    from helpers import pdf_characters, pdf_fonts, pdf_pages

    from milestone_sheets.write.refresh.managed import MANAGED_ORDER

    pages = {key: pdf_pages(managed_pdfs[f"{key}-{lang}"]) for key in MANAGED_ORDER}
    assert len(pages["summary"]) == 1, pages["summary"]
    for key in ("budget", "workload", "timeline", "issues", "history", "baseline"):
        assert 1 <= len(pages[key]) <= 2, (key, pages[key])
    for key in ("timeline", "issues", "history", "workload"):
        assert all(w > h for w, h in pages[key]), key  # landscape
    for key in MANAGED_ORDER:
        pdf = managed_pdfs[f"{key}-{lang}"]
        assert "#" not in pdf_characters(pdf), key
        assert not [f for f in pdf_fonts(pdf) if "times" in f.casefold()
                    or "serif" in f.casefold().replace("sans", "")], key

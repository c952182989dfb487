"""Hostile and broken workbooks: a clear line, exit 2, nothing written, quickly."""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from datetime import date
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import fill_plan
from hostile_corpus import MAKERS, OLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from milestone_sheets.cli import cli

EXPECTED = {
    "zip_bomb": "zip bomb", "billion_laughs": "DTD", "external_entity": "DTD",
    "huge_dimension": "claims", "far_cell": "cells out to", "many_parts": "parts",
    "encrypted": "password", "legacy_xls": ".xls", "ods": "OpenDocument",
    "random_bytes": "not an xlsx", "not_a_workbook_zip": "not an xlsx", "empty": "empty",
    "truncated": "truncated.xlsx: is not an xlsx workbook", "pdf": "not an xlsx",
    "folder": "folder",
}  # macro workbooks (the corpus's "macros") are read: test_macro_and_template_workbooks


def digest(path: Path) -> str:
    if path.is_dir():
        return "dir"
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    return {name: make(d) for name, make in MAKERS.items()}


@pytest.mark.parametrize("command", [["check"], ["report", "--format", "json"], ["refresh"],
                                     ["calendar", "-o", "{out}"]])
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_hostile_file(corpus, tmp_path, case, command):
    path = corpus[case]
    before = digest(path)
    args = [a.replace("{out}", str(tmp_path / "out.ics")) for a in command]
    started = time.monotonic()
    result = CliRunner().invoke(cli, [args[0], str(path), *args[1:]])
    elapsed = time.monotonic() - started
    assert result.exit_code == 2, (case, result.output, result.exception)
    assert elapsed < 10
    out = result.output.strip()
    assert out.startswith("Error: ") and "Traceback" not in out and len(out.splitlines()) == 1
    assert EXPECTED[case] in out
    assert digest(path) == before
    assert not (tmp_path / "out.ics").exists()
    assert not path.with_name(path.name + ".bak").exists()


def test_every_hostile_case_is_tested():
    assert set(EXPECTED) | {"macros"} == set(MAKERS)


def _plan(path: Path) -> Path:
    return fill_plan(path, team=[{"owner": "Ana"}], milestones=[
        {"milestone": "A", "owner": "Ana", "due": date(2026, 12, 1)},
        {"milestone": "B", "owner": "Ana", "due": date(2026, 11, 10)}])


def _repack(src: Path, dst: Path, edit=lambda name, data: data, extra=None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr(name, edit(name, zin.read(name)))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def _read_commands(path: Path, tmp_path: Path) -> None:
    """check, report and calendar read the plan: two milestones, one overdue."""
    runner = CliRunner()
    as_of = ["--as-of", "2026-11-23"]
    res = runner.invoke(cli, ["check", str(path), *as_of])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["report", str(path), "--format", "json", *as_of])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [m["health"] for m in doc["milestones"]] == ["At risk", "Overdue"]
    ics = tmp_path / f"{path.stem}.ics"
    res = runner.invoke(cli, ["calendar", str(path), "-o", str(ics), *as_of])
    assert res.exit_code == 0, res.output
    assert ics.read_bytes().count(b"BEGIN:VEVENT") >= 2


@pytest.mark.parametrize("suffix", [".xlsm", ".xltx", ".xltm"])
def test_macro_and_template_workbooks(tmp_path, suffix):
    """Contract v2: .xlsm, .xltx and .xltm are read (macros are never run)."""
    plan = _plan(tmp_path / "p.xlsx")
    extra = {"xl/vbaProject.bin": OLE} if suffix in (".xlsm", ".xltm") else None
    path = _repack(plan, tmp_path / f"plan{suffix}", extra=extra)
    _read_commands(path, tmp_path)


def test_macro_corpus_file_is_read_not_refused(corpus):
    """The hostile corpus's macro workbook (a blank plan with vbaProject.bin): read."""
    res = CliRunner().invoke(cli, ["check", str(corpus["macros"])])
    assert res.exit_code == 0, res.output


STRICT = [(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
           b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
          (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
           b"http://purl.oclc.org/ooxml/officeDocument/relationships")]


def _strict(name: str, data: bytes) -> bytes:
    if name.endswith((".xml", ".rels")):
        for transitional, strict in STRICT:
            data = data.replace(transitional, strict)
    return data


def test_strict_open_xml_is_read(tmp_path):
    """A Strict Open XML workbook (Excel's "Strict Open XML Spreadsheet"): read as before."""
    path = _repack(_plan(tmp_path / "p.xlsx"), tmp_path / "strict.xlsx", _strict)
    with zipfile.ZipFile(path) as z:
        assert b"purl.oclc.org" in z.read("xl/workbook.xml")
    _read_commands(path, tmp_path)
    before = digest(path)
    # Refresh writes Transitional parts only: it refuses, in one line, and writes nothing.
    res = CliRunner().invoke(cli, ["refresh", str(path), "--as-of", "2026-11-23"])
    assert res.exit_code == 2, res.output
    assert res.output.startswith("Error: ") and len(res.output.splitlines()) == 1
    assert "re-save the file" in res.output
    assert digest(path) == before


def test_unreadable_file(tmp_path, monkeypatch):
    path = fill_plan(tmp_path / "p.xlsx", milestones=[{"milestone": "A", "owner": "x",
                                                       "due": date(2026, 12, 1)}])
    import milestone_sheets.xlsx.guard as package
    from milestone_sheets import load_plan
    from milestone_sheets.errors import PlanError

    monkeypatch.setattr(package.os, "access", lambda *a: False)  # root can read anything
    with pytest.raises(PlanError, match="permission denied") as exc:
        load_plan(path)
    assert exc.value.exit_code == 2


NASTY = ['=HYPERLINK("http://example.com","click")', "<script>alert(1)</script>",
         "+1+1", "-2", "@SUM(A1)", "a & b <c>", 'quote " and \\ backslash; comma, ok']


def _run_everything(tmp_path: Path, names: list[str]):
    path = fill_plan(tmp_path / "p.xlsx", team=[{"owner": "Ana"}], milestones=[
        {"milestone": n, "owner": "Ana", "due": date(2026, 11, 10), "phase": n,
         "deliverable": n} for n in names])
    runner = CliRunner()
    as_of = ["--as-of", "2026-11-23"]
    assert runner.invoke(cli, ["refresh", str(path), *as_of]).exit_code == 0
    html = tmp_path / "r.html"
    assert runner.invoke(cli, ["report", str(path), "--format", "html", "-o", str(html),
                               *as_of]).exit_code == 0
    ics = tmp_path / "r.ics"
    assert runner.invoke(cli, ["calendar", str(path), "-o", str(ics), *as_of]).exit_code == 0
    doc = json.loads(runner.invoke(cli, ["report", str(path), "--format", "json",
                                         *as_of]).stdout)
    portfolio = tmp_path / "port.xlsx"
    assert runner.invoke(cli, ["rollup", str(path), "-o", str(portfolio),
                               *as_of]).exit_code == 0
    return path, html.read_text(), Calendar.from_ical(ics.read_bytes()), doc, portfolio


def _strings(path: Path, sheet: str) -> list:
    ws = openpyxl.load_workbook(path)[sheet]
    return [(c.value, c.data_type) for row in ws.iter_rows() for c in row if c.value]


def test_openpyxl_parses_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML


def test_text_stays_text(tmp_path):
    path, html, cal, doc, portfolio = _run_everything(tmp_path, NASTY)
    for sheet in ("Summary", "Timeline", "Milestones"):
        cells = _strings(path, sheet)
        for n in NASTY:
            assert (n, "s") in cells, (sheet, n)
        assert not [v for v, t in cells if t == "f"]
    attention = _strings(portfolio, "Attention")
    assert all((n, "s") in attention for n in NASTY)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert {f"M-{i:03d}: {n}" for i, n in enumerate(NASTY, 1)} <= summaries
    assert [m["name"] for m in doc["milestones"]] == NASTY


SAFE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn", "Zs")),
    min_size=1, max_size=30).filter(lambda s: s.strip() == s)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(SAFE_TEXT)
def test_any_text_comes_back_unchanged(tmp_path_factory, text):
    d = tmp_path_factory.mktemp("prop")
    path, html, cal, doc, _ = _run_everything(d, [text])
    assert doc["milestones"][0]["name"] == text
    assert (text, "s") in _strings(path, "Timeline")
    assert (text, "s") in _strings(path, "Summary")
    assert text in unescape(html)
    assert any(str(e["SUMMARY"]) == f"M-001: {text}" for e in cal.walk("VEVENT"))

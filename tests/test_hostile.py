"""Hostile and broken workbooks: a clear line, exit 2, nothing written, quickly."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import fill_plan
from hostile_corpus import MAKERS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from milestone_sheets.cli import cli

EXPECTED = {
    "zip_bomb": "zip bomb", "billion_laughs": "DTD", "external_entity": "DTD",
    "huge_dimension": "claims", "far_cell": "cells out to", "many_parts": "parts",
    "encrypted": "password", "legacy_xls": ".xls", "ods": "OpenDocument", "macros": "macros",
    "random_bytes": "not an xlsx", "not_a_workbook_zip": "not an xlsx", "empty": "empty",
    "truncated": "", "pdf": "not an xlsx", "folder": "folder",
}


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


def test_unreadable_file(tmp_path, monkeypatch):
    path = fill_plan(tmp_path / "p.xlsx", milestones=[{"milestone": "A", "owner": "x",
                                                       "due": date(2026, 12, 1)}])
    import milestone_sheets.package as package
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
                                         *as_of]).output)
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

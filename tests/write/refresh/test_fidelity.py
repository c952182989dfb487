"""Refresh keeps everything (issue 13): plans enriched with parts real Excel wrote.

Each plan of `enrich.FEATURES` is a filled plan with one feature of one file of
../shared/corpus/excel-made/ transplanted at the package level (see enrich.py). Each is
refreshed in place with a fixed as-of date, then once more; the tests check that refresh
changed only what msheets owns, and that what it wrote is right.

Owned by msheets (may change): [Content_Types].xml, xl/workbook.xml and its relationships,
docProps/app.xml, xl/styles.xml (append-only), the Milestones and Metrics sheet parts and
their relationships, the comments part and VML drawing they point to, the managed sheets
(Summary ... Baseline) with everything they relate to. xl/sharedStrings.xml may only grow
(issue 13: inline strings, or append). New parts may be added. Every other part: same
name, same bytes.

Each check is a function returning the problems it finds; the `test_check_*` tests at the
end break a package on purpose and make sure the check notices.
"""

from __future__ import annotations

import copy
import csv
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import python_calamine
from click.testing import CliRunner
from enrich import (
    AS_OF,
    BAD_DUE,
    FEATURES,
    MAIN,
    MC,
    NOTE_CELL,
    STRANGER,
    VBA_CT,
    X14AC,
    XLSM_CT,
    Element,
    EnrichedPlan,
    Package,
    build_all,
    canon,
    find_cell,
    is_date_format,
    local,
    notes,
    plain_text,
    q,
    serialize,
    split_ref,
    threaded_refs,
    vml_boxes,
)
from helpers import SHARED, need, soffice_convert
from lxml import etree

from milestone_sheets import contract, evaluate, i18n, load_plan
from milestone_sheets.cli import cli
from milestone_sheets.plans import load_workbook_plan
from milestone_sheets.write.refresh.pipeline import refresh_workbook

CORPUS = SHARED / "corpus" / "excel-made"
pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"{CORPUS} is absent: the Excel-made corpus sits beside the repository "
           "(../shared/corpus/excel-made), as in CI")

NAMES = list(FEATURES)
MANAGED_KEYS = [k for k, s in contract.SHEETS.items() if s.managed]
MANAGED_COLUMNS = {"milestones": ("health", "slack", "flags"),
                   "metrics": ("progress", "expected", "metric_status")}
PATCHED_FREE = ("sheetData", "dimension", "legacyDrawing")  # what a patch may rewrite
VOLATILE_CALC_ATTRS = ("fullCalcOnLoad",)  # refresh may ask Excel to recalculate on open
Problems = list[str]


# --------------------------------------------------------------------------- the runs


@dataclass
class Run:
    """One enriched plan, refreshed once (`after`) and once more on the same date (`again`)."""

    plan: EnrichedPlan
    folder: Path
    path: Path  # the refreshed plan
    before: Package
    after: Package | None = None
    again: Package | None = None
    result: Any = None
    error: BaseException | None = None
    error_again: BaseException | None = None


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    root = tmp_path_factory.mktemp("fidelity")
    out = {}
    for name, plan in build_all(root / "enriched", CORPUS).items():
        folder = root / "refreshed" / name
        folder.mkdir(parents=True)
        path = folder / plan.path.name
        shutil.copy(plan.path, path)
        run = Run(plan, folder, path, Package.read(plan.path))
        try:
            run.result = refresh_workbook(path, as_of=AS_OF)
            run.after = Package.read(path)
        except Exception as exc:  # reported by every test of this plan
            run.error = exc
        if run.after is not None:
            second = root / "again" / name / plan.path.name
            second.parent.mkdir(parents=True)
            shutil.copy(path, second)
            try:
                refresh_workbook(second, as_of=AS_OF)
                run.again = Package.read(second)
            except Exception as exc:  # reported by the test of the second refresh
                run.error_again = exc
        out[name] = run
    return out


def refreshed(runs: dict[str, Run], name: str) -> tuple[Run, Package]:
    run = runs[name]
    if run.error is not None:
        pytest.fail(f"refresh of the plan with {run.plan.what} raised "
                    f"{type(run.error).__name__}: {run.error}")
    assert run.after is not None
    return run, run.after


# --------------------------------------------------------------------------- reading parts


def rel_map(pkg: Package, source: str) -> dict[str, str]:
    return {r.id: f"<{r.type}|{r.target}|{'external' if r.external else 'internal'}>"
            for r in pkg.rels(source)}


def closure(pkg: Package, part: str) -> set[str]:
    """A part, its relationships part, and everything they point to, recursively."""
    out: set[str] = set()
    todo = [part]
    while todo:
        name = todo.pop()
        if name not in out:
            out |= {name, Package.rels_part(name)}
            todo += [r.target for r in pkg.rels(name) if not r.external]
    return out


def sheet_keys(pkg: Package) -> dict[str, str]:
    """Sheet key -> part, for the first sheet of each kind msheets knows."""
    out: dict[str, str] = {}
    for s in pkg.sheets():
        key = contract.find_sheet_key(s.name)
        if key is not None and key not in out:
            out[key] = s.part
    return out


def owned_parts(pkg: Package) -> set[str]:
    """The parts of `pkg` a refresh may change (see the module docstring)."""
    wb = pkg.workbook_part
    owned = {"[Content_Types].xml", wb, Package.rels_part(wb), "docProps/app.xml",
             *pkg.related(wb, "styles")}
    for key, part in sheet_keys(pkg).items():
        if key in MANAGED_COLUMNS:
            owned |= {part, Package.rels_part(part)}
            owned |= {r.target for r in pkg.rels(part)
                      if r.type.rsplit("/", 1)[-1] in ("comments", "vmlDrawing")}
        elif contract.SHEETS[key].managed:
            owned |= closure(pkg, part)
    return owned


def shared_strings(pkg: Package) -> list[Element]:
    parts = pkg.related(pkg.workbook_part, "sharedStrings")
    return list(pkg.xml(parts[0])) if parts else []


class Cells:
    """A worksheet part parsed: root, rows, cells by reference, and the text of a cell."""

    def __init__(self, pkg: Package, part: str) -> None:
        self.part = part
        self.root = pkg.xml(part)
        self.rels = rel_map(pkg, part)
        self.strings = [plain_text(si) for si in shared_strings(pkg)]
        data = self.root.find(q(MAIN, "sheetData"))
        self.rows = {int(r.get("r")): r for r in data}
        self.cells = {str(c.get("r")): c for r in data for c in r}

    def text(self, ref: str) -> str | None:
        cell = self.cells.get(ref)
        if cell is None:
            return None
        if cell.get("t") == "inlineStr":
            return "".join(t.text or "" for t in cell.iter(q(MAIN, "t")))
        v = cell.find(q(MAIN, "v"))
        if v is None:
            return None
        return self.strings[int(v.text)] if cell.get("t") == "s" else v.text

    def header(self, key: str) -> dict[str, int]:
        """Column key -> column, from an input sheet's header row (en or fr labels)."""
        labels = contract.header_index(key)
        for r in sorted(self.rows)[:10]:
            found = {}
            for ref in self.cells:
                row, col = split_ref(ref)
                text = self.text(ref) if row == r else None
                if text and i18n.normalize(text) in labels:
                    found[labels[i18n.normalize(text)]] = col
            if contract.KEY_COLUMN[key] in found:
                return found
        raise AssertionError(f"no {key} header row in {self.part}")


def input_sheets(before: Package, after: Package) -> Iterator[tuple[str, Cells, Cells]]:
    """(key, before, after) of the input sheets refresh patches."""
    b, a = sheet_keys(before), sheet_keys(after)
    for key in MANAGED_COLUMNS:
        yield key, Cells(before, b[key]), Cells(after, a[key])


def calamine(path: Path) -> Any:
    return python_calamine.CalamineWorkbook.from_path(str(path))


def rows_of(book: Any, title: str) -> list[list[Any]]:
    return list(book.get_sheet_by_name(title).to_python(skip_empty_area=False))


def on_issues_sheet(book: Any, lang: str, *values: str) -> bool:
    """Whether a row of the Issues sheet holds all these values (severity, cell, message)."""
    rows = rows_of(book, contract.sheet_title("issues", lang))
    return any(set(values) <= {str(v) for v in row} for row in rows[1:])


def no_problems(problems: Problems) -> None:
    """Fail with every problem found, one per line."""
    if problems:
        pytest.fail(f"{len(problems)} problem(s):\n" + "\n".join(problems), pytrace=False)


def same_number(a: Any, b: float | None) -> bool:
    if b is None:
        return a in ("", None)
    return isinstance(a, (int, float)) and abs(a - b) < 1e-9


# --------------------------------------------------------------------------- the checks


def package_problems(pkg: Package) -> Problems:
    """Every relationship reaches a part, every part has a content type, every override
    names a part (so Excel has nothing to repair)."""
    problems = []
    for part in pkg.parts:
        if part.endswith(".rels"):
            folder, base = part.rsplit("_rels/", 1)
            source = folder + base[:-len(".rels")]
            problems += [f"{part}: {r.id} -> missing {r.target}" for r in pkg.rels(source)
                         if not r.external and r.target not in pkg.parts]
        elif part != "[Content_Types].xml" and pkg.content_type(part) is None:
            problems.append(f"{part}: no content type")
    types = pkg.xml("[Content_Types].xml")
    problems += [f"override for missing {o.get('PartName')}"
                 for o in types.iter("{*}Override") if o.get("PartName")[1:] not in pkg.parts]
    return problems


def part_problems(before: Package, after: Package) -> Problems:
    """Parts msheets does not own: same name, same bytes, same content type, still related
    from the parts refresh patches; shared strings only appended to."""
    owned = owned_parts(before)
    sst = set(before.related(before.workbook_part, "sharedStrings"))
    problems = [f"{p}: gone" for p in before.parts if p not in owned and p not in after.parts]
    problems += [f"{p}: changed" for p in before.parts if p not in owned | sst
                 and p in after.parts and after.parts[p] != before.parts[p]]
    old, new = shared_strings(before), shared_strings(after)
    if [canon(s) for s in new[:len(old)]] != [canon(s) for s in old]:
        problems.append("shared strings: an existing entry moved or changed")
    for part in before.parts:
        if (part in after.parts and not part.endswith(".rels") and "[" not in part
                and after.content_type(part) != before.content_type(part)):
            problems.append(f"{part}: content type {after.content_type(part)}")
    sources = [before.workbook_part] + [sheet_keys(before)[k] for k in MANAGED_COLUMNS]
    for source in sources:
        kept = {(r.type, r.target, r.external) for r in after.rels(source)}
        problems += [f"{source}: lost relationship to {r.target}" for r in before.rels(source)
                     if (r.external or r.target not in owned)
                     and (r.type, r.target, r.external) not in kept]
    return problems


def element_problems(before: Package, after: Package) -> Problems:
    """Inside the patched sheets, every element but sheetData, dimension and legacyDrawing
    is as it was (canonical XML, relationship ids resolved), and so are the root's
    attributes (mc:Ignorable ...) and namespace declarations."""
    problems = []
    for key, b, a in input_sheets(before, after):
        if dict(a.root.attrib) != dict(b.root.attrib):
            problems.append(f"{key}: root attributes {dict(a.root.attrib)}")
        problems += [f"{key}: namespace {p}={u} dropped" for p, u in b.root.nsmap.items()
                     if a.root.nsmap.get(p) != u]
        kept_b = [canon(el, b.rels) for el in b.root if local(el) not in PATCHED_FREE]
        kept_a = [canon(el, a.rels) for el in a.root if local(el) not in PATCHED_FREE]
        problems += [f"{key}: element {i} changed:\n  {x[:300]!r}\n  {y[:300]!r}"
                     for i, (x, y) in enumerate(zip(kept_b, kept_a, strict=False)) if x != y]
        if len(kept_a) != len(kept_b):
            problems.append(f"{key}: {len(kept_b)} elements became {len(kept_a)}")
    return problems


def cell_problems(before: Package, after: Package) -> Problems:
    """Cells outside the managed columns are as they were (but a blank ID may be filled);
    rows keep their attributes (outline levels, heights, x14ac:dyDescent) but spans."""
    problems = []
    for key, b, a in input_sheets(before, after):
        managed = {h[k] for h in (b.header(key), a.header(key))
                   for k in MANAGED_COLUMNS[key] if k in h}
        id_col = b.header(key).get("id")

        def free(ref: str, cell: Element | None, managed: set[int] = managed,
                 id_col: int | None = id_col) -> bool:
            col = split_ref(ref)[1]
            blank = cell is None or (cell.find(q(MAIN, "v")) is None
                                     and cell.find(q(MAIN, "is")) is None)
            return col in managed or (col == id_col and blank)

        for ref, cell in b.cells.items():
            if free(ref, cell):
                continue
            if ref not in a.cells:
                problems.append(f"{key}!{ref}: gone")
            elif canon(a.cells[ref]) != canon(cell):
                problems.append(f"{key}!{ref}: {canon(cell)!r} became {canon(a.cells[ref])!r}")
        problems += [f"{key}!{ref}: added outside the managed columns"
                     for ref in a.cells.keys() - b.cells.keys() if not free(ref, None)]
        for r, row in b.rows.items():
            if r not in a.rows:
                problems.append(f"{key} row {r}: gone")
                continue
            old = {k: v for k, v in row.attrib.items() if k != "spans"}
            new = {k: v for k, v in a.rows[r].attrib.items() if k != "spans"}
            if new != old:
                problems.append(f"{key} row {r}: attributes {old} became {new}")
    return problems


APPENDED = ("fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
            "tableStyles")


def style_problems(before: Package, after: Package) -> Problems:
    """styles.xml only grows: every number format, font, fill, border, cell format and dxf
    keeps its index and content; the rest (colors, extLst) is unchanged."""
    b = before.xml(before.related(before.workbook_part, "styles")[0])
    a = after.xml(after.related(after.workbook_part, "styles")[0])
    fmts = {n.get("numFmtId"): n.get("formatCode") for n in b.iter(q(MAIN, "numFmt"))}
    new_fmts = {n.get("numFmtId"): n.get("formatCode") for n in a.iter(q(MAIN, "numFmt"))}
    problems = [f"numFmt {k}: {v!r} became {new_fmts.get(k)!r}" for k, v in fmts.items()
                if new_fmts.get(k) != v]
    for section in b:
        tag = local(section)
        other = a.find(section.tag)
        if tag == "numFmts":
            continue
        if other is None:
            problems.append(f"{tag}: gone")
        elif tag in APPENDED:
            old = [canon(el) for el in section]
            new = [canon(el) for el in other]
            problems += [f"{tag}[{i}] changed" for i, (x, y) in enumerate(zip(old, new,
                                                                            strict=False))
                         if x != y]
            if len(new) < len(old):
                problems.append(f"{tag}: {len(old)} entries became {len(new)}")
            if {k: v for k, v in section.attrib.items() if k != "count"} != {
                    k: v for k, v in other.attrib.items() if k != "count"}:
                problems.append(f"{tag}: attributes changed")
            if other.get("count") is not None and int(other.get("count")) != len(other):
                problems.append(f"{tag}: count {other.get('count')} for {len(other)}")
        elif canon(other) != canon(section):
            problems.append(f"{tag}: changed")
    return problems


def workbook_facts(pkg: Package) -> dict[str, Any]:
    """What a user sees of workbook.xml, sheet indexes resolved to sheet names (chart
    sheets counted); defined names of msheets' managed sheets left out."""
    sheets = pkg.sheets()
    names = [s.name for s in sheets]
    root = pkg.workbook()
    managed = {s.name for s in sheets
               if (k := contract.find_sheet_key(s.name)) and contract.SHEETS[k].managed}
    defined = []
    for dn in root.iter(q(MAIN, "definedName")):
        local_id = dn.get("localSheetId")
        scope = names[int(local_id)] if local_id is not None else None
        text = dn.text or ""
        if scope in managed or any(re.search(rf"(^|[^\w.]){re.escape(t)}'?!", text)
                                   for t in managed):
            continue
        attrs = tuple(sorted((k, v) for k, v in dn.attrib.items() if k != "localSheetId"))
        defined.append(repr((attrs, scope, text)))
    view = root.find(f"{q(MAIN, 'bookViews')}/{q(MAIN, 'workbookView')}")
    rels = rel_map(pkg, pkg.workbook_part)
    others = []
    for el in root:
        if local(el) in ("sheets", "definedNames", "bookViews"):
            continue
        if local(el) == "calcPr":
            el = copy.deepcopy(el)
            for attr in VOLATILE_CALC_ATTRS:
                el.attrib.pop(attr, None)
        others.append(canon(el, rels))
    return {
        "user sheets": [(s.name, s.kind, s.state, s.sheet_id, s.part) for s in sheets
                        if s.name not in managed],
        "defined names": sorted(defined),
        "active tab": names[int(view.get("activeTab", "0"))],
        "first tab": names[int(view.get("firstSheet", "0"))],
        "view": {k: v for k, v in view.attrib.items() if k not in ("activeTab", "firstSheet")},
        "other elements": others,
        "root attributes": dict(root.attrib),
    }


def workbook_problems(before: Package, after: Package) -> Problems:
    """User sheets keep order, names, states and parts; defined names point at the same
    sheets; the active tab is the same sheet; every other element of workbook.xml is
    unchanged."""
    b, a = workbook_facts(before), workbook_facts(after)
    problems = [f"workbook: {key}: {b[key]!r} became {a[key]!r}" for key in b if a[key] != b[key]]
    wb_b, wb_a = before.workbook(), after.workbook()
    problems += [f"workbook: namespace {p}={u} dropped" for p, u in wb_b.nsmap.items()
                 if wb_a.nsmap.get(p) != u]
    return problems


def note_problems(before: Package, after: Package,
                  issues: dict[str, dict[str, list[str]]]) -> Problems:
    """The user's notes keep their text, author and VML box; threaded comments stay where
    they were; every problem cell (`issues`: sheet -> cell -> messages) without a note of
    the user's has a note saying the problem; there is no other note; every note has one
    VML box."""
    problems = []
    titles = {s.part: s.name for s in after.sheets()}
    for key in MANAGED_COLUMNS:
        b_part, a_part = sheet_keys(before)[key], sheet_keys(after)[key]
        title = titles[a_part]
        users, now = notes(before, b_part), notes(after, a_part)
        old_boxes, boxes = vml_boxes(before, b_part), vml_boxes(after, a_part)
        for ref, note in users.items():
            if now.get(ref) != note:
                problems.append(f"{title}!{ref}: the user's note became {now.get(ref)}")
            if boxes.get(ref) != old_boxes.get(ref):
                problems.append(f"{title}!{ref}: the user's note box changed")
        if threaded_refs(after, a_part) != threaded_refs(before, b_part):
            problems.append(f"{title}: threaded comments moved")
        cells = issues.get(title, {})
        for ref, messages in cells.items():
            if ref in users:
                continue  # the user's note (or threaded comment) stays; Issues lists it
            if ref not in now:
                problems.append(f"{title}!{ref}: a problem but no note")
                continue
            problems += [f"{title}!{ref}: the note lacks {m!r}" for m in messages
                         if m not in now[ref].plain]
        problems += [f"{title}!{ref}: a note on a cell without problems"
                     for ref in sorted(set(now) - set(users) - set(cells))]
        problems += [f"{title}!{ref}: {len(boxes.get(ref, []))} VML boxes" for ref in now
                     if len(boxes.get(ref, [])) != 1]
        problems += [f"{title}!{ref}: a VML box without a note" for ref in set(boxes) - set(now)]
    return problems


def problem_cells(path: Path) -> dict[str, dict[str, list[str]]]:
    """Sheet -> cell -> messages of the plan's errors and warnings."""
    out: dict[str, dict[str, list[str]]] = {}
    for i in load_plan(path, as_of=AS_OF).issues:
        if i.severity in ("error", "warning") and i.cell:
            out.setdefault(i.sheet, {}).setdefault(i.cell, []).append(i.message)
    return out


def sameness_problems(first: Package, second: Package) -> Problems:
    """Parts added, gone or changed from `first` to `second` (sheets named)."""
    sheets = {s.part: f" (sheet {s.name!r})" for s in first.sheets()}
    problems = [f"{p}: added" for p in sorted(second.parts.keys() - first.parts.keys())]
    problems += [f"{p}{sheets.get(p, '')}: gone"
                 for p in sorted(first.parts.keys() - second.parts.keys())]
    return problems + [f"{p}{sheets.get(p, '')}: changed"
                       for p in sorted(first.parts.keys() & second.parts.keys())
                       if first.parts[p] != second.parts[p]]


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("name", NAMES)
def test_refresh_writes_in_place_and_leaves_nothing_behind(runs, name, tmp_path):
    run, _ = refreshed(runs, name)
    assert run.result.written
    assert run.result.backup is not None
    assert run.result.backup.read_bytes() == run.plan.path.read_bytes()
    assert sorted(p.name for p in run.folder.iterdir()) == sorted(
        [run.path.name, run.result.backup.name]), "a temporary file was left behind"
    copy_path = tmp_path / run.plan.path.name  # the command says the same: exit code 0
    shutil.copy(run.plan.path, copy_path)
    res = CliRunner().invoke(cli, ["refresh", str(copy_path), "--as-of", AS_OF.isoformat()])
    assert res.exit_code == 0, res.output
    assert copy_path.read_bytes() != run.plan.path.read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_the_plans_results_are_in_the_workbook(runs, name):
    run, _ = refreshed(runs, name)
    before = load_plan(run.plan.path, as_of=AS_OF)
    plan, book_layout = load_workbook_plan(run.path, as_of=AS_OF)
    status = evaluate(plan, AS_OF)
    lang = plan.language
    for b, a in zip(before.milestones, plan.milestones, strict=True):  # no input changed
        assert {**vars(b), "id_filled": False} == {**vars(a), "id_filled": False}
    assert before.metrics == plan.metrics
    book = calamine(run.path)
    layout = book_layout.sheets["milestones"]
    cols = layout.columns
    rows = rows_of(book, layout.title)
    for s in status.milestones:
        row, where = rows[s.milestone.row - 1], f"{layout.title} row {s.milestone.row}"
        assert row[cols["health"] - 1] == s.health.label(lang), where
        assert same_number(row[cols["slack"] - 1], s.slack), where
        assert row[cols["flags"] - 1] == "; ".join(f.label(lang) for f in s.flags), where
    filled = [m for m in before.milestones if m.id_filled]
    assert filled, "the plan should have a blank ID"
    assert all(rows[m.row - 1][cols["id"] - 1] == m.id for m in filled)
    mlayout = book_layout.sheets["metrics"]
    mrows = rows_of(book, mlayout.title)
    for ms in status.metrics:
        row = mrows[ms.metric.row - 1]
        assert same_number(row[mlayout.columns["progress"] - 1], ms.progress)
        assert same_number(row[mlayout.columns["expected"] - 1], ms.expected)
        assert row[mlayout.columns["metric_status"] - 1] == ms.status.label(lang)
    for key in MANAGED_KEYS:
        title = contract.sheet_title(key, lang)
        assert title in book.sheet_names, f"no {title} sheet"
        content = [r for r in rows_of(book, title) if any(v not in ("", None) for v in r)]
        assert len(content) >= 2, f"{title} holds no rows"
    for i in plan.issues:
        if i.severity in ("error", "warning") and i.cell:
            assert on_issues_sheet(book, lang, i.severity, i.cell, i.message), i.where
    history = rows_of(book, contract.sheet_title("history", lang))
    assert [r[0] for r in history[1:] if r[0] not in ("", None)] == [AS_OF]


# --------------------------------------------------------------------------- what is kept


@pytest.mark.parametrize("name", NAMES)
def test_enriched_plan_is_a_consistent_package(runs, name):
    """The fixture itself is a valid package (what Excel would open without repair)."""
    no_problems(package_problems(runs[name].before))


@pytest.mark.parametrize("name", NAMES)
def test_refreshed_package_is_consistent(runs, name):
    _, after = refreshed(runs, name)
    no_problems(package_problems(after))


@pytest.mark.parametrize("name", NAMES)
def test_every_part_of_the_users_is_byte_identical(runs, name):
    run, after = refreshed(runs, name)
    no_problems(part_problems(run.before, after))


@pytest.mark.parametrize("name", NAMES)
def test_patched_sheets_keep_every_other_element(runs, name):
    run, after = refreshed(runs, name)
    no_problems(element_problems(run.before, after))


@pytest.mark.parametrize("name", NAMES)
def test_cells_outside_the_managed_columns_are_unchanged(runs, name):
    run, after = refreshed(runs, name)
    no_problems(cell_problems(run.before, after))


@pytest.mark.parametrize("name", NAMES)
def test_styles_are_only_appended(runs, name):
    run, after = refreshed(runs, name)
    no_problems(style_problems(run.before, after))


@pytest.mark.parametrize("name", NAMES)
def test_workbook_keeps_sheets_names_and_active_tab(runs, name):
    run, after = refreshed(runs, name)
    no_problems(workbook_problems(run.before, after))
    titles = [s.name for s in after.sheets()]
    assert [titles.count(contract.sheet_title(key, "en")) for key in MANAGED_KEYS] == [1] * len(
        MANAGED_KEYS), titles


@pytest.mark.parametrize("name", NAMES)
def test_users_notes_kept_msheets_notes_on_problem_cells_only(runs, name):
    run, after = refreshed(runs, name)
    no_problems(note_problems(run.before, after, problem_cells(run.path)))


@pytest.mark.parametrize("name", NAMES)
def test_second_refresh_on_the_same_date_changes_nothing(runs, name):
    run, after = refreshed(runs, name)
    if run.error_again is not None:
        pytest.fail(f"the second refresh raised {type(run.error_again).__name__}: "
                    f"{run.error_again}")
    assert run.again is not None
    no_problems(sameness_problems(after, run.again))


# --------------------------------------------------------------------------- must-show cases


def test_chart_sheet_before_the_managed_sheets_keeps_sheet_scoped_names(runs):
    _, after = refreshed(runs, "chartsheet")
    sheets = after.sheets()
    names = [s.name for s in sheets]
    assert (names[0], sheets[0].kind) == ("Chart1", "chartsheet")
    scoped: dict[str, set[str]] = {}
    for dn in after.workbook().iter(q(MAIN, "definedName")):
        if dn.get("localSheetId") is not None:
            scoped.setdefault(dn.get("name"), set()).add(names[int(dn.get("localSheetId"))])
    assert scoped["TeamLead"] == {"Team"}
    assert scoped["ChartFirst"] == {"Sheet1"}
    assert {"Milestones", "Metrics", "Metric log", "Team"} <= scoped["_xlnm.Print_Titles"]
    view = after.workbook().find(f"{q(MAIN, 'bookViews')}/{q(MAIN, 'workbookView')}")
    assert names[int(view.get("activeTab"))] == "Milestones"


def test_threaded_comment_cell_gets_no_note_and_is_on_the_issues_sheet(runs):
    run, after = refreshed(runs, "threaded-comment")
    part = sheet_keys(after)["milestones"]
    assert threaded_refs(after, part) == [BAD_DUE]
    note = notes(after, part)[BAD_DUE]
    assert note == notes(run.before, sheet_keys(run.before)["milestones"])[BAD_DUE]
    assert note.author.startswith("tc={") and "[Threaded comment]" in note.plain
    assert notes(after, part)[NOTE_CELL].author == "Microsoft Office User"
    assert STRANGER in notes(after, part), "the other problem cell got no note"
    message = problem_cells(run.path)["Milestones"][BAD_DUE][0]
    assert on_issues_sheet(calamine(run.path), "en", "error", BAD_DUE, message)


def test_xlsm_keeps_its_macros(runs):
    run, after = refreshed(runs, "xlsm")
    assert run.path.suffix == ".xlsm"
    vba = run.before.related(run.before.workbook_part, "vbaProject")
    assert vba and after.related(after.workbook_part, "vbaProject") == vba
    assert after.parts[vba[0]] == run.before.parts[vba[0]]
    assert after.content_type(after.workbook_part) == XLSM_CT
    assert after.content_type(vba[0]) == VBA_CT
    assert after.workbook().find(q(MAIN, "workbookPr")).get("codeName") == "ThisWorkbook"
    ms = Cells(after, sheet_keys(after)["milestones"])
    assert ms.root.find(q(MAIN, "sheetPr")).get("codeName") == "Sheet1"


def test_1904_workbook_reads_and_writes_its_own_dates(runs):
    run, after = refreshed(runs, "date1904")
    plain, _ = refreshed(runs, "plain")
    assert after.workbook().find(q(MAIN, "workbookPr")).get("date1904") == "1"
    # the same plan in the 1900 system: the same dates, the same results
    (ours, our_layout), theirs = (load_workbook_plan(run.path, as_of=AS_OF),
                                  load_plan(plain.path, as_of=AS_OF))
    assert [(m.row, m.start, m.due) for m in ours.milestones] == [
        (m.row, m.start, m.due) for m in theirs.milestones]
    assert sum(m.due is not None for m in ours.milestones) == len(ours.milestones) - 1
    book = calamine(run.path)
    rows = rows_of(book, "Milestones")
    review_by = rows[0].index("Review by")
    for m in ours.milestones:
        if m.due is not None:  # the user's formula Due + 7 keeps its cached value
            got = rows[m.row - 1][review_by]
            assert got == m.due + timedelta(days=7), f"row {m.row}: {got}, Due {m.due}"
    col = our_layout.sheets["milestones"].columns["health"] - 1
    plain_rows = rows_of(calamine(plain.path), "Milestones")
    assert [r[col] for r in rows[1:13]] == [r[col] for r in plain_rows[1:13]]
    assert rows_of(book, "History")[1][0] == AS_OF
    head, *recorded = rows_of(book, "Baseline")
    baseline = {r[0]: r[head.index("Due")] for r in recorded}
    assert all(baseline[m.id] == m.due for m in ours.milestones if m.due is not None)


# --------------------------------------------------------------------------- office programs


def health_column(path: Path, read: Callable[[str], list[list[Any]]]) -> tuple[list, list]:
    """(Health cells as `read` gives the Milestones rows, the healths msheets computes)."""
    plan = load_plan(path, as_of=AS_OF)
    status = evaluate(plan, AS_OF)
    rows = read("Milestones")
    col = [str(v) for v in rows[0]].index("Health")
    return ([rows[s.milestone.row - 1][col] for s in status.milestones],
            [s.health.label(plan.language) for s in status.milestones])


@pytest.mark.soffice
def test_refreshed_plans_open_in_libreoffice(runs, tmp_path):
    """LibreOffice opens every enriched plan and every refreshed one (one start for all)
    and reads the Health column msheets wrote."""
    files = []
    (tmp_path / "in").mkdir()
    for name in NAMES:
        run, _ = refreshed(runs, name)
        for kind, src in (("enriched", run.plan.path), ("refreshed", run.path)):
            files.append(tmp_path / "in" / f"{kind}-{name}{src.suffix}")
            shutil.copy(src, files[-1])
    converted = soffice_convert(files, "xlsx", tmp_path / "lo")
    for name, path in zip(NAMES, converted[1::2], strict=True):
        book = calamine(path)
        got, want = health_column(runs[name].path, lambda t, b=book: rows_of(b, t))
        assert got == want, name
        assert "Summary" in book.sheet_names, name


@pytest.mark.gnumeric
@pytest.mark.parametrize("name", NAMES)
def test_refreshed_plan_opens_in_gnumeric(runs, name, tmp_path):
    run, _ = refreshed(runs, name)
    proc = subprocess.run([need("ssconvert"), "--export-file-per-sheet", str(run.path),
                           str(tmp_path / "out.%s.csv")], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr

    def read(title: str) -> list[list[Any]]:
        with open(tmp_path / f"out.{title}.csv", newline="", encoding="utf-8") as fh:
            return list(csv.reader(fh))

    got, want = health_column(run.path, read)
    assert got == want
    assert (tmp_path / "out.Summary.csv").exists()


def test_every_corpus_file_is_transplanted():
    used = {source for source, _ in FEATURES.values() if source}
    assert used == {p.name for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xlsm")}


# --------------------------------------------------------------------------- the checks bite
# Each check above is run on an enriched plan against itself (no problem) and against a
# copy broken on purpose, as a refresh could break it (the problem is found). These need
# no refresh, so they also hold while refresh itself fails.


@pytest.fixture(scope="module")
def enriched(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Package]:
    names = ("plain", "chartsheet", "note", "threaded-comment", "sparklines", "data-bars",
             "outline", "xlsm", "image")
    plans = build_all(tmp_path_factory.mktemp("checks"), CORPUS, names)
    return {name: Package.read(p.path) for name, p in plans.items()}


def broken(pkg: Package, part: str, edit: Callable[[bytes], bytes]) -> Package:
    new = Package(dict(pkg.parts))
    new.parts[part] = edit(pkg.parts[part])
    assert new.parts[part] != pkg.parts[part], "the edit changed nothing"
    return new


def broken_xml(pkg: Package, part: str, edit: Callable[[Element], None]) -> Package:
    def apply(data: bytes) -> bytes:
        root = etree.fromstring(data)
        edit(root)
        return serialize(root)
    return broken(pkg, part, apply)


def ms_part(pkg: Package) -> str:
    return sheet_keys(pkg)["milestones"]


def test_check_parts_bites(enriched):
    pkg = enriched["image"]
    no_problems(part_problems(pkg, pkg))
    png = next(p for p in pkg.parts if p.endswith(".png"))
    assert part_problems(pkg, broken(pkg, png, lambda b: b + b"\0"))
    gone = Package({k: v for k, v in pkg.parts.items() if k != png})
    assert part_problems(pkg, gone)
    sst = pkg.related(pkg.workbook_part, "sharedStrings")[0]

    def renumber(root: Element) -> None:
        root.insert(0, root[-1])
    assert part_problems(pkg, broken_xml(pkg, sst, renumber))
    xlsm = enriched["xlsm"]
    assert part_problems(xlsm, broken(xlsm, "[Content_Types].xml", lambda b: b.replace(
        XLSM_CT.encode(), b"application/vnd.openxmlformats-officedocument.spreadsheetml."
                          b"sheet.main+xml")))
    guide = pkg.sheet_part("Guide")
    no_drawing = Package(dict(pkg.parts))
    del no_drawing.parts[Package.rels_part(guide)]
    assert part_problems(pkg, no_drawing)


def test_check_elements_bites(enriched):
    for name in ("sparklines", "data-bars"):
        pkg = enriched[name]
        part = ms_part(pkg)
        no_problems(element_problems(pkg, pkg))

        def drop_ext(root: Element) -> None:
            root.remove(root.find(q(MAIN, "extLst")))
        assert element_problems(pkg, broken_xml(pkg, part, drop_ext))

        def drop_ignorable(root: Element) -> None:
            del root.attrib[q(MC, "Ignorable")]
        assert element_problems(pkg, broken_xml(pkg, part, drop_ignorable))
    pkg = enriched["plain"]

    def wider(root: Element) -> None:
        root.find(f"{q(MAIN, 'cols')}/{q(MAIN, 'col')}").set("width", "99")
    assert element_problems(pkg, broken_xml(pkg, ms_part(pkg), wider))


def test_check_cells_bites(enriched):
    pkg = enriched["sparklines"]
    part = ms_part(pkg)
    no_problems(cell_problems(pkg, pkg))

    def no_dy_descent(root: Element) -> None:
        del root.find(f".//{q(MAIN, 'row')}").attrib[q(X14AC, "dyDescent")]
    assert cell_problems(pkg, broken_xml(pkg, part, no_dy_descent))

    def restyle(root: Element) -> None:
        root.find(f".//{q(MAIN, 'c')}[@r='B2']").set("s", "0")
    assert cell_problems(pkg, broken_xml(pkg, part, restyle))

    def health(root: Element) -> None:  # a managed cell may change
        cell = find_cell(root, "U2")
        assert cell is not None
        cell.set("t", "inlineStr")
        etree.SubElement(etree.SubElement(cell, q(MAIN, "is")), q(MAIN, "t")).text = "Overdue"
    no_problems(cell_problems(pkg, broken_xml(pkg, part, health)))
    outline = enriched["outline"]

    def flat(root: Element) -> None:
        del root.find(f".//{q(MAIN, 'row')}[@r='3']").attrib["outlineLevel"]
    assert cell_problems(outline, broken_xml(outline, ms_part(outline), flat))


def test_check_styles_bites(enriched):
    pkg = enriched["data-bars"]
    styles = pkg.related(pkg.workbook_part, "styles")[0]
    no_problems(style_problems(pkg, pkg))

    def font_first(root: Element) -> None:
        fonts = root.find(q(MAIN, "fonts"))
        fonts.insert(0, copy.deepcopy(fonts[-1]))
    assert style_problems(pkg, broken_xml(pkg, styles, font_first))

    def dxf_changed(root: Element) -> None:
        root.find(q(MAIN, "dxfs"))[0].clear()
    assert style_problems(pkg, broken_xml(pkg, styles, dxf_changed))

    def appended(root: Element) -> None:
        xfs = root.find(q(MAIN, "cellXfs"))
        xfs.append(copy.deepcopy(xfs[0]))
        xfs.set("count", str(len(xfs)))
    no_problems(style_problems(pkg, broken_xml(pkg, styles, appended)))


def test_check_workbook_bites(enriched):
    pkg = enriched["chartsheet"]
    no_problems(workbook_problems(pkg, pkg))
    wb = pkg.workbook_part

    def openpyxl_numbering(root: Element) -> None:  # localSheetId without chart sheets
        for dn in root.iter(q(MAIN, "definedName")):
            if dn.get("localSheetId") is not None:
                dn.set("localSheetId", str(int(dn.get("localSheetId")) - 1))
    assert workbook_problems(pkg, broken_xml(pkg, wb, openpyxl_numbering))

    def other_tab(root: Element) -> None:
        root.find(f".//{q(MAIN, 'workbookView')}").set("activeTab", "1")
    assert workbook_problems(pkg, broken_xml(pkg, wb, other_tab))
    threaded = enriched["threaded-comment"]

    def no_abs_path(root: Element) -> None:
        root.remove(root.find(q(MC, "AlternateContent")))
    assert workbook_problems(threaded, broken_xml(threaded, threaded.workbook_part,
                                                  no_abs_path))


def test_check_notes_bites(enriched):
    pkg = enriched["note"]
    no_problems(note_problems(pkg, pkg, {}))
    vml = pkg.related(ms_part(pkg), "vmlDrawing")[0]
    assert note_problems(pkg, broken(pkg, vml, lambda b: re.sub(
        rb"<x:Anchor>\s*2,", b"<x:Anchor>3,", b)), {})
    comments = pkg.related(ms_part(pkg), "comments")[0]
    assert note_problems(pkg, broken(pkg, comments, lambda b: b.replace(
        b"Some text", b"msheets:\n- error: ...")), {})
    # a problem cell without a note; a note on a cell without a problem
    assert note_problems(pkg, pkg, {"Milestones": {STRANGER: ["owner 'Zed'"]}})
    moved = broken(pkg, comments, lambda b: b.replace(f'ref="{NOTE_CELL}"'.encode(),
                                                      b'ref="C3"'))
    assert note_problems(pkg, moved, {})
    threaded = enriched["threaded-comment"]
    tc = threaded.related(ms_part(threaded), "comments")[0]
    no_problems(note_problems(threaded, threaded, {"Milestones": {BAD_DUE: ["x"]}}))
    assert note_problems(threaded, broken(threaded, tc, lambda b: b.replace(
        b"[Threaded comment]", b"msheets: cannot read 'soonish' as a date")), {})


def test_check_sameness_bites(enriched):
    pkg = enriched["plain"]
    no_problems(sameness_problems(pkg, pkg))
    assert sameness_problems(pkg, broken(pkg, "docProps/app.xml", lambda b: b + b" "))


def test_enrich_recognises_date_formats():
    """Which cells the 1904 plan shifts: those whose number format shows a date."""
    assert is_date_format("d mmm yyyy") and is_date_format("yyyy-mm-dd h:mm")
    assert not is_date_format('"$"#,##0;-"$"#,##0') and not is_date_format("0%")
    assert not is_date_format('[>999999]#,,"M";[>999]#,"K";#')
    assert split_ref("AB12") == (12, 28)

"""Section and summary rows: which rows head a group (and become the Phase, or the Tactic,
of the rows under them) and which are the tasks.

The hierarchy is read from the first of these the source has: a parent column (Jira's Parent,
Asana's Parent task), an outline level (MS Project), WBS numbers (1, 1.1, 1.2), indented task
names, or heading rows (a name and nothing else, above the rows of its group).
"""

from __future__ import annotations

import functools
import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from milestone_sheets import i18n
from milestone_sheets.importer import mapping as mp
from milestone_sheets.importer.model import TaskRow


@dataclass
class Outline:
    """Per row (by index): whether it heads a group, and the groups it is in."""

    method: str  # how the hierarchy was read ("" when flat)
    sections: set[int] = field(default_factory=set)  # rows heading tasks: phases
    empty: set[int] = field(default_factory=set)  # headings with no task under them
    ancestors: dict[int, list[str]] = field(default_factory=dict)  # outermost first
    parents: dict[int, int] = field(default_factory=dict)  # row -> the row heading it

    @functools.cached_property
    def children(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for child, parent in sorted(self.parents.items()):
            out.setdefault(parent, []).append(child)
        return out

    def descendants(self, i: int) -> list[int]:
        """The rows under row i, at any depth, in row order."""
        children = self.children
        out: list[int] = []
        todo = deque(children.get(i, []))
        seen = {i}
        while todo:
            c = todo.popleft()
            if c in seen:
                continue
            seen.add(c)
            out.append(c)
            todo.extendleft(reversed(children.get(c, [])))
        return out


def _name(row: TaskRow) -> str | None:
    return row.name or row.label


def _has_details(row: TaskRow) -> bool:
    return any(f in row.values for f in mp.DETAIL_FIELDS)


def _summary_flag(row: TaskRow) -> bool | None:
    return mp.parse_bool(row.values.get("summary_flag"))


def outline(rows: Sequence[TaskRow]) -> Outline:
    for method, parents in (("parent column", _by_parent(rows)),
                            ("outline level", _by_level(rows)),
                            ("WBS numbers", _by_wbs(rows)),
                            ("indented names", _by_indent(rows))):
        if parents is not None and any(p is not None for p in parents):
            return _from_tree(rows, parents, method)
    return _by_headings(rows)


def _from_tree(rows: Sequence[TaskRow], parents: list[int | None], method: str) -> Outline:
    out = Outline(method)
    out.parents = {i: p for i, p in enumerate(parents) if p is not None}
    has_children = {p for p in parents if p is not None}
    for i, row in enumerate(rows):
        flag = _summary_flag(row)
        if i in has_children and flag is not False:
            out.sections.add(i)
        elif flag:
            out.empty.add(i)
    for i, row in enumerate(rows):
        if i in out.sections or i in out.empty:
            continue
        chain: list[str] = []
        seen = {i}
        p = parents[i]
        while p is not None and p not in seen and p in out.sections:
            seen.add(p)
            name = _name(rows[p])
            if name:
                chain.append(name)
            p = parents[p]
        if not chain:
            parent_name = mp.text(row.values.get("parent_name"))
            if parent_name:
                chain = [parent_name]
        out.ancestors[i] = chain[::-1]
    return out


def _by_parent(rows: Sequence[TaskRow]) -> list[int | None] | None:
    if not any("parent" in r.values for r in rows):
        return None
    by_key: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for i, r in enumerate(rows):
        for k in r.keys:
            by_key.setdefault(k, i)
        if r.name:
            by_name.setdefault(i18n.normalize(r.name), i)
    out: list[int | None] = []
    for i, r in enumerate(rows):
        ref = mp.text(r.values.get("parent"))
        p = None
        if ref:
            p = by_key.get(ref)
            if p is None:
                p = by_name.get(i18n.normalize(ref))
        out.append(p if p != i else None)
    return out


def _stack(levels: Sequence[float | None]) -> list[int | None]:
    """Parents from levels in row order: a row's parent is the last row above it with a
    lower level."""
    out: list[int | None] = []
    stack: list[tuple[float, int]] = []
    for i, level in enumerate(levels):
        if level is None:
            out.append(stack[-1][1] if stack else None)
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        out.append(stack[-1][1] if stack else None)
        stack.append((level, i))
    return out


def _by_level(rows: Sequence[TaskRow]) -> list[int | None] | None:
    levels: list[float | None] = []
    for r in rows:
        v = r.values.get("level")
        try:
            levels.append(float(str(v).strip()) if v is not None else None)
        except ValueError:
            levels.append(None)
    if len({v for v in levels if v is not None}) < 2:
        return None
    return _stack(levels)


def _by_wbs(rows: Sequence[TaskRow]) -> list[int | None] | None:
    from milestone_sheets.importer.table import wbs_key

    codes = [wbs_key(r.values.get("wbs")) for r in rows]
    if not any(codes):
        return None
    index: dict[str, int] = {}
    for i, code in enumerate(codes):
        if code:
            index.setdefault(code, i)
    out: list[int | None] = []
    for i, code in enumerate(codes):
        p = None
        while code and "." in code and p is None:
            code = code.rsplit(".", 1)[0]
            p = index.get(code)
        out.append(p if p != i else None)
    return out


def _by_indent(rows: Sequence[TaskRow]) -> list[int | None] | None:
    """Names indented by two spaces or more, on at least two rows and a tenth of them (a
    stray leading space is no outline)."""
    named = [r for r in rows if r.name]
    if not named:
        return None
    base = min(r.indent for r in named)
    indented = sum(1 for r in named if r.indent - base >= 2)
    if indented < 2 or indented * 10 < len(named):
        return None
    return _stack([float(r.indent if r.indent - base >= 2 else base) if r.name else None
                   for r in rows])


def _by_headings(rows: Sequence[TaskRow]) -> Outline:
    """Rows with a name and nothing else, above rows of tasks, head them; several in a row
    nest (the first is the Phase, the last the Tactic)."""
    out = Outline("")

    def heading(r: TaskRow) -> bool:
        flag = _summary_flag(r)
        return bool(_name(r)) and (flag if flag is not None else not _has_details(r))

    flags = [heading(r) for r in rows]
    tasks = [i for i, r in enumerate(rows) if r.name and not flags[i]]
    last_task = tasks[-1] if tasks else -1
    headings = sum(1 for i in range(last_task) if flags[i])
    if not headings or headings > len(tasks):
        # no row stands out as a heading (or bare names outnumber the rest: tasks, then)
        for i, r in enumerate(rows):
            if r.name:
                out.ancestors[i] = []
        return out
    out.method = "heading rows"
    current: list[int] = []
    run: list[int] = []
    for i, r in enumerate(rows):
        if heading(r):
            run.append(i)
            continue
        if not r.name:
            continue
        if run:
            current, run = run, []
            out.sections.update(current)
            for outer, inner in itertools.pairwise(current):
                out.parents[inner] = outer
        out.ancestors[i] = [n for n in (_name(rows[h]) for h in current) if n]
        if current:
            out.parents[i] = current[-1]
    out.empty.update(run)
    return out

"""Source rows to milestones: values read, statuses mapped, Done inferred, IDs and Depends on.

Nothing the source says is lost: a value that cannot be read, a status word msheets does not
know, the other owners of a task, a predecessor's link type and lag go to Notes, and each is
listed among the warnings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from milestone_sheets import contract, i18n
from milestone_sheets.contract.vocab import Status
from milestone_sheets.importer import mapping as mp
from milestone_sheets.importer.model import ImportedMilestone, Note, Pred, TaskRow
from milestone_sheets.importer.outline import Outline, outline
from milestone_sheets.read.values import parse_money, parse_number, parse_percent

NOTE_WORDS = {
    "also": ("Also: {}", "Aussi : {}"),
    "status": ("Status in the source: {}", "Statut dans la source : {}"),
    "value": ("{} in the source: {}", "{} dans la source : {}"),
    "preds": ("Predecessors in the source: {}", "Prédécesseurs dans la source : {}"),
}
MAX_ID_LENGTH = 30


def note_text(key: str, lang: str, *args: object) -> str:
    en, fr = NOTE_WORDS[key]
    return (fr if lang == "fr" else en).format(*args)


@dataclass
class Built:
    milestones: list[ImportedMilestone]
    sections: list[Note] = field(default_factory=list)
    skipped: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    outline_method: str = ""


@dataclass
class Options:
    lang: str = "en"
    status_map: dict[str, Status] = field(default_factory=dict)  # normalized word -> status
    date_order: str = "MDY"  # for text dates whose column does not prove an order
    default_year: int = 2000
    id_title: str = "ID"  # the source's ID column, kept when its IDs cannot be used
    wbs_title: str = "WBS"  # the source's WBS column, kept when it is not the ID


class _Reader:
    """Reads the values of one field across all rows the same way."""

    def __init__(self, rows: Sequence[TaskRow], opts: Options) -> None:
        self.opts = opts
        self._dates: dict[tuple[str, type, object], tuple[date | None, str | None]] = {}
        self.orders = {f: mp.date_order((r.values.get(f) for r in rows), opts.date_order)
                       for f in mp.DATE_FIELDS}
        # A % column holding any number above 1 is on a 0-100 scale: its 1 is 1%, not 100%.
        self.pct_hundred = any(
            (_number(r.values.get("pct")) or 0) > 1
            for r in rows if not str(r.values.get("pct", "")).strip().endswith("%"))

    def date(self, fld: str, raw: object, m: ImportedMilestone,
             warn: list[Note]) -> date | None:
        key = (fld, type(raw), raw)
        if key not in self._dates:  # plans repeat their dates: each is read once
            self._dates[key] = mp.read_date(raw, self.orders[fld], self.opts.default_year)
        value, problem = self._dates[key]
        label = mp.field_label(fld)
        if problem == "tbd":
            warn.append(Note(m.row, f"{label} {mp.text(raw)!r} read as blank"))
        elif problem:
            warn.append(Note(m.row, f"{label}: {problem}; kept in Notes"))
            m.notes.append(note_text("value", self.opts.lang, self._label(fld), mp.text(raw)))
        return value

    def pct(self, raw: object, m: ImportedMilestone, warn: list[Note]) -> float | None:
        if raw is None:
            return None
        n = _number(raw)
        if n is not None and not str(raw).strip().endswith("%"):
            frac: float | None = n / 100 if (self.pct_hundred or n > 1) else n
            error = None
        else:
            p = parse_percent(raw)
            frac, error = p.value, p.error
        if frac is not None and not 0 <= frac <= 1 + 1e-9:
            error, frac = "is not between 0% and 100%", None
        if error or frac is None:
            warn.append(Note(m.row, f"% Complete {mp.text(raw)!r} {error or 'unreadable'}; "
                                    "kept in Notes"))
            m.notes.append(note_text("value", self.opts.lang, self._label("pct"), mp.text(raw)))
            return None
        return min(frac, 1.0)

    def amount(self, fld: str, raw: object, m: ImportedMilestone,
               warn: list[Note]) -> float | str | None:
        if raw is None:
            return None
        p = parse_money(raw) if fld in ("budget", "actual") else parse_number(raw)
        if p.error or p.value is None:
            warn.append(Note(m.row, f"{mp.field_label(fld)} {mp.text(raw)!r} is not a number; "
                                    "kept in Notes"))
            m.notes.append(note_text("value", self.opts.lang, self._label(fld), mp.text(raw)))
            return None
        if p.per_month and fld == "budget":
            return mp.text(raw)  # msheets reads "1,000/month" itself
        return float(p.value)

    def _label(self, fld: str) -> str:
        return contract.column("milestones", fld).label(self.opts.lang)


def _number(raw: object) -> float | None:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, (int, float)):
        return float(raw) if math.isfinite(raw) else None
    p = parse_number(raw)
    return p.value if p.error is None else None


def build(rows: Sequence[TaskRow], opts: Options) -> Built:
    o = outline(rows)
    out = Built([], outline_method=o.method)
    reader = _Reader(rows, opts)
    index_of: dict[int, ImportedMilestone] = {}
    for i, row in enumerate(rows):
        if i in o.sections:
            out.sections.append(Note(row.row, row.name or row.label or ""))
            continue
        if i in o.empty:
            out.skipped.append(Note(row.row, f"{row.name or row.label!r}: a heading with no "
                                             "task under it"))
            continue
        if not row.name:
            if row.values or row.extra:
                out.skipped.append(Note(row.row, "no task name"))
            continue
        m = _milestone(row, o.ancestors.get(i, []), reader, opts, out.warnings)
        out.milestones.append(m)
        index_of[i] = m
    _assign_ids(out.milestones, opts)
    _depends_on(rows, o, index_of, opts, out.warnings)
    return out


def _milestone(row: TaskRow, ancestors: list[str], reader: _Reader, opts: Options,
               warn: list[Note]) -> ImportedMilestone:
    v = row.values
    m = ImportedMilestone(row=row.row, name=row.name or "")
    lang = opts.lang
    source_notes = mp.text(v.get("notes"))
    if source_notes:
        m.notes.append(str(v["notes"]).strip())
    phase_col, tactic_col = mp.text(v.get("phase")), mp.text(v.get("tactic"))
    m.phase = phase_col or (ancestors[0] if ancestors else None)
    inner = ancestors[-1] if ancestors else None
    if tactic_col:
        m.tactic = tactic_col
    elif inner and inner != m.phase and (phase_col or len(ancestors) >= 2):
        m.tactic = inner
    m.strategy = mp.text(v.get("strategy"))
    m.deliverable = mp.text(v.get("deliverable"))
    raw_owner = v.get("owner")
    owners = list(raw_owner) if isinstance(raw_owner, list) else mp.split_owners(raw_owner)
    if owners:
        m.owner = owners[0]
        if len(owners) > 1:
            m.notes.append(note_text("also", lang, ", ".join(owners[1:])))
    m.start = reader.date("start", v.get("start"), m, warn)
    m.due = reader.date("due", v.get("due"), m, warn)
    m.completed = reader.date("completed", v.get("completed"), m, warn)
    if m.due is None and m.start is not None and "duration" in v:
        days = mp.parse_duration(v["duration"])
        if days is None:
            warn.append(Note(m.row, f"Duration {mp.text(v['duration'])!r} is not a duration"))
        else:
            m.due = mp.add_working_days(m.start, days)
            warn.append(Note(m.row, f"no end date: Due = Start + {mp.text(v['duration'])} "
                                    f"(working days) = {m.due.isoformat()}"))
    m.pct = reader.pct(v.get("pct"), m, warn)
    budget = reader.amount("budget", v.get("budget"), m, warn)
    m.budget = budget
    actual = reader.amount("actual", v.get("actual"), m, warn)
    m.actual = actual if isinstance(actual, float) else None
    effort = reader.amount("effort", v.get("effort"), m, warn)
    m.effort = effort if isinstance(effort, float) else None
    raw_status = v.get("status")
    m.status = mp.map_status(raw_status, opts.status_map)
    if raw_status is not None and m.status is None and mp.text(raw_status):
        word = mp.text(raw_status)
        warn.append(Note(m.row, f"status {word!r} is not a status msheets knows: kept in "
                                f"Notes (--status-map \"{word}=In progress\" to map it)"))
        m.notes.append(note_text("status", lang, word))
    done_flag = mp.parse_bool(v.get("done_flag"))
    if m.status is None:
        if (m.pct is not None and m.pct >= 1) or m.completed is not None or done_flag:
            m.status = Status.DONE
        elif m.pct is not None and 0 < m.pct < 1:
            m.status = Status.IN_PROGRESS
    from milestone_sheets.importer.table import wbs_key

    wbs = wbs_key(v.get("wbs"))
    m.source_id = mp.text(v.get("id")) or wbs
    m.extra = {k: _cell(x) for k, x in row.extra.items()}
    if wbs and m.source_id != wbs:
        m.extra = {opts.wbs_title: wbs, **m.extra}
    return m


def _cell(raw: Any) -> Any:
    if isinstance(raw, str):
        return raw.translate(mp._ZERO_WIDTH).strip()
    return raw


def _assign_ids(milestones: list[ImportedMilestone], opts: Options) -> None:
    """The source's IDs when every milestone has one, unique and short; else M-001 ...
    (the source's IDs then kept in a column of their own)."""
    ids = [m.source_id for m in milestones]
    keys = [i.strip().casefold() if i else "" for i in ids]
    usable = bool(ids) and all(i and len(i) <= MAX_ID_LENGTH for i in ids) and \
        len(set(keys)) == len(keys) and all(keys)
    width = max(3, len(str(len(milestones))))
    title = opts.id_title
    if i18n.normalize(title) in contract.header_index("milestones"):
        title = f"{title} (source)"
    for n, m in enumerate(milestones, start=1):
        if usable and m.source_id:
            m.id = m.source_id
        else:
            m.id = f"M-{n:0{width}d}"
            if m.source_id:
                m.extra = {title: m.source_id, **m.extra}


def _depends_on(rows: Sequence[TaskRow], o: Outline, index_of: dict[int, ImportedMilestone],
                opts: Options, warn: list[Note]) -> None:
    """Depends on from the source's predecessors, by ID, WBS number or key; a summary row
    named as predecessor stands for every milestone under it."""
    by_key: dict[str, int] = {}
    for i, r in enumerate(rows):
        for k in r.keys:
            by_key.setdefault(k, i)
            by_key.setdefault(k.casefold(), i)
    positional = not by_key  # no IDs at all: "3" is the third row of the list
    leaves: dict[int, list[str]] = {}

    def targets(i: int) -> list[str]:
        if i in index_of:
            return [index_of[i].id]
        if i not in leaves:
            leaves[i] = [index_of[d].id for d in o.descendants(i) if d in index_of]
        return leaves[i]

    def find(ref: str) -> int | None:
        hit = by_key.get(ref, by_key.get(ref.casefold()))
        if hit is None and "." in ref:
            from milestone_sheets.importer.table import wbs_key

            hit = by_key.get(wbs_key(ref) or "")
        if hit is None and positional and ref.isdigit() and 1 <= int(ref) <= len(rows):
            hit = int(ref) - 1
        return hit

    for i, m in index_of.items():
        row = rows[i]
        preds: list[Pred] = list(row.preds or [])
        if row.preds is None:
            for item in mp.pred_items(row.values.get("depends_on")):
                if find(item) is not None:
                    preds.append(Pred(item))
                else:
                    preds.append(mp.parse_pred(item))
        shown: list[str] = []
        detailed = False
        for p in preds:
            hit = find(p.ref)
            if hit is None:
                warn.append(Note(m.row, f"predecessor {p.ref!r} is not a row of the list; "
                                        "kept in Notes"))
                shown.append(p.text(p.ref))
                detailed = True
                continue
            ids = [x for x in targets(hit) if x != m.id]
            for x in ids:
                if x not in m.depends_on:
                    m.depends_on.append(x)
            if p.type != "FS" or p.lag_days:
                detailed = True
            shown.append(p.text(", ".join(ids) if len(ids) == 1 else
                                (rows[hit].name or p.ref)))
        if detailed and shown:
            m.notes.append(note_text("preds", opts.lang, ", ".join(shown)))

"""An xlsx package as parts: names -> bytes, relationships and content types.

Parts are read once and kept as bytes; saving writes every part msheets did not change
with exactly the bytes it came with, under the same name and in the same order. A part of
the user's that is not as this layer expects (damaged, missing, XML that does not parse)
raises `PackageError`.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

from milestone_sheets.errors import PackageError
from milestone_sheets.xlsx.cells import quote_attr

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

CONTENT_TYPES = "[Content_Types].xml"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"

# zlib level of the parts written: 3 deflates twice as fast as 6 for a file about 10%
# larger (every part is deflated again: zipfile cannot copy a part's compressed bytes).
COMPRESS_LEVEL = 3
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Safe for files nobody checked: no entities, no network, no huge trees (xlsx/guard.py has
# already refused DTDs and absurd sizes before anything is parsed).
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def parse_xml(data: bytes, name: str = "an XML part") -> etree._Element:
    """An owned part's XML tree (`name`: the part, for the error when it does not parse)."""
    try:
        return etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        raise PackageError(f"part {name} is not well-formed XML ({exc})") from None


def serialize_xml(root: etree._Element) -> bytes:
    """An owned part's XML, with the declaration Excel writes."""
    return XML_DECLARATION + bytes(etree.tostring(root, encoding="UTF-8"))


def rels_name(part: str) -> str:
    """The relationships part of `part` (xl/workbook.xml -> xl/_rels/workbook.xml.rels)."""
    base, name = posixpath.split(part)
    return posixpath.join(base, "_rels", name + ".rels")


@dataclass
class Relationship:
    """One relationship of a part: id, type (full URI), target (as written) and mode."""

    id: str
    type: str
    target: str
    external: bool = False

    @property
    def kind(self) -> str:
        """The last segment of the type URI: worksheet, drawing, comments ..."""
        return self.type.rsplit("/", 1)[-1]


@dataclass
class Relationships:
    """The relationships of one source part, in file order."""

    source: str
    items: list[Relationship] = field(default_factory=list)

    def target_part(self, rel: Relationship) -> str:
        """The part name a relationship points to (relative targets resolved)."""
        if rel.target.startswith("/"):
            return rel.target[1:]
        return posixpath.normpath(posixpath.join(posixpath.dirname(self.source), rel.target))

    def relative(self, part: str) -> str:
        """The target to write for `part`, relative to the source's folder."""
        return posixpath.relpath(part, posixpath.dirname(self.source) or ".")

    def by_id(self, rid: str) -> Relationship | None:
        return next((r for r in self.items if r.id == rid), None)

    def of_kind(self, kind: str) -> list[Relationship]:
        return [r for r in self.items if not r.external and r.kind == kind]

    def new_id(self) -> str:
        """An id no relationship of this part has."""
        taken = {r.id for r in self.items}
        n = len(self.items) + 1
        while f"rId{n}" in taken:
            n += 1
        return f"rId{n}"

    def add(self, kind: str, part: str, rid: str | None = None) -> Relationship:
        rel = Relationship(rid or self.new_id(), RT + kind, self.relative(part))
        self.items.append(rel)
        return rel

    def remove(self, rid: str) -> None:
        self.items = [r for r in self.items if r.id != rid]

    def to_xml(self) -> bytes:
        out = [XML_DECLARATION.decode(), f'<Relationships xmlns="{NS_PKG_REL}">']
        for r in self.items:
            mode = ' TargetMode="External"' if r.external else ""
            out.append(f"<Relationship Id={quote_attr(r.id)} Type={quote_attr(r.type)} "
                       f"Target={quote_attr(r.target)}{mode}/>")
        out.append("</Relationships>")
        return "".join(out).encode("utf-8")


def parse_rels(source: str, data: bytes | None) -> Relationships:
    rels = Relationships(source)
    if not data:
        return rels
    for el in parse_xml(data, rels_name(source)):
        if not isinstance(el.tag, str) or not el.tag.endswith("Relationship"):
            continue
        rels.items.append(Relationship(el.get("Id", ""), el.get("Type", ""),
                                       el.get("Target", ""),
                                       el.get("TargetMode") == "External"))
    return rels


class Parts(MutableMapping[str, bytes]):
    """Part name -> bytes, in the package's order; a part is read from the zip (and
    inflated) only when asked for: a refresh never reads most of them."""

    def __init__(self, zf: zipfile.ZipFile | None, names: list[str]) -> None:
        self._zf = zf
        self._data: dict[str, bytes | None] = dict.fromkeys(names)

    def __getitem__(self, name: str) -> bytes:
        data = self._data[name]
        if data is None:
            assert self._zf is not None
            try:
                data = self._zf.read(name)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise PackageError(f"part {name} is damaged ({exc})") from None
            self._data[name] = data
        return data

    def __setitem__(self, name: str, data: bytes) -> None:
        self._data[name] = data

    def __delitem__(self, name: str) -> None:
        del self._data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def read(self, name: str) -> bool:
        """Whether the part has been read (or written)."""
        return self._data.get(name) is not None

    def forget(self, name: str) -> None:
        """Let a part read from the zip go (it is read again when asked for)."""
        if self._zf is not None:
            self._data[name] = None

    def detach(self) -> None:
        """The zip is closed: parts not read yet can no longer be."""
        self._zf = None


class Package:
    """The parts of an xlsx file. Unchanged parts go out as the bytes they came in as.

    Parts are kept as bytes and read on demand; the zip stays open until `close` (after
    saving). What changed is told by each part's CRC-32 and size against the original's, so
    no original bytes are kept beside the new ones."""

    def __init__(self, zf: zipfile.ZipFile | None, infos: dict[str, zipfile.ZipInfo]) -> None:
        self._zf = zf
        self._infos = infos
        self.parts = Parts(zf, list(infos))
        self._changed: set[str] = set()  # original parts written again with other bytes
        self._rels: dict[str, Relationships] = {}
        self._types: etree._Element | None = None  # [Content_Types].xml, parsed once
        self._types_changed = False

    @classmethod
    def open(cls, path: Path | IO[bytes]) -> Package:
        zf = zipfile.ZipFile(path)
        infos = {i.filename: i for i in zf.infolist() if not i.is_dir()}
        return cls(zf, infos)

    def close(self) -> None:
        """Let go of the original file (after saving: parts not read yet are gone)."""
        if self._zf is not None:
            self._zf.close()
            self._zf = None
            self.parts.detach()

    # ------------------------------------------------------------------ parts

    def __contains__(self, name: str) -> bool:
        return name in self.parts

    def get(self, name: str) -> bytes | None:
        return self.parts.get(name)

    def part(self, name: str) -> bytes:
        """A part the package must have (PackageError when it has not)."""
        if name not in self.parts:
            raise PackageError(f"part {name} is missing")
        return self.parts[name]

    def put(self, name: str, data: bytes) -> None:
        info = self._infos.get(name)
        if info is not None and (self.parts.read(name) and self.parts[name] is data):
            return
        if info is not None and (len(data) != info.file_size
                                 or zlib.crc32(data) != info.CRC):
            self._changed.add(name)
        elif info is not None:
            self._changed.discard(name)
        self.parts[name] = data

    def delete(self, name: str) -> None:
        self.parts.pop(name, None)
        self._rels.pop(name, None)
        self.parts.pop(rels_name(name), None)

    def changed(self) -> list[str]:
        """Names of parts added, changed or removed, for the read-back check and tests."""
        self.flush()
        added = {n for n in self.parts if n not in self._infos}
        removed = {n for n in self._infos if n not in self.parts}
        return sorted(self._changed | added | removed)

    def unchanged(self) -> dict[str, zipfile.ZipInfo]:
        """The original parts written out as they came in: name -> their zip entry."""
        self.flush()
        return {n: i for n, i in self._infos.items()
                if n in self.parts and n not in self._changed}

    def free_name(self, pattern: str) -> str:
        """The first `pattern.format(n)` (n = 1, 2 ...) no part has: new parts never collide."""
        taken = {n.lower() for n in self.parts}
        n = 1
        while pattern.format(n).lower() in taken:
            n += 1
        return pattern.format(n)

    # ------------------------------------------------------------------ relationships

    def rels(self, part: str) -> Relationships:
        """The relationships of `part` (edit them, then `save_rels`)."""
        if part not in self._rels:
            self._rels[part] = parse_rels(part, self.parts.get(rels_name(part)))
        return self._rels[part]

    def save_rels(self, part: str) -> None:
        rels = self._rels[part]
        name = rels_name(part)
        if not rels.items:
            self.parts.pop(name, None)
            return
        data = rels.to_xml()
        old = self.parts.get(name)
        if old is None or parse_rels(part, old).items != rels.items:
            self.put(name, data)

    def _types_root(self) -> etree._Element:
        if self._types is None:
            self._types = parse_xml(self.part(CONTENT_TYPES), CONTENT_TYPES)
        return self._types

    def flush(self) -> None:
        """Write the edited content types back into their part."""
        if self._types_changed and self._types is not None:
            self.put(CONTENT_TYPES, serialize_xml(self._types))
            self._types_changed = False

    def content_type(self, part: str) -> str | None:
        """The content type the package declares for `part` (override, else default)."""
        root = self._types_root()
        ext = part.rsplit(".", 1)[-1].lower()
        default = None
        for el in root:
            if not isinstance(el.tag, str):
                continue
            if el.tag.endswith("Override") and el.get("PartName", "").lstrip("/") == part:
                return str(el.get("ContentType"))
            if el.tag.endswith("Default") and el.get("Extension", "").lower() == ext:
                default = el.get("ContentType")
        return default

    def related(self, part: str, kind: str) -> list[str]:
        """The parts `part` points to with relationships of `kind`."""
        rels = self.rels(part)
        return [rels.target_part(r) for r in rels.of_kind(kind)]

    # ------------------------------------------------------------------ content types

    def set_content_type(self, part: str, content_type: str) -> None:
        self._edit_types(add={part: content_type})

    def remove_content_type(self, part: str) -> None:
        self._edit_types(remove={part})

    def _edit_types(self, add: dict[str, str] | None = None,
                    remove: set[str] | None = None) -> None:
        root = self._types_root()
        overrides = {el.get("PartName", "").lstrip("/"): el
                     for el in root if isinstance(el.tag, str) and el.tag.endswith("Override")}
        defaults = {el.get("Extension", "").lower()
                    for el in root if isinstance(el.tag, str) and el.tag.endswith("Default")}
        changed = False
        for part in remove or ():
            el = overrides.get(part)
            if el is not None:
                root.remove(el)
                changed = True
        for part, ctype in (add or {}).items():
            ext = part.rsplit(".", 1)[-1].lower()
            if ctype == CT_VML:
                if ext not in defaults:
                    el = etree.SubElement(root, f"{{{NS_CT}}}Default")
                    el.set("Extension", ext)
                    el.set("ContentType", ctype)
                    root.insert(0, el)  # Defaults come first, as Excel writes them
                    defaults.add(ext)
                    changed = True
                continue
            old = overrides.get(part)
            if old is not None and old.get("ContentType") == ctype:
                continue
            if old is not None:
                root.remove(old)
            el = etree.SubElement(root, f"{{{NS_CT}}}Override")
            el.set("PartName", "/" + part)
            el.set("ContentType", ctype)
            changed = True
        if changed:
            self._types_changed = True

    # ------------------------------------------------------------------ saving

    def save(self, path: Path | IO[bytes]) -> None:
        """Write the package: original parts in their order (same names, same bytes where
        unchanged), then new ones."""
        self.flush()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            for name in self.parts:
                was_read = self.parts.read(name)
                data = self.parts[name]
                info = self._infos.get(name)
                if info is None:
                    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                    info.external_attr = 0o600 << 16
                else:
                    info = _copy_info(info)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data, compresslevel=COMPRESS_LEVEL)
                if not was_read:
                    self.parts.forget(name)


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    out.external_attr = info.external_attr
    out.create_system = info.create_system
    out.comment = info.comment
    return out


_PREFIX = re.compile(rb'xmlns(?::(\w+))?="' + re.escape(NS_MAIN.encode()) + rb'"')


def main_prefix(data: bytes) -> str:
    """The prefix (with its colon, "" for the default namespace) a part uses for the
    spreadsheetml main namespace."""
    m = _PREFIX.search(data[:4096])
    return (m[1].decode() + ":") if m and m[1] else ""

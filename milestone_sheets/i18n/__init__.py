"""Every word a user sees, in English and French: the catalogue, en.json and fr.json beside
this module, read on first use and once per process.

JSON rather than TOML: the two files parse in half a millisecond with the standard library's
C parser, where tomllib takes 25 ms a command (import and both files), and JSON is the format
translation tools read. Both files have the same keys in the same order (tests/i18n/test_i18n.py).
Words msheets only reads, never shows (header aliases, status synonyms, the header words of
`msheets import`), stay in the code beside what they stand for."""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

LANGUAGES = ("en", "fr")

V = TypeVar("V")


@functools.cache
def catalogue(lang: str) -> dict[str, Any]:
    """The tables of the catalogue of `lang` ("en" or "fr")."""
    import json

    with open(os.path.join(os.path.dirname(__file__), f"{lang}.json"), "rb") as f:
        data: dict[str, Any] = json.load(f)
    return data


@functools.cache
def _texts(lang: str) -> dict[str, str]:
    """Every text of the catalogue of `lang` by its dotted key: "sheets.metrics"."""
    out: dict[str, str] = {}

    def walk(prefix: str, table: dict[str, Any]) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            elif isinstance(value, str):
                out[prefix + key] = value

    walk("", catalogue(lang))
    return out


def text(key: str, lang: str) -> str:
    """The text at a dotted key of the catalogue ("setting_help.currency") in `lang`; English
    unless `lang` is "fr"."""
    return _texts("fr" if lang == "fr" else "en")[key]


@functools.lru_cache(maxsize=65536)
def _normalize(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).casefold()
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"[\W_]+", "", s)


def normalize(text: object) -> str:
    """Case-, accent-, space- and punctuation-insensitive key for matching labels."""
    return _normalize(str(text))


@dataclass(frozen=True)
class Label:
    """A name in English and French, by its key in the catalogue ("sheets.metrics"), with
    aliases: more words read as it, never shown."""

    key: str
    aliases: tuple[str, ...] = ()

    @property
    def en(self) -> str:
        return _texts("en")[self.key]

    @property
    def fr(self) -> str:
        return _texts("fr")[self.key]

    def __call__(self, lang: str) -> str:
        return _texts("fr" if lang == "fr" else "en")[self.key]

    def match_keys(self) -> frozenset[str]:
        return _label_keys(self)


@functools.cache
def _label_keys(label: Label) -> frozenset[str]:
    return frozenset(normalize(x) for x in (label.en, label.fr, *label.aliases))


class PerLanguage(Mapping[str, V]):
    """A language ("en" or "fr") -> a value built from its catalogue on first use."""

    def __init__(self, build: Callable[[str], V]) -> None:
        self._build = functools.cache(build)

    def __getitem__(self, lang: str) -> V:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        return self._build(lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


class _Words(Mapping[str, Label]):
    """The [words] table of the catalogue: key -> Label."""

    def __getitem__(self, key: str) -> Label:
        if key not in _words("en"):
            raise KeyError(key)
        return Label("words." + key)

    def __iter__(self) -> Iterator[str]:
        return iter(_words("en"))

    def __len__(self) -> int:
        return len(_words("en"))


WORDS: Mapping[str, Label] = _Words()


@functools.cache
def _words(lang: str) -> dict[str, str]:
    words: dict[str, str] = catalogue(lang)["words"]
    return words


def word(key: str, lang: str) -> str:
    """A word of the catalogue's [words] table in `lang` (English unless "fr")."""
    return _words("fr" if lang == "fr" else "en")[key]


def say(key: str, lang: str, **values: object) -> str:
    """A sentence of the catalogue in `lang`, its {placeholders} filled."""
    return word(key, lang).format(**values)


def format_number(value: float, spec: str, lang: str) -> str:
    """`format(value, spec)`, with French separators in French: 1 234,5 and 50 %."""
    text = format(value, spec)
    if lang != "fr":
        return text
    text = text.replace(",", " ").replace(".", ",")
    return text[:-1] + " %" if text.endswith("%") else text


MONTHS_SHORT: Mapping[str, tuple[str, ...]] = PerLanguage(
    lambda lang: tuple(catalogue(lang)["months"]["short"]))


def month_year(d: date, lang: str) -> str:
    """'Sep 2026' ('sept. 2026' in French): a month that cannot be read as a day."""
    return f"{MONTHS_SHORT['fr' if lang == 'fr' else 'en'][d.month - 1]} {d.year}"

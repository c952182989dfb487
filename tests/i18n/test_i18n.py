"""The catalogue (milestone_sheets/i18n/en.json and fr.json): both languages say the same
things, and the code asks only for words it holds."""

from __future__ import annotations

import ast
import json
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from milestone_sheets import contract, i18n
from milestone_sheets.write.new_workbook import GUIDE

PACKAGE = Path(i18n.__file__).resolve().parent.parent
CATALOGUE = {lang: json.loads((PACKAGE / "i18n" / f"{lang}.json").read_text("utf-8"))
             for lang in i18n.LANGUAGES}
# A French sentence may also name the title of a sheet the English says as it is.
FRENCH_ONLY_PLACEHOLDERS = {"sheet", "summary", "issues"}
# [words] keys no string of the code names: none.
UNUSED_ALLOWED: set[str] = set()


def _leaves(table: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted key, value) of every text and list of texts, in file order."""
    out: list[tuple[str, Any]] = []
    for key, value in table.items():
        if isinstance(value, dict):
            out += _leaves(value, f"{prefix}{key}.")
        else:
            out.append((prefix + key, value))
    return out


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _texts(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def test_both_languages_have_the_same_keys_in_the_same_order():
    en, fr = (_leaves(CATALOGUE[lang]) for lang in ("en", "fr"))
    assert [k for k, _ in en] == [k for k, _ in fr]
    for (key, en_value), (_, fr_value) in zip(en, fr, strict=True):
        assert type(en_value) is type(fr_value), key
        assert len(_texts(en_value)) == len(_texts(fr_value)), key
        assert all(isinstance(t, str) and t for t in _texts(en_value) + _texts(fr_value)), key


def test_each_text_takes_the_same_placeholders_in_both_languages():
    en, fr = dict(_leaves(CATALOGUE["en"])), dict(_leaves(CATALOGUE["fr"]))
    for key, en_value in en.items():
        for en_text, fr_text in zip(_texts(en_value), _texts(fr[key]), strict=True):
            en_fields, fr_fields = _fields(en_text), _fields(fr_text)
            assert en_fields <= fr_fields, (key, en_fields, fr_fields)
            assert fr_fields - en_fields <= FRENCH_ONLY_PLACEHOLDERS, (key, fr_fields)


# --------------------------------------------------------------------------- the code


def _sources() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text("utf-8"), str(p))
            for p in sorted(PACKAGE.rglob("*.py")) if p.parent.name != "i18n"}


def _called(node: ast.Call) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _is_key(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)
            and node.value.isidentifier() and node.value not in i18n.LANGUAGES)


def _prefix(node: ast.AST) -> str | None:
    """"flag_" of f"flag_{kind}" or "flag_" + kind."""
    first = (node.values[0] if isinstance(node, ast.JoinedStr) and node.values
             else node.left if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)
             else None)
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def _asked_for() -> tuple[dict[str, str], set[str], set[str], set[str]]:
    """What the code says of the [words] keys: the literal keys of say() and word() calls
    and of WORDS[...] (-> where), the prefixes of the keys such calls build (f"flag_{kind}"),
    the prefixes of every string built that way, and every string constant (a key may be
    passed on before it is looked up)."""
    keys: dict[str, str] = {}
    prefixes: set[str] = set()
    built: set[str] = set()
    constants: set[str] = set()
    for path, tree in _sources().items():
        where = str(path.relative_to(PACKAGE.parent))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            prefix = _prefix(node)
            if prefix and prefix.endswith("_"):
                built.add(prefix)
            args: list[ast.expr] = []
            if isinstance(node, ast.Call) and _called(node) in ("say", "word"):
                args = list(node.args[:2])
            elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
                  and node.value.attr == "WORDS"):
                args = [node.slice]
            for arg in args:
                if _is_key(arg):
                    assert isinstance(arg, ast.Constant)
                    keys.setdefault(arg.value, f"{where}:{arg.lineno}")
                elif _prefix(arg):
                    prefixes.add(str(_prefix(arg)))
    return keys, prefixes, built, constants


def test_every_word_the_code_asks_for_is_in_the_catalogue():
    keys, prefixes, _, _ = _asked_for()
    words = CATALOGUE["en"]["words"]
    assert len(keys) > 50  # the scan finds the calls
    missing = {key: where for key, where in keys.items() if key not in words}
    assert not missing
    assert all(any(k.startswith(p) for k in words) for p in prefixes), prefixes


def test_every_word_of_the_catalogue_is_used():
    _, _, built, constants = _asked_for()
    unused = {k for k in CATALOGUE["en"]["words"]
              if k not in constants and not any(k.startswith(p) for p in built)}
    assert unused == UNUSED_ALLOWED


# --------------------------------------------------------------------------- the contract


def test_the_contract_names_exactly_the_catalogue_tables():
    en = CATALOGUE["en"]
    assert list(en["sheets"]) == list(contract.SHEETS)
    assert {s: list(t) for s, t in en["columns"].items()} == {
        s: [c.key for c in cols] for s, cols in contract.COLUMNS.items()}
    assert {s: list(t) for s, t in en["column_help"].items()} == {
        s: [c.key for c in cols] for s, cols in contract.COLUMNS.items() if s != "settings"}
    assert list(en["settings"]) == list(en["setting_help"]) == [s.key for s in contract.SETTINGS]
    assert {k: [v.key.rsplit(".", 1)[1] for v in ch.values]
            for k, ch in contract.CHOICES.items()} == {k: list(t) for k, t in
                                                       en["choices"].items()}
    assert list(en["guide"]["type_rows"]) == list(en["choices"]["type"])
    assert list(en["guide"]["legend_rows"]) == list(en["health"])
    assert len(en["months"]["short"]) == 12


def test_english_names_are_the_values_the_code_compares():
    """Health, metric statuses and dropdown values are kept by their English name: the
    English catalogue must say exactly those."""
    en = CATALOGUE["en"]
    assert list(en["health"].values()) == list(contract.Health)
    assert list(en["metric_status"].values()) == list(contract.MetricHealth)
    for kind, ch in contract.CHOICES.items():
        assert ch.default is None or ch.default in ch.names("en"), kind
    assert set(contract.STATUS_SYNONYMS) <= set(contract.CHOICES["status"].names("en"))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_label_of_the_contract_has_its_words(lang):
    for sheet in contract.SHEETS.values():
        assert sheet.label(lang)
    for key, cols in contract.COLUMNS.items():
        for col in cols:
            assert col.label(lang)
            assert bool(col.hint(lang)) is (key != "settings"), (key, col.key)
    for s in contract.SETTINGS:
        assert s.label(lang) and s.hint(lang)
        assert s.default(lang) is not None
    for ch in contract.CHOICES.values():
        assert all(ch.names(lang))
    assert GUIDE[lang]["title"] and len(GUIDE[lang]["type_rows"]) == 4
    assert len(contract.DEFAULT_PHASES[lang]) == len(contract.DEFAULT_PHASES["en"])


def test_importing_msheets_reads_no_catalogue():
    """The catalogue is read on first use: `msheets --help` does not pay for it."""
    code = ("import milestone_sheets.cli, milestone_sheets.contract\n"
            "from milestone_sheets import i18n\n"
            "print(i18n.catalogue.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "0"

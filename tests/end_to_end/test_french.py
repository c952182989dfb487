"""A French plan speaks French end to end (issue 16): every string on every sheet, every note
msheets puts on a cell, every input message of a dropdown and every line the commands print
is in the catalogue's French; an English plan keeps its English."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import header_columns
from hypothesis import given, settings
from hypothesis import strategies as st

from milestone_sheets import contract, i18n
from milestone_sheets.cli import cli
from milestone_sheets.contract.vocab import Flag, FlagKind
from milestone_sheets.write.new_workbook import GUIDE

AS_OF = "2026-12-01"
FLAGS = [Flag(kind, "M-001" if kind is FlagKind.BLOCKED_BY else 3) for kind in FlagKind]


def _tokens(text: str) -> set[str]:
    """The words of a text: two letters or more (IDs like M-001 and numbers are left out),
    not in capitals of up to four letters (acronyms such as CTR, SEO or EUR are the same in
    both languages); {placeholders} of the catalogue's sentences are not words."""
    words = re.findall(r"[^\W\d_]{2,}", re.sub(r"\{[^}]*\}", " ", text))
    return {t.casefold() for t in words if not (t.isupper() and len(t) <= 4)}


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _texts(v)]
    return []


def _catalogue(lang: str) -> set[str]:
    """Every word of the catalogue in one language: the sheets, columns, dropdowns, health
    and status names, settings, flags, the Guide and every message and printed line."""
    texts = [w(lang) for w in i18n.WORDS.values()]
    texts += [s.label(lang) for s in contract.SHEETS.values()]
    for cols in contract.COLUMNS.values():
        texts += [t for c in cols for t in (c.label(lang), c.help_fr if lang == "fr" else c.help)]
    texts += [v(lang) for ch in contract.CHOICES.values() for v in ch.values]
    texts += [h.label(lang) for h in contract.Health]
    texts += [s.label(lang) for s in contract.MetricHealth]
    for s in contract.SETTINGS:
        texts += [s.label(lang), s.help_fr if lang == "fr" else s.help, str(s.default(lang))]
    texts += list(i18n.MONTHS_SHORT[lang])
    texts += [f.label(lang) for f in FLAGS]
    texts += _texts(GUIDE[lang])
    return set().union(*map(_tokens, texts))


# Words of the English catalogue its French never uses: none may show in a French plan.
ENGLISH_ONLY = _catalogue("en") - _catalogue("fr")
FRENCH_ONLY = _catalogue("fr") - _catalogue("en")


@dataclass
class Run:
    """A plan made by `msheets new`, filled with problems, run through every command."""

    path: Path
    typed: list[str]  # what the test typed into the plan, as the user would
    lines: list[str]  # every line the commands printed, stdout and stderr


def _commands(tmp: Path, lang: str, problems: dict[str, str]) -> Run:
    runner = CliRunner()
    path = tmp / "plan.xlsx"
    lines: list[str] = []

    def run(*args: object, code: int = 0) -> None:
        res = runner.invoke(cli, [str(a) for a in args])
        assert res.exit_code == code, (args, res.output)
        if "--json" in args:  # for programs: its keys and severities are English (contract
            # section 6), its messages are the plan's
            lines.extend(i["message"] for i in json.loads(res.stdout))
            lines.extend(res.stderr.splitlines())
        else:
            lines.extend(res.output.replace(str(tmp), "").splitlines())

    run("new", path, "--lang", lang, "--template", "digital-campaign", "--start", "2026-11-02")
    run("new", path, "--lang", lang, code=1)  # exists: the error line, in the plan's language
    typed = _fill_with_problems(path, lang, problems)
    run("check", path, "--as-of", AS_OF, code=1)
    run("check", path, "--json", "--as-of", AS_OF, code=1)
    run("refresh", path, "--as-of", AS_OF, "--dry-run")
    run("refresh", path, "--as-of", AS_OF)
    run("refresh", path, "--as-of", AS_OF)  # again: the History row is replaced
    run("check", path, "--as-of", "2026-12-03", code=1)  # after a refresh for another date
    run("report", path, "--as-of", "2026-12-02")
    run("report", path, "--format", "markdown", "--as-of", AS_OF)
    run("report", path, "--format", "html", "-o", tmp / "plan.html", "--as-of", AS_OF)
    run("calendar", path, "-o", tmp / "plan.ics", "--as-of", AS_OF)
    return Run(path, typed, lines)


def _fill_with_problems(path: Path, lang: str, problems: dict[str, str]) -> list[str]:
    """Type into the plan as a user would: an owner who is not in the team, a date that
    cannot be read, a status word of another tracker, a per-month budget, an unknown
    dependency and type, a % metric on the wrong scale, a reading of an unknown metric."""
    wb = openpyxl.load_workbook(path)
    ms = wb[contract.sheet_title("milestones", lang)]
    header, cols = header_columns(ms, "milestones")
    cells = {"owner": header + 1, "due": header + 2, "status": header + 3, "budget": header + 4,
             "depends_on": header + 5, "type": header + 6, "pct": header + 7}
    for key, row in cells.items():
        ms.cell(row, cols[key]).value = problems[key]
        ms.cell(row, cols[key]).data_type = "s"
    metrics = wb[contract.sheet_title("metrics", lang)]
    header, cols = header_columns(metrics, "metrics")
    metrics.cell(header + 1, cols["current"]).value = 0.0003  # CTR 0.03%: target is 3%
    visitors = metrics.cell(header + 2, cols["metric"]).value
    log = wb[contract.sheet_title("metric_log", lang)]
    header, cols = header_columns(log, "metric_log")
    readings = [(date(2026, 9, 7) + timedelta(days=7 * i), visitors, 8000 + 100 * i)
                for i in range(12)] + [(date(2026, 11, 20), problems["metric"], 12)]
    for row, reading in enumerate(readings, start=header + 1):
        for key, value in zip(("date", "metric", "value"), reading, strict=True):
            log.cell(row, cols[key]).value = value
    wb.save(path)
    return list(problems.values())


def _strings(book: Path) -> list[tuple[str, str, str]]:
    """(sheet, where, text) of every string the workbook shows: cell values, notes, and the
    input and error messages of data validations."""
    wb = openpyxl.load_workbook(book)
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    out.append((ws.title, c.coordinate, c.value))
                if c.comment is not None:
                    out.append((ws.title, f"note {c.coordinate}", c.comment.text))
        for dv in ws.data_validations.dataValidation:
            for text in (dv.promptTitle, dv.prompt, dv.errorTitle, dv.error):
                if text:
                    out.append((ws.title, f"validation {dv.sqref}", text))
    return out


def _foreign(texts: list[tuple[str, str, str]], typed: list[str],
             foreign: set[str]) -> list[tuple[str, str, str, list[str]]]:
    """The texts holding a word of `foreign`, once what the user typed is taken out."""
    found = []
    for sheet, where, text in texts:
        for value in sorted(typed, key=len, reverse=True):
            text = text.replace(value, " ")
        words = sorted(_tokens(text) & foreign)
        if words:
            found.append((sheet, where, text, words))
    return found


FRENCH_PROBLEMS = {"owner": "Zoé Inconnue", "due": "bientôt", "status": "Bloqué",
                   "budget": "300/mois", "depends_on": "M-099", "type": "Bizarre",
                   "pct": "beaucoup", "metric": "Abonnés"}
ENGLISH_PROBLEMS = {"owner": "Zed Stranger", "due": "soonish", "status": "Blocked",
                    "budget": "300/month", "depends_on": "M-099", "type": "Weird",
                    "pct": "lots", "metric": "Followers"}


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _commands(tmp_path_factory.mktemp("fr"), "fr", FRENCH_PROBLEMS)


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _commands(tmp_path_factory.mktemp("en"), "en", ENGLISH_PROBLEMS)


def test_the_test_knows_english_from_french():
    assert {"cannot", "read", "owner", "error", "warning", "refreshed", "sheet"} <= ENGLISH_ONLY
    assert {"impossible", "lire", "responsable", "erreur", "feuille"} <= FRENCH_ONLY
    assert not _tokens("M-001 2026-12-01 1 234,50 €")


def _calendar(book: Path) -> list[tuple[str, str, str]]:
    """The words of the calendar `calendar` wrote beside the plan: titles and descriptions."""
    text = book.with_suffix(".ics").read_text(encoding="utf-8").replace("\n ", "")  # unfold
    return [("calendar", "", line.split(":", 1)[1].replace("\\n", " "))
            for line in text.splitlines() if line.startswith(("SUMMARY", "DESCRIPTION"))]


def test_french_plan_shows_no_english_word(french):
    texts = _strings(french.path) + [("cli", "", line) for line in french.lines]
    texts += _calendar(french.path)
    assert not _foreign(texts, french.typed, ENGLISH_ONLY)


def test_french_plan_has_every_kind_of_message(french):
    """The problems typed are all found, and said in French (so the test above looked at
    the reader's messages, the notes and the printed lines, not at empty sheets)."""
    texts = [t for _, _, t in _strings(french.path)]
    for message in ("impossible de lire « bientôt » comme une date",
                    "le responsable « Zoé Inconnue » n'est pas dans la feuille Équipe",
                    "« Bloqué » lu comme En pause", "« 300/mois » lu comme 300,00 × ",
                    "dépend de l'ID inconnu « M-099 »",
                    "Type « Bizarre » inconnu ; choisissez une valeur dans la liste",
                    "impossible de lire « beaucoup » comme un pourcentage",
                    "« Abonnés » n'est pas dans la feuille Métriques",
                    "0,03 % vaut moins de 1/50 de la cible de « Taux de clic (CTR) » (3 %, "):
        assert any(message in t for t in texts), message
    notes = [t for _, where, t in _strings(french.path) if where.startswith("note")]
    assert any("- erreur : impossible de lire « bientôt »" in t for t in notes)
    out = "\n".join(french.lines)
    for line in ("Erreur : ", "ERREURS (", "AVERTISSEMENTS (", "INFOS (", " erreur(s), ",
                 "changerait : ", "Essai au 2026-12-01 : rien n'a été écrit.",
                 "cellule(s) modifiée(s) dans la colonne Santé", "feuilles reconstruites : ",
                 "Historique : ligne du 2026-12-01 ajoutée",
                 "Historique : ligne du 2026-12-01 remplacée", " actualisé au 2026-12-01 ",
                 "(voir la feuille Problèmes)", "Remarque : classeur actualisé pour la dernière "
                 "fois au 2026-12-01", "plan.html écrit", "plan.ics écrit : "):
        assert line in out, line


def test_english_plan_keeps_english(english):
    texts = _strings(english.path) + [("cli", "", line) for line in english.lines]
    texts += _calendar(english.path)
    assert not _foreign(texts, english.typed, FRENCH_ONLY)
    shown = [t for _, _, t in texts]
    for message in ("cannot read 'soonish' as a date", "owner 'Zed Stranger' is not in the "
                    "Team sheet", "read 'Blocked' as On hold", "read '300/month' as 300.00 x ",
                    "depends on unknown ID 'M-099'",
                    "unknown Type 'Weird'; pick a value from the dropdown",
                    "'Followers' is not in the Metrics sheet", "Error: ", "ERRORS (",
                    "Refreshed ", "(see the Issues sheet)", "would change: ",
                    "History: replaced the row for 2026-12-01", "Note: workbook last refreshed"):
        assert any(message in t for t in shown), message


# --------------------------------------------------------------------------- the catalogue


def test_every_sentence_fills_in_both_languages():
    """The French of a sentence takes the values its English takes (plus the title of a
    sheet it names, which the English says as it is): a misspelt {placeholder} fails."""
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    sheets = {"sheet", "summary", "issues"}
    for key, label in i18n.WORDS.items():
        en, fr = fields(label.en), fields(label.fr)
        assert en <= fr and fr - en <= sheets, (key, en, fr)


# --------------------------------------------------------------------------- the reader


def _ok(name: str = "Tâche", **kw: Any) -> dict[str, Any]:
    return {"milestone": name, "owner": "Ana", "due": date(2026, 12, 15), **kw}


# Milestones columns: A ID, B Jalon, F Type, G Responsable, H Début, I Échéance, J Budget,
# K Dépensé, L Effort, M % achevé, N Statut, O Terminé le, Q Dépend de, R Métrique.
FRENCH_CASES = [
    (_ok(due="un jour"), "error", "I2", "impossible de lire « un jour » comme une date"),
    (_ok(budget="beaucoup"), "error", "J2", "impossible de lire « beaucoup » comme un montant"),
    (_ok(pct="moitié"), "error", "M2", "impossible de lire « moitié » comme un pourcentage"),
    (_ok(pct=150), "error", "M2", "dépasse 100 %"),
    (_ok(pct=True), "error", "M2", "est VRAI/FAUX, pas un pourcentage"),
    (_ok(effort=date(2026, 1, 2)), "error", "L2", "est une date, pas un nombre"),
    (_ok(status="Fini-ish"), "error", "N2",
     "Statut « Fini-ish » inconnu ; choisissez une valeur dans la liste"),
    (_ok(start=date(2026, 12, 20)), "error", "I2",
     "l'échéance 2026-12-15 précède le début 2026-12-20 ; le début est ignoré"),
    ({"milestone": "Sans date", "owner": "Ana"}, "error", "I2", "date d'échéance manquante"),
    ({"owner": "Ana", "due": date(2026, 12, 1)}, "error", "B2",
     "ligne remplie mais sans texte de jalon"),
    ({"milestone": "Orphelin", "due": date(2026, 12, 1)}, "warning", "G2",
     "pas de responsable : choisissez un nom de la feuille Équipe"),
    (_ok(actual="100/mois"), "warning", "K2",
     "Dépensé est le montant dépensé à ce jour ; « /mois » est ignoré"),
    (_ok(status="Terminé"), "warning", "O2", "terminé sans date dans la colonne Terminé le"),
    (_ok(type="Objectif de métrique", metric="Inconnue", target_value=5), "warning", "R2",
     "la métrique « Inconnue » n'est pas dans la feuille Métriques"),
    (_ok(due="30 sept. 2026"), "info", "I2", "« 30 sept. 2026 » lu comme 2026-09-30"),
    (_ok(budget="1,5k"), "info", "J2", "« 1,5k » lu comme 1 500,00"),
    (_ok(effort="7,5 h"), "info", "L2", "« 7,5 h » lu comme 7,5"),
    (_ok(pct="40 %"), "info", "M2", "« 40 % » lu comme 40 %"),
    (_ok(status="Bloqué"), "info", "N2", "« Bloqué » lu comme En pause"),
    (_ok(budget="1 000/mois", start=date(2026, 11, 1)), "info", "J2",
     "« 1 000/mois » lu comme 1 000,00 × 2 mois = 2 000,00"),
    (_ok(pct=1), "info", "N2", "Statut vide lu comme Terminé : % achevé vaut 100 %"),
    (_ok(completed=date(2026, 11, 2)), "info", "N2",
     "Statut vide lu comme Terminé : Terminé le contient une date (2026-11-02)"),
]


@pytest.mark.parametrize(("row", "severity", "cell", "message"), FRENCH_CASES,
                         ids=[c[3][:40] for c in FRENCH_CASES])
def test_reader_says_what_it_found_in_french(tmp_path, row, severity, cell, message):
    from helpers import fill_plan

    from milestone_sheets.plans import load_plan

    path = fill_plan(tmp_path / "p.xlsx", milestones=[row], team=[{"owner": "Ana"}], lang="fr")
    found = {(i.severity, i.cell): i.message for i in load_plan(path, as_of=AS_DATE).issues}
    assert found.get((severity, cell)) == message, found


def test_reader_ids_and_settings_in_french(tmp_path):
    from helpers import fill_plan

    from milestone_sheets.plans import load_plan

    path = fill_plan(tmp_path / "p.xlsx", team=[{"owner": "Ana"}, {"owner": "Ana"}], lang="fr",
                     milestones=[_ok("A", id="M-001", depends_on="M-002"),
                                 _ok("B", id="M-002", depends_on="M-001, M-009"),
                                 _ok("C", id="M-001")],
                     settings={"date_order": "JJ/AA", "due_soon": -3})
    found = {(i.sheet, i.cell): i.message for i in load_plan(path, as_of=AS_DATE).issues}
    assert found[("Jalons", "A4")] == "ID « M-001 » en double (aussi ligne 2)"
    assert found[("Jalons", "Q2")] == "cycle de dépendances M-001 -> M-002 -> M-001"
    assert found[("Équipe", "A3")] == ("« Ana » figure deux fois dans la feuille Équipe ; la "
                                       "première ligne est utilisée")
    settings = sorted(m for (sheet, _), m in found.items() if sheet == "Paramètres")
    assert settings == [
        "l'ordre des dates doit être MDY, DMY ou YMD ; la valeur par défaut est utilisée",
        "ne doit pas être négatif ; la valeur par défaut est utilisée"]


AS_DATE = date(2026, 11, 23)


@pytest.mark.parametrize(("parse", "raw", "en", "fr"), [
    ("parse_date", "someday", "cannot read 'someday' as a date",
     "impossible de lire « someday » comme une date"),
    ("parse_date", True, "is TRUE/FALSE, not a date", "est VRAI/FAUX, pas une date"),
    ("parse_date", -5.5, "-5.5 is not a date", "-5,5 n'est pas une date"),
    ("parse_number", "many", "cannot read 'many' as a number",
     "impossible de lire « many » comme un nombre"),
    ("parse_number", date(2026, 1, 1), "is a date, not a number", "est une date, pas un nombre"),
    ("parse_money", "lots", "cannot read 'lots' as an amount of money",
     "impossible de lire « lots » comme un montant"),
    ("parse_percent", -0.1, "is negative; use 0% to 100%",
     "est négatif ; utilisez 0 % à 100 %"),
    ("parse_percent", float("inf"), "is not a finite number", "n'est pas un nombre fini"),
    ("parse_status", "Meh", "unknown Status 'Meh'", "Statut « Meh » inconnu"),
])
def test_parse_errors_in_both_languages(parse, raw, en, fr):
    from milestone_sheets.read import values as parsing

    func = getattr(parsing, parse)
    if parse == "parse_date":
        func = functools.partial(func, default_year=2026)
    assert func(raw).error == en
    assert func(raw, lang="fr").error == fr


# --------------------------------------------------------------------------- the commands


def test_an_error_about_a_french_plan_starts_in_french(tmp_path):
    """A refusal comes before the plan is read: the plan's language is read from the file
    (its Settings, else its tab titles) to say it."""
    from helpers import fill_plan

    runner = CliRunner()
    fr = fill_plan(tmp_path / "fr" / "plan.xlsx", milestones=[_ok()], lang="fr")
    en = fill_plan(tmp_path / "en" / "plan.xlsx", milestones=[_ok()])
    for path in (fr, en):
        (path.parent / f".~lock.{path.name}#").write_text("x")
    res = runner.invoke(cli, ["refresh", str(fr)])
    assert res.exit_code == 1 and res.stderr.startswith("Erreur : plan.xlsx ")
    res = runner.invoke(cli, ["refresh", str(en)])
    assert res.exit_code == 1 and res.stderr.startswith("Error: plan.xlsx ")
    # a file that is no plan: English
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    res = runner.invoke(cli, ["check", str(bad)])
    assert res.exit_code == 2 and res.stderr.startswith("Error: ")


def test_settings_language_wins_for_the_error_line(tmp_path):
    """A plan whose tabs are English but whose Settings say French is a French plan."""
    from helpers import fill_plan

    from milestone_sheets.read.sheets import plan_language

    path = fill_plan(tmp_path / "plan.xlsx", milestones=[_ok()], settings={"language": "fr"})
    assert plan_language(path) == "fr"
    assert plan_language(fill_plan(tmp_path / "fr.xlsx", lang="fr")) == "fr"
    assert plan_language(fill_plan(tmp_path / "en.xlsx")) == "en"
    assert plan_language(tmp_path / "missing.xlsx") is None


_CELLS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**7),
                   st.floats(allow_nan=True, allow_infinity=True), st.dates(),
                   st.text(max_size=12), st.sampled_from(["1,5k", "50/mois", "30 sept.", "T3",
                                                          "Bloqué", "40 %", "fin 2026"]))


@settings(max_examples=300, deadline=None)
@given(_CELLS)
def test_the_language_changes_the_words_only(raw):
    """Read in French or in English, a cell gives the same value, the same flags, and an
    error in both or in neither."""
    from milestone_sheets.read import values as parsing

    for parse in (functools.partial(parsing.parse_date, default_year=2026), parsing.parse_number,
                  parsing.parse_money, parsing.parse_percent, parsing.parse_status):
        en, fr = parse(raw), parse(raw, lang="fr")
        assert en._replace(error=None) == fr._replace(error=None) or (
            en.value != en.value and fr.value != fr.value)  # NaN
        assert (en.error is None) == (fr.error is None)
        assert en.error is None or en.error != fr.error or not _tokens(en.error)


def test_french_html_report_speaks_french_to_the_end(tmp_path):
    """The HTML report of a French plan: a milestone without a phase is budgeted under
    "(aucun)", the charts are named in French for screen readers, and every percentage is
    written "56 %" (the progress bars said "56%" beside a headline's "42 %")."""
    from helpers import fill_plan

    from milestone_sheets import evaluate
    from milestone_sheets.plans import load_plan
    from milestone_sheets.write.report.html import to_html

    path = fill_plan(tmp_path / "p.xlsx", lang="fr", team=[{"owner": "Ana"}],
                     milestones=[_ok(budget=100)],
                     metrics=[{"metric": "Inscrits", "baseline": 0, "target": 100,
                               "current": 56, "baseline_date": date(2026, 10, 1),
                               "target_date": date(2026, 12, 31)}])
    status = evaluate(load_plan(path, as_of=AS_DATE), AS_DATE)
    html = to_html(status)
    assert "(aucun)" in html and "(none)" not in html
    for name in ("Santé", "Budget par phase", "Chronologie"):
        assert f'aria-label="{name}"' in html, name
    assert 'aria-label="56 %"' in html
    shown = re.findall(r">([^<]*)<", html.split("</style>", 1)[1])  # the text, not the CSS
    assert any("56 %" in t for t in shown)
    assert not [t for t in shown if re.search(r"\d%", t)]

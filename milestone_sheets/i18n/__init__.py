"""Every word a user sees, in English and French: the catalogue."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

LANGUAGES = ("en", "fr")


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
    """A name in English and French, with accepted aliases."""

    en: str
    fr: str
    aliases: tuple[str, ...] = ()

    def __call__(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en

    def match_keys(self) -> frozenset[str]:
        return _label_keys(self)


@functools.cache
def _label_keys(label: Label) -> frozenset[str]:
    return frozenset(normalize(x) for x in (label.en, label.fr, *label.aliases))


WORDS: dict[str, Label] = {
    k: Label(en, fr)
    for k, en, fr in (
        ("none", "(none)", "(aucun)"),
        ("filled_by_refresh", "filled by msheets refresh", "rempli par msheets refresh"),
        ("plan", "Plan", "Plan"),
        ("as_of", "As of", "Au"),
        ("milestones", "Milestones", "Jalons"),
        ("done", "Done", "Terminés"),
        ("overdue", "Overdue", "En retard"),
        ("at_risk", "At risk", "À risque"),
        ("due_soon", "Due soon", "Échéance proche"),
        ("planned", "Planned", "Prévu"),
        ("budget", "Budget", "Budget"),
        ("actual", "Actual", "Dépensé"),
        ("variance", "Variance", "Écart"),
        ("earned_value", "Earned value", "Valeur acquise"),
        ("planned_value", "Planned value", "Valeur planifiée"),
        ("cpi", "CPI", "IPC"),
        ("spi", "SPI", "IPD"),
        ("percent_complete", "% complete", "% achevé"),
        ("next_review", "Next plan review", "Prochaine revue du plan"),
        ("agenda", "Review agenda", "Ordre du jour de la revue"),
        ("health", "Health", "Santé"),
        ("count", "Count", "Nombre"),
        ("next_14", "Due in the next 14 days", "Échéances des 14 prochains jours"),
        ("overloaded", "Overloaded owners", "Responsables surchargés"),
        ("metrics", "Metrics", "Métriques"),
        ("owner", "Owner", "Responsable"),
        ("due", "Due", "Échéance"),
        ("id", "ID", "ID"),
        ("milestone", "Milestone", "Jalon"),
        ("flags", "Flags", "Alertes"),
        ("peak", "Peak load", "Charge max"),
        ("capacity", "Capacity (h/week)", "Capacité (h/sem)"),
        ("open", "Open", "Ouverts"),
        ("week", "Week", "Semaine"),
        ("hours", "Hours", "Heures"),
        ("load", "Load", "Charge"),
        ("severity", "Severity", "Gravité"),
        ("error", "error", "erreur"),
        ("flag_over_budget", "over budget", "dépassement de budget"),
        ("flag_behind_schedule", "behind schedule", "en retard sur le planning"),
        ("flag_owner_overloaded", "owner overloaded", "responsable surchargé"),
        ("flag_unknown_owner", "unknown owner", "responsable inconnu"),
        ("flag_no_owner", "no owner", "sans responsable"),
        ("flag_blocked_by", "blocked by {rest}", "bloqué par {rest}"),
        ("flag_slipped", "slipped {rest} days", "glissement de {rest} jours"),
        ("warning", "warning", "avertissement"),
        ("info", "info", "info"),
        ("sheet", "Sheet", "Feuille"),
        ("cell", "Cell", "Cellule"),
        ("field", "Field", "Champ"),
        ("value", "Value", "Valeur"),
        ("message", "Message", "Message"),
        ("progress", "Progress", "Progression"),
        ("expected", "Expected", "Attendu"),
        ("status", "Status", "État"),
        ("target", "Target", "Cible"),
        ("current", "Current", "Actuel"),
        ("baseline", "Baseline", "Référence"),
        ("recorded", "Recorded on", "Enregistré le"),
        ("key", "Group", "Groupe"),
        ("by_phase", "By phase", "Par phase"),
        ("by_owner", "By owner", "Par responsable"),
        ("by_strategy", "By strategy", "Par stratégie"),
        ("by_tactic", "By tactic", "Par tactique"),
        ("by_type", "By type", "Par type"),
        ("by_month", "By due month", "Par mois d'échéance"),
        ("today", "Today", "Aujourd'hui"),
        ("review", "Plan review", "Revue du plan"),
        ("no_issues", "No problems found.", "Aucun problème."),
        ("budget_chart", "Budget: planned vs actual", "Budget : prévu et dépensé"),
        ("trend", "Progress and spend", "Avancement et dépenses"),
        ("start", "Start", "Début"),
        ("slip", "Slip (days)", "Glissement (jours)"),
        # managed sheets (refresh)
        ("total", "Total", "Total"),
        ("yes", "yes", "oui"),
        ("due_month", "Due month", "Mois d'échéance"),
        ("page", "Page", "Page"),
        ("timeline_shown", "the first {shown} of {total} milestones",
         "les {shown} premiers jalons sur {total}"),
        ("more_rows", "… and {n} more: filter the {column} column of the {sheet} sheet",
         "… et {n} autres : filtrez la colonne {column} de la feuille {sheet}"),
        # msheets new: the workbook's own words, and what the command prints
        ("description", "Description", "Description"),
        # print footer: file name, sheet name, page number (Excel header/footer codes)
        ("footer", "&L&F&C&A&RPage &P of &N", "&L&F&C&A&RPage &P sur &N"),
        ("pick_from_list", "Pick a value from the list.", "Choisissez une valeur dans la liste."),
        ("not_in_list", "This value is not in the list. Keep it anyway?",
         "Cette valeur n'est pas dans la liste. La garder ?"),
        ("type_a_date", "Type a date, like 30 Sep 2026. msheets also reads text such as "
         "'end of Q3' or 'Q3 2026' (the last day of the quarter).",
         "Saisissez une date, par exemple 30/09/2026. msheets lit aussi un texte comme "
         "« T3 2026 » (le dernier jour du trimestre)."),
        ("type_a_number", "Type a positive number ('1,000/month' is fine for a budget).",
         "Saisissez un nombre positif (« 1 000/mois » est accepté pour un budget)."),
        ("type_a_percent", "From 0 to 100: 25 and 25% both mean a quarter done.",
         "De 0 à 100 : 25 et 25 % veulent dire un quart fait."),
        ("new_written", "Wrote {path} ({template}, {lang}). Open it, fill the {sheet} sheet, "
         "then run `msheets refresh {name}`.",
         "{path} écrit ({template}, {lang}). Ouvrez-le, remplissez la feuille {sheet}, puis "
         "lancez `msheets refresh {name}`."),
        ("new_exists", "{path} already exists; use --force to overwrite it (or choose another "
         "name)", "{path} existe déjà ; ajoutez --force pour le remplacer (ou choisissez un "
         "autre nom)"),
        ("new_is_folder", "{path} is a folder; give the path of an .xlsx file",
         "{path} est un dossier ; donnez le chemin d'un fichier .xlsx"),
        ("new_not_xlsx", "{name}: the plan must be an .xlsx file (Excel workbook)",
         "{name} : le plan doit être un fichier .xlsx (classeur Excel)"),
        ("unknown_template", "unknown template {name!r}; choose one of: {names} (see "
         "`msheets templates`)", "modèle {name!r} inconnu ; choisissez parmi : {names} (voir "
         "`msheets templates`)"),
        # reports (text, markdown, HTML) and the calendar, in the plan's language
        ("r_as_of", "{plan} - as of {date}", "{plan} - au {date}"),
        ("r_as_of_line", "As of {date}", "Au {date}"),
        ("r_milestones_line", "{n} ({done} done, {overdue} overdue, {at_risk} at risk, "
         "{due_soon} due soon)", "{n} ({done} terminés, {overdue} en retard, {at_risk} à "
         "risque, {due_soon} à échéance proche)"),
        ("r_budget_line", "{planned} planned, {actual} spent, variance {variance}",
         "{planned} prévus, {actual} dépensés, écart {variance}"),
        ("r_ev_line", "{ev} (PV {pv}), CPI {cpi}, SPI {spi}",
         "{ev} (VP {pv}), IPC {cpi}, IPD {spi}"),
        ("r_complete", "Complete", "Achevé"),
        ("r_next_review", "Next review", "Prochaine revue"),
        ("r_none_scheduled", "none scheduled", "aucune prévue"),
        ("r_needs_attention", "Needs attention", "À surveiller"),
        ("r_peak_week", "Peak week", "Semaine de pointe"),
        ("r_metric", "Metric", "Métrique"),
        ("r_agenda_of", "Agenda of the plan review on {date}",
         "Ordre du jour de la revue du plan du {date}"),
        ("r_item", "Item", "Point"),
        ("r_metric_item", "Metric: {name}", "Métrique : {name}"),
        ("r_problems", "{errors} error(s), {warnings} warning(s): run `msheets check` for the "
         "cells.", "{errors} erreur(s), {warnings} avertissement(s) : lancez `msheets check` "
         "pour les cellules."),
        ("r_errors_in_workbook", "{n} error(s) in the workbook", "{n} erreur(s) dans le classeur"),
        ("r_budget_by_phase", "Budget by phase", "Budget par phase"),
        ("r_budget_legend", "Blue: planned; green: spent (red when over plan).",
         "Bleu : prévu ; vert : dépensé (rouge au-delà du prévu)."),
        ("r_timeline", "Timeline", "Chronologie"),
        ("r_timeline_legend", "Dashed red: today; purple: plan reviews.",
         "Tirets rouges : aujourd'hui ; violet : revues du plan."),
        ("r_no_scheduled", "No scheduled milestones.", "Aucun jalon planifié."),
        ("r_overdue_at_risk", "Overdue and at risk", "En retard et à risque"),
        ("r_nothing_overdue", "Nothing overdue or at risk.", "Rien en retard ni à risque."),
        ("r_no_metrics", "No metrics.", "Aucune métrique."),
        ("r_next_review_on", "Next plan review: {date}", "Prochaine revue du plan : {date}"),
        ("r_nothing_on_agenda", "Nothing on the agenda.", "Rien à l'ordre du jour."),
        ("r_made_from", "Made by msheets from {file}.", "Produit par msheets à partir de {file}."),
        ("r_due_on", "due {date}", "échéance {date}"),
        ("c_review", "Plan review: {plan}", "Revue du plan : {plan}"),
        ("c_review_text", "{setting}. Agenda: what is overdue, at risk or due before the next "
         "review, and metrics behind pace.", "{setting}. Ordre du jour : ce qui est en retard, "
         "à risque ou dû avant la revue suivante, et les métriques en retard."),
        # issues the reader finds (Issues sheet, notes, `check`): {text!r} quotes what the
        # user typed, « text » in French; numbers come formatted (format_number)
        ("i_not", "is {kind}, not {what}", "est {kind}, pas {what}"),
        ("i_bool", "TRUE/FALSE", "VRAI/FAUX"),
        ("i_a_date", "a date", "une date"),
        ("i_a_number", "a number", "un nombre"),
        ("i_a_money", "an amount of money", "un montant"),
        ("i_a_percentage", "a percentage", "un pourcentage"),
        ("i_type_date", "a date", "une date"),
        ("i_type_datetime", "a datetime", "une date"),
        ("i_type_time", "a time", "une heure"),
        ("i_type_timedelta", "a timedelta", "une durée"),
        ("i_type_bool", "a bool", "VRAI/FAUX"),
        ("i_serial_not_date", "{value} is not a date", "{value} n'est pas une date"),
        ("i_cannot_read", "cannot read {text!r} as {what}",
         "impossible de lire « {text} » comme {what}"),
        ("i_not_finite", "is not a finite number", "n'est pas un nombre fini"),
        ("i_negative_percent", "is negative; use 0% to 100%",
         "est négatif ; utilisez 0 % à 100 %"),
        ("i_above_100", "is above 100%", "dépasse 100 %"),
        ("i_unknown_choice", "unknown {what} {text!r}", "{what} « {text} » inconnu"),
        ("i_pick_dropdown", "{error}; pick a value from the dropdown",
         "{error} ; choisissez une valeur dans la liste"),
        ("i_read_as", "read {text!r} as {value}", "« {text} » lu comme {value}"),
        ("i_no_value", "formula has no computed value; open and save the file in Excel or "
         "LibreOffice so it is calculated (read as blank)", "la formule n'a pas de valeur "
         "calculée ; ouvrez et enregistrez le fichier dans Excel ou LibreOffice pour qu'elle "
         "soit calculée (lue comme vide)"),
        ("i_default_used", "{message}; the default is used",
         "{message} ; la valeur par défaut est utilisée"),
        ("i_date_order", "Date order must be MDY, DMY or YMD",
         "l'ordre des dates doit être MDY, DMY ou YMD"),
        ("i_not_negative", "must not be negative", "ne doit pas être négatif"),
        ("i_team_no_name", "team row without a name is ignored",
         "ligne de l'équipe sans nom : ignorée"),
        ("i_team_twice", "{name!r} is listed twice in Team; the first is used",
         "« {name} » figure deux fois dans la feuille {sheet} ; la première ligne est utilisée"),
        ("i_capacity_negative", "capacity cannot be negative",
         "la capacité ne peut pas être négative"),
        ("i_no_metric_name", "row has data but no Metric name",
         "ligne remplie mais sans nom de métrique"),
        ("i_contradicts", "target {target} contradicts Direction {direction} from baseline "
         "{baseline}", "la cible {target} contredit le sens {direction} depuis la référence "
         "{baseline}"),
        ("i_reading_no_date", "reading without a Date", "mesure sans date"),
        ("i_reading_no_metric", "reading without a Metric name", "mesure sans nom de métrique"),
        ("i_not_in_metrics", "{name!r} is not in the Metrics sheet",
         "« {name} » n'est pas dans la feuille {sheet}"),
        ("i_scale_more", "more than {n} times", "plus de {n} fois"),
        ("i_scale_less", "less than 1/{n} of", "moins de 1/{n} de"),
        ("i_scale", "{value} is {side} the Target of {metric!r} ({target}, {ref}): was one of "
         "them typed on the other scale? With Unit %, a number above 1 is percent points "
         "(1.1 = 1.1%); a number up to 1, or a % cell, is a fraction (0.5 = 50%)",
         "{value} vaut {side} la cible de « {metric} » ({target}, {ref}) : l'une des deux "
         "valeurs a-t-elle été saisie sur l'autre échelle ? Avec l'unité %, un nombre "
         "au-dessus de 1 est en points de pourcentage (1,1 = 1,1 %) ; un nombre jusqu'à 1, ou "
         "une cellule en %, est une fraction (0,5 = 50 %)"),
        ("i_no_milestone_text", "row has data but no Milestone text",
         "ligne remplie mais sans texte de jalon"),
        ("i_no_owner", "no owner: pick a name from the Team sheet",
         "pas de responsable : choisissez un nom de la feuille {sheet}"),
        ("i_owner_unknown", "owner {owner!r} is not in the Team sheet",
         "le responsable « {owner} » n'est pas dans la feuille {sheet}"),
        ("i_missing_due", "missing Due date", "date d'échéance manquante"),
        ("i_due_before_start", "Due {due} is before Start {start}; Start is ignored",
         "l'échéance {due} précède le début {start} ; le début est ignoré"),
        ("i_actual_per_month", "Actual is money spent to date; '/month' is ignored",
         "Dépensé est le montant dépensé à ce jour ; « /mois » est ignoré"),
        ("i_effort_negative", "effort cannot be negative", "l'effort ne peut pas être négatif"),
        ("i_target_no_metric", "Metric target milestone without a Metric",
         "objectif de métrique sans métrique"),
        ("i_metric_unknown", "metric {metric!r} is not in the Metrics sheet",
         "la métrique « {metric} » n'est pas dans la feuille {sheet}"),
        ("i_target_no_value", "Metric target milestone without a Target value",
         "objectif de métrique sans valeur cible"),
        ("i_done_no_date", "Done without a Completed date",
         "terminé sans date dans la colonne Terminé le"),
        ("i_done_by_pct", "% Complete is 100%", "% achevé vaut 100 %"),
        ("i_done_by_date", "Completed holds a date ({date})",
         "Terminé le contient une date ({date})"),
        ("i_blank_status_done", "blank Status read as Done: {reason}",
         "Statut vide lu comme Terminé : {reason}"),
        ("i_status_done", "Status read as Done: {reason}", "Statut lu comme Terminé : {reason}"),
        ("i_month_needs_due", "a per-month budget needs a Due date; counted as one month",
         "un budget mensuel demande une échéance ; compté pour un mois"),
        ("i_per_month", "read {text!r} as {amount} x {months} month(s) = {total}",
         "« {text} » lu comme {amount} × {months} mois = {total}"),
        ("i_duplicate_id", "duplicate ID {id!r} (also row {row})",
         "ID « {id} » en double (aussi ligne {row})"),
        ("i_unknown_dependency", "depends on unknown ID {id!r}",
         "dépend de l'ID inconnu « {id} »"),
        ("i_self_dependency", "a milestone cannot depend on itself",
         "un jalon ne peut pas dépendre de lui-même"),
        ("i_cycle", "dependency cycle {path}", "cycle de dépendances {path}"),
        # what the command line prints about a plan, in the plan's language
        ("cli_error", "Error: {message}", "Erreur : {message}"),
        ("cli_internal", "internal error of msheets {version} ({detail}). This is a bug in "
         "msheets, not a problem with your file: please report it to the msheets maintainers "
         "with the command you ran", "erreur interne de msheets {version} ({detail}). C'est "
         "un bogue de msheets, pas un problème de votre fichier : signalez-le aux mainteneurs "
         "de msheets avec la commande lancée"),
        ("cli_internal_debug", " and what it prints with MSHEETS_DEBUG=1 set.",
         " et ce qu'elle affiche avec MSHEETS_DEBUG=1."),
        ("cli_errors", "ERRORS ({n})", "ERREURS ({n})"),
        ("cli_warnings", "WARNINGS ({n})", "AVERTISSEMENTS ({n})"),
        ("cli_infos", "INFOS ({n})", "INFOS ({n})"),
        ("cli_counts", "{errors} error(s), {warnings} warning(s), {infos} info",
         "{errors} erreur(s), {warnings} avertissement(s), {infos} info(s)"),
        ("cli_this_report", "report", "ce rapport"),
        ("cli_this_check", "check", "cette vérification"),
        ("cli_refreshed_same", "Note: workbook last refreshed for {last}, the date this {what} "
         "is as of.", "Remarque : classeur actualisé pour la dernière fois au {last}, la date "
         "de {what}."),
        ("cli_refreshed_other", "Note: workbook last refreshed for {last}; this {what} is as of "
         "{date} ({source}). Use --as-of {last} to match the workbook's Summary sheet.",
         "Remarque : classeur actualisé pour la dernière fois au {last} ; {what} est au "
         "{date} ({source}). Ajoutez --as-of {last} pour retrouver la feuille {summary} du "
         "classeur."),
        ("cli_source_settings", "the Settings sheet's As-of date",
         "la date d'arrêté de la feuille {sheet}"),
        ("cli_source_today", "today", "aujourd'hui"),
        ("cli_summary", "{milestones} milestones: {done} done, {overdue} overdue, {at_risk} at "
         "risk, {due_soon} due soon; {errors} error(s), {warnings} warning(s) (see the Issues "
         "sheet)", "{milestones} jalons : {done} terminés, {overdue} en retard, {at_risk} à "
         "risque, {due_soon} à échéance proche ; {errors} erreur(s), {warnings} "
         "avertissement(s) (voir la feuille {issues})"),
        ("cli_would_change", "would change: {change}", "changerait : {change}"),
        ("cli_dry_run", "Dry run as of {date}: nothing was written. {summary}",
         "Essai au {date} : rien n'a été écrit. {summary}"),
        ("cli_backup", " (previous version kept as {name})",
         " (version précédente gardée sous {name})"),
        ("cli_refreshed", "Refreshed {path} as of {date}{backup}. {summary}",
         "{path} actualisé au {date}{backup}. {summary}"),
        ("cli_wrote", "Wrote {path}", "{path} écrit"),
        ("cli_calendar", "Wrote {path}: {n} event(s). Import it again after changes: events "
         "are updated, not duplicated.", "{path} écrit : {n} événement(s). Importez-le de "
         "nouveau après des changements : les événements sont mis à jour, pas dupliqués."),
        # what refresh changed (`refresh` prints them)
        ("rf_added_columns", "{sheet}: added column(s) {columns}",
         "{sheet} : colonne(s) ajoutée(s) : {columns}"),
        ("rf_changed", "{sheet}: {column} changed in {n} cell(s)",
         "{sheet} : {n} cellule(s) modifiée(s) dans la colonne {column}"),
        ("rf_filled_ids", "{sheet}: filled {n} blank ID(s): {ids}",
         "{sheet} : {n} ID vide(s) rempli(s) : {ids}"),
        ("rf_id_row", "{id} (row {row})", "{id} (ligne {row})"),
        ("rf_notes", "notes: {added} cell(s) annotated, {removed} earlier note(s) removed",
         "notes : {added} cellule(s) annotée(s), {removed} note(s) précédente(s) retirée(s)"),
        ("rf_rebuilt", "rebuilt {sheets}", "feuilles reconstruites : {sheets}"),
        ("rf_history_added", "{sheet}: added the row for {date}",
         "{sheet} : ligne du {date} ajoutée"),
        ("rf_history_replaced", "{sheet}: replaced the row for {date}",
         "{sheet} : ligne du {date} remplacée"),
        ("rf_baseline", "{sheet}: recorded {n} milestone(s)",
         "{sheet} : {n} jalon(s) enregistré(s)"),
        # a line of msheets' note on a cell: "error: missing Due date"
        ("rf_note", "{severity}: {message}", "{severity} : {message}"),
    )
}


def word(key: str, lang: str) -> str:
    return WORDS[key](lang)


def say(key: str, lang: str, **values: object) -> str:
    """A sentence of the catalogue in `lang`, its {placeholders} filled."""
    return WORDS[key](lang).format(**values)


def format_number(value: float, spec: str, lang: str) -> str:
    """`format(value, spec)`, with French separators in French: 1 234,5 and 50 %."""
    text = format(value, spec)
    if lang != "fr":
        return text
    text = text.replace(",", " ").replace(".", ",")
    return text[:-1] + " %" if text.endswith("%") else text


MONTHS_SHORT = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."),
}


def month_year(d: date, lang: str) -> str:
    """'Sep 2026' ('sept. 2026' in French): a month that cannot be read as a day."""
    return f"{MONTHS_SHORT['fr' if lang == 'fr' else 'en'][d.month - 1]} {d.year}"

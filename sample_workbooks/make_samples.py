"""Make the bundled sample plans: presets filled with realistic progress, then refreshed.

    python sample_workbooks/make_samples.py

Writes lean-plan-en.xlsx and campagne-digitale-fr.xlsx beside this script. The As-of date
is set in their Settings sheet (2026-12-15) so that they show the same picture on any day;
clear it to evaluate them as of today.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from milestone_sheets import contract, i18n
from milestone_sheets.write.new_workbook import write_new_workbook
from milestone_sheets.write.refresh.pipeline import refresh_workbook

HERE = Path(__file__).resolve().parent
START = date(2026, 11, 2)
AS_OF = date(2026, 12, 15)

# Progress by milestone ID: (status, % complete, actual spent, completed on)
LEAN = {
    "M-001": ("Done", 1, 380, date(2026, 11, 20)),
    "M-002": ("Done", 1, 0, date(2026, 11, 19)),  # a few days late
    "M-003": ("In progress", 0.6, 750, None),  # over its 600 budget
    "M-004": ("In progress", 0.2, 0, None),
    "M-005": ("In progress", 0.1, 900, None),
    "M-007": ("Done", 1, 0, date(2026, 11, 13)),
    "M-008": ("Done", 1, 0, date(2026, 12, 11)),
}
CAMPAIGN = {
    "M-001": ("Done", 1, 450, date(2026, 11, 12)),
    "M-002": ("In progress", 0.4, 3900, None),
    "M-003": ("In progress", 0.3, 600, None),
    "M-008": ("Done", 1, 0, date(2026, 11, 13)),
}
CAMPAIGN_LOG = [
    (date(2026, 11, 16), 0, 0.014), (date(2026, 11, 30), 0, 0.019), (date(2026, 12, 14), 0, 0.022),
    (date(2026, 11, 30), 1, 5200), (date(2026, 12, 14), 1, 6100),
    (date(2026, 11, 30), 2, 62), (date(2026, 12, 14), 2, 81),
    (date(2026, 12, 1), 3, 3), (date(2026, 12, 14), 4, 0.017), (date(2026, 12, 14), 5, 95),
]


def fill(path: Path, lang: str, progress: dict, log: list, extra_team: list) -> None:
    wb = openpyxl.load_workbook(path)
    ms = wb[contract.sheet_title("milestones", lang)]
    heads = {contract.header_index("milestones").get(i18n.normalize(c.value or "")): c.column
             for c in ms[1]}
    status_names = dict(zip(contract.CHOICES["status"].names("en"),
                            contract.CHOICES["status"].names(lang), strict=True))
    for row in ms.iter_rows(min_row=2):
        mid = row[heads["id"] - 1].value
        if mid in progress:
            st, pct, actual, completed = progress[mid]
            ms.cell(row[0].row, heads["status"], status_names[st])
            ms.cell(row[0].row, heads["pct"], pct)
            ms.cell(row[0].row, heads["actual"], actual)
            if completed:
                ms.cell(row[0].row, heads["completed"], completed)
    metrics = wb[contract.sheet_title("metrics", lang)]
    names = [metrics.cell(r, 1).value for r in range(2, 12)]
    logws = wb[contract.sheet_title("metric_log", lang)]
    for i, (when, metric, value) in enumerate(log, start=2):
        logws.cell(i, 1, when).number_format = contract.DATE_FORMAT
        logws.cell(i, 2, names[metric])
        logws.cell(i, 3, value)
    team = wb[contract.sheet_title("team", lang)]
    r = 2
    while team.cell(r, 1).value:
        r += 1
    for name, role, cap in extra_team:
        team.cell(r, 1, name), team.cell(r, 2, role), team.cell(r, 4, cap)
        r += 1
    settings = wb[contract.sheet_title("settings", lang)]
    for row in settings.iter_rows(min_row=2):
        if row[0].value == contract.SETTINGS_BY_KEY["as_of"].label(lang):
            row[1].value = AS_OF
            row[1].number_format = contract.DATE_FORMAT
    wb.save(path)


def main() -> None:
    lean = write_new_workbook(HERE / "lean-plan-en.xlsx", "lean-plan", "en", START, force=True)
    fill(lean, "en", LEAN, [(date(2026, 11, 27), 0, 35), (date(2026, 12, 11), 0, 58)], [])
    campaign = write_new_workbook(HERE / "campagne-digitale-fr.xlsx", "digital-campaign", "fr",
                                  START, force=True)
    fill(campaign, "fr", CAMPAIGN, CAMPAIGN_LOG, [("Chloé Martin", "Rédactrice", 12)])
    for path in (lean, campaign):
        refresh_workbook(path)
        path.with_name(path.name + ".bak").unlink(missing_ok=True)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()

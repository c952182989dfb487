"""A sheet's cells as python-calamine reads them, and the workbook they come from."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from milestone_sheets.errors import PlanError
from milestone_sheets.xlsx.guard import Package

# --------------------------------------------------------------------------- grid


@dataclass
class Grid:
    """A sheet's used cells as rows; absolute 1-based positions via the offsets."""

    title: str
    rows: list[list[Any]]
    row0: int  # 0-based row of rows[0]
    col0: int
    no_value: set[str]  # formula cells without a computed value
    date_1904: bool = False  # serial numbers count from 1904
    width: int = field(init=False)  # the longest row

    def __post_init__(self) -> None:
        self.width = max(map(len, self.rows), default=0)

    def value(self, row: int, col: int) -> Any:
        r, c = row - 1 - self.row0, col - 1 - self.col0
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            v = self.rows[r][c]
            return None if v == "" else v
        return None

    @property
    def last_row(self) -> int:
        return self.row0 + len(self.rows)

    @property
    def last_col(self) -> int:
        return self.col0 + self.width


class Workbook:
    """Calamine access to the sheets of a checked package."""

    def __init__(self, path: Path, pkg: Package) -> None:
        import python_calamine as pc

        self.path, self.pkg = path, pkg
        try:
            self._wb = pc.CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own kinds, and password errors
            raise PlanError(f"{path.name}: cannot be read as a workbook ({exc}). "
                            "Re-save it as .xlsx in Excel or LibreOffice.") from None
        self.titles: list[str] = list(self._wb.sheet_names)

    def grid(self, title: str, nrows: int | None = None) -> Grid:
        """The sheet's cells (its first `nrows` used rows only, when given)."""
        try:
            sheet = self._wb.get_sheet_by_name(title)
            rows = sheet.to_python(skip_empty_area=True, nrows=nrows)
            start = sheet.start or (0, 0)
        except Exception as exc:
            raise PlanError(f"{self.path.name}: sheet {title!r} cannot be read ({exc}). "
                            "Re-save the file in Excel or LibreOffice.") from None
        part = self.pkg.part_of(title)
        no_value = self.pkg.formulas.get(part, (set(), set()))[1] if part else set()
        return Grid(title, rows, start[0], start[1], no_value, self.pkg.date_1904)

    def close(self) -> None:
        self._wb.close()


VALUE_OF = attrgetter("value")
NUMBER_TYPES = {bool, int, float}

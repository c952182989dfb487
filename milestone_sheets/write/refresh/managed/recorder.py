"""The long tables' rows (Timeline, Issues, Baseline), recorded rather than written by
XlsxWriter: the transplant writes them into the sheet's XML (xlsx.transplant.add_rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from milestone_sheets.xlsx.cells import CellValue, serial

MAX_LINKS = 65_530  # hyperlinks Excel keeps on one sheet


@dataclass
class SheetRows:
    """Cells and internal links recorded for a sheet instead of written by XlsxWriter,
    which costs ~15 microseconds a cell: the Issues and Baseline of a large plan hold
    100,000 and more. Rows and columns are 1-based; styles are XlsxWriter's cell format
    indexes in the scratch workbook."""

    cells: dict[int, dict[int, tuple[CellValue, int]]] = field(default_factory=dict)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (cell, location, shown)


class Recorder:
    """Stands in for a Worksheet in the long tables: cells are recorded, not written. The
    first cell of each format is written by XlsxWriter, so that the format is in the
    scratch workbook; its index is known once the workbook is closed (`resolve`)."""

    def __init__(self, ws: Worksheet, rows: SheetRows, date_1904: bool) -> None:
        self.ws, self.rows, self.date_1904 = ws, rows, date_1904
        self.name = ws.name
        self._seen: set[int] = set()
        self._formats: dict[int, Format] = {}

    def _put(self, row: int, col: int, value: CellValue, fmt: Format | None) -> bool:
        if fmt is None:
            key = 0
        else:
            key = id(fmt)
            if key not in self._seen:
                self._seen.add(key)
                self._formats[key] = fmt
                return False
        cells = self.rows.cells.get(row + 1)
        if cells is None:
            cells = self.rows.cells[row + 1] = {}
        cells[col + 1] = (value, key)
        return True

    def resolve(self) -> None:
        """Put the formats' indexes in place of the formats (after the workbook is closed)."""
        index = {key: fmt.xf_index or 0 for key, fmt in self._formats.items()}
        index[0] = 0
        for cells in self.rows.cells.values():
            for col, (value, key) in cells.items():
                cells[col] = (value, index[key])

    def write_string(self, row: int, col: int, value: str, fmt: Format | None = None) -> int:
        if not self._put(row, col, value, fmt):
            return int(self.ws.write_string(row, col, value, fmt))
        return 0

    def write_number(self, row: int, col: int, value: float, fmt: Format | None = None) -> int:
        if not self._put(row, col, float(value), fmt):
            return int(self.ws.write_number(row, col, value, fmt))
        return 0

    def write_boolean(self, row: int, col: int, value: bool, fmt: Format | None = None) -> int:
        if not self._put(row, col, value, fmt):
            return int(self.ws.write_boolean(row, col, value, fmt))
        return 0

    def write_blank(self, row: int, col: int, value: None, fmt: Format | None = None) -> int:
        if fmt is None or not self._put(row, col, None, fmt):
            return int(self.ws.write_blank(row, col, value, fmt))
        return 0

    def write_datetime(self, row: int, col: int, value: date, fmt: Format | None = None) -> int:
        if not self._put(row, col, serial(value, self.date_1904), fmt):
            return int(self.ws.write_datetime(row, col, value, fmt))
        return 0

    def write_url(self, row: int, col: int, location: str, fmt: Format | None = None,
                  string: str | None = None) -> int:
        """An internal link ('internal:Sheet!A1') shown as `string`."""
        shown = string if string is not None else location.removeprefix("internal:")
        if len(self.rows.links) >= MAX_LINKS:  # Excel's limit per sheet: the text alone
            return self.write_string(row, col, shown)
        if not location.startswith("internal:") or not self._put(row, col, shown, fmt):
            return int(self.ws.write_url(row, col, location, fmt, string))
        self.rows.links.append((f"{xl_col_to_name(col)}{row + 1}",
                                location.removeprefix("internal:"), shown))
        return 0

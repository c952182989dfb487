"""The xlsx package layer: parts kept as bytes, only the parts msheets owns parsed and changed.

In the manner of python-pptx's `opc`: `opc` holds the package (parts, relationships,
content types); `styles` appends to the style sheet without moving an index; `sheet_patch`
patches managed cells into a worksheet's XML leaving every other byte alone; `notes` merges
msheets' notes into a sheet's comments and VML drawing; `workbook` edits the sheet list and
defined names; `transplant` moves sheets written by XlsxWriter into the package.
"""

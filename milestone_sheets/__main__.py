"""`python -m milestone_sheets` is the `msheets` command."""

from milestone_sheets.cli import main

main()

"""`python -m milestone_sheets` is the `msheets` command."""

from .cli import main

main()

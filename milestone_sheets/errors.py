"""Errors a user can act on. Each says what is wrong, where, and what to do."""

from __future__ import annotations

import click


class MsheetsError(click.ClickException):
    """Base class: printed as one line by the CLI, never as a traceback."""

    exit_code = 1


class PlanError(MsheetsError):
    """The file cannot be read as a plan (structural error): exit 2."""

    exit_code = 2


class RefusedError(MsheetsError):
    """msheets will not write, to keep the user's file safe: exit 1."""

    exit_code = 1

"""Errors a user can act on. Each says what is wrong, where, and what to do.

Plain exceptions: the library knows nothing of the command line; `cli.main` prints them as
one line "Error: ..." and exits with their `exit_code` (contract section 7). Two are not
the user's to act on as they are: `PackageError` (the xlsx layer's word for a malformed
part, which the caller turns into a PlanError naming the file) and `InternalError` (a bug
in msheets, exit 3).
"""

from __future__ import annotations


class MsheetsError(Exception):
    """Base class: a problem the user can act on (exit 1 unless a subclass says otherwise).

    `lang` is the language of the plan it is about, when known (the command line then
    prints "Erreur :" before a French plan's message); None when the plan could not be
    read far enough to tell.
    """

    exit_code = 1

    def __init__(self, message: str, lang: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.lang = lang

    def __str__(self) -> str:
        return self.message


class PlanError(MsheetsError):
    """The file cannot be read as a plan (structural error): exit 2."""

    exit_code = 2


class RefusedError(MsheetsError):
    """msheets will not write, to keep the user's file safe: exit 1."""

    exit_code = 1


INTERNAL_ERROR_EXIT = 3  # a bug in msheets, not a problem with the user's file


class PackageError(ValueError):
    """A part of the user's xlsx package is not as the xlsx layer expects (XML that does not
    parse, a part a relationship names that is missing, a cell reference that is not one
    ...). Raised by `xlsx/`, which does not know the file's name: the caller turns it into
    a PlanError (exit 2). Anything else raised while msheets edits a package is a bug."""


class InternalError(Exception):
    """msheets caught itself doing something wrong (a refreshed workbook that does not read
    back as written): a bug, exit 3 with the command line's internal-error line."""

    exit_code = INTERNAL_ERROR_EXIT

"""Errors that the command line turns into one clear line and a non-zero exit."""

from __future__ import annotations


class MigkgError(Exception):
    """A problem the user can act on; its message is one line."""

    exit_code = 2


class InputError(MigkgError):
    """A file that cannot be used: missing, unknown format, or does not parse."""

    def __init__(self, path: str, message: str, line: int | None = None, column: int | None = None):
        self.path = path
        self.line = line
        self.column = column
        self.detail = message
        where = path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class InconsistencyError(MigkgError):
    """OWL RL reasoning found the graph inconsistent."""

    exit_code = 1

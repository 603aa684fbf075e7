"""The `migkg` command: a thin layer over the modules that do the work. The group and its
shared parts are in ``base``; each command module registers its commands on the group when
imported here."""

from migkg.cli import graph, queries, spreadsheets, validate, web  # noqa: F401  (registers the commands)
from migkg.cli.base import console, consoles, err_console, main

__all__ = ["console", "consoles", "err_console", "main"]

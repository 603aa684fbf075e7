"""What every command module builds on: the `migkg` group (errors as one line and an exit code),
the global --lang, and the consoles. The command modules import from here; the package's
__init__ imports them (one direction, no cycle)."""

from __future__ import annotations

import functools
import sys

import click

from migkg import __version__
from migkg.errors import MigkgError


# rich costs ~40 ms to import: only the commands that draw tables or progress bars load it.
@functools.cache
def consoles():
    """The stdout and stderr consoles (rich), made on first use."""
    from rich.console import Console

    return Console(), Console(stderr=True)


class LazyConsole:
    """A console that loads rich only when something is printed."""

    def __init__(self, index: int):
        self._index = index

    def __getattr__(self, name):
        return getattr(consoles()[self._index], name)


console = LazyConsole(0)
err_console = LazyConsole(1)


def say_error(text: str) -> None:
    """One line on stderr; plain text (no rich needed on the error path)."""
    click.echo(text, err=True)


class MigkgGroup(click.Group):
    """Turn every MigkgError into one line on stderr and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MigkgError as exc:
            say_error(f"migkg: {exc}")
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:  # the finally blocks have removed temporary files by now
            say_error("migkg: interrupted")
            sys.exit(130)


@click.group(cls=MigkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="migkg")
@click.option("--lang", type=click.Choice(["en", "es"]), default=None,
              help="Language of labels, column titles and messages (default: MIGKG_LANG, else the locale: "
                   "LANG=es_PE.UTF-8 means Spanish, else en).")
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """migkg: a knowledge graph of migration governance, with sources.

    Where migrant categories overlap and where institutional mandates leave people
    unprotected. The countries it covers come from its data files.

    \b
    Examples:
      migkg queries --theme overlaps
      migkg --lang es query overlapping-categories
      migkg validate my-decree.ttl

    \b
    Exit codes:
      0    done; the graph or the files conform and are consistent
      1    does not conform (validate, report, --data of serve, query, navigate) or is inconsistent (check, report)
      2    bad input or usage, or a failure (a file that cannot be read, a store that refuses)
      130  interrupted (Ctrl-C); temporary files are removed
    """
    from migkg.cli.language import from_environment

    ctx.ensure_object(dict)
    ctx.obj["lang"] = lang or from_environment()

"""`--data FILE...` and `--no-validate`, shared by `serve`, `query` and `navigate`: the user's
files are read with the strict reader of `migkg validate` (a file that cannot be read is one
line with file:line:column, exit 2), validated unless --no-validate (not conforming: the report
as `migkg validate` writes it, on stderr, and exit 1), then merged with the project's graph for
that run only; nothing is written into data/."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from migkg.cli.language import keyword_for


def data_options(verb: str):
    """The --data and --no-validate options, their help worded with ``verb`` ("serve", "query")."""
    def decorate(function):
        function = click.option("--no-validate", is_flag=True,
                                help=f"{verb.capitalize()} the --data files without validating them first.")(function)
        return click.option(
            "--data", "data", multiple=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
            help=f"Also {verb} this RDF file (repeat for several), merged with the graph for this run only; "
                 "read and validated as `migkg validate` does.")(function)
    return decorate


def check_data(paths, no_validate: bool = False, read: bool = True) -> None:
    """Read every file strictly (InputError, one line, exit 2; skipped when ``read`` is False
    because the caller has read them), then validate them together unless ``no_validate``; when
    they do not conform, print the report on stderr and exit 1."""
    if not paths:
        return
    if read:
        from migkg.graphstore import data_ntriples

        for path in paths:  # one line with file:line:column for a file that cannot be read
            data_ntriples(path)
    if not no_validate:
        from migkg.validation import as_text, validate

        outcome = validate(list(paths))
        if not outcome.conforms:
            click.echo(as_text(outcome, **keyword_for(as_text)), err=True)
            sys.exit(1)


def graph_with(paths, no_validate: bool = False):
    """The project's graph plus the checked files (``open_default()`` itself without files)."""
    from migkg.graphstore import with_data

    graph = with_data(list(paths))  # reads each file strictly: a file that cannot be read stops here
    check_data(paths, no_validate, read=False)
    return graph

"""`migkg template`, `migkg tables` and `migkg import`: spreadsheets in and out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from migkg.cli.base import main, say_error
from migkg.cli.language import current

LANG_OPTION = click.option("--lang", "lang", type=click.Choice(["en", "es"]), default=None,
                           help="Language of headers, explanations and messages (default: `migkg --lang`, "
                                "MIGKG_LANG or the locale).")
FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None,
                             help="csv (UTF-8) or xlsx (with a sheet explaining the columns and drop-down lists); "
                                  "default: from the file's extension, else xlsx.")


def _fail(problems, lang: str):
    for line in problems.lines(lang):
        say_error(f"migkg: {line}")
    sys.exit(problems.exit_code)


def _lookup():
    from migkg.graphstore import open_default
    from migkg.spreadsheets.lookup import Lookup

    store = open_default()
    return store, Lookup(store)


@main.command("template")
@click.argument("kind", required=False)
@click.option("--list", "list_kinds", is_flag=True, help="List the kinds of template, one name per line.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Where to write the template (default: KIND.xlsx or KIND.csv in the current folder).")
@FORMAT_OPTION
@LANG_OPTION
def template_command(kind, list_kinds, output, fmt, lang) -> None:
    """Write an empty template for KIND (a spreadsheet with one column per property).

    \b
    Examples:
      migkg template --list
      migkg template instrument -o decrees.xlsx --lang es
      migkg template mandate --format csv
    """
    from migkg.spreadsheets.messages import Problem, SpreadsheetProblems, word
    from migkg.spreadsheets.metadata import kinds
    from migkg.spreadsheets.write import write_table

    lang = lang or current()
    if list_kinds:
        for name in kinds():
            click.echo(name)
        return
    if kind not in kinds():
        _fail(SpreadsheetProblems([Problem("unknown_kind", kind or "KIND",
                                           params=(("allowed", ", ".join(kinds())),))], lang), lang)
    suffix = output.suffix.lower() if output else ""
    fmt = fmt or (suffix.lstrip(".") if suffix in (".csv", ".xlsx") else "xlsx")
    output = output or Path(f"{kind}.{fmt}")
    if not output.parent.exists():
        _fail(SpreadsheetProblems([Problem("output_folder", str(output))], lang), lang)
    _, lookup = _lookup()
    write_table(output, kinds()[kind], [], lookup, lang, fmt)
    click.echo(word("wrote_template", lang, path=output), err=True)


@main.command("tables")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@FORMAT_OPTION
@LANG_OPTION
def tables_command(folder, fmt, lang) -> None:
    """Write the graph's own data as tables in the template format, one file per kind, into FOLDER.

    \b
    Examples:
      migkg tables graph-tables/
      migkg tables graph-tables/ --format csv --lang es
    """
    from migkg.spreadsheets.fromgraph import rows
    from migkg.spreadsheets.messages import word
    from migkg.spreadsheets.metadata import kinds
    from migkg.spreadsheets.write import write_table

    lang = lang or current()
    fmt = fmt or "xlsx"
    folder.mkdir(parents=True, exist_ok=True)
    store, lookup = _lookup()
    for name, kind in kinds().items():
        write_table(folder / f"{name}.{fmt}", kind, rows(kind, store, lookup, lang), lookup, lang, fmt)
    click.echo(word("wrote_tables", lang, count=len(kinds()), path=folder), err=True)


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="OUT.ttl",
              help="The Turtle file to write (only when everything conforms).")
@click.option("--max-rows", type=click.IntRange(min=1), default=100_000, show_default=True,
              help="Most data rows per file or sheet.")
@click.option("--namespace", metavar="PREFIX|IRI",
              help="Namespace of new resources named by a local name: a prefix of the graph or an IRI "
                   "(default https://w3id.org/migkg/id/).")
@click.option("--engine", type=click.Choice(["turbo", "pyshacl"]), default="turbo", show_default=True,
              help="SHACL engine for the validation with the graph.")
@LANG_OPTION
def import_command(files, output, max_rows, namespace, engine, lang) -> None:
    """Read FILES (CSV or XLSX in the template format) and write their data as Turtle to OUT.ttl.

    The result is validated with the shapes together with the graph before anything is written.
    Exit 0 when written, 1 when the data does not conform (one line per problem, or the
    validation report), 2 when a file cannot be used.

    \b
    Examples:
      migkg import decrees.xlsx -o decrees.ttl
      migkg --lang es import mandatos.csv membresias.csv -o nuevos.ttl
    """
    from migkg import netguard
    from migkg.spreadsheets import importer
    from migkg.spreadsheets.messages import SpreadsheetProblems, word
    from migkg.validation import as_text

    netguard.restrict_command()
    lang = lang or current()
    try:
        result = importer.run(list(files), output, lang, max_rows, namespace, engine=engine)
    except SpreadsheetProblems as problems:
        _fail(problems, lang)
    if result.outcome is not None and not result.outcome.conforms:
        report = as_text(result.outcome, lang=lang)
        click.echo(report.replace(result.trial, str(output)) if result.trial else report, err=True)
        say_error(f"migkg: {word('not_conforming', lang)}")
        sys.exit(1)
    click.echo(word("imported", lang, rows=result.rows, files=len(files), triples=result.triples, path=output),
               err=True)

"""`migkg import`: spreadsheets in the template format to one Turtle file. Every file is read,
every cell converted; any problem stops the import with one line per problem (nothing written).
The Turtle is then validated with the shapes together with the project's graph, from a temporary
copy named as the output; only data that conforms is written, atomically."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from migkg.core.atomic import write_atomically
from migkg.core.namespaces import ID
from migkg.spreadsheets.convert import convert
from migkg.spreadsheets.lookup import Lookup
from migkg.spreadsheets.messages import Problem, SpreadsheetProblems
from migkg.spreadsheets.read import DEFAULT_MAX_ROWS, read_tables
from migkg.spreadsheets.turtle import to_turtle
from migkg.spreadsheets.write import skipped_sheets


@dataclass
class Imported:
    text: str           # the Turtle
    triples: int
    rows: int
    outcome: object     # the ValidationOutcome (None when not validated)
    trial: str = ""     # the temporary file that was validated (named like the output)


def namespace_for(text: str | None, lookup: Lookup) -> str:
    """The namespace of new resources named by a local name: a prefix of the graph or an IRI."""
    if not text:
        return ID
    if text in lookup.prefixes:
        return lookup.prefixes[text]
    if text.rstrip(":") in lookup.prefixes:
        return lookup.prefixes[text.rstrip(":")]
    return text


def to_rdf(paths: list[Path], lang: str = "en", max_rows: int = DEFAULT_MAX_ROWS, namespace: str | None = None,
           store=None) -> tuple[str, int, int]:
    """(Turtle, triples, rows) of the files; SpreadsheetProblems when any file or cell is wrong."""
    from migkg.graphstore import open_default

    store = store or open_default()
    tables, problems = [], []
    skip = skipped_sheets()
    for path in paths:
        found, trouble = read_tables(Path(path), max_rows, skip)
        tables.extend(found)
        problems.extend(trouble)
    if problems:
        raise SpreadsheetProblems(problems, lang)
    lookup = Lookup(store)
    outcome = convert(tables, lookup, namespace_for(namespace, lookup), lang)
    if outcome.problems:
        raise SpreadsheetProblems(outcome.problems, lang)
    files = ", ".join(sorted(Path(p).name for p in paths))
    text = to_turtle(outcome.triples, lookup.prefixes, header=f"Imported by migkg import from {files}.")
    return text, len(outcome.triples), outcome.rows


def run(paths: list[Path], output: Path, lang: str = "en", max_rows: int = DEFAULT_MAX_ROWS,
        namespace: str | None = None, validate: bool = True, engine: str | None = None) -> Imported:
    """Convert, validate with the graph, and write ``output`` only when everything conforms."""
    output = Path(output)
    if not output.parent.exists():
        raise SpreadsheetProblems([Problem("output_folder", str(output))], lang)
    text, triples, rows = to_rdf(paths, lang, max_rows, namespace)
    result, trial_name = None, ""
    if validate:
        from migkg.validation import DEFAULT_ENGINE
        from migkg.validation import validate as run_validation

        with tempfile.TemporaryDirectory(prefix="migkg-import-") as folder:
            trial = Path(folder) / output.name
            trial.write_text(text, encoding="utf-8")
            trial_name = str(trial)
            result = run_validation([trial], "turtle", engine=engine or DEFAULT_ENGINE)
        if not result.conforms:
            return Imported(text, triples, rows, result, trial_name)
    write_atomically(output, text)
    return Imported(text, triples, rows, result)

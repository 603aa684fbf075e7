"""`migkg validate`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from migkg.cli.base import main
from migkg.cli.language import keyword_for
from migkg.cli.progress import stages


@main.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text", show_default=True,
              help="Report as grouped text, the SHACL report in Turtle, or JSON.")
@click.option("--input-format", type=click.Choice(["turtle", "trig", "nt", "nquads", "json-ld", "xml", "trix"]),
              help="RDF format of the files when their extension does not say.")
@click.option("--base", metavar="IRI", help="Base IRI for relative IRIs in FILES (refused without it).")
@click.option("--max-file-size", type=click.IntRange(min=1), metavar="BYTES",
              help="Largest file accepted (default 256 MiB; env MIGKG_MAX_FILE_BYTES).")
@click.option("--max-triples", type=click.IntRange(min=1), metavar="N",
              help="Most triples per file (default 10,000,000; env MIGKG_MAX_TRIPLES).")
@click.option("--max-depth", type=click.IntRange(min=1), metavar="N",
              help="Deepest nesting of [ ] and ( ) (default 64; env MIGKG_MAX_DEPTH).")
@click.option("--engine", type=click.Choice(["turbo", "pyshacl"]), default="turbo", show_default=True,
              help="SHACL engine: pyshacl-turbo (native, fast) or pySHACL (the reference); both give the same results.")
def validate_command(files, fmt, input_format, base, max_file_size, max_triples, max_depth, engine) -> None:
    """Validate FILES (with the ontology and reference data) or, without files, the project's graph.

    Exit 0 when the data conforms, 1 when it does not, 2 for unusable input. Messages follow
    `migkg --lang`.

    \b
    Examples:
      migkg validate
      migkg validate tests/fixtures/case-register.ttl
      migkg --lang es validate my-decree.ttl --format json
    """

    from migkg import netguard, store
    from migkg.validation import validate

    netguard.restrict_command()
    store.configure(base=base, file_bytes=max_file_size, triples=max_triples, depth=max_depth)
    click.get_current_context().call_on_close(store.reset_configuration)

    what = f"{len(files)} file{'s' if len(files) != 1 else ''}" if files else "the project's graph"
    with stages([f"validating {what}", "writing the report"], f"migkg: validated {what} in {{seconds}} s") as stage:
        stage(f"validating {what}")
        outcome = validate(list(files) or None, input_format, engine=engine)
        stage("writing the report")
        report = _report(outcome, fmt)
    click.echo(report)
    stage.summary()
    sys.exit(0 if outcome.conforms else 1)


def _report(outcome, fmt: str) -> str:
    import json

    from migkg.validation import as_text

    if fmt == "json":
        return json.dumps({"conforms": outcome.conforms, "problems": [p.as_dict() for p in outcome.problems]},
                          ensure_ascii=False, indent=1)
    if fmt == "turtle":
        return outcome.report.serialize(format="turtle")
    return as_text(outcome, **keyword_for(as_text))


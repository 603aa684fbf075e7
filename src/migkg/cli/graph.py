"""Commands about the graph as a whole: info, check, report, export, load."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from migkg.cli.base import console, consoles, err_console, main
from migkg.cli.progress import stages
from migkg.cli.userdata import check_data, data_options
from migkg.errors import MigkgError


@main.command()
def info() -> None:
    """Files loaded, triples per file, classes, individuals per class, sources cited.

    \b
    Examples:
      migkg info
      migkg info | less -R
    """
    from rich.table import Table

    from migkg.graphstore import open_default
    from migkg.info import describe

    summary = describe(open_default())
    files = Table(title="Files loaded", show_footer=True)
    files.add_column("file", footer="total")
    files.add_column("triples", justify="right", footer=str(sum(n for _, n in summary.files)))
    for name, n in summary.files:
        files.add_row(name, str(n))
    console.print(files)
    console.print(
        f"merged graph: {summary.triples} triples; ontology: {summary.classes} classes, {summary.properties} properties"
    )
    individuals = Table(title="Individuals per class")
    individuals.add_column("class")
    individuals.add_column("individuals", justify="right")
    for cls, n in summary.individuals_per_class:
        individuals.add_row(cls, str(n))
    console.print(individuals)
    sources = Table(title="Sources cited (dcterms:source links)")
    sources.add_column("source")
    sources.add_column("title")
    sources.add_column("links", justify="right")
    for iri, title, n in summary.sources_cited:
        sources.add_row(iri, title, str(n))
    console.print(sources)


@main.command("check")
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("report"),
              show_default=True, help="Folder to write summary.md into.")
def check_command(output_dir: Path) -> None:
    """The quick check: load ontology and data, OWL RL reasoning and consistency, write summary.md.

    Exit 0 when the graph is consistent under OWL RL, 1 when it is not. (The main job, which
    also validates and writes the whole report, is `migkg report`, run by `make run`.)

    \b
    Examples:
      migkg check
      migkg check -o /tmp/check && cat /tmp/check/summary.md
    """
    from migkg.check import check

    result = check(output_dir, consoles()[0])
    if not result.consistent:
        sys.exit(1)


@main.command("report")
@click.option("-o", "--output", "output_dir", type=click.Path(path_type=Path), default=Path("report"),
              show_default=True, help="Folder to write the report into (replaced as a whole; not committed).")
@data_options("report on")
def report_command(output_dir: Path, data, no_validate) -> None:
    """Build the graph (load, reason, validate), run the query catalogue and write the report:
    index.html (and index.es.html), report.md, pictures, and the ontology documentation.

    With --data REGISTER..., a case register (or any RDF file) is read and validated first (exit
    1 when it does not conform, 2 when it cannot be read; nothing is written then), counted in
    every query for this report only, and described in a section of its own: persons, category
    holdings, the overlap matrix of its persons and the share of them never referred.

    Exit 0 when the graph is consistent and conforms, 1 when it does not (the report is still
    written and shows why), 2 when the report cannot be written.

    \b
    Examples:
      migkg report
      migkg report -o /tmp/report && xdg-open /tmp/report/index.html
      migkg report --data my-register.ttl -o /tmp/register-report
    """
    import time

    from migkg.report import ReportError, build_report

    started = time.monotonic()
    check_data(data, no_validate)  # a register that cannot be read or does not conform stops here
    try:
        result = build_report(output_dir, consoles()[0], data=tuple(data))
    except MigkgError:
        raise
    except OSError as exc:
        raise ReportError(f"cannot write the report: {exc.strerror or exc}"
                          + (f": {exc.filename}" if getattr(exc, "filename", None) else "")) from None
    except Exception as exc:  # a bug or a query that changed shape: one line all the same
        detail = (str(exc).strip().splitlines() or [""])[0]
        raise ReportError(f"the report could not be built: {type(exc).__name__}: {detail}") from None
    console.print(
        f"{result.triples} triples ({result.inferred} inferred); "
        f"OWL RL {'consistent' if result.consistent else 'INCONSISTENT'}; "
        f"SHACL {'conforms' if result.conforms else 'does not conform'} "
        f"({result.violations} violations, {result.warnings} warnings)", highlight=False, soft_wrap=True)
    console.print(
        f"{result.overlaps} overlaps and {result.gaps} documented gaps found; "
        f"{result.empty_cells} of {result.cells} cells of the mandate matrix empty", highlight=False, soft_wrap=True)
    console.print(f"{len(result.files)} files, {result.bytes} bytes; report written in "
                  f"{time.monotonic() - started:.1f} s to:", highlight=False,
                  soft_wrap=True)
    # The page in the chosen language (`migkg --lang es`: index.es.html), the other beside it.
    from migkg.cli import language

    chosen = language.current()
    index = result.index if chosen == "en" else result.index.with_name(f"index.{chosen}.html")
    click.echo(str(index if index.is_file() else result.index))
    if not (result.consistent and result.conforms):
        err_console.print("migkg: the graph " + ("is inconsistent under OWL RL" if not result.consistent
                                                 else f"does not conform to the SHACL shapes ({result.violations} "
                                                      f"violations)") + "; the report's validation section shows why",
                          markup=False, highlight=False, soft_wrap=True)
        sys.exit(1)



@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "xml"]),
              help="Output format (default: from the -o extension, else ttl).")
@click.option("--inferred", is_flag=True, help="Add the OWL RL closure (with --graphs: in its own named graph).")
@click.option("--graphs", is_flag=True, help="One named graph per source file (nq, trig, jsonld).")
@click.option("--shapes", is_flag=True, help="Include the SHACL shapes from validation/.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE (through a temporary file renamed at the end) instead of stdout.")
def export_command(fmt, inferred, graphs, shapes, output) -> None:
    """Export ontology and data (and shapes, closure) as one file; same input, same bytes.

    \b
    Examples:
      migkg export -o migkg.ttl
      migkg export --inferred --graphs --format nq > migkg.nq
      migkg export --shapes -o with-shapes.trig
    """
    from migkg.export import check_output, export_bytes, format_for, write_atomically

    fmt = format_for(output, fmt)
    if output is not None:
        check_output(output)
    data = export_bytes(fmt, inferred=inferred, graphs=graphs, shapes=shapes)
    if output is None:
        stdout = click.get_binary_stream("stdout")
        try:
            stdout.write(data)
            stdout.flush()
        except BrokenPipeError:  # e.g. `migkg export | head`: the reader has all it wants
            os._exit(0)
        return
    write_atomically(output, data)
    click.echo(f"wrote {output} ({fmt}, {len(data)} bytes)", err=True)


@main.command("load")
@click.option("--store", metavar="URL", help="SPARQL 1.1 Graph Store Protocol endpoint (e.g. Oxigraph's /store).")
@click.option("--update", metavar="URL", help="SPARQL 1.1 Update endpoint (for the final MOVE; alone: the whole load).")
@click.option("--query", "query_url", metavar="URL",
              help="SPARQL query endpoint for the count check with --update alone (default: the --update URL), "
                   "and for finding staging graphs with --cleanup.")
@click.option("--graph", "target", metavar="IRI", help="Target named graph (default: the default graph).")
@click.option("--inferred", is_flag=True, help="Load the OWL RL closure instead of the asserted graph.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds to wait for each answer.")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
              help="Times to send a request again after a timeout, 429, or 503 with Retry-After.")
@click.option("--max-wait", type=click.FloatRange(min=0), default=120.0, show_default=True,
              help="Longest wait the store may ask for with Retry-After, in seconds (longer: give up).")
@click.option("--cleanup", is_flag=True,
              help="Load nothing: find and remove the staging graphs crashed loads left (not while a load runs).")
def load_command(store, update, query_url, target, inferred, timeout, retries, max_wait, cleanup) -> None:
    """Load the graph into a triple store, all or nothing, through a staging graph.

    Credentials come from MIGKG_USER and MIGKG_PASSWORD, or a netrc file. Exit 2 on any failure,
    with the target graph left as it was.

    \b
    Examples:
      migkg load --store http://localhost:7878/store
      migkg load --update http://localhost:3030/kg/update --graph https://example.org/migkg
      migkg load --store http://localhost:7878/store --cleanup
    """
    from migkg.load import Loader, LoadError

    if cleanup and (target or inferred):
        raise LoadError("--cleanup loads nothing: leave out --graph and --inferred")
    if query_url and not (update or cleanup):
        raise LoadError("--query is used with --update (for the count check) or --cleanup; "
                        "with --store the count comes from the Graph Store")
    loader = Loader(store=store, update=update, query=query_url, graph=target, timeout=timeout, retries=retries,
                    max_wait=max_wait)
    if cleanup:
        removed = loader.cleanup()
        _report_retries(loader.retried)
        click.echo(f"removed {len(removed)} staging graph{'s' if len(removed) != 1 else ''}"
                   + "".join(f"\n  <{g}>" for g in removed))
        return
    from migkg.graphstore import open_default

    names = ["reading the graph", *(["reasoning (OWL RL closure)"] if inferred else []), "loading into the store"]
    with stages(names, f"migkg: loaded into {store or update} in {{seconds}} s") as stage:
        stage(names[0])
        graph = open_default().rdflib_graph()
        if inferred:
            from migkg.closure import closure_graph

            stage(names[1])
            graph = closure_graph(open_default())
        stage(names[-1])
        result = loader.run(graph)
    _report_retries(result.retried)
    for warning in result.warnings:
        err_console.print(f"migkg: warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    where = f"<{result.target}>" if result.target else "the default graph"
    click.echo(f"loaded {result.triples} triples into {where} at {store or update} ({result.method})")
    stage.summary()


def _report_retries(lines: list[str]) -> None:
    for line in lines:
        err_console.print(f"migkg: retry: {line}", markup=False, highlight=False, soft_wrap=True)


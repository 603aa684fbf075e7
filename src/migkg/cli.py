"""The `migkg` command: a thin layer over the modules that do the work."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from migkg import __version__
from migkg.errors import MigkgError


# rich costs ~40 ms to import: only the commands that draw tables or progress bars load it.
@functools.cache
def _consoles():
    from rich.console import Console

    return Console(), Console(stderr=True)


class _LazyConsole:
    def __init__(self, index: int):
        self._index = index

    def __getattr__(self, name):
        return getattr(_consoles()[self._index], name)


console = _LazyConsole(0)
err_console = _LazyConsole(1)


def _say_error(text: str) -> None:
    """One line on stderr; plain text (no rich needed on the error path)."""
    click.echo(text, err=True)


class MigkgGroup(click.Group):
    """Turn every MigkgError into one line on stderr and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MigkgError as exc:
            _say_error(f"migkg: {exc}")
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:  # the finally blocks have removed temporary files by now
            _say_error("migkg: interrupted")
            sys.exit(130)


@click.group(cls=MigkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="migkg")
def main() -> None:
    """migkg: a knowledge graph of migration governance, with sources.

    Where migrant categories overlap and where institutional mandates leave people
    unprotected. The countries it covers come from its data files.
    """


@main.command()
def info() -> None:
    """Files loaded, triples per file, classes, individuals per class, sources cited."""
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
    """
    from migkg.check import check

    result = check(output_dir, _consoles()[0])
    if not result.consistent:
        sys.exit(1)


@main.command("report")
@click.option("-o", "--output", "output_dir", type=click.Path(path_type=Path), default=Path("report"),
              show_default=True, help="Folder to write the report into (replaced as a whole; not committed).")
def report_command(output_dir: Path) -> None:
    """Build the graph (load, reason, validate), run the query catalogue and write the report:
    index.html (and index.es.html), report.md, pictures, and the ontology documentation.

    Exit 0 when the graph is consistent and conforms, 1 when it does not (the report is still
    written and shows why), 2 when the report cannot be written.
    """
    from migkg.report import ReportError, build_report

    try:
        result = build_report(output_dir, _consoles()[0])
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
    console.print(f"{len(result.files)} files, {result.bytes} bytes; report written to:", highlight=False,
                  soft_wrap=True)
    click.echo(str(result.index))
    if not (result.consistent and result.conforms):
        err_console.print("migkg: the graph " + ("is inconsistent under OWL RL" if not result.consistent
                                                 else f"does not conform to the SHACL shapes ({result.violations} "
                                                      f"violations)") + "; the report's validation section shows why",
                          markup=False, highlight=False, soft_wrap=True)
        sys.exit(1)


@main.command("queries")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="How to list the catalogue.")
def list_queries(fmt: str) -> None:
    """List the saved query catalogue (name and summary)."""
    import json

    from rich.table import Table

    from migkg.queries import catalogue

    entries = catalogue()
    if fmt == "json":
        click.echo(json.dumps([q.as_dict() for q in entries], ensure_ascii=False, indent=1))
        return
    table = Table(title=f"{len(entries)} saved queries")
    table.add_column("name", no_wrap=True)
    table.add_column("summary")
    table.add_column("params")
    for q in entries:
        table.add_row(q.name, q.summary, ", ".join(p.name for p in q.params))
    console.print(table)


def _parse_params(values: tuple[str, ...]) -> dict[str, str | list[str]]:
    """KEY=VALUE pairs; a key given twice collects its values in a list (for a parameter that
    takes several values; the query says which)."""
    from migkg.queries import QueryError

    params: dict[str, str | list[str]] = {}
    for item in values:
        if "=" not in item:
            raise QueryError(f"--param {item!r}: expected KEY=VALUE")
        key, value = item.split("=", 1)
        key = key.strip()
        if key in params:
            before = params[key]
            params[key] = [*before, value] if isinstance(before, list) else [before, value]
        else:
            params[key] = value
    return params


@main.command()
@click.argument("name", required=False)
@click.option("--file", "query_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Run your own .rq file instead of a saved query.")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="Bind a query parameter.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="json is the W3C SPARQL 1.1 Query Results JSON format.")
@click.option("--inferred", is_flag=True, help="Run over the OWL RL closure instead of the asserted graph.")
@click.option("--endpoint", metavar="URL", help="Run against a remote SPARQL endpoint instead of the local graph.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="Local engine: the embedded pyoxigraph store, or rdflib (the reference).")
@click.option("--allow-network", is_flag=True,
              help="Let a local query fetch from the network (SERVICE, FROM, FROM NAMED); refused otherwise.")
def query(name, query_file, params, fmt, inferred, endpoint, engine, allow_network) -> None:
    """Run a saved query (by NAME) or your own (--file) and print the rows."""
    from migkg import netguard, sparql
    from migkg.queries import QueryError, find, load_query

    if not allow_network:
        netguard.restrict_command([endpoint] if endpoint else [])
    else:
        netguard.default_timeout(60.0)  # rdflib's SERVICE calls have no timeout of their own

    if bool(name) == bool(query_file):
        raise QueryError("give either a saved query NAME or --file PATH (see `migkg queries`)")
    if endpoint and inferred:
        raise QueryError("--inferred applies to the local graph; a remote endpoint answers from what it stores")
    saved = load_query(query_file) if query_file else find(name)
    bindings = saved.ox_bindings(_parse_params(params))
    if endpoint:
        table = sparql.run_remote(endpoint, saved.text, saved.bindings(_parse_params(params)))
    else:
        from migkg.graphstore import open_default

        gs = open_default()
        if engine == "rdflib":
            graph = gs.rdflib_graph()
            if inferred:
                from migkg.closure import closure_graph

                graph = closure_graph(gs)
            table = sparql.run_rdflib(graph, saved.text, saved.bindings(_parse_params(params)),
                                      allow_network=allow_network)
        else:
            store = gs.store
            if inferred:
                from migkg.closure import closure_store

                store = closure_store(gs)
            table = sparql.run_oxigraph(store, saved.text, bindings, allow_network=allow_network, as_rdflib=False)
    if fmt == "json":
        click.echo(sparql.to_json(table))
    elif fmt in ("csv", "tsv"):
        click.echo(sparql.to_delimited(table, "," if fmt == "csv" else "\t"), nl=False)
    else:
        from rich.table import Table

        columns, cells = table.for_reading()
        out = Table(title=f"{saved.name}: {len(table)} rows", show_lines=True)
        for var in columns:
            out.add_column(var, overflow="fold")
        for row in cells:
            out.add_row(*row)
        console.print(out)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1 exposes the graph to other machines.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--query-timeout", default=30.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a SPARQL query may run before it is stopped.")
@click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(1),
              help="Rows (or triples) at most in one answer; longer answers are cut, with a header saying so.")
@click.option("--allow-network", is_flag=True, help="Let queries use SERVICE, FROM, FROM NAMED and LOAD.")
@click.option("--cors", metavar="ORIGIN", help="Allow this one origin to call the server from a browser (CORS).")
@click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also serve this RDF file (repeat for several), merged with the graph for this run only; read "
                   "and validated as `migkg validate` does.")
@click.option("--no-validate", is_flag=True, help="Serve the --data files without validating them first.")
def serve_command(host, port, query_timeout, max_rows, allow_network, cors, data, no_validate) -> None:
    """Serve the graph over HTTP, read-only: pages, SPARQL endpoint, saved-query API, report.

    With --data FILE..., the files are read with the strict reader and limits of `migkg validate`,
    validated (unless --no-validate) and served together with the graph; nothing is written into
    data/. Exit 1 when they do not conform (the report as `migkg validate` writes it, on stderr),
    2 when they cannot be read.
    """
    from migkg.serve import Settings, run

    if data:
        from migkg.graphstore import data_ntriples

        for path in data:  # one line with file:line:column for a file that cannot be read
            data_ntriples(path)
        if not no_validate:
            from migkg.validation import as_text, validate

            outcome = validate(list(data))
            if not outcome.conforms:
                click.echo(as_text(outcome), err=True)
                sys.exit(1)
    run(Settings(host=host, port=port, query_timeout=query_timeout, max_rows=max_rows,
                 allow_network=allow_network, cors=cors, data=tuple(str(p.resolve()) for p in data)),
        say=lambda line: click.echo(line, err=True))


@main.command("navigate")
@click.argument("categories", nargs=-1, required=True, metavar="CATEGORY...")
@click.option("--asOf", "as_of", metavar="DATE", help="Only instruments, mandates, statuses and memberships in force "
              "on this date (YYYY-MM-DD).")
@click.option("--lang", type=click.Choice(["en", "es"]), default="en", show_default=True,
              help="Language of the labels.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True,
              help="text: a terminal page; json: one object per part, with IRIs and labels; md: for a case file.")
def navigate_command(categories, as_of, lang, fmt) -> None:
    """What the graph knows about a person in CATEGORY... (one or several): mandated institutions
    by function and legal basis, statuses they are eligible for, referrals, coordination and
    exclusions between the institutions, and documented overlaps, gaps and MGI findings; every
    line with its sources. A category is its local name, its IRI, or its label in English or
    Spanish (an unambiguous prefix is enough).

    \b
    Examples:
      migkg navigate smuggled-migrant asylum-seeker
      migkg navigate "víctima de trata de personas" irregular-migrant --lang es --format md
      migkg navigate refugee --asOf 2016-12-31 --format json
    """
    from migkg import navigate
    from migkg.navigate import render

    result = navigate.answer(list(categories), lang=lang, as_of=as_of)
    if fmt == "json":
        click.echo(navigate.to_json(result))
    elif fmt == "md":
        click.echo(render.to_markdown(result), nl=False)
    else:
        render.to_rich(result, console)


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

    Exit 0 when the data conforms, 1 when it does not, 2 for unusable input.
    """
    import json

    from migkg import netguard, store
    from migkg.validation import as_text, validate

    netguard.restrict_command()
    store.configure(base=base, file_bytes=max_file_size, triples=max_triples, depth=max_depth)
    click.get_current_context().call_on_close(store.reset_configuration)

    outcome = validate(list(files) or None, input_format, engine=engine)
    if fmt == "json":
        click.echo(json.dumps({"conforms": outcome.conforms, "problems": [p.as_dict() for p in outcome.problems]},
                              ensure_ascii=False, indent=1))
    elif fmt == "turtle":
        click.echo(outcome.report.serialize(format="turtle"))
    else:
        click.echo(as_text(outcome))
    sys.exit(0 if outcome.conforms else 1)


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "xml"]),
              help="Output format (default: from the -o extension, else ttl).")
@click.option("--inferred", is_flag=True, help="Add the OWL RL closure (with --graphs: in its own named graph).")
@click.option("--graphs", is_flag=True, help="One named graph per source file (nq, trig, jsonld).")
@click.option("--shapes", is_flag=True, help="Include the SHACL shapes from validation/.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE (through a temporary file renamed at the end) instead of stdout.")
def export_command(fmt, inferred, graphs, shapes, output) -> None:
    """Export ontology and data (and shapes, closure) as one file; same input, same bytes."""
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

    graph = open_default().rdflib_graph()
    if inferred:
        from migkg.closure import closure_graph

        graph = closure_graph(open_default())
    result = loader.run(graph)
    _report_retries(result.retried)
    for warning in result.warnings:
        err_console.print(f"migkg: warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    where = f"<{result.target}>" if result.target else "the default graph"
    click.echo(f"loaded {result.triples} triples into {where} at {store or update} ({result.method})")


def _report_retries(lines: list[str]) -> None:
    for line in lines:
        err_console.print(f"migkg: retry: {line}", markup=False, highlight=False, soft_wrap=True)


if __name__ == "__main__":  # pragma: no cover
    main()

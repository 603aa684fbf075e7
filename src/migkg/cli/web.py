"""Commands that serve or browse the graph: serve, navigate."""

from __future__ import annotations

import click

from migkg.cli.base import console, main
from migkg.cli.language import current
from migkg.cli.userdata import check_data, data_options, graph_with


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
@data_options("serve")
def serve_command(host, port, query_timeout, max_rows, allow_network, cors, data, no_validate) -> None:
    """Serve the graph over HTTP, read-only: pages, SPARQL endpoint, saved-query API, report.

    With --data FILE..., the files are read with the strict reader and limits of `migkg validate`,
    validated (unless --no-validate) and served together with the graph; nothing is written into
    data/. Exit 1 when they do not conform (the report as `migkg validate` writes it, on stderr),
    2 when they cannot be read.

    \b
    Examples:
      migkg serve
      migkg serve --port 8080 --data my-decree.ttl
      migkg serve --host 0.0.0.0 --max-rows 1000
    """
    from migkg.serve import Settings, run

    check_data(data, no_validate)
    run(Settings(host=host, port=port, query_timeout=query_timeout, max_rows=max_rows,
                 allow_network=allow_network, cors=cors, data=tuple(str(p.resolve()) for p in data)),
        say=lambda line: click.echo(line, err=True))


@main.command("navigate")
@click.argument("categories", nargs=-1, required=True, metavar="CATEGORY...")
@click.option("--asOf", "as_of", metavar="DATE", help="Only instruments, mandates, statuses and memberships in force "
              "on this date (YYYY-MM-DD).")
@click.option("--lang", type=click.Choice(["en", "es"]), default=None,
              help="Language of the labels (default: the global --lang, MIGKG_LANG or the locale, else en).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True,
              help="text: a terminal page; json: one object per part, with IRIs and labels; md: for a case file.")
@click.option("--evidence/--no-evidence", default=True, show_default=True,
              help="Show under each claim the words of the sources that support it, with their sections.")
@data_options("read")
def navigate_command(categories, as_of, lang, fmt, evidence, data, no_validate) -> None:
    """What the graph knows about a person in CATEGORY... (one or several): mandated institutions
    by function and legal basis, statuses they are eligible for and the entitlements instruments
    give them (also those given to a broader category they fall under, shown "(via migrant)"),
    referrals, coordination and exclusions between the institutions, and documented overlaps,
    gaps and MGI findings; every line with its sources, and under each claim the quoted words of
    the sources that support it (--no-evidence leaves them out). A category is its local name, its IRI,
    or its label in English or Spanish (an unambiguous prefix is enough).

    With --data FILE..., the files are read, validated and merged with the graph for this run
    only, as `migkg serve --data` does (exit 1 when they do not conform, 2 when unreadable).

    \b
    Examples:
      migkg navigate smuggled-migrant asylum-seeker
      migkg navigate "víctima de trata de personas" irregular-migrant --lang es --format md
      migkg navigate refugee --asOf 2016-12-31 --format json
      migkg navigate asylum-seeker --data my-register.ttl
    """
    from migkg import navigate
    from migkg.navigate import render

    graph = graph_with(data, no_validate) if data else None
    result = navigate.answer(list(categories), lang=lang or current(), as_of=as_of, graph=graph,
                             evidence=evidence)
    if fmt == "json":
        click.echo(navigate.to_json(result))
    elif fmt == "md":
        click.echo(render.to_markdown(result), nl=False)
    else:
        render.to_rich(result, console)


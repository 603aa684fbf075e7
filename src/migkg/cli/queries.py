"""The saved query catalogue: `migkg queries` and `migkg query`."""

from __future__ import annotations

from pathlib import Path

import click

from migkg.cli.base import console, main
from migkg.cli.language import current
from migkg.cli.userdata import data_options, graph_with
from migkg.errors import MigkgError


class Count(click.IntRange):
    """A whole number, 0 or more (--limit, --offset); a bad value is one line and exit 2, as
    every other error of migkg (not click's usage text)."""

    def __init__(self):
        super().__init__(min=0)

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            name = param.opts[0] if param is not None else "value"
            raise MigkgError(f"{name}: expected a whole number, 0 or more; got {value!r}") from None


def _complete_names(ctx, param, incomplete: str):
    """Shell completion of saved-query names."""
    from click.shell_completion import CompletionItem

    from migkg.queries import catalogue

    return [CompletionItem(q.name, help=q.summary) for q in catalogue() if q.name.startswith(incomplete)]


def _complete_params(ctx, param, incomplete: str):
    """Shell completion of `-p KEY=`: the parameters of the query named so far."""
    from click.shell_completion import CompletionItem

    from migkg.queries import find

    # With `-p` last and no value yet, click leaves NAME unparsed in ctx.args.
    name = ctx.params.get("name") or next((a for a in ctx.args if not a.startswith("-")), None)
    if not name or "=" in incomplete:
        return []
    try:
        saved = find(name)
    except Exception:  # noqa: BLE001 (completion never fails loudly)
        return []
    return [CompletionItem(f"{p.name}=", help=p.description) for p in saved.params
            if p.name.startswith(incomplete)]


def _complete_themes(ctx, param, incomplete: str):
    from click.shell_completion import CompletionItem

    from migkg.queries import catalogue

    return [CompletionItem(t) for t in sorted({q.theme for q in catalogue()}) if t.startswith(incomplete)]


@main.command("queries")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="How to list the catalogue.")
@click.option("--theme", metavar="NAME", shell_complete=_complete_themes,
              help="Only the queries of this theme (the folder under queries/: overlaps, coordination, ...).")
def list_queries(fmt: str, theme: str | None) -> None:
    """List the saved query catalogue: name, full summary and parameters, grouped by theme.

    \b
    Examples:
      migkg queries
      migkg queries --theme overlaps
      migkg query overlapping-categories --describe
    """
    import json
    import textwrap

    from migkg.queries import QueryError, catalogue

    entries = catalogue()
    themes = sorted({q.theme for q in entries})
    if theme is not None:
        if theme not in themes:
            raise QueryError(f"no theme {theme!r}; the themes: {', '.join(themes)}")
        entries = [q for q in entries if q.theme == theme]
    if fmt == "json":
        click.echo(json.dumps([q.as_dict() for q in entries], ensure_ascii=False, indent=1))
        return
    width = max(console.width, 40)
    lines = [f"{len(entries)} saved queries"]
    for name in themes:
        group = [q for q in entries if q.theme == name]
        if not group:
            continue
        lines += ["", f"{name or '(other)'} ({len(group)})"]
        for q in group:
            lines.append(f"  {q.name}")
            lines += textwrap.wrap(q.summary, width, initial_indent="      ", subsequent_indent="      ",
                                   break_long_words=False, break_on_hyphens=False)
            if q.params:
                lines += textwrap.wrap("parameters: " + ", ".join(p.name for p in q.params), width,
                                       initial_indent="      ", subsequent_indent="        ",
                                       break_long_words=False, break_on_hyphens=False)
    console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True, emoji=False)


def describe(saved, lang: str) -> str:
    """What `migkg query NAME --describe` prints: the question, the parameters, the columns."""
    import textwrap

    def wrap(text: str, indent: str) -> list[str]:
        return textwrap.wrap(text, 100, initial_indent=indent, subsequent_indent=indent,
                             break_long_words=False, break_on_hyphens=False) or [indent.rstrip()]

    lines = [f"{saved.name}" + (f"  (theme: {saved.theme})" if saved.theme else ""), *wrap(saved.summary, "  "), ""]
    if saved.description:
        lines += ["Question:", *wrap(saved.description, "  "), ""]
    lines.append("Parameters:" if saved.params else "Parameters: none")
    for p in saved.params:
        default = "none" if p.default is None else p.default
        lines.append(f"  {p.name} ({p.type}{', several values' if p.multiple else ''}; default: {default})")
        if p.description:
            lines += wrap(p.description, "      ")
    titles = saved.column_titles(lang)
    variables = saved.variables()
    lines += ["", "Columns:" if variables else "Columns: (not known before running)"]
    for v in variables:
        if f"{v}Label" in variables:
            lines.append(f"  {v}  (IRI; in tables, {v}Label names it)")
        else:
            lines.append(f"  {v}" + (f": {titles[v]}" if v in titles else ""))
    return "\n".join(lines)


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
@click.argument("name", required=False, shell_complete=_complete_names)
@click.option("--file", "query_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Run your own .rq file instead of a saved query.")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", shell_complete=_complete_params,
              help="Bind a query parameter (see --describe for the query's parameters).")
@click.option("--describe", "describe_only", is_flag=True,
              help="Print the question the query answers, its parameters and its columns, and run nothing.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="json is the W3C SPARQL 1.1 Query Results JSON format.")
@click.option("--layout", type=click.Choice(["auto", "table", "records"]), default="auto", show_default=True,
              help="With --format table: a table, one block per row (records), or whichever fits the width.")
@click.option("--inferred", is_flag=True, help="Run over the OWL RL closure instead of the asserted graph.")
@click.option("--endpoint", metavar="URL", help="Run against a remote SPARQL endpoint instead of the local graph.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="Local engine: the embedded pyoxigraph store, or rdflib (the reference).")
@click.option("--allow-network", is_flag=True,
              help="Let a local query fetch from the network (SERVICE, FROM, FROM NAMED); refused otherwise.")
@click.option("--limit", type=Count(), default=None, metavar="N",
              help="At most N rows (after --offset), in the query's own order.")
@click.option("--offset", type=Count(), default=0, metavar="N", help="Skip the first N rows of the answer.")
@data_options("query")
def query(name, query_file, params, describe_only, fmt, layout, inferred, endpoint, engine, allow_network,
          limit, offset, data, no_validate) -> None:
    """Run a saved query (by NAME) or your own (--file) and print the rows.

    With --data FILE..., the files are read, validated and merged with the graph for this run
    only, as `migkg serve --data` does (exit 1 when they do not conform, 2 when unreadable).
    --limit and --offset take one page of the answer, in the query's own order.

    At a terminal, --format table shows a table when the columns fit the width and one block per
    row otherwise (--layout to choose); column titles and labels follow `migkg --lang`.

    \b
    Examples:
      migkg query overlapping-categories
      migkg --lang es query mandates -p asOf=2016-12-31 --layout records
      migkg query coverage-matrix --format csv > coverage.csv
      migkg query mandates --limit 20 --offset 40
      migkg query case-level-overlaps --data my-register.ttl
    """
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
    if data and (inferred or endpoint):
        raise QueryError(f"--data cannot be combined with {'--inferred' if inferred else '--endpoint'}: "
                         "the files are merged with the local, asserted graph")
    saved = load_query(query_file) if query_file else find(name)
    if describe_only:
        click.echo(describe(saved, current()))
        return
    lang = current()
    given = _parse_params(params)
    if "lang" not in given and any(p.name == "lang" for p in saved.params):
        params = (*params, f"lang={lang}")  # the query's own lang parameter follows --lang unless given
    bindings = saved.ox_bindings(_parse_params(params))
    if endpoint:
        table = sparql.page(sparql.run_remote(endpoint, saved.text, saved.bindings(_parse_params(params))),
                            offset, limit)
    else:
        gs = graph_with(data, no_validate)
        if engine == "rdflib":
            graph = gs.rdflib_graph()
            if inferred:
                from migkg.closure import closure_graph

                graph = closure_graph(gs)
            table = sparql.page(sparql.run_rdflib(graph, saved.text, saved.bindings(_parse_params(params)),
                                                  allow_network=allow_network), offset, limit)
        else:
            store = gs.store
            if inferred:
                from migkg.closure import closure_store

                store = closure_store(gs)
            table = sparql.run_oxigraph_page(store, saved.text, bindings, allow_network=allow_network,
                                             offset=offset, limit=limit)
    if fmt == "json":
        click.echo(sparql.to_json(table))
    elif fmt in ("csv", "tsv"):
        click.echo(sparql.to_delimited(table, "," if fmt == "csv" else "\t"), nl=False)
    else:
        from migkg.cli import tables

        variables, cells = table.for_reading()
        title = f"{saved.name}: {len(table)} rows"
        if layout == "auto" and not console.is_terminal:  # piped: unchanged unless a layout is asked for
            console.print(tables.as_piped_table(title, variables, cells))
            return
        titles = saved.column_titles(lang)
        columns = [titles.get(v, v) for v in variables]
        tables.render(console, title, columns, cells, layout)


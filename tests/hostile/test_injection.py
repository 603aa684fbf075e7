"""Query parameters are bound as terms (issue 8): values made to break out of a string or an
IRI come back verbatim and do not change which rows the query finds, on the local engines
(rdflib, pyoxigraph), on a remote endpoint (a real `oxigraph serve`), and through the CLI."""

from __future__ import annotations

import json

import pytest
from rdflib import RDF, Graph, Literal, URIRef, Variable

from migkg import sparql
from migkg.queries import QueryError, load_query
from tests.hostile.helpers import FIXTURES, copy_fixture, files_in, one_line_error, run_migkg
from tests.servers import OxigraphServer, oxigraph_binary

DECREE = URIRef("https://w3id.org/migkg/ontology#SupremeDecree")

HOSTILE = [
    'plain',
    'a "quoted" value',
    '" } ; DELETE WHERE { ?s ?p ?o } #',
    '\\u0022 } UNION { ?s ?p ?o } #',
    '\\" } UNION { ?s ?p ?o } #',
    '> } UNION { ?s ?p ?o } #',
    '} } SELECT * WHERE { ?s ?p ?o } #',
    'line one\n} UNION { ?s ?p ?o }\n#',
    "'single' \\'",
    '"""triple""" \'\'\'quotes\'\'\'',
    '\\',
]


@pytest.fixture(scope="module")
def small_graph() -> Graph:
    g = Graph()
    for i in range(3):
        g.add((URIRef(f"https://example.org/decree/{i}"), RDF.type, DECREE))
    g.add((URIRef("https://example.org/other"), RDF.type, URIRef("https://example.org/Other")))
    return g


@pytest.fixture(scope="module")
def saved():
    return load_query(FIXTURES / "injection.rq")


def _check(table: sparql.ResultTable, value: str) -> None:
    assert table.variables == ["value", "s"]
    assert len(table) == 3, table.rows
    assert {str(row[1]) for row in table.rows} == {f"https://example.org/decree/{i}" for i in range(3)}
    assert all(row[0] == Literal(value) and str(row[0]) == value for row in table.rows)


@pytest.mark.parametrize("value", HOSTILE)
def test_local_engines_bind_values_as_terms(small_graph, saved, value):
    bindings = saved.bindings({"value": value})
    assert bindings == {Variable("value"): Literal(value)}
    _check(sparql.run_rdflib(small_graph, saved.text, bindings), value)
    _check(sparql.run_oxigraph(sparql.oxigraph_store(small_graph), saved.text, bindings), value)


@pytest.mark.parametrize("value", ['https://example.org/a> } UNION { ?s ?p ?o } #<', 'https://example.org/\\u003E',
                                   'https://example.org/"', 'https://example.org/a}', 'https://example.org/a\nb'])
def test_iri_parameters_that_could_end_the_iri_are_refused(value):
    from migkg.queries import Param

    with pytest.raises(QueryError, match="is not a valid iri"):
        Param("where", "iri").to_term(value)


@pytest.fixture(scope="module")
def remote(tmp_path_factory, small_graph):
    binary = oxigraph_binary()
    assert binary, "the oxigraph binary (a test dependency) is missing"
    server = OxigraphServer(tmp_path_factory.mktemp("hostile-ox") / "db", binary).start()
    server.put_graph(None, small_graph.serialize(format="nt", encoding="utf-8"))
    yield server
    server.stop()


@pytest.mark.server
@pytest.mark.parametrize("value", HOSTILE)
def test_remote_endpoint_binds_values_as_terms(remote, saved, value):
    before = remote.get_graph(None)
    _check(sparql.run_remote(remote.query_url, saved.text, saved.bindings({"value": value}), timeout=30), value)
    assert remote.get_graph(None) == before


@pytest.mark.parametrize("value", [HOSTILE[2], HOSTILE[3], HOSTILE[7]])
def test_cli_returns_the_value_verbatim(workdir, value):
    copy_fixture("injection.rq", workdir)
    before = files_in(workdir)
    result = run_migkg("query", "--file", "injection.rq", "-p", f"value={value}", "--format", "json", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert rows and all(row["value"] == {"type": "literal", "value": value} for row in rows)
    assert files_in(workdir) == before


def test_cli_refuses_a_bad_date_parameter_in_one_line(workdir):
    result = run_migkg("query", "instruments-as-of", "-p", "asOf=2020-01-01\" } #", cwd=workdir)
    assert result.returncode == 2
    assert one_line_error(result).startswith("migkg: parameter asOf: ")


@pytest.mark.server
def test_cli_remote_path_reaches_only_the_endpoint(workdir, remote):
    """Through the CLI the network guard allows the endpoint the user gave, and the hostile
    value still comes back verbatim from the server."""
    value = HOSTILE[3]
    copy_fixture("injection.rq", workdir)
    result = run_migkg("query", "--file", "injection.rq", "-p", f"value={value}", "--endpoint", remote.query_url,
                       "--format", "json", cwd=workdir)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert len(rows) == 3 and all(row["value"] == {"type": "literal", "value": value} for row in rows)

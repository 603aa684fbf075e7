"""The query catalogue as a whole: every file has its header, parses, runs, gives the same rows
on rdflib (the reference) and pyoxigraph; and the `queries`/`query` commands behave."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery

from migkg import sparql
from migkg.queries import QueryError, catalogue, find
from migkg.store import parse_file

from .conftest import ROOT, run_cli

CATALOGUE = catalogue()
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def oxstore(graph):
    return sparql.oxigraph_store(graph)


@pytest.mark.parametrize("query", CATALOGUE, ids=lambda q: q.name)
class TestEveryQuery:
    def test_has_a_complete_header(self, query):
        assert query.summary, "#+ summary: missing"
        assert len(query.description) > 40, "#+ description: missing or too short"
        assert query.tags, "#+ tags: missing"
        for param in query.params:
            assert param.description, f"parameter {param.name} has no description"

    def test_parses_as_standard_sparql_without_service(self, query):
        prepareQuery(query.text)
        body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
        assert "SERVICE" not in body.upper().split()


# rdflib takes 1-3 s on each of these (nested OPTIONALs over the whole graph): they run in the full
# tier, `make test`, and every other query in `make test-fast` too.
SLOW_ON_RDFLIB = {"navigate-entitlements", "navigate-links", "overlapping-categories", "untyped-reference-violation"}


def test_the_queries_left_to_the_full_tier_exist():
    assert SLOW_ON_RDFLIB <= {q.name for q in CATALOGUE}


@pytest.mark.parametrize("query", [pytest.param(q, id=q.name, marks=[pytest.mark.slow] * (q.name in SLOW_ON_RDFLIB))
                                   for q in CATALOGUE])
def test_rdflib_and_oxigraph_give_the_same_rows(query, graph, oxstore):
    bindings = query.bindings()
    reference = sparql.run_rdflib(graph, query.text, bindings)
    fast = sparql.run_oxigraph(oxstore, query.text, bindings)
    assert reference.variables == fast.variables
    # GROUP_CONCAT's order is left to the engine by SPARQL: compare its parts as sets.
    def cell(t):
        if t is None:
            return None
        text = str(t)
        if "; " in text:
            text = "; ".join(sorted(text.split("; ")))
        return (type(t).__name__, text, getattr(t, "language", None), str(getattr(t, "datatype", None) or ""))

    def normal(table):
        return sorted((tuple(cell(t) for t in row) for row in table.rows), key=str)
    assert normal(reference) == normal(fast)


def test_labelled_queries_take_a_language():
    for query in CATALOGUE:
        if re.search(r"\?lang\b", query.text):
            assert any(p.name == "lang" and p.type == "language" and p.default == "en"
                       for p in query.params), query.name


def test_competency_questions_name_an_existing_query_or_test():
    text = (ROOT / "docs" / "competency-questions.md").read_text()
    names = {q.name for q in CATALOGUE}
    import re
    for cited in re.findall(r"`([a-z0-9-]+)\.rq`", text):
        assert cited in names, f"competency-questions.md cites {cited}.rq, which does not exist"


def test_parameter_of_wrong_type_is_rejected():
    query = find("mandates")
    with pytest.raises(QueryError, match="asOf"):
        query.bindings({"asOf": "not-a-date"})
    with pytest.raises(QueryError, match="no parameter"):
        query.bindings({"nope": "1"})
    assert query.bindings({"asOf": "2018-01-01", "lang": "es"})[Variable("lang")] == Literal("es")


def test_case_level_overlaps_on_a_case_register():
    g = Graph()
    ontology = sorted((ROOT / "ontology").glob("*.ttl"))
    for path in ontology + [ROOT / "data" / "categories.ttl", FIXTURES / "case-register.ttl"]:
        g += parse_file(path)
    query = find("case-level-overlaps")
    t = "https://w3id.org/migkg/id/test/"
    for engine in ("rdflib", "oxigraph"):
        def run(engine=engine, **params):
            b = query.bindings(params)
            table = sparql.run_rdflib(g, query.text, b) if engine == "rdflib" else \
                sparql.run_oxigraph(sparql.oxigraph_store(g), query.text, b)
            i, r = table.variables.index("person"), table.variables.index("referralMade")
            return {(str(row[i]), row[r].toPython()) for row in table.rows}
        assert run() == {(t + "p1", False), (t + "p3", True)}, engine
        assert run(asOf="2017-02-15") == {(t + "p1", False)}, engine
        assert run(asOf="2017-04-01") == set(), engine
        assert run(asOf="2018-02-01") == {(t + "p3", True)}, engine


def cli(*args, cwd=None):
    return run_cli(*args, cwd=cwd)


def test_queries_command_lists_the_catalogue_as_json():
    result = cli("queries", "--format", "json")
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    assert {e["name"] for e in entries} == {q.name for q in CATALOGUE}
    for e in entries:
        assert set(e) >= {"name", "summary", "description", "params"}


def test_query_json_is_the_w3c_results_format():
    result = cli("query", "conventions-ratification", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"head", "results"}
    assert "instrument" in data["head"]["vars"]
    for binding in data["results"]["bindings"]:
        for cell in binding.values():
            assert cell["type"] in ("uri", "literal", "bnode")


def test_query_errors_are_one_line_with_exit_2():
    unknown = cli("query", "no-such-query")
    assert unknown.returncode == 2
    assert "valid names:" in unknown.stderr and "overlapping-categories" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1
    bad_type = cli("query", "mandates", "--param", "asOf=yesterday")
    assert bad_type.returncode == 2 and "asOf" in bad_type.stderr and "Traceback" not in bad_type.stderr
    bad_param = cli("query", "mandates", "--param", "colour=red")
    assert bad_param.returncode == 2 and "lang, asOf" in bad_param.stderr


def test_users_own_query_file(tmp_path):
    mine = tmp_path / "mine.rq"
    mine.write_text("#+ summary: count categories\n#+ params:\n#+   - name: lang\n#+     type: language\n"
                    "#+     default: en\n"
                    "PREFIX mkg: <https://w3id.org/migkg/ontology#>\n"
                    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    "SELECT ?c ?l WHERE { ?c a mkg:MigrantCategory ; rdfs:label ?l FILTER(LANG(?l) = ?lang) }")
    result = cli("query", "--file", str(mine), "--format", "csv", "--param", "lang=es")
    assert result.returncode == 0, result.stderr
    assert "solicitante de refugio" in result.stdout
    missing = cli("query", "--file", str(tmp_path / "absent.rq"))
    assert missing.returncode == 2 and "absent.rq" in missing.stderr


def test_csv_and_tsv_have_a_header_and_one_line_per_row():
    csv_out = cli("query", "conventions-ratification", "--format", "csv")
    tsv_out = cli("query", "conventions-ratification", "--format", "tsv")
    assert csv_out.returncode == tsv_out.returncode == 0
    assert csv_out.stdout.splitlines()[0].startswith("instrument,")
    assert tsv_out.stdout.splitlines()[0].startswith("instrument\t")
    assert len(csv_out.stdout.splitlines()) == len(tsv_out.stdout.splitlines())


HOSTILE_VALUES = ['x" } ; DROP ALL ; { "', 'a\\u0022 } UNION { ?s ?p ?o }', "line\nbreak >", '\\', 'tab\t"""']


@pytest.mark.parametrize("hostile", HOSTILE_VALUES)
def test_hostile_parameter_values_cannot_change_the_query(hostile):
    # Each value matches exactly the one triple that holds it, on both local paths:
    # rdflib binds terms (initBindings); oxigraph gets a VALUES block serialised by rdflib.
    g = Graph()
    g.add((URIRef("urn:s"), URIRef("urn:p"), Literal(hostile)))
    g.add((URIRef("urn:t"), URIRef("urn:p"), Literal("x")))
    query = "SELECT ?s WHERE { ?s ?p ?label }"
    bindings = {Variable("label"): Literal(hostile)}
    assert [str(r[0]) for r in sparql.run_rdflib(g, query, bindings).rows] == ["urn:s"]
    assert [str(r[0]) for r in sparql.run_oxigraph(sparql.oxigraph_store(g), query, bindings).rows] == ["urn:s"]
    text = sparql.with_values_block(query, bindings)
    assert text.count("VALUES") == 1 and "UNION" not in text.split("VALUES")[0]


def test_table_for_reading_hides_iris_that_have_a_label_and_uses_prefixes():
    table = sparql.ResultTable(
        ["institution", "institutionLabel", "framework", "note"],
        [[URIRef("https://w3id.org/migkg/id/pe/migraciones"), Literal("MIGRACIONES", lang="en"),
          URIRef("https://w3id.org/migkg/id/pe/victim-assistance-framework-tip"), None]])
    columns, cells = table.for_reading({"pe": "https://w3id.org/migkg/id/pe/"})
    assert columns == ["institutionLabel", "framework", "note"]
    assert cells == [["MIGRACIONES", "pe:victim-assistance-framework-tip", ""]]

"""Quality control over the project's own graph: ODK-style `*-violation.rq` queries must
return no rows, and the data conforms to the SHACL shapes."""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import Graph

from migkg import resources
from migkg.store import parse_file

VIOLATION_QUERIES = sorted(resources.part("queries").rglob("*-violation.rq"))


@pytest.mark.parametrize("query", VIOLATION_QUERIES, ids=lambda p: p.stem)
def test_violation_query_returns_no_rows(graph, query):
    rows = list(graph.query(query.read_text()))
    assert rows == [], f"{query.name} found {len(rows)} problems, first: {rows[:5]}"


def shapes_graph() -> Graph:
    g = Graph()
    for path in resources.turtle_files("validation"):
        g += parse_file(path)
    return g


def test_project_data_conforms_to_shapes(graph):
    conforms, _, text = validate(graph, shacl_graph=shapes_graph(), inference="none", advanced=True)
    assert conforms, text[:3000]


def test_shapes_reject_a_mandate_without_function_or_source(ontology_graph):
    data = Graph()
    data.parse(data="""
        @prefix mkg: <https://w3id.org/migkg/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <urn:ministry> a mkg:Ministry ; rdfs:label "M"@en , "M"@es .
        <urn:mandate> a mkg:Mandate ; rdfs:label "a mandate"@en , "un mandato"@es ;
            mkg:mandatedInstitution <urn:ministry> .
    """, format="turtle")
    data += ontology_graph
    conforms, report, _ = validate(data, shacl_graph=shapes_graph(), inference="none")
    assert not conforms
    from rdflib.namespace import SH
    paths = {str(p) for p in report.objects(None, SH.resultPath)}
    assert "https://w3id.org/migkg/ontology#mandateFunction" in paths
    assert "http://purl.org/dc/terms/source" in paths


def test_missing_label_check_counts_a_resource_with_two_types_once():
    # Regression: a finding typed both mkg:AssessmentFinding and mkg:DocumentedGap was reported
    # as having two labels per language because the check counted once per rdf:type.
    from rdflib import Graph
    g = Graph().parse(data="""
        @prefix mkg: <https://w3id.org/migkg/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://w3id.org/migkg/id/pe/x> a mkg:AssessmentFinding , mkg:DocumentedGap ;
            rdfs:label "x"@en , "x"@es .
        <https://w3id.org/migkg/id/pe/y> a mkg:DocumentedGap ; rdfs:label "y"@en .
    """, format="turtle")
    query = resources.part("queries") / "qc" / "missing-label-violation.rq"
    rows = [(str(r[0]).rsplit("/", 1)[1], str(r[1]), int(r[2])) for r in g.query(query.read_text())]
    assert rows == [("y", "es", 0)]

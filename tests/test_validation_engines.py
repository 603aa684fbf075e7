"""Differential tests: `migkg validate` must give exactly the results of plain pySHACL without
inference on the same merged graph (new file + reference data + ontology scaffold), and the
optional accelerated engine (pyshacl-turbo, extra `fast`) exactly those of the pySHACL engine.
Compared as sets of (focus node, path, constraint component, value, severity), restricted to the
focus nodes of the new file, on the fixtures of test_validation.py and a generated register."""

from __future__ import annotations

import importlib.util
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from pyshacl import validate as plain_pyshacl
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

import migkg.validation as v
from migkg.store import parse_file

from .conftest import ROOT
from .test_validation import FIXTURES, INVALID, write

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate_cases  # noqa: E402

HAS_TURBO = importlib.util.find_spec("pyshacl_turbo") is not None  # installed by the test extra
BIN = Path(sys.executable).parent


def plain_reference(path: Path) -> set:
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    new = parse_file(path)
    focus = set(new.subjects())
    data = Graph()
    data += new
    data += v.reference_graph()
    data += v.ontology_scaffold()
    _, report, _ = plain_pyshacl(data, shacl_graph=v.shapes_graph(), inference="none", advanced=True,
                                 allow_warnings=True)
    return {t for t in v.result_tuples(report) if t[0] in focus}


def migkg_results(path: Path, engine: str) -> tuple[set, list]:
    outcome = v.validate([path], engine=engine)
    focus = set(parse_file(path).subjects())
    return {t for t in v.result_tuples(outcome.report) if t[0] in focus}, [p.as_dict() for p in outcome.problems]


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("register") / "cases-100.nt"
    generate_cases.write(100, path, invalid_share=0.2)
    return path


CASES = [("valid fixture", None)] + [(name, body) for name, body, _, _ in INVALID]


def fixture_path(tmp_path, body) -> Path:
    return FIXTURES / "valid-new-decree.ttl" if body is None else write(tmp_path, body)


@pytest.mark.parametrize("name,body", CASES, ids=[c[0] for c in CASES])
def test_pyshacl_engine_equals_plain_pyshacl_on_fixtures(tmp_path, name, body):
    path = fixture_path(tmp_path, body)
    mine, _ = migkg_results(path, "pyshacl")
    assert mine == plain_reference(path)


def test_pyshacl_engine_equals_plain_pyshacl_on_a_register(register):
    mine, problems = migkg_results(register, "pyshacl")
    assert mine and mine == plain_reference(register)
    people = {p["focus"].strip("<>").split("/assignment")[0] for p in problems if p["severity"] == "Violation"}
    assert people == set(generate_cases.defective_people(100, invalid_share=0.2))


@pytest.mark.parametrize("name,body", CASES, ids=[c[0] for c in CASES])
def test_turbo_engine_equals_pyshacl_engine_on_fixtures(tmp_path, name, body):
    path = fixture_path(tmp_path, body)
    assert migkg_results(path, "turbo") == migkg_results(path, "pyshacl")


def test_turbo_engine_equals_pyshacl_engine_on_a_register(register):
    turbo = migkg_results(register, "turbo")
    assert turbo[0] and turbo == migkg_results(register, "pyshacl")


def test_unknown_or_missing_engine_is_one_line_and_exit_2(tmp_path):
    path = write(tmp_path, "")
    p = subprocess.run([BIN / "migkg", "validate", "--engine", "nope", path], capture_output=True, text=True)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    if not HAS_TURBO:
        p = subprocess.run([BIN / "migkg", "validate", "--engine", "turbo", path], capture_output=True, text=True)
        assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and "pyshacl-turbo" in p.stderr


def test_turbo_without_pyshacl_turbo_is_an_error_not_a_silent_fallback(tmp_path, monkeypatch):
    from migkg.errors import InputError

    monkeypatch.setattr(v, "turbo_available", lambda: False)
    with pytest.raises(InputError, match="pyshacl-turbo is not installed"):
        v.validate([write(tmp_path, "")], engine="turbo")


def test_turbo_engine_equals_pyshacl_engine_on_the_projects_own_graph():
    # This caught pyshacl-turbo comparing sh:in ( "en" ) unequal to "en" read from an Oxigraph store.
    turbo, reference = v.validate(None, engine="turbo"), v.validate(None, engine="pyshacl")
    assert [p.as_dict() for p in turbo.problems] == [p.as_dict() for p in reference.problems]
    assert v.result_tuples(turbo.report) == v.result_tuples(reference.report)


NAMED_GRAPH_FILES = {
    "trig": "@prefix mkg: <https://w3id.org/migkg/ontology#> .\n"
            "<https://example.org/ngo/g> { <https://example.org/ngo/x> a mkg:CategoryAssignment ;\n"
            "  mkg:category <https://w3id.org/migkg/id/category/refugee> . }\n",
    "nq": "<https://example.org/ngo/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
          "<https://w3id.org/migkg/ontology#CategoryAssignment> <https://example.org/ngo/g> .\n",
    "jsonld": json.dumps({"@id": "https://example.org/ngo/g", "@graph": [
        {"@id": "https://example.org/ngo/x", "@type": "https://w3id.org/migkg/ontology#CategoryAssignment"}]}),
}


@pytest.mark.parametrize("engine", v.ENGINES)
@pytest.mark.parametrize("suffix", sorted(NAMED_GRAPH_FILES))
def test_data_in_named_graphs_is_validated_not_dropped(tmp_path, suffix, engine):
    # Regression: rdflib's plain Graph read TriG, N-Quads and JSON-LD named graphs as nothing,
    # so the pySHACL engine said "conforms: 0 triples checked" for any such file.
    path = tmp_path / f"new.{suffix}"
    path.write_text(NAMED_GRAPH_FILES[suffix], encoding="utf-8")
    outcome = v.validate([path], engine=engine)
    assert outcome.triples >= 1
    # The path is shown with the file's own prefixes, so JSON-LD and N-Quads give the full IRI.
    holder = {"mkg:holder", "<https://w3id.org/migkg/ontology#holder>"}
    found = [(p.focus, p.severity) for p in outcome.problems if p.path in holder]
    assert found == [("<https://example.org/ngo/x>", "Violation")], outcome.problems
    assert not outcome.conforms


ILL_TYPED_FILE = r'''@prefix mkg: <https://w3id.org/migkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/ngo/> .
ex:h a mkg:Referral ;
    rdfs:comment "quotes a date: \"2017-13-45\"^^<http://www.w3.org/2001/XMLSchema#date> is not one" ;
    mkg:referralDate "2017-13-45"^^xsd:date .
ex:k a mkg:Referral ;
    mkg:referralDate "bad\tdate"^^xsd:date .
'''


@pytest.mark.parametrize("engine", v.ENGINES)
def test_ill_typed_literals_are_found_exactly(tmp_path, engine):
    # The turbo engine finds ill-typed literals in N-Quads text with regular expressions: a date
    # quoted inside a comment is not one, and an escaped tab is compared unescaped.
    path = tmp_path / "new.ttl"
    path.write_text(ILL_TYPED_FILE, encoding="utf-8")
    outcome = v.validate([path], engine=engine)
    ill = sorted((p.focus, p.line, p.path, p.value) for p in outcome.problems if "is not a valid" in p.message)
    assert ill == [("ex:h", 5, "mkg:referralDate", "2017-13-45"), ("ex:k", 8, "mkg:referralDate", "bad\tdate")]
    assert outcome.triples == 5
    assert outcome.inputs[0].owns(URIRef("https://example.org/ngo/k"))
    assert not outcome.inputs[0].owns(URIRef("https://w3id.org/migkg/ontology#Referral"))


@pytest.mark.parametrize("engine", v.ENGINES)
def test_blank_nodes_of_two_files_stay_two_nodes(tmp_path, engine):
    # Regression: the turbo engine put both files into one text, so _:b1 in each was one node
    # (and a referral with two dates); rdflib, under the pySHACL engine, keeps them apart.
    first, second = tmp_path / "a.nt", tmp_path / "b.nt"
    first.write_text("_:b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/migkg/ontology#Referral> .\n")
    second.write_text("".join(f'_:b1 <https://w3id.org/migkg/ontology#referralDate> "2017-01-0{d}"^^'
                              f"<http://www.w3.org/2001/XMLSchema#date> .\n" for d in (1, 2)))
    outcome = v.validate([first, second], engine=engine)
    assert sorted((Path(p.file).name, p.component) for p in outcome.problems) == [
        ("a.nt", "sh:MinCountConstraintComponent")] * 3


def test_blank_node_labels_are_renamed_as_terms_not_as_text():
    from migkg import turbo

    text = ('_:b1 <http://example.org/_:b1> "a _:b1 b" .\n'
            '<http://example.org/s> <http://example.org/p> _:b1 _:b1 .\n')
    taken = {"b1"}
    renamed = turbo._separate_blank_nodes(text, taken)
    assert renamed == ('_:f1xb1 <http://example.org/_:b1> "a _:b1 b" .\n'
                       '<http://example.org/s> <http://example.org/p> _:f1xb1 _:f1xb1 .\n')
    assert "f1xb1" in taken and turbo._separate_blank_nodes(renamed, set()) == renamed


# Chunks: `--engine turbo` validates a large input in parts, side by side in worker processes
# (migkg.turbo.chunks, validate_texts). The register here is small, so the chunk size is made small.

def test_chunked_turbo_equals_whole_on_a_register(register, monkeypatch):
    from migkg import turbo

    whole = v.validate([register], engine="turbo")
    sizes = []
    real_chunks = turbo.chunks
    monkeypatch.setattr(turbo, "CHUNK_STATEMENTS", 300)

    def counted_chunks(*args, **kwargs):
        parts = real_chunks(*args, **kwargs)
        sizes.append(len(parts))
        return parts

    monkeypatch.setattr(turbo, "chunks", counted_chunks)
    chunked = v.validate([register], engine="turbo")
    assert sizes and sizes[0] > 2  # it was cut, and each part ran in a worker process
    assert [p.as_dict() for p in chunked.problems] == [p.as_dict() for p in whole.problems]
    assert v.result_tuples(chunked.report) == v.result_tuples(whole.report)
    assert len(list(chunked.report.subjects(RDF.type, SH.ValidationReport))) == 1
    assert chunked.triples == whole.triples


def test_chunked_report_of_conforming_data_conforms(tmp_path, monkeypatch):
    from migkg import turbo

    path = tmp_path / "clean.nt"
    generate_cases.write(60, path, invalid_share=0.0)
    monkeypatch.setattr(turbo, "CHUNK_STATEMENTS", 200)
    outcome = v.validate([path], engine="turbo")
    assert outcome.conforms and not [p for p in outcome.problems if p.severity == "Violation"]
    (report,) = outcome.report.subjects(RDF.type, SH.ValidationReport)
    assert outcome.report.value(report, SH.conforms).toPython() is True


def test_a_failing_worker_leaves_the_chunk_to_this_process(register, monkeypatch):
    from migkg import turbo

    whole = [p.as_dict() for p in v.validate([register], engine="turbo").problems]
    monkeypatch.setattr(turbo, "CHUNK_STATEMENTS", 300)
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    assert [p.as_dict() for p in v.validate([register], engine="turbo").problems] == whole


LINKED = (
    "<urn:h1> <urn:holder> <urn:p1> .\n"      # points forward to a person described later
    "<urn:h2> <urn:holder> <urn:p2> .\n"
    "<urn:h1> <urn:category> <urn:ref> .\n"   # a reference resource: no link
    "<urn:p1> <urn:label> \"one\" .\n"
    "<urn:p2> <urn:label> \"two\" .\n"
    "_:c <urn:concerns> <urn:p2> .\n"
    "<urn:p3> <urn:label> \"<urn:p1>\" .\n"    # an IRI inside a literal is not a link
)


def subjects_of(text: str) -> set[str]:
    return {line.split(" ", 1)[0] for line in text.splitlines()}


def test_chunks_keep_what_a_record_points_to_together_and_lose_nothing():
    from migkg import turbo

    parts = turbo.chunks([LINKED], subjects_of(LINKED), "<urn:ref> <urn:label> \"ref\" .\n", size=2)
    assert sorted("".join(parts).splitlines()) == sorted(LINKED.splitlines())
    groups = [subjects_of(part) for part in parts]
    assert sorted(map(sorted, groups)) == [["<urn:h1>", "<urn:p1>"], ["<urn:h2>", "<urn:p2>", "_:c"], ["<urn:p3>"]]


def test_data_the_reference_points_to_is_not_cut():
    from migkg import turbo

    # The reference data points to <urn:p1>: a shape looking forward from a reference resource
    # could reach it from any chunk, so the data stays whole.
    parts = turbo.chunks([LINKED], subjects_of(LINKED), "<urn:ref> <urn:partOf> <urn:p1> .\n", size=2)
    assert parts == [LINKED]


INVERSE_SHAPES = '''@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:PathShape a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path [ sh:inversePath ex:holder ] ; sh:maxCount 3 ] .
ex:QueryShape a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:sparql [ sh:select """SELECT $this WHERE { ?holding <https://example.org/holder> $this }""" ] .
ex:ForwardShape a sh:NodeShape ; sh:targetClass ex:Holding ;
    sh:sparql [ sh:select """SELECT $this WHERE { $this <https://example.org/holder> ?p . ?p <https://example.org/age> ?a .
                FILTER NOT EXISTS { ?p <https://example.org/name> ?n } }""" ] .
'''


def test_locality_check_finds_shapes_that_look_backwards():
    from migkg import turbo

    shapes = Graph().parse(data=INVERSE_SHAPES, format="turtle")
    problems = turbo.locality_problems(shapes)
    assert len(problems) == 2, problems
    assert any("inversePath" in p for p in problems) and any("?holding" in p for p in problems)
    assert turbo.locality_problems(v.shapes_graph()) == []  # the project's shapes look forward only

"""Differential tests: the pySHACL engine must give exactly the results of plain pySHACL without
inference on the same merged graph (new file + reference data + ontology scaffold), and the
turbo engine (pyshacl-turbo, the default) exactly those of the pySHACL engine. Compared as sets of
(focus node, path, constraint component, value, severity), restricted to the focus nodes of the
new file, on the fixtures of test_validation.py, a generated register and the project's graph.
Then the turbo engine's own parts: what it reads without rdflib (reference data, names, ill-typed
literals) against what rdflib gives, its cache, its version check and its chunks."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyshacl import validate as plain_pyshacl
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

import migkg.validation as v
from migkg.store import parse_file
from migkg.validation import outcome as shared
from migkg.validation import reference
from migkg.validation.engines import turbo_engine, turbo_native, turbo_parts

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


# The kinds of constraint whose first case runs in `make test-fast`; the others, with every case, in
# `make test` (a pySHACL engine run takes about 2 s, and test-fast has 90 s). test_validation.py
# checks every case with the default engine in both tiers.
FAST_KINDS = ("valid fixture", "cardinality", "datatype", "class", "sparql", "ill-typed literal")


def one_case_per_kind_fast(cases) -> list:
    """The cases as parameters: the first of each kind in FAST_KINDS (the words before ":") in
    the fast tier, the others marked slow."""
    seen: set[str] = set()
    params = []
    for name, body in cases:
        kind = name.split(":")[0]
        fast = kind in FAST_KINDS and kind not in seen
        params.append(pytest.param(name, body, id=name, marks=[] if fast else [pytest.mark.slow]))
        seen.add(kind)
    assert seen >= set(FAST_KINDS), set(FAST_KINDS) - seen
    return params


@pytest.fixture(scope="module")
def case_results(tmp_path_factory):
    """results(name, body, engine): migkg_results of a case's file, computed once per module (the
    pySHACL engine takes a second or two a run, and two tests compare against it)."""
    folder = tmp_path_factory.mktemp("cases")
    done: dict = {}

    def results(name: str, body: str | None, engine: str):
        if (name, engine) not in done:
            if body is None:
                path = FIXTURES / "valid-new-decree.ttl"
            else:
                case = folder / str(CASES.index((name, body)))
                case.mkdir(exist_ok=True)
                path = write(case, body)
            done[name, engine] = (path, migkg_results(path, engine))
        return done[name, engine]

    return results


@pytest.mark.slow  # two pySHACL runs over the reference data, 5-8 s a case
@pytest.mark.xdist_group("validation-cases")  # they share case_results
@pytest.mark.parametrize("name,body", CASES, ids=[c[0] for c in CASES])
def test_pyshacl_engine_equals_plain_pyshacl_on_fixtures(case_results, name, body):
    path, (mine, _) = case_results(name, body, "pyshacl")
    assert mine == plain_reference(path)


@pytest.mark.slow
def test_pyshacl_engine_equals_plain_pyshacl_on_a_register(register):
    mine, problems = migkg_results(register, "pyshacl")
    assert mine and mine == plain_reference(register)
    people = {p["focus"].strip("<>").split("/assignment")[0] for p in problems if p["severity"] == "Violation"}
    assert people == set(generate_cases.defective_people(100, invalid_share=0.2))


@pytest.mark.xdist_group("validation-cases")  # they share case_results
@pytest.mark.parametrize("name,body", one_case_per_kind_fast(CASES))
def test_turbo_engine_equals_pyshacl_engine_on_fixtures(case_results, name, body):
    assert case_results(name, body, "turbo")[1] == case_results(name, body, "pyshacl")[1]


def test_turbo_engine_equals_pyshacl_engine_on_a_register(register):
    turbo = migkg_results(register, "turbo")
    assert turbo[0] and turbo == migkg_results(register, "pyshacl")


def test_turbo_is_the_default_engine_and_pyshacl_stays_selectable():
    assert v.DEFAULT_ENGINE == "turbo" and set(v.ENGINES) == {"turbo", "pyshacl"}
    from migkg.cli.validate import validate_command

    engine = next(p for p in validate_command.params if p.name == "engine")
    assert engine.default == v.DEFAULT_ENGINE and set(engine.type.choices) == set(v.ENGINES)


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
    turbo, pyshacl = v.validate(None, engine="turbo"), v.validate(None, engine="pyshacl")
    assert [p.as_dict() for p in turbo.problems] == [p.as_dict() for p in pyshacl.problems]
    assert v.result_tuples(turbo.report) == v.result_tuples(pyshacl.report)


NAMED_GRAPH_FILES = {
    "trig": "@prefix mkg: <https://w3id.org/migkg/ontology#> .\n"
            "<https://example.org/ngo/g> { <https://example.org/ngo/x> a mkg:CategoryAssignment ;\n"
            "  mkg:category <https://w3id.org/migkg/id/category/refugee> . }\n",
    "nq": "<https://example.org/ngo/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
          "<https://w3id.org/migkg/ontology#CategoryAssignment> <https://example.org/ngo/g> .\n",
    "jsonld": json.dumps({"@id": "https://example.org/ngo/g", "@graph": [
        {"@id": "https://example.org/ngo/x", "@type": "https://w3id.org/migkg/ontology#CategoryAssignment"}]}),
}


@pytest.mark.parametrize("suffix,engine", [  # the pySHACL engine (2 s a run) on one format in the fast tier
    pytest.param(s, e, id=f"{s}-{e}", marks=[pytest.mark.slow] if e == "pyshacl" and s != "nq" else [])
    for s in sorted(NAMED_GRAPH_FILES) for e in v.ENGINES])
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


@pytest.mark.parametrize("engine", [pytest.param(e, marks=[pytest.mark.slow] if e == "pyshacl" else [])
                                    for e in v.ENGINES])  # the pySHACL engine (2 s a run) in the full tier
def test_blank_nodes_of_two_files_stay_two_nodes(tmp_path, engine):
    # Regression: the turbo engine put both files into one text, so _:b1 in each was one node
    # (and a referral with two dates); rdflib, under the pySHACL engine, keeps them apart.
    first, second = tmp_path / "a.nt", tmp_path / "b.nt"
    first.write_text("_:b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                     "<https://w3id.org/migkg/ontology#Referral> .\n")
    second.write_text("".join(f'_:b1 <https://w3id.org/migkg/ontology#referralDate> "2017-01-0{d}"^^'
                              f"<http://www.w3.org/2001/XMLSchema#date> .\n" for d in (1, 2)))
    outcome = v.validate([first, second], engine=engine)
    assert sorted((Path(p.file).name, p.component) for p in outcome.problems) == [
        ("a.nt", "sh:MinCountConstraintComponent")] * 3


def test_blank_node_labels_are_renamed_as_terms_not_as_text():
    text = ('_:b1 <http://example.org/_:b1> "a _:b1 b" .\n'
            '<http://example.org/s> <http://example.org/p> _:b1 _:b1 .\n')
    taken = {"b1"}
    renamed = turbo_engine.separate_blank_nodes(text, taken)
    assert renamed == ('_:f1xb1 <http://example.org/_:b1> "a _:b1 b" .\n'
                       '<http://example.org/s> <http://example.org/p> _:f1xb1 _:f1xb1 .\n')
    assert "f1xb1" in taken and turbo_engine.separate_blank_nodes(renamed, set()) == renamed


# Chunks: the turbo engine validates a large input in parts, side by side in worker processes
# (turbo_parts.chunks, validate_parts). The register here is small, so the chunk size is made small.

def test_chunked_turbo_equals_whole_on_a_register(register, monkeypatch):
    whole = v.validate([register], engine="turbo")
    sizes = []
    real_chunks = turbo_parts.chunks
    monkeypatch.setattr(turbo_parts, "CHUNK_STATEMENTS", 300)

    def counted_chunks(*args, **kwargs):
        parts = real_chunks(*args, **kwargs)
        sizes.append(len(parts))
        return parts

    def not_here(*args, **kwargs):
        raise AssertionError("a part ran in this process: its worker process failed")

    monkeypatch.setattr(turbo_parts, "chunks", counted_chunks)
    monkeypatch.setattr(turbo_parts, "run_text", not_here)
    chunked = v.validate([register], engine="turbo")
    assert sizes and sizes[0] > 2  # it was cut, and each part ran in a worker process
    assert [p.as_dict() for p in chunked.problems] == [p.as_dict() for p in whole.problems]
    assert v.result_tuples(chunked.report) == v.result_tuples(whole.report)
    assert len(list(chunked.report.subjects(RDF.type, SH.ValidationReport))) == 1
    assert chunked.triples == whole.triples


def test_chunked_report_of_conforming_data_conforms(tmp_path, monkeypatch):
    path = tmp_path / "clean.nt"
    generate_cases.write(60, path, invalid_share=0.0)
    monkeypatch.setattr(turbo_parts, "CHUNK_STATEMENTS", 200)
    outcome = v.validate([path], engine="turbo")
    assert outcome.conforms and not [p for p in outcome.problems if p.severity == "Violation"]
    (report,) = outcome.report.subjects(RDF.type, SH.ValidationReport)
    assert outcome.report.value(report, SH.conforms).toPython() is True


def test_a_failing_worker_leaves_the_chunk_to_this_process(register, monkeypatch):
    whole = [p.as_dict() for p in v.validate([register], engine="turbo").problems]
    monkeypatch.setattr(turbo_parts, "CHUNK_STATEMENTS", 300)
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
    parts = turbo_parts.chunks([LINKED], subjects_of(LINKED), "<urn:ref> <urn:label> \"ref\" .\n", size=2)
    assert sorted("".join(parts).splitlines()) == sorted(LINKED.splitlines())
    groups = [subjects_of(part) for part in parts]
    assert sorted(map(sorted, groups)) == [["<urn:h1>", "<urn:p1>"], ["<urn:h2>", "<urn:p2>", "_:c"], ["<urn:p3>"]]


def test_data_the_reference_points_to_is_not_cut():
    # The reference data points to <urn:p1>: a shape looking forward from a reference resource
    # could reach it from any chunk, so the data stays whole.
    parts = turbo_parts.chunks([LINKED], subjects_of(LINKED), "<urn:ref> <urn:partOf> <urn:p1> .\n", size=2)
    assert parts == [LINKED]


INVERSE_SHAPES = '''@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:PathShape a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path [ sh:inversePath ex:holder ] ; sh:maxCount 3 ] .
ex:QueryShape a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:sparql [ sh:select """SELECT $this WHERE { ?holding <https://example.org/holder> $this }""" ] .
ex:ForwardShape a sh:NodeShape ; sh:targetClass ex:Holding ;
    sh:sparql [ sh:select """SELECT $this WHERE { $this <https://example.org/holder> ?p .
                ?p <https://example.org/age> ?a .
                FILTER NOT EXISTS { ?p <https://example.org/name> ?n } }""" ] .
'''


def test_locality_check_finds_shapes_that_look_backwards():
    shapes = Graph().parse(data=INVERSE_SHAPES, format="turtle")
    problems, joins = turbo_parts.locality(shapes)
    assert len(problems) == 1 and "inversePath" in problems[0], problems
    # `?holding ex:holder $this` steps back from $this: a join on ex:holder, not a problem
    assert joins == [{"https://example.org/holder"}]
    assert turbo_parts.locality_problems(v.shapes_graph()) == []  # the project's shapes run in chunks
    MKG_ = "https://w3id.org/migkg/ontology#"
    # the same person's other assignments of the same category (NoSameCategoryTwiceAtOnce)
    assert turbo_parts.project_locality()[1] == {frozenset({MKG_ + "holder", MKG_ + "category"})}


def test_chunks_keep_what_points_to_the_same_object_by_a_join_together():
    text = ("<urn:a1> <urn:holder> <urn:p1> .\n<urn:a1> <urn:category> <urn:ref> .\n"
            "<urn:a2> <urn:holder> <urn:p2> .\n<urn:a2> <urn:category> <urn:ref> .\n"
            "<urn:a3> <urn:holder> <urn:p1> .\n<urn:a3> <urn:category> <urn:ref> .\n")  # persons not described
    subjects = subjects_of(text)
    reference = "<urn:ref> <urn:label> \"ref\" .\n"
    join = frozenset({frozenset({"urn:holder", "urn:category"})})
    groups = [subjects_of(part) for part in turbo_parts.chunks([text], subjects, reference, size=2, joins=join)]
    assert sorted(map(sorted, groups)) == [["<urn:a1>", "<urn:a3>"], ["<urn:a2>"]]  # by holder: category is reference
    without = [subjects_of(p) for p in turbo_parts.chunks([text], subjects, reference, size=2, joins=frozenset())]
    assert len(without) == 3  # nothing ties a1 to a3 then
    only_reference = frozenset({frozenset({"urn:category"})})
    assert turbo_parts.chunks([text], subjects, reference, size=2, joins=only_reference) == [text]  # kept whole


def test_chunked_turbo_finds_the_same_category_twice_across_the_register(tmp_path, monkeypatch):
    path = tmp_path / "register.nt"
    generate_cases.write(80, path, invalid_share=0.0)
    synthetic = "https://w3id.org/migkg/id/synthetic/"
    lines = path.read_text(encoding="utf-8")
    first = next(line for line in lines.splitlines() if line.startswith(f"<{synthetic}person-0000000/assignment-0> "
                                                                        "<https://w3id.org/migkg/ontology#category>"))
    category = first.split(" ")[2]
    extra = (f"<{synthetic}person-0000000/assignment-9> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
             f"<https://w3id.org/migkg/ontology#CategoryAssignment> .\n"
             f"<{synthetic}person-0000000/assignment-9> <https://w3id.org/migkg/ontology#holder> "
             f"<{synthetic}person-0000000> .\n"
             f"<{synthetic}person-0000000/assignment-9> <https://w3id.org/migkg/ontology#category> {category} .\n")
    path.write_text(lines + extra, encoding="utf-8")  # the person's first lines are far above: another part
    whole = v.validate([path], engine="turbo")
    monkeypatch.setattr(turbo_parts, "CHUNK_STATEMENTS", 200)
    chunked = v.validate([path], engine="turbo")
    found = [p for p in whole.problems if "twice" in p.message or "another assignment" in p.message]
    assert len(found) == 1 and "assignment-9" in found[0].message
    assert [p.as_dict() for p in chunked.problems] == [p.as_dict() for p in whole.problems]
    assert [p.as_dict() for p in v.validate([path], engine="pyshacl").problems] == \
        [p.as_dict() for p in whole.problems]


# What the turbo engine reads without rdflib, against what rdflib gives.

def test_reference_texts_read_with_pyoxigraph_are_the_reference_graphs():
    import pyoxigraph as ox

    from migkg.core.terms import from_ox

    def triples(text: str) -> set:
        parsed = ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)
        return {tuple(from_ox(term) for term in q.triple) for q in parsed}

    from migkg.core.canon import canonical_quads

    def canonical(found) -> list:  # the data's evidence is in blank nodes: compared after RDFC-1.0
        return canonical_quads([(*triple, None) for triple in found])

    texts = reference.build_reference_texts()
    assert triples(texts.scaffold) == set(v.ontology_scaffold())
    assert canonical(triples(texts.data)) == canonical(v.reference_graph())
    assert reference.reference_texts() == texts  # the cached copy


def test_default_prefixes_are_those_of_a_new_rdflib_graph():
    assert reference.default_prefixes() == [(prefix, str(ns)) for prefix, ns in Graph().namespaces()]


def test_iris_are_split_as_rdflib_splits_them(graph):
    from rdflib.namespace import split_uri

    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    iris |= {"https://example.org/ngo/x", "https://example.org/a#b_c", "urn:p1", "https://example.org/1abc",
             "https://example.org/x/", "https://example.org/é-1", "https://example.org/a(b)", "http://x.org/%41b",
             "http://www.w3.org/XML/1998/namespace#lang", "https://example.org/_", "urn:x:-", "https://example.org/a·b"}
    for iri in iris:
        try:
            expected = split_uri(iri)
        except ValueError:
            expected = None
        assert shared.split_iri(iri) == expected, iri


@pytest.mark.parametrize("bindings", [
    [("ex", "https://example.org/ngo/"), ("mkg", "https://w3id.org/migkg/ontology#")],
    [("dcterms", "http://purl.org/dc/elements/1.1/"), ("dc", "http://purl.org/dc/terms/")],  # swapped defaults
    [("terms", "http://purl.org/dc/terms/"), ("", "https://example.org/default#"), ("sh", "https://example.org/not-shacl#")],
    [("a", "https://example.org/1/"), ("b", "https://example.org/1/"), ("a", "https://example.org/2/")],
    [("xsd", "http://www.w3.org/2001/XMLSchema#"), ("schema", "http://schema.org/"), ("schema1", "https://schema.org/")],
], ids=["new", "swapped", "renamed", "rebound", "same"])
def test_prefixes_are_bound_as_rdflib_binds_them(bindings):
    g = Graph()
    for prefix, ns in bindings:
        g.bind(prefix, ns, override=True, replace=True)
    expected = {str(ns): prefix for prefix, ns in g.namespaces()}
    assert shared.prefix_map(reference.default_prefixes(), bindings) == expected


LEXICAL_FORMS = ["2017-12-28", "2017-13-45", "2017-02-29", "2016-02-29", "0001-01-01", "0000-01-01", "999-01-01",
                 "2017-1-5", " 2017-01-05", "2017-01-05Z", "2017-01-05+02:00", "2017", "2017-06", "--06", "1", "0",
                 "-7", "+7", "01", "1.5", ".5", "1e3", "true", "false", "TRUE", "yes", "", " ", "١٢", "x",
                 "12345678901234567890",
                 "P1Y", "2017-01-05T10:00:00", "bad\tdate", "<div>x</div>", "0x1F", "-0.0"]
DATATYPES = ["date", "gYear", "gYearMonth", "integer", "long", "int", "decimal", "boolean", "string", "anyURI",
             "dateTime", "double", "duration", "nonNegativeInteger", "byte"]


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
def test_the_quick_ill_typed_check_agrees_with_rdflib():
    from rdflib import Literal

    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    xsd = "http://www.w3.org/2001/XMLSchema#"
    pairs = {(lexical, xsd + datatype) for lexical in LEXICAL_FORMS for datatype in DATATYPES}
    pairs |= {(str(o), str(o.datatype)) for o in v.reference_graph().objects() if isinstance(o, Literal) and o.datatype}
    for lexical, datatype in sorted(pairs):
        expected = bool(Literal(lexical, datatype=URIRef(datatype)).ill_typed)
        assert shared._quick_verdict(lexical, datatype) in (None, expected), (lexical, datatype)
        assert shared.is_ill_typed(lexical, datatype) == expected, (lexical, datatype)
    # The project's own literals are settled without rdflib (the default path does not import it).
    unsettled = {(str(o), str(o.datatype)) for o in v.reference_graph().objects() if isinstance(o, Literal)
                 and o.datatype and shared._quick_verdict(str(o), str(o.datatype)) is None}
    assert not unsettled


def test_turbo_modules_import_no_rdflib():
    # The default path: what the turbo engine itself imports (migkg.store still imports rdflib).
    code = ("import sys; import migkg.validation, migkg.validation.engines.turbo_engine, "
            "migkg.validation.engines.turbo_parts; assert 'rdflib' not in sys.modules, 'rdflib imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_cached_and_uncached_runs_give_the_same_output(tmp_path):
    path = write(tmp_path, INVALID[0][1])
    runs = []
    cached = {"MIGKG_CACHE_DIR": str(tmp_path / "cache")}
    for env in ({"MIGKG_NO_CACHE": "1"}, cached, cached):  # no cache; filling it; from it
        done = subprocess.run([BIN / "migkg", "validate", "--format", "json", path], capture_output=True, text=True,
                              env={**os.environ, **env})
        assert done.returncode == 1, done.stderr
        runs.append(done.stdout)
    assert runs[0] == runs[1] == runs[2]
    assert len(list((tmp_path / "cache").rglob("*"))) > 3  # the reference data and the shapes were kept


@pytest.mark.parametrize("version,ok", [("0.6.5", True), ("0.6.9", True), ("0.6.12.post1", True), ("0.6.4", False),
                                        ("0.6.5rc1", False), ("0.7.0", False), ("1.0", False), ("weird", False)])
def test_the_turbo_adapter_accepts_only_supported_versions(version, ok):
    assert turbo_native.supported(version) is ok


def test_an_unsupported_pyshacl_turbo_is_a_one_line_error(monkeypatch):
    import importlib.metadata

    from migkg.errors import MigkgError

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.7.1")
    turbo_native.check_version.cache_clear()
    try:
        with pytest.raises(MigkgError, match=r"^pyshacl-turbo 0\.7\.1 is installed, .*>=0\.6\.5,<0\.7") as error:
            turbo_native.check_version()
        assert "\n" not in str(error.value)
    finally:
        turbo_native.check_version.cache_clear()


def test_the_validation_package_depends_one_way_without_private_imports():
    # The interface imports no engine at import time; the shared modules (outcome, reference) import
    # no engine; no module imports a _private name from another module.
    import ast

    package = ROOT / "src" / "migkg" / "validation"
    imports: dict[str, set] = {}
    for path in package.rglob("*.py"):
        name = ".".join(path.relative_to(package.parent.parent).with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = imports[name] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{name} imports {private} from {node.module}"
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
        top = {n.module for n in tree.body if isinstance(n, ast.ImportFrom) and n.module}
        if name == "migkg.validation":
            assert not any(m.startswith("migkg.validation.engines") for m in top), "the interface imports an engine"
    for shared_module in ("migkg.validation.outcome", "migkg.validation.reference"):
        assert not any(m.startswith("migkg.validation.engines") for m in imports[shared_module]), shared_module


def test_a_syntax_error_late_in_a_large_ntriples_file_is_numbered_in_the_whole_file(tmp_path, monkeypatch):
    # The line index is built in a thread while the parser runs (INDEX_IN_BACKGROUND_CHARS).
    from migkg.errors import InputError

    path = tmp_path / "register.nt"
    generate_cases.write(50, path, invalid_share=0.0)
    text = path.read_text(encoding="utf-8")
    monkeypatch.setattr(turbo_engine, "INDEX_IN_BACKGROUND_CHARS", 0)
    whole = v.validate([path], engine="turbo")
    lines = text.splitlines(keepends=True)
    broken = tmp_path / "broken.nt"
    broken.write_text("".join(lines[:-3]) + "<urn:a> <urn:b> .\n" + "".join(lines[-3:]), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        v.validate([broken], engine="turbo")
    assert caught.value.line == len(lines) - 2  # near the end, numbered in the whole file
    assert v.validate([path], engine="turbo").triples == whole.triples

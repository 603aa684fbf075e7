"""SHACL shapes and `migkg validate`: a valid fixture conforms; for every kind of constraint an
invalid fixture fails with the expected focus node and constraint component; unusable input
gives one line and exit 2; the input files are never modified."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from migkg.validation import validate

from .conftest import ROOT

BIN = Path(sys.executable).parent
FIXTURES = ROOT / "tests" / "fixtures" / "validation"
HEAD = """@prefix mkg: <https://w3id.org/migkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix cat: <https://w3id.org/migkg/id/category/> .
@prefix bb: <https://w3id.org/migkg/id/source/blouin-button-2018/> .
@prefix ex: <https://example.org/ngo/> .
ex:ministry a mkg:Ministry ; rdfs:label "M"@en , "M"@es ; mkg:jurisdiction ex:country ;
    dcterms:source bb:fragmentation .
ex:country a mkg:Country ; rdfs:label "C"@en , "C"@es ; dcterms:source bb:introduction .
ex:law a mkg:Law ; rdfs:label "L"@en , "L"@es ; mkg:adoptionDate "2017"^^xsd:gYear ; dcterms:source bb:legal-framework .
ex:person a mkg:PersonRecord ; rdfs:label "P"@en , "P"@es .
"""

# (name, turtle, focus local name, constraint component)
INVALID = [
    ("cardinality: mandate without function",
     "ex:x a mkg:Mandate ; rdfs:label 'x'@en , 'x'@es ; mkg:mandatedInstitution ex:ministry ; "
     "mkg:mandateCategory cat:refugee ; dcterms:source bb:fragmentation .", "x", "sh:MinCountConstraintComponent"),
    ("datatype: number of persons as text",
     "ex:x a mkg:OverlapSituation ; rdfs:label 'x'@en , 'x'@es ; "
     "mkg:overlappingCategory cat:refugee , cat:asylum-seeker ; "
     "mkg:numberOfPersons 'twenty' ; dcterms:source bb:overlapping-categories .",
     "x", "sh:DatatypeConstraintComponent"),
    ("date precision: start date as a plain string",
     "ex:x a mkg:CategoryAssignment ; mkg:holder ex:person ; mkg:category cat:refugee ; mkg:startDate '2017' .",
     "x", "sh:OrConstraintComponent"),
    ("language: Spanish label missing",
     "ex:x a mkg:Agency ; rdfs:label 'An agency'@en ; mkg:jurisdiction ex:country ; dcterms:source bb:fragmentation .",
     "x", "sh:QualifiedMinCountConstraintComponent"),
    ("pattern: supreme decree identifier",
     "ex:x a mkg:SupremeDecree ; rdfs:label 'x'@en , 'x'@es ; eli:id_local 'Decree seven' ; "
     "dcterms:source bb:legal-framework .",
     "x", "sh:PatternConstraintComponent"),
    ("class: legal basis is an institution",
     "ex:x a mkg:CategoryAssignment ; mkg:holder ex:person ; mkg:category cat:refugee ; mkg:legalBasis ex:ministry .",
     "x", "sh:ClassConstraintComponent"),
    ("in: ratification status not in the list",
     "ex:x a mkg:Ratification ; rdfs:label 'x'@en , 'x'@es ; mkg:ratifyingCountry ex:country ; "
     "mkg:ratifiedInstrument ex:conv ; mkg:ratificationStatus mkg:InForceState ; dcterms:source bb:legal-framework . "
     "ex:conv a mkg:InternationalConvention ; rdfs:label 'c'@en , 'c'@es ; dcterms:source bb:legal-framework .",
     "x", "sh:InConstraintComponent"),
    ("sparql: end date before start",
     "ex:x a mkg:CategoryAssignment ; mkg:holder ex:person ; mkg:category cat:refugee ; "
     "mkg:startDate '2018-05-01'^^xsd:date ; mkg:endDate '2018-04'^^xsd:gYearMonth .",
     "x", "sh:SPARQLConstraintComponent"),
    ("sparql: an institution that ends before it starts (any resource with an end date)",
     "ex:x a mkg:Agency ; rdfs:label 'x'@en , 'x'@es ; mkg:jurisdiction ex:country ; dcterms:source bb:fragmentation ; "
     "mkg:startDate '2017'^^xsd:gYear ; mkg:endDate '2016-12-31'^^xsd:date .", "x", "sh:SPARQLConstraintComponent"),
    ("sparql: regulation adopted before the law it regulates",
     "ex:x a mkg:SupremeDecree ; rdfs:label 'x'@en , 'x'@es ; eli:id_local 'DS 001-2015-IN' ; "
     "mkg:adoptionDate '2015'^^xsd:gYear ; "
     "mkg:regulates ex:law ; dcterms:source bb:legal-framework .", "x", "sh:SPARQLConstraintComponent"),
    ("sparql: ratified before the convention was adopted",
     "ex:x a mkg:Ratification ; rdfs:label 'x'@en , 'x'@es ; mkg:ratifyingCountry ex:country ; "
     "mkg:ratifiedInstrument ex:conv ; "
     "mkg:ratificationStatus mkg:Ratified ; mkg:ratificationYear '1950'^^xsd:gYear ; "
     "dcterms:source bb:legal-framework . "
     "ex:conv a mkg:InternationalConvention ; rdfs:label 'c'@en , 'c'@es ; mkg:adoptionDate '1951'^^xsd:gYear ; "
     "dcterms:source bb:legal-framework .", "x", "sh:SPARQLConstraintComponent"),
    ("sparql: statistic without period or note",
     "ex:x a mkg:StatisticalObservation ; rdfs:label 'x'@en , 'x'@es ; mkg:value 3 ; mkg:unitOfMeasure mkg:Persons ; "
     "dcterms:source bb:introduction .", "x", "sh:SPARQLConstraintComponent"),
    ("sparql: pending regulation yet operative",
     "ex:x a mkg:Visa ; rdfs:label 'x'@en , 'x'@es ; mkg:lifeCycleState mkg:PendingImplementingRegulationState ; "
     "mkg:operative true ; dcterms:source bb:legal-framework .", "x", "sh:SPARQLConstraintComponent"),
    ("anonymity: a person record with a name",
     "ex:x a mkg:PersonRecord ; rdfs:label 'x'@en , 'x'@es ; <http://xmlns.com/foaf/0.1/name> 'Maria' .",
     "x", "sh:MaxCountConstraintComponent"),
    ("ill-typed literal: impossible date",
     "ex:x a mkg:CategoryAssignment ; mkg:holder ex:person ; mkg:category cat:refugee ; "
     "mkg:startDate '2017-13-45'^^xsd:date .",
     "x", "sh:DatatypeConstraintComponent"),
]


def write(tmp_path, body, name="new.ttl"):
    path = tmp_path / name
    path.write_text(HEAD + body.replace("'", '"') + "\n", encoding="utf-8")
    return path


def test_valid_fixture_conforms():
    outcome = validate([FIXTURES / "valid-new-decree.ttl"])
    assert outcome.conforms, [p.as_dict() for p in outcome.problems]


def test_the_fixture_header_alone_conforms(tmp_path):
    outcome = validate([write(tmp_path, "")])
    assert outcome.conforms, [p.as_dict() for p in outcome.problems]


@pytest.mark.parametrize("name,body,focus,component", INVALID, ids=[c[0] for c in INVALID])
def test_invalid_fixture_fails_on_the_expected_node_and_component(tmp_path, name, body, focus, component):
    outcome = validate([write(tmp_path, body)])
    assert not outcome.conforms
    hits = [p for p in outcome.problems if p.focus == f"ex:{focus}" and p.component == component]
    assert hits, [p.as_dict() for p in outcome.problems]
    assert all(p.line for p in hits), "the line of the focus node must be found"
    assert all(p.message and "{" not in p.message for p in hits)


def test_only_problems_of_the_new_files_are_reported(tmp_path):
    outcome = validate([write(tmp_path, INVALID[0][1])])
    assert {p.file for p in outcome.problems} == {str(tmp_path / "new.ttl")}


@pytest.mark.parametrize("labels,expected", [
    ("rdfs:label 'Person 17 of an NGO register'@en", ["Warning"]),
    ("rdfs:label 'Person 17'@en , 'Persona 17'@es", []),
    ("", []),  # an anonymised record without any label is shown by identifier: nothing to translate
], ids=["english label only", "english and spanish", "no label at all"])
def test_spanish_label_advisory_is_a_warning_only_for_labelled_records(tmp_path, labels, expected):
    body = f"ex:x a mkg:PersonRecord {'; ' + labels if labels else ''} ."
    outcome = validate([write(tmp_path, body)])
    advisories = [p for p in outcome.problems if p.focus == "ex:x" and "Spanish label" in p.message]
    assert [p.severity for p in advisories] == expected, [p.as_dict() for p in outcome.problems]
    assert all(p.component == "sh:OrConstraintComponent" for p in advisories)
    assert outcome.conforms, "an advisory must not make the data fail"


def cli(*args):
    return subprocess.run([str(BIN / "migkg"), "validate", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def test_cli_exit_codes_and_grouped_text(tmp_path):
    ok = cli(FIXTURES / "valid-new-decree.ttl")
    assert ok.returncode == 0 and "conforms" in ok.stdout
    bad_path = write(tmp_path, INVALID[0][1])
    before = hashlib.sha256(bad_path.read_bytes()).hexdigest()
    bad = cli(bad_path)
    assert bad.returncode == 1
    assert f"ex:x  ({bad_path}:" in bad.stdout and "mkg:mandateFunction" in bad.stdout
    assert hashlib.sha256(bad_path.read_bytes()).hexdigest() == before, "validate must not modify its input"
    as_json = json.loads(cli(bad_path, "--format", "json").stdout)
    assert as_json["conforms"] is False and as_json["problems"][0]["file"] == str(bad_path)
    assert "sh:ValidationReport" in cli(bad_path, "--format", "turtle").stdout


def test_ill_formed_literal_is_a_violation_not_a_flood_on_stderr(tmp_path):
    result = cli(write(tmp_path, INVALID[-1][1]))
    assert result.returncode == 1
    assert "2017-13-45" in result.stdout
    assert result.stderr.strip() == ""


def test_unusable_input_is_one_line_and_exit_2(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e ;; .\n", encoding="utf-8")
    for args, expected in [((broken,), f"{broken}:3:"), ((tmp_path / "missing.ttl",), "no such file"),
                           ((tmp_path / "data.xyz",), "unknown RDF format")]:
        if args[0].suffix == ".xyz":
            args[0].write_text("x")
        result = cli(*args)
        assert result.returncode == 2, result
        assert expected in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.slow  # two real processes, one of them the pySHACL engine over the reference data
def test_cli_with_the_pyshacl_engine_gives_the_same_report_as_the_default(tmp_path):
    # turbo is the default; pySHACL stays selectable with --engine pyshacl, with the same output.
    path = write(tmp_path, INVALID[0][1])
    default, pyshacl = cli(path, "--format", "json"), cli(path, "--format", "json", "--engine", "pyshacl")
    assert default.returncode == pyshacl.returncode == 1
    assert default.stdout == pyshacl.stdout and default.stderr == pyshacl.stderr == ""

"""`--data FILE` and `--no-validate` on `migkg query` and `migkg navigate`, as on `migkg serve`:
read strictly (a syntax error is one line with file:line, exit 2), validated first (not
conforming: the report on stderr, exit 1, no answer), merged for that run only; data/ untouched."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from itertools import combinations
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef

from .conftest import ROOT, run_cli

REGISTER = ROOT / "tests" / "fixtures" / "case-register.ttl"  # conforms (tests/test_serve_data.py checks it)
MKG = Namespace("https://w3id.org/migkg/ontology#")
TEST = "https://w3id.org/migkg/id/test/"
BAD = """@prefix mkg: <https://w3id.org/migkg/ontology#> .
@prefix t:   <https://w3id.org/migkg/id/test/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
t:bad-assignment a mkg:CategoryAssignment ; mkg:startDate "2017-02-30x"^^xsd:date .
"""
BROKEN = """@prefix t: <https://w3id.org/migkg/id/test/> .
t:a t:b t:c .
t:x t:y .
"""


def data_snapshot() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((ROOT / "data").rglob("*")) if p.is_file()}


@pytest.fixture
def bad_file(tmp_path) -> Path:
    path = tmp_path / "bad-register.ttl"
    path.write_text(BAD, encoding="utf-8")
    return path


@pytest.fixture
def broken_file(tmp_path) -> Path:
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def expected_overlaps() -> set[tuple]:
    """The overlapping holdings of the register, worked out from the file (as the query states
    it: intervals overlap unless one ends before the other starts; dates compared as written)."""
    graph = Graph().parse(REGISTER)
    by_person: dict[URIRef, list[tuple]] = {}
    for a in graph.subjects(MKG.holder, None):
        person = graph.value(a, MKG.holder)
        start, end = graph.value(a, MKG.startDate), graph.value(a, MKG.endDate)
        by_person.setdefault(person, []).append((str(graph.value(a, MKG.category)), start and str(start),
                                                 end and str(end)))
    referred = {graph.value(case, MKG.concernsPerson) for case in graph.objects(None, MKG.referralOf)}
    out = set()
    for person, held in by_person.items():
        for a, b in combinations(sorted(held), 2):
            if (a[2] and b[1] and a[2] < b[1]) or (b[2] and a[1] and b[2] < a[1]):
                continue
            out.add((str(person), a[0], a[1] or "", a[2] or "", b[0], b[1] or "", b[2] or "",
                     "true" if person in referred else "false"))
    return out


def overlap_rows(*args: str) -> set[tuple]:
    result = run_cli("query", "case-level-overlaps", "--format", "csv", *args)
    assert result.returncode == 0, result.stderr
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    return {(r["person"], r["categoryA"], r["startA"], r["endA"], r["categoryB"], r["startB"], r["endB"],
             r["referralMade"]) for r in table}


def test_query_with_data_answers_from_the_register():
    expected = expected_overlaps()
    assert len(expected) == 2  # p1 and p3 overlap, p2 does not
    before = data_snapshot()
    alone = overlap_rows()
    merged = overlap_rows("--data", str(REGISTER))
    assert {r for r in merged if r[0].startswith(TEST)} == expected
    assert {r for r in merged if not r[0].startswith(TEST)} == alone  # the project's rows stay
    assert not any(r[0].startswith(TEST) for r in alone)
    assert overlap_rows() == alone  # merged for that run only
    assert overlap_rows("--data", str(REGISTER), "--engine", "rdflib") == merged
    assert data_snapshot() == before


def test_query_with_a_file_that_does_not_conform(bad_file):
    before = data_snapshot()
    result = run_cli("query", "case-level-overlaps", "--format", "csv", "--data", bad_file)
    assert result.returncode == 1
    assert result.stdout == ""  # no answer
    assert "bad-assignment" in result.stderr and "Violation" in result.stderr
    # --no-validate: read and merged as it is
    unchecked = run_cli("query", "case-level-overlaps", "--format", "csv", "--data", bad_file, "--no-validate")
    assert unchecked.returncode == 0, unchecked.stderr
    assert unchecked.stdout.startswith("person,")
    assert data_snapshot() == before


def test_query_with_a_syntax_error(broken_file):
    result = run_cli("query", "case-level-overlaps", "--data", broken_file, "--no-validate")
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{broken_file}:3" in lines[0], result.stderr
    assert run_cli("query", "case-level-overlaps", "--data", broken_file).returncode == 2


@pytest.mark.parametrize("other", [["--inferred"], ["--endpoint", "http://127.0.0.1:9/sparql"]])
def test_query_data_refuses_inferred_and_endpoint(other):
    result = run_cli("query", "case-level-overlaps", "--data", REGISTER, *other)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "--data" in result.stderr


def test_navigate_with_data(bad_file, broken_file):
    before = data_snapshot()
    merged = run_cli("navigate", "asylum-seeker", "--format", "json", "--data", REGISTER)
    assert merged.returncode == 0, merged.stderr
    assert json.loads(merged.stdout)["request"]["categories"] == ["https://w3id.org/migkg/id/category/asylum-seeker"]
    refused = run_cli("navigate", "asylum-seeker", "--data", bad_file)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "bad-assignment" in refused.stderr and "Violation" in refused.stderr
    assert run_cli("navigate", "asylum-seeker", "--data", bad_file, "--no-validate").returncode == 0
    broken = run_cli("navigate", "asylum-seeker", "--data", broken_file)
    assert broken.returncode == 2 and len(broken.stderr.strip().splitlines()) == 1
    assert data_snapshot() == before


def test_serve_query_and_navigate_share_one_reader():
    from migkg.cli import queries, userdata, web

    assert web.check_data is userdata.check_data and queries.graph_with is userdata.graph_with
    for command in (queries.query, web.serve_command, web.navigate_command):
        names = {p.name for p in command.params}
        assert {"data", "no_validate"} <= names

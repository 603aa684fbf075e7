"""The W3C RDF 1.1 Turtle test suite, kept unchanged in ``tests/w3c/rdf-turtle/`` with its licence
(W3C test suite licence / 3-clause BSD, LICENSE.md there), so a bare clone runs it.

Every negative syntax test must give a clean InputError with a ``file:line:column`` message
(exit 2 through the CLI); every positive syntax test and every evaluation test must load, and an
evaluation test must give the triples of its expected N-Triples file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Namespace
from rdflib.compare import isomorphic

from migkg.errors import InputError
from migkg.store import parse_file
from tests.hostile.helpers import one_line_error, run_migkg

SUITE = Path(__file__).resolve().parents[1] / "w3c" / "rdf-turtle"
MANIFEST = SUITE / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
RDFT = Namespace("http://www.w3.org/ns/rdftest#")
MISSING = f"the W3C RDF 1.1 Turtle test suite is missing: expected its manifest at {MANIFEST}"


def _suite() -> dict[str, list[tuple[str, Path, Path | None, str]]]:
    """Tests by kind: (name, action file, expected result file, base IRI the suite assumes)."""
    if not MANIFEST.is_file():
        return {}
    manifest = Graph().parse(MANIFEST, format="turtle")
    base = str(next(manifest.objects(None, MF.assumedTestBase)))
    tests: dict[str, list] = {"negative": [], "positive": [], "eval": []}
    kinds = {RDFT.TestTurtleNegativeSyntax: "negative", RDFT.TestTurtlePositiveSyntax: "positive",
             RDFT.TestTurtleEval: "eval", RDFT.TestTurtleNegativeEval: "negative"}
    for test in manifest.subjects(RDF.type, None):
        types = set(manifest.objects(test, RDF.type)) & set(kinds)
        if not types:
            continue
        action = Path(str(manifest.value(test, MF.action)).removeprefix("file://"))
        result = manifest.value(test, MF.result)
        tests[kinds[types.pop()]].append((str(manifest.value(test, MF.name)), action,
                                          Path(str(result).removeprefix("file://")) if result else None,
                                          base + action.name))
    for entries in tests.values():
        entries.sort()
    return tests


TESTS = _suite()


def _params(kind: str):
    if not TESTS:
        return [pytest.param(None, id="suite-missing")]
    return [pytest.param(entry, id=entry[0]) for entry in TESTS[kind]]


def test_suite_is_there_and_complete():
    assert TESTS, MISSING
    # The RDF 1.1 Turtle suite as published: every test typed in the manifest is run.
    assert {kind: len(entries) for kind, entries in TESTS.items()} == {"negative": 94, "positive": 74, "eval": 145}


@pytest.mark.parametrize("entry", _params("negative"))
def test_negative_syntax(entry):
    assert entry is not None, MISSING
    _, action, _, base = entry
    with pytest.raises(InputError) as caught:
        parse_file(action, base=base)
    error = caught.value
    assert error.line is not None and error.column is not None, str(error)
    assert re.match(rf"^{re.escape(str(action))}:\d+:\d+: \S", str(error)), str(error)
    assert "\n" not in str(error)


@pytest.mark.parametrize("entry", _params("positive"))
def test_positive_syntax(entry):
    assert entry is not None, MISSING
    _, action, _, base = entry
    parse_file(action, base=base)


# rdflib 7.6 resolves relative IRIs without removing dot segments ("http://a/./g", not
# "http://a/g"; RFC 3986 section 5.2.4), so four evaluation tests give other triples than the
# suite expects. They load; the triples differ. strict=True: the day rdflib fixes it, this fails.
RDFLIB_IRI_RESOLUTION = {"IRI-resolution-01", "IRI-resolution-02", "IRI-resolution-07", "IRI-resolution-08"}


def _eval_params():
    return [pytest.param(*p.values, id=p.id, marks=pytest.mark.xfail(
        strict=True, reason="rdflib 7.6 does not remove dot segments when resolving relative IRIs"))
        if p.id in RDFLIB_IRI_RESOLUTION else p for p in _params("eval")]


@pytest.mark.parametrize("entry", _eval_params())
def test_evaluation(entry):
    assert entry is not None, MISSING
    _, action, result, base = entry
    graph = parse_file(action, base=base)
    assert graph is not None
    expected = parse_file(result, base=base)
    assert isomorphic(graph, expected)


# Half are files that rdflib 7.6 alone accepts (39 of the 94 negative tests): pyoxigraph's strict
# parser, run before rdflib builds the graph, is what refuses them.
CLI_SAMPLE = ["turtle-syntax-bad-struct-02", "turtle-syntax-bad-esc-01", "turtle-syntax-bad-string-05",
              "turtle-syntax-bad-num-05", "turtle-syntax-bad-numeric-escape-01", "turtle-syntax-bad-struct-04"]


@pytest.mark.parametrize("name", CLI_SAMPLE)
def test_negative_syntax_through_the_cli(tmp_path, name):
    assert TESTS, MISSING
    entry = next((e for e in TESTS["negative"] if e[0] == name), None)
    assert entry is not None, f"{name} is not a negative syntax test of the suite"
    _, action, _, base = entry
    result = run_migkg("validate", "--base", base, str(action), cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert re.match(rf"^migkg: {re.escape(str(action))}:\d+:\d+: \S", one_line_error(result)), result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []

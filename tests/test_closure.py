"""The OWL RL closure the commands use comes from the on-disk cache (``migkg.closure``); it must
be owlrl's closure of the graph, never a stale one."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from migkg import closure, resources
from migkg.graphstore import GraphStore, open_default
from migkg.reasoning import owl_rl_closure


def _rdf_only(graph: Graph) -> Graph:
    out = Graph()
    for s, p, o in graph:
        if not isinstance(s, Literal) and isinstance(p, URIRef):
            out.add((s, p, o))
    return out


@pytest.mark.slow
def test_cached_closure_equals_a_fresh_owlrl_closure(kg):
    gs = open_default()
    closure.closure_store(gs)  # fills the cache
    cached = closure.closure_graph(gs)  # read back from the cache
    fresh = _rdf_only(owl_rl_closure(kg.graph).closure)  # the old loader, owlrl run now
    assert len(cached) == len(fresh)
    assert isomorphic(cached, fresh)
    summary = closure.closure_summary(gs)
    assert summary.consistent
    assert summary.asserted == len(kg.graph)


def test_a_changed_file_gives_a_new_closure_never_a_stale_one(tmp_path):
    copy = tmp_path / "knowledge"
    shutil.copytree(resources.part("ontology"), copy / "ontology")
    paths = sorted((copy / "ontology").glob("*.ttl"))
    first = GraphStore(paths, copy)
    before = closure.closure_summary(first)
    assert before.consistent
    # A member of owl:Nothing makes the graph inconsistent.
    (copy / "ontology" / "zz-extra.ttl").write_text(
        "<urn:x:thing> a <http://www.w3.org/2002/07/owl#Nothing> .\n", encoding="utf-8")
    second = GraphStore(sorted((copy / "ontology").glob("*.ttl")), copy)
    assert second.fingerprint != first.fingerprint
    after = closure.closure_summary(second)
    assert not after.consistent
    assert after.asserted == before.asserted + 1


def test_the_cache_is_not_needed(tmp_path, monkeypatch):
    """A read-only install (no cache folder can be written) still answers."""
    # Under a plain file no folder can be made, whoever runs the test (root ignores modes).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("MIGKG_CACHE_DIR", str(blocker / "cache"))
    paths = sorted(resources.part("ontology").glob("*.ttl"))
    summary = closure.closure_summary(GraphStore(paths))
    assert not (blocker / "cache").exists()
    assert summary.consistent and summary.inferred > 0


@pytest.mark.slow  # computes the OWL RL closure (5 s) when the cache is cold, as in a fresh clone
def test_query_inferred_runs_on_the_closure():
    """Regression: `migkg query NAME --inferred` failed on every query ('The subject of a
    triple must be an IRI or a blank node'): owlrl's generalised triples went into the store."""
    from click.testing import CliRunner

    from migkg.cli import main

    asserted = CliRunner().invoke(main, ["query", "documented-gaps", "--format", "csv"])
    inferred = CliRunner().invoke(main, ["query", "documented-gaps", "--format", "csv", "--inferred"])
    assert asserted.exit_code == 0 and inferred.exit_code == 0, inferred.output

    def rows(text: str) -> list:
        # GROUP_CONCAT has no order in SPARQL: compare the concatenated values as sets.
        return sorted(tuple("; ".join(sorted(cell.split("; "))) for cell in row)
                      for row in csv.reader(io.StringIO(text)))

    assert rows(inferred.output) == rows(asserted.output)
    assert len(rows(inferred.output)) > 10

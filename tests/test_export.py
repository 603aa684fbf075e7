"""`migkg export`: every format parses back to the source graph, one named graph per file
with --graphs, the same bytes from two runs (this process and a child with another hash seed),
and no half-written file when writing fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, BNode, Dataset, Graph, Literal, URIRef

from migkg import export
from migkg.export import INFERRED_GRAPH, collect_parts

from .conftest import run_cli

# rdflib's own parsers use its deprecated ConjunctiveGraph API: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "xml": "xml"}
PLAIN = list(RDFLIB_FORMATS)
GRAPHS = ["nq", "trig", "jsonld"]

# Writes every format with the module's own functions (one build per kind of content): what
# `migkg export` writes, without one run per format. Run here and in a child process.
DUMP = """
from pathlib import Path
from migkg.export import build, serialize
out = Path(OUT)
plain, prefixes = build()
for fmt in ("ttl", "nt", "jsonld", "xml"):
    (out / f"plain.{fmt}").write_bytes(serialize(plain, fmt, prefixes))
dataset, prefixes = build(dataset=True)
for fmt in ("nq", "trig"):
    (out / f"plain.{fmt}").write_bytes(serialize(dataset, fmt, prefixes))
graphs, prefixes = build(graphs=True, shapes=True)
for fmt in ("nq", "trig", "jsonld"):
    (out / f"graphs.{fmt}").write_bytes(serialize(graphs, fmt, prefixes))
"""


def _other_seed() -> str:
    """A PYTHONHASHSEED other than this process's (random unless PYTHONHASHSEED is set)."""
    return "2" if os.environ.get("PYTHONHASHSEED") != "2" else "3"


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Two runs of every export: one in this process, one in a child process with another hash
    seed (started first, it runs meanwhile); and `migkg export` writing the inferred N-Quads with
    -o (once: its serialisation is the same code as the other exports')."""
    root = tmp_path_factory.mktemp("exports")
    for run in ("1", "2"):
        (root / run).mkdir()
    child = subprocess.Popen([sys.executable, "-c", DUMP.replace("OUT", repr(str(root / "2")))],
                             env=dict(os.environ, PYTHONHASHSEED=_other_seed()),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        exec(DUMP.replace("OUT", repr(str(root / "1"))), {})
        inferred = run_cli("export", "--format", "nq", "--graphs", "--inferred", "-o", root / "inferred.nq")
    finally:
        _, err = child.communicate(timeout=300)
    assert child.returncode == 0, err
    assert inferred.returncode == 0, inferred.stderr
    assert "wrote" in inferred.stderr and "Traceback" not in inferred.stderr
    return root


@pytest.fixture(scope="module")
def parts():
    return collect_parts(shapes=True)


def _parse(path: Path, fmt: str) -> Dataset:
    ds = Dataset()
    ds.parse(path, format=RDFLIB_FORMATS[fmt])
    return ds


def _canonical(graph: Graph) -> set[str]:
    """The graph's triples after W3C RDF canonicalisation (RDFC-1.0, pyoxigraph) of its blank
    nodes, as N-Triples strings: equal sets mean isomorphic graphs."""
    dataset = ox.Dataset(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def same_graph(a: Graph, b: Graph) -> bool:
    """Equal as sets when there are no blank nodes, else equal after canonicalisation
    (rdflib's isomorphic() takes seconds on the SHACL shapes' many blank nodes)."""
    if len(a) != len(b):
        return False
    if not any(isinstance(t, BNode) for g in (a, b) for triple in g for t in triple):
        return set(a) == set(b)
    return _canonical(a) == _canonical(b)


def _union(ds: Dataset) -> Graph:
    g = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


@pytest.mark.slow
@pytest.mark.parametrize("fmt", PLAIN)
def test_every_format_parses_back_isomorphic(exports, graph, fmt):
    back = _union(_parse(exports / "1" / f"plain.{fmt}", fmt))
    assert len(back) == len(graph)
    assert same_graph(back, graph)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", GRAPHS)
def test_graphs_one_named_graph_per_file(exports, parts, graph, fmt):
    ds = _parse(exports / "1" / f"graphs.{fmt}", fmt)
    names = {g.identifier for g in ds.graphs() if len(g)}
    assert names == {p.name for p in parts}
    for part in parts:
        assert same_graph(ds.graph(part.name), part.graph), part.path
    assert str(parts[0].name).startswith("https://w3id.org/migkg/graph/ontology/")
    shapes = {p.name for p in parts if "/validation/" in str(p.name)}
    assert shapes, "--shapes adds the validation/ files"
    asserted = Graph()
    for part in parts:
        if part.name not in shapes:
            asserted += ds.graph(part.name)
    assert same_graph(asserted, graph)


@pytest.mark.slow
@pytest.mark.parametrize("name", [f"plain.{f}" for f in PLAIN] + [f"graphs.{f}" for f in GRAPHS])
def test_two_runs_give_the_same_bytes(exports, name):
    first, second = (exports / "1" / name).read_bytes(), (exports / "2" / name).read_bytes()
    assert first, name
    assert first == second, f"{name} differs between two runs"


@pytest.mark.slow
def test_inferred_adds_the_closure_in_its_own_graph(exports, graph):
    ds = _parse(exports / "inferred.nq", "nq")
    inferred = ds.graph(INFERRED_GRAPH)
    assert len(inferred) > 1000
    asserted = Graph()
    for g in ds.graphs():
        if g.identifier != INFERRED_GRAPH:
            asserted += g
    assert same_graph(asserted, graph)  # without --shapes: ontology and data only
    # OWL RL adds what the asserted graph does not say, e.g. owl:Thing membership.
    assert not set(inferred) & set(graph)
    assert (URIRef("https://w3id.org/migkg/id/pe/mininter"), RDF.type, OWL.Thing) in inferred
    # owlrl's generalised triples (a literal as subject) are not RDF and are left out.
    assert not any(isinstance(s, Literal) for s in inferred.subjects())


def test_no_partial_file_when_writing_fails(tmp_path, monkeypatch):
    from migkg.core import atomic

    target = tmp_path / "graph.ttl"
    target.write_text("old content\n")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full_disk)  # the one atomic writer (core.atomic)
    with pytest.raises(export.ExportError, match="No space left on device"):
        export.write_atomically(target, b"new content\n" * 1000)
    assert target.read_text() == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]  # no temporary file left


def test_write_replaces_the_file_whole(tmp_path):
    target = tmp_path / "graph.nt"
    target.write_text("old\n")
    export.write_atomically(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nt"]


@pytest.mark.parametrize("args, message", [
    (["--format", "ttl", "--graphs"], "--graphs needs a format that holds named graphs"),
    (["-o", "/nonexistent-folder/x.ttl"], "the folder /nonexistent-folder does not exist"),
    (["-o", "graph.unknown"], "cannot tell the format from the extension"),
], ids=["graphs-in-turtle", "missing-folder", "unknown-extension"])
def test_export_errors_are_one_line(tmp_path, args, message):
    result = run_cli("export", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("migkg: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []

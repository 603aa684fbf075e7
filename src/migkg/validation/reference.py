"""What every validation run checks new data against: the SHACL shapes (validation/), the
ontology's scaffold (ontology/) and the project's reference data (data/).

Two forms. As rdflib graphs (`shapes_graph`, `ontology_scaffold`, `reference_graph`), read
with migkg.store's strict parser: what the pySHACL engine validates with, and the reference
the differential tests compare against. As N-Triples text (`reference_texts`), read with
pyoxigraph and kept in migkg's on-disk cache (migkg.core.cache) under the hash of the files'
bytes: what the turbo engine hands its native parser, read without rdflib and, while the files
do not change, without parsing them at all."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from migkg import resources
from migkg.core import cache
from migkg.core.namespaces import MKG, RDF, RDFS, SH


def shapes_files() -> list[Path]:
    return resources.turtle_files("validation")


@functools.lru_cache(maxsize=1)
def shapes_graph():
    """The SHACL shapes as an rdflib graph (cached: callers never modify it)."""
    from rdflib import Graph

    from migkg.store import parse_file

    g = Graph()
    for path in shapes_files():
        g += parse_file(path)
    return g


@functools.lru_cache(maxsize=1)
def ontology_scaffold():
    """(Cached: callers copy it, never modify it.) What SHACL needs from the ontology: the class
    hierarchy and the typed vocabulary (so that sh:class mkg:Function accepts mkg:AssistanceFunction).
    SHACL's targetClass and sh:class follow rdfs:subClassOf in the data graph, so merging these
    triples into the data replaces an RDFS or OWL RL closure."""
    from rdflib import RDF as RDF_NS
    from rdflib import RDFS as RDFS_NS
    from rdflib import Graph, URIRef

    from migkg.store import parse_file

    ontology = Graph()
    for path in resources.ontology_files():
        ontology += parse_file(path)
    scaffold = Graph()
    for triple in ontology.triples((None, RDFS_NS.subClassOf, None)):
        if isinstance(triple[2], URIRef):
            scaffold.add(triple)
    for s, o in ontology.subject_objects(RDF_NS.type):
        if str(s).startswith(MKG):
            scaffold.add((s, RDF_NS.type, o))
    return scaffold


@functools.lru_cache(maxsize=1)
def reference_graph():
    """The project's reference data, so that new data can point at existing resources."""
    from rdflib import Graph

    from migkg.store import parse_file

    g = Graph()
    for path in resources.data_files():
        g += parse_file(path)
    return g


@dataclass(frozen=True)
class ReferenceTexts:
    scaffold: str  # the ontology scaffold (as ontology_scaffold), N-Triples
    data: str  # the reference data files, N-Triples


def _parse(path: Path):
    import pyoxigraph as ox

    # rename_blank_nodes: each file's blank nodes are its own (as rdflib reads them).
    return (quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True))


def _ntriples(triples) -> str:
    import pyoxigraph as ox

    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8") if triples else ""


def build_reference_texts() -> ReferenceTexts:
    """The scaffold and the reference data as N-Triples, read with pyoxigraph (the same triples as
    ontology_scaffold() and reference_graph(): tests/test_validation_engines.py compares them)."""
    import pyoxigraph as ox

    scaffold: dict = {}  # a set that keeps the order
    for path in resources.ontology_files():
        for t in _parse(path):
            predicate = t.predicate.value
            if predicate == RDFS + "subClassOf" and isinstance(t.object, ox.NamedNode):
                scaffold[t] = None
            elif predicate == RDF + "type" and isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(MKG):
                scaffold[t] = None
    data: dict = {}
    for path in resources.data_files():
        data.update(dict.fromkeys(_parse(path)))
    return ReferenceTexts(_ntriples(list(scaffold)), _ntriples(_canonical(list(data))))


def _canonical(triples: list) -> list:
    """The triples with their blank nodes (a claim's evidence) labelled by RDFC-1.0, so that the
    same files give the same text (and the same cache entries) in every run."""
    import pyoxigraph as ox

    if not any(isinstance(term, ox.BlankNode) for t in triples for term in (t.subject, t.object)):
        return triples
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted((q.triple for q in dataset), key=str)


@functools.lru_cache(maxsize=1)
def library_versions() -> str:
    """The versions of migkg and of the libraries that compute what validation caches, for the keys
    (one lookup for all the keys: each costs a scan of the installed distributions)."""
    return cache.library_versions("pyoxigraph", "pyshacl-turbo", "rdflib")


def reference_texts() -> ReferenceTexts:
    """build_reference_texts(), from the cache while the ontology and data files are unchanged."""
    root = resources.resource_root()
    files = resources.ontology_files() + resources.data_files()
    key = cache.digest(cache.fingerprint(files, relative_to=root), library_versions())

    def build() -> bytes:
        texts = build_reference_texts()
        return json.dumps({"scaffold": texts.scaffold, "data": texts.data}, ensure_ascii=False).encode("utf-8")

    stored = json.loads(cache.cached("validation-reference", key, root, build))
    return ReferenceTexts(stored["scaffold"], stored["data"])


def default_prefixes() -> list[tuple[str, str]]:
    """The (prefix, namespace) pairs rdflib binds in every new graph: the names problems are shown
    with, besides a file's own (migkg.validation.outcome.prefix_map). Cached per rdflib version."""
    root = resources.resource_root()
    key = cache.digest(library_versions())

    def build() -> bytes:
        from rdflib import Graph

        return json.dumps([(prefix, str(ns)) for prefix, ns in Graph().namespaces()]).encode("utf-8")

    return [tuple(pair) for pair in json.loads(cache.cached("rdflib-default-prefixes", key, root, build))]


@functools.lru_cache(maxsize=1)
def message_templates() -> tuple[tuple[str, str], ...]:
    """(language, text) of every sh:message of the shapes, read with pyoxigraph (no rdflib): both
    engines drop the language tag of a SHACL-SPARQL constraint's message when they fill in its
    {?var} placeholders, and migkg.validation.outcome tells the languages apart by these templates."""
    import pyoxigraph as ox

    found = set()
    for path in shapes_files():
        for t in _parse(path):
            if t.predicate.value == SH + "message" and isinstance(t.object, ox.Literal):
                found.add(((t.object.language or "").lower(), t.object.value))
    return tuple(sorted(found))

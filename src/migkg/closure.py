"""The OWL RL closure of the project's own graph, computed by owlrl (``migkg.reasoning``) once
per content of the knowledge files and then read from the on-disk cache (``core.cache``), so
that owlrl and rdflib are not even imported when the closure is already known. The closure is
owlrl's: tests/test_closure.py compares the cached one with a fresh owlrl run."""

from __future__ import annotations

import json

from migkg.core import cache


def _closure_key(gs) -> str:
    return cache.digest("owl-rl-closure", gs.fingerprint, cache.library_versions("owlrl", "rdflib"))


def _computed_closure(gs) -> bytes:
    """owlrl's closure of the store's graph, as a JSON head line (asserted, inferred, problems)
    followed by the closure's RDF triples in N-Triples (generalised triples left out)."""
    from rdflib import Literal, URIRef

    from migkg.reasoning import owl_rl_closure

    result = owl_rl_closure(gs.rdflib_graph())
    closure = result.closure
    for triple in [t for t in closure if isinstance(t[0], Literal) or not isinstance(t[1], URIRef)]:
        closure.remove(triple)
    head = json.dumps({"asserted": result.asserted, "inferred": result.inferred, "problems": result.problems},
                      ensure_ascii=False)
    return head.encode("utf-8") + b"\n" + closure.serialize(format="nt", encoding="utf-8")


def _cached_closure(gs) -> tuple[dict, bytes]:
    data = cache.cached("owl-rl-closure", _closure_key(gs), gs.root, lambda: _computed_closure(gs))
    head, _, body = data.partition(b"\n")
    return json.loads(head), body


def closure_summary(gs):
    """Consistency and counts of the OWL RL closure of a GraphStore (computed by owlrl once per
    content of the knowledge files, then read from the cache). ``closure`` is None here."""
    from migkg.reasoning import ReasoningResult

    head, _ = _cached_closure(gs)
    return ReasoningResult(closure=None, asserted=head["asserted"], inferred=head["inferred"],
                           problems=list(head["problems"]))


def closure_store(gs):
    """A pyoxigraph store holding the OWL RL closure (as RDF) of a GraphStore."""
    import pyoxigraph as ox

    _, body = _cached_closure(gs)
    store = ox.Store()
    store.bulk_load(body, format=ox.RdfFormat.N_TRIPLES)
    return store


def closure_graph(gs):
    """The same closure as an rdflib graph (for the rdflib reference engine)."""
    from rdflib import Graph

    _, body = _cached_closure(gs)
    graph = Graph()
    graph.parse(data=body, format="nt")
    return graph

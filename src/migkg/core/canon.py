"""One canonicalisation: W3C RDF Dataset Canonicalization (RDFC-1.0), computed by pyoxigraph.
The export writes canonical blank node labels (same graph, same bytes); a load names blank nodes
by them (same graph, same skolem IRIs)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node


class _Converter:
    """rdflib <-> pyoxigraph terms. Literals and IRIs come back as the very rdflib terms
    that went in (rdflib tells "x" from "x"^^xsd:string, RDF 1.1 and Oxigraph do not)."""

    def __init__(self) -> None:
        self._back: dict = {}

    def to_ox(self, term: Node):
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, URIRef):
            out = ox.NamedNode(str(term))
        elif isinstance(term, Literal):
            if term.language:
                out = ox.Literal(str(term), language=term.language)
            elif term.datatype:
                out = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            else:
                out = ox.Literal(str(term))
        else:
            raise TypeError(f"not an RDF term: {term!r}")
        self._back.setdefault(out, term)
        return out

    def from_ox(self, term) -> Node:
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        return self._back[term]


def canonical_quads(quads: list[tuple[Node, Node, Node, URIRef | None]]) -> list[tuple]:
    """The quads with blank nodes relabelled by RDFC-1.0, sorted, without duplicates."""
    if not any(isinstance(t, BNode) for q in quads for t in q[:3]):
        return sorted(set(quads), key=_sort_key)
    conv = _Converter()
    dataset = ox.Dataset()
    for s, p, o, g in quads:
        dataset.add(ox.Quad(conv.to_ox(s), conv.to_ox(p), conv.to_ox(o),
                            ox.DefaultGraph() if g is None else ox.NamedNode(str(g))))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    out = set()
    for quad in dataset:
        g = None if isinstance(quad.graph_name, ox.DefaultGraph) else URIRef(quad.graph_name.value)
        out.add((conv.from_ox(quad.subject), conv.from_ox(quad.predicate), conv.from_ox(quad.object), g))
    return sorted(out, key=_sort_key)


def _sort_key(quad: tuple) -> tuple:
    s, p, o, g = quad
    return ("" if g is None else str(g), s.n3(), p.n3(), o.n3())


def skolemised_triples(triples, base: str) -> list[tuple]:
    """The triples with each blank node replaced by the IRI ``base`` + its canonical label:
    the same graph always gives the same IRIs."""
    out = []
    for s, p, o, _ in canonical_quads([(s, p, o, None) for s, p, o in triples]):
        out.append(tuple(URIRef(base + str(t)) if isinstance(t, BNode) else t for t in (s, p, o)))
    return out

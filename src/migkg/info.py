"""What is in the graph: files, triples, classes, individuals per class, sources cited.
Counted with SPARQL on the run-time store (``graphstore``); the knowledge itself says which
classes are the ontology's (those in its namespace) and which resources are source documents."""

from __future__ import annotations

from dataclasses import dataclass, field

from migkg.core import terms
from migkg.core.namespaces import MKG, NAMESPACES, OWL, RDF, RDFS, XSD, shorten

# rdflib's prefixes for the vocabularies it always knows, then the project's: how a class is written.
PREFIXES = {"owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, **NAMESPACES}


@dataclass
class GraphInfo:
    files: list[tuple[str, int]]
    triples: int
    classes: int
    properties: int
    individuals_per_class: list[tuple[str, int]]
    sources_cited: list[tuple[str, str, int]] = field(default_factory=list)


def _short(iri: str, prefixes: dict[str, str]) -> str:
    short = shorten(iri, prefixes)
    return short if short != iri else f"<{iri}>"


_COUNTS = f"""
PREFIX owl: <{OWL}>
SELECT
  (COUNT(DISTINCT ?class) AS ?classes)
  (COUNT(DISTINCT ?property) AS ?properties)
WHERE {{
  {{ ?class a owl:Class . FILTER(STRSTARTS(STR(?class), "{MKG}")) }}
  UNION
  {{ VALUES ?kind {{ owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }}
    ?property a ?kind . FILTER(STRSTARTS(STR(?property), "{MKG}")) }}
}}"""

_PER_CLASS = f"""
PREFIX owl: <{OWL}>
SELECT ?class (COUNT(*) AS ?n) WHERE {{
  ?s a ?class .
  FILTER(isIRI(?s) && !STRSTARTS(STR(?s), "{MKG}"))
  FILTER(?class != owl:Class && ?class != owl:Ontology && !STRSTARTS(STR(?class), STR(owl:)))
}} GROUP BY ?class"""

# dcterms:source points at sections; count the statements per document.
_CITED = f"""
PREFIX dcterms: <{NAMESPACES["dcterms"]}>
PREFIX mkg: <{MKG}>
PREFIX rdfs: <{RDFS}>
SELECT ?document (SAMPLE(?title) AS ?label) (COUNT(*) AS ?n) WHERE {{
  ?s dcterms:source ?section .
  OPTIONAL {{ ?section dcterms:isPartOf ?whole }}
  BIND(COALESCE(?whole, ?section) AS ?document)
  ?document a mkg:SourceDocument .
  OPTIONAL {{ ?document rdfs:label ?title . FILTER(LANG(?title) = "en") }}
}} GROUP BY ?document"""


def describe(gs) -> GraphInfo:
    """The counts of a GraphStore (``migkg.graphstore``)."""
    prefixes = {**PREFIXES, **{k: v for k, v in gs.prefixes.items() if k not in PREFIXES}}

    def _short_(iri: str) -> str:
        return _short(iri, prefixes)

    counts = gs.select(_COUNTS, as_rdflib=False).rows[0]
    per_class = [(_short_(terms.text(c)), int(terms.text(n))) for c, n in gs.select(_PER_CLASS, as_rdflib=False).rows]
    sources = [(_short_(terms.text(d)), terms.text(t) if t is not None else _short_(terms.text(d)), int(terms.text(n)))
               for d, t, n in gs.select(_CITED, as_rdflib=False).rows]
    return GraphInfo(
        files=gs.files,
        triples=gs.triples,
        classes=int(terms.text(counts[0])),
        properties=int(terms.text(counts[1])),
        individuals_per_class=sorted(per_class, key=lambda kv: (-kv[1], kv[0])),
        sources_cited=sorted(sources, key=lambda row: (-row[2], row[0])),
    )

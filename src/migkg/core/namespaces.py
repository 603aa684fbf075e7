"""The project's namespaces, written once. Every module that prints, parses or serialises
prefixed names takes them from here."""

from __future__ import annotations

MKG = "https://w3id.org/migkg/ontology#"
ID = "https://w3id.org/migkg/id/"
GRAPH = "https://w3id.org/migkg/graph/"
SHAPES = "https://w3id.org/migkg/shapes#"

# Prefixes used in the Turtle files and in what migkg prints (order: as written in the files).
NAMESPACES: dict[str, str] = {
    "mkg": MKG,
    "pe": ID + "pe/",
    "int": ID + "int/",
    "cat": ID + "category/",
    "place": ID + "place/",
    "src": ID + "source/",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
}

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"
SKOS = NAMESPACES["skos"]
DCTERMS = NAMESPACES["dcterms"]


def shorten(iri: str, namespaces: dict[str, str] | None = None) -> str:
    """``pe:mre`` for an IRI in one of the namespaces (the longest match wins), else the IRI."""
    for prefix, base in _by_length(tuple((namespaces or NAMESPACES).items())):
        if iri.startswith(base) and len(iri) > len(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


_sorted: dict[tuple, list] = {}


def _by_length(items: tuple) -> list:
    if items not in _sorted:
        _sorted[items] = sorted(items, key=lambda kv: -len(kv[1]))
    return _sorted[items]

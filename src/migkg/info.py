"""What is in the graph: files, triples, classes, individuals per class, sources cited."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, URIRef
from rdflib.namespace import DCTERMS, RDFS

from migkg import resources
from migkg.store import KnowledgeGraph

MKG = "https://w3id.org/migkg/ontology#"
SOURCE_DOCUMENT = URIRef(MKG + "SourceDocument")


@dataclass
class GraphInfo:
    files: list[tuple[str, int]]
    triples: int
    classes: int
    properties: int
    individuals_per_class: list[tuple[str, int]]
    sources_cited: list[tuple[str, str, int]] = field(default_factory=list)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(resources.resource_root()))
    except ValueError:
        return str(path)


def label(kg: KnowledgeGraph, node, lang: str = "en") -> str:
    for value in kg.graph.objects(node, RDFS.label):
        if getattr(value, "language", None) == lang:
            return str(value)
    return kg.graph.namespace_manager.normalizeUri(node) if isinstance(node, URIRef) else str(node)


def describe(kg: KnowledgeGraph) -> GraphInfo:
    g = kg.graph
    classes = {c for c in g.subjects(RDF.type, OWL.Class) if str(c).startswith(MKG)}
    properties = {
        p
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for p in g.subjects(RDF.type, kind)
        if str(p).startswith(MKG)
    }
    per_class = Counter(
        g.namespace_manager.normalizeUri(cls)
        for s, cls in g.subject_objects(RDF.type)
        if isinstance(s, URIRef) and not str(s).startswith(MKG) and cls not in (OWL.Class, OWL.Ontology)
        and not str(cls).startswith(str(OWL))
    )
    # dcterms:source points at sections; count the statements per document.
    cited = Counter()
    for section in g.objects(None, DCTERMS.source):
        document = g.value(section, DCTERMS.isPartOf) or section
        cited[document] += 1
    sources = sorted(
        ((g.namespace_manager.normalizeUri(d), label(kg, d), n) for d, n in cited.items() if (d, RDF.type, SOURCE_DOCUMENT) in g),
        key=lambda row: (-row[2], row[0]),
    )
    return GraphInfo(
        files=[(_relative(p), n) for p, n in kg.files.items()],
        triples=len(g),
        classes=len(classes),
        properties=len(properties),
        individuals_per_class=sorted(per_class.items(), key=lambda kv: (-kv[1], kv[0])),
        sources_cited=sources,
    )

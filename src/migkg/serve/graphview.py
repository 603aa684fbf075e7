"""The graph as the pages read it: labels in both languages, search over them, and one
resource's statements, incoming links and sources. Pattern lookups on the store (no SPARQL, no
user text in a query), built once at start-up; the graph does not change while the server runs."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from migkg.core.namespaces import DCTERMS, ID, MKG, NAMESPACES, OWL, RDF, RDFS, SKOS, XSD, shorten

LABEL = ox.NamedNode(RDFS + "label")
PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
DEFINITION = ox.NamedNode(SKOS + "definition")
COMMENT = ox.NamedNode(RDFS + "comment")
SOURCE = ox.NamedNode(DCTERMS + "source")
LOCATOR = ox.NamedNode(MKG + "locator")
PART_OF = ox.NamedNode(DCTERMS + "isPartOf")
TYPE = ox.NamedNode(RDF + "type")
OA = NAMESPACES["oa"]
EVIDENCE = ox.NamedNode(MKG + "evidence")
HAS_SOURCE = ox.NamedNode(OA + "hasSource")
HAS_SELECTOR = ox.NamedNode(OA + "hasSelector")
EXACT = ox.NamedNode(OA + "exact")
ONTOLOGY = MKG.rstrip("#")
# How IRIs are written where they have no label, and the prefixes of the Turtle views.
PREFIXES = {"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, **NAMESPACES}


def fold(text: str) -> str:
    """Lower case, accents removed: "Perú" and "peru" match."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def local_path(iri: str) -> str | None:
    """The server's path for an IRI of the graph (/id/X, /ontology/T), else None."""
    if iri.startswith(ID) and len(iri) > len(ID):
        return "/id/" + iri[len(ID):]
    if iri.startswith(MKG) and len(iri) > len(MKG):
        return "/ontology/" + iri[len(MKG):]
    if iri == ONTOLOGY:
        return "/ontology"
    return None


@dataclass
class Link:
    iri: str
    label: str
    href: str | None
    literal: bool = False
    note: str = ""


@dataclass
class Description:
    iri: str
    label: str
    definition: str
    types: list[Link]
    properties: list[tuple[Link, list[Link]]]
    incoming: list[tuple[Link, list[Link]]]
    sources: list[Link] = field(default_factory=list)
    evidence: list[Quote] = field(default_factory=list)


@dataclass
class Quote:
    """A piece of evidence: the source's words, verbatim, and the section they are in."""

    text: str
    section: Link


class GraphView:
    def __init__(self, store: ox.Store):
        self.store = store
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        for predicate in (PREF_LABEL, LABEL):  # rdfs:label wins over skos:prefLabel
            for quad in store.quads_for_pattern(None, predicate, None):
                if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                    self.labels[quad.subject.value][quad.object.language or ""] = quad.object.value
        self._index = sorted(
            ((fold(text), iri, lang, text) for iri, by_lang in self.labels.items() for lang, text in by_lang.items()),
            key=lambda e: e[3])

    def label(self, iri: str, lang: str) -> str:
        found = self.labels.get(iri)
        if found:
            for key in (lang, "en", ""):
                if key in found:
                    return found[key]
            return next(iter(found.values()))
        short = shorten(iri, PREFIXES)
        return short if short != iri else iri

    def exists(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        return (next(iter(self.store.quads_for_pattern(node, None, None)), None) is not None
                or next(iter(self.store.quads_for_pattern(None, None, node)), None) is not None)

    def link(self, term, lang: str) -> Link:
        if isinstance(term, ox.NamedNode):
            return Link(term.value, self.label(term.value, lang), local_path(term.value) or term.value)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            note = term.language or ("" if datatype.endswith("#string") else shorten(datatype, PREFIXES))
            return Link(term.value, term.value, None, literal=True, note=note)
        return Link(str(term), "(blank node)", None, literal=True)

    def text_in(self, iri: str, predicate: ox.NamedNode, lang: str) -> str:
        found = {}
        for quad in self.store.quads_for_pattern(ox.NamedNode(iri), predicate, None):
            if isinstance(quad.object, ox.Literal):
                found.setdefault(quad.object.language or "", quad.object.value)
        for key in (lang, "en", ""):
            if key in found:
                return found[key]
        return next(iter(found.values()), "")

    def search(self, query: str, lang: str, limit: int = 100) -> list[Link]:
        needle = fold(query.strip())
        if not needle:
            return []
        rank: dict[str, int] = {}  # 0: a label is the text, 1: starts with it, 2: contains it
        for folded, iri, _lang, _text in self._index:
            if needle in folded:
                score = 0 if folded == needle else 1 if folded.startswith(needle) else 2
                rank[iri] = min(score, rank.get(iri, 3))
        best = sorted(rank, key=lambda iri: (rank[iri], fold(self.label(iri, lang))))[:limit]
        return [Link(iri, self.label(iri, lang), local_path(iri) or iri) for iri in best]

    def describe(self, iri: str, lang: str) -> Description:
        node = ox.NamedNode(iri)
        by_property: dict[str, list] = defaultdict(list)
        for quad in self.store.quads_for_pattern(node, None, None):
            by_property[quad.predicate.value].append(quad.object)
        by_property.pop(EVIDENCE.value, None)  # shown as quotes, not as blank nodes
        types = [self.link(t, lang) for t in by_property.pop(TYPE.value, [])]
        properties = []
        for predicate, objects in sorted(by_property.items(), key=lambda e: fold(self.label(e[0], lang))):
            shown = [o for o in objects if not (isinstance(o, ox.Literal) and o.language and o.language != lang
                                                and predicate in (LABEL.value, DEFINITION.value, COMMENT.value))]
            links = sorted((self.link(o, lang) for o in shown or objects), key=lambda x: fold(x.label))
            properties.append((self.link(ox.NamedNode(predicate), lang), links))
        incoming_by: dict[str, list] = defaultdict(list)
        for quad in self.store.quads_for_pattern(None, None, node):
            incoming_by[quad.predicate.value].append(quad.subject)
        incoming = [(self.link(ox.NamedNode(p), lang), sorted((self.link(s, lang) for s in subjects),
                                                              key=lambda x: fold(x.label)))
                    for p, subjects in sorted(incoming_by.items(), key=lambda e: fold(self.label(e[0], lang)))]
        sources = [self.section(quad.object, lang) for quad in self.store.quads_for_pattern(node, SOURCE, None)]
        definition = self.text_in(iri, DEFINITION, lang) or self.text_in(iri, COMMENT, lang)
        return Description(iri, self.label(iri, lang), definition, types, properties, incoming,
                           sorted(sources, key=lambda x: fold(x.label)), self.evidence(node, lang))

    def section(self, term, lang: str) -> Link:
        """A source section, with its document and locator as the note."""
        link = self.link(term, lang)
        if isinstance(term, ox.NamedNode):
            locator = self.text_in(term.value, LOCATOR, lang)
            document = next(iter(self.store.quads_for_pattern(term, PART_OF, None)), None)
            parts = [self.label(document.object.value, lang)] if document is not None else []
            link.note = " — ".join(parts + ([locator] if locator else []))
        return link

    def evidence(self, node: ox.NamedNode, lang: str) -> list[Quote]:
        """The resource's quoted evidence (mkg:evidence), in the order of the sections' labels."""
        found = []
        for quad in self.store.quads_for_pattern(node, EVIDENCE, None):
            sections = [q.object for q in self.store.quads_for_pattern(quad.object, HAS_SOURCE, None)]
            for selector in self.store.quads_for_pattern(quad.object, HAS_SELECTOR, None):
                for exact in self.store.quads_for_pattern(selector.object, EXACT, None):
                    for section in sections:
                        found.append(Quote(exact.object.value, self.section(section, lang)))
        return sorted(found, key=lambda q: (fold(q.section.label), q.text))

    def statements(self, iri: str) -> list[ox.Triple]:
        """The resource's statements, then the labels of what it links to (for the RDF views)."""
        node = ox.NamedNode(iri)
        triples = [quad.triple for quad in self.store.quads_for_pattern(node, None, None)]
        blank_seen = set()
        for triple in triples:  # the resource's own blank nodes (its evidence and their selectors)
            if isinstance(triple.object, ox.BlankNode) and triple.object not in blank_seen:
                blank_seen.add(triple.object)
                triples += [quad.triple for quad in self.store.quads_for_pattern(triple.object, None, None)]
        seen = {iri}
        for triple in list(triples):
            for term in (triple.predicate, triple.object):
                if isinstance(term, ox.NamedNode) and term.value not in seen:
                    seen.add(term.value)
                    triples += [q.triple for q in self.store.quads_for_pattern(term, LABEL, None)]
        return triples

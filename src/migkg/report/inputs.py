"""Everything the report reads from the graph, in one place: loading, the query catalogue's
results, label and value look-ups, the facts the pictures need, the country the graph is
about, the counts of the summary, and the reasoning and validation summaries.

The graph is loaded once into an embedded pyoxigraph store (``migkg.graphstore``); look-ups
are store look-ups or SPARQL on that store (pyoxigraph terms, no rdflib), never walks over an
rdflib graph.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pyoxigraph as ox

from migkg.core import terms
from migkg.core.namespaces import DCTERMS, MKG, OWL, RDF, RDFS
from migkg.report.background import Later, cached_or_worker, checkout, source_digest
from migkg.report.common import LANGS, ReportError, text

DCAT = "http://www.w3.org/ns/dcat#"
ELI = "http://data.europa.eu/eli/ontology#"
_NETWORK_WORDS = re.compile(r"\b(SERVICE|FROM|LOAD)\b", re.IGNORECASE)
# IRIs, strings, comments, variables (?from) and prefixed names: where those words are no keyword.
_NOT_KEYWORDS = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*"
                           r"|[?$]\w+|[A-Za-z_][\w.-]*:[\w.-]*")
_PREFIXES = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in
                      {"mkg": MKG, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "dcterms": DCTERMS, "dcat": DCAT,
                       "org": "http://www.w3.org/ns/org#"}.items()) + "\n"


def open_graph(data=()):
    """The knowledge files, read once into an embedded pyoxigraph store (``migkg.graphstore``),
    with the user's files ``data`` (already read and validated by the command) for this run."""
    from migkg.graphstore import with_data

    return with_data(list(data))


def _node(iri: str):
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


class Inputs:
    """The report's view of the graph. ``gs`` is a ``migkg.graphstore.GraphStore``."""

    def __init__(self, gs):
        self.gs = gs
        self._labels: dict[str, list] | None = None
        self.queries: list = []
        self.results: dict[str, dict[str, object]] = {}

    @property
    def files(self) -> list[tuple[str, int]]:
        return list(self.gs.files)

    @property
    def triples(self) -> int:
        return self.gs.triples

    # --- SPARQL ----------------------------------------------------------------------------

    def select(self, query: str, bindings=None):
        """SPARQL on the store (pyoxigraph terms). The callers check the network clauses."""
        return self.gs.select(query, bindings, as_rdflib=False, allow_network=True)

    def run_catalogue(self, queries: list, progress=None) -> None:
        """Every saved query (``migkg.queries.catalogue()``), with its parameters' defaults; the
        ones with a ``lang`` parameter in English and in Spanish (key ``""`` for the others)."""
        from migkg import sparql

        self.queries = list(queries)
        for query in self.queries:
            langs = LANGS if any(p.name == "lang" for p in query.params) else ("",)
            # Only a query in which SERVICE, FROM or LOAD appears as a keyword (not in an IRI, a string,
            # a comment, a variable or a prefixed name) goes through sparql's full check (an rdflib
            # parse, about 0.15 s a query).
            if _NETWORK_WORDS.search(_NOT_KEYWORDS.sub(" ", query.text)):
                sparql.check_local(query.text)
            self.results[query.name] = {}
            for lang in langs:
                given = {"lang": lang} if lang else {}
                self.results[query.name][lang] = self.select(query.text, query.bindings(given))
            if progress:
                progress()

    def result(self, name: str, lang: str):
        by_lang = self.results[name]
        return by_lang[lang] if lang in by_lang else by_lang[""]

    # --- look-ups ----------------------------------------------------------------------------

    def _objects(self, node: str, prop: str) -> list:
        subject, predicate = _node(node), _node(prop)
        if subject is None or predicate is None:
            return []
        return sorted((q.object for q in self.gs.store.quads_for_pattern(subject, predicate, None)),
                      key=terms.text)

    def label(self, node, lang: str) -> str:
        """The node's rdfs:label in ``lang``, else in English, else any, else the IRI."""
        if self._labels is None:
            index: dict[str, list] = defaultdict(list)
            for quad in self.gs.store.quads_for_pattern(None, ox.NamedNode(RDFS + "label"), None):
                if isinstance(quad.subject, ox.NamedNode):
                    index[quad.subject.value].append(quad.object)
            self._labels = {iri: sorted(values, key=terms.text) for iri, values in index.items()}
        fallback = ""
        for value in self._labels.get(str(node), ()):
            if isinstance(value, ox.Literal):
                if value.language == lang:
                    return text(value)
                if value.language == "en" or not fallback:
                    fallback = text(value)
        return fallback or str(node)

    def value(self, node: str, prop: str, lang: str | None = "en") -> str:
        for value in self._objects(node, prop):
            if lang is None or getattr(value, "language", None) in (lang, None):
                return text(value)
        return ""

    def acronym(self, node: str) -> str:
        return self.value(node, MKG + "acronym", None)

    def is_a(self, node: str, cls: str) -> bool:
        subject = _node(node)
        return subject is not None and any(True for _ in self.gs.store.quads_for_pattern(
            subject, ox.NamedNode(RDF + "type"), ox.NamedNode(cls)))

    def _column(self, query: str, **bindings: str) -> list[list[str]]:
        """The rows of one of the queries below as text; ``bindings``: IRIs by variable name."""
        given = {name: ox.NamedNode(iri) for name, iri in bindings.items()}
        return [[text(v) for v in row] for row in self.select(_PREFIXES + query, given).rows]

    # --- facts ---------------------------------------------------------------------------------

    def facts(self) -> dict:
        """What the pictures need beyond the catalogue: memberships and institutional links (IRIs)."""
        memberships = self._column("""
            SELECT DISTINCT ?mechanism ?member ?role ?parent WHERE {
              { ?m a org:Membership ; org:organization ?mechanism ; org:member ?member .
                ?mechanism a mkg:CoordinationMechanism .
                OPTIONAL { ?m org:role ?role } }
              UNION
              { ?mechanism a mkg:CoordinationMechanism ; org:subOrganizationOf ?parent }
            }""")
        links = self._column("""
            SELECT DISTINCT ?type ?from ?to ?status WHERE {
              VALUES ?type { mkg:ReferralPathway mkg:InformationExchange mkg:InstitutionalLink }
              ?link a ?type ; mkg:linkFrom ?from ; mkg:linkTo ?to .
              OPTIONAL { ?link mkg:linkStatus ?status }
            }""")
        return {"memberships": sorted(tuple(r) for r in memberships), "links": sorted(tuple(r) for r in links)}

    def country(self) -> dict:
        """The country the graph is about (``dcterms:spatial`` of the dcat:Dataset in
        data/sources.ttl), its name and the data set's title in each language, and the
        governance assessments of that country."""
        rows = self._column("""
            SELECT DISTINCT ?dataset ?country WHERE {
              ?dataset a dcat:Dataset ; dcterms:spatial ?country . ?country a mkg:Country }""")
        if len(rows) != 1:
            raise ReportError("the data must name exactly one country it is about (a dcat:Dataset with "
                              "dcterms:spatial pointing at a mkg:Country, in data/sources.ttl); found "
                              f"{len(rows)}")
        dataset, country = rows[0]
        assessments = [r[0] for r in self._column("""
            SELECT DISTINCT ?a WHERE { ?a a mkg:GovernanceAssessment ; mkg:assessedCountry ?country }""",
                                                  country=country)]
        domestic = {r[0] for r in self._column("SELECT DISTINCT ?i WHERE { ?i mkg:jurisdiction ?country }",
                                               country=country)}
        return {
            "iri": country, "domestic": domestic,
            "names": {lang: self.label(country, lang) for lang in LANGS},
            "dataset": {lang: self.label(dataset, lang) for lang in LANGS},
            "assessments": {lang: "; ".join(sorted(self.label(a, lang) for a in assessments)) for lang in LANGS},
        }

    def graph_info(self):
        """The counts of summary.md (``migkg.info.describe``, SPARQL on the store)."""
        from migkg.info import describe

        return describe(self.gs)

    # --- reasoning and validation (cached; else computed in a worker process) --------------------

    def start_reasoning(self) -> Later:
        from migkg.core.cache import digest, library_versions

        key = digest(self.gs.fingerprint, library_versions("owlrl", "rdflib"),
                     source_digest("migkg.reasoning", "migkg.closure"))
        return cached_or_worker("OWL RL reasoning", "report-reasoning", key, ["reason"])

    def start_validation(self) -> Later:
        from migkg import resources
        from migkg.core.cache import digest, fingerprint, library_versions

        shapes = fingerprint(resources.turtle_files("validation"), relative_to=checkout())
        key = digest(self.gs.fingerprint, shapes, library_versions("pyshacl", "pyshacl-turbo", "rdflib"),
                     source_digest("migkg.validation"))
        return cached_or_worker("SHACL validation", "report-validation", key, ["validate"])


def summary(later: Later) -> dict:
    return json.loads(later.result().decode("utf-8"))

"""Every data file, one parametrized test each: it parses, every resource it describes is
typed, labelled in English and Spanish, and cites a section of one of the five sources."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.namespace import DCTERMS

from migkg import resources
from migkg.store import parse_file

from .conftest import MKG

DATA_FILES = resources.data_files()
SOURCE_DOCUMENTS = {
    "https://w3id.org/migkg/id/source/blouin-button-2018",
    "https://w3id.org/migkg/id/source/mieux-peru-2018-en",
    "https://w3id.org/migkg/id/source/mieux-peru-2018-es",
    "https://w3id.org/migkg/id/source/mieux-latin-america",
    "https://w3id.org/migkg/id/source/iom-mgi-peru-2019",
}
OA = "http://www.w3.org/ns/oa#"
EXEMPT_TYPES = {URIRef(MKG + "SourceDocument"), URIRef(MKG + "SourceSection")}
DATE_PROPERTIES = [URIRef(MKG + p) for p in ("startDate", "endDate", "adoptionDate", "periodStart", "periodEnd")]
DATE_TYPES = {XSD.date, XSD.gYearMonth, XSD.gYear}


def described(g):
    return {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}


def test_data_files_cover_every_subject():
    names = {str(p.relative_to(resources.part("data"))) for p in DATA_FILES}
    for expected in ("sources.ttl", "categories.ttl", "places.ttl", "peru/institutions.ttl", "peru/instruments.ttl",
                     "peru/mandates.ttl", "peru/coordination.ttl", "peru/overlaps-and-cases.ttl",
                     "peru/statistics.ttl", "peru/gaps.ttl", "peru/governance-assessment.ttl", "peru/entitlements.ttl",
                     "international/conventions.ttl", "international/capacity-building.ttl"):
        assert expected in names


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(resources.part("data"))))
class TestDataFile:
    def test_parses_and_has_blank_nodes_only_for_evidence(self, path):
        g = parse_file(path)
        assert len(g) > 0
        # Every resource a person may point at has an IRI. The one exception is a claim's evidence
        # (mkg:evidence [ a oa:SpecificResource ; oa:hasSelector [ a oa:TextQuoteSelector ... ] ]),
        # which belongs to its claim alone; exports canonicalise blank nodes (RDFC-1.0) and loads
        # skolemise them, so they stay deterministic and idempotent.
        evidence = set(g.objects(None, URIRef(MKG + "evidence")))
        selectors = {o for e in evidence for o in g.objects(e, URIRef(OA + "hasSelector"))}
        allowed = {n for n in evidence | selectors if isinstance(n, BNode)}
        stray = {n for t in g for n in t if isinstance(n, BNode)} - allowed
        assert stray == set()
        for node in allowed:  # each used once, by one claim or one piece of evidence
            assert len(list(g.subject_predicates(node))) == 1

    def test_every_resource_has_one_english_and_one_spanish_label(self, path):
        g = parse_file(path)
        bad = []
        for s in described(g):
            langs = sorted(lab.language or "" for lab in g.objects(s, RDFS.label))
            if langs != ["en", "es"]:
                bad.append((str(s), langs))
        assert bad == []

    def test_every_resource_cites_a_section_of_the_five_sources(self, path, graph):
        g = parse_file(path)
        bad = []
        for s in described(g):
            if any((s, RDF.type, t) in g for t in EXEMPT_TYPES):
                continue
            sections = list(g.objects(s, DCTERMS.source))
            if not sections:
                bad.append(f"{s}: no dcterms:source")
            for section in sections:
                document = graph.value(section, DCTERMS.isPartOf)
                if str(document) not in SOURCE_DOCUMENTS:
                    bad.append(f"{s}: {section} is not a section of the five sources")
        assert bad == []

    def test_literals_are_well_typed_and_dates_keep_their_precision(self, path):
        g = parse_file(path)
        bad = [(str(s), str(p), str(o)) for s, p, o in g if isinstance(o, Literal) and o.ill_typed]
        for prop in DATE_PROPERTIES:
            bad += [(str(s), str(prop), f"{o} ({o.datatype})") for s, o in g.subject_objects(prop)
                    if not isinstance(o, Literal) or o.datatype not in DATE_TYPES]
        assert bad == []


def test_every_source_document_names_its_text_beside_the_project(graph, seeds):
    # Each of the five documents names (mkg:seedFile) the plain-text copy its section locators follow.
    named = {str(o) for o in graph.objects(None, URIRef(MKG + "seedFile"))}
    assert len(named) == len(SOURCE_DOCUMENTS)
    assert named == {p.name for p in seeds.glob("*.txt")}


def test_translated_labels_are_marked_with_a_language(graph):
    marked = set(graph.objects(None, URIRef(MKG + "labelTranslatedInto")))
    assert marked <= {Literal("es"), Literal("en")}


def test_every_canonical_iri_in_the_conventions_exists(graph):
    # docs/data-conventions.md lists the IRIs to use when pointing at another file's resources;
    # a name there that the data does not define would send contributors to a dangling IRI.
    import re

    from rdflib import RDF, URIRef

    from migkg.store import NAMESPACES
    text = (resources.part("data").parent / "docs" / "data-conventions.md")
    if not text.exists():  # installed wheel: the docs are not packaged
        pytest.skip("docs/ is not part of an installed package")
    listed = re.findall(r"`((?:pe|int|cat|place):[a-z0-9-]+)`", text.read_text().split("## Canonical IRIs")[1])
    missing = [t for t in listed
               if (URIRef(NAMESPACES[t.split(":")[0]] + t.split(":")[1]), RDF.type, None) not in graph]
    assert len(listed) > 150 and missing == []

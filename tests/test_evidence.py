"""Evidence to the sentence: every quote of the graph is found, verbatim, in the section of the
source it cites (the plain-text copies beside the project), and the rules of migkg.evidence
catch what they should on a small document written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from migkg import evidence
from migkg.evidence import Documents, Quote, check, normalise, section_span
from migkg.graphstore import GraphStore

DOCUMENT = """# Heading One

The first section says that *foreign victims* are rarely identified.<sup>6</sup> It also says
that the plan exists.

<sup>&</sup>lt;sup>6</sup> A footnote says that the plan exists.

# Heading Two

The second section says ‘something else’ with a soft\u00adhyphen.
"""


@pytest.fixture()
def documents(tmp_path) -> Documents:
    (tmp_path / "doc.txt").write_text(DOCUMENT, encoding="utf-8")
    return Documents(tmp_path)


def quote(exact, start="# Heading One", end="the plan exists.", prefix=None, suffix=None, seed="doc.txt"):
    return Quote("claim", "section", exact, prefix, suffix, seed, start, end)


def test_normalise_ignores_layout_quotes_soft_hyphens_and_markdown():
    assert normalise("a  *b*\n c<sup>12</sup> \u2018d\u2019 e\u00adf \\_g") == "a b c 'd' ef _g"


def test_section_span_runs_from_its_start_words_to_its_end_words(documents):
    text = documents.text("doc.txt")
    begin, end = section_span(text, "# Heading Two", "hyphen.")
    assert text[begin:end] == "# Heading Two The second section says 'something else' with a softhyphen."
    begin, end = section_span(text, "# Heading One", "the plan exists.")  # the first end after the start
    assert text[begin:end].endswith("It also says that the plan exists.")
    assert section_span(text, "# Heading Three", "x") is None


def test_a_verbatim_quote_in_its_section_is_found(documents):
    assert check(quote("foreign victims are rarely identified."), documents) is None


def test_a_quote_with_edits_is_not_found(documents):
    missing = "not found verbatim in the cited section"
    assert check(quote("foreign victims are seldom identified."), documents) == missing
    assert check(quote("foreign victims ... identified."), documents) == "not found verbatim in the cited section"


def test_a_quote_from_another_section_is_reported_as_outside(documents):
    reason = check(quote("something else", start="# Heading One", end="rarely identified."), documents)
    assert reason == "found in the document but outside the cited section"


def test_typographic_quotes_and_soft_hyphens_do_not_matter(documents):
    assert check(quote("says 'something else' with a softhyphen", start="# Heading Two", end="hyphen."),
                 documents) is None


def test_words_found_twice_need_a_prefix_or_suffix(documents):
    assert "more than once" in check(quote("the plan exists."), documents)
    assert check(quote("the plan exists.", prefix="It also says that "), documents) is None
    reason = check(quote("the plan exists.", prefix="A footnote says that "), documents)  # the note's: after the span
    assert reason == "prefix + exact + suffix not found together in the cited section"
    reason = check(quote("the plan exists.", prefix="Nobody says that "), documents)
    assert reason == "prefix + exact + suffix not found together in the cited section"


def test_missing_anchors_and_documents_are_reasons(documents):
    assert "textStart" in check(quote("x", start=None), documents)
    assert "missing" in check(quote("x", seed="other.txt"), documents)
    assert "seedFile" in check(quote("x", seed=None), documents)


def test_quotes_are_read_from_the_graph(tmp_path):
    turtle = """
    @prefix mkg: <https://w3id.org/migkg/ontology#> . @prefix oa: <http://www.w3.org/ns/oa#> .
    @prefix dcterms: <http://purl.org/dc/terms/> .
    <urn:claim> mkg:evidence [ oa:hasSource <urn:section> ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "foreign victims are rarely identified." ] ] .
    <urn:section> dcterms:isPartOf <urn:doc> ; mkg:textStart "# Heading One" ; mkg:textEnd "plan exists." .
    <urn:doc> mkg:seedFile "doc.txt" .
    """
    (tmp_path / "graph.ttl").write_text(turtle, encoding="utf-8")
    store = GraphStore([tmp_path / "graph.ttl"], root=tmp_path)
    found = evidence.quotes(store)
    assert [(q.claim, q.section, q.seed) for q in found] == [("urn:claim", "urn:section", "doc.txt")]
    (tmp_path / "doc.txt").write_text(DOCUMENT, encoding="utf-8")
    assert evidence.misses(tmp_path, store) == []


def test_every_quote_of_the_graph_is_in_its_cited_section(seeds: Path):
    """Runs where the source documents are beside the project (required in CI)."""
    quotes = evidence.quotes()
    assert len(quotes) > 0
    misses = evidence.misses(seeds)
    assert [str(m) for m in misses] == []


def test_every_section_quoted_from_is_delimited_in_its_document(seeds: Path):
    documents = Documents(seeds)
    bad = []
    for q in {(q.section, q.seed, q.start, q.end) for q in evidence.quotes()}:
        section, seed, start, end = q
        text = documents.text(seed) if seed else None
        if not (text and start and end and section_span(text, start, end)):
            bad.append(section)
    assert sorted(bad) == []


def test_every_claim_has_evidence(migkg_cli):
    result = migkg_cli("query", "claim-without-evidence-violation", "--format", "csv")
    assert result.returncode == 0, result.stderr
    missing = result.stdout.strip().splitlines()[1:]
    assert missing == []


def test_resource_page_shows_the_quotes_with_their_sections():
    from starlette.testclient import TestClient

    from migkg.serve.app import create_app
    from migkg.serve.web import Settings

    claim = "/id/pe/referral-mre-to-mininter-asylum-seeker-victim-of-trafficking"
    words = ("if, for example, the Ministry of Foreign Affairs attends to an asylum seeker, it does not generally "
             "consider whether the person may also be a victim of human trafficking")  # Blouin & Button 2018
    with TestClient(create_app(Settings(), pool=None)) as client:
        page = client.get(claim, headers={"Accept": "text/html"})
        spanish = client.get(claim + "?lang=es", headers={"Accept": "text/html"})
        turtle = client.get(claim, headers={"Accept": "text/turtle"})
    assert page.status_code == 200
    evidence = page.text.split("<h2>Evidence: the words of the sources</h2>")[1].split("<h2>")[0]
    assert f"<q>{words}" in evidence
    assert 'href="/id/source/blouin-button-2018/fragmentation?lang=en"' in evidence
    assert "Key Problems: fragmentation of institutional mandates" in evidence
    assert "(blank node)" not in page.text
    assert "Evidencia: las palabras de las fuentes" in spanish.text and f"<q>{words}" in spanish.text
    assert "oa:exact" in turtle.text and words in turtle.text


def test_navigate_shows_each_claims_quotes(migkg_cli):
    import json

    words = "does not refer this person to the Ministry of the Interior"  # Blouin & Button 2018
    result = migkg_cli("navigate", "asylum-seeker", "victim-of-trafficking", "--format", "json")
    assert result.returncode == 0, result.stderr
    links = json.loads(result.stdout)["coordination"]["links"]
    wanted = "/referral-mre-to-mininter-asylum-seeker-victim-of-trafficking"
    referral = next(k for k in links if k["link"].endswith(wanted))
    assert any(words in q["quote"] and q["section"].endswith("/blouin-button-2018/fragmentation")
               for q in referral["evidence"])
    markdown = migkg_cli("navigate", "asylum-seeker", "victim-of-trafficking", "--format", "md").stdout
    assert any(line.startswith("  - > \u201c") and words in line and "fragmentation of institutional mandates" in line
               for line in markdown.splitlines())
    compact = migkg_cli("navigate", "asylum-seeker", "victim-of-trafficking", "--format", "md", "--no-evidence").stdout
    assert words not in compact and "  - > " not in compact

"""Evidence to the sentence: find each quoted piece of evidence (W3C Web Annotation
``oa:TextQuoteSelector``) in the plain-text copy of the document it cites, within the cited
section.

The sections are delimited in the data, not here: each ``mkg:SourceSection`` gives the words it
starts with (``mkg:textStart``) and ends with (``mkg:textEnd``) as they stand in the document's
plain-text copy (``mkg:seedFile``). A quote is found when its words occur between the two,
compared after :func:`normalise` (whitespace and line breaks, typographic quotes, soft hyphens,
and the Markdown marks the text copies carry: ``*`` emphasis, ``<sup>n</sup>`` note calls and
``\\`` escapes, which are the copy's markup and not the document's words).

Run it over the seeds to see every quote that is not found::

    python -m migkg.evidence ../shared/seeds
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

EVIDENCE_QUERY = """
PREFIX mkg: <https://w3id.org/migkg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?claim ?section ?exact ?prefix ?suffix ?seed ?start ?end WHERE {
  ?claim mkg:evidence ?evidence .
  ?evidence oa:hasSource ?section ; oa:hasSelector ?selector .
  ?selector oa:exact ?exact .
  OPTIONAL { ?selector oa:prefix ?prefix }
  OPTIONAL { ?selector oa:suffix ?suffix }
  OPTIONAL { ?section dcterms:isPartOf/mkg:seedFile ?seed }
  OPTIONAL { ?section mkg:textStart ?start }
  OPTIONAL { ?section mkg:textEnd ?end }
}
"""

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                         "\u00ad": None, "\u200b": None, "*": None, "\\": None})
_NOTE_CALL = re.compile(r"<sup>[^<]{0,12}</sup>")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The text as compared: one space for any run of white space, plain quotes, no soft hyphen,
    no Markdown emphasis, note call or escape."""
    return _SPACE.sub(" ", _NOTE_CALL.sub("", text).translate(_QUOTES)).strip()


@dataclass(frozen=True)
class Quote:
    claim: str
    section: str
    exact: str
    prefix: str | None
    suffix: str | None
    seed: str | None
    start: str | None
    end: str | None


@dataclass(frozen=True)
class Miss:
    quote: Quote
    reason: str

    def __str__(self) -> str:
        return f"{self.quote.claim}: {self.reason}: \u201c{self.quote.exact}\u201d ({self.quote.section})"


def quotes(store=None) -> list[Quote]:
    """Every piece of evidence in the graph (the project's graph when no store is given)."""
    if store is None:
        from migkg.graphstore import open_default

        store = open_default()
    table = store.select(EVIDENCE_QUERY, as_rdflib=False)
    found = []
    for row in table.rows:
        values = [None if term is None else term.value for term in row]
        found.append(Quote(*values))
    return sorted(found, key=lambda q: (q.claim, q.section, q.exact))


class Documents:
    """The normalised text of the seed files, read once each."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._texts: dict[str, str] = {}

    def text(self, seed: str) -> str | None:
        if seed not in self._texts:
            path = self.folder / seed
            self._texts[seed] = normalise(path.read_text(encoding="utf-8")) if path.is_file() else None
        return self._texts[seed]


def section_span(document: str, start: str, end: str) -> tuple[int, int] | None:
    """Where the section lies in the normalised document: from the first occurrence of its start
    words to the end of the first occurrence of its end words after them."""
    begin = document.find(normalise(start))
    if begin < 0:
        return None
    last = document.find(normalise(end), begin)
    if last < 0:
        return None
    return begin, last + len(normalise(end))


def check(quote: Quote, documents: Documents) -> str | None:
    """Why the quote is not found in its section, or None when it is."""
    if not quote.seed:
        return "the cited section's document has no mkg:seedFile"
    document = documents.text(quote.seed)
    if document is None:
        return f"the document's text {quote.seed} is missing"
    if not quote.start or not quote.end:
        return "the cited section has no mkg:textStart/mkg:textEnd"
    span = section_span(document, quote.start, quote.end)
    if span is None:
        return "the cited section's start or end words are not in the document"
    exact = normalise(quote.exact)
    if not exact:
        return "the quote is empty"
    section = document[span[0]:span[1]]
    if exact not in section:
        return "not found verbatim in the cited section" if exact not in document else \
            "found in the document but outside the cited section"
    if document.count(exact) > 1 and not (quote.prefix or quote.suffix):
        return "the words occur more than once in the document: give oa:prefix or oa:suffix"
    if quote.prefix or quote.suffix:
        whole = normalise(f"{quote.prefix or ''}{quote.exact}{quote.suffix or ''}")
        if whole not in section:
            return "prefix + exact + suffix not found together in the cited section"
    return None


def misses(folder: Path, store=None) -> list[Miss]:
    """Every quote of the graph that is not found in its cited section."""
    documents = Documents(folder)
    result = []
    for quote in quotes(store):
        reason = check(quote, documents)
        if reason:
            result.append(Miss(quote, reason))
    return result


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m migkg.evidence SEEDS_FOLDER", file=sys.stderr)
        return 2
    problems = misses(Path(args[0]))
    for miss in problems:
        print(miss)
    print(f"{len(quotes())} quotes, {len(problems)} not found", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

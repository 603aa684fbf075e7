"""One language's page: its texts, the query rows it reads and the source links of everything
it shows. The parts of the page are made from it by ``sections`` (declared tables) and
``specials`` (the parts with a layout of their own)."""

from __future__ import annotations

from collections import defaultdict

from migkg.report.common import ReportError, natural_key, records, slug, split
from migkg.report.sections import Block, Declarations, fill_in

DCTERMS = "http://purl.org/dc/terms/"
MKG = "https://w3id.org/migkg/ontology#"


class Page:
    """Everything one language's pages show, built from the graph and the query results."""

    def __init__(self, inputs, declarations: Declarations, lang: str, country: dict, facts: dict):
        self.inputs = inputs
        self.declarations = declarations
        self.lang = lang
        self.facts = facts
        self.country = country
        self.values = {"country": country["names"][lang], "dataset": country["dataset"][lang],
                       "assessment": country["assessments"][lang]}
        self.t = {key: self.fill(texts[lang]) for key, texts in declarations.texts.items()}
        self.words = declarations.words.get(lang, {})
        self.queries = {q.name: q for q in inputs.queries}
        self.memo: dict[str, object] = {}
        self._documents()

    def fill(self, value: str) -> str:
        return fill_in(value, self.values)

    def rows(self, name: str, block: Block | None = None) -> list:
        """The rows of a saved query in this page's language. A block reads only the queries it
        declares (``block=None``: the page itself, for the key figures and the sources)."""
        if block is not None and name not in block.queries and not block.spec.get("queries-tagged"):
            raise ReportError(f"{block.where}: reads query {name}, which its declaration does not name")
        if name not in self.inputs.results:
            raise ReportError(f"{block.where if block else 'report'}: no saved query {name!r}")
        where = f"{block.where if block else 'report'}, query {name}"
        return records(self.inputs.result(name, self.lang), where)

    def once(self, key: str, make):
        """A value shared by several parts of the page (the overlaps, the mandate matrix)."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    # sources

    def _documents(self) -> None:
        """Source documents (with anchors) and, for every resource, the sections it cites."""
        g = self.inputs
        documents: dict[str, dict] = {}
        self.section_doc: dict[str, str] = {}
        self.cited: dict[str, list[str]] = defaultdict(list)
        for row in self.rows(self.declarations.provenance):
            doc = row["document"]
            if doc not in documents:
                documents[doc] = {
                    "iri": doc, "anchor": "doc-" + slug(doc),
                    "label": row["documentLabel"] or g.label(doc, self.lang),
                    "citation": g.value(doc, MKG + "citationText", None),
                    "title": g.value(doc, DCTERMS + "title", None),
                    "issued": g.value(doc, DCTERMS + "issued", None),
                }
            section = g.label(row["section"], self.lang)
            self.section_doc[section] = documents[doc]["anchor"]
            if section not in self.cited[row["resource"]]:
                self.cited[row["resource"]].append(section)
        for resource in self.cited:
            self.cited[resource].sort(key=natural_key)
        self.documents = sorted(documents.values(), key=lambda d: natural_key(d["label"]))

    def evidence_of(self, resource: str) -> list[dict]:
        """The resource's evidence: each quote (``quote``) with its section as a source link."""
        quotes = self.once("evidence", self._quotes)
        return quotes.get(resource, [])

    def _quotes(self) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = defaultdict(list)
        for row in self.rows(self.declarations.evidence):
            section = self.inputs.label(row["section"], self.lang)
            found[row["resource"]].append({**self.source(section), "quote": row["quote"]})
        for quotes in found.values():
            quotes.sort(key=lambda q: natural_key(q["text"]) + (q["quote"],))
        return found

    def sources_of(self, resource: str) -> list[dict]:
        return [self.source(s) for s in self.cited.get(resource, [])]

    def source(self, section_label: str) -> dict:
        return {"text": section_label, "anchor": self.section_doc.get(section_label, "")}

    def sources_cell(self, value: str) -> list[dict]:
        return [self.source(s) for s in split(value)]

    # words

    def yes_no(self, value: str) -> str:
        if value in ("true", "1"):
            return self.t["yes"]
        if value in ("false", "0"):
            return self.t["no"]
        return value

    def word(self, value: str) -> str:
        return self.words.get(value, value)

    def query_summary(self, name: str) -> str:
        return self.queries[name].summary if name in self.queries else name

"""`migkg report`: the report people read, built from the graph.

Steps: load the ontology and data, run the whole saved query catalogue in English and Spanish,
draw four pictures (matplotlib SVG, networkx layout) and write the pages (Jinja2 templates in
migkg/templates/), while OWL RL reasoning, SHACL validation and the ontology documentation
(pyLODE) run beside it in worker processes (``migkg.workers``): on two cores the report takes
about as long as its slowest step.

Written into a new folder beside the target, which then replaces the previous report in one
rename: an interrupted or failed run leaves the previous report as it was. The same graph
gives the same bytes: nothing depends on the time, and everything is sorted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS
from rich.console import Console

from migkg import __version__
from migkg.errors import MigkgError
from migkg.report_text import COLUMNS, QUERY_TITLES_ES, UI, VALUE_ES

MKG = "https://w3id.org/migkg/ontology#"
LANGS = ("en", "es")
MARKER = ".migkg-report"
FIGURES = ("overlap-matrix", "mandate-matrix", "coordination-network", "instrument-timeline")
GAP_QUERIES = (  # the catalogue's gap-finding queries shown under "Gaps the queries find", in this order
    "referral-pathways", "mechanisms-without-information-exchange", "categories-outside-coordination",
    "excluded-institutions", "categories-without-national-plan", "plans-without-indicators",
    "not-operative-for-lack-of-regulation", "unpublished-instruments", "crisis-plans-ignoring-migrants",
    "registries-not-cross-linked",
)
WORKER_TIMEOUT = 900.0
_NETWORK_WORDS = re.compile(r"\b(SERVICE|FROM|LOAD)\b", re.IGNORECASE)
_NOT_KEYWORDS = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")


class ReportError(MigkgError):
    """The report cannot be written."""


@dataclass
class ReportResult:
    index: Path
    files: list[str]
    bytes: int
    triples: int
    inferred: int
    consistent: bool
    conforms: bool
    violations: int
    warnings: int
    overlaps: int
    gaps: int
    empty_cells: int
    cells: int


# --- small helpers -----------------------------------------------------------------------

def natural_key(text: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text))


def wrap_text(value: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(value, width=width, break_long_words=False)) or value


def text(term) -> str:
    return "" if term is None else " ".join(str(term).split())


def split(value: str) -> list[str]:
    """A GROUP_CONCAT(...; separator="; ") cell as a sorted list (its order is the engine's)."""
    return sorted({part.strip() for part in (value or "").split("; ") if part.strip()}, key=natural_key)


class Row(dict):
    """A result row as text; a column the query does not (or no longer) have reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


def records(table) -> list[Row]:
    return [Row({var: text(row[i]) for i, var in enumerate(table.variables)}) for row in table.rows]


def slug(iri: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]).strip("-").lower() or "x"


def decimal_year(value: str) -> float | None:
    match = re.match(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value or "")
    if not match:
        return None
    year, month, day = int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)
    if not month:
        return float(year)
    return year + (month - 1) / 12 + (max(day, 1) - 1) / 365


def cell_text(value) -> str:
    if isinstance(value, str):
        return value
    return "; ".join(v["text"] if isinstance(v, dict) else str(v) for v in value)


def row_key(row: list) -> tuple:
    return tuple(natural_key(cell_text(value)) for value in row)


@dataclass
class Table:
    """A table for the pages: cells are text or lists of text (sources, members)."""

    id: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    query: str = ""

    def sort(self, lead=None) -> "Table":
        """Rows in a fixed order whatever the engine's order of ties: ``lead(row)`` first (the
        order the query asks for), then every cell."""
        self.rows.sort(key=lambda row: ((lead(row) if lead else ()), row_key(row)))
        return self


# --- the graph and the query catalogue -------------------------------------------------------

class ReportData:
    """The loaded graph, the query results in both languages, and label look-ups."""

    def __init__(self, kg, results: dict[str, dict[str, object]]):
        self.kg = kg
        self.g = kg.graph
        self.results = results

    def rows(self, name: str, lang: str) -> list[dict[str, str]]:
        by_lang = self.results[name]
        return records(by_lang[lang] if lang in by_lang else by_lang[""])

    def label(self, node, lang: str) -> str:
        fallback = ""
        for value in sorted(self.g.objects(URIRef(node) if isinstance(node, str) else node, RDFS.label), key=str):
            if isinstance(value, Literal):
                if value.language == lang:
                    return text(value)
                if value.language == "en" or not fallback:
                    fallback = text(value)
        return fallback or str(node)

    def value(self, node: str, prop: str, lang: str | None = "en") -> str:
        for value in sorted(self.g.objects(URIRef(node), URIRef(prop)), key=str):
            if lang is None or getattr(value, "language", None) in (lang, None):
                return text(value)
        return ""

    def acronym(self, node: str) -> str:
        return self.value(node, MKG + "acronym", None)


def run_catalogue(store, progress=None) -> tuple[list, dict[str, dict[str, object]]]:
    """Every saved query, with its parameters' defaults; the ones with a ``lang`` parameter in
    English and in Spanish (key ``""`` for the others)."""
    from migkg import sparql
    from migkg.queries import catalogue

    queries = catalogue()
    results: dict[str, dict[str, object]] = {}
    for query in queries:
        langs = LANGS if any(p.name == "lang" for p in query.params) else ("",)
        results[query.name] = {}
        # A query in which no SERVICE, FROM or LOAD word appears outside IRIs, strings and comments
        # cannot fetch; only the others go through sparql's full check, which parses the query with
        # rdflib (about 0.15 s a query). The process refuses network connections all the same.
        cannot_fetch = not _NETWORK_WORDS.search(_NOT_KEYWORDS.sub(" ", query.text))
        for lang in langs:
            given = {"lang": lang} if lang else {}
            results[query.name][lang] = sparql.run_oxigraph(store, query.text, query.bindings(given),
                                                            allow_network=cannot_fetch)
        if progress:
            progress()
    return queries, results


# --- pages ------------------------------------------------------------------------------------

class Page:
    """Everything one language's pages show, built from the graph and the query results."""

    def __init__(self, graph: ReportData, lang: str, facts: dict, queries: list):
        self.G = graph
        self.lang = lang
        self.t = UI[lang]
        self.c = COLUMNS[lang]
        self.facts = facts
        self.queries = {q.name: q for q in queries}
        self._documents()

    # sources

    def _documents(self) -> None:
        """Source documents (with anchors) and, for every resource, the sections it cites."""
        g = self.G
        documents: dict[str, dict] = {}
        self.section_doc: dict[str, str] = {}
        self.cited: dict[str, list[str]] = defaultdict(list)
        for row in g.rows("provenance", self.lang):
            doc = row["document"]
            if doc not in documents:
                documents[doc] = {
                    "iri": doc, "anchor": "doc-" + slug(doc), "label": row["documentLabel"] or g.label(doc, self.lang),
                    "citation": g.value(doc, MKG + "citationText", None),
                    "title": g.value(doc, str(DCTERMS.title), None),
                    "issued": g.value(doc, str(DCTERMS.issued), None),
                }
            section = g.label(row["section"], self.lang)
            self.section_doc[section] = documents[doc]["anchor"]
            if section not in self.cited[row["resource"]]:
                self.cited[row["resource"]].append(section)
        for resource in self.cited:
            self.cited[resource].sort(key=natural_key)
        self.documents = sorted(documents.values(), key=lambda d: natural_key(d["label"]))

    def sources_of(self, resource: str) -> list[dict]:
        return [self.source(s) for s in self.cited.get(resource, [])]

    def source(self, section_label: str) -> dict:
        return {"text": section_label, "anchor": self.section_doc.get(section_label, "")}

    def sources_cell(self, value: str) -> list[dict]:
        return [self.source(s) for s in split(value)]

    def yes_no(self, value: str) -> str:
        if value in ("true", "1"):
            return self.t["yes"]
        if value in ("false", "0"):
            return self.t["no"]
        return value

    def word(self, value: str) -> str:
        return VALUE_ES.get(value, value) if self.lang == "es" else value

    def query_title(self, name: str) -> str:
        if self.lang == "es" and name in QUERY_TITLES_ES:
            return QUERY_TITLES_ES[name]
        return self.queries[name].summary if name in self.queries else name

    # overlaps

    def overlaps(self) -> list[dict]:
        g, lang = self.G, self.lang
        protective = {r["situation"]: r for r in g.rows("less-protective-category-applied", lang)}
        situations: dict[str, dict] = {}
        for row in g.rows("overlapping-categories", lang):
            iri = row["situation"]
            s = situations.setdefault(iri, {
                "iri": iri, "anchor": "overlap-" + slug(iri), "label": row["situationLabel"] or g.label(iri, lang),
                "categories": [], "place": row["placeLabel"], "start": row["start"], "end": row["end"],
                "persons": row["persons"], "applied": row["appliedLabel"], "responsible": {}, "referrals": set(),
                "mechanisms": set(), "pairs": [],
            })
            for cat, label, resp in (("categoryA", "categoryALabel", "responsibleForA"),
                                     ("categoryB", "categoryBLabel", "responsibleForB")):
                name = row[label] or g.label(row[cat], lang)
                if name not in s["categories"]:
                    s["categories"].append(name)
                s["responsible"][name] = split(row[resp])
            s["pairs"].append((row["categoryA"], row["categoryB"]))
            s["referrals"].update(split(row["referralPathways"]))
            s["mechanisms"].update(split(row["sharedMechanisms"]))
        out = []
        for iri, s in situations.items():
            p = protective.get(iri, {})
            s["categories"].sort(key=natural_key)
            s["responsible"] = [(name, s["responsible"][name]) for name in s["categories"]]
            s["referrals"] = sorted(s["referrals"], key=natural_key)
            s["mechanisms"] = sorted(s["mechanisms"], key=natural_key)
            s["set_aside"] = p.get("setAsideLabel", "")
            s["applied"] = s["applied"] or p.get("appliedLabel", "")
            s["less_protective"] = p.get("lessProtective") == "true"
            s["state_response"] = p.get("stateResponse") or g.value(iri, MKG + "stateResponse")
            s["consequence"] = p.get("consequence") or g.value(iri, MKG + "consequence")
            s["population"] = g.value(iri, MKG + "populationDescription")
            s["period"] = " – ".join(v for v in (s["start"], s["end"]) if v)
            s["sources"] = self.sources_of(iri)
            out.append(s)
        out.sort(key=lambda s: natural_key(s["label"]) + (s["iri"],))
        for number, s in enumerate(out, start=1):
            s["number"] = number
        return out

    def overlap_matrix(self, overlaps: list[dict]):
        from migkg.figures import OverlapMatrix

        g, lang, t = self.G, self.lang, self.t
        pairs: dict[tuple[str, str], dict] = defaultdict(lambda: {"situations": [], "persons": 0, "unknown": 0,
                                                                  "cases": set(), "sources": set()})

        def short(sources: list[dict]) -> set[str]:
            """The documents, as their sections name them ("Blouin & Button 2018, footnote 37")."""
            return {src["text"].split(", ")[0] for src in sources if src["text"]}

        names: dict[str, str] = {}
        for s in overlaps:
            for a, b in s["pairs"]:
                names[a], names[b] = g.label(a, lang), g.label(b, lang)
                cell = pairs[tuple(sorted((a, b)))]
                if s["number"] not in cell["situations"]:
                    cell["situations"].append(s["number"])
                    cell["sources"] |= short(s["sources"])
                    if s["persons"].isdigit():
                        cell["persons"] += int(s["persons"])
                    else:
                        cell["unknown"] += 1
        for row in g.rows("case-level-overlaps", lang):
            a, b = row["categoryA"], row["categoryB"]
            if not a or not b or a == b:
                continue
            names[a], names[b] = row["categoryALabel"] or g.label(a, lang), row["categoryBLabel"] or g.label(b, lang)
            cell = pairs[tuple(sorted((a, b)))]
            cell["cases"].add(row["person"])
            cell["sources"] |= short(self.sources_of(row["person"]))
        order = sorted(names, key=lambda iri: natural_key(names[iri]) + (iri,))
        index = {iri: i for i, iri in enumerate(order)}
        m = OverlapMatrix(categories=[names[iri] for iri in order], title=t["fig_overlap"],
                          empty_note=t["fig_overlap_empty"])
        for (a, b), cell in sorted(pairs.items()):
            lines = []
            if cell["situations"]:
                lines.append("[" + ", ".join(str(n) for n in cell["situations"]) + "]")
                if cell["persons"]:
                    lines.append(f"{cell['persons']} {t['persons']}")
                if cell["unknown"]:
                    lines.append(t["persons_unknown"])
            if cell["cases"]:
                n = len(cell["cases"])
                lines.append(f"{n} {t['case_record'] if n == 1 else t['case_records']}")
            lines += [wrap_text(src, 22) for src in sorted(cell["sources"], key=natural_key)]
            weight = len(cell["situations"]) + len(cell["cases"])
            for i, j in ((index[a], index[b]), (index[b], index[a])):
                m.cells[(i, j)] = lines
                m.weight[(i, j)] = weight
        return m

    def case_overlaps(self) -> Table:
        c = self.c
        table = Table("case-level-overlaps", self.t["case_overlaps"],
                      [c["person"], c["category_a"], c["start"], c["end"], c["category_b"], c["start"], c["end"],
                       c["handled_by"], c["referral_made"]], query="case-level-overlaps")
        for r in self.G.rows("case-level-overlaps", self.lang):
            table.rows.append([self.G.label(r["person"], self.lang), r["categoryALabel"], r["startA"], r["endA"],
                               r["categoryBLabel"], r["startB"], r["endB"], split(r["handledBy"]),
                               self.yes_no(r["referralMade"])])
        return table.sort()

    def status_eligibility(self) -> Table:
        c = self.c
        table = Table("overlapping-status-eligibility", self.t["status_eligibility"],
                      [c["category"], c["status"], c["grantor"], c["operative"], c["state"], c["sources"]],
                      query="overlapping-status-eligibility")
        for r in self.G.rows("overlapping-status-eligibility", self.lang):
            table.rows.append([r["categoryLabel"], r["statusLabel"], r["grantorLabel"], self.yes_no(r["operative"]),
                               r["stateLabel"], self.sources_cell(r["sources"])])
        return table.sort()

    # gaps

    def gaps(self) -> list[dict]:
        g, lang = self.G, self.lang
        kinds: dict[str, dict] = {}
        for r in g.rows("documented-gaps", lang):
            kind = kinds.setdefault(r["kind"], {"iri": r["kind"], "label": r["kindLabel"] or g.label(r["kind"], lang),
                                                "gaps": {}})
            if r["gap"] in kind["gaps"]:
                continue
            kind["gaps"][r["gap"]] = {
                "iri": r["gap"], "anchor": "gap-" + slug(r["gap"]), "label": r["gapLabel"] or g.label(r["gap"], lang),
                "statement": r["statement"], "about": split(r["about"]), "categories": split(r["categories"]),
                "sources": self.sources_of(r["gap"]) or self.sources_cell(r["sources"]),
            }
        out = []
        for kind in kinds.values():
            kind["gaps"] = sorted(kind["gaps"].values(), key=lambda x: natural_key(x["label"]) + (x["iri"],))
            out.append(kind)
        out.sort(key=lambda k: natural_key(k["label"]) + (k["iri"],))
        return out

    def found_gaps(self) -> list[Table]:
        g, lang, c, yn = self.G, self.lang, self.c, self.yes_no
        tables = []
        for name in GAP_QUERIES:
            if name not in g.results:
                continue
            rows = g.rows(name, lang)
            src = lambda r: self.sources_cell(r.get("sources", ""))  # noqa: E731
            if name == "referral-pathways":
                cols = [c["from"], c["to"], c["handled_as"], c["referred_as"], c["status"], c["note"], c["sources"]]
                cells = [[r["fromLabel"], r["toLabel"], r["handledAsLabel"], r["referredLabel"], r["statusLabel"],
                          r["note"], src(r)] for r in rows]
            elif name == "mechanisms-without-information-exchange":
                cols = [c["mechanism_a"], c["mechanism_b"], c["status"], c["sources"]]
                cells = [[r["mechanismALabel"], r["mechanismBLabel"], self.word(r["status"]), src(r)] for r in rows]
            elif name == "categories-outside-coordination":
                cols = [c["category"], c["documented"], c["outside_of"], c["sources"]]
                cells = [[r["categoryLabel"], yn(r["documented"]), split(r["explicitlyOutsideOf"]), src(r)]
                         for r in rows]
            elif name == "excluded-institutions":
                cols = [c["institution"], c["framework"], c["category"], c["consequence"], c["sources"]]
                cells = [[r["institutionLabel"], r["frameworkLabel"], r["categoryLabel"], r["consequence"], src(r)]
                         for r in rows]
            elif name == "categories-without-national-plan":
                cols = [c["category"], c["documented"], c["statement"], c["sources"]]
                cells = [[r["categoryLabel"], yn(r["documented"]), r["statement"], src(r)] for r in rows]
            elif name == "plans-without-indicators":
                cols = [c["plan"], c["documented"], c["sources"]]
                cells = [[r["instrumentLabel"], yn(r["documented"]), src(r)] for r in rows]
            elif name == "not-operative-for-lack-of-regulation":
                cols = [c["created"], c["instrument"], c["operative"], c["sources"]]
                cells = [[r["createdLabel"], " ".join(filter(None, [r["instrumentLabel"]])), yn(r["operative"]), src(r)]
                         for r in rows]
            elif name == "unpublished-instruments":
                cols = [c["instrument"], c["state"], c["approver"], c["issuer"], c["sources"]]
                cells = [[r["instrumentLabel"], r["stateLabel"], r["approvedById"], r["issuerLabel"], src(r)]
                         for r in rows]
            elif name == "crisis-plans-ignoring-migrants":
                cols = [c["plan"], c["responsible"], c["sources"]]
                cells = [[r["planLabel"], split(r["responsible"]), src(r)] for r in rows]
            elif name == "registries-not-cross-linked":
                cols = [c["registry_a"], c["keeper_a"], c["registry_b"], c["keeper_b"], c["status"],
                        c["not_disaggregated"], c["sources"]]
                cells = [[r["registryALabel"], r["keeperALabel"], r["registryBLabel"], r["keeperBLabel"],
                          r["statusLabel"], split(r["notDisaggregatedBy"]), src(r)] for r in rows]
            else:  # pragma: no cover - every name above is handled
                continue
            lead = {"referral-pathways": lambda row: (natural_key(row[4]),),
                    "mechanisms-without-information-exchange": lambda row: (natural_key(row[2]),)}.get(name)
            tables.append(Table(name, self.query_title(name), cols, cells, query=name).sort(lead))
        return tables

    # mandates

    def mandates(self):
        """The mandate matrix (figure data), the keys of the institutions, and the mandates table."""
        from migkg.figures import MandateMatrix

        g, lang, t, c = self.G, self.lang, self.t, self.c
        coverage = g.rows("coverage-matrix", lang)
        mandated: dict[tuple[str, str], set[str]] = defaultdict(set)
        table = Table("mandates", self.query_title("mandates"),
                      [c["institution"], c["function"], c["category"], c["legal_basis"], c["sources"]], query="mandates")
        for r in g.rows("mandates", lang):
            mandated[(r["category"], r["function"])].add(r["institution"])
            table.rows.append([r["institutionLabel"], r["functionLabel"], r["categoryLabel"],
                               r["legalBasisId"] or g.label(r["legalBasis"], lang) if r["legalBasis"] else "",
                               self.sources_cell(r["sources"])])
        table.sort()
        categories: dict[str, str] = {}
        functions: dict[str, str] = {}
        for r in coverage:
            categories[r["category"]] = r["categoryLabel"] or g.label(r["category"], lang)
            functions[r["function"]] = r["functionLabel"] or g.label(r["function"], lang)
        rows = sorted(categories, key=lambda iri: natural_key(categories[iri]) + (iri,))
        cols = sorted(functions, key=lambda iri: natural_key(functions[iri]) + (iri,))
        institutions = sorted({i for v in mandated.values() for i in v},
                              key=lambda iri: natural_key(g.label(iri, lang)) + (iri,))
        keys: dict[str, str] = {}
        used: set[str] = set()
        numbered = 0
        for iri in institutions:
            key = g.acronym(iri)
            if not key or key in used or len(key) > 14:
                numbered += 1
                key = f"I{numbered}"
            used.add(key)
            keys[iri] = key
        m = MandateMatrix(categories=[categories[i] for i in rows], functions=[functions[i] for i in cols],
                          cells={}, title=t["fig_mandates"], gap_word=t["gap_word"],
                          legend_mandated=t["legend_mandated"], legend_gap=t["legend_gap"])
        gaps = 0
        for r in coverage:
            ri, ci = rows.index(r["category"]), cols.index(r["function"])
            members = sorted(mandated.get((r["category"], r["function"]), set()), key=lambda iri: keys[iri])
            if r["gap"] == "true" or not members:
                gaps += 1
                if members:  # the query and the mandates disagree: show what is there
                    m.cells[(ri, ci)] = [keys[i] for i in members]
            else:
                m.cells[(ri, ci)] = [keys[i] for i in members]
        legend = sorted(((keys[i], g.label(i, lang)) for i in institutions), key=lambda kv: natural_key(kv[0]))
        return m, legend, table, gaps, len(coverage)

    # coordination

    def network(self):
        from migkg.figures import Network

        g, lang, t = self.G, self.lang, self.t
        nodes: dict[str, tuple[str, str, str]] = {}

        def node(iri: str) -> str:
            if iri not in nodes:
                is_mechanism = (URIRef(iri), RDF.type, URIRef(MKG + "CoordinationMechanism")) in g.g
                name = g.acronym(iri) or g.label(iri, lang)
                nodes[iri] = (iri, name, "mechanism" if is_mechanism else "institution")
            return iri

        edges = set()
        for row in g.rows("coordination-mechanisms", lang):
            node(row["mechanism"])
        for mechanism, member, role, parent in self.facts["memberships"]:
            if member:
                kind = "chair" if role in (MKG + "ChairRole", MKG + "CoordinatorRole") else "member"
                edges.add((node(member), node(mechanism), kind, ""))
            if parent:
                edges.add((node(mechanism), node(parent), "part", ""))
        statuses = {MKG + "LinkPresent": "present", MKG + "LinkPartial": "partial", MKG + "LinkUnclear": "unclear",
                    MKG + "LinkAbsent": "absent"}
        kinds = {MKG + "ReferralPathway": "referral", MKG + "InformationExchange": "exchange",
                 MKG + "InstitutionalLink": "link"}
        for link_type, source, target, status in self.facts["links"]:
            if link_type in kinds:
                edges.add((node(source), node(target), kinds[link_type], statuses.get(status, "unclear")))
        legend = {k: t["net_" + k] for k in ("mechanism", "institution", "chair", "member", "part", "present",
                                             "partial", "unclear", "absent")}
        return Network(nodes=sorted(nodes.values()), edges=sorted(edges), title=t["fig_network"], legend=legend)

    def mechanisms(self) -> Table:
        c = self.c
        table = Table("coordination-mechanisms", self.query_title("coordination-mechanisms"),
                      [c["mechanism"], c["chair"], c["participants"], c["members"], c["in_scope"], c["out_of_scope"],
                       c["sources"]], query="coordination-mechanisms")
        for r in self.G.rows("coordination-mechanisms", self.lang):
            members = r["memberCount"] + (f" (+{r['observerCount']})" if r["observerCount"] else "")
            table.rows.append([r["mechanismLabel"], split(r["chair"]), split(r["participants"]), members,
                               split(r["inScope"]), split(r["outOfScope"]), self.sources_cell(r["sources"])])
        return table.sort()

    # instruments

    def instruments(self):
        from migkg.figures import Timeline

        g, lang, t, c = self.G, self.lang, self.t, self.c
        dated = []
        undated = []
        for r in g.rows("instruments-as-of", lang):
            year = decimal_year(r["adopted"])
            name = r["instrumentId"] or r["instrumentLabel"]
            if len(name) > 70:
                name = name[:67].rstrip() + "…"
            domestic = any(str(o).endswith("/place/peru") for o in g.g.objects(URIRef(r["instrument"]),
                                                                               URIRef(MKG + "jurisdiction")))
            domestic = domestic or str(r["instrument"]).startswith("https://w3id.org/migkg/id/pe/")
            entry = (year, name, "domestic" if domestic else "international", r["adopted"], r["instrument"])
            (dated if year is not None else undated).append(entry)
        dated.sort(key=lambda e: (e[0], natural_key(e[1]), e[4]))
        position = {e[4]: i for i, e in enumerate(dated)}
        lineage = Table("instrument-lineage", self.query_title("instrument-lineage"),
                        [c["instrument"], c["relation"], c["target"], c["sources"]], query="instrument-lineage")
        links = set()
        for r in g.rows("instrument-lineage", lang):
            lineage.rows.append([" — ".join(filter(None, [r["instrumentId"], r["instrumentLabel"]])),
                                 self.word(r["relation"]),
                                 " — ".join(filter(None, [r["targetId"], r["targetLabel"]])),
                                 self.sources_cell(r["sources"])])
            source = r["instrument"]
            parent = g.value(source, "http://data.europa.eu/eli/ontology#is_part_of", None)
            if source not in position and parent in position:
                source = parent  # an article acts for its instrument on the timeline
            if source in position and r["target"] in position and source != r["target"]:
                links.add((position[source], position[r["target"]], r["relation"]))
        timeline = Timeline(
            items=[(e[0], e[1], e[2], e[3]) for e in dated], links=sorted(links), title=t["fig_timeline"],
            kinds={"domestic": ("#2b6cb0", t["tl_domestic"]), "international": ("#1e8449", t["tl_international"])},
            relation_label=t["tl_relation"])
        undated_names = sorted({e[1] for e in undated}, key=natural_key)
        table = Table("instruments-as-of", self.query_title("instruments-as-of"),
                      [c["id"], c["instrument"], c["adopted"], c["published"], c["state"], c["issuer"], c["sources"]],
                      query="instruments-as-of")
        for r in g.rows("instruments-as-of", lang):
            table.rows.append([r["instrumentId"], r["instrumentLabel"], r["adopted"], r["published"], r["stateLabel"],
                               r["issuerLabel"], self.sources_cell(r["sources"])])
        by_instrument = Table("categories-by-instrument", self.query_title("categories-by-instrument"),
                              [c["category"], c["instrument"], c["article"], c["sources"]],
                              query="categories-by-instrument")
        for r in g.rows("categories-by-instrument", lang):
            by_instrument.rows.append([r["categoryLabel"], " — ".join(filter(None, [r["instrumentId"],
                                                                                   r["instrumentLabel"]])),
                                       r["article"], self.sources_cell(r["sources"])])
        windows = Table("application-windows", self.query_title("application-windows"),
                        [c["status"], c["grantor"], c["operative"], c["residence"], c["nationality"], c["window"],
                         c["deadline"], c["eligible"], c["sources"]], query="application-windows")
        for r in g.rows("application-windows", lang):
            windows.rows.append([r["statusLabel"], r["grantorLabel"], self.yes_no(r["operative"]),
                                 self.yes_no(r["grantsResidence"]), r["nationalityLabel"],
                                 " ".join(filter(None, [r["windowNumber"], r["window"], r["windowBasisId"]])),
                                 r["entryDeadline"], split(r["eligible"]), self.sources_cell(r["sources"])])
        lineage.sort()
        table.sort(lambda row: (decimal_year(row[2]) if decimal_year(row[2]) is not None else float("inf"),))
        by_instrument.sort()
        windows.sort()
        return timeline, undated_names, [lineage, table, by_instrument, windows]

    # statistics, conventions, capacity building, MGI

    def statistics(self) -> list[Table]:
        g, lang, c = self.G, self.lang, self.c
        stats = Table("statistics-by-category", self.query_title("statistics-by-category"),
                      [c["category"], c["phenomenon"], c["value"], c["unit"], c["period"], c["place"], c["registry"],
                       c["reporter"], c["sources"]], query="statistics-by-category")
        for r in g.rows("statistics-by-category", lang):
            value = " ".join(filter(None, [r["qualifierLabel"], r["value"]]))
            period = " – ".join(dict.fromkeys(v for v in (r["periodStart"], r["periodEnd"]) if v))
            stats.rows.append([r["categoryLabel"], r["phenomenon"], value, r["unitLabel"], period, r["placeLabel"],
                               r["registryLabel"], r["reporterLabel"], self.sources_cell(r["sources"])])
        return [stats.sort()]

    def conventions(self) -> Table:
        c = self.c
        table = Table("conventions-ratification", self.query_title("conventions-ratification"),
                      [c["instrument"], c["adopted"], c["status"], c["year"], c["sources"]],
                      query="conventions-ratification")
        for r in self.G.rows("conventions-ratification", self.lang):
            table.rows.append([r["instrumentLabel"], r["adopted"], r["statusLabel"], r["year"],
                               self.sources_cell(r["sources"])])
        return table.sort(lambda row: (natural_key(row[2]),))

    def capacity(self) -> list[Table]:
        c, t = self.c, self.t
        actions = Table("capacity-building-actions", self.query_title("capacity-building-actions"),
                        [c["action"], c["period"], c["countries"], c["themes"], c["partners"], c["experts"],
                         c["outputs"], c["sources"]], query="capacity-building-actions")
        for r in self.G.rows("capacity-building-actions", self.lang):
            period = " – ".join(filter(None, [r["start"], r["end"] or (t["ongoing"] if r["ongoing"] == "true" else "")]))
            actions.rows.append([r["actionLabel"], period, split(r["countries"]), split(r["themes"]),
                                 split(r["partners"]), split(r["expertsFrom"]), split(r["outputs"]),
                                 self.sources_cell(r["sources"])])
        adopted = Table("capacity-building-outputs-adopted", self.query_title("capacity-building-outputs-adopted"),
                        [c["action"], c["output"], c["adopted_as"], c["approver"], c["sources"]],
                        query="capacity-building-outputs-adopted")
        for r in self.G.rows("capacity-building-outputs-adopted", self.lang):
            adopted.rows.append([r["actionLabel"], r["outputLabel"],
                                 " — ".join(filter(None, [r["adoptedAsId"], r["adoptedAsLabel"]])), r["approverLabel"],
                                 self.sources_cell(r["sources"])])
        return [actions.sort(lambda row: (natural_key(row[1]),)), adopted.sort()]

    def mgi(self) -> list[dict]:
        domains: dict[str, dict] = {}
        for r in self.G.rows("mgi-findings-by-domain", self.lang):
            d = domains.setdefault(r["domainNumber"] + "|" + r["domainLabel"],
                                   {"number": r["domainNumber"], "label": r["domainLabel"], "kinds": {}})
            kind = d["kinds"].setdefault(r["kindLabel"], [])
            if any(f["iri"] == r["finding"] for f in kind):
                continue
            kind.append({"iri": r["finding"], "anchor": "finding-" + slug(r["finding"]), "label": r["findingLabel"],
                         "statement": r["statement"], "about": split(r["about"]),
                         "sources": self.sources_of(r["finding"]) or self.sources_cell(r["sources"])})
        out = []
        for d in domains.values():
            d["kinds"] = [(k, sorted(v, key=lambda f: natural_key(f["label"]) + (f["iri"],)))
                          for k, v in sorted(d["kinds"].items(), key=lambda kv: natural_key(kv[0]))]
            out.append(d)
        out.sort(key=lambda d: natural_key(d["number"]) + natural_key(d["label"]))
        return out

    # validation

    def validation(self) -> dict:
        t, c, facts = self.t, self.c, self.facts
        problems = Table("validation-problems", t["problems"],
                         [c["severity"], c["file"], c["focus"], c["path"], c["message"]])
        for p in facts["validation"]["problems"]:
            where = p["file"] + (f":{p['line']}" if p.get("line") else "")
            problems.rows.append([p["severity"], where, p["focus"] or "", p.get("path") or "", p["message"]])
        qc = []
        for name in sorted(n for n, q in self.queries.items() if "quality control" in q.tags):
            n = len(self.G.results[name][""] if "" in self.G.results[name] else self.G.results[name][self.lang])
            qc.append({"name": name, "summary": self.queries[name].summary, "rows": n,
                       "result": t["qc_passed"] if n == 0 else t["qc_failed"].format(n=n)})
        v = facts["validation"]
        return {
            "shacl": t["shacl_result"].format(triples=v["triples"], violations=facts["violations"],
                                              warnings=facts["warnings"]),
            "conforms": v["conforms"],
            "owl": t["owl_result"].format(asserted=facts["triples"], inferred=facts["inferred"],
                                          consistent=t["consistent_yes"] if facts["consistent"] else t["consistent_no"]),
            "reasoning_problems": facts["reasoning_problems"],
            "problems": problems,
            "qc": qc,
        }

    def queries_table(self) -> Table:
        c = self.t
        table = Table("queries-run", c["queries_run"], [c["query"], c["summary"], c["rows"]])
        for name in sorted(self.queries):
            by_lang = self.G.results.get(name, {})
            result = by_lang[self.lang] if self.lang in by_lang else by_lang.get("")
            table.rows.append([name, self.queries[name].summary, str(len(result)) if result is not None else ""])
        return table


# --- building ---------------------------------------------------------------------------------

def _start_worker(args: list[str], env_extra: dict | None = None) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.Popen([sys.executable, "-m", "migkg.workers", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL)


def _finish_worker(proc: subprocess.Popen, what: str) -> str:
    try:
        out, err = proc.communicate(timeout=WORKER_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise ReportError(f"{what} did not finish within {WORKER_TIMEOUT:g} s") from None
    if proc.returncode != 0:
        lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
        detail = lines[-1].removeprefix("migkg: ") if lines else f"exit code {proc.returncode}"
        raise ReportError(f"{what} failed: {detail}")
    return out.decode("utf-8")


def check_output_dir(path: Path) -> None:
    """The report replaces ``path`` as a whole; refuse to replace a folder that is not a report."""
    if path.exists() and not path.is_dir():
        raise ReportError(f"{path}: exists and is not a folder")
    if path.is_dir():
        entries = {p.name for p in path.iterdir()}
        if entries and MARKER not in entries and not entries <= {"summary.md"}:
            raise ReportError(f"{path}: folder exists and is not a migkg report (no {MARKER} in it); "
                              f"give an empty or new folder with -o")
    parent = path.resolve().parent
    if not parent.is_dir():
        raise ReportError(f"{parent}: no such folder")
    if not os.access(parent, os.W_OK):
        raise ReportError(f"{parent}: cannot write there")


def _write(path: Path, data: str | bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with open(path, "wb") as handle:
        handle.write(raw)
    os.chmod(path, 0o644)
    return len(raw)


def _swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` (same parent folder) with renames only."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        old.rmdir()
        os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _graph_facts(kg) -> dict:
    """What the pictures need beyond the catalogue: memberships and institutional links (with IRIs)."""
    from migkg import sparql

    memberships = sparql.run_rdflib(kg.graph, """
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX mkg: <https://w3id.org/migkg/ontology#>
        SELECT DISTINCT ?mechanism ?member ?role ?parent WHERE {
          { ?m a org:Membership ; org:organization ?mechanism ; org:member ?member .
            ?mechanism a mkg:CoordinationMechanism .
            OPTIONAL { ?m org:role ?role } }
          UNION
          { ?mechanism a mkg:CoordinationMechanism ; org:subOrganizationOf ?parent }
        }""")
    links = sparql.run_rdflib(kg.graph, """
        PREFIX mkg: <https://w3id.org/migkg/ontology#>
        SELECT DISTINCT ?type ?from ?to ?status WHERE {
          VALUES ?type { mkg:ReferralPathway mkg:InformationExchange mkg:InstitutionalLink }
          ?link a ?type ; mkg:linkFrom ?from ; mkg:linkTo ?to .
          OPTIONAL { ?link mkg:linkStatus ?status }
        }""")
    return {
        "memberships": sorted(tuple(text(v) for v in row) for row in memberships.rows),
        "links": sorted(tuple(text(v) for v in row) for row in links.rows),
    }


def build_report(output_dir: Path, console: Console) -> ReportResult:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from migkg import figures, netguard, sparql
    from migkg.info import describe
    from migkg.reasoning import ReasoningResult
    from migkg.run import summary_markdown
    from migkg.store import load_default_graph
    from migkg.templating import environment

    output_dir = Path(output_dir)
    check_output_dir(output_dir)
    netguard.restrict()
    parent = output_dir.resolve().parent
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.build-", dir=parent))
    workers: list[subprocess.Popen] = []
    try:
        ontology_page = staging / "ontology" / "index.html"
        reasoner = _start_worker(["reason"])
        workers.append(reasoner)
        validator = _start_worker(["validate"])
        workers.append(validator)
        documenter = _start_worker(["ontodoc", str(ontology_page)], {"PYTHONHASHSEED": "0"})
        workers.append(documenter)

        done: list[str] = []

        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                      transient=True) as progress:
            def step(description: str, total: float | None = None):
                return progress.add_task(description, total=total)

            def finish(task, message: str, started: float) -> None:
                progress.update(task, visible=False)
                progress.stop_task(task)
                line = f"{message} ({time.monotonic() - started:.1f} s)"
                progress.console.print(line, highlight=False)
                done.append(line)

            started = time.monotonic()
            task = step("loading ontology and data")
            kg = load_default_graph()
            info = describe(kg)
            finish(task, f"loaded {len(info.files)} files: {info.triples} triples", started)

            started = time.monotonic()
            from migkg.queries import catalogue

            count = len(catalogue())
            task = step("running the saved queries (English and Spanish)", total=count)
            store = sparql.oxigraph_store(kg.graph)
            queries, results = run_catalogue(store, lambda: progress.advance(task))
            facts = _graph_facts(kg)
            finish(task, f"ran {len(queries)} saved queries", started)

            graph = ReportData(kg, results)
            started = time.monotonic()
            task = step("drawing the pictures", total=len(LANGS))
            written: dict[str, int] = {}
            pages: dict[str, tuple[Page, dict]] = {}
            for lang in LANGS:
                page = Page(graph, lang, facts, queries)
                pages[lang] = (page, _context(page, info, figures, written, staging))
                progress.advance(task)
            finish(task, f"drew {len(FIGURES)} pictures in {len(LANGS)} languages", started)

            started = time.monotonic()
            task = step(f"OWL RL reasoning over {info.triples} triples")
            outcome = json.loads(_finish_worker(reasoner, "OWL RL reasoning"))
            reasoning = ReasoningResult(closure=None, asserted=outcome["asserted"], inferred=outcome["inferred"],
                                        problems=outcome["problems"])
            finish(task, f"OWL RL: {reasoning.inferred} triples inferred, "
                         f"{'consistent' if reasoning.consistent else 'INCONSISTENT'}", started)

            started = time.monotonic()
            task = step("SHACL validation")
            validation = json.loads(_finish_worker(validator, "SHACL validation"))
            violations = sum(p["severity"] == "Violation" for p in validation["problems"])
            warnings = len(validation["problems"]) - violations
            finish(task, f"SHACL: {'conforms' if validation['conforms'] else 'does not conform'} "
                         f"({violations} violations, {warnings} warnings)", started)

            facts.update({
                "validation": validation, "violations": violations, "warnings": warnings,
                "triples": info.triples, "inferred": reasoning.inferred, "consistent": reasoning.consistent,
                "reasoning_problems": reasoning.problems,
            })

            started = time.monotonic()
            task = step("writing the pages", total=len(LANGS))
            env = environment()
            counts = {}
            for lang, (page, context) in pages.items():
                context.update(_validation_context(page, facts))
                counts[lang] = context["counts"]
                suffix = "" if lang == "en" else f".{lang}"
                html = env.get_template("report.html.j2").render(**context)
                written[f"index{suffix}.html"] = _write(staging / f"index{suffix}.html", html)
                markdown = env.get_template("report.md.j2").render(**context)
                written[f"report{suffix}.md"] = _write(staging / f"report{suffix}.md", markdown)
                progress.advance(task)
            written["summary.md"] = _write(staging / "summary.md", summary_markdown(info, reasoning))
            finish(task, "wrote the pages (HTML and Markdown, English and Spanish)", started)

            started = time.monotonic()
            task = step("ontology documentation (pyLODE)")
            _finish_worker(documenter, "ontology documentation (pyLODE)")
            if not ontology_page.is_file() or ontology_page.stat().st_size == 0:
                raise ReportError("ontology documentation (pyLODE) wrote nothing")
            os.chmod(ontology_page, 0o644)
            written["ontology/index.html"] = ontology_page.stat().st_size
            finish(task, "ontology documentation written with pyLODE", started)

        written[MARKER] = _write(staging / MARKER, "migkg report: this folder is replaced as a whole by "
                                                   "`migkg report`; do not keep other files in it.\n")
        os.chmod(staging, 0o755)
        _swap_in(staging, output_dir)
        staging = None
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        netguard.lift()

    en = counts["en"]
    return ReportResult(
        index=(output_dir / "index.html").resolve(), files=sorted(written), bytes=sum(written.values()),
        triples=info.triples, inferred=reasoning.inferred, consistent=reasoning.consistent,
        conforms=validation["conforms"], violations=violations, warnings=warnings,
        overlaps=en["overlaps"], gaps=en["gaps"], empty_cells=en["empty_cells"], cells=en["cells"],
    )


def _context(page: Page, info, figures, written: dict, staging: Path) -> dict:
    """Everything the templates show for one language; draws this language's pictures."""
    t, lang = page.t, page.lang
    overlaps = page.overlaps()
    gaps = page.gaps()
    gap_count = sum(len(k["gaps"]) for k in gaps)
    matrix, mandate_keys, mandates_table, empty_cells, cells = page.mandates()
    timeline, undated, instrument_tables = page.instruments()
    referrals = page.G.rows("referral-pathways", lang)
    missing_referrals = sum(1 for r in referrals if not r["status"].endswith("LinkPresent"))

    svgs = {
        "overlap-matrix": (figures.overlap_matrix(page.overlap_matrix(overlaps)), t["fig_overlap"],
                           t["fig_overlap_caption"]),
        "mandate-matrix": (figures.mandate_matrix(matrix), t["fig_mandates"], t["fig_mandates_caption"]),
        "coordination-network": (figures.network(page.network()), t["fig_network"], t["fig_network_caption"]),
        "instrument-timeline": (figures.timeline(timeline), t["fig_timeline"], t["fig_timeline_caption"]),
    }
    pictures = {}
    for name in FIGURES:
        svg, title, caption = svgs[name]
        file = f"figures/{name}.{lang}.svg"
        written[file] = _write(staging / file, svg)
        pictures[name] = {"name": name, "file": file, "title": title, "caption": caption,
                          "svg": figures.inline(svg, f"{name}-{lang}", title)}

    counts = {"overlaps": len(overlaps), "gaps": gap_count, "empty_cells": empty_cells, "cells": cells,
              "referrals": len(referrals), "missing_referrals": missing_referrals}
    sections = [
        ("overlaps", t["sec_overlaps"]), ("gaps", t["sec_gaps"]), ("found-gaps", t["sec_found_gaps"]),
        ("mandates", t["sec_mandates"]), ("coordination", t["sec_coordination"]),
        ("instruments", t["sec_instruments"]), ("statistics", t["sec_statistics"]),
        ("conventions", t["sec_conventions"]), ("capacity-building", t["sec_capacity"]), ("mgi", t["sec_mgi"]),
        ("validation", t["sec_validation"]), ("sources", t["sec_sources"]),
    ]
    return {
        "lang": lang, "t": t, "version": __version__, "sections": sections, "counts": counts,
        "overlaps": overlaps, "case_overlaps": page.case_overlaps(), "status_eligibility": page.status_eligibility(),
        "gaps": gaps, "found_gaps": page.found_gaps(),
        "mandate_keys": mandate_keys, "mandates_table": mandates_table,
        "mechanisms": page.mechanisms(),
        "undated": undated, "instrument_tables": instrument_tables,
        "statistics": page.statistics(), "conventions": page.conventions(), "capacity": page.capacity(),
        "mgi": page.mgi(), "documents": page.documents,
        "queries_table": page.queries_table(), "query_count": len(page.queries),
        "pictures": pictures,
        "method": t["method_text"].format(version=__version__, files=len(info.files), triples=info.triples,
                                          queries=len(page.queries)),
    }


def _validation_context(page: Page, facts: dict) -> dict:
    """What the pages say about reasoning and validation (known once the workers are done)."""
    return {
        "facts": {"triples": facts["triples"], "inferred": facts["inferred"], "consistent": facts["consistent"],
                  "conforms": facts["validation"]["conforms"], "violations": facts["violations"]},
        "validation": page.validation(),
    }

"""The parts of the page with a layout of their own, named in queries/report-sections.yaml:
the data of the four pictures, the overlap and gap cards, the mandate keys, the MGI findings,
the validation summary and the sources. Each takes the page and its block (whose declared
queries it reads) and returns what the templates show."""

from __future__ import annotations

from collections import defaultdict

from migkg.report.common import Table, decimal_year, natural_key, slug, split, wrap_text
from migkg.report.picture_data import MandateMatrix, Network, OverlapMatrix, Timeline

MKG = "https://w3id.org/migkg/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"

PICTURES: dict = {}
SPECIALS: dict = {}


def picture(name):
    def register(fn):
        PICTURES[name] = fn
        return fn
    return register


def special(name):
    def register(fn):
        SPECIALS[name] = fn
        return fn
    return register


# --- overlaps ---------------------------------------------------------------------------------

def situations(p, block) -> list[dict]:
    """The overlap situations (from overlapping-categories), sorted and numbered."""
    def make():
        g, lang = p.inputs, p.lang
        found: dict[str, dict] = {}
        for row in p.rows("overlapping-categories", block):
            iri = row["situation"]
            s = found.setdefault(iri, {
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
        for iri, s in found.items():
            s["categories"].sort(key=natural_key)
            s["responsible"] = [(name, s["responsible"][name]) for name in s["categories"]]
            s["referrals"] = sorted(s["referrals"], key=natural_key)
            s["mechanisms"] = sorted(s["mechanisms"], key=natural_key)
            s["period"] = " – ".join(v for v in (s["start"], s["end"]) if v)
            s["sources"] = p.sources_of(iri)
            s["evidence"] = p.evidence_of(iri)
            out.append(s)
        out.sort(key=lambda s: natural_key(s["label"]) + (s["iri"],))
        for number, s in enumerate(out, start=1):
            s["number"] = number
        return out
    return p.once("situations", make)


@special("overlap-cards")
def overlap_cards(p, block) -> list[dict]:
    g = p.inputs
    protective = {r["situation"]: r for r in p.rows("less-protective-category-applied", block)}
    out = []
    for s in situations(p, block):
        s = dict(s)
        q = protective.get(s["iri"], {})
        s["set_aside"] = q.get("setAsideLabel", "")
        s["applied"] = s["applied"] or q.get("appliedLabel", "")
        s["less_protective"] = q.get("lessProtective") == "true"
        s["state_response"] = q.get("stateResponse") or g.value(s["iri"], MKG + "stateResponse")
        s["consequence"] = q.get("consequence") or g.value(s["iri"], MKG + "consequence")
        s["population"] = g.value(s["iri"], MKG + "populationDescription")
        out.append(s)
    return out


@picture("overlap-matrix")
def overlap_matrix(p, block, words) -> OverlapMatrix:
    g, lang = p.inputs, p.lang
    pairs: dict[tuple[str, str], dict] = defaultdict(lambda: {"situations": [], "persons": 0, "unknown": 0,
                                                              "cases": set(), "sources": set()})

    def short(sources: list[dict]) -> set[str]:
        """The documents, as their sections name them ("Blouin & Button 2018, footnote 37")."""
        return {src["text"].split(", ")[0] for src in sources if src["text"]}

    names: dict[str, str] = {}
    for s in situations(p, block):
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
    for row in p.rows("case-level-overlaps", block):
        a, b = row["categoryA"], row["categoryB"]
        if not a or not b or a == b:
            continue
        names[a], names[b] = row["categoryALabel"] or g.label(a, lang), row["categoryBLabel"] or g.label(b, lang)
        cell = pairs[tuple(sorted((a, b)))]
        cell["cases"].add(row["person"])
        cell["sources"] |= short(p.sources_of(row["person"]))
    order = sorted(names, key=lambda iri: natural_key(names[iri]) + (iri,))
    index = {iri: i for i, iri in enumerate(order)}
    m = OverlapMatrix(categories=[names[iri] for iri in order], title=block.text("title", lang, p.values),
                      empty_note=words["empty"])
    for (a, b), cell in sorted(pairs.items()):
        lines = []
        if cell["situations"]:
            lines.append("[" + ", ".join(str(n) for n in cell["situations"]) + "]")
            if cell["persons"]:
                lines.append(f"{cell['persons']} {words['persons']}")
            if cell["unknown"]:
                lines.append(p.t["persons_unknown"])
        if cell["cases"]:
            n = len(cell["cases"])
            lines.append(f"{n} {words['case_record'] if n == 1 else words['case_records']}")
        lines += [wrap_text(src, 22) for src in sorted(cell["sources"], key=natural_key)]
        weight = len(cell["situations"]) + len(cell["cases"])
        for i, j in ((index[a], index[b]), (index[b], index[a])):
            m.cells[(i, j)] = lines
            m.weight[(i, j)] = weight
    return m


# --- gaps ---------------------------------------------------------------------------------------

@special("gap-cards")
def gap_cards(p, block) -> list[dict]:
    g, lang = p.inputs, p.lang
    kinds: dict[str, dict] = {}
    for r in p.rows("documented-gaps", block):
        kind = kinds.setdefault(r["kind"], {"iri": r["kind"], "label": r["kindLabel"] or g.label(r["kind"], lang),
                                            "gaps": {}})
        if r["gap"] in kind["gaps"]:
            continue
        kind["gaps"][r["gap"]] = {
            "iri": r["gap"], "anchor": "gap-" + slug(r["gap"]), "label": r["gapLabel"] or g.label(r["gap"], lang),
            "statement": r["statement"], "about": split(r["about"]), "categories": split(r["categories"]),
            "sources": p.sources_of(r["gap"]) or p.sources_cell(r["sources"]),
            "evidence": p.evidence_of(r["gap"]),
        }
    out = []
    for kind in kinds.values():
        kind["gaps"] = sorted(kind["gaps"].values(), key=lambda x: natural_key(x["label"]) + (x["iri"],))
        out.append(kind)
    out.sort(key=lambda k: natural_key(k["label"]) + (k["iri"],))
    return out


# --- mandates -----------------------------------------------------------------------------------

def mandate_data(p, block) -> dict:
    """The cells of the mandate matrix, the keys of the institutions, and the counts of empty cells."""
    def make():
        g, lang = p.inputs, p.lang
        coverage = p.rows("coverage-matrix", block)
        mandated: dict[tuple[str, str], set[str]] = defaultdict(set)
        for r in p.rows("mandates", block):
            mandated[(r["category"], r["function"])].add(r["institution"])
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
        cells: dict[tuple[int, int], list[str]] = {}
        gaps = 0
        for r in coverage:
            ri, ci = rows.index(r["category"]), cols.index(r["function"])
            members = sorted(mandated.get((r["category"], r["function"]), set()), key=lambda iri: keys[iri])
            if r["gap"] == "true" or not members:
                gaps += 1
                if members:  # the query and the mandates disagree: show what is there
                    cells[(ri, ci)] = [keys[i] for i in members]
            else:
                cells[(ri, ci)] = [keys[i] for i in members]
        legend = sorted(((keys[i], g.label(i, lang)) for i in institutions), key=lambda kv: natural_key(kv[0]))
        return {"categories": [categories[i] for i in rows], "functions": [functions[i] for i in cols],
                "cells": cells, "keys": legend, "empty_cells": gaps, "total": len(coverage)}
    return p.once("mandates", make)


@picture("mandate-matrix")
def mandate_matrix(p, block, words) -> MandateMatrix:
    d = mandate_data(p, block)
    return MandateMatrix(categories=d["categories"], functions=d["functions"], cells=d["cells"],
                         title=block.text("title", p.lang, p.values), gap_word=words["gap"],
                         legend_mandated=words["mandated"], legend_gap=words["no_mandate"])


@special("mandate-keys")
def mandate_keys(p, block) -> list[tuple[str, str]]:
    return mandate_data(p, block)["keys"]


# --- coordination -------------------------------------------------------------------------------

@picture("coordination-network")
def network(p, block, words) -> Network:
    g, lang = p.inputs, p.lang
    nodes: dict[str, tuple[str, str, str]] = {}

    def node(iri: str) -> str:
        if iri not in nodes:
            is_mechanism = g.is_a(iri, MKG + "CoordinationMechanism")
            name = g.acronym(iri) or g.label(iri, lang)
            nodes[iri] = (iri, name, "mechanism" if is_mechanism else "institution")
        return iri

    edges = set()
    for row in p.rows("coordination-mechanisms", block):
        node(row["mechanism"])
    for mechanism, member, role, parent in p.facts["memberships"]:
        if member:
            kind = "chair" if role in (MKG + "ChairRole", MKG + "CoordinatorRole") else "member"
            edges.add((node(member), node(mechanism), kind, ""))
        if parent:
            edges.add((node(mechanism), node(parent), "part", ""))
    statuses = {MKG + "LinkPresent": "present", MKG + "LinkPartial": "partial", MKG + "LinkUnclear": "unclear",
                MKG + "LinkAbsent": "absent"}
    kinds = {MKG + "ReferralPathway": "referral", MKG + "InformationExchange": "exchange",
             MKG + "InstitutionalLink": "link"}
    for link_type, source, target, status in p.facts["links"]:
        if link_type in kinds:
            edges.add((node(source), node(target), kinds[link_type], statuses.get(status, "unclear")))
    legend = {k: words[k] for k in ("mechanism", "institution", "chair", "member", "part", "present", "partial",
                                    "unclear", "absent")}
    return Network(nodes=sorted(nodes.values()), edges=sorted(edges), title=block.text("title", lang, p.values),
                   legend=legend)


# --- instruments --------------------------------------------------------------------------------

def instrument_dates(p, block) -> tuple[list, list]:
    """Instruments with a date of adoption (in order) and without one."""
    def make():
        dated, undated = [], []
        for r in p.rows("instruments-as-of", block):
            year = decimal_year(r["adopted"])
            name = r["instrumentId"] or r["instrumentLabel"]
            if len(name) > 70:
                name = name[:67].rstrip() + "…"
            kind = "domestic" if r["instrument"] in p.country["domestic"] else "international"
            entry = (year, name, kind, r["adopted"], r["instrument"])
            (dated if year is not None else undated).append(entry)
        dated.sort(key=lambda e: (e[0], natural_key(e[1]), e[4]))
        return dated, undated
    return p.once("instrument-dates", make)


@picture("instrument-timeline")
def timeline(p, block, words) -> Timeline:
    dated, _ = instrument_dates(p, block)
    position = {e[4]: i for i, e in enumerate(dated)}
    links = set()
    for r in p.rows("instrument-lineage", block):
        source = r["instrument"]
        parent = p.inputs.value(source, ELI + "is_part_of", None)
        if source not in position and parent in position:
            source = parent  # an article acts for its instrument on the timeline
        if source in position and r["target"] in position and source != r["target"]:
            links.add((position[source], position[r["target"]], r["relation"]))
    return Timeline(items=[(e[0], e[1], e[2], e[3]) for e in dated], links=sorted(links),
                    title=block.text("title", p.lang, p.values),
                    kinds={"domestic": ("#2b6cb0", words["domestic"]),
                           "international": ("#1e8449", words["international"])},
                    relation_label=words["relation"])


@special("undated-instruments")
def undated_instruments(p, block) -> str:
    _, undated = instrument_dates(p, block)
    names = sorted({e[1] for e in undated}, key=natural_key)
    return p.t["tl_undated"].format(items="; ".join(names)) if names else ""


# --- MGI findings -------------------------------------------------------------------------------

@special("findings")
def findings(p, block) -> list[dict]:
    domains: dict[str, dict] = {}
    for r in p.rows("mgi-findings-by-domain", block):
        d = domains.setdefault(r["domainNumber"] + "|" + r["domainLabel"],
                               {"number": r["domainNumber"], "label": r["domainLabel"], "kinds": {}})
        kind = d["kinds"].setdefault(r["kindLabel"], [])
        if any(f["iri"] == r["finding"] for f in kind):
            continue
        kind.append({"iri": r["finding"], "anchor": "finding-" + slug(r["finding"]), "label": r["findingLabel"],
                     "statement": r["statement"], "about": split(r["about"]),
                     "sources": p.sources_of(r["finding"]) or p.sources_cell(r["sources"]),
                     "evidence": p.evidence_of(r["finding"])})
    out = []
    for d in domains.values():
        d["kinds"] = [(k, sorted(v, key=lambda f: natural_key(f["label"]) + (f["iri"],)))
                      for k, v in sorted(d["kinds"].items(), key=lambda kv: natural_key(kv[0]))]
        out.append(d)
    out.sort(key=lambda d: natural_key(d["number"]) + natural_key(d["label"]))
    return out


# --- validation and sources ---------------------------------------------------------------------

@special("validation")
def validation(p, block) -> dict:
    t, facts = p.t, p.facts
    problems = Table("validation-problems", t["problems"], block.column_titles(p.lang))
    for q in facts["validation"]["problems"]:
        where = q["file"] + (f":{q['line']}" if q.get("line") else "")
        problems.rows.append([q["severity"], where, q["focus"] or "", q.get("path") or "", q["message"]])
    qc = []
    tag = block.spec["queries-tagged"]
    for name in sorted(n for n, q in p.queries.items() if tag in q.tags):
        n = len(p.inputs.result(name, p.lang))
        qc.append({"name": name, "summary": p.queries[name].summary, "rows": n,
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


@special("sources")
def sources(p, block) -> dict:
    from migkg import __version__

    table = Table("queries-run", p.t["queries_run"], block.column_titles(p.lang))
    for name in sorted(p.queries):
        by_lang = p.inputs.results.get(name, {})
        result = by_lang[p.lang] if p.lang in by_lang else by_lang.get("")
        table.rows.append([name, p.queries[name].summary, str(len(result)) if result is not None else ""])
    method = p.t["method_text"].format(version=__version__, files=len(p.inputs.files), triples=p.inputs.triples,
                                       queries=len(p.queries))
    return {"documents": p.documents, "method": method, "queries": table}

"""`migkg navigate`: what the graph knows about one combination of migrant categories.

The knowledge is in the saved queries ``queries/navigate/*.rq`` (one or more per part, each
taking the categories as a parameter of several values); this module resolves what the user
typed into categories, runs those queries, groups their rows into the four parts, and writes
them as a terminal page, Markdown or JSON. Nothing here names a country or a category.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import unicodedata
from dataclasses import dataclass, field
from itertools import combinations

from migkg import resources
from migkg.core import terms
from migkg.errors import InputError

# part -> (section, saved query) in page order
PARTS: dict[str, list[tuple[str, str]]] = {
    "categories": [("mandates", "navigate-mandates")],
    "statuses": [("statuses", "navigate-statuses"), ("entitlements", "navigate-entitlements")],
    "coordination": [("links", "navigate-links"), ("mechanisms", "navigate-mechanisms"),
                     ("exclusions", "navigate-exclusions")],
    "problems": [("situations", "navigate-overlap-situations"), ("gaps", "navigate-gaps"),
                 ("findings", "navigate-mgi-findings")],
}

def _load_words() -> dict[str, dict[str, str]]:
    """The navigator's words in each language, from queries/navigate/words.yaml."""
    import yaml

    path = resources.part("queries") / "navigate" / "words.yaml"
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


WORDS = _load_words()


@dataclass
class Category:
    iri: str
    names: list[str] = field(default_factory=list)
    broader: set[str] = field(default_factory=set)

    @property
    def local(self) -> str:
        return self.iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _cell(term):
    if term is None:
        return None
    value = terms.text(term)
    return {"true": True, "false": False}.get(value, value) if getattr(term, "datatype", None) is not None \
        and str(getattr(term.datatype, "value", term.datatype)).endswith("#boolean") else value


def _run(name: str, given: dict, graph=None) -> list[dict]:
    from migkg.graphstore import open_default
    from migkg.queries import find

    saved = find(name)
    known = {p.name for p in saved.params}
    graph = graph if graph is not None else open_default()
    table = graph.select(saved.text, saved.ox_bindings({k: v for k, v in given.items() if k in known}),
                         as_rdflib=False)
    return [dict(zip(table.variables, (_cell(c) for c in row), strict=True)) for row in table.rows]


def known_categories(graph=None) -> dict[str, Category]:
    """Every migrant category of the graph (a GraphStore; default: the project's), by IRI, with
    its names and broader categories."""
    found: dict[str, Category] = {}
    for row in _run("navigate-categories", {}, graph):
        cat = found.setdefault(row["category"], Category(row["category"]))
        if row.get("name") and row["name"] not in cat.names:
            cat.names.append(row["name"])
        if row.get("broader"):
            cat.broader.add(row["broader"])
    return found


def _fold(text: str) -> str:
    """Compared without case and accents: "apatrida" finds "apátrida"."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))


def resolve(given: list[str], known: dict[str, Category], lang: str = "en") -> tuple[list[Category], list[str]]:
    """The categories the user means, in the order given, and notes (repeats, broader ones)."""
    chosen: list[Category] = []
    notes: list[str] = []
    for token in given:
        want = _fold(token.strip())
        exact = [c for c in known.values() if want in {_fold(c.iri), _fold(c.local)} | {_fold(n) for n in c.names}]
        hits = exact or [c for c in known.values()
                         if _fold(c.local).startswith(want) or any(_fold(n).startswith(want) for n in c.names)]
        if not want or not hits:
            words = {c.local: c for c in known.values()} | {n: c for c in known.values() for n in c.names}
            close = []
            for word in difflib.get_close_matches(token.strip(), list(words), n=10, cutoff=0.0):
                if words[word].local not in close:
                    close.append(words[word].local)
            raise InputError(token, f"unknown category; closest: {', '.join(close[:3])}")
        if len(hits) > 1:
            raise InputError(token, "ambiguous category; it can be " + ", ".join(sorted(c.local for c in hits)))
        cat = hits[0]
        if any(c.iri == cat.iri for c in chosen):
            notes.append(WORDS[lang]["twice"].format(a=cat.local))
            continue
        chosen.append(cat)
    for a, b in combinations(chosen, 2):
        for narrow, broad in ((a, b), (b, a)):
            if broad.iri in narrow.broader:
                notes.append(WORDS[lang]["narrower"].format(a=narrow.local, b=broad.local))
    return chosen, notes


def check_date(value: str | None) -> str | None:
    """``value`` when it is a date (YYYY-MM-DD) or None; else InputError."""
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(value, "asOf is not a date (YYYY-MM-DD)") from None
    return value


def _sources(row: dict) -> list[str]:
    return sorted(s for s in (row.get("sources") or "").split("; ") if s)


def answer(given: list[str], lang: str = "en", as_of: str | None = None, graph=None, evidence: bool = True) -> dict:
    """The four parts for the categories ``given`` (names as typed), as plain data; ``graph`` is
    the GraphStore to ask (default: the project's graph; `migkg serve --data` passes its own).
    With ``evidence``, each item that cites sources carries the quotes that support it."""
    as_of = check_date(as_of)
    if lang not in WORDS:
        raise InputError(lang, "language must be en or es")
    chosen, notes = resolve(given, known_categories(graph), lang)
    params = {"category": [c.iri for c in chosen], "lang": lang, **({"asOf": as_of} if as_of else {})}
    rows = {section: _run(query, params, graph) for sections in PARTS.values() for section, query in sections}
    order = [c.iri for c in chosen]
    out = {"request": {"categories": order, "lang": lang, "asOf": as_of, "notes": notes}}
    out["categories"] = _categories(rows["mandates"], order)
    out["statuses"] = {**_statuses(rows["statuses"], order), **_entitlements(rows["entitlements"], order)}
    out["coordination"] = _coordination(rows, order)
    out["problems"] = {
        "situations": [{**r, "sameCombination": int(r["matched"]) == len(order), "sources": _sources(r)}
                       for r in rows["situations"]],
        "gaps": [{**r, "sources": _sources(r)} for r in rows["gaps"]],
        "findings": [{**r, "sources": _sources(r)} for r in rows["findings"]],
    }
    if evidence:
        _attach_evidence(out, _run("navigate-evidence", {"lang": lang}, graph))
    return out


def _attach_evidence(result: dict, rows: list[dict]) -> None:
    """Give every item that cites sources its evidence (``evidence``: the quotes with their
    sections), found by the first of its values that is a claim with evidence."""
    quotes: dict[str, list[dict]] = {}
    for r in rows:
        quotes.setdefault(r["item"], []).append({k: r.get(k) for k in ("quote", "section", "sectionLabel")})

    def visit(node) -> None:
        children = node if isinstance(node, list) else node.values() if isinstance(node, dict) else []
        if isinstance(node, dict) and "sources" in node:
            claim = next((v for v in node.values() if isinstance(v, str) and v in quotes), None)
            node["evidence"] = quotes.get(claim, [])
        for child in list(children):
            if isinstance(child, (dict, list)):
                visit(child)

    visit(result)


def _categories(rows: list[dict], order: list[str]) -> list[dict]:
    cats: dict[str, dict] = {}
    for r in rows:
        cat = cats.setdefault(r["category"], {"category": r["category"], "categoryLabel": r["categoryLabel"],
                                               "definition": r["definition"], "mandates": {}})
        if not r.get("mandate"):
            continue
        m = cat["mandates"].setdefault(r["mandate"], {
            "mandate": r["mandate"], "institution": r["institution"], "institutionLabel": r["institutionLabel"],
            "function": r["function"], "functionLabel": r["functionLabel"], "legalBases": [], "sources": _sources(r)})
        if r.get("legalBasis"):
            m["legalBases"].append({k: r.get(k) for k in ("legalBasis", "legalBasisId", "legalBasisLabel",
                                                           "basisState", "basisStateLabel")})
    return [{**cats[i], "mandates": list(cats[i]["mandates"].values())} for i in order if i in cats]


def _statuses(rows: list[dict], order: list[str]) -> dict:
    statuses: dict[str, dict] = {}
    for r in rows:
        s = statuses.setdefault(r["status"], {**{k: v for k, v in r.items() if k not in ("category", "categoryLabel")},
                                              "eligible": [], "sources": _sources(r)})
        if r["category"] not in [e["category"] for e in s["eligible"]]:
            s["eligible"].append({"category": r["category"], "categoryLabel": r["categoryLabel"]})
    items = sorted(statuses.values(), key=lambda s: (-len(s["eligible"]), s["statusLabel"] or ""))
    overlaps = [{"status": s["status"], "statusLabel": s["statusLabel"], "categories": s["eligible"]}
                for s in items if len(s["eligible"]) > 1]
    for iri in order:
        shared = [s for s in items if iri in [e["category"] for e in s["eligible"]]]
        if len(shared) > 1:
            label = next(e["categoryLabel"] for e in shared[0]["eligible"] if e["category"] == iri)
            overlaps.append({"category": iri, "categoryLabel": label,
                             "statuses": [{"status": s["status"], "statusLabel": s["statusLabel"]} for s in shared]})
    return {"statuses": items, "overlaps": overlaps}


def _entitlements(rows: list[dict], order: list[str]) -> dict:
    """What the categories are entitled to, one item per entitlement with the given categories it
    applies to (each with ``via``, the broader category the entitlement names when it does not
    name the given one itself, else None), and where they overlap: one entitlement named for
    several of the given categories, or one kind of entitlement that several of them hold
    (through different instruments). An entitlement reached only through a broader category
    makes no overlap: every category under that broader one holds it alike."""
    found: dict[str, dict] = {}
    for r in rows:
        e = found.setdefault(r["entitlement"], {
            **{k: v for k, v in r.items()
               if k not in ("category", "categoryLabel", "via", "viaLabel", "legalBasisIds", "sources")},
            "legalBases": sorted(b for b in (r.get("legalBasisIds") or "").split("; ") if b),
            "beneficiaries": [], "sources": _sources(r)})
        if r["category"] not in [b["category"] for b in e["beneficiaries"]]:
            e["beneficiaries"].append({"category": r["category"], "categoryLabel": r["categoryLabel"],
                                       "via": r.get("via"), "viaLabel": r.get("viaLabel")})
    rank = {iri: i for i, iri in enumerate(order)}
    for e in found.values():  # in the order given
        e["beneficiaries"].sort(key=lambda b: rank.get(b["category"], len(order)))
    # by the first given category it applies to, named for it before reached through a broader one
    items = sorted(found.values(), key=lambda e: (min((rank.get(b["category"], len(order)), b["via"] is not None)
                                                      for b in e["beneficiaries"]),
                                                  e["entitlementTypeLabel"] or "", e["entitlementLabel"] or ""))

    def named(e: dict) -> list[dict]:
        return [{"category": b["category"], "categoryLabel": b["categoryLabel"]}
                for b in e["beneficiaries"] if b["via"] is None]
    overlaps = [{"entitlement": e["entitlement"], "entitlementLabel": e["entitlementLabel"],
                 "categories": named(e)} for e in items if len(named(e)) > 1]
    kinds: dict[str, dict] = {}
    for e in items:
        if not named(e):
            continue
        k = kinds.setdefault(e["entitlementType"], {"entitlementType": e["entitlementType"],
                                                    "entitlementTypeLabel": e["entitlementTypeLabel"],
                                                    "categories": [], "entitlements": []})
        k["entitlements"].append({"entitlement": e["entitlement"], "entitlementLabel": e["entitlementLabel"]})
        for b in named(e):
            if b["category"] not in [c["category"] for c in k["categories"]]:
                k["categories"].append(b)
    overlaps += [k for k in kinds.values() if len(k["categories"]) > 1]
    return {"entitlements": items, "entitlementOverlaps": overlaps}


def _coordination(rows: dict, order: list[str]) -> dict:
    covers: dict[str, set[str]] = {iri: set() for iri in order}
    mechanisms = []
    for r in rows["mechanisms"]:
        if r.get("mechanism") and r.get("outOfScope") is False:
            covers.setdefault(r["category"], set()).add(r["mechanism"])
        mechanisms.append({**r, "members": [m for m in (r.get("members") or "").split("; ") if m],
                           "sources": _sources(r)})
    labels = {r["category"]: r["categoryLabel"] for r in rows["mechanisms"]}
    uncovered = [{"categories": [{"category": a, "categoryLabel": labels.get(a)},
                                 {"category": b, "categoryLabel": labels.get(b)}]}
                 for a, b in combinations(order, 2) if not covers.get(a, set()) & covers.get(b, set())]
    return {"links": [{**r, "sources": _sources(r)} for r in rows["links"]], "mechanisms": mechanisms,
            "uncoveredPairs": uncovered, "exclusions": [{**r, "sources": _sources(r)} for r in rows["exclusions"]]}


def to_json(result: dict) -> str:
    """The answer as `migkg navigate --format json` writes it."""
    return json.dumps(result, ensure_ascii=False, indent=2)



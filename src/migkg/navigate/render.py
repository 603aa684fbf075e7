"""The writers of `migkg navigate`: one list of lines (heading, item, detail), each item with its
sources, drawn as a terminal page (rich) or as Markdown for a case file."""

from __future__ import annotations

from migkg.navigate import WORDS


def _yes_no(value, yes: str, no: str, unknown: str | None = None) -> str | None:
    return yes if value is True else no if value is False else unknown


def to_lines(result: dict) -> list[tuple[str, str, list[str]]]:
    """(kind, text, sources): kind is ``title``, ``part``, ``section``, ``item``, ``detail`` or
    ``quote`` (a claim's evidence, the source's words with their section as the one source)."""
    lang = result["request"]["lang"]
    w = WORDS[lang]
    lines: list[tuple[str, str, list[str]]] = []

    def add(kind: str, text: str, sources: list[str] | None = None) -> None:
        lines.append((kind, text, sources or []))

    def claim(text: str, item: dict) -> None:
        """An item with its sources, then its evidence: each quote with the section it is in."""
        add("item", text, item["sources"])
        for quote in item.get("evidence", []):
            add("quote", f"\u201c{quote['quote']}\u201d", [quote["sectionLabel"]])

    cats = result["categories"]
    title = " + ".join(c["categoryLabel"] or c["category"] for c in cats)
    if result["request"]["asOf"]:
        title += f" ({w['as-of']} {result['request']['asOf']})"
    add("title", title)
    for note in result["request"]["notes"]:
        add("item", f"{w['notes']}: {note}")

    add("part", w["categories"])
    for c in cats:
        add("section", c["categoryLabel"] or c["category"])
        if c["definition"]:
            add("detail", f"{w['definition']}: {c['definition']}")
        if not c["mandates"]:
            add("item", w["no-mandate"])
        for m in c["mandates"]:
            bases = "; ".join(f"{b['legalBasisId'] or b['legalBasisLabel']}"
                              + (f" ({w['state']}: {b['basisStateLabel']})" if b.get("basisStateLabel") else "")
                              for b in m["legalBases"]) or w["no-basis"]
            claim(f"{m['functionLabel']}: {m['institutionLabel']} — {w['basis']}: {bases}", m)

    add("part", w["statuses"])
    for s in result["statuses"]["statuses"]:
        facts = [_yes_no(s.get("operative"), w["operative"], w["not-operative"], w["operative-unknown"]),
                 _yes_no(s.get("grantsResidence"), w["residence"], w["no-residence"]),
                 s.get("stateLabel"), s.get("grantingInstitutionLabel"), s.get("legalBasisId")]
        eligible = ", ".join(e["categoryLabel"] for e in s["eligible"])
        claim(f"{s['statusLabel']} — {'; '.join(f for f in facts if f)} — {w['eligible']}: {eligible}", s)
    for o in result["statuses"]["overlaps"]:
        if "status" in o:
            what, among = o["statusLabel"], ", ".join(c["categoryLabel"] for c in o["categories"])
        else:
            what, among = o["categoryLabel"], ", ".join(s["statusLabel"] for s in o["statuses"])
        add("detail", f"{w['overlap']}: {what} ({among})")
    add("section", w["entitlements"])
    for e in result["statuses"].get("entitlements", []):
        facts = [e.get("entitlementTypeLabel"),
                 _yes_no(e.get("operative"), w["operative"], w["not-operative"], w["operative-unknown"]),
                 _yes_no(e.get("onEqualTerms"), w["equal-terms"], w["not-equal-terms"]), e.get("stateLabel"),
                 f"{w['provider']}: {e['providerLabel']}" if e.get("providerLabel") else None,
                 f"{w['basis']}: {'; '.join(e['legalBases'])}" if e.get("legalBases") else w["no-basis"]]
        cats = ", ".join(b["categoryLabel"] + (f" ({w['via']} {b['viaLabel'] or b['via']})" if b.get("via") else "")
                         for b in e["beneficiaries"])
        claim(f"{e['entitlementLabel']} — {'; '.join(f for f in facts if f)} — {w['for']}: {cats}", e)
    if not result["statuses"].get("entitlements"):
        add("item", w["none"])
    for o in result["statuses"].get("entitlementOverlaps", []):
        if "entitlement" in o:
            what = f"{w['same-entitlement']}: {o['entitlementLabel']}"
        else:
            what = f"{w['same-kind']}: {o['entitlementTypeLabel']}"
        add("detail", f"{w['overlap']}: {what} ({', '.join(c['categoryLabel'] for c in o['categories'])})")

    coord = result["coordination"]
    add("part", w["coordination"])
    add("section", w["links"])
    for k in coord["links"]:
        roles = "".join(f"; {w[key]}: {k[col]}" for key, col in (("handled", "handledAsLabel"),
                                                                 ("referred", "referredLabel")) if k.get(col))
        claim(f"{k['linkTypeLabel']}: {k['fromLabel']} → {k['toLabel']} [{k['statusLabel']}]{roles}", k)
    if not coord["links"]:
        add("item", w["none"])
    add("section", w["mechanisms"])
    for m in coord["mechanisms"]:
        if not m.get("mechanism"):
            add("item", f"{m['categoryLabel']}: {w['no-mechanism']}")
            continue
        verb = w["out-of-scope"] if m["outOfScope"] else w["covers"]
        via = f" ({w['via']} {m['scopeLabel']})" if m["scope"] != m["category"] else ""
        members = f"; {w['members']}: {', '.join(m['members'])}" if m["members"] else ""
        claim(f"{m['mechanismLabel']} {verb} {m['categoryLabel']}{via}{members}", m)
    if coord["uncoveredPairs"]:
        add("section", w["uncovered"])
        for p in coord["uncoveredPairs"]:
            add("item", " + ".join(c["categoryLabel"] for c in p["categories"]))
    add("section", w["exclusions"])
    for e in coord["exclusions"]:
        claim(f"{e['institutionLabel']} — {e['frameworkLabel']}", e)
        if e.get("consequence"):
            add("detail", f"{w['consequence']}: {e['consequence']}")
    if not coord["exclusions"]:
        add("item", w["none"])

    problems = result["problems"]
    add("part", w["problems"])
    add("section", w["situations"])
    for s in problems["situations"]:
        kind = w["same"] if s["sameCombination"] else w["overlapping"]
        flag = f"; {w['less-protective']}" if s.get("lessProtectiveApplied") is True else ""
        claim(f"{s['situationLabel']} ({kind}) — {w['applied']}: {s.get('appliedLabel')}; "
              f"{w['set-aside']}: {s.get('setAsideLabel')}{flag}", s)
        if s.get("stateResponse"):
            add("detail", f"{w['response']}: {s['stateResponse']}")
    if not problems["situations"]:
        add("item", w["none"])
    for key in ("gaps", "findings"):
        add("section", w[key])
        for g in problems[key]:
            claim(f"{g['itemLabel']} [{g['kindLabel']}] — {g['categories']}", g)
        if not problems[key]:
            add("item", w["none"])
    return lines


def to_markdown(result: dict) -> str:
    w = WORDS[result["request"]["lang"]]
    out = []
    for kind, text, sources in to_lines(result):
        src = f" _({w['sources']}: {'; '.join(sources)})_" if sources else ""
        if kind == "title":
            out.append(f"# {text}\n")
        elif kind == "part":
            out.append(f"\n## {text}\n")
        elif kind == "section":
            out.append(f"\n### {text}\n")
        elif kind == "item":
            out.append(f"- {text}{src}")
        elif kind == "quote":
            out.append(f"  - > {text} _({sources[0]})_" if sources else f"  - > {text}")
        else:
            out.append(f"  - {text}{src}")
    return "\n".join(out) + "\n"


def to_rich(result: dict, console) -> None:
    """Print the page on a rich console: headings, one line per item with its sources (no
    wrapping inside an item, no markup read from the data)."""
    from rich.text import Text

    w = WORDS[result["request"]["lang"]]
    for kind, text, sources in to_lines(result):
        if kind == "title":
            console.rule(Text(text, style="bold"))
        elif kind == "part":
            console.print(Text("\n" + text, style="bold underline"), soft_wrap=True)
        elif kind == "section":
            console.print(Text(text, style="bold"), soft_wrap=True)
        elif kind == "quote":
            line = Text("      ")
            line.append(text, style="italic")
            if sources:
                line.append(f" — {sources[0]}", style="dim")
            console.print(line, soft_wrap=True)
        else:
            line = Text("  • " if kind == "item" else "      ")
            line.append(text)
            if sources:
                line.append(f"  [{w['sources']}: {'; '.join(sources)}]", style="dim")
            console.print(line, soft_wrap=True)

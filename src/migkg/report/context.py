"""What the templates show for one language: the declared sections, each block made (tables,
pictures, special parts), the key figures and the texts."""

from __future__ import annotations

from pathlib import Path

from migkg.core.atomic import write_atomically
from migkg.report import pictures, register, sections, specials  # noqa: F401  (register: its parts)
from migkg.report.page import Page

LATE = {"validation"}  # parts made once reasoning and validation are done


def _picture(page: Page, block, written: dict, staging: Path) -> dict:
    lang = page.lang
    data = specials.PICTURES[block.name](page, block, block.words(lang, page.values))
    svg, _ = pictures.svg(block.name, lang, data)
    file = f"figures/{block.name}.{lang}.svg"
    (staging / "figures").mkdir(exist_ok=True)
    written[file] = write_atomically(staging / file, svg, durable=False)
    title = block.text("title", lang, page.values)
    return {"name": block.name, "file": file, "title": title, "caption": block.text("caption", lang, page.values),
            "svg": pictures.inline(svg, f"{block.name}-{lang}", title)}


def early(page: Page, written: dict, staging: Path) -> dict:
    """The context of one language's pages, but for the parts that need reasoning and validation."""
    from migkg import __version__

    out = []
    for section in page.declarations.sections:
        if section.spec.get("when") == "data" and not page.facts.get("data"):
            continue  # a part about the user's own files (`migkg report --data`)
        blocks = []
        for block in section.blocks:
            if block.kind == "table":
                data = sections.table(block, page)
            elif block.kind == "picture":
                data = _picture(page, block, written, staging)
            elif block.name in LATE:
                data = None
            else:
                data = specials.SPECIALS[block.name](page, block)
            blocks.append({"kind": block.kind, "name": block.name, "data": data, "block": block})
        out.append({"id": section.id, "title": page.fill(section.spec["title"][page.lang]),
                    "intro": page.fill(section.spec["intro"][page.lang]), "blocks": blocks})
    referrals = page.rows("referral-pathways")
    mandates = specials.mandate_data(page, None)
    counts = {"overlaps": len(specials.situations(page, None)),
              "gaps": sum(len(k["gaps"]) for k in specials.gap_cards(page, None)),
              "empty_cells": mandates["empty_cells"], "cells": mandates["total"],
              "referrals": len(referrals),
              "missing_referrals": sum(1 for r in referrals if not r["status"].endswith("LinkPresent"))}
    return {"lang": page.lang, "t": page.t, "version": __version__, "toc": [(s["id"], s["title"]) for s in out],
            "sections": out, "counts": counts}


def late(page: Page, context: dict) -> None:
    """Add what reasoning and validation tell (``page.facts`` is complete by now)."""
    facts = page.facts
    for section in context["sections"]:
        for block in section["blocks"]:
            if block["kind"] == "special" and block["name"] in LATE:
                block["data"] = specials.SPECIALS[block["name"]](page, block["block"])
    context["facts"] = {"triples": facts["triples"], "inferred": facts["inferred"], "consistent": facts["consistent"],
                        "conforms": facts["validation"]["conforms"], "violations": facts["violations"]}

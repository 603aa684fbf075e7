"""``/navigate``: `migkg navigate` on a page. A form (every category of the graph, an optional
date), then the answer for the categories chosen: the same data as ``migkg navigate --format
json`` (``Accept: application/json``), its Markdown (``text/markdown``, ``text/plain``), or a
page drawn from the same lines as the terminal page (``navigate.render.to_lines``), with the
labels of the answer's resources linked to their pages and every source linked to its source
section. The answer is computed by ``migkg.navigate.answer`` on the server's graph (with its
``--data`` files); nothing is grouped here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from migkg.errors import InputError
from migkg.serve.graphview import SOURCE, local_path
from migkg.serve.web import HTTPProblem, answer, check_params, language, negotiate

OFFER = ["text/html", "application/xhtml+xml", "application/json", "text/markdown", "text/plain"]
TEXTS = {
    "en": {"navigate": "Navigate", "choose": "Categories", "date": "In force on (optional)", "show": "Show",
           "intro": "What the graph knows about a person in one or several migrant categories: mandated "
                    "institutions, statuses, coordination between the institutions, and what is known to go "
                    "wrong; every line with its sources.", "json": "JSON", "sources": "sources",
           "error": "Cannot answer"},
    "es": {"navigate": "Navegar", "choose": "Categorías", "date": "Vigente el (opcional)", "show": "Mostrar",
           "intro": "Lo que el grafo sabe de una persona en una o varias categorías migratorias: instituciones "
                    "con mandato, calidades migratorias, coordinación entre las instituciones y lo que se sabe "
                    "que falla; cada línea con sus fuentes.", "json": "JSON", "sources": "fuentes",
           "error": "No se puede responder"},
}


@dataclass
class Item:
    segments: list[tuple[str, str | None]]
    sources: list[tuple[str, str | None]]
    details: list[Item] = field(default_factory=list)


@dataclass
class Section:
    title: list[tuple[str, str | None]] | None
    items: list[Item] = field(default_factory=list)


@dataclass
class Part:
    title: str
    sections: list[Section] = field(default_factory=list)


def categories(ctx, lang: str) -> list[tuple[str, str, str]]:
    """(local name, IRI, label in ``lang``) of every category of the graph, by label."""
    cache = ctx.navigation
    if "known" not in cache:
        from migkg.navigate import known_categories

        cache["known"] = known_categories(ctx.graph)
    return sorted(((c.local, c.iri, ctx.view.label(c.iri, lang)) for c in cache["known"].values()),
                  key=lambda e: (e[2].casefold(), e[0]))


def source_links(ctx, lang: str) -> dict[str, str]:
    """The label (in ``lang``) of every resource cited with dcterms:source -> its IRI."""
    cache = ctx.navigation.setdefault("sources", {})
    if lang not in cache:
        found: dict[str, str] = {}
        for iri in sorted({q.object.value for q in ctx.graph.store.quads_for_pattern(None, SOURCE, None)
                           if isinstance(q.object, ox.NamedNode)}):
            labels = ctx.view.labels.get(iri, {})
            for text in (labels.get(lang), labels.get("en"), labels.get("")):
                if text:
                    found.setdefault(text, iri)
        cache[lang] = found
    return cache[lang]


def label_links(result: dict) -> dict[str, str]:
    """Every label in the answer whose resource's IRI sits beside it (``xLabel`` next to ``x``,
    ``xId`` next to ``x``) -> that IRI; the first IRI wins when two share a label."""
    found: dict[str, str] = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                for suffix in ("Label", "Id"):
                    if key.endswith(suffix) and isinstance(value, str) and value:
                        iri = node.get(key[: -len(suffix)])
                        if isinstance(iri, str) and iri.startswith(("http://", "https://")):
                            found.setdefault(value, iri)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(result)
    return found


def href(iri: str, lang: str) -> str:
    path = local_path(iri)
    return f"{path}?lang={lang}" if path else iri


def segments(text: str, links: dict[str, str], pattern: re.Pattern | None, lang: str) -> list[tuple[str, str | None]]:
    """``text`` cut into (text, link or None): each label of ``links`` found as a whole word links
    to its resource's page (longest labels first)."""
    if pattern is None:
        return [(text, None)]
    out: list[tuple[str, str | None]] = []
    at = 0
    for match in pattern.finditer(text):
        if match.start() > at:
            out.append((text[at:match.start()], None))
        out.append((match.group(), href(links[match.group()], lang)))
        at = match.end()
    if at < len(text):
        out.append((text[at:], None))
    return out


def page_parts(result: dict, ctx, lang: str) -> tuple[list, list[Item], list[Part]]:
    """The title, the notes and the four parts of the page, from ``render.to_lines``."""
    from migkg.navigate.render import to_lines

    links = label_links(result)
    pattern = (re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in sorted(links, key=len, reverse=True))
                          + r")(?!\w)") if links else None)
    sources = source_links(ctx, lang)
    title: list = []
    notes: list[Item] = []
    parts: list[Part] = []
    last: Item | None = None
    for kind, text, cited in to_lines(result):
        cells = segments(text, links, pattern, lang)
        if kind == "title":
            title = cells
            continue
        if kind == "part":
            parts.append(Part(text))
            last = None
            continue
        if not parts:
            if kind in ("item", "detail"):
                notes.append(Item(cells, []))
            continue
        part = parts[-1]
        if kind == "section":
            part.sections.append(Section(cells))
            last = None
            continue
        if not part.sections:
            part.sections.append(Section(None))
        item = Item(cells, [(s, href(sources[s], lang) if s in sources else None) for s in cited])
        if kind in ("detail", "quote") and last is not None:
            last.details.append(item)
        else:
            part.sections[-1].items.append(item)
            if kind == "item":
                last = item
    return title, notes, parts


async def navigate_page(request: Request) -> Response:
    from migkg import navigate
    from migkg.serve.pages import render

    check_params(request, {"category", "asOf", "lang"})
    lang = language(request)
    chosen = negotiate(request, OFFER)
    if chosen is None:
        raise HTTPProblem(406, f"no acceptable format; offered: {', '.join(OFFER)}")
    html = chosen in ("text/html", "application/xhtml+xml")
    given = [c.strip()[:200] for c in request.query_params.getlist("category") if c.strip()][:50]
    as_of = (request.query_params.get("asOf") or "").strip()[:40] or None
    ctx = request.app.state.ctx
    result = error = None
    if given:
        try:
            result = await run_in_threadpool(navigate.answer, given, lang, as_of, ctx.graph)
        except InputError as exc:
            if not html:
                raise HTTPProblem(400, str(exc)) from None
            error = str(exc)
    elif not html:
        raise HTTPProblem(400, "give one or more categories: ?category=NAME&category=NAME (local name, IRI or "
                               "label), and optionally asOf=YYYY-MM-DD")
    elif as_of is not None:
        try:
            navigate.check_date(as_of)
        except InputError as exc:
            error = str(exc)
    if chosen == "application/json":
        return answer(request, navigate.to_json(result) + "\n", chosen, vary="Accept, Accept-Language")
    if not html:  # as `migkg navigate --format md`
        from migkg.navigate.render import to_markdown

        return answer(request, to_markdown(result), chosen, vary="Accept, Accept-Language")
    known = await run_in_threadpool(categories, ctx, lang)
    picked = (set(result["request"]["categories"]) if result
              else {iri for local, iri, _ in known if local in given or iri in given})
    title, notes, parts = page_parts(result, ctx, lang) if result else ([], [], [])
    from urllib.parse import urlencode

    query = [("category", c) for c in given] + ([("asOf", as_of)] if as_of else [])
    other = "es" if lang == "en" else "en"
    return render(request, "navigate.html.j2", lang, status=400 if error else 200, n=TEXTS[lang], known=known,
                  picked=picked, as_of=as_of or "", error=error, title_cells=title, notes=notes, parts=parts,
                  other_href="/navigate?" + urlencode([*query, ("lang", other)]))

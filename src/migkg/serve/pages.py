"""The pages people read: home (search box, key figures, saved queries by theme), search
results, one page per resource (``/id/X``, ``/ontology/T``) with its RDF views by ``Accept``,
the 404 page, and ``/query`` (a form, the saved queries as examples, a results table).
Jinja templates in ``serve/templates``; the look is the report's stylesheet."""

from __future__ import annotations

import functools
import json
import re
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response

from migkg.core.namespaces import ID, MKG
from migkg.serve.graphview import ONTOLOGY, PREFIXES, local_path
from migkg.serve.web import HTTPProblem, answer, check_params, language, negotiate

RESOURCE_OFFER = {"text/html": None, "application/xhtml+xml": None, "text/turtle": ox.RdfFormat.TURTLE,
                  "application/ld+json": ox.RdfFormat.JSON_LD, "application/n-triples": ox.RdfFormat.N_TRIPLES}
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
TEXTS = {
    "en": {"search": "Search", "placeholder": "a label in English or Spanish", "figures": "Key figures",
           "queries": "Saved queries", "report": "The report", "ontology": "Ontology documentation",
           "editor": "Query editor", "properties": "Properties", "incoming": "Linked from", "sources": "Sources",
           "types": "Type", "notfound": "Nothing in the graph has this address.", "results": "results for",
           "other": "en español", "run": "Run", "examples": "Examples", "rows": "rows", "api": "API (OpenAPI)",
           "navigate": "Navigate by category", "evidence": "Evidence: the words of the sources"},
    "es": {"search": "Buscar", "placeholder": "una etiqueta en español o inglés", "figures": "Cifras clave",
           "queries": "Consultas guardadas", "report": "El informe", "ontology": "Documentación de la ontología",
           "editor": "Editor de consultas", "properties": "Propiedades", "incoming": "Enlazado desde",
           "sources": "Fuentes", "types": "Tipo", "notfound": "Nada en el grafo tiene esta dirección.",
           "results": "resultados para", "other": "in English", "run": "Ejecutar", "examples": "Ejemplos",
           "rows": "filas", "api": "API (OpenAPI)", "navigate": "Navegar por categoría",
           "evidence": "Evidencia: las palabras de las fuentes"},
}


# the query page's default query starts with the prefixes most queries of the graph use
DEFAULT_PREFIX_LINES = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in
                               ("mkg", "pe", "int", "cat", "place", "src", "rdfs", "skos", "dcterms")) + "\n"


@functools.cache
def templates() -> Environment:
    from pathlib import Path

    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    return env


def render(request: Request, name: str, lang: str, status: int = 200, **context) -> Response:
    other = "es" if lang == "en" else "en"
    other_href = context.pop("other_href", None) or (
        f"{request.url.path}?lang={other}" + ("&q=" + request.query_params["q"] if "q" in request.query_params
                                              else ""))
    page = templates().get_template(name).render(lang=lang, t=TEXTS[lang], other=other, other_href=other_href,
                                                 **context)
    return answer(request, page, "text/html", status=status, vary="Accept, Accept-Language")


async def home(request: Request) -> Response:
    check_params(request, {"lang"})
    lang = language(request)
    ctx = request.app.state.ctx
    return render(request, "home.html.j2", lang, figures=ctx.figures, themes=ctx.themes,
                  title=ctx.view.label(ID + "dataset", lang))


async def search(request: Request) -> Response:
    check_params(request, {"q", "lang"})
    lang = language(request)
    q = request.query_params.get("q", "")[:200]
    hits = request.app.state.ctx.view.search(q, lang) if q.strip() else []
    return render(request, "search.html.j2", lang, q=q, hits=hits)


def _iri_from_path(request: Request, prefix: str, namespace: str) -> str:
    """The IRI a path stands for, percent-decoding the raw path strictly (400 when malformed)."""
    raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
    rest = raw[len(prefix):]
    if _BAD_ESCAPE.search(rest):
        raise HTTPProblem(400, "malformed percent-encoding in the path")
    try:
        text = unquote_to_bytes(rest).decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPProblem(400, "the path is not percent-encoded UTF-8") from None
    if any(ord(c) < 32 or c in '<>"{}|\\^` ' for c in text) or ".." in text.split("/"):
        raise HTTPProblem(400, "not a resource path")
    return namespace + text


async def resource(request: Request) -> Response:
    path = request.url.path
    if path == "/ontology" or path == "/ontology/":
        iri = ONTOLOGY
    elif path.startswith("/ontology/"):
        iri = _iri_from_path(request, "/ontology/", MKG)
    else:
        iri = _iri_from_path(request, "/id/", ID)
    check_params(request, {"lang"})
    lang = language(request)
    chosen = negotiate(request, list(RESOURCE_OFFER))
    if chosen is None:
        raise HTTPProblem(406, f"no acceptable format; offered: {', '.join(RESOURCE_OFFER)}")
    view = request.app.state.ctx.view
    if not view.exists(iri):
        if RESOURCE_OFFER[chosen] is None:
            return render(request, "notfound.html.j2", lang, status=404, iri=iri)
        raise HTTPProblem(404, f"nothing in the graph has the IRI {iri}")
    fmt = RESOURCE_OFFER[chosen]
    if fmt is None:
        return render(request, "resource.html.j2", lang, d=view.describe(iri, lang), local_path=local_path)
    body = ox.serialize(view.statements(iri), format=fmt,
                        prefixes=None if fmt == ox.RdfFormat.N_TRIPLES else PREFIXES)
    return answer(request, body, chosen, vary="Accept, Accept-Language")


async def query_page(request: Request) -> Response:
    from migkg.serve.api import saved_queries
    from migkg.serve.endpoint import execute, query_form

    check_params(request, {"query", "example", "lang"})
    lang = language(request)
    text = request.query_params.get("query")
    example = request.query_params.get("example")
    examples = saved_queries()
    if text is None and example in examples:
        text = example_text(examples[example])
    table, graph_text, error, truncated = None, None, None, False
    if text and text.strip() and request.query_params.get("query") is not None:
        try:
            form = query_form(text)
            result = await execute(request, text, select="json", graph="turtle")
            truncated = result.truncated
            if form in ("CONSTRUCT", "DESCRIBE"):
                graph_text = result.body.decode("utf-8")
            else:
                table = _table(json.loads(result.body), request.app.state.ctx.view, lang)
        except HTTPProblem as exc:
            error = f"{exc.status} {exc.message}"
    default = DEFAULT_PREFIX_LINES + "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20"
    # the queries' texts for YASGUI's examples list, safe inside <script> (no "<" at all)
    examples_json = json.dumps({name: example_text(q) for name, q in examples.items()}).replace("<", "\\u003c")
    # for query.js: the graph's prefixes (YASQE's completion, YASR's short names; no prefix.cc) and
    # which IRIs have a page on this server (YASR's links rewritten to them)
    yasgui_json = json.dumps({"prefixes": PREFIXES, "local": {ID: "/id/", MKG: "/ontology/"},
                              "ontology": [ONTOLOGY, "/ontology"]}).replace("<", "\\u003c")
    ran = request.query_params.get("query") is not None
    return render(request, "query.html.j2", lang, text=text or default, examples=examples, table=table,
                  examples_json=examples_json, yasgui_json=yasgui_json, ran=ran,
                  graph_text=graph_text, error=error, truncated=truncated,
                  status=400 if error and error.startswith("4") else 200)


@functools.cache
def _example_text(saved) -> str:
    from migkg.sparql import with_values_block

    try:
        return with_values_block(saved.text, saved.ox_bindings())
    except Exception:  # a query without a WHERE clause: as written
        return saved.text


def example_text(saved) -> str:
    """A saved query as an example: its text with the parameters' defaults bound (VALUES)."""
    return _example_text(saved)


def _table(data: dict, view, lang: str) -> dict:
    if "boolean" in data:
        return {"columns": ["ask"], "rows": [[{"text": str(data["boolean"]).lower(), "href": None}]]}
    columns = data["head"]["vars"]
    rows = []
    for binding in data["results"]["bindings"]:
        row = []
        for column in columns:
            cell = binding.get(column)
            if cell is None:
                row.append({"text": "", "href": None})
            elif cell["type"] == "uri":
                iri = cell["value"]
                row.append({"text": view.label(iri, lang), "href": local_path(iri) or iri})
            else:
                row.append({"text": cell["value"], "href": None})
        rows.append(row)
    return {"columns": columns, "rows": rows}

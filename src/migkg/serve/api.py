"""The saved-query API, as grlc does it: every ``queries/**/*.rq`` file is an operation.

``/api/queries`` lists the catalogue; ``/api/queries/{name}?param=value`` runs one with its
parameters bound as RDF terms (``SavedQuery.ox_bindings``: the same terms and the same rows as
``migkg query``), SPARQL JSON by default or CSV/TSV by ``Accept``, paged by ``limit`` and
``offset``; ``/api/openapi.json`` is an OpenAPI 3 document made from the ``#+`` headers.
"""

from __future__ import annotations

import functools
import json

from starlette.requests import Request
from starlette.responses import Response

from migkg import __version__
from migkg.serve.endpoint import run_query
from migkg.serve.web import HTTPProblem, answer, check_params, negotiate

API_OFFER = {"application/sparql-results+json": "json", "application/json": "json", "text/csv": "csv",
             "text/tab-separated-values": "tsv", "application/sparql-results+xml": "xml"}
PAGING = ("limit", "offset")
_SCHEMAS = {
    "iri": {"type": "string", "format": "uri"},
    "string": {"type": "string"},
    "language": {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"},
    "date": {"type": "string", "format": "date"},
    "integer": {"type": "integer"},
}


@functools.cache
def saved_queries() -> dict:
    from migkg.queries import catalogue

    return {q.name: q for q in catalogue()}


async def list_queries(request: Request) -> Response:
    check_params(request, set())
    body = json.dumps([{**q.as_dict(), "path": f"/api/queries/{q.name}"} for q in saved_queries().values()],
                      ensure_ascii=False, indent=1)
    return answer(request, body, "application/json", vary="Accept")


def _count(request: Request, key: str) -> int | None:
    value = request.query_params.get(key)
    if value is None:
        return None
    if not value.isdigit() or len(value) > 9:
        raise HTTPProblem(400, f"{key} must be a whole number, not {value[:20]!r}")
    return int(value)


async def run_saved(request: Request) -> Response:
    from migkg.queries import QueryError
    from migkg.sparql import QueryFailed, with_values_block

    name = request.path_params["name"]
    saved = saved_queries().get(name)
    if saved is None:
        raise HTTPProblem(404, f"no saved query {name[:80]!r}; see /api/queries")
    check_params(request, {p.name for p in saved.params} | set(PAGING))
    given: dict[str, str | list[str]] = {}
    for param in saved.params:
        values = request.query_params.getlist(param.name)
        if values:
            given[param.name] = values if param.multiple else (values[0] if len(values) == 1 else values)
    try:
        bindings = saved.ox_bindings(given)
        text = with_values_block(saved.text, bindings)
    except (QueryError, QueryFailed) as exc:
        raise HTTPProblem(400, str(exc)) from None
    chosen = negotiate(request, list(API_OFFER))
    if chosen is None:
        raise HTTPProblem(406, f"no acceptable format; offered: {', '.join(API_OFFER)}")
    return await run_query(request, text, select=API_OFFER[chosen], graph="turtle",
                           offset=_count(request, "offset") or 0, limit=_count(request, "limit"))


def _parameter(param) -> dict:
    schema = dict(_SCHEMAS[param.type])
    if param.default is not None:
        schema["default"] = int(param.default) if param.type == "integer" else param.default
    if param.multiple:
        schema = {"type": "array", "items": schema}
    out = {"name": param.name, "in": "query", "required": False, "schema": schema,
           "description": param.description or f"{param.type} value"}
    if param.multiple:
        out.update(style="form", explode=True)
    return out


def openapi_document(base: str = "") -> dict:
    rows = {"description": "SPARQL 1.1 query results",
            "content": {"application/sparql-results+json": {"schema": {"type": "object"}},
                        "text/csv": {"schema": {"type": "string"}},
                        "text/tab-separated-values": {"schema": {"type": "string"}}}}
    one_line = {"content": {"text/plain": {"schema": {"type": "string"}}}}
    paging = [{"name": "limit", "in": "query", "required": False, "description": "At most this many rows",
               "schema": {"type": "integer", "minimum": 0}},
              {"name": "offset", "in": "query", "required": False, "description": "Skip this many rows first",
               "schema": {"type": "integer", "minimum": 0, "default": 0}}]
    paths: dict = {"/api/queries": {"get": {
        "operationId": "listQueries", "summary": "The saved query catalogue",
        "responses": {"200": {"description": "name, summary, description, tags, params of every saved query",
                              "content": {"application/json": {"schema": {"type": "array",
                                                                          "items": {"type": "object"}}}}}}}}}
    for name, saved in saved_queries().items():
        operation = {
            "operationId": "query_" + "".join(c if c.isalnum() else "_" for c in name),
            "summary": saved.summary or name,
            "description": saved.description or saved.summary or name,
            "tags": list(saved.tags) or ["queries"],
            "parameters": [_parameter(p) for p in saved.params] + paging,
            "responses": {"200": rows,
                          "400": {"description": "a parameter of the wrong type or unknown (one line)", **one_line},
                          "503": {"description": "the query ran past the time limit (one line)", **one_line}},
        }
        paths[f"/api/queries/{name}"] = {"get": operation}
    return {
        "openapi": "3.0.3",
        "info": {"title": "migkg saved queries", "version": __version__,
                 "description": "The saved SPARQL queries of the migkg knowledge graph; parameters are bound "
                                "as RDF terms."},
        "servers": [{"url": base or "/"}],
        "paths": paths,
    }


async def openapi(request: Request) -> Response:
    check_params(request, set())
    body = json.dumps(openapi_document(), ensure_ascii=False, indent=1)
    return answer(request, body, "application/json", vary="Accept")

"""``/sparql``: the SPARQL 1.1 Protocol, queries only.

GET with ``query=``; POST form-encoded (``query=``) or ``application/sparql-query``. Every update
form (``update=``, ``application/sparql-update``, an update text sent as a query) is refused
with 403 and nothing runs: the server calls only ``Store.query``, in a worker process, never
``Store.update``. ``SERVICE``, ``FROM``, ``FROM NAMED`` and ``LOAD`` are refused unless the
server was started with ``--allow-network``.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from migkg.serve.web import HTTPProblem, answer, negotiate, read_body
from migkg.serve.worker import GRAPH_TYPES, SOLUTION_TYPES, QueryTimeout, ServerBusy

SOLUTION_OFFER = {**{media: name for name, media in SOLUTION_TYPES.items()}, "application/json": "json",
                  "application/xml": "xml", "text/xml": "xml"}
GRAPH_OFFER = {**{media: name for name, media in GRAPH_TYPES.items()}, "application/x-turtle": "turtle",
               "text/plain": "nt", "application/json": "jsonld"}
PROTOCOL_PARAMS = {"query", "default-graph-uri", "named-graph-uri"}
# Result-format hints that common clients add (SPARQLWrapper: format, output, results); the
# format comes from Accept, so they are accepted and ignored rather than refused.
CLIENT_HINTS = {"format", "output", "results"}
READ_ONLY = "updates are refused: this server is read-only"
# Answers kept by query text and options: the graph does not change while the server runs, so an
# answer stays right. Only touched from the event loop (no lock needed); bounded in entries and size.
_ANSWERS: OrderedDict = OrderedDict()
_CACHE_ENTRIES = 256
_CACHE_BODY = 1024 * 1024
_COMMENTS_STRINGS = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")
_UPDATE_WORDS = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", re.IGNORECASE)
_QUERY_WORDS = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, or UPDATE for a text whose first keyword is an update's."""
    bare = _COMMENTS_STRINGS.sub(" ", text)
    query, update = _QUERY_WORDS.search(bare), _UPDATE_WORDS.search(bare)
    if update and (not query or update.start() < query.start()):
        return "UPDATE"
    return query.group(1).upper() if query else "SELECT"


def formats(request: Request, form: str) -> tuple[str, str, str]:
    """(select format, graph format, the media type chosen for this form); 406 when Accept
    allows none of the formats of the query's form."""
    select = negotiate(request, list(SOLUTION_OFFER))
    graph = negotiate(request, list(GRAPH_OFFER))
    wanted = graph if form in ("CONSTRUCT", "DESCRIBE") else select
    if wanted is None:
        offered = GRAPH_OFFER if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_OFFER
        raise HTTPProblem(406, f"no acceptable format for a {form} answer; offered: {', '.join(offered)}")
    return SOLUTION_OFFER.get(select or "", "json"), GRAPH_OFFER.get(graph or "", "turtle"), wanted


async def execute(request: Request, text: str, *, select: str, graph: str, offset: int = 0,
                  limit: int | None = None):
    """Check ``text`` (no update, no network unless allowed), run it in a worker: its Answer."""
    from migkg import sparql

    ctx = request.app.state.ctx
    if query_form(text) == "UPDATE":
        raise HTTPProblem(403, READ_ONLY)
    try:
        sparql.check_local(text, ctx.settings.allow_network)
    except sparql.NetworkClauseRefused as exc:
        message = str(exc).replace("give --allow-network", "start the server with --allow-network")
        raise HTTPProblem(403, message) from None
    job = {"query": text, "select": select, "graph": graph, "max_rows": ctx.settings.max_rows,
           "offset": offset, "limit": limit}
    key = tuple(job.values())
    cached = _ANSWERS.get(key)
    if cached is not None:
        _ANSWERS.move_to_end(key)
        return cached
    try:
        result = await run_in_threadpool(ctx.pool.run, job)
    except QueryTimeout as exc:
        raise HTTPProblem(503, str(exc)) from None
    except ServerBusy as exc:
        raise HTTPProblem(503, str(exc), {"Retry-After": "5"}) from None
    except ValueError as exc:
        raise HTTPProblem(400, f"query failed: {exc}") from None
    if len(result.body) <= _CACHE_BODY:
        _ANSWERS[key] = result
        while len(_ANSWERS) > _CACHE_ENTRIES:
            _ANSWERS.popitem(last=False)
    return result


def truncation_headers(request: Request, result) -> dict:
    if result.truncated:
        return {"Migkg-Results-Truncated": f"cut at {request.app.state.ctx.settings.max_rows} rows (--max-rows)"}
    return {}


async def run_query(request: Request, text: str, *, select: str, graph: str, offset: int = 0,
                    limit: int | None = None) -> Response:
    result = await execute(request, text, select=select, graph=graph, offset=offset, limit=limit)
    return answer(request, result.body, result.media_type, vary="Accept", max_age=60,
                  headers=truncation_headers(request, result))


def _one(values: dict[str, list[str]], key: str) -> str | None:
    got = values.get(key) or []
    if len(got) > 1:
        raise HTTPProblem(400, f"give {key} once, not {len(got)} times")
    return got[0] if got else None


async def sparql_endpoint(request: Request) -> Response:
    if request.method == "GET":
        fields = {k: request.query_params.getlist(k) for k in request.query_params.keys()}
        if "update" in fields:
            raise HTTPProblem(403, READ_ONLY)
    else:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await read_body(request)
        if content_type == "application/sparql-update":
            raise HTTPProblem(403, READ_ONLY)
        if content_type == "application/x-www-form-urlencoded":
            try:
                fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                                  errors="strict", max_num_fields=20)
            except (UnicodeDecodeError, ValueError):
                raise HTTPProblem(400, "form body is not valid percent-encoded UTF-8") from None
            if "update" in fields:
                raise HTTPProblem(403, READ_ONLY)
        elif content_type == "application/sparql-query":
            try:
                fields = {"query": [body.decode("utf-8")]}
            except UnicodeDecodeError:
                raise HTTPProblem(400, "query body is not UTF-8") from None
            for key in request.query_params.keys():
                fields.setdefault(key, request.query_params.getlist(key))
        else:
            raise HTTPProblem(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded")
    unknown = sorted(set(fields) - PROTOCOL_PARAMS - CLIENT_HINTS)
    if unknown:
        raise HTTPProblem(400, f"unknown parameter {unknown[0][:40]!r}; /sparql takes: query, "
                               "default-graph-uri, named-graph-uri")
    if fields.get("default-graph-uri") or fields.get("named-graph-uri"):
        raise HTTPProblem(400, "default-graph-uri and named-graph-uri are not supported: the server has one graph")
    text = _one(fields, "query")
    if not text or not text.strip():
        raise HTTPProblem(400, "give a SPARQL query in the query parameter (see /query for an editor)")
    form = query_form(text)
    if form == "UPDATE":
        raise HTTPProblem(403, READ_ONLY)
    select, graph, _ = formats(request, form)
    return await run_query(request, text, select=select, graph=graph)

"""The Starlette application: the routes, the shared state, the error answers, the report."""

from __future__ import annotations

import io
import multiprocessing
import shutil
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from migkg.serve import api, endpoint, navigation, pages
from migkg.serve.graphview import GraphView
from migkg.serve.web import HTTPProblem, Settings, check_params, problem

STATIC = Path(__file__).parent / "static"
REPORT_CSS = Path(__file__).parent.parent / "report" / "templates" / "report.css"


def _build_report(output: str) -> None:  # in a process of its own (netguard, rich stay there)
    from rich.console import Console

    from migkg.report import build_report

    build_report(Path(output), Console(file=io.StringIO(), width=100))


@dataclass
class ReportFolder:
    """The report, built once into a temporary folder on the first request for it."""

    root: Path | None = None
    error: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _temp: str | None = None

    def get(self) -> Path:
        with self._lock:
            if self.root is None and self.error is None:
                self._temp = tempfile.mkdtemp(prefix="migkg-serve-report-")
                out = Path(self._temp) / "report"
                process = multiprocessing.get_context("spawn").Process(target=_build_report, args=(str(out),))
                process.start()
                process.join(900)
                if process.is_alive():
                    process.kill()
                if process.exitcode == 0 and (out / "index.html").is_file():
                    self.root = out.resolve()
                else:
                    self.error = "the report could not be built; run `migkg report` to see why"
        if self.error:
            raise HTTPProblem(500, self.error)
        return self.root

    def cleanup(self) -> None:
        if self._temp:
            shutil.rmtree(self._temp, ignore_errors=True)


@dataclass
class Context:
    settings: Settings
    pool: object
    view: GraphView
    figures: dict
    themes: list
    report: ReportFolder
    graph: object = None  # the GraphStore (the project's graph and the --data files)
    navigation: dict = field(default_factory=dict)  # /navigate's caches: categories, sources by label


def make_context(settings: Settings, pool) -> Context:
    from migkg.graphstore import with_data
    from migkg.info import describe

    gs = with_data([*settings.data])
    summary = describe(gs)
    individuals = sum(n for _, n in summary.individuals_per_class)
    count = "/query?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
    numbers = [(summary.triples, count),
               (summary.classes, "/report/ontology/"), (summary.properties, "/report/ontology/"),
               (individuals, "/report/"), (len(summary.sources_cited), "/report/")]
    names = {"en": ["triples", "classes", "properties", "individuals", "source documents cited"],
             "es": ["tripletas", "clases", "propiedades", "individuos", "documentos fuente citados"]}
    figures = {lang: [(name, value, href) for name, (value, href) in zip(names[lang], numbers, strict=True)]
               for lang in names}
    by_theme = defaultdict(list)
    for saved in api.saved_queries().values():
        by_theme[saved.path.parent.name].append(saved)
    return Context(settings, pool, GraphView(gs.store), figures, sorted(by_theme.items()), ReportFolder(), gs)


async def report(request: Request) -> Response:
    check_params(request, set())
    raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
    if raw == "/report":
        return RedirectResponse("/report/", status_code=301)
    rest = unquote(raw[len("/report/"):], errors="strict") if "%" in raw else raw[len("/report/"):]
    parts = rest.split("/")
    if any(p in ("..", ".") or "\\" in p or "\x00" in p for p in parts) or rest.startswith("/"):
        raise HTTPProblem(400, "not a path inside the report")
    from starlette.concurrency import run_in_threadpool

    root = await run_in_threadpool(request.app.state.ctx.report.get)
    target = (root / rest).resolve()
    if not target.is_relative_to(root):
        raise HTTPProblem(400, "not a path inside the report")
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        raise HTTPProblem(404, f"no such file in the report: /report/{rest[:100]}")
    return FileResponse(target, headers={"Cache-Control": "public, max-age=300"})


async def report_css(request: Request) -> Response:
    return FileResponse(REPORT_CSS, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


async def _problem(request: Request, exc: HTTPProblem) -> Response:
    return problem(exc.status, exc.message, exc.headers)


async def _http_exception(request: Request, exc: HTTPException) -> Response:
    messages = {404: f"no such address: {request.url.path[:100]}", 405: f"method {request.method} not allowed here"}
    return problem(exc.status_code, messages.get(exc.status_code, exc.detail), dict(exc.headers or {}))


async def _server_error(request: Request, exc: Exception) -> Response:
    return problem(500, f"internal error ({type(exc).__name__})")


async def _bad_unicode(request: Request, exc: UnicodeDecodeError) -> Response:
    return problem(400, "malformed percent-encoding")


def create_app(settings: Settings, pool) -> Starlette:
    routes = [
        Route("/", pages.home, methods=["GET", "HEAD"]),
        Route("/search", pages.search, methods=["GET", "HEAD"]),
        Route("/id/{rest:path}", pages.resource, methods=["GET", "HEAD"]),
        Route("/ontology", pages.resource, methods=["GET", "HEAD"]),
        Route("/ontology/{rest:path}", pages.resource, methods=["GET", "HEAD"]),
        Route("/sparql", endpoint.sparql_endpoint, methods=["GET", "HEAD", "POST"]),
        Route("/query", pages.query_page, methods=["GET", "HEAD"]),
        Route("/navigate", navigation.navigate_page, methods=["GET", "HEAD"]),
        Route("/api/queries", api.list_queries, methods=["GET", "HEAD"]),
        Route("/api/openapi.json", api.openapi, methods=["GET", "HEAD"]),
        Route("/api/queries/{name:path}", api.run_saved, methods=["GET", "HEAD"]),
        Route("/report", report, methods=["GET", "HEAD"]),
        Route("/report/{rest:path}", report, methods=["GET", "HEAD"]),
        Route("/static/report.css", report_css, methods=["GET", "HEAD"]),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
    middleware = []
    if settings.cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=[settings.cors], allow_methods=["GET", "POST"],
                                     allow_headers=["Accept", "Content-Type", "Accept-Language"]))
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={
        HTTPProblem: _problem, HTTPException: _http_exception, UnicodeDecodeError: _bad_unicode,
        Exception: _server_error})
    app.state.ctx = make_context(settings, pool)
    return app

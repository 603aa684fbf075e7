"""`migkg serve`: the graph over HTTP, read-only, on 127.0.0.1 unless told otherwise.

Why these components: Starlette (routing, requests, responses, static files, CORS) and uvicorn
(the HTTP server: the protocol parsing is httptools'/h11's, not ours) are small, widely used and
actively maintained (the Encode project; Starlette is FastAPI's base), with no code generation
and few dependencies (anyio, h11, click). A user's SPARQL query never runs in the server process:
it runs in a worker process (``worker``) that is killed at the time limit, so a runaway query
cannot stop the server answering. Modules: ``app`` (routes, state, report), ``pages`` and
``graphview`` (HTML pages and RDF views of resources), ``endpoint`` (SPARQL 1.1 Protocol),
``api`` (saved queries, OpenAPI), ``navigation`` (``/navigate``: `migkg navigate` as a page),
``web`` (negotiation, limits, caching headers), ``results``. With ``--data`` the server and its
workers all read the same merged graph (``graphstore.with_data``).
"""

from __future__ import annotations

import ipaddress
import socket

from migkg.errors import MigkgError
from migkg.serve.web import Settings

__all__ = ["ServeError", "Settings", "is_loopback", "listen", "run"]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ServeError(MigkgError):
    """The server cannot start (the address is taken, not this machine's, ...)."""


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` (0: any free port), or a one-line error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, as asyncio sets TCP_NODELAY only on such sockets (else Nagle adds ~40 ms per answer)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def run(settings: Settings, say=print) -> None:
    """Bind, start the query workers, build the app, serve until interrupted, then stop the workers."""
    import uvicorn

    from migkg.serve.app import create_app
    from migkg.serve.worker import QueryPool

    sock = listen(settings.host, settings.port)
    pool = app = None
    try:
        pool = QueryPool(settings.workers, settings.query_timeout, settings.data)
        app = create_app(settings, pool)
        pool.wait_ready()
        host, port = sock.getsockname()[:2]
        if not is_loopback(settings.host):
            say(f"migkg serve: WARNING: listening on {settings.host}, not only this machine: anyone who can "
                f"reach it can read the graph and run queries")
        shown = f"[{host}]" if ":" in host else host
        say(f"migkg serve: http://{shown}:{port}/ (read-only; Ctrl-C stops)")
        config = uvicorn.Config(app, host=settings.host, port=port, log_level="warning", access_log=False,
                                server_header=False, timeout_graceful_shutdown=5)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        if pool is not None:
            pool.close()
        if app is not None:
            app.state.ctx.report.cleanup()

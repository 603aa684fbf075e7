"""Servers for the store tests, all on 127.0.0.1 only.

- ``OxigraphServer``: a real ``oxigraph serve`` (the ``oxigraph`` PyPI package, a test
  dependency) on a free port, with its data in a folder so that it can be stopped and
  started again with the same content.
- ``StatusServer``: a tiny ``http.server`` that answers every request with a fixed status
  chosen by the first path segment (``/401/...``, ``/403/...``, ``/500/...``, ``/slow/...``),
  and records the Authorization headers it saw.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def refusing_port():
    """A port on 127.0.0.1 that refuses connections for as long as the block runs: bound (so no
    other test or xdist worker can take it meanwhile) but not listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        yield sock.getsockname()[1]


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("oxigraph")


# A direct opener: no proxy from the environment can take test traffic off this machine.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class QuietErrors:
    """For the servers below, which run in the test's process: a client that gave up (as a test
    asked it to) is no error; any other failed answer is printed on the process's own stderr, never
    on the stderr of a command run in-process (CliRunner), whose lines the tests count."""

    def handle_error(self, request, client_address) -> None:
        import traceback

        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        stream = sys.__stderr__
        if stream is not None:
            stream.write(f"test server on {HOST}: error while answering {client_address}:\n{traceback.format_exc()}")


def http(method: str, url: str, data: bytes | None = None, headers: dict | None = None, timeout: float = 30):
    """(status, body) of one request; HTTP errors are returned, not raised."""
    assert urllib.parse.urlsplit(url).hostname == HOST, url
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class OxigraphServer:
    def __init__(self, location: Path, binary: str):
        self.location = Path(location)
        self.binary = binary
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log = self.location.parent / f"{self.location.name}.log"

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def store(self) -> str:
        return self.base + "/store"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        return self.base + "/update"

    def start(self, timeout: float = 30.0) -> OxigraphServer:
        for _attempt in range(3):  # a port picked as free can be taken before the server binds it
            self.port = free_port()
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [self.binary, "serve", "--location", str(self.location), "--bind", f"{HOST}:{self.port}"],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break
                try:
                    status, _ = http("GET", self.base + "/", timeout=1)
                    if status < 500:
                        return self
                except OSError:
                    time.sleep(0.05)
            self.stop()
        log = self.log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"oxigraph serve did not start; see {self.log}:\n{log}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    # Reading the store directly, to check what a load did ------------------------------

    def select(self, query: str) -> list[dict]:
        status, body = http("POST", self.query_url, data=urllib.parse.urlencode({"query": query}).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded",
                                     "Accept": "application/sparql-results+json"})
        assert status == 200, body
        return json.loads(body)["results"]["bindings"]

    def graph_names(self) -> set[str]:
        return {row["g"]["value"] for row in self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}

    def get_graph(self, graph: str | None) -> bytes:
        where = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
        status, body = http("GET", f"{self.store}?{where}", headers={"Accept": "application/n-triples"})
        return body if status == 200 else b""

    def put_graph(self, graph: str | None, ntriples: bytes) -> None:
        where = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
        status, body = http("PUT", f"{self.store}?{where}", data=ntriples,
                            headers={"Content-Type": "application/n-triples"})
        assert status in (200, 201, 204), body


class _StatusHandler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # read the upload fully before answering
        self.server.seen.append((self.command, self.path, self.headers.get("Authorization")))
        first = self.path.strip("/").split("/")[0].split("?")[0]
        if first == "slow":
            time.sleep(self.server.slow_seconds)
            code = 204
        else:
            code = int(first) if first.isdigit() else 404
        body = b"" if code == 204 else f"status {code} from the test server\nsecond line\n".encode()
        self.send_response(code)
        if code == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="migkg-test"')
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = _answer


class _Server(QuietErrors, ThreadingHTTPServer):
    daemon_threads = True
    seen: list
    slow_seconds: float


class StatusServer:
    def __init__(self, slow_seconds: float = 5.0):
        self.httpd = _Server((HOST, 0), _StatusHandler)
        self.httpd.seen = []
        self.httpd.slow_seconds = slow_seconds
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.httpd.server_address[1]}"

    @property
    def seen(self) -> list:
        return self.httpd.seen

    def __enter__(self) -> StatusServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- a pass-through that misbehaves on cue ---------------------------------------------

class Fault:
    """What the proxy does, once, to the first request that ``matches(method, path, body)``:

    - ``status``: answer with that status (and ``Retry-After`` when given), not forwarding;
    - ``commit_then_hang``: forward the request (the store carries it out), then say nothing
      for ``seconds`` so that the client times out;
    - ``hang_then_drop``: say nothing for ``seconds``, then close without forwarding.
    """

    def __init__(self, matches, status: int | None = None, retry_after: str | None = None,
                 commit_then_hang: float | None = None, hang_then_drop: float | None = None):
        self.matches = matches
        self.status = status
        self.retry_after = retry_after
        self.commit_then_hang = commit_then_hang
        self.hang_then_drop = hang_then_drop
        self.used = False


class _ProxyHandler(BaseHTTPRequestHandler):
    server: _ProxyServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        text = body.decode("utf-8", "replace")
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            text = " ".join(v for values in urllib.parse.parse_qs(text).values() for v in values)
        with self.server.lock:
            fault = next((f for f in self.server.faults if not f.used and f.matches(self.command, self.path, text)),
                         None)
            if fault is not None:
                fault.used = True
            self.server.seen.append((time.monotonic(), self.command, self.path, text))
        if fault is not None and fault.hang_then_drop is not None:
            time.sleep(fault.hang_then_drop)
            self.close_connection = True
            return
        if fault is not None and fault.status is not None:
            payload = f"status {fault.status} from the test proxy\n".encode()
            self.send_response(fault.status)
            if fault.retry_after is not None:
                self.send_header("Retry-After", fault.retry_after)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() in ("content-type", "accept", "authorization")}
        status, answer_headers, payload = _forward(self.command, self.server.upstream + self.path, body or None,
                                                   headers)
        if fault is not None and fault.commit_then_hang is not None:
            time.sleep(fault.commit_then_hang)
            self.close_connection = True
            return
        self.send_response(status)
        for key in ("Content-Type", "WWW-Authenticate", "Retry-After"):
            if answer_headers.get(key):
                self.send_header(key, answer_headers[key])
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = _answer


def _forward(method: str, url: str, data: bytes | None, headers: dict):
    assert urllib.parse.urlsplit(url).hostname == HOST, url
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with _OPENER.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


class _ProxyServer(QuietErrors, ThreadingHTTPServer):
    daemon_threads = True
    upstream: str
    faults: list
    seen: list
    lock: threading.Lock


class FaultyProxy:
    """In front of ``upstream`` (e.g. an OxigraphServer's base URL), on 127.0.0.1."""

    def __init__(self, upstream: str, faults: list[Fault]):
        self.httpd = _ProxyServer((HOST, 0), _ProxyHandler)
        self.httpd.upstream = upstream
        self.httpd.faults = faults
        self.httpd.seen = []
        self.httpd.lock = threading.Lock()
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.httpd.server_address[1]}"

    @property
    def seen(self) -> list:
        """(monotonic time, method, path, body or form values) of every request, in order."""
        return list(self.httpd.seen)

    def __enter__(self) -> FaultyProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

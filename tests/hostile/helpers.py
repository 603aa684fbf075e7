"""Shared helpers for the hostile-input tests: `migkg` run in-process (click's CliRunner; the real
console script is run by test_interrupted.py, where signals need a process), and a recording HTTP
server on 127.0.0.1 that shows whether anything was fetched."""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.servers import QuietErrors

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MIGKG = Path(sys.executable).parent / "migkg"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


def _changes(env: dict | None) -> dict[str, str | None]:
    """The environment of a run: no MIGKG_ setting of the developer's (but the test run's cache
    folder), no proxy (a refused connection must be refused by migkg, not by a missing proxy),
    wide lines, then ``env``. None removes a variable."""
    changes: dict[str, str | None] = {k: None for k in os.environ
                                      if k.startswith("MIGKG_") and k != "MIGKG_CACHE_DIR"}
    changes.update(dict.fromkeys(PROXY_VARIABLES))
    changes["NO_PROXY"] = changes["no_proxy"] = "*"
    changes["COLUMNS"] = "200"
    changes.update(env or {})
    return changes


def run_migkg(*args: str, cwd: Path, env: dict | None = None):
    """`migkg ARGS` in-process (exit code, stdout and stderr as from the console script)."""
    from tests.conftest import run_cli

    return run_cli(*args, cwd=cwd, env=_changes(env))


def one_line_error(result) -> str:
    """The single `migkg: ...` line on stderr (and nothing else there, no traceback)."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("migkg: "), result.stderr
    return lines[0]


def copy_fixture(name: str, folder: Path, port: int | None = None) -> Path:
    """A copy of a fixture in ``folder`` (the working directory of the run), with PORT filled in."""
    target = folder / name
    if port is None:
        shutil.copyfile(FIXTURES / name, target)
    else:
        target.write_bytes((FIXTURES / name).read_bytes().replace(b"PORT", str(port).encode()))
    return target


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


EMPTY_RESULTS = json.dumps({"head": {"vars": ["s", "p", "o"]}, "results": {"bindings": []}}).encode()


class _RecorderServer(QuietErrors, ThreadingHTTPServer):
    daemon_threads = True


class Recorder:
    """An HTTP server on 127.0.0.1 that records every request it receives and answers with an
    empty SPARQL result set (or a JSON-LD context)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                recorder.requests.append(f"{self.command} {self.path}")
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                if "context" in self.path:
                    body, kind = b'{"@context": {"name": "https://schema.org/name"}}', "application/ld+json"
                else:
                    body, kind = EMPTY_RESULTS, "application/sparql-results+json"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = _RecorderServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

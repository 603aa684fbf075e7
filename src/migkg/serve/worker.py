"""Query worker processes: every SPARQL query of the server runs in one of these.

A query that runs past its time limit cannot be interrupted inside pyoxigraph, so it runs in a
process of its own that the server kills and replaces; the server process itself never runs a
user's query and keeps answering. Each worker reads the graph once (a fraction of a second) and
answers jobs from a pipe: the query text (parameters already bound as a VALUES block), the
formats wanted, a row limit. The answer is the serialised body, never live objects.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass

import pyoxigraph as ox

# Results formats: the name used in jobs, its media type.
SOLUTION_TYPES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_TYPES = {"turtle": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}
_RDF = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}


class QueryTimeout(Exception):
    """The query ran past its time limit (the worker was stopped)."""


class ServerBusy(Exception):
    """No worker became free within the time limit."""


@dataclass
class Answer:
    media_type: str
    body: bytes
    rows: int
    truncated: bool


# --- in the worker process ------------------------------------------------------------------

def run_job(store: ox.Store, job: dict) -> Answer:
    """Run one query on ``store``; SELECT/ASK in ``job['select']``'s format, CONSTRUCT/DESCRIBE in
    ``job['graph']``'s. At most ``max_rows`` rows (or triples), after ``offset``, up to ``limit``."""
    from migkg.serve import results

    result = store.query(job["query"], use_default_graph_as_union=True)
    max_rows, offset, limit = job["max_rows"], job.get("offset", 0), job.get("limit")
    if isinstance(result, (bool, ox.QueryBoolean)):
        fmt = job["select"]
        body = results.write_boolean(bool(result), fmt)
        return Answer(SOLUTION_TYPES[fmt], body, 1, False)
    cap = max_rows if limit is None else min(max_rows, limit)
    truncated = False
    taken: list = []
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        for index, solution in enumerate(result):
            if index < offset:
                continue
            if len(taken) >= cap:
                truncated = len(taken) >= max_rows
                break
            taken.append([solution[v] for v in variables])
        fmt = job["select"]
        return Answer(SOLUTION_TYPES[fmt], results.write(variables, taken, fmt), len(taken), truncated)
    for triple in result:
        if len(taken) >= max_rows:
            truncated = True
            break
        taken.append(triple)
    fmt = job["graph"]
    from migkg.serve.graphview import PREFIXES

    body = ox.serialize(taken, format=_RDF[fmt], prefixes=PREFIXES if fmt != "nt" else None)
    return Answer(GRAPH_TYPES[fmt], body, len(taken), truncated)


def main(conn, data: tuple[str, ...] = ()) -> None:
    """The worker's loop: read the graph (with the ``--data`` files, as the server does), then
    answer jobs until the pipe closes."""
    from migkg.graphstore import with_data

    store = with_data([*data]).store
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            conn.send(("ok", run_job(store, job)))
        except Exception as exc:  # the one line goes back to the client as a 400
            lines = str(exc).strip().splitlines()
            conn.send(("error", lines[0] if lines else type(exc).__name__))


# --- in the server process ------------------------------------------------------------------

class _Worker:
    def __init__(self, context, data: tuple[str, ...] = ()):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=main, args=(child, tuple(data)), daemon=True,
                                       name="migkg-query-worker")
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        if not self.ready:
            if not self.conn.poll(timeout):
                raise ServerBusy("query worker did not start")
            self.conn.recv()
            self.ready = True

    def stop(self) -> None:
        try:
            self.conn.close()
        finally:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)


class QueryPool:
    """A few worker processes; a job waits for a free one, runs with a time limit, and a worker
    that runs past it is killed and replaced (in the background) while the others go on."""

    def __init__(self, size: int = 2, timeout: float = 30.0, data: tuple[str, ...] = ()):
        self.timeout = timeout
        self.data = tuple(str(p) for p in data)  # the `--data` files every worker reads with the graph
        self._context = multiprocessing.get_context("spawn")  # a fresh interpreter: safe beside threads
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._context, self.data)
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _drop(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        if not self._closed:
            threading.Thread(target=self._add, daemon=True).start()

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Block until every worker has read the graph (for start-up)."""
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            worker.wait_ready(timeout)

    def run(self, job: dict, timeout: float | None = None) -> Answer:
        """Blocking: the answer, or QueryTimeout / ServerBusy / ValueError (the query's error)."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty:
            raise ServerBusy(f"no query worker free within {limit:g} s; try again") from None
        try:
            worker.wait_ready(max(0.1, deadline - time.monotonic()) + 10)
            worker.conn.send(job)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                raise QueryTimeout(f"query stopped after the time limit of {limit:g} s")
            status, value = worker.conn.recv()
        except (QueryTimeout, ServerBusy, EOFError, OSError) as exc:
            self._drop(worker)
            if isinstance(exc, (QueryTimeout, ServerBusy)):
                raise
            raise ServerBusy("the query worker stopped; try again") from None
        self._idle.put(worker)
        if status == "error":
            raise ValueError(value)
        return value

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()

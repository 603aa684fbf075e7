"""One all-or-nothing load through a staging graph (see ``migkg.load``): skolemisation, the
N-Triples lines, the steps with their retries, and ``load()``."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from rdflib import Graph

from migkg.load.endpoints import GraphStoreEndpoint, UpdateEndpoint, check_graph_iri, check_url
from migkg.load.problems import LoadError, first_line

STAGING_PREFIX = "urn:migkg:staging:"
SKOLEM_AUTHORITY = "https://w3id.org/migkg/"
SKOLEM_PATH = ".well-known/genid/"  # RFC 7511 / RDF 1.1 §3.5 skolem IRIs
CHUNK = 2000  # triples per INSERT DATA request (Virtuoso 7 refuses updates of ~800 kB)


@dataclass
class LoadResult:
    triples: int
    target: str
    staging: str
    method: str
    warnings: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)


# --- the load ----------------------------------------------------------------------------

def skolemise(graph: Graph) -> Graph:
    """The graph with every blank node replaced by a skolem IRI that depends only on the graph's
    content (its canonical form, RDFC-1.0: ``core.canon``), so that the same graph always gives
    the same IRIs: a request sent twice stores each triple once."""
    from rdflib import BNode

    from migkg.core.canon import skolemised_triples

    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    out = Graph()
    for prefix, iri in graph.namespaces():
        out.bind(prefix, iri)
    for triple in skolemised_triples(graph, SKOLEM_AUTHORITY + SKOLEM_PATH):
        out.add(triple)
    return out


def ntriples(graph: Graph) -> list[str]:
    data = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return sorted(line for line in data.splitlines() if line.strip())


def _chunks(lines: list[str], size: int) -> list[list[str]]:
    return [lines[i:i + size] for i in range(0, len(lines), size)] or [[]]


class Loader:
    """One all-or-nothing load. The steps are methods so that a test can make one fail."""

    def __init__(self, store: str | None = None, update: str | None = None, query: str | None = None,
                 graph: str | None = None, timeout: float = 60.0, retries: int = 3, max_wait: float = 120.0,
                 sleep=time.sleep):
        if not store and not update:
            raise LoadError("give --store URL (Graph Store Protocol) or --update URL (SPARQL Update), or both")
        self.gsp = GraphStoreEndpoint(check_url(store, "--store"), timeout) if store else None
        self.sparql = None
        self.lister = None  # a query endpoint, to find staging graphs (--cleanup)
        if update:
            self.sparql = UpdateEndpoint(check_url(update, "--update"), check_url(query or update, "--query"), timeout)
            self.lister = self.sparql
        elif query:
            self.lister = UpdateEndpoint(check_url(query, "--query"), query, timeout)
        self.target = check_graph_iri(graph) if graph else None
        self.staging = STAGING_PREFIX + str(uuid.uuid4())
        self.staging_may_exist = False  # nothing to remove until a request may have created it
        self.retries = retries
        self.max_wait = max_wait
        self.sleep = sleep
        self.retried: list[str] = []  # one line per retry, for the user

    def _persist(self, action, what: str, settled=None):
        """Run ``action``; when the store asked to wait (429, 503 + Retry-After) or gave no
        answer, wait and send it again, at most ``retries`` more times. After an unanswered
        request, ``settled()`` first reads the store: True means the request was carried out."""
        attempt = 0
        while True:
            try:
                return action()
            except LoadError as exc:
                if not (exc.transient or not exc.answered):
                    raise
                if attempt >= self.retries:
                    raise LoadError(f"{exc}; gave up after {attempt + 1} attempts (--retries {self.retries})",
                                    answered=exc.answered) from None
                wait = exc.retry_after if exc.retry_after is not None else min(2.0 ** attempt, self.max_wait)
                if wait > self.max_wait:
                    raise LoadError(f"{exc}; the store asks to retry after {wait:g} s (Retry-After), more than "
                                    f"--max-wait {self.max_wait:g} s", answered=exc.answered) from None
                self.retried.append(f"{what}: {exc}; retrying in {wait:g} s")
                self.sleep(wait)
                attempt += 1
                if settled is not None and not exc.answered:
                    try:
                        if settled():
                            return None
                    except LoadError as unread:
                        if unread.answered and not unread.transient:
                            raise

    @property
    def target_label(self) -> str:
        return f"<{self.target}>" if self.target else "the default graph"

    # The steps ----------------------------------------------------------------------------

    def upload(self, lines: list[str]) -> None:
        """Ground triples only (skolemised): sending a request again cannot duplicate anything."""
        what = "uploading to the staging graph"
        try:
            if self.gsp:
                payload = ("\n".join(lines) + "\n").encode("utf-8")
                self._persist(lambda: self.gsp.put(self.staging, payload, what), what)
                self.staging_may_exist = True
                return
            for chunk in _chunks(lines, CHUNK):
                text = f"INSERT DATA {{ GRAPH <{self.staging}> {{\n" + "\n".join(chunk) + "\n} }"
                self._persist(lambda text=text: self.sparql.update(text, what), what)
                self.staging_may_exist = True
        except LoadError as exc:
            # A request that got no answer may still have been carried out.
            self.staging_may_exist = self.staging_may_exist or not exc.answered
            raise

    def count(self) -> int:
        what = "counting the staging graph"
        if self.gsp:
            return self._persist(lambda: self.gsp.count(self.staging, what), what)
        return self._persist(lambda: self.sparql.count(self.staging, what), what)

    def move(self, lines: list[str]) -> list[str]:
        """Replace the target graph with the staging graph in one request; warnings back.
        After a move that got no answer, the store is read before the move is sent again."""
        what = f"moving the staging graph over {self.target_label}"
        expected = len(lines)
        if self.sparql:
            target = f"GRAPH <{self.target}>" if self.target else "DEFAULT"

            def moved() -> bool:
                # MOVE empties the staging graph, which held `expected` triples after the check.
                reading = "reading the staging graph after an unanswered move"
                left = self.gsp.count(self.staging, reading) if self.gsp else self.sparql.count(self.staging, reading)
                if left == 0:
                    return True
                if left == expected:
                    return False
                raise LoadError(f"{self.sparql.query_url}: after an unanswered move the staging graph holds {left} "
                                f"of {expected} triples: check {self.target_label}")

            self._persist(lambda: self.sparql.update(f"MOVE GRAPH <{self.staging}> TO {target}", what), what,
                          settled=moved)
            return []
        payload = ("\n".join(lines) + "\n").encode("utf-8")
        wanted = set(Graph().parse(data=payload.decode("utf-8"), format="nt"))

        def in_place() -> bool:
            return set(self.gsp.fetch(self.target, f"reading {self.target_label} after an unanswered move")) == wanted

        self._persist(lambda: self.gsp.put(self.target, payload, what), what, settled=in_place)
        try:
            self.drop_staging()
        except LoadError as exc:
            return [f"the load succeeded but the staging graph <{self.staging}> was not removed: {exc}"]
        return []

    def drop_staging(self, staging: str | None = None) -> None:
        staging = staging or self.staging
        what = f"removing the staging graph <{staging}>"
        if self.sparql:
            self._persist(lambda: self.sparql.update(f"DROP SILENT GRAPH <{staging}>", what), what)
        else:
            self._persist(lambda: self.gsp.delete(staging, what), what)

    def staging_graphs(self) -> list[str]:
        """Staging graphs in the store (left by loads that crashed, or running now)."""
        if self.lister is None:
            raise LoadError("--cleanup needs a query endpoint to find the staging graphs: give --update URL or "
                            "--query URL (the Graph Store Protocol cannot list graphs)")
        what = "listing the staging graphs"
        rows = self._persist(lambda: self.lister.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}', what), what)
        return sorted(row["g"]["value"] for row in rows if "g" in row)

    def cleanup(self) -> list[str]:
        """Remove every staging graph; the ones removed, back. Do not run it during a load."""
        found = self.staging_graphs()
        for staging in found:
            if self.sparql is None and self.gsp is None:
                raise LoadError("--cleanup needs --store URL or --update URL to remove the staging graphs")
            self.drop_staging(staging)
        return found

    # The whole ----------------------------------------------------------------------------

    def _cleanup(self) -> str:
        if not self.staging_may_exist:
            return ""
        try:
            self.drop_staging()
        except Exception:  # noqa: BLE001 - a cleanup must not hide the first failure
            return f"; the staging graph <{self.staging}> could not be removed: drop it when the store is back"
        return "; the staging graph was removed"

    def _failure(self, exc: BaseException, state: str) -> LoadError | None:
        """Remove the staging graph, then the one line for a failed step: what went wrong, the
        state of the target, and what the clean-up did. None for an interrupt (re-raised as is)."""
        cleanup = self._cleanup()
        if isinstance(exc, LoadError):
            return LoadError(f"{exc}; {state}{cleanup}")
        if isinstance(exc, Exception):
            return LoadError(f"load failed: {first_line(str(exc)) or type(exc).__name__}; {state}{cleanup}")
        return None

    def run(self, graph: Graph) -> LoadResult:
        graph = skolemise(graph)
        lines = ntriples(graph)
        expected = len(graph)
        method = ("Graph Store Protocol" if self.gsp else "SPARQL Update") + \
                 (" + SPARQL Update MOVE" if self.gsp and self.sparql else "")
        try:
            self.upload(lines)
            found = self.count()
            if found != expected:
                where = self.gsp.url if self.gsp else self.sparql.query_url
                raise LoadError(f"{where}: count mismatch: the staging graph holds {found} triples, "
                                f"expected {expected}")
        except BaseException as exc:
            failure = self._failure(exc, f"{self.target_label} was left unchanged")
            if failure is None:
                raise
            raise failure from None
        try:
            warnings = self.move(lines)
        except BaseException as exc:
            answered = getattr(exc, "answered", True) and isinstance(exc, LoadError)
            state = f"{self.target_label} was left unchanged" if answered else \
                f"the move was sent but not confirmed: check {self.target_label}"
            failure = self._failure(exc, state)
            if failure is None:
                raise
            raise failure from None
        return LoadResult(triples=expected, target=self.target or "", staging=self.staging, method=method,
                          warnings=warnings, retried=list(self.retried))


def load(graph: Graph, store: str | None = None, update: str | None = None, query: str | None = None,
         target: str | None = None, timeout: float = 60.0, **options) -> LoadResult:
    """Load ``graph`` into the store, all or nothing (see the docstring of ``migkg.load``)."""
    return Loader(store=store, update=update, query=query, graph=target, timeout=timeout, **options).run(graph)


"""Loading the graph into a triple store, all or nothing.

Two ways in, both standard:

* ``--store URL``: the SPARQL 1.1 Graph Store HTTP Protocol (GSP), over ``requests``.
* ``--update URL``: SPARQL 1.1 Update, through SPARQLWrapper, for stores without GSP.

Every load goes through a fresh staging graph ``urn:migkg:staging:<uuid>``:

1. upload: GSP ``PUT ?graph=staging`` (N-Triples), or ``INSERT DATA { GRAPH <staging> {…} }``
   in chunks (no blank nodes are left: see skolemisation below);
2. check: the store's triple count in the staging graph must equal the local count
   (GSP ``GET`` of the staging graph, or ``SELECT (COUNT(*) …)`` at ``--query``, which
   defaults to the ``--update`` URL);
3. move, in one request: ``MOVE <staging> TO <target>`` (or ``TO DEFAULT``) when an update
   endpoint is given; with ``--store`` alone, one GSP ``PUT`` of the checked content on the
   target graph, then ``DELETE`` of the staging graph.

Any failure before or in the move leaves the target graph as it was and removes the
staging graph (when the store can still be reached).

Retries cannot duplicate anything: blank nodes are skolemised first (deterministically, from
the canonical form of the graph, into ``https://w3id.org/migkg/.well-known/genid/…``), so every
request is idempotent (``INSERT DATA`` of ground triples, ``PUT``, ``DROP SILENT``). A request that
got no answer (a timeout, a dropped connection) is retried after reading what the store holds:
the move is not sent again when the staging graph is already gone (``MOVE``) or the target
already holds exactly the graph (``PUT``). ``429 Too Many Requests`` and ``503`` with a
``Retry-After`` wait as long as the store asks (up to ``--max-wait``). Staging graphs that a
crashed load left behind are listed and removed by ``migkg load --cleanup``. Credentials come from the
environment (``MIGKG_USER`` and ``MIGKG_PASSWORD``) or a netrc file (``$NETRC`` or
``~/.netrc``), never from arguments: HTTP Basic, or Digest when the server asks for it
(Virtuoso's ``/sparql-auth`` and ``/sparql-graph-crud-auth``).
Every problem becomes one ``LoadError`` line (exit code 2).
"""

from __future__ import annotations

import email.utils
import http.client
import netrc
import os
import re
import socket
import time
import urllib.error
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

from rdflib import Graph

from migkg.errors import MigkgError

STAGING_PREFIX = "urn:migkg:staging:"
SKOLEM_AUTHORITY = "https://w3id.org/migkg/"
SKOLEM_PATH = ".well-known/genid/"  # RFC 7511 / RDF 1.1 §3.5 skolem IRIs
CHUNK = 2000  # triples per INSERT DATA request (Virtuoso 7 refuses updates of ~800 kB)
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
RDF_TYPES = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}


class LoadError(MigkgError):
    """The load failed; the message says where, why and what state the store is in."""

    exit_code = 2

    def __init__(self, message: str, answered: bool = True, transient: bool = False,
                 retry_after: float | None = None):
        super().__init__(message)
        # False when a request may have reached the store but no answer came back.
        self.answered = answered
        # True when the store asked us to come back later (429, or 503 with Retry-After).
        self.transient = transient
        self.retry_after = retry_after


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _asks_to_wait(code: int, headers) -> tuple[bool, float | None]:
    """(transient?, seconds) for an HTTP error answer: 429 always, 503 when it says when."""
    after = retry_after_seconds(headers.get("Retry-After") if headers is not None else None)
    return code == 429 or (code == 503 and after is not None), after


@dataclass
class LoadResult:
    triples: int
    target: str
    staging: str
    method: str
    warnings: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)


# --- arguments and credentials -----------------------------------------------------------

def check_url(url: str, option: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LoadError(f"{option} {url!r} is not an http:// or https:// URL")
    if parts.username or parts.password:
        raise LoadError(f"{option}: put credentials in MIGKG_USER and MIGKG_PASSWORD or a netrc file, not in the URL")
    return url


def check_graph_iri(iri: str) -> str:
    if not IRI.match(iri):
        raise LoadError(f"--graph {iri!r} is not an absolute IRI")
    return iri


def credentials_for(url: str) -> tuple[str, str] | None:
    """MIGKG_USER / MIGKG_PASSWORD, else the netrc entry for the URL's host, else None."""
    user, password = os.environ.get("MIGKG_USER"), os.environ.get("MIGKG_PASSWORD")
    if user or password:
        if not (user and password):
            raise LoadError("set both MIGKG_USER and MIGKG_PASSWORD, or neither (and use a netrc file)")
        return user, password
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urlsplit(url).hostname or "")
    except netrc.NetrcParseError as exc:
        raise LoadError(f"{exc.filename or path}:{exc.lineno}: netrc file not usable: {exc.msg}") from None
    except OSError as exc:
        raise LoadError(f"{path}: cannot read the netrc file: {exc.strerror or exc}") from None
    if entry is None:
        return None
    login, _account, password = entry
    return (login, password) if login and password else None


# --- HTTP problems as one line -----------------------------------------------------------

def _first_line(text: str | bytes | None, limit: int = 160) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _status_problem(code: int, reason: str, body: str | bytes | None, has_credentials: bool) -> str:
    detail = _first_line(body)
    if code == 401:
        if has_credentials:
            return "401 Unauthorized: the store rejected the credentials from MIGKG_USER/MIGKG_PASSWORD or netrc"
        return "401 Unauthorized: the store needs credentials; set MIGKG_USER and MIGKG_PASSWORD, or add the host to a netrc file"
    if code == 403:
        return "403 Forbidden: these credentials may not do this" if has_credentials else "403 Forbidden"
    if code == 404:
        return "404 Not Found: no such endpoint at this URL"
    if code == 429:
        return "429 Too Many Requests: the store asks to slow down"
    if code == 405:
        return "405 Method Not Allowed: this URL does not take this request (a query URL given as a Graph Store or update URL?)"
    head = f"{code} {reason}".strip()
    if code >= 500:
        return f"server error {head}" + (f": {detail}" if detail else "")
    return f"rejected with {head}" + (f": {detail}" if detail else "")


def _connection_problem(exc: BaseException, timeout: float) -> tuple[str, bool]:
    """(one line, answered?) for a network-level failure."""
    import requests

    text = str(exc)
    reason = getattr(exc, "reason", None)
    if isinstance(exc, (requests.exceptions.ConnectTimeout,)):
        return f"no connection within {timeout:g} s (timeout)", True
    if isinstance(exc, (requests.exceptions.Timeout, socket.timeout, TimeoutError)) or isinstance(reason, (socket.timeout, TimeoutError)):
        return f"no answer within {timeout:g} s (timeout)", False
    if isinstance(exc, ConnectionRefusedError) or isinstance(reason, ConnectionRefusedError) or "Connection refused" in text \
            or "Errno 111" in text:
        return "connection refused", True
    if isinstance(reason, socket.gaierror) or "Name or service not known" in text or "NameResolutionError" in text \
            or "nodename nor servname" in text:
        return "cannot resolve the host name", True
    if isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError)) or "RemoteDisconnected" in text \
            or "Connection aborted" in text or "Connection reset" in text:
        return "the store closed the connection without answering", False
    if isinstance(exc, requests.exceptions.SSLError) or "CERTIFICATE" in text.upper():
        return f"TLS problem: {_first_line(text)}", True
    return f"network problem: {_first_line(text) or type(exc).__name__}", False


# --- the two protocols -------------------------------------------------------------------

def _no_auth(request):
    return request


class GraphStore:
    """The SPARQL 1.1 Graph Store HTTP Protocol, indirect graph identification."""

    def __init__(self, url: str, timeout: float):
        import requests

        self.url = url
        self.timeout = timeout
        self.credentials = credentials_for(url)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "migkg-load"
        # No credentials of requests' own finding (it would read netrc by itself): only ours.
        self.session.auth = _no_auth
        self.negotiated = False

    def _address(self, graph: str | None) -> str:
        sep = "&" if "?" in self.url else "?"
        return f"{self.url}{sep}default" if graph is None else f"{self.url}{sep}graph={quote(graph, safe='')}"

    def _negotiate(self, graph: str | None, what: str) -> None:
        """Pick the authentication scheme from the server's challenge to a small GET without
        credentials: Digest if it asks for Digest (Virtuoso's *-auth endpoints, which reject
        an unasked-for Basic header without a challenge), else Basic. The Digest exchange
        happens on this GET, so the upload itself is sent once, already authenticated."""
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth

        self.negotiated = True
        if not self.credentials:
            return
        probe = self.request("GET", graph, what, any_status=True, headers={"Accept": "application/n-triples"})
        if probe.status_code == 401 and "digest" in probe.headers.get("WWW-Authenticate", "").lower():
            self.session.auth = HTTPDigestAuth(*self.credentials)
            self.request("GET", graph, what, any_status=True, headers={"Accept": "application/n-triples"})
        else:
            self.session.auth = HTTPBasicAuth(*self.credentials)

    def request(self, method: str, graph: str | None, what: str, ok_404: bool = False, any_status: bool = False,
                **kwargs):
        import requests

        if not self.negotiated:
            self._negotiate(graph, what)
        try:
            response = self.session.request(method, self._address(graph), timeout=self.timeout, **kwargs)
        except requests.exceptions.RequestException as exc:
            problem, answered = _connection_problem(exc, self.timeout)
            raise LoadError(f"{self.url}: {problem} ({what})", answered=answered) from None
        if any_status or (response.status_code == 404 and ok_404):
            return response
        if response.status_code >= 400:
            problem = _status_problem(response.status_code, response.reason or "", response.text,
                                      self.credentials is not None)
            transient, after = _asks_to_wait(response.status_code, response.headers)
            raise LoadError(f"{self.url}: {problem} ({what})", transient=transient, retry_after=after)
        return response

    def put(self, graph: str | None, payload: bytes, what: str) -> None:
        self.request("PUT", graph, what, data=payload, headers={"Content-Type": "application/n-triples"})

    def count(self, graph: str, what: str) -> int:
        return len(self.fetch(graph, what))

    def fetch(self, graph: str | None, what: str) -> Graph:
        response = self.request("GET", graph, what, ok_404=True,
                                headers={"Accept": "application/n-triples, text/turtle;q=0.9, */*;q=0.1"})
        if response.status_code == 404:  # GSP: a graph that does not exist
            return Graph()
        mime = response.headers.get("Content-Type", "application/n-triples").split(";")[0].strip().lower()
        fmt = RDF_TYPES.get(mime)
        if fmt is None:
            raise LoadError(f"{self.url}: answered the graph as {mime!r}, not RDF ({what})")
        scratch = Graph()
        try:
            scratch.parse(data=response.content, format=fmt)
        except Exception as exc:  # the store's own serialisation did not parse
            raise LoadError(f"{self.url}: cannot read the graph back as {mime}: {_first_line(str(exc))} ({what})") from None
        return scratch

    def delete(self, graph: str, what: str) -> None:
        self.request("DELETE", graph, what, ok_404=True)


def _wrapped_body(exc: Exception) -> str:
    """The first line of the server's answer that SPARQLWrapper keeps in its message."""
    import ast

    text = str(exc)
    start = text.find("Response:\n")
    if start < 0:
        return ""
    raw = text[start + len("Response:\n"):].strip()
    try:
        body = ast.literal_eval(raw)
        raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    except (ValueError, SyntaxError):
        pass
    return _first_line(raw)


class UpdateEndpoint:
    """SPARQL 1.1 Update (and the count query) through SPARQLWrapper."""

    def __init__(self, update_url: str, query_url: str, timeout: float):
        self.url = update_url
        self.query_url = query_url
        self.timeout = timeout
        self.credentials = credentials_for(update_url)
        self.query_credentials = credentials_for(query_url)

    def _run(self, text: str, what: str, is_update: bool):
        from SPARQLWrapper import BASIC, DIGEST, JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import (EndPointInternalError, EndPointNotFound, QueryBadFormed,
                                                    SPARQLWrapperException, Unauthorized, URITooLong)

        url = self.url if is_update else self.query_url
        credentials = self.credentials if is_update else self.query_credentials
        schemes = [BASIC, DIGEST] if credentials else [BASIC]
        for scheme in schemes:
            client = SPARQLWrapper(url, updateEndpoint=url if is_update else None, agent="migkg-load")
            client.setMethod(POST)
            client.timeout = self.timeout  # seconds, float (setTimeout would round down to int)
            if credentials:
                client.setHTTPAuth(scheme)
                client.setCredentials(*credentials)
            client.setQuery(text)
            # Say the form: SPARQLWrapper guesses it from any word in the text ("add" -> ADD).
            client.queryType = text.split(None, 1)[0].upper() if is_update else "SELECT"
            if not is_update:
                client.setReturnFormat(JSON)
            try:
                if is_update:
                    response = client.query().response
                    response.read()
                    return None
                return client.queryAndConvert()
            except Unauthorized as exc:
                if scheme is not schemes[-1]:
                    continue  # the server may want Digest (Virtuoso's *-auth endpoints do)
                raise LoadError(f"{url}: {_status_problem(401, 'Unauthorized', exc.args[0] if exc.args else '', credentials is not None)} ({what})") from None
            except EndPointNotFound:
                raise LoadError(f"{url}: {_status_problem(404, 'Not Found', '', False)} ({what})") from None
            except EndPointInternalError as exc:
                detail = _wrapped_body(exc)
                raise LoadError(f"{url}: server error 500" + (f": {detail}" if detail else "") + f" ({what})") from None
            except QueryBadFormed as exc:
                detail = _wrapped_body(exc)
                raise LoadError(f"{url}: 400 Bad Request: the store rejected the request"
                                + (f": {detail}" if detail else " as malformed") + f" ({what})") from None
            except URITooLong:
                raise LoadError(f"{url}: 414 URI Too Long ({what})") from None
            except urllib.error.HTTPError as exc:
                body = exc.read() if hasattr(exc, "read") else b""
                transient, after = _asks_to_wait(exc.code, exc.headers)
                raise LoadError(f"{url}: {_status_problem(exc.code, exc.reason or '', body, credentials is not None)} ({what})",
                                transient=transient, retry_after=after) from None
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                problem, answered = _connection_problem(exc, self.timeout)
                raise LoadError(f"{url}: {problem} ({what})", answered=answered) from None
            except SPARQLWrapperException as exc:
                raise LoadError(f"{url}: {_first_line(str(exc))} ({what})") from None
            except ValueError as exc:  # e.g. the answer was not JSON
                raise LoadError(f"{url}: unexpected answer: {_first_line(str(exc))} ({what})") from None
        raise AssertionError("unreachable")

    def update(self, text: str, what: str) -> None:
        self._run(text, what, is_update=True)

    def select(self, text: str, what: str) -> list[dict]:
        data = self._run(text, what, is_update=False)
        try:
            return data["results"]["bindings"]
        except (KeyError, TypeError):
            raise LoadError(f"{self.query_url}: the query gave no results table ({what})") from None

    def count(self, graph: str, what: str) -> int:
        try:
            data = self._run(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", what,
                             is_update=False)
        except LoadError as exc:
            if self.query_url == self.url and exc.answered:
                raise LoadError(f"{exc} (no count from the update URL: give the store's query endpoint with --query)") \
                    from None
            raise
        try:
            return int(data["results"]["bindings"][0]["n"]["value"])
        except (KeyError, IndexError, TypeError, ValueError):
            raise LoadError(f"{self.query_url}: the count query gave no number ({what})") from None


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
        self.gsp = GraphStore(check_url(store, "--store"), timeout) if store else None
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
                self._persist(lambda: self.sparql.update(text, what), what)
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
                raise LoadError(f"{where}: count mismatch: the staging graph holds {found} triples, expected {expected}")
        except BaseException as exc:
            cleanup = self._cleanup()
            if isinstance(exc, LoadError):
                raise LoadError(f"{exc}; {self.target_label} was left unchanged{cleanup}") from None
            if isinstance(exc, Exception):
                raise LoadError(f"load failed: {_first_line(str(exc)) or type(exc).__name__}; "
                                f"{self.target_label} was left unchanged{cleanup}") from None
            raise
        try:
            warnings = self.move(lines)
        except BaseException as exc:
            answered = getattr(exc, "answered", True) and isinstance(exc, LoadError)
            cleanup = self._cleanup()
            state = f"{self.target_label} was left unchanged" if answered else \
                f"the move was sent but not confirmed: check {self.target_label}"
            if isinstance(exc, LoadError):
                raise LoadError(f"{exc}; {state}{cleanup}") from None
            if isinstance(exc, Exception):
                raise LoadError(f"load failed: {_first_line(str(exc)) or type(exc).__name__}; {state}{cleanup}") from None
            raise
        return LoadResult(triples=expected, target=self.target or "", staging=self.staging, method=method,
                          warnings=warnings, retried=list(self.retried))


def load(graph: Graph, store: str | None = None, update: str | None = None, query: str | None = None,
         target: str | None = None, timeout: float = 60.0, **options) -> LoadResult:
    """Load ``graph`` into the store, all or nothing (see the module docstring)."""
    return Loader(store=store, update=update, query=query, graph=target, timeout=timeout, **options).run(graph)


__all__ = ["LoadError", "LoadResult", "Loader", "load", "credentials_for", "skolemise", "retry_after_seconds"]

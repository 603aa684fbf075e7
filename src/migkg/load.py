"""Loading the graph into a triple store, all or nothing.

Two ways in, both standard:

* ``--store URL``: the SPARQL 1.1 Graph Store HTTP Protocol (GSP), over ``requests``.
* ``--update URL``: SPARQL 1.1 Update, through SPARQLWrapper, for stores without GSP.

Every load goes through a fresh staging graph ``urn:migkg:staging:<uuid>``:

1. upload: GSP ``PUT ?graph=staging`` (N-Triples), or ``INSERT DATA { GRAPH <staging> {…} }``
   in chunks (triples with blank nodes travel together in one ``INSERT {…} WHERE {}``,
   within which their labels denote the same nodes);
2. check: the store's triple count in the staging graph must equal the local count
   (GSP ``GET`` of the staging graph, or ``SELECT (COUNT(*) …)`` at ``--query``, which
   defaults to the ``--update`` URL);
3. move, in one request: ``MOVE <staging> TO <target>`` (or ``TO DEFAULT``) when an update
   endpoint is given; with ``--store`` alone, one GSP ``PUT`` of the checked content on the
   target graph, then ``DELETE`` of the staging graph.

Any failure before or in the move leaves the target graph as it was and removes the
staging graph (when the store can still be reached). Credentials come from the
environment (``MIGKG_USER`` and ``MIGKG_PASSWORD``) or a netrc file (``$NETRC`` or
``~/.netrc``), never from arguments: HTTP Basic, or Digest when the server asks for it
(Virtuoso's ``/sparql-auth`` and ``/sparql-graph-crud-auth``).
Every problem becomes one ``LoadError`` line (exit code 2).
"""

from __future__ import annotations

import http.client
import netrc
import os
import re
import socket
import urllib.error
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from rdflib import Graph

from migkg.errors import MigkgError

STAGING_PREFIX = "urn:migkg:staging:"
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

    def __init__(self, message: str, answered: bool = True):
        super().__init__(message)
        # False when a request may have reached the store but no answer came back.
        self.answered = answered


@dataclass
class LoadResult:
    triples: int
    target: str
    staging: str
    method: str
    warnings: list[str] = field(default_factory=list)


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
            raise LoadError(f"{self.url}: {problem} ({what})")
        return response

    def put(self, graph: str | None, payload: bytes, what: str) -> None:
        self.request("PUT", graph, what, data=payload, headers={"Content-Type": "application/n-triples"})

    def count(self, graph: str, what: str) -> int:
        response = self.request("GET", graph, what, ok_404=True,
                                headers={"Accept": "application/n-triples, text/turtle;q=0.9, */*;q=0.1"})
        if response.status_code == 404:  # GSP: a graph that does not exist
            return 0
        mime = response.headers.get("Content-Type", "application/n-triples").split(";")[0].strip().lower()
        fmt = RDF_TYPES.get(mime)
        if fmt is None:
            raise LoadError(f"{self.url}: answered the staging graph as {mime!r}, not RDF ({what})")
        scratch = Graph()
        try:
            scratch.parse(data=response.content, format=fmt)
        except Exception as exc:  # the store's own serialisation did not parse
            raise LoadError(f"{self.url}: cannot read the staging graph back as {mime}: {_first_line(str(exc))} ({what})") from None
        return len(scratch)

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
                raise LoadError(f"{url}: {_status_problem(exc.code, exc.reason or '', body, credentials is not None)} ({what})") from None
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

def ntriples(graph: Graph) -> list[str]:
    data = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return [line for line in data.splitlines() if line.strip()]


def _chunks(lines: list[str], size: int) -> list[list[str]]:
    """Chunks of N-Triples lines; all lines with a blank node stay in the first chunk,
    because a blank node label only means the same node within one request."""
    with_bnodes = [line for line in lines if "_:" in line]
    rest = [line for line in lines if "_:" not in line]
    chunks = [with_bnodes] if with_bnodes else []
    chunks += [rest[i:i + size] for i in range(0, len(rest), size)]
    return chunks or [[]]


class Loader:
    """One all-or-nothing load. The steps are methods so that a test can make one fail."""

    def __init__(self, store: str | None = None, update: str | None = None, query: str | None = None,
                 graph: str | None = None, timeout: float = 60.0):
        if not store and not update:
            raise LoadError("give --store URL (Graph Store Protocol) or --update URL (SPARQL Update), or both")
        if query and not update:
            raise LoadError("--query is used with --update (for the count check); with --store the count comes from the Graph Store")
        self.gsp = GraphStore(check_url(store, "--store"), timeout) if store else None
        self.sparql = None
        if update:
            self.sparql = UpdateEndpoint(check_url(update, "--update"), check_url(query or update, "--query"), timeout)
        self.target = check_graph_iri(graph) if graph else None
        self.staging = STAGING_PREFIX + str(uuid.uuid4())
        self.staging_may_exist = False  # nothing to remove until a request may have created it

    @property
    def target_label(self) -> str:
        return f"<{self.target}>" if self.target else "the default graph"

    # The steps ----------------------------------------------------------------------------

    def upload(self, lines: list[str]) -> None:
        what = "uploading to the staging graph"
        try:
            if self.gsp:
                self.gsp.put(self.staging, ("\n".join(lines) + "\n").encode("utf-8"), what)
                self.staging_may_exist = True
                return
            for chunk in _chunks(lines, CHUNK):
                body = "\n".join(chunk)
                if "_:" in body:
                    # Blank nodes in a template with an empty WHERE: standard SPARQL 1.1, and
                    # accepted by stores (Virtuoso 7) that refuse blank nodes in INSERT DATA.
                    text = f"INSERT {{ GRAPH <{self.staging}> {{\n{body}\n}} }} WHERE {{}}"
                else:
                    text = f"INSERT DATA {{ GRAPH <{self.staging}> {{\n{body}\n}} }}"
                self.sparql.update(text, what)
                self.staging_may_exist = True
        except LoadError as exc:
            # A request that got no answer may still have been carried out.
            self.staging_may_exist = self.staging_may_exist or not exc.answered
            raise

    def count(self) -> int:
        what = "counting the staging graph"
        if self.gsp:
            return self.gsp.count(self.staging, what)
        return self.sparql.count(self.staging, what)

    def move(self, lines: list[str]) -> list[str]:
        """Replace the target graph with the staging graph in one request; warnings back."""
        what = f"moving the staging graph over {self.target_label}"
        if self.sparql:
            target = f"GRAPH <{self.target}>" if self.target else "DEFAULT"
            self.sparql.update(f"MOVE GRAPH <{self.staging}> TO {target}", what)
            return []
        self.gsp.put(self.target, ("\n".join(lines) + "\n").encode("utf-8"), what)
        try:
            self.drop_staging()
        except LoadError as exc:
            return [f"the load succeeded but the staging graph <{self.staging}> was not removed: {exc}"]
        return []

    def drop_staging(self) -> None:
        what = "removing the staging graph"
        if self.gsp:
            self.gsp.delete(self.staging, what)
        else:
            self.sparql.update(f"DROP SILENT GRAPH <{self.staging}>", what)

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
                          warnings=warnings)


def load(graph: Graph, store: str | None = None, update: str | None = None, query: str | None = None,
         target: str | None = None, timeout: float = 60.0) -> LoadResult:
    """Load ``graph`` into the store, all or nothing (see the module docstring)."""
    return Loader(store=store, update=update, query=query, graph=target, timeout=timeout).run(graph)


__all__ = ["LoadError", "LoadResult", "Loader", "load", "credentials_for"]

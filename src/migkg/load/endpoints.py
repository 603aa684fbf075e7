"""The two ways into a store: the Graph Store Protocol (``GraphStoreEndpoint``) and SPARQL Update
(``UpdateEndpoint``), with the checks of URLs and graph IRIs and the credentials."""

from __future__ import annotations

import http.client
import netrc
import os
import re
import urllib.error
from pathlib import Path
from urllib.parse import quote, urlsplit

from rdflib import Graph

from migkg.load.problems import LoadError, asks_to_wait, connection_problem, first_line, status_problem

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


# --- the two protocols -------------------------------------------------------------------

def _no_auth(request):
    return request


class GraphStoreEndpoint:
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
            problem, answered = connection_problem(exc, self.timeout)
            raise LoadError(f"{self.url}: {problem} ({what})", answered=answered) from None
        if any_status or (response.status_code == 404 and ok_404):
            return response
        if response.status_code >= 400:
            problem = status_problem(response.status_code, response.reason or "", response.text,
                                      self.credentials is not None)
            transient, after = asks_to_wait(response.status_code, response.headers)
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
            raise LoadError(f"{self.url}: cannot read the graph back as {mime}: {first_line(str(exc))} "
                            f"({what})") from None
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
    return first_line(raw)


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
        from SPARQLWrapper.SPARQLExceptions import (
            EndPointInternalError,
            EndPointNotFound,
            QueryBadFormed,
            SPARQLWrapperException,
            Unauthorized,
            URITooLong,
        )

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
                problem = status_problem(401, 'Unauthorized', exc.args[0] if exc.args else '', credentials is not None)
                raise LoadError(f"{url}: {problem} ({what})") from None
            except EndPointNotFound:
                raise LoadError(f"{url}: {status_problem(404, 'Not Found', '', False)} ({what})") from None
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
                transient, after = asks_to_wait(exc.code, exc.headers)
                problem = status_problem(exc.code, exc.reason or '', body, credentials is not None)
                raise LoadError(f"{url}: {problem} ({what})", transient=transient, retry_after=after) from None
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                problem, answered = connection_problem(exc, self.timeout)
                raise LoadError(f"{url}: {problem} ({what})", answered=answered) from None
            except SPARQLWrapperException as exc:
                raise LoadError(f"{url}: {first_line(str(exc))} ({what})") from None
            except ValueError as exc:  # e.g. the answer was not JSON
                raise LoadError(f"{url}: unexpected answer: {first_line(str(exc))} ({what})") from None
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


"""`migkg serve`: a real server on a free 127.0.0.1 port, every route and content type, both
languages, the saved-query API against `migkg query`, the OpenAPI document, hostile requests."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.servers import HOST, free_port

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("serve")]

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
MRE = "https://w3id.org/migkg/id/pe/mre"


@contextlib.contextmanager
def running_server(*options: str, timeout: float = 30.0):
    """`migkg serve` in a process of its own on a free port; its base URL, stopped at the end."""
    port = free_port()
    env = {**os.environ, "NO_PROXY": "*", "no_proxy": "*"}
    process = subprocess.Popen([sys.executable, "-m", "migkg", "serve", "--port", str(port), *options],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(f"server exited: {process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(base + "/api/queries", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("server did not start")
            time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        process.stdout.close()
        process.stderr.close()


@pytest.fixture(scope="module")
def server():
    with running_server("--query-timeout", "3") as (base, process):
        yield base, process


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server[0], timeout=30, trust_env=False) as c:
        yield c


def one_line(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.text[:300])
    text = response.text
    assert text.endswith("\n") and text.count("\n") == 1, text
    assert text.startswith(str(status)), text
    return text


# --- start-up and binding -------------------------------------------------------------------

def test_binds_to_loopback_by_default_and_warns_otherwise(monkeypatch):
    import uvicorn

    import migkg.serve
    from migkg.serve import Settings, is_loopback, run

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    bound: list[tuple] = []
    real_listen = migkg.serve.listen

    def listen(host, port):  # nothing is bound to another address than 127.0.0.1 in the tests
        bound.append((host, port))
        return real_listen(HOST, 0)

    monkeypatch.setattr(migkg.serve, "listen", listen)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)  # nothing listens
    lines: list[str] = []
    run(Settings(), say=lines.append)
    assert bound[-1] == ("127.0.0.1", 8000) and not any("WARNING" in line for line in lines)
    lines.clear()
    run(Settings(host="0.0.0.0", port=8123), say=lines.append)
    assert bound[-1] == ("0.0.0.0", 8123) and "WARNING" in lines[0] and "0.0.0.0" in lines[0]


def test_listening_socket_is_tcp_so_answers_are_not_delayed():
    """asyncio sets TCP_NODELAY only on sockets made with IPPROTO_TCP; without it a keep-alive
    client waits ~40 ms for each answer (Nagle and delayed ACKs)."""
    import socket

    from migkg.serve import listen

    with listen(HOST, 0) as sock:
        assert sock.proto == socket.IPPROTO_TCP and sock.type == socket.SOCK_STREAM


def test_port_in_use_is_one_line(migkg_cli):
    import socket

    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = migkg_cli("serve", "--port", str(port))
    assert result.returncode != 0 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"migkg: cannot listen on 127.0.0.1:{port}")


def test_head_requests(client):
    head = client.head("/id/pe/mre")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"]


# --- home, search, resource pages -----------------------------------------------------------

def test_home_in_both_languages(client):
    en = client.get("/")
    assert en.status_code == 200 and en.headers["content-type"].startswith("text/html")
    assert "Migration governance in Peru" in en.text and 'action="/search"' in en.text
    assert "/report/" in en.text and "/report/ontology/" in en.text and "mandates" in en.text
    assert "Key figures" in en.text
    es = client.get("/", params={"lang": "es"})
    assert "Gobernanza migratoria en el Perú" in es.text and "Cifras clave" in es.text
    by_header = client.get("/", headers={"Accept-Language": "es-PE,es;q=0.9"})
    assert "Cifras clave" in by_header.text


def test_search_over_labels_in_both_languages(client):
    hits = client.get("/search", params={"q": "relaciones exteriores"})
    assert hits.status_code == 200 and 'href="/id/pe/mre' in hits.text
    # an English search, accents ignored: "peru" finds "Perú"
    assert 'href="/id/place/peru' in client.get("/search", params={"q": "peru", "lang": "es"}).text
    empty = client.get("/search", params={"q": "zzzz-nothing-zzzz"})
    assert empty.status_code == 200 and "0 results" in empty.text


def test_resource_page_html(client):
    page = client.get("/id/pe/mre")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    text = page.text
    assert "<h1>Ministry of Foreign Affairs</h1>" in text
    assert 'href="/ontology/Ministry?lang=en"' in text  # its type, linked and labelled
    assert "Linked from" in text and "/id/pe/mandate-mre-migrant-policy" in text  # incoming, grouped
    assert "Sources" in text and "/id/source/blouin-button-2018/fragmentation" in text
    assert "Key Problems: fragmentation of institutional mandates" in text  # the section's locator
    assert "Accept" in page.headers["vary"] and page.headers["etag"] and "max-age" in page.headers["cache-control"]
    es = client.get("/id/pe/mre", params={"lang": "es"})
    assert "<h1>Ministerio de Relaciones Exteriores</h1>" in es.text and "Enlazado desde" in es.text


def test_resource_etag_gives_304(client):
    first = client.get("/id/pe/mre")
    again = client.get("/id/pe/mre", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_ontology_term_page(client):
    page = client.get("/ontology/Mandate")
    assert page.status_code == 200 and "https://w3id.org/migkg/ontology#Mandate" in page.text
    assert client.get("/ontology").status_code == 200


@pytest.mark.parametrize("media, needle", [
    ("text/turtle", "pe:mre"),
    ("application/n-triples", f"<{MRE}> <http://www.w3.org/2000/01/rdf-schema#label>"),
    ("application/ld+json", '"@id":"https://w3id.org/migkg/id/pe/mre"'),
])
def test_resource_rdf_views(client, media, needle):
    import pyoxigraph as ox

    response = client.get("/id/pe/mre", headers={"Accept": media})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert needle in response.text
    fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
           "application/ld+json": ox.RdfFormat.JSON_LD}[media]
    triples = list(ox.parse(response.content, format=fmt))
    subjects = {t.subject.value for t in triples}
    assert MRE in subjects and "https://w3id.org/migkg/id/place/peru" in subjects  # labels of what it links to
    assert response.headers["vary"].startswith("Accept")


def test_unknown_resource_is_a_404_page_with_search(client):
    page = client.get("/id/pe/no-such-thing")
    assert page.status_code == 404 and 'action="/search"' in page.text
    one_line(client.get("/id/pe/no-such-thing", headers={"Accept": "text/turtle"}), 404)


# --- SPARQL protocol ------------------------------------------------------------------------

SELECT = f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE {{ <{MRE}> rdfs:label ?l }} ORDER BY ?l"


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml",
                                   "text/csv", "text/tab-separated-values"])
def test_sparql_select_formats(client, media):
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": media})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert "Ministry of Foreign Affairs" in response.text
    if media.endswith("json"):
        assert len(response.json()["results"]["bindings"]) == 2
    elif media == "text/csv":
        assert list(csv.reader(io.StringIO(response.text)))[0] == ["l"]
    elif media.endswith("values"):
        assert response.text.splitlines()[0] == "?l" and '"Ministry of Foreign Affairs"@en' in response.text
    else:
        assert "<literal xml:lang=\"en\">Ministry of Foreign Affairs</literal>" in response.text


def test_sparql_post_forms_and_ask(client):
    form = client.post("/sparql", data={"query": SELECT})
    assert form.status_code == 200 and len(form.json()["results"]["bindings"]) == 2
    direct = client.post("/sparql", content=SELECT.encode(), headers={"Content-Type": "application/sparql-query"})
    assert direct.json() == form.json()
    ask = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert ask.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize("media", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_sparql_construct_and_describe(client, media):
    import pyoxigraph as ox

    fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
           "application/ld+json": ox.RdfFormat.JSON_LD}[media]
    for query in (f"CONSTRUCT {{ <{MRE}> ?p ?o }} WHERE {{ <{MRE}> ?p ?o }}", f"DESCRIBE <{MRE}>"):
        response = client.get("/sparql", params={"query": query}, headers={"Accept": media})
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)
        assert len(list(ox.parse(response.content, format=fmt))) >= 5


def test_sparql_results_cut_at_max_rows():
    with running_server("--max-rows", "5", "--cors", "http://example.org") as (base, _), \
            httpx.Client(base_url=base, trust_env=False, timeout=30) as c:
        response = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert response.status_code == 200 and len(response.json()["results"]["bindings"]) == 5
        assert "5" in response.headers["migkg-results-truncated"]
        small = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
        assert "migkg-results-truncated" not in small.headers
        cors = c.get("/", headers={"Origin": "http://example.org"})
        assert cors.headers["access-control-allow-origin"] == "http://example.org"
        assert "access-control-allow-origin" not in c.get("/", headers={"Origin": "http://evil.example"}).headers


def test_cors_off_by_default(client):
    assert "access-control-allow-origin" not in client.get("/", headers={"Origin": "http://example.org"}).headers


# --- hostile requests: refused with one line, nothing changes -------------------------------

def _triples(client) -> int:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    return int(client.get("/sparql", params={"query": q}).json()["results"]["bindings"][0]["n"]["value"])


UPDATE = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"


def test_updates_refused_in_every_protocol_form(client):
    before = _triples(client)
    one_line(client.post("/sparql", data={"update": UPDATE}), 403)
    one_line(client.post("/sparql", content=UPDATE, headers={"Content-Type": "application/sparql-update"}), 403)
    one_line(client.get("/sparql", params={"update": UPDATE}), 403)
    one_line(client.get("/sparql", params={"query": UPDATE}), 403)
    one_line(client.post("/sparql", data={"query": "DELETE WHERE { ?s ?p ?o }"}), 403)
    one_line(client.post("/sparql", content="CLEAR ALL", headers={"Content-Type": "application/sparql-query"}), 403)
    one_line(client.put("/sparql", content=UPDATE), 405)
    one_line(client.post("/sparql", content=UPDATE, headers={"Content-Type": "text/plain"}), 415)
    assert _triples(client) == before


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
])
def test_network_clauses_refused(client, query):
    assert "allow-network" in one_line(client.get("/sparql", params={"query": query}), 403)


def test_dataset_parameters_and_unknown_parameters_refused(client):
    one_line(client.get("/sparql", params={"query": SELECT, "default-graph-uri": "http://example.org/g"}), 400)
    one_line(client.get("/sparql", params={"query": SELECT, "bogus": "1"}), 400)
    one_line(client.get("/sparql"), 400)
    one_line(client.get("/sparql", params={"query": "SELECT WHERE {"}), 400)
    one_line(client.get("/id/pe/mre", params={"bogus": "1"}), 400)
    one_line(client.get("/", params={"lang": "fr"}), 400)


def test_runaway_query_is_stopped_and_others_still_answered(client, server):
    outcome = {}

    def runaway():
        with httpx.Client(base_url=server[0], timeout=60, trust_env=False) as other:
            started = time.monotonic()
            outcome["response"] = other.get("/sparql", params={"query": RUNAWAY})
            outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    assert client.get("/id/pe/mre").status_code == 200
    # queries not asked before (answers are kept by text): the other worker runs them
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o } # during"}).status_code == 200
    assert client.get("/api/queries/mandates", params={"limit": "7"}).status_code == 200
    assert time.monotonic() - started < 2.5  # answered while the runaway query runs
    thread.join(60)
    assert "time limit" in one_line(outcome["response"], 503)
    assert outcome["seconds"] < 10
    # the killed worker is replaced: queries still run
    for n in range(3):
        assert client.get("/sparql", params={"query": f"ASK {{ ?s ?p ?o }} # after {n}"}).json()["boolean"] is True


def test_oversized_body_is_413(client):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (1024 * 1024 + 10)
    one_line(client.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"}), 413)
    one_line(client.post("/sparql", data={"query": big}), 413)


@pytest.mark.parametrize("path, status", [
    ("/id/../../etc/passwd", None), ("/id/%2e%2e/%2e%2e/etc/passwd", 400), ("/id/pe/%ZZ", 400),
    ("/id/pe/%C3", 400), ("/report/..%2f..%2fetc%2fpasswd", 400), ("/report/%2e%2e/%2e%2e/etc/passwd", 400),
    ("/report/..\\..\\etc\\passwd", 400), ("/static/..%2f..%2fcli.py", 404),
])
def test_path_traversal_and_bad_encoding(server, path, status):
    # raw paths, as a hostile client sends them (httpx would normalise them)
    import http.client

    connection = http.client.HTTPConnection(HOST, int(server[0].rsplit(":", 1)[1]), timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode()
    finally:
        connection.close()
    assert response.status in ((status,) if status else (400, 404)), (path, response.status, body)
    assert "root:" not in body and body.count("\n") == 1 or response.status == 404


def test_malformed_accept(client):
    one_line(client.get("/id/pe/mre", headers={"Accept": "garbage;;;"}), 400)
    one_line(client.get("/id/pe/mre", headers={"Accept": "image/png"}), 406)
    one_line(client.get("/sparql", params={"query": SELECT}, headers={"Accept": "image/png"}), 406)
    # a valid range among garbage is used
    assert client.get("/id/pe/mre", headers={"Accept": "garbage, text/turtle"}).status_code == 200


def test_unknown_route_and_method(client):
    one_line(client.get("/no/such/route"), 404)
    one_line(client.post("/id/pe/mre", content=b"x"), 405)


# --- the saved-query API --------------------------------------------------------------------

def test_api_lists_the_catalogue(client):
    from migkg.queries import catalogue

    listed = client.get("/api/queries").json()
    assert [q["name"] for q in listed] == [q.name for q in catalogue()]
    assert {"name", "summary", "description", "params"} <= set(listed[0])


def _cli_rows(migkg_cli, name: str, *params: str) -> list:
    result = migkg_cli("query", name, "--format", "json", *sum((["-p", p] for p in params), []))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_api_same_rows_as_migkg_query_for_every_saved_query(client, migkg_cli):
    from migkg.queries import catalogue

    for saved in catalogue():
        api = client.get(f"/api/queries/{saved.name}")
        assert api.status_code == 200, (saved.name, api.text)
        assert api.json() == _cli_rows(migkg_cli, saved.name), saved.name


def test_api_parameters_paging_and_csv(client, migkg_cli):
    es = client.get("/api/queries/mandates", params={"lang": "es"})
    assert es.json() == _cli_rows(migkg_cli, "mandates", "lang=es")
    whole = es.json()["results"]["bindings"]
    page = client.get("/api/queries/mandates", params={"lang": "es", "limit": 3, "offset": 2}).json()
    assert page["results"]["bindings"] == whole[2:5]
    table = client.get("/api/queries/mandates", headers={"Accept": "text/csv"})
    assert table.headers["content-type"].startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(table.text)))) == len(whole) + 1


def test_api_errors(client):
    one_line(client.get("/api/queries/no-such-query"), 404)
    one_line(client.get("/api/queries/instruments-as-of", params={"date": "not-a-date"}), 400)
    one_line(client.get("/api/queries/mandates", params={"bogus": "x"}), 400)
    one_line(client.get("/api/queries/mandates", params={"limit": "-1"}), 400)
    one_line(client.get("/api/queries/mandates", params={"lang": "e s"}), 400)


def test_openapi_document_is_valid(client):
    from openapi_spec_validator import validate

    from migkg.queries import catalogue

    document = client.get("/api/openapi.json").json()
    validate(document)
    for saved in catalogue():
        operation = document["paths"][f"/api/queries/{saved.name}"]["get"]
        names = [p["name"] for p in operation["parameters"]]
        assert names == [p.name for p in saved.params] + ["limit", "offset"]
        for declared, param in zip(saved.params, operation["parameters"], strict=False):
            schema = param["schema"]["items"] if declared.multiple else param["schema"]
            assert schema["type"] == ("integer" if declared.type == "integer" else "string")
            if declared.default is not None:
                assert str(schema["default"]) == declared.default


# --- the query page and the report ---------------------------------------------------------

def test_query_page_with_examples_and_results(client):
    page = client.get("/query")
    assert page.status_code == 200 and "<textarea" in page.text and "example=mandates" in page.text
    example = client.get("/query", params={"example": "mandates"})
    assert "#+ summary" in example.text and "VALUES" in example.text  # the defaults bound
    assert 'src="/static/yasgui/yasgui.min.js"' in page.text
    for asset in ("/static/yasgui/yasgui.min.js", "/static/yasgui/yasgui.min.css", "/static/yasgui/LICENSE.txt",
                  "/static/query.js", "/static/report.css", "/static/serve.css"):
        assert client.get(asset).status_code == 200, asset
    run = client.get("/query", params={"query": SELECT, "lang": "es"})
    assert run.status_code == 200 and "<table class=\"results\">" in run.text and "Ministerio" in run.text
    bad = client.get("/query", params={"query": UPDATE})
    assert bad.status_code == 400 and "read-only" in bad.text


@pytest.mark.slow
def test_report_is_served(client):
    index = client.get("/report/", timeout=600)
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    assert client.get("/report/ontology/").status_code == 200
    assert client.get("/report").status_code in (200, 301)
    one_line(client.get("/report/no-such-file.html"), 404)


def test_migkg_query_endpoint_against_the_server(server, migkg_cli):
    """Regression: `migkg query --endpoint http://127.0.0.1:PORT/sparql` failed ("unknown parameter
    'format'": SPARQLWrapper adds format=json). Result-format hints are accepted and ignored."""
    base, _ = server
    local = migkg_cli("query", "documented-gaps", "--format", "csv")
    remote = migkg_cli("query", "documented-gaps", "--format", "csv", "--endpoint", f"{base}/sparql")
    assert remote.returncode == 0, remote.stderr
    assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines())

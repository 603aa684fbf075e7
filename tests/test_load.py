"""`migkg load` and `migkg query --endpoint` against a real Oxigraph server on 127.0.0.1.

- the load puts exactly the graph in the store, and every saved query gives the same rows
  remotely (through `migkg query NAME --endpoint URL`) as locally;
- a load that fails midway (a rejected request, a count mismatch, the server stopped
  between staging and move) leaves the target graph exactly as it was;
- wrong URL, refused connection, rejected credentials, 403, 5xx and timeouts give one line
  and exit 2 from the `migkg` command (run in-process, as every command here).
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode

from migkg import sparql
from migkg.cli import main
from migkg.load import STAGING_PREFIX, Loader, LoadError, UpdateEndpoint, load
from migkg.queries import catalogue, find

from .conftest import run_cli
from .servers import OxigraphServer, StatusServer, oxigraph_binary, refusing_port

pytestmark = [
    # rdflib's own code uses its deprecated ConjunctiveGraph API: not ours to fix.
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.server,
]

TARGET = "urn:migkg:test:target"
BEFORE = (b'<urn:migkg:test:s> <urn:migkg:test:p> "kept"@en .\n'
          b'<urn:migkg:test:s> <urn:migkg:test:q> <urn:migkg:test:o> .\n')
QUERY_NAMES = [q.name for q in catalogue()]


def clean_env(home: Path, **extra: str) -> dict[str, str | None]:
    """The changes to the environment for a run (None removes a variable): no credentials, no
    netrc and no proxy from the developer's environment."""
    env: dict[str, str | None] = {k: None for k in os.environ
                                  if k in ("MIGKG_USER", "MIGKG_PASSWORD", "NETRC") or k.lower().endswith("_proxy")}
    env["HOME"] = str(home)
    env.update(extra)
    return env


def staging_graphs(server: OxigraphServer) -> set[str]:
    return {g for g in server.graph_names() if g.startswith(STAGING_PREFIX)}


def state(server: OxigraphServer) -> tuple:
    """The target graph's triples and the size of the default graph."""
    target = sorted(server.get_graph(TARGET).decode().splitlines())
    default = int(server.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"])
    return target, default


# --- a real load, then the saved queries remotely and locally ---------------------------

@pytest.fixture(scope="module")
def loaded(oxigraph_server, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    result = run_cli("load", "--store", oxigraph_server.store, "--update", oxigraph_server.update_url,
                     env=clean_env(home))
    assert result.returncode == 0, result.stderr
    return result


def test_load_puts_the_whole_graph_in_the_default_graph(loaded, oxigraph_server, graph):
    assert f"loaded {len(graph)} triples into the default graph" in loaded.stdout
    assert state(oxigraph_server)[1] == len(graph)
    assert not staging_graphs(oxigraph_server)


@pytest.fixture(scope="module")
def local_store(graph):
    return sparql.oxigraph_store(graph)


def _rows(table: sparql.ResultTable, group_concat: bool) -> Counter:
    """Rows as a multiset of value strings; a GROUP_CONCAT cell as the set of its '; ' parts
    (the order inside a group is up to the engine)."""
    rows = []
    for row in table.rows:
        cells = []
        for term in row:
            value = None if term is None else "_:" if isinstance(term, BNode) else str(term)
            if group_concat and value and "; " in value:
                value = tuple(sorted(value.split("; ")))
            cells.append(value)
        rows.append(tuple(cells))
    return Counter(rows)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_saved_query_same_rows_remote_and_local(name, loaded, oxigraph_server, local_store):
    saved = find(name)
    local = sparql.run_oxigraph(local_store, saved.text, saved.bindings())
    result = CliRunner().invoke(main, ["query", name, "--endpoint", oxigraph_server.query_url, "--format", "json"])
    assert result.exit_code == 0, result.output
    remote = sparql.from_sparql_json(json.loads(result.stdout))
    assert remote.variables == local.variables
    group_concat = "GROUP_CONCAT" in saved.text.upper()
    assert _rows(remote, group_concat) == _rows(local, group_concat)


def test_some_saved_queries_return_rows_remotely(loaded, oxigraph_server):
    """Guard against comparing empty results only."""
    table = sparql.run_remote(oxigraph_server.query_url, find("provenance").text, find("provenance").bindings())
    assert len(table) > 0


# --- all or nothing ----------------------------------------------------------------------

def test_rejected_move_leaves_the_target_as_it_was(oxigraph_server, graph, monkeypatch):
    oxigraph_server.put_graph(TARGET, BEFORE)
    before = state(oxigraph_server)
    original = UpdateEndpoint.update

    def reject_move(self, text, what):
        if text.startswith("MOVE"):
            text = "MOVE " + text  # not SPARQL: the server answers 400
        return original(self, text, what)

    monkeypatch.setattr(UpdateEndpoint, "update", reject_move)
    with pytest.raises(LoadError) as info:
        load(graph, store=oxigraph_server.store, update=oxigraph_server.update_url, target=TARGET, timeout=30)
    message = str(info.value)
    assert "400 Bad Request" in message and "(moving the staging graph over <urn:migkg:test:target>)" in message
    assert f"<{TARGET}> was left unchanged; the staging graph was removed" in message
    assert state(oxigraph_server) == before
    assert not staging_graphs(oxigraph_server)


def test_count_mismatch_leaves_the_target_as_it_was(oxigraph_server, graph, monkeypatch):
    oxigraph_server.put_graph(TARGET, BEFORE)
    before = state(oxigraph_server)
    original = Loader.upload
    monkeypatch.setattr(Loader, "upload", lambda self, lines: original(self, lines[:-1]))  # one triple lost
    with pytest.raises(LoadError) as info:
        load(graph, store=oxigraph_server.store, update=oxigraph_server.update_url, target=TARGET, timeout=30)
    assert f"count mismatch: the staging graph holds {len(graph) - 1} triples, expected {len(graph)}" \
        in str(info.value)
    assert "the staging graph was removed" in str(info.value)
    assert state(oxigraph_server) == before
    assert not staging_graphs(oxigraph_server)


def test_insert_rejected_midway_leaves_the_target_as_it_was(oxigraph_server, graph, monkeypatch):
    """SPARQL Update only: the third INSERT DATA chunk is rejected after two were stored."""
    import migkg.load.loader

    oxigraph_server.put_graph(TARGET, BEFORE)
    before = state(oxigraph_server)
    monkeypatch.setattr(migkg.load.loader, "CHUNK", 1000)
    original = UpdateEndpoint.update
    inserts = []

    def reject_third_insert(self, text, what):
        if text.startswith("INSERT DATA"):
            inserts.append(text)
            if len(inserts) == 3:
                text = text.replace("INSERT DATA", "INSERT DATUM", 1)
        return original(self, text, what)

    monkeypatch.setattr(UpdateEndpoint, "update", reject_third_insert)
    with pytest.raises(LoadError) as info:
        load(graph, update=oxigraph_server.update_url, query=oxigraph_server.query_url, target=TARGET, timeout=30)
    assert len(inserts) == 3
    assert "(uploading to the staging graph)" in str(info.value)
    assert "the staging graph was removed" in str(info.value)
    assert state(oxigraph_server) == before
    assert not staging_graphs(oxigraph_server)


def test_update_only_load_into_a_named_graph(oxigraph_server, graph):
    """The SPARQL Update path end to end (chunked INSERT DATA, COUNT, MOVE)."""
    name = "urn:migkg:test:update-only"
    result = load(graph, update=oxigraph_server.update_url, query=oxigraph_server.query_url, target=name)
    assert result.triples == len(graph)
    n = oxigraph_server.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")[0]["n"]["value"]
    assert int(n) == len(graph)
    assert not staging_graphs(oxigraph_server)


def test_server_stopped_between_staging_and_move(tmp_path, graph, monkeypatch):
    """The store goes away after the count check: the move is refused, the target is
    untouched, and the message names the staging graph it could not remove."""
    server = OxigraphServer(tmp_path / "db", oxigraph_binary()).start()
    try:
        server.put_graph(TARGET, BEFORE)
        before = state(server)[0]
        original = Loader.count

        def count_then_stop(self):
            n = original(self)
            server.stop()
            return n

        monkeypatch.setattr(Loader, "count", count_then_stop)
        with pytest.raises(LoadError) as info:
            load(graph, store=server.store, update=server.update_url, target=TARGET, timeout=10)
        message = str(info.value)
        assert "connection refused (moving the staging graph over" in message
        assert f"<{TARGET}> was left unchanged" in message
        staging = re.search(r"the staging graph <([^>]+)> could not be removed", message).group(1)
        server.start()  # the same data folder, on a new port
        assert state(server)[0] == before
        assert staging_graphs(server) == {staging}
    finally:
        server.stop()


# --- one-line errors and exit 2 from the command -----------------------------------------

def _scenarios(ox: OxigraphServer, status: StatusServer, home: Path, closed: int) -> dict:
    netrc = home / "netrc"
    netrc.write_text("machine 127.0.0.1 login bob password from-netrc\n")
    netrc.chmod(0o600)
    creds = {"MIGKG_USER": "alice", "MIGKG_PASSWORD": "wrong"}
    return {
        "refused": (["--store", f"http://127.0.0.1:{closed}/store"], {}, "connection refused"),
        "wrong-url": (["--store", ox.base + "/no-such-endpoint"], {}, "404 Not Found"),
        "wrong-update-url": (["--update", ox.base + "/no-such-endpoint"], {}, "404 Not Found"),
        "needs-credentials": (["--store", status.base + "/401/anonymous"], {},
                              "401 Unauthorized: the store needs credentials"),
        "rejected-credentials": (["--store", status.base + "/401/store"], creds,
                                 "401 Unauthorized: the store rejected the credentials"),
        "rejected-credentials-update": (["--update", status.base + "/401/update"], creds,
                                        "401 Unauthorized: the store rejected the credentials"),
        "rejected-netrc-credentials": (["--store", status.base + "/401/netrc"], {"NETRC": str(netrc)},
                                       "401 Unauthorized: the store rejected the credentials"),
        "forbidden": (["--store", status.base + "/403/store"], creds, "403 Forbidden"),
        "server-error": (["--store", status.base + "/500/store"], {}, "server error 500"),
        "server-error-update": (["--update", status.base + "/503/update"], {}, "server error 503"),
        "timeout": (["--store", status.base + "/slow/store", "--timeout", "1", "--retries", "1"], {},
                    "no answer within 1 s (timeout)"),
        "not-a-url": (["--store", "localhost:7878/store"], {}, "is not an http:// or https:// URL"),
        "credentials-in-url": (["--store", "http://u:p@127.0.0.1:1/store"], {}, "not in the URL"),
        "no-endpoint": ([], {}, "give --store URL"),
    }


@pytest.fixture(scope="module")
def failed_loads(oxigraph_server, tmp_path_factory):
    """Every failing `migkg load`, one after the other, against Oxigraph, a status server and a
    closed port."""
    home = tmp_path_factory.mktemp("home")
    with StatusServer(slow_seconds=3) as status, refusing_port() as closed:
        scenarios = _scenarios(oxigraph_server, status, home, closed)
        results = {}
        for name, (args, extra, _) in scenarios.items():
            run = run_cli("load", *args, env=clean_env(home, **extra))
            results[name] = (run, run.stdout, run.stderr)
        seen = list(status.seen)
    return scenarios, results, seen


@pytest.mark.parametrize("name", ["refused", "wrong-url", "wrong-update-url", "needs-credentials",
                                  "rejected-credentials", "rejected-credentials-update", "rejected-netrc-credentials",
                                  "forbidden", "server-error", "server-error-update", "timeout", "not-a-url",
                                  "credentials-in-url", "no-endpoint"])
def test_failures_are_one_line_and_exit_2(failed_loads, name):
    scenarios, results, _ = failed_loads
    process, stdout, stderr = results[name]
    expected = scenarios[name][2]
    assert process.returncode == 2, stderr
    assert stderr.startswith("migkg: ") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    assert expected in stderr
    assert stdout == ""


def test_credentials_travel_as_basic_auth(failed_loads):
    """From the environment or the netrc file, as HTTP Basic after a credential-less GET
    whose challenge says Basic (a Digest challenge would switch to Digest)."""
    _, _, seen = failed_loads
    sent: dict[str, set] = {}
    for method, path, header in seen:
        sent.setdefault(path.split("?")[0], set()).add((method, header))
    alice = "Basic " + base64.b64encode(b"alice:wrong").decode()
    bob = "Basic " + base64.b64encode(b"bob:from-netrc").decode()
    assert sent["/401/anonymous"] == {("PUT", None)}
    assert sent["/401/store"] == {("GET", None), ("PUT", alice)}
    assert sent["/401/netrc"] == {("GET", None), ("PUT", bob)}
    assert ("PUT", alice) in sent["/403/store"]
    assert sent["/500/store"] == {("PUT", None)}  # no credentials configured, none sent
    assert ("POST", alice) in sent["/401/update"]  # SPARQL Update through SPARQLWrapper


def test_failed_loads_left_the_store_as_it_was(failed_loads, loaded, oxigraph_server, graph):
    assert state(oxigraph_server)[1] == len(graph)
    assert not staging_graphs(oxigraph_server)


# --- retries that cannot duplicate, Retry-After, read before retrying, --cleanup ----------

SMALL = """
@prefix ex: <urn:migkg:test:> .
ex:case ex:holds [ ex:category ex:asylum-seeker ; ex:from "2017" ] , [ ex:category ex:smuggled-migrant ] .
ex:case ex:label "a case"@en .
"""


def small_graph():
    from rdflib import Graph

    return Graph().parse(data=SMALL, format="turtle")


def named_graph(server: OxigraphServer, name: str) -> set[str]:
    return set(server.get_graph(name).decode().splitlines()) - {""}


def sent(proxy, method: str, needle: str) -> list:
    return [row for row in proxy.seen if row[1] == method and needle in (row[2] + " " + row[3])]


def test_skolemise_gives_the_same_iris_for_the_same_graph():
    from migkg.load import skolemise

    first, second = skolemise(small_graph()), skolemise(small_graph())  # different blank node labels
    assert set(first) == set(second) and len(first) == len(small_graph())
    terms = {t for triple in first for t in triple}
    assert not any(isinstance(t, BNode) for t in terms)
    assert len({t for t in terms if str(t).startswith("https://w3id.org/migkg/.well-known/genid/")}) == 2


def test_retry_after_as_seconds_or_http_date():
    from datetime import datetime, timedelta, timezone
    from email.utils import format_datetime

    from migkg.load import retry_after_seconds

    assert retry_after_seconds("7") == 7.0
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after_seconds(later) <= 30
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_429_waits_as_long_as_retry_after_says(oxigraph_server):
    from .servers import Fault, FaultyProxy

    name = "urn:migkg:test:after-429"
    staging_put = Fault(lambda m, p, b: m == "PUT" and "staging" in p, status=429, retry_after="1")
    with FaultyProxy(oxigraph_server.base, [staging_put]) as proxy:
        result = load(small_graph(), store=proxy.base + "/store", target=name, timeout=10)
    puts = sent(proxy, "PUT", "staging")
    assert staging_put.used and len(puts) == 2
    assert puts[1][0] - puts[0][0] >= 1.0
    assert len(result.retried) == 1 and "429 Too Many Requests" in result.retried[0]
    assert len(named_graph(oxigraph_server, name)) == len(small_graph())
    assert not staging_graphs(oxigraph_server)


def test_retry_after_longer_than_max_wait_gives_up_in_one_line(oxigraph_server, tmp_path):
    from .servers import Fault, FaultyProxy

    name = "urn:migkg:test:after-429-too-long"
    oxigraph_server.put_graph(name, BEFORE)
    fault = Fault(lambda m, p, b: m == "PUT" and "staging" in p, status=429, retry_after="3600")
    with FaultyProxy(oxigraph_server.base, [fault]) as proxy:
        p = run_cli("load", "--store", proxy.base + "/store", "--graph", name, "--max-wait", "5",
                    env=clean_env(tmp_path))
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr
    assert "429 Too Many Requests" in p.stderr
    assert "the store asks to retry after 3600 s (Retry-After), more than --max-wait 5 s" in p.stderr
    assert len(sent(proxy, "PUT", "staging")) == 1
    assert named_graph(oxigraph_server, name) == set(BEFORE.decode().splitlines())
    assert not staging_graphs(oxigraph_server)


def test_move_carried_out_but_unanswered_is_not_sent_again(oxigraph_server):
    """SPARQL Update: the store does the MOVE but the answer never comes; the loader reads the
    staging graph (gone), concludes the move happened, and does not send it again."""
    from .servers import Fault, FaultyProxy

    name = "urn:migkg:test:move-unanswered"
    oxigraph_server.put_graph(name, BEFORE)
    fault = Fault(lambda m, p, b: m == "POST" and b.startswith("MOVE"), commit_then_hang=3)
    with FaultyProxy(oxigraph_server.base, [fault]) as proxy:
        result = load(small_graph(), update=proxy.base + "/update", query=proxy.base + "/query", target=name,
                      timeout=1, sleep=lambda s: None)
    assert fault.used and len(sent(proxy, "POST", "MOVE")) == 1
    assert len(result.retried) == 1 and "no answer within 1 s (timeout)" in result.retried[0]
    assert named_graph(oxigraph_server, name) == set(skolemised_lines(small_graph()))
    assert not staging_graphs(oxigraph_server)


def test_move_lost_before_the_store_is_sent_again(oxigraph_server):
    """The MOVE never reaches the store: the staging graph is still full, so it is sent again."""
    from .servers import Fault, FaultyProxy

    name = "urn:migkg:test:move-lost"
    fault = Fault(lambda m, p, b: m == "POST" and b.startswith("MOVE"), hang_then_drop=2)
    with FaultyProxy(oxigraph_server.base, [fault]) as proxy:
        load(small_graph(), update=proxy.base + "/update", query=proxy.base + "/query", target=name,
             timeout=1, sleep=lambda s: None)
    assert len(sent(proxy, "POST", "MOVE")) == 2
    assert named_graph(oxigraph_server, name) == set(skolemised_lines(small_graph()))
    assert not staging_graphs(oxigraph_server)


def test_graph_store_move_carried_out_but_unanswered_is_not_sent_again(oxigraph_server):
    from .servers import Fault, FaultyProxy

    name = "urn:migkg:test:put-unanswered"
    fault = Fault(lambda m, p, b: m == "PUT" and "target" not in p and "staging" not in p, commit_then_hang=3)
    with FaultyProxy(oxigraph_server.base, [fault]) as proxy:
        load(small_graph(), store=proxy.base + "/store", target=name, timeout=1, sleep=lambda s: None)
    puts = [row for row in sent(proxy, "PUT", "") if "staging" not in row[2]]
    assert fault.used and len(puts) == 1
    assert named_graph(oxigraph_server, name) == set(skolemised_lines(small_graph()))
    assert not staging_graphs(oxigraph_server)


def test_insert_carried_out_but_unanswered_is_sent_again_without_duplicates(oxigraph_server):
    """The chunk with the blank nodes is stored, the answer is lost, the loader sends it again:
    with blank nodes it would now hold them twice and fail the count check; skolemised, once."""
    from .servers import Fault, FaultyProxy

    name = "urn:migkg:test:insert-unanswered"
    fault = Fault(lambda m, p, b: m == "POST" and b.startswith("INSERT DATA"), commit_then_hang=3)
    with FaultyProxy(oxigraph_server.base, [fault]) as proxy:
        result = load(small_graph(), update=proxy.base + "/update", query=proxy.base + "/query", target=name,
                      timeout=1, sleep=lambda s: None)
    assert len(sent(proxy, "POST", "INSERT DATA")) == 2
    assert result.triples == len(small_graph())
    assert named_graph(oxigraph_server, name) == set(skolemised_lines(small_graph()))


def skolemised_lines(graph) -> list[str]:
    from migkg.load import ntriples, skolemise

    return ntriples(skolemise(graph))


def test_cleanup_removes_the_staging_graphs_a_crashed_load_left(oxigraph_server, tmp_path):
    name = "urn:migkg:test:cleanup-target"
    oxigraph_server.put_graph(name, BEFORE)
    left = [STAGING_PREFIX + "crashed-1", STAGING_PREFIX + "crashed-2"]
    for staging in left:
        oxigraph_server.put_graph(staging, BEFORE)
    p = run_cli("load", "--cleanup", "--store", oxigraph_server.store, "--query", oxigraph_server.query_url,
                env=clean_env(tmp_path))
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["removed 2 staging graphs"] + [f"  <{g}>" for g in left]
    assert not staging_graphs(oxigraph_server)
    assert named_graph(oxigraph_server, name) == set(BEFORE.decode().splitlines())


def test_cleanup_without_a_query_endpoint_is_one_line(tmp_path, oxigraph_server):
    p = run_cli("load", "--cleanup", "--store", oxigraph_server.store, env=clean_env(tmp_path))
    assert p.returncode == 2 and p.stderr.count("\n") == 1
    assert "--cleanup needs a query endpoint" in p.stderr

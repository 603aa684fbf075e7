"""Local runs never fetch (issue 8): SERVICE, FROM, FROM NAMED and LOAD are refused unless
--allow-network is given, found in the parsed query rather than by matching words; and an
audit hook refuses any connection that was not asked for, as a backstop."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib import Graph

from migkg import sparql
from migkg.queries import catalogue
from tests.hostile.helpers import copy_fixture, files_in, one_line_error, run_migkg

CASES = [
    ("service.rq", "SERVICE <http://127.0.0.1:{port}/sparql>"),
    ("from.rq", "FROM <http://127.0.0.1:{port}/graph.ttl>"),
    ("from-named.rq", "FROM NAMED <http://127.0.0.1:{port}/named.ttl>"),
    ("load.rq", "LOAD <http://127.0.0.1:{port}/graph.ttl>"),
]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(("name", "clause"), CASES, ids=[c[0] for c in CASES])
def test_network_clauses_refused_locally(workdir, recorder, name, clause, engine):
    copy_fixture(name, workdir, recorder.port)
    before = files_in(workdir)
    result = run_migkg("query", "--file", name, "--engine", engine, cwd=workdir)
    assert result.returncode == 2, result.stderr
    assert one_line_error(result) == (f"migkg: {clause.format(port=recorder.port)} refused: local queries do not "
                                      "fetch from the network (give --allow-network to allow it)")
    assert result.stdout == ""
    assert recorder.requests == []
    assert files_in(workdir) == before


def test_allow_network_lets_service_through(workdir, recorder):
    """The refusal above is the gate, not a missing server: with --allow-network the same
    query reaches the (local, recording) endpoint."""
    copy_fixture("service.rq", workdir, recorder.port)
    result = run_migkg("query", "--file", "service.rq", "--engine", "rdflib", "--allow-network", "--format", "json",
                       cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert len(recorder.requests) == 1


def test_clause_hidden_in_strings_and_comments_is_not_refused():
    text = 'SELECT ?s WHERE { ?s ?p "SERVICE <http://x/> FROM <http://y/>" } # LOAD <http://z/>'
    assert sparql.network_clauses(text) == ()


@pytest.mark.parametrize(("text", "first"), [
    ("select * where { { select * where { sErViCe   <http://x/> { ?s ?p ?o } } } }", "SERVICE <http://x/>"),
    ("SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }", "SERVICE ?where"),
    ("PREFIX x: <http://x/> SELECT * WHERE { SERVICE SILENT x:y { ?s ?p ?o } }", "SERVICE x:y"),
    ("SELECT * FROM\n<http://x/> WHERE { ?s ?p ?o }", "FROM <http://x/>"),
    ("LOAD SILENT <http://x/> INTO GRAPH <http://g/>", "LOAD <http://x/>"),
    ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o ", "SERVICE (in a query that cannot be checked)"),
])
def test_clauses_found_in_the_parse_tree(text, first):
    found = sparql.network_clauses(text)
    assert found and found[0] == first
    with pytest.raises(sparql.NetworkClauseRefused):
        sparql.run_rdflib(Graph(), text)
    with pytest.raises(sparql.NetworkClauseRefused):
        sparql.run_oxigraph(sparql.oxigraph_store(Graph()), text)


def test_no_saved_query_fetches():
    assert {q.name: sparql.network_clauses(q.text) for q in catalogue() if sparql.network_clauses(q.text)} == {}


GUARD_SCRIPT = """
import sys, urllib.request
from rdflib import Graph
from migkg import netguard, sparql
from migkg.errors import MigkgError
url = sys.argv[1]
netguard.restrict()
try:
    urllib.request.urlopen(url + "/direct", timeout=5)
    print("FETCHED")
except netguard.NetworkRefused as exc:
    print("refused:", exc)
# Past the parse-tree check (allow_network=True) the audit hook still stops rdflib's SERVICE call.
try:
    sparql.run_rdflib(Graph(), "SELECT * WHERE { SERVICE <" + url + "/sparql> { ?s ?p ?o } }", allow_network=True)
    print("FETCHED")
except MigkgError as exc:
    print("refused:", exc)
import socket
port = int(url.rsplit(":", 1)[1])
sock = socket.socket()
try:
    sock.connect(("127.0.0.1", port))
    print("CONNECTED")
except netguard.NetworkRefused as exc:
    print("refused:", exc)
finally:
    sock.close()
try:
    socket.getaddrinfo("example.org", 443)
    print("RESOLVED")
except netguard.NetworkRefused as exc:
    print("refused:", exc)
netguard.restrict([url + "/sparql"])
urllib.request.urlopen(url + "/allowed", timeout=5).read()
print("allowed")
"""


def test_audit_hook_blocks_connections_nobody_asked_for(recorder):
    result = subprocess.run([sys.executable, "-c", GUARD_SCRIPT, recorder.url], capture_output=True, text=True,
                            timeout=60, env={"PATH": "/usr/bin:/bin", "NO_PROXY": "*", "no_proxy": "*"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("refused: network access to http://127.0.0.1:")
    assert lines[1].startswith("refused: network access to http://127.0.0.1:")
    assert lines[2] == f"refused: network access to 127.0.0.1:{recorder.port} refused (hosts allowed: none); " \
        "local runs do not fetch, give --allow-network to allow it"
    assert lines[3].startswith("refused: network access to example.org refused")
    assert lines[4] == "allowed"
    assert recorder.requests == ["GET /allowed"]


def test_in_process_commands_leave_the_process_as_they_found_it(tmp_path):
    """A command run in-process (click's CliRunner) lifts its network restriction and its
    options when it ends, so later code in the same process may use the network again."""
    from click.testing import CliRunner

    from migkg import netguard, store
    from migkg.cli import main
    from tests.hostile.helpers import FIXTURES

    result = CliRunner().invoke(main, ["validate", "--base", "https://example.org/x/",
                                       str(FIXTURES / "relative-iri.ttl")])
    assert result.exit_code == 0, result.output
    assert netguard._state["active"] is False
    assert "base" not in store._configured

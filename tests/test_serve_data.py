"""`migkg serve --data FILE...`: the files are read strictly, validated as `migkg validate`
validates them (unless --no-validate) and served with the graph for that run only: their
resources get pages and /sparql sees their triples; data/ is never touched."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.servers import HOST, free_port
from tests.test_serve import running_server

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("serve")]

ROOT = Path(__file__).resolve().parent.parent
REGISTER = ROOT / "tests" / "fixtures" / "case-register.ttl"  # conforms (checked below)
HOLDERS = ("SELECT (COUNT(*) AS ?n) WHERE { ?a <https://w3id.org/migkg/ontology#holder> ?p . "
           "FILTER STRSTARTS(STR(?a), 'https://w3id.org/migkg/id/test/') }")
BAD = """@prefix mkg: <https://w3id.org/migkg/ontology#> .
@prefix t:   <https://w3id.org/migkg/id/test/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
t:bad-assignment a mkg:CategoryAssignment ; mkg:startDate "2017-02-30x"^^xsd:date .
"""


def data_snapshot() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((ROOT / "data").rglob("*")) if p.is_file()}


def serve(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`migkg serve` expected to stop before serving."""
    return subprocess.run([sys.executable, "-m", "migkg", "serve", "--port", str(free_port()), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def count(client: httpx.Client, query: str) -> int:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def bad_file(tmp_path) -> Path:
    path = tmp_path / "bad-register.ttl"
    path.write_text(BAD, encoding="utf-8")
    return path


def test_with_data_merges_for_the_run_only(tmp_path):
    from migkg.graphstore import DataGraphStore, data_ntriples, open_default, with_data

    assert with_data([]) is open_default()
    merged = with_data([REGISTER])
    assert isinstance(merged, DataGraphStore)
    assert len(merged) == len(open_default()) + merged.files[-1][1] and merged.files[-1][1] > 20
    assert len(open_default()) < len(merged)  # the project's graph is left as it was
    # other formats go through the strict reader too; blank nodes of two files stay apart
    nt = tmp_path / "a.nt"
    nt.write_text('_:b <https://w3id.org/migkg/id/test/p> "1" .\n', encoding="utf-8")
    jsonld = tmp_path / "b.jsonld"
    jsonld.write_text('{"@id": "_:b", "https://w3id.org/migkg/id/test/p": "2"}', encoding="utf-8")
    both = with_data([nt, jsonld])
    found = list(both.store.query('SELECT ?s WHERE { ?s <https://w3id.org/migkg/id/test/p> ?o }'))
    assert len(found) == 2 and found[0]["s"] != found[1]["s"]
    assert data_ntriples(nt).startswith(b"_:")


def test_served_data_gets_pages_and_sparql():
    validated = subprocess.run([sys.executable, "-m", "migkg", "validate", str(REGISTER)], capture_output=True,
                               text=True, timeout=300, cwd=ROOT)
    assert validated.returncode == 0, validated.stdout  # the fixture conforms
    before = data_snapshot()
    with running_server("--data", str(REGISTER), timeout=120) as (base, _), \
            httpx.Client(base_url=base, timeout=60, trust_env=False) as client:
        page = client.get("/id/test/p1")
        assert page.status_code == 200 and "test/p1" in page.text
        assert client.get("/id/test/p1-case", headers={"Accept": "text/turtle"}).status_code == 200
        assert count(client, HOLDERS) == 6  # in the query workers
        saved = client.get("/api/queries")
        assert saved.status_code == 200
        assert client.get("/id/pe/mre").status_code == 200  # the project's graph is there too
    assert data_snapshot() == before


def test_non_conforming_data_is_reported_as_validate_reports_it(bad_file):
    before = data_snapshot()
    validated = subprocess.run([sys.executable, "-m", "migkg", "validate", str(bad_file)], capture_output=True,
                               text=True, timeout=300, cwd=ROOT)
    assert validated.returncode == 1
    done = serve("--data", str(bad_file))
    assert done.returncode == 1
    assert done.stderr == validated.stdout  # as_text(outcome), on stderr
    assert "migkg serve: http" not in done.stderr + done.stdout  # nothing served
    assert data_snapshot() == before


def test_no_validate_serves_it_anyway(bad_file):
    before = data_snapshot()
    with running_server("--no-validate", "--data", str(bad_file), timeout=120) as (base, _), \
            httpx.Client(base_url=base, timeout=60, trust_env=False) as client:
        assert client.get("/id/test/bad-assignment").status_code == 200
        query = "SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/migkg/id/test/bad-assignment> ?p ?o }"
        assert count(client, query) == 2
    assert data_snapshot() == before


def test_syntax_error_is_one_line_and_exit_2(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix t: <https://w3id.org/migkg/id/test/> .\nt:x t:p t:y ;\n", encoding="utf-8")
    for options in ((), ("--no-validate",)):
        done = serve(*options, "--data", str(broken))
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"migkg: {broken}:3:"), done.stderr
    missing = serve("--data", str(tmp_path / "nope.ttl"))
    assert missing.returncode == 2 and "nope.ttl" in missing.stderr


def test_data_option_is_in_the_help():
    done = subprocess.run([sys.executable, "-m", "migkg", "serve", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert "--data FILE" in done.stdout and "--no-validate" in done.stdout
    assert HOST == "127.0.0.1"

"""`migkg query --limit N --offset M`: one page of the answer, taken from the engine's results in
the query's own order (never by editing the query text); the same pages on both engines."""

from __future__ import annotations

import csv
import io

import pytest

from .conftest import run_cli

QUERIES = ["mandates", "documented-gaps", "instruments-as-of"]


def rows(*args: str) -> tuple[list[str], list[list[str]]]:
    result = run_cli("query", *args, "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = list(csv.reader(io.StringIO(result.stdout)))
    return table[0], table[1:]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("name", QUERIES)
def test_pages_make_the_whole_answer(name, engine):
    header, whole = rows(name, "--engine", engine)
    assert len(whole) > 10, "pick a query with a few pages"
    pages, offset = [], 0
    while True:
        page_header, page = rows(name, "--engine", engine, "--limit", "5", "--offset", str(offset))
        assert page_header == header
        assert len(page) <= 5
        if not page:
            break
        pages += page
        offset += 5
    assert pages == whole  # same rows, same order (each query has its own ORDER BY)


def test_both_engines_give_the_same_page():
    # the saved query orders its rows; compare as plain values (the engines write literals alike in CSV)
    ox = rows("documented-gaps", "--limit", "7", "--offset", "3")
    rd = rows("documented-gaps", "--limit", "7", "--offset", "3", "--engine", "rdflib")
    assert ox == rd and len(ox[1]) == 7


def test_limit_zero_and_offset_past_the_end_give_only_the_header():
    header, _ = rows("mandates")
    for args in (["--offset", "100000"], ["--limit", "0"], ["--offset", "100000", "--engine", "rdflib"]):
        result = run_cli("query", "mandates", *args, "--format", "csv")
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == [",".join(header)]


@pytest.mark.parametrize("args", [["--limit", "-1"], ["--offset", "-5"], ["--limit", "x"], ["--offset", "1.5"],
                                  ["--limit", ""]])
def test_bad_values_are_one_line(args):
    result = run_cli("query", "mandates", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"migkg: {args[0]}:"), result.stderr


def test_page_of_a_table():
    from migkg.sparql import ResultTable, page

    table = ResultTable(["x"], [[i] for i in range(12)])
    assert page(table).rows == table.rows
    assert page(table, 5, 5).rows == [[i] for i in range(5, 10)]
    assert page(table, 10, 5).rows == [[10], [11]]
    assert page(table, 20, 5).rows == [] and page(table, 20, 5).variables == ["x"]



def _same_cells(table: list[list[str]]) -> list[list]:
    """GROUP_CONCAT joins in no fixed order: compare its parts sorted."""
    return [[tuple(sorted(c.split("; "))) if "; " in c else c for c in row] for row in table]


@pytest.mark.server
def test_an_endpoint_gives_the_same_page(oxigraph_server, tmp_path):
    """`--endpoint` (a real `oxigraph serve` holding the graph, loaded by `migkg load`) gives the
    same page as the local graph."""
    import os

    env: dict[str, str | None] = {k: None for k in os.environ
                                  if k in ("MIGKG_USER", "MIGKG_PASSWORD", "NETRC") or k.lower().endswith("_proxy")}
    env["HOME"] = str(tmp_path)  # no credentials, netrc or proxy from the developer's environment
    loaded = run_cli("load", "--store", oxigraph_server.store, "--update", oxigraph_server.update_url, env=env)
    assert loaded.returncode == 0, loaded.stderr
    for name in QUERIES:
        for offset in ("0", "5", "100000"):
            page = ["--limit", "5", "--offset", offset]
            local = rows(name, *page)
            remote = rows(name, *page, "--endpoint", oxigraph_server.query_url)
            assert remote[0] == local[0]
            assert _same_cells(remote[1]) == _same_cells(local[1])
            assert len(local[1]) == (0 if offset == "100000" else 5)

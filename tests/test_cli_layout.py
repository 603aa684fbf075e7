"""`migkg query --format table` fits the terminal: at widths 60, 80, 120 and 200 every saved
query's output has no line wider than the width and every word of its cells whole (a word
longer than the room a value has, such as a long IRI at 60 columns, is the one exception)."""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len
from rich.console import Console

from migkg import sparql
from migkg.cli import tables
from migkg.graphstore import open_default
from migkg.queries import catalogue

WIDTHS = (60, 80, 120, 200)
CATALOGUE = catalogue()


@pytest.fixture(scope="module")
def results():
    store = open_default().store
    out = {}
    for q in CATALOGUE:
        for lang in ("en", "es"):
            table = sparql.run_oxigraph(store, q.text, q.ox_bindings({"lang": lang} if any(
                p.name == "lang" for p in q.params) else {}), as_rdflib=False)
            variables, cells = table.for_reading()
            titles = q.column_titles(lang)
            out[q.name, lang] = ([titles.get(v, v) for v in variables], cells)
    return out


def printed(columns, rows, width, layout="auto") -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    tables.render(console, "title", columns, rows, layout)
    return console.file.getvalue()


def words_whole(text: str, columns, rows, width: int) -> list[str]:
    tokens = set(text.split())
    room = width - max(width // 3, 8)  # the narrowest room a record value has
    return [w for row in [columns, *rows] for cell in row for w in cell.split()
            if len(w) <= room and w not in tokens and f"{w}:" not in tokens]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("width", WIDTHS)
def test_every_saved_query_fits_without_broken_words(results, width, lang):
    for q in CATALOGUE:
        columns, rows = results[q.name, lang]
        text = printed(columns, rows, width)
        too_wide = [line for line in text.splitlines() if cell_len(line) > width]
        assert not too_wide, (q.name, width, too_wide[:2])
        broken = words_whole(text, columns, rows, width)
        assert not broken, (q.name, width, broken[:5])


def test_records_for_the_widest_queries_at_80(results):
    for name in ("overlapping-categories", "statistics-by-category", "application-windows"):
        columns, rows = results[name, "en"]
        assert not tables.table_fits(columns, rows, 80), name
        text = printed(columns, rows, 80)
        assert "-[ 1 ]" in text and "┃" not in text, name


def test_a_table_when_it_fits(results):
    columns, rows = results["conventions-ratification", "en"]
    assert tables.table_fits(columns, rows, 120)
    assert "┃" in printed(columns, rows, 120)
    assert "-[ 1 ]" in printed(columns, rows, 120, layout="records")


def test_record_values_wrap_at_word_boundaries():
    text = tables.as_records("t", ["name", "a rather long column title"], [["one two three " * 10, "x y"]], 40)
    assert all(len(line) <= 40 for line in text.splitlines())
    assert {"one", "two", "three", "x", "y"} <= set(text.split())


def test_layout_option_on_the_command(migkg_cli):
    out = migkg_cli("query", "conventions-ratification", "--layout", "records")
    assert out.returncode == 0, out.stderr
    assert "-[ 1 ]" in out.stdout
    bad = migkg_cli("query", "conventions-ratification", "--layout", "sideways")
    assert bad.returncode == 2

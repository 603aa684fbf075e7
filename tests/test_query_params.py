"""Parameters that take several values (`multiple: true` in the `#+` header): bound as a VALUES
block of terms on both engines, never pasted in as text; repeated `--param KEY=VALUE` collects them."""

from __future__ import annotations

import pytest

from migkg import sparql
from migkg.graphstore import open_default
from migkg.queries import QueryError, load_query

CAT = "https://w3id.org/migkg/id/category/"

QUERY = """#+ summary: Labels of the categories given
#+ description: A test query with a parameter that takes several values.
#+ tags:
#+   - test
#+ params:
#+   - name: category
#+     type: iri
#+     multiple: true
#+     description: The categories
#+   - name: lang
#+     type: language
#+     default: en
#+     description: Language of the labels

PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?category ?label WHERE {
  ?category rdfs:label ?label . FILTER (LANG(?label) = ?lang)
}
ORDER BY ?label
"""


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "labels.rq"
    path.write_text(QUERY, encoding="utf-8")
    return load_query(path)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_several_values_give_the_rows_of_each(saved, engine):
    given = {"category": [CAT + "smuggled-migrant", CAT + "asylum-seeker"], "lang": "es"}
    gs = open_default()
    if engine == "oxigraph":
        table = gs.select(saved.text, saved.ox_bindings(given))
    else:
        table = sparql.run_rdflib(gs.rdflib_graph(), saved.text, saved.bindings(given))
    rows = {str(c): label for c, label in table.rows}
    assert set(rows) == {CAT + "smuggled-migrant", CAT + "asylum-seeker"}
    assert {getattr(label, "language", None) for label in rows.values()} == {"es"}


def test_one_value_and_a_repeated_value(saved):
    assert len(open_default().select(saved.text, saved.ox_bindings({"category": CAT + "asylum-seeker"}))) == 1
    twice = saved.ox_bindings({"category": [CAT + "asylum-seeker", CAT + "asylum-seeker"]})
    assert len(twice["category"]) == 1


def test_a_single_valued_parameter_refuses_two_values(saved):
    with pytest.raises(QueryError, match="takes one value"):
        saved.ox_bindings({"lang": ["en", "es"]})


def test_a_value_cannot_break_out_of_the_values_block(saved):
    hostile = CAT + 'x> } } DROP ALL { <' + CAT + "y"
    with pytest.raises(QueryError):
        saved.ox_bindings({"category": [hostile]})


def test_repeated_param_on_the_command_line(saved, migkg_cli):
    result = migkg_cli("query", "--file", saved.path, "--format", "csv",
                       "-p", f"category={CAT}smuggled-migrant", "-p", f"category={CAT}asylum-seeker")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 3
    refused = migkg_cli("query", "--file", saved.path, "-p", "lang=en", "-p", "lang=es")
    assert refused.returncode != 0 and "takes one value" in refused.stderr

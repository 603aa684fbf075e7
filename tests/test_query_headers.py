"""Every saved query's ``#+`` header is plain YAML, read the way grlc reads it: ``#+`` and one
following space removed from each ``#+`` line, the lines joined with newlines."""

from __future__ import annotations

import re

import pytest
import yaml

from migkg import resources
from migkg.queries import PARAM_TYPES, QueryError, find, load_query

from .conftest import ROOT

FILES = sorted((ROOT / "queries").rglob("*.rq"))


def split(text: str) -> tuple[str, str]:
    """(the header as YAML text, the query body)."""
    lines = text.splitlines()
    header = "\n".join(line[2:].removeprefix(" ") for line in lines if line.startswith("#+"))
    body = "\n".join(line for line in lines if not line.startswith("#+"))
    return header, body


def test_there_are_saved_queries():
    assert len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT / "queries").as_posix())
def test_header_is_yaml_with_the_required_keys(path):
    header_text, body = split(path.read_text(encoding="utf-8"))
    header = yaml.safe_load(header_text)
    assert isinstance(header, dict), "the #+ lines must form one YAML mapping"
    assert isinstance(header.get("summary"), str) and header["summary"].strip(), "summary: missing or not text"
    assert isinstance(header.get("description"), str) and header["description"].strip(), \
        "description: missing or not text"
    assert isinstance(header.get("tags"), list) and header["tags"], "tags: missing or not a list"
    assert all(isinstance(t, str) for t in header["tags"])
    check_columns(header.get("columns"), body)
    if "params" not in header:
        return
    params = header["params"]
    assert isinstance(params, list) and params, "params: must be a non-empty list"
    for param in params:
        assert isinstance(param, dict), f"params entry {param!r} is not a mapping"
        assert set(param) <= {"name", "type", "default", "description", "multiple"}, f"unknown keys in {param}"
        assert isinstance(param.get("name"), str) and param["name"], param
        assert param.get("type") in PARAM_TYPES, param
        assert isinstance(param.get("description"), str) and param["description"].strip(), param
        assert param.get("default") is None or isinstance(param["default"], str), param
        assert re.search(rf"[?$]{re.escape(param['name'])}\b", body), \
            f"parameter {param['name']} is declared but ?{param['name']} is not used in the query"


def projected(body: str) -> set[str]:
    """The variables of the outer SELECT clause."""
    clause = re.search(r"\bSELECT\b(.*?)(\bWHERE\b|\{)", body, re.S | re.I)
    assert clause, "no SELECT clause"
    return set(re.findall(r"[?$](\w+)", clause.group(1)))


def check_columns(columns, body: str) -> None:
    """`columns:` maps projected variables to their titles in English and Spanish, short and plain."""
    assert isinstance(columns, dict) and columns, "columns: missing (titles of the columns, en and es)"
    variables = projected(body)
    for var, titles in columns.items():
        assert var in variables, f"columns: {var} is not a variable the query's SELECT projects"
        assert isinstance(titles, dict) and set(titles) >= {"en", "es"}, f"columns: {var} needs en and es titles"
        for lang, title in titles.items():
            assert isinstance(title, str) and title.strip() and len(title) <= 40, (var, lang, title)


def test_column_titles_by_language():
    query = find("overlapping-categories")
    assert query.column_titles("en")["categoryALabel"] == "Category A"
    assert query.column_titles("es")["categoryALabel"] == "Categoría A"
    assert query.column_titles("fr")["categoryALabel"] == "Category A"  # English when a language is missing


def test_a_header_that_is_not_yaml_is_a_one_line_query_error(tmp_path):
    bad = tmp_path / "bad-header.rq"
    bad.write_text("#+ summary: fine\n#+ description: text with: a colon\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError) as caught:
        load_query(bad)
    message = str(caught.value)
    assert "bad-header.rq" in message and "line 2" in message
    assert len(message.splitlines()) == 1


def test_find_reads_only_the_named_file_and_keeps_dir_stem_names(tmp_path, monkeypatch):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "twin.rq").write_text(f"#+ summary: twin in {folder}\nSELECT * WHERE {{ ?s ?p ?o }}\n")
    (tmp_path / "a" / "single.rq").write_text("#+ summary: single\nSELECT * WHERE { ?s ?p ?o }\n")
    (tmp_path / "b" / "broken.rq").write_text("#+ summary: broken: header\nSELECT * WHERE { ?s ?p ?o }\n")
    monkeypatch.setattr(resources, "part", lambda name: tmp_path)
    assert find("single").summary == "single"  # the broken file elsewhere is not read
    assert find("b/twin").summary == "twin in b"
    with pytest.raises(QueryError, match="broken.rq"):
        find("twin")  # ambiguous stem: falls back to the whole catalogue, as before

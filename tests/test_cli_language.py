"""One language for a run: `migkg --lang es`, else MIGKG_LANG, else the locale (LC_ALL,
LC_MESSAGES, LANG starting with `es`), else English; labels, column titles and messages follow it."""

from __future__ import annotations

import pytest

from migkg.cli.language import from_environment

from .conftest import ROOT

CLEAN = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": None, "MIGKG_LANG": None}


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "en"),
    ({"LANG": "es_PE.UTF-8"}, "es"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "en_GB.UTF-8", "LC_ALL": "es_ES.UTF-8"}, "es"),
    ({"LANG": "es_PE.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
    ({"LANG": "es_PE.UTF-8", "MIGKG_LANG": "en"}, "en"),
    ({"MIGKG_LANG": "es"}, "es"),
])
def test_language_from_the_environment(env, expected):
    assert from_environment(env) == expected


@pytest.mark.parametrize("how", ["option", "locale", "variable"])
def test_spanish_titles_and_labels(migkg_cli, how):
    args = ["query", "overlapping-categories", "--layout", "records"]
    env = dict(CLEAN)
    if how == "option":
        args = ["--lang", "es", *args]
    elif how == "locale":
        env["LANG"] = "es_PE.UTF-8"
    else:
        env["MIGKG_LANG"] = "es"
    out = migkg_cli(*args, env=env)
    assert out.returncode == 0, out.stderr
    assert "Categoría A:" in out.stdout and "Fuentes:" in out.stdout
    assert "víctima de trata extranjera" in out.stdout  # the graph's Spanish label
    assert "categoryALabel" not in out.stdout


def test_english_by_default_and_csv_keeps_variable_names(migkg_cli):
    out = migkg_cli("query", "overlapping-categories", "--layout", "records", env=CLEAN)
    assert "Category A:" in out.stdout and "foreign victim of trafficking" in out.stdout
    csv = migkg_cli("--lang", "es", "query", "overlapping-categories", "--format", "csv", env=CLEAN)
    assert csv.stdout.splitlines()[0].startswith("situation,situationLabel,categoryA,")
    assert "víctima de trata extranjera" in csv.stdout  # the labels follow --lang, the names do not


def test_an_explicit_lang_parameter_wins(migkg_cli):
    out = migkg_cli("--lang", "es", "query", "conventions-ratification", "-p", "lang=en", "--format", "csv",
                    env=CLEAN)
    assert out.returncode == 0, out.stderr
    assert "not ratified" in out.stdout


def test_navigate_follows_the_global_language_unless_given(migkg_cli):
    es = migkg_cli("--lang", "es", "navigate", "refugee", "--format", "md", env=CLEAN)
    assert es.returncode == 0, es.stderr
    assert "refugiado" in es.stdout
    en = migkg_cli("--lang", "es", "navigate", "refugee", "--format", "md", "--lang", "en", env=CLEAN)
    assert "refugiado" not in en.stdout


def test_validate_messages_in_spanish(migkg_cli):
    out = migkg_cli("--lang", "es", "validate", ROOT / "tests" / "fixtures" / "case-register.ttl", env=CLEAN)
    assert out.returncode == 0, out.stderr
    assert "conforme" in out.stdout

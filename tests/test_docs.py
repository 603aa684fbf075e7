"""The documentation is tested against the code (as Datasette does): every `migkg` command, every
`make` target and every file path the README and docs/ name must exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migkg.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP = ("ontology/", "data/", "queries/", "validation/", "src/", "tests/", "docs/", "benchmarks/")


def code_spans(text: str) -> list[str]:
    blocks = re.findall(r"```[^\n]*\n(.*?)```", text, re.DOTALL)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.DOTALL))
    return blocks + inline


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_migkg_command_named_exists(doc):
    commands = set(main.commands)
    named = {m for span in code_spans(doc.read_text(encoding="utf-8"))
             for m in re.findall(r"(?:^|[\s/(])migkg ([a-z][a-z-]*)", span)}
    unknown = sorted(named - commands)
    assert not unknown, f"{doc.name} names migkg commands that do not exist: {unknown}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_make_target_named_exists(doc):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    named = {m for span in code_spans(doc.read_text(encoding="utf-8"))
             for m in re.findall(r"(?:^|\s)make ([a-z][a-z-]*)", span)}
    assert named <= targets, f"{doc.name} names make targets that do not exist: {sorted(named - targets)}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_file_named_exists(doc):
    missing = []
    for span in code_spans(doc.read_text(encoding="utf-8")):
        tops = "|".join(map(re.escape, TOP))
        for path in re.findall(rf"(?<![\w./-])((?:{tops})[\w./*-]*)", span):
            path = path.rstrip(".")
            if re.search(r"[A-Z]{3,}", path):  # a placeholder such as data/COUNTRY/NEW.ttl
                continue
            if not list(ROOT.glob(path)) and not (ROOT / path).exists():
                missing.append(path)
    assert not missing, f"{doc.name} names files that do not exist: {sorted(set(missing))}"

"""Shared fixtures: the project's graph is loaded and reasoned over once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from migkg import resources
from migkg.reasoning import owl_rl_closure
from migkg.store import KnowledgeGraph, load_default_graph

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
MKG = "https://w3id.org/migkg/ontology#"


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    kg = KnowledgeGraph()
    kg.add_files(resources.ontology_files())
    return kg.graph


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    return load_default_graph()


@pytest.fixture(scope="session")
def graph(kg) -> Graph:
    return kg.graph


@pytest.fixture(scope="session")
def reasoning(kg):
    return owl_rl_closure(kg.graph)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """A real `oxigraph serve` on a free 127.0.0.1 port, for one test module; stopped afterwards."""
    from .servers import OxigraphServer, oxigraph_binary

    binary = oxigraph_binary()
    if binary is None:
        pytest.fail("the `oxigraph` server is not installed: pip install -e '.[test]'")
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "db", binary).start()
    try:
        yield server
    finally:
        server.stop()

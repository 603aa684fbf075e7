"""Shared fixtures: the project's graph is loaded and reasoned over once per session.

Also, for every test:
- the on-disk cache (``migkg.core.cache``) is a fresh temporary folder for the whole run, shared
  by the pytest-xdist workers and the `migkg` processes the tests start, never ~/.cache; a test
  that needs it empty asks for ``cold_cache``;
- ``migkg_cli`` runs the `migkg` command in-process (click's CliRunner): the same exit code,
  stdout and stderr as the console script, without starting Python and importing everything again;
- the source documents (``../shared/seeds``) come through ``seeds``: skipped when they are not
  beside the project, a failure when ``MIGKG_REQUIRE_SOURCES=1`` (as in CI).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph

from migkg import resources
from migkg.store import KnowledgeGraph, load_default_graph

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
MKG = "https://w3id.org/migkg/ontology#"
SOURCES_MISSING = ("source documents not beside the project (../shared/seeds); "
                   "set MIGKG_REQUIRE_SOURCES=1 to make this a failure")


# --- the on-disk cache: one temporary folder per run ------------------------------------------

_CACHE_KEY = "migkg_cache_dir"


def pytest_configure(config):
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:  # a pytest-xdist worker: the controller's folder
        os.environ["MIGKG_CACHE_DIR"] = workerinput[_CACHE_KEY]
        return
    config._migkg_cache = (tempfile.mkdtemp(prefix="migkg-test-cache-"), os.environ.get("MIGKG_CACHE_DIR"))
    os.environ["MIGKG_CACHE_DIR"] = config._migkg_cache[0]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):  # pytest-xdist, in the controller: before a worker starts
    node.workerinput[_CACHE_KEY] = node.config._migkg_cache[0]


def pytest_unconfigure(config):
    folder, before = getattr(config, "_migkg_cache", (None, None))
    if folder is None:
        return
    shutil.rmtree(folder, ignore_errors=True)
    if before is None:
        os.environ.pop("MIGKG_CACHE_DIR", None)
    else:
        os.environ["MIGKG_CACHE_DIR"] = before


@pytest.fixture
def cold_cache(tmp_path_factory, monkeypatch) -> Path:
    """An empty cache folder for this test (and the `migkg` processes it starts)."""
    folder = tmp_path_factory.mktemp("cold-cache")
    monkeypatch.setenv("MIGKG_CACHE_DIR", str(folder))
    return folder


# --- markers that follow from the fixtures a test uses ---------------------------------------

# A test that uses one of these starts a server on 127.0.0.1 (`make test-fast` leaves it out).
SERVER_FIXTURES = {"oxigraph_server", "recorder"}


@pytest.hookimpl(tryfirst=True)  # before -m selects on the markers
def pytest_collection_modifyitems(config, items):
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)


# --- the source documents beside the project -------------------------------------------------

def require_sources() -> Path:
    """``../shared/seeds``; when it is not there the test is skipped, or fails under
    MIGKG_REQUIRE_SOURCES=1 (CI, which has ../shared beside the clone)."""
    if SEEDS.is_dir() and any(SEEDS.glob("*.txt")):
        return SEEDS
    if os.environ.get("MIGKG_REQUIRE_SOURCES", "") == "1":
        pytest.fail(f"{SEEDS} is missing or empty and MIGKG_REQUIRE_SOURCES=1: the source documents must be "
                    "beside the project (../shared/seeds)", pytrace=False)
    pytest.skip(SOURCES_MISSING)


@pytest.fixture(scope="session")
def seeds() -> Path:
    return require_sources()


# --- `migkg` in-process ----------------------------------------------------------------------

@dataclass
class CliRun:
    """What a run of the console script gives (the fields of subprocess.CompletedProcess)."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args, cwd: Path | None = None, env: dict[str, str | None] | None = None) -> CliRun:
    """`migkg ARGS` in this process through click's CliRunner, in ``cwd``, with ``env`` changed
    for the run (a value of None removes the variable). An exception the command does not turn
    into an exit code is shown on stderr as a traceback and exit 1, as the console script would."""
    from click.testing import CliRunner

    from migkg.cli import main

    argv = [str(a) for a in args]
    before = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, argv, env=env, prog_name="migkg")
    finally:
        os.chdir(before)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return CliRun(argv, result.exit_code, result.stdout, stderr)


@pytest.fixture
def migkg_cli():
    return run_cli


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
def reasoning():
    """Consistency and counts of owlrl's OWL RL closure of the project's graph, through the on-disk
    cache (migkg.closure; tests/test_closure.py checks it against a fresh owlrl run): the whole run,
    every xdist worker and `migkg` process, computes it once. ``closure`` is None."""
    from migkg.closure import closure_summary
    from migkg.graphstore import open_default

    return closure_summary(open_default())


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

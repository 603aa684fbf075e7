"""OWL RL reasoning has a time and a size bound (issue 8): a graph whose closure explodes
stops with one clear error naming the limit and how to raise it, not a hang."""

from __future__ import annotations

import time

import pytest

from migkg.reasoning import ReasoningLimitError, owl_rl_closure
from migkg.store import parse_file
from tests.hostile.helpers import FIXTURES, files_in, one_line_error, run_migkg


@pytest.fixture(scope="module")
def chain():
    return parse_file(FIXTURES / "transitive-chain.ttl")


def test_closure_size_bound(chain):
    started = time.monotonic()
    with pytest.raises(ReasoningLimitError) as caught:
        owl_rl_closure(chain, max_triples=5000)
    assert str(caught.value) == ("OWL RL reasoning stopped at more than 5000 triples (closure size limit, which "
                                 "bounds memory; raise it with MIGKG_REASONING_TRIPLES)")
    assert time.monotonic() - started < 30


def test_time_bound(chain):
    started = time.monotonic()
    with pytest.raises(ReasoningLimitError) as caught:
        owl_rl_closure(chain, max_seconds=0.2)
    assert str(caught.value) == ("OWL RL reasoning stopped after 0.2 s (time limit; raise it with "
                                 "MIGKG_REASONING_SECONDS)")
    assert time.monotonic() - started < 5


def test_bounds_from_the_environment(chain, monkeypatch):
    monkeypatch.setenv("MIGKG_REASONING_TRIPLES", "1000")
    with pytest.raises(ReasoningLimitError, match="more than 1000 triples"):
        owl_rl_closure(chain)
    monkeypatch.setenv("MIGKG_REASONING_TRIPLES", "none")
    with pytest.raises(ReasoningLimitError, match="MIGKG_REASONING_TRIPLES: 'none' is not a positive number"):
        owl_rl_closure(chain)


def test_input_graph_untouched_when_stopped(chain):
    before = len(chain)
    with pytest.raises(ReasoningLimitError):
        owl_rl_closure(chain, max_triples=2000)
    assert len(chain) == before


def test_cli_reports_the_bound_in_one_line(workdir, cold_cache):
    # A cold cache: a closure already computed (and cached) by another test would not be computed again.
    result = run_migkg("query", "overlapping-categories", "--inferred", cwd=workdir,
                       env={"MIGKG_REASONING_TRIPLES": "9000"})
    assert result.returncode == 2, result.stderr
    assert one_line_error(result) == ("migkg: OWL RL reasoning stopped at more than 9000 triples (closure size "
                                      "limit, which bounds memory; raise it with MIGKG_REASONING_TRIPLES)")
    assert result.stdout == ""
    assert files_in(workdir) == {}

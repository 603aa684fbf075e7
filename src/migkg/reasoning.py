"""OWL RL reasoning with owlrl, and the consistency check built on it.

Reasoning runs with a time and a size bound (issue 8): owlrl's forward chaining has no
limit of its own, and a hostile graph can make the closure grow without end. The bounds are
checked inside owlrl's rule loop, so exceeding one stops reasoning with a clear error.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass

import owlrl
from rdflib import OWL, RDF, Graph, Namespace

from migkg.errors import MigkgError

# owlrl records inconsistencies as nodes of this type with an error message.
OWLRL_ERRORS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

# Defaults: far above what the project's graph needs (about 8,000 triples asserted, a few
# seconds); the closure size stands in for memory (roughly 1 KiB per triple in rdflib).
REASONING_SECONDS = ("MIGKG_REASONING_SECONDS", 600.0)
REASONING_TRIPLES = ("MIGKG_REASONING_TRIPLES", 5_000_000)


class ReasoningLimitError(MigkgError):
    """OWL RL reasoning went past its time or size bound."""


def _bound(spec: tuple[str, float], given: float | None) -> float:
    if given is not None:
        return given
    env, default = spec
    raw = os.environ.get(env)
    if not raw:
        return default
    try:
        value = float(raw.replace("_", ""))
        if value <= 0:
            raise ValueError
        return value
    except ValueError:
        raise ReasoningLimitError(f"{env}: {raw!r} is not a positive number") from None


class _BoundedOWLRL(owlrl.OWLRL_Semantics):
    """owlrl's OWL RL closure that checks a deadline and a closure size as it goes."""

    deadline: float = float("inf")
    max_triples: int = 0
    seconds: float = 0.0
    _calls = 0

    def _check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ReasoningLimitError(
                f"OWL RL reasoning stopped after {self.seconds:g} s (time limit; raise it with "
                f"{REASONING_SECONDS[0]})")
        if len(self.added_triples) + len(self.graph) > self.max_triples:
            raise ReasoningLimitError(
                f"OWL RL reasoning stopped at more than {self.max_triples} triples (closure size limit, "
                f"which bounds memory; raise it with {REASONING_TRIPLES[0]})")

    def rules(self, t, cycle_num):
        self._calls += 1
        if self._calls % 1024 == 0:
            self._check()
        return super().rules(t, cycle_num)

    def store_triple(self, t):
        super().store_triple(t)
        if len(self.added_triples) % 4096 == 0:
            self._check()


@dataclass
class ReasoningResult:
    closure: Graph
    asserted: int
    inferred: int
    problems: list[str]

    @property
    def consistent(self) -> bool:
        return not self.problems


@contextmanager
def rdflib_conversions_kept():
    """owlrl's expand() installs its own lexical conversions in rdflib's process-wide table
    (owlrl.DatatypeHandling.use_Alt_lexical_conversions) and its "restore" only updates the
    table, so datatypes rdflib leaves alone (xsd:gYear) stay converted: afterwards rdflib calls
    "" ^^xsd:gYear ill-typed in this process and not in a fresh one. The table is put back as it
    was (the one private rdflib name migkg touches, to undo owlrl's change to it)."""
    from rdflib import term

    saved = dict(term._toPythonMapping)
    try:
        yield
    finally:
        term._toPythonMapping.clear()
        term._toPythonMapping.update(saved)


def owl_rl_closure(graph: Graph, max_seconds: float | None = None, max_triples: int | None = None) -> ReasoningResult:
    """Return the OWL RL closure of a copy of ``graph`` and any inconsistencies found.

    The input graph is not modified. Raises ReasoningLimitError when reasoning takes longer
    than ``max_seconds`` or the closure grows past ``max_triples`` (defaults from
    MIGKG_REASONING_SECONDS and MIGKG_REASONING_TRIPLES).
    """
    seconds = _bound(REASONING_SECONDS, max_seconds)
    triples = int(_bound(REASONING_TRIPLES, max_triples))
    closure = Graph()
    for prefix, iri in graph.namespaces():
        closure.bind(prefix, iri)
    closure += graph
    asserted = len(closure)

    class Bounded(_BoundedOWLRL):
        pass

    Bounded.deadline = time.monotonic() + seconds
    Bounded.max_triples = triples
    Bounded.seconds = seconds
    with rdflib_conversions_kept():
        owlrl.DeductiveClosure(Bounded, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    problems = sorted(str(m) for m in closure.objects(None, OWLRL_ERRORS.error))
    problems += sorted(
        f"{node} is a member of owl:Nothing" for node in closure.subjects(RDF.type, OWL.Nothing)
    )
    return ReasoningResult(closure=closure, asserted=asserted, inferred=len(closure) - asserted, problems=problems)


"""OWL RL reasoning with owlrl, and the consistency check built on it."""

from __future__ import annotations

from dataclasses import dataclass

import owlrl
from rdflib import OWL, RDF, Graph, Namespace

# owlrl records inconsistencies as nodes of this type with an error message.
OWLRL_ERRORS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")


@dataclass
class ReasoningResult:
    closure: Graph
    asserted: int
    inferred: int
    problems: list[str]

    @property
    def consistent(self) -> bool:
        return not self.problems


def owl_rl_closure(graph: Graph) -> ReasoningResult:
    """Return the OWL RL closure of a copy of ``graph`` and any inconsistencies found.

    The input graph is not modified.
    """
    closure = Graph()
    for prefix, iri in graph.namespaces():
        closure.bind(prefix, iri)
    closure += graph
    asserted = len(closure)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    problems = sorted(str(m) for m in closure.objects(None, OWLRL_ERRORS.error))
    problems += sorted(
        f"{node} is a member of owl:Nothing" for node in closure.subjects(RDF.type, OWL.Nothing)
    )
    return ReasoningResult(closure=closure, asserted=asserted, inferred=len(closure) - asserted, problems=problems)

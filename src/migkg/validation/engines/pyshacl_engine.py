"""The pySHACL engine (`--engine pyshacl`, the reference): pySHACL on an rdflib graph.

How it is fast enough for large registers without changing the verdict:
- SHACL's targetClass and sh:class follow rdfs:subClassOf *in the data graph*, so instead of
  running an OWL RL or RDFS closure, the ontology's class hierarchy (its rdfs:subClassOf
  triples plus the vocabulary's typed concepts) is merged into the data graph and pySHACL runs
  with inference="none". This gives the same results as plain pySHACL without inference on the
  same merged graph, which is the reference the tests compare against.
- pySHACL validates the merged graph in place (no clone), and results are filtered by focus
  node afterwards (pySHACL's own focus-node filter is a list lookup, quadratic on large sets).
- pySHACL sends each SHACL-SPARQL query text once per focus node and rdflib re-parsed it every
  time (pyparsing: ~200 s of 250 s at 1k cases); the data graph caches prepared queries by text."""

from __future__ import annotations

import logging
from pathlib import Path

from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal

from migkg.store import parse_file
from migkg.validation import reference
from migkg.validation.outcome import EngineFailure, EngineRun, results_from_report


class QueryCachingGraph(Graph):
    """An rdflib Graph that parses each distinct SPARQL text once. pySHACL sends the same
    SHACL-SPARQL query text for every focus node (with $this in initBindings) and rdflib would
    parse it again each time; the prepared query is evaluated by rdflib exactly as before."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepared: dict = {}

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str) and processor == "sparql" and not kwargs:
            from rdflib.plugins.sparql import prepareQuery

            namespaces = dict(initNs) if initNs is not None else dict(self.namespaces())
            key = (query_object, tuple(sorted(namespaces.items())))
            prepared = self._prepared.get(key)
            if prepared is None:
                prepared = self._prepared[key] = prepareQuery(query_object, initNs=namespaces)
            query_object = prepared
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def flagged_ill_typed(graph: Graph) -> list:
    """(subject, predicate, lexical form, datatype) of the literals rdflib flagged ill-typed as it
    read them. (The flag, not the lexical form: rdflib rewrites "none"^^xsd:boolean as "false",
    still flagged.)"""
    flagged = []
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype is not None:
            key = (str(o), str(o.datatype), o.ill_typed)
            if key not in _FLAGS:
                _FLAGS[key] = bool(o.ill_typed)
            if _FLAGS[key]:
                flagged.append((s, p, str(o), str(o.datatype)))
    return flagged


_FLAGS: dict = {}


class ParsedGraph:
    """One input file read by rdflib: what the report needs from it (as turbo_engine.ParsedText)."""

    def __init__(self, path: Path, graph: Graph):
        self.path = Path(path)
        self.prefixes = {str(ns): prefix for prefix, ns in graph.namespaces()}  # namespace -> prefix
        self.subjects = set(graph.subjects())
        self.ill_typed_triples = flagged_ill_typed(graph)
        self.triples = len(graph)

    def owns(self, term) -> bool:
        return term in self.subjects


def validate_graphs(data_graph: Graph, shapes_graph: Graph, inplace: bool = False,
                    allow_warnings: bool = True) -> tuple[bool, Graph]:
    """The lowest level: data graph and shapes graph in, (conforms, report graph) out, with the
    options `run` uses (the W3C SHACL tests use it); EngineFailure when pySHACL refuses the shapes."""
    conforms, report, text = pyshacl_validate(data_graph, shacl_graph=shapes_graph, inference="none",
                                              inplace=inplace, advanced=True, allow_warnings=allow_warnings)
    if not isinstance(report, Graph):  # pySHACL's ValidationFailure
        first = str(report).strip().splitlines() or str(text).strip().splitlines()
        raise EngineFailure(f"pySHACL: validation failure: {first[0] if first else type(report).__name__}")
    return conforms, report


def run(paths: list[Path], fmt: str | None, own: bool) -> EngineRun:
    """Validate the files merged with the reference data (unless they are it) and the scaffold."""
    # rdflib logs a traceback for every ill-typed literal; those are reported as violations instead.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    graphs = [(p, parse_file(p, fmt)) for p in paths]
    data = QueryCachingGraph()
    for _, g in graphs:
        data += g
    if not own:
        data += reference.reference_graph()
    data += reference.ontology_scaffold()
    parsed = [ParsedGraph(p, g) for p, g in graphs]
    del graphs
    _, report = validate_graphs(data, reference.shapes_graph(), inplace=True)
    return EngineRun(inputs=parsed, results=results_from_report(report), report_factory=lambda: report,
                     component_prefixes={str(ns): prefix for prefix, ns in report.namespaces()})

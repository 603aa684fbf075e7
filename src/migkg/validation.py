"""Validating data with the SHACL shapes in validation/, before it enters the graph.

How it is fast enough for large registers without changing the verdict:
- SHACL's targetClass and sh:class follow rdfs:subClassOf *in the data graph*, so instead of
  running an OWL RL or RDFS closure, the ontology's class hierarchy (its rdfs:subClassOf
  triples plus the vocabulary's typed concepts) is merged into the data graph and pySHACL runs
  with inference="none". This gives the same results as plain pySHACL without inference on the
  same merged graph, which is the reference the tests compare against.
- pySHACL validates the merged graph in place (no clone), and results are filtered by focus
  node afterwards (pySHACL's own focus-node filter is a list lookup, quadratic on large sets).
"""

from __future__ import annotations

import functools
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as pyshacl_validate
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from migkg import resources
from migkg.store import parse_file

MKG = "https://w3id.org/migkg/ontology#"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    component: str

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("file", "line", "focus", "path", "value", "message", "severity", "component")}


@dataclass
class ValidationOutcome:
    problems: list[Problem] = field(default_factory=list)
    report: Graph = field(default_factory=Graph)
    triples: int = 0

    @property
    def conforms(self) -> bool:
        return not any(p.severity == "Violation" for p in self.problems)


@functools.lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    g = Graph()
    for path in resources.turtle_files("validation"):
        g += parse_file(path)
    return g


@functools.lru_cache(maxsize=1)
def ontology_scaffold() -> Graph:
    """(Cached: callers copy it, never modify it.) What SHACL needs from the ontology: the class hierarchy and the typed vocabulary
    (so that sh:class mkg:Function accepts mkg:AssistanceFunction)."""
    ontology = Graph()
    for path in resources.ontology_files():
        ontology += parse_file(path)
    scaffold = Graph()
    for triple in ontology.triples((None, RDFS.subClassOf, None)):
        if isinstance(triple[2], URIRef):
            scaffold.add(triple)
    for s, o in ontology.subject_objects(RDF.type):
        if str(s).startswith(MKG):
            scaffold.add((s, RDF.type, o))
    return scaffold


@functools.lru_cache(maxsize=1)
def reference_graph() -> Graph:
    """The project's reference data, so that new data can point at existing resources."""
    g = Graph()
    for path in resources.data_files():
        g += parse_file(path)
    return g


def _short(node, g: Graph) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        try:
            return g.namespace_manager.normalizeUri(node)
        except Exception:
            return str(node)
    return str(node)


def _line_finder(path: Path, g: Graph):
    """Find the line where a subject is described: its full IRI or prefixed name at line start."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    prefixes = {str(ns): p for p, ns in g.namespaces()}

    def find(node) -> int | None:
        if not isinstance(node, URIRef):
            return None
        candidates = [f"<{node}>"]
        for ns, prefix in prefixes.items():
            if str(node).startswith(ns):
                candidates.append(f"{prefix}:{str(node)[len(ns):]}")
        for number, text in enumerate(lines, start=1):
            stripped = text.lstrip()
            for c in candidates:
                if stripped.startswith(c) and (len(stripped) == len(c) or not re.match(r"[\w\-.:%]", stripped[len(c)])):
                    return number
        return None

    return find


def _ill_typed_problems(path: Path, g: Graph, find_line) -> list[Problem]:
    problems = []
    for s, p, o in g:
        if isinstance(o, Literal) and o.ill_typed:
            problems.append(Problem(
                file=str(path), line=find_line(s), focus=_short(s, g), path=_short(p, g), value=str(o),
                message=f"'{o}' is not a valid {_short(o.datatype, g)}; write it as the datatype requires (e.g. 2017-12-28 for xsd:date)",
                severity="Violation", component="sh:DatatypeConstraintComponent"))
    return problems


def validate(files: list[Path] | None = None, fmt: str | None = None) -> ValidationOutcome:
    """Validate the given files together with the ontology and reference data (reporting only
    problems whose focus nodes come from the files), or the project's own graph."""
    own = files is None
    paths = resources.data_files() if own else [Path(f) for f in files]
    # rdflib logs a traceback for every ill-typed literal; those are reported as violations instead.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    parsed: list[tuple[Path, Graph]] = [(p, parse_file(p, fmt)) for p in paths]

    data = Graph()
    for _, g in parsed:
        data += g
    if not own:
        data += reference_graph()
    data += ontology_scaffold()

    origin: dict = {}
    finders = {}
    for path, g in parsed:
        finders[path] = _line_finder(path, g)
        for s in g.subjects():
            origin.setdefault(s, path)

    _, report, _ = pyshacl_validate(data, shacl_graph=shapes_graph(), inference="none", inplace=True,
                                    advanced=True, allow_warnings=True)
    outcome = ValidationOutcome(report=report, triples=sum(len(g) for _, g in parsed))
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if focus not in origin:
            continue
        path = origin[focus]
        g = dict(parsed)[path]
        severity = report.value(result, SH.resultSeverity)
        outcome.problems.append(Problem(
            file=str(path), line=finders[path](focus), focus=_short(focus, g),
            path=_short(report.value(result, SH.resultPath), g),
            value=_short(report.value(result, SH.value), g),
            message=str(report.value(result, SH.resultMessage) or "constraint not met"),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            component=_short(report.value(result, SH.sourceConstraintComponent), report) or ""))
    for path, g in parsed:
        outcome.problems += _ill_typed_problems(path, g, finders[path])
    outcome.problems.sort(key=lambda p: (p.file, p.line or 0, p.focus, p.path or "", p.message))
    return outcome


def as_text(outcome: ValidationOutcome) -> str:
    if not outcome.problems:
        return f"conforms: {outcome.triples} triples checked, no problems"
    lines = []
    grouped = defaultdict(lambda: defaultdict(list))
    for p in outcome.problems:
        grouped[p.file][(p.line, p.focus)].append(p)
    for file, nodes in grouped.items():
        lines.append(file)
        for (line, focus), problems in nodes.items():
            where = f"{file}:{line}" if line else file
            lines.append(f"  {focus}  ({where})")
            for p in problems:
                detail = f"{p.path}" + (f" = {p.value}" if p.value else "") if p.path else ""
                lines.append(f"    {p.severity}: {p.message}" + (f"  [{detail}]" if detail else ""))
    violations = sum(p.severity == "Violation" for p in outcome.problems)
    lines.append(f"{violations} violations, {len(outcome.problems) - violations} warnings in {outcome.triples} triples")
    return "\n".join(lines)

"""Validating data with the SHACL shapes in validation/, before it enters the graph.

How it is fast enough for large registers without changing the verdict:
- SHACL's targetClass and sh:class follow rdfs:subClassOf *in the data graph*, so instead of
  running an OWL RL or RDFS closure, the ontology's class hierarchy (its rdfs:subClassOf
  triples plus the vocabulary's typed concepts) is merged into the data graph and pySHACL runs
  with inference="none". This gives the same results as plain pySHACL without inference on the
  same merged graph, which is the reference the tests compare against.
- pySHACL validates the merged graph in place (no clone), and results are filtered by focus
  node afterwards (pySHACL's own focus-node filter is a list lookup, quadratic on large sets).
- pySHACL sends each SHACL-SPARQL query text once per focus node and rdflib re-parsed it every
  time (pyparsing: ~200 s of 250 s at 1k cases); the data graph caches prepared queries by text.
- The line of a focus node comes from an index of the file's leading tokens built once (it was
  a scan of the whole file per problem).
- `--engine turbo` (optional extra `fast`): files read into canonical N-Quads text and validated
  by pyshacl-turbo (migkg.turbo); a large input is cut into parts that keep every record with what
  it points to (the shapes look only forward from a focus node), validated side by side in worker
  processes. tests/test_validation_engines.py checks it gives the same results as the pySHACL
  engine, which gives the same as plain pySHACL on the merged graph.
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
from rdflib.namespace import SH, split_uri

from migkg import resources
from migkg.errors import InputError
from migkg.store import parse_file

MKG = "https://w3id.org/migkg/ontology#"
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


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
    triples: int = 0
    inputs: list = field(default_factory=list)  # per file: path, triples, owns(term): is it a subject there
    _report: Graph | None = None
    _report_factory: object = None  # builds the report graph when it is first asked for

    @property
    def report(self) -> Graph:
        """The SHACL validation report as an rdflib graph (built on first use: with the turbo
        engine, decoding a large register's report is most of the run, and text and JSON output
        do not need it)."""
        if self._report is None:
            self._report = self._report_factory() if self._report_factory is not None else Graph()
        return self._report

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
    """prefix:name when the node's namespace is bound in ``g``, else <IRI> (what rdflib's
    normalizeUri gives, without its namespace trie, which grows with every distinct namespace:
    48 s of a 10k-case register's report went into it)."""
    if node is None:
        return None
    if not isinstance(node, URIRef):
        return str(node)
    prefixes = getattr(g, "_migkg_prefixes", None)
    if prefixes is None:
        prefixes = {str(ns): prefix for prefix, ns in g.namespaces()}
        g._migkg_prefixes = prefixes
    try:
        namespace, name = split_uri(node)
    except ValueError:
        return f"<{node}>"
    prefix = prefixes.get(str(namespace))
    return f"<{node}>" if prefix is None else f"{prefix}:{name}"


# The token each line starts with: an <IRI> not glued to more name characters, a prefixed
# name, or nothing. The group can match empty, so findall gives exactly one token per line.
_LEADING_TOKEN = re.compile(r"^[ \t\f\v\r]*(<[^>\n]*>(?![\w\-.:%])|[\w\-.:%]*)", re.MULTILINE)


def _line_index(path: Path) -> dict[str, int]:
    """The first line of each token a line starts with (an <IRI> or a prefixed name). One regex
    pass and a dict built from the end, so the first line wins: no Python loop over the lines
    (a 100k-case register has 1.8M of them)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    tokens = _LEADING_TOKEN.findall(text)
    index = dict(zip(reversed(tokens), range(len(tokens), 0, -1)))
    index.pop("", None)
    return index


def _line_finder(path: Path, prefixes: dict[str, str]):
    """Find the line where a subject is described: its full IRI or prefixed name at line start.
    The file is indexed at the first lookup, so data without problems is not read again, and
    each lookup after it is a dict lookup."""
    index: dict[str, int] | None = None

    def find(node) -> int | None:
        nonlocal index
        if not isinstance(node, URIRef):
            return None
        if index is None:
            index = _line_index(path)
        candidates = [f"<{node}>"]
        for ns, prefix in prefixes.items():
            if str(node).startswith(ns):
                candidates.append(f"{prefix}:{str(node)[len(ns):]}")
        found = [index[c] for c in candidates if c in index]
        return min(found) if found else None

    return find


_ILL_TYPED_CACHE: dict = {}


def _ill_typed(o) -> bool:
    key = (str(o), o.datatype, o.language)
    if key not in _ILL_TYPED_CACHE:
        _ILL_TYPED_CACHE[key] = bool(o.ill_typed)
    return _ILL_TYPED_CACHE[key]


def _ill_typed_problems(path: Path, triples, g: Graph, find_line) -> list[Problem]:
    problems = []
    for s, p, o in triples:
        if isinstance(o, Literal) and o.datatype is not None and _ill_typed(o):
            problems.append(Problem(
                file=str(path), line=find_line(s), focus=_short(s, g), path=_short(p, g), value=str(o),
                message=f"'{o}' is not a valid {_short(o.datatype, g)}; write it as the datatype requires (e.g. 2017-12-28 for xsd:date)",
                severity="Violation", component="sh:DatatypeConstraintComponent"))
    return problems


ENGINES = ("pyshacl", "turbo")


class _QueryCachingGraph(Graph):
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


def turbo_available() -> bool:
    from migkg import turbo

    return turbo.available()


class _Parsed:
    """One input file read by rdflib (the pySHACL engine): what the report needs from it.
    (migkg.turbo.ParsedText is the same for the turbo engine.)"""

    def __init__(self, path: Path, graph: Graph):
        self.path = Path(path)
        self.prefixes = {str(ns): prefix for prefix, ns in graph.namespaces()}  # namespace -> prefix
        self.subjects = set(graph.subjects())
        self.ill_typed_triples = [t for t in graph
                                  if isinstance(t[2], Literal) and t[2].datatype is not None and _ill_typed(t[2])]
        self.triples = len(graph)

    def owns(self, term) -> bool:
        return term in self.subjects


RESULT_KEYS = {str(SH.focusNode): "focus", str(SH.resultPath): "path", str(SH.value): "value",
                str(SH.resultMessage): "message", str(SH.resultSeverity): "severity",
                str(SH.sourceConstraintComponent): "component"}


def results_from_report(report: Graph):
    for result in report.subjects(RDF.type, SH.ValidationResult):
        yield {key: report.value(result, URIRef(predicate)) for predicate, key in RESULT_KEYS.items()}


def result_tuples(report: Graph) -> set[tuple]:
    """(focus node, path, constraint component, value, severity) of every result: what the
    differential tests and the benchmark compare between engines. Blank-node paths are compared
    by their shape (sh:inversePath etc.), not their identifiers."""
    def path_key(node):
        if isinstance(node, Literal) and node.datatype == XSD_STRING:  # "x"^^xsd:string is "x" in RDF 1.1
            return Literal(str(node))
        if isinstance(node, BNode):
            return tuple(sorted((str(p), path_key(o)) for p, o in report.predicate_objects(node)))
        return node
    return {(r["focus"], path_key(r["path"]), r["component"], path_key(r["value"]), r["severity"])
            for r in results_from_report(report)}


def validate(files: list[Path] | None = None, fmt: str | None = None, engine: str = "pyshacl") -> ValidationOutcome:
    """Validate the given files together with the ontology and reference data (reporting only
    problems whose focus nodes come from the files), or the project's own graph.

    engine="pyshacl" (the reference) validates an rdflib graph with pySHACL; engine="turbo" reads
    the files into N-Quads text and validates it with pyshacl-turbo (optional extra `fast`, see
    migkg.turbo); tests/test_validation_engines.py checks that both give the same results."""
    if engine not in ENGINES:
        raise InputError("--engine", f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "turbo" and not turbo_available():
        raise InputError("--engine turbo", "pyshacl-turbo is not installed; install it with: pip install 'migkg[fast]'")
    own = files is None
    paths = resources.data_files() if own else [Path(f) for f in files]
    # rdflib logs a traceback for every ill-typed literal; those are reported as violations instead.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)

    if engine == "turbo":
        from migkg import turbo

        reference = turbo.reference_nquads(with_data=not own)
        taken = turbo.blank_labels(reference)
        parsed = [turbo.read(p, fmt, taken) for p in paths]
        texts = [item.text for item in parsed]
        for item in parsed:
            item.text = None  # the engine gets one copy; 285 MB each for a 100k-case register
        subjects: dict[str, None] = {}
        for item in parsed:
            subjects.update(item.subjects)
        results, report_factory = turbo.validate_texts(texts, reference, subjects)
        component_names = shapes_graph()
    else:
        graphs = [(p, parse_file(p, fmt)) for p in paths]
        data = _QueryCachingGraph()
        for _, g in graphs:
            data += g
        if not own:
            data += reference_graph()
        data += ontology_scaffold()
        parsed = [_Parsed(p, g) for p, g in graphs]
        del graphs
        _, report, _ = pyshacl_validate(data, shacl_graph=shapes_graph(), inference="none", inplace=True,
                                        advanced=True, allow_warnings=True)
        results, component_names = results_from_report(report), report
        report_factory = lambda: report  # noqa: E731

    finders, names = {}, {}
    for item in parsed:
        finders[item.path] = _line_finder(item.path, item.prefixes)
        names[item.path] = Graph()
        for ns, prefix in item.prefixes.items():
            names[item.path].bind(prefix, ns, override=True, replace=True)
    outcome = ValidationOutcome(triples=sum(item.triples for item in parsed), inputs=parsed,
                                _report_factory=report_factory)
    for r in results:
        focus = r["focus"]
        # Only problems of the files' own resources (the first file that describes it).
        item = next((item for item in parsed if item.owns(focus)), None)
        if item is None:
            continue
        g = names[item.path]
        severity = r["severity"]
        outcome.problems.append(Problem(
            file=str(item.path), line=finders[item.path](focus), focus=_short(focus, g),
            path=_short(r["path"], g), value=_short(r["value"], g),
            message=str(r["message"] or "constraint not met"),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            component=_short(r["component"], component_names) or ""))
    for item in parsed:
        outcome.problems += _ill_typed_problems(item.path, item.ill_typed_triples, names[item.path], finders[item.path])
    # The full key: two results can share file, line, focus, path and message (one value failing
    # sh:datatype and sh:minInclusive), and the engines return results in different orders.
    outcome.problems.sort(key=lambda p: (p.file, p.line or 0, p.focus, p.path or "", p.message, p.component,
                                         p.value or "", p.severity))
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

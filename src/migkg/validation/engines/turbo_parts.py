"""The turbo engine's runs: one text through the native validator (`run_text`), and a large input
in parts side by side in worker processes (`validate_parts`).

Why parts: pyshacl-turbo's time grows faster than its input. Measured on this 2-core machine
(`migkg validate --engine turbo`, one register of N cases, ~18 statements a case): 12.5k cases
6.7 s, 25k 13.3 s, 50k 27.8 s, 100k 77-84 s. Parts of CHUNK_STATEMENTS statements keep it near
linear, and they run side by side, one worker process per core (chunk_worker); on a 56k-case register,
parts of 250k, 125k and 60k statements took 15.4, 15.0 and 14.6 s (the reference data, parsed again
in each part, is small), so 100k it is. Each part holds
whole records with what they point to in the new data, and the reference data; `chunks` says
why that gives the results of the whole, which tests/test_validation_engines.py checks."""

from __future__ import annotations

import functools
import os
import re

from migkg.core import terms
from migkg.core.namespaces import RDF, SH
from migkg.validation.engines import turbo_native
from migkg.validation.engines.turbo_native import Shapes
from migkg.validation.outcome import RESULT_KEYS

CHUNK_STATEMENTS = 100_000

# A statement whose object is an IRI or blank node: (subject, object).
_LINK = re.compile(r"\n(<[^>]*>|_:\S+) <([^>]*)> (<[^>]*>|_:\S+) ")
_IRI = re.compile(r"<[^>]*>")
# Consecutive lines with the same subject (the text ends with a newline, as canonical N-Quads does).
_SUBJECT_RUN = re.compile(r"(<[^>]*>|_:\S+) [^\n]*\n(?:\1 [^\n]*\n)*")


def results_from_ntriples(text: str) -> list[dict]:
    """The results of a report in N-Triples, as dicts of RESULT_KEYS values -> pyoxigraph term, and
    "messages": every sh:resultMessage of the result (one per language the shape gives).
    (Decoding the report into an rdflib graph was 34 of 48 s on a 10k-case register; this is 1 s.)"""
    import pyoxigraph as ox

    fields: dict = {}
    messages: dict = {}
    results = set()
    result_type, rdf_type, result_message = SH + "ValidationResult", RDF + "type", SH + "resultMessage"
    for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        predicate = quad.predicate.value
        if predicate == rdf_type and isinstance(quad.object, ox.NamedNode) and quad.object.value == result_type:
            results.add(quad.subject)
        key = RESULT_KEYS.get(predicate)
        if key is not None:
            fields.setdefault(quad.subject, {}).setdefault(key, quad.object)
            if predicate == result_message:
                messages.setdefault(quad.subject, []).append(quad.object)
    return [{**{key: fields.get(r, {}).get(key) for key in RESULT_KEYS.values()}, "messages": messages.get(r, [])}
            for r in results]


def run_text(texts: list[str], shapes: Shapes) -> tuple[list[dict], str]:
    """The native validator on the concatenated N-Quads: (results, the report as N-Triples)."""
    _, raw = turbo_native.validate_nquads("".join(texts), shapes)
    return results_from_ntriples(raw), raw


@functools.lru_cache(maxsize=1)
def project_locality() -> tuple[tuple[str, ...], frozenset[frozenset[str]]]:
    """The project's shapes: (what keeps them from running in chunks, the joins)."""
    from migkg.validation.reference import shapes_graph

    problems, joins = locality(shapes_graph())
    return tuple(problems), frozenset(frozenset(j) for j in joins)


def shapes_look_forward_only() -> bool:
    """Whether every project shape reaches data only forward from its focus node, or back through
    a join predicate (the condition for chunks)."""
    return not project_locality()[0]


def locality_problems(shapes) -> list[str]:
    return locality(shapes)[0]


def locality(shapes) -> tuple[list[str], list[set[str]]]:
    """Where the shapes (an rdflib graph) could look at data other than what lies forward of a focus
    node: an inverse property path, a target other than a SPARQL one, or a SHACL-SPARQL triple
    pattern whose subject is neither $this nor a node reached from it. A query may also step back,
    from a node it has reached to the nodes that point to it with an IRI predicate (the same
    person's other assignments, `?other mkg:holder ?person ; mkg:category ?category`): each such
    node gives a join, the set of predicates by which it points back to reached nodes, and `chunks`
    keeps the nodes that point to the same object by one predicate of each join in one chunk.
    Empty problems when chunking gives the same results."""
    from rdflib import URIRef
    from rdflib.namespace import RDF as RDF_NS
    from rdflib.namespace import SH as SH_NS
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    problems: list[str] = []
    joins: list[set[str]] = []
    queries = list(shapes.subject_objects(SH_NS.select)) + list(shapes.subject_objects(SH_NS.ask))
    for predicate in (SH_NS.inversePath, SH_NS.targetObjectsOf, SH_NS.targetNode, SH_NS.target):
        for shape, target in shapes.subject_objects(predicate):
            if predicate == SH_NS.target and (target, RDF_NS.type, SH_NS.SPARQLTarget) in shapes:
                continue  # its query is read below, from ?this as from $this
            problems.append(f"{shape}: uses {predicate.n3(shapes.namespace_manager)}")

    def forward(path) -> bool:
        if isinstance(path, URIRef):
            return True
        if isinstance(path, (SequencePath, AlternativePath)):
            return all(forward(p) for p in path.args)
        if isinstance(path, MulPath):
            return forward(path.path)
        return not isinstance(path, (InvPath, NegatedPath))

    def patterns(node):
        if isinstance(node, CompValue):
            if node.name == "BGP":
                yield from node.triples
            for value in node.values():
                yield from patterns(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                yield from patterns(value)

    namespaces = {str(prefix): str(ns) for declaration in shapes.objects(None, SH_NS.declare)
                  for prefix in shapes.objects(declaration, SH_NS.prefix)
                  for ns in shapes.objects(declaration, SH_NS.namespace)}
    for constraint, query in queries:
        try:
            algebra = prepareQuery(str(query), initNs=namespaces).algebra
        except Exception as exc:  # a query rdflib cannot read cannot be shown to be local
            problems.append(f"{constraint}: cannot read its query ({exc})")
            continue
        triples = list(patterns(algebra))
        reached = {Variable("this"), Variable("value")}  # $value: a value node of a (forward) path
        grown = True
        while grown:
            grown = False
            for s, p, o in triples:
                if s in reached and isinstance(o, Variable) and o not in reached:
                    reached.add(o)
                    grown = True
                elif (o in reached and isinstance(s, Variable) and s not in reached and isinstance(p, URIRef)):
                    # A step back: the join is every predicate by which s points to a reached node.
                    back = {str(p2) for s2, p2, o2 in triples if s2 == s and o2 in reached and isinstance(p2, URIRef)}
                    if back not in joins:
                        joins.append(back)
                    reached.add(s)
                    grown = True
        for s, p, o in triples:
            if s not in reached or not forward(p):
                problems.append(f"{constraint}: the pattern {s.n3()} {p.n3()} {o.n3()} does not start from $this")
    return problems, joins


def chunks(texts: list[str], subjects: dict[str, None] | set[str], reference: str,
           size: int | None = None, joins: frozenset[frozenset[str]] | None = None) -> list[str]:
    """The new data as texts of about `size` statements that can be validated apart, each with the
    reference data, with the same results as the whole. `subjects`: the subjects of the texts (keys
    as in N-Triples), in order of first appearance when a dict.

    Why that holds: the shapes reach data only forward from a focus node (checked, see
    locality_problems), so a focus node's verdict depends on the statements of the nodes it reaches.
    A statement goes with its subject; a subject is kept with every new-data subject it points to
    (union-find), and a node the new data says nothing about brings only reference statements, which
    every chunk has. If a new-data subject occurs in the reference data (the reference could point to
    it), or the shapes are not forward-only, the data stays whole."""
    size = size or CHUNK_STATEMENTS
    total = sum(text.count("\n") for text in texts)
    if total <= size or not shapes_look_forward_only():
        return ["".join(texts)]
    in_reference = reference_iris(reference)
    if not in_reference.isdisjoint(subjects):
        return ["".join(texts)]
    joins = project_locality()[1] if joins is None else joins

    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while (up := parent.get(root, root)) != root:
            root = up
        while x != root:  # path compression
            parent[x], x = root, parent.get(x, x)
        return root

    joined = {predicate for join in joins for predicate in join}
    by_join: dict[str, list[tuple[str, str]]] = {predicate: [] for predicate in joined}
    for text in texts:
        for s, predicate, o in links(text):
            if o != s and o in subjects:
                a, b = find(s), find(o)
                if a != b:
                    parent[b] = a
            if predicate in joined:
                by_join[predicate].append((s, o))
    # A join: nodes that point to the same object by one of its predicates stay together, whether or
    # not that object is described in the new data. A predicate whose objects include one of the
    # reference data (a category) would tie them to every chunk: the next one is taken, and when
    # none will do, the data stays whole.
    for join in joins:
        usable = usable_join_predicate(join, lambda p: any(o in in_reference for _, o in by_join[p]))
        if usable is None:
            return ["".join(texts)]
        for s, o in by_join[usable]:
            a, b = find(s), find(o)
            if a != b:
                parent[b] = a
    # Components in order of first appearance, cut into n contiguous ranges.
    n = part_count(total, size)
    order: dict[str, int] = {}
    for s in subjects:
        order.setdefault(find(s), len(order))
    per_chunk = -(-len(order) // n)
    buckets: list[list[str]] = [[] for _ in range(n)]
    for text in texts:
        # A run of lines with one subject goes as one slice; consecutive runs bound for the same
        # chunk go as one slice too (a register written record by record is a few slices a chunk).
        covered, start, end, bucket = 0, 0, 0, None
        for run in _SUBJECT_RUN.finditer(text):
            covered += run.end() - run.start()
            chunk = order[find(run.group(1))] // per_chunk
            if chunk != bucket or run.start() != end:
                if bucket is not None:
                    buckets[bucket].append(text[start:end])
                start, bucket = run.start(), chunk
            end = run.end()
        if bucket is not None:
            buckets[bucket].append(text[start:end])
        if covered != len(text):  # a line the pattern did not read: keep the data whole
            return ["".join(texts)]
    return ["".join(bucket) for bucket in buckets if bucket]


def reference_iris(reference: str) -> set[str]:
    """The <IRI>s the reference text mentions (N-Triples keys)."""
    return set(_IRI.findall(reference))


def usable_join_predicate(join: frozenset[str], into_reference) -> str | None:
    """The predicate of a join by which chunks keep nodes together: the first, in IRI order, whose
    objects include nothing of the reference data (`into_reference(predicate)`; a category would
    tie its holders to every chunk); None when none will do, and the data stays whole."""
    return next((p for p in sorted(join) if not into_reference(p)), None)


def part_count(statements: int, size: int | None = None) -> int:
    """How many parts `statements` statements are cut into: 1 up to `size`, else a multiple of the
    worker processes, so that the last round of parts does not run on one core alone."""
    size = size or CHUNK_STATEMENTS
    if statements <= size:
        return 1
    parts, workers = -(-statements // size), worker_count()  # ceiling divisions
    return -(-parts // workers) * workers


def share_out(items: list, workers: int) -> list[list]:
    """The items dealt to `workers` workers in turn (each takes every workers-th item)."""
    return [items[i::workers] for i in range(workers)]


def in_order(dealt: list[list]) -> list:
    """What `share_out` dealt (or one answer per item dealt), back in the items' order."""
    workers = len(dealt)
    return [dealt[k % workers][k // workers] for k in range(sum(map(len, dealt)))]


def worker_count() -> int:
    """The worker processes that validate parts side by side: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def validate_parts(parts: list[str], reference: str, shapes: Shapes, new, scan: bool = False):
    """Validate each part with the reference data in worker processes, one per core: (results, a
    function that builds the merged report graph). A result about a reference resource is the same
    in every part (the shapes look forward, and the new data adds nothing to reference resources,
    or it would not be cut): kept once; `new(focus)` says whether a focus node is new data."""
    from concurrent.futures import ThreadPoolExecutor

    # One process per core, each taking every workers-th part in turn: it starts once, compiles
    # the shapes once, and the parts are shared out evenly (12 process starts were 2 s of CPU).
    batches = share_out(parts, min(len(parts), worker_count()))
    parts.clear()
    with ThreadPoolExecutor(len(batches)) as pool:
        done = list(pool.map(lambda batch: in_worker(batch, reference, shapes, scan), batches))
    return gather(in_order(done), new)


def gather(outs: list, new):
    """(results, a function that builds the merged report graph, ill-typed literals) from what
    `run_part` gave for each part, in the parts' order: a result about a reference resource is the
    same in every part, so it is kept from the first part only."""
    found = [literal for _, _, part_found in outs for literal in part_found]
    results = [r for i, (chunk_results, _, _) in enumerate(outs) for r in chunk_results if i == 0 or new(r["focus"])]
    raws = [raw for _, raw, _ in outs]
    return results, lambda: merge_reports([turbo_native.decode_report(raw) for raw in raws], new), found


def term_key(term) -> str | None:
    """The N-Triples form of an IRI or blank node (rdflib's or pyoxigraph's), as canonical N-Quads
    writes it; None for literals and None."""
    if term is None:
        return None
    kind, text, _, _ = terms.parts(term)
    if kind == "uri":
        return f"<{text}>"
    if kind == "bnode":
        return f"_:{text}"
    return None


def links(text: str) -> list[tuple[str, str, str]]:
    """(subject, predicate IRI, object) of each statement of canonical N-Quads text whose object is
    an IRI or blank node (keys as N-Triples writes them, but the predicate's bare IRI)."""
    return _LINK.findall("\n" + text)


def run_part(text: str, reference: str, shapes: Shapes, scan: bool) -> tuple[list[dict], str, list]:
    """One part with the reference data: (results, report as N-Triples, the part's ill-typed
    literals when ``scan``, else [])."""
    from migkg.validation.engines import literals

    results, raw = run_text([text, reference], shapes)
    return results, raw, literals.ill_typed(text) if scan else []


def run_parts(texts: list[str], reference: str, shapes: Shapes, scan: bool) -> list:
    """`run_part` on each text in turn, each text let go once done (the list is emptied)."""
    out = []
    while texts:
        out.append(run_part(texts.pop(0), reference, shapes, scan))
    return out


def in_worker(texts: list[str], reference: str, shapes: Shapes, scan: bool = False) -> list:
    """Some parts, one after the other, in a fresh Python process (python -m
    migkg.validation.engines.chunk_worker), so that parts run side by side and the memory is
    returned when they are done: (results, report) of each. A plain subprocess rather than
    multiprocessing: multiprocessing's spawn imports the caller's main module again in every
    worker (running an unguarded script twice). If the worker fails, the parts run here instead,
    where an error is reported as usual."""
    import pickle
    import subprocess
    import sys

    try:
        done = subprocess.run([sys.executable, "-m", "migkg.validation.engines.chunk_worker"], capture_output=True,
                              input=pickle.dumps((texts, reference, shapes, scan), protocol=pickle.HIGHEST_PROTOCOL))
        if done.returncode == 0:
            return pickle.loads(done.stdout)
    except (OSError, pickle.UnpicklingError, EOFError):
        pass
    return run_parts(texts, reference, shapes, scan)


def merge_reports(reports: list, keep):
    """One SHACL report from the reports (rdflib graphs) of the parts: all results of the first, and
    those of the others whose focus node `keep` accepts, each with the blank nodes it points to."""
    from rdflib import RDF as RDF_NS
    from rdflib import BNode, Graph, Literal
    from rdflib.namespace import SH as SH_NS

    merged = Graph()
    for prefix, ns in reports[0].namespaces():
        merged.bind(prefix, ns, override=True, replace=True)
    node = BNode()
    merged.add((node, RDF_NS.type, SH_NS.ValidationReport))
    conforms = True
    for i, report in enumerate(reports):
        for own in report.subjects(RDF_NS.type, SH_NS.ValidationReport):
            conforms = conforms and bool(report.value(own, SH_NS.conforms, default=Literal(True)).toPython())
            for result in report.objects(own, SH_NS.result):
                if i == 0 or keep(report.value(result, SH_NS.focusNode)):
                    merged.add((node, SH_NS.result, result))
                    pending, seen = [result], {result}
                    while pending:
                        subject = pending.pop()
                        for p, o in report.predicate_objects(subject):
                            merged.add((subject, p, o))
                            if isinstance(o, BNode) and o not in seen:
                                seen.add(o)
                                pending.append(o)
    merged.add((node, SH_NS.conforms, Literal(conforms)))
    return merged

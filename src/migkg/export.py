"""Exporting the graph as one file: Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML.

What goes in: the ontology and data (always), the SHACL shapes (``shapes=True``) and the
OWL RL closure (``inferred=True``). With ``graphs=True`` (N-Quads, TriG, JSON-LD) every
source file becomes one named graph, named after its path under the resource root:

    https://w3id.org/migkg/graph/ontology/migkg          ontology/migkg.ttl
    https://w3id.org/migkg/graph/data/COUNTRY/institutions  data/COUNTRY/institutions.ttl
    https://w3id.org/migkg/graph/validation/core-shapes  validation/core-shapes.ttl
    https://w3id.org/migkg/graph/inferred                the triples OWL RL adds (only with inferred)

so a store can drop or replace one module, and a quad says which file asserted it. A triple
stated in two files is in both graphs; the union of the graphs is the merged graph.

Output is deterministic, byte for byte: blank nodes get the labels of W3C RDF Dataset
Canonicalization (RDFC-1.0, computed by pyoxigraph), triples are added in sorted order,
line formats are sorted, TriG graphs are written in IRI order and JSON-LD arrays (which are
unordered in JSON-LD unless they are @list) are sorted. Writing to a file goes through a
temporary file in the same folder that is renamed at the end, so an interrupted export
never leaves a half-written file.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.serializers.rdfxml import XMLSerializer
from rdflib.plugins.serializers.trig import TrigSerializer

from migkg import resources
from migkg.core.canon import canonical_quads
from migkg.errors import MigkgError
from migkg.store import NAMESPACES, parse_file

GRAPH_BASE = "https://w3id.org/migkg/graph/"
INFERRED_GRAPH = URIRef(GRAPH_BASE + "inferred")

# format name -> (rdflib serializer, file extension, can hold named graphs)
FORMATS = {
    "ttl": ("turtle", "ttl", False),
    "nt": ("nt", "nt", False),
    "nq": ("nquads", "nq", True),
    "trig": ("trig", "trig", True),
    "jsonld": ("json-ld", "jsonld", True),
    "xml": ("xml", "rdf", False),
}
SUFFIXES = {".ttl": "ttl", ".turtle": "ttl", ".nt": "nt", ".nq": "nq", ".trig": "trig", ".jsonld": "jsonld",
            ".json": "jsonld", ".rdf": "xml", ".xml": "xml", ".owl": "xml"}
EXTRA_PREFIXES = {"sh": "http://www.w3.org/ns/shacl#", "graph": GRAPH_BASE}


class ExportError(MigkgError):
    """The export cannot be made or written."""


@dataclass(frozen=True)
class Part:
    """One source file and the named graph it becomes."""

    name: URIRef
    path: Path
    graph: Graph


def graph_name(path: Path) -> URIRef:
    relative = Path(path).resolve().relative_to(resources.resource_root().resolve())
    return URIRef(GRAPH_BASE + relative.with_suffix("").as_posix())


def collect_parts(shapes: bool = False) -> list[Part]:
    """The ontology and data files (and the shapes on request), each parsed on its own."""
    paths = resources.ontology_files() + resources.data_files()
    if shapes:
        paths += resources.turtle_files("validation")
    return [Part(graph_name(p), p, parse_file(p)) for p in paths]


def _prefixes(parts: list[Part]) -> dict[str, str]:
    """Prefixes for the compact formats: the project's own, then those the files declare
    (first file wins), in a fixed order."""
    prefixes = dict(NAMESPACES)
    prefixes.update({k: v for k, v in EXTRA_PREFIXES.items() if k not in prefixes})
    for part in parts:
        for prefix, iri in part.graph.namespaces():
            if prefix and prefix not in prefixes and str(iri) not in prefixes.values():
                prefixes[prefix] = str(iri)
    return prefixes


def rdf_closure(graph: Graph) -> Graph:
    """The OWL RL closure of ``graph`` as RDF: owlrl also derives generalised triples with a
    literal as subject (``"x"@en owl:sameAs "x"@en``, ``"x" rdf:type xsd:string``), which no
    RDF syntax or store can hold; they are left out."""
    from migkg.reasoning import owl_rl_closure

    closure = owl_rl_closure(graph).closure
    for triple in [t for t in closure if isinstance(t[0], Literal) or not isinstance(t[1], URIRef)]:
        closure.remove(triple)
    return closure


# --- building the graph or dataset -------------------------------------------------------

def build(inferred: bool = False, graphs: bool = False, shapes: bool = False,
          dataset: bool = False) -> tuple[Graph, dict[str, str]]:
    """The export's content: a Graph, or a Dataset (with ``graphs`` one named graph per file,
    else everything in the default graph, for ``dataset``); and the prefixes to write."""
    parts = collect_parts(shapes)
    quads: list[tuple] = []
    for part in parts:
        quads.extend((s, p, o, part.name if graphs else None) for s, p, o in part.graph)
    if inferred:
        asserted = Graph()
        validation = resources.part("validation").resolve()
        for part in parts:
            if validation not in part.path.resolve().parents:
                asserted += part.graph
        closure = rdf_closure(asserted)
        quads.extend((s, p, o, INFERRED_GRAPH if graphs else None)
                     for s, p, o in closure if (s, p, o) not in asserted)
    iris = {str(t) for q in quads for t in q if isinstance(t, URIRef)}
    iris |= {str(q[2].datatype) for q in quads if isinstance(q[2], Literal) and q[2].datatype}
    prefixes = {k: v for k, v in _prefixes(parts).items() if any(i.startswith(v) for i in iris)}
    if graphs or dataset:
        target: Graph = Dataset()
    else:
        target = Graph()
    # Start from no bindings at all, so only the prefixes below (in this order) are known.
    target.namespace_manager = _namespace_manager(target, prefixes)
    for s, p, o, g in canonical_quads(quads):
        if g is None:
            target.add((s, p, o))
        else:
            target.add((s, p, o, g))  # type: ignore[arg-type]
    return target, prefixes


def _namespace_manager(graph: Graph, prefixes: dict[str, str]):
    from rdflib.namespace import NamespaceManager

    manager = NamespaceManager(graph, bind_namespaces="core")
    for prefix, iri in prefixes.items():
        manager.bind(prefix, iri, override=True, replace=True)
    return manager


# --- serialising -------------------------------------------------------------------------

class _SortedTrigSerializer(TrigSerializer):
    """rdflib's TriG writer, with the named graphs in IRI order (the store keeps them in a set)."""

    def __init__(self, store):
        super().__init__(store)
        self.contexts = sorted(self.contexts, key=lambda c: (c.identifier != self.default_context, str(c.identifier)))


class _SortedView:
    """A read-only view of a graph whose subjects and predicate-object pairs come out sorted
    (rdflib's RDF/XML writer follows the store's order, which varies between runs)."""

    def __init__(self, graph: Graph):
        self._graph = graph

    def __getattr__(self, name):
        return getattr(self._graph, name)

    def __contains__(self, triple) -> bool:
        return triple in self._graph

    def subjects(self, *args, **kwargs):
        return iter(sorted(set(self._graph.subjects(*args, **kwargs)), key=lambda t: t.n3()))

    def predicate_objects(self, *args, **kwargs):
        return iter(sorted(self._graph.predicate_objects(*args, **kwargs), key=lambda po: (po[0].n3(), po[1].n3())))


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted(set(line for line in data.decode("utf-8").splitlines() if line.strip()))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _sort_jsonld(value, in_list: bool = False):
    if isinstance(value, dict):
        return {k: _sort_jsonld(v, in_list=(k == "@list")) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        if in_list:
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def serialize(target: Graph, fmt: str, prefixes: dict[str, str]) -> bytes:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    rdflib_format = FORMATS[fmt][0]
    if fmt in ("nt", "nq"):
        return _sorted_lines(target.serialize(format=rdflib_format, encoding="utf-8"))
    if fmt == "trig":
        stream = io.BytesIO()
        _SortedTrigSerializer(target).serialize(stream, encoding="utf-8")
        return stream.getvalue()
    if fmt == "jsonld":
        context = {prefix: iri for prefix, iri in prefixes.items()}
        text = target.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
        data = _sort_jsonld(json.loads(text))
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
    if fmt == "ttl":
        return target.serialize(format="turtle", encoding="utf-8")
    stream = io.BytesIO()
    XMLSerializer(_SortedView(target)).serialize(stream, encoding="utf-8")  # type: ignore[arg-type]
    return stream.getvalue()


def export_bytes(fmt: str = "ttl", inferred: bool = False, graphs: bool = False, shapes: bool = False) -> bytes:
    """The whole export as bytes."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if graphs and not FORMATS[fmt][2]:
        quad_formats = ", ".join(f for f, (_, _, quads) in FORMATS.items() if quads)
        raise ExportError(f"--graphs needs a format that holds named graphs ({quad_formats}), not {fmt}")
    target, prefixes = build(inferred=inferred, graphs=graphs, shapes=shapes, dataset=fmt in ("nq", "trig"))
    return serialize(target, fmt, prefixes)


def format_for(path: Path | None, explicit: str | None) -> str:
    """The format: as given, else from the output file's extension, else Turtle."""
    if explicit:
        return explicit
    if path is not None:
        fmt = SUFFIXES.get(Path(path).suffix.lower())
        if fmt is None:
            raise ExportError(f"{path}: cannot tell the format from the extension; use --format ({', '.join(FORMATS)})")
        return fmt
    return "ttl"


def check_output(path: Path) -> Path:
    """Fail early (before any work) if ``path`` cannot be an output file."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportError(f"{path}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise ExportError(f"{path}: is a folder, not a file")
    return path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``."""
    from migkg.core import atomic

    path = check_output(path)
    try:
        atomic.write_atomically(path, data)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None

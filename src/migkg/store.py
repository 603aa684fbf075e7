"""Loading the graph: the ontology and data files, each parsed on its own and then merged.

A file is parsed into a scratch graph first, so a file that fails to parse leaves
nothing behind in the knowledge graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from migkg import resources
from migkg.errors import InputError

FORMATS_BY_SUFFIX = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}

NAMESPACES = {
    "mkg": "https://w3id.org/migkg/ontology#",
    "pe": "https://w3id.org/migkg/id/pe/",
    "int": "https://w3id.org/migkg/id/int/",
    "cat": "https://w3id.org/migkg/id/category/",
    "place": "https://w3id.org/migkg/id/place/",
    "src": "https://w3id.org/migkg/id/source/",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
}


def guess_format(path: Path, explicit: str | None = None) -> str:
    if explicit:
        return explicit
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS_BY_SUFFIX))
        raise InputError(str(path), f"unknown RDF format '{path.suffix or '(no extension)'}'; use one of {known} or --format")
    return fmt


def _syntax_error(path: Path, exc: BadSyntax) -> InputError:
    """Turn rdflib's notation3 BadSyntax into file:line:column: message."""
    text = getattr(exc, "_str", b"")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    offset = getattr(exc, "_i", 0) or 0
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    why = getattr(exc, "_why", str(exc))
    return InputError(str(path), f"syntax error: {why}", line, column)


def parse_file(path: Path, fmt: str | None = None) -> Graph:
    """Parse one file into a fresh graph, or raise InputError with file, line and column."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    fmt = guess_format(path, fmt)
    scratch = Graph()
    try:
        scratch.parse(path, format=fmt)
    except BadSyntax as exc:
        raise _syntax_error(path, exc) from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text (byte {exc.start})") from None
    except Exception as exc:  # rdflib raises many types; the user needs one line
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        match = re.search(r"line (\d+)", message)
        raise InputError(str(path), f"cannot parse as {fmt}: {message}", int(match.group(1)) if match else None) from None
    return scratch


@dataclass
class KnowledgeGraph:
    """The merged graph, with the triples each file contributed."""

    graph: Graph = field(default_factory=Graph)
    files: dict[Path, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for prefix, iri in NAMESPACES.items():
            self.graph.bind(prefix, iri)

    def add_file(self, path: Path, fmt: str | None = None) -> int:
        scratch = parse_file(path, fmt)
        for prefix, iri in scratch.namespaces():
            if prefix and prefix not in NAMESPACES:
                self.graph.bind(prefix, iri, override=False)
        self.graph += scratch
        self.files[Path(path)] = len(scratch)
        return len(scratch)

    def add_files(self, paths: list[Path]) -> None:
        for path in paths:
            self.add_file(path)

    def __len__(self) -> int:
        return len(self.graph)

    def subjects_in(self, path: Path) -> set[URIRef]:
        return {s for s in parse_file(path).subjects() if isinstance(s, URIRef)}


def load_default_graph(include_data: bool = True) -> KnowledgeGraph:
    """The project's own graph: the ontology modules and (by default) all data files."""
    kg = KnowledgeGraph()
    kg.add_files(resources.ontology_files())
    if include_data:
        kg.add_files(resources.data_files())
    return kg

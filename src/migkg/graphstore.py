"""The graph at run time: the knowledge files read once into an embedded pyoxigraph store.

Every command works on this store (query, report, validate's reference data, info); rdflib is
built from it only where rdflib is the right tool (owlrl, pyLODE, some serialisers), through
``rdflib_graph()``. All triples sit in the default graph, so a triple stated in two files is
one triple (as in rdflib's merged graph); blank nodes of different files stay different.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pyoxigraph as ox

from migkg import resources
from migkg.core import cache
from migkg.core.namespaces import NAMESPACES
from migkg.sparql import ResultTable, run_oxigraph

TURTLE = ox.RdfFormat.TURTLE
_PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.MULTILINE | re.IGNORECASE)


class GraphStore:
    """The knowledge files in one pyoxigraph store."""

    def __init__(self, paths: list[Path], root: Path | None = None):
        self.paths = [Path(p) for p in paths]
        self.root = root or resources.resource_root()
        self.store = ox.Store()
        for path in self.paths:
            # bulk_load gives each file's blank nodes fresh labels, and skips transactions.
            self.store.bulk_load(path=str(path), format=TURTLE)

    def __len__(self) -> int:
        return len(self.store)

    @property
    def triples(self) -> int:
        return len(self.store)

    @functools.cached_property
    def fingerprint(self) -> str:
        """A hash of the files' names and bytes: the key of everything derived from them."""
        return cache.fingerprint(self.paths, self.root)

    @functools.cached_property
    def files(self) -> list[tuple[str, int]]:
        """(path relative to the knowledge folder, distinct triples in that file), in load order."""
        out = []
        for path in self.paths:
            count = len(set(ox.parse(path=str(path), format=TURTLE)))
            try:
                name = str(path.relative_to(self.root))
            except ValueError:
                name = str(path)
            out.append((name, count))
        return out

    @functools.cached_property
    def prefixes(self) -> dict[str, str]:
        """The project's prefixes, then those the files declare besides (first declaration wins)."""
        found = dict(NAMESPACES)
        for path in self.paths:
            for prefix, iri in _PREFIX_LINE.findall(path.read_text(encoding="utf-8")):
                found.setdefault(prefix, iri)
        return found

    def select(self, query: str, bindings: dict | None = None, *, as_rdflib: bool = True,
               allow_network: bool = False) -> ResultTable:
        return run_oxigraph(self.store, query, bindings, allow_network=allow_network, as_rdflib=as_rdflib)

    def ntriples(self) -> bytes:
        """The whole graph as N-Triples (in the store's order)."""
        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())

    @functools.cached_property
    def _rdflib_copy(self):
        from rdflib import Graph

        graph = Graph()
        for prefix, iri in NAMESPACES.items():
            graph.bind(prefix, iri)
        graph.parse(data=self.ntriples(), format="nt")
        return graph

    def rdflib_graph(self):
        """An rdflib copy of the graph, built once, with the project's prefixes bound."""
        return self._rdflib_copy


def default_paths(include_data: bool = True) -> list[Path]:
    return resources.ontology_files() + (resources.data_files() if include_data else [])


@functools.cache
def open_default(include_data: bool = True) -> GraphStore:
    """The project's own graph (ontology and, by default, data), read once per process."""
    return GraphStore(default_paths(include_data))


class DataGraphStore(GraphStore):
    """The project's graph plus some files given for one run (``migkg serve --data``), never
    written anywhere. Each extra file goes through the strict reader of ``migkg validate``
    (``store.read_text``: size limit, UTF-8; Turtle, TriG, N-Triples, N-Quads: pyoxigraph's
    strict parser, triple and depth limits; other formats: ``store.parse_file``); its triples
    join the default graph (named graphs merged, as ``validate`` reads them), its blank nodes
    kept apart from every other file's."""

    def __init__(self, paths: list[Path], data: list[Path], root: Path | None = None):
        super().__init__(paths, root)
        self.data = [Path(p) for p in data]
        self._data_counts: list[int] = []
        for path in self.data:
            before = len(self.store)
            if not _bulk_load_strictly(self.store, path):
                self.store.bulk_load(input=data_ntriples(path), format=ox.RdfFormat.N_TRIPLES)
            self._data_counts.append(len(self.store) - before)

    @functools.cached_property
    def fingerprint(self) -> str:
        return cache.fingerprint(self.paths + self.data, self.root)

    @functools.cached_property
    def files(self) -> list[tuple[str, int]]:
        """The project's files, then each extra file with the triples it added."""
        return super().files + [(str(p), n) for p, n in zip(self.data, self._data_counts, strict=True)]

    @functools.cached_property
    def prefixes(self) -> dict[str, str]:
        found = dict(super().prefixes)
        from migkg import store as strict

        for path in self.data:
            fmt, text = strict.read_text(path)
            if fmt in ("turtle", "trig"):
                for prefix, iri in _PREFIX_LINE.findall(text):
                    found.setdefault(prefix, iri)
        return found


def data_ntriples(path: Path, fmt: str | None = None) -> bytes:
    """One input file read strictly (as ``migkg validate`` reads it) and returned as N-Triples,
    the triples of its named graphs included; InputError (file, line, column) when it is not
    usable."""
    from migkg import store as strict

    path = Path(path)
    base = strict.configured_base()
    fmt, text = strict.read_text(path, fmt)
    if fmt in strict.OX_FORMATS:
        strict.strict_syntax_check(path, text, fmt, base)
        if fmt in ("turtle", "ttl", "trig"):
            strict.check_depth(path, text)
        quads = ox.parse(text.encode("utf-8"), format=getattr(ox.RdfFormat, strict.OX_FORMATS[fmt]), base_iri=base)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    graph = strict.parse_file(path, fmt, base=base)
    data = graph.serialize(format="nt", encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


def _bulk_load_strictly(store: ox.Store, path: Path) -> bool:
    """Load a Turtle or N-Triples file straight into ``store`` with pyoxigraph's strict parser
    (the checks of ``data_ntriples`` without its copy through Python objects: a register of
    100,000 cases loads in the time of a plain bulk load). False for the other formats, which
    ``data_ntriples`` reads. The triple limit is checked before loading: by counting lines for
    N-Triples (one triple per line at most), by a streaming count for Turtle. N-Triples bytes go
    to the parser undecoded; text that is not UTF-8 is then reported as ``store.decode`` does."""
    from migkg import store as strict

    fmt, data = strict.read_bytes(path)
    kind = strict.OX_FORMATS.get(fmt)
    if kind not in ("TURTLE", "N_TRIPLES"):
        return False
    base = strict.configured_base()
    if kind == "TURTLE":
        text = strict.decode(path, data)
        strict.check_depth(path, text)
        strict.strict_syntax_check(path, text, fmt, base)
    else:
        data = strict.without_bom(path, data)
        if data.count(b"\n") + 1 > strict.limit("triples"):
            strict.strict_syntax_check(path, strict.decode(path, data), fmt, base)  # counts the triples
    try:
        store.bulk_load(input=data if kind == "N_TRIPLES" else text, format=getattr(ox.RdfFormat, kind),
                        base_iri=base, to_graph=ox.DefaultGraph())
    except SyntaxError as exc:
        if kind == "N_TRIPLES" and "UTF-8" in str(exc):
            strict.decode(path, data)  # the line, column and byte, as for every other reader
        raise strict.syntax_error(path, exc) from None
    return True


def with_data(paths: list[Path], include_data: bool = True) -> GraphStore:
    """The project's graph (as ``open_default``) plus the files ``paths``, read strictly; with no
    paths, ``open_default()`` itself. Nothing is written into data/."""
    if not paths:
        return open_default() if include_data else open_default(include_data=False)  # the same cache entries
    return DataGraphStore(default_paths(include_data), list(paths))

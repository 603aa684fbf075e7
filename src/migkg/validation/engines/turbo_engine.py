"""The turbo engine (the default): pyshacl-turbo's native validator on N-Quads text.

pyshacl-turbo's native engine takes the data as text and builds its own dataset, so each file goes
once through the engine's own parser into canonical N-Quads (one statement per line, IRIs in full),
and what the report needs from the file (its subjects, its ill-typed literals, its size, its
prefixes) is read from that text with regular expressions:
  - a line starts with its subject (an <IRI> or a _:label);
  - a typed literal is "lexical form"^^<datatype>, with N-Triples escapes in the lexical form.
The reference data (ontology scaffold + project data, as N-Triples) and the shapes (in the native
compiler's form) come from migkg's on-disk cache while the knowledge files are unchanged, so a run
on a small file parses nothing but that file and imports no rdflib. A large input is validated in
parts side by side (turbo_parts); a large N-Triples file written record after record, in byte
ranges that the worker processes read and parse themselves (turbo_ranges).
tests/test_validation_engines.py checks this engine gives the same results as the pySHACL engine,
on fixtures, a register and the project's own graph; tests/test_validation_ranges.py, that the
ranges give what the ordinary path gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

from migkg import resources
from migkg.core import cache
from migkg.errors import InputError
from migkg.validation import reference
from migkg.validation.engines import literals, turbo_native, turbo_parts, turbo_ranges
from migkg.validation.engines.turbo_native import Shapes
from migkg.validation.engines.turbo_parts import term_key
from migkg.validation.outcome import EngineRun

# The subject a canonical N-Quads line starts with. (Anchored on "\n", with a "\n" put before the
# text, rather than on ^ with re.MULTILINE: the regex engine then jumps from newline to newline,
# 1.2 s instead of 2.9 s on a 100k-case register.)
_SUBJECT = re.compile(r"\n(<[^>]*>|_:\S+) ")
# A blank node label where one can stand: at a line's start or after a space. (It can also match
# inside a literal; it only decides whether a file's blank nodes need new labels.)
_BLANK_LABEL = re.compile(r"(?:^|[\n ])_:(\S+)")
# The terms of a canonical N-Quads line, literals and IRIs first so that a "_:" inside one is passed
# over; group 1 is a blank node's label.
_TERM = re.compile(r'"(?:[^"\\\n]|\\.)*"|<[^>]*>|_:(\S+)')


def _term(key: str):
    import pyoxigraph as ox

    return ox.BlankNode(key[2:]) if key.startswith("_:") else ox.NamedNode(key[1:-1])


def blank_labels(text: str) -> set[str]:
    return set(_BLANK_LABEL.findall(text)) if "_:" in text else set()


def separate_blank_nodes(text: str, taken: set[str]) -> str:
    """Blank nodes are local to their file. Once in one text, two files' _:b1 would be one node;
    so when a file uses a label already used by another input or the reference data, all its blank
    nodes get a fresh prefix (what the pySHACL engine gets from rdflib, which renames them all).
    `taken` is updated with the labels this file ends up with."""
    labels = blank_labels(text)
    if labels & taken:
        n = 1
        while any(label.startswith(f"f{n}x") for label in taken | labels):
            n += 1
        text = _TERM.sub(lambda m: m.group(0) if m.group(1) is None else f"_:f{n}x{m.group(1)}", text)
        labels = blank_labels(text)
    taken |= labels
    return text


class ParsedText:
    """One input file, with what the report needs from it: its subjects (N-Triples keys, in order
    of first appearance), its statements, prefixes, ill-typed literals and, when known, its line
    index. `text`, its canonical N-Quads, until the engine takes it."""

    def __init__(self, path: Path, subjects: dict, triples: int, prefixes: dict[str, str], text: str | None = None,
                 line_index=None):
        self.path = path
        self.text = text
        self.prefixes = prefixes  # namespace -> prefix
        self.subjects = subjects
        self.triples = triples
        self.line_index = line_index  # a future of the file's line index, when known before the report
        self.ill_typed_triples: list = []  # (subject, predicate, lexical form, datatype): see found_ill_typed

    @classmethod
    def from_text(cls, path: Path, text: str, prefixes: dict[str, str], taken: set[str]) -> ParsedText:
        """A file read into canonical N-Quads text (blank nodes given fresh labels if `taken` has
        theirs: see separate_blank_nodes)."""
        text = separate_blank_nodes(text, taken)
        # Every line, the first too, starts after a "\n"; one statement per line (newlines in
        # literals are escaped).
        return cls(path, dict.fromkeys(_SUBJECT.findall("\n" + text)), text.count("\n"), prefixes, text)

    @classmethod
    def described(cls, path: Path, subjects: dict[str, int], triples: int) -> ParsedText:
        """A file the engine did not read as text here (turbo_ranges): its subjects with the line
        each first appears on, which is also the report's line index."""
        from concurrent.futures import Future

        index: Future = Future()
        index.set_result(subjects)
        return cls(path, subjects, triples, {}, line_index=index)

    def owns(self, term) -> bool:
        return term_key(term) in self.subjects

    def found_ill_typed(self, found: list[tuple[str, str, str, str]]) -> None:
        """Keep the ill-typed literals found in this file's text (by literals.ill_typed, here or in
        the worker processes that validate its parts), as pyoxigraph terms."""
        import pyoxigraph as ox

        self.ill_typed_triples = [(_term(s), ox.NamedNode(p), lexical, datatype) for s, p, lexical, datatype in found]


# --- reading input files -------------------------------------------------------------------------
# With migkg.store's checks: its public read_text, and (the one place this package uses them) the
# helpers store keeps private: the configured base IRI, the nesting-depth check, the strict syntax
# check that gives file:line:column, and the over-the-limit error.

def _store():
    from migkg import store

    return store


def parse_as_written(path: Path, fmt: str | None):
    """store.parse_file with rdflib's literal normalisation off, so that the engine sees literals
    as the file writes them, as it does when it parses a file itself. (Normalising, rdflib rewrites
    the ill-typed "none"^^xsd:boolean as the well-typed "false": the engine could not see it.)"""
    import rdflib

    normalize = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        return _store().parse_file(path, fmt)
    finally:
        rdflib.NORMALIZE_LITERALS = normalize


def read(path: Path, fmt: str | None, taken: set[str]) -> ParsedText:
    """Read one file into canonical N-Quads, with the same checks and one-line errors as
    migkg.store.parse_file. `taken`: the blank node labels of the texts read before it (updated).
    Formats the engine's parser does not read (RDF/XML, JSON-LD, TriX), and any file when a base
    IRI is configured, go through parse_file (rdflib) first."""
    st = _store()
    path = Path(path)
    if (path.is_file() and st.guess_format(path, fmt) not in turbo_native.NATIVE_FORMATS) \
            or st.configured_base() is not None:
        graph = parse_as_written(path, fmt)
        text, _ = turbo_native.parse_rdf(graph.serialize(format="nt"), "nt")
        return ParsedText.from_text(path, text, {str(ns): prefix for prefix, ns in graph.namespaces()}, taken)
    fmt, text = st.read_text(path, fmt)
    if fmt in ("turtle", "ttl", "trig"):
        st.check_depth(path, text)
    # The lines of a large file's subjects, for the report, are found while the native parser
    # runs (it lets go of the GIL): a second in a thread instead of after the validation.
    indexed = _index_in_background(path) if len(text) > INDEX_IN_BACKGROUND_CHARS else None
    try:
        nquads, prefixes = turbo_native.parse_rdf(text, fmt)
    except ValueError as exc:
        # The reference reader gives the one-line file:line:column message.
        st.strict_syntax_check(path, text, fmt, None)
        raise InputError(str(path), f"cannot parse as {fmt}: {str(exc).splitlines()[0] if str(exc) else exc}") from None
    del text
    parsed = ParsedText.from_text(path, nquads, prefixes, taken)
    parsed.line_index = indexed
    if parsed.triples > st.limit("triples"):  # the words of the reference reader (store's strict check)
        raise st.over_limit(path, "triples", f"more than {st.limit('triples')} triples")
    return parsed


INDEX_IN_BACKGROUND_CHARS = 10_000_000


def _index_in_background(path: Path):
    """A future of outcome.line_index(path), computed in a daemon thread."""
    from concurrent.futures import Future
    from threading import Thread

    from migkg.validation.outcome import line_index

    future: Future = Future()

    def work() -> None:
        try:
            future.set_result(line_index(path))
        except BaseException as exc:  # noqa: BLE001  (given to whoever asks for the index)
            future.set_exception(exc)

    Thread(target=work, daemon=True).start()
    return future


# --- what every run validates against --------------------------------------------------------------

def reference_nquads(with_data: bool) -> str:
    """The ontology scaffold (and the project's reference data) as N-Triples, from the cache."""
    texts = reference.reference_texts()
    return texts.scaffold + texts.data if with_data else texts.scaffold


def project_shapes() -> Shapes:
    """The project's shapes in the native compiler's form, from the cache while validation/ and the
    libraries are unchanged (building it reads the shapes with rdflib)."""
    root = resources.resource_root()
    key = cache.digest(cache.fingerprint(reference.shapes_files(), relative_to=root), reference.library_versions())

    def build() -> bytes:
        shapes = turbo_native.canonical_shapes(reference.shapes_graph())
        return json.dumps({"canonical": shapes.canonical, "namespaces": shapes.namespaces}).encode("utf-8")

    stored = json.loads(cache.cached("turbo-shapes", key, root, build))
    return Shapes(stored["canonical"], tuple(tuple(pair) for pair in stored["namespaces"]))


# --- the engine ----------------------------------------------------------------------------------

def run(paths: list[Path], fmt: str | None, own: bool) -> EngineRun:
    """Validate the files with the reference data (the ontology scaffold alone for the project's
    own data, which is the reference data)."""
    turbo_native.check_version()
    reference_text = reference_nquads(with_data=not own)
    if len(paths) == 1 and in_ranges(Path(paths[0]), fmt):
        shapes = project_shapes()
        fast = turbo_ranges.validate_file(Path(paths[0]), reference_text, shapes, _store().limit("triples"))
        if fast is not None:
            parsed = ParsedText.described(Path(paths[0]), fast.subjects, fast.triples)
            parsed.found_ill_typed(fast.ill_typed)
            return EngineRun(inputs=[parsed], results=fast.results, report_factory=fast.report_factory,
                             component_prefixes={ns: prefix for prefix, ns in shapes.namespaces})
    taken = blank_labels(reference_text)
    parsed = [read(p, fmt, taken) for p in paths]
    texts = [item.text for item in parsed]
    for item in parsed:
        item.text = None  # the engine gets one copy; 285 MB each for a 100k-case register
    subjects: dict[str, None] = {}
    for item in parsed:
        subjects.update(item.subjects)
    shapes = project_shapes()
    parts = turbo_parts.chunks(texts, subjects, reference_text)
    # One file cut into parts: each worker process finds its part's ill-typed literals; otherwise
    # each file's are found here, in its own text.
    scan_in_parts = len(parsed) == 1 and len(parts) > 1
    if not scan_in_parts:
        for item, text in zip(parsed, texts, strict=True):
            item.found_ill_typed(literals.ill_typed(text))
    texts.clear()
    if len(parts) == 1:
        results, raw = turbo_parts.run_text([parts.pop(), reference_text], shapes)
        report_factory = lambda: turbo_native.decode_report(raw)  # noqa: E731
    else:
        results, report_factory, found = turbo_parts.validate_parts(
            parts, reference_text, shapes, lambda focus: term_key(focus) in subjects, scan_in_parts)
        if scan_in_parts:
            parsed[0].found_ill_typed(found)
    return EngineRun(inputs=parsed, results=results, report_factory=report_factory,
                     component_prefixes={ns: prefix for prefix, ns in shapes.namespaces})


def in_ranges(path: Path, fmt: str | None) -> bool:
    """Whether a file may take turbo_ranges' fast path: a large N-Triples file within the size
    limit, no base IRI configured. (Anything else about it is checked there; whatever the fast path
    cannot take is read the ordinary way, which reports errors.)"""
    st = _store()
    try:
        if not path.is_file() or st.guess_format(path, fmt) not in ("nt", "ntriples") or st.configured_base():
            return False
        return turbo_ranges.SAMPLE_BYTES < path.stat().st_size <= st.limit("file_bytes")
    except (InputError, OSError):
        return False


def validate_data(data: str, data_format: str, shapes_graph, base: str | None = None,
                  allow_warnings: bool = True) -> tuple[bool, object]:
    """The lowest level: RDF text and an rdflib shapes graph in, (conforms, rdflib report graph)
    out, through the same calls as `run` (the W3C SHACL tests use it); EngineFailure when the
    engine refuses the shapes."""
    nquads, _ = turbo_native.parse_rdf(data, data_format, base)
    conforms, raw = turbo_native.validate_nquads(nquads, turbo_native.canonical_shapes(shapes_graph), allow_warnings)
    return conforms, turbo_native.decode_report(raw)

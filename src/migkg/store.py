"""Loading the graph: the ontology and data files, each parsed on its own and then merged.

A file is parsed into a scratch graph first, so a file that fails to parse leaves
nothing behind in the knowledge graph.

Input from strangers is checked before rdflib builds anything (issue 8):
- the bytes are decoded explicitly as UTF-8 (a UTF-8 byte-order mark is dropped; other
  encodings are refused with file, line and byte);
- Turtle, TriG, N-Triples and N-Quads are first read by pyoxigraph's strict W3C parser, which
  gives ``file:line:column`` for every syntax error (rdflib gives a line at best), refuses
  relative IRIs when no base is given, and counts triples without keeping them;
- RDF/XML and TriX with any DOCTYPE or ENTITY declaration are refused before parsing
  (billion laughs, external entities); JSON-LD may only use local ``@context`` files;
- limits on file size, triples and nesting depth, each named with the option and the
  environment variable that raise it.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from migkg import resources
from migkg.core.namespaces import NAMESPACES  # noqa: F401  (re-exported: store.NAMESPACES)
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
    ".trix": "trix",
}


# --- limits ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    name: str
    env: str
    option: str
    default: int
    unit: str


LIMITS = {
    "file_bytes": Limit("file size", "MIGKG_MAX_FILE_BYTES", "--max-file-size", 256 * 1024 * 1024, "bytes"),
    "triples": Limit("triples per file", "MIGKG_MAX_TRIPLES", "--max-triples", 10_000_000, "triples"),
    "depth": Limit("nesting depth", "MIGKG_MAX_DEPTH", "--max-depth", 64, "levels"),
}

# Set by the command line (--base, --max-*); environment variables come next, then defaults.
_configured: dict = {}


def configure(base: str | None = None, **limits: int | None) -> None:
    """Options given on the command line: a base IRI for relative IRIs, and limits."""
    if base is not None:
        check_base(base)
        _configured["base"] = base
    for key, value in limits.items():
        if key not in LIMITS:
            raise ValueError(f"unknown limit {key!r}")
        if value is not None:
            _configured[key] = int(value)


def configured_base() -> str | None:
    """The base IRI given on the command line (--base), if any."""
    return _configured.get("base")


def reset_configuration() -> None:
    _configured.clear()


def check_base(base: str) -> str:
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", base):
        raise InputError("--base", f"{base!r} is not an absolute IRI (such as https://example.org/data/)")
    return base


def limit(key: str) -> int:
    spec = LIMITS[key]
    if key in _configured:
        return _configured[key]
    raw = os.environ.get(spec.env)
    if raw:
        try:
            value = int(raw.replace("_", ""))
            if value <= 0:
                raise ValueError
            return value
        except ValueError:
            raise InputError(spec.env, f"{raw!r} is not a positive whole number of {spec.unit}") from None
    return spec.default


def over_limit(path: Path, key: str, what: str, line: int | None = None, column: int | None = None) -> InputError:
    spec = LIMITS[key]
    return InputError(str(path), f"{what}, over the limit of {limit(key)} {spec.unit} ({spec.name}; raise it with "
                                 f"{spec.option} or {spec.env})", line, column)


# --- formats -----------------------------------------------------------------------------


def guess_format(path: Path, explicit: str | None = None) -> str:
    if explicit:
        return explicit
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS_BY_SUFFIX))
        raise InputError(str(path), f"unknown RDF format '{path.suffix or '(no extension)'}'; "
                                    f"use one of {known} or --format")
    return fmt


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _syntax_error(path: Path, exc) -> InputError:
    """Turn rdflib's notation3 BadSyntax into file:line:column: message."""
    text = getattr(exc, "_str", b"")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    offset = getattr(exc, "_i", 0) or 0
    line, column = _position(text, offset)
    why = getattr(exc, "_why", str(exc))
    return InputError(str(path), f"syntax error: {why}", line, column)


_BOMS = [
    (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
]


def without_bom(path: Path, data: bytes) -> bytes:
    """The bytes of a file without a UTF-8 byte-order mark; a UTF-16 or UTF-32 one is refused."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):]
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise InputError(str(path), f"starts with a {name} byte-order mark (byte 0); save the file as UTF-8", 1, 1)
    return data


def decode(path: Path, data: bytes, xml_or_json: bool = False) -> str:
    """UTF-8 text of a file: a UTF-8 byte-order mark is dropped, anything else that is not
    UTF-8 is refused with the line, column and byte where decoding failed."""
    data = without_bom(path, data)
    nul = data.find(b"\0") if xml_or_json else -1
    if nul >= 0:  # never in XML or JSON text; UTF-16 without a byte-order mark is full of them
        line = data.count(b"\n", 0, nul) + 1
        column = nul - (data.rfind(b"\n", 0, nul) + 1) + 1
        raise InputError(str(path), f"NUL byte at byte offset {nul}: not UTF-8 text (UTF-16 without a byte-order "
                                    f"mark, or a binary file?)", line, column)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(str(path), f"not UTF-8 text: byte 0x{data[exc.start]:02X} at byte offset {exc.start} "
                                    f"(save the file as UTF-8)", line, column) from None


# --- checks before parsing ---------------------------------------------------------------

OX_FORMATS = {"turtle": "TURTLE", "ttl": "TURTLE", "trig": "TRIG", "nt": "N_TRIPLES", "ntriples": "N_TRIPLES",
               "nquads": "N_QUADS", "nq": "N_QUADS"}
_OX_MESSAGE = re.compile(r"^Parser error (?:at|between) [^:]*: (.*?)(?: \(line \d+\))?$", re.DOTALL)


def strict_syntax_check(path: Path, text: str, fmt: str, base: str | None) -> None:
    """Read the file with pyoxigraph's W3C-conformant parser: syntax errors (and relative IRIs
    without a base) come back with line and column; triples are counted, not kept."""
    import pyoxigraph as ox

    max_triples = limit("triples")
    count = 0
    try:
        for _ in ox.parse(text.encode("utf-8"), format=getattr(ox.RdfFormat, OX_FORMATS[fmt]), base_iri=base):
            count += 1
            if count > max_triples:
                raise over_limit(path, "triples", f"more than {max_triples} triples")
    except SyntaxError as exc:
        raise syntax_error(path, exc) from None


def syntax_error(path: Path, exc: SyntaxError) -> InputError:
    """pyoxigraph's SyntaxError as one line with file, line and column."""
    message = str(exc)
    match = _OX_MESSAGE.match(message)
    why = match.group(1) if match else message.splitlines()[0]
    if "No scheme found in an absolute IRI" in why or "no base IRI" in why.lower():
        why = f"relative IRI and no base IRI; give --base IRI (or write @base / BASE in the file) ({why})"
    else:
        why = f"syntax error: {why}"
    return InputError(str(path), why, getattr(exc, "lineno", None), getattr(exc, "offset", None))


_TURTLE_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*|[\[\]()]', re.DOTALL)


def check_depth(path: Path, text: str) -> None:
    """Nested blank nodes and collections: rdflib's parser recurses once per level."""
    max_depth = limit("depth")
    if text.count("[") + text.count("(") <= max_depth:
        return
    depth = 0
    for match in _TURTLE_TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "("):
            depth += 1
            if depth > max_depth:
                line, column = _position(text, match.start())
                raise over_limit(path, "depth", f"'{token}' nested more than {max_depth} levels deep", line, column)
        elif token in ("]", ")"):
            depth = max(0, depth - 1)


_XML_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _refuse_xml_declarations(path: Path, text: str) -> None:
    match = _XML_DECLARATION.search(text)
    if match:
        line, column = _position(text, match.start())
        raise InputError(str(path), f"<!{match.group(1).upper()} declarations are refused (entity expansion and "
                                    f"external entities are not allowed in RDF/XML or TriX input)", line, column)


def _local_context(path: Path, value):
    """A context given by reference must be a local file: returned as a file: URI."""
    if not isinstance(value, str):
        return value
    parts = urlsplit(value)
    if parts.scheme and len(parts.scheme) > 1 and parts.scheme.lower() != "file":
        raise InputError(str(path), f"remote JSON-LD @context {value!r} is refused; contexts come only from local "
                                    f"files (download it and refer to it by path)")
    if parts.scheme.lower() == "file":
        from urllib.request import url2pathname

        local = Path(url2pathname(parts.path))
    else:
        local = path.parent / value
    if not local.is_file():
        raise InputError(str(path), f"JSON-LD @context {value!r}: no such local file {local}")
    return local.resolve().as_uri()


def _check_json_ld(path: Path, text: str) -> str:
    """A JSON-LD document may only use contexts that are local files (returned with those
    references made absolute file: URIs); and it must be JSON."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise over_limit(path, "depth", "JSON nested too deeply") from None
    stack = [(document, 0)]
    max_depth = max(limit("depth"), 1) * 4  # JSON-LD nests objects and arrays for every node
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise over_limit(path, "depth", f"JSON nested more than {max_depth} levels deep")
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if key in ("@context", "@import"):
                    if isinstance(value, list):
                        value = node[key] = [_local_context(path, item) for item in value]
                    else:
                        value = node[key] = _local_context(path, value)
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
    return json.dumps(document, ensure_ascii=False)


# Relative IRIs in formats pyoxigraph does not check are resolved against this base and refused.
_NO_BASE = "http://no-base.invalid/migkg/"


def _relative_iri_left(path: Path, graph) -> None:
    from rdflib import URIRef

    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and str(term).startswith(_NO_BASE):
                relative = str(term)[len(_NO_BASE):]
                raise InputError(str(path), f"relative IRI <{relative}> and no base IRI; give --base IRI")


# --- parsing -----------------------------------------------------------------------------


# Formats whose files can hold named graphs.
_DATASET_FORMATS = {"trig", "nquads", "nq", "trix", "json-ld"}


def read_bytes(path: Path, fmt: str | None = None) -> tuple[str, bytes]:
    """(format, bytes) of an input file, or InputError: no such file, unknown format, over the
    size limit, unreadable."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    fmt = guess_format(path, fmt)
    size = path.stat().st_size
    if size > limit("file_bytes"):
        raise over_limit(path, "file_bytes", f"file is {size} bytes")
    try:
        return fmt, path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None


def read_text(path: Path, fmt: str | None = None) -> tuple[str, str]:
    """(format, UTF-8 text) of an input file, or InputError: no such file, unknown format, over the
    size limit, unreadable, not UTF-8. What every reader checks before it parses."""
    fmt, data = read_bytes(path, fmt)
    return fmt, decode(Path(path), data, xml_or_json=fmt in ("xml", "trix", "json-ld"))


def parse_file(path: Path, fmt: str | None = None, *, base: str | None = None):
    """Parse one file into a fresh rdflib Graph, or raise InputError with file, line and column."""
    # rdflib is imported here, not at the top: the checks above serve readers that never need it.
    from rdflib import Dataset, Graph
    from rdflib.plugins.parsers.notation3 import BadSyntax

    path = Path(path)
    base = base or _configured.get("base")
    if base is not None:
        check_base(base)
    fmt, text = read_text(path, fmt)

    if fmt in OX_FORMATS:
        strict_syntax_check(path, text, fmt, base)
        if fmt in ("turtle", "ttl", "trig"):
            check_depth(path, text)
    elif fmt in ("xml", "trix"):
        _refuse_xml_declarations(path, text)
    elif fmt == "json-ld":
        text = _check_json_ld(path, text)

    scratch = Graph()
    try:
        if fmt in _DATASET_FORMATS:
            # A plain Graph silently drops what these formats put in named graphs: read a dataset
            # and keep the union of its graphs (the data is checked and merged as one graph).
            dataset = Dataset(default_union=True)
            dataset.parse(data=text, format=fmt, publicID=base or _NO_BASE)
            for prefix, namespace in dataset.namespaces():
                scratch.bind(prefix, namespace, override=True, replace=True)
            for triple in dataset.triples((None, None, None)):
                scratch.add(triple)
        else:
            scratch.parse(data=text, format=fmt, publicID=base or _NO_BASE)
    except BadSyntax as exc:
        raise _syntax_error(path, exc) from None
    except RecursionError:  # only when --max-depth / MIGKG_MAX_DEPTH was raised past what rdflib can follow
        raise InputError(str(path), f"nested too deeply for rdflib's parser (Python's recursion limit) although "
                                    f"within the nesting depth limit of {limit('depth')} levels; keep nesting "
                                    f"under about 100 levels") from None
    except IndexError:  # rdflib's Turtle parser on a truncated file
        line, column = _position(text, len(text))
        raise InputError(str(path), "syntax error: unexpected end of file", line, column) from None
    except Exception as exc:  # rdflib raises many types; the user needs one line
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        line = column = None
        if hasattr(exc, "getLineNumber"):  # xml.sax.SAXParseException
            line, column = exc.getLineNumber(), exc.getColumnNumber() + 1
            message = exc.getMessage()
        else:
            match = re.search(r"line (\d+)", message)
            line = int(match.group(1)) if match else None
        raise InputError(str(path), f"cannot parse as {fmt}: {message}", line, column) from None
    if base is None and fmt not in OX_FORMATS:
        _relative_iri_left(path, scratch)
    if len(scratch) > limit("triples"):
        raise over_limit(path, "triples", f"{len(scratch)} triples")
    return scratch


def _new_graph():
    from rdflib import Graph

    return Graph()


@dataclass
class KnowledgeGraph:
    """The merged graph, with the triples each file contributed."""

    graph: object = field(default_factory=lambda: _new_graph())  # an rdflib Graph
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

    def subjects_in(self, path: Path) -> set:
        from rdflib import URIRef

        return {s for s in parse_file(path).subjects() if isinstance(s, URIRef)}


def load_default_graph(include_data: bool = True) -> KnowledgeGraph:
    """The project's own graph: the ontology modules and (by default) all data files."""
    kg = KnowledgeGraph()
    kg.add_files(resources.ontology_files())
    if include_data:
        kg.add_files(resources.data_files())
    return kg

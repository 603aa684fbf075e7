"""The optional fast validation engine: pyshacl-turbo on N-Quads text (extra `fast`).

pyshacl-turbo's native engine takes the data as text and builds its own in-memory dataset. Given
a pyoxigraph store, the library first dumps the store to N-Quads; so building a store (and the
1.8M Python quad objects pyoxigraph creates while parsing a 100k-case register) was work done
twice. Here each file goes once through the engine's own parser into canonical N-Quads (one
statement per line, IRIs in full), and what the report needs from the file (its subjects, its
ill-typed literals, its size, its prefixes) is read from that text with regular expressions:
  - a line starts with its subject (an <IRI> or a _:label);
  - a typed literal is "lexical form"^^<datatype>, with N-Triples escapes in the lexical form.
The engine then validates the concatenated text. tests/test_validation_engines.py checks this
engine gives the same results as the pySHACL engine, on fixtures, a register and the project.
The library is pinned below 0.7: this module uses its parser (`_native.parse_rdf`), its text
input (`rdf.Input`) and its report decoder (`_graph`)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from migkg import resources
from migkg import store as st
from migkg.errors import InputError
from migkg.sparql import from_ox
from migkg.validation import RESULT_KEYS, _ill_typed, ontology_scaffold, results_from_report, shapes_graph

XSD = "http://www.w3.org/2001/XMLSchema#"

# The subject a canonical N-Quads line starts with. (Anchored on "\n", with a "\n" put before the
# text, rather than on ^ with re.MULTILINE: the regex engine then jumps from newline to newline,
# 1.2 s instead of 2.9 s on a 100k-case register.)
_SUBJECT = re.compile(r"\n(<[^>]*>|_:\S+) ")
# A literal typed with an XML Schema datatype, anywhere in a line: a quick first pass over the
# distinct values (it can also match inside a string literal; the anchored pass below cannot).
_XSD_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"\^\^<(' + re.escape(XSD) + r'[^>]*)>')
# The same as a line's object, with its subject and predicate: read only when a value was ill-typed.
_XSD_STATEMENT = re.compile(r'\n(<[^>]*>|_:\S+) <([^>]*)> "((?:[^"\\\n]|\\.)*)"\^\^<(' + re.escape(XSD) + r'[^>]*)>')
# A blank node label where one can stand: at a line's start or after a space. (It can also match
# inside a literal; it only decides whether a file's blank nodes need new labels.)
_BLANK_LABEL = re.compile(r"(?:^|[\n ])_:(\S+)")
# The terms of a canonical N-Quads line, literals and IRIs first so that a "_:" inside one is passed
# over; group 1 is a blank node's label.
_TERM = re.compile(r'"(?:[^"\\\n]|\\.)*"|<[^>]*>|_:(\S+)')
_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))')
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}

# migkg's format names -> the engine parser's.
_NATIVE_FORMATS = {"turtle": "turtle", "ttl": "turtle", "trig": "trig", "nt": "nt", "ntriples": "nt",
                   "nquads": "nquads", "nq": "nquads"}


def available() -> bool:
    try:
        import pyshacl_turbo  # noqa: F401
    except ImportError:
        return False
    return True


def term_key(term) -> str | None:
    """The N-Triples form of an IRI or blank node, as canonical N-Quads writes it; None for literals."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return None


def _term(key: str):
    return BNode(key[2:]) if key.startswith("_:") else URIRef(key[1:-1])


def _unescape(lexical: str) -> str:
    if "\\" not in lexical:
        return lexical

    def one(match):
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _ECHAR.get(match.group(3), match.group(3))

    return _ESCAPE.sub(one, lexical)


def blank_labels(text: str) -> set[str]:
    return set(_BLANK_LABEL.findall(text)) if "_:" in text else set()


def _separate_blank_nodes(text: str, taken: set[str]) -> str:
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
    """One input file as canonical N-Quads text, with what the report needs from it."""

    def __init__(self, path: Path, text: str, prefixes: dict[str, str], taken: set[str]):
        self.path = path
        self.text = text = _separate_blank_nodes(text, taken)
        self.prefixes = prefixes  # namespace -> prefix
        lines = "\n" + text  # so that every line, the first too, starts after a "\n"
        self.subjects = set(_SUBJECT.findall(lines))  # N-Triples keys
        self.triples = text.count("\n")  # one statement per line; newlines in literals are escaped
        self.ill_typed_triples = self._ill_typed(lines)

    def owns(self, term) -> bool:
        return term_key(term) in self.subjects

    @staticmethod
    def _ill_typed(lines: str) -> list:
        bad = {(lexical, datatype) for lexical, datatype in set(_XSD_LITERAL.findall(lines))
               if datatype != XSD + "string" and _ill_typed(Literal(_unescape(lexical), datatype=URIRef(datatype)))}
        if not bad:
            return []
        return [(_term(s), URIRef(p), Literal(_unescape(lexical), datatype=URIRef(datatype)))
                for s, p, lexical, datatype in _XSD_STATEMENT.findall(lines) if (lexical, datatype) in bad]


def _native_parse(text: str, fmt: str, base: str | None) -> tuple[str, dict[str, str]]:
    from pyshacl_turbo import _native

    nquads, prefixes = _native.parse_rdf(text, _NATIVE_FORMATS[fmt], base)
    return nquads, {namespace: prefix for prefix, namespace in prefixes}


def read(path: Path, fmt: str | None, taken: set[str]) -> ParsedText:
    """Read one file into canonical N-Quads, with the same checks and one-line errors as
    migkg.store.parse_file. `taken`: the blank node labels of the texts read before it (updated).
    Formats the engine's parser does not read (RDF/XML, JSON-LD, TriX), and any file when a base
    IRI is configured, go through parse_file (rdflib) first."""
    path = Path(path)
    if (path.is_file() and st.guess_format(path, fmt) not in _NATIVE_FORMATS) or st._configured.get("base") is not None:
        graph = st.parse_file(path, fmt)
        text, _ = _native_parse(graph.serialize(format="nt"), "nt", None)
        return ParsedText(path, text, {str(ns): prefix for prefix, ns in graph.namespaces()}, taken)
    fmt, text = st.read_text(path, fmt)
    if fmt in ("turtle", "ttl", "trig"):
        st._check_depth(path, text)
    try:
        nquads, prefixes = _native_parse(text, fmt, None)
    except ValueError as exc:
        # The reference reader gives the one-line file:line:column message.
        st._strict_syntax_check(path, text, fmt, None)
        raise InputError(str(path), f"cannot parse as {fmt}: {str(exc).splitlines()[0] if str(exc) else exc}") from None
    del text
    parsed = ParsedText(path, nquads, prefixes, taken)
    if parsed.triples > st.limit("triples"):
        raise st._over(path, "triples", f"{parsed.triples} triples")
    return parsed


@functools.lru_cache(maxsize=2)
def reference_nquads(with_data: bool) -> str:
    """The ontology scaffold (and the project's reference data) as canonical N-Quads."""
    parts = [_native_parse(ontology_scaffold().serialize(format="nt"), "nt", None)[0]]
    if with_data:
        for path in resources.data_files():
            parts.append(_native_parse(path.read_text(encoding="utf-8"), "turtle", None)[0])
    return "".join(parts)


def run(texts: list[str]):
    """pyshacl-turbo on the concatenated N-Quads: (results, a function that builds the report graph).

    The native engine writes the report as N-Triples, which the library then decodes into an
    rdflib graph: 34 of 48 s on a 10k-case register (336k report triples), and most of the
    memory. The results are read from that N-Triples text with pyoxigraph instead (1 s), and the
    library's own decoding is kept, unchanged, for whoever asks for the report graph. If the
    library's `_graph` is not there, the report is decoded as usual."""
    import pyshacl_turbo
    from pyshacl_turbo.rdf import Input

    data = Input("".join(texts), "nquads", None, {}, preserve_ids=True)
    decode = getattr(pyshacl_turbo, "_graph", None)
    captured: dict = {}

    def capture(source, *args, **kwargs):
        if kwargs.get("report") and isinstance(source, str) and not captured:
            captured["raw"] = source
            captured["decode"] = lambda: decode(source, *args, **kwargs)
            return Graph()
        return decode(source, *args, **kwargs)

    if callable(decode):
        pyshacl_turbo._graph = capture
    try:
        # The shapes as they are: from N-Quads text the engine compares sh:in ( "en" ) equal to the "en"
        # in the data. (From a pyoxigraph store it did not, and the shapes had to be rewritten with
        # "en"^^xsd:string, which fails here: the differential test on the project's data checks it.)
        _, report, _ = pyshacl_turbo.validate(data, shacl_graph=shapes_graph(), inference="none", advanced=True,
                                              allow_warnings=True)
    finally:
        if callable(decode):
            pyshacl_turbo._graph = decode
    del data
    if "raw" not in captured:
        return list(results_from_report(report)), (lambda: report)
    return results_from_ntriples(captured["raw"]), captured["decode"]


def results_from_ntriples(text: str) -> list[dict]:
    import pyoxigraph as ox

    fields: dict = {}
    results = set()
    result_type, rdf_type = "http://www.w3.org/ns/shacl#ValidationResult", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        predicate = quad.predicate.value
        if predicate == rdf_type and isinstance(quad.object, ox.NamedNode) and quad.object.value == result_type:
            results.add(quad.subject)
        key = RESULT_KEYS.get(predicate)
        if key is not None:
            fields.setdefault(quad.subject, {}).setdefault(key, from_ox(quad.object))
    return [{key: fields.get(r, {}).get(key) for key in RESULT_KEYS.values()} for r in results]

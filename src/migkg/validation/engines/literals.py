"""Ill-typed XML Schema literals in canonical N-Quads text (one statement per line), found with
regular expressions: shared by the turbo engine's reader and its worker processes, which scan
their own part of a large input side by side."""

from __future__ import annotations

import re

from migkg.core.namespaces import XSD
from migkg.validation.outcome import is_ill_typed

# A literal typed with an XML Schema datatype, anywhere in a line: a quick first pass over the
# distinct values (it can also match inside a string literal; the anchored pass below cannot).
XSD_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"\^\^<(' + re.escape(XSD) + r'[^>]*)>')
# The same as a line's object, with its subject and predicate: read only when a value was ill-typed.
XSD_STATEMENT = re.compile(r'\n(<[^>]*>|_:\S+) <([^>]*)> "((?:[^"\\\n]|\\.)*)"\^\^<(' + re.escape(XSD) + r'[^>]*)>')
_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))')
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def unescape(lexical: str) -> str:
    """A lexical form as N-Triples escapes it, unescaped."""
    if "\\" not in lexical:
        return lexical

    def one(match):
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _ECHAR.get(match.group(3), match.group(3))

    return _ESCAPE.sub(one, lexical)


def ill_typed(text: str) -> list[tuple[str, str, str, str]]:
    """(subject key as N-Triples writes it, predicate IRI, lexical form, datatype) of each ill-typed
    XML Schema literal of the text; plain strings, so that a worker process can send them back."""
    lines = "\n" + text  # every line, the first too, starts after a "\n"
    bad = {(lexical, datatype) for lexical, datatype in set(XSD_LITERAL.findall(lines))
           if datatype != XSD + "string" and is_ill_typed(unescape(lexical), datatype)}
    if not bad:
        return []
    return [(s, p, unescape(lexical), datatype)
            for s, p, lexical, datatype in XSD_STATEMENT.findall(lines) if (lexical, datatype) in bad]

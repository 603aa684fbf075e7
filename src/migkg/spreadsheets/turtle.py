"""Triples to Turtle, deterministically: the same triples give the same bytes (prefixes sorted,
subjects sorted, rdf:type first, then predicates and objects sorted)."""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox

from migkg.core.namespaces import RDF, XSD

PN_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


class Names:
    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = {**prefixes, "xsd": XSD}
        self._ordered = sorted(self.prefixes.items(), key=lambda kv: -len(kv[1]))
        self.used: set[str] = set()

    def iri(self, iri: str) -> str:
        for prefix, base in self._ordered:
            if iri.startswith(base) and PN_LOCAL.match(iri[len(base):]):
                self.used.add(prefix)
                return f"{prefix}:{iri[len(base):]}"
        return f"<{iri}>"

    def term(self, term) -> str:
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.Literal):
            text = str(ox.Literal(term.value))  # quoted and escaped as N-Triples does
            if term.language:
                return f"{text}@{term.language}"
            if term.datatype.value != XSD + "string":
                return f"{text}^^{self.iri(term.datatype.value)}"
            return text
        return str(term)


def to_turtle(triples, prefixes: dict[str, str], header: str = "") -> str:
    names = Names(prefixes)
    by_subject: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        by_subject[t.subject.value][t.predicate.value].append(t.object)
    blocks = []
    for subject in sorted(by_subject):
        predicates = by_subject[subject]
        order = sorted(predicates, key=lambda p: (p != RDF + "type", p))
        lines = []
        for predicate in order:
            objects = sorted(predicates[predicate], key=lambda o: (isinstance(o, ox.Literal), str(o)))
            name = "a" if predicate == RDF + "type" else names.iri(predicate)
            lines.append(f"    {name} " + " ,\n        ".join(names.term(o) for o in objects))
        blocks.append(names.iri(subject) + "\n" + " ;\n".join(lines) + " .\n")
    head = "".join(f"# {line}\n" for line in header.splitlines())
    prefix_lines = "".join(f"@prefix {p}: <{names.prefixes[p]}> .\n" for p in sorted(names.used))
    return head + prefix_lines + "\n" + "\n".join(blocks)

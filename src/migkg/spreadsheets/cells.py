"""One cell's text to RDF terms, and back, as its column's metadata says: a link to a resource (by
identifier or exact label), a value of a closed list, a date at the precision known, a boolean,
a number, an IRI, a text in a language, a plain string."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pyoxigraph as ox

from migkg.core.namespaces import XSD
from migkg.spreadsheets.lookup import ANY, LOCAL_NAME, Finder, Lookup, local_part
from migkg.spreadsheets.messages import by_language, word
from migkg.spreadsheets.metadata import Column

YEAR = re.compile(r"^\d{4}$")
YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
INTEGER = re.compile(r"^[+-]?\d+$")
DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
TRUE = {"true", "yes", "y", "sí", "si", "verdadero", "1", "x"}
FALSE = {"false", "no", "n", "falso", "0"}


@dataclass(frozen=True)
class CellError:
    """Why a cell's value is refused: a key of messages.yaml's problems and its parameters."""

    key: str
    params: tuple = ()


def literal(text: str, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(text, language=lang)
    if datatype and datatype != XSD + "string":
        return ox.Literal(text, datatype=ox.NamedNode(datatype))
    return ox.Literal(text)


def parse_date(text: str) -> ox.Literal | None:
    """2017 -> xsd:gYear, 2017-06 -> xsd:gYearMonth, 2017-06-30 -> xsd:date; None otherwise."""
    if YEAR.match(text):
        return literal(text, XSD + "gYear")
    match = YEAR_MONTH.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return literal(text, XSD + "gYearMonth")
    match = DAY.match(text)
    if match:
        try:
            dt.date(*map(int, match.groups()))
        except ValueError:
            return None
        return literal(text, XSD + "date")
    return None


class ClosedList:
    """The allowed values of a column: IRIs (members of a class, classes) or literal values."""

    def __init__(self, column: Column, lookup: Lookup):
        self.lookup = lookup
        key, value = next(iter(column.closed.items()))
        self.literal = key == "values"
        if key == "instancesOf":
            self.members = lookup.instances(value)
        elif key == "subClassesOf":
            self.members = lookup.subclasses(value)
        else:
            self.members = list(value)
        self.datatype = XSD + column.datatype if column.datatype in ("boolean", "integer", "decimal") else None
        self._index: dict[str, str] = {}
        for member in self.members:
            names = [member] if self.literal else [member, lookup.curie(member), local_part(member),
                                                  *lookup.labels.get(member, {}).values()]
            for name in names:
                self._index.setdefault(" ".join(name.split()).casefold(), member)

    def resolve(self, text: str):
        """The term for a value written as IRI, CURIE, local name or label in any language."""
        if self.literal and self.datatype == XSD + "boolean":
            folded = text.casefold()
            return literal("true" if folded in TRUE else "false", self.datatype) if folded in TRUE | FALSE else None
        member = self._index.get(" ".join(text.split()).casefold())
        if member is None:
            return None
        return literal(member, self.datatype) if self.literal else ox.NamedNode(member)

    def shown(self, lang: str) -> list[str]:
        """The values as a person picks them (labels in ``lang``), in the list's order."""
        return [self.show(m, lang) for m in self.members]

    def show(self, member: str, lang: str) -> str:
        if self.literal:
            return member
        label = self.lookup.label(member, lang)
        # a label shared by two members cannot name one of them: use the identifier then
        same = [m for m in self.members if self.lookup.label(m, lang) == label]
        return label if len(same) == 1 else self.lookup.curie(member)


def target_name(cls: str, lookup: Lookup) -> tuple:
    if cls == ANY:
        return by_language({lang: word("any_resource", lang) for lang in ("en", "es")})
    return by_language({lang: lookup.label(cls, lang) for lang in ("en", "es")})


def parse(column: Column, text: str, finder: Finder, closed: ClosedList | None, lang: str = "en"):
    """The RDF term for one value of a cell (a cell with a separator is split first), or a CellError."""
    lookup = finder.lookup
    if closed is not None and column.datatype != "boolean":
        term = closed.resolve(text)
        if term is None:
            return CellError("not_in_list", (("allowed", ", ".join(closed.shown(lang))),))
        return term
    if column.links_to:
        iri, several = finder.find(text, column.links_to)
        if iri:
            return ox.NamedNode(iri)
        if several:
            return CellError("ambiguous_link", (("found", ", ".join(lookup.curie(i) for i in several[:5])),))
        near = finder.closest(text, column.links_to, lang)
        return CellError("unknown_link", (("target", target_name(column.links_to, lookup)),
                                          ("closest", ", ".join(f"\"{n}\"" for n in near) or word("none", lang))))
    if column.any_iri:
        iri = lookup.expand(text)
        return ox.NamedNode(iri) if iri else CellError("not_an_iri")
    if column.date:
        return parse_date(text) or CellError("not_a_date")
    if column.datatype == "integer":
        return literal(text.lstrip("+"), XSD + "integer") if INTEGER.match(text) else CellError("not_an_integer")
    if column.datatype == "decimal":
        if INTEGER.match(text) and column.integer_when_whole:
            return literal(text.lstrip("+"), XSD + "integer")
        if DECIMAL.match(text) or INTEGER.match(text):
            return literal(text.lstrip("+"), XSD + "decimal")
        return CellError("not_a_number")
    if column.datatype == "boolean":
        folded = text.casefold()
        if folded in TRUE | FALSE:
            return literal("true" if folded in TRUE else "false", XSD + "boolean")
        return CellError("not_a_boolean")
    return literal(text, lang=column.lang)


def split(column: Column, text: str) -> list[str]:
    """The values of a cell: split at the column's separator (a line break also separates the
    values of a "; " column written one per line), stripped, empty ones left out."""
    if not column.separator:
        return [text.strip()] if text.strip() else []
    pieces = text.replace("\r\n", "\n").split(column.separator)
    if column.separator.strip():
        pieces = [p for piece in pieces for p in piece.split("\n")]
    return [p.strip() for p in pieces if p.strip()]


def show(column: Column, term, lookup: Lookup, closed: ClosedList | None, lang: str) -> str:
    """The text of one value in a cell, as `migkg tables` writes it (links by identifier)."""
    if isinstance(term, ox.NamedNode):
        if closed is not None and not closed.literal and term.value in closed.members:
            return closed.show(term.value, lang)
        return lookup.curie(term.value)
    return term.value


def is_local_name(text: str) -> bool:
    return bool(LOCAL_NAME.match(text))

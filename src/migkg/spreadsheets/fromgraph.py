"""The graph's own data as rows of a kind's table (`migkg tables`): one row per resource of the
kind's class, one cell per column, values as the template takes them (links by identifier,
closed-list values by label, dates and numbers as written in the data)."""

from __future__ import annotations

import pyoxigraph as ox

from migkg.core.namespaces import RDF
from migkg.spreadsheets import cells
from migkg.spreadsheets.convert import closed_lists
from migkg.spreadsheets.lookup import Lookup
from migkg.spreadsheets.metadata import Column, Kind


def subjects(kind: Kind, lookup: Lookup) -> list[str]:
    """The graph's resources of the kind, sorted by identifier."""
    return sorted(lookup.instances(kind.selects), key=lookup.curie)


def accepts(column: Column, term, closed: cells.ClosedList | None) -> bool:
    """Whether a value of the column's property belongs in this column (language, literal or IRI,
    a type of the closed list)."""
    if column.value_url is not None:
        if not isinstance(term, ox.NamedNode):
            return False
        if closed is not None and column.predicate == RDF + "type":
            return term.value in closed.members
        return True
    if not isinstance(term, ox.Literal):
        return False
    if column.lang:
        return term.language == column.lang
    return not term.language


def rows(kind: Kind, store, lookup: Lookup, lang: str) -> list[list[str]]:
    lists = closed_lists(kind, lookup)
    columns = kind.real_columns
    out = []
    for subject in subjects(kind, lookup):
        node = ox.NamedNode(subject)
        row = [lookup.curie(subject)]
        for column in columns[1:]:
            closed = lists.get(column.name)
            values = [q.object for q in store.store.quads_for_pattern(node, ox.NamedNode(column.predicate), None)
                      if accepts(column, q.object, closed)]
            texts = sorted({cells.show(column, v, lookup, closed, lang) for v in values})
            row.append((column.separator or "; ").join(texts))
        out.append(row)
    return out


def covered(kind: Kind) -> set[str]:
    """The properties the kind's columns write (rdf:type included)."""
    return {c.predicate for c in kind.columns if c.predicate}

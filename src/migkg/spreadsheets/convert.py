"""Tables in the template format to RDF triples, as the kinds' metadata maps them. Two passes:
the first names every row's resource (so that rows can link to resources defined in other rows
or files) and finds duplicate identifiers; the second turns every cell into triples. Problems
are collected, never raised one by one: the user sees every problem of every file at once."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from migkg.core.namespaces import RDF, RDFS
from migkg.spreadsheets import cells
from migkg.spreadsheets.lookup import Finder, Lookup
from migkg.spreadsheets.messages import Problem, by_language
from migkg.spreadsheets.metadata import Column, Kind, kind_for_header, kinds
from migkg.spreadsheets.read import RawTable


@dataclass
class Mapped:
    """A table whose kind and columns are known: for each cell position, its column (or None)."""

    table: RawTable
    kind: Kind
    columns: list
    lang: str  # the language of the header (for naming missing columns)
    subjects: dict = field(default_factory=dict)  # row number -> IRI


@dataclass
class Outcome:
    triples: set = field(default_factory=set)
    rows: int = 0
    problems: list = field(default_factory=list)


def closed_lists(kind: Kind, lookup: Lookup) -> dict[str, cells.ClosedList]:
    return {c.name: cells.ClosedList(c, lookup) for c in kind.real_columns if c.closed}


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def map_table(table: RawTable, problems: list) -> Mapped | None:
    """The kind of a table (from its first header cell) and the column of each header cell."""
    kind = kind_for_header(table.header[0]) if table.header else None
    if kind is None:
        allowed = by_language({lang: ", ".join(f"\"{k.id_column.title(lang)}\"" for k in kinds().values())
                               for lang in ("en", "es")})
        problems.append(Problem("not_a_template", table.file, table.sheet, 1 if table.header else None,
                                table.header[0] if table.header else None, params=(("allowed", allowed),)))
        return None
    by_title: dict[str, tuple[Column, str]] = {}
    for column in kind.real_columns:
        for lang, title in column.titles.items():
            by_title.setdefault(_fold(title), (column, lang))
        by_title.setdefault(_fold(column.name), (column, ""))
    mapped, votes, seen = [], {"en": 0, "es": 0}, {}
    for index, header in enumerate(table.header):
        if not header:
            if any(index < len(cells_) and cells_[index] for _, cells_ in table.rows):
                problems.append(Problem("unknown_column", table.file, table.sheet, 1, letter(index), params=(
                    ("kind", _kind_title(kind)), ("allowed", _titles(kind)))))
            mapped.append(None)
            continue
        found = by_title.get(_fold(header))
        if found is None:
            problems.append(Problem("unknown_column", table.file, table.sheet, 1, header, params=(
                ("kind", _kind_title(kind)), ("allowed", _titles(kind)))))
            mapped.append(None)
            continue
        column, lang = found
        if column.name in seen:
            problems.append(Problem("repeated_column", table.file, table.sheet, 1, header))
        seen[column.name] = header
        if lang in votes:
            votes[lang] += 1
        mapped.append(column)
    lang = "es" if votes["es"] > votes["en"] else "en"
    extra = sorted({i for _, cells_ in table.rows for i, cell in enumerate(cells_) if cell and i >= len(table.header)})
    if extra:
        problems.append(Problem("unknown_column", table.file, table.sheet, 1, letter(extra[0]), params=(
            ("kind", _kind_title(kind)), ("allowed", _titles(kind)))))
    for column in kind.real_columns:
        if column.required and column.name not in seen:
            problems.append(Problem("missing_column", table.file, table.sheet, 1, column.title(lang),
                                    params=(("kind", kind.name),)))
    return Mapped(table, kind, mapped, lang)


def letter(index: int) -> str:
    """The spreadsheet's name of a column (0 -> A, 26 -> AA), for a column without a header."""
    name, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _kind_title(kind: Kind) -> tuple:
    return by_language({"en": kind.label("en"), "es": kind.label("es")})


def _titles(kind: Kind) -> tuple:
    return by_language({lang: ", ".join(f"\"{c.title(lang)}\"" for c in kind.real_columns) for lang in ("en", "es")})


def _cells(mapped: Mapped, row: list[str]):
    """(column, header, text) of the non-virtual columns of one row."""
    for index, column in enumerate(mapped.columns):
        if column is not None:
            yield column, mapped.table.header[index], row[index] if index < len(row) else ""


def name_subject(text: str, kind: Kind, lookup: Lookup, finder: Finder, namespace: str) -> str | None:
    """The IRI of a row's resource: an IRI or CURIE as written; a local name: the graph's resource
    of the kind with that local name when there is one, else the local name in ``namespace``."""
    expanded = lookup.expand(text)
    if expanded:
        return expanded
    if not cells.is_local_name(text):
        return None
    existing = finder.graph_local_names(kind.selects).get(text, set())
    return next(iter(existing)) if len(existing) == 1 else namespace + text


def convert(tables: list[RawTable], lookup: Lookup, namespace: str, lang: str = "en") -> Outcome:
    outcome = Outcome()
    problems = outcome.problems
    finder = Finder(lookup)
    mapped_tables = [m for m in (map_table(t, problems) for t in tables) if m is not None]
    lists = {m.kind.name: closed_lists(m.kind, lookup) for m in mapped_tables}
    first_seen: dict[tuple[str, str], str] = {}
    prefixes = ", ".join(sorted(lookup.prefixes))
    # pass 1: name every row's resource, with its types and labels
    for mapped in mapped_tables:
        table, kind = mapped.table, mapped.kind
        id_header = table.header[0]
        for number, row in table.rows:
            outcome.rows += 1
            text = row[0].strip() if row else ""
            if not text:
                problems.append(Problem("required_empty", table.file, table.sheet, number, id_header))
                continue
            subject = name_subject(text, kind, lookup, finder, namespace)
            if subject is None:
                problems.append(Problem("bad_identifier", table.file, table.sheet, number, id_header, text,
                                        params=(("prefixes", prefixes),)))
                continue
            where = _where(table, number)
            if (kind.name, subject) in first_seen:
                problems.append(Problem("duplicate_id", table.file, table.sheet, number, id_header, text,
                                        params=(("first", first_seen[(kind.name, subject)]),)))
                continue
            first_seen[(kind.name, subject)] = where
            mapped.subjects[number] = subject
            types, labels = set(kind.fixed_types), []
            for column, _, value in _cells(mapped, row):
                if column.predicate == RDF + "type" and column.name in lists[kind.name]:
                    for piece in cells.split(column, value):
                        term = lists[kind.name][column.name].resolve(piece)
                        if isinstance(term, ox.NamedNode):
                            types.add(term.value)
                elif column.predicate == RDFS + "label":
                    labels.extend(cells.split(column, value))
            finder.add(subject, types or {kind.selects}, labels)
    # pass 2: every cell to triples
    for mapped in mapped_tables:
        table, kind = mapped.table, mapped.kind
        for number, row in table.rows:
            subject = mapped.subjects.get(number)
            if subject is None:
                continue
            node = ox.NamedNode(subject)
            for constant_column in kind.columns:
                if constant_column.virtual and constant_column.constant:
                    outcome.triples.add(ox.Triple(node, ox.NamedNode(constant_column.predicate),
                                                  ox.NamedNode(constant_column.constant)))
            for column, header, text in _cells(mapped, row):
                if column.identifier:
                    continue
                values = cells.split(column, text)
                if not values and column.required:
                    problems.append(Problem("required_empty", table.file, table.sheet, number, header))
                for value in values:
                    term = cells.parse(column, value, finder, lists[kind.name].get(column.name), lang)
                    if isinstance(term, cells.CellError):
                        problems.append(Problem(term.key, table.file, table.sheet, number, header, value,
                                                params=term.params))
                    else:
                        outcome.triples.add(ox.Triple(node, ox.NamedNode(column.predicate), term))
    if not problems and outcome.rows == 0:
        for table in tables:
            problems.append(Problem("nothing", table.file, table.sheet))
    return outcome


def _where(table: RawTable, number: int) -> str:
    return f"{table.file}{'[' + table.sheet + ']' if table.sheet else ''}:{number}"

"""The spreadsheet kinds, read from the CSV on the Web metadata files in spreadsheets/ (one
``KIND.csv-metadata.json`` per kind). Nothing about a kind is written in Python: its columns,
their titles in each language, how each maps to RDF (CSVW aboutUrl, propertyUrl, valueUrl,
datatype, separator, lang, required, virtual) and migkg's own needs, declared as CSVW common
properties with the ontology's prefix:

  mkg:kind            (table) the kind's machine-readable name
  mkg:selects         (table) the class whose instances the kind's rows describe (`migkg tables`)
  mkg:identifier      (column) the column that names the row's resource (the aboutUrl's column)
  mkg:linksTo         (column) the cell names a resource of this class, by identifier or exact label
  mkg:closedList      (column) the allowed values: {"instancesOf": C}, {"subClassesOf": C},
                      {"classes": [C, ...]} or {"values": [literal, ...]}
  mkg:dateAtPrecision (column) a date as precise as known: xsd:gYear, xsd:gYearMonth or xsd:date
  mkg:integerWhenWhole (column) a number: xsd:integer without a decimal point, else xsd:decimal
  mkg:anyIri          (column) the cell is any absolute IRI (a link outside the graph)
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from migkg import resources
from migkg.core.namespaces import NAMESPACES, OWL, RDF, RDFS, XSD
from migkg.errors import MigkgError

SUFFIX = ".csv-metadata.json"
PREFIXES = {**NAMESPACES, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD}
DATATYPES = {"string", "boolean", "integer", "decimal"}
COLUMN_KEYS = {"name", "titles", "propertyUrl", "valueUrl", "datatype", "lang", "separator", "required",
               "virtual", "suppressOutput", "dc:description", "mkg:identifier", "mkg:linksTo", "mkg:closedList",
               "mkg:dateAtPrecision", "mkg:integerWhenWhole", "mkg:anyIri"}
CLOSED_KEYS = {"instancesOf", "subClassesOf", "classes", "values"}


class MetadataError(MigkgError):
    """A metadata file that migkg cannot use (a mistake in spreadsheets/, not in the user's data)."""


def expand(curie: str) -> str:
    """The IRI of a CURIE written in a metadata file (the project's prefixes and rdf, rdfs, owl, xsd)."""
    prefix, _, local = curie.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if curie.startswith(("http://", "https://")):
        return curie
    raise ValueError(f"unknown prefix in {curie!r}")


@dataclass(frozen=True)
class Column:
    name: str
    titles: dict
    predicate: str | None = None     # IRI of propertyUrl
    value_url: str | None = None      # the template, or a constant IRI for a virtual column
    datatype: str = "string"
    lang: str | None = None
    separator: str | None = None
    required: bool = False
    virtual: bool = False
    identifier: bool = False
    links_to: str | None = None       # IRI of a class (rdfs:Resource: any resource)
    closed: dict | None = None        # one key of CLOSED_KEYS -> IRI(s) or literal values
    date: bool = False
    integer_when_whole: bool = False
    any_iri: bool = False
    description: dict = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name

    @property
    def is_link(self) -> bool:
        return self.value_url is not None and not self.virtual

    @property
    def constant(self) -> str | None:
        """The IRI of a virtual column's fixed value (rdf:type of a kind with one class)."""
        return expand(self.value_url) if self.virtual and self.value_url else None


@dataclass(frozen=True)
class Kind:
    name: str
    title: dict
    description: dict
    selects: str                      # IRI of the class
    columns: tuple
    path: Path

    @property
    def real_columns(self) -> list[Column]:
        return [c for c in self.columns if not c.virtual]

    @property
    def id_column(self) -> Column:
        return next(c for c in self.columns if c.identifier)

    @property
    def fixed_types(self) -> list[str]:
        return [c.constant for c in self.columns if c.virtual and c.predicate == RDF + "type"]

    def label(self, lang: str) -> str:
        return self.title.get(lang) or self.title["en"]


def _column(raw: dict, where: str) -> Column:
    unknown = set(raw) - COLUMN_KEYS
    if unknown:
        raise MetadataError(f"{where}: unknown keys {sorted(unknown)} in column {raw.get('name')!r}")
    if "name" not in raw:
        raise MetadataError(f"{where}: a column without a name")
    datatype = raw.get("datatype", "string")
    if datatype not in DATATYPES:
        raise MetadataError(f"{where}: column {raw['name']!r}: datatype {datatype!r} is not one of {sorted(DATATYPES)}")
    closed = raw.get("mkg:closedList")
    if closed is not None:
        if len(closed) != 1 or not set(closed) <= CLOSED_KEYS:
            raise MetadataError(f"{where}: column {raw['name']!r}: mkg:closedList takes one of {sorted(CLOSED_KEYS)}")
        key, value = next(iter(closed.items()))
        closed = {key: value if key == "values" else ([expand(v) for v in value] if isinstance(value, list)
                                                       else expand(value))}
    titles = raw.get("titles", {})
    if isinstance(titles, str):
        titles = {"en": titles}
    try:
        return Column(
            name=raw["name"], titles=titles,
            predicate=expand(raw["propertyUrl"]) if "propertyUrl" in raw else None,
            value_url=raw.get("valueUrl"), datatype=datatype, lang=raw.get("lang"),
            separator=raw.get("separator"), required=bool(raw.get("required")), virtual=bool(raw.get("virtual")),
            identifier=bool(raw.get("mkg:identifier")),
            links_to=expand(raw["mkg:linksTo"]) if "mkg:linksTo" in raw else None, closed=closed,
            date=bool(raw.get("mkg:dateAtPrecision")), integer_when_whole=bool(raw.get("mkg:integerWhenWhole")),
            any_iri=bool(raw.get("mkg:anyIri")), description=raw.get("dc:description", {}))
    except ValueError as exc:
        raise MetadataError(f"{where}: column {raw['name']!r}: {exc}") from None


def read_kind(path: Path) -> Kind:
    """One metadata file, checked: a kind name, a class, one identifier column first, names unique."""
    where = str(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MetadataError(f"{where}: {exc}") from None
    if not isinstance(raw, dict) or "tableSchema" not in raw or "mkg:kind" not in raw:
        raise MetadataError(f"{where}: not CSVW table metadata with mkg:kind")
    columns = tuple(_column(c, where) for c in raw["tableSchema"].get("columns", []))
    if not columns or not columns[0].identifier:
        raise MetadataError(f"{where}: the first column must be the identifier column (mkg:identifier)")
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise MetadataError(f"{where}: column names are not unique")
    for column in columns[1:]:
        if not column.virtual and column.predicate is None:
            raise MetadataError(f"{where}: column {column.name!r} has no propertyUrl")
    title = raw.get("dc:title", {})
    return Kind(name=raw["mkg:kind"], title=title if isinstance(title, dict) else {"en": title},
                description=raw.get("dc:description") or {}, selects=expand(raw["mkg:selects"]),
                columns=columns, path=path)


def folder() -> Path:
    return resources.part("spreadsheets")


@functools.cache
def kinds() -> dict[str, Kind]:
    """Every kind, by name, in the order of their file names."""
    found: dict[str, Kind] = {}
    for path in sorted(folder().glob("*" + SUFFIX)):
        kind = read_kind(path)
        if kind.name in found:
            raise MetadataError(f"{path}: kind {kind.name!r} is declared twice")
        found[kind.name] = kind
    return found


def kind_for_header(first_cell: str) -> Kind | None:
    """The kind whose identifier column has this title (any language, case and spaces ignored)."""
    wanted = " ".join(first_cell.split()).casefold()
    for kind in kinds().values():
        column = kind.id_column
        if wanted in {" ".join(t.split()).casefold() for t in column.titles.values()} | {column.name.casefold()}:
            return kind
    return None

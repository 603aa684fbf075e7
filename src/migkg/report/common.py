"""Small pieces every part of the report uses: the error, text helpers, rows and tables."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from migkg.core import terms
from migkg.errors import MigkgError

LANGS = ("en", "es")


class ReportError(MigkgError):
    """The report cannot be written."""


def natural_key(text: str) -> tuple:
    """"Law 9" before "Law 10": digits compare as numbers, the rest without case."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text))


def wrap_text(value: str, width: int) -> str:
    return "\n".join(textwrap.wrap(value, width=width, break_long_words=False)) or value


def text(term) -> str:
    """An RDF term of either library (or None) as one line of text: an IRI, a lexical form."""
    return " ".join(terms.text(term).split())


def split(value: str) -> list[str]:
    """A GROUP_CONCAT(...; separator="; ") cell as a sorted list (its order is the engine's)."""
    return sorted({part.strip() for part in (value or "").split("; ") if part.strip()}, key=natural_key)


def slug(iri: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]).strip("-").lower() or "x"


def decimal_year(value: str) -> float | None:
    match = re.match(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value or "")
    if not match:
        return None
    year, month, day = int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)
    if not month:
        return float(year)
    return year + (month - 1) / 12 + (max(day, 1) - 1) / 365


class Row(dict):
    """A result row as text. Reading a column the query does not have is an error that names the
    section and the query (a renamed variable must not turn into empty cells)."""

    where = ""

    def __missing__(self, key: str) -> str:
        raise ReportError(f"{self.where}: the query has no column {key!r} "
                          f"(it has: {', '.join(self) or 'none'})")


def records(table, where: str = "") -> list[Row]:
    out = []
    for row in table.rows:
        record = Row({var: text(row[i]) for i, var in enumerate(table.variables)})
        record.where = where
        out.append(record)
    return out


def cell_text(value) -> str:
    if isinstance(value, str):
        return value
    return "; ".join(v["text"] if isinstance(v, dict) else str(v) for v in value)


def row_key(row: list) -> tuple:
    return tuple(natural_key(cell_text(value)) for value in row)


@dataclass
class Table:
    """A table for the pages: cells are text or lists of text (sources, members)."""

    id: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    query: str = ""

    def sort(self, lead=None) -> Table:
        """Rows in a fixed order whatever the engine's order of ties: ``lead(row)`` first (the
        order the query asks for), then every cell."""
        self.rows.sort(key=lambda row: ((lead(row) if lead else ()), row_key(row)))
        return self

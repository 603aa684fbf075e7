"""The saved query catalogue: one SPARQL query per `.rq` file with a grlc-style header.

Header lines start with ``#+`` and together form YAML::

    #+ summary: One line
    #+ description: The question in plain words (competency question N)
    #+ tags:
    #+   - overlaps
    #+ params:
    #+   - name: lang
    #+     type: language
    #+     default: en
    #+     description: Language of the labels

Parameters are bound as RDF terms (rdflib ``initBindings``), never pasted into the text.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import XSD, Literal, URIRef, Variable
from rdflib.term import Node

from migkg import resources
from migkg.errors import MigkgError

PARAM_TYPES = ("iri", "string", "language", "date", "integer")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


class QueryError(MigkgError):
    """A query, parameter or query name the user gave cannot be used."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None
    description: str = ""

    def to_term(self, value: str) -> Node:
        """Convert a command-line string to an RDF term of this parameter's type."""
        try:
            if self.type == "iri":
                if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value):
                    raise ValueError("not an absolute IRI")
                return URIRef(value)
            if self.type == "string":
                return Literal(value)
            if self.type == "language":
                if not LANGUAGE_TAG.match(value):
                    raise ValueError("not a language tag such as en or es")
                return Literal(value.lower())
            if self.type == "date":
                dt.date.fromisoformat(value)
                return Literal(value, datatype=XSD.date)
            if self.type == "integer":
                return Literal(int(value), datatype=XSD.integer)
        except ValueError as exc:
            raise QueryError(f"parameter {self.name}: {value!r} is not a valid {self.type} ({exc})") from None
        raise QueryError(f"parameter {self.name}: unknown type {self.type}")


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    text: str = field(repr=False)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "tags": list(self.tags),
            "params": [
                {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                for p in self.params
            ],
        }

    def bindings(self, given: dict[str, str] | None = None) -> dict[Variable, Node]:
        """RDF terms for the parameters: the given values, else the defaults."""
        given = dict(given or {})
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            valid = ", ".join(known) or "(none)"
            raise QueryError(f"query {self.name} has no parameter {unknown[0]!r}; its parameters: {valid}")
        out: dict[Variable, Node] = {}
        for name, param in known.items():
            value = given.get(name, param.default)
            if value is not None and value != "":
                out[Variable(name)] = param.to_term(str(value))
        return out


def _header(path: Path, text: str) -> dict:
    """Read the ``#+`` lines. ``key: text`` is plain text (indented lines continue it, so a
    colon inside prose is fine); a key with nothing after the colon opens a YAML block
    (a list of tags or of parameters)."""
    lines = [line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")]
    header: dict = {}
    key, inline, block = None, "", []

    def flush() -> None:
        if key is None:
            return
        if inline:
            header[key] = " ".join([inline] + [b.strip() for b in block if b.strip()])
            return
        try:
            header[key] = yaml.safe_load(textwrap.dedent("\n".join(block))) if block else None
        except yaml.YAMLError as exc:
            raise QueryError(f"{path}: the #+ {key} block is not valid YAML: {str(exc).splitlines()[0]}") from None

    for line in lines:
        match = re.match(r"^([A-Za-z_][\w-]*):(.*)$", line)
        if match and not line.startswith((" ", "\t")):
            flush()
            key, inline, block = match.group(1), match.group(2).strip(), []
        elif key is not None:
            block.append(line)
        elif line.strip():
            raise QueryError(f"{path}: #+ header line before any key: {line.strip()!r}")
    flush()
    return header


def load_query(path: Path, name: str | None = None) -> SavedQuery:
    path = Path(path)
    if not path.is_file():
        raise QueryError(f"{path}: no such query file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    header = _header(path, text)
    params = []
    for raw in header.get("params") or []:
        if not isinstance(raw, dict) or "name" not in raw:
            raise QueryError(f"{path}: each #+ params entry needs a name")
        ptype = str(raw.get("type", "string")).lower()
        if ptype not in PARAM_TYPES:
            raise QueryError(f"{path}: parameter {raw['name']} has unknown type {ptype}; use one of {', '.join(PARAM_TYPES)}")
        default = raw.get("default")
        params.append(Param(str(raw["name"]), ptype, None if default is None else str(default),
                            str(raw.get("description", ""))))
    return SavedQuery(
        name=name or path.stem,
        path=path,
        summary=str(header.get("summary", "")).strip(),
        description=" ".join(str(header.get("description", "")).split()),
        tags=tuple(str(t) for t in header.get("tags") or []),
        params=tuple(params),
        text=text,
    )


def catalogue() -> list[SavedQuery]:
    """Every saved query, named by its path under queries/ without the extension."""
    root = resources.part("queries")
    queries = []
    for path in sorted(root.rglob("*.rq")):
        name = path.relative_to(root).with_suffix("").as_posix()
        # Short names: the file stem, unless two files share it.
        queries.append((path, name))
    stems = [p.stem for p, _ in queries]
    return [load_query(p, p.stem if stems.count(p.stem) == 1 else n) for p, n in queries]


def find(name: str) -> SavedQuery:
    by_name = {q.name: q for q in catalogue()}
    if name in by_name:
        return by_name[name]
    valid = ", ".join(sorted(by_name))
    raise QueryError(f"unknown query {name!r}; valid names: {valid}")

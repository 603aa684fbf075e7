"""The saved query catalogue: one SPARQL query per `.rq` file with a grlc-style header.

Header lines start with ``#+``. As grlc reads them, the ``#+`` and one space after it are
removed from each such line and the lines, joined, are one YAML mapping::

    #+ summary: One line
    #+ description: >-
    #+   The question in plain words: prose with a colon needs a block scalar
    #+   (``>-``) or quotes, as in any YAML (competency question N)
    #+ tags:
    #+   - overlaps
    #+ columns:
    #+   categoryLabel: {en: Category, es: Categoría}
    #+ params:
    #+   - name: lang
    #+     type: language
    #+     default: en
    #+     description: Language of the labels

Parameters are bound as RDF terms, never pasted into the text as strings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from migkg import resources
from migkg.core import terms
from migkg.core.namespaces import XSD
from migkg.errors import MigkgError

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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
    multiple: bool = False  # `multiple: true` in the header: the parameter takes several values

    def to_ox(self, value: str):
        """Convert a command-line string to an RDF term (pyoxigraph) of this parameter's type."""
        try:
            if self.type == "iri":
                if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value):
                    raise ValueError("not an absolute IRI")
                return ox.NamedNode(value)
            if self.type == "string":
                return ox.Literal(value)
            if self.type == "language":
                if not LANGUAGE_TAG.match(value):
                    raise ValueError("not a language tag such as en or es")
                return ox.Literal(value.lower())
            if self.type == "date":
                dt.date.fromisoformat(value)
                return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
            if self.type == "integer":
                return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        except ValueError as exc:
            raise QueryError(f"parameter {self.name}: {value!r} is not a valid {self.type} ({exc})") from None
        raise QueryError(f"parameter {self.name}: unknown type {self.type}")

    def to_term(self, value: str):
        """The same term as rdflib's (for the rdflib engine and remote endpoints)."""
        return terms.from_ox(self.to_ox(value))


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    text: str = field(repr=False)
    columns: dict = field(default_factory=dict, repr=False, compare=False)  # var -> {lang: title}

    @property
    def theme(self) -> str:
        """The folder under queries/ the query is in (its theme), or "" for a query elsewhere."""
        try:
            return self.path.resolve().parent.relative_to(resources.part("queries").resolve()).as_posix()
        except ValueError:
            return ""

    def variables(self) -> list[str]:
        """The variables the outer SELECT projects, in order (without running the query); [] for
        SELECT * and for other query forms."""
        body = "\n".join(line.split("#", 1)[0] if "<" not in line else line
                         for line in self.text.splitlines() if not line.lstrip().startswith("#"))
        clause = re.search(r"\bSELECT\b(.*?)(?:\bWHERE\b|(?<![?$\w])FROM\b|\{)", body, re.S | re.I)
        if not clause:
            return []
        out, depth, text = [], 0, clause.group(1)
        for match in re.finditer(r"\(|\)|\bAS\s+[?$](\w+)|[?$](\w+)", text, re.I):
            token = match.group(0)
            if token == "(":
                depth += 1
            elif token == ")":
                depth -= 1
            elif match.group(1) and depth == 1:
                out.append(match.group(1))
            elif match.group(2) and depth == 0:
                out.append(match.group(2))
        return list(dict.fromkeys(out))

    def column_titles(self, lang: str = "en") -> dict[str, str]:
        """Titles of the columns for people, by variable name, in `lang` (else English; a
        column without a title keeps its variable name). CSV and JSON keep the variable names."""
        out = {}
        for var, titles in self.columns.items():
            title = titles.get(lang) or titles.get("en")
            if title:
                out[var] = title
        return out

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "tags": list(self.tags),
            "params": [
                {"name": p.name, "type": p.type, "default": p.default, "description": p.description,
                 **({"multiple": True} if p.multiple else {})}
                for p in self.params
            ],
        }

    def ox_bindings(self, given: dict[str, str | list[str]] | None = None) -> dict[str, object]:
        """pyoxigraph terms for the parameters, by name: the given values, else the defaults. A
        parameter declared ``multiple: true`` takes a list of values and gets a list of terms
        (bound as a VALUES block of one column); any other takes one value."""
        given = dict(given or {})
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            valid = ", ".join(known) or "(none)"
            raise QueryError(f"query {self.name} has no parameter {unknown[0]!r}; its parameters: {valid}")
        out: dict[str, object] = {}
        for name, param in known.items():
            value = given.get(name, param.default)
            if isinstance(value, (list, tuple)):
                if not param.multiple and len(value) > 1:
                    raise QueryError(f"parameter {name} of query {self.name} takes one value, not {len(value)}")
                values = [str(v) for v in value if v is not None and str(v) != ""]
                if param.multiple:
                    if values:
                        out[name] = [param.to_ox(v) for v in dict.fromkeys(values)]
                    continue
                value = values[0] if values else None
            if value is not None and value != "":
                out[name] = [param.to_ox(str(value))] if param.multiple else param.to_ox(str(value))
        return out

    def bindings(self, given: dict[str, str] | None = None) -> dict:
        """rdflib terms for the parameters (``Variable`` keys), for the rdflib engine."""
        from rdflib import Variable

        return {Variable(name): [terms.from_ox(t) for t in term] if isinstance(term, list) else terms.from_ox(term)
                for name, term in self.ox_bindings(given).items()}


def _header(path: Path, text: str) -> dict:
    """The ``#+`` lines, read as YAML (``#+`` and one space removed from each, joined by newlines)."""
    numbers, lines = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#+"):
            numbers.append(number)
            lines.append(line[2:].removeprefix(" "))
    if not lines:
        return {}
    try:
        header = yaml.load("\n".join(lines), Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = numbers[min(mark.line, len(numbers) - 1)] if mark is not None else numbers[0]
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split("\n")[0].split())
        raise QueryError(f"{path}, line {where}: the #+ header is not valid YAML: {problem}") from None
    if header is None:
        return {}
    if not isinstance(header, dict):
        raise QueryError(f"{path}, line {numbers[0]}: the #+ header must be a YAML mapping "
                         f"(summary:, description:, ...), not a {type(header).__name__}")
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
            raise QueryError(f"{path}: parameter {raw['name']} has unknown type {ptype}; "
                             f"use one of {', '.join(PARAM_TYPES)}")
        default = raw.get("default")
        params.append(Param(str(raw["name"]), ptype, None if default is None else str(default),
                            str(raw.get("description", "")), bool(raw.get("multiple", False))))
    return SavedQuery(
        name=name or path.stem,
        path=path,
        summary=str(header.get("summary", "")).strip(),
        description=" ".join(str(header.get("description", "")).split()),
        tags=tuple(str(t) for t in header.get("tags") or []),
        params=tuple(params),
        text=text,
        columns=_columns(path, header.get("columns")),
    )


def _columns(path: Path, raw) -> dict[str, dict[str, str]]:
    """The ``columns:`` header key: ``{var: {en: Title, es: Título}}``."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise QueryError(f"{path}: #+ columns must map each variable to its titles ({{en: ..., es: ...}})")
    return {str(var): {str(lang): str(title) for lang, title in titles.items() if title is not None}
            for var, titles in raw.items()}


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
    # Fast path: read only the file(s) the name can mean, not the whole catalogue.
    root = resources.part("queries")
    stem = name.rsplit("/", 1)[-1]
    if stem and not any(c in stem for c in "*?["):
        same_stem = [p for p in root.rglob(f"{stem}.rq") if p.stem == stem and p.is_file()]
        if name == stem and len(same_stem) == 1:
            return load_query(same_stem[0], name)
        if len(same_stem) > 1:  # colliding stems are named dir/stem, as in catalogue()
            for path in same_stem:
                if path.relative_to(root).with_suffix("").as_posix() == name:
                    return load_query(path, name)
    by_name = {q.name: q for q in catalogue()}
    if name in by_name:
        return by_name[name]
    valid = ", ".join(sorted(by_name))
    raise QueryError(f"unknown query {name!r}; valid names: {valid}")

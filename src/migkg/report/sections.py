"""The report's sections as declared in queries/report-sections.yaml: reading and checking the
declarations, the small expression language of table cells, and the declared tables.

Only generic machinery lives here; the few parts of the page with a layout of their own
(pictures, cards, the validation summary) are named in the declarations and made in
``migkg.report.specials``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from migkg.report.common import LANGS, ReportError, Table, decimal_year, natural_key, split

FILE_NAME = "report-sections.yaml"
BLOCK_KINDS = ("table", "picture", "special")
_BLOCK_KEYS = {
    "table": {"table", "title", "columns", "sort", "limit"},
    "picture": {"picture", "queries", "title", "caption", "words"},
    "special": {"special", "queries", "queries-tagged", "columns"},
}
_DATA_FIELDS = re.compile(r"\{(country|dataset|assessment)\}")


def default_file() -> Path:
    """queries/report-sections.yaml, or the file named by MIGKG_REPORT_SECTIONS (to try a changed
    declaration without touching the one the project ships)."""
    import os

    from migkg import resources

    given = os.environ.get("MIGKG_REPORT_SECTIONS")
    return Path(given) if given else resources.part("queries") / FILE_NAME


# --- the expression language of table cells ---------------------------------------------------

_TOKEN = re.compile(r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<name>[A-Za-z_][\w-]*)|(?P<punct>[(),]))')


@dataclass(frozen=True)
class Expr:
    kind: str  # "field", "string" or "call"
    value: str
    args: tuple = ()

    def fields(self) -> set[str]:
        if self.kind == "field":
            return {self.value}
        return set().union(*(a.fields() for a in self.args)) if self.args else set()


FUNCTIONS = {"label": 1, "yes-no": 1, "list": 1, "sources": 1, "evidence": 1, "word": 1, "join": -2,
             "join-distinct": -2, "first": -1, "around": 3, "if-true": 2}


@functools.cache
def parse_expression(source: str) -> Expr:
    tokens = []
    position = 0
    source_stripped = source.rstrip()
    while position < len(source_stripped):
        match = _TOKEN.match(source_stripped, position)
        if not match or match.end() == position:
            raise ValueError(f"cannot read {source_stripped[position:]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    tokens.append(("end", ""))
    index = 0

    def take() -> tuple[str, str]:
        nonlocal index
        index += 1
        return tokens[index - 1]

    def expression() -> Expr:
        kind, value = take()
        if kind == "string":
            return Expr("string", re.sub(r"\\(.)", r"\1", value[1:-1]))
        if kind != "name":
            raise ValueError(f"expected a column, a function or a text, got {value or 'the end'!r}")
        if tokens[index] != ("punct", "("):
            return Expr("field", value)
        take()
        if value not in FUNCTIONS:
            raise ValueError(f"unknown function {value}() (known: {', '.join(FUNCTIONS)})")
        args = []
        if tokens[index] != ("punct", ")"):
            args.append(expression())
            while tokens[index] == ("punct", ","):
                take()
                args.append(expression())
        if take() != ("punct", ")"):
            raise ValueError(f"{value}(: expected ',' or ')'")
        wanted = FUNCTIONS[value]
        if (wanted >= 0 and len(args) != wanted) or (wanted < 0 and len(args) < -wanted):
            raise ValueError(f"{value}() takes {wanted if wanted >= 0 else f'at least {-wanted}'} arguments, "
                             f"got {len(args)}")
        return Expr("call", value, tuple(args))

    result = expression()
    if tokens[index][0] != "end":
        raise ValueError(f"unexpected {tokens[index][1]!r} after the expression")
    return result


def evaluate(expr: Expr, row, page):
    """The cell for ``row`` (text, or a list of texts or of source links)."""
    if expr.kind == "field":
        return row[expr.value]
    if expr.kind == "string":
        return expr.value
    args = [evaluate(a, row, page) for a in expr.args]
    name = expr.value
    if name == "label":
        return page.inputs.label(args[0], page.lang) if args[0] else ""
    if name == "yes-no":
        return page.yes_no(args[0])
    if name == "list":
        return split(args[0])
    if name == "sources":
        return page.sources_cell(args[0])
    if name == "evidence":
        return page.evidence_of(args[0])
    if name == "word":
        return page.word(args[0])
    if name == "join":
        return args[0].join(a for a in args[1:] if a)
    if name == "join-distinct":
        return args[0].join(dict.fromkeys(a for a in args[1:] if a))
    if name == "first":
        return next((a for a in args if a), "")
    if name == "around":
        return f"{args[0]}{args[1]}{args[2]}" if args[1] else ""
    if name == "if-true":
        return args[1] if args[0] in ("true", "1") else ""
    raise AssertionError(name)  # pragma: no cover - parse_expression knows the names


# --- declarations -------------------------------------------------------------------------------

@dataclass
class Block:
    kind: str  # table | picture | special
    name: str  # the query (tables), the picture or the special part
    section: str
    spec: dict
    queries: list[str] = field(default_factory=list)
    columns: list[tuple[dict, Expr | None]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"report section {self.section}, {self.kind} {self.name}"

    def text(self, key: str, lang: str, fill: dict, default: str = "") -> str:
        values = self.spec.get(key) or {}
        return fill_in(values.get(lang, default), fill)

    def words(self, lang: str, fill: dict) -> dict[str, str]:
        """The words a picture draws (its legend), in ``lang``; a missing one is an error."""
        where = self.where

        class Words(dict):
            def __missing__(self, key: str) -> str:
                raise ReportError(f"{where}: the picture needs the word {key!r} (under words:)")

        return Words({k: fill_in(v[lang], fill) for k, v in (self.spec.get("words") or {}).items()})

    def column_titles(self, lang: str) -> list[str]:
        return [c[lang] for c, _ in self.columns]


@dataclass
class Section:
    id: str
    spec: dict
    blocks: list[Block]


@dataclass
class Declarations:
    path: Path
    texts: dict[str, dict[str, str]]
    words: dict[str, dict[str, str]]
    provenance: str
    sections: list[Section]
    evidence: str = "evidence"

    def blocks(self):
        for section in self.sections:
            yield from section.blocks


def fill_in(value: str, fill: dict) -> str:
    """The texts' {country}, {dataset} and {assessment} from the data; other {names} stay."""
    return _DATA_FIELDS.sub(lambda m: fill.get(m.group(1), m.group(0)), value)


def _languages(where: str, value, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) for lang in LANGS):
        raise ReportError(f"{where}: {what} needs a text for each of {', '.join(LANGS)}")
    return value


def load(path: Path | None = None) -> Declarations:
    """Read and check the declarations (not yet against the queries' results: ``check``)."""
    import yaml

    path = Path(path) if path else default_file()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise ReportError(f"{path}: cannot read the report's sections: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ReportError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
    name = path.name
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        raise ReportError(f"{name}: expected a mapping with a list of sections")
    unknown = set(data) - {"texts", "words", "provenance", "evidence", "sections"}
    if unknown:
        raise ReportError(f"{name}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    texts = {key: _languages(f"{name}, texts", value, key) for key, value in (data.get("texts") or {}).items()}
    words = data.get("words") or {}
    if not isinstance(words, dict) or any(not isinstance(w, dict) or not all(isinstance(v, str) for v in w.values())
                                          for w in words.values()):
        raise ReportError(f"{name}: words is a mapping of languages to mappings of English values to texts")
    sections, seen = [], set()
    for number, spec in enumerate(data["sections"], start=1):
        if not isinstance(spec, dict) or not isinstance(spec.get("id"), str):
            raise ReportError(f"{name}: section {number} has no id")
        sid = spec["id"]
        if sid in seen:
            raise ReportError(f"{name}: two sections with id {sid}")
        seen.add(sid)
        where = f"{name}, section {sid}"
        unknown = set(spec) - {"id", "title", "intro", "blocks", "when"}
        if unknown:
            raise ReportError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        for key in ("title", "intro"):
            _languages(where, spec.get(key), key)
        if spec.get("when", "always") not in ("always", "data"):
            raise ReportError(f"{where}: when is 'always' or 'data' (shown only with `migkg report --data`)")
        blocks = [_block(where, sid, b) for b in spec.get("blocks") or []]
        sections.append(Section(sid, spec, blocks))
    return Declarations(path, texts, words, data.get("provenance") or "provenance", sections,
                        data.get("evidence") or "evidence")


def _block(where: str, section: str, spec) -> Block:
    kinds = [k for k in BLOCK_KINDS if isinstance(spec, dict) and k in spec]
    if len(kinds) != 1:
        raise ReportError(f"{where}: each block is one of {', '.join(BLOCK_KINDS)} ({spec!r})")
    kind = kinds[0]
    block = Block(kind, str(spec[kind]), section, spec)
    where = f"{where}, {kind} {block.name}"
    if set(spec) - _BLOCK_KEYS[kind]:
        raise ReportError(f"{where}: unknown key(s) {', '.join(sorted(set(spec) - _BLOCK_KEYS[kind]))}")
    block.queries = [block.name] if kind == "table" else list(spec.get("queries") or [])
    for key in ("title", "caption") if kind == "picture" else ():
        _languages(where, spec.get(key), key)
    for word, value in (spec.get("words") or {}).items():
        _languages(where, value, f"word {word}")
    if kind == "table" and spec.get("title") is not None and not isinstance(spec["title"], dict):
        raise ReportError(f"{where}: title is a mapping of languages to texts")
    for number, column in enumerate(spec.get("columns") or [], start=1):
        _languages(where, column, f"column {number}")
        expr = None
        if kind == "table":
            if not isinstance(column.get("value"), str):
                raise ReportError(f"{where}: column {number} ({column['en']}) has no value")
            try:
                expr = parse_expression(column["value"])
            except ValueError as exc:
                raise ReportError(f"{where}: column {number} ({column['en']}): {exc}") from None
        block.columns.append((column, expr))
    if kind == "table":
        if not block.columns:
            raise ReportError(f"{where}: a table needs columns")
        sort = spec.get("sort")
        if sort is not None and (not isinstance(sort, dict) or set(sort) - {"column", "as"}
                                 or not isinstance(sort.get("column"), int)
                                 or not 1 <= sort["column"] <= len(block.columns)
                                 or sort.get("as", "text") not in ("text", "year")):
            raise ReportError(f"{where}: sort is {{column: N}} with N from 1 to {len(block.columns)}, "
                              f"and optionally as: text or year")
        limit = spec.get("limit")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
            raise ReportError(f"{where}: limit is a number of rows (1 or more)")
    return block


def check(declarations: Declarations, queries: dict, results: dict, known: dict[str, dict]) -> None:
    """Every picture and special part a block names is one the program makes (``known``: kind ->
    names), every query it names is in the catalogue, and every column a table's cells use is in
    that query's result (in every language it was run in)."""
    for block in declarations.blocks():
        if block.kind in known and block.name not in known[block.kind]:
            raise ReportError(f"{block.where}: no such {block.kind} (known: {', '.join(sorted(known[block.kind]))})")
        names = list(block.queries)
        tag = block.spec.get("queries-tagged")
        if tag:
            names += sorted(n for n, q in queries.items() if tag in q.tags)
        for name in names:
            if name not in queries:
                raise ReportError(f"{block.where}: no saved query {name!r} (see `migkg queries`)")
        if block.kind != "table":
            continue
        for _, result in sorted(results[block.name].items()):
            have = set(result.variables)
            for column, expr in block.columns:
                for name in sorted(expr.fields() - have):
                    raise ReportError(f"{block.where}: column {column['en']!r} uses {name!r}, which query "
                                      f"{block.name} does not return (it returns: {', '.join(result.variables)})")
    if declarations.provenance not in queries:
        raise ReportError(f"{declarations.path.name}: no saved query {declarations.provenance!r} for the sources")
    if declarations.evidence not in queries:
        raise ReportError(f"{declarations.path.name}: no saved query {declarations.evidence!r} for the evidence")


def table(block: Block, page) -> Table:
    """A declared table for one page (language)."""
    spec = block.spec
    title = (spec.get("title") or {}).get(page.lang)
    title = page.fill(title) if title is not None else page.query_summary(block.name)
    rows = page.rows(block.name, block)
    out = Table(block.name, title, block.column_titles(page.lang), query=block.name)
    out.rows = [[evaluate(expr, row, page) for _, expr in block.columns] for row in rows]
    sort = spec.get("sort")
    return first_rows(out.sort(_lead(sort)) if sort else out.sort(), spec.get("limit"), page)


def first_rows(out: Table, limit: int | None, page) -> Table:
    """The first ``limit`` rows (a register's thousands of rows), saying how many there are."""
    if limit is None or len(out.rows) <= limit:
        return out
    out.note = page.t["first_rows"].format(shown=limit, total=len(out.rows), query=out.query)
    out.rows = out.rows[:limit]
    return out


def _lead(sort: dict):
    """The first key of a declared table's order."""
    i = sort["column"] - 1
    if sort.get("as") == "year":
        def lead(row):
            year = decimal_year(row[i] if isinstance(row[i], str) else "")
            return (year if year is not None else float("inf"),)
    else:
        from migkg.report.common import cell_text

        def lead(row):
            return (natural_key(cell_text(row[i])),)
    return lead

"""Running SPARQL: over rdflib (the reference), an embedded pyoxigraph store (fast), or a
remote endpoint through SPARQLWrapper; and writing results as table, CSV, TSV or the W3C
SPARQL 1.1 Query Results JSON format."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections import OrderedDict
from dataclasses import dataclass

import pyoxigraph as ox

from migkg.core import terms
from migkg.core.namespaces import NAMESPACES, shorten
from migkg.errors import MigkgError


class QueryFailed(MigkgError):
    """The query could not be parsed or evaluated."""


@dataclass
class ResultTable:
    """Variables and rows of a SELECT answer. The cells are RDF terms: rdflib's from the rdflib
    engine and remote endpoints, pyoxigraph's from the fast path (``run_oxigraph(...,
    as_rdflib=False)``); every writer below reads both."""

    variables: list[str]
    rows: list[list]

    def __len__(self) -> int:
        return len(self.rows)

    def as_tuples(self) -> list[tuple]:
        """Rows as tuples of plain values, for comparing engines."""
        return [tuple(None if v is None else terms.nt(v) for v in row) for row in self.rows]

    def for_reading(self, namespaces: dict[str, str] | None = None) -> tuple[list[str], list[list[str]]]:
        """Columns and cells for a person at a terminal: a column ``x`` is left out when ``xLabel``
        is there to name it, and the remaining IRIs are written with the project's prefixes
        (``pe:mre``). The machine formats (csv, tsv, json) keep every column and full IRIs."""
        keep = [i for i, v in enumerate(self.variables) if f"{v}Label" not in self.variables]
        namespaces = namespaces or NAMESPACES

        def show(term) -> str:
            if term is None:
                return ""
            return shorten(terms.text(term), namespaces) if terms.is_iri(term) else terms.text(term)

        return [self.variables[i] for i in keep], [[show(row[i]) for i in keep] for row in self.rows]


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# --- no fetching from local runs ---------------------------------------------------------

class NetworkClauseRefused(QueryFailed):
    """SERVICE, FROM, FROM NAMED or LOAD in a query run locally without --allow-network."""


def _walk_parse_tree(node) -> list[str]:
    from rdflib import URIRef, Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    def term(item: CompValue, key: str) -> str:
        value = OrderedDict.get(item, key)
        if isinstance(value, (URIRef, Variable)):
            return value.n3()
        if isinstance(value, CompValue) and value.name == "pname":  # a prefixed name, as written
            return f"{OrderedDict.get(value, 'prefix') or ''}:{OrderedDict.get(value, 'localname') or ''}"
        return ""

    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                found.append(f"SERVICE {term(item, 'term')}".strip())
            elif item.name == "DatasetClause":
                found.append(f"FROM NAMED {term(item, 'named')}" if "named" in item
                             else f"FROM {term(item, 'default')}")
            elif item.name == "Load":
                found.append(f"LOAD {term(item, 'iri')}".strip())
            stack.extend(reversed(list(OrderedDict.values(item))))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(reversed(list(item)))
    return found


_NETWORK_WORDS = re.compile(r"\b(SERVICE|FROM|LOAD)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def network_clauses(query: str) -> tuple[str, ...]:
    """The clauses of ``query`` that would make a SPARQL engine fetch from the network, found
    in rdflib's parse tree of the query (or of the update), not by matching words. A text that
    neither parser accepts but that mentions SERVICE, FROM or LOAD outside IRIs, strings and
    comments is refused too: it cannot be checked."""
    if not _NETWORK_WORDS.search(_NOT_KEYWORDS.sub(" ", query)):
        return ()  # no such word outside IRIs, strings and comments: nothing to parse for
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    for parse in (parseQuery, parseUpdate):
        try:
            tree = parse(query)
        except Exception:
            continue
        return tuple(_walk_parse_tree(tree))
    words = _NETWORK_WORDS.findall(_NOT_KEYWORDS.sub(" ", query))
    return tuple(f"{w.upper()} (in a query that cannot be checked)" for w in words)


def check_local(query: str, allow_network: bool = False) -> None:
    """Refuse SERVICE, FROM, FROM NAMED and LOAD in a query run locally, unless allowed."""
    if allow_network:
        return
    found = network_clauses(query)
    if found:
        raise NetworkClauseRefused(f"{found[0]} refused: local queries do not fetch from the network "
                                   f"(give --allow-network to allow it)")


# --- rdflib ------------------------------------------------------------------------------

def _top_level_group_keys(algebra) -> list | None:
    """The GROUP BY variables of the outermost grouping (breadth-first, so a subquery's own
    GROUP BY is not mistaken for it); None when the query has no explicit GROUP BY."""
    from rdflib import Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    queue = [algebra]
    while queue:
        node = queue.pop(0)
        if isinstance(node, CompValue):
            if node.name == "Group":
                keys = node.get("expr")
                return [k for k in keys if isinstance(k, Variable)] if keys else None
            queue.extend(node.values())
        elif isinstance(node, (list, tuple)):
            queue.extend(node)
    return None


def run_rdflib(graph, query: str, bindings: dict | None = None, allow_network: bool = False) -> ResultTable:
    """Run ``query`` on an rdflib graph (the reference engine), parameters as ``initBindings``."""
    from rdflib import Literal
    from rdflib.plugins.sparql import prepareQuery

    check_local(query, allow_network)
    bindings = dict(bindings or {})
    # initBindings takes one value per variable: several values travel in a VALUES block.
    several = {k: v for k, v in bindings.items() if isinstance(v, list)}
    if several:
        query = with_values_block(query, several)
        bindings = {k: v for k, v in bindings.items() if k not in several}
    try:
        prepared = prepareQuery(query)
        result = graph.query(prepared, initBindings=bindings)
    except Exception as exc:
        raise QueryFailed(f"query failed: {_first_line(exc)}") from None
    if result.type == "ASK":
        return ResultTable(["ask"], [[Literal(bool(result.askAnswer))]])
    if result.type != "SELECT":
        raise QueryFailed("only SELECT and ASK queries can be run from the catalogue")
    variables = [str(v) for v in result.vars]
    rows = [[row[i] for i in range(len(variables))] for row in result]
    # rdflib answers an explicit GROUP BY over zero solutions with one row of unbound keys;
    # SPARQL 1.1 (section 11.2) gives no group, hence no row. Drop that phantom row.
    keys = _top_level_group_keys(prepared.algebra)
    if keys and all(str(k) in variables for k in keys):
        positions = [variables.index(str(k)) for k in keys]
        rows = [row for row in rows if any(row[i] is not None for i in positions)]
    return ResultTable(variables, rows)


# --- pyoxigraph --------------------------------------------------------------------------

# Kept under its old name for the modules that convert one term.
from_ox = terms.from_ox


def oxigraph_store(graph) -> ox.Store:
    """An in-memory pyoxigraph store holding the same triples as the rdflib ``graph``."""
    store = ox.Store()
    data = graph.serialize(format="nt", encoding="utf-8")
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    return store


_TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
_FALSE = ox.Literal("false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


def run_oxigraph(store: ox.Store, query: str, bindings: dict | None = None, allow_network: bool = False,
                 as_rdflib: bool = True) -> ResultTable:
    """Run ``query`` on a pyoxigraph store. ``bindings`` maps names (or rdflib Variables) to
    terms of either library. The cells are rdflib terms unless ``as_rdflib`` is False (the fast
    path: no rdflib at all)."""
    check_local(query, allow_network)
    # pyoxigraph substitutes only projected variables, so parameters travel in a VALUES
    # block of terms in N-Triples syntax, as for a remote endpoint (see with_values_block).
    try:
        result = store.query(with_values_block(query, bindings or {}), use_default_graph_as_union=True)
    except Exception as exc:
        raise QueryFailed(f"query failed: {_first_line(exc)}") from None
    if isinstance(result, (bool, ox.QueryBoolean)):
        answer = _TRUE if bool(result) else _FALSE
        return ResultTable(["ask"], [[terms.from_ox(answer) if as_rdflib else answer]])
    if not isinstance(result, ox.QuerySolutions):
        raise QueryFailed("only SELECT and ASK queries can be run from the catalogue")
    variables = [v.value for v in result.variables]
    if not as_rdflib:
        return ResultTable(variables, [[solution[v] for v in variables] for solution in result])
    # Large answers repeat the same terms (categories, labels, dates) many times: convert each
    # distinct term once. Building an rdflib Literal parses its value, which dominates otherwise.
    converted: dict = {}

    def term(t):
        if t is None:
            return None
        node = converted.get(t)
        if node is None:
            node = converted[t] = terms.from_ox(t)
        return node

    rows = [[term(solution[v]) for v in variables] for solution in result]
    return ResultTable(variables, rows)


# --- remote ------------------------------------------------------------------------------

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_values_block(query: str, bindings: dict) -> str:
    """The SPARQL protocol has no parameter binding, so bound terms travel in a VALUES block
    at the start of the top-level WHERE group. Each term is written in N-Triples syntax (by
    the library it comes from), which escapes quotes, backslashes and line breaks: a value can
    never end the term."""
    if not bindings:
        return query
    match = _WHERE.search(query)
    if match is None:
        raise QueryFailed("cannot bind parameters: the query has no WHERE clause")
    single = {name: term for name, term in bindings.items() if not isinstance(term, list)}
    block = ""
    if single:
        names = " ".join(f"?{name}" for name in single)
        values = " ".join(terms.nt(term) for term in single.values())
        block += f"\n  VALUES ({names}) {{ ({values}) }}\n"
    # A parameter with several values: one VALUES block of one column each.
    for name, many in bindings.items():
        if isinstance(many, list):
            block += f"\n  VALUES ?{name} {{ {' '.join(terms.nt(term) for term in many)} }}\n"
    return query[: match.end()] + block + query[match.end():]


_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_NOT_KEYWORDS = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside IRIs, strings and comments."""
    match = _FORM.search(_NOT_KEYWORDS.sub(" ", query))
    return match.group(1).upper() if match else "SELECT"


def run_remote(endpoint: str, query: str, bindings: dict | None = None,
               timeout: float = 60.0) -> ResultTable:
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(int(timeout))
    client.setQuery(with_values_block(query, bindings or {}))
    # SPARQLWrapper guesses the query form from the text and can take words in comments for it
    # ("address" -> ADD, "described" -> DESCRIBE), then sends a SELECT as an update; say it.
    client.queryType = query_form(query)
    try:
        data = client.queryAndConvert()
    except Exception as exc:
        raise QueryFailed(f"{endpoint}: {_first_line(exc)}") from None
    return from_sparql_json(data)


# --- W3C SPARQL 1.1 Query Results JSON ---------------------------------------------------

def term_json(term) -> dict:
    """One term of the SPARQL 1.1 Query Results JSON format (either library's term)."""
    kind, value, language, datatype = terms.parts(term)
    out = {"type": kind, "value": value}
    if language:
        out["xml:lang"] = language
    elif datatype:
        out["datatype"] = datatype
    return out


def _term_from_json(cell: dict):
    from rdflib import BNode, Literal, URIRef

    kind = cell["type"]
    if kind == "uri":
        return URIRef(cell["value"])
    if kind == "bnode":
        return BNode(cell["value"])
    lang = cell.get("xml:lang")
    datatype = cell.get("datatype")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    return Literal(cell["value"], lang=lang, datatype=URIRef(datatype) if datatype and not lang else None)


def from_sparql_json(data: dict) -> ResultTable:
    from rdflib import Literal

    if "boolean" in data:
        return ResultTable(["ask"], [[Literal(bool(data["boolean"]))]])
    variables = list(data["head"]["vars"])
    rows = [[_term_from_json(b[v]) if v in b else None for v in variables] for b in data["results"]["bindings"]]
    return ResultTable(variables, rows)


def _is_ask(table: ResultTable) -> bool:
    if table.variables != ["ask"] or len(table.rows) != 1 or table.rows[0][0] is None:
        return False
    kind, _, _, datatype = terms.parts(table.rows[0][0])
    return kind == "literal" and bool(datatype) and datatype.endswith("boolean")


def to_json(table: ResultTable) -> str:
    if _is_ask(table):
        answer = terms.text(table.rows[0][0]) in ("true", "1")
        return json.dumps({"head": {}, "boolean": answer}, ensure_ascii=False)
    bindings = [{v: term_json(t) for v, t in zip(table.variables, row, strict=True) if t is not None}
                for row in table.rows]
    return json.dumps({"head": {"vars": table.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1)


def to_delimited(table: ResultTable, delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(table.variables)
    for row in table.rows:
        writer.writerow([terms.text(t).replace("\t", " ").replace("\n", " ") if delimiter == "\t" else terms.text(t)
                         for t in row])
    return buffer.getvalue()


# --- paging (`migkg query --limit --offset`) ---------------------------------------------
#
# A page is rows[offset:offset + limit] of the answer the engine gives, taken with
# itertools.islice over its results, never by editing the query text. Wrapping the query as a
# subquery (`SELECT ?vars WHERE { { query } } LIMIT n OFFSET m`) would need the prologue
# (PREFIX, BASE) split off, would clash with a query's own LIMIT or trailing VALUES, and SPARQL
# does not promise that a subquery's ORDER BY survives the outer SELECT. Slicing keeps a query's
# ORDER BY and gives on every engine exactly the rows of the full run at those positions;
# pyoxigraph's QuerySolutions is lazy, so rows after the page are not read (nor, without ORDER
# BY or GROUP BY, computed). rdflib and remote endpoints give their answer whole, then the same
# slice is taken of it.

def page(table: ResultTable, offset: int = 0, limit: int | None = None) -> ResultTable:
    """The rows of ``table`` from ``offset``, at most ``limit`` of them (all with None)."""
    import itertools

    if offset == 0 and limit is None:
        return table
    stop = None if limit is None else offset + limit
    return ResultTable(table.variables, list(itertools.islice(table.rows, offset, stop)))


def run_oxigraph_page(store: ox.Store, query: str, bindings: dict | None = None, allow_network: bool = False,
                      offset: int = 0, limit: int | None = None) -> ResultTable:
    """``run_oxigraph(..., as_rdflib=False)`` for one page of the answer, read lazily."""
    import itertools

    check_local(query, allow_network)
    try:
        result = store.query(with_values_block(query, bindings or {}), use_default_graph_as_union=True)
        if isinstance(result, (bool, ox.QueryBoolean)):
            return page(ResultTable(["ask"], [[_TRUE if bool(result) else _FALSE]]), offset, limit)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryFailed("only SELECT and ASK queries can be run from the catalogue")
        variables = [v.value for v in result.variables]
        stop = None if limit is None else offset + limit
        rows = [[solution[v] for v in variables] for solution in itertools.islice(result, offset, stop)]
    except QueryFailed:
        raise
    except Exception as exc:  # pyoxigraph evaluates lazily: errors can come while iterating
        raise QueryFailed(f"query failed: {_first_line(exc)}") from None
    return ResultTable(variables, rows)

"""SPARQL 1.1 query results in XML, CSV and TSV (JSON is ``migkg.sparql.to_json``), written
from rows that may have been cut at the server's row limit (pyoxigraph's own writers take the
whole answer, so they cannot cut it)."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

from migkg.core import terms
from migkg.sparql import term_json


def _xml_term(term) -> str:
    kind, value, language, datatype = terms.parts(term)
    if kind == "uri":
        return f"<uri>{escape(value)}</uri>"
    if kind == "bnode":
        return f"<bnode>{escape(value)}</bnode>"
    if language:
        return f"<literal xml:lang={quoteattr(language)}>{escape(value)}</literal>"
    if datatype:
        return f"<literal datatype={quoteattr(datatype)}>{escape(value)}</literal>"
    return f"<literal>{escape(value)}</literal>"


def _xml(variables: list[str], rows: list[list]) -> str:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head>\n<results>")
    for row in rows:
        out.append("<result>")
        out += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True) if t is not None]
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out)


def write_json(variables: list[str], rows: list[list]) -> bytes:
    """SPARQL 1.1 Query Results JSON (the same document as ``migkg.sparql.to_json``, compact):
    each distinct term converted once, as answers repeat labels and categories many times."""
    seen: dict = {}

    def cell(term) -> dict:
        found = seen.get(term)
        if found is None:
            found = seen[term] = term_json(term)
        return found

    bindings = [{v: cell(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write(variables: list[str], rows: list[list], fmt: str) -> bytes:
    """``fmt``: json, xml, csv (plain values, CRLF, as the W3C note says) or tsv (terms in Turtle form)."""
    if fmt == "json":
        return write_json(variables, rows)
    if fmt == "xml":
        return _xml(variables, rows).encode("utf-8")
    buffer = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if t is None else terms.text(t) for t in row])
        return buffer.getvalue().encode("utf-8")
    if fmt == "tsv":
        buffer.write("\t".join(f"?{v}" for v in variables) + "\n")
        for row in rows:
            buffer.write("\t".join("" if t is None else terms.nt(t) for t in row) + "\n")
        return buffer.getvalue().encode("utf-8")
    raise ValueError(f"unknown results format {fmt}")


def write_boolean(answer: bool, fmt: str) -> bytes:
    word = "true" if answer else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": answer}).encode("utf-8")
    if fmt == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
                f"<head/>\n<boolean>{word}</boolean>\n</sparql>\n").encode()
    return f"_askResult\n{word}\n".encode()

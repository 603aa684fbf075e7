"""RDF terms between the two libraries: pyoxigraph (the store at run time) and rdflib (the
reference engine, the serialisers it does better). The one converter; rdflib is imported
only when a conversion to or from it is asked for."""

from __future__ import annotations

import pyoxigraph as ox

from migkg.core.namespaces import XSD

XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_ox(term):
    """The pyoxigraph term for an rdflib term (an ox term is returned as it is)."""
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r}")


def from_ox(term):
    """The rdflib term for a pyoxigraph term (None stays None); xsd:string becomes a plain literal."""
    if term is None:
        return None
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value if term.datatype else None
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype) if datatype else None)
    raise TypeError(f"cannot convert {term!r}")


def parts(term) -> tuple[str, str, str | None, str | None]:
    """(kind, text, language, datatype) of a pyoxigraph or rdflib term: kind is ``uri``,
    ``bnode`` or ``literal`` (the names of the SPARQL JSON results format); the datatype is
    None for plain and language-tagged strings. What every result writer needs, for both."""
    if isinstance(term, ox.NamedNode):
        return "uri", term.value, None, None
    if isinstance(term, ox.BlankNode):
        return "bnode", term.value, None, None
    if isinstance(term, ox.Literal):
        if term.language:
            return "literal", term.value, term.language, None
        datatype = term.datatype.value
        return "literal", term.value, None, None if datatype in (XSD_STRING, RDF_LANG_STRING) else datatype
    kind = type(term).__name__
    if kind == "URIRef":
        return "uri", str(term), None, None
    if kind == "BNode":
        return "bnode", str(term), None, None
    language = getattr(term, "language", None)
    datatype = getattr(term, "datatype", None)
    return "literal", str(term), language or None, (str(datatype) if datatype and not language else None)


def text(term) -> str:
    """The plain text of a term as a person reads it (IRI, lexical form); '' for None."""
    if term is None:
        return ""
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term.value
    return str(term)


def is_iri(term) -> bool:
    return isinstance(term, ox.NamedNode) or type(term).__name__ == "URIRef"


def nt(term) -> str:
    """The term in N-Triples syntax (escaped: a value can never end the term)."""
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return str(term)
    return term.n3()

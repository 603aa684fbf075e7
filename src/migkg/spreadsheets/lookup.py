"""What the spreadsheet commands need to know about the graph, read once from it: the labels of
every resource (in each language), the types of every resource, the class hierarchy, the
prefixes, and the definitions of properties; and finding a resource by identifier or label."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

from migkg.core import terms
from migkg.core.namespaces import RDF, RDFS, SKOS, shorten

ANY = RDFS + "Resource"
LOCAL_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.~-]*$")
ABSOLUTE = re.compile(r"^(https?://[^/\s]+|urn:[a-z0-9-]+:)", re.IGNORECASE)
IRI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", re.IGNORECASE)


def local_part(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


class Lookup:
    """The graph's labels, types, classes and prefixes, indexed for finding resources."""

    def __init__(self, store):
        self.prefixes = dict(store.prefixes)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.definitions: dict[str, dict[str, str]] = defaultdict(dict)
        parents: dict[str, set[str]] = defaultdict(set)
        rows = store.select(f"SELECT ?s ?l WHERE {{ ?s <{RDFS}label> ?l FILTER(isIRI(?s)) }}", as_rdflib=False).rows
        for s, label in rows:
            lang = terms.parts(label)[2] or ""
            self.labels[terms.text(s)].setdefault(lang, terms.text(label))
        for s, t in store.select(f"SELECT ?s ?t WHERE {{ ?s <{RDF}type> ?t FILTER(isIRI(?s) && isIRI(?t)) }}",
                                 as_rdflib=False).rows:
            self.types[terms.text(s)].add(terms.text(t))
        for c, p in store.select(f"SELECT ?c ?p WHERE {{ ?c <{RDFS}subClassOf> ?p FILTER(isIRI(?c) && isIRI(?p)) }}",
                                 as_rdflib=False).rows:
            parents[terms.text(c)].add(terms.text(p))
        for p, d in store.select(f"SELECT ?p ?d WHERE {{ ?p <{SKOS}definition> ?d }}", as_rdflib=False).rows:
            self.definitions[terms.text(p)].setdefault(terms.parts(d)[2] or "en", terms.text(d))
        self._ancestors = {}
        self._parents = parents
        self._instances: dict[str, list[str]] = {}

    # --- classes ---------------------------------------------------------------------------------

    def ancestors(self, cls: str) -> set[str]:
        """The class and every class above it."""
        if cls not in self._ancestors:
            seen, todo = {cls}, [cls]
            while todo:
                for parent in self._parents.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            self._ancestors[cls] = seen
        return self._ancestors[cls]

    def is_a(self, types, cls: str) -> bool:
        if cls == ANY:
            return True
        return any(cls in self.ancestors(t) for t in types)

    def subclasses(self, cls: str) -> list[str]:
        """The class and the classes below it that have a label, sorted by IRI."""
        found = {c for c in set(self._parents) | {cls} if cls in self.ancestors(c)}
        return sorted(c for c in found if c == cls or c in self.labels)

    def instances(self, cls: str) -> list[str]:
        """The resources of the graph that are of this class (rdfs:Resource: every labelled resource)."""
        if cls not in self._instances:
            if cls == ANY:
                self._instances[cls] = sorted(self.labels)
            else:
                self._instances[cls] = sorted(s for s, types in self.types.items() if self.is_a(types, cls))
        return self._instances[cls]

    # --- names -----------------------------------------------------------------------------------

    def label(self, iri: str, lang: str) -> str:
        found = self.labels.get(iri, {})
        return found.get(lang) or found.get("en") or found.get("") or self.curie(iri)

    def curie(self, iri: str) -> str:
        return shorten(iri, self.prefixes)

    def expand(self, text: str) -> str | None:
        """The IRI a CURIE (known prefix) or an absolute IRI stands for; None for anything else."""
        text = text.strip()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        prefix, sep, local = text.partition(":")
        if sep and prefix in self.prefixes and not local.startswith("//") and (not local or LOCAL_NAME.match(local)):
            return self.prefixes[prefix] + local
        if ABSOLUTE.match(text) and IRI.match(text):
            return text
        return None


class Finder:
    """Finds resources of some classes by identifier (IRI, CURIE, local name) or exact label in
    any language: the graph's, plus the rows being imported (``add``)."""

    def __init__(self, lookup: Lookup):
        self.lookup = lookup
        self.extra_types: dict[str, set[str]] = defaultdict(set)
        self.extra_labels: dict[str, set[str]] = defaultdict(set)
        self._by_class: dict[str, tuple] = {}
        self._graph_local: dict[str, dict] = {}

    def add(self, iri: str, types, labels) -> None:
        self.extra_types[iri].update(types)
        self.extra_labels[iri].update(label for label in labels if label)
        if self._by_class:
            self._by_class.clear()

    def graph_local_names(self, cls: str) -> dict[str, set[str]]:
        """Local name -> IRIs of the graph's own resources of the class (not the rows added)."""
        if cls not in self._graph_local:
            found = defaultdict(set)
            for iri in self.lookup.instances(cls):
                found[local_part(iri)].add(iri)
            self._graph_local[cls] = found
        return self._graph_local[cls]

    def candidates(self, cls: str) -> tuple[set, dict, dict]:
        """(IRIs, local name -> IRIs, label -> IRIs) of the resources of class ``cls``."""
        if cls not in self._by_class:
            iris = set(self.lookup.instances(cls))
            for iri, types in self.extra_types.items():
                if cls == ANY or self.lookup.is_a(types | self.lookup.types.get(iri, set()), cls):
                    iris.add(iri)
            by_local, by_label = defaultdict(set), defaultdict(set)
            for iri in iris:
                by_local[local_part(iri)].add(iri)
                for label in list(self.lookup.labels.get(iri, {}).values()) + list(self.extra_labels.get(iri, ())):
                    by_label[" ".join(label.split())].add(iri)
            self._by_class[cls] = (iris, by_local, by_label)
        return self._by_class[cls]

    def find(self, text: str, cls: str) -> tuple[str | None, list[str]]:
        """(IRI, []) when ``text`` names exactly one resource of the class; (None, [IRIs]) when it
        names several; (None, []) when none."""
        iris, by_local, by_label = self.candidates(cls)
        text = " ".join(text.split())
        expanded = self.lookup.expand(text)
        if expanded is not None and expanded in iris:
            return expanded, []
        for index in (by_label, by_local):
            found = index.get(text, set())
            if len(found) == 1:
                return next(iter(found)), []
            if len(found) > 1:
                return None, sorted(found)
        return None, []

    def closest(self, text: str, cls: str, lang: str, count: int = 3) -> list[str]:
        """The labels of the resources of the class closest to ``text`` (labels in every language
        are compared; the one in ``lang`` is preferred when it is as close)."""
        iris, _, _ = self.candidates(cls)
        names = {}
        for iri in sorted(iris):
            found = self.lookup.labels.get(iri, {})
            ordered = [found[lang]] if lang in found else []
            for label in [*ordered, *found.values(), *sorted(self.extra_labels.get(iri, ()))]:
                names.setdefault(label.casefold(), label)
        found = difflib.get_close_matches(text.casefold(), list(names), n=count, cutoff=0.4)
        return [names[f] for f in found]

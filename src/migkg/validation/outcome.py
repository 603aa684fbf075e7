"""What a validation run gives back, whatever the engine: the problems of the new files, with
their file, line and names as the files write them.

Every engine hands `build_outcome` one `EngineRun`: its inputs (per file: path, prefixes,
subjects, ill-typed literals, size), its SHACL results (dicts of RESULT_KEYS -> term, the terms
rdflib's or pyoxigraph's), a function that builds the report graph, and the prefixes that name
constraint components. Naming, line finding, the messages in each language and the ill-typed
literal check are done here, once,
for both engines, without rdflib (importing it costs ~0.1 s): prefixed names follow what rdflib's
namespace manager gave before (`prefix_map`, `short`), and a literal's datatype check asks rdflib
only for lexical forms the quick check below does not settle (`is_ill_typed`)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from migkg.core import terms
from migkg.core.namespaces import SH, XSD
from migkg.errors import MigkgError

RESULT_KEYS = {SH + "focusNode": "focus", SH + "resultPath": "path", SH + "value": "value",
               SH + "resultMessage": "message", SH + "resultSeverity": "severity",
               SH + "sourceConstraintComponent": "component"}


class EngineFailure(MigkgError):
    """An engine refused to validate (e.g. a SHACL-SPARQL query it does not support)."""


FIELDS = ("file", "line", "focus", "path", "value", "message", "severity", "component")

# Languages of the messages and of as_text's own words; a message missing in one falls back to English.
LANGUAGES = ("en", "es")
DEFAULT_LANG = "en"
NO_MESSAGE = {"en": "constraint not met", "es": "no se cumple una restricción"}


@dataclass(frozen=True)
class Problem:
    """One validation result. `message` is the English text (what programs read); `messages` are
    the texts the shapes give, one per language (English included), as sorted (language, text)
    pairs (a tuple, so a Problem stays hashable and comparable): `message_in(lang)` picks one."""

    file: str
    line: int | None
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    component: str
    messages: tuple[tuple[str, str], ...] = ()

    def message_in(self, lang: str = DEFAULT_LANG) -> str:
        """The message in `lang` (a language tag, e.g. "es"; "es-PE" matches "es" and the other way
        round), else in English, else `message`."""
        return pick_message(dict(self.messages), lang) or self.message

    def as_dict(self) -> dict:
        """The JSON form: FIELDS ("message" in English, as before) and "messages": language -> text
        ("en" always; the other languages the shapes give)."""
        return {**{k: getattr(self, k) for k in FIELDS}, "messages": {"en": self.message, **dict(self.messages)}}


def pick_message(messages: dict[str, str], lang: str) -> str | None:
    """The text for `lang` in a language -> text dict: that language, or one sharing its primary
    subtag, else English; None when neither is there."""
    lang = (lang or DEFAULT_LANG).lower()
    for wanted in (lang, DEFAULT_LANG) if lang != DEFAULT_LANG else (DEFAULT_LANG,):
        if wanted in messages:
            return messages[wanted]
        primary = wanted.split("-", 1)[0]
        for tag in sorted(messages):
            if tag.split("-", 1)[0] == primary:
                return messages[tag]
    return None


_PLACEHOLDER = re.compile(r"\{[$?][A-Za-z_][A-Za-z0-9_]*\}")


class TemplateLanguages:
    """The language of an untagged message, from the shapes' (language, sh:message) templates.
    Why: pySHACL and pyshacl-turbo both drop the language tag of a SHACL-SPARQL constraint's
    message when they fill in its {?var} placeholders, so each language's text comes back untagged;
    the filled-in text matches exactly one template."""

    def __init__(self, templates: Iterable[tuple[str, str]] = ()):
        self._templates = list(templates)
        self._exact: dict[str, str] | None = None
        self._patterns: list[tuple[re.Pattern, str]] = []

    def __call__(self, text: str) -> str:
        """The template's language ("" when no template, or several languages, match)."""
        if self._exact is None:
            self._exact = {}
            for lang, template in self._templates:
                if _PLACEHOLDER.search(template):
                    pieces = _PLACEHOLDER.split(template)
                    regex = "(.*?)".join(re.escape(piece) for piece in pieces)
                    self._patterns.append((re.compile(regex, re.DOTALL), lang))
                else:
                    self._exact[template] = lang if self._exact.get(template, lang) == lang else ""
        if text in self._exact:
            return self._exact[text]
        langs = {lang for pattern, lang in self._patterns if pattern.fullmatch(text)}
        return langs.pop() if len(langs) == 1 else ""


def messages_by_language(literals, language_of: Callable[[str], str] | None = None) -> dict[str, str]:
    """language -> text of a result's sh:resultMessage literals (rdflib or pyoxigraph terms).
    Tags are lower-cased; an untagged message takes the language `language_of` finds for it (the
    shapes' templates, TemplateLanguages), else counts as English when no @en one is given; of two
    in one language the first in sorted order is kept, so both engines agree."""
    def language(term) -> str:
        tag = (terms.parts(term)[2] or "").lower()
        return tag or (language_of(terms.text(term)) if language_of is not None else "")

    tagged = sorted((language(term), terms.text(term)) for term in literals if term is not None and terms.text(term))
    found: dict[str, str] = {}
    for tag, text in tagged:
        found.setdefault(tag, text)
    untagged = found.pop("", None)
    if untagged is not None:
        found.setdefault(DEFAULT_LANG, untagged)
    return found


@dataclass
class ValidationOutcome:
    problems: list[Problem] = field(default_factory=list)
    triples: int = 0
    inputs: list = field(default_factory=list)  # per file: path, triples, owns(term): is it a subject there
    _report: object = None
    _report_factory: object = None  # builds the report graph when it is first asked for

    @property
    def report(self):
        """The SHACL validation report as an rdflib graph (built on first use: with the turbo
        engine, decoding a large register's report is most of the run, and text and JSON output
        do not need it)."""
        if self._report is None:
            if self._report_factory is not None:
                self._report = self._report_factory()
            else:
                from rdflib import Graph

                self._report = Graph()
        return self._report

    @property
    def conforms(self) -> bool:
        return not any(p.severity == "Violation" for p in self.problems)


@dataclass
class EngineRun:
    """What an engine gives `build_outcome`."""

    inputs: list  # objects with path, prefixes (namespace -> prefix), owns(term), ill_typed_triples, triples
    results: Iterable[dict]  # RESULT_KEYS values -> term (or None)
    report_factory: Callable[[], object]
    component_prefixes: dict[str, str]  # namespace -> prefix, for sh:sourceConstraintComponent


# --- reading a report graph (rdflib) -----------------------------------------------------------

def results_from_report(report):
    """The results of an rdflib report graph, as dicts of RESULT_KEYS values -> term, and
    "messages": every sh:resultMessage of the result (one per language the shape gives)."""
    from rdflib import RDF, URIRef

    result_message = URIRef(SH + "resultMessage")
    for result in report.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        found = {key: report.value(result, URIRef(predicate)) for predicate, key in RESULT_KEYS.items()}
        found["messages"] = list(report.objects(result, result_message))
        yield found


def result_tuples(report) -> set[tuple]:
    """(focus node, path, constraint component, value, severity) of every result: what the
    differential tests and the benchmark compare between engines. Blank-node paths are compared
    by their shape (sh:inversePath etc.), not their identifiers."""
    from rdflib import BNode, Literal

    def path_key(node):
        if isinstance(node, Literal) and node.datatype is not None and str(node.datatype) == XSD + "string":
            return Literal(str(node))  # "x"^^xsd:string is "x" in RDF 1.1
        if isinstance(node, BNode):
            return tuple(sorted((str(p), path_key(o)) for p, o in report.predicate_objects(node)))
        return node
    return {(r["focus"], path_key(r["path"]), r["component"], path_key(r["value"]), r["severity"])
            for r in results_from_report(report)}


# --- names: what rdflib's namespace manager and normalizeUri gave ----------------------------

# rdflib.namespace's character classes for splitting an IRI into namespace and local name.
_NAME_START = {"Ll", "Lu", "Lo", "Lt", "Nl"}
_SPLIT_START = _NAME_START | {"Nd"}
_NAME = _NAME_START | {"Mc", "Me", "Mn", "Lm", "Nd"}
_NAME_CHARS = {"\u00b7", "\u0387", "-", ".", "_", "%", "(", ")"}
_XMLNS = "http://www.w3.org/XML/1998/namespace"


def split_iri(iri: str) -> tuple[str, str] | None:
    """(namespace, local name) as rdflib.namespace.split_uri splits an IRI, or None where it cannot
    (tests/test_validation_engines.py compares the two on the project's IRIs)."""
    if iri.startswith(_XMLNS):
        return _XMLNS, iri.split(_XMLNS)[1]
    category = unicodedata.category
    length = len(iri)
    for i in range(length):
        c = iri[-i - 1]
        if category(c) not in _NAME:
            if c in _NAME_CHARS:
                continue
            for j in range(-1 - i, length):
                if category(iri[j]) in _SPLIT_START or iri[j] == "_":
                    namespace = iri[:j]
                    if not namespace:
                        break
                    return namespace, iri[j:]
            break
    return None


def prefix_map(defaults: Iterable[tuple[str, str]], bindings: Iterable[tuple[str, str]]) -> dict[str, str]:
    """namespace -> prefix after binding `bindings` ((prefix, namespace), in order) into a graph that
    has `defaults` bound, as rdflib's Graph.bind(prefix, namespace, override=True, replace=True)
    does on its memory store (one prefix per namespace; the last binding wins)."""
    by_prefix: dict[str, str] = {}
    by_namespace: dict[str, str] = {}

    def store_bind(prefix: str, namespace: str) -> None:
        bound_namespace = by_prefix.get(prefix)
        bound_prefix = by_namespace.get(namespace)
        if bound_prefix is None and bound_namespace is not None:
            bound_prefix = by_namespace.get(bound_namespace)
        if bound_prefix is not None:
            del by_prefix[bound_prefix]
        if bound_namespace is not None:
            del by_namespace[bound_namespace]
        by_namespace[namespace] = prefix
        by_prefix[prefix] = namespace

    for prefix, namespace in defaults:
        store_bind(prefix, namespace)
    for prefix, namespace in bindings:
        prefix = prefix or ""
        if by_prefix.get(prefix) == namespace and by_namespace.get(namespace) == prefix:
            continue  # already bound so
        store_bind(prefix, namespace)
    return {namespace: prefix for prefix, namespace in by_prefix.items()}


def short(term, prefixes: dict[str, str]) -> str | None:
    """prefix:name when the IRI's namespace is in ``prefixes`` (namespace -> prefix), else <IRI>;
    a blank node's label, a literal's lexical form; None for None."""
    if term is None:
        return None
    kind, text, _, _ = terms.parts(term)
    if kind != "uri":
        return text
    split = split_iri(text)
    if split is None:
        return f"<{text}>"
    prefix = prefixes.get(split[0])
    return f"<{text}>" if prefix is None else f"{prefix}:{split[1]}"


# --- lines -----------------------------------------------------------------------------------

# The token each line starts with: an <IRI> not glued to more name characters, a prefixed
# name, or nothing. The group can match empty, so findall gives exactly one token per line.
_LEADING_TOKEN = re.compile(r"^[ \t\f\v\r]*(<[^>\n]*>(?![\w\-.:%])|[\w\-.:%]*)", re.MULTILINE)


def line_index(path: Path) -> dict[str, int]:
    """The first line of each token a line starts with (an <IRI> or a prefixed name). One regex
    pass and a dict built from the end, so the first line wins: no Python loop over the lines
    (a 100k-case register has 1.8M of them)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    index = first_lines(_LEADING_TOKEN.findall(text))
    index.pop("", None)
    return index


def first_lines(tokens: list[str]) -> dict[str, int]:
    """The line (from 1) where each token first appears, given each line's token: a dict built
    from the end, so that the first line wins, with no Python loop over the lines."""
    return dict(zip(reversed(tokens), range(len(tokens), 0, -1), strict=True))


def line_finder(path: Path, prefixes: dict[str, str], indexed=None):
    """Find the line where a subject is described: its full IRI or prefixed name at line start.
    The file is indexed at the first lookup, so data without problems is not read again, and
    each lookup after it is a dict lookup. ``indexed``: a future of ``line_index(path)`` an
    engine started earlier (the turbo engine indexes a large file while its parser runs)."""
    index: dict[str, int] | None = None

    def find(node) -> int | None:
        nonlocal index
        if node is None or not terms.is_iri(node):
            return None
        if index is None:
            index = indexed.result() if indexed is not None else line_index(path)
        iri = terms.text(node)
        candidates = [f"<{iri}>"]
        for ns, prefix in prefixes.items():
            if iri.startswith(ns):
                candidates.append(f"{prefix}:{iri[len(ns):]}")
        found = [index[c] for c in candidates if c in index]
        return min(found) if found else None

    return find


# --- ill-typed literals ------------------------------------------------------------------------

_DIGITS = re.compile(r"-?[0-9]{1,18}")
_DECIMAL = re.compile(r"-?[0-9]{1,18}(?:\.[0-9]{1,18})?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Datatypes rdflib does not recognise (Literal.ill_typed is None for them): never ill-typed.
_UNRECOGNISED = {XSD + name for name in ("gYear", "gYearMonth", "gMonth", "gDay", "gMonthDay")}
_PLAIN = {XSD + name for name in ("string", "anyURI")}


def _quick_verdict(lexical: str, datatype: str) -> bool | None:
    """Whether the literal is ill-typed, where that is certain without rdflib; None to ask rdflib.
    (Only the common well-formed cases; tests/test_validation_engines.py checks each verdict
    against rdflib's.)"""
    if datatype in _UNRECOGNISED or datatype in _PLAIN:
        return False
    if datatype == XSD + "date":
        match = _DATE.fullmatch(lexical)
        if match and 1000 <= int(match.group(1)):
            try:
                date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
                return False
            except ValueError:
                return None
        return None
    if datatype in (XSD + "integer", XSD + "long"):
        return False if _DIGITS.fullmatch(lexical) else None
    if datatype == XSD + "decimal":
        return False if _DECIMAL.fullmatch(lexical) else None
    if datatype == XSD + "boolean":
        return False if lexical in ("true", "false", "1", "0") else None
    return None


@functools.lru_cache(maxsize=65536)
def is_ill_typed(lexical: str, datatype: str) -> bool:
    """Whether a literal's lexical form is not one of its datatype (rdflib's Literal.ill_typed)."""
    verdict = _quick_verdict(lexical, datatype)
    if verdict is not None:
        return verdict
    import logging

    from rdflib import Literal, URIRef

    # rdflib logs a traceback for every ill-typed literal; those are reported as violations instead.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    return bool(Literal(lexical, datatype=URIRef(datatype)).ill_typed)


def ill_typed_problems(path: Path, triples, prefixes: dict[str, str], find_line) -> list[Problem]:
    """One violation per (subject, predicate, lexical form, datatype) whose literal is ill-typed."""
    problems = []
    for s, p, lexical, datatype in triples:
        problems.append(Problem(
            file=str(path), line=find_line(s), focus=short(s, prefixes), path=short(p, prefixes), value=lexical,
            message=f"'{lexical}' is not a valid {short_iri(datatype, prefixes)}; write it as the datatype requires "
                    f"(e.g. 2017-12-28 for xsd:date)",
            severity="Violation", component="sh:DatatypeConstraintComponent",
            messages=(("en", f"'{lexical}' is not a valid {short_iri(datatype, prefixes)}; write it as the datatype "
                             f"requires (e.g. 2017-12-28 for xsd:date)"),
                      ("es", f"'{lexical}' no es un valor válido de {short_iri(datatype, prefixes)}; escríbalo como lo "
                             f"exige el tipo de dato (p. ej., 2017-12-28 para xsd:date)"),)))
    return problems


def short_iri(iri: str, prefixes: dict[str, str]) -> str:
    split = split_iri(iri)
    prefix = prefixes.get(split[0]) if split else None
    return f"<{iri}>" if prefix is None else f"{prefix}:{split[1]}"


# --- the outcome -----------------------------------------------------------------------------

def build_outcome(run: EngineRun, default_prefixes: Iterable[tuple[str, str]],
                  message_templates: Iterable[tuple[str, str]] = ()) -> ValidationOutcome:
    """The problems of the inputs' own resources (a result belongs to the first file that has its
    focus node as a subject), each named with that file's prefixes over `default_prefixes` (those
    rdflib binds in every graph), and the inputs' ill-typed literals; sorted by the full key.
    `message_templates` ((language, sh:message text) of the shapes) give the language of messages
    the engines return untagged (see TemplateLanguages)."""
    defaults = list(default_prefixes)
    language_of = TemplateLanguages(message_templates)
    names, finders = {}, {}
    for item in run.inputs:
        names[item.path] = prefix_map(defaults, ((prefix, ns) for ns, prefix in item.prefixes.items()))
        finders[item.path] = line_finder(item.path, item.prefixes, getattr(item, "line_index", None))
    outcome = ValidationOutcome(triples=sum(item.triples for item in run.inputs), inputs=run.inputs,
                                _report_factory=run.report_factory)
    for r in run.results:
        focus = r["focus"]
        item = next((item for item in run.inputs if item.owns(focus)), None)
        if item is None:
            continue
        prefixes = names[item.path]
        severity = r["severity"]
        texts = messages_by_language(r.get("messages") or [r["message"]], language_of) or dict(NO_MESSAGE)
        english = texts.get(DEFAULT_LANG) or next(iter(texts.values()))
        outcome.problems.append(Problem(
            file=str(item.path), line=finders[item.path](focus), focus=short(focus, prefixes),
            path=short(r["path"], prefixes), value=short(r["value"], prefixes),
            message=english,
            severity=terms.text(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            component=short(r["component"], run.component_prefixes) or "",
            messages=tuple(sorted(texts.items()))))
    for item in run.inputs:
        outcome.problems += ill_typed_problems(item.path, item.ill_typed_triples, names[item.path], finders[item.path])
    # The full key: two results can share file, line, focus, path and message (one value failing
    # sh:datatype and sh:minInclusive), and the engines return results in different orders.
    outcome.problems.sort(key=lambda p: (p.file, p.line or 0, p.focus, p.path or "", p.message, p.component,
                                         p.value or "", p.severity))
    return outcome


# as_text's own words, per language.
_WORDS = {
    "en": {"conforms": "conforms: {triples} triples checked, no problems",
           "summary": "{violations} violations, {warnings} warnings in {triples} triples",
           "Violation": "Violation", "Warning": "Warning", "Info": "Info"},
    "es": {"conforms": "conforme: {triples} tripletas revisadas, ningún problema",
           "summary": "{violations} errores, {warnings} advertencias en {triples} tripletas",
           "Violation": "Error", "Warning": "Advertencia", "Info": "Información"},
}


def as_text(outcome: ValidationOutcome, lang: str = DEFAULT_LANG) -> str:
    """The problems grouped by file and focus node, each with its severity, message and path = value,
    and a summary line. `lang` ("en" or "es"; a tag such as "es-PE" counts as "es") chooses the
    language of the messages (English where a message lacks it) and of the fixed words."""
    primary = (lang or DEFAULT_LANG).lower().split("-", 1)[0]
    words = _WORDS.get(primary, _WORDS[DEFAULT_LANG])
    if not outcome.problems:
        return words["conforms"].format(triples=outcome.triples)
    lines = []
    grouped = defaultdict(lambda: defaultdict(list))
    for p in outcome.problems:
        grouped[p.file][(p.line, p.focus)].append(p)
    for file, nodes in grouped.items():
        lines.append(file)
        for (line, focus), problems in nodes.items():
            where = f"{file}:{line}" if line else file
            lines.append(f"  {focus}  ({where})")
            for p in problems:
                detail = f"{p.path}" + (f" = {p.value}" if p.value else "") if p.path else ""
                message = p.message if primary == DEFAULT_LANG else p.message_in(lang)
                severity = words.get(p.severity, p.severity)
                lines.append(f"    {severity}: {message}" + (f"  [{detail}]" if detail else ""))
    violations = sum(p.severity == "Violation" for p in outcome.problems)
    lines.append(words["summary"].format(violations=violations, warnings=len(outcome.problems) - violations,
                                         triples=outcome.triples))
    return "\n".join(lines)

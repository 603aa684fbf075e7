"""Validation messages in English and Spanish: every sh:message, sh:name and sh:description of the
shapes has an @en and an @es text with the same placeholders; both engines report every message of
a shape as its own sh:resultMessage with its language tag; a Problem keeps each language, and
`as_text(outcome, lang="es")` prints the Spanish messages and words, falling back to English per
message where Spanish is missing."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from migkg.validation import ENGINES, Problem, ValidationOutcome, as_text, turbo_available, validate
from migkg.validation.outcome import EngineRun, TemplateLanguages, build_outcome
from migkg.validation.reference import message_templates

from .conftest import ROOT
from .test_validation import INVALID, write

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = sorted((ROOT / "validation").glob("*.ttl"))
PLACEHOLDER = re.compile(r"\{[$?][A-Za-z_][A-Za-z0-9_]*\}")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    for path in SHAPES:
        graph.parse(path, format="turtle")
    return graph


def texts(graph: Graph, predicate) -> list[tuple]:
    """(subject, {language: [texts]}) for every subject with `predicate`."""
    found: dict = {}
    for s, o in graph.subject_objects(predicate):
        found.setdefault(s, {}).setdefault(o.language if isinstance(o, Literal) else "not a literal", []).append(str(o))
    return sorted(found.items(), key=lambda item: str(item[0]))


@pytest.mark.parametrize("predicate", [SH.message, SH.name, SH.description], ids=["message", "name", "description"])
def test_every_text_of_the_shapes_is_in_english_and_spanish(shapes, predicate):
    items = texts(shapes, predicate)
    assert items
    wrong = [(s, by_lang) for s, by_lang in items
             if set(by_lang) != {"en", "es"} or any(len(v) != 1 for v in by_lang.values())]
    assert not wrong, wrong


def test_there_are_as_many_spanish_as_english_messages(shapes):
    messages = list(shapes.objects(None, SH.message))
    assert sum(m.language == "en" for m in messages) == sum(m.language == "es" for m in messages) >= 132


def test_spanish_messages_keep_the_placeholders_exactly(shapes):
    checked = 0
    for s, by_lang in texts(shapes, SH.message):
        english, spanish = by_lang["en"][0], by_lang["es"][0]
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(spanish)), (s, english, spanish)
        assert english.count("{") == spanish.count("{") and english.count("}") == spanish.count("}"), s
        checked += bool(PLACEHOLDER.search(english))
    assert checked >= 5  # the SHACL-SPARQL constraints


def test_spanish_messages_are_not_copies_of_the_english(shapes):
    same = [by_lang["en"][0] for _, by_lang in texts(shapes, SH.message) if by_lang["en"][0] == by_lang["es"][0]]
    assert not same, same


# --- what the engines report -----------------------------------------------------------------

CASES = {name: body for name, body, _, _ in INVALID}
# (INVALID case, constraint component, the Spanish message or, with placeholders filled, its start)
SPANISH = [
    ("cardinality: mandate without function", "sh:MinCountConstraintComponent",
     "Un mandato necesita exactamente una mkg:mandateFunction del esquema de funciones "
     "(p. ej., mkg:AssistanceFunction)."),
    ("pattern: supreme decree identifier", "sh:PatternConstraintComponent",
     "Escriba el identificador de un decreto supremo como DS NNN-AAAA-SECTOR (p. ej., DS 007-2017-IN)."),
    ("language: Spanish label missing", "sh:QualifiedMinCountConstraintComponent",
     "Indique exactamente una rdfs:label en español (@es)"),
    ("sparql: end date before start", "sh:SPARQLConstraintComponent",
     "La fecha de fin (2018-04) es anterior a la fecha de inicio (2018-05-01): corrija una de las dos."),
    ("sparql: regulation adopted before the law it regulates", "sh:SPARQLConstraintComponent",
     "Este instrumento (https://example.org/ngo/x) tiene fecha 2015, anterior al instrumento que reglamenta"),
    ("ill-typed literal: impossible date", "sh:DatatypeConstraintComponent",
     "'2017-13-45' no es un valor válido de xsd:date"),
]


def engines():
    return [pytest.param(e, marks=pytest.mark.skipif(e == "turbo" and not turbo_available(),
                                                     reason="pyshacl-turbo not installed")) for e in ENGINES]


@pytest.mark.parametrize("case,component,spanish,engine", [  # the pySHACL engine (2 s a run) on all in the full tier
    pytest.param(*c, e.values[0], id=f"{c[0]}-{e.values[0]}",
                 marks=[*e.marks, *([pytest.mark.slow] if i and e.values[0] == "pyshacl" else [])])
    for i, c in enumerate(SPANISH) for e in engines()])
def test_both_engines_report_the_spanish_message(tmp_path, engine, case, component, spanish):
    outcome = validate([write(tmp_path, CASES[case])], engine=engine)
    hits = [p for p in outcome.problems if p.focus == "ex:x" and p.component == component]
    assert hits, [p.as_dict() for p in outcome.problems]
    problem = hits[0]
    assert problem.message_in("es").startswith(spanish), problem
    assert "{" not in problem.message_in("es")
    assert problem.message_in("en") == problem.message and not problem.message.startswith(spanish)
    assert problem.message_in("es-PE") == problem.message_in("es")
    as_json = json.loads(json.dumps(problem.as_dict()))
    assert as_json["message"] == problem.message
    assert as_json["messages"] == {"en": problem.message, "es": problem.message_in("es")}
    spanish_text = as_text(outcome, lang="es")
    assert f"Error: {problem.message_in('es')}" in spanish_text
    assert problem.message not in spanish_text
    assert re.search(r"^\d+ errores, \d+ advertencias en \d+ tripletas$", spanish_text.splitlines()[-1])
    english_text = as_text(outcome)
    assert english_text == as_text(outcome, lang="en")
    assert f"Violation: {problem.message}" in english_text and problem.message_in("es") not in english_text


def engines_pyshacl_slow() -> list:
    """engines(), the pySHACL engine (2 s a run over the reference data) in the full tier only."""
    return [pytest.param(e.values[0], marks=[*e.marks, *([pytest.mark.slow] if e.values[0] == "pyshacl" else [])])
            for e in engines()]


@pytest.mark.parametrize("engine", engines_pyshacl_slow())
def test_each_result_carries_every_message_of_its_shape(tmp_path, engine):
    """The report graph (the Turtle output) has one sh:resultMessage per language: tagged for SHACL
    Core constraints; for SHACL-SPARQL constraints both engines fill in the placeholders and drop
    the tag (two untagged messages), and the outcome tells the languages apart by the shapes'
    templates."""
    outcome = validate([write(tmp_path, CASES["cardinality: mandate without function"] + " "
                              + CASES["sparql: end date before start"].replace("ex:x ", "ex:y "))], engine=engine)
    report = outcome.report
    results = {str(report.value(r, SH.sourceConstraintComponent)): r for r in report.subjects(SH.resultMessage, None)}
    core = results[str(SH.MinCountConstraintComponent)]
    assert sorted(m.language for m in report.objects(core, SH.resultMessage)) == ["en", "es"]
    sparql = sorted(report.objects(results[str(SH.SPARQLConstraintComponent)], SH.resultMessage))
    assert len(sparql) == 2 and {m.language for m in sparql} <= {None, "en", "es"}
    by_focus = {p.focus: p for p in outcome.problems}
    assert by_focus["ex:y"].message == ("The end date (2018-04) is before the start date (2018-05-01): "
                                        "correct one of them.")
    assert by_focus["ex:y"].message_in("es").startswith("La fecha de fin (2018-04)")
    assert by_focus["ex:x"].message.startswith("A mandate needs")
    assert by_focus["ex:x"].message_in("es").startswith("Un mandato")


def test_the_templates_tell_the_languages_of_untagged_messages_apart():
    templates = message_templates()
    assert sum(lang == "es" for lang, _ in templates) == sum(lang == "en" for lang, _ in templates) > 100
    language_of = TemplateLanguages(templates)
    assert language_of("Ratified in 1950, before the instrument was adopted (1951): check both.") == "en"
    spanish = "Ratificado en 1950, antes de que se adoptara el instrumento (1951): revise ambas fechas."
    assert language_of(spanish) == "es"
    assert language_of("Give the referral date as xsd:date.") == "en"
    assert language_of("Something no shape says.") == ""


def test_the_spanish_words_when_the_data_conforms():
    outcome = ValidationOutcome(triples=12)
    assert as_text(outcome) == "conforms: 12 triples checked, no problems"
    assert as_text(outcome, lang="es") == "conforme: 12 tripletas revisadas, ningún problema"


# --- falling back to English -----------------------------------------------------------------

@dataclass
class Input:
    path: Path
    subjects: set
    prefixes: dict = field(default_factory=lambda: {"https://example.org/ngo/": "ex"})
    ill_typed_triples: list = field(default_factory=list)
    triples: int = 3

    def owns(self, term) -> bool:
        return term in self.subjects


def run_with_messages(tmp_path, messages: list) -> ValidationOutcome:
    """build_outcome on one result whose sh:resultMessage literals are `messages` (rdflib terms)."""
    path = tmp_path / "new.ttl"
    path.write_text("@prefix ex: <https://example.org/ngo/> .\nex:x ex:p ex:y .\n", encoding="utf-8")
    focus = URIRef("https://example.org/ngo/x")
    result = {"focus": focus, "path": URIRef("https://example.org/ngo/p"), "value": None,
              "message": messages[0] if messages else None, "messages": messages,
              "severity": URIRef(SH + "Violation"), "component": URIRef(SH + "MinCountConstraintComponent")}
    run = EngineRun(inputs=[Input(path, {focus})], results=[result], report_factory=Graph,
                    component_prefixes={str(SH): "sh"})
    return build_outcome(run, [])


def test_a_message_without_spanish_falls_back_to_english(tmp_path):
    outcome = run_with_messages(tmp_path, [Literal("Say it in English only.", lang="en")])
    problem, = outcome.problems
    assert problem.message_in("es") == "Say it in English only."
    assert problem.as_dict()["messages"] == {"en": "Say it in English only."}
    spanish = as_text(outcome, lang="es")
    assert "    Error: Say it in English only.  [ex:p]" in spanish.splitlines()
    assert spanish.splitlines()[-1] == "1 errores, 0 advertencias en 3 tripletas"


def test_an_untagged_message_counts_as_english(tmp_path):
    outcome = run_with_messages(tmp_path, [Literal("Plain message."), Literal("Mensaje.", lang="es")])
    problem, = outcome.problems
    assert problem.message == "Plain message." and problem.message_in("es") == "Mensaje."
    assert problem.as_dict()["messages"] == {"en": "Plain message.", "es": "Mensaje."}


def test_the_english_message_is_chosen_whatever_order_the_engine_gives(tmp_path):
    both = [Literal("Mensaje.", lang="es"), Literal("Message.", lang="en")]
    for messages in (both, both[::-1]):
        problem, = run_with_messages(tmp_path, messages).problems
        assert (problem.message, problem.message_in("es")) == ("Message.", "Mensaje.")


def test_a_result_without_any_message(tmp_path):
    problem, = run_with_messages(tmp_path, []).problems
    assert problem.message == "constraint not met"
    assert problem.message_in("es") == "no se cumple una restricción"


def test_a_problem_built_without_messages_still_works():
    problem = Problem(file="f.ttl", line=1, focus="ex:x", path=None, value=None, message="Fix it.",
                      severity="Warning", component="sh:MinCountConstraintComponent")
    assert problem.message_in("es") == "Fix it."
    assert problem.as_dict()["messages"] == {"en": "Fix it."}
    outcome = ValidationOutcome(problems=[problem], triples=1)
    assert as_text(outcome, lang="es").splitlines()[2] == "    Advertencia: Fix it."
    assert as_text(outcome).splitlines()[2] == "    Warning: Fix it."

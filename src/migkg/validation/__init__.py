"""Validating data with the SHACL shapes in validation/, before it enters the graph: one interface,
engines behind it.

    validate(files, fmt, engine=DEFAULT_ENGINE) -> ValidationOutcome
    as_text(outcome, lang="en") -> str   (lang "es": the Spanish messages and words)

`files` are validated together with the ontology scaffold and the project's reference data, and
only problems whose focus nodes come from the files are reported (no files: the project's own
graph). Engines (ENGINES), each a module in migkg.validation.engines with `run(paths, fmt, own)`:
  - "turbo" (DEFAULT_ENGINE): pyshacl-turbo's native validator on N-Quads text; the reference
    data and the compiled form of the shapes come from migkg's on-disk cache, so a small file is
    validated without importing rdflib; a large input runs in parts side by side;
  - "pyshacl": pySHACL on an rdflib graph, the reference.
tests/test_validation_engines.py checks that they give the same results on fixtures, a register
and the project's graph, and tests/test_w3c_shacl.py runs the W3C SHACL test suite through both
(README: "Validation engines: known deviations"). Both engines share the reading of results,
names, lines and the ill-typed literal check (migkg.validation.outcome) and the reference data
(migkg.validation.reference); engines depend on those, never the other way round.

This module imports no engine and no rdflib: `migkg validate` pays only for the engine it runs."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from migkg import resources
from migkg.errors import InputError
from migkg.validation.outcome import (
    RESULT_KEYS,
    Problem,
    ValidationOutcome,
    as_text,
    build_outcome,
    result_tuples,
    results_from_report,
)

ENGINES = ("pyshacl", "turbo")
DEFAULT_ENGINE = "turbo"
_ENGINE_MODULES = {"pyshacl": "migkg.validation.engines.pyshacl_engine",
                   "turbo": "migkg.validation.engines.turbo_engine"}

# The reference graphs, for callers that build their own runs (tests, benchmarks); read on first use.
_REFERENCE_NAMES = ("shapes_graph", "ontology_scaffold", "reference_graph")


def turbo_available() -> bool:
    """Whether pyshacl-turbo is installed (found, not imported)."""
    return importlib.util.find_spec("pyshacl_turbo") is not None


def engine_module(engine: str):
    """The module of an engine (imported now)."""
    if engine not in ENGINES:
        raise InputError("--engine", f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    return importlib.import_module(_ENGINE_MODULES[engine])


def validate(files: list[Path] | None = None, fmt: str | None = None,
             engine: str = DEFAULT_ENGINE) -> ValidationOutcome:
    """Validate the given files together with the ontology and reference data (reporting only
    problems whose focus nodes come from the files), or the project's own graph."""
    if engine not in ENGINES:
        raise InputError("--engine", f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "turbo" and not turbo_available():
        raise InputError("--engine turbo", "pyshacl-turbo is not installed; install it with: pip install "
                                           "'pyshacl-turbo>=0.6.5,<0.7' (or use --engine pyshacl)")
    own = files is None
    paths = resources.data_files() if own else [Path(f) for f in files]
    run = engine_module(engine).run(paths, fmt, own)
    from migkg.validation.reference import default_prefixes, message_templates

    return build_outcome(run, default_prefixes(), message_templates())


def __getattr__(name: str):
    if name in _REFERENCE_NAMES:
        from migkg.validation import reference

        return getattr(reference, name)
    raise AttributeError(f"module 'migkg.validation' has no attribute {name!r}")


__all__ = ["DEFAULT_ENGINE", "ENGINES", "RESULT_KEYS", "Problem", "ValidationOutcome", "as_text", "engine_module",
           "result_tuples", "results_from_report", "turbo_available", "validate", *_REFERENCE_NAMES]

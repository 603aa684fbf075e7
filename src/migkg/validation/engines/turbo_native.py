"""The one module that touches pyshacl-turbo's internals (the turbo engine's adapter).

pyshacl-turbo's public `validate` takes rdflib graphs and returns an rdflib report, and its
package imports rdflib (~0.1 s) before anything else. migkg needs less and goes below it:
  - `parse_rdf`: the native parser, files to canonical N-Quads text (one statement per line);
  - `canonical_shapes`: the shapes graph in the form the native compiler takes (computed once
    from an rdflib graph, then cached by the caller as text);
  - `validate_nquads`: the native validator on N-Quads text, the report as N-Triples text;
  - `decode_report`: that text as an rdflib report graph, decoded as the library decodes it.
The native extension (`pyshacl_turbo._native`) is loaded on its own, without the package's
`__init__`, so the default path does not import rdflib. These are private parts of the library,
so the installed version is checked first (`check_version`): outside SUPPORTED, a one-line
MigkgError names it. The calls below replicate what pyshacl_turbo.validate(data, shacl_graph=...,
inference="none", advanced=True, allow_warnings=True) does for N-Quads text input in 0.6.x."""

from __future__ import annotations

import functools
import re
import sys
import warnings
from dataclasses import dataclass

from migkg.errors import InputError, MigkgError
from migkg.validation.outcome import EngineFailure

DISTRIBUTION = "pyshacl-turbo"
SUPPORTED = ">=0.6.5,<0.7"
_LOWEST, _BELOW = (0, 6, 5), (0, 7)
NATIVE_FORMATS = {"turtle": "turtle", "ttl": "turtle", "trig": "trig", "nt": "nt", "ntriples": "nt",
                  "nquads": "nquads", "nq": "nquads"}  # migkg's format names -> the native parser's


class UnsupportedVersion(MigkgError):
    """The installed pyshacl-turbo is not a version this adapter was written for."""


def _release(version: str) -> tuple[int, ...] | None:
    match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version)
    return tuple(int(part or 0) for part in match.groups()) if match else None


def supported(version: str) -> bool:
    release = _release(version)
    if release is None:
        return False
    pre = bool(re.search(r"(a|b|rc|dev)\d*$", version.split("+")[0]))  # 0.6.5rc1 comes before 0.6.5
    return (release > _LOWEST or (release == _LOWEST and not pre)) and release[:2] < _BELOW


@functools.lru_cache(maxsize=1)
def check_version() -> str:
    """The installed pyshacl-turbo version, or a one-line error: not installed, or unsupported."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version(DISTRIBUTION)
    except PackageNotFoundError:
        raise InputError("--engine turbo", f"pyshacl-turbo is not installed; install it with: pip install "
                                           f"'pyshacl-turbo{SUPPORTED}' (or use --engine pyshacl)") from None
    if not supported(installed):
        raise UnsupportedVersion(f"pyshacl-turbo {installed} is installed, but migkg's turbo engine supports "
                                 f"pyshacl-turbo{SUPPORTED}: pip install 'pyshacl-turbo{SUPPORTED}' (or use "
                                 f"--engine pyshacl)")
    return installed


@functools.lru_cache(maxsize=1)
def native():
    """pyshacl_turbo._native, loaded without running pyshacl_turbo/__init__.py (which imports
    rdflib). Registered under its own name, so a later `import pyshacl_turbo` reuses it (an
    extension module is initialised once per process)."""
    check_version()
    name = "pyshacl_turbo._native"
    module = sys.modules.get(name)
    if module is not None:
        return module
    import importlib.machinery
    import importlib.util
    from pathlib import Path

    package = importlib.util.find_spec("pyshacl_turbo")  # finds the package without importing it
    for folder in (package.submodule_search_locations or []) if package else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            candidate = Path(folder) / f"_native{suffix}"
            if candidate.is_file():
                spec = importlib.util.spec_from_file_location(name, candidate)
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module
                try:
                    spec.loader.exec_module(module)
                except BaseException:
                    sys.modules.pop(name, None)
                    raise
                return module
    import pyshacl_turbo._native as module  # an unusual layout: the ordinary import

    return module


def parse_rdf(text: str, fmt: str, base: str | None = None) -> tuple[str, dict[str, str]]:
    """(canonical N-Quads, {namespace: prefix}) of RDF text; ValueError when it does not parse."""
    nquads, prefixes = native().parse_rdf(text, NATIVE_FORMATS[fmt], base)
    return nquads, {namespace: prefix for prefix, namespace in prefixes}


@dataclass(frozen=True)
class Shapes:
    """A shapes graph as the native compiler takes it: plain text, so it can be cached on disk and
    sent to worker processes."""

    canonical: str
    namespaces: tuple[tuple[str, str], ...]  # (prefix, namespace) of the shapes graph, in its order


def canonical_shapes(shapes_graph) -> Shapes:
    """The rdflib shapes graph in the native compiler's form (what CompiledShapes does with a Graph)."""
    check_version()
    from pyshacl_turbo.rdf import shape_batches

    canonical = native().canonical_shapes(shape_batches(shapes_graph, {}))
    return Shapes(canonical, tuple((prefix, str(ns)) for prefix, ns in shapes_graph.namespaces()))


@functools.lru_cache(maxsize=4)
def _program(shapes: Shapes):
    # advanced=True; numeric_booleans=True, as for shapes given as an rdflib Graph.
    return native().CompiledShapes(shapes.canonical, "nt", None, True, True, list(shapes.namespaces))


def validate_nquads(nquads: str, shapes: Shapes, allow_warnings: bool = True) -> tuple[bool, str]:
    """(conforms, the report as N-Triples) of N-Quads text, inference none; with allow_warnings
    (migkg's setting) only violations make it not conform."""
    module = native()
    try:
        conforms, report, _, _, recursion = _program(shapes).validate(
            nquads, "nquads", None,
            False, 100, 15,  # iterate_rules, max_rule_iterations, max_validation_depth
            False, False, allow_warnings, False,  # inplace, allow_infos, allow_warnings, abort_on_first
            [], [], [])  # focus_nodes, use_shapes, namespaces
    except module.ValidationFailure as failure:
        first = str(failure).strip().splitlines()
        why = first[0] if first else type(failure).__name__
        raise EngineFailure(f"pyshacl-turbo: validation failure: {why}") from None
    for message in recursion:
        warnings.warn(message, RuntimeWarning, stacklevel=2)
    return bool(conforms), report


def decode_report(raw: str):
    """The report graph from the engine's N-Triples, decoded as the library decodes it (blank node
    ids kept, so results point at the shapes' own nodes)."""
    check_version()
    from pyshacl_turbo.rdf import decode

    return decode(raw, {}, preserve_ids=True, report=True, normalize=True)

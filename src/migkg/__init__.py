"""migkg: an open knowledge graph of migration governance (country by country: which countries, the data says).

The knowledge lives in Turtle files (ontology/, data/, queries/, validation/);
this package loads, reasons over, queries, validates and exports it.
"""

import logging

# rdflib logs a full traceback for every ill-typed literal it meets (e.g. "2017-13-45"^^xsd:date)
# whenever the literal's value is computed. migkg reports such literals as validation problems
# of their node (migkg validate), so the tracebacks are noise on stderr.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)

__version__ = "0.1.0"

# The package itself imports nothing heavy, so that the `migkg` command (migkg.entry) can catch
# a Ctrl-C that arrives while rdflib and the rest are still being imported.
_LAZY = {"MigkgError": "migkg.errors", "InputError": "migkg.errors", "KnowledgeGraph": "migkg.store",
         "load_default_graph": "migkg.store"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'migkg' has no attribute {name!r}")


__all__ = ["KnowledgeGraph", "load_default_graph", "MigkgError", "InputError", "__version__"]

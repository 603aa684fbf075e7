"""migkg: an open knowledge graph of migration governance (Peru first).

The knowledge lives in Turtle files (ontology/, data/, queries/, validation/);
this package loads, reasons over, queries, validates and exports it.
"""

import logging

# rdflib logs a full traceback for every ill-typed literal it meets (e.g. "2017-13-45"^^xsd:date)
# whenever the literal's value is computed. migkg reports such literals as validation problems
# of their node (migkg validate), so the tracebacks are noise on stderr.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)

from migkg.errors import MigkgError, InputError  # noqa: E402
from migkg.store import KnowledgeGraph, load_default_graph  # noqa: E402

__version__ = "0.1.0"

__all__ = ["KnowledgeGraph", "load_default_graph", "MigkgError", "InputError", "__version__"]

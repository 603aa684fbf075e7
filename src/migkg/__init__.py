"""migkg: an open knowledge graph of migration governance (Peru first).

The knowledge lives in Turtle files (ontology/, data/, queries/, validation/);
this package loads, reasons over, queries, validates and exports it.
"""

from migkg.errors import MigkgError, InputError
from migkg.store import KnowledgeGraph, load_default_graph

__version__ = "0.1.0"

__all__ = ["KnowledgeGraph", "load_default_graph", "MigkgError", "InputError", "__version__"]

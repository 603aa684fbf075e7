"""Loading the graph into a triple store, all or nothing.

Two ways in, both standard:

* ``--store URL``: the SPARQL 1.1 Graph Store HTTP Protocol (GSP), over ``requests``.
* ``--update URL``: SPARQL 1.1 Update, through SPARQLWrapper, for stores without GSP.

Every load goes through a fresh staging graph ``urn:migkg:staging:<uuid>``:

1. upload: GSP ``PUT ?graph=staging`` (N-Triples), or ``INSERT DATA { GRAPH <staging> {…} }``
   in chunks (no blank nodes are left: see skolemisation below);
2. check: the store's triple count in the staging graph must equal the local count
   (GSP ``GET`` of the staging graph, or ``SELECT (COUNT(*) …)`` at ``--query``, which
   defaults to the ``--update`` URL);
3. move, in one request: ``MOVE <staging> TO <target>`` (or ``TO DEFAULT``) when an update
   endpoint is given; with ``--store`` alone, one GSP ``PUT`` of the checked content on the
   target graph, then ``DELETE`` of the staging graph.

Any failure before or in the move leaves the target graph as it was and removes the
staging graph (when the store can still be reached).

Retries cannot duplicate anything: blank nodes are skolemised first (deterministically, from
the canonical form of the graph, into ``https://w3id.org/migkg/.well-known/genid/…``), so every
request is idempotent (``INSERT DATA`` of ground triples, ``PUT``, ``DROP SILENT``). A request that
got no answer (a timeout, a dropped connection) is retried after reading what the store holds:
the move is not sent again when the staging graph is already gone (``MOVE``) or the target
already holds exactly the graph (``PUT``). ``429 Too Many Requests`` and ``503`` with a
``Retry-After`` wait as long as the store asks (up to ``--max-wait``). Staging graphs that a
crashed load left behind are listed and removed by ``migkg load --cleanup``. Credentials come from the
environment (``MIGKG_USER`` and ``MIGKG_PASSWORD``) or a netrc file (``$NETRC`` or
``~/.netrc``), never from arguments: HTTP Basic, or Digest when the server asks for it
(Virtuoso's ``/sparql-auth`` and ``/sparql-graph-crud-auth``).
Every problem becomes one ``LoadError`` line (exit code 2).
"""

from migkg.load.endpoints import UpdateEndpoint
from migkg.load.loader import STAGING_PREFIX, Loader, load, ntriples, skolemise
from migkg.load.problems import LoadError, retry_after_seconds

__all__ = ["STAGING_PREFIX", "LoadError", "Loader", "UpdateEndpoint", "load", "ntriples", "retry_after_seconds",
           "skolemise"]

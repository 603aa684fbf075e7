"""The shared core every other module builds on: namespaces, atomic writes, the on-disk cache,
RDF term conversion, the format registry and canonicalisation. Nothing here imports another
migkg module except ``migkg.errors`` (so the core can never be part of an import cycle)."""

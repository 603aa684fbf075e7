"""Steps of `migkg report` that run in their own process, beside the main one.

The report's slowest steps are independent of each other: OWL RL reasoning, SHACL
validation and the pyLODE ontology documentation, while the main process runs the queries
and draws the pages. Each is taken from the on-disk cache when the knowledge files have not
changed (``migkg.report.background``); a run that finds one missing starts a worker for it, so
on a two-core machine they run side by side. Each worker is started as
``python -m migkg.workers STEP ...``, refuses every network connection, and reports a failure as
one line on stderr with exit code 2 (never a traceback).

- ``reason``: OWL RL reasoning over the project's graph (``migkg.closure``, which keeps the
  closure in the cache); prints JSON on stdout (counts and inconsistencies).
- ``validate``: SHACL validation of the project's data; prints JSON on stdout.
- ``ontodoc OUT``: writes the ontology documentation page to ``OUT``. pyLODE walks sets,
  whose order depends on Python's string hashing, so it is started with PYTHONHASHSEED=0
  for pages that are the same bytes on every run.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path


def validate_step() -> dict:
    from migkg.validation import validate

    outcome = validate()
    return {
        "conforms": outcome.conforms,
        "triples": outcome.triples,
        "problems": [p.as_dict() for p in outcome.problems],
    }


def reason_step() -> dict:
    from migkg.closure import closure_summary
    from migkg.graphstore import open_default

    result = closure_summary(open_default())
    return {"asserted": result.asserted, "inferred": result.inferred, "problems": result.problems}


def main(argv: list[str]) -> int:
    from migkg import netguard
    from migkg.errors import MigkgError

    netguard.restrict()
    logging.disable(logging.WARNING)  # pyLODE and rdflib log at INFO and WARNING on stderr
    try:
        if argv[:1] == ["validate"] and len(argv) == 1:
            sys.stdout.write(json.dumps(validate_step(), ensure_ascii=False))
            return 0
        if argv[:1] == ["reason"] and len(argv) == 1:
            sys.stdout.write(json.dumps(reason_step(), ensure_ascii=False))
            return 0
        if argv[:1] == ["ontodoc"] and len(argv) == 2:
            from migkg.report.ontodoc import write_ontology_page

            write_ontology_page(Path(argv[1]))
            return 0
        sys.stderr.write("migkg: usage: python -m migkg.workers reason | validate | ontodoc OUT\n")
        return 2
    except MigkgError as exc:
        sys.stderr.write(f"migkg: {exc}\n")
        return exc.exit_code
    except Exception as exc:  # one line for the parent to pass on, never a traceback
        text = str(exc).strip().splitlines()
        sys.stderr.write(f"migkg: {type(exc).__name__}: {text[0] if text else ''}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover - run as a separate process
    sys.exit(main(sys.argv[1:]))

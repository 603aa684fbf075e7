"""Worker process of the turbo engine for some parts of a large input (see
migkg.validation.engines.turbo_parts.validate_parts): reads (part texts, reference text, shapes)
and whether to scan for ill-typed literals, pickled on standard input; validates the parts one after
the other (the shapes compiled once) and writes the list of (results, report as N-Triples, the
part's ill-typed literals) pickled on standard output."""

import pickle
import sys

from migkg.validation.engines.turbo_parts import run_parts


def main() -> None:
    texts, reference, shapes, scan = pickle.load(sys.stdin.buffer)
    out = run_parts(texts, reference, shapes, scan)
    sys.stdout.buffer.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()

"""Worker process of the turbo engine for one part of a large input (see
migkg.validation.engines.turbo_parts.validate_parts): reads (part text, reference text, shapes)
pickled on standard input, writes (results, report as N-Triples) pickled on standard output."""

import pickle
import sys

from migkg.validation.engines.turbo_parts import run_text


def main() -> None:
    text, reference, shapes = pickle.load(sys.stdin.buffer)
    out = run_text([text, reference], shapes)
    sys.stdout.buffer.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()

"""Worker process of `migkg validate --engine turbo` for one chunk of a large input (see
migkg.turbo.validate_texts): reads (chunk text, reference text, shapes graph) pickled on standard
input, writes (results, report as N-Triples) pickled on standard output."""

import pickle
import sys

from migkg.turbo import _validate_chunk


def main() -> None:
    text, reference, shapes = pickle.load(sys.stdin.buffer)
    out = _validate_chunk(text, reference, shapes)
    sys.stdout.buffer.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()

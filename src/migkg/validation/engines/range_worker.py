"""Worker process of the turbo engine's fast path for a large N-Triples file (see
migkg.validation.engines.turbo_ranges): two rounds over pickled messages on standard input and
output.
  1. in: (file path, its byte ranges for this worker, reference text, shapes, join predicates);
     out: what each range says of itself (turbo_ranges.scan), or why it cannot be validated apart;
  2. in: whether to go on; out: (results, report as N-Triples, ill-typed literals) of each range.
Each range's text is read once and kept between the rounds."""

import pickle
import sys

from migkg.validation.engines import turbo_parts, turbo_ranges


def main() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    path, ranges, reference, shapes, joined = pickle.load(stdin)
    reference_iris = turbo_parts.reference_iris(reference)
    texts, scans = [], []
    for start, end in ranges:
        try:
            text = turbo_ranges.read_range(path, start, end)
        except (OSError, UnicodeDecodeError):
            text, scanned = None, "unreadable"
        else:
            scanned = turbo_ranges.scan(text, reference_iris, joined)
        texts.append(text)
        scans.append(scanned)
    stdout.write(pickle.dumps(scans, protocol=pickle.HIGHEST_PROTOCOL))
    stdout.flush()
    if not pickle.load(stdin):
        return
    out = turbo_parts.run_parts(texts, reference, shapes, True)
    stdout.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    stdout.flush()


if __name__ == "__main__":
    main()

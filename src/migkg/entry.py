"""The `migkg` console script. It imports the command line inside a guard, so that Ctrl-C at any
moment (even while rdflib is still being imported) ends in one line and exit code 130, after
the `finally` blocks have removed any temporary file; never in a traceback."""

from __future__ import annotations

import sys

INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def main() -> None:
    try:
        from migkg.cli import main as cli

        cli()
    except KeyboardInterrupt:
        sys.stderr.write("migkg: interrupted\n")
        sys.exit(INTERRUPTED)


if __name__ == "__main__":  # pragma: no cover
    main()

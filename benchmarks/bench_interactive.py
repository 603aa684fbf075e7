"""What a user waits for, as ratios to a floor measured in the same run (these machines are noisy).

The floor: a fresh Python process that bulk-loads the exported graph (N-Triples) into pyoxigraph
and runs the saved query ``documented-gaps``: the least any command that answers from the graph
can cost. Each command runs in a fresh process too, several times; the median is printed as a
time and as a ratio to the floor's median, beside the issue's target ratio.

    migkg query documented-gaps --format csv        target <= 6x the floor
    migkg report (warm cache: second build onwards) target <= 30x the floor (and <= 2 s)
    migkg validate data/peru/statuses.ttl           target <= 8x the floor

The first report build of a checkout (cold cache: OWL RL, validation, pictures and the ontology
page computed once) is printed once, for information.

Usage: python benchmarks/bench_interactive.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

FLOOR = """
import sys, pyoxigraph as ox
store = ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
text = open(sys.argv[2], encoding="utf-8").read()
rows = list(store.query(text))
print(len(rows))
"""


def timed(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return elapsed


def median_of(runs: int, args: list[str], env: dict) -> float:
    return statistics.median(timed(args, env) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (the median is printed)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="migkg-bench-"))
    env = dict(os.environ, MIGKG_CACHE_DIR=str(work / "cache"))
    migkg = str(BIN / "migkg")
    try:
        exported = work / "graph.nt"
        subprocess.run([migkg, "export", "--format", "nt", "-o", str(exported)], cwd=ROOT, env=env, check=True,
                       stderr=subprocess.DEVNULL)
        floor_script = work / "floor.py"
        floor_script.write_text(FLOOR, encoding="utf-8")
        query_file = next((ROOT / "queries").rglob("documented-gaps.rq"))
        floor_args = [sys.executable, str(floor_script), str(exported), str(query_file)]

        cold = timed([migkg, "report", "-o", str(work / "report")], env)

        commands = [
            ("migkg query documented-gaps --format csv", [migkg, "query", "documented-gaps", "--format", "csv"], 6),
            ("migkg report (warm cache)", [migkg, "report", "-o", str(work / "report")], 30),
            ("migkg validate data/peru/statuses.ttl", [migkg, "validate", "data/peru/statuses.ttl"], 8),
        ]
        # Interleave floor and commands, so a slow spell of the machine hits both alike.
        floors: list[float] = []
        times: dict[str, list[float]] = {name: [] for name, _, _ in commands}
        for _ in range(args.runs):
            floors.append(timed(floor_args, env))
            for name, command, _ in commands:
                times[name].append(timed(command, env))
        floor = statistics.median(floors)
        print(f"floor (fresh python: bulk-load the exported N-Triples into pyoxigraph, run documented-gaps): "
              f"median {floor:.3f} s over {args.runs} runs")
        print(f"{'command':46} {'median':>9} {'ratio':>7} {'target':>7}  verdict")
        for name, _, target in commands:
            median = statistics.median(times[name])
            ratio = median / floor
            print(f"{name:46} {median:8.3f}s {ratio:6.1f}x {target:6d}x  {'met' if ratio <= target else 'NOT met'}")
        print(f"{'migkg report (cold cache, first build)':46} {cold:8.3f}s {cold / floor:6.1f}x {'-':>7}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Time every saved query: over the Peru graph alone (whole catalogue), and over the Peru graph
plus a synthetic case register (each query), on the embedded pyoxigraph store; rdflib's time on
the Peru graph is printed for reference.

Targets: every query under 1 s with the 100k-case register; the whole catalogue over the Peru
graph alone under 0.5 s.

Usage: python benchmarks/bench_queries.py [--cases 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate_cases  # noqa: E402

from migkg import sparql  # noqa: E402
from migkg.queries import catalogue  # noqa: E402
from migkg.store import load_default_graph  # noqa: E402


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("build/bench"))
    args = parser.parse_args()

    queries = catalogue()
    graph = load_default_graph().graph
    store = sparql.oxigraph_store(graph)
    print(f"Peru graph: {len(graph)} triples, {len(queries)} saved queries")

    per_query = {}
    for q in queries:
        b = q.bindings()
        per_query[q.name] = best_of(args.repeat, lambda q=q, b=b: sparql.run_oxigraph(store, q.text, b))
    total = sum(per_query.values())
    rdflib_total = sum(best_of(1, lambda q=q: sparql.run_rdflib(graph, q.text, q.bindings())) for q in queries)
    print(f"whole catalogue over the Peru graph: oxigraph {total:.3f} s (target < 0.5 s: "
          f"{'met' if total < 0.5 else 'NOT met'}); rdflib {rdflib_total:.3f} s (reference)")

    register = args.workdir / f"cases-{args.cases}.nt"
    if not register.exists():
        generate_cases.write(args.cases, register)
    start = time.perf_counter()
    store.bulk_load(path=str(register), format=ox.RdfFormat.N_TRIPLES)
    load_time = time.perf_counter() - start
    print(f"+ synthetic register: {args.cases} cases, {len(store)} triples in the store, loaded in {load_time:.1f} s")

    slowest = 0.0
    print(f"{'query':45} {'rows':>7} {'seconds':>8}")
    for q in queries:
        b = q.bindings()
        rows = len(sparql.run_oxigraph(store, q.text, b))
        seconds = best_of(args.repeat, lambda q=q, b=b: sparql.run_oxigraph(store, q.text, b))
        slowest = max(slowest, seconds)
        print(f"{q.name:45} {rows:>7} {seconds:>8.3f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"slowest query with the register: {slowest:.3f} s (target < 1 s: {'met' if slowest < 1 else 'NOT met'}); "
          f"peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()

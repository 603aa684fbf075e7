"""Time `migkg validate` on synthetic case registers of 1k, 10k and 100k cases.

For each size: generate the register (benchmarks/generate_cases.py) as N-Triples in a temporary
directory, run `migkg validate --format json` as a subprocess and measure its wall time, CPU time and peak
memory (summed over its worker processes), with each requested engine. Beside it, in a child process too:
  - plain pySHACL with inference="none" on the same merged graph (register + reference data +
    ontology scaffold): the reference; migkg's results must equal it, as sets of
    (focus node, path, constraint component, value, severity) restricted to the register's focus
    nodes (plus the ill-typed literals migkg reports itself, which pySHACL also flags);
  - plain pySHACL with inference="owlrl" on the merged graph (the naive way), only for sizes up to
    --naive-max cases, because it does not finish within 10 minutes beyond that.

Usage: python benchmarks/bench_validate.py [--sizes 1000,10000,100000] [--engines pyshacl,turbo]
           [--naive-max 1000] [--reference-max 1000] [--timeout 600]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_cases  # noqa: E402

BIN = Path(sys.executable).parent


def run_child(args: list[str], timeout: float) -> tuple[float, float, float, subprocess.CompletedProcess | None]:
    """Run a child, return (wall seconds, CPU seconds, peak MiB, completed process or None on
    timeout). Peak memory is the largest sum of the resident memory of the child and all its
    descendants (`migkg validate --engine turbo` runs large inputs in worker processes side by
    side), sampled every 20 ms with psutil, and never less than the largest single process's
    ru_maxrss; CPU time (user + system) is that of the child and its descendants. Each is run
    from a fresh intermediate process. CPU time beside wall time shows whether a run was
    computing or waiting (and whether an engine used more than one core)."""
    wrapper = (
        "import json, resource, subprocess, sys, threading, time\n"
        "import psutil\n"
        "peak = [0]\n"
        "def sample(p, done):\n"
        "    root = psutil.Process(p.pid)\n"
        "    while not done.is_set():\n"
        "        total = 0\n"
        "        for proc in [root] + root.children(recursive=True):\n"
        "            try:\n"
        "                total += proc.memory_info().rss\n"
        "            except psutil.Error:\n"
        "                pass\n"
        "        peak[0] = max(peak[0], total)\n"
        "        done.wait(0.02)\n"
        "t = time.perf_counter()\n"
        "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
        "done = threading.Event()\n"
        "sampler = threading.Thread(target=sample, args=(p, done), daemon=True)\n"
        "sampler.start()\n"
        "try:\n"
        f"    out, err = p.communicate(timeout={timeout})\n"
        "    rc, out, err = p.returncode, out.decode(), err.decode()\n"
        "except subprocess.TimeoutExpired:\n"
        "    for proc in psutil.Process(p.pid).children(recursive=True):\n"
        "        proc.kill()\n"
        "    p.kill(); p.communicate()\n"
        "    rc, out, err = None, '', 'timeout'\n"
        "wall = time.perf_counter() - t\n"
        "done.set(); sampler.join()\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "peak, cpu = max(peak[0] / 2**20, usage.ru_maxrss / 1024), usage.ru_utime + usage.ru_stime\n"
        "sys.stdout.write(json.dumps({'rc': rc, 'wall': wall, 'peak': peak, 'cpu': cpu, 'out': out, 'err': err}))\n"
    )
    p = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True)
    info = json.loads(p.stdout)
    if info["rc"] is None:
        return info["wall"], info["cpu"], info["peak"], None
    completed = subprocess.CompletedProcess(args, info["rc"], info["out"], info["err"])
    return info["wall"], info["cpu"], info["peak"], completed


REFERENCE = r'''
import json, logging, sys
logging.disable(logging.CRITICAL)
from pyshacl import validate
from rdflib import Graph
from migkg.validation import ontology_scaffold, reference_graph, result_tuples, shapes_graph
path, inference, out = sys.argv[1], sys.argv[2], sys.argv[3]
data = Graph()
data.parse(path, format="nt")
focus = set(data.subjects())
data += reference_graph()
data += ontology_scaffold()
_, report, _ = validate(data, shacl_graph=shapes_graph(), inference=inference, advanced=True, allow_warnings=True,
                        **({"inplace": True} if inference == "none" else {}))
rows = sorted(json.dumps([str(x) if not isinstance(x, tuple) else repr(x) for x in t])
              for t in result_tuples(report) if t[0] in focus)
open(out, "w").write("\n".join(rows))
print(len(rows))
'''

MIGKG_TUPLES = r'''
import json, logging, sys
logging.disable(logging.CRITICAL)
from migkg import store
from migkg.validation import result_tuples, validate
path, engine, out = sys.argv[1], sys.argv[2], sys.argv[3]
store.configure(file_bytes=1 << 40)
outcome = validate([path], engine=engine)
rows = sorted(json.dumps([str(x) if not isinstance(x, tuple) else repr(x) for x in t])
              for t in result_tuples(outcome.report) if any(i.owns(t[0]) for i in outcome.inputs))
open(out, "w").write("\n".join(rows))
'''


def fmt_row(label: str, wall: float | None, cpu: float | None, peak: float | None, triples: int | str,
            results: int | str) -> str:
    w = f"{wall:8.1f} s (cpu {cpu:6.1f} s)" if wall is not None else "       -  " + " " * 15
    m = f"{peak:8.0f} MiB" if peak is not None else "        -   "
    return f"  {label:<34} {w} {m}  {triples!s:>10} triples  {results!s:>8} results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--engines", default="pyshacl,turbo")
    parser.add_argument("--naive-max", type=int, default=1000,
                        help="largest size for plain pySHACL with inference='owlrl' (default 1000)")
    parser.add_argument("--reference-max", type=int, default=1000,
                        help="largest size for plain pySHACL with inference='none' (the equality check)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is abandoned")
    parser.add_argument("--keep", type=Path, help="write the registers here instead of a temporary directory")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    engines = [e for e in args.engines.split(",") if e]
    migkg = str(BIN / "migkg")

    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            register = work / f"cases-{n}.nt"
            triples = generate_cases.write(n, register)
            defective = generate_cases.defective_people(n)
            size = register.stat().st_size >> 20
            print(f"{n} cases: {triples} triples, {len(defective)} defective records ({size} MiB)")
            engine_results: dict[str, set] = {}
            for engine in engines:
                out = work / f"migkg-{engine}-{n}.json"
                wall, cpu, peak, p = run_child([migkg, "validate", "--engine", engine, "--format", "json",
                                           "--max-file-size", str(1 << 40), str(register)], args.timeout)
                if p is None:
                    print(fmt_row(f"migkg validate --engine {engine}", wall, cpu, peak, triples,
                                  f"timeout>{args.timeout:.0f}s"))
                    continue
                if p.returncode not in (0, 1):
                    print(fmt_row(f"migkg validate --engine {engine}", wall, cpu, peak, triples, "error"))
                    print("    " + (p.stderr.strip().splitlines() or ["?"])[-1])
                    continue
                problems = json.loads(p.stdout)["problems"]
                out.write_text(p.stdout)
                people = {f"{generate_cases.CASES}{q['focus'].split('synthetic/')[-1].split('/')[0].lstrip('<')}"
                          .rstrip(">") for q in problems if q["severity"] == "Violation"}
                engine_results[engine] = {(q["focus"], q["path"], q["component"], q["value"], q["severity"])
                                          for q in problems}
                found = people == set(defective)
                print(fmt_row(f"migkg validate --engine {engine}", wall, cpu, peak, triples, len(problems))
                      + f"  defective persons found exactly: {found}")
            if len(engine_results) > 1:
                values = list(engine_results.values())
                print(f"  engines agree on all problems: {all(v == values[0] for v in values)}")

            for inference, limit in (("none", args.reference_max), ("owlrl", args.naive_max)):
                label = f"plain pySHACL inference={inference!r}"
                if n > limit:
                    why = "--reference-max" if inference == "none" else "--naive-max"
                    print(f"  {label:<34} skipped (>{limit} cases, {why}; would not finish in {args.timeout:.0f} s)")
                    continue
                ref_out = work / f"reference-{inference}-{n}.txt"
                wall, cpu, peak, p = run_child(
                    [sys.executable, "-c", REFERENCE, str(register), inference, str(ref_out)], args.timeout)
                if p is None or p.returncode != 0:
                    status = f"timeout>{args.timeout:.0f}s" if p is None else "error"
                    print(fmt_row(label, wall, cpu, peak, triples, status))
                    continue
                print(fmt_row(label, wall, cpu, peak, triples, p.stdout.strip()))
                if inference == "none":
                    reference = ref_out.read_text().splitlines()
                    for engine in engines:
                        check = work / f"check-{engine}-{n}.txt"
                        cp = subprocess.run([sys.executable, "-c", MIGKG_TUPLES, str(register), engine, str(check)],
                                            capture_output=True, text=True)
                        if cp.returncode != 0:
                            print(f"  --engine {engine} vs plain pySHACL: could not compare: "
                                  f"{(cp.stderr.strip().splitlines() or ['?'])[-1]}")
                            continue
                        mine = check.read_text().splitlines()
                        print(f"  --engine {engine} results == plain pySHACL (inference='none') results: "
                              f"{mine == reference} ({len(mine)} vs {len(reference)} result tuples)")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

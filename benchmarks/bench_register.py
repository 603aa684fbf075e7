"""A user's case register at scale (issue: a register with the graph, at 100,000 cases).

On the project's generator's register (benchmarks/generate_cases.py N, valid records only), with
the graph, every figure measured in the same run as its floor (these machines are noisy):

  floor: a fresh Python process that bulk-loads the same register and the graph's files into
         pyoxigraph (the least any command that answers over them must do);
  migkg query case-overlap-counts --data REGISTER --no-validate       target <= 2x the floor
  migkg query case-level-overlaps --data REGISTER --no-validate --limit 1000    <= 2x the floor
  migkg validate REGISTER (turbo engine)  beside Apache Jena SHACL on the same input: target
         <= 0.6x Jena's time; the peak memory of each (summed over worker processes) is printed.

Apache Jena SHACL 4.5 comes from Debian (`apt-get install libapache-jena-java`) and runs as
`java -cp CLASSPATH shacl.shacl validate --shapes SHAPES --data DATA`, with:
  - CLASSPATH: the jars of libapache-jena-java and of the packages it depends on (found with
    `dpkg -L`), plus a small jar this script writes that puts the messages of Jena's embedded
    Xerces where Debian's build of jena-core looks for them (`xerces/impl/...`; without it every
    run stops with "RuntimeException: internal error" in XSSimpleTypeDecl.applyFacets1);
  - SHAPES: validation/*.ttl with only the English sh:message of each shape (Jena 4.5 refuses a
    shape with a message in two languages: "More than one match");
  - DATA: the register and the project's graph (`migkg export --format nt`) in one N-Triples
    file, which holds everything migkg validates the register with (the reference data and the
    ontology's classes).
Jena reports no result for ill-typed literals (a date such as "2017-13-45"), which migkg adds, so
the two counts are printed, not compared; the generated register here is valid, so the results
are the shapes' alone. --no-jena skips it (or when java or the jars are missing).

Usage: python benchmarks/bench_register.py [--cases 100000] [--validate-cases 56000] [--runs 1]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_validate import run_child  # noqa: E402

BIN = Path(sys.executable).parent
JENA_PACKAGES = ("libapache-jena-java", "libcommons-cli-java", "libcommons-codec-java", "libcommons-compress-java",
                 "libcommons-csv-java", "libcommons-io-java", "libcommons-lang3-java", "libdexx-java",
                 "libgoogle-gson-java", "libguava-java", "libhttpclient-java", "libhttpcore-java",
                 "libcommons-logging-java", "libjackson2-core-java", "libjackson2-databind-java",
                 "libjackson2-annotations-java", "libjsonld-java", "libjsonp2-java", "libprotobuf-java",
                 "libthrift-java", "libtitanium-json-ld-java", "libslf4j-java")
FLOOR = r'''
import sys, pyoxigraph as ox
store = ox.Store()
for path in sys.argv[1:]:
    store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES if path.endswith(".nt") else ox.RdfFormat.TURTLE)
print(len(store))
'''


def generate(cases: int, path: Path) -> None:
    """A valid register of ``cases`` cases (the generator's defaults otherwise)."""
    subprocess.run([sys.executable, str(HERE / "generate_cases.py"), str(cases), str(path), "--invalid-share", "0"],
                   check=True, capture_output=True)


def knowledge_files() -> list[str]:
    return [str(p) for part in ("ontology", "data") for p in sorted((ROOT / part).rglob("*.ttl"))]


def jena_classpath(work: Path) -> str | None:
    if shutil.which("java") is None:
        return None
    jars = []
    for package in JENA_PACKAGES:
        listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True)
        jars += [line for line in listed.stdout.splitlines()
                 if line.startswith("/usr/share/java/") and line.endswith(".jar") and line.count("/") == 4]
    core = Path("/usr/share/java/jena-core.jar")
    if not core.is_file():
        return None
    messages = work / "jena-xerces-messages.jar"
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(core) as source, zipfile.ZipFile(messages, "w") as out:
        for name in source.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                out.writestr("xerces/" + name[len(prefix):], source.read(name))
    jars = [j for j in jars if "slf4j" not in Path(j).name or Path(j).name == "slf4j-api.jar"]
    return ":".join([*jars, str(messages)])


def english_shapes(path: Path) -> None:
    from rdflib import Graph
    from rdflib.namespace import SH

    shapes = Graph()
    for file in sorted((ROOT / "validation").glob("*.ttl")):
        shapes.parse(file)
    for s, p, o in list(shapes.triples((None, SH.message, None))):
        if getattr(o, "language", None) not in (None, "en"):
            shapes.remove((s, p, o))
    shapes.serialize(path, format="nt", encoding="utf-8")


def row(label: str, wall: float, peak: float, floor: float | None = None, target: str = "") -> None:
    ratio = f"{wall / floor:5.2f}x the floor" if floor else ""
    print(f"  {label:<62} {wall:7.2f} s  {peak:7.0f} MiB  {ratio}  {target}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--validate-cases", type=int, default=56_000)
    parser.add_argument("--runs", type=int, default=1, help="runs of each command; the best is kept")
    parser.add_argument("--no-jena", action="store_true")
    args = parser.parse_args()
    env_limit = ["env", "MIGKG_MAX_FILE_BYTES=4000000000"]
    migkg = [*env_limit, str(BIN / "migkg")]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        register = work / f"register-{args.cases}.nt"
        generate(args.cases, register)

        def best(command: list[str]) -> tuple[float, float]:
            runs = []
            for _ in range(args.runs):
                wall, _cpu, peak, done = run_child(command, 1800)
                assert done is not None and done.returncode in (0, 1), (command, done and done.stderr[-500:])
                runs.append((wall, peak))
            return min(runs)

        print(f"register: {args.cases} cases, {register.stat().st_size / 2**20:.0f} MiB of N-Triples")
        floor, floor_peak = best([sys.executable, "-c", FLOOR, str(register), *knowledge_files()])
        row("floor: bulk-load register + graph (fresh Python, pyoxigraph)", floor, floor_peak)
        for label, command in (
                ("migkg query case-overlap-counts --data R", ["query", "case-overlap-counts"]),
                ("migkg query case-level-overlaps --data R --limit 1000",
                 ["query", "case-level-overlaps", "--limit", "1000"])):
            wall, peak = best([*migkg, *command, "--data", str(register), "--no-validate", "--format", "csv"])
            row(label, wall, peak, floor, "(target <= 2x)")

        register = work / f"register-{args.validate_cases}.nt"
        generate(args.validate_cases, register)
        print(f"\nvalidation: {args.validate_cases} cases, {register.stat().st_size / 2**20:.0f} MiB")
        ours, ours_peak = best([*migkg, "validate", str(register), "--format", "json"])
        classpath = None if args.no_jena else jena_classpath(work)
        if classpath is None:
            row("migkg validate R (turbo)", ours, ours_peak)
            print("  Apache Jena SHACL: not run (--no-jena, or java / libapache-jena-java missing)")
            return 0
        shapes, data = work / "shapes.nt", work / "data.nt"
        english_shapes(shapes)
        subprocess.run([str(BIN / "migkg"), "export", "--format", "nt", "-o", str(work / "graph.nt")], check=True,
                       capture_output=True)
        with data.open("wb") as out:
            for part in (work / "graph.nt", register):
                out.write(part.read_bytes())
        jena, jena_peak = best(["java", "-Xmx12g", "-cp", classpath, "shacl.shacl", "validate", "--shapes",
                                str(shapes), "--data", str(data)])
        row("Apache Jena SHACL 4.5 (shacl validate)", jena, jena_peak)
        row("migkg validate R (turbo)", ours, ours_peak, None,
            f"{ours / jena:5.2f}x Jena's time (target <= 0.6x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

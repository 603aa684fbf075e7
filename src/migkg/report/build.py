"""`migkg report`: the pipeline, from the knowledge files to the report folder.

Steps: load the ontology and data once (an embedded pyoxigraph store), run the whole saved
query catalogue in English and Spanish, make the declared sections of each language's page
(queries/report-sections.yaml), draw the pictures, and write the pages with Jinja2. OWL RL
reasoning, SHACL validation and the pyLODE ontology page come from the on-disk cache, or are
computed in worker processes beside the main one on a run that finds them missing.

Written into a new folder beside the target, which then replaces the previous report in one
rename: an interrupted or failed run leaves the previous report as it was. The same graph
gives the same bytes: nothing depends on the time or on the cache, and everything is sorted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from migkg.core.atomic import swap_folder, write_atomically
from migkg.report.common import LANGS, ReportError

MARKER = ".migkg-report"


@dataclass
class ReportResult:
    index: Path
    files: list[str]
    bytes: int
    triples: int
    inferred: int
    consistent: bool
    conforms: bool
    violations: int
    warnings: int
    overlaps: int
    gaps: int
    empty_cells: int
    cells: int


@dataclass
class Reasoned:
    """What summary.md says of OWL RL reasoning."""

    inferred: int
    problems: list[str]
    consistent: bool


def check_output_dir(path: Path) -> None:
    """The report replaces ``path`` as a whole; refuse to replace a folder that is not a report."""
    if path.exists() and not path.is_dir():
        raise ReportError(f"{path}: exists and is not a folder")
    if path.is_dir():
        entries = {p.name for p in path.iterdir()}
        if entries and MARKER not in entries and not entries <= {"summary.md"}:
            raise ReportError(f"{path}: folder exists and is not a migkg report (no {MARKER} in it); "
                              f"give an empty or new folder with -o")
    parent = path.resolve().parent
    if not parent.is_dir():
        raise ReportError(f"{parent}: no such folder")
    if not os.access(parent, os.W_OK):
        raise ReportError(f"{parent}: cannot write there")


def build_report(output_dir: Path, console: Console, sections_file: Path | None = None,
                 data: tuple = ()) -> ReportResult:
    """Write the report into ``output_dir`` (replaced as a whole). ``data``: the user's files
    (a case register), read with the graph for this run; they add the sections declared
    ``when: data`` and count in every query."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from migkg import netguard

    output_dir = Path(output_dir)
    check_output_dir(output_dir)
    netguard.restrict()
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.build-", dir=output_dir.resolve().parent))
    background: list = []
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                      transient=True) as progress:
            def stage(description: str, total: float | None = None):
                return progress.add_task(description, total=total), time.monotonic()

            def finish(step, message: str) -> None:
                task, started = step
                progress.update(task, visible=False)
                progress.stop_task(task)
                progress.console.print(f"{message} ({time.monotonic() - started:.1f} s)", highlight=False)

            result = _build(staging, sections_file, stage, finish, progress, background, data)
        result["written"][MARKER] = write_atomically(
            staging / MARKER, "migkg report: this folder is replaced as a whole by `migkg report`; do not keep "
                              "other files in it.\n", durable=False)
        os.chmod(staging, 0o755)
        swap_folder(staging, output_dir)
        staging = None
    finally:
        for later in background:
            later.stop()
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        netguard.lift()

    written, facts, en = result["written"], result["facts"], result["counts"]["en"]
    return ReportResult(
        index=(output_dir / "index.html").resolve(), files=sorted(written), bytes=sum(written.values()),
        triples=facts["triples"], inferred=facts["inferred"], consistent=facts["consistent"],
        conforms=facts["validation"]["conforms"], violations=facts["violations"], warnings=facts["warnings"],
        overlaps=en["overlaps"], gaps=en["gaps"], empty_cells=en["empty_cells"], cells=en["cells"],
    )


def _build(staging: Path, sections_file, stage, finish, progress, background: list, data: tuple = ()) -> dict:
    from migkg.report import context, inputs, ontodoc, sections, specials
    from migkg.report.page import Page

    declarations = sections.load(sections_file)
    step = stage("loading ontology and data")
    graph = inputs.Inputs(inputs.open_graph(data))
    finish(step, f"loaded {len(graph.files)} files: {graph.triples} triples")

    ontology_page = staging / "ontology" / "index.html"
    ontology_page.parent.mkdir()
    reasoning = graph.start_reasoning()
    validation = graph.start_validation()
    documentation = ontodoc.start_page(ontology_page)
    background += [reasoning, validation, documentation]

    from migkg.queries import catalogue

    queries = catalogue()
    step = stage("running the saved queries (English and Spanish)", total=len(queries))
    graph.run_catalogue(queries, lambda: progress.advance(step[0]))
    sections.check(declarations, {q.name: q for q in graph.queries}, graph.results,
                   {"picture": specials.PICTURES, "special": specials.SPECIALS})
    facts = graph.facts()
    facts["data"] = [Path(p).name for p in data]
    country = graph.country()
    finish(step, f"ran {len(graph.queries)} saved queries")

    step = stage("drawing the pictures", total=len(LANGS))
    written: dict[str, int] = {}
    pages, contexts = {}, {}
    for lang in LANGS:
        pages[lang] = Page(graph, declarations, lang, country, facts)
        contexts[lang] = context.early(pages[lang], written, staging)
        progress.advance(step[0])
    drawn = sum(1 for block in declarations.blocks() if block.kind == "picture")
    finish(step, f"drew {drawn} pictures in {len(LANGS)} languages")

    step = stage(f"OWL RL reasoning over {graph.triples} triples")
    owl = inputs.summary(reasoning)
    consistent = not owl["problems"]
    finish(step, f"OWL RL: {owl['inferred']} triples inferred, {'consistent' if consistent else 'INCONSISTENT'}")

    step = stage("SHACL validation")
    shacl = inputs.summary(validation)
    violations = sum(p["severity"] == "Violation" for p in shacl["problems"])
    warnings = len(shacl["problems"]) - violations
    finish(step, f"SHACL: {'conforms' if shacl['conforms'] else 'does not conform'} "
                 f"({violations} violations, {warnings} warnings)")

    facts.update({"validation": shacl, "violations": violations, "warnings": warnings, "triples": graph.triples,
                  "inferred": owl["inferred"], "consistent": consistent, "reasoning_problems": owl["problems"]})

    step = stage("writing the pages", total=len(LANGS))
    from jinja2 import UndefinedError

    from migkg.check import summary_markdown
    from migkg.report.templating import environment

    env = environment()
    counts = {}
    for lang in LANGS:
        context.late(pages[lang], contexts[lang])
        counts[lang] = contexts[lang]["counts"]
        suffix = "" if lang == "en" else f".{lang}"
        for template, name in (("report.html.j2", f"index{suffix}.html"), ("report.md.j2", f"report{suffix}.md")):
            try:
                text = env.get_template(template).render(**contexts[lang])
            except UndefinedError as exc:  # a text the page shows is missing from the declarations
                raise ReportError(f"{declarations.path.name}: {template} needs a text that is not declared "
                                  f"({exc})") from None
            written[name] = write_atomically(staging / name, text, durable=False)
        progress.advance(step[0])
    reasoned = Reasoned(inferred=owl["inferred"], problems=owl["problems"], consistent=consistent)
    written["summary.md"] = write_atomically(staging / "summary.md", summary_markdown(graph.graph_info(), reasoned),
                                             durable=False)
    finish(step, "wrote the pages (HTML and Markdown, English and Spanish)")

    step = stage("ontology documentation (pyLODE)")
    page = documentation.result()
    if documentation.cached:
        write_atomically(ontology_page, page, durable=False)
    if not ontology_page.is_file() or ontology_page.stat().st_size == 0:
        raise ReportError("ontology documentation (pyLODE) wrote nothing")
    os.chmod(ontology_page, 0o644)
    written["ontology/index.html"] = ontology_page.stat().st_size
    finish(step, "ontology documentation written with pyLODE")
    return {"written": written, "facts": facts, "counts": counts}

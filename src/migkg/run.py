"""The main job behind `make run`: build the graph, reason, and write a summary."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from migkg.info import describe
from migkg.reasoning import ReasoningResult, owl_rl_closure
from migkg.store import load_default_graph


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` and rename it, so no half file is ever left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def summary_markdown(info, reasoning: ReasoningResult) -> str:
    lines = [
        "# migkg summary",
        "",
        f"- Files loaded: {len(info.files)}",
        f"- Triples asserted: {info.triples}",
        f"- Triples inferred by OWL RL: {reasoning.inferred}",
        f"- Ontology: {info.classes} classes, {info.properties} properties",
        f"- Consistent under OWL RL: {'yes' if reasoning.consistent else 'NO'}",
        "",
        "## Individuals per class",
        "",
        "| class | individuals |",
        "|---|---:|",
    ]
    lines += [f"| {cls} | {n} |" for cls, n in info.individuals_per_class]
    lines += ["", "## Sources cited", "", "| source | links |", "|---|---:|"]
    lines += [f"| {title} | {n} |" for _, title, n in info.sources_cited]
    if reasoning.problems:
        lines += ["", "## Inconsistencies", ""] + [f"- {p}" for p in reasoning.problems]
    return "\n".join(lines) + "\n"


def main_job(output_dir: Path, console: Console) -> ReasoningResult:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                  transient=True) as progress:
        task = progress.add_task("loading ontology and data", total=None)
        kg = load_default_graph()
        progress.update(task, description=f"OWL RL reasoning over {len(kg)} triples")
        reasoning = owl_rl_closure(kg.graph)
    info = describe(kg)
    summary_path = output_dir / "summary.md"
    write_atomically(summary_path, summary_markdown(info, reasoning))
    console.print(f"loaded {len(info.files)} files, {info.triples} triples; OWL RL inferred {reasoning.inferred} more")
    if reasoning.consistent:
        console.print("consistent under OWL RL: yes")
    else:
        console.print(f"[red]inconsistent under OWL RL[/red]: {len(reasoning.problems)} problems (see the summary)")
    console.print(f"summary written to {summary_path.resolve()}")
    return reasoning

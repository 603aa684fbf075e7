"""`migkg check`: the quick check of the graph: load ontology and data, OWL RL reasoning and the
consistency check, and a summary (summary.md) of what is in the graph."""

from __future__ import annotations

from pathlib import Path

from migkg.core.atomic import write_atomically


def summary_markdown(info, reasoning) -> str:
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


def check(output_dir: Path, console):
    """Reason over the project's graph and write ``output_dir/summary.md``; returns the
    reasoning result (``.consistent``, ``.inferred``, ``.problems``)."""
    from migkg.closure import closure_summary
    from migkg.graphstore import open_default
    from migkg.info import describe

    gs = open_default()
    with console.status(f"OWL RL reasoning over {len(gs)} triples"):
        reasoning = closure_summary(gs)
    info = describe(gs)
    summary_path = Path(output_dir) / "summary.md"
    summary_path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(summary_path, summary_markdown(info, reasoning))
    console.print(f"loaded {len(info.files)} files, {info.triples} triples; OWL RL inferred {reasoning.inferred} more")
    if reasoning.consistent:
        console.print("consistent under OWL RL: yes")
    else:
        console.print(f"[red]inconsistent under OWL RL[/red]: {len(reasoning.problems)} problems (see the summary)")
    console.print(f"summary written to {summary_path.resolve()}")
    return reasoning

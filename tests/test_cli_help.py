"""Help that teaches: examples in every command's --help, the exit codes in `migkg --help`,
the catalogue with full summaries by theme, `migkg query NAME --describe`, shell completion."""

from __future__ import annotations

import pytest
from click.shell_completion import ShellComplete

from migkg.cli import main
from migkg.queries import catalogue

CATALOGUE = catalogue()
CLEAN = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": None, "MIGKG_LANG": None, "COLUMNS": "100"}


def flat(text: str) -> str:
    return " ".join(text.split())


def test_exit_codes_in_the_main_help(migkg_cli):
    out = migkg_cli("--help")
    assert out.returncode == 0
    assert "Exit codes:" in out.stdout
    for code in ("0 ", "1 ", "2 ", "130 "):
        assert f"\n    {code}" in out.stdout, code
    assert "--lang" in out.stdout


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_examples(migkg_cli, command):
    out = migkg_cli(command, "--help")
    assert out.returncode == 0, out.stderr
    assert "Examples:" in out.stdout
    examples = out.stdout.split("Examples:", 1)[1].split("Options:", 1)[0]
    lines = [line.strip() for line in examples.splitlines() if line.strip().startswith("migkg ")]
    assert len(lines) >= 2, lines
    assert all(command in line for line in lines[:1]) or any(command in line for line in lines), lines


def test_queries_lists_full_summaries_by_theme(migkg_cli):
    out = migkg_cli("queries", env=CLEAN)
    assert out.returncode == 0, out.stderr
    text = flat(out.stdout)
    for q in CATALOGUE:
        assert q.name in out.stdout
        assert flat(q.summary) in text, q.name
    themes = {q.theme for q in CATALOGUE}
    for theme in themes:
        assert f"\n{theme} (" in out.stdout


def test_queries_by_theme(migkg_cli):
    out = migkg_cli("queries", "--theme", "overlaps", env=CLEAN)
    assert out.returncode == 0, out.stderr
    assert "overlapping-categories" in out.stdout and "mandates" not in out.stdout.split()
    bad = migkg_cli("queries", "--theme", "nothing-here")
    assert bad.returncode == 2 and "overlaps" in bad.stderr


@pytest.mark.parametrize("saved", CATALOGUE, ids=lambda q: q.name)
def test_describe_every_saved_query(migkg_cli, saved):
    out = migkg_cli("query", saved.name, "--describe", env=CLEAN)
    assert out.returncode == 0, out.stderr
    text = flat(out.stdout)
    assert flat(saved.summary) in text
    assert flat(saved.description) in text
    for p in saved.params:
        assert f"{p.name} ({p.type}" in out.stdout
    assert saved.variables()
    for var, title in saved.column_titles("en").items():
        assert f"{var}: {title}" in out.stdout


def test_describe_in_spanish(migkg_cli):
    out = migkg_cli("--lang", "es", "query", "overlapping-categories", "--describe", env=CLEAN)
    assert "categoryALabel: Categoría A" in out.stdout


def completions(args: list[str], incomplete: str) -> list[str]:
    return [item.value for item in ShellComplete(main, {}, "migkg", "_MIGKG_COMPLETE").get_completions(args,
                                                                                                       incomplete)]


def test_completion_of_commands_query_names_and_parameters():
    assert {"query", "queries"} <= set(completions([], "que"))
    assert set(completions(["query"], "")) == {q.name for q in CATALOGUE}
    assert completions(["query"], "overlapping-c") == ["overlapping-categories"]
    assert completions(["query", "mandates", "-p"], "") == [f"{p.name}=" for p in next(
        q for q in CATALOGUE if q.name == "mandates").params]
    assert "overlaps" in completions(["queries", "--theme"], "")


def test_completion_through_the_environment(migkg_cli):
    out = migkg_cli(env={"_MIGKG_COMPLETE": "bash_complete", "COMP_WORDS": "migkg query navigate-st",
                         "COMP_CWORD": "2"})
    assert "navigate-statuses" in out.stdout


# --- progress on long work -------------------------------------------------------------------

def _validate_with_stderr(on_terminal: bool) -> tuple[int, bytes, bytes]:
    import os
    import pty
    import select
    import subprocess
    import sys
    from pathlib import Path

    command = [str(Path(sys.executable).parent / "migkg"), "validate",
               str(Path(__file__).parent / "fixtures" / "case-register.ttl")]
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    if not on_terminal:
        done = subprocess.run(command, capture_output=True, env=env, timeout=300)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave, env=env)
        os.close(slave)
        stdout = proc.stdout.read()
        proc.wait(timeout=300)
        err = b""
        while select.select([master], [], [], 0.5)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end is closed
                break
            if not chunk:
                break
            err += chunk
    finally:
        os.close(master)
    return proc.returncode, stdout, err


def test_progress_on_a_terminal_and_nothing_extra_in_a_pipe():
    code, stdout, err = _validate_with_stderr(on_terminal=True)
    assert code == 0
    assert b"\x1b[" in err and b"validating 1 file" in err  # rich's progress, with its stage
    assert b"migkg: validated 1 file in " in err  # the summary line with the time
    assert b"\x1b[" not in stdout
    code, piped_out, piped_err = _validate_with_stderr(on_terminal=False)
    assert code == 0
    assert piped_err == b""
    assert piped_out == stdout

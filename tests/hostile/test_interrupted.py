"""Interrupted runs: `migkg export -o FILE` and `migkg report -o DIR`, killed (SIGKILL) or
interrupted (Ctrl-C, SIGINT) at a range of moments, leave either the previous output or the
whole new one, never a half-written file or folder; an interrupted run removes its temporary
files (a killed one cannot, but it still leaves the previous output intact)."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from tests.hostile.helpers import MIGKG, files_in, run_migkg

# Real processes, stopped by signals: these cannot run in-process.
pytestmark = pytest.mark.slow

OLD = b"# the previous export, which an interrupted run must leave as it is\n"


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_and_stop(args: list[str], cwd, delay: float | None, sig: int, cache) -> bool:
    """Run migkg; after ``delay`` seconds send ``sig``. True when it finished on its own first.
    ``cache``: an empty cache folder for a run that is to be stopped, so that it computes (and is
    stopped in) everything; None for the test run's own cache folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIGKG_")}
    env["MIGKG_CACHE_DIR"] = str(cache) if cache is not None else os.environ["MIGKG_CACHE_DIR"]
    # SIGINT back to its default in the child: a shell starts background jobs (CI, `make test &`)
    # with SIGINT ignored, Python then installs no KeyboardInterrupt handler, and Ctrl-C would do nothing.
    process = subprocess.Popen([str(MIGKG), *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, preexec_fn=_default_sigint)
    try:
        process.wait(timeout=delay)
        return True
    except subprocess.TimeoutExpired:
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=60)
        assert b"Traceback" not in stderr, stderr.decode()
        # 0, or killed by the signal itself: the run had finished as the signal came (Python shuts down
        # with the default handler back in place).
        if sig == signal.SIGINT and process.returncode not in (0, -signal.SIGINT):
            assert process.returncode == 130 and stderr.decode().splitlines() == ["migkg: interrupted"], stderr
        return False


@pytest.fixture(scope="module")
def whole_export(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("whole")
    assert run_migkg("export", "-o", "graph.ttl", cwd=folder).returncode == 0
    return (folder / "graph.ttl").read_bytes()


DELAYS = [0.2, 0.5, 0.8, 1.1, 1.4, 1.8, None]  # None: let the last run finish


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_interrupted_export_leaves_the_previous_file_or_the_whole_new_one(workdir, whole_export, sig,
                                                                           tmp_path_factory):
    target = workdir / "graph.ttl"
    outcomes = []
    for delay in DELAYS:
        target.write_bytes(OLD)
        cache = tmp_path_factory.mktemp("cache") if delay is not None else None
        finished = run_and_stop(["export", "-o", "graph.ttl"], workdir, delay, sig, cache)
        content = target.read_bytes()
        assert content in (OLD, whole_export), f"a partial file after stopping at {delay} s"
        outcomes.append((finished, content == whole_export))
        if sig == signal.SIGINT:
            assert sorted(p.name for p in workdir.iterdir()) == ["graph.ttl"], "a temporary file was left"
    assert (False, False) in outcomes, "no run was stopped before it replaced the file"
    assert outcomes[-1] == (True, True)


@pytest.fixture(scope="module")
def previous_report(tmp_path_factory):
    """A finished report, with a mark in its page so that it can be told from a new one."""
    folder = tmp_path_factory.mktemp("previous")
    assert run_migkg("report", "-o", "report", cwd=folder).returncode == 0
    whole = files_in(folder / "report")
    index = folder / "report" / "index.html"
    index.write_bytes(index.read_bytes() + b"<!-- the previous report -->\n")
    return folder / "report", whole


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_interrupted_report_leaves_the_previous_report_or_the_whole_new_one(tmp_path, previous_report, sig):
    import shutil

    source, whole = previous_report
    old = files_in(source)
    outcomes = []
    for delay in (1.0, 4.0, None):
        work = tmp_path / f"run-{delay}"
        shutil.copytree(source, work / "report")
        cache = tmp_path / f"cache-{delay}" if delay is not None else None
        finished = run_and_stop(["report", "-o", "report"], work, delay, sig, cache)
        now = files_in(work / "report")
        assert now in (old, whole), f"a half-written report after stopping at {delay} s"
        outcomes.append((finished, now == whole))
        if sig == signal.SIGINT:
            assert sorted(p.name for p in work.iterdir()) == ["report"], "a temporary folder was left"
    assert (False, False) in outcomes
    assert outcomes[-1] == (True, True)

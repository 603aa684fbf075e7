"""Every entry point runs as a real subprocess (a console script that imports a deleted
module must fail here, not in a user's hands): --help both ways, a query and a validation;
the other commands run in-process (click's CliRunner). The wheel carries the knowledge files."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

BIN = Path(sys.executable).parent
VALID = ROOT / "tests" / "fixtures" / "validation" / "valid-new-decree.ttl"


def run(args, cwd=None, env=None, timeout=300):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("command", [[str(BIN / "migkg"), "--help"], [sys.executable, "-m", "migkg", "--help"]],
                         ids=["console-script", "python-m"])
def test_help(command):
    result = run(command)
    assert result.returncode == 0, result.stderr
    assert "migration governance" in result.stdout
    for sub in ("info", "check"):
        assert sub in result.stdout


def test_console_script_runs_a_query(tmp_path):
    result = run([str(BIN / "migkg"), "query", "conventions-ratification", "--format", "csv"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("instrument,")
    assert len(result.stdout.splitlines()) > 1


def test_console_script_validates_a_file(tmp_path):
    result = run([str(BIN / "migkg"), "validate", str(VALID)], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("conforms")
    assert list(tmp_path.iterdir()) == []


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert "0.1.0" in result.stdout


def test_info_lists_files_classes_and_sources(tmp_path):
    result = run_cli("info", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "ontology/migkg.ttl" in out and "data/sources.ttl" in out
    assert "mkg:MigrantCategory" in out
    assert "Blouin & Button (2018)" in out


@pytest.fixture(scope="module")
def checks(tmp_path_factory):
    """`migkg check` twice: in-process, and as the console script in a child process (another
    hash seed) with an empty cache of its own, so that it computes everything again."""
    a, b = tmp_path_factory.mktemp("check-a"), tmp_path_factory.mktemp("check-b")
    env = dict(os.environ, MIGKG_CACHE_DIR=str(tmp_path_factory.mktemp("cold-cache")))
    child = subprocess.Popen([str(BIN / "migkg"), "check", "-o", str(b / "out")], cwd=b, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = run_cli("check", "-o", a / "out", cwd=a)
    finally:
        out, err = child.communicate(timeout=300)
    second = subprocess.CompletedProcess(child.args, child.returncode, out, err)
    return (a, first), (b, second)


@pytest.mark.slow
def test_run_writes_summary_and_says_where(checks):
    (tmp_path, result), _ = checks
    out_dir = tmp_path / "out"
    assert result.returncode == 0, result.stderr
    summary = out_dir / "summary.md"
    assert summary.is_file()
    assert str(summary.resolve()) in result.stdout.replace("\n", "")
    text = summary.read_text()
    assert "Consistent under OWL RL: yes" in text


@pytest.mark.slow
def test_run_is_deterministic(checks):
    (a, first), (b, second) = checks
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert (a / "out" / "summary.md").read_bytes() == (b / "out" / "summary.md").read_bytes()


def test_unknown_command_is_one_line_and_exit_2():
    result = run_cli("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_wheel_carries_ontology_data_queries_and_shapes(tmp_path):
    wheel_dir = tmp_path / "wheel"
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                 str(wheel_dir), str(ROOT)])
    assert built.returncode == 0, built.stderr
    wheel = next(wheel_dir.glob("migkg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("migkg/_resources/ontology/migkg.ttl", "migkg/_resources/data/sources.ttl",
                     "migkg/_resources/data/categories.ttl"):
        assert expected in names
    for part in ("queries", "validation"):
        assert any(n.startswith(f"migkg/_resources/{part}/") for n in names), part

    # Installed on its own (not the editable checkout), migkg works from any directory.
    site = tmp_path / "site"
    installed = run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)])
    assert installed.returncode == 0, installed.stderr
    env = dict(os.environ, PYTHONPATH=str(site))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run([sys.executable, "-c", "from migkg import resources; print(resources.resource_root())"],
                cwd=elsewhere, env=env)
    assert where.returncode == 0, where.stderr
    assert str(site) in where.stdout
    info = run([sys.executable, "-m", "migkg", "info"], cwd=elsewhere, env=env)
    assert info.returncode == 0, info.stderr
    assert "data/categories.ttl" in info.stdout

    # A read-only install with no cache folder it can write: everything is computed, nothing fails.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    read_only = dict(env, MIGKG_CACHE_DIR=str(blocker / "cache"))
    report = run([sys.executable, "-m", "migkg", "report", "-o", str(elsewhere / "report")], cwd=elsewhere,
                 env=read_only)
    assert report.returncode == 0, report.stderr
    assert (elsewhere / "report" / "index.es.html").is_file()
    inferred = run([sys.executable, "-m", "migkg", "query", "documented-gaps", "--inferred", "--format", "csv"],
                   cwd=elsewhere, env=read_only)
    assert inferred.returncode == 0, inferred.stderr
    assert len(inferred.stdout.splitlines()) > 10
    checked = run([sys.executable, "-m", "migkg", "validate", str(ROOT / "tests" / "fixtures" / "case-register.ttl")],
                  cwd=elsewhere, env=read_only)
    assert checked.returncode in (0, 1), checked.stderr
    assert "Traceback" not in checked.stderr
    assert not (blocker / "cache").exists()

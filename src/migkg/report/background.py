"""What the report computes beside its main process, or takes from the on-disk cache.

OWL RL reasoning, SHACL validation and the pyLODE ontology page are slow and depend only on
the knowledge files (and the libraries' versions): each is taken from ``migkg.core.cache``
when it is there, and otherwise computed in a worker process (``python -m migkg.workers``)
that runs beside the main one (two cores: the report then takes about as long as its slowest
step), and kept in the cache for the next run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from migkg.core import cache
from migkg.report.common import ReportError

WORKER_TIMEOUT = 900.0


def source_digest(*modules: str) -> str:
    """A digest of the source files of the named modules (a package: all its .py files),
    found without importing them: code that computes a cached value is part of its key."""
    h = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        if origin is None or not origin.is_file():
            h.update(f"{name}=?".encode())
            continue
        files = sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]
        for path in files:
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def checkout() -> Path:
    from migkg import resources

    return resources.resource_root()


class Later:
    """A result that is known now (from the cache) or comes from a worker process."""

    def __init__(self, what: str, value: bytes | None = None, proc: subprocess.Popen | None = None,
                 keep: Callable[[bytes], object] | None = None, read: Callable[[bytes], bytes] | None = None):
        self.what = what
        self.value = value
        self.proc = proc
        self._keep = keep
        self._read = read

    @property
    def cached(self) -> bool:
        return self.proc is None

    def result(self) -> bytes:
        if self.value is None:
            out = finish_worker(self.proc, self.what)
            self.value = self._read(out) if self._read else out
            if self._keep:
                self._keep(self.value)
        return self.value

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def cached_or_worker(what: str, kind: str, key: str, args: list[str], env: dict | None = None,
                     read: Callable[[bytes], bytes] | None = None) -> Later:
    """The cached bytes of ``kind`` for ``key``, or a worker started now whose output (or what
    ``read`` makes of it) is kept in the cache once it is done."""
    root = checkout()
    data = cache.fetch(kind, key, root)
    if data is not None:
        return Later(what, value=data)
    proc = start_worker(args, env)
    return Later(what, proc=proc, keep=lambda value: cache.keep(kind, key, root, value), read=read)


def start_worker(args: list[str], env_extra: dict | None = None) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.Popen([sys.executable, "-m", "migkg.workers", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL)


def finish_worker(proc: subprocess.Popen, what: str) -> bytes:
    try:
        out, err = proc.communicate(timeout=WORKER_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise ReportError(f"{what} did not finish within {WORKER_TIMEOUT:g} s") from None
    if proc.returncode != 0:
        lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
        detail = lines[-1].removeprefix("migkg: ") if lines else f"exit code {proc.returncode}"
        raise ReportError(f"{what} failed: {detail}")
    return out

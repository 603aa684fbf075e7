"""One way to write a file: into a temporary file beside the target, flushed, then renamed over
it. A failed or interrupted write leaves the target as it was and no half file behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: str | bytes, *, durable: bool = True) -> int:
    """Write ``data`` (text is UTF-8) to ``path``; returns the number of bytes written.

    The new file gets the permissions a plain ``open`` would give (0666 less the umask).
    ``durable`` asks the disk to keep the bytes before the rename (fsync)."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return len(raw)


def swap_folder(staging: Path, target: Path) -> None:
    """Replace the folder ``target`` by ``staging`` (same parent) with renames only: a reader
    sees the old folder or the new one, never a mixture."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        old.rmdir()
        os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

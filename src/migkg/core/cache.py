"""A small on-disk cache for what is derived from the knowledge files and slow to compute
(the OWL RL closure, the reference validation, the report's pictures and ontology pages).

- Never stale: an entry's key is a hash of everything it is computed from (the bytes of the
  knowledge files, migkg's version and the versions of the libraries that compute it); a file
  that changes gives a new key, and the old entry of that kind is removed.
- Never shared between checkouts: entries live under a folder named after the hash of the
  folder that holds the knowledge files.
- Optional: where the cache folder cannot be written (a read-only install, a locked-down
  home), or with ``MIGKG_NO_CACHE=1``, everything is computed as if there were no cache.

The folder is ``$MIGKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/migkg``, else ``~/.cache/migkg``.
Entries are written through ``atomic.write_atomically``, so two processes filling the same
entry at once each leave a whole file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from migkg.core.atomic import write_atomically


def enabled() -> bool:
    return os.environ.get("MIGKG_NO_CACHE", "") in ("", "0")


def root() -> Path:
    explicit = os.environ.get("MIGKG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "migkg"


def digest(*parts: str | bytes) -> str:
    """A hex key for the given parts (length-prefixed, so ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.sha256()
    for part in parts:
        raw = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(raw).to_bytes(8, "big"))
        h.update(raw)
    return h.hexdigest()


def fingerprint(paths: Iterable[Path], relative_to: Path | None = None) -> str:
    """The key of a set of files: their names (relative to ``relative_to`` when they are under it,
    else in full: a user's file given with --data) and their bytes."""
    parts: list[str | bytes] = []
    for path in paths:
        path = Path(path)
        if relative_to is not None:
            resolved, root = path.resolve(), Path(relative_to).resolve()
            parts.append(str(resolved.relative_to(root)) if resolved.is_relative_to(root) else str(resolved))
        else:
            parts.append(str(path))
        parts.append(path.read_bytes())
    return digest(*parts)


def library_versions(*names: str) -> str:
    """migkg's version and the named distributions' versions, as one string for a key."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("migkg", *names):
        try:
            out.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}=?")
    return ";".join(out)


def _folder(kind: str, checkout: Path) -> Path:
    return root() / digest(str(Path(checkout).resolve()))[:16] / kind


def fetch(kind: str, key: str, checkout: Path) -> bytes | None:
    """The cached bytes of ``kind`` for ``key``, or None."""
    if not enabled():
        return None
    try:
        return (_folder(kind, checkout) / key).read_bytes()
    except OSError:
        return None


def keep(kind: str, key: str, checkout: Path, data: bytes) -> bool:
    """Store ``data`` as the one entry of ``kind`` (older keys of that kind are removed).
    Returns False, and changes nothing, when the cache cannot be written."""
    if not enabled():
        return False
    folder = _folder(kind, checkout)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / key, data, durable=False)
        for other in folder.iterdir():
            if other.name != key and not other.name.startswith("."):
                other.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def cached(kind: str, key: str, checkout: Path, build: Callable[[], bytes]) -> bytes:
    """The bytes for ``key``: from the cache, or built now (and kept when possible)."""
    data = fetch(kind, key, checkout)
    if data is None:
        data = build()
        keep(kind, key, checkout, data)
    return data

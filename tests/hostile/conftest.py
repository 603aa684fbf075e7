from __future__ import annotations

import pytest

from migkg import store
from tests.hostile.helpers import Recorder


@pytest.fixture
def recorder():
    server = Recorder()
    yield server
    server.close()


@pytest.fixture
def workdir(tmp_path):
    """An empty working directory for a run: afterwards it must hold only what the test put there."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture(autouse=True)
def _fresh_store_configuration(monkeypatch):
    for key in ("MIGKG_MAX_FILE_BYTES", "MIGKG_MAX_TRIPLES", "MIGKG_MAX_DEPTH"):
        monkeypatch.delenv(key, raising=False)
    store.reset_configuration()
    yield
    store.reset_configuration()

"""pySHACL and rdflib are only ever handed Graph objects or text already read, never a string
they could take for a path or a URL (issue 8)."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import Graph

from migkg import store, validation
from migkg.errors import InputError
from tests.hostile.helpers import FIXTURES, copy_fixture, files_in, run_migkg

PARSEABLE = ["bom-utf8.ttl", "relative-iri.ttl", "oversized.ttl", "ill-typed-date.ttl", "shapes-as-data.ttl"]


@pytest.fixture
def parse_calls(monkeypatch):
    calls = []
    original = rdflib.Graph.parse

    def recording(self, source=None, publicID=None, format=None, location=None, file=None, data=None, **kwargs):
        calls.append({"source": source, "location": location, "file": file, "data": data, "publicID": publicID})
        return original(self, source=source, publicID=publicID, format=format, location=location, file=file,
                        data=data, **kwargs)

    monkeypatch.setattr(rdflib.Graph, "parse", recording)
    return calls


def test_rdflib_gets_text_never_a_path_or_url(parse_calls):
    for name in PARSEABLE:
        base = "https://example.org/hostile/" if name == "relative-iri.ttl" else None
        store.parse_file(FIXTURES / name, base=base)
    assert len(parse_calls) == len(PARSEABLE)
    for call in parse_calls:
        assert call["source"] is None and call["location"] is None and call["file"] is None
        assert isinstance(call["data"], str)


def test_text_that_looks_like_a_path_is_never_opened(tmp_path, parse_calls):
    secret = tmp_path / "secret.ttl"
    secret.write_text("<https://example.org/secret> <https://example.org/p> \"SECRET\" .\n")
    data = tmp_path / "data.ttl"
    data.write_text(f'<https://example.org/a> <https://example.org/p> "{secret}" .\n')
    graph = store.parse_file(data)
    assert [str(o) for o in graph.objects()] == [str(secret)]
    with pytest.raises(InputError, match="not-there.ttl: no such file"):
        store.parse_file(tmp_path / "not-there.ttl")


def test_pyshacl_gets_graphs(monkeypatch):
    from migkg.validation.engines import pyshacl_engine

    seen = []
    original = pyshacl_engine.pyshacl_validate

    def checking(data_graph, *args, **kwargs):
        seen.append((type(data_graph), type(kwargs.get("shacl_graph")), kwargs.get("ont_graph")))
        assert isinstance(data_graph, Graph)
        assert isinstance(kwargs.get("shacl_graph"), Graph)
        return original(data_graph, *args, **kwargs)

    monkeypatch.setattr(pyshacl_engine, "pyshacl_validate", checking)
    outcome = validation.validate([FIXTURES / "shapes-as-data.ttl"], engine="pyshacl")
    assert seen and all(s[2] is None for s in seen)
    assert outcome.conforms


def test_a_shapes_file_given_as_data_is_validated_as_data(workdir):
    copy_fixture("shapes-as-data.ttl", workdir)
    before = files_in(workdir)
    result = run_migkg("validate", "shapes-as-data.ttl", cwd=workdir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("conforms: ")
    assert "SECRET-SHAPE-MESSAGE" not in result.stdout
    assert files_in(workdir) == before

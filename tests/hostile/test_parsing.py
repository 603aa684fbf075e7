"""Broken and hostile RDF files: one clear `file:line:column: ...` line, exit 2, nothing kept,
nothing written (issue 8). CLI cases run the `migkg` command in-process (click's CliRunner)."""

from __future__ import annotations

import time

import pytest

from migkg import store
from migkg.errors import InputError
from migkg.store import KnowledgeGraph, parse_file
from tests.hostile.helpers import FIXTURES, copy_fixture, files_in, one_line_error, run_migkg


def _validate(workdir, name, *options, env=None, port=None):
    copy_fixture(name, workdir, port)
    before = files_in(workdir)
    result = run_migkg("validate", *options, name, cwd=workdir, env=env)
    assert files_in(workdir) == before, "validate wrote or changed a file"
    return result


REJECTED = [
    ("syntax-error.ttl", (), "syntax-error.ttl:4:11: syntax error: Unexpected end of file"),
    ("partial.ttl", (), "partial.ttl:5:16: syntax error: A dot is expected at the end of statements"),
    ("truncated.ttl", (), "truncated.ttl:4:18: syntax error: Unexpected end"),
    ("ntriples-error.nt", (), "ntriples-error.nt:3:71: syntax error: The subject of a triple must be an IRI or a "
                              "blank node"),
    ("latin1.ttl", (), "latin1.ttl:3:15: not UTF-8 text: byte 0xE9 at byte offset 60 (save the file as UTF-8)"),
    ("bom-utf16.ttl", (), "bom-utf16.ttl:1:1: starts with a UTF-16 byte-order mark (byte 0); save the file as UTF-8"),
    ("relative-iri.ttl", (), "relative-iri.ttl:4:1: relative IRI and no base IRI; give --base IRI "
                             "(or write @base / BASE in the file) (No scheme found in an absolute IRI)"),
    ("deep-nesting.ttl", (), "deep-nesting.ttl:3:459: '[' nested more than 64 levels deep, over the limit of 64 "
                             "levels (nesting depth; raise it with --max-depth or MIGKG_MAX_DEPTH)"),
    ("oversized.ttl", ("--max-file-size", "1000"), "oversized.ttl: file is 5226 bytes, over the limit of 1000 "
                                                    "bytes (file size; raise it with --max-file-size or "
                                                    "MIGKG_MAX_FILE_BYTES)"),
    ("oversized.ttl", ("--max-triples", "50"), "oversized.ttl: more than 50 triples, over the limit of 50 triples "
                                                "(triples per file; raise it with --max-triples or MIGKG_MAX_TRIPLES)"),
    ("billion-laughs.rdf", (), "billion-laughs.rdf:2:1: <!DOCTYPE declarations are refused (entity expansion and "
                               "external entities are not allowed in RDF/XML or TriX input)"),
    ("external-entity.rdf", (), "external-entity.rdf:2:1: <!DOCTYPE declarations are refused (entity expansion and "
                                "external entities are not allowed in RDF/XML or TriX input)"),
    ("broken.rdf", (), "broken.rdf:5:16: cannot parse as xml: mismatched tag"),
    ("utf16-no-bom.rdf", (), "utf16-no-bom.rdf:1:2: NUL byte at byte offset 1: not UTF-8 text (UTF-16 without a "
                             "byte-order mark, or a binary file?)"),
    ("relative.jsonld", (), "relative.jsonld: relative IRI <people/ana> and no base IRI; give --base IRI"),
]


@pytest.mark.parametrize(("name", "options", "message"), REJECTED, ids=[f"{r[0]}{''.join(r[1])}" for r in REJECTED])
def test_cli_rejects_with_one_line(workdir, name, options, message):
    started = time.monotonic()
    result = _validate(workdir, name, *options)
    assert result.returncode == 2, result.stderr
    assert one_line_error(result) == f"migkg: {message}"
    assert result.stdout == ""
    assert time.monotonic() - started < 30


def test_oversized_file_under_a_limit_from_the_environment(workdir):
    result = _validate(workdir, "oversized.ttl", env={"MIGKG_MAX_FILE_BYTES": "1000"})
    assert result.returncode == 2
    assert one_line_error(result) == ("migkg: oversized.ttl: file is 5226 bytes, over the limit of 1000 bytes "
                                      "(file size; raise it with --max-file-size or MIGKG_MAX_FILE_BYTES)")


def test_a_nonsense_limit_in_the_environment_is_one_line(workdir):
    result = _validate(workdir, "oversized.ttl", env={"MIGKG_MAX_TRIPLES": "lots"})
    assert result.returncode == 2
    assert one_line_error(result) == "migkg: MIGKG_MAX_TRIPLES: 'lots' is not a positive whole number of triples"


def test_trix_with_an_entity_is_refused_before_parsing(workdir, recorder):
    result = _validate(workdir, "entity.trix", port=recorder.port)
    assert result.returncode == 2
    assert one_line_error(result) == ("migkg: entity.trix:2:1: <!DOCTYPE declarations are refused (entity expansion "
                                      "and external entities are not allowed in RDF/XML or TriX input)")
    assert recorder.requests == []


def test_json_ld_remote_context_is_refused_and_not_fetched(workdir, recorder):
    result = _validate(workdir, "remote-context.jsonld", port=recorder.port)
    assert result.returncode == 2
    assert one_line_error(result) == (
        f"migkg: remote-context.jsonld: remote JSON-LD @context 'http://127.0.0.1:{recorder.port}/context.jsonld' "
        "is refused; contexts come only from local files (download it and refer to it by path)")
    assert recorder.requests == []


def test_json_ld_local_context_file_is_used(tmp_path):
    (tmp_path / "ctx.jsonld").write_text('{"@context": {"name": "https://schema.org/name"}}')
    doc = tmp_path / "doc.jsonld"
    doc.write_text('{"@context": "ctx.jsonld", "@id": "https://example.org/a", "name": "Ana"}')
    graph = parse_file(doc)
    assert [(str(p), str(o)) for _, p, o in graph] == [("https://schema.org/name", "Ana")]


def test_utf8_bom_is_decoded(workdir):
    result = _validate(workdir, "bom-utf8.ttl")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    graph = parse_file(FIXTURES / "bom-utf8.ttl")
    assert {str(o) for o in graph.objects()} == {"café"}


def test_relative_iri_accepted_with_base(workdir):
    result = _validate(workdir, "relative-iri.ttl", "--base", "https://example.org/hostile/")
    assert result.returncode == 0, result.stderr
    graph = parse_file(FIXTURES / "relative-iri.ttl", base="https://example.org/hostile/")
    assert "https://example.org/hostile/people/ana" in {str(s) for s in graph.subjects()}


def test_a_relative_base_is_refused(workdir):
    result = _validate(workdir, "relative-iri.ttl", "--base", "people/")
    assert result.returncode == 2
    assert one_line_error(result) == ("migkg: --base: 'people/' is not an absolute IRI (such as "
                                      "https://example.org/data/)")


def test_ill_typed_date_is_a_validation_problem_not_a_traceback(workdir):
    result = _validate(workdir, "ill-typed-date.ttl", "--format", "json")
    assert result.returncode == 1
    assert result.stderr == ""
    assert "'2020-13-45' is not a valid xsd:date" in result.stdout


def test_validate_stops_at_the_first_bad_file(workdir):
    copy_fixture("bom-utf8.ttl", workdir)
    copy_fixture("partial.ttl", workdir)
    result = run_migkg("validate", "bom-utf8.ttl", "partial.ttl", cwd=workdir)
    assert result.returncode == 2
    assert one_line_error(result).startswith("migkg: partial.ttl:5:16: ")


# --- the same through parse_file, and nothing kept -------------------------------------------

@pytest.mark.parametrize(("name", "line", "column"), [
    ("syntax-error.ttl", 4, 11), ("partial.ttl", 5, 16), ("truncated.ttl", 4, 18), ("ntriples-error.nt", 3, 71),
    ("latin1.ttl", 3, 15), ("bom-utf16.ttl", 1, 1), ("relative-iri.ttl", 4, 1), ("deep-nesting.ttl", 3, 459),
    ("billion-laughs.rdf", 2, 1), ("external-entity.rdf", 2, 1), ("entity.trix", 2, 1), ("broken.rdf", 5, 16),
    ("utf16-no-bom.rdf", 1, 2),
])
def test_parse_file_errors_carry_line_and_column(name, line, column):
    with pytest.raises(InputError) as caught:
        parse_file(FIXTURES / name)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert str(caught.value).startswith(f"{FIXTURES / name}:{line}:{column}: ")


def test_failed_file_leaves_no_partial_graph():
    kg = KnowledgeGraph()
    kg.add_file(FIXTURES / "bom-utf8.ttl")
    before = set(kg.graph)
    with pytest.raises(InputError):
        kg.add_file(FIXTURES / "partial.ttl")  # two good triples, then an error
    assert set(kg.graph) == before
    assert FIXTURES / "partial.ttl" not in kg.files


def test_deep_nesting_beyond_rdflib_recursion_is_still_one_error():
    store.configure(depth=10_000)
    with pytest.raises(InputError) as caught:
        parse_file(FIXTURES / "deep-nesting.ttl")
    assert str(caught.value) == (f"{FIXTURES / 'deep-nesting.ttl'}: nested too deeply for rdflib's parser (Python's "
                                 "recursion limit) although within the nesting depth limit of 10000 levels; keep "
                                 "nesting under about 100 levels")


def test_raised_depth_limit_lets_moderate_nesting_through(tmp_path):
    path = tmp_path / "nested.ttl"
    path.write_text("@prefix ex: <https://example.org/> .\nex:a ex:p " + "[ ex:p " * 70 + "1" + " ]" * 70 + " .\n")
    with pytest.raises(InputError):
        parse_file(path)
    store.configure(depth=80)
    assert len(parse_file(path)) == 71


def test_triple_limit_stops_before_rdflib_builds_the_graph(monkeypatch):
    monkeypatch.setenv("MIGKG_MAX_TRIPLES", "10")
    built = []
    import rdflib

    original = rdflib.Graph.parse
    monkeypatch.setattr(rdflib.Graph, "parse", lambda self, *a, **k: built.append(1) or original(self, *a, **k))
    with pytest.raises(InputError, match="more than 10 triples"):
        parse_file(FIXTURES / "oversized.ttl")
    assert built == []

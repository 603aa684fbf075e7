"""The turbo engine's fast path for a large N-Triples file (turbo_ranges): worker processes read,
parse and validate byte ranges of the file. It must give exactly what the ordinary path gives
(problems with their lines, the report, the triple count), and hand back to the ordinary path
whatever it cannot take: text that is not canonical, blank nodes, a record split between ranges,
a syntax error (then reported at its line in the whole file), over the triple limit. The sizes are
made small so that a register of a few hundred cases is cut."""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest
from rdflib import RDF
from rdflib.namespace import SH

import migkg.validation as v
from migkg import store
from migkg.errors import InputError
from migkg.validation.engines import turbo_engine, turbo_parts, turbo_ranges
from migkg.validation.engines.turbo_ranges import Scanned

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate_cases  # noqa: E402

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pyshacl_turbo") is None,
                                reason="the turbo engine (pyshacl-turbo) is not installed")
HOLDER = "https://w3id.org/migkg/ontology#holder"
CATEGORY = "https://w3id.org/migkg/ontology#category"


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of 400 statements, a head sample of 8 KB, windows of 8 KB (about 3 records): a
    300-case register is cut into about a dozen ranges."""
    monkeypatch.setattr(turbo_parts, "CHUNK_STATEMENTS", 400)
    monkeypatch.setattr(turbo_ranges, "SAMPLE_BYTES", 8192)
    monkeypatch.setattr(turbo_ranges, "WINDOW_BYTES", 8192)


@pytest.fixture
def taken(monkeypatch):
    """Records how each run ends: the fast path's answer, or None when it handed the file back."""
    ends = []
    real = turbo_ranges.validate_file

    def recorded(*args, **kwargs):
        ends.append(real(*args, **kwargs))
        return ends[-1]

    monkeypatch.setattr(turbo_ranges, "validate_file", recorded)
    return ends


def ordinary(path, monkeypatch):
    """The outcome of the ordinary path (chunks in this process's reading) on the same file."""
    with monkeypatch.context() as patch:
        patch.setattr(turbo_ranges, "validate_file", lambda *args, **kwargs: None)
        return v.validate([path], engine="turbo")


def reference_iris() -> set[bytes]:
    """The <IRI>s of the reference data, as turbo_ranges.validate_file gives them to `plan`."""
    return set(re.findall(rb"<[^>]*>", turbo_engine.reference_nquads(with_data=True).encode("utf-8")))


def same(fast, whole) -> None:
    assert [p.as_dict() for p in fast.problems] == [p.as_dict() for p in whole.problems]
    assert v.result_tuples(fast.report) == v.result_tuples(whole.report)
    assert fast.triples == whole.triples
    assert len(list(fast.report.subjects(RDF.type, SH.ValidationReport))) == 1


def test_ranges_give_what_the_ordinary_path_gives(tmp_path, small_parts, taken, monkeypatch):
    path = tmp_path / "cases.nt"
    generate_cases.write(300, path, invalid_share=0.2)  # every kind of defect, ill-typed dates too
    fast = v.validate([path], engine="turbo")
    assert taken and taken[0] is not None and len(turbo_ranges.plan(
        path, lambda n: 12, {HOLDER.encode()}, reference_iris())) > 2  # it was cut, and the workers answered
    whole = ordinary(path, monkeypatch)
    same(fast, whole)
    assert any(p.line for p in fast.problems) and not fast.conforms
    ill_typed = [p for p in fast.problems if "2017-13" in str(p.as_dict()) or "ill-typed" in str(p.as_dict())]
    assert ill_typed, "the workers' ill-typed literals reach the report"


@pytest.mark.slow  # worker processes validate a register
def test_ranges_of_conforming_data_conform(tmp_path, small_parts, taken):
    path = tmp_path / "clean.nt"
    generate_cases.write(300, path, invalid_share=0.0)
    outcome = v.validate([path], engine="turbo")
    assert taken[0] is not None
    assert outcome.conforms and not [p for p in outcome.problems if p.severity == "Violation"]


@pytest.mark.slow  # worker processes validate a register
def test_a_same_category_twice_far_apart_hands_the_file_back(tmp_path, small_parts, taken, monkeypatch):
    # The second holding of a person's category, written at the end of the file: the join through
    # mkg:holder would be cut apart, so the ordinary path (which keeps it together) answers.
    path = tmp_path / "cases.nt"
    generate_cases.write(300, path, invalid_share=0.0)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    person = "<https://w3id.org/migkg/id/synthetic/person-0000003>"
    first = next(line for line in lines if f"> <{HOLDER}> {person}" in line)
    assignment = first.split(" ", 1)[0]
    copy = [line.replace(assignment, assignment[:-1] + "-again>")
            for line in lines if line.startswith(assignment + " ")]
    path.write_text("".join(lines + copy), encoding="utf-8")
    outcome = v.validate([path], engine="turbo")
    assert taken == [None]
    same(outcome, ordinary(path, monkeypatch))
    assert any("assignment-0-again" in p.message for p in outcome.problems)  # found, as in the whole


@pytest.mark.slow  # worker processes validate a register
@pytest.mark.parametrize("edit", ["tabs", "escaped IRI", "blank nodes", "crlf", "record at the end"])
def test_what_the_fast_path_cannot_take_goes_the_ordinary_way(tmp_path, small_parts, taken, monkeypatch, edit):
    path = tmp_path / "cases.nt"
    generate_cases.write(300, path, invalid_share=0.1)
    text = path.read_text(encoding="utf-8")
    if edit == "tabs":  # legal N-Triples, not the parser's canonical form: the regexes could misread it
        lines = text.splitlines(keepends=True)
        lines[-5] = lines[-5].replace("> <", ">\t<", 1)
        text = "".join(lines)
    elif edit == "escaped IRI":  # the same node written two ways: only the parser sees they are one
        holder = text.rindex(f"<{HOLDER}> <")
        end = text.index(">", holder + len(HOLDER) + 4)
        text = text[:end - 1] + f"\\u{ord(text[end - 1]):04X}" + text[end:]
    elif edit == "blank nodes":
        text += '_:b1 <https://w3id.org/migkg/ontology#note> "x" .\n'
    elif edit == "crlf":
        text = text.replace("\n", "\r\n")
    else:  # a person's record line at the end, far from the holdings that point to it
        text += ("<https://w3id.org/migkg/id/synthetic/person-0000002> <http://www.w3.org/2000/01/rdf-schema#comment>"
                 ' "seen again" .\n')
    path.write_bytes(text.encode("utf-8"))
    outcome = v.validate([path], engine="turbo")
    assert taken == [None]
    same(outcome, ordinary(path, monkeypatch))


@pytest.mark.slow  # worker processes validate a register
def test_a_syntax_error_in_a_later_range_is_reported_at_its_line(tmp_path, small_parts, taken, monkeypatch):
    path = tmp_path / "cases.nt"
    generate_cases.write(300, path, invalid_share=0.0)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = len(lines) - 40
    lines[bad] = lines[bad].replace(" .\n", "\n")  # the final dot missing
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        v.validate([path], engine="turbo")
    assert taken == [None]
    # The parser finds the missing dot where the next line starts.
    assert str(caught.value).startswith(f"{path}:{bad + 2}:1: syntax error")
    with pytest.raises(InputError) as ordinary_error:
        ordinary(path, monkeypatch)
    assert str(ordinary_error.value) == str(caught.value)


@pytest.mark.slow  # worker processes validate a register
def test_over_the_triple_limit_goes_the_ordinary_way(tmp_path, small_parts, taken):
    path = tmp_path / "cases.nt"
    generate_cases.write(300, path, invalid_share=0.0)
    store.configure(triples=1000)
    try:
        with pytest.raises(InputError) as caught:
            v.validate([path], engine="turbo")
    finally:
        store.reset_configuration()
    assert taken == [None] and "1000" in str(caught.value)


@pytest.mark.slow  # worker processes validate a register
@pytest.mark.parametrize("python", ["/nonexistent/python", "exits"])
def test_a_failing_worker_hands_the_file_back(tmp_path, small_parts, taken, monkeypatch, python):
    path = tmp_path / "cases.nt"
    generate_cases.write(300, path, invalid_share=0.2)
    whole = ordinary(path, monkeypatch)
    if python == "exits":
        monkeypatch.setattr(turbo_ranges, "start_worker", lambda: turbo_ranges.subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.exit(3)"], stdin=turbo_ranges.subprocess.PIPE,
            stdout=turbo_ranges.subprocess.PIPE, stderr=turbo_ranges.subprocess.DEVNULL))
    else:  # no Python to start (the ordinary path then validates its parts in this process)
        monkeypatch.setattr(sys, "executable", python)
    same(v.validate([path], engine="turbo"), whole)
    assert taken == [None]


# --- the rule that decides whether ranges may be validated apart (accept) -------------------------

def scanned(subjects, outward=(), holders=(), holder_reference=False, lines=None) -> Scanned:
    first = {s: i + 1 for i, s in enumerate(subjects)}
    return Scanned(first, lines or len(first), set(outward), {HOLDER: set(holders), CATEGORY: set()},
                   {HOLDER: holder_reference, CATEGORY: True})


JOINS = frozenset({frozenset({HOLDER, CATEGORY})})


def test_accept_gives_each_subject_its_line_in_the_file():
    scans = [scanned(["<a>", "<a1>"], outward=["<cat>"]), scanned(["<b>", "<b1>"], lines=5)]
    assert turbo_ranges.accept(scans, JOINS, 100) == {"<a>": 1, "<a1>": 2, "<b>": 3, "<b1>": 4}


@pytest.mark.parametrize("scans", [
    [scanned(["<a>"]), scanned(["<a>", "<b>"])],                       # a subject in two ranges
    [scanned(["<a>"]), scanned(["<b>"], outward=["<a>"])],             # a link back into another range
    [scanned(["<a1>"], holders=["<p>"]), scanned(["<a2>"], holders=["<p>"])],  # two holdings of one person, apart
    [scanned(["<a1>"], holder_reference=True), scanned(["<a2>"])],     # the only usable join points into the reference
])
def test_accept_refuses_what_chunks_would_keep_together(scans):
    assert turbo_ranges.accept(scans, JOINS, 100) is None


def test_accept_refuses_over_the_triple_limit():
    assert turbo_ranges.accept([scanned(["<a>"], lines=60), scanned(["<b>"], lines=60)], JOINS, 100) is None


def test_a_cut_falls_between_records(tmp_path):
    path = tmp_path / "cases.nt"
    generate_cases.write(200, path, invalid_share=0.0)
    data = path.read_bytes()
    with path.open("rb") as file:
        for near in range(1000, len(data) - 5000, len(data) // 17):
            cut = turbo_ranges.clean_cut(file, near, {HOLDER.encode()}, set())
            line = data[cut:data.index(b"\n", cut)]
            assert data[cut - 1:cut] == b"\n" and b"PersonRecord" in line, line  # a record starts there


@pytest.mark.slow  # the pySHACL engine on a register of 300 cases
def test_ranges_give_what_the_pyshacl_engine_gives(tmp_path, small_parts, taken):
    path = tmp_path / "cases.nt"
    generate_cases.write(300, path, invalid_share=0.2)
    fast = v.validate([path], engine="turbo")
    assert taken and taken[0] is not None
    reference = v.validate([path], engine="pyshacl")
    assert [p.as_dict() for p in fast.problems] == [p.as_dict() for p in reference.problems]


def test_a_file_not_written_record_after_record_starts_no_worker(tmp_path, small_parts, taken, monkeypatch):
    # Each subject's lines together, but the subjects in random order (as a hash-ordered writer
    # gives them): the links of the file's head point far away, so no range is even tried.
    import random
    from itertools import groupby

    path = tmp_path / "cases.nt"
    generate_cases.write(300, path, invalid_share=0.1)
    groups = [list(g) for _, g in groupby(path.read_text(encoding="utf-8").splitlines(keepends=True),
                                          key=lambda line: line.split(" ", 1)[0])]
    random.Random(3).shuffle(groups)
    path.write_text("".join(line for group in groups for line in group), encoding="utf-8")
    monkeypatch.setattr(turbo_ranges, "SAMPLE_BYTES", 65536)

    def no_worker():
        raise AssertionError("a worker was started for a file not written record after record")

    monkeypatch.setattr(turbo_ranges, "start_worker", no_worker)
    outcome = v.validate([path], engine="turbo")
    assert taken == [None]
    same(outcome, ordinary(path, monkeypatch))


def test_the_head_of_a_register_written_record_after_record_is_recognised(tmp_path):
    path = tmp_path / "cases.nt"
    generate_cases.write(300, path, invalid_share=0.0)
    head = path.read_bytes()[:65536]
    head = head[:head.rfind(b"\n") + 1]
    assert turbo_ranges.record_after_record(head, reference_iris())
    # The same lines without the persons' own (written elsewhere in the file): the holdings and
    # cases point away from the head.
    torn = [line for line in head.splitlines(keepends=True) if b"/assignment" in line.split(b" ")[0]
            or b"/case" in line.split(b" ")[0]]
    assert not turbo_ranges.record_after_record(b"".join(torn), reference_iris())

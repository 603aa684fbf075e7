"""The turbo engine's fast path for one large N-Triples file written record after record (as a
register's export or benchmarks/generate_cases.py writes it): the worker processes read, parse and
validate byte ranges of the file side by side, so that the main process neither reads nor parses
it. (On a 56k-case register the main process spent 4.5 s on one core reading, parsing and cutting
the file before the workers could start; see benchmarks/bench_register.py.)

It gives the results `turbo_parts.chunks` + `validate_parts` give, or None, and then the engine
reads the file the ordinary way, which also reports whatever ended the fast path as usual. In
two rounds with each worker (range_worker):
 1. `scan`: each range is read, decoded and parsed by the native parser, and kept only when the
    canonical N-Quads the parser writes are the range's text itself: then the regular expressions
    of turbo_parts read it exactly, and its lines are the file's lines. The range gives its
    subjects with the line each first appears on, the nodes its links point to outside it, and
    the objects of the join predicates.
 2. `accept`: here, the ranges are checked to be parts `chunks` could have made (the rule its
    docstring explains): no subject in two ranges, no link from one range to a subject of
    another, no object of a join predicate in two ranges, no subject in the reference data, not
    over the triple limit. Then the workers validate their ranges.
A head that is not canonical or not written record after record ends it before any worker starts;
syntax errors, text that is not canonical (tabs, comments, escapes in IRIs, CRLF), blank nodes, a
record cut in two, an unreadable range or a failed worker, after the first round."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from migkg.validation import outcome
from migkg.validation.engines import turbo_native, turbo_parts
from migkg.validation.engines.turbo_native import Shapes

SAMPLE_BYTES = 1 << 20  # the head of the file read here: is it canonical, how long are its lines
WINDOW_BYTES = 1 << 16  # read around each cut, to find a place no record crosses
_SUBJECT = re.compile(r"\n(<[^>]*>) ")
_LINE = re.compile(rb"(<[^>]*>|_:\S+) <([^>]*)> (?:(<[^>]*>|_:\S+) )?")


@dataclass
class Scanned:
    """What one range says of itself in the first round."""

    first_lines: dict[str, int]  # subject (N-Triples key) -> the range's line it first appears on (from 1)
    lines: int
    outward: set[str]  # the nodes its links point to that are not its own subjects
    join_objects: dict[str, set[str]] = field(default_factory=dict)  # join predicate -> outward objects
    join_reference: dict[str, bool] = field(default_factory=dict)  # join predicate -> points into the reference


@dataclass
class Validated:
    """The fast path's answer: the file's subjects with the line each first appears on, its
    statements, results, report and ill-typed literals."""

    subjects: dict[str, int]
    triples: int
    results: list[dict]
    report_factory: object
    ill_typed: list


# --- in the main process -------------------------------------------------------------------------

def plan(path: Path, parts_for, joined: set[bytes], reference_iris: set[bytes]) -> list[tuple[int, int]] | None:
    """Byte ranges to validate apart, or None when the fast path does not apply: the head of the
    file is not canonical N-Triples without blank nodes, or not written record after record, or the
    file is too small to be cut. ``parts_for(statements)``: how many parts a file of that many
    statements is cut into; ``joined``: the join predicates' IRIs, ``reference_iris``: the reference
    data's <IRI>s (bytes)."""
    size = path.stat().st_size
    with path.open("rb") as file:
        head = file.read(SAMPLE_BYTES)
    head = head[:head.rfind(b"\n") + 1]
    try:
        text = head.decode("utf-8")
        if not text or "_:" in text or turbo_native.parse_rdf(text, "nt")[0] != text:
            return None
    except (UnicodeDecodeError, ValueError):
        return None
    if not record_after_record(head, reference_iris):
        return None
    parts = parts_for(size * text.count("\n") // len(head))
    if parts <= 1:
        return None
    cuts = [0]
    with path.open("rb") as file:
        for k in range(1, parts):
            cut = clean_cut(file, k * size // parts, joined, reference_iris)
            if cut is not None and cut > cuts[-1]:
                cuts.append(cut)
    cuts.append(size)
    ranges = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    return ranges if len(ranges) > 1 else None


def record_after_record(head: bytes, reference_iris: set[bytes]) -> bool:
    """Whether the head of a file looks written record after record: its links reach a node that is
    neither described in the head nor in the reference data only where the head ends mid-record
    (a few). A file in any other order (shuffled, or grouped by subject in hash order) would have
    most of its links point outside the head, and its ranges refused after the first round."""
    subjects, outward, links = set(), set(), 0
    for line in head.split(b"\n"):
        match = _LINE.match(line)
        if match:
            subjects.add(match.group(1))
            if match.group(3):
                links += 1
                outward.add(match.group(3))
    outward -= subjects | reference_iris
    return len(outward) <= max(8, links // 200)


def clean_cut(file, near: int, joined: set[bytes], reference_iris: set[bytes]) -> int | None:
    """A byte offset at or after `near` where a line starts whose subject differs from the line's
    before it, preferably one that no link or join of the lines around it crosses (a place between
    two records; a join through a reference resource, a category, does not count); None if the
    window around `near` has no such line."""
    start = max(0, near - WINDOW_BYTES // 2)
    file.seek(start)
    window = file.read(2 * WINDOW_BYTES)
    begin = 0 if start == 0 else window.find(b"\n") + 1  # the first whole line
    end = window.rfind(b"\n") + 1
    if (start > 0 and begin == 0) or end <= begin:
        return None
    lines = []  # (byte offset in the file, subject, the object when a node, whether by a join predicate)
    offset = start + begin
    for line in window[begin:end].split(b"\n")[:-1]:
        match = _LINE.match(line)
        if match:
            o = match.group(3)
            lines.append((offset, match.group(1), o, match.group(2) in joined and o not in reference_iris))
        else:
            lines.append((offset, None, None, False))
        offset += len(line) + 1
    # Candidates in the first WINDOW_BYTES after `near`, so that each has lines after it to check.
    candidates = [i for i in range(1, len(lines))
                  if near <= lines[i][0] < near + WINDOW_BYTES and lines[i][1] != lines[i - 1][1]]
    for i in candidates:
        before, after = lines[:i], lines[i:]
        subjects_before = {s for _, s, _, _ in before}
        subjects_after = {s for _, s, _, _ in after}
        if any(o in subjects_before for _, _, o, _ in after) or any(o in subjects_after for _, _, o, _ in before):
            continue
        if {o for _, _, o, join in before if join}.isdisjoint(o for _, _, o, join in after if join):
            return lines[i][0]
    return lines[candidates[0]][0] if candidates else None


def accept(scans: list[Scanned], joins: frozenset[frozenset[str]], triple_limit: int) -> dict[str, int] | None:
    """The file's subjects -> their line in the file, when the ranges are parts `chunks` could have
    made (see the module's docstring); else None."""
    if sum(scan.lines for scan in scans) > triple_limit:
        return None
    subjects: dict[str, int] = {}
    before = 0
    for scan in scans:
        expected = len(subjects) + len(scan.first_lines)
        subjects.update({s: line + before for s, line in scan.first_lines.items()})
        if len(subjects) != expected:  # a subject described in two ranges
            return None
        before += scan.lines
    if not all(scan.outward.isdisjoint(subjects) for scan in scans):
        return None
    for join in joins:
        usable = turbo_parts.usable_join_predicate(join, lambda p: any(scan.join_reference.get(p) for scan in scans))
        if usable is None:
            return None
        objects = [scan.join_objects.get(usable, set()) for scan in scans]
        if sum(map(len, objects)) != len(set().union(*objects)):  # records sharing a node, cut apart
            return None
    return subjects


def validate_file(path: Path, reference: str, shapes: Shapes, triple_limit: int) -> Validated | None:
    """Validate one large canonical N-Triples file in ranges, or None (see the module's docstring)."""
    if not turbo_parts.shapes_look_forward_only():
        return None
    joins = turbo_parts.project_locality()[1]
    joined = sorted({p for join in joins for p in join})
    try:
        ranges = plan(path, turbo_parts.part_count, {p.encode("utf-8") for p in joined},
                      {iri.encode("utf-8") for iri in turbo_parts.reference_iris(reference)})
    except OSError:
        return None
    if ranges is None:
        return None
    batches = turbo_parts.share_out(ranges, min(turbo_parts.worker_count(), len(ranges)))
    processes: list[subprocess.Popen] = []
    answered = False  # the workers gave their answers and end by themselves
    try:
        processes += [start_worker() for _ in batches]
        for process, batch in zip(processes, batches, strict=True):
            send(process, (str(path), batch, reference, shapes, joined))
        scans = turbo_parts.in_order([receive(process) for process in processes])
        if any(not isinstance(scan, Scanned) for scan in scans):
            return None
        subjects = accept(scans, joins, triple_limit)
        for process in processes:
            send(process, subjects is not None)
        if subjects is None:
            return None
        done = [receive(process) for process in processes]
        answered = True
    except Exception:  # noqa: BLE001  (a worker that cannot start, died, or wrote something else: the
        return None    # ordinary path reads the file, and reports any error in it as usual)
    finally:
        for process in processes:
            stop(process, patience=5 if answered else 0)  # else at work on a path given up, or interrupted
    results, report_factory, found = turbo_parts.gather(turbo_parts.in_order(done),
                                                        lambda focus: turbo_parts.term_key(focus) in subjects)
    return Validated(subjects, sum(scan.lines for scan in scans), results, report_factory, found)


def start_worker() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "migkg.validation.engines.range_worker"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def send(process: subprocess.Popen, message) -> None:
    process.stdin.write(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
    process.stdin.flush()


def receive(process: subprocess.Popen):
    return pickle.load(process.stdout)


def stop(process: subprocess.Popen, patience: float) -> None:
    """Close the pipes, let the worker end within `patience` seconds, else end it."""
    for stream in (process.stdin, process.stdout):
        try:
            stream.close()
        except OSError:
            pass
    try:
        process.wait(timeout=patience)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- in a worker process -------------------------------------------------------------------------

def read_range(path: str, start: int, end: int) -> str:
    with open(path, "rb") as file:
        file.seek(start)
        return file.read(end - start).decode("utf-8")


def scan(text: str, reference_iris: set[str], joined: list[str]) -> Scanned | str:
    """What a range says of itself, or why it cannot be validated apart."""
    if "_:" in text:
        return "blank nodes"
    try:
        if turbo_native.parse_rdf(text, "nt")[0] != text:
            return "not canonical N-Triples"
    except ValueError:
        return "syntax error"
    tokens = _SUBJECT.findall("\n" + text)
    if len(tokens) != text.count("\n"):
        return "not canonical N-Triples"
    first_lines = outcome.first_lines(tokens)
    if not reference_iris.isdisjoint(first_lines):
        return "describes a resource of the reference data"
    outward: set[str] = set()
    join_objects: dict[str, set[str]] = {p: set() for p in joined}
    join_reference = dict.fromkeys(joined, False)
    for _, predicate, o in turbo_parts.links(text):
        if o not in first_lines:
            outward.add(o)
            if predicate in join_objects:
                join_objects[predicate].add(o)
        if predicate in join_reference and o in reference_iris:
            join_reference[predicate] = True
    return Scanned(first_lines, len(tokens), outward, join_objects, join_reference)

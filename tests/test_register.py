"""A user's case register as a first-class input: the register's overlap matrix
(case-overlap-counts) and its figures (case-register-summary), the same on both engines, and
`migkg report --data REGISTER` with a section of its own. Expected answers are worked out by
hand from tests/fixtures/case-register.ttl (three persons, see its header) and the graph's one
illustrative record (a foreign trafficked person who holds the special migration status, with
no dates and no referral, data/peru/overlaps-and-cases.ttl)."""

from __future__ import annotations

import csv
import io

import pytest

from migkg.graphstore import with_data
from migkg.queries import find
from migkg.sparql import run_rdflib

from .conftest import ROOT, run_cli

REGISTER = ROOT / "tests" / "fixtures" / "case-register.ttl"
CAT = "https://w3id.org/migkg/id/category/"

# (category A, category B) -> (persons holding both at once, of whom without a referral)
ALL_DATES = {
    ("asylum-seeker", "smuggled-migrant"): (1, 1),  # p1: Feb 2017; no referral
    ("foreign-victim-of-trafficking", "special-visa-holder"): (1, 1),  # the graph's own record
    ("irregular-migrant", "victim-of-trafficking"): (1, 0),  # p3: from Jan 2018; referred to the police
}  # p2: irregular 2016-05..2016-12, trafficking from 2017: no overlap
AS_OF_2017_02_15 = {k: v for k, v in ALL_DATES.items() if k[0] != "irregular-migrant"}  # p3 starts in 2018


def counts(*args: str) -> dict[tuple[str, str], tuple[int, int]]:
    result = run_cli("query", "case-overlap-counts", "--data", str(REGISTER), "--format", "csv", *args)
    assert result.returncode == 0, result.stderr
    return {(r["categoryA"].removeprefix(CAT), r["categoryB"].removeprefix(CAT)):
            (int(r["persons"]), int(r["personsWithoutReferral"]))
            for r in csv.DictReader(io.StringIO(result.stdout))}


def test_overlap_counts_of_a_register():
    assert counts() == ALL_DATES


def test_overlap_counts_as_of_a_date():
    assert counts("-p", "asOf=2017-02-15") == AS_OF_2017_02_15
    assert counts("-p", "asOf=2010-01-01") == {("foreign-victim-of-trafficking", "special-visa-holder"): (1, 1)}


def test_register_summary():
    result = run_cli("query", "case-register-summary", "--data", str(REGISTER), "--format", "csv")
    assert result.returncode == 0, result.stderr
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    # 3 persons of the register + the graph's one; two holdings each; p1, p3 and the graph's
    # person overlap; p3 alone was referred: 2 of 3 without a referral.
    assert row == {"persons": "4", "holdings": "8", "personsInOverlap": "3", "withoutReferral": "2",
                   "shareWithoutReferral": "66.7"}


@pytest.mark.parametrize("name", ["case-overlap-counts", "case-register-summary", "case-level-overlaps"])
def test_rdflib_and_oxigraph_agree_on_a_register(name):
    store = with_data([REGISTER])
    saved = find(name)
    fast = store.select(saved.text, saved.bindings())
    reference = run_rdflib(store.rdflib_graph(), saved.text, saved.bindings())

    def plain(table):  # GROUP_CONCAT's order is the engine's: its parts compared as sets
        return sorted(tuple("" if c is None else "; ".join(sorted(str(c).split("; "))) for c in row)
                      for row in table.rows)
    assert fast.variables == reference.variables
    assert plain(fast) == plain(reference) and fast.rows


def test_pages_of_the_case_level_overlaps_make_the_whole_answer():
    def rows(*args):
        result = run_cli("query", "case-level-overlaps", "--data", str(REGISTER), "--format", "csv", *args)
        assert result.returncode == 0, result.stderr
        return list(csv.reader(io.StringIO(result.stdout)))[1:]
    whole = rows()
    assert len(whole) == 3
    assert rows("--limit", "2") + rows("--limit", "2", "--offset", "2") == whole
    assert rows("--offset", "3") == [] and rows("--offset", "99", "--limit", "5") == []


@pytest.mark.slow
def test_report_with_a_register_adds_its_section(tmp_path):
    out = tmp_path / "report"
    result = run_cli("report", "--data", str(REGISTER), "-o", str(out))
    assert result.returncode == 0, result.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    register = page.split('id="register"')[1].split("</section>\n<section")[0]
    for heading, figure in (("Persons", "4"), ("Persons in an overlap", "3"), ("Of whom without a referral", "2"),
                            ("Share without a referral (%)", "66.7")):
        assert f"<dt>{heading}</dt><dd><strong>{figure}</strong></dd>" in register
    assert (out / "figures" / "register-overlap-matrix.en.svg").is_file()
    assert "1 without referral" in (out / "figures" / "register-overlap-matrix.en.svg").read_text()
    spanish = (out / "report.es.md").read_text(encoding="utf-8")
    assert "## 2. El registro de casos dado con --data" in spanish and "- **Personas:** 4" in spanish


@pytest.mark.slow
def test_report_without_a_register_has_no_register_section(tmp_path):
    result = run_cli("report", "-o", str(tmp_path / "report"))
    assert result.returncode == 0, result.stderr
    assert 'id="register"' not in (tmp_path / "report" / "index.html").read_text(encoding="utf-8")


def test_report_with_a_register_that_does_not_conform_writes_nothing(tmp_path):
    bad = tmp_path / "register.ttl"
    bad.write_text("@prefix mkg: <https://w3id.org/migkg/ontology#> .\n"
                   "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                   "<https://w3id.org/migkg/id/test/a> a mkg:CategoryAssignment ;\n"
                   '    mkg:startDate "2017-13-45"^^xsd:date .\n', encoding="utf-8")
    result = run_cli("report", "--data", str(bad), "-o", str(tmp_path / "report"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "2017-13-45" in result.stderr
    assert not (tmp_path / "report").exists()
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    result = run_cli("report", "--data", str(broken), "-o", str(tmp_path / "report"))
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0
    assert f"{broken}:1:" in result.stderr and not (tmp_path / "report").exists()


def test_a_long_table_shows_its_first_rows_and_says_how_many():
    from migkg.report.common import Table
    from migkg.report.sections import first_rows

    class FakePage:
        t = {"first_rows": "The first {shown} of {total} rows; the others: migkg query {query} --offset {shown}."}

    table = Table("t", "T", ["a"], rows=[[str(i)] for i in range(7)], query="case-level-overlaps")
    shown = first_rows(table, 5, FakePage())
    assert [r[0] for r in shown.rows] == ["0", "1", "2", "3", "4"]
    assert shown.note == "The first 5 of 7 rows; the others: migkg query case-level-overlaps --offset 5."
    assert first_rows(Table("t", "T", ["a"], rows=[["x"]]), 5, FakePage()).note == ""


HEAD = """@prefix mkg: <https://w3id.org/migkg/ontology#> .
@prefix cat: <https://w3id.org/migkg/id/category/> .
@prefix t:   <https://w3id.org/migkg/id/test/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
t:p1 a mkg:PersonRecord .
"""


@pytest.mark.parametrize("body, code, expected", [
    ("t:p1-a a mkg:CategoryAssignment ; mkg:holder t:p1 ; mkg:category cat:asylum-seeker\n",  # no final dot
     2, "register.ttl:7:"),
    ('t:p1-a a mkg:CategoryAssignment ; mkg:holder t:p1 ; mkg:category cat:asylum-seeker ;\n'
     '    mkg:startDate "2017-13-45"^^xsd:date .\n', 1, "2017-13-45"),
    ("t:p1-a a mkg:CategoryAssignment ; mkg:holder t:p1 ; mkg:category cat:no-such-category .\n",
     1, "needs exactly one mkg:category that is a mkg:MigrantCategory"),
    ('t:p1-a a mkg:CategoryAssignment ; mkg:holder t:p1 ; mkg:category cat:asylum-seeker ;\n'
     '    mkg:startDate "2017-01-10"^^xsd:date ; mkg:endDate "2017-06-01"^^xsd:date .\n'
     't:p1-b a mkg:CategoryAssignment ; mkg:holder t:p1 ; mkg:category cat:asylum-seeker ;\n'
     '    mkg:startDate "2017-03"^^xsd:gYearMonth .\n', 1, "holds https://w3id.org/migkg/id/category/asylum-seeker in "
     "another assignment (https://w3id.org/migkg/id/test/p1-b) at overlapping times"),
])
def test_a_bad_register_is_refused_before_any_answer(tmp_path, body, code, expected):
    register = tmp_path / "register.ttl"
    register.write_text(HEAD + body, encoding="utf-8")
    result = run_cli("query", "case-overlap-counts", "--data", str(register))
    assert result.returncode == code and "Traceback" not in result.stderr, result.stderr
    assert expected in result.stderr and result.stdout == ""


def test_the_same_category_held_twice_but_one_after_the_other_is_fine(tmp_path):
    register = tmp_path / "register.ttl"
    register.write_text(HEAD + 't:p1-a a mkg:CategoryAssignment ; mkg:holder t:p1 ; mkg:category cat:asylum-seeker ;\n'
                        '    mkg:startDate "2016"^^xsd:gYear ; mkg:endDate "2016-12"^^xsd:gYearMonth .\n'
                        't:p1-b a mkg:CategoryAssignment ; mkg:holder t:p1 ; mkg:category cat:asylum-seeker ;\n'
                        '    mkg:startDate "2017-03"^^xsd:gYearMonth .\n', encoding="utf-8")
    for engine in ("turbo", "pyshacl"):
        result = run_cli("validate", str(register), "--engine", engine)
        assert result.returncode == 0, result.stdout


def test_a_register_over_the_triple_limit_is_one_line(tmp_path):
    result = run_cli("query", "case-overlap-counts", "--data", str(REGISTER), env={"MIGKG_MAX_TRIPLES": "10"})
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "over the limit of 10 triples" in result.stderr and "MIGKG_MAX_TRIPLES" in result.stderr


@pytest.mark.parametrize("encoding, name", [("utf-32-be", "UTF-32"), ("utf-32-le", "UTF-32"), ("utf-16-be", "UTF-16")])
def test_an_ntriples_register_with_another_byte_order_mark_is_refused_unvalidated_too(tmp_path, encoding, name):
    # --no-validate loads N-Triples bytes straight into the store: the byte-order mark is checked
    # there as every reader checks it (a UTF-32 big-endian one slipped through once).
    register = tmp_path / "register.nt"
    register.write_bytes("\ufeff<urn:a> <urn:b> <urn:c> .\n".encode(encoding))
    result = run_cli("query", "case-overlap-counts", "--data", str(register), "--no-validate")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert f"starts with a {name} byte-order mark" in result.stderr and result.stdout == ""

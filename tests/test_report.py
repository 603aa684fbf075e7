"""`migkg report`: the pages people read (issue 7).

The report is built once per module by the real console script, into a temporary folder,
and every expectation about its content is derived from the graph (the data keeps growing):
each overlap situation and documented gap the graph holds must be on the pages, in English
and in Spanish, with its sources. The sections are declared in queries/report-sections.yaml;
a broken declaration stops the report with one line. A headless Chromium (Debian's, installed
by `make browser`) opens the page from disk and must see no console error, no request leaving
the machine, and the pictures drawn.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from migkg import resources
from tests.browser import watch

BIN = Path(sys.executable).parent
MIGKG = str(BIN / "migkg")
CHROMIUM = Path(os.environ.get("MIGKG_CHROMIUM", "/usr/bin/chromium"))
FIGURES = ("overlap-matrix", "mandate-matrix", "coordination-network", "instrument-timeline")
SECTIONS_FILE = resources.part("queries") / "report-sections.yaml"
REPORT_CODE = Path(__file__).resolve().parents[1] / "src" / "migkg" / "report"

JORGE_CHAVEZ = ("Smuggled migrants and asylum seekers at Jorge Chávez International Airport "
                "(2015 - first half of 2017)")
IRREGULAR = "Foreign victims of trafficking treated as irregular migrants"

# The tests of this module share the report built once: on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("report")


def build(out: Path, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([MIGKG, "report", "-o", str(out)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    result = build(base / "report", base)
    assert result.returncode == 0, result.stderr
    return base / "report", result


@pytest.fixture(scope="module")
def report_dir(built) -> Path:
    return built[0]


def page_text(path: Path) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded, spaces joined."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<style.*?</style>|<svg.*?</svg>", " ", raw, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def labels(graph: Graph, cls: str, lang: str) -> dict[str, str]:
    rows = graph.query(f"""
        PREFIX mkg: <https://w3id.org/migkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?x ?label WHERE {{ ?x a mkg:{cls} ; rdfs:label ?label . FILTER (LANG(?label) = "{lang}") }}""")
    return {str(x): " ".join(str(label).split()) for x, label in rows}


def section_labels(graph: Graph, resource: str, lang: str) -> set[str]:
    rows = graph.query(f"""
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label WHERE {{ <{resource}> dcterms:source ?s . ?s rdfs:label ?label .
                               FILTER (LANG(?label) = "{lang}") }}""")
    return {" ".join(str(label).split()) for (label,) in rows}


def files_of(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def broken_declarations(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of queries/report-sections.yaml with one text replaced."""
    text = SECTIONS_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "report-sections.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# --- the build ------------------------------------------------------------------------------

def test_report_writes_pages_pictures_and_ontology_doc(built):
    out, result = built
    for name in ("index.html", "index.es.html", "report.md", "report.es.md", "summary.md", "ontology/index.html"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    for name in FIGURES:
        for lang in ("en", "es"):
            svg = (out / "figures" / f"{name}.{lang}.svg").read_text(encoding="utf-8")
            assert "<svg" in svg and "<dc:date>" not in svg, name  # no date: the same bytes every run
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in FIGURES:
        assert f'id="fig-{name}"' in index and index.count("<svg") >= len(FIGURES)
    assert 'href="ontology/index.html"' in index and 'href="index.es.html"' in index
    # the last thing printed is where the report is; before it, the summary
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == str((out / "index.html").resolve())
    summary = " ".join(lines)
    assert re.search(r"\d+ triples", summary) and "SHACL conforms" in summary and "OWL RL consistent" in summary
    assert re.search(r"\d+ overlaps and \d+ documented gaps found", summary)


def test_summary_counts_match_the_graph(built, graph):
    _, result = built
    overlaps, gaps = labels(graph, "OverlapSituation", "en"), labels(graph, "DocumentedGap", "en")
    assert f"{len(overlaps)} overlaps and {len(gaps)} documented gaps found" in result.stdout


def test_html_holds_every_overlap_and_gap_of_the_graph(report_dir, graph):
    text = page_text(report_dir / "index.html")
    overlaps = labels(graph, "OverlapSituation", "en")
    gaps = labels(graph, "DocumentedGap", "en")
    assert overlaps and gaps
    missing = sorted(label for label in {**overlaps, **gaps}.values() if label not in text)
    assert not missing, f"not in index.html: {missing}"
    # two overlaps and two gaps as the sources state them (data/peru/overlaps-and-cases.ttl, gaps.ttl)
    assert JORGE_CHAVEZ in text and IRREGULAR in text
    assert "No national plan on migrant smuggling" in text
    assert "Foreign victims of trafficking are treated as irregular migrants and deported" in text
    assert "The humanitarian migration visa is not effective for lack of an implementing regulation" in text


def test_each_gap_and_overlap_shows_its_source_and_section(report_dir, graph):
    raw = (report_dir / "index.html").read_text(encoding="utf-8")
    card = re.compile(r'<article class="card (?:gap|overlap)" id="([^"]+)">(.*?)</article>', re.DOTALL)
    cards = {m.group(1): html.unescape(re.sub(r"<[^>]+>", " ", m.group(2))) for m in card.finditer(raw)}
    resources_ = {**labels(graph, "OverlapSituation", "en"), **labels(graph, "DocumentedGap", "en")}
    for iri, label in resources_.items():
        card = next((body for body in cards.values() if label in " ".join(body.split())), None)
        assert card is not None, f"no card for {label}"
        sections = section_labels(graph, iri, "en")
        assert sections, f"{iri} has no source in the graph"
        assert all(s in " ".join(card.split()) for s in sections), f"sources of {label} not all shown"
    # the Jorge Chávez airport overlap: 21 persons, Blouin & Button footnote 37, less protective category
    jorge = next(body for body in cards.values() if JORGE_CHAVEZ in " ".join(body.split()))
    jorge = " ".join(jorge.split())
    assert "21" in jorge and "Blouin & Button 2018, footnote 37" in jorge
    assert "The less protective category was applied." in jorge


def test_markdown_holds_every_overlap_and_gap(report_dir, graph):
    text = " ".join((report_dir / "report.md").read_text(encoding="utf-8").split())
    for label in {**labels(graph, "OverlapSituation", "en"), **labels(graph, "DocumentedGap", "en")}.values():
        assert label in text, label
    assert "![" in text and "figures/mandate-matrix.en.svg" in text


def test_spanish_page_uses_the_graphs_spanish_labels(report_dir, graph):
    raw = (report_dir / "index.es.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in raw
    text = page_text(report_dir / "index.es.html")
    expected = {**labels(graph, "OverlapSituation", "es"), **labels(graph, "DocumentedGap", "es")}
    assert expected
    missing = sorted(label for label in expected.values() if label not in text)
    assert not missing, f"not in index.es.html: {missing}"
    assert "Víctimas de trata extranjeras tratadas como migrantes en situación irregular" in text
    assert "Brechas documentadas" in text and "Categorías superpuestas" in text
    # categories and sources in Spanish too
    assert "solicitante de refugio" in text and "Blouin y Button 2018, nota 37" in text
    assert "Documented gaps" not in text and "Key figures" not in text
    svg = (report_dir / "figures" / "overlap-matrix.es.svg").read_text(encoding="utf-8")
    assert "solicitante" in svg and "trata" in svg and "personas" in svg  # (labels are wrapped over lines)


def test_pages_load_nothing_from_the_network(report_dir):
    for name in ("index.html", "index.es.html"):
        raw = (report_dir / name).read_text(encoding="utf-8")
        assert not re.search(r"<script\b", raw, re.IGNORECASE), "no scripts needed"
        assert not re.search(r"""\b(?:src|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", raw, re.IGNORECASE)
        assert not re.search(r"<link\b[^>]*href=[\"'](?:https?:)?//", raw, re.IGNORECASE)
        assert not re.search(r"@import|url\(\s*[\"']?(?:https?:)?//", raw, re.IGNORECASE)


def test_ontology_page_from_pylode_in_both_languages(report_dir):
    raw = (report_dir / "ontology" / "index.html").read_text(encoding="utf-8")
    assert "pyLODE" in raw
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())
    assert "overlap situation / situación de superposición" in text
    assert "documented gap / brecha documentada" in text
    assert "Controlled vocabularies" in text and "gap kinds / tipos de brecha" in text
    assert 'href="../index.html"' in raw


def test_builds_are_byte_identical(report_dir, tmp_path):
    """A second build (pictures, reasoning, validation and the ontology page from the cache by
    now) gives the same files, byte for byte."""
    again = tmp_path / "again"
    result = build(again, tmp_path)
    assert result.returncode == 0, result.stderr
    first, second = files_of(report_dir), files_of(again)
    assert sorted(first) == sorted(second)
    different = [str(p) for p in first if first[p] != second[p]]
    assert not different, f"differ between two builds: {different}"


@pytest.mark.slow
def test_a_build_with_an_empty_cache_gives_the_same_bytes(report_dir, tmp_path, cold_cache):
    """Everything computed anew (worker processes, matplotlib, pyLODE): the same report as the
    one built with whatever the cache held."""
    again = tmp_path / "cold"
    result = build(again, tmp_path)
    assert result.returncode == 0, result.stderr
    assert any(cold_cache.rglob("*")), "the cold build kept nothing in the cache"
    first, second = files_of(report_dir), files_of(again)
    assert sorted(first) == sorted(second)
    assert [str(p) for p in first if first[p] != second[p]] == []


def test_a_warm_build_starts_no_worker_and_imports_no_drawing_library(report_dir, tmp_path):
    """With the cache filled (by the module's build), the report needs no worker process, and
    matplotlib, networkx, pyLODE, owlrl and pySHACL are not even imported."""
    script = (
        "import sys\n"
        "import migkg.report.background as background\n"
        "def refuse(*args, **kwargs):\n"
        "    raise AssertionError(f'worker started: {args}')\n"
        "background.start_worker = refuse\n"
        "from migkg.cli import main\n"
        "try:\n"
        f"    main(['report', '-o', {str(tmp_path / 'warm')!r}])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = [m for m in ('matplotlib', 'networkx', 'pylode', 'owlrl', 'pyshacl') if m in sys.modules]\n"
        "print('EXIT', code, 'HEAVY', ' '.join(heavy) or '-')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "EXIT 0 HEAVY -", (result.stdout, result.stderr)
    assert files_of(tmp_path / "warm") == files_of(report_dir)


# --- the declared sections ----------------------------------------------------------------------

def test_sections_on_the_page_are_the_declared_ones_in_order(report_dir):
    from migkg.report import sections

    declared = sections.load()
    shown = [s for s in declared.sections if s.spec.get("when") != "data"]  # built without --data
    ids = [s.id for s in shown]
    assert ids[:3] == ["overlaps", "gaps", "found-gaps"] and ids[-2:] == ["validation", "sources"]
    for name, lang in (("index.html", "en"), ("index.es.html", "es")):
        raw = (report_dir / name).read_text(encoding="utf-8")
        on_page = re.findall(r'<section id="([^"]+)">\n<h2>(\d+)\. ([^<]+)</h2>', raw)
        assert [i for i, _, _ in on_page] == ids
        assert [int(n) for _, n, _ in on_page] == list(range(1, len(ids) + 1))
        assert [html.unescape(t) for _, _, t in on_page] == [s.spec["title"][lang] for s in shown]
    # every declared table is on the page, under its query's id
    raw = (report_dir / "index.html").read_text(encoding="utf-8")
    for block in (b for s in shown for b in s.blocks):
        if block.kind == "table":
            assert f'id="t-{block.name}"' in raw, block.name


def test_a_column_the_query_does_not_return_is_a_one_line_error(tmp_path, migkg_cli):
    wrong = broken_declarations(tmp_path, "value: fromLabel}", "value: fromLabelX}")
    result = migkg_cli("report", "-o", tmp_path / "out", cwd=tmp_path,
                       env={"MIGKG_REPORT_SECTIONS": str(wrong)})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    message = result.stderr.strip()
    assert message.startswith("migkg: report section found-gaps, table referral-pathways")
    assert "'fromLabelX'" in message and "query referral-pathways does not return" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report-sections.yaml"]  # no build folder left


@pytest.mark.parametrize("old, new, expected", [
    ("value: list(handledBy)}", "value: lists(handledBy)}", "unknown function lists()"),
    ("- table: excluded-institutions", "- table: no-such-query", "no saved query 'no-such-query'"),
    ("sort: {column: 5}", "sort: {column: 50}", "sort is {column: N} with N from 1 to 8"),
    ("- special: gap-cards", "- special: gap-grid", "special gap-grid: no such special (known: "),
    ("empty: {en: no overlap documented", "nothing: {en: no overlap documented",
     "overlap-matrix: the picture needs the word 'empty'"),
])
def test_other_broken_declarations_are_one_line_errors(tmp_path, migkg_cli, old, new, expected):
    wrong = broken_declarations(tmp_path, old, new)
    result = migkg_cli("report", "-o", tmp_path / "out", cwd=tmp_path, env={"MIGKG_REPORT_SECTIONS": str(wrong)})
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and expected in result.stderr, result.stderr


def test_cell_expressions():
    from migkg.report.sections import evaluate, parse_expression

    class FakePage:
        lang = "es"

        def word(self, value):
            return {"ongoing": "en curso"}.get(value, value)

    row = {"start": "2016", "end": "", "ongoing": "true", "members": "12", "observers": "", "id": "DS 1",
           "label": "Decreto"}
    cell = lambda source: evaluate(parse_expression(source), row, FakePage())  # noqa: E731
    assert cell('join(" – ", start, first(end, if-true(ongoing, word("ongoing"))))') == "2016 – en curso"
    assert cell('join("", members, around(" (+", observers, ")"))') == "12"
    assert cell('join(" — ", id, label)') == "DS 1 — Decreto"
    assert cell('join-distinct(" – ", start, start)') == "2016"
    assert parse_expression('join(" — ", id, label)').fields() == {"id", "label"}
    for bad in ("join(", "label(a, b)", "nothing(a)", "a b", '"open'):
        with pytest.raises(ValueError):
            parse_expression(bad)


# --- the country comes from the data, not from the code ---------------------------------------

def test_no_country_is_named_in_the_reports_code_or_templates():
    named = []
    for path in sorted(REPORT_CODE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".css"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if re.search(r"peru|perú|/pe/", line, re.IGNORECASE):
                    named.append(f"{path.name}:{number}: {line.strip()}")
    assert named == []
    assert not re.search(r"peru|perú", SECTIONS_FILE.read_text(encoding="utf-8"), re.IGNORECASE)


def test_the_country_its_names_and_its_assessment_come_from_the_data():
    import pyoxigraph as ox

    from migkg.graphstore import GraphStore, default_paths
    from migkg.report.inputs import Inputs
    from migkg.report.sections import fill_in, load

    gs = GraphStore(default_paths())  # its own store: the session's shared one is left as it is
    country = Inputs(gs).country()
    assert country["iri"] == "https://w3id.org/migkg/id/place/peru"
    assert country["names"] == {"en": "Peru", "es": "Perú"}
    assert country["dataset"]["en"] == "Migration governance in Peru"
    assert "https://w3id.org/migkg/id/pe/ld-1350" in country["domestic"]
    # another country is a change of the data: the texts follow it
    spatial = ox.NamedNode("http://purl.org/dc/terms/spatial")
    for quad in list(gs.store.quads_for_pattern(None, spatial, None)):
        gs.store.remove(quad)
        gs.store.add(ox.Quad(quad.subject, spatial, ox.NamedNode("https://w3id.org/migkg/id/place/colombia")))
    other = Inputs(gs).country()
    assert other["names"] == {"en": "Colombia", "es": "Colombia"} and other["assessments"]["en"] == ""
    conventions = next(s for s in load().sections if s.id == "conventions").spec["intro"]
    assert fill_in(conventions["en"], {"country": other["names"]["en"]}).startswith("Colombia's standing")


# --- failures: one line, and the previous report left as it was --------------------------------

def test_failed_build_leaves_the_previous_report_intact(report_dir, tmp_path, migkg_cli):
    previous = tmp_path / "report"
    shutil.copytree(report_dir, previous)
    before = files_of(previous)
    wrong = broken_declarations(tmp_path, "value: fromLabel}", "value: fromLabelX}")
    result = migkg_cli("report", "-o", previous, cwd=tmp_path, env={"MIGKG_REPORT_SECTIONS": str(wrong)})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("migkg: ") and len(result.stderr.strip().splitlines()) == 1
    assert files_of(previous) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "report-sections.yaml"]  # no build folder


def test_refuses_to_replace_a_folder_that_is_not_a_report(tmp_path, migkg_cli):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    result = migkg_cli("report", "-o", mine, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("migkg: ") and "not a migkg report" in result.stderr
    assert (mine / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]


# --- in a browser ----------------------------------------------------------------------------

@pytest.mark.browser
def test_browser_opens_report_from_disk(report_dir, tmp_path):
    """Headless Chromium opens index.html by file://: no console error, only file: and data:
    requests, every picture drawn with a size, and a screenshot saved."""
    assert CHROMIUM.is_file(), f"{CHROMIUM} is missing: install Debian's chromium with `make browser`"
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    requests: list[str] = []
    screenshot = tmp_path / "report.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            watch(page, errors, requests)
            page.goto((report_dir / "index.html").resolve().as_uri(), wait_until="load")
            page.wait_for_load_state("networkidle")
            boxes = {}
            for name in FIGURES:
                svg = page.locator(f"#fig-{name} svg")
                assert svg.count() == 1, name
                svg.scroll_into_view_if_needed()
                boxes[name] = svg.bounding_box()
                # something is drawn inside: the SVG's own shapes have a size on screen
                drawn = page.evaluate(
                    "(sel) => { const s = document.querySelector(sel); const b = s.getBBox();"
                    " return [b.width, b.height, s.querySelectorAll('path, text, use').length]; }",
                    f"#fig-{name} svg")
                assert drawn[0] > 0 and drawn[1] > 0 and drawn[2] > 10, (name, drawn)
            title = page.title()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(screenshot))
            page.locator("#fig-mandate-matrix").screenshot(path=str(tmp_path / "mandate-matrix.png"))
        finally:
            browser.close()
    assert not errors, errors
    leaving = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert not leaving, f"requests leaving the machine: {leaving}"
    assert requests and requests[0].startswith("file:")
    for name, box in boxes.items():
        assert box and box["width"] > 100 and box["height"] > 100, (name, box)
    assert "Migration governance in Peru" in title
    for shot in (screenshot, tmp_path / "mandate-matrix.png"):
        assert shot.is_file() and shot.stat().st_size > 10_000
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

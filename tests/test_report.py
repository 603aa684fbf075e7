"""`migkg report`: the pages people read (issue 7).

The report is built once per module by the real console script, into a temporary folder,
and every expectation about its content is derived from the graph (the data keeps growing):
each overlap situation and documented gap the graph holds must be on the pages, in English
and in Spanish, with its sources. A headless Chromium (Debian's, installed by `make browser`)
opens the page from disk and must see no console error, no request leaving the machine, and
the pictures drawn.
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

BIN = Path(sys.executable).parent
MIGKG = str(BIN / "migkg")
CHROMIUM = Path(os.environ.get("MIGKG_CHROMIUM", "/usr/bin/chromium"))
FIGURES = ("overlap-matrix", "mandate-matrix", "coordination-network", "instrument-timeline")

JORGE_CHAVEZ = ("Smuggled migrants and asylum seekers at Jorge Chávez International Airport "
                "(2015 - first half of 2017)")
IRREGULAR = "Foreign victims of trafficking treated as irregular migrants"


def build(out: Path, cwd: Path, env: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
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
    cards = {m.group(1): html.unescape(re.sub(r"<[^>]+>", " ", m.group(2)))
             for m in re.finditer(r'<article class="card (?:gap|overlap)" id="([^"]+)">(.*?)</article>', raw, re.DOTALL)}
    resources = {**labels(graph, "OverlapSituation", "en"), **labels(graph, "DocumentedGap", "en")}
    for iri, label in resources.items():
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
    again = tmp_path / "again"
    result = build(again, tmp_path)
    assert result.returncode == 0, result.stderr
    first = sorted(p.relative_to(report_dir) for p in report_dir.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    different = [str(p) for p in first if (report_dir / p).read_bytes() != (again / p).read_bytes()]
    assert not different, f"differ between two builds: {different}"


# --- failures: one line, and the previous report left as it was --------------------------------

def test_failed_build_leaves_the_previous_report_intact(report_dir, tmp_path):
    previous = tmp_path / "report"
    shutil.copytree(report_dir, previous)
    before = {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()}
    env = dict(os.environ, MIGKG_MAX_TRIPLES="10")  # every data file is over this limit: loading fails
    result = build(previous, tmp_path, env=env, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("migkg: ") and len(result.stderr.strip().splitlines()) == 1
    assert {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no build folder left behind


def test_refuses_to_replace_a_folder_that_is_not_a_report(tmp_path):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    result = build(mine, tmp_path, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("migkg: ") and "not a migkg report" in result.stderr
    assert (mine / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]


# --- in a browser ----------------------------------------------------------------------------

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
            page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
            page.on("request", lambda r: requests.append(r.url))
            page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
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

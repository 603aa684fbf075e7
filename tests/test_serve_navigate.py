"""`/navigate` in `migkg serve`: the form lists every category, the answer is `migkg navigate`'s
(the JSON route against the CLI's JSON; the page holds every item's label and links its
sources), in Spanish, with asOf, and bad input refused with 400 as the CLI refuses it."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys

import httpx
import pytest

from tests.test_serve import running_server

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("serve")]

PAIR = [("category", "smuggled-migrant"), ("category", "asylum-seeker")]
JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def client():
    with running_server() as (base, _), httpx.Client(base_url=base, timeout=60, trust_env=False) as c:
        yield c


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "migkg", "navigate", *args], capture_output=True, text=True,
                          timeout=120)


def cli_json(*args: str) -> dict:
    done = cli(*args, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def item_labels(result: dict) -> list[str]:
    """The label that names each item of the answer, part by part."""
    labels = [c["categoryLabel"] for c in result["categories"]]
    labels += [m["institutionLabel"] for c in result["categories"] for m in c["mandates"]]
    labels += [s["statusLabel"] for s in result["statuses"]["statuses"]]
    coord = result["coordination"]
    labels += [k["linkTypeLabel"] for k in coord["links"]]
    labels += [m["mechanismLabel"] for m in coord["mechanisms"] if m.get("mechanism")]
    labels += [e["institutionLabel"] for e in coord["exclusions"]]
    labels += [s["situationLabel"] for s in result["problems"]["situations"]]
    labels += [g["itemLabel"] for key in ("gaps", "findings") for g in result["problems"][key]]
    return [x for x in labels if x]


def all_sources(node) -> set[str]:
    if isinstance(node, dict):
        return set(node.get("sources") or []) | {s for v in node.values() for s in all_sources(v)}
    if isinstance(node, list):
        return {s for v in node for s in all_sources(v)}
    return set()


def test_home_links_to_navigate(client):
    assert 'href="/navigate?lang=en"' in client.get("/").text
    assert 'href="/navigate?lang=es"' in client.get("/?lang=es").text


def test_form_lists_every_category(client):
    from migkg.graphstore import open_default
    from migkg.navigate import known_categories

    response = client.get("/navigate")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    known = known_categories()
    assert len(known) > 5
    boxes = re.findall(r'<input type="checkbox" name="category" value="([^"]+)"', page)
    assert sorted(boxes) == sorted(c.local for c in known.values())
    from migkg.serve.graphview import GraphView

    view = GraphView(open_default().store)
    for cat in known.values():
        assert html.escape(view.label(cat.iri, "en"), quote=False) in page
    spanish = client.get("/navigate?lang=es").text
    for cat in known.values():
        assert html.escape(view.label(cat.iri, "es"), quote=False) in spanish
    assert 'name="asOf"' in page and 'type="date"' in page


def test_json_is_the_cli_json(client):
    response = client.get("/navigate", params=PAIR, headers=JSON)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert response.json() == cli_json("smuggled-migrant", "asylum-seeker")


def test_page_has_every_item_and_links_its_sources(client):
    expected = cli_json("smuggled-migrant", "asylum-seeker")
    page = client.get("/navigate", params=PAIR).text
    labels = item_labels(expected)
    assert len(labels) > 10
    for label in labels:
        assert html.escape(label, quote=False) in page, label
    sources = all_sources(expected)
    assert sources
    linked = dict((html.unescape(text), href) for href, text in
                  re.findall(r'<a class="source" href="([^"]+)">([^<]+)</a>', page))
    for source in sources:
        assert linked.get(source, "").startswith("/id/source/"), source
    first = sorted(set(linked.values()))[0]
    assert client.get(first).status_code == 200
    # the resources are linked to their pages, the chosen boxes stay ticked
    assert 'href="/id/category/smuggled-migrant?lang=en"' in page
    assert 'href="/id/pe/' in page
    assert 'value="smuggled-migrant" checked' in page and 'value="asylum-seeker" checked' in page
    # the Markdown form is `--format md`'s
    md = client.get("/navigate", params=PAIR, headers={"Accept": "text/markdown"})
    assert md.status_code == 200 and md.text == cli("smuggled-migrant", "asylum-seeker", "--format", "md").stdout


def test_categories_as_in_the_cli(client):
    """A category is its local name, its IRI or its label, in either language."""
    by_iri = client.get("/navigate", params=[("category", "https://w3id.org/migkg/id/category/smuggled-migrant"),
                                             ("category", "asylum-seeker")], headers=JSON).json()
    by_local = client.get("/navigate", params=PAIR, headers=JSON).json()
    assert by_iri == by_local
    by_label = client.get("/navigate", params=[("category", "smuggled migrant")], headers=JSON).json()
    assert by_label["request"]["categories"] == ["https://w3id.org/migkg/id/category/smuggled-migrant"]


def test_spanish(client):
    params = [*PAIR, ("lang", "es")]
    response = client.get("/navigate", params=params, headers=JSON)
    assert response.json() == cli_json("smuggled-migrant", "asylum-seeker", "--lang", "es")
    page = client.get("/navigate", params=params).text
    assert '<html lang="es">' in page
    from migkg.navigate import WORDS

    for part in ("categories", "statuses", "coordination", "problems"):
        assert html.escape(WORDS["es"][part], quote=False) in page
    for label in item_labels(response.json()):
        assert html.escape(label, quote=False) in page, label
    assert "/id/source/" in page and "fuentes" in page
    # the language switch keeps the categories
    assert "category=smuggled-migrant&amp;category=asylum-seeker&amp;lang=en" in page


def test_as_of(client):
    params = [*PAIR, ("asOf", "2016-12-31")]
    response = client.get("/navigate", params=params, headers=JSON)
    expected = cli_json("smuggled-migrant", "asylum-seeker", "--asOf", "2016-12-31")
    assert response.json() == expected and expected["request"]["asOf"] == "2016-12-31"
    assert expected != cli_json("smuggled-migrant", "asylum-seeker")  # the date changes the answer
    page = client.get("/navigate", params=params).text
    assert "as of 2016-12-31" in page and 'value="2016-12-31"' in page


def test_unknown_category(client):
    done = cli("smugled-migrnt")
    assert done.returncode != 0
    line = done.stderr.strip().removeprefix("migkg: ")
    assert "closest:" in line
    page = client.get("/navigate", params=[("category", "smugled-migrnt")])
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert html.escape(line, quote=False) in page.text
    assert '<input type="checkbox" name="category"' in page.text  # the form, to choose again
    for accept in ("application/json", "text/plain"):
        response = client.get("/navigate", params=[("category", "smugled-migrnt")], headers={"Accept": accept})
        assert response.status_code == 400
        assert response.text == f"400 {line}\n"


def test_bad_date_and_other_bad_input(client):
    bad = [*PAIR, ("asOf", "2016-13-01")]
    response = client.get("/navigate", params=bad, headers=JSON)
    assert response.status_code == 400 and response.text.count("\n") == 1 and "asOf" in response.text
    page = client.get("/navigate", params=bad)
    assert page.status_code == 400 and "asOf is not a date" in page.text
    only_date = client.get("/navigate", params=[("asOf", "yesterday")])
    assert only_date.status_code == 400
    none = client.get("/navigate", headers=JSON)
    assert none.status_code == 400 and none.text.startswith("400 give one or more categories")
    assert client.get("/navigate", params=[*PAIR, ("colour", "red")]).status_code == 400
    assert client.get("/navigate", params=[*PAIR, ("lang", "fr")]).status_code == 400
    assert client.get("/navigate", params=PAIR, headers={"Accept": "image/png"}).status_code == 406

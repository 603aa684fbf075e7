"""`migkg serve` in Debian's Chromium (playwright, no browser download): the home page, a
search, links followed, and the query page with YASGUI: the default query's PREFIX lines, the graph's
prefixes completed after PREFIX, a saved query run on /sparql and its table linking the graph's
IRIs to this server's pages. No request may leave 127.0.0.1 and no console error may appear."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import watch
from tests.test_serve import running_server

CHROMIUM = Path(os.environ.get("MIGKG_CHROMIUM", "/usr/bin/chromium"))

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_browser_home_search_follow_links_and_query(tmp_path):
    assert CHROMIUM.is_file(), f"{CHROMIUM} is missing: install Debian's chromium with `make browser`"
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    requests: list[str] = []
    with running_server() as (base, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            watch(page, errors, requests, http_errors=True)
            page.goto(base + "/", wait_until="load")
            assert "Migration governance in Peru" in page.title()
            page.fill("input[name=q]", "relaciones exteriores")
            page.press("input[name=q]", "Enter")
            page.wait_for_url("**/search?**")
            page.click("a[href^='/id/pe/mre?']")
            page.wait_for_url("**/id/pe/mre?**")
            assert page.locator("h1").inner_text() == "Ministry of Foreign Affairs"
            page.click("#other-language")
            page.wait_for_url("**lang=es**")
            assert page.locator("h1").inner_text() == "Ministerio de Relaciones Exteriores"
            page.click("a[href^='/id/place/peru']")
            assert page.locator("h1").inner_text() == "Perú"
            # the query page: YASGUI from the package's static files, on this server's /sparql
            page.goto(base + "/query", wait_until="load")
            page.wait_for_selector(".yasqe .CodeMirror", timeout=15000)
            assert page.locator("#plain").is_hidden()
            # the default query starts with the graph's prefixes
            yasqe = "window.migkgYasgui.getTab().getYasqe()"
            assert "PREFIX pe: <https://w3id.org/migkg/id/pe/>" in page.evaluate(f"{yasqe}.getValue()")
            # the graph's prefixes completed after PREFIX, from the page (no prefix.cc)
            page.evaluate(f"{yasqe}.setValue('')")
            page.click(".yasqe .CodeMirror-code")
            page.keyboard.type("PREFIX mk", delay=30)
            page.wait_for_selector(".CodeMirror-hints .CodeMirror-hint", timeout=10000)
            hints = page.locator(".CodeMirror-hints .CodeMirror-hint").all_inner_texts()
            assert "mkg: <https://w3id.org/migkg/ontology#>" in hints, hints
            page.keyboard.press("Enter")
            assert page.evaluate(f"{yasqe}.getValue()").startswith("PREFIX mkg: <https://w3id.org/migkg/ontology#>")
            # a saved query run; the table links the graph's IRIs to this server's pages
            page.select_option("#example-select", "mandates")
            page.click(".yasqe_queryButton")
            page.wait_for_selector(".yasr table tbody tr", timeout=20000)
            assert page.locator(".yasr table tbody tr").count() > 5
            page.wait_for_selector(".yasr table tbody a[href^='/id/']", timeout=5000)
            assert page.locator(".yasr table tbody a[href^='/ontology/']").count() > 0
            assert page.locator(".yasr a[href^='https://w3id.org/migkg/']").count() == 0
            page.screenshot(path=str(tmp_path / "query.png"))
            if os.environ.get("MIGKG_SCREENSHOTS"):
                page.screenshot(path=os.path.join(os.environ["MIGKG_SCREENSHOTS"], "serve-query.png"))
            href = page.locator(".yasr table tbody a[href^='/id/']").first.get_attribute("href")
            assert page.goto(base + href, wait_until="load").ok
            assert page.locator("h1").inner_text()
        finally:
            browser.close()
    assert not errors, errors
    leaving = [u for u in requests if not u.startswith((base, "data:", "blob:"))]
    assert not leaving, f"requests leaving the server: {leaving}"

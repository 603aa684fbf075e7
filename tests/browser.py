"""What the browser tests share: Debian's Chromium, and watchers that collect console errors,
failed requests and every URL a page asks for (so a test can check nothing left the machine)."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")


def watch(page, errors: list[str], requests: list[str], *, http_errors: bool = False) -> None:
    """Record on ``errors`` console errors, page errors and failed requests (and HTTP statuses of
    400 and over when ``http_errors``), and on ``requests`` every URL requested."""
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    if http_errors:
        page.on("response", lambda r: errors.append(f"{r.status}: {r.url}") if r.status >= 400 else None)

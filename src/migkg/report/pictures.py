"""The report's pictures: the data each one draws (``picture_data``, labels already in the
page's language), their SVG from the on-disk cache or drawn now, and ``inline`` for the HTML
page.

A picture's cache key is a digest of exactly the data it draws, the versions of matplotlib and
networkx and the drawing code (``migkg.report.draw``), so a warm run does not even import
matplotlib. Drawn output is deterministic (see ``draw``): the same data gives the same bytes.
"""

from __future__ import annotations

import functools
import re
from html import escape

from migkg.core import cache
from migkg.report.background import checkout, source_digest
from migkg.report.picture_data import MandateMatrix, Network, OverlapMatrix, Timeline

NAMES = ("overlap-matrix", "mandate-matrix", "coordination-network", "instrument-timeline",
         "register-overlap-matrix")


_DRAW = {OverlapMatrix: "overlap_matrix", MandateMatrix: "mandate_matrix", Network: "network", Timeline: "timeline"}


@functools.lru_cache(maxsize=1)
def _code_key() -> str:
    return cache.digest(cache.library_versions("matplotlib", "networkx"), source_digest("migkg.report.draw"))


def svg(name: str, lang: str, data) -> tuple[str, bool]:
    """The SVG document of a picture, and whether it came from the cache."""
    key = cache.digest(_code_key(), name, repr(data))
    kind = f"report-picture-{name}.{lang}"
    root = checkout()
    cached = cache.fetch(kind, key, root)
    if cached is not None:
        return cached.decode("utf-8"), True
    from migkg.report import draw

    document = getattr(draw, _DRAW[type(data)])(data)
    cache.keep(kind, key, root, document.encode("utf-8"))
    return document, False


_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(id="|url\(#|href="#)([^")]+)(?=[")])')


def inline(svg_text: str, prefix: str, title: str) -> str:
    """An ``<svg>`` element to put in an HTML page: no XML prolog, ids (and the references to
    them) made unique with ``prefix``, an accessible name, and sizing left to the page's CSS."""
    start = svg_text.find("<svg")
    body = svg_text[start:].strip()
    ids = set(_ID.findall(body))

    def rename(match: re.Match) -> str:
        opening, name = match.groups()
        return f"{opening}{prefix}-{name}" if name in ids else match.group(0)

    body = _REFERENCE.sub(rename, body)
    return body.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" class="chart" ', 1)

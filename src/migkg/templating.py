"""The Jinja2 environment for the report's pages (templates in migkg/templates/, packaged)."""

from __future__ import annotations

import functools
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"


def md_cell(value) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    if value is None:
        return ""
    return " ".join(str(value).split()).replace("|", "\\|")


def md_text(value) -> str:
    """Text for a Markdown paragraph or list item: one line, Markdown's active characters kept."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def ucfirst(value) -> str:
    """The first letter in upper case, the rest as it is (``capitalize`` would lower "MIGRACIONES")."""
    value = "" if value is None else str(value)
    return value[:1].upper() + value[1:]


@functools.lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["mdcell"] = md_cell
    env.filters["mdtext"] = md_text
    env.filters["ucfirst"] = ucfirst
    return env

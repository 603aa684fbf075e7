"""The Jinja2 environment for the report's pages (templates in migkg/report/templates/, packaged)."""

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


def _bytecode_cache():
    """Jinja2's compiled templates kept in migkg's on-disk cache (``migkg.core.cache``): Jinja2
    checks each one against its template's source, so an edited template is compiled anew."""
    from jinja2 import BytecodeCache

    from migkg.core import cache

    class Cached(BytecodeCache):
        def _where(self, bucket):
            from migkg import resources

            return "report-template-" + bucket.key[:16], bucket.key, resources.resource_root()

        def load_bytecode(self, bucket) -> None:
            data = cache.fetch(*self._where(bucket))
            if data is not None:
                bucket.bytecode_from_string(data)

        def dump_bytecode(self, bucket) -> None:
            cache.keep(*self._where(bucket), bucket.bytecode_to_string())

    return Cached()


@functools.lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        bytecode_cache=_bytecode_cache(),
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

"""The language of labels, column titles and messages: `migkg --lang`, else MIGKG_LANG, else the
locale (LC_ALL, LC_MESSAGES, LANG: a value starting with `es` means Spanish), else English."""

from __future__ import annotations

import os

import click

LANGUAGES = ("en", "es")


def from_environment(environ=None) -> str:
    environ = os.environ if environ is None else environ
    chosen = (environ.get("MIGKG_LANG") or "").strip().lower()
    if chosen[:2] in LANGUAGES:
        return chosen[:2]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = (environ.get(name) or "").strip().lower()
        if value:  # the first one set decides, as for any program reading the locale
            return "es" if value.startswith("es") else "en"
    return "en"


def current(ctx: click.Context | None = None) -> str:
    """The language for this run: the group's --lang, else the environment."""
    ctx = ctx or click.get_current_context(silent=True)
    while ctx is not None:
        if isinstance(ctx.obj, dict) and ctx.obj.get("lang"):
            return ctx.obj["lang"]
        ctx = ctx.parent
    return from_environment()


def keyword_for(function, ctx: click.Context | None = None) -> dict[str, str]:
    """``{"lang": ...}`` when `function` takes a `lang` argument, else nothing."""
    import inspect

    try:
        takes = "lang" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        takes = False
    return {"lang": current(ctx)} if takes else {}

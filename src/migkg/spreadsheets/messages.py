"""The words and messages of the spreadsheet commands, in English and Spanish, read from
spreadsheets/messages.yaml; and the problems found in a spreadsheet, each one line that names
the file, the sheet, the row as the spreadsheet shows it, the column header and the value."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from migkg.errors import MigkgError
from migkg.spreadsheets.metadata import folder

LANGUAGES = ("en", "es")


@functools.cache
def catalogue() -> dict:
    import yaml

    return yaml.safe_load((folder() / "messages.yaml").read_text(encoding="utf-8"))


def _pick(entry: dict, lang: str):
    return entry.get(lang if lang in LANGUAGES else "en", entry.get("en"))


def word(key: str, lang: str, **values) -> str:
    """A word or phrase of the commands (``words:`` in messages.yaml), placeholders filled in."""
    text = _pick(catalogue()["words"][key], lang)
    return text.format(**values) if values and isinstance(text, str) else text


def message(key: str, lang: str, **values) -> str:
    return _pick(catalogue()["problems"][key], lang).format(**values)


def exit_code(key: str) -> int:
    return int(catalogue()["problems"][key].get("exit", 1))


def shorten_value(value: str, limit: int = 80) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One problem in a spreadsheet: where (file, sheet, row, column header, value) and what
    (a key of ``problems:`` in messages.yaml, with the values of its placeholders)."""

    key: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: tuple = field(default_factory=tuple)  # (name, value) pairs; a value is a str or a by_language()

    def line(self, lang: str = "en") -> str:
        parts = [word_where("file", lang, file=self.file)]
        if self.sheet is not None:
            parts.append(word_where("sheet", lang, sheet=self.sheet))
        if self.row is not None:
            parts.append(word_where("row", lang, row=self.row))
        if self.column is not None:
            parts.append(word_where("column", lang, column=self.column))
        if self.value is not None:
            parts.append(word_where("value", lang, value=shorten_value(self.value)))
        values = {name: (_pick(dict(v), lang) if isinstance(v, tuple) else v) for name, v in self.params}
        return "".join(parts) + ": " + message(self.key, lang, **values)

    @property
    def exit_code(self) -> int:
        return exit_code(self.key)

    def sort_key(self) -> tuple:
        return (self.file, self.sheet or "", self.row or 0, self.column or "", self.key)


def by_language(texts: dict) -> tuple:
    """A parameter that differs by language, in a hashable form: ((lang, text), ...)."""
    return tuple(sorted(texts.items()))


def word_where(key: str, lang: str, **values) -> str:
    return _pick(catalogue()["where"][key], lang).format(**values)


class SpreadsheetProblems(MigkgError):
    """Problems that stop an import (or a template request): the CLI prints one line each."""

    def __init__(self, problems: list[Problem], lang: str = "en"):
        self.problems = sorted(set(problems), key=Problem.sort_key)
        self.lang = lang
        self.exit_code = max(p.exit_code for p in self.problems)
        super().__init__(self.problems[0].line(lang))

    def lines(self, lang: str | None = None) -> list[str]:
        return [p.line(lang or self.lang) for p in self.problems]

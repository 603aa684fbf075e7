"""Query results at a terminal: a table when the columns fit with readable widths, otherwise a
record view (one block per row, ``title: value`` lines), like psql's expanded mode.

Words are never split across lines, except a single word longer than the whole line (a long
IRI at a narrow width), which is folded rather than made to overflow."""

from __future__ import annotations

import textwrap

MIN_COLUMN = 12  # the narrowest readable column, unless its content is shorter
LAYOUTS = ("auto", "table", "records")


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _natural(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def column_minimums(columns: list[str], rows: list[list[str]]) -> list[int]:
    """Per column: its longest word (title included), at least MIN_COLUMN unless the column's
    widest cell is narrower than that."""
    out = []
    for i, title in enumerate(columns):
        cells = [title, *(row[i] for row in rows)]
        natural = max(_natural(c) for c in cells)
        word = max(_longest_word(c) for c in cells)
        out.append(max(word, min(MIN_COLUMN, natural), 1))
    return out


def table_fits(columns: list[str], rows: list[list[str]], width: int) -> bool:
    """A rich table with a border and one space of padding uses 3 characters per column plus 1."""
    return sum(column_minimums(columns, rows)) + 3 * len(columns) + 1 <= width


def _widths(columns: list[str], rows: list[list[str]], width: int) -> list[int]:
    """Column content widths: each at its minimum, the room left shared out towards each
    column's natural width (its widest cell), never wider than the line."""
    mins = column_minimums(columns, rows)
    naturals = [max(_natural(c) for c in [t, *(r[i] for r in rows)]) for i, t in enumerate(columns)]
    widths = list(mins)
    room = width - (sum(widths) + 3 * len(columns) + 1)
    while room > 0:
        wanting = [i for i, w in enumerate(widths) if w < naturals[i]]
        if not wanting:
            break
        share = max(1, room // len(wanting))
        for i in wanting:
            give = min(share, naturals[i] - widths[i], room)
            widths[i] += give
            room -= give
            if room <= 0:
                break
    return widths


def as_table(title: str, columns: list[str], rows: list[list[str]], width: int):
    from rich.table import Table
    from rich.text import Text

    out = Table(title=Text(title), show_lines=True)  # Text: a [bracket] in the data is not rich markup
    for column, w in zip(columns, _widths(columns, rows, width), strict=True):
        out.add_column(Text(column), width=w, overflow="fold")  # fold only a word wider than the line
    for row in rows:
        out.add_row(*(Text(cell) for cell in row))
    return out


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width`, broken between words; a word longer than `width` is folded."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(paragraph, width, break_long_words=False, break_on_hyphens=False) or [""]
        for line in wrapped:
            while len(line) > width:
                lines.append(line[:width])
                line = line[width:]
            lines.append(line)
    return lines


def as_records(title: str, columns: list[str], rows: list[list[str]], width: int) -> str:
    """One block per row: a rule with the row number, then `title: value`, values wrapped and
    indented under the first value; a title too long for the left part has its value below it."""
    width = max(width, 20)
    indent = min(max((len(c) for c in columns), default=0) + 2, max(width // 3, 8))
    out = [title] if title else []
    for n, row in enumerate(rows, start=1):
        head = f"-[ {n} ]"
        out.append(head + "-" * max(0, width - len(head)))
        for column, value in zip(columns, row, strict=True):
            label = f"{column}:"
            value_lines = _wrap(value, width - indent)
            if len(label) + 1 > indent:  # the title on its own line(s), the value below it
                out.extend(_wrap(label, width))
                out.extend(" " * indent + line for line in value_lines if line)
                continue
            out.append(label.ljust(indent) + value_lines[0])
            out.extend(" " * indent + line for line in value_lines[1:])
    return "\n".join(line.rstrip() for line in out)


def as_piped_table(title: str, variables: list[str], rows: list[list[str]]):
    """The table as `migkg query` printed it before layouts and titles existed (variable names,
    long cells folded): what a pipe gets unless a layout or a format is asked for, so that
    scripts reading it see no change."""
    from rich.table import Table
    from rich.text import Text

    out = Table(title=Text(title), show_lines=True)
    for variable in variables:
        out.add_column(Text(variable), overflow="fold")
    for row in rows:
        out.add_row(*(Text(cell) for cell in row))
    return out


def render(console, title: str, columns: list[str], rows: list[list[str]], layout: str = "auto") -> None:
    """Print rows on `console` as a table or as records (layout auto: a table when it fits)."""
    width = console.width
    if layout == "table" or (layout == "auto" and table_fits(columns, rows, width)):
        console.print(as_table(title, columns, rows, width))
    else:
        console.print(as_records(title, columns, rows, width), markup=False, highlight=False, soft_wrap=True,
                      emoji=False)

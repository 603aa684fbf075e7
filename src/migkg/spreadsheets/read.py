"""Reading spreadsheets: a CSV (UTF-8 only) or an XLSX workbook becomes tables of text cells,
each cell with the row number the spreadsheet shows (the header is row 1). Refused, with one
problem each: a file that is neither, a CSV in another encoding (the likely one is named), an XLSX
cell holding a formula (its cached value is not used), more rows than the limit."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from migkg.spreadsheets.messages import LANGUAGES, Problem, by_language, word

DEFAULT_MAX_ROWS = 100_000
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass
class RawTable:
    """One sheet: its header and its non-empty rows, as (row number, cells) with text cells."""

    file: str
    sheet: str | None
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def read_tables(path: Path, max_rows: int = DEFAULT_MAX_ROWS,
                skip_sheets=()) -> tuple[list[RawTable], list[Problem]]:
    """The tables of one file (a CSV: one; a workbook: one per sheet, ``skip_sheets`` left out),
    or the problems that make it unusable."""
    name = str(path)
    if not path.is_file():
        return [], [Problem("missing_file", name)]
    head = path.open("rb").read(8)
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        if suffix in XLSX_SUFFIXES or zipfile.is_zipfile(path) and _is_workbook(path):
            return _read_xlsx(path, max_rows, skip_sheets)
        return [], [Problem("not_csv_or_xlsx", name, params=(("found", _found(path, head)),))]
    if suffix in XLSX_SUFFIXES or head.startswith(b"\xd0\xcf\x11\xe0") or suffix in {".xls", ".ods", ".numbers"} \
            or b"\x00" in path.open("rb").read(4096) and not _utf16(head):
        return [], [Problem("not_csv_or_xlsx", name, params=(("found", _found(path, head)),))]
    return _read_csv(path, max_rows)


def _utf16(head: bytes) -> bool:
    """Text in UTF-16 (refused later with its name), not binary content."""
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1:2] == b"\x00" or head[:1] == b"\x00"


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def _found(path: Path, head: bytes) -> tuple:
    """What the file seems to be, in each language (``found_*`` in messages.yaml)."""
    values = {}
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        key = "found_xls"
    elif head.startswith(b"PK\x03\x04"):
        key, values = "found_zip", {"kind": "OpenDocument (.ods)" if path.suffix.lower() == ".ods" else "ZIP"}
    elif head.startswith(b"%PDF"):
        key = "found_pdf"
    else:
        key, values = "found_binary", {"suffix": path.suffix or "-"}
    return by_language({lang: word(key, lang, **values) for lang in LANGUAGES})


# --- CSV -------------------------------------------------------------------------------------

def guess_encoding(raw: bytes) -> str:
    """What a file that is not UTF-8 seems to be (said to the user, never used to read it)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    if raw.startswith(b"\x00") or raw[1:2] == b"\x00":
        return "UTF-16"
    if any(0x80 <= b <= 0x9F for b in raw):
        return "Windows-1252 (cp1252)"
    try:
        raw.decode("latin-1")
        return "Latin-1 (ISO-8859-1) or Windows-1252 (cp1252)"
    except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
        return "an unknown encoding"


def _read_csv(path: Path, max_rows: int) -> tuple[list[RawTable], list[Problem]]:
    name = str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [Problem("not_utf8", name, row=line, params=(("encoding", guess_encoding(raw)),))]
    if not text.strip():
        return [], [Problem("empty_file", name)]
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ("\t" if first.count("\t") > first.count(",") else ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    table = RawTable(name, None, [])
    try:
        for number, cells in enumerate(reader, start=1):
            if number == 1:
                table.header = [c.strip() for c in cells]
                continue
            if number - 1 > max_rows:
                return [], [Problem("too_many_rows", name, params=(("limit", f"{max_rows:,}"),))]
            if any(c.strip() for c in cells):
                table.rows.append((number, [c.strip() for c in cells]))
    except csv.Error as exc:
        return [], [Problem("bad_csv", name, row=reader.line_num, params=(("detail", str(exc)),))]
    return [table], []


# --- XLSX ------------------------------------------------------------------------------------

def cell_text(value) -> str:
    """A cell's value as the text the spreadsheet shows for it (dates as 2017-06-30, whole numbers
    without a decimal point, booleans as true/false)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    return str(value).strip()


def _read_xlsx(path: Path, max_rows: int, skip_sheets) -> tuple[list[RawTable], list[Problem]]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    name = str(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file  # noqa: BLE001
        return [], [Problem("bad_xlsx", name, params=(("detail", type(exc).__name__ + ": " + str(exc)[:120]),))]
    tables, problems = [], []
    try:
        for sheet in workbook.worksheets:
            if sheet.title in skip_sheets:
                continue
            table = RawTable(name, sheet.title, [])
            for number, row in enumerate(sheet.iter_rows(), start=1):
                if number - 1 > max_rows:
                    problems.append(Problem("too_many_rows", name, sheet=sheet.title,
                                            params=(("limit", f"{max_rows:,}"),)))
                    break
                cells = []
                for index, cell in enumerate(row, start=1):
                    value = cell.value
                    if getattr(cell, "data_type", None) == "f":
                        header = table.header[index - 1] if number > 1 and index <= len(table.header) else None
                        problems.append(Problem("formula", name, sheet=sheet.title, row=number,
                                                column=header or get_column_letter(index),
                                                params=(("formula", str(value)[:60]),)))
                        value = None
                    cells.append(cell_text(value))
                if number == 1:
                    table.header = cells
                    while table.header and not table.header[-1]:
                        table.header.pop()
                elif any(cells):
                    table.rows.append((number, cells))
            if table.header or table.rows:
                tables.append(table)
    finally:
        workbook.close()
    if not tables and not problems:
        problems.append(Problem("empty_file", name))
    return tables, problems

"""Writing a kind's table as CSV (UTF-8, the header in one language) or as an XLSX workbook: the
table (header in one language, drop-down lists for the columns with a closed set of values), a
sheet that explains each column (from the ontology's definitions and the metadata, in that
language) and a hidden sheet with the lists. Files are written atomically."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from migkg.core.atomic import write_atomically
from migkg.spreadsheets.cells import ClosedList
from migkg.spreadsheets.convert import closed_lists
from migkg.spreadsheets.lookup import Lookup
from migkg.spreadsheets.messages import word
from migkg.spreadsheets.metadata import Column, Kind

FORMATS = ("csv", "xlsx")
FIXED_TIME = dt.datetime(2000, 1, 1)  # workbook properties: the same table gives the same workbook


def header(kind: Kind, lang: str) -> list[str]:
    return [c.title(lang) for c in kind.real_columns]


def csv_bytes(kind: Kind, rows: list[list[str]], lang: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(kind, lang))
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def how_to_fill(column: Column, kind: Kind, lookup: Lookup, closed: ClosedList | None, lang: str) -> str:
    from migkg.spreadsheets.cells import target_name

    if column.identifier:
        text = word("fill_identifier", lang)
    elif closed is not None:
        text = word("fill_list", lang, allowed=", ".join(closed.shown(lang)))
    elif column.links_to:
        text = word("fill_link", lang, target=dict(target_name(column.links_to, lookup))[lang])
    elif column.any_iri:
        text = word("fill_iri", lang)
    elif column.date:
        text = word("fill_date", lang)
    elif column.datatype in ("integer", "boolean"):
        text = word("fill_" + column.datatype, lang)
    elif column.datatype == "decimal":
        text = word("fill_number", lang)
    elif column.lang:
        text = word("fill_text", lang, language=word("languages", lang)[column.lang])
    else:
        text = word("fill_string", lang)
    if column.separator == "\n":
        text += "; " + word("several_lines", lang)
    elif column.separator:
        text += "; " + word("several", lang, separator=column.separator)
    return text


def meaning(column: Column, lookup: Lookup, lang: str) -> str:
    """The column's meaning in ``lang``: the ontology's definition of its property in that
    language, else the metadata's description, else the English definition."""
    definitions = lookup.definitions.get(column.predicate or "", {})
    return definitions.get(lang) or column.description.get(lang) or definitions.get("en") \
        or column.description.get("en", "")


def xlsx_bytes(kind: Kind, rows: list[list[str]], lookup: Lookup, lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "migkg"
    columns = kind.real_columns
    lists = closed_lists(kind, lookup)
    table = workbook.active
    table.title = kind.name[:31]
    table.append(header(kind, lang))
    for row in rows:
        table.append([cell if cell != "" else None for cell in row])
    for index, column in enumerate(columns, start=1):
        table.cell(row=1, column=index).font = Font(bold=True)
        table.column_dimensions[get_column_letter(index)].width = 28 if column.lang or column.links_to else 18
    table.freeze_panes = "B2"
    help_sheet = workbook.create_sheet(word("help_sheet", lang))
    help_sheet.append(word("help_header", lang))
    for column in columns:
        help_sheet.append([column.title(lang), word("answer_yes" if column.required else "answer_no", lang),
                           how_to_fill(column, kind, lookup, lists.get(column.name), lang),
                           meaning(column, lookup, lang)])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (30, 12, 60, 80), strict=True):
        help_sheet.column_dimensions[letter].width = width
        for cell in help_sheet[letter]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if lists:
        list_sheet = workbook.create_sheet(word("lists_sheet", lang))
        list_sheet.sheet_state = "hidden"
        last = max(len(rows) + 1, 1000)
        for position, column in enumerate(c for c in columns if c.name in lists):
            letter = get_column_letter(position + 1)
            values = lists[column.name].shown(lang)
            list_sheet.cell(row=1, column=position + 1, value=column.title(lang))
            for offset, value in enumerate(values, start=2):
                list_sheet.cell(row=offset, column=position + 1, value=value)
            target = get_column_letter(columns.index(column) + 1)
            formula = f"{quote_sheetname(list_sheet.title)}!${letter}$2:${letter}${len(values) + 1}"
            # a column with several values per cell ("a; b") cannot be checked by Excel: the list
            # is offered, and migkg import checks each value
            validation = DataValidation(type="list", formula1=formula, allow_blank=True,
                                        showErrorMessage=not column.separator)
            validation.add(f"{target}2:{target}{last}")
            table.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_bytes(kind: Kind, rows: list[list[str]], lookup: Lookup, lang: str, fmt: str) -> bytes:
    return csv_bytes(kind, rows, lang) if fmt == "csv" else xlsx_bytes(kind, rows, lookup, lang)


def write_table(path: Path, kind: Kind, rows: list[list[str]], lookup: Lookup, lang: str, fmt: str) -> None:
    write_atomically(path, table_bytes(kind, rows, lookup, lang, fmt))


def skipped_sheets() -> set[str]:
    """The names of the explanation and list sheets in every language (not read by import)."""
    return {word(key, lang) for key in ("help_sheet", "lists_sheet") for lang in ("en", "es")}

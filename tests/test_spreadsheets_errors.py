"""`migkg import` on bad spreadsheets: one line per problem, naming the file, the sheet (XLSX), the
row as the spreadsheet shows it (header = row 1), the column header and the value, and saying what
to do, in English or Spanish; exit 1 for data that does not conform, 2 for unusable input; nothing
written; never a traceback."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "spreadsheets"
LANGS = ["en", "es"]


def rows_of(name: str) -> list[list[str]]:
    with (FIXTURES / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_csv(path: Path, rows, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return path


def changed(name: str, column: str, value: str) -> list[list[str]]:
    rows = rows_of(name)
    rows[1][rows[0].index(column)] = value
    return rows


def run(migkg_cli, tmp_path, lang, *files, extra=()):
    out = tmp_path / "out.ttl"
    result = migkg_cli("--lang", lang, "import", *files, "-o", out, *extra)
    assert "Traceback" not in result.stderr
    assert not out.exists(), "nothing is written when anything is wrong"
    return result


def one_line(result, *fragments):
    lines = [line for line in result.stderr.splitlines() if all(f in line for f in fragments)]
    assert len(lines) == 1, result.stderr
    return lines[0]


WHERE = {"en": ('row {row}', 'column "{column}"', 'value "{value}"'),
         "es": ("fila {row}", "columna «{column}»", "valor «{value}»")}


def where(lang, row, column, value):
    return [w.format(row=row, column=column, value=value) for w in WHERE[lang]]


@pytest.mark.parametrize("lang", LANGS)
def test_a_date_that_is_not_a_date(migkg_cli, tmp_path, lang):
    rows = rows_of("mandate")
    rows[0].append("start date")
    rows[1].append("30/06/2017")
    bad = write_csv(tmp_path / "mandate.csv", rows)
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 1
    line = one_line(result, str(bad), *where(lang, 2, "start date", "30/06/2017"))
    assert {"en": "is not a date; write it at the precision you know: 2017, 2017-06 or 2017-06-30",
            "es": "no es una fecha; escríbala con la precisión que conozca: 2017, 2017-06 o 2017-06-30"}[lang] in line


@pytest.mark.parametrize("lang", LANGS)
def test_a_link_to_a_resource_that_does_not_exist_gives_the_closest_labels(migkg_cli, tmp_path, lang):
    bad = write_csv(tmp_path / "institution.csv", changed("institution", "unit of", "Ministry of Foreign Afairs"))
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 1
    line = one_line(result, *where(lang, 2, "unit of", "Ministry of Foreign Afairs"))
    assert '"Ministry of Foreign Affairs"' in line or "Ministerio de Relaciones Exteriores" in line
    assert {"en": "is not the identifier or exact label of any",
            "es": "no es el identificador ni la etiqueta exacta"}[lang] in line


@pytest.mark.parametrize("lang", LANGS)
def test_a_value_outside_a_closed_list_gives_the_allowed_values(migkg_cli, tmp_path, lang):
    bad = write_csv(tmp_path / "mandate.csv", changed("mandate", "mandate function", "policing"))
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 1
    line = one_line(result, *where(lang, 2, "mandate function", "policing"))
    assert {"en": "choose one of: ", "es": "elija uno de: "}[lang] in line
    assert {"en": "status determination", "es": "determinación de la condición"}[lang] in line


@pytest.mark.parametrize("lang", LANGS)
def test_a_required_column_left_empty(migkg_cli, tmp_path, lang):
    bad = write_csv(tmp_path / "mandate.csv", changed("mandate", "mandated institution", ""))
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 1
    line = one_line(result, WHERE[lang][0].format(row=2), WHERE[lang][1].format(column="mandated institution"))
    assert {"en": "is empty but required; fill it in", "es": "está vacía pero es obligatoria; complétela"}[lang] in line


@pytest.mark.parametrize("lang", LANGS)
def test_a_duplicate_identifier(migkg_cli, tmp_path, lang):
    rows = rows_of("person")
    rows[2][0] = rows[1][0]
    bad = write_csv(tmp_path / "person.csv", rows)
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 1
    line = one_line(result, *where(lang, 3, "person record identifier", "fx-person-1"))
    assert {"en": "is used again (first in", "es": "se repite (primero en"}[lang] in line
    assert f"{bad}:2" in line


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_column(migkg_cli, tmp_path, lang):
    rows = rows_of("mandate")
    rows[0].append("colour")
    rows[1].append("blue")
    bad = write_csv(tmp_path / "mandate.csv", rows)
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 2
    line = one_line(result, WHERE[lang][0].format(row=1), WHERE[lang][1].format(column="colour"))
    assert {"en": "is not a column of the mandate template; the columns are: ",
            "es": "no es una columna de la plantilla de mandato; las columnas son: "}[lang] in line
    assert {"en": '"mandate function"', "es": '"función del mandato"'}[lang] in line


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name, content, said", [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, {"en": "Excel 97-2003", "es": "Excel 97-2003"}),
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"\x00" * 16, {"en": "PDF", "es": "PDF"}),
])
def test_a_file_that_is_not_csv_or_xlsx(migkg_cli, tmp_path, lang, name, content, said):
    bad = tmp_path / name
    bad.write_bytes(content)
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 2
    line = one_line(result, str(bad))
    assert {"en": "is not a CSV or XLSX file", "es": "no es un archivo CSV ni XLSX"}[lang] in line
    assert said[lang] in line


@pytest.mark.parametrize("lang", LANGS)
def test_a_csv_in_another_encoding_is_refused_naming_the_likely_one(migkg_cli, tmp_path, lang):
    bad = write_csv(tmp_path / "mandate.csv", rows_of("mandate"), encoding="cp1252")
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 2
    line = one_line(result, str(bad))
    assert "cp1252" in line
    assert {"en": "is not UTF-8", "es": "no está en UTF-8"}[lang] in line
    assert WHERE[lang][0].format(row=2) in line  # the first line that is not UTF-8 (the header is ASCII)


@pytest.mark.parametrize("lang", LANGS)
def test_formulas_in_xlsx_are_refused(migkg_cli, tmp_path, lang):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "mandatos"
    for row in rows_of("mandate"):
        sheet.append(row)
    sheet["D2"] = '=CONCATENATE("pe:", "mre")'
    book = tmp_path / "mandate.xlsx"
    workbook.save(book)
    result = run(migkg_cli, tmp_path, lang, book)
    assert result.returncode == 2
    line = one_line(result, str(book), {"en": 'sheet "mandatos"', "es": "hoja «mandatos»"}[lang],
                    WHERE[lang][0].format(row=2), WHERE[lang][1].format(column="mandated institution"))
    assert {"en": "is a formula", "es": "es una fórmula"}[lang] in line
    assert {"en": "not even their last computed value", "es": "ni siquiera su último valor calculado"}[lang] in line


@pytest.mark.slow  # writes and reads a sheet of a million rows
@pytest.mark.parametrize("lang", LANGS)
def test_a_sheet_with_a_million_rows_is_refused(migkg_cli, tmp_path, lang):
    big = tmp_path / "person.csv"
    header, row = rows_of("person")[:2]
    with big.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for number in range(10**6):
            writer.writerow([f"p{number}", *row[1:]])
    result = run(migkg_cli, tmp_path, lang, big)
    assert result.returncode == 2
    line = one_line(result, str(big))
    assert {"en": "has more than 100,000 rows", "es": "tiene más de 100,000 filas"}[lang] in line
    assert "--max-rows" in line
    small = run(migkg_cli, tmp_path, lang, FIXTURES / "person.csv", extra=("--max-rows", "1"))
    assert small.returncode == 2 and "--max-rows" in small.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_shacl_violations_with_the_graph_are_shown_as_validate_shows_them(migkg_cli, tmp_path, lang):
    rows = rows_of("mandate")
    rows[0] += ["start date", "end date"]
    rows[1] += ["2018", "2017-06"]  # ends before it starts: each cell is fine, the shapes are not
    bad = write_csv(tmp_path / "mandate.csv", rows)
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 1
    assert "fx-mandate-mre-asylum" in result.stderr
    assert "out.ttl:" in result.stderr and "migkg-import-" not in result.stderr  # named as the output
    assert {"en": "does not conform", "es": "no cumplen"}[lang] in result.stderr
    assert {"en": "is before the start date (2018)", "es": "es anterior a la fecha de inicio (2018)"}[lang] \
        in result.stderr  # the shape's own message, in the chosen language


def test_every_problem_is_reported_at_once_and_the_output_is_left_as_it_was(migkg_cli, tmp_path):
    out = tmp_path / "out.ttl"
    out.write_text("# before\n", encoding="utf-8")
    first = write_csv(tmp_path / "mandate.csv", changed("mandate", "mandate function", "policing"))
    second = write_csv(tmp_path / "institution.csv", changed("institution", "jurisdiction", "Atlantis"))
    result = migkg_cli("import", first, second, "-o", out)
    assert result.returncode == 1
    assert len([line for line in result.stderr.splitlines() if line.startswith("migkg: ")]) == 2
    assert out.read_text(encoding="utf-8") == "# before\n"


def test_a_file_that_is_not_a_template(migkg_cli, tmp_path):
    bad = write_csv(tmp_path / "other.csv", [["name", "age"], ["x", "1"]])
    result = run(migkg_cli, tmp_path, "en", bad)
    assert result.returncode == 2
    assert "is not a migkg template" in one_line(result, str(bad))


def test_an_unknown_kind_of_template(migkg_cli, tmp_path):
    result = migkg_cli("template", "decree", "-o", tmp_path / "x.xlsx")
    assert result.returncode == 2
    assert "is not a kind of template" in result.stderr and "instrument" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("lang", LANGS)
def test_a_link_that_names_several_resources(migkg_cli, tmp_path, lang):
    bad = write_csv(tmp_path / "gap.csv", changed("gap", "source sections", "introduction"))
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 1
    line = one_line(result, *where(lang, 2, "source sections", "introduction"))
    assert "bb:introduction" in line and "mgi:introduction" in line
    assert {"en": "names several resources", "es": "designa varios recursos"}[lang] in line


@pytest.mark.parametrize("lang", LANGS)
def test_an_identifier_that_cannot_be_used(migkg_cli, tmp_path, lang):
    bad = write_csv(tmp_path / "person.csv", changed("person", "person record identifier", "person one"))
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 1
    line = one_line(result, *where(lang, 2, "person record identifier", "person one"))
    assert {"en": "is not a usable identifier", "es": "no es un identificador válido"}[lang] in line


@pytest.mark.parametrize("lang", LANGS)
def test_a_required_column_missing_from_the_header(migkg_cli, tmp_path, lang):
    rows = [row[:3] + row[4:] for row in rows_of("mandate")]  # without "mandated institution"
    bad = write_csv(tmp_path / "mandate.csv", rows)
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 1
    line = one_line(result, WHERE[lang][0].format(row=1), WHERE[lang][1].format(column="mandated institution"))
    assert {"en": "is required but is not in the header",
            "es": "es obligatoria pero no está en los encabezados"}[lang] in line


@pytest.mark.parametrize("lang", LANGS)
def test_a_bad_boolean_and_a_bad_number(migkg_cli, tmp_path, lang):
    status = write_csv(tmp_path / "status.csv", changed("status", "grants residence", "maybe"))
    observation = write_csv(tmp_path / "observation.csv", changed("observation", "value", "4,5"))
    result = run(migkg_cli, tmp_path, lang, status, observation)
    assert result.returncode == 1
    assert {"en": "is not true or false", "es": "no es verdadero ni falso"}[lang] in \
        one_line(result, str(status), *where(lang, 2, "grants residence", "maybe"))
    assert {"en": "is not a number", "es": "no es un número"}[lang] in \
        one_line(result, str(observation), *where(lang, 2, "value", "4,5"))


@pytest.mark.parametrize("lang", LANGS)
def test_data_in_a_column_without_a_header_is_an_unknown_column(migkg_cli, tmp_path, lang):
    rows = rows_of("mandate")
    rows[1] += ["", "stray"]  # two cells past the last header: the second one has data
    bad = write_csv(tmp_path / "mandate.csv", rows)
    result = run(migkg_cli, tmp_path, lang, bad)
    assert result.returncode == 2
    column = chr(ord("A") + len(rows[0]) + 1)
    line = one_line(result, WHERE[lang][0].format(row=1), WHERE[lang][1].format(column=column))
    assert {"en": "is not a column of the mandate template",
            "es": "no es una columna de la plantilla de mandato"}[lang] in line


def test_a_csv_in_utf16_is_refused_naming_it(migkg_cli, tmp_path):
    bad = write_csv(tmp_path / "mandate.csv", rows_of("mandate"), encoding="utf-16")
    result = run(migkg_cli, tmp_path, "en", bad)
    assert result.returncode == 2
    assert "it seems to be UTF-16" in one_line(result, str(bad))

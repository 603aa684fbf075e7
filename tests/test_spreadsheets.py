"""Spreadsheets in and out (`migkg template`, `migkg tables`, `migkg import`): the kinds declared in
spreadsheets/*.csv-metadata.json, a filled template per kind (tests/fixtures/spreadsheets/, written
from the sources) imported and checked triple by triple against triples written here by hand, CSV
and XLSX giving the same triples, and the round trip of the whole graph through `tables`."""

# ruff: noqa: E501  (the expected triples quote the sources' long sentences on one line each)
from __future__ import annotations

import csv
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "spreadsheets"
FX = "https://w3id.org/migkg/id/test-fixture/"
KINDS = ["case", "category-assignment", "gap", "institution", "instrument", "link", "mandate", "mechanism",
         "membership", "observation", "person", "referral", "registry", "status-holding", "status"]

PREFIXES = """
@prefix fx: <https://w3id.org/migkg/id/test-fixture/> .
@prefix mkg: <https://w3id.org/migkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix pe: <https://w3id.org/migkg/id/pe/> .
@prefix cat: <https://w3id.org/migkg/id/category/> .
@prefix place: <https://w3id.org/migkg/id/place/> .
@prefix bb: <https://w3id.org/migkg/id/source/blouin-button-2018/> .
@prefix mgi: <https://w3id.org/migkg/id/source/iom-mgi-peru-2019/> .
"""

# What each fixture says, written by hand from the sources (not from the program's output).
EXPECTED = {
    "institution": """
fx:fx-ose a mkg:AdministrativeUnit ;
    rdfs:label "Network of Foreign Service Missions (fixture)"@en , "Red de órganos del servicio exterior (prueba)"@es ;
    mkg:acronym "OSE" ; mkg:jurisdiction place:peru ; org:unitOf pe:mre ;
    skos:note "The MRE manages a network of Foreign Service Missions made up of 64 embassies, 117 consulates and consular sections and 11 permanent representations (004 4.1)."@en ;
    dcterms:source mgi:sec-4-1 .""",
    "instrument": """
fx:fx-ds-017-2017-in a mkg:SupremeDecree ;
    rdfs:label "Supreme Decree 017-2017-IN approving the National Plan against Trafficking in Persons 2017-2021 (fixture)"@en ,
               "Decreto Supremo N° 017-2017-IN que aprueba el Plan Nacional contra la Trata de Personas 2017-2021 (prueba)"@es ;
    eli:id_local "DS 017-2017-IN" ; mkg:adoptionDate "2017-06"^^xsd:gYearMonth ; mkg:jurisdiction place:peru ;
    mkg:approves pe:national-plan-tip-2017-2021 ;
    skos:note "In June 2017, the Government also approved, through Supreme Decree No. 017-2017-IN, the National Plan against human trafficking 2017-2021 (004 6.1)."@en ;
    dcterms:source mgi:sec-6-1 , bb:fn-30 .""",
    "mandate": """
fx:fx-mandate-mre-asylum a mkg:Mandate ;
    rdfs:label "Mandate: Ministry of Foreign Affairs - asylum seekers - status determination (fixture)"@en ,
               "Mandato: Ministerio de Relaciones Exteriores - solicitantes de refugio - determinación de la condición (prueba)"@es ;
    mkg:mandatedInstitution pe:mre ; mkg:mandateCategory cat:asylum-seeker ;
    mkg:mandateFunction mkg:StatusDeterminationFunction ; mkg:legalBasis pe:ds-135-2010-re-art-99 ;
    dcterms:source bb:fragmentation , bb:fn-46 .""",
    "mechanism": """
fx:fx-mtigm a mkg:CoordinationMechanism ;
    rdfs:label "Inter-sectorial Round Table for Migration Management (fixture)"@en , "Mesa de Trabajo Intersectorial para la Gestión Migratoria (prueba)"@es ;
    mkg:acronym "MTIGM" ; mkg:jurisdiction place:peru ; mkg:startDate "2011"^^xsd:gYear ;
    mkg:purpose "Coordinating, assessing, proposing, prioritizing and supervising policies and actions linked to the comprehensive management of migration."@en ;
    mkg:memberCount 22 ; mkg:observerCount 3 ;
    mkg:meetingFrequency "Meets periodically (generally on a monthly basis) in ordinary or extraordinary sessions."@en ;
    dcterms:source mgi:sec-2-1 .""",
    "registry": """
fx:fx-sistema-reta a mkg:Registry ;
    rdfs:label "Registry and Statistical System of Trafficking in Persons and Related Crimes (fixture)"@en ,
               "Sistema de Registro y Estadística del Delito de Trata de Personas y Afines (prueba)"@es ;
    mkg:acronym "RETA" ; mkg:maintainedBy pe:pnp ; mkg:concernsCategory cat:victim-of-trafficking ;
    mkg:recordingCriterion "Only includes cases where charges have been filed against alleged perpetrators."@en ;
    mkg:notDisaggregatedBy "nationality" ;
    dcterms:source bb:introduction , bb:fn-5 .""",
    "status": """
fx:fx-ptp a mkg:StayPermit ;
    rdfs:label "Temporary Stay Permit for Venezuelans (fixture)"@en , "Permiso Temporal de Permanencia para personas venezolanas (prueba)"@es ;
    mkg:acronym "PTP" ; mkg:jurisdiction place:peru ; mkg:eligibleCategory cat:venezuelan-migrant ;
    mkg:targetNationality place:venezuela ; mkg:grantsResidence false ;
    dcterms:source bb:legal-framework , bb:fn-26 .""",
    "membership": """
fx:fx-membership-mtigm-mre a org:Membership ;
    rdfs:label "The Ministry of Foreign Affairs chairs the MTIGM (fixture)"@en , "El Ministerio de Relaciones Exteriores preside la MTIGM (prueba)"@es ;
    org:organization pe:mtigm ; org:member pe:mre ; org:role mkg:ChairRole ;
    dcterms:source mgi:sec-2-1 .""",
    "link": """
fx:fx-info-exchange-mtigm-cmnp a mkg:InformationExchange ;
    rdfs:label "Information exchange between the MTIGM and the CMNP TP-TIM (fixture)"@en ,
               "Intercambio de información entre la MTIGM y la CMNP TP-TIM (prueba)"@es ;
    mkg:linkFrom pe:mtigm ; mkg:linkTo pe:cmnp-tp-tim ; mkg:linkStatus mkg:LinkAbsent ;
    dcterms:source bb:fragmentation .""",
    "observation": """
fx:fx-obs-migraciones-tip-cases-2017 a mkg:StatisticalObservation ;
    rdfs:label "Trafficking cases dealt with by MIGRACIONES in 2017 (fixture)"@en , "Casos de trata atendidos por MIGRACIONES en 2017 (prueba)"@es ;
    qb:dataSet pe:statistics ;
    mkg:measuredPhenomenon "Cases of human trafficking MIGRACIONES reported it dealt with in all of 2017"@en ;
    mkg:value 4 ; mkg:unitOfMeasure mkg:Cases ; mkg:valueQualifier mkg:ExactValue ;
    mkg:periodStart "2017"^^xsd:gYear ; mkg:periodEnd "2017"^^xsd:gYear ; mkg:place place:peru ;
    mkg:fromRegistry pe:migraciones-case-records ; mkg:reportedBy pe:migraciones ;
    mkg:concernsCategory cat:victim-of-trafficking ;
    dcterms:source bb:overlapping-categories , bb:fn-43 .""",
    "gap": """
fx:fx-gap-no-plan-smuggling a mkg:DocumentedGap ;
    rdfs:label "No national plan on migrant smuggling (fixture)"@en , "No existe un plan nacional sobre tráfico ilícito de migrantes (prueba)"@es ;
    mkg:gapKind mkg:MissingNationalPlanGap ; mkg:concernsCategory cat:smuggled-migrant ;
    mkg:statement "The country is lacking a national plan on migrant smuggling."@en ;
    dcterms:source bb:legal-framework , bb:fn-36 .""",
    "person": """
fx:fx-person-1 a mkg:PersonRecord ;
    rdfs:label "Anonymised person: foreign trafficked person granted a special migration visa (fixture)"@en ,
               "Persona anonimizada: persona extranjera víctima de trata con calidad migratoria especial (prueba)"@es ;
    skos:note "The source gives no detail about the person."@en ;
    dcterms:source bb:overlapping-categories , bb:fn-44 .
fx:fx-person-2 a mkg:PersonRecord ;
    rdfs:label "Anonymised person: foreign victim of trafficking referred to MIGRACIONES (fixture)"@en ,
               "Persona anonimizada: víctima de trata extranjera derivada a MIGRACIONES (prueba)"@es ;
    skos:note "One of 'the few cases' MIGRACIONES dealt with, whose victims 'were referred to them by other institutions'."@en ;
    dcterms:source bb:lack-of-regulations .""",
    "category-assignment": """
fx:fx-assignment-1 a mkg:CategoryAssignment ;
    rdfs:label "Category: foreign victim of trafficking (fixture person 1)"@en , "Categoría: víctima de trata extranjera (persona de prueba 1)"@es ;
    mkg:holder fx:fx-person-1 ; mkg:category cat:foreign-victim-of-trafficking ;
    dcterms:source bb:overlapping-categories , bb:fn-44 .""",
    "status-holding": """
fx:fx-holding-1 a mkg:StatusHolding ;
    rdfs:label "Status: special migration visa (fixture person 1)"@en , "Calidad migratoria: calidad migratoria especial (persona de prueba 1)"@es ;
    mkg:holder fx:fx-person-1 ; mkg:status pe:special-visa ; mkg:assignedBy pe:migraciones ;
    dcterms:source bb:overlapping-categories , bb:fn-44 .""",
    "case": """
fx:fx-case-1 a mkg:Case ;
    rdfs:label "Case: special migration visa granted to a foreign trafficked person (fixture)"@en ,
               "Caso: calidad migratoria especial otorgada a una persona extranjera víctima de trata (prueba)"@es ;
    mkg:concernsPerson fx:fx-person-1 ; mkg:handledBy pe:migraciones ;
    dcterms:source bb:overlapping-categories , bb:fn-44 .
fx:fx-case-2 a mkg:Case ;
    rdfs:label "Case: foreign victim of trafficking referred to MIGRACIONES (fixture)"@en ,
               "Caso: víctima de trata extranjera derivada a MIGRACIONES (prueba)"@es ;
    mkg:concernsPerson fx:fx-person-2 ; mkg:handledBy pe:migraciones ;
    dcterms:source bb:lack-of-regulations .""",
    "referral": """
fx:fx-referral-2 a mkg:Referral ;
    rdfs:label "Referral of a foreign victim of trafficking to MIGRACIONES by another institution (fixture)"@en ,
               "Derivación de una víctima de trata extranjera a MIGRACIONES por otra institución (prueba)"@es ;
    mkg:referralOf fx:fx-case-2 ; mkg:referredFrom pe:state ; mkg:referredTo pe:migraciones ;
    dcterms:source bb:lack-of-regulations .""",
}


def triples(text: str | bytes) -> set:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.TURTLE)}


def expected(kind: str) -> set:
    return triples(PREFIXES + EXPECTED[kind])


def run_import(migkg_cli, files, out: Path, *extra):
    return migkg_cli("import", *files, "-o", out, "--namespace", FX, *extra)


def test_every_kind_has_metadata_and_a_fixture():
    from migkg.spreadsheets.metadata import kinds

    assert sorted(kinds()) == sorted(KINDS)
    for name in KINDS:
        assert (FIXTURES / f"{name}.csv").is_file()
        assert name in EXPECTED
        meta = json.loads((ROOT / "spreadsheets" / f"{name}.csv-metadata.json").read_text(encoding="utf-8"))
        assert meta["@context"][0] == "http://www.w3.org/ns/csvw"
        assert meta["tableSchema"]["columns"][0]["mkg:identifier"] is True


def test_template_list(migkg_cli):
    run = migkg_cli("template", "--list")
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == KINDS  # one machine-readable name a line, in file-name order


@pytest.mark.parametrize("kind", KINDS)
def test_fixture_imports_to_the_triples_written_by_hand(migkg_cli, tmp_path, kind):
    out = tmp_path / f"{kind}.ttl"
    files = [FIXTURES / f"{kind}.csv"]
    if kind in ("category-assignment", "status-holding", "case"):
        files.append(FIXTURES / "person.csv")
    if kind == "referral":
        files += [FIXTURES / "case.csv", FIXTURES / "person.csv"]
    run = run_import(migkg_cli, files, out)
    assert run.returncode == 0, run.stderr
    got = triples(out.read_bytes())
    subjects = {t.subject for t in expected(kind)}
    assert {t for t in got if t.subject in subjects} == expected(kind)


def test_all_fixtures_together_give_exactly_the_expected_triples_deterministically(migkg_cli, tmp_path):
    files = sorted(FIXTURES.glob("*.csv"))
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    assert run_import(migkg_cli, files, first).returncode == 0
    assert run_import(migkg_cli, list(reversed(files)), second).returncode == 0
    everything = set().union(*(expected(k) for k in KINDS))
    assert triples(first.read_bytes()) == everything  # nothing invented
    assert first.read_bytes() == second.read_bytes()  # the same tables, the same bytes


def csv_to_xlsx(source: Path, target: Path, sheet: str = "data") -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    table = workbook.active
    table.title = sheet
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            table.append([cell or None for cell in row])
    workbook.save(target)


def test_xlsx_and_csv_give_the_same_triples(migkg_cli, tmp_path):
    books = []
    for source in sorted(FIXTURES.glob("*.csv")):
        book = tmp_path / f"{source.stem}.xlsx"
        csv_to_xlsx(source, book)
        books.append(book)
    from_xlsx, from_csv = tmp_path / "x.ttl", tmp_path / "c.ttl"
    assert run_import(migkg_cli, books, from_xlsx).returncode == 0
    assert run_import(migkg_cli, sorted(FIXTURES.glob("*.csv")), from_csv).returncode == 0
    assert triples(from_xlsx.read_bytes()) == triples(from_csv.read_bytes())


def test_xlsx_dates_and_numbers_typed_by_excel_are_read_as_written(migkg_cli, tmp_path):
    import datetime as dt

    from openpyxl import load_workbook

    book = tmp_path / "instrument.xlsx"
    csv_to_xlsx(FIXTURES / "instrument.csv", book)
    workbook = load_workbook(book)
    workbook.active["F2"] = dt.datetime(2017, 6, 30)  # a date cell, as Excel stores one
    workbook.save(book)
    out = tmp_path / "i.ttl"
    assert run_import(migkg_cli, [book], out).returncode == 0, "date cell refused"
    assert ox.Triple(ox.NamedNode(FX + "fx-ds-017-2017-in"), ox.NamedNode("https://w3id.org/migkg/ontology#adoptionDate"),
                     ox.Literal("2017-06-30", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))) \
        in triples(out.read_bytes())


@pytest.mark.parametrize("lang", ["en", "es"])
def test_csv_template_header_in_the_chosen_language(migkg_cli, tmp_path, lang):
    out = tmp_path / "mandate.csv"
    run = migkg_cli("template", "mandate", "-o", out, "--lang", lang)
    assert run.returncode == 0, run.stderr
    header = next(csv.reader(out.open(encoding="utf-8")))
    assert header[0] == {"en": "mandate identifier", "es": "identificador (mandato)"}[lang]
    assert {"en": "mandate function", "es": "función del mandato"}[lang] in header
    assert out.read_text(encoding="utf-8").count("\n") == 1  # empty: the header only


@pytest.mark.parametrize("lang", ["en", "es"])
def test_xlsx_template_explains_columns_and_has_drop_downs(migkg_cli, tmp_path, lang):
    from openpyxl import load_workbook

    out = tmp_path / "instrument.xlsx"
    run = migkg_cli("--lang", lang, "template", "instrument", "-o", out)
    assert run.returncode == 0, run.stderr
    workbook = load_workbook(out)
    table = workbook.worksheets[0]
    header = [c.value for c in table[1]]
    assert header[0] == {"en": "legal instrument identifier", "es": "identificador (instrumento jurídico)"}[lang]
    assert table.max_row == 1
    explained = workbook.worksheets[1]
    rows = {r[0]: r for r in explained.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(header)
    state = {"en": "life-cycle state", "es": "estado del ciclo de vida"}[lang]
    in_force = {"en": "in force", "es": "vigente"}[lang]
    assert in_force in rows[state][2]  # the allowed values, in the chosen language
    assert rows[state][3]  # what it means (the ontology's definition, or the metadata's description)
    validations = table.data_validations.dataValidation
    lists = workbook.worksheets[2]
    assert lists.sheet_state == "hidden"
    letter = chr(ord("A") + header.index(state))
    target = next(v for v in validations if str(v.sqref).startswith(f"{letter}2"))
    column = target.formula1.split("!$")[1][0]
    values = [c.value for c in lists[column][1:] if c.value]
    assert in_force in values and len(values) >= 5


def graph_kind_triples(kind_name: str) -> tuple[set, set]:
    """The triples of the graph's resources of a kind, restricted to the properties its columns
    cover; and the subjects."""
    from migkg.graphstore import open_default
    from migkg.spreadsheets.fromgraph import covered, subjects
    from migkg.spreadsheets.lookup import Lookup
    from migkg.spreadsheets.metadata import kinds

    store = open_default()
    kind = kinds()[kind_name]
    nodes = {ox.NamedNode(s) for s in subjects(kind, Lookup(store))}
    properties = covered(kind)
    found = {ox.Triple(q.subject, q.predicate, q.object) for s in nodes
             for q in store.store.quads_for_pattern(s, None, None) if q.predicate.value in properties}
    return found, nodes


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    from tests.conftest import run_cli

    folder = tmp_path_factory.mktemp("tables")
    run = run_cli("tables", folder / "csv", "--format", "csv")
    assert run.returncode == 0, run.stderr
    run = run_cli("tables", folder / "xlsx", "--format", "xlsx", "--lang", "es")
    assert run.returncode == 0, run.stderr
    out = folder / "graph.ttl"
    run = run_cli("import", *sorted((folder / "csv").glob("*.csv")), "-o", out)
    assert run.returncode == 0, run.stderr
    return folder, triples(out.read_bytes())


@pytest.mark.parametrize("kind", KINDS)
def test_round_trip_of_the_graph_gives_back_the_same_triples(round_trip, kind):
    _, imported = round_trip
    wanted, nodes = graph_kind_triples(kind)
    from migkg.spreadsheets.fromgraph import covered
    from migkg.spreadsheets.metadata import kinds

    properties = covered(kinds()[kind])
    assert {t for t in imported if t.subject in nodes and t.predicate.value in properties} == wanted
    if kind not in ("referral",):  # the graph has no referral of a case yet
        assert nodes, f"no resource of kind {kind} in the graph"


def test_round_trip_invents_nothing_and_xlsx_tables_in_spanish_give_the_same(round_trip, migkg_cli):
    folder, imported = round_trip
    everything = set().union(*(graph_kind_triples(k)[0] for k in KINDS))
    assert imported == everything
    out = folder / "from-xlsx.ttl"
    run = migkg_cli("--lang", "es", "import", *sorted((folder / "xlsx").glob("*.xlsx")), "-o", out)
    assert run.returncode == 0, run.stderr
    assert triples(out.read_bytes()) == imported


def test_tables_write_one_file_per_kind_in_the_template_format(round_trip):
    folder, _ = round_trip
    assert sorted(p.stem for p in (folder / "csv").glob("*.csv")) == sorted(KINDS)
    header = next(csv.reader((folder / "csv" / "mandate.csv").open(encoding="utf-8")))
    template = [c for c in header]
    assert template[0] == "mandate identifier"
    rows = list(csv.DictReader((folder / "csv" / "mandate.csv").open(encoding="utf-8")))
    chosen = next(r for r in rows if r["mandate identifier"] == "pe:mandate-mre-asylum-seeker-status-determination")
    assert chosen["mandated institution"] == "pe:mre"
    assert chosen["mandate function"] == "status determination"
    assert chosen["legal basis"] == "pe:ds-135-2010-re-art-99"


def test_a_csv_saved_by_excel_in_spanish_with_semicolons_reads_the_same(migkg_cli, tmp_path):
    rows = list(csv.reader((FIXTURES / "mandate.csv").open(encoding="utf-8", newline="")))
    semicolons = tmp_path / "mandate.csv"
    with semicolons.open("w", encoding="utf-8-sig", newline="") as handle:  # with the BOM Excel writes
        csv.writer(handle, delimiter=";").writerows(rows)
    out = tmp_path / "m.ttl"
    run = run_import(migkg_cli, [semicolons], out)
    assert run.returncode == 0, run.stderr
    assert triples(out.read_bytes()) == expected("mandate")


def test_a_filled_xlsx_template_in_spanish_imports(migkg_cli, tmp_path):
    from openpyxl import load_workbook

    book = tmp_path / "membresias.xlsx"
    assert migkg_cli("--lang", "es", "template", "membership", "-o", book).returncode == 0
    workbook = load_workbook(book)
    table = workbook.worksheets[0]
    header = [c.value for c in table[1]]
    values = dict(zip(rows_header := next(csv.reader((FIXTURES / "membership.csv").open(encoding="utf-8"))),
                      list(csv.reader((FIXTURES / "membership.csv").open(encoding="utf-8")))[1], strict=True))
    assert set(rows_header) <= set(header)  # the fixture's Spanish headers are the template's
    for index, title in enumerate(header, start=1):
        if title in values:
            table.cell(row=2, column=index, value=values[title])
    workbook.save(book)
    out = tmp_path / "m.ttl"
    run = run_import(migkg_cli, [book], out)
    assert run.returncode == 0, run.stderr
    assert triples(out.read_bytes()) == expected("membership")


@pytest.mark.parametrize("kind", KINDS)
def test_metadata_is_valid_csvw_read_by_the_csvw_library_as_migkg_reads_it(kind):
    """An independent CSVW implementation (the csvw package) reads every metadata file without a
    warning (it warns about unknown properties and invalid values) and sees the same columns."""
    import warnings

    import csvw

    from migkg.spreadsheets.metadata import expand, kinds

    path = ROOT / "spreadsheets" / f"{kind}.csv-metadata.json"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = csvw.Table.from_file(path)
    assert not [str(w.message) for w in caught]
    ours = kinds()[kind]
    theirs = table.tableSchema.columns
    assert [c.name for c in theirs] == [c.name for c in ours.columns]
    for mine, other in zip(ours.columns, theirs, strict=True):
        assert (expand(str(other.propertyUrl)) if other.propertyUrl else None) == mine.predicate
        assert (other.separator or None) == mine.separator
        assert bool(other.required) == mine.required and bool(other.virtual) == mine.virtual
        assert (other.lang if other.lang != "und" else None) == mine.lang
    assert table.common_props["mkg:kind"] == kind


def test_closed_lists_name_each_value_once_in_each_language():
    """A value picked from a drop-down (a label) must name one member of the list only."""
    from migkg.graphstore import open_default
    from migkg.spreadsheets.convert import closed_lists
    from migkg.spreadsheets.lookup import Lookup
    from migkg.spreadsheets.metadata import kinds

    lookup = Lookup(open_default())
    for kind in kinds().values():
        for name, closed in closed_lists(kind, lookup).items():
            assert closed.members, f"{kind.name}.{name}: an empty list"
            for lang in ("en", "es"):
                shown = closed.shown(lang)
                assert len(set(shown)) == len(shown), f"{kind.name}.{name} ({lang}): {shown}"
                for member, label in zip(closed.members, shown, strict=True):
                    term = closed.resolve(label)
                    assert term is not None and (term.value == member or closed.literal), (kind.name, name, label)

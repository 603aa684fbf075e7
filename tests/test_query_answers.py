"""What each saved query must answer over the Peru graph. Expected rows are written from the
sources (cited per test), not read off the data: a failing test means the graph or the query
no longer says what the documents say."""

from __future__ import annotations

import pytest

from migkg import sparql
from migkg.queries import catalogue, find

PE = "https://w3id.org/migkg/id/pe/"
INT = "https://w3id.org/migkg/id/int/"
CAT = "https://w3id.org/migkg/id/category/"
PLACE = "https://w3id.org/migkg/id/place/"
MKG = "https://w3id.org/migkg/ontology#"


@pytest.fixture(scope="module")
def store(graph):
    return sparql.oxigraph_store(graph)


@pytest.fixture(scope="module")
def ask(store):
    """Run a saved query; rows as dicts of plain Python values (IRIs as strings)."""
    def run(name, **params):
        query = find(name)
        table = sparql.run_oxigraph(store, query.text, query.bindings(params))
        return [{v: (None if t is None else (t.toPython() if hasattr(t, "toPython") else str(t)))
                 for v, t in zip(table.variables, row, strict=True)} for row in table.rows]
    return run


def col(rows, key):
    return [r[key] for r in rows]


# --- overlaps (002, "Cases of overlapping categories") --------------------------------------

def test_overlapping_categories_are_the_two_the_paper_identifies(ask):
    rows = ask("overlapping-categories")
    pairs = {(r["categoryA"], r["categoryB"]) for r in rows}
    assert pairs == {(CAT + "asylum-seeker", CAT + "smuggled-migrant"),
                     (CAT + "foreign-victim-of-trafficking", CAT + "irregular-migrant")}
    airport = next(r for r in rows if r["categoryA"] == CAT + "asylum-seeker")
    assert airport["persons"] == 21
    assert "Jorge Ch" in airport["placeLabel"]
    assert airport["appliedLabel"] == "smuggled migrant"
    assert "cases of overlapping categories" in airport["sources"].lower()
    # Neither coordination mechanism deals with asylum, and no referral joins the two sides.
    assert airport["sharedMechanisms"] == ""
    assert airport["referralPathways"] == ""
    # The MRE is responsible for asylum seekers; the Ministry of the Interior side for smuggling.
    assert "Ministry of Foreign Affairs" in airport["responsibleForA"]
    trafficking = next(r for r in rows if r["categoryA"] == CAT + "foreign-victim-of-trafficking")
    assert trafficking["appliedLabel"] == "irregular migrant"
    assert "MIGRACIONES" in trafficking["responsibleForB"] or "Migration" in trafficking["responsibleForB"]


def test_overlap_labels_switch_to_spanish(ask):
    rows = ask("overlapping-categories", lang="es")
    assert {r["categoryALabel"] for r in rows} == {"solicitante de refugio", "víctima de trata extranjera"}


def test_less_protective_category_was_applied_in_both_overlaps(ask):
    rows = ask("less-protective-category-applied")
    assert {(r["applied"], r["lessProtective"]) for r in rows} == {
        (CAT + "smuggled-migrant", True), (CAT + "irregular-migrant", True)}
    assert {r["setAside"] for r in rows} == {CAT + "asylum-seeker", CAT + "foreign-victim-of-trafficking"}


def test_case_level_overlap_of_the_first_special_visa_holder(ask):
    # 002 fn 44: a foreign trafficked person granted the first special migration visa holds both.
    rows = ask("case-level-overlaps")
    assert {(r["categoryA"], r["categoryB"]) for r in rows} == {
        (CAT + "foreign-victim-of-trafficking", CAT + "special-visa-holder")}
    assert "MIGRACIONES" in rows[0]["handledBy"] or "Migration" in rows[0]["handledBy"]


def test_statuses_with_overlapping_eligibility(ask):
    # 002 legal framework: humanitarian (MRE, not operative) and special (MIGRACIONES) visas overlap.
    rows = ask("overlapping-status-eligibility")
    by_category = {}
    for r in rows:
        by_category.setdefault(r["category"], set()).add(r["status"])
    for category in (CAT + "victim-of-trafficking", CAT + "smuggled-migrant"):
        assert {PE + "humanitarian-visa", PE + "special-visa"} <= by_category[category]
    humanitarian = next(r for r in rows if r["status"] == PE + "humanitarian-visa")
    assert humanitarian["operative"] is False
    assert "Foreign Affairs" in humanitarian["grantorLabel"]


# --- mandates and coverage (002 fragmentation, fn 46; 004 2.1) -------------------------------

def test_mandates_include_the_mre_for_asylum_on_ds_135_2010_re(ask):
    rows = ask("mandates")
    mre = [r for r in rows if r["institution"] == PE + "mre" and r["category"] == CAT + "asylum-seeker"]
    assert any(r["function"] == MKG + "StatusDeterminationFunction" and r["legalBasisId"]
               and "135-2010-RE" in r["legalBasisId"] for r in mre)


def test_mandates_as_of_a_date_before_the_vulnerability_office(ask):
    # The Vulnerability Office was created in 2016: it holds no mandate as of 2015.
    before = {r["institution"] for r in ask("mandates", asOf="2015-06-01")}
    after = {r["institution"] for r in ask("mandates")}
    assert PE + "migraciones-vulnerability-office" in after
    assert PE + "migraciones-vulnerability-office" not in before


def test_coverage_matrix_has_every_cell_and_marks_gaps(ask):
    rows = ask("coverage-matrix")
    categories = {r["category"] for r in rows}
    functions = {r["function"] for r in rows}
    assert len(rows) == len(categories) * len(functions) and len(functions) == 12
    cell = {(r["category"], r["function"]): r for r in rows}
    assert cell[(CAT + "asylum-seeker", MKG + "StatusDeterminationFunction")]["gap"] is False
    assert any(r["gap"] for r in rows)
    assert all((r["institutions"] == "") == r["gap"] for r in rows)


def test_migraciones_is_excluded_from_the_victim_assistance_framework(ask):
    rows = ask("excluded-institutions")
    assert [(r["institution"], r["framework"]) for r in rows] == [
        (PE + "migraciones", PE + "victim-assistance-framework-tip")]
    assert "residence permit" in rows[0]["consequence"]


# --- coordination (002 fragmentation, fn 48, 49; 004 2.1) ------------------------------------

def test_coordination_mechanisms_chairs_members_scope(ask):
    rows = {r["mechanism"]: r for r in ask("coordination-mechanisms")}
    mtigm, cmnp = rows[PE + "mtigm"], rows[PE + "cmnp-tp-tim"]
    assert "Ministry of Foreign Affairs" in mtigm["chair"]
    assert mtigm["memberCount"] == 22 and mtigm["observerCount"] == 3
    assert "IDEHPUCP" in cmnp["participants"] or "Institute for Democracy" in cmnp["participants"]
    assert "asylum seeker" in mtigm["outOfScope"] and "asylum seeker" in cmnp["outOfScope"]


def test_asylum_seekers_and_refugees_fall_outside_every_mechanism(ask):
    rows = ask("categories-outside-coordination")
    documented = {r["category"] for r in rows if r["documented"]}
    assert documented == {CAT + "asylum-seeker", CAT + "refugee"}


def test_the_two_mechanisms_do_not_exchange_information(ask):
    rows = ask("mechanisms-without-information-exchange")
    documented = [(r["mechanismA"], r["mechanismB"]) for r in rows if r["status"] == "absent (documented)"]
    assert documented == [(PE + "cmnp-tp-tim", PE + "mtigm")]


def test_referral_pathways_absent_between_asylum_and_trafficking(ask):
    rows = ask("referral-pathways")
    absent = {(r["from"], r["referredLabel"]) for r in rows if r["status"] == MKG + "LinkAbsent"}
    assert (PE + "mre", "victim of trafficking in persons") in absent
    assert any(f in (PE + "mininter", PE + "dgsd") for f, _ in absent)


# --- instruments (002 legal framework, lack of regulations; 004 5.2) -------------------------

def test_humanitarian_visa_not_operative_for_lack_of_regulation(ask):
    rows = ask("not-operative-for-lack-of-regulation")
    assert PE + "humanitarian-visa" in col(rows, "created")
    assert PE + "ld-1350" in col(rows, "instrument")


def test_unpublished_and_draft_instruments(ask):
    found = set(col(ask("unpublished-instruments"), "instrument"))
    assert {PE + "directive-victims-tip-som", PE + "sectoral-protocol-som"} <= found


def test_national_policy_against_trafficking_lacks_indicators(ask):
    rows = ask("plans-without-indicators")
    documented = {r["instrument"] for r in rows if r["documented"]}
    assert PE + "national-policy-tip" in documented
    assert PE + "national-plan-tip-2017-2021" not in col(rows, "instrument")


def test_refugees_and_smuggled_migrants_have_no_national_plan(ask):
    documented = {r["category"] for r in ask("categories-without-national-plan") if r["documented"]}
    assert {CAT + "refugee", CAT + "smuggled-migrant"} <= documented


def test_categories_defined_by_peruvian_instruments(ask):
    rows = ask("categories-by-instrument")
    pairs = {(r["category"], r["instrument"]) for r in rows}
    assert (CAT + "vulnerable-migrant", PE + "ds-007-2017-in") in pairs
    assert (CAT + "returning-national", PE + "law-30001") in pairs
    assert all(r["instrument"].startswith(PE) for r in rows)


def test_planagerd_does_not_address_migrants(ask):
    assert PE + "planagerd-2014-2021" in col(ask("crisis-plans-ignoring-migrants"), "plan")


def test_instrument_lineage(ask):
    edges = {(r["instrument"], r["relation"], r["target"]) for r in ask("instrument-lineage")}
    assert (PE + "ds-007-2017-in", "regulates", PE + "ld-1350") in edges
    assert (PE + "ds-017-2017-in", "approves", PE + "national-plan-tip-2017-2021") in edges
    assert (PE + "law-30525", "amends", PE + "law-30001") in edges
    assert (PE + "ld-1350", "establishes", PE + "humanitarian-visa") in edges


# --- context (004 Table 1, 1.2, 3.1; 003) -----------------------------------------------------

def test_conventions_as_in_the_mgi_table(ask):
    rows = ask("conventions-ratification")
    table = {(r["instrument"], r["status"], r["year"]) for r in rows}
    import datetime
    year = lambda y: str(y) if not isinstance(y, (datetime.date,)) else str(y.year)  # noqa: E731
    normalised = {(i, s, None if y is None else year(y)[:4]) for i, s, y in table}
    for expected in [(INT + "refugee-convention-1951", MKG + "Ratified", "1964"),
                     (INT + "crc", MKG + "Ratified", "1990"),
                     (INT + "icrmw", MKG + "Ratified", "2005"),
                     (INT + "statelessness-convention-1954", MKG + "Ratified", "2014"),
                     (INT + "statelessness-convention-1961", MKG + "Ratified", "2014"),
                     (INT + "ilo-c97", MKG + "NotRatified", None), (INT + "ilo-c143", MKG + "NotRatified", None)]:
        assert expected in normalised


def test_mgi_findings_cover_all_six_domains(ask):
    rows = ask("mgi-findings-by-domain")
    assert {r["domainNumber"] for r in rows} == {"1", "2", "3", "4", "5", "6"}
    potential = ask("mgi-findings-by-domain", kind=MKG + "PotentialForDevelopment")
    assert potential and all(r["kind"] == MKG + "PotentialForDevelopment" for r in potential)
    # 004 has no text for 2.2: domain 2 has only well-developed findings.
    assert "2" not in {r["domainNumber"] for r in potential}


def test_capacity_building_actions_for_peru(ask):
    rows = ask("capacity-building-actions", country=PLACE + "peru")
    actions = set(col(rows, "action"))
    assert {INT + "mieux-action-peru-som-2017-2018", INT + "mieux-action-peru-thb-2013"} <= actions
    smuggling = ask("capacity-building-actions", theme=MKG + "SmugglingTheme")
    assert INT + "mieux-action-peru-som-2017-2018" in col(smuggling, "action")


def test_capacity_building_output_adopted_by_supreme_decree(ask):
    rows = ask("capacity-building-outputs-adopted")
    adopted = {r["adoptedAs"] for r in rows}
    assert adopted & {PE + "ds-008-2018-in", PE + "intersectoral-guidelines-som"}
    assert any(r["approverLabel"] and "Democratic Security" in r["approverLabel"] for r in rows)


# --- statistics (002 fn 5, 42, 43) -------------------------------------------------------------

def test_reta_statistics_and_its_missing_cross_link(ask):
    rows = ask("statistics-by-category")
    reta = [r for r in rows if r["value"] == 1846]
    assert reta and reta[0]["registryCrossLinked"] is False
    links = ask("registries-not-cross-linked")
    assert any(PE + "sistema-reta" in (r["registryA"], r["registryB"]) for r in links)


def test_ptp_windows(ask):
    rows = [r for r in ask("application-windows") if r["status"] == PE + "ptp-venezuelans"]
    assert sorted(r["windowNumber"] for r in rows) == [1, 2, 3]
    assert {r["windowBasisId"] for r in rows} >= {"DS 001-2018-IN"} or len({r["windowBasisId"] for r in rows}) == 3
    assert all(r["grantsResidence"] is False for r in rows)


# --- gaps and provenance --------------------------------------------------------------------------

def test_documented_gaps_of_every_kind_the_paper_names(ask):
    kinds = set(col(ask("documented-gaps"), "kind"))
    for kind in ("MissingNationalPlanGap", "MissingMonitoringIndicatorsGap", "MissingImplementingRegulationGap",
                 "UnpublishedInstrumentGap", "MissingReferralGap", "MissingInformationExchangeGap",
                 "RegistriesNotLinkedGap", "DataNotDisaggregatedGap", "MigrantsNotAddressedGap",
                 "InstitutionalExclusionGap", "OutsideCoordinationGap"):
        assert MKG + kind in kinds, kind


def test_provenance_by_label_and_by_iri(ask):
    by_label = ask("provenance", label="humanitarian migration")
    assert any(r["resource"] == PE + "humanitarian-visa" for r in by_label)
    by_iri = ask("provenance", resource=PE + "humanitarian-visa")
    assert by_iri and all(r["resource"] == PE + "humanitarian-visa" for r in by_iri)
    assert any(r["seedFile"] == "002_a69b0916ce6b5deb.txt" for r in by_iri)


@pytest.mark.parametrize("name", [q.name for q in catalogue() if not q.name.endswith("-violation")])
def test_no_cell_gathers_the_whole_graph(ask, name):
    # Regression: an OPTIONAL on a variable that an earlier OPTIONAL left unbound matches every
    # resource in the graph (the coverage matrix's empty cells listed ~700 labels). No
    # legitimate cell in the catalogue lists more than a few dozen values.
    for row in ask(name):
        for value in row.values():
            if isinstance(value, str):
                assert len(value.split("; ")) <= 40, f"{name}: a cell lists {len(value.split('; '))} values"


def test_instruments_as_of_a_date(ask):
    # 002 fn 20-23 and 004: the Migration Act and DS 017-2017-IN (June 2017) exist by mid-2017; the
    # second PTP window (DS 023-2017-IN) was published on 29 July 2017 and the third (DS 001-2018-IN)
    # in 2018, so neither counts on 30 June 2017; both count by the end of 2018.
    mid_2017 = {r["instrument"] for r in ask("instruments-as-of", asOf="2017-06-30")}
    assert {PE + "ld-1350", PE + "ds-017-2017-in", PE + "law-27891"} <= mid_2017
    assert PE + "ds-023-2017-in" not in mid_2017 and PE + "ds-001-2018-in" not in mid_2017
    end_2018 = {r["instrument"] for r in ask("instruments-as-of", asOf="2018-12-31")}
    assert {PE + "ds-023-2017-in", PE + "ds-001-2018-in", PE + "rs-117-2018-migraciones"} <= end_2018
    assert {r["instrument"] for r in ask("instruments-as-of")} >= end_2018

"""`migkg navigate`: the four parts for a combination of categories, from the saved queries in
queries/navigate/. The expected answers are written from the seed documents (the comment on
each names the document and section: 000/001 the MIEUX Peru case study EN/ES, 002 Blouin &
Button 2018, 004 the IOM MGI Peru profile 2019), and checked against what the data encodes."""

from __future__ import annotations

import json

import pytest

from migkg import navigate
from migkg.errors import InputError

CAT = "https://w3id.org/migkg/id/category/"
PE = "https://w3id.org/migkg/id/pe/"
MKG = "https://w3id.org/migkg/ontology#"


def local(iri):
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri else iri


@pytest.fixture(scope="module")
def ask():
    cache = {}

    def run(*cats, lang="en", as_of=None):
        key = (cats, lang, as_of)
        if key not in cache:
            cache[key] = navigate.answer(list(cats), lang=lang, as_of=as_of)
        return cache[key]
    return run


def mandates(result):
    """{category: {(institution, function)}} by local names."""
    return {local(c["category"]): {(local(m["institution"]), local(m["function"])) for m in c["mandates"]}
            for c in result["categories"]}


def statuses(result):
    """{status: (operative, grantsResidence, life-cycle state, {eligible categories})}."""
    return {local(s["status"]): (s.get("operative"), s.get("grantsResidence"), local(s.get("state")),
                                 {local(e["category"]) for e in s["eligible"]})
            for s in result["statuses"]["statuses"]}


def links(result):
    return {local(k["link"]): local(k["status"]) for k in result["coordination"]["links"]}


def mechanisms(result):
    """{(category, mechanism): out of scope?}; a category no mechanism covers has (category, None)."""
    return {(local(m["category"]), local(m.get("mechanism"))): m.get("outOfScope")
            for m in result["coordination"]["mechanisms"]}


def uncovered(result):
    return [{local(c["category"]) for c in p["categories"]} for p in result["coordination"]["uncoveredPairs"]]


def situations(result):
    return {local(s["situation"]): (s["sameCombination"], s.get("lessProtectiveApplied"), local(s.get("applied")),
                                    local(s.get("setAside"))) for s in result["problems"]["situations"]}


def items(result, key):
    return {local(g["item"]) for g in result["problems"][key]}


# --- the paper's first overlap: smuggled migrant + asylum seeker -------------------------------

SMUGGLED_ASYLUM_MANDATES = {
    "smuggled-migrant": {
        # 002 Fragmentation: "The Ministry of the Interior deals with human trafficking and migrant smuggling"
        ("mininter", "PolicyFunction"),
        # 000 Context: the DGSD plans, implements and monitors activities in line with the national
        # policies against THB and smuggling, and coordinates the CMNP TP-TM
        ("dgsd", "PolicyFunction"), ("dgsd", "CoordinationFunction"),
        # 004 4.1/5.1: the foreign service missions prevent trafficking and smuggling
        ("mre-foreign-service-missions", "PreventionFunction"),
        # 002 Legal framework, fn 22: the humanitarian visa (LD 1350 Art. 29.2(k)), for asylum seekers and
        # victims of trafficking or smuggling; fn 23-25: the special visa authorised by MIGRACIONES
        ("mre", "RegularisationFunction"), ("migraciones", "RegularisationFunction"),
    },
    "asylum-seeker": {
        # 002 Fragmentation, fn 46: the Ministry of Foreign Affairs "is in charge of asylum claims" (DS 135-2010-RE)
        ("mre", "StatusDeterminationFunction"),
        # 002 Legal framework, fn 28: Law 27891, the Special Commission for Refugees
        ("cepr", "StatusDeterminationFunction"),
        # 002 fn 22: the humanitarian visa names asylum seekers
        ("mre", "RegularisationFunction"),
    },
}


def test_smuggled_and_asylum_seeker_mandates_by_function_and_legal_basis(ask):
    result = ask("smuggled-migrant", "asylum-seeker")
    assert mandates(result) == SMUGGLED_ASYLUM_MANDATES
    by_key = {(local(c["category"]), local(m["institution"]), local(m["function"])): m
              for c in result["categories"] for m in c["mandates"]}
    humanitarian = by_key[("asylum-seeker", "mre", "RegularisationFunction")]
    # 002 Lack of regulations: the humanitarian visa "is not yet effective as it lacks the administrative
    # regulation necessary for implementation": the mandate resting on it says so
    assert [(b["legalBasisId"], local(b["basisState"])) for b in humanitarian["legalBases"]] == [
        ("Legislative Decree 1350, Art. 29.2(k)", "PendingImplementingRegulationState")]
    assert "Blouin & Button 2018, footnote 22" in humanitarian["sources"]
    asylum = by_key[("asylum-seeker", "mre", "StatusDeterminationFunction")]
    assert [b["legalBasisId"] for b in asylum["legalBases"]] == ["DS 135-2010-RE, Art. 99"]
    assert "Blouin & Button 2018, footnote 46" in asylum["sources"]
    # the definition of each category comes with it
    assert result["categories"][0]["definition"].startswith("A migrant who has been the object of the procurement")


def test_smuggled_and_asylum_seeker_statuses(ask):
    # 002 Legal framework and fn 22: humanitarian visa for asylum seekers and victims of trafficking or
    # smuggling, not effective (lack of regulations); fn 23-25: special visa, for smuggled migrants and
    # victims of trafficking, needs no further regulation, a way to "obtain residency"; fn 28: refugee
    # status (Law 27891) for asylum seekers
    assert statuses(ask("smuggled-migrant", "asylum-seeker")) == {
        "humanitarian-visa": (False, None, "PendingImplementingRegulationState", {"smuggled-migrant", "asylum-seeker"}),
        "special-visa": (True, True, None, {"smuggled-migrant"}),
        "refugee-status": (None, None, None, {"asylum-seeker"}),
    }
    overlaps = ask("smuggled-migrant", "asylum-seeker")["statuses"]["overlaps"]
    assert {local(o["status"]) for o in overlaps if "status" in o} == {"humanitarian-visa"}


def test_smuggled_and_asylum_seeker_links_mechanisms_exclusions(ask):
    result = ask("smuggled-migrant", "asylum-seeker")
    assert links(result) == {
        # 002 Fragmentation: the two mechanisms "are not related to one another and do not have
        # procedures for the exchange of information"
        "info-exchange-mtigm-cmnp-tp-tim": "LinkAbsent",
        # 002 Fragmentation, fn 50: the MRE "does not refer this person to the Ministry of the Interior";
        # the Ministry of the Interior "will not examine whether a victim of trafficking also has a potential
        # claim for refugee status"
        "referral-mre-to-mininter-asylum-seeker-victim-of-trafficking": "LinkAbsent",
        "referral-mininter-to-cepr-victim-of-trafficking-asylum-seeker": "LinkAbsent",
        # 002 Fragmentation: "undermining inter-institutional coordination between the Ministry of Foreign
        # Affairs and MIGRACIONES" (partial)
        "coordination-mre-migraciones-asylum": "LinkPartial",
        # 002 Lack of regulations: "unclear whether the public prosecutor first needs to determine ..."
        "referral-public-prosecutor-to-state-assistance-smuggled-migrant": "LinkUnclear",
    }
    # 002 Fragmentation: "neither mechanism deals with cases of asylum"; 000 Context: the CMNP TP-TM
    # (trafficking and smuggling); 004 2.1: the MTIGM manages migration as a whole (scope: migrant)
    assert mechanisms(result) == {("smuggled-migrant", "cmnp-tp-tim"): False, ("smuggled-migrant", "mtigm"): False,
                                  ("asylum-seeker", "cmnp-tp-tim"): True, ("asylum-seeker", "mtigm"): True}
    assert uncovered(result) == [{"smuggled-migrant", "asylum-seeker"}]
    via = {local(m["mechanism"]): local(m["scope"]) for m in result["coordination"]["mechanisms"]
           if local(m["category"]) == "smuggled-migrant"}
    assert via == {"mtigm": "migrant", "cmnp-tp-tim": "smuggled-migrant"}
    assert result["coordination"]["exclusions"] == []


def test_smuggled_and_asylum_seeker_known_problems(ask):
    result = ask("smuggled-migrant", "asylum-seeker")
    # 002 Cases of overlapping categories: Jorge Chávez airport, "the state is applying the less
    # protective category of smuggled migrant over that of asylum seeker"
    assert situations(result) == {"overlap-smuggled-migrants-asylum-seekers-jorge-chavez-airport":
                                  (True, True, "smuggled-migrant", "asylum-seeker")}
    situation = result["problems"]["situations"][0]
    assert "deny asylum seekers entry" in situation["stateResponse"]
    assert "Blouin & Button 2018, footnote 37" in situation["sources"]
    assert items(result, "gaps") == {
        "gap-asylum-seekers-treated-as-smuggled-migrants",  # 002 Cases of overlapping categories
        "gap-humanitarian-visa-no-implementing-regulation",  # 002 Lack of regulations, fn 22
        "gap-special-visa-guidelines-unpublished",  # 002 Lack of regulations, fn 54
        "gap-sectoral-protocol-smuggling-in-drafting",  # 002 Lack of regulations, fn 51-52
        "gap-prosecutor-role-smuggling-determination-unclear",  # 002 Lack of regulations
        "gap-no-national-plan-migrant-smuggling",  # 002 Legal framework, fn 36
        "gap-no-guidelines-identifying-assisting-smuggled-migrants",  # 002 fn 36; 000 footnote 3
        "gap-cmnp-focused-solely-on-trafficking",  # 000 Context
        "gap-additional-training-needs-trafficking",  # 000 Impact (survey)
        "gap-no-national-plan-refugees",  # 002 Legal framework, fn 29
        "gap-no-referral-mre-to-mininter",  # 002 Fragmentation, fn 50
        "gap-no-referral-mininter-to-refugee-authority",  # 002 Fragmentation
        "gap-inadequate-training-deficient-referral-structures",  # 002 fn 50
        "gap-mechanisms-do-not-deal-with-asylum",  # 002 Fragmentation
    }
    # 004 5.1: asylum seekers and refugees need no visa; the humanitarian visa
    assert items(result, "findings") == {"mgi-2019-finding-5-1-asylum-humanitarian-visa"}


# --- the paper's second overlap: victim of trafficking + irregular migrant ---------------------

def test_trafficking_and_irregular_migrant(ask):
    result = ask("victim-of-trafficking", "irregular-migrant")
    got = mandates(result)
    # nothing in the sources mandates an institution for irregular migrants as such
    assert got["irregular-migrant"] == set()
    assert got["victim-of-trafficking"] == {
        ("mininter", "PolicyFunction"), ("mre", "PolicyFunction"), ("mimp", "PolicyFunction"),
        ("minjusdh", "PolicyFunction"), ("mincetur", "PolicyFunction"),  # 004 6.1: bodies of the national plan
        ("dgsd", "PolicyFunction"), ("dgsd", "CoordinationFunction"),  # 000 Context
        ("mre-foreign-service-missions", "PreventionFunction"),  # 004 4.1 / 5.1
        ("pnp", "DataCollectionFunction"),  # 002 Introduction, fn 5 (RETA)
        ("inei", "DataCollectionFunction"),  # 004 6.1
        ("iom", "AssistanceFunction"),  # 002 Lack of regulations, fn 57
        ("mre", "RegularisationFunction"), ("migraciones", "RegularisationFunction"),  # 002 fn 22-25
    }
    # 002 fn 22-25: humanitarian visa (not effective) and special visa (first granted to a trafficked
    # person, fn 44); nothing for irregular migrants, who "cannot receive a residence permit"
    assert statuses(result) == {
        "humanitarian-visa": (False, None, "PendingImplementingRegulationState", {"victim-of-trafficking"}),
        "special-visa": (True, True, None, {"victim-of-trafficking"}),
    }
    assert links(result) == {
        "referral-migraciones-to-pnp-suspected-victim-of-trafficking": "LinkPartial",  # 002 fn 55
        "referral-other-institutions-to-migraciones-foreign-victim-of-trafficking": "LinkPartial",  # 002 Lack of regs
        "registry-link-reta-migraciones-case-records": "LinkAbsent",  # 002 fn 43: "not crosslinked"
        "referral-mre-to-mininter-asylum-seeker-victim-of-trafficking": "LinkAbsent",  # 002 fn 50
        "referral-mininter-to-cepr-victim-of-trafficking-asylum-seeker": "LinkAbsent",  # 002 Fragmentation
        "info-exchange-mtigm-cmnp-tp-tim": "LinkAbsent",  # 002 Fragmentation
        "coordination-mre-migraciones-asylum": "LinkPartial",  # 002 Fragmentation (both ends mandated here)
    }
    # the CMNP TP-TIM covers trafficking (000 Context); the MTIGM's scope is migration as a whole
    # (004 2.1), which reaches both categories through their broader categories
    assert mechanisms(result) == {("victim-of-trafficking", "cmnp-tp-tim"): False,
                                  ("victim-of-trafficking", "mtigm"): False, ("irregular-migrant", "mtigm"): False}
    assert uncovered(result) == []
    # 002 Fragmentation: "the victim assistance framework does not include the MIGRACIONES office"
    assert [local(e["exclusion"]) for e in result["coordination"]["exclusions"]] == [
        "exclusion-migraciones-victim-assistance-framework-tip"]
    # 002 Introduction / Cases of overlapping categories: foreign victims "treated as irregular migrants
    # rather than victims" (the situation is recorded for foreign victims, a narrower category)
    assert situations(result) == {"overlap-foreign-victims-of-trafficking-irregular-migrants":
                                  (True, True, "irregular-migrant", "foreign-victim-of-trafficking")}
    gaps = items(result, "gaps")
    assert {"gap-foreign-victims-treated-as-irregular-migrants",  # 002 Fragmentation
            "gap-migraciones-excluded-victim-assistance-framework",  # 002 Fragmentation
            "gap-no-victim-assistance-framework-foreign-victims",  # 002 Lack of regulations
            "gap-trafficking-registrations-not-cross-linked",  # 002 fn 43
            "gap-humanitarian-visa-no-implementing-regulation"} <= gaps  # 002 fn 22
    assert len(gaps) == 17 and "gap-no-national-plan-refugees" not in gaps
    assert items(result, "findings") == {"mgi-2019-finding-6-1-trafficking-framework"}  # 004 6.1


# --- three other combinations --------------------------------------------------------------

def test_trafficking_and_asylum_seeker(ask):
    # 002 Reimagining categories: "trafficked persons may be refugees and vice versa"
    result = ask("victim-of-trafficking", "asylum-seeker")
    assert statuses(result)["humanitarian-visa"][3] == {"victim-of-trafficking", "asylum-seeker"}  # 002 fn 22
    assert statuses(result)["refugee-status"][3] == {"asylum-seeker"}
    got = links(result)
    assert got["referral-mre-to-mininter-asylum-seeker-victim-of-trafficking"] == "LinkAbsent"  # 002 fn 50
    assert got["referral-mininter-to-cepr-victim-of-trafficking-asylum-seeker"] == "LinkAbsent"
    assert uncovered(result) == [{"victim-of-trafficking", "asylum-seeker"}]  # 002: no mechanism deals with asylum
    # neither documented situation is this very combination, both overlap it
    assert {k: v[0] for k, v in situations(result).items()} == {
        "overlap-smuggled-migrants-asylum-seekers-jorge-chavez-airport": False,
        "overlap-foreign-victims-of-trafficking-irregular-migrants": False}
    assert {"gap-no-referral-mre-to-mininter", "gap-mechanisms-do-not-deal-with-asylum"} <= items(result, "gaps")
    assert items(result, "findings") == {"mgi-2019-finding-5-1-asylum-humanitarian-visa",
                                         "mgi-2019-finding-6-1-trafficking-framework"}


def test_a_single_category_venezuelan_migrant(ask):
    result = ask("venezuelan-migrant")
    # 004 4.1: the Ministry of Education's school inclusion policy for Venezuelans (2019)
    assert mandates(result) == {"venezuelan-migrant": {("minedu", "IntegrationFunction")}}
    # 002 Legal framework, fn 26: the PTP "is targeted at a particular situation and does not grant residency"
    assert statuses(result) == {"ptp-venezuelans": (None, False, None, {"venezuelan-migrant"})}
    assert links(result) == {} and uncovered(result) == []
    assert mechanisms(result) == {("venezuelan-migrant", "mtigm"): False}
    assert situations(result) == {} and items(result, "gaps") == set()
    # 004 3.1 (regional response to the Venezuelan crisis) and 4.1 (school inclusion)
    assert items(result, "findings") == {"mgi-2019-finding-3-1-venezuelan-crisis-coordination",
                                         "mgi-2019-finding-4-1-venezuelan-school-inclusion"}


def test_stateless_and_undocumented(ask):
    result = ask("stateless-person", "undocumented-foreigner")
    # 004 6.1 and fn 9: Art. 23 of the Migration Act, a safe-conduct for stateless or undocumented
    # foreigners, issued by MIGRACIONES
    assert mandates(result) == {"stateless-person": {("migraciones", "RegularisationFunction")},
                                "undocumented-foreigner": {("migraciones", "RegularisationFunction")}}
    basis = result["categories"][0]["mandates"][0]["legalBases"][0]
    assert (basis["legalBasisId"], local(basis["basisState"])) == ("Legislative Decree 1350, Art. 23", "InForceState")
    assert statuses(result) == {"safe-conduct": (None, None, None, {"stateless-person", "undocumented-foreigner"})}
    # a stateless person is not recorded as a migrant: no mechanism's scope reaches the category
    assert mechanisms(result) == {("stateless-person", None): None, ("undocumented-foreigner", "mtigm"): False}
    assert uncovered(result) == [{"stateless-person", "undocumented-foreigner"}]
    assert items(result, "findings") == {"mgi-2019-finding-6-1-safe-conduct"}


# --- part 2: entitlements (what the statuses and instruments give) ---------------------------

def entitlements(result):
    """{entitlement: (type, operative, on equal terms, provider, {legal bases}, {given categories})}; a
    given category the entitlement reaches through a broader one is "category via broader"."""
    return {local(e["entitlement"]): (local(e["entitlementType"]), e.get("operative"), e.get("onEqualTerms"),
                                      local(e.get("provider")), set(e["legalBases"]),
                                      {local(b["category"]) + (f" via {local(b['via'])}" if b.get("via") else "")
                                       for b in e["beneficiaries"]})
            for e in result["statuses"]["entitlements"]}


def to_all_migrants(*given):
    """The entitlements the sources give every migrant, for the ``given`` categories (each a migrant
    through skos:broader, data/categories.ttl), as ``entitlements`` shows them."""
    via = {f"{c} via migrant" for c in given}
    ld_1350, constitution = {"Legislative Decree 1350"}, {"Constitution 1993"}
    return {
        # 002 Legal framework, fn 20: LD 1350 "recognises several fundamental rights of migrants, such as access to
        # basic health services, education and justice mechanisms"; 004 1.2: the Migration Act "guarantees the
        # fundamental rights of migrants (such as access to healthcare, education and work) under equal conditions
        # to citizens"
        "entitlement-ld-1350-health-migrants": ("HealthEntitlement", None, True, None, ld_1350, via),
        "entitlement-ld-1350-education-migrants": ("EducationEntitlement", None, True, None, ld_1350, via),
        "entitlement-ld-1350-work-migrants": ("WorkEntitlement", None, True, None, ld_1350, via),
        # 002 Legal framework, fn 20: "... and justice mechanisms" (no equal terms stated)
        "entitlement-ld-1350-justice-migrants": ("AccessToJusticeEntitlement", None, None, None, ld_1350, via),
        # 004 1.2: "All categories of immigrants in Peru have equal access to social protection under equal
        # conditions as citizens. The Constitution and the Migration Act form the legislative framework that
        # guarantee access to social protection of immigrants in Peru"
        "entitlement-ld-1350-social-protection-migrants": (
            "SocialProtectionEntitlement", None, True, None, ld_1350, via),
        "entitlement-constitution-social-protection-migrants": (
            "SocialProtectionEntitlement", None, True, None, constitution, via),
        # 004 1.2: "The Political Constitution of Peru guarantees access to healthcare to all people in the country"
        "entitlement-constitution-health-all-persons": ("HealthEntitlement", None, None, None, constitution, via),
        # 004 1.2: the Constitution "guarantees access to initial, primary and secondary education, which are
        # compulsory. All immigrants in Peru have the same status as citizens in terms of access to compulsory
        # education"
        "entitlement-constitution-education-immigrants": (
            "EducationEntitlement", None, True, None, constitution, via),
        # 004 1.2: "Law No. 26842 (General Health Law) guarantees that every person has the right to the
        # protection of their health in accordance with the terms and conditions established by law"
        "entitlement-law-26842-health-every-person": ("HealthEntitlement", None, None, None, {"Law 26842"}, via),
    }


SMUGGLED_ASYLUM_ENTITLEMENTS = {
    # 002 Legal framework, fn 35 (DS 001-2016-IN, Art. 50.1): "Law No. 28950 and its administrative regulations
    # grant smuggled migrants, children and pregnant women the right to assistance from the state"
    "entitlement-ds-001-2016-in-assistance-smuggled-migrants": (
        "AssistanceEntitlement", None, None, "state", {"Law 28950", "DS 001-2016-IN, Art. 50.1"}, {"smuggled-migrant"}),
    # 002 Legal framework, fn 32: the Smuggling Protocol "stipulates that migrants not be liable to criminal
    # prosecution for having been smuggled"
    "entitlement-smuggling-protocol-art-5-non-penalisation": (
        "NonPenalisationEntitlement", None, None, None, {"Smuggling Protocol, Art. 5"}, {"smuggled-migrant"}),
    # 002 Legal framework, fn 33: states must "afford migrants appropriate protection against violence, and ...
    # assist those whose lives or safety have been endangered by reason of having been smuggled"
    "entitlement-smuggling-protocol-art-16-protection-assistance": (
        "AssistanceEntitlement", None, None, None, {"Smuggling Protocol, Art. 16"}, {"smuggled-migrant"}),
    # 002 Legal framework, fn 29: the National Human Rights Plan 2018-2021 aims "to ensure that asylum seekers
    # are granted emergency health care"
    "entitlement-nhrp-emergency-health-asylum-seekers": (
        "HealthEntitlement", None, None, None, {"National Human Rights Plan 2018-2021"}, {"asylum-seeker"}),
    # 004 5.1: "In accordance with the Migration Act, asylum seekers and refugees do not require a visa nor a
    # migratory status for their admission into and residence in the country"
    "entitlement-ld-1350-residence-asylum-seekers-refugees": (
        "ResidenceEntitlement", None, None, None, {"Legislative Decree 1350"}, {"asylum-seeker"}),
    # both are migrants (skos:broader): what the sources give every migrant applies to both
    **to_all_migrants("smuggled-migrant", "asylum-seeker"),
}


def test_smuggled_and_asylum_seeker_entitlements(ask):
    result = ask("smuggled-migrant", "asylum-seeker")
    assert entitlements(result) == SMUGGLED_ASYLUM_ENTITLEMENTS
    by_name = {local(e["entitlement"]): e for e in result["statuses"]["entitlements"]}
    assert "Blouin & Button 2018, footnote 35" in by_name["entitlement-ds-001-2016-in-assistance-smuggled-migrants"][
        "sources"]
    assert "IOM MGI Peru 2019, 5.1 Mobility dimensions of crises: well-developed areas" in by_name[
        "entitlement-ld-1350-residence-asylum-seekers-refugees"]["sources"]
    # the broader category through which an entitlement applies, with its label, in the order given
    assert [(local(b["category"]), local(b["via"]), b["viaLabel"])
            for b in by_name["entitlement-ld-1350-health-migrants"]["beneficiaries"]] == [
        ("smuggled-migrant", "migrant", "migrant"), ("asylum-seeker", "migrant", "migrant")]
    assert by_name["entitlement-ds-001-2016-in-assistance-smuggled-migrants"]["beneficiaries"][0]["via"] is None
    # named for a category before reached through a broader one
    order = [local(e["entitlement"]) for e in result["statuses"]["entitlements"]]
    assert order.index("entitlement-smuggling-protocol-art-5-non-penalisation") < order.index(
        "entitlement-ld-1350-health-migrants") < order.index("entitlement-nhrp-emergency-health-asylum-seekers")
    # the sources name no entitlement for both categories themselves: no overlap (what both hold as migrants
    # every migrant holds alike)
    assert result["statuses"]["entitlementOverlaps"] == []


def test_trafficking_and_irregular_migrant_entitlements(ask):
    result = ask("victim-of-trafficking", "irregular-migrant")
    law_and_regulation = {"Law 28950", "DS 001-2016-IN"}
    assert entitlements(result) == {
        # 002 Legal framework: Law 28950 "and its administrative regulation also establish that the state will
        # provide victims with safe repatriation and various other services such as temporary accommodation,
        # and medical, psychological, social and legal assistance"
        "entitlement-law-28950-repatriation-victims-tip": (
            "RepatriationEntitlement", None, None, "state", law_and_regulation, {"victim-of-trafficking"}),
        "entitlement-law-28950-accommodation-victims-tip": (
            "AccommodationEntitlement", None, None, "state", law_and_regulation, {"victim-of-trafficking"}),
        "entitlement-law-28950-assistance-victims-tip": (
            "AssistanceEntitlement", None, None, "state", law_and_regulation, {"victim-of-trafficking"}),
        # 002 Legal framework, fn 30: the National Plan (2017-2021) "sets forth measures to guarantee care for
        # victims of trafficking"
        "entitlement-national-plan-tip-care-victims": (
            "AssistanceEntitlement", None, None, None, {"National Plan against Trafficking in Persons 2017-2021"},
            {"victim-of-trafficking"}),
        # 002 Legal framework, fn 31: the National Policy's guidelines "require that the state strengthen the
        # comprehensive care and protection of national and foreign trafficked persons"
        "entitlement-national-policy-tip-care-foreign-victims": (
            "AssistanceEntitlement", None, None, "state",
            {"National Policy against Trafficking in Persons and its Forms of Exploitation"},
            {"victim-of-trafficking"}),
        # irregular migrants: no source names an entitlement for the category itself (002 Fragmentation: foreign
        # victims "treated as irregular migrants" are excluded "from health, education and most other
        # governmental services"); both are migrants (the victim through migrant in a vulnerable situation),
        # so what the sources give every migrant applies to both, on paper
        **to_all_migrants("victim-of-trafficking", "irregular-migrant"),
    }
    assert result["statuses"]["entitlementOverlaps"] == []


def test_entitlements_overlap_where_categories_share_one(ask):
    # 004 5.1: the residence entitlement of the Migration Act names asylum seekers and refugees together;
    # 002 Legal framework, fn 29: the NHRP gives refugees integration programmes and asylum seekers emergency
    # health care; fn 28: Law 27891 Art. 3, assistance programmes for refugees' integration (CEPR)
    result = ask("asylum-seeker", "refugee")
    overlaps = result["statuses"]["entitlementOverlaps"]
    assert {local(o["entitlement"]) for o in overlaps if "entitlement" in o} == {
        "entitlement-ld-1350-residence-asylum-seekers-refugees"}
    found = entitlements(result)
    assert found["entitlement-law-27891-integration-refugees"][3] == "cepr"
    assert found["entitlement-ld-1350-residence-asylum-seekers-refugees"][5] == {"asylum-seeker", "refugee"}


def test_entitlements_operative_and_equal_terms_where_the_source_says(ask):
    # 004 4.1: "vacancies have been opened for initial and primary education for Venezuelans in Metropolitan Lima"
    assert entitlements(ask("venezuelan-migrant"))["entitlement-minedu-school-places-venezuelans"][:4] == (
        "EducationEntitlement", True, None, "minedu")
    # 004 1.2: LD 1350 "guarantees the fundamental rights of migrants (such as access to healthcare, education and
    # work) under equal conditions to citizens"; 002 Legal framework adds justice mechanisms (no equal terms stated)
    found = entitlements(ask("migrant"))
    assert found["entitlement-ld-1350-health-migrants"][:3] == ("HealthEntitlement", None, True)
    assert found["entitlement-ld-1350-justice-migrants"][:3] == ("AccessToJusticeEntitlement", None, None)


def test_entitlements_in_spanish(ask):
    result = ask("victim-of-trafficking", "irregular-migrant", lang="es")
    labels = {local(e["entitlement"]): (e["entitlementLabel"], e["entitlementTypeLabel"])
              for e in result["statuses"]["entitlements"]}
    assert labels["entitlement-law-28950-repatriation-victims-tip"] == (
        "Repatriación segura para las víctimas de trata (Ley 28950 y su reglamento)", "repatriación segura")
    assert entitlements(result) == entitlements(ask("victim-of-trafficking", "irregular-migrant")) | {
        # the policy's basis has no identifier: it is named by its label, in Spanish
        "entitlement-national-policy-tip-care-foreign-victims": (
            "AssistanceEntitlement", None, None, "state",
            {"Política Nacional frente a la Trata de Personas y sus Formas de Explotación"}, {"victim-of-trafficking"}),
        "entitlement-national-plan-tip-care-victims": (
            "AssistanceEntitlement", None, None, None, {"Plan Nacional contra la Trata de Personas 2017-2021"},
            {"victim-of-trafficking"})}
    assert "Blouin y Button 2018, nota 49" in result["statuses"]["entitlements"][0]["sources"]


def test_entitlements_as_of_before_their_instruments(ask):
    # 002 Legal framework: LD 1350 dates from 2017 and the National Human Rights Plan from 2018 (fn 29), so at the
    # end of 2016 the asylum seeker has none of the two; the smuggled migrant keeps the assistance of Law 28950
    # (2007) and the Smuggling Protocol's articles (no date recorded: kept); both keep what every migrant has
    # from the Constitution (1993, 004 1.2) and the General Health Law (004 1.2; no date recorded: kept), and
    # lose what LD 1350 gives every migrant
    before_1350 = {k for k, v in to_all_migrants().items() if v[4] != {"Legislative Decree 1350"}}
    before = ask("smuggled-migrant", "asylum-seeker", as_of="2016-12-31")
    assert set(entitlements(before)) == {k for k, v in SMUGGLED_ASYLUM_ENTITLEMENTS.items()
                                         if v[5] == {"smuggled-migrant"}} | before_1350
    # before Law 28950 (2007) and its regulation DS 001-2016-IN, no assistance under them
    assert set(entitlements(ask("victim-of-trafficking", as_of="2006-12-31"))) == {
        "entitlement-national-plan-tip-care-victims"} | before_1350  # the plan has no adoption date recorded: kept
    assert "entitlement-ds-001-2016-in-assistance-smuggled-migrants" not in entitlements(
        ask("smuggled-migrant", as_of="2006-12-31"))


def test_entitlements_on_the_pages(migkg_cli):
    md = migkg_cli("navigate", "victim-of-trafficking", "irregular-migrant", "--format", "md", "--lang", "es")
    assert md.returncode == 0, md.stderr
    assert "### Derechos (lo que otorgan)" in md.stdout
    assert "- Repatriación segura para las víctimas de trata (Ley 28950 y su reglamento) — repatriación segura; " \
           "operatividad: no indicada; a cargo de: Estado peruano (Gobierno del Perú); base legal: DS 001-2016-IN; " \
           "Law 28950 — para: víctima de trata de personas" in md.stdout
    text = migkg_cli("navigate", "asylum-seeker", "refugee")
    assert text.returncode == 0, text.stderr
    assert "Entitlements (what they give)" in text.stdout
    assert "eligibility overlaps: the same entitlement: Admission and residence without a visa" in text.stdout
    data = json.loads(migkg_cli("navigate", "smuggled-migrant", "--format", "json").stdout)
    assert {local(e["entitlement"]) for e in data["statuses"]["entitlements"]} == {
        k for k, v in SMUGGLED_ASYLUM_ENTITLEMENTS.items()
        if v[5] & {"smuggled-migrant", "smuggled-migrant via migrant"}}
    via = {local(e["entitlement"]): [(local(b["category"]), local(b["via"])) for b in e["beneficiaries"]]
           for e in data["statuses"]["entitlements"]}
    assert via["entitlement-ld-1350-work-migrants"] == [("smuggled-migrant", "migrant")]
    assert via["entitlement-smuggling-protocol-art-5-non-penalisation"] == [("smuggled-migrant", None)]
    # the broader category on the pages, as for the mechanisms
    assert "- Access to work for migrants (Legislative Decree 1350) — work; operative: not stated; on equal terms " \
           "with nationals; legal basis: Legislative Decree 1350 — for: smuggled migrant (via migrant)" in migkg_cli(
               "navigate", "smuggled-migrant", "--format", "md").stdout
    assert "— para: víctima de trata de personas (vía migrante), migrante en situación irregular (vía migrante)" \
        in md.stdout
    assert "for: smuggled migrant (via migrant), asylum seeker (via migrant)" in migkg_cli(
        "navigate", "smuggled-migrant", "asylum-seeker").stdout


# --- asOf ----------------------------------------------------------------------------------

def test_before_legislative_decree_1350_the_visas_and_the_mandates_on_them_are_gone(ask):
    # 002 Legal framework: LD 1350 (2017) and its regulation DS 007-2017-IN created the humanitarian
    # and the special visas; the refugee status rests on Law 27891 (2002)
    before = ask("smuggled-migrant", "asylum-seeker", as_of="2016-12-31")
    assert statuses(before) == {"refugee-status": (None, None, None, {"asylum-seeker"})}
    expected = {cat: {m for m in ms if m[1] != "RegularisationFunction"}
                for cat, ms in SMUGGLED_ASYLUM_MANDATES.items()}
    assert mandates(before) == expected
    after = ask("smuggled-migrant", "asylum-seeker", as_of="2017-06-30")
    assert set(statuses(after)) == {"humanitarian-visa", "special-visa", "refugee-status"}
    # 002 fn 24 / fn 54: the MIGRACIONES directive (RS 0000357-2017-MIGRACIONES) dates from 28 December
    # 2017; in mid-2017 the special-visa mandate rests on DS 007-2017-IN alone
    mid = {local(m["institution"]): [b["legalBasisId"] for b in m["legalBases"]]
           for m in after["categories"][0]["mandates"] if local(m["function"]) == "RegularisationFunction"}
    assert mid["migraciones"] == ["DS 007-2017-IN, Art. 230.1 and 230.2"]
    # 002 fn 26: the first PTP window (DS 002-2017-IN, published 3 January 2017)
    assert statuses(ask("venezuelan-migrant", as_of="2016-12-31")) == {}
    assert set(statuses(ask("venezuelan-migrant", as_of="2017-01-03"))) == {"ptp-venezuelans"}
    # 002 fn 49: the CMNP TP-TIM was created by DS 001-2016-IN
    assert ("victim-of-trafficking", "cmnp-tp-tim") not in mechanisms(ask("victim-of-trafficking", as_of="2015-12-31"))


# --- Spanish ---------------------------------------------------------------------------------

def test_spanish_labels_and_sources(ask):
    result = ask("smuggled-migrant", "asylum-seeker", lang="es")
    assert [c["categoryLabel"] for c in result["categories"]] == ["migrante objeto de tráfico ilícito",
                                                                  "solicitante de refugio"]
    labels = {local(s["status"]): s["statusLabel"] for s in result["statuses"]["statuses"]}
    assert labels["humanitarian-visa"] == "Calidad migratoria humanitaria"
    assert {k["statusLabel"] for k in result["coordination"]["links"]} == {"inexistente", "parcial", "poco claro"}
    assert "Blouin y Button 2018, nota 37" in result["problems"]["situations"][0]["sources"]
    # the same facts as in English
    assert statuses(result) == statuses(ask("smuggled-migrant", "asylum-seeker"))
    assert links(result) == links(ask("smuggled-migrant", "asylum-seeker"))


# --- resolving what the user types ------------------------------------------------------------

@pytest.mark.parametrize("typed", ["smuggled-migrant", CAT + "smuggled-migrant", "Smuggled migrant",
                                   "migrante objeto de tráfico ilícito", "MIGRANTE OBJETO DE TRAFICO", "smugg",
                                   "victim of smuggling"])
def test_a_category_by_local_name_iri_label_or_prefix(typed):
    chosen, notes = navigate.resolve([typed], navigate.known_categories())
    assert [c.iri for c in chosen] == [CAT + "smuggled-migrant"] and notes == []


def test_unknown_ambiguous_repeated_and_broader_categories():
    known = navigate.known_categories()
    with pytest.raises(InputError, match=r"smugled: unknown category; closest: smuggled-migrant"):
        navigate.resolve(["smugled"], known)
    with pytest.raises(InputError, match="ambiguous"):
        navigate.resolve(["víctima de trata"], known)
    chosen, notes = navigate.resolve(["refugee", "refugiado", "migrant"], known)
    assert [local(c.iri) for c in chosen] == ["refugee", "migrant"]
    assert notes == ["refugee: given twice, answered once", "refugee is narrower than migrant: both answered"]
    _, notas = navigate.resolve(["refugee", "refugiado", "migrant"], known, "es")
    assert notas == ["refugee: indicada dos veces, respondida una vez",
                     "refugee es más específica que migrant: se responden ambas"]


# --- the command ------------------------------------------------------------------------------

def test_command_bad_input_is_one_line_and_exit_2(migkg_cli):
    unknown = migkg_cli("navigate", "smugled", "asylum-seeker")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.strip().splitlines() == ["migkg: smugled: unknown category; closest: smuggled-migrant, "
                                                   + unknown.stderr.split("smuggled-migrant, ", 1)[1].strip()]
    bad_date = migkg_cli("navigate", "refugee", "--asOf", "last year")
    assert bad_date.returncode == 2 and len(bad_date.stderr.strip().splitlines()) == 1
    assert "asOf is not a date" in bad_date.stderr


def test_command_json_md_and_text(migkg_cli):
    out = migkg_cli("navigate", "smuggled-migrant", "asylum-seeker", "asylum-seeker", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"request", "categories", "statuses", "coordination", "problems"}
    assert data["request"]["notes"] == ["asylum-seeker: given twice, answered once"]
    assert data["categories"][0]["category"] == CAT + "smuggled-migrant"
    assert data["categories"][0]["categoryLabel"] == "smuggled migrant"
    md = migkg_cli("navigate", "victim-of-trafficking", "irregular-migrant", "--format", "md", "--lang", "es")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# víctima de trata de personas + migrante en situación irregular")
    assert "## 4. Lo que se sabe que falla" in md.stdout
    assert "- Víctimas de trata extranjeras tratadas como migrantes en situación irregular (misma combinación)" \
        in md.stdout
    assert "_(fuentes: " in md.stdout
    text = migkg_cli("navigate", "smuggled-migrant", "asylum-seeker", "--asOf", "2016-12-31")
    assert text.returncode == 0, text.stderr
    assert "2. Statuses, visas and permits" in text.stdout and "Refugee status" in text.stdout
    assert "Humanitarian migration status" not in text.stdout
    assert "[sources: Blouin & Button 2018" in text.stdout


# --- the same answers through `migkg query`, on both engines ----------------------------------

PAIR = ("smuggled-migrant", "asylum-seeker")
EXPECTED_BY_QUERY = {
    # query: (key column, expected local names for smuggled migrant + asylum seeker)
    "navigate-mandates": ("mandate", {"mandate-mre-asylum-seeker-status-determination",
                                      "mandate-cepr-asylum-seeker-status-determination",
                                      "mandate-mre-vulnerable-migrant-regularisation",
                                      "mandate-migraciones-vulnerable-migrant-regularisation",
                                      "mandate-mininter-smuggled-migrant-policy",
                                      "mandate-dgsd-trafficking-smuggling-policy",
                                      "mandate-dgsd-trafficking-smuggling-coordination",
                                      "mandate-mre-foreign-service-missions-trafficking-smuggling-prevention"}),
    "navigate-statuses": ("status", {"humanitarian-visa", "special-visa", "refugee-status"}),
    "navigate-entitlements": ("entitlement", set(SMUGGLED_ASYLUM_ENTITLEMENTS)),
    "navigate-links": ("link", {"info-exchange-mtigm-cmnp-tp-tim",
                                "referral-mre-to-mininter-asylum-seeker-victim-of-trafficking",
                                "referral-mininter-to-cepr-victim-of-trafficking-asylum-seeker",
                                "coordination-mre-migraciones-asylum",
                                "referral-public-prosecutor-to-state-assistance-smuggled-migrant"}),
    "navigate-mechanisms": ("mechanism", {"mtigm", "cmnp-tp-tim"}),
    "navigate-exclusions": ("exclusion", set()),
    "navigate-overlap-situations": ("situation", {"overlap-smuggled-migrants-asylum-seekers-jorge-chavez-airport"}),
    "navigate-gaps": ("item", None),  # the 14 gaps of test_smuggled_and_asylum_seeker_known_problems
    "navigate-mgi-findings": ("item", {"mgi-2019-finding-5-1-asylum-humanitarian-visa"}),
}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("name", sorted(EXPECTED_BY_QUERY))
def test_each_part_through_migkg_query(migkg_cli, ask, name, engine):
    column, expected = EXPECTED_BY_QUERY[name]
    if expected is None:
        expected = items(ask(*PAIR), "gaps")
    out = migkg_cli("query", name, "-p", f"category={CAT}{PAIR[0]}", "-p", f"category={CAT}{PAIR[1]}",
                    "--engine", engine, "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["results"]["bindings"]
    assert {local(r[column]["value"]) for r in rows if column in r} == expected
    if name == "navigate-statuses":  # and the same operative state
        operative = {local(r["status"]["value"]): r.get("operative", {}).get("value") for r in rows}
        assert operative == {"humanitarian-visa": "false", "special-visa": "true", "refugee-status": None}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_statuses_query_as_of_on_both_engines(migkg_cli, engine):
    out = migkg_cli("query", "navigate-statuses", "-p", f"category={CAT}{PAIR[0]}", "-p", f"category={CAT}{PAIR[1]}",
                    "-p", "asOf=2016-12-31", "--engine", engine, "--format", "json")
    assert out.returncode == 0, out.stderr
    assert {local(r["status"]["value"]) for r in json.loads(out.stdout)["results"]["bindings"]} == {"refugee-status"}

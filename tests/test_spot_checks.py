"""Spot checks: specific facts read from the five sources (written from the documents, not
from the data), each asked of the graph as a SPARQL ASK. A failing check is either a fact
the data lost or a fact encoded differently from what the source says."""

from __future__ import annotations

import pytest

PREFIXES = """
PREFIX mkg: <https://w3id.org/migkg/ontology#>
PREFIX pe: <https://w3id.org/migkg/id/pe/>
PREFIX int: <https://w3id.org/migkg/id/int/>
PREFIX cat: <https://w3id.org/migkg/id/category/>
PREFIX place: <https://w3id.org/migkg/id/place/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

# (source, fact, ASK body)
FACTS = [
    # --- Blouin & Button 2018 (002) ---
    ("002 legal framework", "LD 1350 establishes the humanitarian migration visa, issued by the MRE",
     "pe:ld-1350 mkg:establishes pe:humanitarian-visa . pe:humanitarian-visa mkg:grantingInstitution pe:mre ."),
    ("002 legal framework", "the humanitarian visa is not operative, pending its implementing regulation",
     "pe:humanitarian-visa mkg:operative false ; mkg:lifeCycleState mkg:PendingImplementingRegulationState ."),
    ("002 legal framework", "LD 1350 also establishes the special migration visa, authorised by MIGRACIONES",
     "pe:ld-1350 mkg:establishes pe:special-visa . pe:special-visa mkg:grantingInstitution pe:migraciones ."),
    ("002 legal framework",
     "the groups covered by the humanitarian and the special visa overlap (victims of trafficking, smuggled migrants)",
     "pe:humanitarian-visa mkg:eligibleCategory cat:victim-of-trafficking , cat:smuggled-migrant . "
     "pe:special-visa mkg:eligibleCategory cat:victim-of-trafficking , cat:smuggled-migrant ."),
    ("002 fn 22", "the humanitarian visa rests on Art. 29.2(k) of LD 1350",
     "{ pe:humanitarian-visa mkg:legalBasis pe:ld-1350-art-29-2-k } UNION { pe:ld-1350-art-29-2-k mkg:establishes "
     "pe:humanitarian-visa } "
     "pe:ld-1350-art-29-2-k eli:is_part_of pe:ld-1350 ."),
    ("002 fn 20, 21", "DS 007-2017-IN regulates LD 1350 and its Art. 227 defines vulnerable migrants",
     "pe:ds-007-2017-in mkg:regulates pe:ld-1350 . pe:ds-007-2017-in-art-227 mkg:definesCategory "
     "cat:vulnerable-migrant ; eli:is_part_of pe:ds-007-2017-in ."),
    ("002 fn 26", "three PTP windows for Venezuelans, opened by DS 002-2017-IN, DS 023-2017-IN and DS 001-2018-IN",
     "?w1 mkg:windowOf pe:ptp-venezuelans ; mkg:windowNumber 1 ; mkg:legalBasis pe:ds-002-2017-in . "
     "?w2 mkg:windowOf pe:ptp-venezuelans ; mkg:windowNumber 2 ; mkg:legalBasis pe:ds-023-2017-in . "
     "?w3 mkg:windowOf pe:ptp-venezuelans ; mkg:windowNumber 3 ; mkg:legalBasis pe:ds-001-2018-in ."),
    ("002 fn 26", "DS 002-2017-IN was published on 3 January 2017 and DS 023-2017-IN on 29 July 2017",
     'pe:ds-002-2017-in eli:date_publication "2017-01-03"^^xsd:date . pe:ds-023-2017-in eli:date_publication '
     '"2017-07-29"^^xsd:date .'),
    ("002 legal framework", "the third PTP window covers Venezuelans who entered through 31 December 2018",
     '?w mkg:windowOf pe:ptp-venezuelans ; mkg:windowNumber 3 ; mkg:entryDeadline "2018-12-31"^^xsd:date .'),
    ("002 legal framework", "the PTP does not grant residency and targets Venezuelans",
     "pe:ptp-venezuelans mkg:grantsResidence false ; mkg:targetNationality place:venezuela ."),
    ("002 fn 28", "the Refugee Law 27891 is dated 20 December 2002",
     'pe:law-27891 mkg:adoptionDate "2002-12-20"^^xsd:date .'),
    ("002 fn 54",
     "RS 0000357-2017-MIGRACIONES of 28 December 2017 approves the directive on victims of trafficking and smuggling",
     'pe:rs-0000357-2017-migraciones mkg:adoptionDate "2017-12-28"^^xsd:date ; mkg:approves '
     'pe:directive-victims-tip-som .'),
    ("002 lack of regulations", "the MIGRACIONES guidelines on special-visa access have not been published",
     "{ pe:directive-victims-tip-som mkg:published false } UNION { pe:directive-victims-tip-som mkg:lifeCycleState "
     "mkg:AdoptedNotPublishedState }"),
    ("002 fn 49",
     "DS 001-2016-IN regulates Law 28950 and creates the multisectoral commission against trafficking and smuggling",
     "pe:ds-001-2016-in mkg:regulates pe:law-28950 ; mkg:establishes pe:cmnp-tp-tim ."),
    ("002 fn 48", "DS 067-2011-PCM creates the Inter-Sectoral Working Group for Migration Management",
     "pe:ds-067-2011-pcm mkg:establishes pe:mtigm ."),
    ("002 legal framework",
     "the national policy against trafficking has no monitoring indicators; the national plan has",
     "pe:national-policy-tip mkg:hasMonitoringIndicators false . pe:national-plan-tip-2017-2021 "
     "mkg:hasMonitoringIndicators true ."),
    ("002 fn 30, 31, 29",
     "DS 017-2017-IN, DS 001-2015-JUS and DS 002-2018-JUS approve the TIP plan, the TIP policy and the human rights "
     "plan",
     "pe:ds-017-2017-in mkg:approves pe:national-plan-tip-2017-2021 . pe:ds-001-2015-jus mkg:approves "
     "pe:national-policy-tip . "
     "pe:ds-002-2018-jus mkg:approves pe:national-human-rights-plan-2018-2021 ."),
    ("002 fn 51", "the MININTER sectoral protocol on migrant smuggling was still being drafted",
     "pe:sectoral-protocol-som mkg:lifeCycleState mkg:DraftState ."),
    ("002 overlapping categories",
     "smuggled migrants and asylum seekers overlap at Jorge Chávez airport; the state applied the less protective "
     "category",
     "?o a mkg:OverlapSituation ; mkg:overlappingCategory cat:smuggled-migrant , cat:asylum-seeker ; "
     "mkg:appliedCategory cat:smuggled-migrant ; mkg:lessProtectiveCategoryApplied true ; mkg:place "
     "place:jorge-chavez-airport ."),
    ("002 fn 39", "21 asylum seekers were detained at the airport from 2015",
     '?o a mkg:OverlapSituation ; mkg:overlappingCategory cat:asylum-seeker ; mkg:numberOfPersons 21 ; mkg:startDate '
     '"2015"^^xsd:gYear .'),
    ("002 introduction", "foreign victims of trafficking are treated as irregular migrants",
     "?o a mkg:OverlapSituation ; mkg:overlappingCategory cat:irregular-migrant ; mkg:appliedCategory "
     "cat:irregular-migrant . "
     "{ ?o mkg:overlappingCategory cat:foreign-victim-of-trafficking } UNION { ?o mkg:overlappingCategory "
     "cat:victim-of-trafficking }"),
    ("002 fn 5", "the National Police registered 1,846 trafficked persons in RETA in 2016",
     "?s a mkg:StatisticalObservation ; mkg:value ?v ; mkg:fromRegistry pe:sistema-reta . FILTER(?v = 1846)"),
    ("002 fn 3", "103,000 Venezuelans crossed the border in Tumbes between January and September 2017",
     "?s a mkg:StatisticalObservation ; mkg:value ?v ; mkg:place place:tumbes . FILTER(?v = 103000)"),
    ("002 fn 42, 43",
     "ten foreign trafficked persons in RETA in the first half of 2017; MIGRACIONES dealt with four cases in 2017",
     "?a a mkg:StatisticalObservation ; mkg:value ?v1 ; mkg:fromRegistry pe:sistema-reta . FILTER(?v1 = 10) "
     "?b a mkg:StatisticalObservation ; mkg:value ?v2 ; mkg:reportedBy pe:migraciones . FILTER(?v2 = 4)"),
    ("002 fn 5", "RETA is kept by the National Police and is not disaggregated by nationality",
     'pe:sistema-reta mkg:maintainedBy pe:pnp ; mkg:notDisaggregatedBy ?n . FILTER(CONTAINS(LCASE(STR(?n)), '
     '"nationality"))'),
    ("002 fn 43", "trafficking registrations by different agencies are not cross-linked",
     "?l a mkg:RegistryCrossLink ; mkg:linkStatus mkg:LinkAbsent . { ?l mkg:linkFrom pe:sistema-reta } UNION { ?l "
     "mkg:linkTo pe:sistema-reta }"),
    ("002 fn 46", "the MRE is in charge of asylum claims under DS 135-2010-RE, Art. 99",
     "?m a mkg:Mandate ; mkg:mandatedInstitution pe:mre ; mkg:mandateCategory cat:asylum-seeker ; "
     "mkg:mandateFunction mkg:StatusDeterminationFunction ; mkg:legalBasis pe:ds-135-2010-re-art-99 ."),
    ("002 fragmentation", "the Ministry of the Interior deals with trafficking and smuggling",
     "?m1 a mkg:Mandate ; mkg:mandatedInstitution ?i1 ; mkg:mandateCategory cat:victim-of-trafficking . "
     "?m2 a mkg:Mandate ; mkg:mandatedInstitution ?i2 ; mkg:mandateCategory cat:smuggled-migrant . "
     "FILTER(?i1 IN (pe:mininter, pe:dgsd) && ?i2 IN (pe:mininter, pe:dgsd))"),
    ("002 fragmentation", "MIGRACIONES is excluded from the victim assistance framework",
     "?e a mkg:Exclusion ; mkg:excludedInstitution pe:migraciones ; mkg:excludedFrom "
     "pe:victim-assistance-framework-tip ."),
    ("002 fragmentation", "the two coordination mechanisms have no procedure to exchange information",
     "?x a mkg:InformationExchange ; mkg:linkStatus mkg:LinkAbsent . "
     "{ ?x mkg:linkFrom pe:mtigm ; mkg:linkTo pe:cmnp-tp-tim } UNION { ?x mkg:linkFrom pe:cmnp-tp-tim ; mkg:linkTo "
     "pe:mtigm }"),
    ("002 fragmentation", "neither mechanism deals with asylum",
     "pe:mtigm mkg:outOfScopeCategory cat:asylum-seeker . pe:cmnp-tp-tim mkg:outOfScopeCategory cat:asylum-seeker ."),
    ("002 fragmentation", "the MRE does not refer asylum seekers who may be trafficked to the Ministry of the Interior",
     "?r a mkg:ReferralPathway ; mkg:linkFrom pe:mre ; mkg:linkStatus mkg:LinkAbsent ; mkg:referredCategory "
     "cat:victim-of-trafficking ."),
    ("002 fragmentation", "the Ministry of the Interior does not refer victims with a refugee claim",
     "?r a mkg:ReferralPathway ; mkg:linkStatus mkg:LinkAbsent ; mkg:handledAsCategory cat:victim-of-trafficking . "
     "?r mkg:linkFrom ?from . FILTER(?from IN (pe:mininter, pe:dgsd))"),
    ("002 fn 49", "IDEHPUCP is a guest member of the commission against trafficking and smuggling",
     "?m a org:Membership ; org:organization pe:cmnp-tp-tim ; org:member pe:idehpucp ; org:role mkg:GuestMemberRole ."),
    ("002 fragmentation, fn 47", "the Vulnerability Office was created by MIGRACIONES in 2016",
     'pe:migraciones-vulnerability-office org:unitOf pe:migraciones ; mkg:startDate "2016"^^xsd:gYear .'),
    ("002 legal framework", "Peru is party to the 1967 Protocol and to the Smuggling Protocol",
     "?r1 mkg:ratifyingCountry place:peru ; mkg:ratifiedInstrument int:refugee-protocol-1967 . "
     "?r2 mkg:ratifyingCountry place:peru ; mkg:ratifiedInstrument int:smuggling-protocol ."),
    ("002 legal framework", "there is no national plan for refugees nor one on migrant smuggling",
     "?g1 a mkg:DocumentedGap ; mkg:gapKind mkg:MissingNationalPlanGap ; mkg:concernsCategory cat:refugee . "
     "?g2 a mkg:DocumentedGap ; mkg:gapKind mkg:MissingNationalPlanGap ; mkg:concernsCategory cat:smuggled-migrant ."),
    # --- IOM MGI Peru 2019 (004) ---
    ("004 Table 1", "Peru ratified the 1951 Refugee Convention in 1964",
     '?r mkg:ratifyingCountry place:peru ; mkg:ratifiedInstrument int:refugee-convention-1951 ; '
     'mkg:ratificationStatus mkg:Ratified ; mkg:ratificationYear "1964"^^xsd:gYear .'),
    ("004 Table 1", "CRC ratified 1990, ICRMW 2005, statelessness conventions 2014",
     '?a mkg:ratifiedInstrument int:crc ; mkg:ratificationYear "1990"^^xsd:gYear . '
     '?b mkg:ratifiedInstrument int:icrmw ; mkg:ratificationYear "2005"^^xsd:gYear . '
     '?c mkg:ratifiedInstrument int:statelessness-convention-1954 ; mkg:ratificationYear "2014"^^xsd:gYear . '
     '?d mkg:ratifiedInstrument int:statelessness-convention-1961 ; mkg:ratificationYear "2014"^^xsd:gYear .'),
    ("004 Table 1", "ILO conventions 97 and 143 are not ratified",
     "?a mkg:ratifiedInstrument int:ilo-c97 ; mkg:ratificationStatus mkg:NotRatified . "
     "?b mkg:ratifiedInstrument int:ilo-c143 ; mkg:ratificationStatus mkg:NotRatified ."),
    ("004 2.1", "the MRE chairs the MTIGM, which has 22 public institutions and 3 observers",
     "?m a org:Membership ; org:organization pe:mtigm ; org:member pe:mre ; org:role mkg:ChairRole . "
     "pe:mtigm mkg:memberCount 22 ; mkg:observerCount 3 ."),
    ("004 2.1", "DS 015-2017-RE approves the National Migration Policy 2017-2025, implemented by the MRE",
     "pe:ds-015-2017-re mkg:approves pe:national-migration-policy-2017-2025 . pe:national-migration-policy-2017-2025 "
     "mkg:responsibleInstitution pe:mre ."),
    ("004 2.1", "MIGRACIONES is a technical body of the Ministry of the Interior",
     "pe:migraciones mkg:attachedTo pe:mininter ."),
    ("004 1.2", "social-security agreements with eight countries, among them the Republic of Korea",
     "?a a mkg:BilateralAgreement ; mkg:partnerCountry place:republic-of-korea ; mkg:agreementSubject "
     "mkg:SocialSecurityTheme ."),
    ("004 1.3", "Legislative Decree 689 of 1991 limits foreign workers and is a finding with potential for development",
     '{ pe:ld-689 mkg:adoptionDate "1991"^^xsd:gYear } '
     "?f a mkg:AssessmentFinding , mkg:DocumentedGap ; mkg:findingKind mkg:PotentialForDevelopment ; mkg:about "
     "pe:ld-689 ."),
    ("004 5.2", "PLANAGERD 2014-2021 does not address displacement",
     "pe:planagerd-2014-2021 a mkg:CrisisPlan ; mkg:addressesMigrants false ."),
    ("004 6.1", "Law 30525 amends Law 30001 on returning migrants",
     "pe:law-30525 eli:amends pe:law-30001 . pe:law-30001 mkg:definesCategory cat:returning-national ."),
    ("004 fn 9, 6.1", "the safe-conduct is issued by MIGRACIONES under Art. 23 of the Migration Act",
     "pe:safe-conduct mkg:grantingInstitution pe:migraciones ; mkg:legalBasis pe:ld-1350-art-23 ."),
    ("004 3.1", "Peru held the Pro Tempore presidency of the South American Conference on Migration in 2019",
     '?m a org:Membership ; org:organization int:csm ; org:role mkg:ChairRole ; mkg:startDate "2019"^^xsd:gYear .'),
    ("004 4.1", "the MRE manages 64 embassies and 117 consulates",
     "?a mkg:value ?v1 . FILTER(?v1 = 64) ?a a mkg:StatisticalObservation . ?b a mkg:StatisticalObservation ; "
     "mkg:value ?v2 . FILTER(?v2 = 117)"),
    ("004 4.1", "the Migrant Integration Working Group was formalised by RS 117-2018-Migraciones",
     "{ pe:rs-117-2018-migraciones mkg:establishes pe:migraciones-integration-working-group } UNION "
     "{ pe:migraciones-integration-working-group mkg:legalBasis pe:rs-117-2018-migraciones }"),
    # --- MIEUX case study Peru (000, 001) ---
    ("000 context",
     "the DGSD is a unit of the Ministry of the Interior and coordinates the commission against trafficking and "
     "smuggling",
     "pe:dgsd org:unitOf pe:mininter . ?m a org:Membership ; org:organization pe:cmnp-tp-tim ; org:member pe:dgsd ; "
     "org:role mkg:CoordinatorRole ."),
    ("000 action design",
     "the MIEUX Peru action used experts from Argentina and Spain and trained officials in Tacna and Tumbes",
     "int:mieux-action-peru-som-2017-2018 mkg:expertOrigin place:argentina , place:spain ; mkg:hasActivity ?a1 , ?a2 . "
     "?a1 mkg:place place:tacna . ?a2 mkg:place place:tumbes ."),
    ("000 fn 3", "the Inter-Sectoral Guidelines were approved by Supreme Decree 008-2018-IN",
     "pe:ds-008-2018-in mkg:approves pe:intersectoral-guidelines-som . int:mieux-action-peru-som-2017-2018 "
     "mkg:hasOutput ?o . "
     "{ ?o mkg:adoptedAs pe:intersectoral-guidelines-som } UNION { ?o mkg:adoptedAs pe:ds-008-2018-in }"),
    ("000 impact", "the Training Manual on Smuggling of Migrants was approved by the DGSD",
     "int:mieux-action-peru-som-2017-2018 mkg:hasOutput ?o . ?o mkg:approvedBy pe:dgsd ."),
    ("001 impact", "the guidelines keep their official Spanish title",
     'pe:intersectoral-guidelines-som rdfs:label ?l . FILTER(LANG(?l) = "es" && CONTAINS(?l, "Directrices '
     'Intersectoriales"))'),
    # --- MIEUX actions in Latin America (003) ---
    ("003 Argentina/Brazil",
     "the Argentina/Brazil THB action ran from November 2011 to March 2014 with Portuguese and Spanish experts",
     '?a a mkg:CapacityBuildingAction ; mkg:startDate "2011-11"^^xsd:gYearMonth ; mkg:endDate '
     '"2014-03"^^xsd:gYearMonth ; '
     "mkg:expertOrigin place:portugal , place:spain ; mkg:beneficiaryCountry place:argentina , place:brazil ."),
    ("003 Peru THB",
     "the Peru THB action started in April 2013, was ongoing, with Argentinean, Brazilian, Portuguese and Spanish "
     "experts",
     'int:mieux-action-peru-thb-2013 mkg:startDate "2013-04"^^xsd:gYearMonth ; mkg:ongoingAtSourceDate true ; '
     "mkg:expertOrigin place:argentina , place:brazil , place:portugal , place:spain ; mkg:theme "
     "mkg:TraffickingTheme ."),
    ("003 SICA", "the SICA workshop took place on 10-14 May 2010",
     '?a a mkg:CapacityBuildingAction ; mkg:beneficiaryOrganisation int:sica ; mkg:startDate "2010-05-10"^^xsd:date '
     '; mkg:endDate "2010-05-14"^^xsd:date .'),
    ("003 Mexico", "the Mexico action on unaccompanied minors involves the Committee for Refugee Assistance",
     "?a a mkg:CapacityBuildingAction ; mkg:beneficiaryCountry place:mexico ; mkg:partnerInstitution int:mx-comar ; "
     "mkg:theme mkg:MinorsTheme ."),
    ("003 Paraguay I", "Paraguay I trained consular staff in Asunción in April 2012 with Dutch and Spanish experts",
     '?a a mkg:CapacityBuildingAction ; mkg:beneficiaryCountry place:paraguay ; mkg:expertOrigin place:netherlands , '
     'place:spain ; '
     'mkg:hasActivity ?act . ?act mkg:place place:asuncion ; mkg:startDate "2012-04"^^xsd:gYearMonth ; '
     'mkg:activityType mkg:Training .'),
    ("003 MERCOSUR", "the MERCOSUR action supported the Parliament of the MERCOSUR with Austrian experts",
     "?a a mkg:CapacityBuildingAction ; mkg:beneficiaryOrganisation int:mercosur ; mkg:partnerInstitution "
     "int:mercosur-parliament ; mkg:expertOrigin place:austria ."),
    ("004 3.1", "Peru is an observer at the Regional Conference on Migration (Puebla Process)",
     "?m a org:Membership ; org:organization int:puebla-process ; org:member pe:state ; org:role mkg:ObserverRole ."),
    ("004 3.1", "Peru has a bilateral agreement recognising driving licences with the Republic of Korea",
     "?a a mkg:BilateralAgreement ; mkg:partnerCountry place:republic-of-korea ; mkg:agreementSubject "
     "mkg:DrivingLicenceTheme ."),
    ("004 3.1", "the MRE created the Abroad Peruvian Communities Secretariat in 2005",
     '?u org:unitOf pe:mre ; mkg:startDate "2005"^^xsd:gYear ; mkg:formerName ?n . FILTER(CONTAINS(STR(?n), "Abroad '
     'Peruvian Communities Secretariat"))'),
    ("004 1.2", "Peru is party to the Ibero-American Multilateral Convention on Social Security",
     "?r a mkg:Ratification ; mkg:ratifyingCountry place:peru ; mkg:ratifiedInstrument ?c . ?c eli:id_local "
     "\"CMISS\" ."),
    ("004 5.2", "CENEPRED publishes no contingency plan for large-scale population movements (a gap)",
     "?f a mkg:AssessmentFinding , mkg:DocumentedGap ; mkg:inDomain mkg:MobilityCrisesDomain ; mkg:findingKind "
     "mkg:PotentialForDevelopment ; mkg:about pe:cenepred ; mkg:gapKind mkg:MissingNationalPlanGap ."),
    ("004 4.2", "Supreme Decree 08-2018-TR modified the regulations of the Law on Hiring Foreign Workers",
     "pe:ds-008-2018-tr eli:amends ?reg . ?reg mkg:regulates pe:ld-689 ."),
    ("003 Costa Rica", "the Costa Rica action produced the National Integration Plan",
     "?a a mkg:CapacityBuildingAction ; mkg:beneficiaryCountry place:costa-rica ; mkg:hasOutput ?o ; mkg:theme "
     "mkg:IntegrationTheme ."),
]


@pytest.mark.parametrize("source,fact,body", FACTS, ids=[f"{s} | {f}"[:90] for s, f, _ in FACTS])
def test_fact_from_the_sources(graph, source, fact, body):
    assert graph.query(PREFIXES + "ASK { " + body + " }").askAnswer, f"{source}: {fact}"


def test_every_latin_america_action_is_recorded(graph):
    # The MIEUX page (003) lists twelve actions.
    rows = graph.query(PREFIXES + """
        SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
            ?a a mkg:CapacityBuildingAction ; dcterms:source ?s .
            ?s dcterms:isPartOf <https://w3id.org/migkg/id/source/mieux-latin-america> .
        }""")
    assert int(next(iter(rows))[0]) >= 12


def test_at_least_forty_facts_checked():
    assert len(FACTS) >= 40

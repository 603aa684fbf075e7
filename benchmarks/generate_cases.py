"""Generate a synthetic, anonymised case register in the migkg vocabulary.

Each case is one anonymised person (mkg:PersonRecord) with one to three category
assignments over time (start, sometimes an end, assigning institution, legal basis) and a
case handled by one or two institutions, sometimes with a referral. Institutions and legal
bases are drawn from the project's data/ (MIGRACIONES, the MRE, the police, ...).

A known share of records is invalid on purpose, one defect each, so that validation can be
checked to find exactly them:
  - end-before-start: an assignment that ends before it starts
  - missing-category: an assignment without a category
  - bad-legal-basis: a legal basis that is an institution, not an instrument
  - ill-typed-date: a start date that is not a date ("2017-13-45")

Usage: python benchmarks/generate_cases.py N OUT.nt [--invalid-share 0.05] [--seed 7]
The output is deterministic for the same arguments (same bytes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

MKG = "https://w3id.org/migkg/ontology#"
CAT = "https://w3id.org/migkg/id/category/"
PE = "https://w3id.org/migkg/id/pe/"
CASES = "https://w3id.org/migkg/id/synthetic/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"

CATEGORIES = ["irregular-migrant", "smuggled-migrant", "victim-of-trafficking", "foreign-victim-of-trafficking",
              "asylum-seeker", "refugee", "vulnerable-migrant", "ptp-holder", "venezuelan-migrant"]
# Which institution assigns which category, and on which legal basis (from data/).
ASSIGNERS = {
    "irregular-migrant": ("migraciones", "ld-1350"),
    "smuggled-migrant": ("migraciones", "ds-007-2017-in"),
    "victim-of-trafficking": ("pnp", "law-28950"),
    "foreign-victim-of-trafficking": ("migraciones", "rs-0000357-2017-migraciones"),
    "asylum-seeker": ("cepr", "law-27891"),
    "refugee": ("cepr", "law-27891"),
    "vulnerable-migrant": ("migraciones", "ds-007-2017-in"),
    "ptp-holder": ("migraciones", "ds-001-2018-in"),
    "venezuelan-migrant": ("migraciones", "ld-1350"),
}
HANDLERS = ["migraciones", "mre", "cepr", "pnp", "mininter", "public-prosecutor", "ombudsman"]
DEFECTS = ["end-before-start", "missing-category", "bad-legal-basis", "ill-typed-date"]


def iri(value: str) -> str:
    return f"<{value}>"


def lit(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def generate(n: int, invalid_share: float = 0.05, seed: int = 7):
    """Yield N-Triples lines; return value via ``generate.defects`` is not used: see ``plan``."""
    rng = random.Random(seed)
    base = dt.date(2015, 1, 1)
    for i in range(n):
        person = f"{CASES}person-{i:07d}"
        defect = DEFECTS[i % len(DEFECTS)] if rng.random() < invalid_share else None
        yield f"{iri(person)} {iri(RDF_TYPE)} {iri(MKG + 'PersonRecord')} .\n"
        k = rng.randint(1, 3)
        categories = rng.sample(CATEGORIES, k)
        start = base + dt.timedelta(days=rng.randint(0, 1400))
        for j, category in enumerate(categories):
            a = f"{person}/assignment-{j}"
            assigner, basis = ASSIGNERS[category]
            yield f"{iri(a)} {iri(RDF_TYPE)} {iri(MKG + 'CategoryAssignment')} .\n"
            yield f"{iri(a)} {iri(MKG + 'holder')} {iri(person)} .\n"
            if not (defect == "missing-category" and j == 0):
                yield f"{iri(a)} {iri(MKG + 'category')} {iri(CAT + category)} .\n"
            s = start + dt.timedelta(days=rng.randint(0, 200) * j)
            if defect == "ill-typed-date" and j == 0:
                yield f"{iri(a)} {iri(MKG + 'startDate')} {lit('2017-13-45', 'date')} .\n"
            else:
                yield f"{iri(a)} {iri(MKG + 'startDate')} {lit(s.isoformat(), 'date')} .\n"
            if defect == "end-before-start" and j == 0:
                yield f"{iri(a)} {iri(MKG + 'endDate')} {lit((s - dt.timedelta(days=30)).isoformat(), 'date')} .\n"
            elif rng.random() < 0.4:
                end = (s + dt.timedelta(days=rng.randint(1, 400))).isoformat()
                yield f"{iri(a)} {iri(MKG + 'endDate')} {lit(end, 'date')} .\n"
            yield f"{iri(a)} {iri(MKG + 'assignedBy')} {iri(PE + assigner)} .\n"
            legal_basis = PE + ("migraciones" if defect == "bad-legal-basis" and j == 0 else basis)
            yield f"{iri(a)} {iri(MKG + 'legalBasis')} {iri(legal_basis)} .\n"
        case = f"{person}/case"
        yield f"{iri(case)} {iri(RDF_TYPE)} {iri(MKG + 'Case')} .\n"
        yield f"{iri(case)} {iri(MKG + 'concernsPerson')} {iri(person)} .\n"
        handlers = rng.sample(HANDLERS, rng.randint(1, 2))
        for h in handlers:
            yield f"{iri(case)} {iri(MKG + 'handledBy')} {iri(PE + h)} .\n"
        if len(handlers) == 2 and rng.random() < 0.3:
            r = f"{person}/referral"
            yield f"{iri(r)} {iri(RDF_TYPE)} {iri(MKG + 'Referral')} .\n"
            yield f"{iri(r)} {iri(MKG + 'referralOf')} {iri(case)} .\n"
            yield f"{iri(r)} {iri(MKG + 'referredFrom')} {iri(PE + handlers[0])} .\n"
            yield f"{iri(r)} {iri(MKG + 'referredTo')} {iri(PE + handlers[1])} .\n"


def defective_people(n: int, invalid_share: float = 0.05, seed: int = 7) -> dict[str, str]:
    """Which persons carry which defect (replays the generator's random choices)."""
    out = {}
    rng = random.Random(seed)
    for i in range(n):
        defect = DEFECTS[i % len(DEFECTS)] if rng.random() < invalid_share else None
        if defect:
            out[f"{CASES}person-{i:07d}"] = defect
        # Consume the same random numbers as generate() does for this person.
        k = rng.randint(1, 3)
        categories = rng.sample(CATEGORIES, k)
        rng.randint(0, 1400)
        for j, _ in enumerate(categories):
            rng.randint(0, 200)
            if defect == "end-before-start" and j == 0:
                pass
            elif rng.random() < 0.4:
                rng.randint(1, 400)
        handlers = rng.sample(HANDLERS, rng.randint(1, 2))
        if len(handlers) == 2:
            rng.random()
    return out


def write(n: int, out: Path, invalid_share: float = 0.05, seed: int = 7) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    tmp = out.with_suffix(out.suffix + ".part")
    with tmp.open("w", encoding="utf-8") as handle:
        for line in generate(n, invalid_share, seed):
            handle.write(line)
            count += 1
    tmp.replace(out)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--invalid-share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    triples = write(args.cases, args.out, args.invalid_share, args.seed)
    print(f"{args.cases} cases, {triples} triples -> {args.out}")


if __name__ == "__main__":
    main()

"""The crosswalk from migkg's migrant categories to the IOM Glossary on Migration, the EMN Asylum and
Migration Glossary and the UNHCR population types.

``mappings/categories.sssom.tsv`` (SSSOM: a YAML metadata block in ``#`` lines, then a TSV table) is the
source of truth. This module reads the subset of SSSOM that file uses, without the sssom library, and
writes its rows as SKOS mapping triples, with a label and the defining vocabulary of each glossary
term, into ``data/category-mappings.ttl``, which is committed and loaded with the rest of the data:

    python -m migkg.mappings            # write data/category-mappings.ttl from the TSV
    python -m migkg.mappings --check    # exit 1 when the committed file is not what the TSV gives
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from migkg import resources
from migkg.errors import InputError

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
# the four SKOS mapping predicates a row may use, in the order the Turtle lists them
MATCH_PREDICATES = ("skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch")
REQUIRED_COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
                    "mapping_justification")
HEADER = ("# generated from mappings/categories.sssom.tsv by python -m migkg.mappings; "
          "edit the TSV, not this file")
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_NO_COUNTERPART = re.compile(r"^(cat:[a-z0-9-]+): (.+)$")


def tsv_path() -> Path:
    return resources.resource_root() / "mappings" / "categories.sssom.tsv"


def turtle_path() -> Path:
    return resources.resource_root() / "data" / "category-mappings.ttl"


def minted_local_part(name: str) -> str:
    """The local part migkg mints for a glossary entry from its name: lower case, every run of other
    characters than a-z and 0-9 one hyphen ("refugee (mandate)" -> "refugee-mandate")."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass(frozen=True)
class MappingSet:
    metadata: dict
    rows: list[dict[str, str]]
    path: str = "mappings/categories.sssom.tsv"

    @property
    def curie_map(self) -> dict[str, str]:
        return dict(self.metadata.get("curie_map") or {})

    def expand(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        if prefix not in self.curie_map or not local:
            raise InputError(self.path, f"{curie!r} is not a CURIE of a prefix in the curie_map")
        return self.curie_map[prefix] + local

    def defined_by(self, curie: str) -> str:
        """The page of the vocabulary an object belongs to: its prefix's expansion without the '#'."""
        return self.curie_map[curie.partition(":")[0]].rstrip("#")

    def no_counterpart(self) -> dict[str, str]:
        """The categories the metadata's comment lists as having no counterpart, with the reasons."""
        found = (_NO_COUNTERPART.match(line.strip()) for line in str(self.metadata.get("comment", "")).splitlines())
        return {m.group(1): m.group(2) for m in found if m}


def read(path: Path | None = None) -> MappingSet:
    """The mapping set of an SSSOM TSV file (metadata block and rows), checked for what we rely on."""
    path = Path(path) if path is not None else tsv_path()
    lines = path.read_text(encoding="utf-8").splitlines()
    header = 0
    while header < len(lines) and lines[header].startswith("#"):
        header += 1
    try:
        metadata = yaml.safe_load("\n".join(line[1:] for line in lines[:header])) or {}
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"the metadata block is not YAML: {exc}") from None
    if header == len(lines):
        raise InputError(str(path), "no table after the metadata block")
    columns = lines[header].split("\t")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(str(path), f"missing columns: {', '.join(missing)}", header + 1)
    rows = []
    for number, line in enumerate(lines[header + 1:], start=header + 2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise InputError(str(path), f"{len(cells)} cells, {len(columns)} columns", number)
        row = dict(zip(columns, cells, strict=True))
        if row["predicate_id"] not in MATCH_PREDICATES:
            raise InputError(str(path), f"predicate {row['predicate_id']} is not one of {', '.join(MATCH_PREDICATES)}",
                             number)
        rows.append(row)
    mapping_set = MappingSet(metadata, rows, str(path))
    for row in rows:
        mapping_set.expand(row["subject_id"]), mapping_set.expand(row["object_id"])
    return mapping_set


def triples(mapping_set: MappingSet) -> list[tuple[str, str, str | tuple[str, str]]]:
    """(subject, predicate, object) as IRIs; a label object is (text, language)."""
    out = []
    labels: dict[str, str] = {}
    for row in mapping_set.rows:
        obj = mapping_set.expand(row["object_id"])
        predicate = SKOS + row["predicate_id"].partition(":")[2]
        out.append((mapping_set.expand(row["subject_id"]), predicate, obj))
        if labels.setdefault(row["object_id"], row["object_label"]) != row["object_label"]:
            raise InputError(mapping_set.path, f"{row['object_id']} has two labels")
    for curie, label in labels.items():
        obj = mapping_set.expand(curie)
        out += [(obj, RDFS + "label", (label, "en")), (obj, RDFS + "isDefinedBy", mapping_set.defined_by(curie))]
    return out


def _term(mapping_set: MappingSet, curie: str) -> str:
    local = curie.partition(":")[2]
    return curie if _LOCAL_NAME.match(local) else f"<{mapping_set.expand(curie)}>"


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"@en'


def turtle(mapping_set: MappingSet) -> str:
    """The Turtle text of the mapping set: one block per category, then one per glossary term."""
    order = {p: i for i, p in enumerate(MATCH_PREDICATES)}
    used = {c.partition(":")[0] for r in mapping_set.rows for c in (r["subject_id"], r["object_id"])}
    prefixes = {p: e for p, e in mapping_set.curie_map.items() if p in used} | {"rdfs": RDFS, "skos": SKOS}
    lines = [HEADER, "#",
             "# SKOS mapping triples from migkg's migrant categories to the IOM Glossary on Migration (2019), the",
             "# EMN Asylum and Migration Glossary and the UNHCR population types. The glossary entries' IRIs are",
             "# identifiers minted by migkg (the glossaries publish none); the UNHCR ones carry UNHCR's codes. Why",
             "# each match is exact, close, broad or narrow: the comment of its row in the TSV.", ""]
    lines += [f"@prefix {p}: <{e}> ." for p, e in sorted(prefixes.items())] + [""]
    by_subject: dict[str, list[dict[str, str]]] = {}
    for row in mapping_set.rows:
        by_subject.setdefault(row["subject_id"], []).append(row)
    for subject in sorted(by_subject):
        objects: dict[str, list[str]] = {}
        for row in by_subject[subject]:
            objects.setdefault(row["predicate_id"], []).append(_term(mapping_set, row["object_id"]))
        parts = [f"{p} {' , '.join(sorted(objects[p]))}" for p in sorted(objects, key=order.__getitem__)]
        lines.append(f"{_term(mapping_set, subject)} " + " ;\n    ".join(parts) + " .")
    lines.append("")
    labels = {r["object_id"]: r["object_label"] for r in mapping_set.rows}
    for curie in sorted(labels):
        lines.append(f"{_term(mapping_set, curie)} rdfs:label {_literal(labels[curie])} ;\n"
                     f"    rdfs:isDefinedBy <{mapping_set.defined_by(curie)}> .")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m migkg.mappings", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when data/category-mappings.ttl is not what the TSV gives")
    args = parser.parse_args(argv)
    try:
        text = turtle(read())
    except InputError as exc:
        print(f"migkg.mappings: {exc}", file=sys.stderr)
        return 2
    target = turtle_path()
    if args.check:
        same = target.exists() and target.read_text(encoding="utf-8") == text
        if not same:
            print(f"{target} is not what {tsv_path()} gives: run python -m migkg.mappings", file=sys.stderr)
        return 0 if same else 1
    from migkg.core.atomic import write_atomically

    write_atomically(target, text)
    print(f"wrote {target} ({len(read().rows)} mappings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

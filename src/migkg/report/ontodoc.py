"""The ontology documentation page of the report, made with pyLODE (OntPub profile).

pyLODE documents one ontology at a time and shows every rdfs:label it finds, so the page is
made from a prepared copy of the ontology modules:
- one ontology header (the core ``mkg`` ontology); the headers of the alignment and
  vocabulary modules are left out, since pyLODE would run all titles together;
- each term's English and Spanish labels joined into one ("overlap situation / situación de
  superposición"), and its definitions in both languages (where the ontology has them) as
  paragraphs of one description;
- the SKOS concept schemes and their concepts (functions, gap kinds, link statuses, ...),
  which OntPub does not document, are added after pyLODE's sections as a table made from a
  Jinja2 template.

Runs offline (pyLODE reads its background ontologies from files it ships) and is started in a
process of its own with a fixed hash seed (see ``migkg.workers``) so the page is the same
bytes on every run. The page is kept in the on-disk cache (``migkg.core.cache``), keyed by the
ontology files, the versions of pyLODE and rdflib, and this code and its templates: a report
whose ontology did not change takes it from there and starts no process.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from migkg import resources
from migkg.store import NAMESPACES, parse_file

MAIN_ONTOLOGY = URIRef("https://w3id.org/migkg/ontology")
LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title)
DEFINITIONS = (SKOS.definition, RDFS.comment, DCTERMS.description)
LANGS = ("en", "es")


def ontology_graph() -> Graph:
    g = Graph()
    for prefix, iri in NAMESPACES.items():
        g.bind(prefix, iri)
    for path in resources.ontology_files():
        scratch = parse_file(path)
        for prefix, iri in scratch.namespaces():
            if prefix and prefix not in NAMESPACES:
                g.bind(prefix, iri, override=False)
        g += scratch
    return g


def _by_lang(g: Graph, subject, predicates) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in predicates:
        for o in g.objects(subject, p):
            if isinstance(o, Literal):
                out.setdefault(o.language or "", []).append(" ".join(str(o).split()))
    return {lang: sorted(set(values)) for lang, values in out.items()}


def _joined_label(values: dict[str, list[str]]) -> str:
    parts = []
    for lang in LANGS + tuple(sorted(set(values) - set(LANGS))):
        for v in values.get(lang, []):
            if v not in parts:
                parts.append(v)
    return " / ".join(parts)


def _joined_definition(values: dict[str, list[str]]) -> str:
    paragraphs = []
    for lang in LANGS + tuple(sorted(set(values) - set(LANGS))):
        for v in values.get(lang, []):
            paragraphs.append(v if lang in ("en", "") else f"({lang}) {v}")
    return "\n\n".join(paragraphs)


def pylode_input(ontology: Graph) -> Graph:
    """The prepared copy of the ontology that pyLODE documents (see the module docstring)."""
    other_headers = {s for s in ontology.subjects(RDF.type, OWL.Ontology) if s != MAIN_ONTOLOGY}
    schemes = set(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    concepts = set(ontology.subjects(SKOS.inScheme, None))
    left_out = other_headers | schemes | concepts
    out = Graph(bind_namespaces="core")
    for prefix, iri in ontology.namespaces():
        out.bind(prefix, iri, override=True)
    described = set()
    for s, p, o in ontology:
        if s in left_out:
            continue
        if p in LABELS or p in DEFINITIONS:
            described.add(s)
            continue
        out.add((s, p, o))
    for s in described:
        label = _joined_label(_by_lang(ontology, s, LABELS))
        definition = _joined_definition(_by_lang(ontology, s, DEFINITIONS))
        if s == MAIN_ONTOLOGY:
            out.add((s, DCTERMS.title, Literal(label)))
        elif label:
            out.add((s, RDFS.label, Literal(label)))
        if definition:
            out.add((s, SKOS.definition if s != MAIN_ONTOLOGY else DCTERMS.description, Literal(definition)))
    return out


def vocabularies(ontology: Graph) -> list[dict]:
    """The concept schemes and their concepts, in both languages, sorted."""
    def labels(node) -> dict[str, str]:
        values = _by_lang(ontology, node, (RDFS.label, SKOS.prefLabel))
        return {lang: "; ".join(values.get(lang, [])) for lang in LANGS}

    def definition(node) -> dict[str, str]:
        values = _by_lang(ontology, node, (SKOS.definition,))
        return {lang: " ".join(values.get(lang, [])) for lang in LANGS}

    out = []
    for scheme in sorted(set(ontology.subjects(RDF.type, SKOS.ConceptScheme)), key=str):
        members = sorted(set(ontology.subjects(SKOS.inScheme, scheme)),
                         key=lambda c: (labels(c)["en"].casefold(), str(c)))
        out.append({
            "iri": str(scheme), "id": str(scheme).rsplit("#", 1)[-1], "labels": labels(scheme),
            "definition": definition(scheme),
            "concepts": [{"iri": str(c), "id": str(c).rsplit("#", 1)[-1], "labels": labels(c),
                          "definition": definition(c)} for c in members],
        })
    out.sort(key=lambda s: (s["labels"]["en"].casefold(), s["iri"]))
    return out


def crosswalk() -> list[dict]:
    """The categories' mappings to the glossaries (mappings/categories.sssom.tsv), for the page."""
    from migkg import mappings

    found = mappings.read()
    return [{"subject": row["subject_id"], "subject_label": row.get("subject_label", ""),
             "predicate": row["predicate_id"], "object": found.expand(row["object_id"]),
             "object_id": row["object_id"], "object_label": row.get("object_label", ""),
             "comment": row.get("comment", "")} for row in found.rows]


def render_page(ontology: Graph | None = None) -> str:
    """The documentation page as HTML text."""
    from pylode import OntPub

    from migkg.report.templating import environment

    ontology = ontology if ontology is not None else ontology_graph()
    html = OntPub(ontology=pylode_input(ontology), sort_subjects=True).make_html(include_css=True)
    env = environment()
    back = env.get_template("ontology-back.html.j2").render()
    extra = env.get_template("vocabularies.html.j2").render(schemes=vocabularies(ontology), crosswalk=crosswalk())
    html = html.replace('<div id="content">', '<div id="content">\n' + back, 1)
    marker = re.search(r'<div class="section" id="namespaces"', html)
    if marker:
        html = html[: marker.start()] + extra + "\n" + html[marker.start():]
    else:  # another pyLODE layout: put the vocabularies at the end of the content
        html = html.replace("</body>", extra + "\n</body>", 1)
    if not html.endswith("\n"):
        html += "\n"
    return html


def write_ontology_page(path: Path) -> None:
    from migkg.core.atomic import write_atomically

    write_atomically(path, render_page(), durable=False)


def start_page(path: Path):
    """The page for ``path``: from the cache (``Later`` with its bytes), or a worker process
    (started now, with a fixed hash seed) that writes it there."""
    from migkg.core.cache import digest, fingerprint, library_versions
    from migkg.report.background import cached_or_worker, checkout, source_digest

    here = Path(__file__).resolve().parent
    templates = [here / "templates" / name for name in ("ontology-back.html.j2", "vocabularies.html.j2")]
    from migkg import mappings

    key = digest(fingerprint(resources.ontology_files() + [mappings.tsv_path()], relative_to=checkout()),
                 library_versions("pylode", "rdflib"), fingerprint(templates, relative_to=here),
                 source_digest("migkg.report.ontodoc", "migkg.report.templating", "migkg.store", "migkg.mappings"))
    return cached_or_worker("ontology documentation (pyLODE)", "report-ontology-page", key, ["ontodoc", str(path)],
                            env={"PYTHONHASHSEED": "0"}, read=lambda _: Path(path).read_bytes())

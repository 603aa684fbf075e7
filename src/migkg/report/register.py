"""The report's part about a user's case register (`migkg report --data REGISTER`): its figures
and its overlap matrix, drawn from the saved queries case-register-summary and
case-overlap-counts. The section that shows them is declared in queries/report-sections.yaml
(``when: data``)."""

from __future__ import annotations

from migkg.report.common import natural_key
from migkg.report.picture_data import OverlapMatrix
from migkg.report.specials import picture, special


@special("register-figures")
def register_figures(p, block) -> list[tuple[str, str]]:
    """(heading, figure) pairs: persons, holdings, persons in an overlap, of whom without a
    referral, and that share; the headings are the query's column titles in the page's language."""
    rows = p.rows("case-register-summary", block)
    if not rows:
        return []
    titles = p.queries["case-register-summary"].column_titles(p.lang)
    row = rows[0]
    return [(titles.get(name, name), row[name] or "0") for name in
            ("persons", "holdings", "personsInOverlap", "withoutReferral", "shareWithoutReferral")]


@picture("register-overlap-matrix")
def register_overlap_matrix(p, block, words) -> OverlapMatrix:
    """Each pair of categories that persons of the register hold at once: how many persons, and
    how many of them have no referral recorded."""
    g, lang = p.inputs, p.lang
    names: dict[str, str] = {}
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    for row in p.rows("case-overlap-counts", block):
        a, b = row["categoryA"], row["categoryB"]
        names[a] = row["categoryALabel"] or g.label(a, lang)
        names[b] = row["categoryBLabel"] or g.label(b, lang)
        counts[(a, b)] = (int(row["persons"] or 0), int(row["personsWithoutReferral"] or 0))
    order = sorted(names, key=lambda iri: natural_key(names[iri]) + (iri,))
    index = {iri: i for i, iri in enumerate(order)}
    m = OverlapMatrix(categories=[names[iri] for iri in order], title=block.text("title", lang, p.values),
                      empty_note=words["empty"])
    for (a, b), (persons, unreferred) in sorted(counts.items()):
        lines = [f"{persons} {words['person'] if persons == 1 else words['persons']}",
                 f"{unreferred} {words['without_referral']}"]
        for i, j in ((index[a], index[b]), (index[b], index[a])):
            m.cells[(i, j)] = lines
            m.weight[(i, j)] = persons
    return m

"""Drawing the report's pictures with matplotlib as SVG (networkx lays out the coordination
network); imported only when a picture is not in the cache (``migkg.report.pictures``).

Every function takes the picture's data (``picture_data.OverlapMatrix`` and the others, labels
already in the page's language) and returns the SVG document as text. Output is
deterministic: matplotlib's ``svg.hashsalt`` is fixed, the ``Date`` metadata is left out, text
stays text (``svg.fonttype = none``, so it can be searched and read by screen readers), and the
network layout uses a fixed seed over sorted nodes.
"""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle  # noqa: E402

from migkg.report.picture_data import MandateMatrix, Network, OverlapMatrix, Timeline  # noqa: E402

STYLE = {
    "svg.hashsalt": "migkg",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "path.simplify": False,
}

BLUE = "#2b6cb0"
LIGHT = "#eef3fa"
RED = "#c0392b"
ORANGE = "#d68910"
GREEN = "#1e8449"
GREY = "#7f8c8d"
DARK = "#1f2d3d"

STATUS_STYLE = {  # link status -> colour, line style
    "present": (GREEN, "solid"),
    "partial": (ORANGE, "dashed"),
    "unclear": (GREY, "dotted"),
    "absent": (RED, (0, (4, 2))),
}


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight", pad_inches=0.15)
    return buffer.getvalue()


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(width, height), layout=None)


# --- 1. category overlap matrix ------------------------------------------------------------

def overlap_matrix(m: OverlapMatrix) -> str:
    n = max(len(m.categories), 1)
    size = 2.6 + 1.15 * n
    fig = _figure(size + 1.2, size)
    ax = fig.add_subplot()
    top = max(m.weight.values(), default=1) or 1
    for i in range(n):
        for j in range(n):
            if i == j:
                colour = "#e5e8ec"
            elif (i, j) in m.cells:
                share = m.weight.get((i, j), 1) / top
                colour = matplotlib.colors.to_hex(matplotlib.colors.LinearSegmentedColormap.from_list(
                    "b", ["#c6dbef", BLUE])(0.25 + 0.75 * share))
            else:
                colour = "white"
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=colour, edgecolor="#b0b8c1", linewidth=0.8))
            lines = m.cells.get((i, j))
            if lines and i != j:
                dark = m.weight.get((i, j), 1) / top > 0.45
                ax.text(j + 0.5, i + 0.5, "\n".join(lines), ha="center", va="center", fontsize=7,
                        color="white" if dark else DARK, linespacing=1.25)
    ax.set_xlim(0, n)
    ax.set_ylim(n, 0)
    ax.set_xticks([k + 0.5 for k in range(n)])
    ax.set_yticks([k + 0.5 for k in range(n)])
    ax.set_xticklabels([wrap(c, 16) for c in m.categories] or [""], rotation=30, ha="right", fontsize=8.5)
    ax.set_yticklabels([wrap(c, 22) for c in m.categories] or [""], fontsize=8.5)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_aspect("equal")
    ax.set_title(m.title, loc="left")
    if not m.categories and m.empty_note:
        ax.text(0.5, 0.5, m.empty_note, ha="center", va="center", transform=ax.transAxes)
    return _svg(fig)


# --- 2. mandate matrix ---------------------------------------------------------------------

def mandate_matrix(m: MandateMatrix) -> str:
    rows, cols = len(m.categories), len(m.functions)
    width = 3.2 + 0.95 * max(cols, 1)
    height = 1.8 + 0.5 * max(rows, 1)
    fig = _figure(width, height)
    ax = fig.add_subplot()
    top = max((len(v) for v in m.cells.values()), default=1) or 1
    cmap = matplotlib.colors.LinearSegmentedColormap.from_list("b", ["#d6e4f5", BLUE])
    for r in range(rows):
        for c in range(cols):
            keys = m.cells.get((r, c))
            if keys:
                share = len(keys) / top
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor=matplotlib.colors.to_hex(cmap(0.15 + 0.85 * share)),
                                       edgecolor="white", linewidth=1.2))
                shown = keys[:3] + ([f"+{len(keys) - 3}"] if len(keys) > 3 else [])
                ax.text(c + 0.5, r + 0.5, "\n".join(shown), ha="center", va="center", fontsize=5.6,
                        color="white" if share > 0.5 else DARK, linespacing=1.15)
            else:
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor="#fbeaea", edgecolor="white", linewidth=1.2,
                                       hatch="////", alpha=1.0))
                ax.text(c + 0.5, r + 0.5, m.gap_word, ha="center", va="center", fontsize=6, color=RED,
                        style="italic")
    ax.set_xlim(0, max(cols, 1))
    ax.set_ylim(max(rows, 1), 0)
    ax.xaxis.tick_top()
    ax.set_xticks([k + 0.5 for k in range(cols)])
    ax.set_yticks([k + 0.5 for k in range(rows)])
    ax.set_xticklabels([wrap(f, 14) for f in m.functions], rotation=40, ha="left", fontsize=7.5)
    ax.set_yticklabels([wrap(c, 30) for c in m.categories], fontsize=7.5)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.legend(handles=[Patch(facecolor=BLUE, label=m.legend_mandated),
                       Patch(facecolor="#fbeaea", hatch="////", edgecolor=RED, label=m.legend_gap)],
              loc="upper left", bbox_to_anchor=(0, -0.01), ncol=2, frameon=False, fontsize=8)
    ax.set_title(m.title, loc="left", pad=70)
    return _svg(fig)


# --- 3. coordination network ---------------------------------------------------------------

def _layout(nodes: list[str], edges: list[tuple[str, str, float]]) -> dict[str, tuple[float, float]]:
    """Positions for the network: each connected part laid out on its own (spring layout,
    fixed seed), the parts then set side by side, largest first, so that a part with no link
    to the others does not push them into a heap."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    for a, b, weight in sorted(edges):
        graph.add_edge(a, b, weight=weight)
    parts = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c))
    pos: dict[str, tuple[float, float]] = {}
    x = 0.0
    for part in parts:
        sub = graph.subgraph(part).copy()
        width = max(1.0, len(part) ** 0.5)
        if len(part) == 1:
            local = {part[0]: (0.0, 0.0)}
        else:
            local = nx.spring_layout(sub, seed=7, k=5.0 / len(part) ** 0.5, iterations=500, weight="weight",
                                     scale=width)
        def spread(k: int, local=local) -> float:
            return max(p[k] for p in local.values()) - min(p[k] for p in local.values())

        if spread(1) > 1.2 * spread(0):  # pages are wider than tall: turn a tall part on its side
            local = {node_id: (p[1], -p[0]) for node_id, p in local.items()}
        xs = [p[0] for p in local.values()]
        left = min(xs)
        for node_id in part:
            px, py = local[node_id]
            pos[node_id] = (x + (px - left), float(py))
        x += (max(xs) - left) + 1.2
    return pos


def network(net: Network) -> str:
    edges = [(a, b, 2.0 if kind in ("member", "chair", "part") else 1.0) for a, b, kind, _ in net.edges]
    pos = _layout([node_id for node_id, _, _ in net.nodes], edges)
    kinds = {node_id: kind for node_id, _, kind in net.nodes}
    labels = {node_id: label for node_id, label, _ in net.nodes}

    xs_all = [p[0] for p in pos.values()] or [0.0]
    ys_all = [p[1] for p in pos.values()] or [0.0]
    span_x = max(xs_all) - min(xs_all) + 1.0
    span_y = max(ys_all) - min(ys_all) + 1.0
    width = 11.0
    fig = _figure(width, min(max(4.0, width * (span_y + 0.7) / (span_x + 0.9)), 11.0))
    fig.subplots_adjust(left=0.01, right=0.99, top=0.94, bottom=0.1)
    ax = fig.add_subplot()
    ax.set_axis_off()
    for a, b, kind, status in sorted(net.edges):
        if a not in pos or b not in pos:
            continue
        if kind in ("member", "chair", "part"):
            style = dict(color=DARK if kind == "chair" else "#9aa5b1", linewidth=2.6 if kind == "chair" else 1.0,
                         linestyle="solid" if kind != "part" else "dotted", arrowstyle="-")
            rad = 0.0
        else:
            colour, linestyle = STATUS_STYLE.get(status, (GREY, "solid"))
            style = dict(color=colour, linewidth=1.8, linestyle=linestyle,
                         arrowstyle="-|>" if kind == "referral" else "<|-|>" if kind == "exchange" else "-")
            rad = 0.18
        patch = FancyArrowPatch(pos[a], pos[b], connectionstyle=f"arc3,rad={rad}", mutation_scale=14,
                                shrinkA=16, shrinkB=16, zorder=1, **style)
        ax.add_patch(patch)
        if kind not in ("member", "chair", "part") and status == "absent":
            (x1, y1), (x2, y2) = pos[a], pos[b]
            # the midpoint of the arc: rad * chord length, perpendicular to the chord
            mx, my = (x1 + x2) / 2 + rad * (y2 - y1) / 2, (y1 + y2) / 2 - rad * (x2 - x1) / 2
            ax.text(mx, my, "×", color=RED, ha="center", va="center", fontsize=15, fontweight="bold", zorder=3)
    for node_id in sorted(pos):
        x, y = pos[node_id]
        mechanism = kinds.get(node_id) == "mechanism"
        ax.text(x, y, wrap(labels.get(node_id, node_id), 16), ha="center", va="center", fontsize=7.0, zorder=4,
                color="white" if mechanism else DARK, linespacing=1.15,
                bbox=dict(boxstyle="round,pad=0.35" if mechanism else "round4,pad=0.3",
                          facecolor=ORANGE if mechanism else "#dbe8f7",
                          edgecolor="#8a5a00" if mechanism else BLUE, linewidth=1.0))
    if pos:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        # an invisible line through the nodes sets the data limits; equal aspect, since the arcs
        # (and the crosses at their middles) are computed in display space
        ax.plot([min(xs) - 0.45, max(xs) + 0.45], [min(ys) - 0.35, max(ys) + 0.35], linestyle="none")
        ax.set_aspect("equal", adjustable="datalim")
    legend = net.legend
    handles = [
        Patch(facecolor=ORANGE, edgecolor="#8a5a00", label=legend.get("mechanism", "coordination mechanism")),
        Patch(facecolor="#dbe8f7", edgecolor=BLUE, label=legend.get("institution", "institution")),
        Line2D([], [], color=DARK, linewidth=2.6, label=legend.get("chair", "chairs / coordinates")),
        Line2D([], [], color="#9aa5b1", linewidth=1.0, label=legend.get("member", "member")),
        Line2D([], [], color="#9aa5b1", linewidth=1.0, linestyle="dotted", label=legend.get("part", "part of")),
    ]
    for status in ("present", "partial", "unclear", "absent"):
        colour, linestyle = STATUS_STYLE[status]
        handles.append(Line2D([], [], color=colour, linewidth=1.8, linestyle=linestyle,
                              label=legend.get(status, status)))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 0), ncol=3, frameon=False, fontsize=8)
    ax.set_title(net.title, loc="left")
    return _svg(fig)


# --- 4. timeline of legal instruments -----------------------------------------------------

def _x(year: float, break_year: int, start: float) -> float:
    """Years before ``break_year`` at a quarter of the scale of the years after it."""
    if year < break_year:
        return (year - start) * 0.25
    return (break_year - start) * 0.25 + (year - break_year)


def timeline(t: Timeline) -> str:
    n = max(len(t.items), 1)
    years = [item[0] for item in t.items] or [t.break_year]
    start = float(int(min(min(years), t.break_year)) // 10 * 10)
    end = float(int(max(years)) + 1)
    fig = _figure(11, 1.6 + 0.27 * n)
    ax = fig.add_subplot()
    xs = [_x(item[0], t.break_year, start) for item in t.items]
    for index, (_year, label, kind, when) in enumerate(t.items):
        colour = t.kinds.get(kind, (BLUE, kind))[0]
        ax.plot([xs[index]], [index], marker="o", markersize=6, color=colour, zorder=3, linestyle="none")
        ax.text(xs[index] + 0.35, index, f"{label}  ({when})", va="center", fontsize=7.2, color=DARK, zorder=4)
    for a, b, _relation in t.links:
        ax.add_patch(FancyArrowPatch((xs[a], a), (xs[b], b), connectionstyle="arc3,rad=-0.35", arrowstyle="-|>",
                                     mutation_scale=9, color="#6c3483", linewidth=1.0, shrinkA=4, shrinkB=4,
                                     zorder=2, alpha=0.9))
    low = _x(start, t.break_year, start)
    high = _x(end, t.break_year, start)
    ax.set_xlim(low - 0.5, high + 14)
    ax.set_ylim(n - 0.4, -0.8)
    ticks = [y for y in range(int(start), t.break_year, 10)] + list(range(t.break_year, int(end) + 1, 2))
    ax.set_xticks([_x(y, t.break_year, start) for y in ticks])
    ax.set_xticklabels([str(y) for y in ticks], fontsize=7.5)
    ax.axvline(_x(t.break_year, t.break_year, start), color=GREY, linestyle=(0, (2, 3)), linewidth=0.8, zorder=1)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#e5e8ec", linewidth=0.6, zorder=0)
    handles = [Line2D([], [], marker="o", linestyle="none", color=colour, label=label)
               for kind, (colour, label) in sorted(t.kinds.items())]
    handles.append(Line2D([], [], color="#6c3483", linewidth=1.0, label=t.relation_label))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, frameon=False, fontsize=8)
    ax.set_title(t.title, loc="left", pad=28)
    return _svg(fig)

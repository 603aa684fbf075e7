"""What each picture of the report draws: plain dataclasses, labels already in the page's
language. Filled by ``specials``, drawn by ``draw``, cached by ``pictures``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OverlapMatrix:
    categories: list[str]
    cells: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # lines of text per cell
    weight: dict[tuple[int, int], int] = field(default_factory=dict)  # documented co-occurrences
    title: str = ""
    empty_note: str = ""


@dataclass
class MandateMatrix:
    categories: list[str]  # rows
    functions: list[str]  # columns
    cells: dict[tuple[int, int], list[str]]  # (row, column) -> institution keys; missing = gap
    title: str = ""
    gap_word: str = "gap"
    legend_mandated: str = "institutions mandated (key)"
    legend_gap: str = "no institution mandated (gap)"


@dataclass
class Network:
    nodes: list[tuple[str, str, str]]  # (id, label, kind: "mechanism" | "institution")
    # (from, to, kind: member | chair | part | referral | exchange | link, status)
    edges: list[tuple[str, str, str, str]]
    title: str = ""
    legend: dict[str, str] = field(default_factory=dict)


@dataclass
class Timeline:
    items: list[tuple[float, str, str, str]]  # (decimal year, label, kind, date text)
    links: list[tuple[int, int, str]]  # (index of regulation, index of what it regulates, relation)
    title: str = ""
    break_year: int = 2000
    kinds: dict[str, tuple[str, str]] = field(default_factory=dict)  # kind -> (colour, legend label)
    relation_label: str = "regulates, approves, implements or amends"

"""Where the project's plain files are: inside the installed wheel, or in the source tree."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PARTS = ("ontology", "data", "queries", "validation", "spreadsheets")


def resource_root() -> Path:
    """The folder that holds ontology/, data/, queries/ and validation/.

    An installed wheel carries them in ``migkg/_resources``; an editable install or a
    checkout uses the repository root two levels above this package.
    """
    packaged = Path(str(resources.files("migkg"))) / "_resources"
    if (packaged / "ontology").is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2]
    if (source_tree / "ontology").is_dir():
        return source_tree
    raise FileNotFoundError("migkg's ontology and data files are missing from this installation")


def part(name: str) -> Path:
    if name not in PARTS:
        raise ValueError(f"unknown part {name!r}; expected one of {', '.join(PARTS)}")
    return resource_root() / name


def turtle_files(name: str) -> list[Path]:
    """All Turtle files of one part, in a stable order."""
    return sorted(part(name).rglob("*.ttl"))


def ontology_files() -> list[Path]:
    return turtle_files("ontology")


def data_files() -> list[Path]:
    return turtle_files("data")

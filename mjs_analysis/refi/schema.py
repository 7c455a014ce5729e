"""Validation against the REFI-QDA schemas (``mjs_analysis/refi/schemas/``, MIT licence, REFI)."""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

from .archive import SafeArchive, parse_xml
from .errors import RefiError

__all__ = ["validate", "schema", "SCHEMA_DIR"]

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
_SCHEMAS = {"project": "Project-mrt2019.xsd", "codebook": "Codebook.xsd"}


@functools.lru_cache(maxsize=None)
def schema(kind: str) -> etree.XMLSchema:
    """The XML schema of a ``"project"`` (``.qde``) or a ``"codebook"`` (``.qdc``)."""
    if kind not in _SCHEMAS:
        raise ValueError(f"The 'kind' parameter of schema must be one of {', '.join(_SCHEMAS)}. Got {kind!r} instead.")
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / _SCHEMAS[kind])))


def validate(path: str | Path) -> list[str]:
    """Check a ``.qdpx`` (its ``project.qde``), ``.qde`` or ``.qdc`` against the REFI-QDA schema.

    Returns
    -------
    list of str
        One line per schema violation (``file:line: message``); empty when the file is valid.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".qdpx":
        with SafeArchive(path) as archive:
            qde = [n for n in archive.names if n.lower().endswith(".qde") and "/" not in n.strip("/")]
            if not qde:
                raise RefiError(path, "no project file (*.qde) at the root of the archive")
            data, where, kind = archive.read(qde[0]), f"{path}!{qde[0]}", "project"
    elif suffix in (".qde", ".qdc"):
        data, where, kind = path.read_bytes(), str(path), "project" if suffix == ".qde" else "codebook"
    else:
        raise ValueError(f"The 'path' parameter of validate must end in .qdpx, .qde or .qdc. Got {str(path)!r} instead.")
    root = parse_xml(data, where)
    checker = schema(kind)
    if checker.validate(root.getroottree()):
        return []
    return [f"{where}:{e.line}: {e.message}" for e in checker.error_log]

"""Offset conventions of REFI-QDA selections, and their detection per source.

Tools count ``startPosition``/``endPosition`` differently (see the README): in code points or in UTF-16
code units, with or without the byte-order mark, with CRLF as one or two, with the end position
exclusive or inclusive. This module maps positions in any of those conventions to code points of the
*clean* text (decoded, without BOM, newlines as ``\\n``) -- the text the importer writes -- and picks,
per source, the convention under which the selections make the most sense: the selected text equals the
selection's ``name`` (ATLAS.ti writes it there), otherwise the selections start and end on word
boundaries. A selection that fits no convention is reported, never moved.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

__all__ = ["Convention", "RawText", "decode_source", "Selection", "Placement", "detect", "EXPORT_CONVENTION"]


@dataclass(frozen=True)
class Convention:
    """How a tool counts positions.

    Parameters
    ----------
    unit : {"codepoint", "utf16"}
    bom : bool
        The byte-order mark counts as one position.
    crlf : int, 1 or 2
        Positions a CRLF line break takes.
    inclusive : bool
        ``endPosition`` is the last selected character instead of the one after it.
    """

    unit: str = "codepoint"
    bom: bool = False
    crlf: int = 1
    inclusive: bool = False

    def __post_init__(self):
        if self.unit not in ("codepoint", "utf16"):
            raise ValueError(f"The 'unit' parameter of Convention must be 'codepoint' or 'utf16'. Got {self.unit!r} instead.")
        if self.crlf not in (1, 2):
            raise ValueError(f"The 'crlf' parameter of Convention must be 1 or 2. Got {self.crlf!r} instead.")

    def describe(self) -> str:
        """A short label, e.g. ``utf16, crlf=2, end exclusive``."""
        parts = ["UTF-16 units" if self.unit == "utf16" else "code points",
                 "BOM counted" if self.bom else "no BOM",
                 f"CRLF as {self.crlf}", "end inclusive" if self.inclusive else "end exclusive"]
        return ", ".join(parts)


#: What this package writes: code points, no BOM, ``\n`` only, end exclusive.
EXPORT_CONVENTION = Convention()


@dataclass(frozen=True)
class RawText:
    """A source's clean text (what the importer writes) and what was taken out of the file's text.

    ``crlf_at`` holds the clean indices of the ``\\n`` that were CRLF in the file; ``has_bom`` says whether
    the file opened with a byte-order mark.
    """

    clean: str
    has_bom: bool
    crlf_at: frozenset
    encoding: str

    @property
    def has_crlf(self) -> bool:
        return bool(self.crlf_at)

    @property
    def has_astral(self) -> bool:
        return any(ord(c) > 0xFFFF for c in self.clean)


def decode_source(data: bytes) -> RawText:
    """Decode a source file's bytes: UTF-8 (BOM or not), UTF-16 with BOM, else cp1252.

    Returns
    -------
    RawText
        The clean text (no BOM, newlines as ``\\n``) and what was removed.
    """
    has_bom = False
    if data.startswith(b"\xef\xbb\xbf"):
        text, has_bom, encoding = data[3:].decode("utf-8", errors="replace"), True, "utf-8"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, has_bom, encoding = data.decode("utf-16"), True, "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("cp1252", errors="replace"), "cp1252"
    if text.startswith("\ufeff"):  # a BOM that survived decoding
        text, has_bom = text[1:], True
    clean, crlf_at = [], []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                crlf_at.append(len(clean))
                i += 1
            clean.append("\n")
        else:
            clean.append(ch)
        i += 1
    return RawText("".join(clean), has_bom, frozenset(crlf_at), encoding)


class _Positions:
    """Position of every clean character under one convention, and the way back."""

    def __init__(self, raw: RawText, conv: Convention):
        starts, pos = [], 1 if (conv.bom and raw.has_bom) else 0
        for i, ch in enumerate(raw.clean):
            starts.append(pos)
            pos += (2 if conv.unit == "utf16" and ord(ch) > 0xFFFF else 1) + (
                1 if conv.crlf == 2 and i in raw.crlf_at else 0)
        starts.append(pos)
        self.starts = starts
        self.offset = 1 if (conv.bom and raw.has_bom) else 0

    def to_clean(self, position: int) -> int | None:
        """The clean index at ``position``, or None when it falls inside a character or outside the text."""
        if self.offset and position == 0:  # the BOM itself: a selection from the very start
            return 0
        i = bisect.bisect_left(self.starts, position)
        if i < len(self.starts) and self.starts[i] == position:
            return i
        return None


@dataclass(frozen=True)
class Selection:
    """A selection as written in the file."""

    guid: str
    start: int
    end: int
    name: str | None = None


@dataclass(frozen=True)
class Placement:
    """A selection placed on the clean text: ``start``/``end`` (end exclusive) or None, and why."""

    selection: Selection
    start: int | None
    end: int | None
    fits: bool
    reason: str = ""
    named: bool = False  #: the selected text equals the selection's name
    bounded: bool = False  #: it starts and ends on word boundaries


def _squash(text: str) -> str:
    return " ".join(text.split())


def _word(ch: str) -> bool:
    return ch.isalnum()


def _on_boundary(text: str, i: int) -> bool:
    return i <= 0 or i >= len(text) or not (_word(text[i - 1]) and _word(text[i]))


def _candidates(raw: RawText) -> list[Convention]:
    """Conventions that differ on this text, the export convention first."""
    units = ["codepoint", "utf16"] if raw.has_astral else ["codepoint"]
    boms = [False, True] if raw.has_bom else [False]
    crlfs = [1, 2] if raw.has_crlf else [1]
    return [Convention(u, b, c, inc) for inc, u, b, c in itertools.product((False, True), units, boms, crlfs)]


def _name_matches(text: str, name: str) -> bool:
    """The selected text is the name, or starts with it when the name was cut short (ATLAS.ti ends it with …)."""
    text, name = _squash(text), _squash(name)
    if text == name:
        return True
    for ellipsis in ("…", "..."):
        if name.endswith(ellipsis) and len(name) > len(ellipsis) + 3:
            return text.startswith(name[: -len(ellipsis)].rstrip())
    return False


def _place(sel: Selection, raw: RawText, pos: _Positions, conv: Convention) -> tuple[Placement, int]:
    """Place one selection under a convention; the score says how well it fits (0..4).

    A name that is the selected text is the best evidence (4); otherwise the selection's ends on word
    boundaries count (1..3). A name that is not the text is no evidence against a convention: ATLAS.ti
    lets users rename quotations.
    """
    end_pos = sel.end + 1 if conv.inclusive else sel.end
    start, end = pos.to_clean(sel.start), pos.to_clean(end_pos)
    if start is None or end is None or end < start:
        return Placement(sel, None, None, False, "outside the text or inside a character"), 0
    bounded = _on_boundary(raw.clean, start) and _on_boundary(raw.clean, end)
    if sel.name and _squash(sel.name) and _name_matches(raw.clean[start:end], sel.name):
        return Placement(sel, start, end, True, named=True, bounded=bounded), 4
    score = 1 + _on_boundary(raw.clean, start) + _on_boundary(raw.clean, end)
    fits = score == 3 or (end > start and score >= 2)  # one end off a boundary: a sloppy selection, kept
    return Placement(sel, start, end, fits, "" if fits else "starts and ends inside words",
                     bounded=bounded), score


def detect(raw: RawText, selections: list[Selection]) -> tuple[Convention, list[Placement]]:
    """Choose the convention under which the selections of one source fit best, and place them.

    Selected texts that equal their selection's ``name`` weigh most; then selections that start and end
    on word boundaries.

    Parameters
    ----------
    raw : RawText
        The source text.
    selections : list of Selection
        Its selections as written in the file.

    Returns
    -------
    convention : Convention
        The winner (ties go to the export convention and then to the simpler one).
    placements : list of Placement
        Every selection under that convention, with ``fits=False`` and a reason for the misfits.
    """
    best = None
    for rank, conv in enumerate(_candidates(raw)):
        pos = _Positions(raw, conv)
        placed = [_place(s, raw, pos, conv) for s in selections]
        total = sum(score for _, score in placed)
        if best is None or total > best[0]:
            best = (total, rank, conv, [p for p, _ in placed])
        if not selections:
            break
    return best[2], best[3]

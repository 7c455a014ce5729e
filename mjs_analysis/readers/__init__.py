"""Transcript readers: txt/md (with YAML front matter), WebVTT, SubRip and Word (.docx).

Every format is turned into a stream of lines, and one turn builder makes speaker turns from it, so the
rules for labels, timestamps and continuation lines are the same everywhere. The contract is that nothing
spoken is lost: every word of the source's spoken text lands in exactly one turn, in order. Only speaker
labels, timestamps, cue numbers and markup are taken out.

Layout: :mod:`.styles` (the table of label styles), :mod:`.roles` (role families, legends, who is the
interviewer), :mod:`.lines` (lines to turns), one module per format (:mod:`.subtitles`, :mod:`.word`),
and :mod:`.reading` (one file, any format).
"""

from .base import PREAMBLE, UNKNOWN, Transcript, Turn
from .lines import ANNOTATION as _ANNOTATION
from .reading import SUFFIXES, _read, read_transcript, resolve_roles
from .roles import CODED_ROLES, ROLE_FAMILIES, ROLE_LABELS as _KNOWN_SPEAKERS, family_of, is_role_label
from .styles import LABEL_STYLES, parse_timestamp
from .word import docx_paragraphs as _docx_paragraphs

#: Labels of the interviewer family, as one regular expression (kept for older callers).
INTERVIEWER_LABELS = next(f.pattern for f in ROLE_FAMILIES if f.role == "interviewer")

__all__ = ["Turn", "Transcript", "read_transcript", "SUFFIXES", "parse_timestamp", "LABEL_STYLES",
           "ROLE_FAMILIES", "CODED_ROLES", "family_of", "is_role_label", "resolve_roles", "UNKNOWN", "PREAMBLE"]

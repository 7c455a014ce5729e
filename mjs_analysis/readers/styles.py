"""The label styles: how people and tools mark who speaks, as one table.

Each :class:`LabelStyle` is a regular expression for one (stripped) line plus an example and an
acceptance rule. All patterns are combined into one regular expression so that each line is matched
once (reading speed). A new style is one entry in :data:`LABEL_STYLES` plus its tests
(``tests/test_label_styles.py`` runs every ``example`` through the reader).

Named groups a pattern may use: ``label`` (required), ``ts`` (a timestamp, any position) and ``rest``
(the spoken text on the same line; absent for styles where the text follows on the next lines).

A label is a speaker only when the style and the file agree: its label is a known role label (see
:mod:`.roles`), named in a legend, or used at least ``min_uses`` times in the file in that style; styles
marked ``needs_two_labels`` also need two different speakers in that style (a lone ALL-CAPS heading is
not a conversation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LabelStyle", "LABEL_STYLES", "TS", "TS_WRAPPED", "parse_timestamp", "style_names"]

# A timestamp as typed by people or written by recorders: 00:12:34, 12:34, 00:12:34.5, 0:03, 00:01:23-4 (f4)
TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3}|-\d)?"
# ... wrapped: [00:12:34], (12:34), #00:01:23-4# (f4/f5), \[00:08:23\] (escaped markdown), or bare
TS_WRAPPED = rf"(?:\\?\[{TS}\\?\]|\({TS}\)|#{TS}#|{TS})"
# A label: a word starting with a letter, then up to three more words (names, numbers, particles).
_LABEL = r"[^\W\d_][\w.'’\-]*(?: [\w.'’\-]+){0,3}?"
_CAPS = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’\-]*(?: [A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’\-]*){0,3}(?: \d{1,2})?"


@dataclass(frozen=True)
class LabelStyle:
    """One way of marking a speaker.

    Parameters
    ----------
    name : str
        Short identifier, shown by ``mjs validate --show``.
    pattern : str
        Regular expression for a stripped line, with the named groups ``label``, ``ts``, ``rest``.
    example : str
        A line in this style (documentation and tests).
    speaker : str
        The speaker the example names.
    text : str
        The spoken text of the example's line ("" when the text follows on the next lines).
    min_uses : int
        How often a label that is not a known role label must occur in this style.
    needs_two_labels : bool
        The style counts only when the file has at least two different speakers in it.
    """

    name: str
    pattern: str
    example: str
    speaker: str
    text: str
    min_uses: int = 2
    needs_two_labels: bool = False


LABEL_STYLES: tuple[LabelStyle, ...] = (
    # The common case first: "I: ...", "[00:12:34] I: ...", "Nadia (12:34): ...", "I: [00:12] ..."
    LabelStyle("colon",
               rf"(?:(?P<ts_a>{TS_WRAPPED})\s+)?(?P<label>{_LABEL})(?:\s*(?P<ts>{TS_WRAPPED}))?\s*:(?:\s+|$)"
               rf"(?:(?P<ts_b>{TS_WRAPPED})(?:\s+|$))?(?P<rest>.*)",
               "Interviewer 1: Hoe lang woont u hier al?", "Interviewer 1", "Hoe lang woont u hier al?"),
    # Markdown bold: "**Name:** ...", "**Name**: ...", "**Name (00:00):** ..."; also __Name:__
    LabelStyle("bold_colon",
               rf"(?:(?P<ts_a>{TS_WRAPPED})\s+)?(?P<b>\*\*|__)(?P<label>{_LABEL})(?:\s*(?P<ts>{TS_WRAPPED}))?"
               r"(?::(?P=b)|(?P=b)\s*:)(?:\s+|$)(?P<rest>.*)",
               "**Fatma (00:12):** Ja, dat klopt.", "Fatma", "Ja, dat klopt."),
    # Bold name without a colon, the text on the same line or below: "**Interviewer** Hoe ging het?"
    LabelStyle("bold",
               rf"(?:(?P<ts_a>{TS_WRAPPED})\s+)?(?P<b2>\*\*|__)(?P<label>{_LABEL})(?:\s*(?P<ts>{TS_WRAPPED}))?(?P=b2)"
               r"(?:\s+(?P<rest>.*)|$)",
               "**Interviewer** Hoe ging het?", "Interviewer", "Hoe ging het?", needs_two_labels=True),
    # A markdown heading that names the speaker; the text follows: "### Interviewer", "## Jan (00:12)"
    LabelStyle("heading",
               rf"#{{1,6}}\s+(?P<label>{_LABEL})(?:\s*(?P<ts>{TS_WRAPPED}))?\s*:?\s*#*",
               "### Interviewer", "Interviewer", "", needs_two_labels=True),
    # A blockquote around a colon label: "> R: Nou, eh, ja."
    LabelStyle("blockquote",
               rf">\s*(?:(?P<ts_a>{TS_WRAPPED})\s+)?(?P<label>{_LABEL})(?:\s*(?P<ts>{TS_WRAPPED}))?\s*:\s+(?P<rest>.*)",
               "> R: Nou, eh, ja.", "R", "Nou, eh, ja."),
    # Otter, Teams and Word: name, two or more spaces (or a tab), time; the text below. "Speaker 1  0:03"
    LabelStyle("name_time",
               rf"(?P<label>{_LABEL})(?:\s{{2,}}|\t+|\s+(?=\d{{1,2}}:\d\d:\d\d))(?P<ts>{TS})",
               "Speaker 1  0:03", "Speaker 1", "", min_uses=1),
    # Bracketed name and time: "[Speaker 3] [00:25] ...", Zoom's "[Jan Jansen] 10:02:33" (text below)
    LabelStyle("bracket_time",
               rf"\[(?P<label>{_LABEL})\]\s*(?P<ts>\[{TS}\]|\({TS}\)|{TS})(?:\s+(?P<rest>.*)|$)",
               "[Speaker 3] [00:25] Ja, dat was in maart.", "Speaker 3", "Ja, dat was in maart."),
    # Diarisation scripts: "[SPEAKER_00 - 00:03]: text", also without the colon or with the text below
    LabelStyle("bracket_dash_time",
               rf"\[(?P<label>{_LABEL})\s+[-–]\s+(?P<ts>{TS})\]:?(?:\s+(?P<rest>.*)|$)",
               "[SPEAKER_00 - 00:03]: Welkom allemaal.", "SPEAKER_00", "Welkom allemaal.", min_uses=1),
    # WhisperX/noScribe text output: "[0:00:06.8 - 0:00:07.2] SPEAKER_00 - text", also without the range
    LabelStyle("dash",
               rf"(?:\[(?P<ts>{TS})\s*[-–]\s*{TS}\]\s+)?(?P<label>{_LABEL})\s+[-–]\s+(?P<rest>.*)",
               "[0:00:06.8 - 0:00:07.2] SPEAKER_00 - Goedemorgen.", "SPEAKER_00", "Goedemorgen.",
               needs_two_labels=True),
    # An ALL-CAPS name alone on its line (also with a time); the text below. "INTERVIEWER", "FATIMA"
    LabelStyle("caps_line",
               rf"(?P<label>{_CAPS})(?:\s+(?P<ts>{TS_WRAPPED}))?",
               "INTERVIEWER", "INTERVIEWER", "", needs_two_labels=True),
)


def style_names() -> list[str]:
    return [s.name for s in LABEL_STYLES]


def _combined() -> re.Pattern:
    """One regular expression for all styles: alternative k is the group ``s{k}``; inner groups renamed."""
    parts = []
    for k, style in enumerate(LABEL_STYLES):
        inner = re.sub(r"\(\?P<(\w+)>", rf"(?P<s{k}_\1>", style.pattern)
        inner = re.sub(r"\(\?P=(\w+)\)", rf"(?P=s{k}_\1)", inner)
        parts.append(rf"(?P<s{k}>{inner})")
    return re.compile(r"^(?:" + "|".join(parts) + r")\s*$")


COMBINED = _combined()
# outer group number -> (style index, label group, timestamp groups in order of preference, rest group or 0);
# numbers, not names: this runs for every line
_GROUPS = {
    COMBINED.groupindex[f"s{k}"]: (
        k, COMBINED.groupindex[f"s{k}_label"],
        tuple(COMBINED.groupindex[f"s{k}_{g}"] for g in ("ts_a", "ts", "ts_b") if f"s{k}_{g}" in COMBINED.groupindex),
        COMBINED.groupindex.get(f"s{k}_rest", 0))
    for k in range(len(LABEL_STYLES))
}


def match_line(line: str) -> tuple[int, str, str | None, str] | None:
    """(style index, label, timestamp text or None, rest) for a stripped line, or None."""
    m = COMBINED.match(line)
    if m is None:
        return None
    k, label_g, ts_gs, rest_g = _GROUPS[m.lastindex]
    ts = None
    for g in ts_gs:
        ts = ts or m.group(g)
    return k, m.group(label_g), ts, (m.group(rest_g) or "") if rest_g else ""


def parse_timestamp(text: str) -> float:
    """Seconds in ``'[00:12:34.5]'``, ``'(12:34)'``, ``'0:03'`` or ``'#00:01:23-4#'`` (f4: tenths).

    Examples
    --------
    >>> parse_timestamp("[01:02:03.5]")
    3723.5
    >>> parse_timestamp("(12:34)")
    754.0
    >>> parse_timestamp("#00:01:23-4#")
    83.4
    """
    text = text.strip("[]()#\\ ").replace(",", ".")
    if "-" in text:  # f4/f5: "00:01:23-4" is 83.4 s
        text = text.replace("-", ".")
    seconds = 0.0
    for part in text.split(":"):
        seconds = seconds * 60 + float(part)
    return round(seconds, 3)

"""From lines to turns: label matching (one combined pass over the styles table), the turn builder,
plain-text transcripts (txt, md, and docx paragraphs), and the transcript's normalised text.

The contract is that nothing spoken is lost: every word of the source's spoken text lands in exactly one
turn, in order. Only speaker labels, timestamps and markup are taken out.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from ..errors import Messages, Problem
from .base import PREAMBLE, UNKNOWN, Turn
from .roles import is_role_label, parse_legend
from .styles import LABEL_STYLES, TS, TS_WRAPPED, match_line, parse_timestamp

_BARE_TS = re.compile(rf"^(?:{TS_WRAPPED}|\[{TS}\s*[-–]\s*{TS}\])$")
_F4_TAIL = re.compile(rf"\s*#{TS}#$")  # f4/f5 write the time at the end of a paragraph
_PARTICLES = {"van", "de", "der", "den", "het", "'t", "ter", "ten", "te", "la", "le", "el", "al",
              "bin", "von", "da", "dos", "du"}
# Words that start spoken sentences with a colon ("Kijk: ...") and are never speakers.
_NOT_LABELS = {"kijk", "nou", "dus", "zeg", "maar", "ja", "nee", "oké", "ok", "want", "namelijk",
               "bijvoorbeeld", "stel", "kortom", "nb", "ps", "let", "en", "of", "toen", "dan", "echt",
               "zo", "wat", "hoe", "waarom", "daarom", "weet", "luister", "eerlijk", "note", "so",
               "well", "look", "listen", "but", "and"}
ANNOTATION = re.compile(
    r"\[[^\[\]\n]{1,60}\]"
    r"|\((?:stilte|lacht|lachen|gelach|pauze|zucht|onverstaanbaar|onhoorbaar|hoest|telefoon"
    r"|door elkaar|inaudible|laughs|laughter|silence|crosstalk|pause)[^()\n]{0,40}\)",
    re.IGNORECASE,
)
_OWN_LINE = {k for k, s in enumerate(LABEL_STYLES) if "(?P<rest>" not in s.pattern}
_BLOCKQUOTE = next(k for k, s in enumerate(LABEL_STYLES) if s.name == "blockquote")
_LEGEND_WINDOW = 40  # a legend sits in the first lines
# A line can hold a label only if it starts like one: a letter, or markup/timestamp before it.
_CAN_START = frozenset("[(#*_>\\0123456789")


def _stop_words() -> frozenset[str]:
    global _STOP_WORDS
    if _STOP_WORDS is None:
        from spacy.lang.en.stop_words import STOP_WORDS as en
        from spacy.lang.nl.stop_words import STOP_WORDS as nl

        _STOP_WORDS = frozenset(nl | en | _NOT_LABELS) - {"i", "a", "r"}
    return _STOP_WORDS


_STOP_WORDS: frozenset[str] | None = None


@functools.lru_cache(maxsize=4096)
def label_shape_ok(label: str) -> bool:
    """A speaker label looks like one: capitalised words (a name, a role), or a known lowercase role label."""
    words = label.split(" ")
    if not words[0][:1].isupper():
        # "interviewee:", "interviewer 2:" - lowercase is fine for role labels, not for short ones ("a:")
        return len(label) >= 3 and is_role_label(label)
    if len(words) == 1 and words[0].lower().rstrip(".") in _stop_words():
        return False
    if words[0].lower() in _NOT_LABELS and len(words) > 1:
        return False
    for word in words[1:]:
        if not (word[:1].isupper() or word[:1].isdigit() or word.lower() in _PARTICLES):
            return False
    return True


def label_match(line: str, styles: frozenset[int] | None = None) -> tuple | None:
    """(style index, label, timestamp or None, rest) for a stripped line that holds a label, or None."""
    if not line or not (line[0].isalpha() or line[0] in _CAN_START):
        return None
    m = match_line(line)
    if m is None or (styles is not None and m[0] not in styles) or not label_shape_ok(m[1]):
        return None
    return m


def accepted_labels(matches: list, legend: dict | None = None) -> set[tuple[int, str]]:
    """The (style, label) pairs that count as speakers: the style and the file agree.

    A pair counts when its label is a role label, named in the legend, or used ``min_uses`` times in the
    file in that style; styles with ``needs_two_labels`` count only with two different speakers.
    """
    counts: dict[tuple[int, str], int] = {}
    for m in matches:
        if m:
            key = (m[0], m[1])
            counts[key] = counts.get(key, 0) + 1
    legend = legend or {}
    ok = {key for key, n in counts.items()
          if n >= LABEL_STYLES[key[0]].min_uses or is_role_label(key[1]) or key[1] in legend}
    for k, style in enumerate(LABEL_STYLES):
        if style.needs_two_labels and len({label for s, label in ok if s == k}) < 2:
            ok = {key for key in ok if key[0] != k}
    return ok


def find_legend(lines: list[str]) -> dict[str, str]:
    """Label -> role word from legend lines among the first lines of the body."""
    legend: dict[str, str] = {}
    for line in lines[:_LEGEND_WINDOW]:
        legend.update(parse_legend(line))
    return legend


# --------------------------------------------------------------------------- turn builder


class TurnBuilder:
    """Collects turns from a stream of labelled and unlabelled lines."""

    def __init__(self, merge_same_speaker: bool = False, preamble: bool = True):
        self.turns: list[dict] = []
        self.merge = merge_same_speaker
        self.preamble = preamble  # subtitles: an unlabelled first cue is speech, not a title
        self.labelled = False
        self._para_open = False

    def start(self, speaker: str, text: str, line: int, ts: float | None, style: str | None = None) -> None:
        if self.merge and self.turns and self.turns[-1]["speaker"] == speaker:
            self.add(text, line)
            return
        self.labelled = True
        self.turns.append({"speaker": speaker, "line": line, "ts": ts, "paras": [[]], "style": style})
        self.add(text, line)

    def add(self, text: str, line: int, ts: float | None = None) -> None:
        # Normalise whitespace only when needed: isprintable() is False for tabs, NBSP and other odd spaces.
        if "  " in text or not text.isprintable() or text[:1] == " " or text[-1:] == " ":
            text = " ".join(text.split())
        if not text:
            return
        if not self.turns:
            self.turns.append({"speaker": UNKNOWN, "line": line, "ts": ts, "paras": [[]],
                               "before_label": True})
        turn = self.turns[-1]
        if not self._para_open and turn["paras"][-1]:
            turn["paras"].append([])
        turn["paras"][-1].append(text)
        self._para_open = True

    def paragraph_break(self) -> None:
        self._para_open = False

    def result(self) -> list[dict]:
        turns = [t for t in self.turns if any(t["paras"])]
        for t in turns:
            t["paras"] = [p for p in t["paras"] if p]
        if self.preamble and self.labelled and turns and turns[0].get("before_label"):
            turns[0]["speaker"] = PREAMBLE  # title, date, "Transcribed by ...": never a respondent
        return turns


def strip_markup(text: str) -> str:
    """Timestamps that are markup, not speech: an f4 time at the end of a line."""
    if "#" in text:
        text = _F4_TAIL.sub("", text)
    return text


def feed_line(builder: TurnBuilder, raw: str, m: tuple | None, line_no: int,
              accepted: set[tuple[int, str]], ts: float | None = None, quote: bool = False) -> None:
    """Feed one line of text (from txt, docx or a subtitle cue) and its label match to the builder."""
    line = raw.strip()
    if not line:
        builder.paragraph_break()
        return
    if m and (m[0], m[1]) in accepted:
        stamp = ts if ts is not None else (parse_timestamp(m[2]) if m[2] else None)
        builder.start(m[1], strip_markup(m[3]), line_no, stamp, LABEL_STYLES[m[0]].name)
        if m[0] in _OWN_LINE:
            builder.paragraph_break()
        return
    if line[0] in "[(#\\0123456789" and _BARE_TS.match(line):
        return  # a line holding only a time continues the turn
    if quote and line[0] == ">":
        line = line[1:]
    builder.add(strip_markup(line), line_no, ts)


def parse_plain(lines: list[str], path: Path, first: int,
                line_numbers: list[int] | None = None) -> tuple[list[dict], list[Problem], dict]:
    """Turns of a plain-text body (txt, md, docx paragraphs). Returns (turns, problems, legend)."""
    body = lines[first:]
    numbers = line_numbers[first:] if line_numbers else range(first + 1, len(lines) + 1)
    matches = [label_match(line.strip()) for line in body]
    first_label = next((i for i, m in enumerate(matches) if m), len(body))
    legend = find_legend(body[:first_label])  # a legend precedes the conversation
    accepted = accepted_labels(matches, legend)
    quote = any(style == _BLOCKQUOTE for style, _ in accepted)
    builder = TurnBuilder()
    for raw, m, no in zip(body, matches, numbers):
        feed_line(builder, raw, m, no, accepted, quote=quote)
    turns = builder.result()
    problems: list[Problem] = []
    if not builder.labelled:
        turns = split_paragraph_turns(turns)
        if turns:
            problems.append(Problem.warning(path, Messages.NO_LABELS))
    elif turns and turns[0]["speaker"] == PREAMBLE:
        problems.append(Problem.warning(path, Messages.PREAMBLE.format(
            n=sum(len(p) for p in turns[0]["paras"])), turns[0]["line"]))
    return turns, problems, legend


def split_paragraph_turns(turns: list[dict]) -> list[dict]:
    """Unlabelled text: one turn per paragraph. Paragraph line numbers are kept per paragraph."""
    out = []
    for t in turns:
        for para in t["paras"]:
            out.append({"speaker": UNKNOWN, "line": None, "ts": None, "paras": [para]})
    return out


def paragraph_lines(turn_dicts: list[dict], lines: list[str], first: int, numbers: list[int] | None) -> None:
    """Give each paragraph-turn of an unlabelled file the line where its paragraph starts."""
    starts = []
    prev_blank = True
    for i in range(first, len(lines)):
        blank = not lines[i].strip()
        if not blank and prev_blank:
            starts.append(numbers[i] if numbers else i + 1)
        prev_blank = blank
    for t, line in zip(turn_dicts, starts):
        t["line"] = line


def assemble(turn_dicts: list[dict]) -> tuple[list[Turn], str]:
    """Build Turn objects and the transcript's normalised plain text with offsets."""
    pieces: list[str] = []
    pos = 0
    turns: list[Turn] = []
    for t in turn_dicts:
        text = "\n".join(" ".join(p) for p in t["paras"])
        header = "" if t["speaker"] in (UNKNOWN, PREAMBLE) else f"{t['speaker']}: "
        if pieces:
            pieces.append("\n\n")
            pos += 2
        pieces.append(header + text)
        start = pos + len(header)
        pos = start + len(text)
        turns.append(Turn(
            speaker=t["speaker"], text=text, line=t["line"] or 0, timestamp=t["ts"],
            start_char=start, end_char=pos, annotations=ANNOTATION.findall(text),
        ))
    return turns, "".join(pieces) + ("\n" if pieces else "")

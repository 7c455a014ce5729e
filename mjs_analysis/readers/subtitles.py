"""WebVTT and SubRip: cues with voice tags (``<v Name>``) or ``Name:`` at the start of a cue.

Consecutive cues of one speaker become one turn, timed by its first cue. Cues whose times run backwards
or overlap are read anyway (players and recorders produce them) with one warning naming the first line.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..errors import Messages, Problem
from .lines import TurnBuilder, accepted_labels, feed_line, label_match, start_with_overlaps
from .styles import parse_timestamp

_CUE_TIME_VTT = r"(?:\d{1,}:)?\d{2}:\d{2}\.\d{3}"
_CUE_TIME_SRT = r"\d{1,}:\d{2}:\d{2}[,.]\d{3}"
# <v Name>, <v.loud Name>, and the malformed <V Name> some tools write
_VOICE = re.compile(r"<[vV](?:\.[^\s>]*)?\s+([^>]+)>")
# Markup to drop: WebVTT cue tags and timestamps; the few tags SubRip players understand.
_TAGS = {
    "vtt": re.compile(r"</?(?:[vV]|c|i|b|u|ruby|rt|lang)\b[^>\n]*>|<\d{1,2}:[\d:.]+>"),
    "srt": re.compile(r"</?(?:i|b|u|font)\b[^>\n]*>", re.IGNORECASE),
}
_COLON_ONLY = frozenset({0})  # in a cue, only "Name: " counts as a label


def _blocks(lines: list[str], start: int) -> list[list[tuple[int, str]]]:
    blocks, current = [], []
    for i in range(start, len(lines)):
        if lines[i].strip():
            current.append((i + 1, lines[i]))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _cues(lines: list[str], path: Path, fmt: str) -> tuple[list[tuple[float, list]], list[Problem]]:
    """(start time, payload lines) per cue, plus problems (errors for unreadable timings)."""
    problems: list[Problem] = []
    start = 0
    if fmt == "vtt":
        if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            return [], [Problem.error(path, Messages.VTT_HEADER, 1)]
        start = 1
        while start < len(lines) and lines[start].strip():  # header block
            start += 1
    time_re = _CUE_TIME_VTT if fmt == "vtt" else _CUE_TIME_SRT
    timing = re.compile(rf"^\s*({time_re})\s+-->\s+({time_re})(?:\s+.*)?$")
    sep = "." if fmt == "vtt" else ","
    cues: list[tuple[float, list]] = []
    reversed_at: list[int] = []
    overlap_at: list[int] = []
    previous_end = None
    for block in _blocks(lines, start):
        first_no, first = block[0]
        if fmt == "vtt" and re.match(r"^(NOTE|STYLE|REGION)\b", first):
            continue
        idx = 0 if "-->" in first else (1 if len(block) > 1 and "-->" in block[1][1] else None)
        if idx is None:
            problems.append(Problem.error(path, Messages.CUE_NO_TIMING, first_no))
            continue
        no, text = block[idx]
        m = timing.match(text)
        if not m:
            problems.append(Problem.error(path, Messages.CUE_TIMING.format(text=text.strip(), sep=sep), no))
            continue
        begin, end = parse_timestamp(m.group(1)), parse_timestamp(m.group(2))
        if end < begin:
            reversed_at.append(no)
        elif previous_end is not None and begin < previous_end:
            overlap_at.append(no)
        previous_end = max(begin, end)
        cues.append((begin, block[idx + 1:]))
    if reversed_at:
        problems.append(Problem.warning(path, Messages.CUE_ORDER.format(n=len(reversed_at)), reversed_at[0]))
    if overlap_at:
        problems.append(Problem.warning(path, Messages.CUE_OVERLAP.format(n=len(overlap_at)), overlap_at[0]))
    return cues, problems


def parse_cues(lines: list[str], path: Path, fmt: str) -> tuple[list[dict], list[Problem]]:
    """Turns of a .vtt (``fmt="vtt"``) or .srt (``"srt"``) file, plus problems."""
    cues, problems = _cues(lines, path, fmt)
    if any(p.is_error for p in problems):
        return [], problems
    payload_lines: list[tuple[int, str, float]] = []
    voices: list[str | None] = []
    cue_starts: list[str] = []
    for begin, payload in cues:
        for j, (no, raw) in enumerate(payload):
            v = _VOICE.search(raw)
            voices.append(v.group(1).strip().lstrip("/").strip() or None if v else None)  # noScribe: <v //S02>
            text = _TAGS[fmt].sub("", raw)
            text = html.unescape(text) if fmt == "vtt" else text
            payload_lines.append((no, text, begin))
            if j == 0:
                cue_starts.append(text)
    # Recorders put "Name: " at the start of a cue, so there one occurrence is enough.
    matches = [None if v else label_match(t.strip(), _COLON_ONLY) for (_, t, _), v in zip(payload_lines, voices)]
    accepted = accepted_labels(matches)
    accepted |= {(m[0], m[1]) for m in (label_match(c.strip(), _COLON_ONLY) for c in cue_starts) if m}
    builder = TurnBuilder(merge_same_speaker=True, preamble=False)
    for (no, text, begin), voice, m in zip(payload_lines, voices, matches):
        if voice:
            start_with_overlaps(builder, voice, text, no, begin, "voice_tag")
        else:
            feed_line(builder, text, m, no, accepted, ts=begin)
    turns = builder.result()
    if not builder.labelled and turns:
        problems.append(Problem.warning(path, Messages.NO_LABELS))
    return turns, problems

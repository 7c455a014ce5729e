"""Speech-recognition outputs: Whisper, WhisperX and faster-whisper ``.json`` and ``.tsv``.

A segment with a ``speaker`` (WhisperX after diarisation) starts a turn of that speaker; consecutive
segments of one speaker become one turn. Without any speaker, each segment is a turn of speaker
``unknown`` (with a warning), so nothing is lost and every turn keeps its time. ``line`` is the segment
number (1-based) for .json and the line for .tsv.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..errors import Messages, Problem
from .base import UNKNOWN
from .lines import TurnBuilder


def _turns(segments: list[tuple[int, float | None, str | None, str]], path: Path) -> tuple[list[dict], list[Problem]]:
    """(line, start, speaker, text) per segment -> turn dicts."""
    problems: list[Problem] = []
    if not any(speaker for _, _, speaker, _ in segments):
        turns = [{"speaker": UNKNOWN, "line": no, "ts": start, "paras": [[" ".join(text.split())]]}
                 for no, start, _, text in segments if text.strip()]
        if turns:
            problems.append(Problem.warning(path, Messages.NO_LABELS_ASR))
        return turns, problems
    builder = TurnBuilder(merge_same_speaker=True, preamble=False)
    for no, start, speaker, text in segments:
        if speaker:
            builder.start(speaker, text, no, start, "asr_speaker")
        else:
            builder.add(text, no, start)
    return builder.result(), problems


def _seconds(value) -> float | None:
    try:
        return round(float(value), 3)
    except (TypeError, ValueError):
        return None


def parse_whisper_json(text: str, path: Path) -> tuple[list[dict], list[Problem]]:
    """Turns of a Whisper/WhisperX/faster-whisper JSON file: ``{"segments": [...]}`` or a list of segments."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [Problem.error(path, Messages.JSON_INVALID.format(reason=exc.msg), exc.lineno)]
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list) or not all(isinstance(s, dict) and isinstance(s.get("text"), str)
                                                 for s in segments):
        return [], [Problem.error(path, Messages.JSON_NO_SEGMENTS)]
    rows = [(i, _seconds(s.get("start")), (str(s["speaker"]).strip() or None) if s.get("speaker") is not None
             else None, s["text"]) for i, s in enumerate(segments, start=1)]
    return _turns(rows, path)


def parse_whisper_tsv(text: str, path: Path) -> tuple[list[dict], list[Problem]]:
    """Turns of a Whisper ``.tsv`` file: ``start``, ``end`` (milliseconds), ``text``, optional ``speaker``."""
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    columns = reader.fieldnames or []
    if "text" not in columns or "start" not in columns:
        return [], [Problem.error(path, Messages.TSV_COLUMNS, 1)]
    rows = []
    for row in reader:
        start = _seconds(row.get("start"))
        rows.append((reader.line_num, None if start is None else round(start / 1000, 3),
                     (row.get("speaker") or "").strip() or None, row.get("text") or ""))
    return _turns(rows, path)

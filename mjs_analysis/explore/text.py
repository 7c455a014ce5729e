"""Plain table functions behind the explorer: filters, narrowing options, keyword in context, context, times.

They return pandas tables (usable anywhere, and tested); :mod:`mjs_analysis.explore.panel` wraps them in
ipywidgets.
"""

from __future__ import annotations

import html
import math
import re
from typing import Mapping, Sequence

import pandas as pd

__all__ = ["ALL", "filter_turns", "narrowed_options", "code_options", "kwic", "kwic_html", "context",
           "format_time"]

ALL = "(alle)"
_WORD_CHAR = re.compile(r"\w")


def _given(value) -> bool:
    return value not in (None, ALL, "")


def filter_turns(segments: pd.DataFrame, tags: pd.DataFrame | None = None, *, neighbourhood: str | None = None,
                 stakeholder: str | None = None, speaker: str | None = None, code: str | None = None) -> pd.DataFrame:
    """The turns that match every given filter (None or "(alle)" means no filter on that column)."""
    mask = pd.Series(True, index=segments.index)
    for column, value in (("neighbourhood", neighbourhood), ("stakeholder", stakeholder), ("speaker", speaker)):
        if _given(value):
            mask &= segments[column].astype(str) == str(value)
    out = segments[mask]
    if _given(code):
        if tags is None:
            raise ValueError("filtering on a code needs the tags table")
        keys = tags.loc[tags["code"] == code, ["transcript_id", "turn"]].drop_duplicates()
        out = out.merge(keys, on=["transcript_id", "turn"])
    return out.reset_index(drop=True)


def _values(series: pd.Series) -> list[str]:
    return sorted({str(v) for v in series if v is not None and v == v})


def narrowed_options(segments: pd.DataFrame, tags: pd.DataFrame | None = None, *, neighbourhood: str | None = None,
                     stakeholder: str | None = None, speaker: str | None = None) -> dict[str, list[str]]:
    """What the filter lists offer once a neighbourhood (and a role, and a speaker) is chosen.

    Each list narrows by the choices to its left: roles by the neighbourhood; speakers by neighbourhood and
    role; codes (ids, in codebook order is up to the caller) by neighbourhood, role and speaker. The
    neighbourhood list itself never narrows.
    """
    in_hood = filter_turns(segments, neighbourhood=neighbourhood)
    in_role = filter_turns(in_hood, stakeholder=stakeholder)
    in_speaker = filter_turns(in_role, speaker=speaker)
    codes: list[str] = []
    if tags is not None and len(tags):
        keys = in_speaker[["transcript_id", "turn"]].drop_duplicates()
        codes = _values(tags.merge(keys, on=["transcript_id", "turn"])["code"])
    return {"neighbourhood": _values(segments["neighbourhood"]), "stakeholder": _values(in_hood["stakeholder"]),
            "speaker": _values(in_role["speaker"]), "code": codes}


def code_options(codes: Sequence[str], labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """Dropdown options for codes: (Dutch label, id), sorted by label; a label shared by two codes gets its id."""
    shown = [(labels.get(c, c), c) for c in codes]
    counts = pd.Series([label for label, _ in shown]).value_counts() if shown else pd.Series(dtype=int)
    return sorted(((f"{label} ({c})" if counts[label] > 1 else label), c) for label, c in shown)


def _trim_left(text: str) -> str:
    """Drop a word cut off at the start of a left context."""
    if text and _WORD_CHAR.match(text[0]):
        m = re.search(r"\W", text)
        return text[m.start():] if m else ""
    return text


def _trim_right(text: str) -> str:
    """Drop a word cut off at the end of a right context."""
    if text and _WORD_CHAR.match(text[-1]):
        m = re.search(r"\W(?=\w*$)", text)
        return text[:m.end()] if m else ""
    return text


def kwic(segments: pd.DataFrame, pattern: str, *, window: int = 60, regex: bool = False,
         whole_word: bool = False) -> pd.DataFrame:
    """Keyword in context on word boundaries: one row per hit in the turns' text, case-insensitive.

    A hit is always whole words: the pattern must start at a word start, and the hit runs on to the end of
    the word it is in (``vertrouw`` finds and shows *vertrouwen*, never ``vertrouw | en``). The contexts
    are cut at word boundaries too (a word that does not fit in ``window`` is left out, not split).

    Parameters
    ----------
    segments : DataFrame
        Turns (``transcript_id``, ``turn``, ``speaker``, ``text``; ``timestamp`` and ``start_char`` if present).
    pattern : str
        A word or word start (``vertrouw`` finds vertrouwen and vertrouwd), or a regular expression
        when ``regex=True``.
    window : int, default 60
        At most this many characters of context on each side.
    whole_word : bool, default False
        Match whole words only (``vertrouw`` then finds *vertrouw*, not *vertrouwen*).

    Returns
    -------
    DataFrame with ``transcript_id, turn, speaker, timestamp, left, hit, right, start_char`` where
    ``start_char`` is the hit's offset in ``Transcript.text`` (traceable to the source).
    """
    if not isinstance(window, int) or isinstance(window, bool) or window < 0:
        raise ValueError(f"The 'window' parameter of kwic must be a non-negative int. Got {window!r} instead.")
    body = pattern if regex else re.escape(pattern.strip())
    if not body:
        raise ValueError("The 'pattern' parameter of kwic must not be empty.")
    try:
        rx = re.compile(rf"\b(?:{body})\b" if whole_word else rf"\b(?:{body})", re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"The 'pattern' parameter of kwic is not a valid regular expression: {exc}") from None
    rows = []
    for seg in segments.itertuples(index=False):
        text = seg.text
        for m in rx.finditer(text):
            if m.end() == m.start():
                continue
            start, end = m.start(), m.end()
            while start > 0 and _WORD_CHAR.match(text[start - 1]) and _WORD_CHAR.match(text[start]):
                start -= 1
            while end < len(text) and _WORD_CHAR.match(text[end]) and _WORD_CHAR.match(text[end - 1]):
                end += 1
            left = text[max(0, start - window):start]
            right = text[end:end + window]
            if start - window > 0 and _WORD_CHAR.match(text[start - window - 1]):  # cut inside a word
                left = _trim_left(left)
            if end + window < len(text) and _WORD_CHAR.match(text[end + window]):
                right = _trim_right(right)
            rows.append({"transcript_id": seg.transcript_id, "turn": seg.turn, "speaker": seg.speaker,
                         "timestamp": getattr(seg, "timestamp", None),
                         "left": left.replace("\n", " "), "hit": text[start:end],
                         "right": right.replace("\n", " "),
                         "start_char": getattr(seg, "start_char", 0) + start})
    return pd.DataFrame(rows, columns=["transcript_id", "turn", "speaker", "timestamp", "left", "hit", "right",
                                       "start_char"])


def format_time(seconds) -> str:
    """``687.752`` -> ``"11:27"``; from an hour on ``"1:02:03"``; missing -> ``""``. Seconds are rounded down."""
    if seconds is None:
        return ""
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        return ""
    if math.isnan(value) or value < 0:
        return ""
    total = int(value)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


_KWIC_CSS = ("<style>.mjs-kwic td{padding:1px 6px;white-space:nowrap;vertical-align:top}"
             ".mjs-kwic td.mjs-left{text-align:right}.mjs-kwic td.mjs-hit{text-align:center;font-weight:bold}"
             ".mjs-kwic td.mjs-right{text-align:left}.mjs-kwic th{text-align:left}</style>")


def kwic_html(hits: pd.DataFrame, *, max_rows: int = 50) -> str:
    """The hits as an HTML table: left context right-aligned, the keyword, right context left-aligned."""
    esc = html.escape
    rows = []
    for h in hits.head(max_rows).itertuples(index=False):
        rows.append(f'<tr data-transcript="{esc(str(h.transcript_id))}" data-turn="{int(h.turn)}">'
                    f"<td>{esc(str(h.transcript_id))}</td><td>{int(h.turn)}</td>"
                    f'<td class="mjs-time">{esc(format_time(h.timestamp))}</td><td>{esc(str(h.speaker))}</td>'
                    f'<td class="mjs-left">{esc(h.left)}</td><td class="mjs-hit">{esc(h.hit)}</td>'
                    f'<td class="mjs-right">{esc(h.right)}</td></tr>')
    head = ("<tr><th>transcript</th><th>beurt</th><th>tijd</th><th>spreker</th>"
            '<th style="text-align:right">links</th><th>trefwoord</th><th>rechts</th></tr>')
    return f'{_KWIC_CSS}<table class="mjs-kwic">{head}{"".join(rows)}</table>'


def context(segments: pd.DataFrame, transcript_id: str, turn: int, before: int = 1, after: int = 1) -> pd.DataFrame:
    """The turn and its neighbours in the same transcript, for reading a hit in its conversation.

    ``time`` is the timestamp as ``mm:ss`` (``h:mm:ss`` from an hour on).
    """
    part = segments[segments["transcript_id"] == transcript_id]
    if part.empty:
        raise ValueError(f"unknown transcript_id {transcript_id!r}")
    rows = part[(part["turn"] >= turn - before) & (part["turn"] <= turn + after)].copy()
    if "timestamp" in rows:
        rows["time"] = rows["timestamp"].map(format_time)
    return rows[[c for c in ("transcript_id", "turn", "speaker", "time", "text") if c in rows]].reset_index(drop=True)

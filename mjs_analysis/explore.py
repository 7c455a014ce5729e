"""Interactive exploration in JupyterLab: filter turns, keyword in context, and the turns around a hit.

:func:`kwic` and :func:`context` are plain functions returning tables (usable anywhere, and tested);
:func:`explorer` wraps them in ipywidgets for the ``00_verkennen`` notebook.
"""

from __future__ import annotations

import re
from typing import Sequence

import pandas as pd

__all__ = ["filter_turns", "kwic", "context", "explorer"]

_ALL = "(alle)"


def filter_turns(segments: pd.DataFrame, tags: pd.DataFrame | None = None, *, neighbourhood: str | None = None,
                 stakeholder: str | None = None, speaker: str | None = None, code: str | None = None) -> pd.DataFrame:
    """The turns that match every given filter (None or "(alle)" means no filter on that column)."""
    mask = pd.Series(True, index=segments.index)
    for column, value in (("neighbourhood", neighbourhood), ("stakeholder", stakeholder), ("speaker", speaker)):
        if value not in (None, _ALL):
            mask &= segments[column] == value
    out = segments[mask]
    if code not in (None, _ALL):
        if tags is None:
            raise ValueError("filtering on a code needs the tags table")
        keys = tags.loc[tags["code"] == code, ["transcript_id", "turn"]].drop_duplicates()
        out = out.merge(keys, on=["transcript_id", "turn"])
    return out.reset_index(drop=True)


def kwic(segments: pd.DataFrame, pattern: str, *, window: int = 60, regex: bool = False,
         whole_word: bool = False) -> pd.DataFrame:
    """Keyword in context: one row per hit in the turns' text, case-insensitive.

    Parameters
    ----------
    segments : DataFrame
        Turns (``transcript_id``, ``turn``, ``speaker``, ``text``; ``timestamp`` and ``start_char`` if present).
    pattern : str
        A word or word start (``vertrouw`` finds vertrouwen and vertrouwd), or a regular expression
        when ``regex=True``.
    window : int, default 60
        Characters of context on each side.
    whole_word : bool, default False
        Match whole words only.

    Returns
    -------
    DataFrame with ``transcript_id, turn, speaker, timestamp, left, hit, right, start_char`` where
    ``start_char`` is the hit's offset in ``Transcript.text`` (traceable to the source).
    """
    if not isinstance(window, int) or window < 0:
        raise ValueError(f"The 'window' parameter of kwic must be a non-negative int. Got {window!r} instead.")
    body = pattern if regex else re.escape(pattern.strip())
    if not body:
        raise ValueError("The 'pattern' parameter of kwic must not be empty.")
    try:
        rx = re.compile(rf"\b(?:{body})\b" if whole_word else (body if regex else rf"\b{body}"), re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"The 'pattern' parameter of kwic is not a valid regular expression: {exc}") from None
    rows = []
    for seg in segments.itertuples(index=False):
        text = seg.text
        for m in rx.finditer(text):
            rows.append({"transcript_id": seg.transcript_id, "turn": seg.turn, "speaker": seg.speaker,
                         "timestamp": getattr(seg, "timestamp", None),
                         "left": text[max(0, m.start() - window):m.start()].replace("\n", " "),
                         "hit": m.group(0),
                         "right": text[m.end():m.end() + window].replace("\n", " "),
                         "start_char": getattr(seg, "start_char", 0) + m.start()})
    return pd.DataFrame(rows, columns=["transcript_id", "turn", "speaker", "timestamp", "left", "hit", "right",
                                       "start_char"])


def context(segments: pd.DataFrame, transcript_id: str, turn: int, before: int = 1, after: int = 1) -> pd.DataFrame:
    """The turn and its neighbours in the same transcript, for reading a hit in its conversation."""
    part = segments[segments["transcript_id"] == transcript_id]
    if part.empty:
        raise ValueError(f"unknown transcript_id {transcript_id!r}")
    rows = part[(part["turn"] >= turn - before) & (part["turn"] <= turn + after)]
    return rows[[c for c in ("transcript_id", "turn", "speaker", "timestamp", "text") if c in rows]].reset_index(drop=True)


def _options(values: Sequence) -> list:
    return [_ALL, *sorted({str(v) for v in values if v is not None and v == v})]


def explorer(segments: pd.DataFrame, tags: pd.DataFrame | None = None, *, max_rows: int = 50):
    """An ipywidgets panel: filters (neighbourhood, role, speaker, code), a keyword search, and a hit's context.

    Returns the widget (display it as the last expression of a cell).
    """
    import ipywidgets as w
    from IPython.display import HTML, display

    pick = {name: w.Dropdown(options=_options(segments[col]), description=label)
            for name, col, label in (("neighbourhood", "neighbourhood", "Buurt"),
                                     ("stakeholder", "stakeholder", "Rol"),
                                     ("speaker", "speaker", "Spreker"))}
    pick["code"] = w.Dropdown(options=_options(tags["code"]) if tags is not None else [_ALL], description="Code")
    query = w.Text(description="Zoekterm", placeholder="bijv. vertrouw")
    hits_out, turn_out = w.Output(), w.Output()
    chooser = w.Dropdown(description="Lees beurt", options=[])

    def refresh(*_):
        turns = filter_turns(segments, tags, **{k: v.value for k, v in pick.items()})
        hits_out.clear_output()
        with hits_out:
            if query.value.strip():
                table = kwic(turns, query.value)
                print(f"{len(table)} treffers in {len(turns)} beurten")
                display(HTML(table.head(max_rows).to_html(index=False)))
                keys = table[["transcript_id", "turn"]].drop_duplicates().head(max_rows)
            else:
                print(f"{len(turns)} beurten")
                display(HTML(turns[["transcript_id", "turn", "speaker", "text"]].head(max_rows).to_html(index=False)))
                keys = turns[["transcript_id", "turn"]].head(max_rows)
        chooser.options = [(f"{t} beurt {n}", (t, int(n))) for t, n in keys.itertuples(index=False)]

    def show_turn(change):
        turn_out.clear_output()
        if change["new"]:
            with turn_out:
                display(HTML(context(segments, *change["new"]).to_html(index=False)))

    for widget in [*pick.values(), query]:
        widget.observe(refresh, names="value")
    chooser.observe(show_turn, names="value")
    refresh()
    return w.VBox([w.HBox(list(pick.values())), query, hits_out, chooser, turn_out])

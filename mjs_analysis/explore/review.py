"""Review progress and which turns to review next."""

from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd

__all__ = ["progress", "progress_text", "suggestions", "weak_or_negated"]


def progress(units: pd.DataFrame, reviewed: Iterable[tuple[str, int]]) -> tuple[int, int]:
    """(reviewed, total) respondent turns of ``units``."""
    keys = set(zip(units["transcript_id"].astype(str), units["turn"].astype(int)))
    return len(keys & {(str(t), int(n)) for t, n in reviewed}), len(keys)


def progress_text(units: pd.DataFrame, reviewed: Iterable[tuple[str, int]]) -> str:
    """``"37 van 245 beurten beoordeeld"``."""
    done, total = progress(units, reviewed)
    return f"{done} van {total} {'beurt' if total == 1 else 'beurten'} beoordeeld"


def weak_or_negated(tags: pd.DataFrame) -> pd.Series:
    """Per tag row: was the code given on weak cues only, or changed or kept through a negation?"""
    if tags.empty:
        return pd.Series([], dtype=bool)
    rules = tags["rule"].fillna("").astype(str)
    weak_only = rules.map(lambda r: bool(r) and all(part.strip().startswith("weak:") for part in r.split(";")))
    negated = tags["negated"].fillna(False).astype(bool) if "negated" in tags else False
    return weak_only | negated | rules.str.contains("negated", regex=False)


def suggestions(units: pd.DataFrame, tags: pd.DataFrame | None, reviewed: Iterable[tuple[str, int]],
                decisions: pd.DataFrame | None = None, labels: Mapping[str, str] | None = None,
                n: int = 10) -> pd.DataFrame:
    """The unreviewed turns most worth reviewing next, best first.

    1. turns coded only by weak cues or through a negation (the tagger's least certain calls);
    2. turns carrying a code with few reviewed examples (fewest first), so every code gets checked;
    3. then the other unreviewed turns, in transcript order.

    Returns ``transcript_id, turn, reason`` (the reason in Dutch).
    """
    labels = labels or {}
    done = {(str(t), int(k)) for t, k in reviewed}
    keys = units[["transcript_id", "turn"]].drop_duplicates()
    keys = keys[[(str(t), int(k)) not in done for t, k in keys.itertuples(index=False)]]
    columns = ["transcript_id", "turn", "reason"]
    if keys.empty:
        return pd.DataFrame(columns=columns)
    order = {key: i for i, key in enumerate(keys.itertuples(index=False, name=None))}
    tags = tags if tags is not None else pd.DataFrame(columns=["transcript_id", "turn", "code", "rule"])
    mine = tags.merge(keys, on=["transcript_id", "turn"])
    # how many reviewed turns already carry each code (automatically, or by a decision)
    reviewed_count: dict[str, int] = {}
    if len(tags):
        seen = tags[[(str(t), int(k)) in done for t, k in zip(tags["transcript_id"], tags["turn"])]]
        pairs = set(zip(seen["transcript_id"], seen["turn"], seen["code"]))
        if decisions is not None and len(decisions):
            pairs |= set(zip(decisions["transcript_id"], decisions["turn"].astype(int), decisions["code"]))
        for _, _, code in pairs:
            if code:
                reviewed_count[code] = reviewed_count.get(code, 0) + 1
    rows = []
    uncertain = weak_or_negated(mine) if len(mine) else pd.Series([], dtype=bool)
    for (tid, turn), part in mine.groupby(["transcript_id", "turn"], sort=False):
        flags = uncertain.loc[part.index]
        if flags.any():
            codes = ", ".join(labels.get(c, c) for c in part.loc[flags, "code"])
            rows.append((0, 0, order[(tid, turn)], tid, turn, f"onzeker: zwakke aanwijzing of ontkenning ({codes})"))
        else:
            fewest = min(part["code"], key=lambda c: (reviewed_count.get(c, 0), c))
            count = reviewed_count.get(fewest, 0)
            rows.append((1, count, order[(tid, turn)], tid, turn,
                         f"{labels.get(fewest, fewest)}: {count} beoordeelde voorbeeld{'' if count == 1 else 'en'}"))
    coded = set(zip(mine["transcript_id"], mine["turn"]))
    for key, i in order.items():
        if key not in coded:
            rows.append((2, 0, i, key[0], key[1], "nog niet beoordeeld, geen automatische code"))
    rows.sort(key=lambda r: r[:3])
    out = pd.DataFrame([r[3:] for r in rows[:n]], columns=columns)
    out["turn"] = out["turn"].astype(int)
    return out

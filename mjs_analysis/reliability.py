"""Agreement between coders: Krippendorff's alpha, Cohen's kappa, and the tagger's precision/recall/F1.

Codings are tidy tables with one row per (transcript_id, turn, code, coder), as the manual codings in
``corpus/coding/`` and the output of :func:`mjs_analysis.tag` are. Agreement is computed over *units*:
every respondent turn of the transcripts that were coded, so that a turn nobody coded counts as agreement
that no code applies.

A coding file may also be a *review log*, as the explorer writes it (``coding/<coder>.csv``): the same
columns plus ``decision`` (``accept``/``add`` give the code, ``reject``/``remove`` take it back; ``none``
and ``note`` only mark the turn as reviewed), one row per decision in the order they were made.
:func:`read_codings` keeps the codes whose last decision gives them; :func:`coverage` says which turns each
coder has seen (a log: the reviewed turns; a plain file: every respondent turn of its transcripts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from .errors import MjsError

__all__ = ["krippendorff_alpha", "cohen_kappa", "read_codings", "fold_decisions", "reviewed_turns", "seen_by_all",
           "agreement",
           "code_reliability", "CODING_COLUMNS", "RELIABLE_ALPHA"]

#: Krippendorff's threshold: below it a code's automatic coding is too unreliable to build conclusions on.
RELIABLE_ALPHA = 0.667

CODING_COLUMNS = ["transcript_id", "turn", "code", "coder"]
LEVELS = ("nominal", "ordinal", "interval", "ratio")
GIVING = ("accept", "add")          # decisions of a review log that give a turn a code
TAKING = ("reject", "remove")       # ... and that take it back
TURN_ONLY = ("none", "note")        # ... and that only mark the turn as reviewed (no code)


def krippendorff_alpha(data, level: str = "nominal") -> float:
    """Krippendorff's alpha for a coders × units table of values, with missing values as NaN.

    Parameters
    ----------
    data : array-like of shape (n_coders, n_units)
        Values (numbers, or any hashable for ``level="nominal"``); NaN/None where a coder gave none.
    level : {"nominal", "ordinal", "interval", "ratio"}, default "nominal"
        The metric of the values.

    Returns
    -------
    float
        1 is perfect agreement, 0 agreement at chance level; NaN when there is no variation at all.

    Examples
    --------
    The worked example of Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability":

    >>> nan = float("nan")
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(krippendorff_alpha(data, "nominal"), 3)
    0.743
    >>> round(krippendorff_alpha(data, "interval"), 3)
    0.849
    """
    if level not in LEVELS:
        raise ValueError(f"The 'level' parameter of krippendorff_alpha must be one of {', '.join(LEVELS)}. "
                         f"Got {level!r} instead.")
    arr = np.asarray(data, dtype=object)
    if arr.ndim != 2 or arr.shape[0] < 2:
        raise ValueError("krippendorff_alpha needs a 2-D table with at least two coders (rows).")
    present = ~pd.isna(arr)
    given, unit_of = arr[present], np.nonzero(present)[1]
    if level != "nominal":
        given = given.astype(float)
    values = np.array(sorted(set(given.tolist()), key=lambda v: (str(type(v)), v)), dtype=object)
    position = {v: i for i, v in enumerate(values.tolist())}
    # counts[u, v]: how many coders gave value v to unit u
    counts = np.zeros((arr.shape[1], len(values)))
    np.add.at(counts, (unit_of, np.array([position[v] for v in given.tolist()], dtype=int)), 1)
    m = counts.sum(axis=1)
    counts, m = counts[m >= 2], m[m >= 2]  # only pairable units count
    if len(values) < 2 or counts.size == 0:
        return float("nan")
    weighted = counts / (m - 1)[:, None]
    coincidence = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_v = coincidence.sum(axis=0)
    n = n_v.sum()
    delta = _delta(values, n_v, level)
    observed = (coincidence * delta).sum()
    expected = (np.outer(n_v, n_v) * delta).sum() / (n - 1)
    return float(1 - observed / expected) if expected > 0 else float("nan")


def _delta(values: np.ndarray, n_v: np.ndarray, level: str) -> np.ndarray:
    """Squared difference between every pair of values, for the metric of ``level``."""
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    v = values.astype(float)
    if level == "interval":
        return np.subtract.outer(v, v) ** 2
    if level == "ratio":
        total = np.add.outer(v, v)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = (np.subtract.outer(v, v) / total) ** 2
        return np.nan_to_num(out)
    # ordinal: the mass of values between c and k, minus half of the two ends
    cum = np.concatenate([[0], np.cumsum(n_v)])
    i, j = np.meshgrid(np.arange(len(v)), np.arange(len(v)), indexing="ij")
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    between = cum[hi + 1] - cum[lo]
    return (between - (n_v[i] + n_v[j]) / 2) ** 2


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's kappa of two coders' labels for the same units (scikit-learn's implementation).

    NaN when both coders gave one and the same label to every unit (kappa is undefined there).
    """
    a, b = np.asarray(a), np.asarray(b)
    if len(np.unique(np.concatenate([a, b]))) < 2:
        return float("nan")
    return float(cohen_kappa_score(a, b))


def read_codings(paths: Sequence[str | Path]) -> pd.DataFrame:
    """Read manual codings (CSV with ``transcript_id, turn, code, coder``) into one table."""
    frames = []
    for path in paths:
        path = Path(path)
        try:
            frame = pd.read_csv(path, dtype={"transcript_id": str, "code": str, "coder": str})
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            raise MjsError(f"{path}: cannot read codings: {exc}") from None
        missing = [c for c in CODING_COLUMNS if c not in frame.columns]
        if missing:
            raise MjsError(f"{path}: codings need the columns {', '.join(CODING_COLUMNS)}; missing {', '.join(missing)}")
        if not pd.api.types.is_integer_dtype(frame["turn"]):
            raise MjsError(f"{path}: the 'turn' column must hold whole numbers")
        if "decision" in frame.columns:
            frame = fold_decisions(frame, path)
        frames.append(frame[CODING_COLUMNS])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CODING_COLUMNS)


def fold_decisions(log: pd.DataFrame, path: str | Path = "") -> pd.DataFrame:
    """The codes a review log gives: per (transcript_id, turn, code, coder) the last decision, if it gives one."""
    decision = log["decision"].fillna("").astype(str).str.strip()
    unknown = sorted(set(decision) - set(GIVING) - set(TAKING) - set(TURN_ONLY) - {""})
    if unknown:
        raise MjsError(f"{path}: unknown decision(s) {', '.join(map(repr, unknown))}; "
                       f"expected {', '.join(GIVING + TAKING + TURN_ONLY)}")
    rows = log.assign(decision=decision.replace("", "add"))
    rows = rows[rows["code"].fillna("").astype(str).str.strip() != ""]
    rows = rows[~rows["decision"].isin(TURN_ONLY)]
    last = rows.drop_duplicates(["transcript_id", "turn", "code", "coder"], keep="last")
    return last[last["decision"].isin(GIVING)].reset_index(drop=True)


def reviewed_turns(paths: Sequence[str | Path]) -> pd.DataFrame | None:
    """``transcript_id, turn, coder`` of every turn a review log holds a decision on; None without logs."""
    frames = []
    for path in paths:
        try:
            frame = pd.read_csv(path, dtype={"transcript_id": str, "coder": str})
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            raise MjsError(f"{path}: cannot read codings: {exc}") from None
        if "decision" in frame.columns:
            frames.append(frame[["transcript_id", "turn", "coder"]])
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True).drop_duplicates().reset_index(drop=True)


def seen_by_all(codings: pd.DataFrame, reviewed: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """The (transcript_id, turn) pairs every coder has seen: a review log's reviewed turns, a plain coding
    file's every respondent turn of the transcripts it codes."""
    keys = units[["transcript_id", "turn"]].drop_duplicates()
    logged = set(reviewed["coder"])
    for coder in sorted(set(codings["coder"]) | logged):
        if coder in logged:
            seen = reviewed.loc[reviewed["coder"] == coder, ["transcript_id", "turn"]]
        else:
            tids = set(codings.loc[codings["coder"] == coder, "transcript_id"])
            seen = units.loc[units["transcript_id"].isin(tids), ["transcript_id", "turn"]]
        keys = keys.merge(seen.drop_duplicates(), on=["transcript_id", "turn"])
    return keys


def agreement(codings: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str],
              reference: str | None = None) -> pd.DataFrame:
    """Per-code agreement between every pair of coders in ``codings``.

    Parameters
    ----------
    codings : DataFrame
        ``transcript_id, turn, code, coder`` rows (manual codings and/or the tagger as a coder).
    units : DataFrame
        The units (``transcript_id``, ``turn``) that were coded, including those that got no code.
    codes : sequence of str
        The codes to report (every one gets a row, also when nobody used it).
    reference : str, optional
        A coder whose pairs get precision, recall and F1 of the *other* coder against the pair's
        human side (use "tagger": P/R/F1 of the tagger against each human).

    Returns
    -------
    DataFrame
        One row per (pair, code) plus an ``(all codes)`` row per pair (micro-averaged: every unit × code
        is one decision): ``coder_a``, ``coder_b``, ``code``, ``n_units``, ``n_a``, ``n_b``, ``alpha``,
        ``kappa``, ``precision``, ``recall``, ``f1``.
    """
    from .tagging import code_matrix

    coders = list(dict.fromkeys(codings["coder"]))
    rows = []
    for i, a in enumerate(coders):
        for b in coders[i + 1:]:
            if reference is not None and a == reference:
                a, b = b, a  # the human side first; P/R/F1 are of the reference coder against it
            ma = code_matrix(codings[codings["coder"] == a], units, codes)
            mb = code_matrix(codings[codings["coder"] == b], units, codes)
            for code in [*codes, "(all codes)"]:
                x = ma.to_numpy().ravel() if code == "(all codes)" else ma[code].to_numpy()
                y = mb.to_numpy().ravel() if code == "(all codes)" else mb[code].to_numpy()
                row = {"coder_a": a, "coder_b": b, "code": code, "n_units": len(x),
                       "n_a": int(x.sum()), "n_b": int(y.sum()),
                       "alpha": krippendorff_alpha(np.vstack([x, y])) if (x.any() or y.any()) else float("nan"),
                       "kappa": cohen_kappa(x, y)}
                if reference is not None and reference in (a, b):
                    p, r, f, _ = precision_recall_fscore_support(x, y, average="binary", zero_division=0)
                    row.update(precision=p, recall=r, f1=f)
                rows.append(row)
    columns = ["coder_a", "coder_b", "code", "n_units", "n_a", "n_b", "alpha", "kappa", "precision", "recall", "f1"]
    return pd.DataFrame(rows).reindex(columns=columns)


def _binary_alpha(d: np.ndarray, ones: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Nominal alpha of two coders on binary units, from the disagreements ``d``, the number of 1s over both
    coders ``ones`` and the units ``n`` (arrays: one value per sample). NaN when one value is never used."""
    total = 2.0 * n
    zeros = total - ones
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (total - 1.0) * d / (ones * zeros)
    return np.where((ones > 0) & (zeros > 0), alpha, np.nan)


def code_reliability(codings: pd.DataFrame, tags: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str],
                     *, n_boot: int = 1000, level: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Per code: how well the automatic coding agrees with each human coder, with a bootstrap interval.

    Parameters
    ----------
    codings : DataFrame
        Manual codings (``transcript_id, turn, code, coder``).
    tags : DataFrame
        The automatic codes (``transcript_id, turn, code``).
    units : DataFrame
        The coded units (``transcript_id, turn``), also those without any code.
    codes : sequence of str
    n_boot : int, default 1000
        Bootstrap samples. Transcripts are resampled, not turns: the turns of one interview are not
        independent.
    level : float, default 0.95
    seed : int, default 0

    Returns
    -------
    DataFrame
        One row per code: ``alpha`` (tagger against each coder, averaged over the coders), ``alpha_low`` /
        ``alpha_high`` (percentile interval), ``precision``, ``recall``, ``f1`` (averaged over the coders),
        ``n_units``, ``n_transcripts``, and ``reliable``: alpha at least RELIABLE_ALPHA (False when unknown).
    """
    from .tagging import code_matrix

    if not _is_count(n_boot) or not 0 < level < 1:
        raise ValueError(f"'n_boot' must be a whole number >= 1 and 'level' in (0, 1); got {n_boot!r}, {level!r}.")
    units = units[["transcript_id", "turn"]].drop_duplicates()
    coders = list(dict.fromkeys(codings["coder"]))
    machine = code_matrix(tags, units, codes)
    groups = units["transcript_id"].to_numpy()
    ids, inverse = np.unique(groups, return_inverse=True)
    n_per = np.bincount(inverse, minlength=len(ids)).astype(float)
    rng = np.random.default_rng(seed)
    boot = rng.integers(0, len(ids), size=(n_boot, len(ids))) if len(ids) else np.zeros((n_boot, 0), int)
    weights = np.apply_along_axis(np.bincount, 1, boot, minlength=len(ids)) if len(ids) else boot
    rows = []
    for code in codes:
        m = machine[code].to_numpy()
        alphas, boots, prf = [], [], []
        for coder in coders:
            h = code_matrix(codings[codings["coder"] == coder], units, [code])[code].to_numpy()
            d = np.bincount(inverse, weights=(m != h), minlength=len(ids))
            ones = np.bincount(inverse, weights=m + h, minlength=len(ids))
            alphas.append(_binary_alpha(np.array([d.sum()]), np.array([ones.sum()]), np.array([n_per.sum()]))[0])
            boots.append(_binary_alpha(weights @ d, weights @ ones, weights @ n_per))
            p, r, f, _ = precision_recall_fscore_support(h, m, average="binary", zero_division=0)
            prf.append((p if m.any() else np.nan, r if h.any() else np.nan, f))
        with np.errstate(all="ignore"):
            alpha = float(np.nanmean(alphas)) if not np.all(np.isnan(alphas)) else np.nan
            dist = np.nanmean(np.vstack(boots), axis=0) if boots else np.array([np.nan])
        dist = dist[~np.isnan(dist)]
        tail = (1 - level) / 2
        low, high = (np.quantile(dist, [tail, 1 - tail]) if len(dist) else (np.nan, np.nan))
        p, r, f = (np.nanmean([x[i] for x in prf]) if prf and not all(np.isnan(x[i]) for x in prf) else np.nan
                   for i in range(3))
        rows.append({"code": code, "alpha": alpha, "alpha_low": float(low), "alpha_high": float(high),
                     "precision": p, "recall": r, "f1": f, "n_units": len(units), "n_transcripts": len(ids),
                     "reliable": bool(alpha >= RELIABLE_ALPHA) if alpha == alpha else False})
    return pd.DataFrame(rows)


def _is_count(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool) and x >= 1

"""Comparing neighbourhoods and roles: code frequencies with intervals, tests that know when there is too
little data, distinctive words, code co-occurrence, key quotes, and the corpus's answer key.

Every function takes and returns tidy pandas tables. Counts are summed per group first and normalised
afterwards (a share of respondent turns, a rate per 1,000 words), never averaged from per-transcript
rates. The unit is the respondent turn: ``units`` is the segment table restricted to the turns that were
coded (respondents and speakers of unknown role: ``Analysis.units``), and ``tags`` is the output of
:func:`mjs_analysis.tag` (or a manual coding with ``transcript_id, turn, code``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

#: Decimals of a score that rankings see: smaller differences are floating-point noise (BLAS, CPU kernel)
#: and must not reorder words or quotes between machines.
SCORE_DECIMALS = 6


def _ranked(frame: pd.DataFrame, keys: Sequence[tuple[str, bool]]) -> pd.DataFrame:
    """``frame`` sorted by ``(column, ascending)`` keys, float scores rounded first, stable: the explicit,
    machine-independent order every ranking of this module uses."""
    if frame.empty:
        return frame.reset_index(drop=True)
    cols = [c for c, _ in keys]
    view = frame[cols].copy()
    for c in cols:
        if pd.api.types.is_float_dtype(view[c]):
            view[c] = view[c].round(SCORE_DECIMALS)
    order = view.sort_values(cols, ascending=[a for _, a in keys], kind="stable").index
    return frame.loc[order].reset_index(drop=True)


__all__ = ["certainty", "uncertain_note", "code_frequencies", "code_association", "distinctive_words", "code_cooccurrence", "key_quotes",
           "check_contrasts", "group_versus_rest", "findings", "format_p"]


def _presence(tags: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Units × codes, 0/1, in the order of ``units``."""
    from .tagging import code_matrix

    return code_matrix(tags, units, codes)


def code_frequencies(tags: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str], by: str = "neighbourhood",
                     confidence: float = 0.95) -> pd.DataFrame:
    """How often each code occurs per group.

    Returns one row per (group, code), every code included even when it never occurs: ``n_units``
    (respondent turns in the group), ``count`` (turns with the code), ``share`` with a Wilson interval
    (``share_low``, ``share_high``), ``words`` (words in the group's turns), ``hits`` (rule hits, when
    ``tags`` has ``n_hits``) and ``rate_per_1000`` (hits per 1,000 words).
    """
    flags = _presence(tags, units, codes)
    groups = units[by].to_numpy()
    words = units["n_words"].to_numpy() if "n_words" in units else units["text"].str.split().str.len().to_numpy()
    hits = tags.groupby(["transcript_id", "turn", "code"])["n_hits"].sum() if "n_hits" in tags else None
    rows = []
    for group in pd.unique(groups):
        mask = groups == group
        n = int(mask.sum())
        n_words = int(words[mask].sum())
        keys = set(zip(units["transcript_id"].to_numpy()[mask], units["turn"].to_numpy()[mask]))
        for code in codes:
            count = int(flags[code].to_numpy()[mask].sum())
            if n:
                ci = stats.binomtest(count, n).proportion_ci(confidence_level=confidence, method="wilson")
                low, high = ci.low, ci.high
            else:
                low = high = float("nan")
            if hits is not None:
                part = hits.xs(code, level="code") if code in hits.index.get_level_values("code") else pd.Series(dtype=float)
                n_hits = int(sum(v for k, v in part.items() if k in keys))
            else:
                n_hits = count
            rows.append({by: group, "code": code, "n_units": n, "count": count,
                         "share": count / n if n else float("nan"), "share_low": low, "share_high": high,
                         "words": n_words, "hits": n_hits,
                         "rate_per_1000": 1000 * n_hits / n_words if n_words else float("nan")})
    return pd.DataFrame(rows)


def code_association(tags: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str], by: str = "neighbourhood",
                     min_units: int = 20, n_permutations: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Does a code's share differ between groups? One row per code.

    Groups with fewer than ``min_units`` turns are left out of the test (and named in ``note``); with fewer
    than two groups left the result is ``"too little data"``, not a p-value. When every expected cell
    count is at least 5 the test is Pearson's chi-square, otherwise a permutation test of the same
    statistic (``n_permutations`` shuffles of the group labels, seeded). ``p_adjusted`` applies the
    Benjamini–Hochberg correction over the codes tested; ``cramers_v`` is the effect size; ``over`` and
    ``under`` name the groups with the largest positive and negative standardised residuals.
    """
    flags = _presence(tags, units, codes)
    groups = units[by].to_numpy()
    sizes = pd.Series(groups).value_counts()
    small = sorted(sizes[sizes < min_units].index.tolist())
    keep = ~np.isin(groups, small)
    kept_groups = groups[keep]
    labels = sorted(pd.unique(kept_groups))
    rng = np.random.default_rng(seed)
    rows = []
    for code in codes:
        y = flags[code].to_numpy()[keep]
        note = f"left out (fewer than {min_units} turns): {', '.join(map(str, small))}" if small else ""
        row = {"code": code, "test": "too little data", "statistic": np.nan, "p_value": np.nan,
               "cramers_v": np.nan, "over": None, "under": None, "n_units": int(keep.sum()), "note": note}
        if len(labels) >= 2 and 0 < y.sum() < len(y):
            table = pd.crosstab(kept_groups, y).reindex(index=labels, columns=[0, 1], fill_value=0).to_numpy()
            chi2, p, dof, expected = stats.chi2_contingency(table, correction=False)
            if (expected < 5).any():
                observed = chi2
                codes_ix = np.searchsorted(labels, kept_groups)
                count = 0
                for _ in range(n_permutations):
                    perm = rng.permutation(y)
                    t = np.zeros((len(labels), 2))
                    np.add.at(t, (codes_ix, perm), 1)
                    count += stats.chi2_contingency(t, correction=False)[0] >= observed - 1e-12
                p, test = (count + 1) / (n_permutations + 1), "permutation"
            else:
                test = "chi-square"
            resid = (table[:, 1] - expected[:, 1]) / np.sqrt(expected[:, 1] * (1 - expected[:, 1] / table.sum(axis=1)))
            row.update(test=test, statistic=chi2, p_value=p,
                       cramers_v=float(np.sqrt(chi2 / (len(y) * (min(table.shape) - 1)))),
                       over=labels[int(np.argmax(resid))], under=labels[int(np.argmin(resid))])
        elif len(labels) >= 2:
            row.update(note=(note + "; " if note else "") + "the code occurs in none or all of the turns")
            row["test"] = "no variation"
        rows.append(row)
    out = pd.DataFrame(rows)
    tested = out["p_value"].notna()
    out["p_adjusted"] = np.nan
    if tested.any():
        out.loc[tested, "p_adjusted"] = stats.false_discovery_control(out.loc[tested, "p_value"], method="bh")
    return out[["code", "test", "statistic", "p_value", "p_adjusted", "cramers_v", "over", "under", "n_units", "note"]]


def distinctive_words(documents: Sequence[Sequence[str]], groups: Sequence, *, min_count: int = 5,
                      prior_scale: float = 1.0, top: int | None = 20) -> pd.DataFrame:
    """Words that set a group apart: weighted log-odds with an informative Dirichlet prior.

    Monroe, Colaresi & Quinn (2008), each group against all other groups together, with the prior taken
    from the whole corpus (``alpha_w = prior_scale * count_w``). For word w, group i and the rest j::

        delta_w = ln((y_wi + a_w) / (n_i + a_0 - y_wi - a_w)) - ln((y_wj + a_w) / (n_j + a_0 - y_wj - a_w))
        z_w = delta_w / sqrt(1 / (y_wi + a_w) + 1 / (y_wj + a_w))

    Parameters
    ----------
    documents : list of list of str
        Tokens (e.g. content lemmas from :func:`mjs_analysis.topics.make_documents`).
    groups : sequence
        The group of each document.
    min_count : int, default 5
        Words rarer than this in the whole corpus are left out.
    top : int or None, default 20
        Keep the ``top`` words with the highest z per group (None: all).

    Returns
    -------
    DataFrame with ``group, word, count, count_rest, log_odds, z``, groups in sorted order, within a group
    by descending z (rounded to ``SCORE_DECIMALS``), then higher count, then the word (A-Z).
    """
    per_group: dict = {}
    for doc, group in zip(documents, groups):
        per_group.setdefault(group, Counter()).update(doc)
    per_group = dict(sorted(per_group.items(), key=lambda item: str(item[0])))
    total = Counter()
    for counts in per_group.values():
        total.update(counts)
    vocab = sorted(w for w, c in total.items() if c >= min_count)
    if not vocab:
        return pd.DataFrame(columns=["group", "word", "count", "count_rest", "log_odds", "z"])
    y_all = np.array([total[w] for w in vocab], dtype=float)
    alpha = prior_scale * y_all
    alpha0, n_all = alpha.sum(), sum(total.values())
    rows = []
    for group, counts in per_group.items():
        yi = np.array([counts[w] for w in vocab], dtype=float)
        yj = y_all - yi
        ni = sum(counts.values())
        nj = n_all - ni
        delta = (np.log((yi + alpha) / (ni + alpha0 - yi - alpha))
                 - np.log((yj + alpha) / (nj + alpha0 - yj - alpha)))
        z = delta / np.sqrt(1 / (yi + alpha) + 1 / (yj + alpha))
        frame = _ranked(pd.DataFrame({"group": group, "word": vocab, "count": yi.astype(int),
                                      "count_rest": yj.astype(int), "log_odds": delta, "z": z}),
                        [("z", False), ("count", False), ("word", True)])
        rows.append(frame.head(top) if top else frame)
    return pd.concat(rows, ignore_index=True)


def code_cooccurrence(tags: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Codes that occur together in the same turn: counts, Jaccard and lift, one row per pair of codes."""
    flags = _presence(tags, units, codes).to_numpy()
    n = len(flags)
    both = flags.T @ flags
    single = flags.sum(axis=0)
    rows = []
    for i, a in enumerate(codes):
        for j in range(i + 1, len(codes)):
            union = single[i] + single[j] - both[i, j]
            expected = single[i] * single[j] / n if n else 0
            rows.append({"code_a": a, "code_b": codes[j], "n_a": int(single[i]), "n_b": int(single[j]),
                         "n_both": int(both[i, j]), "jaccard": both[i, j] / union if union else float("nan"),
                         "lift": both[i, j] / expected if expected else float("nan")})
    return _ranked(pd.DataFrame(rows), [("n_both", False), ("jaccard", False), ("code_a", True), ("code_b", True)])


def key_quotes(tags: pd.DataFrame, units: pd.DataFrame, by: str = "neighbourhood", n: int = 3,
               codes: Sequence[str] | None = None, readable: tuple[int, int] = (6, 40),
               segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """The strongest quotes per group and code, traceable to transcript, speaker, turn and timestamp.

    Ranked by the number of rule hits in the turn (most evidence first), then evidence sentences of a
    readable length (``readable`` words, inclusive) before fragments such as "Boos." or over-long
    sentences, then shorter evidence, then transcript id and turn (so equal quotes rank the same on every
    machine).

    ``quote`` is what a reader is shown: the evidence sentence, or, when that is shorter than
    ``readable[0]`` words, the whole turn if it is at most ``readable[1]`` words. With ``segments`` (the
    whole segment table, interviewer turns included), ``question`` is the interviewer turn the quote
    answers (empty when the turn before it is not an interviewer's), so a short answer can be read with
    its question.
    """
    cols = [c for c in ("transcript_id", "turn", "speaker", "stakeholder", "timestamp", "text", by) if c in units]
    tags = tags.drop(columns=[c for c in cols if c in tags and c not in ("transcript_id", "turn")])
    merged = tags.merge(units[cols].drop_duplicates(["transcript_id", "turn"]), on=["transcript_id", "turn"])
    if codes is not None:
        merged = merged[merged["code"].isin(codes)]
    if "n_hits" not in merged:
        merged["n_hits"] = 1
    if "evidence" not in merged:
        merged["evidence"] = merged["text"]
    words = merged["evidence"].str.split().str.len()
    merged = merged.assign(_len=merged["evidence"].str.len(), _odd=~words.between(*readable))
    merged = _ranked(merged, [(by, True), ("code", True), ("n_hits", False), ("_odd", True), ("_len", True),
                              ("transcript_id", True), ("turn", True)])
    merged["rank"] = merged.groupby([by, "code"], sort=False).cumcount() + 1
    merged = merged[merged["rank"] <= n].reset_index(drop=True)
    turn_words = merged["text"].str.split().str.len()
    short = merged["evidence"].str.split().str.len() < readable[0]
    merged["quote"] = merged["evidence"].where(~short | (turn_words > readable[1]), merged["text"])
    merged["quote"] = merged["quote"].map(lambda q: " ".join(str(q).split()))
    if segments is not None:
        merged["question"] = _questions_of(merged, segments)
    keep = [by, "code", "rank"] + [c for c in ("transcript_id", "turn", "speaker", "stakeholder", "timestamp",
                                               "quote", "question", "evidence", "text", "n_hits") if c in merged]
    return merged[keep]


def _questions_of(rows: pd.DataFrame, segments: pd.DataFrame) -> list[str]:
    """For each (transcript_id, turn) of ``rows``: the interviewer turn right before it, or ""."""
    seg = segments.set_index(["transcript_id", "turn"])
    out = []
    for tid, turn in zip(rows["transcript_id"], rows["turn"]):
        key = (tid, turn - 1)
        if key in seg.index and seg.at[key, "speaker_role"] == "interviewer":
            out.append(" ".join(str(seg.at[key, "text"]).split()))
        else:
            out.append("")
    return out


def check_contrasts(design, tags: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Check an answer key (``corpus/design.yml``, or its ``contrasts`` list) against coded turns.

    Returns one row per contrast: ``id``, ``type``, ``holds`` (bool), ``detail`` (the shares compared) and
    the ``statement``.
    """
    if isinstance(design, (str, Path)):
        import yaml

        design = yaml.safe_load(Path(design).read_text(encoding="utf-8"))["contrasts"]
    shares = {by: code_frequencies(tags, units, codes, by=by).set_index([by, "code"])["share"]
              for by in {c["group_by"] for c in design}}
    rows = []
    for c in design:
        try:
            rows.append(_check_one(c, shares[c["group_by"]], tags, units))
        except KeyError as exc:  # a group or code of the key is not in this corpus
            rows.append({"id": c.get("id"), "type": c["type"], "holds": False,
                         "detail": f"komt in dit corpus niet voor: {exc}", "statement": c.get("statement", "")})
    return pd.DataFrame(rows)


def _check_one(c: dict, share: pd.Series, tags: pd.DataFrame, units: pd.DataFrame) -> dict:
    """One contrast of the answer key against the shares (see :func:`check_contrasts`)."""
    kind = c["type"]
    if kind == "highest_share":
        row = share.xs(c["code"], level="code")
        best = row.idxmax()
        holds = best == c["expect"] and (row.drop(best) < row[best]).all()
        others = row.drop(c["expect"], errors="ignore")
        detail = f"{c['expect']} {_pct(row.get(c['expect'], float('nan')))}; hoogste andere: " \
                 f"{_pct(others.max())} ({others.idxmax()})" if len(others) else f"{c['expect']} alleen"
    elif kind == "code_greater":
        a, b = share[(c["group"], c["code"])], share[(c["group"], c["than"])]
        holds, detail = a > b, f"{c['code']} {_pct(a)} tegen {c['than']} {_pct(b)}"
    elif kind == "group_greater":
        flags = _presence(tags, units, [c["code"]])[c["code"]].to_numpy()
        col = units[c["group_by"]].to_numpy()
        a = flags[np.isin(col, c["groups"])].mean()
        b = flags[np.isin(col, c["than"])].mean()
        holds, detail = a > b, f"{' + '.join(c['groups'])} {_pct(a)} tegen {' + '.join(c['than'])} {_pct(b)}"
    elif kind == "present_everywhere":
        lows = {code: share.xs(code, level="code").min() for code in c["codes"]}
        holds = all(v >= c["min_share"] for v in lows.values())
        detail = ", ".join(f"{code} minstens {_pct(v)}" for code, v in lows.items())
    else:
        raise ValueError(f"unknown contrast type {kind!r} in {c.get('id')}")
    return {"id": c.get("id"), "type": kind, "holds": bool(holds), "detail": detail,
        "statement": c.get("statement", "")}


def group_versus_rest(tags: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str], by: str, group,
                      *, min_units: int = 20, min_transcripts: int = 2, alpha: float = 0.05,
                      seed: int = 0) -> pd.DataFrame:
    """One group against all other groups together, per code: shares with intervals, the test, a verdict.

    The test is that of :func:`code_association` on the two sides, with Benjamini–Hochberg over the
    codes. ``verdict`` is ``"higher"`` or ``"lower"`` when ``p_adjusted < alpha``, ``"no clear
    difference"`` otherwise, and ``"absent"`` when the code occurs nowhere. It is ``"too little data"``
    when the group or the rest has fewer than ``min_units`` turns, or the group fewer than
    ``min_transcripts`` transcripts: the turns of one interview are not independent observations of a
    neighbourhood, so a p-value over them would mislead.
    """
    if group not in set(units[by]):
        raise ValueError(f"{group!r} is not a value of {by!r}; choose one of {sorted(map(str, set(units[by])))}")
    n_transcripts = units.loc[units[by] == group, "transcript_id"].nunique()
    if n_transcripts < min_transcripts:
        min_units = len(units) + 1  # the test is left out: every code reads "too little data"
    side = np.where(units[by].to_numpy() == group, "group", "rest")
    sided = units.assign(_side=side)
    freq = code_frequencies(tags, sided, codes, by="_side").set_index(["_side", "code"])
    tests = code_association(tags, sided, codes, by="_side", min_units=min_units, seed=seed).set_index("code")
    rows = []
    for code in codes:
        g = freq.loc[("group", code)]
        r = freq.loc[("rest", code)] if ("rest", code) in freq.index else None
        t = tests.loc[code]
        if g["count"] == 0 and (r is None or r["count"] == 0):
            verdict = "absent"
        elif t["test"] == "too little data":
            verdict = "too little data"
        elif pd.notna(t["p_adjusted"]) and t["p_adjusted"] < alpha:
            verdict = "higher" if r is None or g["share"] > r["share"] else "lower"
        else:
            verdict = "no clear difference"
        rows.append({"code": code, "transcripts_group": int(n_transcripts), "n_group": int(g["n_units"]),
                     "count_group": int(g["count"]),
                     "share_group": g["share"], "low_group": g["share_low"], "high_group": g["share_high"],
                     "n_rest": int(r["n_units"]) if r is not None else 0,
                     "count_rest": int(r["count"]) if r is not None else 0,
                     "share_rest": r["share"] if r is not None else float("nan"),
                     "low_rest": r["share_low"] if r is not None else float("nan"),
                     "high_rest": r["share_high"] if r is not None else float("nan"),
                     "test": t["test"], "p_adjusted": t["p_adjusted"], "cramers_v": t["cramers_v"],
                     "verdict": verdict})
    return pd.DataFrame(rows)


def format_p(p: float) -> str:
    """A p-value for Dutch prose: ``"< 0,001"`` or ``"= 0,012"``."""
    return "< 0,001" if p < 0.001 else f"= {p:.3f}".replace(".", ",")


def _pct(x: float) -> str:
    return "–" if x != x else f"{100 * x:.0f} %"


def certainty(reliability) -> dict[str, float]:
    """``reliability`` (a :func:`~mjs_analysis.reliability.code_reliability` table, or a code -> alpha dict) as
    a code -> alpha dict; codes it does not name count as unknown (NaN)."""
    if reliability is None:
        return {}
    if isinstance(reliability, pd.DataFrame):
        return dict(zip(reliability["code"], reliability["alpha"].astype(float)))
    return {k: float(v) for k, v in dict(reliability).items()}


def uncertain_note(code: str, alphas: dict[str, float] | None) -> str:
    """Dutch words that mark a statement about ``code`` as uncertain, or "" when its coding is reliable.

    ``alphas`` None means that no reliability was asked for (nothing is marked); a code missing from it,
    or with NaN, has unknown reliability and is marked, as is one with alpha below RELIABLE_ALPHA.
    """
    from .reliability import RELIABLE_ALPHA
    from .report import number

    if alphas is None:
        return ""
    alpha = alphas.get(code, float("nan"))
    if alpha != alpha:
        return "onzeker: hoe betrouwbaar de automatische codering van dit thema is, is niet gemeten"
    if alpha < RELIABLE_ALPHA:
        return (f"onzeker: de automatische codering van dit thema stemt te weinig overeen met de codeurs "
                f"(alfa {number(alpha)}, onder {number(RELIABLE_ALPHA)})")
    return ""


def findings(versus: pd.DataFrame, group: str, labels: dict | None = None, top: int = 3,
             reliability=None) -> list[str]:
    """Short Dutch findings, generated from :func:`group_versus_rest`, as Markdown bullet lines.

    The most frequent themes first, then every difference the test supports, then what cannot be said.
    Shares are written as percentages with their 95% interval (``34 % (29–39 %)``).

    ``reliability`` (a :func:`~mjs_analysis.reliability.code_reliability` table or a code -> alpha dict):
    a finding about a code whose automatic coding has alpha below 0.667, or unknown reliability, is
    marked as uncertain ("komt mogelijk vaker voor ...; onzeker: ...") instead of stated as a fact.
    """
    from .report import pct_interval

    labels = labels or {}
    alphas = certainty(reliability) if reliability is not None else None
    name = lambda code: labels.get(code, code)  # noqa: E731
    mark = lambda code: f" ({uncertain_note(code, alphas)})" if uncertain_note(code, alphas) else ""  # noqa: E731
    lines = []
    present = _ranked(versus[versus["count_group"] > 0], [("share_group", False), ("code", True)])
    if present.empty:
        return [f"- In {group} is geen enkele code toegekend; er valt over de thema's niets te zeggen."]
    lines.append(f"- Meest besproken thema's in {group}: " + "; ".join(
        f"**{name(r.code)}** ({_pct(r.share_group)} van de beurten{'; onzeker' if mark(r.code) else ''})"
        for r in present.head(top).itertuples()) + ".")
    differ = _ranked(versus[versus["verdict"].isin(["higher", "lower"])], [("p_adjusted", True), ("code", True)])
    for r in differ.itertuples():
        word = "vaker" if r.verdict == "higher" else "minder vaak"
        note = uncertain_note(r.code, alphas)
        lines.append(f"- **{name(r.code)}** komt in {group} {'mogelijk ' if note else ''}{word} voor dan in de rest "
                     f"van de stad: {pct_interval(r.share_group, r.low_group, r.high_group)} van de beurten tegen "
                     f"{pct_interval(r.share_rest, r.low_rest, r.high_rest)}; p na correctie {format_p(r.p_adjusted)}"
                     + (f"; **{note}**." if note else "."))
    if (versus["verdict"] == "too little data").any():
        n, t = int(versus["n_group"].iloc[0]), int(versus["transcripts_group"].iloc[0])
        lines.append(f"- {group} heeft te weinig gegevens voor een toets ({t} transcript(en), {n} "
                     "respondentbeurten); verschillen met de rest van de stad zijn hier beschrijvend, niet bewezen.")
    elif differ.empty:
        lines.append(f"- Geen enkel thema verschilt aantoonbaar tussen {group} en de rest van de stad.")
    absent = versus.loc[versus["count_group"] == 0, "code"].tolist()
    if absent:
        lines.append(f"- Niet aangetroffen in {group}: " + ", ".join(name(c) for c in absent) + ".")
    if alphas is not None and any(uncertain_note(c, alphas) for c in present.head(top)["code"].tolist()
                                  + differ["code"].tolist()):
        lines.append("- Onzeker betekent: de automatische codering van dat thema is niet betrouwbaar genoeg "
                     "gebleken (Krippendorffs alfa tegen de handmatige coderingen onder 0,67, of niet gemeten); "
                     "lees die bevinding als een aanwijzing, niet als een feit.")
    return lines

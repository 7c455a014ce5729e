"""The findings in a few Dutch sentences: the front page of the reports (``index.html``) and the opening of
each neighbourhood report.

Every sentence is generated from the numbers of :mod:`mjs_analysis.compare` and
:mod:`mjs_analysis.reliability`; none is written by hand. Shares are percentages with their 95% interval,
differences are named only when the test supports them, and a neighbourhood with too little data says so.
"""

from __future__ import annotations

import pandas as pd

from . import compare
from .report import p_value, pct, pct_interval

__all__ = ["neighbourhood", "common_and_different", "roles", "reliability", "agreement_table", "code_reliability"]

#: A code counts as "everywhere" when its share is at least this in every neighbourhood.
EVERYWHERE = 0.10
#: Differences named one by one; the rest are counted.
TOP = 5
_PLURALS = {"bewoner": "bewoners", "initiatiefnemer": "initiatiefnemers", "ambtenaar": "ambtenaren",
            "ondernemer": "ondernemers", "professional": "professionals", "interviewer": "interviewers"}


def plural(role: str) -> str:
    """``ambtenaar`` -> ``ambtenaren``: roles as a sentence names a group of them."""
    return _PLURALS.get(str(role), f"sprekers met de rol {role}")


def _and(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _name(A, code: str) -> str:
    return A.label(code)


def neighbourhood(A, hood: str, *, seed: int = 0, versus: pd.DataFrame | None = None,
                  reliability=None) -> list[str]:
    """Three to five sentences about one neighbourhood against the rest of the city.

    With ``reliability`` (:func:`code_reliability`), themes whose automatic coding is not reliable enough
    (alpha below 0.667, or unknown) are marked "(onzeker)".
    """
    alphas = compare.certainty(reliability) if reliability is not None else None
    q = lambda code: " (onzeker)" if compare.uncertain_note(code, alphas) else ""  # noqa: E731
    if versus is None:
        versus = compare.group_versus_rest(A.tags, A.units, A.codes, "neighbourhood", hood, seed=seed)
    mine = A.units[A.units["neighbourhood"] == hood]
    n_tr = mine["transcript_id"].nunique()
    roles = mine.groupby("stakeholder")["turn"].size().sort_index()
    district = mine["district"].dropna().iloc[0] if "district" in mine and mine["district"].notna().any() else None
    where = f"{hood}{f' ({district})' if district else ''}"
    out = [f"{where}: {n_tr} {'gesprek' if n_tr == 1 else 'gesprekken'}, {len(mine)} antwoorden van respondenten ("
           + ", ".join(f"{r} {n}" for r, n in roles.items()) + ")."]
    present = compare._ranked(versus[versus["count_group"] > 0], [("share_group", False), ("code", True)])
    if present.empty:
        out.append("Geen enkele code is hier toegekend; over de thema's valt niets te zeggen.")
        return out
    out.append("Meest besproken: " + "; ".join(
        f"{_name(A, r.code).lower()}{q(r.code)} {pct_interval(r.share_group, r.low_group, r.high_group)}"
        for r in present.head(3).itertuples()) + " van de antwoorden.")
    if (versus["verdict"] == "too little data").any():
        out.append(f"Te weinig gegevens om {hood} met de rest van de stad te vergelijken ({n_tr} "
                   f"{'gesprek' if n_tr == 1 else 'gesprekken'}): de cijfers beschrijven, ze bewijzen niets.")
    else:
        for word, kind in (("Vaker", "higher"), ("Minder vaak", "lower")):
            part = compare._ranked(versus[versus["verdict"] == kind], [("p_adjusted", True), ("code", True)])
            if len(part):
                out.append(f"{word} dan in de rest van de stad: " + "; ".join(
                    f"{_name(A, r.code).lower()}{q(r.code)} {pct_interval(r.share_group, r.low_group, r.high_group)} tegen "
                    f"{pct_interval(r.share_rest, r.low_rest, r.high_rest)}" for r in part.head(3).itertuples()) + ".")
        if not versus["verdict"].isin(["higher", "lower"]).any():
            out.append("Geen enkel thema verschilt aantoonbaar van de rest van de stad.")
    shares = versus.set_index("code")["share_group"]
    if {"vertrouwen", "wantrouwen"} <= set(shares.index):
        t, w = shares["vertrouwen"], shares["wantrouwen"]
        balance = "meer vertrouwen dan wantrouwen" if t > w else "meer wantrouwen dan vertrouwen" if w > t else \
            "evenveel vertrouwen als wantrouwen"
        doubt = q("vertrouwen") or q("wantrouwen")
        out.append(f"Vertrouwen in {pct(t)}, wantrouwen in {pct(w)} van de antwoorden: "
                   + (f"mogelijk {balance} (onzeker: de automatische codering van vertrouwen of wantrouwen is niet "
                      "betrouwbaar genoeg)." if doubt else f"{balance}."))
    return out[:5]


def common_and_different(A, *, seed: int = 0) -> list[str]:
    """What the neighbourhoods share and where they differ (tests across all neighbourhoods)."""
    freq = compare.code_frequencies(A.tags, A.units, A.codes, by="neighbourhood")
    lowest = freq.groupby("code")["share"].min()
    common = [c for c in A.codes if lowest.get(c, 0) >= EVERYWHERE]
    out = []
    if common:
        out.append(f"In elke buurt gaat minstens {pct(EVERYWHERE)} van de antwoorden over: "
                   + ", ".join(_name(A, c).lower() for c in common) + ".")
    assoc = compare.code_association(A.tags, A.units, A.codes, by="neighbourhood", seed=seed)
    differ = compare._ranked(assoc[assoc["p_adjusted"] < 0.05],
                             [("cramers_v", False), ("p_adjusted", True), ("code", True)])
    if len(differ):
        more = len(differ) - TOP
        rest = f"; en aantoonbaar in nog {more} " + ("thema" if more == 1 else "thema's") if more > 0 else ""
        out.append("De buurten verschillen het sterkst in: " + "; ".join(
            f"{_name(A, r.code).lower()} (het meest in {r.over}, het minst in {r.under})"
            for r in differ.head(TOP).itertuples()) + rest + ".")
    elif assoc["test"].eq("too little data").all():
        out.append("Te weinig gegevens om de buurten onderling te toetsen.")
    else:
        out.append("Geen enkel thema verschilt aantoonbaar tussen de buurten.")
    return out


def roles(A, *, seed: int = 0) -> list[str]:
    """Where bewoners, initiatiefnemers and ambtenaren differ."""
    assoc = compare.code_association(A.tags, A.units, A.codes, by="stakeholder", seed=seed)
    differ = compare._ranked(assoc[assoc["p_adjusted"] < 0.05],
                             [("cramers_v", False), ("p_adjusted", True), ("code", True)])
    if differ.empty:
        return ["Tussen de rollen verschilt geen enkel thema aantoonbaar."]
    by_role: dict = {}
    for r in differ.itertuples():
        by_role.setdefault(r.over, []).append(_name(A, r.code).lower())
    return ["Tussen de rollen verschillen aantoonbaar: " + "; ".join(
        f"{plural(role)} praten het vaakst over {_and(codes)}" for role, codes in by_role.items()) + "."]


def agreement_table(A) -> pd.DataFrame | None:
    """Agreement between every manual coder and the tagger on the manually coded turns, or None."""
    from .reliability import agreement

    if A.codings is None:
        return None
    codings, coded = _coded(A)
    tagger = A.tags.merge(coded[["transcript_id", "turn"]], on=["transcript_id", "turn"])
    both = pd.concat([codings, tagger.assign(coder="tagger")[["transcript_id", "turn", "code", "coder"]]])
    return agreement(both, coded, A.codes, reference="tagger")


def _coded(A) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The manual codings and the turns they cover: every coded turn of the coded transcripts, or, with
    review logs, only the turns every coder has reviewed (a half-reviewed transcript is not all "no code")."""
    from .reliability import seen_by_all

    coded = A.units[A.units["transcript_id"].isin(set(A.codings["transcript_id"]))]
    codings = A.codings
    reviewed = getattr(A, "reviewed", None)
    if reviewed is not None:
        seen = seen_by_all(codings, reviewed, coded)
        coded = coded.merge(seen, on=["transcript_id", "turn"])
        codings = codings.merge(seen, on=["transcript_id", "turn"])
    return codings, coded


def code_reliability(A, *, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Per code: alpha of the automatic coding against the manual codings (bootstrap interval over
    transcripts), precision and recall; alpha NaN (unknown) for every code when there are no codings."""
    from .reliability import code_reliability as per_code

    if A.codings is None or not len(A.codings):
        return pd.DataFrame({"code": list(A.codes), "alpha": float("nan"), "alpha_low": float("nan"),
                             "alpha_high": float("nan"), "precision": float("nan"), "recall": float("nan"),
                             "f1": float("nan"), "n_units": 0, "n_transcripts": 0, "reliable": False})
    codings, coded = _coded(A)
    tagger = A.tags.merge(coded[["transcript_id", "turn"]], on=["transcript_id", "turn"])
    return per_code(codings, tagger, coded, A.codes, n_boot=n_boot, seed=seed)


def reliability(A, table: pd.DataFrame | None = None, per_code: pd.DataFrame | None = None) -> list[str]:
    """How far the automatic coding can be trusted, measured on the manual codings of this corpus.

    With ``per_code`` (:func:`code_reliability`) a last sentence says which themes are reliable enough.
    """
    from .report import number

    by_code, table = per_code, (agreement_table(A) if table is None else table)
    if table is None:
        return ["Er zijn geen handmatige coderingen bij dit corpus: hoe betrouwbaar de automatische codering "
                "is, is niet gemeten. Lees de cijfers als verkennend."]
    micro = table[table["code"] == "(all codes)"]
    machine = micro[micro["f1"].notna()]
    humans = micro[micro["f1"].isna()]
    per_code = table[table["code"] != "(all codes)"]
    n_turns = int(per_code["n_units"].max()) if len(per_code) else 0
    out = []
    if len(machine):
        out.append(f"Op {n_turns} met de hand gecodeerde antwoorden komt de automatische codering overeen met "
                   + " en ".join(f"codeur {r.coder_a} met alfa {number(r.alpha)} (F1 {number(r.f1)})"
                                 for r in machine.itertuples()) + ".")
    if len(humans):
        out.append(f"De codeurs onderling: alfa {number(humans['alpha'].iloc[0])}. Een alfa onder 0,67 geldt als "
                   "te onbetrouwbaar om conclusies op te bouwen; tussen 0,67 en 0,80 als voorlopig.")
    if by_code is not None and len(by_code):
        good = [_name(A, c).lower() for c in by_code.loc[by_code["reliable"], "code"]]
        weak = [_name(A, c).lower() for c in by_code.loc[~by_code["reliable"], "code"]]
        out.append((f"Per thema betrouwbaar genoeg (alfa minstens 0,67): {_and(good)}. " if good else
                    "Geen enkel thema haalt per thema een alfa van 0,67. ")
                   + (f"Onzeker (alfa lager of niet gemeten): {_and(weak)}; bevindingen over deze thema's zijn "
                      "in de rapporten als onzeker gemarkeerd." if weak else ""))
    return out

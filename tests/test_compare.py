"""The comparison library on constructed data with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mjs_analysis.compare import (check_contrasts, code_association, code_cooccurrence, code_frequencies,
                                  distinctive_words, key_quotes)


def units_and_tags(n_a=40, n_b=40, geld_a=30, geld_b=5, extra_groups=None):
    """Group A talks about money far more often than group B."""
    rows, tags = [], []
    for group, n, k in (("A", n_a, geld_a), ("B", n_b, geld_b), *(extra_groups or [])):
        for i in range(n):
            tid = f"{group}{i // 10}"
            rows.append({"transcript_id": tid, "turn": i, "neighbourhood": group, "stakeholder": "bewoner",
                         "n_words": 50, "speaker": "R", "timestamp": float(i), "text": f"tekst {group}{i}"})
            if i < k:
                tags.append({"transcript_id": tid, "turn": i, "code": "geld", "n_hits": 1 + (i % 3),
                             "evidence": f"zin {i}"})
            if i % 4 == 0:
                tags.append({"transcript_id": tid, "turn": i, "code": "regels", "n_hits": 1, "evidence": "r"})
    return pd.DataFrame(rows), pd.DataFrame(tags)


CODES = ["geld", "regels", "nooit"]


def test_code_frequencies():
    units, tags = units_and_tags()
    freq = code_frequencies(tags, units, CODES).set_index(["neighbourhood", "code"])
    a = freq.loc[("A", "geld")]
    assert (a["n_units"], a["count"], a["share"]) == (40, 30, 0.75)
    assert a["share_low"] < 0.75 < a["share_high"]
    assert a["words"] == 2000 and a["hits"] == sum(1 + (i % 3) for i in range(30))
    assert a["rate_per_1000"] == pytest.approx(1000 * a["hits"] / 2000)
    assert freq.loc[("B", "nooit"), "count"] == 0  # every code gets a row
    # Wilson interval for 30/40 at 95%
    p, n, zq = 0.75, 40, 1.959963984540054
    centre = (p + zq**2 / (2 * n)) / (1 + zq**2 / n)
    half = zq * math.sqrt(p * (1 - p) / n + zq**2 / (4 * n**2)) / (1 + zq**2 / n)
    assert a["share_low"] == pytest.approx(centre - half) and a["share_high"] == pytest.approx(centre + half)


def test_association_chi_square_and_effect():
    units, tags = units_and_tags()
    res = code_association(tags, units, CODES).set_index("code")
    geld = res.loc["geld"]
    assert geld["test"] == "chi-square" and geld["p_value"] < 1e-6 and geld["p_adjusted"] >= geld["p_value"]
    assert geld["over"] == "A" and geld["under"] == "B" and 0.5 < geld["cramers_v"] <= 1
    assert res.loc["regels", "p_value"] > 0.5  # the same share in both groups
    assert res.loc["nooit", "test"] == "no variation" and np.isnan(res.loc["nooit", "p_value"])


def test_association_small_expected_counts_use_permutations():
    units, tags = units_and_tags(n_a=20, n_b=20, geld_a=6, geld_b=0)
    geld = code_association(tags, units, ["geld"], min_units=10).iloc[0]
    assert geld["test"] == "permutation" and 0 < geld["p_value"] < 0.05


def test_association_too_little_data():
    units, tags = units_and_tags(n_a=40, n_b=8, extra_groups=[("C", 5, 1)])
    res = code_association(tags, units, ["geld"], min_units=20).iloc[0]
    assert res["test"] == "too little data" and np.isnan(res["p_value"])
    assert "B, C" in res["note"]


def test_distinctive_words_hand_computed():
    docs = [["a", "a", "a", "b"], ["a", "b", "b", "b"]]
    out = distinctive_words(docs, ["g1", "g2"], min_count=1, top=None).set_index(["group", "word"])
    # a_w = count_w = 4, a_0 = 8; group 1 vs rest for "a":
    # delta = ln((3+4)/(4+8-3-4)) - ln((1+4)/(4+8-1-4)) = 2 ln 1.4;  z = delta / sqrt(1/7 + 1/5)
    delta = 2 * math.log(1.4)
    assert out.loc[("g1", "a"), "log_odds"] == pytest.approx(delta)
    assert out.loc[("g1", "a"), "z"] == pytest.approx(delta / math.sqrt(1 / 7 + 1 / 5))
    assert out.loc[("g1", "b"), "log_odds"] == pytest.approx(-delta)
    assert out.loc[("g2", "b"), "z"] == pytest.approx(out.loc[("g1", "a"), "z"])
    assert distinctive_words(docs, ["g1", "g2"], min_count=10).empty


def test_cooccurrence():
    units, tags = units_and_tags(n_a=8, n_b=0, geld_a=4)
    out = code_cooccurrence(tags, units, ["geld", "regels"]).iloc[0]
    # geld on turns 0-3, regels on turns 0 and 4: together once
    assert (out["n_a"], out["n_b"], out["n_both"]) == (4, 2, 1)
    assert out["jaccard"] == pytest.approx(1 / 5) and out["lift"] == pytest.approx(1 / (4 * 2 / 8))


def test_key_quotes_ranked_and_traceable():
    units, tags = units_and_tags()
    quotes = key_quotes(tags, units, n=2, codes=["geld"])
    a = quotes[quotes.neighbourhood == "A"]
    assert a["rank"].tolist() == [1, 2] and (a["n_hits"] == 3).all()
    assert {"transcript_id", "turn", "speaker", "timestamp", "evidence"} <= set(quotes.columns)


def test_key_quotes_prefer_readable_sentences_over_fragments():
    units, _ = units_and_tags()
    tags = pd.DataFrame([
        {"transcript_id": "A0", "turn": 0, "code": "geld", "n_hits": 1, "evidence": "Boos."},
        {"transcript_id": "A0", "turn": 1, "code": "geld", "n_hits": 1,
         "evidence": "Het geld van het stadsdeel kwam drie maanden te laat binnen."},
        {"transcript_id": "A0", "turn": 2, "code": "geld", "n_hits": 2, "evidence": "Geld, geld."},
    ])
    quotes = key_quotes(tags, units, n=3)
    assert quotes["evidence"].tolist() == ["Geld, geld.", "Het geld van het stadsdeel kwam drie maanden te laat binnen.",
                                           "Boos."]


def test_check_contrasts():
    units, tags = units_and_tags()
    units.loc[units.neighbourhood == "B", "stakeholder"] = "ambtenaar"
    design = [
        {"id": "X1", "type": "highest_share", "group_by": "neighbourhood", "code": "geld", "expect": "A"},
        {"id": "X2", "type": "highest_share", "group_by": "neighbourhood", "code": "geld", "expect": "B"},
        {"id": "X3", "type": "code_greater", "group_by": "neighbourhood", "group": "B", "code": "regels", "than": "geld"},
        {"id": "X4", "type": "group_greater", "group_by": "stakeholder", "code": "geld", "groups": ["bewoner"],
         "than": ["ambtenaar"]},
        {"id": "X5", "type": "present_everywhere", "group_by": "neighbourhood", "codes": ["geld", "regels"],
         "min_share": 0.1},
    ]
    out = check_contrasts(design, tags, units, CODES).set_index("id")
    assert out["holds"].to_dict() == {"X1": True, "X2": False, "X3": True, "X4": True, "X5": True}
    assert out.loc["X1", "detail"] == "A 75 %; hoogste andere: 12 % (B)"


def test_known_answer_contrasts_of_the_demo_corpus():
    """The analysis recovers every contrast the demo corpus was written to contain (corpus/design.yml)."""
    import warnings

    from mjs_analysis import MjsWarning, load_corpus
    from mjs_analysis.codebook import Codebook
    from mjs_analysis.tagging import tag

    from .conftest import CORPUS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MjsWarning)
        segments = load_corpus(CORPUS).segments
        units = segments[segments.speaker_role == "respondent"]
        codebook = Codebook.load(CORPUS / "codebook.yml")
        result = check_contrasts(CORPUS / "design.yml", tag(segments, codebook), units, codebook.ids)
    failed = result[~result.holds]
    assert failed.empty, failed[["id", "detail", "statement"]].to_string()
    assert len(result) == 18


def test_comparison_figures(tmp_path):
    import matplotlib.figure

    from mjs_analysis import plots

    units, tags = units_and_tags()
    units.loc[units.neighbourhood == "B", "stakeholder"] = "ambtenaar"
    freq = code_frequencies(tags, units, CODES)
    roles = code_frequencies(tags, units, CODES, by="stakeholder")
    words = distinctive_words([["geld", "geld", "regels"], ["regels", "bus"]] * 5, ["A", "B"] * 5, min_count=1)
    figures = {
        "heatmap": plots.code_heatmap(freq, labels={"geld": "Financiering"}),
        "bars": plots.code_bars(freq, "geld"),
        "roles": plots.role_contrast(roles),
        "network": plots.cooccurrence_network(code_cooccurrence(tags, units, CODES), min_count=1),
        "words": plots.distinctive_words_chart(words, "A"),
    }
    for name, fig in figures.items():
        assert isinstance(fig, matplotlib.figure.Figure)
        fig.savefig(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 1000
    assert "Financiering" in [t.get_text() for t in figures["heatmap"].axes[0].get_yticklabels()]
    assert figures["bars"].axes[0].get_title() == "geld: aandeel per buurt"


def test_group_versus_rest_and_findings():
    from mjs_analysis.compare import findings, group_versus_rest

    units, tags = units_and_tags()
    versus = group_versus_rest(tags, units, ["geld", "regels", "leeg"], "neighbourhood", "A").set_index("code")
    assert versus.loc["geld", "verdict"] == "higher"
    assert versus.loc["geld", "share_group"] == pytest.approx(30 / 40) and versus.loc["geld", "share_rest"] == pytest.approx(5 / 40)
    assert versus.loc["regels", "verdict"] == "no clear difference"
    assert versus.loc["leeg", "verdict"] == "absent"
    lines = findings(versus.reset_index(), "A", {"geld": "Financiering"})
    assert lines[0].startswith("- Meest besproken thema's in A: **Financiering** (75 % van de beurten)")
    assert any(line.startswith("- **Financiering** komt in A vaker voor") and "p na correctie < 0,001" in line
               for line in lines)
    assert lines[-1] == "- Niet aangetroffen in A: leeg."


def test_group_versus_rest_small_group_is_too_little_data():
    from mjs_analysis.compare import findings, group_versus_rest

    units, tags = units_and_tags(extra_groups=[("C", 8, 8)])
    versus = group_versus_rest(tags, units, ["geld"], "neighbourhood", "C")
    assert versus.loc[0, "verdict"] == "too little data"
    assert any("te weinig gegevens voor een toets (1 transcript(en), 8 respondentbeurten)" in line
               for line in findings(versus, "C"))
    # 40 turns, enough for a test, but all from one interview: still too little data
    units.loc[units.neighbourhood == "A", "transcript_id"] = "A0"
    tags.loc[tags.transcript_id.str.startswith("A"), "transcript_id"] = "A0"
    assert group_versus_rest(tags, units, ["geld"], "neighbourhood", "A").loc[0, "verdict"] == "too little data"
    assert group_versus_rest(tags, units, ["geld"], "neighbourhood", "A", min_transcripts=1).loc[0, "verdict"] == "higher"
    with pytest.raises(ValueError, match="'Z' is not a value of 'neighbourhood'"):
        group_versus_rest(tags, units, ["geld"], "neighbourhood", "Z")

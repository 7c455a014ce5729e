"""Issue 15: reliability per code (alpha with a bootstrap interval) and uncertain findings in the Dutch text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mjs_analysis.compare import findings, group_versus_rest
from mjs_analysis.reliability import code_reliability, krippendorff_alpha
from tests.test_compare import units_and_tags


def versus():
    units, tags = units_and_tags()
    return group_versus_rest(tags, units, ["geld", "regels", "leeg"], "neighbourhood", "A")


def test_a_finding_on_an_unreliable_code_is_marked_uncertain():
    v = versus()
    sure = findings(v, "A", {"geld": "Financiering"}, reliability={"geld": 0.81, "regels": 0.9, "leeg": 0.9})
    assert any(line.startswith("- **Financiering** komt in A vaker voor") for line in sure)
    assert not any("onzeker" in line for line in sure)
    weak = findings(v, "A", {"geld": "Financiering"}, reliability={"geld": 0.52, "regels": 0.9, "leeg": 0.9})
    line = next(x for x in weak if x.startswith("- **Financiering** komt"))
    assert line.startswith("- **Financiering** komt in A mogelijk vaker voor")
    assert "onzeker" in line and "alfa 0,52, onder 0,67" in line
    assert "(75 % van de beurten; onzeker)" in weak[0]
    assert weak[-1].startswith("- Onzeker betekent")


def test_unknown_reliability_is_uncertain_too_and_none_asked_marks_nothing():
    v = versus()
    unknown = findings(v, "A", {"geld": "Financiering"}, reliability={})
    assert any("mogelijk vaker" in x and "niet gemeten" in x for x in unknown)
    assert not any("onzeker" in x.lower() for x in findings(v, "A", {"geld": "Financiering"}))


def coded(n_transcripts=6, turns=20, agree=0.9, seed=0):
    rng = np.random.default_rng(seed)
    units = pd.DataFrame([(f"t{t}", k) for t in range(n_transcripts) for k in range(turns)],
                         columns=["transcript_id", "turn"])
    human = rng.random(len(units)) < 0.3
    machine = np.where(rng.random(len(units)) < agree, human, ~human)
    cod = pd.concat([units[human].assign(code="x", coder=c) for c in "AB"])
    tags = units[machine].assign(code="x")
    return units, cod, tags, human, machine


def test_code_reliability_alpha_interval_precision_recall():
    units, cod, tags, human, machine = coded()
    table = code_reliability(cod, tags, units, ["x", "never"], n_boot=300, seed=1).set_index("code")
    row = table.loc["x"]
    assert row.alpha == pytest.approx(krippendorff_alpha(np.vstack([human, machine]).astype(int)))
    assert row.alpha_low <= row.alpha <= row.alpha_high and row.alpha_high - row.alpha_low > 0
    tp = (human & machine).sum()
    assert row.precision == pytest.approx(tp / machine.sum()) and row.recall == pytest.approx(tp / human.sum())
    assert row.n_transcripts == 6 and bool(row.reliable) == (row.alpha >= 0.667)
    assert np.isnan(table.loc["never", "alpha"]) and not table.loc["never", "reliable"]
    units, cod, tags, *_ = coded(agree=0.6)
    assert not code_reliability(cod, tags, units, ["x"], n_boot=50)["reliable"].iloc[0]


def test_code_reliability_validates():
    units, cod, tags, *_ = coded()
    with pytest.raises(ValueError, match="'n_boot'"):
        code_reliability(cod, tags, units, ["x"], n_boot=0)


def test_the_neighbourhood_summary_marks_uncertain_themes():
    import types

    from mjs_analysis import summary

    units, tags = units_and_tags()
    A = types.SimpleNamespace(units=units, tags=tags, codes=["geld", "regels", "leeg"], codings=None,
                              label=lambda c: {"geld": "Financiering"}.get(c, c))
    unknown = summary.code_reliability(A)  # no manual codings: every code unknown
    assert unknown["alpha"].isna().all() and not unknown["reliable"].any()
    lines = summary.neighbourhood(A, "A", reliability=unknown)
    assert any("financiering (onzeker)" in line for line in lines)
    sure = summary.neighbourhood(A, "A", reliability={"geld": 0.9, "regels": 0.9, "leeg": 0.9})
    assert not any("onzeker" in line for line in sure)
    assert summary.neighbourhood(A, "A") == sure  # no reliability given: nothing marked

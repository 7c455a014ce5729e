"""Agreement statistics: Krippendorff's worked example, the krippendorff package, a hand-computed kappa."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mjs_analysis.errors import MjsError
from mjs_analysis.reliability import agreement, cohen_kappa, krippendorff_alpha, read_codings

NAN = float("nan")
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders, 12 units.
WORKED = [[1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
          [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
          [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
          [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN]]


@pytest.mark.parametrize("level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849),
                                             ("ratio", 0.797)])
def test_worked_example(level, expected):
    assert round(krippendorff_alpha(WORKED, level), 3) == expected


def test_binary_hand_computed():
    # Krippendorff's binary example (section A): 2 coders, 10 units, alpha = 0.095
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert round(krippendorff_alpha([a, b]), 3) == 0.095


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_agrees_with_krippendorff_package_on_random_data(level):
    import krippendorff  # a test dependency (pyproject [test])
    rng = np.random.default_rng(7)
    for _ in range(20):
        coders, units = rng.integers(2, 6), rng.integers(5, 40)
        data = rng.integers(1, 6, size=(coders, units)).astype(float)
        data[rng.random(data.shape) < 0.2] = np.nan
        ours = krippendorff_alpha(data, level)
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert ours == pytest.approx(theirs, abs=1e-9, nan_ok=True)


def test_alpha_nominal_labels_and_errors():
    assert krippendorff_alpha([["a", "b", "a"], ["a", "b", "a"]]) == 1.0
    assert np.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))
    with pytest.raises(ValueError, match="'level' parameter of krippendorff_alpha must be one of"):
        krippendorff_alpha(WORKED, "absolute")
    with pytest.raises(ValueError, match="at least two coders"):
        krippendorff_alpha([[1, 2, 3]])


def test_cohen_kappa_hand_computed():
    # 10 units: both 1 on 3, both 0 on 4, A-only 2, B-only 1. po = 0.7;
    # pe = 0.5*0.4 + 0.5*0.6 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4
    a = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert np.isnan(cohen_kappa([0, 0], [0, 0]))


def test_agreement_table():
    units = pd.DataFrame({"transcript_id": ["t"] * 4, "turn": [1, 3, 5, 7]})
    codings = pd.DataFrame([
        ("t", 1, "geld", "A"), ("t", 3, "geld", "A"), ("t", 1, "geld", "tagger"), ("t", 5, "geld", "tagger"),
        ("t", 7, "regels", "A"), ("t", 7, "regels", "tagger"),
    ], columns=["transcript_id", "turn", "code", "coder"])
    table = agreement(codings, units, ["geld", "regels", "nooit"], reference="tagger").set_index("code")
    assert list(table.index) == ["geld", "regels", "nooit", "(all codes)"]
    geld = table.loc["geld"]
    assert (geld.coder_a, geld.coder_b, geld.n_a, geld.n_b) == ("A", "tagger", 2, 2)
    assert geld.precision == 0.5 and geld.recall == 0.5 and geld.f1 == 0.5
    assert table.loc["regels", "alpha"] == 1.0 and np.isnan(table.loc["nooit", "alpha"])
    assert table.loc["(all codes)", "n_units"] == 12 and table.loc["(all codes)", "f1"] == pytest.approx(2 / 3)


def test_read_codings_errors(write):
    with pytest.raises(MjsError, match="missing coder"):
        read_codings([write("c.csv", "transcript_id,turn,code\nt,1,geld\n")])
    with pytest.raises(MjsError, match="whole numbers"):
        read_codings([write("c.csv", "transcript_id,turn,code,coder\nt,een,geld,A\n")])
    frame = read_codings([write("c.csv", "transcript_id,turn,code,coder,note\nt,1,geld,A,x\n")])
    assert frame.to_dict("records") == [{"transcript_id": "t", "turn": 1, "code": "geld", "coder": "A"}]

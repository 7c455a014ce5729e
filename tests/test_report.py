"""Dutch presentation (report), generated findings (summary) and figures a screen reader can describe."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mjs_analysis import compare, plots, report, summary


def test_dutch_numbers_percentages_and_intervals():
    assert report.pct(0.3449) == "34 %" and report.pct(float("nan")) == "–"
    assert report.pct_interval(0.34, 0.29, 0.391) == "34 % (29–39 %)"
    assert report.number(0.5712) == "0,57" and report.number(-0.5) == "−0,50"
    assert report.p_value(0.0004) == "< 0,001" and report.p_value(0.0123) == "0,012"
    assert report.signed_pct(0.12) == "+12 %" and report.signed_pct(-0.05) == "−5 %"
    assert report.clock(75) == "1:15" and report.clock(3725.4) == "1:02:05" and report.clock(None) == "–"


def test_verdicts_tests_and_notes_in_dutch():
    assert [report.verdict(v) for v in ("higher", "lower", "no clear difference", "too little data")] == [
        "vaker dan elders", "minder vaak dan elders", "geen duidelijk verschil", "te weinig gegevens"]
    assert report.TESTS["chi-square"] == "chi-kwadraat"
    assert report.note_nl("left out (fewer than 20 turns): A, B; the code occurs in none or all of the turns") == (
        "niet getoetst (minder dan 20 antwoorden): A, B; de code komt in geen of in alle antwoorden voor")


def test_table_has_dutch_headers_formatted_values_and_no_row_numbers():
    frame = pd.DataFrame({"code": ["geld", "regels"], "share": [0.25, 0.5], "low": [0.2, 0.4], "high": [0.3, 0.6],
                          "p": [0.0001, 0.2], "verdict": ["higher", "no clear difference"]})
    styled = report.table(frame, {"code": "code", "p": ("p na correctie", "p"), "verdict": ("oordeel", "verdict")},
                          intervals={"aandeel": ("share", "low", "high")})
    assert styled.data.to_dict("records") == [
        {"code": "geld", "p na correctie": "< 0,001", "oordeel": "vaker dan elders", "aandeel": "25 % (20–30 %)"},
        {"code": "regels", "p na correctie": "0,200", "oordeel": "geen duidelijk verschil", "aandeel": "50 % (40–60 %)"}]
    html = styled.to_html()
    assert "<th" in html and ">0<" not in html  # no index column
    assert styled.to_html() == report.table(frame, {"code": "code", "p": ("p na correctie", "p"),
                                                    "verdict": ("oordeel", "verdict")},
                                            intervals={"aandeel": ("share", "low", "high")}).to_html()
    with pytest.raises(ValueError, match="The format of column 'code' must be one of"):
        report.table(frame, {"code": ("code", "procent")})


def test_distinctive_words_chart_draws_only_positive_z_in_ranked_order():
    docs = [["bus", "plein", "geld"]] * 6 + [["geld", "regels", "formulier"]] * 6
    words = compare.distinctive_words(docs, ["A"] * 6 + ["B"] * 6, min_count=1, top=None)
    assert (words[words["group"] == "A"]["z"] < 0).any()  # the data has words that are rarer in A
    fig = plots.distinctive_words_chart(words, "A")
    drawn = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert set(drawn) == {"bus", "plein"}  # geld is not distinctive of A, regels and formulier are rarer there
    assert "bus" in fig.alt_text and "Staafdiagram" in fig.alt_text


def test_distinctive_words_break_ties_by_count_then_word():
    docs = [["b", "a", "c"], ["x"], ["x", "y"]]
    words = compare.distinctive_words(docs, ["G", "H", "H"], min_count=1, top=None)
    g = words[words["group"] == "G"]
    assert g["word"].tolist()[:3] == ["a", "b", "c"]  # equal z and count: alphabetical


def test_figures_carry_a_dutch_description_shown_as_alt_text(monkeypatch):
    fig = plots.counts(pd.Series({"bewoner": 3, "ambtenaar": 5}), "Woorden per rol", "woorden")
    assert report.alt_text(fig).startswith("Staafdiagram: woorden per rol. ambtenaar 5, bewoner 3")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, metadata=None: shown.append(metadata))
    report.show(fig)
    assert shown == [{"image/png": {"alt": fig.alt_text}}]


def _versus(shares_group, shares_rest, verdicts, n_transcripts=3):
    codes = list(shares_group)
    return pd.DataFrame({
        "code": codes, "transcripts_group": n_transcripts, "n_group": 60, "count_group": [int(60 * s) for s in shares_group.values()],
        "share_group": list(shares_group.values()), "low_group": [s - 0.05 for s in shares_group.values()],
        "high_group": [s + 0.05 for s in shares_group.values()], "n_rest": 200,
        "count_rest": [int(200 * s) for s in shares_rest.values()], "share_rest": list(shares_rest.values()),
        "low_rest": [s - 0.02 for s in shares_rest.values()], "high_rest": [s + 0.02 for s in shares_rest.values()],
        "test": "chi-square", "p_adjusted": [0.001 if v in ("higher", "lower") else 0.5 for v in verdicts],
        "cramers_v": 0.2, "verdict": verdicts})


class _A:
    """The few parts of an Analysis that summary.neighbourhood reads."""

    def __init__(self, units):
        self.units, self.tags, self.codes = units, pd.DataFrame(columns=["transcript_id", "turn", "code"]), []

    def label(self, code):
        return {"vertrouwen": "Vertrouwen", "wantrouwen": "Wantrouwen", "financiering": "Financiering"}[code]


def test_neighbourhood_summary_states_differences_with_intervals_or_too_little_data():
    units = pd.DataFrame({"neighbourhood": "K-buurt", "district": "Zuidoost", "transcript_id": ["a", "a", "b"],
                          "turn": [1, 3, 1], "stakeholder": ["bewoner", "bewoner", "ambtenaar"]})
    versus = _versus({"financiering": 0.40, "vertrouwen": 0.10, "wantrouwen": 0.20},
                     {"financiering": 0.15, "vertrouwen": 0.10, "wantrouwen": 0.05},
                     ["higher", "no clear difference", "higher"])
    lines = summary.neighbourhood(_A(units), "K-buurt", versus=versus)
    assert 3 <= len(lines) <= 5
    assert lines[0] == "K-buurt (Zuidoost): 2 gesprekken, 3 antwoorden van respondenten (ambtenaar 1, bewoner 2)."
    assert "Vaker dan in de rest van de stad: financiering 40 % (35–45 %) tegen 15 % (13–17 %)" in lines[2]
    assert lines[-1] == "Vertrouwen in 10 %, wantrouwen in 20 % van de antwoorden: meer wantrouwen dan vertrouwen."
    little = summary.neighbourhood(_A(units), "K-buurt", versus=versus.assign(verdict="too little data"))
    assert any(line.startswith("Te weinig gegevens om K-buurt") for line in little)
    assert not any("Vaker dan" in line for line in little)


def test_role_plurals():
    assert [summary.plural(r) for r in ("bewoner", "ambtenaar", "initiatiefnemer")] == [
        "bewoners", "ambtenaren", "initiatiefnemers"]


def test_agreement_with_a_review_log_counts_only_the_reviewed_turns(tmp_path):
    """A coder who reviewed three turns of a transcript has said nothing about its other turns."""
    import shutil

    from mjs_analysis.analysis import analyse
    from mjs_analysis.explore.coding_file import CodingFile

    from .conftest import CORPUS, quiet

    folder = tmp_path / "c"
    folder.mkdir()
    shutil.copy(CORPUS / "kb01.txt", folder)
    shutil.copy(CORPUS / "codebook.yml", folder)
    meta = (CORPUS / "metadata.csv").read_text(encoding="utf-8").splitlines()
    (folder / "metadata.csv").write_text("\n".join([meta[0]] + [r for r in meta if r.startswith("kb01,")]) + "\n",
                                         encoding="utf-8")
    A0 = quiet(analyse, folder, k=2, cache=False)
    turns = A0.units["turn"].tolist()[:3]
    log = CodingFile(folder, "Anna")
    log.record("kb01", turns[0], "none")
    log.record("kb01", turns[1], "add", code="financiering", source="hand")
    log.record("kb01", turns[2], "none")
    A = quiet(analyse, folder, k=2, cache=False)
    table = summary.agreement_table(A)
    assert A.reviewed is not None and len(A.units) > 3
    assert set(table.loc[table["code"] != "(all codes)", "n_units"]) == {3}  # not every turn of kb01
    assert set(summary.code_reliability(A, n_boot=20)["n_units"]) <= {3}

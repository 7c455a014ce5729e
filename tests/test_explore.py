"""Exploration helpers (keyword in context, filters, context) and the shared analysis of a run."""

from __future__ import annotations

import pandas as pd
import pytest

from mjs_analysis.explore import (CodingFile, code_options, context, explorer, filter_turns, format_time, kwic,
                                  kwic_html, narrowed_options)

from .conftest import CORPUS, quiet


@pytest.fixture
def turns():
    text = "Ik vertrouw het stadsdeel. Maar vertrouwen moet je verdienen."
    return pd.DataFrame({
        "transcript_id": ["t1", "t1", "t1", "t2"], "turn": [0, 1, 2, 0],
        "speaker": ["I", "Fatma", "I", "Kees"], "speaker_role": ["interviewer", "respondent", "interviewer", "respondent"],
        "neighbourhood": ["K-buurt", "K-buurt", "K-buurt", "Holendrecht"],
        "stakeholder": ["interviewer", "bewoner", "interviewer", "ambtenaar"],
        "timestamp": [0.0, 5.0, 9.0, 1.0], "start_char": [0, 12, 80, 0],
        "text": ["Vertrouwt u ze?", text, "Dank u.", "Geen woord over vertrouwen hier."],
    })


def test_kwic_hits_are_traceable_to_the_transcript(turns):
    hits = kwic(turns[turns.speaker_role != "interviewer"], "vertrouw", window=10)
    assert hits["hit"].tolist() == ["vertrouw", "vertrouwen", "vertrouwen"]  # the whole word, never "vertrouw | en"
    first = hits.iloc[0]
    text = turns.loc[1, "text"]
    assert first["start_char"] == 12 + text.index("vertrouw")
    assert first["left"] == "Ik " and first["right"] == " het "  # "stadsdeel" does not fit in 10: left out
    second = hits.iloc[1]
    assert second["start_char"] == 12 + text.index("vertrouwen")
    assert second["left"] == ". Maar " and second["right"] == " moet je "


def test_kwic_contexts_end_on_word_boundaries():
    text = "aaaa bbbb cccc vertrouwensband dddd eeee ffff"
    frame = pd.DataFrame({"transcript_id": ["t"], "turn": [0], "speaker": ["R"], "text": [text]})
    for window in range(0, 20):
        row = kwic(frame, "vertrouw", window=window).iloc[0]
        assert row["hit"] == "vertrouwensband"
        assert row["left"] + row["hit"] + row["right"] in text
        words = text.split()
        assert all(w in words for w in row["left"].split()) and all(w in words for w in row["right"].split())
        assert len(row["left"]) <= window and len(row["right"]) <= window
    assert kwic(frame, "bbbb cc")["hit"].tolist() == ["bbbb cccc"]  # a hit ending inside a word runs on
    assert kwic(frame, "ertrouw").empty  # the pattern starts at a word start


def test_kwic_whole_words_regex_and_bad_input(turns):
    assert len(kwic(turns, "vertrouwen", whole_word=True)) == 2
    assert kwic(turns, r"vertrouw(t|en)\b", regex=True)["hit"].tolist() == ["Vertrouwt", "vertrouwen", "vertrouwen"]
    with pytest.raises(ValueError, match="'pattern' parameter of kwic is not a valid regular expression"):
        kwic(turns, "(", regex=True)
    with pytest.raises(ValueError, match="'window' parameter"):
        kwic(turns, "x", window=-1)


def test_kwic_html_aligns_the_contexts(turns):
    page = kwic_html(kwic(turns, "vertrouw", window=20))
    assert page.count('class="mjs-left"') == 4 and ".mjs-kwic td.mjs-left{text-align:right}" in page
    assert ".mjs-kwic td.mjs-right{text-align:left}" in page
    assert '<td class="mjs-time">00:05</td>' in page and '<td class="mjs-hit">vertrouwen</td>' in page


@pytest.mark.parametrize("seconds, shown", [(687.752, "11:27"), (0, "00:00"), (59.99, "00:59"), (3600, "1:00:00"),
                                            (3723.5, "1:02:03"), (36000, "10:00:00"), (None, ""),
                                            (float("nan"), ""), ("x", ""), (-1, "")])
def test_format_time(seconds, shown):
    assert format_time(seconds) == shown


def test_filters_and_context(turns):
    tags = pd.DataFrame({"transcript_id": ["t2"], "turn": [0], "code": ["vertrouwen"]})
    assert filter_turns(turns, tags, neighbourhood="K-buurt", stakeholder="bewoner")["speaker"].tolist() == ["Fatma"]
    assert filter_turns(turns, tags, code="vertrouwen")["speaker"].tolist() == ["Kees"]
    assert len(filter_turns(turns, tags, neighbourhood="(alle)")) == 4
    around = context(turns, "t1", 1)
    assert around["turn"].tolist() == [0, 1, 2] and around["time"].tolist() == ["00:00", "00:05", "00:09"]
    with pytest.raises(ValueError, match="unknown transcript_id"):
        context(turns, "zz", 0)


def test_options_narrow_with_the_neighbourhood(turns):
    tags = pd.DataFrame({"transcript_id": ["t2", "t1"], "turn": [0, 1], "code": ["vertrouwen", "co_creatie"]})
    everything = narrowed_options(turns, tags)
    assert everything["speaker"] == ["Fatma", "I", "Kees"] and everything["code"] == ["co_creatie", "vertrouwen"]
    kb = narrowed_options(turns, tags, neighbourhood="K-buurt")
    assert kb["neighbourhood"] == ["Holendrecht", "K-buurt"]  # the neighbourhood list itself never narrows
    assert kb["stakeholder"] == ["bewoner", "interviewer"] and kb["speaker"] == ["Fatma", "I"]
    assert kb["code"] == ["co_creatie"]
    role = narrowed_options(turns, tags, neighbourhood="K-buurt", stakeholder="interviewer")
    assert role["speaker"] == ["I"] and role["code"] == []
    labels = {"co_creatie": "Co-creatie", "vertrouwen": "Vertrouwen"}
    assert code_options(["vertrouwen", "co_creatie"], labels) == [("Co-creatie", "co_creatie"), ("Vertrouwen", "vertrouwen")]
    assert code_options(["a", "b"], {"a": "X", "b": "X"}) == [("X (a)", "a"), ("X (b)", "b")]


def test_explorer_narrows_labels_and_reviews(turns, tmp_path):
    from mjs_analysis.codebook import Codebook

    cb_path = tmp_path / "cb.yml"
    cb_path.write_text("codes:\n  - id: vertrouwen\n    label: {nl: Vertrouwen}\n    definition: Trust.\n"
                       "    rules: {terms: [vertrouwen]}\n  - id: co_creatie\n    label: {nl: Co-creatie}\n"
                       "    definition: Samen maken.\n    rules: {terms: [samen]}\n", encoding="utf-8")
    tags = pd.DataFrame({"transcript_id": ["t2", "t1"], "turn": [0, 1], "code": ["vertrouwen", "vertrouwen"],
                         "evidence": ["Geen woord over vertrouwen hier.", "Maar vertrouwen moet je verdienen."],
                         "rule": ["term:vertrouwen", "weak:vertrouw"], "negated": [False, False]})
    panel = explorer(turns, tags, codebook=Codebook.load(cb_path), corpus=tmp_path)
    e = panel.explorer
    assert [l for l, _ in e.pick["code"].options] == ["(alle)", "Vertrouwen"]
    assert len(e.pick["speaker"].options) == 4
    e.pick["neighbourhood"].value = "Holendrecht"
    assert e.pick["speaker"].options == ("(alle)", "Kees") and e.pick["stakeholder"].options == ("(alle)", "ambtenaar")
    e.pick["code"].value = "vertrouwen"
    assert e.pick["code"].tooltip == "code-id: vertrouwen"
    e.pick["neighbourhood"].value = "(alle)"
    e.pick["code"].value = "(alle)"
    e.query.value = "vertrouw"
    assert [label for label, _ in e.chooser.options] == ["t1 beurt 0", "t1 beurt 1", "t2 beurt 0"]
    assert 'class="mjs-kwic"' in e.hits.value and "4 treffers" in e.summary.value
    e.coder.value = "Anna de Vries"
    assert e.progress.value == "0 van 2 beurten beoordeeld"
    assert [v for _, v in e.next_pick.options][1:] == [("t1", 1), ("t2", 0)]  # the weak cue first
    e.show("t1", 1)
    e._decide("reject", "vertrouwen", "weak:vertrouw")
    e.add_pick.value = "co_creatie"
    assert "Samen maken." in e.definition.value
    e._decide("add", "co_creatie")
    path = tmp_path / "coding" / "Anna_de_Vries.csv"
    from mjs_analysis.reliability import read_codings

    got = read_codings([path])
    assert list(zip(got.transcript_id, got.turn, got.code, got.coder)) == [("t1", 1, "co_creatie", "Anna de Vries")]
    assert e.progress.value == "1 van 2 beurten beoordeeld" and [v for _, v in e.next_pick.options][1:] == [("t2", 0)]
    assert [v for _, v in e.done_pick.options][1:] == [("t1", 1)]
    e.undo()
    assert read_codings([path]).empty and len(CodingFile(tmp_path, "Anna de Vries").read()) == 1
    e.show("t1", 0)  # a question is not coded
    assert "niet gecodeerd" in str([c.value for c in e.review_box.children if hasattr(c, "value")])


def test_analyse_is_stored_once_and_recomputed_when_the_codebook_changes(tmp_path):
    import os
    import shutil
    from pathlib import Path

    from mjs_analysis.analysis import analyse, provenance

    folder = tmp_path / "c"
    folder.mkdir()
    for name in ("sln01.txt", "kb01.txt", "metadata.csv", "codebook.yml"):
        shutil.copy(CORPUS / name, folder)
    store = Path(os.environ["MJS_CACHE_DIR"]) / "analysis"
    before = set(store.glob("*.pkl")) if store.exists() else set()
    first = quiet(analyse, folder, k=4)
    made = set(store.glob("*.pkl")) - before
    assert len(made) == 1
    again = quiet(analyse, folder, k=4)
    assert again.tags.equals(first.tags) and set(store.glob("*.pkl")) - before == made
    (folder / "codebook.yml").write_text((folder / "codebook.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    quiet(analyse, folder, k=4)
    assert len(set(store.glob("*.pkl")) - before) == 2
    table = provenance(first)
    assert table.loc["corpus-hash", "waarde"] and table.loc["spaCy-pijplijn", "waarde"].startswith("nl_blank_lookups")
    assert first.codings is None and first.design is None
    with pytest.raises(ValueError, match="'seed' parameter"):
        analyse(folder, seed=-1)

"""Exploration helpers (keyword in context, filters, context) and the shared analysis of a run."""

from __future__ import annotations

import pandas as pd
import pytest

from mjs_analysis.explore import context, explorer, filter_turns, kwic

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
    assert hits["hit"].tolist() == ["vertrouw", "vertrouw", "vertrouw"]
    first = hits.iloc[0]
    text = turns.loc[1, "text"]
    assert first["start_char"] == 12 + text.index("vertrouw")
    assert first["left"] == "Ik " and first["right"].startswith(" het stads")


def test_kwic_whole_words_regex_and_bad_input(turns):
    assert len(kwic(turns, "vertrouwen", whole_word=True)) == 2
    assert kwic(turns, r"vertrouw(t|en)\b", regex=True)["hit"].tolist() == ["Vertrouwt", "vertrouwen", "vertrouwen"]
    with pytest.raises(ValueError, match="'pattern' parameter of kwic is not a valid regular expression"):
        kwic(turns, "(", regex=True)
    with pytest.raises(ValueError, match="'window' parameter"):
        kwic(turns, "x", window=-1)


def test_filters_and_context(turns):
    tags = pd.DataFrame({"transcript_id": ["t2"], "turn": [0], "code": ["vertrouwen"]})
    assert filter_turns(turns, tags, neighbourhood="K-buurt", stakeholder="bewoner")["speaker"].tolist() == ["Fatma"]
    assert filter_turns(turns, tags, code="vertrouwen")["speaker"].tolist() == ["Kees"]
    assert len(filter_turns(turns, tags, neighbourhood="(alle)")) == 4
    around = context(turns, "t1", 1)
    assert around["turn"].tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="unknown transcript_id"):
        context(turns, "zz", 0)


def test_explorer_builds_its_widgets(turns):
    tags = pd.DataFrame({"transcript_id": ["t2"], "turn": [0], "code": ["vertrouwen"]})
    panel = explorer(turns, tags)
    filters = panel.children[0].children
    assert [w.description for w in filters] == ["Buurt", "Rol", "Spreker", "Code"]
    assert filters[3].options == ("(alle)", "vertrouwen")
    panel.children[1].value = "vertrouw"  # typing a query lists the hits' turns to read
    assert [label for label, _ in panel.children[3].options] == ["t1 beurt 0", "t1 beurt 1", "t2 beurt 0"]


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

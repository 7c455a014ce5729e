"""The bundled demo corpus keeps its promises: size, balance, complete metadata, valid codings and answer key."""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
import pytest
import yaml

from mjs_analysis import MjsWarning, load_corpus

from .conftest import CORPUS

NEIGHBOURHOODS = {"Slotermeer Noordoost", "K-buurt", "Holendrecht", "Kleine Wereld-Buikslotermeer",
                  "Banne Buiksloot"}


@pytest.fixture(scope="module")
def corpus():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MjsWarning)
        return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def codebook_ids():
    codes = yaml.safe_load((CORPUS / "codebook.yml").read_text(encoding="utf-8"))["codes"]
    return {c["id"] for c in codes if c.get("codable", True)}


def test_validates_without_errors_or_warnings(corpus):
    assert [str(p) for p in corpus.problems] == []


def test_size_and_balance(corpus):
    meta = corpus.metadata
    assert len(meta) >= 30
    assert set(meta.neighbourhood) == NEIGHBOURHOODS
    assert meta.groupby("neighbourhood").size().min() >= 5
    assert meta.n_words.between(1500, 3000).all(), meta.loc[~meta.n_words.between(1500, 3000), ["transcript_id", "n_words"]]
    assert meta.n_words.sum() >= 60_000
    assert {"txt", "vtt", "srt", "docx"} <= set(meta.format)
    assert (meta.format == "docx").sum() >= 2


def test_roles_and_group_sessions(corpus):
    seg = corpus.segments
    respondents = seg[seg.speaker_role == "respondent"]
    assert {"bewoner", "initiatiefnemer", "ambtenaar", "ondernemer"} <= set(respondents.stakeholder)
    groups = corpus.metadata[corpus.metadata.setting == "groepsgesprek"]
    assert set(groups.district) == {"Nieuw-West", "Zuidoost", "Noord"}
    for tid in groups.transcript_id:
        speakers = respondents[respondents.transcript_id == tid]
        assert speakers.speaker.nunique() >= 3
        assert "gemengd" not in set(speakers.stakeholder), f"{tid}: speaker without a row in speakers.csv"


def test_metadata_complete(corpus):
    meta = corpus.metadata
    core = ["neighbourhood", "district", "date", "interviewer", "respondent_role", "language", "pseudonymised"]
    assert meta[core].notna().all().all()
    dates = meta.date.map(dt.date.fromisoformat)
    assert dates.min() >= dt.date(2019, 10, 1) and dates.max() <= dt.date(2020, 11, 30)
    assert meta.pseudonymised.all()
    assert set(meta.language) == {"nl"}


def test_spoken_language_features(corpus):
    text = " ".join(corpus.segments.text).lower()
    for marker in ("eh", "[lacht]", "[onverstaanbaar]", "zeg maar", "weet je"):
        assert marker in text


def read_codings():
    frames = [pd.read_csv(CORPUS / "coding" / f"coder_{c}.csv", dtype={"turn": int}) for c in "ab"]
    return frames


def test_manual_codings_are_valid(corpus, codebook_ids):
    seg = corpus.segments.set_index(["transcript_id", "turn"])
    a, b = read_codings()
    for frame, coder in ((a, "A"), (b, "B")):
        assert {"transcript_id", "turn", "code", "coder"} <= set(frame.columns)
        assert set(frame.code) <= codebook_ids, set(frame.code) - codebook_ids
        assert set(frame.coder) == {coder}
        keys = list(zip(frame.transcript_id, frame.turn))
        assert all(k in seg.index for k in keys)
        assert set(seg.loc[keys, "speaker_role"]) == {"respondent"}
        assert not frame.duplicated(["transcript_id", "turn", "code"]).any()
    assert set(a.transcript_id) == set(b.transcript_id)
    coded = corpus.metadata.set_index("transcript_id").loc[sorted(set(a.transcript_id))]
    assert len(coded) >= 8
    assert set(coded.neighbourhood) == NEIGHBOURHOODS


def test_answer_key_is_checkable(corpus, codebook_ids):
    design = yaml.safe_load((CORPUS / "design.yml").read_text(encoding="utf-8"))["contrasts"]
    assert len(design) >= 8
    used = set()
    roles = set(corpus.segments.stakeholder)
    for c in design:
        codes = c.get("codes") or [c["code"]] + ([c["than"]] if c["type"] == "code_greater" else [])
        used |= set(codes)
        assert set(codes) <= codebook_ids
        assert c["group_by"] in ("neighbourhood", "stakeholder")
        if c["type"] == "highest_share":
            assert c["expect"] in NEIGHBOURHOODS
        elif c["type"] == "code_greater":
            assert c["group"] in NEIGHBOURHOODS
        elif c["type"] == "group_greater":
            assert set(c["groups"]) | set(c["than"]) <= roles
        else:
            assert c["type"] == "present_everywhere"
    assert used == codebook_ids  # the contrasts are spread over all 14 codes

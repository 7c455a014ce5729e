"""Corpus loading: metadata merge, per-speaker roles, folder scans and corpus-level problems."""

from __future__ import annotations

import pytest

from mjs_analysis import CorpusError, load_corpus, validate
from mjs_analysis.corpus import SEGMENT_COLUMNS

from .conftest import quiet

META = ("transcript_id,neighbourhood,district,date,interviewer,respondent_role,language,pseudonymised\n"
        "a1,K-buurt,Zuidoost,2020-01-09,Onderzoeker B,bewoner,nl,true\n"
        "b2,Holendrecht,Zuidoost,2020-02-13,Moderator,gemengd,nl,true\n")


@pytest.fixture
def folder(tmp_path, write):
    write("metadata.csv", META)
    write("speakers.csv", "transcript_id,speaker,respondent_role\nb2,Erik,ambtenaar\n")
    write("a1.txt", "I: Hoe was het?\nR: Goed.\nOnderzoeker B: Echt?\nR: Ja.\n")
    write("b2.srt", "1\n00:00:01,000 --> 00:00:02,000\nModerator: Welkom.\n\n"
                    "2\n00:00:02,500 --> 00:00:04,000\nErik: Dank.\n\n"
                    "3\n00:00:04,500 --> 00:00:06,000\nGloria: Ja.\n")
    write("README.md", "# Documentatie\n\nGeen transcript.\n")
    write("_oud/c3.txt", "I: genegeerd\n")
    return tmp_path


def test_segments_table(folder):
    corpus = load_corpus(folder)
    seg = corpus.segments
    assert list(seg.columns) == SEGMENT_COLUMNS
    assert sorted(corpus.metadata.transcript_id) == ["a1", "b2"]
    a1 = seg[seg.transcript_id == "a1"]
    assert a1.turn.tolist() == [0, 1, 2, 3]
    assert a1.speaker_role.tolist() == ["interviewer", "respondent", "interviewer", "respondent"]
    assert a1.stakeholder.tolist() == ["interviewer", "bewoner", "interviewer", "bewoner"]
    assert set(a1.neighbourhood) == {"K-buurt"} and set(a1.pseudonymised) == {True}
    b2 = seg[seg.transcript_id == "b2"]
    assert b2.stakeholder.tolist() == ["interviewer", "ambtenaar", "gemengd"]
    assert b2.timestamp.tolist() == [1.0, 2.5, 4.5]
    for t in corpus:
        for row in seg[seg.transcript_id == t.transcript_id].itertuples():
            assert t.text[row.start_char:row.end_char] == row.text
    assert corpus.problems == []


def test_corpus_hash_changes_with_content(folder, write):
    before = load_corpus(folder).hash
    write("a1.txt", "I: Hoe was het?\nR: Slecht.\n", folder)
    assert load_corpus(folder).hash != before


def test_one_bad_file_does_not_hide_the_others(folder, write):
    write("leeg.txt", "")
    write("kapot.vtt", "geen header\n")
    problems = validate(folder)
    assert {p.path.rsplit("/", 1)[-1] for p in problems if p.is_error} == {"leeg.txt", "kapot.vtt"}
    corpus = quiet(load_corpus, folder)
    assert len(corpus) == 2  # the good files are still read


def test_strict_raises_with_every_problem(folder, write):
    write("leeg.txt", "")
    write("kapot.vtt", "geen header\n")
    with pytest.raises(CorpusError) as info:
        quiet(load_corpus, folder, strict=True)
    assert len(info.value.problems) == 2


def test_duplicate_transcript_ids(folder, write):
    write("a1.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v R>Ja.</v>\n")
    (p,) = [p for p in validate(folder) if p.is_error]
    assert "duplicate transcript id 'a1'" in p.message and "a1.txt" in p.message


def test_duplicate_id_via_front_matter(folder, write):
    write("x.txt", "---\ntranscript_id: a1\n---\nI: a\n")
    assert any("duplicate transcript id 'a1'" in p.message for p in validate(folder))


def test_front_matter_disagreeing_with_metadata_csv(folder, write):
    write("a1.txt", "---\nneighbourhood: Holendrecht\n---\nI: a\nR: b\n")
    (p,) = [p for p in validate(folder) if p.is_error]
    assert p.line == 2
    assert "'neighbourhood' is 'Holendrecht' here but 'K-buurt' in" in p.message
    assert "metadata.csv:2" in p.message


def test_front_matter_agreeing_with_csv_is_fine(folder, write):
    write("a1.txt", "---\nneighbourhood: K-buurt\ndate: 2020-01-09\n---\nI: a\nR: b\n")
    assert [p for p in validate(folder) if p.is_error] == []


def test_metadata_row_without_file_and_file_without_metadata(folder, write):
    write("metadata.csv", META + "zz9,Noord,Noord,2020-01-01,I,bewoner,nl,true\n")
    write("los.txt", "I: a\nR: b\n")
    problems = validate(folder)
    assert not any(p.is_error for p in problems)
    text = [str(p) for p in problems]
    assert any(s.endswith("metadata.csv:4: warning: metadata row for transcript 'zz9' has no transcript file")
               for s in text)
    assert any("los.txt: warning: transcript 'los' has no metadata" in s for s in text)


def test_malformed_metadata_csv_value(folder, write):
    write("metadata.csv", META.replace("2020-02-13", "13 februari"))
    (p,) = [p for p in validate(folder) if p.is_error]
    assert str(p).endswith("metadata.csv:3: metadata field 'date' must be a date as YYYY-MM-DD; got '13 februari'")


def test_duplicate_rows_in_metadata_csv(folder, write):
    write("metadata.csv", META + "a1,Noord,Noord,2020-01-01,I,bewoner,nl,true\n")
    assert any(p.line == 4 and "more than once" in p.message for p in validate(folder))


def test_missing_path_and_empty_folder(tmp_path):
    (tmp_path / "leeg").mkdir()
    problems = validate([tmp_path / "bestaat-niet", tmp_path / "leeg"])
    assert [p.message for p in problems] == [
        "no such file or folder",
        "no transcript files found (looked for .txt, .md, .vtt, .srt, .docx, .json, .tsv, .cha)"]


def test_single_file_uses_metadata_of_its_folder(folder):
    corpus = load_corpus(folder / "a1.txt")
    assert corpus.transcripts[0].metadata["neighbourhood"] == "K-buurt"
    assert corpus.problems == []  # other rows of metadata.csv are not this call's business


def test_markdown_with_front_matter_is_a_transcript(folder, write):
    write("m1.md", "---\nneighbourhood: Noord\n---\nI: a\nR: b\n")
    assert "m1" in quiet(load_corpus, folder).metadata.transcript_id.tolist()

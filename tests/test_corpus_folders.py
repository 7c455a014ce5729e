"""Corpus folders as researchers keep them: Excel CSVs, README files, PDFs beside the transcripts, typos."""

from __future__ import annotations

from mjs_analysis import load_corpus, validate

from .conftest import quiet

HEADER = "transcript_id;neighbourhood;district;date;interviewer;respondent_role;language;pseudonymised\n"


def messages(problems):
    return [str(p) for p in problems]


def test_dutch_excel_metadata_with_semicolons_bom_and_cp1252(tmp_path, write):
    rows = HEADER + "g1;Geuzenveld;Nieuw-West;2020-01-09;Sanne;bewoner;nl;true\n"
    write("metadata.csv", b"\xef\xbb\xbf" + rows.encode("utf-8"))
    write("g1.txt", "Sanne: Hoe?\nKees: Zo.\nSanne: Echt?\nKees: Ja.\n")
    corpus = quiet(load_corpus, tmp_path)
    assert corpus.errors == []
    assert corpus["g1"].metadata["neighbourhood"] == "Geuzenveld"
    assert corpus.segments.speaker_role.tolist() == ["interviewer", "respondent"] * 2  # from `interviewer`

    write("metadata.csv", (HEADER + "g1;Zuidas é;Zuid;2020-01-09;Sanne;bewoner;nl;true\n").encode("cp1252"))
    problems = validate(tmp_path)
    assert any("metadata.csv: warning: not valid UTF-8; read as cp1252" in m for m in messages(problems))
    assert quiet(load_corpus, tmp_path)["g1"].metadata["neighbourhood"] == "Zuidas é"


def test_speakers_csv_with_semicolons_names_the_interviewer(tmp_path, write):
    write("speakers.csv", "transcript_id;speaker;respondent_role\ng1;Sanne;interviewer\ng1;Kees;bewoner\n")
    write("g1.txt", "Kees: Ik woon hier.\nSanne: Sinds wanneer?\nKees: Lang.\nSanne: En?\n")
    corpus = quiet(load_corpus, tmp_path)
    assert not [p for p in corpus.problems if "respondent_role" in p.message]
    seg = corpus.segments
    assert seg.speaker_role.tolist() == ["respondent", "interviewer", "respondent", "interviewer"]
    assert seg.stakeholder.tolist() == ["bewoner", "interviewer", "bewoner", "interviewer"]
    assert corpus["g1"].guesses == []


def test_md_without_front_matter_is_a_transcript_when_labels_are_found(tmp_path, write):
    write("interview_3.md", "# Interview 3\n\n**Interviewer:** Hoe ging het?\n\n**Respondent:** Goed.\n")
    write("README.md", "# Over deze map\n\nHier staan de transcripten. Zie ook: de leidraad.\n"
                       "Bron: de opnames.\nDoel: het onderzoek.\nBron: de notities.\nDoel: de rapportage.\n")
    write("notities.md", "Bron: de opnames van maart.\nBron: de notities van april.\n")  # one "speaker"
    corpus = quiet(load_corpus, tmp_path)
    assert [t.transcript_id for t in corpus] == ["interview_3"]
    assert [turn.speaker for turn in corpus["interview_3"].turns] == ["preamble", "Interviewer", "Respondent"]
    assert corpus.notes == [f"{tmp_path / name}: left alone: a .md file without front matter or speaker "
                            "labels (documentation?)" for name in ("README.md", "notities.md")]


def test_unsupported_files_are_named_and_their_metadata_row_says_why(tmp_path, write):
    write("metadata.csv", HEADER.replace(";", ",") + "a1,K-buurt,Zuidoost,2020-01-09,I,bewoner,nl,true\n"
                                                      "b2,K-buurt,Zuidoost,2020-01-10,I,bewoner,nl,true\n")
    write("a1.txt", "I: Hoe?\nR: Zo.\n")
    write("b2.pdf", b"%PDF-1.4")
    write("oud/c3.doc", b"\xd0\xcf\x11\xe0")
    write("opname.m4a", b"\x00\x00")
    write("codebook.yml", "codes: []\n")
    problems = messages(validate(tmp_path))
    assert f"{tmp_path}: warning: 2 file(s) of unsupported types not read: b2.pdf, oud/c3.doc" in problems[0]
    assert any("metadata row for transcript 'b2' has no transcript file (only b2.pdf, of a type" in m
               for m in problems)
    assert not any("m4a" in m or "codebook" in m for m in problems)


def test_neighbourhood_names_that_differ_slightly_are_named(tmp_path, write):
    meta = HEADER.replace(";", ",")
    for i, hood in enumerate(["Geuzenveld", "Geuzenveld", "Geuzenvelt", "Slotermeer"]):
        meta += f"t{i},{hood},Nieuw-West,2020-01-0{i + 1},I,bewoner,nl,true\n"
        write(f"t{i}.txt", "I: Hoe?\nR: Zo.\n")
    write("metadata.csv", meta)
    problems = messages(validate(tmp_path))
    assert [m for m in problems if "differs only slightly" in m] == [
        f"{tmp_path / 't2.txt'}: warning: neighbourhood 'Geuzenvelt' (1 transcript(s)) differs only slightly "
        "from 'Geuzenveld' (2 transcript(s)); a typo?"]

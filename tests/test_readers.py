"""The readers: every format, every convention of the issue, and every bad input with its one-line error."""

from __future__ import annotations

import pytest

from mjs_analysis import TranscriptError, TranscriptWarning, read_transcript
from mjs_analysis.readers import parse_timestamp

FRONT = """---
transcript_id: t1
neighbourhood: K-buurt
district: Zuidoost
date: 2020-01-09
interviewer: Onderzoeker B
respondent_role: bewoner
language: nl
pseudonymised: true
---
"""


def problems_of(path):
    with pytest.raises(TranscriptError) as info:
        read_transcript(path)
    return info.value.problems


# ----------------------------------------------------------------------------- txt


def test_txt_front_matter_labels_and_continuation(write):
    path = write("t1.txt", FRONT + (
        "I: Hoe ging het?\n"
        "R: Nou, eh, goed.\n"
        "Het ging eigenlijk best goed.\n"
        "\n"
        "Maar toen kwam de brief.\n"
        "Onderzoeker B: En toen?\n"
        "Bewoner 2: Toen niks.\n"
    ))
    t = read_transcript(path)
    assert t.metadata["neighbourhood"] == "K-buurt"
    assert t.metadata["pseudonymised"] is True
    assert [turn.speaker for turn in t.turns] == ["I", "R", "Onderzoeker B", "Bewoner 2"]
    assert t.turns[1].text == "Nou, eh, goed. Het ging eigenlijk best goed.\nMaar toen kwam de brief."
    assert [turn.line for turn in t.turns] == [11, 12, 16, 17]
    for turn in t.turns:
        assert t.text[turn.start_char:turn.end_char] == turn.text


@pytest.mark.parametrize("line, speaker, seconds", [
    ("[00:12:34] I: Ja.", "I", 754.0),
    ("I [00:12:34]: Ja.", "I", 754.0),
    ("I: [00:12:34] Ja.", "I", 754.0),
    ("(12:34) Interviewer: Ja.", "Interviewer", 754.0),
    ("00:12:34.5 Int: Ja.", "Int", 754.5),
    ("Nadia (12:34): Ja.", "Nadia", 754.0),
    ("Onderzoeker B: Ja.", "Onderzoeker B", None),
])
def test_txt_timestamps_before_or_after_label(write, line, speaker, seconds):
    path = write("t.txt", f"{line}\n{speaker}: nog een keer\n")
    t = read_transcript(path)
    assert t.turns[0].speaker == speaker
    assert t.turns[0].text == "Ja."
    assert t.turns[0].timestamp == seconds


def test_sentence_with_colon_is_not_a_label(write):
    path = write("t.txt", "I: Wat vond u ervan?\nR: Ik zei meteen\nNou kijk: dat gaat niet werken.\n"
                          "Dus: nee.\nI: Oké.\nR: Om 12:30 was het klaar.\n")
    t = read_transcript(path)
    assert [turn.speaker for turn in t.turns] == ["I", "R", "I", "R"]
    assert "Nou kijk: dat gaat niet werken. Dus: nee." in t.turns[1].text
    assert t.turns[3].text == "Om 12:30 was het klaar."


def test_person_name_labels_count_when_used_twice(write):
    path = write("t.txt", "Int: Vertel.\nFatma: Eerst dit.\nInt: En dan?\nFatma: Dan dat.\n"
                          "Int: Dank je.\nGisteren: ging het goed.\n")
    t = read_transcript(path)
    assert [turn.speaker for turn in t.turns] == ["Int", "Fatma", "Int", "Fatma", "Int"]
    assert t.turns[-1].text == "Dank je. Gisteren: ging het goed."


def test_annotations_stay_in_text_and_are_listed(write):
    path = write("t.txt", "I: Vertel.\nR: Ja [lacht] dat was [onverstaanbaar] en toen (stilte) ja.\n")
    turn = read_transcript(path).turns[1]
    assert turn.text == "Ja [lacht] dat was [onverstaanbaar] en toen (stilte) ja."
    assert turn.annotations == ["[lacht]", "[onverstaanbaar]", "(stilte)"]


def test_file_without_labels_is_one_turn_per_paragraph(write):
    path = write("t.txt", "Eerste alinea\nloopt door.\n\n\nTweede alinea.\n\nDerde.\n")
    with pytest.warns(TranscriptWarning, match="no speaker labels"):
        t = read_transcript(path)
    assert [turn.text for turn in t.turns] == ["Eerste alinea loopt door.", "Tweede alinea.", "Derde."]
    assert {turn.speaker for turn in t.turns} == {"unknown"}
    assert [turn.line for turn in t.turns] == [1, 5, 7]


def test_text_before_first_label_is_kept_as_preamble(write):
    path = write("t.txt", "Interview in het buurthuis\nI: Begin.\nR: Goed.\n")
    with pytest.warns(TranscriptWarning, match="before the first speaker label kept as a preamble"):
        t = read_transcript(path)
    assert t.turns[0].speaker == "preamble"
    assert t.roles["preamble"] == "none"
    assert t.turns[0].text == "Interview in het buurthuis"


def test_markdown_transcript(write):
    path = write("t.md", FRONT + "I: Hallo.\nR: Dag.\n")
    assert [turn.speaker for turn in read_transcript(path).turns] == ["I", "R"]


def test_transcript_id_defaults_to_stem(write):
    assert read_transcript(write("sn07.txt", "I: a\nR: b\n")).transcript_id == "sn07"


# ----------------------------------------------------------------------------- encodings


def test_utf8_bom_and_crlf(write):
    path = write("t.txt", "\ufeffI: één\r\nR: twee\rnog\r\n".encode("utf-8"))
    t = read_transcript(path)
    assert t.turns[0].text == "één"
    assert t.turns[1].text == "twee nog"
    assert "\r" not in t.text


def test_cp1252_loads_with_warning_naming_file(write):
    path = write("oud.txt", "I: Café.\nR: Ja, één koffie – graag.\n".encode("cp1252"))
    with pytest.warns(TranscriptWarning, match=r"oud\.txt.*cp1252"):
        t = read_transcript(path)
    assert t.turns[1].text == "Ja, één koffie – graag."


# ----------------------------------------------------------------------------- vtt / srt

VTT = """WEBVTT
Kind: captions

NOTE made by a recorder

1
00:00:01.000 --> 00:00:04.000
<v Onderzoeker A>Goedemiddag, hoort u mij?</v>

2
00:00:04.500 --> 00:00:07.000
<v Josephine>Ja, ik hoor u.</v>

3
00:00:07.000 --> 00:00:09.000 align:start
<v Josephine>Ik zit hier &amp; drink koffie.</v>

00:00:10.000 --> 00:00:12.000
<v.loud Onderzoeker A>Mooi.</v>
"""


def test_vtt_voice_tags_merge_consecutive_cues(write):
    t = read_transcript(write("t.vtt", VTT))
    assert [turn.speaker for turn in t.turns] == ["Onderzoeker A", "Josephine", "Onderzoeker A"]
    assert t.turns[1].text == "Ja, ik hoor u. Ik zit hier & drink koffie."
    assert t.turns[1].timestamp == 4.5
    assert t.turns[1].line == 12
    assert t.format == "vtt"


def test_vtt_name_prefixes_without_voice_tags(write):
    text = ("WEBVTT\n\n00:01.000 --> 00:02.000\nModerator: Welkom.\n\n"
            "00:02.000 --> 00:03.000\nKwame: Dank je.\n\n00:03.000 --> 00:04.000\nHet was mooi.\n")
    t = read_transcript(write("t.vtt", text))
    assert [(turn.speaker, turn.text) for turn in t.turns] == [
        ("Moderator", "Welkom."), ("Kwame", "Dank je. Het was mooi.")]


def test_srt(write):
    text = ("1\n00:00:01,000 --> 00:00:05,200\nModerator: Welkom allemaal.\n\n"
            "2\n00:00:05,400 --> 00:00:09,000\nVanavond gaat het\nover <i>geld</i>.\n\n"
            "3\n00:00:09,500 --> 00:00:12,000\nGloria: Eindelijk.\n\n"
            "4\n00:00:12,500 --> 00:00:13,000\nGloria: Echt.\n")
    t = read_transcript(write("t.srt", text))
    assert [(turn.speaker, turn.text) for turn in t.turns] == [
        ("Moderator", "Welkom allemaal. Vanavond gaat het over geld."), ("Gloria", "Eindelijk. Echt.")]
    assert t.turns[1].timestamp == 9.5


# ----------------------------------------------------------------------------- docx


def test_docx_label_paragraphs(make_docx):
    path = make_docx("t.docx", ["I: Hoe ging het?", "R: Goed.", "Echt goed.", "", "I: Mooi."])
    t = read_transcript(path)
    assert [(turn.speaker, turn.text, turn.line) for turn in t.turns] == [
        ("I", "Hoe ging het?", 1), ("R", "Goed. Echt goed.", 2), ("I", "Mooi.", 5)]


def test_docx_teams_layout(make_docx):
    path = make_docx("t.docx", ["Onderzoeker A   0:03", "Goedemiddag.", "Jan Jansen   0:10",
                                "Dag.", "Nog iets.", "Onderzoeker A   1:02:03", "Dank u."])
    t = read_transcript(path)
    assert [(turn.speaker, turn.text, turn.timestamp) for turn in t.turns] == [
        ("Onderzoeker A", "Goedemiddag.", 3.0), ("Jan Jansen", "Dag. Nog iets.", 10.0),
        ("Onderzoeker A", "Dank u.", 3723.0)]


def test_docx_front_matter(make_docx):
    path = make_docx("t.docx", ["---", "neighbourhood: Holendrecht", "language: nl", "---", "I: a", "R: b"])
    t = read_transcript(path)
    assert t.metadata["neighbourhood"] == "Holendrecht"
    assert [turn.line for turn in t.turns] == [5, 6]


# ----------------------------------------------------------------------------- bad input


def test_empty_file(write):
    assert "empty" in str(problems_of(write("leeg.txt", "  \n\t\n"))[0])


def test_binary_file(write):
    (p,) = problems_of(write("plaatje.txt", bytes(range(256)) * 4))
    assert str(p).startswith(str(p.path)) and "NUL" in p.message


def test_control_bytes_without_nul(write):
    (p,) = problems_of(write("rommel.srt", bytes([1, 2, 3, 4, 5, 6, 7, 8] * 20)))
    assert "not a text file" in p.message


def test_nul_bytes(write):
    (p,) = problems_of(write("nul.txt", b"I: hallo\x00 daar\n"))
    assert "NUL bytes" in str(p)


def test_unclosed_front_matter(write):
    (p,) = problems_of(write("t.txt", "---\nneighbourhood: K-buurt\nI: Hallo\n"))
    assert str(p).endswith("t.txt:1: front matter opened with '---' is never closed")


def test_invalid_yaml_names_line(write):
    (p,) = problems_of(write("t.txt", "---\nneighbourhood: K-buurt\ndate: [2020\n---\nI: a\n"))
    assert p.line == 3 and "invalid YAML" in p.message


def test_front_matter_not_a_mapping(write):
    (p,) = problems_of(write("t.txt", "---\n- a\n- b\n---\nI: a\n"))
    assert "mapping" in p.message


@pytest.mark.parametrize("field, value, expected", [
    ("date", "14-11-2019", "YYYY-MM-DD"),
    ("language", "fr", "'nl', 'en'"),
    ("pseudonymised", "misschien", "true or false"),
    ("neighbourhood", "''", "non-empty"),
])
def test_malformed_metadata_values(write, field, value, expected):
    (p,) = problems_of(write("t.txt", f"---\ndistrict: Noord\n{field}: {value}\n---\nI: a\n"))
    assert p.line == 3 and field in p.message and expected in p.message


def test_unknown_field_and_role_are_warnings(write):
    path = write("t.txt", "---\nrespondent_role: sleutelfiguur\nfavourite_colour: blauw\n---\nI: a\n")
    with pytest.warns(TranscriptWarning) as record:
        read_transcript(path)
    messages = " ".join(str(w.message) for w in record)
    assert "unknown respondent_role 'sleutelfiguur'" in messages
    assert "t.txt:3: warning: unknown metadata field 'favourite_colour'" in messages


def test_malformed_vtt_timestamp(write):
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Ja.</v>\n\n00:00:03,000 --> 00:00:04.000\n<v B>Nee.</v>\n"
    (p,) = problems_of(write("t.vtt", text))
    assert p.line == 6 and "malformed cue timing" in p.message


def test_malformed_srt_timestamp(write):
    text = "1\n00:00:01,000 --> 00:00:02,000\nA: Ja.\n\n2\n0:0:3,000 -> 00:00:04,000\nB: Nee.\n"
    (p,) = problems_of(write("t.srt", text))
    assert p.line == 5 and "cue without a timing line" in p.message


def test_srt_reports_every_bad_cue(write):
    text = ("1\n00:00:01 --> 00:00:02,000\nA: Ja.\n\n2\n00:00:05,000 --> 00:00:04,000\nB: Nee.\n\n"
            "3\n00:00:06,000 --> 00:00:07,000\nB: Ok.\n\n4\n00:00:08 --> 00:00:09,000\nB: Ok.\n")
    problems = problems_of(write("t.srt", text))
    assert [(p.line, p.is_error, p.message.split(" ")[0]) for p in problems] == [
        (2, True, "malformed"), (14, True, "malformed"), (6, False, "1")]


def test_reversed_cue_is_a_warning_not_a_lost_file(write):
    text = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Onderzoeker A>Hoe gaat het?</v>\n\n"
            "00:00:05.000 --> 00:00:04.000\n<v Fatma>Goed.</v>\n")
    with pytest.warns(TranscriptWarning, match=r"t\.vtt:6: warning: 1 cue\(s\) end before they start"):
        t = read_transcript(write("t.vtt", text))
    assert [turn.text for turn in t.turns] == ["Hoe gaat het?", "Goed."]


def test_vtt_without_header(write):
    (p,) = problems_of(write("t.vtt", "00:00:01.000 --> 00:00:02.000\n<v A>Ja.</v>\n"))
    assert str(p).endswith("t.vtt:1: missing 'WEBVTT' header on the first line")


def test_corrupt_docx(write):
    (p,) = problems_of(write("kapot.docx", b"PK\x03\x04 dit is geen echte docx"))
    assert "kapot.docx" in str(p) and "not a valid .docx" in p.message


def test_unsupported_suffix(write):
    (p,) = problems_of(write("t.pdf", "I: a\n"))
    assert "unsupported file type '.pdf'" in p.message


def test_parse_timestamp():
    assert parse_timestamp("0:03") == 3.0
    assert parse_timestamp("[01:00:00,250]") == 3600.25


def test_docx_text_in_tables_is_not_lost(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("I: Hoe ging het?")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "R: Goed."
    table.cell(0, 1).text = "Echt goed."
    table.cell(1, 0).merge(table.cell(1, 1)).text = "I: En toen?"
    document.add_paragraph("R: Toen niks.")
    path = tmp_path / "tabel.docx"
    document.save(str(path))
    t = read_transcript(path)
    assert [(turn.speaker, turn.text) for turn in t.turns] == [
        ("I", "Hoe ging het?"), ("R", "Goed. Echt goed."), ("I", "En toen?"), ("R", "Toen niks.")]

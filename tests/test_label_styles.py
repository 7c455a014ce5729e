"""The label-style table, one style at a time, and the role families and legends it works with.

Every entry of ``LABEL_STYLES`` must have a conversation in ``CONVERSATIONS`` below: a new style is one
entry in the table plus one conversation here (``test_every_style_has_a_conversation`` fails otherwise).
"""

from __future__ import annotations

import warnings

import pytest

from mjs_analysis import MjsWarning, TranscriptWarning, read_transcript
from mjs_analysis.readers import LABEL_STYLES, family_of, is_role_label
from mjs_analysis.readers.lines import label_match
from mjs_analysis.readers.roles import parse_legend


def read_quietly(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MjsWarning)
        return read_transcript(path)


@pytest.mark.parametrize("style", LABEL_STYLES, ids=lambda s: s.name)
def test_example_of_each_style_matches_that_style(style):
    k, label, _, rest = label_match(style.example)
    assert LABEL_STYLES[k].name == style.name
    assert (label, rest) == (style.speaker, style.text)


# style -> (file name, content, expected (speaker, text, timestamp) per turn)
CONVERSATIONS = {
    "colon": ("t.txt", "Interviewer 1: Hoe lang woont u hier?\nInterviewee: Tien jaar.\n"
                       "Interviewer 1: [00:01:02] En daarvoor?\ninterviewee: Osdorp.\n",
              [("Interviewer 1", "Hoe lang woont u hier?", None), ("Interviewee", "Tien jaar.", None),
               ("Interviewer 1", "En daarvoor?", 62.0), ("interviewee", "Osdorp.", None)]),
    "bold_colon": ("t.md", "**Jan (00:00):** Hoe gaat het?\n**Piet**: Goed.\n**Jan (00:09):** Echt?\n"
                           "Het klinkt zo moe.\n**Piet:** Echt.\n",
                   [("Jan", "Hoe gaat het?", 0.0), ("Piet", "Goed.", None),
                    ("Jan", "Echt? Het klinkt zo moe.", 9.0), ("Piet", "Echt.", None)]),
    "bold": ("t.md", "**Interviewer** Hoe ging het?\n**Fatma** Goed.\nHeel goed.\n**Interviewer**\nMooi.\n"
                     "**Fatma** Ja.\n",
             [("Interviewer", "Hoe ging het?", None), ("Fatma", "Goed. Heel goed.", None),
              ("Interviewer", "Mooi.", None), ("Fatma", "Ja.", None)]),
    "heading": ("t.md", "# Interview met Fatma\n\n### Interviewer\nHoe ging het?\n\n### Fatma (00:12)\nGoed.\n\n"
                        "Heel goed.\n### Fatma\nJa.\n",
                [("preamble", "# Interview met Fatma", None), ("Interviewer", "Hoe ging het?", None),
                 ("Fatma", "Goed.\nHeel goed.", 12.0), ("Fatma", "Ja.", None)]),
    "blockquote": ("t.md", "> I: Hoe ging het?\n> Vertel.\n> R: Goed.\n",
                   [("I", "Hoe ging het? Vertel.", None), ("R", "Goed.", None)]),
    "name_time": ("t.txt", "Speaker 1  0:03\nHoe ging het?\nSpeaker 2\t0:10\nGoed.\nSpeaker 1 1:02:03\nMooi.\n",
                  [("Speaker 1", "Hoe ging het?", 3.0), ("Speaker 2", "Goed.", 10.0),
                   ("Speaker 1", "Mooi.", 3723.0)]),
    "bracket_time": ("t.txt", "[Speaker 3] [00:25] Hoe ging het?\n[Speaker 1] (00:30) Goed.\n[lacht]\n"
                              "[Jan Jansen] 10:02:33\nEn ik?\n[Jan Jansen] 10:02:40 Ja.\n[Stilte] [00:01:02]\n",
                     [("Speaker 3", "Hoe ging het?", 25.0), ("Speaker 1", "Goed. [lacht]", 30.0),
                      ("Jan Jansen", "En ik?", 36153.0), ("Jan Jansen", "Ja. [Stilte] [00:01:02]", 36160.0)]),
    "bracket_dash_time": ("t.txt", "[SPEAKER_00 - 00:03]: Welkom allemaal.\n[SPEAKER_01 - 00:07]\nDank je.\n"
                                   "Fijn dat ik er ben.\n",
                          [("SPEAKER_00", "Welkom allemaal.", 3.0),
                           ("SPEAKER_01", "Dank je. Fijn dat ik er ben.", 7.0)]),
    "dash": ("t.txt", "[0:00:06.8 - 0:00:07.2] SPEAKER_00 - Hoe ging het?\n"
                      "[0:00:07.5 - 0:00:09.0] SPEAKER_01 - Goed - echt.\nSPEAKER_00 - Mooi.\n",
             [("SPEAKER_00", "Hoe ging het?", 6.8), ("SPEAKER_01", "Goed - echt.", 7.5),
              ("SPEAKER_00", "Mooi.", None)]),
    "caps_line": ("t.txt", "INTERVIEWER\nHoe ging het?\n\nFATIMA EL AMRANI\nGoed.\nEcht.\n\nINTERVIEWER\nMooi.\n"
                           "FATIMA EL AMRANI\nJa.\n",
                  [("INTERVIEWER", "Hoe ging het?", None), ("FATIMA EL AMRANI", "Goed. Echt.", None),
                   ("INTERVIEWER", "Mooi.", None), ("FATIMA EL AMRANI", "Ja.", None)]),
}


def test_every_style_has_a_conversation():
    assert sorted(CONVERSATIONS) == sorted(s.name for s in LABEL_STYLES)


@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
def test_conversation_in_each_style(write, name):
    file_name, content, expected = CONVERSATIONS[name]
    t = read_quietly(write(file_name, content))
    assert [(turn.speaker, turn.text, turn.timestamp) for turn in t.turns] == expected
    assert set(t.styles) == {name}
    for turn in t.turns:
        assert t.text[turn.start_char:turn.end_char] == turn.text


@pytest.mark.parametrize("name", ["bold", "heading", "dash", "caps_line"])
def test_styles_that_need_two_speakers_ignore_a_lone_label(write, name):
    lone = {"bold": "**Belangrijk** dit moet u weten", "heading": "### Achtergrond",
            "dash": "Mevrouw Jansen - de buurvrouw", "caps_line": "INLEIDING"}[name]
    t = read_quietly(write("t.md", f"I: Wat is er gebeurd?\nR: Nou.\n{lone}\n{lone}\nI: Ja?\n"))
    assert [turn.speaker for turn in t.turns] == ["I", "R", "I"]
    assert f"{lone} {lone}".replace("### ", "") in t.turns[1].text.replace("### ", "")


def test_one_off_sentence_label_stays_text(write):
    t = read_quietly(write("t.txt", "I: Wat vond u?\nR: Ik zei\nNou kijk: zo niet.\nBuurman Piet: ook niet.\n"))
    assert [turn.speaker for turn in t.turns] == ["I", "R"]
    assert t.turns[1].text == "Ik zei Nou kijk: zo niet. Buurman Piet: ook niet."


def test_otter_export_with_its_footer(write):
    path = write("otter.txt", "Emma  0:00  \nWelkom bij de podcast.\n\nUnknown Speaker  0:35  \nDank je.\n\n"
                              "Emma  0:37  \nFijn.\n\nTranscribed by https://otter.ai\n")
    t = read_quietly(path)
    assert [(turn.speaker, turn.text, turn.timestamp) for turn in t.turns] == [
        ("Emma", "Welkom bij de podcast.", 0.0), ("Unknown Speaker", "Dank je.", 35.0), ("Emma", "Fijn.", 37.0),
        ("preamble", "Transcribed by https://otter.ai", None)]
    assert t.roles["preamble"] == "none"


def test_f4_timestamps_and_timestamp_lines_are_markup(write):
    t = read_quietly(write("t.txt", "I: Hoe ging het? #00:01:23-4#\nB: Goed. #00:01:30-1#\n[00:01:35]\n0:1:35.0 --> 0:1:38.5\n"
                                    "Echt goed.\n\\[00:08:23\\] I: Mooi.\n00:12:34\u00a0B1: Ja.\n"))
    assert [(turn.speaker, turn.text, turn.timestamp) for turn in t.turns] == [
        ("I", "Hoe ging het?", None), ("B", "Goed. Echt goed.", None), ("I", "Mooi.", 503.0),
        ("B1", "Ja.", 754.0)]


# ----------------------------------------------------------------------------- role families

@pytest.mark.parametrize("label, role", [
    ("Interviewer 1", "interviewer"), ("Interviewer2", "interviewer"), ("Int2", "interviewer"),
    ("I1", "interviewer"), ("Q", "interviewer"), ("V", "interviewer"), ("Moderator", "interviewer"),
    ("Gespreksleider", "interviewer"), ("Onderzoeker B", "interviewer"), ("Host", "interviewer"),
    ("interviewer", "interviewer"),
    ("R", "respondent"), ("A", "respondent"), ("B", "respondent"), ("B1", "respondent"), ("IP", "respondent"),
    ("P3", "respondent"), ("AP", "respondent"), ("Participant 2", "respondent"), ("Deelnemer 4", "respondent"),
    ("Respondent 2", "respondent"), ("interviewee", "respondent"), ("Bewoner 2", "respondent"),
    ("Speaker 1", None), ("Spreker 2", None), ("SPREKER 1", None), ("SPEAKER_00", None), ("S1", None),
])
def test_role_families(label, role):
    assert family_of(label) is not None and family_of(label).role == role
    assert is_role_label(label)


@pytest.mark.parametrize("name", ["Fatma", "Jan Jansen", "Vera", "Ingrid", "Bram"])
def test_names_are_not_role_labels(name):
    assert family_of(name) is None and not is_role_label(name)


@pytest.mark.parametrize("line, legend", [
    ("I = Interviewer", {"I": "Interviewer"}),
    ("- I: Interviewer", {"I": "Interviewer"}),
    ("(S = Student; I = Interviewer)", {"S": "Student", "I": "Interviewer"}),
    ("I = interviewer, R = respondent.", {"I": "interviewer", "R": "respondent"}),
    ("I: Interviewer", {}),  # without a bullet this is a turn
    ("Het budget = 5000 euro voor de hele buurt samen", {}),
])
def test_legend_lines(line, legend):
    assert parse_legend(line) == legend


# ----------------------------------------------------------------------------- preamble and interviewer

def test_preamble_and_legend_name_the_roles(write):
    path = write("t.txt", "Interview bewoner Geuzenveld\n12 maart 2020\nAudio file: opname_12.m4a\n"
                          "Transcribed by https://otter.ai\n(S = Student; I = Interviewer)\n\n"
                          "S: Hoe lang woont u hier?\nI: Ik? Tien jaar.\nS: En daarvoor?\n")
    with pytest.warns(TranscriptWarning, match=r"t\.txt:1: warning: 5 line\(s\) before the first speaker"):
        t = read_transcript(path)
    assert t.turns[0].speaker == "preamble" and "Transcribed by https://otter.ai" in t.turns[0].text
    assert t.legend == {"S": "Student", "I": "Interviewer"}
    # the legend beats the label family: here "I" is the one who answers
    assert t.roles == {"S": "respondent", "I": "interviewer", "unknown": "unknown", "preamble": "none"}


def test_v_and_a_labels_name_interviewer_and_respondent(write):
    t = read_quietly(write("t.txt", "V: Vertrouwt u de gemeente nu meer dan vroeger?\nA: Ja, wel.\n"))
    assert t.roles["V"] == "interviewer" and t.roles["A"] == "respondent"


def test_metadata_interviewer_names_a_person_label(write):
    t = read_quietly(write("t.txt", "---\ninterviewer: Sanne\n---\nSanne: Hoe?\nKees: Zo.\nSanne: Oh.\nKees: Ja.\n"))
    assert t.roles["Sanne"] == "interviewer" and t.roles["Kees"] == "respondent"
    assert t.guesses == []


def test_question_asker_is_guessed_with_a_warning(write):
    path = write("t.txt", "Kees: Ik woon hier al lang.\nSanne: Hoe lang?\nKees: Tien jaar.\nSanne: En?\n"
                          "Kees: Nou ja.\nSanne: Waarom?\n")
    with pytest.warns(TranscriptWarning, match="guessed 'Sanne' is the interviewer: asks 3 questions"):
        t = read_transcript(path)
    assert t.roles["Sanne"] == "interviewer" and t.roles["Kees"] == "respondent"
    assert t.guesses and "Sanne" in t.guesses[0]


def test_no_interviewer_is_a_warning(write):
    path = write("t.txt", "SPEAKER_00: Goedemorgen.\nSPEAKER_01: Goedemorgen.\n")
    with pytest.warns(TranscriptWarning, match=r"no speaker is the interviewer \(speakers: SPEAKER_00, SPEAKER_01\)"):
        t = read_transcript(path)
    assert set(t.roles.values()) == {"respondent", "unknown", "none"}


def test_preamble_is_never_coded_as_a_respondent(tmp_path, write):
    from mjs_analysis import load_corpus, tag

    text = ("Interview over vertrouwen in de gemeente en het buurtbudget\nTranscribed by https://otter.ai\n\n"
            "I: Vertrouwt u de gemeente?\nR: Ik vertrouw de gemeente niet meer, het vertrouwen is weg.\n")
    write("t.txt", "---\nlanguage: nl\nrespondent_role: bewoner\n---\n" + text)
    segments = quiet_corpus(load_corpus, tmp_path).segments
    assert segments.speaker_role.tolist() == ["none", "interviewer", "respondent"]
    assert segments.stakeholder.isna().tolist() == [True, False, False]
    tags = tag(segments, "corpus/codebook.yml", cache=False)
    coded = set(tags.turn)
    assert 2 in coded  # the respondent's trust is coded ...
    assert 0 not in coded  # ... the title about trust is not
    every = tag(segments, "corpus/codebook.yml", cache=False, all_speakers=True)
    assert 0 in set(every.turn)  # (the title would match: the filter is what keeps it out)


def quiet_corpus(func, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MjsWarning)
        return func(*args)

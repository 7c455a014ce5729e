"""Subtitle and speech-recognition outputs: WebVTT quirks, Whisper/WhisperX .json and .tsv, CHAT .cha."""

from __future__ import annotations

import json

import pytest

from mjs_analysis import TranscriptError, TranscriptWarning, read_transcript

from .conftest import quiet


def test_vtt_quirks_note_style_settings_uppercase_voice_and_reversed_cue(write):
    text = ("WEBVTT\nKind: captions\n\nNOTE\nmade by noScribe\n\nSTYLE\n::cue { color: red }\n\n"
            "00:00:01.000 --> 00:00:02.000 line:0 align:start\n<V Onderzoeker A>Hoe gaat het?\n\n"
            "00:00:03.000 --> 00:00:02.500\n<v Fatma>Goed.</v>\n\n"
            "00:00:04.000 --> 00:00:05.000\n<v Fatma>Ja.\n")
    with pytest.warns(TranscriptWarning, match=r"t\.vtt:13: warning: 1 cue\(s\) end before they start"):
        t = read_transcript(write("t.vtt", text))
    assert [(turn.speaker, turn.text, turn.timestamp) for turn in t.turns] == [
        ("Onderzoeker A", "Hoe gaat het?", 1.0), ("Fatma", "Goed. Ja.", 3.0)]
    assert t.roles["Onderzoeker A"] == "interviewer"
    assert "noScribe" not in t.text and "color" not in t.text


def test_overlapping_cues_are_a_warning_naming_the_first(write):
    srt = ("1\n00:00:01,000 --> 00:00:04,000\nI: Hoe gaat het?\n\n2\n00:00:03,000 --> 00:00:05,000\nR: Goed.\n\n"
           "3\n00:00:06,000 --> 00:00:07,000\nI: Mooi.\n")
    with pytest.warns(TranscriptWarning, match=r"t\.srt:6: warning: 1 cue\(s\) start before the previous one ends"):
        t = read_transcript(write("t.srt", srt))
    assert [(turn.speaker, turn.text) for turn in t.turns] == [("I", "Hoe gaat het?"), ("R", "Goed."), ("I", "Mooi.")]


def test_zoom_vtt_names_inside_cues_and_srt_labelled_on_change(write):
    vtt = ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nJan Jansen: Hoe gaat het?\n\n"
           "2\n00:00:02.000 --> 00:00:03.000\nFatma: Goed.\n\n3\n00:00:03.000 --> 00:00:04.000\nheel goed\n")
    t = quiet(read_transcript, write("zoom.vtt", vtt))
    assert [(turn.speaker, turn.text) for turn in t.turns] == [("Jan Jansen", "Hoe gaat het?"),
                                                               ("Fatma", "Goed. heel goed")]


def test_subtitles_without_speakers_are_read_whole_with_a_warning(write):
    srt = "1\n00:00:01,000 --> 00:00:02,000\nHoe gaat het?\n\n2\n00:00:02,000 --> 00:00:03,000\nGoed.\n"
    with pytest.warns(TranscriptWarning, match="no speaker labels found"):
        t = read_transcript(write("t.srt", srt))
    assert " ".join(turn.text for turn in t.turns) == "Hoe gaat het? Goed."


def test_whisperx_json_with_speakers(write):
    data = {"segments": [
        {"start": 0.0, "end": 1.0, "text": " Hoe gaat het?", "speaker": "SPEAKER_00", "words": []},
        {"start": 1.5, "end": 2.0, "text": " Goed.", "speaker": "SPEAKER_01"},
        {"start": 2.5, "end": 3.0, "text": " Echt goed.", "speaker": "SPEAKER_01"},
        {"start": 3.5, "end": 4.0, "text": " Waarom?", "speaker": "SPEAKER_00"},
        {"start": 4.5, "end": 5.0, "text": " Daarom."}], "word_segments": []}
    t = quiet(read_transcript, write("t.json", json.dumps(data)))
    # consecutive segments of one speaker are one turn; an unassigned segment continues the turn
    assert [(turn.speaker, turn.text, turn.timestamp, turn.line) for turn in t.turns] == [
        ("SPEAKER_00", "Hoe gaat het?", 0.0, 1), ("SPEAKER_01", "Goed. Echt goed.", 1.5, 2),
        ("SPEAKER_00", "Waarom? Daarom.", 3.5, 4)]
    assert t.roles["SPEAKER_00"] == "interviewer" and t.guesses  # asks both questions: a guess, named
    assert t.format == "json"


def test_whisper_json_without_speakers_one_turn_per_segment(write):
    data = {"text": "Hoe gaat het? Goed.", "language": "nl", "segments": [
        {"id": 0, "start": 0.0, "end": 1.0, "text": " Hoe gaat het?"},
        {"id": 1, "start": 1.5, "end": 2.0, "text": " Goed."}]}
    with pytest.warns(TranscriptWarning, match="no speakers in the recognised segments"):
        t = read_transcript(write("t.json", json.dumps(data)))
    assert [(turn.speaker, turn.text, turn.timestamp) for turn in t.turns] == [
        ("unknown", "Hoe gaat het?", 0.0), ("unknown", "Goed.", 1.5)]


def test_faster_whisper_list_of_segments_and_bad_json(write):
    t = quiet(read_transcript, write("a.json", json.dumps([{"start": 1, "text": "Ja."}])))
    assert t.turns[0].text == "Ja."
    with pytest.raises(TranscriptError, match=r"b\.json:2: not valid JSON"):
        read_transcript(write("b.json", '{"segments":\n [,]}'))
    with pytest.raises(TranscriptError, match=r"c\.json: not a Whisper/WhisperX JSON file"):
        read_transcript(write("c.json", '{"settings": true}'))


def test_whisper_tsv_milliseconds_and_optional_speaker(write):
    t = quiet(read_transcript, write("t.tsv", "start\tend\ttext\n0\t1500\tHoe gaat het?\n1500\t3000\tGoed.\n"))
    assert [(turn.speaker, turn.text, turn.timestamp, turn.line) for turn in t.turns] == [
        ("unknown", "Hoe gaat het?", 0.0, 2), ("unknown", "Goed.", 1.5, 3)]
    t = quiet(read_transcript, write("s.tsv", "start\tend\tspeaker\ttext\n0\t1500\tI\tHoe?\n1500\t3000\tR\tZo.\n"))
    assert [(turn.speaker, turn.text) for turn in t.turns] == [("I", "Hoe?"), ("R", "Zo.")]
    with pytest.raises(TranscriptError, match=r"x\.tsv:1: not a Whisper \.tsv file"):
        read_transcript(write("x.tsv", "a\tb\n1\t2\n"))


def test_chat_main_tiers_legend_and_bullets(write):
    text = ("@UTF8\n@Begin\n@Languages:\tnld\n@Participants:\tINV Ans Investigator, PAR Participant\n"
            "@ID:\tnld|corpus|INV|||||Investigator|||\n*INV:\thoe gaat het ? \x151000_2000\x15\n"
            "%mor:\tadv|hoe v|gaan\n*PAR:\tgoed .\n\tmet mij .\n%com:\tlacht\n*INV:\tmooi .\n@End\n")
    t = quiet(read_transcript, write("t.cha", text))
    assert [(turn.speaker, turn.text, turn.timestamp, turn.line) for turn in t.turns] == [
        ("INV", "hoe gaat het ?", 1.0, 6), ("PAR", "goed . met mij .", None, 8), ("INV", "mooi .", None, 11)]
    assert t.legend == {"INV": "Investigator", "PAR": "Participant"}
    assert t.roles["INV"] == "interviewer" and t.roles["PAR"] == "respondent"
    assert t.metadata["language"] == "nl"
    with pytest.raises(TranscriptError, match="no main tiers"):
        read_transcript(write("leeg.cha", "@Begin\n@End\n"))


def test_noscribe_overlapping_speech_and_malformed_voice_tag(write):
    vtt = ("WEBVTT Een gesprek\n\nNOTE\nTranscribed with noScribe\n\n"
           "1\n00:00:00.000 --> 00:00:05.000\n(5 seconds pause)\n\n"
           "2\n00:00:05.000 --> 00:00:10.000\n<v S01>Welkom. //S02: Dank je. // Fijn dat je er bent?\n\n"
           "3\n00:00:10.000 --> 00:00:12.000\n<v //S02>Ja. //S01: Mooi. //S02: Echt.//\n")
    t = quiet(read_transcript, write("t.vtt", vtt))
    assert [(turn.speaker, turn.text) for turn in t.turns] == [
        ("unknown", "(5 seconds pause)"), ("S01", "Welkom."), ("S02", "Dank je."), ("S01", "Fijn dat je er bent?"),
        ("S02", "Ja."), ("S01", "Mooi."), ("S02", "Echt.")]
    txt = "S01: [00:00:12] Welkom. //S02: Dank je. // Fijn?\nS02: [00:00:20] Ja.\n"
    t = quiet(read_transcript, write("t.txt", txt))
    assert [(turn.speaker, turn.text, turn.timestamp) for turn in t.turns] == [
        ("S01", "Welkom.", 12.0), ("S02", "Dank je.", 12.0), ("S01", "Fijn?", 12.0), ("S02", "Ja.", 20.0)]

"""No data lost: generated transcripts in every format read back with every word in exactly one turn.

Hypothesis generates speaker turns (speakers, paragraphs, words with Dutch letters and punctuation),
renders them in one of the supported formats with one of its conventions (timestamps before or
after labels, wrapped lines, label on its own line, Teams layout, BOM, CRLF, cp1252, voice tags or name
prefixes, cues split mid-turn; and every label style of ``readers/styles.py`` with a preamble; Whisper
json; CHAT), reads the file back and checks speakers, words, order, offsets,
line numbers and timestamps.
"""

from __future__ import annotations

import html
import tempfile
import warnings
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mjs_analysis import MjsWarning, read_transcript

SPEAKERS = ["I", "R", "Interviewer", "Onderzoeker A", "Bewoner 2", "Moderator", "Fatma", "Jan Jansen"]
LETTERS = "abcdefghijklmnopqrstuvwxyzéëïöüçñABCDEFGKLMNOPRSTVWZ"
WORD_CHARS = LETTERS + "0123456789.,!?'’-()[]&<>;\"/"

words = st.text(WORD_CHARS, min_size=1, max_size=9)
paragraph = st.lists(words, min_size=1, max_size=12)
turn = st.tuples(st.sampled_from(SPEAKERS), st.lists(paragraph, min_size=1, max_size=3))


@st.composite
def transcripts(draw):
    turns = draw(st.lists(turn, min_size=1, max_size=8))
    # A person's name counts as a speaker label only when used at least twice (see readers.py).
    for name in ("Fatma", "Jan Jansen"):
        if sum(s == name for s, _ in turns) == 1:
            turns.append((name, [["ja"]]))
    times = sorted(draw(st.lists(st.integers(0, 20_000), min_size=len(turns), max_size=len(turns),
                                 unique=True)))
    return [(s, paras, t) for (s, paras), t in zip(turns, times)]


def hms(seconds: int, sep: str = ".") -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{sep}000"


def clock(seconds: int) -> str:
    """'m:ss' or 'h:mm:ss', as people and Teams write times."""
    h, m, s = seconds // 3600, seconds // 60 % 60, seconds % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def merged(turns):
    """Consecutive turns of one speaker become one (subtitle formats)."""
    out = []
    for speaker, paras, t in turns:
        if out and out[-1][0] == speaker:
            out[-1] = (speaker, out[-1][1] + paras, out[-1][2])
        else:
            out.append((speaker, paras, t))
    return out


def check(path: Path, expected, *, paragraphs: bool, lines=None, stamps: bool = True):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MjsWarning)
        t = read_transcript(path)
    assert [turn.speaker for turn in t.turns] == [s for s, _, _ in expected]
    for turn, (_, paras, ts) in zip(t.turns, expected):
        if paragraphs:
            assert turn.text == "\n".join(" ".join(p) for p in paras)
        else:
            assert turn.text.split() == [w for p in paras for w in p]
        assert t.text[turn.start_char:turn.end_char] == turn.text
        if stamps:
            assert turn.timestamp == ts
    if lines is not None:
        assert [turn.line for turn in t.turns] == lines
    # every word, in order, exactly once
    assert " ".join(turn.text for turn in t.turns).split() == [w for _, ps, _ in expected for p in ps for w in p]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcripts(), st.sampled_from(["none", "before", "after", "own-line"]),
       st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]), st.sampled_from(["\n", "\r\n", "\r"]),
       st.booleans(), st.integers(2, 6), st.sampled_from([".txt", ".md"]))
def test_txt_round_trip(turns, stamp_style, encoding, newline, front_matter, wrap, suffix):
    out = ["---", "neighbourhood: K-buurt", "language: nl", "---"] if front_matter else []
    lines = []
    for speaker, paras, ts in turns:
        label = {"none": f"{speaker}:", "before": f"[{hms(ts)[:8]}] {speaker}:",
                 "after": f"{speaker} ({clock(ts)}):", "own-line": f"{speaker}:"}[stamp_style]
        lines.append(len(out) + 1)
        for k, para in enumerate(paras):
            chunks = [para[i:i + wrap] for i in range(0, len(para), wrap)]
            if k:
                out.append("")
            for j, chunk in enumerate(chunks):
                text = " ".join(chunk)
                if k == 0 and j == 0:
                    if stamp_style == "own-line":
                        out.append(label)
                        out.append(text)
                    else:
                        out.append(f"{label} {text}")
                else:
                    out.append(text)
    raw = newline.join(out) + newline
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"t{suffix}"
        path.write_bytes(raw.encode(encoding, errors="strict") if encoding != "cp1252"
                         else raw.encode("cp1252", errors="replace"))
        expected = turns
        if encoding == "cp1252":  # only characters cp1252 can hold survive that encoding
            expected = [(s, [[w.encode("cp1252", errors="replace").decode("cp1252") for w in p] for p in ps], ts)
                        for s, ps, ts in turns]
        check(path, expected, paragraphs=True, lines=lines, stamps=stamp_style in ("before", "after"))


@settings(max_examples=60, deadline=None)
@given(transcripts(), st.integers(1, 6), st.booleans(), st.booleans())
def test_vtt_round_trip(turns, cue_words, voice_every_cue, identifiers):
    out = ["WEBVTT", ""]
    for n, (speaker, paras, ts) in enumerate(turns):
        words_ = [w for p in paras for w in p]
        cues = [words_[i:i + cue_words] for i in range(0, len(words_), cue_words)]
        for j, cue in enumerate(cues):
            if identifiers:
                out.append(f"{n}-{j}")
            out.append(f"{hms(int(ts))[:-4]}.{j:03d} --> {hms(int(ts))[:-4]}.{j + 1:03d}")
            text = html.escape(" ".join(cue), quote=False)
            out.append(f"<v {speaker}>{text}</v>" if (j == 0 or voice_every_cue) else text)
            out.append("")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.vtt"
        path.write_text("\n".join(out), encoding="utf-8")
        check(path, merged(turns), paragraphs=False)


@settings(max_examples=60, deadline=None)
@given(transcripts(), st.integers(1, 6), st.integers(1, 3))
def test_srt_round_trip(turns, cue_words, lines_per_cue):
    out, n = [], 0
    for speaker, paras, ts in turns:
        words_ = [w for p in paras for w in p if "<" not in w]
        words_ = words_ or ["ja"]
        cues = [words_[i:i + cue_words] for i in range(0, len(words_), cue_words)]
        for j, cue in enumerate(cues):
            n += 1
            step = -(-len(cue) // lines_per_cue)
            text_lines = [" ".join(cue[k:k + step]) for k in range(0, len(cue), step)]
            if j == 0:
                text_lines[0] = f"{speaker}: {text_lines[0]}"
            out += [str(n), f"{hms(ts, ',')[:-4]},{j:03d} --> {hms(ts, ',')[:-4]},{j + 1:03d}", *text_lines, ""]
    expected = [(s, [[w for p in ps for w in p if "<" not in w] or ["ja"]], ts) for s, ps, ts in turns]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.srt"
        path.write_text("\n".join(out), encoding="utf-8")
        check(path, merged(expected), paragraphs=False)


@settings(max_examples=25, deadline=None)
@given(transcripts(), st.booleans())
def test_docx_round_trip(turns, teams_layout):
    import docx

    document = docx.Document()
    lines = []
    for speaker, paras, ts in turns:
        lines.append(len(document.paragraphs) + 1)
        if teams_layout:
            document.add_paragraph(f"{speaker}   {clock(ts)}")
            first = ""
        else:
            first = f"{speaker}: "
        for k, para in enumerate(paras):
            document.add_paragraph((first if k == 0 else "") + " ".join(para))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.docx"
        document.save(str(path))
        # A docx paragraph is a line: paragraphs of one turn are joined like wrapped lines.
        expected = [(s, [[w for p in ps for w in p]], ts) for s, ps, ts in turns]
        check(path, expected, paragraphs=True, lines=lines, stamps=teams_layout)


# The label styles of readers/styles.py: (speaker set, how a turn's first line is written, own line?)
CAPS = ["INTERVIEWER", "FATMA", "JAN JANSEN", "RESPONDENT"]
NEUTRAL = ["SPEAKER_00", "SPEAKER_01", "Speaker 1", "Interviewer 2", "P3"]


def _style_line(style: str, speaker: str, ts: int) -> tuple[str, bool]:
    """(label line, text on its own lines below?) for one turn in a style."""
    return {
        "bold_colon": (f"**{speaker} ({clock(ts)}):**", False),
        "bold": (f"**{speaker}**", False),
        "heading": (f"### {speaker} ({clock(ts)})", True),
        "blockquote": (f"> [{hms(ts)[:8]}] {speaker}:", False),
        "name_time": (f"{speaker}  {clock(ts)}", True),
        "bracket_time": (f"[{speaker}] [{hms(ts)[:8]}]", False),
        "bracket_dash_time": (f"[{speaker} - {hms(ts)[:8]}]:", False),
        "dash": (f"[{clock(ts)}.0 - {clock(ts + 1)}.5] {speaker} -", False),
        "caps_line": (speaker.upper(), True),
        "f4": (f"{speaker}: #{hms(ts)[:8]}-0#", False),
        "escaped": (f"\\[{hms(ts)[:8]}\\]\u00a0{speaker}:", False),
    }[style]


@st.composite
def styled(draw):
    style = draw(st.sampled_from(["bold_colon", "bold", "heading", "blockquote", "name_time", "bracket_time",
                                  "bracket_dash_time", "dash", "caps_line", "f4", "escaped"]))
    names = CAPS if style == "caps_line" else NEUTRAL + ["Fatma", "Jan Jansen"]
    pool = draw(st.lists(st.sampled_from(names), min_size=2, max_size=4, unique=True))
    turns = draw(st.lists(st.tuples(st.sampled_from(pool), st.lists(paragraph, min_size=1, max_size=3)),
                          min_size=1, max_size=8))
    # A paragraph that is itself a line of the style would be a label for anyone: "JA" alone on a line in
    # caps_line, "Ab - cd" in dash. Real files have them too; here they are left out.
    for _, paras in turns:
        for p in paras:
            assume(not (style == "caps_line" and " ".join(p).isupper()))
            assume(not (style == "dash" and "-" in p[1:5]))
    # every speaker at least twice, so that the style and the file agree
    turns += [(s, [["ja"]]) for s in pool for _ in range(2)]
    times = sorted(draw(st.lists(st.integers(0, 20_000), min_size=len(turns), max_size=len(turns), unique=True)))
    return style, [(s, paras, t) for (s, paras), t in zip(turns, times)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(styled(), st.booleans(), st.sampled_from([".txt", ".md"]))
def test_label_styles_round_trip(case, preamble, suffix):
    style, turns = case
    out = ["Interview in de buurt", "Transcribed by https://otter.ai", ""] if preamble else []
    lines = []
    for speaker, paras, ts in turns:
        label, own_line = _style_line(style, speaker, ts)
        quote = "> " if style == "blockquote" else ""
        lines.append(len(out) + 1)
        for k, para in enumerate(paras):
            text = " ".join(para)
            if k:
                out.append(quote.rstrip())
            if k == 0 and not own_line:
                out.append(f"{label} {text}")
            else:
                if k == 0:
                    out.append(label)
                out.append(quote + text)
    path = Path(tempfile.mkdtemp()) / f"t{suffix}"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    expected = turns
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MjsWarning)
        t = read_transcript(path)
    body = [turn for turn in t.turns if turn.speaker != "preamble"]
    assert [turn.speaker for turn in body] == [s for s, _, _ in expected]
    if preamble:
        assert t.turns[0].speaker == "preamble" and t.roles["preamble"] == "none"
    for turn, (_, paras, ts), line in zip(body, expected, lines):
        assert turn.text.split() == [w for p in paras for w in p]
        assert turn.timestamp == (None if style in ("bold", "caps_line") else ts)
        assert t.text[turn.start_char:turn.end_char] == turn.text
        assert turn.line == line
    # every spoken word, in order, exactly once
    spoken = [w for turn in body for w in turn.text.split()]
    assert spoken == [w for _, ps, _ in expected for p in ps for w in p]


@settings(max_examples=40, deadline=None)
@given(transcripts(), st.integers(1, 6), st.booleans())
def test_whisper_json_round_trip(turns, segment_words, with_speakers):
    import json

    segments = []
    for speaker, paras, ts in turns:
        words_ = [w for p in paras for w in p]
        for j in range(0, len(words_), segment_words):
            segment = {"start": ts + j / 1000, "end": ts + 1, "text": " " + " ".join(words_[j:j + segment_words])}
            if with_speakers:
                segment["speaker"] = speaker
            segments.append(segment)
    path = Path(tempfile.mkdtemp()) / "t.json"
    path.write_text(json.dumps({"segments": segments}), encoding="utf-8")
    if with_speakers:
        check(path, merged([(s, [[w for p in ps for w in p]], ts) for s, ps, ts in turns]), paragraphs=False)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MjsWarning)
            t = read_transcript(path)
        assert [turn.text for turn in t.turns] == [s["text"].strip() for s in segments]
        assert " ".join(turn.text for turn in t.turns).split() == [
            w for _, ps, _ in turns for p in ps for w in p]


@settings(max_examples=40, deadline=None)
@given(transcripts(), st.integers(1, 6))
def test_chat_round_trip(turns, words_per_line):
    codes = {s: f"S{i:02d}"[:3] for i, s in enumerate(SPEAKERS)}
    out = ["@UTF8", "@Begin", "@Languages:\tnld",
           "@Participants:\t" + ", ".join(f"{c} Participant" for c in codes.values())]
    for speaker, paras, ts in turns:
        words_ = [w for p in paras for w in p]
        chunks = [words_[i:i + words_per_line] for i in range(0, len(words_), words_per_line)]
        out.append(f"*{codes[speaker]}:\t{' '.join(chunks[0])} \x15{ts * 1000}_{ts * 1000 + 500}\x15")
        out += ["\t" + " ".join(c) for c in chunks[1:]]
        out.append("%com:\tniet gesproken")
    out.append("@End")
    path = Path(tempfile.mkdtemp()) / "t.cha"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    check(path, [(codes[s], [[w for p in ps for w in p]], ts) for s, ps, ts in turns], paragraphs=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(styled())
def test_label_styles_round_trip_in_docx(case):
    """The label styles read the same in Word: one paragraph per line."""
    import docx

    style, turns = case
    document = docx.Document()
    document.add_paragraph("Interview in de buurt")
    lines = []
    for speaker, paras, ts in turns:
        label, own_line = _style_line(style, speaker, ts)
        lines.append(len(document.paragraphs) + 1)
        for k, para in enumerate(paras):
            text = ("> " if style == "blockquote" and k else "") + " ".join(para)
            if k == 0 and not own_line:
                document.add_paragraph(f"{label} {text}")
            else:
                if k == 0:
                    document.add_paragraph(label)
                document.add_paragraph(text)
    path = Path(tempfile.mkdtemp()) / "t.docx"
    document.save(str(path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MjsWarning)
        t = read_transcript(path)
    assert t.turns[0].speaker == "preamble"
    body = t.turns[1:]
    assert [(turn.speaker, turn.line) for turn in body] == [(s, line) for (s, _, _), line in zip(turns, lines)]
    assert [w for turn in body for w in turn.text.split()] == [w for _, ps, _ in turns for p in ps for w in p]

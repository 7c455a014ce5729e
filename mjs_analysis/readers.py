"""Transcript readers: txt/md (with YAML front matter), WebVTT, SubRip and Word (.docx).

Every format is turned into a stream of lines, and one turn builder makes speaker turns from it, so
the rules for labels, timestamps and continuation lines are the same everywhere. The contract is that
nothing spoken is lost: every word of the source's spoken text lands in exactly one turn, in order.
Only speaker labels, timestamps, cue numbers and markup are taken out.
"""

from __future__ import annotations

import functools
import html
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Messages, Problem, TranscriptError, TranscriptWarning
from .metadata import check_metadata

__all__ = ["Turn", "Transcript", "read_transcript", "SUFFIXES", "parse_timestamp"]

SUFFIXES = (".txt", ".md", ".vtt", ".srt", ".docx")
UNKNOWN = "unknown"

# A timestamp as typed by people or written by recorders: [00:12:34], (12:34), 00:12:34.5, 0:03
_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TS_WRAPPED = rf"(?:\[{_TS}\]|\({_TS}\)|{_TS})"
_LABEL_LINE = re.compile(
    rf"^(?:(?P<ts1>{_TS_WRAPPED})\s+)?"
    r"(?P<label>[^\W\d_][\w.'’\-]*(?: [\w.'’\-]+){0,3}?)"
    rf"(?:\s*(?P<ts2>{_TS_WRAPPED}))?\s*:(?:\s+|$)"
    rf"(?:(?P<ts3>{_TS_WRAPPED})(?:\s+|$))?"
    r"(?P<rest>.*)$"
)
# Word/Teams transcripts: a line with only a name and a time ("Jan Jansen   0:03") starts a turn.
_TEAMS_HEADER = re.compile(rf"^(?P<label>\S.*?)(?:\s{{2,}}|\t+)(?P<ts>{_TS})\s*$")
_BARE_TS = re.compile(rf"^{_TS_WRAPPED}$")
_PARTICLES = {"van", "de", "der", "den", "het", "'t", "ter", "ten", "te", "la", "le", "el", "al",
              "bin", "von", "da", "dos", "du"}
# Words that start spoken sentences with a colon ("Kijk: ...") and are never speakers.
_NOT_LABELS = {"kijk", "nou", "dus", "zeg", "maar", "ja", "nee", "oké", "ok", "want", "namelijk",
               "bijvoorbeeld", "stel", "kortom", "nb", "ps", "let", "en", "of", "toen", "dan", "echt",
               "zo", "wat", "hoe", "waarom", "daarom", "weet", "luister", "eerlijk", "note", "so",
               "well", "look", "listen", "but", "and"}
# Labels that name the interviewer; other known forms name respondents. Shared with corpus.speaker_role.
INTERVIEWER_LABELS = r"i|int|interviewer|interviewster|onderzoeker(\s.*)?|moderator|gespreksleider|researcher|q"
_KNOWN_SPEAKERS = re.compile(
    rf"^({INTERVIEWER_LABELS}|r|resp|respondent|a|"
    r"(bewoner|bewoonster|ambtenaar|initiatiefnemer|ondernemer|deelnemer|spreker|participant|"
    r"speaker|gebiedsmakelaar|panellid|publiek|kijker|resident|persoon)(\s+\w+)?)$",
    re.IGNORECASE,
)
_ANNOTATION = re.compile(
    r"\[[^\[\]\n]{1,60}\]"
    r"|\((?:stilte|lacht|lachen|gelach|pauze|zucht|onverstaanbaar|onhoorbaar|hoest|telefoon"
    r"|door elkaar|inaudible|laughs|laughter|silence|crosstalk|pause)[^()\n]{0,40}\)",
    re.IGNORECASE,
)
_CONTROL_BYTES = bytes(b for b in range(32) if chr(b) not in "\n\r\t\f\v")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Turn:
    """One speaker turn.

    ``start_char``/``end_char`` index the turn's text in :attr:`Transcript.text`; ``line`` is the
    1-based line (for .docx: paragraph) in the source where the turn starts.
    """

    speaker: str
    text: str
    line: int
    timestamp: float | None = None
    start_char: int = 0
    end_char: int = 0
    annotations: list[str] = field(default_factory=list)


@dataclass
class Transcript:
    """A transcript read from one file: metadata, turns and the normalised plain text."""

    transcript_id: str
    path: Path
    format: str
    metadata: dict
    turns: list[Turn]
    text: str
    problems: list[Problem] = field(default_factory=list)
    metadata_lines: dict = field(default_factory=dict)

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(t.speaker for t in self.turns))


def parse_timestamp(text: str) -> float:
    """Seconds in ``'[00:12:34.5]'``, ``'(12:34)'`` or ``'0:03'``.

    Examples
    --------
    >>> parse_timestamp("[01:02:03.5]")
    3723.5
    >>> parse_timestamp("(12:34)")
    754.0
    """
    parts = text.strip("[]() ").replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return round(seconds, 3)


# --------------------------------------------------------------------------- decoding


def _decode(raw: bytes, path: Path) -> tuple[str | None, list[Problem]]:
    if b"\x00" in raw:
        return None, [Problem.error(path, Messages.NUL_BYTES)]
    try:
        text = raw.decode("utf-8-sig")
        problems = []
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            return None, [Problem.error(path, Messages.NOT_TEXT)]
        problems = [Problem.warning(path, Messages.CP1252)]
    controls = len(raw) - len(raw.translate(None, _CONTROL_BYTES))
    if controls > max(2, len(raw) // 100):
        return None, [Problem.error(path, Messages.NOT_TEXT)]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None, problems + [Problem.error(path, Messages.EMPTY)]
    return text, problems


# --------------------------------------------------------------------------- labels


def _stop_words() -> frozenset[str]:
    global _STOP_WORDS
    if _STOP_WORDS is None:
        from spacy.lang.en.stop_words import STOP_WORDS as en
        from spacy.lang.nl.stop_words import STOP_WORDS as nl

        _STOP_WORDS = frozenset(nl | en | _NOT_LABELS) - {"i", "a", "r"}
    return _STOP_WORDS


_STOP_WORDS: frozenset[str] | None = None


@functools.lru_cache(maxsize=4096)
def _label_shape_ok(label: str) -> bool:
    words = label.split(" ")
    if not words[0][:1].isupper():
        return False
    if len(words) == 1 and words[0].lower().rstrip(".") in _stop_words():
        return False
    if words[0].lower() in _NOT_LABELS and len(words) > 1:
        return False
    for word in words[1:]:
        if not (word[:1].isupper() or word[:1].isdigit() or word.lower() in _PARTICLES):
            return False
    return True


def _label_match(line: str) -> re.Match | None:
    m = _LABEL_LINE.match(line)
    if m and _label_shape_ok(m.group("label")):
        return m
    return None


def _accepted_labels(matches: list[re.Match | None]) -> set[str]:
    """Candidate labels that count as speakers: known forms, or used at least twice in the file."""
    counts: dict[str, int] = {}
    for m in matches:
        if m:
            counts[m.group("label")] = counts.get(m.group("label"), 0) + 1
    return {
        label for label, n in counts.items()
        if n >= 2 or _KNOWN_SPEAKERS.match(label)
    }


def _first_ts(*candidates: str | None) -> float | None:
    for c in candidates:
        if c:
            return parse_timestamp(c)
    return None


# --------------------------------------------------------------------------- turn builder


class _TurnBuilder:
    """Collects turns from a stream of labelled and unlabelled lines."""

    def __init__(self, merge_same_speaker: bool = False):
        self.turns: list[dict] = []
        self.merge = merge_same_speaker
        self.labelled = False
        self._para_open = False

    def start(self, speaker: str, text: str, line: int, ts: float | None) -> None:
        if self.merge and self.turns and self.turns[-1]["speaker"] == speaker:
            self.add(text, line)
            return
        self.labelled = True
        self.turns.append({"speaker": speaker, "line": line, "ts": ts, "paras": [[]]})
        self.add(text, line)

    def add(self, text: str, line: int, ts: float | None = None) -> None:
        # Normalise whitespace only when needed: isprintable() is False for tabs, NBSP and other odd spaces.
        if "  " in text or not text.isprintable() or text[:1] == " " or text[-1:] == " ":
            text = " ".join(text.split())
        if not text:
            return
        if not self.turns:
            self.turns.append({"speaker": UNKNOWN, "line": line, "ts": ts, "paras": [[]],
                               "before_label": True})
        turn = self.turns[-1]
        if not self._para_open and turn["paras"][-1]:
            turn["paras"].append([])
        turn["paras"][-1].append(text)
        self._para_open = True

    def paragraph_break(self) -> None:
        self._para_open = False

    def result(self) -> list[dict]:
        turns = [t for t in self.turns if any(t["paras"])]
        for t in turns:
            t["paras"] = [p for p in t["paras"] if p]
        return turns


def _feed_text_line(builder: _TurnBuilder, raw: str, m: re.Match | None, line_no: int,
                    accepted: set[str], teams: bool, ts: float | None = None) -> None:
    """Feed one line of text (from txt, docx or a subtitle cue) and its label match to the builder."""
    line = raw.strip()
    if not line:
        builder.paragraph_break()
        return
    if m and m.group("label") in accepted:
        builder.start(m.group("label"), m.group("rest"), line_no,
                      _first_ts(m.group("ts1"), m.group("ts2"), m.group("ts3")) if ts is None else ts)
        return
    if teams:
        h = _TEAMS_HEADER.match(line)
        if h and _label_shape_ok(h.group("label")) and ":" not in h.group("label"):
            builder.start(h.group("label"), "", line_no, parse_timestamp(h.group("ts")))
            builder.paragraph_break()
            return
    builder.add(line, line_no, ts)


# --------------------------------------------------------------------------- front matter


def _front_matter(lines: list[str], path: Path) -> tuple[dict, dict, int, list[Problem]]:
    """Parse YAML front matter. Returns (record, key lines, index of the first body line, problems)."""
    if not lines or lines[0].strip() != "---":
        return {}, {}, 0, []
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return {}, {}, len(lines), [Problem.error(path, Messages.FRONT_MATTER_UNCLOSED, 1)]
    block = "\n".join(lines[1:end])
    try:
        record = yaml.load(block, Loader=_YAML_LOADER) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = min(mark.line + 2, end) if mark is not None else 1  # a mark past the end: last line
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return {}, {}, end + 1, [Problem.error(path, Messages.FRONT_MATTER_YAML.format(reason=reason), line)]
    if record is None:
        record = {}
    if not isinstance(record, dict):
        return {}, {}, end + 1, [Problem.error(path, Messages.FRONT_MATTER_NOT_MAPPING, 2)]
    key_lines = {}
    for i in range(1, end):
        m = re.match(r"^([^\s:#][^:]*):", lines[i])
        if m:
            key_lines.setdefault(m.group(1).strip(), i + 1)
    record = {str(k): v for k, v in record.items()}
    return record, key_lines, end + 1, []


# --------------------------------------------------------------------------- formats


def _parse_plain(lines: list[str], path: Path, first: int, teams: bool,
                 line_numbers: list[int] | None = None) -> tuple[list[dict], list[Problem]]:
    body = lines[first:]
    numbers = line_numbers[first:] if line_numbers else list(range(first + 1, len(lines) + 1))
    matches = [_label_match(line.strip()) for line in body]
    accepted = _accepted_labels(matches)
    builder = _TurnBuilder()
    for raw, m, no in zip(body, matches, numbers):
        _feed_text_line(builder, raw, m, no, accepted, teams)
    turns = builder.result()
    problems: list[Problem] = []
    if not builder.labelled:
        turns = _split_paragraph_turns(turns)
        if turns:
            problems.append(Problem.warning(path, Messages.NO_LABELS))
    elif turns and turns[0].get("before_label"):
        problems.append(Problem.warning(path, Messages.TEXT_BEFORE_LABEL, turns[0]["line"]))
    return turns, problems


def _split_paragraph_turns(turns: list[dict]) -> list[dict]:
    """Unlabelled text: one turn per paragraph. Paragraph line numbers are kept per paragraph."""
    out = []
    for t in turns:
        for para in t["paras"]:
            out.append({"speaker": UNKNOWN, "line": None, "ts": None, "paras": [para]})
    return out


_CUE_TIME_VTT = r"(?:\d{1,}:)?\d{2}:\d{2}\.\d{3}"
_CUE_TIME_SRT = r"\d{1,}:\d{2}:\d{2}[,.]\d{3}"
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
# Markup to drop: WebVTT cue tags and timestamps; the few tags SubRip players understand.
_TAGS = {
    "vtt": re.compile(r"</?(?:v|c|i|b|u|ruby|rt|lang)\b[^>\n]*>|<\d{1,2}:[\d:.]+>"),
    "srt": re.compile(r"</?(?:i|b|u|font)\b[^>\n]*>", re.IGNORECASE),
}


def _blocks(lines: list[str], start: int) -> list[list[tuple[int, str]]]:
    blocks, current = [], []
    for i in range(start, len(lines)):
        if lines[i].strip():
            current.append((i + 1, lines[i]))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _parse_cues(lines: list[str], path: Path, fmt: str) -> tuple[list[dict], list[Problem]]:
    problems: list[Problem] = []
    start = 0
    if fmt == "vtt":
        if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            return [], [Problem.error(path, Messages.VTT_HEADER, 1)]
        start = 1
        while start < len(lines) and lines[start].strip():  # header block
            start += 1
    time_re = _CUE_TIME_VTT if fmt == "vtt" else _CUE_TIME_SRT
    timing = re.compile(rf"^\s*({time_re})\s+-->\s+({time_re})(?:\s+.*)?$")
    sep = "." if fmt == "vtt" else ","
    cues: list[tuple[float, list[tuple[int, str]]]] = []
    for block in _blocks(lines, start):
        first_no, first = block[0]
        if fmt == "vtt" and re.match(r"^(NOTE|STYLE|REGION)\b", first):
            continue
        idx = 0 if "-->" in first else (1 if len(block) > 1 and "-->" in block[1][1] else None)
        if idx is None:
            problems.append(Problem.error(path, Messages.CUE_NO_TIMING, first_no))
            continue
        no, text = block[idx]
        m = timing.match(text)
        if not m:
            problems.append(Problem.error(path, Messages.CUE_TIMING.format(text=text.strip(), sep=sep), no))
            continue
        begin, end = parse_timestamp(m.group(1)), parse_timestamp(m.group(2))
        if end < begin:
            problems.append(Problem.error(path, Messages.CUE_ORDER.format(text=text.strip()), no))
            continue
        cues.append((begin, block[idx + 1:]))
    if problems:
        return [], problems

    payload_lines: list[tuple[int, str, float]] = []
    voices: list[str | None] = []
    cue_starts: list[str] = []
    for begin, payload in cues:
        for j, (no, raw) in enumerate(payload):
            v = _VOICE.search(raw)
            voices.append(v.group(1).strip() if v else None)
            text = _TAGS[fmt].sub("", raw)
            text = html.unescape(text) if fmt == "vtt" else text
            payload_lines.append((no, text, begin))
            if j == 0:
                cue_starts.append(text)
    # Recorders put "Name: " at the start of a cue, so there one occurrence is enough.
    matches = [None if v else _label_match(t.strip()) for (_, t, _), v in zip(payload_lines, voices)]
    accepted = _accepted_labels(matches)
    accepted |= {m.group("label") for m in map(_label_match, cue_starts) if m}
    builder = _TurnBuilder(merge_same_speaker=True)
    for (no, text, begin), voice, m in zip(payload_lines, voices, matches):
        if voice:
            builder.start(voice, text, no, begin)
        else:
            _feed_text_line(builder, text, m, no, accepted, teams=False, ts=begin)
    turns = builder.result()
    if not builder.labelled and turns:
        problems.append(Problem.warning(path, Messages.NO_LABELS))
    return turns, problems


def _docx_lines(path: Path) -> tuple[list[str], list[int], list[Problem]]:
    try:
        import docx  # python-docx
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return [], [], [Problem.error(path, Messages.DOCX_CORRUPT.format(reason=reason))]
    lines, numbers = [], []
    for i, para in enumerate(_docx_paragraphs(document), start=1):
        for part in para.text.replace("\r", "\n").split("\n"):
            lines.append(part)
            numbers.append(i)
    return lines, numbers, []


def _docx_paragraphs(container):
    """Paragraphs in document order, including those in table cells (row by row): nothing is skipped."""
    for block in container.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per column it spans
                        continue
                    seen.add(id(cell._tc))
                    yield from _docx_paragraphs(cell)
        else:
            yield block


# --------------------------------------------------------------------------- assembly


def _assemble(turn_dicts: list[dict]) -> tuple[list[Turn], str]:
    """Build Turn objects and the transcript's normalised plain text with offsets."""
    pieces: list[str] = []
    pos = 0
    turns: list[Turn] = []
    for t in turn_dicts:
        text = "\n".join(" ".join(p) for p in t["paras"])
        header = "" if t["speaker"] == UNKNOWN else f"{t['speaker']}: "
        if pieces:
            pieces.append("\n\n")
            pos += 2
        pieces.append(header + text)
        start = pos + len(header)
        pos = start + len(text)
        turns.append(Turn(
            speaker=t["speaker"], text=text, line=t["line"] or 0, timestamp=t["ts"],
            start_char=start, end_char=pos, annotations=_ANNOTATION.findall(text),
        ))
    return turns, "".join(pieces) + ("\n" if pieces else "")


def _read(path: Path) -> tuple[Transcript | None, list[Problem]]:
    """Read one file; never raises for bad input, returns (transcript or None, problems)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return None, [Problem.error(path, Messages.UNSUPPORTED.format(
            suffix=suffix or "(none)", allowed=", ".join(SUFFIXES)))]
    if not path.exists():
        return None, [Problem.error(path, Messages.NOT_FOUND)]
    problems: list[Problem] = []
    line_numbers = None
    if suffix == ".docx":
        lines, line_numbers, problems = _docx_lines(path)
        if problems:
            return None, problems
        if not any(line.strip() for line in lines):
            return None, [Problem.error(path, Messages.EMPTY)]
    else:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return None, [Problem.error(path, Messages.UNREADABLE.format(reason=exc.strerror or exc))]
        text, problems = _decode(raw, path)
        if text is None:
            return None, problems
        lines = text.split("\n")

    record, key_lines, first = {}, {}, 0
    if suffix in (".txt", ".md", ".docx"):
        record, key_lines, first, fm_problems = _front_matter(lines, path)
        problems += fm_problems
        if any(p.is_error for p in fm_problems):
            return None, problems
        turn_dicts, found = _parse_plain(lines, path, first, teams=True, line_numbers=line_numbers)
        if turn_dicts and turn_dicts[0]["line"] is None:  # unlabelled: recover paragraph lines
            _paragraph_lines(turn_dicts, lines, first, line_numbers)
    else:
        turn_dicts, found = _parse_cues(lines, path, suffix[1:])
    problems += found
    if any(p.is_error for p in problems):
        return None, problems
    if not turn_dicts:
        return None, problems + [Problem.error(path, Messages.EMPTY)]

    metadata, meta_problems = check_metadata(record, path, key_lines)
    problems += meta_problems
    if any(p.is_error for p in meta_problems):
        return None, problems
    turns, plain = _assemble(turn_dicts)
    tid = str(metadata.get("transcript_id") or path.stem)
    metadata.setdefault("transcript_id", tid)
    return Transcript(tid, path, suffix[1:], metadata, turns, plain, problems, key_lines), problems


def _paragraph_lines(turn_dicts: list[dict], lines: list[str], first: int,
                     numbers: list[int] | None) -> None:
    """Give each paragraph-turn of an unlabelled file the line where its paragraph starts."""
    starts = []
    prev_blank = True
    for i in range(first, len(lines)):
        blank = not lines[i].strip()
        if not blank and prev_blank:
            starts.append(numbers[i] if numbers else i + 1)
        prev_blank = blank
    for t, line in zip(turn_dicts, starts):
        t["line"] = line


def read_transcript(path: str | Path) -> Transcript:
    """Read one transcript file (.txt, .md, .vtt, .srt or .docx).

    Parameters
    ----------
    path : str or Path
        The transcript file.

    Returns
    -------
    Transcript
        Its metadata (from front matter), speaker turns and normalised plain text.

    Raises
    ------
    TranscriptError
        If the file cannot be read as a transcript; ``problems`` lists every reason, one line each.

    Warns
    -----
    TranscriptWarning
        For each warning found (cp1252 encoding, no speaker labels, ...).

    Examples
    --------
    >>> t = read_transcript("corpus/sln01.txt")  # doctest: +SKIP
    >>> t.turns[0].speaker, t.metadata["neighbourhood"]  # doctest: +SKIP
    ('I', 'Slotermeer Noordoost')
    """
    transcript, problems = _read(Path(path))
    if transcript is None:
        raise TranscriptError(problems)
    for p in problems:
        warnings.warn(str(p), TranscriptWarning, stacklevel=2)
    return transcript

"""Reading one file: pick the reader for its format, then metadata, turns and roles."""

from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import Messages, Problem, TranscriptError, TranscriptWarning
from ..metadata import check_metadata
from .base import PREAMBLE, UNKNOWN, Transcript, decode, front_matter
from .lines import assemble, paragraph_lines, parse_plain
from .roles import INTERVIEWER, NONE_ROLE, UNKNOWN_ROLE, assign_roles
from .asr import parse_whisper_json, parse_whisper_tsv
from .chat import parse_chat
from .subtitles import parse_cues
from .word import docx_lines

SUFFIXES = (".txt", ".md", ".vtt", ".srt", ".docx", ".json", ".tsv", ".cha")
_PLAIN = (".txt", ".md", ".docx")  # front matter and the label styles


def _structured(suffix: str, lines: list[str], path: Path) -> tuple[list[dict], list[Problem], dict, dict]:
    """(turns, problems, metadata record, legend) of a format with its own structure."""
    if suffix in (".vtt", ".srt"):
        return (*parse_cues(lines, path, suffix[1:]), {}, {})
    if suffix == ".json":
        return (*parse_whisper_json("\n".join(lines), path), {}, {})
    if suffix == ".tsv":
        return (*parse_whisper_tsv("\n".join(lines), path), {}, {})
    return parse_chat(lines, path)


def _text_lines(path: Path) -> tuple[list[str] | None, list[Problem]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem.error(path, Messages.UNREADABLE.format(reason=exc.strerror or exc))]
    text, problems = decode(raw, path, b"\x15" if path.suffix.lower() == ".cha" else b"")
    return (None if text is None else text.split("\n")), problems


def _read(path: Path) -> tuple[Transcript | None, list[Problem]]:
    """Read one file; never raises for bad input, returns (transcript or None, problems)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return None, [Problem.error(path, Messages.UNSUPPORTED.format(
            suffix=suffix or "(none)", allowed=", ".join(SUFFIXES)))]
    if not path.exists():
        return None, [Problem.error(path, Messages.NOT_FOUND)]
    line_numbers = None
    if suffix == ".docx":
        lines, line_numbers, problems = docx_lines(path)
        if any(p.is_error for p in problems):
            return None, problems
        if not any(line.strip() for line in lines):
            return None, [Problem.error(path, Messages.EMPTY)]
    else:
        lines, problems = _text_lines(path)
        if lines is None:
            return None, problems

    record, key_lines, legend = {}, {}, {}
    if suffix in _PLAIN:
        record, key_lines, first, fm_problems = front_matter(lines, path)
        problems += fm_problems
        if any(p.is_error for p in fm_problems):
            return None, problems
        turn_dicts, found, legend = parse_plain(lines, path, first, line_numbers=line_numbers)
        if turn_dicts and turn_dicts[0]["line"] is None:  # unlabelled: recover paragraph lines
            paragraph_lines(turn_dicts, lines, first, line_numbers)
    else:
        turn_dicts, found, record, legend = _structured(suffix, lines, path)
    problems += found
    if any(p.is_error for p in problems):
        return None, problems
    if not turn_dicts:
        return None, problems + [Problem.error(path, Messages.EMPTY)]

    metadata, meta_problems = check_metadata(record, path, key_lines)
    problems += meta_problems
    if any(p.is_error for p in meta_problems):
        return None, problems
    turns, plain = assemble(turn_dicts)
    tid = str(metadata.get("transcript_id") or path.stem)
    metadata.setdefault("transcript_id", tid)
    styles: dict[str, int] = {}
    for t in turn_dicts:
        if t.get("style"):
            styles[t["style"]] = styles.get(t["style"], 0) + 1
    return Transcript(tid, path, suffix[1:], metadata, turns, plain, problems, key_lines,
                      styles=styles, legend=legend), problems


def resolve_roles(t: Transcript, listed: dict[str, str] | None = None) -> list[Problem]:
    """Set ``t.roles`` and ``t.guesses`` from speakers.csv (``listed``), metadata, legend, labels.

    Returns the warnings: a guessed interviewer, or no interviewer at all in a labelled transcript.
    """
    speakers = [s for s in t.speakers if s not in (UNKNOWN, PREAMBLE)]
    questions: dict[str, list[int]] = {s: [0, 0] for s in speakers}
    for turn in t.turns:
        if turn.speaker in questions:
            questions[turn.speaker][0] += "?" in turn.text
            questions[turn.speaker][1] += 1
    roles, guesses, sources = assign_roles(
        speakers, {s: tuple(q) for s, q in questions.items()}, interviewer=t.metadata.get("interviewer"),
        listed=listed or {}, legend=t.legend)
    roles[UNKNOWN] = UNKNOWN_ROLE
    roles[PREAMBLE] = NONE_ROLE
    t.roles, t.guesses, t.role_sources = roles, guesses, sources
    if guesses:
        return [Problem.warning(t.path, Messages.INTERVIEWER_GUESSED.format(guess=guesses[0]))]
    if speakers and INTERVIEWER not in roles.values():
        return [Problem.warning(t.path, Messages.NO_INTERVIEWER.format(
            speakers=", ".join(speakers[:6]) + (", ..." if len(speakers) > 6 else "")))]
    return []


def read_transcript(path: str | Path) -> Transcript:
    """Read one transcript file (.txt, .md, .vtt, .srt, .docx, Whisper .json/.tsv or CHAT .cha).

    Parameters
    ----------
    path : str or Path
        The transcript file.

    Returns
    -------
    Transcript
        Its metadata (from front matter), speaker turns, normalised plain text and speaker roles.

    Raises
    ------
    TranscriptError
        If the file cannot be read as a transcript; ``problems`` lists every reason, one line each.

    Warns
    -----
    TranscriptWarning
        For each warning found (cp1252 encoding, no speaker labels, a guessed interviewer, ...).

    Examples
    --------
    >>> t = read_transcript("corpus/sln01.txt")  # doctest: +SKIP
    >>> t.turns[0].speaker, t.metadata["neighbourhood"]  # doctest: +SKIP
    ('I', 'Slotermeer Noordoost')
    """
    transcript, problems = _read(Path(path))
    if transcript is None:
        raise TranscriptError(problems)
    problems = problems + resolve_roles(transcript)
    transcript.problems = problems
    for p in problems:
        warnings.warn(str(p), TranscriptWarning, stacklevel=2)
    return transcript

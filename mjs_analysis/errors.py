"""Problems found in input, and the exceptions and warnings that carry them.

Every problem with a researcher's files is reported as one line, ``path[:line]: message``, so that the
CLI, the notebooks and the tests speak the same language. Messages live here in one catalogue so that
they stay consistent and can be grepped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Problem",
    "MjsError",
    "TranscriptError",
    "CorpusError",
    "MjsWarning",
    "TranscriptWarning",
    "Messages",
]


class Messages:
    """The catalogue of input messages (str.format templates)."""

    EMPTY = "file is empty or contains only whitespace"
    NUL_BYTES = "file contains NUL bytes; is it a binary file?"
    NOT_TEXT = "not a text file: cannot be decoded as UTF-8 or cp1252"
    CP1252 = "not valid UTF-8; read as cp1252 (Windows-1252), check special characters"
    UNREADABLE = "cannot read file: {reason}"
    UNSUPPORTED = "unsupported file type '{suffix}'; expected one of {allowed}"
    FRONT_MATTER_UNCLOSED = "front matter opened with '---' is never closed"
    FRONT_MATTER_YAML = "invalid YAML in front matter: {reason}"
    FRONT_MATTER_NOT_MAPPING = "front matter must be a mapping of 'key: value' lines"
    META_UNKNOWN_KEY = "unknown metadata field '{key}' (known: {known})"
    META_BAD_VALUE = "metadata field '{key}' must be {expected}; got {value!r}"
    META_UNKNOWN_ROLE = "unknown respondent_role {value!r} (known: {known})"
    META_DISAGREE = "metadata field '{key}' is {here!r} here but {there!r} in {source}"
    META_NO_FILE = "metadata row for transcript '{tid}' has no transcript file"
    META_ONLY_UNSUPPORTED = " (only {names}, of a type that cannot be read: save it as .docx or .txt)"
    UNSUPPORTED_FILES = "{n} file(s) of unsupported types not read: {names} (supported: {allowed})"
    MD_NOT_TRANSCRIPT = "left alone: a .md file without front matter or speaker labels (documentation?)"
    NEAR_DUPLICATE = ("{field} '{value}' ({n} transcript(s)) differs only slightly from '{other}' "
                      "({m} transcript(s)); a typo?")
    FILE_NO_META = "transcript '{tid}' has no metadata: no front matter and no row in {source}"
    META_MISSING = "metadata incomplete, missing: {fields}"
    META_CSV_COLUMNS = "metadata file lacks the column 'transcript_id'"
    META_CSV_DUPLICATE = "transcript id '{tid}' appears more than once"
    DUPLICATE_ID = "duplicate transcript id '{tid}' (also {other})"
    NO_LABELS = "no speaker labels found; read as one turn per paragraph with speaker 'unknown'"
    PREAMBLE = ("{n} line(s) before the first speaker label kept as a preamble (speaker role 'none', "
                "never coded)")
    INTERVIEWER_GUESSED = ("no speakers.csv row, metadata, legend or label names the interviewer; guessed "
                           "{guess}; set 'interviewer' in the metadata if that is wrong")
    NO_INTERVIEWER = ("no speaker is the interviewer (speakers: {speakers}); every turn is coded as a "
                      "respondent's; set 'interviewer' in the metadata or in speakers.csv")
    DOCX_TRACKED = ("document has unaccepted tracked changes ({ins} insertion(s), {dels} deletion(s)); "
                    "read with insertions kept and deletions dropped")
    VTT_HEADER = "missing 'WEBVTT' header on the first line"
    CUE_TIMING = "malformed cue timing {text!r}; expected 'hh:mm:ss{sep}mmm --> hh:mm:ss{sep}mmm'"
    CUE_NO_TIMING = "cue without a timing line"
    CUE_ORDER = "{n} cue(s) end before they start, the first here; read anyway"
    CUE_OVERLAP = "{n} cue(s) start before the previous one ends (overlapping speech?), the first here; read in file order"
    NO_LABELS_ASR = "no speakers in the recognised segments; read as one turn per segment with speaker 'unknown'"
    JSON_INVALID = "not valid JSON: {reason}"
    JSON_NO_SEGMENTS = "not a Whisper/WhisperX JSON file: expected a list of 'segments' with 'text'"
    TSV_COLUMNS = "not a Whisper .tsv file: expected the columns start, end, text"
    CHAT_NO_TIERS = "no main tiers ('*SPK:') found in this CHAT file"
    DOCX_CORRUPT = "not a valid .docx file ({reason})"
    NO_TRANSCRIPTS = "no transcript files found (looked for {allowed})"
    NOT_FOUND = "no such file or folder"
    SPEAKERS_CSV = "speakers file needs the columns transcript_id, speaker, respondent_role"


@dataclass(frozen=True)
class Problem:
    """One problem with an input file: where it is, what is wrong, and how bad it is."""

    path: str
    message: str
    line: int | None = None
    severity: str = "error"  # "error" or "warning"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        prefix = "" if self.is_error else "warning: "
        return f"{where}: {prefix}{self.message}"

    @classmethod
    def error(cls, path: str | Path, message: str, line: int | None = None) -> "Problem":
        return cls(str(path), message, line, "error")

    @classmethod
    def warning(cls, path: str | Path, message: str, line: int | None = None) -> "Problem":
        return cls(str(path), message, line, "warning")


class MjsError(Exception):
    """Base class of the errors this package raises about its input."""


class TranscriptError(MjsError, ValueError):
    """A transcript could not be read. ``problems`` holds the one-line reasons."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class CorpusError(MjsError, ValueError):
    """A corpus has errors. ``problems`` holds every problem found, in every file."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class MjsWarning(UserWarning):
    """Base class of this package's warnings."""


class TranscriptWarning(MjsWarning):
    """A transcript was read, but something in it deserves a look (encoding, missing labels, ...)."""

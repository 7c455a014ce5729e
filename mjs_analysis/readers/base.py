"""What every reader produces (:class:`Turn`, :class:`Transcript`) and the shared first steps: decoding
bytes and YAML front matter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import Messages, Problem

UNKNOWN = "unknown"
#: The speaker of the lines before the first turn (title, date, "Transcribed by ...", a legend).
PREAMBLE = "preamble"

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
    """A transcript read from one file: metadata, turns and the normalised plain text.

    ``styles`` counts the turns per label style (see :mod:`.styles`), ``legend`` maps labels to the
    role words of the file's legend, ``roles`` maps each speaker to its role (interviewer, respondent,
    unknown, or none for the preamble) and ``guesses`` says in words what was guessed to get there.
    """

    transcript_id: str
    path: Path
    format: str
    metadata: dict
    turns: list[Turn]
    text: str
    problems: list[Problem] = field(default_factory=list)
    metadata_lines: dict = field(default_factory=dict)
    styles: dict = field(default_factory=dict)
    legend: dict = field(default_factory=dict)
    roles: dict = field(default_factory=dict)
    guesses: list = field(default_factory=list)
    role_sources: dict = field(default_factory=dict)  # speaker -> what decided its role

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(t.speaker for t in self.turns))


def decode(raw: bytes, path: Path, allowed: bytes = b"") -> tuple[str | None, list[Problem]]:
    """Text of a file's bytes (UTF-8 with or without BOM, else cp1252 with a warning), or None and errors.

    ``allowed`` control bytes belong to the format (CHAT's media bullets) and do not make it binary.
    """
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
    controls = len(raw) - len(raw.translate(None, _CONTROL_BYTES.translate(None, allowed)))
    if controls > max(2, len(raw) // 100):
        return None, [Problem.error(path, Messages.NOT_TEXT)]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None, problems + [Problem.error(path, Messages.EMPTY)]
    return text, problems


def front_matter(lines: list[str], path: Path) -> tuple[dict, dict, int, list[Problem]]:
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

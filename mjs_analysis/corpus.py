"""A corpus: the transcripts of one or more folders, their metadata, and the segment table.

``load_corpus`` reads every transcript it is given, reports every problem in every file (one bad
file never hides the others), merges front matter with ``metadata.csv`` and builds
``Corpus.segments``: one row per speaker turn, the table every analysis starts from.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

import pandas as pd

from .errors import CorpusError, Messages, Problem, TranscriptWarning
from .metadata import read_metadata_csv, read_speakers_csv
from .readers import INTERVIEWER_LABELS, SUFFIXES, UNKNOWN, Transcript, _read, resolve_roles

__all__ = ["Corpus", "load_corpus", "validate", "SEGMENT_COLUMNS", "METADATA_COLUMNS"]

METADATA_COLUMNS = [
    "neighbourhood", "district", "date", "interviewer", "respondent_role", "language",
    "pseudonymised", "setting",
]
SEGMENT_COLUMNS = [
    "transcript_id", "turn", "speaker", "speaker_role", "stakeholder", "text", "start_char",
    "end_char", "line", "timestamp", "annotations", "n_words", *METADATA_COLUMNS, "format", "source",
]
_CORE_FIELDS = ("neighbourhood", "district", "date", "interviewer", "respondent_role", "language")
_INTERVIEWER = re.compile(rf"^({INTERVIEWER_LABELS})$", re.IGNORECASE)
METADATA_FILE = "metadata.csv"
SPEAKERS_FILE = "speakers.csv"


@dataclass
class Corpus:
    """Transcripts with merged metadata, every problem found while reading them, and segments.

    Transcripts with errors are left out of the corpus (their problems stay in ``problems``).
    """

    transcripts: list[Transcript]
    problems: list[Problem] = field(default_factory=list)
    speaker_roles: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)  # files left alone on purpose (a README.md), one line each

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def __len__(self) -> int:
        return len(self.transcripts)

    def __iter__(self):
        return iter(self.transcripts)

    def __getitem__(self, transcript_id: str) -> Transcript:
        for t in self.transcripts:
            if t.transcript_id == transcript_id:
                return t
        raise KeyError(transcript_id)

    @cached_property
    def segments(self) -> pd.DataFrame:
        """One row per speaker turn (see ``SEGMENT_COLUMNS``), in corpus and turn order."""
        cols: dict[str, list] = {c: [] for c in SEGMENT_COLUMNS}
        for t in self.transcripts:
            meta = t.metadata
            n = len(t.turns)
            roles = [t.roles.get(turn.speaker) or speaker_role(turn.speaker, meta.get("interviewer"))
                     for turn in t.turns]
            cols["transcript_id"] += [t.transcript_id] * n
            cols["turn"] += range(n)
            cols["speaker"] += [turn.speaker for turn in t.turns]
            cols["speaker_role"] += roles
            cols["stakeholder"] += [
                "interviewer" if role == "interviewer" else None if role == "none" else
                self.speaker_roles.get((t.transcript_id, turn.speaker), meta.get("respondent_role"))
                for turn, role in zip(t.turns, roles)]
            for name in ("text", "start_char", "end_char", "line", "timestamp"):
                cols[name] += [getattr(turn, name) for turn in t.turns]
            cols["annotations"] += [list(turn.annotations) for turn in t.turns]
            cols["n_words"] += [len(turn.text.split()) for turn in t.turns]
            for name in METADATA_COLUMNS:
                cols[name] += [meta.get(name)] * n
            cols["format"] += [t.format] * n
            cols["source"] += [str(t.path)] * n
        frame = pd.DataFrame(cols, columns=SEGMENT_COLUMNS)
        frame["timestamp"] = frame["timestamp"].astype("float64")
        return frame

    @property
    def metadata(self) -> pd.DataFrame:
        """One row per transcript: its merged metadata, format, turns and words."""
        rows = []
        for t in self.transcripts:
            rows.append({
                "transcript_id": t.transcript_id,
                **{c: t.metadata.get(c) for c in METADATA_COLUMNS},
                "format": t.format,
                "n_turns": len(t.turns),
                "n_words": sum(len(turn.text.split()) for turn in t.turns),
                "source": str(t.path),
            })
        return pd.DataFrame(rows, columns=["transcript_id", *METADATA_COLUMNS, "format", "n_turns",
                                           "n_words", "source"])

    @property
    def hash(self) -> str:
        """A short fingerprint of the corpus content (texts and metadata), for provenance."""
        digest = hashlib.sha256()
        for t in sorted(self.transcripts, key=lambda t: t.transcript_id):
            digest.update(json.dumps([t.transcript_id, t.text, t.metadata], sort_keys=True,
                                     default=str).encode("utf-8"))
        return digest.hexdigest()[:16]


def speaker_role(speaker: str, interviewer: str | None = None) -> str:
    """'interviewer', 'respondent' or 'unknown' for a speaker label on its own (no other evidence).

    A transcript read by :func:`load_corpus` or :func:`read_transcript` carries its speakers' roles in
    ``Transcript.roles``, decided with speakers.csv, metadata and legend too (see ``readers.roles``).
    """
    if speaker == UNKNOWN:
        return "unknown"
    if _INTERVIEWER.match(speaker) or (interviewer and speaker.strip() == str(interviewer).strip()):
        return "interviewer"
    return "respondent"


# Files researchers keep beside transcripts that this package cannot read: named in a warning, never
# skipped in silence. (Recordings, spreadsheets and the project's own csv/yml files are not transcripts.)
UNSUPPORTED_TRANSCRIPTS = (".pdf", ".doc", ".rtf", ".odt", ".pages", ".sbv", ".ttml",
                           ".dfxp", ".xml", ".html", ".htm", ".trs", ".eaf", ".textgrid")


def _md_has_front_matter(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.readline().lstrip(b"\xef\xbb\xbf").strip() == b"---"
    except OSError:
        return True  # let the reader report it


# Documentation beside transcripts: never a transcript without front matter, whatever it looks like.
_DOC_NAMES = re.compile(r"^(readme|leesmij|changelog|license|licence|contributing|design|notes?|todo|"
                        r"(interview)?leidraad|interview[-_ ]?guide|codebook|protocol)\b", re.IGNORECASE)


def _md_reads_as_transcript(path: Path) -> bool:
    """A .md file without front matter is a transcript when speaker labels of two speakers are found in it."""
    if _DOC_NAMES.match(path.stem):
        return False
    t, _ = _read(path)
    return t is not None and len([s for s in t.speakers if s not in (UNKNOWN, "preamble")]) >= 2


def _is_transcript_file(path: Path, notes: list[str] | None = None) -> bool:
    if path.suffix.lower() not in SUFFIXES:
        return False
    if path.suffix.lower() == ".md" and not _md_has_front_matter(path):
        if _md_reads_as_transcript(path):
            return True
        if notes is not None:
            notes.append(f"{path}: {Messages.MD_NOT_TRANSCRIPT}")
        return False
    return True


def _discover(paths: Iterable[str | Path], notes: list[str] | None = None
              ) -> tuple[list[tuple[Path, Path | None]], list[Path], list[Problem], dict[Path, list[Path]]]:
    """Files to read (each with the folder whose metadata applies), folders scanned, problems, and per
    folder the files of unsupported transcript types."""
    files: list[tuple[Path, Path | None]] = []
    folders: list[Path] = []
    problems: list[Problem] = []
    unsupported: dict[Path, list[Path]] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith((".", "_", "~$")) for part in p.relative_to(path).parts)
            )
            found = [p for p in candidates if _is_transcript_file(p, notes)]
            unsupported[path] = [p for p in candidates if p.suffix.lower() in UNSUPPORTED_TRANSCRIPTS]
            if unsupported[path]:
                names = [str(p.relative_to(path)) for p in unsupported[path]]
                problems.append(Problem.warning(path, Messages.UNSUPPORTED_FILES.format(
                    n=len(names), names=", ".join(names[:10]) + (", ..." if len(names) > 10 else ""),
                    allowed=", ".join(SUFFIXES))))
            if not found:
                problems.append(Problem.error(path, Messages.NO_TRANSCRIPTS.format(
                    allowed=", ".join(SUFFIXES))))
            folders.append(path)
            files.extend((p, path) for p in found)
        elif path.exists():
            files.append((path, path.parent))
        else:
            problems.append(Problem.error(path, Messages.NOT_FOUND))
    return files, folders, problems, unsupported


def _near_duplicates(transcripts: list[Transcript], field: str) -> list[Problem]:
    """Warnings for values of ``field`` that differ only slightly ("Geuzenvelt", "Geuzenveld")."""
    from difflib import SequenceMatcher

    where: dict[str, list[Transcript]] = {}
    for t in transcripts:
        value = t.metadata.get(field)
        if isinstance(value, str) and value:
            where.setdefault(value, []).append(t)
    problems = []
    values = sorted(where, key=lambda v: (-len(where[v]), v))  # the commoner spelling first
    for i, a in enumerate(values):
        for b in values[i + 1:]:
            same = re.sub(r"[\s\-_]", "", a.casefold()) == re.sub(r"[\s\-_]", "", b.casefold())
            close = min(len(a), len(b)) >= 5 and SequenceMatcher(None, a.casefold(), b.casefold()).ratio() >= 0.85
            if same or close:
                t = where[b][0]
                problems.append(Problem.warning(t.path, Messages.NEAR_DUPLICATE.format(
                    field=field, value=b, n=len(where[b]), other=a, m=len(where[a])), t.metadata_lines.get(field)))
    return problems


def _merge_metadata(t: Transcript, row: tuple[dict, int] | None, csv_path: Path) -> list[Problem]:
    problems = []
    if row is not None:
        record, line = row
        for key, value in record.items():
            here = t.metadata.get(key)
            if key in t.metadata and here != value:
                problems.append(Problem.error(t.path, Messages.META_DISAGREE.format(
                    key=key, here=here, there=value, source=f"{csv_path}:{line}"),
                    t.metadata_lines.get(key)))
        t.metadata = {**record, **t.metadata}
    if set(t.metadata) <= {"transcript_id"}:
        problems.append(Problem.warning(t.path, Messages.FILE_NO_META.format(
            tid=t.transcript_id, source=csv_path)))
    else:
        missing = [f for f in _CORE_FIELDS if f not in t.metadata]
        if missing:
            problems.append(Problem.warning(t.path, Messages.META_MISSING.format(
                fields=", ".join(missing))))
    return problems


def load_corpus(
    paths: str | Path | Iterable[str | Path] = "corpus",
    *,
    strict: bool = False,
) -> Corpus:
    """Read transcripts from files and folders into a :class:`Corpus`.

    Parameters
    ----------
    paths : path or list of paths, default "corpus"
        Transcript files and/or folders (searched recursively; folders starting with ``.`` or ``_``
        are skipped, and ``.md`` files count only when they open with front matter or speaker labels are found
        in them; files of unsupported transcript types are named in a warning). A folder's
        ``metadata.csv`` and ``speakers.csv`` apply to the transcripts in it.
    strict : bool, default False
        Raise :class:`CorpusError` if any error was found. Otherwise files with errors are left out
        and the problems are kept in ``Corpus.problems``.

    Returns
    -------
    Corpus

    Warns
    -----
    TranscriptWarning
        One for each warning found.

    Examples
    --------
    >>> corpus = load_corpus("corpus")  # doctest: +SKIP
    >>> corpus.segments.groupby("neighbourhood").size()  # doctest: +SKIP
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    notes: list[str] = []
    files, folders, problems, unsupported = _discover(paths, notes)

    csv_cache: dict[Path, dict] = {}
    speaker_roles: dict = {}
    for folder in dict.fromkeys(f for _, f in files if f is not None):
        records: dict = {}
        if (folder / METADATA_FILE).is_file():
            records, found = read_metadata_csv(folder / METADATA_FILE)
            problems += found
        csv_cache[folder] = records
        if (folder / SPEAKERS_FILE).is_file():
            roles, found = read_speakers_csv(folder / SPEAKERS_FILE)
            problems += found
            speaker_roles.update(roles)

    transcripts: list[Transcript] = []
    seen: dict[str, Path] = {}
    used_rows: set[tuple[Path, str]] = set()
    for path, folder in files:
        t, found = _read(path)
        problems += found
        if t is None:
            continue
        records = csv_cache.get(folder, {})
        merged = _merge_metadata(t, records.get(t.transcript_id), folder / METADATA_FILE)
        problems += merged
        used_rows.add((folder, t.transcript_id))
        if t.transcript_id in seen:
            problems.append(Problem.error(path, Messages.DUPLICATE_ID.format(
                tid=t.transcript_id, other=seen[t.transcript_id])))
            continue
        seen[t.transcript_id] = path
        listed = {speaker: role for (tid, speaker), role in speaker_roles.items() if tid == t.transcript_id}
        roles_found = resolve_roles(t, listed)
        problems += roles_found
        t.problems = found + merged + roles_found
        if not any(p.is_error for p in found + merged):
            transcripts.append(t)

    for folder in folders:
        for tid, (_, line) in csv_cache.get(folder, {}).items():
            if (folder, tid) not in used_rows:
                other = [p.name for p in unsupported.get(folder, []) if p.stem == tid]
                message = Messages.META_NO_FILE.format(tid=tid)
                if other:
                    message += Messages.META_ONLY_UNSUPPORTED.format(names=", ".join(other))
                problems.append(Problem.warning(folder / METADATA_FILE, message, line))
    for name in ("neighbourhood", "district"):
        problems += _near_duplicates(transcripts, name)

    corpus = Corpus(transcripts, problems, speaker_roles, notes)
    if strict and corpus.errors:
        raise CorpusError(corpus.problems)
    for p in corpus.warnings:
        warnings.warn(str(p), TranscriptWarning, stacklevel=2)
    return corpus


def validate(paths: str | Path | Iterable[str | Path]) -> list[Problem]:
    """Every problem in the given transcripts and folders (errors and warnings), without warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TranscriptWarning)
        return load_corpus(paths).problems

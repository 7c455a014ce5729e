"""Transcript metadata: the known fields, their checks, and the corpus-level CSV files.

Metadata comes from a transcript's front matter and/or ``metadata.csv`` beside the transcripts (one row
per transcript id). ``speakers.csv`` optionally gives the stakeholder role of individual speakers, for
group sessions where one transcript holds several roles.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from pathlib import Path
from typing import Any

from .errors import Messages, Problem

__all__ = ["FIELDS", "ROLES", "LANGUAGES", "check_metadata", "read_metadata_csv", "read_speakers_csv"]

#: field -> what a valid value is (used in messages)
FIELDS = {
    "transcript_id": "a non-empty text",
    "neighbourhood": "a non-empty text",
    "district": "a non-empty text",
    "date": "a date as YYYY-MM-DD",
    "interviewer": "a non-empty text",
    "respondent_role": "a non-empty text",
    "language": "one of 'nl', 'en'",
    "pseudonymised": "true or false",
    "setting": "a non-empty text",
    "respondent_description": "a text",
}
ROLES = (
    "bewoner", "initiatiefnemer", "ambtenaar", "ondernemer", "bestuurder", "professional",
    "gemengd", "overig",
)
LANGUAGES = ("nl", "en")
_TRUE = {"true", "yes", "ja", "1", "waar"}
_FALSE = {"false", "no", "nee", "0", "onwaar"}


def _check_value(key: str, value: Any) -> tuple[Any, str | None]:
    """Return the cleaned value and, if it is malformed, the reason."""
    if key == "date":
        if isinstance(value, _dt.datetime):
            return value.date().isoformat(), None
        if isinstance(value, _dt.date):
            return value.isoformat(), None
        try:
            return _dt.date.fromisoformat(str(value).strip()).isoformat(), None
        except ValueError:
            return value, FIELDS[key]
    if key == "pseudonymised":
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return value, FIELDS[key]
    if key == "language":
        text = str(value).strip().lower()
        return (text, None) if text in LANGUAGES else (value, FIELDS[key])
    if key == "respondent_description":
        return ("" if value is None else str(value)), None
    if value is None or (isinstance(value, (dict, list))) or not str(value).strip():
        return value, FIELDS[key]
    return str(value).strip(), None


def check_metadata(
    record: dict, path: str | Path, lines: dict[str, int] | None = None
) -> tuple[dict, list[Problem]]:
    """Validate one transcript's metadata.

    Parameters
    ----------
    record : dict
        Field -> raw value (from YAML front matter or a CSV row). Empty CSV cells should be left out.
    path : str or Path
        Where the record came from, for messages.
    lines : dict, optional
        Field -> line number in ``path``, so a message can point at the line.

    Returns
    -------
    clean : dict
        The valid fields with normalised values (dates as ISO text, booleans as bool).
    problems : list of Problem
        Errors for malformed values, warnings for unknown fields and roles.
    """
    lines = lines or {}
    clean: dict = {}
    problems: list[Problem] = []
    for key, value in record.items():
        line = lines.get(key)
        if key not in FIELDS:
            problems.append(Problem.warning(
                path, Messages.META_UNKNOWN_KEY.format(key=key, known=", ".join(FIELDS)), line))
            continue
        cleaned, bad = _check_value(key, value)
        if bad:
            problems.append(Problem.error(
                path, Messages.META_BAD_VALUE.format(key=key, expected=bad, value=value), line))
            continue
        if key == "respondent_role" and cleaned not in ROLES:
            problems.append(Problem.warning(
                path, Messages.META_UNKNOWN_ROLE.format(value=cleaned, known=", ".join(ROLES)), line))
        clean[key] = cleaned
    return clean, problems


def _read_csv_rows(path: Path, problems: list[Problem] | None = None) -> tuple[list[str], list[tuple[int, dict]]]:
    """Columns and (line, row) pairs of a CSV file as spreadsheets save it.

    UTF-8 with or without BOM, else cp1252 (a warning goes to ``problems``); ``,`` or ``;`` as separator
    (Dutch Excel writes ``;``), decided by the header line.
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        if problems is not None:
            problems.append(Problem.warning(path, Messages.CP1252))
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [(reader.line_num, row) for row in reader]
    columns = [c.strip() for c in reader.fieldnames or []]
    if columns != list(reader.fieldnames or []):  # "transcript_id " typed with a space
        rows = [(n, {(k.strip() if isinstance(k, str) else k): v for k, v in row.items()}) for n, row in rows]
    return columns, rows


def read_metadata_csv(path: str | Path) -> tuple[dict[str, tuple[dict, int]], list[Problem]]:
    """Read ``metadata.csv``: transcript id -> (clean record, line number), plus problems."""
    path = Path(path)
    problems: list[Problem] = []
    try:
        columns, rows = _read_csv_rows(path, problems)
    except (OSError, csv.Error) as exc:
        return {}, [Problem.error(path, Messages.UNREADABLE.format(reason=exc))]
    if "transcript_id" not in columns:
        return {}, problems + [Problem.error(path, Messages.META_CSV_COLUMNS, 1)]
    records: dict[str, tuple[dict, int]] = {}
    for line, row in rows:
        raw = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
        tid = (raw.get("transcript_id") or "").strip()
        if not tid:
            problems.append(Problem.error(path, Messages.META_BAD_VALUE.format(
                key="transcript_id", expected=FIELDS["transcript_id"], value=""), line))
            continue
        if tid in records:
            problems.append(Problem.error(path, Messages.META_CSV_DUPLICATE.format(tid=tid), line))
            continue
        clean, found = check_metadata(raw, path, {k: line for k in raw})
        problems.extend(found)
        records[tid] = (clean, line)
    return records, problems


def read_speakers_csv(path: str | Path) -> tuple[dict[tuple[str, str], str], list[Problem]]:
    """Read ``speakers.csv``: (transcript id, speaker) -> stakeholder role, plus problems."""
    path = Path(path)
    problems: list[Problem] = []
    try:
        columns, rows = _read_csv_rows(path, problems)
    except (OSError, csv.Error) as exc:
        return {}, [Problem.error(path, Messages.UNREADABLE.format(reason=exc))]
    if not {"transcript_id", "speaker", "respondent_role"} <= set(columns):
        return {}, problems + [Problem.error(path, Messages.SPEAKERS_CSV, 1)]
    roles: dict[tuple[str, str], str] = {}
    for line, row in rows:
        role = (row.get("respondent_role") or "").strip()
        if role not in ROLES and role != "interviewer":  # "interviewer" names who asks the questions
            problems.append(Problem.warning(
                path, Messages.META_UNKNOWN_ROLE.format(value=role, known=", ".join(ROLES)), line))
        roles[((row.get("transcript_id") or "").strip(), (row.get("speaker") or "").strip())] = role
    return roles, problems

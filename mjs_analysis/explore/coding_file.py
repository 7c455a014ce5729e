"""A coder's review log, ``coding/<coder>.csv`` in the corpus folder: every decision saved at once.

The file has the columns ``mjs agreement`` reads (``transcript_id, turn, code, coder``) and, per row, one
decision made in the explorer: ``decision`` (``accept``/``reject`` an automatic code, ``add``/``remove`` a
code by hand, ``none``: reviewed, no code applies; ``note``: a note on the turn), ``note``, ``source``
(``tagger`` or ``hand``), ``rule`` (the tagger's rule for an automatic code), ``time`` (UTC) and
``decision_id``. :func:`mjs_analysis.reliability.read_codings` turns it into codes (the last decision per
turn and code counts).

Every write takes an exclusive lock on ``coding/.<coder>.csv.lock``, re-reads the file, adds (or for
undo removes) one row, writes the whole to a temporary file in the same folder, and renames it over the
old one. So a reader never sees half a file, a crash never leaves one, and two explorers writing to the
same file at the same time (two tabs, two kernels) never lose each other's rows. Rows this module does not
know (earlier columns, hand-made files) are kept as they are.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..errors import MjsError

__all__ = ["CodingFile", "COLUMNS", "DECISIONS", "coder_file_name", "coders_in"]

COLUMNS = ["transcript_id", "turn", "code", "coder", "note", "decision", "source", "rule", "time", "decision_id"]
DECISIONS = ("accept", "reject", "add", "remove", "none", "note")
_NEEDS_CODE = ("accept", "reject", "add", "remove")


def coder_file_name(coder: str) -> str:
    """``"Anna de Vries"`` -> ``"Anna_de_Vries.csv"``: letters, digits, ``-`` and ``_`` only."""
    name = re.sub(r"[^\w-]+", "_", str(coder).strip(), flags=re.UNICODE).strip("_")
    if not name:
        raise MjsError(f"coder name {coder!r} has no letters or digits")
    return f"{name}.csv"


def coders_in(corpus_dir: str | Path) -> list[str]:
    """The coders who have a file in ``coding/`` (file names without ``.csv``)."""
    folder = Path(corpus_dir) / "coding"
    return sorted(p.stem for p in folder.glob("*.csv")) if folder.is_dir() else []


@contextlib.contextmanager
def _exclusive(lock_path: Path):
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            import msvcrt
            import time

            while True:
                try:
                    fh.seek(0)
                    msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    time.sleep(0.05)
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class CodingFile:
    """One coder's decisions in ``<corpus>/coding/<coder>.csv``.

    Parameters
    ----------
    corpus_dir : path
        The corpus folder; the file goes into its ``coding/`` subfolder (made when needed).
    coder : str
        The coder's name, written in the ``coder`` column; the file name keeps letters, digits, ``-``, ``_``.

    Examples
    --------
    >>> f = CodingFile("corpus", "Anna")                                   # doctest: +SKIP
    >>> f.record("sln01", 3, "reject", code="vertrouwen", source="tagger")  # doctest: +SKIP
    >>> f.undo()                                                           # doctest: +SKIP
    """

    def __init__(self, corpus_dir: str | Path, coder: str):
        self.coder = str(coder).strip()
        self.path = Path(corpus_dir) / "coding" / coder_file_name(self.coder)
        self.lock_path = self.path.with_name(f".{self.path.name}.lock")
        self._mine: list[str] = []  # decision ids recorded through this object, for undo

    # -- reading -------------------------------------------------------------------------------------------
    def _read_rows(self) -> tuple[list[str], list[dict]]:
        if not self.path.exists():
            return list(COLUMNS), []
        text = self.path.read_text(encoding="utf-8-sig")
        reader = csv.DictReader(io.StringIO(text))
        fields = list(reader.fieldnames or [])
        rows = list(reader)
        missing = [c for c in ("transcript_id", "turn", "code") if c not in fields]
        if fields and missing:
            raise MjsError(f"{self.path}: not a coding file (missing {', '.join(missing)}); nothing was written")
        return fields + [c for c in COLUMNS if c not in fields], rows

    def read(self) -> pd.DataFrame:
        """Every row of the file, oldest first, as text columns (``turn`` as int)."""
        fields, rows = self._read_rows()
        frame = pd.DataFrame(rows, columns=fields).fillna("")
        frame["turn"] = pd.to_numeric(frame["turn"], errors="coerce").astype("Int64")
        return frame

    def decisions(self) -> pd.DataFrame:
        """The last decision per (transcript, turn, code) -- the current state -- plus turn-level rows."""
        frame = self.read()
        if frame.empty:
            return frame
        frame = frame.assign(decision=frame["decision"].replace("", "add"))
        coded = frame[frame["code"] != ""].drop_duplicates(["transcript_id", "turn", "code"], keep="last")
        return coded.reset_index(drop=True)

    def reviewed(self) -> set[tuple[str, int]]:
        """(transcript_id, turn) of every turn with at least one decision."""
        frame = self.read()
        return {(t, int(n)) for t, n in zip(frame["transcript_id"], frame["turn"]) if n is not pd.NA}

    def state(self, transcript_id: str, turn: int) -> dict[str, str]:
        """code -> its last decision, for one turn."""
        d = self.decisions()
        if d.empty:
            return {}
        part = d[(d["transcript_id"] == str(transcript_id)) & (d["turn"] == int(turn))]
        return dict(zip(part["code"], part["decision"]))

    def note(self, transcript_id: str, turn: int) -> str:
        """The last note written on a turn ("" if none)."""
        frame = self.read()
        part = frame[(frame["transcript_id"] == str(transcript_id)) & (frame["turn"] == int(turn))
                     & (frame["note"] != "")]
        return str(part["note"].iloc[-1]) if len(part) else ""

    # -- writing -------------------------------------------------------------------------------------------
    def _write_rows(self, fields: list[str], rows: list[dict]) -> None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                fh.write(buffer.getvalue())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)  # atomic: readers see the old file or the new one, never half of one
        finally:
            if tmp.exists():
                tmp.unlink()
        with contextlib.suppress(OSError, AttributeError):  # make the rename itself durable (POSIX)
            fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def record(self, transcript_id: str, turn: int, decision: str, *, code: str = "", note: str = "",
               source: str = "", rule: str = "") -> dict:
        """Save one decision now (lock, re-read, append, write, rename). Returns the row written."""
        if decision not in DECISIONS:
            raise ValueError(f"The 'decision' parameter must be one of {', '.join(DECISIONS)}. Got {decision!r}.")
        if decision in _NEEDS_CODE and not code:
            raise ValueError(f"a {decision!r} decision needs a code")
        row = {"transcript_id": str(transcript_id), "turn": str(int(turn)), "code": code if decision in _NEEDS_CODE
               else "", "coder": self.coder, "note": " ".join(str(note).split()), "decision": decision,
               "source": source, "rule": rule,
               "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "decision_id": uuid.uuid4().hex[:12]}
        with _exclusive(self.lock_path):
            fields, rows = self._read_rows()
            rows.append(row)
            self._write_rows(fields, rows)
        self._mine.append(row["decision_id"])
        return row

    def undo(self) -> dict | None:
        """Take back the last decision recorded through this object that is still in the file.

        Other rows (earlier ones, another explorer's) stay. Returns the removed row, or None.
        """
        with _exclusive(self.lock_path):
            fields, rows = self._read_rows()
            while self._mine:
                wanted = self._mine.pop()
                for i in range(len(rows) - 1, -1, -1):
                    if rows[i].get("decision_id") == wanted:
                        removed = rows.pop(i)
                        self._write_rows(fields, rows)
                        return removed
        return None

    @property
    def can_undo(self) -> bool:
        return bool(self._mine)

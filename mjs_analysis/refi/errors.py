"""The error of the REFI-QDA exchange: one line, ``path: message``, like every input problem."""

from __future__ import annotations

from pathlib import Path

from ..errors import MjsError

__all__ = ["RefiError"]


class RefiError(MjsError, ValueError):
    """A REFI-QDA file could not be written or was refused. ``str()`` is one line naming the file."""

    def __init__(self, path: str | Path, message: str):
        self.path = str(path)
        self.message = " ".join(str(message).split())  # never more than one line
        super().__init__(f"{self.path}: {self.message}")

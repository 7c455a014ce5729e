"""CHAT (``.cha``, TalkBank/CHILDES): main tiers (``*INV:``) are turns; headers and dependent tiers are not.

The ``@Participants`` header is the legend (``INV Investigator`` names the interviewer), ``@Languages``
gives the language. Media bullets (``\\x15123_456\\x15``) are markup and give the turn's time.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Messages, Problem
from .lines import TurnBuilder

_MAIN = re.compile(r"^\*(?P<code>[A-Za-z0-9_]{1,12}):\s*(?P<rest>.*)$")
_BULLET = re.compile(r"\x15(?P<start>\d+)_\d+\x15")
_LANGUAGES = {"nld": "nl", "dut": "nl", "eng": "en"}


def parse_chat(lines: list[str], path: Path) -> tuple[list[dict], list[Problem], dict, dict]:
    """(turn dicts, problems, metadata record, legend) of a CHAT file."""
    legend: dict[str, str] = {}
    record: dict = {}
    builder = TurnBuilder(preamble=False)
    in_main = False
    for no, raw in enumerate(lines, start=1):
        if raw.startswith("@"):
            in_main = False
            key, _, value = raw.partition(":")
            if key == "@Participants":
                for entry in value.split(","):
                    parts = entry.split()
                    if len(parts) >= 2:  # "INV Name Investigator" or "INV Investigator"
                        legend[parts[0]] = parts[-1].replace("_", " ")
            elif key == "@Languages" and value.split(",")[0].strip() in _LANGUAGES:
                record["language"] = _LANGUAGES[value.split(",")[0].strip()]
            continue
        if raw.startswith("%"):
            in_main = False  # a dependent tier (%mor, %com, ...): annotation, not speech
            continue
        m = _MAIN.match(raw)
        if m:
            in_main = True
            text, ts = _bullets(m.group("rest"))
            builder.start(m.group("code"), text, no, ts, "chat")
        elif in_main and raw[:1] == "\t":  # a continuation line of the main tier
            builder.add(_bullets(raw)[0], no)
    if not builder.labelled:
        return [], [Problem.error(path, Messages.CHAT_NO_TIERS)], record, legend
    return builder.result(), [], record, legend


def _bullets(text: str) -> tuple[str, float | None]:
    m = _BULLET.search(text)
    if not m:
        return text, None
    return _BULLET.sub("", text), int(m.group("start")) / 1000

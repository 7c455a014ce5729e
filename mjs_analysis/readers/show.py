"""How each file was read, in words: ``mjs validate --show``.

For every transcript: its format and label styles, the speakers with role (and what decided it) and
number of turns, the preamble, the legend and every guess, so that a researcher can check the reading
before any analysis.
"""

from __future__ import annotations

from .base import PREAMBLE, UNKNOWN, Transcript

__all__ = ["describe", "describe_transcript"]

_QUOTE = 70  # characters of the preamble to show


def describe_transcript(t: Transcript) -> list[str]:
    """Lines describing how one transcript was read."""
    lines = [f"{t.path}  [{t.format}, id {t.transcript_id}, {len(t.turns)} turns]"]
    styles = ", ".join(f"{name} ({n} turns)" for name, n in t.styles.items()) or "no speaker labels"
    lines.append(f"  style: {styles}")
    counts: dict[str, int] = {}
    for turn in t.turns:
        counts[turn.speaker] = counts.get(turn.speaker, 0) + 1
    for speaker, n in counts.items():
        if speaker == PREAMBLE:
            continue
        role = t.roles.get(speaker, "?")
        how = t.role_sources.get(speaker)
        lines.append(f"  speaker {speaker!r}: {role}" + (f" (by {how})" if how else "") + f", {n} turns")
    preamble = next((turn for turn in t.turns if turn.speaker == PREAMBLE), None)
    if preamble is not None:
        text = " ".join(preamble.text.split())
        text = text if len(text) <= _QUOTE else text[:_QUOTE - 3] + "..."
        lines.append(f"  preamble (line {preamble.line}, role none, not coded): {text!r}")
    if t.legend:
        lines.append("  legend: " + "; ".join(f"{k} = {v}" for k, v in t.legend.items()))
    for guess in t.guesses:
        lines.append(f"  guess: {guess}")
    if UNKNOWN in counts and len(counts) == 1:
        lines.append("  guess: no speaker labels; every paragraph is a turn of speaker 'unknown'")
    return lines


def describe(corpus) -> str:
    """How every transcript of a corpus was read, then the files left alone (``Corpus.notes``)."""
    out: list[str] = []
    for t in corpus.transcripts:
        out += describe_transcript(t)
    out += [f"note: {note}" for note in getattr(corpus, "notes", [])]
    return "\n".join(out)

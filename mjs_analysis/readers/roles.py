"""Who is who: role families of speaker labels, legends, and who the interviewer is.

The families are data (:data:`ROLE_FAMILIES`): a label of an interviewer family (``I``, ``Int2``,
``Interviewer 1``, ``V``, ``Q``, ``Moderator``, ``Onderzoeker B``, ...) names the interviewer, a label of a
respondent family (``R``, ``A``, ``B1``, ``IP``, ``P3``, ``Deelnemer 4``, ``Bewoner 2``, ...) a
respondent, and a neutral label (``Speaker 1``, ``SPREKER 2``, ``SPEAKER_00``, ``S1``) says nothing about
the role. These are role labels, not names: pseudonymisation leaves them alone.

:func:`assign_roles` decides, per transcript, in this order: ``speakers.csv``, the ``interviewer``
metadata field, a legend in the preamble (``I = Interviewer``), the label family, and otherwise, in a
two-person interview, the speaker who asks the questions (a guess, with a warning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["RoleFamily", "ROLE_FAMILIES", "family_of", "is_role_label", "parse_legend", "assign_roles",
           "INTERVIEWER", "RESPONDENT", "UNKNOWN_ROLE", "NONE_ROLE", "CODED_ROLES"]

INTERVIEWER, RESPONDENT, UNKNOWN_ROLE, NONE_ROLE = "interviewer", "respondent", "unknown", "none"
#: Roles whose turns are coded and modelled (the preamble, role ``none``, never is).
CODED_ROLES = (RESPONDENT, UNKNOWN_ROLE)

_N = r"(?:[\s_]?\d{1,3})?"  # an optional number: "Interviewer 1", "Int2", "I1", "SPEAKER_00"


@dataclass(frozen=True)
class RoleFamily:
    """Labels of one kind: ``role`` is interviewer, respondent or None (neutral: says nothing)."""

    name: str
    role: str | None
    pattern: str
    examples: tuple[str, ...]


ROLE_FAMILIES: tuple[RoleFamily, ...] = (
    RoleFamily("interviewer", INTERVIEWER,
               rf"i{_N}|int{_N}|interviewer{_N}|interviewster{_N}|interviewer\s\(.*\)|q{_N}|v{_N}|vraag"
               rf"|moderator{_N}|gespreksleider{_N}|onderzoeker(?:\s.*)?|researcher{_N}|host{_N}"
               rf"|facilitator{_N}|interviewerin{_N}|intervieweur{_N}|investigator{_N}|inv",
               ("I", "Int2", "I1", "Interviewer 1", "Interviewer2", "Q", "V", "Moderator", "Gespreksleider",
                "Onderzoeker B", "Host")),
    RoleFamily("respondent", RESPONDENT,
               rf"r{_N}|resp{_N}|respondent{_N}|respondente{_N}|interviewee{_N}|a{_N}|antwoord|b{_N}"
               rf"|ip{_N}|p{_N}|ap{_N}|participant{_N}|deelnemer{_N}|geïnterviewde{_N}|gast{_N}|guest{_N}"
               r"|(?:bewoner|bewoonster|ambtenaar|initiatiefnemer|ondernemer|gebiedsmakelaar|panellid|publiek"
               r"|kijker|resident|persoon|student)(?:\s+\w+)?",
               ("R", "A", "B", "B1", "IP", "P3", "AP", "Participant 2", "Deelnemer 4", "Respondent 2",
                "Interviewee", "Bewoner 2")),
    RoleFamily("speaker", None,
               rf"speaker{_N}|spreker{_N}|sprecher{_N}|s{_N}|(?:speaker|spreker|deelnemer|participant)\s+\w+"
               r"|unknown speaker|onbekende spreker",
               ("Speaker 1", "Spreker 2", "SPREKER 1", "SPEAKER_00", "S1")),
)
_FAMILY_RES = [(f, re.compile(rf"^(?:{f.pattern})$", re.IGNORECASE)) for f in ROLE_FAMILIES]
ROLE_LABELS = re.compile("^(?:" + "|".join(f"(?:{f.pattern})" for f in ROLE_FAMILIES) + ")$", re.IGNORECASE)


def family_of(label: str) -> RoleFamily | None:
    """The role family of a label, or None for a name ("Fatma") or anything else."""
    label = label.strip()
    for family, regex in _FAMILY_RES:
        if regex.match(label):
            return family
    return None


def is_role_label(label: str) -> bool:
    """True for a label that names a role or a numbered speaker, not a person."""
    return bool(ROLE_LABELS.match(label.strip()))


# --------------------------------------------------------------------------- legends

# "I = Interviewer", "- I: interviewer", "(S = Student; I = Interviewer)", "R - Respondent"
_ENTRY = re.compile(r"^(?P<label>[A-Za-zÀ-ÿ]\w{0,14}(?: ?\d{1,2})?)\s*(?P<sep>=|:|–|-)\s*"
                    r"(?P<role>[^\W\d_][\w'’]*(?: [\w'’()]+){0,3})$")
_BULLET = re.compile(r"^[-*•]\s+")


def parse_legend(line: str) -> dict[str, str]:
    """Label -> role word for a legend line ("I = Interviewer; R = Respondent"), or {} if it is none.

    ``X: Role`` counts only after a bullet ("- I: Interviewer"): without one it is a speaker turn.
    Every entry must be short (a role of at most four words), so a sentence with "=" is no legend.

    Examples
    --------
    >>> parse_legend("(S = Student; I = Interviewer)")
    {'S': 'Student', 'I': 'Interviewer'}
    >>> parse_legend("- I: Interviewer")
    {'I': 'Interviewer'}
    """
    line = line.strip()
    if not line or len(line) > 200 or not ("=" in line or line[:1] in "-*•"):
        return {}
    bullet = _BULLET.match(line)
    body = line[bullet.end():] if bullet else line
    body = body.strip().rstrip(".")
    if body[:1] == "(" and body[-1:] == ")":
        body = body[1:-1]
    out = {}
    for part in re.split(r"\s*[;,]\s*", body.strip()):
        m = _ENTRY.match(part)
        if not m or (m.group("sep") == ":" and not bullet):
            return {}
        out[m.group("label")] = m.group("role")
    return out


# --------------------------------------------------------------------------- assignment


def _matches_interviewer(speaker: str, interviewer) -> bool:
    if interviewer is None:
        return False
    names = [n.strip().lower() for n in re.split(r"[;,]| en | and ", str(interviewer)) if n.strip()]
    return speaker.strip().lower() in names


def assign_roles(speakers: list[str], questions: dict[str, tuple[int, int]], *, interviewer=None,
                 listed: dict[str, str] | None = None, legend: dict[str, str] | None = None
                 ) -> tuple[dict[str, str], list[str], str | None]:
    """Decide each speaker's role.

    Parameters
    ----------
    speakers : list of str
        The transcript's speaker labels (without ``unknown`` and the preamble).
    questions : dict
        Speaker -> (turns that ask a question, turns), for the question-asker guess.
    interviewer : str, optional
        The ``interviewer`` metadata field (a label or name; several separated by ``;``).
    listed : dict, optional
        Speaker -> role from ``speakers.csv`` (``interviewer`` or a stakeholder role).
    legend : dict, optional
        Label -> role word from the transcript's legend.

    Returns
    -------
    roles : dict
        Speaker -> ``interviewer`` or ``respondent``.
    guesses : list of str
        What was guessed, in words (shown by ``mjs validate --show`` and in the warning).
    sources : dict
        Speaker -> what decided its role: "speakers.csv", "metadata", "legend", "label", "guess", or
        "default" (a name or neutral label, and another speaker is the interviewer).
    """
    listed = listed or {}
    legend = legend or {}
    chosen: set[str] = set()
    sources: dict[str, str] = {}
    for s in speakers:  # per speaker, the first source that says anything decides
        if s in listed:
            role, how = (INTERVIEWER if listed[s] == INTERVIEWER else RESPONDENT), "speakers.csv"
        elif _matches_interviewer(s, interviewer):
            role, how = INTERVIEWER, "metadata"
        elif s in legend:
            role, how = _role_word(legend[s]), "legend"
        else:
            family = family_of(s)
            role = family.role if family is not None and family.role else RESPONDENT
            how = "label" if family is not None and family.role else "default"  # a name: not the interviewer
        sources[s] = how
        if role == INTERVIEWER:
            chosen.add(s)
    guesses: list[str] = []
    if not chosen and len(speakers) == 2 and not listed:
        (a, b) = speakers
        qa, qb = (questions.get(s, (0, 0))[0] for s in speakers)
        if qa != qb and max(qa, qb) >= 2:
            asker, other = (a, b) if qa > qb else (b, a)
            chosen = {asker}
            sources[asker] = sources[other] = "guess"
            guesses.append(f"'{asker}' is the interviewer: asks {max(qa, qb)} questions, '{other}' {min(qa, qb)}")
    roles = {s: (INTERVIEWER if s in chosen else RESPONDENT) for s in speakers}
    return roles, guesses, sources


def _role_word(word: str) -> str:
    family = family_of(word)
    return family.role if family is not None and family.role else RESPONDENT

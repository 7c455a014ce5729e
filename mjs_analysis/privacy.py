"""Pseudonymisation before analysis, and the privacy gate on reports.

:func:`pseudonymise` writes copies of transcripts in their own format with personal data replaced by
consistent pseudonyms (``Persoon 3``, ``Telefoon 1``, ...): the same person gets the same pseudonym in every
transcript, in speaker labels, WebVTT voice tags, running text, metadata and file names. What counts as
personal data:

- Dutch transcripts: names, locations, institutions, full dates, ages, ID numbers, phone numbers, e-mail
  addresses and URLs found by ``deduce`` (Dutch de-identification);
- every transcript: patterns for e-mail, URL, social-media handle, phone, postcode, IBAN, street address with
  house number, full date, BSN and other ID numbers, and a surname after a title ("meneer Bakker", "Mrs
  Smith"); English transcripts also: first names from a list (with a following capitalised surname);
- speaker labels that are not role words (``I``, ``Interviewer``, ``Bewoner 2``, ...), and the interviewer
  named in the metadata.

What is kept: neighbourhood, district and city names from the metadata, the words of
``data/allowlist_nl.txt`` (role words, public places of the study, large cities) and a researcher's own
allowlist.

A found value is replaced wherever it occurs with the same spelling (whole words), also in the transcripts
where the detector missed it; a person's name also in lower case unless that is a common word ("henk", not
"roos"). A missed name is the worst failure, a replaced word the cheaper one. The key (original,
pseudonym, type, transcript, position) goes only to ``key``, which must lie outside the output folder; the
review file ``pseudonymisation_review.csv`` in the output shows every replacement in its pseudonymised
context, without the original.

The gate: :func:`identifiable` lists transcripts not marked ``pseudonymised: true`` (``mjs run`` refuses
them), :func:`scan_leaks` finds any original value of a key in output files.
"""

from __future__ import annotations

import csv
import functools
import html
import json
import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .errors import MjsError, Problem
from .naming import unique_name

__all__ = ["pseudonymise", "identifiable", "scan_leaks", "PrivacyError", "Summary", "KEY_COLUMNS",
           "MIN_LEAK_LENGTH", "MIN_IDENTIFYING_AGE"]

KEY_COLUMNS = ["original", "pseudonym", "type", "transcript", "position"]
REVIEW_COLUMNS = ["transcript", "line", "type", "pseudonym", "context"]
REVIEW_FILE = "pseudonymisation_review.csv"
#: Originals shorter than this are not looked for by the leak scan: "Jo" or "Li" would match everywhere.
MIN_LEAK_LENGTH = 3
#: An age identifies from this age on (HIPAA's rule); younger ages are kept.
MIN_IDENTIFYING_AGE = 90

# deduce tag -> our type; our type -> the word of the pseudonym
_DEDUCE_TYPES = {
    "persoon": "persoon", "patient": "persoon", "locatie": "locatie", "instelling": "instelling",
    "ziekenhuis": "instelling", "zorginstelling": "instelling", "datum": "datum", "leeftijd": "leeftijd",
    "bsn": "nummer", "id": "nummer", "patientnummer": "nummer", "telefoonnummer": "telefoon",
    "emailadres": "email", "url": "url",
}
_WORDS = {"persoon": "Persoon", "adres": "Adres", "locatie": "Plaats", "instelling": "Instelling",
          "datum": "Datum", "leeftijd": "Leeftijd", "nummer": "Nummer", "telefoon": "Telefoon",
          "email": "E-mail", "url": "Website", "account": "Account", "postcode": "Postcode", "iban": "Rekening"}
# Types whose values are taken as found: no allowlist trimming, no title stripping.
_CONTACT = ("email", "url", "account", "telefoon", "iban", "nummer", "postcode")

_MONTHS = (r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
           r"january|february|march|may|june|july|august|october|"
           r"jan|feb|febr|mrt|mar|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec)\.?")
_FULL_DATE = re.compile(
    rf"\b\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:19|20)?\d{{2}}\b"                      # 12-03-1958, 3/4/51
    rf"|\b\d{{1,2}}(?:st|nd|rd|th|e|ste|de)?\s+(?:of\s+)?{_MONTHS},?\s+(?:19|20)\d{{2}}\b"  # 12 maart 1958
    rf"|\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}\b"        # March 12, 1958
    r"|\b(?:19|20)\d{2}-\d{1,2}-\d{1,2}\b",                                    # 1958-03-12
    re.IGNORECASE,
)
_STREET_NL = (r"(?:straat|weg|laan|plein|gracht|kade|dijk|pad|hof|singel|steeg|dreef|park|plantsoen|markt|"
              r"burgwal|baan|erf|ring|allee|boulevard|dwarsstraat|hoek|zijde|veld)")
_STREET_EN = r"(?:Street|St|Road|Rd|Lane|Avenue|Ave|Drive|Close|Way|Place|Square|Court|Crescent|Terrace|Gardens)"
_PARTICLE = r"(?:van|de|der|den|het|ter|ten|te|el|al|la|le)"
_CAP = r"[A-ZÀ-Ý][\w'’-]*"
_ID_WORDS = (r"bsn|burgerservicenummer|sofi-?nummer|paspoort(?:nummer)?|id-kaart|identiteitskaart|"
             r"rijbewijs(?:nummer)?|documentnummer|klantnummer|pasnummer|passport(?:\s+number)?|id\s+number|"
             r"social\s+security(?:\s+number)?")

# Contact details, addresses, full dates and numbers, in every language. A group named "v" is the value;
# otherwise the whole match. Earlier patterns win overlaps in the replacement (longest value first).
_PATTERNS = [
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("url", re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]", re.IGNORECASE)),
    ("account", re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{2,30}\b")),
    ("iban", re.compile(r"\bNL\d{2}\s?[A-Z]{4}(?:\s?\d{2,4}){2,4}\b")),
    ("telefoon", re.compile(r"(?<!\w)(?:\+31[\s-]?(?:\(0\))?[\s-]?|0031[\s-]?|0)(?:6[\s-]?(?:\d[\s-]?){7}\d|"
                            r"[1-9]\d{1,2}[\s-]?(?:\d[\s-]?){5,6}\d)(?!\w)")),
    ("telefoon", re.compile(r"(?<![\w+])\+(?!31)\d{1,3}[\s-]?(?:\(\d+\)[\s-]?)?\d(?:[\s-]?\d){6,11}(?!\w)")),
    ("postcode", re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")),
    ("adres", re.compile(rf"\b(?:{_CAP}\s+(?:{_PARTICLE}\s+)*){{0,2}}[A-ZÀ-Ý][\w'’-]*{_STREET_NL}\s+\d{{1,4}}"
                         r"(?:\s?[a-zA-Z]\b|-\d{1,4}\b|\s(?:hoog|huis|bis)\b)?")),
    ("adres", re.compile(rf"\b\d{{1,4}}[A-Za-z]?\s+(?:{_CAP}\s+){{1,3}}{_STREET_EN}\b")),
    ("datum", _FULL_DATE),
    ("nummer", re.compile(rf"(?i:\b(?:{_ID_WORDS})\b[^\w\n]{{0,3}}(?:(?:is|was|nummer|number|nr)\b[^\w\n]{{0,3}})?)"
                          r"(?P<v>(?=[A-Z0-9 .-]*\d)[A-Z0-9][A-Z0-9.-]*(?: [A-Z0-9.-]+){0,3}[A-Z0-9])")),
    ("nummer", re.compile(r"(?<![\w.,-])\d{8,12}(?!\w|[.,]\d)")),
    ("persoon", re.compile(r"\b(?:[Mm]eneer|[Mm]evrouw|[Mm]evr\.|[Dd]hr\.|[Mm]w\.|[Jj]uffrouw|Mr|Mrs|Ms|Miss|Dr|Mx)"
                           rf"\.?\s+(?P<v>(?:(?:{_PARTICLE}|[A-Z][a-z]{{0,2}})\s+)*[A-Z][\w'’-]+)")),
]


def _role_label(label: str) -> bool:
    """Labels that name a role, not a person (the reader's list: I, Interviewer, Bewoner 2, Persoon 3, ...)."""
    from .readers import _KNOWN_SPEAKERS

    return bool(_KNOWN_SPEAKERS.match(label.strip())) or label.strip().lower() in ("unknown", "onbekend")


class PrivacyError(MjsError, ValueError):
    """Pseudonymisation or the leak scan cannot start or finish (unsafe key path, unreadable input, ...)."""


@dataclass
class Summary:
    """What :func:`pseudonymise` did: files written, replacements per type, where the review and key are."""

    files: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    review: Path | None = None
    key: Path | None = None
    renamed: dict = field(default_factory=dict)  # original transcript id -> new id (a name was in it)

    @property
    def n_replacements(self) -> int:
        return sum(self.counts.values())


# --------------------------------------------------------------------------- deduce, once per process


@functools.lru_cache(maxsize=1)
def _deduce():
    """One deduce instance per process, its lookup structures built once per machine in the user cache.

    deduce builds its lookup structures (minutes) the first time and pickles them next to its lookup lists,
    inside site-packages: once per virtual environment. Pointing ``cache_path`` to the user cache folder
    makes it once per machine and deduce version; every new process then only loads the pickle.
    ``MJS_CACHE_DIR`` is not used here: the test suite points it at a fresh folder every session.
    """
    import logging

    import platformdirs

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    import deduce  # its import calls logging.basicConfig(level=DEBUG, stream=stdout): undo that

    root.setLevel(level)
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    cache = Path(platformdirs.user_cache_dir("mjs-analysis")) / f"deduce-{deduce.__version__}"
    try:
        return deduce.Deduce(cache_path=cache)
    except Exception:  # a truncated or foreign pickle (killed build, other docdeid): build it again
        return deduce.Deduce(cache_path=cache, build_lookup_structs=True)


@functools.lru_cache(maxsize=None)
def _word_list(name: str) -> frozenset[str]:
    text = resources.files("mjs_analysis").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@functools.lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """First names: deduce's list (about 15,000, without its exceptions) and the English list."""
    names = set(_word_list("first_names_en.txt"))
    try:
        import deduce
    except ImportError:
        return frozenset(names)
    folder = Path(deduce.__file__).parent / "data" / "lookup" / "src" / "names" / "lst_first_name"
    items, exceptions = set(), set()
    for path, target in ((folder / "items.txt", items), (folder / "exceptions.txt", exceptions)):
        if path.is_file():
            target.update(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return frozenset(names | (items - exceptions))


@functools.lru_cache(maxsize=1)
def _dutch_words() -> frozenset[str]:
    """Common Dutch word forms: "Mooi." or "Niks." opening a sentence is not a name.

    spacy-lookups-data's lemma tables (inflected forms, their lemmas, and the base forms of nouns,
    adjectives and verbs), spaCy's Dutch stop words and deduce's own list of common words.
    """
    import gzip

    import spacy_lookups_data
    from spacy.lang.nl.stop_words import STOP_WORDS

    folder = Path(spacy_lookups_data.__file__).parent / "data"
    words = set(STOP_WORDS)
    with gzip.open(folder / "nl_lemma_lookup.json.gz", "rt", encoding="utf-8") as fh:
        table = json.load(fh)
    words.update(table, table.values())
    for name in ("nl_lemma_index.json.gz", "nl_lemma_exc.json.gz"):
        with gzip.open(folder / name, "rt", encoding="utf-8") as fh:
            for forms in json.load(fh).values():
                words.update(forms)
    try:
        import deduce

        path = (Path(deduce.__file__).parent / "data" / "lookup" / "src" / "whitelist" / "lst_common_word"
                / "items.txt")
        words.update(line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    except (ImportError, OSError):
        pass
    return frozenset(words)


def _dutch_word(low: str) -> bool:
    """A Dutch word, also in the plural ("jongens", "buren" is not tried: only -s, -'s, -en)."""
    words = _dutch_words()
    return low in words or any(low.endswith(suffix) and low[:-len(suffix)] in words
                               for suffix in ("s", "'s", "en") if len(low) > len(suffix) + 2)


@functools.lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# --------------------------------------------------------------------------- detection


def _allowed(surface: str, allow: set[str]) -> bool:
    """A found value is kept when it is an allowlisted phrase or made only of allowlisted words."""
    low = surface.lower().strip()
    if low in allow:
        return True
    words = re.findall(r"\w+", low)
    return bool(words) and all(w in allow for w in words)


def _trim_allowed(surface: str, allow: set[str]) -> str:
    """Cut allowlisted words off the ends: "Slotermeerlaan 103, 1064 HV Amsterdam" keeps "Amsterdam"."""
    words = list(re.finditer(r"[\w-]+", surface))
    while words and words[-1].group(0).lower() in allow:
        words.pop()
    while words and words[0].group(0).lower() in allow:
        words.pop(0)
    if not words:
        return ""
    return surface[words[0].start():words[-1].end()]


def _function_words_only(surface: str) -> bool:
    """"De", "Het", "In de": what is left of "De Banne" once the allowlisted name is cut off."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.nl.stop_words import STOP_WORDS as NL

    words = re.findall(r"[^\W\d_]+", surface.lower())
    return not re.search(r"\d", surface) and all(w in NL or w in EN for w in words)


def _english_names(text: str) -> Iterable[tuple[str, str]]:
    names = _word_list("first_names_en.txt")
    for m in re.finditer(r"\b([A-Z][a-z]+)(?:\s+((?:[A-Z][a-z]+|[A-Z]')[A-Za-z-]*))?", text):
        if m.group(1) in names:
            yield m.group(0) if m.group(2) else m.group(1), "persoon"


def _sentence_start(text: str, start: int) -> bool:
    return start == 0 or re.search(r"[.!?:;\n\"'(\[\]>-]\s*$", text[max(0, start - 4):start]) is not None


# Greetings and interjections: never names, even those in deduce's first-name list ("Eh", "Ai", "Hoi").
_INTERJECTIONS = frozenset("""dankjewel dankuwel dank bedankt goedemiddag goedemorgen goedenavond goeiemiddag
    goeiemorgen hoi hallo hee hey dag doei welkom sorry graag oké oke okee ja nee nou tja oei ai au jee jeetje
    ach hè hé jawel precies juist zeker prima top super thanks hi hello yes no okay eh ehm uh uhm um hm hmm mhm
    ah oh goh joh""".split())


def _interjection(low: str) -> bool:
    return low in _INTERJECTIONS or low in _word_list("fillers_nl.txt")


def _common(word: str, text: str) -> bool:
    """A common word that is no first name: in the Dutch word table, or used in lower case in this text.

    First names are never common here: "Jan", "Roos" and "Bram" are Dutch words too, and a name deduce
    found must not be dropped for that.
    """
    bare = word.strip(".,;:!?")
    low = bare.lower()
    if _interjection(low):
        return True
    if bare in _first_names() or bare.capitalize() in _first_names():
        return False
    return _dutch_word(low) or \
        re.search(rf"(?<![\w.@]){re.escape(low)}(?![\w@]|\.\w)", text) is not None


_PRONOUNS = frozenset("je jij u ik we wij jullie ze zij hij het er men".split())


def _question_verb(word: str, text: str, at: int) -> bool:
    """"Ken je dat plan?", "Wil je koffie?": a Dutch word before a pronoun opens a question, even when it is
    also a first name ("Ken", "Wil")."""
    following = re.match(r"\s+(\w+)", text[at + len(word):])
    return bool(following) and following.group(1).lower() in _PRONOUNS and _dutch_word(word.lower())


def _person_mentions(text: str, surface: str, start: int) -> Iterable[str]:
    """The names in one deduce person annotation.

    deduce's span can run over a sentence end ("Mooi. Roos") or take a greeting or verb along ("Goedemiddag
    Femke", "Bel Fatima"): split at punctuation, strip common leading words, and drop a lone common word that
    opens a sentence ("Niks.") unless it is a first name.
    """
    for piece in re.finditer(r"[^.,;:!?()\n]+", surface):
        words = piece.group(0).split()
        at = start + piece.start() + (len(piece.group(0)) - len(piece.group(0).lstrip()))
        while len(words) > 1 and _common(words[0], text):
            at = text.find(words[1], at + len(words[0]))
            words = words[1:]
        if not words:
            continue
        if len(words) == 1 and _sentence_start(text, at) and (
                _common(words[0], text) or _question_verb(words[0], text, at)):
            continue
        yield " ".join(words)


def _pattern_values(text: str) -> list[tuple[str, str]]:
    found = []
    for kind, rx in _PATTERNS:
        for m in rx.finditer(text):
            found.append((m.group("v") if "v" in rx.groupindex else m.group(0), kind))
    return found


def _detect(text: str, language: str) -> list[tuple[str, str]]:
    """(surface, type) of every identifying value found in a text."""
    found = _pattern_values(text)
    if language != "nl":
        found.extend(_english_names(text))
        return found
    for ann in _deduce().deidentify(text).annotations:
        kind = _DEDUCE_TYPES.get(ann.tag.split("+")[0].split("_")[0], None)
        if kind is None:
            kind = "persoon" if "persoon" in ann.tag or "patient" in ann.tag else "locatie"
        surface = ann.text
        if kind == "datum" and not _FULL_DATE.search(surface):
            continue  # "1 juli", "november 2019": no date of birth, and needed for the story
        if kind == "leeftijd":
            digits = re.search(r"\d+", surface)
            if digits is None or int(digits.group(0)) < MIN_IDENTIFYING_AGE:
                continue  # "woont 15 jaar in de buurt"
            follow = re.match(r"\s*-?\s*jaar(?:\s+oud)?", text[ann.end_char:])
            surface += follow.group(0) if follow else ""  # "92 jaar", never every "92"
        if kind == "persoon":
            found.extend((name, "persoon") for name in _person_mentions(text, surface, ann.start_char))
            continue
        if kind == "locatie":
            if re.search(r"\d", surface):
                kind = "adres"
            elif " " not in surface.strip() and _sentence_start(text, ann.start_char) and _common(surface, text):
                continue  # "Leg het uit": a common word opening a sentence
        found.append((surface, kind))
    return found


# --------------------------------------------------------------------------- the registry of pseudonyms


class _Registry:
    """Original -> pseudonym, consistent over the corpus; a first name or surname alone joins its full name."""

    def __init__(self):
        self.pseudonym: dict[str, str] = {}
        self.kind: dict[str, str] = {}
        self._n: dict[str, int] = {}  # per pseudonym word: the highest number given
        self._pattern = None

    def seed(self, rows: Iterable[dict]) -> None:
        """Take over the pseudonyms of an earlier key, so that a corpus done in batches stays consistent."""
        for row in rows:
            original, pseudonym = row.get("original") or "", row.get("pseudonym") or ""
            if not original.strip() or not pseudonym.strip() or original in self.pseudonym:
                continue
            self.pseudonym[original], self.kind[original] = pseudonym, row.get("type") or "persoon"
            m = re.match(r"^(.*\S)\s+(\d+)$", pseudonym)
            if m:
                self._n[m.group(1)] = max(self._n.get(m.group(1), 0), int(m.group(2)))
        self._pattern = None

    def _new(self, kind: str) -> str:
        word = _WORDS[kind]
        self._n[word] = self._n.get(word, 0) + 1
        return f"{word} {self._n[word]}"

    def add_all(self, found: Sequence[tuple[str, str]]) -> None:
        # full names before single words, so that "Marieke" joins "Marieke Jansen"
        first = {}
        for i, (s, _) in enumerate(found):
            first.setdefault(s, i)
        people = sorted({s for s, k in found if k == "persoon"}, key=lambda s: (-len(s.split()), first[s]))
        for surface in people:
            if surface in self.pseudonym:
                continue
            owners = {self.pseudonym[full] for full in self.pseudonym
                      if self.kind[full] == "persoon" and _part_of(surface, full)}
            self.pseudonym[surface] = owners.pop() if len(owners) == 1 else self._new("persoon")
            self.kind[surface] = "persoon"
        for surface, kind in found:
            if surface not in self.pseudonym:
                self.pseudonym[surface], self.kind[surface] = self._new(kind), kind
        self._pattern = None

    def _any_case(self, original: str) -> bool:
        """Names also match in lower case ("henk"), unless that is a common word ("roos", "bakker")."""
        if self.kind[original] not in ("persoon", "email", "url", "account") or len(original) < MIN_LEAK_LENGTH:
            return False
        if self.kind[original] != "persoon":
            return True
        words = [w for w in original.lower().split() if not re.fullmatch(_PARTICLE, w)]
        return not any(_dutch_word(w) or w in _english_words() for w in words)

    @property
    def pattern(self) -> re.Pattern | None:
        if self._pattern is None and self.pseudonym:
            alternatives = sorted(self.pseudonym, key=len, reverse=True)
            self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(
                f"(?i:{re.escape(o)})" if self._any_case(o) else re.escape(o) for o in alternatives) + r")(?!\w)")
            self._folded = {o.casefold(): o for o in alternatives if self._any_case(o)}
        return self._pattern

    def original(self, matched: str) -> str:
        return matched if matched in self.pseudonym else self._folded[matched.casefold()]


def _part_of(short: str, full: str) -> bool:
    """"Marieke" or "De Vries" as the first name or the (multi-word) surname of "Marieke de Vries"."""
    a, b = short.lower().split(), full.lower().split()
    return len(a) < len(b) and (b[:len(a)] == a or b[-len(a):] == a)


_TITLES = re.compile(r"^(?:meneer|mevrouw|mevr\.?|dhr\.?|mw\.?|juffrouw|juf|meester|dokter|dr\.?|mr\.?|mrs\.?|"
                     r"ms\.?|miss|sir|tante|oom|opa|oma)\s+", re.IGNORECASE)


@dataclass
class _Replacer:
    """Replaces every registered original in a piece of text, and records key and review rows."""

    registry: _Registry
    key_rows: list = field(default_factory=list)
    review_rows: list = field(default_factory=list)
    review_ids: dict = field(default_factory=dict)  # original transcript id -> id shown in the review

    def __call__(self, text: str, transcript: str, line: int, record: bool = True) -> str:
        rx = self.registry.pattern
        if rx is None or not text:
            return text
        spans = []

        def swap(m):
            original = self.registry.original(m.group(0))
            pseudonym = self.registry.pseudonym[original]
            if self.registry.kind[original] == "persoon" and len(m.group(0)) > 1 and m.group(0).isupper():
                pseudonym = pseudonym.upper()  # "FATIMA" alone on a line is a speaker label: keep it one
            spans.append((m.group(0), pseudonym, self.registry.kind[original], m.start()))
            return pseudonym

        new = rx.sub(swap, text)
        if not record:
            return new
        shift = 0
        for matched, pseudonym, kind, start in spans:
            at = start + shift
            shift += len(pseudonym) - len(matched)
            self.key_rows.append({"original": matched, "pseudonym": pseudonym, "type": kind,
                                  "transcript": transcript, "position": f"line {line}, column {start + 1}"})
            self.review_rows.append({"transcript": self.review_ids.get(transcript, transcript), "line": line,
                                     "type": kind, "pseudonym": pseudonym,
                                     "context": new[max(0, at - 60):at + len(pseudonym) + 60].strip()})
        return new


# --------------------------------------------------------------------------- writing each format


_KEPT_FIELDS = re.compile(r"^(transcript_id|neighbourhood|district|date|language|setting|respondent_role|"
                          r"pseudonymised)$")


def _write_text_format(t, replace: _Replacer, target: Path, new_id: str) -> None:
    raw = t.path.read_bytes()
    text = raw.decode("utf-8-sig") if _is_utf8(raw) else raw.decode("cp1252")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out, start = [], 0
    if t.format in ("txt", "md") and lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is not None:
            out = ["---"]
            for number in range(2, end + 1):
                line = lines[number - 1]
                name = re.match(r"^([^\s:#][^:]*):", line)
                field_name = name.group(1).strip() if name else ""
                if field_name == "pseudonymised":
                    continue
                if field_name == "transcript_id" and new_id != t.transcript_id:
                    line = f"transcript_id: {new_id}"
                elif not _KEPT_FIELDS.match(field_name):
                    line = replace(line, t.transcript_id, number)
                out.append(line)
            out += ["pseudonymised: true", lines[end]]
            start = end + 1
    for number, line in enumerate(lines[start:], start=start + 1):
        out.append(line if _structural(line, t.format) else replace(line, t.transcript_id, number))
    target.write_text(newline.join(out), encoding="utf-8", newline="")


def _write_json(t, replace: _Replacer, target: Path) -> None:
    """Whisper/WhisperX JSON: replace inside the parsed strings (a name may be written as "Jos\\u00e9" in the
    file), keep every key, number and the structure; ``line`` in the review is the segment number."""
    data = json.loads(t.path.read_bytes().decode("utf-8-sig"))
    segments = data.get("segments") if isinstance(data, dict) else data

    def clean(value, number):
        if isinstance(value, str):
            return replace(value, t.transcript_id, number)
        if isinstance(value, list):
            return [clean(v, number) for v in value]
        if isinstance(value, dict):
            return {k: clean(v, number) for k, v in value.items()}
        return value

    if isinstance(segments, list):
        for number, segment in enumerate(segments, start=1):
            segment.update(clean(segment, number))
    if isinstance(data, dict):
        for k in [k for k in data if k != "segments"]:
            data[k] = clean(data[k], 0)  # the full "text", "word_segments", ...
    target.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8-sig")
        return True
    except UnicodeDecodeError:
        return False


def _structural(line: str, fmt: str) -> bool:
    """Lines that carry timing or numbering, never words: they are copied byte for byte."""
    if fmt not in ("vtt", "srt"):
        return False
    s = line.strip()
    return "-->" in s or s.isdigit() or s.upper().startswith("WEBVTT")


def _write_docx(t, replace: _Replacer, target: Path, new_id: str) -> None:
    import docx

    from .readers import _docx_paragraphs

    document = docx.Document(str(t.path))
    paragraphs = list(_docx_paragraphs(document))
    front = _docx_front_matter(paragraphs)
    for number, paragraph in enumerate(paragraphs, start=1):
        if number - 1 in front:
            _front_matter_paragraph(paragraph, front[number - 1], t, replace, number, new_id)
        else:
            _replace_paragraph(paragraph, replace, t.transcript_id, number)
    # headers and footers are not read as transcript text, but a name there is still a name
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                     section.even_page_header, section.even_page_footer):
            if not part.is_linked_to_previous:
                for paragraph in _docx_paragraphs(part):
                    _replace_paragraph(paragraph, replace, t.transcript_id, 0)
    props = document.core_properties
    props.author = props.last_modified_by = ""
    for name in ("title", "subject", "comments", "category", "content_status"):
        value = getattr(props, name)
        if value:
            setattr(props, name, replace(value, t.transcript_id, 0))
    props.keywords = "pseudonymised"
    document.save(str(target))


def _docx_front_matter(paragraphs) -> dict:
    """Index -> field name of the paragraphs of a front matter block ("---" ... "---") opening a .docx;
    the closing line is marked "---"."""
    if not paragraphs or paragraphs[0].text.strip() != "---":
        return {}
    for end in range(1, len(paragraphs)):
        if paragraphs[end].text.strip() in ("---", "..."):
            break
    else:
        return {}
    fields = {0: "---"}
    for i in range(1, end):
        m = re.match(r"^([^\s:#][^:]*):", paragraphs[i].text)
        fields[i] = m.group(1).strip() if m else ""
    fields[end] = "---"
    return fields


def _front_matter_paragraph(paragraph, name: str, t, replace: _Replacer, number: int, new_id: str) -> None:
    if name == "---":
        if number > 1 and "pseudonymised" not in _docx_front_fields(paragraph):
            paragraph.insert_paragraph_before("pseudonymised: true")
    elif name == "pseudonymised":
        _set_text(paragraph, "pseudonymised: true")
    elif name == "transcript_id":
        if new_id != t.transcript_id:
            _set_text(paragraph, f"transcript_id: {new_id}")
    elif not _KEPT_FIELDS.match(name):
        _replace_paragraph(paragraph, replace, t.transcript_id, number)


def _docx_front_fields(closing) -> set:
    """Field names of the front matter that ends with the paragraph ``closing``."""
    names, p = set(), closing._p.getprevious()
    while p is not None:
        text = "".join(p.itertext()).strip()
        if text == "---":
            break
        m = re.match(r"^([^\s:#][^:]*):", text)
        if m:
            names.add(m.group(1).strip())
        p = p.getprevious()
    return names


def _set_text(paragraph, text: str) -> None:
    runs = paragraph.runs
    if runs:
        runs[0].text = text
        for run in runs[1:]:
            run.text = ""
    else:
        paragraph.add_run(text)


def _replace_paragraph(paragraph, replace: _Replacer, transcript: str, number: int) -> None:
    new = replace(paragraph.text, transcript, number)
    if new == paragraph.text:
        return
    runs = paragraph.runs
    swapped = [replace(run.text, transcript, number, record=False) for run in runs]
    if runs and "".join(swapped) == new:  # every value lies inside one run: formatting is kept
        for run, x in zip(runs, swapped):
            run.text = x
    elif runs:  # a value spans runs: the paragraph's text goes into its first run
        runs[0].text = new
        for run in runs[1:]:
            run.text = ""
    else:  # text only in hyperlinks or fields: rebuild the paragraph as one run
        for child in list(paragraph._p):
            if not child.tag.endswith("}pPr"):
                paragraph._p.remove(child)
        paragraph.add_run(new)


# --------------------------------------------------------------------------- the public functions


def _allowlist(corpus, extra: str | Path | None) -> set[str]:
    """Lower-case words and phrases to keep.

    Phrases of the data file and of a researcher's list count only as a whole ("Albert Heijn" does not keep
    "Albert"). Neighbourhood and district names from the metadata also count word by word ("Slotermeer" of
    "Slotermeer Noordoost"), except function words and first names.
    """
    allow = {w.lower() for w in _word_list("allowlist_nl.txt")}
    for t in corpus:
        for key in ("neighbourhood", "district"):
            value = str(t.metadata.get(key) or "").strip()
            if value:
                allow.add(value.lower())
                allow.update(w.lower() for w in re.findall(r"\w+", value)
                             if len(w) > 1 and not _function_words_only(w) and w.capitalize() not in _first_names())
    if extra is not None:
        path = Path(extra)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise PrivacyError(f"{path}: cannot read the allowlist: {reason}") from None
        allow.update(line.strip().lower() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return allow


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _check_arguments(source: Path, output: Path, key: Path | None, progress) -> None:
    if progress is not None and not callable(progress):
        raise PrivacyError(f"The 'progress' parameter of pseudonymise must be a callable or None. "
                           f"Got {progress!r} instead.")
    if not source.exists():
        raise PrivacyError(f"{source}: no such file or folder")
    if key is not None and _inside(key, output):
        raise PrivacyError(f"{key}: the key must be stored outside the output folder {output}, where it "
                           f"would be shared along with the pseudonymised transcripts")
    if key is not None and key.is_dir():
        raise PrivacyError(f"{key}: the key must be a file (KEY.csv), not a folder")
    if source.is_dir() and _inside(output, source):
        raise PrivacyError(f"{output}: the output folder must not be the input folder or lie inside it "
                           f"({source}); the copies would be read as raw transcripts next time")


def _found_values(transcripts, allow: set[str]) -> list[tuple[str, str]]:
    """Every (value, type) to replace: detected in turns and metadata, speaker labels, the interviewer."""
    found: list[tuple[str, str]] = []
    for t in transcripts:
        language = t.metadata.get("language") or "nl"
        for speaker in t.speakers:
            if not _role_label(speaker):
                found.append((speaker.strip(), "persoon"))
                if speaker.isupper() and len(speaker) > 2:  # "FATIMA" as a label is "Fatima" in the text
                    found.append((speaker.strip().title(), "persoon"))
        interviewer = str(t.metadata.get("interviewer") or "").strip()
        if interviewer and not _role_label(interviewer):
            found.append((interviewer, "persoon"))
        found.extend(_detect(t.text, language))
        if t.metadata.get("respondent_description"):
            found.extend(_detect(str(t.metadata["respondent_description"]), language))
    # "Henk Pietersen. Henk" is two mentions; "meneer De Vries" is "De Vries"
    found = [(part, k) for s, k in found for part in (re.split(r"\s*[.,;:!?()\n]\s+", s) if k == "persoon" else [s])]
    found = [(_TITLES.sub("", s.strip()) if k == "persoon" else s.strip(), k) for s, k in found]
    found = [(s if k in _CONTACT else _trim_allowed(s, allow), k) for s, k in found]
    found = [(s, k) for s, k in found if re.search(r"[A-Z0-9@]", s) and not _allowed(s, allow)
             and not (k not in _CONTACT and _function_words_only(s))
             and not (k == "persoon" and (s.islower() or _role_label(s)))]
    # the first name and surname of a full name are that person too, wherever they stand alone
    parts = [(part, "persoon") for surface, k in found if k == "persoon" and len(surface.split()) > 1
             for part in (surface.split()[0], surface.split()[-1])
             if len(part) >= 3 and part[0].isupper() and not _allowed(part, allow) and not _function_words_only(part)]
    return found + parts


def _new_ids(transcripts, registry: _Registry) -> tuple[dict, dict]:
    """Transcript ids and file names with a person's name in them ("interview_henk_pietersen") renamed."""
    names = sorted((o for o, k in registry.kind.items() if k == "persoon" and len(o) >= MIN_LEAK_LENGTH),
                   key=len, reverse=True)
    if not names:
        return {t.transcript_id: t.transcript_id for t in transcripts}, {t.path: t.path.name for t in transcripts}
    # only letters count as word characters here: "henk_pietersen", "tom01"
    rx = re.compile(r"(?<![^\W\d_])(?:" + "|".join(r"[\s_.-]+".join(map(re.escape, re.split(r"[\s_.-]+", n)))
                                                      for n in names)
                    + r")(?![^\W\d_])", re.IGNORECASE)

    def words(text: str) -> tuple:
        return tuple(w for w in re.split(r"[\s_.-]+", text.casefold()) if w)

    folded = {}
    for n in names:
        folded.setdefault(words(n), n)

    def rename(text: str) -> str:
        def slug(m):
            original = folded.get(words(m.group(0)))
            if original is None:  # cannot happen with the pattern above; never keep a name
                return "persoon_"
            glue = "_" if m.string[m.end():m.end() + 1].isdigit() else ""
            return registry.pseudonym[original].lower().replace(" ", "-") + glue
        return rx.sub(slug, text)

    ids, files, taken_ids, taken_files = {}, {}, set(), set()
    for t in transcripts:
        ids[t.transcript_id] = unique_name(rename(t.transcript_id), taken_ids)
        stem = rename(t.path.stem)
        name = stem + t.path.suffix
        if stem != t.path.stem or (t.path.parent, name.lower()) in taken_files:
            n = 2
            while (t.path.parent, name.lower()) in taken_files:
                name, n = f"{stem}_{n}{t.path.suffix}", n + 1
        taken_files.add((t.path.parent, name.lower()))
        files[t.path] = name
    return ids, files


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _read_key_rows(key: Path) -> list[dict]:
    """An existing key's rows (to continue its numbering); refuses a file that is not a key."""
    try:
        columns, rows = _read_csv(key)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PrivacyError(f"{key}: cannot read the existing key: {getattr(exc, 'strerror', None) or exc}") from None
    if not {"original", "pseudonym", "type"} <= set(columns):
        raise PrivacyError(f"{key}: exists and is not a pseudonymisation key (columns original, pseudonym, type); "
                           f"choose another --key path")
    return rows


def pseudonymise(source: str | Path, output: str | Path, *, key: str | Path | None = None,
                 allowlist: str | Path | None = None, progress: Callable[[str], None] | None = None) -> Summary:
    """Write pseudonymised copies of transcripts, in their own formats, marked ``pseudonymised: true``.

    Parameters
    ----------
    source : str or Path
        A transcript file or a folder of them (with ``metadata.csv`` and ``speakers.csv`` if present).
        Subfolders are kept in the output.
    output : str or Path
        A folder for the copies (not the input folder or inside it). It receives ``metadata.csv`` (every
        transcript marked pseudonymised; rows of earlier batches in it are kept), ``speakers.csv`` (names
        replaced), the corpus's ``codebook.yml`` and ``design.yml`` as they are, ``coding/`` with names
        replaced, and ``pseudonymisation_review.csv``: each replacement in its context, without the original.
    key : str or Path, optional
        Where the key goes (CSV: original, pseudonym, type, transcript, position). Must lie outside
        ``output``. Without it no key is written, and the pseudonyms cannot be traced back. If the file
        exists, its pseudonyms are reused and its rows for other transcripts kept, so that a corpus
        pseudonymised in batches stays consistent (delete it to start numbering afresh).
    allowlist : str or Path, optional
        A text file, one word or phrase per line (``#`` starts a comment), of public names to keep.
    progress : callable, optional
        Receives a line when the slow part (finding personal data) starts.

    Returns
    -------
    Summary
        Files written, replacements per type, the review file, the key, and renamed transcript ids.

    Raises
    ------
    PrivacyError
        If the key would lie inside ``output``, the input is missing or has errors (every problem is listed,
        one line each), or the allowlist or an existing key cannot be read.

    Examples
    --------
    >>> summary = pseudonymise("examples/raw", "/tmp/pseudo", key="/tmp/geheim/key.csv")  # doctest: +SKIP
    >>> summary.counts  # doctest: +SKIP
    {'persoon': 21, 'telefoon': 3, 'email': 2, ...}
    """
    from .corpus import load_corpus

    source, output = Path(source), Path(output)
    key = Path(key) if key is not None else None
    _check_arguments(source, output, key, progress)
    old_key = _read_key_rows(key) if key is not None and key.is_file() else []
    corpus = load_corpus(source)
    if corpus.errors:
        raise PrivacyError("\n".join(str(p) for p in corpus.errors))
    if not len(corpus):
        raise PrivacyError(f"{source}: no transcripts found")
    allow = _allowlist(corpus, allowlist)
    if progress is not None:
        progress(f"finding personal data in {len(corpus)} transcript(s) (the first run on a machine builds "
                 f"deduce's lookup tables: a few minutes)...")
    transcripts = sorted(corpus, key=lambda t: t.transcript_id)
    registry = _Registry()
    registry.seed(old_key)
    registry.add_all(_found_values(transcripts, allow))
    ids, files = _new_ids(transcripts, registry)
    replace = _Replacer(registry, review_ids=ids)
    root = source if source.is_dir() else source.parent
    output.mkdir(parents=True, exist_ok=True)
    summary = Summary(renamed={a: b for a, b in ids.items() if a != b})
    for t in transcripts:
        target = output / t.path.parent.relative_to(root) / files[t.path]
        target.parent.mkdir(parents=True, exist_ok=True)
        if t.format == "docx":
            _write_docx(t, replace, target, ids[t.transcript_id])
        elif t.format == "json":
            _write_json(t, replace, target)
        else:
            _write_text_format(t, replace, target, ids[t.transcript_id])
        summary.files.append(target)
    _write_tables(root, output, transcripts, replace, ids)
    for row in replace.key_rows:
        summary.counts[row["type"]] = summary.counts.get(row["type"], 0) + 1
    summary.review = output / REVIEW_FILE
    _write_csv(summary.review, REVIEW_COLUMNS, replace.review_rows)
    if key is not None:
        done = {t.transcript_id for t in transcripts}
        kept = [{c: r.get(c, "") for c in KEY_COLUMNS} for r in old_key if r.get("transcript") not in done]
        key.parent.mkdir(parents=True, exist_ok=True)
        _write_csv(key, KEY_COLUMNS, kept + replace.key_rows)
        summary.key = key
    return summary


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _write_tables(folder: Path, output: Path, transcripts, replace: _Replacer, ids: dict) -> None:
    """metadata.csv (all marked pseudonymised), speakers.csv and coding/ (names and ids replaced), codebook."""
    done = {t.transcript_id for t in transcripts}
    columns, rows = ["transcript_id", "pseudonymised"], []
    if (folder / "metadata.csv").is_file():
        columns, rows = _read_csv(folder / "metadata.csv")
        columns = list(dict.fromkeys([*columns, "pseudonymised"]))
    rows = [r for r in rows if r.get("transcript_id") in done]
    rows += [{"transcript_id": i} for i in sorted(done - {r.get("transcript_id") for r in rows})]
    for number, row in enumerate(rows, start=2):
        tid = row["transcript_id"]
        for column in columns:
            if row.get(column) and not _KEPT_FIELDS.match(column):
                row[column] = replace(row[column], tid, number)
        row["pseudonymised"], row["transcript_id"] = "true", ids[tid]
    _write_csv(output / "metadata.csv", *_merged(output / "metadata.csv", columns, rows, set(ids.values())))

    if (folder / "speakers.csv").is_file():
        columns, srows = _read_csv(folder / "speakers.csv")
        srows = [r for r in srows if r.get("transcript_id") in done]
        for number, r in enumerate(srows, start=2):
            r["speaker"] = replace(r.get("speaker") or "", r["transcript_id"], number)
            r["transcript_id"] = ids[r["transcript_id"]]
        _write_csv(output / "speakers.csv", *_merged(output / "speakers.csv", columns, srows, set(ids.values())))
    for name in ("codebook.yml", "design.yml"):
        if (folder / name).is_file():
            shutil.copy(folder / name, output / name)
    if (folder / "coding").is_dir():
        for path in sorted((folder / "coding").rglob("*")):
            target = output / path.relative_to(folder)
            if path.is_dir():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix.lower() != ".csv":
                shutil.copy(path, target)
                continue
            columns, crows = _read_csv(path)  # coders' notes may name people too
            for number, r in enumerate(crows, start=2):
                tid = r.get("transcript_id") or ""
                for column in columns:
                    if column not in ("transcript_id", "turn", "code", "coder") and r.get(column):
                        r[column] = replace(r[column], tid, number, record=False)
                r["transcript_id"] = ids.get(tid, tid)
            _write_csv(target, columns, crows)


def _merged(path: Path, columns: list[str], rows: list[dict], ids: set[str]) -> tuple[list[str], list[dict]]:
    """Rows of an earlier batch already in OUT (other transcripts) first, then this batch's rows."""
    if not path.is_file():
        return columns, rows
    old_columns, old = _read_csv(path)
    return list(dict.fromkeys([*old_columns, *columns])), [r for r in old if r.get("transcript_id") not in ids] + rows


def identifiable(corpus) -> list[str]:
    """The ids of the transcripts of a loaded corpus that are not marked ``pseudonymised: true``.

    Parameters
    ----------
    corpus : Corpus
        A corpus from :func:`mjs_analysis.load_corpus`; each transcript's metadata merges its front matter
        and the folder's ``metadata.csv``.

    Returns
    -------
    list of str
        Transcript ids in corpus order; empty when every transcript is marked pseudonymised. A missing
        field counts as not pseudonymised.

    Examples
    --------
    >>> identifiable(load_corpus("examples/raw"))  # doctest: +SKIP
    ['groep_raw', 'raw01']
    >>> identifiable(load_corpus("corpus"))  # doctest: +SKIP
    []
    """
    return [t.transcript_id for t in corpus if t.metadata.get("pseudonymised") is not True]


_SCANNED = {".ipynb", ".html", ".htm", ".csv", ".json", ".jsonl", ".txt", ".md", ".tsv", ".xml", ".qdpx", ".svg",
            ".py", ".yml", ".yaml", ".vtt", ".srt", ".log", ".tex"}


def _read_key(key: str | Path) -> list[tuple[str, str, str]]:
    """(original, type, pseudonym) of every original of at least ``MIN_LEAK_LENGTH`` characters."""
    path = Path(key)
    try:
        columns, rows = _read_csv(path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PrivacyError(f"{path}: cannot read the key: {getattr(exc, 'strerror', None) or exc}") from None
    if not {"original", "type"} <= set(columns):
        raise PrivacyError(f"{path}: not a pseudonymisation key (needs the columns original and type)")
    return sorted({((r["original"] or "").strip(), r["type"] or "", r.get("pseudonym") or "") for r in rows
                   if len((r["original"] or "").strip()) >= MIN_LEAK_LENGTH})


def _leak_pattern(original: str) -> str:
    """A value as it may appear in a report: any whitespace or underscore between words, digits of a number
    with or without separators ("06-12345678", "06 1234 5678", "0612345678")."""
    compact = re.sub(r"[\s.\-()]", "", original)
    if len(compact) >= 6 and sum(c.isdigit() for c in compact) >= 0.6 * len(compact):
        return r"[\s.\-()]*".join(map(re.escape, compact))
    return r"[\s_]+".join(map(re.escape, original.split()))


def _views(text: str) -> list[str]:
    """The text as a reader may see it: raw, with JSON string escapes undone (notebooks), HTML-unescaped,
    and with HTML tags taken out ("<span>Henk</span> <span>Pietersen</span>")."""
    views = [text]
    unjson = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    unjson = re.sub(r'\\(["\\/])', r"\1", unjson).replace("\\n", "\n").replace("\\t", "\t")
    for candidate in (unjson, html.unescape(text), html.unescape(unjson)):
        views.append(candidate)
        views.append(re.sub(r"<[^<>]{0,500}>", "", candidate))
    return list(dict.fromkeys(views))


def scan_leaks(paths: str | Path | Sequence[str | Path], key: str | Path) -> list[Problem]:
    """Every output file that contains an original value of the key: one problem per file and value type.

    Parameters
    ----------
    paths : path or list of paths
        Output files and folders (searched recursively for .ipynb, .html, .csv, .json, .txt, .md, .svg,
        .xml, .py, .yml and other text files; binary files such as images are skipped in folders).
    key : str or Path
        A key written by :func:`pseudonymise` (columns original and type, usually pseudonym too).

    Returns
    -------
    list of Problem
        One error per file and type of value found, naming the file, the type and the pseudonym of the
        value (so it can be looked up in the key) but never the value itself. A path that does not exist or
        cannot be read is a problem too: a scan that could not look is no pass. Empty when clean.

    Raises
    ------
    PrivacyError
        If the key cannot be read or is not a key.

    Notes
    -----
    Values are matched case-insensitively on word boundaries (letters and digits count as word
    characters, so ``henk_pietersen`` is found), with any whitespace between their words, also when
    HTML-escaped (``&#64;``), JSON-escaped (``\\u00eb``, ``\\"``) or split by HTML tags; numbers also without
    their separators. Originals shorter than ``MIN_LEAK_LENGTH`` (3) characters are not searched for: an
    initial or "Jo" would raise false alarms in every report.

    Examples
    --------
    >>> [str(p) for p in scan_leaks("reports", "../geheim/key.csv")]  # doctest: +SKIP
    ["reports/04_buurt.html: contains an original value of type 'persoon' from the pseudonymisation key ..."]
    """
    originals = _read_key(key)
    if isinstance(paths, (str, Path)):
        paths = [paths]
    patterns = {}
    for original, kind, pseudonym in originals:
        patterns.setdefault(kind, []).append((_leak_pattern(original), pseudonym))
    bounded = r"(?<![^\W_])(?:{})(?![^\W_])"
    # one pattern per type finds a leak fast; the per-value patterns only run to name it
    compiled = {kind: (re.compile(bounded.format("|".join(p for p, _ in sorted(items, key=lambda x: -len(x[0])))),
                                  re.IGNORECASE),
                       [(re.compile(bounded.format(p), re.IGNORECASE), pseudonym) for p, pseudonym in items])
                for kind, items in patterns.items()}
    problems, files = [], []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in _SCANNED))
        elif p.is_file():
            files.append(p)
        else:
            problems.append(Problem.error(p, "no such file or folder; it could not be scanned for leaks"))
    for f in files:
        try:
            text = f.read_bytes().decode("utf-8", errors="replace")
        except OSError as exc:
            problems.append(Problem.error(f, f"cannot read the file to scan it for leaks: {exc.strerror or exc}"))
            continue
        views = _views(text)
        for kind in sorted(compiled):
            anyone, each = compiled[kind]
            if not any(anyone.search(v) for v in views):
                continue
            hits = [pseudonym for rx, pseudonym in each if any(rx.search(v) for v in views)]
            if hits:
                which = ", ".join(sorted({h for h in hits if h})) or "see the key"
                problems.append(Problem.error(f, f"contains an original value of type '{kind}' from the "
                                                 f"pseudonymisation key (the original of {which}); this file "
                                                 f"must not be shared"))
    return problems

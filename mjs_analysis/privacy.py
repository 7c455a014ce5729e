"""Pseudonymisation before analysis, and the privacy gate on reports.

:func:`pseudonymise` writes copies of transcripts in their own format with personal data replaced by
consistent pseudonyms (``Persoon 3``, ``Telefoon 1``, ...): the same person gets the same pseudonym in every
transcript, in speaker labels, WebVTT voice tags and running text. What counts as personal data:

- Dutch transcripts: names, locations (addresses), institutions, dates with a year, ages, ID numbers, phone
  numbers, e-mail addresses and URLs found by ``deduce`` (Dutch de-identification);
- every transcript: patterns for e-mail, URL, social-media handle, phone, postcode, IBAN, BSN and other long
  numbers; English transcripts: first names from a list (with a following capitalised surname);
- speaker labels that are not role words (``I``, ``Interviewer``, ``Bewoner 2``, ...).

What is kept: neighbourhood, district and city names from the metadata, the words of
``data/allowlist_nl.txt`` (role words, public places of the study) and a researcher's own allowlist.

A found value is replaced wherever it occurs with the same spelling (case-sensitive, whole words), also in
the transcripts where the detector missed it: a missed name is the worst failure, a replaced word the
cheaper one. The key (original, pseudonym, type, transcript, line) goes only to ``key``, which must lie
outside the output folder; the review file ``pseudonymisation_review.csv`` in the output shows every
replacement in its pseudonymised context, without the original.

The gate: :func:`identifiable` lists transcripts not marked ``pseudonymised: true`` (``mjs run`` refuses
them), :func:`scan_leaks` finds any original value of a key in output files.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

from .errors import MjsError, Problem

__all__ = ["pseudonymise", "identifiable", "scan_leaks", "PrivacyError", "Summary", "KEY_COLUMNS"]

KEY_COLUMNS = ["original", "pseudonym", "type", "transcript", "position"]
REVIEW_FILE = "pseudonymisation_review.csv"
#: Originals shorter than this are not looked for by the leak scan: "Jo" would match everywhere.
MIN_LEAK_LENGTH = 3

# deduce tag -> our type; our type -> the word of the pseudonym
_DEDUCE_TYPES = {
    "persoon": "persoon", "patient": "persoon", "locatie": "locatie", "instelling": "instelling",
    "ziekenhuis": "instelling", "zorginstelling": "instelling", "datum": "datum", "leeftijd": "leeftijd",
    "bsn": "nummer", "id": "nummer", "patientnummer": "nummer", "telefoonnummer": "telefoon",
    "emailadres": "email", "url": "url",
}
_WORDS = {"persoon": "Persoon", "locatie": "Adres", "instelling": "Instelling", "datum": "Datum",
          "leeftijd": "Leeftijd", "nummer": "Nummer", "telefoon": "Telefoon", "email": "E-mail", "url": "Website",
          "account": "Account", "postcode": "Postcode", "iban": "Rekening"}

# Contact details and numbers, in every language. Order matters: earlier patterns win overlaps.
_PATTERNS = [
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("url", re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]", re.IGNORECASE)),
    ("account", re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{2,30}\b")),
    ("iban", re.compile(r"\bNL\d{2}\s?[A-Z]{4}(?:\s?\d{2,4}){2,4}\b")),
    ("telefoon", re.compile(r"(?<!\w)(?:\+31[\s-]?(?:\(0\))?[\s-]?|0031[\s-]?|0)(?:6[\s-]?(?:\d[\s-]?){7}\d|"
                            r"[1-9]\d{1,2}[\s-]?(?:\d[\s-]?){5,6}\d)(?!\w)")),
    ("postcode", re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")),
    ("nummer", re.compile(r"(?<![\w.,-])\d{8,12}(?!\w|[.,]\d)")),
]
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b")


def _role_label(label: str) -> bool:
    """Labels that name a role, not a person (the reader's list: I, Interviewer, Bewoner 2, Persoon 3, ...)."""
    from .readers import _KNOWN_SPEAKERS

    return bool(_KNOWN_SPEAKERS.match(label.strip())) or label.strip().lower() in ("unknown", "onbekend")


class PrivacyError(MjsError, ValueError):
    """Pseudonymisation cannot start or finish (unsafe key path, unreadable input, ...)."""


@dataclass
class Summary:
    """What :func:`pseudonymise` did: files written, and replacements per type."""

    files: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    review: Path | None = None
    key: Path | None = None

    @property
    def n_replacements(self) -> int:
        return sum(self.counts.values())


# --------------------------------------------------------------------------- detection


@functools.lru_cache(maxsize=1)
def _deduce():
    """One deduce instance per process; its lookup structures are built once per machine, in the user cache."""
    import logging

    import deduce
    import platformdirs

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    cache = Path(platformdirs.user_cache_dir("mjs-analysis")) / f"deduce-{deduce.__version__}"
    return deduce.Deduce(cache_path=cache)


@functools.lru_cache(maxsize=None)
def _word_list(name: str) -> frozenset[str]:
    text = resources.files("mjs_analysis").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


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


@functools.lru_cache(maxsize=1)
def _dutch_words() -> frozenset[str]:
    """Common Dutch word forms (spacy-lookups-data's lemma table): "Mooi." at a sentence start is not a name."""
    import gzip

    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table = json.load(fh)
    return frozenset(table) | frozenset(table.values())


def _sentence_start(text: str, start: int) -> bool:
    return start == 0 or re.search(r"[.!?:;\n\"'(\[\]>-]\s*$", text[max(0, start - 4):start]) is not None


_INTERJECTIONS = frozenset("""dankjewel dankuwel dank bedankt goedemiddag goedemorgen goedenavond goeiemiddag
    hoi hallo dag doei welkom sorry graag oké oke okee ja nee nou tja oei ach hè hé jawel precies juist zeker
    prima top super thanks hi hello yes no okay""".split())


def _common(word: str, text: str) -> bool:
    """A common word: in the Dutch word table, or used in lower case in this very text."""
    low = word.lower().strip(".,;:!?")
    return low in _dutch_words() or low in _INTERJECTIONS or \
        re.search(rf"(?<![\w.@]){re.escape(low)}(?![\w@]|\.\w)", text) is not None


#: An age identifies from this age on (HIPAA's rule); younger ages are kept.
MIN_IDENTIFYING_AGE = 90


def _detect(text: str, language: str) -> list[tuple[str, str]]:
    """(surface, type) of every identifying value found in a text."""
    found = [(m.group(0), kind) for kind, rx in _PATTERNS for m in rx.finditer(text)]
    if language == "nl":
        for ann in _deduce().deidentify(text).annotations:
            kind = _DEDUCE_TYPES.get(ann.tag.split("+")[0].split("_")[0], None)
            if kind is None:
                kind = "persoon" if "persoon" in ann.tag or "patient" in ann.tag else "locatie"
            surface = ann.text
            if kind == "datum" and not _YEAR.search(surface):
                continue  # "1 juli", "in november": not a date of birth, and needed for the story
            if kind == "leeftijd":
                digits = re.search(r"\d+", surface)
                if digits is None or int(digits.group(0)) < MIN_IDENTIFYING_AGE:
                    continue  # "woont 15 jaar in de buurt"
                follow = re.match(r"\s*-?\s*jaar(?:\s+oud)?", text[ann.end_char:])
                surface += follow.group(0) if follow else ""  # "92 jaar", never every "92"
            start = ann.start_char
            if kind == "persoon":  # "Via Tom", "Goedemiddag Femke": a greeting or word glued to the name
                while " " in surface and _common(surface.split()[0], text):
                    head = surface.split()[0]
                    surface = surface[len(head):].lstrip()
                    start = ann.end_char - len(surface)
            if (kind in ("persoon", "locatie") and " " not in surface.strip()
                    and _sentence_start(text, start) and _common(surface, text)):
                continue  # "Mooi.", "Niks.", "Jongens uit de buurt": a common word opening a sentence
            found.append((surface, kind))
    else:
        found.extend(_english_names(text))
    return found


# --------------------------------------------------------------------------- the registry of pseudonyms


class _Registry:
    """Original -> pseudonym, consistent over the corpus; a first name or surname alone joins its full name."""

    def __init__(self):
        self.pseudonym: dict[str, str] = {}
        self.kind: dict[str, str] = {}
        self._n: dict[str, int] = {}

    def _new(self, kind: str) -> str:
        self._n[kind] = self._n.get(kind, 0) + 1
        return f"{_WORDS[kind]} {self._n[kind]}"

    def add_all(self, found: Sequence[tuple[str, str]]) -> None:
        # full names before single words, so that "Marieke" joins "Marieke Jansen"
        people = sorted({s for s, k in found if k == "persoon"}, key=lambda s: (-len(s.split()), _first_index(found, s)))
        for surface in people:
            if surface in self.pseudonym:
                continue
            owners = {self.pseudonym[full] for full in self.pseudonym
                      if self.kind[full] == "persoon" and _part_of(surface, full)}
            if len(owners) == 1:
                self.pseudonym[surface], self.kind[surface] = owners.pop(), "persoon"
                continue
            self.pseudonym[surface], self.kind[surface] = self._new("persoon"), "persoon"
        for surface, kind in found:
            if surface not in self.pseudonym:
                self.pseudonym[surface], self.kind[surface] = self._new(kind), kind

    @functools.cached_property
    def pattern(self) -> re.Pattern | None:
        if not self.pseudonym:
            return None
        alternatives = sorted(self.pseudonym, key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")


def _part_of(short: str, full: str) -> bool:
    """"Marieke" or "De Vries" as the first name or the (multi-word) surname of "Marieke de Vries"."""
    a, b = short.lower().split(), full.lower().split()
    return len(a) < len(b) and (b[:len(a)] == a or b[-len(a):] == a)


_TITLES = re.compile(r"^(?:meneer|mevrouw|mevr\.?|dhr\.?|mw\.?|juffrouw|juf|meester|dokter|dr\.?|mr\.?|mrs\.?|"
                     r"ms\.?|miss|sir|tante|oom|opa|oma)\s+", re.IGNORECASE)


def _first_index(found, surface) -> int:
    return next(i for i, (s, _) in enumerate(found) if s == surface)


@dataclass
class _Replacer:
    registry: _Registry
    key_rows: list = field(default_factory=list)
    review_rows: list = field(default_factory=list)

    def __call__(self, text: str, transcript: str, line: int) -> str:
        rx = self.registry.pattern
        if rx is None or not text:
            return text
        spans = []

        def swap(m):
            original = m.group(0)
            spans.append((original, self.registry.pseudonym[original], m.start()))
            return self.registry.pseudonym[original]

        new = rx.sub(swap, text)
        shift = 0
        for original, pseudonym, start in spans:
            at = start + shift
            shift += len(pseudonym) - len(original)
            self.key_rows.append({"original": original, "pseudonym": pseudonym, "type": self.registry.kind[original],
                                  "transcript": transcript, "position": f"line {line}, column {start + 1}"})
            self.review_rows.append({"transcript": transcript, "line": line, "type": self.registry.kind[original],
                                     "pseudonym": pseudonym,
                                     "context": new[max(0, at - 60):at + len(pseudonym) + 60].strip()})
        return new


# --------------------------------------------------------------------------- writing each format


def _write_text_format(t, replace: _Replacer, target: Path) -> None:
    raw = t.path.read_bytes()
    text = raw.decode("utf-8-sig", errors="strict") if _is_utf8(raw) else raw.decode("cp1252")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out, start = [], 0
    if t.format in ("txt", "md") and lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is not None:
            front = [ln for ln in lines[1:end] if not re.match(r"pseudonymised\s*:", ln)]
            front = [replace(ln, t.transcript_id, i + 2) if not re.match(r"(transcript_id|neighbourhood|district|"
                     r"date|language|setting)\s*:", ln) else ln for i, ln in enumerate(front)]
            out = ["---", *front, "pseudonymised: true", lines[end]]
            start = end + 1
    for number, line in enumerate(lines[start:], start=start + 1):
        out.append(line if _structural(line, t.format) else replace(line, t.transcript_id, number))
    target.write_text(newline.join(out), encoding="utf-8", newline="")


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


def _write_docx(t, replace: _Replacer, target: Path) -> None:
    import docx

    document = docx.Document(str(t.path))
    number = 0
    for paragraph in _paragraphs(document):
        number += 1
        new = replace(paragraph.text, t.transcript_id, number)
        if new == paragraph.text:
            continue
        runs = paragraph.runs
        texts = [r.text for r in runs]
        swapped = [replace.__class__(replace.registry)(x, t.transcript_id, number) for x in texts]
        if "".join(swapped) == new:  # every value lies inside one run: formatting is kept
            for run, x in zip(runs, swapped):
                run.text = x
        else:  # a value spans runs: the paragraph's text goes into its first run
            runs[0].text = new
            for run in runs[1:]:
                run.text = ""
    props = document.core_properties
    props.author = props.last_modified_by = ""
    props.keywords = "pseudonymised"
    document.save(str(target))


def _paragraphs(container):
    """Body paragraphs and table cells in document order (as the reader sees them), merged cells once."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    seen = set()
    for child in container.element.body.iterchildren():
        if child.tag.endswith("}p"):
            yield Paragraph(child, container)
        elif child.tag.endswith("}tbl"):
            for row in Table(child, container).rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from cell.paragraphs


# --------------------------------------------------------------------------- the public functions


def _allowlist(corpus, extra: str | Path | None) -> set[str]:
    allow = {w.lower() for w in _word_list("allowlist_nl.txt")}
    allow |= {part for phrase in list(allow) for part in re.findall(r"\w+", phrase)}
    for t in corpus:
        for key in ("neighbourhood", "district"):
            value = t.metadata.get(key)
            if value:
                allow.add(str(value).lower())
                allow.update(re.findall(r"\w+", str(value).lower()))
    if extra is not None:
        path = Path(extra)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise PrivacyError(f"{path}: cannot read the allowlist: {exc.strerror or exc}") from None
        allow.update(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))
    return allow


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def pseudonymise(source: str | Path, output: str | Path, *, key: str | Path | None = None,
                 allowlist: str | Path | None = None, progress=None) -> Summary:
    """Write pseudonymised copies of transcripts, in their own formats, marked ``pseudonymised: true``.

    Parameters
    ----------
    source : path
        A transcript file or a folder of them (with ``metadata.csv`` and ``speakers.csv`` if present).
    output : path
        A folder for the copies; it receives ``metadata.csv`` (every transcript marked pseudonymised),
        ``speakers.csv`` (names replaced), the corpus's ``codebook.yml``, ``design.yml`` and ``coding/`` as
        they are, and ``pseudonymisation_review.csv``.
    key : path, optional
        Where the key goes (CSV: original, pseudonym, type, transcript, position). Must lie outside
        ``output``. Without it no key is written, and the pseudonyms cannot be traced back.
    allowlist : path, optional
        A text file, one word or phrase per line, of public names to keep.
    progress : callable, optional
        Receives a line when the slow part (finding personal data) starts.

    Returns
    -------
    Summary

    Examples
    --------
    >>> pseudonymise("examples/raw", "corpus_pseudo", key="../geheim/key.csv")  # doctest: +SKIP
    """
    from .corpus import load_corpus

    source, output = Path(source), Path(output)
    if key is not None and _inside(Path(key), output):
        raise PrivacyError(f"{key}: the key must be stored outside the output folder {output}, where it "
                           f"would be shared along with the pseudonymised transcripts")
    if output.exists() and source.is_dir() and output.resolve() == source.resolve():
        raise PrivacyError(f"{output}: the output folder must differ from the input")
    corpus = load_corpus(source)
    if corpus.errors:
        raise PrivacyError("\n".join(str(p) for p in corpus.errors))
    allow = _allowlist(corpus, allowlist)
    if progress is not None:
        progress(f"finding personal data in {len(corpus)} transcript(s) (the first run on a machine builds "
                 f"deduce's lookup tables: a few minutes)...")
    transcripts = sorted(corpus, key=lambda t: t.transcript_id)
    found: list[tuple[str, str]] = []
    for t in transcripts:
        for speaker in t.speakers:
            if not _role_label(speaker):
                found.append((speaker.strip(), "persoon"))
        found.extend(_detect(t.text, t.metadata.get("language") or "nl"))
        if t.metadata.get("respondent_description"):
            found.extend(_detect(str(t.metadata["respondent_description"]), t.metadata.get("language") or "nl"))
    # "Henk Pietersen. Henk" is two mentions; "meneer De Vries" is "De Vries"
    found = [(part, k) for s, k in found for part in (re.split(r"\s*[.,;:!?()\n]\s+", s) if k == "persoon" else [s])]
    found = [(_TITLES.sub("", s.strip()) if k == "persoon" else s.strip(), k) for s, k in found]
    found = [(s if k in ("email", "url", "account", "telefoon", "iban") else _trim_allowed(s, allow), k)
             for s, k in found]
    found = [(s, k) for s, k in found if re.search(r"[A-Z0-9@]", s) and not _allowed(s, allow)
             and not _function_words_only(s)
             and not (k == "persoon" and (s.islower() or _role_label(s)))]
    # the first name and surname of a full name are that person too, wherever they stand alone
    parts = [(part, "persoon") for surface, k in found if k == "persoon" and len(surface.split()) > 1
             for part in (surface.split()[0], surface.split()[-1])
             if len(part) >= 3 and part[0].isupper() and not _allowed(part, allow) and not _function_words_only(part)]
    registry = _Registry()
    registry.add_all(found + parts)
    replace = _Replacer(registry)
    output.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    for t in transcripts:
        target = output / t.path.name
        if t.format == "docx":
            _write_docx(t, replace, target)
        else:
            _write_text_format(t, replace, target)
        summary.files.append(target)
    _write_tables(source if source.is_dir() else source.parent, output, transcripts, replace)
    for row in replace.key_rows:
        summary.counts[row["type"]] = summary.counts.get(row["type"], 0) + 1
    summary.review = output / REVIEW_FILE
    _write_csv(summary.review, ["transcript", "line", "type", "pseudonym", "context"], replace.review_rows)
    if key is not None:
        Path(key).parent.mkdir(parents=True, exist_ok=True)
        _write_csv(Path(key), KEY_COLUMNS, replace.key_rows)
        summary.key = Path(key)
    return summary


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _write_tables(folder: Path, output: Path, transcripts, replace: _Replacer) -> None:
    """metadata.csv (all marked pseudonymised), speakers.csv (names replaced), codebook and codings as they are."""
    rows, columns = [], ["transcript_id", "pseudonymised"]
    meta_path = folder / "metadata.csv"
    if meta_path.is_file():
        with meta_path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            columns = list(dict.fromkeys([*(reader.fieldnames or []), "pseudonymised"]))
            rows = list(reader)
    ids = {t.transcript_id for t in transcripts}
    rows = [r for r in rows if r.get("transcript_id") in ids]
    rows += [{"transcript_id": i} for i in sorted(ids - {r.get("transcript_id") for r in rows})]
    for number, row in enumerate(rows, start=2):
        for column in ("respondent_description", "interviewer"):
            if row.get(column):
                row[column] = replace(row[column], row["transcript_id"], number)
        row["pseudonymised"] = "true"
    _write_csv(output / "metadata.csv", columns, rows)
    speakers = folder / "speakers.csv"
    if speakers.is_file():
        with speakers.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            srows = [r for r in reader if r.get("transcript_id") in ids]
            for number, r in enumerate(srows, start=2):
                r["speaker"] = replace(r["speaker"], r["transcript_id"], number)
            _write_csv(output / "speakers.csv", list(reader.fieldnames or []), srows)
    for name in ("codebook.yml", "design.yml"):
        if (folder / name).is_file():
            shutil.copy(folder / name, output / name)
    if (folder / "coding").is_dir():
        shutil.copytree(folder / "coding", output / "coding", dirs_exist_ok=True)


def identifiable(corpus) -> list[str]:
    """The ids of the transcripts of a loaded corpus that are not marked ``pseudonymised: true``."""
    return [t.transcript_id for t in corpus if t.metadata.get("pseudonymised") is not True]


_SCANNED = {".ipynb", ".html", ".htm", ".csv", ".json", ".jsonl", ".txt", ".md", ".tsv", ".xml", ".qdpx", ".svg"}


def _read_key(key: str | Path) -> list[tuple[str, str]]:
    path = Path(key)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if not {"original", "type"} <= set(reader.fieldnames or []):
                raise PrivacyError(f"{path}: not a pseudonymisation key (needs the columns original and type)")
            return sorted({(r["original"], r["type"]) for r in reader if len(r["original"].strip()) >= MIN_LEAK_LENGTH})
    except OSError as exc:
        raise PrivacyError(f"{path}: cannot read the key: {exc.strerror or exc}") from None


def _views(text: str) -> list[str]:
    """The text as a reader sees it: raw, HTML-unescaped, and with JSON string escapes undone (notebooks)."""
    views = [text, html.unescape(text)]
    try:
        views.append(json.loads(json.dumps(text).replace("\\\\", "\\")))
    except ValueError:
        pass
    unescaped = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    views.append(html.unescape(unescaped.replace('\\"', '"').replace("\\n", "\n")))
    return views


def scan_leaks(paths: Sequence[str | Path], key: str | Path) -> list[Problem]:
    """Every output file that contains an original value of the key: one problem per file and value type.

    Files and folders (searched recursively) with the suffixes of reports (.ipynb, .html, .csv, .json, .txt,
    .md, ...). Values are matched case-insensitively as whole words, also HTML- or JSON-escaped. The
    message names the file and the type of value, never the value itself. Originals shorter than
    ``MIN_LEAK_LENGTH`` characters are not searched for.
    """
    originals = _read_key(key)
    if not originals:
        return []
    rx = {kind: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(o) for o, k in originals if k == kind) + r")(?!\w)",
                           re.IGNORECASE) for kind in {k for _, k in originals}}
    files = []
    for p in map(Path, paths):
        files.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in _SCANNED) if p.is_dir() else [p])
    problems = []
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        views = _views(text)
        for kind, pattern in sorted(rx.items()):
            if any(pattern.search(v) for v in views):
                problems.append(Problem.error(f, f"contains an original value of type '{kind}' from the "
                                                 f"pseudonymisation key; this file must not be shared"))
    return problems

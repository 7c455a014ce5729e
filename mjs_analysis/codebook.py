"""The codebook: codes with definitions and matching rules, as data the researcher edits.

A codebook is a YAML file (see ``corpus/codebook.yml``). ``Codebook.load`` validates it and reports every
problem as ``codebook.yml:line: message``; the tagger (``mjs_analysis.tagging``) only applies it.

Matching rules of a code (all optional)::

    rules:
      terms: [subsidie*, "*regels", geld, budget]   # one word; matched on lemma or lower case;
                                                    # '*' at the start or end matches compounds
      phrases: ["uit eigen zak", "zeg maar"]        # several words, matched word by word (lemma or lower case)
      regex: ['\\bvijf ton\\b']                     # Python regex on the sentence text, case-insensitive
      exclude: [geldig, "geld niet"]                # a hit inside one of these terms/phrases does not count
      weak: [formulier, "geld terug"]               # weak cues (terms or phrases, matched like them): each
                                                    # counts as half a hit, so alone it never codes a unit
      decoys: [parkeerbon, "boete*"]                # passing mentions: a hit of the code in a sentence that
                                                    # holds a decoy does not count (a parking fine is not funding)
      on_negation: keep                             # keep | suppress | <code id> (e.g. vertrouwen -> wantrouwen)
      min_hits: 1                                   # hits needed in one unit (turn or sentence); a term,
                                                    # phrase or regex hit counts 1, a weak hit 1/2
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import pandas as pd
import yaml

from .errors import MjsError, Problem

__all__ = ["Code", "Rules", "Codebook", "CodebookError", "DEFAULT_CODEBOOK", "resolve_codebook"]

# The codebook shipped inside the package: a copy of the demo corpus's ``corpus/codebook.yml``
# (tests/test_codebook_rule.py keeps the two identical). Never a path relative to the working directory.
DEFAULT_CODEBOOK = Path(__file__).resolve().parent / "data" / "codebook.yml"
CODE_KEYS = {"id", "label", "definition", "parent", "colour", "examples", "codable", "rules"}
RULE_KEYS = {"terms", "phrases", "regex", "exclude", "weak", "decoys", "on_negation", "min_hits"}
TOP_KEYS = {"version", "language", "codes"}
NEGATION_ACTIONS = ("keep", "suppress")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_WORD = re.compile(r"^\*?[^\s*]+\*?$")


class CodebookError(MjsError, ValueError):
    """The codebook has errors; ``problems`` lists each as ``codebook.yml:line: message``."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Rules:
    """The matching rules of one code (see the module docstring)."""

    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    on_negation: str = "keep"
    min_hits: int = 1
    decoys: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.terms or self.phrases or self.regex)


@dataclass(frozen=True)
class Code:
    id: str
    label: dict
    definition: str = ""
    parent: str | None = None
    colour: str | None = None
    examples: tuple[str, ...] = ()
    codable: bool = True
    rules: Rules = field(default_factory=Rules)
    line: int | None = None

    def label_in(self, language: str = "nl") -> str:
        return self.label.get(language) or self.label.get("nl") or self.id


# --------------------------------------------------------------------------- YAML with line numbers


def _to_python(node: yaml.Node):
    """Turn a composed YAML node into Python data, keeping each mapping's key lines in ``__lines__``."""
    if isinstance(node, yaml.MappingNode):
        out, lines = {}, {}
        for key_node, value_node in node.value:
            key = str(_to_python(key_node))
            if key in out:
                lines.setdefault("__duplicates__", []).append((key, key_node.start_mark.line + 1))
            out[key] = _to_python(value_node)
            lines[key] = key_node.start_mark.line + 1
        out["__lines__"] = lines
        out["__line__"] = node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [(_to_python(v), v.start_mark.line + 1) for v in node.value]
    return yaml.safe_load(yaml.serialize(node)) if node.tag != "tag:yaml.org,2002:str" else node.value


class Codebook:
    """A validated codebook.

    Parameters
    ----------
    codes : list of Code
    language : str, default "nl"
    path : Path, optional
        Where it was loaded from.

    Examples
    --------
    >>> cb = Codebook.load("corpus/codebook.yml")  # doctest: +SKIP
    >>> cb.ids[:3]  # doctest: +SKIP
    ['vertrouwen', 'wantrouwen', 'samenwerking']
    """

    def __init__(self, codes: list[Code], language: str = "nl", path: Path | None = None):
        self.codes = list(codes)
        self.language = language
        self.path = path
        self._by_id = {c.id: c for c in self.codes}

    def __repr__(self) -> str:
        return f"Codebook({len(self.ids)} codes, path={str(self.path)!r})"

    def __getitem__(self, code_id: str) -> Code:
        return self._by_id[code_id]

    def __contains__(self, code_id: str) -> bool:
        return code_id in self._by_id

    @property
    def ids(self) -> list[str]:
        """The ids of the codes that can be applied to text, in codebook order."""
        return [c.id for c in self.codes if c.codable]

    def to_frame(self) -> pd.DataFrame:
        """One row per code: id, labels, parent, definition, colour, codable and rule counts."""
        return pd.DataFrame([{
            "id": c.id, "label_nl": c.label.get("nl"), "label_en": c.label.get("en"),
            "parent": c.parent, "codable": c.codable, "colour": c.colour, "definition": c.definition,
            "n_terms": len(c.rules.terms), "n_phrases": len(c.rules.phrases), "n_regex": len(c.rules.regex),
            "on_negation": c.rules.on_negation,
        } for c in self.codes])

    @classmethod
    def load(cls, path: str | Path = DEFAULT_CODEBOOK, *, nlp=None) -> "Codebook":
        """Read and validate a codebook YAML file.

        Parameters
        ----------
        path : str or Path, default the package's own codebook (a copy of the demo codebook)
        nlp : spaCy Language, optional
            The tokenizer used to check that one-word terms stay one token (else they could never
            match). Defaults to ``spacy.blank(language)``.

        Raises
        ------
        CodebookError
            With every problem found, each as ``path:line: message``.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CodebookError([Problem.error(path, f"cannot read codebook: {exc}")]) from None
        try:
            node = yaml.compose(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise CodebookError([Problem.error(
                path, f"invalid YAML: {getattr(exc, 'problem', exc)}", mark.line + 1 if mark else None)]) from None
        data = _to_python(node) if node is not None else None
        codes, language, problems = _validate(data, path, nlp)
        if problems:
            raise CodebookError(problems)
        return cls(codes, language, path)


# --------------------------------------------------------------------------- validation


def _check_keys(d: dict, allowed: set[str], where: str, path, problems) -> None:
    lines = d.get("__lines__", {})
    for key in d:
        if key.startswith("__"):
            continue
        if key not in allowed:
            problems.append(Problem.error(
                path, f"unknown key '{key}' in {where} (allowed: {', '.join(sorted(allowed))})", lines.get(key)))
    for key, line in lines.get("__duplicates__", []):
        problems.append(Problem.error(path, f"duplicate key '{key}' in {where}", line))


def _strings(value, key: str, line: int, path, problems) -> list[tuple[str, int]]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem.error(path, f"'{key}' must be a list of texts", line))
        return []
    out = []
    for item, item_line in value:
        if not isinstance(item, str) or not item.strip():
            problems.append(Problem.error(path, f"'{key}' entries must be non-empty texts; got {item!r}", item_line))
        else:
            out.append((item.strip(), item_line))
    return out


def _tokenizer(language: str, nlp):
    return nlp.tokenizer if nlp is not None else _blank_tokenizer(language)


@functools.lru_cache(maxsize=None)
def _blank_tokenizer(language: str):
    import spacy

    return spacy.blank(language).tokenizer


def _check_term(term: str, line: int, kind: str, tokenizer, path, problems) -> None:
    """A pattern that can never match is an error: it says why."""
    bare = term.strip("*")
    if kind == "term" and (not bare or "*" in bare):
        problems.append(Problem.error(
            path, f"{kind} '{term}' can never match: '*' is allowed only at the start or end", line))
        return
    if kind == "term":
        if not _WORD.match(term):
            problems.append(Problem.error(
                path, f"term '{term}' can never match: it has several words; put it under 'phrases'", line))
            return
        if "*" not in term and len(tokenizer(bare)) > 1:
            problems.append(Problem.error(
                path, f"term '{term}' can never match: the tokenizer splits it into "
                f"{[t.text for t in tokenizer(bare)]}; put it under 'phrases'", line))
    elif kind == "phrase" and "*" in term:
        problems.append(Problem.error(
            path, f"phrase '{term}' can never match: '*' is allowed only in one-word terms", line))
    elif kind == "phrase" and len(term.split()) < 2:
        problems.append(Problem.error(
            path, f"phrase '{term}' has one word; put it under 'terms'", line))


def _validate(data, path: Path, nlp) -> tuple[list[Code], str, list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(data, dict) or "codes" not in data:
        return [], "nl", [Problem.error(path, "a codebook needs a top-level 'codes:' list", 1)]
    _check_keys(data, TOP_KEYS, "the codebook", path, problems)
    language = str(data.get("language", "nl"))
    raw_codes = data["codes"]
    if not isinstance(raw_codes, list) or not raw_codes:
        return [], language, problems + [Problem.error(path, "'codes' must be a non-empty list",
                                                       data["__lines__"].get("codes"))]
    tokenizer = None
    codes: list[Code] = []
    seen: dict[str, int] = {}
    for raw, line in raw_codes:
        if not isinstance(raw, dict):
            problems.append(Problem.error(path, "each code must be a mapping with at least 'id' and 'label'", line))
            continue
        lines = raw["__lines__"]
        _check_keys(raw, CODE_KEYS, f"code '{raw.get('id', '?')}'", path, problems)
        cid = raw.get("id")
        if not isinstance(cid, str) or not _ID.match(cid):
            problems.append(Problem.error(
                path, f"code id must be lower case letters, digits and '_'; got {cid!r}", lines.get("id", line)))
            continue
        if cid in seen:
            problems.append(Problem.error(path, f"duplicate code id '{cid}' (first on line {seen[cid]})", lines.get("id")))
            continue
        seen[cid] = lines.get("id", line)
        label = raw.get("label")
        if isinstance(label, str):
            label = {"nl": label}
        if not isinstance(label, dict) or not label.get("nl"):
            problems.append(Problem.error(path, f"code '{cid}' needs a label (label: {{nl: ..., en: ...}})",
                                          lines.get("label", line)))
            label = {}
        label = {k: str(v) for k, v in label.items() if not k.startswith("__")}
        colour = raw.get("colour")
        if colour is not None and not (isinstance(colour, str) and _COLOUR.match(colour)):
            problems.append(Problem.error(path, f"colour of '{cid}' must look like '#1b9e77'; got {colour!r}",
                                          lines.get("colour")))
        codable = raw.get("codable", True)
        if not isinstance(codable, bool):
            problems.append(Problem.error(path, f"'codable' of '{cid}' must be true or false", lines.get("codable")))
            codable = True
        examples = tuple(e for e, _ in _strings(raw.get("examples"), "examples", lines.get("examples"), path, problems))
        rules = Rules()
        raw_rules = raw.get("rules")
        if raw_rules is not None:
            if not isinstance(raw_rules, dict):
                problems.append(Problem.error(path, f"'rules' of '{cid}' must be a mapping", lines.get("rules")))
            else:
                if tokenizer is None:
                    tokenizer = _tokenizer(language, nlp)
                rules = _rules(cid, raw_rules, tokenizer, path, problems)
        codes.append(Code(cid, label, str(raw.get("definition") or "").strip(), raw.get("parent"), colour,
                          examples, codable, rules, seen[cid]))

    ids = {c.id for c in codes}
    for c in codes:
        if c.parent is not None and c.parent not in ids:
            problems.append(Problem.error(path, f"code '{c.id}' has unknown parent '{c.parent}'", c.line))
        target = c.rules.on_negation
        if target not in NEGATION_ACTIONS and target not in ids:
            problems.append(Problem.error(
                path, f"on_negation of '{c.id}' must be keep, suppress or a code id; got '{target}'", c.line))
    for c in codes:  # a cycle in the hierarchy would make it endless
        seen_chain, parent = {c.id}, c.parent
        while parent in ids and parent not in seen_chain:
            seen_chain.add(parent)
            parent = next(x.parent for x in codes if x.id == parent)
        if parent in seen_chain:
            problems.append(Problem.error(path, f"code '{c.id}' is its own ancestor (parent cycle)", c.line))
    return codes, language, problems


def _rules(cid: str, raw: dict, tokenizer, path, problems) -> Rules:
    lines = raw["__lines__"]
    _check_keys(raw, RULE_KEYS, f"the rules of '{cid}'", path, problems)
    terms = _strings(raw.get("terms"), "terms", lines.get("terms"), path, problems)
    phrases = _strings(raw.get("phrases"), "phrases", lines.get("phrases"), path, problems)
    regexes = _strings(raw.get("regex"), "regex", lines.get("regex"), path, problems)
    exclude = _strings(raw.get("exclude"), "exclude", lines.get("exclude"), path, problems)
    weak = _strings(raw.get("weak"), "weak", lines.get("weak"), path, problems)
    decoys = _strings(raw.get("decoys"), "decoys", lines.get("decoys"), path, problems)
    for pattern, line in decoys:
        _check_term(pattern, line, "phrase" if " " in pattern else "term", tokenizer, path, problems)
    for term, line in terms:
        _check_term(term, line, "term", tokenizer, path, problems)
    for phrase, line in phrases:
        _check_term(phrase, line, "phrase", tokenizer, path, problems)
    for pattern, line in exclude:
        _check_term(pattern, line, "phrase" if " " in pattern else "term", tokenizer, path, problems)
    strong = {t.lower() for t, _ in terms + phrases}
    for pattern, line in weak:
        _check_term(pattern, line, "phrase" if " " in pattern else "term", tokenizer, path, problems)
        if pattern.lower() in strong:
            problems.append(Problem.error(
                path, f"'{pattern}' of '{cid}' is both a weak cue and a term or phrase; keep one", line))
    for pattern, line in regexes:
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            problems.append(Problem.error(path, f"invalid regex '{pattern}': {exc}", line))
            continue
        if compiled.fullmatch(""):
            problems.append(Problem.error(path, f"regex '{pattern}' matches the empty text; it would code everything", line))
    min_hits = raw.get("min_hits", 1)
    if not isinstance(min_hits, int) or isinstance(min_hits, bool) or min_hits < 1:
        problems.append(Problem.error(path, f"min_hits of '{cid}' must be a whole number >= 1; got {min_hits!r}",
                                      lines.get("min_hits")))
        min_hits = 1
    on_negation = str(raw.get("on_negation", "keep"))
    return Rules(tuple(t.lower() for t, _ in terms), tuple(p.lower() for p, _ in phrases),
                 tuple(r for r, _ in regexes), tuple(e.lower() for e, _ in exclude),
                 tuple(w.lower() for w, _ in weak), on_negation, min_hits, tuple(d.lower() for d, _ in decoys))


def resolve_codebook(corpus: str | Path | Sequence[str | Path] | None = None,
                     explicit: str | Path | None = None) -> tuple[Path, str]:
    """Which codebook applies to a corpus, and a sentence saying why: the one rule of every command.

    1. ``explicit`` (``--codebook FILE``, ``codebook=`` in Python or a notebook parameter) when given;
    2. else ``codebook.yml`` in the corpus folder (for transcript files: the folder that holds them);
    3. else the default codebook shipped inside the package (:data:`DEFAULT_CODEBOOK`, the demo codebook).

    Nothing is looked up relative to the working directory. ``corpus`` may be a folder, a file, or several
    of them (``mjs tag a/ b/x.txt``); when their folders hold different ``codebook.yml`` files and no
    ``explicit`` codebook is given, that is an error (which one would apply is a guess).

    Returns
    -------
    (path, origin) : the codebook's path and a short English description of where it came from, e.g.
    ``"corpus/codebook.yml (the corpus folder's codebook.yml)"``.
    """
    if corpus is None:
        paths: list[Path] = []
    elif isinstance(corpus, (str, Path)):
        paths = [Path(corpus)]
    else:
        paths = [Path(p) for p in corpus]
    folders = list(dict.fromkeys(p if p.is_dir() else p.parent for p in paths))
    found = [f / "codebook.yml" for f in folders if (f / "codebook.yml").is_file()]
    if explicit is not None:
        explicit = Path(explicit)
        if not explicit.is_file():
            raise MjsError(f"{explicit}: codebook not found (--codebook)")
        ignored = [f for f in found if f.resolve() != explicit.resolve()]
        note = f"; {ignored[0]} is not used" if ignored else ""
        return explicit, f"{explicit.as_posix()} (given with --codebook{note})"
    distinct = {f.read_bytes(): f for f in found}
    if len(distinct) > 1:
        raise MjsError(f"{' and '.join(f.as_posix() for f in found)} differ; pass --codebook FILE to choose one")
    if found:
        return found[0], f"{found[0].as_posix()} (the corpus folder's codebook.yml)"
    where = ", ".join(f.as_posix() for f in folders) or "no corpus folder"
    return DEFAULT_CODEBOOK, (f"the default codebook of mjs-analysis ({DEFAULT_CODEBOOK.name}, the demo codebook; "
                              f"no codebook.yml in {where})")

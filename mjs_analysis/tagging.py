"""The rule tagger: applies a codebook to speaker turns, with Dutch negation, and says why it coded.

Every row of the result is auditable: which code, in which turn, the evidence sentence (its offsets into
``Transcript.text``), the matched words, the rule that fired, and whether a negation changed it.

Matching runs on the token feature arrays of :mod:`mjs_analysis.features` (lemma and lower-case hashes):
one vectorised pass per kind of rule over all tokens (``numpy.isin``), not a Python loop over patterns;
wildcard terms are resolved once per distinct word form. This keeps re-tagging after a codebook edit
cheap, because the features come from the cache.

Negation: a hit is negated when its clause holds an odd number of negators (niet, geen, nooit, nergens,
niemand, niks, niets, nauwelijks, amper, zonder, and words of loss such as kwijt, verloren, weg; "niet
alleen" is not one), so "niet dat ik geen vertrouwen heb" and "het vertrouwen niet verloren" keep trust.
The clause is the part of the sentence between punctuation, conjunctions and contrast markers (maar,
alleen, en, want, omdat, ...), so a negation does not leak across "maar". What a negation does is the code's ``on_negation`` rule: keep the code (the
default: "er was geen geld" is still about money), suppress it, or switch it to another code
(``vertrouwen`` → ``wantrouwen``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from .codebook import Codebook
from .features import Parsed, parse
from .nlp import get_nlp

__all__ = ["tag", "tag_texts", "code_matrix", "CodebookTagger", "TAG_COLUMNS", "NEGATORS"]

NEGATORS = frozenset({
    "niet", "geen", "nooit", "nergens", "niemand", "niks", "niets", "nauwelijks", "amper", "zonder",
    "not", "no", "never", "nobody", "nothing", "nowhere", "hardly", "without", "n't",
})
# Losing something negates it too: "het vertrouwen is weg", "niet verloren" (two negators: kept).
LOSS_WORDS = frozenset({"kwijt", "verloren", "verliezen", "verloor", "verdwenen", "weg", "lost", "gone"})
# "niet alleen ... maar ook" and friends are not negations of what follows.
_NOT_NEGATING_AFTER = frozenset({"alleen", "enkel", "zomaar", "eens", "only", "just"})
CLAUSE_WORDS = frozenset({
    "maar", "alleen", "echter", "want", "omdat", "terwijl", "hoewel", "toch", "behalve", "doch", "en", "of",
    "dus", "toen", "daarom", "but", "because", "although", "though", "however", "while", "whereas", "and",
    "or", "so",
})
CLAUSE_PUNCT = frozenset({",", ";", ":", "—", "–", "-", "(", ")", "…", "...", "?", "!", ".", '"', "“", "”", "'"})
NEGATION_WINDOW = 8  # tokens on either side, within the clause

TAG_COLUMNS = ["transcript_id", "turn", "sentence", "code", "start_char", "end_char", "evidence",
               "matched", "rule", "n_hits", "negated", "speaker", "pipeline"]


@dataclass(frozen=True)
class _Hit:
    doc: int
    start: int  # token positions in the Parsed arrays
    end: int
    code: str
    rule: str
    negated: bool = False


class _CompiledCodebook:
    """The codebook's patterns as hash tables, built once per codebook (hashes are vocab-independent)."""

    def __init__(self, codebook: Codebook):
        from spacy.strings import StringStore

        strings = StringStore()
        self.codebook = codebook
        self.include = _PatternSet(strings)
        self.exclude = _PatternSet(strings)
        self.regex: list[tuple[str, str, re.Pattern]] = []
        self.min_hits = {}
        self.on_negation = {}
        for code in codebook.codes:
            if not code.codable:
                continue
            r = code.rules
            self.min_hits[code.id] = r.min_hits
            self.on_negation[code.id] = r.on_negation
            for term in r.terms:
                self.include.add(code.id, term, "term")
            for phrase in r.phrases:
                self.include.add(code.id, phrase, "phrase")
            for pattern in r.exclude:
                self.exclude.add(code.id, pattern, "phrase" if " " in pattern else "term")
            for pattern in r.regex:
                self.regex.append((code.id, pattern, re.compile(pattern, re.IGNORECASE)))


class _PatternSet:
    """Terms (exact or wildcard) and phrases of several codes, matched on lower-case form or lemma."""

    def __init__(self, strings):
        self._strings = strings
        self.exact: dict[int, list[tuple[str, str]]] = {}
        self.wild: list[tuple[str, str, str, str]] = []  # code, pattern, mode, stem
        self.phrases: dict[int, list[tuple[str, str, tuple[int, ...]]]] = {}
        self._wild_cache: dict[int, list[tuple[str, str]]] = {}

    def add(self, code: str, pattern: str, kind: str) -> None:
        if kind == "phrase":
            hashes = tuple(self._strings.add(w) for w in pattern.split())
            self.phrases.setdefault(hashes[0], []).append((code, pattern, hashes))
        elif pattern.startswith("*") and pattern.endswith("*") and len(pattern) > 2:
            self.wild.append((code, pattern, "in", pattern[1:-1]))
        elif pattern.endswith("*"):
            self.wild.append((code, pattern, "prefix", pattern[:-1]))
        elif pattern.startswith("*"):
            self.wild.append((code, pattern, "suffix", pattern[1:]))
        else:
            self.exact.setdefault(self._strings.add(pattern), []).append((code, pattern))

    def _wild_table(self, p: Parsed) -> dict[int, list[tuple[str, str]]]:
        """Which distinct word forms of ``p`` match which wildcard terms (each form checked once)."""
        if not self.wild:
            return {}
        for h, word in p.strings.items():
            if h in self._wild_cache:
                continue
            found = []
            for code, pattern, mode, stem in self.wild:
                if (mode == "prefix" and word.startswith(stem)  # glob: '*' is zero or more characters
                        or mode == "suffix" and word.endswith(stem)
                        or mode == "in" and stem in word):
                    found.append((code, pattern))
            self._wild_cache[h] = found
        return {h: v for h, v in self._wild_cache.items() if v}

    def hits(self, p: Parsed) -> list[tuple[int, int, str, str]]:
        """(start, end, code, rule) for every match in ``p``; positions are token indices."""
        out: list[tuple[int, int, str, str]] = []
        for table, kind in ((self.exact, "term"), (self._wild_table(p), "term")):
            if not table:
                continue
            keys = np.fromiter(table.keys(), dtype=np.uint64, count=len(table))
            mask = np.isin(p.lower, keys) | np.isin(p.lemma, keys)
            for pos in np.flatnonzero(mask).tolist():
                seen = set()
                for h in (int(p.lower[pos]), int(p.lemma[pos])):
                    for code, pattern in table.get(h, ()):
                        if (code, pattern) not in seen:
                            seen.add((code, pattern))
                            out.append((pos, pos + 1, code, f"{kind}:{pattern}"))
        if self.phrases:
            keys = np.fromiter(self.phrases.keys(), dtype=np.uint64, count=len(self.phrases))
            cand = np.flatnonzero(np.isin(p.lower, keys) | np.isin(p.lemma, keys))
            if len(cand):
                doc_end = p.doc_start[p.doc_of(cand) + 1]
                for pos, end in zip(cand.tolist(), doc_end.tolist()):
                    firsts = {int(p.lower[pos]), int(p.lemma[pos])}
                    for first in firsts:
                        for code, pattern, hashes in self.phrases.get(first, ()):
                            stop = pos + len(hashes)
                            if stop <= end and all(
                                    int(p.lower[pos + k]) == h or int(p.lemma[pos + k]) == h
                                    for k, h in enumerate(hashes[1:], start=1)):
                                out.append((pos, stop, code, f"phrase:{pattern}"))
        return out


def _regex_hits(compiled: _CompiledCodebook, p: Parsed, texts: Sequence[str]) -> list[tuple[int, int, str, str]]:
    out = []
    if not compiled.regex:
        return out
    for d, text in enumerate(texts):
        lo, hi = int(p.doc_start[d]), int(p.doc_start[d + 1])
        if lo == hi:
            continue
        starts, ends = p.start[lo:hi], p.end[lo:hi]
        for code, pattern, rx in compiled.regex:
            for m in rx.finditer(text):
                a = lo + int(np.searchsorted(ends, m.start(), side="right"))
                b = lo + int(np.searchsorted(starts, max(m.end() - 1, m.start()), side="right"))
                out.append((min(a, hi - 1), max(b, a + 1), code, f"regex:{pattern}"))
    return out


def _negated(p: Parsed, sid: np.ndarray, start: int, end: int, lo: int, hi: int) -> bool:
    """Odd number of negators in the hit's clause (within NEGATION_WINDOW tokens)."""
    words = p.strings
    count = 0
    for direction, first in ((-1, start - 1), (1, end)):
        pos, steps = first, 0
        while lo <= pos < hi and sid[pos] == sid[start] and steps < NEGATION_WINDOW:
            w = words.get(int(p.lower[pos]), "")
            if w in CLAUSE_PUNCT or w in CLAUSE_WORDS:
                break
            if w in NEGATORS or w in LOSS_WORDS:
                nxt = words.get(int(p.lower[pos + 1]), "") if pos + 1 < hi else ""
                if not (w == "niet" and nxt in _NOT_NEGATING_AFTER):
                    count += 1
            if not p.space[pos]:
                steps += 1
            pos += direction
    return count % 2 == 1


def _find_hits(compiled: _CompiledCodebook, p: Parsed, texts: Sequence[str]) -> list[_Hit]:
    raw = compiled.include.hits(p) + _regex_hits(compiled, p, texts)
    if not raw:
        return []
    excl: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for s, e, code, _ in compiled.exclude.hits(p):
        excl.setdefault((int(p.doc_of(np.array([s]))[0]), code), []).append((s, e))
    sid = p.sentence_ids()
    docs = p.doc_of(np.array([h[0] for h in raw]))
    hits: list[_Hit] = []
    seen = set()
    for (s, e, code, rule), d in zip(raw, docs.tolist()):
        if any(s < xe and xs < e for xs, xe in excl.get((d, code), ())):
            continue
        if (d, s, code) in seen:
            continue
        seen.add((d, s, code))
        lo, hi = int(p.doc_start[d]), int(p.doc_start[d + 1])
        neg = _negated(p, sid, s, e, lo, hi)
        action = compiled.on_negation.get(code, "keep")
        if neg and action == "suppress":
            continue
        if neg and action != "keep":
            rule = f"{rule} (negated: {code} -> {action})"
            code = action
        hits.append(_Hit(d, s, e, code, rule, neg))
    return hits


def tag_texts(
    texts: Sequence[str],
    codebook: Codebook,
    *,
    unit: str = "turn",
    language: str = "nl",
    groups: Iterable | None = None,
    cache: bool = True,
    n_process: int = 1,
    _compiled: _CompiledCodebook | None = None,
) -> pd.DataFrame:
    """Code a list of texts. One row per (text, code) — or (text, sentence, code) with ``unit="sentence"``.

    Columns: ``doc`` (index into ``texts``), ``sentence``, ``code``, ``start``/``end`` (character offsets of
    the evidence sentence in its text), ``evidence``, ``matched``, ``rule``, ``n_hits``, ``negated``,
    ``pipeline``.
    """
    if unit not in ("turn", "sentence"):
        raise ValueError(f"The 'unit' parameter must be one of 'turn', 'sentence'. Got {unit!r} instead.")
    texts = list(texts)
    nlp = get_nlp(language)
    p = parse(texts, nlp, groups=groups, cache=cache, n_process=n_process)
    compiled = _compiled or _CompiledCodebook(codebook)
    hits = _find_hits(compiled, p, texts)
    columns = ["doc", "sentence", "code", "start", "end", "evidence", "matched", "rule", "n_hits",
               "negated", "pipeline"]
    pipeline = f"{p.pipeline['pipeline']} {p.pipeline['pipeline_version']}"
    if not hits:
        return pd.DataFrame(columns=columns)
    sid = p.sentence_ids()
    sentence_bounds = _sentence_bounds(sid)
    groups_: dict[tuple, list[_Hit]] = {}
    for h in sorted(hits, key=lambda h: (h.doc, h.start)):
        key = (h.doc, h.code) if unit == "turn" else (h.doc, int(sid[h.start]), h.code)
        groups_.setdefault(key, []).append(h)
    rows = []
    for key, hs in groups_.items():
        code = key[-1]
        if len(hs) < compiled.min_hits.get(code, 1):
            continue
        first = hs[0]
        s0, s1 = sentence_bounds[int(sid[first.start])]
        doc_lo = int(p.doc_start[first.doc])
        a, b = int(p.start[s0]), int(p.end[s1 - 1])
        text = texts[first.doc]
        matched = list(dict.fromkeys(text[int(p.start[h.start]):int(p.end[h.end - 1])].lower() for h in hs))
        rows.append({
            "doc": first.doc, "sentence": int(sid[first.start] - sid[doc_lo]), "code": code,
            "start": a, "end": b, "evidence": text[a:b], "matched": "; ".join(matched),
            "rule": "; ".join(dict.fromkeys(h.rule for h in hs)), "n_hits": len(hs),
            "negated": any(h.negated for h in hs), "pipeline": pipeline,
        })
    return pd.DataFrame(rows, columns=columns)


def _sentence_bounds(sid: np.ndarray) -> dict[int, tuple[int, int]]:
    if not len(sid):
        return {}
    change = np.flatnonzero(np.diff(sid)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(sid)]])
    return {int(sid[s]): (int(s), int(e)) for s, e in zip(starts, ends)}


def _load_codebook(codebook) -> Codebook:
    if isinstance(codebook, Codebook):
        return codebook
    return Codebook.load(codebook)


def tag(
    segments: pd.DataFrame,
    codebook: Codebook | str | Path = "corpus/codebook.yml",
    *,
    unit: str = "turn",
    all_speakers: bool = False,
    cache: bool = True,
    n_process: int = 1,
) -> pd.DataFrame:
    """Code the turns of a segment table with a codebook.

    Parameters
    ----------
    segments : DataFrame
        ``Corpus.segments`` (needs ``transcript_id``, ``turn``, ``text``, ``start_char``,
        ``speaker``, ``speaker_role``; ``language`` if present, else Dutch).
    codebook : Codebook or path, default "corpus/codebook.yml"
    unit : {"turn", "sentence"}, default "turn"
        One row per (turn, code), or per (turn, sentence, code).
    all_speakers : bool, default False
        Also code interviewer turns (by default only respondents, and speakers of unknown role).
    cache : bool, default True
        Use the parsed-features cache.
    n_process : int, default 1
        Processes for spaCy when parsing.

    Returns
    -------
    DataFrame
        One row per code assignment (``TAG_COLUMNS``): ``start_char``/``end_char`` are the evidence
        sentence's offsets in ``Transcript.text``; ``matched`` the words that matched; ``rule`` the rule(s)
        that fired; ``negated`` whether a negation was involved; ``pipeline`` the spaCy pipeline that ran.

    Examples
    --------
    >>> from mjs_analysis import load_corpus, tag
    >>> tags = tag(load_corpus("corpus").segments)  # doctest: +SKIP
    >>> tags.groupby("code").size()  # doctest: +SKIP
    """
    cb = _load_codebook(codebook)
    rows = segments if all_speakers else segments[segments["speaker_role"] != "interviewer"]
    languages = rows["language"].fillna("nl") if "language" in rows else pd.Series("nl", index=rows.index)
    compiled = _CompiledCodebook(cb)
    frames = []
    for lang, part in rows.groupby(languages, sort=False):
        tags = tag_texts(part["text"].tolist(), cb, unit=unit, language=str(lang),
                         groups=part["transcript_id"].tolist(), cache=cache, n_process=n_process,
                         _compiled=compiled)
        if tags.empty:
            continue
        meta = part.iloc[tags["doc"].to_numpy()]
        tags.insert(0, "transcript_id", meta["transcript_id"].to_numpy())
        tags.insert(1, "turn", meta["turn"].to_numpy())
        tags["speaker"] = meta["speaker"].to_numpy()
        offset = meta["start_char"].to_numpy()
        tags["start_char"] = tags["start"].to_numpy() + offset
        tags["end_char"] = tags["end"].to_numpy() + offset
        frames.append(tags)
    if not frames:
        return pd.DataFrame(columns=TAG_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[TAG_COLUMNS]
    return out.sort_values(["transcript_id", "turn", "sentence", "code"], kind="stable").reset_index(drop=True)


def code_matrix(tags: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """A binary unit × code table: 1 where ``tags`` (or a manual coding) assigns the code.

    Every code is a column, also when it never occurs; every unit of ``units`` (rows with
    ``transcript_id`` and ``turn``) is a row, also when it got no code.
    """
    index = pd.MultiIndex.from_frame(units[["transcript_id", "turn"]].drop_duplicates())
    out = pd.DataFrame(0, index=index, columns=list(codes), dtype=int)
    present = tags[tags["code"].isin(codes)]
    keys = list(zip(present["transcript_id"], present["turn"]))
    mask = [k in out.index for k in keys]
    for (tid, turn), code in zip([k for k, m in zip(keys, mask) if m], present["code"][mask]):
        out.loc[(tid, turn), code] = 1
    return out


class CodebookTagger(TransformerMixin, BaseEstimator):
    """The rule tagger as a scikit-learn transformer: texts in, a binary text × code matrix out.

    Parameters
    ----------
    codebook : Codebook or str or Path, default "corpus/codebook.yml"
    language : {"nl", "en"}, default "nl"
    cache : bool, default True

    Attributes
    ----------
    codebook_ : Codebook
    n_features_in_ : int
        Always 1 (one text per sample).

    Examples
    --------
    >>> tagger = CodebookTagger().set_output(transform="pandas")  # doctest: +SKIP
    >>> tagger.fit_transform(["Ik heb er geen vertrouwen meer in."])["wantrouwen"]  # doctest: +SKIP
    """

    def __init__(self, codebook="corpus/codebook.yml", *, language: str = "nl", cache: bool = True):
        self.codebook = codebook
        self.language = language
        self.cache = cache

    def fit(self, X, y=None):
        if self.language not in ("nl", "en"):
            raise ValueError(f"The 'language' parameter of CodebookTagger must be one of 'nl', 'en'. "
                             f"Got {self.language!r} instead.")
        self.codebook_ = _load_codebook(self.codebook)
        self._compiled = _CompiledCodebook(self.codebook_)
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "codebook_")
        texts = _texts_of(X)
        tags = tag_texts(texts, self.codebook_, language=self.language, cache=self.cache,
                         _compiled=self._compiled)
        out = np.zeros((len(texts), len(self.codebook_.ids)), dtype=int)
        col = {c: i for i, c in enumerate(self.codebook_.ids)}
        for d, code in zip(tags["doc"], tags["code"]):
            out[int(d), col[code]] = 1
        return out

    def get_feature_names_out(self, input_features=None):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "codebook_")
        return np.asarray(self.codebook_.ids, dtype=object)


def _texts_of(X) -> list[str]:
    if isinstance(X, pd.DataFrame):
        if "text" not in X:
            raise ValueError("CodebookTagger needs texts: a list of str, a Series, or a DataFrame with a 'text' column.")
        X = X["text"]
    if isinstance(X, str):
        raise ValueError("CodebookTagger needs a list of texts, not one str.")
    return ["" if t is None else str(t) for t in X]

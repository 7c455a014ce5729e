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
alleen, en, want, omdat, ...), so a negation does not leak across "maar". What a negation does is the
code's ``on_negation`` rule: keep the code (the default: "er was geen geld" is still about money),
suppress it, or switch it to another code (``vertrouwen`` → ``wantrouwen``).

Weak cues (a code's ``weak`` rule) are words that are about the code only when the text dwells on it
("geld" in a corpus about a neighbourhood budget, "brief" as a passing detail): each counts as half a hit,
so a unit needs a term, phrase or regex hit, or two weak cues, to reach ``min_hits: 1``.

Decoys (a code's ``decoys`` rule) mark passing mentions: a hit of the code in the same sentence as a decoy
does not count ("een parkeerbon van negentig euro" is not financiering). A hit whose sentence is denied by
the next one ("Maar vertrouwen? Nee.", "... zou je het kunnen noemen. Nou, nee.") is negated. A short answer
(at most SHORT_ANSWER_WORDS words) without a hit of its own takes the theme of the interviewer's question,
with its own "nee"/"niet" applying ``on_negation`` (rule ``context:question-theme CODE``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from .codebook import DEFAULT_CODEBOOK, Codebook
from .features import Parsed, parse
from .nlp import get_nlp
from .readers.roles import CODED_ROLES

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
    weight: float = 1.0
    denied: bool = False  # by the next sentence: the evidence takes that sentence in too


class _CompiledCodebook:
    """The codebook's patterns as hash tables, built once per codebook (hashes are vocab-independent)."""

    def __init__(self, codebook: Codebook):
        from spacy.strings import StringStore

        strings = StringStore()
        self.codebook = codebook
        self.include = _PatternSet(strings)
        self.exclude = _PatternSet(strings)
        self.decoy = _PatternSet(strings)
        self.regex: list[tuple[str, str, _FastRegex]] = []
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
            for pattern in r.weak:
                self.include.add(code.id, pattern, "phrase" if " " in pattern else "term", label="weak")
            for pattern in r.exclude:
                self.exclude.add(code.id, pattern, "phrase" if " " in pattern else "term")
            for pattern in r.decoys:
                self.decoy.add(code.id, pattern, "phrase" if " " in pattern else "term")
            for pattern in r.regex:
                self.regex.append((code.id, pattern, _FastRegex(pattern)))


class _FastRegex:
    """A codebook regex (case-insensitive), searched fast.

    Two things make Python's engine slow here: a leading ``\\b`` before a letter hides the literal start
    (so every position is tried; the boundary is checked by hand instead), and case-insensitive matching.
    A pattern without capitals (so no ``\\D``, ``\\W``, ...) can run case-sensitively on the lower-cased
    text, which finds exactly the same matches.
    """

    def __init__(self, pattern: str):
        self.boundary = pattern.startswith("\\b") and pattern[2:3].isalpha()
        body = pattern[2:] if self.boundary else pattern
        self.lower_ok = pattern == pattern.lower()
        self.rx = re.compile(body) if self.lower_ok else re.compile(body, re.IGNORECASE)

    def finditer(self, text: str, lowered: str | None = None):
        """Matches in ``text``; ``lowered`` is ``text.lower()`` when that has the same length."""
        target = lowered if (self.lower_ok and lowered is not None) else text
        if self.lower_ok and lowered is None:
            target = text.lower()
            if len(target) != len(text):  # rare characters change length when lower-cased
                target, self.rx = text, re.compile(self.rx.pattern, re.IGNORECASE)
        pos = 0
        while True:
            m = self.rx.search(target, pos)
            if m is None:
                return
            i = m.start()
            if self.boundary and i > 0 and (target[i - 1].isalnum() or target[i - 1] == "_"):
                pos = i + 1  # inside a word: not a match, look again just after it
                continue
            yield m
            pos = max(m.end(), i + 1)


class _PatternSet:
    """Terms (exact or wildcard) and phrases of several codes, matched on lower-case form or lemma."""

    def __init__(self, strings):
        self._strings = strings
        self.exact: dict[int, list[tuple[str, str]]] = {}
        self.wild: list[tuple[str, str, str, str]] = []  # code, pattern, mode, stem
        self.phrases: dict[int, list[tuple[str, str, tuple[int, ...]]]] = {}  # code, rule, hashes
        self._wild_cache: dict[int, list[tuple[str, str]]] = {}
        self._wild_rx: re.Pattern | None = None

    def add(self, code: str, pattern: str, kind: str, label: str | None = None) -> None:
        """Add a term or phrase of ``code``; its hits carry the rule ``label:pattern`` (label: its kind)."""
        rule = f"{label or kind}:{pattern}"
        if kind == "phrase":
            hashes = tuple(self._strings.add(w) for w in pattern.split())
            self.phrases.setdefault(hashes[0], []).append((code, rule, hashes))
        elif pattern.startswith("*") and pattern.endswith("*") and len(pattern) > 2:
            self.wild.append((code, rule, "in", pattern[1:-1]))
        elif pattern.endswith("*"):
            self.wild.append((code, rule, "prefix", pattern[:-1]))
        elif pattern.startswith("*"):
            self.wild.append((code, rule, "suffix", pattern[1:]))
        else:
            self.exact.setdefault(self._strings.add(pattern), []).append((code, rule))

    def _wild_table(self, p: Parsed) -> dict[int, list[tuple[str, str]]]:
        """Which distinct word forms of ``p`` match which wildcard terms (each form checked once)."""
        if not self.wild:
            return {}
        if self._wild_rx is None:  # one combined regex screens the forms; the few hits are then resolved
            alts = "|".join(re.escape(stem) for _, _, _, stem in self.wild)
            self._wild_rx = re.compile(f"(?:{alts})")
        screen = self._wild_rx.search
        for h, word in p.strings.items():
            if h in self._wild_cache:
                continue
            found = []
            if screen(word):
                for code, rule, mode, stem in self.wild:
                    if (mode == "prefix" and word.startswith(stem)  # glob: '*' is zero or more characters
                            or mode == "suffix" and word.endswith(stem)
                            or mode == "in" and stem in word):
                        found.append((code, rule))
            self._wild_cache[h] = found
        return {h: v for h, v in self._wild_cache.items() if v}

    def hits(self, p: Parsed, vocab: "_Vocab") -> list[tuple[int, int, str, str]]:
        """(start, end, code, rule) for every match in ``p``; positions are token indices."""
        out: list[tuple[int, int, str, str]] = []
        for table in (self.exact, self._wild_table(p)):
            if not table:
                continue
            for pos in np.flatnonzero(vocab.mask(table.keys())).tolist():
                seen = set()
                for h in (int(p.lower[pos]), int(p.lemma[pos])):
                    for code, rule in table.get(h, ()):
                        if (code, rule) not in seen:
                            seen.add((code, rule))
                            out.append((pos, pos + 1, code, rule))
        if self.phrases:
            n = len(p.lower)
            doc = p.doc_of(np.arange(n)) if n else np.zeros(0, dtype=np.int64)
            cand_all = np.flatnonzero(vocab.mask(self.phrases.keys()))
            low, lem = p.lower[cand_all], p.lemma[cand_all]
            for first, phrases in self.phrases.items():
                cand0 = cand_all[(low == first) | (lem == first)]
                for code, rule, hashes in phrases:
                    cand = cand0[cand0 + len(hashes) <= n]
                    for k, h in enumerate(hashes[1:], start=1):  # narrow the candidates word by word
                        cand = cand[(p.lower[cand + k] == h) | (p.lemma[cand + k] == h)]
                    cand = cand[doc[cand] == doc[cand + len(hashes) - 1]]  # within one text
                    out.extend((pos, pos + len(hashes), code, rule) for pos in cand.tolist())
        return out


class _Vocab:
    """Distinct hashes of a Parsed with, per token, its index among them: one sort, then cheap lookups."""

    def __init__(self, p: Parsed):
        both = np.concatenate([p.lower, p.lemma])
        self.uniq, inverse = np.unique(both, return_inverse=True)
        self.lower_ix, self.lemma_ix = inverse[:len(p.lower)], inverse[len(p.lower):]

    def mask(self, keys) -> np.ndarray:
        """Tokens whose form or lemma is one of ``keys``."""
        keys = np.fromiter(keys, dtype=np.uint64)
        hit = np.isin(self.uniq, keys)
        return hit[self.lower_ix] | hit[self.lemma_ix]


def _regex_hits(compiled: _CompiledCodebook, p: Parsed, texts: Sequence[str]) -> list[tuple[int, int, str, str]]:
    """Regexes run once over all texts joined; a match that would cross two texts is dropped."""
    if not compiled.regex or not len(p.lower):
        return []
    sep = "\n\x00\n"
    offsets = np.cumsum([0] + [len(t) + len(sep) for t in texts[:-1]]).astype(np.int64)
    joined = sep.join(texts)
    doc_of_token = p.doc_of(np.arange(len(p.lower)))
    starts = p.start.astype(np.int64) + offsets[doc_of_token]
    ends = p.end.astype(np.int64) + offsets[doc_of_token]
    lowered = joined.lower()
    lowered = lowered if len(lowered) == len(joined) else None
    out = []
    for code, pattern, rx in compiled.regex:
        spans = [(m.start(), m.end()) for m in rx.finditer(joined, lowered) if "\x00" not in m.group()]
        if not spans:
            continue
        a = np.array([x for x, _ in spans], dtype=np.int64)
        b = np.array([max(y - 1, x) for x, y in spans], dtype=np.int64)
        first = np.searchsorted(ends, a, side="right")
        last = np.searchsorted(starts, b, side="right")
        for x, y in zip(first.tolist(), last.tolist()):
            if x < len(starts):
                out.append((x, max(y, x + 1), code, f"regex:{pattern}"))
    return out


def _hashes(words) -> list[int]:
    from spacy.strings import StringStore

    store = StringStore()
    return [store.add(w) for w in words]


_NEGATOR_HASHES = _hashes(NEGATORS | LOSS_WORDS)
_BOUNDARY_HASHES = _hashes(CLAUSE_PUNCT | CLAUSE_WORDS)
_NIET, _NOT_AFTER = _hashes(["niet"])[0], _hashes(_NOT_NEGATING_AFTER)


def _negated(p: Parsed, vocab: "_Vocab", starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """For hits [starts, ends): is there an odd number of negators in the hit's clause?

    The clause runs from the last boundary (sentence start, punctuation, conjunction) before the hit to
    the next one after it, at most NEGATION_WINDOW tokens on either side. Vectorised over all hits.
    """
    n = len(p.lower)
    neg = vocab.mask(_NEGATOR_HASHES)
    nxt_not_after = np.zeros(n, dtype=bool)
    nxt_not_after[:-1] = np.isin(p.lower[1:], _NOT_AFTER)
    neg &= ~((p.lower == _NIET) & nxt_not_after)  # "niet alleen ..." negates nothing
    marks = np.flatnonzero(vocab.mask(_BOUNDARY_HASHES) | p.sentence_starts())
    before = np.searchsorted(marks, starts, side="right") - 1
    clause_lo = np.where(before >= 0, marks[np.clip(before, 0, None)], 0)
    after = np.searchsorted(marks, ends - 1, side="right")
    clause_hi = np.where(after < len(marks), marks[np.clip(after, None, len(marks) - 1)], n)
    lo = np.maximum(clause_lo, starts - NEGATION_WINDOW)
    hi = np.minimum(clause_hi, ends + NEGATION_WINDOW)
    cum = np.concatenate([[0], np.cumsum(neg)])
    count = (cum[starts] - cum[lo]) + (cum[hi] - cum[ends])
    return count % 2 == 1


# A question answered at once with a denial ("Maar vertrouwen? Nee.") negates what it asked about; so does
# a statement followed by a bare denial ("Samenwerking, zou je het kunnen noemen. Nou, nee.").
_DENIALS = frozenset({"nee", "neen", "nope", "no", "nooit", "niks", "nauwelijks", "amper"})
_DENIAL_PAIRS = frozenset({("niet", "echt"), ("helemaal", "niet"), ("totaal", "niet"), ("absoluut", "niet"),
                           ("zeker", "niet"), ("echt", "niet"), ("bijna", "niet"), ("not", "really"),
                           ("eigenlijk", "niet"), ("niet", "helemaal"), ("niet", "bepaald")})
_ANSWER_FILLERS = frozenset({"nou", "eh", "ehm", "uh", "uhm", "hm", "hmm", "tja", "ja", "nja", ",", "...", "…",
                             "eerlijk", "gezegd", "[", "]", "lacht", "stilte", "zucht", "pauze"})
_END_PUNCT = frozenset({".", "!", "?", "...", "…"})


def _sentence_words(p: Parsed, marks: np.ndarray, k: int, doc_end: int) -> list[str]:
    """The lower-case words of sentence ``k`` (an index into ``marks``), cut at the end of its text."""
    end = int(marks[k + 1]) if k + 1 < len(marks) else len(p.lower)
    strings = p.strings
    return [strings.get(int(h), "") for h in p.lower[int(marks[k]):min(end, doc_end)]]


def _is_denial(words: list[str], bare: bool) -> bool:
    """Does a sentence open with a denial ("Nee.", "Nou, nee", "Ja, nee", "Niet echt")? With ``bare``, the
    sentence must hold nothing else (fillers and punctuation aside): "Nee, echt." is not a denial."""
    i = 0
    while i < len(words) and words[i] in _ANSWER_FILLERS:
        i += 1
    if i < len(words) and words[i] in _DENIALS:
        i += 1
    elif i + 1 < len(words) and (words[i], words[i + 1]) in _DENIAL_PAIRS:
        i += 2
    else:
        return False
    return not bare or all(w in _ANSWER_FILLERS or w in _END_PUNCT or w in _DENIALS for w in words[i:])


def _denied(p: Parsed, starts: np.ndarray) -> np.ndarray:
    """For hits starting at token ``starts``: is the hit's sentence denied by the next sentence of the same
    text? After a question ("Maar vertrouwen? Nee.", "Een omslag? Nou. Nee.") the next sentence must open
    with a denial; after a statement it must be a bare denial ("... kunnen noemen. Nou, nee."). A sentence
    of fillers only ("Nou.") in between is skipped."""
    out = np.zeros(len(starts), dtype=bool)
    if not len(starts):
        return out
    marks = np.flatnonzero(p.sentence_starts())
    nxt = np.searchsorted(marks, starts, side="right")  # index in marks of the next sentence's start
    docs = p.doc_of(starts)
    for h in np.flatnonzero(nxt < len(marks)).tolist():
        k, doc_end = int(nxt[h]), int(p.doc_start[docs[h] + 1])
        if int(marks[k]) >= doc_end:
            continue
        question = p.strings.get(int(p.lower[int(marks[k]) - 1]), "") == "?"
        words = _sentence_words(p, marks, k, doc_end)
        if words and all(w in _ANSWER_FILLERS or w in _END_PUNCT for w in words) and k + 1 < len(marks) \
                and int(marks[k + 1]) < doc_end:
            words = _sentence_words(p, marks, k + 1, doc_end)  # "Nou." then "Nee."
        out[h] = _is_denial(words, bare=not question)
    return out


def _answer_polarity(words: list[str]) -> str:
    """"no" or "yes" for a short answer: the first yes- or no-word of its first sentence with a word in it
    decides ("Nee, eerlijk gezegd niet", "Nou. Nee.", "Ja, nee" and "Niet echt" are no; "Ja, wel meer dan
    eerst" is yes); "open" when that sentence has neither ("Wisselend.")."""
    seen_word = False
    for i, w in enumerate(words):
        if w in _END_PUNCT:
            if seen_word:
                break
            continue
        if w in _DENIALS or w in NEGATORS:
            return "no"
        if w in _AFFIRMATIONS:
            rest = [x for x in words[i + 1:i + 3] if x not in (",", "...", "…")]
            return "no" if rest[:1] == ["nee"] else "yes"
        seen_word = seen_word or (w not in _ANSWER_FILLERS and any(c.isalnum() for c in w))
    return "open"


_AFFIRMATIONS = frozenset({"ja", "jawel", "zeker", "absoluut", "wel", "natuurlijk", "jazeker", "yes", "jep",
                           "klopt", "inderdaad", "tuurlijk"})


def _find_hits(compiled: _CompiledCodebook, p: Parsed, texts: Sequence[str]) -> list[_Hit]:
    vocab = p.derived("vocab", _Vocab)
    raw = compiled.include.hits(p, vocab) + _regex_hits(compiled, p, texts)
    if not raw:
        return []
    excl: dict[tuple[int, str], list[tuple[int, int]]] = {}
    ex = compiled.exclude.hits(p, vocab)
    for (s, e, code, _), d in zip(ex, p.doc_of(np.array([h[0] for h in ex], dtype=np.int64)).tolist()):
        excl.setdefault((d, code), []).append((s, e))
    starts = np.array([h[0] for h in raw], dtype=np.int64)
    ends = np.array([h[1] for h in raw], dtype=np.int64)
    docs = p.doc_of(starts).tolist()
    sid = p.derived("sentence_ids", Parsed.sentence_ids)
    decoyed = {(int(sid[s]), code) for s, _, code, _ in compiled.decoy.hits(p, vocab)}
    hit_sid = sid[starts].tolist()
    negated = _negated(p, vocab, starts, ends)
    denied = _denied(p, starts)
    negated = (negated | denied).tolist()
    denied = denied.tolist()
    hits: list[_Hit] = []
    seen = set()
    # Strong hits first, so that a word that is a term of a code and also part of its weak cue counts 1.
    order = sorted(range(len(raw)), key=lambda i: raw[i][3].startswith("weak:"))
    for i in order:
        (s, e, code, rule), d, neg = raw[i], docs[i], negated[i]
        if denied[i]:
            rule = f"{rule} (denied by the next sentence)"
        if (d, s, code) in seen:
            continue
        if excl and any(s < xe and xs < e for xs, xe in excl.get((d, code), ())):
            continue
        if (hit_sid[i], code) in decoyed:  # a passing mention: "een parkeerbon van negentig euro"
            continue
        seen.add((d, s, code))
        action = compiled.on_negation.get(code, "keep")
        if neg and action == "suppress":
            continue
        if neg and action != "keep":
            rule = f"{rule} (negated: {code} -> {action})"
            code = action
        hits.append(_Hit(d, s, e, code, rule, neg, 0.5 if rule.startswith("weak:") else 1.0, denied[i]))
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
    context: Sequence[int | None] | None = None,
    _compiled: _CompiledCodebook | None = None,
) -> pd.DataFrame:
    """Code a list of texts. One row per (text, code) — or (text, sentence, code) with ``unit="sentence"``.

    ``context`` (turn unit only) gives for each text the index of the text it answers (the interviewer's
    question), or None: a question that matches a code counts as one weak cue (half a hit) for that code
    in its answer, but only when the answer has a hit of the code of its own; a short answer without a
    hit of the code takes the question's theme (see :func:`tag`).

    Columns: ``doc`` (index into ``texts``), ``sentence``, ``code``, ``start``/``end`` (character offsets of
    the evidence sentence in its text), ``evidence``, ``matched``, ``rule``, ``n_hits``, ``negated``,
    ``pipeline``.
    """
    if unit not in ("turn", "sentence"):
        raise ValueError(f"The 'unit' parameter must be one of 'turn', 'sentence'. Got {unit!r} instead.")
    texts = list(texts)
    if context is not None and (unit != "turn" or len(context) != len(texts)):
        raise ValueError("'context' needs unit='turn' and one entry (an index into texts, or None) per text.")
    nlp = get_nlp(language)
    p = parse(texts, nlp, groups=groups, cache=cache, n_process=n_process)
    compiled = _compiled or _CompiledCodebook(codebook)
    hits = _find_hits(compiled, p, texts)
    columns = ["doc", "sentence", "code", "start", "end", "evidence", "matched", "rule", "n_hits",
               "negated", "pipeline"]
    pipeline = f"{p.pipeline['pipeline']} {p.pipeline['pipeline_version']}"
    if not hits:
        return pd.DataFrame(columns=columns)
    sid_array = p.derived("sentence_ids", Parsed.sentence_ids)
    sentence_bounds = _sentence_bounds(sid_array)
    # Plain lists: indexing numpy arrays one element at a time is slow in this loop.
    sid, tok_start, tok_end, doc_start = (sid_array.tolist(), p.start.tolist(), p.end.tolist(),
                                          p.doc_start.tolist())
    groups_: dict[tuple, list[_Hit]] = {}
    for h in sorted(hits, key=lambda h: (h.doc, h.start)):
        key = (h.doc, h.code) if unit == "turn" else (h.doc, sid[h.start], h.code)
        groups_.setdefault(key, []).append(h)
    rows = []
    for key, hs in groups_.items():
        code = key[-1]
        need = compiled.min_hits.get(code, 1)
        score = sum(h.weight for h in hs)
        rules = list(dict.fromkeys(h.rule for h in hs))
        if context is not None and score < need:
            asked = context[key[0]]
            if asked is not None and (asked, code) in groups_:
                score += 0.5  # the question was about this code: it supports the answer's own cue
                rules.append("context:question")
        if score < need:
            continue
        first = hs[0]
        s0, s1 = sentence_bounds[sid[first.start]]
        if first.denied and sid[first.start] + 1 in sentence_bounds:  # "Maar vertrouwen? Nee."
            s1 = sentence_bounds[sid[first.start] + 1][1]
        a, b = tok_start[s0], tok_end[s1 - 1]
        text = texts[first.doc]
        matched = list(dict.fromkeys(text[tok_start[h.start]:tok_end[h.end - 1]].lower() for h in hs))
        rows.append({
            "doc": first.doc, "sentence": sid[first.start] - sid[doc_start[first.doc]], "code": code,
            "start": a, "end": b, "evidence": text[a:b], "matched": "; ".join(matched),
            "rule": "; ".join(rules), "n_hits": len(hs),
            "negated": any(h.negated for h in hs), "pipeline": pipeline,
        })
    if context is not None:
        asks = _question_sentences(p, sid_array, sentence_bounds)
        rows += _question_theme_rows(p, texts, context, groups_, compiled, {(r["doc"], r["code"]) for r in rows},
                                     pipeline, lambda h: sid[h.start] in asks)
    return pd.DataFrame(rows, columns=columns)


SHORT_ANSWER_WORDS = 20  # an answer of at most this many words takes the theme of the question it answers
_NOT_WORDS = frozenset({"lacht", "stilte", "zucht", "pauze", "onverstaanbaar", "eh", "ehm", "uh", "uhm", "hm"})


def _question_sentences(p: Parsed, sid: np.ndarray, bounds: dict) -> set[int]:
    """The ids of the sentences that end in a question mark."""
    strings = p.strings
    return {k for k, (_, b) in bounds.items() if strings.get(int(p.lower[b - 1]), "") == "?"}


def _question_theme_rows(p: Parsed, texts, context, groups_, compiled, coded, pipeline, asked) -> list[dict]:
    """Rows for short answers that take the theme of the question they answer.

    "Vertrouwt u de gemeente nu?" "Ja, wel meer dan eerst." is trust although the answer has none of the
    question's words. The question must have a full hit of the code (weak cues alone do not set a theme),
    and the answer at most SHORT_ANSWER_WORDS words and no row of that code of its own. The answer's own
    polarity decides: a "no" answer ("Nee, eerlijk gezegd niet.") applies the code's ``on_negation``
    (vertrouwen -> wantrouwen; suppress drops it; keep keeps it: "Was er genoeg geld?" "Nee." is about
    money). The rule reads ``context:question-theme CODE`` plus ``(answer negated ...)``.
    """
    themes: dict[int, list[tuple[str, list[_Hit]]]] = {}
    for (doc, code), hs in groups_.items():
        hs = [h for h in hs if asked(h)]
        if sum(h.weight for h in hs) >= 1:
            themes.setdefault(doc, []).append((code, hs))
    strings = p.strings
    rows = []
    for d, q in enumerate(context):
        if q is None or q not in themes:
            continue
        words = [strings.get(int(h), "") for h in p.lower[p.doc_start[d]:p.doc_start[d + 1]]]
        n_words = sum(1 for w in words if any(c.isalnum() for c in w) and w not in _NOT_WORDS)
        if not n_words or n_words > SHORT_ANSWER_WORDS:
            continue
        polarity = _answer_polarity([w for w in words if w not in ("[", "]") and w not in _NOT_WORDS])
        for code, hs in themes[q]:
            switch = compiled.on_negation.get(code, "keep")
            if (d, code) in groups_ or (d, switch) in groups_:
                continue  # the answer speaks for itself ("Nou. Ik heb geen vertrouwen meer.")
            target, rule = code, f"context:question-theme {code}"
            if polarity == "no":
                action = switch
                if action == "suppress":
                    continue
                target = code if action == "keep" else action
                rule += " (answer negated)" if action == "keep" else f" (answer negated: {code} -> {action})"
            if (d, target) in coded:
                continue
            coded.add((d, target))
            question = texts[q]
            matched = dict.fromkeys(question[p.start[h.start]:p.end[h.end - 1]].lower() for h in hs)
            rows.append({
                "doc": d, "sentence": 0, "code": target, "start": 0, "end": len(texts[d].rstrip()),
                "evidence": texts[d].strip(), "matched": "; ".join(matched) + " (in the question)",
                "rule": rule, "n_hits": 0, "negated": polarity == "no", "pipeline": pipeline,
            })
    return rows


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
    codebook: Codebook | str | Path = DEFAULT_CODEBOOK,
    *,
    unit: str = "turn",
    all_speakers: bool = False,
    cache: bool = True,
    n_process: int = 1,
    context: bool = True,
) -> pd.DataFrame:
    """Code the turns of a segment table with a codebook.

    Parameters
    ----------
    segments : DataFrame
        ``Corpus.segments`` (needs ``transcript_id``, ``turn``, ``text``, ``start_char``,
        ``speaker``, ``speaker_role``; ``language`` if present, else Dutch).
    codebook : Codebook or path, default the package's default codebook (the demo codebook)
    unit : {"turn", "sentence"}, default "turn"
        One row per (turn, code), or per (turn, sentence, code).
    all_speakers : bool, default False
        Also code interviewer turns (by default only respondents, and speakers of unknown role).
    cache : bool, default True
        Use the parsed-features cache.
    n_process : int, default 1
        Processes for spaCy when parsing.
    context : bool, default True
        With ``unit="turn"``, let the interviewer's question support weak evidence in its answer: when the
        turn right before a respondent turn is an interviewer turn that matches a code, it counts as one
        weak cue (half a hit) for that code, but only in an answer with a hit of the code of its own; and
        a short answer (at most SHORT_ANSWER_WORDS words) with no hit of the code takes the theme of a
        question sentence that has a full hit of it ("Vertrouwt u de gemeente nu?" "Nee, eerlijk gezegd
        niet." is wantrouwen: rule ``context:question-theme vertrouwen (answer negated: ...)``).

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
    rows = segments if all_speakers else segments[segments["speaker_role"].isin(CODED_ROLES)]
    languages = rows["language"].fillna("nl") if "language" in rows else pd.Series("nl", index=rows.index)
    compiled = _CompiledCodebook(cb)
    frames = []
    questions = _questions(segments) if context and unit == "turn" else None
    for lang, part in rows.groupby(languages, sort=False):
        texts, groups, ctx = part["text"].tolist(), part["transcript_id"].tolist(), None
        if questions is not None:
            asked = questions.reindex(part.index)
            ctx, where = [], {}
            for q in asked.tolist():
                if isinstance(q, int) or (q == q and q is not None):
                    q = int(q)
                    if q not in where:
                        where[q] = len(texts)
                        texts.append(segments.at[q, "text"])
                        groups.append(f"{segments.at[q, 'transcript_id']}#questions")
                    ctx.append(where[q])
                else:
                    ctx.append(None)
            ctx += [None] * (len(texts) - len(ctx))
        tags = tag_texts(texts, cb, unit=unit, language=str(lang), groups=groups, cache=cache,
                         n_process=n_process, context=ctx, _compiled=compiled)
        tags = tags[tags["doc"] < len(part)]
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


def _questions(segments: pd.DataFrame) -> pd.Series:
    """For each turn, the index (label) of the interviewer turn right before it in its transcript."""
    order = segments.sort_values(["transcript_id", "turn"], kind="stable")
    before = order.groupby("transcript_id", sort=False)["speaker_role"].shift(1)
    label = pd.Series(order.index, index=order.index).groupby(order["transcript_id"], sort=False).shift(1)
    return label[(before == "interviewer") & order["speaker_role"].isin(CODED_ROLES)].astype(int)


def code_matrix(tags: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """A binary unit × code table: 1 where ``tags`` (or a manual coding) assigns the code.

    Every code is a column, also when it never occurs; every unit of ``units`` (rows with
    ``transcript_id`` and ``turn``) is a row, in the order of ``units``, also when it got no code.
    """
    index = pd.MultiIndex.from_frame(units[["transcript_id", "turn"]].drop_duplicates())
    present = tags[tags["code"].isin(codes)][["transcript_id", "turn", "code"]].drop_duplicates()
    flags = pd.crosstab([present["transcript_id"], present["turn"]], present["code"]).clip(upper=1)
    return flags.reindex(index=index, columns=list(codes), fill_value=0).fillna(0).astype(int)


class CodebookTagger(TransformerMixin, BaseEstimator):
    """The rule tagger as a scikit-learn transformer: texts in, a binary text × code matrix out.

    Parameters
    ----------
    codebook : Codebook or str or Path, default the package's default codebook (the demo codebook)
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

    def __init__(self, codebook=DEFAULT_CODEBOOK, *, language: str = "nl", cache: bool = True):
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

"""Token features of many texts as flat arrays, with an on-disk cache.

The tagger and the topic models need, per token: its lower-case form, its lemma, where it starts and ends
in its text, and whether it starts a sentence. Parsing is the expensive step, so ``parse`` keeps these
features in a cache keyed by the texts' hash and the pipeline's name and version: re-tagging after a
codebook edit does not run spaCy again. The cache stores plain arrays (one file per group of
texts, e.g. one transcript) because rebuilding spaCy ``Doc`` objects from a ``DocBin`` costs about as
much as tokenising again, which would make the cache pointless. The arrays are pickled: the cache is
private to the user (never shared, never committed) and pickle is the fastest way to read them back.

The cache lives outside the repository, in the user cache folder (``MJS_CACHE_DIR`` overrides it);
``mjs cache clear`` empties it. Within one process the most recently used groups also stay in memory
(up to 5 million tokens), so re-tagging in a notebook after a codebook edit reads no file at all.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from spacy.attrs import IDX, IS_SPACE, LEMMA, LENGTH, LOWER, POS, SENT_START
from spacy.language import Language

from .nlp import pipeline_info

__all__ = ["Parsed", "parse", "cache_dir", "clear_cache"]

_SEP = "\x00"  # never inside a token: transcripts with NUL bytes are rejected by the readers


def cache_dir() -> Path:
    """Where parsed features are cached: ``$MJS_CACHE_DIR`` or the user cache folder."""
    env = os.environ.get("MJS_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("mjs-analysis")) / "features"


def clear_cache() -> int:
    """Remove every cached file (and this process's memory of them); returns how many files there were."""
    _MEMORY.clear()
    _RESULTS.clear()
    root = cache_dir()
    if not root.exists():
        return 0
    n = sum(1 for p in root.rglob("*.pkl"))
    shutil.rmtree(root)
    return n


def _string_hashes(words) -> np.ndarray:
    from spacy.strings import StringStore

    store = StringStore()
    return np.array([store.add(w) for w in words], dtype=np.uint64)


_OPENING_HASHES = _string_hashes(["[", "(", "{"])


@dataclass
class Parsed:
    """Features of ``n_docs`` texts as arrays over all their tokens.

    ``lower`` and ``lemma`` hold spaCy string hashes (lemma lower-cased); ``start``/``end`` are character
    offsets in the token's own text; ``doc_start[i]:doc_start[i+1]`` are the tokens of text ``i``;
    ``strings`` maps every hash used to its string.
    """

    lower: np.ndarray
    lemma: np.ndarray
    start: np.ndarray
    end: np.ndarray
    sent_start: np.ndarray
    space: np.ndarray
    doc_start: np.ndarray
    strings: dict
    pipeline: dict
    pos: np.ndarray | None = None  # spaCy's universal POS ids, all 0 when the pipeline has no tagger

    def derived(self, name: str, make):
        """A value computed from these arrays once and kept (the arrays are never changed in place)."""
        cache = self.__dict__.setdefault("_derived", {})
        if name not in cache:
            cache[name] = make(self)
        return cache[name]

    @property
    def n_docs(self) -> int:
        return len(self.doc_start) - 1

    def doc_of(self, positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.doc_start, positions, side="right") - 1

    def sentence_starts(self) -> np.ndarray:
        """True where a sentence starts (a new text always starts a new sentence).

        spaCy's sentencizer keeps an opening bracket with the sentence before it ("Ja! [" + "lacht] Gloria
        ..."); here the bracket opens the next sentence, so no sentence starts or ends inside ``[...]``.
        """
        starts = self.sent_start.copy()
        if len(starts) > 1:
            opening = np.isin(self.lower[:-1], _OPENING_HASHES)
            moved = np.flatnonzero(starts[1:] & opening)
            starts[moved + 1] = False
            starts[moved] = True
        starts[self.doc_start[:-1][self.doc_start[:-1] < len(starts)]] = True
        return starts

    def sentence_ids(self) -> np.ndarray:
        """A global sentence number per token."""
        return np.cumsum(self.sentence_starts()) - 1

    @classmethod
    def concat(cls, parts: Sequence["Parsed"], pipeline: dict) -> "Parsed":
        if not parts:
            empty = np.zeros(0, dtype=np.uint64)
            return cls(empty, empty, *(np.zeros(0, dtype=np.int32),) * 2, *(np.zeros(0, dtype=bool),) * 2,
                       np.zeros(1, dtype=np.int64), {}, pipeline, empty)
        total, starts = 0, []
        for p in parts:
            starts.append(p.doc_start[:-1] + total)
            total += len(p.lower)
        strings: dict = {}
        for p in parts:
            strings.update(p.strings)
        return cls(
            np.concatenate([p.lower for p in parts]), np.concatenate([p.lemma for p in parts]),
            np.concatenate([p.start for p in parts]), np.concatenate([p.end for p in parts]),
            np.concatenate([p.sent_start for p in parts]), np.concatenate([p.space for p in parts]),
            np.concatenate(starts + [np.array([total], dtype=np.int64)]).astype(np.int64),
            strings, pipeline,
            np.concatenate([p.pos if p.pos is not None else np.zeros(len(p.lower), dtype=np.uint64)
                            for p in parts]),
        )


def _from_docs(docs: list, nlp: Language) -> Parsed:
    attrs = [LOWER, LEMMA, SENT_START, IS_SPACE, IDX, LENGTH, POS]
    lengths = np.array([len(d) for d in docs], dtype=np.int64)
    if docs and lengths.sum():
        arr = np.concatenate([d.to_array(attrs).reshape(-1, len(attrs)) for d in docs])
    else:
        arr = np.zeros((0, len(attrs)), dtype=np.uint64)
    starts = arr[:, 4].astype(np.int32)
    ends = starts + arr[:, 5].astype(np.int32)
    strings_ = nlp.vocab.strings
    lower = arr[:, 0].astype(np.uint64)
    lemma_raw = arr[:, 1].astype(np.uint64)
    # Lemmas lower-cased, so that terms match however the speaker's sentence began.
    uniq, inverse = np.unique(lemma_raw, return_inverse=True)
    lowered = np.array([strings_.add(strings_[int(h)].lower()) if h else 0 for h in uniq], dtype=np.uint64)
    lemma = lowered[inverse] if len(uniq) else lemma_raw
    lemma = np.where(lemma == 0, lower, lemma)  # no lemma (pipeline without lemmatizer): use the form
    strings = {int(h): strings_[int(h)] for h in np.unique(np.concatenate([lower, lemma])) if h}
    sent = arr[:, 2].astype(np.int64) == 1
    pos = arr[:, 6].astype(np.uint64)  # universal POS ids (0 without a tagger)
    return Parsed(lower, lemma, starts, ends, sent, arr[:, 3].astype(bool),
                  np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64), strings, pipeline_info(nlp), pos)


def _key(texts: Sequence[str], pipeline: dict) -> str:
    digest = hashlib.sha256(repr(sorted(pipeline.items())).encode())
    for text in texts:
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    return digest.hexdigest()


_FORMAT = 2  # bump when the stored fields change


def _save(path: Path, p: Parsed) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    # One pickle per group: a few arrays and a dict load far faster than an .npz of separate members,
    # and the warm cache must be cheap to read. Only this process's own cache folder is ever read.
    with open(tmp, "wb") as fh:
        pickle.dump((_FORMAT, p.lower, p.lemma, p.start, p.end, p.sent_start, p.space, p.doc_start,
                     p.strings, p.pos), fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)  # atomic: a parallel run never reads half a file


def _load(path: Path, pipeline: dict) -> Parsed | None:
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception:  # damaged or from another version: parse again
        return None
    if not isinstance(data, tuple) or len(data) != 10 or data[0] != _FORMAT:
        return None
    return Parsed(*data[1:9], pipeline, data[9])


class _Memory:
    """Recently parsed groups kept in this process, so that re-tagging in a notebook reads no file."""

    def __init__(self, max_tokens: int = 5_000_000):
        self.max_tokens = max_tokens
        self._items: dict[str, Parsed] = {}
        self._tokens = 0

    def get(self, key: str) -> Parsed | None:
        item = self._items.pop(key, None)
        if item is not None:
            self._items[key] = item  # most recently used last
        return item

    def put(self, key: str, parsed: Parsed) -> None:
        old = self._items.pop(key, None)
        self._tokens += len(parsed.lower) - (len(old.lower) if old is not None else 0)
        self._items[key] = parsed
        while self._tokens > self.max_tokens and len(self._items) > 1:
            self._tokens -= len(self._items.pop(next(iter(self._items))).lower)

    def clear(self) -> None:
        self._items.clear()
        self._tokens = 0


_MEMORY = _Memory()
_RESULTS: dict[str, "Parsed"] = {}


def parse(
    texts: Sequence[str],
    nlp: Language,
    *,
    groups: Iterable | None = None,
    cache: bool = True,
    n_process: int = 1,
    batch_size: int = 256,
) -> Parsed:
    """Token features of ``texts``, from the cache where possible, else with ``nlp.pipe``.

    Parameters
    ----------
    texts : sequence of str
    nlp : spacy Language
    groups : iterable, optional
        A group label per text (e.g. the transcript id); the cache holds one file per group, so editing
        one transcript re-parses only that one. Default: one group for all texts.
    cache : bool, default True
        Read and write the cache (``--no-cache`` turns it off).
    n_process : int, default 1
        Processes for ``nlp.pipe``.
    batch_size : int, default 256

    Returns
    -------
    Parsed
    """
    texts = list(texts)
    labels = list(groups) if groups is not None else [0] * len(texts)
    order: dict = {}
    for i, g in enumerate(labels):
        order.setdefault(g, []).append(i)
    info = pipeline_info(nlp)
    root = cache_dir() / f"{info['pipeline']}-{info['pipeline_version']}-spacy{info['spacy_version']}"
    keys = {g: _key([texts[i] for i in idx], info) for g, idx in order.items()}
    whole = hashlib.sha256("".join(keys.values()).encode() + repr(labels).encode()).hexdigest()
    if cache and whole in _RESULTS:  # the same texts again in this process (re-tagging in a notebook)
        return _RESULTS[whole]
    found: dict = {}
    missing: list = []
    for g, idx in order.items():
        key = keys[g]
        path = root / key[:2] / f"{key}.pkl"
        hit = (_MEMORY.get(key) or _load(path, info)) if cache else None
        if hit is not None and hit.n_docs == len(idx):
            found[g] = hit
            _MEMORY.put(key, hit)
        else:
            missing.append((g, idx, path, key))
    if missing:
        flat = [texts[i] for _, idx, _, _ in missing for i in idx]
        docs = list(nlp.pipe(flat, batch_size=batch_size, n_process=n_process))
        pos = 0
        for g, idx, path, key in missing:
            part = _from_docs(docs[pos:pos + len(idx)], nlp)
            pos += len(idx)
            found[g] = part
            if cache:
                _save(path, part)
                _MEMORY.put(key, part)
    # Back into the order of `texts`: groups are contiguous in the common case; otherwise reorder.
    parts = [found[g] for g in order]
    parsed = Parsed.concat(parts, info)
    flat_order = [i for idx in order.values() for i in idx]
    if flat_order != list(range(len(texts))):
        parsed = _reorder(parsed, np.argsort(flat_order))
    if cache:
        _RESULTS.clear()  # keep only the latest whole result: it can be large
        _RESULTS[whole] = parsed
    return parsed


def _reorder(p: Parsed, doc_order: np.ndarray) -> Parsed:
    """The same features with the documents in ``doc_order``."""
    spans = [np.arange(p.doc_start[i], p.doc_start[i + 1]) for i in doc_order]
    take = np.concatenate(spans) if spans else np.zeros(0, dtype=np.int64)
    lengths = np.array([len(s) for s in spans], dtype=np.int64)
    return Parsed(p.lower[take], p.lemma[take], p.start[take], p.end[take], p.sent_start[take],
                  p.space[take], np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
                  p.strings, p.pipeline, None if p.pos is None else p.pos[take])

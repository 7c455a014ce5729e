"""Topic models researchers can trust: chosen by coherence and stability, linked to quotes, codes, groups.

Documents are respondent turns (or fixed-size chunks, or whole transcripts) as content lemmas from the NLP
layer (stop words, spoken fillers, punctuation and numbers dropped), with frequent bigrams as phrases.
The vectoriser and the model form one scikit-learn ``Pipeline``: ``CountVectorizer`` + LDA, or
``TfidfVectorizer`` + NMF, both seeded, so the same input and seed give the same topics.

Quality measures, all on the same documents the model saw:

- **coherence**: NPMI of each topic's top-10 terms from document co-occurrence, averaged over term pairs
  (a pair that never co-occurs counts -1);
- **stability**: mean best-match Jaccard similarity of the top-10 term sets of runs with different seeds;
- **diversity**: unique top-10 terms / all top-10 terms.

- **coverage**: share of documents with at least one top term of their dominant topic (too few topics
  merge themes, and the documents of the merged-away theme find none of their words in the top terms).

``k="auto"`` fits every k in a range with several seeds and picks the k with the highest sum of the four
measures (each on its own 0–1 scale, rounded to three decimals; a tie goes to the smaller k); the whole
curve is kept so the researcher can overrule it. A model whose stability is below ``STABLE`` carries a
Dutch warning in ``notes``, with the stability per k. Rankings (top terms, quotes) round weights to
``WEIGHT_DECIMALS`` and break ties explicitly, and models are fitted on one BLAS thread, so the same
input gives the same topics on every machine.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from importlib import resources
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import Pipeline

from .errors import MjsError
from .features import parse
from .nlp import fillers, get_nlp
from .readers import _ANNOTATION
from .readers.roles import CODED_ROLES

__all__ = ["fit_topics", "TopicModel", "content_lemmas", "npmi", "topic_diversity", "topic_stability",
           "make_documents"]

METHODS = ("lda", "nmf")
UNITS = ("turn", "chunk", "transcript")


class TopicError(MjsError, ValueError):
    """The documents cannot carry the requested model (too few documents or terms for k)."""


# --------------------------------------------------------------------------- documents


@functools.lru_cache(maxsize=None)
def topic_stopwords(language: str = "nl") -> frozenset[str]:
    """spaCy's stop words, the spoken fillers, and ``data/topic_stopwords_<lang>.txt`` (general spoken words)."""
    import spacy

    try:
        extra = resources.files("mjs_analysis").joinpath(f"data/topic_stopwords_{language}.txt").read_text("utf-8")
    except FileNotFoundError:
        extra = ""
    words = {w.strip().lower() for w in extra.splitlines() if w.strip() and not w.startswith("#")}
    return frozenset(spacy.blank(language).Defaults.stop_words | words
                     | {f for f in fillers(language) if " " not in f})


CONTENT_POS = ("NOUN", "PROPN", "ADJ", "VERB")


def content_lemmas(texts: Sequence[str], *, language: str = "nl", cache: bool = True,
                   groups=None, nlp=None) -> list[list[str]]:
    """Each text as its content lemmas: lower-case, alphabetic, 3+ letters, no stop words or fillers.

    Transcription marks such as ``[lacht]`` and pseudonyms (``Persoon 3``) are removed first: they are
    not spoken content. With a
    pipeline that tags parts of speech (a trained one), only nouns, proper nouns, adjectives and verbs
    are kept; the blank fallback has no tags, so there the stop-word lists do that work.
    """
    from spacy.symbols import IDS

    nlp = nlp if nlp is not None else get_nlp(language)
    pseudonym = _pseudonym_pattern()
    texts = [pseudonym.sub(" ", _ANNOTATION.sub(" ", t)) for t in texts]
    p = parse(texts, nlp, groups=groups, cache=cache)
    stop = topic_stopwords(language)
    uniq, inverse = np.unique(p.lemma, return_inverse=True)
    keep_word = np.array([_is_content(p.strings.get(int(h), ""), stop) for h in uniq], dtype=bool)
    keep = keep_word[inverse] if len(uniq) else np.zeros(0, dtype=bool)
    if p.pos is not None and p.pos.any():
        keep &= np.isin(p.pos, [IDS[tag] for tag in CONTENT_POS])
    words = [p.strings.get(int(h), "") for h in uniq]
    out = []
    for d in range(p.n_docs):
        lo, hi = int(p.doc_start[d]), int(p.doc_start[d + 1])
        out.append([words[i] for i, k in zip(inverse[lo:hi].tolist(), keep[lo:hi].tolist()) if k])
    return out


def _is_content(word: str, stop: set) -> bool:
    return len(word) >= 3 and word.isalpha() and word not in stop


def make_documents(segments: pd.DataFrame, *, unit: str = "turn", chunk_words: int = 150,
                   language: str = "nl", cache: bool = True,
                   drop_names: bool = True) -> tuple[list[list[str]], pd.DataFrame]:
    """Documents (lists of content lemmas) and their metadata from respondent turns of a segment table.

    ``unit="turn"``: one document per respondent turn; ``"chunk"``: consecutive respondent words of a
    transcript cut into chunks of ``chunk_words`` content lemmas; ``"transcript"``: one per transcript.
    Documents without content lemmas are left out. Each turn is lemmatised in its transcript's language
    (the ``language`` column; ``language`` is the default where it is missing). With ``drop_names``,
    the names of people (:func:`person_names`, from all turns and the speaker labels) are left out.
    """
    if unit not in UNITS:
        raise ValueError(f"The 'unit' parameter must be one of {', '.join(UNITS)}. Got {unit!r} instead.")
    rows = segments[segments["speaker_role"].isin(CODED_ROLES)].reset_index(drop=True)
    languages = rows["language"].fillna(language) if "language" in rows else pd.Series(language, index=rows.index)
    lemmas: list = [None] * len(rows)
    for lang, part in rows.groupby(languages, sort=False):
        for i, words in zip(part.index, content_lemmas(part["text"].tolist(), language=str(lang), cache=cache,
                                                       groups=part["transcript_id"].tolist())):
            lemmas[i] = words
    if drop_names:
        labels = segments["speaker"].dropna().unique().tolist() if "speaker" in segments else []
        names = person_names(segments["text"].tolist(), labels)
        lemmas = [[w for w in words if w not in names] for words in lemmas]
    meta_cols = [c for c in ("transcript_id", "turn", "speaker", "stakeholder", "neighbourhood", "district",
                             "respondent_role", "timestamp", "text", "start_char", "end_char") if c in rows]
    if unit == "turn":
        meta = rows[meta_cols].copy()
        docs = lemmas
    else:
        docs, records = [], []
        for tid, part in rows.groupby("transcript_id", sort=False):
            words = [w for i in part.index for w in lemmas[i]]
            first = part.iloc[0]
            size = len(words) if unit == "transcript" else chunk_words
            for n, start in enumerate(range(0, max(len(words), 1), max(size, 1))):
                docs.append(words[start:start + size])
                records.append({"transcript_id": tid, "chunk": n,
                                **{c: first[c] for c in ("neighbourhood", "district", "respondent_role")
                                   if c in part}})
        meta = pd.DataFrame(records)
    keep = [i for i, d in enumerate(docs) if d]
    return [docs[i] for i in keep], meta.iloc[keep].reset_index(drop=True)


def _analyzer(doc: list[str]) -> list[str]:
    """Unigrams plus adjacent bigrams ("gemeente_luisteren"); min_df keeps only frequent bigrams.

    A repeated word ("geld, geld") is emphasis or hesitation, not a phrase: no bigram of a word with itself.
    """
    return list(doc) + [f"{a}_{b}" for a, b in zip(doc, doc[1:]) if a != b]


# --------------------------------------------------------------------------- names


@functools.lru_cache(maxsize=1)
def _pseudonym_pattern() -> re.Pattern:
    """``Persoon 3``, ``Adres 1``, ... : the pseudonyms :mod:`mjs_analysis.privacy` writes."""
    from .privacy import _WORDS

    words = "|".join(sorted(re.escape(w) for w in set(_WORDS.values())))
    return re.compile(rf"\b(?:{words})\s+\d+\b")


@functools.lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """Dutch first names from deduce's source list (a plain text file: no need to build deduce)."""
    from importlib.util import find_spec

    spec = find_spec("deduce")  # found, not imported: importing deduce configures logging and costs seconds
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - deduce is a dependency
        return frozenset()
    path = Path(list(spec.submodule_search_locations)[0]) / "data/lookup/src/names/lst_first_name/items.txt"
    try:
        return frozenset(w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines() if w.strip())
    except OSError:  # pragma: no cover
        return frozenset()


_WORD = re.compile(r"[^\W\d_]+")
_OPENS_SENTENCE = re.compile(r"(?:^|[.!?…:;\[\]\"“”(])\s*$")


def person_names(texts: Sequence[str], labels: Sequence[str] = ()) -> frozenset[str]:
    """Lower-cased words that name people here, to keep out of topic terms and distinctive words.

    A word is a name when it is part of a speaker label that is not a role (``Gloria``, but nothing of
    ``Onderzoeker B`` or ``Bewoner 2``), or a known first name (deduce's list) written with a capital in
    at least 90% of its occurrences that do not open a sentence: "Roos" the neighbour is a name, "roos"
    the flower, written in lower case, stays a word.
    """
    from .privacy import _role_label

    names = set()
    for label in labels:
        if not _role_label(str(label)):
            names.update(w.lower() for w in _WORD.findall(str(label)) if len(w) > 1)
    known = _first_names()
    capital, small = Counter(), Counter()
    for text in texts:
        for m in _WORD.finditer(text):
            key = m.group().lower()
            if key not in known or _OPENS_SENTENCE.search(text[max(0, m.start() - 4):m.start()]):
                continue
            (capital if m.group()[0].isupper() else small)[key] += 1
    names.update(key for key, n in capital.items() if n >= 9 * small.get(key, 0))
    return frozenset(names)


# --------------------------------------------------------------------------- quality measures


def npmi(doc_term, top_terms: Sequence[Sequence[int]]) -> np.ndarray:
    """NPMI coherence of each topic from document co-occurrence.

    Parameters
    ----------
    doc_term : array-like or sparse matrix of shape (n_docs, n_terms)
        Counts or presence; only presence (> 0) is used.
    top_terms : sequence of sequences of int
        Column indices of each topic's top terms.

    Returns
    -------
    ndarray of shape (n_topics,)
        Mean NPMI over the topic's term pairs; a pair that never co-occurs counts -1.
    """
    import scipy.sparse as sp

    X = sp.csc_matrix(doc_term)
    X.data = (X.data > 0).astype(np.float64)
    n = X.shape[0]
    scores = []
    for terms in top_terms:
        terms = list(terms)
        sub = X[:, terms]
        df = np.asarray(sub.sum(axis=0)).ravel()
        co = (sub.T @ sub).toarray()
        values = []
        for i, j in combinations(range(len(terms)), 2):
            if co[i, j] == 0 or df[i] == 0 or df[j] == 0:
                values.append(-1.0)
                continue
            p_ij, p_i, p_j = co[i, j] / n, df[i] / n, df[j] / n
            values.append(1.0 if p_ij == 1 else math.log(p_ij / (p_i * p_j)) / -math.log(p_ij))
        scores.append(float(np.mean(values)) if values else float("nan"))
    return np.array(scores)


def topic_diversity(top_terms: Sequence[Sequence]) -> float:
    """Unique top terms divided by all top terms (1 = no two topics share a term)."""
    flat = [t for terms in top_terms for t in terms]
    return len(set(flat)) / len(flat) if flat else float("nan")


def topic_stability(runs: Sequence[Sequence[Sequence]]) -> float:
    """Mean best-match Jaccard similarity of top-term sets between every ordered pair of runs."""
    if len(runs) < 2:
        return float("nan")
    sims = []
    for a, b in ((a, b) for a in range(len(runs)) for b in range(len(runs)) if a != b):
        for topic in runs[a]:
            s = set(topic)
            sims.append(max(len(s & set(t)) / len(s | set(t)) for t in runs[b]))
    return float(np.mean(sims))


# --------------------------------------------------------------------------- models


def _pipeline(method: str, k: int, seed: int, min_df, max_df) -> Pipeline:
    if method == "lda":
        vec = CountVectorizer(analyzer=_analyzer, min_df=min_df, max_df=max_df)
        model = LatentDirichletAllocation(n_components=k, random_state=seed, learning_method="batch",
                                          max_iter=30, doc_topic_prior=0.1, topic_word_prior=0.01)
    else:
        vec = TfidfVectorizer(analyzer=_analyzer, min_df=min_df, max_df=max_df, sublinear_tf=True)
        model = NMF(n_components=k, random_state=seed, init="nndsvda", max_iter=400)
    return Pipeline([("vectorizer", vec), ("model", model)])


#: Decimals of the normalised weights that rankings see: differences below this are floating-point noise
#: (BLAS thread count, CPU kernel) and must not reorder terms, quotes or topics.
WEIGHT_DECIMALS = 6


def _top(components: np.ndarray, n_top: int) -> list[list[int]]:
    """Each topic's top terms: by weight (normalised, rounded to WEIGHT_DECIMALS), ties by term (A-Z).

    The vectoriser's vocabulary is sorted, so the column index is the alphabetical tie-break.
    """
    norm = components / np.clip(components.sum(axis=1, keepdims=True), 1e-300, None)
    rounded = np.round(norm, WEIGHT_DECIMALS)
    index = np.arange(components.shape[1])
    return [np.lexsort((index, -row))[:n_top].tolist() for row in rounded]


@dataclass
class TopicModel:
    """A fitted topic model with its quality measures and its links to documents."""

    method: str
    k: int
    seed: int
    pipeline: Pipeline
    documents: list
    meta: pd.DataFrame
    npmi_per_topic: np.ndarray
    stability: float
    selection: pd.DataFrame | None = None
    labels: dict = field(default_factory=dict)
    n_top: int = 10
    notes: list = field(default_factory=list)

    @property
    def terms_(self) -> np.ndarray:
        return self.pipeline.named_steps["vectorizer"].get_feature_names_out()

    @property
    def npmi(self) -> float:
        return float(np.mean(self.npmi_per_topic))

    @property
    def diversity(self) -> float:
        return topic_diversity([t for t in self.top_terms()])

    def top_terms(self) -> list[list[str]]:
        components = self.pipeline.named_steps["model"].components_
        return [[self.terms_[i] for i in idx] for idx in _top(components, self.n_top)]

    def rename(self, labels) -> "TopicModel":
        """Give topics readable names: a dict {id: label} or a YAML file with ``id: label`` lines."""
        if not isinstance(labels, dict):
            import yaml

            try:
                labels = yaml.safe_load(Path(labels).read_text(encoding="utf-8")) or {}
            except (OSError, yaml.YAMLError) as exc:
                raise TopicError(f"{labels}: cannot read topic labels: {exc}") from None
            if not isinstance(labels, dict):
                raise TopicError(f"topic labels must be 'id: label' lines; got {type(labels).__name__}")
        unknown = [t for t in labels if not (isinstance(t, int) and 0 <= t < self.k)]
        if unknown:
            raise TopicError(f"topic labels name topics that do not exist: {unknown} (ids are 0..{self.k - 1})")
        self.labels = {**self.labels, **{int(t): str(v) for t, v in labels.items()}}
        return self

    def topics(self) -> pd.DataFrame:
        """One row per topic: id, label (top three terms unless renamed), terms, weights, npmi."""
        components = self.pipeline.named_steps["model"].components_
        norm = components / components.sum(axis=1, keepdims=True)
        rows = []
        for t, idx in enumerate(_top(components, self.n_top)):
            terms = [str(self.terms_[i]) for i in idx]
            rows.append({"id": t, "label": self.labels.get(t, " / ".join(terms[:3])), "terms": terms,
                         "weights": [round(float(norm[t, i]), 4) for i in idx],
                         "npmi": round(float(self.npmi_per_topic[t]), 4)})
        return pd.DataFrame(rows)

    def document_topics(self) -> pd.DataFrame:
        """Document × topic weights (rows sum to 1), joined with the documents' metadata."""
        with _one_thread():
            weights = self.pipeline.transform(self.documents)
        weights = weights / np.clip(weights.sum(axis=1, keepdims=True), 1e-12, None)
        weights = np.round(weights, WEIGHT_DECIMALS)
        frame = pd.DataFrame(weights, columns=[f"topic_{t}" for t in range(self.k)])
        frame["dominant_topic"] = weights.argmax(axis=1)  # a tie goes to the lower topic id
        return pd.concat([self.meta.reset_index(drop=True), frame], axis=1)

    def prevalence(self, by: str = "neighbourhood", n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
        """Mean topic weight per group, with a 95% bootstrap interval over the group's documents."""
        dt = self.document_topics()
        cols = [f"topic_{t}" for t in range(self.k)]
        rng = np.random.default_rng(seed)
        rows = []
        for group, part in dt.groupby(by):
            values = part[cols].to_numpy()
            boots = np.array([values[rng.integers(0, len(values), len(values))].mean(axis=0)
                              for _ in range(n_boot)])
            lo, hi = np.percentile(boots, [2.5, 97.5], axis=0)
            for t in range(self.k):
                rows.append({by: group, "topic": t, "prevalence": values[:, t].mean(), "low": lo[t],
                             "high": hi[t], "n_docs": len(values)})
        return pd.DataFrame(rows)

    def quotes(self, n: int = 3, min_words: int = 12) -> pd.DataFrame:
        """Representative documents per topic (turns: with speaker, turn and timestamp).

        Only substantive turns count: at least ``min_words`` words of text and at least three content
        lemmas (a one-word turn such as "Accountantsverklaring." weighs 1.0 on its topic and says
        nothing). Ranked by topic weight (rounded to ``WEIGHT_DECIMALS``), then longer text first, then
        transcript id and turn: the same quotes on every machine.
        """
        dt = self.document_topics()
        text = dt["text"] if "text" in dt else pd.Series("", index=dt.index)
        n_words = text.fillna("").str.split().str.len()
        n_lemmas = pd.Series([len(d) for d in self.documents], index=dt.index)
        ok = dt[(n_lemmas >= 3) & ((n_words >= min_words) | ("text" not in dt))].assign(_words=n_words)
        ties = [c for c in ("transcript_id", "turn", "chunk") if c in ok]
        out = []
        for t in range(self.k):
            col = f"topic_{t}"
            best = ok[ok[col] > 0].sort_values([col, "_words", *ties], ascending=[False, False, *[True] * len(ties)],
                                               kind="stable")
            out.append(best.head(n).assign(topic=t, weight=lambda d, c=col: d[c]))
        keep = ["topic", "weight"] + [c for c in ("transcript_id", "turn", "chunk", "speaker", "neighbourhood",
                                                  "stakeholder", "timestamp", "text") if c in dt]
        return pd.concat(out, ignore_index=True)[keep]

    def code_table(self, tags: pd.DataFrame) -> pd.DataFrame:
        """Mean topic weight of the turns that carry each code (codes × topics): which topic holds which code."""
        dt = self.document_topics()
        if "turn" not in dt:
            raise TopicError("the topic × code table needs documents that are turns (unit='turn')")
        merged = tags[["transcript_id", "turn", "code"]].drop_duplicates().merge(dt, on=["transcript_id", "turn"])
        cols = [f"topic_{t}" for t in range(self.k)]
        return merged.groupby("code")[cols].mean()

    def to_dict(self) -> dict:
        topics = self.topics()
        return {"method": self.method, "k": self.k, "seed": self.seed, "npmi": round(self.npmi, 4),
                "notes": list(self.notes),
                "diversity": round(self.diversity, 4),
                "stability": None if self.stability != self.stability else round(self.stability, 4),
                "topics": [{"id": int(r.id), "label": r.label, "terms": r.terms, "weights": r.weights}
                           for r in topics.itertuples()]}


def _one_thread():
    """One BLAS thread: a sum split over threads is added in another order, and the last digits differ."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _fit_one(documents, method, k, seed, min_df, max_df):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    pipe = _pipeline(method, k, seed, min_df, max_df)
    with _one_thread(), warnings.catch_warnings():
        # NMF stops at max_iter on some candidate k: the quality measures judge the result, not the count.
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(documents)
    return pipe


def _n_terms(documents, min_df, max_df) -> int:
    try:
        return CountVectorizer(analyzer=_analyzer, min_df=min_df, max_df=max_df).fit_transform(documents).shape[1]
    except ValueError:  # sklearn: "After pruning, no terms remain"
        return 0


def _fits(n_docs: int, n_terms: int, k: int) -> bool:
    """At least two documents and two terms per topic."""
    return n_docs >= 2 * k and n_terms >= 2 * k


def _check(documents, k, min_df, max_df, n_terms=None):
    n = len(documents)
    if n < 2 * k:
        raise TopicError(f"The corpus has {n} documents after filtering; k={k} needs at least {2 * k}. "
                         f"Use a smaller k (mjs topics --k), shorter documents (--unit turn) or more transcripts.")
    have = _n_terms(documents, min_df, max_df) if n_terms is None else n_terms
    if have < 2 * k:
        raise TopicError(f"Only {have} terms remain after min_df={min_df}/max_df={max_df}; k={k} needs at "
                         f"least {2 * k}. Use a smaller k (mjs topics --k), or lower min_df (mjs topics --min-df).")


#: Below this stability across seeds a topic model tells a different story with another seed.
STABLE = 0.8
#: What ``k="auto"`` adds up per candidate k.
SCORE_MEASURES = ("npmi", "stability", "coverage", "diversity")


def fit_topics(
    documents: Sequence[Sequence[str]],
    meta: pd.DataFrame | None = None,
    *,
    k: int | str = 8,
    method: str = "nmf",
    seed: int = 0,
    k_range: Sequence[int] = range(4, 13),
    seeds: Sequence[int] = (0, 1, 2),
    min_df: int | float = 3,
    max_df: float = 0.5,
    n_top: int = 10,
) -> TopicModel:
    """Fit a topic model on documents of content lemmas (see :func:`make_documents`).

    Parameters
    ----------
    documents : list of list of str
    meta : DataFrame, optional
        One row per document (transcript, turn, neighbourhood, ...), carried into the outputs.
    k : int in [2, 100] or "auto", default 8
        With "auto", the k of ``k_range`` with the highest sum of coherence (NPMI), stability across
        ``seeds``, coverage (:func:`topic_coverage`) and diversity, rounded to three decimals; a tie goes
        to the smaller k. When the documents cannot carry even the smallest candidate, the
        largest k that fits (two documents and two terms per topic), with a note saying so.
    method : {"nmf", "lda"}, default "nmf"
        NMF on tf-idf is the default: on the demo corpus it is more coherent, more diverse, more stable
        across seeds and much faster than LDA (see the benchmark in the README).
    seed : int, default 0
        The seed of the returned model; ``seeds`` are the runs that measure stability.
    k_range : range, default 4..12
        Candidates for ``k="auto"``.
    min_df, max_df : vocabulary filters (CountVectorizer semantics)
    n_top : int, default 10

    Returns
    -------
    TopicModel
        Its ``notes`` (Dutch) say how k was chosen when that needs saying, and warn when the model is
        unstable across seeds (stability below ``STABLE``), with the stability per k.
    """
    if method not in METHODS:
        raise ValueError(f"The 'method' parameter of fit_topics must be one of {', '.join(METHODS)}. "
                         f"Got {method!r} instead.")
    if not (k == "auto" or (isinstance(k, (int, np.integer)) and not isinstance(k, bool) and 2 <= k <= 100)):
        raise ValueError(f"The 'k' parameter of fit_topics must be an int in [2, 100] or 'auto'. Got {k!r} instead.")
    documents = [list(d) for d in documents]
    meta = meta if meta is not None else pd.DataFrame({"doc": range(len(documents))})
    seeds = list(dict.fromkeys([seed, *seeds]))
    n_terms = _n_terms(documents, min_df, max_df)
    selection, notes = None, []
    if k == "auto":
        candidates = [c for c in k_range if _fits(len(documents), n_terms, c)]
        if not candidates:
            smaller = [c for c in range(2, min(k_range)) if _fits(len(documents), n_terms, c)]
            if not smaller:
                _check(documents, 2, min_df, max_df, n_terms)
            k = max(smaller)
            notes.append(f"Dit corpus is te klein voor {min(k_range)} of meer topics ({len(documents)} documenten, "
                         f"{n_terms} termen); gekozen is het grootste aantal dat past: k = {k}.")
        else:
            selection = pd.DataFrame([_evaluate(documents, method, c, seeds, min_df, max_df, n_top)
                                      for c in candidates])
            # The plain sum: measures on their own scales, so a difference of 0.001 in NPMI stays that small
            # (min-max scaling would blow it up to a whole point), rounded so that noise cannot decide.
            selection["score"] = selection[list(SCORE_MEASURES)].sum(axis=1).round(3)
            k = int(selection.loc[selection["score"].idxmax(), "k"])  # idxmax: the smallest k of a tie
    _check(documents, k, min_df, max_df, n_terms)
    runs, pipes = [], {}
    for s in seeds:  # the same documents give every seed the same vocabulary: term indices compare
        pipes[s] = _fit_one(documents, method, k, s, min_df, max_df)
        runs.append([set(t) for t in _top(pipes[s].named_steps["model"].components_, n_top)])
    best = pipes[seed]
    top = _top(best.named_steps["model"].components_, n_top)
    presence = best.named_steps["vectorizer"].transform(documents)  # sparse counts: no BLAS
    model = TopicModel(method, int(k), seed, best, documents, meta.reset_index(drop=True),
                       npmi(presence, top), topic_stability(runs), selection, {}, n_top, notes)
    if len(seeds) > 1 and model.stability < STABLE:
        curve = selection if selection is not None else pd.DataFrame(
            [_evaluate(documents, method, c, seeds, min_df, max_df, n_top)
             for c in range(4, 11) if _fits(len(documents), n_terms, c)])
        notes.append(unstable_note(model.k, model.stability, curve))
    return model


def _nl(x: float, decimals: int = 2) -> str:
    return f"{x:.{decimals}f}".replace(".", ",")


def unstable_note(k: int, stability: float, curve: pd.DataFrame) -> str:
    """The Dutch warning for a model whose topics change with the seed, with the stability per k."""
    per_k = " · ".join(f"k = {int(r.k)}: {_nl(r.stability)}" for r in curve.itertuples())
    stable = [int(r.k) for r in curve.itertuples() if r.stability >= STABLE]
    advice = (f"Stabiel (≥ {_nl(STABLE)}) zijn: k = {', '.join(map(str, stable))}." if stable
              else "Geen enkele k is hier stabiel: lees de topics als één mogelijke indeling, niet als een vondst.")
    return (f"Let op: met k = {k} is het topicmodel niet stabiel (stabiliteit {_nl(stability)}, drempel "
            f"{_nl(STABLE)}): met een andere seed komen andere topics uit. Stabiliteit per k: {per_k}. {advice}")


def topic_coverage(doc_term, doc_topic: np.ndarray, top_terms: Sequence[Sequence[int]]) -> float:
    """Share of documents that contain at least one top term of their dominant topic.

    Too few topics merge themes: the top terms of a merged topic come from one theme and the documents of
    the other find none of their words there. Coherence alone cannot see this (a merged topic can be very
    coherent); coverage can.
    """
    import scipy.sparse as sp

    X = sp.csr_matrix(doc_term)
    if X.shape[0] == 0:
        return float("nan")
    dominant = np.asarray(doc_topic).argmax(axis=1)
    covered = 0
    for t, terms in enumerate(top_terms):
        rows = np.flatnonzero(dominant == t)
        if len(rows):
            covered += int((X[rows][:, list(terms)].getnnz(axis=1) > 0).sum())
    return covered / X.shape[0]


def _evaluate(documents, method, k, seeds, min_df, max_df, n_top) -> dict:
    runs, scores, div, cover = [], [], [], []
    for s in seeds:
        pipe = _fit_one(documents, method, k, s, min_df, max_df)
        top = _top(pipe.named_steps["model"].components_, n_top)
        runs.append([set(t) for t in top])
        X = pipe.named_steps["vectorizer"].transform(documents)
        scores.append(npmi(X, top).mean())
        div.append(topic_diversity(top))
        with _one_thread():
            weights = np.round(pipe.named_steps["model"].transform(X), WEIGHT_DECIMALS)
        cover.append(topic_coverage(X, weights, top))
    return {"k": k, "npmi": float(np.mean(scores)), "stability": topic_stability(runs),
            "diversity": float(np.mean(div)), "coverage": float(np.mean(cover))}

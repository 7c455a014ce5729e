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

``k="auto"`` fits every k in a range with several seeds and picks the k with the best sum of
(min-max scaled) coherence and stability; the whole curve is kept so the researcher can overrule it.
"""

from __future__ import annotations

import functools
import math
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

    Transcription marks such as ``[lacht]`` are removed first: they are not spoken words. With a
    pipeline that tags parts of speech (a trained one), only nouns, proper nouns, adjectives and verbs
    are kept; the blank fallback has no tags, so there the stop-word lists do that work.
    """
    from spacy.symbols import IDS

    nlp = nlp if nlp is not None else get_nlp(language)
    texts = [_ANNOTATION.sub(" ", t) for t in texts]
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
                   language: str = "nl", cache: bool = True) -> tuple[list[list[str]], pd.DataFrame]:
    """Documents (lists of content lemmas) and their metadata from respondent turns of a segment table.

    ``unit="turn"``: one document per respondent turn; ``"chunk"``: consecutive respondent words of a
    transcript cut into chunks of ``chunk_words`` content lemmas; ``"transcript"``: one per transcript.
    Documents without content lemmas are left out. Each turn is lemmatised in its transcript's language
    (the ``language`` column; ``language`` is the default where it is missing).
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
    """Unigrams plus adjacent bigrams ("gemeente_luisteren"); min_df keeps only frequent bigrams."""
    return list(doc) + [f"{a}_{b}" for a, b in zip(doc, doc[1:])]


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


def _top(components: np.ndarray, n_top: int) -> list[list[int]]:
    return [list(np.argsort(-row)[:n_top]) for row in components]


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
        weights = self.pipeline.transform(self.documents)
        weights = weights / np.clip(weights.sum(axis=1, keepdims=True), 1e-12, None)
        frame = pd.DataFrame(weights, columns=[f"topic_{t}" for t in range(self.k)])
        frame["dominant_topic"] = weights.argmax(axis=1)
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

    def quotes(self, n: int = 3) -> pd.DataFrame:
        """The documents with the highest weight per topic (turns: with speaker, turn and timestamp)."""
        dt = self.document_topics()
        out = []
        for t in range(self.k):
            best = dt.sort_values(f"topic_{t}", ascending=False).head(n).assign(topic=t, weight=lambda d: d[f"topic_{t}"])
            out.append(best)
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
                "diversity": round(self.diversity, 4),
                "stability": None if self.stability != self.stability else round(self.stability, 4),
                "topics": [{"id": int(r.id), "label": r.label, "terms": r.terms, "weights": r.weights}
                           for r in topics.itertuples()]}


def _fit_one(documents, method, k, seed, min_df, max_df):
    pipe = _pipeline(method, k, seed, min_df, max_df)
    pipe.fit(documents)
    return pipe


def _check(documents, k, min_df, max_df):
    n = len(documents)
    if n < 2 * k:
        raise TopicError(f"The corpus has {n} documents after filtering; k={k} needs at least {2 * k}. "
                         f"Use a smaller k or more (or shorter) documents.")
    vec = CountVectorizer(analyzer=_analyzer, min_df=min_df, max_df=max_df)
    try:
        X = vec.fit_transform(documents)
    except ValueError:  # sklearn: "After pruning, no terms remain"
        X = None
    if X is None or X.shape[1] < 2 * k:
        have = 0 if X is None else X.shape[1]
        raise TopicError(f"Only {have} terms remain after min_df={min_df}/max_df={max_df}; k={k} needs at "
                         f"least {2 * k}. Lower min_df, raise max_df, or use a smaller k.")
    return X


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
    """
    if method not in METHODS:
        raise ValueError(f"The 'method' parameter of fit_topics must be one of {', '.join(METHODS)}. "
                         f"Got {method!r} instead.")
    if not (k == "auto" or (isinstance(k, (int, np.integer)) and not isinstance(k, bool) and 2 <= k <= 100)):
        raise ValueError(f"The 'k' parameter of fit_topics must be an int in [2, 100] or 'auto'. Got {k!r} instead.")
    documents = [list(d) for d in documents]
    meta = meta if meta is not None else pd.DataFrame({"doc": range(len(documents))})
    seeds = list(dict.fromkeys([seed, *seeds]))
    selection = None
    if k == "auto":
        candidates = [c for c in k_range if len(documents) >= 2 * c]
        if not candidates:
            _check(documents, min(k_range), min_df, max_df)
        rows = []
        for cand in candidates:
            _check(documents, cand, min_df, max_df)
            rows.append(_evaluate(documents, method, cand, seeds, min_df, max_df, n_top))
        selection = pd.DataFrame(rows)
        scaled = sum((selection[c] - selection[c].min()) / ((selection[c].max() - selection[c].min()) or 1)
                     for c in ("npmi", "stability"))
        selection["score"] = scaled
        k = int(selection.loc[scaled.idxmax(), "k"])
    _check(documents, k, min_df, max_df)
    runs, pipes = [], {}
    for s in seeds:  # the same documents give every seed the same vocabulary: term indices compare
        pipes[s] = _fit_one(documents, method, k, s, min_df, max_df)
        runs.append([set(t) for t in _top(pipes[s].named_steps["model"].components_, n_top)])
    best = pipes[seed]
    top = _top(best.named_steps["model"].components_, n_top)
    presence = best.named_steps["vectorizer"].transform(documents)
    return TopicModel(method, int(k), seed, best, documents, meta.reset_index(drop=True),
                      npmi(presence, top), topic_stability(runs), selection, {}, n_top)


def _evaluate(documents, method, k, seeds, min_df, max_df, n_top) -> dict:
    runs, scores, div = [], [], []
    for s in seeds:
        pipe = _fit_one(documents, method, k, s, min_df, max_df)
        top = _top(pipe.named_steps["model"].components_, n_top)
        runs.append([set(t) for t in top])
        scores.append(npmi(pipe.named_steps["vectorizer"].transform(documents), top).mean())
        div.append(topic_diversity(top))
    return {"k": k, "npmi": float(np.mean(scores)), "stability": topic_stability(runs),
            "diversity": float(np.mean(div))}

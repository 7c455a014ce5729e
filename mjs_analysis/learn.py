"""Learning from reviewed codes: a per-code classifier next to the rules, chosen per code by grouped CV.

From manual or reviewed codings (the turn-level CSVs ``transcript_id, turn, code, coder``) the
:class:`CodeLearner` fits, per code, a logistic regression (``class_weight="balanced"``) on feature blocks
(``features``):

- ``lemmas``: the turn's lemmas (tf-idf, words seen in at least two turns), and those of the interviewer's
  question right before it (prefixed ``q:``): a short answer carries the theme of its question;
- ``chars``: character n-grams of the turn (3 to 5 characters within words), so that compounds and
  inflections share what a lemma table without a trained pipeline keeps apart;
- ``rules`` (not by default): for every code whether the rule tagger coded the turn, its number of hits,
  whether a negation was involved and whether the question supplied the theme.

Every choice is made by cross-validation **grouped by transcript** (``GroupKFold``): the turns of one
interview are never split between training and test, because they are not independent. The decision
threshold of the learned model is chosen by an inner grouped cross-validation on the training folds only;
the outer folds then score, on the same turns, three candidates per code:

- ``rules``: the rule tagger alone (it learns nothing, so its score is its F1 on the held-out folds);
- ``learned``: the classifier;
- ``combined``: a turn is coded when the rules or the classifier code it.

Per code the best F1 wins; the learned or combined model must beat the rules by ``min_gain``, otherwise
the rules stay. A code with fewer than ``min_positives`` coded turns or coded in fewer than
``min_transcripts`` transcripts is not learned at all: the report says so and the rules stay.

A turn counts as coded with a code when at least half of the coders of its transcript gave it (with two
coders: either; a transcript coded by one coder: that coder's codes).
Suggestions (:meth:`CodeLearner.suggest`) say which model coded what (``model``), with a probability:
the classifier's for ``learned``/``combined`` codes, and for rule hits the rules' cross-validated precision
for that code (how often a rule hit of that code was right).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score
from sklearn.model_selection import GroupKFold

from .codebook import Codebook
from .errors import MjsWarning
from .features import parse
from .nlp import get_nlp
from .tagging import _load_codebook, tag
from .readers.roles import CODED_ROLES

__all__ = ["CodeLearner", "grouped_folds", "turn_labels", "coded_with", "MODELS", "FEATURES", "DEFAULT_FEATURES"]

MODELS = ("rules", "learned", "combined")
#: The feature blocks a classifier can use: the rule tagger's output, lemma tf-idf (with the question's), and
#: character n-grams of the turn.
FEATURES = ("rules", "lemmas", "chars")
#: The default blocks. Without the rule features: where the rules were tuned on the training transcripts (the
#: demo corpus and corpus-dev's development half), the classifier learns to trust them far more than they
#: deserve on new text; on transcripts of writers left out (corpus-train) lemmas and characters alone scored
#: micro-F1 0.56 against 0.54 with the rule features (benchmarks/bench_quality.py, README).
DEFAULT_FEATURES = ("lemmas", "chars")
_THRESHOLDS = np.round(np.arange(0.1, 0.91, 0.05), 2)


def grouped_folds(groups: Sequence, n_splits: int = 5) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) index arrays of a cross-validation grouped by ``groups`` (the transcript ids).

    No group is ever on both sides of a split; every group is in exactly one test fold. ``n_splits`` is
    lowered to the number of groups when there are fewer.
    """
    groups = np.asarray(groups)
    n_groups = len(np.unique(groups))
    if n_groups < 2:
        raise ValueError(f"Grouped cross-validation needs at least 2 transcripts; got {n_groups}.")
    k = min(int(n_splits), n_groups)
    return list(GroupKFold(n_splits=k).split(np.zeros(len(groups)), groups=groups))


def turn_labels(codings: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """A unit × code 0/1 table: 1 where at least half of the coders of that unit's transcript gave the code.

    Coders often split the transcripts between them: a coder counts only for the transcripts that coder coded
    (gave at least one code in), so one coder's transcripts are labelled by that coder alone.
    """
    from .tagging import code_matrix

    if "coder" not in codings or not len(codings):
        return code_matrix(codings, units, codes)
    total, n_coders = None, np.zeros(len(units))
    tids = units["transcript_id"].astype(str).to_numpy()
    for coder in dict.fromkeys(codings["coder"]):
        part = codings[codings["coder"] == coder]
        m = code_matrix(part, units, codes)
        total = m if total is None else total + m
        n_coders += np.isin(tids, part["transcript_id"].astype(str).unique())
    given = (total.to_numpy() >= n_coders[:, None] / 2) & (n_coders[:, None] > 0)
    return pd.DataFrame(given.astype(int), index=total.index, columns=total.columns)


@dataclass
class _Data:
    units: pd.DataFrame     # respondent turns: transcript_id, turn
    rules: pd.DataFrame     # unit × code 0/1, the rule tagger's codes
    tags: pd.DataFrame      # the rule tagger's rows
    rule_x: np.ndarray      # the rule features
    docs: list[list[str]]   # lemmas of each unit (and of its question, prefixed "q:")
    texts: list[str]        # the text of each unit (for character n-grams)


class CodeLearner(BaseEstimator):
    """Per-code classifiers on rule features and lemmas, used where grouped CV says they beat the rules.

    Parameters
    ----------
    codebook : Codebook or str or Path, default "corpus/codebook.yml"
    features : sequence of {"rules", "lemmas", "chars"}, default ("lemmas", "chars")
        The feature blocks of the classifier: the rule features, the lemmas of the turn and its question
        (tf-idf), character n-grams of the turn (tf-idf, 3 to 5 characters within words). The rule features
        help only where the rules were not tuned on the training transcripts (see ``DEFAULT_FEATURES``).
    C : float, default 3.0
        Inverse regularisation strength of the logistic regression (> 0).
    n_splits : int, default 5
        Folds of the grouped cross-validation (>= 2; lowered to the number of transcripts).
    min_positives : int, default 8
        Fewer coded turns than this for a code: the code is not learned, the rules stay.
    min_transcripts : int, default 3
        Coded in fewer transcripts than this: the code is not learned, the rules stay.
    min_gain : float, default 0.02
        How much higher the cross-validated F1 of the learned or combined model must be to replace the rules.
    cache : bool, default True
        Use the parsed-features cache.

    Attributes
    ----------
    codes_ : list of str
    report_ : DataFrame
        Per code: ``n_positive``, ``n_transcripts``, the cross-validated ``f1_rules``, ``f1_learned``,
        ``f1_combined``, ``precision_rules``, the chosen ``model``, the ``threshold`` and a ``note``.
    cv_folds_ : list of (set, set)
        The transcripts of the training and the test side of every outer fold.

    Examples
    --------
    >>> learner = CodeLearner("corpus/codebook.yml").fit(segments, codings)  # doctest: +SKIP
    >>> learner.report_[["code", "f1_rules", "f1_learned", "model"]]  # doctest: +SKIP
    >>> learner.suggest(new_segments)  # doctest: +SKIP
    """

    def __init__(self, codebook="corpus/codebook.yml", *, features=DEFAULT_FEATURES, C: float = 3.0, n_splits: int = 5,
                 min_positives: int = 8, min_transcripts: int = 3, min_gain: float = 0.02, cache: bool = True):
        self.codebook = codebook
        self.features = features
        self.C = C
        self.n_splits = n_splits
        self.min_positives = min_positives
        self.min_transcripts = min_transcripts
        self.min_gain = min_gain
        self.cache = cache

    # --- parameters and data -------------------------------------------------------------------------
    def _validate(self) -> None:
        feats = self.features
        ok_feats = (isinstance(feats, (list, tuple)) and len(feats) > 0 and all(f in FEATURES for f in feats)
                    and len(set(feats)) == len(feats))
        if not ok_feats:
            raise ValueError(f"The 'features' parameter of CodeLearner must be a non-empty list of distinct values "
                             f"from {', '.join(map(repr, FEATURES))}. Got {feats!r} instead.")
        checks = [
            ("C", isinstance(self.C, (int, float)) and not isinstance(self.C, bool) and self.C > 0, "a number > 0"),
            ("n_splits", _is_int(self.n_splits) and self.n_splits >= 2, "a whole number >= 2"),
            ("min_positives", _is_int(self.min_positives) and self.min_positives >= 1, "a whole number >= 1"),
            ("min_transcripts", _is_int(self.min_transcripts) and self.min_transcripts >= 2,
             "a whole number >= 2"),
            ("min_gain", isinstance(self.min_gain, (int, float)) and 0 <= self.min_gain < 1, "a number in [0, 1)"),
        ]
        for name, ok, allowed in checks:
            if not ok:
                raise ValueError(f"The '{name}' parameter of CodeLearner must be {allowed}. "
                                 f"Got {getattr(self, name)!r} instead.")

    def _data(self, segments: pd.DataFrame) -> _Data:
        missing = {"transcript_id", "turn", "text", "speaker_role"} - set(segments.columns)
        if missing:
            raise ValueError(f"CodeLearner needs a segment table with {', '.join(sorted(missing))}.")
        seg = segments.sort_values(["transcript_id", "turn"], kind="stable").reset_index(drop=True)
        units = seg[seg["speaker_role"].isin(CODED_ROLES)]
        tags = tag(seg, self.codebook_, cache=self.cache) if len(units) else pd.DataFrame(
            columns=["transcript_id", "turn", "code", "n_hits", "negated", "rule"])
        from .tagging import code_matrix

        rules = code_matrix(tags, units, self.codes_)
        return _Data(units[["transcript_id", "turn"]].reset_index(drop=True), rules, tags,
                     _rule_features(tags, units, self.codes_), _lemmas(seg, units, self.cache),
                     [str(t).lower() for t in units["text"]])

    # --- fitting -------------------------------------------------------------------------------------
    def fit(self, segments: pd.DataFrame, codings: pd.DataFrame, groups=None) -> "CodeLearner":
        """Learn from ``codings`` (``transcript_id, turn, code[, coder]``) of the turns in ``segments``.

        Only the transcripts that have codings are used; ``segments`` should hold their interviewer turns
        too (the question is a feature, and the rules use it as context).

        ``groups`` (optional) maps transcript ids to larger groups that the cross-validation keeps apart as
        well (the project, the interviewer, the writer): when the model will code transcripts of another
        project, its thresholds are best chosen on folds that hold out whole projects. Transcripts it does
        not name are a group of their own.
        """
        self._validate()
        self.codebook_ = _load_codebook(self.codebook)
        self.codes_ = list(self.codebook_.ids)
        unknown = codings.loc[~codings["code"].isin(self.codes_), "code"].value_counts()
        if len(unknown):  # a misspelt code id would otherwise be dropped without a word
            warnings.warn("codings with codes the codebook does not have, left out: "
                          + ", ".join(f"{c} ({n}×)" for c, n in sorted(unknown.items())), MjsWarning, stacklevel=2)
        coded = set(codings["transcript_id"].astype(str))
        data = self._data(segments[segments["transcript_id"].astype(str).isin(coded)])
        if data.units["transcript_id"].nunique() < 2:
            raise ValueError("CodeLearner needs codings of at least 2 transcripts.")
        y = turn_labels(codings, data.units, self.codes_)
        tids = data.units["transcript_id"].astype(str)
        named = {str(k): str(v) for k, v in dict(groups or {}).items()}
        tids, groups = tids.to_numpy(), tids.map(lambda t: "g:" + named[t] if t in named else "t:" + t).to_numpy()
        folds = grouped_folds(groups, self.n_splits)
        self.cv_folds_ = [(set(tids[tr]), set(tids[te])) for tr, te in folds]
        rows, self.models_ = [], {}
        self.vectorizer_ = _Vectorizers(self.features).fit(data, np.arange(len(data.docs)))
        x_all = self.vectorizer_.transform(data)
        # One design per outer fold, its vocabulary and idf from the training side only.
        fold_x = [_Vectorizers(self.features).fit(data, train).transform(data) for train, _ in folds]
        for code in self.codes_:
            rows.append(self._fit_code(code, y[code].to_numpy(), data, groups, folds, fold_x, x_all))
        self.report_ = pd.DataFrame(rows)
        return self

    def _fit_code(self, code, y, data, groups, folds, fold_x, x_all) -> dict:
        rule = data.rules[code].to_numpy()
        n_pos, n_tr = int(y.sum()), int(data.units["transcript_id"][y == 1].nunique())
        row = {"code": code, "n_positive": n_pos, "n_transcripts": n_tr,
               "f1_rules": _f1(y, rule), "precision_rules": _precision(y, rule),
               "f1_learned": np.nan, "f1_combined": np.nan, "model": "rules", "threshold": np.nan, "note": ""}
        if n_pos < self.min_positives or n_tr < self.min_transcripts:
            row["note"] = (f"too few examples to learn ({n_pos} coded turns in {n_tr} transcripts; needs "
                           f">= {self.min_positives} in >= {self.min_transcripts}): rules kept")
            return row
        proba = np.zeros(len(y))
        cut = np.zeros(len(y))
        for (train, test), x_tr in zip(folds, fold_x):  # outer folds: thresholds from the training side only
            if len(np.unique(y[train])) < 2:
                continue
            cut[test] = _inner_threshold(self.C, x_tr[train], y[train], groups[train], self.n_splits)
            proba[test] = _model(self.C).fit(x_tr[train], y[train]).predict_proba(x_tr[test])[:, 1]
        learned = (proba >= cut).astype(int)
        f1 = {"rules": row["f1_rules"], "learned": _f1(y, learned), "combined": _f1(y, learned | rule)}
        best = max(("learned", "combined"), key=lambda m: f1[m])
        model = best if f1[best] >= f1["rules"] + self.min_gain else "rules"
        threshold = _inner_threshold(self.C, x_all, y, groups, self.n_splits)
        self.models_[code] = _model(self.C).fit(x_all, y)
        row.update(f1_learned=f1["learned"], f1_combined=f1["combined"], model=model, threshold=threshold,
                   note=f"{model}: grouped CV F1 rules {f1['rules']:.2f}, learned {f1['learned']:.2f}, "
                        f"combined {f1['combined']:.2f}")
        return row

    # --- predicting ----------------------------------------------------------------------------------
    def predict_proba(self, segments: pd.DataFrame) -> pd.DataFrame:
        """Unit × code probabilities of the classifiers (NaN for codes that were not learned)."""
        data = self._check_and_data(segments)
        return self._proba(data)

    def _check_and_data(self, segments):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "report_")
        return self._data(segments)

    def _proba(self, data: _Data) -> pd.DataFrame:
        out = pd.DataFrame(np.nan, index=pd.MultiIndex.from_frame(data.units), columns=self.codes_)
        if self.models_ and len(data.units):
            x = self.vectorizer_.transform(data)
            for code, m in self.models_.items():
                out[code] = m.predict_proba(x)[:, 1]
        return out

    def suggest(self, segments: pd.DataFrame, model: str | None = None) -> pd.DataFrame:
        """The codes per respondent turn, each saying which model coded it and with what probability.

        Parameters
        ----------
        segments : DataFrame
            A segment table (interviewer turns too: the question is context).
        model : {None, "rules", "learned", "combined"}, default None
            None uses the model chosen per code (``report_``); the others force one model for every code
            that was learned (codes with too few examples keep the rules), e.g. to benchmark them.

        Returns
        -------
        DataFrame
            ``transcript_id, turn, code, model, probability, rule``: ``model`` is the model chosen for the
            code (rules, learned, combined) and ``source`` who coded this turn (rules, learned or both);
            ``rule`` the rule(s) that fired, when the rules coded it.
        """
        if model is not None and model not in MODELS:
            raise ValueError(f"The 'model' parameter of suggest must be one of None, {', '.join(map(repr, MODELS))}."
                             f" Got {model!r} instead.")
        data = self._check_and_data(segments)
        proba = self._proba(data)
        report = self.report_.set_index("code")
        rule_of = data.tags.drop_duplicates(["transcript_id", "turn", "code"]).set_index(
            ["transcript_id", "turn", "code"])["rule"] if len(data.tags) else pd.Series(dtype=str)
        rows = []
        for code in self.codes_:
            choice, info = report.at[code, "model"], report.loc[code]
            if model is not None and code in self.models_:
                choice = model
            by_rules = data.rules[code].to_numpy().astype(bool)
            p = proba[code].to_numpy()
            by_model = (p >= info["threshold"]) if choice != "rules" else np.zeros(len(p), dtype=bool)
            keep = by_model | (by_rules if choice in ("rules", "combined") else False)
            for i in np.flatnonzero(keep):
                tid, turn = data.units.iat[i, 0], data.units.iat[i, 1]
                source = "both" if by_model[i] and by_rules[i] else ("learned" if by_model[i] else "rules")
                prob = p[i] if by_model[i] else info["precision_rules"]
                rows.append({"transcript_id": tid, "turn": int(turn), "code": code, "model": choice,
                             "source": source, "probability": float(prob),
                             "rule": rule_of.get((tid, turn, code), "") if by_rules[i] else ""})
        cols = ["transcript_id", "turn", "code", "model", "source", "probability", "rule"]
        out = pd.DataFrame(rows, columns=cols)
        return out.sort_values(["transcript_id", "turn", "code"], kind="stable").reset_index(drop=True)


    def evidence(self, segments: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
        """For turns the classifier coded, the sentence its model for that code scores highest.

        A learned code has no rule hit to point at; this sentence is what a reader is shown as its evidence.
        Each sentence is scored as if it were the whole answer (with the turn's question as context).

        Parameters
        ----------
        segments : DataFrame
            The segment table the rows come from (with ``text`` and ``start_char``).
        rows : DataFrame
            ``transcript_id, turn, code``: codes the classifier gave.

        Returns
        -------
        DataFrame
            ``rows`` with ``sentence`` (its number in the turn), ``start``/``end`` (offsets in the turn's text)
            and ``evidence`` (the sentence).
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "report_")
        out = rows[["transcript_id", "turn", "code"]].reset_index(drop=True).copy()
        out["sentence"], out["start"], out["end"], out["evidence"] = 0, 0, 0, ""
        if not len(out):
            return out
        seg = segments.sort_values(["transcript_id", "turn"], kind="stable").reset_index(drop=True)
        wanted = set(zip(out["transcript_id"], out["turn"]))
        units = seg[[k in wanted for k in zip(seg["transcript_id"], seg["turn"])]]
        questions = [[w for w in doc if w.startswith("q:")] for doc in _lemmas(seg, units, self.cache)]
        sentences = _sentences(units, self.cache)  # per unit: [(start, end, text, lemmas), ...]
        flat = [(i, j, sent) for i, sents in enumerate(sentences) for j, sent in enumerate(sents)]
        data = _Data(units=pd.DataFrame({"transcript_id": [units["transcript_id"].iat[i] for i, _, _ in flat],
                                         "turn": [units["turn"].iat[i] for i, _, _ in flat]}),
                     rules=pd.DataFrame(), tags=pd.DataFrame(),
                     rule_x=_rule_x_of(self, seg, units, [i for i, _, _ in flat]),
                     docs=[sent[3] + questions[i] for i, _, sent in flat],
                     texts=[sent[2].lower() for _, _, sent in flat])
        x = self.vectorizer_.transform(data)
        where = {(units["transcript_id"].iat[i], units["turn"].iat[i]): i for i in range(len(units))}
        first = np.searchsorted([i for i, _, _ in flat], np.arange(len(units)))
        for r in out.itertuples():
            model = self.models_.get(r.code)
            i = where.get((r.transcript_id, r.turn))
            if model is None or i is None or not sentences[i]:
                continue
            lo = first[i]
            proba = model.predict_proba(x[lo:lo + len(sentences[i])])[:, 1]
            j = int(np.argmax(proba))  # ties: the first sentence
            start, end, text, _ = sentences[i][j]
            out.loc[r.Index, ["sentence", "start", "end", "evidence"]] = [j, start, end, text]
        return out


# --- helpers ------------------------------------------------------------------------------------------
def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _model(C: float) -> LogisticRegression:
    # liblinear shuffles the data: a fixed seed keeps the model the same on every machine.
    return LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=1000, random_state=0)


class _Vectorizers:
    """The design matrix of the chosen feature blocks, vocabularies and idf fitted on training units only."""

    def __init__(self, features: Sequence[str]):
        self.features = tuple(features)
        self.lemmas = TfidfVectorizer(analyzer=_identity, min_df=2, sublinear_tf=True)
        # Character n-grams within words: Dutch compounds and inflections share them ("buurtbudget",
        # "budgetten"), so they carry what a lemma table without a trained pipeline misses.
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
                                     lowercase=False, max_features=50000, dtype=np.float64)

    def fit(self, data: _Data, rows) -> "_Vectorizers":
        if "lemmas" in self.features:
            self.lemmas.fit([data.docs[i] for i in rows])
        if "chars" in self.features:
            self.chars.fit([data.texts[i] for i in rows])
        return self

    def transform(self, data: _Data):
        blocks = []
        if "rules" in self.features:
            blocks.append(sparse.csr_matrix(data.rule_x))
        if "lemmas" in self.features:
            blocks.append(self.lemmas.transform(data.docs))
        if "chars" in self.features:
            blocks.append(self.chars.transform(data.texts))
        return sparse.hstack(blocks).tocsr()


def _identity(doc):
    return doc


def _f1(y, pred) -> float:
    return float(f1_score(y, pred, zero_division=0))


def _precision(y, pred) -> float:
    return float(precision_score(y, pred, zero_division=0)) if np.any(pred) else float("nan")


def _inner_threshold(C, x, y, groups, n_splits) -> float:
    """The threshold with the best F1 on out-of-fold probabilities of a grouped CV of (x, y)."""
    if len(np.unique(groups)) < 2:
        return 0.5
    proba = np.full(len(y), np.nan)
    for train, test in grouped_folds(groups, n_splits):
        if len(np.unique(y[train])) < 2:
            continue
        proba[test] = _model(C).fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    ok = ~np.isnan(proba)
    if not ok.any() or not y[ok].any():
        return 0.5
    scores = [_f1(y[ok], (proba[ok] >= t).astype(int)) for t in _THRESHOLDS]
    return float(_THRESHOLDS[int(np.argmax(scores))])


def _rule_features(tags: pd.DataFrame, units: pd.DataFrame, codes: Sequence[str]) -> np.ndarray:
    """Per unit and code: coded by the rules, log(1 + hits), negated, theme from the question."""
    index = pd.MultiIndex.from_frame(units[["transcript_id", "turn"]])
    out = np.zeros((len(units), 4 * len(codes)))
    if not len(tags):
        return out
    t = tags[tags["code"].isin(codes)].copy()
    t["context"] = t["rule"].astype(str).str.contains("context:question")
    g = t.groupby(["transcript_id", "turn", "code"]).agg(n=("n_hits", "sum"), neg=("negated", "max"),
                                                        ctx=("context", "max"))
    pos = index.get_indexer(pd.MultiIndex.from_arrays([g.index.get_level_values(0), g.index.get_level_values(1)]))
    col = {c: i for i, c in enumerate(codes)}
    for (p, code), (n, neg, ctx) in zip(zip(pos, g.index.get_level_values(2)), g.to_numpy()):
        if p < 0:
            continue
        j = 4 * col[code]
        out[p, j:j + 4] = (1.0, np.log1p(float(n)), float(bool(neg)), float(bool(ctx)))
    return out


def _lemmas(seg: pd.DataFrame, units: pd.DataFrame, cache: bool) -> list[list[str]]:
    """Per unit: its lemmas (letters only, lower case) and those of the question before it, as "q:...".

    Units are parsed per language (Dutch unless the segment table says otherwise)."""
    languages = seg["language"].fillna("nl") if "language" in seg else pd.Series("nl", index=seg.index)
    lemmas: dict = {}
    for lang, part in seg.groupby(languages, sort=False):
        p = parse(part["text"].tolist(), get_nlp(str(lang)), groups=part["transcript_id"].tolist(), cache=cache)
        strings = p.strings
        for k, label in enumerate(part.index):
            hashes = p.lemma[p.doc_start[k]:p.doc_start[k + 1]]
            words = (strings.get(int(h), "") for h in hashes)
            lemmas[label] = [w for w in words if len(w) > 1 and w.isalpha()]
    prev = seg.groupby("transcript_id", sort=False)["speaker_role"].shift(1)
    prev_label = pd.Series(seg.index, index=seg.index).groupby(seg["transcript_id"], sort=False).shift(1)
    docs = []
    for label in units.index:
        doc = list(lemmas.get(label, []))
        if prev.get(label) == "interviewer":
            doc += ["q:" + w for w in lemmas.get(int(prev_label[label]), [])]
        docs.append(doc)
    return docs


def _sentences(units: pd.DataFrame, cache: bool) -> list[list[tuple[int, int, str, list[str]]]]:
    """Per unit: its sentences as (start, end, text, lemmas), offsets in the unit's text."""
    languages = units["language"].fillna("nl") if "language" in units else pd.Series("nl", index=units.index)
    out: dict = {}
    for lang, part in units.groupby(languages, sort=False):
        texts = part["text"].astype(str).tolist()
        p = parse(texts, get_nlp(str(lang)), groups=part["transcript_id"].tolist(), cache=cache)
        starts = p.sentence_starts()
        for k, label in enumerate(part.index):
            lo, hi = int(p.doc_start[k]), int(p.doc_start[k + 1])
            cuts = [t for t in range(lo, hi) if starts[t]] + [hi]
            sents = []
            for a, b in zip(cuts, cuts[1:]):
                if b <= a:
                    continue
                start, end = int(p.start[a]), int(p.end[b - 1])
                words = (p.strings.get(int(h), "") for h in p.lemma[a:b])
                sents.append((start, end, texts[k][start:end], [w for w in words if len(w) > 1 and w.isalpha()]))
            out[label] = sents
    return [out.get(label, []) for label in units.index]


def _rule_x_of(learner: "CodeLearner", seg: pd.DataFrame, units: pd.DataFrame, rows: list[int]) -> np.ndarray:
    """The turn's rule features repeated for each of its sentences (only when the learner uses them)."""
    if "rules" not in learner.features:
        return np.zeros((len(rows), 0))
    tags = tag(seg, learner.codebook_, cache=learner.cache)
    return _rule_features(tags, units, learner.codes_)[rows]


def coded_with(tags: pd.DataFrame, suggestions: pd.DataFrame, segments: pd.DataFrame,
               report: pd.DataFrame, learner: "CodeLearner | None" = None) -> pd.DataFrame:
    """The rule tagger's rows with the learner's decisions applied: one table in the tagger's layout.

    Per code, as ``report`` (``CodeLearner.report_``) chose: ``rules`` keeps the rule rows; ``learned``
    keeps only the turns the classifier codes (its rule rows where the rules agree, else a row whose evidence
    is the sentence the classifier scores highest, see :meth:`CodeLearner.evidence`, or the whole turn
    without ``learner``); ``combined`` keeps the rule rows and adds the classifier's other turns. Two columns
    say who coded what: ``source`` (rules, learned or both) and ``probability`` (the classifier's; NaN for
    a rule hit the classifier was not asked about).
    """
    from .tagging import TAG_COLUMNS

    model = report.set_index("code")["model"].to_dict()
    sug = suggestions.set_index(["transcript_id", "turn", "code"])
    keys = pd.MultiIndex.from_frame(tags[["transcript_id", "turn", "code"]]) if len(tags) else pd.MultiIndex.from_tuples(
        [], names=["transcript_id", "turn", "code"])
    by_model = sug[sug["source"].isin(["learned", "both"])]
    out = tags.copy()
    out["source"] = "rules"
    out["probability"] = np.nan
    hit = keys.isin(by_model.index)
    out.loc[hit, "source"] = "both"
    out.loc[hit, "probability"] = by_model["probability"].reindex(keys[hit]).to_numpy()
    learned_only = out["code"].map(model).eq("learned") & ~hit
    out = out[~learned_only.to_numpy()]
    extra = by_model[~by_model.index.isin(keys)].reset_index()
    extra = extra[extra["code"].map(model).isin(["learned", "combined"])]
    if len(extra):
        turns = segments.set_index(["transcript_id", "turn"])
        where = pd.MultiIndex.from_frame(extra[["transcript_id", "turn"]])
        seg = turns.reindex(where)
        start = seg["start_char"].to_numpy()
        text = seg["text"].astype(str).to_numpy()
        sentence, lo = np.zeros(len(extra), dtype=int), np.zeros(len(extra), dtype=int)
        hi = np.array([len(t) for t in text], dtype=int)
        if learner is not None:  # the sentence the code's model scores highest, as the rules give theirs
            ev = learner.evidence(segments, extra)
            found = ev["evidence"].astype(str).str.len().to_numpy() > 0
            sentence = np.where(found, ev["sentence"].to_numpy(), 0)
            lo, hi = np.where(found, ev["start"].to_numpy(), lo), np.where(found, ev["end"].to_numpy(), hi)
            text = np.where(found, ev["evidence"].to_numpy(), text)
        rows = pd.DataFrame({
            "transcript_id": extra["transcript_id"].to_numpy(), "turn": extra["turn"].to_numpy(), "sentence": sentence,
            "code": extra["code"].to_numpy(), "start_char": start + lo, "end_char": start + hi,
            "evidence": text, "matched": "", "rule": "learned", "n_hits": 0, "negated": False,
            "speaker": seg["speaker"].to_numpy(), "pipeline": out["pipeline"].iloc[0] if len(out) else "",
            "source": "learned", "probability": extra["probability"].to_numpy()})
        out = pd.concat([out, rows], ignore_index=True)
    out = out[[*TAG_COLUMNS, "source", "probability"]]
    return out.sort_values(["transcript_id", "turn", "sentence", "code"], kind="stable").reset_index(drop=True)

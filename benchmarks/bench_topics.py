"""Topic models against their peers on the demo corpus, and a scaling run (issue 5's benchmark).

Usage (from the repository root, after `make setup`; the peers are benchmark-only dependencies):

    .venv/bin/pip install gensim tomotopy        # or: pip install -e '.[bench]'
    .venv/bin/python benchmarks/bench_topics.py [--skip-scaling]

Same documents (respondent turns as content lemmas), same vocabulary (the project's vectoriser: unigrams
and frequent bigrams, min_df=3, max_df=0.5), same k=8, one NPMI yardstick (top-10 terms, document
co-occurrence on these documents) for all: the project's NMF (default) and LDA, gensim's LdaModel and
tomotopy's LDAModel, each fitted with seeds 0, 1, 2 (stability = mean best-match Jaccard of top-10 sets).
Then the default model with k="auto" over 4..12, and a scaling run: online LDA (`partial_fit` in
mini-batches of 2,000 documents) on documents of 10,000 generated transcripts (40 respondent turns each,
lemmas drawn from the demo corpus), reporting time and peak memory.
Goals: default model NPMI >= the best peer, diversity >= 0.8; k=8 under 10 s, k=auto under 60 s.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mjs_analysis import MjsWarning, load_corpus  # noqa: E402
from mjs_analysis.topics import (_analyzer, _top, fit_topics, make_documents, npmi, topic_diversity,  # noqa: E402
                                  topic_stability)

K, SEEDS, N_TOP = 8, (0, 1, 2), 10


def peers(docs, vocab, presence):
    """Top-term index lists per seed, and mean fit time, for gensim and tomotopy."""
    index = {t: i for i, t in enumerate(vocab)}
    token_docs = [[t for t in _analyzer(d) if t in index] for d in docs]
    out = {}
    try:
        from gensim.corpora import Dictionary
        from gensim.models import LdaModel

        dictionary = Dictionary([vocab])
        bow = [dictionary.doc2bow(d) for d in token_docs]
        runs, times = [], []
        for seed in SEEDS:
            start = time.perf_counter()
            model = LdaModel(bow, id2word=dictionary, num_topics=K, random_state=seed, passes=10,
                             iterations=100, alpha="auto", eta="auto")
            times.append(time.perf_counter() - start)
            runs.append([[index[dictionary[w]] for w, _ in model.get_topic_terms(t, topn=N_TOP)] for t in range(K)])
        out["gensim LdaModel"] = (runs, float(np.mean(times)))
    except ImportError:
        print("gensim not installed: skipped")
    try:
        import tomotopy as tp

        runs, times = [], []
        for seed in SEEDS:
            start = time.perf_counter()
            model = tp.LDAModel(k=K, seed=seed)
            for d in token_docs:
                if d:
                    model.add_doc(d)
            model.train(1000, workers=1)
            times.append(time.perf_counter() - start)
            runs.append([[index[w] for w, _ in model.get_topic_words(t, top_n=N_TOP)] for t in range(K)])
        out["tomotopy LDAModel"] = (runs, float(np.mean(times)))
    except ImportError:
        print("tomotopy not installed: skipped")
    return out


def ours(docs, method):
    runs, times, model = [], [], None
    for seed in SEEDS:
        start = time.perf_counter()
        model = fit_topics(docs, k=K, method=method, seed=seed, seeds=(seed,))
        times.append(time.perf_counter() - start)
        runs.append(_top(model.pipeline.named_steps["model"].components_, N_TOP))  # the library's tie-break
    return runs, float(np.mean(times)), model


def scaling(vocab_docs, n_transcripts=10_000, turns=40, batch=2_000):
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    rng = np.random.default_rng(0)
    vec = CountVectorizer(analyzer=_analyzer, min_df=3, max_df=0.5).fit(vocab_docs)  # fixed vocabulary
    lda = LatentDirichletAllocation(n_components=K, learning_method="online", random_state=0,
                                    batch_size=batch, total_samples=n_transcripts * turns)
    n_docs = n_transcripts * turns
    start = time.perf_counter()
    for first in range(0, n_docs, batch):  # documents are generated batch by batch: memory stays bounded
        size = min(batch, n_docs - first)
        picks = rng.integers(0, len(vocab_docs), size)
        batch_docs = [list(rng.permutation(vocab_docs[i])) for i in picks]
        lda.partial_fit(vec.transform(batch_docs))
    seconds = time.perf_counter() - start
    return n_docs, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore", MjsWarning)
    docs, _ = make_documents(load_corpus(ROOT / "corpus").segments)
    results = {}
    for method, name in (("nmf", "mjs NMF (default)"), ("lda", "mjs LDA")):
        runs, secs, model = ours(docs, method)
        results[name] = (runs, secs)
    vectorizer = model.pipeline.named_steps["vectorizer"]
    vocab = list(vectorizer.get_feature_names_out())
    presence = vectorizer.transform(docs)
    results.update(peers(docs, vocab, presence))
    print(f"documents: {len(docs)} respondent turns, vocabulary: {len(vocab)} terms, k={K}, seeds {SEEDS}")
    print(f"{'model':<20} {'NPMI':>6} {'diversity':>9} {'stability':>9} {'fit s':>6}")
    for name, (runs, secs) in results.items():
        score = np.mean([npmi(presence, run).mean() for run in runs])
        div = np.mean([topic_diversity(run) for run in runs])
        stab = topic_stability([[set(t) for t in run] for run in runs])
        print(f"{name:<20} {score:6.3f} {div:9.2f} {stab:9.2f} {secs:6.2f}")
    start = time.perf_counter()
    auto = fit_topics(docs, k="auto")
    print(f"default model, k=auto over 4..12 with 3 seeds: {time.perf_counter() - start:.1f} s, chose k={auto.k}")
    print("per k (default model, seeds 0-2):")
    print(auto.selection.round(3).to_string(index=False))
    if not args.skip_scaling:
        n_docs, secs, peak = scaling(docs)
        print(f"scaling: online LDA on {n_docs:,} documents (10,000 generated transcripts) in mini-batches: "
              f"{secs:.1f} s, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()

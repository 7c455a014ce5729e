"""Coding quality against manual codings: the rules, the learned model and their combination (issue 15).

Usage (from the repository root, after `make setup`):

    .venv/bin/python benchmarks/bench_quality.py [--markdown] [--no-train-cv] [--no-test]

Settings (rows), each against coder A and coder B separately:

- **demo, all ten (in-sample)**: the 245 respondent turns of the 10 coded demo transcripts. The rules were
  written and tuned on them; the learned model was trained on them.
- **demo, held-out half** (sln03, kb03, hd03, kwb04, bb04): only scored during the second round of demo
  rule work, but the first round was tuned on all ten. The learner is trained here on the demo's other
  half, the corpus-dev development half and corpus-train.
- **corpus-dev, development half** (dev01 dev02 dev04 dev07 dev09 dev11, `corpus-dev/split.yml`): the
  issue-15 rule work read its misses and false hits: IN-SAMPLE for the rules and the learner.
- **corpus-train, writers left out**: the 144 transcripts of 18 writers (`corpus-train/README.md`), in 5
  folds of whole writers; each fold's learner is trained on the demo codings, the development half and
  the other writers. The rules were never tuned on corpus-train, so the rules' row is out-of-sample too.
  Scored against each transcript's first coder ("ref"; writer 1's batch has two coders, C is used).
- **corpus-dev, test half** (dev03 dev05 dev06 dev08 dev10 dev12): never read; only these aggregate
  figures are computed on it. The learner is trained on the demo codings, the development half and
  corpus-train.

Models: ``rules`` (the codebook), ``learned`` (the per-code classifier for every code that has enough
examples), ``combined`` (rules or classifier), ``chosen`` (per code what grouped CV on the training data
picked; see `mjs_analysis.learn`). Metrics: micro precision/recall/F1 (every turn × code one decision),
macro-F1 (mean F1 over the codes the coder used in that setting), Krippendorff's alpha (nominal, all
codes) between the model and the coder, next to the coders' own alpha.

Goal of issue 15 on the corpus-dev test half: micro-F1 >= 0.60, alpha within 0.25 of the coders' own,
recall >= 0.55 at precision >= 0.60.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mjs_analysis import MjsWarning, load_corpus  # noqa: E402
from mjs_analysis.codebook import Codebook  # noqa: E402
from mjs_analysis.learn import CodeLearner, grouped_folds  # noqa: E402
from mjs_analysis.reliability import agreement, read_codings  # noqa: E402
from mjs_analysis.readers.roles import CODED_ROLES  # noqa: E402

TRAIN = "corpus-train"  # the learner's training material (issue 15): never used to revise the rules
DEMO_DEVELOPMENT = ["sln01", "kb01", "hd01", "kwb02", "bb02"]
DEMO_HELD_OUT = ["sln03", "kb03", "hd03", "kwb04", "bb04"]
MODELS = ["rules", "learned", "combined", "chosen"]


def load(folder: str):
    codings = read_codings(sorted((ROOT / folder / "coding").glob("coder_*.csv")))
    segments = load_corpus(ROOT / folder).segments
    segments = segments[segments.transcript_id.isin(set(codings.transcript_id))].reset_index(drop=True)
    return segments, codings


def only(frame: pd.DataFrame, ids) -> pd.DataFrame:
    return frame[frame.transcript_id.isin(set(ids))]


def writer_of(transcript_id: str) -> str:
    """corpus-train ids are ``tr`` + the writer's number + two digits: tr1203 is writer 12's third."""
    return transcript_id[2:-2]


def scores(codings, predicted, segments, codes, coders=("A", "B")) -> dict:
    """Alpha (humans and model), micro P/R/F1 and macro-F1 of ``predicted`` against each coder."""
    units = segments[segments.speaker_role.isin(CODED_ROLES)]
    both = pd.concat([codings, predicted.assign(coder="model")[["transcript_id", "turn", "code", "coder"]]])
    t = agreement(both, units, codes, reference="model")
    out = {"turns": len(units)}
    human = t[(t.coder_a == coders[0]) & (t.coder_b == coders[-1]) & (t.code == "(all codes)")]
    out["alpha_AB"] = float(human.alpha.iloc[0]) if len(coders) > 1 else float("nan")
    for coder in coders:
        rows = t[(t.coder_a == coder) & (t.coder_b == "model")]
        micro = rows[rows.code == "(all codes)"].iloc[0]
        per_code = rows[(rows.code != "(all codes)") & (rows.n_a > 0)]
        out[coder] = {"alpha": micro.alpha, "P": micro.precision, "R": micro.recall, "F1": micro.f1,
                      "macroF1": per_code.f1.mean()}
    return out


def predictions(learner: CodeLearner, segments: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"rules": learner.suggest(segments, model="rules"),
            "learned": learner.suggest(segments, model="learned"),
            "combined": learner.suggest(segments, model="combined"),
            "chosen": learner.suggest(segments)}


def first_coder(codings: pd.DataFrame) -> pd.DataFrame:
    """Per transcript the codes of its first coder (by name), as coder "ref": the reference of a corpus whose
    transcripts were each coded by one coder (one batch by two)."""
    first = codings.groupby("transcript_id")["coder"].min()
    return codings[codings.coder.eq(codings.transcript_id.map(first))].assign(coder="ref")


def leave_writers_out(codebook, base_seg, base_cod, seg, cod, n_splits=5) -> dict[str, pd.DataFrame]:
    """Out-of-fold predictions on corpus-train, its writers split into ``n_splits`` groups: each fold's
    learner is trained on ``base_*`` plus the transcripts of the other writers (never of the same writer)."""
    writers = seg.transcript_id.map(writer_of).to_numpy()
    preds: dict[str, list] = {m: [] for m in MODELS}
    for train, test in grouped_folds(writers, n_splits):
        train_ids, test_ids = set(seg.transcript_id.iloc[train]), set(seg.transcript_id.iloc[test])
        learner = CodeLearner(codebook).fit(pd.concat([base_seg, only(seg, train_ids)], ignore_index=True),
                                            pd.concat([base_cod, only(cod, train_ids)], ignore_index=True))
        for model, frame in predictions(learner, only(seg, test_ids)).items():
            preds[model].append(frame)
    return {m: pd.concat(v, ignore_index=True) for m, v in preds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the README table")
    parser.add_argument("--no-test", action="store_true",
                        help="leave the corpus-dev test half out (while the coder is still being revised)")
    parser.add_argument("--no-train-cv", action="store_true", help="skip the leave-writers-out row (slow)")
    args = parser.parse_args()
    warnings.simplefilter("ignore", MjsWarning)
    codebook = Codebook.load(ROOT / "corpus" / "codebook.yml")
    codes = codebook.ids
    demo_seg, demo_cod = load("corpus")
    dev_seg, dev_cod = load("corpus-dev")
    train_seg, train_cod = load(TRAIN)
    split = yaml.safe_load((ROOT / "corpus-dev" / "split.yml").read_text(encoding="utf-8"))
    dev_half, test_half = split["development"], split["test"]

    def fit(*parts):
        return CodeLearner(codebook).fit(pd.concat([s for s, _ in parts], ignore_index=True),
                                         pd.concat([c for _, c in parts], ignore_index=True))

    dev_part = (only(dev_seg, dev_half), only(dev_cod, dev_half))
    # Learner 1: all demo codings, the corpus-dev development half and corpus-train (for the test half).
    full = fit((demo_seg, demo_cod), dev_part, (train_seg, train_cod))
    # Learner 2: without the demo's held-out half (for that row).
    part = fit((only(demo_seg, DEMO_DEVELOPMENT), only(demo_cod, DEMO_DEVELOPMENT)), dev_part, (train_seg, train_cod))

    rows = [
        ("demo, all ten (in-sample)", predictions(full, demo_seg), demo_seg, demo_cod, ("A", "B")),
        ("demo, held-out half", predictions(part, only(demo_seg, DEMO_HELD_OUT)), only(demo_seg, DEMO_HELD_OUT),
         only(demo_cod, DEMO_HELD_OUT), ("A", "B")),
        ("corpus-dev, development half (rules tuned on it: in-sample)", predictions(full, dev_part[0]), *dev_part,
         ("A", "B")),
    ]
    if not args.no_train_cv:
        base = (pd.concat([demo_seg, dev_part[0]], ignore_index=True), pd.concat([demo_cod, dev_part[1]],
                                                                                ignore_index=True))
        rows.append(("corpus-train, writers left out (5 folds)", leave_writers_out(codebook, *base, train_seg, train_cod),
                     train_seg, first_coder(train_cod), ("ref",)))
    if not args.no_test:
        rows.append(("corpus-dev, TEST half (never read)", predictions(full, only(dev_seg, test_half)),
                     only(dev_seg, test_half), only(dev_cod, test_half), ("A", "B")))
    lines = ["| setting | model | coders' alpha | alpha vs A / B | micro P vs A / B | micro R vs A / B "
             "| micro F1 vs A / B | macro F1 vs A / B |", "|---|---|---|---|---|---|---|---|"]
    for name, preds, seg, cod, coders in rows:
        print(f"{name}:")
        for model in MODELS:
            s = scores(cod, preds[model], seg, codes, coders)
            xs = [s[c] for c in coders]
            print(f"  {model:8s} ({s['turns']} turns; coders' alpha {s['alpha_AB']:.2f}): "
                  + "; ".join(f"vs {c}: alpha {x['alpha']:.2f} P {x['P']:.2f} R {x['R']:.2f} "
                              f"F1 {x['F1']:.2f} macro-F1 {x['macroF1']:.2f}" for c, x in zip(coders, xs)))
            cell = lambda key: " / ".join(f"{x[key]:.2f}" for x in xs)  # noqa: E731
            human = "" if s["alpha_AB"] != s["alpha_AB"] else f"{s['alpha_AB']:.2f}"
            lines.append(f"| {name} | {model} | {human} | {cell('alpha')} | {cell('P')} | {cell('R')} | "
                         f"{cell('F1')} | {cell('macroF1')} |")
    print("\nPer code (learner trained on the demo codings, the corpus-dev development half and corpus-train;"
          " grouped CV):")
    print(full.report_.drop(columns="note").round(2).to_string(index=False))
    if args.markdown:
        print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()

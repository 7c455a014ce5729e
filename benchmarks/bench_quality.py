"""Coding quality against manual codings: the rules, the learned model and their combination (issue 15).

Usage (from the repository root, after `make setup`):

    .venv/bin/python benchmarks/bench_quality.py [--markdown]

Settings (rows), each against coder A and coder B separately:

- **demo, all ten (in-sample)**: the 245 respondent turns of the 10 coded demo transcripts. The rules were
  written and tuned on them; the learned model was trained on them.
- **demo, held-out half** (sln03, kb03, hd03, kwb04, bb04): only scored during the second round of demo
  rule work, but the first round was tuned on all ten. The learner is trained here on the demo's other
  half plus the corpus-dev development half.
- **corpus-dev, development half** (dev01 dev02 dev04 dev07 dev09 dev11, `corpus-dev/split.yml`): the
  issue-15 rule work read its misses and false hits: IN-SAMPLE for the rules and the learner.
- **corpus-dev, test half** (dev03 dev05 dev06 dev08 dev10 dev12): never read; only these aggregate
  figures are computed on it. The learner is trained on the demo codings and the development half.

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
from mjs_analysis.learn import CodeLearner  # noqa: E402
from mjs_analysis.reliability import agreement, read_codings  # noqa: E402
from mjs_analysis.readers.roles import CODED_ROLES  # noqa: E402

DEMO_DEVELOPMENT = ["sln01", "kb01", "hd01", "kwb02", "bb02"]
DEMO_HELD_OUT = ["sln03", "kb03", "hd03", "kwb04", "bb04"]
MODELS = ["rules", "learned", "combined", "chosen"]


def load(folder: str):
    codings = read_codings([ROOT / folder / "coding" / f"coder_{c}.csv" for c in "ab"])
    segments = load_corpus(ROOT / folder).segments
    segments = segments[segments.transcript_id.isin(set(codings.transcript_id))].reset_index(drop=True)
    return segments, codings


def only(frame: pd.DataFrame, ids) -> pd.DataFrame:
    return frame[frame.transcript_id.isin(set(ids))]


def scores(codings, predicted, segments, codes) -> dict:
    """Alpha (humans and model), micro P/R/F1 and macro-F1 of ``predicted`` against each coder."""
    units = segments[segments.speaker_role.isin(CODED_ROLES)]
    both = pd.concat([codings, predicted.assign(coder="model")[["transcript_id", "turn", "code", "coder"]]])
    t = agreement(both, units, codes, reference="model")
    out = {"turns": len(units)}
    human = t[(t.coder_a == "A") & (t.coder_b == "B") & (t.code == "(all codes)")]
    out["alpha_AB"] = float(human.alpha.iloc[0])
    for coder in "AB":
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the README table")
    parser.add_argument("--no-test", action="store_true",
                        help="leave the corpus-dev test half out (while rules are still being revised)")
    args = parser.parse_args()
    warnings.simplefilter("ignore", MjsWarning)
    codebook = Codebook.load(ROOT / "corpus" / "codebook.yml")
    codes = codebook.ids
    demo_seg, demo_cod = load("corpus")
    dev_seg, dev_cod = load("corpus-dev")
    split = yaml.safe_load((ROOT / "corpus-dev" / "split.yml").read_text(encoding="utf-8"))
    dev_half, test_half = split["development"], split["test"]

    # Learner 1: all demo codings + the corpus-dev development half (for the in-sample rows and the test half).
    train_seg = pd.concat([demo_seg, only(dev_seg, dev_half)], ignore_index=True)
    train_cod = pd.concat([demo_cod, only(dev_cod, dev_half)], ignore_index=True)
    full = CodeLearner(codebook).fit(train_seg, train_cod)
    # Learner 2: without the demo's held-out half (for that row).
    part_seg = pd.concat([only(demo_seg, DEMO_DEVELOPMENT), only(dev_seg, dev_half)], ignore_index=True)
    part_cod = pd.concat([only(demo_cod, DEMO_DEVELOPMENT), only(dev_cod, dev_half)], ignore_index=True)
    part = CodeLearner(codebook).fit(part_seg, part_cod)

    settings = [
        ("demo, all ten (in-sample)", full, demo_seg, demo_cod),
        ("demo, held-out half", part, only(demo_seg, DEMO_HELD_OUT), only(demo_cod, DEMO_HELD_OUT)),
        ("corpus-dev, development half (tuned on: in-sample)", full, only(dev_seg, dev_half),
         only(dev_cod, dev_half)),
        ("corpus-dev, TEST half (never read)", full, only(dev_seg, test_half), only(dev_cod, test_half)),
    ]
    if args.no_test:
        settings = settings[:-1]
    lines = ["| setting | model | coders' alpha | alpha vs A / B | micro P vs A / B | micro R vs A / B "
             "| micro F1 vs A / B | macro F1 vs A / B |", "|---|---|---|---|---|---|---|---|"]
    for name, learner, seg, cod in settings:
        preds = predictions(learner, seg)
        print(f"{name}:")
        for model in MODELS:
            s = scores(cod, preds[model], seg, codes)
            a, b = s["A"], s["B"]
            print(f"  {model:8s} ({s['turns']} turns; coders' alpha {s['alpha_AB']:.2f}): "
                  + "; ".join(f"vs {c}: alpha {x['alpha']:.2f} P {x['P']:.2f} R {x['R']:.2f} "
                              f"F1 {x['F1']:.2f} macro-F1 {x['macroF1']:.2f}" for c, x in (("A", a), ("B", b))))
            lines.append(f"| {name} | {model} | {s['alpha_AB']:.2f} | {a['alpha']:.2f} / {b['alpha']:.2f} | "
                         f"{a['P']:.2f} / {b['P']:.2f} | {a['R']:.2f} / {b['R']:.2f} | "
                         f"{a['F1']:.2f} / {b['F1']:.2f} | {a['macroF1']:.2f} / {b['macroF1']:.2f} |")
    print("\nPer code (learner trained on all demo codings + the corpus-dev development half; grouped CV):")
    print(full.report_.drop(columns="note").round(2).to_string(index=False))
    if args.markdown:
        print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()

"""Tagger quality against the two manual codings of the demo corpus (issue 4's quality target).

Usage (from the repository root, after `make setup`):

    .venv/bin/python benchmarks/bench_quality.py

Prints Krippendorff's alpha between the human coders, and the tagger's alpha and micro precision/recall/F1
against each coder, over every respondent turn of the 10 coded transcripts, then the F1 per code.
Targets: micro-F1 >= 0.75 against each coder; tagger-human alpha within 0.1 of human-human alpha.
The same table, per code: `mjs agreement corpus/coding/coder_a.csv corpus/coding/coder_b.csv --tagger`.
Note: the codebook rules were improved by reading misses and false hits on these same transcripts, so
the figures are in-sample and flatter the tagger somewhat.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mjs_analysis import MjsWarning, load_corpus  # noqa: E402
from mjs_analysis.codebook import Codebook  # noqa: E402
from mjs_analysis.reliability import agreement, read_codings  # noqa: E402
from mjs_analysis.tagging import tag  # noqa: E402


def main() -> None:
    warnings.simplefilter("ignore", MjsWarning)
    codings = read_codings([ROOT / "corpus" / "coding" / f"coder_{c}.csv" for c in "ab"])
    seg = load_corpus(ROOT / "corpus").segments
    units = seg[(seg.speaker_role != "interviewer") & seg.transcript_id.isin(set(codings.transcript_id))]
    codebook = Codebook.load(ROOT / "corpus" / "codebook.yml")
    tags = tag(units, codebook)
    both = pd.concat([codings, tags.assign(coder="tagger")[["transcript_id", "turn", "code", "coder"]]])
    table = agreement(both, units, codebook.ids, reference="tagger")
    overall = table[table.code == "(all codes)"].set_index(["coder_a", "coder_b"])
    human = overall.loc[("A", "B"), "alpha"]
    print(f"units: {len(units)} respondent turns of {units.transcript_id.nunique()} transcripts; "
          f"pipeline: {tags.pipeline.iloc[0]}")
    print(f"human-human alpha (A, B): {human:.2f}")
    for coder in "AB":
        row = overall.loc[(coder, "tagger")]
        print(f"tagger vs {coder}: alpha {row.alpha:.2f} (gap {human - row.alpha:.2f}), "
              f"micro P {row.precision:.2f} R {row.recall:.2f} F1 {row.f1:.2f}")
    per_code = table[(table.coder_b == "tagger") & (table.code != "(all codes)")]
    print(per_code.pivot(index="code", columns="coder_a", values="f1").round(2).to_string())


if __name__ == "__main__":
    main()

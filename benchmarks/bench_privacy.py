"""Pseudonymisation throughput (issue 7's speed measurement).

Usage (from the repository root, after `make setup`):

    .venv/bin/python benchmarks/bench_privacy.py [--repeat 2]

Measures, in this process:

- deduce's start-up: building its lookup structures happens once per machine (stored in the user cache
  folder, `~/.cache/mjs-analysis/deduce-<version>`); every new process then loads them;
- `pseudonymise` on the demo corpus (33 transcripts, ~74,000 words; txt, vtt, srt and docx) with deduce
  loaded: words per second, over everything (reading, detection, writing every format).

The tests never assert timings; these figures go into the README by hand.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mjs_analysis import MjsWarning, load_corpus  # noqa: E402
from mjs_analysis.privacy import _deduce, pseudonymise  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore", MjsWarning)
    start = time.perf_counter()
    _deduce()
    print(f"deduce start-up in this process: {time.perf_counter() - start:.1f} s "
          f"(a build when the machine has none yet, otherwise a load)")
    words = int(load_corpus(ROOT / "corpus").segments["n_words"].sum())
    times = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            summary = pseudonymise(ROOT / "corpus", Path(out) / "pseudo")
            times.append(time.perf_counter() - start)
    best = min(times)
    print(f"demo corpus: {words} words, {len(summary.files)} files, {summary.n_replacements} replacements "
          f"({', '.join(f'{k} {v}' for k, v in sorted(summary.counts.items()))})")
    print(f"pseudonymise: best {best:.1f} s of {args.repeat} -> {words / best:,.0f} words/s")


if __name__ == "__main__":
    main()

"""Pseudonymisation speed (issue 7): deduce's start-up, and throughput in words per second.

Usage (from the repository root, after `make setup`):

    .venv/bin/python benchmarks/bench_privacy.py [--repeat 3] [--build]

Measures, in this process:

- deduce's start-up: its lookup structures are built once per machine (stored in the user cache folder,
  `~/.cache/mjs-analysis/deduce-<version>`); every new process then loads them. With `--build`, the build
  is also timed, into a temporary folder (the user cache is left alone; this takes minutes);
- `pseudonymise` with deduce loaded, on `examples/raw/` (2 short transcripts, every kind of personal detail)
  and on the demo corpus (33 transcripts, ~74,000 words; txt, vtt, srt and docx): words per second over
  everything (reading, detection, writing every format, review file, key). Best of `--repeat` runs.

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


def _build_time() -> float:
    import deduce

    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        deduce.Deduce(cache_path=Path(cache), build_lookup_structs=True)
        return time.perf_counter() - start


def _throughput(source: Path, repeat: int) -> None:
    words = int(load_corpus(source).segments["n_words"].sum())
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            summary = pseudonymise(source, Path(out) / "pseudo", key=Path(out) / "key.csv")
            times.append(time.perf_counter() - start)
    best = min(times)
    print(f"{source.relative_to(ROOT)}: {words} words, {len(summary.files)} files, {summary.n_replacements} "
          f"replacements ({', '.join(f'{k} {v}' for k, v in sorted(summary.counts.items()))})")
    print(f"  pseudonymise: best {best:.2f} s of {repeat} (all: {', '.join(f'{t:.2f}' for t in times)}) "
          f"-> {words / best:,.0f} words/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build", action="store_true", help="also time a full build of deduce's lookup structures")
    args = parser.parse_args()
    warnings.simplefilter("ignore", MjsWarning)
    if args.build:
        print(f"deduce build of the lookup structures (once per machine): {_build_time():.0f} s")
    start = time.perf_counter()
    _deduce()
    print(f"deduce start-up in this process: {time.perf_counter() - start:.1f} s "
          f"(a build when the machine has none yet, otherwise a load)")
    _throughput(ROOT / "examples" / "raw", args.repeat)
    _throughput(ROOT / "corpus", args.repeat)


if __name__ == "__main__":
    main()

"""Speed of the main job, `mjs run` on the demo corpus (issue 6's speed target).

Usage (from the repository root, after `make setup`):

    .venv/bin/python benchmarks/bench_run.py [--repeat 2] [--jobs 2]

Runs `mjs run --corpus corpus --output <temp>` as a separate process, with a fresh, empty cache folder
(cold: the NLP, tagging and topic model are computed) and then again with the cache that run filled (warm).
Uses the blank fallback pipeline (MJS_NLP=blank), as the tests and the committed reports do.
Targets: cold < 90 s, warm < 45 s on two cores. The tests never assert timings; these figures go into the
README by hand.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MJS = Path(sys.executable).with_name("mjs")


def timed_run(cache: Path, jobs: int) -> float:
    env = {**os.environ, "MJS_CACHE_DIR": str(cache), "MJS_NLP": "blank"}
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([str(MJS), "run", "--corpus", "corpus", "--output", out, "--jobs", str(jobs)],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    colds, warms = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as cache:
            colds.append(timed_run(Path(cache), args.jobs))
            warms.append(timed_run(Path(cache), args.jobs))
    print(f"mjs run, demo corpus, {args.jobs} jobs, {os.cpu_count()} cores")
    print(f"cold: best {min(colds):.1f} s (runs: {', '.join(f'{t:.1f}' for t in colds)}); target < 90 s")
    print(f"warm: best {min(warms):.1f} s (runs: {', '.join(f'{t:.1f}' for t in warms)}); target < 45 s")


if __name__ == "__main__":
    main()

"""Tagging speed and memory on ~1M tokens of transcripts (issue 4's speed target).

Usage (from the repository root, after `make setup`):

    .venv/bin/python benchmarks/bench_tagging.py [--transcripts 450] [--words 2000] [--processes 1]

Measures, each in a fresh process (so peak memory is that run's own), with the spaCy pipeline loaded
before the clock starts:

- irreducible: read the files + spaCy tokenisation + lookup lemmas (`nlp.pipe` with the sentencizer off)
- cold: `load_corpus` + `tag(..., cache=False)` (what `mjs tag --no-cache` does)
- warm: the same in a new process after the cache was filled, with a changed codebook
- in-process: a notebook session that tagged once, then re-tags after a codebook change

Targets: cold <= 2.5 x irreducible, peak memory < 1 GB, warm >= 5 x faster than cold.
The tests never assert timings; these figures go into the README by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _run(mode: str, folder: str, codebook: str, processes: int) -> dict:
    import warnings

    warnings.simplefilter("ignore")
    from mjs_analysis import load_corpus
    from mjs_analysis.codebook import Codebook
    from mjs_analysis.nlp import get_nlp
    from mjs_analysis.tagging import tag

    nlp = get_nlp("nl")
    cb = Codebook.load(codebook)
    start = time.perf_counter()
    seg = load_corpus(folder).segments
    read = time.perf_counter() - start
    if mode == "irreducible":
        texts = seg.text[seg.speaker_role != "interviewer"].tolist()
        n = sum(len(d) for d in nlp.pipe(texts, disable=["sentencizer"], batch_size=256))
    elif mode == "in-process":  # a notebook session: tag, edit the codebook, tag again
        tag(seg, Codebook.load(ROOT / "corpus" / "codebook.yml"), cache=True)
        start, read = time.perf_counter(), 0.0
        n = len(tag(seg, cb, cache=True))
    else:
        n = len(tag(seg, cb, cache=(mode != "cold"), n_process=processes))
    total = time.perf_counter() - start
    return {"mode": mode, "seconds": total, "read": read, "n": n,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=850)
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--_child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._child:
        mode, folder, codebook, processes = args._child
        print(json.dumps(_run(mode, folder, codebook, int(processes))))
        return

    from bench_readers import write_corpus

    folder = ROOT / "benchmarks" / "_data" / f"tagging_{args.transcripts}_{args.words}"
    if not folder.exists():
        write_corpus(folder, args.transcripts, args.words, seed=1)
    codebook = ROOT / "corpus" / "codebook.yml"
    changed = Path(tempfile.mkdtemp()) / "codebook.yml"
    changed.write_text(codebook.read_text(encoding="utf-8").replace("terms: [geld,", "terms: [geld, poen,", 1),
                       encoding="utf-8")
    env = dict(os.environ, MJS_CACHE_DIR=tempfile.mkdtemp(prefix="mjs-bench-cache-"))

    def child(mode: str, cb: Path) -> dict:
        out = subprocess.run([sys.executable, __file__, "--_child", mode, str(folder), str(cb), str(args.processes)],
                             capture_output=True, text=True, env=env, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    irreducible = child("irreducible", codebook)
    cold = child("cold", codebook)
    child("warm", codebook)  # fills the disk cache
    warm = child("warm", changed)
    session = child("in-process", changed)
    print(f"tokens (respondent turns): {irreducible['n']:,}   processes: {args.processes}")
    print(f"irreducible (read {irreducible['read']:.2f} s + tokenise + lookup lemmas): {irreducible['seconds']:.2f} s")
    print(f"cold tag (--no-cache, read included): {cold['seconds']:.2f} s = "
          f"{cold['seconds'] / irreducible['seconds']:.2f} x irreducible, peak RSS {cold['peak_mb']:.0f} MB, "
          f"{cold['n']:,} codes")
    print(f"warm, new process, codebook changed (read included): {warm['seconds']:.2f} s = "
          f"{cold['seconds'] / warm['seconds']:.1f} x faster than cold; tagging alone "
          f"{(cold['seconds'] - cold['read']) / (warm['seconds'] - warm['read']):.1f} x; peak RSS {warm['peak_mb']:.0f} MB")
    print(f"warm, same session, codebook changed (corpus in memory): {session['seconds']:.2f} s = "
          f"{(cold['seconds'] - cold['read']) / session['seconds']:.1f} x faster than cold tagging")


if __name__ == "__main__":
    main()

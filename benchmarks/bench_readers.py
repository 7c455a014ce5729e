"""Reading throughput: MB of transcript per second and peak memory, on a generated corpus.

Usage (from the repository root, after `make setup`):

    .venv/bin/python benchmarks/bench_readers.py [--transcripts 1000] [--words 2000]

Generates a corpus (80% .txt, 8% .vtt, 8% .srt, 4% .docx; words drawn from the demo corpus) in
benchmarks/_data/, then times `load_corpus(...).segments` on one core. Goal (issue 2): >= 10 MB/s.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mjs_analysis import MjsWarning, load_corpus  # noqa: E402

SPEAKERS = ["I", "R"]


def vocabulary() -> list[str]:
    words = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        words += path.read_text(encoding="utf-8").split()
    return [w for w in words if ":" not in w and "-->" not in w] or ["eh", "de", "buurt", "geld", "ja"]


def clock(s: int) -> str:
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def turns(rng: random.Random, vocab: list[str], n_words: int):
    out, done, t = [], 0, 0
    while done < n_words:
        k = rng.randint(3, 120)
        out.append((SPEAKERS[len(out) % 2], rng.choices(vocab, k=k), t))
        done += k
        t += rng.randint(2, 40)
    return out


def write_corpus(folder: Path, n: int, n_words: int, seed: int = 0) -> None:
    import docx

    rng = random.Random(seed)
    vocab = vocabulary()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        ts = turns(rng, vocab, n_words)
        kind = "docx" if i % 25 == 0 else "vtt" if i % 12 == 1 else "srt" if i % 12 == 2 else "txt"
        path = folder / f"b{i:05d}.{kind}"
        if kind == "txt":
            body = "\n".join(f"[{clock(t)}] {s}: {' '.join(w)}" for s, w, t in ts)
            path.write_text(f"---\nneighbourhood: Bench\nlanguage: nl\n---\n{body}\n", encoding="utf-8")
        elif kind == "docx":
            document = docx.Document()
            for s, w, t in ts:
                document.add_paragraph(f"{s}: {' '.join(w)}")
            document.save(str(path))
        else:
            sep = "." if kind == "vtt" else ","
            cues = []
            for j, (s, w, t) in enumerate(ts):
                text = f"<v {s}>{' '.join(w)}</v>" if kind == "vtt" else f"{s}: {' '.join(w)}"
                cues.append(f"{j + 1}\n{clock(t)}{sep}000 --> {clock(t + 1)}{sep}000\n{text}\n")
            path.write_text(("WEBVTT\n\n" if kind == "vtt" else "") + "\n".join(cues), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--words", type=int, default=2000)
    args = parser.parse_args()
    folder = ROOT / "benchmarks" / "_data" / f"readers_{args.transcripts}_{args.words}"
    if not folder.exists():
        write_corpus(folder, args.transcripts, args.words)
    size = sum(p.stat().st_size for p in folder.iterdir())
    # One-off imports (python-docx, spaCy's stop-word lists used for label checks) are not reading.
    import docx  # noqa: F401
    import spacy.lang.en.stop_words  # noqa: F401
    import spacy.lang.nl.stop_words  # noqa: F401

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def best_of(paths, repeats: int = 3) -> tuple[float, object]:
        """Best of a few runs: this machine's speed varies by +-20% from run to run."""
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MjsWarning)
                corpus = load_corpus(paths)
                corpus.segments
            times.append(time.perf_counter() - start)
        return min(times), corpus

    seconds, corpus = best_of(folder)
    segments = corpus.segments
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text_mb = sum(len(t.text.encode("utf-8")) for t in corpus) / 1e6
    print(f"transcripts: {len(corpus)}  turns: {len(segments)}  words: {segments.n_words.sum():,}")
    print(f"source files: {size / 1e6:.1f} MB, transcript text: {text_mb:.1f} MB, time: {seconds:.2f} s (best of 3)")
    print(f"throughput: {size / 1e6 / seconds:.1f} MB/s of files, {text_mb / seconds:.1f} MB/s of text")
    print(f"peak RSS: {peak:.0f} MB (before reading: {rss_before / 1024:.0f} MB)")
    for fmt in sorted(set(segments["format"])):  # per format, to show where the time goes
        files = sorted(folder.glob(f"*.{fmt}"))
        secs, _ = best_of(files)
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"  .{fmt}: {len(files)} files, {mb:.1f} MB, {mb / secs:.1f} MB/s")


if __name__ == "__main__":
    main()

"""Check the readers on the real transcripts listed in tests/data/REAL_MATERIAL.md, when present locally.

Usage (from the repository root, after `make setup`):

    .venv/bin/python benchmarks/check_real_material.py [--root benchmarks/_real] [--fetch]

The files are not in this repository (see REAL_MATERIAL.md for why). ``--fetch`` copies them with git into
ROOT (needs internet); without it, only the files already under ROOT are checked. Prints one line per
source and exits 1 if an expectation fails. Not a test: the suite never needs the network.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mjs_analysis import MjsWarning, load_corpus  # noqa: E402

# id -> (repository, commit, paths in it, expectation on the corpus read from them)
SOURCES = {
    "mlss": ("poclecoqq/quality_issues_in_MLSSs", "c354182c7a641ce4893673f7ae306358329eb72c",
             ["interviews/transcripts"]),
    "eve": ("jacksonllee/pylangacq", "7113f0d71e27437dc82dd2cb8732758cda27216b", ["src/pylangacq/tests/eve.cha"]),
    "noscribe": ("kaixxx/noScribe", "bc9411032c1fb15cb47fc61a92e1d2bf24688e54",
                 ["tests/data/interview.vtt", "tests/data/interview.txt"]),
}


def fetch(name: str, folder: Path) -> None:
    repo, commit, paths = SOURCES[name]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["git", "clone", "--quiet", "--filter=blob:none", "--no-checkout",
                        f"https://github.com/{repo}", tmp], check=True)
        subprocess.run(["git", "-C", tmp, "checkout", "--quiet", commit, "--", *paths], check=True)
        for p in paths:
            source = Path(tmp) / p
            for f in ([source] if source.is_file() else sorted(source.rglob("*"))):
                if f.is_file():
                    target = folder / name / f.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(f.read_bytes())


def words_lost(t) -> int:
    """Plain text only: words of the source minus label words minus words in turns (0 when nothing is lost)."""
    source = t.path.read_text(encoding="utf-8", errors="replace").split()
    source = [w for w in source if w != ":"]  # "Interviewer1 :" writes the colon as a word
    labels = sum(len(turn.speaker.split()) for turn in t.turns if turn.speaker not in ("unknown", "preamble"))
    return len(source) - labels - sum(len(turn.text.split()) for turn in t.turns)


def check(name: str, folder: Path) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MjsWarning)
        corpus = load_corpus(folder)
    failures = [str(p) for p in corpus.errors if "duplicate transcript id" not in p.message]
    seg = corpus.segments
    if name == "mlss":
        if len(corpus) != 36:
            failures.append(f"expected 36 transcripts, read {len(corpus)}")
        for t in corpus:
            rows = seg[seg.transcript_id == t.transcript_id]
            asked = rows[rows.speaker.str.lower().str.startswith("interviewer")]
            if len(asked) == 0 or set(asked.speaker_role) != {"interviewer"}:
                failures.append(f"{t.path.name}: interviewer turns not all interviewer")
            if set(rows[rows.speaker.str.lower().str.startswith("interviewee")].speaker_role) != {"respondent"}:
                failures.append(f"{t.path.name}: interviewee turns not all respondent")
            lost = words_lost(t)
            if lost > 1:  # one empty "Interviewee: " label in Interview 5
                failures.append(f"{t.path.name}: {lost} words unaccounted for")
    elif name == "eve":
        t = corpus.transcripts[0]
        tiers = sum(1 for line in t.path.read_text(encoding="utf-8").splitlines() if line.startswith("*"))
        if len(t.turns) != tiers or t.roles.get("COL") != "interviewer" or t.roles.get("CHI") != "respondent":
            failures.append(f"eve.cha: {len(t.turns)} turns for {tiers} tiers, roles {t.roles}")
    elif name == "noscribe":
        for t in corpus:
            if {"S00", "S01", "S02"} - set(t.speakers):
                failures.append(f"{t.path.name}: speakers {t.speakers}")
    return failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT / "benchmarks" / "_real")
    parser.add_argument("--fetch", action="store_true", help="copy the files with git first (needs internet)")
    args = parser.parse_args(argv)
    status = 0
    for name in SOURCES:
        folder = args.root / name
        if args.fetch and not folder.exists():
            fetch(name, args.root)
        if not folder.exists():
            print(f"{name}: not present under {args.root} (skipped; see tests/data/REAL_MATERIAL.md)")
            continue
        failures = check(name, folder)
        print(f"{name}: {'ok' if not failures else 'FAILED'}")
        for f in failures:
            print(f"  {f}")
        status |= bool(failures)
    return status


if __name__ == "__main__":
    sys.exit(main())

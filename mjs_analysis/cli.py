"""The ``mjs`` command line: ``mjs validate``, ``mjs segments``.

Bad input never produces a traceback: every problem is one line ``path[:line]: message`` on stderr
(``validate`` prints them on stdout, as they are its output), and the exit status says whether
there were errors.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from . import __version__
from .corpus import load_corpus
from .errors import MjsError, MjsWarning


def _print_problems(problems, stream) -> None:
    for p in sorted(problems, key=lambda p: (p.path, p.line or 0)):
        print(p, file=stream)


def _cmd_validate(args) -> int:
    corpus = load_corpus(args.paths)
    _print_problems(corpus.problems, sys.stdout)
    n_err, n_warn = len(corpus.errors), len(corpus.warnings)
    print(f"{len(corpus)} transcripts read, {len(corpus.segments)} turns; "
          f"{n_err} error(s), {n_warn} warning(s)", file=sys.stderr)
    return 1 if n_err else 0


def _write_table(frame, fmt: str, output: str | None) -> None:
    frame = frame.copy()
    if "annotations" in frame:
        frame["annotations"] = frame["annotations"].map(
            lambda a: " | ".join(a) if fmt == "csv" else list(a))
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    target = output or sys.stdout
    if fmt == "csv":
        frame.to_csv(target, index=False, lineterminator="\n")
    else:
        frame.to_json(target, orient="records", lines=True, force_ascii=False)


def _cmd_segments(args) -> int:
    corpus = load_corpus(args.paths)
    _print_problems(corpus.problems, sys.stderr)
    _write_table(corpus.segments, args.format, args.output)
    if args.output:
        print(f"{len(corpus.segments)} turns of {len(corpus)} transcripts written to {args.output}",
              file=sys.stderr)
    return 1 if corpus.errors else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mjs",
        description="Code, topic-model and compare interview transcripts (mjs-analysis).",
    )
    parser.add_argument("--version", action="version", version=f"mjs-analysis {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check transcripts and metadata; one line per problem",
                       description="Check transcript files and folders. Prints one line per "
                       "problem as path[:line]: message. Exit status 1 if there are errors, "
                       "0 if there are only warnings.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="transcript files or folders")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("segments", help="the table of speaker turns (one row per turn)",
                       description="Write the segment table: one row per speaker turn with its "
                       "offsets, line, timestamp and the transcript's metadata.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="transcript files or folders")
    p.add_argument("--format", choices=["csv", "jsonl"], default="csv", help="output format (default csv)")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=_cmd_segments)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MjsWarning)  # problems are printed as lines instead
            return args.func(args)
    except MjsError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `mjs segments corpus | head`
        return 0
    except OSError as exc:
        print(f"{exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""The ``mjs`` command line: ``validate``, ``segments``, ``tag``, ``agreement``, ``topics``, ``run``,
``pseudonymise``, ``cache``, ``export``, ``import``.

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

#: ``mjs_analysis.learn.FEATURES``, repeated here so that parsing the command line does not import scikit-learn.
LEARN_FEATURES = ("rules", "lemmas", "chars")
LEARN_DEFAULT_FEATURES = ("lemmas", "chars")


def _print_problems(problems, stream) -> None:
    for p in sorted(problems, key=lambda p: (p.path, p.line or 0)):
        print(p, file=stream)


def _cmd_validate(args) -> int:
    corpus = load_corpus(args.paths)
    if args.show:
        from .readers.show import describe

        print(describe(corpus))
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


def _cmd_tag(args) -> int:
    from .codebook import Codebook
    from .tagging import tag

    corpus = load_corpus(args.paths)
    _print_problems(corpus.problems, sys.stderr)
    codebook = Codebook.load(_resolve_codebook(args.paths, args.codebook))
    tags = tag(corpus.segments, codebook, unit=args.unit, all_speakers=args.all_speakers,
               cache=not args.no_cache, n_process=args.processes)
    _write_table(tags, args.format, args.output)
    if args.output:
        print(f"{len(tags)} codes on {tags[['transcript_id', 'turn']].drop_duplicates().shape[0]} turns "
              f"written to {args.output}", file=sys.stderr)
    return 1 if corpus.errors else 0


def _cmd_agreement(args) -> int:
    import pandas as pd

    from .codebook import Codebook
    from .reliability import agreement, read_codings, reviewed_turns, seen_by_all
    from .tagging import tag

    codings = read_codings(args.codings)
    if args.corpus is None:  # the codings' own corpus: coding files live in CORPUS/coding/
        homes = {Path(c).resolve().parent.parent for c in args.codings if Path(c).resolve().parent.name == "coding"}
        if len(homes) != 1:
            raise MjsError("which corpus do these codings belong to? pass --corpus FOLDER")
        args.corpus = str(homes.pop())
    corpus = load_corpus(args.corpus)
    if corpus.errors:
        _print_problems(corpus.errors, sys.stderr)
        return 1
    codebook = Codebook.load(_resolve_codebook(args.corpus, args.codebook))
    seg = corpus.segments
    from .readers.roles import CODED_ROLES

    reviewed = reviewed_turns(args.codings)
    coded_ids = set(codings.transcript_id) | (set() if reviewed is None else set(reviewed.transcript_id))
    units = seg[seg.speaker_role.isin(CODED_ROLES) & seg.transcript_id.isin(coded_ids)]
    unknown = set(zip(codings.transcript_id, codings.turn)) - set(zip(units.transcript_id, units.turn))
    if unknown:
        tid, turn = sorted(unknown)[0]
        print(f"{len(unknown)} coded unit(s) are not respondent turns of {args.corpus}, e.g. {tid} turn {turn}",
              file=sys.stderr)
        return 1
    strange = codings.loc[~codings["code"].isin(codebook.ids), "code"].value_counts()
    if len(strange):  # a misspelt code id counts as "no code": say so
        print("codes the codebook does not have, left out: "
              + ", ".join(f"{c} ({n}x)" for c, n in sorted(strange.items())), file=sys.stderr)
    if reviewed is not None:  # review logs: only the turns every coder has seen are units
        seen = seen_by_all(codings, reviewed, units)
        units = units.merge(seen, on=["transcript_id", "turn"])
        codings = codings.merge(seen, on=["transcript_id", "turn"])
        print(f"{len(units)} turn(s) reviewed by every coder are the units", file=sys.stderr)
    reference = None
    if args.tagger:
        coded = seg[seg.transcript_id.isin(coded_ids)]  # questions too: context for answers
        tags = tag(coded, codebook, cache=not args.no_cache)
        codings = pd.concat([codings, tags.assign(coder="tagger")[["transcript_id", "turn", "code", "coder"]]],
                            ignore_index=True)
        reference = "tagger"
    table = agreement(codings, units, codebook.ids, reference=reference)
    if args.format == "table":
        shown = table.copy()
        for col in ("alpha", "kappa", "precision", "recall", "f1"):
            shown[col] = shown[col].map(lambda v: "" if v != v else f"{v:.2f}")
        if args.output:
            Path(args.output).write_text(shown.to_string(index=False) + "\n", encoding="utf-8")
        else:
            print(shown.to_string(index=False))
    else:
        _write_table(table, args.format, args.output)
    return 0


def _cmd_learn(args) -> int:
    from .learn import CodeLearner
    from .reliability import read_codings

    # Without --codings, every folder brings its own coding/ (several coded corpora can train one model).
    paths = args.codings or [str(p) for folder in args.paths for p in sorted(Path(folder).glob("coding/*.csv"))]
    if not paths:
        print(f"no codings: give --codings FILE..., or put turn-level CSVs in {args.paths[0]}/coding/",
              file=sys.stderr)
        return 1
    codings = read_codings(paths)
    corpus = load_corpus(args.paths)
    if corpus.errors:
        _print_problems(corpus.errors, sys.stderr)
        return 1
    learner = CodeLearner(_resolve_codebook(args.paths, args.codebook), features=tuple(args.features), C=args.C,
                          n_splits=args.folds, min_positives=args.min_positives,
                          min_transcripts=args.min_transcripts, cache=not args.no_cache)
    try:
        learner.fit(corpus.segments, codings)
    except ValueError as exc:  # bad parameters, or codings of fewer than two transcripts
        print(f"mjs learn: {exc}", file=sys.stderr)
        return 1
    report = learner.report_.copy()
    for col in ("f1_rules", "precision_rules", "f1_learned", "f1_combined", "threshold"):
        report[col] = report[col].map(lambda v: "" if v != v else f"{v:.2f}")
    print(report.drop(columns="note").to_string(index=False), file=sys.stderr)
    for row in learner.report_.itertuples():
        if "too few" in row.note:
            print(f"{row.code}: {row.note}", file=sys.stderr)
    target = load_corpus(args.apply) if args.apply else corpus
    if target.errors:
        _print_problems(target.errors, sys.stderr)
        return 1
    suggestions = learner.suggest(target.segments)
    _write_table(suggestions, args.format, args.output)
    return 0


def _cmd_topics(args) -> int:
    import json

    from .topics import fit_topics, make_documents

    corpus = load_corpus(args.paths)
    _print_problems(corpus.problems, sys.stderr)
    k = args.k if args.k == "auto" else _int_or_fail(args.k, "--k")
    docs, meta = make_documents(corpus.segments, unit=args.unit, cache=not args.no_cache)
    min_df = _int_or_fail(args.min_df, "--min-df")
    model = fit_topics(docs, meta, k=k, method=args.method, seed=args.seed, min_df=min_df)
    for note in model.notes:
        print(note, file=sys.stderr)
    if args.labels:
        model.rename(args.labels)
    if args.format == "json":
        text = json.dumps(model.to_dict(), ensure_ascii=False, indent=2)
        if args.output:
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            Path(args.output).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
    else:
        table = model.topics()
        table["terms"] = table["terms"].map(" ".join)
        table["weights"] = table["weights"].map(lambda w: " ".join(f"{x:.4f}" for x in w))
        _write_table(table, "csv", args.output)
    if model.selection is not None:
        print(f"k chosen by coherence, stability, coverage and diversity: {model.k} "
              f"(curve: {', '.join(f'{r.k}:{r.score:.2f}' for r in model.selection.itertuples())})", file=sys.stderr)
    return 1 if corpus.errors else 0


def _cmd_run(args) -> int:
    from .suite import run

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    results = run(args.corpus, args.output, neighbourhoods=args.neighbourhood, codebook=args.codebook,
                  notebooks=args.notebooks, seed=args.seed, jobs=args.jobs, cache=not args.no_cache,
                  allow_identifiable=args.allow_identifiable, key=args.key, learn_from=args.learn_from,
                  progress=progress)
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(r.error, file=sys.stderr)
    print(f"{len(results) - len(failed)} of {len(results)} notebooks ran; reports in {Path(args.output) / 'index.html'}",
          file=sys.stderr)
    return 1 if failed else 0


def _cmd_pseudonymise(args) -> int:
    from .privacy import pseudonymise

    summary = pseudonymise(args.input, args.output, key=args.key, allowlist=args.allowlist,
                           progress=lambda line: print(line, file=sys.stderr, flush=True))
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(summary.counts.items())) or "none"
    print(f"{len(summary.files)} transcript(s) written to {args.output}; replacements: {counts}", file=sys.stderr)
    if summary.renamed:  # the old ids hold names: only the new ones are printed
        print(f"{len(summary.renamed)} transcript id(s) contained a name and were renamed: "
              f"{', '.join(sorted(summary.renamed.values()))}", file=sys.stderr)
    print(f"check the work in {summary.review}" + (f"; key in {summary.key}" if summary.key else
                                                   "; no key written (--key KEY.csv keeps one)"), file=sys.stderr)
    return 0


def _cmd_export(args) -> int:
    from .refi import export

    if Path(args.to).suffix.lower() not in (".qdpx", ".qdc"):
        print(f"{args.to}: --to must end in .qdpx (a project) or .qdc (a codebook)", file=sys.stderr)
        return 2
    path = export(args.paths, args.to, codebook=args.codebook, codings=args.codings or [],
                  tagger=not args.no_tagger, cache=not args.no_cache)
    print(f"written {path}", file=sys.stderr)
    return 0


def _cmd_import(args) -> int:
    from .refi import import_project

    if Path(args.file).suffix.lower() not in (".qdpx", ".qdc"):
        print(f"{args.file}: expected a REFI-QDA project (.qdpx) or codebook (.qdc)", file=sys.stderr)
        return 2
    result = import_project(args.file, args.output, coder=args.coder)
    _print_problems(result.problems, sys.stderr)
    from .refi.export import TAGGER_USER

    coders = ", ".join(f"{c}: {n}" + (" (in _refi/tagger.csv)" if c == TAGGER_USER else "")
                       for c, n in sorted(result.coders.items())) or "none"
    print(f"{len(result.transcripts)} transcript(s) written to {args.output}; codings per coder: {coders}; "
          f"offset conventions in {Path(args.output) / '_refi' / 'sources.csv'}", file=sys.stderr)
    return 0


def _add_refi_parsers(sub) -> None:
    """``mjs export`` and ``mjs import``: the REFI-QDA exchange with ATLAS.ti, NVivo, MAXQDA, QualCoder."""
    p = sub.add_parser("export", help="write the corpus, codebook and codes as a REFI-QDA project (.qdpx) or codebook (.qdc)",
                       description="Write transcripts, codebook, metadata (as cases and variables), the tagger's "
                       "codes and manual codings as a REFI-QDA project for ATLAS.ti, NVivo, MAXQDA or QualCoder "
                       "(--to FILE.qdpx), or the codebook alone (--to FILE.qdc). The same input gives the same bytes.")
    _paths(p)
    p.add_argument("--to", required=True, metavar="FILE", help="FILE.qdpx (project) or FILE.qdc (codebook)")
    p.add_argument("--codebook", default=None, help="codebook YAML (default: codebook.yml in the corpus folder)")
    p.add_argument("--codings", nargs="+", metavar="CSV", help="manual coding CSVs; each coder becomes a user")
    p.add_argument("--no-tagger", action="store_true", help="leave out the rule tagger's codes")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the parsed-text cache")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("import", help="read a REFI-QDA project (.qdpx) or codebook (.qdc) into a corpus folder",
                       description="Write one .txt per text source, metadata.csv and speakers.csv from the cases, "
                       "codebook.yml, and coding/<user>.csv per user (transcript_id, turn, code, coder, start_char, "
                       "end_char, text), which `mjs agreement` reads. Offsets are converted from whatever convention "
                       "the tool used (detected per source, listed in _refi/sources.csv). Untrusted archives are "
                       "safe: unsafe entries, zip bombs and XML entities are refused with one line.")
    p.add_argument("file", metavar="FILE", help="a .qdpx or .qdc file")
    p.add_argument("output", metavar="OUT_DIR", help="the corpus folder to write (new or empty)")
    p.add_argument("--coder", metavar="NAME", help="every coding under this one coder (the reviewed set of a "
                   "review loop), whoever made it in the tool; default: one coder per user of the project")
    p.set_defaults(func=_cmd_import)


def _int_or_fail(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise MjsError(f"{name} must be a whole number or 'auto'; got {value!r}") from None


def _cmd_cache(args) -> int:
    from .features import cache_dir, clear_cache

    if args.action == "clear":
        n = clear_cache()
        print(f"removed {n} cached file(s) from {cache_dir()}")
    else:
        print(cache_dir())
    return 0


def _paths(p) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="transcript files or folders")


def _output(p, choices=("csv", "jsonl")) -> None:
    p.add_argument("--format", choices=list(choices), default=choices[0], help=f"output format (default {choices[0]})")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")


def _resolve_codebook(corpus, explicit):
    """The one codebook rule (``codebook.resolve_codebook``), saying on stderr which codebook runs."""
    from .codebook import resolve_codebook

    path, origin = resolve_codebook(corpus, explicit)
    print(f"codebook: {origin}", file=sys.stderr)
    return path


_CODEBOOK_HELP = ("codebook YAML (default: codebook.yml in the corpus folder, else the default codebook "
                  "shipped with mjs-analysis, the demo codebook)")


def _codebook(p) -> None:
    p.add_argument("--codebook", default=None, help=_CODEBOOK_HELP)
    p.add_argument("--no-cache", action="store_true", help="do not read or write the parsed-text cache")


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
    _paths(p)
    p.add_argument("--show", action="store_true", help="also show how each file was read: label style, "
                   "speakers with role and turns, preamble, legend and every guess")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("segments", help="the table of speaker turns (one row per turn)",
                       description="Write the segment table: one row per speaker turn with its "
                       "offsets, line, timestamp and the transcript's metadata.")
    _paths(p)
    _output(p)
    p.set_defaults(func=_cmd_segments)

    p = sub.add_parser("tag", help="code respondent turns with the codebook (one row per turn and code)",
                       description="Code turns with the codebook's rules. Each row says which code, the "
                       "evidence sentence (offsets into the transcript text), the matched words, the rule "
                       "that fired, whether a negation was involved, and the spaCy pipeline that ran.")
    _paths(p)
    _codebook(p)
    _output(p)
    p.add_argument("--unit", choices=["turn", "sentence"], default="turn", help="one row per turn (default) or per sentence")
    p.add_argument("--all-speakers", action="store_true", help="also code interviewer turns")
    p.add_argument("--processes", type=int, default=1, metavar="N", help="processes for spaCy (default 1)")
    p.set_defaults(func=_cmd_tag)

    p = sub.add_parser("agreement", help="agreement between coders (alpha, kappa; P/R/F1 of the tagger)",
                       description="Per-code agreement between manual codings (CSV: transcript_id, turn, "
                       "code, coder), over every respondent turn of the coded transcripts. With --tagger "
                       "the rule tagger joins as a coder and gets precision, recall and F1 against each human.")
    p.add_argument("codings", nargs="+", metavar="CODINGS", help="coding CSV files")
    p.add_argument("--tagger", action="store_true", help="add the rule tagger as a coder")
    p.add_argument("--corpus", default=None,
                   help="the transcripts the codings refer to (default: the folder holding their coding/ folder)")
    _codebook(p)
    _output(p, ("table", "csv", "jsonl"))
    p.set_defaults(func=_cmd_agreement)

    p = sub.add_parser("learn", help="learn per-code classifiers from reviewed codes; per code, rules or learned",
                       description="Fit, per code, a logistic regression on the rule features and the turn's "
                       "lemmas from manual or reviewed codings (CSV: transcript_id, turn, code, coder), compare "
                       "it with the rules by cross-validation grouped by transcript, and use per code whichever "
                       "is better (or both). Prints the comparison per code (stderr) and writes suggestions "
                       "with model, source and probability for the --apply transcripts (default: the training "
                       "corpus, in-sample).")
    _paths(p)
    p.add_argument("--codings", nargs="+", metavar="CSV", help="coding files (default: PATH/coding/*.csv)")
    p.add_argument("--apply", nargs="+", metavar="PATH", help="transcripts to suggest codes for")
    p.add_argument("--C", type=float, default=3.0, help="inverse regularisation strength (default 3.0)")
    p.add_argument("--features", nargs="+", choices=list(LEARN_FEATURES), default=list(LEARN_DEFAULT_FEATURES),
                   help="feature blocks of the classifier (default: lemmas chars)")
    p.add_argument("--folds", type=int, default=5, help="folds of the grouped cross-validation (default 5)")
    p.add_argument("--min-positives", type=int, default=8, help="fewer coded turns: keep the rules (default 8)")
    p.add_argument("--min-transcripts", type=int, default=3,
                   help="coded in fewer transcripts: keep the rules (default 3)")
    _codebook(p)
    _output(p)
    p.set_defaults(func=_cmd_learn)

    p = sub.add_parser("topics", help="topic model of respondent turns (k by coherence and stability)",
                       description="Fit a topic model (NMF on tf-idf, or LDA) on the content lemmas of "
                       "respondent turns, chunks or transcripts. With --k auto, k is chosen by NPMI coherence "
                       "and stability across seeds. JSON output: method, k, seed, npmi, diversity, stability, "
                       "topics (id, label, terms, weights).")
    _paths(p)
    p.add_argument("--k", default="8", help="number of topics, or 'auto' (default 8)")
    p.add_argument("--method", choices=["nmf", "lda"], default="nmf", help="model (default nmf)")
    p.add_argument("--unit", choices=["turn", "chunk", "transcript"], default="turn", help="document unit (default turn)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--min-df", default="3", metavar="N",
                   help="a term must occur in at least N documents (default 3; lower it for a small corpus)")
    p.add_argument("--labels", metavar="FILE", help="YAML file with 'id: label' lines naming the topics")
    _output(p, ("json", "csv"))
    p.add_argument("--no-cache", action="store_true", help="do not read or write the parsed-text cache")
    p.set_defaults(func=_cmd_topics)

    p = sub.add_parser("run", help="the main job: execute the notebook suite and write the reports",
                       description="Execute the notebooks (papermill): corpus overview, coding, topics, one report "
                       "per neighbourhood, and the comparison. Writes each executed notebook, its HTML version, "
                       "tags.csv and index.html to OUTPUT. The NLP runs once per run. Refuses transcripts not "
                       "marked 'pseudonymised: true' unless --allow-identifiable. Exit status 1 if a notebook "
                       "fails (the message names the notebook, cell and line).")
    p.add_argument("--corpus", default="corpus", help="the corpus folder (default corpus)")
    p.add_argument("--output", default="reports", help="where the reports go (default reports)")
    p.add_argument("--neighbourhood", action="append", metavar="NAME",
                   help="only this neighbourhood's report (repeatable)")
    p.add_argument("--codebook", default=None, help=_CODEBOOK_HELP)
    p.add_argument("--notebooks", default=None, metavar="DIR", help="notebook sources (default: the bundled suite)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--jobs", type=int, default=2, metavar="N", help="notebooks run side by side (default 2)")
    p.add_argument("--no-cache", action="store_true", help="do not read or keep cached results")
    p.add_argument("--allow-identifiable", action="store_true",
                   help="run on transcripts that are not pseudonymised (private runs only)")
    p.add_argument("--key", metavar="KEY.csv", help="pseudonymisation key: fail if any original value reaches an output")
    p.add_argument("--learn-from", nargs="+", metavar="DIR",
                   help="folders of coded transcripts (with coding/*.csv, e.g. corpus-train): code per code by the "
                        "rules or a classifier learned from them, as grouped cross-validation chooses "
                        "(default: the rules alone)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("pseudonymise", help="copies of transcripts with personal data replaced by pseudonyms",
                       description="Write pseudonymised copies of transcripts (same formats, marked pseudonymised: "
                       "true): names (text, speaker labels, voice tags), addresses, postcodes, phone numbers, "
                       "e-mail, URLs, handles, dates with a year, ID numbers. The same person gets the same "
                       "pseudonym everywhere. Neighbourhood, district and city names and allowlisted words are "
                       "kept. OUT gets pseudonymisation_review.csv to check the work; the key goes only to --key, "
                       "outside OUT.")
    p.add_argument("input", metavar="IN", help="a transcript file or folder")
    p.add_argument("output", metavar="OUT", help="folder for the pseudonymised copies")
    p.add_argument("--key", metavar="KEY.csv", help="write the key (original -> pseudonym) here; must be outside OUT")
    p.add_argument("--allowlist", metavar="FILE", help="public names to keep, one per line")
    p.set_defaults(func=_cmd_pseudonymise)

    p = sub.add_parser("cache", help="the parsed-text cache: where it is, or clear it",
                       description="Parsed texts are cached outside the repository (MJS_CACHE_DIR overrides "
                       "the place). 'mjs cache clear' empties it; 'mjs cache path' prints where it is.")
    p.add_argument("action", choices=["clear", "path"])
    p.set_defaults(func=_cmd_cache)
    _add_refi_parsers(sub)
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

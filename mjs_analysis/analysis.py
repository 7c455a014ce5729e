"""The analysis behind the notebook suite, computed once and shared by every notebook of a run.

:func:`analyse` reads the corpus, codes the respondent turns, builds the topic documents and fits the topic
model. Each notebook of the suite calls it; the first call does the work and stores the result in the
cache folder (``mjs cache path``), later calls with the same inputs load it. The key covers everything
that changes a number: the corpus content, the codebook, answer key and manual codings, the seed and k, the
spaCy pipeline and the library's own source. So the NLP runs once per run, not once per notebook, and a
changed codebook or corpus is never served from a stale result.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import platform
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Sequence

import pandas as pd

from .errors import CorpusError, MjsError, MjsWarning
from .readers.roles import CODED_ROLES

__all__ = ["Analysis", "analyse", "provenance"]

_FORMAT = 5  # bump when the pickled layout changes


@dataclass
class Analysis:
    """Everything the notebooks show, for one corpus, codebook and seed.

    Attributes
    ----------
    segments : every turn (``Corpus.segments``); ``units``: the respondent turns, the unit of coding.
    tags : the tagger's output on ``units`` (one row per turn and code).
    codebook : the :class:`~mjs_analysis.Codebook`; ``codes`` its codable ids; ``labels`` id -> Dutch label.
    metadata : one row per transcript; ``problems``: warnings found while reading (errors stop :func:`analyse`).
    documents, documents_meta : content lemmas per respondent turn (speaker names left out) and their metadata.
    model : the fitted :class:`~mjs_analysis.topics.TopicModel`, or None with the reason in ``notes``.
    codings : manual codings (``transcript_id, turn, code, coder``), or None.
    design : the answer key's contrasts (``design.yml``), or None.
    info : provenance (see :func:`provenance`).
    notes : what could not be done and why, in Dutch, for the notebooks to show.
    reviewed : the turns each coder's review log holds a decision on (``transcript_id, turn, coder``), or None.
    learner : with ``learn_from``, the learner's per-code report (``CodeLearner.report_``: which model coded
        each code, and its cross-validated F1), else None; ``tags`` then has ``source`` and ``probability``.
    """

    segments: pd.DataFrame
    units: pd.DataFrame
    tags: pd.DataFrame
    codebook: object
    codes: list
    labels: dict
    metadata: pd.DataFrame
    problems: list
    documents: list
    documents_meta: pd.DataFrame
    model: object
    codings: pd.DataFrame | None
    design: list | None
    info: dict
    notes: list = field(default_factory=list)
    reviewed: pd.DataFrame | None = None
    learner: pd.DataFrame | None = None

    @property
    def neighbourhoods(self) -> list[str]:
        return sorted(self.units["neighbourhood"].dropna().unique().tolist())

    @cached_property
    def code_matrix(self) -> pd.DataFrame:
        from .tagging import code_matrix

        return code_matrix(self.tags, self.units, self.codes)

    def label(self, code: str) -> str:
        return self.labels.get(code, code)


def _file_digest(*paths: Path | None) -> str:
    digest = hashlib.sha256()
    for path in paths:
        if path is not None and Path(path).is_file():
            digest.update(Path(path).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _source_digest() -> str:
    """The library's own source: a result computed by older code is never reused."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted(p for p in [*here.rglob("*.py"), *here.glob("data/*")] if p.is_file()):
        digest.update(path.relative_to(here).as_posix().encode() + path.read_bytes())  # subpackages too
    return digest.hexdigest()


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("mjs-analysis", "spacy", "scikit-learn", "pandas", "numpy", "scipy", "matplotlib"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            out[name] = "?"
    return out


def provenance(analysis: Analysis) -> pd.DataFrame:
    """Where the numbers come from, as a two-column table (the first output of every notebook)."""
    info = analysis.info
    rows = [("corpus", info["corpus"]), ("corpus-hash", info["corpus_hash"]),
            ("transcripten", info["n_transcripts"]), ("codebook", info["codebook"]),
            ("codebook-hash", info["codebook_hash"]), ("seed", info["seed"]),
            ("spaCy-pijplijn", info["pipeline"]), ("automatische codering", info.get("coder", "")),
            ("gepseudonimiseerd", info["pseudonymised"])]
    rows += [(f"versie {k}", v) for k, v in info["versions"].items()]
    return pd.DataFrame(rows, columns=["gegeven", "waarde"]).set_index("gegeven")


def _pipeline_identity(language: str) -> dict:
    """Which pipeline :func:`~mjs_analysis.nlp.get_nlp` will use, read from the installed packages.

    Loading the pipeline just to learn its name costs seconds in every notebook; this costs nothing.
    """
    from importlib.metadata import PackageNotFoundError, version

    from .nlp import TRAINED_PIPELINES

    if os.environ.get("MJS_NLP", "").lower() != "blank":
        for name in TRAINED_PIPELINES[language]:
            try:
                return {"pipeline": name, "pipeline_version": version(name), "spacy": version("spacy")}
            except PackageNotFoundError:
                continue
    return {"pipeline": f"{language}_blank_lookups", "pipeline_version": version("spacy-lookups-data"),
            "spacy": version("spacy")}


def _shown_path(path: Path, corpus_dir: Path | None = None) -> str:
    """A path as reports name it, never absolute: the corpus folder by its name, a file relative to the
    corpus folder when it lies inside it (``codebook.yml``), otherwise by its file name alone."""
    path = Path(path).resolve()
    if corpus_dir is None:
        return path.name
    try:
        return path.relative_to(Path(corpus_dir).resolve()).as_posix()
    except ValueError:
        return path.name


def _shown_codebook(path: Path, corpus_dir: Path) -> str:
    """The codebook as reports name it: relative to the corpus folder, or the package's default by name."""
    from .codebook import DEFAULT_CODEBOOK

    if Path(path).resolve() == DEFAULT_CODEBOOK.resolve():
        return "het standaardcodeboek van mjs-analysis (het codeboek van het democorpus)"
    return _shown_path(path, corpus_dir)


def _find(corpus_dir: Path, given: str | Path | None, default_name: str) -> Path | None:
    if given is not None:
        return Path(given)
    candidate = corpus_dir / default_name
    return candidate if candidate.exists() else None


def analyse(corpus: str | Path = "corpus", codebook: str | Path | None = None, *, design: str | Path | None = None,
            codings: str | Path | None = None, seed: int = 0, k: int | str = "auto", cache: bool = True,
            learn_from: Sequence[str | Path] | None = None) -> Analysis:
    """Read, code and topic-model a corpus once; later calls with the same inputs load the stored result.

    Parameters
    ----------
    corpus : path, default "corpus"
        A folder of transcripts (with ``metadata.csv``), as for :func:`~mjs_analysis.load_corpus`.
    codebook : path, optional
        Default: ``codebook.yml`` in the corpus folder, else the package's default codebook
        (:func:`~mjs_analysis.codebook.resolve_codebook`; ``info["codebook_origin"]`` says which one ran).
    design : path, optional
        The answer key; default ``design.yml`` in the corpus folder if it exists.
    codings : path, optional
        A folder or CSV file of manual codings; default the corpus folder's ``coding/`` if it exists.
    seed : int, default 0
    k : int or "auto", default "auto"
        Number of topics (``"auto"``: chosen by coherence and stability).
    cache : bool, default True
        Read and write the stored result and the parsed-text cache.
    learn_from : list of paths, optional
        Folders of coded transcripts (each with its ``coding/*.csv``) to learn a classifier from
        (:class:`~mjs_analysis.learn.CodeLearner`); the units are then coded per code by the rules, the
        classifier or both, as its grouped cross-validation chose. The corpus's own transcripts never count
        for learning, so that the reliability against its manual codings stays a test on unseen turns.
        Default: the rules alone.

    Returns
    -------
    Analysis

    Examples
    --------
    >>> a = analyse("../corpus")  # doctest: +SKIP
    >>> a.tags.groupby("code").size()  # doctest: +SKIP
    """
    from . import __version__
    from .codebook import Codebook, resolve_codebook
    from .corpus import load_corpus
    from .features import cache_dir

    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"The 'seed' parameter of analyse must be a non-negative int. Got {seed!r} instead.")
    corpus_dir = Path(corpus)
    codebook_path, codebook_origin = resolve_codebook(corpus_dir, codebook)
    design_path = _find(corpus_dir, design, "design.yml")
    codings_path = _find(corpus_dir, codings, "coding")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MjsWarning)
        loaded = load_corpus(corpus_dir)
    pipeline = _pipeline_identity("nl")
    if loaded.errors:
        raise CorpusError(loaded.errors)
    coding_files = sorted(codings_path.glob("*.csv")) if codings_path and codings_path.is_dir() else \
        [codings_path] if codings_path else []
    teachers = _teachers(learn_from)
    key = hashlib.sha256(json.dumps([
        _FORMAT, __version__, _source_digest(), loaded.hash, _file_digest(codebook_path, design_path, *coding_files),
        seed, k, pipeline, [(t.hash, _file_digest(*files)) for t, files in teachers]],
        sort_keys=True, default=str).encode()).hexdigest()[:24]
    store = cache_dir() / "analysis" / f"{key}.pkl"
    if cache and store.exists():
        try:
            with store.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # a damaged or outdated file: compute again
    result = _compute(loaded, corpus_dir, Codebook.load(codebook_path), codebook_path, design_path, coding_files,
                      seed, k, cache, pipeline, teachers)
    result.info["codebook_origin"] = codebook_origin
    if cache:
        store.parent.mkdir(parents=True, exist_ok=True)
        tmp = store.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(store)  # atomic: notebooks running side by side never read half a file
    return result


def _teachers(learn_from) -> list:
    """The corpora to learn from, each with its coding files; a clear error for a folder without codings."""
    from .corpus import load_corpus

    if learn_from is None:
        return []
    if isinstance(learn_from, (str, Path)):
        learn_from = [learn_from]
    out = []
    for folder in learn_from:
        files = sorted(Path(folder).glob("coding/*.csv"))
        if not files:
            raise MjsError(f"{folder}: nothing to learn from (no coding/*.csv in it)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MjsWarning)
            corpus = load_corpus(folder)
        if corpus.errors:
            raise CorpusError(corpus.errors)
        out.append((corpus, files))
    return out


def _learned(segments, tags, cb, teachers, cache, notes):
    """The rule tags with a classifier's codes, learned from the ``teachers`` corpora (not this corpus)."""
    from .learn import CodeLearner, coded_with
    from .reliability import read_codings

    own = set(segments["transcript_id"])
    seg = pd.concat([t.segments for t, _ in teachers], ignore_index=True)
    cod = pd.concat([read_codings(files) for _, files in teachers], ignore_index=True)
    if own & set(cod["transcript_id"]):
        notes.append(f"{len(own & set(cod['transcript_id']))} transcripten van dit corpus zelf zijn niet gebruikt "
                     "om van te leren: de betrouwbaarheid tegenover de handmatige codering blijft zo een toets op "
                     "onbekende tekst (`mjs learn` leert er wel van).")
        seg, cod = seg[~seg["transcript_id"].isin(own)], cod[~cod["transcript_id"].isin(own)]
    try:
        learner = CodeLearner(cb, cache=cache).fit(seg, cod)
    except ValueError as exc:  # e.g. codings of fewer than two transcripts
        raise MjsError(f"learning from {', '.join(str(files[0].parent.parent) for _, files in teachers)}: {exc}") from None
    merged = coded_with(tags, learner.suggest(segments), segments, learner.report_, learner)
    return merged, learner.report_, int(cod["transcript_id"].nunique())


def _compute(loaded, corpus_dir, cb, codebook_path, design_path, coding_files, seed, k, cache, pipeline,
             teachers=()) -> Analysis:
    import yaml

    from .reliability import read_codings, reviewed_turns
    from .tagging import tag
    from .topics import TopicError, fit_topics, make_documents

    notes: list[str] = []
    segments = loaded.segments
    units = segments[segments["speaker_role"].isin(CODED_ROLES)].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MjsWarning)
        tags = tag(segments, cb, cache=cache)  # with the interviewer turns: a question supports its answer
        documents, meta = make_documents(segments, cache=cache)
    coder, learner = "de regels van het codeboek", None
    if teachers:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MjsWarning)
            tags, learner, n_taught = _learned(segments, tags, cb, teachers, cache, notes)
        used = learner[learner["model"] != "rules"]["code"].tolist()
        folders = ", ".join(files[0].parent.parent.resolve().name for _, files in teachers)  # names, never paths
        coder = (f"per code de regels of een geleerd model (geleerd van {n_taught} gecodeerde transcripten in "
                 f"{folders}; het geleerde model codeert {len(used)} van de {len(learner)} codes)")
    model = None
    try:
        model = fit_topics(documents, meta, k=k, seed=seed)
    except TopicError:
        notes.append(f"Geen topicmodel: {len(documents)} antwoorden met inhoudswoorden zijn te weinig voor een "
                     "model met twee of meer topics (`mjs topics` op dit corpus noemt de reden en wat er kan).")
    codes = [c.id for c in cb.codes if c.codable]
    codings = read_codings(coding_files) if coding_files else None
    reviewed = reviewed_turns(coding_files) if coding_files else None
    if codings is not None:
        codings = codings[codings["transcript_id"].isin(set(units["transcript_id"]))]
        if codings.empty:
            notes.append("De handmatige coderingen horen bij geen van de transcripten in dit corpus.")
            codings = None
    design = None
    if design_path is not None:
        design = yaml.safe_load(Path(design_path).read_text(encoding="utf-8")).get("contrasts")
    meta_table = loaded.metadata
    info = {"corpus": _shown_path(corpus_dir), "corpus_hash": loaded.hash, "n_transcripts": len(loaded),
            "codebook": _shown_codebook(codebook_path, corpus_dir), "codebook_hash": _file_digest(codebook_path)[:16],
            "seed": seed, "k": k, "pipeline": f"{pipeline['pipeline']} {pipeline['pipeline_version']}".strip(),
            "pseudonymised": f"{int(meta_table['pseudonymised'].eq(True).sum())} van {len(meta_table)}",
            "coder": coder,
            "versions": _versions()}
    return Analysis(segments=segments, units=units, tags=tags, codebook=cb, codes=codes,
                    labels={c.id: c.label_in("nl") for c in cb.codes}, metadata=meta_table,
                    problems=list(loaded.warnings), documents=documents, documents_meta=meta, model=model,
                    codings=codings, design=design, info=info, notes=notes, reviewed=reviewed, learner=learner)

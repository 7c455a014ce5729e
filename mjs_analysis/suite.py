"""The main job: execute the notebook suite with papermill and write the reports reviewers read.

The notebooks in ``notebooks/`` are jupytext ``py:percent`` sources without outputs. :func:`run` computes
the shared analysis once (:func:`mjs_analysis.analysis.analyse`, stored in the cache so every notebook
loads it instead of running the NLP again), executes ``01``–``03`` and ``05`` once and ``04_buurt`` once
per neighbourhood, writes each executed notebook and its HTML version, and an ``index.html`` linking them.
A failing cell is reported as ``notebooks/NAME.py:LINE: cell N failed: Error: message`` and the other
notebooks still run.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .errors import MjsError

__all__ = ["SUITE", "Job", "Result", "plan", "run", "slug"]

#: The notebooks of a run, in reading order; ``04_buurt`` runs once per neighbourhood.
SUITE = ("01_corpus_overzicht", "02_codering", "03_topics", "04_buurt", "05_vergelijking")
PER_NEIGHBOURHOOD = "04_buurt"
TITLES = {
    "01_corpus_overzicht": "Corpusoverzicht",
    "02_codering": "Codering en betrouwbaarheid",
    "03_topics": "Topics",
    "04_buurt": "Buurtrapport",
    "05_vergelijking": "Vergelijking tussen buurten en rollen",
}
DEFAULT_NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


class SuiteError(MjsError, ValueError):
    """The suite cannot start (no notebooks, unknown neighbourhood, bad parameter, ...)."""


@dataclass(frozen=True)
class Job:
    """One notebook execution: its source, the name of its outputs and its parameters."""

    source: Path
    name: str
    title: str
    parameters: dict


@dataclass(frozen=True)
class Result:
    job: Job
    ok: bool
    seconds: float
    error: str = ""


def slug(text: str) -> str:
    """A file-name-safe form of a neighbourhood name: ``"Kleine Wereld-Buikslotermeer"`` -> ``"kleine-wereld-buikslotermeer"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "buurt"


def plan(notebooks: Path, neighbourhoods: Sequence[str], parameters: dict,
         only: Sequence[str] | None = None) -> list[Job]:
    """The jobs of a run. With ``only`` (neighbourhood names), just those neighbourhoods' reports."""
    missing = [n for n in SUITE if not (notebooks / f"{n}.py").is_file()]
    if missing:
        raise SuiteError(f"{notebooks}: notebook source(s) missing: {', '.join(m + '.py' for m in missing)}")
    if only:
        unknown = [n for n in only if n not in neighbourhoods]
        if unknown:
            raise SuiteError(f"--neighbourhood: unknown {', '.join(map(repr, unknown))}; the corpus has "
                             f"{', '.join(map(repr, neighbourhoods))}")
    jobs = []
    for name in SUITE:
        if only and name != PER_NEIGHBOURHOOD:
            continue
        if name == PER_NEIGHBOURHOOD:
            for hood in (only or neighbourhoods):
                jobs.append(Job(notebooks / f"{name}.py", f"{name}_{slug(hood)}", f"{TITLES[name]}: {hood}",
                                {**parameters, "neighbourhood": hood}))
        else:
            jobs.append(Job(notebooks / f"{name}.py", name, TITLES[name], dict(parameters)))
    return jobs


def _cell_line(source: Path, cell_source: str) -> int | None:
    """The line of the py:percent source where a cell's first code line is."""
    first = next((line for line in cell_source.splitlines() if line.strip()), None)
    if first is None:
        return None
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if line == first:
            return number
    return None


def _line_in_cell(traceback: Sequence[str]) -> int | None:
    """The failing line within the cell, from IPython's traceback ("Cell In[3], line 2")."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(traceback or []))
    found = re.search(r"Cell In\[\d+\], line (\d+)", plain)
    return int(found.group(1)) if found else None


def _describe_failure(job: Job, exc: Exception, executed: Path) -> str:
    """``notebooks/04_buurt.py:95: cell 12 failed: KeyError: 'x'`` (cell numbers as in the source)."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    where = f"{job.source}"
    if job.parameters.get("neighbourhood") is not None and job.name.startswith(PER_NEIGHBOURHOOD):
        where_note = f" [{job.parameters['neighbourhood']}]"
    else:
        where_note = ""
    if isinstance(exc, PapermillExecutionError):
        cell_no, line = exc.cell_index + 1, None
        try:  # papermill adds a parameters cell and error banners: count the source's own cells
            nb = nbformat.read(executed, as_version=4)
            own = [c for c in nb.cells if not {"injected-parameters", "papermill-error-cell-tag"}
                   & set(c.metadata.get("tags", []))]
            failed = next(i for i, c in enumerate(own) if any(o.get("output_type") == "error" for o in c.get("outputs", [])))
            cell_no = failed + 1
            line = _cell_line(job.source, own[failed].source)
            inner = _line_in_cell(exc.traceback)
            if line is not None and inner is not None:
                line += inner - 1
        except Exception:  # noqa: BLE001 - the message below is still useful without a line
            pass
        evalue = str(exc.evalue).strip().splitlines()[0] if str(exc.evalue).strip() else ""
        return f"{where}{':' + str(line) if line else ''}: cell {cell_no} failed{where_note}: {exc.ename}: {evalue}"
    return f"{where}: could not run{where_note}: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"


def _execute(job: Job, output: Path, cwd: Path) -> Result:
    import jupytext
    import papermill

    start = time.perf_counter()
    executed = output / f"{job.name}.ipynb"
    try:
        notebook = jupytext.read(job.source)
        # The kernel's working folder goes to nbclient (resources.metadata.path), not to papermill's `cwd`:
        # that one os.chdir()s the whole process, and with notebooks run side by side in threads, one
        # notebook's return to the old folder could start the other's kernel in the wrong place.
        papermill.execute_notebook(notebook, str(executed.resolve()), parameters=job.parameters,
                                   kernel_name="python3", language="python", progress_bar=False,
                                   log_output=False, resources={"metadata": {"path": str(cwd)}},
                                   extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except Exception as exc:  # noqa: BLE001 - any failure of one notebook is reported, the others go on
        error = _describe_failure(job, exc, executed)
        if executed.exists():
            _to_html(executed, job.title)
        return Result(job, False, time.perf_counter() - start, error)
    _to_html(executed, job.title)
    return Result(job, True, time.perf_counter() - start)


#: Metadata that changes on every run (times, paths); removed so that a re-run rewrites identical files.
_VOLATILE_NB = ("start_time", "end_time", "duration", "input_path", "output_path")
_VOLATILE_CELL = ("start_time", "end_time", "duration")


def clean(nb):
    """Drop run times, paths and random cell ids from an executed notebook (in place) and return it."""
    nb.metadata.get("papermill", {}).pop("environment_variables", None)
    for key in _VOLATILE_NB:
        nb.metadata.get("papermill", {}).pop(key, None)
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"  # jupytext and papermill draw random ids
        cell.metadata.pop("execution", None)
        for key in _VOLATILE_CELL:
            cell.metadata.get("papermill", {}).pop(key, None)
    return nb


TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Cells a reviewer does not need: the parameters (papermill's injected ones too).
_HIDDEN_TAGS = {"parameters", "injected-parameters"}


def _to_html(executed: Path, title: str | None = None) -> Path:
    """The executed notebook, cleaned in place, and its HTML for reviewers beside it.

    The HTML leaves out the code and the parameter cells, carries the report's title as page title and a
    short table of contents after the first text cell, and gives figures their Dutch description as alt
    text (template ``templates/mjs``). The ``.ipynb`` keeps everything, for researchers.
    """
    import copy

    import nbformat
    from nbconvert import HTMLExporter

    nb = clean(nbformat.read(executed, as_version=4))
    nbformat.write(nb, executed)
    view = copy.deepcopy(nb)
    view.cells = [c for c in view.cells if not _HIDDEN_TAGS & set(c.metadata.get("tags", []))]
    view.metadata["title"] = title or executed.stem
    toc = _toc([c.source for c in view.cells if c.cell_type == "markdown"])
    first_text = next((i for i, c in enumerate(view.cells) if c.cell_type == "markdown"), -1)
    if toc:
        cell = nbformat.v4.new_markdown_cell(toc)
        cell["id"] = "inhoud"  # nbformat draws a random id: the HTML would differ on every run
        view.cells.insert(first_text + 1, cell)
    exporter = HTMLExporter(template_name="mjs", extra_template_basedirs=[str(TEMPLATES)], exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True, language_code="nl")
    body, _ = exporter.from_notebook_node(view)
    target = executed.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


def _anchor(heading: str) -> str:
    """The id nbconvert gives a heading (spaces become hyphens)."""
    return heading.strip().replace(" ", "-")


def _toc(markdown_sources: Sequence[str]) -> str:
    from .report import headings

    found = headings(markdown_sources)
    if len(found) < 2:
        return ""
    items = "".join(f'<li><a href="#{html.escape(_anchor(h), quote=True)}">{html.escape(h)}</a></li>' for h in found)
    return f'<nav class="mjs-toc"><strong>Inhoud</strong><ol>{items}</ol></nav>'


CENTRAL_QUESTION = ("Wat leren de eerste buurtbudgetpilots over meer eigenaarschap, zeggenschap en co-creatie, en "
                    "over vertrouwen en samenwerking tussen bewoners en gemeente?")

_INDEX_CSS = """body{font-family:system-ui,sans-serif;max-width:48rem;margin:1.5rem auto;line-height:1.55;padding:0 1rem;
color:#1d1d1d}h1{font-size:1.6rem;line-height:1.25}h2{margin-top:2rem;border-bottom:1px solid #ddd}
h3{margin-bottom:.2rem}p{margin:.3rem 0 .6rem}table{border-collapse:collapse;font-size:.9rem}
th,td{text-align:left;padding:.15rem 1rem .15rem 0;vertical-align:top;word-break:break-word}
.fail{color:#b00}.lead{font-size:1.1rem}.small{font-size:.85rem;color:#555}"""


def _p(lines: Sequence[str]) -> str:
    return "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)


def write_index(output: Path, results: Sequence[Result], analysis=None, seed: int = 0) -> Path:
    """``index.html``, the front page of the findings.

    The central question; per neighbourhood a few sentences generated from the numbers with a link to its
    report; what neighbourhoods and roles share and where they differ; how reliable the coding is; every
    report; and, at the bottom, where the numbers come from. Readable on a phone.
    """
    from . import summary

    order = {name: i for i, name in enumerate(SUITE)}
    status = {r.job.name: r for r in results}
    titles = {r.job.name: r.job.title for r in results}
    pages = sorted((p for p in output.glob("*.ipynb")),
                   key=lambda p: (order.get(p.stem if p.stem in order else PER_NEIGHBOURHOOD, 99), p.stem))
    rows = []
    for page in pages:
        title = titles.get(page.stem) or TITLES.get(page.stem) or page.stem
        result = status.get(page.stem)
        state = "" if result is None or result.ok else ' <strong class="fail">mislukt</strong>'
        rows.append(f'<li><a href="{html.escape(page.stem)}.html">{html.escape(title)}</a> '
                    f'<span class="small">(<a href="{html.escape(page.name)}">notebook</a>)</span>{state}</li>')
    sections = []
    if analysis is not None:
        hoods = []
        per_code = summary.code_reliability(analysis, seed=seed)
        for hood in analysis.neighbourhoods:
            report = f"{PER_NEIGHBOURHOOD}_{slug(hood)}.html"
            link = (f' <a href="{html.escape(report)}">naar het buurtrapport</a>'
                    if (output / report).exists() else "")
            hoods.append(f"<h3>{html.escape(hood)}</h3>\n{_p(summary.neighbourhood(analysis, hood, seed=seed, reliability=per_code))}"
                         f"\n<p class=\"small\">{link}</p>")
        sections.append("<h2>Per buurt</h2>\n" + "\n".join(hoods))
        sections.append("<h2>Wat de buurten delen en waarin ze verschillen</h2>\n"
                        + _p(summary.common_and_different(analysis, seed=seed) + summary.roles(analysis, seed=seed))
                        + '\n<p class="small"><a href="05_vergelijking.html">Alle vergelijkingen</a></p>')
        notes = list(getattr(analysis.model, "notes", []) or [])
        sections.append("<h2>Hoe betrouwbaar is de codering?</h2>\n" + _p(summary.reliability(analysis, per_code=per_code))
                        + _p(notes)
                        + '\n<p class="small"><a href="02_codering.html">Codering en betrouwbaarheid</a></p>')
    info = analysis.info if analysis is not None else {}
    facts = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in (
        ("corpus", info.get("corpus")), ("corpus-hash", info.get("corpus_hash")),
        ("transcripten", info.get("n_transcripts")), ("codeboek", info.get("codebook")),
        ("spaCy-pijplijn", info.get("pipeline")), ("seed", info.get("seed")),
        ("mjs-analysis", info.get("versions", {}).get("mjs-analysis"))))
    page = f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Amsterdammers, Maak je Stad! — bevindingen</title>
<style>{_INDEX_CSS}</style></head><body>
<h1>Amsterdammers, Maak je Stad! — wat de interviews zeggen</h1>
<p class="lead">{html.escape(CENTRAL_QUESTION)}</p>
<p>Deze pagina vat de automatisch gecodeerde interviews samen; elke zin is uit de getallen afgeleid.
Percentages zijn aandelen van de antwoorden van respondenten, met tussen haakjes het 95%-interval. Een verschil
heet alleen een verschil als de toets het steunt.</p>
{chr(10).join(sections)}
<h2>Alle rapporten</h2>
<ol>
{chr(10).join(rows)}
</ol>
<p class="small">Alle codes met hun bewijszin: <a href="tags.csv">tags.csv</a>.</p>
<h2>Herkomst</h2>
<p class="small">Met dezelfde herkomst geeft een nieuwe run dezelfde getallen, op elke machine.</p>
<table>{facts}</table>
</body></html>
"""
    target = output / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def run(corpus: str | Path = "corpus", output: str | Path = "reports", *, neighbourhoods: Sequence[str] | None = None,
        codebook: str | Path | None = None, notebooks: str | Path | None = None, seed: int = 0, jobs: int = 2,
        cache: bool = True, allow_identifiable: bool = False, key: str | Path | None = None,
        learn_from: Sequence[str | Path] | None = None, progress: Callable[[str], None] = print) -> list[Result]:
    """Execute the notebook suite on a corpus and write the reports.

    Parameters
    ----------
    corpus : path, default "corpus"
    output : path, default "reports"
        Receives one ``.ipynb`` and one ``.html`` per notebook (``04_buurt_<buurt>`` per neighbourhood),
        ``tags.csv`` and ``index.html``.
    neighbourhoods : list of str, optional
        Only these neighbourhoods' reports (the other notebooks are not run).
    codebook : path, optional
        Default: ``codebook.yml`` in the corpus folder, else the package's default codebook (``resolve_codebook``).
    notebooks : path, optional
        The notebook sources (default: the suite in ``notebooks/``).
    seed : int, default 0
    jobs : int, default 2
        Notebooks executed side by side.
    cache : bool, default True
        With False, nothing is read from or left in the cache; the run still computes the analysis once.
    allow_identifiable : bool, default False
        Run on transcripts not marked ``pseudonymised: true`` (otherwise the run refuses).
    key : path, optional
        A pseudonymisation key: every output file is scanned for its original values.
    learn_from : list of paths, optional
        Folders of coded transcripts to learn a classifier from (see :func:`~mjs_analysis.analysis.analyse`);
        default the rules alone.
    progress : callable
        Receives one line per step.

    Returns
    -------
    list of Result, one per notebook. Raises :class:`~mjs_analysis.errors.MjsError` before any notebook
    runs when the corpus has errors, is not pseudonymised, or the suite is incomplete.
    """
    from .analysis import analyse
    from .corpus import load_corpus
    from .privacy import identifiable, scan_leaks

    if not isinstance(jobs, int) or jobs < 1:
        raise SuiteError(f"The 'jobs' parameter of run must be an int >= 1. Got {jobs!r} instead.")
    corpus, output = Path(corpus), Path(output)
    notebooks = Path(notebooks) if notebooks is not None else DEFAULT_NOTEBOOKS
    loaded = load_corpus(corpus)
    if loaded.errors:
        raise MjsError("\n".join(str(p) for p in loaded.errors))
    if not len(loaded):
        raise MjsError(f"{corpus}: no transcripts found")
    exposed = identifiable(loaded)
    if exposed and not allow_identifiable:
        raise MjsError(f"{corpus}: {len(exposed)} transcript(s) not marked 'pseudonymised: true': "
                       f"{', '.join(map(str, exposed))}. Run 'mjs pseudonymise' first, or pass "
                       f"--allow-identifiable for a private run whose reports are never shared.")
    os.environ["PYTHONHASHSEED"] = "0"  # kernels inherit it: set and dict orders repeat between runs
    scratch = None
    if not cache:  # one private cache for this run: computed once, shared by the notebooks, then removed
        scratch = tempfile.mkdtemp(prefix="mjs-run-")
        previous = os.environ.get("MJS_CACHE_DIR")
        os.environ["MJS_CACHE_DIR"] = str(Path(scratch) / "features")
    try:
        start = time.perf_counter()
        learn_from = None if not learn_from else [Path(p) for p in learn_from]
        analysis = analyse(corpus, codebook, seed=seed, learn_from=learn_from)
        progress(f"analysis: {analysis.info['n_transcripts']} transcripts, {len(analysis.units)} respondent turns, "
                 f"{len(analysis.neighbourhoods)} neighbourhoods, pipeline {analysis.info['pipeline']} "
                 f"({time.perf_counter() - start:.1f} s)")
        progress(f"codebook: {analysis.info.get('codebook_origin', analysis.info['codebook'])}")
        if analysis.learner is not None:
            chosen = analysis.learner["model"].value_counts().to_dict()
            progress("coding: " + ", ".join(f"{n} code(s) by {m}" for m, n in sorted(chosen.items())))
        # The kernels run beside the corpus folder and get paths relative to it: no path of the
        # researcher's machine reaches the executed notebooks.
        cwd = corpus.resolve().parent
        parameters = {"corpus": corpus.resolve().name,
                      "codebook": None if codebook is None else os.path.relpath(Path(codebook).resolve(), cwd),
                      "seed": seed,
                      "learn_from": None if learn_from is None else [os.path.relpath(p.resolve(), cwd) for p in learn_from]}
        plan_ = plan(notebooks, analysis.neighbourhoods, parameters, neighbourhoods)
        output.mkdir(parents=True, exist_ok=True)
        analysis.tags.to_csv(output / "tags.csv", index=False)
        with _kernel_stderr() as kernel_noise:
            results = _run_jobs(plan_, output, cwd, jobs, progress)
        if any(not r.ok for r in results) and kernel_noise():
            progress("kernel messages:\n" + kernel_noise().rstrip())  # diagnostics, only when something failed
    finally:
        if scratch is not None:
            if previous is None:
                os.environ.pop("MJS_CACHE_DIR", None)
            else:
                os.environ["MJS_CACHE_DIR"] = previous
            shutil.rmtree(scratch, ignore_errors=True)
    write_index(output, results, analysis, seed=seed)
    if key is not None:
        leaks = scan_leaks([output], key)
        if leaks:
            raise MjsError("\n".join(str(p) for p in leaks))
        n_files = sum(1 for p in output.rglob("*") if p.is_file())
        progress(f"leak scan: 0 leaks in {n_files} files of {output} (every original value of the key searched)")
    return results


@contextlib.contextmanager
def _kernel_stderr():
    """Catch what the kernel processes write to the standard error they inherit (log lines, libzmq
    assertions at shutdown), while this process's own lines still reach the terminal.

    Yields a function that returns the caught text.
    """
    import sys

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real standard error (an embedded interpreter): nothing to keep quiet
        yield lambda: ""
        return
    caught = tempfile.TemporaryFile(mode="w+b")
    own, previous = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="replace"), sys.stderr
    os.dup2(caught.fileno(), 2)
    sys.stderr = own
    try:
        yield lambda: (caught.seek(0), caught.read().decode("utf-8", "replace"))[1]
    finally:
        sys.stderr = previous
        os.dup2(saved, 2)
        os.close(saved)
        own.close()


def _run_jobs(plan_: Sequence[Job], output: Path, cwd: Path, jobs: int, progress) -> list[Result]:
    total = len(plan_)
    done = []

    def one(job: Job) -> Result:
        result = _execute(job, output, cwd)
        done.append(result)
        state = "ok" if result.ok else "FAILED"
        progress(f"[{len(done)}/{total}] {job.name}: {state} ({result.seconds:.1f} s)")
        return result

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, plan_))

"""The main job: execute the notebook suite with papermill and write the reports reviewers read.

The notebooks in ``notebooks/`` are jupytext ``py:percent`` sources without outputs. :func:`run` computes
the shared analysis once (:func:`mjs_analysis.analysis.analyse`, stored in the cache so every notebook
loads it instead of running the NLP again), executes ``01``–``03`` and ``05`` once and ``04_buurt`` once
per neighbourhood, writes each executed notebook and its HTML version, and an ``index.html`` linking them.
A failing cell is reported as ``notebooks/NAME.py:LINE: cell N failed: Error: message`` and the other
notebooks still run.
"""

from __future__ import annotations

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
        papermill.execute_notebook(notebook, str(executed), parameters=job.parameters, kernel_name="python3",
                                   language="python",
                                   cwd=str(cwd), progress_bar=False, log_output=False,
                                   extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except Exception as exc:  # noqa: BLE001 - any failure of one notebook is reported, the others go on
        error = _describe_failure(job, exc, executed)
        if executed.exists():
            _to_html(executed)
        return Result(job, False, time.perf_counter() - start, error)
    _to_html(executed)
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


def _to_html(executed: Path) -> Path:
    import nbformat
    from nbconvert import HTMLExporter

    nb = clean(nbformat.read(executed, as_version=4))
    nbformat.write(nb, executed)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    target = executed.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


def write_index(output: Path, results: Sequence[Result], info: dict) -> Path:
    """``index.html``: every report of the output folder in reading order, and where the numbers come from."""
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
                    f'(<a href="{html.escape(page.name)}">notebook</a>){state}</li>')
    facts = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in (
        ("corpus", info.get("corpus")), ("corpus-hash", info.get("corpus_hash")),
        ("transcripten", info.get("n_transcripts")), ("spaCy-pijplijn", info.get("pipeline")),
        ("seed", info.get("seed")), ("mjs-analysis", info.get("versions", {}).get("mjs-analysis"))))
    page = f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>mjs-analysis: rapporten</title>
<style>body{{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;line-height:1.5;padding:0 1rem}}
th{{text-align:left;padding-right:1rem}}.fail{{color:#b00}}</style></head><body>
<h1>Amsterdammers, Maak je Stad! — analyse van de interviews</h1>
<p>Uitgevoerde notebooks van <code>mjs run</code>. Elk rapport begint met zijn herkomst (versies, pijplijn,
corpus-hash, seed); met dezelfde herkomst geeft een nieuwe run dezelfde getallen.</p>
<ol>
{chr(10).join(rows)}
</ol>
<h2>Herkomst</h2><table>{facts}</table>
<p>Alle codes met hun bewijszin: <a href="tags.csv">tags.csv</a>.</p>
</body></html>
"""
    target = output / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def run(corpus: str | Path = "corpus", output: str | Path = "reports", *, neighbourhoods: Sequence[str] | None = None,
        codebook: str | Path | None = None, notebooks: str | Path | None = None, seed: int = 0, jobs: int = 2,
        cache: bool = True, allow_identifiable: bool = False, key: str | Path | None = None,
        progress: Callable[[str], None] = print) -> list[Result]:
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
        analysis = analyse(corpus, codebook, seed=seed)
        progress(f"analysis: {analysis.info['n_transcripts']} transcripts, {len(analysis.units)} respondent turns, "
                 f"{len(analysis.neighbourhoods)} neighbourhoods, pipeline {analysis.info['pipeline']} "
                 f"({time.perf_counter() - start:.1f} s)")
        progress(f"codebook: {analysis.info.get('codebook_origin', analysis.info['codebook'])}")
        parameters = {"corpus": corpus.as_posix(), "codebook": None if codebook is None else Path(codebook).as_posix(),
                      "seed": seed}
        plan_ = plan(notebooks, analysis.neighbourhoods, parameters, neighbourhoods)
        output.mkdir(parents=True, exist_ok=True)
        analysis.tags.to_csv(output / "tags.csv", index=False)
        results = _run_jobs(plan_, output, Path.cwd(), jobs, progress)
    finally:
        if scratch is not None:
            if previous is None:
                os.environ.pop("MJS_CACHE_DIR", None)
            else:
                os.environ["MJS_CACHE_DIR"] = previous
            shutil.rmtree(scratch, ignore_errors=True)
    write_index(output, results, analysis.info)
    if key is not None:
        leaks = scan_leaks([output], key)
        if leaks:
            raise MjsError("\n".join(str(p) for p in leaks))
    return results


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

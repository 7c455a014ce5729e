"""The main job: `mjs run` executes the notebook suite, the committed reports are current, odd corpora run
to the end with notes, and a failing notebook is named with its cell and line."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from mjs_analysis.cli import main
from mjs_analysis.suite import SUITE, clean, run, slug

from .conftest import CORPUS, ROOT

REPORTS = ROOT / "reports"
NEIGHBOURHOODS = ["Banne Buiksloot", "Holendrecht", "K-buurt", "Kleine Wereld-Buikslotermeer", "Slotermeer Noordoost"]


def _texts(nb) -> list:
    """What a reader sees of each code cell, minus image bytes and the package versions of the provenance."""
    seen = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                outputs.append(("stream", out["text"]))
            elif out["output_type"] == "error":
                outputs.append(("error", out["ename"]))
            else:
                for mime, value in sorted(out.get("data", {}).items()):
                    if mime.startswith("image/"):
                        outputs.append((mime, "<image>"))
                    else:
                        text = value if isinstance(value, str) else json.dumps(value)
                        text = re.sub(r" at 0x[0-9a-f]+>", " at 0x...>", text)  # object reprs carry addresses
                        if "provenance(A)" in cell.source:
                            text = "\n".join(line for line in text.splitlines() if "versie" not in line)
                        outputs.append((mime, text))
        seen.append((cell.source, outputs))
    return seen


def _error_outputs(nb) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o["output_type"] == "error"]


@pytest.fixture(scope="module")
def fresh_reports(tmp_path_factory):
    """The suite executed now on the demo corpus, as `make analysis` does."""
    out = tmp_path_factory.mktemp("reports")
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)  # notebooks get the corpus path as given ("corpus"), like `make analysis`
    try:
        results = run("corpus", out, progress=lambda line: None)
    finally:
        os.chdir(cwd)
    return out, results


def test_demo_run_writes_every_report_without_errors(fresh_reports):
    out, results = fresh_reports
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    expected = ["01_corpus_overzicht", "02_codering", "03_topics",
                *[f"04_buurt_{slug(n)}" for n in NEIGHBOURHOODS], "05_vergelijking"]
    assert sorted(p.stem for p in out.glob("*.ipynb")) == sorted(expected)
    assert sorted(p.stem for p in out.glob("*.html") if p.stem != "index") == sorted(expected)
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in expected:
        assert f'href="{name}.html"' in index and f'href="{name}.ipynb"' in index
    for name in expected:
        nb = nbformat.read(out / f"{name}.ipynb", as_version=4)
        assert not _error_outputs(nb), name
        last = [c for c in nb.cells if c.cell_type == "code" and c.get("outputs")][-1]
        assert "corpus-hash" in last.outputs[0]["data"]["text/plain"]  # provenance is the appendix


def test_each_neighbourhood_report_has_a_figure_quotes_and_findings(fresh_reports):
    out, _ = fresh_reports
    for name in NEIGHBOURHOODS:
        nb = nbformat.read(out / f"04_buurt_{slug(name)}.ipynb", as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
        assert any("image/png" in o.get("data", {}) for o in outputs), name
        markdown = "\n".join(o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {}))
        assert f"# {name}" in markdown
        assert markdown.count("> —") >= 5, name  # quotes, each traced to speaker and transcript turn
        assert "beurt" in markdown and "Meest besproken thema's in " + name in markdown


def test_committed_reports_are_current(fresh_reports):
    """reports/ in the repository is what the suite produces now (text and tables; not image bytes)."""
    out, _ = fresh_reports
    committed = sorted(p.name for p in REPORTS.glob("*.ipynb"))
    produced = sorted(p.name for p in out.glob("*.ipynb"))
    assert committed == produced, "reports/ is out of date: run `make analysis` and commit reports/"
    for name in produced:
        old = nbformat.read(REPORTS / name, as_version=4)
        new = nbformat.read(out / name, as_version=4)
        assert _texts(old) == _texts(new), f"reports/{name} is out of date: run `make analysis` and commit reports/"
        assert (REPORTS / name).with_suffix(".html").is_file()
    assert (REPORTS / "index.html").is_file() and (REPORTS / "tags.csv").is_file()


def test_a_rerun_writes_identical_notebooks(fresh_reports, tmp_path, monkeypatch):
    out, _ = fresh_reports
    monkeypatch.chdir(ROOT)
    run("corpus", tmp_path, neighbourhoods=["Holendrecht"], progress=lambda line: None)
    name = "04_buurt_holendrecht.ipynb"
    assert (tmp_path / name).read_bytes() == (out / name).read_bytes()
    html_name = name.replace(".ipynb", ".html")  # the reviewers' page too: no random ids, no run times
    assert (tmp_path / html_name).read_bytes() == (out / html_name).read_bytes()


# --------------------------------------------------------------------------- odd corpora


ENGLISH = """I: Thank you for joining. How did the neighbourhood budget work for you?
R: Honestly, at first I did not trust the council at all. They promised a lot and nothing happened.
I: And later?
R: Later we sat together with the district and decided on the plans ourselves. That felt like real say.
I: What would you change?
R: The rules for the subsidy are too complicated. Nobody understands the forms, and the money comes late.
I: Anything else?
R: I am proud of what we built. It is ours now, the residents run the garden.
"""


@pytest.fixture(scope="module")
def odd_corpus(tmp_path_factory):
    """One single-transcript neighbourhood, an English transcript, a code that never occurs, no codings."""
    folder = tmp_path_factory.mktemp("odd")
    keep = ["sln01", "sln02", "kb01", "kb03", "hd01"]
    with (CORPUS / "metadata.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["transcript_id"] in keep]
    for row in rows:
        shutil.copy(CORPUS / f"{row['transcript_id']}.txt", folder)
    rows.append({**rows[0], "transcript_id": "en01", "language": "en", "respondent_role": "bewoner",
                 "respondent_description": "English-speaking resident"})
    (folder / "en01.txt").write_text(ENGLISH, encoding="utf-8")
    with (folder / "metadata.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    codebook = (CORPUS / "codebook.yml").read_text(encoding="utf-8")
    codebook += ("\n  - id: ruimtevaart\n    label: {nl: Ruimtevaart, en: Space travel}\n"
                 "    definition: Nooit besproken in deze interviews.\n    rules:\n      terms: [raket, astronaut]\n")
    (folder / "codebook.yml").write_text(codebook, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def odd_reports(odd_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("odd-reports")
    return out, run(odd_corpus, out, progress=lambda line: None)


def _markdown(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []) if "text/markdown" in o.get("data", {}))


def test_odd_corpus_runs_to_the_end_with_notes(odd_reports):
    out, results = odd_reports
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert len(results) == len(SUITE) - 1 + 3  # three neighbourhoods
    for path in out.glob("*.ipynb"):
        assert not _error_outputs(nbformat.read(path, as_version=4)), path.name
    overview = _markdown(out / "01_corpus_overzicht.ipynb")
    assert "Holendrecht heeft maar één transcript" in overview
    assert "meer dan één taal" in overview
    coding = _markdown(out / "02_codering.ipynb")
    assert "Geen handmatige coderingen gevonden" in coding
    assert "Nooit toegekend:** Ruimtevaart" in coding
    assert "geen antwoordmodel" in coding
    single = _markdown(out / "04_buurt_holendrecht.ipynb")
    assert "één transcript" in single and "te weinig gegevens voor een toets (1 transcript(en)" in single


def test_english_turns_get_a_note_about_the_codebook_language(odd_reports):
    out, _ = odd_reports
    with (out / "tags.csv").open(encoding="utf-8") as fh:
        coded = len({r["turn"] for r in csv.DictReader(fh) if r["transcript_id"] == "en01"})
    coding = _markdown(out / "02_codering.ipynb")
    assert "4 antwoorden zijn in het 'en', het codeboek is in het 'nl'" in coding
    assert f"{coded} van deze antwoorden kregen een code" in coding


# --------------------------------------------------------------------------- failures and the CLI


BROKEN = """# %% tags=["parameters"]
corpus = "corpus"
codebook = None
seed = 0
neighbourhood = None

# %%
print("fine")

# %%
x = 1
y = x / 0
"""

FINE = """# %% tags=["parameters"]
corpus = "corpus"
codebook = None
seed = 0
neighbourhood = None

# %%
print("ran", corpus, neighbourhood)
"""


@pytest.fixture
def tiny_suite(tmp_path):
    """A suite of trivial notebooks, quick to execute, with 02_codering broken at a known line."""
    folder = tmp_path / "nb"
    folder.mkdir()
    for name in SUITE:
        (folder / f"{name}.py").write_text(BROKEN if name == "02_codering" else FINE, encoding="utf-8")
    return folder


def copy_corpus(folder: Path, ids) -> Path:
    """Some .txt transcripts of the demo corpus with their metadata rows and the codebook, in ``folder``."""
    folder.mkdir()
    with (CORPUS / "metadata.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["transcript_id"] in ids]
    for row in rows:
        shutil.copy(CORPUS / f"{row['transcript_id']}.txt", folder)
    with (folder / "metadata.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    shutil.copy(CORPUS / "codebook.yml", folder)
    return folder


@pytest.fixture
def small_corpus(tmp_path):
    return copy_corpus(tmp_path / "small", ("sln01", "kb01"))


def test_failing_cell_is_named_and_the_other_notebooks_still_run(tiny_suite, small_corpus, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", "--corpus", str(small_corpus), "--output", str(out), "--notebooks", str(tiny_suite)])
    err = capsys.readouterr().err
    assert code == 1
    line = BROKEN.splitlines().index("y = x / 0") + 1
    assert f"02_codering.py:{line}: cell 3 failed: ZeroDivisionError: division by zero" in err
    assert "Traceback" not in err
    assert "5 of 6 notebooks ran" in err
    assert (out / "05_vergelijking.html").is_file() and (out / "02_codering.html").is_file()
    assert "mislukt" in (out / "index.html").read_text(encoding="utf-8")


def test_unknown_neighbourhood_is_one_clear_line(tiny_suite, small_corpus, tmp_path, capsys):
    code = main(["run", "--corpus", str(small_corpus), "--output", str(tmp_path / "o"), "--notebooks",
                 str(tiny_suite), "--neighbourhood", "Atlantis"])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.splitlines()[-1] == "--neighbourhood: unknown 'Atlantis'; the corpus has 'K-buurt', 'Slotermeer Noordoost'"


def test_missing_notebook_source_is_reported(tmp_path, small_corpus, capsys):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert main(["run", "--corpus", str(small_corpus), "--output", str(tmp_path / "o"), "--notebooks", str(folder)]) == 1
    assert "notebook source(s) missing: 01_corpus_overzicht.py" in capsys.readouterr().err


def test_neighbourhood_option_runs_only_that_report(tiny_suite, small_corpus, tmp_path, capsys):
    (tiny_suite / "02_codering.py").write_text(FINE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--corpus", str(small_corpus), "--output", str(out), "--notebooks", str(tiny_suite),
                 "--neighbourhood", "K-buurt"]) == 0
    assert sorted(p.name for p in out.glob("*.ipynb")) == ["04_buurt_k-buurt.ipynb"]
    nb = nbformat.read(out / "04_buurt_k-buurt.ipynb", as_version=4)
    printed = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    assert f"ran {small_corpus.name} K-buurt\n" in printed  # the folder's name, never a path of this machine


def test_corpus_errors_stop_the_run_before_any_notebook(tiny_suite, small_corpus, tmp_path, capsys):
    (small_corpus / "kapot.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--corpus", str(small_corpus), "--output", str(out), "--notebooks", str(tiny_suite)]) == 1
    assert "kapot.txt" in capsys.readouterr().err
    assert not out.exists()


def test_clean_removes_run_times_and_random_ids():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    nb.metadata["papermill"] = {"start_time": "x", "end_time": "y", "duration": 1.0, "input_path": "/tmp/a",
                                "parameters": {"seed": 0}}
    nb.cells[0].metadata["papermill"] = {"duration": 0.1, "status": "completed"}
    nb.cells[0].metadata["execution"] = {"iopub.status.busy": "x"}
    clean(nb)
    assert nb.metadata["papermill"] == {"parameters": {"seed": 0}}
    assert nb.cells[0].metadata == {"papermill": {"status": "completed"}} and nb.cells[0]["id"] == "cell-0"


def test_explore_notebook_runs_headless(small_corpus, tmp_path):
    import jupytext
    import papermill

    out = tmp_path / "00.ipynb"
    papermill.execute_notebook(jupytext.read(ROOT / "notebooks" / "00_verkennen.py"), str(out), kernel_name="python3",
                               parameters={"corpus": str(small_corpus), "zoekterm": "geld"}, progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    assert not _error_outputs(nb)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "treffers voor 'geld'" in printed


# --------------------------------------------------------------------------- reports a reviewer can read and trust


def _html_text(html_text: str) -> str:
    import html as html_lib

    body = re.sub(r"<(style|script)\b.*?</\1>", " ", html_text, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


ENGLISH_WORDS = ("no clear difference", "too little data", "count_group", "share_group", "p_adjusted", "cramers_v",
           "verdict", "chi-square", "permutation", "(all codes)", "statement", "holds", "left out")


def test_html_reports_show_findings_not_code(fresh_reports):
    out, _ = fresh_reports
    for page in sorted(out.glob("*.html")):
        if page.stem == "index":
            continue
        html_text = page.read_text(encoding="utf-8")
        assert "hl-ipython3" not in html_text and "analyse(corpus" not in html_text, page.name  # no code cells
        assert "neighbourhood = " not in html_text and "# Parameters" not in html_text, page.name
        title = re.search(r"<title>(.*?)</title>", html_text).group(1)
        assert title.startswith(("Corpusoverzicht", "Codering", "Topics", "Buurtrapport: ", "Vergelijking")), title
        assert "Inhoud" in html_text and 'class="mjs-toc"' in html_text
        headings = re.findall(r"<h2 id=\"([^\"]+)\"", html_text)
        assert headings[-1] == "Herkomst", (page.name, headings)  # provenance is the appendix
        alts = re.findall(r"<img [^>]*alt=\"([^\"]*)\"", html_text)
        assert len(alts) == html_text.count("<img ") and all(len(a) > 20 for a in alts), page.name


def test_reports_are_dutch_with_percentages(fresh_reports):
    out, _ = fresh_reports
    for page in sorted(out.glob("*.html")):
        text = _html_text(page.read_text(encoding="utf-8")).split("Herkomst")[0]
        for word in ENGLISH_WORDS:
            assert word not in text, (page.name, word)
        assert not re.search(r"(?<![\d.])0\.\d{2,}", text), (page.name, re.findall(r".{30}0\.\d{2,}.{10}", text)[:3])
    for name in NEIGHBOURHOODS:
        text = _html_text((out / f"04_buurt_{slug(name)}.html").read_text(encoding="utf-8"))
        assert re.search(r"\d+ % \(\d+–\d+ %\)", text), name  # shares with their interval
        assert any(v in text for v in ("vaker dan elders", "geen duidelijk verschil", "te weinig gegevens"))


def test_the_front_page_gives_the_findings(fresh_reports):
    out, _ = fresh_reports
    html_text = (out / "index.html").read_text(encoding="utf-8")
    text = _html_text(html_text)
    assert "eigenaarschap, zeggenschap en co-creatie" in text and 'name="viewport"' in html_text
    for name in NEIGHBOURHOODS:
        assert f'href="04_buurt_{slug(name)}.html"' in html_text
        section = text.split(name, 1)[1]
        assert "Meest besproken:" in section.split("naar het buurtrapport")[0], name
    assert "Hoe betrouwbaar is de codering?" in text and "alfa" in text
    assert text.index("Alle rapporten") < text.index("Herkomst")


def test_distinctive_word_charts_draw_only_words_that_occur_more_often(fresh_reports):
    out, _ = fresh_reports
    for name in NEIGHBOURHOODS:
        html_text = (out / f"04_buurt_{slug(name)}.html").read_text(encoding="utf-8")
        alt = next(a for a in re.findall(r"alt=\"([^\"]*)\"", html_text) if a.startswith("Staafdiagram van de woorden"))
        scores = re.findall(r" (−?\d+,\d)(?:,|\.)", alt.split("z-score:")[1])
        assert scores and all(not s.startswith("−") for s in scores), (name, alt)


def test_quotes_and_evidence_never_start_or_end_inside_an_annotation(fresh_reports):
    out, _ = fresh_reports
    with (out / "tags.csv").open(encoding="utf-8") as fh:
        evidence = [r["evidence"] for r in csv.DictReader(fh)]
    assert len(evidence) > 1000
    broken = [e for e in evidence if re.match(r"^[^\[]*\]", e) or re.search(r"\[[^\]]*$", e)]
    assert not broken, broken[:5]
    for name in NEIGHBOURHOODS:
        markdown = _markdown(out / f"04_buurt_{slug(name)}.ipynb")
        for line in (ln for ln in markdown.splitlines() if ln.startswith("> ") and not ln.startswith("> —")):
            assert line.count("[") == line.count("]"), line


def test_no_person_names_among_topic_terms(fresh_reports):
    from mjs_analysis.analysis import analyse
    from mjs_analysis.privacy import _role_label

    A = analyse(CORPUS)  # the run stored it: loaded, not computed
    speakers = {w.lower() for s in A.segments["speaker"].unique() if not _role_label(s) for w in s.split()}
    assert {"gloria", "tom", "nadia"} <= speakers  # the demo corpus has named speakers
    terms = {part for topic in A.model.top_terms() for term in topic for part in term.split("_")}
    assert not speakers & terms
    assert not any(a == b for topic in A.model.top_terms() for a, b in (t.split("_") for t in topic if "_" in t))


def test_reports_name_no_path_of_this_machine(odd_reports, odd_corpus):
    out, _ = odd_reports  # run with an absolute corpus path, from the test's working directory
    for page in [*out.glob("*.ipynb"), *out.glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        assert str(odd_corpus) not in text and str(odd_corpus.parent) not in text, page.name
        assert str(ROOT) not in text and str(Path.home()) + "/" not in text, page.name


def test_the_analysis_is_the_same_under_other_threads_file_orders_and_caches(tmp_path, monkeypatch):
    """Same inputs, same tables: 1 or 2 BLAS threads, files listed in reverse order, an empty cache folder."""
    from threadpoolctl import threadpool_limits

    from mjs_analysis import compare, summary
    from mjs_analysis.analysis import analyse

    folder = copy_corpus(tmp_path / "subset", ["sln01", "sln03", "kb01", "kb03", "hd01", "hd03", "bb02", "bb04"])

    def tables(A):
        M = A.model
        words = compare.distinctive_words(A.documents, A.documents_meta["neighbourhood"].tolist(), top=None)
        versus = compare.group_versus_rest(A.tags, A.units, A.codes, "neighbourhood", "K-buurt")
        return {"tags": A.tags.to_csv(), "topics": M.topics().to_csv(), "quotes": M.quotes().to_csv(),
                "weights": M.document_topics().to_csv(), "selection": M.selection.round(9).to_csv(),
                "words": words.round(9).to_csv(), "versus": versus.to_csv(),
                "key_quotes": compare.key_quotes(A.tags, A.units, segments=A.segments).to_csv(),
                "summary": summary.neighbourhood(A, "K-buurt", versus=versus)}

    monkeypatch.setenv("MJS_CACHE_DIR", str(tmp_path / "cache-a"))
    with threadpool_limits(limits=1):
        first = tables(analyse(folder, cache=False))

    original = Path.rglob
    monkeypatch.setattr(Path, "rglob", lambda self, pattern: reversed(list(original(self, pattern))))
    monkeypatch.setenv("MJS_CACHE_DIR", str(tmp_path / "cache-b"))  # empty: everything computed afresh
    with threadpool_limits(limits=2):
        second = tables(analyse(folder))
    for name in first:
        assert first[name] == second[name], name


def test_a_good_run_prints_only_its_own_lines(tiny_suite, small_corpus, tmp_path, capfd):
    (tiny_suite / "02_codering.py").write_text(FINE, encoding="utf-8")
    assert main(["run", "--corpus", str(small_corpus), "--output", str(tmp_path / "out"), "--notebooks",
                 str(tiny_suite)]) == 0
    err = capfd.readouterr().err.splitlines()
    own = re.compile(r"^(analysis: .*|codebook: .*|\[\d+/\d+\] \S+: ok \(\d+\.\d s\)|\d+ of \d+ notebooks ran; reports in .*)$")
    assert err and all(own.match(line) for line in err), err  # no kernel log lines, no warnings


def test_learn_from_reaches_the_notebooks_as_a_folder_name(tiny_suite, small_corpus, tmp_path, capsys):
    teacher = copy_corpus(tmp_path / "teach", ("hd01", "bb02", "kwb02"))
    (teacher / "coding").mkdir()
    with (CORPUS / "coding" / "coder_a.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["transcript_id"] in ("hd01", "bb02", "kwb02")]
    with (teacher / "coding" / "coder_a.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (tiny_suite / "02_codering.py").write_text(FINE.replace('print("ran", corpus, neighbourhood)',
                                                            'print("learn", learn_from)'), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--corpus", str(small_corpus), "--output", str(out), "--notebooks", str(tiny_suite),
                 "--learn-from", str(teacher)]) == 0
    err = capsys.readouterr().err
    assert "coding: " in err and "code(s) by" in err
    nb = nbformat.read(out / "02_codering.ipynb", as_version=4)
    printed = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    assert "learn ['teach']\n" in printed  # relative to the corpus's parent, like the corpus itself
    assert main(["run", "--corpus", str(small_corpus), "--output", str(out), "--notebooks", str(tiny_suite),
                 "--learn-from", str(small_corpus)]) == 1
    assert capsys.readouterr().err.strip().endswith("nothing to learn from (no coding/*.csv in it)")


def test_notebooks_side_by_side_never_change_the_process_folder(tiny_suite, small_corpus, tmp_path, monkeypatch):
    # papermill's `cwd` os.chdir()s the whole process; with two notebooks in threads, one returning to the old
    # folder could start the other's kernel in the wrong place. The kernels get their folder another way.
    import os

    (tiny_suite / "02_codering.py").write_text(FINE, encoding="utf-8")
    moves, here = [], os.getcwd()
    real = os.chdir
    monkeypatch.setattr(os, "chdir", lambda path: (moves.append(path), real(path))[1])
    out = tmp_path / "out"
    assert main(["run", "--corpus", str(small_corpus), "--output", str(out), "--notebooks", str(tiny_suite),
                 "--jobs", "2"]) == 0
    assert {str(m) for m in moves} <= {here}  # at most papermill's no-op return to where the process is
    nb = nbformat.read(out / "01_corpus_overzicht.ipynb", as_version=4)
    printed = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    assert f"ran {small_corpus.name} None\n" in printed

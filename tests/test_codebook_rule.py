"""One codebook rule everywhere: --codebook, else the corpus folder's codebook.yml, else the packaged one."""

from __future__ import annotations

import shutil

import pytest

from mjs_analysis.cli import main
from mjs_analysis.codebook import DEFAULT_CODEBOOK, Codebook, resolve_codebook
from mjs_analysis.errors import MjsError

from .conftest import CORPUS, ROOT, quiet

SMALL = "codes:\n  - id: goed\n    label: {nl: Goed}\n    rules: {terms: [goed]}\n"


def test_the_packaged_codebook_is_the_demo_codebook():
    assert DEFAULT_CODEBOOK.is_file() and DEFAULT_CODEBOOK.is_relative_to(ROOT / "mjs_analysis")
    assert DEFAULT_CODEBOOK.read_bytes() == (CORPUS / "codebook.yml").read_bytes()
    assert Codebook.load(DEFAULT_CODEBOOK).ids == Codebook.load(CORPUS / "codebook.yml").ids


@pytest.fixture
def folders(tmp_path):
    own = tmp_path / "own"
    own.mkdir()
    (own / "codebook.yml").write_text(SMALL, encoding="utf-8")
    bare = tmp_path / "bare"
    bare.mkdir()
    other = tmp_path / "other.yml"
    other.write_text(SMALL.replace("goed", "slecht"), encoding="utf-8")
    return own, bare, other


def test_order_of_the_rule(folders, monkeypatch, tmp_path):
    own, bare, other = folders
    # a corpus/ in the working directory is never read by accident
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "codebook.yml").write_text(SMALL.replace("goed", "fout"), encoding="utf-8")
    path, origin = resolve_codebook(own)
    assert path == own / "codebook.yml" and "corpus folder" in origin
    path, origin = resolve_codebook(bare)
    assert path == DEFAULT_CODEBOOK and "default codebook" in origin and "bare" in origin
    path, origin = resolve_codebook(own, other)
    assert path == other and "--codebook" in origin and "is not used" in origin
    path, origin = resolve_codebook(bare / "x.txt")  # a file: its folder is the corpus folder
    assert path == DEFAULT_CODEBOOK
    path, _ = resolve_codebook([own / "a.txt", bare / "b.txt"])
    assert path == own / "codebook.yml"


def test_conflicts_and_missing_files_are_errors(folders, tmp_path):
    own, bare, other = folders
    (bare / "codebook.yml").write_text(SMALL.replace("goed", "anders"), encoding="utf-8")
    with pytest.raises(MjsError, match="differ; pass --codebook"):
        resolve_codebook([own, bare])
    assert resolve_codebook([own, bare], other)[0] == other
    with pytest.raises(MjsError, match="codebook not found"):
        resolve_codebook(own, tmp_path / "nope.yml")


def _tiny_corpus(folder, with_codebook):
    folder.mkdir()
    for name in ("sln01.txt", "metadata.csv"):
        shutil.copy(CORPUS / name, folder)
    if with_codebook:
        (folder / "codebook.yml").write_text(SMALL, encoding="utf-8")
    return folder


def test_commands_say_which_codebook_ran(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no corpus/ here
    bare = _tiny_corpus(tmp_path / "bare", False)
    own = _tiny_corpus(tmp_path / "own", True)
    out = tmp_path / "tags.csv"
    assert main(["tag", str(bare), "--output", str(out), "--no-cache"]) == 0
    assert "codebook: the default codebook of mjs-analysis" in capsys.readouterr().err
    assert main(["tag", str(own), "--output", str(out), "--no-cache"]) == 0
    assert f"codebook: {(own / 'codebook.yml').as_posix()} (the corpus folder's" in capsys.readouterr().err
    assert set(__import__("pandas").read_csv(out)["code"]) <= {"goed"}
    coding = own / "coding"
    coding.mkdir()
    (coding / "a.csv").write_text("transcript_id,turn,code,coder\nsln01,1,goed,A\n", encoding="utf-8")
    assert main(["agreement", str(coding / "a.csv"), "--tagger", "--no-cache"]) == 0  # corpus: the codings' own
    captured = capsys.readouterr()
    assert "the corpus folder's codebook.yml" in captured.err and "goed" in captured.out


def test_analyse_uses_the_rule(tmp_path):
    from mjs_analysis.analysis import analyse

    bare = _tiny_corpus(tmp_path / "bare", False)
    result = quiet(analyse, bare, k=2, cache=False)
    assert result.info["codebook_origin"].startswith("the default codebook")
    assert result.info["codebook"] == "het standaardcodeboek van mjs-analysis (het codeboek van het democorpus)"
    assert set(result.codes) == set(Codebook.load(DEFAULT_CODEBOOK).ids)

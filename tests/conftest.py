"""Shared fixtures: small transcript files written on the fly."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture
def write(tmp_path):
    """write(name, content) -> Path; str content is UTF-8 text, bytes are written as they are."""

    def _write(name: str, content, folder: Path | None = None) -> Path:
        path = (folder or tmp_path) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path

    return _write


@pytest.fixture
def make_docx(tmp_path):
    """make_docx(name, paragraphs) -> Path of a .docx with one paragraph per item."""
    import docx

    def _make(name: str, paragraphs: list[str]) -> Path:
        document = docx.Document()
        for text in paragraphs:
            document.add_paragraph(text)
        path = tmp_path / name
        document.save(str(path))
        return path

    return _make


def quiet(func, *args, **kwargs):
    """Call func with this package's warnings silenced (tests that check problems directly)."""
    from mjs_analysis import MjsWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MjsWarning)
        return func(*args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _isolated_nlp_and_cache(tmp_path_factory):
    """Tests run on the blank fallback pipeline and never touch the user's cache."""
    import os

    old = {k: os.environ.get(k) for k in ("MJS_NLP", "MJS_CACHE_DIR")}
    os.environ["MJS_NLP"] = "blank"
    os.environ["MJS_CACHE_DIR"] = str(tmp_path_factory.mktemp("mjs-cache"))
    yield
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v



def pytest_ignore_collect(collection_path, config):
    """tests/browser runs only when named on the command line (``make test-browser``), never in ``make test``."""
    browser = Path(__file__).resolve().parent / "browser"
    path = Path(collection_path).resolve()
    if path == browser or browser in path.parents:
        asked = [Path(str(a).split("::")[0]).resolve() for a in config.args]
        if not any(a == browser or browser in a.parents for a in asked):
            return True
    return None

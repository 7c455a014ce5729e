"""The NLP layer: trained pipeline when installed, else the blank fallback; the parsed-features cache."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import spacy

from mjs_analysis import features
from mjs_analysis.features import cache_dir, clear_cache, parse
from mjs_analysis.nlp import PipelineWarning, fillers, get_nlp, pipeline_info, stem


@pytest.fixture
def fresh_nlp(monkeypatch):
    """get_nlp without its per-process memory and without the tests' MJS_NLP=blank."""
    monkeypatch.delenv("MJS_NLP", raising=False)
    get_nlp.cache_clear()
    yield
    get_nlp.cache_clear()


def test_fallback_is_blank_with_lookup_lemmas(fresh_nlp, monkeypatch):
    def not_installed(name, **kwargs):
        raise OSError(f"[E050] Can't find model '{name}'")

    monkeypatch.setattr(spacy, "load", not_installed)
    with pytest.warns(PipelineWarning, match="make model"):
        nlp = get_nlp("nl")
    doc = nlp("De subsidies liepen af. Bewoners werkten samen.")
    assert [t.lemma_ for t in doc][:4] == ["de", "subsidie", "lopen", "af"]
    assert len(list(doc.sents)) == 2
    info = pipeline_info(nlp)
    assert info["pipeline"] == "nl_blank_lookups" and info["trained"] is False


def test_trained_pipeline_preferred_in_order(fresh_nlp, monkeypatch):
    tried = []

    def fake_load(name, **kwargs):
        tried.append(name)
        if name != "nl_core_news_md":
            raise OSError("[E050]")
        trained = spacy.blank("nl")
        trained.meta["name"] = "core_news_md"
        return trained

    monkeypatch.setattr(spacy, "load", fake_load)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PipelineWarning)
        nlp = get_nlp("nl")
    assert tried == ["nl_core_news_lg", "nl_core_news_md"]
    assert pipeline_info(nlp)["pipeline"] == "nl_core_news_md"
    assert "sentencizer" in nlp.pipe_names  # a pipeline without parser gets sentence boundaries


def test_mjs_nlp_blank_forces_fallback(monkeypatch):
    monkeypatch.setenv("MJS_NLP", "blank")
    get_nlp.cache_clear()
    monkeypatch.setattr(spacy, "load", lambda *a, **k: pytest.fail("spacy.load must not be called"))
    with pytest.warns(PipelineWarning):
        get_nlp("en")
    get_nlp.cache_clear()


def test_unknown_language_is_a_clear_error():
    with pytest.raises(ValueError, match="'language' parameter of get_nlp must be one of"):
        get_nlp("fr")


def test_token_features(recwarn):
    nlp = get_nlp("nl")
    doc = nlp("Eh, zeg maar, de subsidieaanvraag.")
    stop = {t.text: t._.mjs_stop for t in doc}
    assert stop["Eh"] and stop["de"] and not stop["subsidieaanvraag"]
    assert {"eh", "ehm", "nou", "zeg maar", "weet je"} <= fillers("nl")
    assert stem("subsidieaanvragen") == stem("subsidieaanvraag")
    assert doc[-2]._.mjs_stem == stem("subsidieaanvraag")


# ----------------------------------------------------------------------------- cache


class CountingPipe:
    def __init__(self, nlp):
        self.nlp, self.calls = nlp, 0

    def __call__(self, texts, **kwargs):
        texts = list(texts)
        self.calls += len(texts)
        return self.real(texts, **kwargs)


@pytest.fixture
def counting(monkeypatch, recwarn):
    nlp = get_nlp("nl")
    counter = CountingPipe(nlp)
    counter.real = nlp.pipe
    monkeypatch.setattr(nlp, "pipe", counter)
    return nlp, counter


def test_cache_miss_then_hit(counting):
    nlp, counter = counting
    texts = ["Eerste beurt over geld.", "Tweede beurt.", "Derde, in een andere groep."]
    first = parse(texts, nlp, groups=["a", "a", "b"])
    assert counter.calls == 3
    second = parse(texts, nlp, groups=["a", "a", "b"])
    assert counter.calls == 3  # nothing parsed again
    for name in ("lower", "lemma", "start", "end", "sent_start", "doc_start"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
    assert first.strings == second.strings


def test_editing_one_group_reparses_only_that_group(counting):
    nlp, counter = counting
    parse(["a een", "a twee", "b drie"], nlp, groups=["a", "a", "b"])
    counter.calls = 0
    out = parse(["a een", "a twee GEWIJZIGD", "b drie"], nlp, groups=["a", "a", "b"])
    assert counter.calls == 2
    assert out.n_docs == 3 and "gewijzigd" in out.strings.values()


def test_cache_invalidated_by_pipeline_change(counting, monkeypatch):
    nlp, counter = counting
    parse(["Over vertrouwen."], nlp)
    monkeypatch.setitem(nlp.meta, "version", "9.9.9")
    parse(["Over vertrouwen."], nlp)
    assert counter.calls == 2


def test_no_cache_neither_reads_nor_writes(counting):
    nlp, counter = counting
    before = sorted(cache_dir().rglob("*.pkl"))
    parse(["Zonder cache."], nlp, cache=False)
    parse(["Zonder cache."], nlp, cache=False)
    assert counter.calls == 2
    assert sorted(cache_dir().rglob("*.pkl")) == before


def test_damaged_cache_file_is_parsed_again(counting):
    nlp, counter = counting
    parse(["Kapotte cache."], nlp)
    for path in cache_dir().rglob("*.pkl"):
        path.write_bytes(b"not a pickle")
    features._MEMORY.clear()  # a new process: only the damaged file is left
    features._RESULTS.clear()
    out = parse(["Kapotte cache."], nlp)
    assert counter.calls == 2 and out.n_docs == 1


def test_clear_cache(counting):
    nlp, _ = counting
    parse(["Iets om te bewaren."], nlp)
    assert clear_cache() >= 1
    assert not list(cache_dir().rglob("*.pkl"))


def test_features_keep_order_when_groups_interleave(counting):
    nlp, _ = counting
    texts = ["een", "twee drie", "vier", "vijf zes zeven"]
    out = parse(texts, nlp, groups=["x", "y", "x", "y"])
    words = [" ".join(out.strings[int(h)] for h in out.lower[out.doc_start[i]:out.doc_start[i + 1]])
             for i in range(out.n_docs)]
    assert words == texts


def test_memory_keeps_recent_groups_in_process(counting):
    nlp, counter = counting
    first = parse(["In het geheugen."], nlp)
    for path in cache_dir().rglob("*.pkl"):
        path.unlink()
    assert parse(["In het geheugen."], nlp) is first  # the whole result, from this process's memory
    features._RESULTS.clear()
    parse(["In het geheugen."], nlp)
    assert counter.calls == 1  # the group, from this process's memory; no file needed
    small = features._Memory(max_tokens=5)
    a, b = parse(["een twee drie"], nlp), parse(["vier vijf zes"], nlp)
    small.put("a", a)
    small.put("b", b)
    assert small.get("a") is None and small.get("b") is b  # the least recently used went first

"""The Dutch (and English) NLP layer: which spaCy pipeline runs, and the token features the rest uses.

``get_nlp("nl")`` returns a trained pipeline when one is installed (``nl_core_news_lg``, ``_md``, ``_sm``)
and otherwise ``spacy.blank("nl")`` with a sentencizer and the lookup lemmatizer of spacy-lookups-data,
with a :class:`PipelineWarning`. Every result records which pipeline ran (:func:`pipeline_info`).
Set ``MJS_NLP=blank`` to force the fallback (the tests do, so they run the same everywhere).
"""

from __future__ import annotations

import functools
import os
import warnings
from importlib import resources

import spacy
from spacy.language import Language
from spacy.tokens import Token

from .errors import MjsWarning

__all__ = ["get_nlp", "pipeline_info", "PipelineWarning", "fillers", "TRAINED_PIPELINES", "stem"]

TRAINED_PIPELINES = {
    "nl": ("nl_core_news_lg", "nl_core_news_md", "nl_core_news_sm"),
    "en": ("en_core_web_lg", "en_core_web_md", "en_core_web_sm"),
}


class PipelineWarning(MjsWarning):
    """No trained spaCy pipeline is installed; the blank fallback (tokenizer + lookup lemmas) runs."""


@functools.lru_cache(maxsize=None)
def fillers(language: str = "nl") -> frozenset[str]:
    """Spoken fillers of a language (single words and phrases), from ``mjs_analysis/data/fillers_<lang>.txt``."""
    try:
        text = resources.files("mjs_analysis").joinpath(f"data/fillers_{language}.txt").read_text("utf-8")
    except FileNotFoundError:
        return frozenset()
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


@functools.lru_cache(maxsize=None)
def _stemmer(language: str):
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer({"nl": "dutch", "en": "english"}[language])


def stem(word: str, language: str = "nl") -> str:
    """NLTK's Snowball stem of a word (needs no downloaded data)."""
    return _stemmer(language).stem(word.lower())


def _register_extensions() -> None:
    # Registered once, in this project's own names: a stop word includes the spoken fillers.
    if not Token.has_extension("mjs_stop"):
        Token.set_extension("mjs_stop", getter=lambda t: t.is_stop or t.lower_ in fillers(t.lang_))
    if not Token.has_extension("mjs_stem"):
        Token.set_extension("mjs_stem", getter=lambda t: stem(t.text, t.lang_ if t.lang_ in ("nl", "en") else "nl"))


def _blank(language: str) -> Language:
    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup table from spacy-lookups-data
    nlp.meta["name"] = "blank_lookups"
    try:
        from importlib.metadata import version

        nlp.meta["version"] = version("spacy-lookups-data")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        nlp.meta["version"] = "unknown"
    return nlp


@functools.lru_cache(maxsize=None)
def get_nlp(language: str = "nl") -> Language:
    """The spaCy pipeline for a language: a trained one if installed, else the blank fallback.

    Parameters
    ----------
    language : {"nl", "en"}, default "nl"

    Returns
    -------
    spacy.language.Language
        With sentence boundaries and lemmas. Loaded once per process.

    Warns
    -----
    PipelineWarning
        When the fallback is used.
    """
    if language not in TRAINED_PIPELINES:
        raise ValueError(f"The 'language' parameter of get_nlp must be one of "
                         f"{sorted(TRAINED_PIPELINES)}. Got {language!r} instead.")
    _register_extensions()
    if os.environ.get("MJS_NLP", "").lower() != "blank":
        for name in TRAINED_PIPELINES[language]:
            try:
                nlp = spacy.load(name, exclude=["ner"])
            except OSError:  # [E050] not installed
                continue
            if not nlp.has_pipe("parser") and not nlp.has_pipe("senter"):
                nlp.add_pipe("sentencizer")
            return nlp
    how = "`make model`" if language == "nl" else f"`python -m spacy download {TRAINED_PIPELINES[language][1]}`"
    warnings.warn(
        f"No trained spaCy pipeline for '{language}' is installed; using spacy.blank('{language}') with "
        f"lookup lemmas (with internet, {how} installs {TRAINED_PIPELINES[language][1]}).",
        PipelineWarning, stacklevel=2)
    return _blank(language)


def pipeline_info(nlp: Language) -> dict:
    """Which pipeline ran: name, version, language, spaCy version. Goes into every result."""
    return {
        "pipeline": f"{nlp.meta.get('lang', nlp.lang)}_{nlp.meta.get('name', 'pipeline')}",
        "pipeline_version": str(nlp.meta.get("version", "")),
        "spacy_version": spacy.__version__,
        "trained": nlp.meta.get("name") != "blank_lookups",
    }

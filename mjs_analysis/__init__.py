"""mjs-analysis: code, topic-model and compare interview transcripts of the buurtbudget pilots.

The names a notebook needs are available here. They are imported on first use, so that the command
line (and ``import mjs_analysis``) stays quick when spaCy and scikit-learn are not needed.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "corpus": ["Corpus", "load_corpus", "validate"],
    "readers": ["read_transcript", "Transcript", "Turn"],
    "errors": ["Problem", "MjsError", "MjsWarning", "CorpusError", "TranscriptError", "TranscriptWarning"],
    "codebook": ["Codebook", "CodebookError"],
    "tagging": ["tag", "CodebookTagger", "code_matrix"],
    "nlp": ["get_nlp", "pipeline_info"],
    "reliability": ["krippendorff_alpha", "cohen_kappa", "agreement", "read_codings"],
    "topics": ["fit_topics", "make_documents", "TopicModel"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = [*_WHERE, "__version__"]


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mjs_analysis' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)

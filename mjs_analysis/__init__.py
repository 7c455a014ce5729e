"""mjs-analysis: code, topic-model and compare interview transcripts of the buurtbudget pilots.

The names a notebook needs are re-exported here.
"""

__version__ = "0.1.0"

from .corpus import Corpus, load_corpus, validate  # noqa: E402
from .errors import CorpusError, MjsError, MjsWarning, Problem, TranscriptError, TranscriptWarning  # noqa: E402
from .readers import Transcript, Turn, read_transcript  # noqa: E402

__all__ = [
    "Corpus", "load_corpus", "validate", "read_transcript", "Transcript", "Turn", "Problem",
    "MjsError", "MjsWarning", "CorpusError", "TranscriptError", "TranscriptWarning", "__version__",
]

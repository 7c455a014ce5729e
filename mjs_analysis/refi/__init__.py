"""REFI-QDA exchange: take the corpus, codebook and codes to ATLAS.ti, NVivo, MAXQDA and QualCoder, and
bring human codings back.

- :func:`export` writes a ``.qdpx`` project (transcripts, codebook, cases with metadata, the tagger's and
  the manual coders' codings) or a ``.qdc`` codebook;
- :func:`import_project` reads a ``.qdpx`` or ``.qdc`` from any tool into a corpus folder the rest of the
  library reads (transcripts, ``metadata.csv``, ``codebook.yml``, ``coding/<user>.csv``), detecting each
  source's offset convention, tolerant of the differences between tools and safe on untrusted archives;
- :func:`validate` checks a file against the REFI-QDA schemas.
"""

from .archive import Limits
from .errors import RefiError
from .export import export
from .importer import ImportResult, import_project
from .schema import validate

__all__ = ["export", "import_project", "ImportResult", "validate", "Limits", "RefiError"]

"""Interactive exploration, manual coding and review in JupyterLab (the ``00_verkennen`` notebook).

- :mod:`~mjs_analysis.explore.text`: filters, the options that narrow with a neighbourhood, keyword in
  context on word boundaries, a hit's context, times as ``mm:ss``;
- :mod:`~mjs_analysis.explore.coding_file`: a coder's review log ``coding/<coder>.csv`` (atomic writes,
  undo, safe for two explorers at once);
- :mod:`~mjs_analysis.explore.review`: progress and which turns to review next;
- :mod:`~mjs_analysis.explore.panel`: the ipywidgets panel (:func:`explorer`).
"""

from __future__ import annotations

from .coding_file import CodingFile, coders_in
from .review import progress, progress_text, suggestions
from .text import ALL, code_options, context, filter_turns, format_time, kwic, kwic_html, narrowed_options

__all__ = ["filter_turns", "narrowed_options", "code_options", "kwic", "kwic_html", "context", "format_time",
           "CodingFile", "coders_in", "progress", "progress_text", "suggestions", "explorer", "ALL"]


def explorer(*args, **kwargs):
    """The explorer panel; see :func:`mjs_analysis.explore.panel.explorer`."""
    from .panel import explorer as _explorer

    return _explorer(*args, **kwargs)


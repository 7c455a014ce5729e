"""Dutch presentation for the reports: numbers, percentages, verdicts and tables as a reviewer reads them.

The library's tables keep English column names and values (``share_group``, ``"higher"``) so that code
stays readable; the notebooks show them through this module, which turns them into Dutch: headers,
verdicts and test names translated, shares as percentages with their interval (``34 % (29–39 %)``),
decimals with a comma, and figures with a Dutch description for screen readers.

Examples
--------
>>> pct(0.3449)
'34 %'
>>> pct_interval(0.34, 0.29, 0.391)
'34 % (29–39 %)'
>>> number(0.5712)
'0,57'
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Mapping, Sequence

import pandas as pd

__all__ = ["VERDICTS", "TESTS", "pct", "pct_interval", "number", "p_value", "verdict", "table", "show", "alt_text",
           "clock", "quotes_markdown", "headings", "signed_pct", "note_nl", "excerpt"]

#: ``compare.group_versus_rest`` verdicts in Dutch.
VERDICTS = {
    "higher": "vaker dan elders",
    "lower": "minder vaak dan elders",
    "no clear difference": "geen duidelijk verschil",
    "too little data": "te weinig gegevens",
    "absent": "komt niet voor",
}

#: The tests of ``compare.code_association`` in Dutch.
TESTS = {
    "chi-square": "chi-kwadraat",
    "permutation": "permutatietoets",
    "too little data": "te weinig gegevens",
    "no variation": "geen variatie",
}


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def number(x, decimals: int = 2) -> str:
    """A number with a decimal comma (``0,57``); missing values as an en dash."""
    if _missing(x):
        return "–"
    return f"{float(x):.{decimals}f}".replace(".", ",").replace("-", "−")


def pct(x, decimals: int = 0) -> str:
    """A share as a Dutch percentage: ``0.345`` -> ``"34 %"`` (``"–"`` when missing)."""
    if _missing(x):
        return "–"
    return f"{100 * float(x):.{decimals}f}".replace(".", ",") + " %"


def pct_interval(share, low, high, decimals: int = 0) -> str:
    """``34 % (29–39 %)``: a share with its interval."""
    if _missing(share):
        return "–"
    if _missing(low) or _missing(high):
        return pct(share, decimals)
    lo = f"{100 * float(low):.{decimals}f}".replace(".", ",")
    return f"{pct(share, decimals)} ({lo}–{pct(high, decimals)})"


def p_value(p) -> str:
    """A p-value as written in Dutch prose: ``< 0,001`` or ``0,012``; missing as an en dash."""
    if _missing(p):
        return "–"
    return "< 0,001" if p < 0.001 else number(p, 3)


def verdict(value: str) -> str:
    """A verdict of ``compare.group_versus_rest`` in Dutch."""
    return VERDICTS.get(value, value)


#: Column formats: how :func:`table` writes a value of each kind.
_FORMATS = {
    "pct": pct,
    "int": lambda x: "–" if _missing(x) else f"{int(x):,}".replace(",", "."),
    "num": number,
    "num1": lambda x: number(x, 1),
    "num3": lambda x: number(x, 3),
    "p": p_value,
    "verdict": verdict,
    "test": lambda x: TESTS.get(x, x),
    "yesno": lambda x: "ja" if bool(x) else "nee",
    "text": lambda x: "" if _missing(x) else str(x),
    "list": lambda x: ", ".join(map(str, x)) if isinstance(x, (list, tuple)) else str(x),
    "clock": lambda x: clock(x),
    "signed": lambda x: signed_pct(x),
    "excerpt": lambda x: excerpt(x),
}


def excerpt(text, limit: int = 300) -> str:
    """A long text cut at a word boundary with an ellipsis; whitespace folded."""
    if _missing(text):
        return ""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def table(frame: pd.DataFrame, columns: Mapping[str, str | tuple[str, str]], *, intervals: Mapping | None = None,
          index: bool = False):
    """A table for a report: chosen columns, Dutch headers, Dutch numbers.

    Parameters
    ----------
    frame : DataFrame
    columns : mapping
        ``{column: header}`` or ``{column: (header, format)}`` with a format of ``pct``, ``int``, ``num``
        (two decimals), ``num1``, ``num3``, ``p``, ``verdict``, ``test``, ``yesno``, ``list``, ``clock``
        (``m:ss``), ``excerpt`` (at most 300 characters) or ``text`` (the default: as it is).
    intervals : mapping, optional
        ``{header: (share, low, high)}``: a column written as ``34 % (29–39 %)`` from three columns.
    index : bool, default False
        Keep the index as the first column (its name as header).

    Returns
    -------
    Table
        Shown as HTML without row numbers; ``.data`` holds the strings.

    Examples
    --------
    >>> t = table(pd.DataFrame({"code": ["geld"], "share": [0.25]}), {"code": "code", "share": ("aandeel", "pct")})
    >>> t.data.to_dict("records")
    [{'code': 'geld', 'aandeel': '25 %'}]
    """
    source = frame.reset_index() if index else frame
    out = {}
    for column, spec in columns.items():
        header, kind = (spec, "text") if isinstance(spec, str) else spec
        if kind not in _FORMATS:
            raise ValueError(f"The format of column {column!r} must be one of {', '.join(_FORMATS)}. Got {kind!r}.")
        out[header] = [_FORMATS[kind](v) for v in source[column]]
    for header, (share, low, high) in (intervals or {}).items():
        out[header] = [pct_interval(s, lo, hi) for s, lo, hi in zip(source[share], source[low], source[high])]
    return Table(pd.DataFrame(out, index=range(len(source))))


class Table:
    """A report table: its ``data`` (strings, Dutch headers) shown as HTML without row numbers.

    Not a pandas Styler: a Styler's plain-text form carries its memory address, and the executed notebook
    would differ on every run.
    """

    def __init__(self, data: pd.DataFrame):
        self.data = data

    def to_html(self) -> str:
        # The uuid of the HTML ids from the content: the same HTML on every run, unique within a page.
        uuid = hashlib.sha1(self.data.to_json().encode()).hexdigest()[:10]
        return self.data.style.hide(axis="index").set_uuid(uuid).to_html()

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.data.to_string(index=False)


def alt_text(fig) -> str:
    """The Dutch description a figure of :mod:`mjs_analysis.plots` carries (or its title)."""
    text = getattr(fig, "alt_text", "")
    if not text and fig.axes:
        text = fig.axes[0].get_title() or fig.get_suptitle()
    return text or "Figuur"


def show(fig, alt: str | None = None) -> None:
    """Display a figure with a Dutch description (``alt`` of the image in the HTML report)."""
    from IPython.display import display

    display(fig, metadata={"image/png": {"alt": alt or alt_text(fig)}})


def headings(sources: Sequence[str]) -> list[str]:
    """The ``## `` headings of markdown sources, in order: the table of contents of a report."""
    out = []
    for source in sources:
        for line in source.splitlines():
            if line.startswith("## "):
                out.append(line[3:].strip())
    return out


def clock(seconds) -> str:
    """A timestamp as ``m:ss`` or ``h:mm:ss`` (``"–"`` when missing)."""
    if _missing(seconds):
        return "–"
    total = int(float(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def quotes_markdown(quotes, label=lambda code: code) -> str:
    """Key quotes (``compare.key_quotes`` with ``segments``) as Markdown: a heading per code, each quote
    as a block quote with who said it where, and the interviewer's question before a short answer."""
    lines = []
    for code, part in quotes.groupby("code", sort=False):
        lines.append(f"### {label(code)}\n")
        for row in part.itertuples():
            question = getattr(row, "question", "")
            if question and len(str(row.quote).split()) < 12:
                lines.append(f"> *Vraag:* {question}\n>")
            where = f"`{row.transcript_id}`, beurt {row.turn}"
            stamp = getattr(row, "timestamp", None)
            if not _missing(stamp):
                where += f", {clock(stamp)}"
            lines.append(f"> {row.quote}\n>\n> — *{row.speaker}* ({row.stakeholder}), {where}\n")
    return "\n".join(lines)


def signed_pct(x, decimals: int = 0) -> str:
    """A difference of shares with its sign: ``+12 %``, ``−5 %``."""
    if _missing(x):
        return "–"
    return ("+" if x >= 0 else "−") + pct(abs(x), decimals)


_NOTES = (
    (re.compile(r"left out \(fewer than (\d+) turns\): (.*?)(?=; |$)"), r"niet getoetst (minder dan \1 antwoorden): \2"),
    (re.compile(r"the code occurs in none or all of the turns"), "de code komt in geen of in alle antwoorden voor"),
)


def note_nl(note) -> str:
    """A note of ``compare.code_association`` in Dutch."""
    if _missing(note):
        return ""
    text = str(note)
    for pattern, dutch in _NOTES:
        text = pattern.sub(dutch, text)
    return text

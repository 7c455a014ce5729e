"""Word (.docx): the document as its author sees it, as lines for the plain-text reader.

Paragraphs are read in document order, also those in tables (each cell once), in content controls and
in text boxes (once, after the paragraph that anchors them; Word's fallback copy is skipped). Tracked
insertions are kept and deletions dropped, with a warning that the document has unaccepted changes.
Comments, headers, footers and footnotes are not part of the body and never mixed into the text.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Messages, Problem

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_P, _TBL, _TR, _TC, _SDT = (f"{{{_W}}}{t}" for t in ("p", "tbl", "tr", "tc", "sdt"))
_T, _TAB, _BR, _CR = (f"{{{_W}}}{t}" for t in ("t", "tab", "br", "cr"))
_PTAB = f"{{{_W}}}ptab"
_INS, _DEL, _MOVE_FROM, _MOVE_TO = (f"{{{_W}}}{t}" for t in ("ins", "del", "moveFrom", "moveTo"))
_TXBX = f"{{{_W}}}txbxContent"
_FALLBACK = f"{{{_MC}}}Fallback"
# Text that is not what the author sees: deleted and moved-away runs, field codes, the fallback copy
# of a text box; text boxes are read as paragraphs of their own.
_SKIP = {_DEL, _MOVE_FROM, _FALLBACK, _TXBX, f"{{{_W}}}instrText", f"{{{_W}}}delText",
         f"{{{_W}}}pPr", f"{{{_W}}}rPr"}
_NOBREAK = f"{{{_W}}}noBreakHyphen"


def _paragraph_text(p, boxes: list) -> str:
    """The visible text of one ``w:p``; text boxes found inside are appended to ``boxes``."""
    out: list[str] = []

    def walk(el):
        for child in el:
            tag = child.tag
            if tag == _T:
                out.append(child.text or "")
            elif tag in (_TAB, _PTAB):
                out.append("\t")
            elif tag == _CR or (tag == _BR and child.get(f"{{{_W}}}type", "textWrapping") == "textWrapping"):
                out.append("\n")  # a line break; page and column breaks separate nothing spoken
            elif tag == _NOBREAK:
                out.append("-")
            elif tag == _TXBX:
                boxes.append(child)
            elif tag not in _SKIP:
                walk(child)

    walk(p)
    return "".join(out)


def body_paragraphs(container):
    """Text of every paragraph of a body, cell, content control or text box, in reading order."""
    for child in container:
        tag = child.tag
        if tag == _P:
            boxes: list = []
            yield _paragraph_text(child, boxes)
            for box in boxes:
                yield from body_paragraphs(box)
        elif tag == _TBL:
            for tr in child.iter(_TR):
                if _nearest_table(tr) is not child:
                    continue  # rows of a nested table are read through their cell
                for tc in tr:
                    if tc.tag == _TC:
                        yield from body_paragraphs(tc)
        elif tag in (_SDT, f"{{{_W}}}sdtContent", _INS, _MOVE_TO, f"{{{_W}}}customXml"):
            yield from body_paragraphs(child)


def _nearest_table(el):
    parent = el.getparent()
    while parent is not None and parent.tag != _TBL:
        parent = parent.getparent()
    return parent


def docx_lines(path: Path) -> tuple[list[str], list[int], list[Problem]]:
    """Lines of a .docx (a paragraph may hold line breaks), the paragraph number of each, and problems."""
    try:
        import docx  # python-docx

        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return [], [], [Problem.error(path, Messages.DOCX_CORRUPT.format(reason=reason))]
    body = document.element.body
    lines, numbers = [], []
    for i, text in enumerate(body_paragraphs(body), start=1):
        for part in text.replace("\r", "\n").split("\n"):
            lines.append(part)
            numbers.append(i)
    problems = []
    n_ins = sum(1 for _ in body.iter(_INS, _MOVE_TO))
    n_del = sum(1 for _ in body.iter(_DEL, _MOVE_FROM))
    if n_ins or n_del:
        problems.append(Problem.warning(path, Messages.DOCX_TRACKED.format(ins=n_ins, dels=n_del)))
    return lines, numbers, problems


def docx_paragraphs(container):
    """python-docx paragraphs in document order, including those in table cells (for rewriting files)."""
    for block in container.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per column it spans
                        continue
                    seen.add(id(cell._tc))
                    yield from docx_paragraphs(cell)
        else:
            yield block

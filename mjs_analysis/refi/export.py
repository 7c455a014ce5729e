"""Export a corpus, its codebook and its codings as a REFI-QDA project (``.qdpx``) or codebook (``.qdc``).

What is written (REFI-QDA 1.0 as QualCoder, NVivo, ATLAS.ti and MAXQDA read it):

- ``project.qde`` in the default namespace ``urn:QDA-XML:project:1.0`` with ``origin="mjs-analysis
  <version>"``, and one ``TextSource`` per transcript whose text is ``sources/<GUID>.txt``: the
  transcript's normalised ``Transcript.text``, UTF-8 without BOM, ``\\n`` newlines, referenced as
  ``internal://<GUID>.txt``;
- the codebook: categories (``codable: false``) as codes with ``isCodable="false"`` and their codes
  nested inside, each named by its id (unique, as QualCoder requires), with its colour and its
  definition as ``Description``;
- a ``User`` for the tagger (``mjs-analysis tagger``) and one per manual coder; every coding is a
  ``PlainTextSelection`` (its ``name`` is the selected text, as ATLAS.ti does, so an importer can check
  the offsets) with one ``Coding``: the tagger's evidence sentence with the rule that fired in the
  ``Description``, a manual coding's turn (or its own offsets, for codings that have them);
- a ``Case`` per transcript with its metadata as variables, and one per speaker of a group session whose
  role ``speakers.csv`` gives.

Offsets are code points, end exclusive. GUIDs are uuid5 of what they identify, entries are sorted and
dated 1980-01-01: the same input gives the same bytes.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd
from lxml import etree

from .. import __version__
from .archive import write_archive
from .errors import RefiError

__all__ = ["export", "project_xml", "codebook_xml", "guid", "PROJECT_NS", "CODEBOOK_NS", "TAGGER_USER", "ORIGIN"]

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = f"mjs-analysis {__version__}"
TAGGER_USER = "mjs-analysis tagger"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:mjs-analysis:refi-qda")
#: metadata field -> REFI-QDA variable type
VARIABLES = {
    "neighbourhood": "Text", "district": "Text", "date": "Date", "interviewer": "Text",
    "respondent_role": "Text", "language": "Text", "pseudonymised": "Boolean", "setting": "Text",
    "respondent_description": "Text",
}
SPEAKER_VARIABLE = "speaker"
_VALUE_ELEMENT = {"Text": "TextValue", "Date": "DateValue", "Boolean": "BooleanValue"}
SUFFIXES = (".qdpx", ".qdc")


def guid(*parts) -> str:
    """A GUID that depends only on ``parts`` (uuid5), upper case as NVivo and MAXQDA write them.

    >>> guid("source", "sln01") == guid("source", "sln01")
    True
    """
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(str(p) for p in parts))).upper()


def _el(parent, tag: str, ns: str = PROJECT_NS, text: str | None = None, **attrs) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: str(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        node.text = text
    return node


def _codes_xml(parent, codebook, ns: str) -> None:
    codes = _el(parent, "Codes", ns)
    nodes: dict[str, etree._Element] = {}
    known = {c.id for c in codebook.codes}
    pending = list(codebook.codes)
    while pending:  # parents before children, codebook order otherwise
        rest = []
        for code in pending:
            if code.parent is not None and code.parent in known and code.parent not in nodes:
                rest.append(code)
                continue
            holder = nodes.get(code.parent, codes)
            node = _el(holder, "Code", ns, guid=guid("code", code.id), name=code.id,
                       isCodable="true" if code.codable else "false", color=code.colour)
            if code.definition:
                _el(node, "Description", ns, text=code.definition)
            nodes[code.id] = node
        if len(rest) == len(pending):  # cannot happen with a validated codebook
            raise RefiError(codebook.path or "codebook", "the code hierarchy has a cycle")
        pending = rest
    # Description must come before child codes in the schema: move it first
    for node in nodes.values():
        desc = node.find(f"{{{ns}}}Description")
        if desc is not None and node.index(desc) != 0:
            node.remove(desc)
            node.insert(0, desc)


def codebook_xml(codebook) -> bytes:
    """The codebook as a stand-alone REFI-QDA codebook (``.qdc``, ``urn:QDA-XML:codebook:1.0``)."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=ORIGIN)
    _codes_xml(root, codebook, CODEBOOK_NS)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _selections(corpus, codebook, manual: pd.DataFrame | None, tags: pd.DataFrame | None) -> pd.DataFrame:
    """Every coding as one row: transcript_id, user, code, start, end, description."""
    rows = []
    known = set(codebook.ids)
    if tags is not None:
        for r in tags.itertuples(index=False):
            desc = str(r.rule) + (f"; matched: {r.matched}" if getattr(r, "matched", "") else "")
            rows.append((r.transcript_id, TAGGER_USER, r.code, int(r.start_char), int(r.end_char), desc))
    if manual is not None and len(manual):
        seg = corpus.segments.set_index(["transcript_id", "turn"])
        for r in manual.itertuples(index=False):
            where = r.source
            if r.code not in known:
                raise RefiError(where, f"code '{r.code}' is not a codable code of the codebook")
            key = (r.transcript_id, int(r.turn))
            if key not in seg.index:
                raise RefiError(where, f"transcript '{r.transcript_id}' has no turn {r.turn} in the corpus")
            start, end = _span(corpus[r.transcript_id].text, int(seg.at[key, "start_char"]),
                               int(seg.at[key, "end_char"]), r)
            note = getattr(r, "note", None)
            rows.append((r.transcript_id, str(r.coder), r.code, int(start), int(end),
                         "" if note is None or pd.isna(note) else str(note)))
    frame = pd.DataFrame(rows, columns=["transcript_id", "user", "code", "start", "end", "description"])
    return frame.drop_duplicates(["transcript_id", "user", "code", "start", "end"]).sort_values(
        ["transcript_id", "start", "end", "user", "code"], kind="stable")


def _span(text: str, turn_start: int, turn_end: int, row) -> tuple[int, int]:
    """Where a manual coding goes: its own offsets when they still select its ``text``, else that text
    found in its turn, else the whole turn (offsets from an import may count another version of the text)."""
    start, end, selected = (getattr(row, name, None) for name in ("start_char", "end_char", "text"))
    has = lambda v: v is not None and not (isinstance(v, float) and pd.isna(v))  # noqa: E731
    if has(start) and has(end) and 0 <= int(start) <= int(end) <= len(text):
        if not has(selected) or text[int(start):int(end)] == str(selected):
            return int(start), int(end)
    if has(selected) and str(selected):
        found = text.find(str(selected), turn_start, turn_end)
        if found >= 0:
            return found, found + len(str(selected))
    return turn_start, turn_end


def project_xml(corpus, codebook, selections: pd.DataFrame, name: str = "mjs-analysis") -> tuple[bytes, dict[str, bytes]]:
    """The ``project.qde`` document and the source files (entry name -> bytes) of a project."""
    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS}, name=name, origin=ORIGIN)
    users = list(dict.fromkeys(selections["user"]))
    users.sort(key=lambda u: (u != TAGGER_USER, u))
    if users:
        node = _el(root, "Users")
        for user in users:
            _el(node, "User", guid=guid("user", user), name=user)
    _codes_xml(_el(root, "CodeBook"), codebook, PROJECT_NS)

    metadata = {t.transcript_id: t.metadata for t in corpus}
    used = [f for f in VARIABLES if any(m.get(f) not in (None, "") for m in metadata.values())]
    speakers = sorted((tid, spk, role) for (tid, spk), role in corpus.speaker_roles.items()
                      if tid in metadata and spk in corpus[tid].speakers)
    if speakers:
        used.append(SPEAKER_VARIABLE)
    if used:
        node = _el(root, "Variables")
        for field in used:
            _el(node, "Variable", guid=guid("variable", field), name=field,
                typeOfVariable=VARIABLES.get(field, "Text"))
    cases = _el(root, "Cases")
    for t in corpus:
        case = _el(cases, "Case", guid=guid("case", t.transcript_id), name=t.transcript_id)
        for field in used:
            _value(case, field, t.metadata.get(field))
        _el(case, "SourceRef", targetGUID=guid("source", t.transcript_id))
    for tid, speaker, role in speakers:
        case = _el(cases, "Case", guid=guid("case", tid, speaker), name=f"{tid}: {speaker}")
        _value(case, "respondent_role", role)
        _value(case, SPEAKER_VARIABLE, speaker)
        _el(case, "SourceRef", targetGUID=guid("source", tid))

    files: dict[str, bytes] = {}
    sources = _el(root, "Sources")
    by_source = {tid: group for tid, group in selections.groupby("transcript_id", sort=False)}
    for t in corpus:
        sguid = guid("source", t.transcript_id)
        files[f"sources/{sguid}.txt"] = t.text.encode("utf-8")
        src = _el(sources, "TextSource", guid=sguid, name=t.transcript_id, plainTextPath=f"internal://{sguid}.txt")
        group = by_source.get(t.transcript_id)
        if group is None:
            continue
        for r in group.itertuples(index=False):
            key = (t.transcript_id, r.user, r.code, r.start, r.end)
            sel = _el(src, "PlainTextSelection", guid=guid("selection", *key), name=t.text[r.start:r.end],
                      startPosition=r.start, endPosition=r.end, creatingUser=guid("user", r.user))
            if r.description:
                _el(sel, "Description", text=r.description)
            coding = _el(sel, "Coding", guid=guid("coding", *key), creatingUser=guid("user", r.user))
            _el(coding, "CodeRef", targetGUID=guid("code", r.code))
    if not len(sources):
        root.remove(sources)
    if not len(cases):
        root.remove(cases)
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return xml, files


def _value(case, field: str, value) -> None:
    if value is None or value == "":
        return
    kind = VARIABLES.get(field, "Text")
    vv = _el(case, "VariableValue")
    _el(vv, "VariableRef", targetGUID=guid("variable", field))
    text = ("true" if value else "false") if kind == "Boolean" else str(value)
    _el(vv, _VALUE_ELEMENT[kind], text=text)


def _read_manual(paths: Sequence[str | Path]) -> pd.DataFrame:
    from ..reliability import read_codings

    frames = []
    for path in paths:
        read_codings([path])  # the same checks (columns, whole turns) as `mjs agreement`
        frame = pd.read_csv(path, dtype={"transcript_id": str, "code": str, "coder": str})
        frames.append(frame.assign(source=str(path)))
    return pd.concat(frames, ignore_index=True) if frames else None


def export(paths, to: str | Path, *, codebook=None, codings: Iterable[str | Path] | None = None,
           tagger: bool = True, cache: bool = True) -> Path:
    """Write a corpus with its codebook and codings as REFI-QDA, or the codebook alone.

    Parameters
    ----------
    paths : path, list of paths, or Corpus
        Transcript files/folders (as for :func:`mjs_analysis.load_corpus`) or a loaded corpus.
    to : str or Path
        ``FILE.qdpx`` (the project) or ``FILE.qdc`` (the codebook alone).
    codebook : Codebook or path, optional
        Default (:func:`~mjs_analysis.codebook.resolve_codebook`): ``codebook.yml`` in the corpus folder, else
        the codebook shipped with mjs-analysis.
    codings : list of paths, optional
        Manual coding CSVs (``transcript_id, turn, code, coder``, optionally ``start_char, end_char``
        and ``note``); each coder becomes a user.
    tagger : bool, default True
        Run the rule tagger and export its codes as the user ``mjs-analysis tagger``.
    cache : bool, default True
        Use the parsed-text cache when tagging.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        If ``to`` does not end in .qdpx or .qdc.
    RefiError
        If the corpus has errors or a coding does not fit the corpus or codebook.
    """
    from ..codebook import Codebook
    from ..corpus import Corpus, load_corpus

    to = Path(to)
    if to.suffix.lower() not in SUFFIXES:
        raise ValueError(f"The 'to' parameter of export must end in one of {', '.join(SUFFIXES)}. Got {str(to)!r} instead.")
    if not isinstance(tagger, bool):
        raise ValueError(f"The 'tagger' parameter of export must be True or False. Got {tagger!r} instead.")
    folders = [] if isinstance(paths, Corpus) else [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    if not isinstance(codebook, Codebook):  # the one codebook rule: given, else the folder's, else the default
        from ..codebook import resolve_codebook

        codebook, _ = resolve_codebook(folders, codebook)
        codebook = Codebook.load(codebook)
    if to.suffix.lower() == ".qdc":
        to.parent.mkdir(parents=True, exist_ok=True)
        to.write_bytes(codebook_xml(codebook))
        return to

    corpus = paths if isinstance(paths, Corpus) else load_corpus(folders)
    if corpus.errors:
        raise RefiError(corpus.errors[0].path, f"the corpus has {len(corpus.errors)} error(s), e.g. "
                        f"{corpus.errors[0].message}; run `mjs validate`")
    manual = _read_manual(list(codings or []))
    tags = None
    if tagger:
        from ..tagging import tag
        tags = tag(corpus.segments, codebook, cache=cache)
    selections = _selections(corpus, codebook, manual, tags)
    name = folders[0].resolve().name if len(folders) == 1 and folders[0].is_dir() else "mjs-analysis"
    xml, files = project_xml(corpus, codebook, selections, name=name)
    return write_archive(to, {"project.qde": xml, **files})

"""Import a REFI-QDA project (``.qdpx``) or codebook (``.qdc``) from any tool into a corpus folder.

The folder holds what the rest of the library reads:

- one ``<transcript_id>.txt`` per text source: its text as the tool stored it (BOM removed, newlines
  as ``\\n``); speaker labels in it are recognised by the readers as usual;
- ``metadata.csv`` from the cases and their variables (a case per source, as this package, MAXQDA and
  Quirkos write, or variables on the source itself), ``speakers.csv`` from cases with a ``speaker``
  variable;
- ``codebook.yml`` (hierarchy, colours, descriptions; no matching rules);
- ``coding/<user>.csv`` per user: ``transcript_id, turn, code, coder, start_char, end_char, text``
  (the codes of the user ``mjs-analysis tagger``, i.e. the tagger's own as the tool kept them, go to
  ``_refi/tagger.csv`` instead: they are not a human coding, and ``coding/`` is read as one). The
  offsets are code points of the ``.txt`` (end exclusive), whatever convention the tool used; the turn is
  the one the selection overlaps (a selection over several turns gives one row per turn, cut at the turn
  boundaries);
- ``_refi/sources.csv`` (per source: what was imported and which offset convention was detected) and
  ``_refi/problems.txt`` (every warning, one line each). Folders starting with ``_`` are not read as
  transcripts.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from ..errors import MjsWarning, Problem
from ..naming import unique_name
from .archive import Limits, SafeArchive, parse_xml
from .errors import RefiError
from .export import TAGGER_USER
from .offsets import Selection, decode_source, detect

__all__ = ["import_project", "ImportResult", "CODING_FILE_COLUMNS"]

SOURCE_COLUMNS = ["name", "transcript_id", "kind", "status", "convention", "evidence", "selections", "placed",
                  "skipped"]
CODING_FILE_COLUMNS = ["transcript_id", "turn", "code", "coder", "start_char", "end_char", "text"]
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_NON_TEXT = {"PDFSource": "a PDF", "PictureSource": "a picture", "AudioSource": "an audio", "VideoSource": "a video"}
_METADATA_ALIASES = {"buurt": "neighbourhood", "wijk": "neighbourhood", "stadsdeel": "district",
                     "datum": "date", "rol": "respondent_role", "role": "respondent_role",
                     "taal": "language", "interviewer": "interviewer"}


@dataclass
class ImportResult:
    """What an import wrote and found.

    Attributes
    ----------
    output : Path
    transcripts : list of str
        The transcript ids written.
    coders : dict
        Coder name -> number of coding rows.
    sources : list of dict
        Per source: name, transcript_id, kind, status, convention, selections, placed, skipped.
    problems : list of Problem
        Every warning (nothing imported silently lost).
    """

    output: Path
    transcripts: list = field(default_factory=list)
    coders: dict = field(default_factory=dict)
    sources: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def _guid(value) -> str:
    """A GUID as compared here: no braces, upper case (tools write either)."""
    return (value or "").strip().strip("{}").upper()


def _local(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _children(el, name: str):
    return [c for c in el if _local(c) == name]


def _child(el, name: str):
    found = _children(el, name)
    return found[0] if found else None


def _text(el, name: str) -> str:
    node = _child(el, name)
    return (node.text or "").strip() if node is not None else ""


def slug(name: str, fallback: str = "x") -> str:
    """A lower-case ASCII identifier for a name: ``'Trust in Gov.'`` -> ``'trust_in_gov'``."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")
    if not out:
        out = fallback
    if not out[0].isalpha():
        out = f"{fallback}_{out}"
    return out


def _file_id(name: str) -> str:
    """A transcript id (file stem) for a source name: unsafe characters replaced, known extensions dropped."""
    stem = re.sub(r"\.(txt|docx?|rtf|pdf|odt|md|vtt|srt)$", "", name.strip(), flags=re.IGNORECASE)
    stem = re.sub(r"[^\w\-]+", "_", stem, flags=re.UNICODE).strip("_.")
    return stem[:80] or "source"


class _Reader:
    """One import: the archive (or codebook file), the warnings, and what was found."""

    def __init__(self, path: Path, limits: Limits):
        self.path = path
        self.limits = limits
        self.problems: list[Problem] = []
        self.coder: str | None = None

    def warn(self, message: str) -> None:
        self.problems.append(Problem.warning(self.path, message))

    # ------------------------------------------------------------------ codebook

    def codes(self, root) -> list[dict]:
        """Codes in document order: guid, id, name, codable, colour, description, parent (guid)."""
        container = _child(root, "CodeBook") if _local(root) == "Project" else root
        codes_el = _child(container, "Codes") if container is not None else None
        out: list[dict] = []
        if codes_el is None:
            return out

        def walk(parent_el, parent_guid):
            for code in _children(parent_el, "Code"):
                colour = (code.get("color") or "").strip()
                if re.fullmatch(r"#[0-9A-Fa-f]{3}", colour):
                    colour = "#" + "".join(ch * 2 for ch in colour[1:])
                if colour and not re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
                    self.warn(f"code '{code.get('name')}': colour {colour!r} is not #RRGGBB; left out")
                    colour = ""
                out.append({"guid": _guid(code.get("guid")),
                            "name": (code.get("name") or "").strip(),
                            "codable": (code.get("isCodable") or "true").strip().lower() not in ("false", "0"),
                            "colour": colour or None, "description": _text(code, "Description"),
                            "parent": parent_guid})
                walk(code, out[-1]["guid"])

        walk(codes_el, None)
        seen_names: dict[str, int] = {}
        taken: set = set()
        for code in out:
            name = code["name"] or "code"
            if name.lower() in seen_names:
                seen_names[name.lower()] += 1
                self.warn(f"code name '{name}' is used more than once; kept apart as separate codes")
            else:
                seen_names[name.lower()] = 1
            base = name if _ID.match(name) else slug(name, "code")
            code["id"] = unique_name(base, taken)
        return out

    def write_codebook(self, codes: list[dict], out: Path) -> None:
        by_guid = {c["guid"]: c for c in codes}
        entries = []
        for c in codes:
            entry = {"id": c["id"]}
            parent = by_guid.get(c["parent"])
            if parent is not None:
                entry["parent"] = parent["id"]
            entry["label"] = {"nl": c["name"] or c["id"]}
            if c["description"]:
                entry["definition"] = c["description"]
            if not c["codable"]:
                entry["codable"] = False
            if c["colour"]:
                entry["colour"] = c["colour"]
            entries.append(entry)
        if not entries:
            self.warn("the file has no codes; codebook.yml not written")
            return
        header = (f"# Codebook imported from {self.path.name} by `mjs import`: codes, hierarchy, colours and\n"
                  "# descriptions. It has no matching rules: add rules before tagging with it.\n")
        body = yaml.safe_dump({"version": 1, "language": "nl", "codes": entries}, allow_unicode=True,
                              sort_keys=False, width=100)
        (out / "codebook.yml").write_text(header + body, encoding="utf-8")

    # ------------------------------------------------------------------ archive

    def project_root(self, archive: SafeArchive):
        qde = sorted((n for n in archive.names if n.lower().endswith(".qde") and "/" not in n.replace("\\", "/")),
                     key=lambda n: (n.lower() != "project.qde", n))
        if not qde:
            raise RefiError(self.path, "no project file (*.qde) at the root of the archive")
        if len(qde) > 1:
            self.warn(f"several project files in the archive; read {qde[0]}")
        root = parse_xml(archive.read(qde[0]), self.path, qde[0])
        if _local(root) != "Project":
            raise RefiError(self.path, f"{qde[0]} is not a REFI-QDA project (root element <{_local(root)}>)")
        ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
        if ns != "urn:QDA-XML:project:1.0":
            self.warn(f"{qde[0]} is not in the namespace urn:QDA-XML:project:1.0 ({ns or 'none'}); read anyway")
        if not root.get("origin"):
            self.warn(f"{qde[0]} does not say which program wrote it (no 'origin')")
        return root

    def source_bytes(self, archive: SafeArchive, src, name: str) -> bytes | None:
        inline = _child(src, "PlainTextContent")
        path = (src.get("plainTextPath") or "").strip()
        if path:
            if not path.lower().startswith("internal://"):
                self.warn(f"source '{name}': its text is outside the archive ({path}); not imported")
                return None
            inner = path[len("internal://"):].replace("\\", "/")
            if ".." in PurePosixPath(inner).parts or inner.startswith("/"):
                raise RefiError(self.path, f"refused: source '{name}' points outside the archive ({path})")
            for candidate in (f"sources/{inner}", inner):
                stored = archive.find(candidate)
                if stored:
                    return archive.read(stored)
            if inline is None:
                self.warn(f"source '{name}': {path} is missing from the archive; skipped")
                return None
        if inline is not None:
            return (inline.text or "").encode("utf-8")
        rich = src.get("richTextPath")
        self.warn(f"source '{name}': no plain text" + (f" (only {rich})" if rich else "") + "; not imported")
        return None


def _variables(root) -> dict[str, str]:
    vars_el = _child(root, "Variables")
    return {_guid(v.get("guid")): (v.get("name") or "").strip()
            for v in (_children(vars_el, "Variable") if vars_el is not None else [])}


def _values(el, variables: dict[str, str]) -> dict[str, str]:
    out = {}
    for vv in _children(el, "VariableValue"):
        ref = _child(vv, "VariableRef")
        name = variables.get(_guid(ref.get("targetGUID"))) if ref is not None else None
        if not name:
            continue
        for kind in ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue"):
            node = _child(vv, kind)
            if node is not None and (node.text or "").strip():
                out[name] = node.text.strip()
    return out


def _metadata_field(name: str) -> str | None:
    from ..metadata import FIELDS

    key = slug(name, "v")
    key = _METADATA_ALIASES.get(key, key)
    return key if key in FIELDS and key != "transcript_id" else None


def _clean_metadata(values: dict, tid: str, reader: _Reader, ignored: set) -> dict:
    from ..metadata import check_metadata

    record = {}
    for name, value in values.items():
        key = _metadata_field(name)
        if key is None:
            ignored.add(name)
        else:
            record[key] = value
    clean, problems = check_metadata(record, tid)
    for p in problems:
        if p.is_error:
            reader.warn(f"source '{tid}': {p.message}; left out")
    for key in list(clean):
        if any(p.is_error and f"'{key}'" in p.message for p in problems):
            clean.pop(key)
    return clean


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in columns})
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _turn_spans(text: str, transcript) -> list[tuple[int, int]]:
    """Where each turn's spoken text lies in the file text (labels and timestamps excluded)."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    turns = transcript.turns
    spans = []
    for i, turn in enumerate(turns):
        lo = line_starts[min(max(turn.line - 1, 0), len(line_starts) - 1)] if turn.line else 0
        nxt = turns[i + 1].line if i + 1 < len(turns) and turns[i + 1].line else None
        hi = line_starts[nxt - 1] if nxt and nxt - 1 < len(line_starts) else len(text)
        words = turn.text.split()
        if not words:
            spans.append((lo, lo))
            continue
        first = text.find(words[0], lo, hi)
        start = first if first >= 0 else lo
        pos = start
        for w in words:  # the last word actually found, in order
            found = text.find(w, pos, hi)
            if found >= 0:
                pos = found + len(w)
        spans.append((start, max(pos, start)))
    return spans


def _coding_rows(placed: list[dict], text: str, transcript, reader: _Reader) -> list[dict]:
    spans = _turn_spans(text, transcript)
    rows = []
    for p in placed:
        hits = [(i, max(p["start"], s), min(p["end"], e)) for i, (s, e) in enumerate(spans)
                if min(p["end"], e) > max(p["start"], s)]
        if not hits:
            reader.warn(f"source '{transcript.transcript_id}': selection {p['guid']} "
                        f"({p['start']}-{p['end']}) covers no spoken text; skipped")
            continue
        for i, s, e in hits:
            if len(hits) == 1:
                s, e = p["start"], p["end"]
            rows.append({"transcript_id": transcript.transcript_id, "turn": i, "code": p["code"],
                         "coder": p["coder"], "start_char": s, "end_char": e, "text": text[s:e]})
    return rows


def import_project(path: str | Path, output: str | Path, *, coder: str | None = None,
                   limits: Limits | None = None) -> ImportResult:
    """Read a REFI-QDA ``.qdpx`` project or ``.qdc`` codebook into a corpus folder.

    Parameters
    ----------
    path : str or Path
        The ``.qdpx`` or ``.qdc`` file (from any tool; untrusted input is fine).
    output : str or Path
        The folder to write (created; must be empty or not exist).
    coder : str, optional
        Put every coding under this one coder, whoever made it in the tool: the reviewed set of a
        review loop (the tagger's codes the reviewer kept plus the ones they added) as one coder.
        By default each user of the project is a coder of their own.
    limits : Limits, optional
        Limits on the archive (entries, sizes, compression ratio).

    Returns
    -------
    ImportResult

    Raises
    ------
    ValueError
        If ``path`` does not end in .qdpx or .qdc.
    RefiError
        If the file is refused (unsafe archive or XML), not REFI-QDA, or ``output`` is not empty;
        one line naming the file.

    Warns
    -----
    MjsWarning
        One per problem found (also in ``ImportResult.problems`` and ``_refi/problems.txt``).
    """
    path, output = Path(path), Path(output)
    suffix = path.suffix.lower()
    if suffix not in (".qdpx", ".qdc"):
        raise ValueError(f"The 'path' parameter of import_project must end in .qdpx or .qdc. Got {str(path)!r} instead.")
    if not path.is_file():
        raise RefiError(path, "no such file")
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise RefiError(output, "the output folder must be new or empty (an import never overwrites a corpus)")
    if coder is not None and (not isinstance(coder, str) or not coder.strip()):
        raise ValueError(f"The 'coder' parameter of import_project must be a non-empty text or None. Got {coder!r} instead.")
    reader = _Reader(path, limits or Limits())
    reader.coder = coder.strip() if coder else None
    result = ImportResult(output)
    if suffix == ".qdc":
        data = path.read_bytes()
        if len(data) > reader.limits.max_entry_bytes:
            raise RefiError(path, f"refused: larger than {reader.limits.max_entry_bytes} bytes")
        root = parse_xml(data, path, path.name)
        if _local(root) != "CodeBook":
            raise RefiError(path, f"not a REFI-QDA codebook (root element <{_local(root)}>)")
        output.mkdir(parents=True, exist_ok=True)
        reader.write_codebook(reader.codes(root), output)
    else:
        created = not output.exists()
        try:
            with SafeArchive(path, reader.limits) as archive:
                root = reader.project_root(archive)
                _import(root, archive, reader, output, result)
        except RefiError:
            if created and output.exists():  # refused half-way: leave nothing behind
                shutil.rmtree(output)
            raise
    result.problems = reader.problems
    (output / "_refi").mkdir(parents=True, exist_ok=True)
    _write_csv(output / "_refi" / "sources.csv", SOURCE_COLUMNS, result.sources)
    (output / "_refi" / "problems.txt").write_text("".join(f"{p}\n" for p in reader.problems), encoding="utf-8")
    for p in reader.problems:
        warnings.warn(str(p), MjsWarning, stacklevel=2)
    return result


def _selections(src, name: str, reader: _Reader) -> tuple[list[Selection], list[tuple]]:
    """The coded selections of a text source, and for each its element and codings."""
    sels, meta = [], []
    for sel in _children(src, "PlainTextSelection"):
        try:
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        except (TypeError, ValueError):
            reader.warn(f"source '{name}': selection {sel.get('guid')} has no valid positions; skipped")
            continue
        codings = _children(sel, "Coding")
        if codings:
            sels.append(Selection(_guid(sel.get("guid")), start, end, sel.get("name")))
            meta.append((sel, codings))
    if _children(src, "Coding"):
        reader.warn(f"source '{name}': codings of the whole source are not imported (only of selections)")
    return sels, meta


def _report_placements(name: str, sels, placements, convention, info: dict, reader: _Reader) -> None:
    """The evidence for the convention, and every selection that fits it badly or not at all."""
    misfits = [p for p in placements if not p.fits]
    info.update(selections=len(sels), placed=len(sels) - len(misfits), skipped=len(misfits))
    if not sels:
        return
    named = sum(p.named for p in placements)
    bounded = sum(p.bounded for p in placements if p.fits)
    info["convention"] = convention.describe()
    info["evidence"] = (f"{named} of {len(sels)} match their name; " if any(s.name for s in sels) else "") + \
        f"{bounded} of {len(sels)} start and end on word boundaries"
    renamed = sum(1 for s, p in zip(sels, placements) if p.fits and s.name and s.name.strip() and not p.named)
    if renamed:
        reader.warn(f"source '{name}': {renamed} selection(s) have a name that is not their text (renamed "
                    f"quotations?); placed by the detected convention ({convention.describe()})")
    loose = len(sels) - len(misfits) - bounded
    if loose:
        reader.warn(f"source '{name}': {loose} selection(s) start or end inside a word under the detected "
                    f"convention ({convention.describe()}); kept as the tool counted them")
    for p in misfits[:5]:
        reader.warn(f"source '{name}': selection {p.selection.guid} ({p.selection.start}-{p.selection.end}) "
                    f"fits no offset convention ({p.reason}); skipped")
    if len(misfits) > 5:
        reader.warn(f"source '{name}': {len(misfits) - 5} more selections fit no offset convention; skipped")


def _codings(name: str, placements, meta, codes: dict, users: dict, reader: _Reader) -> list[dict]:
    """One record per coding of a placed selection: where, which code, which coder."""
    rows = []
    for p, (sel, codings) in zip(placements, meta):
        if not p.fits:
            continue
        for coding in codings:
            ref = _child(coding, "CodeRef")
            code = codes.get(_guid(ref.get("targetGUID"))) if ref is not None else None
            if code is None:
                reader.warn(f"source '{name}': a coding refers to an unknown code; skipped")
                continue
            user = _guid(coding.get("creatingUser") or sel.get("creatingUser"))
            coder = reader.coder or users.get(user) or (user and f"user {user[:8]}") or "unknown"
            rows.append({"guid": p.selection.guid, "start": p.start, "end": p.end, "code": code["id"], "coder": coder})
    return rows


def _text_source(src, archive: SafeArchive, reader: _Reader, info: dict):
    """Read one source: (clean text, its coding records), or None when it cannot be imported."""
    kind, name = info["kind"], info["name"]
    if kind in _NON_TEXT:
        info["status"] = f"not imported ({_NON_TEXT[kind].split()[1]})"
        reader.warn(f"source '{name}' is {_NON_TEXT[kind]} source; not imported (only text sources are)")
        return None
    if kind != "TextSource":
        info["status"] = "not imported (unknown kind)"
        reader.warn(f"source '{name}' is a <{kind}>; not imported")
        return None
    data = reader.source_bytes(archive, src, name)
    if data is None:
        info["status"] = "missing"
        return None
    raw = decode_source(data)
    if raw.encoding == "cp1252":
        reader.warn(f"source '{name}': not UTF-8; read as cp1252, check special characters")
    sels, meta = _selections(src, name, reader)
    convention, placements = detect(raw, sels)
    info["status"] = "imported"
    _report_placements(name, sels, placements, convention, info, reader)
    return raw.clean, (placements, meta)


def _write_codings(out: Path, texts: dict, placed: dict, reader: _Reader, result: ImportResult) -> None:
    """``coding/<coder>.csv``: each coding on the turn(s) it overlaps in the imported corpus."""
    from ..corpus import load_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = load_corpus(out)
    for p in corpus.errors:
        reader.warn(f"imported transcript {Path(p.path).name}: {p.message}")
    seg = corpus.segments
    questions = seg[seg.speaker_role == "interviewer"]
    interviewer = set(zip(questions["transcript_id"], questions["turn"]))
    by_coder: dict[str, list[dict]] = {}
    on_questions = 0
    for tid, text in texts.values():
        try:
            transcript = corpus[tid]
        except KeyError:
            continue
        for row in _coding_rows(placed.get(tid, []), text, transcript, reader):
            by_coder.setdefault(row["coder"], []).append(row)
            on_questions += (tid, row["turn"]) in interviewer
    if on_questions:
        reader.warn(f"{on_questions} coding row(s) lie on interviewer turns; `mjs agreement` counts respondent "
                    "turns only and refuses them: remove those rows or code the answers")
    names: set = set()
    for coder, rows in sorted(by_coder.items()):
        rows = list({tuple(r.values()): r for r in rows}.values())  # one coder for several users: no doubles
        rows.sort(key=lambda r: (r["transcript_id"], r["turn"], r["start_char"], r["end_char"], r["code"]))
        if coder == TAGGER_USER:  # the tagger's own codes are no human coding: kept apart from coding/
            target = out / "_refi" / "tagger.csv"
        else:
            target = out / "coding" / f"{unique_name(slug(coder, 'coder'), names)}.csv"
        target.parent.mkdir(exist_ok=True)
        _write_csv(target, CODING_FILE_COLUMNS, rows)
        result.coders[coder] = len(rows)


def _import(root, archive: SafeArchive, reader: _Reader, out: Path, result: ImportResult) -> None:
    out.mkdir(parents=True, exist_ok=True)
    codes = reader.codes(root)
    code_by_guid = {c["guid"]: c for c in codes}
    users_el = _child(root, "Users")
    users = {_guid(u.get("guid")): (u.get("name") or u.get("id") or "").strip()
             for u in (_children(users_el, "User") if users_el is not None else [])}
    variables = _variables(root)

    sources_el = _child(root, "Sources")
    texts: dict[str, tuple[str, str]] = {}  # source guid -> (transcript id, clean text)
    placed: dict[str, list[dict]] = {}
    source_values: dict[str, dict] = {}
    taken: set = set()
    for src in (list(sources_el) if sources_el is not None else []):
        if not _local(src):
            continue  # a comment or processing instruction
        sguid = _guid(src.get("guid"))
        info = {"name": (src.get("name") or sguid or "source").strip(), "transcript_id": "", "kind": _local(src),
                "status": "", "convention": "", "evidence": "", "selections": 0, "placed": 0, "skipped": 0}
        result.sources.append(info)
        read = _text_source(src, archive, reader, info)
        if read is None:
            continue
        clean, (placements, meta) = read
        tid = info["transcript_id"] = unique_name(_file_id(info["name"]), taken)
        placed[tid] = _codings(info["name"], placements, meta, code_by_guid, users, reader)
        texts[sguid] = (tid, clean)
        source_values[sguid] = _values(src, variables)
        (out / f"{tid}.txt").write_text(clean, encoding="utf-8")
        result.transcripts.append(tid)

    reader.write_codebook(codes, out)
    _write_cases(root, texts, source_values, variables, reader, out)
    if not texts:
        reader.warn("no text source could be imported")
        return
    _write_codings(out, texts, placed, reader, result)


def _write_cases(root, texts: dict, source_values: dict, variables: dict, reader: _Reader, out: Path) -> None:
    """metadata.csv from the cases (and variables on sources), speakers.csv from speaker cases."""
    from ..metadata import FIELDS

    meta: dict[str, dict] = {tid: {} for tid, _ in texts.values()}
    speakers: list[dict] = []
    ignored: set = set()
    missing_refs = 0
    cases_el = _child(root, "Cases")
    sel_source = {}
    sources_el = _child(root, "Sources")
    for src in (list(sources_el) if sources_el is not None else []):
        for sel in src:
            if _local(sel).endswith("Selection"):
                sel_source[_guid(sel.get("guid"))] = _guid(src.get("guid"))
    for case in (_children(cases_el, "Case") if cases_el is not None else []):
        values = _values(case, variables)
        refs = [_guid(r.get("targetGUID")) for r in _children(case, "SourceRef")]
        refs += [sel_source.get(_guid(r.get("targetGUID")), "") for r in _children(case, "SelectionRef")]
        refs = list(dict.fromkeys(r for r in refs if r))
        speaker = next((v for k, v in values.items() if slug(k) == "speaker"), None)
        for ref in refs:
            if ref not in texts:
                missing_refs += 1
                continue
            tid = texts[ref][0]
            if speaker:
                role = next((v for k, v in values.items() if _metadata_field(k) == "respondent_role"), "")
                speakers.append({"transcript_id": tid, "speaker": speaker, "respondent_role": role})
                continue
            clean = _clean_metadata({k: v for k, v in values.items() if slug(k) != "speaker"}, tid, reader, ignored)
            for key, value in clean.items():
                if key in meta[tid] and meta[tid][key] != value:
                    reader.warn(f"source '{tid}': cases disagree on {key} ({meta[tid][key]!r} and {value!r}); "
                                f"kept {meta[tid][key]!r}")
                else:
                    meta[tid].setdefault(key, value)
    for sguid, values in source_values.items():
        if values:
            tid = texts[sguid][0]
            for key, value in _clean_metadata(values, tid, reader, ignored).items():
                meta[tid].setdefault(key, value)
    if ignored:
        reader.warn(f"variables without a metadata field, not imported: {', '.join(sorted(ignored))}")
    if missing_refs:
        reader.warn(f"{missing_refs} case reference(s) to sources that were not imported")
    columns = ["transcript_id", *[f for f in FIELDS if f != "transcript_id" and any(f in m for m in meta.values())]]
    rows = []
    for tid, values in meta.items():
        row = {"transcript_id": tid}
        for key, value in values.items():
            row[key] = ("true" if value else "false") if isinstance(value, bool) else value
        rows.append(row)
    if len(columns) > 1:
        _write_csv(out / "metadata.csv", columns, rows)
    if speakers:
        _write_csv(out / "speakers.csv", ["transcript_id", "speaker", "respondent_role"], speakers)

"""REFI-QDA exchange: export (XSD-valid, deterministic), import (offset conventions, tolerance), round trip,
agreement on imported codings, and refusal of hostile archives with one line."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from mjs_analysis import Codebook, load_corpus, tag
from mjs_analysis.cli import main
from mjs_analysis.refi import Limits, RefiError, export, import_project, validate
from mjs_analysis.refi.export import TAGGER_USER, guid
from mjs_analysis.refi.offsets import Convention, Selection, decode_source, detect
from mjs_analysis.reliability import read_codings

from .conftest import CORPUS, quiet

CODINGS = [CORPUS / "coding" / "coder_a.csv", CORPUS / "coding" / "coder_b.csv"]
NS = "urn:QDA-XML:project:1.0"
XSD = Path(__file__).resolve().parent / "data" / "refi-qda"


# --------------------------------------------------------------------------- the demo corpus, exported once


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("refi")
    path = quiet(export, CORPUS, out / "demo.qdpx", codings=CODINGS)
    imported = quiet(import_project, path, out / "imported")
    return {"qdpx": path, "out": out, "imported": out / "imported", "result": imported}


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD / name)))


def test_schemas_in_the_tests_are_the_shipped_ones():
    shipped = Path(__import__("mjs_analysis").__file__).parent / "refi" / "schemas"
    for name in ("Project-mrt2019.xsd", "Codebook.xsd"):
        assert (XSD / name).read_bytes() == (shipped / name).read_bytes()


def test_export_of_the_demo_corpus_is_xsd_valid(demo):
    with zipfile.ZipFile(demo["qdpx"]) as zf:
        names = zf.namelist()
        root = etree.fromstring(zf.read("project.qde"))
        sources = {n: zf.read(n) for n in names if n.startswith("sources/")}
    schema = _schema("Project-mrt2019.xsd")
    assert schema.validate(root.getroottree()), schema.error_log
    assert validate(demo["qdpx"]) == []
    assert root.tag == f"{{{NS}}}Project" and root.nsmap[None] == NS
    assert root.get("origin").startswith("mjs-analysis ")
    corpus = quiet(load_corpus, CORPUS)
    text_sources = root.findall(f"{{{NS}}}Sources/{{{NS}}}TextSource")
    assert len(text_sources) == len(corpus) == len(sources)
    for src in text_sources:
        path = src.get("plainTextPath")
        assert path == f"internal://{src.get('guid')}.txt"
        data = sources[f"sources/{src.get('guid')}.txt"]
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
        assert data.decode("utf-8") == corpus[src.get("name")].text
    users = [u.get("name") for u in root.iter(f"{{{NS}}}User")]
    assert users == [TAGGER_USER, "A", "B"]
    names_ = [c.get("name") for c in root.iter(f"{{{NS}}}Code")]
    assert len(names_) == len(set(names_))  # QualCoder merges duplicate names
    categories = [c for c in root.iter(f"{{{NS}}}Code") if c.get("isCodable") == "false"]
    assert {c.get("name") for c in categories} == {"relatie", "democratie", "proces", "beleving"}
    assert all(len(c.findall(f"{{{NS}}}Code")) >= 2 for c in categories)
    # every selection's name is the text it selects, in code points, end exclusive
    for src in text_sources[:5]:
        text = corpus[src.get("name")].text
        for sel in src.findall(f"{{{NS}}}PlainTextSelection"):
            assert text[int(sel.get("startPosition")):int(sel.get("endPosition"))] == sel.get("name")
    tagger_sel = [s for s in root.iter(f"{{{NS}}}PlainTextSelection")
                  if s.get("creatingUser") == guid("user", TAGGER_USER)]
    rules = ("term:", "phrase:", "regex:", "weak:", "context:")  # every rule kind of the tagger
    assert tagger_sel and all(s.findtext(f"{{{NS}}}Description").startswith(rules) for s in tagger_sel)
    # group-session speakers are cases of their own with their role
    cases = {c.get("name"): c for c in root.iter(f"{{{NS}}}Case")}
    assert "grp_nw: Marloes" in cases and "sln01" in cases


def test_export_twice_is_byte_identical(demo, tmp_path):
    again = quiet(export, CORPUS, tmp_path / "again.qdpx", codings=CODINGS)
    assert again.read_bytes() == demo["qdpx"].read_bytes()
    with zipfile.ZipFile(again) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_round_trip_gives_back_texts_metadata_codebook_and_codings(demo):
    imp = demo["imported"]
    corpus = quiet(load_corpus, CORPUS)
    back = quiet(load_corpus, imp)
    assert not back.errors
    assert sorted(t.transcript_id for t in back) == sorted(t.transcript_id for t in corpus)
    for t in corpus:
        assert (imp / f"{t.transcript_id}.txt").read_text(encoding="utf-8") == t.text
        assert back[t.transcript_id].metadata == t.metadata
        assert [x.speaker for x in back[t.transcript_id].turns] == [x.speaker for x in t.turns]
    assert back.speaker_roles == corpus.speaker_roles

    original, again = Codebook.load(CORPUS / "codebook.yml"), Codebook.load(imp / "codebook.yml")
    assert again.ids == original.ids  # the codable codes keep their order
    fields = lambda cb: {c.id: (c.parent, c.colour, c.codable, c.definition) for c in cb.codes}
    assert fields(again) == fields(original)

    key = ["transcript_id", "turn", "code", "coder"]
    manual = read_codings(CODINGS)
    imported = read_codings(sorted((imp / "coding").glob("*.csv")))
    assert set(map(tuple, manual[key].values.tolist())) == set(map(tuple, imported[key].values.tolist()))
    full = pd.concat([pd.read_csv(p) for p in sorted((imp / "coding").glob("[ab].csv"))])
    seg = corpus.segments.set_index(["transcript_id", "turn"])
    for r in full.head(50).itertuples():
        assert (r.start_char, r.end_char) == tuple(seg.loc[(r.transcript_id, r.turn), ["start_char", "end_char"]])
        assert r.text == corpus[r.transcript_id].text[r.start_char:r.end_char]

    tags = tag(corpus.segments, CORPUS / "codebook.yml")
    assert sorted(p.name for p in (imp / "coding").glob("*.csv")) == ["a.csv", "b.csv"]  # humans only
    tagged = pd.read_csv(imp / "_refi" / "tagger.csv")
    assert set(tagged["coder"]) == {TAGGER_USER}
    cols = ["transcript_id", "turn", "code", "start_char", "end_char"]
    assert sorted(map(tuple, tags[cols].values.tolist())) == sorted(map(tuple, tagged[cols].values.tolist()))
    conventions = pd.read_csv(imp / "_refi" / "sources.csv")
    assert set(conventions["convention"]) == {Convention().describe()}
    assert conventions["skipped"].sum() == 0


def test_agreement_reads_imported_codings_like_turn_level_csvs(demo, capsys):
    imp = demo["imported"]
    args = ["--format", "csv", "--codebook", str(CORPUS / "codebook.yml")]
    assert main(["agreement", *map(str, CODINGS), "--corpus", str(CORPUS), *args]) == 0
    before = capsys.readouterr().out
    assert main(["agreement", str(imp / "coding" / "a.csv"), str(imp / "coding" / "b.csv"),
                 "--corpus", str(imp), *args]) == 0
    after = capsys.readouterr().out
    assert after == before and "(all codes)" in after


def test_codebook_alone_qdc(tmp_path):
    path = export(CORPUS, tmp_path / "codes.qdc")
    root = etree.parse(str(path))
    schema = _schema("Codebook.xsd")
    assert schema.validate(root), schema.error_log
    assert root.getroot().tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    assert validate(path) == []
    quiet(import_project, path, tmp_path / "cb")
    assert Codebook.load(tmp_path / "cb" / "codebook.yml").ids == Codebook.load(CORPUS / "codebook.yml").ids


def test_cli_export_and_import(tmp_path, capsys):
    assert main(["export", str(CORPUS / "sln01.txt"), "--to", str(tmp_path / "one.qdpx"),
                 "--codebook", str(CORPUS / "codebook.yml"), "--no-tagger"]) == 0
    assert main(["import", str(tmp_path / "one.qdpx"), str(tmp_path / "one")]) == 0
    assert (tmp_path / "one" / "sln01.txt").is_file()
    assert main(["export", str(CORPUS), "--to", str(tmp_path / "x.zip")]) == 2
    err = capsys.readouterr().err
    assert "x.zip: --to must end in .qdpx" in err and "Traceback" not in err


def test_parameters_are_validated_early(tmp_path):
    with pytest.raises(ValueError, match="'to' parameter of export"):
        export(CORPUS, tmp_path / "x.xml")
    with pytest.raises(ValueError, match="'path' parameter of import_project"):
        import_project(tmp_path / "x.zip", tmp_path / "out")
    with pytest.raises(ValueError, match="'max_ratio' parameter of Limits"):
        Limits(max_ratio=0)
    with pytest.raises(ValueError, match="'unit' parameter of Convention"):
        Convention(unit="bytes")


# --------------------------------------------------------------------------- constructed archives


TEXT = "I: Hoe ging het? 😀\r\nR: Het vertrouwen groeide 🙂 langzaam.\r\nI: En het geld?\r\nR: Het budget was op.\r\n"
WORDS = ["vertrouwen", "langzaam", "budget", "geld"]


def _project(sources: str, codes: str = None, extra: str = "", ns: bool = True, origin: bool = True) -> bytes:
    codes = codes or ('<Code guid="00000000-0000-0000-0000-0000000000C1" name="Trust" isCodable="true" color="#ff0000"/>'
                      '<Code guid="00000000-0000-0000-0000-0000000000C2" name="Geld en budget" isCodable="true"/>')
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project {"xmlns=%s" % chr(34) + NS + chr(34) if ns else ""} '
            f'name="t" {"origin=" + chr(34) + "Tool 1" + chr(34) if origin else ""}>'
            '<Users><User guid="00000000-0000-0000-0000-0000000000A1" name="Reviewer Eén"/></Users>'
            f'<CodeBook><Codes>{codes}</Codes></CodeBook>{extra}<Sources>{sources}</Sources></Project>').encode("utf-8")


def _selection(i: int, start: int, end: int, code: str = "C1", name: str | None = None) -> str:
    name_attr = f' name="{name}"' if name is not None else ""
    return (f'<PlainTextSelection guid="00000000-0000-0000-0000-{i:012d}"{name_attr} startPosition="{start}" '
            f'endPosition="{end}" creatingUser="00000000-0000-0000-0000-0000000000A1">'
            f'<Coding guid="00000000-0000-0000-0001-{i:012d}" creatingUser="00000000-0000-0000-0000-0000000000A1">'
            f'<CodeRef targetGUID="00000000-0000-0000-0000-0000000000{code}"/></Coding></PlainTextSelection>')


def _source(sguid: str, name: str, selections: str, path: str | None = None, inline: str | None = None) -> str:
    attr = f' plainTextPath="{path}"' if path else ""
    body = f"<PlainTextContent>{inline}</PlainTextContent>" if inline is not None else ""
    return f'<TextSource guid="{sguid}" name="{name}"{attr}>{body}{selections}</TextSource>'


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def _positions(raw: str, word: str, *, utf16: bool, bom: bool, inclusive: bool = False) -> tuple[int, int]:
    """Start and end of ``word`` in ``raw`` (CRLF kept) as the tool counts them, computed independently."""
    i = raw.index(word)
    count = (lambda s: len(s.encode("utf-16-le")) // 2) if utf16 else len
    start = count(raw[:i]) + (1 if bom else 0)
    end = start + count(word) - (1 if inclusive else 0)
    return start, end


def _imported_words(out: Path) -> list[str]:
    rows = pd.concat([pd.read_csv(p) for p in (out / "coding").glob("*.csv")])
    return sorted(rows["text"])


def _convention(out: Path, name: str) -> str:
    table = pd.read_csv(out / "_refi" / "sources.csv").set_index("name")
    return table.loc[name, "convention"]


def test_nvivo_like_utf16_units_crlf_as_two_with_emoji(tmp_path):
    sels = "".join(_selection(i, *_positions(TEXT, w, utf16=True, bom=False)) for i, w in enumerate(WORDS))
    sguid = "11111111-1111-1111-1111-111111111111"
    path = _zip(tmp_path / "nvivo.qdpx", {
        "project.qde": _project(_source(sguid, "Interview 1.docx", sels, f"internal://{sguid}.txt")),
        f"sources/{sguid}.txt": TEXT.encode("utf-8")})
    result = quiet(import_project, path, tmp_path / "out")
    assert _imported_words(tmp_path / "out") == sorted(WORDS)
    assert _convention(tmp_path / "out", "Interview 1.docx") == Convention("utf16", False, 2).describe()
    evidence = pd.read_csv(tmp_path / "out" / "_refi" / "sources.csv")["evidence"].iloc[0]
    assert evidence == "4 of 4 start and end on word boundaries"
    text = (tmp_path / "out" / "Interview_1.txt").read_text(encoding="utf-8")
    assert "\r" not in text and text == TEXT.replace("\r\n", "\n")
    rows = pd.read_csv(tmp_path / "out" / "coding" / "reviewer_een.csv")
    assert set(rows["coder"]) == {"Reviewer Eén"} and set(rows["code"]) == {"trust"}
    assert dict(zip(rows["text"], rows["turn"])) == {"vertrouwen": 1, "langzaam": 1, "budget": 3, "geld": 2}
    assert result.coders == {"Reviewer Eén": 4}
    # 'geld' is in the interviewer's question: kept, and said
    assert any("1 coding row(s) lie on interviewer turns" in str(p) for p in result.problems)


@pytest.mark.parametrize("name, counted_text, bom_counted, expected", [
    # code points, the file's BOM counted as a character
    ("qc", TEXT, True, Convention("codepoint", True, 2)),
    # QualCoder's own export: a BOM in the file it does not count, and (for MAXQDA) CRLF counted as one
    ("qcx", TEXT.replace("\r\n", "\n"), False, Convention("codepoint", False, 1)),
])
def test_qualcoder_like_code_points_with_a_bom_in_the_file(tmp_path, name, counted_text, bom_counted, expected):
    sels = "".join(_selection(i, *_positions(counted_text, w, utf16=False, bom=bom_counted))
                   for i, w in enumerate(WORDS))
    sguid = "22222222-2222-2222-2222-2222222222" + ("22" if name == "qc" else "23")
    path = _zip(tmp_path / f"{name}.qdpx", {
        "project.qde": _project(_source(sguid, name, sels, f"internal://{sguid}.txt")),
        f"sources/{sguid}.txt": b"\xef\xbb\xbf" + TEXT.encode("utf-8")})
    quiet(import_project, path, tmp_path / "out")
    assert _imported_words(tmp_path / "out") == sorted(WORDS)
    assert _convention(tmp_path / "out", name) == expected.describe()
    assert not (tmp_path / "out" / f"{name}.txt").read_bytes().startswith(b"\xef\xbb\xbf")


def test_atlas_like_selected_text_in_name_end_inclusive(tmp_path):
    # with a name, the convention is checked against the text itself, even where boundaries are ambiguous
    sels = "".join(_selection(i, *_positions(TEXT, w, utf16=False, bom=False, inclusive=True), name=w)
                   for i, w in enumerate(WORDS))
    sguid = "33333333-3333-3333-3333-333333333333"
    path = _zip(tmp_path / "atlas.qdpx", {
        "project.qde": _project(_source(sguid, "atlas", sels, f"internal://{sguid}.txt")),
        f"sources/{sguid}.txt": TEXT.encode("utf-8")})
    quiet(import_project, path, tmp_path / "out")
    assert _imported_words(tmp_path / "out") == sorted(WORDS)
    assert _convention(tmp_path / "out", "atlas") == Convention("codepoint", False, 2, True).describe()


def test_a_selection_that_fits_no_convention_is_reported_not_moved(tmp_path):
    good = "".join(_selection(i, *_positions(TEXT, w, utf16=False, bom=False), name=w) for i, w in enumerate(WORDS))
    outside = _selection(9, len(TEXT) + 5, len(TEXT) + 9, name="weg")
    inside = _selection(8, TEXT.index("vertrouwen") + 2, TEXT.index("vertrouwen") + 5)  # 'rtr' of vertrouwen
    sguid = "44444444-4444-4444-4444-444444444444"
    path = _zip(tmp_path / "mixed.qdpx", {
        "project.qde": _project(_source(sguid, "mixed", good + outside + inside, f"internal://{sguid}.txt")),
        f"sources/{sguid}.txt": TEXT.encode("utf-8")})
    result = quiet(import_project, path, tmp_path / "out")
    assert _imported_words(tmp_path / "out") == sorted(WORDS)
    lines = [str(p) for p in result.problems]
    for guid_, why in (("000000000009", "outside the text"), ("000000000008", "inside words")):
        assert any(guid_ in line and "fits no offset convention" in line and why in line for line in lines), why
    assert "mixed.qdpx" in lines[0] and all("\n" not in line for line in lines)
    assert pd.read_csv(tmp_path / "out" / "_refi" / "sources.csv")["skipped"].iloc[0] == 2


def test_atlas_names_cut_short_or_renamed_are_no_misfits(tmp_path):
    """ATLAS.ti cuts a long quotation's name with '…', and lets users rename quotations."""
    long_start = TEXT.index("Het vertrouwen")
    long_end = TEXT.index("langzaam.") + len("langzaam.")
    sels = (_selection(1, long_start, long_end, name="Het vertrouwen groei…")
            + _selection(2, *_positions(TEXT, "budget", utf16=False, bom=False), name="geldzorgen")
            + "".join(_selection(10 + i, *_positions(TEXT, w, utf16=False, bom=False), name=w)
                      for i, w in enumerate(["geld", "langzaam"])))
    sguid = "27272727-2727-2727-2727-272727272727"
    path = _zip(tmp_path / "atlas2.qdpx", {
        "project.qde": _project(_source(sguid, "atlas2", sels, f"internal://{sguid}.txt")),
        f"sources/{sguid}.txt": TEXT.encode("utf-8")})
    result = quiet(import_project, path, tmp_path / "out")
    texts = _imported_words(tmp_path / "out")
    assert "budget" in texts and "Het vertrouwen groeide 🙂 langzaam." in texts and len(texts) == 4
    assert any("1 selection(s) have a name that is not their text" in str(p) for p in result.problems)
    evidence = pd.read_csv(tmp_path / "out" / "_refi" / "sources.csv")["evidence"].iloc[0]
    assert evidence.startswith("3 of 4 match their name")


def test_tolerant_import_of_what_real_exports_do(tmp_path):
    """Sources/ in capitals, Project.qde, a missing source, inline text, no origin, no colour,
    duplicate code names, a PDF source, variables on cases (one case per source)."""
    here, gone = "55555555-5555-5555-5555-555555555555", "66666666-6666-6666-6666-666666666666"
    inline_text = "R: Ik heb het budget zelf beheerd."
    s_inline = _positions(inline_text, "budget", utf16=False, bom=False)
    codes = ('<Code guid="00000000-0000-0000-0000-0000000000C1" name="Budget" isCodable="true">'
             '<Code guid="00000000-0000-0000-0000-0000000000C2" name="Budget" isCodable="true"/></Code>')
    sources = (_source(here, "hier", _selection(1, *_positions(TEXT, "budget", utf16=True, bom=False)),
                       f"internal://{here}.txt")
               + _source(gone, "weg", "", f"internal://{gone}.txt")
               + _source("77777777-7777-7777-7777-777777777777", "inline", _selection(2, *s_inline, code="C2"),
                         inline=inline_text)
               + '<PDFSource guid="88888888-8888-8888-8888-888888888888" name="folder.pdf" path="internal://x.pdf"/>')
    variables = ('<Variables><Variable guid="99999999-0000-0000-0000-000000000001" name="Buurt" typeOfVariable="Text"/>'
                 '<Variable guid="99999999-0000-0000-0000-000000000002" name="Leeftijd" typeOfVariable="Integer"/>'
                 '</Variables><Cases><Case guid="99999999-0000-0000-0000-0000000000C1" name="hier">'
                 '<VariableValue><VariableRef targetGUID="99999999-0000-0000-0000-000000000001"/>'
                 '<TextValue>K-buurt</TextValue></VariableValue>'
                 '<VariableValue><VariableRef targetGUID="99999999-0000-0000-0000-000000000002"/>'
                 '<IntegerValue>44</IntegerValue></VariableValue>'
                 f'<SourceRef targetGUID="{here}"/></Case></Cases>')
    path = _zip(tmp_path / "tolerant.qdpx", {
        "Project.qde": _project(sources, codes=codes, extra=variables, origin=False),
        f"Sources/{here}.txt": TEXT.encode("utf-8")})
    result = quiet(import_project, path, tmp_path / "out")
    out = tmp_path / "out"
    assert sorted(result.transcripts) == ["hier", "inline"]
    assert (out / "inline.txt").read_text(encoding="utf-8") == inline_text
    text = "\n".join(str(p) for p in result.problems)
    for expected in ("'weg'", "missing from the archive", "folder.pdf", "PDF", "no 'origin'",
                     "code name 'Budget' is used more than once", "Leeftijd"):
        assert expected in text, expected
    cb = Codebook.load(out / "codebook.yml")
    assert [(c.id, c.parent, c.colour) for c in cb.codes] == [("budget", None, None), ("budget_2", "budget", None)]
    rows = pd.read_csv(out / "coding" / "reviewer_een.csv")
    assert sorted(zip(rows["transcript_id"], rows["code"], rows["text"])) == [
        ("hier", "budget", "budget"), ("inline", "budget_2", "budget")]
    meta = pd.read_csv(out / "metadata.csv")
    assert meta.set_index("transcript_id").loc["hier", "neighbourhood"] == "K-buurt"
    status = pd.read_csv(out / "_refi" / "sources.csv").set_index("name")["status"]
    assert status["weg"] == "missing" and status["folder.pdf"].startswith("not imported")


def test_project_without_namespace_is_read_with_a_warning(tmp_path):
    sguid = "12121212-1212-1212-1212-121212121212"
    path = _zip(tmp_path / "nons.qdpx", {
        "project.qde": _project(_source(sguid, "a", "", inline="R: tekst"), ns=False)})
    result = quiet(import_project, path, tmp_path / "out")
    assert result.transcripts == ["a"]
    assert any("namespace" in str(p) for p in result.problems)


def test_import_never_writes_into_a_folder_that_has_files(demo, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "keep.txt").write_text("R: mijn werk\n", encoding="utf-8")
    with pytest.raises(RefiError, match="new or empty"):
        import_project(demo["qdpx"], tmp_path / "corpus")


def test_detect_prefers_the_export_convention_on_a_tie():
    raw = decode_source("R: een twee drie\n".encode("utf-8"))
    conv, placed = detect(raw, [Selection("g", 3, 6)])
    assert conv == Convention() and (placed[0].start, placed[0].end) == (3, 6)


# --------------------------------------------------------------------------- hostile archives


def _refused(path: Path, out: Path, capsys, needle: str, limits: Limits | None = None) -> None:
    with pytest.raises(RefiError) as info:
        import_project(path, out, limits=limits)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path)) and needle in message
    assert not out.exists() or not any(out.rglob("*.txt"))
    if limits is None:  # the command line: one line on stderr, exit 1, no traceback
        assert main(["import", str(path), str(out)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(path) in err and "Traceback" not in err


def test_zip_slip_is_refused(tmp_path, capsys):
    for i, name in enumerate(["../evil.txt", "/etc/evil.txt", "sources/../../evil.txt", "C:/evil.txt"]):
        path = _zip(tmp_path / f"slip{i}.qdpx", {"project.qde": _project(""), name: b"x"})
        _refused(path, tmp_path / f"out{i}", capsys, "refused")
    assert not (tmp_path / "evil.txt").exists()


def test_symlink_entries_are_refused(tmp_path, capsys):
    path = tmp_path / "link.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", _project(""))
        info = zipfile.ZipInfo("sources/link.txt")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    _refused(path, tmp_path / "out", capsys, "symbolic link")


def test_zip_bomb_is_refused(tmp_path, capsys):
    path = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", _project(""))
        zf.writestr("sources/bomb.txt", b"\0" * (20 * 1024 * 1024))  # compresses about 1000 times
    _refused(path, tmp_path / "out", capsys, "zip bomb")


def test_limits_on_size_count_and_streamed_bytes(tmp_path, capsys):
    sguid = "13131313-1313-1313-1313-131313131313"
    big = ("R: " + "woord " * 2000 + "\n").encode()
    path = _zip(tmp_path / "big.qdpx", {
        "project.qde": _project(_source(sguid, "a", "", f"internal://{sguid}.txt")), f"sources/{sguid}.txt": big})
    _refused(path, tmp_path / "o1", capsys, "larger than", Limits(max_entry_bytes=5000, max_ratio=1e6))
    _refused(path, tmp_path / "o2", capsys, "entries", Limits(max_entries=1))
    _refused(path, tmp_path / "o3", capsys, "bytes", Limits(max_total_bytes=5000, max_ratio=1e6))


def test_header_sizes_are_not_trusted(tmp_path):
    """Bytes are counted while reading: a forged header (too small a size) never lets more through."""
    from mjs_analysis.refi.archive import SafeArchive

    sguid = "14141414-1414-1414-1414-141414141414"
    name = f"sources/{sguid}.txt"
    body = ("R: " + "woord " * 5000).encode()
    path = _zip(tmp_path / "liar.qdpx", {
        "project.qde": _project(_source(sguid, "a", "", f"internal://{sguid}.txt")), name: body})
    archive = SafeArchive(path, Limits(max_ratio=1e6))
    archive.limits = Limits(max_entry_bytes=20_000, max_ratio=1e6)  # as if the header had said less
    with pytest.raises(RefiError, match="more than 20000 bytes"):
        archive.read(name)
    archive = SafeArchive(path, Limits(max_ratio=1e6))
    archive._zip.getinfo(name).file_size = 10  # a forged header: the read fails, it is not cut short silently
    with pytest.raises(RefiError, match="cannot be read"):
        archive.read(name)


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;" origin="x"/>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;" origin="x"/>"""


@pytest.mark.parametrize("name, data", [
    ("xxe", XXE), ("laughs", LAUGHS),
    ("utf16", XXE.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="utf-16"?>').decode().encode("utf-16")),
])
def test_xml_entities_are_refused(tmp_path, capsys, name, data):
    path = _zip(tmp_path / f"{name}.qdpx", {"project.qde": data})
    _refused(path, tmp_path / "out", capsys, "DOCTYPE")


def test_xxe_in_a_codebook_is_refused(tmp_path, capsys):
    path = tmp_path / "evil.qdc"
    path.write_bytes(XXE.replace(b"Project", b"CodeBook"))
    _refused(path, tmp_path / "out", capsys, "DOCTYPE")


def test_not_a_zip_and_not_xml_are_one_line(tmp_path, capsys):
    path = tmp_path / "fake.qdpx"
    path.write_bytes(b"PK not really")
    _refused(path, tmp_path / "o1", capsys, "zip file")
    path = _zip(tmp_path / "broken.qdpx", {"project.qde": b"<Project><unclosed></Project>"})
    _refused(path, tmp_path / "o2", capsys, "not well-formed")
    path = _zip(tmp_path / "empty.qdpx", {"readme.txt": b"hi"})
    _refused(path, tmp_path / "o3", capsys, "no project file")


def test_review_loop_reviewed_codes_against_the_tagger(tmp_path, capsys):
    """Export the tagger's codes, 'review' them as a tool would (reject some, add others under the reviewer's
    user), import the result as one coder and score the tagger against it with `mjs agreement`."""
    corpus_dir = tmp_path / "c"
    corpus_dir.mkdir()
    for name in ("sln01.txt", "kb01.txt", "metadata.csv", "codebook.yml"):
        (corpus_dir / name).write_bytes((CORPUS / name).read_bytes())
    path = quiet(export, corpus_dir, tmp_path / "review.qdpx")
    with zipfile.ZipFile(path) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(entries["project.qde"])
    reviewer = guid("user", "reviewer")
    etree.SubElement(root.find(f"{{{NS}}}Users"), f"{{{NS}}}User", guid=reviewer, name="Reviewer")
    selections = list(root.iter(f"{{{NS}}}PlainTextSelection"))
    rejected = selections[::3]
    for sel in rejected:
        sel.getparent().remove(sel)
    # the reviewer adds 'frustratie' to the first turn the tagger coded that lacks it
    kept = [s for s in selections if s not in rejected]
    target = kept[0]
    added = etree.SubElement(target.getparent(), f"{{{NS}}}PlainTextSelection", guid=guid("added"),
                             startPosition=target.get("startPosition"), endPosition=target.get("endPosition"),
                             creatingUser=reviewer)
    coding = etree.SubElement(added, f"{{{NS}}}Coding", guid=guid("added coding"), creatingUser=reviewer)
    etree.SubElement(coding, f"{{{NS}}}CodeRef", targetGUID=guid("code", "frustratie"))
    entries["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    reviewed = tmp_path / "reviewed.qdpx"
    _zip(reviewed, entries)
    assert _schema("Project-mrt2019.xsd").validate(root.getroottree())

    out = tmp_path / "back"
    assert main(["import", str(reviewed), str(out), "--coder", "review"]) == 0
    rows = pd.read_csv(out / "coding" / "review.csv")
    assert set(rows["coder"]) == {"review"}
    assert len(rows) == len(kept) + 1 - int(rows.duplicated(["transcript_id", "turn", "code"]).sum())

    assert main(["agreement", str(out / "coding" / "review.csv"), "--tagger", "--corpus", str(out),
                 "--codebook", str(corpus_dir / "codebook.yml"), "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    micro = table[table["code"] == "(all codes)"].iloc[0]
    back = quiet(load_corpus, out)
    live = tag(back.segments, corpus_dir / "codebook.yml")
    key = lambda f: set(zip(f["transcript_id"], f["turn"], f["code"]))
    machine, human = key(live), key(rows)
    assert micro["precision"] == pytest.approx(len(machine & human) / len(machine))
    assert micro["recall"] == pytest.approx(len(machine & human) / len(human))
    assert micro["precision"] < 1 and micro["recall"] < 1


def test_a_selection_over_several_turns_gives_a_row_per_turn_cut_at_the_turns(tmp_path):
    clean = TEXT.replace("\r\n", "\n")
    start, end = clean.index("langzaam"), clean.index("budget") + len("budget")
    sguid = "24242424-2424-2424-2424-242424242424"
    path = _zip(tmp_path / "span.qdpx", {
        "project.qde": _project(_source(sguid, "span", _selection(1, start, end), f"internal://{sguid}.txt")),
        f"sources/{sguid}.txt": clean.encode("utf-8")})
    quiet(import_project, path, tmp_path / "out")
    rows = pd.read_csv(tmp_path / "out" / "coding" / "reviewer_een.csv")
    assert list(zip(rows["turn"], rows["text"])) == [(1, "langzaam."), (2, "En het geld?"), (3, "Het budget")]
    assert rows["start_char"].iloc[0] == start and rows["end_char"].iloc[-1] == end


def test_reexport_of_imported_codings_keeps_their_text(demo, tmp_path):
    """Codings with offsets (from an import) are exported where their text is, also when the offsets
    count another version of the text; without a match, the whole turn."""
    corpus = quiet(load_corpus, CORPUS / "sln01.txt")
    turn = corpus.segments[corpus.segments.speaker_role == "respondent"].iloc[0]
    words = turn.text.split()[2]
    at = turn.text.index(words) + turn.start_char
    csv = tmp_path / "c.csv"
    pd.DataFrame([
        {"transcript_id": "sln01", "turn": turn.turn, "code": "vertrouwen", "coder": "X",
         "start_char": at, "end_char": at + len(words), "text": words},         # right offsets
        {"transcript_id": "sln01", "turn": turn.turn, "code": "frustratie", "coder": "X",
         "start_char": at + 3, "end_char": at + 3 + len(words), "text": words},  # offsets of another text
        {"transcript_id": "sln01", "turn": turn.turn, "code": "erkenning", "coder": "X",
         "start_char": 0, "end_char": 4, "text": "niet in deze beurt"},          # no match: the turn
    ]).to_csv(csv, index=False)
    path = quiet(export, CORPUS / "sln01.txt", tmp_path / "x.qdpx", codebook=CORPUS / "codebook.yml",
                 codings=[csv], tagger=False)
    root = etree.fromstring(zipfile.ZipFile(path).read("project.qde"))
    names = {s.find(f"{{{NS}}}Coding/{{{NS}}}CodeRef").get("targetGUID"): s.get("name")
             for s in root.iter(f"{{{NS}}}PlainTextSelection")}
    assert names[guid("code", "vertrouwen")] == words and names[guid("code", "frustratie")] == words
    assert names[guid("code", "erkenning")] == turn.text


def test_a_source_path_out_of_the_archive_is_refused_and_nothing_is_left(tmp_path, capsys):
    good, bad = "25252525-2525-2525-2525-252525252525", "26262626-2626-2626-2626-262626262626"
    sources = (_source(good, "goed", "", f"internal://{good}.txt")
               + _source(bad, "kwaad", "", "internal://../../../etc/passwd"))
    path = _zip(tmp_path / "out_of.qdpx", {"project.qde": _project(sources), f"sources/{good}.txt": b"R: ja\n"})
    _refused(path, tmp_path / "out", capsys, "points outside the archive")
    assert not (tmp_path / "out").exists()


def test_taguette_like_codebook_with_empty_sets_is_read(tmp_path):
    """Taguette exports a .qdc with an empty <Sets/> that the schema rejects; the codes are still read."""
    path = tmp_path / "taguette.qdc"
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.4">'
                    '<Codes><Code guid="00000000-0000-0000-0000-000000000001" name="Vertrouwen" isCodable="true" '
                    'color="#abc"><Description>Trust.</Description></Code></Codes><Sets/></CodeBook>',
                    encoding="utf-8")
    assert validate(path)  # not schema-valid ...
    quiet(import_project, path, tmp_path / "out")  # ... but imported
    cb = Codebook.load(tmp_path / "out" / "codebook.yml")
    assert [(c.id, c.label["nl"], c.colour, c.definition) for c in cb.codes] == [
        ("vertrouwen", "Vertrouwen", "#aabbcc", "Trust.")]

"""Word documents as the author sees them: tracked changes, comments, content controls, text boxes,
headers and footers. The XML is written by hand where python-docx has no API for it."""

from __future__ import annotations


import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from mjs_analysis import TranscriptWarning, read_transcript

from .conftest import quiet

W = nsdecls("w")


def _p(inner: str) -> str:
    return f"<w:p {W}>{inner}</w:p>"


def _r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _save(tmp_path, blocks: list[str], name="t.docx", setup=None):
    document = docx.Document()
    body = document.element.body
    sect = body[-1]  # keep w:sectPr last
    for xml in blocks:
        sect.addprevious(parse_xml(xml))
    if setup:
        setup(document)
    path = tmp_path / name
    document.save(str(path))
    return path


def test_tracked_insertions_kept_deletions_dropped_with_a_warning(tmp_path):
    ins = f'<w:ins w:id="1" w:author="Student" w:date="2020-01-01T00:00:00Z">{_r(" op dinsdag")}</w:ins>'
    dele = (f'<w:del w:id="2" w:author="Student" w:date="2020-01-01T00:00:00Z"><w:r><w:delText>'
            f'woensdag</w:delText></w:r></w:del>')
    inserted_paragraph = (f'<w:p {W}><w:pPr><w:rPr><w:ins w:id="3" w:author="S" w:date="2020-01-01T00:00:00Z"/>'
                          f'</w:rPr></w:pPr><w:ins w:id="4" w:author="S" w:date="2020-01-01T00:00:00Z">'
                          f'{_r("R: Een hele alinea die als wijziging is getypt.")}</w:ins></w:p>')
    path = _save(tmp_path, [_p(_r("I: Wanneer was de bijeenkomst?")), _p(_r("R: Het was") + ins + dele + _r(".")),
                            _p(_r("I: En toen?")), inserted_paragraph])
    with pytest.warns(TranscriptWarning, match=r"t\.docx: warning: document has unaccepted tracked changes "
                                               r"\(3 insertion\(s\), 1 deletion\(s\)\)"):
        t = read_transcript(path)
    assert [(turn.speaker, turn.text, turn.line) for turn in t.turns] == [
        ("I", "Wanneer was de bijeenkomst?", 1), ("R", "Het was op dinsdag.", 2), ("I", "En toen?", 3),
        ("R", "Een hele alinea die als wijziging is getypt.", 4)]
    assert "woensdag" not in t.text


def test_comments_headers_and_footers_are_not_text(tmp_path):
    def setup(document):
        document.sections[0].header.paragraphs[0].text = "Transcript Fatma Yilmaz - vertrouwelijk"
        document.sections[0].footer.paragraphs[0].text = "Pagina 1"
        first = document.paragraphs[0]
        document.add_comment(first.runs, text="Klopt dit woord?", author="Begeleider")

    footnote = '<w:r><w:footnoteReference w:id="1"/></w:r>'
    path = _save(tmp_path, [_p(_r("I: Hoe ging het?")), _p(_r("R: Goed.") + footnote)],
                 setup=setup)
    t = quiet(read_transcript, path)
    assert [turn.text for turn in t.turns] == ["Hoe ging het?", "Goed."]
    assert "Klopt" not in t.text and "Pagina" not in t.text and "Yilmaz" not in t.text


def test_content_controls_and_text_boxes_are_read_once(tmp_path):
    sdt_block = (f'<w:sdt {W}><w:sdtPr><w:alias w:val="Antwoord"/></w:sdtPr><w:sdtContent>'
                 f'{_p(_r("R: Tekst in een invulveld."))}{_p(_r("Tweede alinea erin."))}</w:sdtContent></w:sdt>')
    sdt_inline = _p(_r("I: Vraag met ") + f'<w:sdt><w:sdtContent>{_r("een keuzelijst")}</w:sdtContent></w:sdt>'
                    + _r("?"))
    box = (f'<w:txbxContent>{_p(_r("R: In een tekstvak."))}</w:txbxContent>')
    textbox = _p(
        _r("I: Voor het vak.")
        + '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml">'
          f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice>'
          f'<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>'
          '</mc:AlternateContent></w:r>')
    path = _save(tmp_path, [sdt_inline, sdt_block, textbox, _p(_r("R: Na het vak."))])
    t = quiet(read_transcript, path)
    assert [(turn.speaker, turn.text) for turn in t.turns] == [
        ("I", "Vraag met een keuzelijst?"), ("R", "Tekst in een invulveld. Tweede alinea erin."),
        ("I", "Voor het vak."), ("R", "In een tekstvak."), ("R", "Na het vak.")]
    assert t.text.count("tekstvak") == 1


def test_docx_label_styles_like_txt(tmp_path):
    path = _save(tmp_path, [_p(_r("INTERVIEWER")), _p(_r("Hoe ging het?")), _p(_r("FATMA")), _p(_r("Goed.")),
                            _p(_r("INTERVIEWER")), _p(_r("Mooi.")), _p(_r("FATMA")), _p(_r("Ja."))])
    t = quiet(read_transcript, path)
    assert [(turn.speaker, turn.text, turn.line) for turn in t.turns] == [
        ("INTERVIEWER", "Hoe ging het?", 1), ("FATMA", "Goed.", 3), ("INTERVIEWER", "Mooi.", 5), ("FATMA", "Ja.", 7)]
    assert t.styles == {"caps_line": 4}

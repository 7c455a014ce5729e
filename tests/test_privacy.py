"""Pseudonymisation: planted identifiers replaced, public names kept, consistent pseudonyms, formats intact,
the key kept apart, and the privacy gate of `mjs run` (both ways, and the leak scan)."""

from __future__ import annotations

import csv
import difflib
import json
import re
from pathlib import Path

import pytest

from mjs_analysis import load_corpus
from mjs_analysis.cli import main
from mjs_analysis.privacy import PrivacyError, identifiable, pseudonymise, scan_leaks

from .conftest import ROOT, quiet
from .test_suite import FINE, SUITE

RAW = ROOT / "examples" / "raw"
PLANTED = {  # every personal detail written into examples/raw, by type
    "naam": ["Marieke Jansen", "Marieke", "Jansen", "Henk Pietersen", "Henk", "Pietersen", "Sandra de Boer",
             "Aisha El Idrissi", "Aisha"],
    "adres": ["Slotermeerlaan 103", "1064 HV", "Kamperfoelieweg 21"],
    "telefoon": ["06-12345678", "020-6123456", "06 98765432"],
    "e-mail": ["marieke.jansen@gmail.com", "aisha.elidrissi@hotmail.com"],
    "online": ["www.facebook.com/marieke.jansen.58", "@mariekeslotermeer"],
    "geboortedatum": ["12 maart 1958"],
    "bsn": ["123456782"],
}
PUBLIC = ["Slotermeer Noordoost", "Nieuw-West", "Amsterdam", "Banne Buiksloot", "stadsdeel Noord", "buurthuis",
          "gemeente", "bewonerscommissie", "Slotermeer"]


def _contains(text: str, value: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(value) + r"(?!\w)", text, re.IGNORECASE) is not None


@pytest.fixture(scope="module")
def pseudo(tmp_path_factory):
    out = tmp_path_factory.mktemp("pseudo") / "out"
    key = tmp_path_factory.mktemp("secret") / "key.csv"
    summary = quiet(pseudonymise, RAW, out, key=key)
    with key.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return out, key, summary, rows


def _all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file())


def test_every_planted_identifier_is_replaced(pseudo):
    out, _, summary, _ = pseudo
    text = _all_text(out)
    missed = [value for values in PLANTED.values() for value in values if _contains(text, value)]
    assert missed == []
    assert sorted(p.name for p in summary.files) == ["groep_raw.vtt", "interview_raw.txt"]


def test_public_context_is_kept(pseudo):
    out, *_ = pseudo
    text = _all_text(out)
    assert [value for value in PUBLIC if not _contains(text, value)] == []


def test_pseudonyms_are_consistent_across_files_labels_and_text(pseudo):
    out, _, _, rows = pseudo
    by_original = {}
    for row in rows:
        by_original.setdefault(row["original"], set()).add(row["pseudonym"])
    assert all(len(p) == 1 for p in by_original.values())
    henk = by_original["Henk Pietersen"] | by_original["Henk"] | by_original["Pietersen"]
    marieke = by_original["Marieke Jansen"] | by_original["Marieke"]
    assert len(henk) == 1 and len(marieke) == 1 and henk != marieke
    (h,), (m,) = henk, marieke
    corpus = quiet(load_corpus, out)
    assert m in corpus["raw01"].speakers and h in corpus["groep_raw"].speakers
    vtt = (out / "groep_raw.vtt").read_text(encoding="utf-8")
    assert f"<v {h}>" in vtt and f"{m} heeft me er ook bij gehaald" in vtt
    assert {r["transcript"] for r in rows if r["pseudonym"] == m} == {"raw01", "groep_raw"}
    with (out / "speakers.csv").open(encoding="utf-8") as fh:
        assert h in {r["speaker"] for r in csv.DictReader(fh)}


def test_formats_round_trip_timing_and_every_other_word(pseudo):
    out, _, _, rows = pseudo
    before = (RAW / "groep_raw.vtt").read_text(encoding="utf-8").splitlines()
    after = (out / "groep_raw.vtt").read_text(encoding="utf-8").splitlines()
    assert len(before) == len(after)
    assert [b for b in before if "-->" in b or b.strip().isdigit() or b.startswith("WEBVTT")] == \
           [a for a in after if "-->" in a or a.strip().isdigit() or a.startswith("WEBVTT")]
    originals = {w for r in rows for w in r["original"].split()}
    pseudonyms = {w for r in rows for w in r["pseudonym"].split()}
    raw, done = quiet(load_corpus, RAW), quiet(load_corpus, out)
    assert raw.segments["turn"].tolist() == done.segments["turn"].tolist()
    assert raw.segments["timestamp"].fillna(-1).tolist() == done.segments["timestamp"].fillna(-1).tolist()
    for a, b in zip(raw.segments.itertuples(), done.segments.itertuples()):
        wa, wb = a.text.split(), b.text.split()
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            # only identifying words went, only pseudonym words came
            assert all(any(o in w for o in originals) for w in wa[i1:i2]), (a.transcript_id, wa[i1:i2])
            assert all(any(p in w for p in pseudonyms) for w in wb[j1:j2]), (b.transcript_id, wb[j1:j2])


def test_output_is_marked_pseudonymised_and_validates(pseudo, capsys):
    out, *_ = pseudo
    assert quiet(identifiable, quiet(load_corpus, RAW)) == ["groep_raw", "raw01"]
    assert quiet(identifiable, quiet(load_corpus, out)) == []
    assert "pseudonymised: true" in (out / "interview_raw.txt").read_text(encoding="utf-8")
    assert main(["validate", str(out)]) == 0


def test_key_lies_only_where_asked_and_review_shows_no_originals(pseudo):
    out, key, summary, rows = pseudo
    assert summary.key == key and not any(p.name == key.name for p in out.rglob("*"))
    assert {"original", "pseudonym", "type", "transcript", "position"} == set(rows[0])
    assert {r["type"] for r in rows} >= {"persoon", "telefoon", "email", "url", "account", "postcode", "datum"}
    with summary.review.open(encoding="utf-8") as fh:
        review = list(csv.DictReader(fh))
    assert len(review) == len(rows) and set(review[0]) == {"transcript", "line", "type", "pseudonym", "context"}
    assert scan_leaks([summary.review], key) == []
    assert all(r["pseudonym"] in r["context"] for r in review)


def test_key_inside_output_is_refused_before_anything_is_written(tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(PrivacyError, match="must be stored outside the output folder"):
        pseudonymise(RAW, out, key=out / "sub" / "key.csv")
    assert not out.exists()
    assert main(["pseudonymise", str(RAW), str(out), "--key", str(out / "key.csv")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "must be stored outside the output folder" in err[0] and not out.exists()


def test_without_key_no_key_is_written(tmp_path):
    out = tmp_path / "out"
    summary = quiet(pseudonymise, RAW / "groep_raw.vtt", out)
    assert summary.key is None
    names = sorted(p.name for p in out.rglob("*"))
    assert names == ["groep_raw.vtt", "metadata.csv", "pseudonymisation_review.csv", "speakers.csv"]
    for p in out.rglob("*.csv"):
        with p.open(encoding="utf-8") as fh:
            assert "original" not in (csv.DictReader(fh).fieldnames or [])


def test_docx_paragraphs_and_names_split_over_runs(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Interviewer: Wie heeft u geholpen?")
    p = document.add_paragraph("Bewoner: Dat was ")
    p.add_run("Johanna ")
    p.add_run("Vermeulen").bold = True
    p.add_run(", van het stadsdeel. Bel Johanna Vermeulen op 06-11223344.")
    document.add_paragraph("Interviewer: Dank u.")
    folder = tmp_path / "in"
    folder.mkdir()
    document.save(str(folder / "d1.docx"))
    out = tmp_path / "out"
    quiet(pseudonymise, folder, out)
    after = docx.Document(str(out / "d1.docx"))
    texts = [p.text for p in after.paragraphs]
    assert len(texts) == 3 and texts[0] == "Interviewer: Wie heeft u geholpen?" and texts[2] == "Interviewer: Dank u."
    assert "Johanna" not in texts[1] and "Vermeulen" not in texts[1] and "06-11223344" not in texts[1]
    assert texts[1].startswith("Bewoner: Dat was Persoon 1") and "van het stadsdeel" in texts[1]
    assert texts[1].count("Persoon 1") == 2


ENGLISH = """---
transcript_id: en1
neighbourhood: K-buurt
district: Zuidoost
language: en
---
Interviewer: How did you hear about it?
Sarah Miller: From my neighbour John. You can reach me at sarah.miller@example.org or +31 6 2233 4455.
Interviewer: And the district?
Sarah Miller: Zuidoost gave us the money, John and I did the rest.
"""


def test_english_transcripts_use_patterns_and_the_name_list(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "en1.txt").write_text(ENGLISH, encoding="utf-8")
    out = tmp_path / "out"
    summary = quiet(pseudonymise, folder, out)
    text = (out / "en1.txt").read_text(encoding="utf-8")
    for value in ("Sarah", "Miller", "John", "sarah.miller@example.org", "+31 6 2233 4455"):
        assert not _contains(text.split("---")[-1], value), value
    assert "Zuidoost gave us the money" in text and "Persoon 1: From my neighbour Persoon 2." in text
    assert summary.counts == {"persoon": 4, "email": 1, "telefoon": 1}  # two labels, John twice


# --------------------------------------------------------------------------- the gate


def test_scan_leaks_finds_escaped_values_and_names_file_and_type(tmp_path):
    key = tmp_path / "key.csv"
    key.write_text("original,pseudonym,type,transcript,position\nHenk Pietersen,Persoon 1,persoon,t,line 1\n"
                   "henk@mail.nl,E-mail 1,email,t,line 2\nJo,Persoon 2,persoon,t,line 3\n", encoding="utf-8")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "clean.html").write_text("<p>Persoon 1 zei: Jo, dat is goed.</p>", encoding="utf-8")
    (reports / "leak.html").write_text("<td>mail: henk&#64;mail.nl</td>", encoding="utf-8")
    (reports / "leak.ipynb").write_text(json.dumps({"text": "Henk\u00a0Pietersen".replace("\u00a0", " ")},
                                                   ensure_ascii=True), encoding="utf-8")
    (reports / "quote.ipynb").write_text('{"text": ["> \\"Henk Pietersen\\" zei"]}', encoding="utf-8")
    problems = scan_leaks([reports], key)
    found = sorted((Path(p.path).name, p.message.split("'")[1]) for p in problems)
    assert found == [("leak.html", "email"), ("leak.ipynb", "persoon"), ("quote.ipynb", "persoon")]
    assert all("Henk" not in str(p) and "henk@" not in str(p) for p in problems)


def _suite(folder: Path, first: str = FINE) -> Path:
    folder.mkdir()
    for name in SUITE:
        (folder / f"{name}.py").write_text(first if name == SUITE[0] else FINE, encoding="utf-8")
    return folder


def test_run_refuses_identifiable_transcripts_unless_allowed(tmp_path, capsys):
    notebooks = _suite(tmp_path / "nb")
    out = tmp_path / "reports"
    assert main(["run", "--corpus", str(RAW), "--output", str(out), "--notebooks", str(notebooks)]) == 1
    err = capsys.readouterr().err
    assert "2 transcript(s) not marked 'pseudonymised: true': groep_raw, raw01" in err and not out.exists()
    assert main(["run", "--corpus", str(RAW), "--output", str(out), "--notebooks", str(notebooks),
                 "--codebook", str(ROOT / "corpus" / "codebook.yml"), "--allow-identifiable"]) == 0


def test_run_with_key_fails_on_a_leak_in_a_report(pseudo, tmp_path, capsys):
    out, key, _, _ = pseudo
    leaky = FINE + '\n# %%\nprint("zoals Henk Pietersen zei")\n'
    notebooks = _suite(tmp_path / "nb", first=leaky)
    reports = tmp_path / "reports"
    codebook = str(ROOT / "corpus" / "codebook.yml")
    assert main(["run", "--corpus", str(out), "--output", str(reports), "--notebooks", str(notebooks),
                 "--codebook", codebook, "--key", str(key)]) == 1
    err = capsys.readouterr().err
    assert "01_corpus_overzicht.ipynb: contains an original value of type 'persoon'" in err
    assert "01_corpus_overzicht.html: contains an original value of type 'persoon'" in err
    assert "Henk" not in err
    notebooks_ok = _suite(tmp_path / "nb2")
    assert main(["run", "--corpus", str(out), "--output", str(tmp_path / "r2"), "--notebooks", str(notebooks_ok),
                 "--codebook", codebook, "--key", str(key)]) == 0

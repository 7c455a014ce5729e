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
Interviewer: Anything else?
Sarah Miller: Mrs. Okafor, born on March 12, 1958, lives at 221B Baker Street. Ask Dr Whitfield.
"""


def test_english_transcripts_use_patterns_and_the_name_list(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "en1.txt").write_text(ENGLISH, encoding="utf-8")
    out = tmp_path / "out"
    summary = quiet(pseudonymise, folder, out)
    text = (out / "en1.txt").read_text(encoding="utf-8")
    for value in ("Sarah", "Miller", "John", "sarah.miller@example.org", "+31 6 2233 4455", "Okafor",
                  "March 12, 1958", "221B Baker Street", "Whitfield"):
        assert not _contains(text.split("---")[-1], value), value
    assert "Zuidoost gave us the money" in text
    john = re.search(r"Persoon 1: From my neighbour (Persoon \d)\.", text).group(1)
    okafor, whitfield = re.search(r"Mrs\. (Persoon \d), born on Datum 1, lives at Adres 1\. Ask Dr (Persoon \d)\.",
                                  text).groups()
    assert len({"Persoon 1", john, okafor, whitfield}) == 4 and f"{john} and I did the rest" in text
    # three labels, John twice, the two titled surnames
    assert summary.counts == {"persoon": 7, "email": 1, "telefoon": 1, "datum": 1, "adres": 1}


def _corpus(folder: Path, files: dict[str, str], metadata: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    if metadata is not None:
        (folder / "metadata.csv").write_text(metadata, encoding="utf-8")
    return folder


FRONT = "---\ntranscript_id: {tid}\nneighbourhood: K-buurt\ndistrict: Zuidoost\nlanguage: nl\n---\n"


def test_names_that_are_dutch_words_are_replaced_and_questions_kept(tmp_path):
    """deduce finds "Roos", "Bram" and "Jan"; they are Dutch words too, yet a found first name is never dropped
    as one. "Ken je ...?" and "Eh," are no names."""
    text = FRONT.format(tid="w1") + (
        "Interviewer: Wie deed er mee?\n"
        "R: Mooi. Roos heeft ons geholpen. Bram zei dat het goed was. Jan de Vries kwam ook langs.\n"
        "Interviewer: Ken je dat plan van de lampen?\n"
        "R: Eh, ja. Jan zei dat meneer De Vries het wist. En een bos rozen van henk, mijn buurman Henk.\n")
    out = tmp_path / "out"
    quiet(pseudonymise, _corpus(tmp_path / "in", {"w1.txt": text}), out)
    body = (out / "w1.txt").read_text(encoding="utf-8").split("---")[-1]
    for name in ("Roos", "Bram", "Jan", "Vries", "henk", "Henk"):
        assert not _contains(body, name), name
    assert "Ken je dat plan van de lampen?" in body and "R: Eh, ja." in body and "een bos rozen van" in body
    assert re.search(r"(Persoon \d+) kwam ook langs\.[\s\S]*\b\1 zei dat meneer \1 het wist", body)


def test_role_labels_stay_and_names_as_labels_in_any_style_go(tmp_path):
    """`V`, `A`, `SPREKER 1`, `Unknown Speaker` are roles, not names; a name used as a speaker label in any
    style (ALL-CAPS on its own line, bold, heading, Otter) is replaced, also in the title and the file name."""
    folder = _corpus(tmp_path / "in", {
        "va.txt": "V: Vertrouwt u de gemeente nu meer?\nA: Ja.\nV: Waarom?\nA: Daarom.\n",
        "interview_fatima.txt": "Interview met Fatima Yilmaz, 12 maart 2020\n\nINTERVIEWER\nHoe gaat het?\n\n"
                                "FATIMA\nGoed. Ik ben Fatima, zeg maar.\n\nINTERVIEWER\nEn verder?\n\nFATIMA\nNiks.\n",
        "bold.md": "**SPREKER 1:** Welkom.\n**Henk:** Dank je.\n**SPREKER 1:** Hoe heet u?\n**Henk:** Henk.\n",
        "heading.md": "### Interviewer\nHoe gaat het?\n\n### Gerrit\nGoed.\n\n### Interviewer\nEn?\n\n### Gerrit\nJa.\n",
        "otter.txt": "Unknown Speaker  0:00\nHallo.\n\nKees Bakker  0:05\nHoi.\n\nKees Bakker  0:09\nTot ziens.\n",
    }, "transcript_id,neighbourhood,district,language\n" + "".join(
        f"{t},K-buurt,Zuidoost,nl\n" for t in ("va", "interview_fatima", "bold", "heading", "otter")))
    out = tmp_path / "out"
    quiet(pseudonymise, folder, out)
    text = _all_text(out)
    for name in ("Fatima", "FATIMA", "Yilmaz", "Henk", "Gerrit", "Kees", "Bakker"):
        assert not _contains(text, name), name
    assert "V: Vertrouwt u de gemeente nu meer?" in text and "A: Daarom." in text
    assert "**SPREKER 1:** Welkom." in text and "Unknown Speaker  0:00" in text and "INTERVIEWER\n" in text
    assert not any("fatima" in p.name.lower() for p in out.rglob("*"))
    # the labels are still labels: the pseudonymised transcripts read with the same speakers' roles
    corpus = quiet(load_corpus, out)
    for t in corpus:
        assert "unknown" not in t.speakers, t.path.name
    caps = next(t for t in corpus if t.styles.get("caps_line"))
    assert [s for s in caps.speakers if s != "preamble"][0] == "INTERVIEWER" and len(caps.speakers) == 3


def test_whisper_json_names_escaped_in_the_file_are_replaced(tmp_path):
    segments = [{"start": 0.0, "end": 1.0, "text": " Dag, hoe gaat het?", "speaker": "Sanne"},
                {"start": 1.5, "end": 3.0, "text": " Goed, ik ben José.", "speaker": "José",
                 "words": [{"word": "José", "start": 2.5}]},
                {"start": 3.5, "end": 4.0, "text": " Dag José.", "speaker": "Sanne"},
                {"start": 4.5, "end": 5.0, "text": " Dag.", "speaker": "José"}]
    folder = _corpus(tmp_path / "in", {"w.json": json.dumps({"segments": segments, "language": "nl"})},
                     "transcript_id,neighbourhood,district,language\nw,K-buurt,Zuidoost,nl\n")
    assert "Jos\\u00e9" in (folder / "w.json").read_text(encoding="utf-8")  # as Whisper writes it
    out = tmp_path / "out"
    quiet(pseudonymise, folder, out)
    data = json.loads((out / "w.json").read_text(encoding="utf-8"))
    assert "José" not in json.dumps(data, ensure_ascii=False) and "Sanne" not in json.dumps(data)
    assert [s["start"] for s in data["segments"]] == [0.0, 1.5, 3.5, 4.5] and data["language"] == "nl"
    t = quiet(load_corpus, out)["w"]
    assert len(t.speakers) == 2 and t.turns[1].text.startswith("Goed, ik ben Persoon")


def test_names_in_file_names_and_ids_are_replaced_consistently(tmp_path):
    folder = _corpus(tmp_path / "in", {
        "interview_henk_pietersen.txt": "Interviewer: Hoe gaat het?\nHenk Pietersen: Goed.\nInterviewer: Fijn.\n"
                                        "Henk Pietersen: Tot ziens.\n",
        "sub/kb_Aisha.vtt": "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Aisha>Hallo, ik ben Aisha.\n",
    }, "transcript_id,neighbourhood,district,language\ninterview_henk_pietersen,K-buurt,Zuidoost,nl\n"
       "kb_Aisha,K-buurt,Zuidoost,nl\n")
    out = tmp_path / "out"
    summary = quiet(pseudonymise, folder, out)
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*.*"))
    assert not any("henk" in n.lower() or "pietersen" in n.lower() or "aisha" in n.lower() for n in names), names
    assert set(summary.renamed) == {"interview_henk_pietersen", "kb_Aisha"}
    corpus = quiet(load_corpus, out)
    assert sorted(t.transcript_id for t in corpus) == sorted(summary.renamed.values())
    assert corpus.errors == [] and identifiable(corpus) == []
    assert (out / "sub").is_dir()  # subfolders are kept
    review = (out / "pseudonymisation_review.csv").read_text(encoding="utf-8")
    assert "henk" not in review.lower() and "aisha" not in review.lower()


def test_a_second_batch_reuses_the_key_and_keeps_the_first(tmp_path):
    first = _corpus(tmp_path / "batch1", {"a1.txt": FRONT.format(tid="a1") +
                                          "Interviewer: Wie?\nR: Marieke Jansen en Henk Pietersen.\n"})
    second = _corpus(tmp_path / "batch2", {"a2.txt": FRONT.format(tid="a2") +
                                           "Interviewer: Wie?\nR: Henk Pietersen, Kees Bos en Marieke Jansen.\n"})
    out, key = tmp_path / "out", tmp_path / "secret" / "key.csv"
    quiet(pseudonymise, first, out, key=key)
    quiet(pseudonymise, second, out, key=key)
    with key.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_original = {}
    for row in rows:
        by_original.setdefault(row["original"], set()).add(row["pseudonym"])
    assert all(len(p) == 1 for p in by_original.values()) and {r["transcript"] for r in rows} == {"a1", "a2"}
    assert len(by_original["Kees Bos"] | by_original["Henk Pietersen"] | by_original["Marieke Jansen"]) == 3
    assert sorted(t.transcript_id for t in quiet(load_corpus, out)) == ["a1", "a2"]
    assert identifiable(quiet(load_corpus, out)) == []
    not_a_key = tmp_path / "notes.csv"
    not_a_key.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(PrivacyError, match="is not a pseudonymisation key"):
        pseudonymise(first, tmp_path / "out2", key=not_a_key)
    assert not_a_key.read_text(encoding="utf-8") == "a,b\n1,2\n"


def test_docx_front_matter_headers_and_properties(tmp_path):
    import docx

    document = docx.Document()
    for line in ("---", "transcript_id: d2", "neighbourhood: K-buurt", "district: Zuidoost", "language: nl",
                 "respondent_description: buurvrouw van Johanna Vermeulen", "---",
                 "Interviewer: Wie?", "Bewoner: Johanna Vermeulen, die woont hier al lang."):
        document.add_paragraph(line)
    document.sections[0].header.paragraphs[0].text = "Interview met Johanna Vermeulen"
    document.core_properties.title = "Johanna Vermeulen, K-buurt"
    folder = tmp_path / "in"
    folder.mkdir()
    document.save(str(folder / "d2.docx"))
    out = tmp_path / "out"
    quiet(pseudonymise, folder, out)
    after = docx.Document(str(out / "d2.docx"))
    texts = [p.text for p in after.paragraphs]
    assert texts[:5] == ["---", "transcript_id: d2", "neighbourhood: K-buurt", "district: Zuidoost", "language: nl"]
    assert "pseudonymised: true" in texts[:8] and texts.count("---") == 2
    everything = "\n".join(texts + [after.sections[0].header.paragraphs[0].text, after.core_properties.title])
    assert "Johanna" not in everything and "Vermeulen" not in everything
    assert after.core_properties.title == "Persoon 1, K-buurt"
    assert identifiable(quiet(load_corpus, out)) == []


def test_output_inside_input_and_bad_parameters_are_refused(tmp_path):
    with pytest.raises(PrivacyError, match="must not be the input folder or lie inside it"):
        pseudonymise(RAW, RAW / "pseudo")
    assert not (RAW / "pseudo").exists()
    with pytest.raises(PrivacyError, match="no such file or folder"):
        pseudonymise(tmp_path / "missing", tmp_path / "out")
    with pytest.raises(PrivacyError, match="'progress' parameter of pseudonymise must be a callable"):
        pseudonymise(RAW, tmp_path / "out", progress="yes")


def test_deduce_is_loaded_once_and_cached_per_machine(pseudo):
    import platformdirs

    from mjs_analysis.privacy import _deduce

    assert _deduce() is _deduce()
    cache = Path(_deduce().cache_path)
    assert cache.is_relative_to(Path(platformdirs.user_cache_dir("mjs-analysis")))
    assert (cache / "cache" / "lookup_structs.pickle").is_file()


# --------------------------------------------------------------------------- the gate


def test_scan_leaks_finds_escaped_values_and_names_file_and_type(tmp_path):
    key = tmp_path / "key.csv"
    key.write_text("original,pseudonym,type,transcript,position\nHenk Pietersen,Persoon 1,persoon,t,line 1\n"
                   "henk@mail.nl,E-mail 1,email,t,line 2\nJo,Persoon 2,persoon,t,line 3\n"
                   "06-12345678,Telefoon 1,telefoon,t,line 4\n", encoding="utf-8")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "clean.html").write_text("<p>Persoon 1 zei: Jo, dat is goed.</p>", encoding="utf-8")
    (reports / "leak.html").write_text("<td>mail: henk&#64;mail.nl</td>", encoding="utf-8")
    (reports / "leak.ipynb").write_text(json.dumps({"text": "Henk\u00a0Pietersen".replace("\u00a0", " ")},
                                                   ensure_ascii=True), encoding="utf-8")
    (reports / "quote.ipynb").write_text('{"text": ["> \\"Henk Pietersen\\" zei"]}', encoding="utf-8")
    (reports / "table.html").write_text("<td><span>Henk</span>\n<span>Pietersen</span></td>", encoding="utf-8")
    (reports / "files.csv").write_text("file\ninterview_henk_pietersen.txt\n", encoding="utf-8")
    (reports / "phone.md").write_text("Bel 06 1234 5678.", encoding="utf-8")
    (reports / "plot.png").write_bytes(b"\x89PNG Henk Pietersen")  # not a text output: skipped in folders
    problems = scan_leaks([reports], key)
    found = sorted((Path(p.path).name, p.message.split("'")[1]) for p in problems)
    assert found == [("files.csv", "persoon"), ("leak.html", "email"), ("leak.ipynb", "persoon"),
                     ("phone.md", "telefoon"), ("quote.ipynb", "persoon"), ("table.html", "persoon")]
    assert all("Henk" not in str(p) and "henk@" not in str(p) and "5678" not in str(p) for p in problems)
    assert "(the original of Persoon 1)" in str(problems[0])
    assert scan_leaks(str(reports / "clean.html"), key) == []  # one path, not a list; "Jo" is too short
    missing = scan_leaks([reports / "clean.html", tmp_path / "nope"], key)
    assert [Path(p.path).name for p in missing] == ["nope"] and "could not be scanned" in missing[0].message
    with pytest.raises(PrivacyError, match="not a pseudonymisation key"):
        scan_leaks([reports], reports / "files.csv")


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
    files = sum(1 for p in (tmp_path / "r2").rglob("*") if p.is_file())
    assert f"leak scan: 0 leaks in {files} files" in capsys.readouterr().err  # a clean scan says it ran

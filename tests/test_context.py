"""Issue 15: the question's theme in a short answer, denials in the next sentence, and decoy mentions."""

from __future__ import annotations

import pandas as pd
import pytest

from mjs_analysis.codebook import Codebook
from mjs_analysis.tagging import tag, tag_texts

CODEBOOK = """\
codes:
  - id: vertrouwen
    label: {nl: Vertrouwen}
    rules: {terms: [vertrouwen, vertrouw, vertrouwt], on_negation: wantrouwen,
            decoys: [voetbalclub, lift]}
  - id: wantrouwen
    label: {nl: Wantrouwen}
    rules: {terms: [wantrouwen], on_negation: suppress}
  - id: samenwerking
    label: {nl: Samenwerking}
    rules: {terms: [samenwerking]}
  - id: financiering
    label: {nl: Financiering}
    rules: {terms: [budget, geld], regex: ['€\\s?\\d'], decoys: [parkeerbon, "*boete"]}
  - id: enthousiasme
    label: {nl: Enthousiasme}
    rules: {terms: [leuk], on_negation: suppress}
"""


@pytest.fixture(scope="module")
def codebook(tmp_path_factory):
    path = tmp_path_factory.mktemp("cb") / "codebook.yml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return Codebook.load(path)


def interview(*turns):
    """Alternating interviewer / respondent turns of one transcript."""
    roles = ["interviewer" if i % 2 == 0 else "respondent" for i in range(len(turns))]
    starts, pos = [], 0
    for t in turns:
        starts.append(pos)
        pos += len(t) + 1
    return pd.DataFrame({"transcript_id": "t1", "turn": range(len(turns)), "speaker": ["I" if r == "interviewer"
                         else "R" for r in roles], "speaker_role": roles, "text": list(turns),
                         "start_char": starts, "language": "nl"})


def answers(codebook, question, answer, **kw):
    tags = tag(interview("Goedemiddag.", "Hallo.", question, answer), codebook, **kw)
    return {(r.code, r.rule) for r in tags[tags.turn == 3].itertuples()}


@pytest.mark.parametrize("answer", ["Ja, wel meer dan eerst.", "Ja. Meer dan vroeger.", "Jazeker."])
def test_a_yes_answer_takes_the_theme_of_the_question(codebook, answer):
    assert answers(codebook, "Vertrouwt u de gemeente nu?", answer) == {
        ("vertrouwen", "context:question-theme vertrouwen")}


@pytest.mark.parametrize("answer", ["Nee, eerlijk gezegd niet.", "Nee.", "Nee. Niet helemaal.", "Nou. Nee.",
                                    "Ja, nee.", "Niet echt."])
def test_a_no_answer_applies_on_negation(codebook, answer):
    assert answers(codebook, "Vertrouwt u de gemeente nu?", answer) == {
        ("wantrouwen", "context:question-theme vertrouwen (answer negated: vertrouwen -> wantrouwen)")}


def test_a_no_answer_keeps_or_suppresses_as_the_code_says(codebook):
    assert answers(codebook, "Was er genoeg budget?", "Nee.") == {
        ("financiering", "context:question-theme financiering (answer negated)")}
    assert answers(codebook, "Was het leuk?", "Nee, niet echt.") == set()  # enthousiasme: suppress
    assert answers(codebook, "Was het leuk?", "Ja, heel.") == {
        ("enthousiasme", "context:question-theme enthousiasme")}


def test_the_question_theme_needs_a_short_answer_a_question_and_no_answer_of_its_own(codebook):
    long = "Ja. " + " ".join(["we hebben toen heel veel andere dingen gedaan"] * 4) + "."
    assert answers(codebook, "Vertrouwt u de gemeente nu?", long) == set()
    assert answers(codebook, "Ik vertrouw u.", "Ja, goed.") == set()  # not a question
    assert answers(codebook, "Vertrouwt u de gemeente nu?", "Nee.", context=False) == set()
    own = answers(codebook, "Vertrouwt u de gemeente?", "Nou. Ik heb geen vertrouwen meer.")
    assert {c for c, _ in own} == {"wantrouwen"} and not any("context" in r for _, r in own)


def test_the_question_theme_row_is_auditable(codebook):
    tags = tag(interview("Goedemiddag.", "Hallo.", "Vertrouwt u de gemeente nu?", "Nee, eerlijk gezegd niet."),
               codebook)
    row = tags[tags.turn == 3].iloc[0]
    assert row.evidence == "Nee, eerlijk gezegd niet." and bool(row.negated)
    assert row.matched == "vertrouwt (in the question)"
    text = interview("Goedemiddag.", "Hallo.", "Vertrouwt u de gemeente nu?", "Nee, eerlijk gezegd niet.")
    assert row.start_char == text.start_char.iloc[3]


@pytest.mark.parametrize("text, expected", [
    ("Maar vertrouwen? Nee.", {"wantrouwen"}),
    ("Vertrouwen? Nou. Nee.", {"wantrouwen"}),
    ("Ik vertrouw haar. Nou, nee.", {"wantrouwen"}),
    ("Ik vertrouw haar. Nee, echt.", {"vertrouwen"}),  # "Nee, echt" affirms
    ("Ik vertrouw haar. Nee, ze is goed.", {"vertrouwen"}),  # not a bare denial after a statement
    ("Samenwerking, zou je het kunnen noemen. Nou, nee.", {"samenwerking"}),  # on_negation: keep
    ("Was het leuk? Niet echt.", set()),
])
def test_a_denial_in_the_next_sentence(codebook, text, expected):
    tags = tag_texts([text], codebook)
    assert set(tags.code) == expected
    if expected and "vertrouwen" not in expected:
        assert all("denied by the next sentence" in r for r in tags.rule)


@pytest.mark.parametrize("text, expected", [
    ("Ik kreeg een parkeerbon van € 90.", set()),
    ("Ik kreeg een verkeersboete, geen geld meer.", set()),
    ("We kregen € 900 voor de bankjes.", {"financiering"}),
    ("Mijn vertrouwen in die voetbalclub is weg.", set()),
    ("Ik vertrouw die lift niet.", set()),
    ("Ik vertrouw de gebiedsmakelaar.", {"vertrouwen"}),
    ("Ik kreeg een parkeerbon. Daarna ging het budget op aan de tuin.", {"financiering"}),  # other sentence
])
def test_decoy_mentions_do_not_count(codebook, text, expected):
    assert set(tag_texts([text], codebook).code) == expected


def test_decoys_are_validated(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_text("codes:\n  - id: a\n    label: {nl: A}\n    rules: {terms: [x], decoys: [park*bon]}\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="park\\*bon"):
        Codebook.load(path)

"""The rule tagger: Dutch negation, compounds, auditable rows, and the scikit-learn API."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from mjs_analysis.codebook import Codebook
from mjs_analysis.tagging import CodebookTagger, code_matrix, tag, tag_texts

CODEBOOK = """\
codes:
  - id: vertrouwen
    label: {nl: Vertrouwen}
    rules: {terms: [vertrouwen, vertrouw], on_negation: wantrouwen}
  - id: wantrouwen
    label: {nl: Wantrouwen}
    rules: {terms: [wantrouwen], phrases: ["eerst zien"], on_negation: suppress}
  - id: enthousiasme
    label: {nl: Enthousiasme}
    rules: {terms: [leuk, enthousiast, enthousiasme, geweldig], on_negation: suppress}
  - id: financiering
    label: {nl: Financiering}
    rules: {terms: [geld, "subsidie*", "*budget"], exclude: [buurtbudget], regex: ['€\\s?\\d']}
  - id: kaders_regels
    label: {nl: Kaders}
    rules: {terms: ["*regels", "formulier*"], phrases: ["van het kastje naar de muur"]}
  - id: erkenning
    label: {nl: Erkenning}
    rules: {terms: [erkenning], phrases: ["goed gedaan"]}
  - id: nooit_gebruikt
    label: {nl: Nooit}
    rules: {terms: [zeppelin]}
"""


@pytest.fixture(scope="module")
def codebook(tmp_path_factory):
    path = tmp_path_factory.mktemp("cb") / "codebook.yml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return Codebook.load(path)


def codes_of(codebook, text):
    tags = tag_texts([text], codebook)
    return set(tags["code"])


NEGATION_CASES = [
    ("Ik heb er geen vertrouwen meer in.", {"wantrouwen"}),
    ("Ik heb veel vertrouwen in Tom.", {"vertrouwen"}),
    ("Ik vertrouw de gemeente niet.", {"wantrouwen"}),
    ("Ik vertrouw de gemeente niet meer.", {"wantrouwen"}),
    ("Het vertrouwen is helemaal niet gegroeid.", {"wantrouwen"}),
    ("Ik heb nooit vertrouwen gehad in het stadsdeel.", {"wantrouwen"}),
    ("Niemand had vertrouwen in het plan.", {"wantrouwen"}),
    ("Ik had nauwelijks vertrouwen.", {"wantrouwen"}),
    ("Ik heb er gewoon geen vertrouwen meer in, eerlijk.", {"wantrouwen"}),
    ("Het vertrouwen is weg.", {"wantrouwen"}),
    ("Ik ben het vertrouwen kwijt.", {"wantrouwen"}),
    ("Ik heb het vertrouwen niet verloren.", {"vertrouwen"}),
    ("Niet dat ik geen vertrouwen heb.", {"vertrouwen"}),
    ("Ik weet het niet, maar ik heb wel vertrouwen in haar.", {"vertrouwen"}),
    ("Er was geen vertrouwen, maar nu vertrouw ik ze wel.", {"wantrouwen", "vertrouwen"}),
    ("Het was niet leuk.", set()),
    ("Ik was helemaal niet enthousiast.", set()),
    ("Het was niet alleen leuk, het was geweldig.", {"enthousiasme"}),
    ("Het was leuk, maar niet iedereen deed mee.", {"enthousiasme"}),
    ("Het enthousiasme was enorm en niemand klaagde.", {"enthousiasme"}),
    ("Ik was er nooit enthousiast over, want het geld was op.", {"financiering"}),
    ("Er was geen geld.", {"financiering"}),
    ("We kregen nooit meer subsidie.", {"financiering"}),
    ("Ik wantrouw niemand, ik heb geen wantrouwen.", set()),
    ("Niemand heeft ooit gezegd: goed gedaan.", {"erkenning"}),
    ("We hadden geen enkele vorm van erkenning.", {"erkenning"}),
]


@pytest.mark.parametrize("text, expected", NEGATION_CASES)
def test_negation(codebook, text, expected):
    assert codes_of(codebook, text) == expected


def test_compound_wildcards_and_exclusions(codebook):
    assert codes_of(codebook, "De subsidieaanvraag liep vast.") == {"financiering"}
    assert codes_of(codebook, "Subsidies zijn op.") == {"financiering"}
    assert codes_of(codebook, "Het jongerenbudget was klein.") == {"financiering"}
    assert codes_of(codebook, "Het buurtbudget begon in 2019.") == set()
    assert codes_of(codebook, "Die spelregels en subsidieregels, en de regels zelf.") == {"kaders_regels", "financiering"}
    assert codes_of(codebook, "Drie formulieren, van het kastje naar de muur.") == {"kaders_regels"}
    assert codes_of(codebook, "We kregen €500 voor de tafels.") == {"financiering"}


def test_lemma_matching(codebook):
    # "vertrouwde" -> lemma "vertrouwen"; "Geweldig" at the start of a sentence
    assert codes_of(codebook, "Geweldig. Ze vertrouwden ons.") == {"enthousiasme", "vertrouwen"}


def test_sentence_unit_and_evidence(codebook):
    text = "Eerst ging het goed. Toen was er geen geld. Maar het was leuk!"
    tags = tag_texts([text], codebook, unit="sentence")
    row = tags.set_index("code").loc["financiering"]
    assert row["evidence"] == "Toen was er geen geld." == text[row["start"]:row["end"]]
    assert row["sentence"] == 1 and row["matched"] == "geld" and row["rule"] == "term:geld"
    assert bool(row["negated"]) is True
    assert tags.set_index("code").loc["enthousiasme", "sentence"] == 2
    assert tags["pipeline"].str.startswith("nl_blank_lookups").all()


def segments():
    return pd.DataFrame({
        "transcript_id": ["t1", "t1", "t1", "t2"],
        "turn": [0, 1, 2, 0],
        "speaker": ["I", "R", "I", "Ans"],
        "speaker_role": ["interviewer", "respondent", "interviewer", "respondent"],
        "text": ["Had u vertrouwen?", "Nou. Ik heb geen vertrouwen meer.", "En geld?", "Het geld was op, maar leuk was het!"],
        "start_char": [3, 24, 62, 5],
        "language": ["nl"] * 4,
    })


def test_tag_segments_offsets_and_speakers(codebook):
    seg = segments()
    tags = tag(seg, codebook)
    assert list(zip(tags.transcript_id, tags.turn, tags.code)) == [
        ("t1", 1, "wantrouwen"), ("t2", 0, "enthousiasme"), ("t2", 0, "financiering")]
    row = tags.iloc[0]
    assert row.evidence == "Ik heb geen vertrouwen meer."
    assert (row.start_char, row.end_char) == (24 + 5, 24 + 33)
    assert "(negated: vertrouwen -> wantrouwen)" in row.rule
    everyone = tag(seg, codebook, all_speakers=True)
    assert {("t1", 0), ("t1", 2)} <= set(zip(everyone.transcript_id, everyone.turn))


def test_code_matrix_has_every_code_and_unit(codebook):
    seg = segments()
    matrix = code_matrix(tag(seg, codebook), seg[seg.speaker_role == "respondent"], codebook.ids)
    assert list(matrix.columns) == codebook.ids
    assert matrix.loc[("t1", 1), "wantrouwen"] == 1 and matrix["nooit_gebruikt"].sum() == 0
    assert matrix.shape == (2, len(codebook.ids))


def test_unit_parameter_is_validated(codebook):
    with pytest.raises(ValueError, match="'unit' parameter must be one of 'turn', 'sentence'"):
        tag_texts(["x"], codebook, unit="paragraph")


WEAK_CODEBOOK = """\
codes:
  - id: financiering
    label: {nl: Financiering}
    rules: {terms: [subsidie], weak: [geld, euro, "eigen zak"]}
  - id: frustratie
    label: {nl: Frustratie}
    rules: {terms: [frustrerend], weak: [lastig], min_hits: 2}
  - id: zeggenschap
    label: {nl: Zeggenschap}
    rules: {terms: [beslissen], weak: [stemmen]}
"""


@pytest.fixture(scope="module")
def weak_codebook(tmp_path_factory):
    path = tmp_path_factory.mktemp("cb") / "codebook.yml"
    path.write_text(WEAK_CODEBOOK, encoding="utf-8")
    return Codebook.load(path)


@pytest.mark.parametrize("text, expected", [
    ("Er was wat geld over.", set()),                                  # one weak cue: a passing mention
    ("Het geld was op, en geen euro kwam terug.", {"financiering"}),   # two weak cues
    ("Het geld was op. Alles uit eigen zak.", {"financiering"}),       # a weak term and a weak phrase
    ("De subsidie liep af.", {"financiering"}),                        # a term alone
    ("Het was frustrerend.", set()),                                   # min_hits 2: one term is not enough
    ("Frustrerend en lastig, echt lastig.", {"frustratie"}),           # 1 + 1/2 + 1/2 = 2
    ("Frustrerend en lastig.", set()),                                 # 1 + 1/2 < 2
])
def test_weak_cues_count_half(weak_codebook, text, expected):
    assert codes_of(weak_codebook, text) == expected


def test_weak_cues_in_the_sentence_unit_and_rule_column(weak_codebook):
    text = "Geld was er. Het geld en elke euro waren op."
    tags = tag_texts([text], weak_codebook, unit="sentence")
    assert list(tags["sentence"]) == [1]
    assert tags["rule"].iloc[0] == "weak:geld; weak:euro" and tags["n_hits"].iloc[0] == 2


def question_segments(question, answer):
    return pd.DataFrame({
        "transcript_id": ["t1", "t1", "t1", "t1"], "turn": [0, 1, 2, 3],
        "speaker": ["I", "R", "I", "R"],
        "speaker_role": ["interviewer", "respondent", "interviewer", "respondent"],
        "text": ["Hoe gaat het?", "Goed.", question, answer], "start_char": [0, 20, 40, 100],
        "language": ["nl"] * 4,
    })


def test_a_question_about_a_code_supports_a_weak_cue_in_its_answer(weak_codebook):
    seg = question_segments("Mochten jullie zelf beslissen?", "Nou, we mochten stemmen.")
    tags = tag(seg, weak_codebook)
    assert list(zip(tags.turn, tags.code)) == [(3, "zeggenschap")]
    row = tags.iloc[0]
    assert row.rule == "weak:stemmen; context:question" and row.matched == "stemmen"
    assert row.evidence == "Nou, we mochten stemmen." and row.start_char == 100
    assert tag(seg, weak_codebook, context=False).empty  # without the question: one weak cue only
    assert tag(seg, weak_codebook, unit="sentence").empty  # the question supports whole turns only


def test_a_question_alone_codes_nothing_and_only_the_turn_right_before_counts(weak_codebook):
    # A short answer takes the question's theme (issue 15, tests/test_context.py), but only as an answer:
    short = tag(question_segments("Mochten jullie zelf beslissen?", "Ja hoor."), weak_codebook)
    assert list(zip(short.turn, short.code, short.rule)) == [(3, "zeggenschap", "context:question-theme zeggenschap")]
    assert tag(question_segments("Mochten jullie zelf beslissen?", "Ja hoor."), weak_codebook, context=False).empty
    seg = question_segments("Mochten jullie zelf beslissen?", "Nou, we mochten stemmen.")
    seg.loc[2, "speaker_role"] = "respondent"  # the turn before is another respondent's
    tags = tag(seg, weak_codebook)
    assert list(zip(tags.turn, tags.code)) == [(2, "zeggenschap")]
    other = question_segments("Ging het over geld?", "Nou, we mochten stemmen.")
    assert tag(other, weak_codebook).empty  # a question about another code does not help


def test_context_is_validated(weak_codebook):
    with pytest.raises(ValueError, match="'context' needs unit='turn'"):
        tag_texts(["a", "b"], weak_codebook, context=[None])
    with pytest.raises(ValueError, match="'context' needs unit='turn'"):
        tag_texts(["a"], weak_codebook, unit="sentence", context=[None])


# ----------------------------------------------------------------------------- scikit-learn

TEXTS = ["Ik heb geen vertrouwen meer.", "Het was geweldig!", "Over het weer.", "Subsidie en geld."]


def test_sklearn_transformer(codebook):
    tagger = CodebookTagger(codebook)
    X = tagger.fit_transform(TEXTS)
    assert X.shape == (4, len(codebook.ids)) and X.dtype.kind == "i"
    names = list(tagger.get_feature_names_out())
    assert names == codebook.ids
    assert X[0, names.index("wantrouwen")] == 1 and X[2].sum() == 0 and X[3, names.index("financiering")] == 1


def test_sklearn_set_output_pandas_and_dataframe_input(codebook):
    tagger = CodebookTagger(codebook).set_output(transform="pandas")
    out = tagger.fit_transform(pd.DataFrame({"text": TEXTS}, index=[10, 11, 12, 13]))
    assert isinstance(out, pd.DataFrame) and list(out.columns) == codebook.ids
    assert list(out.index) == [10, 11, 12, 13]
    assert out.loc[11, "enthousiasme"] == 1


def test_sklearn_clone_params_refit_pipeline(codebook, tmp_path):
    tagger = CodebookTagger(codebook, language="nl")
    assert tagger.get_params() == {"codebook": codebook, "language": "nl", "cache": True}
    copy = clone(tagger)
    assert copy.get_params()["codebook"].ids == codebook.ids and not hasattr(copy, "codebook_")
    copy.set_params(cache=False)
    assert copy.fit(TEXTS).transform(TEXTS).sum() == tagger.fit(TEXTS).transform(TEXTS).sum()
    other = tmp_path / "other.yml"
    other.write_text("codes:\n  - id: weer\n    label: {nl: Weer}\n    rules: {terms: [weer]}\n", encoding="utf-8")
    tagger.set_params(codebook=other).fit(TEXTS)  # refit with another codebook
    assert list(tagger.get_feature_names_out()) == ["weer"]
    assert tagger.transform(TEXTS)[:, 0].tolist() == [0, 0, 1, 0]
    pipe = make_pipeline(CodebookTagger(codebook))
    assert pipe.fit_transform(TEXTS).shape == (4, len(codebook.ids))


def test_sklearn_errors(codebook):
    with pytest.raises(ValueError, match="'language' parameter of CodebookTagger must be one of 'nl', 'en'. Got 'de'"):
        CodebookTagger(codebook, language="de").fit(TEXTS)
    with pytest.raises(ValueError, match="list of texts, not one str"):
        CodebookTagger(codebook).fit(TEXTS).transform("één tekst")
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        CodebookTagger(codebook).transform(TEXTS)


@pytest.mark.parametrize("pattern", [r"\bsamen\b[^.?!]{0,20}\bgedaan\b", r"\b(wij|we)\b[^.?!]{0,10}\bzelf\b",
                                     r"€\s?\d", r"\bvijf\D{0,3}ton\b", r"Tom"])
def test_fast_regex_finds_what_re_finds(pattern):
    from mjs_analysis.tagging import _FastRegex

    text = ("Samen gedaan! Tezamen gedaan. WIJ doen het ZELF, wij zelf. €500 en € 3, "
            "vijf ton, vijf-ton, Vijftonner, tom en Tom.")
    expected = [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
    assert [m.span() for m in _FastRegex(pattern).finditer(text)] == expected
    assert [m.span() for m in _FastRegex(pattern).finditer(text, text.lower())] == expected


def test_english_turns_use_the_english_pipeline(tmp_path):
    path = tmp_path / "en.yml"
    path.write_text("codes:\n  - id: trust\n    label: {nl: Vertrouwen, en: Trust}\n"
                    "    rules: {terms: [trust], on_negation: distrust}\n"
                    "  - id: distrust\n    label: {nl: Wantrouwen, en: Distrust}\n    rules: {terms: [distrust]}\n",
                    encoding="utf-8")
    seg = segments().assign(language=["nl", "nl", "nl", "en"],
                            text=["x", "Ik heb geen vertrouwen.", "y", "We never trusted the council."])
    tags = tag(seg, Codebook.load(path))
    assert tags[["transcript_id", "code"]].values.tolist() == [["t2", "distrust"]]
    assert tags["pipeline"].iloc[0].startswith("en_blank_lookups")


# --------------------------------------------------------------------------- quotes worth reading


@pytest.mark.parametrize("text, expected", [
    ("Maar vertrouwen? Nee.", {"wantrouwen"}),
    ("Vertrouwen? Nou, nee. Dat is voorbij.", {"wantrouwen"}),
    ("Vertrouwen? Ja, nee, niet echt.", {"wantrouwen"}),
    ("Vertrouwen? Helemaal niet.", {"wantrouwen"}),
    ("Vertrouwen? Ja, zeker wel.", {"vertrouwen"}),
    ("Vertrouwen? Dat groeit.", {"vertrouwen"}),
    ("Vertrouwen. Nee, ik bedoel: ik vertrouw ze.", {"vertrouwen"}),  # not a question: nothing denied
])
def test_a_question_denied_by_the_next_sentence_follows_the_negation_rule(codebook, text, expected):
    assert codes_of(codebook, text) == expected


def test_a_denied_hit_shows_the_denial_in_its_evidence_and_rule(codebook):
    row = tag_texts(["Ik ben er lang mee bezig geweest. Maar vertrouwen? Nee. Daar is niks van over."],
                    codebook).iloc[0]
    assert row["evidence"] == "Maar vertrouwen? Nee."
    assert "denied by the next sentence" in row["rule"] and row["negated"]


@pytest.mark.parametrize("text", [
    "Ja! [lacht] Gloria heeft veel vertrouwen in de buurt.",
    "Het geld staat in gewone taal. [onverstaanbaar] Daarna kwam het geld.",
    "Ik weet het niet (lacht). Het geld kwam laat.",
])
def test_evidence_never_starts_or_ends_inside_an_annotation(codebook, text):
    tags = tag_texts([text], codebook, unit="sentence")
    assert len(tags)
    for evidence in tags["evidence"]:
        assert evidence.count("[") == evidence.count("]") and evidence.count("(") == evidence.count(")")
        assert not re.match(r"^[^\[]*\]", evidence) and not re.search(r"\[[^\]]*$", evidence)

"""The learner: grouped cross-validation by transcript, the too-few-examples fallback, auditable suggestions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mjs_analysis.codebook import Codebook
from mjs_analysis.learn import CodeLearner, grouped_folds, turn_labels

CODEBOOK = """\
codes:
  - id: financiering
    label: {nl: Financiering}
    rules: {terms: [geld, budget]}
  - id: frustratie
    label: {nl: Frustratie}
    rules: {terms: [frustrerend]}
  - id: erkenning
    label: {nl: Erkenning}
    rules: {terms: [bedankt]}
"""

# Frustration is told as waiting ("weken gewacht"), which the rule does not know: the learner can.
ANSWERS = [
    ("Het geld kwam pas laat.", ["financiering"]),
    ("We hebben weken gewacht op de gemeente.", ["frustratie"]),
    ("Weer weken gewacht, niemand belde.", ["frustratie"]),
    ("De tuin is mooi geworden.", []),
    ("Het budget was genoeg voor de bankjes.", ["financiering"]),
    ("Ik vond het frustrerend.", ["frustratie"]),
    ("Iedereen kwam op het feest.", []),
]


def corpus(n_transcripts=8):
    rows, codings = [], []
    for t in range(n_transcripts):
        tid = f"t{t:02d}"
        for k, (text, codes) in enumerate(ANSWERS):
            rows.append((tid, 2 * k, "I", "interviewer", "Hoe ging het?"))
            rows.append((tid, 2 * k + 1, "R", "respondent", text))
            codings += [(tid, 2 * k + 1, c, coder) for c in codes for coder in "AB"]
        if t < 2:  # erkenning: coded twice, in two transcripts only
            rows.append((tid, 99, "R", "respondent", "Niemand heeft ons ooit bedankt."))
            codings += [(tid, 99, "erkenning", coder) for coder in "AB"]
    seg = pd.DataFrame(rows, columns=["transcript_id", "turn", "speaker", "speaker_role", "text"])
    seg["start_char"] = 0
    seg["language"] = "nl"
    cod = pd.DataFrame(codings, columns=["transcript_id", "turn", "code", "coder"])
    return seg, cod


@pytest.fixture(scope="module")
def codebook(tmp_path_factory):
    path = tmp_path_factory.mktemp("cb") / "codebook.yml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return Codebook.load(path)


@pytest.fixture(scope="module")
def fitted(codebook):
    seg, cod = corpus()
    return CodeLearner(codebook, n_splits=4, min_gain=0.0).fit(seg, cod), seg


def test_grouped_folds_never_split_a_transcript():
    groups = np.repeat([f"t{i}" for i in range(7)], [3, 5, 1, 4, 4, 2, 6])
    folds = grouped_folds(groups, n_splits=3)
    assert len(folds) == 3
    seen = []
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])
        assert len(train) + len(test) == len(groups)
        seen += sorted(set(groups[test]))
    assert sorted(seen) == sorted(set(groups))  # every transcript in exactly one test fold
    assert len(grouped_folds(groups[:4], n_splits=10)) == 2  # lowered to the number of transcripts
    with pytest.raises(ValueError, match="at least 2 transcripts"):
        grouped_folds(["a", "a"])


def test_the_learner_cross_validates_by_transcript(fitted):
    learner, seg = fitted
    assert len(learner.cv_folds_) == 4
    tested = set()
    for train, test in learner.cv_folds_:
        assert train and test and not train & test
        tested |= test
    assert tested == set(seg.transcript_id)


def test_too_few_examples_keeps_the_rules(fitted):
    learner, seg = fitted
    row = learner.report_.set_index("code").loc["erkenning"]
    assert row.model == "rules" and "too few examples" in row.note and row.n_positive == 2
    sug = learner.suggest(seg)
    erk = sug[sug.code == "erkenning"]
    assert set(erk.source) == {"rules"} and set(erk.rule) == {"term:bedankt"}
    assert len(erk) == 2


def test_the_learner_beats_the_rules_where_they_miss_and_says_so(fitted):
    learner, seg = fitted
    row = learner.report_.set_index("code").loc["frustratie"]
    assert row.f1_learned > row.f1_rules and row.model in ("learned", "combined")
    sug = learner.suggest(seg)
    waiting = sug[(sug.code == "frustratie") & (sug.turn == 3)]
    assert len(waiting) == seg.transcript_id.nunique()
    assert set(waiting.source) == {"learned"} and (waiting.probability > 0.5).all()
    assert set(waiting.rule) == {""}


def test_turn_labels_take_half_of_the_coders():
    units = pd.DataFrame({"transcript_id": ["t", "t"], "turn": [1, 2]})
    cod = pd.DataFrame({"transcript_id": ["t", "t", "t"], "turn": [1, 1, 2], "code": ["x", "x", "x"],
                        "coder": ["A", "B", "A"]})
    assert turn_labels(cod, units, ["x"])["x"].tolist() == [1, 1]
    three = pd.concat([cod, pd.DataFrame({"transcript_id": ["t"], "turn": [1], "code": ["x"], "coder": ["C"]})])
    assert turn_labels(three, units, ["x"])["x"].tolist() == [1, 0]


@pytest.mark.parametrize("param, value", [("C", 0), ("n_splits", 1), ("min_positives", 0), ("min_gain", 1.5)])
def test_parameters_are_validated(codebook, param, value):
    seg, cod = corpus(3)
    with pytest.raises(ValueError, match=f"'{param}' parameter of CodeLearner"):
        CodeLearner(codebook, **{param: value}).fit(seg, cod)


def test_mjs_learn_writes_suggestions_and_says_what_it_could_not_learn(tmp_path, codebook, capsys):
    from mjs_analysis.cli import main

    seg, cod = corpus(4)
    folder = tmp_path / "c"
    (folder / "coding").mkdir(parents=True)
    for tid, part in seg.groupby("transcript_id"):
        (folder / f"{tid}.txt").write_text("".join(f"{r.speaker}: {r.text}\n" for r in part.itertuples()),
                                           encoding="utf-8")
    # The file's turns are numbered 0, 1, ...: map the coded turns to their position.
    position = {(t, turn): i for t, part in seg.groupby("transcript_id") for i, turn in enumerate(part.turn)}
    cod = cod.assign(turn=[position[(t, u)] for t, u in zip(cod.transcript_id, cod.turn)])
    cod.to_csv(folder / "coding" / "coders.csv", index=False)
    out = tmp_path / "suggestions.csv"
    assert main(["learn", str(folder), "--codebook", str(codebook.path), "--folds", "2", "--output", str(out)]) == 0
    err = capsys.readouterr().err
    assert "erkenning: too few examples to learn" in err
    sug = pd.read_csv(out)
    assert list(sug.columns) == ["transcript_id", "turn", "code", "model", "source", "probability", "rule"]
    assert set(sug.code) <= {"financiering", "frustratie", "erkenning"} and sug.probability.between(0, 1).all()
    one = folder / "one"
    (one / "coding").mkdir(parents=True)
    (one / "t00.txt").write_text((folder / "t00.txt").read_text(encoding="utf-8"), encoding="utf-8")
    cod[cod.transcript_id == "t00"].to_csv(one / "coding" / "c.csv", index=False)
    assert main(["learn", str(one), "--codebook", str(codebook.path)]) == 1
    assert "at least 2 transcripts" in capsys.readouterr().err


def test_coders_who_split_the_transcripts_each_label_their_own():
    # A coded t1 and t2, B only t2, C only t3: t1 and t3 are labelled by their one coder, t2 needs A or B.
    units = pd.DataFrame({"transcript_id": ["t1", "t2", "t3", "t3"], "turn": [1, 1, 1, 2]})
    cod = pd.DataFrame({"transcript_id": ["t1", "t2", "t3"], "turn": [1, 1, 1], "code": ["x", "x", "x"],
                        "coder": ["A", "B", "C"]})
    cod = pd.concat([cod, pd.DataFrame({"transcript_id": ["t2"], "turn": [9], "code": ["y"], "coder": ["A"]})])
    labels = turn_labels(cod, units, ["x", "y"])
    assert labels["x"].tolist() == [1, 1, 1, 0]
    assert labels["y"].tolist() == [0, 0, 0, 0]


def test_learning_from_coders_who_split_the_transcripts(codebook):
    seg, cod = corpus(8)
    # Every transcript coded by one coder only, half by A and half by B: every code is still learnable.
    cod = cod[(cod.coder == "A") == cod.transcript_id.isin(["t00", "t01", "t02", "t03"])]
    learner = CodeLearner(codebook, n_splits=4, min_gain=0.0).fit(seg, cod)
    report = learner.report_.set_index("code")
    assert report.at["frustratie", "n_positive"] == 8 * 3
    assert report.at["frustratie", "model"] in ("learned", "combined")


def test_character_ngrams_carry_a_word_to_its_compounds_and_inflections(codebook):
    # Trained on "wachten"/"gewacht", the chars-only model finds "wachttijd" and "wachtten", unseen as words.
    seg, cod = corpus(8)
    learner = CodeLearner(codebook, features=("chars",), n_splits=4, min_gain=0.0).fit(seg, cod)
    new = pd.DataFrame({"transcript_id": ["n1"] * 4, "turn": [0, 1, 2, 3], "speaker": ["I", "R", "I", "R"],
                        "speaker_role": ["interviewer", "respondent", "interviewer", "respondent"],
                        "text": ["Hoe ging het?", "Die wachttijd, wekenlang, en niemand belde.", "En toen?",
                                 "Het feest was mooi."], "start_char": 0, "language": "nl"})
    proba = learner.predict_proba(new)["frustratie"]
    assert proba.iloc[0] > 0.5 > proba.iloc[1]


@pytest.mark.parametrize("features", [(), ("words",), ("rules", "rules"), "rules"])
def test_features_are_validated(codebook, features):
    seg, cod = corpus(3)
    with pytest.raises(ValueError, match="'features' parameter of CodeLearner"):
        CodeLearner(codebook, features=features).fit(seg, cod)


def test_the_command_line_offers_the_learners_features():
    from mjs_analysis import cli, learn

    assert cli.LEARN_FEATURES == learn.FEATURES and cli.LEARN_DEFAULT_FEATURES == learn.DEFAULT_FEATURES


def test_mjs_learn_takes_the_codings_of_every_folder(tmp_path, codebook, capsys):
    from mjs_analysis.cli import main

    seg, cod = corpus(6)
    for name, tids in (("a", ["t00", "t01", "t02"]), ("b", ["t03", "t04", "t05"])):
        (tmp_path / name / "coding").mkdir(parents=True)
        rows = []
        for tid in tids:
            part = seg[seg.transcript_id == tid]
            (tmp_path / name / f"{tid}.txt").write_text(
                "".join(f"{r.speaker}: {r.text}\n" for r in part.itertuples()), encoding="utf-8")
            position = {turn: i for i, turn in enumerate(part.turn)}
            c = cod[cod.transcript_id == tid]
            rows.append(c.assign(turn=[position[u] for u in c.turn]))
        pd.concat(rows).to_csv(tmp_path / name / "coding" / "coders.csv", index=False)
    out = tmp_path / "s.csv"
    assert main(["learn", str(tmp_path / "a"), str(tmp_path / "b"), "--codebook", str(codebook.path),
                 "--folds", "3", "--output", str(out)]) == 0
    table = capsys.readouterr().err
    frustration = next(line for line in table.splitlines() if line.strip().startswith("frustratie"))
    assert frustration.split()[1:3] == ["18", "6"]  # 3 turns in each of 6 transcripts, from both folders


def test_groups_keep_whole_projects_apart_in_the_cross_validation(codebook):
    seg, cod = corpus(8)
    projects = {f"t{t:02d}": "p1" if t < 4 else "p2" for t in range(8)}
    learner = CodeLearner(codebook, n_splits=4, min_gain=0.0).fit(seg, cod, groups=projects)
    assert len(learner.cv_folds_) == 2  # two projects: two folds, each holding out one whole project
    for train, test in learner.cv_folds_:
        assert {projects[t] for t in train}.isdisjoint({projects[t] for t in test})
    assert learner.report_.set_index("code").at["frustratie", "n_transcripts"] == 8


def _write_folder(folder, seg, cod=None):
    """Transcripts as `.txt` files (turns numbered from 0 in file order) and their codings in coding/."""
    folder.mkdir(parents=True)
    rows = []
    for tid, part in seg.groupby("transcript_id"):
        (folder / f"{tid}.txt").write_text("".join(f"{r.speaker}: {r.text}\n" for r in part.itertuples()),
                                           encoding="utf-8")
        if cod is not None:
            position = {turn: i for i, turn in enumerate(part.turn)}
            c = cod[cod.transcript_id == tid]
            rows.append(c.assign(turn=[position[u] for u in c.turn]))
    if cod is not None:
        (folder / "coding").mkdir()
        pd.concat(rows).to_csv(folder / "coding" / "coders.csv", index=False)


def test_an_analysis_can_code_with_a_model_learned_from_other_folders(tmp_path, codebook):
    from mjs_analysis import load_corpus
    from mjs_analysis.analysis import analyse
    from mjs_analysis.errors import MjsError

    seg, cod = corpus(8)
    _write_folder(tmp_path / "teacher", seg, cod)
    target = seg[seg.transcript_id.isin(["t00", "t01"])].assign(transcript_id=lambda f: "n" + f.transcript_id)
    _write_folder(tmp_path / "nieuw", target)
    plain = analyse(tmp_path / "nieuw", codebook.path, cache=False)
    learned = analyse(tmp_path / "nieuw", codebook.path, cache=False, learn_from=[tmp_path / "teacher"])
    assert plain.learner is None and "regels van het codeboek" in plain.info["coder"]
    assert learned.learner is not None and "teacher" in learned.info["coder"] and str(tmp_path) not in learned.info["coder"]
    assert set(learned.tags.source) <= {"rules", "learned", "both"}
    # "weken gewacht" is frustration the rules miss; the learned model codes it, the whole turn as evidence.
    waiting = learned.tags[(learned.tags.code == "frustratie") & learned.tags.evidence.str.contains("gewacht")]
    assert len(waiting) == 4 and set(waiting.source) == {"learned"} and (waiting.probability > 0.5).all()
    transcripts = {t.transcript_id: t.text for t in load_corpus(tmp_path / "nieuw").transcripts}
    for r in waiting.itertuples():  # the evidence is where the offsets say, in the transcript's text
        assert transcripts[r.transcript_id][r.start_char:r.end_char] == r.evidence
    assert not (plain.tags.code == "frustratie").groupby(plain.tags.evidence.str.contains("gewacht")).sum().get(True, 0)
    # Every rule hit of a code the rules keep is still there, with its evidence sentence.
    money = learned.tags[learned.tags.code == "financiering"]
    assert len(money) >= len(plain.tags[plain.tags.code == "financiering"])
    with pytest.raises(MjsError, match="nothing to learn from"):
        analyse(tmp_path / "nieuw", codebook.path, cache=False, learn_from=[tmp_path / "nieuw"])


def test_the_corpus_itself_never_teaches_its_own_analysis(tmp_path, codebook):
    from mjs_analysis.analysis import analyse

    seg, cod = corpus(8)
    _write_folder(tmp_path / "all", seg, cod)  # holds the two transcripts of the corpus too
    _write_folder(tmp_path / "c", seg[seg.transcript_id.isin(["t00", "t01"])])
    a = analyse(tmp_path / "c", codebook.path, cache=False, learn_from=[tmp_path / "all"])
    assert any(n.startswith("2 transcripten van dit corpus zelf zijn niet gebruikt") for n in a.notes)
    assert a.learner.set_index("code").at["frustratie", "n_transcripts"] == 6


def test_a_misspelt_code_in_the_codings_is_named_not_dropped_silently(codebook):
    from mjs_analysis.errors import MjsWarning

    seg, cod = corpus(4)
    cod = pd.concat([cod, cod.head(2).assign(code="frustatie")])
    with pytest.warns(MjsWarning, match=r"frustatie \(2×\)"):
        CodeLearner(codebook, n_splits=2).fit(seg, cod)


def test_a_learned_code_points_at_the_sentence_its_model_scores_highest(fitted):
    learner, _ = fitted
    text = "De tuin is mooi geworden. We hebben weken gewacht, niemand belde. Iedereen kwam op het feest."
    new = pd.DataFrame({"transcript_id": ["n1", "n1"], "turn": [0, 1], "speaker": ["I", "R"],
                        "speaker_role": ["interviewer", "respondent"], "text": ["Hoe ging het?", text],
                        "start_char": [0, 20], "language": "nl"})
    ev = learner.evidence(new, pd.DataFrame({"transcript_id": ["n1"], "turn": [1], "code": ["frustratie"]}))
    row = ev.iloc[0]
    assert row.evidence == "We hebben weken gewacht, niemand belde." and row.sentence == 1
    assert text[row.start:row.end] == row.evidence

"""Topic models: seeds reproduce, NPMI/stability/diversity on known cases, k=auto finds a planted k."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mjs_analysis.cli import main
from mjs_analysis.topics import TopicError, fit_topics, make_documents, npmi, topic_diversity, topic_stability


def planted(k: int, n_docs: int = 240, seed: int = 0) -> list[list[str]]:
    """Documents each drawn from one of k disjoint vocabularies of 20 words."""
    rng = np.random.default_rng(seed)
    letters = "abcdefghijklmnopqrst"
    vocab = [[f"{letters[t]}{letters[w]}woord" for w in range(20)] for t in range(k)]  # first letter = topic
    return [list(rng.choice(vocab[i % k], size=15)) for i in range(n_docs)]


def test_npmi_hand_computed():
    # presence: d1 a b | d2 a b | d3 a c | d4 c
    X = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [0, 0, 1]])
    # NPMI(a,b) = ln(.5/(.75*.5)) / -ln(.5) = 0.41504;  NPMI(a,c) = ln(.25/(.75*.5)) / -ln(.25) = -0.29248;
    # b and c never co-occur: -1
    assert npmi(X, [[0, 1]])[0] == pytest.approx(0.41504, abs=1e-5)
    assert npmi(X, [[0, 1, 2]])[0] == pytest.approx((0.41504 - 0.29248 - 1) / 3, abs=1e-5)
    assert npmi(X * 3, [[0, 1]])[0] == pytest.approx(0.41504, abs=1e-5)  # counts count as presence


def test_diversity_and_stability_on_constructed_sets():
    assert topic_diversity([["a", "b"], ["c", "d"]]) == 1.0
    assert topic_diversity([["a", "b"], ["a", "c"]]) == 0.75
    same = [[{"a", "b"}, {"c", "d"}], [{"c", "d"}, {"a", "b"}]]
    assert topic_stability(same) == 1.0  # order of topics does not matter
    half = [[{"a", "b"}, {"c", "d"}], [{"a", "x"}, {"c", "y"}]]
    assert topic_stability(half) == pytest.approx(1 / 3)  # Jaccard({a,b},{a,x}) = 1/3 everywhere
    assert np.isnan(topic_stability([[{"a"}]]))


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_same_seed_same_topics(method):
    docs = planted(4, n_docs=80)
    a = fit_topics(docs, k=4, method=method, seed=3, seeds=(3,))
    b = fit_topics(docs, k=4, method=method, seed=3, seeds=(3,))
    assert a.to_dict() == b.to_dict()
    assert np.allclose(a.document_topics().filter(like="topic_").to_numpy(),
                       b.document_topics().filter(like="topic_").to_numpy())


def test_planted_topics_are_recovered_and_auto_finds_k():
    docs = planted(5)
    model = fit_topics(docs, k="auto", k_range=range(3, 9))
    assert model.k == 5
    assert list(model.selection.k) == list(range(3, 9))
    for terms in model.top_terms():  # each topic is one planted vocabulary
        assert len({t[0] for t in terms}) == 1
    assert model.diversity == 1.0 and model.stability == pytest.approx(1.0) and model.npmi > 0.5


def test_outputs_link_topics_to_documents_groups_quotes_and_codes():
    docs = planted(3, n_docs=60)
    meta = pd.DataFrame({"transcript_id": [f"t{i % 6}" for i in range(60)], "turn": range(60),
                         "neighbourhood": ["A", "B"] * 30, "text": [" ".join(d) for d in docs]})
    model = fit_topics(docs, meta, k=3)
    dt = model.document_topics()
    assert np.allclose(dt.filter(like="topic_").sum(axis=1), 1.0)
    prev = model.prevalence("neighbourhood", n_boot=50)
    assert set(prev.neighbourhood) == {"A", "B"} and (prev.low <= prev.prevalence).all() and (prev.prevalence <= prev.high).all()
    quotes = model.quotes(n=2)
    assert len(quotes) == 6 and {"transcript_id", "turn", "weight", "text"} <= set(quotes.columns)
    tags = pd.DataFrame({"transcript_id": ["t0", "t1"], "turn": [0, 1], "code": ["geld", "geld"]})
    table = model.code_table(tags)
    assert list(table.index) == ["geld"] and table.shape[1] == 3


def test_parameter_errors_and_too_small_corpus():
    with pytest.raises(ValueError, match="The 'k' parameter of fit_topics must be an int in \\[2, 100\\] or 'auto'. Got 0"):
        fit_topics(planted(3), k=0)
    with pytest.raises(ValueError, match="'method' parameter of fit_topics must be one of lda, nmf"):
        fit_topics(planted(3), k=3, method="plsa")
    with pytest.raises(TopicError, match="has 10 documents after filtering; k=8 needs at least 16"):
        fit_topics(planted(2, n_docs=10), k=8)


def test_make_documents_from_segments():
    seg = pd.DataFrame({
        "transcript_id": ["a", "a", "a", "b"], "turn": [0, 1, 2, 0],
        "speaker_role": ["interviewer", "respondent", "respondent", "respondent"],
        "neighbourhood": ["K", "K", "K", "H"],
        "text": ["Wat vond u van de subsidie?", "Eh, de subsidie [lacht] was te laat, zeg maar.",
                 "Ja.", "De speeltuin kwam er toch."],
    })
    docs, meta = make_documents(seg)
    assert docs == [["subsidie", "laat"], ["speeltuin"]]  # no fillers, marks, stop words or empty turns
    assert meta.turn.tolist() == [1, 0]
    docs, meta = make_documents(seg, unit="transcript")
    assert docs == [["subsidie", "laat"], ["speeltuin"]] and meta.transcript_id.tolist() == ["a", "b"]
    with pytest.raises(ValueError, match="'unit' parameter must be one of turn, chunk, transcript"):
        make_documents(seg, unit="zin")


def test_cli_topics_json_schema(tmp_path, write, capsys):
    docs = planted(3, n_docs=60)
    body = "\n".join(f"{'I' if i % 2 else 'R'}: {' '.join(d)}" for i, d in enumerate(docs))
    write("t1.txt", "---\nneighbourhood: K-buurt\nlanguage: nl\n---\n" + body + "\n")
    assert main(["topics", str(tmp_path), "--k", "3", "--seed", "0", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"method", "k", "seed", "npmi", "diversity", "stability", "topics", "notes"}
    assert (out["method"], out["k"], out["seed"]) == ("nmf", 3, 0)
    assert all(set(t) == {"id", "label", "terms", "weights"} and len(t["terms"]) == 10 for t in out["topics"])


def test_cli_too_small_corpus_is_one_line(tmp_path, write, capsys):
    write("t1.txt", "I: Hoe was het?\nR: Over geld en subsidie.\nI: En?\nR: Niets.\n")
    assert main(["topics", str(tmp_path), "--k", "8"]) == 1
    err = capsys.readouterr().err
    assert "documents after filtering; k=8 needs at least 16" in err and "Traceback" not in err
    assert main(["topics", str(tmp_path), "--k", "acht"]) == 1
    assert "--k must be a whole number or 'auto'" in capsys.readouterr().err


def test_figures(tmp_path):
    import matplotlib.figure

    from mjs_analysis import plots

    docs = planted(4, n_docs=80)
    meta = pd.DataFrame({"neighbourhood": ["A", "B"] * 40})
    model = fit_topics(docs, meta, k="auto", k_range=range(3, 6))
    figures = [plots.topic_terms(model), plots.k_selection(model.selection, model.k),
               plots.prevalence_heatmap(model.prevalence("neighbourhood", n_boot=20))]
    for i, fig in enumerate(figures):
        assert isinstance(fig, matplotlib.figure.Figure) and fig.axes
        fig.savefig(tmp_path / f"f{i}.png")
        assert (tmp_path / f"f{i}.png").stat().st_size > 1000
    assert figures[1].axes[0].get_xlabel() == "aantal topics (k)"
    assert figures[2].axes[0].get_title() == "Topics per buurt"


def test_rename_topics_from_yaml(tmp_path):
    model = fit_topics(planted(3, n_docs=60), k=3)
    path = tmp_path / "labels.yml"
    path.write_text("0: Geld en subsidie\n2: Samenwerken\n", encoding="utf-8")
    labels = model.rename(path).topics().label.tolist()
    assert labels[0] == "Geld en subsidie" and labels[2] == "Samenwerken" and " / " in labels[1]
    with pytest.raises(TopicError, match="do not exist: \\[7\\]"):
        model.rename({7: "x"})


def test_only_content_parts_of_speech_with_a_tagging_pipeline():
    import spacy

    from mjs_analysis.topics import content_lemmas

    nlp = spacy.blank("nl")
    ruler = nlp.add_pipe("attribute_ruler")
    nlp.initialize()  # (initialize would drop patterns added before it)
    ruler.add([[{"LOWER": "subsidie"}]], {"POS": "NOUN"})
    ruler.add([[{"LOWER": "snel"}]], {"POS": "ADV"})
    ruler.add([[{"LOWER": "kwam"}]], {"POS": "VERB"})
    nlp.meta["name"] = "test_tagged"
    assert content_lemmas(["De subsidie kwam snel"], nlp=nlp, cache=False) == [["subsidie"]]
    # "kwam" is a verb, but it is on the list of general spoken words; "snel" is an adverb


def test_make_documents_lemmatises_each_turn_in_its_language():
    seg = pd.DataFrame({
        "transcript_id": ["nl1", "en1"], "turn": [1, 1], "speaker_role": ["respondent", "respondent"],
        "language": ["nl", "en"], "text": ["De subsidies waren op.", "The councils were never listening."],
    })
    docs, meta = make_documents(seg)
    assert docs == [["subsidie"], ["council", "listen"]]
    assert meta.transcript_id.tolist() == ["nl1", "en1"]


# --------------------------------------------------------------------------- topics a reader can trust


def test_person_names_are_labels_and_capitalised_first_names_only():
    from mjs_analysis.topics import person_names

    texts = ["Ik sprak met Gloria over de tuin, en Gloria zei ja.", "Een roos is rood, zei Mark.",
             "De roos bloeit. Mark kwam later.", "Roos! Dat is een naam aan het begin van een zin."]
    names = person_names(texts, ["Tom", "Onderzoeker B", "Bewoner 2", "I", "Persoon 3"])
    assert {"gloria", "mark", "tom"} <= names
    assert "roos" not in names  # written in lower case mid-sentence: the flower
    assert not {"onderzoeker", "bewoner", "persoon"} & names  # role labels are not names


def test_no_names_pseudonyms_or_repeated_word_phrases_among_topic_terms():
    rows = []
    for i in range(40):
        theme = ["subsidie", "budget", "aanvraag", "formulier"] if i % 2 else ["speeltuin", "bankje", "groen", "plein"]
        text = (f"Gloria zei dat {' '.join(theme)} belangrijk is, met Persoon 3 erbij. "
                f"Geld geld geld, en {theme[i % 4]} {theme[(i + 1) % 4]} voor Gloria.")
        rows += [{"transcript_id": f"t{i % 4}", "turn": 2 * i, "speaker_role": "interviewer", "speaker": "I",
                  "text": "Vertel eens?"},
                 {"transcript_id": f"t{i % 4}", "turn": 2 * i + 1, "speaker_role": "respondent", "speaker": "Tom",
                  "text": text + " Tom lacht."}]
    docs, meta = make_documents(pd.DataFrame(rows), cache=False)
    model = fit_topics(docs, meta, k=2, min_df=2)
    terms = {t for topic in model.top_terms() for t in topic}
    assert not {"gloria", "tom", "persoon"} & terms
    assert not any(t.split("_")[0] == t.split("_")[-1] for t in model.terms_ if "_" in t)  # no geld_geld


def test_top_terms_break_ties_alphabetically():
    from mjs_analysis.topics import _top

    components = np.array([[0.5, 0.5, 0.5, 1.0], [1.0, 0.0, 0.0, 0.0]])
    assert _top(components, 3) == [[3, 0, 1], [0, 1, 2]]  # equal weights: lower column (A-Z term) first
    noisy = components + np.array([[0, 1e-12, 0, 0], [0, 0, 0, 0]])  # below WEIGHT_DECIMALS: still a tie
    assert _top(noisy, 3) == _top(components, 3)


def test_auto_on_a_small_corpus_takes_the_largest_k_that_fits_and_says_so():
    docs = planted(3, n_docs=7)  # 7 documents carry at most k = 3
    model = fit_topics(docs, k="auto", min_df=1)
    assert model.k == 3 and model.selection is None
    assert any("te klein voor 4 of meer topics" in n and "k = 3" in n for n in model.notes)


def test_an_unstable_k_gets_a_dutch_warning_with_the_stability_per_k():
    from mjs_analysis.topics import unstable_note

    curve = pd.DataFrame({"k": [4, 5, 6], "stability": [0.95, 0.62, 0.81]})
    note = unstable_note(5, 0.62, curve)
    assert "k = 5 is het topicmodel niet stabiel (stabiliteit 0,62" in note
    assert "k = 4: 0,95 · k = 5: 0,62 · k = 6: 0,81" in note and "Stabiel (≥ 0,80) zijn: k = 4, 6" in note

def test_fit_topics_attaches_the_warning_when_the_seeds_disagree(monkeypatch):
    import mjs_analysis.topics as topics

    monkeypatch.setattr(topics, "topic_stability", lambda runs: 0.5)  # as if every seed told another story
    model = fit_topics(planted(3, n_docs=90), k=3)
    assert model.stability == 0.5 < topics.STABLE
    assert any(n.startswith("Let op: met k = 3") and "Stabiliteit per k: k = 4: 0,50" in n for n in model.notes)
    monkeypatch.undo()
    assert fit_topics(planted(3, n_docs=90), k=3).notes == []  # planted topics are stable: no warning


def test_cli_small_corpus_advice_names_options_that_exist(tmp_path, write, capsys):
    body = "\n".join(f"{'I' if i % 2 else 'R'}: {' '.join(d)}" for i, d in enumerate(planted(2, n_docs=24)))
    write("t1.txt", "---\nneighbourhood: K-buurt\nlanguage: nl\n---\n" + body + "\n")
    assert main(["topics", str(tmp_path), "--k", "5", "--min-df", "50"]) == 1
    err = capsys.readouterr().err
    assert "lower min_df (mjs topics --min-df)" in err and "Traceback" not in err
    assert main(["topics", str(tmp_path), "--k", "2", "--min-df", "1", "--format", "json"]) == 0


def test_representative_quotes_are_substantive_and_ranked_with_a_tie_break():
    docs = planted(2, n_docs=40)
    texts = [" ".join(d) if i % 5 else d[0] for i, d in enumerate(docs)]  # every fifth turn is one word
    docs = [d if i % 5 else [d[0]] for i, d in enumerate(docs)]
    meta = pd.DataFrame({"transcript_id": [f"t{i // 10}" for i in range(40)], "turn": range(40), "text": texts})
    quotes = fit_topics(docs, meta, k=2).quotes(n=5)
    assert (quotes["text"].str.split().str.len() >= 12).all()
    for _, part in quotes.groupby("topic"):
        keys = list(zip(-part["weight"].round(6), -part["text"].str.split().str.len(), part["transcript_id"],
                        part["turn"]))
        assert keys == sorted(keys)

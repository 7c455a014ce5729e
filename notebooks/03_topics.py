# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · Topics
#
# Een topicmodel zoekt, zonder codeboek, naar groepen woorden die vaak samen voorkomen in de antwoorden van
# respondenten. Het is een tweede blik naast de codering: komen de thema's van het codeboek vanzelf naar
# boven, en is er iets dat het codeboek mist? Het model is NMF op tf-idf van inhoudswoorden (lemma's zonder
# stopwoorden, stopwoordjes als "eh" en "nou", en zonder namen van personen en pseudoniemen).

# %% tags=["parameters"]
corpus = "../corpus"
codebook = None
seed = 0
learn_from = None  # folders of coded transcripts to learn a classifier from (None: the rules alone)

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import HTML, Markdown, display

from mjs_analysis import plots, report
from mjs_analysis.analysis import analyse, provenance

A = analyse(corpus, codebook, seed=seed, learn_from=learn_from)
M = A.model
if M is not None:
    topics = M.topics()
    labels = dict(zip(topics["id"], topics["label"]))

# %% [markdown]
# ## In het kort

# %%
if M is None:
    display(Markdown("**Geen topicmodel:** " + " ".join(A.notes)))
else:
    lines = [f"- {M.k} topics uit {len(A.documents)} antwoorden (met inhoudswoorden) en {len(M.terms_)} termen.",
             f"- Coherentie (NPMI) {report.number(M.npmi, 3)}, stabiliteit over seeds {report.number(M.stability)}, "
             f"diversiteit {report.number(M.diversity)}.",
             "- De topics: " + "; ".join(f"*{r.label}*" for r in topics.itertuples()) + "."]
    lines += [f"- **{note}**" for note in M.notes]
    display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Hoeveel topics?
#
# Het aantal topics (k) is gekozen op twee maten: **coherentie** (NPMI: komen de topwoorden van een topic
# echt samen voor in dezelfde antwoorden?) en **stabiliteit** (geven andere seeds dezelfde topwoorden? Onder
# 0,8 vertelt een andere seed een ander verhaal). De diversiteit (aandeel unieke topwoorden) laat zien of
# topics elkaar herhalen. Bij gelijke score wint de kleinste k.

# %%
if M is not None and M.selection is not None:
    report.show(plots.k_selection(M.selection, chosen=M.k))
    display(report.table(M.selection, {"k": ("k", "int"), "npmi": ("coherentie (NPMI)", "num3"),
                                       "stability": ("stabiliteit", "num"), "diversity": ("diversiteit", "num"),
                                       "score": ("score", "num")}))
elif M is not None:
    display(Markdown(f"k is vast gekozen: k = {M.k}."))

# %% [markdown]
# ## De topics
#
# Per topic de woorden met het meeste gewicht (bij gelijk gewicht op alfabet). De naam van een topic is
# hier zijn drie topwoorden; een onderzoeker kan betere namen geven in een YAML-bestand
# (`TopicModel.rename`).

# %%
if M is not None:
    report.show(plots.topic_terms(M))
    display(report.table(topics, {"id": ("topic", "int"), "label": "naam", "npmi": ("NPMI", "num3"),
                                  "terms": ("termen", "list")}))

# %% [markdown]
# ## Topics per buurt en per rol
#
# Het gemiddelde gewicht van elk topic in de antwoorden van een buurt of rol; in de buurtrapporten staan de
# intervallen per buurt.

# %%
if M is not None:
    report.show(plots.prevalence_heatmap(M.prevalence("neighbourhood", seed=A.info["seed"]), "neighbourhood",
                                         labels=labels))

# %%
if M is not None:
    report.show(plots.prevalence_heatmap(M.prevalence("stakeholder", seed=A.info["seed"]), "stakeholder",
                                         labels=labels))

# %% [markdown]
# ## Topics en codes
#
# Het gemiddelde topicgewicht van de antwoorden met een bepaalde code. Een hoge waarde betekent dat het
# topic en de code over hetzelfde gaan; een code die in geen enkel topic opvalt, wordt door de woorden
# alleen niet gedragen.

# %%
if M is not None:
    table = M.code_table(A.tags).round(6).rename(index=A.label, columns=lambda c: labels[int(c.split("_")[1])])
    styled = table.style.set_uuid("topics-codes").background_gradient(cmap="Blues", axis=None).format(
        lambda x: report.number(x))
    display(HTML(styled.to_html()))

# %%
if M is not None:
    best = table.idxmax(axis=1)  # a tie goes to the first topic
    display(Markdown("\n".join(f"- **{code}** ligt het dichtst bij topic *{topic}*" for code, topic in best.items())))

# %% [markdown]
# ## Voorbeeldcitaten per topic
#
# Per topic de drie antwoorden met het hoogste gewicht, alleen antwoorden van minstens twaalf woorden (een
# antwoord van één woord weegt altijd zwaar en zegt weinig). Bij gelijk gewicht gaat het langere antwoord
# voor, daarna transcript en beurt.

# %%
if M is not None:
    quotes = M.quotes(n=3)
    quotes["naam"] = quotes["topic"].map(labels)
    display(report.table(quotes, {"topic": ("topic", "int"), "naam": "naam", "weight": ("gewicht", "num3"),
                                  "transcript_id": "transcript", "turn": ("beurt", "int"), "speaker": "spreker",
                                  "neighbourhood": "buurt", "timestamp": ("tijd", "clock"),
                                  "text": ("antwoord", "excerpt")}))

# %% [markdown]
# ## Herkomst

# %%
provenance(A)

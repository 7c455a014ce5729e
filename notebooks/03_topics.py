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
# Een topicmodel zoekt, zonder codeboek, naar groepen woorden die vaak samen voorkomen in de beurten van
# respondenten. Het is een tweede blik naast de codering: komen de thema's van het codeboek vanzelf naar
# boven, en is er iets dat het codeboek mist? Het model is NMF op tf-idf van inhoudswoorden (lemma's zonder
# stopwoorden, stopwoordjes als "eh" en "nou", en namen van sprekers).

# %% tags=["parameters"]
corpus = "../corpus"
codebook = None
seed = 0

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import HTML, Markdown, display

from mjs_analysis import plots
from mjs_analysis.analysis import analyse, provenance

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", 160)
A = analyse(corpus, codebook, seed=seed)
provenance(A)

# %%
M = A.model
if M is None:
    display(Markdown("**Geen topicmodel:** " + " ".join(A.notes)))
else:
    display(Markdown(f"{len(A.documents)} documenten (respondentbeurten met inhoudswoorden), "
                     f"{len(M.terms_)} termen in de woordenlijst."))

# %% [markdown]
# ## Hoeveel topics?
#
# Het aantal topics (k) is gekozen op twee maten: **coherentie** (NPMI: komen de topwoorden van een topic
# echt samen voor in dezelfde beurten?) en **stabiliteit** (geven andere seeds dezelfde topwoorden?). De
# diversiteit (aandeel unieke topwoorden) laat zien of topics elkaar herhalen.

# %%
if M is not None and M.selection is not None:
    display(plots.k_selection(M.selection, chosen=M.k))

# %%
if M is not None:
    display(Markdown(f"Gekozen: **k = {M.k}**; coherentie (NPMI) {M.npmi:.3f}, stabiliteit {M.stability:.2f}, "
                     f"diversiteit {M.diversity:.2f}."))
    display(M.selection if M.selection is not None else Markdown("k is vast gekozen."))

# %% [markdown]
# ## De topics
#
# Per topic de woorden met het meeste gewicht. De naam van een topic is hier zijn drie topwoorden; een
# onderzoeker kan betere namen geven in een YAML-bestand (`TopicModel.rename`).

# %%
if M is not None:
    display(plots.topic_terms(M))

# %%
if M is not None:
    display(M.topics()[["id", "label", "npmi", "terms"]])

# %% [markdown]
# ## Topics per buurt en per rol
#
# Het gemiddelde gewicht van elk topic in de beurten van een buurt of rol; in `04_buurt` staan de
# intervallen per buurt.

# %%
if M is not None:
    labels = dict(zip(M.topics()["id"], M.topics()["label"]))
    display(plots.prevalence_heatmap(M.prevalence("neighbourhood", seed=A.info["seed"]), "neighbourhood", labels=labels))

# %%
if M is not None:
    display(plots.prevalence_heatmap(M.prevalence("stakeholder", seed=A.info["seed"]), "stakeholder", labels=labels))

# %% [markdown]
# ## Topics en codes
#
# Het gemiddelde topicgewicht van de beurten met een bepaalde code. Een hoge waarde betekent dat het topic
# en de code over hetzelfde gaan; een code die in geen enkel topic opvalt, wordt door de woorden alleen niet
# gedragen.

# %%
if M is not None:
    table = M.code_table(A.tags).rename(index=A.label, columns=lambda c: labels[int(c.split("_")[1])])
    styled = table.style.set_uuid("topics-codes").background_gradient(cmap="Blues", axis=None).format("{:.2f}")
    display(HTML(styled.to_html()))

# %%
if M is not None:
    best = table.idxmax(axis=1)
    display(Markdown("\n".join(f"- **{code}** ligt het dichtst bij topic *{topic}*" for code, topic in best.items())))

# %% [markdown]
# ## Voorbeeldcitaten per topic
#
# De drie beurten met het hoogste gewicht per topic, met transcript, spreker, beurt en tijdstip.

# %%
if M is not None:
    quotes = M.quotes(n=3)
    display(quotes[["topic", "weight", "transcript_id", "turn", "speaker", "neighbourhood", "timestamp", "text"]])

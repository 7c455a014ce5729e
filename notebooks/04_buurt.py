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
# # 04 · Buurtrapport
#
# Dit notebook draait één keer per buurt (`mjs run` vult de parameter `neighbourhood` in). Het geeft het
# profiel van de buurt, de thema's vergeleken met de rest van de stad, de topics, de kenmerkende woorden,
# de belangrijkste citaten per thema en een korte samenvatting die uit de getallen is afgeleid.

# %% tags=["parameters"]
corpus = "../corpus"
codebook = None
seed = 0
neighbourhood = "K-buurt"

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Markdown, display

from mjs_analysis import compare, plots
from mjs_analysis.analysis import analyse, provenance

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", 200)
A = analyse(corpus, codebook, seed=seed)
provenance(A)

# %%
if neighbourhood not in A.neighbourhoods:
    raise ValueError(f"buurt {neighbourhood!r} komt niet voor in het corpus; kies uit {A.neighbourhoods}")
mine = A.units[A.units["neighbourhood"] == neighbourhood]
meta = A.metadata[A.metadata["neighbourhood"] == neighbourhood]
display(Markdown(f"# {neighbourhood}"))

# %% [markdown]
# ## Profiel
#
# De gesprekken in deze buurt: wie, wanneer, in welke vorm en hoe lang.

# %%
meta[["transcript_id", "district", "date", "respondent_role", "setting", "n_turns", "n_words"]].reset_index(drop=True)

# %%
lines = [f"- {len(meta)} transcript(en), {len(mine)} respondentbeurten, {int(mine['n_words'].sum())} woorden van "
         f"respondenten ({mine['speaker'].nunique()} sprekers).",
         "- Rollen: " + ", ".join(f"{r} ({n} beurten)" for r, n in mine["stakeholder"].value_counts().sort_index().items()) + "."]
if len(meta) < 2:
    lines.append("- **Let op:** één transcript. Alles hieronder beschrijft één gesprek; toetsen tegen de rest van "
                 "de stad zijn bij zo weinig gegevens niet zinvol en worden als 'te weinig gegevens' gemeld.")
display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Thema's: deze buurt tegen de rest van de stad
#
# Het aandeel respondentbeurten met elke code, hier en in alle andere buurten samen, met 95%-intervallen.
# Een sterretje betekent dat het verschil de toets doorstaat (chi-kwadraat of permutatietoets, gecorrigeerd
# voor het aantal codes met Benjamini–Hochberg). Zonder sterretje kan het verschil toeval zijn.

# %%
versus = compare.group_versus_rest(A.tags, A.units, A.codes, "neighbourhood", neighbourhood, seed=seed)
display(plots.group_versus_rest(versus, neighbourhood, labels=A.labels))

# %%
versus.assign(label=versus["code"].map(A.label))[
    ["code", "label", "count_group", "share_group", "share_rest", "test", "p_adjusted", "cramers_v", "verdict"]]

# %% [markdown]
# ## Topics in deze buurt
#
# Het gemiddelde gewicht van elk topic in de beurten van deze buurt, met een bootstrap-interval, naast het
# gemiddelde van de hele stad.

# %%
M = A.model
if M is None:
    display(Markdown("Geen topicmodel voor dit corpus: " + " ".join(A.notes)))
else:
    prev = M.prevalence("neighbourhood", seed=seed)
    city = M.document_topics()[[f"topic_{t}" for t in range(M.k)]].mean().to_numpy()
    here = prev[prev["neighbourhood"] == neighbourhood].copy()
    here["stad"] = city[here["topic"].to_numpy()]
    here["label"] = here["topic"].map(dict(zip(M.topics()["id"], M.topics()["label"])))
    display(here[["topic", "label", "prevalence", "low", "high", "stad", "n_docs"]].sort_values("prevalence", ascending=False)
            .reset_index(drop=True))

# %% [markdown]
# ## Kenmerkende woorden
#
# Woorden die in deze buurt veel vaker vallen dan elders (gewogen log-odds met een informatieve prior,
# Monroe e.a. 2008). Een z-score boven 2 is meer dan toeval. Namen van sprekers zijn weggelaten.

# %%
groups = A.documents_meta["neighbourhood"].tolist()
words = compare.distinctive_words(A.documents, groups, top=15)
if (words["group"] == neighbourhood).any():
    display(plots.distinctive_words_chart(words, neighbourhood, n=12))
else:
    display(Markdown("Te weinig tekst voor kenmerkende woorden."))

# %% [markdown]
# ## Citaten per thema
#
# Per code de sterkste citaten uit deze buurt (de meeste treffers van de regels eerst), elk herleidbaar tot
# transcript, spreker, beurt en tijdstip. De kolom `evidence` is de zin die de code droeg.

# %%
quotes = compare.key_quotes(A.tags, mine, n=2)
if quotes.empty:
    display(Markdown("Geen gecodeerde beurten in deze buurt, dus geen citaten."))
for code, part in quotes.groupby("code", sort=False):
    display(Markdown(f"### {A.label(code)}"))
    display(Markdown("\n".join(
        f"> {' '.join(row.evidence.split())}\n>\n> — *{row.speaker}* ({row.stakeholder}), `{row.transcript_id}` beurt {row.turn}"
        + (f", {int(row.timestamp // 60)}:{int(row.timestamp % 60):02d}" if row.timestamp == row.timestamp else "")
        + "\n" for row in part.itertuples())))

# %% [markdown]
# ## Bevindingen
#
# Automatisch uit de getallen hierboven afgeleid; de onderzoeker leest ze als startpunt, niet als conclusie.

# %%
display(Markdown("\n".join(compare.findings(versus, neighbourhood, A.labels))))

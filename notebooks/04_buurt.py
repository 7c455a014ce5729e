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
# Eén rapport per buurt: eerst de bevindingen, daarna het profiel van de buurt, de thema's vergeleken met
# de rest van de stad, de topics, de kenmerkende woorden en de belangrijkste citaten per thema. De
# bevindingen zijn uit de getallen afgeleid; lees ze als startpunt, niet als conclusie.

# %% tags=["parameters"]
corpus = "../corpus"
codebook = None
seed = 0
learn_from = None  # folders of coded transcripts to learn a classifier from (None: the rules alone)
neighbourhood = None

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Markdown, display

from mjs_analysis import compare, plots, report, summary
from mjs_analysis.analysis import analyse, provenance

A = analyse(corpus, codebook, seed=seed, learn_from=learn_from)
if neighbourhood is None:  # run by hand: the first neighbourhood
    neighbourhood = A.neighbourhoods[0]
if neighbourhood not in A.neighbourhoods:
    raise ValueError(f"buurt {neighbourhood!r} komt niet voor in het corpus; kies uit {A.neighbourhoods}")
mine = A.units[A.units["neighbourhood"] == neighbourhood]
meta = A.metadata[A.metadata["neighbourhood"] == neighbourhood]
versus = compare.group_versus_rest(A.tags, A.units, A.codes, "neighbourhood", neighbourhood, seed=seed)
per_code = summary.code_reliability(A, seed=seed)  # alpha per code against the manual codings

# %%
display(Markdown(f"# {neighbourhood}\n\n" + " ".join(summary.neighbourhood(A, neighbourhood, seed=seed,
                                                                           versus=versus, reliability=per_code))))

# %% [markdown]
# ## Bevindingen

# %%
display(Markdown("\n".join(compare.findings(versus, neighbourhood, A.labels, reliability=per_code))))

# %% [markdown]
# Hoe betrouwbaar is de automatische codering per thema? Krippendorffs alfa tegen de handmatige coderingen
# (met 95%-bootstrapinterval over transcripten), precisie en recall. Onder 0,67 (of niet gemeten) heet een
# bevinding hierboven onzeker.

# %%
report.table(per_code.assign(label=per_code["code"].map(A.label)),
             {"label": "code", "alpha": ("alfa", "num"), "alpha_low": ("alfa laag", "num"),
              "alpha_high": ("alfa hoog", "num"), "precision": ("precisie", "num"), "recall": ("recall", "num")})

# %% [markdown]
# ## Profiel
#
# De gesprekken in deze buurt: wie, wanneer, in welke vorm en hoe lang.

# %%
report.table(meta, {"transcript_id": "transcript", "date": "datum", "respondent_role": "rol", "setting": "vorm",
                    "n_turns": ("beurten", "int"), "n_words": ("woorden", "int")})

# %%
lines = [f"- {len(meta)} transcript(en), {len(mine)} antwoorden, {int(mine['n_words'].sum())} woorden van "
         f"respondenten ({mine['speaker'].nunique()} sprekers).",
         "- Rollen: " + ", ".join(f"{r} ({n} antwoorden)" for r, n in mine["stakeholder"].value_counts().sort_index().items()) + "."]
if len(meta) < 2:
    lines.append("- **Let op:** één transcript. Alles hieronder beschrijft één gesprek; toetsen tegen de rest van "
                 "de stad zijn bij zo weinig gegevens niet zinvol en worden als 'te weinig gegevens' gemeld.")
display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Thema's: deze buurt tegen de rest van de stad
#
# Het aandeel antwoorden met elke code, hier en in alle andere buurten samen, met 95%-intervallen. Een
# sterretje betekent dat het verschil de toets doorstaat (chi-kwadraat of permutatietoets, gecorrigeerd
# voor het aantal codes met Benjamini–Hochberg). Zonder sterretje kan het verschil toeval zijn.

# %%
report.show(plots.group_versus_rest(versus, neighbourhood, labels=A.labels))

# %%
shown = versus.assign(
    label=versus["code"].map(A.label),
    here=[report.pct_interval(*v) for v in zip(versus["share_group"], versus["low_group"], versus["high_group"])],
    rest=[report.pct_interval(*v) for v in zip(versus["share_rest"], versus["low_rest"], versus["high_rest"])])
report.table(shown, {"label": "code", "count_group": ("antwoorden hier", "int"), "here": "aandeel hier (95%-interval)",
                     "rest": "aandeel elders (95%-interval)", "test": ("toets", "test"),
                     "p_adjusted": ("p na correctie", "p"), "cramers_v": ("Cramérs V", "num"),
                     "verdict": ("oordeel", "verdict")})

# %% [markdown]
# ## Topics in deze buurt
#
# Het gemiddelde gewicht van elk topic in de antwoorden van deze buurt, met een bootstrap-interval, naast
# het gemiddelde van de hele stad.

# %%
M = A.model
if M is None:
    display(Markdown("Geen topicmodel voor dit corpus: " + " ".join(A.notes)))
else:
    prev = M.prevalence("neighbourhood", seed=seed)
    city = M.document_topics()[[f"topic_{t}" for t in range(M.k)]].mean().to_numpy()
    here = prev[prev["neighbourhood"] == neighbourhood].copy()
    here["city"] = city[here["topic"].to_numpy()]
    here["label"] = here["topic"].map(dict(zip(M.topics()["id"], M.topics()["label"])))
    here = compare._ranked(here, [("prevalence", False), ("topic", True)])
    display(report.table(here, {"topic": ("topic", "int"), "label": "naam", "prevalence": ("gewicht hier", "num3"),
                                "low": ("interval van", "num3"), "high": ("tot", "num3"),
                                "city": ("hele stad", "num3"), "n_docs": ("antwoorden", "int")}))

# %% [markdown]
# ## Kenmerkende woorden
#
# Woorden die in deze buurt vaker vallen dan elders (gewogen log-odds met een informatieve prior, Monroe
# e.a. 2008). Alleen woorden met een positieve z-score staan erin; boven 2 is het meer dan toeval. Namen van
# personen zijn weggelaten. Bij gelijke z-score gaat het vaker gebruikte woord voor, daarna het alfabet.

# %%
groups = A.documents_meta["neighbourhood"].tolist()
words = compare.distinctive_words(A.documents, groups, top=None)
own = words[(words["group"] == neighbourhood) & (words["z"] > 0)]
if len(own):
    report.show(plots.distinctive_words_chart(own, neighbourhood, n=12))
else:
    display(Markdown("Geen woord valt in deze buurt vaker dan elders; te weinig tekst voor kenmerkende woorden."))

# %% [markdown]
# ## Citaten per thema
#
# Per code de sterkste citaten uit deze buurt (de meeste treffers van de regels eerst), elk herleidbaar tot
# transcript, spreker, beurt en tijdstip. Een kort antwoord staat bij de vraag die het beantwoordt.

# %%
quotes = compare.key_quotes(A.tags, mine, n=2, segments=A.segments)
if quotes.empty:
    display(Markdown("Geen gecodeerde antwoorden in deze buurt, dus geen citaten."))
else:
    display(Markdown(report.quotes_markdown(quotes, A.label)))

# %% [markdown]
# ## Herkomst

# %%
provenance(A)

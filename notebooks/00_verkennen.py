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
# # 00 · Verkennen, coderen en beoordelen
#
# Een werkblad voor onderzoekers in JupyterLab: filter de beurten op buurt, rol, spreker en code, zoek een
# woord in zijn context (keyword in context), lees een beurt met de beurten ervoor en erna, en codeer hem:
# keur de automatische codes goed of af en voeg zelf codes toe. Dit notebook is bedoeld om interactief te
# gebruiken (`make lab`); `mjs run` neemt het niet op in de rapporten, omdat de knoppen in een statische
# HTML-pagina niet werken.

# %% tags=["parameters"]
corpus = "../corpus"
codebook = None
seed = 0
learn_from = None  # folders of coded transcripts to learn a classifier from (None: the rules alone)
zoekterm = "vertrouw"

# %%
# %matplotlib inline
import pandas as pd

from mjs_analysis.analysis import analyse, provenance
from mjs_analysis.explore import context, explorer, filter_turns, kwic

pd.set_option("display.max_colwidth", 200)
A = analyse(corpus, codebook, seed=seed, learn_from=learn_from)
print("Codeboek:", A.info["codebook_origin"])
provenance(A)

# %% [markdown]
# ## Het verkenpaneel
#
# Kies filters (de lijsten met rollen, sprekers en codes passen zich aan de gekozen buurt aan) en typ een
# zoekterm: een woord of het begin ervan (`vertrouw` vindt ook *vertrouwen* en *vertrouwd*). Kies daarna
# een beurt om hem in zijn gesprek te lezen. Codes staan er met hun naam; houd de muis erboven voor de id.
#
# **Coderen en beoordelen.** Vul bij *Codeur* uw naam in (Enter). Bij de gekozen beurt ziet u de
# automatische codes met hun bewijs en de regel die ze gaf: *Klopt* of *Klopt niet*. Voeg zelf een code toe
# (de definitie staat eronder), of kies *Geen code van toepassing*, en schrijf zo nodig een korte notitie.
# Elke beslissing wordt meteen opgeslagen in `coding/<uw naam>.csv` in de corpusmap (de vorm die
# `mjs agreement` leest); *Laatste beslissing ongedaan maken* neemt de laatste terug. *Volgende* stelt
# beurten voor die nog niet beoordeeld zijn: eerst die de tagger alleen op zwakke aanwijzingen of via een
# ontkenning codeerde, dan die met codes waarvan nog weinig voorbeelden beoordeeld zijn. Na `mjs run` staat
# de overeenstemming tussen uw beoordeling en de tagger in `02_codering`.

# %%
explorer(A, corpus=corpus)

# %% [markdown]
# ## Dezelfde functies zonder knoppen
#
# Alles wat het paneel doet kan ook in code, zodat een verkenning herhaalbaar in een notebook kan blijven
# staan. Bijvoorbeeld: waar valt de zoekterm bij bewoners?

# %%
bewoners = filter_turns(A.units, A.tags, stakeholder="bewoner")
hits = kwic(bewoners, zoekterm, window=50)
print(f"{len(hits)} treffers voor {zoekterm!r} in {len(bewoners)} beurten van bewoners")
hits.head(10)

# %%
if len(hits):
    first = hits.iloc[0]
    display(context(A.segments, first["transcript_id"], int(first["turn"]), before=1, after=1))

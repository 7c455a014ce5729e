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
# # 00 · Verkennen
#
# Een werkblad voor onderzoekers in JupyterLab: filter de beurten op buurt, rol, spreker en code, zoek een
# woord in zijn context (keyword in context) en lees de volledige beurt met de beurten ervoor en erna.
# Dit notebook is bedoeld om interactief te gebruiken (`make lab`); `mjs run` neemt het niet op in de
# rapporten, omdat de knoppen in een statische HTML-pagina niet werken.

# %% tags=["parameters"]
corpus = "../corpus"
codebook = None
seed = 0
zoekterm = "vertrouw"

# %%
# %matplotlib inline
import pandas as pd

from mjs_analysis.analysis import analyse, provenance
from mjs_analysis.explore import context, explorer, filter_turns, kwic

pd.set_option("display.max_colwidth", 200)
A = analyse(corpus, codebook, seed=seed)
provenance(A)

# %% [markdown]
# ## Het verkenpaneel
#
# Kies filters en typ een zoekterm (een woord of het begin ervan: `vertrouw` vindt ook *vertrouwen* en
# *vertrouwd*). Kies daarna een beurt om hem in zijn gesprek te lezen.

# %%
explorer(A.segments, A.tags)

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

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
# # 01 · Corpusoverzicht
#
# Wat zit er in het corpus? Per buurt en per rol: hoeveel transcripten, beurten en woorden, in welke
# bestandsformaten en talen, en welke controles de inleesstap meldde. Dit notebook is het startpunt voor
# elke lezer: de cijfers in de andere notebooks zijn alleen zo goed als wat hier binnenkomt.
#
# De eerste uitvoer is de **herkomst**: pakketversies, de gebruikte spaCy-pijplijn, de vingerafdruk (hash)
# van het corpus en de seed. Twee rapporten met dezelfde herkomst horen dezelfde getallen te tonen.

# %% tags=["parameters"]
corpus = "../corpus"
codebook = None
seed = 0

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Markdown, display

from mjs_analysis import plots
from mjs_analysis.analysis import analyse, provenance

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", 120)
A = analyse(corpus, codebook, seed=seed)
provenance(A)

# %% [markdown]
# ## Transcripten per buurt
#
# Eén rij per buurt: het aantal transcripten (interviews en groepsgesprekken), beurten en woorden. Alleen
# de woorden van respondenten worden gecodeerd; de woorden van interviewers tellen hier apart.

# %%
seg = A.segments.assign(respondent=A.segments["speaker_role"] != "interviewer")
per_buurt = seg.groupby("neighbourhood").agg(
    stadsdeel=("district", "first"),
    transcripten=("transcript_id", "nunique"),
    beurten=("turn", "size"),
    respondentbeurten=("respondent", "sum"),
    woorden=("n_words", "sum"),
)
per_buurt["woorden_respondent"] = seg[seg["respondent"]].groupby("neighbourhood")["n_words"].sum()
per_buurt["aandeel_respondent"] = per_buurt["woorden_respondent"] / per_buurt["woorden"]
per_buurt

# %%
few = per_buurt[per_buurt["transcripten"] < 2].index.tolist()
if few:
    display(Markdown(
        "**Let op:** " + ", ".join(few) + " heeft maar één transcript. Cijfers voor die buurt zeggen iets over "
        "één gesprek, niet over de buurt; toetsen geven daar 'te weinig gegevens'."))
else:
    display(Markdown(f"Elke buurt heeft minstens twee transcripten (minimum: {per_buurt['transcripten'].min()})."))

# %% [markdown]
# ## Rollen: wie spreekt er?
#
# De rol komt uit de metadata van het transcript (`respondent_role`) of, in groepsgesprekken, per spreker
# uit `speakers.csv`. Vergelijkingen tussen bewoners, initiatiefnemers en ambtenaren steunen op deze tabel.

# %%
units = A.units
rollen = pd.crosstab(units["neighbourhood"], units["stakeholder"], margins=True, margins_name="totaal")
rollen

# %%
woorden_rol = units.groupby("stakeholder")["n_words"].sum()
display(plots.counts(woorden_rol, "Gesproken woorden per rol", "woorden van respondenten"))

# %% [markdown]
# ## Bestanden, talen en metadata
#
# Eén rij per transcript. De kolom `pseudonymised` moet overal `True` zijn voordat citaten in een rapport
# mogen verschijnen (zie de privacyworkflow in de README).

# %%
A.metadata[["transcript_id", "neighbourhood", "respondent_role", "setting", "language", "format",
            "pseudonymised", "n_turns", "n_words"]]

# %%
talen = A.metadata["language"].value_counts()
if len(talen) > 1:
    display(Markdown(
        "Het corpus bevat transcripten in meer dan één taal (" + ", ".join(f"{k}: {v}" for k, v in talen.items())
        + "). Elke beurt wordt in de taal van zijn transcript verwerkt; de codeerregels zijn in de eerste plaats "
        "voor het Nederlands geschreven, dus codes in andere talen zijn minder betrouwbaar."))
else:
    display(Markdown(f"Alle transcripten zijn in dezelfde taal ({talen.index[0]})."))

# %% [markdown]
# ## Controles bij het inlezen
#
# Fouten houden een transcript buiten de analyse (dan stopt `mjs run` al eerder met een melding);
# waarschuwingen niet. Hieronder staan alle waarschuwingen, één per regel, met bestand en regelnummer.

# %%
if A.problems:
    display(pd.DataFrame({"melding": [str(p) for p in A.problems]}))
else:
    display(Markdown("Geen waarschuwingen: elk bestand is zonder opmerkingen ingelezen."))

# %%
leeg = A.units[A.units["n_words"] == 0]
display(Markdown(
    f"**Volledigheid:** {len(A.segments)} beurten, waarvan {len(A.units)} van respondenten; "
    f"{len(leeg)} respondentbeurten zonder woorden. Alle {int(A.segments['n_words'].sum())} gesproken woorden "
    "zitten in de segmenttabel."))

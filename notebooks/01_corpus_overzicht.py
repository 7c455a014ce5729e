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
# Wat zit er in het corpus? Per buurt en per rol: hoeveel gesprekken, beurten en woorden, in welke
# bestandsformaten en talen, en welke controles de inleesstap meldde. De cijfers in de andere rapporten
# zijn alleen zo goed als wat hier binnenkomt. Onderaan staat de herkomst: met dezelfde herkomst geeft een
# nieuwe run dezelfde getallen.

# %% tags=["parameters"]
corpus = "../corpus"
codebook = None
seed = 0
learn_from = None  # folders of coded transcripts to learn a classifier from (None: the rules alone)

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Markdown, display

from mjs_analysis import plots, report
from mjs_analysis.analysis import analyse, provenance

A = analyse(corpus, codebook, seed=seed, learn_from=learn_from)
seg = A.segments.assign(respondent=A.segments.set_index(["transcript_id", "turn"]).index.isin(
    A.units.set_index(["transcript_id", "turn"]).index))  # the turns that are coded
units = A.units

# %% [markdown]
# ## In het kort

# %%
roles = units.groupby("stakeholder")["turn"].size().sort_index()
display(Markdown("\n".join([
    f"- **{len(A.metadata)} transcripten** uit **{len(A.neighbourhoods)} buurten**: {', '.join(A.neighbourhoods)}.",
    f"- {len(seg)} beurten, waarvan {len(units)} van respondenten; {int(seg['n_words'].sum()):,} gesproken woorden."
    .replace(",", "."),
    "- Antwoorden per rol: " + ", ".join(f"{r} {n}" for r, n in roles.items()) + ".",
    f"- {len(A.problems)} waarschuwing(en) bij het inlezen" + (" (zie onderaan)." if A.problems else "."),
])))

# %% [markdown]
# ## Transcripten per buurt
#
# Eén rij per buurt: het aantal transcripten (interviews en groepsgesprekken), beurten en woorden. Alleen
# de woorden van respondenten worden gecodeerd; de woorden van interviewers tellen hier apart.

# %%
per_buurt = seg.groupby("neighbourhood").agg(
    district=("district", "first"), transcripts=("transcript_id", "nunique"), turns=("turn", "size"),
    respondent_turns=("respondent", "sum"), words=("n_words", "sum"))
per_buurt["respondent_words"] = seg[seg["respondent"]].groupby("neighbourhood")["n_words"].sum()
per_buurt["respondent_share"] = per_buurt["respondent_words"] / per_buurt["words"]
report.table(per_buurt, {"neighbourhood": "buurt", "district": "stadsdeel", "transcripts": ("transcripten", "int"),
                         "turns": ("beurten", "int"), "respondent_turns": ("antwoorden", "int"),
                         "words": ("woorden", "int"), "respondent_share": ("aandeel woorden respondent", "pct")},
             index=True)

# %%
few = per_buurt[per_buurt["transcripts"] < 2].index.tolist()
if few:
    display(Markdown(
        "**Let op:** " + ", ".join(few) + " heeft maar één transcript. Cijfers voor die buurt zeggen iets over "
        "één gesprek, niet over de buurt; toetsen geven daar 'te weinig gegevens'."))
else:
    display(Markdown(f"Elke buurt heeft minstens twee transcripten (minimum: {per_buurt['transcripts'].min()})."))

# %% [markdown]
# ## Rollen: wie spreekt er?
#
# De rol komt uit de metadata van het transcript (`respondent_role`) of, in groepsgesprekken, per spreker
# uit `speakers.csv`. Vergelijkingen tussen bewoners, initiatiefnemers en ambtenaren steunen op deze tabel
# (aantal antwoorden per buurt en rol).

# %%
rollen = pd.crosstab(units["neighbourhood"], units["stakeholder"], margins=True, margins_name="totaal")
rollen.index.name, rollen.columns.name = "buurt", None
report.table(rollen, {"buurt": "buurt", **{c: (c, "int") for c in rollen.columns}}, index=True)

# %%
report.show(plots.counts(units.groupby("stakeholder")["n_words"].sum(), "Gesproken woorden per rol",
                         "woorden van respondenten"))

# %% [markdown]
# ## Bestanden, talen en metadata
#
# Eén rij per transcript. "Gepseudonimiseerd" moet overal "ja" zijn voordat citaten in een rapport mogen
# verschijnen (zie de privacyworkflow in de README).

# %%
report.table(A.metadata, {"transcript_id": "transcript", "neighbourhood": "buurt", "respondent_role": "rol",
                          "setting": "vorm", "language": "taal", "format": "formaat",
                          "pseudonymised": ("gepseudonimiseerd", "yesno"), "n_turns": ("beurten", "int"),
                          "n_words": ("woorden", "int")})

# %%
talen = A.metadata["language"].value_counts().sort_index()
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
    display(report.table(pd.DataFrame({"melding": [str(p) for p in A.problems]}), {"melding": "melding"}))
else:
    display(Markdown("Geen waarschuwingen: elk bestand is zonder opmerkingen ingelezen."))

# %%
leeg = units[units["n_words"] == 0]
display(Markdown(
    f"**Volledigheid:** {len(A.segments)} beurten, waarvan {len(units)} van respondenten; "
    f"{len(leeg)} antwoorden zonder woorden. Alle {int(A.segments['n_words'].sum())} gesproken woorden "
    "zitten in de segmenttabel."))

# %% [markdown]
# ## Herkomst
#
# Waar de getallen vandaan komen: het corpus (met zijn vingerafdruk), het codeboek, de seed, de
# spaCy-pijplijn en de versies van de pakketten.

# %%
provenance(A)

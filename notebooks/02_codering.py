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
# # 02 · Codering en betrouwbaarheid
#
# Elke respondentbeurt wordt automatisch gecodeerd met het codeboek: een lijst thema's (vertrouwen,
# co-creatie, eigenaarschap, ...) met per thema zoekregels op lemma's, woordgroepen en patronen, en wat een
# ontkenning doet ("ik heb er geen vertrouwen meer in" is wantrouwen, geen vertrouwen). Dit rapport laat
# zien wat de codering opleverde, hoe goed ze overeenkomt met handmatige codeurs, hoe elke code te
# controleren is, en het codeboek zelf.

# %% tags=["parameters"]
corpus = "../corpus"
codebook = None
seed = 0
learn_from = None  # folders of coded transcripts to learn a classifier from (None: the rules alone)

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Markdown, display

from mjs_analysis import compare, report, summary
from mjs_analysis.analysis import analyse, provenance

A = analyse(corpus, codebook, seed=seed, learn_from=learn_from)
overall = compare.code_frequencies(A.tags, A.units.assign(corpus="alle buurten"), A.codes, by="corpus")
agreement_table = summary.agreement_table(A)
code_reliability = summary.code_reliability(A, seed=seed)

# %% [markdown]
# ## In het kort

# %%
coded = int((A.code_matrix.sum(axis=1) > 0).sum())
top = compare._ranked(overall, [("share", False), ("code", True)]).head(3)
lines = [f"- {len(A.units)} antwoorden van respondenten; {coded} ({report.pct(coded / max(len(A.units), 1))}) "
         "kregen minstens één code.",
         "- Meest toegekend: " + "; ".join(f"{A.label(r.code)} {report.pct_interval(r.share, r.share_low, r.share_high)}"
                                           for r in top.itertuples()) + "."]
lines += [f"- {line}" for line in summary.reliability(A, agreement_table, code_reliability)]
lines.append(f"- Automatische codering: {A.info['coder']}.")
display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Wat de codering opleverde
#
# Eén rij per code: in hoeveel antwoorden hij voorkomt, als aandeel met 95%-interval, en hoe vaak de
# regels raakten per 1.000 woorden. Een antwoord kan meerdere codes hebben.

# %%
report.table(overall.assign(label=overall["code"].map(A.label)),
             {"label": "code", "count": ("antwoorden", "int"), "rate_per_1000": ("treffers per 1.000 woorden", "num1")},
             intervals={"aandeel (95%-interval)": ("share", "share_low", "share_high")})

# %%
per_beurt = A.code_matrix.sum(axis=1).value_counts().sort_index()
ongebruikt = overall.loc[overall["count"] == 0, "code"].tolist()
lines = ["- Codes per antwoord: " + ", ".join(f"{k} codes: {v} antwoorden" for k, v in per_beurt.items()) + "."]
if ongebruikt:
    lines.append("- **Nooit toegekend:** " + ", ".join(A.label(c) for c in ongebruikt)
                 + ". Deze codes komen in de rest van de rapporten als 0 % voor; controleer hun regels "
                 "of hun relevantie voor dit corpus.")
display(Markdown("\n".join(lines)))

# %%
talen = A.units.assign(gecodeerd=A.code_matrix.sum(axis=1).to_numpy() > 0).groupby("language")["gecodeerd"].agg(["size", "sum"])
anders = talen.drop(index=A.codebook.language, errors="ignore")
for taal, row in anders.iterrows():
    display(Markdown(
        f"**Let op, taal:** {int(row['size'])} antwoorden zijn in het '{taal}', het codeboek is in het "
        f"'{A.codebook.language}'. Alleen termen die het codeboek in die taal heeft, kunnen raken: "
        f"{int(row['sum'])} van deze antwoorden kregen een code. Voeg termen in die taal toe aan het codeboek, of "
        "lees deze antwoorden zelf."))

# %% [markdown]
# ## Overeenstemming met handmatige codeurs
#
# Codeurs hebben een deel van de transcripten onafhankelijk met de hand gecodeerd. Krippendorffs alfa
# meet de overeenstemming (1 = volledig, 0 = niet beter dan toeval); de automatische codering doet mee als
# extra codeur. Precisie: welk deel van de automatische codes ook door de mens is gegeven; recall: welk
# deel van de menselijke codes de automatische codering vond.

# %%
if agreement_table is None:
    display(Markdown("**Geen handmatige coderingen gevonden** (een map `coding/` met CSV-bestanden "
                     "`transcript_id, turn, code, coder`). De betrouwbaarheid van de automatische codering "
                     "is voor dit corpus dus niet gemeten; behandel de codes als verkennend."))
else:
    micro = agreement_table[agreement_table["code"] == "(all codes)"]
    display(Markdown(f"{int(micro['n_units'].max())} antwoorden in "
                     f"{A.codings['transcript_id'].nunique()} transcripten, door {A.codings['coder'].nunique()} "
                     "codeurs gecodeerd. Over alle codes samen:"))
    display(report.table(micro, {"coder_a": "codeur", "coder_b": "tegen", "n_units": ("antwoorden", "int"),
                                 "alpha": ("alfa", "num"), "kappa": ("kappa", "num"),
                                 "precision": ("precisie", "num"), "recall": ("recall", "num"), "f1": ("F1", "num")}))

# %%
if agreement_table is not None:
    per_code = agreement_table[agreement_table["code"] != "(all codes)"].assign(
        pair=lambda d: d["coder_a"] + " – " + d["coder_b"], label=lambda d: d["code"].map(A.label))
    wide = per_code.pivot_table(index="label", columns="pair", values="alpha", sort=False)
    display(Markdown("Alfa per code en per paar codeurs (– : de code kwam bij geen van beiden voor):"))
    display(report.table(wide, {"label": "code", **{c: (c, "num") for c in wide.columns}}, index=True))

# %% [markdown]
# Per code de automatische codering tegen de codeurs (gemiddeld over de codeurs): alfa met een
# 95%-bootstrapinterval (transcripten getrokken, niet beurten), precisie en recall. Een bevinding over een
# code met alfa onder 0,67, of zonder meting, heet in de buurtrapporten onzeker.

# %%
display(report.table(code_reliability.assign(label=code_reliability["code"].map(A.label)),
                     {"label": "code", "alpha": ("alfa", "num"), "alpha_low": ("alfa laag", "num"),
                      "alpha_high": ("alfa hoog", "num"), "precision": ("precisie", "num"),
                      "recall": ("recall", "num")}))

# %% [markdown]
# ## Regels of geleerd model
#
# Met `mjs run --learn-from MAP` leert de run per code een classificatiemodel van gecodeerde transcripten
# in andere mappen (nooit van dit corpus zelf) en kiest per code, met kruisvalidatie per transcript, de
# regels, het geleerde model of beide. Bij een toekenning van het geleerde model (regel `learned`) is de
# bewijszin de zin van het antwoord die het model voor die code het hoogst scoort, met de kans die het gaf.

# %%
if A.learner is None:
    display(Markdown("Deze run codeerde met de regels van het codeboek alleen."))
else:
    names = {"rules": "regels", "learned": "geleerd model", "combined": "regels of geleerd model"}
    display(report.table(A.learner.assign(label=A.learner["code"].map(A.label), model=A.learner["model"].map(names)),
                         {"label": "code", "model": "gekozen", "n_positive": ("gecodeerde antwoorden", "int"),
                          "f1_rules": ("F1 regels", "num"), "f1_learned": ("F1 geleerd", "num"),
                          "f1_combined": ("F1 beide", "num"), "threshold": ("drempel", "num")}))

# %% [markdown]
# ## Elke code is te controleren
#
# Elke toekenning noemt de beurt, de zin die als bewijs dient (met tekenposities in het transcript), de
# woorden die raakten en de regel die afging. Hieronder de eerste toekenning van elke code.

# %%
audit = A.tags.drop_duplicates("code").sort_values("code", kind="stable")
report.table(audit.assign(label=audit["code"].map(A.label)),
             {"label": "code", "transcript_id": "transcript", "turn": ("beurt", "int"), "speaker": "spreker",
              "evidence": "bewijszin", "matched": "woorden", "rule": "regel", "negated": ("ontkend", "yesno")})

# %% [markdown]
# ## Het antwoordmodel
#
# Het democorpus is geschreven met bekende contrasten (`design.yml`, uitgelegd in `DESIGN.md`), zoals
# "K-buurt praat het meest over financiering". Als de codering werkt, vindt de analyse ze terug.

# %%
if A.design:
    checks = compare.check_contrasts(A.design, A.tags, A.units, A.codes)
    display(Markdown(f"**{int(checks['holds'].sum())} van {len(checks)}** ontworpen contrasten komen uit de codering."))
    display(report.table(checks, {"id": "contrast", "statement": "verwachting", "holds": ("klopt", "yesno"),
                                  "detail": "gemeten"}))
else:
    display(Markdown("Dit corpus heeft geen antwoordmodel (`design.yml`); deze controle is overgeslagen."))

# %% [markdown]
# ## Het codeboek
#
# Het codeboek (`codebook.yml`) is data die de onderzoeker zelf aanpast; de code die het toepast staat los
# daarvan. Categorieën zonder regels groeperen de codes alleen.

# %%
book = A.codebook.to_frame()
book["on_negation"] = book["on_negation"].map(
    lambda v: {"keep": "code blijft", "suppress": "code vervalt"}.get(v, f"wordt {A.label(v)}"))
report.table(book, {"id": "id", "label_nl": "naam", "parent": "categorie",
                                     "codable": ("codeerbaar", "yesno"), "n_terms": ("termen", "int"),
                                     "n_phrases": ("woordgroepen", "int"), "n_regex": ("patronen", "int"),
                                     "on_negation": "bij ontkenning", "definition": "definitie"})

# %% [markdown]
# ## Herkomst

# %%
provenance(A)

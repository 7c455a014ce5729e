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
# # 02 · Codering
#
# Elke respondentbeurt wordt automatisch gecodeerd met het codeboek: een lijst thema's (vertrouwen,
# co-creatie, eigenaarschap, ...) met per thema zoekregels op lemma's, woordgroepen en patronen, en wat een
# ontkenning doet ("ik heb er geen vertrouwen meer in" is wantrouwen, geen vertrouwen). Dit notebook laat het
# codeboek zien, wat de codering opleverde, hoe elke code te controleren is, en hoe goed de automatische
# codering overeenkomt met handmatige codeurs.

# %% tags=["parameters"]
corpus = "../corpus"
codebook = None
seed = 0

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Markdown, display

from mjs_analysis import compare
from mjs_analysis.analysis import analyse, provenance
from mjs_analysis.reliability import agreement

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", 120)
A = analyse(corpus, codebook, seed=seed)
provenance(A)

# %% [markdown]
# ## Het codeboek
#
# Het codeboek (`codebook.yml`) is data die de onderzoeker zelf aanpast; de code die het toepast staat los
# daarvan. Categorieën zonder regels (`codable` = False) groeperen de codes alleen.

# %%
A.codebook.to_frame()[["id", "label_nl", "parent", "codable", "n_terms", "n_phrases", "n_regex",
                       "on_negation", "definition"]]

# %% [markdown]
# ## Wat de codering opleverde
#
# Eén rij per code: in hoeveel respondentbeurten hij voorkomt (met 95%-interval) en hoe vaak de regels
# raakten per 1.000 woorden. Een beurt kan meerdere codes hebben.

# %%
overall = compare.code_frequencies(A.tags, A.units.assign(corpus="alle buurten"), A.codes, by="corpus")
overall.assign(label=overall["code"].map(A.label))[
    ["code", "label", "count", "share", "share_low", "share_high", "rate_per_1000"]]

# %%
per_beurt = A.code_matrix.sum(axis=1).value_counts().sort_index()
ongebruikt = overall.loc[overall["count"] == 0, "code"].tolist()
lines = [f"- {len(A.units)} respondentbeurten; {int((A.code_matrix.sum(axis=1) > 0).sum())} kregen minstens één code.",
         "- Codes per beurt: " + ", ".join(f"{k} codes: {v} beurten" for k, v in per_beurt.items()) + "."]
if ongebruikt:
    lines.append("- **Nooit toegekend:** " + ", ".join(A.label(c) for c in ongebruikt)
                 + ". Deze codes komen in de rest van de rapporten als 0% voor; controleer hun regels "
                 "of hun relevantie voor dit corpus.")
display(Markdown("\n".join(lines)))

# %%
talen = A.units.assign(gecodeerd=A.code_matrix.sum(axis=1).to_numpy() > 0).groupby("language")["gecodeerd"].agg(["size", "sum"])
anders = talen.drop(index=A.codebook.language, errors="ignore")
for taal, row in anders.iterrows():
    display(Markdown(
        f"**Let op, taal:** {int(row['size'])} respondentbeurten zijn in het '{taal}', het codeboek is in het "
        f"'{A.codebook.language}'. Alleen termen die het codeboek in die taal heeft, kunnen raken: "
        f"{int(row['sum'])} van deze beurten kregen een code. Voeg termen in die taal toe aan het codeboek, of "
        "lees deze beurten zelf."))

# %% [markdown]
# ## Elke code is te controleren
#
# Elke toekenning noemt de beurt, de zin die als bewijs dient (met tekenposities in het transcript), de
# woorden die raakten en de regel die afging. Hieronder de eerste toekenning van elke code.

# %%
audit = A.tags.drop_duplicates("code")[["code", "transcript_id", "turn", "speaker", "evidence", "matched", "rule",
                                        "negated", "start_char", "end_char"]]
audit.sort_values("code").reset_index(drop=True)

# %% [markdown]
# ## Overeenstemming met handmatige codeurs
#
# Twee codeurs hebben een deel van de transcripten onafhankelijk met de hand gecodeerd. Krippendorffs alfa
# meet de overeenstemming (1 = volledig, 0 = toeval); de automatische codering doet mee als extra codeur.
# Precisie: welk deel van de automatische codes ook door de mens is gegeven; recall: welk deel van de
# menselijke codes de automatische codering vond. Doel: micro-F1 ≥ 0,75 tegen elke codeur en een alfa die
# hooguit 0,1 onder die van de twee mensen ligt.

# %%
if A.codings is None:
    display(Markdown("**Geen handmatige coderingen gevonden** (een map `coding/` met CSV-bestanden "
                     "`transcript_id, turn, code, coder`). De betrouwbaarheid van de automatische codering "
                     "is voor dit corpus dus niet gemeten; behandel de codes als verkennend."))
    table = None
else:
    coded = A.units[A.units["transcript_id"].isin(set(A.codings["transcript_id"]))]
    tagger = A.tags[A.tags["transcript_id"].isin(set(coded["transcript_id"]))]
    both = pd.concat([A.codings, tagger.assign(coder="tagger")[["transcript_id", "turn", "code", "coder"]]])
    table = agreement(both, coded, A.codes, reference="tagger")
    display(Markdown(f"{len(coded)} respondentbeurten in {coded['transcript_id'].nunique()} transcripten, "
                     f"door {A.codings['coder'].nunique()} codeurs gecodeerd."))
    display(table[table["code"] == "(all codes)"].drop(columns="code").reset_index(drop=True))

# %%
if table is not None:
    per_code = table[table["code"] != "(all codes)"].pivot_table(
        index="code", columns=["coder_a", "coder_b"], values=["alpha", "f1"], sort=False)
    display(per_code.round(2))
    micro = table[table["code"] == "(all codes)"].set_index(["coder_a", "coder_b"])
    humans = micro[micro["f1"].isna()]
    machine = micro[micro["f1"].notna()]
    if len(humans):
        h = humans["alpha"].iloc[0]
        lines = [f"- Alfa tussen de menselijke codeurs: **{h:.2f}**."]
        for (a, _), row in machine.iterrows():
            ok = row["f1"] >= 0.75 and h - row["alpha"] <= 0.1
            lines.append(f"- Automatisch tegen codeur {a}: alfa {row['alpha']:.2f} (verschil {h - row['alpha']:.2f}), "
                         f"precisie {row['precision']:.2f}, recall {row['recall']:.2f}, F1 {row['f1']:.2f} — "
                         + ("doel gehaald." if ok else "doel **niet** gehaald."))
        display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Het antwoordmodel van het democorpus
#
# Het democorpus is geschreven met bekende contrasten (`design.yml`, uitgelegd in `DESIGN.md`), zoals
# "K-buurt praat het meest over financiering". Als de codering werkt, vindt de analyse ze terug.

# %%
if A.design:
    checks = compare.check_contrasts(A.design, A.tags, A.units, A.codes)
    display(Markdown(f"**{int(checks['holds'].sum())} van {len(checks)}** ontworpen contrasten komen uit de codering."))
    display(checks)
else:
    display(Markdown("Dit corpus heeft geen antwoordmodel (`design.yml`); deze controle is overgeslagen."))

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
# # 05 · Vergelijking tussen buurten en rollen
#
# De centrale vraag van *Amsterdammers, Maak je Stad!*: wat leren de buurtbudgetpilots over meer
# eigenaarschap, zeggenschap en co-creatie, en over vertrouwen en samenwerking tussen bewoners en gemeente?
# Dit notebook zet de buurten en de rollen (bewoners, initiatiefnemers, ambtenaren) naast elkaar, toetst
# welke verschillen echt zijn, en vat de antwoorden samen.

# %% tags=["parameters"]
corpus = "../corpus"
codebook = None
seed = 0

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Markdown, display

from mjs_analysis import compare, plots
from mjs_analysis.analysis import analyse, provenance

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", 160)
A = analyse(corpus, codebook, seed=seed)
provenance(A)

# %% [markdown]
# ## Thema's per buurt
#
# Het aandeel respondentbeurten met elke code, per buurt.

# %%
freq_buurt = compare.code_frequencies(A.tags, A.units, A.codes, by="neighbourhood")
display(plots.code_heatmap(freq_buurt, "neighbourhood", labels=A.labels))

# %% [markdown]
# ## Welke verschillen tussen buurten zijn echt?
#
# Per code een toets of het aandeel verschilt tussen de buurten (chi-kwadraat, of een permutatietoets als
# de aantallen klein zijn), met Benjamini–Hochberg-correctie over de 14 codes en Cramérs V als effectmaat.
# `over` en `under` noemen de buurt die het meest boven en onder verwachting zit. Buurten met minder dan 20
# respondentbeurten doen niet mee ("te weinig gegevens" in plaats van een misleidende p-waarde).

# %%
assoc = compare.code_association(A.tags, A.units, A.codes, by="neighbourhood", seed=seed)
assoc.assign(label=assoc["code"].map(A.label))[
    ["code", "label", "test", "statistic", "p_adjusted", "cramers_v", "over", "under", "note"]]

# %% [markdown]
# ## Thema's per rol
#
# Dezelfde vergelijking tussen rollen. In groepsgesprekken krijgt elke spreker zijn eigen rol.

# %%
freq_rol = compare.code_frequencies(A.tags, A.units, A.codes, by="stakeholder")
display(plots.role_contrast(freq_rol, labels=A.labels))

# %%
assoc_rol = compare.code_association(A.tags, A.units, A.codes, by="stakeholder", seed=seed)
assoc_rol.assign(label=assoc_rol["code"].map(A.label))[
    ["code", "label", "test", "p_adjusted", "cramers_v", "over", "under", "note"]]

# %% [markdown]
# ## Welke thema's gaan samen?
#
# Codes die in dezelfde beurt voorkomen. Lift boven 1: vaker samen dan bij toeval.

# %%
cooc = compare.code_cooccurrence(A.tags, A.units, A.codes)
display(plots.cooccurrence_network(cooc, min_count=3, labels=A.labels))

# %%
cooc.head(10).assign(a=lambda d: d["code_a"].map(A.label), b=lambda d: d["code_b"].map(A.label))[
    ["a", "b", "n_both", "jaccard", "lift"]]

# %% [markdown]
# ## Hoe verschillend praten de rollen?
#
# Kenmerkende woorden per rol (gewogen log-odds; z > 2 is meer dan toeval).

# %%
roles = A.documents_meta["stakeholder"].fillna("onbekend").tolist()
words_rol = compare.distinctive_words(A.documents, roles, top=10)
words_rol.pivot_table(index=words_rol.groupby("group").cumcount(), columns="group", values="word", aggfunc="first")

# %% [markdown]
# ## Antwoord op de centrale vraag
#
# ### Vertrouwen en wantrouwen
#
# Per buurt het aandeel beurten over vertrouwen en over wantrouwen in de gemeente of in elkaar. Een
# overwicht van wantrouwen wijst op een buurt waar de samenwerking schuurt.

# %%
def share(freq, code, by):
    return freq[freq["code"] == code].set_index(by)["share"]


def answer(freq, by, pairs):
    table = pd.DataFrame({A.label(c): share(freq, c, by) for c in pairs})
    return table


trust = answer(freq_buurt, "neighbourhood", ["vertrouwen", "wantrouwen", "samenwerking", "frustratie"])
trust["saldo vertrouwen"] = trust[A.label("vertrouwen")] - trust[A.label("wantrouwen")]
trust.sort_values("saldo vertrouwen", ascending=False)

# %% [markdown]
# ### Eigenaarschap, zeggenschap en co-creatie
#
# Per rol en per buurt het aandeel beurten over de drie kernbegrippen van het programma.

# %%
answer(freq_rol, "stakeholder", ["eigenaarschap", "zeggenschap", "co_creatie"])

# %%
core = answer(freq_buurt, "neighbourhood", ["eigenaarschap", "zeggenschap", "co_creatie"])
core

# %%
def strongest(table, column):
    s = table[column].dropna()
    return (s.idxmax(), s.max(), s.idxmin(), s.min()) if len(s) else (None, float("nan"), None, float("nan"))


lines = []
hi, hv, lo, lv = strongest(trust, "saldo vertrouwen")
if hi is not None:
    lines.append(f"- Het saldo van vertrouwen min wantrouwen is het gunstigst in **{hi}** ({hv:+.0%}) en het "
                 f"ongunstigst in **{lo}** ({lv:+.0%}).")
for code in ("eigenaarschap", "zeggenschap", "co_creatie"):
    hi, hv, lo, lv = strongest(core, A.label(code))
    if hi is not None:
        row = assoc.set_index("code").loc[code]
        sig = (f"het verschil tussen buurten doorstaat de toets (p na correctie {compare.format_p(row['p_adjusted'])})"
               if row["p_adjusted"] == row["p_adjusted"] and row["p_adjusted"] < 0.05
               else "het verschil tussen buurten is niet aantoonbaar")
        lines.append(f"- **{A.label(code)}** komt het meest ter sprake in {hi} ({hv:.0%}) en het minst in {lo} "
                     f"({lv:.0%}); {sig}.")
roles_core = answer(freq_rol, "stakeholder", ["eigenaarschap", "zeggenschap", "co_creatie"])
for code in ("eigenaarschap", "zeggenschap", "co_creatie"):
    hi, hv, _, _ = strongest(roles_core, A.label(code))
    if hi is not None:
        lines.append(f"- Van de rollen besteedt **{hi}** het vaakst aandacht aan {A.label(code).lower()} ({hv:.0%}).")
display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Controle: het antwoordmodel
#
# Voor het democorpus zijn de verwachte contrasten vooraf vastgelegd. Hieronder of de analyse ze terugvindt.

# %%
if A.design:
    checks = compare.check_contrasts(A.design, A.tags, A.units, A.codes)
    display(Markdown(f"**{int(checks['holds'].sum())} van {len(checks)}** contrasten teruggevonden."))
    display(checks[["id", "holds", "detail", "statement"]])
else:
    display(Markdown("Geen antwoordmodel (`design.yml`) bij dit corpus."))

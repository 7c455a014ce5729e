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
# Dit rapport zet de buurten en de rollen (bewoners, initiatiefnemers, ambtenaren) naast elkaar, toetst
# welke verschillen echt zijn, en begint met de antwoorden.

# %% tags=["parameters"]
corpus = "../corpus"
codebook = None
seed = 0
learn_from = None  # folders of coded transcripts to learn a classifier from (None: the rules alone)

# %%
# %matplotlib inline
import pandas as pd
from IPython.display import Markdown, display

from mjs_analysis import compare, plots, report, summary
from mjs_analysis.analysis import analyse, provenance

A = analyse(corpus, codebook, seed=seed, learn_from=learn_from)
freq_buurt = compare.code_frequencies(A.tags, A.units, A.codes, by="neighbourhood")
freq_rol = compare.code_frequencies(A.tags, A.units, A.codes, by="stakeholder")
assoc = compare.code_association(A.tags, A.units, A.codes, by="neighbourhood", seed=seed)
assoc_rol = compare.code_association(A.tags, A.units, A.codes, by="stakeholder", seed=seed)


def shares(freq, by, codes):
    """Groups × codes: the share of answers with each code (columns by Dutch label)."""
    return pd.DataFrame({A.label(c): freq[freq["code"] == c].set_index(by)["share"] for c in codes})


def strongest(table, column):
    """(highest group, value, lowest group, value); ties go to the first group in alphabetical order."""
    s = table[column].dropna().round(6).sort_index()
    return (s.idxmax(), s.max(), s.idxmin(), s.min()) if len(s) else (None, float("nan"), None, float("nan"))


trust = shares(freq_buurt, "neighbourhood", ["vertrouwen", "wantrouwen", "samenwerking", "frustratie"])
trust["saldo"] = trust[A.label("vertrouwen")] - trust[A.label("wantrouwen")]
core = shares(freq_buurt, "neighbourhood", ["eigenaarschap", "zeggenschap", "co_creatie"])
roles_core = shares(freq_rol, "stakeholder", ["eigenaarschap", "zeggenschap", "co_creatie"])

# %% [markdown]
# ## Antwoord op de centrale vraag

# %%
lines = []
hi, hv, lo, lv = strongest(trust, "saldo")
if hi is not None:
    lines.append(f"- Het saldo van vertrouwen min wantrouwen is het gunstigst in **{hi}** ({report.signed_pct(hv)}) "
                 f"en het ongunstigst in **{lo}** ({report.signed_pct(lv)}).")
for code in ("eigenaarschap", "zeggenschap", "co_creatie"):
    hi, hv, lo, lv = strongest(core, A.label(code))
    if hi is not None:
        row = assoc.set_index("code").loc[code]
        sig = (f"het verschil tussen buurten doorstaat de toets (p na correctie {compare.format_p(row['p_adjusted'])})"
               if row["p_adjusted"] == row["p_adjusted"] and row["p_adjusted"] < 0.05
               else "het verschil tussen buurten is niet aantoonbaar")
        lines.append(f"- **{A.label(code)}** komt het meest ter sprake in {hi} ({report.pct(hv)}) en het minst in "
                     f"{lo} ({report.pct(lv)}); {sig}.")
for code in ("eigenaarschap", "zeggenschap", "co_creatie"):
    hi, hv, _, _ = strongest(roles_core, A.label(code))
    if hi is not None:
        lines.append(f"- Van de rollen besteden **{hi}s** het vaakst aandacht aan {A.label(code).lower()} "
                     f"({report.pct(hv)}).")
lines += [f"- {line}" for line in summary.common_and_different(A, seed=seed) + summary.roles(A, seed=seed)]
display(Markdown("\n".join(lines)))

# %% [markdown]
# ### Vertrouwen en wantrouwen per buurt
#
# Het aandeel antwoorden over vertrouwen en over wantrouwen in de gemeente of in elkaar. Een overwicht van
# wantrouwen wijst op een buurt waar de samenwerking schuurt.

# %%
ranked = trust.assign(buurt=trust.index).pipe(compare._ranked, [("saldo", False), ("buurt", True)])
report.table(ranked, {"buurt": "buurt", **{c: (c, "pct") for c in trust.columns if c != "saldo"},
                      "saldo": ("saldo vertrouwen − wantrouwen", "signed")})

# %% [markdown]
# ### Eigenaarschap, zeggenschap en co-creatie
#
# Per rol en per buurt het aandeel antwoorden over de drie kernbegrippen van het programma.

# %%
report.table(roles_core.rename_axis("rol"), {"rol": "rol", **{c: (c, "pct") for c in roles_core.columns}}, index=True)

# %%
report.table(core.rename_axis("buurt"), {"buurt": "buurt", **{c: (c, "pct") for c in core.columns}}, index=True)

# %% [markdown]
# ## Thema's per buurt
#
# Het aandeel antwoorden met elke code, per buurt.

# %%
report.show(plots.code_heatmap(freq_buurt, "neighbourhood", labels=A.labels))

# %% [markdown]
# ## Welke verschillen tussen buurten zijn echt?
#
# Per code een toets of het aandeel verschilt tussen de buurten (chi-kwadraat, of een permutatietoets als
# de aantallen klein zijn), met Benjamini–Hochberg-correctie over de codes en Cramérs V als effectmaat.
# "Het meest" en "het minst" noemen de buurt die het verst boven en onder verwachting zit. Buurten met
# minder dan 20 antwoorden doen niet mee ("te weinig gegevens" in plaats van een misleidende p-waarde).

# %%
columns = {"label": "code", "test": ("toets", "test"), "p_adjusted": ("p na correctie", "p"),
           "cramers_v": ("Cramérs V", "num"), "over": "het meest", "under": "het minst", "note": "opmerking"}
report.table(assoc.assign(label=assoc["code"].map(A.label), note=assoc["note"].map(report.note_nl)), columns)

# %% [markdown]
# ## Thema's per rol
#
# Dezelfde vergelijking tussen rollen. In groepsgesprekken krijgt elke spreker zijn eigen rol.

# %%
report.show(plots.role_contrast(freq_rol, labels=A.labels))

# %%
report.table(assoc_rol.assign(label=assoc_rol["code"].map(A.label), note=assoc_rol["note"].map(report.note_nl)),
             columns)

# %% [markdown]
# ## Welke thema's gaan samen?
#
# Codes die in hetzelfde antwoord voorkomen. Een lift boven 1: vaker samen dan bij toeval.

# %%
cooc = compare.code_cooccurrence(A.tags, A.units, A.codes)
report.show(plots.cooccurrence_network(cooc, min_count=3, labels=A.labels))

# %%
report.table(cooc.head(10).assign(a=lambda d: d["code_a"].map(A.label), b=lambda d: d["code_b"].map(A.label)),
             {"a": "code", "b": "samen met", "n_both": ("antwoorden", "int"), "jaccard": ("Jaccard", "num"),
              "lift": ("lift", "num")})

# %% [markdown]
# ## Hoe verschillend praten de rollen?
#
# Kenmerkende woorden per rol (gewogen log-odds; z > 2 is meer dan toeval), alleen woorden die bij die rol
# vaker vallen dan bij de andere. Bij gelijke z-score gaat het vaker gebruikte woord voor, daarna het alfabet.

# %%
roles = A.documents_meta["stakeholder"].fillna("onbekend").tolist()
words_rol = compare.distinctive_words(A.documents, roles, top=None)
words_rol = words_rol[words_rol["z"] > 0].groupby("group", sort=True).head(10)
wide = words_rol.assign(rank=words_rol.groupby("group").cumcount() + 1).pivot_table(
    index="rank", columns="group", values="word", aggfunc="first").fillna("")
report.table(wide, {"rank": ("plaats", "int"), **{c: c for c in wide.columns}}, index=True)

# %% [markdown]
# ## Controle: het antwoordmodel
#
# Voor het democorpus zijn de verwachte contrasten vooraf vastgelegd. Hieronder of de analyse ze terugvindt.

# %%
if A.design:
    checks = compare.check_contrasts(A.design, A.tags, A.units, A.codes)
    display(Markdown(f"**{int(checks['holds'].sum())} van {len(checks)}** contrasten teruggevonden."))
    display(report.table(checks, {"id": "contrast", "statement": "verwachting", "holds": ("klopt", "yesno"),
                                  "detail": "gemeten"}))
else:
    display(Markdown("Geen antwoordmodel (`design.yml`) bij dit corpus."))

# %% [markdown]
# ## Herkomst

# %%
provenance(A)

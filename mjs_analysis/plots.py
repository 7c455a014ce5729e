"""Figures (matplotlib), one consistent style, labels in Dutch. Every function returns the Figure and
never calls ``plt.show()``: notebooks display it, scripts save it.

Figures are made with :class:`matplotlib.figure.Figure`, not through pyplot: pyplot would keep them open
and the notebook backend would show them a second time (or, after the first, not at all).
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd

__all__ = ["topic_terms", "k_selection", "prevalence_heatmap", "code_heatmap", "code_bars", "role_contrast",
           "cooccurrence_network", "distinctive_words_chart", "group_versus_rest", "counts", "STYLE"]

STYLE = {"figure.dpi": 110, "axes.spines.top": False, "axes.spines.right": False, "font.size": 9,
         "axes.titlesize": 10, "axes.titleweight": "bold"}


def _subplots(nrows: int = 1, ncols: int = 1, *, figsize=None, **kwargs):
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def counts(values: pd.Series, title: str, xlabel: str):
    """Horizontal bars of a count per group (a Series indexed by group), smallest at the bottom."""
    values = values.sort_values()
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots(figsize=(6, 0.4 * len(values) + 1.2))
        ax.barh([str(v) for v in values.index], values.to_numpy(), color="#4c72b0")
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        fig.tight_layout()
    fig.alt_text = f"Staafdiagram: {title.lower()}. " + _listing(values.index[::-1], values.to_numpy()[::-1])
    return fig


def topic_terms(model, n_terms: int = 8, ncols: int = 4):
    """Top terms per topic as horizontal bars (weights normalised per topic)."""
    topics = model.topics()
    nrows = int(np.ceil(len(topics) / ncols))
    with matplotlib.rc_context(STYLE):
        fig, axes = _subplots(nrows, ncols, figsize=(3.2 * ncols, 2.4 * nrows), squeeze=False)
        for ax, row in zip(axes.flat, topics.itertuples()):
            terms, weights = row.terms[:n_terms][::-1], row.weights[:n_terms][::-1]
            ax.barh(terms, weights, color="#4c72b0")
            ax.set_title(f"Topic {row.id}: {row.label}", loc="left")
            ax.set_xlabel("gewicht")
        for ax in list(axes.flat)[len(topics):]:
            ax.axis("off")
        fig.suptitle(f"Belangrijkste termen per topic ({model.method.upper()}, k={model.k})")
        fig.tight_layout()
    fig.alt_text = (f"Staafdiagrammen van de belangrijkste termen van elk van de {model.k} topics: "
                    + "; ".join(f"topic {r.id}: {', '.join(r.terms[:5])}" for r in topics.itertuples()) + ".")
    return fig


def k_selection(selection: pd.DataFrame, chosen: int | None = None):
    """Coherence (NPMI), stability and diversity per k, with the chosen k marked."""
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots(figsize=(6, 3.2))
        for col, label, colour in (("npmi", "coherentie (NPMI)", "#4c72b0"),
                                   ("stability", "stabiliteit (Jaccard)", "#dd8452"),
                                   ("diversity", "diversiteit", "#55a868")):
            ax.plot(selection["k"], selection[col], marker="o", label=label, color=colour)
        if chosen is not None:
            ax.axvline(chosen, color="grey", linestyle="--", linewidth=1)
            ax.annotate(f"gekozen k = {chosen}", (chosen, ax.get_ylim()[1]), ha="left", va="top",
                        xytext=(4, -4), textcoords="offset points")
        ax.set_xlabel("aantal topics (k)")
        ax.set_ylabel("score")
        ax.set_title("Keuze van het aantal topics")
        fig.alt_text = ("Lijngrafiek van coherentie, stabiliteit en diversiteit per aantal topics (k = "
                        f"{int(selection['k'].min())} tot {int(selection['k'].max())})"
                        + (f"; gekozen is k = {chosen}." if chosen is not None else "."))
        ax.legend(frameon=False, loc="best")
        fig.tight_layout()
    return fig


def prevalence_heatmap(prevalence: pd.DataFrame, by: str = "neighbourhood", labels: dict | None = None):
    """Topic × group heatmap of mean topic weight (from ``TopicModel.prevalence``)."""
    table = prevalence.pivot(index="topic", columns=by, values="prevalence")
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots(figsize=(1.4 * table.shape[1] + 2.5, 0.45 * table.shape[0] + 1.5))
        image = ax.imshow(table.to_numpy(), cmap="Blues", aspect="auto")
        ax.set_xticks(range(table.shape[1]), table.columns, rotation=30, ha="right")
        names = [labels.get(t, f"topic {t}") if labels else f"topic {t}" for t in table.index]
        ax.set_yticks(range(table.shape[0]), names)
        for (i, j), value in np.ndenumerate(table.to_numpy()):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if value > table.to_numpy().max() * 0.6 else "black")
        fig.colorbar(image, ax=ax, label="gemiddeld topicgewicht")
        ax.set_title({"neighbourhood": "Topics per buurt", "stakeholder": "Topics per rol"}.get(by, f"Topics per {by}"))
        fig.alt_text = (f"Heatmap van het gemiddelde gewicht van elk topic per "
                        f"{'buurt' if by == 'neighbourhood' else 'rol' if by == 'stakeholder' else by}.")
        fig.tight_layout()
    return fig


def _listing(names, values, decimals: int = 0) -> str:
    """``"a 3, b 2."`` for a figure's description."""
    items = [f"{n} {v:.{decimals}f}".replace(".", ",") for n, v in zip(names, values)]
    return (", ".join(items) + ".") if items else "geen waarden."


def _label(code: str, labels: dict | None) -> str:
    return (labels or {}).get(code, code.replace("_", " "))


def code_heatmap(frequencies: pd.DataFrame, by: str = "neighbourhood", labels: dict | None = None):
    """Code × group heatmap of the share of respondent turns (from ``compare.code_frequencies``)."""
    table = frequencies.pivot(index="code", columns=by, values="share")
    table = table.loc[[c for c in pd.unique(frequencies["code"])]]
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots(figsize=(1.3 * table.shape[1] + 3, 0.38 * table.shape[0] + 1.6))
        values = table.to_numpy()
        image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0)
        ax.set_xticks(range(table.shape[1]), table.columns, rotation=30, ha="right")
        ax.set_yticks(range(table.shape[0]), [_label(c, labels) for c in table.index])
        top = np.nanmax(values) if values.size else 1
        for (i, j), value in np.ndenumerate(values):
            ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=7,
                    color="white" if value > 0.6 * top else "black")
        fig.colorbar(image, ax=ax, label="aandeel beurten", format=lambda x, _: f"{x:.0%}")
        ax.set_title({"neighbourhood": "Codes per buurt", "stakeholder": "Codes per rol"}.get(by, f"Codes per {by}"))
        fig.alt_text = (f"Heatmap van het aandeel respondentbeurten met elke code per "
                        f"{'buurt' if by == 'neighbourhood' else 'rol' if by == 'stakeholder' else by}; de tabel "
                        "eronder geeft dezelfde getallen.")
        fig.tight_layout()
    return fig


def code_bars(frequencies: pd.DataFrame, code: str, by: str = "neighbourhood", labels: dict | None = None):
    """One code's share per group with its 95% interval."""
    part = frequencies[frequencies["code"] == code].sort_values("share", ascending=False)
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots(figsize=(6, 0.45 * len(part) + 1.4))
        err = np.vstack([part["share"] - part["share_low"], part["share_high"] - part["share"]])
        ax.barh(part[by].astype(str), part["share"], xerr=err, color="#4c72b0", ecolor="#333333", capsize=3)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
        ax.set_xlabel("aandeel beurten met deze code (95%-interval)")
        for y, (share, n) in enumerate(zip(part["share"], part["n_units"])):
            ax.annotate(f"n={n}", (0, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7,
                        color="white" if share > 0.08 else "black")
        ax.set_title(f"{_label(code, labels)}: aandeel per {'buurt' if by == 'neighbourhood' else 'rol'}")
        fig.alt_text = f"Staafdiagram met intervallen: {ax.get_title().lower()}."
        fig.tight_layout()
    return fig


def role_contrast(frequencies: pd.DataFrame, codes=None, roles=None, labels: dict | None = None):
    """Shares of codes side by side per stakeholder role (from ``code_frequencies(..., by="stakeholder")``)."""
    table = frequencies.pivot(index="code", columns="stakeholder", values="share")
    if codes is not None:
        table = table.loc[list(codes)]
    if roles is not None:
        table = table[list(roles)]
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots(figsize=(0.55 * len(table) * max(1, table.shape[1] / 2) + 2, 3.6))
        width = 0.8 / max(table.shape[1], 1)
        x = np.arange(len(table))
        for k, role in enumerate(table.columns):
            ax.bar(x + k * width - 0.4 + width / 2, table[role], width, label=role)
        ax.set_xticks(x, [_label(c, labels) for c in table.index], rotation=35, ha="right")
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
        ax.set_ylabel("aandeel beurten")
        ax.set_title("Codes per rol")
        fig.alt_text = "Staafdiagram van het aandeel respondentbeurten met elke code, per rol naast elkaar."
        ax.legend(frameon=False, ncols=min(4, table.shape[1]))
        fig.tight_layout()
    return fig


def cooccurrence_network(cooccurrence: pd.DataFrame, min_count: int = 3, labels: dict | None = None):
    """Codes on a circle, joined where they share turns (line width: turns together; colour: lift)."""
    codes = list(dict.fromkeys([*cooccurrence["code_a"], *cooccurrence["code_b"]]))
    angle = np.linspace(0, 2 * np.pi, len(codes), endpoint=False)
    pos = {c: (np.cos(a), np.sin(a)) for c, a in zip(codes, angle)}
    edges = cooccurrence[cooccurrence["n_both"] >= min_count]
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots(figsize=(6.5, 6.5))
        top = max(edges["n_both"].max(), 1) if len(edges) else 1
        cmap = matplotlib.colormaps["coolwarm"]
        for row in edges.itertuples():
            (x0, y0), (x1, y1) = pos[row.code_a], pos[row.code_b]
            colour = cmap(min(max((row.lift - 0.5) / 1.5, 0), 1)) if row.lift == row.lift else "grey"
            ax.plot([x0, x1], [y0, y1], color=colour, linewidth=0.5 + 5 * row.n_both / top, alpha=0.8, zorder=1)
        size = {c: 0 for c in codes}
        for row in cooccurrence.itertuples():
            size[row.code_a], size[row.code_b] = row.n_a, row.n_b
        biggest = max(max(size.values()), 1)
        for c, (x, y) in pos.items():
            ax.scatter([x], [y], s=80 + 600 * size[c] / biggest, color="#4c72b0", zorder=2)
            ax.annotate(_label(c, labels), (x, y), xytext=(8 * x, 8 * y), textcoords="offset points",
                        ha="left" if x >= 0 else "right", va="center")
        ax.set_xlim(-1.6, 1.6)
        ax.set_ylim(-1.4, 1.4)
        ax.axis("off")
        fig.alt_text = (f"Netwerk van codes die minstens {min_count} keer samen in één beurt voorkomen; de "
                        "tabel eronder noemt de sterkste paren.")
        ax.set_title(f"Codes die samen voorkomen in één beurt\n(minstens {min_count} keer; rood = vaker dan toeval, "
                     f"blauw = minder vaak)")
        fig.tight_layout()
    return fig


def distinctive_words_chart(words: pd.DataFrame, group, n: int = 12):
    """The words that occur more often in one group than elsewhere (positive z of ``compare.distinctive_words``).

    Only positive z-scores are drawn: a word with z < 0 is rarer in the group, not distinctive of it.
    ``words`` comes ranked from ``distinctive_words``; that order (z, count, word) is kept.
    """
    part = words[(words["group"] == group) & (words["z"] > 0)].head(n)[::-1]
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots(figsize=(5, 0.3 * len(part) + 1.3))
        ax.barh(part["word"], part["z"], color="#55a868")
        ax.set_xlabel("z-score (gewogen log-odds, t.o.v. de rest)")
        ax.set_title(f"Kenmerkende woorden: {group}")
        fig.tight_layout()
    fig.alt_text = (f"Staafdiagram van de woorden die in {group} vaker vallen dan in de rest, met hun z-score: "
                    + _listing(part["word"][::-1], part["z"].to_numpy()[::-1], decimals=1))
    return fig


def group_versus_rest(versus: pd.DataFrame, group: str, labels: dict | None = None):
    """Each code's share in one group beside the rest, with 95% intervals (from ``compare.group_versus_rest``).

    Codes whose difference the test supports are marked with an asterisk.
    """
    part = versus.sort_values(["share_group", "code"], ascending=[True, False])
    y = np.arange(len(part))
    with matplotlib.rc_context(STYLE):
        fig, ax = _subplots(figsize=(6.5, 0.36 * len(part) + 1.6))
        for offset, side, colour, name in ((0.2, "group", "#4c72b0", group), (-0.2, "rest", "#bbbbbb", "rest van de stad")):
            share = part[f"share_{side}"].fillna(0)
            err = np.vstack([share - part[f"low_{side}"].fillna(0), part[f"high_{side}"].fillna(0) - share]).clip(0)
            ax.barh(y + offset, share, height=0.38, xerr=err, color=colour, ecolor="#333333", capsize=2, label=name)
        names = [_label(c, labels) + (" *" if v in ("higher", "lower") else "")
                 for c, v in zip(part["code"], part["verdict"])]
        ax.set_yticks(y, names)
        ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
        ax.set_xlabel("aandeel respondentbeurten met de code (95%-interval); * = aantoonbaar verschil")
        ax.set_title(f"{group} vergeleken met de rest van de stad")
        marked = [_label(c, labels) for c, v in zip(part["code"], part["verdict"]) if v in ("higher", "lower")]
        fig.alt_text = (f"Staafdiagram met 95%-intervallen van het aandeel respondentbeurten per code in {group} "
                        "naast de rest van de stad; aantoonbaar verschil bij: "
                        + (", ".join(marked) if marked else "geen enkele code") + ".")
        ax.legend(frameon=False, loc="lower right")
        fig.tight_layout()
    return fig

"""Figures (matplotlib), one consistent style, labels in Dutch. Every function returns the Figure and
never calls ``plt.show()``: notebooks display it, scripts save it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

__all__ = ["topic_terms", "k_selection", "prevalence_heatmap", "STYLE"]

STYLE = {"figure.dpi": 110, "axes.spines.top": False, "axes.spines.right": False, "font.size": 9,
         "axes.titlesize": 10, "axes.titleweight": "bold"}


def topic_terms(model, n_terms: int = 8, ncols: int = 4):
    """Top terms per topic as horizontal bars (weights normalised per topic)."""
    topics = model.topics()
    nrows = int(np.ceil(len(topics) / ncols))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.4 * nrows), squeeze=False)
        for ax, row in zip(axes.flat, topics.itertuples()):
            terms, weights = row.terms[:n_terms][::-1], row.weights[:n_terms][::-1]
            ax.barh(terms, weights, color="#4c72b0")
            ax.set_title(f"Topic {row.id}: {row.label}", loc="left")
            ax.set_xlabel("gewicht")
        for ax in list(axes.flat)[len(topics):]:
            ax.axis("off")
        fig.suptitle(f"Belangrijkste termen per topic ({model.method.upper()}, k={model.k})")
        fig.tight_layout()
    return fig


def k_selection(selection: pd.DataFrame, chosen: int | None = None):
    """Coherence (NPMI), stability and diversity per k, with the chosen k marked."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6, 3.2))
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
        ax.legend(frameon=False, loc="best")
        fig.tight_layout()
    return fig


def prevalence_heatmap(prevalence: pd.DataFrame, by: str = "neighbourhood", labels: dict | None = None):
    """Topic × group heatmap of mean topic weight (from ``TopicModel.prevalence``)."""
    table = prevalence.pivot(index="topic", columns=by, values="prevalence")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(1.4 * table.shape[1] + 2.5, 0.45 * table.shape[0] + 1.5))
        image = ax.imshow(table.to_numpy(), cmap="Blues", aspect="auto")
        ax.set_xticks(range(table.shape[1]), table.columns, rotation=30, ha="right")
        names = [labels.get(t, f"topic {t}") if labels else f"topic {t}" for t in table.index]
        ax.set_yticks(range(table.shape[0]), names)
        for (i, j), value in np.ndenumerate(table.to_numpy()):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if value > table.to_numpy().max() * 0.6 else "black")
        fig.colorbar(image, ax=ax, label="gemiddeld topicgewicht")
        ax.set_title({"neighbourhood": "Topics per buurt", "stakeholder": "Topics per rol"}.get(by, f"Topics per {by}"))
        fig.tight_layout()
    return fig

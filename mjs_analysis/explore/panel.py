"""The explorer panel of ``00_verkennen``: filter, search, read a hit in context, code and review turns.

Texts on screen are Dutch; CSS classes (``mjs-...``) name the parts for the browser test.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path

import pandas as pd

from .coding_file import CodingFile, coders_in
from .review import progress_text, suggestions
from .text import ALL, code_options, context, filter_turns, format_time, kwic, kwic_html, narrowed_options

__all__ = ["explorer", "Explorer"]

_DECISION_NL = {"accept": "klopt", "reject": "klopt niet", "add": "toegevoegd", "remove": "verwijderd",
                "none": "geen code", "note": "notitie"}


def _action(method):
    """A user action: when the outermost one ends, the revision counter (``.mjs-rev``) goes up by one.

    The kernel sends every widget update of an action before that counter, so a browser that sees the
    counter change sees the whole result of the action (the browser test waits on it).
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        self._depth += 1
        try:
            return method(self, *args, **kwargs)
        finally:
            self._depth -= 1
            if self._depth == 0:
                self.revision += 1
                self.rev.value = f'<span data-rev="{self.revision}">{self.revision}</span>'

    return wrapper


def _esc(value) -> str:
    return html.escape("" if value is None or value != value else str(value))


class Explorer:
    """State and widgets of one explorer panel (see :func:`explorer`); ``widget`` is what a cell shows."""

    def __init__(self, segments: pd.DataFrame, tags: pd.DataFrame | None = None, *, codebook=None,
                 corpus: str | Path | None = None, coder: str | None = None, max_rows: int = 50):
        import ipywidgets as w

        self.w = w
        self.segments = segments
        self.units = segments[segments["speaker_role"] != "interviewer"] if "speaker_role" in segments else segments
        self.tags = tags
        self.codebook = codebook
        self.corpus = Path(corpus) if corpus is not None else None
        self.max_rows = max_rows
        self.labels, self.definitions, self.codable = {}, {}, []
        if codebook is not None:
            for c in codebook.codes:
                self.labels[c.id] = c.label_in("nl")
                self.definitions[c.id] = " ".join(str(c.definition or "").split())
                if c.codable:
                    self.codable.append(c.id)
        elif tags is not None:
            self.codable = sorted(set(tags["code"]))
        self.file: CodingFile | None = None
        self.current: tuple[str, int] | None = None
        self._updating = False
        self._depth, self.revision = 0, 0
        self.rev = w.HTML(layout=w.Layout(display="none"))
        self.rev.add_class("mjs-rev")

        layout = w.Layout(width="auto")
        self.pick = {
            "neighbourhood": w.Dropdown(description="Buurt", layout=layout),
            "stakeholder": w.Dropdown(description="Rol", layout=layout),
            "speaker": w.Dropdown(description="Spreker", layout=layout),
            # no description: ipywidgets shows a tooltip (the code's id on hover) only on a dropdown without one
            "code": w.Dropdown(description="", layout=layout),
        }
        for name, widget in self.pick.items():
            widget.add_class(f"mjs-filter-{name}")
        self.query = w.Text(description="Zoekterm", placeholder="bijv. vertrouw")
        self.query.add_class("mjs-query")
        self.summary = w.HTML()
        self.summary.add_class("mjs-summary")
        self.hits = w.HTML()
        self.hits.add_class("mjs-hits")
        self.chooser = w.Dropdown(description="Lees beurt", options=[], layout=w.Layout(width="auto"))
        self.chooser.add_class("mjs-chooser")
        self.turn_view = w.HTML()
        self.turn_view.add_class("mjs-context")
        self._set_filter_options()
        for widget in self.pick.values():
            widget.observe(self._on_filter, names="value")
        self.query.observe(lambda _: self.refresh(), names="value")
        self.chooser.observe(self._on_choose, names="value")
        code_label = w.Label("Code", layout=w.Layout(margin="0 0 0 12px"))
        filters = [self.pick["neighbourhood"], self.pick["stakeholder"], self.pick["speaker"], code_label,
                   self.pick["code"]]
        parts = [self.rev, w.HBox(filters), self.query, self.summary, self.hits, self.chooser, self.turn_view]
        if self.corpus is not None:
            parts.append(self._review_widgets(coder))
        self.widget = w.VBox(parts)
        self.widget.add_class("mjs-explorer")
        self.refresh()

    # -- filters -------------------------------------------------------------------------------------------
    def _set_filter_options(self) -> None:
        values = {k: v.value for k, v in self.pick.items()}
        opts = narrowed_options(self.segments, self.tags, neighbourhood=values["neighbourhood"],
                                stakeholder=values["stakeholder"], speaker=values["speaker"])
        self._updating = True
        try:
            for name in ("neighbourhood", "stakeholder", "speaker"):
                widget, options = self.pick[name], [ALL, *opts[name]]
                keep = widget.value if widget.value in options else ALL
                if list(widget.options) != options:
                    widget.options = options
                widget.value = keep
            widget = self.pick["code"]
            options = [(ALL, ALL), *code_options(opts["code"], self.labels)]
            keep = widget.value if widget.value in [v for _, v in options] else ALL
            if list(widget.options) != options:
                widget.options = options
            widget.value = keep
            widget.tooltip = "" if keep == ALL else f"code-id: {keep}"
        finally:
            self._updating = False

    @_action
    def _on_filter(self, _change) -> None:
        if self._updating:
            return
        self._set_filter_options()
        self.refresh()

    def filtered(self) -> pd.DataFrame:
        return filter_turns(self.segments, self.tags, **{k: v.value for k, v in self.pick.items()})

    @_action
    def refresh(self) -> None:
        """Re-draw the list of turns (or hits) for the current filters and query."""
        turns = self.filtered()
        if self.query.value.strip():
            try:
                table = kwic(turns, self.query.value)
            except ValueError as exc:
                self.summary.value = f"<b>{_esc(exc)}</b>"
                self.hits.value, self.chooser.options = "", []
                return
            self.summary.value = f"{len(table)} treffers in {len(turns)} beurten"
            self.hits.value = kwic_html(table, max_rows=self.max_rows)
            keys = table[["transcript_id", "turn"]].drop_duplicates().head(self.max_rows)
        else:
            self.summary.value = f"{len(turns)} beurten"
            self.hits.value = self._turns_html(turns.head(self.max_rows))
            keys = turns[["transcript_id", "turn"]].head(self.max_rows)
        self.chooser.options = [(f"{t} beurt {int(n)}", (t, int(n))) for t, n in keys.itertuples(index=False)]
        self._update_progress()

    def _code_chips(self, tid, turn) -> str:
        if self.tags is None:
            return ""
        codes = self.tags.loc[(self.tags["transcript_id"] == tid) & (self.tags["turn"] == turn), "code"]
        return " ".join(f'<span class="mjs-code" title="{_esc(c)}">{_esc(self.labels.get(c, c))}</span>'
                        for c in dict.fromkeys(codes))

    def _turns_html(self, turns: pd.DataFrame) -> str:
        rows = "".join(
            f"<tr><td>{_esc(t.transcript_id)}</td><td>{int(t.turn)}</td>"
            f'<td class="mjs-time">{_esc(format_time(getattr(t, "timestamp", None)))}</td><td>{_esc(t.speaker)}</td>'
            f'<td style="text-align:left">{_esc(t.text)}</td><td>{self._code_chips(t.transcript_id, t.turn)}</td></tr>'
            for t in turns.itertuples(index=False))
        return ('<table class="mjs-turns"><tr><th>transcript</th><th>beurt</th><th>tijd</th><th>spreker</th>'
                f'<th style="text-align:left">tekst</th><th>codes</th></tr>{rows}</table>')

    # -- reading a turn in its conversation ----------------------------------------------------------------
    @_action
    def _on_choose(self, change) -> None:
        if change["new"]:
            self.show(*change["new"])

    @_action
    def show(self, transcript_id: str, turn: int) -> None:
        """Show a turn with the turns around it, and open it for review."""
        around = context(self.segments, transcript_id, int(turn), before=2, after=2)
        rows = []
        for r in around.itertuples(index=False):
            mark = ' class="mjs-current" style="background:#fff3c4"' if int(r.turn) == int(turn) else ""
            rows.append(f"<tr{mark}><td>{int(r.turn)}</td><td class=\"mjs-time\">{_esc(getattr(r, 'time', ''))}</td>"
                        f"<td>{_esc(r.speaker)}</td><td style=\"text-align:left\">{_esc(r.text)}</td></tr>")
        self.turn_view.value = (f"<b>{_esc(transcript_id)}</b>, beurt {int(turn)} in zijn gesprek:"
                                f'<table class="mjs-context-table">{"".join(rows)}</table>')
        if self.corpus is not None:
            self.current = (transcript_id, int(turn))
            self._draw_review()

    # -- review --------------------------------------------------------------------------------------------
    def _review_widgets(self, coder):
        w = self.w
        self.coder = w.Combobox(description="Codeur", placeholder="uw naam", options=coders_in(self.corpus),
                                ensure_option=False, continuous_update=False)
        self.coder.add_class("mjs-coder")
        self.coder.observe(self._on_coder, names="value")
        self.progress = w.HTML()
        self.progress.add_class("mjs-progress")
        self.next_pick = w.Dropdown(description="Volgende", options=[], layout=w.Layout(width="auto"))
        self.next_pick.add_class("mjs-next")
        self.next_pick.observe(lambda ch: ch["new"] and self.show(*ch["new"]), names="value")
        self.done_pick = w.Dropdown(description="Beoordeeld", options=[], layout=w.Layout(width="auto"))
        self.done_pick.add_class("mjs-done")
        self.done_pick.observe(lambda ch: ch["new"] and self.show(*ch["new"]), names="value")
        self.review_box = w.VBox()
        self.review_box.add_class("mjs-review")
        self.add_pick = w.Dropdown(description="Code", options=code_options(self.codable, self.labels),
                                   layout=w.Layout(width="auto"))
        self.add_pick.add_class("mjs-add-code")
        self.definition = w.HTML()
        self.definition.add_class("mjs-definition")
        self.add_pick.observe(lambda _: self._show_definition(), names="value")
        self.add_button = self._button("Code toevoegen", "mjs-add", lambda _: self._decide("add", self.add_pick.value))
        self.none_button = self._button("Geen code van toepassing", "mjs-none", lambda _: self._decide("none"))
        self.note = w.Text(description="Notitie", placeholder="korte notitie bij deze beurt")
        self.note.add_class("mjs-note")
        self.note_button = self._button("Notitie opslaan", "mjs-save-note", lambda _: self._decide("note"))
        self.undo_button = self._button("Laatste beslissing ongedaan maken", "mjs-undo", lambda _: self.undo())
        self.status = w.HTML()
        self.status.add_class("mjs-status")
        self._show_definition()
        if coder:
            self.coder.value = coder
        return w.VBox([w.HTML("<h3>Coderen en beoordelen</h3>"), self.coder, self.progress,
                       w.HBox([self.next_pick, self.done_pick]), self.review_box, self.status])

    def _button(self, text, css, handler):
        button = self.w.Button(description=text, layout=self.w.Layout(width="auto"))
        button.add_class(css)
        button.on_click(handler)
        return button

    @_action
    def _show_definition(self) -> None:
        code = self.add_pick.value
        self.definition.value = "" if code is None else \
            f'<i title="{_esc(code)}">{_esc(self.definitions.get(code, ""))}</i>'

    @_action
    def _on_coder(self, change) -> None:
        name = str(change["new"] or "").strip()
        if not name:
            self.file = None
        else:
            try:
                self.file = CodingFile(self.corpus, name)
                self.file.read()
            except Exception as exc:  # a bad name or a file that is not a coding file: say so, keep going
                self.file = None
                self.status.value = f"<b>{_esc(exc)}</b>"
            else:
                self.status.value = f"Beslissingen gaan naar <code>{_esc(self.file.path)}</code>"
        self._update_progress()
        self._draw_review()

    def _update_progress(self) -> None:
        if self.corpus is None:
            return
        units = filter_turns(self.units, self.tags, **{k: v.value for k, v in self.pick.items()})
        reviewed = self.file.reviewed() if self.file else set()
        self.progress.value = progress_text(units, reviewed)
        decisions = self.file.decisions() if self.file else None
        nxt = suggestions(units, self.tags, reviewed, decisions, self.labels, n=10)
        done = []
        if self.file is not None:  # the reviewed turns of this selection, the latest decision first
            log = self.file.read()
            keys = set(zip(units["transcript_id"].astype(str), units["turn"].astype(int)))
            for t, n in zip(log["transcript_id"][::-1], log["turn"][::-1]):
                if n is not pd.NA and (t, int(n)) in keys and (t, int(n)) not in done:
                    done.append((t, int(n)))
        self.done_pick.options = [("(eerder beoordeeld)", None)] + [(f"{t} beurt {n}", (t, n)) for t, n in done]
        self.next_pick.options = [("(kies een beurt om te beoordelen)", None)] + [
            (f"{r.transcript_id} beurt {r.turn}: {r.reason}", (r.transcript_id, int(r.turn)))
            for r in nxt.itertuples(index=False)]

    def _auto(self, tid, turn) -> pd.DataFrame:
        if self.tags is None:
            return pd.DataFrame(columns=["code", "evidence", "rule"])
        return self.tags[(self.tags["transcript_id"] == tid) & (self.tags["turn"] == turn)]

    def _draw_review(self) -> None:
        w = self.w
        if self.current is None:
            self.review_box.children = [w.HTML("<i>Kies hierboven een beurt om te coderen.</i>")]
            return
        tid, turn = self.current
        seg = self.segments[(self.segments["transcript_id"] == tid) & (self.segments["turn"] == turn)]
        head = w.HTML(f"<b>Beoordeel {_esc(tid)} beurt {turn}</b>"
                      + (f" ({_esc(seg['speaker'].iloc[0])}, {_esc(format_time(seg['timestamp'].iloc[0]))})"
                         if len(seg) and "timestamp" in seg else ""))
        head.add_class("mjs-review-title")
        if len(seg) and seg["speaker_role"].iloc[0] == "interviewer":
            self.review_box.children = [head, w.HTML("<i>Vragen van de interviewer worden niet gecodeerd.</i>")]
            return
        if self.file is None:
            self.review_box.children = [head, w.HTML("<i>Vul eerst uw naam in bij Codeur.</i>")]
            return
        state = self.file.state(tid, turn)
        rows = [head]
        auto = self._auto(tid, turn)
        if auto.empty:
            rows.append(w.HTML("<i>De tagger gaf deze beurt geen code.</i>"))
        for r in auto.itertuples(index=False):
            decided = state.get(r.code)
            mark = f' <span class="mjs-decision">[{_DECISION_NL[decided]}]</span>' if decided else ""
            info = w.HTML(f'<span class="mjs-code" title="{_esc(r.code)}"><b>{_esc(self.labels.get(r.code, r.code))}'
                          f"</b></span>{mark}<br><small>bewijs: “{_esc(r.evidence)}” · regel: "
                          f"<code>{_esc(r.rule)}</code></small>")
            yes = self._button("Klopt", "mjs-accept", lambda _, c=r.code, rule=r.rule: self._decide("accept", c, rule))
            no = self._button("Klopt niet", "mjs-reject", lambda _, c=r.code, rule=r.rule: self._decide("reject", c, rule))
            box = w.HBox([yes, no, info])
            box.add_class("mjs-auto-code")
            box.add_class(f"mjs-auto-{r.code}")
            rows.append(box)
        auto_codes = set(auto["code"])
        for code, decided in state.items():
            if code in auto_codes or decided not in ("add", "remove"):
                continue
            info = w.HTML(f'<span class="mjs-code" title="{_esc(code)}"><b>{_esc(self.labels.get(code, code))}</b></span>'
                          f' <span class="mjs-decision">[{_DECISION_NL[decided]}]</span>')
            remove = self._button("Verwijder", "mjs-remove", lambda _, c=code: self._decide("remove", c))
            box = w.HBox([remove, info] if decided == "add" else [info])
            box.add_class("mjs-hand-code")
            rows.append(box)
        self.note.value = self.file.note(tid, turn)
        rows += [w.HBox([self.add_pick, self.add_button]), self.definition, w.HBox([self.none_button]),
                 w.HBox([self.note, self.note_button]), self.undo_button]
        self.undo_button.disabled = not self.file.can_undo
        self.review_box.children = rows

    @_action
    def _decide(self, decision: str, code: str = "", rule: str = "") -> None:
        if self.file is None or self.current is None:
            self.status.value = "<b>Vul eerst uw naam in en kies een beurt.</b>"
            return
        tid, turn = self.current
        try:
            self.file.record(tid, turn, decision, code=code or "", note=self.note.value,
                             source="tagger" if decision in ("accept", "reject") else "hand", rule=rule or "")
        except Exception as exc:  # never a traceback in the panel: the message, and nothing half-written
            self.status.value = f"<b>Niet opgeslagen: {_esc(exc)}</b>"
            return
        what = f"{_DECISION_NL[decision]}" + (f": {self.labels.get(code, code)}" if code else "")
        self.status.value = f"Opgeslagen ({_esc(what)}) in <code>{_esc(self.file.path)}</code>"
        self._update_progress()
        self._draw_review()

    @_action
    def undo(self) -> None:
        """Take back the last decision made in this panel."""
        if self.file is None:
            return
        removed = self.file.undo()
        if removed is None:
            self.status.value = "Niets om ongedaan te maken."
        else:
            code = removed.get("code", "")
            what = _DECISION_NL.get(removed.get("decision", ""), "") + (f": {self.labels.get(code, code)}" if code else "")
            self.status.value = (f"Ongedaan gemaakt ({_esc(what)}, {_esc(removed['transcript_id'])} beurt "
                                 f"{_esc(removed['turn'])})")
        self._update_progress()
        self._draw_review()


def explorer(segments, tags: pd.DataFrame | None = None, *, codebook=None, corpus: str | Path | None = None,
             coder: str | None = None, max_rows: int = 50):
    """An ipywidgets panel: filters, keyword in context, a hit in its conversation, and coding/review.

    Parameters
    ----------
    segments : DataFrame or Analysis
        The turns; or the result of :func:`mjs_analysis.analysis.analyse`, which brings its tags, codebook
        and corpus folder along.
    tags : DataFrame, optional
        The tagger's output (for the code filter and the automatic codes to review).
    codebook : Codebook, optional
        For Dutch labels (ids on hover), definitions and the codes one can add.
    corpus : path, optional
        The corpus folder: decisions go to ``coding/<coder>.csv`` there. Without it there is no review part.
    coder : str, optional
        Fill in the coder's name.

    Returns the widget (display it as the last expression of a cell); its ``explorer`` attribute is the
    :class:`Explorer` behind it.
    """
    if hasattr(segments, "segments") and hasattr(segments, "tags"):
        analysis = segments
        segments, tags = analysis.segments, analysis.tags if tags is None else tags
        codebook = codebook if codebook is not None else analysis.codebook
        corpus = corpus if corpus is not None else analysis.info.get("corpus")
    panel = Explorer(segments, tags, codebook=codebook, corpus=corpus, coder=coder, max_rows=max_rows)
    panel.widget.explorer = panel
    return panel.widget

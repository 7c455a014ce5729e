"""A researcher's session in a real browser: open 00_verkennen by double-click, run it, explore, code, reload."""

from __future__ import annotations

import csv
import re

from playwright.sync_api import expect

from mjs_analysis.reliability import read_codings

TIME = re.compile(r"^(\d\d:\d\d|\d+:\d\d:\d\d)?$")


def _options(page, css):
    """Option texts of a dropdown (ipywidgets writes spaces as no-break spaces)."""
    return [t.replace("\xa0", " ") for t in page.locator(f"{css} select option").all_text_contents()]


def _choose(page, css, text):
    """Pick the option of a dropdown whose text is ``text``."""
    options = _options(page, css)
    assert text in options, (text, options)
    page.locator(f"{css} select").select_option(index=options.index(text))


def _run_all(page):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    expect(page.locator(".mjs-explorer")).to_be_visible(timeout=180_000)


def _coding_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_explore_code_review_and_reload(page, lab):
    coding_file = lab["root"] / "corpus" / "coding" / "tester.csv"
    page.goto(f"{lab['base']}/lab?token={lab['token']}")
    item = page.locator(".jp-DirListing-item", has_text="00_verkennen.py")
    expect(item).to_be_visible(timeout=90_000)

    # 1. a double click opens the jupytext source as a notebook, not in the text editor
    item.dblclick()
    page.wait_for_timeout(1500)
    main = page.locator("#jp-main-dock-panel")
    assert main.locator(".jp-FileEditor").count() == 0, "double-click opened 00_verkennen.py in the text editor"
    expect(main.locator(".jp-NotebookPanel")).to_be_visible(timeout=30_000)
    expect(main.locator(".jp-Notebook .jp-Cell").first).to_be_visible()

    # 2. run it: the explorer appears
    _run_all(page)
    panel = page.locator(".mjs-explorer")

    # 3. filter: speakers and roles narrow with the neighbourhood; codes by Dutch label, id on hover
    speakers_all = _options(panel, ".mjs-filter-speaker")
    _choose(panel, ".mjs-filter-neighbourhood", "K-buurt")
    expect(panel.locator(".mjs-filter-speaker select option")).not_to_have_count(len(speakers_all))
    speakers_kb = _options(panel, ".mjs-filter-speaker")
    assert 1 < len(speakers_kb) < len(speakers_all) and set(speakers_kb) < set(speakers_all)
    codes = _options(panel, ".mjs-filter-code")
    assert "Vertrouwen" in codes and "vertrouwen" not in codes and "inclusie_bereik" not in codes, codes
    _choose(panel, ".mjs-filter-code", "Vertrouwen")
    expect(panel.locator(".mjs-filter-code select")).to_have_attribute("title", re.compile(r"\bvertrouwen\b"))
    chips = panel.locator(".mjs-turns .mjs-code")  # the list of turns shows codes by label, the id on hover
    expect(chips.first).to_be_visible()
    pairs = chips.evaluate_all("els => els.map(e => [e.textContent, e.title])")
    assert ["Vertrouwen", "vertrouwen"] in pairs and all(re.fullmatch(r"[a-z_]+", t) and t != x for x, t in pairs)
    rows = panel.locator(".mjs-turns tr").count() - 1  # every listed turn carries the chosen code
    assert rows and panel.locator(".mjs-turns .mjs-code[title='vertrouwen']").count() == rows
    _choose(panel, ".mjs-filter-code", "(alle)")

    # 4. keyword in context: whole words, left context right-aligned, right context left-aligned, mm:ss
    panel.locator(".mjs-query input").fill("vertrouw")
    expect(panel.locator(".mjs-kwic")).to_be_visible()
    expect(panel.locator(".mjs-summary")).to_contain_text("treffers")
    hits = panel.locator(".mjs-kwic td.mjs-hit").all_inner_texts()
    assert hits and all(re.fullmatch(r"(?i)vertrouw\w*", h) for h in hits), hits
    rights = panel.locator(".mjs-kwic td.mjs-right").evaluate_all("els => els.map(e => e.textContent)")
    assert not any(re.match(r"\w", r) for r in rights), rights  # never "vertrouw | en"
    align = panel.locator(".mjs-kwic td.mjs-left").first.evaluate("e => getComputedStyle(e).textAlign")
    assert align == "right"
    assert panel.locator(".mjs-kwic td.mjs-right").first.evaluate("e => getComputedStyle(e).textAlign") == "left"
    times = panel.locator(".mjs-kwic td.mjs-time").all_inner_texts()
    assert all(TIME.match(t) for t in times) and any(t for t in times), times

    # 5. read a hit in its conversation
    _choose(panel, ".mjs-chooser", _options(panel, ".mjs-chooser")[-1])
    context = panel.locator(".mjs-context")
    expect(context).to_contain_text("in zijn gesprek")
    expect(context.locator(".mjs-current")).to_contain_text(re.compile(r"vertrouw", re.IGNORECASE))

    # 6. a coder, a suggested turn with automatic codes: reject one
    panel.locator(".mjs-coder input").fill("tester")
    panel.locator(".mjs-coder input").press("Enter")
    progress = panel.locator(".mjs-progress")
    expect(progress).to_have_text(re.compile(r"^0 van \d+ beurten beoordeeld$"))
    total = int(re.search(r"van (\d+)", progress.inner_text()).group(1))
    suggestion = _options(panel, ".mjs-next")[1]
    _choose(panel, ".mjs-next", suggestion)
    tid, turn = re.match(r"(\S+) beurt (\d+)", suggestion).groups()
    expect(panel.locator(".mjs-review-title")).to_contain_text(f"{tid} beurt {turn}")
    auto = panel.locator(".mjs-auto-code").first
    expect(auto).to_be_visible()
    rejected = auto.locator(".mjs-code").get_attribute("title")
    auto.locator("button", has_text="Klopt niet").click()
    expect(panel.locator(".mjs-status")).to_contain_text("Opgeslagen")
    expect(progress).to_have_text(f"1 van {total} beurten beoordeeld")
    rows = _coding_rows(coding_file)  # saved at once, before anything else happens
    assert [(r["transcript_id"], r["turn"], r["code"], r["decision"]) for r in rows] == [(tid, turn, rejected, "reject")]
    expect(panel.locator(".mjs-auto-code").first.locator(".mjs-decision")).to_have_text("[klopt niet]")

    # 7. code the turn by hand with a code the tagger did not give; the definition is shown
    given = set(panel.locator(".mjs-auto-code .mjs-code").evaluate_all("els => els.map(e => e.title)"))
    label = next(text for text in _options(panel, ".mjs-add-code")
                 if text in ("Samenwerking", "Erkenning", "Zeggenschap") and text.lower() not in given)
    _choose(panel, ".mjs-add-code", label)
    expect(panel.locator(".mjs-definition")).not_to_be_empty()
    panel.locator("button", has_text="Code toevoegen").click()
    expect(panel.locator(".mjs-hand-code")).to_contain_text(label)
    rows = _coding_rows(coding_file)
    assert [r["decision"] for r in rows] == ["reject", "add"] and rows[1]["coder"] == "tester"
    added = rows[1]["code"]

    # 8. a third decision, undone: the file keeps the first two
    panel.locator("button", has_text="Geen code van toepassing").click()
    expect(panel.locator(".mjs-status")).to_contain_text("geen code")
    assert len(_coding_rows(coding_file)) == 3
    panel.locator("button", has_text="Laatste beslissing ongedaan maken").click()
    expect(panel.locator(".mjs-status")).to_contain_text("Ongedaan gemaakt")
    assert [r["decision"] for r in _coding_rows(coding_file)] == ["reject", "add"]

    # 9. the file is what `mjs agreement` reads: the added code counts, the rejected one does not
    codings = read_codings([coding_file])
    assert list(zip(codings.transcript_id, codings.turn, codings.code)) == [(tid, int(turn), added)]

    # 10. reload the page, run again: the decisions are still there, in the file and on screen
    page.keyboard.press("Control+s")
    page.reload()
    expect(page.locator("#jp-main-dock-panel .jp-NotebookPanel")).to_be_visible(timeout=90_000)
    assert page.locator("#jp-main-dock-panel .jp-FileEditor").count() == 0
    _run_all(page)
    panel = page.locator(".mjs-explorer").last
    _choose(panel, ".mjs-filter-neighbourhood", "K-buurt")
    panel.locator(".mjs-coder input").fill("tester")
    panel.locator(".mjs-coder input").press("Enter")
    expect(panel.locator(".mjs-progress")).to_have_text(f"1 van {total} beurten beoordeeld")
    _choose(panel, ".mjs-done", f"{tid} beurt {turn}")
    expect(panel.locator(f".mjs-auto-{rejected} .mjs-decision")).to_have_text("[klopt niet]")
    expect(panel.locator(".mjs-hand-code")).to_contain_text(label)
    assert [r["decision"] for r in _coding_rows(coding_file)] == ["reject", "add"]

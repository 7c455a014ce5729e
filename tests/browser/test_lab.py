"""A researcher's session in a real browser: open 00_verkennen by double-click, run it, explore, code, reload."""

from __future__ import annotations

import csv
import re
import time

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from mjs_analysis.reliability import read_codings

TIME = re.compile(r"^(\d\d:\d\d|\d+:\d\d:\d\d)?$")


def _options(panel, css):
    """Option texts of a dropdown (ipywidgets writes spaces as no-break spaces)."""
    return [t.replace("\xa0", " ") for t in panel.locator(f"{css} select option").all_text_contents()]


def _act(panel, action):
    """Do something in the panel and wait until the kernel has sent all of its result.

    The panel's hidden revision counter (``.mjs-rev``) goes up after the last widget update of an action.
    """
    rev = panel.locator(".mjs-rev")
    before = rev.text_content()
    action()
    expect(rev).not_to_have_text(before, timeout=60_000)


def _choose(panel, css, text):
    """Pick the option of a dropdown whose text is ``text``, and wait for the result."""
    options = _options(panel, css)
    assert text in options, (text, options)
    _act(panel, lambda: panel.locator(f"{css} select").select_option(index=options.index(text)))


def _click(panel, text):
    _act(panel, lambda: panel.locator("button", has_text=text).first.click())


def _type(panel, css, text, enter=False):
    def action():
        panel.locator(f"{css} input").fill(text)
        if enter:
            panel.locator(f"{css} input").press("Enter")
    _act(panel, action)


def _accept_kernel_dialog(page) -> bool:
    """JupyterLab sometimes asks for a kernel although the notebook names one (its first kernel connection
    can fail on a loaded machine): take the one it offers, Python 3 of this environment, as a user would."""
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    if not dialog.count():
        return False
    assert "Python 3" in dialog.first.locator("select").text_content()
    dialog.first.locator("button.jp-mod-accept").click()
    expect(dialog).to_have_count(0)
    return True


def _wait_for(page, locator, seconds) -> bool:
    """Wait until ``locator`` is visible, accepting a kernel dialog on the way; True if one was accepted."""
    accepted = False
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if locator.count() and locator.first.is_visible():
            return accepted
        accepted |= _accept_kernel_dialog(page)
        page.wait_for_timeout(250)
    expect(locator.first).to_be_visible(timeout=1)
    return accepted


def _run_all(page):
    """Run every cell once the notebook's kernel is up (Python 3 of this environment)."""
    notebook = page.locator("#jp-main-dock-panel .jp-NotebookPanel")
    panel = page.locator(".mjs-explorer")
    error = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    for attempt in range(3):
        _wait_for(page, notebook.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']"), 120)
        try:
            _accept_kernel_dialog(page)
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click(timeout=10_000)
            page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click(timeout=10_000)
        except PlaywrightTimeout:  # a kernel dialog came up in between: accept it (next round) and try again
            continue
        try:
            _wait_for(page, panel.or_(error), 180 if attempt == 2 else 60)
            break
        except AssertionError:
            # a kernel replaced while the cells were queued drops them: run again (never more than 3 times)
            if attempt == 2:
                raise
    else:
        raise AssertionError("Run All Cells could not be started three times")
    assert not error.count() or panel.count(), f"the notebook failed: {error.first.text_content()[-2000:]}"
    expect(panel.locator(".mjs-summary")).to_contain_text("beurten")
    return panel


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
    main = page.locator("#jp-main-dock-panel")
    expect(main.locator(".jp-NotebookPanel, .jp-FileEditor").first).to_be_visible(timeout=30_000)
    assert main.locator(".jp-FileEditor").count() == 0, "double-click opened 00_verkennen.py in the text editor"
    expect(main.locator(".jp-Notebook .jp-Cell").first).to_be_visible()

    # 2. run it: the explorer appears
    panel = _run_all(page)

    # 3. filter: speakers and roles narrow with the neighbourhood; codes by Dutch label, id on hover
    speakers_all = _options(panel, ".mjs-filter-speaker")
    _choose(panel, ".mjs-filter-neighbourhood", "K-buurt")
    speakers_kb = _options(panel, ".mjs-filter-speaker")
    assert 1 < len(speakers_kb) < len(speakers_all) and set(speakers_kb) < set(speakers_all), speakers_kb
    codes = _options(panel, ".mjs-filter-code")
    assert "Vertrouwen" in codes and "vertrouwen" not in codes and "inclusie_bereik" not in codes, codes
    _choose(panel, ".mjs-filter-code", "Vertrouwen")
    expect(panel.locator(".mjs-filter-code select")).to_have_attribute("title", re.compile(r"\bvertrouwen\b"))
    chips = panel.locator(".mjs-turns .mjs-code")  # the list of turns shows codes by label, the id on hover
    pairs = chips.evaluate_all("els => els.map(e => [e.textContent, e.title])")
    assert ["Vertrouwen", "vertrouwen"] in pairs and all(re.fullmatch(r"[a-z_]+", t) and t != x for x, t in pairs)
    rows = panel.locator(".mjs-turns tr").count() - 1  # every listed turn carries the chosen code
    assert rows and panel.locator(".mjs-turns .mjs-code[title='vertrouwen']").count() == rows
    _choose(panel, ".mjs-filter-code", "(alle)")

    # 4. keyword in context: whole words, left context right-aligned, right context left-aligned, mm:ss
    _type(panel, ".mjs-query", "vertrouw")
    expect(panel.locator(".mjs-summary")).to_have_text(re.compile(r"^\d+ treffers in \d+ beurten$"))
    n_hits = int(panel.locator(".mjs-summary").text_content().split()[0])
    hits = panel.locator(".mjs-kwic td.mjs-hit").all_text_contents()
    assert len(hits) == n_hits > 0 and all(re.fullmatch(r"(?i)vertrouw\w*", h) for h in hits), hits
    rights = panel.locator(".mjs-kwic td.mjs-right").all_text_contents()
    assert not any(re.match(r"\w", r) for r in rights), rights  # never "vertrouw | en"
    assert panel.locator(".mjs-kwic td.mjs-left").first.evaluate("e => getComputedStyle(e).textAlign") == "right"
    assert panel.locator(".mjs-kwic td.mjs-right").first.evaluate("e => getComputedStyle(e).textAlign") == "left"
    times = panel.locator(".mjs-kwic td.mjs-time").all_text_contents()
    assert all(TIME.match(t) for t in times) and any(t for t in times), times

    # 5. read a hit in its conversation
    _choose(panel, ".mjs-chooser", _options(panel, ".mjs-chooser")[-1])
    context = panel.locator(".mjs-context")
    expect(context).to_contain_text("in zijn gesprek")
    expect(context.locator(".mjs-current")).to_contain_text(re.compile(r"vertrouw", re.IGNORECASE))

    # 6. a coder, a suggested turn with automatic codes: reject one
    _type(panel, ".mjs-coder", "tester", enter=True)
    progress = panel.locator(".mjs-progress")
    expect(progress).to_have_text(re.compile(r"^0 van \d+ beurten beoordeeld$"))
    total = int(re.search(r"van (\d+)", progress.text_content()).group(1))
    suggestion = _options(panel, ".mjs-next")[1]
    tid, turn = re.match(r"(\S+) beurt (\d+)", suggestion).groups()
    _choose(panel, ".mjs-next", suggestion)
    expect(panel.locator(".mjs-review-title")).to_contain_text(f"{tid} beurt {turn}")
    auto = panel.locator(".mjs-auto-code").first
    expect(auto).to_be_visible()
    rejected = auto.locator(".mjs-code").get_attribute("title")
    _act(panel, lambda: auto.locator("button", has_text="Klopt niet").click())
    expect(panel.locator(".mjs-status")).to_contain_text("Opgeslagen")
    expect(progress).to_have_text(f"1 van {total} beurten beoordeeld")
    rows = _coding_rows(coding_file)  # saved at once, before anything else happens
    assert [(r["transcript_id"], r["turn"], r["code"], r["decision"]) for r in rows] == [(tid, turn, rejected, "reject")]
    expect(panel.locator(f".mjs-auto-{rejected} .mjs-decision")).to_have_text("[klopt niet]")

    # 7. code the turn by hand with a code the tagger did not give; the definition is shown
    given = set(panel.locator(".mjs-auto-code .mjs-code").evaluate_all("els => els.map(e => e.title)"))
    label = next(text for text in _options(panel, ".mjs-add-code")
                 if text in ("Samenwerking", "Erkenning", "Zeggenschap") and text.lower() not in given)
    _choose(panel, ".mjs-add-code", label)
    expect(panel.locator(".mjs-definition")).not_to_be_empty()
    _click(panel, "Code toevoegen")
    expect(panel.locator(".mjs-hand-code")).to_contain_text(label)
    rows = _coding_rows(coding_file)
    assert [r["decision"] for r in rows] == ["reject", "add"] and rows[1]["coder"] == "tester"
    added = rows[1]["code"]

    # 8. a third decision, undone: the file keeps the first two
    _click(panel, "Geen code van toepassing")
    expect(panel.locator(".mjs-status")).to_contain_text("geen code")
    assert len(_coding_rows(coding_file)) == 3
    _click(panel, "Laatste beslissing ongedaan maken")
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
    panel = _run_all(page)
    _choose(panel, ".mjs-filter-neighbourhood", "K-buurt")
    _type(panel, ".mjs-coder", "tester", enter=True)
    expect(panel.locator(".mjs-progress")).to_have_text(f"1 van {total} beurten beoordeeld")
    _choose(panel, ".mjs-done", f"{tid} beurt {turn}")
    expect(panel.locator(f".mjs-auto-{rejected} .mjs-decision")).to_have_text("[klopt niet]")
    expect(panel.locator(".mjs-hand-code")).to_contain_text(label)
    assert [r["decision"] for r in _coding_rows(coding_file)] == ["reject", "add"]

"""The codebook: the demo codebook loads; every error is one line with the codebook's line number."""

from __future__ import annotations

import pytest

from mjs_analysis.codebook import Codebook, CodebookError

from .conftest import CORPUS

IDS = ["vertrouwen", "wantrouwen", "samenwerking", "co_creatie", "zeggenschap", "eigenaarschap",
       "communicatie", "kaders_regels", "rolverdeling", "financiering", "inclusie_bereik", "frustratie",
       "enthousiasme", "erkenning"]

GOOD = """\
version: 1
language: nl
codes:
  - id: relatie
    label: {nl: Relatie, en: Relationship}
    codable: false
  - id: vertrouwen
    parent: relatie
    label: {nl: Vertrouwen, en: Trust}
    definition: Vertrouwen in de gemeente.
    colour: "#1b9e77"
    rules:
      terms: [vertrouwen, "vertrouwens*", "*vertrouwen"]
      phrases: ["het menen"]
      regex: ['\\bop (haar|hem) bouwen\\b']
      exclude: [zelfvertrouwen]
      on_negation: wantrouwen
  - id: wantrouwen
    parent: relatie
    label: {nl: Wantrouwen, en: Distrust}
    rules:
      terms: [wantrouwen]
      on_negation: suppress
      min_hits: 1
"""


def errors_of(write, text):
    path = write("codebook.yml", text)
    with pytest.raises(CodebookError) as info:
        Codebook.load(path)
    return [str(p) for p in info.value.problems]


def test_demo_codebook_has_the_14_codes():
    cb = Codebook.load(CORPUS / "codebook.yml")
    assert cb.ids == IDS
    assert all(cb[c].label.get("nl") and cb[c].label.get("en") and cb[c].definition for c in cb.ids)
    assert all(cb[c].parent in {"relatie", "democratie", "proces", "beleving"} for c in cb.ids)
    assert all(not cb[c].rules.empty for c in cb.ids)
    assert cb["vertrouwen"].rules.on_negation == "wantrouwen"
    frame = cb.to_frame()
    assert set(frame.id) >= set(IDS) and frame.set_index("id").loc["relatie", "codable"] == False  # noqa: E712


def test_good_codebook(write):
    cb = Codebook.load(write("codebook.yml", GOOD))
    assert cb.ids == ["vertrouwen", "wantrouwen"]
    assert cb["vertrouwen"].rules.terms == ("vertrouwen", "vertrouwens*", "*vertrouwen")
    assert cb["vertrouwen"].label_in("en") == "Trust"


@pytest.mark.parametrize("change, expected", [
    (("  - id: wantrouwen\n", "  - id: wantrouwen\n    kleur: rood\n"),
     "codebook.yml:19: unknown key 'kleur' in code 'wantrouwen'"),
    (("language: nl\n", "language: nl\nauthor: X\n"), "codebook.yml:3: unknown key 'author' in the codebook"),
    (("      min_hits: 1\n", "      min_hits: 1\n      weight: 2\n"), "codebook.yml:25: unknown key 'weight' in the rules of 'wantrouwen'"),
    (("  - id: wantrouwen\n", "  - id: vertrouwen\n"), "codebook.yml:18: duplicate code id 'vertrouwen' (first on line 7)"),
    (("    parent: relatie\n    label: {nl: Wantrouwen", "    parent: relaties\n    label: {nl: Wantrouwen"),
     "codebook.yml:18: code 'wantrouwen' has unknown parent 'relaties'"),
    (("'\\bop (haar|hem) bouwen\\b'", "'(onafgesloten'"), "codebook.yml:15: invalid regex '(onafgesloten'"),
    (("'\\bop (haar|hem) bouwen\\b'", "'(ja)?'"), "codebook.yml:15: regex '(ja)?' matches the empty text"),
    (('"vertrouwens*"', '"ver*trouwen"'), "codebook.yml:13: term 'ver*trouwen' can never match: '*' is allowed only at the start or end"),
    (('"vertrouwens*"', '"geen vertrouwen"'), "codebook.yml:13: term 'geen vertrouwen' can never match: it has several words"),
    (('"vertrouwens*"', '"vertrouwen."'), "codebook.yml:13: term 'vertrouwen.' can never match: the tokenizer splits it"),
    (('"het menen"', '"het men*"'), "codebook.yml:14: phrase 'het men*' can never match"),
    (('"het menen"', '"menen"'), "codebook.yml:14: phrase 'menen' has one word; put it under 'terms'"),
    (("on_negation: wantrouwen", "on_negation: omdraaien"), "codebook.yml:7: on_negation of 'vertrouwen' must be keep, suppress or a code id"),
    (("min_hits: 1", "min_hits: 0"), "codebook.yml:24: min_hits of 'wantrouwen' must be a whole number >= 1"),
    (('colour: "#1b9e77"', "colour: groen"), "codebook.yml:11: colour of 'vertrouwen' must look like '#1b9e77'"),
    (("  - id: relatie\n", "  - id: Relatie\n"), "codebook.yml:4: code id must be lower case"),
    (("    label: {nl: Wantrouwen, en: Distrust}\n", ""), "codebook.yml:18: code 'wantrouwen' needs a label"),
    (("    codable: false\n", "    codable: false\n    parent: wantrouwen\n"), "code 'relatie' is its own ancestor"),
    (("      exclude: [zelfvertrouwen]", "      exclude: zelfvertrouwen"), "codebook.yml:16: 'exclude' must be a list of texts"),
    (("      exclude: [zelfvertrouwen]", "      exclude: [zelfvertrouwen]\n      weak: geloof"),
     "codebook.yml:17: 'weak' must be a list of texts"),
    (("      exclude: [zelfvertrouwen]", "      exclude: [zelfvertrouwen]\n      weak: [geloof, vertrouwen]"),
     "codebook.yml:17: 'vertrouwen' of 'vertrouwen' is both a weak cue and a term or phrase; keep one"),
    (("      exclude: [zelfvertrouwen]", "      exclude: [zelfvertrouwen]\n      weak: [ge*loof]"),
     "codebook.yml:17: term 'ge*loof' can never match: '*' is allowed only at the start or end"),
    (("      exclude: [zelfvertrouwen]", "      exclude: [zelfvertrouwen]\n      weak: [\"op haar*\"]"),
     "codebook.yml:17: phrase 'op haar*' can never match"),
    (("      exclude: [zelfvertrouwen]", "      exclude: [zelfvertrouwen]\n      weak: ['']"),
     "codebook.yml:17: 'weak' entries must be non-empty texts"),
])
def test_each_error_names_its_line(write, change, expected):
    old, new = change
    assert old in GOOD, old
    errors = errors_of(write, GOOD.replace(old, new, 1))
    assert any(expected in e for e in errors), errors


def test_weak_cues_are_loaded(write):
    text = GOOD.replace("      exclude: [zelfvertrouwen]", "      exclude: [zelfvertrouwen]\n      weak: [Geloof, \"op haar\"]")
    cb = Codebook.load(write("codebook.yml", text))
    assert cb["vertrouwen"].rules.weak == ("geloof", "op haar") and cb["wantrouwen"].rules.weak == ()


def test_demo_codebook_uses_weak_cues():
    cb = Codebook.load(CORPUS / "codebook.yml")
    assert "geld" in cb["financiering"].rules.weak and "geld" not in cb["financiering"].rules.terms


def test_invalid_yaml(write):
    (err,) = errors_of(write, "codes:\n  - id: [x\n")
    assert err.startswith(str(write("codebook.yml", "codes:\n  - id: [x\n"))) and "invalid YAML" in err


def test_no_codes(write):
    assert errors_of(write, "version: 1\n") == [f"{write('codebook.yml', 'version: 1')}:1: a codebook needs a top-level 'codes:' list"]


def test_all_errors_reported_at_once(write):
    text = GOOD.replace("  - id: wantrouwen\n", "  - id: vertrouwen\n").replace("'\\bop (haar|hem) bouwen\\b'", "'(x'")
    assert len(errors_of(write, text)) == 3  # the duplicate, the regex, and on_negation now pointing nowhere

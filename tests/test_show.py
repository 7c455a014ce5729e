"""``mjs validate --show``: how each file was read, so a researcher can check it before any analysis."""

from __future__ import annotations

from mjs_analysis.cli import main


def test_validate_show_names_style_speakers_roles_preamble_and_guesses(tmp_path, write, capsys):
    write("a.txt", "Interview Geuzenveld\n(S = Student; I = Interviewer)\nS: Hoe lang woont u hier?\n"
                   "I: Tien jaar.\nS: En?\n")
    write("b.md", "**Kees:** Ik woon hier.\n**Sanne:** Sinds wanneer?\n**Kees:** Lang.\n**Sanne:** En?\n")
    write("README.md", "# Over deze map\n")
    assert main(["validate", "--show", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"{tmp_path / 'a.txt'}  [txt, id a, 4 turns]\n  style: colon (3 turns)\n" in out
    assert "  speaker 'S': respondent (by legend), 2 turns\n  speaker 'I': interviewer (by legend), 1 turns\n" in out
    assert "  preamble (line 1, role none, not coded): 'Interview Geuzenveld (S = Student; I = Interviewer)'" in out
    assert "  legend: S = Student; I = Interviewer" in out
    assert "  style: bold_colon (4 turns)\n  speaker 'Kees': respondent (by guess), 2 turns\n" in out
    assert "  guess: 'Sanne' is the interviewer: asks 2 questions, 'Kees' 0" in out
    assert f"note: {tmp_path / 'README.md'}: left alone" in out
    assert "b.md: warning: no speakers.csv row, metadata, legend or label names the interviewer; guessed" in out


def test_validate_without_show_prints_only_problems(tmp_path, write, capsys):
    write("a.txt", "I: Hoe?\nR: Zo.\n")
    main(["validate", str(tmp_path)])
    assert "style:" not in capsys.readouterr().out

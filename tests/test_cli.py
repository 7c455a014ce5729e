"""The ``mjs`` command line: exit codes, one line per problem, no tracebacks, output formats."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from mjs_analysis.cli import main


@pytest.fixture
def folder(tmp_path, write):
    write("metadata.csv", "transcript_id,neighbourhood,district,date,interviewer,respondent_role,language\n"
                          "a1,K-buurt,Zuidoost,2020-01-09,Onderzoeker B,bewoner,nl\n")
    write("a1.txt", "I: Hoe was het?\nR: Goed [lacht].\n")
    return tmp_path


def test_validate_clean_folder(folder, capsys):
    assert main(["validate", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert "1 transcripts read, 2 turns; 0 error(s)" in err


def test_validate_warnings_only_exit_zero(folder, write, capsys):
    write("los.txt", "I: a\nR: b\n")
    assert main(["validate", str(folder)]) == 0
    assert "los.txt: warning: transcript 'los' has no metadata" in capsys.readouterr().out


def test_validate_errors_one_line_each_no_traceback(folder, write, capsys):
    write("leeg.txt", "")
    write("b.vtt", "00:01.000 --> 00:02.000\nhallo\n")
    write("c.txt", "---\ndate: morgen\n---\nI: a\n")
    assert main(["validate", str(folder)]) == 1
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].endswith("b.vtt:1: missing 'WEBVTT' header on the first line")
    assert lines[1].endswith("c.txt:2: metadata field 'date' must be a date as YYYY-MM-DD; got 'morgen'")
    assert lines[2].endswith("leeg.txt: file is empty or contains only whitespace")
    assert "Traceback" not in out + err


def test_segments_csv_and_jsonl(folder, tmp_path, capsys):
    out_csv = tmp_path / "out" / "seg.csv"
    assert main(["segments", str(folder), "--output", str(out_csv)]) == 0
    frame = pd.read_csv(out_csv)
    assert frame.text.tolist() == ["Hoe was het?", "Goed [lacht]."]
    assert frame.annotations.fillna("").tolist() == ["", "[lacht]"]
    capsys.readouterr()
    assert main(["segments", str(folder), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[1]["speaker"] == "R" and rows[1]["annotations"] == ["[lacht]"]
    assert rows[1]["neighbourhood"] == "K-buurt"


def test_segments_with_bad_file_still_writes_the_good_ones(folder, write, capsys):
    write("leeg.txt", "")
    assert main(["segments", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert "leeg.txt: file is empty" in err
    assert "Hoe was het?" in out


def test_help_on_every_subcommand(capsys):
    for command in ("validate", "segments", "tag", "agreement", "cache"):
        with pytest.raises(SystemExit) as info:
            main([command, "--help"])
        assert info.value.code == 0
        assert "usage: mjs " + command in capsys.readouterr().out


def test_console_script_installed(folder):
    bindir = __import__("pathlib").Path(sys.executable).parent
    result = subprocess.run([str(bindir / "mjs"), "validate", str(folder / "nope.txt")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout.strip().endswith("nope.txt: no such file or folder")
    assert "Traceback" not in result.stderr


def test_tag_command(folder, write, tmp_path, capsys):
    codebook = write("cb.yml", "codes:\n  - id: lachen\n    label: {nl: Lachen}\n    rules: {terms: [goed], regex: ['\\[lacht\\]']}\n")
    out = tmp_path / "tags.csv"
    assert main(["tag", str(folder), "--codebook", str(codebook), "--output", str(out), "--no-cache"]) == 0
    frame = pd.read_csv(out)
    assert frame[["transcript_id", "turn", "code"]].values.tolist() == [["a1", 1, "lachen"]]
    assert frame.loc[0, "evidence"] == "Goed [lacht]." and "regex:" in frame.loc[0, "rule"]
    assert frame.loc[0, "pipeline"].startswith("nl_blank_lookups")
    assert main(["tag", str(folder), "--codebook", str(codebook), "--all-speakers", "--format", "jsonl"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1  # "Hoe was het?" has no match


def test_tag_with_broken_codebook_is_one_line(folder, write, capsys):
    codebook = write("cb.yml", "codes:\n  - id: x\n    label: {nl: X}\n    rules: {regex: ['(']}\n")
    assert main(["tag", str(folder), "--codebook", str(codebook)]) == 1
    err = capsys.readouterr().err
    assert "cb.yml:4: invalid regex '('" in err and "Traceback" not in err


def test_agreement_command(folder, write, capsys):
    codebook = write("cb.yml", "codes:\n  - id: goed\n    label: {nl: Goed}\n    rules: {terms: [goed]}\n")
    a = write("a.csv", "transcript_id,turn,code,coder\na1,1,goed,A\n")
    b = write("b.csv", "transcript_id,turn,code,coder\na1,1,goed,B\n")
    assert main(["agreement", str(a), str(b), "--tagger", "--corpus", str(folder), "--codebook", str(codebook)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["coder_a", "coder_b", "code", "n_units", "n_a", "n_b", "alpha", "kappa",
                                "precision", "recall", "f1"]
    assert any(line.split()[:3] == ["A", "tagger", "goed"] for line in lines)
    typo = write("d.csv", "transcript_id,turn,code,coder\na1,1,goedd,D\n")
    assert main(["agreement", str(a), str(typo), "--corpus", str(folder), "--codebook", str(codebook)]) == 0
    assert "codes the codebook does not have, left out: goedd (1x)" in capsys.readouterr().err
    bad = write("c.csv", "transcript_id,turn,code,coder\na1,0,goed,C\n")  # turn 0 is the interviewer's
    assert main(["agreement", str(bad), "--corpus", str(folder), "--codebook", str(codebook)]) == 1
    assert "not respondent turns" in capsys.readouterr().err


def test_cache_command(capsys):
    assert main(["cache", "path"]) == 0
    where = capsys.readouterr().out.strip()
    assert main(["cache", "clear"]) == 0
    assert f"from {where}" in capsys.readouterr().out

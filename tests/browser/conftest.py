"""JupyterLab on a temporary copy of a small corpus, and the system's Chromium driven by Playwright.

Collected only when tests/browser is named on the command line (``make test-browser``). Needs the
``browser`` extra (``pip install -e '.[browser]'``) and Chromium on the PATH (Debian: ``apt-get install
chromium``; ``MJS_CHROMIUM`` may name another binary). Playwright's own browser download is not used.
On failure a screenshot and the server log go to ``build/browser-test/``.
"""

from __future__ import annotations

import csv
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ..conftest import CORPUS, ROOT

TRANSCRIPTS = ("sln01.txt", "kb01.txt", "hd01.txt")  # three neighbourhoods, small enough for a quick run
ARTIFACTS = ROOT / "build" / "browser-test"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    found = os.environ.get("MJS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("no Chromium on the PATH: install Debian's 'chromium' (apt-get install -y chromium) "
                    "or set MJS_CHROMIUM; Playwright's own browser download is not used", pytrace=False)
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A temporary project: corpus/ (three transcripts, their metadata rows, the codebook) and notebooks/."""
    root = tmp_path_factory.mktemp("lab")
    corpus = root / "corpus"
    corpus.mkdir()
    ids = set()
    for name in TRANSCRIPTS:
        shutil.copy(CORPUS / name, corpus)
        ids.add(Path(name).stem)
    shutil.copy(CORPUS / "codebook.yml", corpus)
    with open(CORPUS / "metadata.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(corpus / "metadata.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in rows if r["transcript_id"] in ids)
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "00_verkennen.py", root / "notebooks")
    return root


@pytest.fixture(scope="module")
def lab(workspace):
    """JupyterLab from this environment on 127.0.0.1, a free port and a token, isolated from the home folder.

    The notebook view as default viewer is NOT passed here: it must come from the project's own settings
    in the environment (``make setup``), as in ``make lab``.
    """
    port, token = _free_port(), secrets.token_hex(16)
    private = workspace / "_jupyter"
    env = dict(os.environ)
    env.update({
        "JUPYTER_CONFIG_DIR": str(private / "config"), "JUPYTER_DATA_DIR": str(private / "data"),
        "JUPYTER_RUNTIME_DIR": str(private / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(private / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(private / "workspaces"), "IPYTHONDIR": str(private / "ipython"),
        "MJS_NLP": "blank", "MJS_CACHE_DIR": str(private / "cache"), "PYTHONWARNINGS": "ignore",
    })
    log_path = workspace / "jupyterlab.log"
    log = open(log_path, "w", encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    proc = subprocess.Popen(
        [str(bin_dir / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={workspace / 'notebooks'}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        cwd=workspace / "notebooks", env={**env, "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"},
        stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            pytest.fail(f"JupyterLab stopped at start:\n{log_path.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.terminate()
            pytest.fail(f"JupyterLab did not answer within 90 s:\n{log_path.read_text()}", pytrace=False)
        time.sleep(0.5)
    yield {"base": base, "token": token, "log": log_path, "root": workspace}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


@pytest.fixture
def page(request, lab, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=chromium_path(), headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": 1400, "height": 1000})
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(60_000)
        page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" on reload
        try:
            yield page
        finally:
            if getattr(request.node, "failed_call", False):
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                shot = ARTIFACTS / f"{request.node.name}.png"
                try:
                    page.screenshot(path=str(shot), full_page=True)
                    print(f"\nscreenshot: {shot}")
                except Exception as exc:  # the page may be gone; the log is still worth having
                    print(f"\nno screenshot: {exc}")
                shutil.copy(lab["log"], ARTIFACTS / f"{request.node.name}.jupyterlab.log")
            context.close()

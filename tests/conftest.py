"""Shared fixtures: the built site, a local HTTP server for it, and Debian's Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these flags Chromium floods a closed network with update and sync requests.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mkdocs_build(config: Path, site_dir: Path, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "-f", str(config), "-d", str(site_dir)],
                          cwd=config.parent, capture_output=True, text=True, env={**ENV, **(extra_env or {})})


def copy_project(destination: Path) -> Path:
    """A throwaway copy of everything a build reads, for tests that break things on purpose."""
    for name in ("docs", "data", "overrides"):
        shutil.copytree(ROOT / name, destination / name)
    # pyproject.toml holds the spelling check's allowed words.
    for name in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, destination / name)
    # mkdocs.yml names its hook file by path; the extensions themselves import from the installed package.
    (destination / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "hooks.py", destination / "scripts" / "hooks.py")
    return destination


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class SiteServer:
    """Serves a folder on 127.0.0.1 the way a static host does (index.html for directories)."""

    def __init__(self, directory: Path):
        handler = functools.partial(QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT / "mkdocs.yml", site)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site


@pytest.fixture(scope="session")
def site_url(built_site) -> str:
    with SiteServer(built_site) as server:
        yield server.url


def built_pages(site: Path) -> list[Path]:
    """Every HTML page readers can open (the 404 page and search index excluded)."""
    return sorted(p for p in site.rglob("index.html") if "assets" not in p.parts and "search" not in p.parts)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run 'make chromium' (or apt-get install chromium); browser tests never skip.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


# The gate must give the same answer every time: in CI, Hypothesis explores a fixed set of
# examples; locally it keeps exploring new ones (and remembers failures in .hypothesis/).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")

"""`make serve` answers on 127.0.0.1 (on a free port here, so it never clashes with a maintainer's server),
shows drafts that have problems while printing each problem with file:line, and rebuilds when data/ changes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ENV, ROOT, free_port


@pytest.mark.slow
def test_make_serve_answers_on_loopback():
    port = free_port()
    process = subprocess.Popen(["make", "--no-print-directory", "serve", f"PORT={port}"], cwd=ROOT, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"make serve exited early:\n{process.stdout.read()}")
                time.sleep(0.5)
        assert "Ketamine for depression" in body
        assert 'class="crisis"' in body
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


# --- Drafts and data: a copy of the project, so the real docs/ and data/ are never touched -------------

PROJECT_FILES = ("docs", "data", "overrides", "scripts", "mkdocs.yml", "pyproject.toml")
ANTIDEPRESSANT = "A medicine used to treat depression. Most are taken as a daily tablet and take a few weeks to start working."


class Server:
    """`python -m scripts serve` in a project copy, its output collected line by line."""

    def __init__(self, project: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/guide/"
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scripts", "serve", "--dev-addr", f"127.0.0.1:{self.port}"], cwd=project,
            env={**ENV, "PYTHONPATH": str(project)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        threading.Thread(target=lambda: self.lines.extend(iter(self.process.stdout.readline, "")), daemon=True).start()

    def output(self) -> str:
        return "".join(self.lines)

    def get(self, path: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as response:
                    return response.read().decode()
            except OSError:
                if self.process.poll() is not None:
                    pytest.fail(f"serve exited early:\n{self.output()}")
                time.sleep(0.5)
        pytest.fail(f"no answer from {self.url + path}:\n{self.output()}")

    def wait_for(self, condition, what: str, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.5)
        pytest.fail(f"{what} did not happen within {timeout} s:\n{self.output()}")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=20)


@pytest.fixture
def project(tmp_path):
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    return tmp_path


@pytest.mark.slow
def test_a_draft_with_an_unknown_citation_is_served_and_its_problems_printed_with_file_and_line(project):
    draft = project / "docs" / "guide" / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    line = DRAFT.splitlines().index("Ketamine is studied for depression [@nosuchkey2099].") + 1
    server = Server(project)
    try:
        body = server.get("guide/draft/")
        assert "A draft page" in body and 'class="crisis"' in body
        server.wait_for(lambda: "Content check:" in server.output(), "the first content check")
        assert re.search(rf"^  docs/guide/draft\.md:{line}:\d+: CIT002 .*nosuchkey2099", server.output(), re.M), server.output()
    finally:
        server.stop()


@pytest.mark.slow
def test_editing_the_glossary_rebuilds_the_pages_and_checks_again(project):
    server = Server(project)
    try:
        assert ANTIDEPRESSANT in server.get("guide/standard-treatments/")
        server.wait_for(lambda: "Content check: no problems." in server.output(), "the first content check")
        glossary = project / "data" / "glossary.yaml"
        text = glossary.read_text(encoding="utf-8")
        assert ANTIDEPRESSANT in text
        glossary.write_text(text.replace(ANTIDEPRESSANT, "A medicine for depression, as redefined by this test."),
                            encoding="utf-8")
        server.wait_for(lambda: "as redefined by this test" in server.get("guide/standard-treatments/"),
                        "a rebuild after data/glossary.yaml changed")
        server.wait_for(lambda: "Files changed: checking again." in server.output(), "a second content check")
    finally:
        server.stop()


@pytest.mark.slow
def test_a_page_made_by_new_page_while_serving_is_served_and_its_placeholders_reported(project):
    server = Server(project)
    try:
        server.get("")
        server.wait_for(lambda: "Content check: no problems." in server.output(), "the first content check")
        made = subprocess.run([sys.executable, "-m", "scripts", "new-page", "guide/sleep.md", "Ketamine and sleep"],
                              cwd=project, env={**ENV, "PYTHONPATH": str(project)}, capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        server.wait_for(lambda: "Ketamine and sleep" in server.get("guide/sleep/"), "the new page being served")
        server.wait_for(lambda: re.search(r"^  docs/guide/sleep\.md:3:\d+: PAGE002 ", server.output(), re.M),
                        "the scaffold's stand-in text being reported")
        assert server.process.poll() is None
    finally:
        server.stop()


def test_make_serve_is_not_strict_but_build_is():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    serve = re.search(r"^serve: .*\n\t(.*)", makefile, re.M).group(1)
    build = re.search(r"^build: .*\n\t(.*)", makefile, re.M).group(1)
    assert "python -m scripts serve" in serve and "--strict" not in serve
    assert "--strict" in build


DRAFT = """\
---
title: "A draft page"
description: A draft page for the serve test.
version: 0.1.0
last_reviewed: 2026-11-27
next_review: 2027-11-27
regulatory: false
clinical_review:
  status: pending
changes:
  - version: 0.1.0
    date: 2026-11-27
    summary: First draft.
---

# A draft page

Ketamine is studied for depression [@nosuchkey2099].
"""


# --- make serve-built: a built site such as the CI's preview artifact ------------------------------


def test_serve_site_serves_a_built_folder_with_directory_urls(tmp_path):
    site = tmp_path / "site-preview"
    (site / "guide" / "side-effects").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (site / "guide" / "side-effects" / "index.html").write_text("<p>side effects</p>", encoding="utf-8")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "scripts", "serve-site", str(site), "--port", str(port)], cwd=ROOT,
                               env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        body, deadline = "", time.monotonic() + 30
        while time.monotonic() < deadline and not body:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/guide/side-effects/", timeout=2) as response:
                    body = response.read().decode()
            except OSError:
                assert process.poll() is None, process.stdout.read()
                time.sleep(0.2)
        assert body == "<p>side effects</p>"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    assert f"Serving {site} on http://127.0.0.1:{port}/" in process.stdout.read()


def test_serve_site_refuses_a_folder_that_is_not_a_built_site_and_suggests_the_inner_one(tmp_path):
    (tmp_path / "download" / "site").mkdir(parents=True)
    (tmp_path / "download" / "site" / "index.html").write_text("x", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "scripts", "serve-site", str(tmp_path / "download")], cwd=ROOT, env=ENV,
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "has no index.html" in result.stderr and f"did you mean DIR={tmp_path / 'download' / 'site'}?" in result.stderr


def test_previewing_on_a_phone_and_the_ci_artifact_are_documented():
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "make serve HOST=0.0.0.0" in contributing and "Caveat" in contributing
    assert "make serve-built DIR=site-preview" in contributing
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^serve-built: .*\n(\t.*\n)*\t.*python -m scripts serve-site \"\$\(DIR\)\" --host \$\(HOST\)", makefile, re.M)

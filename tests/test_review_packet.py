"""`make review-packet`: every page due for clinical review, printable, with what a clinician needs to check it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from test_accountability import (BUMPED, CURRENT, FIXTURE_REVIEWERS, PAGE, bump_version, env_for, git, page_version,
                                 project_copy, record_review)

pytestmark = pytest.mark.slow
ADDED = "A sentence added after the clinical review (test)."


def packet(project: Path, out: Path) -> tuple[BeautifulSoup, bytes]:
    result = subprocess.run([sys.executable, "-m", "scripts", "review-packet", "--out", str(out)], cwd=project,
                            capture_output=True, text=True, env=env_for(project))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "page(s) due for clinical review" in result.stdout
    html = BeautifulSoup((out / "review-packet.html").read_text(encoding="utf-8"), "html.parser")
    return html, (out / "review-packet.pdf").read_bytes()


def section_for(html: BeautifulSoup, path: str):
    for section in html.select("section.page"):
        if section.select_one(".meta dd").get_text(strip=True) == path:
            return section
    return None


def reviewed_and_changed(project: Path) -> None:
    """benefits.md and faq.md reviewed at their current versions; bump_version then changes benefits.md."""
    (project / "data" / "reviewers.yaml").write_text(FIXTURE_REVIEWERS, encoding="utf-8")
    record_review(project)
    record_review(project, version=page_version(project / "docs" / "faq.md"), page="docs/faq.md")


@pytest.fixture
def git_project(tmp_path) -> Path:
    project = project_copy(tmp_path / "project")
    reviewed_and_changed(project)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Reviewed", author="Ada Example")
    bump_version(project)
    page = project / PAGE
    page.write_text(page.read_text(encoding="utf-8") + f"\n{ADDED}\n", encoding="utf-8")
    git(project, "commit", "-q", "-am", "Changed after review", author="Ada Example")
    return project


def test_the_packet_holds_every_due_page_with_its_changes_diff_sources_and_numbered_lines(git_project, tmp_path):
    html, pdf = packet(git_project, tmp_path / "out")
    sections = html.select("section.page")
    pending = [p for p in (git_project / "docs").rglob("*.md") if "status: pending" in p.read_text(encoding="utf-8")]
    assert len(sections) == len(pending) + 1, "every pending page, and the page changed since its review"
    assert section_for(html, "docs/faq.md") is None, "a page reviewed at its current version is not due"

    changed = section_for(html, PAGE)
    assert f"Changed since its clinical review of version {CURRENT} on 2026-12-03." in changed.get_text(" ", strip=True)
    assert [li.get_text(" ", strip=True) for li in changed.select("ol li")] == \
        [f"{BUMPED} (2026-12-03): Added a sentence (test)."], "only the changes after the reviewed version"
    diff = changed.select_one("pre.diff").get_text()
    assert f"+{ADDED}" in diff and f"+version: {BUMPED}" in diff and f"-version: {CURRENT}" in diff

    source = (git_project / PAGE).read_text(encoding="utf-8").split("\n")
    rows = changed.select("table.source tr")
    assert len(rows) == len(source)
    numbered = {int(r.select_one("td.n").get_text()): r.select_one("td.line").get_text() for r in rows}
    assert numbered[1] == "---" and numbered[len(source) - 1] == ADDED

    # Each cited work, with the lines citing it and its bibliography notes.
    bibliography = {r["id"]: r for r in yaml.safe_load((git_project / "data" / "references.yaml").read_text(encoding="utf-8"))}
    first = changed.select_one(".reference")
    key = first.select_one(".label").get_text().strip("[]")
    text = " ".join(first.get_text(" ").split())
    assert " ".join(str(bibliography[key]["note"]).split()) in text
    lines = [int(n) for n in re.search(r"Cited on lines: ([\d, ]+)", text).group(1).split(", ")]
    assert all(f"[@{key}" in source[n - 1] or f"@{key}" in source[n - 1] for n in lines)

    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) > len(sections)


def test_a_pending_page_lists_its_whole_history_and_no_diff(git_project, tmp_path):
    html, _ = packet(git_project, tmp_path / "out")
    section = section_for(html, "docs/privacy.md")
    assert "Not yet reviewed by a clinician." in section.get_text()
    assert section.select("ol li") and section.select_one("pre.diff") is None


def test_outside_git_the_packet_still_builds_and_says_no_diff_was_found(tmp_path):
    project = project_copy(tmp_path / "project")
    reviewed_and_changed(project)
    bump_version(project)
    html, pdf = packet(project, tmp_path / "out")
    assert f"No commit with version {CURRENT} was found" in section_for(html, PAGE).get_text()
    assert "a copy of the sources outside git" in html.get_text()
    assert pdf.startswith(b"%PDF-")

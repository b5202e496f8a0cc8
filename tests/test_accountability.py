"""Who wrote a page, who reviewed it, and how to report a problem privately.

No reviewer is ever recorded in the real data: every review record here lives in
a throwaway copy of the project, which also carries its own copy of scripts/
(PYTHONPATH points at it), so the copy's data/reviewers.yaml is the one read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ENV, ROOT, copy_project
from scripts import sources

PAGE = "docs/guide/benefits.md"
BUILT_PAGE = Path("guide/benefits/index.html")
# Plainly not a person: the fixture's reviewer exists only in temporary copies of the project.
FIXTURE_REVIEWERS = """\
- id: fixture-reviewer
  name: Fixture Reviewer (test data)
  role: Test fixture, not a real clinician
  conflicts: None declared (test data).
  url: https://example.org/fixture-reviewer
"""
PENDING = "clinical_review:\n  status: pending\n"


def page_version(path: Path) -> str:
    return re.search(r"^version: (\S+)$", path.read_text(encoding="utf-8"), re.M).group(1)


# The page's version as it is now, and the next minor version, which a test change bumps it to.
CURRENT = page_version(ROOT / PAGE)
BUMPED = "{}.{}.0".format(CURRENT.split(".")[0], int(CURRENT.split(".")[1]) + 1)
GIT_ENV = {**ENV, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_COMMITTER_NAME": "Test Committer", "GIT_COMMITTER_EMAIL": "committer@example.org"}


def project_copy(destination: Path) -> Path:
    project = copy_project(destination)
    shutil.rmtree(project / "scripts")
    shutil.copytree(ROOT / "scripts", project / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    return project


def env_for(project: Path) -> dict:
    return {**ENV, "PYTHONPATH": str(project)}


def record_review(project: Path, reviewer: str = "fixture-reviewer", version: str = CURRENT, date: str = "2026-12-03",
                  page: str = PAGE) -> None:
    page = project / page
    text = page.read_text(encoding="utf-8")
    assert PENDING in text
    record = f"clinical_review:\n  status: reviewed\n  reviewer: {reviewer}\n  version: '{version}'\n  date: {date}\n"
    page.write_text(text.replace(PENDING, record, 1), encoding="utf-8")


def bump_version(project: Path, new: str = BUMPED) -> None:
    page = project / PAGE
    text = page.read_text(encoding="utf-8")
    text = text.replace(f"\nversion: {CURRENT}\n", f"\nversion: {new}\n", 1)
    entry = f"  - version: {new}\n    date: 2026-12-03\n    summary: Added a sentence (test).\n"
    text = text.replace("changes:\n", "changes:\n" + entry, 1)
    page.write_text(text, encoding="utf-8")


def build(project: Path, site: Path) -> BeautifulSoup:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=project,
                            capture_output=True, text=True, env=env_for(project))
    assert result.returncode == 0, result.stdout + result.stderr
    return BeautifulSoup((site / BUILT_PAGE).read_text(encoding="utf-8"), "html.parser")


def check(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts", "check"], cwd=project, capture_output=True, text=True,
                          env=env_for(project))


def clinical_review_text(page: BeautifulSoup) -> str:
    return " ".join(page.select_one("section.page-info .page-info__clinical-review").get_text().split())


@pytest.fixture
def reviewed_project(tmp_path) -> Path:
    project = project_copy(tmp_path / "project")
    (project / "data" / "reviewers.yaml").write_text(FIXTURE_REVIEWERS, encoding="utf-8")
    record_review(project)
    return project


def test_the_real_data_names_no_reviewer():
    reviewers, problems = __import__("scripts.sources", fromlist=["load_reviewers"]).load_reviewers()
    assert reviewers == {} and problems == []
    for path in (ROOT / "docs").rglob("*.md"):
        assert "status: reviewed" not in path.read_text(encoding="utf-8"), path


@pytest.mark.slow
def test_a_reviewed_page_names_its_reviewer_then_says_when_it_changed_since(reviewed_project, tmp_path):
    assert check(reviewed_project).returncode == 0, check(reviewed_project).stdout
    text = clinical_review_text(build(reviewed_project, tmp_path / "site"))
    assert "Reviewed by Fixture Reviewer (test data), Test fixture, not a real clinician, on 3 December 2026" in text
    assert f"(page version {CURRENT})" in text and "None declared (test data)." in text
    assert "Changed since clinical review" not in text

    bump_version(reviewed_project)
    assert check(reviewed_project).returncode == 0, check(reviewed_project).stdout
    page = build(reviewed_project, tmp_path / "site-after")
    text = clinical_review_text(page)
    assert text.startswith("Changed since clinical review.")
    assert f"reviewed version {CURRENT} of this page on 3 December 2026" in text
    link = page.select_one(".page-info__clinical-review a")
    assert link["href"] == "https://example.org/fixture-reviewer" and link.get_text() == "Fixture Reviewer (test data)"


def test_reviewer_values_are_escaped(tmp_path):
    project = project_copy(tmp_path / "project")
    (project / "data" / "reviewers.yaml").write_text(
        FIXTURE_REVIEWERS.replace("Test fixture, not a real clinician", "'<img src=x onerror=alert(1)>'"), encoding="utf-8")
    record_review(project)
    page = build(project, tmp_path / "site")
    box = page.select_one(".page-info__clinical-review")
    assert box.find("img") is None and "<img src=x onerror=alert(1)>" in box.get_text()


def problem_lines(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines()


def rule_link(code: str) -> str:
    """Every message ends with a link to its rule's row in CONTRIBUTING.md."""
    return f" {sources.RULES_URL}{code.lower()}"


def test_an_unknown_reviewer_fails_the_check_naming_page_line_and_a_close_match(reviewed_project, tmp_path):
    page = reviewed_project / PAGE
    page.write_text(page.read_text(encoding="utf-8").replace("reviewer: fixture-reviewer", "reviewer: fixture-reviwer"),
                    encoding="utf-8")
    line = page.read_text(encoding="utf-8").split("\n").index("  reviewer: fixture-reviwer") + 1
    assert problem_lines(check(reviewed_project)) == [
        f"{PAGE}:{line}:13: CLIN001 unknown clinical reviewer 'fixture-reviwer' (did you mean 'fixture-reviewer'?)" + rule_link("CLIN001")]
    # The build refuses it too, so a page can never name a reviewer nobody recorded.
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                            cwd=reviewed_project, capture_output=True, text=True, env=env_for(reviewed_project))
    assert result.returncode != 0 and "unknown clinical reviewer 'fixture-reviwer'" in result.stderr


def test_a_reviewed_version_after_the_pages_and_a_future_date_are_refused(tmp_path):
    project = project_copy(tmp_path / "project")
    (project / "data" / "reviewers.yaml").write_text(FIXTURE_REVIEWERS, encoding="utf-8")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    record_review(project, version="99.0.0", date=tomorrow)
    lines = (project / PAGE).read_text(encoding="utf-8").split("\n")
    version_line, date_line = lines.index("  version: '99.0.0'") + 1, lines.index(f"  date: {tomorrow}") + 1
    assert problem_lines(check(project)) == [
        f"{PAGE}:{version_line}:12: CLIN002 reviewed version 99.0.0 is later than the page's version {CURRENT} "
        "(record the version the clinician actually reviewed, at most the page's version)" + rule_link("CLIN002"),
        f"{PAGE}:{date_line}:9: CLIN003 clinical review date {tomorrow} is in the future "
        f"(record the day the review happened, on or before {dt.date.today()})" + rule_link("CLIN003"),
    ]


def test_a_reviewer_without_a_conflicts_statement_is_refused(tmp_path):
    project = project_copy(tmp_path / "project")
    (project / "data" / "reviewers.yaml").write_text(FIXTURE_REVIEWERS.replace("  conflicts: None declared (test data).\n", ""),
                                                      encoding="utf-8")
    lines = problem_lines(check(project))
    assert lines == ["data/reviewers.yaml:1:1: RVW004 reviewer 'fixture-reviewer' has no conflicts of interest statement "
                     "(write conflicts: with the reviewer's own declaration, e.g. 'None declared.' if that is what they declared)" + rule_link("RVW004")]


@pytest.mark.parametrize("text, code", [
    ("{id: x}", "RVW001"),
    ("- id: Not An Id\n  name: A\n  role: B\n  conflicts: C\n", "RVW002"),
    ("- id: a-b\n  name: A\n  conflicts: C\n", "RVW003"),
    ("- id: a-b\n  name: A\n  role: B\n  conflicts: C\n  url: http://example.org/\n", "RVW005"),
    ("- id: a-b\n  name: A\n  role: B\n  conflicts: C\n- id: a-b\n  name: A\n  role: B\n  conflicts: C\n", "RVW002"),
    ("- id: [unclosed\n", "YAML001"),
])
def test_malformed_reviewer_data_is_reported_with_its_line(tmp_path, text, code):
    from scripts import sources

    path = tmp_path / "reviewers.yaml"
    path.write_text(text, encoding="utf-8")
    reviewers, problems = sources.load_reviewers(path)
    assert [p.code for p in problems] == [code]


# --- Authors from the git history ------------------------------------------------


def git(project: Path, *args: str, author: str | None = None) -> None:
    env = {**GIT_ENV, **({"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "author@example.org"} if author else {})}
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, env=env)


@pytest.fixture
def git_project(tmp_path) -> Path:
    """A copy of the project as a git repository: one author wrote it, a second changed one page."""
    project = project_copy(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "First version", author="Ada Example")
    page = project / PAGE
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    git(project, "commit", "-q", "-am", "Second author's change", author="Grace Exämple")
    return project


def authors_text(page: BeautifulSoup) -> str | None:
    element = page.select_one(".page-info__authors")
    return element.get_text(" ", strip=True) if element else None


@pytest.mark.slow
def test_each_page_names_who_changed_it_from_the_git_history(git_project, tmp_path):
    site = tmp_path / "site"
    page = build(git_project, site)
    assert authors_text(page).startswith("Ada Example, Grace Exämple (")
    faq = BeautifulSoup((site / "faq" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert authors_text(faq).startswith("Ada Example (")


def test_outside_a_git_checkout_no_authors_are_shown_and_nothing_fails(tmp_path):
    project = project_copy(tmp_path / "project")
    page = build(project, tmp_path / "site")
    assert authors_text(page) is None
    assert "Written and changed by" not in page.get_text()


def test_one_git_log_serves_every_page(git_project, monkeypatch):
    from scripts.extensions import accountability

    calls = []
    real_run = subprocess.run

    def counting_run(command, *args, **kwargs):
        if "log" in command:
            calls.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(accountability.subprocess, "run", counting_run)
    accountability._authors.cache_clear()
    docs = git_project / "docs"
    assert accountability.page_authors(docs, "guide/benefits.md") == ("Ada Example", "Grace Exämple")
    assert accountability.page_authors(docs, "faq.md") == ("Ada Example",)
    assert accountability.page_authors(docs, "no-such-page.md") == ()
    assert len(calls) == 1
    # A new commit moves HEAD, so the next build reads the history again.
    (docs / "faq.md").write_text((docs / "faq.md").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    git(git_project, "commit", "-q", "-am", "Third change", author="Lin Example")
    assert accountability.page_authors(docs, "faq.md") == ("Ada Example", "Lin Example")
    assert len(calls) == 2


def test_a_worktree_checkout_is_found_without_running_git(git_project, tmp_path):
    from scripts.extensions import accountability

    git(git_project, "worktree", "add", "-q", str(tmp_path / "other"))
    found = accountability.git_dir(tmp_path / "other" / "docs")
    assert found is not None and found.parent.name == "worktrees"
    assert accountability.page_authors(tmp_path / "other" / "docs", "guide/benefits.md") == ("Ada Example", "Grace Exämple")


# --- The private report route ---------------------------------------------------


@pytest.mark.slow
def test_the_footer_offers_a_private_email_report_with_the_page_prefilled(tmp_path):
    project = project_copy(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert '  report_email: ""\n' in text
    config.write_text(text.replace('  report_email: ""\n', "  report_email: editors@example.org\n"), encoding="utf-8")
    page = build(project, tmp_path / "site")
    footer = page.select_one("footer")
    public = footer.find("a", string="Report a problem with this page")
    private = footer.find("a", string="Report a problem privately by email")
    assert public is not None and private is not None
    url = urlsplit(private["href"])
    assert url.scheme == "mailto" and url.path == "editors@example.org"
    query = parse_qs(url.query)
    assert query["subject"] == ["Problem on: What the trials show"]
    body = query["body"][0]
    assert f"Page: https://open-ketamine-guide.github.io/guide/guide/benefits/\nPage version: {CURRENT}\n" in body
    assert " " not in url.query and "\n" not in url.query, "subject and body must be URL-encoded"


def test_without_an_address_no_private_link_is_shown(built_site):
    footer = BeautifulSoup((built_site / BUILT_PAGE).read_text(encoding="utf-8"), "html.parser").select_one("footer")
    configured = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["extra"]["report_email"]
    link = footer.find("a", string="Report a problem privately by email")
    assert (link is not None) == bool(configured)
    if configured:
        assert unquote(urlsplit(link["href"]).path) == configured

"""Publishing editions with `python -m scripts release`: what it refuses, and what readers get.

Every test works on a throwaway git repository holding a copy of the project,
so the real gh-pages branch is never touched. The published branch is checked
out and served by a plain static server, the way GitHub Pages serves it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import mkdocs.config
import pytest

from conftest import ENV, ROOT, SiteServer

PROJECT_FILES = ("docs", "data", "overrides", "scripts", "mkdocs.yml", "mkdocs.release.yml", "pyproject.toml", ".gitignore")
EDITIONS = """\
- version: "2026.11"
  date: 2026-11-20
  summary: Second edition (test).
- version: "2026.10"
  date: 2026-10-20
  summary: First edition (test).
"""
# Hermetic git: no global or system configuration (signing, hooks, identities) leaks in.
GIT_ENV = {
    **ENV,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Release Test",
    "GIT_AUTHOR_EMAIL": "release-test@example.org",
    "GIT_COMMITTER_NAME": "Release Test",
    "GIT_COMMITTER_EMAIL": "release-test@example.org",
}


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, capture_output=True, text=True, check=True)


def make_repo(path: Path) -> Path:
    """A committed copy of the project listing two editions, as a maintainer's clone would be."""
    path.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, path / name)
    (path / "data" / "editions.yaml").write_text(EDITIONS, encoding="utf-8")
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "Project copy for the release test")
    return path


def run_scripts(repo: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m scripts ...` from the copy: PYTHONPATH makes Python import the copy's package, not ours."""
    return subprocess.run([sys.executable, "-m", "scripts", *args], cwd=repo, capture_output=True, text=True,
                          env={**GIT_ENV, "PYTHONPATH": str(repo)})


def branch_exists(repo: Path, name: str) -> bool:
    return subprocess.run(["git", "rev-parse", "--verify", "--quiet", name], cwd=repo, env=GIT_ENV,
                          capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Release 2026.10, then 2026.11; return the repository, each run's output, and a checkout of gh-pages."""
    repo = make_repo(tmp_path_factory.mktemp("release") / "repo")
    where = subprocess.run([sys.executable, "-c", "import scripts.sources as s; print(s.ROOT)"], cwd=repo,
                           capture_output=True, text=True, env={**GIT_ENV, "PYTHONPATH": str(repo)})
    assert Path(where.stdout.strip()) == repo.resolve(), "the copy's scripts package was not the one imported"

    first = run_scripts(repo, "release", "2026.10")
    assert first.returncode == 0, first.stdout + first.stderr
    after_first = json.loads(git(repo, "show", "gh-pages:versions.json").stdout)
    second = run_scripts(repo, "release", "2026.11")
    assert second.returncode == 0, second.stdout + second.stderr

    pages = repo.parent / "gh-pages"
    git(repo, "worktree", "add", "-q", str(pages), "gh-pages")
    return {"repo": repo, "first": first, "second": second, "after_first": after_first, "pages": pages}


@pytest.fixture(scope="module")
def pages_url(published):
    with SiteServer(published["pages"]) as server:
        yield server.url


@pytest.fixture
def tab(browser):
    # A fresh context per test: Material remembers "outdated" per session.
    context = browser.new_context()
    yield context.new_page()
    context.close()


# --- The published branch ------------------------------------------------------


@pytest.mark.slow
def test_an_older_edition_is_published_without_taking_latest(published):
    assert published["after_first"] == [{"version": "2026.10", "title": "2026.10", "aliases": []}]
    assert "2026.11 is the newest edition" in published["first"].stdout


@pytest.mark.slow
def test_both_editions_are_on_the_branch_and_latest_is_the_newest(published):
    versions = json.loads((published["pages"] / "versions.json").read_text())
    assert [(v["version"], v["aliases"]) for v in versions] == [("2026.11", ["latest"]), ("2026.10", [])]
    output = published["second"].stdout
    assert "Published edition 2026.11" in output and "mike serve" in output and "Nothing was pushed" in output


@pytest.mark.slow
def test_latest_is_a_real_copy_because_github_pages_refuses_symlinks(published):
    tree = git(published["repo"], "ls-tree", "-r", "gh-pages").stdout
    assert " 120000 " not in f" {tree}", "gh-pages holds a symlink"
    latest = published["pages"] / "latest" / "guide" / "side-effects" / "index.html"
    assert latest.is_file() and not latest.is_symlink()


@pytest.mark.slow
def test_every_edition_names_latest_as_the_canonical_address(published):
    for edition in ("2026.10", "2026.11", "latest"):
        html = (published["pages"] / edition / "guide" / "side-effects" / "index.html").read_text(encoding="utf-8")
        assert '<link rel="canonical" href="https://open-ketamine-guide.github.io/guide/latest/guide/side-effects/">' in html


def test_the_release_config_keeps_the_privacy_and_search_settings():
    # INHERIT replaces lists, so mkdocs.release.yml repeats the plugins; they must not drift apart.
    everyday = mkdocs.config.load_config(str(ROOT / "mkdocs.yml"))
    release = mkdocs.config.load_config(str(ROOT / "mkdocs.release.yml"))
    assert release["strict"] is True
    for name, plugin in everyday["plugins"].items():
        assert name in release["plugins"], f"mkdocs.release.yml lacks the {name} plugin"
        if hasattr(plugin, "config"):  # hooks (scripts/hooks.py) are modules without settings
            assert dict(release["plugins"][name].config) == dict(plugin.config), f"{name} settings differ"
    mike = release["plugins"]["mike"].config
    assert (mike["canonical_version"], mike["version_selector"], mike["alias_type"]) == ("latest", True, "copy")
    assert release["extra"]["version"] == {"provider": "mike", "default": "latest", "alias": True}
    assert "version" not in everyday["extra"], "plain builds would ask for a versions.json that does not exist"


# --- What readers see ----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.browser
def test_the_root_opens_the_latest_edition_with_a_selector_listing_both(tab, pages_url):
    tab.goto(pages_url)
    tab.wait_for_url(pages_url + "latest/")
    selector = tab.locator(".md-version")
    button = selector.get_by_role("button", name="Select version")
    button.wait_for()
    assert button.inner_text().startswith("2026.11")
    names = [text.replace("latest", "").strip() for text in selector.get_by_role("link").all_inner_texts()]
    assert names == ["2026.11", "2026.10"]


@pytest.mark.slow
@pytest.mark.browser
def test_choosing_an_edition_opens_the_same_page_in_it(tab, pages_url):
    tab.goto(pages_url + "latest/guide/side-effects/")
    button = tab.get_by_role("button", name="Select version")
    button.focus()
    tab.locator(".md-version").get_by_role("link", name="2026.10").click()
    tab.wait_for_url(pages_url + "2026.10/guide/side-effects/")


@pytest.mark.slow
@pytest.mark.browser
def test_an_older_edition_shows_the_outdated_notice_linking_to_the_same_page_in_latest(tab, pages_url):
    tab.goto(pages_url + "2026.10/guide/side-effects/")
    title = tab.title()
    notice = tab.locator("[data-md-component=outdated]")
    notice.wait_for(state="visible", timeout=10000)
    assert "older edition" in notice.inner_text()
    notice.get_by_role("link", name=re.compile("latest edition")).click()
    tab.wait_for_url(pages_url + "latest/guide/side-effects/")
    assert tab.title() == title


@pytest.mark.slow
@pytest.mark.browser
def test_the_outdated_notice_link_works_on_an_older_editions_home_page(tab, pages_url):
    tab.goto(pages_url + "2026.10/")
    notice = tab.locator("[data-md-component=outdated]")
    notice.wait_for(state="visible", timeout=10000)
    notice.get_by_role("link").click()
    tab.wait_for_url(pages_url + "latest/")


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("edition", ["latest", "2026.11"])
def test_the_latest_edition_shows_no_outdated_notice(tab, pages_url, edition):
    tab.goto(pages_url + f"{edition}/guide/side-effects/")
    # The selector appears once versions.json is read, the same moment the notice would be shown.
    tab.get_by_role("button", name="Select version").wait_for()
    tab.wait_for_timeout(200)
    assert not tab.locator("[data-md-component=outdated]").is_visible()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("edition", ["2026.10", "latest"])
def test_search_finds_pages_inside_the_same_edition(tab, pages_url, edition):
    tab.goto(pages_url + f"{edition}/", wait_until="networkidle")
    tab.get_by_role("button", name="Search").click()  # Pagefind: the edition's own pagefind/ loads now
    tab.get_by_role("searchbox", name="Search").press_sequentially("bladder")
    items = tab.locator(".guide-search__results > li > a")
    items.first.wait_for(timeout=30000)  # slow on a busy machine
    paths = [re.sub(r"[?#].*", "", link.evaluate("a => a.href")).removeprefix(pages_url) for link in items.all()]
    assert f"{edition}/guide/side-effects/" in paths, paths
    assert all(path.startswith(f"{edition}/") for path in paths), paths


# --- Refusals --------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "repo")


def assert_refused(result: subprocess.CompletedProcess, *phrases: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


@pytest.mark.parametrize("version", ["2026.9", "2026.13", "26.11", "2026.11.0", "v2026.11", "latest", ""])
def test_a_malformed_version_is_refused(repo, version):
    assert_refused(run_scripts(repo, "release", version), "is not an edition name", "YEAR.MONTH")
    assert not branch_exists(repo, "gh-pages")


def test_a_version_not_listed_in_editions_yaml_is_refused(repo):
    assert_refused(run_scripts(repo, "release", "2026.12"), "2026.12 is not listed in data/editions.yaml", "add an entry")
    assert not branch_exists(repo, "gh-pages")


@pytest.mark.parametrize("change", ["untracked", "modified"])
def test_a_dirty_work_tree_is_refused(repo, change):
    if change == "untracked":
        (repo / "docs" / "draft.md").write_text("# Draft\n", encoding="utf-8")
    else:
        faq = repo / "docs" / "faq.md"
        faq.write_text(faq.read_text(encoding="utf-8") + "\nAn edit not yet committed.\n", encoding="utf-8")
    assert_refused(run_scripts(repo, "release", "2026.11"), "uncommitted changes", "commit or stash")
    assert not branch_exists(repo, "gh-pages")


def test_a_failing_content_check_is_refused_and_its_problems_printed(repo):
    page = repo / "docs" / "guide" / "side-effects.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"(?m)^description:.*\n", "", text, count=1), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Break the front matter")
    result = run_scripts(repo, "release", "2026.11")
    assert_refused(result, "content check found")
    assert "docs/guide/side-effects.md" in result.stdout and "FM003" in result.stdout
    assert not branch_exists(repo, "gh-pages")


def test_release_raises_release_error_for_the_command_line_to_print(repo):
    from scripts.release import ReleaseError, release

    with pytest.raises(ReleaseError, match="not an edition name"):
        release("2026.9", root=repo)
    with pytest.raises(ReleaseError, match="2026.12 is not listed"):
        release("2026.12", root=repo)


def test_a_missing_git_identity_is_refused(repo):
    env = {key: value for key, value in GIT_ENV.items() if not key.startswith(("GIT_AUTHOR", "GIT_COMMITTER"))}
    result = subprocess.run([sys.executable, "-m", "scripts", "release", "2026.11"], cwd=repo, capture_output=True,
                            text=True, env={**env, "PYTHONPATH": str(repo), "HOME": str(repo.parent)})
    assert_refused(result, "git config user.name")


def test_pushing_without_an_origin_remote_is_refused(repo):
    assert_refused(run_scripts(repo, "release", "2026.11", "--push"), "no 'origin' remote")
    assert not branch_exists(repo, "gh-pages")

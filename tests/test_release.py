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
OCTOBER = """\
- version: "2026.10"
  date: 2026-10-20
  summary: First edition (test).
"""
NOVEMBER = """\
- version: "2026.11"
  date: 2026-11-20
  summary: Second edition (test).
"""
EDITIONS = NOVEMBER + OCTOBER
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


def make_repo(path: Path, editions: str = EDITIONS) -> Path:
    """A committed copy of the project listing two editions (or `editions`), as a maintainer's clone would be."""
    path.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, path / name)
    (path / "data" / "editions.yaml").write_text(editions, encoding="utf-8")
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


def gh_pages_files(repo: Path) -> dict[str, str]:
    """Every file on gh-pages with its blob id."""
    tree = git(repo, "ls-tree", "-r", "gh-pages").stdout.splitlines()
    return {line.split("\t", 1)[1]: line.split()[2] for line in tree}


def without_notice(html: str) -> str:
    """A page as mike built it: the static outdated notice taken out again."""
    html = re.sub(r"<!-- edition-notice -->.*?<!-- /edition-notice -->", "", html, flags=re.S)
    html = re.sub(r'(data-md-component="outdated")(?! hidden)', r"\1 hidden", html)
    return re.sub(r'(<div class="md-banner__inner md-grid md-typeset">).*?(</div>)', r"\1\2", html, flags=re.S)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The life of two editions: October released from its own tagged commit; then November from a later commit
    (which adds it to data/editions.yaml); then a careless `release 2026.10` from November's commit (refused), and
    a correction of October from its own tag. Returns the repository, each run's output and a checkout of gh-pages."""
    repo = make_repo(tmp_path_factory.mktemp("release") / "repo", editions=OCTOBER)
    where = subprocess.run([sys.executable, "-c", "import scripts.sources as s; print(s.ROOT)"], cwd=repo,
                           capture_output=True, text=True, env={**GIT_ENV, "PYTHONPATH": str(repo)})
    assert Path(where.stdout.strip()) == repo.resolve(), "the copy's scripts package was not the one imported"
    git(repo, "tag", "v2026.10")

    first = run_scripts(repo, "release", "2026.10")
    assert first.returncode == 0, first.stdout + first.stderr
    after_first = json.loads(git(repo, "show", "gh-pages:versions.json").stdout)
    october_pages = {path: git(repo, "show", f"gh-pages:{path}").stdout
                     for path in gh_pages_files(repo) if path.startswith("2026.10/") and path.endswith("index.html")}

    (repo / "data" / "editions.yaml").write_text(EDITIONS, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Prepare the November edition")
    git(repo, "tag", "v2026.11")
    second = run_scripts(repo, "release", "2026.11")
    assert second.returncode == 0, second.stdout + second.stderr

    before_careless = git(repo, "rev-parse", "gh-pages").stdout
    careless = run_scripts(repo, "release", "2026.10")
    after_careless = git(repo, "rev-parse", "gh-pages").stdout
    correction = run_scripts(repo, "release", "2026.10", "--from", "v2026.10")
    assert correction.returncode == 0, correction.stdout + correction.stderr

    pages = repo.parent / "gh-pages"
    git(repo, "worktree", "add", "-q", str(pages), "gh-pages")
    return {"repo": repo, "first": first, "second": second, "after_first": after_first, "pages": pages,
            "october_pages": october_pages, "careless": careless, "correction": correction,
            "careless_changed_the_branch": before_careless != after_careless}


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
def test_the_first_edition_takes_latest(published):
    assert published["after_first"] == [{"version": "2026.10", "title": "2026.10", "aliases": ["latest"]}]
    assert "It is also /latest/" in published["first"].stdout


@pytest.mark.slow
def test_an_old_edition_is_not_rebuilt_from_a_later_commit(published):
    result = published["careless"]
    assert_refused(result, "lists a newer edition, 2026.11", "make release VERSION=2026.10 FROM=v2026.10",
                   "git switch -c fix-2026.10 v2026.10")
    assert not published["careless_changed_the_branch"]


@pytest.mark.slow
def test_an_old_edition_corrected_from_its_tag_keeps_its_own_pages(published):
    # The "What's changed" page lists the editions: November's commit would have added "Second edition".
    changes = (published["pages"] / "2026.10" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "First edition (test)" in changes and "Second edition (test)" not in changes
    # Rebuilt from its own tag, every October page is what it was, apart from the outdated notice.
    for path, before in published["october_pages"].items():
        after = (published["pages"] / path).read_text(encoding="utf-8")
        assert without_notice(after) == without_notice(before), path
    output = published["correction"].stdout
    assert "Corrected edition 2026.10" in output and "(FROM=v2026.10)" in output and "/latest/ was left alone" in output
    versions = json.loads((published["pages"] / "versions.json").read_text())
    assert [(v["version"], v["aliases"]) for v in versions] == [("2026.11", ["latest"]), ("2026.10", [])]


@pytest.mark.slow
def test_releases_print_no_git_warning(published):
    # mike warns "nothing changed in commit" when asked to set a default that is already set.
    for run in ("first", "second", "correction"):
        assert "warning" not in published[run].stderr.lower(), published[run].stderr


@pytest.mark.slow
def test_the_viewing_instructions_name_one_command_on_port_8001(published):
    output = published["second"].stdout
    assert "make view-editions, then open http://127.0.0.1:8001/" in output
    assert ":8000" not in output
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^view-editions:.*\n\t.*mike serve --config-file mkdocs.release.yml -a \$\(HOST\):\$\(EDITIONS_PORT\)",
                     makefile, re.M), "the Makefile's view-editions target"
    assert re.search(r"^EDITIONS_PORT \?= 8001$", makefile, re.M) and re.search(r"^HOST \?= 127\.0\.0\.1$", makefile, re.M)
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "make view-editions" in contributing and "mike serve -F" not in contributing


@pytest.mark.slow
def test_both_editions_are_on_the_branch_and_latest_is_the_newest(published):
    versions = json.loads((published["pages"] / "versions.json").read_text())
    assert [(v["version"], v["aliases"]) for v in versions] == [("2026.11", ["latest"]), ("2026.10", [])]
    output = published["second"].stdout
    assert "Published edition 2026.11" in output and "make view-editions" in output and "Nothing was pushed" in output


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


@pytest.fixture
def tab_without_javascript(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("page", ["guide/side-effects/", ""])
def test_an_older_edition_names_itself_and_links_to_latest_without_javascript(tab_without_javascript, pages_url, page):
    tab = tab_without_javascript
    tab.goto(pages_url + f"2026.10/{page}")
    notice = tab.locator("[data-md-component=outdated]")
    assert notice.is_visible()
    assert "edition 2026.10" in notice.inner_text() and "older edition" in notice.inner_text()
    notice.get_by_role("link", name=re.compile(r"latest edition \(2026\.11\)")).click()
    tab.wait_for_url(pages_url + f"latest/{page}")


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("edition", ["latest", "2026.11"])
def test_the_latest_edition_shows_no_notice_without_javascript(tab_without_javascript, pages_url, edition):
    tab_without_javascript.goto(pages_url + f"{edition}/guide/side-effects/")
    assert tab_without_javascript.locator("aside.crisis").first.is_visible()  # the page did render
    assert not tab_without_javascript.locator("[data-md-component=outdated]").is_visible()


def test_the_notice_links_a_page_missing_from_latest_to_latest_home():
    from scripts.release import outdated_notice

    page = ('<div data-md-color-scheme="default" data-md-component="outdated" hidden>\n'
            '<aside class="md-banner md-banner--warning">\n<div class="md-banner__inner md-grid md-typeset">\n'
            'Material\'s text\n</div><script>x</script></aside></div>')
    marked = outdated_notice(page, "2026.10", "../../latest/", same_page=False, newest="2026.11")
    assert " hidden" not in marked and "Material's text" not in marked and "<script>x</script>" in marked
    assert 'href="../../latest/"' in marked and "not in the latest edition (2026.11)" in marked
    assert outdated_notice(marked, "2026.10", "../../latest/", same_page=False, newest="2026.11") == marked


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


@pytest.mark.slow
def test_republishing_the_newest_edition_from_a_newer_commit_must_be_explicit(repo):
    assert run_scripts(repo, "release", "2026.11").returncode == 0
    again = run_scripts(repo, "release", "2026.11")  # the same commit: the same edition, allowed
    assert again.returncode == 0, again.stderr
    assert "warning" not in again.stderr.lower(), again.stderr  # mike: "nothing changed in commit"
    faq = repo / "docs" / "faq.md"
    faq.write_text(faq.read_text(encoding="utf-8") + "\nA later sentence.\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "A later change")
    before = git(repo, "rev-parse", "gh-pages").stdout
    assert_refused(run_scripts(repo, "release", "2026.11"), "already published", "FROM=HEAD", '"2026.11.2"')
    assert git(repo, "rev-parse", "gh-pages").stdout == before
    corrected = run_scripts(repo, "release", "2026.11", "--from", "HEAD")
    assert corrected.returncode == 0, corrected.stdout + corrected.stderr
    assert "Corrected edition 2026.11" in corrected.stdout
    assert "A later sentence." in git(repo, "show", "gh-pages:2026.11/faq/index.html").stdout


def test_an_unknown_from_is_refused(repo):
    assert_refused(run_scripts(repo, "release", "2026.11", "--from", "v2099.01"), "FROM=v2099.01 is not a commit or tag")
    assert not branch_exists(repo, "gh-pages")


def test_a_tagged_edition_is_released_from_its_tag_only(repo):
    git(repo, "tag", "v2026.11")
    faq = repo / "docs" / "faq.md"
    faq.write_text(faq.read_text(encoding="utf-8") + "\nA later sentence.\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "A change after the tag")
    assert_refused(run_scripts(repo, "release", "2026.11"), "tag v2026.11 marks commit", "FROM=v2026.11")
    assert not branch_exists(repo, "gh-pages")


def test_a_draft_page_is_refused_naming_the_page(repo):
    page = repo / "docs" / "faq.md"
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^version: .*$", "version: 0.2.0", text, count=1)
    text = re.sub(r"(?m)^  - version: .*$", "  - version: 0.2.0", text, count=1)  # the newest change entry
    page.write_text(text, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "The FAQ is still a draft")
    result = run_scripts(repo, "release", "2026.11")
    assert_refused(result, "draft page(s)")
    assert re.search(r"^docs/faq\.md:4:1: REL001 page is a draft \(version 0\.2\.0\)", result.stdout, re.M), result.stdout
    assert not branch_exists(repo, "gh-pages")


@pytest.mark.slow
def test_push_publishes_to_origin_and_a_fresh_clone_knows_what_is_published(repo, tmp_path):
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    pushed = run_scripts(repo, "release", "2026.11", "--push")
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert "pushed it to origin" in pushed.stdout and "Nothing was pushed" not in pushed.stdout
    assert git(origin, "rev-parse", "gh-pages").stdout == git(repo, "rev-parse", "gh-pages").stdout

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "-b", "main", str(origin), str(clone))
    assert not branch_exists(clone, "refs/heads/gh-pages")  # a fresh clone has only origin/gh-pages
    faq = clone / "docs" / "faq.md"
    faq.write_text(faq.read_text(encoding="utf-8") + "\nA later sentence.\n", encoding="utf-8")
    git(clone, "commit", "-q", "-am", "A later change")
    assert_refused(run_scripts(clone, "release", "2026.11"), "edition 2026.11 is already published")

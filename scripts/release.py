"""Publish an edition of the guide with mike: `make release VERSION=2026.11 [FROM=v2026.11] [PUSH=1]`.

An edition is a frozen copy of the whole site, built from a clean commit with
mkdocs.release.yml and committed by mike to the local gh-pages branch under
/<version>/. The newest edition also becomes /latest/, the address the site
root sends readers to.

A published edition never changes by accident. An edition is built from "its
own" commit: one whose data/editions.yaml lists it as the newest edition. So
`make release VERSION=2026.11` from a commit that already lists 2026.12 is
refused, because that commit holds December's pages; a correction of 2026.11 is
built from its tag or a commit on a branch made from it, with FROM=, in a
temporary worktree. Re-releasing an edition that is already published from a
different commit needs FROM= too, so it is always a deliberate act.

The only change a release makes to other editions is the outdated notice:
every page of an older edition gets, in the HTML itself, a notice naming its
edition and linking to the same page in /latest/. Material's notice needs
JavaScript; this one is written into the page, like the crisis box, and
Material's script only ever un-hides it.

`latest` is a full copy, not a symlink or a redirect page: GitHub Pages'
"deploy from a branch" refuses branches that contain symlinks, and a redirect
page would make every edition's canonical address (/latest/...) a page that
redirects away again. Git stores identical files once, so the copy costs
nothing in the branch.

A release is the list of steps in STEPS, run in order on a Release; a new step
(for example a PDF of the edition) is one function and one line there.

Every refusal raises ReleaseError with the fix; `python -m scripts release`
prints it as one `error:` line and exits 1.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from . import printable, sources

CONFIG = "mkdocs.release.yml"
ALIAS = "latest"
ALIAS_TYPE = "copy"
BRANCH = "gh-pages"
VIEW_COMMAND = "make view-editions"  # serves the gh-pages branch on http://127.0.0.1:8001/ (Makefile)
VIEW_URL = "http://127.0.0.1:8001/"


class ReleaseError(Exception):
    """A release was refused or failed; the message says why and what to do."""


@dataclass
class Release:
    version: str
    root: Path              # the maintainer's repository: gh-pages is committed here
    source: Path            # the checkout the edition is built from (root, or a worktree of FROM)
    commit: str             # the commit the edition is built from
    from_ref: str | None    # FROM=, when the maintainer named the commit
    push: bool
    takes_latest: bool      # no newer edition is listed or published
    published_from: str | None = None  # the commit this edition was last built from, if published
    log: list[str] = field(default_factory=list)


def _edition_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _git(root: Path, *args: str, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, input=input,
                              env={**os.environ, **(env or {})})
    except FileNotFoundError:
        raise ReleaseError("git is not installed: install it (e.g. 'sudo apt-get install git'), then release again") from None


def _short(commit: str) -> str:
    return commit[:7]


# --- Checks before anything is built ------------------------------------------------


def _check_version_name(version: str) -> None:
    if not sources.EDITION.match(version):
        raise ReleaseError(f"'{version}' is not an edition name: use YEAR.MONTH, e.g. 2026.11 "
                           "(a second release in the same month adds .2, e.g. 2026.11.2)")


def _listed_editions(checkout: Path, version: str, where: str) -> list[str]:
    editions, problems = sources.load_editions(checkout / "data" / "editions.yaml")
    if problems:
        raise ReleaseError(f"data/editions.yaml {where} has problems; fix them first:\n" + "\n".join(map(str, problems)))
    listed = [edition.version for edition in editions]
    if version not in listed:
        raise ReleaseError(f"edition {version} is not listed in data/editions.yaml {where}: add an entry "
                           f"'- version: \"{version}\"' with its date and summary at the top of that file, "
                           "commit it, then release again")
    return listed


def _check_git(root: Path, push: bool, building_from_work_tree: bool) -> None:
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise ReleaseError(f"{root} is not a git work tree: release from a clone of the guide's repository")
    if building_from_work_tree:
        status = _git(root, "status", "--porcelain")
        if status.returncode != 0:
            raise ReleaseError(f"'git status' failed: {status.stderr.strip()}")
        changed = status.stdout.splitlines()
        if changed:
            shown = "\n".join(f"  {line}" for line in changed[:10]) + ("\n  ..." if len(changed) > 10 else "")
            raise ReleaseError("the work tree has uncommitted changes; an edition must be built from a commit, "
                               "so commit or stash them (git stash -u), then release again:\n" + shown)
    for key, variable in (("user.name", "GIT_COMMITTER_NAME"), ("user.email", "GIT_COMMITTER_EMAIL")):
        if not os.environ.get(variable) and not _git(root, "config", "--get", key).stdout.strip():
            raise ReleaseError(f"git has no {key}, and mike commits to {BRANCH} under it: "
                               f"run 'git config {key} \"...\"' in this repository, then release again")
    if push and _git(root, "remote", "get-url", "origin").returncode != 0:
        raise ReleaseError("there is no 'origin' remote to push to: add it (git remote add origin URL) "
                           "or release without PUSH=1")


def _resolve(root: Path, ref: str) -> str:
    result = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if result.returncode != 0:
        raise ReleaseError(f"FROM={ref} is not a commit or tag in this repository: give the edition's tag "
                           "(e.g. FROM=v2026.11; 'git fetch --tags' if it is only on origin) or a commit")
    return result.stdout.strip()


def published_editions(root: Path) -> dict[str, str | None]:
    """Editions on the gh-pages branch, each with the commit it was last built from (from mike's commit messages)."""
    versions = _git(root, "show", f"{BRANCH}:versions.json")
    if versions.returncode != 0:
        return {}
    try:
        listed = [entry["version"] for entry in json.loads(versions.stdout)]
    except (ValueError, KeyError, TypeError):
        raise ReleaseError(f"versions.json on the {BRANCH} branch is not mike's list of editions: "
                           f"inspect it with 'git show {BRANCH}:versions.json'") from None
    built_from: dict[str, str | None] = dict.fromkeys(listed)
    log = _git(root, "log", "--format=%s", BRANCH).stdout
    for subject in log.splitlines():  # newest first; mike writes "Deployed <commit> to <version> with ..."
        match = re.match(r"Deployed ([0-9a-f]+) to (\S+) with ", subject)
        if match and match.group(2) in built_from and built_from[match.group(2)] is None:
            built_from[match.group(2)] = match.group(1)
    return built_from


def _same_commit(recorded: str | None, commit: str) -> bool:
    return bool(recorded) and commit.startswith(recorded)  # mike records a short hash


def _check_own_commit(plan: Release, listed: list[str], published: dict[str, str | None]) -> None:
    """Refuse to build an edition from a commit that is not its own, or to change a published one by accident."""
    version, tag = plan.version, f"v{plan.version}"
    where = f"FROM={plan.from_ref} ({_short(plan.commit)})" if plan.from_ref else f"this commit ({_short(plan.commit)})"
    recorded = published.get(version)
    tagged = _git(plan.root, "rev-parse", "--verify", "--quiet", f"{tag}^{{commit}}").stdout.strip()
    own = tag if tagged else (recorded or "<the commit that added it to data/editions.yaml>")
    newest = max(listed, key=_edition_key)
    if version != newest:
        raise ReleaseError(
            f"{where} lists a newer edition, {newest}, so it holds that edition's pages, not {version}'s. "
            f"An edition is built only from its own commit: 'make release VERSION={version} FROM={own}' rebuilds it "
            f"from there; to correct it, commit the fix on a branch made from {own} (git switch -c fix-{version} {own}) "
            f"and give that branch as FROM=. The release builds it in a temporary worktree; this work tree is not touched")
    if plan.from_ref:
        return  # a named commit whose newest edition is this one: a deliberate (re)build
    if version in published and not _same_commit(recorded, plan.commit):
        raise ReleaseError(
            f"edition {version} is already published (built from commit {recorded or 'unknown'}), and rebuilding it "
            f"from {where} would change what its readers see. If that is a deliberate correction, name the commit: "
            f"'make release VERSION={version} FROM=HEAD'. A new edition gets a new name instead: "
            f"add e.g. \"{version}.2\" at the top of data/editions.yaml")
    if tagged and tagged != plan.commit:
        raise ReleaseError(
            f"tag {tag} marks commit {_short(tagged)} as edition {version}, but this is commit {_short(plan.commit)}: "
            f"release it from its tag ('make release VERSION={version} FROM={tag}'), or move the tag deliberately first")


def _sync_from_origin(root: Path) -> None:
    """Start from origin's gh-pages when it is ahead, as mike does, so published editions are known."""
    remote = f"origin/{BRANCH}"
    if _git(root, "rev-parse", "--verify", "--quiet", remote).returncode != 0:
        return
    if _git(root, "rev-parse", "--verify", "--quiet", BRANCH).returncode != 0:
        _git(root, "update-ref", f"refs/heads/{BRANCH}", remote)
    elif _git(root, "merge-base", "--is-ancestor", BRANCH, remote).returncode == 0:
        _git(root, "update-ref", f"refs/heads/{BRANCH}", remote)
    elif _git(root, "merge-base", "--is-ancestor", remote, BRANCH).returncode != 0:
        raise ReleaseError(f"the local {BRANCH} branch and {remote} have diverged: keep origin's "
                           f"('git branch -f {BRANCH} {remote}') unless you know why they differ, then release again")


@contextlib.contextmanager
def _checkout(root: Path, commit: str, from_ref: str | None) -> Iterator[Path]:
    """The work tree itself, or a temporary worktree of FROM (removed afterwards)."""
    if not from_ref:
        yield root
        return
    parent = Path(tempfile.mkdtemp(prefix="guide-edition-"))
    worktree = parent / "edition"
    added = _git(root, "worktree", "add", "--detach", "--quiet", str(worktree), commit)
    if added.returncode != 0:
        shutil.rmtree(parent, ignore_errors=True)
        raise ReleaseError(f"could not check out FROM={from_ref} into a temporary worktree: {added.stderr.strip()}")
    try:
        yield worktree
    finally:
        _git(root, "worktree", "remove", "--force", str(worktree))
        shutil.rmtree(parent, ignore_errors=True)


# --- The steps ------------------------------------------------------------------------


def _python_path(checkout: Path) -> str:
    """Put `checkout` first, so Python imports that checkout's scripts package (and its Markdown extensions)."""
    return os.pathsep.join(filter(None, [str(checkout), os.environ.get("PYTHONPATH", "")]))


def refuse_draft_pages(plan: Release) -> None:
    """A page still at 0.x (a "First draft" from make new-page) is not ready for readers of an edition."""
    drafts = []
    for path in sources.content_pages(plan.source / "docs"):
        try:
            page = sources.load_page(path)
        except sources.SourceError:
            continue  # the content check reports it
        if page.version and page.version[0] == 0:
            shown = path.relative_to(plan.source).as_posix()
            drafts.append(f"{shown}:{page.field_lines.get('version', 1)}:1: REL001 page is a draft "
                          f"(version {page.meta['version']}) (set version: 1.0.0 with a change entry "
                          "'First published.' when it is ready, or move it out of docs/ until then)")
    if drafts:
        for line in drafts:
            print(line)
        raise ReleaseError(f"{len(drafts)} draft page(s) listed above cannot be published in an edition: "
                           "finish them (version 1.0.0 or above) or take them out, commit, then release again")


def check_content(plan: Release) -> None:
    if plan.source.resolve() == sources.ROOT:
        from .check import run_check

        problems = [str(problem) for problem in run_check()]
    else:  # another checkout: check it with its own copy of the tools
        result = subprocess.run([sys.executable, "-m", "scripts", "check"], cwd=plan.source, capture_output=True,
                                text=True, env={**os.environ, "PYTHONPATH": _python_path(plan.source)})
        problems = result.stdout.splitlines() if result.returncode else []
        if result.returncode and not problems:
            problems = result.stderr.strip().splitlines()[-1:]
    if problems:
        for problem in problems:
            print(problem)
        raise ReleaseError(f"the content check found {len(problems)} problem(s), listed above: "
                           "fix them (make check) and commit, then release again")


def _mike(checkout: Path, *args: str, capture: bool = False) -> str:
    mike = Path(sys.executable).parent / "mike"
    if not mike.exists():
        raise ReleaseError(f"mike is not installed in {mike.parent.parent}: run 'make install', then release again")
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        # mike runs `mkdocs build` by name: use this environment's, and this checkout's extensions.
        "PATH": os.pathsep.join([str(mike.parent), os.environ.get("PATH", "")]),
        "PYTHONPATH": _python_path(checkout),
    }
    sys.stdout.flush()
    result = subprocess.run([str(mike), *args], cwd=checkout, env=env, text=True, capture_output=capture)
    if result.returncode != 0:
        detail = f":\n{result.stderr.strip()}" if capture else "; its output is above"
        raise ReleaseError(f"'mike {' '.join(args)}' failed (exit {result.returncode}){detail}. "
                           "Fix the cause and release again")
    return result.stdout or ""


def deploy_edition(plan: Release) -> None:
    # --allow-empty: a rebuild that changes no file still records, in mike's commit message, the commit the
    # edition was built from (published_editions reads it), and mike would otherwise print a warning.
    config = ["--config-file", CONFIG, "--allow-empty"]
    if plan.takes_latest:
        _mike(plan.source, "deploy", *config, "--update-aliases", "--alias-type", ALIAS_TYPE, plan.version, ALIAS)
    else:
        # A correction of an older edition must not move /latest/ backwards.
        _mike(plan.source, "deploy", *config, "--alias-type", ALIAS_TYPE, plan.version)


def point_root_at_latest(plan: Release) -> None:
    """The site root redirects to /latest/. Set once: asking mike again commits nothing and prints a warning."""
    if not plan.takes_latest:
        return
    root_page = _git(plan.root, "show", f"{BRANCH}:index.html")
    if root_page.returncode == 0 and f'url={ALIAS}/"' in root_page.stdout:
        return
    _mike(plan.source, "set-default", "--config-file", CONFIG, ALIAS)


NOTICE_START, NOTICE_END = "<!-- edition-notice -->", "<!-- /edition-notice -->"
# Material's outdated banner (base.html): hidden until its JavaScript finds the edition is not the default.
OUTDATED_BANNER = re.compile(
    r'(<div\b[^>]*\bdata-md-component="outdated")((?:\s+hidden)?)([^>]*>\s*<aside\b[^>]*>\s*'
    r'<div class="md-banner__inner[^"]*">)(.*?)(</div>)', re.S)


def outdated_notice(page_html: str, edition: str, latest_href: str, same_page: bool, newest: str) -> str:
    """The page with its outdated banner shown and naming its edition, without JavaScript. Idempotent."""
    link_text = f"Read this page in the latest edition ({newest})." if same_page else \
        f"This page is not in the latest edition ({newest}): open the latest edition."
    notice = (f"{NOTICE_START}This page is from edition <strong>{html.escape(edition)}</strong> of the guide, an older "
              f"edition that may be out of date. <a href=\"{html.escape(latest_href)}\"><strong>{html.escape(link_text)}"
              f"</strong></a>{NOTICE_END}")
    return OUTDATED_BANNER.sub(lambda m: m.group(1) + m.group(3) + notice + m.group(5), page_html, count=1)


def _read_blobs(root: Path, shas: list[str]) -> list[bytes]:
    process = subprocess.run(["git", "cat-file", "--batch"], cwd=root, input="".join(f"{sha}\n" for sha in shas).encode(),
                             capture_output=True)
    out, position, blobs = process.stdout, 0, []
    for _ in shas:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        blobs.append(out[header_end + 1: header_end + 1 + size])
        position = header_end + 1 + size + 1
    return blobs


def mark_older_editions(plan: Release) -> None:
    """Write the static outdated notice into every page of every edition but the newest, in one gh-pages commit."""
    versions = json.loads(_git(plan.root, "show", f"{BRANCH}:versions.json").stdout)
    newest = next((entry["version"] for entry in versions if ALIAS in entry.get("aliases", [])), None)
    older = [entry["version"] for entry in versions if entry["version"] != newest]
    if not newest or not older:
        return
    tree = _git(plan.root, "ls-tree", "-r", "--full-tree", BRANCH).stdout.splitlines()
    files = {line.split("\t", 1)[1]: line.split()[2] for line in tree}
    latest_pages = {path.removeprefix(f"{ALIAS}/") for path in files if path.startswith(f"{ALIAS}/")}
    targets = [(edition, path) for edition in older for path in sorted(files)
               if path.startswith(f"{edition}/") and path.endswith("index.html")]
    blobs = _read_blobs(plan.root, [files[path] for _, path in targets])
    updates = []
    for (edition, path), blob in zip(targets, blobs):
        inside = path.removeprefix(f"{edition}/")  # e.g. guide/side-effects/index.html
        up = "../" * inside.count("/") + "../"      # from the page's folder to the branch root
        same_page = inside in latest_pages
        href = up + f"{ALIAS}/" + (inside.removesuffix("index.html") if same_page else "")
        text = blob.decode("utf-8")
        marked = outdated_notice(text, edition, href, same_page, newest)
        if marked != text:
            sha = _git(plan.root, "hash-object", "-w", "--stdin", input=marked).stdout.strip()
            updates.append(f"100644 {sha}\t{path}")
    if not updates:
        return
    with tempfile.TemporaryDirectory(prefix="guide-index-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        parent = _git(plan.root, "rev-parse", BRANCH).stdout.strip()
        steps = [("read-tree", BRANCH), ("update-index", "--index-info")]
        for args in steps:
            result = _git(plan.root, *args, input="\n".join(updates) + "\n" if args[0] == "update-index" else None, env=env)
            if result.returncode != 0:
                raise ReleaseError(f"could not write the outdated notice ('git {args[0]}': {result.stderr.strip()})")
        tree_id = _git(plan.root, "write-tree", env=env).stdout.strip()
        message = f"Outdated notice in editions {', '.join(older)}, pointing to {newest}"
        commit = _git(plan.root, "commit-tree", tree_id, "-p", parent, "-m", message).stdout.strip()
        moved = _git(plan.root, "update-ref", f"refs/heads/{BRANCH}", commit, parent)
        if not commit or moved.returncode != 0:
            raise ReleaseError(f"could not commit the outdated notice to {BRANCH}: {moved.stderr.strip()}")
    plan.log.append(f"Older editions ({', '.join(older)}) show a notice, without JavaScript, linking to {newest}.")


def publish_edition_pdf(plan: Release) -> None:
    """The whole edition as one printable PDF, committed beside it (and its /latest/ copy), linked from its home page."""
    try:
        printable.publish_edition_pdf(plan.source, plan.version, aliases=[ALIAS] if plan.takes_latest else [],
                                      site_dir=plan.source / "site")
    except printable.PrintError as error:
        raise ReleaseError(f"could not print the edition's PDF: {error}") from error
    plan.log.append(f"The edition's printable PDF is committed beside it on {BRANCH}.")


def push_branch(plan: Release) -> None:
    if not plan.push:
        return
    result = _git(plan.root, "push", "origin", f"{BRANCH}:{BRANCH}")
    if result.returncode != 0:
        raise ReleaseError(f"'git push origin {BRANCH}' failed: {result.stderr.strip()}. The edition is committed to "
                           f"the local {BRANCH} branch: fix the cause, then run 'git push origin {BRANCH}'")


# The release, in order. Each step takes the Release and raises ReleaseError to stop.
STEPS: tuple[Callable[[Release], None], ...] = (
    refuse_draft_pages,
    check_content,
    deploy_edition,
    point_root_at_latest,
    publish_edition_pdf,
    mark_older_editions,
    push_branch,
)


def release(version: str, push: bool = False, root: Path = sources.ROOT, from_ref: str | None = None) -> None:
    """Build `version` from its own commit (HEAD, or FROM=) and commit it to gh-pages (and push it if asked)."""
    version = version.strip()
    root = Path(root)
    from_ref = from_ref.strip() if from_ref else None
    _check_version_name(version)
    _check_git(root, push, building_from_work_tree=not from_ref)
    commit = _resolve(root, from_ref) if from_ref else _git(root, "rev-parse", "HEAD").stdout.strip()
    _sync_from_origin(root)
    published = published_editions(root)
    with _checkout(root, commit, from_ref) as source:
        listed = _listed_editions(source, version, f"at FROM={from_ref}" if from_ref else "")
        newer_published = [v for v in published if sources.EDITION.match(v) and _edition_key(v) > _edition_key(version)]
        plan = Release(version=version, root=root, source=source, commit=commit, from_ref=from_ref, push=push,
                       takes_latest=not newer_published, published_from=published.get(version))
        _check_own_commit(plan, listed, published)
        for step in STEPS:
            step(plan)
    _report(plan, published)


def _report(plan: Release, published_before: dict[str, str | None]) -> None:
    listing = _mike(plan.root, "list", "--config-file", CONFIG, capture=True).strip()
    where = f"{BRANCH} and pushed it to origin" if plan.push else f"the local {BRANCH} branch"
    verb = "Corrected" if plan.version in published_before else "Published"
    print(f"\n{verb} edition {plan.version}, built from commit {_short(plan.commit)}"
          f"{f' (FROM={plan.from_ref})' if plan.from_ref else ''}, to {where}.")
    if plan.version in published_before:
        print(f"It was built from commit {plan.published_from or 'unknown'} before.")
    if plan.takes_latest:
        print(f"It is also /{ALIAS}/, where the site root sends readers.")
    else:
        print(f"/{ALIAS}/ was left alone: a newer edition is published there.")
    for line in plan.log:
        print(line)
    print("Editions on the branch:\n" + "\n".join(f"  {line}" for line in listing.splitlines()))
    print(f"\nTo view them: {VIEW_COMMAND}, then open {VIEW_URL} (it serves the {BRANCH} branch as published).")
    if not plan.push:
        print(f"\nNothing was pushed. Publish with 'git push origin {BRANCH}', "
              f"or next time with 'make release VERSION={plan.version} PUSH=1'.")

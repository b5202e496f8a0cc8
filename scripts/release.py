"""Publish an edition of the guide with mike: `make release VERSION=2026.11 [PUSH=1]`.

An edition is a frozen copy of the whole site, built from a clean commit with
mkdocs.release.yml and committed by mike to the local gh-pages branch under
/<version>/. The newest edition listed in data/editions.yaml also becomes
/latest/, the address the site root sends readers to; older editions show a
notice linking to the same page in /latest/.

`latest` is a full copy, not a symlink or a redirect page: GitHub Pages'
"deploy from a branch" refuses branches that contain symlinks, and a redirect
page would make every edition's canonical address (/latest/...) a page that
redirects away again. Git stores identical files once, so the copy costs
nothing in the branch.

Every refusal raises ReleaseError with the fix; `python -m scripts release`
prints it as one `error:` line and exits 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from . import printable, sources

CONFIG = "mkdocs.release.yml"
ALIAS = "latest"
ALIAS_TYPE = "copy"
BRANCH = "gh-pages"


class ReleaseError(Exception):
    """A release was refused or failed; the message says why and what to do."""


def _edition_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    except FileNotFoundError:
        raise ReleaseError("git is not installed: install it (e.g. 'sudo apt-get install git'), then release again") from None


def _check_version(version: str, root: Path) -> str:
    """Refuse unknown or malformed editions; return the newest listed edition."""
    if not sources.EDITION.match(version):
        raise ReleaseError(f"'{version}' is not an edition name: use YEAR.MONTH, e.g. 2026.11 "
                           "(a second release in the same month adds .2, e.g. 2026.11.2)")
    path = root / "data" / "editions.yaml"
    editions, problems = sources.load_editions(path)
    if problems:
        raise ReleaseError("data/editions.yaml has problems; fix them first:\n" + "\n".join(map(str, problems)))
    listed = [edition.version for edition in editions]
    if version not in listed:
        raise ReleaseError(f"edition {version} is not listed in data/editions.yaml: add an entry "
                           f"'- version: \"{version}\"' with its date and summary at the top of that file, "
                           "commit it, then release again")
    return max(listed, key=_edition_key)


def _check_git(root: Path, push: bool) -> None:
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise ReleaseError(f"{root} is not a git work tree: release from a clone of the guide's repository")
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


def _python_path(root: Path) -> str:
    """Put `root` first, so Python imports that checkout's scripts package (and its Markdown extensions)."""
    return os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH", "")]))


def _check_content(root: Path) -> None:
    if root.resolve() == sources.ROOT:
        from .check import run_check

        problems = [str(problem) for problem in run_check()]
    else:  # another checkout: check it with its own copy of the tools
        result = subprocess.run([sys.executable, "-m", "scripts", "check"], cwd=root, capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": _python_path(root)})
        problems = result.stdout.splitlines() if result.returncode else []
        if result.returncode and not problems:
            problems = result.stderr.strip().splitlines()[-1:]
    if problems:
        for problem in problems:
            print(problem)
        raise ReleaseError(f"the content check found {len(problems)} problem(s), listed above: "
                           "fix them (make check) and commit, then release again")


def _mike(root: Path, *args: str, capture: bool = False) -> str:
    mike = Path(sys.executable).parent / "mike"
    if not mike.exists():
        raise ReleaseError(f"mike is not installed in {mike.parent.parent}: run 'make install', then release again")
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        # mike runs `mkdocs build` by name: use this environment's, and this checkout's extensions.
        "PATH": os.pathsep.join([str(mike.parent), os.environ.get("PATH", "")]),
        "PYTHONPATH": _python_path(root),
    }
    sys.stdout.flush()
    result = subprocess.run([str(mike), *args], cwd=root, env=env, text=True, capture_output=capture)
    if result.returncode != 0:
        detail = f":\n{result.stderr.strip()}" if capture else "; its output is above"
        raise ReleaseError(f"'mike {' '.join(args)}' failed (exit {result.returncode}){detail}. "
                           "Fix the cause and release again")
    return result.stdout or ""


def release(version: str, push: bool = False, root: Path = sources.ROOT) -> None:
    """Build `version` from the current commit and commit it to the gh-pages branch (and push it if asked)."""
    version = version.strip()
    root = Path(root)
    newest = _check_version(version, root)
    _check_git(root, push)
    _check_content(root)

    push_args = ["--push"] if push else []
    config = ["--config-file", CONFIG]
    if version == newest:
        _mike(root, "deploy", *config, "--update-aliases", "--alias-type", ALIAS_TYPE, *push_args, version, ALIAS)
        _mike(root, "set-default", *config, *push_args, ALIAS)
    else:
        # Republishing an older edition (a correction) must not move /latest/ backwards.
        _mike(root, "deploy", *config, "--alias-type", ALIAS_TYPE, *push_args, version)

    # Accountability (scripts/printable.py): the whole edition as one printable PDF, committed beside it
    # (and its /latest/ copy), which the edition's home page links.
    printable.publish_edition_pdf(root, version, aliases=[ALIAS] if version == newest else [], push=push)

    listing = _mike(root, "list", *config, capture=True).strip()
    where = f"{BRANCH} and pushed it to origin" if push else f"the local {BRANCH} branch"
    print(f"\nPublished edition {version} to {where}.")
    if version == newest:
        print(f"It is also /{ALIAS}/, where the site root sends readers.")
    else:
        print(f"/{ALIAS}/ was left alone: {newest} is the newest edition in data/editions.yaml "
              f"(release it to make it /{ALIAS}/).")
    print("Editions on the branch:\n" + "\n".join(f"  {line}" for line in listing.splitlines()))
    print("\nTo view them:\n"
          f"  .venv/bin/mike serve --config-file {CONFIG}   (then open http://localhost:8000/)\n"
          f"  or serve a checkout: git worktree add ../guide-pages {BRANCH} && python3 -m http.server -d ../guide-pages")
    if not push:
        print(f"\nNothing was pushed. Publish with 'git push origin {BRANCH}', "
              f"or next time with 'make release VERSION={version} PUSH=1'.")

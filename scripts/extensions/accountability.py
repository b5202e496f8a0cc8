"""Who changed a page and who reviewed it, handed to the page information box.

The extension adds nothing to the page's text. It puts one entry, `page_record`,
into the metadata of the page being rendered, which `overrides/partials/page-info.html`
shows:

- `authors`: the names of everyone whose commits changed the page, as written in
  those commits, oldest contribution first, from ONE `git log` per change of the
  repository's HEAD (not one per page). Outside a git checkout (a copy of the
  project, a source archive) the list is empty and the box says nothing about
  authors.
- `review`: for a page whose `clinical_review` says `status: reviewed`, the
  reviewer's name, role, conflicts statement and profile URL from
  data/reviewers.yaml, the reviewed version and date, and `outdated` when the page's
  version has since moved past the reviewed one. An unknown reviewer is a build
  warning (a failure under `--strict`); `make check` reports it with its line.

MkDocs and Zensical both render templates from the same metadata dictionary the
extension reaches while converting the page, so the box is the same under both.
"""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from .. import sources
from . import _mtime, log, rendered_page

RECORD = "page_record"
AUTHOR_MARK = "\x1f"  # starts each commit's author line in the log output; never part of a name or path


def live_meta(md: Markdown) -> dict | None:
    """The metadata dictionary the generator will give the page's template; None outside a generator."""
    if "relpath" in md.treeprocessors:  # MkDocs: the link resolver holds the page's File, and File.page its Page
        file = getattr(md.treeprocessors["relpath"], "file", None)
        meta = getattr(getattr(file, "page", None), "meta", None)
    elif "rendering_context" in md.preprocessors:  # Zensical: the rendering context holds the Page
        meta = getattr(getattr(md.preprocessors["rendering_context"], "page", None), "meta", None)
    else:
        meta = None
    return meta if isinstance(meta, dict) else None


# --- Authors from the git history --------------------------------------------------


def git_dir(start: Path) -> Path | None:
    """The git directory of the checkout holding `start` (a worktree's own one), found without running git."""
    for folder in (start, *start.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text.removeprefix("gitdir:").strip())
                return target if target.is_absolute() else (folder / target).resolve()
    return None


def history_key(git: Path) -> tuple[float, float]:
    """Changes whenever a commit, checkout or reset moves HEAD, so a rebuild after a commit sees it."""
    return _mtime(git / "HEAD"), _mtime(git / "logs" / "HEAD")


@lru_cache(maxsize=4)
def _authors(docs: Path, _key: tuple[float, float]) -> dict[str, tuple[str, ...]]:
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "--no-renames", "--relative", "--name-only",
             f"--format={AUTHOR_MARK}%an", "--", "."],
            cwd=docs, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=60)
    except (OSError, subprocess.SubprocessError):
        return {}  # no git, or it hung: show no authors rather than fail the build
    if result.returncode != 0:
        return {}
    newest_first: dict[str, list[str]] = {}
    author = ""
    for line in result.stdout.split("\n"):
        if line.startswith(AUTHOR_MARK):
            author = line[1:].strip()
        elif line and author:
            newest_first.setdefault(line, []).append(author)
    return {path: tuple(dict.fromkeys(reversed(names))) for path, names in newest_first.items()}


def page_authors(docs: Path, page: str) -> tuple[str, ...]:
    """Names from the commits that changed docs/<page>, oldest contribution first; () outside a git checkout."""
    git = git_dir(docs.resolve())
    if git is None:
        return ()
    return _authors(docs.resolve(), history_key(git)).get(page, ())


# --- The clinical review record --------------------------------------------------


@lru_cache(maxsize=4)
def _reviewers(path: Path, _mtime_key: float) -> dict[str, sources.Reviewer]:
    reviewers, problems = sources.load_reviewers(path)
    for problem in problems:
        log.warning(str(problem))
    return reviewers


def review_record(review: Any, version: Any, reviewers_path: Path, page: str) -> dict | None:
    """What the box says about a reviewed page; None for a pending (or malformed) review."""
    if not isinstance(review, dict) or review.get("status") != "reviewed":
        return None
    reviewer = _reviewers(reviewers_path, _mtime(reviewers_path)).get(str(review.get("reviewer")))
    if reviewer is None:
        log.warning(f"docs/{page}: unknown clinical reviewer '{review.get('reviewer')}' "
                    "(run 'make check' for the line and the fix)")
        return None
    return {
        "name": reviewer.name, "role": reviewer.role, "conflicts": reviewer.conflicts, "url": reviewer.url,
        "version": str(review.get("version")), "date": str(review.get("date")),
        "outdated": sources.review_is_outdated(review, version),
    }


class RecordPreprocessor(Preprocessor):
    """Runs first and changes no line: it only fills in the page's `page_record`."""

    def __init__(self, md: Markdown, extension: AccountabilityExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        meta, page = live_meta(self.md), rendered_page(self.md)
        if meta is not None and page is not None:
            config = self.extension.getConfig
            meta[RECORD] = {
                "authors": list(page_authors(Path(config("docs_dir")), page)),
                "review": review_record(meta.get("clinical_review"), meta.get("version"), Path(config("reviewers")), page),
            }
        return lines


class AccountabilityExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "docs_dir": [str(sources.DOCS), "folder whose pages' git history names their authors"],
            "reviewers": [str(sources.REVIEWERS), "clinical reviewers data file"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(RecordPreprocessor(md, self), "guide_accountability", 100)


def makeExtension(**kwargs):  # noqa: N802
    return AccountabilityExtension(**kwargs)

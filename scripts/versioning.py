"""The version-bump rule: a page whose text changed must carry a higher version and a change entry.

Versions are MAJOR.MINOR.PATCH: major when the clinical meaning changed, minor
when content was added, patch for wording only (CONTRIBUTING.md). The rule is
checked against a base revision, as the pull-request workflow does with
`make check BASE=origin/main`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from . import sources
from .sources import Problem


class BaseRevisionError(Exception):
    pass


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=sources.ROOT, capture_output=True, text=True)


def _normalise(body: str) -> str:
    """Trailing spaces and blank-line runs are not changes a reader would see."""
    lines = [line.rstrip() for line in body.strip().splitlines()]
    return "\n".join(line for index, line in enumerate(lines) if line or (index and lines[index - 1]))


def _next_versions(old: tuple[int, int, int]) -> str:
    major, minor, patch = old
    return f"{major}.{minor}.{patch + 1} (wording), {major}.{minor + 1}.0 (content added) or {major + 1}.0.0 (clinical meaning changed)"


def compare_page(old_text: str, page: sources.Page) -> list[Problem]:
    """Problems with the current page's version, given the page's text at the base revision."""
    try:
        old_meta, old_body, _, _ = sources.split_front_matter(old_text, page.shown)
    except sources.SourceError:
        return []  # the base copy was broken; the current copy is checked on its own merits
    old_version = sources.parse_version(old_meta.get("version"))
    new_version = page.version
    if old_version is None or new_version is None:
        return []  # a malformed version is reported by the front matter check (FM006)
    line = page.field_lines.get("version", 1)
    old_text_version = ".".join(map(str, old_version))
    if new_version < old_version:
        return [Problem(page.shown, line, 1, "VER002", f"version went down from {old_text_version} to {page.meta['version']}",
                        "versions only go up; restore the old version and bump it")]
    body_changed = _normalise(old_body) != _normalise(page.body)
    if body_changed and new_version == old_version:
        return [Problem(page.shown, line, 1, "VER001", f"the page's text changed but its version is still {old_text_version}",
                        f"set version to {_next_versions(old_version)} and add a change entry at the top of 'changes'")]
    if new_version > old_version:
        listed = {sources.parse_version(c.get("version")) for c in page.meta.get("changes") or [] if isinstance(c, dict)}
        if new_version not in listed:
            return [Problem(page.shown, page.field_lines.get("changes", line), 1, "VER003",
                            f"version {page.meta['version']} has no change entry",
                            f"add '- version: {page.meta['version']}', its date and a one-line summary at the top of 'changes'")]
    return []


def check_version_bumps(base: str, docs: Path = sources.DOCS) -> list[Problem]:
    if _git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}").returncode != 0:
        raise BaseRevisionError(f"BASE '{base}' is not a git revision here (try BASE=origin/main after 'git fetch')")
    problems: list[Problem] = []
    for path in sources.content_pages(docs):
        relative = path.resolve().relative_to(sources.ROOT).as_posix()
        old = _git("show", f"{base}:{relative}")
        if old.returncode != 0:
            continue  # a new page: nothing to compare with
        try:
            page = sources.load_page(path)
        except sources.SourceError:
            continue  # reported by the content check
        problems += compare_page(old.stdout, page)
    return problems

"""The version-bump rule: changed text needs a higher version and a change entry; versions never go down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scripts import sources
from scripts.versioning import compare_page

OLD = """---
title: Example
version: {version}
changes:
  - version: {version}
    date: 2026-11-01
    summary: First version.
---

# Example

Ketamine is given by drip [@murrough2013].
"""


def page(tmp_path: Path, text: str) -> sources.Page:
    path = tmp_path / "example.md"
    path.write_text(text, encoding="utf-8")
    return sources.load_page(path)


def bumped(version: str, body: str = "Ketamine is given by drip [@murrough2013].", entry: str | None = None) -> str:
    entry = entry or version
    return f"""---
title: Example
version: {version}
changes:
  - version: {entry}
    date: 2026-11-20
    summary: Changed.
  - version: 1.0.0
    date: 2026-11-01
    summary: First version.
---

# Example

{body}
"""


def codes(problems):
    return [(p.code, p.line) for p in problems]


def test_unchanged_page_passes(tmp_path):
    assert compare_page(OLD.format(version="1.0.0"), page(tmp_path, OLD.format(version="1.0.0"))) == []


def test_whitespace_only_change_needs_no_bump(tmp_path):
    current = OLD.format(version="1.0.0").replace("drip [@murrough2013].", "drip [@murrough2013].   \n\n")
    assert compare_page(OLD.format(version="1.0.0"), page(tmp_path, current)) == []


def test_text_changed_without_bump_fails_on_the_version_line(tmp_path):
    current = OLD.format(version="1.0.0").replace("by drip", "by a slow drip")
    problems = compare_page(OLD.format(version="1.0.0"), page(tmp_path, current))
    assert codes(problems) == [("VER001", 3)]
    assert "1.0.1 (wording), 1.1.0 (content added) or 2.0.0 (clinical meaning changed)" in problems[0].fix


def test_bumped_with_change_entry_passes(tmp_path):
    current = bumped("1.1.0", body="Ketamine is given by a slow drip [@murrough2013].")
    assert compare_page(OLD.format(version="1.0.0"), page(tmp_path, current)) == []


def test_version_lowered_fails(tmp_path):
    problems = compare_page(OLD.format(version="1.2.0"), page(tmp_path, OLD.format(version="1.1.9")))
    assert codes(problems) == [("VER002", 3)]


def test_bump_without_change_entry_fails(tmp_path):
    current = bumped("1.1.0", entry="1.0.5")
    problems = compare_page(OLD.format(version="1.0.0"), page(tmp_path, current))
    assert [p.code for p in problems] == ["VER003"]


def test_malformed_version_is_left_to_the_front_matter_check(tmp_path):
    current = OLD.format(version="1.0").replace("by drip", "by a slow drip")
    assert compare_page(OLD.format(version="1.0.0"), page(tmp_path, current)) == []
    from scripts.sources import validate_front_matter
    import datetime as dt

    assert "FM006" in [p.code for p in validate_front_matter(page(tmp_path, current), dt.date(2026, 11, 27))]


def test_unknown_base_revision_is_a_clear_error():
    result = subprocess.run([sys.executable, "-m", "scripts", "check", "--base", "no-such-revision-xyz"],
                            cwd=sources.ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "error: BASE 'no-such-revision-xyz' is not a git revision" in result.stderr
    assert "Traceback" not in result.stderr

"""Every maintainer command is listed where maintainers look: the Makefile header, README's command table,
and CONTRIBUTING.md with a real example."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")

# command -> an example as CONTRIBUTING.md gives it
EXAMPLES = {
    "serve": "make serve HOST=0.0.0.0",
    "release": "make release VERSION=2026.11 FROM=v2026.11",
    "view-editions": "make view-editions",
    "serve-built": "make serve-built DIR=site-preview",
    "cite": "make cite DOI=10.1176/appi.ajp.2013.13030392",
    "refs": "make refs Q=murrough",
    "review-due": "make review-due DAYS=90",
    "new-page": "make new-page PAGE=guide/sleep.md",
}


@pytest.mark.parametrize("command", sorted(EXAMPLES))
def test_the_command_is_a_make_target_listed_in_the_header_readme_and_contributing(command):
    assert re.search(rf"^{re.escape(command)}:", MAKEFILE, re.M), f"no '{command}' target"
    assert re.search(rf"^#   make {re.escape(command)}\b(?!-)", MAKEFILE, re.M), f"'{command}' missing from the header"
    assert re.search(rf"^\| `make {re.escape(command)}\b(?!-)", README, re.M), f"'{command}' missing from README's table"
    assert EXAMPLES[command] in CONTRIBUTING, f"CONTRIBUTING.md lacks the example '{EXAMPLES[command]}'"


def test_the_changelog_follows_keep_a_changelog():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n") and "## [Unreleased]" in changelog
    headings = re.findall(r"^### (\w+)$", changelog, re.M)
    assert headings and set(headings) <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_readme_does_not_promise_a_check_well_under_a_second():
    assert "well under a second" not in README

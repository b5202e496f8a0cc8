"""`make review-due`: pages due for review, a clear sentence when none is, and a clear error for a bad date."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ENV, ROOT
from scripts import reviews


def review_due(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts", "review-due", *args], cwd=ROOT, capture_output=True,
                          text=True, env=ENV)


def next_reviews() -> list[str]:
    return sorted(re.findall(r"(?m)^next_review: (\d{4}-\d{2}-\d{2})", "".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "docs").rglob("*.md"))))


def test_nothing_due_says_so_on_stderr_and_leaves_stdout_empty_for_the_workflow():
    earliest = next_reviews()[0]
    result = review_due("--today", "2026-01-01", "--days", "0")
    assert earliest > "2026-01-01"
    assert result.returncode == 0
    assert result.stdout == ""  # the weekly workflow opens no issue for an empty report
    assert result.stderr.strip() == "No page is due for review before 2026-01-01."


def test_due_pages_are_listed_with_the_date_and_the_guide_section():
    earliest = next_reviews()[0]
    result = review_due("--today", earliest, "--days", "1")
    assert result.returncode == 0, result.stderr
    assert "| Page | Next review | Status | Regulatory |" in result.stdout
    assert f"| {earliest} | due in 0 days |" in result.stdout
    assert f'CONTRIBUTING.md, "{reviews.GUIDE_SECTION}"' in result.stdout


def test_the_section_the_report_points_at_exists_in_contributing():
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert re.search(rf"^#+ {re.escape(reviews.GUIDE_SECTION)}$", contributing, re.M)
    assert "make review-due DAYS=90" in contributing and "make review-due TODAY=" in contributing


@pytest.mark.parametrize("today", ["03/12/2026", "2026-02-30", "tomorrow", "2026-1-5"])
def test_a_bad_date_is_a_clear_error_with_exit_2(today):
    result = review_due("--today", today)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"'{today}' is not a date: use YYYY-MM-DD, e.g. 2026-12-03" in result.stderr


@pytest.mark.parametrize("days", ["-3", "thirty"])
def test_a_bad_day_count_is_a_clear_error_with_exit_2(days):
    result = review_due("--days", days)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "is not a number of days" in result.stderr


def test_make_review_due_passes_days_and_today():
    result = subprocess.run(["make", "--no-print-directory", "-s", "review-due", "DAYS=0", "TODAY=2026-01-01"], cwd=ROOT,
                            capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stderr
    assert "No page is due for review before 2026-01-01." in result.stderr

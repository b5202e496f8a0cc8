"""The content check (`python -m scripts check`): every bad input is caught exactly, good content passes, fast.

The corpus is tests/bad_inputs/: one small file per mistake, and cases.yaml saying
exactly which problems (code, line, and column where it matters) the check must
report for it. Nothing here writes into docs/ or data/: page cases are checked in a
temporary docs folder.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from scripts import __main__ as cli
from scripts import check, sources
from scripts.check import Checker
from scripts.sources import Problem

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "bad_inputs"
SUPPORT = CORPUS / "support"
TODAY = dt.date(2026, 12, 3)  # on or after every as_of in data/regulatory.yaml
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))["cases"]
LOADERS = {
    "bibliography": lambda path: sources.load_bibliography(path)[1],
    "glossary": lambda path: sources.load_glossary(path)[1],
    "crisis": lambda path: sources.load_crisis(path)[1],
    "editions": lambda path: sources.load_editions(path)[1],
}


def parse_expected(entry: str) -> tuple[str, int, int | None]:
    """'FM004 8' -> ('FM004', 8, None); 'HYPE001 18:24' -> ('HYPE001', 18, 24)."""
    code, where = entry.split()
    line, _, column = where.partition(":")
    return code, int(line), int(column) if column else None


def check_page(tmp_path: Path, source: Path) -> list[Problem]:
    """Check one page in an otherwise empty docs folder holding only the support files."""
    docs = tmp_path / "docs"
    shutil.copytree(SUPPORT, docs)
    shutil.copy(source, docs / source.name)
    return Checker(docs=docs, today=TODAY).run()


def problems_for(case: dict, tmp_path: Path) -> list[Problem]:
    source = CORPUS / case["file"]
    if case["kind"] == "page":
        return check_page(tmp_path, source)
    return LOADERS[case["kind"]](source)


def assert_exactly(problems: list[Problem], expected: list[str], file_name: str) -> None:
    report = "\n".join(map(str, problems)) or "(no problems)"
    assert {Path(p.path).name for p in problems} <= {file_name}, f"problems outside {file_name}:\n{report}"
    wanted = [parse_expected(entry) for entry in expected]
    assert Counter((p.code, p.line) for p in problems) == Counter((code, line) for code, line, _ in wanted), report
    with_column = Counter((code, line, column) for code, line, column in wanted if column is not None)
    found = Counter((p.code, p.line, p.column) for p in problems if (p.code, p.line, p.column) in with_column)
    assert found == with_column, report
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message, problem


# --- The corpus -----------------------------------------------------------------


def test_corpus_is_complete():
    """At least 30 cases, each naming an existing file, and no file left out of cases.yaml."""
    assert len(CASES) >= 30
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    listed = {case["file"] for case in CASES}
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "cases.yaml"}
    assert listed == on_disk
    for case in CASES:
        assert case["kind"] in {"page", *LOADERS}, case
        assert case["expect"], f"{case['name']}: a bad input must expect at least one problem"
        for entry in case["expect"]:
            parse_expected(entry)


def test_support_pages_are_clean(tmp_path):
    """The pages copied next to every page case report nothing, so every problem found belongs to the case."""
    docs = tmp_path / "docs"
    shutil.copytree(SUPPORT, docs)
    assert Checker(docs=docs, today=TODAY).run() == []


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_bad_input(case, tmp_path):
    assert_exactly(problems_for(case, tmp_path), case["expect"], case["file"])


def test_corpus_comparison_rejects_a_wrong_expectation(tmp_path):
    """The exact comparison fails on a missing, an extra, a moved or a miscolumned problem."""
    problems = check_page(tmp_path, CORPUS / "hype_words.md")
    right = ["HYPE001 18:6", "HYPE001 18:24", "HYPE001 20:16", "HYPE001 20:35", "HYPE001 22:7"]
    assert_exactly(problems, right, "hype_words.md")
    for wrong in (right[:-1], [*right, "HYPE001 22"], [*right[:-1], "HYPE001 23"], [*right[:-1], "HYPE001 22:8"]):
        with pytest.raises(AssertionError):
            assert_exactly(problems, wrong, "hype_words.md")


# --- The real content -----------------------------------------------------------


def test_real_content_passes():
    """Its speed is measured by `make bench` against a budget, never timed here (a loaded machine is not a defect)."""
    result = subprocess.run([sys.executable, "-m", "scripts", "check"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "Content check passed" in result.stderr


# --- Output format and exit codes -------------------------------------------------


def test_problem_format(tmp_path):
    problem = check_page(tmp_path, CORPUS / "unknown_field.md")[0]
    text = str(problem)
    assert text.startswith(f"{problem.path}:8:1: FM004 unknown front matter field 'author' (")
    assert text.endswith(")")
    assert str(Problem("docs/a.md", 3, 7, "HYPE001", "hype word 'cure'")) == "docs/a.md:3:7: HYPE001 hype word 'cure'"


def test_paths_are_relative_to_the_project():
    assert sources.display_path(ROOT / "docs" / "guide" / "benefits.md") == "docs/guide/benefits.md"


def test_cli_reports_problems_and_exits_1(tmp_path, monkeypatch, capsys):
    """`python -m scripts check` on bad pages: one `path:line:column: CODE message (fix)` line each, exit 1, no traceback."""
    docs = tmp_path / "docs"
    shutil.copytree(SUPPORT, docs)
    for name in ("hype_words.md", "html_script.md"):
        shutil.copy(CORPUS / name, docs / name)
    monkeypatch.setattr(check, "run_check", lambda base=None, today=None: Checker(docs=docs, today=TODAY).run())

    assert cli.main(["check"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 6, out
    for line in lines:
        assert re.fullmatch(r"/\S+\.md:\d+:\d+: [A-Z]+\d{3} .+ \(.+\)", line), line
    assert f"{docs / 'html_script.md'}:20:1: HTML001 raw <script> is not allowed in content " \
           "(use Markdown; anything interactive belongs in overrides/ and is reviewed as code)" in lines
    assert sum(f"{docs / 'hype_words.md'}:" in line and ": HYPE001 " in line for line in lines) == 5
    assert "6 problem(s) found" in err
    assert "Traceback" not in out + err


def test_cli_passes_and_exits_0(monkeypatch, capsys):
    monkeypatch.setattr(check, "run_check", lambda base=None, today=None: [])
    assert cli.main(["check"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "Content check passed" in err


def test_cli_process_exits_1_without_traceback(tmp_path):
    """The real entry point in a child process (`python -m scripts check`'s main), pointed at a temporary bad docs folder."""
    docs = tmp_path / "docs"
    shutil.copytree(SUPPORT, docs)
    shutil.copy(CORPUS / "broken_link.md", docs / "broken_link.md")
    program = (
        "import datetime, pathlib, sys\n"
        "from scripts import __main__, check\n"
        f"docs = pathlib.Path({str(docs)!r})\n"
        "check.run_check = lambda base=None: check.Checker(docs=docs, today=datetime.date(2026, 12, 3)).run()\n"
        "sys.exit(__main__.main(['check']))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"{docs / 'broken_link.md'}:18:5: LINK001 link target 'no-such-page.md' does not exist "
        "(check the file name and the ../ steps from this page's folder)"]
    assert "1 problem(s) found" in result.stderr
    assert "Traceback" not in result.stderr


# --- Regressions not tied to one file -----------------------------------------------


def test_missed_before_fix_multiline_tags_keep_their_position():
    """A tag spanning lines is reported at its first line and column, in a longer body."""
    page = sources.Page(Path("docs/x.md"), {}, "Text\n\nSome <span\n   onclick='x()'>y</span>\n", 10)
    checker = Checker(today=TODAY, readability_checks=False)
    checker.check_body(page, {})
    assert [(p.code, p.line, p.column) for p in checker.problems] == [("HTML002", 12, 6)]


def test_html_in_code_is_not_checked():
    body = "Text\n\n```html\n<script>x()</script>\n<img src=\"https://e.com/a.png\">\n```\n\nUse `<iframe>` tags.\n"
    checker = Checker(today=TODAY, readability_checks=False)
    checker.check_body(sources.Page(Path("docs/x.md"), {}, body, 15), {})
    assert checker.problems == []


def test_unquoted_alt_counts_as_alt_text():
    checker = Checker(today=TODAY, readability_checks=False)
    checker.check_body(sources.Page(Path("docs/x.md"), {}, "<img src=\"photo.png\" alt=Clinic>\n", 15), {})
    assert checker.problems == []

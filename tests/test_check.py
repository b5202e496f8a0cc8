"""The content check (`python -m scripts check`): every bad input is caught exactly, good content passes, fast.

The corpus is tests/bad_inputs/: one small file per mistake, and cases.yaml saying
exactly which problems (code, line, and column where it matters) the check must
report for it. Nothing here writes into docs/ or data/: page cases are checked in a
temporary docs folder.
"""

from __future__ import annotations

import dataclasses
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
GLANCE = '\n!!! summary "At a glance"\n    - One plain point.\n'  # every page needs one (PAGE005)
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


def check_config(tmp_path: Path, source: Path) -> list[Problem]:
    """Check a project whose mkdocs.yml is the case file, beside a docs folder holding only the support files."""
    docs = tmp_path / "project" / "docs"
    shutil.copytree(SUPPORT, docs)
    shutil.copy(source, docs.parent / "mkdocs.yml")
    return [dataclasses.replace(p, path=source.name) if p.path.endswith("mkdocs.yml") else p
            for p in Checker(docs=docs, today=TODAY).run()]


def problems_for(case: dict, tmp_path: Path) -> list[Problem]:
    source = CORPUS / case["file"]
    if case["kind"] == "page":
        return check_page(tmp_path, source)
    if case["kind"] == "config":
        return check_config(tmp_path, source)
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
    """Well past 100 cases, each naming an existing file, and no file left out of cases.yaml."""
    assert len(CASES) >= 140
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    listed = {case["file"] for case in CASES}
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "cases.yaml"}
    assert listed == on_disk
    for case in CASES:
        assert case["kind"] in {"page", "config", *LOADERS}, case
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
    """The real site passes (its speed is measured by `make bench`, never timed here)."""
    result = subprocess.run([sys.executable, "-m", "scripts", "check"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "Content check passed" in result.stderr


def test_fast_prose_reading_scores_the_real_pages_as_rendering_does():
    """The line-by-line prose reading gives every real page the same words, sentences and scores as rendering it."""
    from scripts import readability

    for path in sources.content_pages():
        body = sources.load_page(path).body
        assert readability.score(readability.prose_from_markdown(body)) == \
            readability.score(readability.prose_from_markdown_rendered(body)), path


def test_a_broken_bibliography_is_one_message_not_one_per_citation(tmp_path, monkeypatch):
    """One mistake, one message: pages citing keys report nothing when the bibliography cannot be read."""
    broken = tmp_path / "references.yaml"
    broken.write_text("- id: a\n  title: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(sources, "BIBLIOGRAPHY", broken)
    monkeypatch.setattr(sources.load_bibliography, "__defaults__", (broken,))
    docs = tmp_path / "docs"
    shutil.copytree(SUPPORT, docs)
    shutil.copy(CORPUS / "citation_unknown_key.md", docs / "cites.md")
    problems = Checker(docs=docs, today=TODAY).run()
    assert [(Path(p.path).name, p.code) for p in problems] == [("references.yaml", "YAML001")], problems


def test_did_you_mean_names_the_fix(tmp_path):
    def first(name: str) -> str:
        return str(check_page(tmp_path / name, CORPUS / name)[0])

    assert "unknown citation key 'murrough2031' (did you mean 'murrough2013'?)" in first("citation_key_typo.md")
    assert "(did you mean 'dosing-and-safety'?)" in first("anchor_typo.md")
    assert "(did you mean 'description'?)" in first("misspelt_required_field.md")
    assert "(did you mean '[REFERENCES]'?)" in first("mistyped_marker.md")
    assert "(did you mean 'definition'?)" in str(sources.load_glossary(CORPUS / "glossary_misspelt_field.yaml")[1][0])
    misspelt_status = sources._validate_clinical_review({"staus": "pending"}, 8, "x.md", TODAY)
    assert "(did you mean 'status'?)" in str(misspelt_status[0])


def test_no_rule_is_quadratic_on_adversarial_input():
    """Bounded nesting is reported, never a RecursionError, on inputs far past the corpus's (timings: make bench)."""
    checker = Checker(today=TODAY, readability_checks=True, spelling=False)
    body = "# T\n\n" + "[" * 50_000 + "]" * 50_000 + "\n\n" + "".join("  " * d + "- x\n" for d in range(400)) + GLANCE
    checker.check_body(sources.Page(Path("docs/x.md"), {}, body, 15), {})
    assert {p.code for p in checker.problems} == {"PAGE003"}


# --- Output format and exit codes -------------------------------------------------


def test_problem_format(tmp_path):
    problem = check_page(tmp_path, CORPUS / "unknown_field.md")[0]
    text = str(problem)
    assert text.startswith(f"{problem.path}:8:1: FM004 unknown front matter field 'author' (")
    assert text.endswith(") " + sources.RULES_URL + "fm004")  # each message ends with a link to its rule
    assert str(Problem("docs/a.md", 3, 7, "HYPE001", "hype word 'cure'")) == \
        f"docs/a.md:3:7: HYPE001 hype word 'cure' {sources.RULES_URL}hype001"


def test_every_code_has_an_anchor_in_the_rule_catalogue():
    """Each code the check or the guard can report has its own anchor in CONTRIBUTING.md, which the message links to."""
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    code_files = [ROOT / "scripts" / name for name in ("check.py", "sources.py", "allowlist.py", "versioning.py")]
    code_files.append(ROOT / "scripts" / "extensions" / "guard.py")
    codes = {code for path in code_files for code in re.findall(r'"([A-Z]+\d{3})"', path.read_text(encoding="utf-8"))}
    codes |= {case_code for case in CASES for case_code in (parse_expected(e)[0] for e in case["expect"])}
    assert len(codes) > 60
    missing = sorted(code for code in codes if f'id="{code.lower()}"' not in contributing)
    assert not missing, f"no anchor in CONTRIBUTING.md for: {missing}"


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
        assert re.fullmatch(r"/\S+\.md:\d+:\d+: [A-Z]+\d{3} .+ \(.+\) https://\S+#[a-z]+\d{3}", line), line
    assert f"{docs / 'html_script.md'}:20:1: HTML001 <script> is not on the HTML allow-list " \
           f"(use Markdown; anything interactive belongs in overrides/ and is reviewed as code) {sources.RULES_URL}html001" in lines
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
        f"(check the file name and the ../ steps from this page's folder) {sources.RULES_URL}link001"]
    assert "1 problem(s) found" in result.stderr
    assert "Traceback" not in result.stderr


# --- Regressions not tied to one file -----------------------------------------------


def test_missed_before_fix_multiline_tags_keep_their_position():
    """A tag spanning lines is reported at its first line and column, in a longer body."""
    page = sources.Page(Path("docs/x.md"), {}, "Text\n\nSome <span\n   onclick='x()'>y</span>\n" + GLANCE, 10)
    checker = Checker(today=TODAY, readability_checks=False)
    checker.check_body(page, {})
    assert [(p.code, p.line, p.column) for p in checker.problems] == [("HTML002", 12, 6)]


def test_html_in_code_is_not_checked():
    body = "Text\n\n```html\n<script>x()</script>\n<img src=\"https://e.com/a.png\">\n```\n\nUse `<iframe>` tags.\n" + GLANCE
    checker = Checker(today=TODAY, readability_checks=False)
    checker.check_body(sources.Page(Path("docs/x.md"), {}, body, 15), {})
    assert checker.problems == []


def test_unquoted_alt_counts_as_alt_text():
    checker = Checker(today=TODAY, readability_checks=False)
    checker.check_body(sources.Page(Path("docs/x.md"), {}, "<img src=\"photo.png\" alt=Clinic>\n" + GLANCE, 15), {})
    assert checker.problems == []


def test_md_in_html_switch_is_not_an_attribute_readers_get():
    checker = Checker(today=TODAY, readability_checks=False)
    body = '<div class="note" markdown>\nSome **text**.\n</div>\n' + GLANCE
    checker.check_body(sources.Page(Path("docs/x.md"), {}, body, 15), {})
    assert checker.problems == []


def test_a_broken_glossary_is_one_message_not_one_per_link_to_its_anchors(tmp_path, monkeypatch):
    broken = tmp_path / "glossary.yaml"
    broken.write_text("- term: Infusion\n  definition: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(sources.load_glossary, "__defaults__", (broken,))
    docs = tmp_path / "docs"
    shutil.copytree(SUPPORT, docs)
    glossary_page = (SUPPORT / "target.md").read_text(encoding="utf-8").replace("## Dosing and safety", "[GLOSSARY]")
    (docs / "glossary.md").write_text(glossary_page, encoding="utf-8")
    linking = (CORPUS / "broken_anchor.md").read_text(encoding="utf-8").replace("target.md#", "glossary.md#")
    (docs / "links.md").write_text(linking, encoding="utf-8")
    problems = Checker(docs=docs, today=TODAY).run()
    assert [(Path(p.path).name, p.code) for p in problems] == [("glossary.yaml", "YAML001")], problems

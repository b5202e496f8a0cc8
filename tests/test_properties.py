"""Property tests: whatever a contributor types, the check reports problems; it never crashes.

Hypothesis generates front matter, citations, Markdown bodies, link targets and data
records. The loaders may refuse input only with `SourceError`; every problem names a
line inside the file and a rule code.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scripts import sources
from scripts.check import Checker
from scripts.extensions import citations
from scripts.sources import Page, Problem, SourceError

TODAY = dt.date(2026, 11, 27)
CODE = re.compile(r"^[A-Z]+\d{3}$")
PROPERTY = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
REFERENCES, _ = sources.load_bibliography()


def assert_well_formed(problems: list[Problem], lines_in_file: int) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert CODE.match(problem.code), problem
        assert 1 <= problem.line <= lines_in_file, (problem, lines_in_file)
        assert problem.column >= 1, problem
        assert problem.message, problem


def check_front_matter(text: str) -> list[Problem]:
    """split + validate, as the check does; a SourceError's problems are problems like any other."""
    try:
        meta, body, first, field_lines = sources.split_front_matter(text, "docs/page.md")
    except SourceError as error:
        problems = error.problems
    else:
        assert 1 <= first <= text.count("\n") + 2
        problems = sources.validate_front_matter(Page(Path("docs/page.md"), meta, body, first, field_lines), TODAY)
    assert_well_formed(problems, text.count("\n") + 1)
    return problems


# --- Front matter ---------------------------------------------------------------

YAML_TOKENS = st.sampled_from([
    *sources.KNOWN_FIELDS, "unknown", ":", ": ", "- ", "  ", "\t", "\n", "'", '"', "[", "]", "{", "}", ",", "#", "&a ", "*a",
    "!!int ", "!!float ", "!!binary ", "!!timestamp ", "!!set ", "!!python/object ", "!!str ", "!!null ", "!!bool ", "? ", "|",
    ">-", "...", "---", "%YAML 1.1", "<<: ", "~", "null", "true", "yes", "1.0.0", "1.0", "2026-02-30", "2026-11-27", "9999-99-99",
    ".inf", ".nan", "0x1F", "1e999", "status", "pending", "reviewed", "version", "date", "summary", "é", "\x00", "\ufeff",
])
YAMLISH = st.lists(st.one_of(YAML_TOKENS, st.text(max_size=8)), max_size=40).map("".join)


@PROPERTY
@given(st.one_of(YAMLISH, st.text(max_size=200)), st.text(max_size=50))
@example("title: !!int one\n", "")
@example("a: " + "[" * 2000 + "]" * 2000 + "\n", "")
@example("changes: [{version: 1.0.0, date: 2026-02-30, summary: x}]\n", "")
def test_any_front_matter_text_is_reported_not_raised(front, body):
    check_front_matter(f"---\n{front}\n---\n{body}")


DATES = st.one_of(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["2026-02-30", "2026-13-01", "26-11-27", "2026/11/27", "", "today"]),
)
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30), DATES,
              st.sampled_from(["1.0.0", "2.10.3", "1.0", "01.0.0", "pending", "reviewed"])),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)),
    max_leaves=8,
)
CHANGE = st.fixed_dictionaries({}, optional={
    "version": st.one_of(st.sampled_from(["1.0.0", "1.1.0", "2.0.0", "0.9.1", "1.0"]), VALUES),
    "date": st.one_of(DATES, VALUES),
    "summary": st.one_of(st.text(max_size=20), VALUES),
})
REVIEW = st.fixed_dictionaries({}, optional={
    "status": st.one_of(st.sampled_from(["pending", "reviewed", "done"]), VALUES),
    "name": VALUES, "role": VALUES, "date": st.one_of(DATES, VALUES),
    "reviewer": st.one_of(st.sampled_from(["a-clinician", ""]), VALUES),
    "version": st.one_of(st.sampled_from(["1.0.0", "9.0.0"]), VALUES),
})
FIELDS = {
    "title": VALUES,
    "description": st.one_of(st.text(max_size=200), VALUES),
    "version": st.one_of(st.sampled_from(["1.0.0", "1.1.0", "2.0.0", "1.0"]), VALUES),
    "last_reviewed": st.one_of(DATES, VALUES),
    "next_review": st.one_of(DATES, VALUES),
    "regulatory": st.one_of(st.booleans(), VALUES),
    "clinical_review": st.one_of(REVIEW, VALUES),
    "changes": st.one_of(st.lists(CHANGE, max_size=4), VALUES),
    "search": st.one_of(st.fixed_dictionaries({}, optional={"boost": VALUES, "exclude": VALUES}), VALUES),
    "hide": VALUES,
    "surprise": VALUES,
}
MAPPINGS = st.fixed_dictionaries({}, optional=FIELDS)


@PROPERTY
@given(MAPPINGS)
def test_any_front_matter_mapping_is_reported_at_its_field(meta):
    """Every field problem points into the front matter; change-entry problems point at the entry's '-' line."""
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    text = f"---\n{front}---\n\nSome text.\n"
    problems = check_front_matter(text)
    lines = text.split("\n")
    closing = lines.index("---", 1) + 1
    for problem in problems:
        if problem.code == "FM003" and problem.line == 1:  # an absent field has no line of its own
            assert re.search(r"'(\w+)'", problem.message).group(1) not in meta, (problem, text)
            continue
        assert 2 <= problem.line < closing, (problem, text)
        if problem.code in {"FM012", "FM013", "FM014"}:
            assert lines[problem.line - 1].startswith("- "), (problem, text)
        elif problem.code == "FM011" and "entry" in problem.message:
            # an entry that is not a mapping or list (e.g. '- null') has no line of its own: the 'changes:' line
            assert lines[problem.line - 1].startswith(("- ", "changes:")), (problem, text)
        elif problem.code in {"CLIN001", "CLIN002", "CLIN003", "FM010"} and lines[problem.line - 1].startswith(" "):
            # a clinical review problem points at its value's own line inside clinical_review
            top = next(line for line in reversed(lines[:problem.line - 1]) if line and not line[0].isspace())
            assert top.startswith("clinical_review:"), (problem, text)
        elif problem.code not in {"FM011", "YAML001"}:
            field = lines[problem.line - 1].split(":", 1)[0]
            assert field in FIELDS, (problem, text)


@PROPERTY
@given(st.sampled_from(sources.REQUIRED_FIELDS), st.sampled_from(["  ", " ", ""]), st.sampled_from(["'", '"', ""]))
def test_field_is_found_however_its_name_is_written(name, space, quote):
    text = f"---\n# A comment: not a field\n{quote}{name}{quote}{space}: [not, valid, for, anything]\n---\nText.\n"
    meta, body, first, field_lines = sources.split_front_matter(text, "docs/page.md")
    assert field_lines[name] == 3


# --- Citations ------------------------------------------------------------------

KEYS = st.from_regex(r"[a-z][a-z0-9]{0,15}", fullmatch=True)
SPACE = st.sampled_from(["", " ", "  ", "\t"])


@PROPERTY
@given(st.text(max_size=40), st.text(max_size=30), st.text(max_size=30))
@example("", "", "")
@example(" key", "", "")
@example("a, @b", "", "")
@example("murrough2013; @", "`", "`")
def test_any_citation_syntax_is_safe(inner, before, after):
    keys = citations.parse_keys(inner)
    assert keys is None or (keys and all(re.fullmatch(r"[a-z][a-z0-9]*", key) for key in keys))
    html = markdown.Markdown(extensions=["scripts.extensions.citations"]).convert(f"{before}[@{inner}]{after}")
    assert isinstance(html, str)


@PROPERTY
@given(st.lists(st.tuples(SPACE, KEYS, SPACE), min_size=1, max_size=6))
def test_valid_key_lists_round_trip(parts):
    inner = ";".join(f"{lead}@{key}{trail}" for lead, key, trail in parts)
    assert citations.parse_keys(inner) == [key for _, key, _ in parts]
    if len(parts) > 1:
        assert citations.parse_keys(inner.replace(";", ",")) is None


@PROPERTY
@given(st.lists(st.sampled_from(sorted(REFERENCES)), min_size=1, max_size=4, unique=True))
def test_known_keys_render_as_footnotes_in_order(keys):
    html = markdown.Markdown(extensions=["scripts.extensions.citations"]).convert(
        "Claim [" + "; ".join(f"@{k}" for k in keys) + "].")
    assert [m.group(1) for m in re.finditer(r'<sup id="fnref:([^"]+)">', html)] == keys
    assert "[@" not in html and ">References</h2>" in html


# --- Markdown bodies --------------------------------------------------------------

FRAGMENTS = st.sampled_from([
    "# Title", "## Section", "#### Deep", "###### Deepest", "#", "# ", "Text.", "A miracle cure.", "100% safe", "\n", "\n\n",
    "```", "~~~", "`code`", "``", "`", "[@murrough2013]", "[@ bad]", "[@a, @b]", "[@]", "[@murrough2013; @fava2020]",
    "[link](target.md)", "[link](target.md#x)", "[x](javascript:alert(1))", "![](a.png)", "![alt](https://e.com/a.png)",
    "![x](<a b.png>)", "[x](http://[oops)", "[x](a%00.md)", "[r]: javascript:x", "[^1]: note", "<script>", "</script>",
    "<img src=x>", "<img alt='a' src=//e.com/x>", "<a onclick='x'>", "<a href=\"javascript:x\">", "<", ">", "<div", " onclick=",
    "{#id}", "{: .class }", "!!! note", "    indented", "| a | b |", "|---|---|", "- item", "1. item", "> quote", "*", "_",
    "[", "]", "(", ")", "é", "\t", "\ufeff", "\x00", "[REFERENCES]", "[GLOSSARY]", "[CRISIS-SERVICES]",
])
BODIES = st.lists(st.one_of(FRAGMENTS, st.text(max_size=10)), max_size=40).map(" ".join)


@PROPERTY
@given(BODIES, st.integers(min_value=2, max_value=40))
@example("<script\nsrc=x></script>", 15)
@example("Notwithstanding considerable heterogeneity, " * 40, 15)
def test_any_markdown_body_is_reported_not_raised(body, first):
    checker = Checker(today=TODAY)
    page = Page(Path("docs/page.md"), {}, body, first)
    checker.check_body(page, REFERENCES)
    last = first + body.count("\n")
    for problem in checker.problems:
        assert CODE.match(problem.code), problem
        assert first <= problem.line <= last and problem.column >= 1, (problem, body)


LINK_TARGETS = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=")\n\r \t>"), max_size=30),
    st.sampled_from(["target.md", "target.md#x", "#", "#top", "/target.md", "../x.md", "http://[x", "%00", "a%00.md", "//",
                     "mailto:x", "?q", "a.md?q#f", "%", "\\", "~"]),
)


@FEWER
@given(st.lists(LINK_TARGETS, min_size=1, max_size=5))
def test_any_link_target_is_reported_not_raised(targets):
    with tempfile.TemporaryDirectory() as folder:
        docs = Path(folder)
        body = "\n\n".join(f"See [this]({target}) and ![photo]({target})." for target in targets)
        (docs / "page.md").write_text(f"---\ntitle: T\n---\n{body}\n", encoding="utf-8")
        page = sources.load_page(docs / "page.md")
        checker = Checker(docs=docs, today=TODAY)
        checker.check_links(page, {(docs / "page.md").resolve(): page}, {(docs / "page.md").resolve(): set()})
        assert all(p.code in {"LINK001", "LINK002"} for p in checker.problems)


# --- Data files -----------------------------------------------------------------

LOADERS = [sources.load_bibliography, sources.load_glossary, sources.load_crisis, sources.load_editions]
RECORDS = st.recursive(
    st.one_of(VALUES, st.fixed_dictionaries({}, optional={
        "id": st.one_of(KEYS, VALUES), "type": st.one_of(st.sampled_from(sorted(sources.CSL_TYPES)), VALUES),
        "title": VALUES, "author": st.one_of(st.lists(st.fixed_dictionaries({"family": VALUES})), VALUES),
        "container-title": VALUES,
        "issued": st.one_of(st.fixed_dictionaries({"date-parts": st.lists(st.lists(VALUES, max_size=2), max_size=2)}), VALUES),
        "DOI": VALUES, "PMID": VALUES, "URL": VALUES, "term": VALUES, "match": VALUES, "definition": VALUES,
        "heading": VALUES, "checked": st.one_of(DATES, VALUES), "version": VALUES, "date": VALUES, "summary": VALUES,
        "kind": st.one_of(st.sampled_from(["call", "text", "web"]), VALUES), "label": VALUES, "target": VALUES,
    })),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.fixed_dictionaries({"heading": VALUES, "checked": DATES},
                              optional={"regions": st.lists(st.fixed_dictionaries(
                                  {"name": VALUES, "services": st.lists(st.fixed_dictionaries(
                                      {"name": VALUES, "actions": st.lists(children, max_size=2)}), max_size=2)}), max_size=2)}),
    ),
    max_leaves=6,
)


@FEWER
@given(st.sampled_from(LOADERS), st.one_of(RECORDS.map(lambda d: yaml.safe_dump(d, allow_unicode=True)), YAMLISH))
@example(sources.load_bibliography, "- {id: ab, type: [book], title: T, author: [{literal: X}], container-title: C, "
                                    "issued: {date-parts: [[2000]]}}\n")
@example(sources.load_bibliography, "- {id: ab, type: book, title: T, author: [{literal: X}], container-title: C, "
                                    "issued: {date-parts: [[.inf]]}}\n")
@example(sources.load_crisis, "heading: H\nchecked: 2026-01-01\nregions: [{name: R, services: [{name: S, actions: "
                              "[{kind: [call], label: L, target: '1'}]}]}]\n")
def test_any_data_file_is_reported_not_raised(loader, text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.yaml"
        path.write_text(text, encoding="utf-8")
        _, problems = loader(path)
    assert_well_formed(problems, text.count("\n") + 1)


@pytest.mark.parametrize("target", ["   ", "", "+", "call-988", "988a"])
def test_crisis_number_needs_digits(tmp_path, target):
    path = tmp_path / "crisis.yaml"
    path.write_text(yaml.safe_dump({"heading": "H", "checked": "2026-11-27", "regions": [
        {"name": "R", "services": [{"name": "S", "actions": [{"kind": "call", "label": "L", "target": target}]}]}]}))
    data, problems = sources.load_crisis(path)
    assert data is None and [p.code for p in problems] == ["CRISIS001"]

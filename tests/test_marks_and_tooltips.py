"""The Markdown side of citation marks and glossary tooltips (the browser side is in test_browser.py)."""

from __future__ import annotations

import markdown
from bs4 import BeautifulSoup


def render(text: str) -> BeautifulSoup:
    html = markdown.Markdown(extensions=["scripts.extensions.citations", "scripts.extensions.glossary"]).convert(text)
    return BeautifulSoup(html, "html.parser")


def marks(html: BeautifulSoup) -> list[str]:
    return [sup.get_text() for sup in html.select('p sup[id^="fnref"]')]


def test_adjacent_marks_are_separated_by_a_comma_in_the_second_mark():
    assert marks(render("A claim [@fava2020; @murrough2013].\n")) == ["1", ",2"]
    assert marks(render("A claim [@fava2020][@murrough2013].\n")) == ["1", ",2"]


def test_marks_separated_by_words_get_no_comma():
    assert marks(render("One claim [@fava2020] and at this dose [@murrough2013].\n")) == ["1", "2"]


def test_kept_terms_are_focusable_and_reference_lists_carry_no_terms():
    html = render("Ketamine helps some people [@murrough2013].\n")
    kept = html.select("abbr")
    assert [abbr.get_text() for abbr in kept] == ["Ketamine"] and kept[0]["tabindex"] == "0"
    assert "ketamine" in html.select_one("div.footnote").get_text().lower(), "the title names the term..."
    assert html.select("div.footnote abbr") == [], "...but carries no tooltip"


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

words = st.lists(st.text(alphabet="abk e-", min_size=1, max_size=6).map(str.strip).filter(bool), min_size=1, max_size=8)


@given(words, st.text(alphabet="abk e-.", max_size=40))
def test_the_term_pattern_matches_what_a_longest_first_alternation_matches(spellings, text):
    import re

    from scripts.extensions.glossary import _trie_pattern

    alternation = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(set(spellings), key=len, reverse=True)) + r")\b")
    trie = re.compile(r"\b" + _trie_pattern(sorted(set(spellings))) + r"\b")
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in alternation.finditer(text)]

"""What a reader's browser sees: Chromium loads every page over HTTP from 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from urllib.parse import urlsplit

import pytest

from conftest import SiteServer, built_pages

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# Readers' own words (not our headings), and the pages that answer them. A query passes when one of
# its pages is among the first five pages of results, a margin that holds as pages are added.
# Tune headings and wording, never this list.
READER_QUERIES = {
    "spravato": {"/guide/what-is-ketamine/", "/faq/"},
    "is it addictive": {"/faq/", "/guide/side-effects/"},
    "how much does it cost": {"/guide/finding-a-provider/", "/faq/"},
    "insurance": {"/guide/finding-a-provider/", "/faq/"},
    "can i drive after": {"/guide/what-to-expect/", "/faq/"},
    "pregnant": {"/guide/side-effects/", "/faq/"},
    "suicidal thoughts": {"/guide/benefits/", "/faq/", "/get-help/"},
    "ketamine at home": {"/guide/finding-a-provider/", "/faq/"},
    "how many sessions": {"/guide/what-to-expect/", "/faq/"},
    "bladder": {"/guide/side-effects/", "/faq/"},
    "how long does it last": {"/guide/benefits/", "/faq/"},
    "ect": {"/guide/research/", "/faq/", "/guide/standard-treatments/"},
    "ptsd": {"/guide/research/", "/faq/"},
    "side effects": {"/guide/side-effects/", "/faq/"},
    "how does ketamine work": {"/guide/how-it-works/", "/faq/"},
    "crisis line": {"/get-help/"},
    "nothing has worked": {"/guide/standard-treatments/", "/guide/is-it-right-for-you/", "/faq/"},
    "questions for my doctor": {"/guide/questions-for-your-doctor/", "/faq/"},
    "memory problems": {"/guide/side-effects/", "/faq/"},
}

# Words readers type that differ from the text's own forms -> a stem every best result must contain.
READER_WORDS = {
    "driving": "driv",
    "cost": "cost",
    "side effects": "side effect",
    "NHS": "nhs",
    "pregnant": "pregnan",
    "blood pressure": "blood pressure",
}


def page_urls(site_url, built_site):
    urls = []
    for path in built_pages(built_site):
        relative = path.parent.relative_to(built_site).as_posix()
        urls.append(site_url if relative == "." else f"{site_url}{relative}/")
    return urls


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()


def test_every_page_loads_with_no_third_party_requests_and_no_console_errors(browser, site_url, built_site):
    urls = page_urls(site_url, built_site)
    assert len(urls) >= 20
    foreign, errors = [], []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        tab = context.new_page()
        tab.on("request", lambda request: urlsplit(request.url).hostname not in ("127.0.0.1", None)
               and not request.url.startswith("data:") and foreign.append(request.url))
        tab.on("console", lambda message: message.type == "error" and errors.append(f"{tab.url}: {message.text}"))
        tab.on("pageerror", lambda error: errors.append(f"{tab.url}: {error}"))
        for url in urls:
            response = tab.goto(url, wait_until="networkidle")
            assert response.status == 200, url
        context.close()
    assert foreign == []
    assert errors == []


def test_every_page_has_no_axe_violations_in_light_and_dark(browser, site_url, built_site):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    violations = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        tab = context.new_page()
        for url in page_urls(site_url, built_site):
            tab.goto(url, wait_until="networkidle")
            assert tab.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
            result = axe.run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
            for violation in result.response["violations"]:
                targets = [node["target"] for node in violation["nodes"]][:3]
                violations.append(f"{scheme} {url}: {violation['id']} ({violation['impact']}) {targets}")
        context.close()
    assert violations == []


def test_axe_finds_a_planted_violation(page, site_url):
    """The accessibility check can fail: an image without alt text is reported."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site_url)
    page.evaluate("document.querySelector('article').insertAdjacentHTML('beforeend', '<img src=\"x.png\">')")
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert "image-alt" in [v["id"] for v in result.response["violations"]]


def test_every_page_reflows_at_320_px_with_crisis_help_in_view(browser, site_url, built_site):
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    problems = []
    for url in page_urls(site_url, built_site):
        tab.goto(url, wait_until="networkidle")
        overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"{url}: scrolls sideways by {overflow}px")
        crisis = tab.locator("aside.crisis")
        box = crisis.bounding_box()
        if not crisis.is_visible() or box is None or box["x"] < 0 or box["x"] + box["width"] > 320:
            problems.append(f"{url}: crisis help not fully visible")
        call = tab.locator("aside.crisis a[href='tel:988']")
        if not call.is_visible():
            problems.append(f"{url}: 'Call 988' not visible")
    context.close()
    assert problems == []


def test_keyboard_skip_link_and_visible_focus(page, site_url):
    page.goto(site_url + "guide/benefits/")
    page.keyboard.press("Tab")
    focused = page.evaluate("({text: document.activeElement.textContent.trim(), href: document.activeElement.getAttribute('href')})")
    assert "skip" in focused["text"].lower() and focused["href"].startswith("#")
    box = page.evaluate("JSON.stringify(document.activeElement.getBoundingClientRect())")
    assert json.loads(box)["height"] > 0, "the skip link must become visible when focused"
    page.keyboard.press("Enter")
    # Every focusable control shows a visible focus indicator.
    missing = []
    for _ in range(25):
        page.keyboard.press("Tab")
        style = page.evaluate("""() => {
            const e = document.activeElement, s = getComputedStyle(e);
            return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 30),
                    // An outline or a focus ring; underlines do not count, since links are underlined anyway.
                    visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'};
        }""")
        if not style["visible"]:
            missing.append(style)
    assert missing == []


def test_search_dialog_works_from_the_keyboard(page, site_url):
    page.goto(site_url, wait_until="networkidle")
    page.keyboard.press("/")
    box = page.get_by_role("searchbox", name="Search")
    assert box.evaluate("e => e === document.activeElement")
    page.keyboard.type("bladder")
    results = page.locator(RESULT_LINKS)
    results.first.wait_for(timeout=30000)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('.guide-search__results') !== null")
    page.keyboard.press("ArrowUp")
    assert box.evaluate("e => e === document.activeElement"), "ArrowUp from the first result returns to the box"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path != "/", timeout=10000)


def test_search_is_a_visible_header_button_that_escape_closes(page, site_url):
    page.goto(site_url + "guide/benefits/", wait_until="networkidle")
    button = page.get_by_role("button", name="Search")
    header = page.locator(".md-header").bounding_box()
    box = button.bounding_box()
    assert button.is_visible() and box is not None
    assert header["y"] <= box["y"] and box["y"] + box["height"] <= header["y"] + header["height"], "inside the header"
    assert box["x"] + box["width"] <= header["x"] + header["width"]
    palette = page.locator(".md-header__inner label[for^='__palette'], .md-header__inner form[data-md-component=palette]")
    for index in range(palette.count()):
        other = palette.nth(index).bounding_box()
        if other and other["width"]:
            assert other["x"] + other["width"] <= box["x"] or box["x"] + box["width"] <= other["x"], "overlaps the palette toggle"
    button.click()
    dialog = page.get_by_role("dialog", name="Search this guide")
    dialog.wait_for(state="visible", timeout=30000)  # search.js loads on this first click
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden", timeout=5000)


def test_search_loads_nothing_until_a_reader_searches(page, site_url):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    page.goto(site_url + "faq/", wait_until="networkidle")
    page.wait_for_timeout(500)
    assert not [path for path in requested if "pagefind" in path or "search" in path], requested
    search(page, "bladder")
    assert [path for path in requested if path.endswith("/assets/search.js")], "search's script loads on first use"
    assert [path for path in requested if path.endswith("/pagefind/pagefind.js")], "the index loads on first search"


def test_search_dialog_with_results_has_no_axe_violations(browser, site_url):
    from axe_playwright_python.sync_playwright import Axe

    violations = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        tab = context.new_page()
        tab.goto(site_url, wait_until="networkidle")
        search(tab, "side effects")
        result = Axe().run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
        violations += [f"{scheme}: {v['id']} {[n['target'] for n in v['nodes']][:3]}" for v in result.response["violations"]]
        context.close()
    assert violations == []


RESULT_LINKS = ".guide-search__results > li > a"


def search(page, query: str) -> list[str]:
    """Type a query into the search box as a reader would; return the result pages' paths, best first."""
    dialog = page.get_by_role("dialog", name="Search this guide")
    if not dialog.is_visible():
        page.get_by_role("button", name="Search").click()
    box = page.get_by_role("searchbox", name="Search")
    box.fill("")
    box.press_sequentially(query)
    status = page.locator(".guide-search__status")
    # The index loads on first use; on a busy machine that can take a while.
    page.wait_for_function("q => { const s = document.querySelector('.guide-search__status').textContent;"
                           " return document.querySelector('.guide-search__input').value === q"
                           " && s && !s.startsWith('Searching'); }", arg=query, timeout=30000)
    assert "could not load" not in status.inner_text()
    pages: list[str] = []
    for link in page.locator(RESULT_LINKS).all():
        path = urlsplit(link.get_attribute("href")).path
        if path not in pages:
            pages.append(path)
    return pages


def page_titles(built_site) -> dict[str, str]:
    """Each page's path and its title (the article's h1), from the built site."""
    from bs4 import BeautifulSoup

    titles = {}
    for path in built_pages(built_site):
        relative = path.parent.relative_to(built_site).as_posix()
        heading = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("article h1")
        if heading is not None:
            titles["/" if relative == "." else f"/{relative}/"] = heading.get_text(" ", strip=True).rstrip("¶").strip()
    return titles


def test_every_page_is_in_the_top_five_for_its_own_title(page, site_url, built_site):
    titles = page_titles(built_site)
    assert len(titles) >= 20
    page.goto(site_url, wait_until="networkidle")
    misses = []
    for path, title in titles.items():
        results = search(page, title)
        if path not in results[:5]:
            misses.append(f"{title!r}: {path} not in {results[:5]}")
    assert misses == []


def test_reader_queries_find_a_page_that_answers_them_in_the_top_five(page, site_url):
    assert len(READER_QUERIES) >= 15
    page.goto(site_url, wait_until="networkidle")
    misses = []
    for query, right_pages in READER_QUERIES.items():
        results = search(page, query)
        if not right_pages & set(results[:5]):
            misses.append(f"{query!r}: got {results[:5]}, want one of {sorted(right_pages)}")
    assert misses == []


def test_readers_words_find_pages_that_use_them(page, site_url):
    """Words as readers type them (other forms than the text's, abbreviations): each finds pages,
    and the best result uses the word or a form of it."""
    page.goto(site_url, wait_until="networkidle")
    misses = []
    for query, stem in READER_WORDS.items():
        results = search(page, query)
        if not results:
            misses.append(f"{query!r}: no results")
            continue
        page.locator(RESULT_LINKS).first.click()
        page.wait_for_load_state("domcontentloaded")
        text = page.locator("article").inner_text().lower()
        if stem not in text:
            misses.append(f"{query!r}: best result {results[0]} never says {stem!r}")
        page.go_back(wait_until="networkidle")
    assert misses == []


def test_print_hides_navigation_and_keeps_review_details_and_references(page, site_url):
    page.goto(site_url + "guide/side-effects/", wait_until="networkidle")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-footer"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator(".page-info__print-url").is_visible()
    assert "Printed from https://" in page.locator(".page-info__print-url").inner_text()
    for label in ("Page version", "Page last reviewed", "Next review due"):
        assert page.get_by_text(label, exact=True).is_visible(), label
    assert page.locator(".page-info__changes").is_visible(), "page history is printed even though collapsed on screen"
    assert page.locator(".footnote li").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


# --- Search's exact behaviour, on a fixture site built from this site's own pages ------------


def fixture_page(template: str, title: str, body: str) -> str:
    """The built page `template` with its article replaced by `title` and `body`."""
    start = template.index(">", template.index('<article class="md-content__inner')) + 1
    end = template.index("</article>", start)
    return template[:start] + f"<h1>{title}</h1>{body}" + template[end:]


@pytest.fixture(scope="module")
def edition_site(built_site, tmp_path_factory):
    """Two editions side by side (/2026.11/ and /latest/), each with its own Pagefind index, served together."""
    from scripts.search_index import build_search_index

    root = tmp_path_factory.mktemp("editions")
    home = (built_site / "index.html").read_text(encoding="utf-8")
    inner = (built_site / "faq" / "index.html").read_text(encoding="utf-8")
    crisis = '<aside class="crisis" data-search-exclude=""><p>Zebra crisis text on every page.</p></aside>'
    for edition, advice in (("2026.11", "Older advice: do not drive that day."),
                            ("latest", "Do not drive until the next day.")):
        folder = root / edition
        shutil.copytree(built_site / "assets", folder / "assets")
        (folder / "index.html").write_text(fixture_page(home, "Fixture home", crisis + "<p>Welcome.</p>"), encoding="utf-8")
        for name, title, body in (
            ("travel", "Getting home", f"{crisis}<p>{advice}</p><h2 id=\"after-the-session\">After the session</h2>"
                                       "<p>Rest after the session and plan the journey.</p>"),
            ("other", "Another page", f"{crisis}<p>Something about the bladder.</p>"),
        ):
            (folder / name).mkdir()
            (folder / name / "index.html").write_text(fixture_page(inner, title, body), encoding="utf-8")
        build_search_index(folder)
    with SiteServer(root) as server:
        yield server.url


def test_search_finds_other_forms_of_a_word_and_only_the_pages_using_it(page, edition_site):
    page.goto(edition_site + "latest/", wait_until="networkidle")
    assert search(page, "driving") == ["/latest/travel/"]
    assert search(page, "bladders") == ["/latest/other/"]


def test_search_leaves_out_text_marked_for_exclusion(page, edition_site):
    page.goto(edition_site + "latest/", wait_until="networkidle")
    assert search(page, "zebra") == []
    assert "No pages found" in page.locator(".guide-search__status").inner_text()


def test_search_stays_within_its_edition(page, edition_site):
    page.goto(edition_site + "2026.11/other/", wait_until="networkidle")
    assert search(page, "drive") == ["/2026.11/travel/"]
    assert "Older advice" in page.locator(".guide-search__results").inner_text()
    page.goto(edition_site + "latest/other/", wait_until="networkidle")
    assert search(page, "drive") == ["/latest/travel/"]


def test_a_result_links_to_the_section_that_matches(page, edition_site):
    page.goto(edition_site + "latest/", wait_until="networkidle")
    search(page, "journey")
    sections = [link.get_attribute("href") for link in page.locator(".guide-search__results ul a").all()]
    assert [urlsplit(href).fragment for href in sections] == ["after-the-session"]


# --- Tooltips: built on first hover or focus --------------------------------------------------


def test_nothing_is_set_up_for_tooltips_until_a_reader_points_at_one(page, site_url):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    page.goto(site_url + "faq/", wait_until="networkidle")
    assert page.locator("a.footnote-ref").count() >= 10 and page.locator("abbr[tabindex]").count() >= 10
    assert page.evaluate("document.querySelectorAll('[role=tooltip], .md-tooltip2, [aria-describedby=guide-tooltip]').length") == 0
    assert not [path for path in requested if path.endswith("/tooltips.js")], "tooltips.js loads on first use only"
    page.locator("abbr[tabindex]").first.focus()
    page.get_by_role("tooltip").wait_for(timeout=10000)
    assert [path for path in requested if path.endswith("/assets/tooltips.js")]


def test_a_citation_previews_its_reference_on_hover_and_focus(page, site_url):
    page.goto(site_url + "guide/side-effects/", wait_until="networkidle")
    mark = page.locator("a.footnote-ref").first
    note_id = mark.get_attribute("href").lstrip("#")
    reference = page.evaluate("id => { const n = document.getElementById(id).cloneNode(true);"
                              " n.querySelectorAll('.footnote-backref').forEach(e => e.remove()); return n.innerText.trim(); }",
                              note_id)
    mark.hover()
    tooltip = page.get_by_role("tooltip")
    tooltip.wait_for(timeout=10000)  # tooltips.js loads on this first hover
    assert tooltip.inner_text().strip() == reference
    assert mark.get_attribute("aria-describedby") == tooltip.get_attribute("id")
    tooltip.hover()  # a reader can move onto it (to follow its DOI link) without it vanishing
    page.wait_for_timeout(500)
    assert tooltip.is_visible()
    page.mouse.move(1, 700)
    page.wait_for_timeout(600)
    assert page.get_by_role("tooltip").count() == 0
    mark.focus()
    assert page.get_by_role("tooltip").inner_text().strip() == reference
    page.keyboard.press("Escape")
    assert page.get_by_role("tooltip").count() == 0
    # Touch and screen-reader users follow the mark to the page's reference list.
    assert page.locator(f"div.footnote li[id='{note_id}']").count() == 1


def test_a_glossary_term_shows_its_definition_on_keyboard_focus(page, site_url):
    page.goto(site_url + "guide/benefits/", wait_until="networkidle")
    term = page.locator("article abbr[tabindex]").first
    definition = term.get_attribute("title")
    assert definition
    term.focus()
    assert page.get_by_role("tooltip").inner_text().strip() == definition
    assert term.get_attribute("title") is None, "the browser's own tooltip must not double it"
    page.keyboard.press("Tab")
    assert term.get_attribute("title") == definition, "the definition goes back when the term loses focus"


# --- What readers saw wrong -------------------------------------------------------------------

RENDERED_MARKS = """() => Array.from(document.querySelectorAll('article sup[id^="fnref"]')).map(sup => {
    const before = getComputedStyle(sup, '::before').content;
    const previous = sup.previousSibling;
    const adjacent = previous && previous.nodeType === 1 && previous.matches('sup[id^="fnref"]')
        || (previous && previous.nodeType === 3 && !previous.textContent.trim()
            && sup.previousElementSibling && sup.previousElementSibling.matches('sup[id^="fnref"]')
            && sup.previousElementSibling.nextSibling === previous);
    return {adjacent: !!adjacent,
            text: (before === 'none' || before === 'normal' ? '' : before.replace(/^"|"$/g, '')) + sup.textContent,
            context: (previous ? previous.textContent.slice(-20) : '') + '|' + sup.textContent};
})"""


def test_a_comma_separates_adjacent_citation_marks_only(page, site_url):
    problems, adjacent = [], 0
    for path in ("guide/side-effects/", "guide/questions-for-your-doctor/", "guide/benefits/", "faq/"):
        page.goto(site_url + path, wait_until="networkidle")
        for mark in page.evaluate(RENDERED_MARKS):
            adjacent += mark["adjacent"]
            if mark["text"].startswith(",") != mark["adjacent"]:
                problems.append(f"{path}: {mark['context']!r} renders as {mark['text']!r}")
    assert adjacent >= 3, "the pages have runs of citation marks ([@a; @b])"
    assert problems == []


def test_the_edit_button_sits_outside_the_crisis_box(browser, site_url):
    problems = []
    for width in (1280, 700, 320):
        context = browser.new_context(viewport={"width": width, "height": 800})
        tab = context.new_page()
        for path in ("", "guide/side-effects/", "faq/"):
            tab.goto(site_url + path, wait_until="networkidle")
            button = tab.locator("article .md-content__button").bounding_box()
            crisis = tab.locator("aside.crisis").bounding_box()
            if button and crisis:
                overlap = not (button["x"] + button["width"] <= crisis["x"] or crisis["x"] + crisis["width"] <= button["x"]
                               or button["y"] + button["height"] <= crisis["y"] or crisis["y"] + crisis["height"] <= button["y"])
                if overlap:
                    problems.append(f"{width}px /{path}: edit button {button} inside crisis box {crisis}")
        context.close()
    assert problems == []


def test_reference_lists_carry_no_glossary_tooltips(built_site):
    from bs4 import BeautifulSoup

    inside = []
    for path in built_pages(built_site):
        html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        inside += [f"{path.parent.name}: {abbr.get_text()}" for abbr in html.select(".footnote abbr, .reference abbr")]
    assert inside == []

"""What a reader's browser sees: Chromium loads every page over HTTP from 127.0.0.1."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from conftest import built_pages

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# Readers' own words (not our headings), and the pages that answer them. A query passes when one of
# its pages is among the first three pages of results. Tune headings and wording, never this list.
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
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    search = page.get_by_label("Search", exact=True).first
    assert search.evaluate("e => e === document.activeElement")
    page.keyboard.type("bladder")
    page.locator(".md-search-result__item").first.wait_for(timeout=30000)
    page.keyboard.press("ArrowDown")
    assert "md-search-result__link" in page.evaluate("document.activeElement.className")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path != "/", timeout=10000)


def search(page, query: str) -> list[str]:
    """Type a query into the search box as a reader would; return the result pages' paths, best first."""
    box = page.get_by_label("Search", exact=True).first
    box.click()
    box.fill("")
    box.press_sequentially(query)  # Material searches on key events, as a reader types
    items = page.locator(".md-search-result__item > a, [role=listbox] [role=option] a")
    items.first.wait_for(timeout=30000)  # the search index loads in a web worker; slow on a busy machine
    page.wait_for_timeout(300)  # results render progressively; let the list settle
    pages: list[str] = []
    for link in items.all():
        path = urlsplit(link.get_attribute("href")).path
        if path not in pages:
            pages.append(path)
    return pages


def test_search_box_finds_a_page(page, site_url):
    page.goto(site_url, wait_until="networkidle")
    results = search(page, "bladder")
    assert "/guide/side-effects/" in results[:3], results[:5]


def test_reader_queries_find_the_right_page_in_the_top_three(page, site_url):
    assert len(READER_QUERIES) >= 15
    page.goto(site_url, wait_until="networkidle")
    misses = []
    for query, right_pages in READER_QUERIES.items():
        results = search(page, query)
        if not right_pages & set(results[:3]):
            misses.append(f"{query!r}: got {results[:3]}, want one of {sorted(right_pages)}")
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

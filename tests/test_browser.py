"""What a reader's browser sees: Chromium loads every page over HTTP from 127.0.0.1."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import built_pages

pytestmark = pytest.mark.browser


def page_urls(site_url, built_site):
    return [site_url + str(p.parent.relative_to(built_site)).replace(".", "") + ("/" if p.parent != built_site else "")
            for p in built_pages(built_site)]


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


def search(page, query: str) -> list[str]:
    """Type a query into the search box as a reader would; return the result pages' paths, best first."""
    box = page.get_by_label("Search", exact=True).first
    box.click()
    box.fill(query)
    items = page.locator(".md-search-result__item > a, [role=listbox] [role=option] a")
    items.first.wait_for(timeout=10000)
    page.wait_for_timeout(300)  # results render progressively; let the list settle
    pages: list[str] = []
    for link in items.all():
        path = urlsplit(link.get_attribute("href")).path
        if path not in pages:
            pages.append(path)
    return pages


def test_search_box_finds_a_page(page, site_url):
    page.goto(site_url)
    results = search(page, "bladder")
    assert results, "no results"
    assert "/guide/side-effects/" in results[:3], results[:5]

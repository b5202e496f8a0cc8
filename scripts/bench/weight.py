"""First-view transfer per page, cold cache, as a gzip-serving host sends it; and the first search."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .common import CHROMIUM, CHROMIUM_ARGS, PAGES, TARGET_FIRST_VIEW_KB, MeasurementError, kb, log, median
from .server import BenchServer


SEARCH_QUERY = "side effects"


def is_search(path: str) -> bool:
    """Search files: Material's worker and index (fetched after load), or Pagefind's bundle (fetched on first search)."""
    return path.startswith("/search/") or "/workers/search." in path or path.startswith("/pagefind/")


def wait_until_quiet(server: BenchServer, seconds: float = 1.0, limit: float = 15) -> None:
    """Until the server has answered no request for `seconds` (search files load after the page's load event)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and time.monotonic() - server.last_request < seconds:
        time.sleep(0.1)


def first_search(page, server: BenchServer) -> dict[str, Any]:
    """What the first search costs on our site: open the dialog, type a query, count what loads."""
    page.get_by_role("button", name="Search").click()
    page.get_by_role("searchbox", name="Search").press_sequentially(SEARCH_QUERY)
    page.wait_for_function("() => { const s = document.querySelector('.guide-search__status').textContent;"
                           " return s && !s.startsWith('Searching'); }", timeout=30_000)
    wait_until_quiet(server)
    entries = server.take()
    return {"query": SEARCH_QUERY, "requests": len(entries), "kb": kb(sum(entry["bytes"] for entry in entries)),
            "results": page.locator(".guide-search__results > li").count()}


def load_page(browser, server: BenchServer, path: str, with_search: bool = False) -> dict[str, Any]:
    """One cold first view: a fresh browser context, every request recorded, third parties blocked and counted;
    then, with `with_search`, the first search in the same tab."""
    from playwright.sync_api import Error as PlaywrightError

    host = urlsplit(server.url).netloc
    context = browser.new_context()
    third_party: list[str] = []
    seen_same_host: list[str] = []

    def route(route_request):
        url = route_request.request.url
        if urlsplit(url).netloc == host:
            route_request.continue_()
        else:
            third_party.append(url)
            route_request.abort()

    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda request: seen_same_host.append(request.url) if urlsplit(request.url).netloc == host else None)
        server.take()
        page.goto(server.url + path, wait_until="load", timeout=60_000)
        try:
            page.wait_for_load_state("networkidle", timeout=15_000)
        except PlaywrightError:
            pass
        # Material's search worker fetches the index after load: wait until the server has been quiet for 1 s.
        wait_until_quiet(server)
        entries = server.take()
        searched = first_search(page, server) if with_search else None
    finally:
        context.close()
    third_hosts = sorted({urlsplit(url).netloc for url in third_party})
    return {
        "requests": len(entries) + len(third_party),
        "same_host_requests": len(entries),
        "same_host_bytes": sum(entry["bytes"] for entry in entries),
        "same_host_kb": kb(sum(entry["bytes"] for entry in entries)),
        "search_kb": kb(sum(entry["bytes"] for entry in entries if is_search(entry["path"]))),
        "not_found": [entry["path"] for entry in entries if entry["status"] == 404],
        "first_search": searched,
        "third_party_requests": len(third_party),
        "third_party_hosts": third_hosts,
        "third_party_urls": third_party,
        "browser_saw_same_host": len(seen_same_host),
        "entries": entries,
    }


def measure_weight(sites: dict[str, Path]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        raise MeasurementError(f"Chromium is missing ({CHROMIUM}): run 'make chromium'")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for name, site in sites.items():
                    with BenchServer(site) as server:
                        pages = {}
                        for label, path in PAGES.items():
                            log(f"first view: {name}, {label} (/{path})")
                            pages[label] = load_page(browser, server, path, with_search=(site / "pagefind").is_dir())
                    searches = [p["first_search"] for p in pages.values() if p["first_search"]]
                    results[name] = {
                        "pages": pages,
                        "median_requests": median([p["requests"] for p in pages.values()]),
                        "median_same_host_kb": median([p["same_host_kb"] for p in pages.values()]),
                        "median_third_party": median([p["third_party_requests"] for p in pages.values()]),
                        "median_without_search_kb": median([p["same_host_kb"] - p["search_kb"] for p in pages.values()]),
                        "median_first_search_kb": median([s["kb"] for s in searches]) if searches else None,
                    }
            finally:
                browser.close()
    except PlaywrightError as error:
        raise MeasurementError(f"Playwright/Chromium: {str(error).splitlines()[0]}") from None
    ours = results.get("ours", {}).get("median_same_host_kb")
    results["target_kb"] = TARGET_FIRST_VIEW_KB
    results["meets_target"] = ours is not None and ours <= TARGET_FIRST_VIEW_KB
    return results

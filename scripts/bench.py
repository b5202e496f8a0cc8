"""Measurements for the closing note: `make bench` (`python -m scripts bench [--out DIR] [--no-lighthouse]`).

One run on this machine compares the guide with a stock Material for MkDocs
site made from the same Markdown:

- build time (median of 5 builds each) and the ratio ours/stock;
- the content check's time (`make check`), on the real docs and on 1,000 pages;
- how build and check times grow with 100, 500 and 1,000 pages;
- first-view transfer per page, as a gzip-serving host would send it, cold cache;
- Lighthouse scores (mobile), when Lighthouse can run here.

It writes `<out>/results.md` (printed at the end) and `<out>/results.json`.
Every figure in results.md says how it was measured. A measurement that fails
is reported as "failed: <reason>" and the bench goes on; the exit status is 1
when any measurement failed, else 0 (targets missed are results, not failures).
Nothing here is part of the CI gate.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import http.server
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The same flags as tests/conftest.py: without them Chromium floods a closed network with update requests.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

BUILD_RUNS = 5
CHECK_RUNS = 5
# Pages in the whole docs folder -> timed builds of each site. The big sizes take about a minute each.
SCALE_SIZES = {100: 3, 500: 1, 1000: 1}
PAGES = {"home": "", "guide page": "guide/benefits/", "FAQ": "faq/"}
TEXT_SUFFIXES = {".html", ".htm", ".css", ".js", ".mjs", ".json", ".svg", ".xml"}
GZIP_LEVEL = 6

LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_TIMEOUT = 180
LIGHTHOUSE_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

BUILD_TIMEOUT = 900
TARGET_BUILD_RATIO = 1.25
TARGET_FIRST_VIEW_KB = 80


class MeasurementError(Exception):
    """An expected failure (a build that fails, a tool that is missing); the message says why."""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def kb(size: float) -> float:
    return round(size / 1000, 1)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


# --- The sites ----------------------------------------------------------------


def our_config() -> dict[str, Any]:
    """Our mkdocs.yml as plain strings; BaseLoader ignores tags such as !ENV instead of failing on them."""
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as handle:
        config = yaml.load(handle, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str/list/dict
    if not isinstance(config, dict):
        raise MeasurementError("mkdocs.yml is not a mapping")
    return config


def stock_config(site_name: str, nav: Any, fonts: bool = True) -> str:
    """A minimal Material config: theme defaults (Google Fonts unless fonts=False), search, our nav, no extensions."""
    config: dict[str, Any] = {"site_name": site_name, "theme": {"name": "material"}, "plugins": ["search"]}
    if not fonts:
        config["theme"]["font"] = False
    if nav is not None:
        config["nav"] = nav
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def mkdocs_command(config: Path, site_dir: Path, strict: bool) -> list[str]:
    mkdocs = BIN / "mkdocs"
    base = [str(mkdocs)] if mkdocs.exists() else [sys.executable, "-m", "mkdocs"]
    return [*base, "build", "--strict" if strict else "--no-strict", "--clean", "-f", str(config), "-d", str(site_dir)]


REPORTED = re.compile(r"Documentation built in ([\d.]+) seconds")


def timed_build(config: Path, site_dir: Path, cwd: Path, strict: bool) -> dict[str, Any]:
    """One build as a maintainer runs it: wall time of the whole process (Python start-up included)."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            mkdocs_command(config, site_dir, strict), cwd=cwd, env=ENV, capture_output=True, text=True, timeout=BUILD_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise MeasurementError(f"build of {config.name} timed out after {BUILD_TIMEOUT} s") from None
    wall = time.perf_counter() - started
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        tail = " | ".join(line.strip() for line in output.strip().splitlines()[-4:])
        raise MeasurementError(f"`mkdocs build` with {config.name} exited {proc.returncode}: {tail}")
    reported = REPORTED.search(output)
    return {
        "wall_s": round(wall, 3),
        "reported_s": float(reported.group(1)) if reported else None,
        "warnings": sum(1 for line in output.splitlines() if line.startswith("WARNING")),
    }


def summarise_builds(runs: list[dict[str, Any]]) -> dict[str, Any]:
    walls = [run["wall_s"] for run in runs]
    reported = [run["reported_s"] for run in runs if run["reported_s"] is not None]
    return {
        "runs": len(runs),
        "median_wall_s": median(walls),
        "min_wall_s": min(walls),
        "max_wall_s": max(walls),
        "median_reported_s": median(reported) if reported else None,
        "warnings": runs[-1]["warnings"],
        "all": runs,
    }


# --- A static host that gzips like GitHub Pages, and logs what it sent ------------


def gzip_size(path: Path, cache: dict[Path, bytes]) -> bytes:
    if path not in cache:
        cache[path] = gzip.compress(path.read_bytes(), compresslevel=GZIP_LEVEL, mtime=0)
    return cache[path]


class LoggingHandler(http.server.SimpleHTTPRequestHandler):
    server: BenchServer

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - the name http.server dispatches to
        url_path = unquote(urlsplit(self.path).path)
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not url_path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.server.record(url_path, 301, None, 0, 0)
                return
            target = target / "index.html"
        status = 200
        if not target.is_file():
            status = 404
            fallback = Path(self.directory) / "404.html"
            target = fallback if fallback.is_file() else None
        body = target.read_bytes() if target else b"Not found"
        raw = len(body)
        text = target is None or target.suffix.lower() in TEXT_SUFFIXES
        compressed = gzip_size(target, self.server.gzip_cache) if target and text else gzip.compress(body, GZIP_LEVEL, mtime=0)
        # What a gzip-serving host sends: gzip for text types, the file as it is for fonts and images.
        weight = len(compressed) if text else raw
        send_gzip = text and "gzip" in self.headers.get("Accept-Encoding", "")
        payload = compressed if send_gzip else body
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(target)) if target else "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "max-age=600")  # GitHub Pages' header
        if send_gzip:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(payload)
        self.server.record(url_path, status, target, raw, weight)


class BenchServer(http.server.ThreadingHTTPServer):
    """Serves a built site on 127.0.0.1 (a free port) and logs every request it answers."""

    daemon_threads = True

    def __init__(self, directory: Path):
        super().__init__(("127.0.0.1", 0), functools.partial(LoggingHandler, directory=str(directory)))
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"
        self.gzip_cache: dict[Path, bytes] = {}
        self.lock = threading.Lock()
        self.entries: list[dict[str, Any]] = []
        self.last_request = time.monotonic()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def record(self, path: str, status: int, target: Path | None, raw: int, weight: int) -> None:
        with self.lock:
            self.entries.append(
                {
                    "path": path,
                    "status": status,
                    "raw_bytes": raw,
                    "bytes": weight,
                    "text": bool(target is None or target.suffix.lower() in TEXT_SUFFIXES),
                }
            )
            self.last_request = time.monotonic()

    def take(self) -> list[dict[str, Any]]:
        with self.lock:
            entries, self.entries = self.entries, []
            return entries

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


# --- Measurements -------------------------------------------------------------------


def measure_builds(ours_site: Path, stock_project: Path, stock_site: Path, nofont_site: Path) -> dict[str, Any]:
    ours_runs, stock_runs = [], []
    for run in range(BUILD_RUNS):  # interleaved, so drift in machine load hits both sides alike
        log(f"build {run + 1}/{BUILD_RUNS}: ours (strict), then stock")
        ours_runs.append(timed_build(ROOT / "mkdocs.yml", ours_site, ROOT, strict=True))
        stock_runs.append(timed_build(stock_project / "mkdocs.yml", stock_site, stock_project, strict=False))
    log("build: stock without Google Fonts (once, for the page-weight comparison)")
    nofont = timed_build(stock_project / "mkdocs-nofont.yml", nofont_site, stock_project, strict=False)
    ours, stock = summarise_builds(ours_runs), summarise_builds(stock_runs)
    ratio = round(ours["median_wall_s"] / stock["median_wall_s"], 2)
    reported_ratio = (
        round(ours["median_reported_s"] / stock["median_reported_s"], 2)
        if ours["median_reported_s"] and stock["median_reported_s"]
        else None
    )
    return {
        "ours": ours,
        "stock": stock,
        "stock_no_google_fonts": nofont,
        "ratio_wall": ratio,
        "ratio_reported": reported_ratio,
        "target_ratio": TARGET_BUILD_RATIO,
        "meets_target": ratio <= TARGET_BUILD_RATIO,
    }


def time_checker(docs: Path | None, runs: int) -> dict[str, Any]:
    from .check import Checker  # imported before timing: the runs time the check, not the imports

    times, problems = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        found = Checker(docs=docs).run() if docs else Checker().run()
        times.append(round(time.perf_counter() - started, 3))
        problems = len(found)
    return {"runs": runs, "median_s": median(times), "all_s": times, "problems": problems}


def measure_check() -> dict[str, Any]:
    log(f"content check: {CHECK_RUNS} in-process runs, then one `python -m scripts check`")
    in_process = time_checker(None, CHECK_RUNS)
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "scripts", "check"], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300
        )
    except subprocess.TimeoutExpired:
        raise MeasurementError("`python -m scripts check` timed out after 300 s") from None
    wall = round(time.perf_counter() - started, 3)
    summary = (proc.stderr.strip().splitlines() or [""])[-1]
    return {"in_process": in_process, "subprocess": {"wall_s": wall, "exit_code": proc.returncode, "summary": summary}}


ADVERSARIAL_TARGETS_S = {"page_5_mb": 5.0, "brackets_10000": 2.0, "list_500_deep": 2.0}


def measure_check_robustness() -> dict[str, Any]:
    """The content check on adversarial pages (issue 11): each alone in a docs folder, timed in-process, once."""
    from .check import Checker
    from .sources import FRONT_MATTER

    sample = (ROOT / "docs" / "guide" / "side-effects.md").read_text(encoding="utf-8")
    front = FRONT_MATTER.match(sample).group(0)
    body = sample[len(front):]
    bodies = {
        "page_5_mb": body * (5_000_000 // len(body.encode("utf-8")) + 1),
        "brackets_10000": "# Case\n\n" + "[" * 10_000 + "]" * 10_000 + "\n",
        "list_500_deep": "# Case\n\n" + "".join("  " * depth + "- level\n" for depth in range(500)),
    }
    rows = {}
    with tempfile.TemporaryDirectory(prefix="guide-bench-check-") as folder:
        for name, text in bodies.items():
            docs = Path(folder) / name
            docs.mkdir()
            (docs / "page.md").write_text(front + text, encoding="utf-8")
            started = time.perf_counter()
            problems = Checker(docs=docs).run()
            elapsed = round(time.perf_counter() - started, 3)
            rows[name] = {"bytes": len((front + text).encode("utf-8")), "seconds": elapsed, "target_s": ADVERSARIAL_TARGETS_S[name],
                          "meets_target": elapsed < ADVERSARIAL_TARGETS_S[name],
                          "codes": sorted({p.code for p in problems})}
    return {"pages": rows}


def _robustness_lines(result: dict[str, Any]) -> list[str]:
    lines = ["| Page | Size | Check time | Target | Reported |", "| --- | ---: | ---: | ---: | --- |"]
    for name, row in result["pages"].items():
        verdict = "meets" if row["meets_target"] else "misses"
        lines.append(f"| {name} | {row['bytes']:,} B | {seconds(row['seconds'])} | < {row['target_s']:.0f} s ({verdict}) "
                     f"| {', '.join(row['codes']) or 'nothing'} |")
    lines += ["", "How measured: `scripts.bench.measure_check_robustness()`: each page alone in a docs folder (the 5 MB page is "
              "docs/guide/side-effects.md's body repeated), `Checker(docs=...).run()` once with `time.perf_counter()`, "
              "spelling included.", ""]
    return lines


def grow_docs(docs: Path, total: int, guide_pages: list[Path], counter: list[int]) -> int:
    """Add copies of the real guide pages (unique names, same folder so relative links hold) until docs has `total` pages."""
    from .sources import content_pages

    count = len(content_pages(docs))
    while count < total:
        counter[0] += 1
        source = guide_pages[(counter[0] - 1) % len(guide_pages)]
        shutil.copyfile(source, docs / "guide" / f"{source.stem}-copy-{counter[0]:04d}.md")
        count += 1
    return count


def measure_scaling(work: Path, site_name: str) -> dict[str, Any]:
    project = work / "scale"
    project.mkdir()
    for name in ("docs", "data", "overrides"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, project / name)
    # Without its nav, so the generated pages count as listed for the build and the content check alike.
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(re.sub(r"(?ms)^nav:\n.*?(?=^\S)", "", config), encoding="utf-8")
    (project / "scripts").mkdir()
    shutil.copyfile(ROOT / "scripts" / "hooks.py", project / "scripts" / "hooks.py")  # named by path in mkdocs.yml
    # No nav, so every generated page is built and listed; --no-strict, because the copies are not in our nav.
    (project / "ours-all-pages.yml").write_text("INHERIT: mkdocs.yml\nnav: null\n", encoding="utf-8")
    (project / "stock-all-pages.yml").write_text(stock_config(site_name, None), encoding="utf-8")
    guide_pages = sorted((project / "docs" / "guide").glob("*.md"))
    if not guide_pages:
        raise MeasurementError("docs/guide has no pages to copy")
    counter = [0]
    rows = []
    for size, runs in SCALE_SIZES.items():
        pages = grow_docs(project / "docs", size, guide_pages, counter)
        ours_runs, stock_runs = [], []
        for run in range(runs):
            log(f"scaling, {pages} pages: build {run + 1}/{runs}, ours then stock (non-strict, no nav)")
            ours_runs.append(timed_build(project / "ours-all-pages.yml", work / "scale-site-ours", project, strict=False))
            stock_runs.append(timed_build(project / "stock-all-pages.yml", work / "scale-site-stock", project, strict=False))
        log(f"scaling, {pages} pages: content check (once)")
        check = time_checker(project / "docs", 1)
        ours, stock = summarise_builds(ours_runs), summarise_builds(stock_runs)
        rows.append(
            {
                "pages": pages,
                "runs": runs,
                "ours": ours,
                "stock": stock,
                "ratio_wall": round(ours["median_wall_s"] / stock["median_wall_s"], 2),
                "ours_ms_per_page": round(1000 * ours["median_wall_s"] / pages, 1),
                "stock_ms_per_page": round(1000 * stock["median_wall_s"] / pages, 1),
                "check_s": check["median_s"],
                "check_problems": check["problems"],
            }
        )
        shutil.rmtree(work / "scale-site-ours", ignore_errors=True)
        shutil.rmtree(work / "scale-site-stock", ignore_errors=True)
    return {"sizes": rows}


def is_search(path: str) -> bool:
    """Material's search: the worker script and the index it fetches after the page has loaded."""
    return path.startswith("/search/") or "/workers/search." in path


def load_page(browser, server: BenchServer, path: str) -> dict[str, Any]:
    """One cold first view: a fresh browser context, every request recorded, third parties blocked and counted."""
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
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and time.monotonic() - server.last_request < 1.0:
            time.sleep(0.1)
        entries = server.take()
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
                            pages[label] = load_page(browser, server, path)
                    results[name] = {
                        "pages": pages,
                        "median_requests": median([p["requests"] for p in pages.values()]),
                        "median_same_host_kb": median([p["same_host_kb"] for p in pages.values()]),
                        "median_third_party": median([p["third_party_requests"] for p in pages.values()]),
                        "median_without_search_kb": median([p["same_host_kb"] - p["search_kb"] for p in pages.values()]),
                    }
            finally:
                browser.close()
    except PlaywrightError as error:
        raise MeasurementError(f"Playwright/Chromium: {str(error).splitlines()[0]}") from None
    ours = results.get("ours", {}).get("median_same_host_kb")
    results["target_kb"] = TARGET_FIRST_VIEW_KB
    results["meets_target"] = ours is not None and ours <= TARGET_FIRST_VIEW_KB
    return results


# --- Lighthouse ------------------------------------------------------------------------


def ensure_lighthouse() -> str:
    """Install the pinned Lighthouse into node_modules/ (gitignored) if it is not there; return its version."""
    if not shutil.which("node"):
        raise MeasurementError("Node.js is not installed (Lighthouse needs node >= 18)")
    if not LIGHTHOUSE.exists():
        if not shutil.which("npm"):
            raise MeasurementError("npm is not installed, so Lighthouse cannot be installed")
        log(f"installing lighthouse@{LIGHTHOUSE_VERSION} into node_modules/ with npm")
        try:
            proc = subprocess.run(
                ["npm", "install", "--no-save", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE_VERSION}"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
            )
        except subprocess.TimeoutExpired:
            raise MeasurementError("`npm install lighthouse` timed out after 600 s") from None
        if proc.returncode != 0 or not LIGHTHOUSE.exists():
            tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
            raise MeasurementError(f"`npm install lighthouse@{LIGHTHOUSE_VERSION}` failed: {tail}")
    try:
        package = json.loads((ROOT / "node_modules" / "lighthouse" / "package.json").read_text(encoding="utf-8"))
        return str(package.get("version", "unknown"))
    except (OSError, ValueError):
        return "unknown"


def child_pids(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(child) for child in task.read_text().split()]
        except (OSError, ValueError):
            pass
    return children


def stop_lighthouse(proc: subprocess.Popen) -> None:
    """End a Lighthouse run we started: its process group, and the Chromium it launched in a group of its own."""
    profiles = []
    for child in child_pids(proc.pid):
        try:
            arguments = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            profiles += [arg.split(b"=", 1)[1].decode() for arg in arguments if arg.startswith(b"--user-data-dir=")]
            group = os.getpgid(child)
            if group not in (proc.pid, os.getpgid(0)):
                os.killpg(group, signal.SIGKILL)
        except (OSError, ValueError):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    proc.communicate()
    for profile in profiles:  # chrome-launcher's temporary profile, normally removed by Lighthouse itself
        if Path(profile).name.startswith("lighthouse."):
            shutil.rmtree(profile, ignore_errors=True)


def run_lighthouse(url: str, report: Path) -> dict[str, Any]:
    """One mobile Lighthouse run; never raises, never hangs: a failure comes back as {'failed': reason}."""
    command = [
        str(LIGHTHOUSE),
        url,
        f"--chrome-flags={LIGHTHOUSE_FLAGS}",
        f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
    ]
    started = time.perf_counter()
    try:
        # Its own process group, so a timeout can end Lighthouse and the Chromium it started, and nothing else.
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    except OSError as error:
        return {"failed": f"could not start Lighthouse: {error}"}
    try:
        _, stderr = proc.communicate(timeout=LIGHTHOUSE_TIMEOUT)
    except subprocess.TimeoutExpired:
        stop_lighthouse(proc)
        return {"failed": f"timed out after {LIGHTHOUSE_TIMEOUT} s"}
    seconds = round(time.perf_counter() - started, 1)
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        tail = " | ".join(stderr.strip().splitlines()[-2:]) or f"exit code {proc.returncode}, no report"
        return {"failed": tail}
    if data.get("runtimeError"):
        error = data["runtimeError"]
        return {"failed": f"{error.get('code')}: {error.get('message', '')}".strip()}
    audits = data.get("audits", {})
    scores = {}
    for category in LIGHTHOUSE_CATEGORIES:
        score = data.get("categories", {}).get(category, {}).get("score")
        scores[category] = round(score * 100) if isinstance(score, (int, float)) else None

    def metric(name: str) -> float | None:
        value = audits.get(name, {}).get("numericValue")
        return round(value, 3) if isinstance(value, (int, float)) else None

    # Why a score is below 100: the weighted audits that did not pass, per category (performance's are metrics).
    below = {}
    for category in LIGHTHOUSE_CATEGORIES[1:]:
        refs = data.get("categories", {}).get(category, {}).get("auditRefs", [])
        below[category] = [
            ref["id"]
            for ref in refs
            if ref.get("weight")
            and isinstance(audits.get(ref["id"], {}).get("score"), (int, float))
            and audits[ref["id"]]["score"] < 1
        ]
    return {
        "scores": scores,
        "seconds": seconds,
        "run_warnings": data.get("runWarnings", []),
        "audits_not_passed": below,
        "metrics": {
            "first_contentful_paint_ms": metric("first-contentful-paint"),
            "largest_contentful_paint_ms": metric("largest-contentful-paint"),
            "total_blocking_time_ms": metric("total-blocking-time"),
            "cumulative_layout_shift": metric("cumulative-layout-shift"),
            "total_byte_weight": metric("total-byte-weight"),
        },
    }


def measure_lighthouse(sites: dict[str, Path], work: Path) -> dict[str, Any]:
    version = ensure_lighthouse()
    results: dict[str, Any] = {"version": version, "sites": {}}
    for name, site in sites.items():
        with BenchServer(site) as server:
            pages = {}
            for label, path in PAGES.items():
                log(f"Lighthouse: {name}, {label} (/{path})")
                report = work / f"lighthouse-{name}-{len(pages)}.json"
                pages[label] = run_lighthouse(server.url + path, report)
                if "failed" in pages[label]:
                    log(f"Lighthouse failed: {pages[label]['failed']}")
            results["sites"][name] = pages
    return results


# --- Machine facts ---------------------------------------------------------------------


def command_output(command: list[str]) -> str | None:
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def machine_facts() -> dict[str, Any]:
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    cpu = memory = os_name = None
    try:
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            None,
        )
        total = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory = f"{int(total) / 1024 / 1024:.1f} GiB"
        os_name = next(
            (
                line.split("=", 1)[1].strip('"')
                for line in Path("/etc/os-release").read_text().splitlines()
                if line.startswith("PRETTY_NAME=")
            ),
            None,
        )
    except (OSError, StopIteration, ValueError):
        pass
    status = command_output(["git", "status", "--porcelain"])
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "os": os_name or platform.platform(),
        "kernel": platform.release(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "Markdown": version("Markdown"),
        "pymdown-extensions": version("pymdown-extensions"),
        "playwright": version("playwright"),
        "chromium": command_output([CHROMIUM, "--version"]) or "not found",
        "node": command_output(["node", "--version"]) or "not found",
        "git_commit": command_output(["git", "rev-parse", "--short", "HEAD"]) or "unknown",
        "git_dirty": bool(status) if status is not None else None,
    }


# --- The report ---------------------------------------------------------------------------


def seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def failed(section: Any) -> str | None:
    return section.get("failed") if isinstance(section, dict) else None


def report_section(title: str, result: Any, body: Callable[[Any], list[str]]) -> list[str]:
    """A results.md section: its heading, then the table and notes, or why the measurement failed."""
    if failed(result):
        return [f"## {title}", "", f"failed: {failed(result)}", ""]
    return [f"## {title}", "", *body(result)]


def _build_lines(build: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    ours, stock = build["ours"], build["stock"]
    verdict = "meets" if build["meets_target"] else "misses"
    lines += [
        "| | Ours (`--strict`) | Stock | Ours / stock |",
        "| --- | ---: | ---: | ---: |",
        f"| Median wall time, {ours['runs']} builds each | {seconds(ours['median_wall_s'])} "
        f"| {seconds(stock['median_wall_s'])} "
        f"| **{build['ratio_wall']:.2f}** |",
        f"| Fastest – slowest | {ours['min_wall_s']:.2f} – {ours['max_wall_s']:.2f} s "
        f"| {stock['min_wall_s']:.2f} – {stock['max_wall_s']:.2f} s | |",
        f'| Median "Documentation built in" (MkDocs\' own figure) | {seconds(ours["median_reported_s"])} '
        f"| {seconds(stock['median_reported_s'])} "
        f"| {'n/a' if build['ratio_reported'] is None else build['ratio_reported']} |",
        f"| Warnings in the build log | {ours['warnings']} | {stock['warnings']} | |",
        "",
        f"Target: ours/stock ≤ {TARGET_BUILD_RATIO} on median wall time; this run **{verdict}** it. "
        "How measured: `mkdocs build` run as a subprocess with `NO_MKDOCS_2_WARNING=1`, ours as "
        "`mkdocs build --strict -f mkdocs.yml -d <temp dir>` from the repository root, stock as `mkdocs build` "
        "in its temp project; the two alternate (ours, stock, ours, …) so changes in machine load hit both. "
        "Wall time is the whole process, Python start-up and imports included (what a maintainer waits for); "
        "MkDocs' own figure covers only the build after the config is loaded. "
        "The stock site without Google Fonts was built once, in "
        f"{seconds(build['stock_no_google_fonts']['wall_s'])} (not part of the ratio).",
        "",
    ]
    return lines


def _check_lines(check: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    inproc, sub = check["in_process"], check["subprocess"]
    outcome = "passed" if sub["exit_code"] == 0 else f"exit code {sub['exit_code']}: {sub['summary']}"
    lines += [
        "| Measurement | Time |",
        "| --- | ---: |",
        f"| `Checker().run()` in-process, median of {inproc['runs']} runs "
        f"(all: {', '.join(f'{t:.2f}' for t in inproc['all_s'])} s) "
        f"| {seconds(inproc['median_s'])} |",
        f"| `python -m scripts check` as a subprocess, 1 run, wall time ({outcome}) | {seconds(sub['wall_s'])} |",
        "",
        f"How measured: the in-process figure times `scripts.check.Checker().run()` on `docs/` with `time.perf_counter()` "
        f"after the module is imported ({inproc['problems']} problem(s) found); the subprocess figure adds Python start-up "
        "and imports, i.e. what `make check` costs once its `install` prerequisite is up to date "
        "(make's own overhead not included).",
        "",
    ]
    return lines


def _scaling_lines(scaling: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    lines += [
        "| Pages | Builds each | Ours: build | Stock: build | Ours / stock | Ours per page | Stock per page "
        "| Content check |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in scaling["sizes"]:
        lines.append(
            f"| {row['pages']:,} | {row['runs']} | {seconds(row['ours']['median_wall_s'])} "
            f"| {seconds(row['stock']['median_wall_s'])} "
            f"| {row['ratio_wall']:.2f} | {row['ours_ms_per_page']:.0f} ms | {row['stock_ms_per_page']:.0f} ms "
            f"| {seconds(row['check_s'])} ({row['check_problems']} problems) |"
        )
    lines += [
        "",
        "How measured: a temp copy of the project (`docs/`, `data/`, `overrides/`, `mkdocs.yml`) whose `docs/` is "
        "filled up to the stated total number of pages (the real pages plus copies of the real `docs/guide/` pages "
        "under unique file names in the same folder, so relative links still resolve). Both sites are built without "
        "`nav` (every page is listed in the automatic navigation) and without `--strict` (ours: `INHERIT: mkdocs.yml` "
        "plus `nav: null`; stock: the minimal config above without `nav`). Wall time per build as above; "
        + ", ".join(f"{runs} build(s) each at {size:,} pages" for size, runs in SCALE_SIZES.items())
        + " (median shown; fewer runs for the big sizes keep the bench short). Content check: one in-process "
        "`Checker(docs=<that docs folder>).run()` per size; our extensions and the data files are still read from "
        "the repository (`sources.DOCS`/`sources.DATA`), as in a real build.",
        "",
    ]
    return lines


def _weight_lines(weight: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    names = [("ours", "Ours"), ("stock", "Stock"), ("stock_no_google_fonts", "Stock, no Google Fonts")]
    names = [(key, title) for key, title in names if key in weight]
    header = (
        "| Page | "
        + " | ".join(f"{title}: requests | {title}: same-host KB | {title}: third-party" for _, title in names)
        + " |"
    )
    lines += [header, "| --- |" + " ---: | ---: | ---: |" * len(names)]
    for label, path in PAGES.items():
        cells = []
        for key, _ in names:
            page = weight[key]["pages"][label]
            cells.append(f"{page['requests']} | {page['same_host_kb']:.1f} | {page['third_party_requests']}")
        lines.append(f"| {label} (`/{path}`) | " + " | ".join(cells) + " |")
    cells = [
        f"{weight[key]['median_requests']:g} | **{weight[key]['median_same_host_kb']:.1f}** "
        f"| {weight[key]['median_third_party']:g}"
        for key, _ in names
    ]
    lines.append("| **Median of the three** | " + " | ".join(cells) + " |")
    cells = [cell for key, _ in names for cell in ("", f"{weight[key]['median_without_search_kb']:.1f}", "")]
    lines.append("| Median without search (worker + index) | " + " | ".join(cells) + " |")
    verdict = "meets" if weight["meets_target"] else "misses"
    hosts = sorted({host for key, _ in names for page in weight[key]["pages"].values() for host in page["third_party_hosts"]})
    not_found = sorted(
        {f"{key}: {path}" for key, _ in names for page in weight[key]["pages"].values() for path in page["not_found"]}
    )
    lines += [
        "",
        f"Target: ours ≤ {TARGET_FIRST_VIEW_KB} KB median same-host transfer; this run **{verdict}** it. "
        "How measured: each built site is served by a local static server on 127.0.0.1 that logs every request "
        "it answers (search worker and search index included); each page is opened in Playwright-driven Chromium "
        f"(`{CHROMIUM}`, the test suite's flags) in a fresh browser context, so the cache is cold; the page counts "
        "as loaded when the `load` event has fired, the network has been idle and the server has seen no request "
        "for 1 s. For each same-host response the size is the file on disk compressed with gzip level 6 for text "
        "types (html, css, js, json, svg, xml) and the raw file for everything else (fonts, images), i.e. the body "
        "a gzip-serving host such as GitHub Pages sends; HTTP headers are not counted. KB = 1,000 bytes. "
        "Requests = same-host + third-party. Third-party requests cannot load here: the browser's requests to other "
        "hosts are counted and aborted. The last row leaves out Material's search worker and "
        "`search/search_index.json`, which every page fetches after its `load` event (same file on every page).",
        "",
    ]
    if hosts:
        lines += [
            f"Third-party hosts requested: {', '.join(hosts)}. **Their bytes are not measured** (no internet on this "
            "machine): for the stock default this is the Google Fonts stylesheet, and a connected browser would then also "
            "download the Roboto and Roboto Mono font files from fonts.gstatic.com, so the stock default's real first view "
            "is larger than its same-host figure, by more requests and bytes than this table shows.",
            "",
        ]
    else:
        lines += ["No page made a third-party request.", ""]
    if not_found:
        lines += [f"Requests answered 404 (counted, with the 404 page's size): {', '.join(not_found)}.", ""]
    return lines


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark: this guide vs a stock Material for MkDocs site",
        "",
        f"- **Date:** {m['date']}; total bench runtime {results['runtime_s'] / 60:.1f} min ({results['runtime_s']:.0f} s).",
        f"- **Machine:** {m['nproc']} CPU(s) usable (nproc), {m['cpu'] or 'CPU model unknown'}, {m['memory'] or '? GiB'} RAM, "
        f"{m['os']} (kernel {m['kernel']}). Load average (1/5/15 min) at start {m['load_average_start']}, "
        f"at end {m.get('load_average_end')}: other work on the machine adds noise to every time below.",
        f"- **Software:** Python {m['python']}, MkDocs {m['mkdocs']}, Material for MkDocs {m['mkdocs-material']}, "
        f"Markdown {m['Markdown']}, pymdown-extensions {m['pymdown-extensions']}, Playwright {m['playwright']}, "
        f"{m['chromium']}, Node {m['node']}, Lighthouse {results.get('lighthouse', {}).get('version', 'not run')}.",
        f"- **Sources:** git commit {m['git_commit']}"
        + (" with uncommitted changes in the working tree" if m["git_dirty"] else "")
        + ".",
        "- **Sites compared:** *ours* is `mkdocs.yml` as it is (our extensions, overrides, privacy plugin, `theme.font: false`). "
        "*Stock* is a copy of the same `docs/` (nothing dropped) built with a minimal `mkdocs.yml`: `site_name`, "
        "`theme: {name: material}` (defaults, which include Google Fonts), `plugins: [search]`, our `nav`, no Markdown "
        "extensions beyond MkDocs' defaults, not strict (so our `[@key]` citations and markers stay plain text). "
        "*Stock, no Google Fonts* adds only `theme.font: false`; it is used for the page-weight comparison.",
        "",
    ]

    # Build time
    lines += report_section("Build time", results["build"], _build_lines)

    # Content check
    lines += report_section("Content check time (`make check`)", results["check"], _check_lines)

    lines += report_section("Content check on adversarial pages", results.get("check_robustness", {"failed": "not run"}),
                            _robustness_lines)

    # Scaling
    lines += report_section("Scaling: 100, 500 and 1,000 pages", results["scaling"], _scaling_lines)

    # First view
    lines += report_section("First-view transfer per page (cold cache, gzip)", results["weight"], _weight_lines)

    # Lighthouse
    lines += ["## Lighthouse (mobile)", ""]
    lighthouse = results.get("lighthouse")
    if lighthouse is None:
        lines += ["Not run (`--no-lighthouse`).", ""]
    elif failed(lighthouse):
        lines += [f"Lighthouse could not run here: {failed(lighthouse)}", ""]
    else:
        sites = [(key, title) for key, title in (("ours", "Ours"), ("stock", "Stock")) if key in lighthouse["sites"]]
        short = {"performance": "Perf.", "accessibility": "A11y", "best-practices": "Best pr.", "seo": "SEO"}
        lines += [
            "| Page | " + " | ".join(f"{title}: {short[c]}" for _, title in sites for c in LIGHTHOUSE_CATEGORIES) + " |",
            "| --- |" + " ---: |" * (len(sites) * len(LIGHTHOUSE_CATEGORIES)),
        ]
        failures = []
        for label, path in PAGES.items():
            cells = []
            for key, title in sites:
                run = lighthouse["sites"][key][label]
                if "failed" in run:
                    cells += ["failed"] * len(LIGHTHOUSE_CATEGORIES)
                    failures.append(f"{title}, {label}: failed: {run['failed']}")
                else:
                    cells += ["n/a" if run["scores"][c] is None else str(run["scores"][c]) for c in LIGHTHOUSE_CATEGORIES]
            lines.append(f"| {label} (`/{path}`) | " + " | ".join(cells) + " |")
        lines.append("")
        lines += [f"- {failure}" for failure in failures]
        metric_rows = []
        for key, title in sites:
            for label in PAGES:
                run = lighthouse["sites"][key][label]
                if "metrics" in run:
                    mt = run["metrics"]

                    def show(value: float | None, pattern: str, scale: float = 1) -> str:
                        return "n/a" if value is None else pattern.format(value / scale)

                    metric_rows.append(
                        f"| {title}, {label} | {show(mt['first_contentful_paint_ms'], '{:.0f} ms')} "
                        f"| {show(mt['largest_contentful_paint_ms'], '{:.0f} ms')} "
                        f"| {show(mt['total_blocking_time_ms'], '{:.0f} ms')} "
                        f"| {show(mt['cumulative_layout_shift'], '{:.3f}')} "
                        f"| {show(mt['total_byte_weight'], '{:.1f} KB', 1000)} |"
                    )
        if failures:
            lines.append("")
        if metric_rows:
            lines += [
                "| Site, page | FCP | LCP | TBT | CLS | Lighthouse total byte weight |",
                "| --- | ---: | ---: | ---: | ---: | ---: |",
                *metric_rows,
                "",
            ]
        for key, title in sites:
            not_passed: dict[str, set[str]] = {}
            for run in lighthouse["sites"][key].values():
                for category, ids in run.get("audits_not_passed", {}).items():
                    not_passed.setdefault(category, set()).update(ids)
            listed = "; ".join(
                f"{category}: {', '.join(f'`{i}`' for i in sorted(ids))}" for category, ids in not_passed.items() if ids
            )
            lines.append(
                f"- {title}, audits below full marks on any of the three pages (accessibility, best practices, SEO): "
                f"{listed or 'none'}."
            )
        lines.append("")
        lines += [
            f"How measured: Lighthouse {lighthouse['version']} from npm (installed into the gitignored `node_modules/`), "
            f'`CHROME_PATH={CHROMIUM}`, `--chrome-flags="{LIGHTHOUSE_FLAGS}"`, default mobile form factor with '
            "simulated throttling, `--only-categories=performance,accessibility,best-practices,seo`, one run per page, "
            f"each limited to {LIGHTHOUSE_TIMEOUT} s, against the same local gzip-serving server. Scores are 0–100 and vary "
            "by a few points between runs; Lighthouse's performance score is sensitive to machine load. Third-party "
            "requests (the stock site's Google Fonts) fail here for lack of internet, which spares the stock site "
            "their download time.",
            "",
        ]

    return "\n".join(lines).rstrip() + "\n"


# --- Orchestration ------------------------------------------------------------------------------


def section(results: dict[str, Any], name: str, problems: list[str], measure: Callable[[], Any]) -> None:
    """Run one measurement; an expected failure (or any other error) is reported, never raised."""
    try:
        results[name] = measure()
    except MeasurementError as error:
        results[name] = {"failed": str(error)}
    except Exception as error:  # noqa: BLE001 - one broken measurement must not lose the others
        results[name] = {"failed": f"{type(error).__name__}: {error}"}
    if failed(results[name]):
        problems.append(f"{name}: {failed(results[name])}")
        log(f"{name} failed: {failed(results[name])}")


def run_bench(out: str, lighthouse: bool = True) -> int:
    started = time.perf_counter()
    out_dir = Path(out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"error: cannot create {out_dir}: {error}", file=sys.stderr)
        return 2

    results: dict[str, Any] = {"machine": machine_facts()}
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="guide-bench-") as temp:
        work = Path(temp)
        ours_site, stock_site, nofont_site = work / "site-ours", work / "site-stock", work / "site-stock-nofont"
        stock_project = work / "stock"

        def prepare_stock() -> dict[str, Any]:
            config = our_config()
            shutil.copytree(ROOT / "docs", stock_project / "docs")
            nav = config.get("nav")
            site_name = str(config.get("site_name", "Stock"))
            (stock_project / "mkdocs.yml").write_text(stock_config(site_name, nav), encoding="utf-8")
            (stock_project / "mkdocs-nofont.yml").write_text(stock_config(site_name, nav, fonts=False), encoding="utf-8")
            return {"site_name": site_name, "config": stock_config(site_name, nav)}

        section(results, "stock_project", problems, prepare_stock)
        if failed(results["stock_project"]):
            for name in ("build", "check", "check_robustness", "scaling", "weight"):
                results[name] = {"failed": "the stock project could not be prepared"}
        else:
            site_name = results["stock_project"]["site_name"]
            section(results, "build", problems, lambda: measure_builds(ours_site, stock_project, stock_site, nofont_site))
            section(results, "check", problems, measure_check)
            section(results, "check_robustness", problems, measure_check_robustness)
            section(results, "scaling", problems, lambda: measure_scaling(work, site_name))
            sites = {
                name: site
                for name, site in (("ours", ours_site), ("stock", stock_site), ("stock_no_google_fonts", nofont_site))
                if (site / "index.html").exists()
            }
            if sites:
                section(results, "weight", problems, lambda: measure_weight(sites))
            else:
                results["weight"] = {"failed": "no site was built"}
                problems.append("weight: no site was built")
            if lighthouse:
                lighthouse_sites = {name: sites[name] for name in ("ours", "stock") if name in sites}
                section(results, "lighthouse", problems, lambda: measure_lighthouse(lighthouse_sites, work))
                if not failed(results["lighthouse"]):
                    for site in results["lighthouse"]["sites"].values():
                        for label, run in site.items():
                            if "failed" in run:
                                problems.append(f"lighthouse {label}: {run['failed']}")

    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["runtime_s"] = round(time.perf_counter() - started, 1)
    results["problems"] = problems
    markdown = render(results)
    (out_dir / "results.md").write_text(markdown, encoding="utf-8")
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(markdown)
    log(
        f"wrote {out_dir / 'results.md'} and {out_dir / 'results.json'} in {results['runtime_s']:.0f} s"
        + (f"; {len(problems)} measurement(s) failed" if problems else "")
    )
    return 1 if problems else 0

"""results.md: every figure with stock's beside it, how it was measured and whether it meets its target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .common import CHROMIUM, GUIDE_PAGE, PAGES, SCALE_SIZES, TARGET_BUILD_RATIO, TARGET_FIRST_VIEW_KB
from .lighthouse import LIGHTHOUSE_CATEGORIES, LIGHTHOUSE_FLAGS, LIGHTHOUSE_TIMEOUT


def seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def failed(section: Any) -> str | None:
    return section.get("failed") if isinstance(section, dict) else None


def report_section(title: str, result: Any, body: Callable[[Any], list[str]]) -> list[str]:
    """A results.md section: its heading, then the table and notes, or why the measurement failed or was skipped."""
    if result is None:
        return [f"## {title}", "", "Not run in this bench (`--skip`, or `--no-lighthouse`).", ""]
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


def _robustness_lines(result: dict[str, Any]) -> list[str]:
    lines = ["| Page | Size | Check time | Target | Reported |", "| --- | ---: | ---: | ---: | --- |"]
    for name, row in result["pages"].items():
        verdict = "meets" if row["meets_target"] else "misses"
        lines.append(f"| {name} | {row['bytes']:,} B | {seconds(row['seconds'])} | < {row['target_s']:.0f} s ({verdict}) "
                     f"| {', '.join(row['codes']) or 'nothing'} |")
    lines += ["", "How measured: `scripts.bench.check.measure_check_robustness()`: each page alone in a docs folder (the 5 MB page is "
              "docs/guide/side-effects.md's body repeated), `Checker(docs=...).run()` once with `time.perf_counter()`, "
              "spelling included.", ""]
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
    lines.append("| Median without search files loaded in the first view | " + " | ".join(cells) + " |")
    first = [(title, weight[key]["median_first_search_kb"]) for key, title in names if weight[key].get("median_first_search_kb") is not None]
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
        "`search/search_index.json`, which every page of a Material-search site fetches after its `load` event, "
        "and Pagefind's files if a page loaded any before a search.",
        "",
    ]
    for title, size in first:
        lines += [
            f"{title}: the first search (open the dialog, type “side effects”) then loads **{size:.1f} KB** (median of the "
            "three pages), Pagefind's script, WebAssembly, index chunks and result fragments; later searches load only "
            "new fragments. Nothing of it loads for a reader who never searches, so it is not in the first-view figures.",
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
    lines += report_section("Content check time (`make check`)", results.get("check"), _check_lines)
    lines += report_section("Content check on adversarial pages", results.get("check_robustness"), _robustness_lines)

    # Scaling
    lines += report_section("Scaling: 100, 500 and 1,000 pages", results.get("scaling"), _scaling_lines)

    # First view
    lines += report_section("First-view transfer per page (cold cache, gzip)", results.get("weight"), _weight_lines)

    # Lighthouse
    lines += report_section("Lighthouse (mobile)", results.get("lighthouse"), _lighthouse_lines)

    return "\n".join(lines).rstrip() + "\n"


def _show(value: float | None, pattern: str, scale: float = 1) -> str:
    return "n/a" if value is None else pattern.format(value / scale)


def _lighthouse_lines(lighthouse: dict[str, Any]) -> list[str]:
    sites = [(key, title) for key, title in (("ours", "Ours"), ("stock", "Stock")) if key in lighthouse["sites"]]
    short = {"performance": "Perf.", "accessibility": "A11y", "best-practices": "Best pr.", "seo": "SEO"}
    lines = [
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
    lines += ["", *[f"- {failure}" for failure in failures]]
    if failures:
        lines.append("")
    rows = []
    for key, title in sites:
        for label in PAGES:
            run = lighthouse["sites"][key][label]
            if "metrics" not in run:
                continue
            mt = run["metrics"]
            every = ", ".join(f"{r['performance']}/{_show(r['tbt_ms'], '{:.0f}')}" for r in run.get("all_runs", []))
            rows.append(
                f"| {title}, {label} | {_show(mt['first_contentful_paint_ms'], '{:.0f} ms')} "
                f"| {_show(mt['largest_contentful_paint_ms'], '{:.0f} ms')} "
                f"| **{_show(mt['total_blocking_time_ms'], '{:.0f} ms')}** "
                f"| {_show(mt['cumulative_layout_shift'], '{:.3f}')} "
                f"| {_show(mt.get('main_thread_ms'), '{:.0f} ms')} "
                f"| {_show(mt['total_byte_weight'], '{:.1f} KB', 1000)} | {every} |"
            )
    if rows:
        lines += [
            "| Site, page | FCP | LCP | TBT | CLS | Main-thread work | Lighthouse total byte weight | Every run: perf./TBT ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            *rows,
            "",
        ]
    for key, title in sites:
        run = lighthouse["sites"][key].get(GUIDE_PAGE, {})
        if run.get("main_thread"):
            kinds = ", ".join(f"{item['group']} {item['ms']} ms" for item in run["main_thread"])
            scripts = ", ".join(f"`{item['url']}` {item['scripting_ms']} ms" for item in run.get("scripts", []))
            lines.append(f"- {title}, {GUIDE_PAGE} (`/{PAGES[GUIDE_PAGE]}`), where main-thread time goes: {kinds}; scripting by file: {scripts}.")
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
    for label, verdict in lighthouse.get("targets", {}).items():
        misses = [name for name, ok in (("performance at least stock's", verdict["performance"]),
                                        ("100 in accessibility, best practices and SEO", verdict["other_categories_100"]),
                                        (f"TBT ≤ {verdict['tbt_limit_ms']} ms (1.25 × stock + 50 ms)", verdict["tbt"]))
                  if not ok]
        lines.append(f"- Targets, {label}: " + ("all met." if not misses else "**missed**: " + "; ".join(misses) + "."))
    runs = lighthouse.get("runs", 1)
    lines += [
        "",
        f"How measured: Lighthouse {lighthouse['version']} from npm (installed into the gitignored `node_modules/`), "
        f'`CHROME_PATH={CHROMIUM}`, `--chrome-flags="{LIGHTHOUSE_FLAGS}"`, default mobile form factor with '
        f"simulated throttling, `--only-categories=performance,accessibility,best-practices,seo`, {runs} run(s) per page "
        "and site, ours and stock alternating; the tables show the run with the median TBT. Each run is limited to "
        f"{LIGHTHOUSE_TIMEOUT} s, against the same local gzip-serving server. Scores are 0–100 and vary "
        "by a few points between runs; Lighthouse's performance score is sensitive to machine load. Third-party "
        "requests (the stock site's Google Fonts) fail here for lack of internet, which spares the stock site "
        "their download time.",
        "",
    ]
    return lines

"""One command line for the guide's maintainers: `python -m scripts COMMAND` (or `make COMMAND`).

  check      content check; `--base REV` adds the version-bump rule
  new-page   scaffold a page with valid front matter and an "At a glance" box
  release    publish an edition with mike to the local gh-pages branch
  bench      measurements for the closing note (not part of the gate)
  search-index SITE  Pagefind index into a built site (MkDocs builds do it; for Zensical)
  scores     readability figures for every page
  review-due pages past or near their review date (Markdown; empty when none)
  link-report  turn linkchecker's CSV output into a Markdown issue body
"""

from __future__ import annotations

import argparse
import sys
import time


def cmd_check(args: argparse.Namespace) -> int:
    from .check import run_check
    from .versioning import BaseRevisionError

    started = time.perf_counter()
    try:
        problems = run_check(base=args.base)
    except BaseRevisionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    elapsed = time.perf_counter() - started
    if problems:
        print(f"{len(problems)} problem(s) found in {elapsed:.2f} s. Each line says file:line:column, the rule, and the fix.",
              file=sys.stderr)
        return 1
    print(f"Content check passed in {elapsed:.2f} s.", file=sys.stderr)
    return 0


def cmd_scores(args: argparse.Namespace) -> int:
    from . import readability, sources
    from .extensions.citations import CITATION

    print("| Page | Words | Flesch-Kincaid grade | SMOG | Citations |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for path in sources.content_pages():
        page = sources.load_page(path)
        scores = readability.score(readability.prose_from_markdown(page.body))
        print(f"| {page.shown} | {scores.words} | {scores.fk_grade} | {scores.smog} | {len(CITATION.findall(page.body))} |")
    return 0


def cmd_new_page(args: argparse.Namespace) -> int:
    from .pages import NewPageError, new_page

    try:
        path = new_page(args.path, args.title, regulatory=args.regulatory)
    except NewPageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Created {path}. Add it to 'nav' in mkdocs.yml, write it, then run 'make check'.")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from .release import ReleaseError, release

    try:
        release(args.version, push=args.push)
    except ReleaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_review_due(args: argparse.Namespace) -> int:
    import datetime as dt

    from .reviews import report

    text = report(dt.date.fromisoformat(args.today) if args.today else dt.date.today(), args.days)
    if text:
        print(text)
    return 0


def cmd_link_report(args: argparse.Namespace) -> int:
    from .links import LinkReportError, format_report

    try:
        text = format_report(args.csv)
    except LinkReportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if text:
        print(text)
    return 0


def cmd_search_index(args: argparse.Namespace) -> int:
    from .search_index import SearchIndexError, build_search_index

    try:
        bundle = build_search_index(args.site_dir)
    except SearchIndexError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Wrote the search index to {bundle}.")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import SKIPPABLE, run_bench

    skip = tuple(name for name in (args.skip or "").split(",") if name)
    unknown = [name for name in skip if name not in SKIPPABLE]
    if unknown:
        print(f"error: --skip {','.join(unknown)}: choose from {', '.join(SKIPPABLE)}", file=sys.stderr)
        return 2
    return run_bench(args.out, lighthouse=not args.no_lighthouse, skip=skip, lighthouse_runs=max(1, args.lighthouse_runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="check the content (exit 1 on any problem)")
    check.add_argument("--base", help="git revision to compare page versions with, e.g. origin/main")
    check.set_defaults(func=cmd_check)

    scores = commands.add_parser("scores", help="print each page's words, reading grade and citations")
    scores.set_defaults(func=cmd_scores)

    new = commands.add_parser("new-page", help="create a page with valid front matter")
    new.add_argument("path", help="path under docs/, e.g. guide/sleep.md")
    new.add_argument("title", help="the page title, e.g. 'Ketamine and sleep'")
    new.add_argument("--regulatory", action="store_true", help="the page states approvals, labels, prices or guidance")
    new.set_defaults(func=cmd_new_page)

    release = commands.add_parser("release", help="publish an edition with mike")
    release.add_argument("version", help="edition, YEAR.MONTH, e.g. 2026.11 (listed in data/editions.yaml)")
    release.add_argument("--push", action="store_true", help="push gh-pages to origin after publishing")
    release.set_defaults(func=cmd_release)

    review = commands.add_parser("review-due", help="list pages past or near their next review")
    review.add_argument("--days", type=int, default=30, help="also list pages due within this many days")
    review.add_argument("--today", help="date to check against (YYYY-MM-DD); default today")
    review.set_defaults(func=cmd_review_due)

    link_report = commands.add_parser("link-report", help="Markdown summary of broken links from linkchecker's CSV output")
    link_report.add_argument("csv", help="file written by linkchecker -F csv/utf-8/FILE")
    link_report.set_defaults(func=cmd_link_report)

    search_index = commands.add_parser("search-index", help="build the Pagefind search index into a built site "
                                       "(MkDocs builds do it themselves; for Zensical builds)")
    search_index.add_argument("site_dir", help="the built site, e.g. site/")
    search_index.set_defaults(func=cmd_search_index)

    bench = commands.add_parser("bench", help="measure build, page weight and Lighthouse against stock Material")
    bench.add_argument("--out", default="bench-results", help="folder for results.md and results.json")
    bench.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse runs")
    bench.add_argument("--skip", help="comma-separated measurements to leave out: check, scaling, weight, lighthouse")
    bench.add_argument("--lighthouse-runs", type=int, default=1, help="Lighthouse runs per page and site (median shown)")
    bench.set_defaults(func=cmd_bench)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""One command line for the guide's maintainers: `python -m scripts COMMAND` (or `make COMMAND`).

  check      content check; `--base REV` adds the version-bump rule
  new-page   scaffold a page with valid front matter and an "At a glance" box
  release    publish an edition with mike to the local gh-pages branch
  bench      measurements for the closing note (not part of the gate)
  scores     readability figures for every page
  review-due pages past or near their review date (Markdown; empty when none)
  links      internal links and anchors of a built site (lychee, offline)
  link-report  turn linkchecker's CSV output into a Markdown issue body
  review-packet  one printable document (HTML and PDF) of every page due for clinical review
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
    from .extensions.regulatory import rendered_source

    print("| Page | Words | Flesch-Kincaid grade | SMOG | Citations |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for path in sources.content_pages():
        page = sources.load_page(path)
        scores = readability.score(readability.prose_from_markdown(page.body))
        # Citations as rendered: those data/regulatory.yaml and data/further-info.yaml add count too.
        rendered = "\n".join(rendered_source(page.body.split("\n"), page.path.relative_to(sources.DOCS).as_posix()))
        print(f"| {page.shown} | {scores.words} | {scores.fk_grade} | {scores.smog} | {len(CITATION.findall(rendered))} |")
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
    from .printable import PrintError
    from .release import ReleaseError, release

    try:
        release(args.version, push=args.push)
    except (ReleaseError, PrintError) as error:
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


def cmd_review_packet(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .printable import PrintError
    from .review_packet import build_packet

    try:
        html_file, pdf, count = build_packet(Path(args.out))
    except PrintError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{count} page(s) due for clinical review. Wrote {html_file} and {pdf}.")
    return 0


def cmd_links(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .site_links import SiteLinksError, broken_links

    try:
        found = broken_links(Path(args.site))
    except SiteLinksError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for link in found:
        print(link)
    if found:
        print(f"{len(found)} broken internal link(s) or anchor(s) in {args.site}.", file=sys.stderr)
        return 1
    print(f"Every internal link and anchor in {args.site} resolves.", file=sys.stderr)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run_bench

    return run_bench(args.out, lighthouse=not args.no_lighthouse)


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

    packet = commands.add_parser("review-packet", help="printable packet of every page due for clinical review")
    packet.add_argument("--out", default="review-packet", help="folder for review-packet.html and review-packet.pdf")
    packet.set_defaults(func=cmd_review_packet)

    links = commands.add_parser("links", help="check a built site's internal links and anchors with lychee")
    links.add_argument("site", nargs="?", default="site", help="the built site folder (default: site)")
    links.set_defaults(func=cmd_links)

    bench = commands.add_parser("bench", help="measure build, page weight and Lighthouse against stock Material")
    bench.add_argument("--out", default="bench-results", help="folder for results.md and results.json")
    bench.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse runs")
    bench.set_defaults(func=cmd_bench)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

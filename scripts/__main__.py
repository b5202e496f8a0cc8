"""One command line for the guide's maintainers: `python -m scripts COMMAND` (or `make COMMAND`).

  check      content check; `--base REV` adds the version-bump rule
  serve      preview with live reload (not strict; prints the check's problems)
  serve-site serve a built site folder, e.g. CI's preview artifact
  new-page   scaffold a page with valid front matter and an "At a glance" box
  release    publish an edition with mike to the local gh-pages branch
  bench      measurements for the closing note (not part of the gate)
  search-index SITE  Pagefind index into a built site (MkDocs builds do it; for Zensical)
  scores     readability figures for every page
  cite       add a reference from its DOI (Crossref) or PMID (PubMed)
  refs       list or search the citation keys
  review-due pages past or near their review date (Markdown; says so on stderr when none)
  links      internal links and anchors of a built site (lychee, offline)
  link-report  turn linkchecker's CSV output into a Markdown issue body
  review-packet  one printable document (HTML and PDF) of every page due for clinical review
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


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
    from .sources import DOCS, display_path

    nav_line = f"- {args.title.strip()}: {path.relative_to(DOCS).as_posix()}" if path.is_relative_to(DOCS) else ""
    print(f"Created {display_path(path)}. Add it to 'nav' in mkdocs.yml{f' ({nav_line})' if nav_line else ''}, "
          "write it, then run 'make check' (or 'make serve' to read it as you write).")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from .printable import PrintError
    from .release import ReleaseError, release

    try:
        release(args.version, push=args.push, from_ref=args.from_ref)
    except (ReleaseError, PrintError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def iso_date(text: str):
    """argparse type for --today: a clear error naming the format (argparse exits 2), never a traceback."""
    import datetime as dt
    import re

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: use YYYY-MM-DD, e.g. 2026-12-03") from None


def day_count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of days: give a whole number, e.g. 30")
    return int(text)


def cmd_review_due(args: argparse.Namespace) -> int:
    import datetime as dt

    from .reviews import nothing_due, report

    today = args.today or dt.date.today()
    text = report(today, args.days)
    if text:
        print(text)
    else:
        print(nothing_due(today, args.days), file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import ServeError, serve

    try:
        return serve(args.dev_addr)
    except ServeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def cmd_serve_site(args: argparse.Namespace) -> int:
    from .serve import ServeError, serve_site

    try:
        return serve_site(args.directory, args.host, args.port)
    except ServeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def cmd_cite(args: argparse.Namespace) -> int:
    from .cite import CiteError, add_reference

    try:
        key, line = add_reference(doi=args.doi, pmid=args.pmid, bibliography=args.bibliography)
    except CiteError as error:
        print(error if error.located else f"error: {error}", file=sys.stderr)
        return error.exit_code
    from .sources import display_path

    print(f"Added '{key}' at {display_path(args.bibliography)}:{line}. Cite it as [@{key}].\n"
          "Before you do: check every field against the publisher's page or PubMed, replace the 'Confidence: "
          "unverified' note with how you verified it, and write annote (CONTRIBUTING.md, 'Cite').")
    return 0


def cmd_refs(args: argparse.Namespace) -> int:
    from .cite import search

    lines, problems = search(args.query, args.bibliography)
    for problem in problems:
        print(problem, file=sys.stderr)
    for line in lines:
        print(line)
    if not lines:
        print(f"No reference matches '{args.query}'. 'make refs' lists them all; 'make cite DOI=...' adds one."
              if args.query else "The bibliography has no readable references.", file=sys.stderr)
        return 1
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
    release.add_argument("--from", dest="from_ref", metavar="REF",
                         help="build from this tag or commit (in a temporary worktree), e.g. v2026.11: "
                              "how an older or already published edition is corrected")
    release.set_defaults(func=cmd_release)

    review = commands.add_parser("review-due", help="list pages past or near their next review")
    review.add_argument("--days", type=day_count, default=30, help="also list pages due within this many days (default 30)")
    review.add_argument("--today", type=iso_date, help="date to check against (YYYY-MM-DD); default today")
    review.set_defaults(func=cmd_review_due)

    serve = commands.add_parser("serve", help="preview with live reload; drafts are shown and their problems printed")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="HOST:PORT to listen on (default 127.0.0.1:8000)")
    serve.set_defaults(func=cmd_serve)

    serve_site = commands.add_parser("serve-site", help="serve a built site folder (e.g. CI's preview artifact)")
    serve_site.add_argument("directory", help="the folder holding the built index.html, e.g. site-preview")
    serve_site.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_site.add_argument("--port", type=int, default=8002, help="port (default 8002)")
    serve_site.set_defaults(func=cmd_serve_site)

    from .sources import BIBLIOGRAPHY

    cite = commands.add_parser("cite", help="add a reference from Crossref (DOI) or PubMed (PMID); needs internet")
    what = cite.add_mutually_exclusive_group(required=True)
    what.add_argument("--doi", help="e.g. 10.1176/appi.ajp.2013.13030392")
    what.add_argument("--pmid", help="e.g. 23982301")
    cite.add_argument("--bibliography", type=Path, default=BIBLIOGRAPHY, help="the CSL-YAML file (default data/references.yaml)")
    cite.set_defaults(func=cmd_cite)

    refs = commands.add_parser("refs", help="list the citation keys, or those matching a word")
    refs.add_argument("query", nargs="?", help="a word from the key, authors, title, journal, year, DOI or PMID")
    refs.add_argument("--bibliography", type=Path, default=BIBLIOGRAPHY, help=argparse.SUPPRESS)
    refs.set_defaults(func=cmd_refs)

    link_report = commands.add_parser("link-report", help="Markdown summary of broken links from linkchecker's CSV output")
    link_report.add_argument("csv", help="file written by linkchecker -F csv/utf-8/FILE")
    link_report.set_defaults(func=cmd_link_report)

    packet = commands.add_parser("review-packet", help="printable packet of every page due for clinical review")
    packet.add_argument("--out", default="review-packet", help="folder for review-packet.html and review-packet.pdf")
    packet.set_defaults(func=cmd_review_packet)

    links = commands.add_parser("links", help="check a built site's internal links and anchors with lychee")
    links.add_argument("site", nargs="?", default="site", help="the built site folder (default: site)")
    links.set_defaults(func=cmd_links)

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
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

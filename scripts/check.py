"""The content check: every rule a content pull request must pass, reported as `path:line:column: CODE message (fix) link`.

It reads the sources directly (no site build), so it runs in well under two
seconds and can name the exact line of each problem. Raw HTML, attribute lists
and link targets are judged by the same allow-list (scripts/allowlist.py) the
render-time guard gives nh3, so the check and the strict build agree. Every rule
is linear in the size of a page, and nesting is bounded, so no page can make it
hang or crash. The rule catalogue, with an anchor per code, is in CONTRIBUTING.md.

A rule can be switched off for the next line, with a reason a reviewer can judge:
`<!-- check: disable=READ003 reason="a quoted title" -->`. Rules that keep markup,
trackers or look-alike links away from readers cannot be switched off.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html as html_lib
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from . import allowlist, readability, sources
from .extensions import citations, crisis, glossary, regulatory
from .sources import Problem

MAX_FK_GRADE = 8.0
MAX_SMOG = 11.0
MIN_SCORED_WORDS = 80  # below this, readability formulas are noise; short pages are still checked for everything else
MAX_SENTENCE_WORDS = 35  # one sentence a reader has to hold in mind at once; the content team writes to it
MAX_NESTING = 16  # lists, quotes or brackets deeper than this are a mistake, and would make renderers recurse
MAX_PAGE_BYTES = 500_000  # ten times the longest page; split anything bigger into pages readers can finish

HYPE = re.compile(r"\b(miracles?|miraculous|breakthroughs?|game[- ]chang(?:er|ers|ing)|cures?|cured|curing|100 ?% safe|"
                  r"life[- ]chang(?:ing|er)|revolutionary)\b", re.I)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
SETEXT_H1 = re.compile(r"^ {0,3}=+\s*$")
ATTR_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}")
# Link text may hold one level of brackets ('[a [b] c](x)'); neither part can scan past a bracket, so matching is linear.
LINK = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\]){0,1000})\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
# A reference-style link definition: '[label]: target "title"'.
LINK_DEFINITION = re.compile(r"^ {0,3}\[(?!\^)([^\]]+)\]:\s*<?([^\s>]+)")
REFERENCE_IMAGE = re.compile(r"!\[([^\[\]\n]*)\](?:\[([^\[\]\n]*)\])?")
AUTOLINK = re.compile(r"<((?:https?|ftp|mailto|tel|sms|javascript|data):[^>\s]*)>", re.I)
ATTR_LIST = re.compile(r"\{:?[ \t]*((?:[#.][\w-]+|[\w:-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}\"']+))(?:[ \t]+(?:[#.][\w-]+|[\w:-]+="
                       r"(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}\"']+)))*)[ \t]*\}")
ATTR_PAIR = re.compile(r"([\w:-]+)=(?:\"([^\"\n]*)\"|'([^'\n]*)'|([^\s}\"']+))")
ATTR_TAG = {"href": "a", "src": "img", "alt": "img", "width": "img", "height": "img", "start": "ol", "open": "details"}
MISTYPED_AT = re.compile(r"\((@[a-z][a-z0-9]*(?:\s*;\s*@[a-z][a-z0-9]*)*)\)")
BARE_KEY = re.compile(r"(?<![!\]\w])\[([a-z][a-z0-9]*\d[a-z0-9]*)\](?![(\[:])")
MARKER_LIKE = re.compile(r"^\s*\[([A-Za-z][A-Za-z -]*)\]\s*$")
SNIPPET_BLOCK = re.compile(r"^\s*-{1,}8<-{1,}\s*$")
SNIPPET = re.compile(r"^\s*;?-{1,}8<-{1,}\s+([\"'])(.+?)\1")
DISABLE = re.compile(r"<!--\s*check:\s*disable=([\w,]*)(?:\s+reason=\"([^\"]*)\")?\s*-->")
ALWAYS_ON = {"HTML001", "HTML002", "HTML003", "HTML004", "HTML005", "HTML006", "LINK003", "LINK004", "TEXT001", "TEXT002",
             "TEXT003", "CHECK001", "GUARD001"}
NUL = re.compile("\x00")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
CONFLICT = re.compile(r"^(<{7}|>{7}|\|{7})( |$)|^={7}$", re.M)
GLANCE = re.compile(r"^[!?]{3}\+?\s+summary\s+\"At a glance\"", re.M)
WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s|$)")


def extension_markers() -> set[str]:
    """Every generated-content marker the guide's extensions define (a module constant named ...MARKER holding
    '[NAME]'), so a mistyped one ('[REFERENCE]') is caught and a new extension's marker is known without editing here."""
    import importlib
    import pkgutil

    from . import extensions

    found = set()
    for module_info in pkgutil.iter_modules(extensions.__path__):
        module = importlib.import_module(f"{extensions.__name__}.{module_info.name}")
        found |= {value for name, value in vars(module).items()
                  if name.endswith("MARKER") and isinstance(value, str) and re.fullmatch(r"\[[A-Z][A-Z-]*\]", value)}
    return found


MARKERS = extension_markers()
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico"}
SVG_FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "set", "animate"}
CSS_REMOTE = re.compile(r"@import\s+(?:url\()?\s*[\"']?\s*(?:[a-z][a-z0-9+.-]*:|//)|url\(\s*[\"']?\s*(?!data:)(?:[a-z][a-z0-9+.-]*:|//)"
                        r"|expression\s*\(|javascript:|behaviou?r\s*:", re.I)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@dataclass
class PageInfo:
    """What other pages may link to: a page's anchors."""

    anchors: set[str] = field(default_factory=set)


class LineIndex:
    """Offsets to (line, column) in O(log n), so reporting stays linear however many problems a text has."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index, offset - self.starts[index] + 1


FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"(`+).+?\1")


def prose_lines(body: str) -> Iterable[tuple[int, str]]:
    """(offset, line) for body lines outside fenced code, with inline code blanked out."""
    return _prose_lines(body)


@lru_cache(maxsize=64)  # every rule reads a page's prose; split it once per page
def _prose_lines(body: str) -> tuple[tuple[int, str], ...]:
    found = []
    fenced = False
    for offset, line in enumerate(body.split("\n")):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            found.append((offset, INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line) if "`" in line else line))
    return tuple(found)


def heading_text(raw: str) -> str:
    text = citations.CITATION.sub("", raw)
    text = ATTR_ID.sub("", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]", "", text)
    return text.strip()


def page_anchors(page: sources.Page, terms: list[sources.Term], cited: set[str]) -> set[str]:
    """Anchors the built page will have: heading slugs (deduplicated like toc), {#ids}, generated ones."""
    anchors: set[str] = set()
    counts: dict[str, int] = {}

    def add_heading(text: str) -> None:
        slug = sources.slugify(text)
        if slug in counts:
            counts[slug] += 1
            slug = f"{slug}_{counts[slug]}"
        else:
            counts[slug] = 0
        anchors.add(slug)

    for _, line in prose_lines(page.body):
        stripped = line.strip()
        heading = HEADING.match(line)
        if heading:
            explicit = ATTR_ID.search(heading.group(2))
            if explicit:
                anchors.add(explicit.group(1))
            else:
                add_heading(heading_text(heading.group(2)))
        elif stripped == glossary.MARKER:
            for term in sorted(terms, key=lambda t: t.term.lower()):
                add_heading(term.term)
        elif stripped == citations.MARKER:
            anchors |= cited
        elif stripped == crisis.MARKER:
            data, _ = sources.load_crisis()
            for region in data.regions if data else ():
                add_heading(region.name)
        if "{" in line and not heading:
            anchors |= set(ATTR_ID.findall(line))
        if "[@" in line:
            for key_match in citations.CITATION.finditer(line):
                anchors |= {f"fn:{key}" for key in citations.parse_keys(key_match.group(1)) or []}
    return anchors


class _HtmlScanner(HTMLParser):
    """Start tags in Markdown prose with their positions; '<https://...>' autolinks and '<me@x.org>' are not tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[int, int, str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        if not re.fullmatch(r"[a-z][a-z0-9-]*", tag):
            return
        line, column = self.getpos()
        self.tags.append((line, column + 1, tag, attrs))

    handle_startendtag = handle_starttag


def html_tags(text: str) -> list[tuple[int, int, str, list[tuple[str, str | None]]]]:
    """(1-based line, column, tag, attributes) of every start tag; attribute values decoded as a browser would."""
    scanner = _HtmlScanner()
    # Unclosed '<a<a<a...' makes the standard parser rescan; each '<' not followed by a tag name is plain text.
    scanner.feed(re.sub(r"<(?![a-zA-Z/!?])", "&lt;", text))
    scanner.close()
    return scanner.tags


_SPELLING_CACHE: dict[tuple[str, float, int], list[Problem]] = {}  # per file, so a test run spells data/ once


def _codespell_words() -> str:
    try:
        import tomllib

        settings = tomllib.loads((sources.ROOT / "pyproject.toml").read_text(encoding="utf-8")).get("tool", {}).get("codespell", {})
    except (OSError, ValueError):
        return ""
    return str(settings.get("ignore-words-list", ""))


@dataclass
class Spelling:
    """A codespell run over the files not spelled before, in a child process beside the check (the second core)."""

    keys: dict[str, tuple[str, float, int]]
    todo: list[str]
    process: subprocess.Popen | None = None


def start_spelling(folders: list[Path]) -> Spelling:
    """codespell over the Markdown and YAML files of docs/ and data/, with pyproject.toml's word list."""
    files = sorted(p for folder in folders if folder.exists() for p in folder.rglob("*") if p.suffix in (".md", ".yaml", ".yml"))
    keys = {}
    for path in files:
        stat = path.stat()
        keys[str(path)] = (str(path), stat.st_mtime, stat.st_size)
    run = Spelling(keys, [path for path, key in keys.items() if key not in _SPELLING_CACHE])
    if run.todo:
        words = _codespell_words()
        command = [sys.executable, "-m", "codespell_lib", *(["-L", words] if words else []), "--", *run.todo]
        run.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                       encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    return run


def spelling_problems(run: Spelling) -> list[Problem]:
    if run.process is not None:
        out, _ = run.process.communicate(timeout=300)
        found: dict[str, list[Problem]] = {path: [] for path in run.todo}
        for line in out.splitlines():
            match = re.match(r"^(.*?):(\d+): (\S+) ==> (.+)$", line)
            if not match or match.group(1) not in found:
                continue
            path, number, word, fix = match.group(1), int(match.group(2)), match.group(3), match.group(4).strip()
            try:
                text = Path(path).read_text(encoding="utf-8").split("\n")[number - 1]
                column = re.search(rf"\b{re.escape(word)}\b", text).start() + 1
            except (OSError, IndexError, AttributeError, UnicodeDecodeError):
                column = 1
            found[path].append(Problem(sources.display_path(Path(path)), number, column, "SPELL001", f"misspelt word '{word}'",
                                       f"write '{fix}', or add the word to ignore-words-list in pyproject.toml if it is right"))
        if run.process.returncode not in (0, 65):  # 65: misspellings found; anything else: codespell itself failed
            return [Problem("pyproject.toml", 1, 1, "SPELL001", f"codespell could not run (exit {run.process.returncode})",
                            "run 'make install' again")]
        for path in run.todo:
            _SPELLING_CACHE[run.keys[path]] = found[path]
    return [problem for key in run.keys.values() for problem in _SPELLING_CACHE[key]]


class Checker:
    def __init__(self, docs: Path = sources.DOCS, today: dt.date | None = None, readability_checks: bool = True,
                 spelling: bool = True):
        self.docs = docs
        self.today = today or dt.date.today()
        self.readability_checks = readability_checks
        self.spelling = spelling
        self.problems: list[Problem] = []
        self.bibliography_loaded = True
        self.reviewers: dict[str, sources.Reviewer] | None = None
        self.statuses: dict[str, sources.Status] = {}
        self.unknown_anchors: set[Path] = set()

    def run(self) -> list[Problem]:
        spelling = start_spelling([self.docs, sources.DATA]) if self.spelling else None
        references, problems = sources.load_bibliography()
        self.problems += problems
        # One mistake, one message: a bibliography that cannot be read says so once, not once per citation.
        self.bibliography_loaded = not any(p.code.startswith(("YAML", "ENC", "FILE")) or p.code == "BIB001" for p in problems)
        terms, problems = sources.load_glossary()
        self.problems += problems
        unreadable = {glossary.MARKER} if any(p.code.startswith(("YAML", "ENC", "FILE")) or p.code == "GLO001" for p in problems) else set()
        crisis_problems = sources.load_crisis()[1]
        self.problems += crisis_problems
        unreadable |= {crisis.MARKER} if crisis_problems else set()
        self.problems += sources.load_editions()[1]
        self.reviewers, problems = sources.load_reviewers()
        self.problems += problems
        known_keys = set(references) if self.bibliography_loaded else None
        self.statuses, problems = sources.load_regulatory(known_keys=known_keys, today=self.today)
        self.problems += problems
        shown = sources.display_path(sources.REGULATORY)
        # A lapsing rule (e.g. a temporary telehealth extension) may be stale long before the page's next_review.
        self.problems += [Problem(shown, s.line, 1, "REG008", f"status '{s.key}' is past its re-check date ({s.recheck_by})",
                                  "check the source again, update text and as_of, and set a new recheck_by (or remove it)")
                          for s in self.statuses.values() if s.recheck_by is not None and s.recheck_by < self.today]
        self.problems += sources.load_further_info(known_keys=known_keys)[1]

        pages: dict[Path, sources.Page] = {}
        for path in sources.content_pages(self.docs):
            try:
                pages[path.resolve()] = sources.load_page(path)
            except sources.SourceError as error:
                self.problems += error.problems
        cited = {key for page in pages.values() for _, line in prose_lines(self.rendered(page)) if "[@" in line
                 for m in citations.CITATION.finditer(line) for key in citations.parse_keys(m.group(1)) or []}
        anchors = {path: page_anchors(replace(page, body=self.rendered(page)), terms, cited & set(references))
                   for path, page in pages.items()}
        # One mistake, one message: anchors generated from a data file that cannot be read are not checked.
        self.unknown_anchors = {path for path, page in pages.items()
                                if any(marker in page.body for marker in unreadable | ({citations.MARKER} if not self.bibliography_loaded else set()))}
        self.check_config(pages)
        self.check_files()
        for page in pages.values():
            self.problems += self.page_problems(page, pages, anchors, references)
        spelled = spelling_problems(spelling) if spelling else []
        # One mistake, one message: a line that already has a problem ('descripton:') is not also a misspelling.
        reported = {(p.path, p.line) for p in self.problems}
        self.problems += [p for p in spelled if (p.path, p.line) not in reported]
        return sorted(set(self.problems))

    def page_problems(self, page: sources.Page, pages, anchors, references) -> list[Problem]:
        """Every per-page rule, with the page's own rule switches applied."""
        outer, self.problems = self.problems, []
        try:
            self.problems += sources.validate_front_matter(page, self.today, self.reviewers)
            self.check_front_matter_words(page)
            self.check_placeholders(page)
            self.check_body(page, references)
            self.check_statuses(page, self.statuses)
            self.check_links(page, pages, anchors)
            self.check_snippets(page)
            return apply_disables(page, self.problems)
        finally:
            self.problems = outer

    def rendered(self, page: sources.Page) -> str:
        """The body as the regulatory extension hands it on (statuses expanded, guide pages' closing sections)."""
        docs_path = page.path.resolve().relative_to(self.docs.resolve()).as_posix()
        return "\n".join(regulatory.rendered_source(page.body.split("\n"), docs_path))

    def check_statuses(self, page: sources.Page, statuses: dict[str, sources.Status]) -> None:
        """Every [STATUS: key] and [REGULATORY-STATUS: ...] names a status in data/regulatory.yaml."""
        lines = [""] * (page.body.count("\n") + 1)
        for offset, line in prose_lines(page.body):
            lines[offset] = line

        def report(offset: int, column: int, message: str) -> None:
            self.problems.append(Problem(page.shown, page.body_first_line + offset, column, "REG010", message,
                                         f"use a key from {sources.display_path(sources.REGULATORY)}, or add the verified status there"))

        regulatory.expand(lines, statuses, report)

    # --- site-wide rules ---------------------------------------------------------

    def check_config(self, pages: dict[Path, sources.Page]) -> None:
        """mkdocs.yml parses, its nav names existing pages, and every page is in it (what the strict build insists on)."""
        config_path = self.docs.parent / "mkdocs.yml"
        if not config_path.exists():
            return  # a docs folder outside a project (the test corpus) has no configuration to check
        shown = sources.display_path(config_path)
        try:
            node = yaml.compose(config_path.read_text(encoding="utf-8"), Loader=sources._ConfigLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            self.problems.append(Problem(shown, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, "CONF001",
                                         f"mkdocs.yml is not valid YAML: {getattr(error, 'problem', None) or error}",
                                         "check indentation, colons and quotes on this line; the build cannot start"))
            return
        except (OSError, UnicodeDecodeError) as error:
            self.problems.append(Problem(shown, 1, 1, "CONF001", f"mkdocs.yml cannot be read: {error}", "restore it from git"))
            return
        nav = next((value for key, value in getattr(node, "value", []) if isinstance(node, yaml.MappingNode)
                    and getattr(key, "value", None) == "nav"), None)
        if nav is None:
            return  # no nav lists every page automatically
        docs = self.docs.resolve()

        def walk(item) -> None:
            if isinstance(item, yaml.ScalarNode):
                target = str(item.value)
                if target and not re.match(r"^[a-z][a-z0-9+.-]*:|^/|^#", target, re.I) and not (docs / target).is_file():
                    self.problems.append(Problem(shown, item.start_mark.line + 1, item.start_mark.column + 1, "NAV002",
                                                 f"nav lists '{target}', which is not a file in docs/"
                                                 f"{sources.did_you_mean(target, [p.relative_to(docs).as_posix() for p in pages])}",
                                                 "fix the path (relative to docs/) or remove the entry"))
            elif isinstance(item, yaml.SequenceNode):
                for child in item.value:
                    walk(child)
            elif isinstance(item, yaml.MappingNode):
                for _, child in item.value:
                    walk(child)

        walk(nav)
        listed = sources.nav_entries(config_path) or set()
        for path, page in pages.items():
            relative = path.relative_to(docs).as_posix()
            if relative not in listed:
                self.problems.append(Problem(page.shown, 1, 1, "NAV001", "page is not listed in mkdocs.yml's nav",
                                             f"add a line such as '      - {page.meta.get('title', 'Title')}: {relative}' under the right "
                                             "section of nav: in mkdocs.yml"))

    def check_files(self) -> None:
        """Files under docs/ that are not pages are published as they are: only images and stylesheets, each checked."""
        for path in sorted(self.docs.rglob("*")):
            if not path.is_file() or path.suffix.lower() == ".md":
                continue
            suffix, shown = path.suffix.lower(), sources.display_path(path)
            if suffix in IMAGE_TYPES:
                if not image_signature_matches(path, suffix):
                    self.problems.append(Problem(shown, 1, 1, "FILE003", f"'{path.name}' is not a {suffix[1:].upper()} image",
                                                 "export the image again; a file named as an image must be one"))
                continue
            if suffix == ".svg":
                self.problems += svg_problems(path, shown)
            elif suffix == ".css":
                self.problems += css_problems(path, shown)
            else:
                self.problems.append(Problem(shown, 1, 1, "FILE002", f"'{path.name}' would be published as it is, unchecked",
                                             "only Markdown pages, images (.png, .jpg, .webp, .gif, .svg) and stylesheets (.css) "
                                             "belong in docs/; scripts and templates go in overrides/, reviewed as code"))

    def check_placeholders(self, page: sources.Page) -> None:
        from .pages import PLACEHOLDERS

        text = page.path.read_text(encoding="utf-8")
        if not any(placeholder in text for placeholder in PLACEHOLDERS):
            return
        for number, line in enumerate(text.split("\n"), start=1):
            for placeholder in PLACEHOLDERS:
                column = line.find(placeholder)
                if column >= 0:
                    self.problems.append(Problem(page.shown, number, column + 1, "PAGE002",
                                                 f"scaffold text left in the page: '{placeholder}'",
                                                 "replace it with the page's own words"))

    def check_front_matter_words(self, page: sources.Page) -> None:
        """Hype words in the title and description, which search results and the header show."""
        for name in ("title", "description"):
            value = page.meta.get(name)
            line = page.field_lines.get(name)
            if not isinstance(value, str) or line is None:
                continue
            written = page.front_text.split("\n")[line - 2] if line - 2 < len(page.front_text.split("\n")) else ""
            for match in HYPE.finditer(written.partition(":")[2]):
                self.problems.append(Problem(page.shown, line, len(written.partition(":")[0]) + 1 + match.start() + 1, "HYPE001",
                                             f"hype word '{match.group(0)}' in the {name}",
                                             "describe the evidence plainly: say what was measured, in how many people, for how long"))

    def check_snippets(self, page: sources.Page) -> None:
        """'--8<-- "file"' includes: the file exists under the snippets folder, and the path stays inside docs/."""
        base = (self.docs / "includes").resolve()
        docs = self.docs.resolve()
        in_block = False
        for offset, line in prose_lines(page.body):
            if SNIPPET_BLOCK.match(line):  # '--8<--' alone opens and closes a list of files, one a line
                in_block = not in_block
                continue
            match = SNIPPET.match(line)
            if in_block and line.strip() and not line.lstrip().startswith(";"):
                name, column = line.strip().split(":")[0], len(line) - len(line.lstrip()) + 1
            elif match:
                name, column = match.group(2).split(":")[0], match.start(2) + 1
            else:
                continue
            line_no = page.body_first_line + offset
            target = (base / name).resolve()
            if Path(name).is_absolute() or not target.is_relative_to(docs):
                self.problems.append(Problem(page.shown, line_no, column, "SNIP002",
                                             f"snippet '{name}' is outside docs/", "include only files kept in docs/includes/"))
            elif not target.is_file():
                self.problems.append(Problem(page.shown, line_no, column, "SNIP001",
                                             f"snippet '{name}' does not exist in docs/includes/", "create it or fix the name"))

    # --- body rules -----------------------------------------------------------

    def check_body(self, page: sources.Page, references: dict[str, sources.Reference]) -> None:
        shown, first = page.shown, page.body_first_line

        def add(offset: int, column: int, code: str, message: str, fix: str) -> None:
            self.problems.append(Problem(shown, first + offset, column, code, message, fix))

        body = page.body
        self.check_characters(body, add)
        too_deep = self.check_nesting(body, add)
        too_big = len(body.encode("utf-8", "replace")) > MAX_PAGE_BYTES
        if too_big:
            add(0, 1, "PAGE004", f"page is {len(body) // 1000} kB; the limit is {MAX_PAGE_BYTES // 1000} kB",
                "split it into pages a reader can finish; reading scores are skipped until then")
        h1_count = 0
        has_text = False
        previous = ""
        image_labels: set[str] = set()
        definitions: list[tuple[int, str, str]] = []
        prose = [""] * (body.count("\n") + 1)  # the body with fenced code blanked, for tags that span lines
        for offset, line in prose_lines(body):
            prose[offset] = line
            heading = HEADING.match(line)
            setext = bool(SETEXT_H1.match(line) and line.strip() != "=======" and previous.strip()
                          and not previous.lstrip().startswith(("-", "*", ">", "|", "<", "#", "!!!")))
            if heading or setext:
                level = len(heading.group(1)) if heading else 1
                if level > 3:
                    add(offset, 1, "HEAD001", f"heading level {level} is deeper than three levels",
                        "use '##' or '###', or split the section into its own page")
                if level == 1:
                    h1_count += 1
                    if h1_count == 2:
                        add(offset - setext, 1, "HEAD002", "a second title ('# ' or a line underlined with '===')",
                            "use '##' for sections; the page has one title")
            elif line.strip():
                has_text = True
            previous = line
            if "[" in line or "(@" in line:
                self.check_citations(line, offset, references, add)
            if "](" in line:
                for match in LINK.finditer(line):
                    bang, text, target = match.groups()
                    if bang and not text.strip():
                        add(offset, match.start() + 1, "IMG001", "image without alt text",
                            "describe the image in the brackets: ![What the image shows](path)")
                    finding = allowlist.url_finding("src" if bang else "href", html_lib.unescape(target))
                    if finding and finding.code != "LINK001":
                        add(offset, match.start() + 1, finding.code, finding.message, finding.fix)
            if "![" in line:
                for match in REFERENCE_IMAGE.finditer(line):
                    if line[match.end():match.end() + 1] != "(":
                        image_labels.add((match.group(2) or match.group(1)).strip().lower())
            definition = LINK_DEFINITION.match(line)
            if definition:
                definitions.append((offset, definition.group(1).strip().lower(), definition.group(2)))
            if "<" in line:
                for match in AUTOLINK.finditer(line):
                    finding = allowlist.url_finding("href", match.group(1))
                    if finding and finding.code != "LINK001":
                        add(offset, match.start() + 1, finding.code, finding.message, finding.fix)
            if "{" in line:
                self.check_attr_lists(line, offset, add)
            marker = MARKER_LIKE.match(line) if "[" in line else None
            if marker and f"[{marker.group(1)}]" not in MARKERS and (marker.group(1).isupper() or sources.did_you_mean(
                    f"[{marker.group(1).upper()}]", MARKERS)):
                add(offset, line.index("[") + 1, "MARK001", f"'[{marker.group(1)}]' is not a marker the build replaces"
                    f"{sources.did_you_mean(f'[{marker.group(1).upper()}]', MARKERS)}",
                    f"use one of {', '.join(sorted(MARKERS))} alone on its line, exactly as written")
        for offset, label, target in definitions:
            finding = allowlist.url_finding("src" if label in image_labels else "href", html_lib.unescape(target))
            if finding and finding.code != "LINK001":
                add(offset, 1, finding.code, finding.message, finding.fix)
        prose_text = "\n".join(prose)
        index = None
        for match in HYPE.finditer(prose_text):  # one pass over the page, not one call per line
            index = index or LineIndex(prose_text)
            line_offset, column = index.position(match.start())
            add(line_offset, column, "HYPE001", f"hype word '{match.group(0)}'",
                "describe the evidence plainly: say what was measured, in how many people, for how long")
        self.check_html(prose_text, add)
        if not has_text:
            self.problems.append(Problem(shown, first, 1, "PAGE001", "page has no text",
                                         "write the page, or remove it and its entry in mkdocs.yml's nav"))
            return
        generated = any(marker in body for marker in MARKERS)
        if not generated and not GLANCE.search(body):
            title = next((offset for offset, line in prose_lines(body) if line.startswith("# ")), 0)
            add(title, 1, "PAGE005", "page has no 'At a glance' box",
                "add '!!! summary \"At a glance\"' after the title, with 3 to 5 indented '- ' points")
        self.check_sentences(prose, add)
        if self.readability_checks and not too_deep and not too_big:
            self.check_readability(page)

    def check_citations(self, line: str, offset: int, references, add) -> None:
        for match in citations.CITATION.finditer(line):
            keys = citations.parse_keys(match.group(1))
            if keys is None:
                add(offset, match.start() + 1, "CIT001", f"malformed citation '{match.group(0)}'",
                    "write [@key] or [@key1; @key2] with keys from data/references.yaml")
                continue
            for key in keys:
                if key not in references and self.bibliography_loaded:
                    add(offset, match.start() + 1, "CIT002", f"unknown citation key '{key}'{sources.did_you_mean(key, references)}",
                        "use an id from data/references.yaml, or add the verified reference there first")
        for match in MISTYPED_AT.finditer(line):
            add(offset, match.start() + 1, "CIT003", f"'{match.group(0)}' is shown as typed: citations use square brackets",
                f"write [{match.group(1)}]")
        for match in BARE_KEY.finditer(line):
            key = match.group(1)
            if key in references or sources.did_you_mean(key, references):
                add(offset, match.start() + 1, "CIT003", f"'[{key}]' is shown as typed: a citation needs '@'",
                    f"write [@{key}]" if key in references else f"write [@key]{sources.did_you_mean(key, references)}")

    def check_attr_lists(self, line: str, offset: int, add) -> None:
        """`{: onclick=... }`, `{: href="javascript:..." }`, `{: style=... }`: attr_list writes them into the HTML."""
        for match in ATTR_LIST.finditer(line):
            if line[match.start():match.start() + 2] == "{@":
                continue
            for pair in ATTR_PAIR.finditer(match.group(1)):
                name = pair.group(1).lower()
                value = html_lib.unescape(next(v for v in pair.groups()[1:] if v is not None))
                finding = allowlist.attribute_finding(ATTR_TAG.get(name, "p"), name, value)
                if finding:
                    add(offset, match.start() + 1, finding.code, f"attribute list: {finding.message}", finding.fix)

    def check_characters(self, body: str, add) -> None:
        """Characters that never belong in a page: NUL, bidirectional overrides, and leftover merge-conflict markers."""
        index = None
        for pattern, code, message, fix in (
                (NUL, "TEXT001", "NUL byte", "delete it; the editor or a copy and paste put it there"),
                (BIDI, "TEXT002", "invisible direction-control character (it can make text or a link read differently)",
                 "delete it and retype the words around it"),
                (CONFLICT, "TEXT003", "merge-conflict marker", "resolve the conflict: keep the right text, delete the markers")):
            for match in pattern.finditer(body):
                index = index or LineIndex(body)
                line, column = index.position(match.start())
                shown = f"U+{ord(match.group(0)):04X} " if code == "TEXT002" else ""
                add(line, column, code, shown + message, fix)

    def check_nesting(self, body: str, add) -> bool:
        """Lists, quotes and brackets nested deeper than MAX_NESTING: reported once, and the renderer is not run on it."""
        for offset, line in prose_lines(body):
            stripped = line.lstrip(" \t")
            indent = len(line) - len(stripped) + line[: len(line) - len(stripped)].count("\t") * 3
            if indent <= 2 * MAX_NESTING and not stripped.startswith(">") and line.count("[") <= MAX_NESTING:
                continue  # the common line: nothing nested deep enough to measure
            quotes = len(re.match(r"(?:>\s?)*", stripped).group(0).replace(" ", ""))
            depth, deepest, at = 0, 0, 0
            if line.count("[") > MAX_NESTING:
                for column, char in enumerate(line):
                    if char == "[":
                        depth += 1
                        if depth > deepest:
                            deepest = depth
                            at = column if depth == MAX_NESTING + 1 else at  # where the limit is first passed
                    elif char == "]" and depth:
                        depth -= 1
            level = max(indent // 2 if re.match(r"([-*+]|\d+[.)])\s", stripped) else 0, quotes, deepest)
            if level > MAX_NESTING:
                add(offset, at + 1 if deepest == level else 1, "PAGE003",
                    f"nested {level} levels deep (lists, quotes or brackets); the limit is {MAX_NESTING}",
                    "flatten it: split the list or the sentence")
                return True
        return False

    def check_html(self, text: str, add) -> None:
        """Raw HTML against the allow-list; a tag may span lines, and is reported where it starts."""
        if "<" not in text:
            return
        for line, column, tag, attrs in html_tags(text):
            offset = line - 1
            tag_problem = allowlist.tag_finding(tag)
            if tag_problem:
                add(offset, column, tag_problem.code, tag_problem.message, tag_problem.fix)
            for name, value in attrs:
                if name == "markdown":
                    continue  # md_in_html's switch ('<div markdown>'): consumed by the build, never published
                if not tag_problem:
                    finding = allowlist.attribute_finding(tag, name, value)
                elif name.startswith("on") or name in allowlist.URL_ATTRIBUTES:  # a refused tag: say also what it would run or load
                    finding = allowlist.attribute_finding(tag, name, value) if name.startswith("on") \
                        else allowlist.url_finding(name, value or "")
                else:
                    finding = None
                if finding and finding.code != "LINK001":
                    add(offset, column, finding.code, finding.message, finding.fix)
            if tag == "img":
                alt = dict(attrs).get("alt")
                if not (alt or "").strip():
                    add(offset, column, "IMG001", "<img> without alt text", 'add alt="what the image shows"')

    def check_sentences(self, prose: list[str], add) -> None:
        """Each sentence of running text is at most MAX_SENTENCE_WORDS words (tables, headings, code and HTML are not prose)."""
        paragraph: list[tuple[int, str]] = []

        def flush() -> None:
            if not paragraph:
                return
            text, starts = "", []
            for offset, line in paragraph:
                starts.append((len(text), offset))
                text += line + " "
            begin = 0
            for end in [m.end() for m in SENTENCE_END.finditer(text)] + [len(text)]:
                sentence = text[begin:end]
                words = len(WORD.findall(sentence))
                if words > MAX_SENTENCE_WORDS:
                    lead = len(sentence) - len(sentence.lstrip())
                    position = begin + lead
                    start, offset = starts[bisect.bisect_right([s for s, _ in starts], position) - 1]
                    add(offset, position - start + 1, "READ003", f"sentence of {words} words; the limit is {MAX_SENTENCE_WORDS}",
                        "split it into two or three sentences of about 15 words")
                begin = end
            paragraph.clear()

        for offset, line in enumerate(prose):
            stripped = line.strip()
            if not stripped or stripped.startswith(("#", "|", "<", "!!!", "???", "---", "***", "===", "{:", "[^", "--8<--")) \
                    or LINK_DEFINITION.match(line) or MARKER_LIKE.match(line) or line.startswith("    ") and not paragraph:
                flush()
                continue
            item = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+", line)
            if item:
                flush()
                line = " " * item.end() + line[item.end():]  # blanked, not cut, so columns stay right
            if "[" in line:
                line = citations.CITATION.sub(lambda m: " " * len(m.group(0)), line)
                line = LINK.sub(lambda m: m.group(2) + " " * (len(m.group(0)) - len(m.group(2))), line)
            if "{" in line:
                line = ATTR_LIST.sub(lambda m: " " * len(m.group(0)), line)
            paragraph.append((offset, line))
        flush()

    def check_readability(self, page: sources.Page) -> None:
        text = readability.prose_from_markdown(page.body)
        scores = readability.score(text)
        if scores.words < MIN_SCORED_WORDS:
            return
        line = page.body_first_line
        if scores.fk_grade > MAX_FK_GRADE:
            self.problems.append(Problem(page.shown, line, 1, "READ001",
                                         f"reading grade {scores.fk_grade} (Flesch-Kincaid) is above {MAX_FK_GRADE}",
                                         "shorten sentences (aim for 15 words) and use shorter, common words"))
        if scores.smog > MAX_SMOG:
            self.problems.append(Problem(page.shown, line, 1, "READ002", f"SMOG index {scores.smog} is above {MAX_SMOG}",
                                         "use fewer words of three or more syllables; explain terms in plain words"))

    # --- links ------------------------------------------------------------------

    def check_links(self, page: sources.Page, pages: dict[Path, sources.Page], anchors: dict[Path, set[str]]) -> None:
        here, docs = page.path.resolve(), self.docs.resolve()
        for offset, line in prose_lines(page.body):
            if "](" not in line:
                continue
            for match in LINK.finditer(line):
                target = match.group(3)
                line_no, column = page.body_first_line + offset, match.start() + 1
                target = html_lib.unescape(target)  # 'java&#115;cript:' is a scheme, not a file name
                try:
                    parts = urlsplit(target)
                    path_part = unquote(parts.path)
                    if parts.scheme or parts.netloc or not target:
                        continue
                    # normpath, not resolve(): the same answer for the pages here, without a system call per link
                    if not path_part:
                        destination = here
                    elif path_part.startswith("/"):
                        destination = Path(os.path.normpath(docs / path_part.lstrip("/")))
                    else:
                        destination = Path(os.path.normpath(here.parent / path_part))
                except ValueError:  # 'http://[oops' or a '%00' in the path: no such address, rather than a crash
                    self.problems.append(Problem(page.shown, line_no, column, "LINK001",
                                                 f"link target '{target}' is not a valid address", "check the address for typos"))
                    continue
                if path_part and not path_part.endswith(".md"):
                    if not destination.exists():
                        self.problems.append(Problem(page.shown, line_no, column, "LINK001", f"link target '{target}' does not exist",
                                                     "link to the .md file of a page, relative to this page"))
                    continue
                if destination not in pages:
                    names = [os.path.relpath(p, page.path.parent) for p in pages]
                    self.problems.append(Problem(page.shown, line_no, column, "LINK001", f"link target '{target}' does not exist"
                                                 f"{sources.did_you_mean(path_part, names)}",
                                                 "check the file name and the ../ steps from this page's folder"))
                elif parts.fragment and parts.fragment not in anchors[destination] and destination not in self.unknown_anchors:
                    self.problems.append(Problem(page.shown, line_no, column, "LINK002",
                                                 f"'{pages[destination].shown}' has no anchor '#{parts.fragment}'"
                                                 f"{sources.did_you_mean(parts.fragment, anchors[destination])}",
                                                 "use the heading's anchor: lower case, spaces as hyphens, punctuation removed"))


def apply_disables(page: sources.Page, problems: list[Problem]) -> list[Problem]:
    """Drop problems switched off by a `<!-- check: disable=CODE reason="..." -->` on the line before; check the switches."""
    try:
        text = page.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return problems
    if "check:" not in text:
        return problems
    off: dict[int, set[str]] = {}
    kept = list(problems)
    for number, line in enumerate(text.split("\n"), start=1):
        match = DISABLE.search(line)
        if not match:
            continue
        codes = [c for c in match.group(1).split(",") if c]
        column = match.start() + 1
        fix = 'write <!-- check: disable=READ003 reason="why this line is right as it is" --> on the line before'
        if not (match.group(2) or "").strip():
            kept.append(Problem(page.shown, number, column, "CHECK001", "a rule is switched off without a reason", fix))
            continue
        bad = [c for c in codes if not re.fullmatch(r"[A-Z]+\d{3}", c) or c in ALWAYS_ON]
        if not codes or bad:
            kept.append(Problem(page.shown, number, column, "CHECK001",
                                f"'{','.join(bad) or '(none)'}' cannot be switched off"
                                + (" (it keeps unsafe markup or look-alike links from readers)" if bad and all(c in ALWAYS_ON for c in bad) else ""),
                                "fix the problem instead; only wording rules (READ, HYPE, SPELL, CIT003...) can be switched off"))
            continue
        off.setdefault(number + 1, set()).update(codes)
    return [p for p in kept if p.code not in off.get(p.line, ())]


IMAGE_SIGNATURES = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
                    ".gif": (b"GIF87a", b"GIF89a"), ".ico": (b"\x00\x00\x01\x00",)}


def image_signature_matches(path: Path, suffix: str) -> bool:
    """The file starts as its type says (an HTML page named .png is not published as an image)."""
    head = path.read_bytes()[:16]
    if suffix == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if suffix == ".avif":
        return head[4:12] in (b"ftypavif", b"ftypavis")
    return head.startswith(IMAGE_SIGNATURES[suffix])


def svg_problems(path: Path, shown: str) -> list[Problem]:
    """An SVG is a document: no scripts, embedded HTML, event handlers or references to other files or hosts."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [Problem(shown, 1, 1, "ENC001", "file is not valid UTF-8", "re-save the SVG with UTF-8 encoding")]
    problems = []
    fix = "export the image again as plain shapes (or as PNG); an SVG in docs/ must not run or load anything"
    if re.search(r"<!ENTITY", text, re.I):
        index = LineIndex(text)
        line, column = index.position(re.search(r"<!ENTITY", text, re.I).start())
        problems.append(Problem(shown, line + 1, column, "SVG001", "entity declaration in an SVG", fix))
    for line, column, tag, attrs in html_tags(text):
        if tag in SVG_FORBIDDEN:
            problems.append(Problem(shown, line, column, "SVG001", f"<{tag}> in an SVG", fix))
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                problems.append(Problem(shown, line, column, "SVG001", f"event handler '{name}' in an SVG", fix))
            elif name in ("href", "xlink:href", "src") and not value.strip().startswith("#"):
                problems.append(Problem(shown, line, column, "SVG001", f"{name}='{value[:60]}' refers outside the SVG", fix))
            elif name == "style" and CSS_REMOTE.search(value):
                problems.append(Problem(shown, line, column, "SVG001", "style loads a remote resource in an SVG", fix))
    for match in re.finditer(r"<style\b[^>]*>(.*?)</style>", text, re.S | re.I):
        for remote in CSS_REMOTE.finditer(match.group(1)):
            line, column = LineIndex(text).position(match.start(1) + remote.start())
            problems.append(Problem(shown, line + 1, column, "SVG001", "style loads a remote resource in an SVG", fix))
    return problems


def css_problems(path: Path, shown: str) -> list[Problem]:
    """A stylesheet loads nothing from another host (@import, url()) and runs nothing."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [Problem(shown, 1, 1, "ENC001", "file is not valid UTF-8", "re-save the stylesheet with UTF-8 encoding")]
    blanked = CSS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    index = LineIndex(text)
    problems = []
    for match in CSS_REMOTE.finditer(blanked):
        line, column = index.position(match.start())
        problems.append(Problem(shown, line + 1, column, "CSS001", f"'{match.group(0).strip()}' loads or runs something from outside the site",
                                "save fonts and images under docs/assets/ and refer to them relatively; no expression() or javascript:"))
    return problems


def run_check(base: str | None = None, today: dt.date | None = None) -> list[Problem]:
    problems = Checker(today=today).run()
    if base:
        from .versioning import check_version_bumps

        problems += check_version_bumps(base)
    return sorted(set(problems))

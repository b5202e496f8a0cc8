"""The render-time guard: a page whose HTML the allow-list would change does not build.

The last postprocessor of every page compares the finished HTML with what nh3
(Rust's ammonia sanitizer) keeps of it under scripts/allowlist.py. Any tag,
attribute, URL or style the sanitizer would remove is a warning, which fails
`mkdocs build --strict` (and is reported by Zensical), naming the source file
and the line it came from. The check runs on the HTML itself, so it does not
matter how the author wrote it: raw HTML, attr_list, an entity-encoded scheme
or a reference-style image all end up as the same tags.

The guide's own extensions emit only allowed markup, except the FAQ's JSON-LD
`<script>`: an extension that must emit something outside the allow-list hands
it to `trust()`, which stores it in Python-Markdown's raw-HTML stash and tells
the guard its exact text. Nothing an author writes can reach that list.

A page that fails is also written out sanitized, so even a non-strict preview
never serves the markup.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser
from pathlib import Path

import nh3
from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .. import allowlist, sources
from . import log, rendered_page

TRUSTED = "guide_trusted_html"  # attribute on the Markdown instance: exact HTML fragments the guide generated
SOURCE = "guide_guard_source"  # attribute on the Markdown instance: the page's Markdown lines, for line numbers
TREE_DONE = "guide_guard_tree_done"  # attribute on the Markdown instance: the page's tree is final
REPORTED = "guide_guard_reported"  # attribute on the Markdown instance: front-matter messages already given


def trust(md: Markdown, fragment: str) -> str:
    """Store generated HTML the allow-list would refuse; returns the stash placeholder to put in the tree."""
    if not hasattr(md, TRUSTED):
        setattr(md, TRUSTED, [])
    getattr(md, TRUSTED).append(fragment)
    return md.htmlStash.store(fragment)


class _Tokens(HTMLParser):
    """Start tags with their attributes, and text, entities decoded the way a browser decodes them.

    End tags and comments are left out: the sanitizer's parser closes what an author left open,
    which changes no tag, attribute or text a reader gets.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str]]]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, [(name, value or "") for name, value in attrs]))
        self.texts.append("\x00")  # text on either side of a tag stays apart

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.texts.append(data)


def tokens(text: str) -> tuple[list[tuple[str, list[tuple[str, str]]]], str]:
    parser = _Tokens()
    parser.feed(text)
    parser.close()
    return parser.tags, "".join(parser.texts)


START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s\"'<>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>")
END_TAG = re.compile(r"</[a-zA-Z][a-zA-Z0-9-]*\s*>")
ATTRIBUTE = re.compile(r"([^\s\"'<>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
UNUSUAL = re.compile(r"<[!?]|<script|<style|<textarea|<title|<xmp|<plaintext|<noscript|<iframe|<noembed|<noframes", re.I)


def quick_tokens(text: str):
    """Start tags (with decoded attributes) and decoded text, by regular expression: for well-formed HTML only.

    Python-Markdown's output and nh3's are both well formed. Anything unusual (comments, CDATA,
    processing instructions, raw-text elements) goes to the HTML parser instead, so a construct a
    browser reads differently from these expressions can never make two different pages look alike.
    """
    tags, texts, position = [], [], 0
    for match in START_TAG.finditer(text):
        texts.append(text[position:match.start()])
        attrs = [(m.group(1).lower(), html_lib.unescape(next((v for v in m.groups()[1:] if v is not None), "")))
                 for m in ATTRIBUTE.finditer(match.group(2))]
        tags.append((match.group(1).lower(), attrs))
        texts.append("\x00")
        position = match.end()
    texts.append(text[position:])
    return tags, html_lib.unescape(END_TAG.sub("", "".join(texts)))


def differences(text: str) -> tuple[list[tuple[str, str, str, allowlist.Finding]], str]:
    """(tag, attribute, value, finding) for everything nh3 would change in `text`, and nh3's output."""
    cleaned = nh3.clean(text, **allowlist.nh3_arguments())
    if cleaned == text:
        return [], cleaned
    if not UNUSUAL.search(text) and "<" not in END_TAG.sub("", START_TAG.sub("", text)) \
            and quick_tokens(text) == quick_tokens(cleaned):
        return [], cleaned  # the same page, serialised differently ('<hr />' and '<hr>', '&#160;' and '&nbsp;')
    (before, text_before), (after, text_after) = tokens(text), tokens(cleaned)
    if before == after and text_before == text_after:
        return [], cleaned  # the same page, serialised differently ('<hr />' and '<hr>', '&#160;' and '&nbsp;')
    found = []
    i = j = 0
    while i < len(before):
        tag, attrs = before[i]
        if j < len(after) and after[j][0] == tag:
            kept = dict(after[j][1])
            seen: set[str] = set()
            for name, value in attrs:
                if name in kept and kept[name] == value and name not in seen:
                    seen.add(name)
                    continue
                finding = allowlist.attribute_finding(tag, name, value) if name not in seen else None
                found.append((tag, name, value, finding or allowlist.Finding(
                    "GUARD001", f"the sanitizer removes '{name}' from <{tag}>" + (" (given twice)" if name in seen else ""),
                    "remove the attribute; allowed ones are listed in scripts/allowlist.py")))
            i, j = i + 1, j + 1
        elif allowlist.tag_finding(tag):
            found.append((tag, "", "", allowlist.tag_finding(tag)))
            i += 1
        elif j < len(after) and i + 1 < len(before) and before[i + 1][0] == after[j][0]:
            found.append((tag, "", "", allowlist.Finding("GUARD001", f"the sanitizer removes this <{tag}>",
                                                           "check the HTML around it is well formed")))
            i += 1
        elif j < len(after):
            j += 1  # a tag the sanitizer's HTML parser inserted (an implied <tbody>): not the author's
        else:
            found.append((tag, "", "", allowlist.Finding("GUARD001", f"the sanitizer removes this <{tag}>",
                                                           "check the HTML around it is well formed")))
            i += 1
    if not found:  # the text differs in a way the tags do not show (an unclosed comment, say): still refuse it
        found.append(("", "", "", allowlist.Finding("GUARD001", "the sanitizer changes this page's HTML",
                                                    "look for a malformed tag or comment")))
    return found, cleaned


def locate(lines: list[str], needles: list[str], used: set[tuple[int, int]]) -> tuple[int, int]:
    """The first unused (line index, column) where a needle occurs, as written or with entities decoded."""
    for needle in (n.lower() for n in needles if n):
        for index, line in enumerate(lines):
            for form in (line.lower(), html_lib.unescape(line).lower()):
                column = form.find(needle)
                while column >= 0 and (index, column) in used:
                    column = form.find(needle, column + 1)
                if column >= 0:
                    used.add((index, column))
                    return index, column
    return 0, 0


class SourcePreprocessor(Preprocessor):
    """Runs first: keeps the page's Markdown lines and starts a fresh list of trusted fragments."""

    def run(self, lines: list[str]) -> list[str]:
        setattr(self.md, SOURCE, list(lines))
        setattr(self.md, TRUSTED, [])
        setattr(self.md, TREE_DONE, False)
        return lines


class TreeDoneTreeprocessor(Treeprocessor):
    """Runs after every other tree processor. Before it, postprocessors only see fragments: toc runs them on
    each heading's text, which is part of the page the guard audits afterwards."""

    def run(self, root) -> None:
        setattr(self.md, TREE_DONE, True)


class GuardPostprocessor(Postprocessor):
    def __init__(self, md: Markdown, docs: Path):
        super().__init__(md)
        self.docs = docs

    def source_file(self) -> Path | None:
        relpath = self.md.treeprocessors["relpath"] if "relpath" in self.md.treeprocessors else None
        path = getattr(getattr(relpath, "file", None), "abs_src_path", None)  # MkDocs
        if path:
            return Path(path)
        page = rendered_page(self.md)  # Zensical: docs-relative
        return self.docs / page if page else None

    def run(self, text: str) -> str:
        if not getattr(self.md, TREE_DONE, True):
            return text  # a heading's text, rendered by toc for the table of contents: audited with the page
        trusted = getattr(self.md, TRUSTED, [])
        keys = [f"GUIDETRUSTEDBLOCK{index}X" for index in range(len(trusted))]
        audited = text
        for key, fragment in zip(keys, trusted):
            audited = audited.replace(fragment, key, 1)
        self.check_front_matter()
        found, cleaned = differences(audited)
        if not found:
            return text
        self.report(found)
        for key, fragment in zip(keys, trusted):
            cleaned = cleaned.replace(key, fragment, 1)
        return cleaned

    def check_front_matter(self) -> None:
        """Markup in the front matter the templates print: they escape it, and the build still refuses it."""
        path = self.source_file()
        try:
            page = sources.load_page(path) if path is not None else None
        except (sources.SourceError, OSError):
            return  # unreadable front matter is the content check's business (and the generator's own error)
        converted = "\n".join(getattr(self.md, SOURCE, [])).strip("\n")
        if page is None or not converted or not page.body.replace("\r\n", "\n").rstrip("\n").endswith(converted):
            return  # a fragment (Zensical also converts titles with the page's Markdown): the page itself reports
        reported = getattr(self.md, REPORTED, set())
        setattr(self.md, REPORTED, reported)
        for problem in sources.markup_problems(page):
            # Zensical converts a page many times with one Markdown instance (MkDocs makes one per page and build).
            if str(problem) not in reported:
                reported.add(str(problem))
                log.warning(str(problem))

    def report(self, found) -> None:
        lines = getattr(self.md, SOURCE, [])
        path = self.source_file()
        shown, offset = "(page)", 0
        if path is not None:
            shown = sources.display_path(path)
            try:
                whole = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
                start = whole.rfind("\n".join(lines).strip("\n")) if lines else -1
                offset = whole.count("\n", 0, start) if start >= 0 else 0
            except OSError:
                pass
        used: set[tuple[int, int]] = set()
        for tag, name, value, finding in found:
            needles = [value if len(value) >= 3 else "", f"{name}=" if name else "", f"<{tag}" if tag else ""]
            index, column = locate(lines, needles, used) if name or tag else (0, 0)
            problem = sources.Problem(shown, offset + index + 1, column + 1, finding.code,
                                      f"rendered HTML: {finding.message}", finding.fix)
            log.warning(str(problem))


class GuardExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"docs_dir": [str(sources.DOCS), "the docs folder, to name the source file under Zensical"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(SourcePreprocessor(md), "guide_guard_source", 1000)
        md.treeprocessors.register(TreeDoneTreeprocessor(md), "guide_guard_tree_done", -1000)
        # Last of all (raw HTML is restored at 30, '&' markers at 20): the HTML exactly as it will be published.
        md.postprocessors.register(GuardPostprocessor(md, Path(self.getConfig("docs_dir"))), "guide_guard", 0)


def makeExtension(**kwargs):  # noqa: N802
    return GuardExtension(**kwargs)

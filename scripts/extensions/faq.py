"""FAQPage structured data for the FAQ, built from the page's own questions and answers.

A line holding only `[FAQ-STRUCTURED-DATA]` makes every `##` heading a question
and the text up to the next `##` its answer, in a schema.org FAQPage JSON-LD
block. Search engines then see the same words readers see; nothing is typed twice.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .guard import trust

MARKER = "[FAQ-STRUCTURED-DATA]"
SKIPPED = {"sup", "script", "style"}  # citation numbers are not part of an answer


def plain_text(element: etree.Element) -> str:
    parts: list[str] = []

    def walk(node: etree.Element) -> None:
        if node.tag not in SKIPPED:
            parts.append(node.text or "")
            for child in node:
                walk(child)
        parts.append(node.tail or "")

    walk(element)
    parts[-1] = ""  # the element's own tail belongs to its parent
    text = " ".join("".join(parts).split())
    return re.sub(r"\s+([.,;:!?])", r"\1", text)  # a removed citation number leaves a gap before punctuation


def faq_entries(root: etree.Element) -> list[tuple[str, str]]:
    entries: list[tuple[str, list[str]]] = []
    for child in root:
        if child.tag == "h2":
            entries.append((plain_text(child), []))
        elif child.tag == "h1" or (entries and child.tag == "div" and "footnote" in child.get("class", "")):
            continue
        elif entries and child.tag in ("p", "ul", "ol"):
            entries[-1][1].append(plain_text(child))
    return [(question, " ".join(answer)) for question, answer in entries if answer and question != "References"]


class FaqTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        markers = [child for child in root if child.tag == "p" and (child.text or "").strip() == MARKER and len(child) == 0]
        if not markers:
            return
        for marker in markers:
            root.remove(marker)
        data = {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {"@type": "Question", "name": question, "acceptedAnswer": {"@type": "Answer", "text": answer}}
                for question, answer in faq_entries(root)
            ],
        }
        # "</" cannot end the script early once escaped; JSON reads "<\/" as "</".
        script = '<script type="application/ld+json">' + json.dumps(data, ensure_ascii=False).replace("</", "<\\/") + "</script>"
        # A <script> is outside the allow-list: the guard accepts this exact block because the extension made it.
        etree.SubElement(root, "p").text = trust(self.md, script)


class FaqExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After inline processing (20), so answers are final text; before the glossary's tooltips (7).
        md.treeprocessors.register(FaqTreeprocessor(md), "guide_faq", 8)


def makeExtension(**kwargs):  # noqa: N802
    return FaqExtension(**kwargs)

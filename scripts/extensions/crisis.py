"""Crisis help at the top of every page, from data/crisis.yaml.

The box is plain HTML with `tel:` and `sms:` links, so it works without
JavaScript; it is never collapsed and is excluded from search so that "988"
does not match every page. A line holding only `[CRISIS-SERVICES]` (the
"Get help now" page) becomes the full list with each service's details.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from functools import lru_cache
from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .. import sources
from . import _mtime, DocsLinks, log

MARKER = "[CRISIS-SERVICES]"
GET_HELP_PAGE = "/get-help.md"  # docs-relative; DocsLinks makes it relative to each page


@lru_cache(maxsize=4)
def _load_once(path: Path, _mtime_key: float) -> sources.CrisisData | None:
    data, problems = sources.load_crisis(path)
    for problem in problems:
        log.warning(str(problem))
    return data


def _load(path: Path) -> sources.CrisisData | None:
    """Parsed once per change of the file, not once per page."""
    return _load_once(path, _mtime(path))


def _links(parent: etree.Element, service: sources.Service) -> None:
    for index, action in enumerate(service.actions):
        if index:
            parent[-1].tail = " or "
        link = etree.SubElement(parent, "a", {"href": action.href})
        link.text = action.label


def crisis_box(data: sources.CrisisData) -> etree.Element:
    """The compact box shown on every page: one line per region."""
    box = etree.Element("aside", {"class": "crisis", "aria-labelledby": "crisis-heading", "data-search-exclude": ""})
    heading = etree.SubElement(box, "p", {"class": "crisis__heading", "id": "crisis-heading"})
    strong = etree.SubElement(heading, "strong")
    strong.text = data.heading
    strong.tail = " You are not alone, and help works. "
    more = etree.SubElement(heading, "a", {"href": GET_HELP_PAGE})
    more.text = "All crisis and support services"
    regions = etree.SubElement(box, "ul", {"class": "crisis__regions"})
    for region in data.regions:
        item = etree.SubElement(regions, "li")
        name = etree.SubElement(item, "span", {"class": "crisis__region"})
        name.text = region.name + ":"
        name.tail = " "
        for index, service in enumerate(region.services):
            group = etree.SubElement(item, "span", {"class": "crisis__service"})
            if len(region.services) > 1 or service.name != "Emergency":
                label = etree.SubElement(group, "span", {"class": "crisis__name"})
                label.text = service.name
                label.tail = " "
            _links(group, service)
            if index < len(region.services) - 1:
                group.tail = " · "
    return box


def services_list(data: sources.CrisisData) -> list[etree.Element]:
    """The full list for the Get help page: a heading per region, a line per service."""
    elements = []
    for region in data.regions:
        heading = etree.Element("h2")
        heading.text = region.name
        elements.append(heading)
        items = etree.Element("ul", {"class": "crisis-services"})
        for service in region.services:
            item = etree.SubElement(items, "li")
            name = etree.SubElement(item, "strong")
            name.text = service.name
            name.tail = f" {service.detail} " if service.detail else " "
            _links(item, service)
        elements.append(items)
    checked = etree.Element("p")
    checked.text = f"These numbers were last checked on {data.checked}."
    elements.append(checked)
    return elements


class CrisisTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, path: Path):
        super().__init__(md)
        self.path = path

    def run(self, root: etree.Element) -> None:
        data = _load(self.path)
        if data is None:
            return
        for index, child in enumerate(list(root)):
            if child.tag == "p" and (child.text or "").strip() == MARKER and len(child) == 0:
                root.remove(child)
                for offset, element in enumerate(services_list(data)):
                    root.insert(index + offset, element)
                break
        root.insert(0, crisis_box(data))


class CrisisExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"services": [str(sources.CRISIS), "crisis services data file"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After abbr (7), so no tooltips inside the box; before toc (5), so the Get help headings get anchors.
        md.treeprocessors.register(CrisisTreeprocessor(md, Path(self.getConfig("services"))), "guide_crisis", 6)
        DocsLinks.register(md)


def makeExtension(**kwargs):  # noqa: N802
    return CrisisExtension(**kwargs)

"""The guide's sources of truth, loaded and validated in one place.

Four kinds of data feed every page: the bibliography (CSL-YAML), the glossary,
the crisis services and each page's front matter. The Markdown extensions and
the content check both load them through this module, so a rule is written
once and a mistake is reported once, as a `Problem` naming file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DOCS = ROOT / "docs"
BIBLIOGRAPHY = DATA / "references.yaml"
GLOSSARY = DATA / "glossary.yaml"
CRISIS = DATA / "crisis.yaml"
EDITIONS = DATA / "editions.yaml"
# Every message ends with a link to its rule in CONTRIBUTING.md's catalogue (one anchor per code).
RULES_URL = "https://github.com/open-ketamine-guide/guide/blob/main/CONTRIBUTING.md#"
REVIEWERS = DATA / "reviewers.yaml"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, printed as `path:line:column: CODE message (fix)`."""

    path: str
    line: int
    column: int
    code: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        fix = f" ({self.fix})" if self.fix else ""
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}{fix} {self.link}"

    @property
    def link(self) -> str:
        return RULES_URL + self.code.lower()


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'chu2008'?)' when a choice is close to `word`, else ''."""
    import difflib

    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


class SourceError(Exception):
    """Raised when a data file cannot be used at all; carries the problems found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def display_path(path: Path) -> str:
    """Paths in messages are relative to the project root, as maintainers see them."""
    return _display_path(str(path))


@lru_cache(maxsize=4096)
def _display_path(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return path


# --- YAML with line numbers ---------------------------------------------------


class LineDict(dict):
    """A mapping that remembers the line it started on (1-based), and where each value starts."""

    line: int = 1
    value_positions: dict = {}  # key -> (line, column), 1-based; empty for mappings not read from a file


class LineList(list):
    line: int = 1


class _Constructing:
    line_offset = 0  # lines in the file before the YAML text (front matter starts on line 2)

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ArithmeticError, LookupError, TypeError, ValueError) as error:
            # A tag its value cannot satisfy ('!!int abc', '!!bool ') is a YAML mistake at that node, not a crash.
            raise yaml.constructor.ConstructorError(None, None, f"{node.tag} value: {error}", node.start_mark) from None


class _LineLoader(_Constructing, yaml.SafeLoader):
    pass


def _file_line(text: str, mark) -> int:
    """A mark's 0-based line counting '\\n' only: YAML also breaks lines at NEL, LS and PS (U+0085, U+2028,
    U+2029), which editors, Python-Markdown and this check's body lines do not."""
    return text.count("\n", 0, mark.index)


class DuplicateKeyError(yaml.YAMLError):
    """A key given twice in one mapping: YAML keeps the last silently, so the first is lost."""

    def __init__(self, key: str, first, second):
        super().__init__(f"duplicate key '{key}'")
        self.problem = f"'{key}' is given twice (first on line {first})"
        self.problem_mark = second


def _construct_mapping(loader, node):
    seen: dict = {}
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value in seen and key_node.tag != "tag:yaml.org,2002:merge":
                first = _mark_line(loader, seen[key_node.value]) + 1 + loader.line_offset
                raise DuplicateKeyError(key_node.value, first, key_node.start_mark)
            seen[key_node.value] = key_node.start_mark
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = _mark_line(loader, node.start_mark) + 1 + loader.line_offset
    mapping.value_positions = {
        key.value: (_mark_line(loader, value.start_mark) + 1 + loader.line_offset, value.start_mark.column + 1)
        for key, value in node.value if isinstance(key, yaml.ScalarNode)
    }
    return mapping


def _construct_sequence(loader, node):
    sequence = LineList(loader.construct_sequence(node, deep=True))
    sequence.line = _mark_line(loader, node.start_mark) + 1 + loader.line_offset
    return sequence


def _construct_timestamp_as_text(loader, node):
    # Dates stay text until validated, so "2026-13-01" is reported, not a crash.
    return loader.construct_scalar(node)


def _mark_line(loader, mark) -> int:
    buffer = getattr(loader, "buffer", None)  # the pure-Python reader keeps the text; libyaml counts lines itself
    return _file_line(buffer, mark) if isinstance(buffer, str) else mark.line


# libyaml, where installed, parses ten times faster (a thousand pages' front matter is most of the check's time).
# Its marks count NEL, LS, PS and a lone CR as line breaks, which editors do not: text holding any of them, and
# every syntax error or duplicate key, goes through the pure-Python loader, so reported lines stay exact.
_FastLineLoader = type("_FastLineLoader", (_Constructing, getattr(yaml, "CSafeLoader", yaml.SafeLoader)), {})
for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


_LIBYAML = getattr(yaml, "__with_libyaml__", False)
_OTHER_LINE_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _load_yaml_fast(text: str, first_line: int) -> tuple[bool, Any]:
    """(True, data) when libyaml parsed `text` with exact lines; (False, None) to use the pure-Python loader."""
    if not _LIBYAML or _OTHER_LINE_BREAKS.search(text):
        return False, None
    loader = type("_OffsetFastLineLoader", (_FastLineLoader,), {"line_offset": first_line - 1})
    try:
        return True, yaml.load(text, Loader=loader)  # noqa: S506 - CSafeLoader subclass
    except (yaml.YAMLError, RecursionError):
        return False, None


def load_yaml(text: str, path: str, first_line: int = 1) -> Any:
    """Parse YAML, turning syntax errors into a SourceError at the right line."""
    parsed, data = _load_yaml_fast(text, first_line)
    if parsed:
        return data
    loader = type("_OffsetLineLoader", (_LineLoader,), {"line_offset": first_line - 1})
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + (_file_line(text, mark) if mark else 0)
        column = (mark.index - text.rfind("\n", 0, mark.index)) if mark else 1
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        if isinstance(error, DuplicateKeyError):
            raise SourceError([Problem(path, line, column, "YAML002", f"duplicate key: {reason}",
                                       "keep one of the two; YAML would silently use the last")]) from None
        curly = _curly_quote_line(text, _file_line(text, mark) if mark else 0)
        if curly is not None:
            raise SourceError([Problem(path, first_line + curly[0], curly[1], "YAML003",
                                       "curly quotes (\u201c \u201d \u2018 \u2019) around a YAML value",
                                       "use straight quotes \" or ', or none")]) from None
        raise SourceError([Problem(path, line, column, "YAML001", f"invalid YAML: {reason}",
                                   "check indentation, colons and quotes on this line")]) from None
    except RecursionError:
        raise SourceError([Problem(path, first_line, 1, "YAML001", "invalid YAML: nested too deeply",
                                   "flatten the nested lists and mappings")]) from None


CURLY_VALUE = re.compile(r"^\s*(?:- )?[\w-]+\s*:\s*([\u201c\u201d\u2018\u2019\u00ab\u00bb])")


def _curly_quote_line(text: str, near: int) -> tuple[int, int] | None:
    """(0-based line, column) of a value opened with a curly quote, at or before line `near` (a parser error's line)."""
    lines = text.split("\n")
    for index in range(min(near, len(lines) - 1), -1, -1):
        match = CURLY_VALUE.match(lines[index])
        if match:
            return index, match.start(1) + 1
    return None


def curly_quoted_values(text: str, first_line: int) -> list[tuple[int, int]]:
    """(line, column) of every value opened with a curly quote: YAML reads them as part of the text."""
    found = []
    for index, line in enumerate(text.split("\n")):
        match = CURLY_VALUE.match(line)
        if match:
            found.append((first_line + index, match.start(1) + 1))
    return found


def curly_quote_problems(text: str, shown: str) -> list[Problem]:
    return [Problem(shown, line, column, "YAML003", "curly quotes (\u201c \u201d \u2018 \u2019) around a YAML value "
                    "would be shown as part of the text", "use straight quotes \" or ', or none")
            for line, column in curly_quoted_values(text, 1)]


def field_line(lines: list[str], start: int, name: str) -> int:
    """The 1-based line of `name:` inside the record starting on line `start`, else `start`."""
    pattern = re.compile(rf"^\s*(?:- )?{re.escape(name)}\s*:")
    for index in range(start - 1, len(lines)):
        if index > start - 1 and lines[index].startswith("- "):
            break
        if pattern.match(lines[index]):
            return index + 1
    return start


def read_text(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise SourceError([Problem(display_path(path), line, 1, "ENC001", "file is not valid UTF-8",
                                   "re-save the file with UTF-8 encoding")]) from None
    except FileNotFoundError:
        raise SourceError([Problem(display_path(path), 1, 1, "FILE001", "file not found",
                                   "restore the file or fix the path in mkdocs.yml")]) from None
    # A UTF-8 byte order mark (Windows editors) is not content; MkDocs drops it too.
    return text.removeprefix("\ufeff")


# --- Bibliography (CSL-YAML) --------------------------------------------------

CSL_TYPES = {"article-journal", "article-newspaper", "report", "webpage", "book", "chapter", "document"}
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = re.compile(r"^[1-9]\d{0,8}$")
ID = re.compile(r"^[a-z][a-z0-9]*[a-z0-9]$")


@dataclass(frozen=True)
class Reference:
    id: str
    line: int
    authors: tuple[str, ...]
    title: str
    container: str
    year: int
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None

    def author_text(self) -> str:
        names = [a for a in self.authors if a != "et al."]
        truncated = len(names) < len(self.authors) or len(names) > 3
        shown = ", ".join(names[:3])
        return f"{shown}, et al." if truncated else f"{shown}."

    def source_text(self) -> str:
        """Journal, year and location in Vancouver style: 'Journal. 2013;170(10):1134-1142.'"""
        text = f"{self.container}. {self.year}"
        if self.volume:
            text += f";{self.volume}"
            if self.issue:
                text += f"({self.issue})"
            if self.page:
                text += f":{self.page}"
        return text + "."


def _author_name(author: Any) -> str:
    if not isinstance(author, dict):
        return ""
    if "literal" in author:
        return str(author["literal"])
    name = f"{author.get('family', '')} {author.get('given', '')}".strip()
    return f"{name} {author['suffix']}" if author.get("suffix") else name


def load_bibliography(path: Path = BIBLIOGRAPHY) -> tuple[dict[str, Reference], list[Problem]]:
    """Load and validate the CSL-YAML bibliography. Returns the usable entries and every problem found."""
    shown = display_path(path)
    problems: list[Problem] = []
    try:
        text = read_text(path)
        records = load_yaml(text, shown)
    except SourceError as error:
        return {}, error.problems
    lines = text.split("\n")
    problems += curly_quote_problems(text, shown)
    if not isinstance(records, list):
        return {}, [Problem(shown, 1, 1, "BIB001", "the bibliography must be a YAML list of CSL records",
                            "start each record with '- id: key'")]
    references: dict[str, Reference] = {}
    dois: dict[str, tuple[str, int]] = {}
    this_year = dt.date.today().year
    for record in records:
        line = getattr(record, "line", 1)

        def at(name: str, start: int = line) -> int:
            return field_line(lines, start, name)

        if not isinstance(record, dict):
            problems.append(Problem(shown, line, 1, "BIB001", "a record is not a mapping", "start it with '- id: key'"))
            continue
        key = record.get("id")
        if not isinstance(key, str) or not ID.match(key):
            problems.append(Problem(shown, line, 1, "BIB002", f"record id {key!r} is missing or malformed",
                                    "use lower-case letters and digits, e.g. 'murrough2013b'"))
            continue
        if key in references:
            problems.append(Problem(shown, line, 1, "BIB003", f"duplicate id '{key}' (first on line {references[key].line})",
                                    "give each record a unique id"))
            continue
        missing = [f for f in ("type", "title", "author", "container-title", "issued") if not record.get(f)]
        if missing:
            problems.append(Problem(shown, line, 1, "BIB004", f"'{key}' lacks required field(s): {', '.join(missing)}",
                                    "add them from the publisher's page"))
            continue
        if not isinstance(record["type"], str) or record["type"] not in CSL_TYPES:
            problems.append(Problem(shown, at("type"), 1, "BIB005", f"'{key}' has unknown CSL type '{record['type']}'",
                                    f"use one of: {', '.join(sorted(CSL_TYPES))}"))
        try:
            year = int(record["issued"]["date-parts"][0][0])
        except (KeyError, IndexError, TypeError, ValueError, OverflowError):
            problems.append(Problem(shown, at("issued"), 1, "BIB006", f"'{key}' has a malformed 'issued' date",
                                    "write issued: {date-parts: [[2013]]}"))
            continue
        if not 1900 <= year <= this_year:
            problems.append(Problem(shown, at("issued"), 1, "BIB007", f"'{key}' has implausible year {year}",
                                    f"use a year between 1900 and {this_year}"))
        doi = record.get("DOI")
        if doi is not None and not DOI.match(str(doi)):
            problems.append(Problem(shown, at("DOI"), 1, "BIB008", f"'{key}' has a malformed DOI '{doi}'",
                                    "a DOI looks like 10.1176/appi.ajp.2013.13030392, without 'https://doi.org/'"))
        elif doi is not None:
            normal = str(doi).lower()
            if normal in dois:
                problems.append(Problem(shown, at("DOI"), 1, "BIB012",
                                        f"'{key}' has the same DOI as '{dois[normal][0]}' (line {dois[normal][1]})",
                                        "one work, one record: cite the existing key and remove this record"))
            else:
                dois[normal] = (key, line)
        pmid = record.get("PMID")
        if pmid is not None and not PMID.match(str(pmid)):
            problems.append(Problem(shown, at("PMID"), 1, "BIB009", f"'{key}' has a malformed PMID '{pmid}'",
                                    "a PMID is 1 to 9 digits, quoted, e.g. '23982301'"))
        url = record.get("URL")
        if url is not None and not str(url).startswith("https://"):
            problems.append(Problem(shown, at("URL"), 1, "BIB010", f"'{key}' URL must start with https://", "use the https address"))
        if not isinstance(record["author"], list) or not all(_author_name(a) for a in record["author"]):
            problems.append(Problem(shown, at("author"), 1, "BIB011", f"'{key}' has a malformed author list",
                                    "each author is {family: ..., given: ...} or {literal: ...}"))
            continue
        references[key] = Reference(
            id=key, line=line, authors=tuple(_author_name(a) for a in record["author"]),
            title=str(record["title"]), container=str(record["container-title"]), year=year,
            volume=_text(record.get("volume")), issue=_text(record.get("issue")), page=_text(record.get("page")),
            doi=_text(doi), pmid=_text(pmid), url=_text(url),
        )
    return references, problems


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


# --- Glossary -----------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    match: tuple[str, ...]
    line: int

    @property
    def anchor(self) -> str:
        return slugify(self.term)


def slugify(text: str) -> str:
    """The same slugs Python-Markdown's toc extension gives headings."""
    from markdown.extensions.toc import slugify as toc_slugify

    return toc_slugify(text, "-")


def match_variants(text: str) -> set[str]:
    """A phrase matches with its first letter in either case, except acronyms ('MADRS', 'rTMS')."""
    variants = {text}
    is_acronym = sum(c.isupper() for c in text[:2]) == 2 or any(c.isupper() for c in text[1:].split(" ")[0])
    if text and not is_acronym:
        variants |= {text[0].upper() + text[1:], text[0].lower() + text[1:]}
    return variants


GLOSSARY_FIELDS = ("term", "match", "definition")


def load_glossary(path: Path = GLOSSARY) -> tuple[list[Term], list[Problem]]:
    shown = display_path(path)
    try:
        text = read_text(path)
        entries = load_yaml(text, shown)
    except SourceError as error:
        return [], error.problems
    lines = text.split("\n")
    problems: list[Problem] = curly_quote_problems(text, shown)
    if not isinstance(entries, list):
        return [], [Problem(shown, 1, 1, "GLO001", "the glossary must be a YAML list", "start each entry with '- term: ...'")]
    terms: list[Term] = []
    seen_terms: dict[str, int] = {}
    seen_matches: dict[str, tuple[str, int]] = {}
    for entry in entries:
        line = getattr(entry, "line", 1)
        unknown = [name for name in entry if name not in GLOSSARY_FIELDS] if isinstance(entry, dict) else []
        if unknown:  # 'defintion:' is one mistake: say which field, not also that the definition is missing
            for name in unknown:
                problems.append(Problem(shown, field_line(lines, line, str(name)), 1, "GLO007",
                                        f"unknown glossary field '{name}'{did_you_mean(name, GLOSSARY_FIELDS)}",
                                        f"use only: {', '.join(GLOSSARY_FIELDS)}"))
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("term"), str) or not isinstance(entry.get("definition"), str):
            problems.append(Problem(shown, line, 1, "GLO002", "entry needs 'term' and 'definition' as text",
                                    "write '- term: Name' and '  definition: One plain sentence.'"))
            continue
        name = entry["term"].strip()
        if name.lower() in seen_terms:
            problems.append(Problem(shown, line, 1, "GLO003", f"duplicate glossary term '{name}' (first on line {seen_terms[name.lower()]})",
                                    "merge the two entries"))
            continue
        seen_terms[name.lower()] = line
        match = entry.get("match", [name])
        if not isinstance(match, list) or not match or not all(isinstance(m, str) and m.strip() for m in match):
            problems.append(Problem(shown, field_line(lines, line, "match"), 1, "GLO004", f"'{name}': match must be a non-empty list of phrases",
                                    "write match: [phrase, plural phrase]"))
            continue
        for phrase in match:
            variants = sorted(match_variants(phrase.strip()))
            # One report per clashing phrase, not one per case variant of it.
            owner = next((seen_matches[v] for v in variants if v in seen_matches and seen_matches[v][0] != name), None)
            if owner:
                problems.append(Problem(shown, line, 1, "GLO005",
                                        f"'{phrase.strip()}' is matched by both '{owner[0]}' (line {owner[1]}) and '{name}'",
                                        "keep the phrase under one term only"))
            for variant in variants:
                seen_matches.setdefault(variant, (name, line))
        if len(entry["definition"].split()) > 45:
            problems.append(Problem(shown, line, 1, "GLO006", f"'{name}': definition is over 45 words",
                                    "keep it to one or two plain sentences"))
        terms.append(Term(name, " ".join(entry["definition"].split()), tuple(m.strip() for m in match), line))
    return terms, problems


# --- Crisis services ----------------------------------------------------------

ACTION_KINDS = {"call": "tel:", "text": "sms:", "web": "https://"}


@dataclass(frozen=True)
class Action:
    kind: str
    label: str
    target: str

    @property
    def href(self) -> str:
        if self.kind == "call":
            return "tel:" + re.sub(r"[^\d+]", "", self.target)
        if self.kind == "text":
            number, _, body = self.target.partition(" ")
            return f"sms:{number}" + (f"?body={body}" if body else "")
        return self.target


@dataclass(frozen=True)
class Service:
    name: str
    detail: str
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Region:
    name: str
    services: tuple[Service, ...]


@dataclass(frozen=True)
class CrisisData:
    checked: str
    heading: str
    regions: tuple[Region, ...]


def load_crisis(path: Path = CRISIS) -> tuple[CrisisData | None, list[Problem]]:
    shown = display_path(path)
    try:
        text = read_text(path)
        data = load_yaml(text, shown)
    except SourceError as error:
        return None, error.problems

    def bad(line: int, message: str, fix: str) -> tuple[None, list[Problem]]:
        return None, [Problem(shown, line, 1, "CRISIS001", message, fix)]

    if not isinstance(data, dict) or not isinstance(data.get("regions"), list) or not data.get("heading"):
        return bad(1, "crisis data needs 'heading', 'checked' and a list of 'regions'", "see the comment at the top of the file")
    checked = _parse_date(data.get("checked"))
    if checked is None:
        return bad(getattr(data, "line", 1), "'checked' must be the date the numbers were last verified (YYYY-MM-DD)",
                   "write checked: 2026-11-27")
    lines = text.split("\n")
    if checked > dt.date.today():
        return None, [Problem(shown, field_line(lines, 1, "checked"), 1, "CRISIS003", f"'checked' date {checked} is in the future",
                              "write the date the numbers were actually verified")]
    if not data["regions"]:
        return None, [Problem(shown, field_line(lines, 1, "regions"), 1, "CRISIS002",
                              "the list of regions is empty: the crisis box on every page would list no service",
                              "restore the regions and their services")]
    regions = []
    for region in data["regions"]:
        line = getattr(region, "line", 1)
        if not isinstance(region, dict) or not region.get("name") or not isinstance(region.get("services"), list):
            return bad(line, "each region needs 'name' and a list of 'services'", "copy the shape of the region above")
        services = []
        for service in region["services"]:
            sline = getattr(service, "line", line)
            if not isinstance(service, dict) or not service.get("name") or not isinstance(service.get("actions"), list):
                return bad(sline, "each service needs 'name' and a list of 'actions'", "copy the shape of the service above")
            actions = []
            for action in service["actions"]:
                aline = getattr(action, "line", sline)
                if not isinstance(action, dict) or not isinstance(action.get("kind"), str) or action.get("kind") not in ACTION_KINDS \
                        or not action.get("label") or not action.get("target"):
                    return bad(aline, "each action needs kind (call, text or web), label and target",
                               "e.g. {kind: call, label: Call 988, target: '988'}")
                target = str(action["target"])
                if action["kind"] == "web" and not target.startswith("https://"):
                    return bad(aline, f"web target '{target}' must start with https://", "use the https address")
                if action["kind"] == "web":
                    from .allowlist import url_finding

                    finding = url_finding("href", target)
                    if finding:
                        return None, [Problem(shown, aline, 1, finding.code, finding.message, finding.fix)]
                if action["kind"] in ("call", "text") and not re.fullmatch(r"\+?\d[\d ]*( [A-Z]+)?", target):
                    return bad(aline, f"'{target}' is not a phone number", "digits and spaces only; for texts add the keyword, e.g. '85258 SHOUT'")
                actions.append(Action(action["kind"], str(action["label"]), target))
            services.append(Service(str(service["name"]), str(service.get("detail", "")), tuple(actions)))
        regions.append(Region(str(region["name"]), tuple(services)))
    return CrisisData(checked.isoformat(), str(data["heading"]), tuple(regions)), []


# --- Published editions -------------------------------------------------------

EDITION = re.compile(r"^20\d\d\.(0[1-9]|1[0-2])(\.[1-9]\d*)?$")


def edition_key(version: str) -> tuple[int, ...]:
    """'2026.11.2' -> (2026, 11, 2), so editions sort by date, not as text."""
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class Edition:
    version: str
    date: dt.date
    summary: str
    line: int


def load_editions(path: Path = EDITIONS) -> tuple[list[Edition], list[Problem]]:
    """Editions are named YEAR.MONTH (a second release in a month adds .2), newest first."""
    shown = display_path(path)
    try:
        entries = load_yaml(read_text(path), shown) or []
    except SourceError as error:
        return [], error.problems
    if not isinstance(entries, list):
        return [], [Problem(shown, 1, 1, "ED001", "editions must be a YAML list", "start each entry with '- version: \"2026.11\"'")]
    editions, problems = [], []
    for entry in entries:
        line = getattr(entry, "line", 1)
        fix = "write version: \"2026.11\" (quoted), date: YYYY-MM-DD and summary: one line"
        if not isinstance(entry, dict) or not EDITION.match(str(entry.get("version", ""))) \
                or _parse_date(entry.get("date")) is None or not str(entry.get("summary") or "").strip():
            problems.append(Problem(shown, line, 1, "ED002", "edition needs version (YEAR.MONTH), date and summary", fix))
            continue
        if any(e.version == str(entry["version"]) for e in editions):
            problems.append(Problem(shown, line, 1, "ED003", f"edition {entry['version']} is listed twice", "keep one entry"))
            continue
        edition = Edition(str(entry["version"]), _parse_date(entry["date"]), str(entry["summary"]).strip(), line)
        if editions and (edition_key(edition.version) > edition_key(editions[-1].version) or edition.date > editions[-1].date):
            problems.append(Problem(shown, line, 1, "ED004", f"edition {edition.version} is newer than {editions[-1].version} above it",
                                    "list editions newest first, each dated on or before the one above"))
        editions.append(edition)
    return editions, problems


# --- Clinical reviewers -------------------------------------------------------

REVIEWER_ID = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")


@dataclass(frozen=True)
class Reviewer:
    id: str
    name: str
    role: str
    conflicts: str
    line: int
    url: str | None = None


def load_reviewers(path: Path = REVIEWERS) -> tuple[dict[str, Reviewer], list[Problem]]:
    """The clinicians who have reviewed pages; an empty list until one really has (schema: the file's comment)."""
    shown = display_path(path)
    if not path.exists():
        return {}, []  # no reviewer yet: every reviewed page is then an unknown reviewer (CLIN001)
    try:
        entries = load_yaml(read_text(path), shown) or []
    except SourceError as error:
        return {}, error.problems
    if not isinstance(entries, list):
        return {}, [Problem(shown, 1, 1, "RVW001", "reviewers must be a YAML list",
                            "start each reviewer with '- id: short-name', or leave the list empty: []")]
    reviewers: dict[str, Reviewer] = {}
    problems: list[Problem] = []
    for entry in entries:
        line = getattr(entry, "line", 1)
        fields = "each reviewer needs id, name, role and conflicts (and optionally url)"
        if not isinstance(entry, dict):
            problems.append(Problem(shown, line, 1, "RVW001", "a reviewer is not a mapping", fields))
            continue
        key = entry.get("id")
        if not isinstance(key, str) or not REVIEWER_ID.match(key):
            problems.append(Problem(shown, line, 1, "RVW002", f"reviewer id {key!r} is missing or malformed",
                                    "use lower-case letters, digits and hyphens, e.g. 'a-clinician'"))
            continue
        if key in reviewers:
            problems.append(Problem(shown, line, 1, "RVW002",
                                    f"duplicate reviewer id '{key}' (first on line {reviewers[key].line})",
                                    "give each reviewer one entry"))
            continue
        missing = [f for f in ("name", "role") if not isinstance(entry.get(f), str) or not entry[f].strip()]
        if missing:
            problems.append(Problem(shown, line, 1, "RVW003", f"reviewer '{key}' lacks {' and '.join(missing)}", fields))
            continue
        conflicts = entry.get("conflicts")
        if not isinstance(conflicts, str) or not conflicts.strip():
            problems.append(Problem(shown, line, 1, "RVW004", f"reviewer '{key}' has no conflicts of interest statement",
                                    "write conflicts: with the reviewer's own declaration, "
                                    "e.g. 'None declared.' if that is what they declared"))
            continue
        url = entry.get("url")
        if url is not None and not (isinstance(url, str) and url.startswith("https://")):
            problems.append(Problem(shown, line, 1, "RVW005", f"reviewer '{key}': url must start with https://",
                                    "link the reviewer's public registration or profile page over https"))
            continue
        reviewers[key] = Reviewer(key, entry["name"].strip(), entry["role"].strip(), " ".join(conflicts.split()), line, url)
    return reviewers, problems


def review_is_outdated(review: Any, page_version: Any) -> bool:
    """True when a page has changed since the version its clinical review covered."""
    if not isinstance(review, dict) or review.get("status") != "reviewed":
        return False
    reviewed, current = parse_version(str(review.get("version"))), parse_version(page_version)
    return bool(reviewed and current and current > reviewed)


# --- Page front matter --------------------------------------------------------

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.S)
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
REQUIRED_FIELDS = ("title", "description", "version", "last_reviewed", "next_review", "regulatory", "clinical_review", "changes")
KNOWN_FIELDS = set(REQUIRED_FIELDS) | {"search", "hide", "template", "status"}
MAX_DESCRIPTION = 160
MAX_TITLE = 70  # what search engines show, and what fits the header on a phone
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&#?\w+;")
REVIEW_CYCLE_DAYS = {True: 366, False: 3 * 365 + 1}  # regulatory pages yearly, others at most 3 years


@dataclass
class Page:
    path: Path
    meta: dict[str, Any]
    body: str
    body_first_line: int  # line number of the body's first line in the file
    field_lines: dict[str, int] = field(default_factory=dict)
    front_text: str = ""  # the front matter's YAML as written

    @property
    def shown(self) -> str:
        return display_path(self.path)

    @property
    def version(self) -> tuple[int, int, int] | None:
        return parse_version(self.meta.get("version"))


def parse_version(value: Any) -> tuple[int, int, int] | None:
    match = SEMVER.match(str(value)) if isinstance(value, str) else None
    return tuple(int(part) for part in match.groups()) if match else None  # type: ignore[return-value]


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def split_front_matter(text: str, shown: str) -> tuple[dict[str, Any], str, int, dict[str, int]]:
    """Return (meta, body, body_first_line, field_lines). Raises SourceError on malformed front matter."""
    match = FRONT_MATTER.match(text)
    if not match:
        raise SourceError([Problem(shown, 1, 1, "FM001", "page has no front matter",
                                   "start the file with '---', the fields (see CONTRIBUTING.md), and '---'")])
    meta = load_yaml(match.group(1) or "", shown, first_line=2) or {}
    if not isinstance(meta, dict):
        raise SourceError([Problem(shown, 2, 1, "FM002", "front matter must be 'field: value' lines", "see CONTRIBUTING.md")])
    field_lines = {}
    for number, line in enumerate((match.group(1) or "").split("\n"), start=2):  # not splitlines(): see _file_line
        name = line.split(":", 1)[0].rstrip().strip("'\"")  # 'version :' and '"version":' name the field too
        if line and not line[0].isspace() and ":" in line:
            field_lines.setdefault(name, number)
    body_first_line = text[: match.end()].count("\n") + 1
    return dict(meta), text[match.end():], body_first_line, field_lines


def load_page(path: Path) -> Page:
    text = read_text(path)
    meta, body, first, lines = split_front_matter(text, display_path(path))
    match = FRONT_MATTER.match(text)
    return Page(path, meta, body, first, lines, (match.group(1) or "") if match else "")


def markup_problems(page: Page) -> list[Problem]:
    """HTML in the front-matter text the templates print (title, description, reviewer, change summaries): shown as text."""
    meta = page.meta
    review = meta.get("clinical_review") if isinstance(meta.get("clinical_review"), dict) else {}
    texts = [("title", meta.get("title")), ("description", meta.get("description")),
             ("clinical_review", review.get("name")), ("clinical_review", review.get("role"))]
    changes = meta.get("changes") if isinstance(meta.get("changes"), list) else []  # anything else is FM011's
    texts += [("changes", c.get("summary")) for c in changes if isinstance(c, dict)]
    problems = []
    for name, value in texts:
        found = MARKUP.search(value) if isinstance(value, str) else None
        if found:
            problems.append(Problem(page.shown, page.field_lines.get(name, 1), 1, "FM016",
                                    f"HTML in the front matter's {name}: '{found.group(0)[:40]}' would be shown as text",
                                    "write plain text; front matter is printed escaped"))
    return problems


def validate_front_matter(page: Page, today: dt.date, reviewers: dict[str, Reviewer] | None = None) -> list[Problem]:
    """Check a page's metadata against the schema in CONTRIBUTING.md (reviewers: data/reviewers.yaml's, by default)."""
    problems: list[Problem] = []
    meta, shown = page.meta, page.shown

    def at(name: str) -> int:
        return page.field_lines.get(str(name), 1)

    def add(name: str, code: str, message: str, fix: str) -> None:
        problems.append(Problem(shown, at(name), 1, code, message, fix))

    unknown = [name for name in meta if name not in KNOWN_FIELDS]
    misspelt = {did_you_mean(name, REQUIRED_FIELDS).split("'")[1] for name in unknown if did_you_mean(name, REQUIRED_FIELDS)}
    for name in REQUIRED_FIELDS:
        if meta.get(name) in (None, "") and name not in misspelt:  # 'descripton:' is one mistake: FM004 says which
            add(name, "FM003", f"front matter lacks '{name}'", f"add '{name}:' (see CONTRIBUTING.md, 'Page metadata')")
    for name in meta:
        if name not in KNOWN_FIELDS:
            add(name, "FM004", f"unknown front matter field '{name}'{did_you_mean(name, KNOWN_FIELDS)}",
                f"remove it or use one of: {', '.join(sorted(KNOWN_FIELDS))}")
    for line, column in curly_quoted_values(page.front_text, 2):
        problems.append(Problem(shown, line, column, "YAML003", "curly quotes (\u201c \u201d \u2018 \u2019) around a YAML value "
                                "would be shown as part of the text", "use straight quotes \" or ', or none"))
    title = meta.get("title")
    if isinstance(title, str) and len(title) > MAX_TITLE:
        add("title", "FM015", f"title is {len(title)} characters; at most {MAX_TITLE} fit search results and a phone's header",
            "shorten it; the page's '# ' heading can say more")
    problems += markup_problems(page)
    description = meta.get("description")
    if isinstance(description, str) and len(description) > MAX_DESCRIPTION:
        add("description", "FM005", f"description is {len(description)} characters; search engines show at most {MAX_DESCRIPTION}",
            "shorten it to one plain sentence")
    elif description is not None and not isinstance(description, str):
        add("description", "FM005", "description must be text", "write one plain sentence")
    if meta.get("version") is not None and page.version is None:
        add("version", "FM006", f"version '{meta.get('version')}' is not MAJOR.MINOR.PATCH", "write e.g. version: 1.2.0")
    if "regulatory" in meta and not isinstance(meta["regulatory"], bool):
        add("regulatory", "FM007", "regulatory must be true or false", "write regulatory: true if the page states approvals, labels, prices or guidance")

    last = _parse_date(meta.get("last_reviewed"))
    nxt = _parse_date(meta.get("next_review"))
    for name, value in (("last_reviewed", last), ("next_review", nxt)):
        if meta.get(name) is not None and value is None:
            add(name, "FM008", f"{name} '{meta.get(name)}' is not a real date", "write YYYY-MM-DD, e.g. 2026-11-27")
    if last and last > today:
        add("last_reviewed", "REV001", f"last_reviewed {last} is in the future", f"use the date of the review, on or before {today}")
    if nxt and nxt < today:
        add("next_review", "REV002", f"review overdue: next_review was {nxt}",
            "review the page against the evidence, then set last_reviewed to today and a new next_review")
    if last and nxt:
        regulatory = meta.get("regulatory") is True
        limit = REVIEW_CYCLE_DAYS[regulatory]
        if nxt <= last:
            add("next_review", "REV003", "next_review must be after last_reviewed", "set it 1 to 3 years after last_reviewed")
        elif (nxt - last).days > limit:
            cycle = "12 months (page states regulatory facts)" if regulatory else "3 years"
            add("next_review", "REV004", f"review cycle of {(nxt - last).days} days is longer than {cycle}",
                f"set next_review on or before {last + dt.timedelta(days=limit)}")

    problems += _validate_clinical_review(meta.get("clinical_review"), at("clinical_review"), shown, today,
                                          page.version, reviewers)
    problems += _validate_changes(page, at("changes"), today)
    search = meta.get("search")
    boost = search.get("boost", 1) if isinstance(search, dict) else None
    if search is not None and not (isinstance(search, dict) and set(search) <= {"boost", "exclude"}
                                   and isinstance(boost, (int, float)) and not isinstance(boost, bool) and 0 < boost <= 10):
        add("search", "FM009", "search must be a mapping with 'boost' (a number from 0 to 10) or 'exclude'", "write search: {boost: 2}")
    return problems


def _validate_clinical_review(review: Any, line: int, shown: str, today: dt.date,
                              page_version: tuple[int, int, int] | None = None,
                              reviewers: dict[str, Reviewer] | None = None) -> list[Problem]:
    if review is None:
        return []
    fix = "write 'status: pending', or 'status: reviewed' with reviewer (an id from data/reviewers.yaml), version and date"
    if not isinstance(review, dict) or review.get("status") not in ("pending", "reviewed"):
        fields = ("status", "reviewer", "version", "date")
        hint = "".join(did_you_mean(key, fields) for key in review if key not in fields) if isinstance(review, dict) else ""
        return [Problem(shown, line, 1, "FM010", f"clinical_review.status must be 'pending' or 'reviewed'{hint}", fix)]
    if review["status"] == "pending":
        if set(review) - {"status"}:
            return [Problem(shown, line, 1, "FM010", "a pending review must not name a reviewer", fix)]
        return []
    missing = [f for f in ("reviewer", "version", "date") if review.get(f) in (None, "")]
    if missing:
        return [Problem(shown, line, 1, "FM010", f"a reviewed page must record the review's {', '.join(missing)}", fix)]
    positions = getattr(review, "value_positions", {})

    def at(key: str) -> tuple[int, int]:
        return positions.get(key, (line, 1))

    problems = []
    if reviewers is None:
        reviewers, _ = load_reviewers()  # the content check reports that file's own problems once
    reviewer = str(review["reviewer"])
    if reviewer not in reviewers:
        import difflib

        close = difflib.get_close_matches(reviewer, list(reviewers), n=1)
        hint = f"did you mean '{close[0]}'?" if close else \
            "add the clinician to data/reviewers.yaml first (id, name, role, conflicts), with their agreement"
        problems.append(Problem(shown, *at("reviewer"), "CLIN001", f"unknown clinical reviewer '{reviewer}'", hint))
    reviewed = parse_version(str(review["version"])) if isinstance(review["version"], str) else None
    if reviewed is None:
        problems.append(Problem(shown, *at("version"), "CLIN002",
                                f"reviewed version '{review['version']}' is not MAJOR.MINOR.PATCH",
                                "write the page version the clinician reviewed, quoted: version: '1.2.0'"))
    elif page_version and reviewed > page_version:
        current = ".".join(map(str, page_version))
        problems.append(Problem(shown, *at("version"), "CLIN002",
                                f"reviewed version {review['version']} is later than the page's version {current}",
                                "record the version the clinician actually reviewed, at most the page's version"))
    date = _parse_date(review.get("date"))
    if date is None:
        problems.append(Problem(shown, *at("date"), "FM010", f"clinical review date '{review.get('date')}' is not a real date",
                                "write the day of the review as YYYY-MM-DD"))
    elif date > today:
        problems.append(Problem(shown, *at("date"), "CLIN003", f"clinical review date {date} is in the future",
                                f"record the day the review happened, on or before {today}"))
    return problems


def _validate_changes(page: Page, line: int, today: dt.date) -> list[Problem]:
    changes = page.meta.get("changes")
    shown = page.shown
    fix = "list entries as '- version: 1.1.0', '  date: YYYY-MM-DD', '  summary: what changed', newest first"
    if changes is None:
        return []
    if not isinstance(changes, list) or not changes:
        return [Problem(shown, line, 1, "FM011", "changes must be a non-empty list", fix)]
    problems = []
    previous: tuple[int, int, int] | None = None
    previous_date: dt.date | None = None
    for entry in changes:
        eline = getattr(entry, "line", line)
        if not isinstance(entry, dict) or parse_version(entry.get("version")) is None \
                or _parse_date(entry.get("date")) is None or not isinstance(entry.get("summary"), str) or not entry["summary"].strip():
            problems.append(Problem(shown, eline, 1, "FM011", "change entry needs version (MAJOR.MINOR.PATCH), date and summary", fix))
            continue
        version = parse_version(entry["version"])
        date = _parse_date(entry["date"])
        if previous is not None and version >= previous:
            problems.append(Problem(shown, eline, 1, "FM012", f"change {entry['version']} is not older than the entry above it",
                                    "keep the newest change first and each version once"))
        elif previous_date is not None and date > previous_date:
            problems.append(Problem(shown, eline, 1, "FM012", f"change {entry['version']} is dated {date}, after the newer entry above it",
                                    "keep the newest change first, with dates that do not go up"))
        previous_date = date
        if _parse_date(entry["date"]) > today:
            problems.append(Problem(shown, eline, 1, "FM013", f"change date {entry['date']} is in the future", "use the date of the change"))
        previous = version
    first = changes[0]
    if isinstance(first, dict) and page.version and parse_version(first.get("version")) and parse_version(first.get("version")) != page.version:
        problems.append(Problem(shown, getattr(first, "line", line), 1, "FM014",
                                f"newest change entry is {first.get('version')} but the page version is {page.meta.get('version')}",
                                "add a change entry for the new version at the top of 'changes'"))
    return problems


def content_pages(docs: Path = DOCS) -> list[Path]:
    """Every Markdown page the site builds (snippets under docs/includes are not pages)."""
    return sorted(p for p in docs.rglob("*.md") if "includes" not in p.relative_to(docs).parts)


# --- Site navigation ---------------------------------------------------------


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml; MkDocs' own tags (!ENV, !relative) are read as plain values."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def nav_entries(config_path: Path) -> set[str] | None:
    """The docs-relative page paths listed in mkdocs.yml's nav; None when there is no nav."""
    try:
        config = yaml.load(config_path.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}  # noqa: S506
    except (OSError, yaml.YAMLError):
        return None  # the build reports a broken mkdocs.yml itself, with its own line numbers
    found: set[str] = set()

    def walk(item: Any) -> None:
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, list):
            for child in item:
                walk(child)
        elif isinstance(item, dict):
            for child in item.values():
                walk(child)

    if not isinstance(config, dict) or "nav" not in config:
        return None
    walk(config["nav"])
    return found


# --- Regulatory status ----------------------------------------------------------

REGULATORY = DATA / "regulatory.yaml"
STATUS_KEY = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
STATUS_FIELDS = ("key", "jurisdiction", "product", "text", "as_of", "cite")
_INLINE_CITATION = re.compile(r"\[@([^\]]*)\]")


@dataclass(frozen=True)
class Status:
    """One dated regulatory fact: what applies to a product in a jurisdiction, and the sources that say so."""

    key: str
    jurisdiction: str
    product: str
    text: str  # continues "As of <month year>, ..." (see data/regulatory.yaml)
    as_of: dt.date
    cite: tuple[str, ...]
    line: int
    recheck_by: dt.date | None = None  # a rule that lapses on a known date must be checked again by then


def load_regulatory(path: Path = REGULATORY, known_keys: set[str] | None = None,
                    today: dt.date | None = None) -> tuple[dict[str, Status], list[Problem]]:
    """Load the regulatory facts. `known_keys` (the bibliography's ids) turns on the citation check."""
    shown = display_path(path)
    today = today or dt.date.today()
    try:
        data = load_yaml(read_text(path), shown)
    except SourceError as error:
        return {}, error.problems
    if not isinstance(data, dict) or not isinstance(data.get("statuses"), list):
        return {}, [Problem(shown, getattr(data, "line", 1), 1, "REG001", "regulatory data needs a list called 'statuses'",
                            "start the file with 'statuses:' and one '- key: ...' entry per fact")]
    statuses: dict[str, Status] = {}
    problems: list[Problem] = []
    for entry in data["statuses"]:
        line = getattr(entry, "line", 1)

        def add(code: str, message: str, fix: str) -> None:
            problems.append(Problem(shown, line, 1, code, message, fix))

        if not isinstance(entry, dict):
            add("REG002", "a status is not a mapping", "write '- key: ...' followed by its fields")
            continue
        name = entry.get("key")
        missing = [f for f in STATUS_FIELDS if entry.get(f) in (None, "", [])]
        if missing:
            add("REG002", f"status '{name}' lacks: {', '.join(missing)}",
                "every status needs key, jurisdiction, product, text, as_of (YYYY-MM-DD) and cite (bibliography ids)")
            continue
        if not isinstance(name, str) or not STATUS_KEY.match(name):
            add("REG003", f"status key {name!r} is malformed", "use lower-case words joined by hyphens, e.g. 'uk-esketamine-nice'")
            continue
        if name in statuses:
            add("REG004", f"duplicate status key '{name}' (first on line {statuses[name].line})", "give each status its own key")
            continue
        as_of = _parse_date(entry["as_of"])
        if as_of is None:
            add("REG005", f"status '{name}': as_of '{entry['as_of']}' is not a real date", "write the date you checked it, e.g. 2026-12-03")
            continue
        if as_of > today:
            add("REG006", f"status '{name}': as_of {as_of} is in the future", f"use the date the fact was checked, on or before {today}")
        recheck_by = _parse_date(entry["recheck_by"]) if "recheck_by" in entry else None
        if "recheck_by" in entry and (recheck_by is None or recheck_by < as_of):
            add("REG005", f"status '{name}': recheck_by '{entry['recheck_by']}' is not a real date on or after as_of",
                "write the date the fact lapses or must be checked again, e.g. 2026-12-31")
            continue
        cite = entry["cite"] if isinstance(entry["cite"], list) else [entry["cite"]]
        if not all(isinstance(c, str) for c in cite) or not all(isinstance(entry[f], str) for f in ("jurisdiction", "product", "text")):
            add("REG002", f"status '{name}': jurisdiction, product and text are text, cite a list of ids",
                "write cite: [spravatolabel, nice2022]")
            continue
        if known_keys is not None:
            inline = [k.strip().lstrip("@") for m in _INLINE_CITATION.finditer(entry["text"]) for k in m.group(1).split(";")]
            unknown = [c for c in [*cite, *inline] if c not in known_keys]
            if unknown:
                add("REG007", f"status '{name}' cites unknown key(s): {', '.join(unknown)}",
                    "use ids from data/references.yaml, or add the verified reference there first")
        statuses[name] = Status(name, entry["jurisdiction"].strip(), entry["product"].strip(), " ".join(entry["text"].split()),
                                as_of, tuple(cite), line, recheck_by)
    return statuses, problems


# --- Further information at the end of guide pages ---------------------------------

FURTHER_INFO = DATA / "further-info.yaml"


@dataclass(frozen=True)
class InfoLink:
    label: str
    url: str
    detail: str
    cite: tuple[str, ...]


@dataclass(frozen=True)
class InfoSection:
    heading: str
    intro: str
    links: tuple[InfoLink, ...]


def load_further_info(path: Path = FURTHER_INFO, known_keys: set[str] | None = None) -> tuple[list[InfoSection], list[Problem]]:
    """The sections appended to every guide page: how to report a side effect, where to read more."""
    shown = display_path(path)
    try:
        data = load_yaml(read_text(path), shown)
    except SourceError as error:
        return [], error.problems
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list) or not data["sections"]:
        return [], [Problem(shown, getattr(data, "line", 1), 1, "INFO001", "further information needs a list called 'sections'",
                            "start the file with 'sections:' (see the comment at its top)")]
    sections: list[InfoSection] = []
    problems: list[Problem] = []
    for section in data["sections"]:
        line = getattr(section, "line", 1)
        if not isinstance(section, dict) or not isinstance(section.get("heading"), str) \
                or not isinstance(section.get("links"), list) or not section["links"]:
            problems.append(Problem(shown, line, 1, "INFO002", "each section needs a 'heading' and a list of 'links'",
                                    "copy the shape of the section above"))
            continue
        links = []
        for link in section["links"]:
            lline = getattr(link, "line", line)
            if not isinstance(link, dict) or not all(isinstance(link.get(f), str) and link[f].strip() for f in ("label", "url")):
                problems.append(Problem(shown, lline, 1, "INFO003", "each link needs 'label' and 'url' as text",
                                        "write '- label: NHS: depression in adults' and '  url: https://...'"))
                continue
            if not link["url"].startswith("https://"):
                problems.append(Problem(shown, lline, 1, "INFO004", f"link '{link['label']}' must use https://", "use the https address"))
                continue
            cite = link.get("cite") or []
            cite = cite if isinstance(cite, list) else [cite]
            unknown = [c for c in cite if known_keys is not None and c not in known_keys]
            if unknown:
                problems.append(Problem(shown, lline, 1, "INFO005", f"link '{link['label']}' cites unknown key(s): {', '.join(map(str, unknown))}",
                                        "use ids from data/references.yaml, or add the verified reference there first"))
                continue
            links.append(InfoLink(link["label"].strip(), link["url"].strip(), " ".join(str(link.get("detail", "")).split()),
                                  tuple(map(str, cite))))
        sections.append(InfoSection(section["heading"].strip(), " ".join(str(section.get("intro", "")).split()), tuple(links)))
    return sections, problems

"""Add a reference from its DOI or PMID (`make cite DOI=...`), and list or search the keys (`make refs Q=...`).

`make cite` asks Crossref (DOI) or PubMed's E-utilities (PMID) for the record,
writes it as CSL-YAML at the end of data/references.yaml with a key made of the
first author's family name and the year (murrough2013, then murrough2013b, ...),
and prints the key to cite. The entry says, in `note`, that it is unverified:
the maintainer checks every field against the publisher's page or PubMed, then
replaces the note with how it was verified and writes `annote`.

It needs internet. The services' addresses can be changed with the environment
variables GUIDE_CROSSREF_URL and GUIDE_EUTILS_URL (the tests point them at a
local stand-in server). Nothing is written unless the whole record was read and
the new file passes the bibliography check.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import tempfile
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import sources

CROSSREF_URL = "https://api.crossref.org"
EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
USER_AGENT = "ketamine-guide-cite/1 (https://github.com/open-ketamine-guide/guide; make cite)"
TIMEOUT_SECONDS = 30
MAX_AUTHORS = 6  # as in the rest of the file: six names, then "et al." (Vancouver style)
CROSSREF_TYPES = {"journal-article": "article-journal", "book": "book", "monograph": "book", "edited-book": "book",
                  "book-chapter": "chapter", "report": "report", "posted-content": "article-journal",
                  "proceedings-article": "article-journal"}


class CiteError(Exception):
    """The reference could not be added; the message says why and what to do. `exit_code` 2 is bad input;
    `located` means the message starts with path:line:column (a problem in the file, not in the request)."""

    def __init__(self, message: str, exit_code: int = 1, located: bool = False):
        super().__init__(message)
        self.exit_code = exit_code
        self.located = located


@dataclass
class Existing:
    key: str
    line: int
    column: int


# --- Input --------------------------------------------------------------------------------


def normalise_doi(text: str) -> str:
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", text.strip(), flags=re.I)
    if not sources.DOI.match(doi):
        raise CiteError(f"'{text}' is not a DOI: a DOI looks like 10.1176/appi.ajp.2013.13030392", exit_code=2)
    return doi


def normalise_pmid(text: str) -> str:
    pmid = re.sub(r"^(pmid:\s*)", "", text.strip(), flags=re.I)
    if not sources.PMID.match(pmid):
        raise CiteError(f"'{text}' is not a PMID: a PMID is 1 to 9 digits, e.g. 23982301", exit_code=2)
    return pmid


# --- Fetching -----------------------------------------------------------------------------


def _get(url: str, service: str, what: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - https or a test URL
            return response.read()
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise CiteError(f"{service} has no record for {what} (HTTP 404 from {url}): check it on the publisher's "
                            "page or PubMed; if it is right, add the entry by hand (CONTRIBUTING.md, 'Cite')") from None
        raise CiteError(f"{service} answered HTTP {error.code} for {what} ({url}): try again later, "
                        "or add the entry by hand (CONTRIBUTING.md, 'Cite')") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise CiteError(f"could not reach {service} at {url} ({reason}): make cite needs internet; "
                        "run it on a machine that has it, or add the entry by hand (CONTRIBUTING.md, 'Cite')") from None


def _json(body: bytes, service: str, what: str) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise CiteError(f"{service}'s answer for {what} is not JSON (it starts {body[:60]!r}): "
                        "try again later, or add the entry by hand") from None
    if not isinstance(data, dict):
        raise CiteError(f"{service}'s answer for {what} is not a JSON object: try again later, or add the entry by hand")
    return data


def _plain(text: object) -> str:
    """Titles arrive with markup (<i>, <sub>) and entities; the bibliography holds plain text."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", str(text)))).strip()


def _initials(given: str) -> str:
    """'James W.' -> 'JW', 'Jean-Pierre' -> 'J-P': the file's style for given names."""
    words = [w for w in re.split(r"[\s.]+", given) if w]
    return "".join("-".join(part[:1].upper() for part in word.split("-") if part) for word in words)


def _authors(people: list[dict]) -> list[dict]:
    authors = people[:MAX_AUTHORS]
    return authors + ([{"literal": "et al."}] if len(people) > MAX_AUTHORS else [])


def _malformed(service: str, what: str, missing: list[str]) -> CiteError:
    return CiteError(f"{service}'s record for {what} lacks {', '.join(missing)}: add the entry by hand from the "
                     "publisher's page (CONTRIBUTING.md, 'Cite')")


def from_crossref(data: dict, doi: str) -> dict:
    what = f"DOI {doi}"
    work = data.get("message")
    if data.get("status") != "ok" or not isinstance(work, dict):
        raise CiteError(f"Crossref's answer for {what} is not a work record (status {data.get('status')!r}): "
                        "check the DOI, or add the entry by hand")
    people = []
    for person in work.get("author") or []:
        if isinstance(person, dict) and person.get("family"):
            people.append({"family": _plain(person["family"]), "given": _initials(_plain(person.get("given", "")))}
                          if person.get("given") else {"family": _plain(person["family"])})
        elif isinstance(person, dict) and person.get("name"):
            people.append({"literal": _plain(person["name"])})
    titles = work.get("title") or []
    containers = work.get("container-title") or []
    year = None
    for field in ("issued", "published-print", "published-online", "published"):
        try:
            year = int(work[field]["date-parts"][0][0])
            break
        except (KeyError, IndexError, TypeError, ValueError):
            continue
    missing = [name for name, value in (("authors", people), ("a title", titles), ("a journal or publisher",
               containers or work.get("publisher")), ("a year", year)) if not value]
    if missing:
        raise _malformed("Crossref", what, missing)
    record = {
        "type": CROSSREF_TYPES.get(str(work.get("type")), "document"),
        "author": _authors(people),
        "title": _plain(titles[0] if isinstance(titles, list) else titles),
        "container-title": _plain(containers[0] if containers else work["publisher"]),
        "issued": {"date-parts": [[year]]},
    }
    for field in ("volume", "issue", "page"):
        if work.get(field):
            record[field] = _plain(work[field])
    record["DOI"] = str(work.get("DOI") or doi)
    record["URL"] = f"https://doi.org/{record['DOI']}"
    return record


def from_pubmed(data: dict, pmid: str) -> dict:
    what = f"PMID {pmid}"
    try:
        summary = data["result"][pmid]
    except (KeyError, TypeError):
        raise CiteError(f"PubMed's answer for {what} has no summary of it: check the PMID, or add the entry by hand") from None
    if not isinstance(summary, dict) or summary.get("error"):
        detail = summary.get("error") if isinstance(summary, dict) else "not a record"
        raise CiteError(f"PubMed has no record for {what} ({detail}): check the PMID on pubmed.ncbi.nlm.nih.gov")
    people = []
    for person in summary.get("authors") or []:
        name = _plain(person.get("name", "")) if isinstance(person, dict) else ""
        if not name:
            continue
        if person.get("authtype", "Author") == "Author" and " " in name:
            family, given = name.rsplit(" ", 1)
            people.append({"family": family, "given": given})
        else:
            people.append({"literal": name})
    match = re.match(r"(\d{4})", str(summary.get("pubdate") or summary.get("epubdate") or ""))
    year = int(match.group(1)) if match else None
    title = _plain(summary.get("title", "")).removesuffix(".")
    container = _plain(summary.get("fulljournalname") or summary.get("source") or "")
    missing = [name for name, value in (("authors", people), ("a title", title), ("a journal", container),
                                        ("a year", year)) if not value]
    if missing:
        raise _malformed("PubMed", what, missing)
    record = {"type": "article-journal", "author": _authors(people), "title": title, "container-title": container,
              "issued": {"date-parts": [[year]]}}
    for field, source in (("volume", "volume"), ("issue", "issue"), ("page", "pages")):
        if summary.get(source):
            record[field] = _plain(summary[source])
    doi = next((i.get("value") for i in summary.get("articleids") or []
                if isinstance(i, dict) and i.get("idtype") == "doi"), None)
    if doi and sources.DOI.match(str(doi)):
        record["DOI"] = str(doi)
    record["PMID"] = pmid
    record["URL"] = f"https://doi.org/{record['DOI']}" if "DOI" in record else f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    return record


def fetch_doi(doi: str) -> dict:
    base = os.environ.get("GUIDE_CROSSREF_URL", CROSSREF_URL).rstrip("/")
    url = f"{base}/works/{urllib.parse.quote(doi, safe='/()')}"
    return from_crossref(_json(_get(url, "Crossref", f"DOI {doi}"), "Crossref", f"DOI {doi}"), doi)


def fetch_pmid(pmid: str) -> dict:
    base = os.environ.get("GUIDE_EUTILS_URL", EUTILS_URL).rstrip("/")
    url = f"{base}/esummary.fcgi?db=pubmed&retmode=json&id={pmid}"
    return from_pubmed(_json(_get(url, "PubMed", f"PMID {pmid}"), "PubMed", f"PMID {pmid}"), pmid)


# --- The bibliography -------------------------------------------------------------------


def find_existing(text: str, field: str, value: str) -> Existing | None:
    """The record whose `field` (DOI or PMID) is `value`, with the line and column of that field."""
    key = None
    pattern = re.compile(rf"^(\s*(?:-\s+)?){field}:\s*['\"]?(.*?)['\"]?\s*$")
    for number, line in enumerate(text.splitlines(), start=1):
        id_match = re.match(r"^-\s+id:\s*['\"]?([^'\"\s]+)", line)
        if id_match:
            key = id_match.group(1)
        match = pattern.match(line)
        if key and match and match.group(2).lower() == value.lower():
            return Existing(key, number, len(match.group(1)) + 1)
    return None


def make_key(record: dict, taken: set[str]) -> str:
    first = record["author"][0]
    name = first.get("family") or first.get("literal", "ref")
    letters = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    stem = (re.sub(r"[^a-z]", "", letters.split()[0] if letters.split() else "") or "ref") + str(record["issued"]["date-parts"][0][0])
    key, suffix = stem, ord("b")
    while key in taken:
        key, suffix = f"{stem}{chr(suffix)}", suffix + 1
    return key


def entry_yaml(record: dict) -> str:
    return yaml.safe_dump([record], sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def add_reference(doi: str | None = None, pmid: str | None = None, bibliography: Path = sources.BIBLIOGRAPHY,
                  today: dt.date | None = None) -> tuple[str, int]:
    """Fetch the record and append it; return its key and the line it starts on. Raises CiteError."""
    if bool(doi) == bool(pmid):
        raise CiteError("give one of DOI= or PMID=, e.g. make cite DOI=10.1176/appi.ajp.2013.13030392", exit_code=2)
    doi = normalise_doi(doi) if doi else None
    pmid = normalise_pmid(pmid) if pmid else None
    shown = sources.display_path(bibliography)
    try:
        text = bibliography.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CiteError(f"cannot read {shown} ({error}): restore it (git checkout {shown})") from None

    def refuse_duplicate(field: str, value: str) -> None:
        found = find_existing(text, field, value)
        if found:
            raise CiteError(f"{shown}:{found.line}:{found.column}: CITE001 {field} {value} is already in the "
                            f"bibliography as '{found.key}' (cite it as [@{found.key}]; nothing was added)", located=True)

    if doi:
        refuse_duplicate("DOI", doi)
    else:
        refuse_duplicate("PMID", pmid)
    record = fetch_doi(doi) if doi else fetch_pmid(pmid)
    if "DOI" in record:
        refuse_duplicate("DOI", record["DOI"])  # the same work entered before by its DOI, or as the registry spells it

    references, old_problems = sources.load_bibliography(bibliography)
    taken = set(references) | set(re.findall(r"(?m)^-\s+id:\s*['\"]?([^'\"\s]+)", text))
    key = make_key(record, taken)
    service = f"Crossref (api.crossref.org/works/{doi})" if doi else f"PubMed (E-utilities esummary, PMID {pmid})"
    record = {"id": key, **record, "note": (
        f"Confidence: unverified. Fetched from {service} by make cite on {(today or dt.date.today()).isoformat()}. "
        "Check every field against the publisher's page or PubMed, then replace this note with how and where you "
        "verified it, and add annote: what the source says that supports the sentences citing it, in your own words.")}
    prefix = "" if not text or text.endswith("\n") else "\n"
    new_text = text + prefix + entry_yaml(record)
    first_line = (text + prefix).count("\n") + 1

    # Check the new file before it replaces the old one: nothing is written unless it is sound.
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".yaml", dir=bibliography.parent,
                                     delete=False) as scratch:
        scratch.write(new_text)
    scratch_path = Path(scratch.name)
    try:
        new_references, new_problems = sources.load_bibliography(scratch_path)
        added = [str(p).replace(sources.display_path(scratch_path), shown) for p in new_problems
                 if (p.code, p.message) not in {(q.code, q.message) for q in old_problems}]
        if added or key not in new_references:
            raise CiteError("the fetched record would not pass the bibliography check, so nothing was added; "
                            "add it by hand (CONTRIBUTING.md, 'Cite'):\n" + "\n".join(added))
        os.replace(scratch_path, bibliography)
    finally:
        scratch_path.unlink(missing_ok=True)
    return key, first_line


# --- Listing and searching ------------------------------------------------------------------


def search(query: str | None, bibliography: Path = sources.BIBLIOGRAPHY) -> tuple[list[str], list[sources.Problem]]:
    """One line per reference whose key, authors, title, journal, year, DOI or PMID contains `query` (all if None)."""
    references, problems = sources.load_bibliography(bibliography)
    shown = sources.display_path(bibliography)
    needle = (query or "").strip().lower()
    lines = []
    for ref in sorted(references.values(), key=lambda r: r.id):
        haystack = " ".join(filter(None, [ref.id, *ref.authors, ref.title, ref.container, str(ref.year), ref.doi, ref.pmid]))
        if needle in haystack.lower():
            first = ref.authors[0] if ref.authors else ""
            lines.append(f"[@{ref.id}]  {first}, {ref.year}. {ref.title}.  ({shown}:{ref.line})")
    return lines, problems

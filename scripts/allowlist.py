"""The HTML allow-list: what a page's content may contain, shared by the render-time guard and `make check`.

The guard (scripts/extensions/guard.py) hands it to nh3, the Python binding of
Rust's ammonia sanitizer, and fails the build on anything nh3 would change;
the content check applies the same rules to raw HTML, attribute lists and link
targets in the sources, so a maintainer hears about it before building. Every
entry says why the guide needs it: anything not listed is refused.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# --- Tags ---------------------------------------------------------------------------------

TAGS: dict[str, str] = {
    "p": "paragraphs",
    "br": "line breaks (two trailing spaces, used in the reference list)",
    "hr": "the rule above each page's footnotes",
    "h1": "the page title",
    "h2": "sections; each is a search result and an anchor",
    "h3": "sub-sections",
    "h4": "deeper headings exist in Markdown; the check's HEAD001 asks for '##' or '###' instead",
    "em": "emphasis (*text*), and the journal in a reference",
    "strong": "strong emphasis (**text**)",
    "code": "inline code and code blocks",
    "pre": "code blocks",
    "blockquote": "quotations (> text)",
    "ul": "bullet lists",
    "ol": "numbered lists and the footnote list",
    "li": "list items",
    "dl": "definition lists (def_list)",
    "dt": "a defined term",
    "dd": "its definition",
    "table": "tables (tables extension)",
    "thead": "table header rows",
    "tbody": "table body rows",
    "tr": "table rows",
    "th": "table header cells",
    "td": "table cells",
    "a": "links, citation numbers, back-links and heading permalinks",
    "img": "images saved under docs/assets/ (same host only, see LOADING_ATTRIBUTES)",
    "sup": "citation numbers (footnote references)",
    "sub": "subscripts in units and chemical names",
    "abbr": "glossary tooltips (the glossary extension)",
    "span": "the crisis box's parts; Material's tooltips",
    "div": "admonitions (the 'At a glance' box) and the footnote list",
    "aside": "the crisis box (crisis extension)",
    "details": "collapsible notes (pymdownx.details)",
    "summary": "the visible line of a collapsible note",
    "time": "a machine-readable date for dated statements ('As of November 2026')",
    "caption": "a table's title",
    "figure": "an image with its caption",
    "figcaption": "the caption",
}

# --- Attributes ---------------------------------------------------------------------------

# "*": allowed on every allowed tag.
ATTRIBUTES: dict[str, dict[str, str]] = {
    "*": {
        "id": "anchors: heading slugs, footnotes, {#id} from attr_list",
        "class": "styling hooks the extensions set (admonition, footnote, crisis, reference); no behaviour",
        "title": "glossary definitions on <abbr>, link titles, permalink labels",
        "data-search-exclude": "keeps the crisis box and per-page reference lists out of the search index",
        "aria-label": "an accessible name for a generated box or list",
    },
    "time": {"datetime": "the date in ISO form"},
    "a": {"href": "the link target (URL_SCHEMES; see url_finding)"},
    "img": {
        "src": "the image, under docs/ (same host only)",
        "alt": "the text alternative every image needs (IMG001)",
        "width": "intrinsic size, avoids layout shift",
        "height": "intrinsic size, avoids layout shift",
    },
    "aside": {"aria-labelledby": "names the crisis box for screen readers by its heading"},
    "abbr": {"tabindex": "a glossary term reachable by keyboard, so its definition shows on focus too ('0' only)"},
    "ol": {"start": "a numbered list that starts above 1"},
    "details": {"open": "a note shown expanded ('???+')"},
    "th": {"style": "column alignment the tables extension writes (text-align only, see STYLE)"},
    "td": {"style": "column alignment the tables extension writes (text-align only, see STYLE)"},
}

# --- URL schemes --------------------------------------------------------------------------

URL_SCHEMES: dict[str, str] = {
    "https": "sources (DOI, PubMed, agencies) and help services; encrypted, so no one on the network sees what is read",
    "mailto": "writing to the maintainers",
    "tel": "the crisis box's call links, which work without JavaScript",
    "sms": "the crisis box's text links (Shout, 988)",
}
# Attributes that make the browser fetch something when the page loads: same host only.
LOADING_ATTRIBUTES = {"src", "srcset", "poster", "data", "background", "ping", "xlink:href", "formaction", "action"}
URL_ATTRIBUTES = {"href", *LOADING_ATTRIBUTES}

# --- Inline style -------------------------------------------------------------------------

# Only the alignment Python-Markdown's tables extension writes ('style="text-align: left;"').
STYLE = re.compile(r"^\s*text-align\s*:\s*(left|right|center)\s*;?\s*$", re.I)
STYLE_REASON = "only table column alignment (text-align) is allowed: style could load remote images or hide text"

# Tags whose content nh3 drops along with the tag (their text is code, not prose).
CONTENT_TAGS = {"script", "style"}


@dataclass(frozen=True)
class Finding:
    """One thing the allow-list refuses, with the check code it is reported under."""

    code: str
    message: str
    fix: str


TAG_FIX = "use Markdown; anything interactive belongs in overrides/ and is reviewed as code"
HANDLER_FIX = "remove the on...= attribute; pages cannot run scripts"
SCHEME_FIX = "link to a page of the guide or an https address"
REMOTE_FIX = "save the file under docs/assets/ and point to it there; readers' browsers must not contact other hosts"
HOST_FIX = "write the address in plain ASCII as the site itself spells it (no look-alike letters, no xn--), or leave the link out"
LOCAL_FIX = "link to the public address; a reader's browser would open a machine on their own network"


def tag_finding(tag: str) -> Finding | None:
    if tag in TAGS:
        return None
    return Finding("HTML001", f"<{tag}> is not on the HTML allow-list", TAG_FIX)


def clean_url(value: str) -> str:
    """The URL a browser would follow: tabs and newlines inside are ignored, spaces and controls at the ends trimmed."""
    return re.sub(r"[\t\n\r]", "", value).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
                                                 "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")


SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
PRIVATE_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def host_finding(host: str) -> Finding | None:
    """A link's host must be a plain public name: no look-alike letters, punycode, localhost or private address."""
    if not host:
        return None
    if any(ord(c) > 127 for c in host):
        return Finding("LINK003", f"link host '{host}' has non-ASCII letters (a look-alike domain?)", HOST_FIX)
    if any(label.startswith("xn--") for label in host.lower().split(".")):
        return Finding("LINK003", f"link host '{host}' is punycode (xn--), which can hide look-alike letters", HOST_FIX)
    name = host.lower().strip("[]").rstrip(".")
    if name in PRIVATE_NAMES or name.endswith(".localhost") or name.endswith(".local") or name.endswith(".internal"):
        return Finding("LINK004", f"link to a local machine '{host}'", LOCAL_FIX)
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return None
    if not address.is_global:
        return Finding("LINK004", f"link to a private or local address '{host}'", LOCAL_FIX)
    return None


def url_finding(attribute: str, value: str) -> Finding | None:
    """What is wrong with a URL in `attribute`, or None. Relative URLs are same-host and always fine."""
    url = clean_url(value)
    try:
        urlsplit(url.replace("\\", "/"))
    except ValueError:
        return Finding("LINK001", f"link target '{url}' is not a valid address", "check the address for typos")
    scheme = SCHEME.match(url)
    loads = attribute in LOADING_ATTRIBUTES
    if scheme and scheme.group(1).lower() not in URL_SCHEMES:
        name = scheme.group(1).lower()
        if name in ("javascript", "vbscript", "data", "livescript"):
            return Finding("HTML003", f"{name}: URL in {attribute}", SCHEME_FIX)
        return Finding("HTML003", f"URL scheme '{name}:' in {attribute} is not allowed "
                                  f"(allowed: {', '.join(URL_SCHEMES)}, or a relative link)", SCHEME_FIX)
    remote = bool(scheme) or url.startswith(("//", "\\\\", "/\\", "\\/"))
    if loads and remote:
        return Finding("HTML004", f"{attribute} loads {url} from another host", REMOTE_FIX)
    if remote:
        return host_finding(urlsplit(url.replace("\\", "/")).hostname or "")
    return None


def attribute_finding(tag: str, name: str, value: str | None) -> Finding | None:
    """What is wrong with attribute `name` on an allowed `tag`, or None."""
    value = value or ""
    if name.startswith("on"):
        return Finding("HTML002", f"event handler '{name}' on <{tag}>", HANDLER_FIX)
    if name in URL_ATTRIBUTES:
        finding = url_finding(name, value)
        if finding:
            return finding
    allowed = name in ATTRIBUTES["*"] or name in ATTRIBUTES.get(tag, {})
    if name == "tabindex" and allowed and value != "0":
        return Finding("HTML005", f"tabindex '{value}' on <{tag}>: only '0' (reachable in reading order) is allowed",
                       "remove it, or use tabindex=\"0\"")
    if name == "style" and not (allowed and STYLE.match(value)):
        return Finding("HTML006", f"inline style '{value.strip()[:60]}' on <{tag}>", STYLE_REASON)
    if not allowed:
        if name in LOADING_ATTRIBUTES:
            return Finding("HTML004", f"'{name}' on <{tag}> makes the browser contact an address", REMOTE_FIX)
        return Finding("HTML005", f"attribute '{name}' on <{tag}> is not on the HTML allow-list",
                       "remove it; allowed attributes are listed in scripts/allowlist.py")
    return None


def nh3_arguments() -> dict:
    """The allow-list as nh3.clean() keyword arguments (link_rel off: the guard compares, it does not rewrite)."""
    attributes = {tag: set(names) for tag, names in ATTRIBUTES.items()}
    return {
        "tags": set(TAGS),
        "clean_content_tags": set(CONTENT_TAGS),
        "attributes": attributes,
        "url_schemes": set(URL_SCHEMES),
        "link_rel": None,
        "strip_comments": False,
        "attribute_filter": lambda tag, name, value: None if attribute_finding(tag, name, value) else value,
    }

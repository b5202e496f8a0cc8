"""The render-time guard (scripts/extensions/guard.py) and the escaping of front matter in the templates.

The guard compares every page's finished HTML with what nh3 keeps of it under
scripts/allowlist.py; anything nh3 would change is a warning naming the source
file and line, which fails the strict MkDocs build. The unit tests run the
guard inside Python-Markdown alone; the build tests run it under MkDocs and
Zensical, the two generators the guide builds with.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess

import markdown
import nh3
import pytest

from conftest import BIN, ENV, ROOT, copy_project, mkdocs_build
from scripts import allowlist
from scripts.extensions import guard

EXTENSIONS = ["attr_list", "admonition", "tables", "md_in_html", "def_list", "pymdownx.superfences", "scripts.extensions.guard"]

# What an author might write, and the code and body line (1-based) the guard must report for it.
REFUSED = {
    "attr_list_onclick": ("A paragraph.\n{: onclick=\"alert(1)\" }\n", "HTML002", 2),
    "attr_list_javascript_href": ("Text.\n\n[text](page.md){: href=\"javascript:alert(1)\" }\n", "HTML003", 3),
    "entity_encoded_scheme": ("<a href=\"java&#115;cript:alert(1)\">run</a>\n", "HTML003", 1),
    "inline_style_url": ("A paragraph.\n{: style=\"background:url(https://t.example/p.png)\" }\n", "HTML006", 2),
    "reference_style_remote_image": ("Look ![logo][l] here.\n\n[l]: https://images.example/x.png\n", "HTML004", 3),
    "a_ping": ("Text.\n\nSee <a href=\"https://example.org\" ping=\"https://t.example/\">this</a>.\n", "HTML004", 3),
}


def render(source: str, caplog) -> tuple[str, list[str]]:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mkdocs.extensions.guide"):
        html = markdown.Markdown(extensions=EXTENSIONS).convert(source)
    return html, [record.getMessage() for record in caplog.records]


@pytest.mark.parametrize("name", REFUSED)
def test_guard_reports_what_the_allow_list_would_change(name, caplog):
    source, code, line = REFUSED[name]
    html, messages = render(source, caplog)
    assert len(messages) == 1, messages
    assert re.match(rf"^\(page\):{line}:\d+: {code} rendered HTML: ", messages[0]), messages[0]
    # The page is written out sanitized, so a non-strict preview never serves the markup either.
    for unsafe in ("onclick", "javascript", "java&#115;", "url(", "images.example", "ping"):
        assert unsafe not in html, html


def test_guard_accepts_what_the_guides_markdown_produces(caplog):
    source = ("# Title\n\n!!! summary \"At a glance\"\n    - One point.\n\n| Left | Right |\n|:--|--:|\n| a | b |\n\n"
              "Term\n:   Definition.\n\n```html\n<script>x()</script>\n```\n\nA [link](https://example.org \"title\"), "
              "![photo](assets/photo.png){ width=\"300\" }, `<b>`, <https://pubmed.ncbi.nlm.nih.gov/>, "
              "[call](tel:988), [text](sms:85258?body=SHOUT), [mail](mailto:a@b.org).\n{: #anchor .note }\n")
    html, messages = render(source, caplog)
    assert messages == []
    assert 'style="text-align: right;"' in html and 'class="highlight"' in html and "<script" not in html


def test_trusted_generated_html_passes_only_as_registered(caplog):
    """An extension's own block outside the allow-list passes; the same tag written by an author does not."""
    from markdown.extensions import Extension
    from markdown.treeprocessors import Treeprocessor
    import xml.etree.ElementTree as etree

    block = '<script type="application/ld+json">{"@type": "FAQPage"}</script>'

    class Emit(Treeprocessor):
        def run(self, root):
            etree.SubElement(root, "p").text = guard.trust(self.md, block)

    class EmitExtension(Extension):
        def extendMarkdown(self, md):
            md.treeprocessors.register(Emit(md), "emit", 1)

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mkdocs.extensions.guide"):
        html = markdown.Markdown(extensions=[*EXTENSIONS, EmitExtension()]).convert("Text.\n")
    assert block in html and not caplog.records
    html, messages = render(f"Text.\n\n{block}\n", caplog)
    assert [m.split(": ", 1)[1].split(" ")[0] for m in messages] == ["HTML001"]
    assert "<script" not in html


def test_guard_reports_every_occurrence_on_its_own_line(caplog):
    _, messages = render("One.\n{: onclick=\"a()\" }\n\nTwo.\n\nThree.\n{: onclick=\"b()\" }\n", caplog)
    assert [m.split(":")[1] for m in messages] == ["2", "7"]


def test_allow_list_matches_nh3_on_allowed_markup():
    """Everything the allow-list names survives nh3 unchanged, so the guard and the check judge alike."""
    for tag in allowlist.TAGS:
        attributes = {**allowlist.ATTRIBUTES["*"], **allowlist.ATTRIBUTES.get(tag, {})}
        values = {"href": "https://example.org/", "src": "assets/x.png", "style": "text-align: center;", "start": "3", "tabindex": "0"}
        attrs = " ".join(f'{name}="{values.get(name, "v")}"' for name in attributes)
        html = f"<{tag} {attrs}>x</{tag}>" if tag not in ("br", "hr", "img") else f"<{tag} {attrs}>"
        if tag in ("li", "dt", "dd", "table", "caption", "tr", "td", "th", "thead", "tbody", "summary", "figcaption"):
            continue  # only valid inside their parents; covered by the Markdown test above
        assert guard.differences(html)[0] == [], html
    assert all(reason.strip() for reason in allowlist.TAGS.values())
    assert all(reason.strip() for names in allowlist.ATTRIBUTES.values() for reason in names.values())
    assert all(reason.strip() for reason in allowlist.URL_SCHEMES.values())
    assert nh3.clean('<a href="javascript:x">y</a>', **allowlist.nh3_arguments()) == "<a>y</a>"


# --- Under MkDocs -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", REFUSED)
def test_strict_mkdocs_build_refuses_the_page(tmp_path, name):
    source, code, line = REFUSED[name]
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "about.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\n" + source, encoding="utf-8")
    result = mkdocs_build(project / "mkdocs.yml", tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    expected_line = text.count("\n") + 1 + line
    assert re.search(rf"docs/about\.md:{expected_line}:\d+: {code} rendered HTML: ", output), output


FIELDS = {
    "title": "<script>alert('title')</script>About",
    "description": "<img src=x onerror=alert('description')> About the guide.",
    "summary": "<b onclick=\"alert('summary')\">First</b> version.",
}  # a reviewer's name and role come from data/reviewers.yaml: test_accountability.py puts markup in them


@pytest.mark.slow
def test_front_matter_markup_is_escaped_in_every_built_page(tmp_path):
    """Markup in each printed field: the strict build refuses it, and a non-strict build prints it only as text."""
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "about.md"
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", "title: " + FIELDS["title"], text, count=1)
    text = re.sub(r"(?m)^description: .*$", "description: " + FIELDS["description"], text, count=1)
    text = re.sub(r"(?m)^    summary: .*$", "    summary: " + FIELDS["summary"], text, count=1)
    page.write_text(text, encoding="utf-8")
    strict = mkdocs_build(project / "mkdocs.yml", tmp_path / "strict-site")
    assert strict.returncode != 0 and "FM016" in strict.stdout + strict.stderr
    result = subprocess.run([str(BIN / "mkdocs"), "build", "--no-strict", "-d", str(tmp_path / "site")], cwd=project,
                            capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stderr
    built = (tmp_path / "site" / "about" / "index.html").read_text(encoding="utf-8")
    for field, value in FIELDS.items():
        opening = re.match(r"<\w+[^>]*?(?= |>)", value).group(0)  # '<script', '<img src=x', '<b onclick="alert(...)"'...
        assert "&lt;" + opening[1:].split(" ")[0] in built, f"{field} is not shown, escaped, in the page"
    for other in (tmp_path / "site").rglob("*.html"):  # the title also reaches other pages (changes, references)
        html = other.read_text(encoding="utf-8")
        for raw in ("<script>alert", "<img src=x onerror", "<b onclick"):
            assert raw not in html, f"{raw} printed raw in {other}"


# --- Under Zensical -----------------------------------------------------------------


@pytest.mark.slow
def test_zensical_reports_the_guard_and_publishes_the_page_sanitized(tmp_path):
    """Zensical 0.0.73 runs the guard, prints its message with file and line, and writes the sanitized page,
    but does not fail the build on an extension's warning (it still says "No issues found"). The gate therefore
    runs `make check` and the strict MkDocs build, which fail on the same markup; this test pins the behaviour so
    a Zensical release that starts failing (or stops reporting) is noticed."""
    from test_zensical import zensical_executable

    executable = zensical_executable()
    project = tmp_path / "project"
    for name in ("docs", "data", "overrides", "scripts"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    page = project / "docs" / "about.md"
    text = page.read_text(encoding="utf-8")
    source, code, line = REFUSED["attr_list_onclick"]
    text = re.sub(r"(?m)^title: .*$", "title: " + FIELDS["title"], text, count=1)
    text = re.sub(r"(?m)^description: .*$", "description: " + FIELDS["description"], text, count=1)
    page.write_text(text + "\n" + source, encoding="utf-8")
    result = subprocess.run([str(executable), "build", "--clean"], cwd=project, capture_output=True, text=True,
                            env={**ENV, "PYTHONPATH": str(project)})
    assert len(re.findall(r"docs/about\.md:2:1: FM016 ", result.stdout + result.stderr)) == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    expected_line = text.count("\n") + 1 + line
    assert re.search(rf"docs/about\.md:{expected_line}:\d+: {code} rendered HTML: event handler 'onclick'", output), output
    assert result.returncode == 0 and "No issues found" in output, output  # the behaviour pinned above
    built = (project / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert "alert(1)" not in built and "A paragraph." in built
    assert "<img src=x onerror" not in built and "&lt;img src=x onerror" in built
    assert re.search(r"<title>&lt;script&gt;alert\(&#x27;title&#x27;\)", built), "the <title> override escapes under Zensical too"
    for other in (project / "site").rglob("*.html"):  # header and <meta name="description"> too (overrides/main.html)
        assert "<script>alert('title')" not in other.read_text(encoding="utf-8"), other


# --- Any input: reported, never raised ---------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

PIECES = st.sampled_from(["<a href='x'>", "</a>", "<p", ">", "<", "&#115;", "&", "\"", "'", "=", "onclick", "<script>", "</script>",
                          "<!--", "-->", "<table>", "<td>", "x", " ", "\n", "<img src=//e.com/x alt=a>", "style=", "<svg>",
                          "javascript:", "<b>", "</b>", "<![CDATA[", "<?x?>", "<textarea>", "{: #a }"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_any_html_is_judged_without_raising(fragment):
    found, cleaned = guard.differences(fragment)
    assert all(finding.code and finding.message for *_, finding in found)
    if not found:  # nothing reported: the sanitizer keeps every tag, attribute and text
        assert guard.tokens(fragment) == guard.tokens(cleaned)

"""The libyaml fast path of sources.load_yaml gives the same data and the same line numbers as the
pure-Python loader, on every data file and front matter of the guide and on awkward inputs."""

from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT
from scripts import sources


def pure(text: str, first_line: int = 1):
    loader = type("_Pure", (sources._LineLoader,), {"line_offset": first_line - 1})
    return yaml.load(text, Loader=loader)  # noqa: S506 - SafeLoader subclass


def lines(value) -> list:
    """Every mapping's and list's recorded line, depth first, with the data itself."""
    if isinstance(value, dict):
        return [("map", value.line), *[item for key, child in value.items() for item in (key, *lines(child))]]
    if isinstance(value, list):
        return [("list", value.line), *[item for child in value for item in lines(child)]]
    return [value]


def test_libyaml_is_used_here():
    assert sources._LIBYAML, "PyYAML was installed without libyaml: builds fall back to the slow loader"


def test_every_data_file_and_front_matter_loads_the_same_with_the_same_lines():
    texts = [(path.read_text(encoding="utf-8"), 1) for path in sorted((ROOT / "data").glob("*.yaml"))]
    for page in sources.content_pages():
        text = page.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            texts.append((text[4:text.index("\n---", 4)], 2))
    assert len(texts) >= 20
    for text, first_line in texts:
        parsed, fast = sources._load_yaml_fast(text, first_line)
        assert parsed
        assert lines(fast) == lines(pure(text, first_line))


def test_text_with_other_line_breaks_or_errors_takes_the_exact_path():
    assert sources._load_yaml_fast("a: 1\u2028b: 2\n", 1) == (False, None)
    assert sources._load_yaml_fast("a: [1\n", 1) == (False, None)
    try:
        sources.load_yaml("a: 1\nb: [1\n", "x.yaml")
    except sources.SourceError as error:
        assert error.problems[0].code == "YAML001" and error.problems[0].line >= 2
    else:
        raise AssertionError("a syntax error must be reported")


scalars = st.one_of(st.integers(), st.booleans(), st.text(alphabet="abc xyz-:#'\"", max_size=8), st.none())
documents = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=3),
    st.dictionaries(st.text(alphabet="abcdef", min_size=1, max_size=5), children, max_size=3)), max_leaves=12)


@given(documents, st.booleans())
def test_any_document_loads_the_same_with_the_same_lines(document, flow):
    text = yaml.safe_dump(document, default_flow_style=flow)
    parsed, fast = sources._load_yaml_fast(text, 3)
    if parsed:
        assert lines(fast) == lines(pure(text, 3))

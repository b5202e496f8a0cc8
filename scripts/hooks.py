"""MkDocs hooks: things that change no content, so losing them under Zensical loses no information.

After every build (make build, make serve, and each edition mike builds) the Pagefind search
index is written into the site, so each edition searches only itself. Under Zensical, run
`python -m scripts search-index SITE_DIR` after the build instead.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError


def on_post_build(config, **kwargs) -> None:
    from scripts.search_index import SearchIndexError, build_search_index

    try:
        build_search_index(Path(config["site_dir"]))
    except SearchIndexError as error:
        raise PluginError(str(error)) from None

"""MkDocs hooks: output fixes that change no content, so losing them under Zensical loses no information.

Material 9.8.1's search dialog has role="dialog" but no accessible name (Lighthouse's
aria-dialog-name audit). The fix is one attribute; copying Material's whole search
partial to add it would freeze that template at this version.
"""

from __future__ import annotations

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search this guide">'


def on_post_page(output: str, **kwargs) -> str:
    return output.replace(SEARCH_DIALOG, NAMED_SEARCH_DIALOG, 1)


def on_post_template(output_content: str, template_name: str, **kwargs) -> str:
    return output_content.replace(SEARCH_DIALOG, NAMED_SEARCH_DIALOG, 1)

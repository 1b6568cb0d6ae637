"""Letter bodies: Markdown rendered to HTML, then sanitised with nh3 before it reaches a page.

Coordinators write the Markdown, but a letter body is also pasted from Word documents and emails; the sanitiser
is what guarantees that a stray `<script>` or `onerror=` never runs on the public page, whoever typed it.
"""

from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a", "blockquote", "h2", "h3", "h4", "h5", "h6",
    "hr", "code", "pre", "sup", "sub", "table", "thead", "tbody", "tr", "th", "td", "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Headings inside a letter start at h2: the page's h1 is the letter's title.
_EXTENSIONS = ["sane_lists", "tables", "footnotes"]


@lru_cache(maxsize=512)
def _render(text):
    html = markdown_lib.markdown(text, extensions=_EXTENSIONS, output_format="html")
    # Footnotes need ids for their back-references; nh3 would strip them, so footnote links are kept as plain
    # superscripts (the numbering stays right, the jump link is dropped).
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text):
    """Safe HTML for a Markdown letter body. Cached: a letter page is read far more often than it is edited."""
    return mark_safe(_render(text or ""))  # noqa: S308 - sanitised by nh3 above

"""Article text to safe HTML: basic Markdown, then an allow-list sanitizer.

Raw HTML in a body is never trusted: Markdown passes it through, and nh3 (the Rust
ammonia sanitizer) then removes every tag, attribute and URL scheme not listed here.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text):
    if not text:
        return ""
    return sanitize_html(markdown.markdown(text, output_format="html"))

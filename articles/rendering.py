"""Article text to safe HTML: basic Markdown, then an allow-list sanitizer.

Raw HTML in a body is never trusted: Markdown passes it through, and nh3 (the Rust
ammonia sanitizer) then removes every tag, attribute and URL scheme not listed here.

Most wire copy is plain paragraphs with nothing Markdown would read as markup; such a
text (`is_plain`) is wrapped in `<p>` tags directly, which is what Markdown makes of it,
and sanitised as any other (tests/test_rendering.py holds the two paths equal).
"""

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# A plain text: lines of characters Markdown reads as themselves, one newline between
# the lines of a paragraph and one blank line between paragraphs, nothing before the
# first or after the last. Out: what Markdown reads inline (\ ` * _ [ ] ! < > &, its
# own placeholders \x02 \x03 among the control characters, a byte-order mark), any
# white space but the space and the newline, a space at either end of a line (an
# indented block, a line break), and a line starting as a block does (# > - + = | ~ :
# a heading, quote, list, rule, table or definition; a digit: "1986. A year" is a list).
_PLAIN_CHAR = r"[^\\`*_\[\]!<>&\x00-\x1f\x7f-\x9f\ufeff\s]"
_LINE = rf"(?![#>\-+=|~:\d]){_PLAIN_CHAR}(?:(?:{_PLAIN_CHAR}| )*{_PLAIN_CHAR})?"
_PLAIN = re.compile(rf"{_LINE}(?:\n\n?{_LINE})*")


def sanitize_html(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def is_plain(text):
    """Whether `text` (a str) is plain paragraphs Markdown leaves as they are (see _PLAIN)."""
    return _PLAIN.fullmatch(text) is not None


def render_markdown(text):
    """`text` (Markdown, str) as sanitised HTML (str); "" for an empty text."""
    if not text:
        return ""
    if is_plain(text):
        html = "\n".join(f"<p>{paragraph}</p>" for paragraph in text.split("\n\n"))
    else:
        html = markdown.markdown(text, output_format="html")
    return sanitize_html(html)

"""Plain-text wire copy into a `Story`: `parse_wire_copy(text)`.

A document looks like this (paragraphs separated by blank lines):

    Headline on one line

    Summary (standfirst).

    ERBIL (Kurdistan 24) – First paragraph, often repeating the summary.

    Body paragraphs ...

    Editing by Laurie Mylroie

The dateline (articles.wire.datelines) gives the place and the source; credit lines and
trailers (articles.wire.credits) give bylines and editors and leave the text.
"""

import re

from ..text import lf, xml_safe
from .credits import take_byline, take_closing_credits
from .datelines import parse_dateline
from .story import Story, WireCopyError

MAX_HEADLINE_LENGTH = 300

# Anything below a space but the tab, line feed, form feed and carriage return: a file
# holding these is not wire copy text, and is refused. The form feed (a page break in
# some agencies' copy) is accepted, and removed with whatever else XML 1.0 forbids
# (articles.text, the rule every stored text follows).
CONTROL_CHARACTER_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _normalise(text):
    return " ".join(text.split())


def split_paragraphs(text):
    text = lf(text)
    paragraphs = re.split(r"\n\s*\n", text)
    return [p.strip() for p in paragraphs if p.strip()]


def parse_wire_copy(text):
    """Parse one wire document. Raises WireCopyError with a reason for malformed input."""
    if CONTROL_CHARACTER_RE.search(text):
        raise WireCopyError("contains control characters; not wire copy text")
    paragraphs = split_paragraphs(xml_safe(text))
    if not paragraphs:
        raise WireCopyError("empty document")

    first, *rest = paragraphs
    headline_lines = first.split("\n")
    headline = headline_lines[0].strip()
    if len(headline) > MAX_HEADLINE_LENGTH:
        raise WireCopyError(
            f"first line is {len(headline)} characters; a headline is at most {MAX_HEADLINE_LENGTH}"
        )
    if len(headline_lines) > 1:
        # Headline and summary separated by a single line break.
        rest.insert(0, "\n".join(headline_lines[1:]).strip())
    if not rest:
        raise WireCopyError("only a headline: no summary, dateline or body")
    # "By Jane Roe" before the dateline is a byline, never the summary (articles.wire.credits).
    byline, rest = take_byline(rest)

    # The dateline opens the paragraph after the summary, or the first one when there is
    # no summary (articles.wire.datelines). A story with none (a feature, a statement)
    # imports too: its place and source come from the sidecar or the feed.
    dateline_index = next(
        (i for i, paragraph in enumerate(rest[:2]) if parse_dateline(paragraph)), None
    )
    summary = rest[0] if dateline_index == 1 or dateline_index is None else ""
    dateline = None
    if dateline_index is None:
        body_paragraphs = rest[1:] or rest[:1]
        lead = summary
    else:
        dateline = parse_dateline(rest[dateline_index])
        body_paragraphs = rest[dateline_index + 1 :]
        lead = dateline.rest
        if not lead and body_paragraphs:  # "MOSUL, Iraq" alone on its line, then the text
            lead = body_paragraphs.pop(0)
        if lead and (not summary or _normalise(lead) != _normalise(summary)):
            body_paragraphs.insert(0, lead)
    if not summary:
        summary = lead

    # "Reporting by A; Editing by B", "/End/", desk codes: credits, not text.
    closing, body_paragraphs = take_closing_credits(body_paragraphs)

    return Story(
        headline=headline,
        summary=summary,
        dateline_city=_normalise(dateline.place or "") if dateline else "",
        dateline_text=_normalise(dateline.place_text or "") if dateline else "",
        # The dateline's source, else the agency the byline line names.
        source=_normalise((dateline.source if dateline else "") or byline.agency or ""),
        body_paragraphs=[p.rstrip() for p in body_paragraphs],
        editors=closing.editors,
        bylines=list(dict.fromkeys(byline.bylines + closing.bylines)),
        agency=byline.agency,
    )

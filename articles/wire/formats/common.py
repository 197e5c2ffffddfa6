"""What the format parsers share: safe XML, HTML bodies as plain paragraphs, times, and the
one step that turns what a format says into a `Story`.

XML is parsed with defusedxml (an ElementTree parser that refuses any DTD, entity
declaration or external reference), so that no document can read a file, reach the
network or expand entities (XXE, "billion laughs"). HTML bodies are read with the standard
library's `html.parser`: block elements become paragraphs, `<br>` a line break, entities
are decoded and no markup is kept.
"""

import re
from html.parser import HTMLParser
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ...models import Article
from ...text import lf, xml_safe
from ..credits import (
    AGENCIES,
    AGENCY_WORD_RE,
    Credits,
    parse_byline,
    parse_credit_line,
    split_names,
    take_byline,
    take_closing_credits,
)
from ..datelines import parse_dateline
from ..files import key_problem
from ..sidecar import parse_published_at
from ..story import Story, WireCopyError
from ..text import MAX_HEADLINE_LENGTH

# Elements that end a paragraph in an HTML or XHTML body.
BLOCK_ELEMENTS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "section",
    "article", "header", "footer", "figure", "figcaption", "table", "tr", "ul", "ol", "dl",
    "dt", "dd", "hr", "address", "aside", "main", "body", "html", "block", "hl1", "hl2",
}  # fmt: skip
# What a <br> leaves in the text until the paragraph is made: a character that xml_safe
# removes from every input, so none can stand for it.
LINE_BREAK = "\x00"
# Elements whose text is never story text.
SKIPPED_ELEMENTS = {"script", "style", "head", "title", "template", "noscript", "media"}
# ISO 8601 basic format (NITF's `norm`): 20260312T101500+0300, 20260312T1015Z, 20260312.
BASIC_TIME_RE = re.compile(
    r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(?:[.,]\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)


def local_name(tag):
    """`{namespace}name` or `prefix:name` as `name`; a comment's or processing
    instruction's tag (not a string) as ""."""
    if not isinstance(tag, str):
        return ""
    return tag[tag.rfind("}") + 1 :].rpartition(":")[2]


def parse_xml(data):
    """The root element of the XML document `data` (bytes).

    Raises WireCopyError for a document that is not well-formed, declares a DTD or
    entities, refers to anything outside itself, or nests too deep."""
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise WireCopyError(f"unsafe XML refused ({type(error).__name__}): {error}") from None
    except ParseError as error:
        raise WireCopyError(f"not well-formed XML: {error}") from None
    except RecursionError:
        raise WireCopyError("XML nests too deep to be a story") from None


def element_text(element):
    """All the text inside `element`, whitespace collapsed; "" for None."""
    if element is None:
        return ""
    return " ".join(xml_safe("".join(element.itertext())).split())


class _ParagraphParser(HTMLParser):
    """Collects the paragraphs of an HTML fragment (see html_paragraphs)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs = []
        self.current = []
        self.skipping = 0

    def flush(self):
        lines = "".join(self.current).split(LINE_BREAK)
        text = xml_safe("\n".join(" ".join(line.split()) for line in lines).strip())
        if text:
            self.paragraphs.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        self.start(local_name(tag))

    def start(self, name):
        if name in SKIPPED_ELEMENTS:
            self.skipping += 1
        elif name == "br":
            self.current.append(LINE_BREAK)
        elif name in BLOCK_ELEMENTS:
            self.flush()

    def handle_startendtag(self, tag, attrs):
        name = local_name(tag)
        if name == "br":
            self.current.append(LINE_BREAK)
        elif name in BLOCK_ELEMENTS:
            self.flush()

    def handle_endtag(self, tag):
        self.end(local_name(tag))

    def end(self, name):
        if name in SKIPPED_ELEMENTS:
            self.skipping = max(0, self.skipping - 1)
        elif name in BLOCK_ELEMENTS:
            self.flush()

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)


def html_paragraphs(html):
    """The paragraphs of an HTML (or XHTML) body as plain text: one per block element
    (p, h1-h6, li, blockquote, div, ...), a `<br>` as a line break inside one, entities
    decoded, whitespace collapsed, scripts and styles dropped, no markup kept."""
    parser = _ParagraphParser()
    parser.feed(xml_safe(lf(html)))
    parser.close()
    parser.flush()
    return parser.paragraphs


def text_paragraphs(text):
    """The paragraphs of a plain-text body: split at blank lines, or at each line break
    when the text has no blank line (one paragraph a line, as some agencies send)."""
    text = xml_safe(lf(text))
    separator = r"\n[ \t]*\n" if re.search(r"\n[ \t]*\n", text) else r"\n"
    return [paragraph.strip() for paragraph in re.split(separator, text) if paragraph.strip()]


def xhtml_paragraphs(element):
    """The paragraphs of an XHTML element tree (NewsML-G2's inlineXML, NITF's body.content),
    walked without recursion: block elements are paragraphs, `<br/>` a line break."""
    parser = _ParagraphParser()
    stack = [(element, None)]
    while stack:
        node, closing = stack.pop()
        if closing is not None:  # the end of `node`, whose local name `closing` is
            parser.end(closing)
            if node.tail:
                parser.handle_data(node.tail)
            continue
        name = local_name(node.tag)
        parser.start(name)
        if node.text:
            parser.handle_data(node.text)
        stack.append((node, name))
        stack.extend((child, None) for child in reversed(node))
    parser.flush()
    return parser.paragraphs


def parse_time(value, field):
    """An aware datetime from an ISO 8601 date or time (extended, or basic as NITF's
    `norm` writes it); without an offset, the newsroom's time (settings.TIME_ZONE,
    Asia/Baghdad); a date alone, noon that day. None for None or "".

    Raises WireCopyError naming `field` for anything else, or a year an article cannot
    have (see articles.models.publication_date_error)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise WireCopyError(f"{field} {value!r} is not an ISO 8601 date or time")
    value = value.strip()
    basic = BASIC_TIME_RE.match(value)
    if basic:
        year, month, day, hour, minute, second, zone = basic.groups()
        value = f"{year}-{month}-{day}"
        if hour:
            value += f"T{hour}:{minute}:{second or '00'}"
            if zone and zone != "Z" and ":" not in zone and len(zone) == 5:
                zone = f"{zone[:3]}:{zone[3:]}"
            value += zone or ""
    try:
        return parse_published_at(value)
    except WireCopyError as error:
        message = str(error).replace("published_at", field, 1)
        raise WireCopyError(message) from None


def first_time(*candidates):
    """The first of (value, field name) pairs that gives a time, as parse_time reads it."""
    for value, field in candidates:
        parsed = parse_time(value, field)
        if parsed is not None:
            return parsed
    return None


def credits_from_by(by):
    """Credits from a structured byline (`by`, `byline`): "By Jane Roe", "Jane Roe and
    Omar Ali", "JANE ROE, Reuters", "By A and B Associated Press". A trailing part is
    taken as the agency only when it reads as one (a known agency, or a name ending in
    Press, News, Agency, ...); a text that does not read as names is kept as one byline
    as written."""
    by = " ".join(xml_safe(by or "").split())
    if not by:
        return Credits()
    credits = parse_byline(by if re.match(r"^(?:By|BY)\b", by) else f"By {by}")
    if credits is not None and (not credits.agency or is_agency(credits.agency)):
        return credits
    names = split_names(re.sub(r"^(?:By|BY)\s*:?\s+", "", by))
    return Credits(bylines=names or [by])


def is_agency(name):
    """Whether `name` reads as a news agency's or outlet's name (articles.wire.credits)."""
    return name.casefold() in {known.casefold() for known in AGENCIES} or bool(
        AGENCY_WORD_RE.search(name)
    )


# "Associated Press writer Dilan Rashid in Erbil contributed to this report.": the closing
# line with which AP credits the reporters who helped.
CONTRIBUTOR_RE = re.compile(
    r"^(?:The\s+)?(?P<agency>Associated Press|AP|Reuters|AFP)\s+(?:staff\s+)?"
    r"(?:writers?|reporters?|correspondents?|journalists?|photographers?)\s+"
    r"(?P<names>.+?)\s+contributed\b[^.]*\.?$"
)
# " in Erbil", " from Baghdad": where a contributor was, after the name.
CONTRIBUTOR_PLACE_RE = re.compile(
    r"\s+(?:in|from)\s+[A-Z][\w'’.-]*(?:\s+(?:al-)?[A-Z][\w'’.-]*)*(?=\s*(?:,|and\b|$))"
)


def parse_contributor_line(line):
    """Credits from an agency's contributor line ("Associated Press writers A in Erbil and
    B contributed to this report."), or None when the line is anything else."""
    match = CONTRIBUTOR_RE.match(" ".join(line.split()))
    if match is None:
        return None
    names = split_names(CONTRIBUTOR_PLACE_RE.sub("", match["names"]))
    return Credits(bylines=names) if names else None


def take_contributor_lines(paragraphs):
    """(Credits, paragraphs left) once the contributor lines closing the story are taken."""
    paragraphs = list(paragraphs)
    credits = Credits()
    while paragraphs and (found := parse_contributor_line(paragraphs[-1])) is not None:
        credits.bylines[:0] = found.bylines
        paragraphs.pop()
    return credits, paragraphs


def build_story(
    *,
    headline,
    paragraphs,
    summary="",
    located="",
    dateline="",
    source="",
    by="",
    credit_lines=(),
    key="",
    published_at=None,
    language="",
    tags=(),
    places=(),
):
    """The Story a structured document tells, its text read as the plain-text importer
    reads it: a byline line opening the body and credit lines and trailers closing it
    (articles.wire.credits) leave the text and become bylines and editors; a dateline
    opening the first paragraph (articles.wire.datelines) leaves it and gives the place
    and source when the document has no structured ones.

    `located` is the structured dateline place ("Erbil"), `dateline` a structured dateline
    as text ("ERBIL, Iraq (AFP)"), `by` a structured byline, `credit_lines` further
    credit lines the format keeps apart from the body (NITF's tagline). Raises
    WireCopyError for a document without a headline or body, or with an unusable key."""
    headline = " ".join(xml_safe(headline or "").split())
    if not headline:
        raise WireCopyError("no headline")
    if len(headline) > MAX_HEADLINE_LENGTH:
        raise WireCopyError(
            f"headline is {len(headline)} characters; a headline is at most {MAX_HEADLINE_LENGTH}"
        )
    paragraphs = [xml_safe(lf(p)).strip() for p in paragraphs if p and xml_safe(p).strip()]
    byline, paragraphs = take_byline(paragraphs)
    structured = credits_from_by(by)

    found = parse_dateline(paragraphs[0]) if paragraphs else None
    if found is not None:
        if found.rest:
            paragraphs[0] = found.rest
        else:  # "MOSUL, Iraq" alone on its line
            paragraphs.pop(0)
    dateline = " ".join(xml_safe(dateline or "").split()).rstrip(" -–—:").strip()
    given = parse_dateline(dateline) if dateline else None
    dateline_from = given or found

    closing, paragraphs = take_closing_credits(paragraphs)
    contributors, paragraphs = take_contributor_lines(paragraphs)
    if contributors.bylines:  # credit lines may stand before the contributor line
        more, paragraphs = take_closing_credits(paragraphs)
        closing.bylines = more.bylines + closing.bylines + contributors.bylines
        closing.editors = more.editors + closing.editors
    extra_bylines, extra_editors = [], []
    for line in credit_lines:
        credits = parse_credit_line_or_byline(line)
        extra_bylines += credits.bylines
        extra_editors += credits.editors
    if not paragraphs:
        raise WireCopyError("empty body: no story text")

    summary = " ".join(xml_safe(lf(summary or "")).split()) or paragraphs[0]
    key = (key or "").strip()  # as given: a key is compared, never cleaned
    if key:
        problem = key_problem(key, Article._meta.get_field("import_key").max_length)
        if problem:
            raise WireCopyError(f"the document's id (its key) {problem}")
    place = " ".join(xml_safe(located or "").split())
    return Story(
        headline=headline,
        summary=summary,
        dateline_city=place or (_normalise(dateline_from.place) if dateline_from else ""),
        dateline_text=_normalise(dateline_from.place_text)
        if dateline_from
        else (_without_source(dateline) or place),
        source=" ".join(xml_safe(source or "").split())
        or (_normalise(dateline_from.source) if dateline_from else ""),
        body_paragraphs=[p.rstrip() for p in paragraphs],
        editors=list(dict.fromkeys(closing.editors + extra_editors)),
        bylines=list(
            dict.fromkeys(structured.bylines + byline.bylines + closing.bylines + extra_bylines)
        ),
        agency=structured.agency or byline.agency,
        key=key,
        published_at=published_at,
        language=" ".join(xml_safe(language or "").split()),
        tags=_names(tags),
        places=_names(places),
    )


def parse_credit_line_or_byline(line):
    """Credits from a line a format keeps apart ("Reporting by A; Editing by B", "By A")."""
    return (
        parse_credit_line(line) or parse_contributor_line(line) or parse_byline(line) or Credits()
    )


def _without_source(dateline):
    """A structured dateline the grammar cannot read, without a closing "(Source)"."""
    return re.sub(r"\s*\([^()]*\)$", "", dateline).strip(" ,")


def _normalise(text):
    return " ".join((text or "").split())


def _names(names):
    """Names as given, whitespace collapsed, each once, empty ones dropped."""
    cleaned = (" ".join(xml_safe(name).split()) for name in names if isinstance(name, str))
    return list(dict.fromkeys(name for name in cleaned if name))

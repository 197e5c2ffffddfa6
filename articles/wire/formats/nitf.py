"""IPTC NITF 3.x (News Industry Text Format) documents as a Story.

Elements are matched by local name, so a document in the NITF namespace
(http://iptc.org/std/NITF/2006-10-18/) and one without a namespace read the same. What
is read:

- key: `head/docdata/doc-id/@id-string`;
- time: `docdata/date.issue/@norm`, else `docdata/date.release/@norm`, else
  `body.head/dateline/story.date/@norm` (ISO 8601, basic or extended);
- headline: `body.head/hedline/hl1`, else `head/title`;
- summary: `body.head/abstract`; byline: `body.head/byline` (its `person` elements when
  it has any, else its text: "By Jane Roe, Reuters"); source: `body.head/distributor`,
  else `docdata/doc.copyright/@holder`;
- dateline: `body.head/dateline` (as text, its `location/city` the place); with none, a
  dateline opening the first paragraph;
- body: the `p` (and other block) elements of `body.content`; credits in
  `body.end/tagline` as well as closing the body;
- language: `@xml:lang` of `nitf`, `body` or `body.content`; tags: `key-list/keyword/@key`
  and `identified-content` classifiers, organisations and people; places:
  `identified-content/location` (its city, region and country).
"""

from ..story import WireCopyError
from .common import build_story, element_text, first_time, local_name, xhtml_paragraphs

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PLACE_PARTS = ("city", "state", "region", "country")


def is_nitf(root):
    return local_name(root.tag) == "nitf"


def children(element, name):
    """The children of `element` (None: none) whose local name is `name`."""
    if element is None:
        return []
    return [child for child in element if local_name(child.tag) == name]


def child(element, *path):
    """The first element down `path` (local names) from `element`, or None."""
    for name in path:
        found = children(element, name)
        if not found:
            return None
        element = found[0]
    return element


def _norm(element):
    return element.get("norm", "") if element is not None else ""


def _places(identified):
    places = []
    for location in children(identified, "location"):
        parts = [
            element_text(part) for part in location.iter() if local_name(part.tag) in PLACE_PARTS
        ]
        places += parts or [element_text(location) or location.get("value", "")]
    return places


def _tags(docdata, identified):
    tags = [keyword.get("key", "") for keyword in children(child(docdata, "key-list"), "keyword")]
    for name in ("classifier", "org", "person", "object.title", "event"):
        for element in children(identified, name):
            tags.append(element.get("value", "") or element_text(element))
    return tags


def _byline(body_head):
    """The byline as one text: its `person` elements joined with "and" and its `byttl`
    (the agency) after a comma when it has persons, else its text as written."""
    bylines = []
    for byline in children(body_head, "byline"):
        persons = [element_text(p) for p in byline.iter() if local_name(p.tag) == "person"]
        if not persons:
            bylines.append(element_text(byline))
            continue
        title = ", ".join(element_text(t) for t in byline.iter() if local_name(t.tag) == "byttl")
        bylines.append(" and ".join(persons) + (f", {title}" if title else ""))
    return " and ".join(byline for byline in bylines if byline)


def parse_root(root):
    """A Story from a parsed NITF document's root element. Raises WireCopyError."""
    head = child(root, "head")
    docdata = child(head, "docdata")
    body = child(root, "body")
    if body is None:
        raise WireCopyError("an NITF document without a body")
    body_head = child(body, "body.head")
    content = child(body, "body.content")
    doc_id = child(docdata, "doc-id")
    key = doc_id.get("id-string", "") if doc_id is not None else ""
    dateline = child(body_head, "dateline")
    copyright_holder = child(docdata, "doc.copyright")
    abstract = child(body_head, "abstract")
    tagline_lines = [
        element_text(tagline) for tagline in children(child(body, "body.end"), "tagline")
    ]
    identified = child(docdata, "identified-content")
    return build_story(
        headline=element_text(child(body_head, "hedline", "hl1"))
        or element_text(child(head, "title")),
        summary=" ".join(xhtml_paragraphs(abstract)) if abstract is not None else "",
        paragraphs=xhtml_paragraphs(content) if content is not None else [],
        located=element_text(child(dateline, "location", "city"))
        or element_text(child(dateline, "city")),
        dateline=_dateline_text(dateline),
        source=element_text(child(body_head, "distributor"))
        or (copyright_holder.get("holder", "") if copyright_holder is not None else ""),
        by=_byline(body_head),
        credit_lines=[line for line in tagline_lines if line],
        key=key,
        published_at=first_time(
            (_norm(child(docdata, "date.issue")), "date.issue"),
            (_norm(child(docdata, "date.release")), "date.release"),
            (_norm(child(dateline, "story.date")), "story.date"),
        ),
        language=root.get(XML_LANG, "")
        or body.get(XML_LANG, "")
        or (content.get(XML_LANG, "") if content is not None else ""),
        tags=_tags(docdata, identified),
        places=_places(identified),
    )


def _dateline_text(dateline):
    """The dateline as written, without the date the `story.date` element gives."""
    if dateline is None:
        return ""
    parts = [dateline.text or ""]
    for element in dateline:
        if local_name(element.tag) != "story.date":
            parts.append("".join(element.itertext()))
        parts.append(element.tail or "")
    return " ".join("".join(parts).split()).strip(" ,–—-")

"""IPTC NewsML-G2 text items (`newsItem`, alone or in a `newsMessage`) as a Story.

What is read, in the NewsML-G2 namespace (http://iptc.org/std/nar/2006-10-01/):

- key: `newsItem/@guid`;
- time: `itemMeta/firstCreated`, else `itemMeta/versionCreated`, else
  `contentMeta/contentCreated`;
- from `contentMeta`: `headline` (the main one: no role, or role `hltype:main`),
  `description` (the summary: no role or a summary role), `by`, `creditline` (the
  source), `dateline` (as text: "ERBIL, Iraq, March 12 (AFP)"), `located/name` (the
  dateline's place), `language/@tag` (else `newsItem/@xml:lang`), `subject/name` (places
  when its type is `cpnat:geoArea` or `cptType:5`, tags otherwise) and `keyword`;
- body: `contentSet/inlineXML` holding XHTML (`html/body`) or NITF (`body.content`), or
  `inlineData` holding plain text.

A `newsMessage` must carry exactly one text item (itemClass `ninat:text`): pictures and
other items beside it are left alone.
"""

from ..story import WireCopyError
from .common import (
    build_story,
    element_text,
    first_time,
    local_name,
    text_paragraphs,
    xhtml_paragraphs,
)

NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PLACE_TYPES = {"cpnat:geoArea", "cpnat:poi", "cptType:5", "cptType:4"}
SUMMARY_ROLES = {"", "drol:summary", "drol:abstract", "descrole:summary"}


def q(name):
    return f"{{{NAR}}}{name}"


def is_newsml(root):
    """Whether `root` is a NewsML-G2 newsMessage or newsItem."""
    return root.tag in (q("newsMessage"), q("newsItem"))


def _text_item(root):
    if root.tag == q("newsItem"):
        return root
    items = list(root.iter(q("newsItem")))
    text_items = [item for item in items if _is_text(item)]
    if not text_items:
        raise WireCopyError("a NewsML-G2 newsMessage without a text newsItem")
    if len(text_items) > 1:
        raise WireCopyError(
            f"a NewsML-G2 newsMessage with {len(text_items)} text items; one a file, please"
        )
    return text_items[0]


def _is_text(item):
    """Whether the item is text: its itemClass code is "text" (ninat:text, Reuters'
    icls:text), or it has no itemClass."""
    return _item_class(item).rsplit(":", 1)[-1] in ("", "text")


def _item_class(item):
    element = item.find(f"{q('itemMeta')}/{q('itemClass')}")
    return element.get("qcode", "") if element is not None else ""


def _name(element):
    """A concept's name (its first `name`), or its `literal`."""
    name = element.find(q("name"))
    return element_text(name) if name is not None else (element.get("literal") or "")


def _main_headline(meta):
    headlines = meta.findall(q("headline"))
    for headline in headlines:
        if headline.get("role", "") in ("", "hltype:main", "hld:main"):
            return element_text(headline)
    return element_text(headlines[0]) if headlines else ""


def _summary(meta):
    for description in meta.findall(q("description")):
        if description.get("role", "") in SUMMARY_ROLES:
            return element_text(description)
    return ""


def _paragraphs(item):
    content_set = item.find(q("contentSet"))
    if content_set is None:
        return []
    for content in content_set:
        kind = local_name(content.tag)
        if kind == "inlineXML":
            body = next(
                (e for e in content.iter() if local_name(e.tag) in ("body", "body.content")),
                content,
            )
            if local_name(body.tag) == "body":  # NITF's body: only its body.content
                nitf_content = next(
                    (e for e in body.iter() if local_name(e.tag) == "body.content"), None
                )
                body = nitf_content if nitf_content is not None else body
            return xhtml_paragraphs(body)
        if kind == "inlineData":
            return text_paragraphs(content.text or "")
    return []


def parse_root(root):
    """A Story from a parsed NewsML-G2 document's root element. Raises WireCopyError."""
    item = _text_item(root)
    if not _is_text(item):
        raise WireCopyError(f"a NewsML-G2 '{_item_class(item)}' item, not a text story")
    key = item.get("guid", "")
    if not key:
        raise WireCopyError("a NewsML-G2 newsItem without a guid")
    item_meta = item.find(q("itemMeta"))
    meta = item.find(q("contentMeta"))
    if meta is None:
        raise WireCopyError("a NewsML-G2 newsItem without contentMeta")

    def item_meta_text(name):
        return element_text(item_meta.find(q(name))) if item_meta is not None else ""

    located = meta.find(q("located"))
    language = meta.find(q("language"))
    tags, places = [], []
    for subject in meta.findall(q("subject")):
        (places if subject.get("type", "") in PLACE_TYPES else tags).append(_name(subject))
    tags += [element_text(keyword) for keyword in meta.findall(q("keyword"))]
    return build_story(
        headline=_main_headline(meta),
        summary=_summary(meta),
        paragraphs=_paragraphs(item),
        located=_name(located) if located is not None else "",
        dateline=element_text(meta.find(q("dateline"))),
        source=element_text(meta.find(q("creditline"))),
        by=" and ".join(element_text(by) for by in meta.findall(q("by"))),
        key=key,
        published_at=first_time(
            (item_meta_text("firstCreated"), "firstCreated"),
            (item_meta_text("versionCreated"), "versionCreated"),
            (element_text(meta.find(q("contentCreated"))), "contentCreated"),
        ),
        language=(language.get("tag", "") if language is not None else "")
        or item.get(XML_LANG, "")
        or root.get(XML_LANG, ""),
        tags=tags,
        places=places,
    )

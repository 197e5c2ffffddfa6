"""The one rule on the characters stored text may hold: those XML 1.0 allows.

Every text the newsroom stores can reach an XML document (feeds, sitemaps), and one
character XML 1.0 forbids makes the whole document unreadable: a vertical tab pasted into
a summary would break /feed/ for every reader. So such characters are removed where text
is stored (each model's save() and clean_fields(), see TextRuleModel in articles.models,
and the importer's parse step), and removed again as a last defence where XML is written
(articles.feeds, the news sitemap), for rows that were stored before the rule or written
back without save() (a restored revision).

What XML 1.0 (fifth edition, section 2.2) allows:

    Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]

So removed are:

- the C0 control characters but tab, line feed and carriage return (U+0000 to U+0008,
  U+000B, U+000C, U+000E to U+001F). Tab, LF and CR are kept, as are DEL (U+007F) and
  the C1 controls (U+0080 to U+009F), which XML 1.0 allows;
- U+FFFE and U+FFFF, the two noncharacters XML 1.0 excludes (a byte-swapped byte order
  mark, and "not a character"). The other noncharacters (U+FDD0 to U+FDEF, U+nFFFE)
  are allowed by XML 1.0 and kept;
- lone surrogates (U+D800 to U+DFFF), which a Python string can hold (a JSON escape
  "\\ud800" decodes to one) but no UTF-8 text can: neither database could store one, nor
  could any page or feed be encoded with one.

Removed, not replaced: the text reads as it did, minus the forbidden characters. Everything
else is kept as given: right-to-left marks and scripts, byte order marks, markup-like text.
"""

import re

FORBIDDEN_IN_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
FORBIDDEN_IN_XML_RE = re.compile(f"[{FORBIDDEN_IN_XML}]")


def xml_safe(text):
    """`text` without the characters XML 1.0 forbids; anything not a string as it is."""
    if not isinstance(text, str):
        return text
    return FORBIDDEN_IN_XML_RE.sub("", text)


def has_forbidden_characters(text):
    return isinstance(text, str) and FORBIDDEN_IN_XML_RE.search(text) is not None


def xml_safe_data(value):
    """A JSON value (lists and dicts of strings, say) with xml_safe applied to every string."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list):
        return [xml_safe_data(item) for item in value]
    if isinstance(value, dict):
        return {xml_safe_data(key): xml_safe_data(item) for key, item in value.items()}
    return value


def escape_xml_text(text):
    """Character data for an XML document written by hand: forbidden characters removed,
    `&`, `<` and `>` as hexadecimal character references (what the RSS Best Practices
    Profile recommends for plain text: it works in the widest number of readers), and
    carriage returns as `&#xD;`, which a parser would otherwise read as line feeds."""
    return (
        xml_safe(text)
        .replace("&", "&#x26;")
        .replace("<", "&#x3C;")
        .replace(">", "&#x3E;")
        .replace("\r", "&#xD;")
    )


def lf(text):
    """`text` with LF line endings, as the newsroom stores it: browsers post a textarea's
    lines ending in CRLF, and some wire copy ends them in CR. Anything not a string as it
    is."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if isinstance(text, str) else text

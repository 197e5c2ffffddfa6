"""The formats agencies deliver besides plain text, each read into a `Story`.

`parse_delivery(name, data)` chooses the parser by the file name's suffix and, for XML,
by the root element:

- `.json`: IPTC ninjs 1.x or 2.x (articles.wire.formats.ninjs);
- `.xml` whose root is a NewsML-G2 `newsMessage` or `newsItem` (in the namespace
  http://iptc.org/std/nar/2006-10-01/): articles.wire.formats.newsml;
- `.xml` whose root is `nitf` (NITF 3.x, with or without its namespace):
  articles.wire.formats.nitf.

Every parser returns a plain `articles.wire.story.Story` and touches no database; the
writer stores it as it stores plain text. Anything malformed or unsafe (not UTF-8, not
well-formed, a DTD or entity declaration, an external reference, too large, too deep, the
wrong root, no headline, an empty body) raises `articles.wire.story.WireCopyError` with a
reason, and no other exception.
"""

from ..files import MAX_FILE_BYTES
from ..story import Story, WireCopyError
from . import newsml, ninjs, nitf
from .common import local_name, parse_xml

__all__ = ["parse_delivery", "MAX_DELIVERY_BYTES"]

# The most a delivered document may hold: what the importer reads of any one file.
MAX_DELIVERY_BYTES = MAX_FILE_BYTES


def parse_delivery(name: str, data: bytes) -> Story:
    """The story in the delivered file `name` (its suffix decides the format) whose
    contents are `data` (bytes, at most MAX_DELIVERY_BYTES).

    Raises WireCopyError saying why for an unknown suffix, an oversized file, or a
    document its format's parser cannot read (see each module)."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ("json", "xml"):
        raise WireCopyError(f"not a delivered format: .json or .xml expected, not {name!r}")
    if len(data) > MAX_DELIVERY_BYTES:
        raise WireCopyError(f"larger than {MAX_DELIVERY_BYTES // 1024} KiB")
    try:
        if suffix == "json":
            return ninjs.parse(data)
        root = parse_xml(data)
        if newsml.is_newsml(root):
            return newsml.parse_root(root)
        if nitf.is_nitf(root):
            return nitf.parse_root(root)
    except RecursionError:
        raise WireCopyError("nests too deep to be a story") from None
    raise WireCopyError(
        f"root element <{local_name(root.tag)}> is neither NewsML-G2 (newsMessage or "
        f"newsItem in {newsml.NAR}) nor NITF (nitf)"
    )

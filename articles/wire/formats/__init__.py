"""Wire formats other than plain text: ninjs (`.json`), NewsML-G2 and NITF (`.xml`).

A placeholder: `parse_delivery` of the formats' parsers replaces it.
"""

from ..story import Story, WireCopyError


def parse_delivery(name: str, data: bytes) -> Story:
    """The Story in the delivery file called `name` holding `data`. Raises
    WireCopyError with the reason it cannot be read."""
    raise WireCopyError(f"{name.rpartition('.')[2]} deliveries are not supported yet")

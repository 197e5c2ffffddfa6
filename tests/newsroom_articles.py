"""Articles as the newsroom publishes them: two ordered bylines, an editor, tags, several
places and a correction; some with an Arabic-script headline."""

from articles.models import Correction
from tests.factories import make_article

ARABIC_HEADLINE = "مقتل جنديين أمريكيين في عملية أمنية شمال العراق"


def newsroom_article(headline=None, **fields):
    """A published article (or as `fields` say) with its full credits and a correction."""
    fields.setdefault("bylines", ["Jane Reporter", "Kurdistan 24"])
    fields.setdefault("editors", ["Laurie Mylroie"])
    fields.setdefault("tags", ["ISIS", "Security"])
    fields.setdefault("regions", ["erbil-city", "makhmour", "nineveh"])
    article = make_article(headline, **fields)
    Correction.objects.create(
        article=article,
        text="An earlier version of this article misnamed the district.",
    )
    return article

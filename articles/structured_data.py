"""What machines read on an article page: schema.org NewsArticle (JSON-LD)."""

from django.conf import settings


def news_article(article, request):
    def absolute(path):
        return request.build_absolute_uri(path)

    bylines = article.ordered_bylines
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": absolute(article.get_absolute_url()),
        "url": absolute(article.get_absolute_url()),
        "headline": article.headline[:110],
        "description": article.summary,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.modified_at.isoformat(),
        "author": [
            {
                "@type": "Organization" if byline.kind == "agency" else "Person",
                "name": byline.name,
                "url": absolute(byline.get_absolute_url()),
            }
            for byline in bylines
        ],
        "editor": [{"@type": "Person", "name": e.name} for e in article.editors.all()],
        "publisher": {"@type": "Organization", "name": settings.NEWSROOM_NAME},
        "keywords": [tag.name for tag in article.tags.all()],
        "contentLocation": [
            {"@type": "Place", "name": region.name, "url": absolute(region.get_absolute_url())}
            for region in article.regions.all()
        ],
    }
    if article.dateline:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline.name}
    if article.source:
        data["sourceOrganization"] = {"@type": "Organization", "name": article.source}
    return data

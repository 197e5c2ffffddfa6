"""What machines read on an article page: schema.org NewsArticle (JSON-LD).

Languages: `inLanguage` is the article's language (its BCP 47 code: en, ckb, kmr, ar);
names of places, tags and bylines are given as that language writes them (`name_in`).
A translation names its original as `translationOfWork`, and an original its
translations as `workTranslation` (schema.org's pair, each a CreativeWork with its URL
and language), published ones only: an unpublished version is never named."""

from django.conf import settings


def news_article(article, request, versions=None):
    """The NewsArticle of a published `article` (an Article, with its credits fetched:
    ArticleQuerySet.for_article_page) as a dict for JSON; URLs are absolute, from
    `request`. `versions`: the article's published versions in other languages
    (Article.linked_versions(), which the page has read already), else read here."""

    def absolute(path):
        return request.build_absolute_uri(path)

    language = article.language
    bylines = article.ordered_bylines
    url = absolute(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "url": url,
        "inLanguage": language,
        "headline": article.headline[:110],
        "description": article.summary,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.modified_at.isoformat(),
        "author": [
            {
                "@type": "Organization" if byline.kind == "agency" else "Person",
                "name": byline.name_in(language),
                "url": absolute(byline.get_absolute_url()),
            }
            for byline in bylines
        ],
        "editor": [{"@type": "Person", "name": e.name} for e in article.editors.all()],
        "publisher": {"@type": "Organization", "name": settings.NEWSROOM_NAME},
        "keywords": [tag.name_in(language) for tag in article.tags.all()],
        "contentLocation": [
            {
                "@type": "Place",
                "name": region.name_in(language),
                "url": absolute(region.get_absolute_url()),
            }
            for region in article.regions.all()
        ],
    }
    if article.dateline:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline.name_in(language)}
    if article.source:
        data["sourceOrganization"] = {"@type": "Organization", "name": article.source}

    def work(version):
        return {
            "@type": "NewsArticle",
            "url": absolute(version.get_absolute_url()),
            "inLanguage": version.language,
            "headline": version.headline[:110],
        }

    if versions is None:
        versions = article.linked_versions()
    if article.translation_of_id:
        original = next((v for v in versions if v.pk == article.translation_of_id), None)
        if original is not None:
            data["translationOfWork"] = work(original)
    else:
        codes = [code for code, _ in settings.LANGUAGES]
        translations = sorted(
            (v for v in versions if v.translation_of_id == article.pk),
            key=lambda version: (codes + [version.language]).index(version.language),
        )
        if translations:
            data["workTranslation"] = [work(version) for version in translations]
    return data

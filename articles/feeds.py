"""RSS and Atom feeds: the latest articles, and per region (with the places inside it),
per tag and per byline. Every feed reads Article.objects.published().

Each language is an edition, with feeds of its own under its prefix (/feed/, /ckb/feed/,
/kmr/feed/, /ar/feed/): a feed lists the published articles in the active language
(`edition_language()`, from the URL path), says that language (RSS <language>, Atom
xml:lang), and names its place, tag or byline, and each item's tags and bylines, as that
language writes them (`name_in`). Each item links to the article's own address.

Readers see exactly the text the article page shows. The page prints a headline and a
summary as plain text, escaped (templates/articles/article_detail.html), so:

- a headline is plain text: RSS <title> (plain text in the RSS Best Practices Profile)
  and Atom <title> (type "text", Atom's default) hold it as it is;
- a summary is given as HTML, escaped as the page escapes it: RSS <description> is HTML
  to every reader, and Atom's <summary> says type="html". A summary "Index for <rice> &
  <flour>" is then `Index for &lt;rice&gt; &amp; &lt;flour&gt;` once the XML is read,
  which a reader shows as the page does, not as a tag <rice> it would drop;
- names (authors, categories, the feeds' own titles) are plain text.

No character XML 1.0 forbids is ever written (articles.text): the models remove them on
save, and XmlTextGenerator removes any still stored (a row from before the rule, or one a
restored revision wrote back) instead of failing the whole feed for one character."""

from xml.sax.saxutils import XMLGenerator

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.xmlutils import SimplerXMLGenerator

from .filters import active_language
from .models import Article, Byline, Region, Tag
from .text import escape_xml_text, xml_safe

FEED_LENGTH = 30


# The edition being served: the active language as a code of settings.LANGUAGES, the
# one rule the archive's filter follows too.
edition_language = active_language


class XmlTextGenerator(SimplerXMLGenerator):
    """Django's feed writer, writing only characters XML 1.0 allows: Django's own raises
    (a 500 for every reader) at the first control character. Character data is escaped
    by escape_xml_text: `&`, `<` and `>` as hexadecimal references, as the RSS profile
    recommends for plain text, and carriage returns kept as `&#xD;`."""

    def characters(self, content):
        if content:
            # Written as given: ignorableWhitespace() is XMLGenerator's raw write, and the
            # text is escaped here, not by XMLGenerator.characters().
            XMLGenerator.ignorableWhitespace(self, escape_xml_text(str(content)))

    def startElement(self, name, attrs):
        if attrs:
            attrs = {key: xml_safe(value) for key, value in attrs.items()}
        super().startElement(name, attrs)


class RssFeedType(Rss201rev2Feed):
    def write(self, outfile, encoding):
        # Django's RssFeed.write, with XmlTextGenerator.
        handler = XmlTextGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        self.add_stylesheets(handler)
        handler.startElement("rss", self.rss_attributes())
        handler.startElement("channel", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        self.endChannelElement(handler)
        handler.endElement("rss")


class AtomFeedType(Atom1Feed):
    def write(self, outfile, encoding):
        # Django's Atom1Feed.write, with XmlTextGenerator.
        handler = XmlTextGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


class LatestArticlesFeed(Feed):
    feed_type = RssFeedType
    # Feeds read no query parameters: `?utm_source=…` shares the cached feed.
    query_parameters = ()

    @property
    def language(self):
        # Read by Feed.get_feed once per request: the edition's, not the process's.
        return edition_language()

    def title(self):
        return gettext("Newsroom: latest news")

    def link(self):
        return reverse("home")

    def description(self):
        return gettext("The latest articles published by the newsroom.")

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The newest item's date goes backwards when it is unpublished, and a reader asking
        # If-Modified-Since would then keep it: revalidate with the ETag alone.
        del response["Last-Modified"]
        return response

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        edition = self.articles(obj).filter(language=edition_language())
        return edition.with_credits()[:FEED_LENGTH]

    def item_title(self, article):
        # Plain text, as the page's <h1> shows it (Django's default would escape it as
        # HTML, which Atom's and the RSS profile's plain-text titles show as "&lt;").
        return article.headline

    def item_description(self, article):
        # HTML (RSS <description>, Atom <summary type="html">): the summary escaped as the
        # page escapes its standfirst, so markup-like text reads as text.
        return escape(article.summary)

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.modified_at

    def item_author_name(self, article):
        language = edition_language()
        return ", ".join(b.name_in(language) for b in article.ordered_bylines) or None

    def item_categories(self, article):
        language = edition_language()
        return [tag.name_in(language) for tag in article.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomFeedType

    def subtitle(self):
        return self.description()


class SubjectFeed(LatestArticlesFeed):
    def get_subject_queryset(self):
        """Built per request: "in use" means public now, not when the process started."""
        raise NotImplementedError

    def get_object(self, request, slug):
        return get_object_or_404(self.get_subject_queryset(), slug=slug)

    def link(self, subject):
        return subject.get_absolute_url()


class RegionFeed(SubjectFeed):
    def get_subject_queryset(self):
        return Region.objects.all()

    def title(self, region):
        return gettext("Newsroom: %(name)s") % {"name": region.name_in(edition_language())}

    def description(self, region):
        return gettext("The latest articles about %(name)s and the places in it.") % {
            "name": region.name_in(edition_language())
        }

    def articles(self, region):
        return Article.objects.published().in_region(region)


class TagFeed(SubjectFeed):
    def get_subject_queryset(self):
        return Tag.objects.in_use()

    def title(self, tag):
        return gettext("Newsroom: %(name)s") % {"name": tag.name_in(edition_language())}

    def description(self, tag):
        return gettext("The latest articles tagged %(name)s.") % {
            "name": tag.name_in(edition_language())
        }

    def articles(self, tag):
        return Article.objects.published().with_tag(tag)


class BylineFeed(SubjectFeed):
    def get_subject_queryset(self):
        return Byline.objects.in_use()

    def title(self, byline):
        return gettext("Newsroom: %(name)s") % {"name": byline.name_in(edition_language())}

    def description(self, byline):
        return gettext("The latest articles by %(name)s.") % {
            "name": byline.name_in(edition_language())
        }

    def articles(self, byline):
        return Article.objects.published().by(byline)


class RegionAtomFeed(RegionFeed):
    feed_type = AtomFeedType


class TagAtomFeed(TagFeed):
    feed_type = AtomFeedType


class BylineAtomFeed(BylineFeed):
    feed_type = AtomFeedType

"""RSS and Atom feeds: the latest articles, and per region (with the places inside it),
per tag and per byline. Every feed reads Article.objects.published()."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from .models import Article, Byline, Region, Tag

FEED_LENGTH = 30


class LatestArticlesFeed(Feed):
    title = "Newsroom: latest news"
    link = "/"
    description = "The latest articles published by the newsroom."

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The newest item's date goes backwards when it is unpublished, and a reader asking
        # If-Modified-Since would then keep it: revalidate with the ETag alone.
        del response["Last-Modified"]
        return response

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        return self.articles(obj).with_credits()[:FEED_LENGTH]

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        return article.summary

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return ", ".join(b.name for b in article.ordered_bylines) or None

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


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
        return f"Newsroom: {region.name}"

    def description(self, region):
        return f"The latest articles about {region.name} and the places in it."

    def articles(self, region):
        return Article.objects.published().in_region(region)


class TagFeed(SubjectFeed):
    def get_subject_queryset(self):
        return Tag.objects.in_use()

    def title(self, tag):
        return f"Newsroom: {tag.name}"

    def description(self, tag):
        return f"The latest articles tagged {tag.name}."

    def articles(self, tag):
        return Article.objects.published().with_tag(tag)


class BylineFeed(SubjectFeed):
    def get_subject_queryset(self):
        return Byline.objects.in_use()

    def title(self, byline):
        return f"Newsroom: {byline.name}"

    def description(self, byline):
        return f"The latest articles by {byline.name}."

    def articles(self, byline):
        return Article.objects.published().by(byline)


class RegionAtomFeed(RegionFeed):
    feed_type = Atom1Feed


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed


class BylineAtomFeed(BylineFeed):
    feed_type = Atom1Feed

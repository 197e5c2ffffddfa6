"""Writing new stories in batches: a migration's years of archive at once.

`BulkWriter.add(item)` takes read stories (path, Story, key, checksum) in listing order
and `flush()` writes them; the articles, their links, credits and history end as one by
one (articles.wire.store.store_story) would leave them, with far fewer statements:

- per batch, one query finds which keys are stored already and which stories
  translations wait for; one the slugs taken; one INSERT each for the articles, region,
  tag and editor links, credits, revisions and versions;
- each article gets its own reversion Revision ("Imported from wire copy, key ...") and
  Versions of it and its credits, as the one-by-one writer takes them.

What is not plain goes one by one, in its place in the listing, through store_story: a
story stored already (unchanged or updated), a translation or a story one waits for, a
key met twice in a batch, a story naming a tag, editor, byline or agency too long to
store, and, should the database refuse a batch, every story of it. A batch is one
transaction.
"""

import itertools
from dataclasses import dataclass
from urllib.parse import unquote

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import DatabaseError, transaction
from django.db.models import F, prefetch_related_objects
from django.utils import timezone
from reversion.models import Revision, Version
from reversion.revisions import _get_options

from .. import slugs
from ..models import Article, ArticleByline, ArticleRedirect, Byline, Editor, Region, Tag
from ..rendering import render_markdown
from .store import ImportResult, plan_story, store_story

BATCH_SIZE = 500
# Slugs asked for at once: a base and its first few suffixes, for every story of a batch.
PREFETCHED_CANDIDATES = 5


@dataclass
class ReadStory:
    """A story read from its file, waiting to be written."""

    path: object
    story: object
    key: str
    checksum: str


class BulkWriter:
    """Writes new stories in batches of `batch_size`; `report` is called with each
    story's ImportResult, in listing order. `matcher` and `names` as store_story's."""

    def __init__(self, matcher, names, report, batch_size=BATCH_SIZE):
        self.matcher, self.names, self.report = matcher, names, report
        self.batch_size = batch_size
        self.waiting = []

    def add(self, item):
        self.waiting.append(item)
        if len(self.waiting) >= self.batch_size:
            self.flush()

    def flush(self):
        items, self.waiting = self.waiting, []
        if not items:
            return
        keys = [item.key for item in items]
        stored = set(
            Article.objects.filter(import_key__in=keys).values_list("import_key", flat=True)
        )
        awaited = set(
            Article.objects.filter(translation_of_key__in=keys, translation_of__isnull=True)
            .values_list("translation_of_key", flat=True)
        )  # fmt: skip
        run, in_run = [], set()
        for item in items:
            story = item.story
            special = (
                item.key in stored
                or item.key in awaited
                or item.key in in_run
                or story.translation_of
                or not self.names.fit(story)
            )
            if not special:
                plan = plan_story(story, path=item.path, new=True, matcher=self.matcher)
                if isinstance(plan, ImportResult):
                    self.report(plan)
                    continue
                run.append((item, plan))
                in_run.add(item.key)
                continue
            self._write(run)
            run, in_run = [], set()
            if story.translation_of:
                awaited.add(story.translation_of)
            self.report(
                store_story(
                    story, path=item.path, key=item.key, checksum=item.checksum,
                    matcher=self.matcher, names=self.names,
                )
            )  # fmt: skip
            stored.add(item.key)
        self._write(run)

    def _write(self, run):
        if not run:
            return
        try:
            with transaction.atomic():
                articles = write_new_articles(run, self.names)
        except DatabaseError:
            # Something in the batch the database refuses: each story alone, so that
            # only it fails, with its reason.
            self.names.clear()
            for item, _ in run:
                self.report(
                    store_story(
                        item.story, path=item.path, key=item.key, checksum=item.checksum,
                        matcher=self.matcher, names=self.names,
                    )
                )  # fmt: skip
            return
        for (item, plan), article in zip(run, articles, strict=True):
            result = ImportResult(
                item.path, "imported", article=article, warnings=plan.warnings,
                unmatched_places=plan.unmatched,
            )  # fmt: skip
            self.report(result)


def unique_slugs(names):
    """A slug for each of `names` (in order) that no article has and none before it in
    the list takes: what slugs.unique_slug would give each in turn."""
    max_length = slugs.slug_field_length(Article)
    bases = [slugs.base_slug(name, max_length, "article") for name in names]
    prefetched = {
        base: list(itertools.islice(slugs._candidates(base, max_length), PREFETCHED_CANDIDATES))
        for base in bases
    }
    taken = set(
        Article.objects.filter(
            slug__in=[c for candidates in prefetched.values() for c in candidates]
        ).values_list("slug", flat=True)
    )
    chosen = []
    for base in bases:
        for number, candidate in enumerate(slugs._candidates(base, max_length)):
            if candidate in taken:
                continue
            if number >= PREFETCHED_CANDIDATES and Article.objects.filter(slug=candidate).exists():
                taken.add(candidate)
                continue
            taken.add(candidate)
            chosen.append(candidate)
            break
    return chosen


def write_new_articles(run, names):
    """Insert the articles of `run` ((ReadStory, Plan) pairs, every story new and every
    name it credits one that fits), their links, credits and history; returns them."""
    now = timezone.now()
    chosen = unique_slugs([item.story.slug or item.story.headline for item, _ in run])
    articles, credits = [], []
    for (item, plan), slug in zip(run, chosen, strict=True):
        story = item.story
        agency = names.agency(story.source) if story.source else None
        article = Article(
            import_key=item.key,
            status=plan.status,
            published_at=story.published_at,
            slug=slug,
            headline=story.headline,
            summary=story.summary,
            body=story.body,
            source=agency.name if agency is not None else story.source,
            dateline=plan.dateline,
            dateline_text=story.dateline_text[:200],
            import_checksum=item.checksum,
            language=plan.language,
            lock_version=1,
            created_at=now,
            updated_at=now,
        )
        article.remove_forbidden_characters()
        article.body_html = render_markdown(article.body)
        articles.append(article)
        # Found or made in the order the one-by-one writer takes them.
        tags = [names.get(Tag, name) for name in story.tags]
        editors = [names.get(Editor, name) for name in story.editors]
        bylines = [names.get(Byline, name) for name in story.bylines]
        if agency is not None:
            bylines.append(agency)
        credits.append((tags, editors, list(dict.fromkeys(bylines))))
    Article.objects.bulk_create(articles)
    # The story as the wire published it: not "updated" on the day it was imported.
    published = [a.pk for a in articles if a.published_at is not None]
    Article.objects.filter(pk__in=published).update(updated_at=F("published_at"))
    for article in articles:
        if article.published_at is not None:
            article.updated_at = article.published_at
    # A published article's URL is its own: no redirect from it to another (Article.save).
    urls = [unquote(url) for url in (a.public_url() for a in articles) if url]
    if urls:
        ArticleRedirect.objects.filter(old_path__in=urls).delete()

    region_links, tag_links, editor_links, article_bylines = [], [], [], []
    for (_, plan), article, (tags, editors, bylines) in zip(run, articles, credits, strict=True):
        region_links += [
            Article.regions.through(article_id=article.pk, region_id=region.pk)
            for region in dict.fromkeys(plan.regions)
        ]
        tag_links += [
            Article.tags.through(article_id=article.pk, tag_id=tag.pk)
            for tag in dict.fromkeys(tags)
        ]
        editor_links += [
            Article.editors.through(article_id=article.pk, editor_id=editor.pk)
            for editor in dict.fromkeys(editors)
        ]
        article.bulk_credits = [
            ArticleByline(article=article, byline=byline, position=position)
            for position, byline in enumerate(bylines)
        ]
        article_bylines += article.bulk_credits
    Article.regions.through.objects.bulk_create(region_links)
    Article.tags.through.objects.bulk_create(tag_links)
    Article.editors.through.objects.bulk_create(editor_links)
    ArticleByline.objects.bulk_create(article_bylines)
    # Serialised in the order one by one reads them: the regions the matcher gave, in
    # the database's order of the gazetteer (Region.Meta.ordering, under its collation),
    # rather than loaded again; tags and editors from two queries for the batch.
    rank = {pk: n for n, pk in enumerate(Region.objects.values_list("pk", flat=True))}
    for (_, plan), article in zip(run, articles, strict=True):
        regions = sorted(dict.fromkeys(plan.regions), key=lambda region: rank[region.pk])
        article._prefetched_objects_cache = {"regions": regions}
    prefetch_related_objects(articles, "tags", "editors")
    write_history(articles)
    return articles


def write_history(articles):
    """One reversion Revision for each of `articles` (new, with their `bulk_credits`),
    holding a Version of the article and one of each credit: what
    reversion.add_to_revision takes of a new article inside create_revision."""
    revisions = Revision.objects.bulk_create(
        Revision(date_created=timezone.now(), comment=f"Imported from wire copy, key {key}")
        for key in (article.import_key for article in articles)
    )
    versions = []
    for revision, article in zip(revisions, articles, strict=True):
        for obj in [article, *article.bulk_credits]:
            versions.append(version_of(obj, revision))
    Version.objects.bulk_create(versions)


class PrefetchedSerializer(JSONSerializer):
    """Django's JSON serializer, taking prefetched many-to-many links from the prefetch
    cache alone: Django's own builds (and drops) a queryset for every such field even
    when the links are prefetched, a third of the time a version took. Same output."""

    def handle_m2m_field(self, obj, field):
        prefetched = getattr(obj, "_prefetched_objects_cache", {}).get(field.name)
        if (
            prefetched is None
            or not field.remote_field.through._meta.auto_created
            or (self.use_natural_foreign_keys and hasattr(field.remote_field.model, "natural_key"))
        ):
            return super().handle_m2m_field(obj, field)
        self._current[field.name] = [
            self._value_from_field(related, related._meta.pk) for related in prefetched
        ]


def version_of(obj, revision):
    options = _get_options(obj.__class__)
    if options.format != "json":
        raise ValueError(f"bulk history is written as JSON, not {options.format}")
    serializer = PrefetchedSerializer()
    serializer.serialize(
        (obj,), fields=options.fields, use_natural_foreign_keys=options.use_natural_foreign_keys
    )
    return Version(
        revision=revision,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(getattr(obj, options.object_id_field)),
        db="default",
        format=options.format,
        serialized_data=serializer.getvalue(),
        object_repr=str(obj),
    )

"""The one writer: a `Story` (from any format's parser) into an Article.

`store_story(story, ...)` creates the article for a key it has not seen, updates the text
and credits of one it has, or leaves one stored unchanged alone; it matches the places
the story names in the gazetteer, finds or creates its tags, editors and bylines, and
takes one reversion Version of the finished article. Each story is all or nothing.
"""

from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import prefetch_related_objects

from .. import slugs
from ..models import Article, ArticleByline, Byline, Editor, Tag, default_article_language
from ..text import xml_safe
from .agencies import Agencies, new_agency
from .files import printable_name
from .language import detect_language, normalise_language_code
from .story import WireCopyError


@dataclass
class ImportResult:
    path: Path
    outcome: str  # "imported", "updated", "unchanged" or "failed"
    article: Article | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    # Place-like names the story gives that the gazetteer does not hold, each once.
    unmatched_places: tuple[str, ...] = ()


def get_or_create_by_name(model, name, **defaults):
    """The tag, editor or byline named `name` (the same name ignoring case and spacing),
    or a new one with its own slug (articles.slugs): two different names are never one
    thing, whatever slugs they make. Raises WireCopyError for a name too long to store."""
    name = " ".join(xml_safe(name).split())
    limit = model._meta.get_field("name").max_length
    if len(name) > limit:
        raise WireCopyError(
            f"{model._meta.verbose_name} name is {len(name)} characters; at most {limit}"
        )
    return slugs.get_or_create_by_name(model, name, **defaults)[0]


class NameCache:
    """Tags, editors and bylines already looked up in this import run, by name.

    Wire copy names the same few agencies, editors and tags again and again, so each is
    fetched once. The cache is emptied whenever a document fails: that document's
    transaction may have created some of them and been rolled back."""

    def __init__(self):
        self._objects = {}
        self._agencies = Agencies()

    def get(self, model, name, **defaults):
        key = (model, " ".join(name.split()))
        if key not in self._objects:
            self._objects[key] = get_or_create_by_name(model, name, **defaults)
        return self._objects[key]

    def agency(self, name):
        """The agency byline credited as `name` (articles.wire.agencies: by any of its
        names), or a new one, under the common agency's name and aliases if it is one."""
        found = self._agencies.find(name)
        if found is None:
            name, aliases = new_agency(name)
            found = get_or_create_by_name(
                Byline, name, kind=Byline.Kind.AGENCY, alternative_names=aliases
            )
            self._agencies.add(found)
        return found

    def clear(self):
        self._objects.clear()
        self._agencies = Agencies()

    @staticmethod
    def fit(story):
        """Whether every tag, editor, byline and agency name `story` credits fits its
        column, so that finding or creating them cannot fail (get_or_create_by_name)."""

        def fits(model, names):
            limit = model._meta.get_field("name").max_length
            return all(len(" ".join(xml_safe(name).split())) <= limit for name in names)

        return (
            fits(Tag, story.tags)
            and fits(Editor, story.editors)
            and fits(Byline, [*story.bylines, *([story.source] if story.source else [])])
        )


def _link(article, field_name, targets, replace=False):
    """Link `targets` through an m2m field in one INSERT (plus one DELETE to replace).

    Straight to the through table: the m2m manager would first SELECT the existing links
    and send signals nothing here listens to (the revision is taken once, at the end)."""
    field = Article._meta.get_field(field_name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    if replace:
        through.objects.filter(**{source: article}).delete()
    through.objects.bulk_create(
        [through(**{source: article, target: obj}) for obj in dict.fromkeys(targets)],
        ignore_conflicts=True,
    )


# Unique violation, deadlock, serialization failure: what two writers at once may meet.
CLASH_SQLSTATES = {"23505", "40P01", "40001"}


def is_clash_with_a_concurrent_writer(error):
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return isinstance(error, IntegrityError) if sqlstate is None else sqlstate in CLASH_SQLSTATES


def language_code(declared):
    """The code of settings.LANGUAGES that a declared language code (BCP 47 or ISO 639,
    any case, "_" or "-") means: "ar-IQ" -> "ar", "en-GB" -> "en", "ckb", "ku-Arab" ->
    "ckb" (Sorani), "ku", "ku-Latn", "kmr" -> "kmr" (Kurmanji). Raises WireCopyError
    for a code that is none of the newsroom's languages."""
    try:
        return normalise_language_code(declared)
    except ValueError as error:
        raise WireCopyError(printable_name(str(error))) from None


def story_language(story):
    """The code (of settings.LANGUAGES) of the language `story` is in: as it declares
    it (language_code), else as its text reads (articles.wire.language), else the
    newsroom's main language."""
    if story.language:
        return language_code(story.language)
    text = "\n".join([story.headline, story.summary, story.body])
    return detect_language(text) or default_article_language()


def link_translation(article, original_key):
    """Hang `article` from the stored story whose import key is `original_key` (from the
    original's own original, if it is a translation): sets article.translation_of, or
    leaves it None while the original has not arrived. Raises WireCopyError when the
    link cannot be: the story itself, in the same language, or a language the original
    has a translation in already."""
    original = Article.objects.filter(import_key=original_key).first()
    if original is None:
        return
    if original.translation_of_id:
        original = original.translation_of
    problem = translation_problem(article, original)
    if problem:
        raise WireCopyError(f"translation_of {printable_name(original_key)!r}: {problem}")
    article.translation_of = original


def translation_problem(translation, original):
    """Why `translation` cannot hang from `original`, or "" when it can."""
    if original.pk == translation.pk:
        return "a story is not its own translation"
    if original.language == translation.language:
        return f"the original is in the same language ({translation.language})"
    taken = Article.objects.filter(translation_of=original, language=translation.language)
    if translation.pk is not None:
        taken = taken.exclude(pk=translation.pk)
    if taken.exists():
        return f"the original has a translation in {translation.language} already"
    return ""


def link_waiting_translations(original):
    """Link the stored translations that named `original`'s key before it arrived (their
    translation_of_key) to it, or to its own original; those that cannot hang from it
    (same language, a language taken) stay waiting. Returns how many were linked."""
    root = original.translation_of or original
    linked = 0
    waiting = Article.objects.filter(
        translation_of_key=original.import_key, translation_of__isnull=True
    ).exclude(pk=root.pk)
    for translation in waiting:
        if not translation_problem(translation, root):
            Article.objects.filter(pk=translation.pk).update(translation_of=root)
            linked += 1
    return linked


@dataclass
class Plan:
    """What the writer makes of a story before writing it: its place, regions, status,
    language, and the warnings an editor should see."""

    dateline: object  # a Region, or None
    regions: list
    status: str
    language: str
    warnings: list[str]
    unmatched: tuple[str, ...] = ()  # place-like names met, not in the gazetteer


def plan_story(story, *, path, new, matcher):
    """The Plan for storing `story` as a `new` article (else an update), or the failed
    ImportResult saying why it cannot be stored."""
    warnings = []
    # The dateline's place (none abroad: "HASANKEYF, Turkey" is no Iraqi place, whatever
    # its name), the places the text names, and those it names the gazetteer lacks.
    matches = matcher.match(
        "\n".join([story.headline, story.summary, story.body]),
        dateline=story.dateline_text or story.dateline_city,
    )
    dateline, regions, unmatched = matches.dateline, list(matches.regions), list(matches.unmatched)
    # The places a format's metadata gives (ninjs `place`, NewsML-G2 geographic subjects).
    for name in story.places:
        place = matcher.lookup(name)
        if place is None:
            unmatched.append(" ".join(name.split()))
        elif place not in regions:
            regions.append(place)
    if not story.dateline_city:
        # Flagged for an editor: a new story stays a draft until someone places it.
        warnings.append("no dateline: left as a draft for an editor to check place and source")
    elif dateline is None:
        warnings.append(f"dateline {story.dateline_text!r} is not in the gazetteer")

    try:
        language = story_language(story)
    except WireCopyError as error:
        return ImportResult(path, "failed", reason=str(error))
    status = story.status or None
    if status is None:
        status = Article.Status.PUBLISHED if story.published_at else Article.Status.DRAFT
    if not story.dateline_city and new:
        status = Article.Status.DRAFT  # flagged: see the warning above
    if status == Article.Status.PUBLISHED and story.published_at is None:
        return ImportResult(path, "failed", reason="status 'published' needs a published_at")
    return Plan(dateline, regions, status, language, warnings, tuple(dict.fromkeys(unmatched)))


def store_story(story, *, path, key, checksum, matcher, names):
    """Store `story` (a Story whose sidecar values are in it) under `key`, an Article's
    import_key; returns an ImportResult and never raises for bad input. `checksum` is
    what the delivery's bytes hash to (an unchanged delivery is skipped); `matcher` a
    PlaceMatcher; `names` a NameCache of this run."""
    existing = Article.objects.filter(import_key=key).first()
    if existing is not None and existing.import_checksum == checksum:
        return ImportResult(path, "unchanged", article=existing)

    plan = plan_story(story, path=path, new=existing is None, matcher=matcher)
    if isinstance(plan, ImportResult):
        return plan
    dateline, regions, status, language, warnings = (
        plan.dateline, plan.regions, plan.status, plan.language, plan.warnings,
    )  # fmt: skip

    for attempt in (1, 2):
        if attempt == 2:  # what the clash left behind: perhaps this very document
            existing = Article.objects.filter(import_key=key).first()
            if existing is not None and existing.import_checksum == checksum:
                return ImportResult(path, "unchanged", article=existing)
        try:
            article = write_article(
                existing=existing, key=key, story=story, checksum=checksum, status=status,
                language=language, dateline=dateline, regions=regions, names=names,
            )  # fmt: skip
            break
        except WireCopyError as error:
            names.clear()
            return ImportResult(path, "failed", reason=str(error))
        except DatabaseError as error:
            # Whatever the database refuses fails this file alone; its transaction is
            # undone. A clash may be an import beside this one (--workers) taking the
            # same slug or name a moment earlier, or a deadlock between the two: once
            # more, the clash is seen and avoided.
            names.clear()
            if attempt == 2 or not is_clash_with_a_concurrent_writer(error):
                reason = f"the database refused it: {printable_name(str(error))}"
                return ImportResult(path, "failed", reason=reason)

    outcome = "updated" if existing else "imported"
    return ImportResult(
        path, outcome, article=article, warnings=warnings, unmatched_places=plan.unmatched
    )


def write_article(*, existing, key, story, checksum, status, language, dateline, regions, names):
    """Create or update the article for one story, all or nothing."""
    published_at = story.published_at
    with transaction.atomic():
        article = existing or Article(
            import_key=key,
            status=status,
            published_at=published_at,
            slug=slugs.unique_slug(Article, story.slug or story.headline),
        )
        # A corrected wire file updates the text and credits. The editorial state (status,
        # publication time, slug, and tags or places editors added) stays as editors left it.
        article.headline = story.headline
        article.summary = story.summary
        article.body = story.body
        article.source = story.source
        article.dateline = dateline
        # As filed: the place the page shows when the gazetteer does not hold it.
        article.dateline_text = story.dateline_text[:200]
        article.import_checksum = checksum
        # One agency, one byline: the source as that byline names it (AP, not Associated Press).
        agency = names.agency(story.source) if story.source else None
        if agency is not None:
            article.source = agency.name
        article.language = language
        if story.translation_of:
            article.translation_of_key = story.translation_of
            link_translation(article, story.translation_of)
        article.save()
        if existing is None:
            link_waiting_translations(article)
        if existing is None and published_at is not None:
            # The story as the wire published it: not "updated" on the day it was imported.
            Article.objects.filter(pk=article.pk).update(updated_at=published_at)
            article.updated_at = published_at

        _link(article, "regions", regions)
        _link(article, "tags", [names.get(Tag, name) for name in story.tags])
        editors = [names.get(Editor, name) for name in story.editors]
        _link(article, "editors", editors, replace=existing is not None)
        credits = [names.get(Byline, name) for name in story.bylines]
        if agency is not None:
            credits.append(agency)
        if existing is not None:
            ArticleByline.objects.filter(article=article).delete()
        ArticleByline.objects.bulk_create(
            ArticleByline(article=article, byline=byline, position=position)
            for position, byline in enumerate(dict.fromkeys(credits))
        )
        # One version of the finished article (with its bylines), taken once rather than
        # re-serialised after every write as reversion's signals would. Prefetched, its
        # links serialise from plain queries instead of server-side cursors, one per
        # byline for its name.
        prefetch_related_objects([article], "regions", "tags", "editors", "article_bylines__byline")
        with reversion.create_revision(manage_manually=True, atomic=False):
            reversion.set_comment(f"Imported from wire copy, key {key}")
            reversion.add_to_revision(article)
    return article

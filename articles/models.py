import datetime
from urllib.parse import unquote

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone, translation

from .rendering import render_markdown
from .slugs import unique_slug
from .text import lf, xml_safe_data


class TextRuleModel(models.Model):
    """A model whose text holds only the characters XML 1.0 allows (the rule and why:
    articles.text). Every CharField (slugs too), TextField and the strings of every
    JSONField lose the forbidden ones in clean_fields(), so that validation (the admin's)
    sees the text as it will be stored, and in save(), whatever wrote them (the importer,
    a script). A subclass whose save() derives fields from its text (a slug, rendered
    HTML) calls remove_forbidden_characters() first."""

    # Text kept exactly as given: keys that name something outside the newsroom, which
    # never reach a page or a feed (an imported file's key must find its article again).
    VERBATIM_TEXT_FIELDS = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.remove_forbidden_characters()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.remove_forbidden_characters()
        super().clean_fields(exclude=exclude)

    def remove_forbidden_characters(self):
        for field in self._meta.concrete_fields:
            if field.name in self.VERBATIM_TEXT_FIELDS or not isinstance(
                field, (models.CharField, models.TextField, models.JSONField)
            ):
                continue
            value = self.__dict__.get(field.attname)  # a deferred field stays deferred
            cleaned = xml_safe_data(value)
            if cleaned != value:
                setattr(self, field.attname, cleaned)


def article_languages():
    """The languages the newsroom publishes in: settings.LANGUAGES, (code, name) pairs."""
    return settings.LANGUAGES


def default_article_language():
    """The newsroom's main language (settings.LANGUAGE_CODE, as one of LANGUAGES)."""
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


class NamedInLanguages(models.Model):
    """A place, tag or byline with a name in each of the newsroom's languages.

    `name` is the name in the main language; `names` maps other language codes to
    names ({"ckb": "هەولێر", "ar": "أربيل", "kmr": "Hewlêr"}). The slug is one for
    every language and never follows a name."""

    names = models.JSONField(
        default=dict,
        blank=True,
        help_text='The name in each other language, by language code: {"ckb": "هەولێر"}.',
    )

    class Meta:
        abstract = True

    def name_in(self, language):
        """The name in `language` (a code of settings.LANGUAGES), else the main name."""
        return (self.names or {}).get(language) or self.name


class Region(NamedInLanguages, TextRuleModel):
    """A place in the gazetteer. The tree is stored as a materialised path so that
    "this region and every place inside it" is one indexed prefix lookup."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        REGION = "region", "Region"
        GOVERNORATE = "governorate", "Governorate"
        DISTRICT = "district", "District"
        SUBDISTRICT = "subdistrict", "Subdistrict"
        CITY = "city", "City"
        TOWN = "town", "Town or village"
        LANDMARK = "landmark", "Landmark"
        RIVER = "river", "River"
        AREA = "area", "Area (border area, mountains, plain)"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    alternative_names = models.JSONField(
        default=list,
        blank=True,
        help_text="Other spellings that find this place in text, e.g. Sulaymaniyah for Sulaimani.",
    )
    # "iraq/kurdistan-region/erbil/": maintained by save(), never edited by hand. On
    # PostgreSQL db_index also makes a varchar_pattern_ops index, so prefix lookups use it.
    path = models.CharField(max_length=1000, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["path"]

    def __str__(self):
        # Several places share a name (Erbil the city, Erbil the governorate).
        return f"{self.name} ({self.get_kind_display().lower()})"

    def save(self, *args, **kwargs):
        self.remove_forbidden_characters()
        if not self.slug:
            self.slug = unique_slug(Region, self.name, exclude_pk=self.pk)
        old_path = self.path
        self.path = self.compute_path()
        self.depth = self.path.count("/") - 1
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Moving or renaming a place moves everything inside it.
                Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + (self.depth - old_path.count("/") + 1),
                )

    def get_absolute_url(self):
        return reverse("region-detail", kwargs={"slug": self.slug})

    def clean(self):
        # The stored path still names this place's old position in the tree.
        if self.pk and self.parent_id and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": "A place cannot lie inside itself."})

    def compute_path(self):
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.slug}/"

    def ancestors(self):
        """This place's ancestors, outermost first, in one query."""
        parts = self.path.strip("/").split("/")[:-1]
        prefixes = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
        return Region.objects.filter(path__in=prefixes).order_by("depth")

    def subtree(self):
        return Region.objects.filter(path__startswith=self.path)

    @property
    def all_names(self):
        """Every name that finds this place in text: in each language, and spellings."""
        return [self.name, *(self.names or {}).values(), *self.alternative_names]


class InUseQuerySet(models.QuerySet):
    """Tags and bylines the public may know of: those on at least one public article.
    A tag or byline used only by unpublished work is a 404 and never counted."""

    article_relation = None

    def in_use(self):
        return self.filter(
            Exists(Article.objects.published().filter(**{self.article_relation: OuterRef("pk")}))
        )


class BylineQuerySet(InUseQuerySet):
    article_relation = "bylines"


class TagQuerySet(InUseQuerySet):
    article_relation = "tags"


class Byline(NamedInLanguages, TextRuleModel):
    """A credited writer: a reporter, or an organisation such as a news agency."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        STAFF = "staff", "Staff"
        AGENCY = "agency", "Agency"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    bio = models.TextField(blank=True)
    alternative_names = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names copy credits it by, one byline for all: Kurdistan24, K24.",
    )

    objects = BylineQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.remove_forbidden_characters()
        if not self.slug:
            self.slug = unique_slug(Byline, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("byline-detail", kwargs={"slug": self.slug})


class Editor(TextRuleModel):
    """A credited editor ("Editing by ..."), optionally a staff account."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="editor_credit",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.remove_forbidden_characters()
        if not self.slug:
            self.slug = unique_slug(Editor, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)


class Tag(NamedInLanguages, TextRuleModel):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.remove_forbidden_characters()
        if not self.slug:
            self.slug = unique_slug(Tag, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("tag-detail", kwargs={"slug": self.slug})


# A list of twenty articles read some 600 kB of bodies, rendered bodies and search
# vectors at a million articles, to show none of them.
LIST_LEAVES_OUT = ("body", "body_html", "search_vector", "search_vector_simple")
# What a link to an article needs (its headline, address and language), and no more:
# related articles, the other languages' versions.
LINK_FIELDS = ("headline", "slug", "published_at", "language", "status", "translation_of_id")
# What an article's public URL is made of (Article.public_url).
URL_FIELDS = ("status", "published_at", "slug", "language")

# The years an article may be dated, in the newsroom's time: those its public URLs and
# date archives take (articles/urls.py). Beyond them lie the ends of Python's dates, where
# the newsroom's time of a moment in year 1 or 9999 cannot even be computed.
FIRST_PUBLICATION_YEAR, LAST_PUBLICATION_YEAR = 1900, 2999


def publication_year_bounds():
    """[start, end): the first moment of FIRST_PUBLICATION_YEAR and of the year after
    LAST_PUBLICATION_YEAR, in the newsroom's time."""
    zone = timezone.get_default_timezone()
    return (
        datetime.datetime(FIRST_PUBLICATION_YEAR, 1, 1, tzinfo=zone),
        datetime.datetime(LAST_PUBLICATION_YEAR + 1, 1, 1, tzinfo=zone),
    )


def publication_date_error(moment):
    """Why `moment` cannot date an article, as a sentence for editors; None if it can."""
    if moment is None:
        return None
    try:
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    except OverflowError:  # the newsroom's time of it is past year 9999 (or before 1)
        local = moment
    if FIRST_PUBLICATION_YEAR <= local.year <= LAST_PUBLICATION_YEAR:
        return None
    return (
        f"The publication date {local.date().isoformat()} is outside the years "
        f"{FIRST_PUBLICATION_YEAR} to {LAST_PUBLICATION_YEAR}, which the archive can date "
        "and address an article by. Give a date within them."
    )


def may_preview(user):
    """Whether a user may read unpublished articles on the public site (a preview): staff
    who may view articles in the admin. Everyone else gets the public's 404."""
    return bool(
        user
        and user.is_active
        and user.is_staff
        and (user.has_perm("articles.view_article") or user.has_perm("articles.change_article"))
    )


class ShownAsStored(datetime.datetime):
    """A stored time so near the end of year 9999 that the newsroom's time of it cannot be
    computed (stored before the rule on publication years). Django's templates and admin
    show it as stored, in UTC, instead of failing to convert it (see Article.from_db)."""

    convert_to_local_time = False

    @classmethod
    def of(cls, moment):
        return cls.combine(moment.date(), moment.timetz())


# Later than this the newsroom's time of a moment may pass the last day datetime can hold.
LAST_CONVERTIBLE_TIME = datetime.datetime.max.replace(tzinfo=datetime.UTC) - datetime.timedelta(
    days=1
)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published, and due. The one place this rule lives.
        (A date before FIRST_PUBLICATION_YEAR, stored before the rule, has no address.)"""
        return self.filter(
            status=Article.Status.PUBLISHED,
            published_at__gte=publication_year_bounds()[0],
            published_at__lte=timezone.now(),
        )

    def scheduled(self):
        """Published, due at a time still to come (and within the years it can have)."""
        return self.filter(
            status=Article.Status.PUBLISHED,
            published_at__gt=timezone.now(),
            published_at__lt=publication_year_bounds()[1],
        )

    def with_publication_date_error(self):
        """Dated outside the years an article can have (see publication_date_error)."""
        start, end = publication_year_bounds()
        return self.filter(Q(published_at__lt=start) | Q(published_at__gte=end))

    def visible_to(self, user):
        """What this user may read on the public site: staff who may view articles also
        see unpublished work (a preview); everyone else what the public sees."""
        return self.all() if may_preview(user) else self.published()

    def was_public(self):
        """Articles readers have seen: public now, or withdrawn after publication.
        Their corrections are a public record (see CorrectionFormSet)."""
        return self.published() | self.filter(status=Article.Status.WITHDRAWN)

    def with_credits(self):
        """Everything a list shows per row, fetched in a constant number of queries, and
        none of the long texts a list never shows (LIST_LEAVES_OUT)."""
        return (
            self.defer(*LIST_LEAVES_OUT)
            .select_related("dateline")
            .prefetch_related(
                models.Prefetch(
                    "article_bylines",
                    queryset=ArticleByline.objects.select_related("byline").order_by("position"),
                ),
                "regions",
                "tags",
            )
        )

    def for_article_page(self):
        """Everything the article page shows of an article, its credits fetched. Its
        notes and its other languages' versions are read only where it has any
        (`has_corrections`, `has_translations`: bools, asked in the article's own query),
        most having none."""
        return (
            self.with_credits()
            .defer(None)
            .defer("search_vector", "search_vector_simple")
            .prefetch_related("editors")
            .annotate(
                has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))),
                has_translations=Exists(Article.objects.filter(translation_of=OuterRef("pk"))),
            )
        )

    def in_region(self, region):
        """Articles about this region or any place inside it."""
        return self.filter(
            Exists(
                Article.regions.through.objects.filter(
                    article_id=OuterRef("pk"), region__path__startswith=region.path
                )
            )
        )

    def with_tag(self, tag):
        return self.filter(
            Exists(Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag=tag))
        )

    def by(self, byline):
        return self.filter(
            Exists(ArticleByline.objects.filter(article_id=OuterRef("pk"), byline=byline))
        )

    def published_between(self, start, end):
        """Published in [start, end): aware datetimes, so the published_at index is used."""
        return self.filter(published_at__gte=start, published_at__lt=end)


class Article(TextRuleModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    headline = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, unique=True, allow_unicode=True)
    summary = models.TextField(blank=True, help_text="The standfirst shown under the headline.")
    body = models.TextField(
        blank=True, help_text="Plain paragraphs separated by blank lines; basic Markdown."
    )
    body_html = models.TextField(blank=True, editable=False)
    dateline = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="datelined_articles",
        help_text="Where the story was filed.",
    )
    dateline_text = models.CharField(
        max_length=200,
        blank=True,
        help_text="The dateline as filed, for a place the gazetteer does not hold "
        "(ANKARA; HASANKEYF, Turkey).",
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Who supplied the story, e.g. Kurdistan 24."
    )
    language = models.CharField(
        max_length=12, choices=article_languages, default=default_article_language
    )
    translation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        help_text="The story this is a translation of; each translation keeps its own "
        "address, bylines, history and publication.",
    )
    regions = models.ManyToManyField(Region, blank=True, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    bylines = models.ManyToManyField(
        Byline, through="ArticleByline", blank=True, related_name="articles"
    )
    editors = models.ManyToManyField(Editor, blank=True, related_name="articles")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="A future time schedules the article."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Wire-copy provenance: a stable key per imported document and what it last said.
    import_key = models.CharField(
        max_length=200, null=True, blank=True, unique=True, editable=False
    )
    import_checksum = models.CharField(max_length=64, blank=True, editable=False)
    # The key of the imported story this one translates, as its delivery names it: kept
    # so that a translation that arrives before its original is linked when it comes.
    # NULL for none: a nullable column is added without rebuilding the table on SQLite.
    translation_of_key = models.CharField(  # noqa: DJ001
        max_length=200, null=True, blank=True, editable=False, db_index=True
    )
    # Optimistic locking: every save increments it, and an editor's save is refused when
    # the article changed since their form was loaded (see ArticleAdminForm).
    lock_version = models.PositiveIntegerField(default=0)
    # Filled by a database trigger on PostgreSQL (migrations 0003, 0011); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # The same text with every word kept (stop words too), for the words english drops.
    search_vector_simple = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    # An imported document's key finds its article on the next import, byte for byte.
    VERBATIM_TEXT_FIELDS = ("import_key",)

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [
            ("publish_article", "Can publish, unpublish and withdraw articles"),
        ]
        indexes = [
            # The public lists: published articles, newest first.
            models.Index(
                fields=["-published_at", "-id"],
                name="article_published_idx",
                condition=Q(status="published"),
            ),
            models.Index(fields=["status", "-published_at"], name="article_status_date_idx"),
            # The editors' list in the admin: every status, newest first. Without it a
            # deep page or a search sorted a million rows (2 s and 11 s at 1M).
            models.Index(fields=["-published_at", "-id"], name="article_date_idx"),
            # Each language's edition: its published articles, newest first.
            models.Index(
                fields=["language", "-published_at", "-id"],
                name="article_language_idx",
                condition=Q(status="published"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_of", "language"], name="one_translation_per_language"
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.remove_forbidden_characters()
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, exclude_pk=self.pk)
        self.body_html = render_markdown(self.body)
        if kwargs.get("update_fields") is not None:
            extra = {"lock_version"} | (
                {"body_html"} if "body" in kwargs["update_fields"] else set()
            )
            kwargs["update_fields"] = {*kwargs["update_fields"], *extra}
        with transaction.atomic():
            # Counted from the locked row, so it only ever grows, whatever this copy says
            # (a restored old revision included).
            stored = None
            if self.pk is not None and not self._state.adding:
                stored = (
                    Article.objects.select_for_update()
                    .filter(pk=self.pk)
                    .values_list("lock_version", flat=True)
                    .first()
                )
            self.lock_version = (stored or 0) + 1
            super().save(*args, **kwargs)
            self._keep_old_url_working()

    def get_absolute_url(self):
        """The article's path, under its own language's prefix (/ckb/articles/...; the
        main language's unprefixed), whatever language is active; None while undated."""
        if self.published_at is None or self.publication_date_error:
            return None
        local = timezone.localtime(self.published_at)
        kwargs = {
            "year": f"{local.year:04d}",
            "month": f"{local.month:02d}",
            "day": f"{local.day:02d}",
            "slug": self.slug,
        }
        if self.language == translation.get_language():
            # Already its language (a page's own article, its related ones): no switch.
            return reverse("article-detail", kwargs=kwargs)
        with translation.override(self.language):
            return reverse("article-detail", kwargs=kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        for name in ("published_at", "updated_at"):
            moment = article.__dict__.get(name)  # a deferred field stays deferred
            if moment is not None and moment > LAST_CONVERTIBLE_TIME:
                setattr(article, name, ShownAsStored.of(moment))
        if {"status", "published_at", "slug", "language"} <= set(field_names):
            # What its public URL was when read, worked out only if it is saved (see
            # _keep_old_url_working): a page reads articles and saves none.
            article._loaded_url_fields = {name: getattr(article, name) for name in URL_FIELDS}
        elif {"status", "published_at", "slug"} <= set(field_names):
            article._loaded_public_url = article.public_url()
        return article

    def _loaded_url(self):
        """The public URL this article had when it was read (or last saved), or None."""
        fields = self.__dict__.get("_loaded_url_fields")
        if fields is not None:
            return Article(**fields).public_url()
        return getattr(self, "_loaded_public_url", None)

    def _keep_old_url_working(self):
        """A published article's earlier URLs answer 301 to its current one. Paths are
        kept decoded, as request.path gives them (`/articles/.../جسور/`), not
        percent-encoded as reverse() does: a Unicode slug's encoding would not fit."""
        old_url = self._loaded_url()
        new_url = self.public_url()
        if new_url:
            ArticleRedirect.objects.filter(old_path=unquote(new_url)).delete()
        if old_url and old_url != new_url:
            ArticleRedirect.objects.update_or_create(
                old_path=unquote(old_url), defaults={"article": self}
            )
        self._loaded_url_fields = None
        self._loaded_public_url = new_url

    def public_url(self):
        """The URL the public has seen this article at, if it has been published."""
        if self.status == self.Status.PUBLISHED and self.published_at:
            return self.get_absolute_url()
        return None

    def get_preview_url(self):
        return reverse("article-preview", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if self.publication_date_error:
            raise ValidationError({"published_at": self.publication_date_error})
        if self.translation_of_id:
            # Translations hang from one original: a translation of a translation is
            # a translation of that one's original.
            original = self.translation_of
            if original.translation_of_id:
                original = self.translation_of = original.translation_of
            if original.pk == self.pk:
                raise ValidationError({"translation_of": "A story is not its own translation."})
            if original.language == self.language:
                raise ValidationError(
                    {"translation_of": "A translation is in another language than its original."}
                )

    def language_versions(self):
        """The other languages' versions of this story (its original and the original's
        other translations), any status: filter with published() for readers."""
        original_id = self.translation_of_id or self.pk
        return (
            Article.objects.filter(Q(pk=original_id) | Q(translation_of_id=original_id))
            .exclude(pk=self.pk)
            .order_by("language")
        )

    def linked_versions(self):
        """The published other languages' versions (language_versions), each with only
        what a link to it needs (LINK_FIELDS): a list, in language code order."""
        if not self.translation_of_id and getattr(self, "has_translations", True) is False:
            return []  # an original without translations (see for_article_page)
        return list(self.language_versions().published().only(*LINK_FIELDS))

    @property
    def publication_date_error(self):
        return publication_date_error(self.published_at)

    @property
    def modified_at(self):
        """When the article last changed, as readers and machines are told it (feeds,
        sitemaps, the page's "Updated" line and its metadata): never before it was
        published. An article saved on day D and scheduled for D+5 was, to its readers,
        last changed on D+5. The one rule; updated_at is when the row was last saved."""
        if self.published_at is None:
            return self.updated_at
        return max(self.updated_at, self.published_at)

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and publication_year_bounds()[0] <= self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        """Published, to appear at a time still to come (see ArticleQuerySet.scheduled)."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and timezone.now() < self.published_at < publication_year_bounds()[1]
        )

    @property
    def standfirst(self):
        """The summary as the page shows it under the headline: none when it is the body's
        first paragraph (wire copy without a standfirst gives its lead as the summary), so
        that the lead is shown once."""
        first = next((p for p in lf(self.body).split("\n\n") if p.strip()), "")
        if " ".join(self.summary.split()) == " ".join(first.split()):
            return ""
        return self.summary

    @property
    def ordered_bylines(self):
        return [ab.byline for ab in self.article_bylines.all()]

    RELATED_WINDOW = datetime.timedelta(days=180)
    RELATED_CANDIDATES = 30
    # At most this many of the articles just before this one (in its language) are looked
    # at for shared places or tags: the page's work does not grow with the archive.
    RELATED_SCAN = 1000

    def related(self, limit=5):
        """At most `limit` published articles in this one's language from the half year
        before it that share its places or tags, those sharing the most first, then the
        newest (its translations are offered apart, as the story in other languages):
        a list of Articles with only LINK_FIELDS read, each with `shared` (an int).

        Bounded for a big archive: one query walks the language's date index
        (article_language_idx) back from this article over at most RELATED_SCAN
        articles, the nearest RELATED_CANDIDATES of them sharing anything are scored, not
        every article that ever named Iraq. Written as SQL: built with the ORM, its
        correlated subqueries cost the page more to compile than to run."""
        region_ids = [r.pk for r in self.regions.all()]
        tag_ids = [t.pk for t in self.tags.all()]
        if not (region_ids or tag_ids) or self.published_at is None or self.publication_date_error:
            return []
        ops = connections[Article.objects.db].ops
        quote = ops.quote_name
        links = []  # (link table, its column of the shared thing, the ids)
        for field, ids in (("regions", region_ids), ("tags", tag_ids)):
            if ids:
                through = getattr(Article, field).through
                column = through._meta.get_field(field[:-1]).column
                links.append((quote(through._meta.db_table), quote(column), ids))

        def shared_in(table, column, ids, outer):
            placeholders = ", ".join(["%s"] * len(ids))
            return (
                f"FROM {table} WHERE {table}.{quote('article_id')} = {outer}.{quote('id')} "
                f"AND {table}.{column} IN ({placeholders})"
            )

        start, _ = publication_year_bounds()
        newest = min(self.published_at, timezone.now())
        oldest = max(self.published_at - self.RELATED_WINDOW, start)
        article = quote(Article._meta.db_table)
        date, pk = quote("published_at"), quote("id")
        # Counted row by row (a subquery in the select list, never hashed): a semi-join
        # could read every link of a common place instead.
        shared = " + ".join(f"(SELECT COUNT(*) {shared_in(*link, 'w')})" for link in links)
        columns = ", ".join(
            f"{article}.{quote(Article._meta.get_field(name).column)}"
            for name in ("id", *LINK_FIELDS)
        )
        sql = (
            f"SELECT {columns}, c.shared FROM ("
            f"SELECT s.{pk}, s.shared FROM ("
            f"SELECT w.{pk}, w.{date}, {shared} AS shared FROM ("
            f"SELECT {pk}, {date} FROM {article} WHERE {quote('status')} = %s "
            f"AND {quote('language')} = %s AND {date} >= %s AND {date} <= %s AND {pk} <> %s "
            f"ORDER BY {date} DESC, {pk} DESC LIMIT %s) w) s "
            f"WHERE s.shared > 0 ORDER BY s.{date} DESC, s.{pk} DESC LIMIT %s) c "
            f"INNER JOIN {article} ON {article}.{pk} = c.{pk} "
            f"ORDER BY c.shared DESC, {article}.{date} DESC, {article}.{pk} DESC LIMIT %s"
        )
        params = [
            *(ident for link in links for ident in link[2]),
            self.Status.PUBLISHED,
            self.language,
            ops.adapt_datetimefield_value(oldest),
            ops.adapt_datetimefield_value(newest),
            self.pk,
            self.RELATED_SCAN,
            self.RELATED_CANDIDATES,
            limit,
        ]
        return list(Article.objects.raw(sql, params))


class ArticleByline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_bylines")
    byline = models.ForeignKey(Byline, on_delete=models.PROTECT, related_name="article_bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "byline"], name="unique_byline_per_article")
        ]

    def __str__(self):
        return f"{self.byline} on {self.article}"


class Correction(TextRuleModel):
    """A dated note at the foot of an article: a correction of fact, or an update."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right; basic Markdown.")
    text_html = models.TextField(blank=True, editable=False)
    noted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["noted_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} of {timezone.localtime(self.noted_at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.remove_forbidden_characters()
        self.text_html = render_markdown(self.text)
        with transaction.atomic():
            super().save(*args, **kwargs)
            # A correction or update is a change readers should see in the "updated" time.
            Article.objects.filter(pk=self.article_id, updated_at__lt=self.noted_at).update(
                updated_at=self.noted_at
            )

    def clean(self):
        super().clean()
        error = publication_date_error(self.noted_at)
        if error:
            raise ValidationError({"noted_at": error.replace("publication date", "date")})


class ArticleRedirect(models.Model):
    """An earlier public URL of an article, kept when its slug or date changes: its
    path decoded, as request.path gives it (a Unicode slug as letters, not %-escapes)."""

    old_path = models.CharField(max_length=400, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_path} → {self.article.get_absolute_url()}"


# Every admin save and import of an article keeps a revision: the article, its bylines and
# its notes. The rendered HTML is kept too: a restore writes rows back without save(), so
# it must not leave them empty. The search vector is the database trigger's to fill.
reversion.register(
    Article,
    follow=("article_bylines", "corrections"),
    exclude=("search_vector", "search_vector_simple"),
)
reversion.register(ArticleByline)
reversion.register(Correction)


class ArchiveState(models.Model):
    """One row whose version database triggers bump on every write to what the public
    archive shows (articles.bookkeeping): the caches are keyed by it (articles.archive_cache)."""

    version = models.BigIntegerField(default=0)
    # Moves only for changes to months that are over (see count_with_history).
    history_version = models.BigIntegerField(default=0)
    # Moves when a public article may stop being public: no previous page then (see lookup).
    removal_version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"Archive version {self.version}"


class ArchiveCount(models.Model):
    """How many public articles of a language a month has, in all (`kind` "all",
    `subject` 0), naming a place or any place inside it (`kind` "place", `subject` the
    place's id; each article once) or with a tag (`kind` "tag"); and the pairs, each
    article once under both: "place+place", "place+tag", "tag+place" and "tag+tag"
    (`subject` and `other` a place's or tag's id: the facets of a place's or a tag's
    list). Kept by database triggers on every write (articles.summaries declares them
    and reads it); the month is the first day of the month in the newsroom's time.
    Counts rows with status published whatever their date, so a month is read from
    here only once it is over (see summaries.language_month_counts)."""

    language = models.CharField(max_length=12)
    month = models.DateField()
    kind = models.CharField(max_length=12)
    subject = models.BigIntegerField(default=0)
    other = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "other", "month", "language"],
                name="archive_count_unique",
            )
        ]
        # A facet's counts: every `other` of a subject over its newest months.
        indexes = [models.Index(fields=["kind", "subject", "month"], name="archive_count_facets")]

    def __str__(self):
        pair = f"+{self.other}" if self.other else ""
        return f"{self.kind} {self.subject}{pair} {self.language} {self.month:%Y-%m}: {self.total}"

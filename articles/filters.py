"""The archive's query-string filters: language, region, tag, byline, day, range and search."""

import datetime

import django_filters
from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .archive_cache import bylines_in_use, gazetteer, languages_in_use, tags_in_use
from .models import Article, Byline, Region, Tag, default_article_language
from .querystring import canonical_query
from .search import search_articles
from .slugs import name_key

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)
DATE_VALIDATORS = [
    MinValueValidator(EARLIEST_DATE, "Dates start at %(limit_value)s."),
    MaxValueValidator(LATEST_DATE, "Dates end at %(limit_value)s."),
]
DATE_ERRORS = {"invalid": "Enter a real date as YYYY-MM-DD, e.g. 2020-03-09."}


# `?language=all`: the articles of every language, not one edition's.
ALL_LANGUAGES = "all"


def active_language():
    """The edition being read: the active language (`translation.get_language()`, which
    the URL's language prefix sets) as a code of settings.LANGUAGES ("en-gb" is "en");
    the main language when none is active or it is not one the newsroom publishes in."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or "")
    except LookupError:
        return default_article_language()


class LanguageField(forms.ChoiceField):
    """A language code of settings.LANGUAGES, or "all"; absent or empty, the active
    language (see `active_language`), so that each language's pages are its edition.
    Offered as each language writes its own name."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "choices",
            lambda: [
                ("", "This edition's language"),
                *settings.LANGUAGES,
                (ALL_LANGUAGES, "Every language"),
            ],
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value or active_language()

    def validate(self, value):
        if not self.valid_value(value):
            # As the other filters do, the message repeats the value without NULs.
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value.replace("\x00", "")},
            )
        super().validate(value)


class LanguageFilter(django_filters.Filter):
    field_class = LanguageField


def day_start(day):
    """The aware start of a newsroom-local day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def names_of(obj):
    """The names a filter box accepts for `obj`: a region's name and its alternative
    spellings, a tag's or byline's name."""
    return getattr(obj, "all_names", None) or [obj.name]


def matching(objects, value):
    """The objects that `value` names: a list. The one whose slug is `value`, if any;
    else those with a name (names_of) that is `value` ignoring case, spacing and Unicode
    compatibility forms (articles.slugs.name_key: "ISIS", "isis", "Hewler", an Arabic
    or Kurdish spelling), or whose slug is `value` in another case ("Kurdistan-Region")."""
    for obj in objects:
        if obj.slug == value:
            return [obj]
    key = name_key(value)
    return [
        obj
        for obj in objects
        if obj.slug == key or any(name_key(name) == key for name in names_of(obj))
    ]


class CachedSlugChoiceField(forms.ModelChoiceField):
    """Chooses an object by slug or by name (see `matching`) among a list read once per
    archive version (see archive_cache), not with a query on every page. A name that
    several objects share is an "ambiguous" error whose params hold them ("choices"),
    for the form to offer."""

    default_error_messages = {
        "ambiguous": "“%(value)s” names several: choose one.",
    }

    @staticmethod
    def cached_objects():
        raise NotImplementedError

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = matching(self.cached_objects(), str(value))
        if len(found) == 1:
            return found[0]
        code = "ambiguous" if found else "invalid_choice"
        raise forms.ValidationError(
            self.error_messages[code],
            code=code,
            params={"value": str(value).replace("\x00", ""), "choices": found},
        )


class CachedChoiceIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.cached_objects():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.cached_objects()) + (self.field.empty_label is not None)


class QuickSelect(forms.Select):
    """A select written in one pass: the HTML Django's Select gives (its attributes,
    an <option> per choice, `selected` on the value's), without a template rendered
    per option, which cost a first render of the archive more than its queries did for
    the gazetteer's hundreds of places. Flat choices only (no groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = (
            format_html(
                '<option value="{}"{}>{}</option>',
                option_value,
                " selected" if str(option_value) in chosen else "",
                label,
            )
            for option_value, label in self.choices
        )
        return format_html(
            "<select{}>{}</select>", flatatt(final_attrs), mark_safe("".join(options))
        )


class GazetteerSelect(QuickSelect):
    """The region select, its options written once per process for a gazetteer (they
    name places in the main language whatever the page's, so are the same in every
    edition) and reused until the gazetteer changes; only the chosen option differs."""

    # (key, [(value, option, option selected)]): the last gazetteer's options.
    written = None

    def render(self, name, value, attrs=None, renderer=None):
        field = getattr(self.choices, "field", None)
        if field is None:
            return super().render(name, value, attrs, renderer)
        key = (
            str(field.empty_label),
            tuple((o.pk, o.slug, o.name, o.depth) for o in field.cached_objects()),
        )
        written = self.written
        if written is None or written[0] != key:
            options = [
                (
                    str(option_value),
                    format_html('<option value="{}">{}</option>', option_value, label),
                    format_html('<option value="{}" selected>{}</option>', option_value, label),
                )
                for option_value, label in self.choices
            ]
            written = type(self).written = (key, options)
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            selected if option_value in chosen else option
            for option_value, option, selected in written[1]
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))  # noqa: S308


class RegionChoiceField(CachedSlugChoiceField):
    """The gazetteer as a select."""

    iterator = CachedChoiceIterator
    widget = GazetteerSelect
    cached_objects = staticmethod(gazetteer)

    def label_from_instance(self, obj):
        return "\u2003" * obj.depth + obj.name


class TagChoiceField(CachedSlugChoiceField):
    cached_objects = staticmethod(tags_in_use)


class BylineChoiceField(CachedSlugChoiceField):
    cached_objects = staticmethod(bylines_in_use)


class RegionFilter(django_filters.ModelChoiceFilter):
    field_class = RegionChoiceField


class TagFilter(django_filters.ModelChoiceFilter):
    field_class = TagChoiceField


class BylineFilter(django_filters.ModelChoiceFilter):
    field_class = BylineChoiceField


class ArticleFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            raise forms.ValidationError(
                f"The range starts ({start:%Y-%m-%d}) after it ends ({end:%Y-%m-%d})."
            )
        return cleaned


def public_tags(request):
    return Tag.objects.in_use()


def public_bylines(request):
    return Byline.objects.in_use()


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="filter_search", max_length=200, widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Words, \"a phrase\", -exclude"}
        )
    )  # fmt: skip
    region = RegionFilter(
        label="Region",
        queryset=Region.objects.all(),
        to_field_name="slug",
        method="filter_region",
        empty_label="Anywhere",
        error_messages={
            "invalid_choice": "There is no region “%(value)s” in the gazetteer.",
            "ambiguous": "“%(value)s” names several places: choose one.",
        },
    )
    tag = TagFilter(
        label="Tag",
        queryset=public_tags,
        to_field_name="slug",
        method="filter_tag",
        widget=forms.TextInput,
        error_messages={
            "invalid_choice": "There is no tag “%(value)s”.",
            "ambiguous": "“%(value)s” names several tags: choose one.",
        },
    )
    byline = BylineFilter(
        label="Byline",
        queryset=public_bylines,
        to_field_name="slug",
        method="filter_byline",
        widget=forms.TextInput,
        error_messages={
            "invalid_choice": "There is no byline “%(value)s”.",
            "ambiguous": "“%(value)s” names several bylines: choose one.",
        },
    )
    language = LanguageFilter(
        label="Language",
        method="filter_language",
        error_messages={
            "invalid_choice": "There is no language “%(value)s” here: choose one of "
            + ", ".join(code for code, _ in settings.LANGUAGES)
            + f", or {ALL_LANGUAGES} for every language.",
        },
    )
    date = django_filters.DateFilter(
        label="On the day",
        method="filter_day",
        validators=DATE_VALIDATORS,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Article
        fields = []
        form = ArticleFilterForm

    def __init__(self, data=None, *args, **kwargs):
        # Always bound: with no query string at all the list is still one language's
        # (the active one), and says so in its cleaned data (and so in its cache keys).
        super().__init__(QueryDict() if data is None else data, *args, **kwargs)

    @property
    def offered_choices(self):
        """For each slug filter given a name that several things share: a dict with
        "field" (its name) and "choices", a list of (label, query string) pairs, one per
        thing, the query string being this one with that thing's slug in the field."""
        if not self.is_bound or self.form.is_valid():
            return []
        offers = []
        for name in SLUG_FILTERS:
            for error in self.form.errors.as_data().get(name, []):
                if error.code != "ambiguous":
                    continue
                choices = []
                for obj in error.params["choices"]:
                    query = QueryDict(mutable=True)
                    query.update(self.data)
                    query[name] = obj.slug
                    label = str(obj) if isinstance(obj, Region) else f"{obj.name} ({obj.slug})"
                    choices.append((label, f"?{query.urlencode()}"))
                offers.append({"field": name, "choices": choices})
        return offers

    def filter_queryset(self, queryset, *, every_language=False, search=True):
        # Search last: it keeps the newest matches of everything the other filters chose,
        # parsed in the language searched (each article's own for every language).
        # A search of one language keeps that language's rows itself, as its search of
        # every language does for each: the two ask alike (search.newest_matches_of).
        query = self.form.cleaned_data.get("q")
        for name, value in self.form.cleaned_data.items():
            if name == "q" or (name == "language" and (every_language or (search and query))):
                continue
            queryset = self.filters[name].filter(queryset, value)
        if not search:
            return queryset
        language = None if every_language else self.search_language
        return self.search(queryset, query, language)

    @property
    def search_language(self):
        """The language a search is in: the filter's, None for every language."""
        language = self.form.cleaned_data.get("language")
        return None if language in (None, "", ALL_LANGUAGES) else language

    @staticmethod
    def search(queryset, query, language):
        """search_articles(), where every language is those of the public archive
        (archive_cache.languages_in_use): no configuration its articles do not need."""
        languages = languages_in_use() if language is None and query else None
        return search_articles(queryset, query, language, languages)

    def without_search(self):
        """The result of every filter but the search: what "did you mean" searches."""
        if not self.is_valid():
            return self.queryset.none()
        return self.filter_queryset(self.queryset.all(), search=False)

    def in_every_language(self):
        """The result the other filters choose, in every language: what the Language
        facet counts (articles.facets.language_facets). An empty queryset when the
        filters are invalid."""
        if not self.is_valid():
            return self.queryset.none()
        return self.filter_queryset(self.queryset.all(), every_language=True)

    def filter_language(self, queryset, name, language):
        if language == ALL_LANGUAGES:
            return queryset
        return queryset.filter(language=language)

    def filter_search(self, queryset, name, value):
        return self.search(queryset, value, self.search_language)

    def filter_region(self, queryset, name, region):
        return queryset.in_region(region)

    def filter_tag(self, queryset, name, tag):
        return queryset.with_tag(tag)

    def filter_byline(self, queryset, name, byline):
        return queryset.by(byline)

    def filter_day(self, queryset, name, day):
        return queryset.published_between(day_start(day), day_start(day + datetime.timedelta(1)))

    def filter_from(self, queryset, name, day):
        return queryset.filter(published_at__gte=day_start(day))

    def filter_to(self, queryset, name, day):
        # Inclusive: everything before the start of the next day.
        return queryset.filter(published_at__lt=day_start(day + datetime.timedelta(1)))


# "from" is a Python keyword, so the range filters are added by name.
ArticleFilter.base_filters["from"] = django_filters.DateFilter(
    label="From",
    method="filter_from",
    validators=DATE_VALIDATORS,
    error_messages=DATE_ERRORS,
    widget=forms.DateInput(attrs={"type": "date"}),
)
ArticleFilter.base_filters["to"] = django_filters.DateFilter(
    label="To",
    method="filter_to",
    validators=DATE_VALIDATORS,
    error_messages=DATE_ERRORS,
    widget=forms.DateInput(attrs={"type": "date"}),
)


SLUG_FILTERS = ("region", "tag", "byline")


def canonical_location(request):
    """Where a list asked for with names in its slug filters lives: the same path and
    query string with each such name ("ISIS", "Hewler") replaced by the slug it names
    uniquely, so that every way of asking is one URL (and one cached page). A str, or
    None when every such value is already a slug, or is unknown or ambiguous (the form
    then says so)."""
    # Only the parameters the list reads: junk is not carried into the new URL.
    query = canonical_query(request.GET, (*ArticleFilter.base_filters, "page"))
    changed = False
    for name in SLUG_FILTERS:
        value = request.GET.get(name)
        if not value:
            continue
        objects = ArticleFilter.base_filters[name].field_class.cached_objects()
        found = matching(objects, value)
        if len(found) == 1 and (found[0].slug != value or len(request.GET.getlist(name)) > 1):
            query[name] = found[0].slug
            changed = True
    return f"{request.path}?{query.urlencode()}" if changed else None

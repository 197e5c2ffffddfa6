"""The archive's query-string filters: region, tag, byline, day, range and search."""

import datetime

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from .archive_cache import bylines_in_use, gazetteer, tags_in_use
from .models import Article, Byline, Region, Tag
from .search import search_articles

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)
DATE_VALIDATORS = [
    MinValueValidator(EARLIEST_DATE, "Dates start at %(limit_value)s."),
    MaxValueValidator(LATEST_DATE, "Dates end at %(limit_value)s."),
]
DATE_ERRORS = {"invalid": "Enter a real date as YYYY-MM-DD, e.g. 2020-03-09."}


def day_start(day):
    """The aware start of a newsroom-local day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class CachedSlugChoiceField(forms.ModelChoiceField):
    """Chooses an object by slug among a list read once per archive version (see
    archive_cache), not with a query on every page."""

    @staticmethod
    def cached_objects():
        raise NotImplementedError

    def to_python(self, value):
        if value in self.empty_values:
            return None
        for obj in self.cached_objects():
            if obj.slug == value:
                return obj
        raise forms.ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": str(value).replace("\x00", "")},
        )


class CachedChoiceIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.cached_objects():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.cached_objects()) + (self.field.empty_label is not None)


class RegionChoiceField(CachedSlugChoiceField):
    """The gazetteer as a select."""

    iterator = CachedChoiceIterator
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
        error_messages={"invalid_choice": "There is no region “%(value)s” in the gazetteer."},
    )
    tag = TagFilter(
        label="Tag",
        queryset=public_tags,
        to_field_name="slug",
        method="filter_tag",
        widget=forms.TextInput,
        error_messages={"invalid_choice": "There is no tag “%(value)s”."},
    )
    byline = BylineFilter(
        label="Byline",
        queryset=public_bylines,
        to_field_name="slug",
        method="filter_byline",
        widget=forms.TextInput,
        error_messages={"invalid_choice": "There is no byline “%(value)s”."},
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

    def filter_queryset(self, queryset):
        # Search last: it keeps the newest matches of everything the other filters chose.
        search = self.form.cleaned_data.get("q")
        for name, value in self.form.cleaned_data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        return self.filters["q"].filter(queryset, search)

    def filter_search(self, queryset, name, value):
        return search_articles(queryset, value)

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

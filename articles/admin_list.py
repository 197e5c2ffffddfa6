"""The editors' article list at the archive's size.

Django's change list asks the database three things that cost a scan of every matching
row, however few rows the page shows: the number of matches (for the paginator), their
first and last dates, and their distinct years or months (for the date hierarchy). At a
million articles a list filtered by region or tag took seconds. Here the count stops at a
cap, and the dates of a list longer than the cap come from the date index: the two ends,
then one indexed "is there any?" per year or month between them. A list within the cap,
and the days of a month, are few enough rows to list as Django does.
"""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.utils import formats, timezone
from django.utils.functional import cached_property

from .models import (
    FIRST_PUBLICATION_YEAR,
    LAST_PUBLICATION_YEAR,
    LIST_LEAVES_OUT,
    Article,
    publication_year_bounds,
)


class CappedCountPaginator(Paginator):
    """Counts up to CAP matches and no further: beyond that the list says "more than
    10,000" and offers the first CAP / per_page pages; an editor narrows the list with
    the filters, the search or the date hierarchy rather than paging that deep."""

    CAP = 10_000

    @cached_property
    def counted(self):
        return self.object_list.order_by()[: self.CAP + 1].count()

    @cached_property
    def count(self):
        return min(self.counted, self.CAP)

    @property
    def is_capped(self):
        return self.counted > self.CAP


def local_start(year, month=1, day=1):
    """Midnight beginning that day in the newsroom's time, as the date hierarchy counts."""
    return timezone.make_aware(datetime.datetime(year, month, day))


def period_start(moment, kind):
    moment = timezone.localtime(moment)
    if kind == "year":
        return local_start(moment.year)
    if kind == "month":
        return local_start(moment.year, moment.month)
    return local_start(moment.year, moment.month, moment.day)


def next_period(start, kind):
    if kind == "year":
        return local_start(start.year + 1)
    if kind == "month":
        year, month = divmod(start.year * 12 + start.month, 12)  # month is 0-based here
        return local_start(year, month + 1)
    following = start.date() + datetime.timedelta(days=1)
    return local_start(following.year, following.month, following.day)


def within_publication_years(queryset, field):
    """Only the years an article can have: one dated beyond them before that rule (year 1,
    or 9999) has no year, month or day in the newsroom's time for the hierarchy to list."""
    start, end = publication_year_bounds()
    return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})


class DatesFromTheIndex:
    """The list's queryset as Django's date_hierarchy tag reads it: the aggregate of the
    first and last dates, and the distinct years, months or days that have articles.
    Both are answered with LIMIT 1 queries along the date index instead of an aggregate
    or a DISTINCT over every matching row."""

    KINDS = ("year", "month", "day")
    MOST_PROBES = 40  # 21 years of archive or 12 months, with room to grow

    def __init__(self, queryset, field):
        self.queryset = within_publication_years(queryset, field)
        self.field = field
        self.ends = {}

    def end(self, last):
        if last not in self.ends:
            ordering = f"-{self.field}" if last else self.field
            self.ends[last] = (
                self.queryset.order_by(ordering).values_list(self.field, flat=True).first()
            )
        return self.ends[last]

    def aggregate(self, **aggregates):
        ends = {Min: False, Max: True}
        if not all(type(a) in ends and a.source_expressions[0].name == self.field
                   for a in aggregates.values()):  # fmt: skip
            raise TypeError(f"only the Min and Max of {self.field} are read from the index")
        return {name: self.end(ends[type(a)]) for name, a in aggregates.items()}

    def datetimes(self, field, kind, order="ASC"):
        if field != self.field or kind not in self.KINDS:
            raise TypeError(f"only years, months or days of {self.field} are listed")
        if kind == "day":  # only ever asked within one month
            return list(self.queryset.datetimes(field, kind, order))
        first, last = self.end(last=False), self.end(last=True)
        if first is None:
            return []
        periods, start = [], period_start(first, kind)
        for _ in range(self.MOST_PROBES):
            if start > last:
                break
            following = next_period(start, kind)
            in_period = {f"{field}__gte": start, f"{field}__lt": following}
            if self.queryset.filter(**in_period).exists():
                periods.append(start)
            start = following
        else:  # a wider span than a date hierarchy shows: let the database list it
            return list(self.queryset.datetimes(field, kind, order))
        return periods if order == "ASC" else periods[::-1]


class WithDatesFromTheIndex:
    """A change list as the date hierarchy tag sees it: the same, but for its queryset."""

    def __init__(self, changelist):
        self._changelist = changelist
        self.queryset = DatesFromTheIndex(changelist.queryset, changelist.date_hierarchy)

    def __getattr__(self, name):
        return getattr(self._changelist, name)


class WithinPublicationYears(WithDatesFromTheIndex):
    """A change list as Django's own date hierarchy tag sees it, dated articles only."""

    def __init__(self, changelist):
        self._changelist = changelist
        self.queryset = within_publication_years(changelist.queryset, changelist.date_hierarchy)


class ArticleChangeList(ChangeList):
    """The article list reads none of the long texts it does not show."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*LIST_LEAVES_OUT)

    def get_filters(self, request):
        # Django would compute the year after 9999, or ask for moments before year 1 in
        # UTC: a year the hierarchy never offers is a wrong parameter, not a 500.
        if self.date_hierarchy:
            year = self.params.get(f"{self.date_hierarchy}__year")
            year = year[-1] if isinstance(year, list) else year
            if year is not None and not (
                year.isdigit() and FIRST_PUBLICATION_YEAR <= int(year) <= LAST_PUBLICATION_YEAR
            ):
                raise IncorrectLookupParameters(f"No articles can be dated in the year {year}.")
        return super().get_filters(request)


# Status and times as editors read them in the list and the form. A time is shown in the
# newsroom's zone; one stored before the rule on publication years may lie where that
# zone's time of it cannot be computed (the last hours of year 9999): shown in UTC.


def shown_time(moment, format="DATETIME_FORMAT"):
    if moment is None:
        return None
    try:
        return formats.date_format(timezone.localtime(moment), format)
    except OverflowError:
        return formats.date_format(moment.astimezone(datetime.UTC), format) + " UTC"


class PublicationStatusFilter(admin.SimpleListFilter):
    """Status as readers meet it: "Published" is live now (Article.objects.published());
    a published article still to appear is "Scheduled"; one dated outside the years an
    article can have is neither, and is found under "Date to fix"."""

    title = "status"
    parameter_name = "status"
    LIVE, SCHEDULED, DATE_TO_FIX = "published", "scheduled", "date-to-fix"

    def lookups(self, request, model_admin):
        S = Article.Status
        return [
            (S.DRAFT, S.DRAFT.label),
            (S.REVIEW, S.REVIEW.label),
            (self.SCHEDULED, "Scheduled"),
            (self.LIVE, "Published (live now)"),
            (S.WITHDRAWN, S.WITHDRAWN.label),
            (self.DATE_TO_FIX, "Date to fix"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == self.LIVE:
            return queryset.published()
        if value == self.SCHEDULED:
            return queryset.scheduled()
        if value == self.DATE_TO_FIX:
            return queryset.with_publication_date_error()
        if value in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN):
            return queryset.filter(status=value)
        return queryset.none()


@admin.display(description="Status", ordering="status")
def publication_status(article):
    if article.publication_date_error:
        return f"{article.get_status_display()}: date to fix"
    if article.is_scheduled:
        return f"Scheduled (due {shown_time(article.published_at, 'j M Y, H:i')})"
    return article.get_status_display()


class PublicationTimeField(forms.SplitDateTimeField):
    """The form's date and time fields, able to show a time stored before the rule on
    publication years even where the newsroom's time of it would pass year 9999 (then
    its UTC date and time, which the form's notice explains): the form opens and says
    what is wrong instead of failing."""

    @staticmethod
    def showable(value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            try:
                timezone.localtime(value)
            except OverflowError:
                return value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value

    def prepare_value(self, value):
        return super().prepare_value(self.showable(value))

    def has_changed(self, initial, data):
        return super().has_changed(self.showable(initial), data)

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

from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.functional import cached_property

from .models import LIST_LEAVES_OUT


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


class DatesFromTheIndex:
    """The list's queryset as Django's date_hierarchy tag reads it: the aggregate of the
    first and last dates, and the distinct years, months or days that have articles.
    Both are answered with LIMIT 1 queries along the date index instead of an aggregate
    or a DISTINCT over every matching row."""

    KINDS = ("year", "month", "day")
    MOST_PROBES = 40  # 21 years of archive or 12 months, with room to grow

    def __init__(self, queryset, field):
        self.queryset = queryset.filter(**{f"{field}__isnull": False})
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


class ArticleChangeList(ChangeList):
    """The article list reads none of the long texts it does not show."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*LIST_LEAVES_OUT)

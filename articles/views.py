import calendar
import datetime

from django.conf import settings
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db.models import Count, DateTimeField, QuerySet
from django.db.models.functions import Trunc
from django.http import Http404, HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView
from django.views.generic.dates import (
    DateDetailView,
    DayArchiveView,
    MonthArchiveView,
    YearArchiveView,
)

from . import archive_cache, summaries
from .archive_cache import archive_cache_key, cached_for_archive
from .exports import (
    EXPORT_RETRY_AFTER_SECONDS,
    ExportPageForm,
    csv_lines,
    export_page,
    export_rows,
    export_slot,
    json_chunks,
    released_when_done,
)
from .facets import ResultSummary, active_filters, date_facets, histogram, summarize
from .filters import ALL_LANGUAGES, ArticleFilter, active_language, canonical_location
from .models import LIST_LEAVES_OUT, Article, ArticleRedirect, Byline, Region, Tag, may_preview
from .querystring import canonical_query
from .search import attach_snippets, did_you_mean, is_capped
from .sitemaps import news_sitemap_articles
from .structured_data import news_article

# Deep pages cost an OFFSET of every row before them; past this, dates go further back.
MAX_PAGES = 500


# From this many rows on, a page's OFFSET is walked on article ids alone (see page()).
DEFERRED_OFFSET = 1000


class CountedPaginator(Paginator):
    """A paginator told its count, so that a page does not COUNT(*) its whole result.

    A deep page of a queryset (its OFFSET at least DEFERRED_OFFSET rows) is read as the
    page's ids, chosen by a subquery that skips the rows before it on the ids alone (an
    index-only scan where the filters allow it), and then only those rows: an OFFSET of
    the whole rows read every column of every row skipped."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom >= DEFERRED_OFFSET and isinstance(rows, QuerySet) and not rows.query.annotations:
            rows = rows.filter(pk__in=rows.values("pk")[bottom:top])
        else:
            rows = rows[bottom:top]
        return self._get_page(rows, number, self)


def edition(request, queryset):
    """`queryset` narrowed to the edition the request asks for, through the archive's
    language filter (ArticleFilter's `language`): the active language's articles, or
    `?language=<code>` another's, `?language=all` every language's. Only that parameter
    is read here; the other filters are the archive list's. A bad value is a 400."""
    data = QueryDict(mutable=True)
    if "language" in request.GET:
        data["language"] = request.GET["language"]
    filterset = ArticleFilter(data, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise BadRequest("Unknown language.")
    return filterset.qs


def edition_language(request):
    """The language code of the edition `request` asks for (see `edition`), or None for
    every language's."""
    language = request.GET.get("language") or active_language()
    return None if language == ALL_LANGUAGES else language


class PublishedArticlesMixin:
    """Every public article list: only Article.objects.published(), with its credits,
    in the edition asked for (see `edition`)."""

    # The query string's parameters the view reads (see articles.querystring).
    query_parameters = ("page", "language")
    model = Article
    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return edition(self.request, Article.objects.published().with_credits())

    @cached_property
    def result_address(self):
        """What names this page's result in the archive's caches (str): its address
        without the page number (archive_cache.address)."""
        return archive_cache.address(self.request, self.query_parameters, page=False)

    def summary_question(self):
        """The summaries.Question describing this page's result where the counts the
        writes keep can answer it, else None (then it is counted from its rows)."""
        return None

    def result_count(self, queryset):
        return archive_cache.result_count(self.result_address, queryset, self.summary_question())

    def get_paginator(self, queryset, per_page, **kwargs):
        self.total = self.result_count(queryset)
        pageable = min(self.total, MAX_PAGES * per_page)
        return CountedPaginator(queryset, per_page, count=pageable, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("paginator") is not None:
            context["result_count"] = self.total
            context["pages_capped"] = context["paginator"].count < self.total
        return context


class HomeView(PublishedArticlesMixin, ListView):
    template_name = "articles/home.html"
    paginate_by = None
    query_parameters = ("language",)

    def get_queryset(self):
        return super().get_queryset()[: settings.ARTICLES_PER_PAGE]


class ArticleListView(PublishedArticlesMixin, ListView):
    """The archive: every published article, narrowed by the query string."""

    template_name = "articles/article_list.html"
    query_parameters = (*ArticleFilter.base_filters, "page")

    def get(self, request, *args, **kwargs):
        # A tag, byline or place given by name ("ISIS", "Hewler") lives at its slug's URL.
        location = canonical_location(request)
        if location:
            return redirect(location)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # The whole filter, its language among them (the edition of the active language
        # unless `language` says otherwise).
        self.filterset = ArticleFilter(
            self.request.GET or None,
            queryset=Article.objects.published().with_credits(),
            request=self.request,
        )
        if self.filterset_is_invalid:
            return Article.objects.none()
        return self.filterset.qs

    @property
    def filterset_is_invalid(self):
        return self.filterset.is_bound and not self.filterset.is_valid()

    @property
    def filters_in_force(self):
        return self.filterset.form.cleaned_data if self.filterset.is_bound else {}

    @cached_property
    def summary(self):
        """Count and facets of the whole result, cached per filter and archive version."""
        if self.filterset_is_invalid:
            return ResultSummary(0, [], [], [])
        cleaned = self.filters_in_force
        return archive_cache.result_summary(
            self.result_address,
            lambda: summarize(
                self.object_list,
                cleaned.get("region"),
                cleaned.get("tag"),
                history_key=None if cleaned.get("q") else ("list", self.result_address),
                every_language=self.filterset.in_every_language(),
                selected_language=cleaned.get("language"),
                question=summaries.question_for(cleaned),
            ),
        )

    def result_count(self, queryset):
        return self.summary.count

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Links carry the filters in force, canonical: never what the view ignores.
        query = canonical_query(self.request.GET, self.query_parameters)
        query.pop("page", None)
        context.update(
            filter=self.filterset,
            base_query=query,
            query_string=query.urlencode(),
            active_filters=active_filters(self.filterset),
        )
        if not self.filterset_is_invalid:
            # Hundreds of facet and histogram links cost more to render than the page's
            # queries: cached as HTML per query string and archive version (never without).
            fragment_key = archive_cache_key(("list fragments", self.result_address))
            context.update(
                fragment_key=fragment_key,
                fragment_seconds=settings.ARCHIVE_CACHE_SECONDS if fragment_key else 0,
                language_facets=self.summary.languages,
                region_facets=self.summary.regions,
                tag_facets=self.summary.tags,
                facet_scope=self.summary.facet_scope,
                # Built only when the fragment cache misses, not for every fresh page.
                date_facets=SimpleLazyObject(lambda: date_facets(self.summary.months)),
                histogram=SimpleLazyObject(lambda: histogram(self.summary.months)),
                search_capped=bool(self.filters_in_force.get("q"))
                and is_capped(self.summary.count),
            )
            query_text = self.filters_in_force.get("q")
            if query_text:
                language = self.filterset.search_language
                # Each result's passage around the words matched; for a query that finds
                # little, a spelling the archive's own vocabulary suggests.
                context["object_list"] = attach_snippets(
                    context["object_list"], query_text, language
                )
                context["did_you_mean"] = did_you_mean(
                    self.filterset.without_search(),
                    query_text,
                    language,
                    found=self.summary.count,
                    params=canonical_query(self.request.GET, self.query_parameters),
                    languages=archive_cache.languages_in_use(),
                )
        return context

    def render_to_response(self, context, **kwargs):
        if self.filterset_is_invalid:
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class ArticleExportView(View):
    """/articles/export.csv and .json: the archive list's result, same query string, a
    page of at most exports.MAX_LIMIT articles at a time (`limit`, `after`: see
    articles.exports). Where more follow, a `Link: <URL>; rel="next"` header (and
    `next` in the JSON) gives the next page's URL. A bad filter, limit or cursor is a
    400 with {"errors": {name: [messages]}}."""

    fmt = "csv"
    content_types = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
    query_parameters = (*ArticleFilter.base_filters, "limit", "after")

    def get(self, request):
        slot = export_slot()
        if slot is None:
            response = JsonResponse(
                {"errors": {"__all__": ["Too many exports at once: try again shortly."]}},
                status=429,
            )
            response["Retry-After"] = str(EXPORT_RETRY_AFTER_SECONDS)
            return response
        try:
            response = self.export(request)
        except BaseException:
            slot.release()
            raise
        if not response.streaming:
            slot.release()
            return response
        response.streaming_content = released_when_done(response.streaming_content, slot)
        return response

    def export(self, request):
        filterset = ArticleFilter(
            request.GET or None,
            queryset=Article.objects.published().with_credits(),
            request=request,
        )
        paging = ExportPageForm(request.GET)
        if not paging.is_valid() or (filterset.is_bound and not filterset.is_valid()):
            errors = {**paging.errors, **(filterset.errors if filterset.is_bound else {})}
            return JsonResponse({"errors": errors}, status=400)
        page = export_page(filterset.qs, paging.cleaned_data["limit"], paging.cleaned_data["after"])
        query = canonical_query(request.GET, self.query_parameters)
        next_url = None
        if page.next_cursor:
            query_next = query.copy()
            query_next["after"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{query_next.urlencode()}")
        rows = export_rows(page.queryset, request.build_absolute_uri)
        body = csv_lines(rows) if self.fmt == "csv" else json_chunks(rows, query.dict(), next_url)
        response = StreamingHttpResponse(body, content_type=self.content_types[self.fmt])
        response["Content-Disposition"] = f'attachment; filename="articles.{self.fmt}"'
        if next_url:
            response["Link"] = f'<{next_url}>; rel="next"'
        return response


class DateArchiveMixin(PublishedArticlesMixin):
    """Day, month and year archives: Django's date views, with what they ask on every
    request answered once per archive version. A month's or year's date list is counted
    per day or month in one grouped query, which also says whether the period has
    articles and how many; a day's cached count says whether it has any; each
    neighbouring period is Django's own answer, cached; only the page's own list
    prefetches credits."""

    # Whether the view asks for a date list (month and year archives), which then says
    # whether the period has articles and how many.
    counts_by_date_list = False

    def get_queryset(self):
        return edition(self.request, Article.objects.published().defer(*LIST_LEAVES_OUT))

    def get_dated_queryset(self, **lookup):
        articles = self.get_queryset().filter(**lookup)
        if not self.counts_by_date_list and not self.result_count(articles):
            raise Http404("No articles were published then.")
        return articles

    def get_dated_items(self):
        date_list, articles, extra = super().get_dated_items()
        return date_list, articles.with_credits(), extra

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """The periods (aware datetimes, as QuerySet.datetimes() gives them) of
        `date_type` with articles in `queryset`; their articles are counted alongside,
        and the page's count is their sum (see result_count). A 404 if there are none."""
        date_type = date_type or self.get_date_list_period()
        question = self.summary_question()
        if question is not None and date_type == "day":
            # The month archive: its count from the summaries; its days (which the page
            # does not show) only if asked for.
            self.period_count = archive_cache.result_count(self.result_address, queryset, question)
            if not self.period_count and not self.get_allow_empty():
                raise Http404("No articles were published then.")
            return SimpleLazyObject(
                lambda: [period for period, _ in periods_counted(queryset, date_type, ordering)]
            )
        if question is not None and date_type == "month":
            counted = cached_for_archive(
                ("dates counted", self.result_address, date_type, ordering),
                lambda: months_counted(question, queryset, ordering),
            )
        else:
            counted = cached_for_archive(
                ("dates counted", self.result_address, date_type, ordering),
                lambda: periods_counted(queryset, date_type, ordering),
            )
        if not counted and not self.get_allow_empty():
            raise Http404("No articles were published then.")
        self.period_count = sum(n for _, n in counted)
        return [period for period, _ in counted]

    def summary_question(self):
        """The month's or year's articles in the edition (whole months: the summaries
        can count them); None for a day."""
        if not self.counts_by_date_list:
            return None
        try:
            year = int(self.get_year())
            month = int(self.get_month()) if hasattr(self, "get_month_format") else None
        except (TypeError, ValueError):
            return None
        if month is None:
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        else:
            start = datetime.date(year, month, 1)
            end = start.replace(day=calendar.monthrange(year, month)[1])
        return summaries.Question(language=edition_language(self.request), start=start, end=end)

    def result_count(self, queryset):
        counted = getattr(self, "period_count", None)
        return super().result_count(queryset) if counted is None else counted

    def neighbour(self, find, date):
        """find(date) (one of Django's get_previous_<period>/get_next_<period>: the
        nearest period with a public article, or None), cached per edition."""
        key = ("neighbour", find.__name__, date.isoformat(), self.request.GET.get("language", ""))
        return cached_for_archive(key, lambda: find(date))

    def get_previous_day(self, date):
        return self.neighbour(super().get_previous_day, date)

    def get_next_day(self, date):
        return self.neighbour(super().get_next_day, date)

    def get_previous_month(self, date):
        return self.neighbour(super().get_previous_month, date)

    def get_next_month(self, date):
        return self.neighbour(super().get_next_month, date)

    def get_previous_year(self, date):
        return self.neighbour(super().get_previous_year, date)

    def get_next_year(self, date):
        return self.neighbour(super().get_next_year, date)


def periods_counted(queryset, kind, ordering="ASC"):
    """[(start of period, number of articles)] of `queryset` per `kind` ("day",
    "month", "year"), the starts as QuerySet.datetimes() gives them (aware, in the
    current time zone), in `ordering` ("ASC" or "DESC")."""
    period = Trunc(
        "published_at", kind, output_field=DateTimeField(), tzinfo=timezone.get_current_timezone()
    )
    rows = (
        queryset.order_by()
        .filter(published_at__isnull=False)
        .annotate(period=period)
        .values("period")
        .annotate(n=Count("pk"))
        .order_by("-period" if ordering == "DESC" else "period")
        .values_list("period", "n")
    )
    return list(rows)


def months_counted(question, queryset, ordering="ASC"):
    """periods_counted(queryset, "month", ordering) where `queryset` is the result
    `question` (a summaries.Question) describes: its months that are over read from
    the counts the writes keep."""
    totals = {}
    for month, _, n in summaries.language_month_counts(question, queryset):
        totals[month] = totals.get(month, 0) + n
    zone = timezone.get_current_timezone()
    rows = [
        (datetime.datetime.combine(month, datetime.time.min, tzinfo=zone), n)
        for month, n in sorted(totals.items(), reverse=ordering == "DESC")
    ]
    return rows


class ArticleYearArchiveView(DateArchiveMixin, YearArchiveView):
    make_object_list = True
    counts_by_date_list = True


class ArticleMonthArchiveView(DateArchiveMixin, MonthArchiveView):
    counts_by_date_list = True


class ArticleDayArchiveView(DateArchiveMixin, DayArchiveView):
    pass


class ArticlePageMixin:
    """The article page, for readers and for staff previewing unpublished work."""

    template_name = "articles/article_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related_articles"] = self.object.related()
        # The published versions in other languages, by language code: the language
        # switch, the hreflang links and the structured data lead to them.
        versions = self.object.linked_versions()
        context["translations"] = {
            version.language: version for version in versions if version.get_absolute_url()
        }
        context["is_preview"] = not self.object.is_public
        # Stored before the rule, a date the page cannot show: the preview says why.
        context["publication_date_error"] = self.object.publication_date_error
        if not context["is_preview"]:
            context["canonical_url"] = self.request.build_absolute_uri(
                self.object.get_absolute_url()
            )
            context["structured_data"] = news_article(self.object, self.request, versions)
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context["is_preview"]:
            # A preview must never be cached or indexed.
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class ElsewhereInLanguage(Exception):
    """An article asked for under another language's prefix than its own, at `url`."""

    def __init__(self, url):
        super().__init__(url)
        self.url = url


class ArticleDetailView(ArticlePageMixin, PublishedArticlesMixin, DateDetailView):
    query_parameters = ()

    def get_allow_future(self):
        return may_preview(self.request.user)

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if article.language != translation.get_language():
            # Asked for under another language's prefix: the article's own address.
            raise ElsewhereInLanguage(article.get_absolute_url())
        return article

    def get(self, request, *args, **kwargs):
        try:
            return self.found_or_moved(request, *args, **kwargs)
        except ElsewhereInLanguage as elsewhere:
            return redirect(elsewhere.url, permanent=True)

    def get_queryset(self):
        # Staff preview at the public URL: unpublished work only for who may view it.
        return Article.objects.visible_to(self.request.user).for_article_page()

    def found_or_moved(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = (
                ArticleRedirect.objects.filter(old_path=request.path)
                .select_related("article")
                .first()
            )
            if moved and moved.article.is_public:
                return redirect(moved.article.get_absolute_url(), permanent=True)
            raise


class ArticlePreviewView(UserPassesTestMixin, ArticlePageMixin, DetailView):
    """Staff preview of an article that has no public URL yet (an undated draft)."""

    raise_exception = True

    def test_func(self):
        return may_preview(self.request.user)

    def handle_no_permission(self):
        raise Http404("No article here.")

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).for_article_page()


class SubjectArticlesView(PublishedArticlesMixin, ListView):
    """A page about one region, tag or byline, listing its published articles."""

    def get_subject_queryset(self):
        """Built per request: "in use" means public now, not when the process started."""
        raise NotImplementedError

    template_name = None

    def get(self, request, *args, **kwargs):
        self.subject = get_object_or_404(self.get_subject_queryset(), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, **kwargs)


class RegionDetailView(SubjectArticlesView):
    def get_subject_queryset(self):
        return Region.objects.select_related("parent")

    template_name = "articles/region_detail.html"

    def get_queryset(self):
        return super().get_queryset().in_region(self.subject)

    def summary_question(self):
        language = edition_language(self.request)
        return summaries.Question("place", self.subject.pk, language)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            ancestors=self.subject.ancestors(), places=self.subject.children.all(), **kwargs
        )


class TagDetailView(SubjectArticlesView):
    def get_subject_queryset(self):
        return Tag.objects.in_use()

    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        return super().get_queryset().with_tag(self.subject)

    def summary_question(self):
        return summaries.Question("tag", self.subject.pk, edition_language(self.request))


class BylineDetailView(SubjectArticlesView):
    def get_subject_queryset(self):
        return Byline.objects.in_use()

    template_name = "articles/byline_detail.html"

    def get_queryset(self):
        return super().get_queryset().by(self.subject)


class RegionIndexView(TemplateView):
    query_parameters = ()
    template_name = "articles/region_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(regions=Region.objects.all(), **kwargs)


class TagIndexView(ListView):
    query_parameters = ()
    template_name = "articles/tag_index.html"
    context_object_name = "tags"

    def get_queryset(self):
        return Tag.objects.in_use()


class BylineIndexView(ListView):
    query_parameters = ()
    template_name = "articles/byline_index.html"
    context_object_name = "bylines"

    def get_queryset(self):
        return Byline.objects.in_use()


def reads_no_parameters(view):
    """Mark a function view as reading no query parameters: the page cache then keeps
    one copy of its page whatever query string it is asked with (articles.querystring)."""
    view.query_parameters = ()
    return view


@reads_no_parameters
def news_sitemap(request):
    """The Google News sitemap: articles published in the last two days."""
    context = {
        "articles": news_sitemap_articles(),
        "base_url": f"{request.scheme}://{request.get_host()}",
        "publication_name": settings.NEWSROOM_NAME,
    }
    return render(request, "news_sitemap.xml", context, content_type="application/xml")


@reads_no_parameters
def robots_txt(request):
    base = f"{request.scheme}://{request.get_host()}"
    lines = [
        "User-agent: *",
        "Disallow: /articles/preview/",
        "Disallow: /articles/?",
        f"Sitemap: {base}{reverse('sitemap-index')}",
        f"Sitemap: {base}{reverse('news-sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")

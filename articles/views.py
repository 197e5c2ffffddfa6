from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import ListView, TemplateView
from django.views.generic.dates import (
    DateDetailView,
    DayArchiveView,
    MonthArchiveView,
    YearArchiveView,
)

from .filters import ArticleFilter
from .models import Article, Byline, Region, Tag


class PublishedArticlesMixin:
    """Every public article view: only Article.objects.published(), with its credits."""

    model = Article
    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().with_credits()


class HomeView(PublishedArticlesMixin, ListView):
    template_name = "articles/home.html"
    paginate_by = None

    def get_queryset(self):
        return super().get_queryset()[: settings.ARTICLES_PER_PAGE]


class ArticleListView(PublishedArticlesMixin, ListView):
    """The archive: every published article, narrowed by the query string."""

    template_name = "articles/article_list.html"

    def get_queryset(self):
        self.filterset = ArticleFilter(
            self.request.GET or None, queryset=super().get_queryset(), request=self.request
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return Article.objects.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=self.filterset, query_string=query.urlencode())
        return context

    def render_to_response(self, context, **kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class ArticleYearArchiveView(PublishedArticlesMixin, YearArchiveView):
    make_object_list = True


class ArticleMonthArchiveView(PublishedArticlesMixin, MonthArchiveView):
    pass


class ArticleDayArchiveView(PublishedArticlesMixin, DayArchiveView):
    pass


class ArticleDetailView(PublishedArticlesMixin, DateDetailView):
    def get_queryset(self):
        return super().get_queryset().prefetch_related("editors")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related_articles"] = self.object.related()
        return context


class SubjectArticlesView(PublishedArticlesMixin, ListView):
    """A page about one region, tag or byline, listing its published articles."""

    subject_queryset = None
    template_name = None

    def get(self, request, *args, **kwargs):
        self.subject = get_object_or_404(self.subject_queryset.all(), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, **kwargs)


class RegionDetailView(SubjectArticlesView):
    subject_queryset = Region.objects.select_related("parent")
    template_name = "articles/region_detail.html"

    def get_queryset(self):
        return super().get_queryset().in_region(self.subject)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            ancestors=self.subject.ancestors(), places=self.subject.children.all(), **kwargs
        )


class TagDetailView(SubjectArticlesView):
    subject_queryset = Tag.objects.in_use()
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        return super().get_queryset().with_tag(self.subject)


class BylineDetailView(SubjectArticlesView):
    subject_queryset = Byline.objects.in_use()
    template_name = "articles/byline_detail.html"

    def get_queryset(self):
        return super().get_queryset().by(self.subject)


class RegionIndexView(TemplateView):
    template_name = "articles/region_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(regions=Region.objects.all(), **kwargs)


class TagIndexView(ListView):
    template_name = "articles/tag_index.html"
    context_object_name = "tags"

    def get_queryset(self):
        return Tag.objects.in_use()


class BylineIndexView(ListView):
    template_name = "articles/byline_index.html"
    context_object_name = "bylines"

    def get_queryset(self):
        return Byline.objects.in_use()

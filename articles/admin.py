from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import format_html_join

from .models import Article, ArticleByline, Byline, Editor, Region, Tag
from .search import search_articles

PUBLISH_PERMISSION = "articles.publish_article"
EDITORIAL_STATUSES = {Article.Status.PUBLISHED, Article.Status.WITHDRAWN}


def can_publish(request):
    return request.user.has_perm(PUBLISH_PERMISSION)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("indented_name", "kind", "parent", "slug")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)
    fields = ("name", "slug", "kind", "parent", "alternative_names", "path")

    @admin.display(description="Name", ordering="path")
    def indented_name(self, region):
        return "\u2003" * region.depth + region.name


@admin.register(Byline)
class BylineAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "slug")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "user")
    search_fields = ("name", "slug", "user__username")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class RegionWithPlacesFilter(admin.SimpleListFilter):
    """Region, including every place inside it: as readers filter."""

    title = "region (and places inside)"
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(r.slug, "\u2003" * r.depth + r.name) for r in Region.objects.all()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        region = Region.objects.filter(slug=self.value()).first()
        return queryset.in_region(region) if region else queryset.none()


class ArticleBylineInline(admin.TabularInline):
    model = ArticleByline
    extra = 1
    autocomplete_fields = ("byline",)
    fields = ("byline", "position")
    verbose_name = "byline"
    verbose_name_plural = "bylines (in order)"


class ArticleAdminForm(forms.ModelForm):
    # Set per request by ArticleAdmin.get_form.
    may_publish = False

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if not self.may_publish and status in EDITORIAL_STATUSES:
            raise ValidationError(
                "Only editors can publish or withdraw an article. "
                "Save it as a draft or send it to review."
            )
        if status == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            cleaned["published_at"] = timezone.now()
        return cleaned


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = (
        "headline",
        "status",
        "published_at",
        "byline_names",
        "region_names",
        "updated_at",
    )
    list_filter = ("status", RegionWithPlacesFilter, "tags", "source")
    date_hierarchy = "published_at"
    search_fields = ("headline",)
    search_help_text = "Search headlines, summaries and bodies."
    autocomplete_fields = ("dateline", "regions", "tags", "editors")
    prepopulated_fields = {"slug": ("headline",)}
    inlines = (ArticleBylineInline,)
    readonly_fields = ("created_at", "updated_at", "created_by", "import_key")
    list_per_page = 50
    show_full_result_count = False
    actions = ("publish", "unpublish", "send_to_review", "withdraw")
    fieldsets = (
        (None, {"fields": ("headline", "slug", "summary", "body")}),
        ("Filing", {"fields": ("dateline", "source", "regions", "tags", "editors")}),
        ("Publication", {"fields": ("status", "published_at")}),
        (
            "Record",
            {
                "fields": ("created_at", "updated_at", "created_by", "import_key"),
                "classes": ("collapse",),
            },
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "article_bylines",
                    queryset=ArticleByline.objects.select_related("byline").order_by("position"),
                ),
                "regions",
            )
        )

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return search_articles(queryset, search_term), False

    @admin.display(description="Bylines")
    def byline_names(self, article):
        return ", ".join(b.name for b in article.ordered_bylines)

    @admin.display(description="Regions")
    def region_names(self, article):
        return format_html_join(", ", "{}", ((r.name,) for r in article.regions.all()))

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_public else None

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.may_publish = can_publish(request)
        return form

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not can_publish(request):
            kwargs["choices"] = [
                (value, label)
                for value, label in Article.Status.choices
                if value not in EDITORIAL_STATUSES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # Once an article is published or withdrawn, only editors may change it.
        if obj is not None and obj.status in EDITORIAL_STATUSES and not can_publish(request):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status in EDITORIAL_STATUSES and not can_publish(request):
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return can_publish(request)

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _set_status(self, request, queryset, status, verb):
        now = timezone.now()
        changed = 0
        with transaction.atomic():
            for article in queryset.select_for_update():
                if article.status == status:
                    continue
                article.status = status
                fields = ["status", "updated_at"]
                if status == Article.Status.PUBLISHED and article.published_at is None:
                    article.published_at = now
                    fields.append("published_at")
                article.save(update_fields=fields)
                self.log_change(request, article, f"{verb} (bulk action).")
                changed += 1
        self.message_user(
            request,
            f"{verb}: {changed} article{'s' if changed != 1 else ''}.",
            messages.SUCCESS if changed else messages.WARNING,
        )

    @admin.action(description="Publish selected articles", permissions=("publish",))
    def publish(self, request, queryset):
        self._set_status(request, queryset, Article.Status.PUBLISHED, "Published")

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=("publish",)
    )
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Article.Status.DRAFT, "Unpublished")

    @admin.action(description="Withdraw selected articles", permissions=("publish",))
    def withdraw(self, request, queryset):
        self._set_status(request, queryset, Article.Status.WITHDRAWN, "Withdrawn")

    @admin.action(description="Send selected drafts to review", permissions=("change",))
    def send_to_review(self, request, queryset):
        self._set_status(
            request,
            queryset.filter(status=Article.Status.DRAFT),
            Article.Status.REVIEW,
            "Sent to review",
        )

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html_join
from reversion.admin import VersionAdmin
from reversion.models import Version

from .admin_list import ArticleChangeList, CappedCountPaginator
from .history import changes_since, version_changes
from .models import (
    Article,
    ArticleByline,
    Byline,
    Correction,
    Editor,
    Region,
    Tag,
)
from .search import search_articles

PUBLISH_PERMISSION = "articles.publish_article"
# A bulk action changes each article in one transaction, with a revision each: "select
# all" on a list of hundreds of thousands would be one enormous, likely accidental, change.
BULK_ACTION_LIMIT = 1000
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
        region = Region.objects.filter(slug=self.value().replace("\x00", "")).first()
        return queryset.in_region(region) if region else queryset.none()


class TagFilter(admin.SimpleListFilter):
    """By tag, as an EXISTS: filtering through the join would make Django de-duplicate
    the whole list (SELECT DISTINCT), which at a million articles took seconds."""

    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return Tag.objects.order_by("name").values_list("slug", "name")

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        tag = Tag.objects.filter(slug=self.value().replace("\x00", "")).first()
        return queryset.with_tag(tag) if tag else queryset.none()


class ArticleBylineInline(admin.TabularInline):
    model = ArticleByline
    extra = 1
    autocomplete_fields = ("byline",)
    fields = ("byline", "position")
    verbose_name = "byline"
    verbose_name_plural = "bylines (in order)"


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ("kind", "noted_at", "text")
    verbose_name = "correction or update"
    verbose_name_plural = "corrections and updates (shown at the article's foot)"


class ArticleAdminForm(forms.ModelForm):
    # Set per request by ArticleAdmin.get_form.
    may_publish = False

    class Meta:
        widgets = {"lock_version": forms.HiddenInput}

    def clean(self):
        self.check_not_changed_since_loaded()
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

    def check_not_changed_since_loaded(self):
        """Refuse a save based on an out-of-date copy, and say what changed meanwhile.

        The row lock makes the check and the save one step: a second editor saving at
        the same moment waits, then sees the first one's version number."""
        self.conflict = None
        if self.instance.pk is None or "lock_version" not in self.cleaned_data:
            return
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("lock_version", flat=True)
            .first()
        )
        loaded = self.cleaned_data["lock_version"]
        if current is None or loaded == current:
            return
        fresh = Article.objects.get(pk=self.instance.pk)
        changes, later_versions, compared = changes_since(fresh, loaded, self.cleaned_data)
        self.conflict = {"changes": changes, "versions": later_versions, "compared": compared}
        # The next save, made after reading what changed, is based on the current version.
        self.data = self.data.copy()
        self.data[self.add_prefix("lock_version")] = current
        who = ", ".join(
            sorted({v.revision.user.get_username() for v in later_versions if v.revision.user})
        )
        raise ValidationError(
            "Someone else saved this article after you opened it"
            + (f" ({who})" if who else "")
            + ". Your text is kept below and was not saved. Compare it with their changes, "
            "listed above the form, then save again to keep your version."
        )


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"

    class Media:
        css = {"all": ("css/admin.css",)}

    list_display = (
        "headline",
        "status",
        "published_at",
        "byline_names",
        "region_names",
        "updated_at",
    )
    list_filter = ("status", RegionWithPlacesFilter, TagFilter)
    date_hierarchy = "published_at"
    search_fields = ("headline",)
    search_help_text = "Search headlines, summaries and bodies."
    autocomplete_fields = ("dateline", "regions", "tags", "editors")
    prepopulated_fields = {"slug": ("headline",)}
    inlines = (ArticleBylineInline, CorrectionInline)
    readonly_fields = ("created_at", "updated_at", "created_by", "import_key")
    list_per_page = 50
    paginator = CappedCountPaginator
    show_full_result_count = False
    # "Show counts" would count every region and tag option over the whole list.
    show_facets = admin.ShowFacets.NEVER
    actions = ("delete_selected", "publish", "unpublish", "send_to_review", "withdraw")
    fieldsets = (
        (None, {"fields": ("headline", "slug", "summary", "body")}),
        ("Filing", {"fields": ("dateline", "source", "regions", "tags", "editors")}),
        ("Publication", {"fields": ("status", "published_at", "lock_version")}),
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

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

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
        # Staff see unpublished work at its future public URL, or at a preview URL.
        return article.get_absolute_url() or article.get_preview_url()

    def get_urls(self):
        return [
            path(
                "<int:object_id>/history/<int:version_id>/changes/",
                self.admin_site.admin_view(self.version_changes_view),
                name="articles_article_version_changes",
            ),
            *super().get_urls(),
        ]

    def version_changes_view(self, request, object_id, version_id):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_for_object(article).select_related("revision__user"),
            pk=version_id,
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "version": version,
            "changes": version_changes(version),
            "title": f"Changes saved {version.revision.date_created:%Y-%m-%d %H:%M}",
        }
        return TemplateResponse(request, "admin/articles/article/version_changes.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore: allowed only to who may change the article as it stands now. django-
        reversion puts the old version in place before the form checks permissions, so
        the check must come first; and the live lock_version is kept across the restore,
        so that a save made meanwhile is still a conflict."""
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        request.live_lock_version = article.lock_version
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        # Bringing back a deleted article is an editor's decision.
        if not can_publish(request):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        live = getattr(request, "live_lock_version", None)
        if live is not None and object_id is not None:
            # Undo what the restored version wrote to the counter (it only grows).
            Article.objects.filter(pk=object_id).update(lock_version=live)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["conflict"] = getattr(context["adminform"].form, "conflict", None)
        return super().render_change_form(request, context, add, change, form_url, obj)

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

    def is_reporters_own_draft(self, request, obj):
        return obj.status not in EDITORIAL_STATUSES and obj.created_by_id == request.user.pk

    def has_change_permission(self, request, obj=None):
        # Reporters change only their own drafts; editors change everything.
        if (
            obj is not None
            and not can_publish(request)
            and not self.is_reporters_own_draft(request, obj)
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if (
            obj is not None
            and not can_publish(request)
            and not self.is_reporters_own_draft(request, obj)
        ):
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return can_publish(request)

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def refuse_too_many(self, request, queryset):
        """True (with a message saying why) when an action would touch too many articles."""
        if queryset.order_by()[: BULK_ACTION_LIMIT + 1].count() <= BULK_ACTION_LIMIT:
            return False
        self.message_user(
            request,
            f"A bulk action takes at most {BULK_ACTION_LIMIT:,} articles at once; nothing was "
            "changed. Narrow the list with the filters, the search or the dates first.",
            messages.ERROR,
        )
        return True

    @admin.action(description=delete_selected.short_description, permissions=("delete",))
    def delete_selected(self, request, queryset):
        if not self.refuse_too_many(request, queryset):
            return delete_selected(self, request, queryset)
        return None

    def _set_status(self, request, queryset, status, verb):
        if self.refuse_too_many(request, queryset):
            return
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
                with reversion.create_revision():
                    article.save(update_fields=fields)
                    reversion.set_user(request.user)
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
        drafts = queryset.filter(status=Article.Status.DRAFT)
        if not can_publish(request):
            drafts = drafts.filter(created_by=request.user)
        self._set_status(request, drafts, Article.Status.REVIEW, "Sent to review")

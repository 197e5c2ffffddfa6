import unicodedata
from urllib.parse import urlencode

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.forms.widgets import DateTimeBaseInput
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin
from reversion.models import Version

from .admin_list import (
    ArticleChangeList,
    CappedCountPaginator,
    PublicationStatusFilter,
    PublicationTimeField,
    publication_status,
    shown_time,
)
from .history import (
    ARTICLE_FIELDS,
    LABELS,
    PUBLICATION_FIELDS,
    RESTORED_FIELDS,
    article_versions,
    changes_between,
    current_state,
    display,
    field_change,
    local_time,
    merge,
    restore_version,
    submitted_state,
    version_changes,
    version_state,
    version_with_lock,
)
from .models import (
    FIRST_PUBLICATION_YEAR,
    LAST_PUBLICATION_YEAR,
    Article,
    ArticleByline,
    Byline,
    Correction,
    Editor,
    Region,
    Tag,
    default_article_language,
)
from .search import search_articles
from .text import lf

PUBLISH_PERMISSION = "articles.publish_article"
# A bulk action changes each article in one transaction, with a revision each: "select
# all" on a list of hundreds of thousands would be one enormous, likely accidental, change.
BULK_ACTION_LIMIT = 1000
EDITORIAL_STATUSES = {Article.Status.PUBLISHED, Article.Status.WITHDRAWN}


def can_publish(request):
    return request.user.has_perm(PUBLISH_PERMISSION)


def is_right_to_left(language):
    """Whether `language` (a code of settings.LANGUAGES) is written right to left
    (Django's translation.get_language_bidi: settings.LANGUAGES_BIDI)."""
    if not language:
        return False
    with translation.override(language):
        return translation.get_language_bidi()


def follow_text_direction(form, right_to_left=False):
    """Give each text box and textarea of `form` the direction of the text typed into it
    (dir="auto"), or with `right_to_left` dir="rtl": the form of a right-to-left article.
    Date and time boxes, numbers and hidden fields are left as they are."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, DateTimeBaseInput) or not isinstance(
            widget, forms.TextInput | forms.Textarea
        ):
            continue
        widget.attrs["dir"] = "rtl" if right_to_left else "auto"


class DirectionAutoForm(forms.ModelForm):
    """A form whose text boxes follow their text's direction (see follow_text_direction)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        follow_text_direction(self)


def alias_key(name):
    """What makes two names of an agency the same: str -> str, ignoring case, spaces and
    punctuation and Unicode compatibility forms ("Kurdistan24" is "Kurdistan 24" is
    "kurdistan-24"; "AFP" is "A.F.P.")."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if ch.isalnum())


class LinesField(forms.CharField):
    """A list of names, edited one a line: blank lines and repeats (by alias_key) are
    left out, each name's spacing tidied. Cleans to a list of str."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        names = {}
        for line in (super().to_python(value) or "").splitlines():
            name = " ".join(line.split())
            if name and alias_key(name) not in names:
                names[alias_key(name)] = name
        return list(names.values())


def other_languages():
    """(code, name) of each language of settings.LANGUAGES but the main one."""
    main = default_article_language()
    return [(code, name) for code, name in settings.LANGUAGES if code != main]


def name_field(code):
    return f"name_{code}"


class NamesInLanguagesForm(DirectionAutoForm):
    """The form of a place, tag or byline (NamedInLanguages): its name in each other
    language is a field of its own ("Name in کوردی"), kept in `names` by language code;
    an empty field removes that language's name. The slug is never touched."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.names or {}
        for code, _ in other_languages():
            if name_field(code) in self.fields:
                self.initial.setdefault(name_field(code), stored.get(code, ""))

    def _post_clean(self):
        super()._post_clean()
        names = {
            code: value
            for code, value in (self.instance.names or {}).items()
            if code not in dict(other_languages())
        }
        for code, _ in other_languages():
            value = " ".join((self.cleaned_data.get(name_field(code)) or "").split())
            if value:
                names[code] = value
        self.instance.names = names


def names_form(base=NamesInLanguagesForm):
    """`base` with a field per other language of settings.LANGUAGES, read when called
    (so a newsroom that adds a language has its field at once)."""
    attrs = {
        name_field(code): forms.CharField(
            label=f"Name in {name}",
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"dir": "auto", "lang": code}),
        )
        for code, name in other_languages()
    }
    return type(base.__name__, (base,), attrs)


class NamesInLanguagesAdmin(admin.ModelAdmin):
    """Admin of a NamedInLanguages model: the names per language after the name."""

    form = NamesInLanguagesForm
    exclude = ("names",)

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = names_form(self.form)
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if not f.startswith("name_")]
        at = fields.index("name") + 1 if "name" in fields else 0
        return [*fields[:at], *(name_field(code) for code, _ in other_languages()), *fields[at:]]


class RegionForm(NamesInLanguagesForm):
    alternative_names = LinesField(
        required=False,
        help_text="Other spellings that find this place in text, one a line.",
    )


@admin.register(Region)
class RegionAdmin(NamesInLanguagesAdmin):
    form = RegionForm
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


class BylineForm(NamesInLanguagesForm):
    alternative_names = LinesField(
        label="Other names",
        required=False,
        help_text="Other names copy credits it by, one a line (Kurdistan24, K24): one "
        "byline for all of them. A name is compared without case, spaces and "
        "punctuation, and belongs to one byline only.",
    )

    def clean_alternative_names(self):
        aliases = self.cleaned_data["alternative_names"]
        wanted = {alias_key(alias): alias for alias in aliases}
        if not wanted:
            return aliases
        others = Byline.objects.exclude(pk=self.instance.pk).values_list(
            "name", "alternative_names"
        )
        taken = []
        for name, their_aliases in others:
            for other in (name, *(their_aliases or ())):
                if alias_key(other) in wanted:
                    taken.append(f"“{wanted[alias_key(other)]}” (byline “{name}”)")
        if taken:
            raise ValidationError(
                "Already the name of another byline: "
                + "; ".join(sorted(set(taken)))
                + ". Add the other names to that byline instead, or rename it."
            )
        return aliases


@admin.register(Byline)
class BylineAdmin(NamesInLanguagesAdmin):
    form = BylineForm
    list_display = ("name", "kind", "slug")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    search_help_text = "Search names (in any language), other names and slugs."
    prepopulated_fields = {"slug": ("name",)}

    def get_search_results(self, request, queryset, search_term):
        """Also the bylines one of whose other names holds the term (as alias_key
        compares names: "kurdistan24" finds "Kurdistan 24"), or whose name in another
        language does."""
        given = queryset
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        key = alias_key(search_term)
        if not key:
            return queryset, duplicates
        found = [
            pk
            for pk, aliases, names in Byline.objects.values_list("pk", "alternative_names", "names")
            if any(key in alias_key(n) for n in (*(aliases or ()), *(names or {}).values()))
        ]
        if found:
            queryset = queryset | given.filter(pk__in=found)
        return queryset, duplicates


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "user")
    search_fields = ("name", "slug", "user__username")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)


class StaffAccountAdmin(UserAdmin):
    """Accounts are managed by administrators only. Who may edit editor credits may look
    accounts up by name in the credit's account field (the autocomplete), and nothing
    more: not the account list, nor an account's page."""

    def has_view_permission(self, request, obj=None):
        if obj is None and self.is_editor_credit_lookup(request):
            return True
        return super().has_view_permission(request, obj)

    @staticmethod
    def is_editor_credit_lookup(request):
        match = request.resolver_match
        return (
            match is not None
            and match.url_name == "autocomplete"
            and request.GET.get("app_label") == Editor._meta.app_label
            and request.GET.get("model_name") == Editor._meta.model_name
            and request.GET.get("field_name") == "user"
            and (
                request.user.has_perm("articles.change_editor")
                or request.user.has_perm("articles.add_editor")
            )
        )


admin.site.unregister(User)
admin.site.register(User, StaffAccountAdmin)


@admin.register(Tag)
class TagAdmin(NamesInLanguagesAdmin):
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


class ArticleBylineFormSet(BaseInlineFormSet):
    """Each byline row is given the article it belongs to: showing a row ("Jane Reporter
    on <headline>") must not read the article again, once per byline."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.instance.pk is not None and form.instance.article_id == self.instance.pk:
            form.instance.article = self.instance
        return form


class ArticleBylineInline(admin.TabularInline):
    model = ArticleByline
    formset = ArticleBylineFormSet
    extra = 1
    autocomplete_fields = ("byline",)
    fields = ("byline", "position")
    verbose_name = "byline"
    verbose_name_plural = "bylines (in order)"


class PlainTextField(forms.CharField):
    """A textarea's text with LF line endings: browsers post CRLF, stored text (imports,
    earlier saves) has LF, and a line ending is not an edit."""

    def to_python(self, value):
        return lf(super().to_python(value))


class CorrectionForm(DirectionAutoForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The form shows whole seconds: a stored fraction must not count as an edit.
        if self.instance.pk and self.instance.noted_at:
            self.initial["noted_at"] = self.instance.noted_at.replace(microsecond=0)


class CorrectionFormSet(BaseInlineFormSet):
    """Once an article has been public, its corrections and updates are a public record:
    they are never removed or rewritten, only superseded by a new note."""

    def clean(self):
        super().clean()
        article = self.instance
        if article.pk is None or not Article.objects.filter(pk=article.pk).was_public().exists():
            return
        stored = Correction.objects.filter(article=article).in_bulk()
        for form in self.initial_forms:
            note = stored.get(getattr(form.instance, "pk", None))
            if note is None:
                continue
            if self._should_delete_form(form) or self.rewrites(form, note):
                raise ValidationError(
                    f"“{note}” has been public: corrections and updates are a public "
                    "record and are not removed or rewritten. Add a new note that "
                    "supersedes it."
                )

    @staticmethod
    def rewrites(form, note):
        data = getattr(form, "cleaned_data", None) or {}
        noted_at = data.get("noted_at")
        return (
            lf(data.get("text", note.text)) != lf(note.text)
            or data.get("kind", note.kind) != note.kind
            or (
                noted_at is not None
                and noted_at.replace(microsecond=0) != note.noted_at.replace(microsecond=0)
            )
        )


class CorrectionInline(admin.StackedInline):
    model = Correction
    form = CorrectionForm
    formset = CorrectionFormSet
    formfield_overrides = {models.TextField: {"form_class": PlainTextField}}
    extra = 0
    fields = ("kind", "noted_at", "text")
    verbose_name = "correction or update"
    verbose_name_plural = (
        "corrections and updates (shown at the article's foot; once public, a public "
        "record: supersede a note with a new one)"
    )


BYLINE_ROWS = "article_bylines"  # the byline inline's formset prefix
MERGED_FIELDS = [*ARTICLE_FIELDS, "bylines"]  # corrections merge row by row, in their formset


class ArticleAdminForm(forms.ModelForm):
    """The article form, with the workflow's checks: who may publish, and saves made by
    someone else since the form was loaded (merged three ways, see `merge_concurrent`).

    ArticleAdmin.get_form sets `may_publish`, `request` and, on a restore page,
    `restoring` (a Restore) per request."""

    may_publish = False
    request = None
    restoring = None

    # Only on a restore page whose version differs in status, time or address.
    publication = forms.ChoiceField(
        label="Publication",
        widget=forms.RadioSelect,
        help_text="This version was saved with another status, publication time or address. "
        "Choose which the restored article has.",
    )

    class Meta:
        widgets = {"lock_version": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.merged = None
        language = self.article_language
        follow_text_direction(self, right_to_left=is_right_to_left(language))
        self.offer_originals_other_than(language)
        if self.restoring is not None and self.restoring.publication_changes:
            self.fields["publication"].choices = self.restoring.publication_choices()
        else:
            del self.fields["publication"]

    @property
    def article_language(self):
        """The language the form's article is in: as posted, else as stored (or as the
        add form's address gives it: ?language=ckb), else the main language."""
        if "language" not in self.fields:
            return self.instance.language
        value = self["language"].value()
        return value if value in dict(settings.LANGUAGES) else default_article_language()

    def offer_originals_other_than(self, language):
        """The "translation of" box offers only articles in other languages than
        `language` (ArticleAdmin.get_search_results reads `other_than`)."""
        field = self.fields.get("translation_of")
        widget = getattr(getattr(field, "widget", None), "widget", None)
        if not isinstance(widget, AutocompleteSelect):
            return
        url = widget.get_url()
        widget.get_url = lambda: f"{url}?{urlencode({'other_than': language})}"

    def clean(self):
        cleaned = super().clean()
        if self.restoring is not None and cleaned.get("publication") == "version":
            for name in PUBLICATION_FIELDS:
                set_cleaned(cleaned, name, self.restoring.state[name])
        self.merge_concurrent(cleaned)
        status = cleaned.get("status")
        if not self.may_publish and status in EDITORIAL_STATUSES:
            raise ValidationError(
                "Only editors can publish or withdraw an article. "
                "Save it as a draft or send it to review."
            )
        if status == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            cleaned["published_at"] = timezone.now()
        return cleaned

    # Bylines are rows of the inline formset, which Django builds from the same POST
    # data; ArticleAdmin.get_formset_kwargs hands this form the formset's copy of it.

    def posted_byline_ids(self):
        """Byline ids the posted rows ask for, in order; None if no rows were posted."""
        data = self.formset_data()
        total = data.get(f"{BYLINE_ROWS}-TOTAL_FORMS")
        if total is None or not str(total).isdigit():
            return None
        rows = []
        for i in range(min(int(total), 1000)):
            row = f"{BYLINE_ROWS}-{i}-"
            byline, position = data.get(row + "byline"), data.get(row + "position") or "0"
            if byline and str(byline).isdigit() and not data.get(row + "DELETE"):
                rows.append((int(position) if position.isdigit() else 0, i, int(byline)))
        return list(dict.fromkeys(byline for *_, byline in sorted(rows)))

    def formset_data(self):
        return getattr(self.request, "inline_formset_data", {}).get(BYLINE_ROWS, self.data)

    def post_byline_rows(self, article, byline_ids):
        """Make the posted byline rows turn `article`'s rows into exactly `byline_ids`."""
        data = self.formset_data()
        if not getattr(data, "_mutable", False):
            return
        for key in [k for k in data if k.startswith(f"{BYLINE_ROWS}-")]:
            del data[key]
        current = list(article.article_bylines.order_by("position", "pk"))
        rows = [
            {"id": row.pk, "byline": row.byline_id, "position": row.position}
            | (
                {"position": byline_ids.index(row.byline_id)}
                if row.byline_id in byline_ids
                else {"DELETE": "on"}
            )
            for row in current
        ]
        kept = {row.byline_id for row in current}
        rows += [
            {"id": "", "byline": byline_id, "position": position}
            for position, byline_id in enumerate(byline_ids)
            if byline_id not in kept
        ]
        data.update(
            {
                f"{BYLINE_ROWS}-TOTAL_FORMS": str(len(rows)),
                f"{BYLINE_ROWS}-INITIAL_FORMS": str(len(current)),
                f"{BYLINE_ROWS}-MIN_NUM_FORMS": "0",
                f"{BYLINE_ROWS}-MAX_NUM_FORMS": "1000",
            }
        )
        for i, row in enumerate(rows):
            for name, value in {"article": article.pk, **row}.items():
                data[f"{BYLINE_ROWS}-{i}-{name}"] = str(value)

    def show(self, name, value):
        """Put a state value back in the form's data, so the form shows it again."""
        field = Article._meta.get_field(name)
        if name == "bylines":
            return
        if field.many_to_many:
            self.data.setlist(name, [str(pk) for pk in value])
        elif name == "published_at":
            local = timezone.localtime(value) if value else None
            self.data[f"{name}_0"] = local.strftime("%Y-%m-%d") if local else ""
            self.data[f"{name}_1"] = local.strftime("%H:%M:%S") if local else ""
        else:
            self.data[name] = "" if value is None else str(value)

    def merge_concurrent(self, cleaned):
        """Merge the editor's copy with saves made since their form was loaded.

        Fields only one side changed keep that side's value; a field both changed to
        different values is a conflict, and the form comes back with the saved value
        beside the editor's and asks which to keep (`conflict-<field>`: mine or theirs).
        The row lock makes the check and the save one step: a second editor saving at
        the same moment waits, then merges with the first one's version."""
        if self.instance.pk is None or cleaned.get("lock_version") is None:
            return
        live_lock = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("lock_version", flat=True)
            .first()
        )
        loaded = cleaned["lock_version"]
        decisions = self.data.get("conflict_fields")
        if live_lock is None or (loaded == live_lock and not decisions):
            return  # nobody saved meanwhile: the ordinary save reads nothing more
        fresh = Article.objects.get(pk=self.instance.pk)
        current = current_state(fresh)
        submitted = submitted_state(cleaned, self.posted_byline_ids(), current)
        if loaded == live_lock:
            self.apply_decisions(cleaned, fresh, current, submitted)
            return
        self.data = self.data.copy()
        base_version = version_with_lock(fresh.pk, loaded)
        base = version_state(base_version) if base_version else None
        result = merge(base, current, submitted, MERGED_FIELDS)
        self.merged = result
        for name in MERGED_FIELDS:
            if name in cleaned or name == "bylines":
                set_cleaned(cleaned, name, result.values[name])
        self.post_byline_rows(fresh, list(result.values["bylines"]))
        # The next save is based on the version that is saved now.
        self.data[self.add_prefix("lock_version")] = live_lock
        cleaned["lock_version"] = live_lock
        if not result.conflicts:
            return
        for name in MERGED_FIELDS:
            self.show(name, result.values[name])
        later = [
            v for v in article_versions(fresh.pk) if base_version is None or v.pk > base_version.pk
        ]
        self.conflict = conflict_context(result.conflicts, current, submitted, later, result)
        who = ", ".join(sorted({v.revision.user.get_username() for v in later if v.revision.user}))
        raise ValidationError(
            "Someone else saved this article after you opened it"
            + (f" ({who})" if who else "")
            + ". Where only one of you changed a field, that change is kept. "
            + "You both changed: "
            + ", ".join(LABELS[n] for n in result.conflicts)
            + ". Choose which version of each to keep, above the form, and save again."
        )

    def apply_decisions(self, cleaned, fresh, current, submitted):
        """On the save after a conflict screen: take the saved value where the editor
        chose theirs; refuse the save until every conflicting field has a choice."""
        names = [n for n in self.data.get("conflict_fields", "").split(",") if n in MERGED_FIELDS]
        undecided = []
        for name in names:
            choice = self.data.get(f"conflict-{name}")
            if choice == "theirs":
                if name in cleaned or name == "bylines":
                    set_cleaned(cleaned, name, current[name])
                if name == "bylines":
                    self.post_byline_rows(fresh, list(current["bylines"]))
                submitted[name] = current[name]
            elif choice != "mine":
                undecided.append(name)
        if undecided:
            self.conflict = conflict_context(undecided, current, submitted, [], None)
            raise ValidationError(
                "Choose which version to keep of: "
                + ", ".join(LABELS[n] for n in undecided)
                + " (above the form), then save again."
            )


def set_cleaned(cleaned, name, value):
    """Put a state value into a form's cleaned data, as the form field would give it."""
    field = Article._meta.get_field(name) if name in ARTICLE_FIELDS else None
    if field is None:
        return
    if field.many_to_many:
        cleaned[name] = field.related_model.objects.filter(pk__in=value)
    elif field.is_relation:
        cleaned[name] = field.related_model.objects.filter(pk=value).first()
    else:
        cleaned[name] = value


def conflict_context(names, current, submitted, later_versions, merged):
    return {
        "fields": [
            {
                "name": name,
                "label": LABELS[name],
                "theirs": display(name, current[name]),
                "yours": display(name, submitted[name]),
                "diff": field_change(name, current[name], submitted[name]).diff_html,
            }
            for name in names
        ],
        "field_names": ",".join(names),
        "versions": later_versions,
        "kept_theirs": [LABELS[n] for n in merged.theirs] if merged else [],
        "kept_yours": [LABELS[n] for n in merged.yours] if merged else [],
    }


class Restore:
    """What restoring `version` over the live `article` would change, for the restore
    page: the story's fields are written back; status, publication time and address
    only if the editor chooses; corrections never."""

    def __init__(self, article, version):
        self.article = article
        self.version = version
        self.state = version_state(version)
        self.live = current_state(article)
        self.publication_changes = changes_between(self.live, self.state, PUBLICATION_FIELDS)
        self.content_changes = changes_between(self.live, self.state, [*RESTORED_FIELDS, "bylines"])
        kept = {note.pk for note in self.state["corrections"]}
        now = {note.pk for note in self.live["corrections"]}
        self.notes_since = [n for n in self.live["corrections"] if n.pk not in kept]
        self.notes_gone = [n for n in self.state["corrections"] if n.pk not in now]

    def describe(self, state):
        url = None
        if state["status"] == Article.Status.PUBLISHED and state["published_at"]:
            url = Article(slug=state["slug"], published_at=state["published_at"]).get_absolute_url()
        status = display("status", state["status"])
        if url and state["published_at"] > timezone.now():
            status = "Scheduled"
        return (
            f"{status}, publication time {display('published_at', state['published_at']) or 'none'}"
            f", {'at ' + url if url else 'not on the site'}"
        )

    def publication_choices(self):
        live_public = self.article.is_public
        version_public = (
            self.state["status"] == Article.Status.PUBLISHED
            and self.state["published_at"] is not None
            and self.state["published_at"] <= timezone.now()
        )
        warning = " (takes the story off the site)" if live_public and not version_public else ""
        return [
            ("keep", f"Keep what the form below says (now: {self.describe(self.live)})"),
            ("version", f"Take this version's: {self.describe(self.state)}{warning}"),
        ]


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
        publication_status,
        "language",
        "published_at",
        "byline_names",
        "region_names",
        "updated_at",
    )
    list_filter = (PublicationStatusFilter, "language", RegionWithPlacesFilter, TagFilter)
    date_hierarchy = "published_at"
    search_fields = ("headline",)
    search_help_text = "Search headlines, summaries and bodies."
    autocomplete_fields = ("translation_of", "dateline", "regions", "tags", "editors")
    prepopulated_fields = {"slug": ("headline",)}
    inlines = (ArticleBylineInline, CorrectionInline)
    readonly_fields = ("created_at", "updated_at", "created_by", "import_key")
    formfield_overrides = {
        models.DateTimeField: {"form_class": PublicationTimeField},
        models.TextField: {"form_class": PlainTextField},
    }
    list_per_page = 50
    paginator = CappedCountPaginator
    show_full_result_count = False
    # "Show counts" would count every region and tag option over the whole list.
    show_facets = admin.ShowFacets.NEVER
    actions = ("delete_selected", "publish", "unpublish", "send_to_review", "withdraw")
    fieldsets = (
        (None, {"fields": ("language", "translation_of", "headline", "slug", "summary", "body")}),
        (
            "Filing",
            {"fields": ("dateline", "dateline_text", "source", "regions", "tags", "editors")},
        ),
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
        if self.is_translation_of_lookup(request):
            # The "translation of" box: only articles in other languages than the form's.
            other_than = request.GET.get("other_than")
            if other_than in dict(settings.LANGUAGES):
                queryset = queryset.exclude(language=other_than)
        if not search_term.strip():
            return queryset, False
        return search_articles(queryset, search_term), False

    @staticmethod
    def is_translation_of_lookup(request):
        match = request.resolver_match
        return (
            match is not None
            and match.url_name == "autocomplete"
            and request.GET.get("app_label") == Article._meta.app_label
            and request.GET.get("model_name") == Article._meta.model_name
            and request.GET.get("field_name") == "translation_of"
        )

    @admin.display(description="Bylines")
    def byline_names(self, article):
        return ", ".join(b.name for b in article.ordered_bylines)

    @admin.display(description="Regions")
    def region_names(self, article):
        return format_html_join(
            ", ", "{}", ((r.name_in(article.language),) for r in article.regions.all())
        )

    def translations_panel(self, request, article):
        """The change form's "Translations" panel: a dict per language of
        settings.LANGUAGES, in order, with "code", "name", and either "article" (that
        language's version: this one or another, any status) with its "change_url",
        or, where there is none, "add_url" (the add form prefilled as a translation of
        the original: its language, dateline, places and tags) when the editor may add."""
        others = article.language_versions().only("pk", "language", "headline", "status")
        versions = {a.language: a for a in others}
        versions[article.language] = article
        original = article.translation_of or article
        may_add = self.has_add_permission(request)
        rows = []
        for code, name in settings.LANGUAGES:
            row = {"code": code, "name": name, "rtl": is_right_to_left(code)}
            version = versions.get(code)
            if version is not None:
                row.update(
                    article=version,
                    is_this=version.pk == article.pk,
                    is_original=version.pk == original.pk,
                    change_url=reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                        args=[version.pk],
                    ),
                )
            elif may_add:
                row["add_url"] = self.translation_add_url(original, code)
            rows.append(row)
        return rows

    def translation_add_url(self, original, language):
        initial = {"translation_of": original.pk, "language": language}
        if original.dateline_id:
            initial["dateline"] = original.dateline_id
        if original.dateline_text:
            initial["dateline_text"] = original.dateline_text
        for name in ("regions", "tags"):
            pks = [
                str(pk)
                for pk in getattr(original, name).order_by("pk").values_list("pk", flat=True)
            ]
            if pks:
                initial[name] = ",".join(pks)
        add = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_add")
        return f"{add}?{urlencode(initial)}"

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
            "title": f"Changes saved {local_time(version.revision.date_created)}",
        }
        return TemplateResponse(request, "admin/articles/article/version_changes.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore: the form filled from a saved version of this article, and saving it.

        Only versions of this article are accepted (django-reversion's own view would
        take any version whose object id matches, of any model, and revert its whole
        revision: another article). Only who may change the article as it stands now
        may restore it. The version is written inside a transaction that is rolled back
        unless the form is saved; it brings back the text, filing and bylines, never
        the corrections, and status, publication time and address only by the editor's
        explicit choice. The save is recorded as a new version."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        version = get_object_or_404(article_versions(article.pk), pk=version_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        restore = Restore(article, version)
        request.restoring = restore
        saved = timezone.localtime(version.revision.date_created)
        context = {
            "title": f"Restore the version saved {saved:%Y-%m-%d %H:%M}",
            "restore": restore,
            **(extra_context or {}),
        }
        posted_lock = request.POST.get("lock_version")
        write_version = request.method != "POST" or posted_lock == str(article.lock_version)
        comment = f"Restored the version saved {saved:%Y-%m-%d %H:%M}"
        return self._in_rolled_back_transaction(
            request,
            lambda: restore_version(article, version) if write_version else None,
            str(article.pk),
            context,
            comment,
        )

    def recover_view(self, request, version_id, extra_context=None):
        """Bring back a deleted article (an editor's decision), with its bylines and
        notes as they were when it was deleted. Only versions of deleted articles."""
        if not (can_publish(request) and self.has_add_permission(request)):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_deleted(Article), pk=version_id)

        def recover():
            version.revert()
            for sibling in version.revision.version_set.exclude(pk=version.pk):
                model = sibling.content_type.model_class()
                if model in (ArticleByline, Correction):
                    data = sibling.field_dict
                    article_id = data.get("article_id", data.get("article"))
                    if str(article_id) == str(version.object_id):
                        sibling.revert()

        context = {"title": f"Recover {version.object_repr}", **(extra_context or {})}
        return self._in_rolled_back_transaction(
            request, recover, version.object_id, context, "Recovered after deletion"
        )

    def recoverlist_view(self, request, extra_context=None):
        if not can_publish(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def changelist_view(self, request, extra_context=None):
        # The "Recover deleted articles" link is shown to those who may recover.
        extra_context = {**(extra_context or {}), "may_recover": can_publish(request)}
        return super().changelist_view(request, extra_context)

    def _in_rolled_back_transaction(self, request, write, object_id, context, comment):
        """Run `write`, then the change form, in one transaction kept only if the form
        was saved (a redirect); a form shown (200) is rendered, then rolled back."""

        class ShowForm(Exception):
            def __init__(self, response):
                self.response = response

        try:
            with transaction.atomic(), reversion.create_revision():
                reversion.set_user(request.user)
                write()
                response = self.changeform_view(request, object_id, request.path, context)
                if request.method == "POST" and response.status_code == 302:
                    change = reversion.get_comment()
                    reversion.set_comment(f"{comment}. {change}" if change else comment)
                    return response
                if hasattr(response, "render"):
                    response.render()
                raise ShowForm(response)
        except ShowForm as shown:
            return shown.response

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if "data" in kwargs:
            # The article form merges bylines with saves made meanwhile (see
            # ArticleAdminForm.merge_concurrent): it rewrites the rows the formset reads.
            request.inline_formset_data = {
                **getattr(request, "inline_formset_data", {}),
                prefix: kwargs["data"],
            }
        return kwargs

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        restore = getattr(request, "restoring", None)
        if restore is not None and restore.publication_changes:
            return [("Restore", {"fields": ("publication",)}), *fieldsets]
        return fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["conflict"] = getattr(context["adminform"].form, "conflict", None)
        if obj is not None and obj.pk is not None:
            context["translations"] = self.translations_panel(request, obj)
        context.setdefault("restore", getattr(request, "restoring", None))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        merged = getattr(request, "merged", None)
        if merged is not None and (merged.theirs or merged.yours):
            self.message_user(
                request,
                "Someone else saved this article while you were editing it; both sets of "
                "changes are kept. Theirs: "
                + (", ".join(LABELS[n] for n in merged.theirs) or "none")
                + ". Yours: "
                + (", ".join(LABELS[n] for n in merged.yours) or "none")
                + ".",
                messages.WARNING,
            )
        return super().response_change(request, obj)

    def save_form(self, request, form, change):
        request.merged = getattr(form, "merged", None)
        return super().save_form(request, form, change)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.may_publish = can_publish(request)
        form.request = request
        form.restoring = getattr(request, "restoring", None)
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
        undated = []  # dated outside the years an article can have: fixed in the form first
        with transaction.atomic():
            for article in queryset.select_for_update():
                if article.status == status:
                    continue
                if status == Article.Status.PUBLISHED and article.publication_date_error:
                    undated.append(article)
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
        if undated:
            self.message_user(
                request,
                format_html(
                    "Not published, as their publication date is outside the years {} to {}: "
                    "{}. Correct the date in each article first.",
                    FIRST_PUBLICATION_YEAR,
                    LAST_PUBLICATION_YEAR,
                    format_html_join(
                        "; ",
                        "“{}” ({})",
                        ((a.headline, shown_time(a.published_at)) for a in undated),
                    ),
                ),
                messages.ERROR,
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

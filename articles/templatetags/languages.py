"""Languages on the public pages: names in the page's language, `lang`/`dir` for text in
another language, and the links between a page's editions (language switch, hreflang)."""

import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse, translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_noop

from articles.middleware import EVERY_PAGE_READS
from articles.querystring import canonical_query

register = template.Library()

# The kinds of places and bylines as the public pages show them (`{% translate
# region.get_kind_display %}`): listed for makemessages, since the models' choice labels
# are not marked for translation.
KIND_LABELS = [
    gettext_noop("Country"),
    gettext_noop("Region"),
    gettext_noop("Governorate"),
    gettext_noop("District"),
    gettext_noop("Subdistrict"),
    gettext_noop("City"),
    gettext_noop("Town or village"),
    gettext_noop("Landmark"),
    gettext_noop("River"),
    gettext_noop("Area (border area, mountains, plain)"),
    gettext_noop("Person"),
    gettext_noop("Staff"),
    gettext_noop("Agency"),
    gettext_noop("Correction"),
    gettext_noop("Update"),
]
# The names Django's `date` filter looks up ("F", "l", "M"), so that the newsroom's
# catalogues hold them: Django has none for Kurmanji, and the Arabic edition names the
# months as Iraq does (كانون الثاني, شباط ...), not as Django's Arabic does.
DATE_NAMES = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
    gettext_noop("jan"),
    gettext_noop("feb"),
    gettext_noop("mar"),
    gettext_noop("apr"),
    gettext_noop("may"),
    gettext_noop("jun"),
    gettext_noop("jul"),
    gettext_noop("aug"),
    gettext_noop("sep"),
    gettext_noop("oct"),
    gettext_noop("nov"),
    gettext_noop("dec"),
]


def direction(language):
    """ "rtl" for a right-to-left language code (settings.LANGUAGES_BIDI), else "ltr"."""
    base = (language or settings.LANGUAGE_CODE).split("-")[0]
    return "rtl" if base in settings.LANGUAGES_BIDI else "ltr"


@register.simple_tag
def lang_attrs(language):
    """` lang="ar" dir="rtl"`: the attributes for text in `language` (a code), to put on
    an element holding it (a headline, a summary, an article's body)."""
    return format_html(' lang="{}" dir="{}"', language, direction(language))


@register.filter
def name_in_page(subject):
    """A region's, tag's or byline's name in the active language (name_in), falling back
    to its main name."""
    return subject.name_in(translation.get_language())


@register.simple_tag
def name_lang_attrs(subject):
    """`lang`/`dir` for name_in_page(subject) where that is not in the page's language
    (no name in it: the main name is shown); "" where it is."""
    language = translation.get_language()
    if (subject.names or {}).get(language):
        return ""
    if language == settings.LANGUAGE_CODE:
        return ""
    return lang_attrs(settings.LANGUAGE_CODE)


@register.inclusion_tag("includes/language_switch.html", takes_context=True)
def language_switch(context):
    """The header's language switch: per language, the translation of the article shown
    (`translations` in the context: published versions by code) where one exists, else
    the same page in that language where it is not an article (a list: its query kept),
    else that language's home."""
    return {"links": edition_links(context, keep_query=True)}


@register.inclusion_tag("includes/hreflang.html", takes_context=True)
def hreflang_links(context):
    """<link rel="alternate" hreflang> for each language the page exists in, and
    x-default (the main language's), as absolute URLs."""
    request = context.get("request")
    if request is None:
        return {"links": []}
    links = [link for link in edition_links(context, keep_query=False) if link["exists"]]
    absolute = [{**link, "url": request.build_absolute_uri(link["url"])} for link in links]
    default = [link for link in absolute if link["code"] == settings.LANGUAGE_CODE]
    return {"links": absolute, "default": default[0] if default else None}


def known_query_path(request):
    """The request's path with the parameters its view reads (its `query_parameters`,
    canonical: see articles.querystring), never what the view ignores."""
    match = request.resolver_match
    view = getattr(match.func, "view_class", match.func) if match else None
    names = getattr(view, "query_parameters", None) or ()
    query = canonical_query(request.GET, (*names, *EVERY_PAGE_READS)).urlencode()
    return request.path + ("?" + query if query else "")


@functools.lru_cache(maxsize=64)
def edition_home(code, script_prefix, urlconf, main_language):
    """The path of the home page of the edition in `code`, under `script_prefix`, by
    `urlconf` (a module's name), `main_language` (settings.LANGUAGE_CODE) unprefixed:
    given those, the same for every page, so each process reverses it once, not twice a
    page for each language (the language switch, the hreflang links)."""
    with translation.override(code):
        return reverse("home", urlconf=urlconf)


def edition_links(context, *, keep_query):
    """[{code, name, url, current, exists, dir}] for each of settings.LANGUAGES."""
    current = translation.get_language()
    request = context.get("request")
    article = context.get("article")
    is_article_page = article is not None and "translations" in context
    links = []
    where = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, settings.LANGUAGE_CODE)
    for code, name in settings.LANGUAGES:
        url, exists = edition_home(code, *where), False
        if code == current and request is not None:
            url, exists = known_query_path(request) if keep_query else request.path, True
        elif is_article_page:
            version = context["translations"].get(code)
            if version is not None:
                url, exists = version.get_absolute_url(), True
        elif request is not None:
            path = known_query_path(request) if keep_query else request.path
            translated = translate_url(path, code)
            if translated != path:  # unchanged: not a page of the language editions
                url, exists = translated, True
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "current": code == current,
                "exists": exists,
                "dir": direction(code),
            }
        )
    return links

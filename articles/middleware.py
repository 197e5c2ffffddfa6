from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, set_response_etag

from newsroom.db_routers import PIN_COOKIE

from . import archive_cache

# Read by every page: the site-wide search box (base.html) shows the current `q`.
EVERY_PAGE_READS = ("q",)


class PathLanguageMiddleware:
    """Activates the language the URL's path names, and only that: `/ckb/...`, `/kmr/...`,
    `/ar/...` (settings.LANGUAGES), the main language (settings.LANGUAGE_CODE) for every
    other path, the admin's included. Never Accept-Language or a cookie: pages are cached
    by URL, so one URL must be one language for every reader (no Vary needed).

    `/en/...` (the main language's code as a prefix) answers 301 to the unprefixed path:
    each page has one address. The response says its language in Content-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info)
        main = settings.LANGUAGE_CODE
        if language == main:
            unprefixed = request.path_info[len(main) + 1 :] or "/"
            query = request.META.get("QUERY_STRING", "")
            location = request.META.get("SCRIPT_NAME", "") + unprefixed
            return HttpResponsePermanentRedirect(location + ("?" + query if query else ""))
        translation.activate(language or main)
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class PublicCachingMiddleware:
    """Lets browsers and proxies reuse what every reader sees alike for a short while;
    with the ETag that ConditionalGetMiddleware checks, a repeat visit
    is a 304. Anything personal (a logged-in editor's page, the admin) stays private."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control") or request.method not in ("GET", "HEAD"):
            return response
        user = getattr(request, "user", None)
        if response.status_code == 200 and user is not None and not user.is_authenticated:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response


class PublicPageCacheMiddleware:
    """The answer to "this page" (articles.archive_cache, docs/caching.md): whole
    public pages for readers in caches["pages"], keyed by host and canonical
    address (the path and the parameters the view reads, `query_parameters`; a view
    that does not say is cached only without a query string) at the archive's version.
    Only what PublicCachingMiddleware marked public is stored, and only for requests
    without a session: editors and previews never enter it. After a publication the
    previous page is given for settings.CACHE_GRACE_SECONDS while one request renders
    it again; never after a withdrawal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not settings.PAGE_CACHE
            or request.method != "GET"
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        page = self.cache_path(request)
        if page is None:
            return self.get_response(request)
        key = ("page", request.scheme, request.get_host(), page)
        # A reader who wrote a moment ago (newsroom.db_routers' pin) reads their own
        # write: the version read now, never the page from before the change.
        pinned = PIN_COOKIE in request.COOKIES
        entry = archive_cache.lookup(
            caches["pages"],
            key,
            max_age=0 if pinned else settings.PAGE_CACHE_VERSION_SECONDS,
            previous_ok=not pinned,
        )
        if entry is not None and entry.value is not archive_cache.MISSING:
            status, headers, content = entry.value
            return HttpResponse(content, status=status, headers=headers)
        response = self.get_response(request)
        if entry is not None and self.is_storable(response):
            set_response_etag(response)  # once, rather than hashing the page on every hit
            entry.save((response.status_code, dict(response.items()), response.content))
        return response

    @staticmethod
    def cache_path(request):
        """The path with the canonical query string (str) that names the page, or None
        where the page must not be cached by URL."""
        try:
            match = resolve(request.path_info)
            query = request.GET
        except (Resolver404, TooManyFieldsSent):  # the view answers 404 or 400
            return None
        view = getattr(match.func, "view_class", match.func)
        names = getattr(view, "query_parameters", None)
        if names is None:
            return None if query else request.path
        return archive_cache.address(request, (*names, *EVERY_PAGE_READS))

    @staticmethod
    def is_storable(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "public" in response.get("Cache-Control", "")
        )

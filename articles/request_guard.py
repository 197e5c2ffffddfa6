"""Refuse, before anything reads it, a request that no page could answer sensibly.

Each check is of the whole kind, not of one address: whatever the view, a request whose
query string, form fields, path, cookies or headers hold text PostgreSQL cannot store (NUL,
or a lone surrogate, which has no UTF-8 form) is a 400, and so is one Django cannot parse
at all (too many fields, a body too large, a broken multipart body, a charset that is not
one). Without this each such value travelled on to whichever filter, lookup, session or
login-throttling record met the database first, and was a 500 there.

It runs near the top of the middleware, before the page cache, sessions, CSRF and the
views. Its 400 is articles.errors.bad_request, which never reads the request again,
logged in one line as Django logs a 400, with the reason; what Django itself refuses while
parsing (TooManyFieldsSent, RequestDataTooBig, a broken multipart body) goes on to Django,
which logs it and answers with the same page.

One such request fails before any middleware: a Content-Type with a charset makes Django's
WSGIRequest re-read the query string while it is being built, so 1,001 parameters, or a
charset such as `base64`, raised out of the WSGI handler as a bare 500. newsroom/wsgi.py
builds its requests with GuardedWSGIRequest, which leaves that to this middleware.
"""

import contextlib
import re

import django
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.asgi import ASGIHandler, ASGIRequest
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.utils.log import log_response

from .errors import bad_request

# Text PostgreSQL refuses in a text column: NUL, and lone surrogates (not encodable).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text):
    return isinstance(text, str) and UNSTORABLE.search(text) is not None


class Unreadable(Exception):
    pass


def parsed(request, part):
    """request.GET or request.POST, or Unreadable if the client sent what cannot be read.

    Django's own refusals (too many fields, too large, a bad multipart body) go on as they
    are. Anything else that parsing raises (a charset such as `base64` that decodes no
    text, or `idna` that cannot replace what it cannot decode) is the client's too."""
    try:
        return getattr(request, part)
    except (SuspiciousOperation, MultiPartParserError):
        forget(request, part)
        raise
    except Exception as error:
        forget(request, part)
        raise Unreadable(f"unreadable {part} data: {type(error).__name__}: {error}") from error


def forget(request, part):
    """Leave the unreadable part empty, so that nothing after this (a logger, an error
    page) fails again by reading it."""
    if part == "GET":
        request.GET = QueryDict()
    else:
        request._post, request._files = QueryDict(), MultiValueDict()


def refusal(request):
    """Why the request is refused, or None: text the database cannot store, or a query
    string or form that cannot be decoded. Django's own refusals are raised."""
    try:
        where = unstorable_text(request)
    except Unreadable as error:
        return str(error)
    return None if where is None else f"NUL or lone surrogate in {where}"


def unstorable_text(request):
    """Where the request holds text the database cannot store, or None."""
    if unstorable(request.path_info) or unstorable(request.path):
        return "the path"
    for key, values in parsed(request, "GET").lists():
        if unstorable(key) or any(map(unstorable, values)):
            return "the query string"
    if request.method == "POST":
        for key, values in parsed(request, "POST").lists():
            if unstorable(key) or any(map(unstorable, values)):
                return "a form field"
        for key, files in request.FILES.lists():
            if unstorable(key) or any(unstorable(upload.name) for upload in files):
                return "a file name"
    for name, value in request.COOKIES.items():
        if unstorable(name) or unstorable(value):
            return "a cookie"
    for name, value in request.META.items():
        if (name.startswith("HTTP_") or name in ("CONTENT_TYPE", "REMOTE_ADDR")) and unstorable(
            value
        ):
            return "a header"
    return None


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = refusal(request)
        if reason is None:
            return self.get_response(request)
        response = bad_request(request, None)
        # One line, as Django logs a 400 (the path escaped); the page says none of it.
        log_response(
            "Bad Request (%s): %s", reason, request.path, response=response, request=request
        )
        return response


class DeferredQueryString:
    """A request that, while being built, does not parse its query string.

    Setting the encoding a Content-Type names makes Django's request ask whether its GET
    is cached (hasattr(self, "GET")), which parses it, in the constructor: a query string
    Django refuses, or a charset that decodes nothing, raised there. Here the encoding is
    kept and GET left unparsed; RequestGuardMiddleware reads it and answers 400."""

    def _set_content_type_params(self, meta):
        with contextlib.suppress(Exception):  # parsed, and refused, by the middleware
            super()._set_content_type_params(meta)


class GuardedWSGIRequest(DeferredQueryString, WSGIRequest):
    pass


class GuardedASGIRequest(DeferredQueryString, ASGIRequest):
    pass


class GuardedWSGIHandler(WSGIHandler):
    request_class = GuardedWSGIRequest


class GuardedASGIHandler(ASGIHandler):
    request_class = GuardedASGIRequest


def get_wsgi_application():
    """django.core.wsgi.get_wsgi_application, building GuardedWSGIRequests."""
    django.setup(set_prefix=False)
    return GuardedWSGIHandler()


def get_asgi_application():
    """django.core.asgi.get_asgi_application, building GuardedASGIRequests."""
    django.setup(set_prefix=False)
    return GuardedASGIHandler()

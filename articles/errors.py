"""Error pages: a plain message in the site's layout and a way on (a search box, the
latest news), never the exception's text; the details go to the log.

Every page here is rendered from its template alone, not from the request: the request may
be what was refused (a query string of 1,001 fields fails again when read), and the
context processors may read the database, which may be what failed (the 503). So an error
page costs no query and reads nothing the client sent. It is never stored by a cache: a
page missing now may be published in a minute, and an outage passes.

A database that stops answering is an outage, not a bug: readers get a 503 that says so
(with Retry-After, so crawlers come back), not the generic 500.

Django logs each error response itself ("Not Found: /path", "Bad Request: /path" with the
reason, "Internal Server Error: /path" with the traceback); what a 404 or 403 said about
why is logged here, since Django leaves it out.
"""

import logging
import sys

from csp.utils import build_policy
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.urls import Resolver404
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

# If the page cannot be rendered at all (a broken template, the URLconf itself failing).
FALLBACK = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
    '<body><h1>{title}</h1><p>Please try again, or go to <a href="/">the latest news</a>.</p>'
    "</body></html>\n"
)
TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    500: "Something went wrong",
    503: "Briefly unavailable",
}


def error_page(template_name, status):
    try:
        body = loader.get_template(template_name).render({"site_name": settings.NEWSROOM_NAME})
    except Exception:
        logger.exception("The error page %s could not be rendered", template_name)
        body = FALLBACK.format(title=TITLES[status])
    response = HttpResponse(body, status=status)
    add_never_cache_headers(response)  # no-store, private: neither the page cache nor a proxy
    # The middleware that adds these may not have run: the request may have been refused
    # before it.
    response["X-Frame-Options"] = "DENY"
    response["Content-Security-Policy"] = build_policy()
    return response


def log_reason(request, status, exception):
    """What Django leaves out of its "Not Found: /path": the view's reason, if it gave one
    (a resolver's miss says only what URL patterns were tried)."""
    if exception is None or isinstance(exception, Resolver404):
        return
    reason = str(exception)
    if reason:
        logger.info("%s %r: %s", status, request.path, reason)


def bad_request(request, exception):
    return error_page("400.html", 400)


def permission_denied(request, exception):
    log_reason(request, 403, exception)
    return error_page("403.html", 403)


def page_not_found(request, exception):
    log_reason(request, 404, exception)
    return error_page("404.html", 404)


def server_error(request):
    _, error, _ = sys.exc_info()
    if isinstance(error, OperationalError | InterfaceError):
        response = error_page("503.html", 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return error_page("500.html", 500)

"""Error pages. A database that stops answering is an outage, not a bug: readers get a
503 that says so (with Retry-After, so crawlers come back), not the generic 500."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 5


@requires_csrf_token
def server_error(request, template_name="500.html"):
    # Rendered without the request: context processors could touch the database.
    _, error, _ = sys.exc_info()
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(loader.get_template(template_name).render())

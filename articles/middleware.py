from django.conf import settings
from django.utils.cache import patch_cache_control


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

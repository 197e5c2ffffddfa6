import os

# Django's handler, with requests that leave a refused query string to the middleware.
from articles.request_guard import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_asgi_application()

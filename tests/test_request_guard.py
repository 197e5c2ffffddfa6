"""Hostile input that no view can read is a clean 400, everywhere (articles/request_guard.py).

Issue 12, fault 6: a NUL (or a lone surrogate) reached PostgreSQL from the admin's
filters and autocomplete, a session cookie, a login's User-Agent..., and was a 500 there.
Fault 11: a request Django refuses to parse (1,001 query parameters, too many form fields,
a body too large, a broken multipart body) was a 500, because the 400 page itself read
`request.GET` and failed again. Each is now the site's plain 400 page. These run on SQLite
and on PostgreSQL (where the NULs were 500s): `python3 dev.py test tests/test_request_guard.py`.
"""

import io
import logging

import pytest
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.fixture
def admin_client(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


@pytest.fixture
def published(db):
    return make_article(
        "Dam repairs", regions=["erbil-city"], tags=["Water"], bylines=["Kurdistan 24"]
    )


def assert_plain_400(response):
    assert response.status_code == 400
    body = response.content.decode()
    assert "<h1>Bad request</h1>" in body
    assert "\x00" not in body
    for internal in ("Traceback", "DATA_UPLOAD", "TooMany", "exceeded", "NUL", "surrogate"):
        assert internal not in body
    assert "public" not in response["Cache-Control"]


PUBLIC_URLS = [
    "/",
    "/articles/",
    "/articles/export.csv",
    "/articles/export.json",
    "/articles/2020/03/",
    "/regions/erbil-city/",
    "/tags/water/",
    "/bylines/kurdistan-24/",
    "/feed/",
    "/feed/atom/",
    "/tags/water/feed/",
    "/sitemap.xml",
    "/news-sitemap.xml",
    ADMIN_LOGIN,
]


# Fault 6: NUL and lone surrogates


@pytest.mark.parametrize("url", PUBLIC_URLS)
@pytest.mark.parametrize("query", ["q=%00", "x=%00", "%00=1", "tag=water%00", "next=/%00"])
def test_a_nul_anywhere_in_a_query_string_is_a_400(client, published, url, query):
    assert_plain_400(client.get(f"{url}?{query}"))


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/?status=%00",
        "/admin/articles/article/?source=%00",
        "/admin/articles/article/?q=%00",
        "/admin/articles/article/?region=%00",
        "/admin/autocomplete/?term=%00&app_label=articles&model_name=article&field_name=tags",
        "/admin/autocomplete/?term=a%00&app_label=articles&model_name=article&field_name=regions",
        "/admin/auth/user/?q=%00",
    ],
)
def test_a_nul_in_the_admins_query_strings_is_a_400(admin_client, published, url):
    # On PostgreSQL these were 500s: "PostgreSQL text fields cannot contain NUL (0x00) bytes".
    assert_plain_400(admin_client.get(url))


@pytest.mark.parametrize(
    "path", ["/tags/%00/", "/regions/a%00b/", "/articles/2020/03/09/x%00/", "/admin/%00/"]
)
def test_a_nul_in_the_path_is_a_400(client, published, path):
    assert_plain_400(client.get(path))


def test_a_nul_in_a_form_field_is_a_400(client, admin_client, published):
    User.objects.create_user("laurie", password="the-right-password-123", is_staff=True)
    assert_plain_400(client.post(ADMIN_LOGIN, {"username": "laurie\x00", "password": "x"}))
    assert_plain_400(client.post(ADMIN_LOGIN, {"username": "laurie", "password": "x\x00"}))
    change = reverse("admin:articles_article_change", args=[published.pk])
    assert_plain_400(admin_client.post(change, {"headline": "Dam\x00repairs"}))
    assert_plain_400(admin_client.post("/admin/articles/article/", {"action\x00": "x"}))


def test_a_nul_in_a_header_that_reaches_the_login_records_is_a_400(client):
    # django-axes stores a failed login's User-Agent: a 500 on PostgreSQL.
    User.objects.create_user("laurie", password="the-right-password-123", is_staff=True)
    response = client.post(
        ADMIN_LOGIN, {"username": "laurie", "password": "wrong"}, HTTP_USER_AGENT="x\x00y"
    )
    assert_plain_400(response)


@pytest.mark.parametrize("name", ["sessionid", "csrftoken", "messages", "other"])
def test_a_nul_in_a_cookie_is_a_400(client, name):
    # A session key is looked up in the database: a 500 on PostgreSQL.
    client.cookies[name] = "abcdefgh\x00ijklmnop"
    assert_plain_400(client.get("/admin/"))
    assert_plain_400(client.get("/"))


def through_wsgi(path, query="", *, method="GET", body=b"", content_type=""):
    """Status and body of a request made to newsroom.wsgi.application, as gunicorn makes it
    (the test client builds its requests itself, so it cannot show what the site's WSGI
    handler does with them)."""
    from newsroom.wsgi import application

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    started = []
    # As the test client does: a request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = application(
            environ, lambda status, headers, exc_info=None: started.append(status)
        )
        content = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(started[0].split()[0]), content.decode()


def assert_plain_400_through_wsgi(*args, **kwargs):
    status, body = through_wsgi(*args, **kwargs)
    assert status == 400
    assert "<h1>Bad request</h1>" in body
    assert "Error" not in body


FORM = "application/x-www-form-urlencoded"


def test_a_lone_surrogate_a_charset_lets_through_is_a_400(published):
    # Django decodes a form in the charset the client names; UTF-7 can spell a lone
    # surrogate (+2AA- is U+D800), which no UTF-8 database can store.
    utf7 = f"{FORM}; charset=utf-7"
    body = b"username=%2B2AA-&password=x"
    assert_plain_400_through_wsgi(ADMIN_LOGIN, method="POST", body=body, content_type=utf7)
    assert_plain_400_through_wsgi("/articles/", "q=%2B2AA-", content_type=utf7)
    # An escape codec spells NUL without a %00 in sight.
    escapes = f"{FORM}; charset=unicode_escape"
    body = b"username=a%5Cx00b&password=x"
    assert_plain_400_through_wsgi(ADMIN_LOGIN, method="POST", body=body, content_type=escapes)


@pytest.mark.parametrize("charset", ["base64", "rot13", "zlib", "idna"])
def test_a_charset_that_decodes_no_text_is_a_400(published, charset):
    # Django takes any codec Python knows as the request's encoding: these raise
    # LookupError or UnicodeError when the query string or form is decoded, the query
    # string while Django builds the request, before any middleware.
    content_type = f"{FORM}; charset={charset}"
    assert_plain_400_through_wsgi("/articles/", "q=%FF%FE", content_type=content_type)
    body = b"username=%FF&password=x"
    assert_plain_400_through_wsgi(ADMIN_LOGIN, method="POST", body=body, content_type=content_type)


def test_too_many_query_parameters_with_a_charset_are_a_400(published):
    # The charset makes Django parse the query string while building the request.
    content_type = f"{FORM}; charset=UTF-8"
    assert_plain_400_through_wsgi("/articles/", many(1001), content_type=content_type)
    assert_plain_400_through_wsgi(
        ADMIN_LOGIN, many(1001), method="POST", body=b"username=a", content_type=content_type
    )


def test_the_wsgi_application_serves_ordinary_requests(published):
    status, body = through_wsgi("/articles/", "q=dam", content_type=f"{FORM}; charset=UTF-8")
    assert status == 200
    assert "Dam repairs" in body


def test_replacement_characters_are_ordinary_text(client, published):
    # Broken UTF-8 in a query string is decoded with replacement characters: a search.
    assert client.get("/articles/?q=%ED%A0%80").status_code == 200
    assert client.get("/articles/?q=Dam%FF").status_code == 200


def test_ordinary_input_passes(client, admin_client, published):
    assert client.get("/articles/?q=dam&region=erbil-city").status_code == 200
    assert client.get("/tags/%D8%AC%D8%B3%D9%88%D8%B1/").status_code == 404  # no such tag
    assert admin_client.get("/admin/articles/article/?q=dam").status_code == 200
    User.objects.create_user("laurie", password="the-right-password-123", is_staff=True)
    response = client.post(
        ADMIN_LOGIN,
        {"username": "laurie", "password": "the-right-password-123", "next": "/admin/"},
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) هەولێر",
    )
    assert response.status_code == 302


def test_a_refused_request_is_logged_in_one_escaped_line(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/tags/a%00%0Ab/?q=%00")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    message = record.getMessage()
    assert "NUL or lone surrogate in the path" in message
    assert "\n" not in message and "\x00" not in message  # no forged log lines
    assert record.exc_info is None


# Fault 11: what Django refuses to parse


def many(count):
    return "&".join(f"x{i}=1" for i in range(count))


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_1001_query_parameters_are_a_400(client, published, url):
    assert_plain_400(client.get(f"{url}?{many(1001)}"))


def test_1000_query_parameters_are_not_refused(client, published):
    assert client.get(f"/articles/?{many(1000)}").status_code == 200


def test_too_many_form_fields_are_a_400(client):
    fields = {f"x{i}": "1" for i in range(1001)} | {"username": "a", "password": "b"}
    assert_plain_400(client.post(ADMIN_LOGIN, fields))
    assert_plain_400(client.post("/articles/", fields))


def test_a_body_too_large_is_a_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = "username=a&password=" + "x" * 2000
    response = client.post(ADMIN_LOGIN, body, content_type="application/x-www-form-urlencoded")
    assert_plain_400(response)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"username=a"),  # no boundary
        ("multipart/form-data; boundary=\x00", b"--\x00\r\n"),
        ("multipart/form-data; boundary=" + "b" * 300, b"x"),  # boundary too long
    ],
)
def test_a_broken_multipart_body_is_a_400(client, content_type, body):
    assert_plain_400(client.post(ADMIN_LOGIN, body, content_type=content_type))


def test_too_many_files_are_a_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    boundary = "BoUnDaRy"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="f{i}"; filename="f{i}.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nx\r\n"
        for i in range(3)
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    response = client.post(
        ADMIN_LOGIN, body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert_plain_400(response)


def test_django_logs_what_it_refused(client, caplog):
    with caplog.at_level(logging.ERROR, logger="django.security"):
        client.get(f"/articles/?{many(1001)}")
    assert any(record.name == "django.security.TooManyFieldsSent" for record in caplog.records)

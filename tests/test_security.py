"""Security: headers, login throttling, the admin's address, escaping."""

import importlib

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_pages_send_a_content_security_policy_allowing_only_this_origin(client):
    make_article()
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "http" not in policy  # no other origin is named


def test_pages_forbid_framing_and_send_a_referrer_policy(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_inline_styles_or_scripts_in_public_pages(client):
    make_article(regions=["erbil-city"])
    for url in ("/", "/articles/", "/regions/"):
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        assert "<script" not in html, url


def login(client, username, password):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.7",
    )


def test_admin_login_is_refused_after_repeated_failures(client, settings):
    User.objects.create_user("laurie", password="the-right-password-123", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "laurie", "wrong").status_code == 200
    assert login(client, "laurie", "wrong").status_code == 429  # the last allowed failure
    locked = login(client, "laurie", "the-right-password-123")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()


def test_a_correct_login_resets_the_failure_count(client, settings):
    User.objects.create_user("laurie", password="the-right-password-123", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "laurie", "wrong")
    assert login(client, "laurie", "the-right-password-123").status_code == 302
    client.logout()
    assert login(client, "laurie", "wrong").status_code == 200


def test_failures_for_one_user_do_not_lock_out_another(client, settings):
    User.objects.create_user("laurie", password="the-right-password-123", is_staff=True)
    User.objects.create_user("jane", password="another-right-password-456", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "laurie", "wrong")
    assert login(client, "jane", "another-right-password-456").status_code == 302


def test_admin_path_comes_from_the_environment(monkeypatch):
    import newsroom.settings
    import newsroom.urls

    monkeypatch.setenv("ADMIN_URL", "/desk-7f3a/")
    settings_module = importlib.reload(newsroom.settings)
    try:
        with override_settings(ADMIN_URL=settings_module.ADMIN_URL):
            importlib.reload(newsroom.urls)
            clear_url_caches()
            assert reverse("admin:index") == "/desk-7f3a/"
    finally:
        monkeypatch.delenv("ADMIN_URL")
        importlib.reload(newsroom.settings)
        importlib.reload(newsroom.urls)
        clear_url_caches()
    assert reverse("admin:index") == "/admin/"

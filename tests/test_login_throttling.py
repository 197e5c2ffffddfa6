"""Login throttling behind reverse proxies: whose failures count against which address.

Each test sets AXES_PROXY_COUNT in the environment and reloads the settings module, so
what is tested is the mapping newsroom/settings.py makes from it, through django-axes and
django-ipware, down to the lockout records of the real admin login form."""

import importlib

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the reverse proxy, as Django sees it: REMOTE_ADDR
SECOND_PROXY = "10.0.0.3"
EDITOR = "198.51.100.23"  # the newsroom's office
ATTACKER = "203.0.113.66"
PASSWORD = "the-right-password-123"


@pytest.fixture
def behind_proxies(monkeypatch):
    """Run the block with the settings AXES_PROXY_COUNT=count gives, as a deployment would."""
    import newsroom.settings

    def apply(count):
        monkeypatch.setenv("AXES_PROXY_COUNT", str(count))
        module = importlib.reload(newsroom.settings)
        return override_settings(
            **{
                name: getattr(module, name)
                for name in (
                    "AXES_IPWARE_META_PRECEDENCE_ORDER",
                    "AXES_IPWARE_PROXY_COUNT",
                    "AXES_IPWARE_PROXY_ORDER",
                    "IPWARE_STRICT",
                )
            }
        )

    yield apply
    monkeypatch.delenv("AXES_PROXY_COUNT")
    importlib.reload(newsroom.settings)


@pytest.fixture
def laurie(db):
    return User.objects.create_user("laurie", password=PASSWORD, is_staff=True)


def login(client, password, remote_addr, forwarded_for=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        reverse("admin:login"),
        {"username": "laurie", "password": password, "next": "/admin/"},
        **headers,
    )


def lockout_keys():
    return set(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start"))


def test_behind_one_proxy_an_attackers_failures_lock_out_the_attacker_not_the_editor(
    client, settings, behind_proxies, laurie
):
    with behind_proxies(1):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert login(client, "wrong", PROXY, ATTACKER).status_code == 200
        assert login(client, "wrong", PROXY, ATTACKER).status_code == 429
        assert lockout_keys() == {("laurie", ATTACKER, settings.AXES_FAILURE_LIMIT)}
        assert login(client, PASSWORD, PROXY, ATTACKER).status_code == 429

        assert login(client, PASSWORD, PROXY, EDITOR).status_code == 302


def test_behind_one_proxy_an_address_the_client_forwards_itself_is_not_believed(
    client, settings, behind_proxies, laurie
):
    # The proxy appends the address it saw: a client cannot pass for the editor by
    # sending X-Forwarded-For: <the editor's address> (nor a list, nor junk).
    with behind_proxies(1):
        for spoofed in (EDITOR, f"{EDITOR}, {EDITOR}", "unknown", f"{EDITOR},\u202e"):
            login(client, "wrong", PROXY, f"{spoofed}, {ATTACKER}")
        assert lockout_keys() == {("laurie", ATTACKER, 4)}
        login(client, "wrong", PROXY, f"{EDITOR}, {ATTACKER}")
        assert login(client, PASSWORD, PROXY, EDITOR).status_code == 302


def test_behind_two_proxies_the_second_address_from_the_right_is_the_client(
    client, settings, behind_proxies, laurie
):
    with behind_proxies(2):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, "wrong", SECOND_PROXY, f"{EDITOR}, {ATTACKER}, {PROXY}")
        assert lockout_keys() == {("laurie", ATTACKER, settings.AXES_FAILURE_LIMIT)}
        assert login(client, PASSWORD, SECOND_PROXY, f"{EDITOR}, {PROXY}").status_code == 302


def test_with_no_proxy_x_forwarded_for_is_ignored(client, settings, behind_proxies, laurie):
    with behind_proxies(0):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            # An attacker connecting directly cannot choose the address it is counted at.
            login(client, "wrong", ATTACKER, EDITOR)
        assert lockout_keys() == {("laurie", ATTACKER, settings.AXES_FAILURE_LIMIT)}
        assert login(client, PASSWORD, ATTACKER, EDITOR).status_code == 429
        assert login(client, PASSWORD, EDITOR, ATTACKER).status_code == 302


def test_the_default_is_no_proxy(settings):
    assert settings.AXES_IPWARE_META_PRECEDENCE_ORDER == ("REMOTE_ADDR",)


def test_a_negative_proxy_count_is_refused(behind_proxies):
    with pytest.raises(ImproperlyConfigured, match="AXES_PROXY_COUNT must be 0 or more"):
        behind_proxies(-1)


def test_behind_two_proxies_a_header_too_short_to_have_passed_them_is_not_believed(
    client, settings, behind_proxies, laurie
):
    # A request that came round the proxies: its X-Forwarded-For is the client's own.
    with behind_proxies(2):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            assert login(client, "wrong", ATTACKER, EDITOR).status_code in (200, 429)
        assert EDITOR not in {ip for _, ip, _ in lockout_keys()}
        assert login(client, PASSWORD, SECOND_PROXY, f"{EDITOR}, {PROXY}").status_code == 302

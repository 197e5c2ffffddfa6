import pytest
from django.test import Client

from articles.roles import EDITOR, REPORTER
from tests.factories import make_staff


@pytest.fixture
def reporter(db):
    return make_staff("reporter", REPORTER)


@pytest.fixture
def editor(db):
    return make_staff("editor", EDITOR)


@pytest.fixture
def reporter_client(reporter):
    client = Client()
    client.force_login(reporter)
    return client


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hashing strength is Django's concern; the tests only need logins to work, quickly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

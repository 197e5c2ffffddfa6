import os

import pytest
from django.core.cache import caches
from django.test import Client

from articles.roles import EDITOR, REPORTER
from tests import factories
from tests.factories import make_staff


def pytest_configure(config):
    # With REDIS_URL the caches are shared: this run's keys get a prefix of their own, so
    # that clearing them (below) leaves every other run's and deployment's alone.
    from django.conf import settings

    if settings.REDIS_URL:
        for alias in settings.CACHES:
            settings.CACHES[alias]["KEY_PREFIX"] += f":test-{os.getpid()}"


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
def articles_take_turns_between_scripts_in_every_test():
    # make_article() alternates Latin and Arabic script for articles made without a
    # headline; each test starts with the same turn, whatever order the tests run in.
    factories.start_of_test()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hashing strength is Django's concern; the tests only need logins to work, quickly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def pages_follow_every_change_at_once(settings):
    # In production a process serves cached pages on the archive version it read up to
    # PAGE_CACHE_VERSION_SECONDS ago; the suite checks that every change shows at once,
    # and test_middleware checks the window itself.
    settings.PAGE_CACHE_VERSION_SECONDS = 0


@pytest.fixture(autouse=True)
def empty_caches():
    # A rolled-back test can leave the archive version where the next test starts, so
    # one test's cached counts must not meet another's. In Redis, only this run's keys.
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def export_slots_free():
    # A server closes every response; the test client closes a streamed export only once a
    # test reads it to the end, and one a test never reads lives on until the garbage
    # collector runs, holding its export slot. Each test starts with every slot free.
    import threading

    from django.conf import settings

    from articles import exports

    exports.EXPORTS_AT_ONCE = threading.BoundedSemaphore(settings.EXPORTS_PER_PROCESS)

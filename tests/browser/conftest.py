"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), never a
downloaded browser, against the site served by pytest-django's live_server."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

if not shutil.which(CHROMIUM):
    pytest.skip(
        f"{CHROMIUM} is not installed (apt-get install chromium); .ci/run installs it",
        allow_module_level=True,
    )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make around it are ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def gazetteer_and_roles(transactional_db):
    """Browser tests run in transactional tests, whose flush empties the tables the data
    migrations filled; put the gazetteer and the roles back (both loaders are idempotent)."""
    from django.contrib.auth.models import Group, Permission

    from articles.gazetteer import load_gazetteer
    from articles.models import Region
    from articles.roles import apply_roles

    load_gazetteer(Region)
    apply_roles(Group, Permission)


STAFF_PASSWORD = "a-long-test-password"  # what tests.factories.make_staff sets


def log_in(page, base_url, username):
    """Log a member of staff in through the admin's login form, as they would; leaves
    `page` on the admin's index."""
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

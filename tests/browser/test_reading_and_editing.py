"""A reader and an editor, in a real browser."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.roles import EDITOR
from tests.browser.conftest import log_in
from tests.factories import make_staff

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SEED_HEADLINE = "Two US soldiers die in Iraqi security operation that kills 25 ISIS members"


@pytest.fixture
def seeded(live_server):
    call_command("import_seeds", stdout=io.StringIO())
    return live_server.url


def shoot(page, name):
    """Refresh the README's screenshots when asked: NEWSROOM_SCREENSHOTS=1."""
    if not os.environ.get("NEWSROOM_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_reader_filters_by_region_and_date_follows_a_facet_and_reads(page, seeded):
    page.goto(seeded + "/")
    shoot(page, "home")
    page.get_by_role("link", name="Archive", exact=True).click()
    page.get_by_label("Region", exact=True).select_option(label="\u2003Nineveh")
    page.get_by_label("From", exact=True).fill("2020-03-01")
    page.get_by_label("To", exact=True).fill("2020-03-31")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/articles/?*region=nineveh*")
    assert "1 article matches." in page.locator(".result-count").inner_text()
    shoot(page, "archive-list")
    page.locator(".facets").get_by_role("link", name="Salahuddin").click()
    page.wait_for_url("**region=salahuddin*")
    page.get_by_role("link", name=SEED_HEADLINE).click()
    page.wait_for_url("**/articles/2020/03/09/two-us-soldiers-**")
    assert page.locator("h1").inner_text() == SEED_HEADLINE
    assert "Editing by Laurie Mylroie" in page.locator(".story").inner_text()
    shoot(page, "article")


def test_editor_writes_publishes_and_sees_it_on_the_site(page, live_server):
    make_staff("laurie", EDITOR)
    log_in(page, live_server.url, "laurie")
    page.locator("#content-main").get_by_role("link", name="Add").first.click()
    page.wait_for_url("**/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Snow closes the Hamilton Road")
    page.get_by_label("Summary").fill("Drivers were turned back at Gali Ali Beg.")
    page.get_by_label("Body").fill("Snow fell overnight.\n\nThe road reopened at noon.")
    page.get_by_role("button", name="Save and continue editing").click()
    assert Article.objects.get().status == "draft"
    shoot(page, "admin-article")
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get()
    assert article.status == "published"
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Snow closes the Hamilton Road").click()
    assert "The road reopened at noon." in page.locator(".story").inner_text()


def test_page_at_320px_has_no_horizontal_scroll(browser, seeded):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        for path in ("/", "/articles/?region=iraq", "/regions/"):
            page.goto(seeded + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, path
        page.goto(seeded + "/articles/?region=iraq")
        page.get_by_role("link", name=SEED_HEADLINE).click()
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    finally:
        context.close()

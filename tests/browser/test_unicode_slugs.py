"""The admin's prepopulated slug, in a real browser: Django's URLify keeps the letters of
a Sorani headline (the field allows Unicode) instead of transliterating them into
nonsense, and the story is then read at that address."""

import pytest
from django.utils import timezone

from articles.models import Article
from articles.roles import EDITOR
from articles.slugs import base_slug
from tests.browser.conftest import log_in
from tests.factories import make_staff

pytestmark = pytest.mark.django_db(transaction=True)
HEADLINE = "پێشمەرگە خاڵێکی پشکنینی نوێ دەکەنەوە"


def test_a_sorani_headline_prepopulates_its_unicode_slug_and_is_read_there(page, live_server):
    make_staff("laurie", EDITOR)
    log_in(page, live_server.url, "laurie")
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_label("Headline").press_sequentially(HEADLINE)
    page.get_by_label("Summary").fill("پێشمەرگە خاڵێکی نوێیان کردەوە.")  # the headline's change
    expected = base_slug(HEADLINE, 300, "article")
    assert page.locator("#id_slug").input_value() == expected
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url("**/change/")
    article = Article.objects.get()
    assert article.slug == expected
    Article.objects.filter(pk=article.pk).update(status="published", published_at=timezone.now())
    page.goto(live_server.url + Article.objects.get().get_absolute_url())
    assert HEADLINE in page.locator("h1").inner_text()

"""The admin form of a Sorani article in a real browser: its text runs right to left, an
editor types Sorani into it and saves, then adds a translation through the Translations
panel, and the two are linked both ways."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from articles.roles import EDITOR
from tests.browser.conftest import log_in
from tests.factories import make_staff, make_story

pytestmark = pytest.mark.django_db(transaction=True)

HEADLINE = "دوو پردی نوێ لە هەولێر کرانەوە"
BODY = "هاتوچۆ لە هەردوو پردەکەدا ئاسایی بووەوە.\n\nپارێزگا ڕایگەیاند کە کارەکە تەواو بووە."


def direction(locator):
    return locator.evaluate("element => getComputedStyle(element).direction")


def test_an_editor_edits_a_sorani_article_and_adds_its_translation(page, live_server):
    make_staff("dilan", EDITOR)
    story = make_story(arabic=True)
    assert story.language == "ckb"
    log_in(page, live_server.url, "dilan")
    change = reverse("admin:articles_article_change", args=[story.pk])
    page.goto(live_server.url + change)

    headline, summary, body = (
        page.locator(f"#id_{name}") for name in ("headline", "summary", "body")
    )
    assert [direction(field) for field in (headline, summary, body)] == ["rtl"] * 3

    headline.fill(HEADLINE)
    body.fill(BODY)
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    story.refresh_from_db()
    assert story.headline == HEADLINE
    assert story.body == BODY

    panel = page.locator("section.translations")
    expect(panel).to_contain_text("کوردی")
    with page.expect_navigation():
        panel.get_by_role("link", name="Add a translation into English").click()
    # The add form comes prefilled as a translation, left to right for English.
    expect(page.locator("#id_language")).to_have_value("en")
    assert direction(page.locator("#id_headline")) == "ltr"
    page.locator("#id_headline").fill("Two new bridges open in Erbil")
    page.locator("#id_slug").fill("two-new-bridges-open-in-erbil")
    page.locator("#id_summary").fill("Traffic is back to normal on both bridges.")
    page.locator("#id_body").fill("Traffic returned to normal on both bridges.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    english = Article.objects.get(language="en", translation_of=story)
    assert list(story.language_versions()) == [english]
    assert list(english.language_versions()) == [story]
    assert set(english.regions.all()) == set(story.regions.all())

    # Each change page links the other.
    expect(page.locator("section.translations")).to_contain_text(HEADLINE)
    with page.expect_navigation():
        page.locator("section.translations").get_by_role("link", name=HEADLINE).click()
    assert page.url.endswith(change)
    expect(page.locator("section.translations")).to_contain_text("Two new bridges open in Erbil")

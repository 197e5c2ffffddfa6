"""The seed story and its three translations (seeds/), imported as `import_seeds` does,
read in Chromium as readers do: each live at its own address, in its own language and
direction, linked to the others by the language switch and by hreflang.

NEWSROOM_SCREENSHOTS=1 also refreshes docs/screenshots/seed-{en,ckb,kmr,ar}.png."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from articles.models import Article
from articles.wire.run import import_paths

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DIRECTION = {"en": "ltr", "kmr": "ltr", "ckb": "rtl", "ar": "rtl"}
SWITCH = {"en": "English", "ckb": "کوردی", "kmr": "Kurmancî", "ar": "العربية"}


@pytest.fixture
def seeds():
    summary = import_paths([settings.BASE_DIR / "seeds"])
    assert summary.count("imported") == 4
    return {article.language: article for article in Article.objects.published()}


@pytest.mark.parametrize("language", ["en", "ckb", "kmr", "ar"])
def test_each_version_of_the_seed_story_is_live_in_its_language_and_direction(
    page, live_server, seeds, language
):
    article = seeds[language]
    page.goto(live_server.url + article.get_absolute_url())
    assert page.locator("h1").inner_text() == article.headline
    assert page.evaluate("document.documentElement.lang") == language
    story_direction = page.evaluate("getComputedStyle(document.querySelector('.story')).direction")
    assert story_direction == DIRECTION[language]
    # The dateline opens the story at its start: the right edge right to left.
    first = page.evaluate(
        "(() => { const r = document.querySelector('.story .dateline').getClientRects()[0];"
        " const b = document.querySelector('.story .body').getBoundingClientRect();"
        " return {left: r.left - b.left, right: b.right - r.right}; })()"
    )
    start = "right" if DIRECTION[language] == "rtl" else "left"
    assert abs(first[start]) < 2
    # Every other version is one click away, by the switch, and named in hreflang.
    for other, version in seeds.items():
        if other == language:
            continue
        link = page.locator(f'link[rel="alternate"][hreflang="{other}"]')
        assert link.get_attribute("href").endswith(version.get_absolute_url())
        assert (
            page.get_by_role("link", name=SWITCH[other], exact=True)
            .first.get_attribute("href")
            .endswith(version.get_absolute_url())
        )
    if os.environ.get("NEWSROOM_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"seed-{language}.png"), full_page=True)

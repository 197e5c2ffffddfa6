"""Right-to-left pages in a real browser: a Sorani and an Arabic article laid out right to
left at a desktop's and a phone's width (the computed direction, and the dateline
starting the first line at the right edge), an Arabic headline marked in an English list,
and the language switch leading to the translation.

NEWSROOM_SCREENSHOTS=1 also refreshes the README's screenshots of the English, Sorani and
Arabic article pages (docs/screenshots/article-{en,ckb,ar}.png)."""

import os
from pathlib import Path

import pytest

from tests.factories import at, make_article, region

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

BRIDGES = {
    "en": {
        "headline": "Two bridges reopen in Erbil after the floods",
        "summary": "Two bridges across the Greater Zab reopened after two weeks of repairs.",
        "body": "Two bridges that the floods closed two weeks ago reopened on Monday, the "
        "governorate said.\n\nTraffic between Erbil and Mosul was back to normal by noon.",
        "bylines": ["Rebin Fatah"],
        "tags": ["Floods"],
    },
    "ckb": {
        "headline": "دوو پرد لە هەولێر دوای لافاوەکە دەکرێنەوە",
        "summary": "دوو پردی سەر زێی گەورە دوای دوو هەفتە چاککردنەوە کرانەوە.",
        "body": "دوو پرد کە لافاوەکە دوو هەفتە لەمەوبەر دایخستبوون، ڕۆژی دووشەممە کرانەوە، "
        "پارێزگا ڕایگەیاند.\n\nهاتوچۆی نێوان هەولێر و مووسڵ تا نیوەڕۆ ئاسایی بووەوە.",
        "bylines": ["ڕێبین فەتاح"],
        "tags": ["لافاو"],
    },
    "ar": {
        "headline": "إعادة فتح جسرين في أربيل بعد الفيضانات",
        "summary": "أعيد فتح جسرين على نهر الزاب الكبير بعد أسبوعين من الإصلاحات.",
        "body": "أعيد يوم الاثنين فتح جسرين أغلقتهما الفيضانات قبل أسبوعين، بحسب المحافظة."
        "\n\nوعادت حركة المرور بين أربيل والموصل إلى طبيعتها بحلول الظهر.",
        "bylines": ["ربين فتاح"],
        "tags": ["فيضانات"],
    },
}


@pytest.fixture
def bridges():
    """The bridges story in English, with its Sorani and Arabic translations."""
    erbil = region("erbil-city")
    erbil.names = {"ckb": "هەولێر", "ar": "أربيل", "kmr": "Hewlêr"}
    erbil.save()
    articles = {}
    for language, text in BRIDGES.items():
        articles[language] = make_article(
            language=language,
            translation_of=articles.get("en"),
            published_at=at("2020-03-09 10:00"),
            regions=["erbil-city"],
            dateline=erbil,
            source={"en": "Kurdistan 24", "ckb": "کوردستان ٢٤", "ar": "كوردستان 24"}[language],
            corrections=[],
            editors=[],
            **text,
        )
    return articles


def shoot(page, name):
    """Refresh the README's screenshots when asked: NEWSROOM_SCREENSHOTS=1."""
    if not os.environ.get("NEWSROOM_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


LAYOUT = """() => {
  const story = document.querySelector('.story');
  const body = document.querySelector('.story .body');
  const style = getComputedStyle(body);
  const box = body.getBoundingClientRect();
  const first = document.querySelector('.story .dateline').getClientRects()[0];
  return {
    storyDirection: getComputedStyle(story).direction,
    pageDirection: getComputedStyle(document.documentElement).direction,
    contentRight: box.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth),
    contentLeft: box.left + parseFloat(style.paddingLeft) + parseFloat(style.borderLeftWidth),
    datelineRight: first.right,
    datelineLeft: first.left,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
}"""


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("language", ["ckb", "ar"])
def test_a_right_to_left_article_starts_its_dateline_at_the_right_edge(
    page, live_server, bridges, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + bridges[language].get_absolute_url())
    layout = page.evaluate(LAYOUT)
    assert layout["pageDirection"] == "rtl"
    assert layout["storyDirection"] == "rtl"
    assert abs(layout["datelineRight"] - layout["contentRight"]) < 1
    assert layout["datelineLeft"] > layout["contentLeft"] + 1  # not stretched across
    assert layout["overflow"] <= 0  # nothing pushed off a phone's screen
    if width == 1280:
        shoot(page, f"article-{language}")


@pytest.mark.parametrize("width", [1280, 375])
def test_an_english_article_starts_its_dateline_at_the_left_edge(page, live_server, bridges, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + bridges["en"].get_absolute_url())
    layout = page.evaluate(LAYOUT)
    assert layout["storyDirection"] == "ltr"
    assert abs(layout["datelineLeft"] - layout["contentLeft"]) < 1
    if width == 1280:
        shoot(page, "article-en")


def test_an_english_list_shows_an_arabic_headline_right_to_left(page, live_server, bridges):
    page.goto(live_server.url + "/articles/?language=all")
    headline = page.get_by_role("link", name=BRIDGES["ar"]["headline"])
    teaser = headline.locator("xpath=ancestor::article[1]")
    assert teaser.get_attribute("lang") == "ar"
    assert teaser.get_attribute("dir") == "rtl"
    assert headline.evaluate("a => getComputedStyle(a).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "ltr"


def test_the_language_switch_leads_to_the_translation_and_back(page, live_server, bridges):
    page.goto(live_server.url + bridges["en"].get_absolute_url())
    switch = page.get_by_role("navigation", name="Languages")
    switch.get_by_role("link", name="کوردی").click()
    page.wait_for_url("**/ckb/articles/**")
    assert page.locator("h1").inner_text() == BRIDGES["ckb"]["headline"]
    assert page.evaluate("document.documentElement.lang") == "ckb"
    page.get_by_role("navigation", name="زمانەکان").get_by_role("link", name="العربية").click()
    page.wait_for_url("**/ar/articles/**")
    assert page.locator("h1").inner_text() == BRIDGES["ar"]["headline"]
    page.get_by_role("navigation", name="اللغات").get_by_role("link", name="English").click()
    assert page.locator("h1").inner_text() == BRIDGES["en"]["headline"]

"""The article page's HTML, pinned byte for byte in every language.

A story told in the newsroom's four languages (an English original, its Sorani,
Kurmanji and Arabic translations), each with two bylines (one named in other languages),
editors, tags, places (one without names in other languages), a dateline, a source,
notes and related articles (and unpublished work that must not show), and a bare
article with none of that, are rendered at their public addresses and compared with
tests/pages/<name>.html, written from the page as it was before the article page's
queries were rewritten (issue 15). A change to what the page shows on purpose writes
them again: `NEWSROOM_WRITE_PAGES=1 python -m pytest tests/test_article_page.py`, then
read the diff before committing it.
"""

import os
from pathlib import Path

import pytest
from django.test import Client

from articles.models import Article, Byline, Correction
from tests.factories import at, make_article, make_byline, region

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).parent / "pages"
PUBLISHED = at("2024-05-01 10:00")
# Saved after its notes; the page's "Updated" time, the same in every run.
UPDATED = at("2024-05-03 09:30")

# Each language's story: headline, summary, body, bylines, editors, tags.
STORY = {
    "en": (
        'Two bridges reopen in Erbil & Duhok after the "floods"',
        "Two bridges across the Greater Zab reopened <after> two weeks of repairs.",
        "ERBIL – Two bridges reopened on *Tuesday*.\n\nTraffic returned to normal, the "
        "governor's office said.\n\n- one\n- two",
        [("Rebin Fatah", Byline.Kind.PERSON), ("Kurdistan 24", Byline.Kind.AGENCY)],
        ["Hemin Ali", "Laurie Mylroie"],
        ["Floods", "Infrastructure"],
    ),
    "ckb": (
        "دوو پرد لە هەولێر دوای لافاوەکە کرانەوە",
        "دوو پرد لە هەولێر دوای دوو هەفتە کرانەوە.",
        "هەولێر – دوو پرد کرانەوە.\n\nهاتوچۆ ئاسایی بووەوە.",
        [("ڕێبین فەتاح", Byline.Kind.PERSON), ("کوردستان ٢٤", Byline.Kind.AGENCY)],
        ["هێمن عەلی"],
        ["لافاو", "ژێرخان"],
    ),
    "kmr": (
        "Du pir li Hewlêrê piştî lehiyê hatin vekirin",
        "Du pir piştî du hefteyan hatin vekirin.",
        "HEWLÊR – Du pir hatin vekirin.\n\nHatûçûn dîsa asayî bû.",
        [("Rêbîn Fetah", Byline.Kind.PERSON), ("Kurdistan 24", Byline.Kind.AGENCY)],
        ["Hêmin Elî"],
        ["Lehî", "Binesazî"],
    ),
    "ar": (
        "إعادة فتح جسرين في أربيل بعد الفيضانات",
        "أعيد فتح جسرين بعد أسبوعين من الإصلاحات.",
        "أربيل – أعيد فتح جسرين.\n\nعادت حركة المرور إلى طبيعتها.",
        [("ريبين فتاح", Byline.Kind.PERSON), ("كوردستان 24", Byline.Kind.AGENCY)],
        ["هيمن علي"],
        ["الفيضانات", "البنية التحتية"],
    ),
}
SLUGS = {"en": "two-bridges", "ckb": "du-pird", "kmr": "du-pir", "ar": "jisrain"}
PLACES = ["erbil-city", "duhok", "nineveh", "baghdad"]


def story_in(language, translation_of=None):
    headline, summary, body, bylines, editors, tags = STORY[language]
    notes = [
        {"text": "The bridge's name was *wrong*.", "noted_at": at("2024-05-01 12:00")},
        {"kind": Correction.Kind.UPDATE, "text": "Both open.", "noted_at": at("2024-05-02 08:15")},
    ]
    return make_article(
        headline,
        slug=SLUGS[language],
        language=language,
        published_at=PUBLISHED,
        summary=summary,
        body=body,
        bylines=bylines,
        editors=editors,
        tags=tags,
        regions=PLACES,
        dateline="erbil-city",
        source="Kurdistan 24",
        corrections=notes if language in ("en", "ar") else [],
        translation_of=translation_of,
    )


def related_to(article, n):
    """Earlier articles in `article`'s language sharing its places or tags, some not."""
    language = article.language
    headline, _, _, bylines, _, tags = STORY[language]
    for day in range(1, 4):
        make_article(
            f"{headline} ({n}.{day})",
            slug=f"{SLUGS[language]}-earlier-{day}",
            language=language,
            published_at=at(f"2024-04-{20 + day:02d} 07:00"),
            bylines=bylines[:1],
            tags=tags[day % 2 :],
            regions=PLACES[day:],
            corrections=[],
        )
    # Sharing everything but not public: never shown.
    make_article(f"{headline} (draft)", slug=f"{SLUGS[language]}-draft", language=language,
                 status=Article.Status.DRAFT, published_at=at("2024-04-30 07:00"),
                 tags=tags, regions=PLACES, corrections=[])  # fmt: skip
    # Sharing nothing.
    make_article(f"{headline} (elsewhere)", slug=f"{SLUGS[language]}-elsewhere",
                 language=language, published_at=at("2024-04-29 07:00"), tags=[],
                 regions=["basra"], corrections=[])  # fmt: skip


@pytest.fixture
def story():
    """{name: article}: the story in each language, and a bare article."""
    baghdad = region("baghdad")
    baghdad.names = {}
    baghdad.save()
    # One byline named in the other languages (the rest fall back to their main name).
    fatah = make_byline("Rebin Fatah")
    fatah.names = {"ckb": "ڕێبین فەتاح", "ar": "ريبين فتاح"}
    fatah.save()
    original = story_in("en")
    articles = {"en": original}
    for number, language in enumerate(["ckb", "kmr", "ar"]):
        articles[language] = story_in(language, translation_of=original)
        related_to(articles[language], number)
    related_to(original, 9)
    articles["bare"] = make_article(
        "A bare wire story",
        slug="bare",
        language="en",
        published_at=at("2024-05-02 06:00"),
        bare=True,
        dateline=None,
        dateline_text="ANKARA",
        summary="A bare wire story.",
        body="A bare wire story.\n\nSecond paragraph.",
    )
    # A translation in the making: not a version readers are offered.
    make_article("چیرۆکێکی ڕووت", slug="bare-ckb", language="ckb", bare=True,
                 status=Article.Status.DRAFT, translation_of=articles["bare"])  # fmt: skip
    # Dated, not published: its preview, for staff, at its public address.
    articles["preview"] = make_article(
        "A story in review",
        slug="in-review",
        language="en",
        status=Article.Status.REVIEW,
        published_at=at("2024-05-01 11:00"),
        tags=STORY["en"][5],
        regions=PLACES,
        corrections=[],
    )
    Article.objects.update(updated_at=UPDATED)
    Article.objects.filter(pk=articles["bare"].pk).update(updated_at=articles["bare"].published_at)
    return articles


@pytest.mark.parametrize("name", ["en", "ckb", "kmr", "ar", "bare", "preview"])
def test_an_article_page_is_the_same_byte_for_byte(story, name, settings, editor_client):
    settings.PAGE_CACHE = False
    client = editor_client if name == "preview" else Client()
    response = client.get(story[name].get_absolute_url())
    assert response.status_code == 200
    page = response.content
    pinned = PAGES / f"{name}.html"
    if os.environ.get("NEWSROOM_WRITE_PAGES"):
        pinned.parent.mkdir(exist_ok=True)
        pinned.write_bytes(page)
    assert page.decode() == pinned.read_text(encoding="utf-8")

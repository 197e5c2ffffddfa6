"""articles.structured_data: NewsArticle JSON-LD in each language, and the links between
a story's translations (issue 13). Read from the page, by a JSON parser."""

import json
import re

import pytest
from django.test import RequestFactory

from articles.models import Article, Byline, Region, Tag
from articles.structured_data import news_article
from tests.factories import make_article, region

pytestmark = pytest.mark.django_db


def structured_data_of(response):
    assert response.status_code == 200
    page = response.content.decode()
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def absolute(article):
    return f"http://testserver{article.get_absolute_url()}"


def make_story():
    original = make_article("Two bridges reopen in Erbil", language="en")
    sorani = make_article("دوو پرد لە هەولێر کرانەوە", language="ckb", translation_of=original)
    arabic = make_article("إعادة افتتاح جسرين في أربيل", language="ar", translation_of=original)
    draft = make_article(
        "Du pir li Hewlêrê hatin vekirin", language="kmr", translation_of=original,
        status=Article.Status.DRAFT,
    )  # fmt: skip
    return original, sorani, arabic, draft


def work(article):
    return {
        "@type": "NewsArticle",
        "url": absolute(article),
        "inLanguage": article.language,
        "headline": article.headline,
    }


def test_an_article_says_its_language(client):
    article = make_article("دوو پرد لە هەولێر کرانەوە", language="ckb")
    assert structured_data_of(client.get(article.get_absolute_url()))["inLanguage"] == "ckb"


def test_an_original_names_its_published_translations_and_no_draft(client):
    original, sorani, arabic, _ = make_story()
    data = structured_data_of(client.get(original.get_absolute_url()))
    assert data["inLanguage"] == "en"
    assert data["workTranslation"] == [work(sorani), work(arabic)]
    assert "translationOfWork" not in data
    assert "Hewlêr" not in json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("language", ["ckb", "ar"])
def test_a_translation_names_its_original(client, language):
    original, sorani, arabic, _ = make_story()
    translation = {"ckb": sorani, "ar": arabic}[language]
    data = structured_data_of(client.get(translation.get_absolute_url()))
    assert data["inLanguage"] == language
    assert data["translationOfWork"] == work(original)
    assert "workTranslation" not in data


def test_a_translation_of_an_unpublished_original_names_none(client):
    original = make_article("Embargoed", language="en", status=Article.Status.DRAFT)
    sorani = make_article("دوو پرد", language="ckb", translation_of=original)
    data = structured_data_of(client.get(sorani.get_absolute_url()))
    assert "translationOfWork" not in data
    assert "Embargoed" not in json.dumps(data)


def test_an_article_without_translations_names_none(client):
    article = make_article("Alone", language="en")
    data = structured_data_of(client.get(article.get_absolute_url()))
    assert "workTranslation" not in data and "translationOfWork" not in data


def test_names_are_given_in_the_articles_language():
    erbil = region("erbil-city")
    erbil.names = {"ckb": "هەولێر"}
    erbil.save()
    article = make_article(
        "دوو پرد", language="ckb", regions=[erbil], dateline=erbil, tags=["Bridges"],
        bylines=[("Kurdistan 24", Byline.Kind.AGENCY)],
    )  # fmt: skip
    Tag.objects.filter(name="Bridges").update(names={"ckb": "پرد"})
    Byline.objects.filter(name="Kurdistan 24").update(names={"ckb": "کوردستان ٢٤"})
    article = Article.objects.for_article_page().get(pk=article.pk)
    data = news_article(article, RequestFactory().get("/"))
    assert data["keywords"] == ["پرد"]
    assert [place["name"] for place in data["contentLocation"]] == ["هەولێر"]
    assert data["locationCreated"]["name"] == "هەولێر"
    assert [author["name"] for author in data["author"]] == ["کوردستان ٢٤"]


def test_names_without_the_languages_form_are_the_main_names():
    article = make_article("Du pir", language="kmr", tags=["Bridges"], regions=["makhmour"])
    Region.objects.filter(slug="makhmour").update(names={})  # no Kurmanji name given
    article = Article.objects.for_article_page().get(pk=article.pk)
    data = news_article(article, RequestFactory().get("/"))
    assert data["keywords"] == ["Bridges"]
    assert [place["name"] for place in data["contentLocation"]] == ["Makhmour"]

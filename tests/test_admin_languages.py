"""The editors' side of languages: an article's language and translations in its form,
the Translations panel, the list's language column, filter and search, text following
its direction, names per language of places, tags and bylines, and agency aliases."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from articles.models import Article, Byline, Region, Tag
from tests.admin_forms import article_post_data, change_url, posted_back
from tests.factories import make_article, make_byline, make_tag, make_translations, region

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:articles_article_changelist")
ADD_URL = reverse("admin:articles_article_add")


class _Inputs(HTMLParser):
    """Every text box and textarea of a page: {name: attributes}."""

    def __init__(self):
        super().__init__()
        self.found = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        kind = (attrs.get("type") or "text").lower()
        if (tag == "textarea" or (tag == "input" and kind == "text")) and attrs.get("name"):
            self.found[attrs["name"]] = attrs


def text_boxes(response):
    reader = _Inputs()
    reader.feed(response.content.decode())
    return reader.found


def directions(response, *names):
    boxes = text_boxes(response)
    return {name: boxes[name].get("dir") for name in names}


# The article form


def test_a_sorani_articles_text_fields_are_right_to_left(editor_client):
    article = make_article("دوو پرد لە هەولێر کرانەوە")
    assert article.language == "ckb"
    response = editor_client.get(change_url(article))
    assert directions(response, "headline", "slug", "summary", "body", "source") == dict.fromkeys(
        ("headline", "slug", "summary", "body", "source"), "rtl"
    )


def test_an_arabic_articles_text_fields_are_right_to_left_and_a_kurmanji_ones_follow_the_text(
    editor_client,
):
    arabic = make_article(language="ar")
    kurmanji = make_article(language="kmr")
    assert directions(editor_client.get(change_url(arabic)), "headline", "body") == {
        "headline": "rtl",
        "body": "rtl",
    }
    assert directions(editor_client.get(change_url(kurmanji)), "headline", "body") == {
        "headline": "auto",
        "body": "auto",
    }


def test_every_text_box_of_an_english_article_and_its_notes_follows_its_text(editor_client):
    article = make_article("Two bridges reopen", language="en")
    boxes = text_boxes(editor_client.get(change_url(article)))
    texts = {name: attrs for name, attrs in boxes.items() if not name.endswith(("_0", "_1"))}
    assert {"headline", "slug", "summary", "body", "source", "corrections-0-text"} <= set(texts)
    assert {name: attrs.get("dir") for name, attrs in texts.items()} == dict.fromkeys(texts, "auto")
    # Dates and times are not text: left to the admin's own widgets.
    assert "dir" not in boxes["published_at_0"]


def test_the_add_form_for_a_sorani_article_is_right_to_left(editor_client):
    response = editor_client.get(ADD_URL, {"language": "ckb"})
    assert directions(response, "headline", "body") == {"headline": "rtl", "body": "rtl"}
    assert directions(editor_client.get(ADD_URL), "headline") == {"headline": "auto"}


def test_a_form_sent_back_with_errors_follows_the_language_it_was_posted_in(editor_client):
    article = make_article("Two bridges reopen", language="en")
    data = article_post_data(article, language="ar", headline="")
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert directions(response, "body") == {"body": "rtl"}


def test_an_editor_saves_an_articles_language_and_the_original_it_translates(editor_client):
    original = make_article("Two bridges reopen in Erbil", language="en")
    translation = make_article("دوو پرد لە هەولێر کرانەوە", language="ckb")
    data = article_post_data(translation, translation_of=str(original.pk))
    assert editor_client.post(change_url(translation), data).status_code == 302
    translation.refresh_from_db()
    assert translation.translation_of == original
    assert list(original.language_versions()) == [translation]


def test_an_original_in_the_same_language_is_refused_with_the_reason(editor_client):
    original = make_article("Two bridges reopen", language="en")
    other = make_article("Bridges: the traffic returns", language="en")
    data = article_post_data(other, translation_of=str(original.pk))
    response = editor_client.post(change_url(other), data)
    assert response.status_code == 200
    assert "A translation is in another language than its original." in (response.content.decode())
    assert Article.objects.get(pk=other.pk).translation_of is None


def test_a_translation_of_a_translation_is_saved_as_one_of_the_original(editor_client):
    original = make_article("Two bridges reopen", language="en")
    (sorani,) = make_translations(original, languages=["ckb"])
    arabic = make_article(language="ar")
    data = article_post_data(arabic, translation_of=str(sorani.pk))
    assert editor_client.post(change_url(arabic), data).status_code == 302
    assert Article.objects.get(pk=arabic.pk).translation_of == original


def autocomplete(client, article_language, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "translation_of",
            "term": term,
            "other_than": article_language,
        },
    )
    assert response.status_code == 200
    return {int(result["id"]) for result in response.json()["results"]}


def test_the_translation_of_box_offers_only_articles_in_other_languages(editor_client):
    english = make_article("Bridges reopen", language="en")
    sorani = make_article("Bridges reopen", language="ckb")
    kurmanji = make_article("Bridges reopen", language="kmr")
    assert autocomplete(editor_client, "en", "bridges") == {sorani.pk, kurmanji.pk}
    assert autocomplete(editor_client, "ckb", "bridges") == {english.pk, kurmanji.pk}
    # The form asks for the other languages than its article's.
    page = editor_client.get(change_url(sorani)).content.decode()
    assert re.search(r'data-ajax--url="[^"]*other_than=ckb"', page)


# The Translations panel


def panel(response):
    return {row["code"]: row for row in response.context["translations"]}


def test_the_panel_lists_each_languages_version_with_its_status_and_link(editor_client):
    original = make_article("Two bridges reopen", language="en")
    sorani, arabic = make_translations(
        original, languages=["ckb", "ar"], status=Article.Status.DRAFT
    )
    response = editor_client.get(change_url(sorani))
    rows = panel(response)
    assert list(rows) == ["en", "ckb", "kmr", "ar"]
    assert rows["en"]["article"] == original and rows["en"]["is_original"]
    assert rows["ckb"]["is_this"]
    assert rows["ar"]["change_url"] == change_url(arabic)
    page = response.content.decode()
    section = page.split('class="translations module"')[1].split("</section>")[0]
    assert f'href="{change_url(original)}"' in section
    assert f'href="{change_url(arabic)}"' in section
    assert "published" in section and "draft" in section
    assert 'Add a translation into <span dir="auto">Kurmancî</span>' in section


def test_the_panel_offers_a_prefilled_add_form_for_each_missing_language(editor_client):
    original = make_article(
        "Two bridges reopen", language="en", regions=["erbil-city", "duhok"], tags=["Floods"]
    )
    original.dateline_text = "ERBIL, Kurdistan Region"
    original.save()
    rows = panel(editor_client.get(change_url(original)))
    assert {code for code, row in rows.items() if "add_url" in row} == {"ckb", "kmr", "ar"}
    query = parse_qs(urlsplit(rows["ckb"]["add_url"]).query)
    assert query == {
        "translation_of": [str(original.pk)],
        "language": ["ckb"],
        "dateline": [str(original.dateline_id)],
        "dateline_text": ["ERBIL, Kurdistan Region"],
        "regions": [",".join(str(r.pk) for r in original.regions.order_by("pk"))],
        "tags": [str(Tag.objects.get(name="Floods").pk)],
    }


def test_a_translation_added_through_the_panel_is_linked_both_ways(editor_client):
    original = make_article("Two bridges reopen", language="en", tags=["Floods"])
    add_url = panel(editor_client.get(change_url(original)))["ckb"]["add_url"]
    form = editor_client.get(add_url)
    data = posted_back(
        form,
        headline="دوو پرد لە هەولێر کرانەوە",
        slug="دوو-پرد-لە-هەولێر-کرانەوە",
        summary="دوو پرد کرانەوە.",
        body="هاتوچۆ ئاسایی بووەوە.",
    )
    assert data["language"] == ["ckb"] and data["translation_of"] == [str(original.pk)]
    assert editor_client.post(ADD_URL, data).status_code == 302
    sorani = Article.objects.get(language="ckb")
    assert sorani.translation_of == original
    assert set(sorani.regions.all()) == set(original.regions.all())
    assert list(sorani.tags.all()) == list(original.tags.all())
    assert sorani.dateline == original.dateline
    assert panel(editor_client.get(change_url(original)))["ckb"]["article"] == sorani
    assert panel(editor_client.get(change_url(sorani)))["en"]["article"] == original


# The list


def test_the_list_shows_each_articles_language_and_filters_by_it(editor_client):
    make_article("Bridges reopen", language="en")
    make_article("پردەکان کرانەوە", language="ckb")
    response = editor_client.get(CHANGELIST_URL)
    assert "column-language" in response.content.decode()
    listed = editor_client.get(CHANGELIST_URL, {"language__exact": "ckb"})
    assert [a.language for a in listed.context["cl"].result_list] == ["ckb"]


def test_the_lists_search_combines_with_the_language_filter(editor_client):
    make_article("Dam repairs", body="The Mosul dam needs repairs.", language="en")
    make_article("Dam repairs", body="The Mosul dam needs repairs.", language="kmr")
    make_article("Bridges", body="No dam here.", language="en")
    response = editor_client.get(CHANGELIST_URL, {"q": "Mosul", "language__exact": "kmr"})
    assert [a.language for a in response.context["cl"].result_list] == ["kmr"]
    response = editor_client.get(CHANGELIST_URL, {"q": "Mosul"})
    assert len(response.context["cl"].result_list) == 2


def test_the_list_names_places_in_the_articles_language(editor_client):
    make_article("پردەکان کرانەوە", language="ckb", regions=["erbil-city"])
    response = editor_client.get(CHANGELIST_URL, {"language__exact": "ckb"})
    assert "هەولێر" in response.content.decode()


# Names per language


def test_a_places_form_has_a_name_field_per_other_language(editor_client):
    erbil = region("erbil-city")
    response = editor_client.get(reverse("admin:articles_region_change", args=[erbil.pk]))
    page = response.content.decode()
    for label in ("Name in کوردی", "Name in Kurmancî", "Name in العربية"):
        assert label in page
    assert "Name in English" not in page
    boxes = text_boxes(response)
    assert boxes["name_ckb"]["value"] == "هەولێر"
    assert boxes["name_ckb"]["dir"] == "auto"
    assert "names" not in boxes  # no raw JSON box


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (Region, lambda: region("makhmour")),
        (Tag, lambda: make_tag("Floods")),
        (Byline, lambda: make_byline("Kurdistan 24", Byline.Kind.AGENCY)),
    ],
)
def test_names_typed_in_the_form_are_kept_by_language_and_the_slug_stays(
    editor_client, model, make
):
    obj = make()
    slug = obj.slug
    url = reverse(f"admin:articles_{model._meta.model_name}_change", args=[obj.pk])
    form = editor_client.get(url)
    data = posted_back(
        form, form_id=f"{model._meta.model_name}_form", name_ckb="  ناوی  نوێ ", name_ar=""
    )
    data["name_kmr"] = ["Navê nû"]
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    obj.refresh_from_db()
    assert obj.names == {"ckb": "ناوی نوێ", "kmr": "Navê nû"}
    assert obj.slug == slug
    assert obj.name_in("ckb") == "ناوی نوێ" and obj.name_in("ar") == obj.name


def test_a_new_tag_is_added_with_its_names(editor_client):
    url = reverse("admin:articles_tag_add")
    data = posted_back(
        editor_client.get(url),
        form_id="tag_form",
        name="Elections",
        slug="elections",
        name_ckb="هەڵبژاردن",
        name_ar="الانتخابات",
    )
    assert editor_client.post(url, data).status_code == 302
    assert Tag.objects.get(slug="elections").names == {"ckb": "هەڵبژاردن", "ar": "الانتخابات"}


# Agency aliases


def byline_url(byline):
    return reverse("admin:articles_byline_change", args=[byline.pk])


def save_aliases(client, byline, text):
    data = posted_back(client.get(byline_url(byline)), form_id="byline_form")
    data["alternative_names"] = [text]
    return client.post(byline_url(byline), data)


def test_an_agencys_other_names_are_edited_one_a_line(editor_client):
    agency = make_byline("Associated Press", Byline.Kind.AGENCY)
    response = save_aliases(editor_client, agency, "AP\r\n\r\n  The   AP \r\nA.P.\r\n")
    assert response.status_code == 302, response.context["adminform"].form.errors
    agency.refresh_from_db()
    # "A.P." is "AP" without its punctuation: kept once.
    assert agency.alternative_names == ["AP", "The AP"]
    boxes = text_boxes(editor_client.get(byline_url(agency)))
    assert boxes["alternative_names"]["dir"] == "auto"
    assert "AP\nThe AP" in editor_client.get(byline_url(agency)).content.decode()


@pytest.mark.parametrize("alias", ["Kurdistan24", "KURDISTAN-24", "kurdistan 24"])
def test_an_alias_that_names_another_byline_is_refused(editor_client, alias):
    make_byline("Kurdistan 24", Byline.Kind.AGENCY)
    other = make_byline("K24 English", Byline.Kind.AGENCY)
    response = save_aliases(editor_client, other, alias)
    assert response.status_code == 200
    assert "Already the name of another byline" in response.content.decode()
    other.refresh_from_db()
    assert other.alternative_names == []


def test_an_alias_another_byline_already_has_is_refused(editor_client):
    afp = make_byline("Agence France-Presse", Byline.Kind.AGENCY)
    assert save_aliases(editor_client, afp, "AFP").status_code == 302
    copycat = make_byline("France Presse Wire", Byline.Kind.AGENCY)
    response = save_aliases(editor_client, copycat, "A.F.P.")
    assert response.status_code == 200
    assert "“A.F.P.” (byline “Agence France-Presse”)" in response.content.decode()


def test_the_byline_search_finds_an_agency_by_another_name(editor_client):
    agency = make_byline("Kurdistan 24", Byline.Kind.AGENCY)
    agency.alternative_names = ["Kurdistan24", "کوردستان ٢٤"]
    agency.save()
    make_byline("Jane Reporter")
    url = reverse("admin:articles_byline_changelist")
    for term in ("kurdistan24", "کوردستان ٢٤", "Kurdistan 24"):
        found = editor_client.get(url, {"q": term}).context["cl"].result_list
        assert [b.name for b in found] == ["Kurdistan 24"], term

"""The factories build, by default, articles as the newsroom publishes them (see the
docstring of tests/factories.py): the suite's other tests rely on it."""

import pytest
from django.utils import timezone
from reversion.models import Version

from articles import slugs
from articles.models import Article, Byline
from tests.factories import (
    ARABIC_HEADLINE,
    CORRECTION_DELAY,
    IMPORT_COMMENT,
    at,
    is_arabic_script,
    make_article,
    make_story,
)

pytestmark = pytest.mark.django_db


def shape(article):
    article = Article.objects.get(pk=article.pk)
    return {
        "bylines": [(b.name, b.kind) for b in article.ordered_bylines],
        "editors": [e.name for e in article.editors.all()],
        "tags": sorted(t.name for t in article.tags.all()),
        "regions": sorted(r.slug for r in article.regions.all()),
        "dateline": article.dateline.slug if article.dateline else None,
        "source": article.source,
        "corrections": list(article.corrections.values_list("text", flat=True)),
    }


def test_the_default_article_is_as_the_newsroom_publishes_it():
    article = make_article(published_at=at("2020-03-09 12:00"))
    assert shape(article) == {
        "bylines": [("Jane Reporter", Byline.Kind.PERSON), ("Kurdistan 24", Byline.Kind.AGENCY)],
        "editors": ["Laurie Mylroie"],
        "tags": ["ISIS", "Security"],
        "regions": ["erbil-city", "makhmour", "nineveh"],
        "dateline": "erbil-city",
        "source": "Kurdistan 24",
        "corrections": ["An earlier version of this article misnamed the district."],
    }
    assert article.is_public
    assert article.corrections.get().noted_at == at("2020-03-09 12:00") + CORRECTION_DELAY


def test_the_default_article_has_one_imported_version_with_its_credits_and_note():
    article = make_article()
    (version,) = Version.objects.get_for_object(article)
    assert version.revision.get_comment() == IMPORT_COMMENT
    assert version.revision.user is None
    kept = {(v.content_type.model, v.object_id) for v in version.revision.version_set.all()}
    assert ("correction", str(article.corrections.get().pk)) in kept
    assert {("articlebyline", str(ab.pk)) for ab in article.article_bylines.all()} <= kept


@pytest.mark.parametrize(
    "fields",
    [
        {"published_at": timezone.now() - CORRECTION_DELAY / 4},  # just published
        {"published_at": timezone.now() + CORRECTION_DELAY * 12},  # scheduled
        {"status": Article.Status.DRAFT},  # undated
    ],
)
def test_a_default_correction_is_never_noted_in_the_future(fields):
    before = timezone.now()
    note = make_article(**fields).corrections.get()
    assert before <= note.noted_at <= timezone.now()


def test_articles_made_without_a_headline_take_turns_between_scripts():
    articles = [make_article() for _ in range(4)]
    assert [is_arabic_script(a.headline) for a in articles] == [False, True, False, True]
    arabic = articles[1]
    assert all(is_arabic_script(text) for text in shape(arabic)["editors"] + shape(arabic)["tags"])
    assert [kind for _, kind in shape(arabic)["bylines"]] == ["person", "agency"]
    assert is_arabic_script(arabic.body) and is_arabic_script(arabic.corrections.get().text)


@pytest.mark.parametrize("headline", [ARABIC_HEADLINE, None])
def test_an_arabic_script_article_has_a_valid_unicode_slug_and_address(client, headline):
    article = make_article(headline, arabic=True)
    assert is_arabic_script(article.headline) and is_arabic_script(article.summary)
    assert slugs.is_slug(article.slug, 300)
    assert is_arabic_script(article.slug)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_latin_headline_keeps_latin_credits_unless_told_otherwise():
    assert not is_arabic_script(shape(make_article("Dam inspection"))["editors"][0])
    assert is_arabic_script(shape(make_article("Dam inspection", arabic=True))["editors"][0])


def test_each_part_is_overridden_and_an_empty_one_left_out():
    article = make_article(
        bylines=["Rebin Fatah"], tags=[], regions=["duhok"], editors=[], corrections=[],
        dateline=None, source="",
    )  # fmt: skip
    assert shape(article) == {
        "bylines": [("Rebin Fatah", Byline.Kind.PERSON)], "editors": [], "tags": [],
        "regions": ["duhok"], "dateline": None, "source": "", "corrections": [],
    }  # fmt: skip


def test_a_bare_article_is_thin_on_request_and_still_takes_what_is_named():
    assert shape(make_article(bare=True)) == {
        "bylines": [], "editors": [], "tags": [], "regions": [], "dateline": None,
        "source": "", "corrections": [],
    }  # fmt: skip
    assert shape(make_article(bare=True, tags=["Oil"]))["tags"] == ["Oil"]
    assert not Version.objects.get_for_object(make_article(revision=False)).exists()


@pytest.mark.parametrize("arabic", [False, True])
def test_make_story_is_the_default_article_with_one_storys_names(arabic):
    story = make_story(arabic=arabic)
    made = shape(story)
    assert is_arabic_script(story.headline) is arabic
    assert [kind for _, kind in made["bylines"]] == ["person", "agency"]
    assert len(made["editors"]) == 1 and len(made["tags"]) == 2
    assert made["regions"] == ["duhok", "erbil-city", "nineveh"]
    assert (made["dateline"], made["source"]) == ("erbil-city", "Kurdistan 24")
    assert len(made["corrections"]) == 1
    assert Version.objects.get_for_object(story).get().revision.get_comment() == IMPORT_COMMENT

"""Reading saved versions (articles/history.py): the History page's changes, states of
versions, the live article and a submitted form, and the three-way merge, on articles as
the newsroom publishes them."""

import html
import json
import re

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from reversion.models import Version

from articles.history import (
    FieldChange,
    current_state,
    local_time,
    merge,
    stored_value,
    version_changes,
    version_state,
)
from articles.models import Article, ArticleByline
from tests.admin_forms import article_post_data, change_url
from tests.factories import at, make_article, make_byline, make_story, region

pytestmark = pytest.mark.django_db


def save_in_admin(client, article, **changes):
    response = client.post(change_url(article), article_post_data(article, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def changes_url(article, version):
    return reverse("admin:articles_article_version_changes", args=[article.pk, version.pk])


@pytest.mark.parametrize("arabic", [False, True])
def test_changes_page_of_every_version_of_a_story_with_bylines(editor_client, arabic):
    story = make_story(arabic=arabic)
    save_in_admin(editor_client, story)
    save_in_admin(
        editor_client,
        story,
        body=story.body + "\n\nA third paragraph.",
        dateline=str(region("duhok-city").pk),
        new_bylines=[make_byline("Second Reporter")],
    )
    for version in Version.objects.get_for_object(story):
        response = editor_client.get(changes_url(story, version))
        assert response.status_code == 200
    latest = Version.objects.get_for_object(story).first()
    labels = {c.label: c for c in editor_client.get(changes_url(story, latest)).context["changes"]}
    assert set(labels) == {"Body", "Dateline", "Bylines"}
    assert labels["Dateline"].before == "Erbil" and labels["Dateline"].after == "Duhok"
    assert labels["Bylines"].after.endswith(", Second Reporter")


def test_first_version_lists_everything_it_was_saved_with(editor_client):
    story = make_story()  # imported: one version
    first = Version.objects.get_for_object(story).get()
    changes = {c.label: c.after for c in version_changes(first)}
    assert changes["Bylines"] == "Rebin Fatah, Kurdistan 24"
    assert changes["Dateline"] == "Erbil"
    assert "Khabat bridge" in changes["Corrections and updates"]


@pytest.mark.parametrize(
    "stored",
    [
        {"dateline_id": 7, "byline_id": 3, "article_id": 1},  # django-reversion 6.4
        {"dateline": 7, "byline": 3, "article": 1},  # earlier releases
    ],
)
def test_stored_values_read_under_attname_or_name(stored):
    assert stored_value(stored, Article._meta.get_field("dateline")) == 7
    assert stored_value(stored, ArticleByline._meta.get_field("byline")) == 3


def test_a_version_and_the_article_it_saved_are_the_same_state(editor_client):
    story = make_story(arabic=True)
    save_in_admin(editor_client, story)
    version = Version.objects.get_for_object(story).first()
    assert version_state(version) == current_state(Article.objects.get(pk=story.pk))


def test_a_save_through_the_form_changes_no_publication_time(editor_client):
    story = make_story()  # stored with a fraction of a second; the form has whole seconds
    Article.objects.filter(pk=story.pk).update(
        published_at=story.published_at.replace(microsecond=123456)
    )
    save_in_admin(editor_client, story, headline="A new headline")
    latest = Version.objects.get_for_object(story).first()
    assert [c.label for c in version_changes(latest)] == ["Headline"]


def test_publication_time_is_shown_in_the_newsrooms_zone_to_the_minute():
    story = make_story(published_at=at("2020-03-09 13:00").replace(second=42, microsecond=7))
    first = Version.objects.get_for_object(story).get()
    published = next(c for c in version_changes(first) if c.label == "Publication time")
    assert published.after == "2020-03-09 13:00"


def test_merge_keeps_each_sides_own_changes_and_flags_only_shared_ones():
    base = {"headline": "A", "body": "B", "tags": (1,), "bylines": (1, 2)}
    theirs = {**base, "body": "B, subbed", "bylines": (2, 1)}
    yours = {**base, "headline": "A, sharper", "bylines": (1, 2, 3)}
    result = merge(base, theirs, yours, names=list(base))
    assert result.values["headline"] == "A, sharper"
    assert result.values["body"] == "B, subbed"
    assert result.theirs == ["body"]
    assert result.yours == ["headline"]
    assert result.conflicts == ["bylines"]


def test_merge_without_a_base_flags_every_difference():
    theirs = {"headline": "A", "body": "B"}
    yours = {"headline": "A", "body": "C"}
    assert merge(None, theirs, yours, names=["headline", "body"]).conflicts == ["body"]


hostile_words = st.sampled_from(
    ["<script>alert(1)</script>", "<del>", "</ins>", "&amp;", "=HYPERLINK(\"x\")", "@SUM(1)",
     "\u202eevil\u202c", "\u200f", "\u200c", "هەولێر", "أربيل", "Hewlêr", "\t", "\r", "\x0b",
     "\x00", "  ", "'", '"', "😀"]
)  # fmt: skip
texts = st.lists(st.one_of(hostile_words, st.text(max_size=12)), max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(before=texts, after=texts)
def test_a_diff_escapes_everything_and_reads_back_as_both_texts(before, after):
    html_diff = str(FieldChange("body", "Body", before, after).diff_html)
    # Only our own tags are markup; everything the texts held is escaped.
    assert re.sub(r"</?(del|ins)>", "", html_diff).count("<") == 0
    without_removed = re.sub(r"<del>.*?</del>", "", html_diff, flags=re.S)
    without_added = re.sub(r"<ins>.*?</ins>", "", html_diff, flags=re.S)
    assert html.unescape(re.sub(r"</?ins>", "", without_removed)).split() == after.split()
    assert html.unescape(re.sub(r"</?del>", "", without_added)).split() == before.split()


def test_a_word_before_a_paragraph_break_is_diffed_as_a_word():
    change = FieldChange("body", "Body", "on Tuesday.\n\nTraffic", "on Tuesday morning.\n\nTraffic")
    assert str(change.diff_html) == (
        "on <del>Tuesday.</del> <ins>Tuesday morning.</ins>\n\nTraffic"
    )


def test_a_form_posted_with_crlf_line_endings_changes_no_text_in_history(editor_client):
    story = make_story()  # imported: paragraphs end in LF
    data = article_post_data(story, headline="A new headline")
    data["body"] = data["body"].replace("\n", "\r\n")  # as browsers post a textarea
    assert editor_client.post(change_url(story), data).status_code == 302
    latest = Version.objects.get_for_object(story).first()
    assert [c.label for c in version_changes(latest)] == ["Headline"]
    assert "Body" not in latest.revision.get_comment()  # "Changed Headline."
    assert Article.objects.get(pk=story.pk).body == story.body  # stored with LF


def test_changes_page_title_is_in_the_newsrooms_zone(editor_client):
    story = make_story()
    version = Version.objects.get_for_object(story).get()
    response = editor_client.get(changes_url(story, version))
    saved = version.revision.date_created
    assert response.context["title"] == f"Changes saved {local_time(saved)}"


def test_restoring_a_version_saved_before_the_character_rule_writes_no_forbidden_character():
    from articles.history import restore_version

    story = make_story()
    version = Version.objects.get_for_object(story).first()
    # A version stored before the rule: its headline holds a form feed.
    Version.objects.filter(pk=version.pk).update(
        serialized_data=version.serialized_data.replace("Two bridges", "Two\\fbridges")
    )
    restore_version(story, Version.objects.get(pk=version.pk))
    assert Article.objects.get(pk=story.pk).headline.startswith("Twobridges")


def test_changes_show_the_language_and_the_original_an_article_translates(editor_client):
    original = make_story()
    translation = make_article("دوو پرد لە هەولێر کرانەوە", language="ar", revision=True)
    save_in_admin(editor_client, translation, language="ckb", translation_of=str(original.pk))
    latest = Version.objects.get_for_object(translation).first()
    response = editor_client.get(changes_url(translation, latest))
    labels = {c.label: c for c in response.context["changes"]}
    assert set(labels) == {"Language", "Translation of"}
    assert (labels["Language"].before, labels["Language"].after) == ("العربية", "کوردی")
    assert (labels["Translation of"].before, labels["Translation of"].after) == (
        "",
        original.headline,
    )
    page = response.content.decode()
    assert '<td class="diff" dir="auto"><del>العربية</del>' in page


def test_a_version_saved_before_languages_reads_as_english_and_no_translation():
    story = make_story()
    version = Version.objects.get_for_object(story).get()
    Version.objects.filter(pk=version.pk).update(serialized_data=_without_later_fields(version))
    old = Version.objects.get(pk=version.pk)
    state = version_state(old)
    assert (state["language"], state["translation_of"], state["dateline_text"]) == ("en", None, "")
    assert version_state(old) == {**current_state(story), "corrections": state["corrections"]}


def _without_later_fields(version):
    """The version's stored JSON as django-reversion wrote it before migration 0013."""
    records = json.loads(version.serialized_data)
    for record in records:
        for name in ("language", "translation_of", "dateline_text"):
            record["fields"].pop(name, None)
    return json.dumps(records)

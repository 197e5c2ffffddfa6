"""The editorial workflow: history, restore, conflicts, preview, corrections, links, roles."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from reversion.models import Version

from articles.models import Article, ArticleByline, ArticleRedirect, Correction
from articles.roles import REPORTER
from tests.admin_forms import article_post_data, change_url, posted_back
from tests.factories import at, make_article, make_staff

pytestmark = pytest.mark.django_db


def save_in_admin(client, article, **changes):
    article.refresh_from_db()
    return client.post(change_url(article), article_post_data(article, **changes))


def test_every_admin_save_keeps_a_revision_with_who_and_when(editor_client, editor):
    article = make_article("First headline")
    assert save_in_admin(editor_client, article, headline="Second headline").status_code == 302
    assert save_in_admin(editor_client, article, headline="Third headline").status_code == 302
    versions = Version.objects.get_for_object(article)
    assert [v.field_dict["headline"] for v in versions] == [
        "Third headline", "Second headline", "First headline",
    ]  # fmt: skip
    assert [v.revision.user for v in versions] == [editor, editor, None]  # None: the import
    assert versions.last().revision.get_comment() == "Imported from wire copy"


@pytest.mark.parametrize(
    ("headline", "before", "after", "removed", "added"),
    [
        ("Floods in Duhok", "Rain fell all week.", "Rain fell all month.", "week.", "month."),
        ("لافاو لە دهۆک", "باران هەموو هەفتەکە باری.", "باران هەموو مانگەکە باری.",
         "هەفتەکە", "مانگەکە"),
    ],
    ids=["latin", "arabic-script"],
)  # fmt: skip
def test_history_page_shows_a_readable_diff_of_a_save(
    editor_client, headline, before, after, removed, added
):
    article = make_article(headline, body=before)
    assert save_in_admin(editor_client, article).status_code == 302
    assert save_in_admin(editor_client, article, body=after).status_code == 302
    latest = Version.objects.get_for_object(article).first()
    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "Changes" in history.content.decode()
    url = reverse("admin:articles_article_history", args=[article.pk]) + f"{latest.pk}/changes/"
    html = editor_client.get(url).content.decode()
    assert f"<del>{removed}</del>" in html
    assert f"<ins>{added}</ins>" in html


def open_restore_form(client, article, **changes):
    """Open the oldest version's restore form as an editor would; return its URL and the
    POST data it would send (with the version number the form carried)."""
    oldest = Version.objects.get_for_object(article).last()
    url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = article_post_data(Article.objects.get(pk=article.pk), **changes)
    data["lock_version"] = form.context["adminform"].form["lock_version"].value()
    return url, data


@pytest.mark.parametrize(
    ("original", "changed"),
    [("Original headline", "Changed headline"), ("العنوان الأصلي", "العنوان المعدل")],
    ids=["latin", "arabic-script"],
)
def test_restoring_an_old_revision_is_itself_a_new_revision(editor_client, original, changed):
    article = make_article(original)
    assert save_in_admin(editor_client, article).status_code == 302
    assert save_in_admin(editor_client, article, headline=changed).status_code == 302
    url, data = open_restore_form(editor_client, article, headline=original)
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.headline == original
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 4  # imported, saved twice, restored
    assert "Restored the version saved" in versions.first().revision.get_comment()


CONFLICTING_TEXTS = {  # headline, body, the first editor's body, the second editor's
    "latin": ("Shared story", "Original body.", "First editor's body.", "Second editor's body."),
    "arabic-script": (
        "چیرۆکی هاوبەش", "دەقی سەرەتا.", "دەقی سەرنووسەری یەکەم.", "دەقی سەرنووسەری دووەم.",
    ),
}  # fmt: skip


@pytest.mark.parametrize("script", CONFLICTING_TEXTS)
def test_second_editor_to_save_gets_a_conflict_and_keeps_their_text(editor, script):
    headline, body, first_body, second_body = CONFLICTING_TEXTS[script]
    other = make_staff("other-editor", "Editor")
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(other)
    article = make_article(headline, body=body)
    credits = [b.name for b in article.ordered_bylines], list(article.corrections.all())
    # Both open the form: both forms carry the same version number.
    opened = article_post_data(Article.objects.get(pk=article.pk))
    first_post = first.post(change_url(article), {**opened, "body": first_body})
    assert first_post.status_code == 302
    response = second.post(change_url(article), {**opened, "body": second_body})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this article after you opened it (editor)" in html
    assert escape(first_body) in html  # what the other editor saved is shown
    assert escape(second_body) in html  # their text is still in the form
    article.refresh_from_db()
    assert article.body == first_body  # nothing was overwritten
    # Having seen the changes, saving again keeps the second editor's version on purpose.
    retry = response.context["adminform"].form.data
    assert second.post(change_url(article), retry).status_code == 302
    article.refresh_from_db()
    assert article.body == second_body
    assert ([b.name for b in article.ordered_bylines], list(article.corrections.all())) == credits


def test_a_bulk_action_meanwhile_also_counts_as_a_conflicting_change(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    opened = article_post_data(
        Article.objects.get(pk=article.pk), headline="Mine", status=Article.Status.PUBLISHED
    )
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "send_to_review", "_selected_action": [article.pk]},
    )
    response = editor_client.post(change_url(article), opened)
    assert response.status_code == 200
    assert "Someone else saved this article" in response.content.decode()
    assert "You both changed: Status." in response.content.decode()
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.status) == (article.headline, Article.Status.REVIEW)


def test_a_bulk_action_meanwhile_is_merged_with_a_form_that_left_its_field_alone(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    opened = article_post_data(Article.objects.get(pk=article.pk), headline="Mine")
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "send_to_review", "_selected_action": [article.pk]},
    )
    response = editor_client.post(change_url(article), opened, follow=True)
    assert "both sets of changes are kept. Theirs: Status. Yours: Headline." in (
        response.content.decode()
    )
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.status) == ("Mine", Article.Status.REVIEW)
    assert [b.name for b in saved.ordered_bylines] == [b.name for b in article.ordered_bylines]
    assert saved.corrections.count() == article.corrections.count() == 1


def test_lock_version_only_grows():
    article = make_article()
    before = article.lock_version
    article.lock_version = 0  # a stale copy, e.g. a restored revision
    article.save()
    assert article.lock_version == before + 1


def test_staff_preview_a_dated_draft_at_its_public_url_with_a_banner(client, editor_client):
    article = make_article(
        status=Article.Status.DRAFT, slug="embargoed", published_at=at("2020-03-09 12:00")
    )
    url = article.get_absolute_url()
    assert client.get(url).status_code == 404
    response = editor_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: not published." in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_staff_preview_a_scheduled_article(client, editor_client):
    article = make_article(published_at=timezone.now() + datetime.timedelta(days=2))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "scheduled for" in editor_client.get(article.get_absolute_url()).content.decode()


def test_undated_draft_has_a_staff_only_preview_url(client, editor_client):
    article = make_article(status=Article.Status.DRAFT)
    assert article.get_absolute_url() is None
    assert client.get(article.get_preview_url()).status_code == 404
    assert editor_client.get(article.get_preview_url()).status_code == 200


def test_published_article_shows_no_preview_banner_to_staff(editor_client):
    article = make_article()
    assert "Preview" not in editor_client.get(article.get_absolute_url()).content.decode()


def test_corrections_show_in_order_at_the_foot_and_update_the_updated_time(client):
    article = make_article(published_at=at("2020-03-09 12:00"))
    imported = article.corrections.get()  # noted at 14:00, two hours after publication
    Article.objects.filter(pk=article.pk).update(updated_at=at("2020-03-09 12:00"))
    Correction.objects.create(
        article=article,
        kind="update",
        text="Casualty figures added.",
        noted_at=at("2020-03-10 09:00"),
    )
    Correction.objects.create(
        article=article,
        text="An earlier version misspelt Makhmour.",
        noted_at=at("2020-03-09 18:00"),
    )
    article.refresh_from_db()
    assert article.updated_at == at("2020-03-10 09:00")
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.index(imported.text) < html.index("misspelt Makhmour")
    assert html.index("misspelt Makhmour") < html.index("Casualty figures added")
    assert "Corrections and updates" in html


def test_correction_text_is_sanitized(client):
    article = make_article()
    Correction.objects.create(article=article, text="<script>alert(1)</script>Fixed a name.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "Fixed a name." in html


def test_every_earlier_url_redirects_to_the_current_one(client):
    article = make_article("Story", slug="first-slug", published_at=at("2020-03-09 12:00"))
    first_url = article.get_absolute_url()
    article = Article.objects.get(pk=article.pk)
    article.slug = "second-slug"
    article.save()
    second_url = article.get_absolute_url()
    article = Article.objects.get(pk=article.pk)
    article.published_at = at("2020-03-10 12:00")
    article.save()
    final_url = article.get_absolute_url()
    assert final_url == "/articles/2020/03/10/second-slug/"
    for old in (first_url, second_url):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == final_url
    assert client.get(final_url).status_code == 200


def test_redirects_never_reveal_an_unpublished_article(client):
    article = make_article(slug="first-slug", published_at=at("2020-03-09 12:00"))
    old_url = article.get_absolute_url()
    article = Article.objects.get(pk=article.pk)
    article.slug, article.status = "renamed", Article.Status.WITHDRAWN
    article.save()
    assert ArticleRedirect.objects.filter(old_path=old_url).exists()
    assert client.get(old_url).status_code == 404


def test_a_draft_that_was_never_public_leaves_no_redirects():
    article = make_article(status=Article.Status.DRAFT, published_at=at("2020-03-09 12:00"))
    article = Article.objects.get(pk=article.pk)
    article.slug = "another"
    article.save()
    assert not ArticleRedirect.objects.exists()


def test_reporter_may_edit_own_draft_but_not_anothers(reporter, reporter_client):
    own = make_article(status=Article.Status.DRAFT, created_by=reporter)
    colleague = make_staff("colleague", REPORTER)
    theirs = make_article(status=Article.Status.DRAFT, created_by=colleague)
    assert save_in_admin(reporter_client, own, headline="Edited").status_code == 302
    response = save_in_admin(reporter_client, theirs, headline="Hijacked")
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.headline != "Hijacked"


def test_reporter_can_only_send_own_drafts_to_review(reporter, reporter_client):
    own = make_article(status=Article.Status.DRAFT, created_by=reporter)
    theirs = make_article(status=Article.Status.DRAFT, created_by=make_staff("c", REPORTER))
    reporter_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "send_to_review", "_selected_action": [own.pk, theirs.pk]},
    )
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert (own.status, theirs.status) == ("review", "draft")


def test_editor_edits_anyones_article(editor_client, reporter):
    article = make_article(status=Article.Status.REVIEW, created_by=reporter)
    assert save_in_admin(editor_client, article, headline="Subbed").status_code == 302


def test_only_admins_manage_accounts(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    admin = User.objects.create_superuser("boss", password="a-long-test-password")
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_reporter_cannot_restore_an_old_draft_of_a_published_article(reporter, reporter_client):
    article = make_article("Draft by reporter", status=Article.Status.DRAFT, created_by=reporter)
    assert save_in_admin(reporter_client, article).status_code == 302  # version 1: a draft
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED,
                                                 published_at=at("2020-03-09 12:00"))  # fmt: skip
    draft_version = Version.objects.get_for_object(article).first()
    url = reverse("admin:articles_article_revision", args=[article.pk, draft_version.pk])
    assert reporter_client.get(url).status_code == 403
    data = article_post_data(Article.objects.get(pk=article.pk), status="review")
    assert reporter_client.post(url, data).status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    recover = reverse("admin:articles_article_recover", args=[draft_version.pk])
    assert reporter_client.get(recover).status_code == 403


def test_a_save_made_while_a_restore_form_is_open_is_a_conflict(editor_client):
    article = make_article("Original")
    save_in_admin(editor_client, article)
    save_in_admin(editor_client, article, headline="Second")
    url, data = open_restore_form(editor_client, article, headline="Original")
    before = Article.objects.get(pk=article.pk).lock_version
    save_in_admin(editor_client, article, headline="Important fix")  # someone saves meanwhile
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this article" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Important fix"
    assert article.lock_version > before


def test_restoring_a_version_keeps_the_corrections_text(client, editor_client):
    article = make_article("Story", corrections=["A name was misspelt."])
    assert save_in_admin(editor_client, article).status_code == 302  # the note posted back
    assert save_in_admin(editor_client, article, headline="Story, updated").status_code == 302
    url, data = open_restore_form(editor_client, article, headline="Story")
    assert editor_client.post(url, data).status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Story"
    assert Correction.objects.get().text_html == "<p>A name was misspelt.</p>"
    assert "A name was misspelt." in client.get(article.get_absolute_url()).content.decode()


# Restore and recover accept only versions of the article in the URL


def revision_url(article_pk, version_pk):
    return reverse("admin:articles_article_revision", args=[article_pk, version_pk])


def test_reporter_cannot_revert_another_article_through_a_byline_version_of_the_same_id(
    reporter, reporter_client, editor_client
):
    """The attack: a version of an ArticleByline row whose id equals the reporter's
    draft's, opened at the draft's revision URL, reverted another (published) article."""
    from tests.factories import make_story

    victim = make_story("Ministry confirms the dam is safe")
    save_in_admin(editor_client, victim)  # a revision holding the victim and its byline rows
    save_in_admin(editor_client, victim, headline="Ministry confirms the dam is unsafe")
    old_revision = Version.objects.get_for_object(victim).last().revision
    # The reporter's draft has the id of one of the victim's byline rows (ids are
    # visible to staff; a reporter makes drafts until one lines up).
    row = ArticleByline.objects.filter(article=victim).exclude(pk=victim.pk).first()
    draft = make_article("My draft", status=Article.Status.DRAFT, created_by=reporter, pk=row.pk)
    save_in_admin(reporter_client, draft)
    byline_version = old_revision.version_set.get(
        content_type__model="articlebyline", object_id=str(draft.pk)
    )
    before = Article.objects.get(pk=victim.pk)
    url = revision_url(draft.pk, byline_version.pk)
    assert reporter_client.get(url).status_code == 404
    data = article_post_data(Article.objects.get(pk=draft.pk), headline="My draft, again")
    assert reporter_client.post(url, data).status_code == 404
    after = Article.objects.get(pk=victim.pk)
    assert after.headline == "Ministry confirms the dam is unsafe"
    assert after.lock_version == before.lock_version
    assert after.corrections.count() == 1


def test_revision_url_takes_only_versions_of_the_article_it_names(editor_client):
    from tests.factories import make_story

    first, second = make_story("First story"), make_story("Second story")
    save_in_admin(editor_client, first)
    save_in_admin(editor_client, second)
    of_second = Version.objects.get_for_object(second).first()
    assert editor_client.get(revision_url(first.pk, of_second.pk)).status_code == 404
    assert editor_client.get(revision_url(second.pk, of_second.pk)).status_code == 200


def test_recover_takes_only_versions_of_deleted_articles(editor_client):
    from tests.factories import make_story

    live = make_story()
    save_in_admin(editor_client, live)
    version = Version.objects.get_for_object(live).first()
    byline_version = version.revision.version_set.filter(content_type__model="articlebyline")[0]
    for candidate in (version, byline_version):
        url = reverse("admin:articles_article_recover", args=[candidate.pk])
        assert editor_client.get(url).status_code == 404


def test_recovering_a_deleted_story_brings_back_its_bylines_and_notes(editor_client):
    from tests.factories import make_story

    story = make_story(arabic=True)
    save_in_admin(editor_client, story)
    pk = story.pk
    delete_url = reverse("admin:articles_article_delete", args=[pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=pk).exists()
    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    url = reverse("admin:articles_article_recover", args=[version.pk])
    form = editor_client.get(url)
    assert form.status_code == 200
    assert not Article.objects.filter(pk=pk).exists()  # showing the form recovers nothing
    response = editor_client.post(url, posted_back(form))
    assert response.status_code == 302, [
        f.formset.errors for f in response.context["inline_admin_formsets"]
    ]
    recovered = Article.objects.get(pk=pk)
    assert [b.name for b in recovered.ordered_bylines] == [b.name for b in story.ordered_bylines]
    assert recovered.corrections.count() == 1
    assert "Recovered" in Version.objects.get_for_object(recovered).first().revision.get_comment()


# Restore on a published, corrected story


def published_story_with_a_review_version(editor_client):
    """A story saved first 'In review', then published with a correction: as on a
    real desk, the oldest version has another status and no correction."""
    from tests.factories import make_story

    story = make_story("Dam inspection finds cracks", status=Article.Status.REVIEW)
    story.corrections.all().delete()
    save_in_admin(editor_client, story)  # version 1: in review, no correction
    save_in_admin(
        editor_client,
        story,
        status=Article.Status.PUBLISHED,
        headline="Dam inspection finds cracks in the spillway",
        published_at_0="2020-03-09",
        published_at_1="13:00:00",
    )
    Correction.objects.create(article=story, text="The dam is on the Greater Zab.")
    return Article.objects.get(pk=story.pk)


def test_restore_page_shows_publication_and_correction_changes_before_saving(editor_client):
    story = published_story_with_a_review_version(editor_client)
    oldest = Version.objects.get_for_object(story).last()
    page = editor_client.get(revision_url(story.pk, oldest.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "In review" in html and "Published" in html
    assert "The dam is on the Greater Zab." in html  # the correction stays, and says so
    assert "takes the story off the site" in html
    assert "publication" in page.context["adminform"].form.fields
    # Nothing was saved by looking.
    assert Article.objects.get(pk=story.pk).headline == story.headline


def test_restore_needs_an_explicit_choice_about_publication(editor_client):
    story = published_story_with_a_review_version(editor_client)
    oldest = Version.objects.get_for_object(story).last()
    url = revision_url(story.pk, oldest.pk)
    response = editor_client.post(url, posted_back(editor_client.get(url)))
    assert response.status_code == 200
    assert "publication" in response.context["adminform"].form.errors
    assert Article.objects.get(pk=story.pk).headline == story.headline


def test_restore_keeping_publication_leaves_the_story_live_with_its_correction(
    client, editor_client
):
    story = published_story_with_a_review_version(editor_client)
    oldest = Version.objects.get_for_object(story).last()
    url = revision_url(story.pk, oldest.pk)
    data = posted_back(editor_client.get(url), publication="keep")
    assert editor_client.post(url, data).status_code == 302
    restored = Article.objects.get(pk=story.pk)
    assert restored.headline == "Dam inspection finds cracks"  # the text came back
    assert restored.status == Article.Status.PUBLISHED
    assert restored.published_at == story.published_at
    assert restored.slug == story.slug
    assert client.get(restored.get_absolute_url()).status_code == 200
    assert restored.corrections.get().text == "The dam is on the Greater Zab."
    latest = Version.objects.get_for_object(restored).first()
    assert "Restored the version saved" in latest.revision.get_comment()
    assert restored.lock_version > story.lock_version


def test_restore_taking_the_versions_publication_is_the_editors_explicit_choice(editor_client):
    story = published_story_with_a_review_version(editor_client)
    oldest = Version.objects.get_for_object(story).last()
    url = revision_url(story.pk, oldest.pk)
    data = posted_back(editor_client.get(url), publication="version")
    assert editor_client.post(url, data).status_code == 302
    restored = Article.objects.get(pk=story.pk)
    assert restored.status == Article.Status.REVIEW
    assert restored.corrections.count() == 1  # never deleted, whatever the choice


def test_public_corrections_cannot_be_erased_or_rewritten_in_the_form(client, editor_client):
    from tests.factories import make_story

    story = make_story()
    note = story.corrections.get()
    data = article_post_data(story)
    deleting = {**data, "corrections-0-DELETE": "on"}
    response = editor_client.post(change_url(story), deleting)
    assert response.status_code == 200
    assert "public record" in response.content.decode()
    rewriting = {**data, "corrections-0-text": "Nothing was wrong."}
    assert editor_client.post(change_url(story), rewriting).status_code == 200
    assert Correction.objects.get(pk=note.pk).text == note.text
    # A new note supersedes it.
    superseding = {
        **data,
        "corrections-TOTAL_FORMS": "2",
        "corrections-1-article": str(story.pk),
        "corrections-1-kind": "correction",
        "corrections-1-noted_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "corrections-1-noted_at_1": timezone.localtime().strftime("%H:%M:%S"),
        "corrections-1-text": "The earlier correction named the wrong bridge too.",
    }
    assert editor_client.post(change_url(story), superseding).status_code == 302
    assert story.corrections.count() == 2


def test_notes_of_a_draft_can_still_be_edited_and_removed(editor_client):
    from tests.factories import make_story

    draft = make_story(status=Article.Status.DRAFT)
    data = {**article_post_data(draft), "corrections-0-DELETE": "on"}
    assert editor_client.post(change_url(draft), data).status_code == 302
    assert draft.corrections.count() == 0


# Two editors on one story with bylines: a three-way merge


def two_editors(editor):
    other = make_staff("second-editor", "Editor")
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(other)
    return first, second


@pytest.mark.parametrize("arabic", [False, True])
def test_changes_to_different_fields_are_merged_without_a_conflict(editor, arabic):
    from tests.factories import make_byline, make_story

    first, second = two_editors(editor)
    story = make_story(arabic=arabic)
    opened = article_post_data(Article.objects.get(pk=story.pk))
    mine = article_post_data(
        Article.objects.get(pk=story.pk), body="Rewritten body.", new_bylines=[make_byline("Zara")]
    )
    assert first.post(change_url(story), mine).status_code == 302
    response = second.post(change_url(story), {**opened, "headline": "A sharper headline"})
    assert response.status_code == 302
    merged = Article.objects.get(pk=story.pk)
    assert merged.headline == "A sharper headline"
    assert merged.body == "Rewritten body."
    assert [b.name for b in merged.ordered_bylines][-1] == "Zara"
    assert len(merged.ordered_bylines) == 3
    assert merged.corrections.count() == 1


def test_a_language_change_and_a_text_change_made_meanwhile_are_merged(editor):
    from tests.factories import make_story

    first, second = two_editors(editor)
    original = make_story()
    story = make_story(arabic=True)
    assert story.language == "ckb"
    opened = article_post_data(Article.objects.get(pk=story.pk))
    linking = {**opened, "translation_of": str(original.pk)}
    assert first.post(change_url(story), linking).status_code == 302
    response = second.post(change_url(story), {**opened, "summary": "کورتەیەکی نوێ."})
    assert response.status_code == 302
    merged = Article.objects.get(pk=story.pk)
    assert merged.translation_of == original
    assert merged.summary == "کورتەیەکی نوێ."


def test_both_editors_choosing_a_language_is_a_conflict_shown_in_each_direction(editor):
    from tests.factories import make_story

    first, second = two_editors(editor)
    story = make_story(arabic=True)
    opened = article_post_data(Article.objects.get(pk=story.pk))
    assert first.post(change_url(story), {**opened, "language": "ar"}).status_code == 302
    response = second.post(change_url(story), {**opened, "language": "kmr", "body": "Nivîs."})
    assert response.status_code == 200
    conflict = response.context["conflict"]
    assert [(f["name"], f["theirs"], f["yours"]) for f in conflict["fields"]] == [
        ("language", "العربية", "Kurmancî")
    ]
    html = response.content.decode()
    assert '<td class="diff" dir="auto">العربية</td>' in html
    saved = second.post(change_url(story), posted_back(response, **{"conflict-language": "mine"}))
    assert saved.status_code == 302
    assert Article.objects.get(pk=story.pk).language == "kmr"


def test_a_byline_removed_meanwhile_stays_removed(editor):
    from tests.factories import make_story

    first, second = two_editors(editor)
    story = make_story()
    opened = article_post_data(Article.objects.get(pk=story.pk))
    removing = {**opened, "article_bylines-1-DELETE": "on"}
    assert first.post(change_url(story), removing).status_code == 302
    response = second.post(change_url(story), {**opened, "summary": "A new standfirst."})
    assert response.status_code == 302
    merged = Article.objects.get(pk=story.pk)
    assert [b.name for b in merged.ordered_bylines] == ["Rebin Fatah"]
    assert merged.summary == "A new standfirst."


def test_a_field_both_changed_needs_a_decision_and_nothing_else_is_listed(editor):
    from tests.factories import make_story

    first, second = two_editors(editor)
    story = make_story()
    opened = article_post_data(Article.objects.get(pk=story.pk))
    assert (
        first.post(
            change_url(story), {**opened, "body": "First editor's body.", "source": "AFP"}
        ).status_code
        == 302
    )
    response = second.post(change_url(story), {**opened, "body": "Second editor's body."})
    assert response.status_code == 200
    conflict = response.context["conflict"]
    assert [f["name"] for f in conflict["fields"]] == ["body"]
    html = response.content.decode()
    assert "Publication time" not in html.split('class="conflict"')[1].split("</div>")[0]
    assert "Second editor&#x27;s body." in html  # their text is in the form
    assert Article.objects.get(pk=story.pk).body == "First editor's body."
    retry = posted_back(response)
    assert retry["source"] == ["AFP"]  # the other change is in the form they will save
    # Saving again without choosing is refused; nothing is lost.
    undecided = second.post(change_url(story), retry)
    assert undecided.status_code == 200
    assert "Choose which version to keep" in undecided.content.decode()
    assert "Second editor&#x27;s body." in undecided.content.decode()
    assert (
        second.post(
            change_url(story), posted_back(undecided, **{"conflict-body": "mine"})
        ).status_code
        == 302
    )
    saved = Article.objects.get(pk=story.pk)
    assert saved.body == "Second editor's body."
    assert saved.source == "AFP"  # the first editor's change to another field is kept


def test_choosing_theirs_keeps_the_saved_value(editor):
    from tests.factories import make_story

    first, second = two_editors(editor)
    story = make_story()
    opened = article_post_data(Article.objects.get(pk=story.pk))
    first.post(change_url(story), {**opened, "headline": "Their headline"})
    response = second.post(change_url(story), {**opened, "headline": "My headline"})
    retry = posted_back(response, **{"conflict-headline": "theirs"})
    assert second.post(change_url(story), retry).status_code == 302
    assert Article.objects.get(pk=story.pk).headline == "Their headline"


def test_bylines_both_reordered_differently_is_a_conflict_resolved_by_choice(editor):
    from tests.factories import make_byline, make_story

    first, second = two_editors(editor)
    story = make_story()
    opened = article_post_data(Article.objects.get(pk=story.pk))
    swapped = {**opened, "article_bylines-0-position": "1", "article_bylines-1-position": "0"}
    assert first.post(change_url(story), swapped).status_code == 302
    mine = article_post_data(Article.objects.get(pk=story.pk), new_bylines=[make_byline("Zara")])
    mine.update({k: v for k, v in opened.items() if k.startswith("article_bylines-")})
    mine.update(
        {
            "article_bylines-TOTAL_FORMS": "3",
            "article_bylines-2-id": "",
            "article_bylines-2-article": str(story.pk),
            "article_bylines-2-byline": str(make_byline("Zara").pk),
            "article_bylines-2-position": "2",
        }
    )
    mine["lock_version"] = opened["lock_version"]
    response = second.post(change_url(story), mine)
    assert response.status_code == 200
    assert [f["name"] for f in response.context["conflict"]["fields"]] == ["bylines"]
    retry = posted_back(response, **{"conflict-bylines": "theirs"})
    assert second.post(change_url(story), retry).status_code == 302
    names = [b.name for b in Article.objects.get(pk=story.pk).ordered_bylines]
    assert names == ["Kurdistan 24", "Rebin Fatah"]


def test_only_editors_are_offered_and_shown_deleted_articles(editor_client, reporter_client):
    recover_list = reverse("admin:articles_article_recoverlist")
    changelist = reverse("admin:articles_article_changelist")
    assert reporter_client.get(recover_list).status_code == 403
    assert "Recover deleted articles" not in reporter_client.get(changelist).content.decode()
    assert editor_client.get(recover_list).status_code == 200
    assert "Recover deleted articles" in editor_client.get(changelist).content.decode()


@pytest.mark.parametrize("year", ["0001", "1899", "3000", "9999"])
def test_a_note_dated_outside_the_archives_years_is_refused_with_a_message(editor_client, year):
    from tests.factories import make_story

    draft = make_story(status=Article.Status.DRAFT)
    data = {
        **article_post_data(draft),
        "corrections-TOTAL_FORMS": "2",
        "corrections-1-article": str(draft.pk),
        "corrections-1-kind": "update",
        "corrections-1-noted_at_0": f"{year}-12-31",
        "corrections-1-noted_at_1": "23:30:00",
        "corrections-1-text": "Far off.",
    }
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert "outside the years 1900 to 2999" in response.content.decode()
    assert draft.corrections.count() == 1


def test_a_form_posted_with_crlf_line_endings_has_not_changed_the_body(editor):
    """Browsers post a textarea's lines ending in CRLF; the story was stored with LF.
    The second editor left the body alone: the first editor's body is kept, no conflict."""
    from tests.factories import make_story

    first, second = two_editors(editor)
    story = make_story()
    opened = article_post_data(Article.objects.get(pk=story.pk))
    theirs = {**opened, "body": story.body.replace("Tuesday.", "Tuesday morning.")}
    assert first.post(change_url(story), theirs).status_code == 302
    response = second.post(
        change_url(story),
        {**opened, "body": opened["body"].replace("\n", "\r\n"), "headline": "Bridges reopen"},
    )
    assert response.status_code == 302, response.context["conflict"]
    saved = Article.objects.get(pk=story.pk)
    assert (saved.headline, saved.body) == ("Bridges reopen", theirs["body"])


def test_a_public_note_of_two_paragraphs_posted_back_with_crlf_is_not_a_rewrite(editor_client):
    """A note stored with LF (imported, or saved before) comes back from the browser's
    textarea with CRLF: the same note, so the published story can still be saved."""
    from tests.factories import make_story

    story = make_story()
    story.corrections.update(text="The bridge is the Khabat bridge.\n\nIt crosses the Zab.")
    data = article_post_data(Article.objects.get(pk=story.pk), headline="Bridges reopen")
    data["corrections-0-text"] = data["corrections-0-text"].replace("\n", "\r\n")
    response = editor_client.post(change_url(story), data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][1].formset.errors
    assert Article.objects.get(pk=story.pk).headline == "Bridges reopen"
    assert story.corrections.get().text == "The bridge is the Khabat bridge.\n\nIt crosses the Zab."


def test_a_save_nobody_raced_reads_no_merge_state(editor_client):
    """The three-way merge reads the article's state only when someone saved meanwhile
    (or a conflict is being decided): an ordinary save costs nothing extra."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_story

    story = make_story()
    data = article_post_data(story, headline="Subbed")
    with CaptureQueriesContext(connection) as queries:
        assert editor_client.post(change_url(story), data).status_code == 302
    full_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "articles_article"."id", "articles_article"."headline"')
    ]
    assert len(full_reads) == 1  # the change form's own read of the article

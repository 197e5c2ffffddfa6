"""The editorial workflow: history, restore, conflicts, preview, corrections, links, roles."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleRedirect, Correction
from articles.roles import REPORTER
from tests.admin_forms import article_post_data, change_url
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
    assert [v.field_dict["headline"] for v in versions] == ["Third headline", "Second headline"]
    assert {v.revision.user for v in versions} == {editor}


def test_history_page_shows_a_readable_diff_of_a_save(editor_client):
    article = make_article("Floods in Duhok", body="Rain fell all week.")
    save_in_admin(editor_client, article)
    save_in_admin(editor_client, article, body="Rain fell all month.")
    latest = Version.objects.get_for_object(article).first()
    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "Changes" in history.content.decode()
    url = reverse("admin:articles_article_history", args=[article.pk]) + f"{latest.pk}/changes/"
    html = editor_client.get(url).content.decode()
    assert "<del>week.</del>" in html
    assert "<ins>month.</ins>" in html


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


def test_restoring_an_old_revision_is_itself_a_new_revision(editor_client):
    article = make_article("Original headline")
    save_in_admin(editor_client, article)
    save_in_admin(editor_client, article, headline="Changed headline")
    url, data = open_restore_form(editor_client, article, headline="Original headline")
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Original headline"
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 3
    assert "Reverted to previous version" in versions.first().revision.get_comment()


def test_second_editor_to_save_gets_a_conflict_and_keeps_their_text(editor):
    other = make_staff("other-editor", "Editor")
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(other)
    article = make_article("Shared story", body="Original body.")
    # Both open the form: both forms carry the same version number.
    opened = article_post_data(Article.objects.get(pk=article.pk))
    first_post = first.post(change_url(article), {**opened, "body": "First editor's body."})
    assert first_post.status_code == 302
    response = second.post(change_url(article), {**opened, "body": "Second editor's body."})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this article after you opened it (editor)" in html
    assert "<ins>First</ins>" in html or "First" in html  # what changed is shown
    assert "Second editor&#x27;s body." in html  # their text is still in the form
    article.refresh_from_db()
    assert article.body == "First editor's body."  # nothing was overwritten
    # Having seen the changes, saving again keeps the second editor's version on purpose.
    retry = response.context["adminform"].form.data
    assert second.post(change_url(article), retry).status_code == 302
    article.refresh_from_db()
    assert article.body == "Second editor's body."


def test_a_bulk_action_meanwhile_also_counts_as_a_conflicting_change(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    opened = article_post_data(Article.objects.get(pk=article.pk), headline="Mine")
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "send_to_review", "_selected_action": [article.pk]},
    )
    response = editor_client.post(change_url(article), opened)
    assert response.status_code == 200
    assert "Someone else saved this article" in response.content.decode()


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
    article = make_article("Story")
    Correction.objects.create(article=article, text="A name was misspelt.")
    save_in_admin(editor_client, article, **{"corrections-TOTAL_FORMS": "1",
        "corrections-INITIAL_FORMS": "1",
        "corrections-0-id": str(article.corrections.get().pk),
        "corrections-0-article": str(article.pk), "corrections-0-kind": "correction",
        "corrections-0-noted_at_0": "2026-01-01", "corrections-0-noted_at_1": "10:00:00",
        "corrections-0-text": "A name was misspelt."})  # fmt: skip
    save_in_admin(editor_client, article, headline="Story, updated")
    url, data = open_restore_form(editor_client, article, headline="Story")
    assert editor_client.post(url, data).status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Story"
    assert Correction.objects.get().text_html == "<p>A name was misspelt.</p>"
    assert "A name was misspelt." in client.get(article.get_absolute_url()).content.decode()

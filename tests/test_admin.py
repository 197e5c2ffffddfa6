"""The article admin, driven through Django's test client as staff use it: roles, the
publishing rules, bulk actions, the change list (queries, search, region filter),
autocomplete and "View on site"."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.admin_list import CappedCountPaginator
from articles.models import Article, Correction
from articles.roles import EDITOR, REPORTER, ROLE_PERMISSIONS
from tests.admin_forms import article_post_data, change_url, management_form
from tests.factories import at, make_article, make_byline, make_staff, region

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST_URL = reverse("admin:articles_article_changelist")
AUTOCOMPLETE_URL = reverse("admin:autocomplete")


def action_post_data(action, *articles):
    return {
        "action": action,
        "select_across": "0",
        "index": "0",
        "_selected_action": [str(a.pk) for a in articles],
    }


def form_errors(response):
    assert response.status_code == 200, response.status_code
    return response.context["adminform"].form.errors


def changelist_headlines(response):
    assert response.status_code == 200
    return {a.headline for a in response.context["cl"].result_list}


def credits_of(article):
    """Everything a save of the article form must keep as it was: bylines in order,
    editors, tags, places, dateline, source and notes."""
    article = Article.objects.get(pk=article.pk)
    return (
        [b.name for b in article.ordered_bylines],
        sorted(e.name for e in article.editors.all()),
        sorted(t.name for t in article.tags.all()),
        sorted(r.slug for r in article.regions.all()),
        article.dateline_id,
        article.source,
        list(article.corrections.values_list("pk", "text")),
    )


def bulk_log_messages(article):
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id=str(article.pk),
            action_flag=CHANGE,
        ).values_list("change_message", flat=True)
    )


# Roles


def test_migrations_create_reporter_and_editor_groups_with_exactly_their_listed_permissions():
    for role in (REPORTER, EDITOR):
        group = Group.objects.get(name=role)
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(ROLE_PERMISSIONS[role])


def test_editor_group_may_publish_and_reporter_group_may_not(reporter, editor):
    assert Group.objects.get(name=EDITOR).permissions.filter(codename="publish_article").exists()
    assert not (
        Group.objects.get(name=REPORTER).permissions.filter(codename="publish_article").exists()
    )
    assert editor.has_perm("articles.publish_article")
    assert not reporter.has_perm("articles.publish_article")


# Reporters: drafts and review, never publication


def test_reporter_status_choices_are_only_draft_and_review(reporter_client):
    response = reporter_client.get(ADD_URL)
    assert response.status_code == 200
    choices = [value for value, _ in response.context["adminform"].form.fields["status"].choices]
    assert choices == ["draft", "review"]


def test_reporter_adds_a_draft_with_the_add_form_and_is_recorded_as_its_creator(
    reporter, reporter_client
):
    jane = make_byline("Jane Reporter")
    data = article_post_data(new_bylines=[jane], regions=[str(region("erbil").pk)])
    response = reporter_client.post(ADD_URL, data)
    assert response.status_code == 302
    article = Article.objects.get(slug="a-new-story")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == reporter
    assert article.ordered_bylines == [jane]
    assert [r.slug for r in article.regions.all()] == ["erbil"]


@pytest.mark.parametrize("status", ["published", "withdrawn"])
def test_reporter_cannot_publish_or_withdraw_from_the_add_form(reporter_client, status):
    response = reporter_client.post(ADD_URL, article_post_data(status=status))
    assert "status" in form_errors(response)
    assert not Article.objects.filter(status=status).exists()
    assert not Article.objects.exists()


@pytest.mark.parametrize("status", ["published", "withdrawn"])
def test_reporter_cannot_publish_or_withdraw_their_draft_from_the_change_form(
    reporter, reporter_client, status
):
    draft = make_article("My draft", status=Article.Status.DRAFT, created_by=reporter)
    data = article_post_data(draft, status=status, headline="Changed headline")
    response = reporter_client.post(change_url(draft), data)
    assert "status" in form_errors(response)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert draft.headline == "My draft"
    assert not Article.objects.filter(status=status).exists()


@pytest.mark.parametrize("arabic", [False, True])
def test_reporter_sends_their_draft_to_review_with_the_form(reporter, reporter_client, arabic):
    draft = make_article(status=Article.Status.DRAFT, created_by=reporter, arabic=arabic)
    credits = credits_of(draft)
    response = reporter_client.post(
        change_url(draft), article_post_data(draft, status=Article.Status.REVIEW)
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW
    assert credits_of(draft) == credits


def test_reporter_sees_a_published_article_read_only(reporter, reporter_client):
    article = make_article("Published story", created_by=reporter)
    response = reporter_client.get(change_url(article))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    html = response.content.decode()
    assert 'name="_save"' not in html
    assert 'name="headline"' not in html


def test_reporter_post_to_a_published_article_is_refused_and_changes_nothing(
    reporter, reporter_client
):
    article = make_article("Published story", created_by=reporter)
    before = Article.objects.get(pk=article.pk)
    data = article_post_data(article, headline="Rewritten after publication")
    response = reporter_client.post(change_url(article), data)
    assert response.status_code == 403
    after = Article.objects.get(pk=article.pk)
    assert after.headline == "Published story"
    assert (after.status, after.lock_version) == (before.status, before.lock_version)


def test_reporter_is_not_offered_the_publishing_actions(reporter_client):
    make_article(status=Article.Status.DRAFT)
    response = reporter_client.get(CHANGELIST_URL)
    offered = {name for name, _ in response.context["action_form"].fields["action"].choices}
    assert "send_to_review" in offered
    assert offered.isdisjoint({"publish", "unpublish", "withdraw"})


def test_reporter_posting_the_publish_action_leaves_the_draft_a_draft(reporter, reporter_client):
    draft = make_article(status=Article.Status.DRAFT, created_by=reporter)
    reporter_client.post(CHANGELIST_URL, action_post_data("publish", draft))
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert draft.published_at is None
    assert bulk_log_messages(draft) == []


def test_reporter_sends_their_draft_to_review_with_the_action(reporter, reporter_client):
    draft = make_article(status=Article.Status.DRAFT, created_by=reporter)
    reporter_client.post(CHANGELIST_URL, action_post_data("send_to_review", draft))
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW
    assert bulk_log_messages(draft) == ["Sent to review (bulk action)."]


# Editors: publication


@pytest.mark.parametrize("arabic", [False, True])
def test_editor_publishing_without_a_time_gets_the_current_time(editor_client, arabic):
    draft = make_article(status=Article.Status.DRAFT, arabic=arabic)
    credits = credits_of(draft)
    before = timezone.now()
    response = editor_client.post(
        change_url(draft), article_post_data(draft, status=Article.Status.PUBLISHED)
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert before <= draft.published_at <= timezone.now()
    assert draft.is_public
    assert credits_of(draft) == credits


def test_editor_publishing_with_a_future_time_schedules_the_article(editor_client):
    draft = make_article(status=Article.Status.DRAFT)
    future = timezone.localtime(timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
    data = article_post_data(
        draft,
        status=Article.Status.PUBLISHED,
        published_at_0=future.strftime("%Y-%m-%d"),
        published_at_1=future.strftime("%H:%M:%S"),
    )
    assert editor_client.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert draft.published_at == future
    assert not draft.is_public
    assert not Article.objects.published().exists()


@pytest.mark.parametrize(
    ("action", "start", "end", "verb"),
    [
        ("publish", Article.Status.DRAFT, Article.Status.PUBLISHED, "Published"),
        ("unpublish", Article.Status.PUBLISHED, Article.Status.DRAFT, "Unpublished"),
        ("withdraw", Article.Status.PUBLISHED, Article.Status.WITHDRAWN, "Withdrawn"),
    ],
)
def test_editor_bulk_action_changes_status_and_logs_each_article(
    editor_client, action, start, end, verb
):
    chosen = [make_article(status=start), make_article(status=start)]
    bystander = make_article(status=start)
    response = editor_client.post(CHANGELIST_URL, action_post_data(action, *chosen))
    assert response.status_code == 302
    for article in chosen:
        article.refresh_from_db()
        assert article.status == end
        assert bulk_log_messages(article) == [f"{verb} (bulk action)."]
    bystander.refresh_from_db()
    assert bystander.status == start
    assert bulk_log_messages(bystander) == []


def test_bulk_publish_fills_in_a_missing_time_and_keeps_a_given_one(editor_client):
    undated = make_article(status=Article.Status.DRAFT)
    dated = make_article(status=Article.Status.DRAFT, published_at=at("2020-03-09 12:00"))
    before = timezone.now()
    editor_client.post(CHANGELIST_URL, action_post_data("publish", undated, dated))
    undated.refresh_from_db()
    dated.refresh_from_db()
    assert before <= undated.published_at <= timezone.now()
    assert dated.published_at == at("2020-03-09 12:00")


# The change list


def make_listed_articles(count, start=0):
    places = ["erbil", "nineveh", "duhok-city", "mosul", "kirkuk"]
    for i in range(start, start + count):
        make_article(
            f"Listed story {i}",
            status=Article.Status.PUBLISHED if i % 3 else Article.Status.DRAFT,
            published_at=at(f"2020-03-{1 + i % 28:02d} 12:00") if i % 3 else None,
            regions=[places[i % 5], places[(i + 1) % 5]],
            bylines=[f"Writer {i % 4}", "Wire Agency"],
            tags=[f"Topic {i % 3}"],
            source="Kurdistan 24" if i % 2 else "Rudaw",
        )


def test_changelist_shows_bylines_and_regions_for_an_editor(editor_client):
    make_article(
        "Dam inspected", regions=["erbil", "mosul"], bylines=["Jane Reporter", "Wire Agency"]
    )
    response = editor_client.get(CHANGELIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jane Reporter, Wire Agency" in html
    assert "Erbil, Mosul" in html


def test_changelist_query_count_does_not_grow_with_the_number_of_rows(editor_client):
    make_listed_articles(3)
    editor_client.get(CHANGELIST_URL)  # warm caches (content types, session) first
    with CaptureQueriesContext(connection) as three:
        assert changelist_headlines(editor_client.get(CHANGELIST_URL)) == {
            f"Listed story {i}" for i in range(3)
        }
    make_listed_articles(9, start=3)
    with CaptureQueriesContext(connection) as twelve:
        assert len(changelist_headlines(editor_client.get(CHANGELIST_URL))) == 12
    assert len(twelve) == len(three), "\n".join(q["sql"] for q in twelve.captured_queries)


def test_changelist_reads_no_bodies(editor_client):
    make_listed_articles(3)
    with CaptureQueriesContext(connection) as queries:
        assert editor_client.get(CHANGELIST_URL).status_code == 200
    assert not [q for q in queries.captured_queries if '"articles_article"."body' in q["sql"]]


def test_change_form_reads_the_article_in_one_query(editor_client):
    article = make_article(body="The whole body.")
    with CaptureQueriesContext(connection) as queries:
        assert "The whole body." in editor_client.get(change_url(article)).content.decode()
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "articles_article" WHERE' in q["sql"] and '"articles_article"."body"' in q["sql"]
    ]
    assert len(reads) == 1, reads
    # The Translations panel reads the other language versions' headlines and status only.
    panel = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "articles_article" WHERE' in q["sql"] and q["sql"] not in reads
    ]
    assert len(panel) == 1, panel


def test_changelist_search_finds_an_article_by_a_word_in_its_body(editor_client):
    make_article("Harvest report", body="Farmers near Halabja picked pomegranates early.")
    make_article("Budget talks", body="Ministers met in Baghdad.")
    make_article("Draft harvest", status=Article.Status.DRAFT, body="More pomegranates.")
    response = editor_client.get(CHANGELIST_URL, {"q": "pomegranates"})
    assert changelist_headlines(response) == {"Harvest report", "Draft harvest"}


def test_region_filter_includes_articles_about_places_inside_the_region(editor_client):
    make_article("Erbil story", regions=["erbil-city"])
    make_article("Nineveh story", regions=["nineveh"])
    make_article("Basra story", regions=["basra"])
    kurdistan = editor_client.get(CHANGELIST_URL, {"region": "kurdistan-region"})
    assert changelist_headlines(kurdistan) == {"Erbil story"}
    iraq = editor_client.get(CHANGELIST_URL, {"region": "iraq"})
    assert changelist_headlines(iraq) == {"Erbil story", "Nineveh story", "Basra story"}
    nineveh = editor_client.get(CHANGELIST_URL, {"region": "nineveh"})
    assert changelist_headlines(nineveh) == {"Nineveh story"}


# Autocomplete


@pytest.mark.parametrize("user", ["reporter_client", "editor_client"])
def test_region_autocomplete_finds_erbil_for_staff(request, user):
    client = request.getfixturevalue(user)
    response = client.get(
        AUTOCOMPLETE_URL,
        {"app_label": "articles", "model_name": "article", "field_name": "regions", "term": "Erb"},
    )
    assert response.status_code == 200
    results = response.json()["results"]
    # Erbil and every place named after it (its citadel, its airport), and nothing else.
    assert {str(region(s).pk) for s in ("erbil", "erbil-city")} <= {r["id"] for r in results}
    assert {"Erbil (governorate)", "Erbil (city)"} <= {r["text"] for r in results}
    assert all(r["text"].startswith("Erbil") for r in results)


def autocomplete_fields_a_role_can_edit(role_permissions):
    """(model, field) for every autocomplete field on an admin form the role may open."""
    from django.contrib import admin as django_admin

    for model, model_admin in django_admin.site._registry.items():
        opts = model._meta
        may_open = {f"{opts.app_label}.add_{opts.model_name}"} | {
            f"{opts.app_label}.change_{opts.model_name}"
        }
        if not may_open & set(role_permissions):
            continue
        for field_name in model_admin.autocomplete_fields:
            yield model, field_name


@pytest.mark.parametrize("role", [REPORTER, EDITOR])
def test_every_autocomplete_on_a_form_a_role_may_open_answers_that_role(role):
    user = make_staff(f"someone-{role.lower()}", role)
    client = Client()
    client.force_login(user)
    fields = list(autocomplete_fields_a_role_can_edit(ROLE_PERMISSIONS[role]))
    assert fields  # both roles edit articles, whose form has several
    for model, field_name in fields:
        response = client.get(
            AUTOCOMPLETE_URL,
            {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
                "term": "",
            },
        )
        assert response.status_code == 200, (model.__name__, field_name)


def test_editor_finds_a_staff_account_for_an_editor_credit(editor_client, editor):
    response = editor_client.get(
        AUTOCOMPLETE_URL,
        {"app_label": "articles", "model_name": "editor", "field_name": "user", "term": "edi"},
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(editor.pk)]


def test_account_lookup_for_credits_opens_no_other_view_of_accounts(
    editor_client, reporter_client, editor
):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_user_change", args=[editor.pk])).status_code == 403
    # Reporters may not edit credits, so they may not look accounts up either.
    lookup = {"app_label": "articles", "model_name": "editor", "field_name": "user", "term": ""}
    assert reporter_client.get(AUTOCOMPLETE_URL, lookup).status_code == 403


def test_region_autocomplete_tells_same_named_places_apart(editor_client):
    response = editor_client.get(
        AUTOCOMPLETE_URL,
        {"app_label": "articles", "model_name": "article", "field_name": "regions", "term": "Erb"},
    )
    labels = [r["text"] for r in response.json()["results"]]
    erbils = [label for label in labels if label.startswith("Erbil (")]  # not its citadel
    assert len(erbils) == 2
    assert len(set(erbils)) == 2


# "View on site"


def test_view_on_site_links_a_published_article_to_its_public_page(editor_client):
    article = make_article("Published story", published_at=at("2020-03-09 12:00"))
    response = editor_client.get(change_url(article))
    assert response.status_code == 200
    public_url = f"/articles/2020/03/09/{article.slug}/"
    assert response.context["absolute_url"] == public_url
    assert f'href="{public_url}" class="viewsitelink"' in response.content.decode()


def test_view_on_site_for_an_undated_draft_is_the_staff_preview_not_a_public_page(editor_client):
    # By design (ArticleAdmin.view_on_site): staff see unpublished work at a preview URL.
    draft = make_article(status=Article.Status.DRAFT)
    assert draft.get_absolute_url() is None
    response = editor_client.get(change_url(draft))
    assert response.status_code == 200
    assert response.context["absolute_url"] == draft.get_preview_url()
    preview = editor_client.get(draft.get_preview_url())
    assert preview.status_code == 200
    assert "Preview: not published." in preview.content.decode()


# Corrections


def test_editor_adds_a_correction_in_the_article_form(editor_client):
    article = make_article(published_at=at("2020-03-09 12:00"))
    earlier = list(article.corrections.values_list("text", flat=True))
    assert earlier  # noted two hours after publication
    data = article_post_data(article)  # the notes it has, as the form shows them
    new = len(earlier)
    data.update(
        {
            **management_form("corrections", initial=new, total=new + 1),
            f"corrections-{new}-kind": "correction",
            f"corrections-{new}-noted_at_0": "2020-03-10",
            f"corrections-{new}-noted_at_1": "09:00:00",
            f"corrections-{new}-text": "An earlier version misspelt Makhmour.",
            f"corrections-{new}-id": "",
            f"corrections-{new}-article": str(article.pk),
        }
    )
    assert editor_client.post(change_url(article), data).status_code == 302
    texts = Correction.objects.filter(article=article).values_list("text", flat=True)
    assert list(texts) == [*earlier, "An earlier version misspelt Makhmour."]


# The change list at the archive's size: capped count, dates from the index, tag filter


@pytest.fixture
def cap_of_three(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)


def test_changelist_beyond_the_cap_says_more_than_the_cap(editor_client, cap_of_three):
    make_listed_articles(5)
    response = editor_client.get(CHANGELIST_URL)
    html = response.content.decode()
    assert response.context["cl"].result_count == 3
    assert "More than 3 articles" in html
    assert "Select all matching articles (more than 3)" in html


def test_changelist_within_the_cap_gives_the_exact_count(editor_client, cap_of_three):
    make_listed_articles(3)
    response = editor_client.get(CHANGELIST_URL)
    assert response.context["cl"].result_count == 3
    assert "More than" not in response.content.decode()
    assert ">3 articles" in response.content.decode().replace("\n", "")


def test_changelist_counts_with_a_limit_and_lists_years_without_distinct(
    editor_client, cap_of_three
):
    make_article(published_at=at("2020-05-01 12:00"), regions=["erbil"])
    for year in (2016, 2018, 2020):
        make_article(published_at=at(f"{year}-03-09 12:00"), regions=["erbil"])
    with CaptureQueriesContext(connection) as queries:
        html = editor_client.get(CHANGELIST_URL, {"region": "iraq"}).content.decode()
    assert [year for year in range(2015, 2022) if f"published_at__year={year}" in html] == [
        2016,
        2018,
        2020,
    ]
    statements = [q["sql"] for q in queries.captured_queries]
    counts = [sql for sql in statements if "COUNT(" in sql and "articles_article" in sql]
    assert counts and all("LIMIT" in sql for sql in counts), counts
    assert not [sql for sql in statements if "DISTINCT" in sql or "MIN(" in sql]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"region": "kurdistan-region"},
        {"published_at__year": "2020"},
        {"published_at__year": "2020", "published_at__month": "3"},
        {"published_at__year": "2020", "published_at__month": "4"},
        {"published_at__year": "2021", "published_at__month": "1", "published_at__day": "1"},
    ],
)
def test_date_hierarchy_from_the_index_offers_what_django_would(editor_client, params):
    from django.contrib.admin.templatetags.admin_list import date_hierarchy

    from articles.templatetags.article_admin import date_hierarchy_from_index

    for when, place in [
        ("2018-06-01 12:00", "basra"),
        ("2020-03-09 12:00", "erbil"),
        ("2020-03-31 23:30", "erbil"),
        ("2020-04-01 00:30", "duhok-city"),  # the night before in UTC: April here
        ("2020-12-31 23:59", "erbil"),
        ("2021-01-01 00:01", "mosul"),
    ]:
        make_article(published_at=at(when), regions=[place])
    make_article(status=Article.Status.DRAFT, published_at=None)  # undated: not a date
    changelist = editor_client.get(CHANGELIST_URL, params).context["cl"]
    ours = date_hierarchy_from_index(changelist)
    assert ours == date_hierarchy(changelist)
    assert ours["choices"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"published_at__year": "2020"},
        {"published_at__year": "2020", "published_at__month": "3"},
    ],
)
def test_date_hierarchy_of_a_capped_list_from_the_index_offers_what_django_would(
    editor_client, cap_of_three, params
):
    from django.contrib.admin.templatetags.admin_list import date_hierarchy

    from articles.admin_list import WithDatesFromTheIndex
    from articles.templatetags.article_admin import date_hierarchy_from_index

    for when in ["2018-06-01 12:00", "2020-03-01 08:00", "2020-03-09 12:00",
                 "2020-03-20 12:00", "2020-03-31 23:30", "2020-04-01 00:30",
                 "2020-12-31 23:59", "2021-01-01 00:01"]:  # fmt: skip
        make_article(published_at=at(when))
    changelist = editor_client.get(CHANGELIST_URL, params).context["cl"]
    assert changelist.paginator.is_capped
    assert date_hierarchy(WithDatesFromTheIndex(changelist)) == date_hierarchy(changelist)
    assert date_hierarchy_from_index(changelist) == date_hierarchy(changelist)


def test_date_hierarchy_from_the_index_on_an_empty_list_offers_nothing(editor_client):
    from articles.templatetags.article_admin import date_hierarchy_from_index

    changelist = editor_client.get(CHANGELIST_URL).context["cl"]
    assert date_hierarchy_from_index(changelist)["choices"] == []


def test_tag_filter_lists_each_tagged_article_once(editor_client):
    make_article("Both tags", tags=["Oil", "Economy"])
    make_article("Oil only", tags=["Oil"])
    make_article("Untagged")
    response = editor_client.get(CHANGELIST_URL, {"tag": "oil"})
    assert changelist_headlines(response) == {"Oil only", "Both tags"}
    assert response.context["cl"].result_count == 2


def test_tag_filter_with_an_unknown_tag_lists_nothing(editor_client):
    make_article("Oil only", tags=["Oil"])
    response = editor_client.get(CHANGELIST_URL, {"tag": "no-such-tag"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    # A NUL never reaches the filter: any query string holding one is a 400
    # (articles/request_guard.py, tests/test_request_guard.py).
    assert editor_client.get(CHANGELIST_URL, {"tag": "no-such-tag\x00"}).status_code == 400


# Bulk actions are bounded


@pytest.fixture
def bulk_limit_of_two(monkeypatch):
    from articles import admin as article_admin

    monkeypatch.setattr(article_admin, "BULK_ACTION_LIMIT", 2)


def select_all(action):
    return {"action": action, "select_across": "1", "index": "0", "_selected_action": ["0"]}


def test_a_bulk_action_over_more_than_the_limit_changes_nothing_and_says_why(
    editor_client, bulk_limit_of_two
):
    drafts = [make_article(status=Article.Status.DRAFT) for _ in range(3)]
    response = editor_client.post(CHANGELIST_URL, select_all("publish"), follow=True)
    assert "at most 2 articles at once; nothing was changed" in response.content.decode()
    assert {a.status for a in Article.objects.filter(pk__in=[d.pk for d in drafts])} == {
        Article.Status.DRAFT
    }


def test_a_bulk_action_within_the_limit_runs(editor_client, bulk_limit_of_two):
    drafts = [make_article(status=Article.Status.DRAFT) for _ in range(2)]
    editor_client.post(CHANGELIST_URL, select_all("publish"), follow=True)
    assert {a.status for a in Article.objects.filter(pk__in=[d.pk for d in drafts])} == {
        Article.Status.PUBLISHED
    }


def test_deleting_more_than_the_limit_is_refused(editor_client, bulk_limit_of_two):
    for _ in range(3):
        make_article()
    response = editor_client.post(
        CHANGELIST_URL, {**select_all("delete_selected"), "post": "yes"}, follow=True
    )
    assert "at most 2 articles at once" in response.content.decode()
    assert Article.objects.count() == 3


def test_deleting_within_the_limit_asks_for_confirmation(editor_client, bulk_limit_of_two):
    make_article("Delete me")
    response = editor_client.post(CHANGELIST_URL, select_all("delete_selected"))
    assert response.status_code == 200
    assert "Are you sure" in response.content.decode()


def test_search_beyond_the_cap_says_more_than_the_cap(editor_client, cap_of_three):
    for n in range(5):
        make_article(f"Pomegranate harvest {n}", body="Pomegranates ripened early.")
    html = editor_client.get(CHANGELIST_URL, {"q": "pomegranates"}).content.decode()
    assert "More than 3 results" in html
    assert "3 results (" not in html.replace("More than 3 results (", "")

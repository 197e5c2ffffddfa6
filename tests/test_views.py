import datetime
import io
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Correction
from tests.factories import ARABIC_HEADLINE, at, make_article

pytestmark = pytest.mark.django_db

SEED_URL = (
    "/articles/2020/03/09/"
    "two-us-soldiers-die-in-iraqi-security-operation-that-kills-25-isis-members/"
)


@pytest.fixture
def seed(db):
    # The English story alone; its translations (seeds/*_ckb.txt, ...) are editions' own.
    call_command("import_seeds", str(settings.BASE_DIR / "seeds" / "000_0184bfcb9f559c28.txt"),
                 stdout=io.StringIO())  # fmt: skip
    return Article.objects.get()


def headlines(response):
    return [a.headline for a in response.context["object_list"]]


def test_seed_article_page_shows_everything_a_reader_needs(client, seed):
    response = client.get(SEED_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "<h1>Two US soldiers die in Iraqi security operation that kills 25 ISIS members</h1>"
        in html
    )
    assert "ERBIL</a> (Kurdistan 24) –" in html
    assert "Editing by Laurie Mylroie" in html
    assert 'datetime="2020-03-09T13:00:00+03:00"' in html
    assert 'href="/bylines/kurdistan-24/"' in html
    assert 'href="/tags/isis/"' in html
    assert 'href="/regions/nineveh/"' in html
    summary = "Iraq&#x27;s Military Communications Center (MCC) announced on Monday"
    standfirst, body = html.split('<div class="body">')
    assert summary in standfirst
    assert summary not in body


def test_seed_is_listed_by_its_regions_and_not_by_others(client, seed):
    assert headlines(client.get("/articles/?region=iraq")) == [seed.headline]
    assert headlines(client.get("/articles/?region=nineveh")) == [seed.headline]
    assert headlines(client.get("/articles/?region=duhok")) == []


def test_home_lists_latest_published_first(client):
    older = make_article("Older", published_at=at("2021-01-01 10:00"))
    newer = make_article("Newer", published_at=at("2021-01-02 10:00"))
    response = client.get("/")
    assert response.status_code == 200
    assert headlines(response) == [newer.headline, older.headline]


def test_archive_list_shows_how_many_match(client):
    # The English edition's list: its articles are in English.
    for _ in range(3):
        make_article(regions=["duhok"], language="en")
    make_article(regions=["baghdad"], language="en")
    response = client.get("/articles/?region=kurdistan-region")
    assert "3 articles match." in response.content.decode()


def test_archive_list_paginates(client):
    for _ in range(settings.ARTICLES_PER_PAGE + 1):
        make_article(language="en")  # the English edition's list
    first = client.get("/articles/")
    second = client.get("/articles/?page=2")
    assert len(first.context["object_list"]) == settings.ARTICLES_PER_PAGE
    assert len(second.context["object_list"]) == 1
    assert 'rel="next" href="?page=2"' in first.content.decode()


def test_pagination_links_keep_the_filters(client):
    for _ in range(settings.ARTICLES_PER_PAGE + 1):
        make_article(regions=["duhok"], language="en")  # the English edition's list
    response = client.get("/articles/?region=duhok")
    assert 'href="?region=duhok&amp;page=2"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date=2020-13-45", "Enter a real date as YYYY-MM-DD"),
        ("region=nowhere", "There is no region “nowhere” in the gazetteer."),
        ("from=2020-03-10&to=2020-03-01", "after it ends"),
        ("tag=%3Cscript%3E", "There is no tag “&lt;script&gt;”."),
    ],
)
def test_bad_filter_values_get_a_400_with_a_clear_message(client, query, message):
    make_article()
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert headlines(response) == []


@pytest.mark.parametrize("page", ["abc", "99999", "0", "-1", "1e9999"])
def test_bad_page_numbers_are_a_404_not_a_500(client, page):
    make_article()
    assert client.get(f"/articles/?page={page}").status_code == 404


def test_search_terms_are_escaped_when_echoed(client):
    make_article()
    response = client.get("/articles/?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


def test_date_archives_list_articles_of_their_newsroom_day_month_and_year(client):
    late = make_article("Late", published_at=at("2020-03-10 00:30"))
    make_article("March ninth", published_at=at("2020-03-09 12:00"))
    make_article("April", published_at=at("2020-04-02 12:00"))
    assert headlines(client.get("/articles/2020/03/10/")) == [late.headline]
    assert set(headlines(client.get("/articles/2020/03/"))) == {"Late", "March ninth"}
    assert set(headlines(client.get("/articles/2020/"))) == {"Late", "March ninth", "April"}


def test_date_archive_links_to_neighbouring_periods_with_articles(client):
    # Both in the English edition, whose archive this is.
    make_article(published_at=at("2019-05-01 12:00"), language="en")
    make_article(published_at=at("2020-03-09 12:00"), language="en")
    html = client.get("/articles/2020/03/").content.decode()
    assert 'href="/articles/2019/05/"' in html


@pytest.mark.parametrize("url", ["/articles/2020/", "/articles/2020/03/", "/articles/2020/03/09/"])
def test_date_archives_read_no_article_bodies(client, url):
    # All in the English edition, whose archives these are.
    make_article(published_at=at("2019-05-01 12:00"), body="The whole body.", language="en")
    make_article(published_at=at("2020-03-09 12:00"), body="The whole body.", language="en")
    make_article(published_at=at("2021-07-01 12:00"), body="The whole body.", language="en")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [
        q["sql"] for q in queries.captured_queries if '"articles_article"."body' in q["sql"]
    ]


@pytest.mark.parametrize(
    "url",
    ["/articles/1999/", "/articles/2020/13/", "/articles/2020/02/30/", "/articles/9999/",
     "/articles/0000/", "/articles/2020/03/09/no-such-story/"],
)  # fmt: skip
def test_impossible_or_empty_dates_are_a_404(client, url):
    make_article(published_at=at("2020-03-09 12:00"))
    assert client.get(url).status_code == 404


def test_article_under_the_wrong_date_is_a_404(client):
    article = make_article(slug="story", published_at=at("2020-03-09 12:00"))
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/articles/2020/03/08/story/").status_code == 404


def test_region_page_lists_articles_about_places_inside_it(client):
    make_article("Makhmour story", regions=["makhmour"])
    make_article("Duhok story", regions=["duhok"])
    response = client.get("/regions/nineveh/")
    assert response.status_code == 200
    assert headlines(response) == ["Makhmour story"]
    assert 'href="/regions/makhmour/"' in response.content.decode()
    assert 'href="/regions/iraq/"' in response.content.decode()


def test_tag_and_byline_pages_list_their_articles(client):
    make_article("Tagged", tags=["Floods"], bylines=["Rebin Fatah"])
    make_article("Other")  # by Jane Reporter and Kurdistan 24, tagged ISIS and Security
    assert headlines(client.get("/tags/floods/")) == ["Tagged"]
    assert headlines(client.get("/bylines/rebin-fatah/")) == ["Tagged"]
    assert headlines(client.get("/bylines/jane-reporter/")) == ["Other"]


def test_unknown_region_tag_and_byline_are_a_404(client):
    for url in ("/regions/atlantis/", "/tags/nothing/", "/bylines/nobody/"):
        assert client.get(url).status_code == 404


UNPUBLISHED = [
    {"status": Article.Status.DRAFT},
    {"status": Article.Status.REVIEW},
    {"status": Article.Status.WITHDRAWN, "published_at": at("2020-03-09 12:00")},
    {"published_at": timezone.now() + datetime.timedelta(days=1)},
]


@pytest.mark.parametrize("state", UNPUBLISHED, ids=["draft", "review", "withdrawn", "scheduled"])
def test_unpublished_articles_never_reach_the_public(client, state):
    make_article("Public story", regions=["duhok"], tags=["Open"], bylines=["Open Writer"])
    hidden = make_article(
        "Secret story", slug="secret-story", regions=["duhok"], tags=["Hidden"],
        bylines=["Hidden Writer"], published_at=state.get("published_at", at("2020-03-09 12:00")),
        status=state.get("status", Article.Status.PUBLISHED),
    )  # fmt: skip
    if hidden.published_at:
        local = timezone.localtime(hidden.published_at)
        url = f"/articles/{local:%Y/%m/%d}/secret-story/"
        assert client.get(url).status_code == 404
        assert client.get(f"/articles/{local:%Y/%m/%d}/").status_code == 404
    assert client.get("/tags/hidden/").status_code == 404
    assert client.get("/bylines/hidden-writer/").status_code == 404
    for url in ("/", "/articles/", "/articles/?region=duhok", "/articles/?q=story",
                "/regions/duhok/", "/tags/", "/bylines/"):  # fmt: skip
        response = client.get(url)
        html = response.content.decode()
        assert "Secret" not in html and "Hidden" not in html, url
    assert "1 article matches." in client.get("/articles/?region=duhok").content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/", "/articles/", "/articles/?region=iraq", "/regions/iraq/", "/tags/isis/"]
)
def test_list_queries_do_not_grow_with_the_number_of_rows(client, url):
    def add(n):
        for _ in range(n):
            make_article(regions=["makhmour", "duhok"], tags=["ISIS"], bylines=["A", "B"])

    def cold_count():
        # Cold each time: which cached parts survive a change is not what is measured.
        for cache in caches.all():
            cache.clear()
        return count_queries(client, url)

    add(2)
    few = cold_count()
    add(10)
    assert cold_count() == few


@pytest.mark.parametrize(
    "url, previous",
    [("/articles/2020/", "previous_year"), ("/articles/2020/03/", "previous_month"),
     ("/articles/2020/03/09/", "previous_day")],
)  # fmt: skip
def test_a_date_archive_seen_again_costs_at_most_six_queries(
    client, url, previous, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE = False  # rendered again, from the cached counts and neighbours
    # All in the English edition, whose archives these are.
    make_article(published_at=at("2019-05-01 12:00"), language="en")
    make_article(published_at=at("2021-01-01 12:00"), language="en")
    for hour in range(settings.ARTICLES_PER_PAGE + 5):
        make_article(
            regions=["duhok"], tags=["Floods"], bylines=["A", "B"], language="en",
            published_at=at("2020-03-09 00:00") + datetime.timedelta(minutes=hour),
        )  # fmt: skip
    client.get(url)  # whether it has articles, its neighbours and its count are now cached
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert len(response.context["object_list"]) == settings.ARTICLES_PER_PAGE
    assert response.context[previous].year == 2019


def test_article_page_query_count_is_constant(client):
    article = make_article(regions=["makhmour"], tags=["ISIS"], bylines=["A"], editors=["E"])
    for _ in range(5):
        make_article(regions=["makhmour"], tags=["ISIS"])
    few = count_queries(client, article.get_absolute_url())
    for _ in range(10):
        make_article(regions=["makhmour"], tags=["ISIS"])
    assert count_queries(client, article.get_absolute_url()) == few


def test_static_css_is_linked(client):
    assert re.search(r'href="/static/css/site[^"]*\.css"', client.get("/").content.decode())


def test_imported_seed_is_not_shown_as_updated_on_the_day_of_import(client, seed):
    assert "Updated" not in client.get(SEED_URL).content.decode()


def test_an_edit_after_publication_shows_the_updated_time(client):
    article = make_article(published_at=at("2020-03-09 12:00"))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Updated" in html


def test_filter_form_labels_every_field(client):
    html = client.get("/articles/").content.decode()
    for field, label in [("q", "Search"), ("region", "Region"), ("tag", "Tag"),
                         ("byline", "Byline"), ("date", "On the day"), ("from", "From"),
                         ("to", "To")]:  # fmt: skip
        assert f'<label for="id_{field}">{label}</label>' in html
    assert "invalid name" not in html


def test_article_page_has_canonical_opengraph_and_news_article_json_ld(client):
    import json

    article = make_article(
        "Dam repairs", summary="Work starts.", regions=["mosul"], tags=["Water"],
        bylines=["Kurdistan 24"], editors=["Laurie Mylroie"], published_at=at("2021-05-01 09:00"),
    )  # fmt: skip
    html = client.get(article.get_absolute_url()).content.decode()
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta property="og:title" content="Dam repairs">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    payload = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    data = json.loads(payload.group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Dam repairs"
    assert data["description"] == "Work starts."
    assert data["datePublished"] == "2021-05-01T06:00:00+00:00"
    assert data["author"][0]["name"] == "Kurdistan 24"
    assert data["editor"] == [{"@type": "Person", "name": "Laurie Mylroie"}]
    assert data["publisher"]["name"]
    assert data["contentLocation"][0]["name"] == "Mosul"
    assert data["keywords"] == ["Water"]


def test_json_ld_cannot_break_out_of_its_script_block(client):
    article = make_article("</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html


def test_public_pages_answer_conditional_requests_with_304(client):
    article = make_article()
    first = client.get(article.get_absolute_url())
    assert "public" in first["Cache-Control"]
    assert first.has_header("ETag")
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    listing = client.get("/articles/")
    assert client.get("/articles/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/sitemap-articles.xml"])
def test_unpublishing_the_newest_article_is_never_answered_with_304(client, url):
    # A Last-Modified taken from the newest item goes backwards when that item is
    # unpublished; a reader revalidating with If-Modified-Since would keep it.
    make_article("Older", published_at=at("2021-01-01 10:00"))
    newest = make_article("Newest", published_at=at("2021-01-02 10:00"))
    first = client.get(url)
    assert not first.has_header("Last-Modified")
    Article.objects.filter(pk=newest.pk).update(status=Article.Status.WITHDRAWN)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert "Newest" not in again.content.decode()
    assert "newest" not in again.content.decode()


def test_staff_pages_are_not_cached_publicly(editor_client):
    response = editor_client.get("/")
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url",
    ["/articles/9999/12/31/", "/articles/9999/", "/articles/0001/", "/articles/0001/01/01/x/"],
)
def test_years_outside_1900_to_2999_are_a_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query", ["-" * 40, "!!! ((( ---", '""""', "-or -or -or"])
def test_operator_only_searches_are_answered_not_a_server_error(client, query):
    make_article()
    for url in ("/articles/", "/articles/export.json"):
        response = client.get(url, {"q": query})
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)


def test_a_tag_first_published_after_start_up_gets_its_page_and_feed(client):
    import time_machine

    make_article(
        "Later", tags=["Brand new"], published_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert client.get("/tags/brand-new/").status_code == 404
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert client.get("/tags/brand-new/").status_code == 200
        assert client.get("/tags/brand-new/feed/").status_code == 200


def test_pages_stop_at_the_page_limit_and_say_how_to_go_further(client, monkeypatch):
    monkeypatch.setattr("articles.views.MAX_PAGES", 1)
    for _ in range(settings.ARTICLES_PER_PAGE + 1):
        make_article(language="en")  # the English edition's list
    first = client.get("/articles/")
    assert first.context["result_count"] == settings.ARTICLES_PER_PAGE + 1
    assert "Pages stop at 1: narrow the dates to go further back." in first.content.decode()
    assert client.get("/articles/?page=2").status_code == 404


@pytest.mark.parametrize(
    "query", ["", "region=kurdistan-region", "tag=floods&byline=jane-reporter", "q=dam&tag=floods"]
)
def test_a_further_page_of_a_counted_result_costs_at_most_six_queries(
    client, query, django_assert_max_num_queries
):
    # A search's page also reads its results' texts, then their passages around the words
    # (one query per language among them: articles.search.attach_snippets), beyond the six.
    budget = 8 if "q=" in query and connection.vendor == "postgresql" else 7 if "q=" in query else 6
    for _ in range(settings.ARTICLES_PER_PAGE + 5):
        make_article(
            regions=["duhok"],
            tags=["Floods"],
            bylines=["Jane Reporter"],
            body="A dam.",
            language="en",  # the English edition's list
        )
    client.get(f"/articles/?{query}")  # counts and facets for this result are now cached
    with django_assert_max_num_queries(budget):
        response = client.get(f"/articles/?{query}&page=2")
    assert len(response.context["object_list"]) == 5


# --- who may read unpublished work: staff who may view articles, no one else ----------------


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def unpublished():
    """Unpublished work at every kind of address: an undated draft (preview URL only), a
    dated draft, an article in review and a scheduled one (at their future public URL)."""
    with time_machine.travel(at("2020-03-10 12:00"), tick=False):
        yield [
            make_article("Undated draft", status=Article.Status.DRAFT),
            make_article(
                "Dated draft", status=Article.Status.DRAFT, published_at=at("2020-03-08 09:00")
            ),
            make_article(
                "Story in review", status=Article.Status.REVIEW, published_at=at("2020-03-09 09:00")
            ),
            make_article(ARABIC_HEADLINE, published_at=at("2020-03-12 09:00")),
        ]


def addresses(article):
    return [article.get_preview_url()] + ([article.get_absolute_url()] * bool(article.published_at))


def test_staff_without_permission_to_view_articles_get_the_publics_404(client, unpublished):
    bare_staff = logged_in(User.objects.create_user("bare", is_staff=True))
    with time_machine.travel(at("2020-03-10 12:00"), tick=False):
        for article in unpublished:
            for url in addresses(article):
                public = client.get(url)
                staff = bare_staff.get(url)
                assert (public.status_code, staff.status_code) == (404, 404), url
                assert staff.content == public.content, url  # nothing tells them apart
                assert article.headline.encode() not in staff.content


PREVIEW_BANNER = {"en": "Preview: not published.", "ar": "معاينة: غير منشور."}


def test_staff_who_may_view_articles_preview_unpublished_work(
    reporter_client, editor_client, unpublished
):
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    admin = User.objects.create_superuser("boss", password="a-long-test-password")
    with time_machine.travel(at("2020-03-10 12:00"), tick=False):
        for client in (reporter_client, editor_client, logged_in(viewer), logged_in(admin)):
            for article in unpublished:
                for url in addresses(article):
                    response = client.get(url)
                    assert response.status_code == 200, url
                    # The banner is in the page's language: the preview address is
                    # English, the public address the article's edition (/ar/...).
                    banner = PREVIEW_BANNER[response["Content-Language"]]
                    assert banner in response.content.decode(), url
                    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_account_that_may_view_articles_but_is_not_staff_gets_the_404(unpublished):
    not_staff = User.objects.create_user("notstaff")
    not_staff.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = logged_in(not_staff)
    with time_machine.travel(at("2020-03-10 12:00"), tick=False):
        for article in unpublished:
            for url in addresses(article):
                assert client.get(url).status_code == 404, url


def test_staff_without_permission_still_read_published_articles(client):
    article = make_article("Live story", published_at=at("2020-03-09 13:00"))
    bare_staff = logged_in(User.objects.create_user("bare", is_staff=True))
    response = bare_staff.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Preview" not in response.content.decode()


# --- articles stored with a date outside 1900-2999 (before that rule) -----------------------

UTC = datetime.UTC
STORED = [
    datetime.datetime(1, 1, 1, 0, 30, tzinfo=UTC),  # 03:30 in Baghdad: still year 1
    datetime.datetime(1899, 12, 31, 20, 0, tzinfo=UTC),
    datetime.datetime(3000, 1, 1, 9, 0, tzinfo=UTC),
    datetime.datetime(9999, 12, 31, 23, 0, tzinfo=UTC),  # year 10000 in Baghdad
]
PUBLIC_URLS = [
    "/",
    "/articles/",
    "/articles/?q=district",
    "/articles/export.csv",
    "/articles/export.json",
    "/articles/2020/",
    "/articles/2020/03/",
    "/articles/2020/03/09/",
    "/articles/2999/",
    "/feed/",
    "/feed/atom/",
    "/tags/isis/",
    "/tags/isis/feed/",
    "/regions/nineveh/",
    "/bylines/jane-reporter/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/news-sitemap.xml",
]


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("moment", STORED, ids=lambda m: str(m.year))
def test_public_pages_leave_out_an_article_stored_with_a_date_out_of_range(
    client, editor_client, moment
):
    live = make_article("Live story", published_at=at("2020-03-09 13:00"))
    stored = make_article("Dated out of range", published_at=at("2020-03-09 10:00"))
    Article.objects.filter(pk=stored.pk).update(published_at=moment, updated_at=moment)
    for url in PUBLIC_URLS:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "Dated out of range" not in body_of(response), url
    assert "Live story" in client.get("/articles/").content.decode()
    assert client.get(live.get_absolute_url()).status_code == 200
    # Its preview (the admin's "View on site") opens for staff and says what is wrong.
    assert client.get(stored.get_preview_url()).status_code == 404
    preview = editor_client.get(stored.get_preview_url())
    assert preview.status_code == 200
    assert "is outside the years 1900 to 2999" in preview.content.decode()


def test_an_article_page_reads_no_other_articles_text_and_a_constant_few_queries(
    client, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    article = make_article(regions=["makhmour"], tags=["ISIS"], language="en")
    for day in range(1, 8):
        make_article(regions=["makhmour"], tags=["ISIS"], language="en",
                     published_at=article.published_at - datetime.timedelta(days=day))  # fmt: skip
    make_article(translation_of=article, language="ckb", arabic=True)
    # The article, its bylines, places, tags, editors and notes; the related articles;
    # the other languages' versions (read once, for the switch and the structured data).
    with django_assert_max_num_queries(8) as queries:
        response = client.get(article.get_absolute_url())
    assert len(response.context["related_articles"]) == 5
    assert response.context["translations"]
    others = [q["sql"] for q in queries.captured_queries if "articles_article" in q["sql"]][1:]
    assert others
    for sql in others:
        assert '"body"' not in sql and "search_vector" not in sql, sql


def test_an_article_without_notes_or_translations_reads_neither(
    client, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    article = make_article(regions=["makhmour"], tags=["ISIS"], language="en", corrections=[])
    for day in range(1, 3):
        make_article(regions=["makhmour"], language="en",
                     published_at=article.published_at - datetime.timedelta(days=day))  # fmt: skip
    # The article (which says whether it has notes or translations), its bylines, places,
    # tags and editors; the related articles, from a bounded window of the date index.
    with django_assert_max_num_queries(6) as queries:
        response = client.get(article.get_absolute_url())
    page = body_of(response)
    assert len(response.context["related_articles"]) == 2
    assert not response.context["translations"] and "corrections-heading" not in page
    related = [q["sql"] for q in queries.captured_queries if "shared" in q["sql"]]
    assert len(related) == 1 and related[0].count("LIMIT") == 3, related

    # A note or a translation added is read and shown.
    make_article(translation_of=article, language="ckb", arabic=True)
    Correction.objects.create(article=article, text="A figure was wrong.")
    page = body_of(client.get(article.get_absolute_url()))
    assert "corrections-heading" in page and "A figure was wrong." in page
    assert "translations-heading" in page


def test_date_archive_neighbours_skip_empty_unpublished_and_future_periods(client):
    for when, status in [("2019-05-31 23:30", "published"), ("2019-12-01 12:00", "draft"),
                         ("2020-03-09 12:00", "published"), ("2020-03-10 08:00", "published"),
                         ("2020-07-01 00:10", "published")]:  # fmt: skip
        make_article(published_at=at(when), status=status, language="en")
    make_article(published_at=timezone.now() + datetime.timedelta(days=40), language="en")
    month = client.get("/articles/2020/03/").context
    assert (month["previous_month"], month["next_month"]) == (
        datetime.date(2019, 5, 1),  # the newsroom's 31 May, whatever UTC says
        datetime.date(2020, 7, 1),
    )
    day = client.get("/articles/2020/03/09/").context
    assert (day["previous_day"], day["next_day"]) == (
        datetime.date(2019, 5, 31),
        datetime.date(2020, 3, 10),
    )
    year = client.get("/articles/2020/").context
    assert (year["previous_year"], year["next_year"]) == (datetime.date(2019, 1, 1), None)
    assert year["result_count"] == 3 and month["result_count"] == 2


@pytest.mark.parametrize("url", ["/articles/2020/", "/articles/2020/03/"])
def test_a_first_render_of_a_month_or_year_counts_its_dates_and_articles_at_once(
    client, url, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    for day in (1, 9, 9, 20):
        make_article(published_at=at(f"2020-03-{day:02d} 12:00"), language="en")
    make_article(published_at=at("2019-05-01 12:00"), language="en")
    # The archive version; the days (or months) with their counts, which also say that
    # the period has articles; the two neighbours; the page and its credits.
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.context["result_count"] == 4
    assert response.context["paginator"].count == 4


def test_a_first_render_of_a_day_asks_its_count_whether_it_has_articles(
    client, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    for hour in (8, 9, 12):
        make_article(published_at=at(f"2020-03-09 {hour:02d}:00"), language="en")
    make_article(published_at=at("2019-05-01 12:00"), language="en")
    # The archive version; the day's count (the months that are over, and the rest),
    # which also says that it has articles; four neighbours (day and month); the page
    # and its credits. No separate "has it any?" query.
    with django_assert_max_num_queries(11) as queries:
        response = client.get("/articles/2020/03/09/")
    assert response.context["result_count"] == 3
    assert not [q for q in queries.captured_queries if q["sql"].startswith("SELECT 1 AS")]
    assert client.get("/articles/2020/03/10/").status_code == 404


def test_a_deep_page_lists_the_same_articles_read_by_their_ids(client, monkeypatch):
    from articles import views

    monkeypatch.setattr(views, "DEFERRED_OFFSET", 4)
    monkeypatch.setattr(views.ArticleListView, "paginate_by", 2)
    start = at("2020-03-09 00:00")
    for hour in range(9):
        when = start + datetime.timedelta(hours=hour)
        make_article(f"Story {hour}", regions=["duhok"], language="en", published_at=when)
    make_article("Elsewhere", regions=["baghdad"], language="en")
    newest_first = [f"Story {hour}" for hour in range(8, -1, -1)]
    for page in range(1, 6):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/articles/?region=duhok&page={page}")
        assert headlines(response) == newest_first[(page - 1) * 2 : page * 2]
        # The page's own rows: chosen by ids from a subquery from the third page on.
        rows = [
            q["sql"]
            for q in queries.captured_queries
            if '"articles_article"."headline"' in q["sql"]
        ]
        by_ids = [sql for sql in rows if "IN (SELECT" in sql]
        assert bool(by_ids) == (page >= 3), page

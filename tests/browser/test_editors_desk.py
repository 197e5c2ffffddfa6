"""The editors' desk in a real browser, on articles as the newsroom publishes them (two
ordered bylines, an editor, tags, places, a correction, a history): two editors saving
the same story, History → Changes, Restore of a published story's old version, and a
reporter probing other articles' revision URLs."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from reversion.models import Version

from articles.models import Article, ArticleByline, Correction
from articles.roles import EDITOR, REPORTER
from tests.browser.conftest import log_in
from tests.factories import make_byline, make_staff, make_story

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shoot(page, name):
    """Refresh the README's screenshots when asked: NEWSROOM_SCREENSHOTS=1."""
    if not os.environ.get("NEWSROOM_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def desk(browser, live_server):
    """Log a member of staff in, in a browser context of their own: `desk("amira")`."""
    contexts = []

    def open_desk(username):
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, base_url=live_server.url
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        log_in(page, live_server.url, username)
        return page

    yield open_desk
    for context in contexts:
        context.close()


def change_path(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def revision_path(article_pk, version_pk):
    return reverse("admin:articles_article_revision", args=[article_pk, version_pk])


def press(page, button="Save"):
    """Press a submit button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def fresh(article):
    return Article.objects.get(pk=article.pk)


def byline_names(article):
    return [b.name for b in fresh(article).ordered_bylines]


def choose(page, widget, search, option):
    """Pick `option` in an admin autocomplete (select2) widget, typing `search`."""
    widget.click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()


# 1. Two editors, one story


def test_two_editors_saving_one_story_keep_both_edits_then_choose_on_a_real_conflict(
    desk, tmp_path
):
    story = make_story()
    make_staff("amira", EDITOR)
    make_staff("bahoz", EDITOR)
    a, b = desk("amira"), desk("bahoz")
    a.goto(change_path(story))
    b.goto(change_path(story))

    # Different fields: both kept, and B is told so.
    a_body = story.body.replace("on Tuesday", "on Tuesday morning")
    a.get_by_label("Body").fill(a_body)
    press(a)
    a.wait_for_url("**/admin/articles/article/")
    b_headline = "Two bridges reopen in Erbil two weeks after the floods"
    b.get_by_label("Headline").fill(b_headline)
    press(b)
    warning = b.locator(".messagelist .warning")
    expect(warning).to_contain_text("both sets of changes are kept")
    expect(warning).to_contain_text("Theirs: Body. Yours: Headline.")
    saved = fresh(story)
    assert saved.headline == b_headline
    assert saved.body == a_body  # stored with LF, as the browser's CRLF is normalised
    assert byline_names(story) == ["Rebin Fatah", "Kurdistan 24"]
    assert saved.corrections.count() == 1

    # Both change the summary; A also changes the source.
    a.goto(change_path(story))
    b.goto(change_path(story))
    a.get_by_label("Summary").fill("Both bridges over the Greater Zab are open again.")
    a.get_by_label("Source").fill("Kurdistan 24 and Rudaw")
    press(a)
    a.wait_for_url("**/admin/articles/article/")
    b_summary = "Two bridges across the Greater Zab reopened on Tuesday, two weeks on."
    b.get_by_label("Summary").fill(b_summary)
    press(b)
    conflict = b.locator(".conflict")
    expect(conflict).to_be_visible()
    assert conflict.locator("tbody th[scope=row]").all_inner_texts() == ["Summary"]
    assert "Publication time" not in conflict.inner_text()
    # amira's save, as History records it: her two fields (not the body she left alone).
    expect(conflict.locator("p").first).to_contain_text("by amira: Changed Summary and Source.")
    expect(b.get_by_label("Summary")).to_have_value(b_summary)  # B's text is still there
    expect(b.get_by_label("Source")).to_have_value("Kurdistan 24 and Rudaw")  # A's, merged
    b.screenshot(path=str(tmp_path / "conflict.png"), full_page=True)
    assert fresh(story).summary == "Both bridges over the Greater Zab are open again."

    press(b)  # without choosing
    expect(b.locator(".errornote, .errorlist").first).to_be_visible()
    expect(b.locator("#article_form")).to_contain_text("Choose which version to keep of: Summary")
    assert fresh(story).summary == "Both bridges over the Greater Zab are open again."

    b.locator(".conflict").get_by_label("yours", exact=True).check()
    press(b)
    b.wait_for_url("**/admin/articles/article/")
    saved = fresh(story)
    assert saved.summary == b_summary
    assert saved.source == "Kurdistan 24 and Rudaw"  # A's other change is kept
    assert saved.headline == b_headline
    assert saved.body == a_body  # stored with LF, as the browser's CRLF is normalised
    assert byline_names(story) == ["Rebin Fatah", "Kurdistan 24"]


# 2. History → Changes


STORY_EDITS = {
    # arabic: (first edit: old words, new), (second edit: old, new), the byline added
    False: (("Tuesday.", "Wednesday."), ("normal,", "its usual pace,"), "Sara Ahmed"),
    True: (("پرد", "پردی گەورە"), ("ئاسایی", "وەک جاران"), "سارا ئەحمەد"),
}


@pytest.mark.parametrize("arabic", [False, True], ids=["latin", "arabic-script"])
def test_history_changes_show_a_word_diff_with_bylines_and_dateline(desk, arabic, tmp_path):
    story = make_story(arabic=arabic)
    (old1, new1), (old2, new2), added = STORY_EDITS[arabic]
    make_byline(added)
    bylines = byline_names(story)
    make_staff("amira", EDITOR)
    page = desk("amira")
    page.goto(change_path(story))
    body = page.get_by_label("Body")
    body.fill(body.input_value().replace(old1, new1))
    press(page, "Save and continue editing")

    body.fill(body.input_value().replace(old2, new2))
    choose(page, page.locator("#article_bylines-2 .select2-selection"), added.split()[0], added)
    page.locator("#id_article_bylines-2-position").fill("2")
    dateline = page.locator("#id_dateline + .select2 .select2-selection")
    choose(page, dateline, "Duhok", "Duhok (city)")
    press(page, "Save and continue editing")
    assert byline_names(story) == [*bylines, added]
    assert fresh(story).dateline.slug == "duhok-city"

    page.get_by_role("link", name="History").click()
    rows = page.locator("#change-history tbody tr")
    expect(rows).to_have_count(3)
    rows.last.get_by_role("link", name="Changes").click()  # oldest first
    page.wait_for_url("**/changes/")
    table = page.locator("table.version-changes")
    page.screenshot(path=str(tmp_path / f"changes-{arabic}.png"), full_page=True)
    labels = table.locator("tbody th").all_inner_texts()
    assert sorted(labels) == ["Body", "Bylines", "Dateline"]

    def cell(label):
        return table.locator("tr", has=page.locator("th", has_text=label)).locator("td.diff")

    assert cell("Body").locator("del").all_inner_texts() == [old2]
    assert cell("Body").locator("ins").all_inner_texts() == [new2]
    assert cell("Dateline").locator("del").inner_text() == "Erbil"
    assert cell("Dateline").locator("ins").inner_text() == "Duhok"
    assert added.split()[-1] in cell("Bylines").locator("ins").inner_text()
    assert cell("Bylines").locator("del").count() <= 1
    assert "line-through" in cell("Body").locator("del").first.evaluate(
        "del => getComputedStyle(del).textDecorationLine"
    )
    assert cell("Body").locator("ins").first.evaluate(
        "ins => getComputedStyle(ins).backgroundColor"
    ) not in ("rgba(0, 0, 0, 0)", "transparent")

    # The earlier save changed the body only.
    page.go_back()
    page.locator("#change-history tbody tr").nth(1).get_by_role("link", name="Changes").click()
    page.wait_for_url("**/changes/")
    assert page.locator("table.version-changes tbody th").all_inner_texts() == ["Body"]


# 3. Restore a published, corrected story's old version


def test_restoring_an_in_review_version_of_a_live_corrected_story(desk, live_server, tmp_path):
    story = make_story("Dam inspection finds cracks", status=Article.Status.REVIEW)
    make_staff("amira", EDITOR)
    page = desk("amira")
    page.goto(change_path(story))
    # In review, the wire note is still the desk's to drop: the first save has none.
    page.locator("#id_corrections-0-DELETE").check()
    press(page, "Save and continue editing")
    assert fresh(story).corrections.count() == 0
    # Published, with a new headline and a correction.
    page.get_by_label("Headline").fill("Dam inspection finds cracks in the spillway")
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Add another Correction or update").click()
    page.locator("#id_corrections-0-text").fill("The dam is on the Greater Zab, not the Tigris.")
    press(page)
    page.wait_for_url("**/admin/articles/article/")
    live = fresh(story)
    assert live.status == Article.Status.PUBLISHED and live.is_public
    note = live.corrections.get()

    page.goto(change_path(story))
    page.get_by_role("link", name="History").click()
    rows = page.locator("#change-history tbody tr")
    expect(rows).to_have_count(3)
    rows.first.get_by_role("link", name="Restore…").click()  # oldest first
    page.wait_for_url("**/history/*/")
    summary = page.locator(".restore-summary")
    expect(summary).to_contain_text("Status: now “Published”, in this version “In review”")
    expect(summary).to_contain_text("Corrections and updates added since this version stay")
    expect(summary).to_contain_text(note.text)
    headline_diff = summary.locator("tr", has_text="Headline").locator("del")
    expect(headline_diff).to_have_text("in the spillway")
    keep = page.get_by_label(re.compile("Keep what the form below says"))
    take = page.get_by_label(re.compile("Take this version.s"))
    expect(keep).not_to_be_checked()
    expect(take).not_to_be_checked()
    expect(page.locator("label", has_text="Take this version's")).to_contain_text(
        "takes the story off the site"
    )
    expect(page.get_by_label("Headline")).to_have_value("Dam inspection finds cracks")
    page.screenshot(path=str(tmp_path / "restore.png"), full_page=True)
    shoot(page, "admin-restore")

    press(page)  # without a choice
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-publication .errorlist")).to_contain_text("required")
    unchanged = fresh(story)
    assert (unchanged.headline, unchanged.lock_version) == (live.headline, live.lock_version)

    page.get_by_label(re.compile("Keep what the form below says")).check()
    press(page)
    page.wait_for_url("**/admin/articles/article/")
    expect(page.locator(".messagelist .success")).to_be_visible()
    restored = fresh(story)
    assert restored.headline == "Dam inspection finds cracks"
    assert restored.status == Article.Status.PUBLISHED
    assert restored.slug == live.slug
    assert restored.published_at == live.published_at.replace(microsecond=0)  # as the form shows
    assert list(restored.corrections.values_list("pk", "text")) == [(note.pk, note.text)]
    assert restored.lock_version > live.lock_version

    response = page.goto(restored.get_absolute_url())
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("Dam inspection finds cracks")
    expect(page.locator("body")).to_contain_text("The dam is on the Greater Zab")

    page.goto(change_path(story))
    page.get_by_role("link", name="History").click()
    expect(page.locator("#change-history tbody tr")).to_have_count(4)
    expect(page.locator("#change-history tbody tr").last).to_contain_text(
        "Restored the version saved"
    )


# 4. A reporter probing other articles' revision URLs


def snapshot(exclude):
    return {
        article.pk: (
            article.headline,
            article.status,
            article.lock_version,
            article.published_at,
            tuple(article.corrections.values_list("pk", "kind", "text")),
            tuple(article.article_bylines.values_list("pk", "byline_id", "position")),
        )
        for article in Article.objects.exclude(pk=exclude.pk)
    }


def test_a_reporter_probing_revision_urls_changes_no_other_article(desk):
    from django.test import Client

    from tests.admin_forms import article_post_data

    editor = make_staff("amira", EDITOR)
    reporter = make_staff("rebin", REPORTER)
    desk_client = Client()
    desk_client.force_login(editor)

    def edit(article, **changes):
        data = article_post_data(fresh(article), **changes)
        assert desk_client.post(change_path(article), data).status_code == 302

    published = make_story("Ministry confirms the dam is safe")
    edit(published, headline="Ministry confirms the dam is unsafe")
    withdrawn = make_story("Curfew in Duhok tonight", arabic=True)
    edit(withdrawn, headline="Curfew in Duhok lifted")
    edit(withdrawn, status=Article.Status.WITHDRAWN)
    others = [published, withdrawn]
    # The reporter's draft has the id of one of the published story's byline rows: a
    # version of that row has the draft's object id.
    taken = set(Article.objects.values_list("pk", flat=True))
    row = ArticleByline.objects.filter(article=published).exclude(pk__in=taken).first()
    draft = make_story(
        "Checkpoint queues at Gali Ali Beg", status=Article.Status.DRAFT, created_by=reporter,
        pk=row.pk,
    )  # fmt: skip
    same_id = Version.objects.filter(
        content_type__model="articlebyline", object_id=str(draft.pk)
    ).first()
    foreign = Version.objects.exclude(content_type__model="article", object_id=str(draft.pk))
    assert foreign.filter(content_type__model="article").count() >= 5
    assert foreign.filter(content_type__model="articlebyline").count() >= 6
    before = snapshot(exclude=draft)

    page = desk("rebin")
    page.goto(change_path(draft))
    page.get_by_label("Headline").fill("Checkpoint queues at Gali Ali Beg grow")
    press(page, "Save and continue editing")
    assert fresh(draft).headline == "Checkpoint queues at Gali Ali Beg grow"

    probes = [revision_path(draft.pk, v.pk) for v in foreign]
    probes += [revision_path(a.pk, v.pk) for a in others for v in Version.objects.all()]
    probes += [reverse("admin:articles_article_recover", args=[v.pk]) for v in foreign[:4]]
    answers = {path: page.goto(path).status for path in probes}
    assert set(answers.values()) <= {403, 404}, {p: s for p, s in answers.items() if s < 400}
    assert answers[revision_path(draft.pk, same_id.pk)] == 404

    # The attack itself: the draft's own form, posted to the revision URL of the byline
    # version with the draft's id (as a hostile reporter would, with the developer tools).
    page.goto(change_path(draft))
    attack = revision_path(draft.pk, same_id.pk)
    page.locator("#article_form").evaluate("(form, url) => { form.action = url; }", attack)
    with page.expect_response(lambda r: r.url.endswith(attack)) as posted:
        page.get_by_role("button", name="Save", exact=True).click()
    assert posted.value.status == 404
    oldest = Version.objects.get_for_object(published).last()
    assert page.goto(revision_path(published.pk, oldest.pk)).status == 403

    assert snapshot(exclude=draft) == before
    assert fresh(published).headline == "Ministry confirms the dam is unsafe"
    assert fresh(withdrawn).status == Article.Status.WITHDRAWN
    assert Correction.objects.filter(article__in=others).count() == 2

    # Their own draft's restore page works.
    page.goto(change_path(draft))
    page.get_by_role("link", name="History").click()
    page.locator("#change-history tbody tr").first.get_by_role("link", name="Restore…").click()
    page.wait_for_url("**/history/*/")
    expect(page.locator(".restore-summary")).to_contain_text("Restoring the version saved")
    expect(page.get_by_label("Headline")).to_have_value("Checkpoint queues at Gali Ali Beg")
    press(page)
    page.wait_for_url("**/admin/articles/article/")
    assert fresh(draft).headline == "Checkpoint queues at Gali Ali Beg"
    assert snapshot(exclude=draft) == before

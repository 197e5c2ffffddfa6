"""Accessibility of the public pages: axe-core (npm, tests/browser/package.json, installed
by `npm ci` in tests/browser; .ci/run does it) injected into each page in Chromium, every
WCAG 2.x A/AA rule and axe's best practices. Any violation fails, listed per page."""

from pathlib import Path

import pytest

from tests.factories import at, make_article

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.exists():
    pytest.skip("axe-core is not installed: cd tests/browser && npm ci", allow_module_level=True)

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def violations(page, url):
    """axe-core's violations on the page at `url`: a list of "rule (impact): targets"."""
    page.goto(url)
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => `${v.id} (${v.impact}): ${v.help} at `"
        " + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))",
        RULES,
    )
    return found


@pytest.fixture
def axe_page(browser):
    # The site's Content-Security-Policy forbids scripts it did not send: axe's is the
    # test's, so this browser context alone ignores the policy.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_public_pages_have_no_axe_violations(axe_page, live_server, settings):
    settings.DEBUG = False  # the 404 page readers get, not the technical one
    settings.ARTICLES_PER_PAGE = 2  # lists with pagination
    latin = make_article(
        "Two bridges reopen in Erbil",
        published_at=at("2020-03-09 13:00"),
        tags=["ISIS", "Bridges"],
        regions=["erbil-city", "makhmour"],
    )
    arabic = make_article(arabic=True, published_at=at("2020-03-09 15:00"))
    for n in range(3):
        make_article(published_at=at(f"2019-0{n + 1}-15 10:00"))
    sorani = make_article(
        "دوو پرد لە هەولێر دوای لافاوەکە دەکرێنەوە",
        language="ckb",
        translation_of=latin,
        published_at=at("2020-03-09 14:00"),
        regions=["erbil-city", "makhmour"],
    )
    arabic_translation = make_article(
        "إعادة فتح جسرين في أربيل بعد الفيضانات",
        language="ar",
        translation_of=latin,
        published_at=at("2020-03-09 14:30"),
        regions=["erbil-city"],
    )
    tag, byline = latin.tags.order_by("pk").first(), latin.ordered_bylines[0]
    pages = [
        "/",
        "/articles/",
        "/articles/?page=2",
        "/articles/?q=bridges&region=iraq&tag=isis&from=2019-01-01&to=2020-12-31",
        "/articles/?q=WHO",
        "/articles/?tag=no-such-tag",
        "/articles/?region=Hawler",
        "/articles/2020/",
        "/articles/2020/03/",
        "/articles/2020/03/09/",
        latin.get_absolute_url(),
        arabic.get_absolute_url(),
        "/regions/",
        "/regions/erbil/",
        "/tags/",
        tag.get_absolute_url(),
        arabic.tags.first().get_absolute_url(),
        "/bylines/",
        byline.get_absolute_url(),
        "/no-such-page/",
        # Right to left: the Sorani and Arabic editions and articles.
        sorani.get_absolute_url(),
        arabic_translation.get_absolute_url(),
        "/ckb/",
        "/ar/",
        "/ckb/regions/erbil/",
        "/ar/regions/erbil/",
        "/ckb/articles/",
        "/ar/no-such-page/",
    ]
    report = []
    for width, height in [(1280, 900), (360, 740)]:  # a desktop and a phone
        axe_page.set_viewport_size({"width": width, "height": height})
        for url in pages:
            report += [
                f"{url} at {width}px: {v}" for v in violations(axe_page, live_server.url + url)
            ]
    assert not report, "\n".join(report)

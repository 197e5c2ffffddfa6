"""The archive list's facet and histogram markup, written by template tags in one pass
(articles.templatetags.newsroom), byte for byte as the template loops and Django's own
formatting wrote it, in each language (en, ckb, kmr, ar: left to right and right to
left, each with its own numbers and month names)."""

import copy
import datetime
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.translation import ngettext

from articles.facets import Facet, date_facets, histogram
from articles.filters import ArticleFilter, GazetteerSelect, QuickSelect
from articles.models import Article

LANGUAGES = ["en", "ckb", "kmr", "ar"]
# Filters in force, a single date among them (a month's range drops it), a repeated key,
# text to escape and a non-Latin value.
BASE = (
    "region=erbil&tag=oil&date=2020-03-09&q=%22water+%26+power%22"
    "&language=all&language=ar&q2=%D9%87%D9%87"
)

# The loops facets.html had, with Django's QueryDict for the links: the reference.
LOOPS = (
    "{% load humanize languages %}"
    '{% for facet in language_facets %}<li><a href="{{ facet.url }}"'
    '{% if facet.active %} aria-current="true"{% endif %}{% lang_attrs facet.params.language %}>'
    '{{ facet.label }}</a> <span class="count">{{ facet.count|intcomma }}</span></li>{% endfor %}\n'
    '{% for facet in region_facets %}<li class="depth-{{ facet.depth }}"><a href="{{ facet.url }}"'
    '{% if facet.active %} aria-current="true"{% endif %}>{{ facet.label }}</a> '
    '<span class="count">{{ facet.count|intcomma }}</span></li>{% endfor %}\n'
    '{% for facet in tag_facets %}<li><a href="{{ facet.url }}"'
    '{% if facet.active %} aria-current="true"{% endif %}>{{ facet.label }}</a> '
    '<span class="count">{{ facet.count|intcomma }}</span></li>{% endfor %}\n'
    '{% for year in date_facets %}<li><a href="{{ year.url }}">{{ year.label }}</a> '
    '<span class="count">{{ year.count|intcomma }}</span>\n'
    "        <ul>{% for month in year.children %}"
    '<li><a href="{{ month.url }}">{{ month.label }}</a> '
    '<span class="count">{{ month.count|intcomma }}</span></li>{% endfor %}</ul>\n'
    "      </li>{% endfor %}"
)
TAGS = """{% load newsroom %}{% facet_items language_facets "languages" %}
{% facet_items region_facets "places" %}
{% facet_items tag_facets %}
{% facet_items date_facets "dates" %}"""


BAR = (
    '<a href="{}" tabindex="-1"><rect x="{}" y="{}" width="{}" height="{}">'
    "<title>{}</title></rect></a>"
)


def narrowed_by_copy(base, params):
    """The links as QueryDict.copy(), assignment and urlencode() give them."""
    query = base.copy()
    for key, value in params.items():
        query[key] = value
    if "from" in params or "to" in params:
        query.pop("date", None)
    return "?" + query.urlencode()


def months():
    """Months over eleven years with gaps and counts from 1 to over a thousand."""
    start = datetime.date(2010, 1, 1)
    rows, month = [], start
    for i in range(130):
        if i % 7 != 3:
            rows.append((month, 1 + (i * 7919) % 1500))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return rows


def facets():
    return {
        "language_facets": [
            Facet("English", 12345, {"language": "en"}, active=True),
            Facet("کوردی", 3, {"language": "ckb"}),
            Facet("Kurmancî", 1000, {"language": "kmr"}),
            Facet("العربية", 999999, {"language": "ar"}),
        ],
        "region_facets": [
            Facet("Erbil <& Hewlêr>", 1234567, {"region": "erbil"}, depth=1, active=True),
            Facet("دهۆک", 7, {"region": "duhok"}, depth=2),
        ],
        "tag_facets": [
            Facet('Oil "& gas"', 2048, {"tag": "oil-gas"}),
            Facet("Water", 0, {"tag": "w"}),
        ],
        "date_facets": date_facets(months()),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_facet_items_write_what_the_template_loops_wrote(language):
    base = QueryDict(BASE)
    with translation.override(language):
        context = facets()
        for facet in [f for kind in context.values() for f in kind]:
            for each in [facet, *facet.children]:
                each.url = narrowed_by_copy(base, each.params)
        expected = Template(LOOPS).render(Context(context))
        written = Template(TAGS).render(Context({**facets(), "base_query": base}))
    assert written == expected
    assert "&amp;" in written and "aria-current" in written and "\n        <ul>" in written


@pytest.mark.parametrize("language", LANGUAGES)
def test_histogram_bars_write_what_each_bar_was_written_as(language):
    base = QueryDict(BASE)
    chart = histogram(months())
    with translation.override(language):
        width = formats.localize(chart["bar_width"])
        expected = "".join(
            BAR.format(
                escape(narrowed_by_copy(base, bar.params)),
                formats.localize(bar.x),
                formats.localize(bar.y),
                width,
                formats.localize(bar.height),
                escape(
                    ngettext(
                        "%(month)s: %(shown)s article", "%(month)s: %(shown)s articles", bar.count
                    )
                    % {
                        "month": formats.date_format(bar.month, "F Y"),
                        "shown": formats.localize(bar.count),
                    }
                ),
            )
            for bar in chart["bars"]
            if bar.count
        )
        written = Template("{% load newsroom %}{% histogram_bars chart %}").render(
            Context({"chart": chart, "base_query": base})
        )
    assert written == expected
    assert written.count("<rect") == sum(1 for bar in chart["bars"] if bar.count) > 100


@pytest.mark.parametrize(
    "params",
    [{"tag": "water"}, {"from": "2020-01-01", "to": "2020-01-31"}, {"language": "ckb"},
     {"date": "2021-01-01"}, {"region": "دهۆک", "page": "2"}],
)  # fmt: skip
def test_narrowed_links_are_those_a_copy_of_the_query_gives(params):
    base = QueryDict(BASE)
    written = Template("{% load newsroom %}{% narrowed params %}").render(
        Context({"params": params, "base_query": base}, autoescape=False)
    )
    assert written == narrowed_by_copy(base, params)
    assert written != "?" + urlencode(params) or not base


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_region_select_is_written_once_as_the_select_wrote_it(rf, language, monkeypatch):
    def region_select(chosen):
        data = QueryDict(f"region={chosen}")
        form = ArticleFilter(data, queryset=Article.objects.all(), request=rf.get("/")).form
        return form.fields["region"], form["region"]

    monkeypatch.setattr(GazetteerSelect, "written", None)
    with translation.override(language):
        field, bound = region_select("erbil")
        str(bound)
        once = GazetteerSelect.written
        assert once is not None
        for chosen in ["erbil", "duhok", ""]:
            field, bound = region_select(chosen)
            written = str(bound)
            expected = QuickSelect.render(field.widget, "region", chosen, {"id": "id_region"})
            assert written == expected
            assert written.count(" selected>") == 1  # "" chooses "Anywhere"
            assert f'<option value="{chosen}" selected>' in written
        assert GazetteerSelect.written is once  # the options were not written again
        # A renamed place is a new gazetteer: its options are written again.
        field, bound = region_select("duhok")
        places = [copy.copy(region) for region in field.cached_objects()]
        duhok = next(region for region in places if region.slug == "duhok")
        duhok.name = "Dihok <renamed>"
        monkeypatch.setattr(field, "cached_objects", lambda: places)
        assert "Dihok &lt;renamed&gt;</option>" in str(bound)
        assert GazetteerSelect.written is not once

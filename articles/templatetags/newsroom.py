from html import escape
from urllib.parse import urlencode

from django import template
from django.utils import formats, numberformat, translation
from django.utils.html import json_script
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from articles.templatetags.languages import lang_attrs

register = template.Library()


@register.filter
def ld_json(value):
    """JSON-LD in a script block, escaped as json_script escapes (no </script> breakout).
    A data block, not a script: the Content-Security-Policy does not apply to it."""
    script = json_script(value)  # escapes <, > and & inside the JSON
    return mark_safe(script.replace('type="application/json"', 'type="application/ld+json"', 1))


class Narrower:
    """The links of an archive list: `base` (a QueryDict: the filters in force,
    canonical, no page) with some parameters set, as "?..." (see `narrowed`). Each of
    the base's parameters is encoded once, not once per link."""

    def __init__(self, base):
        self.base = base
        self.encoded = {key: urlencode([(key, v) for v in values]) for key, values in base.lists()}

    def __call__(self, params):
        """As QueryDict.copy(), assignment and urlencode() would give it: `params` (a
        dict of str) replace the base's values in place or follow them; a date range
        ("from", "to") drops a single "date"."""
        drop_date = "from" in params or "to" in params
        parts = []
        for key, encoded in self.encoded.items():
            if drop_date and key == "date":
                continue
            if key in params:
                encoded = urlencode([(key, params[key])])
            if encoded:
                parts.append(encoded)
        for key, value in params.items():
            if key not in self.encoded and not (drop_date and key == "date"):
                parts.append(urlencode([(key, value)]))
        return "?" + "&".join(parts)


def narrower(context):
    """The Narrower of the context's `base_query`, made once per template rendered."""
    held = context.render_context.get(Narrower)
    if held is None or held.base is not context["base_query"]:
        held = context.render_context[Narrower] = Narrower(context["base_query"])
    return held


@register.simple_tag(takes_context=True)
def narrowed(context, params):
    """The archive list's query string (`base_query` in the context: the filters in
    force, canonical, no page) with `params` (a dict of str) set, as "?..."."""
    return narrower(context)(params)


class Numbers:
    """Numbers as Django's `localize` and humanize's `intcomma` write them in the active
    language, its formats looked up once rather than once per number."""

    def __init__(self):
        language = translation.get_language()
        self.formats = [
            formats.get_format(name, language, use_l10n=True)
            for name in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
        ]

    def localize(self, number):
        """formats.localize(number) of an int or float."""
        separator, grouping, thousands = self.formats
        return numberformat.format(number, separator, None, grouping, thousands, use_l10n=True)

    def intcomma(self, number):
        """humanize's intcomma(number) of an int."""
        separator, grouping, thousands = self.formats
        return numberformat.format(
            int(number), separator, None, grouping, thousands, force_grouping=True, use_l10n=True
        )


BAR = (
    '<a href="{}" tabindex="-1"><rect x="{}" y="{}" width="{}" height="{}">'
    "<title>{}</title></rect></a>"
)


@register.simple_tag(takes_context=True)
def histogram_bars(context, histogram):
    """The SVG bars of `histogram` (articles.facets.histogram): for each month with
    articles a link narrowing the list to it (see `narrowed`), its count in a <title>.
    Written in one pass: as a template loop, a long result's 240 bars cost its first
    render more than its queries did."""
    link, numbers = narrower(context), Numbers()
    width = numbers.localize(histogram["bar_width"])
    month_names, titles = {}, {}
    bars = []
    for bar in histogram["bars"]:
        if not bar.count:
            continue
        month = bar.month.month
        if month not in month_names:
            month_names[month] = formats.date_format(bar.month, "F")
        if bar.count not in titles:
            titles[bar.count] = ngettext(
                "%(month)s: %(shown)s article", "%(month)s: %(shown)s articles", bar.count
            )
        # As date_format(bar.month, "F Y") writes it: the month's name, a space, the year.
        name = f"{month_names[month]} {bar.month.year:04d}"
        title = titles[bar.count] % {"month": name, "shown": numbers.localize(bar.count)}
        bars.append(
            BAR.format(
                *map(
                    escape,
                    (
                        link(bar.params),
                        numbers.localize(bar.x),
                        numbers.localize(bar.y),
                        width,
                        numbers.localize(bar.height),
                        title,
                    ),
                )
            )
        )
    return mark_safe("".join(bars))  # noqa: S308 - each bar's text is escaped


FACET = '<li{}><a href="{}"{}{}>{}</a> <span class="count">{}</span>{}</li>'
CURRENT = ' aria-current="true"'


@register.simple_tag(takes_context=True)
def facet_items(context, facets, kind=""):
    """The <li> of each of `facets` (articles.facets.Facet): a link narrowing the list
    to it (see `narrowed`) and its count. `kind`: "languages" (each link in its own
    language, lang/dir), "places" (a class="depth-N" per item) or "dates" (years, each
    with its months' links in a nested list), else tags. The markup facets.html wrote
    as template loops, in one pass."""
    link, numbers = narrower(context), Numbers()

    def item(facet, *, depth=False, language=False, nested=""):
        return FACET.format(
            f' class="depth-{escape(str(facet.depth))}"' if depth else "",
            escape(link(facet.params)),
            CURRENT if facet.active and kind != "dates" else "",
            lang_attrs(facet.params["language"]) if language else "",
            escape(str(facet.label)),
            escape(numbers.intcomma(facet.count)),
            nested,
        )

    if kind == "dates":
        items = (
            item(
                year,
                nested="\n        <ul>{}</ul>\n      ".format(
                    "".join(item(month) for month in year.children)
                ),
            )
            for year in facets
        )
    else:
        items = (
            item(facet, depth=kind == "places", language=kind == "languages") for facet in facets
        )
    return mark_safe("".join(items))  # noqa: S308 - each item's text is escaped

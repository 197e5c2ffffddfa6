from urllib.parse import urlencode

from django import template
from django.utils import formats
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def ld_json(value):
    """JSON-LD in a script block, escaped as json_script escapes (no </script> breakout).
    A data block, not a script: the Content-Security-Policy does not apply to it."""
    script = json_script(value)  # escapes <, > and & inside the JSON
    return mark_safe(script.replace('type="application/json"', 'type="application/ld+json"', 1))


@register.simple_tag(takes_context=True)
def narrowed(context, params):
    """The archive list's query string (`base_query` in the context: the filters in
    force, canonical, no page) with `params` (a dict of str) set, as "?..."."""
    # As QueryDict.copy(), assignment and urlencode() would give it, without the deep
    # copy: an archive page has hundreds of these links.
    query = dict(context["base_query"].lists())
    for key, value in params.items():
        query[key] = [value]
    if "from" in params or "to" in params:
        query.pop("date", None)
    return "?" + urlencode([(key, value) for key, values in query.items() for value in values])


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
    width = formats.localize(histogram["bar_width"])
    bars = []
    for bar in histogram["bars"]:
        if not bar.count:
            continue
        title = ngettext(
            "%(month)s: %(shown)s article", "%(month)s: %(shown)s articles", bar.count
        ) % {"month": formats.date_format(bar.month, "F Y"), "shown": formats.localize(bar.count)}
        bars.append(
            format_html(
                BAR,
                narrowed(context, bar.params),
                formats.localize(bar.x),
                formats.localize(bar.y),
                width,
                formats.localize(bar.height),
                title,
            )
        )
    return mark_safe("".join(bars))  # noqa: S308 - each bar is built by format_html
